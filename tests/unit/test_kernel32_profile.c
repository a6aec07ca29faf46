/*
 * test_kernel32_profile.c: INI files through GetPrivateProfileString and
 * friends: values, defaults (trailing blanks dropped), case, quotes,
 * comments, the section and key lists and how Windows cuts them to a small
 * buffer, GetPrivateProfileInt, UTF-16 files, a bare file name looked up in
 * $VSS_CONFIG_DIR, and WritePrivateProfileString adding, replacing and
 * deleting while keeping the rest of the file.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "harness.h"

static WCHAR ini[PATH_MAX];
static char ini_path[PATH_MAX];

static int write_bytes(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), ok;

    if (fd < 0) return -1;
    ok = write(fd, data, len) == (ssize_t)len;
    close(fd);
    return ok ? 0 : -1;
}

static int suite_init(void)
{
    static const char text[] =
        "; a comment\r\n"
        "[Backup]\r\n"
        "Target = D:\\backups  \r\n"
        "Retries=3\r\n"
        "Quoted=\"  spaced  \"\r\n"
        "# another comment\r\n"
        "Empty=\r\n"
        "\r\n"
        "[writers]\r\n"
        "sql=yes\r\n"
        "Negative=-12abc\r\n";
    char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s/config", umbra_test_tmpdir());
    mkdir(dir, 0755);
    setenv("VSS_CONFIG_DIR", dir, 1);
    snprintf(ini_path, sizeof(ini_path), "%s/settings.ini", umbra_test_tmpdir());
    mbstowcs(ini, ini_path, PATH_MAX);
    return write_bytes(ini_path, text, sizeof(text) - 1);
}

static void test_values(void)
{
    WCHAR buf[128];

    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"Backup", L"Target", L"", buf, 128, ini), 10);
    CU_ASSERT(!wcscmp(buf, L"D:\\backups"));
    /* no regard to case */
    CU_ASSERT(GetPrivateProfileStringW(L"BACKUP", L"retries", L"", buf, 128, ini) == 1 && !wcscmp(buf, L"3"));
    /* quotes go */
    CU_ASSERT(GetPrivateProfileStringW(L"Backup", L"Quoted", L"", buf, 128, ini) == 10);
    CU_ASSERT(!wcscmp(buf, L"  spaced  "));
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"Backup", L"Empty", L"def", buf, 128, ini), 0);
    CU_ASSERT(!wcscmp(buf, L""));
    /* missing: the default, without its trailing blanks */
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"Backup", L"Missing", L"fallback  ", buf, 128, ini), 8);
    CU_ASSERT(!wcscmp(buf, L"fallback"));
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"Nope", L"x", NULL, buf, 128, ini), 0);
    CU_ASSERT(!wcscmp(buf, L""));
    /* a comment is no key */
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"Backup", L"# another comment", L"-", buf, 128, ini), 1);
    /* cut to the buffer */
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"Backup", L"Target", L"", buf, 5, ini), 4);
    CU_ASSERT(!wcscmp(buf, L"D:\\b"));
    /* no file: the default, and ERROR_FILE_NOT_FOUND */
    SetLastError(0);
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"a", L"b", L"dflt", buf, 128, L"/no/such/file.ini"), 4);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
}

static void test_lists(void)
{
    WCHAR buf[128];
    DWORD len;

    len = GetPrivateProfileStringW(NULL, NULL, L"", buf, 128, ini);
    CU_ASSERT_EQUAL(len, 15);
    CU_ASSERT(!memcmp(buf, L"Backup\0writers\0", 16 * sizeof(WCHAR)));
    len = GetPrivateProfileStringW(L"writers", NULL, L"", buf, 128, ini);
    CU_ASSERT_EQUAL(len, 13);
    CU_ASSERT(!memcmp(buf, L"sql\0Negative\0", 14 * sizeof(WCHAR)));
    /* too small: cut, double-terminated, size - 2 */
    len = GetPrivateProfileStringW(NULL, NULL, L"", buf, 10, ini);
    CU_ASSERT_EQUAL(len, 8);
    CU_ASSERT(buf[8] == 0 && buf[9] == 0);
    len = GetPrivateProfileSectionW(L"writers", buf, 128, ini);
    CU_ASSERT_EQUAL(len, 24);
    CU_ASSERT(!memcmp(buf, L"sql=yes\0Negative=-12abc\0", 25 * sizeof(WCHAR)));
}

