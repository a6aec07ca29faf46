/*
 * bstr.c: BSTR, the length-prefixed string of OLE Automation, in Microsoft's
 * layout: a 32-bit byte count directly before the first character, the data,
 * then a WCHAR NUL.  A byte-counted BSTR of odd length also has its next byte
 * zero (Windows keeps it so), and the NUL after it sits at the next WCHAR
 * boundary, so every BSTR reads as a terminated wide string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "umbra/debug.h"

/* The largest byte length handed out, so that no caller's int arithmetic on
 * a length can overflow (Windows refuses lengths near 2 GiB as well). */
#define BSTR_MAX_BYTES 0x7FFFFFF0u
#define BSTR_MAX_CHARS (BSTR_MAX_BYTES / sizeof(OLECHAR))

static DWORD *bstr_header(BSTR str)
{
    return (DWORD *)str - 1;
}

/* The data bytes rounded up to whole WCHARs, plus the terminating WCHAR. */
static size_t bstr_tail_size(UINT bytes)
{
    return ((size_t)bytes + sizeof(OLECHAR) - 1) / sizeof(OLECHAR) * sizeof(OLECHAR) + sizeof(OLECHAR);
}

/* A BSTR of `bytes` bytes whose data is zero; NULL when too large or out of memory. */
static BSTR bstr_alloc(UINT bytes)
{
    DWORD *header;

    if (bytes > BSTR_MAX_BYTES) return NULL;
    if (!(header = calloc(1, sizeof(DWORD) + bstr_tail_size(bytes)))) return NULL;
    *header = bytes;
    return (BSTR)(header + 1);
}

UINT WINAPI SysStringByteLen(BSTR str)
{
    return str ? *bstr_header(str) : 0;
}

UINT WINAPI SysStringLen(BSTR str)
{
    return str ? *bstr_header(str) / sizeof(OLECHAR) : 0;
}

void WINAPI SysFreeString(BSTR str)
{
    if (str) free(bstr_header(str));
}

BSTR WINAPI SysAllocStringLen(const OLECHAR *str, UINT len)
{
    BSTR ret;

    TRACE("%s, %u\n", debugstr_wn(str, str ? (int)(len < 256 ? len : 256) : 0), len);

    if (len > BSTR_MAX_CHARS || !(ret = bstr_alloc(len * sizeof(OLECHAR)))) return NULL;
    /* With no source, Windows leaves the characters uninitialised; ours are zero. */
    if (str) memcpy(ret, str, len * sizeof(OLECHAR));
    return ret;
}

BSTR WINAPI SysAllocString(const OLECHAR *str)
{
    size_t len;

    if (!str) return NULL;
    len = wcslen(str);
    if (len > BSTR_MAX_CHARS) return NULL;
    return SysAllocStringLen(str, (UINT)len);
}

BSTR WINAPI SysAllocStringByteLen(LPCSTR str, UINT len)
{
    BSTR ret;

    TRACE("%p, %u\n", str, len);

    if (!(ret = bstr_alloc(len))) return NULL;
    if (str) memcpy(ret, str, len);
    return ret;
}

INT WINAPI SysReAllocStringLen(BSTR *old, const OLECHAR *str, UINT len)
{
    BSTR ret;

    TRACE("%p, %p, %u\n", old, str, len);

    if (!old || len > BSTR_MAX_CHARS) return FALSE;
    if (!(ret = bstr_alloc(len * sizeof(OLECHAR)))) return FALSE;

    if (*old)
    {
        /* The old string's bytes, including its terminator, are all there is
         * to read when the source lies inside it (a BSTR grown in place). */
        const char *start = (const char *)*old;
        const char *end = start + bstr_tail_size(SysStringByteLen(*old));
        const char *src = str ? (const char *)str : start;
        size_t want = (size_t)len * sizeof(OLECHAR);

        if (src >= start && src < end)
            memcpy(ret, src, want < (size_t)(end - src) ? want : (size_t)(end - src));
        else if (str)
            memcpy(ret, str, want);
    }
    else if (str)
        memcpy(ret, str, (size_t)len * sizeof(OLECHAR));

    SysFreeString(*old);
    *old = ret;
    return TRUE;
}

INT WINAPI SysReAllocString(BSTR *old, const OLECHAR *str)
{
    BSTR ret = NULL;

    TRACE("%p, %s\n", old, debugstr_w(str));

    if (!old) return FALSE;
    /* Allocate before freeing: str may point into *old. */
    if (str && !(ret = SysAllocString(str))) return FALSE;
    SysFreeString(*old);
    *old = ret;
    return TRUE;
}
