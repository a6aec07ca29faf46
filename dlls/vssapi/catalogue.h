/*
 * catalogue.h: the snapshot catalogue (DESIGN.md §6): one sidecar record per
 * snapshot, on the snapshot's own file system, and the reconciliation that
 * makes records and snapshots agree after a crash.
 *
 * Records.  A snapshot's record is "<record dir>/vss-<snapshot id>.record",
 * where the record dir is the one its provider names (provider_snapshot.
 * record_dir, normally "<volume root>/.snapshots").  Every write replaces the
 * whole file atomically (state_write_atomic: temp file, fsync, rename, fsync
 * of the directory) under an flock of the record dir, so a reader sees the old
 * record or the new one, never a mix.  A record goes
 *     creating  (written before the provider commits the snapshot)
 *  -> created   (written after post_commit, with the snapshot's device and
 *                the provider's private data)
 *  -> deleting  (written before the provider deletes it) -> record removed.
 *
 * Format (version 1): UTF-8 text, one "key=value" per line, LF endings.
 *     umbra-snapshot-record 1
 *     snapshot_id={...}            set_id={...}          provider_id={...}
 *     snapshots_count=1            context=0x00000000    attributes=0x00000000
 *     state=creating|created|deleting
 *     creation_time=<VSS_TIMESTAMP: 100 ns since 1601-01-01 UTC, decimal>
 *     original_volume_name=\\?\Volume{...}\    original_volume_root=/srv/data
 *     snapshot_device=...  originating_machine=...  service_machine=...
 *     exposed_name=...     exposed_path=...         provider_data=...
 *     owner=<pid>:<start time>:<boot id>   worker=<pid>:<start time>:<boot id>
 *     crc32=<8 hex digits>
 * Values escape '%', control characters and DEL as %XX.  The crc32 line
 * (CRC-32/IEEE of every byte before it) comes last; a record without it, with
 * a wrong one, with anything after it, a missing or duplicated key, a bad
 * value or a snapshot id that is not the one in its file name is bad: it is
 * reported and renamed to "<name>.bad" (quarantined), never trusted.  Unknown
 * keys are ignored; a record of a later format version is skipped untouched.
 *
 * Owner and worker.  owner is the requester whose death releases an
 * auto-release snapshot (no VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE); worker is the
 * process that moved the record to its current state.  A process is the same
 * one only if pid, start time (/proc/<pid>/stat) and boot id all match.
 *
 * Index.  $VSS_STATE_DIR/index lists the record dirs (same line format,
 * header "umbra-catalogue-index 1", "dir=" lines, crc32 last) so that Query
 * finds records on every volume.  It is only a cache: a dir is added before
 * the first record is written in it, and when the index is missing or bad it
 * is rebuilt from "<root>/.snapshots" of every volume (volume_list() and the
 * registered directory volumes) plus what ops->record_dirs adds.
 *
 * Reconciliation (catalogue_open, per record dir, under its flock):
 *   temporary files of dead writers              removed
 *   empty record (or only NUL bytes)             removed: an unsynced 'creating' record
 *                                                torn by a crash (catalogue_add_unsynced)
 *   bad record                                   quarantined
 *   creating/deleting, worker alive              left alone (in progress)
 *   creating/deleting, worker gone               snapshot deleted if there, record removed
 *   created, auto-release, owner gone            deleting -> snapshot deleted -> record removed
 *   created, snapshot missing (exists() == 0)    record removed
 *   a provider's snapshot (ops->scan) that no    deleted: a crash between commit and the
 *     record names, and nothing in progress      record (whose private data came too late)
 *   other "@GMT-*" entries no record names       reported, left alone (snapper's, say)
 *
 * Not for: choosing or driving providers (the coordinator fills catalogue_ops
 * from providers/provider.h), HRESULTs, R23's visibility rules beyond the
 * filter below.
 */
#ifndef UMBRA_VSSAPI_CATALOGUE_H
#define UMBRA_VSSAPI_CATALOGUE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <windef.h>

enum snapshot_record_state
{
    RECORD_CREATING = 1,
    RECORD_CREATED = 2,
    RECORD_DELETING = 3,
};

struct catalogue_process
{
    int pid;
    unsigned long long start_time;   /* clock ticks after boot, /proc/<pid>/stat field 22 */
    char boot_id[40];                /* /proc/sys/kernel/random/boot_id, "" if unknown */
};

