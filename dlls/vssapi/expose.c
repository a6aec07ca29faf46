/*
 * expose.c: local exposure of a snapshot (ExposeSnapshot with
 * VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, UnexposeSnapshot), always read-only.
 *
 * At a drive letter: the letter is Wine's $VSS_CONFIG_DIR/dosdevices/<x>:
 * symlink (DESIGN.md §3), made to point at the snapshot's read-only root, so
 * "X:\dir\file" reaches the snapshot's files; a letter already mapped is in
 * use (-EEXIST).
 *
 * At a directory:
 *  - as root, an existing empty directory gets a read-only bind mount of the
 *    snapshot (the provider's expose: a block image's clone is loop-mounted);
 *  - without root, which cannot mount, an existing empty directory is
 *    replaced by a symlink to the snapshot's read-only root, and the empty
 *    directory (same mode) is put back on unexpose.  What was replaced is
 *    remembered in $VSS_STATE_DIR/exposed/<snapshot id>, so another process
 *    (vssadmin, diskshadow) can unexpose it;
 *  - a path that does not exist gets the symlink, for anyone;
 *  - anything else (a file, a directory with entries, a mount point) is in use.
 * Either way what a program sees at the path is the snapshot, read-only.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "config.h"
#include "expose.h"
#include "volume.h"
#include "providers/provider.h"

static int snapshot_root(const struct snapshot_record *rec, const struct provider *provider, char **root)
{
    if (provider && provider->root && rec->record_dir && rec->provider_data[0]
        && !provider->root(rec->record_dir, rec->provider_data, root))
        return 0;
    if (!rec->snapshot_device[0]) return -ENOENT;
    return (*root = strdup(rec->snapshot_device)) ? 0 : -ENOMEM;
}

/* "X:", "X:\" or "X:/" */
static int drive_letter(const char *target)
{
    if (((target[0] >= 'a' && target[0] <= 'z') || (target[0] >= 'A' && target[0] <= 'Z')) && target[1] == ':'
        && (!target[2] || ((target[2] == '\\' || target[2] == '/') && !target[3])))
        return target[0] | 0x20;
    return 0;
}

static int mkdir_parents(const char *path)
{
    char *copy = strdup(path), *p;
    int ret = 0;

    if (!copy) return -ENOMEM;
    for (p = copy + 1; *p; p++)
    {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(copy, 0755) < 0 && errno != EEXIST) ret = -errno;
        *p = '/';
        if (ret) break;
    }
    free(copy);
    return ret;
}

/* The POSIX directory a target names ("X:\a\b" goes through the drive's
 * mapping), without trailing separators. */
static int target_path(const char *target, char **path)
{
    struct vss_volume vol;
    char *p;
    size_t len;
    int ret;

    if (target[0] && target[1] == ':' && (target[2] == '\\' || target[2] == '/'))
    {
        char letter[3] = { target[0], ':', 0 };

        memset(&vol, 0, sizeof(vol));
        if ((ret = volume_resolve(letter, &vol))) return ret;
        ret = asprintf(path, "%s/%s", strcmp(vol.root, "/") ? vol.root : "", target + 3) < 0 ? -ENOMEM : 0;
        volume_free(&vol);
        if (ret) return ret;
    }
    else if (target[0] == '/')
    {
        if (!(*path = strdup(target))) return -ENOMEM;
    }
    else return -EINVAL;

    for (p = *path; *p; p++) if (*p == '\\') *p = '/';
    while ((len = strlen(*path)) > 1 && (*path)[len - 1] == '/') (*path)[len - 1] = 0;
    return 0;
}

static int dir_is_empty(const char *path)
{
    struct dirent *entry;
    DIR *dir;
    int empty = 1;

    if (!(dir = opendir(path))) return -errno;
    while ((entry = readdir(dir)))
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
        {
            empty = 0;
            break;
        }
    closedir(dir);
    return empty;
}

/* $VSS_STATE_DIR/exposed/<id>: the directory an unprivileged exposure replaced. */
static int marker_path(const GUID *id, char *buf, size_t size)
{
    char dir[4000];
    int ret;

    if (snprintf(dir, sizeof(dir), "%s/exposed", config_get()->state_dir) >= (int)sizeof(dir)) return -ENAMETOOLONG;
    if ((ret = mkdir_parents(dir)) || (ret = config_make_private_dir(dir))) return ret;
    if (size < sizeof(dir) + 40) return -ENAMETOOLONG;
    snprintf(buf, size, "%.4000s/%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", dir, (unsigned int)id->Data1,
             id->Data2, id->Data3, id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3], id->Data4[4],
             id->Data4[5], id->Data4[6], id->Data4[7]);
    return 0;
}

static int expose_drive(int letter, const char *root, char **exposed)
{
    char path[4096];
    struct stat st;
    int ret;

    if ((ret = volume_drive_path(letter, path, sizeof(path)))) return ret;
    if (!lstat(path, &st))
    {
        WARN("drive %c: is in use (%s exists)\n", letter, path);
        return -EEXIST;
    }
    if (errno != ENOENT) return -errno;
    if ((ret = mkdir_parents(path))) return ret;
    if (symlink(root, path) < 0) return -errno;
    /* Microsoft: the exposed name is the drive letter followed by a colon */
    if (asprintf(exposed, "%c:", letter - 'a' + 'A') < 0)
    {
        unlink(path);
        return -ENOMEM;
    }
    return 0;
}

