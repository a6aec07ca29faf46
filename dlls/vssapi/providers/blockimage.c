/*
 * blockimage.c: the block-image provider (DESIGN.md §5).  The volume is an
 * ext4 or xfs file system on a loop device whose backing file sits on a file
 * system with reflinks (btrfs, xfs).  Inside the hold window the volume is
 * FIFREEZE'd (by freeze.c: PROVIDER_FREEZE_FIFREEZE) and commit clones the
 * backing file with FICLONE: a point in time of the whole file system, in a
 * fraction of a millisecond, with no deadlock because the clone is written to
 * the other, outer file system.  After the thaw the clone is mounted
 * read-only through a loop device of its own ("ro,noload" for ext4,
 * "ro,norecovery,nouuid" for xfs: the frozen copy is clean).
 *
 * Layout, beside the backing file <dir>/<image>:
 *   <dir>/.snapshots/<image>@GMT-YYYY.MM.DD-HH.MM.SS.img   the clone
 *   <dir>/.snapshots/<image>@GMT-YYYY.MM.DD-HH.MM.SS       where it is mounted
 * and the records in <dir>/.snapshots.  The private data is also kept in the
 * clone's "user.umbra.snapshot" attribute, so scan() returns it unchanged.
 *
 * Revert unmounts the volume, clones the snapshot back over the backing file
 * (same inode, so the loop device keeps working), drops the loop device's
 * cached blocks and mounts the volume again with the flags it had.  It needs
 * the volume unmountable: -EBUSY otherwise, force or not.
 *
 * Needs root (FIFREEZE, loop devices, mounts).
 *
 * Private data: provider=blockimage, name (the clone in .snapshots), image
 * (the backing file's name beside .snapshots), fstype, offset, sizelimit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/fs.h>
#include "umbra/debug.h"
#include "loopdev.h"
#include "mounts.h"
#include "privdata.h"
#include "provider.h"
#include "snapname.h"

#define CLONE_SUFFIX ".img"
#define PRIVATE_XATTR "user.umbra.snapshot"

struct blockimage_state
{
    struct loop_backing backing;
    const char *image_name;   /* basename of backing.file */
    const char *fstype;       /* "ext4" or "xfs" */
    dev_t backing_dev;        /* st_dev of the backing file */
    int backing_fd;
    int snapdir_fd;
    char *snapdir;
    char name[NAME_MAX + 1];  /* the clone made by commit, "" until then */
    int error;                /* commit's error, reported by post_commit/abort */
};

/* "<image>@GMT-YYYY.MM.DD-HH.MM.SS.img" */
static int valid_clone_name(const char *name)
{
    size_t len = strlen(name), stamp = SNAPNAME_SIZE - 1, suffix = strlen(CLONE_SUFFIX);
    char buf[SNAPNAME_SIZE];
    time_t t;

    if (len <= stamp + suffix || strcmp(name + len - suffix, CLONE_SUFFIX)) return 0;
    memcpy(buf, name + len - suffix - stamp, stamp);
    buf[stamp] = 0;
    return !snapname_parse(buf, &t);
}

