/*
 * test_msvcrt_format.c: the translator from Microsoft printf formats to
 * glibc's (dlls/msvcrt/format.c), conversion by conversion.  Microsoft's
 * rules (printf format specification, size prefixes): in the wide functions
 * %s/%c are wide and %S/%C narrow, in the narrow functions the reverse; h
 * forces narrow, l and w force wide; l on integers is 32 bits; I64, I32 and I
 * (pointer-sized) exist; %p is 16 upper-case digits; %n is disabled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "dlls/msvcrt/msvcrt_private.h"
#include "harness.h"

static int narrow_is(const char *ms, const char *glibc)
{
    char *out = msvcrt_translate_format(ms);
    int ok = out && !strcmp(out, glibc);

    if (!ok) fprintf(stderr, "\"%s\" -> \"%s\", expected \"%s\"\n", ms, out ? out : "(null)", glibc);
    free(out);
    return ok;
}

static int wide_is(const wchar_t *ms, const wchar_t *glibc)
{
    wchar_t *out = msvcrt_translate_wformat(ms);
    int ok = out && !wcscmp(out, glibc);

    free(out);
    return ok;
}

static int narrow_rejected(const char *ms)
{
    char *out;

    errno = 0;
    out = msvcrt_translate_format(ms);
    free(out);
    return !out && errno == EINVAL;
}

static int wide_rejected(const wchar_t *ms)
{
    wchar_t *out;

    errno = 0;
    out = msvcrt_translate_wformat(ms);
    free(out);
    return !out && errno == EINVAL;
}

static void test_strings_and_chars(void)
{
    /* wide functions */
    CU_ASSERT(wide_is(L"%s", L"%ls"));
    CU_ASSERT(wide_is(L"%S", L"%s"));
    CU_ASSERT(wide_is(L"%hs", L"%s"));
    CU_ASSERT(wide_is(L"%hS", L"%s"));
    CU_ASSERT(wide_is(L"%ls", L"%ls"));
    CU_ASSERT(wide_is(L"%ws", L"%ls"));
    CU_ASSERT(wide_is(L"%lS", L"%ls"));
    CU_ASSERT(wide_is(L"%c", L"%lc"));
    CU_ASSERT(wide_is(L"%C", L"%c"));
    CU_ASSERT(wide_is(L"%hc", L"%c"));
    CU_ASSERT(wide_is(L"%wc", L"%lc"));
    CU_ASSERT(wide_is(L"%-10.3s|%*.*S", L"%-10.3ls|%*.*s"));
    /* narrow functions */
    CU_ASSERT(narrow_is("%s", "%s"));
    CU_ASSERT(narrow_is("%S", "%ls"));
    CU_ASSERT(narrow_is("%hs", "%s"));
    CU_ASSERT(narrow_is("%ls", "%ls"));
    CU_ASSERT(narrow_is("%ws", "%ls"));
    CU_ASSERT(narrow_is("%c", "%c"));
    CU_ASSERT(narrow_is("%C", "%lc"));
    CU_ASSERT(narrow_is("%lc", "%lc"));
    CU_ASSERT(narrow_is("%5S", "%5ls"));
}

static void test_integers(void)
{
    CU_ASSERT(narrow_is("%d %i %u %x %X %o", "%d %i %u %x %X %o"));
    CU_ASSERT(narrow_is("%ld %lu %lx", "%d %u %x"));   /* long is 32 bits */
    CU_ASSERT(narrow_is("%lld %llu", "%lld %llu"));
    CU_ASSERT(narrow_is("%I64d %I64u %I64x %I64X", "%lld %llu %llx %llX"));
    CU_ASSERT(narrow_is("%I32d %I32u", "%d %u"));
    CU_ASSERT(narrow_is("%Id %Iu %Ix", "%lld %llu %llx"));
    CU_ASSERT(narrow_is("%hd %hhu", "%hd %hhu"));
    CU_ASSERT(narrow_is("%zu %jd %td", "%zu %jd %td"));
    CU_ASSERT(narrow_is("%-+08.3I64d", "%-+08.3lld"));
    CU_ASSERT(narrow_is("%#x %0*d", "%#x %0*d"));
    CU_ASSERT(wide_is(L"%I64d|%lu|%Iu", L"%lld|%u|%llu"));
}

static void test_floats_pointers(void)
{
    CU_ASSERT(narrow_is("%f %e %E %g %G %a %A %F", "%f %e %E %g %G %a %A %F"));
    CU_ASSERT(narrow_is("%lf %.3lf", "%f %.3f"));
    CU_ASSERT(narrow_is("%Lf", "%Lf"));
    CU_ASSERT(narrow_is("%p", "%.16llX"));
    CU_ASSERT(narrow_is("%-20p|", "%-20.16llX|"));
    CU_ASSERT(narrow_is("%*p", "%*.16llX"));
    CU_ASSERT(narrow_is("%.*p", "%.*llX"));   /* the '*' keeps its argument */
    CU_ASSERT(wide_is(L"%p", L"%.16llX"));
}

static void test_literals(void)
{
    CU_ASSERT(narrow_is("", ""));
    CU_ASSERT(narrow_is("100%% sure", "100%% sure"));
    CU_ASSERT(narrow_is("h\xc3\xa9 %s!", "h\xc3\xa9 %s!"));
    CU_ASSERT(wide_is(L"\U0001F600 %s \u00e9", L"\U0001F600 %ls \u00e9"));
    CU_ASSERT(narrow_is("%5%", "%%"));
}

static void test_rejected(void)
{
    static const char *const bad[] =
    {
        "%n", "%ln", "%Z", "%wZ", "%1$d", "%", "abc%", "%q", "%lls", "%I64s", "%wd", "%hf",
        "%llf", "%Iq", "%I64", "%-", "%.", "%5.",
        /* a width no real format has */
        "%0000000000000000000000000000000000000000000000000000000000000000000000000001d",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        int rejected = narrow_rejected(bad[i]);
        if (!rejected) fprintf(stderr, "\"%s\" was accepted\n", bad[i]);
        CU_ASSERT(rejected);
    }
    CU_ASSERT(wide_rejected(L"%n"));
    CU_ASSERT(wide_rejected(L"%"));
    CU_ASSERT(wide_rejected(L"%\U0001F600"));
    CU_ASSERT(narrow_rejected(NULL));
    CU_ASSERT(wide_rejected(NULL));
}

static CU_TestInfo format_tests[] =
{
    { "strings and characters", test_strings_and_chars },
    { "integer sizes", test_integers },
    { "floats and pointers", test_floats_pointers },
    { "literal text", test_literals },
    { "rejected conversions", test_rejected },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(msvcrt_format, NULL, NULL, format_tests);
