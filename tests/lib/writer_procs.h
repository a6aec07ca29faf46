/*
 * writer_procs.h: test writer processes for the writer suites: start one
 * (tests/bin/test_writer_c or test_writer_cxx, options in
 * tests/progs/test_writer_common.h) and wait until it is subscribed, stop it,
 * kill it, and read the event log it writes.
 */
#ifndef UMBRA_TESTS_WRITER_PROCS_H
#define UMBRA_TESTS_WRITER_PROCS_H

#include <sys/types.h>

#define WP_READY_TIMEOUT_MS 20000

/* Start tests/bin/<prog> with args (NULL-terminated, without argv[0] and
 * --ready-fd) and wait for it to report it is subscribed.  The child inherits
 * the environment (VSS_RUNTIME_DIR).  Returns its pid, or -1 (reaped). */
pid_t wp_start(const char *prog, const char *const *args);
/* SIGTERM, then wait (SIGKILL after 10 s).  Returns the exit code, 128+signal
 * for a killed process, -1 when it could not be reaped. */
int wp_stop(pid_t pid);
/* SIGKILL and reap. */
void wp_kill(pid_t pid);
/* SIGTERM, then wait at most timeout_ms; a process that does not end is
 * killed (and reported on stderr as "<what> <pid>").  Returns its exit code,
 * 128+signal, or -1 when it was killed or could not be reaped. */
int wp_terminate(pid_t pid, int timeout_ms, const char *what);

/* The --ready-fd handshake that test writers, the in-box writers and vsssvc
 * share.  wp_ready_pipe makes a close-on-exec pipe and in *child_fd a copy of
 * its write end (fd >= 10) that survives exec, to pass as --ready-fd; 0 or -1.
 * After the fork the parent closes *child_fd and pipefd[1] and calls
 * wp_wait_ready on pipefd[0]: 1 when the child's first line within
 * timeout_ms is "ready", else 0.  It does not close fd. */
int wp_ready_pipe(int pipefd[2], int *child_fd);
int wp_wait_ready(int fd, int timeout_ms);

/* Wait at most timeout_ms for any child pid to end.  Returns its exit code,
 * 128+signal for a killed process, -1 when it cannot be reaped, -2 when it is
 * still running. */
int wp_wait_exit(pid_t pid, int timeout_ms);

struct wp_log
{
    char **lines;
    unsigned int count;
};

/* Read a log written by test writers (one event per line). */
int wp_log_read(const char *path, struct wp_log *log);
void wp_log_free(struct wp_log *log);
/* Index of the first line at or after start that begins with prefix, or -1. */
int wp_log_find(const struct wp_log *log, const char *prefix, unsigned int start);
/* Number of lines that begin with prefix. */
unsigned int wp_log_count(const struct wp_log *log, const char *prefix);

/* A file name in the test's private directory: <tmpdir>/<name>. */
const char *wp_path(const char *name);

/* Sleep, for the tests that must let a deadline pass. */
void wp_sleep_ms(int ms);

#endif
