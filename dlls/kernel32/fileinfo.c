/*
 * fileinfo.c: file attributes by name (GetFileAttributes(Ex),
 * SetFileAttributes) and the one rule that turns a POSIX stat into
 * FILE_ATTRIBUTE_* bits, which FindFirstFile and GetFileInformationByHandle
 * share.
 *
 * The rule: a directory is DIRECTORY; a file is ARCHIVE (what Windows gives
 * a file written since its last backup, i.e. every new one); no write
 * permission for anyone, or a read-only file system, is READONLY; a name
 * starting with '.' is HIDDEN (Wine's convention); a symbolic link is a
 * REPARSE_POINT; a sparse file (fewer blocks than its size) SPARSE_FILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

DWORD k32_attributes_from_stat(const struct stat *st, const char *name, int read_only_fs)
{
    DWORD attr = 0;

    if (S_ISDIR(st->st_mode)) attr |= FILE_ATTRIBUTE_DIRECTORY;
    else if (S_ISREG(st->st_mode)) attr |= FILE_ATTRIBUTE_ARCHIVE;
    else if (S_ISLNK(st->st_mode)) attr |= FILE_ATTRIBUTE_REPARSE_POINT;
    else attr |= FILE_ATTRIBUTE_DEVICE;
    if (!(st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || read_only_fs) attr |= FILE_ATTRIBUTE_READONLY;
    if (name && name[0] == '.' && strcmp(name, ".") && strcmp(name, "..")) attr |= FILE_ATTRIBUTE_HIDDEN;
    if (S_ISREG(st->st_mode) && st->st_blocks * 512 < st->st_size) attr |= FILE_ATTRIBUTE_SPARSE_FILE;
    return attr ? attr : FILE_ATTRIBUTE_NORMAL;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash && slash[1] ? slash + 1 : path;
}

static int stat_path(const char *path, struct stat *st, DWORD *attr)
{
    struct statvfs svfs;

    if (stat(path, st) < 0) return -errno;
    *attr = k32_attributes_from_stat(st, base_name(path), !statvfs(path, &svfs) && (svfs.f_flag & ST_RDONLY));
    return 0;
}

DWORD WINAPI GetFileAttributesW(LPCWSTR name)
{
    struct stat st;
    DWORD attr;
    char *path;
    int ret;

    TRACE("%s\n", debugstr_w(name));
    if (!(path = k32_unix_path(name))) return INVALID_FILE_ATTRIBUTES;
    if ((ret = stat_path(path, &st, &attr))) k32_fail_path_errno(ret, path);
    free(path);
    return ret ? INVALID_FILE_ATTRIBUTES : attr;
}

DWORD WINAPI GetFileAttributesA(LPCSTR name)
{
    struct stat st;
    DWORD attr;
    char *path;
    int ret;

    if (!(path = k32_unix_path_a(name))) return INVALID_FILE_ATTRIBUTES;
    if ((ret = stat_path(path, &st, &attr))) k32_fail_path_errno(ret, path);
    free(path);
    return ret ? INVALID_FILE_ATTRIBUTES : attr;
}

static BOOL attributes_ex(char *path, GET_FILEEX_INFO_LEVELS level, LPVOID info)
{
    WIN32_FILE_ATTRIBUTE_DATA *data = info;
    struct statx stx;
    struct stat st;
    DWORD attr;
    int ret;

    if (!path) return FALSE;
    if (level != GetFileExInfoStandard || !info)
    {
        free(path);
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((ret = stat_path(path, &st, &attr)))
    {
        k32_fail_path_errno(ret, path);
        free(path);
        return FALSE;
    }
    data->dwFileAttributes = attr;
    /* birth time where the file system keeps one */
    if (!statx(AT_FDCWD, path, 0, STATX_BTIME, &stx) && (stx.stx_mask & STATX_BTIME))
        k32_filetime_from_unix(stx.stx_btime.tv_sec, stx.stx_btime.tv_nsec, &data->ftCreationTime);
    else
        k32_filetime_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, &data->ftCreationTime);
    free(path);
    k32_filetime_from_unix(st.st_atim.tv_sec, st.st_atim.tv_nsec, &data->ftLastAccessTime);
    k32_filetime_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, &data->ftLastWriteTime);
    data->nFileSizeHigh = S_ISDIR(st.st_mode) ? 0 : (DWORD)((ULONGLONG)st.st_size >> 32);
    data->nFileSizeLow = S_ISDIR(st.st_mode) ? 0 : (DWORD)st.st_size;
    return TRUE;
}

BOOL WINAPI GetFileAttributesExW(LPCWSTR name, GET_FILEEX_INFO_LEVELS level, LPVOID info)
{
    TRACE("%s, %d, %p\n", debugstr_w(name), level, info);
    return attributes_ex(k32_unix_path(name), level, info);
}

BOOL WINAPI GetFileAttributesExA(LPCSTR name, GET_FILEEX_INFO_LEVELS level, LPVOID info)
{
    return attributes_ex(k32_unix_path_a(name), level, info);
}

static BOOL set_attributes(char *path, DWORD attributes)
{
    struct stat st;
    mode_t mode;
    int ret = 0;

    if (!path) return FALSE;
    if (stat(path, &st) < 0) ret = -errno;
    else
    {
        mode = st.st_mode & 07777;
        if (attributes & FILE_ATTRIBUTE_READONLY) mode &= ~(mode_t)(S_IWUSR | S_IWGRP | S_IWOTH);
        else if (!(mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
            mode |= S_IWUSR;   /* clearing read-only gives the owner write access back */
        if (mode != (st.st_mode & 07777) && chmod(path, mode) < 0) ret = -errno;
    }
    if (ret) k32_fail_path_errno(ret, path);
    free(path);
    return !ret;
}

BOOL WINAPI SetFileAttributesW(LPCWSTR name, DWORD attributes)
{
    TRACE("%s, %#x\n", debugstr_w(name), attributes);
    return set_attributes(k32_unix_path(name), attributes);
}

BOOL WINAPI SetFileAttributesA(LPCSTR name, DWORD attributes)
{
    return set_attributes(k32_unix_path_a(name), attributes);
}
