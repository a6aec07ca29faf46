/*
 * snapname.c: the @GMT names of snapshots and the .snapshots directory
 * (snapname.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "umbra/debug.h"
#include "privdata.h"
#include "snapname.h"

void snapname_format(time_t t, char name[SNAPNAME_SIZE])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(name, SNAPNAME_SIZE, "@GMT-%04u.%02u.%02u-%02u.%02u.%02u",
             (unsigned int)(tm.tm_year + 1900) % 10000u, (unsigned int)(tm.tm_mon + 1) % 100u,
             (unsigned int)tm.tm_mday % 100u, (unsigned int)tm.tm_hour % 100u,
             (unsigned int)tm.tm_min % 100u, (unsigned int)tm.tm_sec % 100u);
}

int snapname_parse(const char *name, time_t *t)
{
    struct tm tm;
    char check[SNAPNAME_SIZE];
    int n = 0;

    memset(&tm, 0, sizeof(tm));
    if (strlen(name) != SNAPNAME_SIZE - 1
        || sscanf(name, "@GMT-%4d.%2d.%2d-%2d.%2d.%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6
        || n != (int)SNAPNAME_SIZE - 1)
        return -EINVAL;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *t = timegm(&tm);
    /* reject what timegm normalised (month 13, second 61, signs, spaces) */
    snapname_format(*t, check);
    return strcmp(check, name) ? -EINVAL : 0;
}

int snapname_create(time_t t, const char *prefix, const char *suffix,
                    int (*create)(void *ctx, const char *name), void *ctx,
                    char *out, size_t size)
{
    unsigned int tries;

    for (tries = 0; tries < 86400; tries++)
    {
        char stamp[SNAPNAME_SIZE];
        int ret;

        snapname_format(t + tries, stamp);
        if (snprintf(out, size, "%s%s%s", prefix, stamp, suffix) >= (int)size) return -ENAMETOOLONG;
        ret = create(ctx, out);
        if (ret != -EEXIST) return ret;
    }
    return -EEXIST;
}

static int mount_id_of(const char *path, unsigned long long *id)
{
    struct statx stx;

    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID | STATX_TYPE, &stx) < 0)
        return -errno;
    if (!(stx.stx_mask & STATX_MNT_ID)) return -EOPNOTSUPP;
    *id = stx.stx_mnt_id;
    return 0;
}

int snapshots_dir_ensure(const char *parent, char **path)
{
    unsigned long long parent_mnt = 0, dir_mnt = 0;
    struct stat st;
    char *dir;
    int ret;

    *path = NULL;
    if (asprintf(&dir, "%s/%s", strcmp(parent, "/") ? parent : "", SNAPSHOTS_DIR) < 0) return -ENOMEM;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) goto fail;
    if (lstat(dir, &st) < 0) goto fail;
    if (!S_ISDIR(st.st_mode))
    {
        WARN("%s is not a directory\n", dir);
        ret = -ENOTDIR;
        goto done;
    }
    /* the same mount: a btrfs subvolume there (the btrfs provider's) is fine */
    if ((ret = mount_id_of(parent, &parent_mnt)) || (ret = mount_id_of(dir, &dir_mnt))) goto done;
    if (parent_mnt != dir_mnt)
    {
        WARN("%s is another file system\n", dir);
        ret = -EXDEV;
        goto done;
    }
    *path = dir;
    return 0;

fail:
    ret = -errno;
    WARN("%s: %s\n", dir, strerror(errno));
done:
    free(dir);
    return ret;
}

void snapref_free(struct snapref *ref)
{
    free(ref->name);
    free(ref->path);
    free(ref->parent);
    memset(ref, 0, sizeof(*ref));
}

int snapshots_dir_parent(const char *record_dir, char **parent)
{
    size_t len, base_len = strlen(SNAPSHOTS_DIR);
    const char *base;

    *parent = NULL;
    if (!record_dir || record_dir[0] != '/') return -EINVAL;
    len = strlen(record_dir);
    while (len > 1 && record_dir[len - 1] == '/') len--;
    if (len < base_len + 1) return -EINVAL;
    base = record_dir + len - base_len;
    if (base[-1] != '/' || strncmp(base, SNAPSHOTS_DIR, base_len)) return -EINVAL;
    *parent = base - 1 == record_dir ? strdup("/") : strndup(record_dir, base - 1 - record_dir);
    return *parent ? 0 : -ENOMEM;
}

int snapref_resolve(const char *record_dir, const char *data, const char *kind,
                    int (*valid_name)(const char *name), struct snapref *ref)
{
    time_t t;
    int ret;

    memset(ref, 0, sizeof(*ref));
    if (!data) return -EINVAL;
    if ((ret = snapshots_dir_parent(record_dir, &ref->parent))) return ret;
    if ((ret = privdata_check_kind(data, kind))) goto fail;
    if ((ret = privdata_get(data, "name", &ref->name)))
    {
        if (ret == -ENOENT) ret = -EINVAL;
        goto fail;
    }
    ret = -EINVAL;
    if (strchr(ref->name, '/') || !strcmp(ref->name, ".") || !strcmp(ref->name, "..")
        || (valid_name ? !valid_name(ref->name) : snapname_parse(ref->name, &t) != 0))
        goto fail;
    if (asprintf(&ref->path, "%s/%s/%s", strcmp(ref->parent, "/") ? ref->parent : "", SNAPSHOTS_DIR,
                 ref->name) < 0)
    {
        ref->path = NULL;
        ret = -ENOMEM;
        goto fail;
    }
    return 0;

fail:
    snapref_free(ref);
    return ret;
}
