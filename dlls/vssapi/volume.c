/*
 * volume.c: volumes and their names (volume.h, DESIGN.md §3).  Turns the names
 * Windows programs pass (POSIX paths, drive letters, \\?\Volume{GUID}\) into
 * directories on mounted file systems and keeps the small registry that lets a
 * directory volume's GUID be found again (kernel32 asks it too, through the
 * resolver registered below).  The mount table, file system UUIDs, the GUID
 * derivation and the list of mounted volumes are libumbra-kernel32's
 * (umbra/mounts.h): one implementation for both libraries.
 *
 * Not for: deciding which provider snapshots a volume (providers/), or the
 * snapshots themselves (catalogue.c).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/mounts.h"
#include "config.h"
#include "volume.h"

/* struct vss_volume is kernel32's struct umbra_volume under vssapi's name:
 * the mount table, the file system UUID and the GUID derivation are
 * kernel32's (umbra/mounts.h), so that GetVolumeNameForVolumeMountPoint and
 * AddToSnapshotSet agree on every name. */
_Static_assert(sizeof(struct vss_volume) == sizeof(struct umbra_volume), "vss_volume mirrors umbra_volume");
_Static_assert(offsetof(struct vss_volume, guid) == offsetof(struct umbra_volume, guid), "same layout");
_Static_assert(offsetof(struct vss_volume, fs_path) == offsetof(struct umbra_volume, fs_path), "same layout");

static struct umbra_volume *as_umbra(struct vss_volume *vol)
{
    return (struct umbra_volume *)vol;
}

/* --- GUIDs ------------------------------------------------------------------ */

void volume_guid_for(const char *fs_uuid, const char *fs_path, GUID *guid)
{
    umbra_volume_guid_for(fs_uuid, fs_path, guid);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void volume_guid_name(const struct vss_volume *vol, char *buf, size_t size)
{
    umbra_volume_guid_name(&vol->guid, buf, size);
}

int volume_parse_guid_name(const char *name, GUID *guid)
{
    return umbra_volume_parse_guid_name(name, guid);
}

/* --- volumes ---------------------------------------------------------------------- */

void volume_free(struct vss_volume *vol)
{
    umbra_volume_free(as_umbra(vol));
}

int volume_copy(struct vss_volume *dst, const struct vss_volume *src)
{
    *dst = *src;
    dst->root = strdup(src->root);
    dst->mount_point = strdup(src->mount_point);
    dst->device = strdup(src->device);
    dst->fstype = strdup(src->fstype);
    dst->fs_uuid = strdup(src->fs_uuid);
    dst->fs_path = strdup(src->fs_path);
    if (!dst->root || !dst->mount_point || !dst->device || !dst->fstype || !dst->fs_uuid || !dst->fs_path)
    {
        volume_free(dst);
        return -ENOMEM;
    }
    return 0;
}

int volume_from_path(const char *path, struct vss_volume *vol)
{
    if (vol) memset(vol, 0, sizeof(*vol));
    return umbra_volume_from_path(path, vol ? as_umbra(vol) : NULL);
}

int volume_containing(const char *path, struct vss_volume *vol)
{
    if (vol) memset(vol, 0, sizeof(*vol));
    return umbra_volume_containing(path, vol ? as_umbra(vol) : NULL);
}

int volume_list(struct vss_volume **vols, size_t *count)
{
    return umbra_volume_list((struct umbra_volume **)vols, count);
}

void volume_list_free(struct vss_volume *vols, size_t count)
{
    umbra_volume_list_free((struct umbra_volume *)vols, count);
}

/* --- the registry of directory volumes ------------------------------------------- */

static int registry_path(char *buf, size_t size, const char *name)
{
    return snprintf(buf, size, "%s/%s", config_get()->state_dir, name) >= (int)size ? -ENAMETOOLONG : 0;
}

struct registry_entry
{
    GUID guid;
    char *fs_uuid;
    char *fs_path;
    char *path;
};

static void registry_free(struct registry_entry *entries, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
    {
        free(entries[i].fs_uuid);
        free(entries[i].fs_path);
        free(entries[i].path);
    }
    free(entries);
}

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++)
    {
        if (*s == '%' || (unsigned char)*s < 0x20 || *s == 0x7f) fprintf(f, "%%%02X", (unsigned char)*s);
        else fputc(*s, f);
    }
}

/* Unescape one tab-separated field in place; *next gets the rest or NULL. */
static char *take_field(char *s, char **next)
{
    char *tab = strchr(s, '\t'), *in, *out;

    if (tab) *tab = 0;
    *next = tab ? tab + 1 : NULL;
    for (in = out = s; *in; in++)
    {
        if (*in == '%')
        {
            if (hexval(in[1]) < 0 || hexval(in[2]) < 0 || (!hexval(in[1]) && !hexval(in[2]))) return NULL;
            *out++ = (char)(hexval(in[1]) << 4 | hexval(in[2]));
            in += 2;
        }
        else *out++ = *in;
    }
    *out = 0;
    return s;
}

