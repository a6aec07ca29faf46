/*
 * config.c: the process-wide configuration (config.h), read once from the
 * environment, and the durable file primitives that all persistent state goes
 * through, with their fault-injection hook for crash tests.
 *
 * Not for: the meaning of the files written here (catalogue.c, volume.c).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "umbra/debug.h"
#include "umbra/mounts.h"
#include "config.h"

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t config_mutex = PTHREAD_MUTEX_INITIALIZER;
static char config_dir[PATH_MAX], runtime_dir[PATH_MAX], state_dir[PATH_MAX];
static struct vss_config config = { config_dir, runtime_dir, state_dir, 0, VSS_MODE_EMBEDDED };

/* The directory rule is kernel32's (umbra/mounts.h), so that kernel32's drive
 * letters ($VSS_CONFIG_DIR/dosdevices) are the ones vssapi sees. */
static void set_dir(char *dst, const char *env, const char *root_default,
                    const char *xdg, const char *home_rel)
{
    umbra_vss_dir(dst, PATH_MAX, env, root_default, xdg, home_rel);
}

static int parse_wait(const char *value)
{
    char *end;
    long secs;

    if (!value || !*value) return 0;
    errno = 0;
    secs = strtol(value, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (errno == ERANGE && secs > 0) secs = CONFIG_MAX_WAIT_FOR_SET;
    else if (errno || *end || end == value || secs < 0)
    {
        WARN("ignoring VSS_WAIT_FOR_SET=%s: not a number of seconds\n", value);
        return 0;
    }
    if (secs > CONFIG_MAX_WAIT_FOR_SET) secs = CONFIG_MAX_WAIT_FOR_SET;
    return (int)secs;
}

static enum vss_mode parse_mode(const char *value)
{
    if (!value || !*value || !strcasecmp(value, "embedded")) return VSS_MODE_EMBEDDED;
    if (!strcasecmp(value, "service")) return VSS_MODE_SERVICE;
    WARN("ignoring VSS_MODE=%s: expected embedded or service\n", value);
    return VSS_MODE_EMBEDDED;
}

static void config_read(void)
{
    set_dir(config_dir, "VSS_CONFIG_DIR", "/etc/vss", "XDG_CONFIG_HOME", ".config");
    set_dir(runtime_dir, "VSS_RUNTIME_DIR", "/run/vss", "XDG_RUNTIME_DIR", NULL);
    set_dir(state_dir, "VSS_STATE_DIR", "/var/lib/vss", "XDG_STATE_HOME", ".local/state");
    config.wait_for_set = parse_wait(secure_getenv("VSS_WAIT_FOR_SET"));
    config.mode = parse_mode(secure_getenv("VSS_MODE"));
    TRACE("config %s, runtime %s, state %s, wait %d s, mode %s\n", config_dir, runtime_dir,
          state_dir, config.wait_for_set, config.mode == VSS_MODE_SERVICE ? "service" : "embedded");
}

static void config_init(void)
{
    pthread_mutex_lock(&config_mutex);
    config_read();
    pthread_mutex_unlock(&config_mutex);
}

const struct vss_config *config_get(void)
{
    pthread_once(&config_once, config_init);
    return &config;
}

void config_reload(void)
{
    pthread_once(&config_once, config_init);
    pthread_mutex_lock(&config_mutex);
    config_read();
    pthread_mutex_unlock(&config_mutex);
}

static int check_private_dir(const char *path)
{
    struct stat st;
    int fd, ret = 0;

    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
    {
        ret = -errno;
        /* O_NOFOLLOW|O_DIRECTORY on a symlink gives ENOTDIR (ELOOP without O_DIRECTORY) */
        if (ret == -ELOOP || (ret == -ENOTDIR && !lstat(path, &st) && S_ISLNK(st.st_mode)))
        {
            WARN("%s is a symlink; refusing to keep state there\n", path);
            return -EPERM;
        }
        return ret;
    }
    if (fstat(fd, &st) < 0) ret = -errno;
    else if (st.st_uid != geteuid())
    {
        WARN("%s belongs to uid %u, not %u\n", path, (unsigned int)st.st_uid, (unsigned int)geteuid());
        ret = -EPERM;
    }
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
    {
        WARN("%s is writable by others (mode %o)\n", path, (unsigned int)(st.st_mode & 07777));
        ret = -EPERM;
    }
    close(fd);
    return ret;
}

int config_make_private_dir(const char *path)
{
    char buf[PATH_MAX];
    size_t len;
    char *p;

    if (!path || path[0] != '/') return -EINVAL;
    len = strlen(path);
    if (len >= sizeof(buf)) return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = 0;

    /* parents first, like mkdir -p; only the last component must be ours */
    for (p = buf + 1; *p; p++)
    {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        {
            int ret = -errno;
            WARN("cannot create %s: %s\n", buf, strerror(errno));
            return ret;
        }
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
    {
        int ret = -errno;
        WARN("cannot create %s: %s\n", buf, strerror(errno));
        return ret;
    }
    return check_private_dir(buf);
}

/* --- fault injection ---------------------------------------------------- */

static unsigned int fault_kinds, fault_nth, fault_steps;
static int fault_errnum;

void state_fault_set(unsigned int kinds, unsigned int nth, int errnum)
{
    __atomic_store_n(&fault_steps, 0, __ATOMIC_SEQ_CST);
    fault_errnum = errnum;
    fault_nth = nth;
    __atomic_store_n(&fault_kinds, nth ? kinds : 0, __ATOMIC_SEQ_CST);
}

unsigned int state_fault_steps(void)
{
    return __atomic_load_n(&fault_steps, __ATOMIC_SEQ_CST);
}

/* Count one I/O step; returns -errnum when this is the step that must fail.
 * A crash at a write step first writes half of the buffer (a torn write). */
static int fault_step(enum state_io kind, int fd, const void *data, size_t len)
{
    unsigned int step;

    if (!(__atomic_load_n(&fault_kinds, __ATOMIC_SEQ_CST) & kind)) return 0;
    step = __atomic_add_fetch(&fault_steps, 1, __ATOMIC_SEQ_CST);
    if (step != fault_nth) return 0;
    if (fault_errnum == STATE_FAULT_CRASH)
    {
        if (kind == STATE_IO_WRITE && fd >= 0 && len > 1 && write(fd, data, len / 2) < 0) _exit(STATE_FAULT_EXIT_CODE);
        _exit(STATE_FAULT_EXIT_CODE);
    }
    TRACE("injected fault at step %u (kind %#x): %s\n", step, kind, strerror(fault_errnum));
    return -fault_errnum;
}

/* --- durable file primitives ---------------------------------------------- */

static int split_path(const char *path, char *dir, size_t dir_size, const char **base)
{
    const char *slash = strrchr(path, '/');
    size_t len;

    if (!slash || !slash[1]) return -EINVAL;
    len = slash == path ? 1 : (size_t)(slash - path);
    if (len >= dir_size) return -ENAMETOOLONG;
    memcpy(dir, path, len);
    dir[len] = 0;
    *base = slash + 1;
    return 0;
}

int state_fsync_dir(const char *dir)
{
    int fd, ret;

    if ((ret = fault_step(STATE_IO_DIRSYNC, -1, NULL, 0))) return ret;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ret = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    if (ret) WARN("fsync of directory %s: %s\n", dir, strerror(-ret));
    return ret;
}

int state_syncfs(const char *path)
{
    int fd, ret;

    if ((ret = fault_step(STATE_IO_SYNCFS, -1, NULL, 0))) return ret;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -errno;
    ret = syncfs(fd) < 0 ? -errno : 0;
    close(fd);
    if (ret) WARN("syncfs of %s: %s\n", path, strerror(-ret));
    return ret;
}

int state_fsync_path(const char *path)
{
    int fd, ret;

    if ((ret = fault_step(STATE_IO_FSYNC, -1, NULL, 0))) return ret;
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    ret = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    if (ret) WARN("fsync of %s: %s\n", path, strerror(-ret));
    return ret;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    int ret;

    /* one counted step per call, even for an empty file, so tests see a write step */
    if ((ret = fault_step(STATE_IO_WRITE, fd, data, len))) return ret;
    while (len)
    {
        ssize_t n = write(fd, p, len);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* durable: fsync the file before the rename and the directory after it */
static int write_replace(const char *path, const void *data, size_t len, mode_t mode, int durable)
{
    char dir[PATH_MAX], tmp[PATH_MAX];
    const char *base;
    int fd = -1, ret, n;

    if (!path || (!data && len)) return -EINVAL;
    if ((ret = split_path(path, dir, sizeof(dir), &base))) return ret;

    for (n = 0;; n++)
    {
        if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%d.%d", dir, base, (int)getpid(), n) >= (int)sizeof(tmp))
            return -ENAMETOOLONG;
        if ((ret = fault_step(STATE_IO_OPEN, -1, NULL, 0))) return ret;
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd >= 0) break;
        if (errno != EEXIST || n >= 100)
        {
            ret = -errno;
            WARN("cannot create %s: %s\n", tmp, strerror(errno));
            return ret;
        }
    }
    /* the mode asked for, not the one umask left */
    if (fchmod(fd, mode) < 0) { ret = -errno; goto fail; }
    if ((ret = write_all(fd, data, len))) goto fail;
    if (durable)
    {
        if ((ret = fault_step(STATE_IO_FSYNC, fd, NULL, 0))) goto fail;
        if (fsync(fd) < 0) { ret = -errno; goto fail; }
    }
    if (close(fd) < 0) { fd = -1; ret = -errno; goto fail; }
    fd = -1;
    if ((ret = fault_step(STATE_IO_RENAME, -1, NULL, 0))) goto fail;
    if (rename(tmp, path) < 0) { ret = -errno; goto fail; }
    return durable ? state_fsync_dir(dir) : 0;

fail:
    WARN("cannot write %s: %s\n", path, strerror(-ret));
    if (fd >= 0) close(fd);
    unlink(tmp);
    return ret;
}

int state_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
    return write_replace(path, data, len, mode, 1);
}

int state_write_unsynced(const char *path, const void *data, size_t len, mode_t mode)
{
    return write_replace(path, data, len, mode, 0);
}

int state_unlink_durable(const char *path)
{
    char dir[PATH_MAX];
    const char *base;
    int ret;

    if (!path) return -EINVAL;
    if ((ret = split_path(path, dir, sizeof(dir), &base))) return ret;
    if ((ret = fault_step(STATE_IO_UNLINK, -1, NULL, 0))) return ret;
    if (unlink(path) < 0) return -errno;
    return state_fsync_dir(dir);
}

int state_rename_durable(const char *oldpath, const char *newpath)
{
    char dir[PATH_MAX];
    const char *base;
    int ret;

    if (!oldpath || !newpath) return -EINVAL;
    if ((ret = split_path(newpath, dir, sizeof(dir), &base))) return ret;
    if ((ret = fault_step(STATE_IO_RENAME, -1, NULL, 0))) return ret;
    if (rename(oldpath, newpath) < 0) return -errno;
    return state_fsync_dir(dir);
}

static int all_digits(const char *s, size_t len)
{
    size_t i;

    if (!len || len > 10) return 0;
    for (i = 0; i < len; i++) if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

pid_t state_tmp_owner(const char *name, const char *base)
{
    const char *tail, *dot;
    long pid;

    if (!name || name[0] != '.') return 0;
    if (base)
    {
        size_t len = strlen(base);
        if (strncmp(name + 1, base, len) || strncmp(name + 1 + len, ".tmp.", 5)) return 0;
        tail = name + 1 + len + 5;
    }
    else
    {
        const char *p = name, *found = NULL;
        while ((p = strstr(p, ".tmp."))) found = p++;
        if (!found || found == name) return 0;
        tail = found + 5;
    }
    if (!(dot = strchr(tail, '.'))) return 0;
    if (!all_digits(tail, dot - tail) || !all_digits(dot + 1, strlen(dot + 1))) return 0;
    pid = strtol(tail, NULL, 10);
    return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}
