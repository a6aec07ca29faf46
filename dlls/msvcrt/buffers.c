/*
 * buffers.c: how each bounded printf-style function of the Microsoft CRT
 * stores output in the caller's buffer.  They differ exactly where code gets
 * bitten: whether a full buffer is NUL-terminated, whether truncation empties
 * it, and what they return.  The text is formatted before any of these runs,
 * so each policy is plain copying; narrow and wide share them by unit size.
 */
#include <errno.h>
#include <string.h>
#include "msvcrt_private.h"

static void store(void *buf, size_t at, const void *src, size_t n, size_t unit)
{
    memcpy((char *)buf + at * unit, src, n * unit);
}

static void terminate(void *buf, size_t at, size_t unit)
{
    memset((char *)buf + at * unit, 0, unit);
}

/* swprintf (ISO): a cut text is NUL-terminated and returns -1. */
int msvcrt_store_iso(void *buf, size_t count, const void *src, int len, size_t unit)
{
    if ((size_t)len < count)
    {
        store(buf, 0, src, len, unit);
        terminate(buf, len, unit);
        return len;
    }
    store(buf, 0, src, count - 1, unit);
    terminate(buf, count - 1, unit);
    return -1;
}

/* snprintf, vsnprintf (C99): a cut text is NUL-terminated; the full length
 * is returned either way, and a zero count stores nothing. */
int msvcrt_store_c99(void *buf, size_t count, const void *src, int len, size_t unit)
{
    size_t n;

    if (!count) return len;
    n = (size_t)len < count ? (size_t)len : count - 1;
    store(buf, 0, src, n, unit);
    terminate(buf, n, unit);
    return len;
}

/* _snwprintf, _snprintf: no NUL when the text fills the buffer exactly
 * (returns count) or does not fit (returns -1). */
int msvcrt_store_legacy(void *buf, size_t count, const void *src, int len, size_t unit)
{
    if ((size_t)len < count)
    {
        store(buf, 0, src, len, unit);
        terminate(buf, len, unit);
        return len;
    }
    store(buf, 0, src, count, unit);
    return (size_t)len == count ? len : -1;
}

/* swprintf_s, sprintf_s: a text that does not fit empties the buffer, sets
 * ERANGE and returns -1. */
int msvcrt_store_secure(void *buf, size_t size, const void *src, int len, size_t unit)
{
    if ((size_t)len >= size)
    {
        terminate(buf, 0, unit);
        errno = ERANGE;
        return -1;
    }
    store(buf, 0, src, len, unit);
    terminate(buf, len, unit);
    return len;
}

/* _snwprintf_s, _snprintf_s: at most count units (as many as fit with
 * _TRUNCATE), always NUL-terminated, -1 when cut; a text of up to count
 * units that still does not fit empties the buffer (ERANGE). */
int msvcrt_store_secure_count(void *buf, size_t size, size_t count, const void *src, int len,
                              size_t unit)
{
    size_t n;

    if (count == (size_t)-1)
    {
        if ((size_t)len < size) return msvcrt_store_secure(buf, size, src, len, unit);
        store(buf, 0, src, size - 1, unit);
        terminate(buf, size - 1, unit);
        return -1;
    }
    n = (size_t)len < count ? (size_t)len : count;
    if (n >= size)
    {
        terminate(buf, 0, unit);
        errno = ERANGE;
        return -1;
    }
    store(buf, 0, src, n, unit);
    terminate(buf, n, unit);
    return (size_t)len <= count ? len : -1;
}