static int parse_registry_line(char *line, struct registry_entry *e)
{
    char *fields[4], *next = line;
    int i;

    for (i = 0; i < 4; i++)
    {
        if (!next || !(fields[i] = take_field(next, &next))) return -EINVAL;
    }
    if (next || strlen(fields[0]) != 36 || umbra_guid_parse(fields[0], &e->guid)) return -EINVAL;
    if (fields[2][0] != '/' || fields[3][0] != '/') return -EINVAL;
    e->fs_uuid = strdup(fields[1]);
    e->fs_path = strdup(fields[2]);
    e->path = strdup(fields[3]);
    if (!e->fs_uuid || !e->fs_path || !e->path)
    {
        free(e->fs_uuid); free(e->fs_path); free(e->path);
        return -ENOMEM;
    }
    return 0;
}

/* Read the registry; a missing file is an empty registry, junk lines are skipped. */
static int registry_read(struct registry_entry **entries, size_t *count)
{
    char path[PATH_MAX], *line = NULL;
    size_t line_size = 0, cap = 0;
    ssize_t len;
    FILE *f;
    int ret;

    *entries = NULL;
    *count = 0;
    if ((ret = registry_path(path, sizeof(path), "volumes"))) return ret;
    if (!(f = fopen(path, "re"))) return errno == ENOENT ? 0 : -errno;
    while ((len = getline(&line, &line_size, f)) > 0)
    {
        struct registry_entry e;
        if (line[len - 1] == '\n') line[--len] = 0;
        if ((ret = parse_registry_line(line, &e)))
        {
            if (ret == -ENOMEM) break;
            ret = 0;
            continue;
        }
        if (*count == cap)
        {
            struct registry_entry *grown;
            cap = cap ? cap * 2 : 16;
            if (!(grown = realloc(*entries, cap * sizeof(*grown))))
            {
                free(e.fs_uuid); free(e.fs_path); free(e.path);
                ret = -ENOMEM;
                break;
            }
            *entries = grown;
        }
        (*entries)[(*count)++] = e;
    }
    free(line);
    fclose(f);
    if (ret)
    {
        registry_free(*entries, *count);
        *entries = NULL;
        *count = 0;
    }
    return ret;
}

static void put_registry_line(FILE *f, const GUID *guid, const char *fs_uuid, const char *fs_path, const char *path)
{
    char text[37];

    umbra_guid_format(guid, text);
    fprintf(f, "%s\t", text);
    put_escaped(f, fs_uuid);
    fputc('\t', f);
    put_escaped(f, fs_path);
    fputc('\t', f);
    put_escaped(f, path);
    fputc('\n', f);
}

