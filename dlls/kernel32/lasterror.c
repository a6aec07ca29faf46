/*
 * lasterror.c: the per-thread Win32 error code (GetLastError/SetLastError) and
 * the one table that turns an errno value into the Win32 code Windows would
 * report for the same failure.  Not for HRESULTs: those are chosen at each API
 * boundary.
 */
#include <errno.h>
#include <windows.h>
#include "umbra/kernel32.h"

static __thread DWORD last_error;

DWORD WINAPI GetLastError(void)
{
    return last_error;
}

void WINAPI SetLastError(DWORD err)
{
    last_error = err;
}

DWORD umbra_win32_error_from_errno(int err)
{
    if (err < 0) err = -err;
    switch (err)
    {
    case 0: return ERROR_SUCCESS;
    case EPERM:
    case EACCES:
    case EROFS: return ERROR_ACCESS_DENIED;
    case ENOENT: return ERROR_FILE_NOT_FOUND;
    case ENOTDIR: return ERROR_PATH_NOT_FOUND;
    case EMFILE:
    case ENFILE: return ERROR_TOO_MANY_OPEN_FILES;
    case EBADF: return ERROR_INVALID_HANDLE;
    case ENOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    case EEXIST: return ERROR_ALREADY_EXISTS;
    case EINVAL: return ERROR_INVALID_PARAMETER;
    case ENOSPC:
    case EDQUOT: return ERROR_DISK_FULL;
    case EPIPE: return ERROR_BROKEN_PIPE;
    case ENAMETOOLONG: return ERROR_FILENAME_EXCED_RANGE;
    case ENOTEMPTY: return ERROR_DIR_NOT_EMPTY;
    case EBUSY: return ERROR_BUSY;
    case EXDEV: return ERROR_NOT_SAME_DEVICE;
    case ETIMEDOUT: return ERROR_TIMEOUT;
    case ENOSYS: return ERROR_CALL_NOT_IMPLEMENTED;
    case EOPNOTSUPP: return ERROR_NOT_SUPPORTED;
    case EIO: return ERROR_GEN_FAILURE;
    case EISDIR: return ERROR_DIRECTORY;
    case ECANCELED: return ERROR_OPERATION_ABORTED;
    case EILSEQ: return ERROR_NO_UNICODE_TRANSLATION;
    case ERANGE:
    case EOVERFLOW: return ERROR_ARITHMETIC_OVERFLOW;
    case EAGAIN: return ERROR_BUSY;
    case EFAULT: return ERROR_NOACCESS;
    default: return ERROR_GEN_FAILURE;
    }
}

void umbra_set_last_error_from_errno(int err)
{
    last_error = umbra_win32_error_from_errno(err);
}
