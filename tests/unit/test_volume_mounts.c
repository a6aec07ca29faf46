/*
 * test_volume_mounts.c: volume GUIDs on real file systems (btrfs and xfs on
 * loop devices, made and removed here; needs root).  The file system UUID we
 * read is the one blkid reads from the superblock; GUIDs survive a remount at
 * another place; a btrfs subvolume has its own GUID whether it is reached
 * through its parent or mounted on its own; a file system mounted twice is one
 * volume, and a read-only clone does not steal its original's name.
 */
/* internals of the POSIX layer: glibc printf, not the Microsoft one Windows code gets */
#define UMBRA_NATIVE_CRT
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "harness.h"
#include "config.h"
#include "volume.h"

static char base[PATH_MAX / 4];
static char loops[4][64];           /* loop devices we attached */
static char mounts[8][PATH_MAX];    /* mount points we used, unmounted at cleanup */
static int nloops, nmounts;

static const char *path_of(const char *rel)
{
    /* enough slots that a test's mount point names outlive its other calls */
    static char bufs[64][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 64];

    if (snprintf(buf, PATH_MAX, "%s/%s", base, rel) >= PATH_MAX) abort();
    return buf;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list args;
    int status;

    va_start(args, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, args);
    va_end(args);
    status = system(cmd);
    if (status) fprintf(stderr, "command failed (%d): %s\n", status, cmd);
    return status;
}

/* First line of a command's output, or "" */
static const char *capture(const char *cmd)
{
    static char out[512];
    FILE *p = popen(cmd, "r");

    out[0] = 0;
    if (!p) return out;
    if (!fgets(out, sizeof(out), p)) out[0] = 0;
    out[strcspn(out, "\n")] = 0;
    pclose(p);
    return out;
}

static const char *attach(const char *image)
{
    char cmd[PATH_MAX + 64];
    const char *dev;

    snprintf(cmd, sizeof(cmd), "losetup -f --show '%s'", image);
    dev = capture(cmd);
    if (strncmp(dev, "/dev/loop", 9) || nloops == 4) return NULL;
    snprintf(loops[nloops], sizeof(loops[0]), "%s", dev);
    return loops[nloops++];
}

static int do_mount(const char *dev, const char *dir, const char *options)
{
    int i;

    if (mkdir(dir, 0755) && errno != EEXIST) return -1;
    if (run("mount %s%s '%s' '%s'", options ? "-o " : "", options ? options : "", dev, dir)) return -1;
    for (i = 0; i < nmounts; i++)
        if (!strcmp(mounts[i], dir)) return 0;
    if (nmounts < 8) snprintf(mounts[nmounts++], PATH_MAX, "%s", dir);
    return 0;
}

static void do_umount(const char *dir)
{
    run("umount '%s'", dir);
}

static int init(void)
{
    if (umbra_require_root()) return -1;
    if (snprintf(base, sizeof(base), "%s/mounts", umbra_test_tmpdir()) >= (int)sizeof(base)) return -1;
    if (mkdir(base, 0755)) return -1;
    setenv("VSS_STATE_DIR", path_of("state"), 1);
    setenv("VSS_CONFIG_DIR", path_of("etc"), 1);
    config_reload();
    return 0;
}

static int cleanup(void)
{
    int i;

    /* everything we made, by name, even after a failure; newest first */
    for (i = nmounts - 1; i >= 0; i--)
    {
        char cmd[2 * PATH_MAX + 64];
        snprintf(cmd, sizeof(cmd), "mountpoint -q '%s' && umount '%s'", mounts[i], mounts[i]);
        while (!system(cmd)) ;
    }
    for (i = nloops - 1; i >= 0; i--) run("losetup -d %s", loops[i]);
    nmounts = nloops = 0;
    unsetenv("VSS_STATE_DIR");
    unsetenv("VSS_CONFIG_DIR");
    config_reload();
    return 0;
}

static const char *blkid_uuid(const char *dev)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "blkid -p -s UUID -o value %s", dev);
    return capture(cmd);
}

