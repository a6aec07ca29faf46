/*
 * test_provider_btrfs.c: the btrfs provider on a real btrfs file system on a
 * loop device: snapshots hold the data of their point in time, are read-only,
 * are found again from their private data, exposed, reverted and deleted
 * (DESIGN.md §5; VSS-FACTS.md §1.3 for the order of the provider steps).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "lib/fsfixture.h"
#include "providers/provider.h"
#include "providers/snapname.h"

static struct fsfixture *fs;

static int init(void)
{
    if (umbra_require_root()) return -1;
    if (!(fs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return 0;
}

static int cleanup(void)
{
    fsfixture_destroy(fs);
    return 0;
}

static char *path_in(const char *dir, const char *name)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    snprintf(buf, PATH_MAX, "%s/%s", dir, name);
    return buf;
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
    const struct provider *p;
    int err = 1;

    CU_ASSERT_EQUAL_FATAL(volume_from_path(fs->mnt, &vol), 0);
    CU_ASSERT_EQUAL(vol.ino, 256);
    CU_ASSERT_EQUAL(btrfs_provider.is_supported(&vol), 0);
    p = provider_choose(&vol, &err);
    CU_ASSERT_PTR_EQUAL(p, &btrfs_provider);
    CU_ASSERT_EQUAL(err, 0);
    volume_free(&vol);

    /* a directory that is no subvolume: not btrfs's, the directory provider's */
    CU_ASSERT_EQUAL_FATAL(mkdir(path_in(fs->mnt, "plain"), 0755), 0);
    CU_ASSERT_EQUAL_FATAL(volume_from_path(path_in(fs->mnt, "plain"), &vol), 0);
    CU_ASSERT_EQUAL(btrfs_provider.is_supported(&vol), -EOPNOTSUPP);
    CU_ASSERT_PTR_EQUAL(provider_choose(&vol, NULL), &directory_provider);
    volume_free(&vol);
    rmdir(path_in(fs->mnt, "plain"));
    CU_ASSERT_EQUAL(btrfs_provider.is_supported(NULL), -EOPNOTSUPP);
}

static void test_roundtrip(void)
{
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    char *text, *root = NULL, expected_dir[PATH_MAX];
    struct find_ctx find;
    struct stat st;
    time_t t;
    int fd, ret;

    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(path_in(fs->mnt, "before.txt"), "written before"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(path_in(fs->mnt, "kept.txt"), "kept"), 0);
    ret = fsfixture_snapshot(&btrfs_provider, fs->mnt, &set);
    CU_ASSERT_EQUAL_FATAL(ret, 0);
    CU_ASSERT_EQUAL(snap->freeze, PROVIDER_FREEZE_NONE);   /* the ioctl is the point in time, and flushes */
    CU_ASSERT_EQUAL(snap->flags & PROVIDER_WRITER_CONSISTENT_ONLY, 0);
    CU_ASSERT(snap->created.tv_sec > 0);
    snprintf(expected_dir, sizeof(expected_dir), "%s/%s", fs->mnt, SNAPSHOTS_DIR);
    CU_ASSERT_STRING_EQUAL(snap->record_dir, expected_dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap->root);
    CU_ASSERT_NSTRING_EQUAL(snap->root, expected_dir, strlen(expected_dir));
    CU_ASSERT_EQUAL(snapname_parse(strrchr(snap->root, '/') + 1, &t), 0);
    CU_ASSERT(t >= snap->created.tv_sec);
    CU_ASSERT_PTR_NULL(snap->state);

    /* changes after the snapshot do not reach it */
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(fs->mnt, "before.txt"), "changed after"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(fs->mnt, "after.txt"), "new"), 0);
    text = fsfixture_read_file(path_in(snap->root, "before.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "written before");
    free(text);
    CU_ASSERT_EQUAL(access(path_in(snap->root, "after.txt"), F_OK), -1);
    CU_ASSERT_EQUAL(lstat(path_in(snap->root, SNAPSHOTS_DIR), &st), 0);  /* an empty stand-in */

    /* read-only, even for root */
    fd = open(path_in(snap->root, "kept.txt"), O_WRONLY);
    CU_ASSERT_EQUAL(fd, -1);
    CU_ASSERT_EQUAL(errno, EROFS);
    if (fd >= 0) close(fd);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(snap->root, "x"), "x"), -EROFS);

    /* found again from the record's strings */
    CU_ASSERT_EQUAL(btrfs_provider.exists(snap->record_dir, snap->private_data), 1);
    CU_ASSERT_EQUAL(btrfs_provider.root(snap->record_dir, snap->private_data, &root), 0);
    if (root) CU_ASSERT_STRING_EQUAL(root, snap->root);
    free(root);
    find.want = snap->private_data;
    find.found = 0;
    CU_ASSERT_EQUAL(btrfs_provider.scan(snap->record_dir, find_cb, &find), 0);
    CU_ASSERT_EQUAL(find.found, 1);

    CU_ASSERT_EQUAL(btrfs_provider.delete(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(btrfs_provider.exists(snap->record_dir, snap->private_data), 0);
    CU_ASSERT_EQUAL(access(snap->root, F_OK), -1);
    CU_ASSERT_EQUAL(btrfs_provider.delete(snap->record_dir, snap->private_data), -ENOENT);
    fsfixture_set_free(&set);
    unlink(path_in(fs->mnt, "after.txt"));
}

static void test_same_second(void)
{
    struct fsfixture_set a, b;
    int count = 0;

    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&btrfs_provider, fs->mnt, &a), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&btrfs_provider, fs->mnt, &b), 0);
    /* names never collide; a name taken moves the next one a second on */
    CU_ASSERT_STRING_NOT_EQUAL(a.snaps[0].root, b.snaps[0].root);
    CU_ASSERT(strcmp(b.snaps[0].root, a.snaps[0].root) > 0);
    CU_ASSERT_EQUAL(btrfs_provider.scan(a.snaps[0].record_dir, count_cb, &count), 0);
    CU_ASSERT_EQUAL(count, 2);
    CU_ASSERT_EQUAL(btrfs_provider.delete(a.snaps[0].record_dir, a.snaps[0].private_data), 0);
    CU_ASSERT_EQUAL(btrfs_provider.delete(b.snaps[0].record_dir, b.snaps[0].private_data), 0);
    fsfixture_set_free(&a);
    fsfixture_set_free(&b);
}

