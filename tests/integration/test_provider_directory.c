/*
 * test_provider_directory.c: the directory provider (the default, VSS_PROV_SYSTEM)
 * on real file systems: a reflink copy on xfs, a byte copy on ext4, what a copy
 * keeps, read-only protection as root and without root, ENOSPC leaving nothing
 * behind, revert, and finding snapshots again (DESIGN.md §5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include "harness.h"
#include "lib/fsfixture.h"
#include "providers/provider.h"
#include "providers/snapname.h"

static struct fsfixture *xfs, *ext4;

static int init(void)
{
    if (umbra_require_root()) return -1;
    if (!(xfs = fsfixture_create("xfs", 320, NULL, NULL))) return -1;
    if (!(ext4 = fsfixture_create("ext4", 64, NULL, NULL))) return -1;
    return 0;
}

static int cleanup(void)
{
    fsfixture_destroy(xfs);
    fsfixture_destroy(ext4);
    return 0;
}

static const char *join(char *buf, const char *dir, const char *name)
{
    snprintf(buf, PATH_MAX, "%s/%s", dir, name);
    return buf;
}

/* Does the file's first extent share its blocks with another file (a reflink)? */
static int first_extent_shared(const char *path)
{
    struct { struct fiemap map; struct fiemap_extent extent[1]; } fm;
    int fd = open(path, O_RDONLY), ret = -1;

    if (fd < 0) return -1;
    memset(&fm, 0, sizeof(fm));
    fm.map.fm_length = FIEMAP_MAX_OFFSET;
    fm.map.fm_flags = FIEMAP_FLAG_SYNC;
    fm.map.fm_extent_count = 1;
    if (!ioctl(fd, FS_IOC_FIEMAP, &fm.map) && fm.map.fm_mapped_extents == 1)
        ret = !!(fm.extent[0].fe_flags & FIEMAP_EXTENT_SHARED);
    close(fd);
    return ret;
}

static int count_gmt_entries(const char *record_dir)
{
    struct dirent *entry;
    DIR *dir = opendir(record_dir);
    int count = 0;

    if (!dir) return -1;
    while ((entry = readdir(dir)))
        if (!strncmp(entry->d_name, "@GMT-", 5)) count++;
    closedir(dir);
    return count;
}

static int count_cb(void *ctx, const char *data)
{
    (void)data;
    (*(int *)ctx)++;
    return 0;
}

struct find_ctx { const char *want; int found; };
static int find_cb(void *ctx, const char *data)
{
    struct find_ctx *f = ctx;
    if (!strcmp(f->want, data)) f->found++;
    return 0;
}

static void test_supported(void)
{
    struct vss_volume vol;
    char path[PATH_MAX];
    int err;

    CU_ASSERT_PTR_EQUAL(provider_default(), &directory_provider);
    CU_ASSERT_EQUAL(directory_provider.type, PROVIDER_TYPE_SYSTEM);
    CU_ASSERT(directory_provider.flags & PROVIDER_WRITER_CONSISTENT_ONLY);

    CU_ASSERT_EQUAL_FATAL(volume_from_path(xfs->mnt, &vol), 0);
    CU_ASSERT_EQUAL(directory_provider.is_supported(&vol), 0);
    /* xfs is no btrfs and its loop image sits on a file system without reflinks */
    CU_ASSERT_PTR_EQUAL(provider_choose(&vol, &err), &directory_provider);
    volume_free(&vol);

    /* snapshots are no volumes */
    CU_ASSERT_EQUAL_FATAL(mkdir(join(path, xfs->mnt, SNAPSHOTS_DIR), 0755), 0);
    CU_ASSERT_EQUAL_FATAL(volume_from_path(path, &vol), 0);
    CU_ASSERT_EQUAL(directory_provider.is_supported(&vol), -EOPNOTSUPP);
    volume_free(&vol);
    rmdir(path);
    CU_ASSERT_EQUAL(directory_provider.is_supported(NULL), -EOPNOTSUPP);
}

