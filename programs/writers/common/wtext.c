/*
 * wtext.c: UTF-8 <-> UTF-32 for the in-box writers (wtext.h).  Strict
 * decoding: overlong forms, surrogates and values past U+10FFFF are replaced,
 * never passed on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "wtext.h"

#define REPLACEMENT 0xfffd

/* Decode one character at s; returns the bytes used (at least 1). */
static size_t decode_one(const unsigned char *s, uint32_t *out)
{
    static const uint32_t min_value[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    unsigned int len, i;
    uint32_t c = s[0];

    if (c < 0x80) len = 1;
    else if ((c & 0xe0) == 0xc0) { len = 2; c &= 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; c &= 0x07; }
    else
    {
        *out = REPLACEMENT;
        return 1;
    }
    for (i = 1; i < len; i++)
    {
        if ((s[i] & 0xc0) != 0x80)
        {
            *out = REPLACEMENT;
            return i;
        }
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min_value[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) c = REPLACEMENT;
    *out = c;
    return len;
}

WCHAR *wtext_from_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len, n = 0;
    WCHAR *out;

    if (!s) return NULL;
    len = strlen(s);
    if (!(out = malloc((len + 1) * sizeof(*out)))) return NULL;
    while (*p)
    {
        uint32_t c;

        p += decode_one(p, &c);
        out[n++] = (WCHAR)c;
    }
    out[n] = 0;
    return out;
}

char *wtext_to_utf8(const WCHAR *w)
{
    size_t len = 0, n = 0;
    char *out;

    if (!w) return NULL;
    while (w[len]) len++;
    if (!(out = malloc(len * 4 + 1))) return NULL;
    for (size_t i = 0; i < len; i++)
    {
        uint32_t c = (uint32_t)w[i];

        if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) c = REPLACEMENT;
        if (c < 0x80) out[n++] = (char)c;
        else if (c < 0x800)
        {
            out[n++] = (char)(0xc0 | c >> 6);
            out[n++] = (char)(0x80 | (c & 0x3f));
        }
        else if (c < 0x10000)
        {
            out[n++] = (char)(0xe0 | c >> 12);
            out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (c & 0x3f));
        }
        else
        {
            out[n++] = (char)(0xf0 | c >> 18);
            out[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
            out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[n] = 0;
    return out;
}
