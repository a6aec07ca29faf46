/*
 * test_codepage.c: MultiByteToWideChar and WideCharToMultiByte.  The ANSI and
 * OEM code pages of an Umbra process are UTF-8 (winnls.h), WCHAR is UTF-32
 * (DESIGN.md §2).  Expected results are Microsoft's documented behaviour: -1
 * counts the NUL, a zero destination size asks for the size, a short buffer
 * is ERROR_INSUFFICIENT_BUFFER, MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS
 * turn ill-formed input into ERROR_NO_UNICODE_TRANSLATION, and otherwise each
 * ill-formed sequence becomes U+FFFD.
 */
#include <string.h>
#include <windows.h>
#include "harness.h"

static void test_mb_basic(void)
{
    WCHAR buf[16];
    int n;

    n = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9llo", -1, NULL, 0);
    CU_ASSERT_EQUAL(n, 6);   /* five characters and the NUL */
    n = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9llo", -1, buf, 16);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT(!wcscmp(buf, L"h\u00e9llo"));

    /* an explicit length converts exactly that, with no terminator */
    wmemset(buf, L'#', 16);
    n = MultiByteToWideChar(CP_ACP, 0, "abc", 2, buf, 16);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(buf[1], L'b');
    CU_ASSERT_EQUAL(buf[2], L'#');

    /* embedded NULs are characters like any other */
    n = MultiByteToWideChar(CP_OEMCP, 0, "a\0b", 3, buf, 16);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(buf[1], 0);
    CU_ASSERT_EQUAL(buf[2], L'b');

    /* CP_ACP takes the flags Windows allows for ANSI code pages */
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_ACP, MB_PRECOMPOSED, "x", -1, buf, 16), 2);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_THREAD_ACP, 0, "x", -1, buf, 16), 2);
}

static void test_mb_non_bmp(void)
{
    WCHAR buf[4];

    /* U+1F600 is one WCHAR here: WCHAR is UTF-32 */
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, "\xf0\x9f\x98\x80", -1, buf, 4), 2);
    CU_ASSERT_EQUAL(buf[0], 0x1F600);
    CU_ASSERT_EQUAL(buf[1], 0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, "\xf4\x8f\xbf\xbf", 4, buf, 4), 1);
    CU_ASSERT_EQUAL(buf[0], 0x10FFFF);
}

struct bad_case
{
    const char *bytes;
    int len;
    int count;
    WCHAR expect[6];
};

static void test_mb_invalid(void)
{
    static const struct bad_case cases[] =
    {
        { "\x80", 1, 1, { 0xFFFD } },                                   /* stray continuation */
        { "\xc0\x80", 2, 2, { 0xFFFD, 0xFFFD } },                       /* overlong NUL */
        { "\xe0\x80\x80", 3, 3, { 0xFFFD, 0xFFFD, 0xFFFD } },           /* overlong */
        { "\xed\xa0\x80", 3, 3, { 0xFFFD, 0xFFFD, 0xFFFD } },           /* encoded surrogate */
        { "\xf4\x90\x80\x80", 4, 4, { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD } }, /* above U+10FFFF */
        { "\xe2\x82", 2, 1, { 0xFFFD } },                               /* cut short at the end */
        { "\xe2\x82" "A", 3, 2, { 0xFFFD, 'A' } },                      /* cut short mid-string */
        { "\xf0\x9f\x98", 3, 1, { 0xFFFD } },
        { "\xff" "b", 2, 2, { 0xFFFD, 'b' } },
    };
    WCHAR buf[8];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        int n = MultiByteToWideChar(CP_UTF8, 0, cases[i].bytes, cases[i].len, buf, 8);
        CU_ASSERT_EQUAL(n, cases[i].count);
        if (n == cases[i].count) CU_ASSERT(!memcmp(buf, cases[i].expect, n * sizeof(WCHAR)));

        SetLastError(0);
        CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, cases[i].bytes,
                                            cases[i].len, buf, 8), 0);
        CU_ASSERT_EQUAL(GetLastError(), ERROR_NO_UNICODE_TRANSLATION);
    }
    /* the size query fails the same way */
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "\x80", -1, NULL, 0), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NO_UNICODE_TRANSLATION);
}

static void test_mb_errors(void)
{
    WCHAR buf[4];
    char same[8] = "abc";

    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, "abcd", -1, buf, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INSUFFICIENT_BUFFER);

    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, NULL, -1, buf, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, "a", 0, buf, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, "a", -1, NULL, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, "a", -1, buf, -1), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, 0, same, -1, (LPWSTR)same, 2), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(1252, 0, "a", -1, buf, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    /* CP_UTF8 takes no flag but MB_ERR_INVALID_CHARS */
    SetLastError(0);
    CU_ASSERT_EQUAL(MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "a", -1, buf, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_FLAGS);
}

