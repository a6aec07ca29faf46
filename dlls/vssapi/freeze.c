/*
 * freeze.c: flush-and-hold with a watchdog, and the start-up thaw of file
 * systems a dead process left frozen (freeze.h).
 *
 * Measured on this kernel (DESIGN.md §5): a second FIFREEZE of a file system
 * gives EBUSY, and a process that dies holding a freeze leaves the file system
 * frozen.  Hence the record in $VSS_RUNTIME_DIR, written before the first
 * FIFREEZE and removed after the last FITHAW:
 *
 *     umbra-freeze 1
 *     owner <pid> <start time in clock ticks, /proc/<pid>/stat field 22>
 *     fs <major>:<minor> <path, %25 for '%', %0a for a newline>
 *
 * The start time tells a dead owner from a new process that got its pid.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include "umbra/debug.h"
#include "config.h"
#include "freeze.h"
#include "providers/provider.h"

#define RECORD_PREFIX "frozen."

struct held_fs
{
    int fd;
    dev_t dev;
    char *path;
    int fifreeze;        /* asked for */
    int flush;           /* syncfs first: some target's provider does not flush by itself */
    int frozen;          /* FIFREEZE succeeded and no FITHAW yet (under the mutex) */
    int thaw_error;      /* errno of a failed FITHAW */
};

struct freeze_hold
{
    struct held_fs *fs;
    unsigned int count;
    struct timespec deadline;     /* CLOCK_MONOTONIC */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t watchdog;
    int watchdog_running;
    int released;                 /* under lock */
    atomic_int expired;           /* the watchdog thawed */
    char *record;                 /* path of our record, NULL if none */
};

static atomic_uint record_seq;

