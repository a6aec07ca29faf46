/*
 * wprintf.c: the wide printf family of the Microsoft CRT: wprintf, fwprintf,
 * swprintf (ISO and legacy), _snwprintf, swprintf_s, _snwprintf_s,
 * _scwprintf and their va_list forms.  Formatting is format.c's, buffer
 * policies buffers.c's; output to a FILE is UTF-8 bytes, so the stream stays
 * byte-oriented and printf output mixes with it in order.
 */
#include <errno.h>
#include <stdlib.h>
#include <windows.h>
#include "msvcrt_private.h"

#define WUNIT sizeof(wchar_t)

int msvcrt_write_wide(FILE *stream, const wchar_t *str, size_t len)
{
    char buf[4096 * 4];
    int ret = 0;

    flockfile(stream);
    while (len && !ret)
    {
        size_t chunk = len > 4096 ? 4096 : len;
        int n;

        /* Keep a surrogate pair together so that it becomes one character. */
        if (chunk < len && str[chunk - 1] >= 0xD800 && str[chunk - 1] <= 0xDBFF) chunk--;
        n = WideCharToMultiByte(CP_UTF8, 0, str, (int)chunk, buf, sizeof(buf), NULL, NULL);
        if (n <= 0)
        {
            errno = EILSEQ;
            ret = -1;
        }
        else if (fwrite(buf, 1, n, stream) != (size_t)n)
            ret = -1;
        str += chunk;
        len -= chunk;
    }
    funlockfile(stream);
    return ret;
}

int umbra_vfwprintf(FILE *stream, const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!stream || !fmt)
    {
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vaswprintf(&out, fmt, args)) < 0) return -1;
    if (msvcrt_write_wide(stream, out, len) < 0) len = -1;
    free(out);
    return len;
}

int umbra_fwprintf(FILE *stream, const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vfwprintf(stream, fmt, args);
    va_end(args);
    return ret;
}

int umbra_vwprintf(const wchar_t *fmt, va_list args)
{
    return umbra_vfwprintf(stdout, fmt, args);
}

int umbra_wprintf(const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vfwprintf(stdout, fmt, args);
    va_end(args);
    return ret;
}

int umbra_vswprintf(wchar_t *buf, size_t count, const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!buf || !count || !fmt)
    {
        if (buf && count) buf[0] = 0;
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vaswprintf(&out, fmt, args)) < 0)
    {
        buf[0] = 0;
        return -1;
    }
    len = msvcrt_store_iso(buf, count, out, len, WUNIT);
    free(out);
    return len;
}

int umbra_swprintf(wchar_t *buf, size_t count, const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = umbra_vswprintf(buf, count, fmt, args);
    va_end(args);
    return ret;
}

int _vswprintf(wchar_t *buf, const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!buf || !fmt)
    {
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vaswprintf(&out, fmt, args)) < 0) return -1;
    wmemcpy(buf, out, (size_t)len + 1);
    free(out);
    return len;
}

int _swprintf(wchar_t *buf, const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vswprintf(buf, fmt, args);
    va_end(args);
    return ret;
}

int _vsnwprintf(wchar_t *buf, size_t count, const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!fmt || (!buf && count))
    {
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vaswprintf(&out, fmt, args)) < 0) return -1;
    if (buf) len = msvcrt_store_legacy(buf, count, out, len, WUNIT);
    free(out);
    return len;
}

int _snwprintf(wchar_t *buf, size_t count, const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vsnwprintf(buf, count, fmt, args);
    va_end(args);
    return ret;
}

int vswprintf_s(wchar_t *buf, size_t size, const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!buf || !size || !fmt)
    {
        if (buf && size) buf[0] = 0;
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vaswprintf(&out, fmt, args)) < 0)
    {
        buf[0] = 0;
        return -1;
    }
    len = msvcrt_store_secure(buf, size, out, len, WUNIT);
    free(out);
    return len;
}

int swprintf_s(wchar_t *buf, size_t size, const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vswprintf_s(buf, size, fmt, args);
    va_end(args);
    return ret;
}

int _vsnwprintf_s(wchar_t *buf, size_t size, size_t count, const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!buf || !size || !fmt)
    {
        if (buf && size) buf[0] = 0;
        errno = EINVAL;
        return -1;
    }
    if ((len = msvcrt_vaswprintf(&out, fmt, args)) < 0)
    {
        buf[0] = 0;
        return -1;
    }
    len = msvcrt_store_secure_count(buf, size, count, out, len, WUNIT);
    free(out);
    return len;
}

int _snwprintf_s(wchar_t *buf, size_t size, size_t count, const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vsnwprintf_s(buf, size, count, fmt, args);
    va_end(args);
    return ret;
}

int _vscwprintf(const wchar_t *fmt, va_list args)
{
    wchar_t *out;
    int len;

    if (!fmt)
    {
        errno = EINVAL;
        return -1;
    }
    len = msvcrt_vaswprintf(&out, fmt, args);
    free(out);
    return len;
}

int _scwprintf(const wchar_t *fmt, ...)
{
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = _vscwprintf(fmt, args);
    va_end(args);
    return ret;
}
