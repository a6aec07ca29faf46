/*
 * time_format.c: GetDateFormat and GetTimeFormat with Windows' pictures
 * (d dd ddd dddd M MM MMM MMMM y yy yyyy gg; h hh H HH m mm s ss t tt;
 * 'quoted text'), and en-US's defaults: "M/d/yyyy", "dddd, MMMM d, yyyy",
 * "MMMM yyyy", "MMMM d" and "h:mm:ss tt".  Every LCID formats as en-US.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

static const WCHAR *const day_names[7] =
{
    L"Sunday", L"Monday", L"Tuesday", L"Wednesday", L"Thursday", L"Friday", L"Saturday"
};
static const WCHAR *const month_names[12] =
{
    L"January", L"February", L"March", L"April", L"May", L"June", L"July", L"August", L"September",
    L"October", L"November", L"December"
};

struct piece
{
    WCHAR letter;        /* the picture letter, or 0 for literal text */
    int count;           /* how many times it repeats */
    const WCHAR *text;   /* literal text (not NUL-terminated) */
    size_t len;
};

#define MAX_PIECES 128

/* Split a format into pictures and literal runs; 'x' quotes text, '' is a quote. */
static int split_format(const WCHAR *format, const WCHAR *letters, struct piece *pieces, WCHAR *literal_buf)
{
    const WCHAR *p = format;
    WCHAR *lit = literal_buf;
    int n = 0;

    while (*p && n < MAX_PIECES)
    {
        if (wcschr(letters, *p))
        {
            WCHAR c = *p;
            int count = 0;
            while (*p == c) { p++; count++; }
            pieces[n].letter = c;
            pieces[n].count = count;
            pieces[n].text = NULL;
            pieces[n++].len = 0;
            continue;
        }
        pieces[n].letter = 0;
        pieces[n].count = 0;
        pieces[n].text = lit;
        while (*p && !wcschr(letters, *p))
        {
            if (*p == '\'')
            {
                p++;
                if (*p == '\'') { *lit++ = '\''; p++; continue; }
                while (*p && !(*p == '\'' && p[1] != '\'')) 
                {
                    if (*p == '\'') p++;   /* '' inside quotes */
                    *lit++ = *p++;
                }
                if (*p == '\'') p++;
            }
            else *lit++ = *p++;
        }
        pieces[n].len = lit - pieces[n].text;
        n++;
    }
    return n;
}

struct buffer
{
    WCHAR *out;
    int size, len;    /* size 0: count only */
    int overflow;
};

static void emit(struct buffer *b, const WCHAR *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
    {
        if (b->size && b->len >= b->size - 1)
        {
            b->overflow = 1;
            return;
        }
        if (b->size) b->out[b->len] = s[i];
        b->len++;
    }
}

static void emit_number(struct buffer *b, int value, int digits)
{
    WCHAR text[16];
    int n = swprintf(text, ARRAYSIZE(text), L"%0*d", digits, value);

    if (n > 0) emit(b, text, (size_t)n);
}