struct snapshot_record
{
    GUID snapshot_id;
    GUID set_id;
    GUID provider_id;
    LONG snapshots_count;
    LONG context;                    /* VSS_SNAPSHOT_CONTEXT the set was made in */
    LONG attributes;                 /* VSS_VOLSNAP_ATTR_* */
    LONGLONG creation_time;          /* VSS_TIMESTAMP */
    enum snapshot_record_state state;
    char *original_volume_name;      /* "\\?\Volume{guid}\" */
    char *original_volume_root;      /* POSIX root of the volume */
    char *snapshot_device;           /* read-only root of the snapshot ("" until created) */
    char *originating_machine;
    char *service_machine;
    char *exposed_name;              /* "" when not exposed */
    char *exposed_path;
    char *provider_data;             /* the provider's private data ("" until created) */
    struct catalogue_process owner;
    struct catalogue_process worker;
    char *record_dir;                /* where the record lives; not stored in the file */
};

/* A new record: zeroed ids, state creating, all strings "", owner and worker
 * this process, creation time now.  NULL when out of memory. */
struct snapshot_record *snapshot_record_new(void);
void snapshot_record_free(struct snapshot_record *rec);
struct snapshot_record *snapshot_record_dup(const struct snapshot_record *rec);
/* Replace a string field (NULL becomes ""): 0 or -ENOMEM. */
int snapshot_record_set(char **field, const char *value);

/* The text form above (malloc'd, *len bytes, NUL-terminated) / back.
 * snapshot_record_parse: 0, -EINVAL (bad record), -EPROTONOSUPPORT (a later
 * format version), -ENOMEM.  record_dir of the result is NULL. */
int snapshot_record_format(const struct snapshot_record *rec, char **text, size_t *len);
int snapshot_record_parse(const char *text, size_t len, struct snapshot_record **rec);

/* Processes. */
int catalogue_process_self(struct catalogue_process *proc);
int catalogue_process_of(pid_t pid, struct catalogue_process *proc);   /* -ESRCH if gone */
int catalogue_process_alive(const struct catalogue_process *proc);     /* 1 or 0 */

/* VSS_TIMESTAMP for a CLOCK_REALTIME time / for now. */
LONGLONG catalogue_timestamp(const struct timespec *ts);
LONGLONG catalogue_timestamp_now(void);

/* What the catalogue needs from the providers (the coordinator maps these
 * onto provider_by_id()/provider_list(), see provider.h).  Every callback
 * gets ctx first.  Without ops (NULL) the catalogue can be read, but neither
 * reconciles nor deletes. */
typedef int (*catalogue_scan_cb)(void *cb_ctx, const GUID *provider_id, const char *private_data);
struct catalogue_ops
{
    void *ctx;
    /* 1 on disk, 0 not, or -errno when it cannot be known (record kept).
     * record_dir is the dir of the snapshot's record (provider.h's ops take it) */
    int (*exists)(void *ctx, const char *record_dir, const GUID *provider_id, const char *private_data);
    /* delete the snapshot: 0, -ENOENT (already gone: fine), -EBUSY, -errno */
    int (*remove)(void *ctx, const char *record_dir, const GUID *provider_id, const char *private_data);
    /* optional: report every provider's snapshots kept in record_dir */
    int (*scan)(void *ctx, const char *record_dir, catalogue_scan_cb cb, void *cb_ctx);
    /* optional: more record dirs for an index rebuild; call add for each */
    int (*record_dirs)(void *ctx, int (*add)(void *add_ctx, const char *dir), void *add_ctx);
    /* optional: undo rec's exposure (rec->exposed_name is set) before its snapshot
     * is deleted, so a mount or link never outlives the snapshot it shows */
    int (*unexpose)(void *ctx, const struct snapshot_record *rec);
};

struct catalogue_stats
{
    unsigned int records;            /* good records seen */
    unsigned int in_progress;        /* creating/deleting records of live workers */
    unsigned int records_removed;    /* records removed (snapshot gone or deleted) */
    unsigned int snapshots_deleted;  /* snapshots deleted (crashed creations, released, orphans) */
    unsigned int quarantined;        /* bad records renamed to .bad */
    unsigned int foreign;            /* @GMT entries that no record names, left alone */
    unsigned int tmp_removed;        /* temporary files of dead writers removed */
    unsigned int errors;             /* steps that failed (the record is left as it was) */
};

struct catalogue;

#define CATALOGUE_NO_RECONCILE 0x1   /* open for reading only, change nothing */

/* Open the catalogue of this configuration (config_get()->state_dir) and,
 * unless CATALOGUE_NO_RECONCILE or ops is NULL, reconcile every record dir.
 * Reconciliation problems are counted and reported, never fatal. */
