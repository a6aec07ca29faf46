/*
 * test_wprintf.c: the wide printf family with Microsoft semantics (DESIGN.md
 * §2): %s is a wide string and %S/%hs a narrow (UTF-8) one, %c wide and
 * %C/%hc narrow, Microsoft's size prefixes, and each function's own buffer
 * rules (Microsoft's documentation of swprintf, _snwprintf, swprintf_s,
 * _snwprintf_s).  This file uses the plain names (wprintf, swprintf ...):
 * it does not define UMBRA_NATIVE_CRT, so the macros of stdio.h/wchar.h map
 * them, exactly as in a Windows program.  Output to stdout is captured and
 * compared byte for byte: wide output is written as UTF-8.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <windows.h>
#include "harness.h"
#include "lib/capture.h"

#define SENTINEL L'#'

static int fmt_is(const wchar_t *expect, const wchar_t *fmt, ...)
{
    wchar_t buf[256];
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vswprintf(buf, 256, fmt, args);
    va_end(args);
    if (ret < 0 || wcscmp(buf, expect))
    {
        fprintf(stderr, "format %ls: got %d \"%ls\", expected \"%ls\"\n", fmt, ret,
                ret < 0 ? L"" : buf, expect);
        return 0;
    }
    return ret == (int)wcslen(expect);
}

static void test_strings(void)
{
    CU_ASSERT(fmt_is(L"[wide]", L"[%s]", L"wide"));
    CU_ASSERT(fmt_is(L"[narrow]", L"[%S]", "narrow"));
    CU_ASSERT(fmt_is(L"[narrow]", L"[%hs]", "narrow"));
    CU_ASSERT(fmt_is(L"[wide]", L"[%ls]", L"wide"));
    CU_ASSERT(fmt_is(L"[wide]", L"[%ws]", L"wide"));
    CU_ASSERT(fmt_is(L"a=wide b=narrow", L"a=%s b=%S", L"wide", "narrow"));
    /* UTF-8 narrow strings become the characters they encode */
    CU_ASSERT(fmt_is(L"h\u00e9 \U0001F600", L"%S %hs", "h\xc3\xa9", "\xf0\x9f\x98\x80"));
    CU_ASSERT(fmt_is(L"\U0001F600|\u4e2d", L"%s|%s", L"\U0001F600", L"\u4e2d"));
    CU_ASSERT(fmt_is(L"(null)", L"%s", (wchar_t *)NULL));
    CU_ASSERT(fmt_is(L"(null)", L"%S", (char *)NULL));
    CU_ASSERT(fmt_is(L"", L"%s", L""));
}

static void test_chars(void)
{
    CU_ASSERT(fmt_is(L"\u00e9", L"%c", L'\u00e9'));
    CU_ASSERT(fmt_is(L"\U0001F600", L"%c", (wchar_t)0x1F600));
    CU_ASSERT(fmt_is(L"x", L"%C", 'x'));
    CU_ASSERT(fmt_is(L"x", L"%hc", 'x'));
    CU_ASSERT(fmt_is(L"y", L"%lc", L'y'));
    CU_ASSERT(fmt_is(L"y", L"%wc", L'y'));
    CU_ASSERT(fmt_is(L"  z|z  ", L"%3c|%-3C", L'z', 'z'));
}

static void test_widths_precisions(void)
{
    CU_ASSERT(fmt_is(L"[   ab]", L"[%5s]", L"ab"));
    CU_ASSERT(fmt_is(L"[ab   ]", L"[%-5s]", L"ab"));
    CU_ASSERT(fmt_is(L"[ab]", L"[%.2s]", L"abcdef"));
    CU_ASSERT(fmt_is(L"[ab]", L"[%.2S]", "abcdef"));
    CU_ASSERT(fmt_is(L"[    a]", L"[%5.1hs]", "abc"));
    CU_ASSERT(fmt_is(L"[  abc]", L"[%*s]", 5, L"abc"));
    CU_ASSERT(fmt_is(L"[abc  ]", L"[%-*.*S]", 5, 3, "abcdef"));
    /* widths count characters, and a non-BMP character is one */
    CU_ASSERT(fmt_is(L"[  \U0001F600]", L"[%3s]", L"\U0001F600"));
    CU_ASSERT(fmt_is(L"[  \U0001F600]", L"[%3S]", "\xf0\x9f\x98\x80"));
}

