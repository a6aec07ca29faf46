/*
 * lvm.c: the LVM thin provider (DESIGN.md §5).  A volume that is the whole
 * file system of a thin logical volume gets thin snapshots by lvcreate, tagged
 * "umbra-vss" and named "<lv>-GMT-YYYY.MM.DD-HH.MM.SS"; after the thaw each is
 * mounted read-only on "<root>/.snapshots/@GMT-...".  lvcreate suspends the
 * origin itself, which freezes its file system for the instant of the
 * snapshot, so the flush-and-hold step only flushes (no FIFREEZE: a frozen
 * file system would make lvcreate's own freeze wait).
 *
 * Revert unmounts the volume and merges the snapshot into its origin with
 * lvconvert --merge (immediate when the origin is not open; the snapshot is
 * consumed by it), then mounts the volume again.
 *
 * The command lines are built in functions of their own (lvm.h) and tested
 * without LVM; this machine has no device-mapper.  Needs root.
 *
 * Private data: provider=lvm, name (the mount point in .snapshots), vg, lv,
 * snaplv.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "umbra/debug.h"
#include "loopdev.h"
#include "lvm.h"
#include "mounts.h"
#include "privdata.h"
#include "provider.h"
#include "snapname.h"

/* --- command lines ---------------------------------------------------------------- */