static int finish(struct buffer *b)
{
    if (b->overflow)
    {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    if (b->size) b->out[b->len] = 0;
    return b->len + 1;
}

/* A valid calendar date (weekday recomputed, as Windows does), or FALSE. */
static BOOL normalise_date(const SYSTEMTIME *in, SYSTEMTIME *out)
{
    FILETIME ft;
    SYSTEMTIME st;

    if (!in)
    {
        GetLocalTime(out);
        return TRUE;
    }
    st = *in;
    st.wHour = st.wMinute = st.wSecond = st.wMilliseconds = 0;
    if (!SystemTimeToFileTime(&st, &ft) || !FileTimeToSystemTime(&ft, &st)) return FALSE;
    *out = *in;
    out->wDayOfWeek = st.wDayOfWeek;
    return TRUE;
}

int WINAPI GetDateFormatW(LCID locale, DWORD flags, const SYSTEMTIME *time, LPCWSTR format, LPWSTR buffer, int size)
{
    struct piece pieces[MAX_PIECES];
    struct buffer b = { buffer, size, 0, 0 };
    WCHAR *literals;
    SYSTEMTIME st;
    int n, i;

    TRACE("%#x, %#x, %p, %s, %p, %d\n", locale, flags, time, debugstr_w(format), buffer, size);
    (void)locale;
    if (size < 0 || (size && !buffer))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (format && (flags & (DATE_SHORTDATE | DATE_LONGDATE | DATE_YEARMONTH | DATE_MONTHDAY)))
    {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (!format)
    {
        if (flags & DATE_LONGDATE) format = L"dddd, MMMM d, yyyy";
        else if (flags & DATE_YEARMONTH) format = L"MMMM yyyy";
        else if (flags & DATE_MONTHDAY) format = L"MMMM d";
        else format = L"M/d/yyyy";
    }
    if (!normalise_date(time, &st))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!(literals = malloc((wcslen(format) + 1) * sizeof(WCHAR))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    n = split_format(format, L"dMyg", pieces, literals);
    for (i = 0; i < n && !b.overflow; i++)
    {
        const struct piece *p = &pieces[i];

        switch (p->letter)
        {
        case 0: emit(&b, p->text, p->len); break;
        case 'd':
            if (p->count <= 2) emit_number(&b, st.wDay, p->count);
            else if (p->count == 3) emit(&b, day_names[st.wDayOfWeek], 3);
            else emit(&b, day_names[st.wDayOfWeek], wcslen(day_names[st.wDayOfWeek]));
            break;
        case 'M':
            if (p->count <= 2) emit_number(&b, st.wMonth, p->count);
            else if (p->count == 3) emit(&b, month_names[st.wMonth - 1], 3);
            else emit(&b, month_names[st.wMonth - 1], wcslen(month_names[st.wMonth - 1]));
            break;
        case 'y':
            if (p->count <= 2) emit_number(&b, st.wYear % 100, p->count);
            else emit_number(&b, st.wYear, 4);
            break;
        case 'g':
            emit(&b, L"A.D.", 4);
            break;
        }
    }
    free(literals);
    return finish(&b);
}

int WINAPI GetTimeFormatW(LCID locale, DWORD flags, const SYSTEMTIME *time, LPCWSTR format, LPWSTR buffer, int size)
{
    struct piece pieces[MAX_PIECES];
    struct buffer b = { buffer, size, 0, 0 };
    WCHAR *literals;
    SYSTEMTIME st;
    int n, i;

    TRACE("%#x, %#x, %p, %s, %p, %d\n", locale, flags, time, debugstr_w(format), buffer, size);
    (void)locale;
    if (size < 0 || (size && !buffer))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (time) st = *time;
    else GetLocalTime(&st);
    if (st.wHour > 23 || st.wMinute > 59 || st.wSecond > 59 || st.wMilliseconds > 999)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!format) format = L"h:mm:ss tt";
    if (!(literals = malloc((wcslen(format) + 1) * sizeof(WCHAR))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    n = split_format(format, L"hHmst", pieces, literals);
    /* the flags drop pictures together with the separator in front of them */
    for (i = 0; i < n; i++)
    {
        WCHAR c = pieces[i].letter;
        int drop = (c == 's' && (flags & (TIME_NOSECONDS | TIME_NOMINUTESORSECONDS)))
                   || (c == 'm' && (flags & TIME_NOMINUTESORSECONDS)) || (c == 't' && (flags & TIME_NOTIMEMARKER));
        if (!drop) continue;
        pieces[i].letter = 0;
        pieces[i].len = 0;
        if (i > 0 && !pieces[i - 1].letter) pieces[i - 1].len = 0;
    }
    for (i = 0; i < n && !b.overflow; i++)
    {
        const struct piece *p = &pieces[i];
        int hour12 = st.wHour % 12 ? st.wHour % 12 : 12;
        WCHAR c = p->letter;

        if (c == 'h' && (flags & TIME_FORCE24HOURFORMAT)) c = 'H';
        switch (c)
        {
        case 0: emit(&b, p->text, p->len); break;
        case 'h': emit_number(&b, hour12, p->count > 1 ? 2 : 1); break;
        case 'H': emit_number(&b, st.wHour, p->count > 1 ? 2 : 1); break;
        case 'm': emit_number(&b, st.wMinute, p->count > 1 ? 2 : 1); break;
        case 's': emit_number(&b, st.wSecond, p->count > 1 ? 2 : 1); break;
        case 't':
            if (flags & TIME_FORCE24HOURFORMAT) break;
            emit(&b, st.wHour < 12 ? L"AM" : L"PM", p->count > 1 ? 2 : 1);
            break;
        }
    }
    free(literals);
    return finish(&b);
}

static int narrow_result(int len, const WCHAR *wide, LPSTR buffer, int size)
{
    DWORD n;

    if (!len) return 0;
    n = k32_copy_out_a(wide, size ? buffer : NULL, (DWORD)size);
    if (!size) return (int)n;
    if (n >= (DWORD)size)
    {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    return (int)n + 1;
}

int WINAPI GetDateFormatA(LCID locale, DWORD flags, const SYSTEMTIME *time, LPCSTR format, LPSTR buffer, int size)
{
    WCHAR *wformat = NULL, wide[256];
    int len;

    if (size < 0 || (size && !buffer) || k32_from_utf8(format, &wformat))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    len = GetDateFormatW(locale, flags, time, wformat, wide, ARRAYSIZE(wide));
    free(wformat);
    return narrow_result(len, wide, buffer, size);
}

int WINAPI GetTimeFormatA(LCID locale, DWORD flags, const SYSTEMTIME *time, LPCSTR format, LPSTR buffer, int size)
{
    WCHAR *wformat = NULL, wide[256];
    int len;

    if (size < 0 || (size && !buffer) || k32_from_utf8(format, &wformat))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    len = GetTimeFormatW(locale, flags, time, wformat, wide, ARRAYSIZE(wide));
    free(wformat);
    return narrow_result(len, wide, buffer, size);
}
