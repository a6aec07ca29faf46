/*
 * service_proto.h: what a requester (service_client.c) and vsssvc
 * (service_server.c) say to each other over $VSS_RUNTIME_DIR/vsssvc.sock
 * (DESIGN.md §4), on top of wire.h's encoding and transport.h's frames.
 *
 * A connection carries one session: one requester object inside the service.
 *
 *   HELLO    ST_PROTOCOL, ST_PID, ST_WAIT_FOR_SET [, ST_SESSION] -> reply
 *            S_OK, or E_ACCESSDENIED (then the service closes the
 *            connection).
 *   CALL     ST_METHOD (the IVssBackupComponentsEx4 vtable slot), the
 *            arguments, ST_NULL_OUTS -> reply: the method's HRESULT as status
 *            and its out parameters.
 *   ASYNC    ST_ASYNC_ID (from a CALL reply), ST_ASYNC_OP: WAIT (ST_TIMEOUT,
 *            at most SVC_WAIT_SLICE_MS, so that the connection is never held
 *            for long; the reply has ST_ASYNC_STATUS too), STATUS (reply
 *            ST_ASYNC_STATUS), CANCEL (reply status is Cancel's HRESULT),
 *            RELEASE.
 *   RELEASE  the requester released its object: the session drops its
 *            reference before the reply, which (unless an operation still
 *            holds the object, as in-process) deletes its auto-release
 *            snapshots and sends BackupShutdown.
 *
 * Requests are answered in order, one at a time; a reply has the request's
 * type | WIRE_REPLY and its id.  Anything else -- a message the decoder
 * refuses, a request before HELLO, a second HELLO, a reply sent to the
 * service, an unknown type, method or operation id, a malformed argument --
 * is answered with WIRE_ERROR (E_INVALIDARG or VSS_E_BAD_STATE) and the
 * connection is closed, as is one that stalls inside a frame, announces
 * a frame past the limit, or says no hello in time.
 *
 * Arguments and results.  The n-th parameter of a method (0-based, the
 * interface pointer not counted) travels as tag ST_ARG + n, its result as
 * ST_OUT + n.  GUIDs are GUID fields, integers and booleans u32, VSS_TIMESTAMP
 * u64, strings UTF-8 (an absent field is a NULL string), arrays of GUIDs one
 * bytes field of 16 bytes each (absent: a NULL array).  ST_NULL_OUTS has bit
 * n set when the caller passed NULL for out parameter n, so that the service
 * passes NULL too and the method answers exactly as it does in-process.
 * A result the method did not write has no field; one it set to NULL is a u32
 * 0; objects come back as what they are made of: an operation's id, the
 * writer metadata document, the writer's part of the backup components
 * document (with ST_INSTANCE_ID and ST_WRITER_ID), or one ST_RECORD per
 * VSS_OBJECT_PROP of an enumeration.  A record is itself a wire body
 * (type 0) with the RT_* fields below.
 *
 * Functions return 0 or a negative errno unless they say otherwise.
 */
#ifndef UMBRA_VSSAPI_SERVICE_PROTO_H
#define UMBRA_VSSAPI_SERVICE_PROTO_H

#include <stdint.h>
#include <windows.h>
#include <vss.h>
#include <vsmgmt.h>
#include "wire.h"

#define SVC_SOCKET_NAME         "vsssvc.sock"
/* Where the system's service listens when VSS_RUNTIME_DIR does not say */
#define SVC_SYSTEM_RUNTIME_DIR  "/run/vss"
#define SVC_PROTOCOL_VERSION    1

#define SVC_CONNECT_TIMEOUT_MS  2000    /* connect() to a listening socket */
#define SVC_HELLO_TIMEOUT_MS    30000   /* the hello's answer (a socket-activated start included) */
#define SVC_HELLO_WAIT_MS       10000   /* the service waits this long for a hello */
#define SVC_FRAME_TIMEOUT_MS    10000   /* a frame, once begun, must be whole in this time */
#define SVC_SEND_TIMEOUT_MS     30000
#define SVC_WAIT_SLICE_MS       1000
#define SVC_MAX_GUIDS           (1u << 20)   /* Disable/EnableWriter* arrays */

