/*
 * str.c: the Microsoft CRT's narrow string functions that glibc lacks:
 * _stricmp, _strnicmp, _strdup, the bounds-checked copies (strcpy_s,
 * strncpy_s, strcat_s, strncat_s) and _atoi64, with the same conventions as
 * their wide twins in wcs.c.  Case folding is ASCII, as in Microsoft's "C"
 * locale.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/msvcrt.h"

static int fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int _strnicmp(const char *a, const char *b, size_t count)
{
    if (!a || !b)
    {
        errno = EINVAL;
        return _NLSCMPERROR;
    }
    for (; count; count--, a++, b++)
    {
        int ca = fold((unsigned char)*a), cb = fold((unsigned char)*b);
        if (ca != cb) return ca - cb;
        if (!ca) break;
    }
    return 0;
}

int _stricmp(const char *a, const char *b)
{
    return _strnicmp(a, b, (size_t)-1);
}

char *_strdup(const char *str)
{
    return str ? strdup(str) : NULL;
}

static errno_t fail(char *dst, errno_t err)
{
    dst[0] = 0;
    return errno = err;
}

errno_t strcpy_s(char *dst, size_t size, const char *src)
{
    size_t len;

    if (!dst || !size) return errno = EINVAL;
    if (!src) return fail(dst, EINVAL);
    if ((len = strnlen(src, size)) >= size) return fail(dst, ERANGE);
    memcpy(dst, src, len + 1);
    return 0;
}

errno_t strncpy_s(char *dst, size_t size, const char *src, size_t count)
{
    size_t len;

    if (!dst && !size && !count) return 0;
    if (!dst || !size) return errno = EINVAL;
    if (!src)
    {
        if (!count)
        {
            dst[0] = 0;
            return 0;
        }
        return fail(dst, EINVAL);
    }
    len = strnlen(src, count == _TRUNCATE ? size : count);
    if (count != _TRUNCATE && len > count) len = count;
    if (len >= size)
    {
        if (count != _TRUNCATE) return fail(dst, ERANGE);
        memcpy(dst, src, size - 1);
        dst[size - 1] = 0;
        return STRUNCATE;
    }
    memcpy(dst, src, len);
    dst[len] = 0;
    return 0;
}

errno_t strncat_s(char *dst, size_t size, const char *src, size_t count)
{
    size_t used, len;

    if (!dst && !size && !count) return 0;
    if (!dst || !size) return errno = EINVAL;
    if (!src && count) return fail(dst, EINVAL);
    if ((used = strnlen(dst, size)) == size) return fail(dst, EINVAL);
    if (!src) return 0;
    len = strnlen(src, count == _TRUNCATE ? size - used : count);
    if (count != _TRUNCATE && len > count) len = count;
    if (used + len >= size)
    {
        if (count != _TRUNCATE) return fail(dst, ERANGE);
        memcpy(dst + used, src, size - 1 - used);
        dst[size - 1] = 0;
        return STRUNCATE;
    }
    memcpy(dst + used, src, len);
    dst[used + len] = 0;
    return 0;
}

errno_t strcat_s(char *dst, size_t size, const char *src)
{
    size_t used, len;

    if (!dst || !size) return errno = EINVAL;
    if (!src) return fail(dst, EINVAL);
    if ((used = strnlen(dst, size)) == size) return fail(dst, EINVAL);
    if (used + (len = strnlen(src, size - used)) >= size) return fail(dst, ERANGE);
    memcpy(dst + used, src, len + 1);
    return 0;
}

long long _atoi64(const char *str)
{
    int saved = errno;
    long long value;

    if (!str)
    {
        errno = EINVAL;
        return 0;
    }
    errno = 0;
    value = strtoll(str, NULL, 10);
    if (errno != ERANGE) errno = saved;
    return value;
}
