/*
 * provider.h: the one C interface behind which every snapshot provider sits
 * (DESIGN.md §5).  It is shaped after IVssSoftwareSnapshotProvider and
 * IVssProviderCreateSnapshotSet, so the coordinator drives it in the order of
 * VSS-FACTS.md §1.3: begin_prepare per volume, end_prepare, (writers freeze),
 * pre_commit, flush-and-hold (freeze.h), commit, release, post_commit; abort
 * on any failure after begin_prepare.
 *
 * Not for: HRESULTs (the API layer maps errnos once, in errors.c), snapshot
 * records (catalogue.c keeps them; a provider only hands it the strings it
 * needs), choosing a provider (providers.c).
 *
 * Errno contract, shared by every op (an op may document more):
 *   0             success
 *   -EOPNOTSUPP   this provider cannot do this for this volume or snapshot
 *                 (is_supported: VSS_E_VOLUME_NOT_SUPPORTED[_BY_PROVIDER];
 *                 revert/expose: E_NOTIMPL / VSS_E_VOLUME_NOT_SUPPORTED)
 *   -ENOSPC       out of space for the snapshot (VSS_E_INSUFFICIENT_STORAGE);
 *                 nothing partial is left behind
 *   -EBUSY        the volume or snapshot is in use: already frozen by someone,
 *                 exposed, files open for revert (VSS_E_VOLUME_IN_USE)
 *   -ENOENT       the snapshot is gone (VSS_E_OBJECT_NOT_FOUND)
 *   -EEXIST       expose: something is already at that path
 *   -ELOOP        the set nests one volume inside another provider's
 *                 snapshot storage (VSS_E_NESTED_VOLUME_LIMIT)
 *   -EPERM/-EACCES  the caller lacks the privilege (E_ACCESSDENIED)
 *   -ETIMEDOUT    only from freeze.h (FLUSH/HOLD_WRITES_TIMEOUT), and from a
 *                 commit that overran the hold window (HOLD_WRITES_TIMEOUT)
 *   other -errno  VSS_E_UNEXPECTED_PROVIDER_ERROR, with a WARN saying why
 *
 * Finding a snapshot again: each provider describes a snapshot it made in one
 * string (provider_snapshot.private_data, text, no NUL) that the catalogue
 * stores in the snapshot's record.  The ops after post_commit take it back
 * together with the directory the record was found in (record_dir): names in
 * the private data are relative to that directory, so a file system mounted
 * somewhere else after a reboot still finds its snapshots, and records and
 * snapshots can never point at different file systems.
 *
 * Threads: ops of one set are called from one thread at a time.  commit runs
 * inside the hold window while file systems of the set may be frozen: it must
 * not log (the trace file may sit on a frozen file system), exec, or touch a
 * frozen file system; it keeps whatever it has to say for post_commit/abort.
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_PROVIDER_H
#define UMBRA_VSSAPI_PROVIDERS_PROVIDER_H

#include <time.h>
#include <windef.h>
#include "../volume.h"

/* The values of VSS_PROVIDER_TYPE (VSS-FACTS.md §3.3), so the API layer can
 * hand them out unchanged. */
enum provider_type
{
    PROVIDER_TYPE_SYSTEM = 1,
    PROVIDER_TYPE_SOFTWARE = 2,
    PROVIDER_TYPE_HARDWARE = 3,
};

/* provider.flags */
#define PROVIDER_WRITER_CONSISTENT_ONLY 0x1  /* no point in time across the volume:
                                               consistent only for frozen writers
                                               (Query/vssadmin say so) */
#define PROVIDER_NEEDS_ROOT             0x2  /* is_supported fails without root */
/* provider_snapshot.flags, set by begin_prepare: commit makes the record dir's
 * file system durable (the btrfs snapshot ioctl commits a transaction of the
 * file system .snapshots is on), so the 'creating' record written before it
 * needs no fsync of its own (catalogue_add_unsynced, catalogue.h) */
#define PROVIDER_COMMIT_SYNCS_RECORDS   0x4

/* provider_snapshot.freeze: what the flush-and-hold step must do to the
 * snapshot's volume (freeze.h).  Every volume is flushed (syncfs) unless its
 * provider says its own commit flushes it. */
#define PROVIDER_FREEZE_SYNC     0x0  /* flush only: the provider's own commit is the point in time */
#define PROVIDER_FREEZE_FIFREEZE 0x1  /* flush and FIFREEZE the volume's file system for commit */
#define PROVIDER_FREEZE_NONE     0x2  /* neither: commit flushes the volume itself (the btrfs
                                         snapshot ioctl writes the subvolume's dirty data out and
                                         commits a transaction), so a syncfs first is wasted */

/* One volume of a snapshot set, as one provider sees it. */
struct provider_snapshot
{
    /* Filled by the coordinator before begin_prepare. */
    GUID id;
    GUID set_id;
    const struct vss_volume *volume;      /* owned by the coordinator, lives until post_commit/abort */
    const struct provider *provider;
    LONG context;                         /* the set's VSS_SNAPSHOT_CONTEXT (0: VSS_CTX_BACKUP) */

    /* Filled by the provider.  Strings are malloc'd; provider_snapshot_clear()
     * frees them.  The catalogue copies what it keeps. */
    char *record_dir;      /* begin_prepare: the directory where this volume's records
                              live, on the snapshot's own file system (DESIGN §6) */
    unsigned int freeze;   /* begin_prepare: PROVIDER_FREEZE_* */
    char *root;            /* commit/post_commit: the read-only tree of the snapshot, what
                              m_pwszSnapshotDeviceObject names; readable once post_commit
                              returned */
    char *private_data;    /* commit/post_commit: see above */
    struct timespec created;  /* commit: the point in time (CLOCK_REALTIME) */
    unsigned int flags;    /* PROVIDER_WRITER_CONSISTENT_ONLY if this snapshot is only that */

