/*
 * async.h: IVssAsync over a background operation.
 *
 * The API methods that Windows makes asynchronous (GatherWriterMetadata,
 * PrepareForBackup, DoSnapshotSet, BackupComplete, PreRestore ...) hand their
 * work to async_run(): it runs on a thread of its own and the caller gets an
 * IVssAsync.  Wait(ms) blocks until the work is done or ms pass (INFINITE by
 * default) and returns S_OK either way; QueryStatus says VSS_S_ASYNC_PENDING,
 * VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_CANCELLED or the work's error.  Because
 * the work has its own thread, a caller that only polls QueryStatus sees it
 * finish too (VSS-FACTS.md §1.5, §2.4).
 *
 * Cancel only asks: the work looks at async_cancel_requested() at the points
 * where stopping is safe and returns VSS_S_ASYNC_CANCELLED (after undoing what
 * it did) if it stops.  Work past its point of no return finishes normally,
 * and QueryStatus then says so.  Cancel on finished work returns
 * VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_CANCELLED or the work's error, as
 * Microsoft documents.
 *
 * Lifetime: the operation lives until both its thread has finished and every
 * IVssAsync for it is released; releasing the IVssAsync early does not stop
 * the work.  Whatever the work needs (the requester object) it must hold a
 * reference on itself; free_arg runs on the work's thread when it is done.
 *
 * Not for: which calls are allowed while an operation runs (backup.c).
 */
#ifndef UMBRA_VSSAPI_ASYNC_H
#define UMBRA_VSSAPI_ASYNC_H

#include <windows.h>
#include <vss.h>

struct async_op;

/* The work: returns S_OK (QueryStatus: VSS_S_ASYNC_FINISHED),
 * VSS_S_ASYNC_CANCELLED, or an error HRESULT. */
typedef HRESULT (*async_work_fn)(struct async_op *op, void *arg);

/* Start work(op, arg) on a new thread and return an IVssAsync for it.
 * On failure (E_OUTOFMEMORY, VSS_E_UNEXPECTED) the work never runs and
 * free_arg (if any) has been called. */
HRESULT async_run(async_work_fn work, void *arg, void (*free_arg)(void *arg), IVssAsync **out);

/* An IVssAsync for work that is already done with result hr (S_OK,
 * VSS_S_ASYNC_CANCELLED or an error). */
HRESULT async_finished(HRESULT hr, IVssAsync **out);

/* For the work's checkpoints: 1 once Cancel was called. */
int async_cancel_requested(struct async_op *op);

#endif
