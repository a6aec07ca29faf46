/*
 * msvcrt_private.h: what the files of libumbra-msvcrt share: the format
 * translator and the formatting engine behind every printf-style function,
 * the buffer policies of the bounded ones, and the UTF-8 locale the engine
 * formats under.
 */
#ifndef UMBRA_MSVCRT_PRIVATE_H
#define UMBRA_MSVCRT_PRIVATE_H

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

/* Rewrite a Microsoft format for glibc's narrow (printf) or wide (wprintf)
 * family: a new malloc'd string, or NULL with errno EINVAL for a format the
 * Microsoft CRT rejects (%n, %Z, positional arguments, an unknown or
 * unfinished conversion) or ENOMEM. */
char *msvcrt_translate_format(const char *fmt);
wchar_t *msvcrt_translate_wformat(const wchar_t *fmt);

/* Format with Microsoft semantics into a new malloc'd string (*out, which the
 * caller frees).  Return the length in units, or -1 with errno set and *out
 * NULL. */
int msvcrt_vasprintf(char **out, const char *fmt, va_list args);
int msvcrt_vaswprintf(wchar_t **out, const wchar_t *fmt, va_list args);

/* A UTF-8 LC_CTYPE locale for glibc's conversions between narrow and wide
 * arguments, or (locale_t)0 when the system has none (ASCII still works). */
locale_t msvcrt_utf8_locale(void);

/* Microsoft's buffer policies, shared by the narrow and wide functions: each
 * stores the formatted text (src, len units of unit bytes) in buf of count
 * units and returns what the function returns. */
int msvcrt_store_iso(void *buf, size_t count, const void *src, int len, size_t unit);
int msvcrt_store_c99(void *buf, size_t count, const void *src, int len, size_t unit);
int msvcrt_store_legacy(void *buf, size_t count, const void *src, int len, size_t unit);
int msvcrt_store_secure(void *buf, size_t size, const void *src, int len, size_t unit);
int msvcrt_store_secure_count(void *buf, size_t size, size_t count, const void *src, int len,
                              size_t unit);

/* Write a wide string to a byte stream as UTF-8; 0 or -1 (errno set). */
int msvcrt_write_wide(FILE *stream, const wchar_t *str, size_t len);

#endif
