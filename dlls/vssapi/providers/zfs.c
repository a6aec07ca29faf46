/*
 * zfs.c: the ZFS provider (DESIGN.md §5).  A volume that is the mount point of
 * a ZFS dataset gets ZFS snapshots named "GMT-YYYY.MM.DD-HH.MM.SS" (Samba's
 * vfs_shadow_copy2 format for ZFS), all the datasets of one pool in one
 * `zfs snapshot` command, which ZFS takes atomically.  ZFS makes the snapshot
 * a consistent point in time itself, so the volumes are flushed, never
 * FIFREEZE'd.  The readable root is "<mount point>/.zfs/snapshot/GMT-...",
 * which ZFS mounts read-only on first access.
 *
 * Revert is `zfs rollback`, which ZFS refuses when later snapshots exist (we
 * never destroy other snapshots to make it work: -EIO then).
 *
 * The command lines are built in functions of their own (zfs.h) and tested
 * without ZFS; this machine has none.  Needs root.
 *
 * Private data: provider=zfs, name ("@GMT-..."), dataset, snapshot ("GMT-...").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "umbra/debug.h"
#include "mounts.h"
#include "privdata.h"
#include "provider.h"
#include "snapname.h"
#include "zfs.h"

/* --- command lines ---------------------------------------------------------------- */

