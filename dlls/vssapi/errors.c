/*
 * errors.c: the errno -> HRESULT table of the API boundary, and the name and
 * one-line text of every VSS HRESULT and of the common COM ones.
 *
 * How a result is mapped: the rows for the caller's context are searched
 * first, then the rows every context shares, then the context's fallback
 * (what an unexplained failure of that kind of work is, e.g.
 * VSS_E_UNEXPECTED_PROVIDER_ERROR for a provider step).  The codes each API
 * method may return are VSS-FACTS.md §2.3's; their meanings §3.1's.  Rows
 * marked [U] are the natural choice where Microsoft documents no code for
 * that exact case.
 *
 * The texts are our own words, written to read well after "Error: " in
 * vssadmin's output; the names are Microsoft's symbols.
 */
#include <errno.h>
#include <stdio.h>
#include <windows.h>
#include <vss.h>
#include "errors.h"

struct errno_row
{
    enum err_context ctx;
    int err;            /* positive errno */
    HRESULT hr;
};

#define ANY ERRCTX_COUNT  /* a row that holds in every context */

static const struct errno_row errno_rows[] =
{
    /* documents */
    { ERRCTX_XML, EBADMSG, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, EPROTO, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, E2BIG, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, EILSEQ, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, EINVAL, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, ENOENT, VSS_E_INVALID_XML_DOCUMENT },

    /* volume names (DESIGN.md §3; R16) */
    { ERRCTX_VOLUME, ENOTDIR, VSS_E_OBJECT_NOT_FOUND },
    { ERRCTX_VOLUME, ENODEV, VSS_E_OBJECT_NOT_FOUND },
    { ERRCTX_VOLUME, ENAMETOOLONG, E_INVALIDARG },
    { ERRCTX_VOLUME, EILSEQ, E_INVALIDARG },
    { ERRCTX_VOLUME, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED },

    /* provider steps (provider.h's errno contract) */
    { ERRCTX_PROVIDER, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER },
    { ERRCTX_PROVIDER, EBUSY, VSS_E_PROVIDER_VETO },
    { ERRCTX_PROVIDER, EROFS, VSS_E_PROVIDER_VETO },
    { ERRCTX_PROVIDER, EINVAL, VSS_E_UNEXPECTED_PROVIDER_ERROR },

    /* R12: one snapshot set in creation per machine */
    { ERRCTX_SET_LOCK, EBUSY, VSS_E_SNAPSHOT_SET_IN_PROGRESS },
    { ERRCTX_SET_LOCK, EAGAIN, VSS_E_SNAPSHOT_SET_IN_PROGRESS },
    { ERRCTX_SET_LOCK, ETIMEDOUT, VSS_E_SNAPSHOT_SET_IN_PROGRESS },

    /* §1.5 flush-and-hold window */
    { ERRCTX_FLUSH, ETIMEDOUT, VSS_E_FLUSH_WRITES_TIMEOUT },
    { ERRCTX_FLUSH, EBUSY, VSS_E_PROVIDER_VETO },
    { ERRCTX_HOLD, ETIMEDOUT, VSS_E_HOLD_WRITES_TIMEOUT },
    { ERRCTX_HOLD, EBUSY, VSS_E_PROVIDER_VETO },

    /* DeleteSnapshots: +NF +PROV */
    { ERRCTX_DELETE, EBUSY, VSS_E_PROVIDER_VETO },
    { ERRCTX_DELETE, EOPNOTSUPP, VSS_E_PROVIDER_VETO },

    /* ExposeSnapshot / UnexposeSnapshot: +NF +PROV */
    { ERRCTX_EXPOSE, EEXIST, VSS_E_OBJECT_ALREADY_EXISTS },       /* [U] target in use */
    { ERRCTX_EXPOSE, ENOTEMPTY, VSS_E_OBJECT_ALREADY_EXISTS },    /* [U] */
    { ERRCTX_EXPOSE, ENOTDIR, E_INVALIDARG },
    { ERRCTX_EXPOSE, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED },
    { ERRCTX_EXPOSE, EBUSY, VSS_E_PROVIDER_VETO },

    /* R29 */
    { ERRCTX_REVERT, EBUSY, VSS_E_VOLUME_IN_USE },
    { ERRCTX_REVERT, EOPNOTSUPP, E_NOTIMPL },
    { ERRCTX_REVERT, EALREADY, VSS_E_REVERT_IN_PROGRESS },
    { ERRCTX_REVERT, EINPROGRESS, VSS_E_REVERT_IN_PROGRESS },
    { ERRCTX_REVERT, ENODEV, VSS_E_REVERT_VOLUME_LOST },

    /* writers (DESIGN.md §4) */
    { ERRCTX_WRITER, ETIMEDOUT, VSS_E_WRITER_NOT_RESPONDING },
    { ERRCTX_WRITER, ECONNRESET, VSS_E_WRITER_NOT_RESPONDING },
    { ERRCTX_WRITER, EPIPE, VSS_E_WRITER_NOT_RESPONDING },
    { ERRCTX_WRITER, ECONNREFUSED, VSS_E_WRITER_NOT_RESPONDING },

    /* snapshot records */
    { ERRCTX_CATALOGUE, EBUSY, VSS_E_PROVIDER_IN_USE },            /* [U] another process holds it */

    /* every context */
    { ANY, ENOMEM, E_OUTOFMEMORY },
    { ANY, EPERM, E_ACCESSDENIED },
    { ANY, EACCES, E_ACCESSDENIED },
    { ANY, EINVAL, E_INVALIDARG },
    { ANY, ENOENT, VSS_E_OBJECT_NOT_FOUND },
    { ANY, EEXIST, VSS_E_OBJECT_ALREADY_EXISTS },
    { ANY, ENOSPC, VSS_E_INSUFFICIENT_STORAGE },
    { ANY, EDQUOT, VSS_E_INSUFFICIENT_STORAGE },
    { ANY, ELOOP, VSS_E_NESTED_VOLUME_LIMIT },
    { ANY, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED },
    { ANY, EBUSY, VSS_E_VOLUME_IN_USE },
};

