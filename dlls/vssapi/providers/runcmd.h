/*
 * runcmd.h: run a storage tool (lvcreate, zfs, ...) with an argv built by a
 * provider, and collect what it printed.  No shell is involved, so names from
 * volumes cannot turn into commands.
 *
 * Not for: anything inside the hold window (nothing may be exec'd there onto
 * a frozen file system; the lvm and zfs providers do not FIFREEZE).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_RUNCMD_H
#define UMBRA_VSSAPI_PROVIDERS_RUNCMD_H

/* The longest argv a provider builds (program name and NULL included). */
#define RUNCMD_MAX_ARGS 64

/* An argv being built: the strings live in buf, so a command line is one
 * value that tests can build and inspect without running anything. */
struct cmdline
{
    char *argv[RUNCMD_MAX_ARGS];
    unsigned int argc;
    char buf[4096];
    size_t used;
    int err;          /* -E2BIG once something did not fit, or a builder's -EINVAL */
    int quiet;        /* say nothing on failure (inside the hold window) */
};

void cmdline_init(struct cmdline *cmd);
void cmdline_add(struct cmdline *cmd, const char *arg);
void cmdline_addf(struct cmdline *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run it: cmd->err, or runcmd()'s result. */
int cmdline_run(struct cmdline *cmd, char **output);

/* Run argv[0] (looked up in $PATH) with argv; its standard output goes to
 * *output (malloc'd, NUL-terminated; NULL to discard it), its standard error
 * to the trace.  Returns 0 if it exited with status 0, -ENOENT if it cannot be
 * found, -EIO if it failed, or another -errno. */
int runcmd(char *const argv[], char **output);
int runcmd_quiet(char *const argv[], char **output, int quiet);

/* 1 if program is found in $PATH, else 0. */
int runcmd_exists(const char *program);

#endif
