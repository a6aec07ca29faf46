/*
 * format.c: Microsoft printf formats, rewritten for glibc, and the engine
 * that formats with them.  Windows code is written for the Microsoft CRT,
 * where in the wide functions %s is a wide string and %S a narrow one (the
 * other way round in the narrow functions), h and l/w force narrow or wide,
 * %ld is 32 bits (LONG), %I64d, %I32d and %Id/%Iu (pointer-sized) exist, and
 * %p prints 16 upper-case hex digits.  Each conversion is rewritten into the
 * glibc spelling that reads the same argument, and glibc does the formatting.
 *
 * Not here: where the output goes and how it is truncated (wprintf.c, printf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/debug.h"
#include "msvcrt_private.h"

enum size_prefix
{
    PREFIX_NONE, PREFIX_HH, PREFIX_H, PREFIX_L, PREFIX_LL, PREFIX_LD, PREFIX_W,
    PREFIX_I, PREFIX_I32, PREFIX_I64, PREFIX_J, PREFIX_Z, PREFIX_T
};

/* Longest flags + width + precision we pass on: more is no real format. */
#define MAX_SPEC_UNITS 64

/* A format string being read: narrow or wide, one unit at a time. */
struct fmt_reader
{
    const char *narrow;
    const wchar_t *wide;
    size_t pos;
};

static unsigned int peek(const struct fmt_reader *r, size_t ahead)
{
    return r->wide ? (unsigned int)r->wide[r->pos + ahead] : (unsigned char)r->narrow[r->pos + ahead];
}

/* The glibc format being written, in the same unit size. */
struct fmt_writer
{
    char *data;
    size_t len, cap;   /* in units */
    size_t unit;       /* 1 or sizeof(wchar_t) */
    int failed;
};

static void put(struct fmt_writer *w, unsigned int c)
{
    if (w->failed) return;
    if (w->len + 1 >= w->cap)
    {
        size_t cap = w->cap ? w->cap * 2 : 64;
        char *data = realloc(w->data, cap * w->unit);
        if (!data)
        {
            w->failed = 1;
            return;
        }
        w->data = data;
        w->cap = cap;
    }
    if (w->unit == 1) w->data[w->len++] = (char)c;
    else ((wchar_t *)w->data)[w->len++] = (wchar_t)c;
}

static void put_ascii(struct fmt_writer *w, const char *s)
{
    while (*s) put(w, (unsigned char)*s++);
}

static int is_digit(unsigned int c)
{
    return c >= '0' && c <= '9';
}

static int is_flag(unsigned int c)
{
    return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0';
}

static enum size_prefix read_size(struct fmt_reader *r)
{
    switch (peek(r, 0))
    {
    case 'h':
        r->pos++;
        if (peek(r, 0) != 'h') return PREFIX_H;
        r->pos++;
        return PREFIX_HH;
    case 'l':
        r->pos++;
        if (peek(r, 0) != 'l') return PREFIX_L;
        r->pos++;
        return PREFIX_LL;
    case 'L': r->pos++; return PREFIX_LD;
    case 'w': r->pos++; return PREFIX_W;
    case 'j': r->pos++; return PREFIX_J;
    case 'z': r->pos++; return PREFIX_Z;
    case 't': r->pos++; return PREFIX_T;
    case 'I':
        r->pos++;
        if (peek(r, 0) == '6' && peek(r, 1) == '4')
        {
            r->pos += 2;
            return PREFIX_I64;
        }
        if (peek(r, 0) == '3' && peek(r, 1) == '2')
        {
            r->pos += 2;
            return PREFIX_I32;
        }
        return PREFIX_I;
    default:
        return PREFIX_NONE;
    }
}

/* glibc's length modifier for an integer conversion, or NULL when Microsoft
 * has no such combination.  In Microsoft's CRT long is 32 bits. */
static const char *integer_size(enum size_prefix size)
{
    switch (size)
    {
    case PREFIX_NONE: case PREFIX_L: case PREFIX_I32: return "";
    case PREFIX_HH: return "hh";
    case PREFIX_H: return "h";
    case PREFIX_LL: case PREFIX_LD: case PREFIX_I: case PREFIX_I64: return "ll";
    case PREFIX_J: return "j";
    case PREFIX_Z: return "z";
    case PREFIX_T: return "t";
    default: return NULL;
    }
}

/* Moves one unit of flags, width or precision into spec; 0 when it is full. */
static int take(struct fmt_reader *r, unsigned int *spec, size_t *n)
{
    if (*n >= MAX_SPEC_UNITS) return 0;
    spec[(*n)++] = peek(r, 0);
    r->pos++;
    return 1;
}

/* Rewrites one conversion, r just past its '%'.  Returns 0, or -1 for a
 * conversion Microsoft rejects. */
