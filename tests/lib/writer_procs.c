/*
 * writer_procs.c: starting, stopping and reading the log of test writer
 * processes (writer_procs.h).  Every wait here has a deadline, so a writer
 * that misbehaves fails its test instead of hanging the suite.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "harness.h"
#include "writer_procs.h"

void wp_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) && errno == EINTR) ;
}

int wp_ready_pipe(int pipefd[2], int *child_fd)
{
    if (pipe2(pipefd, O_CLOEXEC)) return -1;
    /* everything the child needs is ready before fork, so it only execs */
    if ((*child_fd = fcntl(pipefd[1], F_DUPFD, 10)) < 0)
    {
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    return 0;
}

int wp_wait_ready(int fd, int timeout_ms)
{
    char buf[16];
    ssize_t got = 0;

    for (;;)
    {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;
        int ret = poll(&pfd, 1, timeout_ms);

        if (ret < 0 && errno == EINTR) continue;
        if (ret <= 0) break;
        if ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) <= 0) break;
        got += n;
        buf[got] = 0;
        if (strchr(buf, '\n')) break;
    }
    return got >= 6 && !strncmp(buf, "ready\n", 6);
}

pid_t wp_start(const char *prog, const char *const *args)
{
    const char *argv[64], *path = umbra_test_prog(prog);
    char fdtext[16];
    int pipefd[2], argc = 0, status, child_fd, ready;
    pid_t pid;

    if (!path || wp_ready_pipe(pipefd, &child_fd)) return -1;
    snprintf(fdtext, sizeof(fdtext), "%d", child_fd);
    argv[argc++] = prog;
    for (int i = 0; args && args[i] && argc < 60; i++) argv[argc++] = args[i];
    argv[argc++] = "--ready-fd";
    argv[argc++] = fdtext;
    argv[argc] = NULL;

    pid = fork();
    if (!pid)
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
    ready = wp_wait_ready(pipefd[0], WP_READY_TIMEOUT_MS);
    close(pipefd[0]);
    if (ready) return pid;
    fprintf(stderr, "writer %s did not start\n", prog);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

int wp_wait_exit(pid_t pid, int timeout_ms)
{
    for (int waited = 0;; waited += 10)
    {
        int status;
        pid_t ret = waitpid(pid, &status, WNOHANG);

        if (ret == pid)
        {
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            return -1;
        }
        if (ret < 0 && errno != EINTR) return -1;
        if (waited >= timeout_ms) return -2;
        wp_sleep_ms(10);
    }
}

int wp_terminate(pid_t pid, int timeout_ms, const char *what)
{
    int ret;

    if (pid <= 0) return -1;
    kill(pid, SIGTERM);
    if ((ret = wp_wait_exit(pid, timeout_ms)) == -2)
    {
        fprintf(stderr, "%s %d did not stop; killing it\n", what, (int)pid);
        kill(pid, SIGKILL);
        wp_wait_exit(pid, 10000);
        return -1;
    }
    return ret;
}

int wp_stop(pid_t pid)
{
    return wp_terminate(pid, 10000, "writer");
}

void wp_kill(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGCONT);
    kill(pid, SIGKILL);
    wp_wait_exit(pid, 10000);
}

int wp_log_read(const char *path, struct wp_log *log)
{
    FILE *f = fopen(path, "re");
    char line[2048];
    unsigned int cap = 0;

    log->lines = NULL;
    log->count = 0;
    if (!f) return -errno;
    while (fgets(line, sizeof(line), f))
    {
        line[strcspn(line, "\n")] = 0;
        if (log->count == cap)
        {
            unsigned int ncap = cap ? cap * 2 : 64;
            char **n = realloc(log->lines, ncap * sizeof(*n));
            if (!n) break;
            log->lines = n;
            cap = ncap;
        }
        if (!(log->lines[log->count] = strdup(line))) break;
        log->count++;
    }
    fclose(f);
    return 0;
}

void wp_log_free(struct wp_log *log)
{
    for (unsigned int i = 0; i < log->count; i++) free(log->lines[i]);
    free(log->lines);
    log->lines = NULL;
    log->count = 0;
}

int wp_log_find(const struct wp_log *log, const char *prefix, unsigned int start)
{
    size_t len = strlen(prefix);

    for (unsigned int i = start; i < log->count; i++)
        if (!strncmp(log->lines[i], prefix, len)) return (int)i;
    return -1;
}

unsigned int wp_log_count(const struct wp_log *log, const char *prefix)
{
    size_t len = strlen(prefix);
    unsigned int n = 0;

    for (unsigned int i = 0; i < log->count; i++)
        if (!strncmp(log->lines[i], prefix, len)) n++;
    return n;
}

const char *wp_path(const char *name)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    snprintf(buf, PATH_MAX, "%s/%s", umbra_test_tmpdir(), name);
    return buf;
}
