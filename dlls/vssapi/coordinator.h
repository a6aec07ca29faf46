/*
 * coordinator.h: the requester side of writer events (DESIGN.md §4,
 * VSS-FACTS.md §1).  One coordinator belongs to one IVssBackupComponents object
 * (one backup or one restore); it finds the writers in the rendezvous
 * directory, sends them the events in Microsoft's order with the documents
 * attached, enforces the deadlines and keeps each writer's status as
 * GatherWriterStatus / GetWriterStatus(Ex) report it.  It knows nothing about
 * providers: DoSnapshotSet passes the provider steps in as callbacks.
 *
 * How the requester object uses it (backup):
 *
 *     coordinator_create(NULL, &c);
 *     coordinator_disable_writer_classes(c, ids, n);       optional, before identify (R4)
 *     coordinator_identify(c);                              GatherWriterMetadata
 *     for i < coordinator_writer_count(c): coordinator_writer(c, i)->wmd ...
 *     coordinator_set_backup_state(c, &state);              set id, context, SetBackupState
 *     coordinator_add_volume(c, "/srv/data/", "/srv/data"); per AddToSnapshotSet
 *     coordinator_prepare_backup(c, bcd);                   PrepareForBackup; the writers'
 *                                                           edits are merged into bcd
 *     coordinator_do_snapshot_set(c, bcd, &ops);            DoSnapshotSet
 *         ops.commit runs inside the freeze window; it may call
 *         coordinator_set_snapshot_device() for each volume it snapshotted
 *     coordinator_gather_status(c);                         GatherWriterStatus
 *     coordinator_backup_complete(c, bcd);                  BackupComplete
 *     coordinator_backup_shutdown(c);                       on Release
 *     coordinator_free(c);
 *
 * and for a restore: identify, pre_restore(bcd), post_restore(bcd).
 * coordinator_abort() is AbortBackup.
 *
 * Results are HRESULTs, not errnos, because what comes back from a round of
 * events is a writer's own failure code (VSS_E_WRITERERROR_*) or the verdict
 * on a writer that did not answer (VSS_E_WRITER_NOT_RESPONDING); the requester
 * object may return them as they are.  Writer failures in Identify,
 * PrepareForBackup, PostSnapshot, BackupComplete, PreRestore and PostRestore do
 * not fail the round: they show in the writer's status (§1.2 steps 6, 12, 19).
 * A failure in PrepareForSnapshot, Freeze or Thaw, or of a provider step, aborts
 * the snapshot set: providers get ops->abort, every writer of the backup gets
 * Abort, and do_snapshot_set returns the first failure (§1.6).
 *
 * Not thread-safe: one call at a time per coordinator (the requester's
 * asynchronous operations run one after another).
 */
#ifndef UMBRA_VSSAPI_COORDINATOR_H
#define UMBRA_VSSAPI_COORDINATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <windows.h>
#include <vss.h>

/* Defaults for the deadlines.  Windows documents none for events other than
 * Freeze->Thaw (VSS-FACTS.md §1.5 [U]); a writer that takes longer than this
 * to answer any other event is marked VSS_E_WRITER_NOT_RESPONDING. */
#define COORDINATOR_EVENT_TIMEOUT_MS   60000
#define COORDINATOR_CONNECT_TIMEOUT_MS 5000

struct coordinator_options
{
    const char *runtime_dir;        /* NULL: the configured rendezvous directory */
    DWORD event_timeout_ms;         /* 0: COORDINATOR_EVENT_TIMEOUT_MS */
    DWORD connect_timeout_ms;       /* 0: COORDINATOR_CONNECT_TIMEOUT_MS */
};

/* One writer as the requester sees it.  Read-only for callers; valid until the
 * next call on the coordinator.  Strings are UTF-8. */
struct coordinator_writer
{
    GUID class_id;
    GUID instance_id;
    char *name;
    char *instance_name;            /* NULL when the writer has none */
    uint32_t usage;                 /* VSS_USAGE_TYPE */
    uint32_t source;                /* VSS_SOURCE_TYPE */
    int32_t level;                  /* VSS_APPLICATION_LEVEL */
    uint32_t freeze_timeout_ms;
    uint32_t event_mask;            /* VSS_SUBSCRIBE_MASK */
    pid_t pid;
    char *wmd;                      /* its metadata; NULL when Identify failed */
    char *components;               /* what it returned with its last BCD event, or NULL */
    VSS_WRITER_STATE state;         /* GetWriterStatus: state and failure */
    HRESULT failure;
    HRESULT app_failure;            /* GetWriterStatusEx: SetWriterFailureEx's extras */
    char *app_message;
};

