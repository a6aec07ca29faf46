/*
 * volume.c: volumes and their names (volume.h, DESIGN.md §3).  Turns the names
 * Windows programs pass (POSIX paths, drive letters, \\?\Volume{GUID}\) into
 * directories on mounted file systems, derives each volume's stable GUID from
 * its file system UUID, lists the mounted file systems that are volumes, and
 * keeps the small registry that lets a directory volume's GUID be found again.
 *
 * Not for: deciding which provider snapshots a volume (providers/), or the
 * snapshots themselves (catalogue.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <windows.h>
#include "umbra/debug.h"
#include "config.h"
#include "volume.h"

/* Linux 6.8's generic "get the file system UUID" ioctl; older headers lack it. */
#ifndef FS_IOC_GETFSUUID
struct fsuuid2
{
    __u8 len;
    __u8 uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Umbra's namespace for name-based volume GUIDs: {387b7d06-ab36-4a72-b7c4-e68c649ecf60} */
static const unsigned char volume_namespace[16] =
{
    0x38, 0x7b, 0x7d, 0x06, 0xab, 0x36, 0x4a, 0x72, 0xb7, 0xc4, 0xe6, 0x8c, 0x64, 0x9e, 0xcf, 0x60
};

/* --- SHA-1 (FIPS 180-4), only to derive name-based GUIDs ------------------- */

struct sha1
{
    uint32_t h[5];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
};

static uint32_t rotl32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_compress(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 80; i++) w[i] = rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (i = 0; i < 80; i++)
    {
        uint32_t f, k, t;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        t = rotl32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl32(b, 30);
        b = a;
        a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
    static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };

    memcpy(s->h, iv, sizeof(iv));
    s->bytes = 0;
    s->used = 0;
}

static void sha1_update(struct sha1 *s, const void *data, size_t len)
{
    const unsigned char *p = data;

    s->bytes += len;
    while (len)
    {
        size_t n = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->block + s->used, p, n);
        s->used += n;
        p += n;
        len -= n;
        if (s->used == 64)
        {
            sha1_compress(s->h, s->block);
            s->used = 0;
        }
    }
}

static void sha1_final(struct sha1 *s, unsigned char digest[20])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad = 0x80;
    int i;

    sha1_update(s, &pad, 1);
    pad = 0;
    while (s->used != 56) sha1_update(s, &pad, 1);
    for (i = 7; i >= 0; i--)
    {
        unsigned char byte = (unsigned char)(bits >> (8 * i));
        sha1_update(s, &byte, 1);
    }
    for (i = 0; i < 20; i++) digest[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* --- GUIDs ------------------------------------------------------------------ */

static void guid_from_key(const char *key, GUID *guid)
{
    unsigned char d[20];
    struct sha1 s;
    int i;

    sha1_init(&s);
    sha1_update(&s, volume_namespace, sizeof(volume_namespace));
    sha1_update(&s, key, strlen(key));
    sha1_final(&s, d);
    d[6] = (d[6] & 0x0f) | 0x50;   /* version 5: name-based, SHA-1 */
    d[8] = (d[8] & 0x3f) | 0x80;   /* RFC 4122 variant */
    guid->Data1 = (unsigned int)d[0] << 24 | (unsigned int)d[1] << 16 | (unsigned int)d[2] << 8 | d[3];
    guid->Data2 = (unsigned short)(d[4] << 8 | d[5]);
    guid->Data3 = (unsigned short)(d[6] << 8 | d[7]);
    for (i = 0; i < 8; i++) guid->Data4[i] = d[8 + i];
}

void volume_guid_for(const char *fs_uuid, const char *fs_path, GUID *guid)
{
    char key[PATH_MAX + 128];

    if (!fs_path || !strcmp(fs_path, "/")) snprintf(key, sizeof(key), "%s", fs_uuid);
    else snprintf(key, sizeof(key), "%s:%s", fs_uuid, fs_path);
    guid_from_key(key, guid);
}

static void guid_text(const GUID *g, char buf[37])
{
    snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6],
             g->Data4[7]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 36 characters of 8-4-4-4-12 hex, no braces */
static int parse_guid_text(const char *s, GUID *g)
{
    unsigned char b[16];
    int i, n = 0;

    for (i = 0; i < 36; i++)
    {
        if (i == 8 || i == 13 || i == 18 || i == 23)
        {
            if (s[i] != '-') return -EINVAL;
            continue;
        }
        if (hexval(s[i]) < 0 || hexval(s[i + 1]) < 0) return -EINVAL;
        b[n++] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
        i++;
    }
    g->Data1 = (unsigned int)b[0] << 24 | (unsigned int)b[1] << 16 | (unsigned int)b[2] << 8 | b[3];
    g->Data2 = (unsigned short)(b[4] << 8 | b[5]);
    g->Data3 = (unsigned short)(b[6] << 8 | b[7]);
    memcpy(g->Data4, b + 8, 8);
    return 0;
}

void volume_guid_name(const struct vss_volume *vol, char *buf, size_t size)
{
    char text[37];

    guid_text(&vol->guid, text);
    snprintf(buf, size, "\\\\?\\Volume{%s}\\", text);
}

int volume_parse_guid_name(const char *name, GUID *guid)
{
    const char *p;

    if (!name || !guid) return -EINVAL;
    if ((name[0] != '\\' && name[0] != '/') || (name[1] != '\\' && name[1] != '/') || name[2] != '?'
        || (name[3] != '\\' && name[3] != '/'))
        return -EINVAL;
    p = name + 4;
    if (strncasecmp(p, "Volume{", 7)) return -EINVAL;
    p += 7;
    if (strnlen(p, 37) < 37 || p[36] != '}') return -EINVAL;
    if (parse_guid_text(p, guid)) return -EINVAL;
    p += 37;
    if (*p == '\\' || *p == '/') p++;
    return *p ? -EINVAL : 0;
}

/* --- the mount table ---------------------------------------------------------- */

struct mount_entry
{
    int id, parent;
    char *root;          /* path of the mount's root inside its file system */
    char *mount_point;
    char *fstype;
    char *source;
    int ro;
    int covered;         /* another mount sits on the same mount point on top of it */
};

struct mount_table
{
    struct mount_entry *entries;
    size_t count;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
    char *out = s;

    while (*s)
    {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
            *out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
            s += 4;
        }
        else *out++ = *s++;
    }
    *out = 0;
}

