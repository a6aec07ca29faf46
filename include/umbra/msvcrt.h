/*
 * umbra/msvcrt.h: the Microsoft C runtime functions that libumbra-msvcrt
 * provides, declared for the stdio.h and wchar.h wrappers (which include this
 * file; include those, not this).
 *
 * Functions that glibc also has under the same name (wprintf, swprintf,
 * printf, fputws ...) are exported as umbra_<name>, and the macros in
 * umbra/msvcrt_macros.h map the plain names onto them, so Windows code gets
 * Microsoft's format semantics (%s is a wide string in the wide functions,
 * %S the other width, %I64d, %Iu, %ld is 32 bits) while glibc keeps its own
 * symbols.  Functions with Microsoft-only names (_snwprintf, swprintf_s,
 * _wcsicmp, wcscpy_s ...) are exported under those names.
 *
 * Wide output to a FILE is converted to UTF-8 and written as bytes, so stdout
 * stays byte-oriented and printf and wprintf mix freely.  Narrow strings are
 * UTF-8 (the "ANSI" code page of an Umbra process, see winnls.h).
 */
#ifndef UMBRA_MSVCRT_H
#define UMBRA_MSVCRT_H

/* Part of the C library as far as users' warnings go (wmain's declaration
 * has no prototype in C, see below). */
#pragma GCC system_header

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>
#ifdef __cplusplus
/* Let libstdc++ undefine the C names now, before umbra/msvcrt_macros.h maps them. */
#include <cstdio>
#include <cwchar>
#endif

#define UMBRA_CRTAPI __attribute__((visibility("default")))