static void test_wc_basic(void)
{
    char buf[32];
    int n;

    n = WideCharToMultiByte(CP_UTF8, 0, L"h\u00e9llo", -1, NULL, 0, NULL, NULL);
    CU_ASSERT_EQUAL(n, 7);
    n = WideCharToMultiByte(CP_UTF8, 0, L"h\u00e9llo", -1, buf, sizeof(buf), NULL, NULL);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_STRING_EQUAL(buf, "h\xc3\xa9llo");

    memset(buf, '#', sizeof(buf));
    n = WideCharToMultiByte(CP_ACP, 0, L"a\0b", 3, buf, sizeof(buf), NULL, NULL);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(!memcmp(buf, "a\0b#", 4));

    /* non-BMP, and the same character as a UTF-16 surrogate pair */
    n = WideCharToMultiByte(CP_UTF8, 0, L"\U0001F600", -1, buf, sizeof(buf), NULL, NULL);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_STRING_EQUAL(buf, "\xf0\x9f\x98\x80");
    {
        static const WCHAR pair[] = { 0xD83D, 0xDE00, 0 };
        n = WideCharToMultiByte(CP_UTF8, 0, pair, -1, buf, sizeof(buf), NULL, NULL);
        CU_ASSERT_EQUAL(n, 5);
        CU_ASSERT_STRING_EQUAL(buf, "\xf0\x9f\x98\x80");
    }
}

static void test_wc_invalid(void)
{
    static const WCHAR lone[] = { 'a', 0xD800, 'b', 0 };
    static const WCHAR low_first[] = { 0xDE00, 0xD83D, 0 };
    static const WCHAR too_big[] = { 0x110000, 0 };
    char buf[32];
    BOOL used = -1;
    int n;

    n = WideCharToMultiByte(CP_UTF8, 0, lone, -1, buf, sizeof(buf), NULL, NULL);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_STRING_EQUAL(buf, "a\xef\xbf\xbd" "b");
    n = WideCharToMultiByte(CP_UTF8, 0, low_first, -1, buf, sizeof(buf), NULL, NULL);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_STRING_EQUAL(buf, "\xef\xbf\xbd\xef\xbf\xbd");
    n = WideCharToMultiByte(CP_UTF8, 0, too_big, -1, buf, sizeof(buf), NULL, NULL);
    CU_ASSERT_STRING_EQUAL(buf, "\xef\xbf\xbd");

    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, lone, -1, buf, sizeof(buf),
                                        NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NO_UNICODE_TRANSLATION);

    /* the ANSI code page reports what it could not encode, with the default character */
    n = WideCharToMultiByte(CP_ACP, 0, lone, -1, buf, sizeof(buf), NULL, &used);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_STRING_EQUAL(buf, "a?b");
    CU_ASSERT_EQUAL(used, TRUE);
    n = WideCharToMultiByte(CP_ACP, 0, lone, -1, buf, sizeof(buf), "*", &used);
    CU_ASSERT_STRING_EQUAL(buf, "a*b");
    n = WideCharToMultiByte(CP_ACP, 0, L"ok", -1, buf, sizeof(buf), NULL, &used);
    CU_ASSERT_EQUAL(used, FALSE);
}

static void test_wc_errors(void)
{
    char buf[8];
    BOOL used;

    /* a character that does not fit whole is not written in part */
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, L"ab\u00e9", 3, buf, 3, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, L"ab\u00e9", 3, buf, 4, NULL, NULL), 4);

    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, L"a", -1, buf, 8, NULL, &used), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, L"a", -1, buf, 8, "?", NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, NULL, -1, buf, 8, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, L"a", 0, buf, 8, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, 0, L"a", -1, NULL, 8, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF7, 0, L"a", -1, buf, 8, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_UTF8, WC_NO_BEST_FIT_CHARS, L"a", -1, buf, 8, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_FLAGS);
    SetLastError(0);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_ACP, WC_ERR_INVALID_CHARS, L"a", -1, buf, 8, NULL, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_FLAGS);
    CU_ASSERT_EQUAL(WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, L"a", -1, buf, 8, NULL, NULL), 2);
}

static void test_round_trip(void)
{
    static const WCHAR text[] = L"Volume{\u00e9t\u00e9} \U0001F600 \u4e2d\u6587";
    char utf8[64];
    WCHAR back[32];
    int n;

    n = WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof(utf8), NULL, NULL);
    CU_ASSERT(n > 0);
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, back, 32);
    CU_ASSERT_EQUAL(n, (int)wcslen(text) + 1);
    CU_ASSERT(!wcscmp(back, text));
}

static CU_TestInfo codepage_tests[] =
{
    { "MultiByteToWideChar", test_mb_basic },
    { "MultiByteToWideChar non-BMP", test_mb_non_bmp },
    { "MultiByteToWideChar ill-formed UTF-8", test_mb_invalid },
    { "MultiByteToWideChar errors", test_mb_errors },
    { "WideCharToMultiByte", test_wc_basic },
    { "WideCharToMultiByte unencodable", test_wc_invalid },
    { "WideCharToMultiByte errors", test_wc_errors },
    { "round trip", test_round_trip },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(codepage, NULL, NULL, codepage_tests);