enum svc_tag
{
    ST_PROTOCOL = WT_SVC_FIRST,         /* u32 SVC_PROTOCOL_VERSION */
    ST_PID,                             /* u32: the requester's pid, for the log */
    ST_WAIT_FOR_SET,                    /* u32: the requester's VSS_WAIT_FOR_SET, seconds */
    ST_METHOD,                          /* u32 enum svc_method */
    ST_NULL_OUTS,                       /* u32 bit mask of parameter positions */
    ST_ASYNC_ID,                        /* u32 */
    ST_ASYNC_OP,                        /* u32 enum svc_async_op */
    ST_TIMEOUT,                         /* u32 ms */
    ST_ASYNC_STATUS,                    /* u32 HRESULT: QueryStatus's answer */
    ST_INSTANCE_ID,                     /* GUID: GetWriterComponents' writer instance */
    ST_WRITER_ID,                       /* GUID: its writer class */
    ST_RECORD,                          /* bytes, repeated: a VSS_OBJECT_PROP */
    /* snapshot management sessions (below) */
    ST_SESSION,                         /* u32 enum svc_session_kind, in HELLO; absent: backup */
    ST_PROVIDER,                        /* GUID: the provider of a shadow-storage method */
    ST_ARG = WT_SVC_FIRST + 0x40,       /* + parameter position */
    ST_OUT = WT_SVC_FIRST + 0x80,       /* + parameter position */
};
#define SVC_MAX_PARAMS 16

/* Fields of a record. */
enum svc_record_tag
{
    RT_TYPE = 1,                        /* u32 VSS_OBJECT_TYPE */
    RT_SNAPSHOT_ID,
    RT_SET_ID,
    RT_SNAPSHOTS_COUNT,
    RT_DEVICE,
    RT_ORIGINAL_VOLUME,
    RT_ORIGINATING_MACHINE,
    RT_SERVICE_MACHINE,
    RT_EXPOSED_NAME,
    RT_EXPOSED_PATH,
    RT_PROVIDER_ID,
    RT_ATTRIBUTES,
    RT_TIMESTAMP,                       /* u64 */
    RT_STATUS,
    RT_PROVIDER_NAME,
    RT_PROVIDER_TYPE,
    RT_PROVIDER_VERSION,
    RT_PROVIDER_VERSION_ID,
    RT_CLASS_ID,
    /* a VSS_MGMT_OBJECT_PROP (RT_TYPE its VSS_MGMT_OBJECT_TYPE) */
    RT_VOLUME_NAME,
    RT_DISPLAY_NAME,
    RT_DIFF_VOLUME_NAME,
    RT_SPACE_1,                         /* u64: free / maximum */
    RT_SPACE_2,                         /* u64: total / allocated */
    RT_SPACE_3,                         /* u64: used */
};

enum svc_async_op
{
    SVC_ASYNC_WAIT = 1,
    SVC_ASYNC_STATUS,
    SVC_ASYNC_CANCEL,
    SVC_ASYNC_RELEASE,
};

/* The methods, by vtable slot of IVssBackupComponentsEx4 (VSS-FACTS.md §2.3). */
enum svc_method
{
    SVC_GetWriterComponentsCount = 3,
    SVC_GetWriterComponents,
    SVC_InitializeForBackup,
    SVC_SetBackupState,
    SVC_InitializeForRestore,
    SVC_SetRestoreState,
    SVC_GatherWriterMetadata,
    SVC_GetWriterMetadataCount,
    SVC_GetWriterMetadata,
    SVC_FreeWriterMetadata,
    SVC_AddComponent,
    SVC_PrepareForBackup,
    SVC_AbortBackup,
    SVC_GatherWriterStatus,
    SVC_GetWriterStatusCount,
    SVC_FreeWriterStatus,
    SVC_GetWriterStatus,
    SVC_SetBackupSucceeded,
    SVC_SetBackupOptions,
    SVC_SetSelectedForRestore,
    SVC_SetRestoreOptions,
    SVC_SetAdditionalRestores,
    SVC_SetPreviousBackupStamp,
    SVC_SaveAsXML,
    SVC_BackupComplete,
    SVC_AddAlternativeLocationMapping,
    SVC_AddRestoreSubcomponent,
    SVC_SetFileRestoreStatus,
    SVC_AddNewTarget,
    SVC_SetRangesFilePath,
    SVC_PreRestore,
    SVC_PostRestore,
    SVC_SetContext,
    SVC_StartSnapshotSet,
    SVC_AddToSnapshotSet,
    SVC_DoSnapshotSet,
    SVC_DeleteSnapshots,
    SVC_ImportSnapshots,
    SVC_BreakSnapshotSet,
    SVC_GetSnapshotProperties,
    SVC_Query,
    SVC_IsVolumeSupported,
    SVC_DisableWriterClasses,
    SVC_EnableWriterClasses,
    SVC_DisableWriterInstances,
    SVC_ExposeSnapshot,
    SVC_RevertToSnapshot,
    SVC_QueryRevertStatus,
    SVC_GetWriterMetadataEx,            /* Ex */
    SVC_SetSelectedForRestoreEx,
    SVC_UnexposeSnapshot,               /* Ex2 */
    SVC_SetAuthoritativeRestore,
    SVC_SetRollForward,
    SVC_SetRestoreName,
    SVC_BreakSnapshotSetEx,
    SVC_PreFastRecovery,
    SVC_FastRecovery,
    SVC_GetWriterStatusEx,              /* Ex3 */
    SVC_AddSnapshotToRecoverySet,
    SVC_RecoverSet,
    SVC_GetSessionId,
    SVC_GetRootAndLogicalPrefixPaths,   /* Ex4 */
    SVC_METHOD_END
};