#ifndef _ERRNO_T_DEFINED
#define _ERRNO_T_DEFINED
typedef int errno_t;
#endif
#ifndef _TRUNCATE
#define _TRUNCATE ((size_t)-1)
#endif
#ifndef STRUNCATE
#define STRUNCATE 80
#endif
#ifndef _NLSCMPERROR
#define _NLSCMPERROR 2147483647
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Wide formatted output.  Return the number of WCHARs formatted, or -1 with
 * errno set (EINVAL for a NULL argument or a format Microsoft rejects, such
 * as %n; ERANGE when a _s function's buffer is too small). */
UMBRA_CRTAPI int umbra_wprintf(const wchar_t *fmt, ...);
UMBRA_CRTAPI int umbra_vwprintf(const wchar_t *fmt, va_list args);
UMBRA_CRTAPI int umbra_fwprintf(FILE *stream, const wchar_t *fmt, ...);
UMBRA_CRTAPI int umbra_vfwprintf(FILE *stream, const wchar_t *fmt, va_list args);
/* ISO swprintf: truncated output is NUL-terminated and returns -1. */
UMBRA_CRTAPI int umbra_swprintf(wchar_t *buf, size_t count, const wchar_t *fmt, ...);
UMBRA_CRTAPI int umbra_vswprintf(wchar_t *buf, size_t count, const wchar_t *fmt, va_list args);
/* Legacy swprintf without a count: the caller vouches for the buffer size. */
UMBRA_CRTAPI int _swprintf(wchar_t *buf, const wchar_t *fmt, ...);
UMBRA_CRTAPI int _vswprintf(wchar_t *buf, const wchar_t *fmt, va_list args);
/* Fills up to count WCHARs; no NUL when the output fills the buffer exactly
 * (returns count) or overflows it (returns -1).  (NULL, 0) returns the length. */
UMBRA_CRTAPI int _snwprintf(wchar_t *buf, size_t count, const wchar_t *fmt, ...);
UMBRA_CRTAPI int _vsnwprintf(wchar_t *buf, size_t count, const wchar_t *fmt, va_list args);
/* Output that does not fit empties the buffer and returns -1 (ERANGE). */
UMBRA_CRTAPI int swprintf_s(wchar_t *buf, size_t size, const wchar_t *fmt, ...);
UMBRA_CRTAPI int vswprintf_s(wchar_t *buf, size_t size, const wchar_t *fmt, va_list args);
/* At most count WCHARs (or as many as fit, with count == _TRUNCATE), always
 * NUL-terminated; -1 when cut short. */
UMBRA_CRTAPI int _snwprintf_s(wchar_t *buf, size_t size, size_t count, const wchar_t *fmt, ...);
UMBRA_CRTAPI int _vsnwprintf_s(wchar_t *buf, size_t size, size_t count, const wchar_t *fmt, va_list args);
/* The length the output would have. */
UMBRA_CRTAPI int _scwprintf(const wchar_t *fmt, ...);
UMBRA_CRTAPI int _vscwprintf(const wchar_t *fmt, va_list args);

/* Narrow formatted output with Microsoft's format semantics (%S and %ws are
 * wide strings, %C a wide character); the same return conventions.  snprintf
 * and vsnprintf are C99's (they return the full length). */
UMBRA_CRTAPI int umbra_printf(const char *fmt, ...);
UMBRA_CRTAPI int umbra_vprintf(const char *fmt, va_list args);
UMBRA_CRTAPI int umbra_fprintf(FILE *stream, const char *fmt, ...);
UMBRA_CRTAPI int umbra_vfprintf(FILE *stream, const char *fmt, va_list args);
UMBRA_CRTAPI int umbra_sprintf(char *buf, const char *fmt, ...);
UMBRA_CRTAPI int umbra_vsprintf(char *buf, const char *fmt, va_list args);
UMBRA_CRTAPI int umbra_snprintf(char *buf, size_t count, const char *fmt, ...);
UMBRA_CRTAPI int umbra_vsnprintf(char *buf, size_t count, const char *fmt, va_list args);
UMBRA_CRTAPI int _snprintf(char *buf, size_t count, const char *fmt, ...);
UMBRA_CRTAPI int _vsnprintf(char *buf, size_t count, const char *fmt, va_list args);
UMBRA_CRTAPI int sprintf_s(char *buf, size_t size, const char *fmt, ...);
UMBRA_CRTAPI int vsprintf_s(char *buf, size_t size, const char *fmt, va_list args);
UMBRA_CRTAPI int _snprintf_s(char *buf, size_t size, size_t count, const char *fmt, ...);
UMBRA_CRTAPI int _vsnprintf_s(char *buf, size_t size, size_t count, const char *fmt, va_list args);
UMBRA_CRTAPI int _scprintf(const char *fmt, ...);
UMBRA_CRTAPI int _vscprintf(const char *fmt, va_list args);

/* Wide character output to a byte stream, in UTF-8. */
UMBRA_CRTAPI int umbra_fputws(const wchar_t *str, FILE *stream);
UMBRA_CRTAPI wint_t umbra_fputwc(wchar_t c, FILE *stream);
UMBRA_CRTAPI wint_t umbra_putwc(wchar_t c, FILE *stream);
UMBRA_CRTAPI wint_t umbra_putwchar(wchar_t c);
UMBRA_CRTAPI int _putws(const wchar_t *str);

/* Wide strings. */
UMBRA_CRTAPI int _wcsicmp(const wchar_t *a, const wchar_t *b);
UMBRA_CRTAPI int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t count);
UMBRA_CRTAPI wchar_t *_wcsdup(const wchar_t *str);
UMBRA_CRTAPI errno_t wcscpy_s(wchar_t *dst, size_t size, const wchar_t *src);
UMBRA_CRTAPI errno_t wcsncpy_s(wchar_t *dst, size_t size, const wchar_t *src, size_t count);
UMBRA_CRTAPI errno_t wcscat_s(wchar_t *dst, size_t size, const wchar_t *src);
UMBRA_CRTAPI errno_t wcsncat_s(wchar_t *dst, size_t size, const wchar_t *src, size_t count);
UMBRA_CRTAPI int _wtoi(const wchar_t *str);
UMBRA_CRTAPI long _wtol(const wchar_t *str);
UMBRA_CRTAPI long long _wtoi64(const wchar_t *str);

