/*
 * setlock.h: the machine-wide "one snapshot set in creation" lock
 * (VSS-FACTS.md §2.1 R12, DESIGN.md §4).
 *
 * The lock is an flock() on $VSS_RUNTIME_DIR/snapshot-set.lock, taken by
 * StartSnapshotSet and dropped when DoSnapshotSet completes, on AbortBackup or
 * when the requester object is released.  flock belongs to the open file
 * description, so the kernel drops it when the holding process dies, however
 * it dies; and two requester objects in one process exclude each other too.
 * The descriptor is close-on-exec; a child that fork()s without exec shares it.
 *
 * Scope: machine-wide for everything that uses the same runtime directory:
 * root, and every requester of the service (vsssvc holds it for them).
 * Unprivileged embedded requesters have a runtime directory of their own
 * ($XDG_RUNTIME_DIR/vss), so they exclude each other per user only.
 *
 * Not for: the coordinator's own state machine (which set is ours).
 */
#ifndef UMBRA_VSSAPI_SETLOCK_H
#define UMBRA_VSSAPI_SETLOCK_H

#include <sys/types.h>
#include <windef.h>

struct vss_setlock;

/* wait_seconds for setlock_acquire(): take VSS_WAIT_FOR_SET from the configuration */
#define SETLOCK_WAIT_DEFAULT (-1)

/* Take the lock for snapshot set set_id.  Without waiting (wait_seconds 0) a
 * lock held elsewhere gives -EBUSY at once (the API's
 * VSS_E_SNAPSHOT_SET_IN_PROGRESS); otherwise the caller queues for up to
 * wait_seconds and gets -EBUSY if the other set is still in creation then.
 * Other errors: -EPERM/-ENOTDIR/... for an unusable runtime directory. */
int setlock_acquire(const GUID *set_id, int wait_seconds, struct vss_setlock **lock);

/* Drop the lock (NULL is allowed). */
void setlock_release(struct vss_setlock *lock);

/* For messages: who holds the lock now.  0 with the holder's pid and set id,
 * or -ENOENT when nobody holds it.  Never takes the lock itself. */
int setlock_holder(pid_t *pid, GUID *set_id);

#endif
