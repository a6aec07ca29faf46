/*
 * test_async.c: IVssAsync over background work (dlls/vssapi/async.c).
 *
 * Pins what VSS-FACTS.md §2.4 and Microsoft's IVssAsync pages say: Wait
 * returns S_OK and QueryStatus then gives VSS_S_ASYNC_FINISHED, _CANCELLED or
 * the error; VSS_S_ASYNC_PENDING while the work runs; a caller that only polls
 * QueryStatus sees the work finish; Cancel returns S_OK, then
 * VSS_S_ASYNC_CANCELLED, or VSS_S_ASYNC_FINISHED / the error once done.
 * The work is held on a gate the test opens, so nothing depends on timing.
 */
#define COBJMACROS
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <windows.h>
#include <vss.h>
#include "async.h"
#include "harness.h"

/* A gate the work waits on until the test opens it. */
struct gate
{
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int open;
    int started;
    int freed;
    int saw_cancel;
    HRESULT result;
    int wait_for_cancel;          /* the work polls async_cancel_requested instead of the gate */
};

static void gate_init(struct gate *gate, HRESULT result)
{
    pthread_mutex_init(&gate->lock, NULL);
    pthread_cond_init(&gate->cond, NULL);
    gate->open = gate->started = gate->freed = gate->saw_cancel = gate->wait_for_cancel = 0;
    gate->result = result;
}

static void gate_destroy(struct gate *gate)
{
    pthread_cond_destroy(&gate->cond);
    pthread_mutex_destroy(&gate->lock);
}

static void gate_open(struct gate *gate)
{
    pthread_mutex_lock(&gate->lock);
    gate->open = 1;
    pthread_cond_broadcast(&gate->cond);
    pthread_mutex_unlock(&gate->lock);
}

static void gate_wait_started(struct gate *gate)
{
    pthread_mutex_lock(&gate->lock);
    while (!gate->started) pthread_cond_wait(&gate->cond, &gate->lock);
    pthread_mutex_unlock(&gate->lock);
}

static HRESULT gated_work(struct async_op *op, void *arg)
{
    struct gate *gate = arg;
    HRESULT hr;

    pthread_mutex_lock(&gate->lock);
    gate->started = 1;
    pthread_cond_broadcast(&gate->cond);
    while (!gate->open) pthread_cond_wait(&gate->cond, &gate->lock);
    pthread_mutex_unlock(&gate->lock);

    if (async_cancel_requested(op))
    {
        gate->saw_cancel = 1;
        if (gate->wait_for_cancel) return VSS_S_ASYNC_CANCELLED;
    }
    hr = gate->result;
    return hr;
}

static void gate_free(void *arg)
{
    struct gate *gate = arg;

    pthread_mutex_lock(&gate->lock);
    gate->freed = 1;
    pthread_mutex_unlock(&gate->lock);
}

static HRESULT status_of(IVssAsync *async)
{
    HRESULT status = 0xdeadbeef;
    INT reserved = 42;

    CU_ASSERT_EQUAL(IVssAsync_QueryStatus(async, &status, &reserved), S_OK);
    return status;
}

