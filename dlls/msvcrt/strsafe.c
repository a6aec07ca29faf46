/*
 * strsafe.c: the SDK's StringCch and StringCb functions (strsafe.h says what
 * they promise).  One worker per operation serves the narrow and the wide
 * forms by unit size; the Cb forms turn bytes into whole units first.
 * Printf formats with this library's Microsoft-semantics engine.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <strsafe.h>
#include "msvcrt_private.h"

#define AUNIT 1
#define WUNIT sizeof(wchar_t)

static size_t units_len(const void *s, size_t max, size_t unit)
{
    return unit == 1 ? strnlen(s, max) : wcsnlen(s, max);
}

static void units_copy(void *dst, const void *src, size_t n, size_t unit)
{
    memmove(dst, src, n * unit);
}

static void units_terminate(void *dst, size_t at, size_t unit)
{
    memset((char *)dst + at * unit, 0, unit);
}

static BOOL dest_valid(const void *dst, size_t cch)
{
    return dst && cch && cch <= STRSAFE_MAX_CCH;
}

/* Copies at most max units of src; the destination is NUL-terminated on
 * every path where it can be. */
static HRESULT copy_worker(void *dst, size_t cch, const void *src, size_t max, size_t unit)
{
    size_t len;

    if (!dest_valid(dst, cch))
    {
        if (dst && cch) units_terminate(dst, 0, unit);
        return STRSAFE_E_INVALID_PARAMETER;
    }
    if (!src || max > STRSAFE_MAX_CCH)
    {
        units_terminate(dst, 0, unit);
        return STRSAFE_E_INVALID_PARAMETER;
    }
    len = units_len(src, max < cch ? max : cch, unit);
    if (len >= cch)
    {
        units_copy(dst, src, cch - 1, unit);
        units_terminate(dst, cch - 1, unit);
        return STRSAFE_E_INSUFFICIENT_BUFFER;
    }
    units_copy(dst, src, len, unit);
    units_terminate(dst, len, unit);
    return S_OK;
}

/* Appends at most max units of src.  A destination that holds no NUL within
 * cch is refused and left as it is. */
static HRESULT cat_worker(void *dst, size_t cch, const void *src, size_t max, size_t unit)
{
    size_t used;

    if (!dest_valid(dst, cch) || !src || max > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
    if ((used = units_len(dst, cch, unit)) == cch) return STRSAFE_E_INVALID_PARAMETER;
    return copy_worker((char *)dst + used * unit, cch - used, src, max, unit);
}

static HRESULT length_worker(const void *str, size_t cch_max, size_t *len, size_t unit)
{
    HRESULT hr = STRSAFE_E_INVALID_PARAMETER;
    size_t n = 0;

    if (str && cch_max <= STRSAFE_MAX_CCH)
    {
        n = units_len(str, cch_max, unit);
        if (n < cch_max) hr = S_OK;
        else n = 0;
    }
    if (len) *len = n;
    return hr;
}

static HRESULT printf_worker(void *dst, size_t cch, const void *fmt, va_list args, size_t unit)
{
    void *out;
    int len;

    if (!dest_valid(dst, cch))
    {
        if (dst && cch) units_terminate(dst, 0, unit);
        return STRSAFE_E_INVALID_PARAMETER;
    }
    if (!fmt)
    {
        units_terminate(dst, 0, unit);
        return STRSAFE_E_INVALID_PARAMETER;
    }
    len = unit == 1 ? msvcrt_vasprintf((char **)&out, fmt, args)
                    : msvcrt_vaswprintf((wchar_t **)&out, fmt, args);
    if (len < 0)
    {
        units_terminate(dst, 0, unit);
        return errno == EINVAL ? STRSAFE_E_INVALID_PARAMETER : STRSAFE_E_INSUFFICIENT_BUFFER;
    }
    msvcrt_store_iso(dst, cch, out, len, unit);
    free(out);
    return (size_t)len < cch ? S_OK : STRSAFE_E_INSUFFICIENT_BUFFER;
}

HRESULT WINAPI StringCchCopyA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src)
{
    return copy_worker(dst, cchDest, src, STRSAFE_MAX_CCH, AUNIT);
}

HRESULT WINAPI StringCchCopyW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src)
{
    return copy_worker(dst, cchDest, src, STRSAFE_MAX_CCH, WUNIT);
}

HRESULT WINAPI StringCchCopyNA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src, size_t cchToCopy)
{
    return copy_worker(dst, cchDest, src, cchToCopy, AUNIT);
}

HRESULT WINAPI StringCchCopyNW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src, size_t cchToCopy)
{
    return copy_worker(dst, cchDest, src, cchToCopy, WUNIT);
}