static void mounts_free(struct mount_table *t)
{
    size_t i;

    for (i = 0; i < t->count; i++)
    {
        free(t->entries[i].root);
        free(t->entries[i].mount_point);
        free(t->entries[i].fstype);
        free(t->entries[i].source);
    }
    free(t->entries);
    t->entries = NULL;
    t->count = 0;
}

static int has_option(const char *options, const char *opt)
{
    size_t len = strlen(opt);
    const char *p = options;

    while (p && *p)
    {
        if (!strncmp(p, opt, len) && (p[len] == ',' || !p[len])) return 1;
        if ((p = strchr(p, ','))) p++;
    }
    return 0;
}

static int parse_mount_line(char *line, struct mount_entry *e)
{
    char *fields[32], *save = NULL, *tok;
    int n = 0, sep = -1, i;

    for (tok = strtok_r(line, " \n", &save); tok && n < 32; tok = strtok_r(NULL, " \n", &save))
        fields[n++] = tok;
    for (i = 6; i < n; i++)
        if (!strcmp(fields[i], "-")) { sep = i; break; }
    if (n < 6 || sep < 0 || sep + 2 >= n) return -EINVAL;

    memset(e, 0, sizeof(*e));
    e->id = atoi(fields[0]);
    e->parent = atoi(fields[1]);
    e->ro = has_option(fields[5], "ro");
    unescape_octal(fields[3]);
    unescape_octal(fields[4]);
    unescape_octal(fields[sep + 2]);
    e->root = strdup(fields[3]);
    e->mount_point = strdup(fields[4]);
    e->fstype = strdup(fields[sep + 1]);
    e->source = strdup(fields[sep + 2]);
    if (!e->root || !e->mount_point || !e->fstype || !e->source)
    {
        free(e->root); free(e->mount_point); free(e->fstype); free(e->source);
        return -ENOMEM;
    }
    return 0;
}

static int mounts_read(struct mount_table *t)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t line_size = 0, cap = 0, i, j;
    int ret = 0;

    t->entries = NULL;
    t->count = 0;
    if (!f)
    {
        ret = -errno;
        WARN("cannot read /proc/self/mountinfo: %s\n", strerror(errno));
        return ret;
    }
    while (getline(&line, &line_size, f) > 0)
    {
        struct mount_entry e;
        if (parse_mount_line(line, &e)) continue;
        if (t->count == cap)
        {
            struct mount_entry *grown;
            cap = cap ? cap * 2 : 32;
            if (!(grown = realloc(t->entries, cap * sizeof(*grown))))
            {
                free(e.root); free(e.mount_point); free(e.fstype); free(e.source);
                ret = -ENOMEM;
                break;
            }
            t->entries = grown;
        }
        t->entries[t->count++] = e;
    }
    free(line);
    fclose(f);
    if (ret)
    {
        mounts_free(t);
        return ret;
    }
    for (i = 0; i < t->count; i++)
        for (j = 0; j < t->count; j++)
            if (i != j && t->entries[j].parent == t->entries[i].id
                && !strcmp(t->entries[j].mount_point, t->entries[i].mount_point))
                t->entries[i].covered = 1;
    return 0;
}