int zfs_valid_dataset(const char *name)
{
    static const char allowed[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:- ";
    const char *p = name;

    if (!name || !*name || name[0] == '-' || strlen(name) > 255) return 0;
    while (*p)
    {
        size_t len = strspn(p, allowed);

        if (!len || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) return 0;
        p += len;
        if (*p == '/')
        {
            if (!*++p) return 0;    /* trailing '/' */
        }
        else if (*p) return 0;      /* '@', '#', '%' or anything else */
    }
    return 1;
}

int zfs_snapshot_name(time_t t, char *buf, size_t size)
{
    char stamp[SNAPNAME_SIZE];

    snapname_format(t, stamp);
    return snprintf(buf, size, "%s", stamp + 1) >= (int)size ? -ENAMETOOLONG : 0;
}

static int valid_snapshot(const char *snap)
{
    char name[SNAPNAME_SIZE + 1];
    time_t t;

    if (!snap || snprintf(name, sizeof(name), "@%s", snap) >= (int)sizeof(name)) return 0;
    return !snapname_parse(name, &t);
}

void zfs_cmd_snapshot(struct cmdline *cmd, const char *const *datasets, unsigned int count, const char *snap)
{
    unsigned int i;

    cmdline_init(cmd);
    if (!count || !valid_snapshot(snap))
    {
        cmd->err = -EINVAL;
        return;
    }
    for (i = 0; i < count; i++)
        if (!zfs_valid_dataset(datasets[i])) cmd->err = -EINVAL;
    cmdline_add(cmd, "zfs");
    cmdline_add(cmd, "snapshot");
    for (i = 0; i < count; i++) cmdline_addf(cmd, "%s@%s", datasets[i], snap);
}

static void dataset_snapshot_command(struct cmdline *cmd, const char *verb, const char *dataset, const char *snap)
{
    cmdline_init(cmd);
    if (!zfs_valid_dataset(dataset) || !valid_snapshot(snap))
    {
        cmd->err = -EINVAL;
        return;
    }
    cmdline_add(cmd, "zfs");
    cmdline_add(cmd, verb);
    cmdline_addf(cmd, "%s@%s", dataset, snap);
}

void zfs_cmd_destroy(struct cmdline *cmd, const char *dataset, const char *snap)
{
    dataset_snapshot_command(cmd, "destroy", dataset, snap);
}

void zfs_cmd_rollback(struct cmdline *cmd, const char *dataset, const char *snap)
{
    dataset_snapshot_command(cmd, "rollback", dataset, snap);
}

void zfs_cmd_list(struct cmdline *cmd, const char *dataset)
{
    cmdline_init(cmd);
    if (!zfs_valid_dataset(dataset))
    {
        cmd->err = -EINVAL;
        return;
    }
    cmdline_add(cmd, "zfs");
    cmdline_add(cmd, "list");
    cmdline_add(cmd, "-H");
    cmdline_add(cmd, "-o");
    cmdline_add(cmd, "name");
    cmdline_add(cmd, "-t");
    cmdline_add(cmd, "snapshot");
    cmdline_add(cmd, "-d");
    cmdline_add(cmd, "1");
    cmdline_add(cmd, dataset);
}

void zfs_pool_of(const char *dataset, char *buf, size_t size)
{
    snprintf(buf, size, "%.*s", (int)strcspn(dataset, "/"), dataset);
}

/* --- the provider ------------------------------------------------------------------ */

struct zfs_state
{
    char *dataset;
    char *snapdir;
    char *existing;          /* zfs list output: "<dataset>@<snap>" lines there before */
    char snap[SNAPNAME_SIZE];/* made by commit, "" until then */
    int error;
};

static int zfs_is_supported(const struct vss_volume *volume)
{
    if (!volume || !volume->fstype || strcmp(volume->fstype, "zfs") || !volume->is_mount_root) return -EOPNOTSUPP;
    if (geteuid() != 0 || !zfs_valid_dataset(volume->device) || !runcmd_exists("zfs")) return -EOPNOTSUPP;
    return 0;
}

static void state_free(struct zfs_state *state)
{
    if (!state) return;
    free(state->dataset);
    free(state->snapdir);
    free(state->existing);
    free(state);
}

static int zfs_begin_prepare(struct provider_snapshot *snap)
{
    struct zfs_state *state;
    struct cmdline cmd;
    int ret;

    TRACE("%s\n", snap->volume ? snap->volume->root : "(null)");
    if (!snap->volume) return -EINVAL;
    if ((ret = zfs_is_supported(snap->volume))) return ret;
    if (!(state = calloc(1, sizeof(*state)))) return -ENOMEM;
    if (!(state->dataset = strdup(snap->volume->device)))
    {
        ret = -ENOMEM;
        goto fail;
    }
    zfs_cmd_list(&cmd, state->dataset);
    if ((ret = cmdline_run(&cmd, &state->existing))) goto fail;
    if ((ret = snapshots_dir_ensure(snap->volume->root, &state->snapdir))) goto fail;
    if (!(snap->record_dir = strdup(state->snapdir)))
    {
        ret = -ENOMEM;
        goto fail;
    }
    snap->freeze = PROVIDER_FREEZE_SYNC;
    snap->flags = 0;
    snap->state = state;
    return 0;

fail:
    state_free(state);
    return ret;
}

static int zfs_end_prepare(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int zfs_pre_commit(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int snapshot_taken(const struct zfs_state *state, const char *snap)
{
    size_t dlen = strlen(state->dataset), slen = strlen(snap);
    const char *p = state->existing;

    while (p && *p)
    {
        if (!strncmp(p, state->dataset, dlen) && p[dlen] == '@' && !strncmp(p + dlen + 1, snap, slen)
            && (p[dlen + 1 + slen] == '\n' || !p[dlen + 1 + slen]))
            return 1;
        p += strcspn(p, "\n");
        if (*p) p++;
    }
    return 0;
}

/* Inside the hold window: quiet.  One command per pool, one name for all. */
static int zfs_commit(struct provider_set *set)
{
    const char *datasets[RUNCMD_MAX_ARGS];
    unsigned int i, j, tries, count;
    char pool[256], other[256], snap[SNAPNAME_SIZE];
    struct timespec now;
    int ret = 0;

    clock_gettime(CLOCK_REALTIME, &now);
    for (i = 0; i < set->count; i++)
    {
        struct zfs_state *state = set->snapshots[i]->state;

        if (!state) return -EINVAL;
        if (state->snap[0]) continue;    /* taken with an earlier one of its pool */
        zfs_pool_of(state->dataset, pool, sizeof(pool));
        /* the first name free on every dataset of this pool in the set */
        for (tries = 0; tries < 3600; tries++)
        {
            int taken = 0;

            zfs_snapshot_name(now.tv_sec + tries, snap, sizeof(snap));
            for (j = i; j < set->count && !taken; j++)
            {
                struct zfs_state *s = set->snapshots[j]->state;
                if (!s) return -EINVAL;
                zfs_pool_of(s->dataset, other, sizeof(other));
                if (!strcmp(pool, other) && snapshot_taken(s, snap)) taken = 1;
            }
            if (!taken) break;
        }
        for (j = i, count = 0; j < set->count && count < RUNCMD_MAX_ARGS - 3; j++)
        {
            struct zfs_state *s = set->snapshots[j]->state;
            zfs_pool_of(s->dataset, other, sizeof(other));
            if (!strcmp(pool, other)) datasets[count++] = s->dataset;
        }
        {
            struct cmdline cmd;
            zfs_cmd_snapshot(&cmd, datasets, count, snap);
            cmd.quiet = 1;
            ret = cmdline_run(&cmd, NULL);
        }
        for (j = i; j < set->count; j++)
        {
            struct zfs_state *s = set->snapshots[j]->state;
            zfs_pool_of(s->dataset, other, sizeof(other));
            if (strcmp(pool, other)) continue;
            if (ret) s->error = ret;
            else
            {
                memcpy(s->snap, snap, sizeof(snap));
                set->snapshots[j]->created = now;
            }
        }
        if (ret) return ret;
    }
    return 0;
}

static int make_private_data(const char *dataset, const char *snap, char **out)
{
    struct privdata pd;

    privdata_init(&pd);
    privdata_add(&pd, "provider", "zfs");
    privdata_addf(&pd, "name", "@%s", snap);
    privdata_add(&pd, "dataset", dataset);
    privdata_add(&pd, "snapshot", snap);
    return privdata_finish(&pd, out);
}

static char *snapshot_root(const char *volume, const char *snap)
{
    char *root;

    if (asprintf(&root, "%s/.zfs/snapshot/%s", strcmp(volume, "/") ? volume : "", snap) < 0) return NULL;
    return root;
}

static int zfs_post_commit(struct provider_set *set)
{
    unsigned int i;
    int ret;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct zfs_state *state = snap->state;

        if (!state) continue;
        if (!state->snap[0])
        {
            WARN("%s: no snapshot was made (%s)\n", snap->volume->root, strerror(-state->error));
            return state->error ? state->error : -EINVAL;
        }
        free(snap->private_data);
        snap->private_data = NULL;
        if ((ret = make_private_data(state->dataset, state->snap, &snap->private_data))) return ret;
        free(snap->root);
        if (!(snap->root = snapshot_root(snap->volume->root, state->snap))) return -ENOMEM;
        state_free(state);
        snap->state = NULL;
    }
    return 0;
}

struct zfs_ref
{
    struct snapref ref;     /* ref.parent: the dataset's mount point */
    char *dataset, *snap;
};

static void zfs_ref_free(struct zfs_ref *r)
{
    snapref_free(&r->ref);
    free(r->dataset);
    free(r->snap);
    memset(r, 0, sizeof(*r));
}

static int parse_private_data(const char *record_dir, const char *data, struct zfs_ref *r)
{
    int ret;

    memset(r, 0, sizeof(*r));
    if ((ret = snapref_resolve(record_dir, data, "zfs", NULL, &r->ref))) return ret;
    if ((ret = privdata_get(data, "dataset", &r->dataset)) || (ret = privdata_get(data, "snapshot", &r->snap)))
        goto fail;
    ret = -EINVAL;
    if (!zfs_valid_dataset(r->dataset) || !valid_snapshot(r->snap) || strcmp(r->ref.name + 1, r->snap)) goto fail;
    return 0;

fail:
    zfs_ref_free(r);
    return ret == -ENOENT ? -EINVAL : ret;
}

static int zfs_exists(const char *record_dir, const char *data)
{
    struct cmdline cmd;
    struct zfs_ref r;
    char *output = NULL;
    int ret;

    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    zfs_cmd_list(&cmd, r.dataset);
    if (!(ret = cmdline_run(&cmd, &output)))
    {
        struct zfs_state probe = { .dataset = r.dataset, .existing = output };
        ret = snapshot_taken(&probe, r.snap);
    }
    free(output);
    zfs_ref_free(&r);
    return ret;
}

static int zfs_delete(const char *record_dir, const char *data)
{
    struct cmdline cmd;
    struct zfs_ref r;
    int ret;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = zfs_exists(record_dir, data)) <= 0) return ret ? ret : -ENOENT;
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    zfs_cmd_destroy(&cmd, r.dataset, r.snap);
    ret = cmdline_run(&cmd, NULL);
    zfs_ref_free(&r);
    return ret;
}

