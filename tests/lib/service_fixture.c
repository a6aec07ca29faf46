/*
 * service_fixture.c: vsssvc for tests (service_fixture.h).  Every wait has a
 * deadline, so a service that does not start or stop fails its test instead
 * of hanging the suite.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "dlls/vssapi/config.h"   /* not configure's config.h of the build dir */
#include "lib/service_fixture.h"
#include "lib/writer_procs.h"

static pid_t suite_service = -1;

const char *svc_private_dirs(const char *name)
{
    static char base[PATH_MAX];
    char path[PATH_MAX + 16];

    snprintf(base, sizeof(base), "%s/%s", umbra_test_tmpdir(), name);
    mkdir(base, 0755);
    chmod(base, 0755);
    snprintf(path, sizeof(path), "%s/config", base);
    mkdir(path, 0700);
    setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", base);
    mkdir(path, 0755);
    chmod(path, 0755);
    setenv("VSS_RUNTIME_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/state", base);
    mkdir(path, 0700);
    setenv("VSS_STATE_DIR", path, 1);
    config_reload();
    return base;
}

pid_t svc_start(const char *const *extra_args)
{
    const char *argv[32], *path = umbra_prog("vsssvc");
    char fdtext[16];
    int pipefd[2], child_fd, argc = 0, status, idle = 0, ready;
    pid_t pid;

    if (!path || wp_ready_pipe(pipefd, &child_fd)) return -1;
    snprintf(fdtext, sizeof(fdtext), "%d", child_fd);
    argv[argc++] = "vsssvc";
    argv[argc++] = "--foreground";
    /* no idle exit, unless the test sets a timeout */
    for (int i = 0; extra_args && extra_args[i]; i++) idle |= !strcmp(extra_args[i], "--idle-timeout");
    if (!idle) argv[argc++] = "--no-idle-exit";
    argv[argc++] = "--ready-fd";
    argv[argc++] = fdtext;
    for (int i = 0; extra_args && extra_args[i] && argc < 30; i++) argv[argc++] = extra_args[i];
    argv[argc] = NULL;

    if (!(pid = fork()))
    {
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(child_fd);
    close(pipefd[1]);
    if (pid < 0)
    {
        close(pipefd[0]);
        return -1;
    }
    ready = wp_wait_ready(pipefd[0], SVC_READY_TIMEOUT_MS);
    close(pipefd[0]);
    if (ready) return pid;
    fprintf(stderr, "vsssvc did not start\n");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

int svc_wait_exit(pid_t pid, int timeout_ms)
{
    return wp_wait_exit(pid, timeout_ms);
}

int svc_stop(pid_t pid)
{
    return wp_terminate(pid, 30000, "vsssvc");
}

void svc_kill(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGCONT);
    kill(pid, SIGKILL);
    svc_wait_exit(pid, 10000);
}

void svc_use(int on)
{
    if (on < 0) unsetenv("VSS_MODE");
    else setenv("VSS_MODE", on ? "service" : "embedded", 1);
    config_reload();
}

int svc_suite_begin(void)
{
    if ((suite_service = svc_start(NULL)) < 0) return -1;
    svc_use(1);
    return 0;
}

int svc_suite_end(void)
{
    int status;

    svc_use(-1);
    status = svc_stop(suite_service);
    suite_service = -1;
    if (status) fprintf(stderr, "vsssvc exited with status %d\n", status);
    return status ? -1 : 0;
}

CU_TestInfo *svc_filter_tests(CU_TestInfo *tests, const char *const *skip)
{
    CU_TestInfo *copy;
    unsigned int n = 0, out = 0;

    while (tests[n].pName) n++;
    /* the suite's record keeps the copy reachable until exit */
    if (!(copy = calloc(n + 1, sizeof(*copy)))) return tests;
    for (unsigned int i = 0; i < n; i++)
    {
        int skipped = 0;

        for (const char *const *s = skip; s && *s && !skipped; s++) skipped = !strcmp(*s, tests[i].pName);
        if (!skipped) copy[out++] = tests[i];
    }
    return copy;
}
