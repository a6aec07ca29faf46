/*
 * test_config.c: the process-wide configuration (where Umbra keeps its files,
 * VSS_WAIT_FOR_SET, VSS_MODE), safe private directories, and the durable file
 * primitives with their fault injection: a failure or a crash at any step of
 * an atomic replace leaves the old file or the new one.
 */
/* internals of the POSIX layer: glibc printf, not the Microsoft one Windows code gets */
#define UMBRA_NATIVE_CRT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "harness.h"
#include "config.h"

static char base[PATH_MAX];

static const char *tmp_path(const char *name)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    if (snprintf(buf, PATH_MAX, "%s/%s", base, name) >= PATH_MAX) abort();
    return buf;
}

static void clear_env(void)
{
    static const char *const vars[] =
    {
        "VSS_CONFIG_DIR", "VSS_RUNTIME_DIR", "VSS_STATE_DIR", "VSS_WAIT_FOR_SET", "VSS_MODE",
        "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "XDG_STATE_HOME",
    };
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) unsetenv(vars[i]);
}

static int init(void)
{
    snprintf(base, sizeof(base), "%s/config", umbra_test_tmpdir());
    return mkdir(base, 0755);
}

static int cleanup(void)
{
    clear_env();
    config_reload();
    return 0;
}

static void test_root_defaults(void)
{
    const struct vss_config *c;

    if (geteuid() != 0)
    {
        CU_PASS("not root: the unprivileged defaults are tested in a child instead");
        return;
    }
    clear_env();
    config_reload();
    c = config_get();
    CU_ASSERT_STRING_EQUAL(c->config_dir, "/etc/vss");
    CU_ASSERT_STRING_EQUAL(c->runtime_dir, "/run/vss");
    CU_ASSERT_STRING_EQUAL(c->state_dir, "/var/lib/vss");
    CU_ASSERT_EQUAL(c->wait_for_set, 0);
    CU_ASSERT_EQUAL(c->mode, VSS_MODE_EMBEDDED);
}

/* Checks in a child that drops root: 0 when every expectation held. */
static int user_defaults_child(void)
{
    const struct vss_config *c;
    char expect[PATH_MAX];

    if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0)) return 10;
    clear_env();
    setenv("HOME", "/home/someone", 1);
    config_reload();
    c = config_get();
    if (strcmp(c->config_dir, "/home/someone/.config/vss")) return 1;
    if (strcmp(c->state_dir, "/home/someone/.local/state/vss")) return 2;
    snprintf(expect, sizeof(expect), "/tmp/vss-%u", (unsigned int)geteuid());
    if (strcmp(c->runtime_dir, expect)) return 3;

    setenv("XDG_CONFIG_HOME", "/x/config", 1);
    setenv("XDG_RUNTIME_DIR", "/x/run", 1);
    setenv("XDG_STATE_HOME", "/x/state", 1);
    config_reload();
    if (strcmp(c->config_dir, "/x/config/vss")) return 4;
    if (strcmp(c->runtime_dir, "/x/run/vss")) return 5;
    if (strcmp(c->state_dir, "/x/state/vss")) return 6;

    /* XDG: relative values are invalid and ignored */
    setenv("XDG_STATE_HOME", "relative/state", 1);
    config_reload();
    if (strcmp(c->state_dir, "/home/someone/.local/state/vss")) return 7;
    return 0;
}