static int zfs_abort(struct provider_set *set)
{
    unsigned int i;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct zfs_state *state = snap->state;

        if (state && state->snap[0])
        {
            struct cmdline cmd;
            zfs_cmd_destroy(&cmd, state->dataset, state->snap);
            cmdline_run(&cmd, NULL);
        }
        else if (!state && snap->private_data && snap->record_dir)
            zfs_delete(snap->record_dir, snap->private_data);
        state_free(state);
        snap->state = NULL;
        free(snap->private_data);
        free(snap->root);
        snap->private_data = snap->root = NULL;
    }
    return 0;
}

static int zfs_root(const char *record_dir, const char *data, char **root)
{
    struct zfs_ref r;
    int ret;

    *root = NULL;
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    if (!(*root = snapshot_root(r.ref.parent, r.snap))) ret = -ENOMEM;
    zfs_ref_free(&r);
    return ret;
}

static int zfs_expose(const char *record_dir, const char *data, const char *path, int read_only)
{
    char *root;
    int ret;

    TRACE("%s, %s, %s, %d\n", record_dir, data, path, read_only);
    if ((ret = zfs_root(record_dir, data, &root))) return ret;
    ret = mount_expose(root, path, read_only);
    free(root);
    return ret;
}

static int zfs_unexpose(const char *record_dir, const char *data, const char *path)
{
    char *root;
    int ret;

    TRACE("%s, %s, %s\n", record_dir, data, path);
    if ((ret = zfs_root(record_dir, data, &root))) return ret;
    ret = mount_unexpose(root, path);
    free(root);
    return ret;
}

