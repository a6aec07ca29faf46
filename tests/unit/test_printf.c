/*
 * test_printf.c: the narrow printf family with Microsoft semantics: %S, %ls
 * and %ws are wide strings (written as UTF-8), %C a wide character, the
 * Microsoft size prefixes, and each function's buffer rules (Microsoft's
 * documentation of snprintf, _snprintf, sprintf_s, _snprintf_s).  Formats
 * that mean the same in both worlds print what glibc prints.  No
 * UMBRA_NATIVE_CRT: the plain names are mapped by stdio.h's macros.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <windows.h>
#include "harness.h"
#include "lib/capture.h"

#define SENTINEL '#'

static int fmt_is(const char *expect, const char *fmt, ...)
{
    char buf[256];
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    if (ret < 0 || strcmp(buf, expect))
    {
        fprintf(stderr, "format %s: got %d \"%s\", expected \"%s\"\n", fmt, ret, ret < 0 ? "" : buf, expect);
        return 0;
    }
    return ret == (int)strlen(expect);
}

static void test_strings(void)
{
    CU_ASSERT(fmt_is("[narrow]", "[%s]", "narrow"));
    CU_ASSERT(fmt_is("[wide]", "[%S]", L"wide"));
    CU_ASSERT(fmt_is("[wide]", "[%ls]", L"wide"));
    CU_ASSERT(fmt_is("[wide]", "[%ws]", L"wide"));
    CU_ASSERT(fmt_is("[narrow]", "[%hs]", "narrow"));
    CU_ASSERT(fmt_is("h\xc3\xa9 \xf0\x9f\x98\x80", "%S %ws", L"h\u00e9", L"\U0001F600"));
    CU_ASSERT(fmt_is("\xf0\x9f\x98\x80", "%C", (wchar_t)0x1F600));
    CU_ASSERT(fmt_is("x y", "%c %hc", 'x', 'y'));
    CU_ASSERT(fmt_is("(null)", "%S", (wchar_t *)NULL));
    CU_ASSERT(fmt_is("[   ab]", "[%5.2S]", L"abcdef"));
    CU_ASSERT(fmt_is("[ab   ]", "[%-5.2s]", "abcdef"));
    /* precision on a wide string counts bytes of output and never splits a character */
    CU_ASSERT(fmt_is("[a]", "[%.2S]", L"a\u00e9"));
    CU_ASSERT(fmt_is("[a\xc3\xa9]", "[%.3S]", L"a\u00e9"));
}

static void test_numbers(void)
{
    LONG neg = -7;
    DWORD big = 0xFFFFFFFF;

    CU_ASSERT(fmt_is("-9223372036854775808", "%I64d", (long long)LLONG_MIN));
    CU_ASSERT(fmt_is("18446744073709551615", "%I64u", (unsigned long long)ULLONG_MAX));
    CU_ASSERT(fmt_is("-3 18446744073709551615", "%Id %Iu", (ptrdiff_t)-3, (size_t)SIZE_MAX));
    CU_ASSERT(fmt_is("-7 4294967295 FFFFFFFF", "%ld %lu %lX", neg, big, big));
    CU_ASSERT(fmt_is("12", "%I32u", 12u));
    CU_ASSERT(fmt_is("0000000000001234", "%p", (void *)(uintptr_t)0x1234));
    /* what Microsoft and glibc agree on prints the same */
    CU_ASSERT(fmt_is(" 3.14|-0042|+5|0x1f|1e+06|  ab|7", "%5.2f|%05d|%+d|%#x|%g|%4s|%zu",
                     3.14159, -42, 5, 31, 1e6, "ab", (size_t)7));
    CU_ASSERT(fmt_is("%", "%%"));
}

static void test_snprintf(void)
{
    char buf[8];

    /* C99: the full length comes back; the text is cut and terminated */
    memset(buf, SENTINEL, sizeof(buf));
    CU_ASSERT_EQUAL(snprintf(buf, 4, "%s", "abcdef"), 6);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    CU_ASSERT_EQUAL(snprintf(NULL, 0, "%S", L"abc"), 3);
    CU_ASSERT_EQUAL(buf[4], SENTINEL);
    CU_ASSERT_EQUAL(snprintf(buf, 8, "%n", NULL), -1);
    CU_ASSERT_EQUAL(buf[0], 0);

    CU_ASSERT_EQUAL(sprintf(buf, "%d%S", 4, L"x"), 2);
    CU_ASSERT_STRING_EQUAL(buf, "4x");
    CU_ASSERT_EQUAL(sprintf(NULL, "x"), -1);
    CU_ASSERT_EQUAL(_scprintf("%S-%d", L"ab", 100), 6);
}

static void test_legacy_snprintf(void)
{
    char buf[8];

    memset(buf, SENTINEL, sizeof(buf));
    CU_ASSERT_EQUAL(_snprintf(buf, 3, "abc"), 3);   /* exactly full: no NUL */
    CU_ASSERT(!memcmp(buf, "abc#", 4));
    memset(buf, SENTINEL, sizeof(buf));
    CU_ASSERT_EQUAL(_snprintf(buf, 3, "abcd"), -1);
    CU_ASSERT(!memcmp(buf, "abc#", 4));
    CU_ASSERT_EQUAL(_snprintf(buf, 8, "ab"), 2);
    CU_ASSERT_STRING_EQUAL(buf, "ab");
    CU_ASSERT_EQUAL(_snprintf(NULL, 0, "abcd"), 4);
}

static void test_secure(void)
{
    char buf[8];

    CU_ASSERT_EQUAL(sprintf_s(buf, 8, "%S", L"abc"), 3);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    errno = 0;
    CU_ASSERT_EQUAL(sprintf_s(buf, 3, "%s", "abc"), -1);
    CU_ASSERT_EQUAL(errno, ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(sprintf_s(NULL, 3, "x"), -1);

    CU_ASSERT_EQUAL(_snprintf_s(buf, 8, _TRUNCATE, "%s", "0123456789"), -1);
    CU_ASSERT_STRING_EQUAL(buf, "0123456");
    CU_ASSERT_EQUAL(_snprintf_s(buf, 8, 2, "%s", "abc"), -1);
    CU_ASSERT_STRING_EQUAL(buf, "ab");
    errno = 0;
    CU_ASSERT_EQUAL(_snprintf_s(buf, 3, 5, "%s", "abcde"), -1);
    CU_ASSERT_EQUAL(errno, ERANGE);
    CU_ASSERT_EQUAL(buf[0], 0);
}

static void test_printf_stdout(void)
{
    struct umbra_capture cap;
    char *out;

    CU_ASSERT_EQUAL_FATAL(umbra_capture_begin(&cap, stdout), 0);
    CU_ASSERT_EQUAL(printf("%s=%S\n", "k", L"\u00e9"), 5);   /* bytes */
    CU_ASSERT_EQUAL(fprintf(stdout, "%I64d\n", -1LL), 3);
    out = umbra_capture_end(&cap, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, "k=\xc3\xa9\n-1\n");
    free(out);

    errno = 0;
    CU_ASSERT_EQUAL(fprintf(NULL, "x"), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_EQUAL(printf("%Z", NULL), -1);
}

static CU_TestInfo printf_tests[] =
{
    { "strings and characters", test_strings },
    { "numbers", test_numbers },
    { "snprintf, sprintf, _scprintf", test_snprintf },
    { "_snprintf", test_legacy_snprintf },
    { "sprintf_s, _snprintf_s", test_secure },
    { "printf and fprintf", test_printf_stdout },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(printf, NULL, NULL, printf_tests);