static void test_abort_after_post_commit(void)
{
    struct fsfixture_set set;
    char *root;
    int count = 0;

    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&btrfs_provider, fs->mnt, &set), 0);
    root = strdup(set.snaps[0].root);
    CU_ASSERT_EQUAL(btrfs_provider.abort(&set.set), 0);
    CU_ASSERT_EQUAL(access(root, F_OK), -1);
    CU_ASSERT_EQUAL(btrfs_provider.scan(set.snaps[0].record_dir, count_cb, &count), 0);
    CU_ASSERT_EQUAL(count, 0);
    free(root);
    fsfixture_set_free(&set);
}

static void test_expose(void)
{
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    char dir[PATH_MAX], link[PATH_MAX], *text;

    snprintf(dir, sizeof(dir), "%s/btrfs-expose-dir", umbra_test_tmpdir());
    snprintf(link, sizeof(link), "%s/btrfs-expose-link", umbra_test_tmpdir());

    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(path_in(fs->mnt, "exposed.txt"), "exposed"), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&btrfs_provider, fs->mnt, &set), 0);

    /* a path that does not exist gets a symlink */
    CU_ASSERT_EQUAL(btrfs_provider.expose(snap->record_dir, snap->private_data, link, 1), 0);
    text = fsfixture_read_file(path_in(link, "exposed.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "exposed");
    free(text);
    CU_ASSERT_EQUAL(btrfs_provider.unexpose(snap->record_dir, snap->private_data, link), 0);
    CU_ASSERT_EQUAL(access(link, F_OK), -1);

    /* an empty directory gets a read-only bind mount */
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL(btrfs_provider.expose(snap->record_dir, snap->private_data, dir, 1), 0);
    text = fsfixture_read_file(path_in(dir, "exposed.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(dir, "x"), "x"), -EROFS);
    /* exposed twice at the same place: something is there */
    CU_ASSERT_EQUAL(btrfs_provider.expose(snap->record_dir, snap->private_data, dir, 1), -EEXIST);
    CU_ASSERT_EQUAL(btrfs_provider.unexpose(snap->record_dir, snap->private_data, dir), 0);
    CU_ASSERT_EQUAL(btrfs_provider.unexpose(snap->record_dir, snap->private_data, dir), -ENOENT);
    CU_ASSERT_EQUAL(access(path_in(dir, "exposed.txt"), F_OK), -1);
    rmdir(dir);

    /* read-write exposure is not offered */
    CU_ASSERT_EQUAL(btrfs_provider.expose(snap->record_dir, snap->private_data, link, 0), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(btrfs_provider.delete(snap->record_dir, snap->private_data), 0);
    /* gone: nothing to expose */
    CU_ASSERT_EQUAL(btrfs_provider.expose(snap->record_dir, snap->private_data, link, 1), -ENOENT);
    fsfixture_set_free(&set);
    unlink(path_in(fs->mnt, "exposed.txt"));
}

static void test_revert(void)
{
    char vol[PATH_MAX], create[PATH_MAX], *text;
    char *argv[] = { (char *)"btrfs", (char *)"-q", (char *)"subvolume", (char *)"create", create, NULL };
    struct fsfixture_set set;
    struct provider_snapshot *snap = &set.snaps[0];
    struct stat st;
    int fd;

    /* a subvolume that is neither the mount root nor the top level */
    snprintf(vol, sizeof(vol), "%s/revertvol", fs->mnt);
    snprintf(create, sizeof(create), "%s", vol);
    CU_ASSERT_EQUAL_FATAL(fsfixture_run(argv, NULL, 0), 0);
    CU_ASSERT_EQUAL(mkdir(path_in(vol, "dir"), 0750), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(vol, "dir/a.txt"), "original a"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(vol, "b.txt"), "original b"), 0);
    CU_ASSERT_EQUAL(symlink("dir/a.txt", path_in(vol, "link")), 0);
    CU_ASSERT_EQUAL_FATAL(fsfixture_snapshot(&btrfs_provider, vol, &set), 0);

    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(vol, "dir/a.txt"), "changed a"), 0);
    CU_ASSERT_EQUAL(unlink(path_in(vol, "b.txt")), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(vol, "c.txt"), "new c"), 0);

    /* a file open on the volume: in use without force (VSS-FACTS.md §2.1 R29) */
    fd = open(path_in(vol, "c.txt"), O_RDONLY);
    CU_ASSERT(fd >= 0);
    CU_ASSERT_EQUAL(btrfs_provider.revert(snap->record_dir, snap->private_data, 0), -EBUSY);
    text = fsfixture_read_file(path_in(vol, "c.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);   /* nothing was touched */
    free(text);
    if (fd >= 0) close(fd);

    CU_ASSERT_EQUAL(btrfs_provider.revert(snap->record_dir, snap->private_data, 0), 0);
    text = fsfixture_read_file(path_in(vol, "dir/a.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "original a");
    free(text);
    text = fsfixture_read_file(path_in(vol, "b.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "original b");
    free(text);
    CU_ASSERT_EQUAL(access(path_in(vol, "c.txt"), F_OK), -1);
    CU_ASSERT_EQUAL(lstat(path_in(vol, "link"), &st), 0);
    CU_ASSERT(S_ISLNK(st.st_mode));
    CU_ASSERT_EQUAL(stat(path_in(vol, "dir"), &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
    /* the snapshot and its storage stay for the caller */
    CU_ASSERT_EQUAL(btrfs_provider.exists(snap->record_dir, snap->private_data), 1);

    /* with force, open files do not stop it */
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(vol, "b.txt"), "again"), 0);
    fd = open(path_in(vol, "b.txt"), O_RDONLY);
    CU_ASSERT_EQUAL(btrfs_provider.revert(snap->record_dir, snap->private_data, 1), 0);
    if (fd >= 0) close(fd);
    text = fsfixture_read_file(path_in(vol, "b.txt"));
    if (text) CU_ASSERT_STRING_EQUAL(text, "original b");
    free(text);
    CU_ASSERT_EQUAL(btrfs_provider.delete(snap->record_dir, snap->private_data), 0);
    fsfixture_set_free(&set);
}

static void test_bad_private_data(void)
{
    char dir[PATH_MAX], *root = NULL;

    snprintf(dir, sizeof(dir), "%s/%s", fs->mnt, SNAPSHOTS_DIR);

    /* a damaged or forged record never makes us touch anything else */
    CU_ASSERT_EQUAL(btrfs_provider.delete(dir, "provider=btrfs\nname=../../etc\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(dir, "provider=btrfs\nname=somesubvol\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(dir, "provider=directory\nname=@GMT-2020.01.01-00.00.00\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(dir, ""), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(dir, "provider=btrfs\nname=@GMT-2020.01.01-00.00.00%00x\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(fs->mnt, "provider=btrfs\nname=@GMT-2020.01.01-00.00.00\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(NULL, "provider=btrfs\nname=@GMT-2020.01.01-00.00.00\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.delete(dir, NULL), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.exists(dir, "provider=btrfs\nname=@GMT-2020.13.01-00.00.00\n"), -EINVAL);
    CU_ASSERT_EQUAL(btrfs_provider.exists(dir, "provider=btrfs\nname=@GMT-2020.01.01-00.00.00\n"), 0);
    CU_ASSERT_EQUAL(btrfs_provider.root(dir, "provider=btrfs\n", &root), -EINVAL);
    CU_ASSERT_PTR_NULL(root);
    CU_ASSERT_EQUAL(btrfs_provider.revert(dir, "provider=btrfs\nname=@GMT-2020.01.01-00.00.00\n", 1), -ENOENT);
    CU_ASSERT_EQUAL(btrfs_provider.scan(path_in(fs->mnt, "nonexistent/.snapshots"), count_cb, NULL), -ENOENT);
}

static CU_TestInfo btrfs_tests[] =
{
    { "supported", test_supported },
    { "roundtrip", test_roundtrip },
    { "same_second", test_same_second },
    { "abort_after_post_commit", test_abort_after_post_commit },
    { "expose", test_expose },
    { "revert", test_revert },
    { "bad_private_data", test_bad_private_data },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(provider_btrfs, init, cleanup, btrfs_tests);