static void test_btrfs(void)
{
    struct vss_volume root, sub, again, back, subvol_mount;
    const char *dev, *m1 = path_of("btrfs1"), *m2 = path_of("btrfs2"), *m3 = path_of("btrfs-sub");
    char uuid[128], name[128], sub_path[PATH_MAX];
    GUID expect;

    CU_ASSERT_EQUAL_FATAL(run("truncate -s 256M '%s' && mkfs.btrfs -q -f '%s' >/dev/null", path_of("btrfs.img"),
                              path_of("btrfs.img")), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev = attach(path_of("btrfs.img")));
    snprintf(uuid, sizeof(uuid), "%s", blkid_uuid(dev));
    CU_ASSERT_EQUAL_FATAL(strlen(uuid), 36);
    CU_ASSERT_EQUAL_FATAL(do_mount(dev, m1, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(run("btrfs -q subvolume create '%s/sub' >/dev/null", m1), 0);

    /* the file system root */
    CU_ASSERT_EQUAL_FATAL(volume_from_path(m1, &root), 0);
    CU_ASSERT_STRING_EQUAL(root.fstype, "btrfs");
    CU_ASSERT_STRING_EQUAL(root.device, dev);
    CU_ASSERT_STRING_EQUAL(root.fs_uuid, uuid);
    CU_ASSERT_STRING_EQUAL(root.fs_path, "/");
    CU_ASSERT(root.is_mount_root);
    CU_ASSERT_EQUAL(root.ino, 256);
    volume_guid_for(uuid, "/", &expect);
    CU_ASSERT(IsEqualGUID(&root.guid, &expect));

    /* a subvolume reached through its parent: its own GUID, registered when resolved */
    snprintf(sub_path, sizeof(sub_path), "%s/sub/", m1);
    CU_ASSERT_EQUAL_FATAL(volume_resolve(sub_path, &sub), 0);
    CU_ASSERT_FALSE(sub.is_mount_root);
    CU_ASSERT_EQUAL(sub.ino, 256);
    CU_ASSERT_STRING_EQUAL(sub.fs_path, "/sub");
    CU_ASSERT_STRING_EQUAL(sub.mount_point, m1);
    CU_ASSERT(sub.dev != root.dev);   /* btrfs gives each subvolume its own st_dev */
    volume_guid_for(uuid, "/sub", &expect);
    CU_ASSERT(IsEqualGUID(&sub.guid, &expect));
    volume_guid_name(&sub, name, sizeof(name));
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        CU_ASSERT_STRING_EQUAL(back.root, sub.root);
        volume_free(&back);
    }

    /* mounted somewhere else: the same GUIDs, and the subvolume is found there */
    do_umount(m1);
    CU_ASSERT_EQUAL_FATAL(do_mount(dev, m2, NULL), 0);
    CU_ASSERT_EQUAL(volume_from_path(m2, &again), 0);
    CU_ASSERT(IsEqualGUID(&again.guid, &root.guid));
    volume_free(&again);
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        char expect_path[PATH_MAX];
        snprintf(expect_path, sizeof(expect_path), "%s/sub", m2);
        CU_ASSERT_STRING_EQUAL(back.root, expect_path);
        CU_ASSERT(IsEqualGUID(&back.guid, &sub.guid));
        volume_free(&back);
    }

    /* the subvolume mounted on its own is the same volume */
    CU_ASSERT_EQUAL_FATAL(do_mount(dev, m3, "subvol=sub"), 0);
    CU_ASSERT_EQUAL(volume_from_path(m3, &subvol_mount), 0);
    CU_ASSERT(subvol_mount.is_mount_root);
    CU_ASSERT_STRING_EQUAL(subvol_mount.fs_path, "/sub");
    CU_ASSERT(IsEqualGUID(&subvol_mount.guid, &sub.guid));
    volume_free(&subvol_mount);
    /* and its GUID name now finds that mount first */
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        CU_ASSERT_STRING_EQUAL(back.root, m3);
        volume_free(&back);
    }

    /* the root volume by its GUID name */
    volume_guid_name(&root, name, sizeof(name));
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        CU_ASSERT_STRING_EQUAL(back.root, m2);
        volume_free(&back);
    }
    do_umount(m3);
    do_umount(m2);
    volume_free(&root);
    volume_free(&sub);
}

