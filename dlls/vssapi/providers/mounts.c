/*
 * mounts.c: read-only bind mounts, unmounts, exposure of snapshot roots and
 * the open-files check for revert (mounts.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "umbra/debug.h"
#include "mounts.h"

static int mount_id_of(const char *path, unsigned long long *id, struct statx *out)
{
    struct statx stx;

    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
              STATX_MNT_ID | STATX_INO | STATX_TYPE, &stx) < 0)
        return -errno;
    if (!(stx.stx_mask & STATX_MNT_ID)) return -EOPNOTSUPP;
    *id = stx.stx_mnt_id;
    if (out) *out = stx;
    return 0;
}

int mount_is_mount_point(const char *path)
{
    unsigned long long id, parent_id;
    char *parent;
    int ret;

    if ((ret = mount_id_of(path, &id, NULL))) return ret;
    if (asprintf(&parent, "%s/..", path) < 0) return -ENOMEM;
    ret = mount_id_of(parent, &parent_id, NULL);
    free(parent);
    if (ret) return ret;
    if (id != parent_id) return 1;
    /* "/" is its own parent */
    return !strcmp(path, "/");
}

int mount_is_mount_of(const char *path, const char *target)
{
    struct stat a, b;
    int ret = mount_is_mount_point(path);

    if (ret <= 0) return ret;
    if (lstat(path, &a) < 0) return -errno;
    if (stat(target, &b) < 0) return errno == ENOENT ? 0 : -errno;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int mount_bind_readonly(const char *src, const char *dst)
{
    int ret;

    if (mount(src, dst, "none", MS_BIND, NULL) < 0)
    {
        ret = -errno;
        WARN("bind %s on %s: %s\n", src, dst, strerror(errno));
        return ret;
    }
    /* a bind mount takes the flags of the mount it copies; read-only needs a remount */
    if (mount("none", dst, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
    {
        ret = -errno;
        WARN("read-only remount of %s: %s\n", dst, strerror(errno));
        umount2(dst, UMOUNT_NOFOLLOW);
        return ret;
    }
    return 0;
}

int mount_unmount(const char *path)
{
    if (umount2(path, UMOUNT_NOFOLLOW) < 0)
    {
        int ret = -errno;
        WARN("unmount %s: %s\n", path, strerror(errno));
        return ret;
    }
    return 0;
}

static int dir_is_empty(const char *path)
{
    struct dirent *entry;
    DIR *dir = opendir(path);
    int empty = 1;

    if (!dir) return -errno;
    while ((entry = readdir(dir)))
    {
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
        {
            empty = 0;
            break;
        }
    }
    closedir(dir);
    return empty;
}

int mount_expose(const char *root, const char *path, int read_only)
{
    struct stat st;
    int ret;

    if (!read_only)
    {
        WARN("snapshots are exposed read-only only\n");
        return -EOPNOTSUPP;
    }
    if (lstat(path, &st) < 0)
    {
        if (errno != ENOENT) return -errno;
        if (symlink(root, path) < 0) return -errno;
        return 0;
    }
    if (!S_ISDIR(st.st_mode) || (ret = dir_is_empty(path)) == 0) return -EEXIST;
    if (ret < 0) return ret;
    if ((ret = mount_is_mount_point(path)) != 0) return ret < 0 ? ret : -EEXIST;
    return mount_bind_readonly(root, path);
}

int mount_unexpose(const char *root, const char *path)
{
    char target[PATH_MAX];
    struct stat st;
    ssize_t len;
    int ret;

    if (lstat(path, &st) < 0) return -errno;
    if (S_ISLNK(st.st_mode))
    {
        if ((len = readlink(path, target, sizeof(target) - 1)) < 0) return -errno;
        target[len] = 0;
        if (strcmp(target, root)) return -ENOENT;
        return unlink(path) < 0 ? -errno : 0;
    }
    if ((ret = mount_is_mount_of(path, root)) <= 0) return ret < 0 ? ret : -ENOENT;
    return mount_unmount(path);
}

void mount_entry_free(struct mount_entry *entry)
{
    free(entry->mount_point);
    free(entry->source);
    free(entry->fstype);
    free(entry->mount_options);
    free(entry->super_options);
    memset(entry, 0, sizeof(*entry));
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static char *unescape_field(const char *field, size_t len)
{
    char *out = malloc(len + 1), *q = out;
    size_t i;

    if (!out) return NULL;
    for (i = 0; i < len; i++)
    {
        if (field[i] == '\\' && i + 3 < len + 1 && field[i + 1] >= '0' && field[i + 1] <= '3'
            && field[i + 2] >= '0' && field[i + 2] <= '7' && field[i + 3] >= '0' && field[i + 3] <= '7')
        {
            *q++ = (char)((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
            i += 3;
        }
        else *q++ = field[i];
    }
    *q = 0;
    return out;
}

static int parse_mountinfo_line(const char *line, struct mount_entry *entry)
{
    const char *fields[16], *p = line;
    size_t lens[16];
    unsigned int count = 0, sep = 0;

    memset(entry, 0, sizeof(*entry));
    while (*p && *p != '\n' && count < 16)
    {
        size_t len = strcspn(p, " \n");

        fields[count] = p;
        lens[count] = len;
        if (len == 1 && *p == '-' && count >= 6 && !sep) sep = count;
        count++;
        p += len;
        while (*p == ' ') p++;
    }
    if (!sep || count < sep + 4) return -EINVAL;
    entry->mount_point = unescape_field(fields[4], lens[4]);
    entry->mount_options = unescape_field(fields[5], lens[5]);
    entry->fstype = unescape_field(fields[sep + 1], lens[sep + 1]);
    entry->source = unescape_field(fields[sep + 2], lens[sep + 2]);
    entry->super_options = unescape_field(fields[sep + 3], lens[sep + 3]);
    if (!entry->mount_point || !entry->mount_options || !entry->fstype || !entry->source
        || !entry->super_options)
    {
        mount_entry_free(entry);
        return -ENOMEM;
    }
    return 0;
}

/* Walk mountinfo; keep the first (or, with last, the last) entry whose
 * field (the source or the mount point) is value. */
static int mount_find(const char *value, int by_mount_point, int last, struct mount_entry *entry)
{
    char *line = NULL;
    size_t size = 0;
    int ret = -ENOENT;
    FILE *f;

    memset(entry, 0, sizeof(*entry));
    if (!(f = fopen("/proc/self/mountinfo", "re"))) return -errno;
    while ((last || ret == -ENOENT) && getline(&line, &size, f) > 0)
    {
        struct mount_entry e;

        if (parse_mountinfo_line(line, &e)) continue;
        if (!strcmp(by_mount_point ? e.mount_point : e.source, value))
        {
            mount_entry_free(entry);
            *entry = e;
            ret = 0;
        }
        else mount_entry_free(&e);
    }
    free(line);
    fclose(f);
    return ret;
}

int mount_find_by_source(const char *source, struct mount_entry *entry)
{
    return mount_find(source, 0, 0, entry);
}

int mount_find_by_mount_point(const char *path, struct mount_entry *entry)
{
    return mount_find(path, 1, 1, entry);
}

int mount_any_below(const char *path, const char *keep)
{
    char resolved[PATH_MAX], *line = NULL, *skip = NULL;
    size_t size = 0, len, skip_len = 0;
    int found = 0;
    FILE *f;

    if (!realpath(path, resolved)) return -errno;
    len = strlen(resolved);
    if (len == 1) len = 0;    /* "/" */
    if (keep && asprintf(&skip, "%.*s/%s", (int)len, resolved, keep) < 0) return -ENOMEM;
    if (skip) skip_len = strlen(skip);
    if (!(f = fopen("/proc/self/mountinfo", "re")))
    {
        free(skip);
        return -errno;
    }
    while (!found && getline(&line, &size, f) > 0)
    {
        struct mount_entry e;

        if (parse_mountinfo_line(line, &e)) continue;
        if (!strncmp(e.mount_point, resolved, len) && e.mount_point[len] == '/' && e.mount_point[len + 1]
            && !(skip && !strncmp(e.mount_point, skip, skip_len)
                 && (!e.mount_point[skip_len] || e.mount_point[skip_len] == '/')))
        {
            TRACE("%s is mounted below %s\n", e.mount_point, resolved);
            found = 1;
        }
        mount_entry_free(&e);
    }
    free(line);
    free(skip);
    fclose(f);
    return found;
}

unsigned long mount_entry_flags(const struct mount_entry *entry)
{
    static const struct { const char *name; unsigned long flag; } flags[] =
    {
        { "ro", MS_RDONLY }, { "nosuid", MS_NOSUID }, { "nodev", MS_NODEV },
        { "noexec", MS_NOEXEC }, { "noatime", MS_NOATIME }, { "nodiratime", MS_NODIRATIME },
        { "relatime", MS_RELATIME }, { "strictatime", MS_STRICTATIME }, { "sync", MS_SYNCHRONOUS },
        { "dirsync", MS_DIRSYNC },
    };
    const char *p = entry->mount_options;
    unsigned long result = 0;

    while (p && *p)
    {
        size_t len = strcspn(p, ","), i;

        for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
            if (strlen(flags[i].name) == len && !strncmp(p, flags[i].name, len)) result |= flags[i].flag;
        p += len;
        if (*p) p++;
    }
    return result;
}

/* Is the target of the /proc link at or below prefix (prefix_len bytes)? */
static int link_under(const char *link, const char *prefix, size_t prefix_len)
{
    char target[PATH_MAX];
    ssize_t len = readlink(link, target, sizeof(target) - 1);

    if (len < 0) return 0;
    target[len] = 0;
    if (strncmp(target, prefix, prefix_len)) return 0;
    return target[prefix_len] == 0 || target[prefix_len] == '/' || prefix_len == 1;
}

int mount_files_open_under(const char *path)
{
    char prefix[PATH_MAX], link[PATH_MAX];
    struct dirent *proc_entry;
    size_t prefix_len;
    DIR *proc;
    int found = 0;

    if (!realpath(path, prefix)) return -errno;
    prefix_len = strlen(prefix);
    if (!(proc = opendir("/proc"))) return -errno;
    while (!found && (proc_entry = readdir(proc)))
    {
        struct dirent *fd_entry;
        DIR *fds;

        if (proc_entry->d_name[0] < '1' || proc_entry->d_name[0] > '9') continue;
        snprintf(link, sizeof(link), "/proc/%s/cwd", proc_entry->d_name);
        if (link_under(link, prefix, prefix_len)) found = 1;
        snprintf(link, sizeof(link), "/proc/%s/root", proc_entry->d_name);
        if (strcmp(prefix, "/") && link_under(link, prefix, prefix_len)) found = 1;
        snprintf(link, sizeof(link), "/proc/%s/fd", proc_entry->d_name);
        if (found || !(fds = opendir(link))) continue;   /* gone, or not ours to see */
        while (!found && (fd_entry = readdir(fds)))
        {
            if (fd_entry->d_name[0] == '.') continue;
            snprintf(link, sizeof(link), "/proc/%s/fd/%s", proc_entry->d_name, fd_entry->d_name);
            if (link_under(link, prefix, prefix_len))
            {
                TRACE("process %s has %s open\n", proc_entry->d_name, link);
                found = 1;
            }
        }
        closedir(fds);
    }
    closedir(proc);
    return found;
}
