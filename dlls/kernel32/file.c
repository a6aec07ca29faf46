/*
 * file.c: file handles: CreateFile and what is done through the handle it
 * returns (ReadFile, WriteFile, SetFilePointer, sizes, times, flushing), and
 * the standard handles.  A file object owns one POSIX file descriptor.
 *
 * Windows semantics kept: the five creation dispositions and the
 * ERROR_ALREADY_EXISTS they report on success, directories only with
 * FILE_FLAG_BACKUP_SEMANTICS, reads at the end of a file returning TRUE with
 * 0 bytes, ERROR_BROKEN_PIPE at the end of a pipe, ERROR_NEGATIVE_SEEK,
 * FILE_FLAG_DELETE_ON_CLOSE.  Share modes cannot be enforced on POSIX and are
 * accepted; overlapped I/O is done at once, at the OVERLAPPED's offset.
 *
 * Not for: operations on names (fileops.c, copy.c, findfile.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"
#include "kernel32_private.h"

static void file_destroy(struct kobject *obj)
{
    struct file_object *file = CONTAINING_RECORD(obj, struct file_object, obj);

    if (file->unix_path)
    {
        if (unlink(file->unix_path) < 0 && errno == EISDIR) rmdir(file->unix_path);
        free(file->unix_path);
    }
    if (file->owns_fd && file->fd >= 0) close(file->fd);
    free(file);
}

static const struct kobject_ops file_ops = { KOBJ_FILE, file_destroy, NULL, NULL };

struct file_object *file_object_create(int fd, int owns_fd, DWORD access, DWORD flags)
{
    struct file_object *file = calloc(1, sizeof(*file));

    if (!file) return NULL;
    kobject_init(&file->obj, &file_ops);
    file->fd = fd;
    file->owns_fd = owns_fd;
    file->access = access;
    file->flags = flags;
    return file;
}

static struct file_object *get_file(HANDLE handle)
{
    struct kobject *obj;

    if (!(obj = handle_get(handle, KOBJ_FILE))) return NULL;
    return CONTAINING_RECORD(obj, struct file_object, obj);
}

static void put_file(struct file_object *file)
{
    kobject_release(&file->obj);
}

int file_handle_fd(HANDLE handle)
{
    struct file_object *file = get_file(handle);
    int fd;

    if (!file) return -1;
    fd = file->fd;
    put_file(file);
    return fd;
}

static int wants_read(DWORD access)
{
    return !!(access & (GENERIC_READ | GENERIC_ALL | FILE_READ_DATA | MAXIMUM_ALLOWED));
}

static int wants_write(DWORD access)
{
    return !!(access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA));
}

/* DOS device names that mean something here. */
static int device_path(const WCHAR *name, DWORD access, const char **path, int *std_fd)
{
    const WCHAR *base = name;

    *path = NULL;
    *std_fd = -1;
    if (!wcsncmp(name, L"\\\\.\\", 4)) base = name + 4;
    if (!wcscasecmp(base, L"NUL")) *path = "/dev/null";
    else if (!wcscasecmp(base, L"CONIN$")) *std_fd = 0;
    else if (!wcscasecmp(base, L"CONOUT$")) *std_fd = 1;
    else if (!wcscasecmp(base, L"CON")) *std_fd = wants_write(access) ? 1 : 0;
    else return 0;
    return 1;
}

