/*
 * treecopy.c: copy, protect and remove directory trees (treecopy.h).  Every
 * step works on directory file descriptors (openat and friends), so a tree
 * that is renamed or replaced by symlinks while we walk it cannot lead us
 * outside it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/fs.h>
#include "umbra/debug.h"
#include "treecopy.h"

struct copier
{
    const struct treecopy_options *opt;
    struct treecopy_stats *stats;
    int is_root;            /* owners can be kept */
    int reflink;            /* -1 once FICLONE proved impossible here */
    unsigned long long src_mnt;   /* the mount the source tree is on */
    char *path;             /* path of the current entry below the top, for the modes file */
    size_t path_len, path_size;
};

/* The mount a path is on: a different one below us is a mount point. */
static int mount_id(int dfd, const char *name, unsigned long long *id)
{
    struct statx stx;

    if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0) return -errno;
    if (!(stx.stx_mask & STATX_MNT_ID)) return -EOPNOTSUPP;
    *id = stx.stx_mnt_id;
    return 0;
}

static int space_error(int err)
{
    return err == -EDQUOT ? -ENOSPC : err;
}

static int path_push(struct copier *c, const char *name, size_t *saved)
{
    size_t len = strlen(name), need = c->path_len + len + 2;

    *saved = c->path_len;
    if (need > c->path_size)
    {
        size_t size = c->path_size ? c->path_size * 2 : 256;
        char *path;

        while (size < need) size *= 2;
        if (!(path = realloc(c->path, size))) return -ENOMEM;
        c->path = path;
        c->path_size = size;
    }
    if (c->path_len) c->path[c->path_len++] = '/';
    memcpy(c->path + c->path_len, name, len + 1);
    c->path_len += len;
    return 0;
}

static void path_pop(struct copier *c, size_t saved)
{
    c->path_len = saved;
    if (c->path) c->path[saved] = 0;
}

static void write_escaped(FILE *f, const char *str)
{
    for (; *str; str++)
    {
        if (*str == '%') fputs("%25", f);
        else if (*str == '\n') fputs("%0a", f);
        else fputc(*str, f);
    }
}

/* The mode the copy gets, noting in the modes file what remove_write takes away. */
static mode_t copy_mode(struct copier *c, const struct stat *st)
{
    mode_t mode = st->st_mode & 07777;

    if (!c->opt->remove_write || !(mode & 0222)) return mode;
    if (c->opt->modes)
    {
        fprintf(c->opt->modes, "%o ", (unsigned int)mode);
        write_escaped(c->opt->modes, c->path_len ? c->path : ".");
        fputc('\n', c->opt->modes);
    }
    return mode & ~0222;
}

/* Owner, mode and times of an open copy, in that order: chown clears set-id bits. */
static int set_attrs_fd(struct copier *c, int fd, const struct stat *st)
{
    struct timespec times[2] = { st->st_atim, st->st_mtim };

    if (c->is_root && fchown(fd, st->st_uid, st->st_gid) < 0) return -errno;
    if (fchmod(fd, copy_mode(c, st)) < 0) return -errno;
    if (futimens(fd, times) < 0) return -errno;
    return 0;
}