static void test_integers(void)
{
    LONG neg = -5;
    DWORD big = 0xFFFFFFFF;

    CU_ASSERT(fmt_is(L"-9223372036854775808", L"%I64d", (long long)LLONG_MIN));
    CU_ASSERT(fmt_is(L"18446744073709551615", L"%I64u", (unsigned long long)ULLONG_MAX));
    CU_ASSERT(fmt_is(L"ffffffffffffffff FFFF", L"%I64x %I64X", (unsigned long long)ULLONG_MAX, 0xFFFFULL));
    CU_ASSERT(fmt_is(L"-42", L"%I32d", -42));
    CU_ASSERT(fmt_is(L"-5 18446744073709551615", L"%Id %Iu", (ptrdiff_t)-5, (size_t)SIZE_MAX));
    /* long is 32 bits in Microsoft's C: LONG and DWORD print right */
    CU_ASSERT(fmt_is(L"-5 4294967295 ffffffff", L"%ld %lu %lx", neg, big, big));
    CU_ASSERT(fmt_is(L"123 -1", L"%lld %hd", 123LL, (short)-1));
    CU_ASSERT(fmt_is(L"00042|+42|  0x2a", L"%05d|%+d|%#6x", 42, 42, 42));
    CU_ASSERT(fmt_is(L"7 8", L"%zu %jd", (size_t)7, (intmax_t)8));
    CU_ASSERT(fmt_is(L"100%", L"%d%%", 100));
}

static void test_floats_pointers(void)
{
    CU_ASSERT(fmt_is(L"3.14 1.500000e+00 0.25", L"%.2f %e %g", 3.14159, 1.5, 0.25));
    CU_ASSERT(fmt_is(L"2.50", L"%.2lf", 2.5));
    /* %p: 16 upper-case digits, no 0x */
    CU_ASSERT(fmt_is(L"00000000DEADBEEF", L"%p", (void *)(uintptr_t)0xdeadbeef));
    CU_ASSERT(fmt_is(L"0000000000000000", L"%p", NULL));
}