static HANDLE new_handle(int fd, int owns_fd, DWORD access, DWORD flags, char *delete_path)
{
    struct file_object *file = file_object_create(fd, owns_fd, access, flags);
    HANDLE handle;

    if (!file)
    {
        if (owns_fd) close(fd);
        free(delete_path);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    file->unix_path = delete_path;
    handle = handle_alloc(&file->obj);
    kobject_release(&file->obj);
    return handle ? handle : INVALID_HANDLE_VALUE;
}

HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa, DWORD disposition,
                          DWORD flags, HANDLE template_file)
{
    int oflags = O_CLOEXEC | O_NOCTTY, fd = -1, existed = 0, std_fd, err;
    mode_t mode = (flags & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
    const char *device;
    char *path = NULL;
    struct stat st;
    HANDLE handle;

    TRACE("%s, %#x, %#x, %p, %u, %#x, %p\n", debugstr_w(name), access, share, sa, disposition, flags,
          template_file);
    (void)share;
    (void)sa;
    (void)template_file;
    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (!*name)
    {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING
        || (disposition == TRUNCATE_EXISTING && !wants_write(access)))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (device_path(name, access, &device, &std_fd))
    {
        if (std_fd >= 0)
        {
            if ((fd = fcntl(std_fd, F_DUPFD_CLOEXEC, 3)) < 0) return k32_fail_errno(-errno), INVALID_HANDLE_VALUE;
        }
        else if ((fd = open(device, O_RDWR | O_CLOEXEC)) < 0)
            return k32_fail_errno(-errno), INVALID_HANDLE_VALUE;
        return new_handle(fd, 1, access, flags, NULL);
    }
    path = (disposition == CREATE_NEW || disposition == CREATE_ALWAYS) ? k32_unix_path_new(name) : k32_unix_path(name);
    if (!path) return INVALID_HANDLE_VALUE;

    if (wants_read(access) && wants_write(access)) oflags |= O_RDWR;
    else if (wants_write(access)) oflags |= O_WRONLY;
    else oflags |= O_RDONLY;
    if ((access & FILE_APPEND_DATA) && !(access & (FILE_WRITE_DATA | GENERIC_WRITE | GENERIC_ALL)))
        oflags |= O_APPEND;
    if (flags & FILE_FLAG_WRITE_THROUGH) oflags |= O_DSYNC;

    if (!stat(path, &st) && S_ISDIR(st.st_mode))
    {
        /* a directory: only with backup semantics, never created or truncated here */
        if (!(flags & FILE_FLAG_BACKUP_SEMANTICS) || disposition == CREATE_ALWAYS
            || disposition == TRUNCATE_EXISTING)
        {
            SetLastError(ERROR_ACCESS_DENIED);
            goto fail;
        }
        if (disposition == CREATE_NEW)
        {
            SetLastError(ERROR_FILE_EXISTS);
            goto fail;
        }
        if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        {
            k32_fail_errno(-errno);
            goto fail;
        }
        existed = 1;
    }
    else
    {
        switch (disposition)
        {
        case CREATE_NEW:
            fd = open(path, oflags | O_CREAT | O_EXCL, mode);
            break;
        case CREATE_ALWAYS:
        case OPEN_ALWAYS:
            fd = open(path, oflags | O_CREAT | O_EXCL, mode);
            if (fd < 0 && errno == EEXIST)
            {
                existed = 1;
                fd = open(path, oflags | (disposition == CREATE_ALWAYS ? O_TRUNC : 0));
            }
            break;
        case OPEN_EXISTING:
            fd = open(path, oflags);
            /* access 0 asks only for attributes: a file we may not read still opens */
            if (fd < 0 && errno == EACCES && !wants_read(access) && !wants_write(access))
                fd = open(path, O_PATH | O_CLOEXEC);
            existed = 1;
            break;
        case TRUNCATE_EXISTING:
            fd = open(path, oflags | O_TRUNC);
            existed = 1;
            break;
        }
        if (fd < 0)
        {
            err = -errno;
            if (err == -EEXIST) SetLastError(ERROR_FILE_EXISTS);
            else if (err == -EISDIR) SetLastError(ERROR_ACCESS_DENIED);
            else k32_fail_path_errno(err, path);
            goto fail;
        }
    }

    handle = new_handle(fd, 1, access, flags, (flags & FILE_FLAG_DELETE_ON_CLOSE) ? path : NULL);
    if (!(flags & FILE_FLAG_DELETE_ON_CLOSE)) free(path);
    if (handle == INVALID_HANDLE_VALUE) return handle;
    /* success, yet Windows tells the caller whether the file was there */
    SetLastError((existed && (disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS)) ? ERROR_ALREADY_EXISTS
                                                                                             : ERROR_SUCCESS);
    return handle;

fail:
    free(path);
    return INVALID_HANDLE_VALUE;
}

HANDLE WINAPI CreateFileA(LPCSTR name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa, DWORD disposition,
                          DWORD flags, HANDLE template_file)
{
    WCHAR *wide;
    HANDLE ret;

    if (k32_from_utf8(name, &wide))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return INVALID_HANDLE_VALUE;
    }
    ret = CreateFileW(wide, access, share, sa, disposition, flags, template_file);
    free(wide);
    return ret;
}