/* Narrow strings. */
UMBRA_CRTAPI int _stricmp(const char *a, const char *b);
UMBRA_CRTAPI int _strnicmp(const char *a, const char *b, size_t count);
UMBRA_CRTAPI char *_strdup(const char *str);
UMBRA_CRTAPI errno_t strcpy_s(char *dst, size_t size, const char *src);
UMBRA_CRTAPI errno_t strncpy_s(char *dst, size_t size, const char *src, size_t count);
UMBRA_CRTAPI errno_t strcat_s(char *dst, size_t size, const char *src);
UMBRA_CRTAPI errno_t strncat_s(char *dst, size_t size, const char *src, size_t count);
UMBRA_CRTAPI long long _atoi64(const char *str);

/* The entry point of a Windows program written with wmain (or _tmain under
 * _UNICODE): libumbra-msvcrt's main converts the arguments and calls it.
 * Declared here so that it has C linkage in C++ and stays exported under
 * -fvisibility=hidden; in C without a prototype, so that the optional envp
 * parameter is allowed. */
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L)
UMBRA_CRTAPI int wmain(int argc, wchar_t **argv);
#else
UMBRA_CRTAPI int wmain();
#endif

#ifdef __cplusplus
}

/* Microsoft's C++ overloads that take the buffer size from an array. */
extern "C++" {
template <size_t N> inline int umbra_swprintf(wchar_t (&buf)[N], const wchar_t *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int ret = umbra_vswprintf(buf, N, fmt, args);
    va_end(args);
    return ret;
}
template <size_t N> inline int swprintf_s(wchar_t (&buf)[N], const wchar_t *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int ret = vswprintf_s(buf, N, fmt, args);
    va_end(args);
    return ret;
}
template <size_t N> inline int vswprintf_s(wchar_t (&buf)[N], const wchar_t *fmt, va_list args)
{
    return vswprintf_s(buf, N, fmt, args);
}
template <size_t N> inline int _snwprintf_s(wchar_t (&buf)[N], size_t count, const wchar_t *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int ret = _vsnwprintf_s(buf, N, count, fmt, args);
    va_end(args);
    return ret;
}
template <size_t N> inline int sprintf_s(char (&buf)[N], const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int ret = vsprintf_s(buf, N, fmt, args);
    va_end(args);
    return ret;
}
template <size_t N> inline int _snprintf_s(char (&buf)[N], size_t count, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int ret = _vsnprintf_s(buf, N, count, fmt, args);
    va_end(args);
    return ret;
}
template <size_t N> inline errno_t wcscpy_s(wchar_t (&dst)[N], const wchar_t *src)
{
    return wcscpy_s(dst, N, src);
}
template <size_t N> inline errno_t wcsncpy_s(wchar_t (&dst)[N], const wchar_t *src, size_t count)
{
    return wcsncpy_s(dst, N, src, count);
}
template <size_t N> inline errno_t wcscat_s(wchar_t (&dst)[N], const wchar_t *src)
{
    return wcscat_s(dst, N, src);
}
template <size_t N> inline errno_t strcpy_s(char (&dst)[N], const char *src)
{
    return strcpy_s(dst, N, src);
}
template <size_t N> inline errno_t strncpy_s(char (&dst)[N], const char *src, size_t count)
{
    return strncpy_s(dst, N, src, count);
}
template <size_t N> inline errno_t strcat_s(char (&dst)[N], const char *src)
{
    return strcat_s(dst, N, src);
}
}

/* std::wprintf and friends expand to std::umbra_wprintf. */
namespace std
{
using ::umbra_wprintf;
using ::umbra_vwprintf;
using ::umbra_fwprintf;
using ::umbra_vfwprintf;
using ::umbra_swprintf;
using ::umbra_vswprintf;
using ::umbra_printf;
using ::umbra_vprintf;
using ::umbra_fprintf;
using ::umbra_vfprintf;
using ::umbra_sprintf;
using ::umbra_vsprintf;
using ::umbra_snprintf;
using ::umbra_vsnprintf;
using ::umbra_fputws;
using ::umbra_fputwc;
using ::umbra_putwc;
using ::umbra_putwchar;
}
#endif /* __cplusplus */

#endif
