/*
 * environ.c: environment variables the Windows way (names without regard to
 * case when no exact match exists, %VAR% expansion) and the computer name.
 * The process environment is glibc's, so getenv and GetEnvironmentVariable
 * see the same values.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

extern char **environ;

/* The value of name: an exact match first, then one that differs in case
 * (Windows names ignore case, POSIX ones do not). */
static const char *lookup(const char *name)
{
    size_t len = strlen(name);
    const char *value;
    char **e;

    if ((value = getenv(name))) return value;
    for (e = environ; e && *e; e++)
        if (!strncasecmp(*e, name, len) && (*e)[len] == '=') return *e + len + 1;
    return NULL;
}

DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buffer, DWORD size)
{
    const char *value;
    char *utf8;
    DWORD ret;

    TRACE("%s, %p, %u\n", debugstr_w(name), buffer, size);
    if (!name || !*name || k32_to_utf8(name, &utf8))
    {
        SetLastError(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    value = lookup(utf8);
    free(utf8);
    if (!value)
    {
        SetLastError(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    ret = k32_copy_out(value, buffer, size);
    if (ret && ret < size) SetLastError(ERROR_SUCCESS);
    return ret;
}

DWORD WINAPI GetEnvironmentVariableA(LPCSTR name, LPSTR buffer, DWORD size)
{
    const char *value;
    size_t len;

    if (!name || !*name || !(value = lookup(name)))
    {
        SetLastError(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    len = strlen(value);
    if (len >= size || !buffer) return (DWORD)(len + 1);
    memcpy(buffer, value, len + 1);
    return (DWORD)len;
}

static BOOL set_variable(const char *name, const char *value)
{
    if (!name || !*name || strchr(name, '='))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!value)
    {
        if (!lookup(name))
        {
            SetLastError(ERROR_ENVVAR_NOT_FOUND);
            return FALSE;
        }
        unsetenv(name);
        return TRUE;
    }
    return setenv(name, value, 1) ? k32_fail_errno(-errno) : TRUE;
}

BOOL WINAPI SetEnvironmentVariableW(LPCWSTR name, LPCWSTR value)
{
    char *n = NULL, *v = NULL;
    BOOL ret = FALSE;

    TRACE("%s, %s\n", debugstr_w(name), debugstr_w(value));
    if (k32_to_utf8(name, &n) || k32_to_utf8(value, &v)) SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    else ret = set_variable(n, v);
    free(n);
    free(v);
    return ret;
}

BOOL WINAPI SetEnvironmentVariableA(LPCSTR name, LPCSTR value)
{
    return set_variable(name, value);
}

/* %NAME% becomes the value; an unknown name, or a lone %, stays as written. */
static char *expand(const char *src)
{
    size_t len = 0, cap = strlen(src) + 1;
    char *out = malloc(cap);
    const char *p = src;

    while (out && *p)
    {
        const char *piece = p, *end;
        size_t n = 1;
        char *name;

        if (*p == '%' && (end = strchr(p + 1, '%')) && end > p + 1 && (name = strndup(p + 1, end - p - 1)))
        {
            const char *value = lookup(name);
            free(name);
            if (value)
            {
                piece = value;
                n = strlen(value);
                p = end + 1;
            }
            else
            {
                /* keep "%NAME" and look again from the second % */
                n = end - p;
                p = end;
            }
        }
        else p++;
        if (len + n + 1 > cap)
        {
            char *grown = realloc(out, cap = (len + n + 1) * 2);
            if (!grown)
            {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, piece, n);
        len += n;
    }
    if (out) out[len] = 0;
    return out;
}

DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD size)
{
    char *utf8, *expanded;
    WCHAR *wide;
    DWORD len;

    TRACE("%s, %p, %u\n", debugstr_w(src), dst, size);
    if (!src)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (k32_to_utf8(src, &utf8))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return 0;
    }
    expanded = expand(utf8);
    free(utf8);
    if (!expanded || k32_from_utf8(expanded, &wide))
    {
        free(expanded);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    free(expanded);
    /* the size with the NUL, whether or not it fitted */
    len = (DWORD)wcslen(wide) + 1;
    if (dst && len <= size) memcpy(dst, wide, len * sizeof(WCHAR));
    free(wide);
    return len;
}

DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR src, LPSTR dst, DWORD size)
{
    char *expanded;
    DWORD len;

    if (!src)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!(expanded = expand(src)))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    len = (DWORD)strlen(expanded) + 1;
    if (dst && len <= size) memcpy(dst, expanded, len);
    free(expanded);
    return len;
}

/* The NetBIOS-style name: the host name's first label, upper case, at most
 * MAX_COMPUTERNAME_LENGTH characters. */
static void computer_name(char *name, size_t size)
{
    char host[256] = "";
    size_t i;

    if (gethostname(host, sizeof(host) - 1) < 0 || !host[0]) strcpy(host, "localhost");
    host[strcspn(host, ".")] = 0;
    host[MAX_COMPUTERNAME_LENGTH] = 0;
    for (i = 0; host[i] && i + 1 < size; i++) name[i] = (char)toupper((unsigned char)host[i]);
    name[i] = 0;
}

BOOL WINAPI GetComputerNameW(LPWSTR buffer, LPDWORD size)
{
    char name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD len;

    if (!size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    computer_name(name, sizeof(name));
    len = (DWORD)strlen(name);
    if (!buffer || *size <= len)
    {
        *size = len + 1;
        SetLastError(ERROR_BUFFER_OVERFLOW);
        return FALSE;
    }
    k32_copy_out(name, buffer, *size);
    *size = len;
    return TRUE;
}

BOOL WINAPI GetComputerNameA(LPSTR buffer, LPDWORD size)
{
    char name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD len;

    if (!size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    computer_name(name, sizeof(name));
    len = (DWORD)strlen(name);
    if (!buffer || *size <= len)
    {
        *size = len + 1;
        SetLastError(ERROR_BUFFER_OVERFLOW);
        return FALSE;
    }
    memcpy(buffer, name, len + 1);
    *size = len;
    return TRUE;
}
