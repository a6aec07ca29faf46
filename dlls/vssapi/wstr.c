/*
 * wstr.c: WCHAR <-> UTF-8 conversions and the CoTaskMem/BSTR copies that
 * vssapi hands to Windows callers (see wstr.h for the contract).
 *
 * Conversions are strict: lone surrogates, values above U+10FFFF, overlong
 * and truncated UTF-8 are refused rather than replaced, so that text a writer
 * stores in a document comes back byte for byte or not at all.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include "wstr.h"

static int is_scalar_value(UINT32 c)
{
    return c < 0xd800 || (c > 0xdfff && c <= 0x10ffff);
}

size_t utf8_encode(UINT32 c, char *buf)
{
    unsigned char *p = (unsigned char *)buf;

    if (!is_scalar_value(c)) return 0;
    if (c < 0x80)
    {
        p[0] = c;
        return 1;
    }
    if (c < 0x800)
    {
        p[0] = 0xc0 | (c >> 6);
        p[1] = 0x80 | (c & 0x3f);
        return 2;
    }
    if (c < 0x10000)
    {
        p[0] = 0xe0 | (c >> 12);
        p[1] = 0x80 | ((c >> 6) & 0x3f);
        p[2] = 0x80 | (c & 0x3f);
        return 3;
    }
    p[0] = 0xf0 | (c >> 18);
    p[1] = 0x80 | ((c >> 12) & 0x3f);
    p[2] = 0x80 | ((c >> 6) & 0x3f);
    p[3] = 0x80 | (c & 0x3f);
    return 4;
}

size_t utf8_decode(const char *s, size_t len, UINT32 *c)
{
    const unsigned char *p = (const unsigned char *)s;
    static const UINT32 min_value[4] = { 0, 0x80, 0x800, 0x10000 };
    UINT32 value;
    size_t n, i;

    if (!len) return 0;
    if (p[0] < 0x80)
    {
        *c = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) { n = 2; value = p[0] & 0x1f; }
    else if ((p[0] & 0xf0) == 0xe0) { n = 3; value = p[0] & 0x0f; }
    else if ((p[0] & 0xf8) == 0xf0) { n = 4; value = p[0] & 0x07; }
    else return 0;
    if (len < n) return 0;
    for (i = 1; i < n; i++)
    {
        if ((p[i] & 0xc0) != 0x80) return 0;
        value = (value << 6) | (p[i] & 0x3f);
    }
    if (value < min_value[n - 1] || !is_scalar_value(value)) return 0;
    *c = value;
    return n;
}

ptrdiff_t utf8_wcslen(const char *str, size_t len)
{
    size_t pos = 0, n;
    ptrdiff_t count = 0;
    UINT32 c;

    while (pos < len)
    {
        if ((unsigned char)str[pos] < 0x80)
        {
            pos++;
            count++;
            continue;
        }
        if (!(n = utf8_decode(str + pos, len - pos, &c))) return -EILSEQ;
        pos += n;
        count++;
    }
    return count;
}

/* Decodes len bytes of valid UTF-8 (checked by utf8_wcslen) into dst. */
static void utf8_to_wchars(const char *str, size_t len, WCHAR *dst)
{
    size_t pos = 0;
    UINT32 c;

    while (pos < len)
    {
        if ((unsigned char)str[pos] < 0x80)
        {
            *dst++ = (unsigned char)str[pos++];
            continue;
        }
        pos += utf8_decode(str + pos, len - pos, &c);
        *dst++ = c;
    }
}

int wstr_to_utf8n(const WCHAR *str, size_t len, char **out)
{
    size_t i, size = 1, pos = 0;
    char *buf;

    *out = NULL;
    if (!str) return 0;
    for (i = 0; i < len; i++)
    {
        UINT32 c = str[i];

        if (!is_scalar_value(c)) return -EILSEQ;
        size += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    if (!(buf = malloc(size))) return -ENOMEM;
    for (i = 0; i < len; i++)
    {
        if (str[i] < 0x80) buf[pos++] = str[i];
        else pos += utf8_encode(str[i], buf + pos);
    }
    buf[pos] = 0;
    *out = buf;
    return 0;
}

int wstr_to_utf8(const WCHAR *str, char **out)
{
    return wstr_to_utf8n(str, str ? wcslen(str) : 0, out);
}

int wstr_from_utf8(const char *str, WCHAR **out)
{
    size_t len;
    ptrdiff_t count;
    WCHAR *buf;

    *out = NULL;
    if (!str) return 0;
    len = strlen(str);
    if ((count = utf8_wcslen(str, len)) < 0) return count;
    if (!(buf = malloc((count + 1) * sizeof(WCHAR)))) return -ENOMEM;
    utf8_to_wchars(str, len, buf);
    buf[count] = 0;
    *out = buf;
    return 0;
}

int wstr_dup_cotaskmem(const WCHAR *str, WCHAR **out)
{
    size_t size;

    *out = NULL;
    if (!str) return 0;
    size = (wcslen(str) + 1) * sizeof(WCHAR);
    if (!(*out = CoTaskMemAlloc(size))) return -ENOMEM;
    memcpy(*out, str, size);
    return 0;
}

int wstr_from_utf8_cotaskmem(const char *str, WCHAR **out)
{
    size_t len;
    ptrdiff_t count;
    WCHAR *buf;

    *out = NULL;
    if (!str) return 0;
    len = strlen(str);
    if ((count = utf8_wcslen(str, len)) < 0) return count;
    if (!(buf = CoTaskMemAlloc((count + 1) * sizeof(WCHAR)))) return -ENOMEM;
    utf8_to_wchars(str, len, buf);
    buf[count] = 0;
    *out = buf;
    return 0;
}

int bstr_from_utf8n(const char *str, size_t len, BSTR *out)
{
    ptrdiff_t count;
    BSTR bstr;

    *out = NULL;
    if (!str) return 0;
    if ((count = utf8_wcslen(str, len)) < 0) return count;
    /* a BSTR carries a 32-bit byte length */
    if ((size_t)count > (UINT32_MAX - sizeof(WCHAR)) / sizeof(WCHAR)) return -ENOMEM;
    if (!(bstr = SysAllocStringLen(NULL, count))) return -ENOMEM;
    utf8_to_wchars(str, len, bstr);
    bstr[count] = 0;
    *out = bstr;
    return 0;
}

int bstr_from_utf8(const char *str, BSTR *out)
{
    return bstr_from_utf8n(str, str ? strlen(str) : 0, out);
}

HRESULT bstr_out_utf8(const char *value, BSTR *out)
{
    int ret;

    if (!value)
    {
        *out = NULL;
        return S_FALSE;
    }
    if (!(ret = bstr_from_utf8(value, out))) return S_OK;
    return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
}

int wstr_to_utf8_array(const WCHAR *const *in, char **out, int count)
{
    int i, ret;

    memset(out, 0, count * sizeof(*out));
    for (i = 0; i < count; i++)
    {
        if ((ret = wstr_to_utf8(in[i], &out[i])))
        {
            utf8_array_free(out, i);
            return ret;
        }
    }
    return 0;
}

void utf8_array_free(char **list, int count)
{
    int i;

    for (i = 0; i < count; i++)
    {
        free(list[i]);
        list[i] = NULL;
    }
}