/* The same, for entries we do not open (symlinks, device nodes, fifos). */
static int set_attrs_at(struct copier *c, int dfd, const char *name, const struct stat *st)
{
    struct timespec times[2] = { st->st_atim, st->st_mtim };

    if (c->is_root && fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
    if (!S_ISLNK(st->st_mode) && fchmodat(dfd, name, copy_mode(c, st), 0) < 0) return -errno;
    if (utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
    return 0;
}

static int copy_bytes_rw(int in, int out, off_t pos, off_t len)
{
    static const size_t chunk = 128 * 1024;
    char *buf = malloc(chunk);
    int ret = 0;

    if (!buf) return -ENOMEM;
    while (len > 0)
    {
        ssize_t n = pread(in, buf, len < (off_t)chunk ? (size_t)len : chunk, pos), done = 0;

        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { ret = -errno; break; }
        if (!n) break;   /* the file shrank while we copied it */
        while (done < n)
        {
            ssize_t w = pwrite(out, buf + done, n - done, pos + done);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) { ret = -errno; goto done; }
            done += w;
        }
        pos += n;
        len -= n;
    }
done:
    free(buf);
    return ret;
}

static int copy_range(int in, int out, off_t pos, off_t len)
{
    off_t in_pos = pos, out_pos = pos;

    while (len > 0)
    {
        ssize_t n = copy_file_range(in, &in_pos, out, &out_pos,
                                    len > (off_t)SSIZE_MAX ? (size_t)SSIZE_MAX : (size_t)len, 0);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)
                return copy_bytes_rw(in, out, in_pos, len);
            return -errno;
        }
        if (!n) break;
        len -= n;
    }
    return 0;
}

/* Copy the data of in to out, leaving holes where in has them. */
static int copy_data(struct copier *c, int in, int out, off_t size)
{
    off_t pos = 0;
    int ret;

    while (pos < size)
    {
        off_t data = lseek(in, pos, SEEK_DATA), hole;

        if (data < 0)
        {
            if (errno == ENXIO) break;                 /* only a hole is left */
            if (errno != EINVAL && errno != EOPNOTSUPP) return -errno;
            data = pos;                                 /* no hole support: all data */
            hole = size;
        }
        else if ((hole = lseek(in, data, SEEK_HOLE)) < 0) hole = size;
        if (data >= size) break;
        if (hole > size) hole = size;
        if ((ret = copy_range(in, out, data, hole - data))) return ret;
        if (c->stats) c->stats->bytes += hole - data;
        pos = hole;
    }
    if (ftruncate(out, size) < 0) return -errno;
    return 0;
}