/* Can files in dir share data by FICLONE?  Asked with two unnamed files. */
static int dir_has_reflink(const char *dir)
{
    static const char block[4096];
    int a, b, ret = 0;

    if ((a = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) < 0) return 0;
    if ((b = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
    {
        if (write(a, block, sizeof(block)) == (ssize_t)sizeof(block) && !ioctl(b, FICLONE, a)) ret = 1;
        close(b);
    }
    close(a);
    return ret;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, slash - path);
}

static int blockimage_is_supported(const struct vss_volume *volume)
{
    struct loop_backing backing;
    struct statvfs svfs;
    char *dir = NULL;
    int ret;

    if (!volume || !volume->fstype || !volume->device || !volume->is_mount_root) return -EOPNOTSUPP;
    if (!loop_snapshot_mount_options(volume->fstype)) return -EOPNOTSUPP;
    if (geteuid() != 0) return -EOPNOTSUPP;
    if ((ret = loop_backing(volume->device, &backing)))
        return ret == -ENODEV || ret == -ENOENT ? -EOPNOTSUPP : ret;
    ret = -EOPNOTSUPP;
    if (backing.read_only) goto done;
    if (!(dir = dir_of(backing.file)))
    {
        ret = -ENOMEM;
        goto done;
    }
    if (statvfs(dir, &svfs) < 0 || (svfs.f_flag & ST_RDONLY)) goto done;
    if (!dir_has_reflink(dir)) goto done;
    ret = 0;
done:
    free(dir);
    loop_backing_free(&backing);
    return ret;
}

static void state_free(struct blockimage_state *state)
{
    if (!state) return;
    if (state->backing_fd >= 0) close(state->backing_fd);
    if (state->snapdir_fd >= 0) close(state->snapdir_fd);
    loop_backing_free(&state->backing);
    free(state->snapdir);
    free(state);
}

static int blockimage_begin_prepare(struct provider_snapshot *snap)
{
    struct blockimage_state *state;
    struct stat st;
    char *dir = NULL;
    int ret;

    TRACE("%s\n", snap->volume ? snap->volume->root : "(null)");
    if (!snap->volume) return -EINVAL;
    if ((ret = blockimage_is_supported(snap->volume))) return ret;
    if (!(state = calloc(1, sizeof(*state)))) return -ENOMEM;
    state->backing_fd = state->snapdir_fd = -1;
    if ((ret = loop_backing(snap->volume->device, &state->backing))) goto fail;
    state->image_name = strrchr(state->backing.file, '/') + 1;
    state->fstype = !strcmp(snap->volume->fstype, "xfs") ? "xfs" : "ext4";
    if ((state->backing_fd = open(state->backing.file, O_RDONLY | O_CLOEXEC)) < 0
        || fstat(state->backing_fd, &st) < 0)
    {
        ret = -errno;
        goto fail;
    }
    state->backing_dev = st.st_dev;
    if (!(dir = dir_of(state->backing.file)))
    {
        ret = -ENOMEM;
        goto fail;
    }
    if ((ret = snapshots_dir_ensure(dir, &state->snapdir))) goto fail;
    if ((state->snapdir_fd = open(state->snapdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        goto fail;
    }
    if (!(snap->record_dir = strdup(state->snapdir)))
    {
        ret = -ENOMEM;
        goto fail;
    }
    free(dir);
    snap->freeze = PROVIDER_FREEZE_FIFREEZE;
    snap->flags = 0;
    snap->state = state;
    return 0;

fail:
    WARN("%s: %s\n", snap->volume->root, strerror(-ret));
    free(dir);
    state_free(state);
    return ret;
}

/* A clone written to a file system that is itself frozen for the same set
 * would wait for the thaw: refuse such nesting up front. */
static int blockimage_end_prepare(struct provider_set *set)
{
    unsigned int i, j;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        struct blockimage_state *state = set->snapshots[i]->state;

        if (!state) return -EINVAL;
        for (j = 0; j < set->count; j++)
        {
            if (set->snapshots[j]->volume->dev == state->backing_dev)
            {
                WARN("%s is stored on %s, which is in the same set\n",
                     set->snapshots[i]->volume->root, set->snapshots[j]->volume->root);
                return -ELOOP;
            }
        }
    }
    return 0;
}

static int blockimage_pre_commit(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int create_clone(void *ctx, const char *name)
{
    struct blockimage_state *state = ctx;
    int fd, ret = 0;

    if ((fd = openat(state->snapdir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
        return -errno;
    if (ioctl(fd, FICLONE, state->backing_fd) < 0) ret = -errno;
    close(fd);
    if (ret) unlinkat(state->snapdir_fd, name, 0);
    return ret;
}

/* Inside the hold window, with the volume frozen: no logging (see provider.h). */
static int blockimage_commit(struct provider_set *set)
{
    unsigned int i;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct blockimage_state *state = snap->state;
        int ret;

        if (!state) return -EINVAL;
        clock_gettime(CLOCK_REALTIME, &snap->created);
        ret = snapname_create(snap->created.tv_sec, state->image_name, CLONE_SUFFIX, create_clone, state,
                              state->name, sizeof(state->name));
        if (ret)
        {
            state->name[0] = 0;
            state->error = ret;
            return ret == -EDQUOT ? -ENOSPC : ret;
        }
    }
    return 0;
}

static int make_private_data(const char *name, const char *image, const char *fstype,
                             unsigned long long offset, unsigned long long sizelimit, char **out)
{
    struct privdata pd;

    privdata_init(&pd);
    privdata_add(&pd, "provider", "blockimage");
    privdata_add(&pd, "name", name);
    privdata_add(&pd, "image", image);
    privdata_add(&pd, "fstype", fstype);
    privdata_addf(&pd, "offset", "%llu", offset);
    privdata_addf(&pd, "sizelimit", "%llu", sizelimit);
    return privdata_finish(&pd, out);
}

/* The mount point of a clone: its name without ".img". */
static char *mount_dir_of(const char *clone_path)
{
    return strndup(clone_path, strlen(clone_path) - strlen(CLONE_SUFFIX));
}

static int blockimage_post_commit(struct provider_set *set)
{
    unsigned int i;
    int ret = 0;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct blockimage_state *state = snap->state;
        char *clone = NULL, *mnt = NULL;

        if (!state) continue;
        if (!state->name[0])
        {
            WARN("%s: no clone was made (%s)\n", snap->volume->root, strerror(-state->error));
            return state->error ? state->error : -EINVAL;
        }
        if (asprintf(&clone, "%s/%s", state->snapdir, state->name) < 0) return -ENOMEM;
        free(snap->private_data);
        snap->private_data = NULL;
        if (!(mnt = mount_dir_of(clone)))
            ret = -ENOMEM;
        else if (mkdir(mnt, 0755) < 0 && errno != EEXIST)
            ret = -errno;
        else
            ret = make_private_data(state->name, state->image_name, state->fstype, state->backing.offset,
                                    state->backing.sizelimit, &snap->private_data);
        if (!ret && setxattr(clone, PRIVATE_XATTR, snap->private_data, strlen(snap->private_data), 0) < 0)
            WARN("%s: %s not kept (%s); scan will not know this clone\n", clone, PRIVATE_XATTR, strerror(errno));
        if (!ret)
            ret = loop_mount_image_readonly(clone, state->backing.offset, state->backing.sizelimit,
                                            state->fstype, mnt);
        if (ret)
        {
            WARN("%s: %s\n", clone, strerror(-ret));
            free(clone);
            free(mnt);
            return ret;
        }
        TRACE("%s -> %s mounted on %s\n", snap->volume->root, clone, mnt);
        free(clone);
        free(snap->root);
        snap->root = mnt;
        state_free(state);
        snap->state = NULL;
    }
    return 0;
}

struct clone_paths
{
    struct snapref ref;   /* ref.path: the clone */
    char *mnt;            /* where it is mounted */
    char *image;          /* the backing file of the volume */
    char *fstype;
    unsigned long long offset, sizelimit;
};

static void paths_free(struct clone_paths *p)
{
    snapref_free(&p->ref);
    free(p->mnt);
    free(p->image);
    free(p->fstype);
    memset(p, 0, sizeof(*p));
}

static int parse_private_data(const char *record_dir, const char *data, struct clone_paths *p)
{
    char *image = NULL, *offset = NULL, *sizelimit = NULL;
    int ret;

    memset(p, 0, sizeof(*p));
    if ((ret = snapref_resolve(record_dir, data, "blockimage", valid_clone_name, &p->ref))) return ret;
    if ((ret = privdata_get(data, "image", &image)) || (ret = privdata_get(data, "fstype", &p->fstype))
        || (ret = privdata_get(data, "offset", &offset)) || (ret = privdata_get(data, "sizelimit", &sizelimit)))
        goto done;
    ret = -EINVAL;
    if (strchr(image, '/') || !strcmp(image, ".") || !strcmp(image, "..")
        || !loop_snapshot_mount_options(p->fstype))
        goto done;
    p->offset = strtoull(offset, NULL, 10);
    p->sizelimit = strtoull(sizelimit, NULL, 10);
    ret = -ENOMEM;
    if (!(p->mnt = mount_dir_of(p->ref.path))) goto done;
    if (asprintf(&p->image, "%s/%s", strcmp(p->ref.parent, "/") ? p->ref.parent : "", image) < 0)
    {
        p->image = NULL;
        goto done;
    }
    ret = 0;
done:
    if (ret == -ENOENT) ret = -EINVAL;
    if (ret) paths_free(p);
    free(image);
    free(offset);
    free(sizelimit);
    return ret;
}

static int blockimage_delete(const char *record_dir, const char *data)
{
    struct clone_paths p;
    int ret, tries;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    for (tries = 0; tries < 8 && (ret = mount_is_mount_point(p.mnt)) > 0; tries++)
        if ((ret = mount_unmount(p.mnt))) goto done;
    if (ret < 0 && ret != -ENOENT) goto done;
    if (rmdir(p.mnt) < 0 && errno != ENOENT) WARN("%s: %s\n", p.mnt, strerror(errno));
    /* a loop device still using the clone (an exposure elsewhere) keeps its data alive */
    ret = unlink(p.ref.path) < 0 ? -errno : 0;
    if (ret && ret != -ENOENT) WARN("%s: %s\n", p.ref.path, strerror(-ret));
done:
    paths_free(&p);
    return ret;
}

static int blockimage_abort(struct provider_set *set)
{
    unsigned int i;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct blockimage_state *state = snap->state;

        if (state && state->name[0])
        {
            char *mnt = NULL;
            /* post_commit may have got as far as the mount point */
            if (asprintf(&mnt, "%s/%.*s", state->snapdir,
                         (int)(strlen(state->name) - strlen(CLONE_SUFFIX)), state->name) >= 0)
            {
                if (mount_is_mount_point(mnt) > 0) mount_unmount(mnt);
                rmdir(mnt);
                free(mnt);
            }
            unlinkat(state->snapdir_fd, state->name, 0);
        }
        else if (!state && snap->private_data && snap->record_dir)
            blockimage_delete(snap->record_dir, snap->private_data);
        state_free(state);
        snap->state = NULL;
        free(snap->private_data);
        free(snap->root);
        snap->private_data = snap->root = NULL;
    }
    return 0;
}

static int blockimage_root(const char *record_dir, const char *data, char **root)
{
    struct clone_paths p;
    int ret;

    *root = NULL;
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    *root = p.mnt;
    p.mnt = NULL;
    paths_free(&p);
    return 0;
}

static int blockimage_exists(const char *record_dir, const char *data)
{
    struct clone_paths p;
    struct stat st;
    int ret;

    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if (lstat(p.ref.path, &st) < 0) ret = errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
    else ret = S_ISREG(st.st_mode);
    paths_free(&p);
    return ret;
}

static int activate_paths(const struct clone_paths *p)
{
    int ret;

    if ((ret = mount_is_mount_point(p->mnt)) > 0) return 0;
    if (ret == -ENOENT)
    {
        if (mkdir(p->mnt, 0755) < 0 && errno != EEXIST) return -errno;
    }
    else if (ret < 0) return ret;
    return loop_mount_image_readonly(p->ref.path, p->offset, p->sizelimit, p->fstype, p->mnt);
}

static int blockimage_activate(const char *record_dir, const char *data)
{
    struct clone_paths p;
    int ret;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if ((ret = blockimage_exists(record_dir, data)) > 0) ret = activate_paths(&p);
    else if (!ret) ret = -ENOENT;
    paths_free(&p);
    return ret;
}

static int blockimage_expose(const char *record_dir, const char *data, const char *path, int read_only)
{
    struct clone_paths p;
    int ret;

    TRACE("%s, %s, %s, %d\n", record_dir, data, path, read_only);
    if (!read_only) return -EOPNOTSUPP;
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if ((ret = blockimage_exists(record_dir, data)) <= 0) ret = ret ? ret : -ENOENT;
    else if (!(ret = activate_paths(&p))) ret = mount_expose(p.mnt, path, read_only);
    paths_free(&p);
    return ret;
}

static int blockimage_unexpose(const char *record_dir, const char *data, const char *path)
{
    struct clone_paths p;
    int ret;

    TRACE("%s, %s, %s\n", record_dir, data, path);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    ret = mount_unexpose(p.mnt, path);
    paths_free(&p);
    return ret;
}

/* Replace the content of the backing file with the clone's. */
static int clone_back(const char *clone, const char *image)
{
    int in = -1, out = -1, ret = 0;
    struct stat st;

    if ((in = open(clone, O_RDONLY | O_CLOEXEC)) < 0 || fstat(in, &st) < 0
        || (out = open(image, O_WRONLY | O_CLOEXEC)) < 0)
        ret = -errno;
    else if (ioctl(out, FICLONE, in) < 0 || ftruncate(out, st.st_size) < 0 || fsync(out) < 0)
        ret = -errno;
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    return ret;
}

static int mount_again(const char *dev, const struct mount_entry *entry)
{
    unsigned long flags = mount_entry_flags(entry);
    char *data = malloc(strlen(entry->super_options) + 1), *q = data;
    const char *p = entry->super_options;
    int ret = 0;

    if (!data) return -ENOMEM;
    /* the file system's options less rw/ro, which are flags */
    while (*p)
    {
        size_t len = strcspn(p, ",");

        if (!(len == 2 && (!strncmp(p, "rw", 2) || !strncmp(p, "ro", 2))))
        {
            if (q != data) *q++ = ',';
            memcpy(q, p, len);
            q += len;
        }
        p += len;
        if (*p) p++;
    }
    *q = 0;
    /* an option the kernel shows but no longer takes: fall back to the defaults */
    if (mount(dev, entry->mount_point, entry->fstype, flags, data) < 0
        && mount(dev, entry->mount_point, entry->fstype, flags, NULL) < 0)
    {
        ret = -errno;
        ERR("%s could not be mounted again on %s: %s\n", dev, entry->mount_point, strerror(errno));
    }
    free(data);
    return ret;
}

static int blockimage_revert(const char *record_dir, const char *data, int force)
{
    struct mount_entry entry = { 0 };
    struct clone_paths p;
    char dev[64];
    int ret, mounted, fd;

    TRACE("%s, %s, %d\n", record_dir, data, force);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if ((ret = blockimage_exists(record_dir, data)) <= 0)
    {
        ret = ret < 0 ? ret : -ENOENT;
        goto done;
    }
    if ((ret = loop_find_by_backing(p.image, dev, sizeof(dev))))
    {
        WARN("%s is attached to no loop device\n", p.image);
        goto done;
    }
    mounted = !mount_find_by_source(dev, &entry);
    if (mounted)
    {
        if (!force && (ret = mount_files_open_under(entry.mount_point)))
        {
            if (ret > 0) ret = -EBUSY;
            goto done;
        }
        if (umount2(entry.mount_point, UMOUNT_NOFOLLOW) < 0)
        {
            ret = errno == EBUSY || errno == EINVAL ? -EBUSY : -errno;
            WARN("unmounting %s: %s\n", entry.mount_point, strerror(errno));
            goto done;
        }
        /* mounted somewhere else as well: the file system is still alive */
        {
            struct mount_entry other;
            if (!mount_find_by_source(dev, &other))
            {
                WARN("%s is also mounted on %s\n", dev, other.mount_point);
                mount_entry_free(&other);
                mount_again(dev, &entry);
                ret = -EBUSY;
                goto done;
            }
        }
    }
    ret = clone_back(p.ref.path, p.image);
    if (ret) WARN("cloning %s over %s: %s\n", p.ref.path, p.image, strerror(-ret));
    /* the device's cache holds blocks of the old content */
    if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) >= 0)
    {
        ioctl(fd, BLKFLSBUF, 0);
        close(fd);
    }
    if (mounted)
    {
        int err = mount_again(dev, &entry);
        if (!ret) ret = err;
    }
done:
    mount_entry_free(&entry);
    paths_free(&p);
    return ret;
}

static int blockimage_scan(const char *record_dir, provider_scan_cb cb, void *ctx)
{
    struct dirent *entry;
    int ret = 0;
    DIR *dir;

    if (!(dir = opendir(record_dir))) return -errno;
    while (!ret && (entry = readdir(dir)))
    {
        char *path, *data = NULL;
        ssize_t len;
        struct stat st;

        if (!valid_clone_name(entry->d_name)) continue;
        if (asprintf(&path, "%s/%s", record_dir, entry->d_name) < 0)
        {
            ret = -ENOMEM;
            break;
        }
        if (!lstat(path, &st) && S_ISREG(st.st_mode))
        {
            if ((len = getxattr(path, PRIVATE_XATTR, NULL, 0)) > 0 && len < 65536 && (data = malloc(len + 1))
                && getxattr(path, PRIVATE_XATTR, data, len) == len)
            {
                data[len] = 0;
            }
            else
            {
                /* cut short before post_commit: enough to delete it */
                const char *fstype = "ext4";
                size_t image_len = strlen(entry->d_name) - (SNAPNAME_SIZE - 1) - strlen(CLONE_SUFFIX);
                char *image = strndup(entry->d_name, image_len);

                free(data);
                data = NULL;
                loop_probe_fstype(path, 0, &fstype);
                if (!image || make_private_data(entry->d_name, image, fstype ? fstype : "ext4", 0, 0, &data))
                    data = NULL;
                free(image);
            }
            if (data) ret = cb(ctx, data);
        }
        free(data);
        free(path);
    }
    closedir(dir);
    return ret;
}

const struct provider blockimage_provider =
{
    { 0x3d96eca5, 0x4646, 0x443c, { 0xa1, 0x8a, 0xea, 0x9e, 0x1a, 0x42, 0x61, 0xd7 } },
    { 0xd849e2b1, 0x3285, 0x4e92, { 0x99, 0xd2, 0xa6, 0x36, 0xaf, 0x7f, 0x45, 0xdd } },
    "Umbra block image snapshot provider",
    "1.0",
    PROVIDER_TYPE_SOFTWARE,
    PROVIDER_NEEDS_ROOT,
    blockimage_is_supported,
    blockimage_begin_prepare,
    blockimage_end_prepare,
    blockimage_pre_commit,
    blockimage_commit,
    blockimage_post_commit,
    blockimage_abort,
    blockimage_delete,
    blockimage_root,
    blockimage_expose,
    blockimage_unexpose,
    blockimage_revert,
    blockimage_activate,
    blockimage_exists,
    blockimage_scan,
};