/* Is path (absolute, canonical) at or below mount point mp? */
static int path_below(const char *path, const char *mp)
{
    size_t len = strlen(mp);

    if (!strcmp(mp, "/")) return 1;
    return !strncmp(path, mp, len) && (path[len] == '/' || !path[len]);
}

/* The mount that holds path: the deepest visible mount point above it. */
static int mounts_find(const struct mount_table *t, const char *path)
{
    size_t i, best_len = 0;
    int best = -1;

    for (i = 0; i < t->count; i++)
    {
        const struct mount_entry *e = &t->entries[i];
        size_t len = strlen(e->mount_point);
        if (e->covered || !path_below(path, e->mount_point)) continue;
        if (best < 0 || len >= best_len)
        {
            best = (int)i;
            best_len = len;
        }
    }
    return best;
}

/* Types that are never volumes and must not even be opened while looking for
 * one (network file systems may hang, autofs mounts on access). */
static int fstype_never_volume(const char *fstype)
{
    static const char *const types[] =
    {
        "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs", "securityfs",
        "bpf", "pstore", "configfs", "fusectl", "binfmt_misc", "autofs", "hugetlbfs", "efivarfs",
        "rpc_pipefs", "nsfs", "devtmpfs", "selinuxfs", "nfs", "nfs4", "cifs", "smb3", "smbfs",
        "ceph", "9p", "afs", "sshfs",
    };
    size_t i;

    /* FUSE daemons may not answer; fuseblk sits on a block device and is fine */
    if (!strcmp(fstype, "fuse") || !strncmp(fstype, "fuse.", 5)) return 1;
    for (i = 0; i < ARRAY_SIZE(types); i++)
        if (!strcmp(fstype, types[i])) return 1;
    return 0;
}

/* File system types that live on a block device: /proc/filesystems lines
 * without "nodev", plus ZFS (whose datasets are not block devices). */
static int fstype_on_block_device(const char *fstype)
{
    FILE *f;
    char line[256];
    int found = 0;

    if (!strcmp(fstype, "zfs")) return 1;
    if (!(f = fopen("/proc/filesystems", "re"))) return 0;
    while (!found && fgets(line, sizeof(line), f))
    {
        char *name = line;
        if (!strncmp(line, "nodev", 5)) continue;
        while (*name == ' ' || *name == '\t') name++;
        name[strcspn(name, " \t\n")] = 0;
        found = !strcmp(name, fstype);
    }
    fclose(f);
    return found;
}

/* --- file system UUIDs ------------------------------------------------------------ */

static void uuid_text(const unsigned char *u, size_t len, char *out, size_t size)
{
    size_t i, pos = 0;

    out[0] = 0;
    for (i = 0; i < len && pos + 3 < size; i++)
    {
        if (len == 16 && (i == 4 || i == 6 || i == 8 || i == 10)) out[pos++] = '-';
        pos += snprintf(out + pos, size - pos, "%02x", u[i]);
    }
}

static int all_zero(const unsigned char *u, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) if (u[i]) return 0;
    return 1;
}

static int uuid_from_by_uuid(const char *source, char *out, size_t size)
{
    struct stat dev, st;
    struct dirent *de;
    DIR *dir;
    char path[PATH_MAX];
    int found = 0;

    if (stat(source, &dev) < 0 || !S_ISBLK(dev.st_mode)) return 0;
    if (!(dir = opendir("/dev/disk/by-uuid"))) return 0;
    while (!found && (de = readdir(dir)))
    {
        size_t i;
        if (de->d_name[0] == '.') continue;
        if (snprintf(path, sizeof(path), "/dev/disk/by-uuid/%s", de->d_name) >= (int)sizeof(path)) continue;
        if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != dev.st_rdev) continue;
        if (strlen(de->d_name) >= size) continue;
        memcpy(out, de->d_name, strlen(de->d_name) + 1);
        for (i = 0; out[i]; i++) out[i] = (char)tolower((unsigned char)out[i]);
        found = 1;
    }
    closedir(dir);
    return found;
}

