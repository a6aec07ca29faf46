/*
 * test_volume.c: volume names (DESIGN.md §3): POSIX paths, drive letters
 * through $VSS_CONFIG_DIR/dosdevices, \\?\Volume{GUID}\ and back; stable
 * name-based GUIDs; bad names give errors.  Runs on whatever file system holds
 * $TMPDIR; test_volume_mounts.c covers btrfs and xfs on loop devices.
 */
/* internals of the POSIX layer: glibc printf, not the Microsoft one Windows code gets */
#define UMBRA_NATIVE_CRT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "harness.h"
#include "config.h"
#include "volume.h"

static char base[PATH_MAX / 2], vol_dir[PATH_MAX], data_dir[PATH_MAX], real_vol[PATH_MAX], real_data[PATH_MAX];

static const char *path_of(const char *rel)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    if (snprintf(buf, PATH_MAX, "%s/%s", base, rel) >= PATH_MAX) abort();
    return buf;
}

static int init(void)
{
    char *real;

    if (snprintf(base, sizeof(base), "%s/volume", umbra_test_tmpdir()) >= (int)sizeof(base)) return -1;
    if (mkdir(base, 0755) || mkdir(path_of("etc"), 0755) || mkdir(path_of("etc/dosdevices"), 0755)
        || mkdir(path_of("vol"), 0755) || mkdir(path_of("vol/data"), 0755))
        return -1;
    snprintf(vol_dir, sizeof(vol_dir), "%s", path_of("vol"));
    snprintf(data_dir, sizeof(data_dir), "%s", path_of("vol/data"));
    /* $TMPDIR may sit behind a symlink: volume roots are canonical */
    if (!(real = realpath(vol_dir, NULL))) return -1;
    snprintf(real_vol, sizeof(real_vol), "%s", real);
    free(real);
    if (!(real = realpath(data_dir, NULL))) return -1;
    snprintf(real_data, sizeof(real_data), "%s", real);
    free(real);
    if (symlink(vol_dir, path_of("etc/dosdevices/d:")) || symlink(path_of("nowhere"), path_of("etc/dosdevices/e:")))
        return -1;
    setenv("VSS_CONFIG_DIR", path_of("etc"), 1);
    setenv("VSS_STATE_DIR", path_of("state"), 1);
    config_reload();
    return 0;
}

static int cleanup(void)
{
    unsetenv("VSS_CONFIG_DIR");
    unsetenv("VSS_STATE_DIR");
    config_reload();
    return 0;
}

