/*
 * findfile.c: FindFirstFile, FindFirstFileEx, FindNextFile and FindClose:
 * the entries of one directory that match the last component of a pattern.
 *
 * Matching follows Windows: '*' is any run of characters, '?' any one, case
 * does not matter (ASCII and what towlower knows), "*.*" is everything and a
 * pattern without wildcards names one entry.  "." and ".." are listed like
 * any entry, except at the root of a drive letter or a \\?\Volume{GUID}\
 * name, where Windows has none.  A symbolic link is listed as a reparse
 * point (IO_REPARSE_TAG_SYMLINK in dwReserved0), and as a directory too when
 * it points at one.  There are no 8.3 names: cAlternateFileName is empty.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

#define IO_REPARSE_TAG_SYMLINK 0xA000000CL

struct find
{
    struct kobject obj;
    DIR *dir;
    WCHAR *pattern;            /* the last component of the pattern */
    int case_sensitive;
    int dirs_only;
    int skip_dots;             /* a volume root: no "." and ".." */
    int read_only_fs;
};

static void find_destroy(struct kobject *obj)
{
    struct find *find = CONTAINING_RECORD(obj, struct find, obj);

    if (find->dir) closedir(find->dir);
    free(find->pattern);
    free(find);
}

static const struct kobject_ops find_ops = { KOBJ_FIND_FILE, find_destroy, NULL, NULL };

static WCHAR fold(WCHAR c, int case_sensitive)
{
    if (case_sensitive) return c;
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
    return (WCHAR)towlower((wint_t)c);
}

static int match(const WCHAR *pattern, const WCHAR *name, int cs)
{
    while (*pattern)
    {
        if (*pattern == '*')
        {
            while (*pattern == '*') pattern++;
            if (!*pattern) return 1;
            for (; *name; name++)
                if (match(pattern, name, cs)) return 1;
            /* "name." matches "*." : a trailing dot matches the end of a name */
            return !wcscmp(pattern, L".");
        }
        if (!*name) return !wcscmp(pattern, L".");
        if (*pattern != '?' && fold(*pattern, cs) != fold(*name, cs)) return 0;
        pattern++;
        name++;
    }
    return !*name;
}

static int pattern_matches(const struct find *find, const WCHAR *name)
{
    if (!wcscmp(find->pattern, L"*.*") || !wcscmp(find->pattern, L"*")) return 1;
    return match(find->pattern, name, find->case_sensitive);
}

/* The next matching entry in data; 0, -ENOENT at the end, or -errno. */
static int next_entry(struct find *find, WIN32_FIND_DATAW *data)
{
    struct dirent *de;

    for (;;)
    {
        struct stat st, target;
        WCHAR *wide;
        int err;

        errno = 0;
        if (!(de = readdir(find->dir))) return errno ? -errno : -ENOENT;
        if (find->skip_dots && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))) continue;
        if ((err = k32_from_utf8(de->d_name, &wide)))
        {
            WARN("skipping %s: not UTF-8\n", de->d_name);
            continue;
        }
        if (wcslen(wide) >= MAX_PATH || !pattern_matches(find, wide))
        {
            free(wide);
            continue;
        }
        if (fstatat(dirfd(find->dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
            free(wide);
            continue;   /* gone since readdir */
        }
        memset(data, 0, sizeof(*data));
        data->dwFileAttributes = k32_attributes_from_stat(&st, de->d_name, find->read_only_fs);
        if (S_ISLNK(st.st_mode))
        {
            data->dwReserved0 = IO_REPARSE_TAG_SYMLINK;
            if (!fstatat(dirfd(find->dir), de->d_name, &target, 0) && S_ISDIR(target.st_mode))
                data->dwFileAttributes |= FILE_ATTRIBUTE_DIRECTORY;
        }
        if (find->dirs_only && !(data->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        {
            free(wide);
            continue;
        }
        k32_filetime_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, &data->ftCreationTime);
        k32_filetime_from_unix(st.st_atim.tv_sec, st.st_atim.tv_nsec, &data->ftLastAccessTime);
        k32_filetime_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, &data->ftLastWriteTime);
        if (S_ISREG(st.st_mode))
        {
            data->nFileSizeHigh = (DWORD)((ULONGLONG)st.st_size >> 32);
            data->nFileSizeLow = (DWORD)st.st_size;
        }
        wcscpy(data->cFileName, wide);
        free(wide);
        return 0;
    }
}

static int is_sep(WCHAR c)
{
    return c == '\\' || c == '/';
}

/* Does the directory part of a pattern name a volume root the Windows way? */
static int is_windows_root(const WCHAR *dir, size_t len)
{
    if (len == 3 && dir[1] == ':' && is_sep(dir[2])) return 1;
    if (len == 2 && dir[1] == ':') return 1;
    if (len >= 4 && is_sep(dir[0]) && is_sep(dir[1]) && (dir[2] == '?' || dir[2] == '.') && is_sep(dir[3]))
    {
        const WCHAR *rest = dir + 4;
        size_t n = len - 4;

        if (n >= 2 && rest[1] == ':' && (n == 2 || (n == 3 && is_sep(rest[2])))) return 1;
        if (n >= 7 + 37 && !wcsncasecmp(rest, L"Volume{", 7) && rest[43] == '}'
            && (n == 44 || (n == 45 && is_sep(rest[44]))))
            return 1;
    }
    return 0;
}

