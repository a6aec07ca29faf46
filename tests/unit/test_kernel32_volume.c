/*
 * test_kernel32_volume.c: kernel32's volume names are vssapi's (DESIGN.md §3:
 * \\?\Volume{GUID}\ derived from the file system UUID, one implementation in
 * umbra/mounts.h): GetVolumeNameForVolumeMountPoint against vssapi's
 * volume_resolve for a drive letter, a POSIX mount point and a directory;
 * GetVolumePathName, GetVolumePathNamesForVolumeName (including a directory
 * volume found through vssapi's registry), FindFirstVolume, the dosdevices
 * drive letters (DefineDosDevice, QueryDosDevice, GetLogicalDrives), drive
 * types, volume information and free space.  No root needed: the volumes are
 * directories and whatever file system holds the test directory.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/mounts.h"
#include "config.h"
#include "volume.h"
#include "harness.h"

static char vol_dir[PATH_MAX / 2], other_dir[PATH_MAX / 2];
static WCHAR wvol[PATH_MAX];

static int suite_init(void)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/config", umbra_test_tmpdir());
    setenv("VSS_CONFIG_DIR", path, 1);
    if (mkdir(path, 0700)) return -1;
    strcat(path, "/dosdevices");
    if (mkdir(path, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/state", umbra_test_tmpdir());
    setenv("VSS_STATE_DIR", path, 1);
    config_reload();
    snprintf(vol_dir, sizeof(vol_dir), "%s/vol", umbra_test_tmpdir());
    snprintf(other_dir, sizeof(other_dir), "%s/other", umbra_test_tmpdir());
    if (mkdir(vol_dir, 0755) || mkdir(other_dir, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/Data", vol_dir);
    if (mkdir(path, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/config/dosdevices/p:", umbra_test_tmpdir());
    if (symlink(vol_dir, path)) return -1;
    mbstowcs(wvol, vol_dir, PATH_MAX);
    return 0;
}

/* vssapi's name for a volume name (volume_resolve), as WCHARs. */
static void vssapi_name(const char *name, WCHAR *out)
{
    struct vss_volume vol;
    char text[128] = "";

    if (!volume_resolve(name, &vol))
    {
        volume_guid_name(&vol, text, sizeof(text));
        volume_free(&vol);
    }
    mbstowcs(out, text, 128);
}

static void test_same_names_as_vssapi(void)
{
    WCHAR mine[MAX_PATH], theirs[128], posix[PATH_MAX];
    struct vss_volume vol;

    CU_ASSERT_FATAL(GetVolumeNameForVolumeMountPointW(L"P:\\", mine, MAX_PATH));
    vssapi_name("P:\\", theirs);
    CU_ASSERT(!wcscmp(mine, theirs));
    CU_ASSERT(!wcsncmp(mine, L"\\\\?\\Volume{", 11) && wcslen(mine) == 49 && mine[48] == '\\');
    /* the same directory by its POSIX name, with or without the separator */
    swprintf(posix, PATH_MAX, L"%s/", wvol);
    CU_ASSERT(GetVolumeNameForVolumeMountPointW(posix, theirs, 128));
    CU_ASSERT(!wcscmp(mine, theirs));
    CU_ASSERT(GetVolumeNameForVolumeMountPointW(wvol, theirs, 128));
    CU_ASSERT(!wcscmp(mine, theirs));
    /* a volume name stands for itself */
    CU_ASSERT(GetVolumeNameForVolumeMountPointW(mine, theirs, 128));
    CU_ASSERT(!wcscmp(mine, theirs));

    /* the file system that holds the test directory: its mount point */
    CU_ASSERT_EQUAL_FATAL(volume_containing(vol_dir, &vol), 0);
    mbstowcs(posix, vol.mount_point, PATH_MAX);
    CU_ASSERT(GetVolumeNameForVolumeMountPointW(posix, mine, MAX_PATH));
    vssapi_name(vol.mount_point, theirs);
    CU_ASSERT(!wcscmp(mine, theirs));
    volume_free(&vol);
}

