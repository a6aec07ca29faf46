/*
 * service_fixture.h: vsssvc for tests: start bin/vsssvc in the foreground
 * with the test's private VSS_*_DIR and wait until it serves, stop it, kill
 * it; switch this process between embedded and service mode; and run a
 * whole existing suite in service mode (UMBRA_SERVICE_SUITE).
 */
#ifndef UMBRA_TESTS_SERVICE_FIXTURE_H
#define UMBRA_TESTS_SERVICE_FIXTURE_H

#include <sys/types.h>
#include "harness.h"

#define SVC_READY_TIMEOUT_MS 30000

/* Make <tmpdir>/<name>/{config,run,state} (run 0755, so that requesters of
 * other uids reach the socket), point VSS_CONFIG_DIR, VSS_RUNTIME_DIR and
 * VSS_STATE_DIR there and reload the configuration.  Returns <tmpdir>/<name>. */
const char *svc_private_dirs(const char *name);

/* Start bin/vsssvc -f --no-idle-exit --ready-fd N [extra args] with this
 * process's environment and wait until it says it is ready (--no-idle-exit
 * is left out when extra args has --idle-timeout).  Its pid, or -1
 * (reaped; the reason on stderr). */
pid_t svc_start(const char *const *extra_args);
/* SIGTERM and wait (SIGKILL after 30 s): its exit status, 128+signal when
 * killed, -1 when it could not be reaped. */
int svc_stop(pid_t pid);
/* SIGKILL and reap. */
void svc_kill(pid_t pid);
/* Wait up to timeout_ms for pid to exit on its own: its status as above, or
 * -2 if it still runs. */
int svc_wait_exit(pid_t pid, int timeout_ms);

/* VSS_MODE=service (on) or embedded (off) for this process, configuration
 * reloaded; -1 forgets VSS_MODE (libvssapi then picks whichever answers). */
void svc_use(int on);

/* For suites run in service mode: start the service in the environment the
 * suite's own init made and switch to service mode; stop it afterwards. */
int svc_suite_begin(void);
int svc_suite_end(void);
/* A copy of tests without the ones whose names are listed (NULL-terminated),
 * kept for the life of the process. */
CU_TestInfo *svc_filter_tests(CU_TestInfo *tests, const char *const *skip);

/* Register an existing suite, under the name service_<id>, to run with the
 * service: a runner defines `svc_skip` (names of tests that cannot hold in
 * service mode, with the reason beside each), redefines UMBRA_SUITE to this
 * and includes the suite's source:
 *
 *     static const char *const svc_skip[] = { NULL };
 *     #undef UMBRA_SUITE
 *     #define UMBRA_SUITE UMBRA_SERVICE_SUITE
 *     #include "integration/test_backup_fs.c"
 */
#define UMBRA_SERVICE_SUITE(id, init_fn, cleanup_fn, tests_array)                          \
    static int umbra_svc_init_##id(void)                                                    \
    {                                                                                       \
        int ret_ = (init_fn)();                                                             \
        return ret_ ? ret_ : svc_suite_begin();                                            \
    }                                                                                       \
    static int umbra_svc_cleanup_##id(void)                                                 \
    {                                                                                       \
        int ret_ = (cleanup_fn)();                                                          \
        return svc_suite_end() ? -1 : ret_;                                                \
    }                                                                                       \
    static struct umbra_suite umbra_suite_##id = { "service_" #id, umbra_svc_init_##id,   \
                                                   umbra_svc_cleanup_##id, 0, 0 };          \
    __attribute__((constructor)) static void umbra_suite_register_##id(void)               \
    {                                                                                       \
        umbra_suite_##id.tests = svc_filter_tests(tests_array, svc_skip);                  \
        umbra_register_suite(&umbra_suite_##id);                                            \
    }

#endif