static int count_listed(const GUID *guid, char *root, size_t size)
{
    struct vss_volume *vols;
    size_t count, i;
    int n = 0;

    if (volume_list(&vols, &count)) return -1;
    for (i = 0; i < count; i++)
        if (IsEqualGUID(&vols[i].guid, guid))
        {
            n++;
            snprintf(root, size, "%s", vols[i].root);
        }
    volume_list_free(vols, count);
    return n;
}

static void test_xfs(void)
{
    const char *dev, *clone_dev, *m1 = path_of("xfs1"), *m2 = path_of("xfs2"), *mc = path_of("xfs-clone");
    struct vss_volume vol, back, twin;
    char uuid[128], name[128], listed[PATH_MAX];
    GUID expect;

    CU_ASSERT_EQUAL_FATAL(run("truncate -s 320M '%s' && mkfs.xfs -q -f '%s'", path_of("xfs.img"),
                              path_of("xfs.img")), 0);
    /* a copy of the image: the same UUID, as a block-level snapshot has */
    CU_ASSERT_EQUAL_FATAL(run("cp --sparse=always '%s' '%s'", path_of("xfs.img"), path_of("xfs-clone.img")), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev = attach(path_of("xfs.img")));
    CU_ASSERT_PTR_NOT_NULL_FATAL(clone_dev = attach(path_of("xfs-clone.img")));
    snprintf(uuid, sizeof(uuid), "%s", blkid_uuid(dev));
    CU_ASSERT_EQUAL_FATAL(strlen(uuid), 36);
    CU_ASSERT_STRING_EQUAL(blkid_uuid(clone_dev), uuid);

    /* the read-only clone is mounted first, the original after it */
    CU_ASSERT_EQUAL_FATAL(do_mount(clone_dev, mc, "ro,nouuid"), 0);
    CU_ASSERT_EQUAL_FATAL(do_mount(dev, m1, NULL), 0);

    CU_ASSERT_EQUAL_FATAL(volume_from_path(m1, &vol), 0);
    CU_ASSERT_STRING_EQUAL(vol.fstype, "xfs");
    CU_ASSERT_STRING_EQUAL(vol.fs_uuid, uuid);
    CU_ASSERT(vol.is_mount_root);
    volume_guid_for(uuid, "/", &expect);
    CU_ASSERT(IsEqualGUID(&vol.guid, &expect));

    /* the name resolves to the writable original, and the volume is listed once, there */
    volume_guid_name(&vol, name, sizeof(name));
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        CU_ASSERT_STRING_EQUAL(back.root, m1);
        volume_free(&back);
    }
    CU_ASSERT_EQUAL(count_listed(&vol.guid, listed, sizeof(listed)), 1);
    CU_ASSERT_STRING_EQUAL(listed, m1);

    /* the same file system mounted a second time is still one volume */
    CU_ASSERT_EQUAL_FATAL(do_mount(dev, m2, NULL), 0);
    CU_ASSERT_EQUAL(volume_from_path(m2, &twin), 0);
    CU_ASSERT(IsEqualGUID(&twin.guid, &vol.guid));
    volume_free(&twin);
    CU_ASSERT_EQUAL(count_listed(&vol.guid, listed, sizeof(listed)), 1);

    /* a directory on it: GUID from the file system UUID and its path inside */
    CU_ASSERT_EQUAL(run("mkdir -p '%s/srv/data'", m1), 0);
    snprintf(listed, sizeof(listed), "%s/srv/data", m2);
    CU_ASSERT_EQUAL(volume_from_path(listed, &twin), 0);
    volume_guid_for(uuid, "/srv/data", &expect);
    CU_ASSERT(IsEqualGUID(&twin.guid, &expect));
    CU_ASSERT_STRING_EQUAL(twin.fs_path, "/srv/data");
    volume_free(&twin);

    do_umount(m2);
    do_umount(m1);
    do_umount(mc);
    volume_free(&vol);
}

static CU_TestInfo volume_mounts_tests[] =
{
    { "btrfs and a subvolume", test_btrfs },
    { "xfs, mounted twice, and a read-only clone", test_xfs },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(volume_mounts, init, cleanup, volume_mounts_tests);
