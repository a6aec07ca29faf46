/*
 * backup_private.h: the requester object (IVssBackupComponents through Ex4)
 * shared by its four source files:
 *   backup.c           the object, its lifetime, QueryInterface, the vtable,
 *                      initialisation, SetContext and the state checks;
 *   backup_writers.c   writer metadata and status, components, the backup
 *                      events (PrepareForBackup, BackupComplete, AbortBackup);
 *   backup_restore.c   the restore side (InitializeForRestore's setters,
 *                      PreRestore, PostRestore) and revert;
 *   backup_snapshot.c  snapshot sets and snapshots (StartSnapshotSet ...
 *                      DoSnapshotSet, Delete, Query, Expose) and the
 *                      hardware-only methods.
 *
 * State.  The object is used from one thread at a time (as on Windows), but
 * its asynchronous operations run on threads of their own (async.h): every
 * method takes `lock`, and an operation in flight sets BACKUP_BUSY so that
 * calls that would touch the coordinator or the document meanwhile get
 * VSS_E_BAD_STATE.  The long part of an operation runs without the lock.
 */
#ifndef UMBRA_VSSAPI_BACKUP_PRIVATE_H
#define UMBRA_VSSAPI_BACKUP_PRIVATE_H

#include <pthread.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "async.h"
#include "bcd.h"
#include "catalogue.h"
#include "coordinator.h"
#include "errors.h"
#include "setlock.h"
#include "volume.h"
#include "providers/provider.h"

/* VSS-FACTS.md §3.5 */
#define MAX_VOLUMES_PER_SET 64
#define MAX_SNAPSHOTS_PER_VOLUME 512
#define DEFAULT_MAX_CLIENT_ACCESSIBLE 64

enum backup_mode
{
    MODE_NONE,                  /* not initialised yet (R2) */
    MODE_BACKUP,
    MODE_RESTORE,
};

/* backup.flags */
#define BACKUP_CONTEXT_SET      0x0001  /* SetContext was called (R3) */
#define BACKUP_STATE_SET        0x0002  /* SetBackupState (R17) */
#define BACKUP_METADATA         0x0004  /* GatherWriterMetadata finished (R6) */
#define BACKUP_METADATA_ASKED   0x0008  /* GatherWriterMetadata was called (R5: once) */
#define BACKUP_METADATA_FREED   0x0010
#define BACKUP_STATUS           0x0020  /* GatherWriterStatus finished (R7) */
#define BACKUP_PREPARED         0x0040  /* PrepareForBackup called (R10, R17) */
#define BACKUP_COMPLETED        0x0080  /* BackupComplete called (R1, R20) */
#define BACKUP_PRE_RESTORED     0x0100  /* PreRestore called (R28) */
#define BACKUP_POST_RESTORED    0x0200
#define BACKUP_ABORTED          0x0400  /* AbortBackup after a set was started */
#define BACKUP_BUSY             0x0800  /* an asynchronous operation runs */
#define BACKUP_IMPORT_BCD       0x1000  /* InitializeForBackup got a document (R24) */

enum set_state
{
    SET_NONE,                   /* no StartSnapshotSet yet */
    SET_STARTED,                /* volumes may be added (R11, R13) */
    SET_CREATING,               /* DoSnapshotSet runs */
    SET_CREATED,                /* DoSnapshotSet succeeded (R19, R20) */
    SET_FAILED,                 /* DoSnapshotSet failed or was cancelled */
};

/* One volume of the set being built. */
struct set_volume
{
    char *name;                         /* as the caller gave it, UTF-8 */
    struct vss_volume volume;
    const struct provider *provider;
    GUID snapshot_id;
    struct provider_snapshot snap;      /* during DoSnapshotSet */
    struct snapshot_record *record;     /* written "creating" before the commit */
    int prepared;                       /* begin_prepare succeeded */
};

/* A writer's metadata as GatherWriterMetadata found it (only writers whose
 * Identify succeeded, VSS-FACTS.md §1.2 step 6). */
struct writer_metadata
{
    GUID instance_id;
    GUID class_id;
    char *instance_name;
    char *wmd;                          /* UTF-8 XML */
};

