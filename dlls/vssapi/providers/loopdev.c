/*
 * loopdev.c: backing files of loop devices, and read-only mounts of image
 * files through auto-detaching loop devices (loopdev.h).  Everything is done
 * with ioctls, so nothing is exec'd while a file system may be frozen.
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/loop.h>
#include "umbra/debug.h"
#include "loopdev.h"

static int read_sys(const char *name, const char *attr, char *buf, size_t size)
{
    char path[PATH_MAX];
    ssize_t len;
    int fd, ret = 0;

    snprintf(path, sizeof(path), "/sys/block/%s/loop/%s", name, attr);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return errno == ENOENT ? -ENODEV : -errno;
    if ((len = read(fd, buf, size - 1)) < 0) ret = -errno;
    else
    {
        buf[len] = 0;
        buf[strcspn(buf, "\n")] = 0;
    }
    close(fd);
    return ret;
}

int loop_backing(const char *device, struct loop_backing *backing)
{
    char buf[PATH_MAX + 16], resolved[PATH_MAX];
    const char *name;
    struct stat st;
    size_t len;
    int ret;

    memset(backing, 0, sizeof(*backing));
    if (!realpath(device, resolved)) return errno == ENOENT ? -ENODEV : -errno;
    if (stat(resolved, &st) < 0) return -errno;
    if (!S_ISBLK(st.st_mode) || strncmp(resolved, "/dev/loop", 9)) return -ENODEV;
    name = resolved + 5;
    /* only whole loop devices: a partition (loop0p1) would need its own offset */
    if (!name[4] || strspn(name + 4, "0123456789") != strlen(name + 4)) return -ENODEV;
    if ((ret = read_sys(name, "backing_file", buf, sizeof(buf)))) return ret;
    len = strlen(buf);
    if (len > 10 && !strcmp(buf + len - 10, " (deleted)")) return -ENOENT;
    if (buf[0] != '/') return -ENODEV;
    if (!(backing->file = strdup(buf))) return -ENOMEM;
    if (!read_sys(name, "offset", buf, sizeof(buf))) backing->offset = strtoull(buf, NULL, 10);
    if (!read_sys(name, "sizelimit", buf, sizeof(buf))) backing->sizelimit = strtoull(buf, NULL, 10);
    if (!read_sys(name, "ro", buf, sizeof(buf))) backing->read_only = atoi(buf);
    return 0;
}

void loop_backing_free(struct loop_backing *backing)
{
    free(backing->file);
    backing->file = NULL;
}

int loop_find_by_backing(const char *file, char *dev, size_t size)
{
    char resolved[PATH_MAX], buf[PATH_MAX + 16];
    struct dirent *entry;
    int ret = -ENOENT;
    DIR *dir;

    if (!realpath(file, resolved)) return -errno;
    if (!(dir = opendir("/sys/block"))) return -errno;
    while (ret == -ENOENT && (entry = readdir(dir)))
    {
        if (strncmp(entry->d_name, "loop", 4) || !entry->d_name[4]
            || strspn(entry->d_name + 4, "0123456789") != strlen(entry->d_name + 4))
            continue;
        if (read_sys(entry->d_name, "backing_file", buf, sizeof(buf)) || strcmp(buf, resolved)) continue;
        snprintf(dev, size, "/dev/%s", entry->d_name);
        ret = 0;
    }
    closedir(dir);
    return ret;
}

int loop_attach_readonly(const char *file, unsigned long long offset, unsigned long long sizelimit,
                         char *dev, size_t size, int *dev_fd)
{
    struct loop_config config;
    int ctl, fd, ret = -EBUSY, tries;

    *dev_fd = -1;
    if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) return -errno;
    if ((ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        close(fd);
        return ret;
    }
    memset(&config, 0, sizeof(config));
    config.fd = fd;
    config.info.lo_offset = offset;
    config.info.lo_sizelimit = sizelimit;
    config.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
    snprintf((char *)config.info.lo_file_name, LO_NAME_SIZE, "%s", file);
    /* another process may take the free device between asking and configuring */
    for (tries = 0; tries < 16 && ret == -EBUSY; tries++)
    {
        int nr = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;

        if (nr < 0)
        {
            ret = -errno;
            break;
        }
        snprintf(dev, size, "/dev/loop%d", nr);
        if ((lfd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
        {
            ret = -errno;
            break;
        }
        if (ioctl(lfd, LOOP_CONFIGURE, &config) < 0)
        {
            ret = -errno;
            close(lfd);
        }
        else
        {
            ret = 0;
            *dev_fd = lfd;
        }
    }
    if (ret) WARN("loop device for %s: %s\n", file, strerror(-ret));
    close(ctl);
    close(fd);
    return ret;
}

int loop_detach(const char *dev)
{
    int fd = open(dev, O_RDONLY | O_CLOEXEC), ret = 0;

    if (fd < 0) return -errno;
    /* on a device still in use this only sets autoclear: it goes when unused */
    if (ioctl(fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO) ret = -errno;
    close(fd);
    return ret;
}

const char *loop_snapshot_mount_options(const char *fstype)
{
    /* the copy was taken frozen, so it is clean: never replay a journal on a
     * read-only device; xfs refuses a second mount of the same uuid without nouuid */
    if (!strcmp(fstype, "ext4")) return "noload";
    if (!strcmp(fstype, "xfs")) return "norecovery,nouuid";
    return NULL;
}

int loop_mount_image_readonly(const char *file, unsigned long long offset, unsigned long long sizelimit,
                              const char *fstype, const char *mnt)
{
    const char *options = loop_snapshot_mount_options(fstype);
    char dev[64];
    int ret, fd;

    if (!options) return -EOPNOTSUPP;
    if ((ret = loop_attach_readonly(file, offset, sizelimit, dev, sizeof(dev), &fd))) return ret;
    if (mount(dev, mnt, fstype, MS_RDONLY | MS_NODEV | MS_NOSUID, options) < 0)
    {
        ret = -errno;
        WARN("mount %s (%s) on %s: %s\n", dev, file, mnt, strerror(errno));
    }
    /* autoclear: closing our descriptor detaches the device unless the mount holds
     * it, and then the unmount releases it */
    close(fd);
    return ret;
}

int loop_probe_fstype(const char *file, unsigned long long offset, const char **fstype)
{
    unsigned char sb[2048];
    ssize_t len;
    int fd;

    *fstype = NULL;
    if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) return -errno;
    len = pread(fd, sb, sizeof(sb), offset);
    close(fd);
    if (len < 0) return -errno;
    if (len >= 4 && !memcmp(sb, "XFSB", 4)) *fstype = "xfs";
    else if (len >= 1082 && sb[1080] == 0x53 && sb[1081] == 0xef) *fstype = "ext4";
    return *fstype ? 0 : -EOPNOTSUPP;
}