static int is_regular(int fd)
{
    struct stat st;

    return !fstat(fd, &st) && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
}

static int is_pipe(int fd)
{
    struct stat st;

    return !fstat(fd, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* The offset an OVERLAPPED names, or -1 without one. */
static off_t overlapped_offset(const OVERLAPPED *ov)
{
    return ov ? (off_t)((ULONGLONG)ov->OffsetHigh << 32 | ov->Offset) : -1;
}

static void complete_overlapped(OVERLAPPED *ov, DWORD status, DWORD count)
{
    if (!ov) return;
    ov->Internal = status;
    ov->InternalHigh = count;
    if (ov->hEvent) SetEvent(ov->hEvent);
}

BOOL WINAPI ReadFile(HANDLE handle, LPVOID buffer, DWORD count, LPDWORD read_count, LPOVERLAPPED ov)
{
    struct file_object *file;
    off_t offset = overlapped_offset(ov);
    size_t done = 0;
    BOOL ret = TRUE;
    int regular;

    TRACE("%p, %p, %u, %p, %p\n", handle, buffer, count, read_count, ov);
    if (read_count) *read_count = 0;
    if (!(file = get_file(handle))) return FALSE;
    if (!buffer && count)
    {
        SetLastError(ERROR_NOACCESS);
        put_file(file);
        return FALSE;
    }
    regular = is_regular(file->fd);
    while (done < count)
    {
        ssize_t n = offset >= 0 ? pread(file->fd, (char *)buffer + done, count - done, offset + done)
                                : read(file->fd, (char *)buffer + done, count - done);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            ret = k32_fail_errno(errno == EISDIR ? -EACCES : -errno);
            break;
        }
        if (!n)
        {
            /* the writer of a pipe went away; an overlapped read past the end */
            if (!done && count && is_pipe(file->fd))
            {
                SetLastError(ERROR_BROKEN_PIPE);
                ret = FALSE;
            }
            else if (!done && count && ov)
            {
                SetLastError(ERROR_HANDLE_EOF);
                ret = FALSE;
            }
            break;
        }
        done += n;
        if (!regular) break;   /* pipes and terminals return what they have */
    }
    if (read_count) *read_count = (DWORD)done;
    complete_overlapped(ov, ret ? 0 : GetLastError(), (DWORD)done);
    put_file(file);
    return ret;
}

BOOL WINAPI WriteFile(HANDLE handle, LPCVOID buffer, DWORD count, LPDWORD written, LPOVERLAPPED ov)
{
    struct file_object *file;
    off_t offset = overlapped_offset(ov);
    size_t done = 0;
    BOOL ret = TRUE;

    TRACE("%p, %p, %u, %p, %p\n", handle, buffer, count, written, ov);
    if (written) *written = 0;
    if (!(file = get_file(handle))) return FALSE;
    if (!buffer && count)
    {
        SetLastError(ERROR_NOACCESS);
        put_file(file);
        return FALSE;
    }
    /* Windows: an offset of 0xFFFFFFFF:FFFFFFFF appends */
    if (ov && ov->Offset == 0xFFFFFFFF && ov->OffsetHigh == 0xFFFFFFFF) offset = lseek(file->fd, 0, SEEK_END);
    while (done < count)
    {
        ssize_t n = offset >= 0 ? pwrite(file->fd, (const char *)buffer + done, count - done, offset + done)
                                : write(file->fd, (const char *)buffer + done, count - done);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == EPIPE) SetLastError(ERROR_NO_DATA);
            else if (errno == EBADF) SetLastError(ERROR_ACCESS_DENIED);
            else umbra_set_last_error_from_errno(errno);
            ret = FALSE;
            break;
        }
        done += n;
    }
    if (written) *written = (DWORD)done;
    complete_overlapped(ov, ret ? 0 : GetLastError(), (DWORD)done);
    put_file(file);
    return ret;
}

