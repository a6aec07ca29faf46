/*
 * wstdio.c: wide character output (fputws, fputwc, putwc, putwchar, _putws)
 * for Windows code, written to the stream as UTF-8 bytes like every wide
 * output of this library, so no stream ever turns wide-oriented.
 */
#include <errno.h>
#include <stdio.h>
#include "umbra/msvcrt.h"
#include "msvcrt_private.h"

int umbra_fputws(const wchar_t *str, FILE *stream)
{
    if (!str || !stream)
    {
        errno = EINVAL;
        return EOF;
    }
    return msvcrt_write_wide(stream, str, wcslen(str)) < 0 ? EOF : 0;
}

wint_t umbra_fputwc(wchar_t c, FILE *stream)
{
    if (!stream)
    {
        errno = EINVAL;
        return WEOF;
    }
    return msvcrt_write_wide(stream, &c, 1) < 0 ? WEOF : (wint_t)c;
}

wint_t umbra_putwc(wchar_t c, FILE *stream)
{
    return umbra_fputwc(c, stream);
}

wint_t umbra_putwchar(wchar_t c)
{
    return umbra_fputwc(c, stdout);
}

int _putws(const wchar_t *str)
{
    if (!str)
    {
        errno = EINVAL;
        return EOF;
    }
    if (umbra_fputws(str, stdout) == EOF || fputc('\n', stdout) == EOF) return EOF;
    return 0;
}
