/*
 * wcs.c: the Microsoft CRT's wide string functions that glibc lacks:
 * case-insensitive comparison, _wcsdup, the bounds-checked copies
 * (wcscpy_s, wcsncpy_s, wcscat_s, wcsncat_s) and _wtoi/_wtol/_wtoi64.
 * The _s functions return an errno value and leave an empty string behind
 * when they fail, so a caller never reads a half-written buffer.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <wctype.h>
#include "umbra/msvcrt.h"
#include "msvcrt_private.h"

/* Microsoft compares the lower-case forms (so '_' sorts after letters). */
static wint_t fold(wchar_t c)
{
    locale_t utf8;

    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? (wint_t)(c + ('a' - 'A')) : (wint_t)c;
    utf8 = msvcrt_utf8_locale();
    return utf8 ? towlower_l((wint_t)c, utf8) : (wint_t)c;
}

int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t count)
{
    if (!a || !b)
    {
        errno = EINVAL;
        return _NLSCMPERROR;
    }
    for (; count; count--, a++, b++)
    {
        wint_t ca = fold(*a), cb = fold(*b);
        if (ca != cb) return ca < cb ? -1 : 1;
        if (!ca) break;
    }
    return 0;
}

int _wcsicmp(const wchar_t *a, const wchar_t *b)
{
    return _wcsnicmp(a, b, (size_t)-1);
}

wchar_t *_wcsdup(const wchar_t *str)
{
    return str ? wcsdup(str) : NULL;
}

/* The common start of every _s function: a usable destination. */
static errno_t check_dest(wchar_t *dst, size_t size)
{
    if (!dst || !size) return errno = EINVAL;
    return 0;
}

static errno_t fail(wchar_t *dst, errno_t err)
{
    dst[0] = 0;
    return errno = err;
}

errno_t wcscpy_s(wchar_t *dst, size_t size, const wchar_t *src)
{
    size_t len;

    if (check_dest(dst, size)) return EINVAL;
    if (!src) return fail(dst, EINVAL);
    if ((len = wcsnlen(src, size)) >= size) return fail(dst, ERANGE);
    wmemcpy(dst, src, len + 1);
    return 0;
}

errno_t wcsncpy_s(wchar_t *dst, size_t size, const wchar_t *src, size_t count)
{
    size_t len;

    /* Copying nothing to nowhere is fine. */
    if (!dst && !size && !count) return 0;
    if (check_dest(dst, size)) return EINVAL;
    if (!src)
    {
        if (!count)
        {
            dst[0] = 0;
            return 0;
        }
        return fail(dst, EINVAL);
    }
    len = wcsnlen(src, count == _TRUNCATE ? size : count);
    if (count != _TRUNCATE && len > count) len = count;
    if (len >= size)
    {
        if (count != _TRUNCATE) return fail(dst, ERANGE);
        wmemcpy(dst, src, size - 1);
        dst[size - 1] = 0;
        return STRUNCATE;
    }
    wmemcpy(dst, src, len);
    dst[len] = 0;
    return 0;
}

errno_t wcsncat_s(wchar_t *dst, size_t size, const wchar_t *src, size_t count)
{
    size_t used, len;

    if (!dst && !size && !count) return 0;
    if (check_dest(dst, size)) return EINVAL;
    if (!src && count) return fail(dst, EINVAL);
    if ((used = wcsnlen(dst, size)) == size) return fail(dst, EINVAL);   /* unterminated */
    if (!src) return 0;
    len = wcsnlen(src, count == _TRUNCATE ? size - used : count);
    if (count != _TRUNCATE && len > count) len = count;
    if (used + len >= size)
    {
        if (count != _TRUNCATE) return fail(dst, ERANGE);
        wmemcpy(dst + used, src, size - 1 - used);
        dst[size - 1] = 0;
        return STRUNCATE;
    }
    wmemcpy(dst + used, src, len);
    dst[used + len] = 0;
    return 0;
}

errno_t wcscat_s(wchar_t *dst, size_t size, const wchar_t *src)
{
    size_t used, len;

    if (check_dest(dst, size)) return EINVAL;
    if (!src) return fail(dst, EINVAL);
    if ((used = wcsnlen(dst, size)) == size) return fail(dst, EINVAL);
    if (used + (len = wcsnlen(src, size - used)) >= size) return fail(dst, ERANGE);
    wmemcpy(dst + used, src, len + 1);
    return 0;
}

long long _wtoi64(const wchar_t *str)
{
    int saved = errno;
    long long value;

    if (!str)
    {
        errno = EINVAL;
        return 0;
    }
    errno = 0;
    value = wcstoll(str, NULL, 10);
    if (errno != ERANGE) errno = saved;
    return value;
}

/* Microsoft clamps to the type's range and reports ERANGE. */
static long long clamp(long long value, long long lo, long long hi)
{
    if (value < lo || value > hi)
    {
        errno = ERANGE;
        return value < lo ? lo : hi;
    }
    return value;
}

int _wtoi(const wchar_t *str)
{
    return (int)clamp(_wtoi64(str), INT_MIN, INT_MAX);
}

long _wtol(const wchar_t *str)
{
    /* long is 32 bits in Microsoft's C. */
    return (long)clamp(_wtoi64(str), INT_MIN, INT_MAX);
}