HRESULT WINAPI StringCchCatA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src)
{
    return cat_worker(dst, cchDest, src, STRSAFE_MAX_CCH, AUNIT);
}

HRESULT WINAPI StringCchCatW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src)
{
    return cat_worker(dst, cchDest, src, STRSAFE_MAX_CCH, WUNIT);
}

HRESULT WINAPI StringCchCatNA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src, size_t cchToAppend)
{
    return cat_worker(dst, cchDest, src, cchToAppend, AUNIT);
}

HRESULT WINAPI StringCchCatNW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src, size_t cchToAppend)
{
    return cat_worker(dst, cchDest, src, cchToAppend, WUNIT);
}

HRESULT WINAPI StringCchLengthA(STRSAFE_LPCSTR str, size_t cchMax, size_t *pcchLength)
{
    return length_worker(str, cchMax, pcchLength, AUNIT);
}

HRESULT WINAPI StringCchLengthW(STRSAFE_LPCWSTR str, size_t cchMax, size_t *pcchLength)
{
    return length_worker(str, cchMax, pcchLength, WUNIT);
}

HRESULT WINAPI StringCchVPrintfA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR fmt, va_list args)
{
    return printf_worker(dst, cchDest, fmt, args, AUNIT);
}

HRESULT WINAPI StringCchVPrintfW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR fmt, va_list args)
{
    return printf_worker(dst, cchDest, fmt, args, WUNIT);
}

HRESULT WINAPI StringCchPrintfA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR fmt, ...)
{
    va_list args;
    HRESULT hr;

    va_start(args, fmt);
    hr = printf_worker(dst, cchDest, fmt, args, AUNIT);
    va_end(args);
    return hr;
}

HRESULT WINAPI StringCchPrintfW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR fmt, ...)
{
    va_list args;
    HRESULT hr;

    va_start(args, fmt);
    hr = printf_worker(dst, cchDest, fmt, args, WUNIT);
    va_end(args);
    return hr;
}

HRESULT WINAPI StringCbCopyA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src)
{
    return copy_worker(dst, cbDest, src, STRSAFE_MAX_CCH, AUNIT);
}

HRESULT WINAPI StringCbCopyW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src)
{
    return copy_worker(dst, cbDest / WUNIT, src, STRSAFE_MAX_CCH, WUNIT);
}

HRESULT WINAPI StringCbCopyNA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src, size_t cbToCopy)
{
    return copy_worker(dst, cbDest, src, cbToCopy, AUNIT);
}

HRESULT WINAPI StringCbCopyNW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src, size_t cbToCopy)
{
    return copy_worker(dst, cbDest / WUNIT, src, cbToCopy / WUNIT, WUNIT);
}

HRESULT WINAPI StringCbCatA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src)
{
    return cat_worker(dst, cbDest, src, STRSAFE_MAX_CCH, AUNIT);
}

HRESULT WINAPI StringCbCatW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src)
{
    return cat_worker(dst, cbDest / WUNIT, src, STRSAFE_MAX_CCH, WUNIT);
}

HRESULT WINAPI StringCbCatNA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src, size_t cbToAppend)
{
    return cat_worker(dst, cbDest, src, cbToAppend, AUNIT);
}

HRESULT WINAPI StringCbCatNW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src, size_t cbToAppend)
{
    return cat_worker(dst, cbDest / WUNIT, src, cbToAppend / WUNIT, WUNIT);
}

HRESULT WINAPI StringCbLengthA(STRSAFE_LPCSTR str, size_t cbMax, size_t *pcbLength)
{
    return length_worker(str, cbMax, pcbLength, AUNIT);
}

HRESULT WINAPI StringCbLengthW(STRSAFE_LPCWSTR str, size_t cbMax, size_t *pcbLength)
{
    HRESULT hr = length_worker(str, cbMax / WUNIT, pcbLength, WUNIT);

    if (pcbLength) *pcbLength *= WUNIT;
    return hr;
}

HRESULT WINAPI StringCbVPrintfA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR fmt, va_list args)
{
    return printf_worker(dst, cbDest, fmt, args, AUNIT);
}

HRESULT WINAPI StringCbVPrintfW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR fmt, va_list args)
{
    return printf_worker(dst, cbDest / WUNIT, fmt, args, WUNIT);
}

HRESULT WINAPI StringCbPrintfA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR fmt, ...)
{
    va_list args;
    HRESULT hr;

    va_start(args, fmt);
    hr = printf_worker(dst, cbDest, fmt, args, AUNIT);
    va_end(args);
    return hr;
}

HRESULT WINAPI StringCbPrintfW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR fmt, ...)
{
    va_list args;
    HRESULT hr;

    va_start(args, fmt);
    hr = printf_worker(dst, cbDest / WUNIT, fmt, args, WUNIT);
    va_end(args);
    return hr;
}