BOOL WINAPI GetOverlappedResult(HANDLE handle, LPOVERLAPPED ov, LPDWORD transferred, BOOL wait)
{
    struct file_object *file;

    (void)wait;
    if (!ov || !transferred)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(file = get_file(handle))) return FALSE;
    put_file(file);
    /* every operation completed before ReadFile/WriteFile returned */
    *transferred = (DWORD)ov->InternalHigh;
    if (ov->Internal)
    {
        SetLastError((DWORD)ov->Internal);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI SetFilePointerEx(HANDLE handle, LARGE_INTEGER distance, PLARGE_INTEGER new_pos, DWORD method)
{
    struct file_object *file;
    off_t pos, base;
    int whence;

    TRACE("%p, %lld, %p, %u\n", handle, distance.QuadPart, new_pos, method);
    switch (method)
    {
    case FILE_BEGIN: whence = SEEK_SET; break;
    case FILE_CURRENT: whence = SEEK_CUR; break;
    case FILE_END: whence = SEEK_END; break;
    default:
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(file = get_file(handle))) return FALSE;
    base = whence == SEEK_SET ? 0 : lseek(file->fd, 0, whence);
    if (base < 0)
    {
        put_file(file);
        return k32_fail_errno(errno == ESPIPE ? -EINVAL : -errno);
    }
    if (distance.QuadPart < 0 && base + distance.QuadPart < 0)
    {
        put_file(file);
        SetLastError(ERROR_NEGATIVE_SEEK);
        return FALSE;
    }
    pos = lseek(file->fd, base + distance.QuadPart, SEEK_SET);
    put_file(file);
    if (pos < 0) return k32_fail_errno(-errno);
    if (new_pos) new_pos->QuadPart = pos;
    return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE handle, LONG distance, PLONG distance_high, DWORD method)
{
    LARGE_INTEGER dist, pos;

    if (distance_high) dist.QuadPart = (LONGLONG)((ULONGLONG)(DWORD)*distance_high << 32 | (DWORD)distance);
    else dist.QuadPart = distance;
    if (!SetFilePointerEx(handle, dist, &pos, method)) return INVALID_SET_FILE_POINTER;
    if (distance_high) *distance_high = pos.HighPart;
    else if (pos.HighPart)
    {
        /* the new position does not fit the 32 bits the caller can see */
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_SET_FILE_POINTER;
    }
    if (pos.LowPart == INVALID_SET_FILE_POINTER) SetLastError(ERROR_SUCCESS);
    return pos.LowPart;
}

BOOL WINAPI GetFileSizeEx(HANDLE handle, PLARGE_INTEGER size)
{
    struct file_object *file;
    struct stat st;
    int ret;

    if (!size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(file = get_file(handle))) return FALSE;
    ret = fstat(file->fd, &st) < 0 ? -errno : 0;
    put_file(file);
    if (ret) return k32_fail_errno(ret);
    size->QuadPart = S_ISDIR(st.st_mode) ? 0 : st.st_size;
    return TRUE;
}

DWORD WINAPI GetFileSize(HANDLE handle, LPDWORD high)
{
    LARGE_INTEGER size;

    if (!GetFileSizeEx(handle, &size)) return INVALID_FILE_SIZE;
    if (high) *high = size.HighPart;
    if (size.LowPart == INVALID_FILE_SIZE) SetLastError(ERROR_SUCCESS);
    return size.LowPart;
}

DWORD WINAPI GetFileType(HANDLE handle)
{
    struct file_object *file;
    struct stat st;
    DWORD type = FILE_TYPE_UNKNOWN;

    if (!(file = get_file(handle))) return FILE_TYPE_UNKNOWN;
    if (!fstat(file->fd, &st))
    {
        if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode)) type = FILE_TYPE_DISK;
        else if (S_ISCHR(st.st_mode)) type = FILE_TYPE_CHAR;
        else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) type = FILE_TYPE_PIPE;
    }
    put_file(file);
    SetLastError(ERROR_SUCCESS);
    return type;
}