    void *state;           /* the provider's own, between begin_prepare and post_commit/abort */
};

/* The snapshots of one set that belong to one provider, in AddToSnapshotSet order. */
struct provider_set
{
    GUID id;
    struct provider_snapshot **snapshots;
    unsigned int count;
};

/* Called by scan() once per snapshot found; a non-zero return stops the scan
 * and is returned by it. */
typedef int (*provider_scan_cb)(void *ctx, const char *private_data);

struct provider
{
    GUID id;                 /* stable: m_ProviderId */
    GUID version_id;         /* m_ProviderVersionId */
    const char *name;        /* m_pwszProviderName */
    const char *version;     /* m_pwszProviderVersion */
    enum provider_type type;
    unsigned int flags;      /* PROVIDER_WRITER_CONSISTENT_ONLY, PROVIDER_NEEDS_ROOT */

    /* IsVolumeSupported.  0 or -EOPNOTSUPP (or -errno when the volume cannot be
     * examined).  Cheap and free of lasting side effects. */
    int (*is_supported)(const struct vss_volume *volume);

    /* BeginPrepareSnapshot: check the volume again, make the snapshot storage
     * ready (creating <root>/.snapshots if needed), set record_dir and freeze.
     * After a failure nothing needs undoing for this snapshot. */
    int (*begin_prepare)(struct provider_snapshot *snap);

    /* EndPrepareSnapshots: every volume of the set has been prepared.
     * -ELOOP if the set cannot be taken because of how its volumes nest. */
    int (*end_prepare)(struct provider_set *set);

    /* PreCommitSnapshots: writers are frozen, file systems are not.  Work that
     * is too long for the hold window goes here (the directory copy). */
    int (*pre_commit)(struct provider_set *set);

    /* CommitSnapshots: inside the hold window (see the thread rules above). */
    int (*commit)(struct provider_set *set);

    /* PostCommitSnapshots: writes are released.  Makes root readable (mounts,
     * read-only protection) and sets root and private_data if commit did not. */
    int (*post_commit)(struct provider_set *set);

    /* AbortSnapshots: undo whatever was made for the set so far, free state.
     * Safe after any step, including after post_commit (it then deletes the
     * snapshots) and for snapshots whose begin_prepare failed. */
    int (*abort)(struct provider_set *set);

    /* DeleteSnapshots for one snapshot.  -ENOENT if it was already gone,
     * -EBUSY if it is in use (e.g. exposed on itself by someone else). */
    int (*delete)(const char *record_dir, const char *private_data);

    /* The snapshot's readable root as it is now (malloc'd), for
     * m_pwszSnapshotDeviceObject of a snapshot loaded from its record. */
    int (*root)(const char *record_dir, const char *private_data, char **root);

    /* ExposeSnapshot at a directory path: read-only only (-EOPNOTSUPP for
     * read_only == 0).  An existing empty directory gets a read-only bind mount
     * (root); a path that does not exist gets a symlink to the root (anyone).
     * -EEXIST if path is anything else. */
    int (*expose)(const char *record_dir, const char *private_data, const char *path, int read_only);
    /* UnexposeSnapshot: undo expose at that path; -ENOENT if not exposed there. */
    int (*unexpose)(const char *record_dir, const char *private_data, const char *path);

    /* RevertToSnapshot: the volume returns to the snapshot's content.  The
     * snapshot itself is left for the caller to delete (Windows consumes it).
     * -EBUSY when files on the volume are open and force is 0 (and, where the
     * volume must be unmounted for it, when that fails even with force). */
    int (*revert)(const char *record_dir, const char *private_data, int force);

    /* Make the snapshot's root readable and read-only again after a reboot
     * (mounts do not persist).  Idempotent; NULL when there is nothing to do. */
    int (*activate)(const char *record_dir, const char *private_data);

    /* 1 if the snapshot is on disk as described, 0 if it is not, or -errno when
     * that cannot be known. */
    int (*exists)(const char *record_dir, const char *private_data);

    /* Report every snapshot of this provider kept in record_dir, with the very
     * private data it was created with (records and scan results compare with
     * strcmp), so the catalogue can remove snapshots that have no record: a
     * crash between commit and the record.  Copies cut short by a crash are
     * reported too.  -ENOENT if record_dir does not exist.  Only call it while
     * no set is in creation on the volume, or in-flight snapshots look orphaned. */
    int (*scan)(const char *record_dir, provider_scan_cb cb, void *ctx);
};

/* Registry (providers.c). */

/* Every built-in provider, in choice order; NULL-terminated. */
const struct provider *const *provider_list(void);

/* The provider for a volume, hardware > software > system like Windows; the
 * directory provider (VSS_PROV_SYSTEM) when nothing more specific applies.
 * NULL (with *err = -EOPNOTSUPP or the error of the last provider tried) if
 * none can take it.  err may be NULL. */
const struct provider *provider_choose(const struct vss_volume *volume, int *err);

/* NULL if no provider has this id (VSS_E_PROVIDER_NOT_REGISTERED). */
const struct provider *provider_by_id(const GUID *id);

/* The default (VSS_PROV_SYSTEM) provider. */
const struct provider *provider_default(void);

/* Free and clear what a provider filled in (not state: that is abort's or
 * post_commit's). */
void provider_snapshot_clear(struct provider_snapshot *snap);

/* The built-in providers. */
extern const struct provider btrfs_provider;
extern const struct provider directory_provider;
extern const struct provider blockimage_provider;
extern const struct provider lvm_provider;
extern const struct provider zfs_provider;

#endif