static void test_ints(void)
{
    CU_ASSERT_EQUAL(GetPrivateProfileIntW(L"Backup", L"Retries", 9, ini), 3);
    CU_ASSERT_EQUAL((INT)GetPrivateProfileIntW(L"writers", L"Negative", 9, ini), -12);
    CU_ASSERT_EQUAL(GetPrivateProfileIntW(L"writers", L"sql", 9, ini), 0);
    CU_ASSERT_EQUAL(GetPrivateProfileIntW(L"writers", L"missing", 9, ini), 9);
    CU_ASSERT_EQUAL(GetPrivateProfileIntA("Backup", "Retries", 9, ini_path), 3);
}

static void test_utf16_and_bare_names(void)
{
    /* UTF-16LE with a BOM: [S] k=é */
    static const unsigned char utf16[] =
    {
        0xFF, 0xFE, '[', 0, 'S', 0, ']', 0, '\r', 0, '\n', 0, 'k', 0, '=', 0, 0xE9, 0, '\r', 0, '\n', 0,
    };
    char path[PATH_MAX];
    WCHAR buf[32];
    char narrow[32];

    snprintf(path, sizeof(path), "%s/config/vss-test.ini", umbra_test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(write_bytes(path, utf16, sizeof(utf16)), 0);
    /* a bare name is looked for in $VSS_CONFIG_DIR */
    CU_ASSERT_EQUAL(GetPrivateProfileStringW(L"S", L"k", L"", buf, 32, L"vss-test.ini"), 1);
    CU_ASSERT_EQUAL(buf[0], 0xE9);
    CU_ASSERT_EQUAL(GetPrivateProfileStringA("S", "k", "", narrow, 32, "vss-test.ini"), 2);
    CU_ASSERT_STRING_EQUAL(narrow, "\xc3\xa9");
}

static void test_write(void)
{
    WCHAR buf[128];
    char path[PATH_MAX], text[512] = "";
    FILE *f;

    snprintf(path, sizeof(path), "%s/write.ini", umbra_test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(write_bytes(path, "# keep me\n[A]\nx=1\n\n[B]\ny=2\n", 27), 0);
    CU_ASSERT(WritePrivateProfileStringA("A", "x", "10", path));
    CU_ASSERT(WritePrivateProfileStringA("A", "new", "n", path));
    CU_ASSERT(WritePrivateProfileStringA("C", "z", "3", path));
    CU_ASSERT(WritePrivateProfileStringA("B", "y", NULL, path));
    f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    text[fread(text, 1, sizeof(text) - 1, f)] = 0;
    fclose(f);
    CU_ASSERT_STRING_EQUAL(text, "# keep me\n[A]\nx=10\nnew=n\n\n[B]\n[C]\nz=3\n");
    /* and back through the reading side */
    mbstowcs(buf, path, 128);
    {
        WCHAR value[16];
        CU_ASSERT(GetPrivateProfileStringW(L"a", L"X", L"", value, 16, buf) == 2 && !wcscmp(value, L"10"));
    }
    CU_ASSERT(WritePrivateProfileStringA("A", NULL, NULL, path));
    f = fopen(path, "r");
    text[fread(text, 1, sizeof(text) - 1, f)] = 0;
    fclose(f);
    CU_ASSERT_STRING_EQUAL(text, "# keep me\n[B]\n[C]\nz=3\n");
    CU_ASSERT(WritePrivateProfileStringW(NULL, NULL, NULL, NULL));
    CU_ASSERT(!WritePrivateProfileStringW(NULL, L"k", L"v", buf));
}

static CU_TestInfo profile_tests[] =
{
    { "values and defaults", test_values },
    { "section and key lists", test_lists },
    { "GetPrivateProfileInt", test_ints },
    { "UTF-16 files, bare names", test_utf16_and_bare_names },
    { "WritePrivateProfileString", test_write },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_profile, suite_init, NULL, profile_tests);
