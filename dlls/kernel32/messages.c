/*
 * messages.c: the system message table: a name and one line of English
 * text for every Win32 error code kernel32 sets, the common COM HRESULTs and
 * every VSS HRESULT (VSS-FACTS.md §3.1).  FormatMessage reads it, and so do
 * vssapi's names and texts (dlls/vssapi/errors.c) and through them vssadmin's
 * "Error: ..." lines and diskshadow's "Error text": one table for all.
 *
 * The texts are our own words, written to read well after "Error: "; they
 * carry no final period (FormatMessage adds Windows' ".\r\n").  The names are
 * Microsoft's symbols.  Win32 codes and HRESULTs are separate tables because
 * their values overlap (1 is both ERROR_INVALID_FUNCTION and S_FALSE).
 */
#include <errno.h>
#include <windows.h>
#include <vsserror.h>
#include "umbra/kernel32.h"

struct message_row
{
    DWORD code;
    const char *name;
    const char *text;
};

#define ROW(code, text) { (DWORD)(code), #code, text }

/* Win32 error codes: what FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM) says for
 * GetLastError() values and their HRESULT_FROM_WIN32 forms. */
static const struct message_row win32_rows[] =
{
    ROW(ERROR_SUCCESS, "The operation completed successfully"),
    ROW(ERROR_INVALID_FUNCTION, "The function is not valid"),
    ROW(ERROR_FILE_NOT_FOUND, "The system cannot find the file specified"),
    ROW(ERROR_PATH_NOT_FOUND, "The system cannot find the path specified"),
    ROW(ERROR_TOO_MANY_OPEN_FILES, "The system cannot open the file: too many files are open"),
    ROW(ERROR_ACCESS_DENIED, "Access is denied"),
    ROW(ERROR_INVALID_HANDLE, "The handle is invalid"),
    ROW(ERROR_ARENA_TRASHED, "The storage control blocks were destroyed"),
    ROW(ERROR_NOT_ENOUGH_MEMORY, "Not enough memory is available to process this command"),
    ROW(ERROR_INVALID_BLOCK, "The storage control block address is invalid"),
    ROW(ERROR_BAD_ENVIRONMENT, "The environment is incorrect"),
    ROW(ERROR_BAD_FORMAT, "The program has an incorrect format"),
    ROW(ERROR_INVALID_ACCESS, "The access code is invalid"),
    ROW(ERROR_INVALID_DATA, "The data is invalid"),
    ROW(ERROR_OUTOFMEMORY, "Not enough memory is available to complete this operation"),
    ROW(ERROR_INVALID_DRIVE, "The system cannot find the drive specified"),
    ROW(ERROR_CURRENT_DIRECTORY, "The directory cannot be removed"),
    ROW(ERROR_NOT_SAME_DEVICE, "The file cannot be moved to a different disk drive"),
    ROW(ERROR_NO_MORE_FILES, "There are no more files"),
    ROW(ERROR_WRITE_PROTECT, "The media is write protected"),
    ROW(ERROR_BAD_UNIT, "The system cannot find the device specified"),
    ROW(ERROR_NOT_READY, "The device is not ready"),
    ROW(ERROR_BAD_COMMAND, "The device does not recognize the command"),
    ROW(ERROR_CRC, "Data error (cyclic redundancy check)"),
    ROW(ERROR_BAD_LENGTH, "The program issued a command but the command length is incorrect"),
    ROW(ERROR_SEEK, "The drive cannot locate a specific area or track on the disk"),
    ROW(ERROR_SECTOR_NOT_FOUND, "The drive cannot find the sector requested"),
    ROW(ERROR_WRITE_FAULT, "The system cannot write to the specified device"),
    ROW(ERROR_READ_FAULT, "The system cannot read from the specified device"),
    ROW(ERROR_GEN_FAILURE, "A device attached to the system is not functioning"),
    ROW(ERROR_SHARING_VIOLATION, "The process cannot access the file because it is being used by another process"),
    ROW(ERROR_LOCK_VIOLATION, "The process cannot access the file because another process has locked a portion of it"),
    ROW(ERROR_HANDLE_EOF, "Reached the end of the file"),
    ROW(ERROR_HANDLE_DISK_FULL, "The disk is full"),
    ROW(ERROR_NOT_SUPPORTED, "The request is not supported"),
    ROW(ERROR_BAD_NETPATH, "The network path was not found"),
    ROW(ERROR_DEV_NOT_EXIST, "The specified network resource or device is no longer available"),
    ROW(ERROR_NETWORK_ACCESS_DENIED, "Network access is denied"),
    ROW(ERROR_BAD_NET_NAME, "The network name cannot be found"),
    ROW(ERROR_FILE_EXISTS, "The file exists"),
    ROW(ERROR_CANNOT_MAKE, "The directory or file cannot be created"),
    ROW(ERROR_INVALID_PARAMETER, "The parameter is incorrect"),
    ROW(ERROR_DRIVE_LOCKED, "The disk is in use or locked by another process"),
    ROW(ERROR_BROKEN_PIPE, "The pipe has been ended"),
    ROW(ERROR_OPEN_FAILED, "The system cannot open the device or file specified"),
    ROW(ERROR_BUFFER_OVERFLOW, "The file name is too long"),
    ROW(ERROR_DISK_FULL, "There is not enough space on the disk"),
    ROW(ERROR_INVALID_TARGET_HANDLE, "The target internal file identifier is incorrect"),
    ROW(ERROR_CALL_NOT_IMPLEMENTED, "This function is not supported on this system"),
    ROW(ERROR_SEM_TIMEOUT, "The semaphore timeout period has expired"),
    ROW(ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small"),
    ROW(ERROR_INVALID_NAME, "The file name, directory name, or volume label syntax is incorrect"),
    ROW(ERROR_INVALID_LEVEL, "The system call level is not correct"),
    ROW(ERROR_MOD_NOT_FOUND, "The specified module could not be found"),
    ROW(ERROR_PROC_NOT_FOUND, "The specified procedure could not be found"),
    ROW(ERROR_WAIT_NO_CHILDREN, "There are no child processes to wait for"),
    ROW(ERROR_CHILD_NOT_COMPLETE, "The application cannot be run in this mode"),
    ROW(ERROR_DIRECT_ACCESS_HANDLE, "A file handle was used where only a device handle is allowed"),
    ROW(ERROR_NEGATIVE_SEEK, "An attempt was made to move the file pointer before the beginning of the file"),
    ROW(ERROR_SEEK_ON_DEVICE, "The file pointer cannot be set on the specified device or file"),
    ROW(ERROR_DIR_NOT_EMPTY, "The directory is not empty"),
    ROW(ERROR_LABEL_TOO_LONG, "The volume label you entered exceeds the label character limit of the target file system"),
    ROW(ERROR_SIGNAL_REFUSED, "The recipient process has refused the signal"),
    ROW(ERROR_NOT_LOCKED, "The segment is already unlocked"),
    ROW(ERROR_BAD_ARGUMENTS, "One or more arguments are not correct"),
    ROW(ERROR_BAD_PATHNAME, "The specified path is invalid"),
    ROW(ERROR_BUSY, "The requested resource is in use"),
    ROW(ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists"),
    ROW(ERROR_BAD_EXE_FORMAT, "The program is not a valid executable for this system"),
    ROW(ERROR_ENVVAR_NOT_FOUND, "The system could not find the environment option that was entered"),
    ROW(ERROR_FILENAME_EXCED_RANGE, "The file name or extension is too long"),
    ROW(ERROR_FILE_TOO_LARGE, "The file size exceeds the limit allowed and cannot be saved"),
    ROW(ERROR_BAD_PIPE, "The pipe state is invalid"),
    ROW(ERROR_PIPE_BUSY, "All pipe instances are busy"),
    ROW(ERROR_NO_DATA, "The pipe is being closed"),
    ROW(ERROR_PIPE_NOT_CONNECTED, "No process is on the other end of the pipe"),
    ROW(ERROR_MORE_DATA, "More data is available"),
    ROW(WAIT_TIMEOUT, "The wait operation timed out"),
    ROW(ERROR_NO_MORE_ITEMS, "No more data is available"),
    ROW(ERROR_DIRECTORY, "The directory name is invalid"),
    ROW(ERROR_NOT_OWNER, "The caller does not own the mutex it tried to release"),
    ROW(ERROR_TOO_MANY_POSTS, "Too many posts were made to a semaphore"),
    ROW(ERROR_PARTIAL_COPY, "Only part of a read or write request was completed"),
    ROW(ERROR_MR_MID_NOT_FOUND, "The system cannot find message text for message number %1"),
    ROW(ERROR_INVALID_ADDRESS, "Attempt to access an invalid address"),
    ROW(ERROR_ARITHMETIC_OVERFLOW, "The arithmetic result exceeded 32 bits"),
    ROW(ERROR_UNHANDLED_EXCEPTION, "An unhandled exception occurred"),
    ROW(ERROR_ABANDONED_WAIT_0, "The wait ended because a thread that owned the object ended"),
    ROW(ERROR_ELEVATION_REQUIRED, "The requested operation requires elevation"),
    ROW(ERROR_OPERATION_ABORTED, "The I/O operation has been aborted because of either a thread exit or an application request"),
    ROW(ERROR_IO_INCOMPLETE, "Overlapped I/O event is not in a signaled state"),
    ROW(ERROR_IO_PENDING, "Overlapped I/O operation is in progress"),
    ROW(ERROR_NOACCESS, "Invalid access to memory location"),
    ROW(ERROR_STACK_OVERFLOW, "Recursion too deep; the stack overflowed"),
    ROW(ERROR_INVALID_FLAGS, "Invalid flags"),
    ROW(ERROR_UNRECOGNIZED_VOLUME, "The volume does not contain a recognized file system"),
    ROW(ERROR_FILE_INVALID, "The volume for a file has been externally altered so that the opened file is no longer valid"),
    ROW(ERROR_CANTOPEN, "The configuration registry key could not be opened"),
    ROW(ERROR_CANTREAD, "The configuration registry key could not be read"),
    ROW(ERROR_CANTWRITE, "The configuration registry key could not be written"),
    ROW(ERROR_SERVICE_DOES_NOT_EXIST, "The specified service does not exist as an installed service"),
    ROW(ERROR_SERVICE_NOT_ACTIVE, "The service has not been started"),
    ROW(ERROR_VOLUME_NOT_SUPPORTED, "The volume does not support the operation"),
    ROW(ERROR_NO_UNICODE_TRANSLATION, "No mapping for the Unicode character exists in the target multi-byte code page"),
    ROW(ERROR_POSSIBLE_DEADLOCK, "A potential deadlock condition has been detected"),
    ROW(ERROR_TOO_MANY_LINKS, "An attempt was made to create more links on a file than the file system supports"),
    ROW(ERROR_NOT_FOUND, "Element not found"),
    ROW(ERROR_CANCELLED, "The operation was canceled by the user"),
    ROW(ERROR_REQUEST_ABORTED, "The request was aborted"),
    ROW(ERROR_PRIVILEGE_NOT_HELD, "A required privilege is not held by the client"),
    ROW(ERROR_INVALID_SID, "The security ID structure is invalid"),
    ROW(ERROR_INTERNAL_ERROR, "An internal error occurred"),
    ROW(ERROR_NO_SYSTEM_RESOURCES, "Insufficient system resources exist to complete the requested service"),
    ROW(ERROR_TIMEOUT, "This operation returned because the timeout period expired"),
    ROW(ERROR_FUNCTION_FAILED, "Function failed during execution"),
    ROW(ERROR_INVALID_USER_BUFFER, "The supplied user buffer is not valid for the requested operation"),
    ROW(ERROR_INVALID_DATATYPE, "The data type is invalid"),
    ROW(ERROR_RESOURCE_LANG_NOT_FOUND, "The specified resource language ID cannot be found in the image file"),
    ROW(ERROR_NOT_ENOUGH_QUOTA, "Not enough quota is available to process this command"),
    ROW(ERROR_CANT_RESOLVE_FILENAME, "The name of the file cannot be resolved by the system"),
    ROW(ERROR_DEVICE_IN_USE, "The device is in use by an active process and cannot be disconnected"),
    ROW(ERROR_NOT_A_REPARSE_POINT, "The file or directory is not a reparse point"),
};

static const struct message_row hresult_rows[] =
{
    /* common COM and Win32 codes */
    ROW(S_OK, "The operation completed successfully"),
    ROW(S_FALSE, "The operation completed, but not everything was done"),
    ROW(E_NOTIMPL, "The operation is not implemented"),
    ROW(E_NOINTERFACE, "No such interface is supported"),
    ROW(E_POINTER, "An invalid pointer was passed"),
    ROW(E_ABORT, "The operation was aborted"),
    ROW(E_FAIL, "Unspecified error"),
    ROW(E_UNEXPECTED, "Catastrophic failure"),
    ROW(E_ACCESSDENIED, "Access is denied"),
    ROW(E_HANDLE, "The handle is invalid"),
    ROW(E_OUTOFMEMORY, "Not enough memory is available to complete the operation"),
    ROW(E_INVALIDARG, "One or more arguments are invalid"),
    ROW(E_PENDING, "The data necessary to complete the operation is not yet available"),
    ROW(E_BOUNDS, "The operation attempted to access data outside the valid range"),
    ROW(CO_E_NOTINITIALIZED, "CoInitialize has not been called"),
    ROW(CO_E_ALREADYINITIALIZED, "CoInitialize has already been called"),
    ROW(REGDB_E_CLASSNOTREG, "The class is not registered"),
    ROW(CLASS_E_NOAGGREGATION, "The class does not support aggregation"),
    ROW(CLASS_E_CLASSNOTAVAILABLE, "The class factory cannot supply the requested class"),
    ROW(RPC_E_CHANGED_MODE, "Cannot change the thread mode after it is set"),
    ROW(RPC_E_TOO_LATE, "CoInitializeSecurity has already been called"),
    ROW(RPC_E_DISCONNECTED, "The object invoked has disconnected from its clients"),
    ROW(RPC_E_SERVERFAULT, "The server threw an exception"),

    /* VSS successes */
    ROW(VSS_S_ASYNC_PENDING, "The asynchronous operation is still running"),
    ROW(VSS_S_ASYNC_FINISHED, "The asynchronous operation has completed successfully"),
    ROW(VSS_S_ASYNC_CANCELLED, "The asynchronous operation has been cancelled"),
    ROW(VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED, "Some shadow copies were not imported"),

    /* VSS errors, in value order */
    ROW(VSS_E_BAD_STATE, "A function call was made when the object was in an incorrect state for that function"),
    ROW(VSS_E_UNEXPECTED, "A Volume Shadow Copy Service internal error occurred"),
    ROW(VSS_E_PROVIDER_ALREADY_REGISTERED, "The shadow copy provider is already registered"),
    ROW(VSS_E_PROVIDER_NOT_REGISTERED, "The shadow copy provider is not registered in the system"),
    ROW(VSS_E_PROVIDER_VETO, "The shadow copy provider had an error; see the trace for details"),
    ROW(VSS_E_PROVIDER_IN_USE, "The shadow copy provider is currently in use and cannot be unregistered"),
    ROW(VSS_E_OBJECT_NOT_FOUND, "The specified object was not found"),
    ROW(VSS_E_VOLUME_NOT_SUPPORTED, "Shadow copying the specified volume is not supported"),
    ROW(VSS_E_OBJECT_ALREADY_EXISTS, "The object already exists"),
    ROW(VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER, "The given shadow copy provider does not support shadow copying the specified volume"),
    ROW(VSS_E_UNEXPECTED_PROVIDER_ERROR, "The shadow copy provider had an unexpected error while trying to process the specified operation"),
    ROW(VSS_E_CORRUPT_XML_DOCUMENT, "The given XML document is malformed"),
    ROW(VSS_E_INVALID_XML_DOCUMENT, "The given XML document is not valid; it is either incorrectly formed XML or does not match the schema"),
    ROW(VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, "The maximum number of volumes for this operation has been reached"),
    ROW(VSS_E_FLUSH_WRITES_TIMEOUT, "The shadow copy provider timed out while flushing data to the volume being shadow copied"),
    ROW(VSS_E_HOLD_WRITES_TIMEOUT, "The shadow copy provider timed out while holding writes to the volume being shadow copied"),
    ROW(VSS_E_UNEXPECTED_WRITER_ERROR, "A writer returned an unexpected error"),
    ROW(VSS_E_SNAPSHOT_SET_IN_PROGRESS, "Another shadow copy creation is already in progress; wait a few moments and try again"),
    ROW(VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, "The specified volume has already reached its maximum number of shadow copies"),
    ROW(VSS_E_WRITER_INFRASTRUCTURE, "An error was detected in the Volume Shadow Copy Service writer infrastructure"),
    ROW(VSS_E_WRITER_NOT_RESPONDING, "A writer did not respond in time"),
    ROW(VSS_E_WRITER_ALREADY_SUBSCRIBED, "The writer has already successfully called the Subscribe function"),
    ROW(VSS_E_UNSUPPORTED_CONTEXT, "The shadow copy provider does not support the specified shadow copy context"),
    ROW(VSS_E_VOLUME_IN_USE, "The volume is in use and cannot be locked"),
    ROW(VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED, "The maximum number of shadow copy storage associations has been reached"),
    ROW(VSS_E_INSUFFICIENT_STORAGE, "There is insufficient storage available to create either the shadow copy storage file or other shadow copy data"),
    ROW(VSS_E_NO_SNAPSHOTS_IMPORTED, "No shadow copies were successfully imported"),
    ROW(VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED, "Some shadow copies were not successfully imported"),
    ROW(VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED, "The maximum number of remote machines for this operation has been reached"),
    ROW(VSS_E_REMOTE_SERVER_UNAVAILABLE, "The remote server is unavailable"),
    ROW(VSS_E_REMOTE_SERVER_UNSUPPORTED, "The remote server is running a version of the Volume Shadow Copy Service that does not support remote shadow copy creation"),
    ROW(VSS_E_REVERT_IN_PROGRESS, "A revert is currently in progress for the specified volume"),
    ROW(VSS_E_REVERT_VOLUME_LOST, "The volume being reverted was lost during revert"),
    ROW(VSS_E_REBOOT_REQUIRED, "A reboot is required after completing this operation"),
    ROW(VSS_E_TRANSACTION_FREEZE_TIMEOUT, "A timeout occurred while freezing a transaction manager"),
    ROW(VSS_E_TRANSACTION_THAW_TIMEOUT, "Too much time elapsed between freezing a transaction manager and thawing it"),
    ROW(VSS_E_UNSELECTED_VOLUME, "The volume being recovered is not part of the selected set"),
    ROW(VSS_E_SNAPSHOT_NOT_IN_SET, "The specified shadow copy is not part of the shadow copy set"),
    ROW(VSS_E_NESTED_VOLUME_LIMIT, "The volume is nested too deeply to be shadow copied"),
    ROW(VSS_E_VOLUME_NOT_LOCAL, "The volume is not local to this machine"),
    ROW(VSS_E_CLUSTER_TIMEOUT, "A cluster operation timed out"),
    ROW(VSS_E_NOT_SUPPORTED, "The requested operation is not supported"),
    ROW(VSS_E_WRITERERROR_PARTIAL_FAILURE, "The writer reported failures for some of its components"),
    ROW(VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT, "The shadow copy set does not contain all the volumes the writer needs"),
    ROW(VSS_E_WRITERERROR_OUTOFRESOURCES, "The writer ran out of memory or other system resources"),
    ROW(VSS_E_WRITERERROR_TIMEOUT, "The writer timed out between the Freeze and Thaw events"),
    ROW(VSS_E_WRITERERROR_RETRYABLE, "The writer had a transient error; retrying the backup may succeed"),
    ROW(VSS_E_WRITERERROR_NONRETRYABLE, "The writer had a non-transient error; retrying the backup will not help"),
    ROW(VSS_E_WRITERERROR_RECOVERY_FAILED, "The writer failed to recover the shadow copy volume"),
    ROW(VSS_E_BREAK_REVERT_ID_FAILED, "The identity of a broken shadow copy volume could not be reverted"),
    ROW(VSS_E_LEGACY_PROVIDER, "This version of the hardware provider does not support this operation"),
    ROW(VSS_E_MISSING_DISK, "An expected disk did not arrive in the system"),
    ROW(VSS_E_MISSING_HIDDEN_VOLUME, "An expected hidden volume did not arrive in the system"),
    ROW(VSS_E_MISSING_VOLUME, "An expected volume did not arrive in the system"),
    ROW(VSS_E_AUTORECOVERY_FAILED, "The auto-recovery of the shadow copy failed"),
    ROW(VSS_E_DYNAMIC_DISK_ERROR, "An error occurred while processing a dynamic disk"),
    ROW(VSS_E_NONTRANSPORTABLE_BCD, "The given Backup Components Document is for a non-transportable shadow copy"),
    ROW(VSS_E_CANNOT_REVERT_DISKID, "The disk identity could not be reverted"),
    ROW(VSS_E_RESYNC_IN_PROGRESS, "A LUN resynchronization is already in progress"),
    ROW(VSS_E_CLUSTER_ERROR, "A clustered volume operation failed"),
    ROW(VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED, "There are too few disks on this computer or one or more of the disks is too small"),
    ROW(VSS_E_ASRERROR_DISK_RECREATION_FAILED, "The disk configuration could not be recreated"),
    ROW(VSS_E_ASRERROR_NO_ARCPATH, "The computer needs to be restarted to finish preparing a hard disk for restore"),
    ROW(VSS_E_ASRERROR_MISSING_DYNDISK, "The backup contains a dynamic disk that is missing"),
    ROW(VSS_E_ASRERROR_SHARED_CRIDISK, "A critical disk is shared with another computer"),
    ROW(VSS_E_ASRERROR_DATADISK_RDISK0, "A data disk is currently set as active in BIOS"),
    ROW(VSS_E_ASRERROR_RDISK0_TOOSMALL, "The disk that is set as active in BIOS is too small to recover the original system disk"),
    ROW(VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL, "There is not enough disk space on the system to perform the restore"),
    ROW(VSS_E_WRITER_STATUS_NOT_AVAILABLE, "The writer status is not available for one or more writers"),
    ROW(VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED, "A dynamic virtual hard disk cannot be used as a restore target"),
    ROW(VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK, "A critical volume is on a disk that cannot be restored"),
    ROW(VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND, "No disk suitable for the system disk was found"),
    ROW(VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE, "No physical disk is available to restore to"),
    ROW(VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION, "A fixed disk is available only if disk exclusion is changed"),
    ROW(VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED, "A critical disk cannot be excluded from the restore"),
    ROW(VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN, "The system partition is hidden or has a drive letter assigned"),
    ROW(VSS_E_FSS_TIMEOUT, "The file share shadow copy agent timed out"),
};

static const struct message_row *find_row(const struct message_row *rows, size_t count, DWORD code)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (rows[i].code == code) return &rows[i];
    return NULL;
}

static int lookup(const struct message_row *row, const char **name, const char **text)
{
    if (name) *name = row ? row->name : NULL;
    if (text) *text = row ? row->text : NULL;
    return row ? 0 : -ENOENT;
}

int umbra_win32_message(DWORD code, const char **name, const char **text)
{
    return lookup(find_row(win32_rows, ARRAYSIZE(win32_rows), code), name, text);
}

int umbra_hresult_message(HRESULT hr, const char **name, const char **text)
{
    return lookup(find_row(hresult_rows, ARRAYSIZE(hresult_rows), (DWORD)hr), name, text);
}
