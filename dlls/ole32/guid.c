/*
 * guid.c: GUIDs as COM makes and spells them: CoCreateGuid (random, version 4),
 * StringFromGUID2 and friends (Microsoft's upper-case braced form), and the
 * parsers CLSIDFromString and IIDFromString with the results Windows gives
 * for malformed input, including what it leaves in the output GUID.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */
#define GUID_STRING_LEN (CHARS_IN_GUID - 1)

HRESULT WINAPI CoCreateGuid(GUID *guid)
{
    size_t done = 0;

    TRACE("%p\n", guid);

    if (!guid) return E_INVALIDARG;
    while (done < sizeof(*guid))
    {
        ssize_t n = getrandom((char *)guid + done, sizeof(*guid) - done, 0);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            WARN("getrandom: %s\n", strerror(errno));
            return HRESULT_FROM_WIN32(umbra_win32_error_from_errno(errno));
        }
        done += n;
    }
    /* RFC 4122 random GUID: version 4, variant 10xx. */
    guid->Data3 = (guid->Data3 & 0x0FFF) | 0x4000;
    guid->Data4[0] = (guid->Data4[0] & 0x3F) | 0x80;
    return S_OK;
}

static WCHAR *put_hex(WCHAR *p, unsigned int value, int digits)
{
    static const WCHAR hex[] = L"0123456789ABCDEF";

    while (digits--) *p++ = hex[(value >> (4 * digits)) & 0xF];
    return p;
}

INT WINAPI StringFromGUID2(REFGUID guid, LPOLESTR str, INT cchmax)
{
    WCHAR *p = str;
    int i;

    if (!guid || !str || cchmax < CHARS_IN_GUID) return 0;
    *p++ = '{';
    p = put_hex(p, guid->Data1, 8);
    *p++ = '-';
    p = put_hex(p, guid->Data2, 4);
    *p++ = '-';
    p = put_hex(p, guid->Data3, 4);
    *p++ = '-';
    for (i = 0; i < 8; i++)
    {
        if (i == 2) *p++ = '-';
        p = put_hex(p, guid->Data4[i], 2);
    }
    *p++ = '}';
    *p = 0;
    return CHARS_IN_GUID;
}

static HRESULT guid_to_task_string(const GUID *guid, LPOLESTR *str)
{
    if (!str) return E_INVALIDARG;
    *str = NULL;
    if (!guid) return E_INVALIDARG;
    if (!(*str = CoTaskMemAlloc(CHARS_IN_GUID * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    StringFromGUID2(guid, *str, CHARS_IN_GUID);
    return S_OK;
}

HRESULT WINAPI StringFromCLSID(REFCLSID clsid, LPOLESTR *str)
{
    return guid_to_task_string(clsid, str);
}

HRESULT WINAPI StringFromIID(REFIID iid, LPOLESTR *str)
{
    return guid_to_task_string(iid, str);
}

static int hex_value(WCHAR c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads up to `digits` hex digits; *value gets those read before the first
 * non-digit.  Returns TRUE when all were there. */
static BOOL read_hex(const WCHAR *s, int digits, unsigned int *value)
{
    int i, v;

    *value = 0;
    for (i = 0; i < digits; i++)
    {
        if ((v = hex_value(s[i])) < 0) return FALSE;
        *value = (*value << 4) | (unsigned int)v;
    }
    return TRUE;
}

/* Parses the braced form from s[0].  Each field is stored as soon as it is
 * read, the digits before a fault included, so a failed parse leaves in
 * *guid what Windows leaves there: the fields before the fault, the rest
 * untouched.  Never reads past the first character that does not fit. */
static BOOL parse_guid(const WCHAR *s, GUID *guid)
{
    unsigned int v;
    BOOL ok;
    int i;

    if (s[0] != '{') return FALSE;
    ok = read_hex(s + 1, 8, &v);
    guid->Data1 = v;
    if (!ok || s[9] != '-') return FALSE;
    ok = read_hex(s + 10, 4, &v);
    guid->Data2 = (unsigned short)v;
    if (!ok || s[14] != '-') return FALSE;
    ok = read_hex(s + 15, 4, &v);
    guid->Data3 = (unsigned short)v;
    if (!ok || s[19] != '-') return FALSE;
    s += 20;
    for (i = 0; i < 8; i++)
    {
        if (i == 2 && *s++ != '-') return FALSE;
        ok = read_hex(s, 2, &v);
        guid->Data4[i] = (unsigned char)v;
        if (!ok) return FALSE;
        s += 2;
    }
    return *s == '}';
}

HRESULT WINAPI CLSIDFromString(LPCOLESTR str, LPCLSID clsid)
{
    TRACE("%s, %p\n", debugstr_w(str), clsid);

    if (!clsid) return E_INVALIDARG;
    if (!str)
    {
        memset(clsid, 0, sizeof(*clsid));
        return S_OK;
    }
    if (str[0] != '{')
    {
        /* Not a GUID, so Windows would look it up as a ProgID (the empty
         * string included), after clearing the output.  There is no
         * registry of ProgIDs here. */
        memset(clsid, 0, sizeof(*clsid));
        WARN("no class is registered under the ProgID %s\n", debugstr_w(str));
        return CO_E_CLASSSTRING;
    }
    if (!parse_guid(str, clsid) || str[GUID_STRING_LEN]) return CO_E_CLASSSTRING;
    return S_OK;
}

HRESULT WINAPI IIDFromString(LPCOLESTR str, LPIID iid)
{
    TRACE("%s, %p\n", debugstr_w(str), iid);

    if (!iid) return E_INVALIDARG;
    if (!str)
    {
        memset(iid, 0, sizeof(*iid));
        return S_OK;
    }
    /* Windows rejects a string of the wrong length before looking at it and
     * leaves the IID alone; a string of the right length that does not
     * parse is CO_E_IIDSTRING, with the fields read before the fault kept. */
    if (wcsnlen(str, GUID_STRING_LEN + 1) != GUID_STRING_LEN) return E_INVALIDARG;
    if (str[0] != '{' || !parse_guid(str, iid)) return CO_E_IIDSTRING;
    return S_OK;
}
