/*
 * fsfixture.c: real btrfs, xfs and ext4 file systems on loop devices for the
 * integration suites, always cleaned up (fsfixture.h).
 *
 * The fixtures live in a static table so that the signal handler can reach
 * them without allocating; it uses only async-signal-safe calls (open, ioctl,
 * umount2, close) and lazy unmounts, then hands the signal on to whoever
 * handled it before us (ASan, the default action).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include "harness.h"
#include "freeze.h"
#include "fsfixture.h"

#define MAX_FIXTURES 32

extern char **environ;

static struct fsfixture fixtures[MAX_FIXTURES];
static volatile sig_atomic_t in_use[MAX_FIXTURES];
static unsigned int created;           /* for unique names */
static pid_t owner;                    /* forked children must not clean up */
static int handlers_installed;

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
static struct sigaction previous[sizeof(cleanup_signals) / sizeof(cleanup_signals[0])];

int fsfixture_run(char *const argv[], char *out, size_t size)
{
    posix_spawn_file_actions_t actions;
    int pipefd[2], status;
    size_t used = 0;
    pid_t pid;

    if (out && size) out[0] = 0;
    if (pipe2(pipefd, O_CLOEXEC) < 0) return -1;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
    if (posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ))
    {
        posix_spawn_file_actions_destroy(&actions);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(pipefd[1]);
    for (;;)
    {
        char buf[512];
        ssize_t n = read(pipefd[0], buf, sizeof(buf));

        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (out && used + 1 < size)
        {
            size_t take = (size_t)n < size - 1 - used ? (size_t)n : size - 1 - used;
            memcpy(out + used, buf, take);
            used += take;
            out[used] = 0;
        }
    }
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int program_exists(const char *name)
{
    static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
    char path[PATH_MAX];
    unsigned int i;

    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    {
        snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
        if (!access(path, X_OK)) return 1;
    }
    return 0;
}

int fsfixture_tools_available(const char *fstype)
{
    char mkfs[64];

    snprintf(mkfs, sizeof(mkfs), "mkfs.%s", fstype);
    return program_exists(mkfs) && program_exists("losetup");
}

/* --- cleanup ------------------------------------------------------------------------ */

static void thaw(const char *mnt)
{
    int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) return;
    ioctl(fd, FITHAW, &(int){ 0 });     /* EINVAL when not frozen */
    close(fd);
}

static void detach_loop(const char *device)
{
    int fd = open(device, O_RDONLY | O_CLOEXEC);

    if (fd < 0) return;
    /* a device still in use gets autoclear instead: it goes with its last user */
    ioctl(fd, LOOP_CLR_FD, 0);
    close(fd);
}

/* Mount points strictly below dir, deepest first (malloc'd array of malloc'd strings). */
static char **mounts_below(const char *dir, unsigned int *count)
{
    size_t len = strlen(dir), size = 0;
    char **list = NULL, *line = NULL;
    unsigned int n = 0, i, j;
    FILE *f;

    *count = 0;
    if (!(f = fopen("/proc/self/mountinfo", "re"))) return NULL;
    while (getline(&line, &size, f) > 0)
    {
        char mnt[PATH_MAX], *p, *q;
        char **grown;

        /* field 5 is the mount point, octal-escaped */
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1) continue;
        for (p = q = mnt; *p; p++)
        {
            if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3])
            {
                *q++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                p += 3;
            }
            else *q++ = *p;
        }
        *q = 0;
        if (strncmp(mnt, dir, len) || mnt[len] != '/') continue;
        if (!(grown = realloc(list, (n + 1) * sizeof(*list)))) break;
        list = grown;
        if (!(list[n] = strdup(mnt))) break;
        n++;
    }
    free(line);
    fclose(f);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (strlen(list[j]) > strlen(list[i]))
            {
                char *t = list[i];
                list[i] = list[j];
                list[j] = t;
            }
    *count = n;
    return list;
}

/* Loop devices whose backing file lies below dir: made by the code under test
 * from files in our fixture (block-image clones), so ours to detach. */