/* Snapshot management (VssSnapshotMgmt and the providers' shadow-storage
 * interface, mgmt.c).  A HELLO with ST_SESSION SVC_SESSION_MGMT opens a
 * session whose object is a VssSnapshotMgmt instead of a requester object;
 * its CALLs use only these method ids, with the parameter positions of
 * IVssSnapshotMgmt and IVssDifferentialSoftwareSnapshotMgmt3, the latter's
 * with ST_PROVIDER naming whose interface runs them.  Enumerations come back
 * as ST_RECORDs (VSS_MGMT_OBJECT_PROP for IVssEnumMgmtObject), the
 * VSS_VOLUME_PROTECTION_INFO as a bytes field of six u32 (little-endian).
 * Methods Microsoft documents as not supported, and GetMinDiffAreaSize (a
 * constant), are answered by the proxy without a round trip. */
enum svc_session_kind
{
    SVC_SESSION_BACKUP = 0,
    SVC_SESSION_MGMT,
};

enum svc_mgmt_method
{
    SVC_MGMT_FIRST = 0x100,
    SVC_GetProviderMgmtInterface = SVC_MGMT_FIRST,  /* reply: S_OK or why not; no object */
    SVC_QueryVolumesSupportedForSnapshots,
    SVC_QuerySnapshotsByVolume,
    SVC_AddDiffArea,                    /* IVssDifferentialSoftwareSnapshotMgmt */
    SVC_ChangeDiffAreaMaximumSize,
    SVC_QueryVolumesSupportedForDiffAreas,
    SVC_QueryDiffAreasForVolume,
    SVC_QueryDiffAreasOnVolume,
    SVC_QueryDiffAreasForSnapshot,
    SVC_ChangeDiffAreaMaximumSizeEx,    /* Mgmt2 */
    SVC_SetVolumeProtectLevel,          /* Mgmt3 */
    SVC_GetVolumeProtectLevel,
    SVC_ClearVolumeProtectFault,
    SVC_DeleteUnusedDiffAreas,
    SVC_MGMT_END
};

/* "DoSnapshotSet" ...; "?" for a number that is no method. */
const char *svc_method_name(unsigned int method);
/* "Hello" ... for the service types, else wire_type_name(). */
const char *svc_type_name(unsigned int type);

/* Methods that change or mount volumes rather than back them up: on Windows
 * they need an administrator, not only backup rights, so the service runs
 * them only for root (E_ACCESSDENIED for members of the backup group). */
int svc_method_needs_admin(unsigned int method);

/* Set the status (HRESULT) of a message being built, once its result is
 * known (the header is the first WIRE_HEADER_SIZE bytes, wire.h). */
void svc_set_status(struct wire_builder *b, HRESULT status);

/* A WCHAR string as a UTF-8 field (NULL: no field); -EILSEQ if it is not
 * Unicode.  The builder's error is set too, so a later finish fails. */
int svc_put_wstr(struct wire_builder *b, uint16_t tag, const WCHAR *str);
/* An array of count GUIDs as one bytes field (NULL: no field). */
void svc_put_guids(struct wire_builder *b, uint16_t tag, const GUID *ids, unsigned int count);
/* Its decoding: *ids malloc'd (NULL for no field); -EBADMSG unless the field
 * holds exactly count GUIDs. */
int svc_get_guids(const struct wire_msg *msg, uint16_t tag, unsigned int count, GUID **ids);

/* A result that is NULL (see above). */
void svc_put_null(struct wire_builder *b, uint16_t tag);
/* What a result field says: -ENOENT no field (not written), 1 NULL (a u32
 * 0, so objects sent as u32 use non-zero values), 0 a value of the expected
 * kind, -EBADMSG another kind. */
int svc_result_kind(const struct wire_msg *msg, uint16_t tag, uint16_t kind);

/* A record: one VSS_OBJECT_PROP (snapshot or provider) as a bytes field. */
int svc_put_record(struct wire_builder *b, uint16_t tag, const VSS_OBJECT_PROP *prop);
/* Decode a record into prop, strings CoTaskMemAlloc'd: S_OK,
 * E_OUTOFMEMORY, or E_INVALIDARG for a malformed one (prop zeroed). */
HRESULT svc_get_record(const void *data, size_t len, VSS_OBJECT_PROP *prop);

/* The same for one VSS_MGMT_OBJECT_PROP (volume, diff volume, diff area). */
int svc_put_mgmt_record(struct wire_builder *b, uint16_t tag, const VSS_MGMT_OBJECT_PROP *prop);
HRESULT svc_get_mgmt_record(const void *data, size_t len, VSS_MGMT_OBJECT_PROP *prop);

#endif