HANDLE WINAPI FindFirstFileExW(LPCWSTR pattern, FINDEX_INFO_LEVELS level, LPVOID data_out, FINDEX_SEARCH_OPS op,
                               LPVOID filter, DWORD flags)
{
    WIN32_FIND_DATAW *data = data_out;
    const WCHAR *last, *p;
    struct statvfs svfs;
    struct find *find;
    WCHAR *dir_part;
    char *dir_path;
    size_t dir_len;
    HANDLE handle;
    int ret;

    TRACE("%s, %d, %p, %d, %p, %#x\n", debugstr_w(pattern), level, data_out, op, filter, flags);
    if (!pattern || !data || (level != FindExInfoStandard && level != FindExInfoBasic) || filter
        || (op != FindExSearchNameMatch && op != FindExSearchLimitToDirectories))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    for (last = pattern, p = pattern; *p; p++)
        if (is_sep(*p) || (*p == ':' && p == pattern + 1)) last = p + 1;
    if (!*last)
    {
        /* "C:\dir\" or "": no name to look for */
        SetLastError(*pattern ? ERROR_FILE_NOT_FOUND : ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    dir_len = last - pattern;
    if (!(dir_part = malloc((dir_len + 2) * sizeof(WCHAR))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    memcpy(dir_part, pattern, dir_len * sizeof(WCHAR));
    dir_part[dir_len] = 0;
    if (!dir_len) wcscpy(dir_part, L".");
    dir_path = k32_unix_path(dir_part);
    free(dir_part);
    if (!dir_path) return INVALID_HANDLE_VALUE;

    if (!(find = calloc(1, sizeof(*find))) || !(find->pattern = wcsdup(last)))
    {
        free(find);
        free(dir_path);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    kobject_init(&find->obj, &find_ops);
    find->case_sensitive = !!(flags & FIND_FIRST_EX_CASE_SENSITIVE);
    find->dirs_only = op == FindExSearchLimitToDirectories;
    find->skip_dots = is_windows_root(pattern, dir_len);
    find->read_only_fs = !statvfs(dir_path, &svfs) && (svfs.f_flag & ST_RDONLY);
    if (!(find->dir = opendir(dir_path)))
    {
        ret = errno == ENOENT || errno == ENOTDIR ? -ENOTDIR : -errno;
        k32_fail_path_errno(ret, dir_path);
        goto fail;
    }
    if ((ret = next_entry(find, data)))
    {
        if (ret == -ENOENT) SetLastError(ERROR_FILE_NOT_FOUND);
        else k32_fail_errno(ret);
        goto fail;
    }
    free(dir_path);
    handle = handle_alloc(&find->obj);
    kobject_release(&find->obj);
    return handle ? handle : INVALID_HANDLE_VALUE;

fail:
    free(dir_path);
    kobject_release(&find->obj);
    return INVALID_HANDLE_VALUE;
}

HANDLE WINAPI FindFirstFileW(LPCWSTR pattern, LPWIN32_FIND_DATAW data)
{
    return FindFirstFileExW(pattern, FindExInfoStandard, data, FindExSearchNameMatch, NULL, 0);
}

BOOL WINAPI FindNextFileW(HANDLE handle, LPWIN32_FIND_DATAW data)
{
    struct kobject *obj;
    int ret;

    TRACE("%p, %p\n", handle, data);
    if (!data)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(obj = handle_get(handle, KOBJ_FIND_FILE))) return FALSE;
    ret = next_entry(CONTAINING_RECORD(obj, struct find, obj), data);
    kobject_release(obj);
    if (ret == -ENOENT) SetLastError(ERROR_NO_MORE_FILES);
    else if (ret) k32_fail_errno(ret);
    return !ret;
}

BOOL WINAPI FindClose(HANDLE handle)
{
    struct kobject *obj;

    TRACE("%p\n", handle);
    if (!(obj = handle_get(handle, KOBJ_FIND_FILE))) return FALSE;
    kobject_release(obj);
    return CloseHandle(handle);
}

static BOOL narrow_data(const WIN32_FIND_DATAW *w, WIN32_FIND_DATAA *a)
{
    memcpy(a, w, offsetof(WIN32_FIND_DATAA, cFileName));
    if (k32_copy_out_a(w->cFileName, a->cFileName, MAX_PATH) >= MAX_PATH)
    {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    a->cAlternateFileName[0] = 0;
    return TRUE;
}

HANDLE WINAPI FindFirstFileA(LPCSTR pattern, LPWIN32_FIND_DATAA data)
{
    WIN32_FIND_DATAW wdata;
    WCHAR *wide;
    HANDLE handle;

    if (!data)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (k32_from_utf8(pattern, &wide))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return INVALID_HANDLE_VALUE;
    }
    handle = FindFirstFileW(wide, &wdata);
    free(wide);
    if (handle != INVALID_HANDLE_VALUE && !narrow_data(&wdata, data))
    {
        FindClose(handle);
        return INVALID_HANDLE_VALUE;
    }
    return handle;
}

BOOL WINAPI FindNextFileA(HANDLE handle, LPWIN32_FIND_DATAA data)
{
    WIN32_FIND_DATAW wdata;

    if (!data)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return FindNextFileW(handle, &wdata) && narrow_data(&wdata, data);
}
