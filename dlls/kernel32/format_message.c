/*
 * format_message.c: FormatMessage, and LocalFree's usual partner.  Messages
 * come from a string (FORMAT_MESSAGE_FROM_STRING) or from the system table
 * (messages.c): Win32 error codes, their HRESULT_FROM_WIN32 forms, the COM
 * HRESULTs and every VSS HRESULT, in English, ending in ".\r\n" as Windows'
 * system messages do.  No module carries a message table here, so
 * FORMAT_MESSAGE_FROM_HMODULE finds only what the system table has.
 *
 * Inserts: %1 ... %99 with an optional !printf-spec! (default !s!, a wide
 * string in FormatMessageW and a narrow one in FormatMessageA), taken from a
 * va_list or, with FORMAT_MESSAGE_ARGUMENT_ARRAY, from an array of DWORD_PTR;
 * %0 ends the message without a line break, %n is "\r\n", %% %. %! and "% "
 * are the character itself, %r and %t CR and tab.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"
#include "kernel32_private.h"

#define MAX_MESSAGE 65536   /* characters; Windows' limit is 128 KB */

struct out
{
    WCHAR *buf;
    size_t len, cap;
    int overflow;
};

static void put(struct out *o, const WCHAR *s, size_t n)
{
    if (o->len + n + 1 > MAX_MESSAGE)
    {
        o->overflow = 1;
        return;
    }
    if (o->len + n + 1 > o->cap)
    {
        size_t cap = (o->len + n + 1) * 2;
        WCHAR *grown = realloc(o->buf, cap * sizeof(WCHAR));
        if (!grown)
        {
            o->overflow = 1;
            return;
        }
        o->buf = grown;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n * sizeof(WCHAR));
    o->len += n;
    o->buf[o->len] = 0;
}

static void putc_w(struct out *o, WCHAR c)
{
    put(o, &c, 1);
}

/* The system message for id, as a wide string (malloc'd); NULL when the
 * table has none. */
static WCHAR *system_message(DWORD id)
{
    const char *text = NULL;
    char *full;
    WCHAR *wide = NULL;

    if ((id & 0xFFFF0000) == 0x80070000 && !umbra_win32_message(id & 0xFFFF, NULL, &text)) ;
    else if (id < 0x10000 && !umbra_win32_message(id, NULL, &text)) ;
    else if (umbra_hresult_message((HRESULT)id, NULL, &text)) return NULL;
    if (!(full = malloc(strlen(text) + 4))) return NULL;
    strcpy(full, text);
    strcat(full, ".\r\n");
    k32_from_utf8(full, &wide);
    free(full);
    return wide;
}

struct args
{
    va_list *list;
    const DWORD_PTR *array;
};

/* Insert n (1-based) as a DWORD_PTR: every insert is pointer-sized on x64,
 * in a va_list as in an array. */
static DWORD_PTR get_arg(const struct args *args, unsigned int n)
{
    DWORD_PTR value = 0;
    va_list copy;
    unsigned int i;

    if (args->array) return args->array[n - 1];
    va_copy(copy, *args->list);
    for (i = 0; i < n; i++) value = va_arg(copy, DWORD_PTR);
    va_end(copy);
    return value;
}