/* A writer's status as GatherWriterStatus found it. */
struct writer_status
{
    GUID instance_id;
    GUID class_id;
    char *name;
    VSS_WRITER_STATE state;
    HRESULT failure;
    HRESULT app_failure;
    char *app_message;
};

struct backup
{
    IVssBackupComponentsEx4 IVssBackupComponentsEx4_iface;
    LONG refcount;
    pthread_mutex_t lock;

    enum backup_mode mode;
    unsigned int flags;
    LONG context;                       /* VSS_SNAPSHOT_CONTEXT (+ attribute bits) */
    struct coordinator *coordinator;
    struct bcd *bcd;

    struct writer_metadata *metadata;
    unsigned int metadata_count;
    struct writer_status *status;
    unsigned int status_count;

    /* the snapshot set (backup_snapshot.c) */
    enum set_state set_state;
    GUID set_id;
    struct vss_setlock *setlock;
    struct set_volume *volumes;
    unsigned int volume_count;
    HRESULT set_result;                 /* why SET_FAILED */
};

static inline struct backup *impl_from_IVssBackupComponentsEx4(IVssBackupComponentsEx4 *iface)
{
    return CONTAINING_RECORD(iface, struct backup, IVssBackupComponentsEx4_iface);
}

/* Every method is declared with the most derived interface; the vtable is
 * that of IVssBackupComponentsEx4, whose prefix is each base's vtable. */
#define BACKUP_THIS IVssBackupComponentsEx4 *iface

void backup_lock(struct backup *backup);
void backup_unlock(struct backup *backup);
void backup_addref(struct backup *backup);
void backup_release(struct backup *backup);

/* Writer-involving contexts: BACKUP, APP_ROLLBACK, CLIENT_ACCESSIBLE_WRITERS
 * (no VSS_VOLSNAP_ATTR_NO_WRITERS bit; VSS-FACTS.md §3.3). */
int backup_writers_involved(const struct backup *backup);

/* Start op on its own thread with a reference on backup and BACKUP_BUSY set;
 * the op clears nothing itself: async_done below does.  Called locked. */
HRESULT backup_start_async(struct backup *backup, HRESULT (*op)(struct backup *backup, struct async_op *async),
                           IVssAsync **out);

/* Tell the coordinator what every event carries about this backup (set id,
 * context, SetBackupState/SetRestoreState).  Called locked. */
void backup_sync_state(struct backup *backup);
/* Run a document event (PrepareForBackup, BackupComplete, PreRestore,
 * PostRestore) from an operation; the coordinator takes back what the
 * writers changed.  Called without the lock (BACKUP_BUSY keeps others out). */
HRESULT backup_run_bcd_event(struct backup *backup, HRESULT (*event)(struct coordinator *c, struct bcd *bcd));
/* The BCD as UTF-8 text for an event (malloc'd). */
HRESULT backup_bcd_text(struct backup *backup, char **text);

/* Component lookup shared by the setters: VSS_E_OBJECT_NOT_FOUND or S_OK. */
HRESULT backup_find_component(struct backup *backup, const GUID *instance_id, const GUID *writer_id,
                              VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name,
                              struct bcd_component **out);

/* Set cleanup at Release (backup_snapshot.c): abort a set in creation, drop
 * the lock, delete auto-release snapshots (R32). */
void backup_snapshot_release(struct backup *backup);
void backup_writers_free(struct backup *backup);

/* The methods, in vtable order. */
HRESULT STDMETHODCALLTYPE backup_GetWriterComponentsCount(BACKUP_THIS, UINT *count);
HRESULT STDMETHODCALLTYPE backup_GetWriterComponents(BACKUP_THIS, UINT index, IVssWriterComponentsExt **out);
HRESULT STDMETHODCALLTYPE backup_InitializeForBackup(BACKUP_THIS, BSTR xml);
HRESULT STDMETHODCALLTYPE backup_SetBackupState(BACKUP_THIS, bool select_components, bool bootable_state,
                                                VSS_BACKUP_TYPE type, bool partial_file_support);