int lvm_valid_name(const char *name)
{
    static const char allowed[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_.-";
    size_t len = name ? strlen(name) : 0;

    if (!len || len > 127 || name[0] == '-' || !strcmp(name, ".") || !strcmp(name, "..")) return 0;
    return strspn(name, allowed) == len;
}

int lvm_snapshot_lv_name(const char *lv, time_t t, char *buf, size_t size)
{
    char stamp[SNAPNAME_SIZE];

    snapname_format(t, stamp);
    /* "@GMT-..." less its '@' */
    if (snprintf(buf, size, "%s-%s", lv, stamp + 1) >= (int)size) return -ENAMETOOLONG;
    return lvm_valid_name(buf) ? 0 : -EINVAL;
}

int lvm_snapshot_dir_name(const char *lv, const char *snaplv, char *buf, size_t size)
{
    size_t len = strlen(lv);
    time_t t;

    if (strncmp(snaplv, lv, len) || snaplv[len] != '-') return -EINVAL;
    if (snprintf(buf, size, "@%s", snaplv + len + 1) >= (int)size) return -EINVAL;
    return snapname_parse(buf, &t);
}

static int check_names(struct cmdline *cmd, const char *a, const char *b)
{
    if (!lvm_valid_name(a) || (b && !lvm_valid_name(b)))
    {
        if (!cmd->err) cmd->err = -EINVAL;
        return 0;
    }
    return 1;
}

void lvm_cmd_query(struct cmdline *cmd, const char *device)
{
    cmdline_init(cmd);
    if (!device || device[0] != '/')
    {
        cmd->err = -EINVAL;
        return;
    }
    cmdline_add(cmd, "lvs");
    cmdline_add(cmd, "--noheadings");
    cmdline_add(cmd, "--separator");
    cmdline_add(cmd, "|");
    cmdline_add(cmd, "-o");
    cmdline_add(cmd, "vg_name,lv_name,segtype");
    cmdline_add(cmd, device);
}

static char *trim(char *str)
{
    char *end;

    while (*str == ' ' || *str == '\t') str++;
    end = str + strlen(str);
    while (end > str && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n')) *--end = 0;
    return str;
}

int lvm_parse_query(const char *output, char **vg, char **lv, int *thin)
{
    char *copy = strdup(output ? output : ""), *line, *f1, *f2, *f3;
    int ret = -EINVAL;

    *vg = *lv = NULL;
    *thin = 0;
    if (!copy) return -ENOMEM;
    line = copy;
    line[strcspn(line, "\n")] = 0;
    if ((f1 = strtok(line, "|")) && (f2 = strtok(NULL, "|")) && (f3 = strtok(NULL, "|")))
    {
        f1 = trim(f1);
        f2 = trim(f2);
        f3 = trim(f3);
        if (lvm_valid_name(f1) && lvm_valid_name(f2))
        {
            *vg = strdup(f1);
            *lv = strdup(f2);
            *thin = !strcmp(f3, "thin");
            ret = *vg && *lv ? 0 : -ENOMEM;
            if (ret)
            {
                free(*vg);
                free(*lv);
                *vg = *lv = NULL;
            }
        }
    }
    free(copy);
    return ret;
}

void lvm_cmd_list_snapshots(struct cmdline *cmd, const char *vg, const char *lv)
{
    cmdline_init(cmd);
    if (!check_names(cmd, vg, lv)) return;
    cmdline_add(cmd, "lvs");
    cmdline_add(cmd, "--noheadings");
    cmdline_add(cmd, "-o");
    cmdline_add(cmd, "lv_name");
    cmdline_add(cmd, "--select");
    cmdline_addf(cmd, "origin=%s && lv_tags=%s", lv, LVM_TAG);
    cmdline_add(cmd, vg);
}

void lvm_cmd_create(struct cmdline *cmd, const char *vg, const char *lv, const char *snaplv)
{
    cmdline_init(cmd);
    if (!check_names(cmd, vg, lv) || !check_names(cmd, snaplv, NULL)) return;
    cmdline_add(cmd, "lvcreate");
    cmdline_add(cmd, "--snapshot");
    cmdline_add(cmd, "--setactivationskip");
    cmdline_add(cmd, "n");
    cmdline_add(cmd, "--addtag");
    cmdline_add(cmd, LVM_TAG);
    cmdline_add(cmd, "--name");
    cmdline_add(cmd, snaplv);
    cmdline_addf(cmd, "%s/%s", vg, lv);
}

static void vg_lv_command(struct cmdline *cmd, const char *const *words, const char *vg, const char *snaplv)
{
    cmdline_init(cmd);
    if (!check_names(cmd, vg, snaplv)) return;
    for (; *words; words++) cmdline_add(cmd, *words);
    cmdline_addf(cmd, "%s/%s", vg, snaplv);
}

void lvm_cmd_remove(struct cmdline *cmd, const char *vg, const char *snaplv)
{
    static const char *const words[] = { "lvremove", "--yes", NULL };
    vg_lv_command(cmd, words, vg, snaplv);
}

void lvm_cmd_exists(struct cmdline *cmd, const char *vg, const char *snaplv)
{
    static const char *const words[] = { "lvs", "--noheadings", "-o", "lv_name", NULL };
    vg_lv_command(cmd, words, vg, snaplv);
}

void lvm_cmd_merge(struct cmdline *cmd, const char *vg, const char *snaplv)
{
    static const char *const words[] = { "lvconvert", "--merge", NULL };
    vg_lv_command(cmd, words, vg, snaplv);
}

/* --- the provider ------------------------------------------------------------------ */

struct lvm_state
{
    char *vg, *lv;
    char *snapdir;
    char *existing;           /* lvs output: snapshot LVs there before, one a line */
    char snaplv[128];         /* made by commit, "" until then */
    int error;
};

/* Only device-mapper devices can be logical volumes: ask LVM nothing otherwise. */
static int looks_like_lv(const char *device)
{
    char resolved[PATH_MAX];

    if (!device || device[0] != '/' || !realpath(device, resolved)) return 0;
    return !strncmp(resolved, "/dev/dm-", 8);
}

static int query_volume(const struct vss_volume *volume, char **vg, char **lv, int *thin)
{
    struct cmdline cmd;
    char *output;
    int ret;

    lvm_cmd_query(&cmd, volume->device);
    if ((ret = cmdline_run(&cmd, &output))) return ret;
    ret = lvm_parse_query(output, vg, lv, thin);
    free(output);
    return ret;
}

static int lvm_is_supported(const struct vss_volume *volume)
{
    char *vg, *lv;
    int thin, ret;

    if (!volume || !volume->is_mount_root || !volume->fstype || !loop_snapshot_mount_options(volume->fstype))
        return -EOPNOTSUPP;
    if (geteuid() != 0 || !looks_like_lv(volume->device) || !runcmd_exists("lvs")) return -EOPNOTSUPP;
    if ((ret = query_volume(volume, &vg, &lv, &thin))) return -EOPNOTSUPP;
    free(vg);
    free(lv);
    return thin ? 0 : -EOPNOTSUPP;
}

static void state_free(struct lvm_state *state)
{
    if (!state) return;
    free(state->vg);
    free(state->lv);
    free(state->snapdir);
    free(state->existing);
    free(state);
}

static int lvm_begin_prepare(struct provider_snapshot *snap)
{
    struct lvm_state *state;
    struct cmdline cmd;
    int thin, ret;

    TRACE("%s\n", snap->volume ? snap->volume->root : "(null)");
    if (!snap->volume) return -EINVAL;
    if ((ret = lvm_is_supported(snap->volume))) return ret;
    if (!(state = calloc(1, sizeof(*state)))) return -ENOMEM;
    if ((ret = query_volume(snap->volume, &state->vg, &state->lv, &thin))) goto fail;
    lvm_cmd_list_snapshots(&cmd, state->vg, state->lv);
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

static int lvm_end_prepare(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int lvm_pre_commit(struct provider_set *set)
{
    TRACE("%u snapshots\n", set->count);
    return 0;
}

static int name_taken(const char *existing, const char *name)
{
    const char *p = existing;
    size_t len = strlen(name);

    while (p && *p)
    {
        while (*p == ' ' || *p == '\n' || *p == '\t') p++;
        if (!strncmp(p, name, len) && (!p[len] || p[len] == '\n' || p[len] == ' ')) return 1;
        p += strcspn(p, "\n");
    }
    return 0;
}

/* Inside the hold window: quiet, and no file system of ours is frozen. */
static int lvm_commit(struct provider_set *set)
{
    unsigned int i, tries;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct lvm_state *state = snap->state;
        struct cmdline cmd;
        int ret = -EEXIST;

        if (!state) return -EINVAL;
        clock_gettime(CLOCK_REALTIME, &snap->created);
        for (tries = 0; tries < 3600 && ret == -EEXIST; tries++)
        {
            if ((ret = lvm_snapshot_lv_name(state->lv, snap->created.tv_sec + tries,
                                            state->snaplv, sizeof(state->snaplv))))
                break;
            if (name_taken(state->existing, state->snaplv)) ret = -EEXIST;
        }
        if (!ret)
        {
            lvm_cmd_create(&cmd, state->vg, state->lv, state->snaplv);
            cmd.quiet = 1;
            ret = cmdline_run(&cmd, NULL);
        }
        if (ret)
        {
            state->snaplv[0] = 0;
            state->error = ret;
            return ret;
        }
    }
    return 0;
}

static int make_private_data(const char *name, const char *vg, const char *lv, const char *snaplv, char **out)
{
    struct privdata pd;

    privdata_init(&pd);
    privdata_add(&pd, "provider", "lvm");
    privdata_add(&pd, "name", name);
    privdata_add(&pd, "vg", vg);
    privdata_add(&pd, "lv", lv);
    privdata_add(&pd, "snaplv", snaplv);
    return privdata_finish(&pd, out);
}

static int mount_snapshot_lv(const char *vg, const char *snaplv, const char *mnt)
{
    const char *fstype, *options;
    char dev[300];
    int ret;

    snprintf(dev, sizeof(dev), "/dev/%s/%s", vg, snaplv);
    if ((ret = loop_probe_fstype(dev, 0, &fstype))) return ret;
    options = loop_snapshot_mount_options(fstype);
    if (mkdir(mnt, 0755) < 0 && errno != EEXIST) return -errno;
    if (mount(dev, mnt, fstype, MS_RDONLY | MS_NODEV | MS_NOSUID, options) < 0)
    {
        ret = -errno;
        WARN("mount %s on %s: %s\n", dev, mnt, strerror(errno));
        return ret;
    }
    return 0;
}

static int lvm_post_commit(struct provider_set *set)
{
    unsigned int i;
    int ret;

    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct lvm_state *state = snap->state;
        char name[SNAPNAME_SIZE + 1], *mnt;

        if (!state) continue;
        if (!state->snaplv[0])
        {
            WARN("%s: no snapshot was made (%s)\n", snap->volume->root, strerror(-state->error));
            return state->error ? state->error : -EINVAL;
        }
        if ((ret = lvm_snapshot_dir_name(state->lv, state->snaplv, name, sizeof(name)))) return ret;
        if (asprintf(&mnt, "%s/%s", state->snapdir, name) < 0) return -ENOMEM;
        free(snap->private_data);
        snap->private_data = NULL;
        if ((ret = make_private_data(name, state->vg, state->lv, state->snaplv, &snap->private_data))
            || (ret = mount_snapshot_lv(state->vg, state->snaplv, mnt)))
        {
            free(mnt);
            return ret;
        }
        free(snap->root);
        snap->root = mnt;
        state_free(state);
        snap->state = NULL;
    }
    return 0;
}

struct lv_ref
{
    struct snapref ref;      /* ref.path: where the snapshot is mounted */
    char *vg, *lv, *snaplv;
};

static void lv_ref_free(struct lv_ref *r)
{
    snapref_free(&r->ref);
    free(r->vg);
    free(r->lv);
    free(r->snaplv);
    memset(r, 0, sizeof(*r));
}

static int parse_private_data(const char *record_dir, const char *data, struct lv_ref *r)
{
    char check[SNAPNAME_SIZE + 1];
    int ret;

    memset(r, 0, sizeof(*r));
    if ((ret = snapref_resolve(record_dir, data, "lvm", NULL, &r->ref))) return ret;
    if ((ret = privdata_get(data, "vg", &r->vg)) || (ret = privdata_get(data, "lv", &r->lv))
        || (ret = privdata_get(data, "snaplv", &r->snaplv)))
        goto fail;
    ret = -EINVAL;
    if (!lvm_valid_name(r->vg) || !lvm_valid_name(r->lv) || !lvm_valid_name(r->snaplv)
        || lvm_snapshot_dir_name(r->lv, r->snaplv, check, sizeof(check)) || strcmp(check, r->ref.name))
        goto fail;
    return 0;

fail:
    lv_ref_free(r);
    return ret == -ENOENT ? -EINVAL : ret;
}

static int lvm_delete(const char *record_dir, const char *data)
{
    struct cmdline cmd;
    struct lv_ref r;
    int ret, tries;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    for (tries = 0; tries < 8 && (ret = mount_is_mount_point(r.ref.path)) > 0; tries++)
        if ((ret = mount_unmount(r.ref.path))) goto done;
    lvm_cmd_exists(&cmd, r.vg, r.snaplv);
    if (cmdline_run(&cmd, NULL))
    {
        ret = -ENOENT;
        goto done;
    }
    lvm_cmd_remove(&cmd, r.vg, r.snaplv);
    ret = cmdline_run(&cmd, NULL);
    rmdir(r.ref.path);
done:
    lv_ref_free(&r);
    return ret;
}

static int lvm_abort(struct provider_set *set)
{
    unsigned int i;

    TRACE("%u snapshots\n", set->count);
    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct lvm_state *state = snap->state;

        if (state && state->snaplv[0])
        {
            struct cmdline cmd;
            char name[SNAPNAME_SIZE + 1], *mnt;

            if (!lvm_snapshot_dir_name(state->lv, state->snaplv, name, sizeof(name))
                && asprintf(&mnt, "%s/%s", state->snapdir, name) >= 0)
            {
                if (mount_is_mount_point(mnt) > 0) mount_unmount(mnt);
                rmdir(mnt);
                free(mnt);
            }
            lvm_cmd_remove(&cmd, state->vg, state->snaplv);
            cmdline_run(&cmd, NULL);
        }
        else if (!state && snap->private_data && snap->record_dir)
            lvm_delete(snap->record_dir, snap->private_data);
        state_free(state);
        snap->state = NULL;
        free(snap->private_data);
        free(snap->root);
        snap->private_data = snap->root = NULL;
    }
    return 0;
}

static int lvm_root(const char *record_dir, const char *data, char **root)
{
    struct lv_ref r;
    int ret;

    *root = NULL;
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    *root = r.ref.path;
    r.ref.path = NULL;
    lv_ref_free(&r);
    return 0;
}

static int lvm_exists(const char *record_dir, const char *data)
{
    struct cmdline cmd;
    struct lv_ref r;
    int ret;

    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    lvm_cmd_exists(&cmd, r.vg, r.snaplv);
    ret = cmdline_run(&cmd, NULL);
    ret = !ret ? 1 : ret == -EIO ? 0 : ret;
    lv_ref_free(&r);
    return ret;
}

static int lvm_activate(const char *record_dir, const char *data)
{
    struct lv_ref r;
    int ret;

    TRACE("%s, %s\n", record_dir, data);
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    if ((ret = mount_is_mount_point(r.ref.path)) <= 0)
        ret = mount_snapshot_lv(r.vg, r.snaplv, r.ref.path);
    else
        ret = 0;
    lv_ref_free(&r);
    return ret;
}

static int lvm_expose(const char *record_dir, const char *data, const char *path, int read_only)
{
    struct lv_ref r;
    int ret;

    TRACE("%s, %s, %s, %d\n", record_dir, data, path, read_only);
    if (!read_only) return -EOPNOTSUPP;
    if ((ret = lvm_activate(record_dir, data))) return ret;
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    ret = mount_expose(r.ref.path, path, read_only);
    lv_ref_free(&r);
    return ret;
}

static int lvm_unexpose(const char *record_dir, const char *data, const char *path)
{
    struct lv_ref r;
    int ret;

    TRACE("%s, %s, %s\n", record_dir, data, path);
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    ret = mount_unexpose(r.ref.path, path);
    lv_ref_free(&r);
    return ret;
}

static int lvm_revert(const char *record_dir, const char *data, int force)
{
    struct mount_entry entry = { 0 };
    struct cmdline cmd;
    struct lv_ref r;
    char *volume = NULL;
    int ret, remount = 0;

    TRACE("%s, %s, %d\n", record_dir, data, force);
    if ((ret = parse_private_data(record_dir, data, &r))) return ret;
    if ((ret = lvm_exists(record_dir, data)) <= 0)
    {
        ret = ret < 0 ? ret : -ENOENT;
        goto done;
    }
    if (!(volume = strdup(r.ref.parent)))
    {
        ret = -ENOMEM;
        goto done;
    }
    if (!force && (ret = mount_files_open_under(volume)))
    {
        if (ret > 0) ret = -EBUSY;
        goto done;
    }
    if (mount_is_mount_point(r.ref.path) > 0 && (ret = mount_unmount(r.ref.path))) goto done;
    if ((ret = mount_find_by_mount_point(volume, &entry))) goto done;
    if (umount2(volume, UMOUNT_NOFOLLOW) < 0)
    {
        ret = errno == EBUSY ? -EBUSY : -errno;
        goto done;
    }
    remount = 1;
    lvm_cmd_merge(&cmd, r.vg, r.snaplv);
    ret = cmdline_run(&cmd, NULL);
done:
    if (remount && mount(entry.source, entry.mount_point, entry.fstype, mount_entry_flags(&entry), NULL) < 0)
    {
        ERR("%s could not be mounted again on %s: %s\n", entry.source, entry.mount_point, strerror(errno));
        if (!ret) ret = -EIO;
    }
    mount_entry_free(&entry);
    free(volume);
    lv_ref_free(&r);
    return ret;
}

static int lvm_scan(const char *record_dir, provider_scan_cb cb, void *ctx)
{
    struct vss_volume volume = { 0 };
    struct mount_entry entry;
    struct cmdline cmd;
    char *vg = NULL, *lv = NULL, *output = NULL, *line, *save;
    char *parent = NULL;
    int thin, ret;

    /* the volume is the directory holding record_dir; its device says which LV */
    if ((ret = snapshots_dir_parent(record_dir, &parent))) return ret;
    if ((ret = mount_find_by_mount_point(parent, &entry)))
    {
        free(parent);
        return ret;
    }
    volume.device = entry.source;
    if (!looks_like_lv(entry.source) || !runcmd_exists("lvs"))
        ret = -EOPNOTSUPP;
    else if (!(ret = query_volume(&volume, &vg, &lv, &thin)))
    {
        lvm_cmd_list_snapshots(&cmd, vg, lv);
        ret = cmdline_run(&cmd, &output);
    }
    for (line = output ? strtok_r(output, "\n", &save) : NULL; !ret && line; line = strtok_r(NULL, "\n", &save))
    {
        char name[SNAPNAME_SIZE + 1], *data;

        line = trim(line);
        if (!lvm_valid_name(line) || lvm_snapshot_dir_name(lv, line, name, sizeof(name))) continue;
        if ((ret = make_private_data(name, vg, lv, line, &data))) break;
        ret = cb(ctx, data);
        free(data);
    }
    free(output);
    free(vg);
    free(lv);
    free(parent);
    mount_entry_free(&entry);
    return ret;
}

const struct provider lvm_provider =
{
    { 0x692d34ad, 0xc6e9, 0x492a, { 0x94, 0x8b, 0x88, 0x2e, 0x96, 0x7d, 0x64, 0x07 } },
    { 0x31261e34, 0x7352, 0x482d, { 0x87, 0x5d, 0x08, 0x26, 0x6d, 0x7f, 0x5d, 0xb6 } },
    "Umbra LVM thin snapshot provider",
    "1.0",
    PROVIDER_TYPE_SOFTWARE,
    PROVIDER_NEEDS_ROOT,
    lvm_is_supported,
    lvm_begin_prepare,
    lvm_end_prepare,
    lvm_pre_commit,
    lvm_commit,
    lvm_post_commit,
    lvm_abort,
    lvm_delete,
    lvm_root,
    lvm_expose,
    lvm_unexpose,
    lvm_revert,
    lvm_activate,
    lvm_exists,
    lvm_scan,
};
