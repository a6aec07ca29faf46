/*
 * gauntlet.h: what the reliability gauntlet (tests/integration/test_gauntlet*.c,
 * RELIABILITY.md) checks after every fault it injects, and the knobs that
 * make the same runners a bounded smoke test in `make check` and the full
 * gauntlet in `make gauntlet`.
 *
 * The end state (DESIGN.md §6), after recovery as the next requester's start
 * does it (freeze_recover, then the catalogue's reconciliation):
 *   - no file system frozen: every read-write mount under the test's tmpdir
 *     takes a write and an fsync within a few seconds (a child process does
 *     it, so a frozen one cannot hang the test; it is thawed afterwards);
 *   - no snapshot without a record: the provider's scan of each volume's
 *     record dir finds nothing that no created record names;
 *   - no record without a snapshot: every record is created (none left
 *     creating or deleting) and its snapshot exists as the record says;
 *   - every persistent snapshot readable: its m_pwszSnapshotDeviceObject
 *     root can be listed.
 */
#ifndef UMBRA_TESTS_GAUNTLET_H
#define UMBRA_TESTS_GAUNTLET_H

#include <sys/types.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>

/* 1 under `make gauntlet` (UMBRA_GAUNTLET=full): every crash point, the
 * long soak; 0 in `make check`: a bounded sample of them. */
int gauntlet_full(void);

/* UMBRA_SOAK_CYCLES, else smoke (0 and garbage: smoke). */
unsigned int gauntlet_soak_cycles(unsigned int smoke);

/* Write-probe one directory: 0 if a write + fsync there finished within
 * timeout_ms, 1 if it did not (its file system was frozen: it is thawed
 * now), -errno if the probe could not run. */
int gauntlet_write_probe(const char *dir, unsigned int timeout_ms);

/* Probe every read-write mount whose mount point is under prefix; the number
 * that were frozen. */
int gauntlet_frozen_mounts(const char *prefix);

struct gauntlet_state
{
    unsigned int records;          /* created records of the volumes checked */
    unsigned int in_progress;      /* records left creating or deleting */
    unsigned int dangling;         /* created records whose snapshot is not there */
    unsigned int unreadable;       /* snapshots whose root cannot be listed */
    unsigned int orphans;          /* snapshots that no record names */
    int frozen;                    /* frozen mounts found (and thawed) */
};

/* Recover as a starting requester does, then look at the volumes (their
 * roots, as mounted) and every mount under the test's tmpdir.  Returns 0
 * when the end state is clean, else -1 with the state in *state (may be
 * NULL) and a line on stdout saying what is wrong (with label). */
int gauntlet_end_state(const char *label, const char *const *roots, unsigned int count,
                       struct gauntlet_state *state);

/* Resident set size (bytes) and open descriptors of this process. */
long gauntlet_rss(void);
int gauntlet_fd_count(void);

/* Wait for a child up to timeout_ms; SIGKILL it past that.  Its wait status,
 * or -1 when it had to be killed. */
int gauntlet_wait(pid_t pid, unsigned int timeout_ms);

/* The requester side, through the public API. */

/* CreateVssBackupComponents + InitializeForBackup + SetContext (whose start
 * reconciles the catalogue); NULL on failure. */
IVssBackupComponents *gauntlet_requester(LONG context);

/* The async's final status (Wait, QueryStatus, Release), or the failure. */
HRESULT gauntlet_wait_async(IVssAsync *async);

/* One snapshot set of the volumes (POSIX roots) in context, with the writer
 * events when the context involves writers (GatherWriterMetadata, a full
 * backup, PrepareForBackup first).  Returns DoSnapshotSet's outcome (the
 * first failing step's HRESULT), the set in *set.  The requester is handed
 * back in *keep (auto-release snapshots live as long as it does) or
 * released (keep NULL). */
HRESULT gauntlet_snapshot_set(LONG context, const char *const *roots, unsigned int count, VSS_ID *set,
                              IVssBackupComponents **keep);

/* Delete every snapshot (VSS_CTX_ALL) of a volume under the test's tmpdir;
 * how many were deleted. */
unsigned int gauntlet_delete_all(void);

#endif
