/*
 * test_provider_blockimage.c: the block-image provider on ext4 and xfs file
 * systems whose images sit on a btrfs file system, all on loop devices: the
 * volume is frozen, its image cloned, the clone mounted read-only; it holds
 * the point in time, is found again, exposed, reverted and deleted
 * (DESIGN.md §5; VSS-FACTS.md §1.3 for the steps).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "lib/fsfixture.h"
#include "providers/loopdev.h"
#include "providers/mounts.h"
#include "providers/provider.h"
#include "providers/snapname.h"

static struct fsfixture *outer, *ext4, *xfs;

static int init(void)
{
    if (umbra_require_root()) return -1;
    if (!(outer = fsfixture_create("btrfs", 1024, NULL, NULL))) return -1;
    if (!(ext4 = fsfixture_create("ext4", 64, outer->mnt, NULL))) return -1;
    if (!(xfs = fsfixture_create("xfs", 320, outer->mnt, NULL))) return -1;
    return 0;
}

static int cleanup(void)
{
    fsfixture_destroy(ext4);
    fsfixture_destroy(xfs);
    fsfixture_destroy(outer);
    return 0;
}

static const char *join(char *buf, const char *dir, const char *name)
{
    snprintf(buf, PATH_MAX, "%s/%s", dir, name);
    return buf;
}

struct find_ctx { const char *want; int found; };
static int find_cb(void *ctx, const char *data)
{
    struct find_ctx *f = ctx;
    if (!strcmp(f->want, data)) f->found++;
    return 0;
}

/* The loop device of a deleted clone goes with its last user; wait for that. */
static int clone_detached(const char *clone)
{
    struct timespec ts = { 0, 100000000 };
    char dev[64];
    int i;

    for (i = 0; i < 100; i++)
    {
        if (loop_find_by_backing(clone, dev, sizeof(dev)) == -ENOENT) return 1;
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void test_supported(void)
{
    struct vss_volume vol;
    int err = 1;

    CU_ASSERT_EQUAL_FATAL(volume_from_path(ext4->mnt, &vol), 0);
    CU_ASSERT_EQUAL(blockimage_provider.is_supported(&vol), 0);
    CU_ASSERT_PTR_EQUAL(provider_choose(&vol, &err), &blockimage_provider);
    CU_ASSERT_EQUAL(err, 0);
    volume_free(&vol);
    /* the btrfs image itself lives on a file system without reflinks */
    CU_ASSERT_EQUAL_FATAL(volume_from_path(outer->mnt, &vol), 0);
    CU_ASSERT_EQUAL(blockimage_provider.is_supported(&vol), -EOPNOTSUPP);
    CU_ASSERT_PTR_EQUAL(provider_choose(&vol, NULL), &btrfs_provider);
    volume_free(&vol);
}

static void roundtrip(struct fsfixture *fs)
{
    char p[PATH_MAX], clone[PATH_MAX], record_dir[PATH_MAX], *text, *root = NULL;
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    struct find_ctx find;
    struct stat st;
    int fd;

    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, fs->mnt, "before.txt"), "written before"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&blockimage_provider, fs->mnt, &set), 0);
    CU_ASSERT_EQUAL(snap->freeze, PROVIDER_FREEZE_FIFREEZE);
    CU_ASSERT_EQUAL(snap->flags & PROVIDER_WRITER_CONSISTENT_ONLY, 0);
    /* records and clone on the backing file's file system */
    CU_ASSERT_STRING_EQUAL(snap->record_dir, join(record_dir, outer->mnt, SNAPSHOTS_DIR));
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap->root);
    CU_ASSERT_EQUAL(mount_is_mount_point(snap->root), 1);
    snprintf(clone, sizeof(clone), "%s.img", snap->root);
    CU_ASSERT_EQUAL(stat(clone, &st), 0);
    CU_ASSERT(S_ISREG(st.st_mode));

    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, fs->mnt, "before.txt"), "changed after"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, fs->mnt, "after.txt"), "new"), 0);
    text = fsfixture_read_file(join(p, snap->root, "before.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "written before");
    free(text);
    CU_ASSERT_EQUAL(access(join(p, snap->root, "after.txt"), F_OK), -1);
    fd = open(join(p, snap->root, "before.txt"), O_WRONLY);
    CU_ASSERT_EQUAL(fd, -1);
    CU_ASSERT_EQUAL(errno, EROFS);
    if (fd >= 0) close(fd);

    CU_ASSERT_EQUAL(blockimage_provider.exists(snap->record_dir, snap->private_data), 1);
    CU_ASSERT_EQUAL(blockimage_provider.root(snap->record_dir, snap->private_data, &root), 0);
    if (root) CU_ASSERT_STRING_EQUAL(root, snap->root);
    free(root);
    find.want = snap->private_data;
    find.found = 0;
    CU_ASSERT_EQUAL(blockimage_provider.scan(snap->record_dir, find_cb, &find), 0);
    CU_ASSERT_EQUAL(find.found, 1);

    /* after a reboot the mount is gone; activate mounts the clone again */
    CU_ASSERT_EQUAL(umount2(snap->root, 0), 0);
    CU_ASSERT_EQUAL(blockimage_provider.activate(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(blockimage_provider.activate(snap->record_dir, snap->private_data), 0);
    text = fsfixture_read_file(join(p, snap->root, "before.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);

    CU_ASSERT_EQUAL(blockimage_provider.delete(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(blockimage_provider.exists(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(access(clone, F_OK), -1);
    CU_ASSERT_EQUAL(access(snap->root, F_OK), -1);
    CU_ASSERT(clone_detached(clone));
    CU_ASSERT_EQUAL(blockimage_provider.delete(snap->record_dir, snap->private_data), -ENOENT);
    fsfixture_set_free(&set);
    unlink(join(p, fs->mnt, "after.txt"));
}

static void test_roundtrip_ext4(void)
{
    roundtrip(ext4);
}

static void test_roundtrip_xfs(void)
{
    roundtrip(xfs);
}

static void test_two_volumes_one_hold(void)
{
    const char *paths[] = { ext4->mnt, xfs->mnt };
    struct fsfixture_set set;
    char p[PATH_MAX], *text;
    unsigned int i;

    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, ext4->mnt, "set.txt"), "ext4 in a set"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, xfs->mnt, "set.txt"), "xfs in a set"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot_set(&blockimage_provider, paths, 2, 0, &set), 0);
    text = fsfixture_read_file(join(p, set.snaps[0].root, "set.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "ext4 in a set");
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    text = fsfixture_read_file(join(p, set.snaps[1].root, "set.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "xfs in a set");
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 0);
    for (i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(blockimage_provider.delete(set.snaps[i].record_dir, set.snaps[i].private_data), 0);
    fsfixture_set_free(&set);
}

static void test_expose(void)
{
    char dir[PATH_MAX], p[PATH_MAX], *text;
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];

    snprintf(dir, sizeof(dir), "%s/blockimage-expose", umbra_test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, ext4->mnt, "exposed.txt"), "exposed"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&blockimage_provider, ext4->mnt, &set), 0);
    CU_ASSERT_EQUAL(blockimage_provider.expose(snap->record_dir, snap->private_data, dir, 1), 0);
    text = fsfixture_read_file(join(p, dir, "exposed.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "exposed");
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, dir, "x"), "x"), -EROFS);
    CU_ASSERT_EQUAL(blockimage_provider.expose(snap->record_dir, snap->private_data, dir, 0), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(blockimage_provider.unexpose(snap->record_dir, snap->private_data, dir), 0);
    CU_ASSERT_EQUAL(mount_is_mount_point(dir), 0);
    CU_ASSERT_EQUAL(blockimage_provider.delete(snap->record_dir, snap->private_data), 0);
    fsfixture_set_free(&set);
    rmdir(dir);
}

static void test_revert(void)
{
    char p[PATH_MAX], *text;
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    int fd;

    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, ext4->mnt, "r.txt"), "original"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&blockimage_provider, ext4->mnt, &set), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, ext4->mnt, "r.txt"), "changed"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, ext4->mnt, "r-new.txt"), "new"), 0);

    /* a file open on the volume: in use (VSS-FACTS.md §2.1 R29), and even with
     * force, since the file system cannot be unmounted under it */
    fd = open(join(p, ext4->mnt, "r.txt"), O_RDONLY);
    CU_ASSERT(fd >= 0);
    CU_ASSERT_EQUAL(blockimage_provider.revert(snap->record_dir, snap->private_data, 0), -EBUSY);
    CU_ASSERT_EQUAL(blockimage_provider.revert(snap->record_dir, snap->private_data, 1), -EBUSY);
    if (fd >= 0) close(fd);
    CU_ASSERT_EQUAL(mount_is_mount_point(ext4->mnt), 1);

    CU_ASSERT_EQUAL(blockimage_provider.revert(snap->record_dir, snap->private_data, 0), 0);
    CU_ASSERT_EQUAL(mount_is_mount_point(ext4->mnt), 1);
    text = fsfixture_read_file(join(p, ext4->mnt, "r.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "original");
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    CU_ASSERT_EQUAL(access(join(p, ext4->mnt, "r-new.txt"), F_OK), -1);
    CU_ASSERT_EQUAL(fsfixture_write_file(join(p, ext4->mnt, "r.txt"), "writable"), 0);
    CU_ASSERT_EQUAL(blockimage_provider.delete(snap->record_dir, snap->private_data), 0);
    fsfixture_set_free(&set);
}

static void test_nested_set(void)
{
    struct fsfixture *inner;
    struct fsfixture_set set;
    const char *paths[2];
    int ret;

    /* an ext4 image on the xfs volume: both in one set would clone onto a
     * file system frozen for the same hold */
    inner = fsfixture_create("ext4", 16, xfs->mnt, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inner);
    paths[0] = xfs->mnt;
    paths[1] = inner->mnt;
    ret = fsfixture_snapshot_set(&blockimage_provider, paths, 2, 0, &set);
    CU_ASSERT_EQUAL(ret, -ELOOP);
    CU_ASSERT_STRING_EQUAL(set.failed_step ? set.failed_step : "", "end_prepare");
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 0);
    fsfixture_set_free(&set);
    /* alone, the inner one is fine */
    CU_ASSERT_EQUAL(fsfixture_snapshot(&blockimage_provider, inner->mnt, &set), 0);
    if (set.snaps[0].private_data)
        CU_ASSERT_EQUAL(blockimage_provider.delete(set.snaps[0].record_dir, set.snaps[0].private_data), 0);
    fsfixture_set_free(&set);
    fsfixture_destroy(inner);
}

static void test_bad_private_data(void)
{
    char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s/%s", outer->mnt, SNAPSHOTS_DIR);
    CU_ASSERT_EQUAL(blockimage_provider.delete(dir, "provider=blockimage\nname=../x.img\nimage=a\nfstype=ext4\noffset=0\nsizelimit=0\n"), -EINVAL);
    CU_ASSERT_EQUAL(blockimage_provider.delete(dir, "provider=blockimage\nname=a@GMT-2020.01.01-00.00.00.img\nimage=../a\nfstype=ext4\noffset=0\nsizelimit=0\n"), -EINVAL);
    CU_ASSERT_EQUAL(blockimage_provider.delete(dir, "provider=blockimage\nname=a@GMT-2020.01.01-00.00.00.img\nimage=a\nfstype=vfat\noffset=0\nsizelimit=0\n"), -EINVAL);
    CU_ASSERT_EQUAL(blockimage_provider.delete(dir, "provider=blockimage\nname=a@GMT-2020.01.01-00.00.00.img\n"), -EINVAL);
    CU_ASSERT_EQUAL(blockimage_provider.exists(dir, "provider=blockimage\nname=a@GMT-2020.01.01-00.00.00.img\nimage=a\nfstype=ext4\noffset=0\nsizelimit=0\n"), 0);
}

static CU_TestInfo blockimage_tests[] =
{
    { "supported", test_supported },
    { "roundtrip_ext4", test_roundtrip_ext4 },
    { "roundtrip_xfs", test_roundtrip_xfs },
    { "two_volumes_one_hold", test_two_volumes_one_hold },
    { "expose", test_expose },
    { "revert", test_revert },
    { "nested_set", test_nested_set },
    { "bad_private_data", test_bad_private_data },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(provider_blockimage, init, cleanup, blockimage_tests);
