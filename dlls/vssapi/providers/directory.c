/*
 * directory.c: the directory provider, the default (VSS_PROV_SYSTEM) one that
 * needs no root and takes any directory (DESIGN.md §5).  A snapshot is a copy
 * of the tree in "<root>/.snapshots/@GMT-...", made with reflinks where the
 * file system has them (btrfs, xfs) and by copying bytes elsewhere (ext4),
 * while the writers are frozen.  Nothing else is stopped, so the snapshot is
 * writer-consistent only, not a point in time: PROVIDER_WRITER_CONSISTENT_ONLY.
 *
 * The copy is made in pre_commit, after the writers' Freeze and before the
 * hold window, because it takes time in proportion to the tree.  Hard links
 * become separate files; see treecopy.h for what else a copy keeps.
 *
 * Read-only: as root the copy is bind-mounted read-only on itself (writes give
 * EROFS, even for root; activate() mounts it again after a reboot).  Without
 * root the copy gets its write bits removed, and the modes it had are kept in
 * "@GMT-....modes" beside it, so revert puts them back; its owner could still
 * chmod it, which is the most a user can be kept from.
 *
 * Revert removes everything in the volume but ".snapshots" and copies the
 * snapshot back (reflinks where possible).
 *
 * Private data: provider=directory, name (in .snapshots), protect (bind|chmod).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "umbra/debug.h"
#include "mounts.h"
#include "privdata.h"
#include "provider.h"
#include "snapname.h"
#include "treecopy.h"

struct directory_state
{
    char *snapdir;        /* the volume's .snapshots */
    char name[64];        /* the snapshot made by pre_commit, "" until then */
    int bind;             /* protected by a read-only bind mount (else by chmod) */
};

static int path_has_snapshots_component(const char *path)
{
    size_t len = strlen(SNAPSHOTS_DIR);
    const char *p = path;

    while ((p = strstr(p, SNAPSHOTS_DIR)))
    {
        if ((p == path || p[-1] == '/') && (p[len] == 0 || p[len] == '/')) return 1;
        p += len;
    }
    return 0;
}

static int directory_is_supported(const struct vss_volume *volume)
{
    struct statvfs svfs;
    struct stat st;

    if (!volume || !volume->root || volume->root[0] != '/') return -EOPNOTSUPP;
    if (stat(volume->root, &st) < 0) return -errno;
    if (!S_ISDIR(st.st_mode)) return -EOPNOTSUPP;
    /* a snapshot (or our storage) is no volume */
    if (path_has_snapshots_component(volume->root)) return -EOPNOTSUPP;
    if (statvfs(volume->root, &svfs) < 0) return -errno;
    if (svfs.f_flag & ST_RDONLY) return -EOPNOTSUPP;
    if (access(volume->root, W_OK | X_OK) < 0) return errno == EACCES ? -EOPNOTSUPP : -errno;
    return 0;
}

static void state_free(struct directory_state *state)
{
    if (!state) return;
    free(state->snapdir);
    free(state);
}

static int directory_begin_prepare(struct provider_snapshot *snap)
{
    struct directory_state *state;
    int ret;

    TRACE("%s\n", snap->volume ? snap->volume->root : "(null)");
    if (!snap->volume) return -EINVAL;
    if ((ret = directory_is_supported(snap->volume))) return ret;
    if (!(state = calloc(1, sizeof(*state)))) return -ENOMEM;
    if ((ret = snapshots_dir_ensure(snap->volume->root, &state->snapdir))) goto fail;
    if (!(snap->record_dir = strdup(state->snapdir)))
    {
        ret = -ENOMEM;
        goto fail;
    }
    state->bind = geteuid() == 0;
    snap->freeze = PROVIDER_FREEZE_SYNC;
    snap->flags = PROVIDER_WRITER_CONSISTENT_ONLY;
    snap->state = state;
    return 0;

fail:
    state_free(state);
    return ret;
}