static void test_volume_name_errors(void)
{
    WCHAR name[MAX_PATH], path[PATH_MAX];
    FILE *f;
    char file[PATH_MAX];

    SetLastError(0);
    CU_ASSERT(!GetVolumeNameForVolumeMountPointW(L"P:\\missing\\", name, MAX_PATH));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    snprintf(file, sizeof(file), "%s/afile", vol_dir);
    f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    mbstowcs(path, file, PATH_MAX);
    SetLastError(0);
    CU_ASSERT(!GetVolumeNameForVolumeMountPointW(path, name, MAX_PATH));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_A_REPARSE_POINT);
    SetLastError(0);
    CU_ASSERT(!GetVolumeNameForVolumeMountPointW(L"P:\\", name, 10));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILENAME_EXCED_RANGE);
    CU_ASSERT(!GetVolumeNameForVolumeMountPointW(NULL, name, MAX_PATH));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_volume_path_name(void)
{
    WCHAR out[MAX_PATH], path[PATH_MAX], expected[PATH_MAX];
    struct vss_volume vol;

    /* a drive letter's directory is the root of its volume */
    CU_ASSERT(GetVolumePathNameW(L"P:\\Data\\not-yet\\file.txt", out, MAX_PATH));
    CU_ASSERT(!wcscmp(out, L"P:\\"));
    CU_ASSERT(GetVolumePathNameW(L"p:", out, MAX_PATH));
    CU_ASSERT(!wcscmp(out, L"p:\\"));
    /* a POSIX path: the mount point, with a trailing separator */
    CU_ASSERT_EQUAL_FATAL(volume_containing(vol_dir, &vol), 0);
    swprintf(expected, PATH_MAX, L"%S%S", vol.mount_point, strcmp(vol.mount_point, "/") ? "/" : "");
    volume_free(&vol);
    swprintf(path, PATH_MAX, L"%s\\Data\\x", wvol);
    CU_ASSERT(GetVolumePathNameW(path, out, MAX_PATH));
    CU_ASSERT(!wcscmp(out, expected));
    SetLastError(0);
    CU_ASSERT(!GetVolumePathNameW(L"P:\\Data", out, 2));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILENAME_EXCED_RANGE);
}

static int list_has(const WCHAR *list, const WCHAR *name)
{
    for (; *list; list += wcslen(list) + 1)
        if (!wcscmp(list, name)) return 1;
    return 0;
}

static void test_volume_path_names(void)
{
    WCHAR name[MAX_PATH], names[1024], other[PATH_MAX], expected[PATH_MAX];
    struct vss_volume vol;
    DWORD needed = 0;
    char text[128];

    CU_ASSERT_FATAL(GetVolumeNameForVolumeMountPointW(L"P:\\", name, MAX_PATH));
    CU_ASSERT(GetVolumePathNamesForVolumeNameW(name, names, 1024, &needed));
    CU_ASSERT(list_has(names, L"P:\\"));
    CU_ASSERT_EQUAL(needed, wcslen(names) + 2);
    /* too small: ERROR_MORE_DATA and the size it takes */
    needed = 0;
    SetLastError(0);
    CU_ASSERT(!GetVolumePathNamesForVolumeNameW(name, names, 2, &needed));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_MORE_DATA);
    CU_ASSERT_EQUAL(needed, 5);

    /* a directory that is only in vssapi's registry: kernel32 asks vssapi */
    CU_ASSERT_EQUAL_FATAL(volume_resolve(other_dir, &vol), 0);
    volume_guid_name(&vol, text, sizeof(text));
    volume_free(&vol);
    mbstowcs(other, text, PATH_MAX);
    swprintf(expected, PATH_MAX, L"%S/", other_dir);
    CU_ASSERT(GetVolumePathNamesForVolumeNameW(other, names, 1024, &needed));
    CU_ASSERT(list_has(names, expected));

    SetLastError(0);
    CU_ASSERT(!GetVolumePathNamesForVolumeNameW(L"\\\\?\\Volume{00000000-0000-0000-0000-0000000000ff}\\", names, 1024,
                                                &needed));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    CU_ASSERT(!GetVolumePathNamesForVolumeNameW(L"C:\\", names, 1024, &needed));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_NAME);
}

static void test_find_volumes(void)
{
    WCHAR name[MAX_PATH], drive[MAX_PATH];
    HANDLE find;
    int found = 0, count = 0;

    CU_ASSERT_FATAL(GetVolumeNameForVolumeMountPointW(L"P:\\", drive, MAX_PATH));
    find = FindFirstVolumeW(name, MAX_PATH);
    CU_ASSERT_FATAL(find != INVALID_HANDLE_VALUE);
    do
    {
        GUID guid;
        char text[128];

        wcstombs(text, name, sizeof(text));
        CU_ASSERT_EQUAL(umbra_volume_parse_guid_name(text, &guid), 0);
        if (!wcscmp(name, drive)) found = 1;
        count++;
    } while (FindNextVolumeW(find, name, MAX_PATH));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NO_MORE_FILES);
    CU_ASSERT(FindVolumeClose(find));
    CU_ASSERT(found);
    CU_ASSERT(count >= 1);
    CU_ASSERT(!FindVolumeClose(find));
    CU_ASSERT_EQUAL(FindFirstVolumeW(name, 10), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILENAME_EXCED_RANGE);
}