/* The provider side of DoSnapshotSet (every member optional).  prepare runs
 * after PrepareForSnapshot and before Freeze (BeginPrepare/EndPrepare); commit
 * runs with every writer frozen (PreCommit, flush-and-hold, Commit, release,
 * PostCommit); after_thaw runs between Thaw and PostSnapshot (PreFinalCommit,
 * PostFinalCommit); abort undoes whatever ran, when the set fails. */
struct coordinator_snapshot_ops
{
    void *context;
    HRESULT (*prepare)(void *context);
    HRESULT (*commit)(void *context);
    HRESULT (*after_thaw)(void *context);
    void (*abort)(void *context);
};

struct coordinator_backup_state
{
    GUID snapshot_set_id;
    LONG context;                   /* VSS_SNAPSHOT_CONTEXT */
    VSS_BACKUP_TYPE backup_type;
    VSS_RESTORE_TYPE restore_type;
    bool bootable_system_state;
    bool select_components;
    bool partial_file_support;
};

/* Timings of the last rounds, for BENCHMARKS.md and traces (microseconds). */
struct coordinator_stats
{
    int64_t identify_us;            /* first Identify sent -> last answer in */
    int64_t freeze_window_us;       /* first Freeze sent -> last Thaw answered */
};

struct coordinator;
struct bcd;

HRESULT coordinator_create(const struct coordinator_options *options, struct coordinator **out);
/* Closes the connections; sends nothing (call backup_shutdown first). */
void coordinator_free(struct coordinator *c);

const GUID *coordinator_session_id(const struct coordinator *c);

/* Filters, applied when writers are found (R4: after identify they change nothing).
 * Disable is cumulative; the first Enable switches to "only these classes" and
 * cancels earlier disables (VSS-FACTS.md §2.3 rows 45-47). */
HRESULT coordinator_disable_writer_classes(struct coordinator *c, const GUID *ids, unsigned int count);
HRESULT coordinator_enable_writer_classes(struct coordinator *c, const GUID *ids, unsigned int count);
HRESULT coordinator_disable_writer_instances(struct coordinator *c, const GUID *ids, unsigned int count);

/* What every event carries about the backup (SetBackupState, SetContext,
 * StartSnapshotSet).  Volumes: the name the requester gave and its POSIX root
 * ("" unknown); devices are set once the snapshots exist. */
void coordinator_set_backup_state(struct coordinator *c, const struct coordinator_backup_state *state);
HRESULT coordinator_add_volume(struct coordinator *c, const char *name, const char *root);
HRESULT coordinator_set_snapshot_device(struct coordinator *c, const char *name, const char *device);
void coordinator_clear_volumes(struct coordinator *c);

/* GatherWriterMetadata: find the writers and send Identify to all at once.
 * Writers whose Identify fails stay in the list with wmd NULL and their status.
 * S_OK also when there are no writers. */
HRESULT coordinator_identify(struct coordinator *c);
unsigned int coordinator_writer_count(const struct coordinator *c);
const struct coordinator_writer *coordinator_writer(const struct coordinator *c, unsigned int index);

/* The backup and restore events.  bcd is the backup components document
 * (bcd.h; NULL sends none): each writer gets its own part of it
 * (bcd_save_writer_utf8) and what it changes there is merged back into bcd
 * (bcd_merge_writer) when it answers.  The text each writer returned stays in
 * its ->components until the next event. */
HRESULT coordinator_prepare_backup(struct coordinator *c, struct bcd *bcd);
HRESULT coordinator_do_snapshot_set(struct coordinator *c, struct bcd *bcd,
                                    const struct coordinator_snapshot_ops *ops);
HRESULT coordinator_backup_complete(struct coordinator *c, struct bcd *bcd);
HRESULT coordinator_backup_shutdown(struct coordinator *c);
HRESULT coordinator_pre_restore(struct coordinator *c, struct bcd *bcd);
HRESULT coordinator_post_restore(struct coordinator *c, struct bcd *bcd);
/* AbortBackup: Abort to the backup's writers when a backup is between
 * PrepareForBackup and the end of DoSnapshotSet; S_OK and nothing sent
 * otherwise, and never during a restore (§1.6). */
HRESULT coordinator_abort(struct coordinator *c);

/* GatherWriterStatus: ask every writer for its state; a writer that cannot be
 * reached keeps a failed state with VSS_E_WRITER_NOT_RESPONDING.  Finds the
 * writers first if identify never ran (no Identify is sent then). */
HRESULT coordinator_gather_status(struct coordinator *c);

void coordinator_get_stats(const struct coordinator *c, struct coordinator_stats *stats);

#endif