static void test_user_defaults(void)
{
    int status;
    pid_t pid = fork();

    CU_ASSERT_FATAL(pid >= 0);
    if (!pid) _exit(user_defaults_child());
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

static void test_env_overrides(void)
{
    const struct vss_config *c;

    clear_env();
    setenv("VSS_CONFIG_DIR", "/srv/vss/etc", 1);
    setenv("VSS_RUNTIME_DIR", "/srv/vss/run", 1);
    setenv("VSS_STATE_DIR", "/srv/vss/state", 1);
    config_reload();
    c = config_get();
    CU_ASSERT_STRING_EQUAL(c->config_dir, "/srv/vss/etc");
    CU_ASSERT_STRING_EQUAL(c->runtime_dir, "/srv/vss/run");
    CU_ASSERT_STRING_EQUAL(c->state_dir, "/srv/vss/state");

    /* a relative or empty override is ignored, not used relative to the cwd */
    setenv("VSS_STATE_DIR", "state", 1);
    setenv("VSS_CONFIG_DIR", "", 1);
    config_reload();
    CU_ASSERT_STRING_NOT_EQUAL(c->state_dir, "state");
    CU_ASSERT_PTR_NOT_NULL(strchr(c->state_dir, '/'));
    CU_ASSERT_EQUAL(c->state_dir[0], '/');
    CU_ASSERT_EQUAL(c->config_dir[0], '/');
    clear_env();
    config_reload();
}

static void test_wait_for_set(void)
{
    static const struct { const char *value; int expect; } cases[] =
    {
        { "0", 0 }, { "5", 5 }, { " 7 ", 7 }, { "30\n", 30 }, { "-1", 0 }, { "abc", 0 }, { "5s", 0 },
        { "", 0 }, { "999999999999999999999", CONFIG_MAX_WAIT_FOR_SET }, { "90000", CONFIG_MAX_WAIT_FOR_SET },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        setenv("VSS_WAIT_FOR_SET", cases[i].value, 1);
        config_reload();
        CU_ASSERT_EQUAL(config_get()->wait_for_set, cases[i].expect);
        if (config_get()->wait_for_set != cases[i].expect)
            fprintf(stderr, "VSS_WAIT_FOR_SET=\"%s\": got %d\n", cases[i].value, config_get()->wait_for_set);
    }
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    CU_ASSERT_EQUAL(config_get()->wait_for_set, 0);
}

static void test_mode(void)
{
    setenv("VSS_MODE", "service", 1);
    config_reload();
    CU_ASSERT_EQUAL(config_get()->mode, VSS_MODE_SERVICE);
    setenv("VSS_MODE", "SERVICE", 1);
    config_reload();
    CU_ASSERT_EQUAL(config_get()->mode, VSS_MODE_SERVICE);
    setenv("VSS_MODE", "embedded", 1);
    config_reload();
    CU_ASSERT_EQUAL(config_get()->mode, VSS_MODE_EMBEDDED);
    setenv("VSS_MODE", "bogus", 1);
    config_reload();
    CU_ASSERT_EQUAL(config_get()->mode, VSS_MODE_EMBEDDED);
    unsetenv("VSS_MODE");
    config_reload();
    CU_ASSERT_EQUAL(config_get()->mode, VSS_MODE_EMBEDDED);
}

static void test_private_dir(void)
{
    const char *dir = tmp_path("priv/a/b"), *file = tmp_path("plainfile"), *link = tmp_path("link");
    const char *loose = tmp_path("loose");
    struct stat st;
    int fd;

    CU_ASSERT_EQUAL(config_make_private_dir(dir), 0);
    CU_ASSERT_EQUAL_FATAL(lstat(dir, &st), 0);
    CU_ASSERT(S_ISDIR(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
    CU_ASSERT_EQUAL(st.st_uid, geteuid());
    /* again: it exists and is fine */
    CU_ASSERT_EQUAL(config_make_private_dir(dir), 0);
    /* trailing slashes are the same directory */
    {
        char slashed[PATH_MAX];
        snprintf(slashed, sizeof(slashed), "%s//", dir);
        CU_ASSERT_EQUAL(config_make_private_dir(slashed), 0);
    }

    fd = open(file, O_CREAT | O_WRONLY, 0600);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_EQUAL(config_make_private_dir(file), -ENOTDIR);

    /* a symlink planted where the directory should be is refused */
    CU_ASSERT_EQUAL(symlink(dir, link), 0);
    CU_ASSERT_EQUAL(config_make_private_dir(link), -EPERM);

    /* so is a directory others may write to */
    CU_ASSERT_EQUAL(mkdir(loose, 0700), 0);
    CU_ASSERT_EQUAL(chmod(loose, 0777), 0);
    CU_ASSERT_EQUAL(config_make_private_dir(loose), -EPERM);

    /* and one that belongs to someone else */
    if (geteuid() == 0)
    {
        const char *theirs = tmp_path("theirs");
        CU_ASSERT_EQUAL(mkdir(theirs, 0700), 0);
        CU_ASSERT_EQUAL(chown(theirs, 65534, 65534), 0);
        CU_ASSERT_EQUAL(config_make_private_dir(theirs), -EPERM);
    }

    CU_ASSERT_EQUAL(config_make_private_dir("relative/dir"), -EINVAL);
    CU_ASSERT_EQUAL(config_make_private_dir(NULL), -EINVAL);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY);

    if (fd < 0) return NULL;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0) return NULL;
    buf[n] = 0;
    return buf;
}

/* Entries in dir whose name starts with prefix. */
static int count_entries(const char *dir, const char *prefix)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int n = 0;

    if (!d) return -1;
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, prefix, strlen(prefix))) n++;
    closedir(d);
    return n;
}