static void test_rejected(void)
{
    wchar_t buf[32];
    int n = 0;

    errno = 0;
    CU_ASSERT_EQUAL(swprintf(buf, 32, L"abc%n", &n), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(swprintf(buf, 32, L"%1$d", 1), -1);
    CU_ASSERT_EQUAL(swprintf(buf, 32, L"50%"), -1);
    CU_ASSERT_EQUAL(swprintf(buf, 32, L"%Z", NULL), -1);
    CU_ASSERT_EQUAL(swprintf(buf, 32, NULL), -1);
    /* a narrow argument that is not UTF-8 is an error, not a crash */
    CU_ASSERT_EQUAL(swprintf(buf, 32, L"%S", "\xff\xfe"), -1);
}

static void test_swprintf_iso(void)
{
    wchar_t buf[8];

    wmemset(buf, SENTINEL, 8);
    CU_ASSERT_EQUAL(swprintf(buf, 8, L"%s", L"abc"), 3);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(buf[4], SENTINEL);

    /* too long: cut, terminated, -1 */
    CU_ASSERT_EQUAL(swprintf(buf, 4, L"%s", L"abcdef"), -1);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(swprintf(buf, 4, L"abcd"), -1);
    CU_ASSERT(!wcscmp(buf, L"abc"));

    errno = 0;
    CU_ASSERT_EQUAL(swprintf(NULL, 4, L"x"), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_EQUAL(swprintf(buf, 0, L"x"), -1);

    /* the legacy form without a count */
    CU_ASSERT_EQUAL(_swprintf(buf, L"%d-%S", 7, "x"), 3);
    CU_ASSERT(!wcscmp(buf, L"7-x"));
    CU_ASSERT_EQUAL(_swprintf(NULL, L"x"), -1);
}

static void test_snwprintf(void)
{
    wchar_t buf[8];

    wmemset(buf, SENTINEL, 8);
    CU_ASSERT_EQUAL(_snwprintf(buf, 5, L"%s", L"abc"), 3);
    CU_ASSERT(!wcscmp(buf, L"abc"));

    /* exactly full: no terminator */
    wmemset(buf, SENTINEL, 8);
    CU_ASSERT_EQUAL(_snwprintf(buf, 3, L"%s", L"abc"), 3);
    CU_ASSERT(!memcmp(buf, L"abc", 3 * sizeof(WCHAR)));
    CU_ASSERT_EQUAL(buf[3], SENTINEL);

    /* too long: count characters, no terminator, -1 */
    wmemset(buf, SENTINEL, 8);
    CU_ASSERT_EQUAL(_snwprintf(buf, 4, L"%S", "abcdef"), -1);
    CU_ASSERT(!memcmp(buf, L"abcd", 4 * sizeof(WCHAR)));
    CU_ASSERT_EQUAL(buf[4], SENTINEL);

    /* (NULL, 0) asks for the length */
    CU_ASSERT_EQUAL(_snwprintf(NULL, 0, L"%s=%d", L"abc", 12345), 9);
    CU_ASSERT_EQUAL(_scwprintf(L"%s=%d", L"abc", 12345), 9);
    CU_ASSERT_EQUAL(_snwprintf(NULL, 5, L"x"), -1);
    CU_ASSERT_EQUAL(_snwprintf(buf, 5, NULL), -1);
}

static void test_swprintf_s(void)
{
    wchar_t buf[8];

    CU_ASSERT_EQUAL(swprintf_s(buf, 8, L"%s%d", L"ab", 12), 4);
    CU_ASSERT(!wcscmp(buf, L"ab12"));

    /* too long: the buffer is emptied, ERANGE, -1 */
    errno = 0;
    CU_ASSERT_EQUAL(swprintf_s(buf, 4, L"%s", L"abcd"), -1);
    CU_ASSERT_EQUAL(errno, ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(swprintf_s(buf, 5, L"%s", L"abcd"), 4);

    errno = 0;
    CU_ASSERT_EQUAL(swprintf_s(NULL, 8, L"x"), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_EQUAL(swprintf_s(buf, 0, L"x"), -1);
    buf[0] = L'q';
    CU_ASSERT_EQUAL(swprintf_s(buf, 8, NULL), -1);
    CU_ASSERT_EQUAL(buf[0], 0);
}

static void test_snwprintf_s(void)
{
    wchar_t buf[8];

    /* _TRUNCATE: as much as fits, terminated, -1 */
    CU_ASSERT_EQUAL(_snwprintf_s(buf, 8, _TRUNCATE, L"%s", L"0123456789"), -1);
    CU_ASSERT(!wcscmp(buf, L"0123456"));
    CU_ASSERT_EQUAL(_snwprintf_s(buf, 8, _TRUNCATE, L"%s", L"0123"), 4);
    CU_ASSERT(!wcscmp(buf, L"0123"));

    /* a count below the size cuts at count */
    CU_ASSERT_EQUAL(_snwprintf_s(buf, 8, 3, L"%s", L"abcdef"), -1);
    CU_ASSERT(!wcscmp(buf, L"abc"));
    CU_ASSERT_EQUAL(_snwprintf_s(buf, 8, 3, L"%s", L"abc"), 3);
    CU_ASSERT(!wcscmp(buf, L"abc"));

    /* a count that does not fit the buffer either: emptied, ERANGE */
    errno = 0;
    CU_ASSERT_EQUAL(_snwprintf_s(buf, 4, 10, L"%s", L"abcdef"), -1);
    CU_ASSERT_EQUAL(errno, ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
}

static int call_vwprintf(const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vwprintf(fmt, args);
    va_end(args);
    return ret;
}

static void test_wprintf_stdout(void)
{
    static const char expect[] = "wide \xc3\xa9 narrow \xc3\xa9 42\nmixed in\n\xf0\x9f\x98\x80!\n";
    struct umbra_capture cap;
    size_t len;
    char *out;
    int n1, n2;

    CU_ASSERT_EQUAL_FATAL(umbra_capture_begin(&cap, stdout), 0);
    n1 = wprintf(L"%s %S %d\n", L"wide \u00e9", "narrow \xc3\xa9", 42);
    printf("%s\n", "mixed in");   /* narrow and wide output interleave in order */
    n2 = call_vwprintf(L"%c!\n", (wchar_t)0x1F600);
    out = umbra_capture_end(&cap, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(n1, 19);   /* WCHARs, not the 21 bytes */
    CU_ASSERT_EQUAL(n2, 3);
    CU_ASSERT_EQUAL(len, strlen(expect));
    CU_ASSERT_STRING_EQUAL(out, expect);
    free(out);
    /* the stream was never made wide-oriented */
    CU_ASSERT(fwide(stdout, 0) <= 0);
}

static void test_fwprintf_file(void)
{
    static const wchar_t pair[] = { 0xD83D, 0xDE00, 0xD800, 0 };
    struct umbra_capture cap;
    char *out;

    CU_ASSERT_EQUAL_FATAL(umbra_capture_begin(&cap, stderr), 0);
    CU_ASSERT_EQUAL(fwprintf(stderr, L"[%5.2s]", L"abc"), 7);
    /* a UTF-16 surrogate pair becomes its character; a lone surrogate U+FFFD */
    CU_ASSERT_EQUAL(fwprintf(stderr, L"%s", pair), 3);
    CU_ASSERT_EQUAL(fputws(L"\u00e9", stderr), 0);
    CU_ASSERT_EQUAL(fputwc(L'x', stderr), L'x');
    CU_ASSERT_EQUAL(putwc(L'y', stderr), L'y');
    out = umbra_capture_end(&cap, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, "[   ab]\xf0\x9f\x98\x80\xef\xbf\xbd\xc3\xa9xy");
    free(out);

    CU_ASSERT_EQUAL_FATAL(umbra_capture_begin(&cap, stdout), 0);
    CU_ASSERT_EQUAL(putwchar(L'\u00e9'), L'\u00e9');
    CU_ASSERT_EQUAL(_putws(L"line"), 0);
    out = umbra_capture_end(&cap, NULL);
    CU_ASSERT_STRING_EQUAL(out, "\xc3\xa9line\n");
    free(out);

    errno = 0;
    CU_ASSERT_EQUAL(fwprintf(NULL, L"x"), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_EQUAL(wprintf(NULL), -1);
    CU_ASSERT_EQUAL(wprintf(L"%n", NULL), -1);
    CU_ASSERT_EQUAL(fputws(NULL, stdout), EOF);
    CU_ASSERT_EQUAL(_putws(NULL), EOF);
}

static CU_TestInfo wprintf_tests[] =
{
    { "%s %S %hs %ls %ws", test_strings },
    { "%c %C %hc %lc %wc", test_chars },
    { "widths and precisions", test_widths_precisions },
    { "integer size prefixes", test_integers },
    { "floats and %p", test_floats_pointers },
    { "rejected formats", test_rejected },
    { "swprintf and _swprintf", test_swprintf_iso },
    { "_snwprintf", test_snwprintf },
    { "swprintf_s", test_swprintf_s },
    { "_snwprintf_s", test_snwprintf_s },
    { "wprintf to stdout", test_wprintf_stdout },
    { "fwprintf, fputws, putwchar", test_fwprintf_file },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(wprintf, NULL, NULL, wprintf_tests);
