/*
 * runcmd.c: run a storage tool without a shell and collect its output
 * (runcmd.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "umbra/debug.h"
#include "runcmd.h"

extern char **environ;

struct buffer
{
    char *data;
    size_t len, size;
};

static int buffer_read(struct buffer *b, int fd)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n <= 0) return n < 0 && errno == EINTR ? 1 : 0;
    /* a tool that prints megabytes is not one we understand: keep the first 1 MiB */
    if (b->len + n + 1 > b->size && b->len < (1u << 20))
    {
        size_t size = b->size ? b->size * 2 : 4096;
        char *data;

        while (size < b->len + n + 1) size *= 2;
        if (!(data = realloc(b->data, size))) return 1;
        b->data = data;
        b->size = size;
    }
    if (b->len + n + 1 <= b->size)
    {
        memcpy(b->data + b->len, chunk, n);
        b->len += n;
        b->data[b->len] = 0;
    }
    return 1;
}

int runcmd(char *const argv[], char **output)
{
    return runcmd_quiet(argv, output, 0);
}

int runcmd_quiet(char *const argv[], char **output, int quiet)
{
    struct buffer out = { 0 }, err = { 0 };
    posix_spawn_file_actions_t actions;
    int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
    int ret, status, open_count = 2;
    pid_t pid;

    if (output) *output = NULL;
    if (pipe2(out_pipe, O_CLOEXEC) < 0) return -errno;
    if (pipe2(err_pipe, O_CLOEXEC) < 0)
    {
        ret = -errno;
        close(out_pipe[0]);
        close(out_pipe[1]);
        return ret;
    }
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    ret = -posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (ret)
    {
        if (!quiet) WARN("%s: %s\n", argv[0], strerror(-ret));
        close(out_pipe[0]);
        close(err_pipe[0]);
        return ret;
    }
    while (open_count)
    {
        struct pollfd fds[2] = { { out_pipe[0], POLLIN, 0 }, { err_pipe[0], POLLIN, 0 } };

        if (poll(fds, 2, -1) < 0)
        {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents && out_pipe[0] >= 0 && !buffer_read(&out, out_pipe[0]))
        {
            close(out_pipe[0]);
            out_pipe[0] = -1;
            open_count--;
        }
        if (fds[1].revents && err_pipe[0] >= 0 && !buffer_read(&err, err_pipe[0]))
        {
            close(err_pipe[0]);
            err_pipe[0] = -1;
            open_count--;
        }
    }
    if (out_pipe[0] >= 0) close(out_pipe[0]);
    if (err_pipe[0] >= 0) close(err_pipe[0]);
    while (waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            status = -1;
            break;
        }
    }
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status))
    {
        /* posix_spawnp reports a missing program as exit status 127 */
        ret = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
        if (!quiet) WARN("%s failed (status %#x): %s\n", argv[0], status, err.data ? err.data : "");
        free(out.data);
    }
    else if (output)
    {
        *output = out.data ? out.data : strdup("");
        if (!*output) ret = -ENOMEM;
    }
    else free(out.data);
    free(err.data);
    return ret;
}

int runcmd_exists(const char *program)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];

    if (strchr(program, '/')) return !access(program, X_OK);
    if (!path) path = "/usr/sbin:/usr/bin:/sbin:/bin";
    while (*path)
    {
        size_t len = strcspn(path, ":");

        if (len && snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, program) < (int)sizeof(buf)
            && !access(buf, X_OK))
            return 1;
        path += len;
        if (*path) path++;
    }
    return 0;
}

void cmdline_init(struct cmdline *cmd)
{
    memset(cmd, 0, sizeof(*cmd));
}

void cmdline_add(struct cmdline *cmd, const char *arg)
{
    size_t len = strlen(arg) + 1;

    if (cmd->err) return;
    if (cmd->argc + 1 >= RUNCMD_MAX_ARGS || cmd->used + len > sizeof(cmd->buf))
    {
        cmd->err = -E2BIG;
        return;
    }
    memcpy(cmd->buf + cmd->used, arg, len);
    cmd->argv[cmd->argc++] = cmd->buf + cmd->used;
    cmd->argv[cmd->argc] = NULL;
    cmd->used += len;
}

void cmdline_addf(struct cmdline *cmd, const char *fmt, ...)
{
    char arg[1024];
    va_list args;
    int len;

    va_start(args, fmt);
    len = vsnprintf(arg, sizeof(arg), fmt, args);
    va_end(args);
    if (len < 0 || len >= (int)sizeof(arg))
    {
        if (!cmd->err) cmd->err = -E2BIG;
        return;
    }
    cmdline_add(cmd, arg);
}

int cmdline_run(struct cmdline *cmd, char **output)
{
    if (output) *output = NULL;
    if (cmd->err) return cmd->err;
    if (!cmd->argc) return -EINVAL;
    return runcmd_quiet(cmd->argv, output, cmd->quiet);
}