static void test_write_atomic(void)
{
    const char *dir = tmp_path("atomic"), *file = tmp_path("atomic/data");
    struct stat st;
    char *text;

    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL(state_write_atomic(file, "one\n", 4, 0640), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text = slurp(file));
    CU_ASSERT_STRING_EQUAL(text, "one\n");
    CU_ASSERT_EQUAL(stat(file, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);

    CU_ASSERT_EQUAL(state_write_atomic(file, "two\n", 4, 0644), 0);
    CU_ASSERT_STRING_EQUAL(slurp(file), "two\n");
    CU_ASSERT_EQUAL(state_write_atomic(file, "", 0, 0644), 0);
    CU_ASSERT_STRING_EQUAL(slurp(file), "");
    /* nothing temporary is left */
    CU_ASSERT_EQUAL(count_entries(dir, "."), 2);   /* "." and ".." */

    CU_ASSERT_EQUAL(state_write_atomic(tmp_path("no/such/dir/file"), "x", 1, 0644), -ENOENT);
    CU_ASSERT_EQUAL(state_write_atomic("nodir", "x", 1, 0644), -EINVAL);
    CU_ASSERT_EQUAL(state_write_atomic(NULL, "x", 1, 0644), -EINVAL);
    CU_ASSERT_EQUAL(state_unlink_durable(file), 0);
    CU_ASSERT_EQUAL(state_unlink_durable(file), -ENOENT);
}

/* An injected error at every step: the call fails, the old content stays (or,
 * once the rename happened, the new one), and no temporary file is left. */
static void test_write_atomic_errors(void)
{
    const char *dir = tmp_path("faults"), *file = tmp_path("faults/data");
    unsigned int n;
    int ret;

    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(state_write_atomic(file, "old\n", 4, 0644), 0);
    for (n = 1;; n++)
    {
        const char *text;

        state_fault_set(STATE_IO_ALL, n, EIO);
        ret = state_write_atomic(file, "new content\n", 12, 0644);
        if (state_fault_steps() < n)
        {
            /* ran out of steps: the write completed */
            CU_ASSERT_EQUAL(ret, 0);
            break;
        }
        CU_ASSERT_EQUAL(ret, -EIO);
        text = slurp(file);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT(!strcmp(text, "old\n") || !strcmp(text, "new content\n"));
        CU_ASSERT_EQUAL(count_entries(dir, ".data"), 0);
        state_fault_set(0, 0, 0);
        CU_ASSERT_EQUAL(state_write_atomic(file, "old\n", 4, 0644), 0);
        CU_ASSERT_FATAL(n < 50);
    }
    state_fault_set(0, 0, 0);
    /* open, write, fsync, rename, fsync dir */
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_STRING_EQUAL(slurp(file), "new content\n");

    /* only the kinds asked for count */
    state_fault_set(STATE_IO_RENAME, 1, ENOSPC);
    CU_ASSERT_EQUAL(state_write_atomic(file, "x\n", 2, 0644), -ENOSPC);
    CU_ASSERT_EQUAL(state_fault_steps(), 1);
    CU_ASSERT_STRING_EQUAL(slurp(file), "new content\n");
    state_fault_set(STATE_IO_UNLINK, 1, EROFS);
    CU_ASSERT_EQUAL(state_unlink_durable(file), -EROFS);
    CU_ASSERT_EQUAL(access(file, F_OK), 0);
    state_fault_set(0, 0, 0);
}

/* A crash (the process dies) at every step: afterwards the file is whole,
 * old or new; a torn temporary file may be left, named so that its writer
 * can be identified. */
static void test_write_atomic_crashes(void)
{
    const char *dir = tmp_path("crashes"), *file = tmp_path("crashes/data");
    unsigned int n;

    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    for (n = 1; n < 50; n++)
    {
        const char *text;
        struct dirent *de;
        int status;
        pid_t pid;
        DIR *d;

        CU_ASSERT_EQUAL_FATAL(state_write_atomic(file, "old\n", 4, 0644), 0);
        pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (!pid)
        {
            state_fault_set(STATE_IO_ALL, n, STATE_FAULT_CRASH);
            _exit(state_write_atomic(file, "new content\n", 12, 0644) ? 1 : 0);
        }
        CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
        CU_ASSERT_FATAL(WIFEXITED(status));
        text = slurp(file);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT(!strcmp(text, "old\n") || !strcmp(text, "new content\n"));
        /* leftovers carry the dead writer's pid */
        d = opendir(dir);
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        while ((de = readdir(d)))
        {
            char path[PATH_MAX];
            if (de->d_name[0] != '.' || !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            CU_ASSERT_EQUAL(state_tmp_owner(de->d_name, "data"), pid);
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            unlink(path);
        }
        closedir(d);
        if (WEXITSTATUS(status) == 0) break;
        CU_ASSERT_EQUAL(WEXITSTATUS(status), STATE_FAULT_EXIT_CODE);
    }
    CU_ASSERT_EQUAL(n, 6);
}

static void test_tmp_owner(void)
{
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.1234.0", "index"), 1234);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.1234.0", NULL), 1234);
    CU_ASSERT_EQUAL(state_tmp_owner(".a.tmp.b.tmp.77.3", NULL), 77);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.1234.0", "other"), 0);
    CU_ASSERT_EQUAL(state_tmp_owner("index.tmp.1234.0", NULL), 0);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.12x4.0", NULL), 0);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.1234", NULL), 0);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.1234.", NULL), 0);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.0.0", NULL), 0);
    CU_ASSERT_EQUAL(state_tmp_owner(".index.tmp.99999999999.0", NULL), 0);
    CU_ASSERT_EQUAL(state_tmp_owner(NULL, NULL), 0);
}

static CU_TestInfo config_tests[] =
{
    { "root defaults", test_root_defaults },
    { "user defaults", test_user_defaults },
    { "environment overrides", test_env_overrides },
    { "VSS_WAIT_FOR_SET", test_wait_for_set },
    { "VSS_MODE", test_mode },
    { "private directories", test_private_dir },
    { "atomic replace", test_write_atomic },
    { "atomic replace, injected errors", test_write_atomic_errors },
    { "atomic replace, crashes", test_write_atomic_crashes },
    { "temporary file owner", test_tmp_owner },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(config, init, cleanup, config_tests);
