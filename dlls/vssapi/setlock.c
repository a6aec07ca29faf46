/*
 * setlock.c: the "one snapshot set in creation" lock (setlock.h): an flock on
 * a file in the runtime directory, polled with back-off when the caller may
 * wait (flock itself has no timeout).  The holder writes its pid and set id
 * into the file so that a loser can say who is in the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <windows.h>
#include "umbra/debug.h"
#include "config.h"
#include "setlock.h"

struct vss_setlock
{
    int fd;
    GUID set_id;
};

static int lock_path(char *buf, size_t size)
{
    return snprintf(buf, size, "%s/snapshot-set.lock", config_get()->runtime_dir) >= (int)size ? -ENAMETOOLONG : 0;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) ;
}

static void write_holder(int fd, const GUID *set_id)
{
    char text[128];
    int len;

    len = snprintf(text, sizeof(text), "pid=%d set=%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
                   (int)getpid(), set_id->Data1, set_id->Data2, set_id->Data3, set_id->Data4[0],
                   set_id->Data4[1], set_id->Data4[2], set_id->Data4[3], set_id->Data4[4],
                   set_id->Data4[5], set_id->Data4[6], set_id->Data4[7]);
    /* diagnostics only: a failure here does not matter to the lock */
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, len, 0) != len)
        WARN("cannot record the set lock holder: %s\n", strerror(errno));
}

int setlock_acquire(const GUID *set_id, int wait_seconds, struct vss_setlock **lock)
{
    const struct vss_config *config = config_get();
    struct vss_setlock *l;
    char path[PATH_MAX];
    long long deadline, delay = 10;
    int fd, ret;

    if (!set_id || !lock) return -EINVAL;
    *lock = NULL;
    if (wait_seconds == SETLOCK_WAIT_DEFAULT) wait_seconds = config->wait_for_set;
    if (wait_seconds < 0) return -EINVAL;
    if (wait_seconds > CONFIG_MAX_WAIT_FOR_SET) wait_seconds = CONFIG_MAX_WAIT_FOR_SET;
    if ((ret = config_make_private_dir(config->runtime_dir))) return ret;
    if ((ret = lock_path(path, sizeof(path)))) return ret;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
    {
        ret = -errno;
        WARN("cannot open %s: %s\n", path, strerror(errno));
        return ret;
    }
    deadline = now_ms() + (long long)wait_seconds * 1000;
    while (flock(fd, LOCK_EX | LOCK_NB) < 0)
    {
        long long left;

        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK)
        {
            ret = -errno;
            WARN("flock %s: %s\n", path, strerror(errno));
            close(fd);
            return ret;
        }
        if ((left = deadline - now_ms()) <= 0)
        {
            pid_t pid;
            GUID other;
            if (!setlock_holder(&pid, &other))
                WARN("snapshot set %s is in creation in process %d\n", debugstr_guid(&other), (int)pid);
            close(fd);
            return -EBUSY;
        }
        sleep_ms(delay < left ? delay : left);
        if (delay < 250) delay *= 2;
    }
    if (!(l = malloc(sizeof(*l))))
    {
        close(fd);
        return -ENOMEM;
    }
    l->fd = fd;
    l->set_id = *set_id;
    write_holder(fd, set_id);
    TRACE("set %s holds the snapshot set lock\n", debugstr_guid(set_id));
    *lock = l;
    return 0;
}

void setlock_release(struct vss_setlock *lock)
{
    if (!lock) return;
    TRACE("set %s releases the snapshot set lock\n", debugstr_guid(&lock->set_id));
    /* empty the file while still holding it, so nobody reads a stale holder */
    if (ftruncate(lock->fd, 0) < 0) WARN("cannot clear the set lock file: %s\n", strerror(errno));
    close(lock->fd);
    free(lock);
}

int setlock_holder(pid_t *pid, GUID *set_id)
{
    unsigned int d4[8], d1, d2, d3;
    char path[PATH_MAX], text[128];
    ssize_t len;
    int fd, p, i, ret;

    if (!pid || !set_id) return -EINVAL;
    if ((ret = lock_path(path, sizeof(path)))) return ret;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) return errno == ENOENT ? -ENOENT : -errno;
    len = pread(fd, text, sizeof(text) - 1, 0);
    close(fd);
    if (len <= 0) return -ENOENT;
    text[len] = 0;
    if (sscanf(text, "pid=%d set=%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &p, &d1, &d2, &d3, &d4[0], &d4[1],
               &d4[2], &d4[3], &d4[4], &d4[5], &d4[6], &d4[7]) != 12 || p <= 0)
        return -ENOENT;
    /* a holder that died without releasing left its line behind; its lock is gone */
    if (kill(p, 0) < 0 && errno == ESRCH) return -ENOENT;
    *pid = p;
    set_id->Data1 = d1;
    set_id->Data2 = (unsigned short)d2;
    set_id->Data3 = (unsigned short)d3;
    for (i = 0; i < 8; i++) set_id->Data4[i] = (unsigned char)d4[i];
    return 0;
}
