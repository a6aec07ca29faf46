/*
 * cmd_exec.c: EXEC <file> [arguments] (VSS-FACTS.md §6.1-6.2).
 *
 * The file runs with diskshadow's environment, which holds the aliases of the
 * shadow copies created so far (%VSS_SHADOW_1%, the script's own aliases,
 * VSS_SHADOW_SET), as a .cmd script sees them on Windows.  An executable file
 * is run directly; anything else (a .cmd or .sh script without the x bit) by
 * /bin/sh.  A file that cannot be started, a non-zero exit code or a signal
 * is a failure that ends diskshadow, as on Windows (output/01).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "umbra/debug.h"
#include "session.h"

/* Run argv[0] (a path) with argv; returns the wait status, or -errno when it
 * could not be started (reported back through a close-on-exec pipe). */
static int run(const char *prog, char **argv, int stdin_null)
{
    int pipefd[2], status = 0, child_errno = 0;
    ssize_t got;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC) < 0) return -errno;
    fflush(NULL);
    if ((pid = fork()) < 0)
    {
        int err = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return -err;
    }
    if (!pid)
    {
        int err;
        close(pipefd[0]);
        if (stdin_null)
        {
            int fd = open("/dev/null", O_RDONLY);
            if (fd >= 0 && fd != 0) { dup2(fd, 0); close(fd); }
        }
        execv(prog, argv);
        err = errno;
        if (write(pipefd[1], &err, sizeof(err)) < 0) {}
        _exit(127);
    }
    close(pipefd[1]);
    do got = read(pipefd[0], &child_errno, sizeof(child_errno));
    while (got < 0 && errno == EINTR);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -errno;
    if (got == (ssize_t)sizeof(child_errno)) return -child_errno;
    return status;
}

enum ds_status ds_cmd_exec(struct ds_session *s, const struct ds_command *cmd)
{
    char *path = ds_posix_path(cmd->arg[0]), **argv = NULL;
    enum ds_status status = DS_OK;
    struct stat st;
    size_t i, n = 0;
    int direct, ret;

    if (!path || stat(path, &st) < 0 || S_ISDIR(st.st_mode))
    {
        WARN("cannot run %s: %s\n", cmd->arg[0], path ? strerror(errno ? errno : EISDIR) : "no such drive");
        ds_print_exec_not_found(s->out, cmd->arg[0]);
        free(path);
        return DS_FAIL_EXEC;
    }
    direct = !access(path, X_OK);
    if (!(argv = calloc(cmd->argc + 3, sizeof(*argv))))
    {
        free(path);
        return ds_vss_failed(s, E_OUTOFMEMORY, "EXEC");
    }
    if (!direct) argv[n++] = (char *)"sh";
    argv[n++] = path;
    for (i = 0; i < cmd->argc; i++) argv[n++] = cmd->argv[i];
    argv[n] = NULL;

    ds_out_flush(s->out);
    /* commands read from a pipe must not be eaten by the child */
    ret = run(direct ? path : "/bin/sh", argv, !s->script && !isatty(0));
    if (ret < 0)
    {
        WARN("cannot run %s: %s\n", path, strerror(-ret));
        ds_print_exec_not_found(s->out, cmd->arg[0]);
        status = DS_FAIL_EXEC;
    }
    else if (WIFEXITED(ret) && WEXITSTATUS(ret))
    {
        ds_print_exec_failure(s->out, WEXITSTATUS(ret));
        status = DS_FAIL_EXEC;
    }
    else if (WIFSIGNALED(ret))
    {
        ds_print_exec_failure(s->out, 128 + WTERMSIG(ret));
        status = DS_FAIL_EXEC;
    }
    free(argv);
    free(path);
    return status;
}