/* What an errno no row explains means in each context. */
static const HRESULT fallback[ERRCTX_COUNT] =
{
    [ERRCTX_DEFAULT] = VSS_E_UNEXPECTED,
    [ERRCTX_XML] = VSS_E_INVALID_XML_DOCUMENT,
    [ERRCTX_VOLUME] = VSS_E_UNEXPECTED,
    [ERRCTX_PROVIDER] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_SET_LOCK] = VSS_E_UNEXPECTED,
    [ERRCTX_FLUSH] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_HOLD] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_DELETE] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_EXPOSE] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_REVERT] = E_FAIL,
    [ERRCTX_WRITER] = VSS_E_WRITER_INFRASTRUCTURE,
    [ERRCTX_CATALOGUE] = VSS_E_UNEXPECTED,
};

HRESULT hresult_from_errno(int err, enum err_context ctx)
{
    unsigned int i;

    if (!err) return S_OK;
    if (err < 0) err = -err;
    if ((unsigned int)ctx >= ERRCTX_COUNT) ctx = ERRCTX_DEFAULT;

    for (i = 0; i < sizeof(errno_rows) / sizeof(errno_rows[0]); i++)
        if (errno_rows[i].ctx == ctx && errno_rows[i].err == err) return errno_rows[i].hr;
    for (i = 0; i < sizeof(errno_rows) / sizeof(errno_rows[0]); i++)
        if (errno_rows[i].ctx == ANY && errno_rows[i].err == err) return errno_rows[i].hr;
    return fallback[ctx];
}

struct hresult_row
{
    HRESULT hr;
    const char *name;
    const char *text;
};

#define ROW(code, text) { code, #code, text }

static const struct hresult_row hresult_rows[] =
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

static const struct hresult_row *find_row(HRESULT hr)
{
    unsigned int i;

    for (i = 0; i < sizeof(hresult_rows) / sizeof(hresult_rows[0]); i++)
        if (hresult_rows[i].hr == hr) return &hresult_rows[i];
    return NULL;
}

const char *hresult_name(HRESULT hr)
{
    const struct hresult_row *row = find_row(hr);
    return row ? row->name : NULL;
}

const char *hresult_text(HRESULT hr)
{
    const struct hresult_row *row = find_row(hr);
    return row ? row->text : "Unknown error";
}

const char *debugstr_hr(HRESULT hr)
{
    static __thread char buf[4][16];
    static __thread unsigned int next;
    const char *name = hresult_name(hr);
    char *ret;

    if (name) return name;
    ret = buf[next++ % 4];
    snprintf(ret, sizeof(buf[0]), "0x%08X", (unsigned int)hr);
    return ret;
}

const char *umbra_hresult_name(HRESULT hr)
{
    return hresult_name(hr);
}

const char *umbra_hresult_text(HRESULT hr)
{
    return hresult_text(hr);
}
