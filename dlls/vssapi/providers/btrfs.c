/*
 * btrfs.c: the btrfs provider (DESIGN.md §5).  A volume whose root is a btrfs
 * subvolume (inode 256) gets read-only subvolume snapshots by ioctl, in
 * "<root>/.snapshots/@GMT-...".  The snapshot ioctl is the point in time: it
 * takes constant time whatever the number of files, and it blocks on a frozen
 * file system, so the volume is never FIFREEZE'd.  Nor is it flushed first
 * (PROVIDER_FREEZE_NONE): the ioctl writes the subvolume's dirty data out
 * itself (btrfs_mksnapshot starts and waits for its delalloc) and commits a
 * transaction, which also makes the 'creating' record written before it in
 * .snapshots, on the same file system, durable (PROVIDER_COMMIT_SYNCS_RECORDS):
 * a syncfs or an fsync before it would only be paid twice.
 *
 * ".snapshots" is made a subvolume of its own when we create it, so that later
 * snapshots hold an empty directory there rather than every earlier snapshot.
 *
 * Revert puts the snapshot's content back in place: everything in the volume
 * except ".snapshots" is removed, then the snapshot is copied back with
 * reflinks (data is shared, not copied).  This works for any subvolume,
 * including the top level and a mounted one, and keeps the volume's identity
 * (subvolume id, mounts, records); it is not atomic, but an interrupted revert
 * can be run again because the snapshot is left in place for the caller.
 *
 * Private data: provider=btrfs, name (in .snapshots), uuid (the snapshot's
 * subvolume uuid, so a subvolume made in its place is not taken for it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include "umbra/debug.h"
#include "mounts.h"
#include "privdata.h"
#include "provider.h"
#include "snapname.h"
#include "treecopy.h"

#define BTRFS_SUBVOL_ROOT_INO 256   /* BTRFS_FIRST_FREE_OBJECTID: a subvolume's root directory */

struct btrfs_state
{
    int root_fd;          /* the volume's root (the snapshot source) */
    int snapdir_fd;       /* its .snapshots */
    char *snapdir;
    char name[64];        /* the snapshot made by commit, "" until then */
    int error;            /* commit's error, reported by post_commit/abort */
};

static int is_btrfs_fd(int fd)
{
    struct statfs sfs;

    if (fstatfs(fd, &sfs) < 0) return -errno;
    return sfs.f_type == BTRFS_SUPER_MAGIC;
}

/* 1 if fd is the root of a btrfs subvolume, 0 if not, or -errno */
static int is_subvolume_fd(int fd)
{
    struct stat st;
    int ret;

    if (fstat(fd, &st) < 0) return -errno;
    if (!S_ISDIR(st.st_mode) || st.st_ino != BTRFS_SUBVOL_ROOT_INO) return 0;
    if ((ret = is_btrfs_fd(fd)) <= 0) return ret;
    return 1;
}