static int open_source(int dfd, const char *name, int flags)
{
    int fd = openat(dfd, name, flags | O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);

    /* O_NOATIME is for the owner (or root) only */
    if (fd < 0 && errno == EPERM) fd = openat(dfd, name, flags | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int copy_regular(struct copier *c, int sdir, int ddir, const char *name, const struct stat *st)
{
    int in, out, ret = 0;

    if ((in = open_source(sdir, name, 0)) < 0) return in;
    if ((out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
    {
        ret = -errno;
        close(in);
        return ret;
    }
    if (!c->opt->no_reflink && c->reflink >= 0)
    {
        if (!ioctl(out, FICLONE, in))
        {
            if (c->stats) c->stats->cloned++;
            goto attrs;
        }
        if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EXDEV)
            c->reflink = -1;           /* not on this file system: stop asking */
        else if (errno != EINVAL)      /* EINVAL: not this file (e.g. a swap file) */
        {
            ret = -errno;
            goto done;
        }
    }
    if ((ret = copy_data(c, in, out, st->st_size))) goto done;
attrs:
    ret = set_attrs_fd(c, out, st);
    if (c->stats) c->stats->files++;
done:
    close(in);
    close(out);
    return ret;
}

static int copy_symlink(struct copier *c, int sdir, int ddir, const char *name, const struct stat *st)
{
    size_t size = st->st_size > 0 ? (size_t)st->st_size + 1 : PATH_MAX;
    char *target = malloc(size);
    ssize_t len;
    int ret;

    if (!target) return -ENOMEM;
    len = readlinkat(sdir, name, target, size);
    if (len < 0 || (size_t)len >= size)
    {
        /* it changed under us; a copy of a changing tree may lose it */
        ret = len < 0 ? -errno : -EAGAIN;
        free(target);
        return ret;
    }
    target[len] = 0;
    ret = symlinkat(target, ddir, name) < 0 ? -errno : set_attrs_at(c, ddir, name, st);
    free(target);
    if (!ret && c->stats) c->stats->others++;
    return ret;
}

static int copy_special(struct copier *c, int ddir, const char *name, const struct stat *st)
{
    if (mknodat(ddir, name, st->st_mode & (S_IFMT | 0700), st->st_rdev) < 0)
    {
        if (errno == EPERM)
        {
            /* device nodes need privilege; the copy goes on without them */
            WARN("%s: device node not copied (no privilege)\n", c->path);
            return 0;
        }
        return -errno;
    }
    if (c->stats) c->stats->others++;
    return set_attrs_at(c, ddir, name, st);
}

static int copy_dir_contents(struct copier *c, int sdir, int ddir, int top);

static int copy_dir(struct copier *c, int sdir, int ddir, const char *name, const struct stat *st)
{
    int s = -1, d = -1, ret;

    unsigned long long mnt = 0;

    if ((ret = mount_id(sdir, name, &mnt))) return ret;
    if (mkdirat(ddir, name, 0700) < 0) return -errno;
    if ((d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    /* a file system mounted here stays out (an empty directory in the copy) */
    if (mnt == c->src_mnt)
    {
        if ((s = open_source(sdir, name, O_DIRECTORY)) < 0)
        {
            ret = s;
            goto done;
        }
        if ((ret = copy_dir_contents(c, s, d, 0))) goto done;
    }
    ret = set_attrs_fd(c, d, st);
    if (c->stats) c->stats->dirs++;
done:
    if (s >= 0) close(s);
    close(d);
    return ret;
}

static int copy_dir_contents(struct copier *c, int sdir, int ddir, int top)
{
    int fd = dup(sdir), ret = 0;
    struct dirent *entry;
    DIR *dir;

    if (fd < 0) return -errno;
    if (!(dir = fdopendir(fd)))
    {
        ret = -errno;
        close(fd);
        return ret;
    }
    for (;;)
    {
        struct stat st;
        size_t saved;

        errno = 0;
        if (!(entry = readdir(dir)))
        {
            ret = -errno;
            break;
        }
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        if (top && c->opt->skip && !strcmp(entry->d_name, c->opt->skip)) continue;
        if (fstatat(sdir, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
            if (errno == ENOENT) continue;   /* removed while we walk: not in the copy */
            ret = -errno;
            break;
        }
        if ((ret = path_push(c, entry->d_name, &saved))) break;
        if (S_ISDIR(st.st_mode)) ret = copy_dir(c, sdir, ddir, entry->d_name, &st);
        else if (S_ISREG(st.st_mode)) ret = copy_regular(c, sdir, ddir, entry->d_name, &st);
        else if (S_ISLNK(st.st_mode)) ret = copy_symlink(c, sdir, ddir, entry->d_name, &st);
        else ret = copy_special(c, ddir, entry->d_name, &st);
        if (ret == -ENOENT || ret == -EAGAIN) ret = 0;   /* removed or changed while we copied it */
        if (ret) WARN("copying %s: %s\n", c->path, strerror(-ret));
        path_pop(c, saved);
        if (ret) break;
    }
    closedir(dir);
    return ret;
}

int treecopy(const char *src, const char *dst, int into_existing,
             const struct treecopy_options *options, struct treecopy_stats *stats)
{
    static const struct treecopy_options defaults;
    struct copier c = { .opt = options ? options : &defaults, .stats = stats, .is_root = geteuid() == 0 };
    int s = -1, d = -1, ret;
    struct stat st;

    if (stats) memset(stats, 0, sizeof(*stats));
    if ((s = open_source(AT_FDCWD, src, O_DIRECTORY)) < 0) return s;
    if (fstat(s, &st) < 0)
    {
        ret = -errno;
        goto done;
    }
    if ((ret = mount_id(s, ".", &c.src_mnt))) goto done;
    if (!into_existing && mkdir(dst, 0700) < 0)
    {
        ret = -errno;
        goto done;
    }
    if ((d = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        goto done;
    }
    if (!(ret = copy_dir_contents(&c, s, d, 1))) ret = set_attrs_fd(&c, d, &st);
    if (!ret && c.opt->modes && (fflush(c.opt->modes) || ferror(c.opt->modes))) ret = -EIO;
done:
    if (s >= 0) close(s);
    if (d >= 0) close(d);
    free(c.path);
    return space_error(ret);
}

/* --- removal ------------------------------------------------------------------ */

/* unlinkat that makes the directory writable (and searchable) when a read-only
 * tree forbids it */
static int unlink_forced(int dfd, const char *name, int flags)
{
    if (!unlinkat(dfd, name, flags)) return 0;
    if (errno != EACCES && errno != EPERM) return -errno;
    if (fchmod(dfd, 0700) < 0) return -errno;
    return unlinkat(dfd, name, flags) < 0 ? -errno : 0;
}

static int open_dir_forced(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0 && errno == EACCES && !fchmodat(dfd, name, 0700, 0))
        fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* One pass over a directory, removing what is in it.  *removed counts what
 * went, so the caller can go again: whether readdir still returns entries
 * added or moved during the pass is unspecified. */
static int remove_pass(int dfd, unsigned long long mnt, const char *keep, unsigned long *removed);

static int remove_contents(int dfd, unsigned long long mnt, const char *keep)
{
    unsigned long removed;
    int ret;

    do
    {
        removed = 0;
        ret = remove_pass(dfd, mnt, keep, &removed);
    } while (!ret && removed);
    return ret;
}

static int remove_pass(int dfd, unsigned long long mnt, const char *keep, unsigned long *removed)
{
    int fd = dup(dfd), ret = 0;
    struct dirent *entry;
    DIR *dir;

    if (fd < 0) return -errno;
    if (!(dir = fdopendir(fd)))
    {
        ret = -errno;
        close(fd);
        return ret;
    }
    for (;;)
    {
        unsigned long long child_mnt = 0;
        struct stat st;

        errno = 0;
        if (!(entry = readdir(dir)))
        {
            ret = -errno;
            break;
        }
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        if (keep && !strcmp(entry->d_name, keep)) continue;
        if (fstatat(dfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
            if (errno == ENOENT) continue;
            ret = -errno;
            break;
        }
        if (S_ISDIR(st.st_mode))
        {
            int child;

            if ((ret = mount_id(dfd, entry->d_name, &child_mnt))) break;
            if (child_mnt != mnt)
            {
                ret = -EBUSY;   /* something is mounted here: never remove across it */
                break;
            }
            if ((child = open_dir_forced(dfd, entry->d_name)) < 0)
            {
                ret = child;
                break;
            }
            ret = remove_contents(child, mnt, NULL);
            close(child);
            if (ret) break;
            if ((ret = unlink_forced(dfd, entry->d_name, AT_REMOVEDIR))) break;
        }
        else if ((ret = unlink_forced(dfd, entry->d_name, 0)))
        {
            if (ret == -ENOENT) ret = 0;
            else break;
        }
        (*removed)++;
    }
    closedir(dir);
    return ret;
}

static int split_path(const char *path, char **parent, const char **name)
{
    const char *slash;
    size_t len = strlen(path);

    while (len > 1 && path[len - 1] == '/') len--;
    if (!(*parent = strndup(path, len))) return -ENOMEM;
    slash = strrchr(*parent, '/');
    if (!slash)
    {
        *name = *parent;
        return 1;          /* relative to "." */
    }
    (*parent)[slash - *parent] = 0;
    *name = slash + 1;
    if (!**name) return -EINVAL;
    return 0;
}

int treecopy_remove(const char *path)
{
    unsigned long long mnt = 0, top_mnt = 0;
    const char *name;
    int pfd, fd, ret;
    char *parent;
    struct stat st;

    if ((ret = split_path(path, &parent, &name)) < 0) return ret;
    pfd = open(ret == 1 ? "." : (*parent ? parent : "/"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0)
    {
        ret = -errno;
        goto done;
    }
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
        ret = -errno;
        goto done;
    }
    if (!S_ISDIR(st.st_mode))
    {
        ret = unlink_forced(pfd, name, 0);
        goto done;
    }
    if ((ret = mount_id(pfd, ".", &mnt)) || (ret = mount_id(pfd, name, &top_mnt))) goto done;
    if (mnt != top_mnt)
    {
        ret = -EBUSY;
        goto done;
    }
    if ((fd = open_dir_forced(pfd, name)) < 0)
    {
        ret = fd;
        goto done;
    }
    ret = remove_contents(fd, mnt, NULL);
    close(fd);
    if (!ret) ret = unlink_forced(pfd, name, AT_REMOVEDIR);
done:
    if (pfd >= 0) close(pfd);
    free(parent);
    return ret;
}

int treecopy_clear(const char *path, const char *keep)
{
    unsigned long long mnt;
    int fd, ret;

    if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    if (!(ret = mount_id(fd, ".", &mnt))) ret = remove_contents(fd, mnt, keep);
    close(fd);
    return ret;
}

/* --- modes ------------------------------------------------------------------------ */

static int unescape(char *str)
{
    char *p = str, *q = str;

    while (*p)
    {
        if (*p == '%')
        {
            unsigned int c;
            if (sscanf(p + 1, "%2x", &c) != 1 || !c || !p[1] || !p[2]) return -EINVAL;
            *q++ = (char)c;
            p += 3;
        }
        else *q++ = *p++;
    }
    *q = 0;
    return 0;
}

/* chmod of a path below dfd that follows no symlink and cannot leave the tree:
 * walked a component at a time (openat2's RESOLVE_BENEATH is not everywhere,
 * valgrind for one) */
static int chmod_beneath(int dfd, const char *path, mode_t mode)
{
    char *copy = strdup(path), *component, *save = NULL, proc[64];
    int cur = -1, ret = 0;
    struct stat st;

    if (!copy) return -ENOMEM;
    if ((cur = dup(dfd)) < 0) ret = -errno;
    for (component = strtok_r(copy, "/", &save); !ret && component; component = strtok_r(NULL, "/", &save))
    {
        int next;

        if (!strcmp(component, ".")) continue;
        if (!strcmp(component, ".."))
        {
            ret = -EINVAL;
            break;
        }
        if ((next = openat(cur, component, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
        {
            ret = -errno;
            break;
        }
        close(cur);
        cur = next;
        if (fstat(cur, &st) < 0) ret = -errno;
        else if (S_ISLNK(st.st_mode)) ret = -ELOOP;
    }
    if (!ret)
    {
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", cur);
        if (chmod(proc, mode) < 0) ret = -errno;
    }
    if (cur >= 0) close(cur);
    free(copy);
    return ret;
}

int treecopy_restore_modes(const char *root, const char *modes_path)
{
    char *line = NULL;
    size_t size = 0;
    int rfd, ret = 0;
    FILE *f;

    if (!(f = fopen(modes_path, "re"))) return -errno;
    if ((rfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        fclose(f);
        return ret;
    }
    while (getline(&line, &size, f) > 0)
    {
        unsigned int mode;
        char *path;
        int n = 0;

        line[strcspn(line, "\n")] = 0;
        if (sscanf(line, "%o %n", &mode, &n) != 1 || !n || mode > 07777 || unescape(line + n))
        {
            ret = -EINVAL;
            break;
        }
        path = line + n;
        /* entries are relative; refuse anything that would leave the tree */
        if (path[0] == '/' || !strcmp(path, "..") || !strncmp(path, "../", 3) || strstr(path, "/../"))
        {
            ret = -EINVAL;
            break;
        }
        if ((ret = chmod_beneath(rfd, path, mode)) == -ENOENT) ret = 0;
        if (ret) break;
    }
    free(line);
    close(rfd);
    fclose(f);
    return ret;
}
