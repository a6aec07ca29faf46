/*
 * wstring.c: the string and error plumbing of kernel32's Win32 boundary:
 * WCHAR <-> UTF-8 for the POSIX calls underneath, the Win32 rules for
 * copying a result into a caller's buffer, and errno -> GetLastError().
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/kernel32.h"
#include "kernel32_private.h"

int k32_to_utf8(const WCHAR *str, char **out)
{
    int len;

    *out = NULL;
    if (!str) return 0;
    if (!str[0])
    {
        *out = strdup("");
        return *out ? 0 : -ENOMEM;
    }
    if (!(len = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, str, -1, NULL, 0, NULL, NULL)))
        return -EILSEQ;
    if (!(*out = malloc(len))) return -ENOMEM;
    WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, str, -1, *out, len, NULL, NULL);
    return 0;
}

int k32_from_utf8(const char *str, WCHAR **out)
{
    int len;

    *out = NULL;
    if (!str) return 0;
    if (!str[0])
    {
        *out = wcsdup(L"");
        return *out ? 0 : -ENOMEM;
    }
    if (!(len = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, str, -1, NULL, 0))) return -EILSEQ;
    if (!(*out = malloc(len * sizeof(WCHAR)))) return -ENOMEM;
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, str, -1, *out, len);
    return 0;
}

DWORD k32_copy_out_w(const WCHAR *str, WCHAR *buffer, DWORD size)
{
    size_t len = wcslen(str);

    if (len >= size || !buffer) return (DWORD)(len + 1);
    memcpy(buffer, str, (len + 1) * sizeof(WCHAR));
    return (DWORD)len;
}

DWORD k32_copy_out(const char *utf8, WCHAR *buffer, DWORD size)
{
    WCHAR *wide;
    DWORD ret;
    int err;

    if ((err = k32_from_utf8(utf8, &wide)))
    {
        SetLastError(err == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_NO_UNICODE_TRANSLATION);
        return 0;
    }
    ret = k32_copy_out_w(wide, buffer, size);
    free(wide);
    return ret;
}

DWORD k32_copy_out_a(const WCHAR *str, char *buffer, DWORD size)
{
    char *utf8;
    size_t len;
    int err;

    if ((err = k32_to_utf8(str, &utf8)))
    {
        SetLastError(err == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_NO_UNICODE_TRANSLATION);
        return 0;
    }
    len = strlen(utf8);
    if (len >= size || !buffer)
    {
        free(utf8);
        return (DWORD)(len + 1);
    }
    memcpy(buffer, utf8, len + 1);
    free(utf8);
    return (DWORD)len;
}

BOOL k32_fail_errno(int err)
{
    umbra_set_last_error_from_errno(err);
    return FALSE;
}

BOOL k32_fail_path_errno(int err, const char *unix_path)
{
    char dir[PATH_MAX], *slash;
    struct stat st;

    if (err < 0) err = -err;
    if (err == ENOENT && unix_path && strlen(unix_path) < sizeof(dir))
    {
        strcpy(dir, unix_path);
        if ((slash = strrchr(dir, '/')))
        {
            if (slash == dir) slash[1] = 0;
            else *slash = 0;
            if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
            {
                SetLastError(ERROR_PATH_NOT_FOUND);
                return FALSE;
            }
        }
    }
    if (err == ENOTDIR)
    {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return FALSE;
    }
    return k32_fail_errno(err);
}