static int directory_end_prepare(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int make_dir(void *ctx, const char *name)
{
    return mkdirat(*(int *)ctx, name, 0700) < 0 ? -errno : 0;
}

static int make_private_data(const char *name, int bind, char **out)
{
    struct privdata pd;

    privdata_init(&pd);
    privdata_add(&pd, "provider", "directory");
    privdata_add(&pd, "name", name);
    privdata_add(&pd, "protect", bind ? "bind" : "chmod");
    return privdata_finish(&pd, out);
}

/* Copy one volume into a new @GMT directory and protect it. */
static int take_copy(struct provider_snapshot *snap)
{
    struct directory_state *state = snap->state;
    struct treecopy_options options = { .skip = SNAPSHOTS_DIR };
    struct treecopy_stats stats;
    char *path = NULL, *modes_path = NULL;
    FILE *modes = NULL;
    int dfd, ret;

    if ((dfd = open(state->snapdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) return -errno;
    clock_gettime(CLOCK_REALTIME, &snap->created);
    ret = snapname_create(snap->created.tv_sec, "", "", make_dir, &dfd, state->name, sizeof(state->name));
    close(dfd);
    if (ret)
    {
        state->name[0] = 0;
        WARN("no snapshot directory in %s: %s\n", state->snapdir, strerror(-ret));
        return ret == -EDQUOT ? -ENOSPC : ret;
    }
    if (asprintf(&path, "%s/%s", state->snapdir, state->name) < 0)
    {
        path = NULL;
        ret = -ENOMEM;
        goto done;
    }
    if (!state->bind)
    {
        if (asprintf(&modes_path, "%s.modes", path) < 0)
        {
            modes_path = NULL;
            ret = -ENOMEM;
            goto done;
        }
        if (!(modes = fopen(modes_path, "wxe")))
        {
            ret = -errno;
            goto done;
        }
        options.remove_write = 1;
        options.modes = modes;
    }
    ret = treecopy(snap->volume->root, path, 1, &options, &stats);
    if (modes && fclose(modes) && !ret) ret = errno == EDQUOT ? -ENOSPC : -errno;
    modes = NULL;
    if (ret)
    {
        WARN("copying %s: %s\n", snap->volume->root, strerror(-ret));
        goto done;
    }
    TRACE("%s: %llu files (%llu cloned, %llu bytes copied), %llu directories\n",
          path, stats.files, stats.cloned, stats.bytes, stats.dirs);
    if (state->bind && (ret = mount_bind_readonly(path, path))) goto done;
    free(snap->private_data);
    snap->private_data = NULL;
    if ((ret = make_private_data(state->name, state->bind, &snap->private_data)))
    {
        if (state->bind) mount_unmount(path);
        goto done;
    }
    free(snap->root);
    snap->root = path;
    path = NULL;

done:
    if (modes) fclose(modes);
    if (ret && path)
    {
        /* nothing partial stays behind, whatever failed */
        int err = treecopy_remove(path);
        if (err) WARN("removing the partial copy %s: %s\n", path, strerror(-err));
        if (modes_path) unlink(modes_path);
        state->name[0] = 0;
    }
    free(path);
    free(modes_path);
    return ret;
}

static int directory_pre_commit(struct provider_set *set)
{
    unsigned int i;
    int ret;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        if (!set->snapshots[i]->state) return -EINVAL;
        if ((ret = take_copy(set->snapshots[i]))) return ret;
    }
    return 0;
}

/* Inside the hold window: the copies are already made. */
static int directory_commit(struct provider_set *set)
{
    (void)set;
    return 0;
}

static int directory_post_commit(struct provider_set *set)
{
    unsigned int i;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];

        if (!snap->state) continue;
        if (!snap->private_data) return -EINVAL;   /* pre_commit did not run or failed */
        state_free(snap->state);
        snap->state = NULL;
    }
    return 0;
}

struct snapshot_paths
{
    struct snapref ref;   /* ref.parent is the volume */
    char *modes;          /* the modes file of a copy protected by chmod, else NULL */
    int bind;
};

static void paths_free(struct snapshot_paths *p)
{
    snapref_free(&p->ref);
    free(p->modes);
    memset(p, 0, sizeof(*p));
}

static int parse_private_data(const char *record_dir, const char *data, struct snapshot_paths *p)
{
    char *protect = NULL;
    int ret;

    memset(p, 0, sizeof(*p));
    if ((ret = snapref_resolve(record_dir, data, "directory", NULL, &p->ref))) return ret;
    if ((ret = privdata_get(data, "protect", &protect)))
    {
        paths_free(p);
        return ret == -ENOENT ? -EINVAL : ret;
    }
    p->bind = !strcmp(protect, "bind");
    free(protect);
    if (!p->bind && asprintf(&p->modes, "%s.modes", p->ref.path) < 0)
    {
        p->modes = NULL;
        paths_free(p);
        return -ENOMEM;
    }
    return 0;
}

static int directory_delete(const char *record_dir, const char *data)
{
    struct snapshot_paths p;
    int ret, tries;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    /* our read-only bind mount first (and any stacked on it) */
    for (tries = 0; tries < 8 && (ret = mount_is_mount_point(p.ref.path)) > 0; tries++)
        if ((ret = mount_unmount(p.ref.path))) goto done;
    if (ret < 0 && ret != -ENOENT) goto done;
    ret = treecopy_remove(p.ref.path);
    if (p.modes && unlink(p.modes) < 0 && errno != ENOENT && !ret) ret = -errno;
    if (ret && ret != -ENOENT) WARN("deleting %s: %s\n", p.ref.path, strerror(-ret));
done:
    paths_free(&p);
    return ret;
}

static int directory_abort(struct provider_set *set)
{
    unsigned int i;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];

        if (snap->private_data && snap->record_dir) directory_delete(snap->record_dir, snap->private_data);
        state_free(snap->state);
        snap->state = NULL;
        free(snap->private_data);
        free(snap->root);
        snap->private_data = snap->root = NULL;
    }
    return 0;
}

static int directory_root(const char *record_dir, const char *data, char **root)
{
    struct snapshot_paths p;
    int ret;

    *root = NULL;
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    *root = p.ref.path;
    p.ref.path = NULL;
    paths_free(&p);
    return 0;
}