int volume_register(const struct vss_volume *vol)
{
    struct registry_entry *entries = NULL;
    char path[PATH_MAX], lock_path[PATH_MAX], text[37];
    size_t count, i, size = 0;
    char *buf = NULL;
    FILE *mem = NULL;
    int ret, lock_fd = -1;

    if (!vol || !vol->root || !vol->fs_uuid || !vol->fs_path) return -EINVAL;
    if (vol->is_mount_root) return 0;
    if (vol->root[0] != '/') return -EINVAL;

    /* already there: nothing to write (the common case) */
    if ((ret = registry_read(&entries, &count))) return ret;
    for (i = 0; i < count; i++)
        if (IsEqualGUID(&entries[i].guid, &vol->guid) && !strcmp(entries[i].path, vol->root)) break;
    registry_free(entries, count);
    entries = NULL;
    if (i < count) return 0;
    count = 0;

    if ((ret = config_make_private_dir(config_get()->state_dir))) return ret;
    if ((ret = registry_path(path, sizeof(path), "volumes"))
        || (ret = registry_path(lock_path, sizeof(lock_path), "volumes.lock")))
        return ret;
    if ((lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) return -errno;
    if (flock(lock_fd, LOCK_EX) < 0)
    {
        ret = -errno;
        goto done;
    }
    /* re-read under the lock; a path or GUID seen before is replaced */
    if ((ret = registry_read(&entries, &count))) goto done;
    if (!(mem = open_memstream(&buf, &size)))
    {
        ret = -ENOMEM;
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        if (IsEqualGUID(&entries[i].guid, &vol->guid) || !strcmp(entries[i].path, vol->root)) continue;
        put_registry_line(mem, &entries[i].guid, entries[i].fs_uuid, entries[i].fs_path, entries[i].path);
    }
    put_registry_line(mem, &vol->guid, vol->fs_uuid, vol->fs_path, vol->root);
    umbra_guid_format(&vol->guid, text);
    if (fclose(mem))
    {
        mem = NULL;
        ret = -ENOMEM;
        goto done;
    }
    mem = NULL;
    ret = state_write_atomic(path, buf, size, 0644);
    TRACE("registered directory volume %s as {%s}: %d\n", vol->root, text, ret);
done:
    if (mem) fclose(mem);
    free(buf);
    registry_free(entries, count);
    if (lock_fd >= 0) close(lock_fd);
    return ret;
}

int volume_registered_paths(char ***paths, size_t *count)
{
    struct registry_entry *entries;
    size_t n, i;
    int ret;

    if (!paths || !count) return -EINVAL;
    *paths = NULL;
    *count = 0;
    if ((ret = registry_read(&entries, &n))) return ret;
    if (!n) return 0;
    if (!(*paths = calloc(n, sizeof(**paths))))
    {
        registry_free(entries, n);
        return -ENOMEM;
    }
    for (i = 0; i < n; i++)
    {
        (*paths)[i] = entries[i].path;   /* ownership moves */
        entries[i].path = NULL;
    }
    *count = n;
    registry_free(entries, n);
    return 0;
}

void volume_paths_free(char **paths, size_t count)
{
    size_t i;

    if (!paths) return;
    for (i = 0; i < count; i++) free(paths[i]);
    free(paths);
}

/* --- resolving names ------------------------------------------------------------------ */

/* The registry entry's directory below a mount of its file system that is
 * not where it was registered: "<mount point>/<path in fs below the mount's root>". */
static int volume_moved(const struct registry_entry *entry, const struct umbra_mount_table *t,
                        const struct vss_volume *mounts, struct vss_volume *vol)
{
    char path[PATH_MAX];
    size_t i;

    if (!entry->fs_uuid[0]) return -ENOENT;
    for (i = 0; i < t->count; i++)
    {
        const struct umbra_mount *e = &t->entries[i];
        const char *below;

        if (!mounts[i].root || strcmp(mounts[i].fs_uuid, entry->fs_uuid)) continue;
        if (!umbra_path_below(entry->fs_path, e->root)) continue;
        below = entry->fs_path + (strcmp(e->root, "/") ? strlen(e->root) : 0);
        if (snprintf(path, sizeof(path), "%s%s", strcmp(e->mount_point, "/") ? e->mount_point : "", below)
            >= (int)sizeof(path))
            continue;
        if (volume_from_path(path, vol)) continue;
        if (IsEqualGUID(&vol->guid, &entry->guid)) return 0;
        volume_free(vol);
    }
    return -ENOENT;
}

static int volume_from_guid(const GUID *guid, struct vss_volume *vol)
{
    struct registry_entry *entries = NULL;
    struct vss_volume *mounts = NULL;
    const struct umbra_mount *best = NULL;
    struct umbra_mount_table t;
    size_t i, count = 0;
    int ret;

    if ((ret = umbra_mounts_read(&t))) return ret;
    if (t.count && !(mounts = calloc(t.count, sizeof(*mounts))))
    {
        ret = -ENOMEM;
        goto done;
    }
    /* every mount's own volume (GUID of its root) */
    for (i = 0; i < t.count; i++)
    {
        const struct umbra_mount *e = &t.entries[i];

        if (e->covered || umbra_fstype_never_volume(e->fstype)) continue;
        if (umbra_volume_fill(e, e->mount_point, as_umbra(&mounts[i]))) continue;
        if (IsEqualGUID(&mounts[i].guid, guid) && umbra_mount_better(e, best)) best = e;
    }
    if (best)
    {
        ret = volume_copy(vol, &mounts[best - t.entries]);
        goto done;
    }

    /* a directory volume: believe the registry only if the path still has this GUID */
    if ((ret = registry_read(&entries, &count))) goto done;
    ret = -ENOENT;
    for (i = 0; i < count && ret; i++)
    {
        if (!IsEqualGUID(&entries[i].guid, guid)) continue;
        if (!volume_from_path(entries[i].path, vol))
        {
            if (IsEqualGUID(&vol->guid, guid))
            {
                ret = 0;
                break;
            }
            volume_free(vol);
        }
        if (!(ret = volume_moved(&entries[i], &t, mounts, vol)))
        {
            TRACE("directory volume %s moved to %s\n", entries[i].path, vol->root);
            if (volume_register(vol)) WARN("cannot update the volume registry\n");
        }
    }
done:
    for (i = 0; mounts && i < t.count; i++) volume_free(&mounts[i]);
    free(mounts);
    registry_free(entries, count);
    umbra_mounts_free(&t);
    return ret;
}

/* kernel32 asks here for the GUIDs it cannot find among the mounts and drive
 * letters: the directory volumes of the registry. */
static int registry_guid_resolver(const GUID *guid, char **root)
{
    struct vss_volume vol;
    int ret;

    if ((ret = volume_from_guid(guid, &vol))) return ret;
    *root = strdup(vol.root);
    volume_free(&vol);
    return *root ? 0 : -ENOMEM;
}

__attribute__((constructor)) static void volume_register_resolver(void)
{
    umbra_volume_set_guid_resolver(registry_guid_resolver);
}

int volume_drive_path(char letter, char *buf, size_t size)
{
    return umbra_dosdevices_path(letter, buf, size);
}

/* Lexical normalisation: '\' -> '/', no "//", ".", ".." or trailing '/'.
 * ".." above the root stays at the root, as on Windows. */
static int normalise_path(const char *in, char *out, size_t size)
{
    size_t len = 0;
    const char *p = in;

    if (size < 2) return -ENAMETOOLONG;
    out[len++] = '/';
    while (*p)
    {
        const char *start;
        size_t n;

        while (*p == '/' || *p == '\\') p++;
        start = p;
        while (*p && *p != '/' && *p != '\\') p++;
        n = p - start;
        if (!n || (n == 1 && start[0] == '.')) continue;
        if (n == 2 && start[0] == '.' && start[1] == '.')
        {
            while (len > 1 && out[len - 1] != '/') len--;
            if (len > 1) len--;
            continue;
        }
        if (len + (len > 1) + n + 1 > size) return -ENAMETOOLONG;
        if (len > 1) out[len++] = '/';
        memcpy(out + len, start, n);
        len += n;
    }
    out[len] = 0;
    return 0;
}

static int is_drive(const char *s)
{
    return isascii((unsigned char)s[0]) && isalpha((unsigned char)s[0]) && s[1] == ':';
}

static int resolve_drive(const char *name, char *path, size_t size)
{
    char link[PATH_MAX], rest[PATH_MAX], *target;
    int ret;

    /* "C:" or "C:\..." only: "C:dir" is relative to a current directory we do not have */
    if (name[2] && name[2] != '\\' && name[2] != '/') return -EINVAL;
    /* ".." stops at the drive's root, as on Windows */
    if ((ret = normalise_path(name + 2, rest, sizeof(rest)))) return ret;
    if ((ret = volume_drive_path(name[0], link, sizeof(link)))) return ret;
    if (!(target = realpath(link, NULL)))
    {
        ret = -errno;
        TRACE("drive %c: is not mapped (%s): %s\n", name[0], link, strerror(errno));
        return ret == -ENOTDIR ? -ENOENT : ret;
    }
    ret = snprintf(path, size, "%s%s", target, strcmp(rest, "/") ? rest : "") >= (int)size ? -ENAMETOOLONG : 0;
    free(target);
    return ret;
}

int volume_resolve(const char *name, struct vss_volume *vol)
{
    char path[PATH_MAX], norm[PATH_MAX];
    size_t len;
    GUID guid;
    int ret;

    if (!name || !vol) return -EINVAL;
    memset(vol, 0, sizeof(*vol));
    len = strlen(name);
    if (!len) return -EINVAL;
    if (len >= PATH_MAX) return -ENAMETOOLONG;

    if (name[0] == '\\' && name[1] == '\\')
    {
        if (name[2] == '?' && name[3] == '\\')
        {
            if (!strncasecmp(name + 4, "Volume{", 7))
            {
                if (volume_parse_guid_name(name, &guid)) return -EINVAL;
                ret = volume_from_guid(&guid, vol);
                TRACE("%s -> %s: %d\n", name, ret ? "(none)" : vol->root, ret);
                return ret;
            }
            if (is_drive(name + 4)) return volume_resolve(name + 4, vol);
            return -EINVAL;
        }
        if (name[2] == '?' || name[2] == '.' || !name[2]) return -EINVAL;
        WARN("%s: UNC shares are not volumes Umbra can snapshot\n", name);
        return -EOPNOTSUPP;
    }
    if (!strncmp(name, "//?/", 4)) return volume_parse_guid_name(name, &guid) ? -EINVAL
                                                : volume_from_guid(&guid, vol);
    if (is_drive(name))
    {
        if ((ret = resolve_drive(name, path, sizeof(path)))) return ret;
    }
    else if (name[0] == '/' || name[0] == '\\') memcpy(path, name, len + 1);
    else return -EINVAL;

    if ((ret = normalise_path(path, norm, sizeof(norm)))) return ret;
    if ((ret = volume_from_path(norm, vol)))
    {
        TRACE("%s -> %s: %s\n", name, norm, strerror(-ret));
        return ret;
    }
    if (!vol->is_mount_root && (ret = volume_register(vol)))
        WARN("cannot register directory volume %s: %s\n", vol->root, strerror(-ret));
    TRACE("%s -> %s (%s on %s)\n", name, vol->root, vol->fstype, vol->mount_point);
    return 0;
}