static void test_reflink_copy(void)
{
    char vol[PATH_MAX], p[PATH_MAX], q[PATH_MAX], target[64], *text, *root = NULL;
    struct timespec times[2] = { { 1000000000, 0 }, { 1200000000, 0 } };
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    struct find_ctx find;
    struct stat st, st2;
    int fd;

    snprintf(vol, sizeof(vol), "%s/data", xfs->mnt);
    CU_ASSERT_EQUAL_FATAL(mkdir(vol, 0755), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "before.txt"), "written before"), 0);
    CU_ASSERT_EQUAL(chmod(p, 0640), 0);
    CU_ASSERT_EQUAL(utimensat(AT_FDCWD, p, times, 0), 0);
    CU_ASSERT_EQUAL(mkdir(join(p, vol, "sub"), 0711), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "sub/inner.txt"), "inner"), 0);
    CU_ASSERT_EQUAL(symlink("sub/inner.txt", join(p, vol, "link")), 0);
    CU_ASSERT_EQUAL(mkfifo(join(p, vol, "fifo"), 0600), 0);
    CU_ASSERT_EQUAL(link(join(p, vol, "before.txt"), join(q, vol, "hardlink")), 0);
    CU_ASSERT_EQUAL(chown(join(p, vol, "sub/inner.txt"), 1234, 5678), 0);

    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&directory_provider, vol, &set), 0);
    CU_ASSERT_EQUAL(snap->freeze, PROVIDER_FREEZE_SYNC);
    CU_ASSERT(snap->flags & PROVIDER_WRITER_CONSISTENT_ONLY);
    CU_ASSERT_STRING_EQUAL(snap->record_dir, join(p, vol, SNAPSHOTS_DIR));
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap->root);
    CU_ASSERT_PTR_NOT_NULL(strstr(snap->private_data, "protect=bind"));

    /* later changes stay out */
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "before.txt"), "changed after"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "after.txt"), "new"), 0);
    text = fsfixture_read_file(join(p, snap->root, "before.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "written before");
    free(text);
    CU_ASSERT_EQUAL(access(join(p, snap->root, "after.txt"), F_OK), -1);
    CU_ASSERT_EQUAL(access(join(p, snap->root, SNAPSHOTS_DIR), F_OK), -1);

    /* what a copy keeps */
    CU_ASSERT_EQUAL(stat(join(p, snap->root, "hardlink"), &st), 0);
    CU_ASSERT_EQUAL(st.st_nlink, 1);               /* hard links become copies */
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
    CU_ASSERT_EQUAL(st.st_mtim.tv_sec, 1200000000);
    CU_ASSERT_EQUAL(stat(join(p, snap->root, "sub"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0711);
    CU_ASSERT_EQUAL(stat(join(p, snap->root, "sub/inner.txt"), &st), 0);
    CU_ASSERT_EQUAL(st.st_uid, 1234);
    CU_ASSERT_EQUAL(st.st_gid, 5678);
    CU_ASSERT_EQUAL(lstat(join(p, snap->root, "link"), &st), 0);
    CU_ASSERT(S_ISLNK(st.st_mode));
    memset(target, 0, sizeof(target));
    CU_ASSERT_EQUAL(readlink(join(p, snap->root, "link"), target, sizeof(target) - 1), 13);
    CU_ASSERT_STRING_EQUAL(target, "sub/inner.txt");
    CU_ASSERT_EQUAL(lstat(join(p, snap->root, "fifo"), &st), 0);
    CU_ASSERT(S_ISFIFO(st.st_mode));
    /* xfs has reflinks: the copy shares its data with the volume's file */
    CU_ASSERT_EQUAL(first_extent_shared(join(p, snap->root, "sub/inner.txt")), 1);
    CU_ASSERT_EQUAL(stat(join(p, snap->root, "sub/inner.txt"), &st), 0);
    CU_ASSERT_EQUAL(stat(join(q, vol, "sub/inner.txt"), &st2), 0);
    CU_ASSERT_NOT_EQUAL(st.st_ino, st2.st_ino);

    /* read-only, even for root (a read-only bind mount) */
    fd = open(join(p, snap->root, "sub/inner.txt"), O_WRONLY);
    CU_ASSERT_EQUAL(fd, -1);
    CU_ASSERT_EQUAL(errno, EROFS);
    if (fd >= 0) close(fd);
    CU_ASSERT_EQUAL(unlink(join(p, snap->root, "before.txt")), -1);
    CU_ASSERT_EQUAL(errno, EROFS);

    CU_ASSERT_EQUAL(directory_provider.exists(snap->record_dir, snap->private_data), 1);
    CU_ASSERT_EQUAL(directory_provider.root(snap->record_dir, snap->private_data, &root), 0);
    if (root) CU_ASSERT_STRING_EQUAL(root, snap->root);
    free(root);
    find.want = snap->private_data;
    find.found = 0;
    CU_ASSERT_EQUAL(directory_provider.scan(snap->record_dir, find_cb, &find), 0);
    CU_ASSERT_EQUAL(find.found, 1);

    /* after a reboot the bind mount is gone; activate puts it back */
    CU_ASSERT_EQUAL(umount2(snap->root, 0), 0);
    CU_ASSERT_EQUAL(directory_provider.activate(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(directory_provider.activate(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, snap->root, "x"), "x"), -EROFS);

    CU_ASSERT_EQUAL(directory_provider.delete(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(directory_provider.exists(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(count_gmt_entries(snap->record_dir), 0);
    CU_ASSERT_EQUAL(directory_provider.delete(snap->record_dir, snap->private_data), -ENOENT);
    fsfixture_set_free(&set);
}

static void test_byte_copy(void)
{
    char vol[PATH_MAX], p[PATH_MAX], *text;
    struct fsfixture_set set;
    struct stat st;
    int fd;

    snprintf(vol, sizeof(vol), "%s/bytes", ext4->mnt);
    CU_ASSERT_EQUAL_FATAL(mkdir(vol, 0755), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "file.txt"), "plain copy"), 0);
    /* a sparse file: 8 MiB with one byte of data stays small in the copy */
    fd = open(join(p, vol, "sparse"), O_WRONLY | O_CREAT, 0644);
    CU_ASSERT(fd >= 0);
    CU_ASSERT_EQUAL(pwrite(fd, "z", 1, 8 << 20), 1);
    close(fd);

    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&directory_provider, vol, &set), 0);
    text = fsfixture_read_file(join(p, set.snaps[0].root, "file.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "plain copy");
    free(text);
    CU_ASSERT_EQUAL(stat(join(p, set.snaps[0].root, "sparse"), &st), 0);
    CU_ASSERT_EQUAL(st.st_size, (8 << 20) + 1);
    CU_ASSERT(st.st_blocks * 512 < (1 << 20));
    CU_ASSERT_EQUAL(directory_provider.delete(set.snaps[0].record_dir, set.snaps[0].private_data), 0);
    fsfixture_set_free(&set);
}

static void test_enospc(void)
{
    static const char *const tiny_args[] = { "-b", "4096", "-m", "0", NULL };
    char vol[PATH_MAX], p[PATH_MAX], *buf;
    struct fsfixture *tiny;
    struct fsfixture_set set;
    int fd, ret;

    /* 24 MiB of ext4 (no reflinks) holding a 14 MiB file: a second copy cannot fit */
    tiny = fsfixture_create("ext4", 24, NULL, tiny_args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tiny);
    snprintf(vol, sizeof(vol), "%s", tiny->mnt);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "small.txt"), "small"), 0);
    buf = malloc(1 << 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    memset(buf, 0x5a, 1 << 20);
    fd = open(join(p, vol, "big"), O_WRONLY | O_CREAT, 0644);
    CU_ASSERT(fd >= 0);
    for (ret = 0; ret < 14; ret++) CU_ASSERT_EQUAL(write(fd, buf, 1 << 20), 1 << 20);
    close(fd);
    free(buf);

    ret = fsfixture_snapshot(&directory_provider, vol, &set);
    CU_ASSERT_EQUAL(ret, -ENOSPC);
    CU_ASSERT_STRING_EQUAL(set.failed_step ? set.failed_step : "", "pre_commit");
    /* no partial snapshot is left, and the volume is untouched */
    CU_ASSERT_EQUAL(count_gmt_entries(join(p, vol, SNAPSHOTS_DIR)), 0);
    buf = fsfixture_read_file(join(p, vol, "small.txt"));
    CU_ASSERT_PTR_NOT_NULL(buf);
    if (buf) CU_ASSERT_STRING_EQUAL(buf, "small");
    free(buf);
    fsfixture_set_free(&set);
    fsfixture_destroy(tiny);
}

static void test_revert(void)
{
    char vol[PATH_MAX], p[PATH_MAX], *text;
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    struct stat st;
    int fd;

    snprintf(vol, sizeof(vol), "%s/revert", xfs->mnt);
    CU_ASSERT_EQUAL_FATAL(mkdir(vol, 0755), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "a.txt"), "original a"), 0);
    CU_ASSERT_EQUAL(mkdir(join(p, vol, "d"), 0700), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "d/b.txt"), "original b"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&directory_provider, vol, &set), 0);

    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "a.txt"), "changed"), 0);
    CU_ASSERT_EQUAL(unlink(join(p, vol, "d/b.txt")), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "new.txt"), "new"), 0);

    /* in use without force (VSS-FACTS.md §2.1 R29) */
    fd = open(join(p, vol, "a.txt"), O_RDONLY);
    CU_ASSERT_EQUAL(directory_provider.revert(snap->record_dir, snap->private_data, 0), -EBUSY);
    if (fd >= 0) close(fd);
    CU_ASSERT_EQUAL(access(join(p, vol, "new.txt"), F_OK), 0);

    CU_ASSERT_EQUAL(directory_provider.revert(snap->record_dir, snap->private_data, 0), 0);
    text = fsfixture_read_file(join(p, vol, "a.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "original a");
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    text = fsfixture_read_file(join(p, vol, "d/b.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "original b");
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    CU_ASSERT_EQUAL(access(join(p, vol, "new.txt"), F_OK), -1);
    CU_ASSERT_EQUAL(stat(join(p, vol, "d"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
    /* the reverted volume is writable again, the snapshot still read-only */
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "a.txt"), "writable"), 0);
    CU_ASSERT_EQUAL(directory_provider.exists(snap->record_dir, snap->private_data), 1);
    CU_ASSERT_EQUAL(directory_provider.delete(snap->record_dir, snap->private_data), 0);
    fsfixture_set_free(&set);
}

/* Without root: protection by modes, undone by revert.  Runs in a child as
 * "nobody"; each failed check exits with its own code. */
static int unprivileged_child(const char *vol)
{
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    char p[PATH_MAX], modes[PATH_MAX];
    struct stat st;
    int fd;

    if (setgid(65534) || setuid(65534)) return 10;
    if (fsfixture_snapshot(&directory_provider, vol, &set))
    {
        fprintf(stderr, "snapshot as nobody failed at %s\n", set.failed_step);
        return 11;
    }
    if (!strstr(snap->private_data, "protect=chmod")) return 12;
    if (stat(join(p, snap->root, "mine.txt"), &st) || (st.st_mode & 0222)) return 13;
    if ((fd = open(join(p, snap->root, "mine.txt"), O_WRONLY)) >= 0 || errno != EACCES) return 14;
    snprintf(modes, sizeof(modes), "%s.modes", snap->root);
    if (access(modes, F_OK)) return 15;
    if (fsfixture_write_file(join(p, snap->root, "new"), "x") != -EACCES) return 16;
    if (fsfixture_write_file(join(p, vol, "mine.txt"), "changed")) return 17;
    if (directory_provider.revert(snap->record_dir, snap->private_data, 1)) return 18;
    /* the modes it had came back with the content */
    if (stat(join(p, vol, "mine.txt"), &st) || (st.st_mode & 07777) != 0620) return 19;
    if (stat(vol, &st) || (st.st_mode & 07777) != 0755) return 20;
    if (directory_provider.delete(snap->record_dir, snap->private_data)) return 21;
    if (!access(modes, F_OK) || !access(snap->root, F_OK)) return 22;
    fsfixture_set_free(&set);
    return 0;
}

static void test_unprivileged(void)
{
    char vol[PATH_MAX], p[PATH_MAX];
    int status = -1;
    pid_t pid;

    /* nobody must be able to reach the volume through the private tmpdir */
    CU_ASSERT_EQUAL(chmod(umbra_test_tmpdir(), 0711), 0);
    snprintf(vol, sizeof(vol), "%s/nobody", ext4->mnt);
    CU_ASSERT_EQUAL_FATAL(mkdir(vol, 0755), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "mine.txt"), "user data"), 0);
    CU_ASSERT_EQUAL(chmod(p, 0620), 0);
    CU_ASSERT_EQUAL(chown(p, 65534, 65534), 0);
    CU_ASSERT_EQUAL(chown(vol, 65534, 65534), 0);
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid) _exit(unprivileged_child(vol));   /* _exit: the parent's atexit cleanup is not ours */
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status));
    if (WEXITSTATUS(status)) fprintf(stderr, "unprivileged child failed check %d\n", WEXITSTATUS(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

static void test_scan_reports_unrecorded(void)
{
    char vol[PATH_MAX], dir[PATH_MAX], p[PATH_MAX];
    int count = 0;

    /* a copy cut short by a crash has no record: scan must still report it */
    snprintf(vol, sizeof(vol), "%s/orphan", xfs->mnt);
    CU_ASSERT_EQUAL_FATAL(mkdir(vol, 0755), 0);
    CU_ASSERT_EQUAL(mkdir(join(dir, vol, SNAPSHOTS_DIR), 0755), 0);
    CU_ASSERT_EQUAL(mkdir(join(p, dir, "@GMT-2020.01.02-03.04.05"), 0700), 0);
    CU_ASSERT_EQUAL(mkdir(join(p, dir, "not-a-snapshot"), 0700), 0);
    CU_ASSERT_EQUAL(directory_provider.scan(dir, count_cb, &count), 0);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(directory_provider.delete(dir, "provider=directory\nname=@GMT-2020.01.02-03.04.05\nprotect=bind\n"), 0);
    count = 0;
    CU_ASSERT_EQUAL(directory_provider.scan(dir, count_cb, &count), 0);
    CU_ASSERT_EQUAL(count, 0);
    CU_ASSERT_EQUAL(directory_provider.delete(dir, "provider=directory\nname=not-a-snapshot\nprotect=bind\n"), -EINVAL);
    CU_ASSERT_EQUAL(access(join(p, dir, "not-a-snapshot"), F_OK), 0);
}

static void test_mount_inside(void)
{
    char vol[PATH_MAX], p[PATH_MAX], inner[PATH_MAX];
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    struct stat st;

    /* another file system mounted in the volume is not part of it: the copy holds
     * an empty directory there, and revert refuses to empty the volume across it */
    snprintf(vol, sizeof(vol), "%s/withmount", xfs->mnt);
    CU_ASSERT_EQUAL_FATAL(mkdir(vol, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(join(inner, vol, "inner"), 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mount("tmpfs", inner, "tmpfs", 0, "size=1m"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, inner, "other-fs.txt"), "not ours"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, vol, "ours.txt"), "ours"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&directory_provider, vol, &set), 0);
    CU_ASSERT_EQUAL(stat(join(p, snap->root, "inner"), &st), 0);
    CU_ASSERT(S_ISDIR(st.st_mode));
    CU_ASSERT_EQUAL(access(join(p, snap->root, "inner/other-fs.txt"), F_OK), -1);
    CU_ASSERT_EQUAL(access(join(p, snap->root, "ours.txt"), F_OK), 0);
    CU_ASSERT_EQUAL(directory_provider.revert(snap->record_dir, snap->private_data, 1), -EBUSY);
    CU_ASSERT_EQUAL(access(join(p, inner, "other-fs.txt"), F_OK), 0);
    CU_ASSERT_EQUAL(access(join(p, vol, "ours.txt"), F_OK), 0);    /* nothing was emptied */
    CU_ASSERT_EQUAL(umount2(inner, 0), 0);
    CU_ASSERT_EQUAL(directory_provider.delete(snap->record_dir, snap->private_data), 0);
    fsfixture_set_free(&set);
}

static CU_TestInfo directory_tests[] =
{
    { "supported", test_supported },
    { "reflink_copy", test_reflink_copy },
    { "byte_copy", test_byte_copy },
    { "enospc", test_enospc },
    { "revert", test_revert },
    { "unprivileged", test_unprivileged },
    { "scan_reports_unrecorded", test_scan_reports_unrecorded },
    { "mount_inside", test_mount_inside },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(provider_directory, init, cleanup, directory_tests);