HRESULT STDMETHODCALLTYPE backup_InitializeForRestore(BACKUP_THIS, BSTR xml);
HRESULT STDMETHODCALLTYPE backup_SetRestoreState(BACKUP_THIS, VSS_RESTORE_TYPE type);
HRESULT STDMETHODCALLTYPE backup_GatherWriterMetadata(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_GetWriterMetadataCount(BACKUP_THIS, UINT *count);
HRESULT STDMETHODCALLTYPE backup_GetWriterMetadata(BACKUP_THIS, UINT index, VSS_ID *instance_id,
                                                   IVssExamineWriterMetadata **metadata);
HRESULT STDMETHODCALLTYPE backup_FreeWriterMetadata(BACKUP_THIS);
HRESULT STDMETHODCALLTYPE backup_AddComponent(BACKUP_THIS, VSS_ID instance_id, VSS_ID writer_id,
                                              VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name);
HRESULT STDMETHODCALLTYPE backup_PrepareForBackup(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_AbortBackup(BACKUP_THIS);
HRESULT STDMETHODCALLTYPE backup_GatherWriterStatus(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_GetWriterStatusCount(BACKUP_THIS, UINT *count);
HRESULT STDMETHODCALLTYPE backup_FreeWriterStatus(BACKUP_THIS);
HRESULT STDMETHODCALLTYPE backup_GetWriterStatus(BACKUP_THIS, UINT index, VSS_ID *instance_id, VSS_ID *writer_id,
                                                 BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure);
HRESULT STDMETHODCALLTYPE backup_SetBackupSucceeded(BACKUP_THIS, VSS_ID instance_id, VSS_ID writer_id,
                                                    VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                    LPCWSTR name, bool succeeded);
HRESULT STDMETHODCALLTYPE backup_SetBackupOptions(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                  LPCWSTR logical_path, LPCWSTR name, LPCWSTR options);
HRESULT STDMETHODCALLTYPE backup_SetSelectedForRestore(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                       LPCWSTR logical_path, LPCWSTR name, bool selected);
HRESULT STDMETHODCALLTYPE backup_SetRestoreOptions(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                   LPCWSTR logical_path, LPCWSTR name, LPCWSTR options);
HRESULT STDMETHODCALLTYPE backup_SetAdditionalRestores(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                       LPCWSTR logical_path, LPCWSTR name, bool additional);
HRESULT STDMETHODCALLTYPE backup_SetPreviousBackupStamp(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                        LPCWSTR logical_path, LPCWSTR name, LPCWSTR stamp);
HRESULT STDMETHODCALLTYPE backup_SaveAsXML(BACKUP_THIS, BSTR *xml);
HRESULT STDMETHODCALLTYPE backup_BackupComplete(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_AddAlternativeLocationMapping(BACKUP_THIS, VSS_ID writer_id,
                                                               VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                               LPCWSTR name, LPCWSTR path, LPCWSTR filespec,
                                                               bool recursive, LPCWSTR destination);
HRESULT STDMETHODCALLTYPE backup_AddRestoreSubcomponent(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                        LPCWSTR logical_path, LPCWSTR name,
                                                        LPCWSTR sub_logical_path, LPCWSTR sub_name, bool repair);
HRESULT STDMETHODCALLTYPE backup_SetFileRestoreStatus(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                      LPCWSTR logical_path, LPCWSTR name,
                                                      VSS_FILE_RESTORE_STATUS status);
HRESULT STDMETHODCALLTYPE backup_AddNewTarget(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                              LPCWSTR logical_path, LPCWSTR name, LPCWSTR path,
                                              LPCWSTR filename, bool recursive, LPCWSTR alternate_path);
HRESULT STDMETHODCALLTYPE backup_SetRangesFilePath(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                   LPCWSTR logical_path, LPCWSTR name, UINT partial_file,
                                                   LPCWSTR ranges_file);
HRESULT STDMETHODCALLTYPE backup_PreRestore(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_PostRestore(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_SetContext(BACKUP_THIS, LONG context);
HRESULT STDMETHODCALLTYPE backup_StartSnapshotSet(BACKUP_THIS, VSS_ID *set_id);
HRESULT STDMETHODCALLTYPE backup_AddToSnapshotSet(BACKUP_THIS, VSS_PWSZ volume, VSS_ID provider_id,
                                                  VSS_ID *snapshot_id);
HRESULT STDMETHODCALLTYPE backup_DoSnapshotSet(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_DeleteSnapshots(BACKUP_THIS, VSS_ID id, VSS_OBJECT_TYPE type, BOOL force,
                                                 LONG *deleted, VSS_ID *not_deleted);
HRESULT STDMETHODCALLTYPE backup_ImportSnapshots(BACKUP_THIS, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_BreakSnapshotSet(BACKUP_THIS, VSS_ID set_id);
HRESULT STDMETHODCALLTYPE backup_GetSnapshotProperties(BACKUP_THIS, VSS_ID id, VSS_SNAPSHOT_PROP *prop);
HRESULT STDMETHODCALLTYPE backup_Query(BACKUP_THIS, VSS_ID id, VSS_OBJECT_TYPE queried, VSS_OBJECT_TYPE returned,
                                       IVssEnumObject **out);
HRESULT STDMETHODCALLTYPE backup_IsVolumeSupported(BACKUP_THIS, VSS_ID provider_id, VSS_PWSZ volume,
                                                   BOOL *supported);
HRESULT STDMETHODCALLTYPE backup_DisableWriterClasses(BACKUP_THIS, const VSS_ID *ids, UINT count);
HRESULT STDMETHODCALLTYPE backup_EnableWriterClasses(BACKUP_THIS, const VSS_ID *ids, UINT count);
HRESULT STDMETHODCALLTYPE backup_DisableWriterInstances(BACKUP_THIS, const VSS_ID *ids, UINT count);
HRESULT STDMETHODCALLTYPE backup_ExposeSnapshot(BACKUP_THIS, VSS_ID id, VSS_PWSZ path_from_root, LONG attributes,
                                                VSS_PWSZ expose, VSS_PWSZ *exposed);
HRESULT STDMETHODCALLTYPE backup_RevertToSnapshot(BACKUP_THIS, VSS_ID id, BOOL force);
HRESULT STDMETHODCALLTYPE backup_QueryRevertStatus(BACKUP_THIS, VSS_PWSZ volume, IVssAsync **async);
/* Ex */
HRESULT STDMETHODCALLTYPE backup_GetWriterMetadataEx(BACKUP_THIS, UINT index, VSS_ID *instance_id,
                                                     IVssExamineWriterMetadataEx **metadata);
HRESULT STDMETHODCALLTYPE backup_SetSelectedForRestoreEx(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                         LPCWSTR logical_path, LPCWSTR name, bool selected,
                                                         VSS_ID instance_id);
/* Ex2 */
HRESULT STDMETHODCALLTYPE backup_UnexposeSnapshot(BACKUP_THIS, VSS_ID id);
HRESULT STDMETHODCALLTYPE backup_SetAuthoritativeRestore(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                         LPCWSTR logical_path, LPCWSTR name, bool authoritative);
HRESULT STDMETHODCALLTYPE backup_SetRollForward(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                LPCWSTR logical_path, LPCWSTR name, VSS_ROLLFORWARD_TYPE roll_type,
                                                LPCWSTR point);
HRESULT STDMETHODCALLTYPE backup_SetRestoreName(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                LPCWSTR logical_path, LPCWSTR name, LPCWSTR restore_name);
HRESULT STDMETHODCALLTYPE backup_BreakSnapshotSetEx(BACKUP_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_PreFastRecovery(BACKUP_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_FastRecovery(BACKUP_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async);
/* Ex3 */
HRESULT STDMETHODCALLTYPE backup_GetWriterStatusEx(BACKUP_THIS, UINT index, VSS_ID *instance_id,
                                                   VSS_ID *writer_id, BSTR *name, VSS_WRITER_STATE *state,
                                                   HRESULT *failure, HRESULT *app_failure, BSTR *app_message);
HRESULT STDMETHODCALLTYPE backup_AddSnapshotToRecoverySet(BACKUP_THIS, VSS_ID id, DWORD flags,
                                                          VSS_PWSZ destination);
HRESULT STDMETHODCALLTYPE backup_RecoverSet(BACKUP_THIS, DWORD flags, IVssAsync **async);
HRESULT STDMETHODCALLTYPE backup_GetSessionId(BACKUP_THIS, VSS_ID *session_id);
/* Ex4 */
HRESULT STDMETHODCALLTYPE backup_GetRootAndLogicalPrefixPaths(BACKUP_THIS, VSS_PWSZ path, VSS_PWSZ *root,
                                                              VSS_PWSZ *logical_prefix, BOOL normalize_fqdn);

#endif
