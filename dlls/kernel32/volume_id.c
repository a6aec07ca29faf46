/*
 * volume_id.c: who a volume is: the file system UUID, the volume GUID derived
 * from it (umbra/mounts.h gives the rule), the volume behind a directory, the
 * list of mounted volumes, and where a GUID is mounted now.  One
 * implementation for kernel32's volume functions and for libvssapi.
 *
 * Not for: the Win32 volume functions themselves (volume.c), or vssapi's
 * registry of directory volumes (dlls/vssapi/volume.c, reached through the
 * resolver it registers).
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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/mounts.h"

/* Linux 6.8's generic "get the file system UUID" ioctl; older headers lack it. */
#ifndef FS_IOC_GETFSUUID
struct fsuuid2
{
    __u8 len;
    __u8 uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
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

void umbra_volume_guid_from_key(const char *key, GUID *guid)
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

void umbra_volume_guid_for(const char *fs_uuid, const char *fs_path, GUID *guid)
{
    char key[PATH_MAX + 128];

    if (!fs_path || !strcmp(fs_path, "/")) snprintf(key, sizeof(key), "%s", fs_uuid);
    else snprintf(key, sizeof(key), "%s:%s", fs_uuid, fs_path);
    umbra_volume_guid_from_key(key, guid);
}

void umbra_guid_format(const GUID *g, char buf[37])
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

int umbra_guid_parse(const char *s, GUID *g)
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

void umbra_volume_guid_name(const GUID *guid, char *buf, size_t size)
{
    char text[37];

    umbra_guid_format(guid, text);
    snprintf(buf, size, "\\\\?\\Volume{%s}\\", text);
}

int umbra_volume_parse_guid_name(const char *name, GUID *guid)
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
    if (umbra_guid_parse(p, guid)) return -EINVAL;
    p += 37;
    if (*p == '\\' || *p == '/') p++;
    return *p ? -EINVAL : 0;
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

void umbra_fs_uuid(int fd, const char *fstype, const char *source, char *out, size_t size)
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

void umbra_volume_free(struct umbra_volume *vol)
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

int umbra_volume_fill(const struct umbra_mount *e, const char *real_path, struct umbra_volume *vol)
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
    umbra_fs_uuid(fd, e->fstype, e->source, uuid, sizeof(uuid));
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
        umbra_volume_free(vol);
        return -ENOMEM;
    }
    vol->dev = st.st_dev;
    vol->ino = st.st_ino;
    vol->is_mount_root = !strcmp(real_path, e->mount_point);
    if (uuid[0]) umbra_volume_guid_for(uuid, fs_path, &vol->guid);
    else
    {
        snprintf(key, sizeof(key), "path:%s:%s:%s", e->fstype, e->source, real_path);
        umbra_volume_guid_from_key(key, &vol->guid);
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

int umbra_volume_from_path(const char *path, struct umbra_volume *vol)
{
    struct umbra_mount_table t;
    char *real = NULL;
    int ret, idx;

    if (!path || !vol || path[0] != '/') return -EINVAL;
    memset(vol, 0, sizeof(*vol));
    if ((ret = canonical_dir(path, &real))) return ret;
    if ((ret = umbra_mounts_read(&t))) goto done;
    if ((idx = umbra_mounts_find(&t, real)) < 0)
    {
        WARN("no mount holds %s\n", real);
        ret = -ENOENT;
    }
    else ret = umbra_volume_fill(&t.entries[idx], real, vol);
    umbra_mounts_free(&t);
done:
    free(real);
    return ret;
}

int umbra_volume_containing(const char *path, struct umbra_volume *vol)
{
    struct umbra_mount_table t;
    char *real = NULL;
    int ret, idx;

    if (!path || !vol || path[0] != '/') return -EINVAL;
    memset(vol, 0, sizeof(*vol));
    if (!(real = realpath(path, NULL))) return -errno;
    if ((ret = umbra_mounts_read(&t))) goto done;
    if ((idx = umbra_mounts_find(&t, real)) < 0) ret = -ENOENT;
    else ret = umbra_volume_fill(&t.entries[idx], t.entries[idx].mount_point, vol);
    umbra_mounts_free(&t);
done:
    free(real);
    return ret;
}

int umbra_volume_list(struct umbra_volume **vols, size_t *count)
{
    struct umbra_mount_table t;
    struct umbra_volume *list = NULL;
    const struct umbra_mount **from = NULL;
    size_t i, j, n = 0;
    int ret;

    if (!vols || !count) return -EINVAL;
    *vols = NULL;
    *count = 0;
    if ((ret = umbra_mounts_read(&t))) return ret;
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
        const struct umbra_mount *e = &t.entries[i];
        struct umbra_volume vol;

        if (e->covered || umbra_fstype_never_volume(e->fstype) || !umbra_fstype_on_block_device(e->fstype))
            continue;
        if (umbra_volume_fill(e, e->mount_point, &vol))
        {
            TRACE("skipping %s: cannot open it\n", e->mount_point);
            continue;
        }
        for (j = 0; j < n; j++)
            if (IsEqualGUID(&list[j].guid, &vol.guid)) break;
        if (j == n) { list[n] = vol; from[n++] = e; }
        else if (umbra_mount_better(e, from[j]))
        {
            umbra_volume_free(&list[j]);
            list[j] = vol;
            from[j] = e;
        }
        else umbra_volume_free(&vol);
    }
done:
    free(from);
    umbra_mounts_free(&t);
    if (ret || !n)
    {
        umbra_volume_list_free(list, n);
        return ret;
    }
    *vols = list;
    *count = n;
    return 0;
}

