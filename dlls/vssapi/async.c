/*
 * async.c: IVssAsync, the handle on a background operation (async.h says
 * what the operation promises).
 *
 * An operation is shared by its thread and by the IVssAsync object; the
 * last of the two to let go frees it.  If that is the IVssAsync, the thread
 * has already finished its work and is joined; if it is the thread (the
 * caller released the IVssAsync without waiting), the thread detaches itself.
 * Worker threads block every signal, so the host program's handlers keep
 * running on its own threads.
 */
#define COBJMACROS
#define CONST_VTABLE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <windows.h>
#include <vss.h>
#include "umbra/debug.h"
#include "async.h"
#include "errors.h"

struct async_op
{
    pthread_mutex_t lock;
    pthread_cond_t done;          /* signalled when running drops to 0 */
    unsigned int refs;            /* the thread (while it runs) + the IVssAsync */
    int running;
    int cancel;                   /* Cancel was called */
    int has_thread;
    pthread_t thread;
    HRESULT result;               /* S_OK, VSS_S_ASYNC_CANCELLED or an error once !running */
    async_work_fn work;
    void *arg;
    void (*free_arg)(void *arg);
};

struct async
{
    IVssAsync IVssAsync_iface;
    LONG refcount;
    struct async_op *op;          /* the work this object reports on */
};

static struct async_op *op_create(void)
{
    struct async_op *op = calloc(1, sizeof(*op));
    pthread_condattr_t attr;

    if (!op) return NULL;
    pthread_mutex_init(&op->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&op->done, &attr);
    pthread_condattr_destroy(&attr);
    return op;
}

static void op_destroy(struct async_op *op)
{
    pthread_cond_destroy(&op->done);
    pthread_mutex_destroy(&op->lock);
    free(op);
}

/* Drop one reference; from_thread says whether the worker itself drops it. */
static void op_release(struct async_op *op, int from_thread)
{
    unsigned int refs;

    pthread_mutex_lock(&op->lock);
    refs = --op->refs;
    pthread_mutex_unlock(&op->lock);
    if (refs) return;

    if (op->has_thread)
    {
        if (from_thread) pthread_detach(pthread_self());
        else pthread_join(op->thread, NULL);
    }
    op_destroy(op);
}

static void *op_thread(void *param)
{
    struct async_op *op = param;
    HRESULT hr;

    hr = op->work(op, op->arg);
    if (hr != S_OK && hr != VSS_S_ASYNC_CANCELLED && SUCCEEDED(hr))
    {
        /* a success code is only a success: report it as finished */
        TRACE("work %p returned %s, reported as finished\n", op, debugstr_hr(hr));
        hr = S_OK;
    }
    if (op->free_arg) op->free_arg(op->arg);
    op->arg = NULL;

    pthread_mutex_lock(&op->lock);
    op->result = hr;
    op->running = 0;
    pthread_cond_broadcast(&op->done);
    pthread_mutex_unlock(&op->lock);
    TRACE("operation %p done: %s\n", op, debugstr_hr(hr));

    op_release(op, 1);
    return NULL;
}

int async_cancel_requested(struct async_op *op)
{
    int cancel;

    pthread_mutex_lock(&op->lock);
    cancel = op->cancel;
    pthread_mutex_unlock(&op->lock);
    return cancel;
}

static struct async *impl_from_IVssAsync(IVssAsync *iface)
{
    return CONTAINING_RECORD(iface, struct async, IVssAsync_iface);
}

