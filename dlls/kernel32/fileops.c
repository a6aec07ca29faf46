/*
 * fileops.c: operations on names: DeleteFile, CreateDirectory,
 * RemoveDirectory, MoveFile(Ex).  Windows' rules are kept where POSIX would
 * differ: a read-only file cannot be deleted, DeleteFile refuses a directory,
 * RemoveDirectory a file, and a move does not replace an existing target
 * unless asked (and never replaces a directory).
 *
 * Not for: copying (copy.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

static BOOL delete_file(char *path)
{
    struct stat st;
    int ret = 0;

    if (!path) return FALSE;
    if (lstat(path, &st) < 0) ret = -errno;
    else if (S_ISDIR(st.st_mode)) ret = -EACCES;
    else if (S_ISREG(st.st_mode) && !(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) ret = -EACCES;
    else if (unlink(path) < 0) ret = -errno;
    if (ret) k32_fail_path_errno(ret, path);
    free(path);
    return !ret;
}

BOOL WINAPI DeleteFileW(LPCWSTR name)
{
    TRACE("%s\n", debugstr_w(name));
    return delete_file(k32_unix_path(name));
}

BOOL WINAPI DeleteFileA(LPCSTR name)
{
    return delete_file(k32_unix_path_a(name));
}

static BOOL create_directory(char *path)
{
    int ret = 0;

    if (!path) return FALSE;
    if (mkdir(path, 0777) < 0) ret = -errno;
    if (ret == -ENOENT) SetLastError(ERROR_PATH_NOT_FOUND);
    else if (ret) k32_fail_path_errno(ret, path);
    free(path);
    return !ret;
}

BOOL WINAPI CreateDirectoryW(LPCWSTR name, LPSECURITY_ATTRIBUTES sa)
{
    TRACE("%s, %p\n", debugstr_w(name), sa);
    (void)sa;
    return create_directory(k32_unix_path_new(name));
}

BOOL WINAPI CreateDirectoryA(LPCSTR name, LPSECURITY_ATTRIBUTES sa)
{
    (void)sa;
    return create_directory(k32_unix_path_a(name));
}

static BOOL remove_directory(char *path)
{
    struct stat st;
    int ret = 0;

    if (!path) return FALSE;
    if (lstat(path, &st) < 0) ret = -errno;
    else if (!S_ISDIR(st.st_mode))
    {
        SetLastError(ERROR_DIRECTORY);
        free(path);
        return FALSE;
    }
    else if (rmdir(path) < 0) ret = errno == EEXIST ? -ENOTEMPTY : -errno;
    if (ret) k32_fail_path_errno(ret, path);
    free(path);
    return !ret;
}

BOOL WINAPI RemoveDirectoryW(LPCWSTR name)
{
    TRACE("%s\n", debugstr_w(name));
    return remove_directory(k32_unix_path(name));
}

BOOL WINAPI RemoveDirectoryA(LPCSTR name)
{
    return remove_directory(k32_unix_path_a(name));
}

static int fsync_parent(const char *path)
{
    char *dir = strdup(path), *slash;
    int fd, ret = 0;

    if (!dir) return -ENOMEM;
    if ((slash = strrchr(dir, '/'))) slash[slash == dir ? 1 : 0] = 0;
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) < 0) ret = -errno;
    if (fd >= 0) close(fd);
    free(dir);
    return ret;
}

static BOOL move_file(const WCHAR *wfrom, const WCHAR *wto, char *from, char *to, DWORD flags)
{
    struct stat src, dst;
    int ret = 0;

    if (!from || !to) goto fail_mapped;
    if (lstat(from, &src) < 0)
    {
        ret = -errno;
        goto fail;
    }
    if (!lstat(to, &dst))
    {
        /* renaming a file to another spelling of itself is fine (case changes) */
        if (src.st_dev == dst.st_dev && src.st_ino == dst.st_ino) ;
        else if (!(flags & MOVEFILE_REPLACE_EXISTING))
        {
            SetLastError(ERROR_ALREADY_EXISTS);
            goto fail_mapped;
        }
        else if (S_ISDIR(dst.st_mode) || S_ISDIR(src.st_mode))
        {
            SetLastError(ERROR_ACCESS_DENIED);
            goto fail_mapped;
        }
    }
    if (rename(from, to) < 0)
    {
        ret = -errno;
        if (ret == -EXDEV && (flags & MOVEFILE_COPY_ALLOWED) && !S_ISDIR(src.st_mode))
        {
            /* another file system: copy, then remove the original */
            if (!CopyFileExW(wfrom, wto, NULL, NULL, NULL, 0)) goto fail_mapped;
            if (unlink(from) < 0)
            {
                ret = -errno;
                goto fail;
            }
            ret = 0;
        }
        else if (ret == -EXDEV)
        {
            SetLastError(ERROR_NOT_SAME_DEVICE);
            goto fail_mapped;
        }
        else goto fail;
    }
    if ((flags & MOVEFILE_WRITE_THROUGH) && (ret = fsync_parent(to))) goto fail;
    free(from);
    free(to);
    return TRUE;

fail:
    k32_fail_path_errno(ret, from);
fail_mapped:
    free(from);
    free(to);
    return FALSE;
}

BOOL WINAPI MoveFileExW(LPCWSTR from, LPCWSTR to, DWORD flags)
{
    TRACE("%s, %s, %#x\n", debugstr_w(from), debugstr_w(to), flags);
    if (flags & MOVEFILE_DELAY_UNTIL_REBOOT)
    {
        /* there is no boot-time rename queue on Linux */
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    if (!from || !to)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return move_file(from, to, k32_unix_path(from), k32_unix_path_new(to), flags);
}

BOOL WINAPI MoveFileW(LPCWSTR from, LPCWSTR to)
{
    return MoveFileExW(from, to, MOVEFILE_COPY_ALLOWED);
}

BOOL WINAPI MoveFileExA(LPCSTR from, LPCSTR to, DWORD flags)
{
    WCHAR *wfrom = NULL, *wto = NULL;
    BOOL ret = FALSE;

    if (k32_from_utf8(from, &wfrom) || k32_from_utf8(to, &wto)) SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    else ret = MoveFileExW(wfrom, wto, flags);
    free(wfrom);
    free(wto);
    return ret;
}

BOOL WINAPI MoveFileA(LPCSTR from, LPCSTR to)
{
    return MoveFileExA(from, to, MOVEFILE_COPY_ALLOWED);
}
