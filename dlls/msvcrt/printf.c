/*
 * printf.c: the narrow printf family with the Microsoft CRT's format
 * semantics (%S, %ws and %ls are wide strings, %C a wide character, %I64d,
 * 32-bit %ld): printf, fprintf, sprintf, snprintf (C99), _snprintf,
 * sprintf_s, _snprintf_s, _scprintf and their va_list forms.  Wide arguments
 * become UTF-8.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/msvcrt.h"
#include "msvcrt_private.h"

int umbra_vfprintf(FILE *stream, const char *fmt, va_list args)
{
    char *glibc_fmt;
    locale_t old;
    int ret, err;

    if (!stream || !fmt)
    {
        errno = EINVAL;
        return -1;
    }
    if (!(glibc_fmt = msvcrt_translate_format(fmt))) return -1;
    old = uselocale(msvcrt_utf8_locale());
    ret = vfprintf(stream, glibc_fmt, args);
    err = errno;
    uselocale(old);
    free(glibc_fmt);
    errno = err;
    return ret;
}

int umbra_fprintf(FILE *stream, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vfprintf(stream, fmt, args);
    va_end(args);
    return ret;
}

int umbra_vprintf(const char *fmt, va_list args)
{
    return umbra_vfprintf(stdout, fmt, args);
}

int umbra_printf(const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vfprintf(stdout, fmt, args);
    va_end(args);
    return ret;
}

int umbra_vsprintf(char *buf, const char *fmt, va_list args)
{
    char *out;
    int len;

    if (!buf || !fmt)
    {
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vasprintf(&out, fmt, args)) < 0) return -1;
    memcpy(buf, out, (size_t)len + 1);
    free(out);
    return len;
}

int umbra_sprintf(char *buf, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vsprintf(buf, fmt, args);
    va_end(args);
    return ret;
}

int umbra_vsnprintf(char *buf, size_t count, const char *fmt, va_list args)
{
    char *out;
    int len;

    if (!fmt || (!buf && count))
    {
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vasprintf(&out, fmt, args)) < 0)
    {
        if (count) buf[0] = 0;
        return -1;
    }
    len = msvcrt_store_c99(buf, count, out, len, 1);
    free(out);
    return len;
}

int umbra_snprintf(char *buf, size_t count, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vsnprintf(buf, count, fmt, args);
    va_end(args);
    return ret;
}

int _vsnprintf(char *buf, size_t count, const char *fmt, va_list args)
{
    char *out;
    int len;

    if (!fmt || (!buf && count))
    {
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vasprintf(&out, fmt, args)) < 0) return -1;
    if (buf) len = msvcrt_store_legacy(buf, count, out, len, 1);
    free(out);
    return len;
}

int _snprintf(char *buf, size_t count, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vsnprintf(buf, count, fmt, args);
    va_end(args);
    return ret;
}

int vsprintf_s(char *buf, size_t size, const char *fmt, va_list args)
{
    char *out;
    int len;

    if (!buf || !size || !fmt)
    {
        if (buf && size) buf[0] = 0;
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vasprintf(&out, fmt, args)) < 0)
    {
        buf[0] = 0;
        return -1;
    }
    len = msvcrt_store_secure(buf, size, out, len, 1);
    free(out);
    return len;
}

int sprintf_s(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vsprintf_s(buf, size, fmt, args);
    va_end(args);
    return ret;
}

int _vsnprintf_s(char *buf, size_t size, size_t count, const char *fmt, va_list args)
{
    char *out;
    int len;

    if (!buf || !size || !fmt)
    {
        if (buf && size) buf[0] = 0;
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vasprintf(&out, fmt, args)) < 0)
    {
        buf[0] = 0;
        return -1;
    }
    len = msvcrt_store_secure_count(buf, size, count, out, len, 1);
    free(out);
    return len;
}

int _snprintf_s(char *buf, size_t size, size_t count, const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vsnprintf_s(buf, size, count, fmt, args);
    va_end(args);
    return ret;
}

int _vscprintf(const char *fmt, va_list args)
{
    char *out;
    int len;

    if (!fmt)
    {
        errno = EINVAL;
        return -1;
    }
    len = msvcrt_vasprintf(&out, fmt, args);
    free(out);
    return len;
}

int _scprintf(const char *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vscprintf(fmt, args);
    va_end(args);
    return ret;
}