static HRESULT STDMETHODCALLTYPE async_QueryInterface(IVssAsync *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssAsync))
    {
        *out = iface;
        IVssAsync_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE async_AddRef(IVssAsync *iface)
{
    struct async *async = impl_from_IVssAsync(iface);
    ULONG refcount = __atomic_add_fetch(&async->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE async_Release(IVssAsync *iface)
{
    struct async *async = impl_from_IVssAsync(iface);
    ULONG refcount = __atomic_sub_fetch(&async->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        op_release(async->op, 0);
        free(async);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE async_Cancel(IVssAsync *iface)
{
    struct async *async = impl_from_IVssAsync(iface);
    struct async_op *op = async->op;
    HRESULT hr;

    TRACE("%p\n", iface);

    pthread_mutex_lock(&op->lock);
    if (op->running)
    {
        hr = op->cancel ? VSS_S_ASYNC_CANCELLED : S_OK;
        op->cancel = 1;
    }
    else if (op->result == S_OK)
        hr = VSS_S_ASYNC_FINISHED;
    else
        hr = op->result;          /* VSS_S_ASYNC_CANCELLED or the operation's error */
    pthread_mutex_unlock(&op->lock);
    return hr;
}

static HRESULT STDMETHODCALLTYPE async_Wait(IVssAsync *iface, DWORD timeout_ms)
{
    struct async *async = impl_from_IVssAsync(iface);
    struct async_op *op = async->op;
    struct timespec deadline;
    int ret = 0;

    TRACE("%p, %u\n", iface, timeout_ms);

    if (timeout_ms != INFINITE)
    {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
        if (deadline.tv_nsec >= 1000000000)
        {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
    }

    pthread_mutex_lock(&op->lock);
    while (op->running && ret != ETIMEDOUT)
    {
        if (timeout_ms == INFINITE) pthread_cond_wait(&op->done, &op->lock);
        else ret = pthread_cond_timedwait(&op->done, &op->lock, &deadline);
    }
    pthread_mutex_unlock(&op->lock);
    /* Microsoft: S_OK means "the wait is over, ask QueryStatus"; a wait that
     * timed out leaves QueryStatus saying VSS_S_ASYNC_PENDING. */
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE async_QueryStatus(IVssAsync *iface, HRESULT *status, INT *reserved)
{
    struct async *async = impl_from_IVssAsync(iface);
    struct async_op *op = async->op;

    TRACE("%p, %p, %p\n", iface, status, reserved);

    if (!status) return E_INVALIDARG;
    if (reserved) *reserved = 0;

    pthread_mutex_lock(&op->lock);
    if (op->running) *status = VSS_S_ASYNC_PENDING;
    else if (op->result == S_OK) *status = VSS_S_ASYNC_FINISHED;
    else *status = op->result;
    pthread_mutex_unlock(&op->lock);
    return S_OK;
}

static const IVssAsyncVtbl async_vtbl =
{
    async_QueryInterface,
    async_AddRef,
    async_Release,
    async_Cancel,
    async_Wait,
    async_QueryStatus,
};

static HRESULT async_create(struct async_op *op, IVssAsync **out)
{
    struct async *async = calloc(1, sizeof(*async));

    if (!async) return E_OUTOFMEMORY;
    async->IVssAsync_iface.lpVtbl = &async_vtbl;
    async->refcount = 1;
    async->op = op;
    *out = &async->IVssAsync_iface;
    return S_OK;
}

HRESULT async_run(async_work_fn work, void *arg, void (*free_arg)(void *arg), IVssAsync **out)
{
    struct async_op *op;
    sigset_t all, old;
    HRESULT hr;
    int err;

    *out = NULL;
    if (!(op = op_create()))
    {
        hr = E_OUTOFMEMORY;
        goto fail;
    }
    op->work = work;
    op->arg = arg;
    op->free_arg = free_arg;
    op->running = 1;
    op->refs = 2;                 /* the thread and the IVssAsync */

    if (FAILED(hr = async_create(op, out)))
    {
        op_destroy(op);
        goto fail;
    }

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&op->thread, NULL, op_thread, op);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err)
    {
        WARN("cannot start a thread for the operation: %s\n", strerror(err));
        free(impl_from_IVssAsync(*out));
        *out = NULL;
        op_destroy(op);
        hr = err == EAGAIN ? E_OUTOFMEMORY : VSS_E_UNEXPECTED;
        goto fail;
    }
    op->has_thread = 1;
    TRACE("operation %p started, async %p\n", op, *out);
    return S_OK;

fail:
    if (free_arg) free_arg(arg);
    return hr;
}

HRESULT async_finished(HRESULT result, IVssAsync **out)
{
    struct async_op *op;
    HRESULT hr;

    *out = NULL;
    if (!(op = op_create())) return E_OUTOFMEMORY;
    op->refs = 1;
    op->result = (result == S_OK || result == VSS_S_ASYNC_CANCELLED || FAILED(result)) ? result : S_OK;
    if (FAILED(hr = async_create(op, out))) op_destroy(op);
    return hr;
}