int catalogue_open(const struct catalogue_ops *ops, unsigned int flags, struct catalogue **cat);
void catalogue_close(struct catalogue *cat);
/* What the last reconciliation found (all zero without one). */
const struct catalogue_stats *catalogue_last_stats(const struct catalogue *cat);
/* Reconcile again (e.g. the service, from time to time). */
int catalogue_reconcile(struct catalogue *cat);

/* Write a new record (rec->state must be RECORD_CREATING, rec->record_dir set;
 * the dir is created, mode 0755, if missing, and added to the index first).
 * -EEXIST if a record with this snapshot id is already there. */
int catalogue_add(struct catalogue *cat, const struct snapshot_record *rec);

/* catalogue_add without the fsyncs (temp file and rename only; the index is
 * still written durably).  For a caller whose next step makes the record
 * dir's file system durable anyway (PROVIDER_COMMIT_SYNCS_RECORDS: the btrfs
 * snapshot ioctl commits a transaction), or that needs no durability: a
 * 'creating' record carries no provider data, so after a crash it only ever
 * gets removed, and the snapshot that creation left, if any, is removed by
 * the orphan scan whether the record reached the disk or not.  Other
 * processes see the record at once, so its live worker still keeps their
 * reconciliations off the creation.  If the crash lets the name reach the
 * disk without the data, the empty record is removed (see above). */
int catalogue_add_unsynced(struct catalogue *cat, const struct snapshot_record *rec);

/* The creator's rewrite of its own record while it is still creating,
 * typically with state RECORD_CREATED, the device and the private data.
 * -ENOENT if the record is gone, -EBUSY if it is no longer creating. */
int catalogue_commit(struct catalogue *cat, const struct snapshot_record *rec);

/* catalogue_commit for the records of a snapshot set at once, on btrfs
 * (PROVIDER_COMMIT_SYNCS_RECORDS): each written without fsyncs (temp file,
 * rename), then made durable by one fsync of the renamed file (btrfs logs a
 * new inode together with its names: one log commit carries content and
 * rename) or, for several records on one file system, one syncfs of it.  A
 * set so costs one log commit per volume instead of a file and a directory
 * fsync per record.  The records are durable once it returns 0; a crash
 * before leaves each record creating, created or empty (removed by
 * reconciliation, see above), and the orphan scan removes the snapshots of
 * the ones that did not make it.  The first error is returned (the caller
 * aborts the set). */
int catalogue_commit_batch(struct catalogue *cat, const struct snapshot_record *const *recs, size_t count);

/* Set or clear (NULLs) the exposure of a created snapshot. */
int catalogue_set_exposed(struct catalogue *cat, const GUID *snapshot_id, const char *name, const char *path);

/* Remove a record whose snapshot the caller already got rid of (abort). */
int catalogue_remove(struct catalogue *cat, const GUID *snapshot_id);

/* DeleteSnapshots for one snapshot: deleting -> ops->remove -> record removed.
 * -ENOENT if unknown, -EBUSY if another live process is creating or deleting
 * it, or the provider's error (the record is then created again if the
 * snapshot is still there, else left deleting for the next reconciliation). */
int catalogue_delete(struct catalogue *cat, const GUID *snapshot_id);

/* One record, in whatever state: 0 (*rec to free), -ENOENT. */
int catalogue_get(struct catalogue *cat, const GUID *snapshot_id, struct snapshot_record **rec);

#define CATALOGUE_CTX_ALL ((LONG)0xffffffff)   /* VSS_CTX_ALL */
struct catalogue_filter
{
    const GUID *snapshot_id;         /* NULL: any */
    const GUID *set_id;              /* NULL: any */
    const char *volume;              /* \\?\Volume{..}\ (any case) or POSIX root; NULL: any */
    LONG context;                    /* CATALOGUE_CTX_ALL: any; else equal to the record's */
    int all_states;                  /* 0: created records only (VSS-FACTS.md §2.1 R23) */
};

/* Records matching filter (NULL: every created record), oldest first (then by
 * snapshot id).  Bad records are skipped (reconciliation quarantines them). */
int catalogue_query(struct catalogue *cat, const struct catalogue_filter *filter,
                    struct snapshot_record ***recs, size_t *count);
void catalogue_records_free(struct snapshot_record **recs, size_t count);

/* Rebuild the index from the volumes (see above). */
int catalogue_rebuild_index(struct catalogue *cat);

/* The record dirs in the index (malloc'd array of malloc'd strings). */
int catalogue_record_dirs(struct catalogue *cat, char ***dirs, size_t *count);

#endif