/* The UUID of the file system that holds the open directory fd, or "". */
static void probe_fs_uuid(int fd, const char *fstype, const char *source, char *out, size_t size)
{
    struct fsuuid2 u;

    out[0] = 0;
    memset(&u, 0, sizeof(u));
    if (!ioctl(fd, FS_IOC_GETFSUUID, &u) && u.len && u.len <= sizeof(u.uuid) && !all_zero(u.uuid, u.len))
    {
        uuid_text(u.uuid, u.len, out, size);
        return;
    }
    if (!strcmp(fstype, "btrfs"))
    {
        struct btrfs_ioctl_fs_info_args *info = calloc(1, sizeof(*info));
        if (info && !ioctl(fd, BTRFS_IOC_FS_INFO, info) && !all_zero(info->fsid, BTRFS_FSID_SIZE))
        {
            uuid_text(info->fsid, BTRFS_FSID_SIZE, out, size);
            free(info);
            return;
        }
        free(info);
    }
    if (uuid_from_by_uuid(source, out, size)) return;
    TRACE("no UUID for the %s file system on %s\n", fstype, source);
}

/* --- volumes ---------------------------------------------------------------------- */

void volume_free(struct vss_volume *vol)
{
    if (!vol) return;
    free(vol->root);
    free(vol->mount_point);
    free(vol->device);
    free(vol->fstype);
    free(vol->fs_uuid);
    free(vol->fs_path);
    memset(vol, 0, sizeof(*vol));
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

/* Fill vol for real_path (canonical directory) held by mount e. */
static int volume_fill(const struct mount_entry *e, const char *real_path, struct vss_volume *vol)
{
    char uuid[128], fs_path[PATH_MAX], key[3 * PATH_MAX];
    const char *below = real_path + (strcmp(e->mount_point, "/") ? strlen(e->mount_point) : 0);
    struct stat st;
    int fd, ret;

    memset(vol, 0, sizeof(*vol));
    fd = open(real_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    if (fstat(fd, &st) < 0)
    {
        ret = -errno;
        close(fd);
        return ret;
    }
    probe_fs_uuid(fd, e->fstype, e->source, uuid, sizeof(uuid));
    close(fd);

    /* path inside the file system: the mount's root, then what lies below the mount point */
    if (!strcmp(e->root, "/")) snprintf(fs_path, sizeof(fs_path), "%s", *below ? below : "/");
    else if (snprintf(fs_path, sizeof(fs_path), "%s%s", e->root, below) >= (int)sizeof(fs_path))
        return -ENAMETOOLONG;

    vol->root = strdup(real_path);
    vol->mount_point = strdup(e->mount_point);
    vol->device = strdup(strcmp(e->source, "none") ? e->source : "");
    vol->fstype = strdup(e->fstype);
    vol->fs_uuid = strdup(uuid);
    vol->fs_path = strdup(fs_path);
    if (!vol->root || !vol->mount_point || !vol->device || !vol->fstype || !vol->fs_uuid || !vol->fs_path)
    {
        volume_free(vol);
        return -ENOMEM;
    }
    vol->dev = st.st_dev;
    vol->ino = st.st_ino;
    vol->is_mount_root = !strcmp(real_path, e->mount_point);
    if (uuid[0]) volume_guid_for(uuid, fs_path, &vol->guid);
    else
    {
        snprintf(key, sizeof(key), "path:%s:%s:%s", e->fstype, e->source, real_path);
        guid_from_key(key, &vol->guid);
    }
    return 0;
}

/* realpath + must be a directory */
static int canonical_dir(const char *path, char **real)
{
    struct stat st;

    int ret = 0;

    if (!(*real = realpath(path, NULL))) return -errno;
    if (stat(*real, &st) < 0) ret = -errno;
    else if (!S_ISDIR(st.st_mode)) ret = -ENOTDIR;
    if (ret)
    {
        free(*real);
        *real = NULL;
    }
    return ret;
}

int volume_from_path(const char *path, struct vss_volume *vol)
{
    struct mount_table t;
    char *real = NULL;
    int ret, idx;

    if (!path || !vol || path[0] != '/') return -EINVAL;
    memset(vol, 0, sizeof(*vol));
    if ((ret = canonical_dir(path, &real))) return ret;
    if ((ret = mounts_read(&t))) goto done;
    if ((idx = mounts_find(&t, real)) < 0)
    {
        WARN("no mount holds %s\n", real);
        ret = -ENOENT;
    }
    else ret = volume_fill(&t.entries[idx], real, vol);
    mounts_free(&t);
done:
    free(real);
    return ret;
}

int volume_containing(const char *path, struct vss_volume *vol)
{
    struct mount_table t;
    char *real = NULL;
    int ret, idx;

    if (!path || !vol || path[0] != '/') return -EINVAL;
    memset(vol, 0, sizeof(*vol));
    if (!(real = realpath(path, NULL))) return -errno;
    if ((ret = mounts_read(&t))) goto done;
    if ((idx = mounts_find(&t, real)) < 0) ret = -ENOENT;
    else ret = volume_fill(&t.entries[idx], t.entries[idx].mount_point, vol);
    mounts_free(&t);
done:
    free(real);
    return ret;
}

/* Between two mounts of the same volume, the one a name should resolve to:
 * read-write over read-only (a read-only clone mounted beside its original). */
static int better_mount(const struct mount_entry *candidate, const struct mount_entry *current)
{
    return !current || (current->ro && !candidate->ro);
}

int volume_list(struct vss_volume **vols, size_t *count)
{
    struct mount_table t;
    struct vss_volume *list = NULL;
    const struct mount_entry **from = NULL;
    size_t i, j, n = 0;
    int ret;

    if (!vols || !count) return -EINVAL;
    *vols = NULL;
    *count = 0;
    if ((ret = mounts_read(&t))) return ret;
    if (!t.count) goto done;
    list = calloc(t.count, sizeof(*list));
    from = calloc(t.count, sizeof(*from));
    if (!list || !from)
    {
        ret = -ENOMEM;
        goto done;
    }
    for (i = 0; i < t.count; i++)
    {
        const struct mount_entry *e = &t.entries[i];
        struct vss_volume vol;

        if (e->covered || fstype_never_volume(e->fstype) || !fstype_on_block_device(e->fstype)) continue;
        if (volume_fill(e, e->mount_point, &vol))
        {
            TRACE("skipping %s: cannot open it\n", e->mount_point);
            continue;
        }
        for (j = 0; j < n; j++)
            if (IsEqualGUID(&list[j].guid, &vol.guid)) break;
        if (j == n) { list[n] = vol; from[n++] = e; }
        else if (better_mount(e, from[j]))
        {
            volume_free(&list[j]);
            list[j] = vol;
            from[j] = e;
        }
        else volume_free(&vol);
    }
done:
    free(from);
    mounts_free(&t);
    if (ret || !n)
    {
        volume_list_free(list, n);
        return ret;
    }
    *vols = list;
    *count = n;
    return 0;
}

void volume_list_free(struct vss_volume *vols, size_t count)
{
    size_t i;

    if (!vols) return;
    for (i = 0; i < count; i++) volume_free(&vols[i]);
    free(vols);
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
    if (next || strlen(fields[0]) != 36 || parse_guid_text(fields[0], &e->guid)) return -EINVAL;
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

    guid_text(guid, text);
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
    guid_text(&vol->guid, text);
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
static int volume_moved(const struct registry_entry *entry, const struct mount_table *t,
                        const struct vss_volume *mounts, struct vss_volume *vol)
{
    char path[PATH_MAX];
    size_t i;

    if (!entry->fs_uuid[0]) return -ENOENT;
    for (i = 0; i < t->count; i++)
    {
        const struct mount_entry *e = &t->entries[i];
        const char *below;

        if (!mounts[i].root || strcmp(mounts[i].fs_uuid, entry->fs_uuid)) continue;
        if (!path_below(entry->fs_path, e->root)) continue;
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
    const struct mount_entry *best = NULL;
    struct mount_table t;
    size_t i, count = 0;
    int ret;

    if ((ret = mounts_read(&t))) return ret;
    if (t.count && !(mounts = calloc(t.count, sizeof(*mounts))))
    {
        ret = -ENOMEM;
        goto done;
    }
    /* every mount's own volume (GUID of its root) */
    for (i = 0; i < t.count; i++)
    {
        const struct mount_entry *e = &t.entries[i];

        if (e->covered || fstype_never_volume(e->fstype)) continue;
        if (volume_fill(e, e->mount_point, &mounts[i])) continue;
        if (IsEqualGUID(&mounts[i].guid, guid) && better_mount(e, best)) best = e;
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
    mounts_free(&t);
    return ret;
}

int volume_drive_path(char letter, char *buf, size_t size)
{
    if (!buf || !isalpha((unsigned char)letter) || !isascii((unsigned char)letter)) return -EINVAL;
    if (snprintf(buf, size, "%s/dosdevices/%c:", config_get()->config_dir, tolower((unsigned char)letter))
        >= (int)size)
        return -ENAMETOOLONG;
    return 0;
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