BOOL WINAPI FlushFileBuffers(HANDLE handle)
{
    struct file_object *file;
    int ret = 0;

    if (!(file = get_file(handle))) return FALSE;
    if (fsync(file->fd) < 0 && errno != EINVAL && errno != EROFS) ret = -errno;
    put_file(file);
    return ret ? k32_fail_errno(ret) : TRUE;
}

BOOL WINAPI SetEndOfFile(HANDLE handle)
{
    struct file_object *file;
    off_t pos;
    int ret = 0;

    if (!(file = get_file(handle))) return FALSE;
    pos = lseek(file->fd, 0, SEEK_CUR);
    if (pos < 0 || ftruncate(file->fd, pos) < 0) ret = errno == EBADF || errno == EINVAL ? -EACCES : -errno;
    put_file(file);
    return ret ? k32_fail_errno(ret) : TRUE;
}

/* Birth time where the file system keeps one, else the last change. */
static void creation_time(int fd, const struct stat *st, FILETIME *ft)
{
    struct statx stx;

    if (!statx(fd, "", AT_EMPTY_PATH, STATX_BTIME, &stx) && (stx.stx_mask & STATX_BTIME))
        k32_filetime_from_unix(stx.stx_btime.tv_sec, stx.stx_btime.tv_nsec, ft);
    else
        k32_filetime_from_unix(st->st_mtim.tv_sec, st->st_mtim.tv_nsec, ft);
}

BOOL WINAPI GetFileTime(HANDLE handle, LPFILETIME creation, LPFILETIME access, LPFILETIME write)
{
    struct file_object *file;
    struct stat st;
    int ret;

    if (!(file = get_file(handle))) return FALSE;
    if (!(ret = fstat(file->fd, &st) < 0 ? -errno : 0))
    {
        if (creation) creation_time(file->fd, &st, creation);
        if (access) k32_filetime_from_unix(st.st_atim.tv_sec, st.st_atim.tv_nsec, access);
        if (write) k32_filetime_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, write);
    }
    put_file(file);
    return ret ? k32_fail_errno(ret) : TRUE;
}

static void to_timespec(const FILETIME *ft, struct timespec *ts)
{
    time_t sec;
    long nsec;

    /* NULL, or all ones ("leave it alone for this handle"), keeps the time */
    if (!ft || (ft->dwLowDateTime == 0xFFFFFFFF && ft->dwHighDateTime == 0xFFFFFFFF)
        || (!ft->dwLowDateTime && !ft->dwHighDateTime))
    {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_OMIT;
        return;
    }
    k32_unix_from_filetime(ft, &sec, &nsec);
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
}

BOOL WINAPI SetFileTime(HANDLE handle, const FILETIME *creation, const FILETIME *access, const FILETIME *write)
{
    struct file_object *file;
    struct timespec ts[2];
    int ret = 0;

    /* POSIX has no settable creation time */
    (void)creation;
    if (!(file = get_file(handle))) return FALSE;
    to_timespec(access, &ts[0]);
    to_timespec(write, &ts[1]);
    if (futimens(file->fd, ts) < 0) ret = -errno;
    put_file(file);
    return ret ? k32_fail_errno(ret) : TRUE;
}