static int zfs_revert(const char *record_dir, const char *data, int force)
{
    struct cmdline cmd;
    struct zfs_ref r;
    int ret;

    TRACE("%s, %s, %d\n", record_dir, data, force);
    if ((ret = zfs_exists(record_dir, data)) <= 0) return ret ? ret : -ENOENT;
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    if (!force && (ret = mount_files_open_under(r.ref.parent)))
    {
        if (ret > 0) ret = -EBUSY;
        goto done;
    }
    zfs_cmd_rollback(&cmd, r.dataset, r.snap);
    ret = cmdline_run(&cmd, NULL);
done:
    zfs_ref_free(&r);
    return ret;
}

static int zfs_scan(const char *record_dir, provider_scan_cb cb, void *ctx)
{
    struct mount_entry entry;
    struct cmdline cmd;
    char *parent, *output = NULL, *line, *save;
    int ret;

    if ((ret = snapshots_dir_parent(record_dir, &parent))) return ret;
    if ((ret = mount_find_by_mount_point(parent, &entry)))
    {
        free(parent);
        return ret;
    }
    if (strcmp(entry.fstype, "zfs") || !runcmd_exists("zfs"))
        ret = -EOPNOTSUPP;
    else
    {
        zfs_cmd_list(&cmd, entry.source);
        ret = cmdline_run(&cmd, &output);
    }
    for (line = output ? strtok_r(output, "\n", &save) : NULL; !ret && line; line = strtok_r(NULL, "\n", &save))
    {
        size_t len = strlen(entry.source);
        char *data;

        if (strncmp(line, entry.source, len) || line[len] != '@' || !valid_snapshot(line + len + 1)) continue;
        if ((ret = make_private_data(entry.source, line + len + 1, &data))) break;
        ret = cb(ctx, data);
        free(data);
    }
    free(output);
    free(parent);
    mount_entry_free(&entry);
    return ret;
}

const struct provider zfs_provider =
{
    { 0x44b16ff8, 0x4cd3, 0x45a3, { 0xa4, 0xb6, 0x3e, 0x90, 0x1e, 0x8b, 0x0c, 0xbb } },
    { 0x9900db60, 0xbfea, 0x41c3, { 0xa5, 0x8f, 0x8b, 0x5c, 0xf2, 0x91, 0x24, 0x1a } },
    "Umbra ZFS snapshot provider",
    "1.0",
    PROVIDER_TYPE_SOFTWARE,
    PROVIDER_NEEDS_ROOT,
    zfs_is_supported,
    zfs_begin_prepare,
    zfs_end_prepare,
    zfs_pre_commit,
    zfs_commit,
    zfs_post_commit,
    zfs_abort,
    zfs_delete,
    zfs_root,
    zfs_expose,
    zfs_unexpose,
    zfs_revert,
    NULL,
    zfs_exists,
    zfs_scan,
};