static void timespec_add_ms(struct timespec *ts, unsigned int ms)
{
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000)
    {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

static int timespec_after(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* Start time of a process in clock ticks since boot, 0 if it is gone. */
static unsigned long long process_start_time(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long start = 0;
    ssize_t len;
    int fd, field;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return 0;
    len = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (len <= 0) return 0;
    buf[len] = 0;
    /* the command name may hold spaces and parentheses: fields follow the last ')' */
    if (!(p = strrchr(buf, ')'))) return 0;
    for (field = 2; field < 22 && p; field++) p = strchr(p + 1, ' ');
    if (p) start = strtoull(p + 1, NULL, 10);
    return start;
}

/* Thaw everything we froze.  Called with the lock held, by whoever comes
 * first: the watchdog at the deadline or freeze_release(). */
static void thaw_all_locked(struct freeze_hold *hold)
{
    unsigned int i;

    for (i = 0; i < hold->count; i++)
    {
        if (!hold->fs[i].frozen) continue;
        if (ioctl(hold->fs[i].fd, FITHAW, &(int){ 0 }) < 0 && errno != EINVAL) hold->fs[i].thaw_error = errno;
        hold->fs[i].frozen = 0;
    }
}

static void *watchdog_main(void *arg)
{
    struct freeze_hold *hold = arg;

    pthread_mutex_lock(&hold->lock);
    while (!hold->released)
    {
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!timespec_after(&hold->deadline, &now))
        {
            atomic_store(&hold->expired, 1);
            thaw_all_locked(hold);
            break;
        }
        pthread_cond_timedwait(&hold->cond, &hold->lock, &hold->deadline);
    }
    pthread_mutex_unlock(&hold->lock);
    return NULL;
}

static void write_escaped(FILE *f, const char *str)
{
    for (; *str; str++)
    {
        if (*str == '%') fputs("%25", f);
        else if (*str == '\n') fputs("%0a", f);
        else fputc(*str, f);
    }
}

/* Write the record of what is about to be frozen, before freezing it. */
static int write_record(struct freeze_hold *hold)
{
    const char *dir = config_get()->runtime_dir;
    struct stat st;
    char *data = NULL;
    size_t size = 0;
    unsigned int i;
    FILE *f;
    int ret;

    if ((ret = config_make_private_dir(dir)))
    {
        WARN("runtime directory %s: %s\n", dir, strerror(-ret));
        return ret;
    }
    if (stat(dir, &st) < 0) return -errno;
    for (i = 0; i < hold->count; i++)
    {
        if (hold->fs[i].fifreeze && hold->fs[i].dev == st.st_dev)
        {
            /* writing or removing the record would wait for our own thaw */
            WARN("%s is on %s, which would be frozen\n", dir, hold->fs[i].path);
            return -EDEADLK;
        }
    }
    if (!(f = open_memstream(&data, &size))) return -errno;
    fprintf(f, "umbra-freeze 1\nowner %d %llu\n", (int)getpid(), process_start_time(getpid()));
    for (i = 0; i < hold->count; i++)
    {
        if (!hold->fs[i].fifreeze) continue;
        fprintf(f, "fs %u:%u ", major(hold->fs[i].dev), minor(hold->fs[i].dev));
        write_escaped(f, hold->fs[i].path);
        fputc('\n', f);
    }
    if (fclose(f))
    {
        free(data);
        return -ENOMEM;
    }
    if (asprintf(&hold->record, "%s/" RECORD_PREFIX "%d.%u", dir, (int)getpid(),
                 atomic_fetch_add(&record_seq, 1)) < 0)
    {
        hold->record = NULL;
        free(data);
        return -ENOMEM;
    }
    ret = state_write_atomic(hold->record, data, size, 0600);
    free(data);
    if (ret)
    {
        WARN("%s: %s\n", hold->record, strerror(-ret));
        free(hold->record);
        hold->record = NULL;
    }
    return ret;
}

static void hold_free(struct freeze_hold *hold)
{
    unsigned int i;

    for (i = 0; i < hold->count; i++)
    {
        if (hold->fs[i].fd >= 0) close(hold->fs[i].fd);
        free(hold->fs[i].path);
    }
    free(hold->fs);
    free(hold->record);
    pthread_mutex_destroy(&hold->lock);
    pthread_cond_destroy(&hold->cond);
    free(hold);
}

/* Open the targets, one entry per file system. */
static int collect_targets(struct freeze_hold *hold, const struct freeze_target *targets, unsigned int count)
{
    unsigned int i, j;

    if (!(hold->fs = calloc(count ? count : 1, sizeof(*hold->fs)))) return -ENOMEM;
    for (i = 0; i < count; i++)
    {
        struct held_fs *fs = &hold->fs[hold->count];
        struct stat st;
        int fd;

        if (!targets[i].path) return -EINVAL;
        if ((fd = open(targets[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
        {
            int ret = -errno;
            WARN("%s: %s\n", targets[i].path, strerror(errno));
            if (fd >= 0) close(fd);
            return ret;
        }
        for (j = 0; j < hold->count; j++)
            if (hold->fs[j].dev == st.st_dev) break;
        if (j < hold->count)
        {
            hold->fs[j].fifreeze |= !!(targets[i].mode & PROVIDER_FREEZE_FIFREEZE);
            hold->fs[j].flush |= !(targets[i].mode & PROVIDER_FREEZE_NONE);
            close(fd);
            continue;
        }
        fs->fd = fd;
        fs->dev = st.st_dev;
        fs->fifreeze = !!(targets[i].mode & PROVIDER_FREEZE_FIFREEZE);
        fs->flush = !(targets[i].mode & PROVIDER_FREEZE_NONE);
        if (!(fs->path = strdup(targets[i].path))) return -ENOMEM;
        hold->count++;
    }
    return 0;
}

int freeze_hold(const struct freeze_target *targets, unsigned int count, unsigned int window_ms,
                struct freeze_hold **out)
{
    struct freeze_hold *hold;
    struct timespec start, now;
    pthread_condattr_t attr;
    int ret, need_freeze = 0, busy_errno = 0;
    unsigned int i;

    *out = NULL;
    if (!targets && count) return -EINVAL;
    if (!window_ms) window_ms = FREEZE_DEFAULT_WINDOW_MS;
    TRACE("%u targets, window %u ms\n", count, window_ms);
    if (!(hold = calloc(1, sizeof(*hold)))) return -ENOMEM;
    pthread_mutex_init(&hold->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&hold->cond, &attr);
    pthread_condattr_destroy(&attr);
    if ((ret = collect_targets(hold, targets, count))) goto fail;
    for (i = 0; i < hold->count; i++) need_freeze |= hold->fs[i].fifreeze;

    /* flush: bounded by the window too (VSS_E_FLUSH_WRITES_TIMEOUT) */
    clock_gettime(CLOCK_MONOTONIC, &start);
    hold->deadline = start;
    timespec_add_ms(&hold->deadline, window_ms);
    for (i = 0; i < hold->count; i++)
    {
        /* PROVIDER_FREEZE_NONE: the provider's commit flushes (a btrfs snapshot) */
        if (!hold->fs[i].flush && !hold->fs[i].fifreeze) continue;
        if (syncfs(hold->fs[i].fd) < 0)
        {
            ret = -errno;
            WARN("flushing %s: %s\n", hold->fs[i].path, strerror(errno));
            goto fail;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (timespec_after(&now, &hold->deadline))
    {
        WARN("flushing took longer than %u ms\n", window_ms);
        ret = -ETIMEDOUT;
        goto fail;
    }
    if (!need_freeze)
    {
        *out = hold;
        return 0;
    }

    if ((ret = write_record(hold))) goto fail;
    /* the window of the hold starts now */
    hold->deadline = now;
    timespec_add_ms(&hold->deadline, window_ms);
    if ((ret = -pthread_create(&hold->watchdog, NULL, watchdog_main, hold))) goto fail;
    hold->watchdog_running = 1;

    /* from here to freeze_release(): no logging, no files, no exec */
    for (i = 0; i < hold->count && !busy_errno; i++)
    {
        int err = 0;

        if (!hold->fs[i].fifreeze) continue;
        if (ioctl(hold->fs[i].fd, FIFREEZE, &(int){ 0 }) < 0) err = errno;
        pthread_mutex_lock(&hold->lock);
        if (!err)
        {
            hold->fs[i].frozen = 1;
            /* the watchdog may have fired while FIFREEZE waited for writers */
            if (atomic_load(&hold->expired)) thaw_all_locked(hold);
        }
        pthread_mutex_unlock(&hold->lock);
        if (err) busy_errno = err;
        if (atomic_load(&hold->expired)) break;
    }
    if (busy_errno || atomic_load(&hold->expired))
    {
        ret = freeze_release(hold);
        if (busy_errno)
        {
            ret = busy_errno == EBUSY ? -EBUSY : -busy_errno;
            WARN("freezing failed: %s\n", strerror(busy_errno));
        }
        else
            WARN("freezing took longer than %u ms\n", window_ms);
        return ret ? ret : -ETIMEDOUT;
    }
    *out = hold;
    return 0;

fail:
    if (hold->record)
    {
        state_unlink_durable(hold->record);
    }
    hold_free(hold);
    return ret;
}

int freeze_expired(const struct freeze_hold *hold)
{
    return hold ? atomic_load(&((struct freeze_hold *)hold)->expired) : 0;
}

int freeze_release(struct freeze_hold *hold)
{
    unsigned int i;
    int ret = 0, expired;

    if (!hold) return -EINVAL;
    pthread_mutex_lock(&hold->lock);
    hold->released = 1;
    expired = atomic_load(&hold->expired);
    if (!expired) thaw_all_locked(hold);
    pthread_cond_signal(&hold->cond);
    pthread_mutex_unlock(&hold->lock);
    /* everything is thawed: logging and files are safe again */
    if (hold->watchdog_running) pthread_join(hold->watchdog, NULL);
    for (i = 0; i < hold->count; i++)
    {
        if (!hold->fs[i].thaw_error) continue;
        ERR("thawing %s: %s\n", hold->fs[i].path, strerror(hold->fs[i].thaw_error));
        if (!ret) ret = -hold->fs[i].thaw_error;
    }
    if (hold->record)
    {
        int err = state_unlink_durable(hold->record);
        if (err && err != -ENOENT) WARN("%s: %s\n", hold->record, strerror(-err));
    }
    if (expired)
    {
        WARN("the hold window ran out: the watchdog thawed the file systems\n");
        ret = -ETIMEDOUT;
    }
    hold_free(hold);
    return ret;
}

/* --- recovery ----------------------------------------------------------------------- */

static int unescape(char *str)
{
    char *p = str, *q = str;

    while (*p)
    {
        if (*p == '%')
        {
            unsigned int c;
            if (!p[1] || !p[2] || sscanf(p + 1, "%2x", &c) != 1 || !c) return -EINVAL;
            *q++ = (char)c;
            p += 3;
        }
        else *q++ = *p++;
    }
    *q = 0;
    return 0;
}

/* Thaw what one record of a dead owner lists.  1 if the record is done with
 * (thawed or stale), 0 if its owner lives, -errno.  *thawed counts. */
static int recover_record(const char *path, unsigned int *thawed)
{
    char line[PATH_MAX + 64];
    unsigned long long start;
    int pid, ret = 1, first = 1;
    FILE *f;

    if (!(f = fopen(path, "re"))) return errno == ENOENT ? 0 : -errno;
    while (fgets(line, sizeof(line), f))
    {
        unsigned int maj, min;
        int n = 0;

        line[strcspn(line, "\n")] = 0;
        if (first)
        {
            first = 0;
            if (strcmp(line, "umbra-freeze 1")) break;   /* not ours to read: stale */
            continue;
        }
        if (sscanf(line, "owner %d %llu", &pid, &start) == 2)
        {
            unsigned long long now = process_start_time(pid);
            if (pid == getpid() || (now && now == start))
            {
                ret = 0;      /* alive: it will thaw itself (or its watchdog will) */
                break;
            }
            continue;
        }
        if (sscanf(line, "fs %u:%u %n", &maj, &min, &n) == 2 && n && !unescape(line + n))
        {
            struct stat st;
            int fd = open(line + n, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

            /* the path must still be the file system that was frozen */
            if (fd >= 0 && !fstat(fd, &st) && st.st_dev == makedev(maj, min) && !ioctl(fd, FITHAW, &(int){ 0 }))
                (*thawed)++;
            if (fd >= 0) close(fd);
        }
    }
    fclose(f);
    return ret;
}

int freeze_recover(void)
{
    const char *dir = config_get()->runtime_dir;
    unsigned int thawed = 0;
    struct dirent *entry;
    DIR *d;

    /* nothing is logged before the thaw: the trace file may be on a frozen file system */
    if (!(d = opendir(dir))) return errno == ENOENT ? 0 : -errno;
    while ((entry = readdir(d)))
    {
        char *path;
        int ret;

        if (strncmp(entry->d_name, RECORD_PREFIX, strlen(RECORD_PREFIX))) continue;
        if (asprintf(&path, "%s/%s", dir, entry->d_name) < 0) break;
        if ((ret = recover_record(path, &thawed)) > 0) state_unlink_durable(path);
        free(path);
    }
    closedir(d);
    if (thawed) WARN("thawed %u file system(s) left frozen by a process that died\n", thawed);
    return (int)thawed;
}