DWORD k32_volume_serial(int fd)
{
    struct statfs sfs;
    struct stat st;
    DWORD serial = 0;

    if (!fstatfs(fd, &sfs)) serial = (DWORD)sfs.f_fsid.__val[0] ^ (DWORD)sfs.f_fsid.__val[1];
    if (!serial && !fstat(fd, &st)) serial = (DWORD)st.st_dev;
    return serial;
}

BOOL WINAPI GetFileInformationByHandle(HANDLE handle, LPBY_HANDLE_FILE_INFORMATION info)
{
    struct file_object *file;
    struct statvfs svfs;
    struct stat st;
    int ret;

    if (!info)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(file = get_file(handle))) return FALSE;
    if (!(ret = fstat(file->fd, &st) < 0 ? -errno : 0))
    {
        int read_only = !fstatvfs(file->fd, &svfs) && (svfs.f_flag & ST_RDONLY);

        memset(info, 0, sizeof(*info));
        info->dwFileAttributes = k32_attributes_from_stat(&st, NULL, read_only);
        creation_time(file->fd, &st, &info->ftCreationTime);
        k32_filetime_from_unix(st.st_atim.tv_sec, st.st_atim.tv_nsec, &info->ftLastAccessTime);
        k32_filetime_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, &info->ftLastWriteTime);
        info->dwVolumeSerialNumber = k32_volume_serial(file->fd);
        info->nFileSizeHigh = S_ISDIR(st.st_mode) ? 0 : (DWORD)((ULONGLONG)st.st_size >> 32);
        info->nFileSizeLow = S_ISDIR(st.st_mode) ? 0 : (DWORD)st.st_size;
        info->nNumberOfLinks = (DWORD)st.st_nlink;
        info->nFileIndexHigh = (DWORD)((ULONGLONG)st.st_ino >> 32);
        info->nFileIndexLow = (DWORD)st.st_ino;
    }
    put_file(file);
    return ret ? k32_fail_errno(ret) : TRUE;
}

/* --- standard handles ------------------------------------------------------------------ */

static pthread_mutex_t std_lock = PTHREAD_MUTEX_INITIALIZER;
static HANDLE std_handles[3];

static int std_index(DWORD which)
{
    switch (which)
    {
    case STD_INPUT_HANDLE: return 0;
    case STD_OUTPUT_HANDLE: return 1;
    case STD_ERROR_HANDLE: return 2;
    }
    return -1;
}

HANDLE WINAPI GetStdHandle(DWORD which)
{
    int i = std_index(which);
    HANDLE handle;

    if (i < 0)
    {
        SetLastError(ERROR_INVALID_HANDLE);
        return INVALID_HANDLE_VALUE;
    }
    pthread_mutex_lock(&std_lock);
    if (!std_handles[i] && fcntl(i, F_GETFD) >= 0)
    {
        /* the object borrows the descriptor: the C runtime keeps using it */
        struct file_object *file = file_object_create(i, 0, i ? GENERIC_WRITE : GENERIC_READ, 0);
        if (file)
        {
            std_handles[i] = handle_alloc(&file->obj);
            kobject_release(&file->obj);
        }
    }
    handle = std_handles[i];
    pthread_mutex_unlock(&std_lock);
    /* a process without that descriptor has no such handle: NULL, as on Windows */
    return handle;
}

BOOL WINAPI SetStdHandle(DWORD which, HANDLE handle)
{
    int i = std_index(which);

    if (i < 0)
    {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    pthread_mutex_lock(&std_lock);
    std_handles[i] = handle;
    pthread_mutex_unlock(&std_lock);
    return TRUE;
}
