/*
 * copy.c: CopyFile and CopyFileEx.  The data goes through copy_file_range
 * (reflinked by btrfs and XFS, server-side on NFS) in 1 MiB chunks, with a
 * read/write loop where the kernel cannot; the last write time and the
 * permissions follow the file, as Windows copies the last write time and the
 * attributes.
 *
 * The progress routine is called as Windows calls it: CALLBACK_STREAM_SWITCH
 * once before the data (stream 1, nothing transferred), then
 * CALLBACK_CHUNK_FINISHED after every chunk, with real handles to both files.
 * PROGRESS_CANCEL and *cancel stop the copy and delete the target;
 * PROGRESS_STOP stops it and keeps what was written; PROGRESS_QUIET goes on
 * without further calls; a stopped copy fails with ERROR_REQUEST_ABORTED.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

#define COPY_CHUNK (1024 * 1024)

struct copy
{
    int src, dst;
    HANDLE src_handle, dst_handle;
    LPPROGRESS_ROUTINE progress;
    void *data;
    LPBOOL cancel;
    char *buffer;
    int quiet;
};

/* One chunk: copy_file_range where it works, else read and write. */
static ssize_t copy_chunk(struct copy *c, size_t len)
{
    ssize_t n, done = 0;

    n = copy_file_range(c->src, NULL, c->dst, NULL, len, 0);
    if (n >= 0 || (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP && errno != EBADF))
        return n < 0 ? -errno : n;
    if (!c->buffer && !(c->buffer = malloc(COPY_CHUNK))) return -ENOMEM;
    do n = read(c->src, c->buffer, len);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return n < 0 ? -errno : 0;
    while (done < n)
    {
        ssize_t w = write(c->dst, c->buffer + done, n - done);
        if (w < 0)
        {
            if (errno == EINTR) continue;
            return -errno;
        }
        done += w;
    }
    return n;
}

/* Ask the progress routine; returns PROGRESS_* (PROGRESS_CONTINUE when quiet). */
static DWORD report(struct copy *c, ULONGLONG total, ULONGLONG done, DWORD reason)
{
    LARGE_INTEGER size, transferred;
    DWORD ret;

    if (c->cancel && *c->cancel) return PROGRESS_CANCEL;
    if (!c->progress || c->quiet) return PROGRESS_CONTINUE;
    size.QuadPart = (LONGLONG)total;
    transferred.QuadPart = (LONGLONG)done;
    ret = c->progress(size, transferred, size, transferred, 1, reason, c->src_handle, c->dst_handle, c->data);
    if (ret == PROGRESS_QUIET)
    {
        c->quiet = 1;
        return PROGRESS_CONTINUE;
    }
    if (c->cancel && *c->cancel) return PROGRESS_CANCEL;
    return ret;
}

static HANDLE borrow_handle(int fd, DWORD access)
{
    struct file_object *file = file_object_create(fd, 0, access, 0);
    HANDLE handle;

    if (!file) return NULL;
    handle = handle_alloc(&file->obj);
    kobject_release(&file->obj);
    return handle;
}

/* Copy the data of an open source to an open target. */
static int copy_data(struct copy *c, ULONGLONG total, DWORD *stopped)
{
    ULONGLONG done = 0;
    DWORD answer;

    *stopped = 0;
    if ((answer = report(c, total, 0, CALLBACK_STREAM_SWITCH)) != PROGRESS_CONTINUE)
    {
        *stopped = answer;
        return 0;
    }
    for (;;)
    {
        ssize_t n = copy_chunk(c, COPY_CHUNK);

        if (n < 0) return (int)n;
        done += n;
        /* a file that grew while we copied: report what was really copied */
        if (done > total) total = done;
        if (n || !done)
        {
            if ((answer = report(c, total, done, CALLBACK_CHUNK_FINISHED)) != PROGRESS_CONTINUE)
            {
                *stopped = answer;
                return 0;
            }
        }
        if (!n) break;
    }
    return 0;
}

