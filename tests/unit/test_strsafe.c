/*
 * test_strsafe.c: the SDK's StringCch and StringCb functions.  Microsoft's
 * documented contract: the destination is always NUL-terminated; text that
 * does not fit is cut and STRSAFE_E_INSUFFICIENT_BUFFER returned; a zero or
 * oversized (> STRSAFE_MAX_CCH) destination, a NULL pointer or a missing
 * terminator is STRSAFE_E_INVALID_PARAMETER.  StringCchPrintfW takes
 * Microsoft formats (%s wide, %S narrow; DESIGN.md §2).
 */
#include <string.h>
#include <windows.h>
#include <strsafe.h>
#include "harness.h"

#define SENTINEL L'#'

static void test_copy(void)
{
    WCHAR buf[8];

    CU_ASSERT_EQUAL(StringCchCopyW(buf, 8, L"abc"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(StringCchCopyW(buf, 4, L"abc"), S_OK);   /* exactly fits */

    CU_ASSERT_EQUAL(StringCchCopyW(buf, 4, L"abcdef"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(StringCchCopyW(buf, 1, L"a"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(StringCchCopyW(buf, 2, L"\U0001F600\U0001F600"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(buf[0], 0x1F600);
    CU_ASSERT_EQUAL(buf[1], 0);

    /* a zero-sized destination is not written */
    buf[0] = SENTINEL;
    CU_ASSERT_EQUAL(StringCchCopyW(buf, 0, L"a"), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(buf[0], SENTINEL);
    /* an oversized one is emptied */
    CU_ASSERT_EQUAL(StringCchCopyW(buf, (size_t)STRSAFE_MAX_CCH + 1, L"a"), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(buf[0], 0);
    buf[0] = SENTINEL;
    CU_ASSERT_EQUAL(StringCchCopyW(buf, 8, NULL), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(StringCchCopyW(NULL, 8, L"a"), STRSAFE_E_INVALID_PARAMETER);

    CU_ASSERT_EQUAL(StringCchCopyNW(buf, 8, L"abcdef", 2), S_OK);
    CU_ASSERT(!wcscmp(buf, L"ab"));
    CU_ASSERT_EQUAL(StringCchCopyNW(buf, 3, L"abcdef", 5), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"ab"));
    CU_ASSERT_EQUAL(StringCchCopyNW(buf, 8, L"a\0bc", 4), S_OK);   /* stops at the NUL */
    CU_ASSERT(!wcscmp(buf, L"a"));
}

static void test_cat(void)
{
    WCHAR buf[8];

    StringCchCopyW(buf, 8, L"ab");
    CU_ASSERT_EQUAL(StringCchCatW(buf, 8, L"cd"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"abcd"));
    CU_ASSERT_EQUAL(StringCchCatW(buf, 8, L"efghij"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"abcdefg"));
    CU_ASSERT_EQUAL(StringCchCatW(buf, 8, L""), S_OK);   /* full, nothing to add */
    CU_ASSERT_EQUAL(StringCchCatW(buf, 8, L"x"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"abcdefg"));

    /* a destination without a terminator is refused and left alone */
    wmemset(buf, SENTINEL, 8);
    CU_ASSERT_EQUAL(StringCchCatW(buf, 8, L"x"), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(buf[0], SENTINEL);

    StringCchCopyW(buf, 8, L"ab");
    CU_ASSERT_EQUAL(StringCchCatNW(buf, 8, L"cdef", 2), S_OK);
    CU_ASSERT(!wcscmp(buf, L"abcd"));
    CU_ASSERT_EQUAL(StringCchCatW(buf, 8, NULL), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(StringCchCatW(buf, 0, L"x"), STRSAFE_E_INVALID_PARAMETER);
}

static void test_length(void)
{
    size_t len = 99;

    CU_ASSERT_EQUAL(StringCchLengthW(L"abc", 10, &len), S_OK);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_EQUAL(StringCchLengthW(L"abc", 4, &len), S_OK);
    CU_ASSERT_EQUAL(StringCchLengthW(L"abc", 3, &len), STRSAFE_E_INVALID_PARAMETER);   /* no NUL within 3 */
    CU_ASSERT_EQUAL(len, 0);
    len = 99;
    CU_ASSERT_EQUAL(StringCchLengthW(NULL, 10, &len), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_EQUAL(StringCchLengthW(L"", 0, &len), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(StringCchLengthW(L"abc", (size_t)STRSAFE_MAX_CCH + 1, &len), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(StringCchLengthW(L"abc", 10, NULL), S_OK);

    CU_ASSERT_EQUAL(StringCbLengthW(L"abc", 16, &len), S_OK);
    CU_ASSERT_EQUAL(len, 3 * sizeof(WCHAR));
    CU_ASSERT_EQUAL(StringCchLengthA("abcd", 10, &len), S_OK);
    CU_ASSERT_EQUAL(len, 4);
}

static HRESULT call_vprintf(WCHAR *buf, size_t cch, const WCHAR *fmt, ...)
{
    va_list args;
    HRESULT hr;

    va_start(args, fmt);
    hr = StringCchVPrintfW(buf, cch, fmt, args);
    va_end(args);
    return hr;
}

static void test_printf(void)
{
    WCHAR buf[8];

    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 8, L"%s=%d", L"ab", 42), S_OK);
    CU_ASSERT(!wcscmp(buf, L"ab=42"));
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 8, L"%S|%c", "n", L'w'), S_OK);
    CU_ASSERT(!wcscmp(buf, L"n|w"));

    /* exactly cch - 1 characters fit; one more is cut and NUL-terminated */
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 8, L"%s", L"1234567"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"1234567"));
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 8, L"%s", L"12345678"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"1234567"));
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 4, L"%I64d", -1234567LL), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"-12"));

    CU_ASSERT_EQUAL(call_vprintf(buf, 8, L"%ls%hs", L"v", "a"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"va"));

    /* bad formats and arguments leave an empty string */
    buf[0] = SENTINEL;
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 8, L"%n", NULL), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(buf[0], 0);
    buf[0] = SENTINEL;
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 8, NULL), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(StringCchPrintfW(buf, 0, L"x"), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(StringCchPrintfW(NULL, 8, L"x"), STRSAFE_E_INVALID_PARAMETER);
}

static void test_cb(void)
{
    WCHAR buf[8];
    char narrow[8];

    CU_ASSERT_EQUAL(StringCbCopyW(buf, sizeof(buf), L"abc"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(StringCbCopyW(buf, 4 * sizeof(WCHAR), L"abcd"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    /* fewer bytes than one WCHAR is no buffer at all */
    CU_ASSERT_EQUAL(StringCbCopyW(buf, sizeof(WCHAR) - 1, L""), STRSAFE_E_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(StringCbCatW(buf, sizeof(buf), L"de"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"abcde"));
    CU_ASSERT_EQUAL(StringCbPrintfW(buf, sizeof(buf), L"%s-%S", L"x", "y"), S_OK);
    CU_ASSERT(!wcscmp(buf, L"x-y"));
    CU_ASSERT_EQUAL(StringCbPrintfW(buf, 3 * sizeof(WCHAR), L"%d", 1000), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT(!wcscmp(buf, L"10"));
    CU_ASSERT_EQUAL(StringCbCopyNW(buf, sizeof(buf), L"abcdef", 2 * sizeof(WCHAR)), S_OK);
    CU_ASSERT(!wcscmp(buf, L"ab"));

    /* the narrow forms: %S is a wide string there */
    CU_ASSERT_EQUAL(StringCchPrintfA(narrow, 8, "%S:%d", L"w", 5), S_OK);
    CU_ASSERT_STRING_EQUAL(narrow, "w:5");
    CU_ASSERT_EQUAL(StringCbPrintfA(narrow, 4, "%s", "abcd"), STRSAFE_E_INSUFFICIENT_BUFFER);
    CU_ASSERT_STRING_EQUAL(narrow, "abc");
    CU_ASSERT_EQUAL(StringCchCopyA(narrow, 8, "xy"), S_OK);
    CU_ASSERT_EQUAL(StringCchCatA(narrow, 8, "z"), S_OK);
    CU_ASSERT_STRING_EQUAL(narrow, "xyz");
    CU_ASSERT_EQUAL(StringCbCatA(narrow, 4, "w"), STRSAFE_E_INSUFFICIENT_BUFFER);
}

static CU_TestInfo strsafe_tests[] =
{
    { "StringCchCopy", test_copy },
    { "StringCchCat", test_cat },
    { "StringCchLength", test_length },
    { "StringCchPrintf", test_printf },
    { "StringCb and narrow forms", test_cb },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(strsafe, NULL, NULL, strsafe_tests);