static int btrfs_is_supported(const struct vss_volume *volume)
{
    unsigned long long flags = 0;
    struct statvfs svfs;
    int fd, ret;

    if (!volume || !volume->fstype || strcmp(volume->fstype, "btrfs")
        || volume->ino != BTRFS_SUBVOL_ROOT_INO)
        return -EOPNOTSUPP;
    if ((fd = open(volume->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) return -errno;
    if ((ret = is_subvolume_fd(fd)) <= 0)
        ret = ret < 0 ? ret : -EOPNOTSUPP;
    else if (fstatvfs(fd, &svfs) < 0)
        ret = -errno;
    else if (svfs.f_flag & ST_RDONLY)
        ret = -EOPNOTSUPP;   /* nowhere to keep snapshots */
    else if (ioctl(fd, BTRFS_IOC_SUBVOL_GETFLAGS, &flags) < 0)
        ret = -errno;
    else
        ret = (flags & BTRFS_SUBVOL_RDONLY) ? -EOPNOTSUPP : 0;
    close(fd);
    return ret;
}

/* Open (creating it as a subvolume if needed) the volume's .snapshots. */
static int open_snapshots_dir(int root_fd, const char *root, char **path)
{
    struct btrfs_ioctl_vol_args args;
    int fd, ret;

    if (asprintf(path, "%s/%s", strcmp(root, "/") ? root : "", SNAPSHOTS_DIR) < 0)
    {
        *path = NULL;
        return -ENOMEM;
    }
    memset(&args, 0, sizeof(args));
    strcpy(args.name, SNAPSHOTS_DIR);
    if (ioctl(root_fd, BTRFS_IOC_SUBVOL_CREATE, &args) < 0 && errno != EEXIST)
    {
        ret = -errno;
        WARN("creating subvolume %s: %s\n", *path, strerror(errno));
        goto fail;
    }
    if ((fd = openat(root_fd, SNAPSHOTS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        WARN("%s: %s\n", *path, strerror(errno));
        goto fail;
    }
    if ((ret = is_btrfs_fd(fd)) <= 0)
    {
        /* something else is mounted there */
        close(fd);
        ret = ret < 0 ? ret : -EXDEV;
        goto fail;
    }
    return fd;

fail:
    free(*path);
    *path = NULL;
    return ret;
}

static void state_free(struct btrfs_state *state)
{
    if (!state) return;
    if (state->root_fd >= 0) close(state->root_fd);
    if (state->snapdir_fd >= 0) close(state->snapdir_fd);
    free(state->snapdir);
    free(state);
}

static int btrfs_begin_prepare(struct provider_snapshot *snap)
{
    struct btrfs_state *state;
    int ret;

    TRACE("%s\n", snap->volume ? snap->volume->root : "(null)");
    if (!snap->volume) return -EINVAL;
    if ((ret = btrfs_is_supported(snap->volume))) return ret;
    if (!(state = calloc(1, sizeof(*state)))) return -ENOMEM;
    state->snapdir_fd = -1;
    if ((state->root_fd = open(snap->volume->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        goto fail;
    }
    if ((ret = open_snapshots_dir(state->root_fd, snap->volume->root, &state->snapdir)) < 0) goto fail;
    state->snapdir_fd = ret;
    if (!(snap->record_dir = strdup(state->snapdir)))
    {
        ret = -ENOMEM;
        goto fail;
    }
    snap->freeze = PROVIDER_FREEZE_NONE;
    snap->flags = PROVIDER_COMMIT_SYNCS_RECORDS;
    snap->state = state;
    return 0;

fail:
    state_free(state);
    return ret;
}

static int btrfs_end_prepare(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int btrfs_pre_commit(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int create_snapshot(void *ctx, const char *name)
{
    struct btrfs_state *state = ctx;
    struct btrfs_ioctl_vol_args_v2 args;

    memset(&args, 0, sizeof(args));
    args.fd = state->root_fd;
    args.flags = BTRFS_SUBVOL_RDONLY;
    snprintf(args.name, sizeof(args.name), "%s", name);
    return ioctl(state->snapdir_fd, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0 ? -errno : 0;
}

/* Inside the hold window: no logging (see provider.h). */
static int btrfs_commit(struct provider_set *set)
{
    unsigned int i;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct btrfs_state *state = snap->state;
        int ret;

        if (!state) return -EINVAL;
        clock_gettime(CLOCK_REALTIME, &snap->created);
        ret = snapname_create(snap->created.tv_sec, "", "", create_snapshot, state,
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

static int format_uuid(const unsigned char uuid[16], char *buf, size_t size)
{
    return snprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                    uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8],
                    uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

static int subvolume_uuid(const char *path, char *buf, size_t size)
{
    struct btrfs_ioctl_get_subvol_info_args info;
    int fd, ret = 0;

    if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    memset(&info, 0, sizeof(info));
    if (ioctl(fd, BTRFS_IOC_GET_SUBVOL_INFO, &info) < 0) ret = -errno;
    else format_uuid(info.uuid, buf, size);
    close(fd);
    return ret;
}

static int make_private_data(const char *path, const char *name, char **out)
{
    struct privdata pd;
    char uuid[40];
    int ret;

    if ((ret = subvolume_uuid(path, uuid, sizeof(uuid)))) return ret;
    privdata_init(&pd);
    privdata_add(&pd, "provider", "btrfs");
    privdata_add(&pd, "name", name);
    privdata_add(&pd, "uuid", uuid);
    return privdata_finish(&pd, out);
}

static int btrfs_post_commit(struct provider_set *set)
{
    unsigned int i;
    int ret = 0;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct btrfs_state *state = snap->state;

        if (!state) continue;
        if (!state->name[0])
        {
            WARN("%s: no snapshot was made (%s)\n", snap->volume->root, strerror(-state->error));
            ret = state->error ? state->error : -EINVAL;
            break;
        }
        free(snap->root);
        if (asprintf(&snap->root, "%s/%s", state->snapdir, state->name) < 0)
        {
            snap->root = NULL;
            ret = -ENOMEM;
            break;
        }
        free(snap->private_data);
        snap->private_data = NULL;
        if ((ret = make_private_data(snap->root, state->name, &snap->private_data))) break;
        TRACE("%s -> %s\n", snap->volume->root, snap->root);
        state_free(state);
        snap->state = NULL;
    }
    return ret;
}

static int destroy_subvolume(int parent_fd, const char *name)
{
    struct btrfs_ioctl_vol_args args;

    memset(&args, 0, sizeof(args));
    snprintf(args.name, sizeof(args.name), "%s", name);
    return ioctl(parent_fd, BTRFS_IOC_SNAP_DESTROY, &args) < 0 ? -errno : 0;
}

static int btrfs_delete(const char *record_dir, const char *data)
{
    struct snapref ref;
    int fd = -1, sfd, ret;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = snapref_resolve(record_dir, data, "btrfs", NULL, &ref))) return ret;
    if ((fd = open(record_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        goto done;
    }
    if ((sfd = openat(fd, ref.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        goto done;
    }
    ret = is_subvolume_fd(sfd);
    close(sfd);
    if (ret <= 0)
    {
        ret = ret < 0 ? ret : -EINVAL;
        goto done;
    }
    if ((ret = mount_is_mount_point(ref.path)) > 0) ret = -EBUSY;   /* something is mounted on it */
    if (ret < 0) goto done;
    if ((ret = destroy_subvolume(fd, ref.name))) WARN("deleting %s: %s\n", ref.path, strerror(-ret));
done:
    if (fd >= 0) close(fd);
    snapref_free(&ref);
    return ret;
}

static void btrfs_abort_one(struct provider_snapshot *snap)
{
    struct btrfs_state *state = snap->state;

    if (state)
    {
        if (state->name[0])
        {
            int ret = destroy_subvolume(state->snapdir_fd, state->name);
            if (ret) WARN("removing %s/%s: %s\n", state->snapdir, state->name, strerror(-ret));
        }
        state_free(state);
        snap->state = NULL;
    }
    else if (snap->private_data && snap->record_dir)
        btrfs_delete(snap->record_dir, snap->private_data);
    free(snap->private_data);
    free(snap->root);
    snap->private_data = snap->root = NULL;
}

static int btrfs_abort(struct provider_set *set)
{
    unsigned int i;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++) btrfs_abort_one(set->snapshots[i]);
    return 0;
}

static int btrfs_root(const char *record_dir, const char *data, char **root)
{
    struct snapref ref;
    int ret;

    *root = NULL;
    if ((ret = snapref_resolve(record_dir, data, "btrfs", NULL, &ref))) return ret;
    *root = ref.path;
    ref.path = NULL;
    snapref_free(&ref);
    return 0;
}

static int btrfs_exists(const char *record_dir, const char *data)
{
    unsigned long long flags;
    struct snapref ref;
    char *uuid = NULL;
    char actual[40];
    int fd, ret;

    if ((ret = snapref_resolve(record_dir, data, "btrfs", NULL, &ref))) return ret;
    if ((fd = open(ref.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
        ret = errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        goto done;
    }
    if ((ret = is_subvolume_fd(fd)) <= 0) goto done;
    if (ioctl(fd, BTRFS_IOC_SUBVOL_GETFLAGS, &flags) < 0 || !(flags & BTRFS_SUBVOL_RDONLY))
    {
        ret = 0;   /* not the read-only snapshot we made */
        goto done;
    }
    if (!privdata_get(data, "uuid", &uuid))
        ret = !subvolume_uuid(ref.path, actual, sizeof(actual)) && !strcmp(actual, uuid);
done:
    if (fd >= 0) close(fd);
    free(uuid);
    snapref_free(&ref);
    return ret;
}

static int btrfs_expose(const char *record_dir, const char *data, const char *path, int read_only)
{
    struct snapref ref;
    int ret;

    TRACE("%s, %s, %s, %d\n", record_dir, data, path, read_only);
    if ((ret = snapref_resolve(record_dir, data, "btrfs", NULL, &ref))) return ret;
    if ((ret = btrfs_exists(record_dir, data)) > 0) ret = mount_expose(ref.path, path, read_only);
    else if (!ret) ret = -ENOENT;
    snapref_free(&ref);
    return ret;
}

static int btrfs_unexpose(const char *record_dir, const char *data, const char *path)
{
    struct snapref ref;
    int ret;

    TRACE("%s, %s, %s\n", record_dir, data, path);
    if ((ret = snapref_resolve(record_dir, data, "btrfs", NULL, &ref))) return ret;
    ret = mount_unexpose(ref.path, path);
    snapref_free(&ref);
    return ret;
}

static int btrfs_revert(const char *record_dir, const char *data, int force)
{
    struct treecopy_options options = { .skip = SNAPSHOTS_DIR };
    struct snapref ref;
    int ret;

    TRACE("%s, %s, %d\n", record_dir, data, force);
    if ((ret = snapref_resolve(record_dir, data, "btrfs", NULL, &ref))) return ret;
    if ((ret = btrfs_exists(record_dir, data)) <= 0)
    {
        ret = ret < 0 ? ret : -ENOENT;
        goto done;
    }
    if (!force && (ret = mount_files_open_under(ref.parent)))
    {
        if (ret > 0)
        {
            WARN("files are open on %s\n", ref.parent);
            ret = -EBUSY;
        }
        goto done;
    }
    /* never empty a volume across a file system mounted in it (nor half of it) */
    if ((ret = mount_any_below(ref.parent, SNAPSHOTS_DIR)))
    {
        if (ret > 0)
        {
            WARN("a file system is mounted inside %s\n", ref.parent);
            ret = -EBUSY;
        }
        goto done;
    }
    if ((ret = treecopy_clear(ref.parent, SNAPSHOTS_DIR)))
    {
        WARN("emptying %s: %s\n", ref.parent, strerror(-ret));
        goto done;
    }
    if ((ret = treecopy(ref.path, ref.parent, 1, &options, NULL)))
        WARN("copying %s back to %s: %s\n", ref.path, ref.parent, strerror(-ret));
done:
    snapref_free(&ref);
    return ret;
}

static int btrfs_scan(const char *record_dir, provider_scan_cb cb, void *ctx)
{
    struct dirent *entry;
    int ret = 0;
    DIR *dir;

    if (!(dir = opendir(record_dir))) return -errno;
    while (!ret && (entry = readdir(dir)))
    {
        char *path, *data;
        time_t t;
        int fd;

        if (snapname_parse(entry->d_name, &t)) continue;
        if (asprintf(&path, "%s/%s", record_dir, entry->d_name) < 0)
        {
            ret = -ENOMEM;
            break;
        }
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && is_subvolume_fd(fd) > 0 && !make_private_data(path, entry->d_name, &data))
        {
            ret = cb(ctx, data);
            free(data);
        }
        if (fd >= 0) close(fd);
        free(path);
    }
    closedir(dir);
    return ret;
}

const struct provider btrfs_provider =
{
    { 0x93146643, 0x57a1, 0x44b0, { 0x80, 0xa3, 0x1f, 0x4c, 0x3e, 0xcd, 0x15, 0x70 } },
    { 0xce231fdf, 0x5003, 0x4c1c, { 0x82, 0x4f, 0x39, 0x52, 0x6a, 0x00, 0x87, 0x1c } },
    "Umbra btrfs snapshot provider",
    "1.0",
    PROVIDER_TYPE_SOFTWARE,
    0,
    btrfs_is_supported,
    btrfs_begin_prepare,
    btrfs_end_prepare,
    btrfs_pre_commit,
    btrfs_commit,
    btrfs_post_commit,
    btrfs_abort,
    btrfs_delete,
    btrfs_root,
    btrfs_expose,
    btrfs_unexpose,
    btrfs_revert,
    NULL,
    btrfs_exists,
    btrfs_scan,
};