static void detach_loops_below(const char *dir)
{
    size_t len = strlen(dir);
    struct dirent *entry;
    DIR *d = opendir("/sys/block");

    if (!d) return;
    while ((entry = readdir(d)))
    {
        char path[PATH_MAX], backing[PATH_MAX], dev[300];
        ssize_t n;
        int fd;

        if (strncmp(entry->d_name, "loop", 4)) continue;
        snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", entry->d_name);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) continue;
        n = read(fd, backing, sizeof(backing) - 1);
        close(fd);
        if (n <= 0) continue;
        backing[n] = 0;
        backing[strcspn(backing, "\n")] = 0;
        if (strncmp(backing, dir, len) || backing[len] != '/') continue;
        snprintf(dev, sizeof(dev), "/dev/%s", entry->d_name);
        detach_loop(dev);
    }
    closedir(d);
}

static void cleanup_one(struct fsfixture *fx)
{
    unsigned int count, i;
    char **below;

    thaw(fx->mnt);
    below = mounts_below(fx->mnt, &count);
    for (i = 0; i < count; i++)
    {
        thaw(below[i]);
        if (umount2(below[i], UMOUNT_NOFOLLOW) < 0) umount2(below[i], MNT_DETACH | UMOUNT_NOFOLLOW);
        free(below[i]);
    }
    free(below);
    detach_loops_below(fx->mnt);
    if (umount2(fx->mnt, UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
    {
        fprintf(stderr, "fsfixture: %s busy, detaching lazily: %s\n", fx->mnt, strerror(errno));
        umount2(fx->mnt, MNT_DETACH | UMOUNT_NOFOLLOW);
    }
    detach_loop(fx->device);
    unlink(fx->image);
    rmdir(fx->mnt);
}

static void cleanup_all(void)
{
    int i;

    if (getpid() != owner) return;
    for (i = MAX_FIXTURES - 1; i >= 0; i--)
    {
        if (!in_use[i]) continue;
        cleanup_one(&fixtures[i]);
        in_use[i] = 0;
    }
}

static void cleanup_on_signal(int sig)
{
    unsigned int i;
    int j;

    if (getpid() == owner)
    {
        for (j = MAX_FIXTURES - 1; j >= 0; j--)
        {
            if (!in_use[j]) continue;
            /* async-signal-safe only: thaw, lazy unmount of the whole tree, detach */
            thaw(fixtures[j].mnt);
            umount2(fixtures[j].mnt, MNT_DETACH | UMOUNT_NOFOLLOW);
            detach_loop(fixtures[j].device);
            unlink(fixtures[j].image);
            rmdir(fixtures[j].mnt);
            in_use[j] = 0;
        }
    }
    for (i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++)
        if (cleanup_signals[i] == sig) sigaction(sig, &previous[i], NULL);
    raise(sig);
}

static void install_cleanup(void)
{
    struct sigaction sa;
    unsigned int i;

    if (handlers_installed) return;
    handlers_installed = 1;
    owner = getpid();
    /* after umbra_test_tmpdir()'s own atexit, so this runs before the tmpdir goes */
    umbra_test_tmpdir();
    atexit(cleanup_all);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cleanup_on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++)
        sigaction(cleanup_signals[i], &sa, &previous[i]);
}

/* --- making ----------------------------------------------------------------------- */

static int run_mkfs(const char *fstype, const char *image, const char *const *extra)
{
    char *argv[32], mkfs[32], out[2048];
    unsigned int n = 0;
    int status;

    snprintf(mkfs, sizeof(mkfs), "mkfs.%s", fstype);
    argv[n++] = mkfs;
    argv[n++] = (char *)"-q";
    argv[n++] = (char *)(strcmp(fstype, "ext4") ? "-f" : "-F");
    for (; extra && *extra && n < 29; extra++) argv[n++] = (char *)*extra;
    argv[n++] = (char *)image;
    argv[n] = NULL;
    if ((status = fsfixture_run(argv, out, sizeof(out))))
    {
        fprintf(stderr, "fsfixture: %s %s failed (%d): %s\n", mkfs, image, status, out);
        return -1;
    }
    return 0;
}

static int attach_loop(const char *image, char *device, size_t size)
{
    char *argv[] = { (char *)"losetup", (char *)"--find", (char *)"--show", (char *)image, NULL };
    char out[256];

    if (fsfixture_run(argv, out, sizeof(out)) || strncmp(out, "/dev/loop", 9))
    {
        fprintf(stderr, "fsfixture: losetup --find --show %s: %s\n", image, out);
        return -1;
    }
    out[strcspn(out, "\n")] = 0;
    snprintf(device, size, "%s", out);
    return 0;
}

struct fsfixture *fsfixture_create(const char *fstype, unsigned int size_mb, const char *dir,
                                   const char *const *mkfs_args)
{
    struct fsfixture *fx = NULL;
    int slot, fd;

    if (!fsfixture_tools_available(fstype))
    {
        fprintf(stderr, "fsfixture: mkfs.%s or losetup missing\n", fstype);
        return NULL;
    }
    install_cleanup();
    for (slot = 0; slot < MAX_FIXTURES && in_use[slot]; slot++) {}
    if (slot == MAX_FIXTURES)
    {
        fprintf(stderr, "fsfixture: too many fixtures\n");
        return NULL;
    }
    fx = &fixtures[slot];
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->fstype, sizeof(fx->fstype), "%s", fstype);
    if (!dir) dir = umbra_test_tmpdir();
    snprintf(fx->image, sizeof(fx->image), "%s/fsfixture-%s-%d-%u.img", dir, fstype, (int)getpid(), created);
    snprintf(fx->mnt, sizeof(fx->mnt), "%s/fsfixture-%s-%d-%u.mnt", dir, fstype, (int)getpid(), created);
    created++;
    if ((fd = open(fx->image, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
    {
        fprintf(stderr, "fsfixture: %s: %s\n", fx->image, strerror(errno));
        return NULL;
    }
    if (ftruncate(fd, (off_t)size_mb << 20) < 0)
    {
        fprintf(stderr, "fsfixture: %s: %s\n", fx->image, strerror(errno));
        close(fd);
        unlink(fx->image);
        return NULL;
    }
    close(fd);
    if (run_mkfs(fstype, fx->image, mkfs_args)) goto fail_image;
    if (mkdir(fx->mnt, 0755) < 0)
    {
        fprintf(stderr, "fsfixture: %s: %s\n", fx->mnt, strerror(errno));
        goto fail_image;
    }
    if (attach_loop(fx->image, fx->device, sizeof(fx->device))) goto fail_dir;
    /* from here the table owns it: cleanup finds it on any exit */
    in_use[slot] = 1;
    if (mount(fx->device, fx->mnt, fstype, 0, NULL) < 0)
    {
        fprintf(stderr, "fsfixture: mount %s on %s: %s\n", fx->device, fx->mnt, strerror(errno));
        fsfixture_destroy(fx);
        return NULL;
    }
    return fx;

fail_dir:
    rmdir(fx->mnt);
fail_image:
    unlink(fx->image);
    return NULL;
}

struct fsfixture *fsfixture_create_nested(const char *outer_type, unsigned int outer_mb,
                                          const char *inner_type, unsigned int inner_mb)
{
    struct fsfixture *outer, *inner;

    if (!(outer = fsfixture_create(outer_type, outer_mb, NULL, NULL))) return NULL;
    if (!(inner = fsfixture_create(inner_type, inner_mb, outer->mnt, NULL)))
    {
        fsfixture_destroy(outer);
        return NULL;
    }
    inner->outer = outer;
    return inner;
}

void fsfixture_destroy(struct fsfixture *fx)
{
    struct fsfixture *outer;
    int slot;

    if (!fx) return;
    slot = (int)(fx - fixtures);
    if (slot < 0 || slot >= MAX_FIXTURES || !in_use[slot]) return;
    outer = fx->outer;
    cleanup_one(fx);
    in_use[slot] = 0;
    if (outer) fsfixture_destroy(outer);
}

/* --- helpers ------------------------------------------------------------------------ */

int fsfixture_write_file(const char *path, const char *content)
{
    size_t len = strlen(content), done = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), ret = 0;

    if (fd < 0) return -errno;
    while (done < len)
    {
        ssize_t n = write(fd, content + done, len - done);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            ret = -errno;
            break;
        }
        done += n;
    }
    if (close(fd) < 0 && !ret) ret = -errno;
    return ret;
}

char *fsfixture_read_file(const char *path)
{
    char *buf = NULL;
    size_t len = 0, size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) return NULL;
    for (;;)
    {
        ssize_t n;

        if (len + 4096 + 1 > size)
        {
            char *grown = realloc(buf, size = len + 4096 + 1);
            if (!grown) break;
            buf = grown;
        }
        n = read(fd, buf + len, size - len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += n;
    }
    close(fd);
    if (buf) buf[len] = 0;
    return buf;
}

int fsfixture_is_frozen(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

    if (fd < 0) return -errno;
    if (!ioctl(fd, FIFREEZE, &(int){ 0 }))
    {
        ioctl(fd, FITHAW, &(int){ 0 });
        ret = 0;
    }
    else ret = errno == EBUSY ? 1 : -errno;
    close(fd);
    return ret;
}

/* --- driving providers ---------------------------------------------------------------- */

int fsfixture_snapshot_set(const struct provider *p, const char *const *paths, unsigned int count,
                           unsigned int window_ms, struct fsfixture_set *set)
{
    struct freeze_target targets[FSFIXTURE_MAX_SET];
    struct freeze_hold *hold = NULL;
    unsigned int i;
    int ret;

    memset(set, 0, sizeof(*set));
    if (!p || count > FSFIXTURE_MAX_SET) return -EINVAL;
    for (i = 0; i < count; i++)
    {
        if ((ret = volume_from_path(paths[i], &set->volumes[i])))
        {
            set->failed_step = "volume_from_path";
            fsfixture_set_free(set);
            return ret;
        }
        set->count++;
        set->snaps[i].volume = &set->volumes[i];
        set->snaps[i].provider = p;
        set->snaps[i].id.Data1 = i + 1;
        set->list[i] = &set->snaps[i];
    }
    set->set.snapshots = set->list;
    set->set.count = count;
    for (i = 0; i < count; i++)
    {
        if ((ret = p->begin_prepare(&set->snaps[i])))
        {
            set->failed_step = "begin_prepare";
            goto abort;
        }
        targets[i].path = paths[i];
        targets[i].mode = set->snaps[i].freeze;
    }
    if ((ret = p->end_prepare(&set->set)))
    {
        set->failed_step = "end_prepare";
        goto abort;
    }
    if ((ret = p->pre_commit(&set->set)))
    {
        set->failed_step = "pre_commit";
        goto abort;
    }
    if ((ret = freeze_hold(targets, count, window_ms, &hold)))
    {
        set->failed_step = "freeze_hold";
        goto abort;
    }
    ret = p->commit(&set->set);
    {
        int err = freeze_release(hold);
        if (!ret && err)
        {
            ret = err;
            set->failed_step = "freeze_release";
            goto abort;
        }
    }
    if (ret)
    {
        set->failed_step = "commit";
        goto abort;
    }
    if ((ret = p->post_commit(&set->set)))
    {
        set->failed_step = "post_commit";
        goto abort;
    }
    return 0;

abort:
    p->abort(&set->set);
    return ret;
}

int fsfixture_snapshot(const struct provider *p, const char *path, struct fsfixture_set *set)
{
    return fsfixture_snapshot_set(p, &path, 1, 0, set);
}

void fsfixture_set_free(struct fsfixture_set *set)
{
    unsigned int i;

    for (i = 0; i < set->count; i++)
    {
        provider_snapshot_clear(&set->snaps[i]);
        volume_free(&set->volumes[i]);
    }
    set->count = 0;
}