static void test_dos_devices(void)
{
    WCHAR target[PATH_MAX], wdata[PATH_MAX], drives[128];
    char data[PATH_MAX];
    DWORD len;

    snprintf(data, sizeof(data), "%s/Data", vol_dir);
    mbstowcs(wdata, data, PATH_MAX);
    CU_ASSERT(DefineDosDeviceW(0, L"K:", L"P:\\Data"));
    len = QueryDosDeviceW(L"K:", target, PATH_MAX);
    CU_ASSERT_EQUAL(len, wcslen(wdata) + 2);
    CU_ASSERT(!wcscmp(target, wdata));
    CU_ASSERT(GetLogicalDrives() & (1u << ('K' - 'A')));
    CU_ASSERT(GetLogicalDrives() & (1u << ('P' - 'A')));
    CU_ASSERT(GetLogicalDriveStringsW(128, drives) > 0);
    CU_ASSERT(list_has(drives, L"K:\\") && list_has(drives, L"P:\\"));
    CU_ASSERT(QueryDosDeviceW(NULL, target, PATH_MAX) > 0);
    CU_ASSERT(list_has(target, L"K:") && list_has(target, L"P:"));
    /* the new letter works as a path */
    CU_ASSERT(GetFileAttributesW(L"K:\\") & FILE_ATTRIBUTE_DIRECTORY);
    /* removal: exact match first */
    CU_ASSERT(!DefineDosDeviceW(DDD_REMOVE_DEFINITION | DDD_EXACT_MATCH_ON_REMOVE, L"K:", L"P:\\"));
    CU_ASSERT(DefineDosDeviceW(DDD_REMOVE_DEFINITION | DDD_EXACT_MATCH_ON_REMOVE, L"K:", L"P:\\Data"));
    SetLastError(0);
    CU_ASSERT_EQUAL(QueryDosDeviceW(L"K:", target, PATH_MAX), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    CU_ASSERT(!DefineDosDeviceW(0, L"COM1", L"/dev/null"));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(QueryDosDeviceW(L"P:", target, 3), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
}

static void test_information(void)
{
    WCHAR label[64], fs[32], file[PATH_MAX];
    DWORD serial = 0, max_component = 0, flags = 0;
    ULARGE_INTEGER avail, total, free_bytes;
    BY_HANDLE_FILE_INFORMATION info;
    struct vss_volume vol;
    UINT type;
    HANDLE h;

    type = GetDriveTypeW(L"P:\\");
    CU_ASSERT(type == DRIVE_FIXED || type == DRIVE_RAMDISK || type == DRIVE_REMOVABLE || type == DRIVE_REMOTE);
    CU_ASSERT_EQUAL(GetDriveTypeW(L"P:\\missing\\"), DRIVE_NO_ROOT_DIR);
    CU_ASSERT_EQUAL(GetDriveTypeW(L"R:\\"), DRIVE_NO_ROOT_DIR);

    CU_ASSERT_FATAL(GetVolumeInformationW(L"P:\\", label, 64, &serial, &max_component, &flags, fs, 32));
    CU_ASSERT_EQUAL_FATAL(volume_containing(vol_dir, &vol), 0);
    {
        WCHAR expected[32];
        mbstowcs(expected, vol.fstype, 32);
        CU_ASSERT(!wcscmp(fs, expected));
    }
    volume_free(&vol);
    CU_ASSERT(max_component >= 255);
    CU_ASSERT(flags & FILE_CASE_SENSITIVE_SEARCH);
    CU_ASSERT(flags & FILE_UNICODE_ON_DISK);
    /* the serial is the one GetFileInformationByHandle gives its files */
    swprintf(file, PATH_MAX, L"%s\\afile2", wvol);
    h = CreateFileW(file, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT(GetFileInformationByHandle(h, &info));
    CU_ASSERT_EQUAL(info.dwVolumeSerialNumber, serial);
    CloseHandle(h);
    SetLastError(0);
    CU_ASSERT(!GetVolumeInformationW(L"P:\\", label, 64, NULL, NULL, NULL, fs, 1));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_BAD_LENGTH);
    CU_ASSERT(!GetVolumeInformationW(L"P:\\missing\\", NULL, 0, NULL, NULL, NULL, NULL, 0));

    CU_ASSERT(GetDiskFreeSpaceExW(L"P:\\", &avail, &total, &free_bytes));
    CU_ASSERT(total.QuadPart > 0);
    CU_ASSERT(free_bytes.QuadPart <= total.QuadPart);
    CU_ASSERT(avail.QuadPart <= free_bytes.QuadPart);
}

static CU_TestInfo volume_tests[] =
{
    { "the same names as vssapi", test_same_names_as_vssapi },
    { "volume name errors", test_volume_name_errors },
    { "GetVolumePathName", test_volume_path_name },
    { "GetVolumePathNamesForVolumeName", test_volume_path_names },
    { "FindFirstVolume", test_find_volumes },
    { "drive letters", test_dos_devices },
    { "drive type, information, free space", test_information },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_volume, suite_init, NULL, volume_tests);
