/*
 * test_wcs.c: the Microsoft CRT string functions glibc lacks, wide and
 * narrow: case-insensitive comparison (Microsoft compares lower-case forms),
 * the _s copies (documented: an errno value back, the destination emptied on
 * failure, STRUNCATE with _TRUNCATE), _wtoi and friends (clamped, ERANGE).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <windows.h>
#include "harness.h"

static void test_wcsicmp(void)
{
    CU_ASSERT_EQUAL(_wcsicmp(L"Volume", L"VOLUME"), 0);
    CU_ASSERT(_wcsicmp(L"abc", L"ABD") < 0);
    CU_ASSERT(_wcsicmp(L"abd", L"ABC") > 0);
    CU_ASSERT(_wcsicmp(L"ab", L"ABC") < 0);
    /* lower-case forms: '_' (0x5F) sorts before 'a' (0x61) */
    CU_ASSERT(_wcsicmp(L"_", L"A") < 0);
    CU_ASSERT_EQUAL(_wcsicmp(L"\u00c9t\u00c9", L"\u00e9t\u00e9"), 0);
    CU_ASSERT_EQUAL(_wcsnicmp(L"C:\\Data", L"c:\\other", 3), 0);
    CU_ASSERT(_wcsnicmp(L"C:\\Data", L"c:\\other", 4) < 0);
    CU_ASSERT_EQUAL(_wcsnicmp(L"x", L"y", 0), 0);
    errno = 0;
    CU_ASSERT_EQUAL(_wcsicmp(NULL, L"a"), _NLSCMPERROR);
    CU_ASSERT_EQUAL(errno, EINVAL);

    CU_ASSERT_EQUAL(_stricmp("Writer", "WRITER"), 0);
    CU_ASSERT(_stricmp("_", "A") < 0);
    CU_ASSERT(_strnicmp("abcX", "ABCy", 3) == 0);
    CU_ASSERT_EQUAL(_stricmp(NULL, "a"), _NLSCMPERROR);
}

static void test_dup(void)
{
    wchar_t *w = _wcsdup(L"copy \U0001F600");
    char *n = _strdup("copy");

    CU_ASSERT(w && !wcscmp(w, L"copy \U0001F600"));
    CU_ASSERT(n && !strcmp(n, "copy"));
    free(w);
    free(n);
    CU_ASSERT_PTR_NULL(_wcsdup(NULL));
    CU_ASSERT_PTR_NULL(_strdup(NULL));
}

static void test_wcscpy_s(void)
{
    wchar_t buf[4];

    CU_ASSERT_EQUAL(wcscpy_s(buf, 4, L"abc"), 0);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    errno = 0;
    CU_ASSERT_EQUAL(wcscpy_s(buf, 4, L"abcd"), ERANGE);
    CU_ASSERT_EQUAL(errno, ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    buf[0] = L'x';
    CU_ASSERT_EQUAL(wcscpy_s(buf, 4, NULL), EINVAL);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(wcscpy_s(NULL, 4, L"a"), EINVAL);
    CU_ASSERT_EQUAL(wcscpy_s(buf, 0, L"a"), EINVAL);

    CU_ASSERT_EQUAL(wcsncpy_s(buf, 4, L"abcdef", 2), 0);
    CU_ASSERT(!wcscmp(buf, L"ab"));
    CU_ASSERT_EQUAL(wcsncpy_s(buf, 4, L"abcdef", _TRUNCATE), STRUNCATE);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(wcsncpy_s(buf, 4, L"abc", _TRUNCATE), 0);
    CU_ASSERT_EQUAL(wcsncpy_s(buf, 4, L"abcdef", 4), ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(wcsncpy_s(buf, 4, NULL, 0), 0);
    CU_ASSERT_EQUAL(wcsncpy_s(NULL, 0, NULL, 0), 0);
}

static void test_wcscat_s(void)
{
    wchar_t buf[6];

    wcscpy_s(buf, 6, L"ab");
    CU_ASSERT_EQUAL(wcscat_s(buf, 6, L"cd"), 0);
    CU_ASSERT(!wcscmp(buf, L"abcd"));
    CU_ASSERT_EQUAL(wcscat_s(buf, 6, L"ef"), ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    wmemset(buf, L'x', 6);   /* no terminator */
    CU_ASSERT_EQUAL(wcscat_s(buf, 6, L"a"), EINVAL);
    CU_ASSERT_EQUAL(buf[0], 0);

    wcscpy_s(buf, 6, L"ab");
    CU_ASSERT_EQUAL(wcsncat_s(buf, 6, L"cdefgh", 2), 0);
    CU_ASSERT(!wcscmp(buf, L"abcd"));
    CU_ASSERT_EQUAL(wcsncat_s(buf, 6, L"efgh", _TRUNCATE), STRUNCATE);
    CU_ASSERT(!wcscmp(buf, L"abcde"));
}

static void test_narrow_s(void)
{
    char buf[4];

    CU_ASSERT_EQUAL(strcpy_s(buf, 4, "abc"), 0);
    CU_ASSERT_EQUAL(strcpy_s(buf, 4, "abcd"), ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(strncpy_s(buf, 4, "abcdef", _TRUNCATE), STRUNCATE);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    CU_ASSERT_EQUAL(strcpy_s(buf, 4, "a"), 0);
    CU_ASSERT_EQUAL(strcat_s(buf, 4, "bc"), 0);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    CU_ASSERT_EQUAL(strcat_s(buf, 4, "d"), ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(strncat_s(buf, 4, "xyz", 2), 0);
    CU_ASSERT_STRING_EQUAL(buf, "xy");
    CU_ASSERT_EQUAL(strcpy_s(NULL, 4, "a"), EINVAL);
}

static void test_wtoi(void)
{
    CU_ASSERT_EQUAL(_wtoi(L"  -42abc"), -42);
    CU_ASSERT_EQUAL(_wtoi(L"+17"), 17);
    CU_ASSERT_EQUAL(_wtoi(L"abc"), 0);
    errno = 0;
    CU_ASSERT_EQUAL(_wtoi(L"99999999999"), INT_MAX);
    CU_ASSERT_EQUAL(errno, ERANGE);
    CU_ASSERT_EQUAL(_wtoi(L"-99999999999"), INT_MIN);
    CU_ASSERT_EQUAL(_wtol(L"4294967296"), INT_MAX);   /* long is 32 bits */
    CU_ASSERT_EQUAL(_wtoi64(L"-9223372036854775807"), -9223372036854775807LL);
    errno = 0;
    CU_ASSERT_EQUAL(_wtoi(NULL), 0);
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_EQUAL(_atoi64("1234567890123"), 1234567890123LL);
    CU_ASSERT_EQUAL(_atoi64(NULL), 0);
}

static CU_TestInfo wcs_tests[] =
{
    { "_wcsicmp/_stricmp", test_wcsicmp },
    { "_wcsdup/_strdup", test_dup },
    { "wcscpy_s/wcsncpy_s", test_wcscpy_s },
    { "wcscat_s/wcsncat_s", test_wcscat_s },
    { "narrow _s functions", test_narrow_s },
    { "_wtoi/_wtol/_wtoi64", test_wtoi },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(wcs, NULL, NULL, wcs_tests);
