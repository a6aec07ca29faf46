/*
 * test_kernel32_path.c: Windows paths on POSIX (DESIGN.md §3): drive letters
 * through $VSS_CONFIG_DIR/dosdevices, \\?\ and \\.\ prefixes, volume GUID
 * names, backslashes in POSIX paths (a snapshot device object with
 * "\relative\path" appended), "." and ".." by name, case-insensitive
 * lookup, UNC refused; then the functions that hand paths back
 * (GetFullPathName, GetCurrentDirectory, GetTempPath, GetTempFileName), the
 * environment and the shlwapi path helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>
#include <sys/stat.h>
#include <windows.h>
#include <shlwapi.h>
#include "umbra/kernel32.h"
#include "umbra/mounts.h"
#include "harness.h"

static char root[PATH_MAX / 2];   /* the test's directory, "the volume" */
static char dosdevices[PATH_MAX];

static const char *at(const char *rel)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    snprintf(buf, PATH_MAX, "%s%s%s", root, *rel ? "/" : "", rel);
    return buf;
}

static void make_file(const char *rel, const char *text)
{
    FILE *f = fopen(at(rel), "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static int suite_init(void)
{
    char config[PATH_MAX], link[PATH_MAX];

    snprintf(root, sizeof(root), "%s/vol", umbra_test_tmpdir());
    snprintf(config, sizeof(config), "%s/config", umbra_test_tmpdir());
    snprintf(dosdevices, sizeof(dosdevices), "%s/dosdevices", config);
    if (mkdir(root, 0755) || mkdir(at("Data"), 0755) || mkdir(at("Data/Sub"), 0755) || mkdir(config, 0755)
        || mkdir(dosdevices, 0755))
        return -1;
    snprintf(link, sizeof(link), "%s/q:", dosdevices);
    if (symlink(root, link)) return -1;
    setenv("VSS_CONFIG_DIR", config, 1);
    return 0;
}

static char *mapped(const char *name)
{
    static char buf[PATH_MAX];
    char *out = NULL;
    int ret = umbra_unix_path_utf8(name, &out);

    if (ret)
    {
        snprintf(buf, sizeof(buf), "error %d", ret);
        return buf;
    }
    snprintf(buf, sizeof(buf), "%s", out);
    free(out);
    return buf;
}

/* DESIGN.md §3: drive letters are dosdevices symlinks; '\' and '/' are separators. */
static void test_drive_letters(void)
{
    CU_ASSERT_STRING_EQUAL(mapped("Q:\\Data\\Sub"), at("Data/Sub"));
    CU_ASSERT_STRING_EQUAL(mapped("q:/Data/Sub/"), at("Data/Sub"));
    CU_ASSERT_STRING_EQUAL(mapped("Q:\\"), root);
    CU_ASSERT_STRING_EQUAL(mapped("Q:"), root);
    /* ".." stops at the drive's root, as on Windows */
    CU_ASSERT_STRING_EQUAL(mapped("Q:\\..\\..\\Data"), at("Data"));
    CU_ASSERT_STRING_EQUAL(mapped("Q:\\Data\\.\\Sub\\..\\new.txt"), at("Data/new.txt"));
    CU_ASSERT_STRING_EQUAL(mapped("\\\\?\\Q:\\Data"), at("Data"));
    CU_ASSERT_STRING_EQUAL(mapped("\\\\.\\Q:\\Data"), at("Data"));
    /* a letter that is not mapped */
    CU_ASSERT_STRING_EQUAL(mapped("R:\\x"), "error -2");
}

static void test_posix_and_relative(void)
{
    char cwd[PATH_MAX];

    /* a snapshot device object with "\relative\path" appended (DESIGN.md §3) */
    CU_ASSERT_STRING_EQUAL(mapped("/srv/snap/@GMT-2024.01.01-00.00.00\\data\\file.db"),
                           "/srv/snap/@GMT-2024.01.01-00.00.00/data/file.db");
    CU_ASSERT_STRING_EQUAL(mapped("\\srv\\x"), "/srv/x");
    CU_ASSERT_STRING_EQUAL(mapped("/a/b/../c/./d//e"), "/a/c/d/e");
    CU_ASSERT_STRING_EQUAL(mapped("/.."), "/");

    CU_ASSERT_FATAL(getcwd(cwd, sizeof(cwd)) != NULL);
    CU_ASSERT_EQUAL_FATAL(chdir(at("Data")), 0);
    CU_ASSERT_STRING_EQUAL(mapped("Sub\\file"), at("Data/Sub/file"));
    /* relative ".." climbs above the current directory */
    CU_ASSERT_STRING_EQUAL(mapped("..\\Data\\Sub"), at("Data/Sub"));
    CU_ASSERT_EQUAL(chdir(cwd), 0);
}

static void test_refused_names(void)
{
    char *out = (char *)1;

    CU_ASSERT_EQUAL(umbra_unix_path_utf8("", &out), -EINVAL);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(umbra_unix_path_utf8(NULL, &out), -EINVAL);
    CU_ASSERT_EQUAL(umbra_unix_path(NULL, &out), -EINVAL);
    CU_ASSERT_EQUAL(umbra_unix_path_utf8("\\\\server\\share\\x", &out), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(umbra_unix_path_utf8("\\\\?\\UNC\\server\\share", &out), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(umbra_unix_path_utf8("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1", &out), -ENOENT);
    CU_ASSERT_EQUAL(umbra_unix_path_utf8("\\\\?\\Volume{not-a-guid}\\", &out), -EINVAL);
    CU_ASSERT_EQUAL(umbra_unix_path_utf8("\\\\?\\Volume{00000000-0000-0000-0000-000000000001}\\x", &out), -ENOENT);

    /* what the Win32 functions make of them */
    SetLastError(0);
    CU_ASSERT_EQUAL(GetFileAttributesW(L"\\\\server\\share\\x"), INVALID_FILE_ATTRIBUTES);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_BAD_NETPATH);
    SetLastError(0);
    CU_ASSERT_EQUAL(GetFileAttributesW(L"R:\\x"), INVALID_FILE_ATTRIBUTES);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
    SetLastError(0);
    CU_ASSERT_EQUAL(GetFileAttributesW(L""), INVALID_FILE_ATTRIBUTES);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_NAME);
}

/* \\?\Volume{GUID}\ reaches the volume's root: here, through its drive letter. */
static void test_volume_guid_names(void)
{
    struct umbra_volume vol;
    char name[128], with_rest[256];

    CU_ASSERT_EQUAL_FATAL(umbra_volume_from_path(root, &vol), 0);
    umbra_volume_guid_name(&vol.guid, name, sizeof(name));
    umbra_volume_free(&vol);
    CU_ASSERT_STRING_EQUAL(mapped(name), root);
    snprintf(with_rest, sizeof(with_rest), "%sData\\Sub", name);
    CU_ASSERT_STRING_EQUAL(mapped(with_rest), at("Data/Sub"));
}

/* Windows does not care about case; an existing entry is found whatever the spelling. */
static void test_case_insensitive(void)
{
    make_file("Data/Sub/Report.TXT", "x");
    CU_ASSERT_STRING_EQUAL(mapped("Q:\\DATA\\sub\\report.txt"), at("Data/Sub/Report.TXT"));
    CU_ASSERT_NOT_EQUAL(GetFileAttributesW(L"q:\\data\\SUB\\REPORT.txt"), INVALID_FILE_ATTRIBUTES);
    /* a name that is not there keeps its spelling (a file about to be created) */
    CU_ASSERT_STRING_EQUAL(mapped("Q:\\data\\New.Txt"), at("Data/New.Txt"));
    /* opening finds the other spelling; creating takes the name as spelled */
    {
        HANDLE h = CreateFileW(L"Q:\\data\\sub\\REPORT.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
        struct stat st;

        CU_ASSERT(h != INVALID_HANDLE_VALUE);
        CloseHandle(h);
        h = CreateFileW(L"Q:\\data\\sub\\REPORT.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
        CU_ASSERT(h != INVALID_HANDLE_VALUE);
        CloseHandle(h);
        CU_ASSERT_EQUAL(stat(at("Data/Sub/REPORT.txt"), &st), 0);
        CU_ASSERT_EQUAL(stat(at("Data/Sub/Report.TXT"), &st), 0);
    }
}

static void test_full_path_name(void)
{
    WCHAR buf[MAX_PATH], *part = NULL, cwd[MAX_PATH];
    char saved[PATH_MAX];
    DWORD len;

    len = GetFullPathNameW(L"C:\\a\\..\\b\\.\\c.txt", MAX_PATH, buf, &part);
    CU_ASSERT_EQUAL(len, 10);
    CU_ASSERT(!wcscmp(buf, L"C:\\b\\c.txt"));
    CU_ASSERT(part && !wcscmp(part, L"c.txt"));
    CU_ASSERT_EQUAL(GetFullPathNameW(L"C:\\x\\", MAX_PATH, buf, &part), 5);
    CU_ASSERT(!wcscmp(buf, L"C:\\x\\"));
    CU_ASSERT_PTR_NULL(part);   /* nothing after the last separator */
    CU_ASSERT_EQUAL(GetFullPathNameW(L"c:", MAX_PATH, buf, NULL), 3);
    CU_ASSERT(!wcscmp(buf, L"c:\\"));
    CU_ASSERT(GetFullPathNameW(L"/srv/a\\b/../c", MAX_PATH, buf, NULL) && !wcscmp(buf, L"/srv/a/c"));
    CU_ASSERT(GetFullPathNameW(L"\\\\server\\share\\a\\..\\b", MAX_PATH, buf, NULL)
              && !wcscmp(buf, L"\\\\server\\share\\b"));
    /* too small: the size needed, with the NUL */
    CU_ASSERT_EQUAL(GetFullPathNameW(L"C:\\a\\b", 3, buf, NULL), 7);
    SetLastError(0);
    CU_ASSERT_EQUAL(GetFullPathNameW(L"", MAX_PATH, buf, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_NAME);

    /* relative to a current directory that a drive letter holds: a drive path */
    CU_ASSERT_FATAL(getcwd(saved, sizeof(saved)) != NULL);
    CU_ASSERT_FATAL(SetCurrentDirectoryW(L"Q:\\Data"));
    CU_ASSERT(GetCurrentDirectoryW(MAX_PATH, cwd) > 0);
    CU_ASSERT(!wcscmp(cwd, L"Q:\\Data"));
    CU_ASSERT(GetFullPathNameW(L"Sub\\..\\f.txt", MAX_PATH, buf, NULL) && !wcscmp(buf, L"Q:\\Data\\f.txt"));
    CU_ASSERT_EQUAL(GetCurrentDirectoryW(2, cwd), 8);
    SetLastError(0);
    CU_ASSERT(!SetCurrentDirectoryW(L"Q:\\missing"));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    CU_ASSERT_EQUAL(chdir(saved), 0);
}

static void test_temp_files(void)
{
    WCHAR dir[MAX_PATH], name[MAX_PATH];
    char tmp[PATH_MAX];
    UINT unique;

    snprintf(tmp, sizeof(tmp), "%s", at("Data"));
    setenv("TMP", tmp, 1);
    CU_ASSERT(GetTempPathW(MAX_PATH, dir) > 0);
    CU_ASSERT_EQUAL(dir[wcslen(dir) - 1], L'/');
    unsetenv("TMP");
    setenv("TEMP", "Q:\\Data", 1);
    CU_ASSERT(GetTempPathW(MAX_PATH, dir) > 0);
    CU_ASSERT(!wcscmp(dir, L"Q:\\Data\\"));
    unsetenv("TEMP");

    /* unique 0: a new file is made and its number returned */
    unique = GetTempFileNameW(L"Q:\\Data", L"vssxx", 0, name);
    CU_ASSERT_NOT_EQUAL(unique, 0);
    CU_ASSERT(!wcsncmp(name, L"Q:\\Data\\vss", 11));
    CU_ASSERT(wcslen(name) > 4 && !wcscmp(name + wcslen(name) - 4, L".tmp"));
    CU_ASSERT_NOT_EQUAL(GetFileAttributesW(name), INVALID_FILE_ATTRIBUTES);
    CU_ASSERT(DeleteFileW(name));
    /* a given number: the name only */
    CU_ASSERT_EQUAL(GetTempFileNameW(L"/x", L"ab", 0x1234, name), 0x1234);
    CU_ASSERT(!wcscmp(name, L"/x/ab1234.tmp"));
}

static void test_environment(void)
{
    WCHAR buf[256];

    CU_ASSERT(SetEnvironmentVariableW(L"UMBRA_TEST_VAR", L"value"));
    CU_ASSERT_EQUAL(GetEnvironmentVariableW(L"UMBRA_TEST_VAR", buf, 256), 5);
    CU_ASSERT(!wcscmp(buf, L"value"));
    /* names do not care about case */
    CU_ASSERT_EQUAL(GetEnvironmentVariableW(L"umbra_test_var", buf, 256), 5);
    /* too small: the size with the NUL */
    CU_ASSERT_EQUAL(GetEnvironmentVariableW(L"UMBRA_TEST_VAR", buf, 3), 6);

    CU_ASSERT_EQUAL(ExpandEnvironmentStringsW(L"a%UMBRA_TEST_VAR%b%NO_SUCH_VAR_X%c%", buf, 256), 25);
    CU_ASSERT(!wcscmp(buf, L"avalueb%NO_SUCH_VAR_X%c%"));
    CU_ASSERT_EQUAL(ExpandEnvironmentStringsW(L"%UMBRA_TEST_VAR%", NULL, 0), 6);

    CU_ASSERT(SetEnvironmentVariableW(L"UMBRA_TEST_VAR", NULL));
    SetLastError(0);
    CU_ASSERT_EQUAL(GetEnvironmentVariableW(L"UMBRA_TEST_VAR", buf, 256), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ENVVAR_NOT_FOUND);
    CU_ASSERT(!SetEnvironmentVariableW(L"A=B", L"x"));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_computer_name(void)
{
    WCHAR name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD size = ARRAYSIZE(name), tiny = 1;
    char host[256];

    CU_ASSERT(GetComputerNameW(name, &size));
    CU_ASSERT_EQUAL(size, wcslen(name));
    CU_ASSERT(size > 0 && size <= MAX_COMPUTERNAME_LENGTH);
    CU_ASSERT_EQUAL(gethostname(host, sizeof(host)), 0);
    CU_ASSERT_EQUAL(towlower(name[0]), (WCHAR)tolower((unsigned char)host[0]));
    SetLastError(0);
    CU_ASSERT(!GetComputerNameW(name, &tiny));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_BUFFER_OVERFLOW);
    CU_ASSERT_EQUAL(tiny, size + 1);
}

static void test_shlwapi(void)
{
    WCHAR path[MAX_PATH];

    CU_ASSERT(PathFileExistsW(L"Q:\\Data"));
    CU_ASSERT(!PathFileExistsW(L"Q:\\Nope"));
    CU_ASSERT(!PathFileExistsW(NULL));
    CU_ASSERT_EQUAL(PathIsDirectoryW(L"Q:\\Data"), FILE_ATTRIBUTE_DIRECTORY);
    CU_ASSERT_EQUAL(PathIsDirectoryW(L"Q:\\Data\\Sub\\Report.TXT"), FALSE);

    wcscpy(path, L"C:\\dir");
    CU_ASSERT(PathAppendW(path, L"sub\\file.txt"));
    CU_ASSERT(!wcscmp(path, L"C:\\dir\\sub\\file.txt"));
    CU_ASSERT(!wcscmp(PathFindFileNameW(path), L"file.txt"));
    CU_ASSERT(!wcscmp(PathFindExtensionW(path), L".txt"));
    CU_ASSERT(PathRemoveFileSpecW(path));
    CU_ASSERT(!wcscmp(path, L"C:\\dir\\sub"));
    CU_ASSERT(PathAddBackslashW(path) != NULL);
    CU_ASSERT(!wcscmp(path, L"C:\\dir\\sub\\"));
    PathRemoveBackslashW(path);
    CU_ASSERT(!wcscmp(path, L"C:\\dir\\sub"));
    wcscpy(path, L"C:\\");
    PathRemoveBackslashW(path);
    CU_ASSERT(!wcscmp(path, L"C:\\"));

    /* POSIX paths get '/' */
    wcscpy(path, L"/srv/data");
    CU_ASSERT(PathAppendW(path, L"x"));
    CU_ASSERT(!wcscmp(path, L"/srv/data/x"));
    CU_ASSERT(PathCombineW(path, L"C:\\a\\b", L"..\\c") == path);
    CU_ASSERT(!wcscmp(path, L"C:\\a\\c"));
    CU_ASSERT(PathCombineW(path, L"C:\\a", L"D:\\z") && !wcscmp(path, L"D:\\z"));
    CU_ASSERT(PathIsRelativeW(L"a\\b"));
    CU_ASSERT(!PathIsRelativeW(L"C:\\a"));
    CU_ASSERT(!PathIsRelativeW(L"/a"));
    wcscpy(path, L"C:\\dir\\name.ext");
    PathStripPathW(path);
    CU_ASSERT(!wcscmp(path, L"name.ext"));
}

static CU_TestInfo path_tests[] =
{
    { "drive letters", test_drive_letters },
    { "POSIX and relative paths", test_posix_and_relative },
    { "refused names", test_refused_names },
    { "volume GUID names", test_volume_guid_names },
    { "case-insensitive lookup", test_case_insensitive },
    { "GetFullPathName and the current directory", test_full_path_name },
    { "temporary files", test_temp_files },
    { "environment", test_environment },
    { "computer name", test_computer_name },
    { "shlwapi path helpers", test_shlwapi },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_path, suite_init, NULL, path_tests);