static int expose_directory(const struct snapshot_record *rec, const struct provider *provider, const char *path,
                            char **exposed)
{
    char marker[4096], text[32];
    struct stat st;
    int ret, replaced = 0;

    if (!provider || !provider->expose) return -EOPNOTSUPP;
    if (!lstat(path, &st))
    {
        if (!S_ISDIR(st.st_mode) || (ret = dir_is_empty(path)) == 0) return -EEXIST;
        if (ret < 0) return ret;
        if (geteuid())
        {
            /* no mount without privilege: the empty directory makes way for a symlink */
            if ((ret = marker_path(&rec->snapshot_id, marker, sizeof(marker)))) return ret;
            snprintf(text, sizeof(text), "dir %o\n", (unsigned int)(st.st_mode & 07777));
            if ((ret = state_write_atomic(marker, text, strlen(text), 0600))) return ret;
            if (rmdir(path) < 0)
            {
                ret = -errno;
                state_unlink_durable(marker);
                return ret == -ENOTEMPTY ? -EEXIST : ret;
            }
            replaced = 1;
        }
    }
    else if (errno != ENOENT) return -errno;

    if ((ret = provider->expose(rec->record_dir, rec->provider_data, path, 1)))
    {
        if (replaced)
        {
            mkdir(path, st.st_mode & 07777);
            state_unlink_durable(marker);
        }
        return ret;
    }
    if (!(*exposed = strdup(path)))
    {
        provider->unexpose(rec->record_dir, rec->provider_data, path);
        if (replaced)
        {
            mkdir(path, st.st_mode & 07777);
            state_unlink_durable(marker);
        }
        return -ENOMEM;
    }
    return 0;
}

/* A drive letter no dosdevices mapping uses yet, from D: on (A: to C: are
 * what Windows programs take for floppies and the system drive). */
static int free_drive_letter(void)
{
    char path[4096];
    struct stat st;
    int letter;

    for (letter = 'd'; letter <= 'z'; letter++)
        if (!volume_drive_path(letter, path, sizeof(path)) && lstat(path, &st) < 0 && errno == ENOENT)
            return letter;
    return 0;
}

int expose_snapshot(const struct snapshot_record *rec, const char *target, char **exposed)
{
    const struct provider *provider = provider_by_id(&rec->provider_id);
    char *root = NULL, *path = NULL;
    int letter, ret;

    *exposed = NULL;
    if (target && !target[0]) return -EINVAL;
    if ((ret = snapshot_root(rec, provider, &root))) return ret;
    if (!target)
    {
        /* no name given: VSS picks a free drive letter */
        if ((letter = free_drive_letter())) ret = expose_drive(letter, root, exposed);
        else ret = -EEXIST;
    }
    else if ((letter = drive_letter(target))) ret = expose_drive(letter, root, exposed);
    else if (!(ret = target_path(target, &path))) ret = expose_directory(rec, provider, path, exposed);
    if (ret) WARN("exposing %s at %s: %s\n", debugstr_guid(&rec->snapshot_id), target ? target : "a free drive",
                  strerror(-ret));
    free(path);
    free(root);
    return ret;
}

int unexpose_snapshot(const struct snapshot_record *rec)
{
    const struct provider *provider = provider_by_id(&rec->provider_id);
    char path[4096], marker[4096], target[4096], *root = NULL, *text = NULL;
    const char *name = rec->exposed_name;
    struct stat st;
    unsigned int mode;
    ssize_t len;
    int letter, ret;
    FILE *file;

    if (!name || !name[0]) return -ENOENT;
    if ((letter = drive_letter(name)))
    {
        if ((ret = snapshot_root(rec, provider, &root))) return ret;
        if (!(ret = volume_drive_path(letter, path, sizeof(path))))
        {
            if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode)
                || (len = readlink(path, target, sizeof(target) - 1)) < 0
                || (target[len] = 0, strcmp(target, root)))
                ret = -ENOENT;
            else if (unlink(path) < 0) ret = -errno;
        }
        free(root);
        return ret;
    }

    if (!provider || !provider->unexpose) return -EOPNOTSUPP;
    ret = provider->unexpose(rec->record_dir, rec->provider_data, name);
    if (ret && ret != -ENOENT) return ret;

    /* put back the empty directory an unprivileged exposure replaced */
    if (!marker_path(&rec->snapshot_id, marker, sizeof(marker)) && (file = fopen(marker, "re")))
    {
        size_t size = 0;

        if (getline(&text, &size, file) > 0 && sscanf(text, "dir %o", &mode) == 1)
        {
            if (mkdir(name, mode & 07777) < 0 && errno != EEXIST)
                WARN("cannot put back directory %s: %s\n", name, strerror(errno));
            else chmod(name, mode & 07777);
        }
        free(text);
        fclose(file);
        state_unlink_durable(marker);
    }
    return ret;
}