static void test_finishes(void)
{
    struct gate gate;
    IVssAsync *async;

    gate_init(&gate, S_OK);
    CU_ASSERT_EQUAL_FATAL(async_run(gated_work, &gate, gate_free, &async), S_OK);
    gate_wait_started(&gate);
    /* §2.4: pending while the work runs; a zero-time Wait returns at once */
    CU_ASSERT_EQUAL(status_of(async), VSS_S_ASYNC_PENDING);
    CU_ASSERT_EQUAL(IVssAsync_Wait(async, 0), S_OK);
    CU_ASSERT_EQUAL(status_of(async), VSS_S_ASYNC_PENDING);
    gate_open(&gate);
    CU_ASSERT_EQUAL(IVssAsync_Wait(async, INFINITE), S_OK);
    CU_ASSERT_EQUAL(status_of(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(gate.freed);
    /* Cancel after the end: the operation had completed (Microsoft's Cancel page) */
    CU_ASSERT_EQUAL(IVssAsync_Cancel(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(IVssAsync_Release(async), 0);
    gate_destroy(&gate);
}

static void test_error(void)
{
    struct gate gate;
    IVssAsync *async;

    gate_init(&gate, VSS_E_PROVIDER_VETO);
    CU_ASSERT_EQUAL_FATAL(async_run(gated_work, &gate, NULL, &async), S_OK);
    gate_open(&gate);
    CU_ASSERT_EQUAL(IVssAsync_Wait(async, INFINITE), S_OK);
    CU_ASSERT_EQUAL(status_of(async), VSS_E_PROVIDER_VETO);
    /* Cancel returns the error of an operation that failed before it */
    CU_ASSERT_EQUAL(IVssAsync_Cancel(async), VSS_E_PROVIDER_VETO);
    IVssAsync_Release(async);
    gate_destroy(&gate);
}

static void test_poll_only(void)
{
    struct gate gate;
    IVssAsync *async;
    HRESULT status;
    unsigned int polls = 0;

    gate_init(&gate, S_OK);
    gate.open = 1;
    CU_ASSERT_EQUAL_FATAL(async_run(gated_work, &gate, NULL, &async), S_OK);
    /* a program that never calls Wait still sees the work finish */
    while ((status = status_of(async)) == VSS_S_ASYNC_PENDING)
    {
        sched_yield();
        polls++;
    }
    CU_ASSERT_EQUAL(status, VSS_S_ASYNC_FINISHED);
    IVssAsync_Release(async);
    gate_destroy(&gate);
}

static void test_cancel(void)
{
    struct gate gate;
    IVssAsync *async;

    gate_init(&gate, S_OK);
    gate.wait_for_cancel = 1;
    CU_ASSERT_EQUAL_FATAL(async_run(gated_work, &gate, NULL, &async), S_OK);
    gate_wait_started(&gate);
    CU_ASSERT_EQUAL(IVssAsync_Cancel(async), S_OK);
    /* asked twice: "had been canceled prior to calling this method" */
    CU_ASSERT_EQUAL(IVssAsync_Cancel(async), VSS_S_ASYNC_CANCELLED);
    gate_open(&gate);
    CU_ASSERT_EQUAL(IVssAsync_Wait(async, INFINITE), S_OK);
    CU_ASSERT(gate.saw_cancel);
    CU_ASSERT_EQUAL(status_of(async), VSS_S_ASYNC_CANCELLED);
    CU_ASSERT_EQUAL(IVssAsync_Cancel(async), VSS_S_ASYNC_CANCELLED);
    IVssAsync_Release(async);
    gate_destroy(&gate);
}

static void test_cancel_too_late(void)
{
    struct gate gate;
    IVssAsync *async;

    /* work past its point of no return ignores the request and finishes */
    gate_init(&gate, S_OK);
    CU_ASSERT_EQUAL_FATAL(async_run(gated_work, &gate, NULL, &async), S_OK);
    gate_wait_started(&gate);
    CU_ASSERT_EQUAL(IVssAsync_Cancel(async), S_OK);
    gate_open(&gate);
    IVssAsync_Wait(async, INFINITE);
    CU_ASSERT(gate.saw_cancel);
    CU_ASSERT_EQUAL(status_of(async), VSS_S_ASYNC_FINISHED);
    IVssAsync_Release(async);
    gate_destroy(&gate);
}

static void test_release_early(void)
{
    struct gate gate;
    IVssAsync *async;
    int freed;

    /* releasing the IVssAsync does not stop the work; the work still ends */
    gate_init(&gate, S_OK);
    CU_ASSERT_EQUAL_FATAL(async_run(gated_work, &gate, gate_free, &async), S_OK);
    gate_wait_started(&gate);
    CU_ASSERT_EQUAL(IVssAsync_Release(async), 0);
    gate_open(&gate);
    do
    {
        sched_yield();
        pthread_mutex_lock(&gate.lock);
        freed = gate.freed;
        pthread_mutex_unlock(&gate.lock);
    } while (!freed);
    CU_ASSERT(freed);
    /* let the worker leave before the gate goes away */
    pthread_mutex_lock(&gate.lock);
    pthread_mutex_unlock(&gate.lock);
    gate_destroy(&gate);
}

static void test_bad_args(void)
{
    IVssAsync *async;
    IUnknown *unk;
    void *other;

    CU_ASSERT_EQUAL_FATAL(async_finished(S_OK, &async), S_OK);
    CU_ASSERT_EQUAL(IVssAsync_QueryStatus(async, NULL, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(status_of(async), VSS_S_ASYNC_FINISHED);
    /* QueryInterface answers IUnknown and IVssAsync only */
    CU_ASSERT_EQUAL(IVssAsync_QueryInterface(async, &IID_IUnknown, (void **)&unk), S_OK);
    CU_ASSERT_PTR_EQUAL(unk, async);
    IUnknown_Release(unk);
    other = (void *)1;
    CU_ASSERT_EQUAL(IVssAsync_QueryInterface(async, &IID_IVssEnumObject, &other), E_NOINTERFACE);
    CU_ASSERT_PTR_NULL(other);
    CU_ASSERT_EQUAL(IVssAsync_QueryInterface(async, &IID_IVssAsync, NULL), E_POINTER);
    CU_ASSERT_EQUAL(IVssAsync_Release(async), 0);

    CU_ASSERT_EQUAL_FATAL(async_finished(VSS_E_BAD_STATE, &async), S_OK);
    CU_ASSERT_EQUAL(IVssAsync_Wait(async, 5), S_OK);
    CU_ASSERT_EQUAL(status_of(async), VSS_E_BAD_STATE);
    IVssAsync_Release(async);
}

static CU_TestInfo async_tests[] =
{
    { "work finishes: pending, then finished", test_finishes },
    { "work fails: the error is the status", test_error },
    { "polling QueryStatus alone completes", test_poll_only },
    { "Cancel stops cancellable work", test_cancel },
    { "Cancel after the point of no return", test_cancel_too_late },
    { "IVssAsync released before the work ends", test_release_early },
    { "bad arguments and QueryInterface", test_bad_args },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(async, NULL, NULL, async_tests);