static int directory_exists(const char *record_dir, const char *data)
{
    struct snapshot_paths p;
    struct stat st;
    int ret;

    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if (lstat(p.ref.path, &st) < 0) ret = errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
    else ret = S_ISDIR(st.st_mode);
    paths_free(&p);
    return ret;
}

static int directory_activate(const char *record_dir, const char *data)
{
    struct snapshot_paths p;
    int ret;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if (!p.bind) ret = 0;
    else if (!(ret = mount_is_mount_point(p.ref.path))) ret = mount_bind_readonly(p.ref.path, p.ref.path);
    else if (ret > 0) ret = 0;
    paths_free(&p);
    return ret;
}

static int directory_expose(const char *record_dir, const char *data, const char *path, int read_only)
{
    struct snapshot_paths p;
    int ret;

    TRACE("%s, %s, %s, %d\n", record_dir, data, path, read_only);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    if ((ret = directory_exists(record_dir, data)) > 0) ret = mount_expose(p.ref.path, path, read_only);
    else if (!ret) ret = -ENOENT;
    paths_free(&p);
    return ret;
}

static int directory_unexpose(const char *record_dir, const char *data, const char *path)
{
    struct snapshot_paths p;
    int ret;

    TRACE("%s, %s, %s\n", record_dir, data, path);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    ret = mount_unexpose(p.ref.path, path);
    paths_free(&p);
    return ret;
}

static int directory_revert(const char *record_dir, const char *data, int force)
{
    struct treecopy_options options = { .skip = SNAPSHOTS_DIR };
    struct snapshot_paths p;
    const char *volume;
    int ret;

    TRACE("%s, %s, %d\n", record_dir, data, force);
    if ((ret = parse_private_data(record_dir, data, &p))) return ret;
    volume = p.ref.parent;
    if ((ret = directory_exists(record_dir, data)) <= 0)
    {
        ret = ret < 0 ? ret : -ENOENT;
        goto done;
    }
    if (!force && (ret = mount_files_open_under(volume)))
    {
        if (ret > 0)
        {
            WARN("files are open in %s\n", volume);
            ret = -EBUSY;
        }
        goto done;
    }
    /* never empty a volume across a file system mounted in it (nor half of it) */
    if ((ret = mount_any_below(volume, SNAPSHOTS_DIR)))
    {
        if (ret > 0)
        {
            WARN("a file system is mounted inside %s\n", volume);
            ret = -EBUSY;
        }
        goto done;
    }
    if ((ret = treecopy_clear(volume, SNAPSHOTS_DIR)))
    {
        WARN("emptying %s: %s\n", volume, strerror(-ret));
        goto done;
    }
    if ((ret = treecopy(p.ref.path, volume, 1, &options, NULL)))
    {
        WARN("copying %s back to %s: %s\n", p.ref.path, volume, strerror(-ret));
        goto done;
    }
    if (p.modes && (ret = treecopy_restore_modes(volume, p.modes)))
        WARN("modes of %s from %s: %s\n", volume, p.modes, strerror(-ret));
done:
    paths_free(&p);
    return ret;
}

static int directory_scan(const char *record_dir, provider_scan_cb cb, void *ctx)
{
    struct dirent *entry;
    struct stat dir_st;
    int ret = 0;
    DIR *dir;

    if (stat(record_dir, &dir_st) < 0) return -errno;
    if (!(dir = opendir(record_dir))) return -errno;
    while (!ret && (entry = readdir(dir)))
    {
        char *path = NULL, *modes = NULL, *data;
        struct stat st;
        time_t t;

        if (snapname_parse(entry->d_name, &t)) continue;
        if (asprintf(&path, "%s/%s", record_dir, entry->d_name) < 0
            || asprintf(&modes, "%s.modes", path) < 0)
        {
            free(path);
            ret = -ENOMEM;
            break;
        }
        /* a copy protected by chmod has its modes file, one without was bind-mounted;
         * another device is a btrfs snapshot of the btrfs provider, not ours */
        if (!lstat(path, &st) && S_ISDIR(st.st_mode) && st.st_dev == dir_st.st_dev
            && !make_private_data(entry->d_name, access(modes, F_OK) < 0, &data))
        {
            ret = cb(ctx, data);
            free(data);
        }
        free(path);
        free(modes);
    }
    closedir(dir);
    return ret;
}

const struct provider directory_provider =
{
    { 0x7ac24c27, 0x5f63, 0x4d73, { 0xae, 0x57, 0x22, 0x37, 0x0b, 0x07, 0xef, 0x1c } },
    { 0x5545681c, 0x0b69, 0x4cce, { 0xaf, 0xdb, 0x63, 0xbc, 0x80, 0xd6, 0xa6, 0x1d } },
    "Umbra directory copy provider",
    "1.0",
    PROVIDER_TYPE_SYSTEM,
    PROVIDER_WRITER_CONSISTENT_ONLY,
    directory_is_supported,
    directory_begin_prepare,
    directory_end_prepare,
    directory_pre_commit,
    directory_commit,
    directory_post_commit,
    directory_abort,
    directory_delete,
    directory_root,
    directory_expose,
    directory_unexpose,
    directory_revert,
    directory_activate,
    directory_exists,
    directory_scan,
};