static int translate_spec(struct fmt_reader *r, struct fmt_writer *w, int wide_output)
{
    unsigned int spec[MAX_SPEC_UNITS], type;
    size_t n = 0, i, width_end;
    enum size_prefix size;
    const char *glibc_size;
    int wide_arg;

    while (is_flag(peek(r, 0)))
        if (!take(r, spec, &n)) return -1;
    if (peek(r, 0) == '*')
    {
        if (!take(r, spec, &n)) return -1;
    }
    else
        while (is_digit(peek(r, 0)))
            if (!take(r, spec, &n)) return -1;
    width_end = n;
    if (peek(r, 0) == '.')
    {
        if (!take(r, spec, &n)) return -1;
        if (peek(r, 0) == '*')
        {
            if (!take(r, spec, &n)) return -1;
        }
        else
            while (is_digit(peek(r, 0)))
                if (!take(r, spec, &n)) return -1;
    }

    size = read_size(r);
    type = peek(r, 0);
    if (!type) return -1;
    r->pos++;

    put(w, '%');
    switch (type)
    {
    case '%':
        put(w, '%');
        return 0;
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
        if (!(glibc_size = integer_size(size))) return -1;
        for (i = 0; i < n; i++) put(w, spec[i]);
        put_ascii(w, glibc_size);
        put(w, type);
        return 0;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
        if (size != PREFIX_NONE && size != PREFIX_L && size != PREFIX_LD) return -1;
        for (i = 0; i < n; i++) put(w, spec[i]);
        if (size == PREFIX_LD) put(w, 'L');
        put(w, type);
        return 0;
    case 'c': case 'C': case 's': case 'S':
        if (size == PREFIX_H) wide_arg = 0;
        else if (size == PREFIX_L || size == PREFIX_W) wide_arg = 1;
        else if (size == PREFIX_NONE) wide_arg = (type == 'c' || type == 's') ? wide_output : !wide_output;
        else return -1;
        for (i = 0; i < n; i++) put(w, spec[i]);
        if (wide_arg) put(w, 'l');
        put(w, type == 'C' || type == 'c' ? 'c' : 's');
        return 0;
    case 'p':
        /* Microsoft: all 16 digits, upper case, no 0x.  An explicit precision
         * stays, so that a '*' still takes its argument. */
        for (i = 0; i < n; i++) put(w, spec[i]);
        if (n == width_end) put_ascii(w, ".16");
        put_ascii(w, "llX");
        return 0;
    default:
        /* %n (disabled in Microsoft's CRT), %Z (counted strings), '$' of a
         * positional argument, anything unknown. */
        return -1;
    }
}

static void *translate(struct fmt_reader *r, size_t unit)
{
    struct fmt_writer w = { NULL, 0, 0, unit, 0 };
    unsigned int c;

    while ((c = peek(r, 0)))
    {
        r->pos++;
        if (c != '%')
        {
            put(&w, c);
            continue;
        }
        if (translate_spec(r, &w, unit != 1) < 0)
        {
            WARN("unsupported conversion ending at offset %zu\n", r->pos);
            free(w.data);
            errno = EINVAL;
            return NULL;
        }
    }
    put(&w, 0);
    if (w.failed)
    {
        free(w.data);
        errno = ENOMEM;
        return NULL;
    }
    return w.data;
}

char *msvcrt_translate_format(const char *fmt)
{
    struct fmt_reader r = { fmt, NULL, 0 };

    if (!fmt)
    {
        errno = EINVAL;
        return NULL;
    }
    return translate(&r, 1);
}

wchar_t *msvcrt_translate_wformat(const wchar_t *fmt)
{
    struct fmt_reader r = { NULL, fmt, 0 };

    if (!fmt)
    {
        errno = EINVAL;
        return NULL;
    }
    return translate(&r, sizeof(wchar_t));
}

int msvcrt_vasprintf(char **out, const char *fmt, va_list args)
{
    char *glibc_fmt = msvcrt_translate_format(fmt);
    locale_t old;
    int ret, err;

    *out = NULL;
    if (!glibc_fmt) return -1;
    old = uselocale(msvcrt_utf8_locale());
    ret = vasprintf(out, glibc_fmt, args);
    err = errno;
    uselocale(old);
    free(glibc_fmt);
    if (ret < 0)
    {
        *out = NULL;
        errno = err;
        return -1;
    }
    return ret;
}

int msvcrt_vaswprintf(wchar_t **out, const wchar_t *fmt, va_list args)
{
    wchar_t *glibc_fmt = msvcrt_translate_wformat(fmt), *buf = NULL;
    size_t size = 0;
    locale_t old;
    FILE *mem;
    int ret, err;

    *out = NULL;
    if (!glibc_fmt) return -1;
    if (!(mem = open_wmemstream(&buf, &size)))
    {
        free(glibc_fmt);
        return -1;
    }
    old = uselocale(msvcrt_utf8_locale());
    ret = vfwprintf(mem, glibc_fmt, args);
    err = errno;
    uselocale(old);
    if (fclose(mem) && ret >= 0)
    {
        err = errno;
        ret = -1;
    }
    free(glibc_fmt);
    if (ret < 0)
    {
        free(buf);
        errno = err;
        return -1;
    }
    *out = buf;
    return ret;
}