static BOOL copy_file(const char *from, const char *to, LPPROGRESS_ROUTINE progress, LPVOID data, LPBOOL cancel,
                      DWORD flags)
{
    struct copy c = { -1, -1, NULL, NULL, progress, data, cancel, NULL, 0 };
    struct stat src, dst;
    struct timespec times[2];
    DWORD stopped = 0;
    int ret = 0, created = 0;
    BOOL ok = FALSE;

    if (cancel && *cancel)
    {
        SetLastError(ERROR_REQUEST_ABORTED);
        return FALSE;
    }
    if ((flags & COPY_FILE_COPY_SYMLINK) && !lstat(from, &src) && S_ISLNK(src.st_mode))
    {
        char target[4096];
        ssize_t len = readlink(from, target, sizeof(target) - 1);

        if (len < 0) return k32_fail_path_errno(-errno, from);
        target[len] = 0;
        if (!lstat(to, &dst) && !(flags & COPY_FILE_FAIL_IF_EXISTS)) unlink(to);
        if (symlink(target, to) < 0)
        {
            if (errno == EEXIST) SetLastError(ERROR_FILE_EXISTS);
            else k32_fail_path_errno(-errno, to);
            return FALSE;
        }
        return TRUE;
    }

    if ((c.src = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) return k32_fail_path_errno(-errno, from);
    if (fstat(c.src, &src) < 0)
    {
        ret = -errno;
        goto done;
    }
    if (S_ISDIR(src.st_mode))
    {
        ret = -EACCES;
        goto done;
    }
    if (!stat(to, &dst))
    {
        if (dst.st_dev == src.st_dev && dst.st_ino == src.st_ino)
        {
            /* Windows cannot open the target while the source is open */
            SetLastError(ERROR_SHARING_VIOLATION);
            goto failed;
        }
        if (flags & COPY_FILE_FAIL_IF_EXISTS)
        {
            SetLastError(ERROR_FILE_EXISTS);
            goto failed;
        }
        if (S_ISDIR(dst.st_mode) || !(dst.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
        {
            ret = -EACCES;
            goto done;
        }
    }
    c.dst = open(to, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | ((flags & COPY_FILE_FAIL_IF_EXISTS) ? O_EXCL : 0),
                 (src.st_mode & 0777) | S_IWUSR);
    if (c.dst < 0)
    {
        if (errno == EEXIST) SetLastError(ERROR_FILE_EXISTS);
        else k32_fail_path_errno(-errno, to);
        goto failed;
    }
    created = 1;
    if (ftruncate(c.dst, 0) < 0)
    {
        ret = -errno;
        goto done;
    }
    if (progress)
    {
        c.src_handle = borrow_handle(c.src, GENERIC_READ);
        c.dst_handle = borrow_handle(c.dst, GENERIC_WRITE);
        if (!c.src_handle || !c.dst_handle)
        {
            ret = -ENOMEM;
            goto done;
        }
    }
    if ((ret = copy_data(&c, (ULONGLONG)src.st_size, &stopped))) goto done;
    if (stopped)
    {
        TRACE("%s -> %s stopped by the caller (%u)\n", from, to, stopped);
        if (stopped != PROGRESS_STOP) unlink(to);
        SetLastError(ERROR_REQUEST_ABORTED);
        goto failed;
    }
    times[0] = src.st_atim;
    times[1] = src.st_mtim;
    if (futimens(c.dst, times) < 0 || fchmod(c.dst, src.st_mode & 07777) < 0) ret = -errno;
    else
    {
        ret = close(c.dst) < 0 ? -errno : 0;   /* NFS reports write errors here */
        c.dst = -1;
        ok = !ret;
    }

done:
    if (ret)
    {
        k32_fail_errno(ret);
        if (created) unlink(to);
    }
failed:
    if (c.src_handle) CloseHandle(c.src_handle);
    if (c.dst_handle) CloseHandle(c.dst_handle);
    if (c.dst >= 0) close(c.dst);
    if (c.src >= 0) close(c.src);
    free(c.buffer);
    return ok;
}

BOOL WINAPI CopyFileExW(LPCWSTR from, LPCWSTR to, LPPROGRESS_ROUTINE progress, LPVOID data, LPBOOL cancel,
                        DWORD flags)
{
    char *src, *dst = NULL;
    BOOL ret = FALSE;

    TRACE("%s, %s, %p, %p, %p, %#x\n", debugstr_w(from), debugstr_w(to), progress, data, cancel, flags);
    if (!from || !to)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((src = k32_unix_path(from)) && (dst = k32_unix_path_new(to)))
        ret = copy_file(src, dst, progress, data, cancel, flags);
    free(src);
    free(dst);
    return ret;
}

BOOL WINAPI CopyFileW(LPCWSTR from, LPCWSTR to, BOOL fail_if_exists)
{
    return CopyFileExW(from, to, NULL, NULL, NULL, fail_if_exists ? COPY_FILE_FAIL_IF_EXISTS : 0);
}

BOOL WINAPI CopyFileExA(LPCSTR from, LPCSTR to, LPPROGRESS_ROUTINE progress, LPVOID data, LPBOOL cancel,
                        DWORD flags)
{
    char *src, *dst = NULL;
    BOOL ret = FALSE;

    if (!from || !to)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((src = k32_unix_path_a(from)) && (dst = k32_unix_path_a(to)))
        ret = copy_file(src, dst, progress, data, cancel, flags);
    free(src);
    free(dst);
    return ret;
}

BOOL WINAPI CopyFileA(LPCSTR from, LPCSTR to, BOOL fail_if_exists)
{
    return CopyFileExA(from, to, NULL, NULL, NULL, fail_if_exists ? COPY_FILE_FAIL_IF_EXISTS : 0);
}