/* Format one insert with its printf spec (Microsoft's meaning of the letters). */
static void format_insert(struct out *o, const struct args *args, unsigned int n, const WCHAR *spec,
                          size_t spec_len, int narrow_api)
{
    WCHAR fmt[64], buf[512];
    size_t i = 0, f = 0;
    unsigned int next = n + 1;
    int width = 0, precision = -1, star_width = 0, star_precision = 0, ret = -1;
    int size64 = 0, wide_str = !narrow_api;
    DWORD_PTR value;
    WCHAR conv;

    fmt[f++] = '%';
    /* flags */
    while (i < spec_len && wcschr(L"-+ #0", spec[i]) && f < 10) fmt[f++] = spec[i++];
    if (i < spec_len && spec[i] == '*')
    {
        star_width = 1;
        width = (int)get_arg(args, next++);
        i++;
    }
    else while (i < spec_len && spec[i] >= '0' && spec[i] <= '9') width = width * 10 + (spec[i++] - '0');
    if (i < spec_len && spec[i] == '.')
    {
        i++;
        precision = 0;
        if (i < spec_len && spec[i] == '*')
        {
            star_precision = 1;
            precision = (int)get_arg(args, next++);
            i++;
        }
        else while (i < spec_len && spec[i] >= '0' && spec[i] <= '9') precision = precision * 10 + (spec[i++] - '0');
    }
    (void)star_width;
    (void)star_precision;
    /* size: h l ll I I32 I64 w */
    for (;;)
    {
        if (i + 3 <= spec_len && !wcsncmp(spec + i, L"I64", 3)) { size64 = 1; i += 3; }
        else if (i + 3 <= spec_len && !wcsncmp(spec + i, L"I32", 3)) { size64 = 0; i += 3; }
        else if (i < spec_len && spec[i] == 'I') { size64 = 1; i++; }
        else if (i + 2 <= spec_len && !wcsncmp(spec + i, L"ll", 2)) { size64 = 1; i += 2; }
        else if (i < spec_len && (spec[i] == 'l' || spec[i] == 'w')) { wide_str = 1; i++; }
        else if (i < spec_len && spec[i] == 'h') { wide_str = 0; i++; }
        else break;
    }
    conv = i < spec_len ? spec[i] : 's';
    if (width) f += swprintf(fmt + f, 64 - f, L"%d", width);
    if (precision >= 0) f += swprintf(fmt + f, 64 - f, L".%d", precision);
    value = get_arg(args, n);

    switch (conv)
    {
    case 's':
    case 'S':
        /* %S is the other width than the API's own */
        if (conv == 'S') wide_str = narrow_api;
        wcscpy(fmt + f, wide_str ? L"ls" : L"s");
        if (!value)
        {
            put(o, L"(null)", 6);
            return;
        }
        if (wide_str)
        {
            /* long strings go in whole, not through the fixed buffer */
            if (!width && precision < 0)
            {
                put(o, (const WCHAR *)value, wcslen((const WCHAR *)value));
                return;
            }
            ret = swprintf(buf, ARRAYSIZE(buf), fmt, (const WCHAR *)value);
        }
        else
        {
            WCHAR *w = NULL;
            if (k32_from_utf8((const char *)value, &w) || !w) return;
            wcscpy(fmt + f, L"ls");
            if (!width && precision < 0) put(o, w, wcslen(w));
            else ret = swprintf(buf, ARRAYSIZE(buf), fmt, w);
            free(w);
            if (!width && precision < 0) return;
        }
        break;
    case 'c':
    case 'C':
        wcscpy(fmt + f, L"lc");
        ret = swprintf(buf, ARRAYSIZE(buf), fmt, (wint_t)value);
        break;
    case 'd':
    case 'i':
        wcscpy(fmt + f, size64 ? L"lld" : L"d");
        ret = size64 ? swprintf(buf, ARRAYSIZE(buf), fmt, (long long)value) : swprintf(buf, ARRAYSIZE(buf), fmt, (int)value);
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        fmt[f] = 0;
        wcscat(fmt, size64 ? L"ll" : L"");
        f = wcslen(fmt);
        fmt[f++] = conv;
        fmt[f] = 0;
        ret = size64 ? swprintf(buf, ARRAYSIZE(buf), fmt, (unsigned long long)value)
                     : swprintf(buf, ARRAYSIZE(buf), fmt, (unsigned int)value);
        break;
    case 'p':
        ret = swprintf(buf, ARRAYSIZE(buf), L"%016llX", (unsigned long long)value);
        break;
    default:
        /* not a conversion Windows knows: show the spec, as Windows does */
        put(o, spec, spec_len);
        return;
    }
    if (ret > 0) put(o, buf, (size_t)ret);
}

/* Apply the inserts and escapes of a message to o.  0, or -EINVAL for an
 * insert that asks for an argument that was not given. */
static int format(struct out *o, const WCHAR *text, DWORD flags, const struct args *args, int narrow_api)
{
    const WCHAR *p = text;
    int ignore = !!(flags & FORMAT_MESSAGE_IGNORE_INSERTS);

    while (*p && !o->overflow)
    {
        if (*p != '%' || ignore)
        {
            putc_w(o, *p++);
            continue;
        }
        p++;
        if (*p >= '1' && *p <= '9')
        {
            unsigned int n = *p++ - '0';
            const WCHAR *spec = L"s", *end;
            size_t spec_len = 1;

            if (*p >= '0' && *p <= '9') n = n * 10 + (*p++ - '0');
            if (*p == '!' && (end = wcschr(p + 1, '!')))
            {
                spec = p + 1;
                spec_len = end - spec;
                p = end + 1;
            }
            if (!args->list && !args->array) return -EINVAL;
            format_insert(o, args, n, spec, spec_len, narrow_api);
            continue;
        }
        switch (*p)
        {
        case '0': return 0;
        case 'n': put(o, L"\r\n", 2); break;
        case 'r': putc_w(o, '\r'); break;
        case 't': putc_w(o, '\t'); break;
        case 'b': putc_w(o, ' '); break;
        case 0: return 0;
        default: putc_w(o, *p); break;   /* %% %. %! "% " */
        }
        p++;
    }
    return 0;
}

/* FORMAT_MESSAGE_MAX_WIDTH_MASK: 0xFF turns the text's own line breaks into
 * spaces; a smaller width also wraps lines at the last space that fits. */
