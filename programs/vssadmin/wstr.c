/*
 * wstr.c: UTF-8 (the command line, the output) to and from the WCHAR
 * strings of the Windows API (wchar_t, UTF-32 here: DESIGN.md §2).  Bytes
 * that are not UTF-8 become U+FFFD rather than failing the command.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vssadmin.h"

WCHAR *vsa_wcs(const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len = strlen(utf8), i = 0, n = 0;
    WCHAR *out = malloc((len + 1) * sizeof(WCHAR));

    if (!out) return NULL;
    while (i < len)
    {
        uint32_t cp = s[i];
        size_t extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0, k;

        if ((cp >= 0x80 && cp < 0xc0) || cp >= 0xf8)
        {
            out[n++] = 0xfffd;
            i++;
            continue;
        }
        if (extra) cp &= 0x3fu >> extra;
        for (k = 1; k <= extra; k++)
        {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80) break;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (k <= extra || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        {
            out[n++] = 0xfffd;
            i++;
            continue;
        }
        out[n++] = (WCHAR)cp;
        i += extra + 1;
    }
    out[n] = 0;
    return out;
}

char *vsa_utf8(const WCHAR *wide)
{
    size_t len = 0, n = 0, i;
    char *out;

    if (!wide) return strdup("");
    while (wide[len]) len++;
    if (!(out = malloc(len * 4 + 1))) return NULL;
    for (i = 0; i < len; i++)
    {
        uint32_t cp = (uint32_t)wide[i];

        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
        if (cp < 0x80) out[n++] = (char)cp;
        else if (cp < 0x800)
        {
            out[n++] = (char)(0xc0 | cp >> 6);
            out[n++] = (char)(0x80 | (cp & 0x3f));
        }
        else if (cp < 0x10000)
        {
            out[n++] = (char)(0xe0 | cp >> 12);
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (cp & 0x3f));
        }
        else
        {
            out[n++] = (char)(0xf0 | cp >> 18);
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[n] = 0;
    return out;
}
