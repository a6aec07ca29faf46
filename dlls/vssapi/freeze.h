/*
 * freeze.h: the flush-and-hold step of DoSnapshotSet (VSS-FACTS.md §1.3 e-g,
 * §1.5): flush every file system of the set (but those whose provider's
 * commit flushes by itself: PROVIDER_FREEZE_NONE), FIFREEZE those whose
 * provider asks for it (PROVIDER_FREEZE_FIFREEZE), let the providers commit,
 * thaw.
 *
 * A watchdog thread thaws everything when the window (10 s, like Windows)
 * runs out, whatever the committing thread is stuck in; nothing here logs,
 * allocates a file or execs while a file system is frozen.  Before freezing,
 * a record of what is about to be frozen is written to $VSS_RUNTIME_DIR
 * (a private 0700 directory), and removed after the thaw, so that
 * freeze_recover(), run at start-up, thaws what a process that died left
 * frozen (a frozen file system stays frozen until someone thaws it).
 *
 * Errors: -ETIMEDOUT from freeze_hold() is VSS_E_FLUSH_WRITES_TIMEOUT (the
 * flush took longer than the window; nothing was frozen); -ETIMEDOUT from
 * freeze_release() is VSS_E_HOLD_WRITES_TIMEOUT (the watchdog had to thaw:
 * the snapshots committed in the window must be thrown away).  -EBUSY: a file
 * system was already frozen by someone else (VSS_E_VOLUME_IN_USE).
 *
 * Not for: deciding what to freeze (the providers say so in
 * provider_snapshot.freeze); writers' own Freeze/Thaw (coordinator.c).
 */
#ifndef UMBRA_VSSAPI_FREEZE_H
#define UMBRA_VSSAPI_FREEZE_H

#define FREEZE_DEFAULT_WINDOW_MS 10000

struct freeze_target
{
    const char *path;      /* any directory on the file system (the volume root) */
    unsigned int mode;     /* PROVIDER_FREEZE_SYNC or PROVIDER_FREEZE_FIFREEZE */
};

struct freeze_hold;

/* Flush and hold.  window_ms 0 means FREEZE_DEFAULT_WINDOW_MS; it bounds both
 * the flush and the hold.  Targets on the same file system are taken once.
 * On failure nothing is left frozen and *hold is NULL. */
int freeze_hold(const struct freeze_target *targets, unsigned int count, unsigned int window_ms,
                struct freeze_hold **hold);

/* 1 once the watchdog has thawed (the window is over), else 0.  Safe to call
 * inside the window: it only reads memory. */
int freeze_expired(const struct freeze_hold *hold);

/* Thaw (unless the watchdog already did), stop the watchdog, remove the
 * record and free hold.  0, -ETIMEDOUT (see above), or the thaw's -errno. */
int freeze_release(struct freeze_hold *hold);

/* Thaw the file systems that the records of dead processes list, and remove
 * those records.  Records of live processes are left alone.  Returns how
 * many file systems were thawed, or -errno if the records cannot be read
 * (no runtime directory is not an error). */
int freeze_recover(void);

#endif