void umbra_volume_list_free(struct umbra_volume *vols, size_t count)
{
    size_t i;

    if (!vols) return;
    for (i = 0; i < count; i++) umbra_volume_free(&vols[i]);
    free(vols);
}

/* --- where a GUID is now ------------------------------------------------------------- */

static umbra_volume_guid_resolver guid_resolver;

void umbra_volume_set_guid_resolver(umbra_volume_guid_resolver resolver)
{
    __atomic_store_n(&guid_resolver, resolver, __ATOMIC_SEQ_CST);
}

/* A mounted file system whose root has the GUID (the better of two mounts). */
static int mount_root_for_guid(const GUID *guid, char **root)
{
    const struct umbra_mount *best = NULL;
    struct umbra_mount_table t;
    size_t i;
    int ret;

    if ((ret = umbra_mounts_read(&t))) return ret;
    for (i = 0; i < t.count; i++)
    {
        const struct umbra_mount *e = &t.entries[i];
        struct umbra_volume vol;

        if (e->covered || umbra_fstype_never_volume(e->fstype)) continue;
        if (umbra_volume_fill(e, e->mount_point, &vol)) continue;
        if (IsEqualGUID(&vol.guid, guid) && umbra_mount_better(e, best)) best = e;
        umbra_volume_free(&vol);
    }
    ret = -ENOENT;
    if (best) ret = (*root = strdup(best->mount_point)) ? 0 : -ENOMEM;
    umbra_mounts_free(&t);
    return ret;
}

/* A drive letter whose directory has the GUID. */
static int drive_root_for_guid(const GUID *guid, char **root)
{
    char link[PATH_MAX], *target;
    struct umbra_volume vol;
    char letter;

    for (letter = 'a'; letter <= 'z'; letter++)
    {
        if (umbra_dosdevices_path(letter, link, sizeof(link))) return -ENOENT;
        if (!(target = realpath(link, NULL))) continue;
        if (!umbra_volume_from_path(target, &vol))
        {
            int match = IsEqualGUID(&vol.guid, guid);
            umbra_volume_free(&vol);
            if (match)
            {
                *root = target;
                return 0;
            }
        }
        free(target);
    }
    return -ENOENT;
}

int umbra_volume_root_for_guid(const GUID *guid, char **root)
{
    umbra_volume_guid_resolver resolver = __atomic_load_n(&guid_resolver, __ATOMIC_SEQ_CST);
    int ret;

    if (!guid || !root) return -EINVAL;
    *root = NULL;
    if ((ret = mount_root_for_guid(guid, root)) != -ENOENT) return ret;
    if ((ret = drive_root_for_guid(guid, root)) != -ENOENT) return ret;
    if (resolver) return resolver(guid, root);
    return -ENOENT;
}