static void apply_width(struct out *o, DWORD width)
{
    struct out wrapped = { NULL, 0, 0, 0 };
    size_t i, line_start = 0, last_space = (size_t)-1;

    if (!width || !o->buf) return;
    for (i = 0; i < o->len; i++)
    {
        WCHAR c = o->buf[i];

        if (c == '\r' || c == '\n')
        {
            if (c == '\r' && o->buf[i + 1] == '\n') i++;
            c = ' ';
        }
        putc_w(&wrapped, c);
        if (width == FORMAT_MESSAGE_MAX_WIDTH_MASK) continue;
        if (c == ' ') last_space = wrapped.len - 1;
        if (wrapped.len - line_start > width && last_space != (size_t)-1 && last_space >= line_start)
        {
            /* the space becomes "\r\n" */
            size_t tail = wrapped.len - last_space - 1;

            putc_w(&wrapped, ' ');
            if (wrapped.overflow) break;
            memmove(wrapped.buf + last_space + 2, wrapped.buf + last_space + 1, tail * sizeof(WCHAR));
            wrapped.buf[last_space] = '\r';
            wrapped.buf[last_space + 1] = '\n';
            line_start = last_space + 2;
            last_space = (size_t)-1;
        }
    }
    free(o->buf);
    *o = wrapped;
}

static int language_ok(DWORD lang)
{
    return !lang || PRIMARYLANGID(lang) == LANG_NEUTRAL || PRIMARYLANGID(lang) == LANG_ENGLISH;
}

/* The whole of FormatMessage on wide strings; *out is malloc'd. */
static DWORD format_message(DWORD flags, const WCHAR *source_text, DWORD id, DWORD lang, va_list *args_list,
                            int narrow_api, WCHAR **result)
{
    struct out o = { NULL, 0, 0, 0 };
    struct args args = { NULL, NULL };
    WCHAR *text = NULL;
    const WCHAR *message;

    *result = NULL;
    if (flags & FORMAT_MESSAGE_FROM_STRING)
    {
        if (!source_text)
        {
            SetLastError(ERROR_INVALID_PARAMETER);
            return 0;
        }
        message = source_text;
    }
    else if (flags & (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_FROM_HMODULE))
    {
        if (!language_ok(lang))
        {
            SetLastError(ERROR_RESOURCE_LANG_NOT_FOUND);
            return 0;
        }
        if (!(message = text = system_message(id)))
        {
            SetLastError(ERROR_MR_MID_NOT_FOUND);
            return 0;
        }
    }
    else
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & FORMAT_MESSAGE_ARGUMENT_ARRAY) args.array = (const DWORD_PTR *)args_list;
    else args.list = args_list;
    if (format(&o, message, flags, &args, narrow_api))
    {
        free(text);
        free(o.buf);
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    free(text);
    apply_width(&o, flags & FORMAT_MESSAGE_MAX_WIDTH_MASK);
    if (o.overflow)
    {
        free(o.buf);
        SetLastError(ERROR_MORE_DATA);
        return 0;
    }
    if (!o.buf && !(o.buf = calloc(1, sizeof(WCHAR))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    *result = o.buf;
    return (DWORD)o.len;
}

DWORD WINAPI FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD lang, LPWSTR buffer, DWORD size,
                            va_list *args)
{
    WCHAR *result;
    DWORD len;

    TRACE("%#x, %p, %#x, %#x, %p, %u, %p\n", flags, source, id, lang, buffer, size, args);
    if (!buffer)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) *(LPWSTR *)buffer = NULL;
    if (!(len = format_message(flags, (flags & FORMAT_MESSAGE_FROM_STRING) ? source : NULL, id, lang, args, 0,
                               &result)))
    {
        /* an empty message returns 0 like a failure, with no error of its own */
        if (result) SetLastError(ERROR_SUCCESS);
        free(result);
        return 0;
    }
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER)
    {
        DWORD chars = len + 1 > size ? len + 1 : size;
        WCHAR *mem = LocalAlloc(LMEM_FIXED, chars * sizeof(WCHAR));

        if (!mem)
        {
            free(result);
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return 0;
        }
        memcpy(mem, result, (len + 1) * sizeof(WCHAR));
        *(LPWSTR *)buffer = mem;
    }
    else if (len + 1 > size)
    {
        free(result);
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    else memcpy(buffer, result, (len + 1) * sizeof(WCHAR));
    free(result);
    return len;
}

DWORD WINAPI FormatMessageA(DWORD flags, LPCVOID source, DWORD id, DWORD lang, LPSTR buffer, DWORD size,
                            va_list *args)
{
    WCHAR *wsource = NULL, *result = NULL;
    char *utf8 = NULL;
    DWORD len;
    size_t n;

    if (!buffer)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) *(LPSTR *)buffer = NULL;
    if ((flags & FORMAT_MESSAGE_FROM_STRING) && k32_from_utf8(source, &wsource))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return 0;
    }
    len = format_message(flags, wsource, id, lang, args, 1, &result);
    free(wsource);
    if (!len || k32_to_utf8(result, &utf8))
    {
        if (len) SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        free(result);
        return 0;
    }
    free(result);
    n = strlen(utf8);
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER)
    {
        char *mem = LocalAlloc(LMEM_FIXED, n + 1 > size ? n + 1 : size);
        if (!mem)
        {
            free(utf8);
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return 0;
        }
        memcpy(mem, utf8, n + 1);
        *(LPSTR *)buffer = mem;
    }
    else if (n + 1 > size)
    {
        free(utf8);
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    else memcpy(buffer, utf8, n + 1);
    free(utf8);
    return (DWORD)n;
}