static void guid_string(const GUID *g, char *buf, size_t size)
{
    snprintf(buf, size, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

/* The scheme documented in volume.h, pinned: these values come from Python's
 * uuid.uuid5(UUID('387b7d06-ab36-4a72-b7c4-e68c649ecf60'), name). */
static void test_guid_scheme(void)
{
    static const char fs[] = "5e6a3063-d3cd-4fd6-9743-15785c297e99";
    char text[64], longpath[128];
    GUID g, again;

    volume_guid_for(fs, "/", &g);
    guid_string(&g, text, sizeof(text));
    CU_ASSERT_STRING_EQUAL(text, "d5a3271c-11c3-5577-bf8e-4b0b9cb61efc");
    volume_guid_for(fs, NULL, &again);
    CU_ASSERT(IsEqualGUID(&g, &again));

    volume_guid_for(fs, "/data", &g);
    guid_string(&g, text, sizeof(text));
    CU_ASSERT_STRING_EQUAL(text, "b0634a3d-38b7-59c8-8a05-c1bb71428a70");

    /* more than one SHA-1 block of input */
    longpath[0] = '/';
    memset(longpath + 1, 'x', 100);
    longpath[101] = 0;
    volume_guid_for(fs, longpath, &g);
    guid_string(&g, text, sizeof(text));
    CU_ASSERT_STRING_EQUAL(text, "3ad1495d-b1e3-56d1-84ce-23a5f316d029");

    /* version 5, RFC 4122 variant */
    CU_ASSERT_EQUAL(g.Data3 >> 12, 5);
    CU_ASSERT_EQUAL(g.Data4[0] & 0xc0, 0x80);
}

static void test_guid_name(void)
{
    struct vss_volume vol;
    char name[64];
    GUID g;

    memset(&vol, 0, sizeof(vol));
    vol.guid = (GUID){ 0x507C37B4, 0xCF5B, 0x4E95, { 0xB0, 0xAF, 0x14, 0xEB, 0x97, 0x67, 0x46, 0x7E } };
    volume_guid_name(&vol, name, sizeof(name));
    /* DESIGN.md §3: lower case, as vssadmin prints */
    CU_ASSERT_STRING_EQUAL(name, "\\\\?\\Volume{507c37b4-cf5b-4e95-b0af-14eb9767467e}\\");

    CU_ASSERT_EQUAL(volume_parse_guid_name(name, &g), 0);
    CU_ASSERT(IsEqualGUID(&g, &vol.guid));
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume{507C37B4-CF5B-4E95-B0AF-14EB9767467E}", &g), 0);
    CU_ASSERT(IsEqualGUID(&g, &vol.guid));
    CU_ASSERT_EQUAL(volume_parse_guid_name("//?/volume{507c37b4-cf5b-4e95-b0af-14eb9767467e}/", &g), 0);
    CU_ASSERT(IsEqualGUID(&g, &vol.guid));

    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume{507c37b4-cf5b-4e95-b0af-14eb9767467e}\\x", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume{507c37b4-cf5b-4e95-b0af-14eb9767467}\\", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume{507c37b4-cf5b-4e95-b0af-14eb9767467g}\\", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume{507c37b4+cf5b-4e95-b0af-14eb9767467e}\\", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume507c37b4-cf5b-4e95-b0af-14eb9767467e\\", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\?\\Volume{", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("\\\\.\\Volume{507c37b4-cf5b-4e95-b0af-14eb9767467e}\\", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name("", &g), -EINVAL);
    CU_ASSERT_EQUAL(volume_parse_guid_name(NULL, &g), -EINVAL);
}

static void expect_root(const char *name, const char *root)
{
    struct vss_volume vol;
    int ret = volume_resolve(name, &vol);

    CU_ASSERT_EQUAL(ret, 0);
    if (ret)
    {
        fprintf(stderr, "volume_resolve(\"%s\") = %d\n", name, ret);
        return;
    }
    CU_ASSERT_STRING_EQUAL(vol.root, root);
    if (strcmp(vol.root, root)) fprintf(stderr, "volume_resolve(\"%s\") -> %s, expected %s\n", name, vol.root, root);
    volume_free(&vol);
}

static void expect_error(const char *name, int err)
{
    struct vss_volume vol;
    int ret = volume_resolve(name, &vol);

    CU_ASSERT_EQUAL(ret, err);
    if (ret != err) fprintf(stderr, "volume_resolve(\"%s\") = %d, expected %d\n", name, ret, err);
    if (!ret) volume_free(&vol);
    /* nothing to free after a failure */
    CU_ASSERT_PTR_NULL(vol.root);
}

/* DESIGN.md §3: trailing separators, '\' vs '/', "." and ".." are normalised */
static void test_posix_names(void)
{
    char name[PATH_MAX + 64], *p;

    expect_root(vol_dir, real_vol);
    snprintf(name, sizeof(name), "%s/", vol_dir);
    expect_root(name, real_vol);
    snprintf(name, sizeof(name), "%s///", vol_dir);
    expect_root(name, real_vol);
    snprintf(name, sizeof(name), "%s/./data/.", vol_dir);
    expect_root(name, real_data);
    snprintf(name, sizeof(name), "%s/data/../data/../", vol_dir);
    expect_root(name, real_vol);
    snprintf(name, sizeof(name), "/../../..%s", vol_dir);
    expect_root(name, real_vol);
    /* backslashes, as a Windows program writes them */
    snprintf(name, sizeof(name), "%s\\data\\", vol_dir);
    for (p = name; *p; p++) if (*p == '/') *p = '\\';
    expect_root(name, real_data);
}

static void test_drive_letters(void)
{
    char link[PATH_MAX];

    expect_root("D:\\", real_vol);
    expect_root("d:\\", real_vol);
    expect_root("D:", real_vol);
    expect_root("D:/", real_vol);
    expect_root("D:\\data", real_data);
    expect_root("d:\\data\\.\\", real_data);
    expect_root("D:\\data\\..\\..\\..", real_vol);   /* not above the drive's root */
    expect_root("\\\\?\\D:\\", real_vol);
    CU_ASSERT_EQUAL(volume_drive_path('D', link, sizeof(link)), 0);
    CU_ASSERT_STRING_EQUAL(link, path_of("etc/dosdevices/d:"));
    CU_ASSERT_EQUAL(volume_drive_path('1', link, sizeof(link)), -EINVAL);

    expect_error("Q:\\", -ENOENT);         /* unmapped letter */
    expect_error("e:\\", -ENOENT);         /* mapped to nothing */
    expect_error("D:\\missing", -ENOENT);
    expect_error("Ddata", -EINVAL);
    expect_error("D:data", -EINVAL);      /* relative to a current directory we do not have */
    expect_error("1:\\", -EINVAL);
    expect_error(":\\", -EINVAL);
}

static void test_bad_names(void)
{
    char name[PATH_MAX + 64];
    struct vss_volume vol;
    int fd;

    expect_error("", -EINVAL);
    expect_error("relative/dir", -EINVAL);
    expect_error(".", -EINVAL);
    expect_error("\\\\server\\share\\", -EOPNOTSUPP);
    expect_error("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1", -EINVAL);
    expect_error("\\\\?\\", -EINVAL);
    expect_error("\\\\.\\C:", -EINVAL);
    expect_error("\\\\?\\Volume{nonsense}\\", -EINVAL);
    expect_error("\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\", -ENOENT);
    expect_error(path_of("does-not-exist"), -ENOENT);
    fd = open(path_of("a-file"), O_CREAT | O_WRONLY, 0644);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    expect_error(path_of("a-file"), -ENOTDIR);
    snprintf(name, sizeof(name), "%s/", path_of("a-file"));
    expect_error(name, -ENOTDIR);
    CU_ASSERT_EQUAL(volume_resolve(NULL, &vol), -EINVAL);
    CU_ASSERT_EQUAL(volume_resolve("/", NULL), -EINVAL);
    CU_ASSERT_EQUAL(volume_from_path("relative", &vol), -EINVAL);
    {
        char *huge = malloc(PATH_MAX * 2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
        memset(huge, 'a', PATH_MAX * 2 - 1);
        huge[0] = '/';
        huge[PATH_MAX * 2 - 1] = 0;
        expect_error(huge, -ENAMETOOLONG);
        free(huge);
    }
}

/* The same directory keeps its GUID; a different one gets another. */
static void test_stable_guid(void)
{
    struct vss_volume a, b, c;

    CU_ASSERT_EQUAL_FATAL(volume_from_path(vol_dir, &a), 0);
    CU_ASSERT_EQUAL_FATAL(volume_resolve("D:\\", &b), 0);
    CU_ASSERT_EQUAL_FATAL(volume_from_path(data_dir, &c), 0);
    CU_ASSERT(IsEqualGUID(&a.guid, &b.guid));
    CU_ASSERT(!IsEqualGUID(&a.guid, &c.guid));
    CU_ASSERT_STRING_EQUAL(a.mount_point, c.mount_point);
    CU_ASSERT_STRING_EQUAL(a.fs_uuid, c.fs_uuid);
    CU_ASSERT_FALSE(a.is_mount_root);
    CU_ASSERT(a.ino != c.ino);
    if (a.fs_uuid[0])
    {
        /* the documented derivation: fs uuid + path inside the file system */
        const char *inside = a.root + (strcmp(a.mount_point, "/") ? strlen(a.mount_point) : 0);
        GUID expect;
        volume_guid_for(a.fs_uuid, inside, &expect);
        CU_ASSERT(IsEqualGUID(&expect, &a.guid));
    }
    volume_free(&a);
    volume_free(&b);
    volume_free(&c);
}

/* A directory volume: name -> volume -> \\?\Volume{GUID}\ -> the same volume. */
static void test_directory_round_trip(void)
{
    struct vss_volume vol, back, again;
    char name[128];
    char **paths;
    size_t count, i, found = 0;

    CU_ASSERT_EQUAL_FATAL(volume_resolve(data_dir, &vol), 0);
    volume_guid_name(&vol, name, sizeof(name));
    CU_ASSERT_EQUAL_FATAL(volume_resolve(name, &back), 0);
    CU_ASSERT_STRING_EQUAL(back.root, vol.root);
    CU_ASSERT(IsEqualGUID(&back.guid, &vol.guid));
    volume_free(&back);

    /* registered once, however often it is resolved */
    CU_ASSERT_EQUAL(volume_resolve(data_dir, &again), 0);
    volume_free(&again);
    CU_ASSERT_EQUAL_FATAL(volume_registered_paths(&paths, &count), 0);
    for (i = 0; i < count; i++)
        if (!strcmp(paths[i], vol.root)) found++;
    CU_ASSERT_EQUAL(found, 1);
    volume_paths_free(paths, count);
    volume_free(&vol);
}

/* Any byte a POSIX name may hold survives the registry (tab, newline, '%'). */
static void test_odd_path_round_trip(void)
{
    const char *odd = path_of("vol/we%ird\tna\nme 25%");
    struct vss_volume vol, back;
    char name[128];

    CU_ASSERT_EQUAL_FATAL(mkdir(odd, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(volume_resolve(odd, &vol), 0);
    volume_guid_name(&vol, name, sizeof(name));
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        CU_ASSERT_STRING_EQUAL(back.root, vol.root);
        volume_free(&back);
    }
    volume_free(&vol);
}

/* The registry is a hint: an entry whose path now has another GUID, or junk,
 * resolves to nothing rather than to the wrong directory. */
static void test_registry_is_checked(void)
{
    static const char junk[] =
        "garbage line\n"
        "01234567-89ab-cdef-0123-456789abcdef\trelative\n"
        "01234567-89ab-cdef-0123-456789abcdef\tuuid\t/x\trelative\n"
        "01234567-89ab-cdef-0123-456789abcdef\tuuid\t/x\t/bad%zzescape\n"
        "01234567-89ab-cdef-0123-456789abcdef\tuuid\t/x\t/a\textra\n"
        "\t/\n"
        "01234567-89ab-cdef-0123-456789abcdef\n";
    char line[PATH_MAX + 64];
    struct vss_volume vol;
    int fd;

    CU_ASSERT_EQUAL_FATAL(config_make_private_dir(path_of("state")), 0);
    fd = open(path_of("state/volumes"), O_WRONLY | O_TRUNC | O_CREAT, 0644);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, junk, sizeof(junk) - 1), (ssize_t)sizeof(junk) - 1);
    /* a well-formed entry that lies: that directory has another GUID */
    CU_ASSERT_EQUAL_FATAL(volume_from_path(data_dir, &vol), 0);
    snprintf(line, sizeof(line), "76543210-89ab-cdef-0123-456789abcdef\t%s\t%s\t%s\n", vol.fs_uuid, vol.fs_path,
             real_data);
    volume_free(&vol);
    CU_ASSERT_EQUAL(write(fd, line, strlen(line)), (ssize_t)strlen(line));
    close(fd);

    expect_error("\\\\?\\Volume{76543210-89ab-cdef-0123-456789abcdef}\\", -ENOENT);
    expect_error("\\\\?\\Volume{01234567-89ab-cdef-0123-456789abcdef}\\", -ENOENT);

    /* registering again replaces the stale line for that path */
    CU_ASSERT_EQUAL_FATAL(volume_resolve(data_dir, &vol), 0);
    volume_guid_name(&vol, line, sizeof(line));
    volume_free(&vol);
    expect_root(line, real_data);
}

/* The file system that holds $TMPDIR: its mount root resolves by GUID too. */
static void test_mount_root_round_trip(void)
{
    struct vss_volume mount, back;
    char name[128];

    CU_ASSERT_EQUAL_FATAL(volume_containing(data_dir, &mount), 0);
    CU_ASSERT(mount.is_mount_root);
    CU_ASSERT_STRING_EQUAL(mount.root, mount.mount_point);
    CU_ASSERT_EQUAL(strncmp(real_data, mount.root, strlen(mount.root)), 0);
    volume_guid_name(&mount, name, sizeof(name));
    CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
    if (back.root)
    {
        CU_ASSERT_STRING_EQUAL(back.root, mount.root);
        CU_ASSERT_STRING_EQUAL(back.fstype, mount.fstype);
        volume_free(&back);
    }
    volume_free(&mount);
}

static void test_list(void)
{
    struct vss_volume *vols, copy;
    size_t count, i, j;

    CU_ASSERT_EQUAL_FATAL(volume_list(&vols, &count), 0);
    for (i = 0; i < count; i++)
    {
        struct vss_volume back;
        char name[128];

        CU_ASSERT(vols[i].is_mount_root);
        CU_ASSERT_STRING_NOT_EQUAL(vols[i].fstype, "proc");
        CU_ASSERT_STRING_NOT_EQUAL(vols[i].fstype, "tmpfs");
        CU_ASSERT_STRING_NOT_EQUAL(vols[i].fstype, "cgroup");
        for (j = 0; j < i; j++) CU_ASSERT(!IsEqualGUID(&vols[i].guid, &vols[j].guid));
        volume_guid_name(&vols[i], name, sizeof(name));
        CU_ASSERT_EQUAL(volume_resolve(name, &back), 0);
        if (back.root)
        {
            CU_ASSERT_STRING_EQUAL(back.root, vols[i].root);
            volume_free(&back);
        }
    }
    if (count)
    {
        CU_ASSERT_EQUAL(volume_copy(&copy, &vols[0]), 0);
        CU_ASSERT_STRING_EQUAL(copy.root, vols[0].root);
        CU_ASSERT_PTR_NOT_EQUAL(copy.root, vols[0].root);
        CU_ASSERT(IsEqualGUID(&copy.guid, &vols[0].guid));
        volume_free(&copy);
    }
    volume_list_free(vols, count);
    volume_list_free(NULL, 0);
    CU_ASSERT_EQUAL(volume_list(NULL, &count), -EINVAL);
}

static CU_TestInfo volume_tests[] =
{
    { "GUID scheme", test_guid_scheme },
    { "GUID names", test_guid_name },
    { "POSIX names", test_posix_names },
    { "drive letters", test_drive_letters },
    { "bad names", test_bad_names },
    { "stable GUIDs", test_stable_guid },
    { "directory volume round trip", test_directory_round_trip },
    { "odd path round trip", test_odd_path_round_trip },
    { "registry is checked", test_registry_is_checked },
    { "mount root round trip", test_mount_root_round_trip },
    { "list", test_list },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(volume, init, cleanup, volume_tests);
