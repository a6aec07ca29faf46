/*
 * codepage.c: MultiByteToWideChar and WideCharToMultiByte.  Every code page
 * Umbra accepts is UTF-8 on the narrow side (winnls.h says why), so this is a
 * strict UTF-8 codec: overlong forms, encoded surrogates and values above
 * U+10FFFF are ill-formed.  Each maximal ill-formed subpart becomes one U+FFFD,
 * as Unicode recommends and Windows does, unless the caller asked for
 * MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS.
 */
#include <limits.h>
#include <string.h>
#include <windows.h>
#include "umbra/debug.h"

#define REPLACEMENT_CHAR 0xFFFD

static BOOL is_utf8_codepage(UINT codepage)
{
    return codepage == CP_ACP || codepage == CP_OEMCP || codepage == CP_THREAD_ACP
           || codepage == CP_UTF8;
}

/* Decodes one character at s (len > 0 bytes available).  Returns the number of
 * bytes it spans; *cp is the code point, or -1 for an ill-formed sequence, in
 * which case the count is the length of its maximal subpart. */
static int utf8_decode(const unsigned char *s, int len, int *cp)
{
    unsigned char lead = s[0], lo = 0x80, hi = 0xBF;
    int need, i, value;

    if (lead < 0x80)
    {
        *cp = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) { need = 1; value = lead & 0x1F; }
    else if (lead >= 0xE0 && lead <= 0xEF)
    {
        need = 2;
        value = lead & 0x0F;
        if (lead == 0xE0) lo = 0xA0;        /* no overlong forms */
        else if (lead == 0xED) hi = 0x9F;   /* no encoded surrogates */
    }
    else if (lead >= 0xF0 && lead <= 0xF4)
    {
        need = 3;
        value = lead & 0x07;
        if (lead == 0xF0) lo = 0x90;
        else if (lead == 0xF4) hi = 0x8F;   /* nothing above U+10FFFF */
    }
    else
    {
        *cp = -1;
        return 1;
    }
    for (i = 1; i <= need; i++)
    {
        if (i >= len || s[i] < lo || s[i] > hi)
        {
            *cp = -1;
            return i;
        }
        value = (value << 6) | (s[i] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = value;
    return need + 1;
}

int WINAPI MultiByteToWideChar(UINT codepage, DWORD flags, LPCSTR src, int srclen,
                               LPWSTR dst, int dstlen)
{
    const unsigned char *s = (const unsigned char *)src;
    DWORD allowed;
    int pos = 0, count = 0;

    TRACE("%u, %#x, %p, %d, %p, %d\n", codepage, flags, src, srclen, dst, dstlen);

    if (!src || !srclen || dstlen < 0 || (dstlen && !dst) || (const void *)src == (void *)dst)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!is_utf8_codepage(codepage))
    {
        WARN("code page %u is not supported\n", codepage);
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    allowed = codepage == CP_UTF8 ? MB_ERR_INVALID_CHARS
                                  : MB_PRECOMPOSED | MB_COMPOSITE | MB_USEGLYPHCHARS | MB_ERR_INVALID_CHARS;
    if (flags & ~allowed)
    {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (srclen < 0)
    {
        size_t n = strlen(src) + 1;
        if (n > INT_MAX)
        {
            SetLastError(ERROR_INVALID_PARAMETER);
            return 0;
        }
        srclen = (int)n;
    }

    while (pos < srclen)
    {
        int cp;

        pos += utf8_decode(s + pos, srclen - pos, &cp);
        if (cp < 0)
        {
            if (flags & MB_ERR_INVALID_CHARS)
            {
                SetLastError(ERROR_NO_UNICODE_TRANSLATION);
                return 0;
            }
            cp = REPLACEMENT_CHAR;
        }
        if (dstlen)
        {
            if (count >= dstlen)
            {
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return 0;
            }
            dst[count] = (WCHAR)cp;
        }
        count++;
    }
    return count;
}

/* The code point at src[*pos], joining a UTF-16 surrogate pair; -1 when it is
 * a lone surrogate or no Unicode value at all. */
static int next_wide_char(LPCWSTR src, int srclen, int *pos)
{
    unsigned int c = (unsigned int)src[(*pos)++];

    if (c >= 0xD800 && c <= 0xDBFF && *pos < srclen)
    {
        unsigned int c2 = (unsigned int)src[*pos];
        if (c2 >= 0xDC00 && c2 <= 0xDFFF)
        {
            (*pos)++;
            return 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
        }
    }
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return -1;
    return (int)c;
}

static int utf8_encode(unsigned int cp, unsigned char *out)
{
    if (cp < 0x80)
    {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800)
    {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000)
    {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int WINAPI WideCharToMultiByte(UINT codepage, DWORD flags, LPCWSTR src, int srclen, LPSTR dst,
                               int dstlen, LPCSTR defchar, LPBOOL used)
{
    unsigned char buf[4];
    const unsigned char *subst;
    int subst_len, pos = 0, count = 0;
    DWORD allowed;

    TRACE("%u, %#x, %p, %d, %p, %d, %p, %p\n", codepage, flags, src, srclen, dst, dstlen,
          defchar, used);

    if (!src || !srclen || dstlen < 0 || (dstlen && !dst) || (const void *)src == (void *)dst)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!is_utf8_codepage(codepage))
    {
        WARN("code page %u is not supported\n", codepage);
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (codepage == CP_UTF8)
    {
        /* Every character has a UTF-8 form: Windows refuses a default character. */
        if (defchar || used)
        {
            SetLastError(ERROR_INVALID_PARAMETER);
            return 0;
        }
        allowed = WC_ERR_INVALID_CHARS;
    }
    else
        allowed = WC_COMPOSITECHECK | WC_DISCARDNS | WC_SEPCHARS | WC_DEFAULTCHAR
                  | WC_NO_BEST_FIT_CHARS;
    if (flags & ~allowed)
    {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (srclen < 0)
    {
        size_t n = wcslen(src) + 1;
        if (n > INT_MAX)
        {
            SetLastError(ERROR_INVALID_PARAMETER);
            return 0;
        }
        srclen = (int)n;
    }

    /* What an unencodable character becomes: U+FFFD in UTF-8; in the "ANSI"
     * code pages the caller's default character (or '?'), reported in *used. */
    if (codepage == CP_UTF8)
    {
        subst_len = utf8_encode(REPLACEMENT_CHAR, buf);
        subst = buf;
    }
    else
    {
        subst = (const unsigned char *)(defchar && *defchar ? defchar : "?");
        subst_len = (int)strnlen((const char *)subst, 4);
    }
    if (used) *used = FALSE;

    while (pos < srclen)
    {
        unsigned char enc[4];
        const unsigned char *out = enc;
        int cp = next_wide_char(src, srclen, &pos), n;

        if (cp < 0)
        {
            if (flags & WC_ERR_INVALID_CHARS)
            {
                SetLastError(ERROR_NO_UNICODE_TRANSLATION);
                return 0;
            }
            if (used && codepage != CP_UTF8) *used = TRUE;
            out = subst;
            n = subst_len;
        }
        else
            n = utf8_encode((unsigned int)cp, enc);

        if (count > INT_MAX - n)
        {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return 0;
        }
        if (dstlen)
        {
            if (count + n > dstlen)
            {
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return 0;
            }
            memcpy(dst + count, out, n);
        }
        count += n;
    }
    return count;
}
