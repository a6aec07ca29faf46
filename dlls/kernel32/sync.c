/*
 * sync.c: events, mutexes, semaphores, critical sections, and the waits on
 * them and on processes and threads (WaitForSingleObject and
 * WaitForMultipleObjects).
 *
 * Every waitable object keeps its state under one process-wide lock and
 * every change wakes all waiters, who look again: simple and fair enough for
 * the handful of objects a VSS program waits on.  Deadlines are measured on
 * CLOCK_MONOTONIC, so a change of the wall clock does not stretch a wait.
 *
 * Not for: the handle table (handle.c), starting processes and threads
 * (process.c, thread.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cond;
static pthread_once_t sync_once = PTHREAD_ONCE_INIT;
/* Create* of a named object: find-or-create must be one step. */
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

static void sync_init(void)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&sync_cond, &attr);
    pthread_condattr_destroy(&attr);
}

void sync_signal_all(void)
{
    pthread_once(&sync_once, sync_init);
    pthread_cond_broadcast(&sync_cond);
}

void sync_wait(void)
{
    pthread_once(&sync_once, sync_init);
    pthread_cond_wait(&sync_cond, &sync_lock);
}

/* --- events -------------------------------------------------------------------- */

struct event
{
    struct kobject obj;
    int manual_reset;
    int state;
};

static void event_destroy(struct kobject *obj)
{
    free(CONTAINING_RECORD(obj, struct event, obj));
}

static int event_signaled(struct kobject *obj)
{
    return CONTAINING_RECORD(obj, struct event, obj)->state;
}

static void event_acquire(struct kobject *obj)
{
    struct event *event = CONTAINING_RECORD(obj, struct event, obj);

    if (!event->manual_reset) event->state = 0;
}

static const struct kobject_ops event_ops = { KOBJ_EVENT, event_destroy, event_signaled, event_acquire };

/* The common part of the Create* functions: an existing object of that name
 * gets a new handle and ERROR_ALREADY_EXISTS; another type's name is
 * ERROR_INVALID_HANDLE, as on Windows. */
static HANDLE open_existing(const WCHAR *name, enum kobject_type type, int *found)
{
    static const enum kobject_type named_types[] = { KOBJ_EVENT, KOBJ_MUTEX, KOBJ_SEMAPHORE };
    struct kobject *obj;
    HANDLE handle;
    unsigned int i;

    *found = 0;
    if (!name) return NULL;
    for (i = 0; i < ARRAYSIZE(named_types); i++)
    {
        if (!(obj = handle_find_named(name, named_types[i]))) continue;
        *found = 1;
        if (named_types[i] != type)
        {
            kobject_release(obj);
            SetLastError(ERROR_INVALID_HANDLE);
            return NULL;
        }
        handle = handle_alloc(obj);
        kobject_release(obj);
        if (handle) SetLastError(ERROR_ALREADY_EXISTS);
        return handle;
    }
    return NULL;
}

/* Give obj its name and a handle; drops the creation reference. */
static HANDLE publish(struct kobject *obj, const WCHAR *name)
{
    HANDLE handle;

    if (name && !(obj->name = wcsdup(name)))
    {
        kobject_release(obj);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    handle = handle_alloc(obj);
    kobject_release(obj);
    if (handle) SetLastError(ERROR_SUCCESS);
    return handle;
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset, BOOL initial_state, LPCWSTR name)
{
    struct event *event;
    HANDLE handle;
    int found;

    TRACE("%p, %d, %d, %s\n", sa, manual_reset, initial_state, debugstr_w(name));
    (void)sa;
    pthread_mutex_lock(&names_lock);
    handle = open_existing(name, KOBJ_EVENT, &found);
    if (!found)
    {
        if (!(event = calloc(1, sizeof(*event)))) SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        else
        {
            kobject_init(&event->obj, &event_ops);
            event->manual_reset = !!manual_reset;
            event->state = !!initial_state;
            handle = publish(&event->obj, name);
        }
    }
    pthread_mutex_unlock(&names_lock);
    return handle;
}

HANDLE WINAPI OpenEventW(DWORD access, BOOL inherit, LPCWSTR name)
{
    struct kobject *obj;
    HANDLE handle;

    TRACE("%#x, %d, %s\n", access, inherit, debugstr_w(name));
    (void)access;
    (void)inherit;
    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!(obj = handle_find_named(name, KOBJ_EVENT)))
    {
        SetLastError(ERROR_FILE_NOT_FOUND);
        return NULL;
    }
    handle = handle_alloc(obj);
    kobject_release(obj);
    return handle;
}

static BOOL set_event_state(HANDLE handle, int state)
{
    struct kobject *obj = handle_get(handle, KOBJ_EVENT);

    if (!obj) return FALSE;
    pthread_mutex_lock(&sync_lock);
    CONTAINING_RECORD(obj, struct event, obj)->state = state;
    if (state) sync_signal_all();
    pthread_mutex_unlock(&sync_lock);
    kobject_release(obj);
    return TRUE;
}

BOOL WINAPI SetEvent(HANDLE event)
{
    TRACE("%p\n", event);
    return set_event_state(event, 1);
}

BOOL WINAPI ResetEvent(HANDLE event)
{
    TRACE("%p\n", event);
    return set_event_state(event, 0);
}

/* --- mutexes --------------------------------------------------------------------- */

struct mutex
{
    struct kobject obj;
    DWORD owner;          /* thread id, 0 when free */
    unsigned int count;   /* recursion */
};

static void mutex_destroy(struct kobject *obj)
{
    free(CONTAINING_RECORD(obj, struct mutex, obj));
}

static int mutex_signaled(struct kobject *obj)
{
    struct mutex *mutex = CONTAINING_RECORD(obj, struct mutex, obj);

    return !mutex->owner || mutex->owner == GetCurrentThreadId();
}

static void mutex_acquire(struct kobject *obj)
{
    struct mutex *mutex = CONTAINING_RECORD(obj, struct mutex, obj);

    mutex->owner = GetCurrentThreadId();
    mutex->count++;
}

static const struct kobject_ops mutex_ops = { KOBJ_MUTEX, mutex_destroy, mutex_signaled, mutex_acquire };

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner, LPCWSTR name)
{
    struct mutex *mutex;
    HANDLE handle;
    int found;

    TRACE("%p, %d, %s\n", sa, initial_owner, debugstr_w(name));
    (void)sa;
    pthread_mutex_lock(&names_lock);
    handle = open_existing(name, KOBJ_MUTEX, &found);
    if (!found)
    {
        if (!(mutex = calloc(1, sizeof(*mutex)))) SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        else
        {
            kobject_init(&mutex->obj, &mutex_ops);
            if (initial_owner)
            {
                mutex->owner = GetCurrentThreadId();
                mutex->count = 1;
            }
            handle = publish(&mutex->obj, name);
        }
    }
    pthread_mutex_unlock(&names_lock);
    return handle;
}

BOOL WINAPI ReleaseMutex(HANDLE handle)
{
    struct kobject *obj = handle_get(handle, KOBJ_MUTEX);
    struct mutex *mutex;
    BOOL ret = TRUE;

    TRACE("%p\n", handle);
    if (!obj) return FALSE;
    mutex = CONTAINING_RECORD(obj, struct mutex, obj);
    pthread_mutex_lock(&sync_lock);
    if (mutex->owner != GetCurrentThreadId())
    {
        SetLastError(ERROR_NOT_OWNER);
        ret = FALSE;
    }
    else if (!--mutex->count)
    {
        mutex->owner = 0;
        sync_signal_all();
    }
    pthread_mutex_unlock(&sync_lock);
    kobject_release(obj);
    return ret;
}

/* --- semaphores -------------------------------------------------------------------- */

struct semaphore
{
    struct kobject obj;
    LONG count, maximum;
};

static void semaphore_destroy(struct kobject *obj)
{
    free(CONTAINING_RECORD(obj, struct semaphore, obj));
}

static int semaphore_signaled(struct kobject *obj)
{
    return CONTAINING_RECORD(obj, struct semaphore, obj)->count > 0;
}

static void semaphore_acquire(struct kobject *obj)
{
    CONTAINING_RECORD(obj, struct semaphore, obj)->count--;
}

static const struct kobject_ops semaphore_ops =
{
    KOBJ_SEMAPHORE, semaphore_destroy, semaphore_signaled, semaphore_acquire
};

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum, LPCWSTR name)
{
    struct semaphore *sem;
    HANDLE handle;
    int found;

    TRACE("%p, %d, %d, %s\n", sa, initial, maximum, debugstr_w(name));
    (void)sa;
    if (maximum <= 0 || initial < 0 || initial > maximum)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    pthread_mutex_lock(&names_lock);
    handle = open_existing(name, KOBJ_SEMAPHORE, &found);
    if (!found)
    {
        if (!(sem = calloc(1, sizeof(*sem)))) SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        else
        {
            kobject_init(&sem->obj, &semaphore_ops);
            sem->count = initial;
            sem->maximum = maximum;
            handle = publish(&sem->obj, name);
        }
    }
    pthread_mutex_unlock(&names_lock);
    return handle;
}

BOOL WINAPI ReleaseSemaphore(HANDLE handle, LONG count, LPLONG previous)
{
    struct kobject *obj = handle_get(handle, KOBJ_SEMAPHORE);
    struct semaphore *sem;
    BOOL ret = TRUE;

    TRACE("%p, %d, %p\n", handle, count, previous);
    if (!obj) return FALSE;
    sem = CONTAINING_RECORD(obj, struct semaphore, obj);
    pthread_mutex_lock(&sync_lock);
    if (count <= 0)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        ret = FALSE;
    }
    else if (count > sem->maximum - sem->count)
    {
        SetLastError(ERROR_TOO_MANY_POSTS);
        ret = FALSE;
    }
    else
    {
        if (previous) *previous = sem->count;
        sem->count += count;
        sync_signal_all();
    }
    pthread_mutex_unlock(&sync_lock);
    kobject_release(obj);
    return ret;
}

/* --- waits ---------------------------------------------------------------------- */

/* GetCurrentProcess() and GetCurrentThread() can be waited on: they end with
 * the caller, so the wait times out. */
static int never_signaled(struct kobject *obj)
{
    (void)obj;
    return 0;
}

static void never_destroy(struct kobject *obj)
{
    (void)obj;
}

static const struct kobject_ops self_ops = { KOBJ_ANY, never_destroy, never_signaled, NULL };
static struct kobject self_object = { &self_ops, 1, NULL };

static struct kobject *waitable(HANDLE handle)
{
    struct kobject *obj;

    if (handle == PSEUDO_PROCESS_HANDLE || handle == PSEUDO_THREAD_HANDLE)
    {
        kobject_addref(&self_object);
        return &self_object;
    }
    if (!(obj = handle_get(handle, KOBJ_ANY))) return NULL;
    if (!obj->ops->signaled)
    {
        kobject_release(obj);
        SetLastError(ERROR_INVALID_HANDLE);
        return NULL;
    }
    return obj;
}

static void deadline_after(DWORD ms, struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L)
    {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Under sync_lock: the index satisfied now (after taking it), or -1. */
static int try_satisfy(struct kobject **objs, DWORD count, BOOL wait_all)
{
    DWORD i;

    if (wait_all)
    {
        for (i = 0; i < count; i++)
            if (!objs[i]->ops->signaled(objs[i])) return -1;
        for (i = 0; i < count; i++)
            if (objs[i]->ops->acquire) objs[i]->ops->acquire(objs[i]);
        return 0;
    }
    for (i = 0; i < count; i++)
    {
        if (!objs[i]->ops->signaled(objs[i])) continue;
        if (objs[i]->ops->acquire) objs[i]->ops->acquire(objs[i]);
        return (int)i;
    }
    return -1;
}

static DWORD wait_objects(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms)
{
    struct kobject *objs[MAXIMUM_WAIT_OBJECTS];
    struct timespec deadline;
    DWORD i, j, ret = WAIT_FAILED;
    int index, timed_out = 0;

    if (!count || count > MAXIMUM_WAIT_OBJECTS || !handles)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    for (i = 0; i < count; i++)
    {
        if (!(objs[i] = waitable(handles[i]))) goto done;
        /* the same object twice cannot be waited for "all" at once */
        for (j = 0; wait_all && j < i; j++)
        {
            if (objs[j] != objs[i]) continue;
            SetLastError(ERROR_INVALID_PARAMETER);
            i++;
            goto done;
        }
    }
    pthread_once(&sync_once, sync_init);
    if (ms != INFINITE) deadline_after(ms, &deadline);

    pthread_mutex_lock(&sync_lock);
    for (;;)
    {
        if ((index = try_satisfy(objs, count, wait_all)) >= 0)
        {
            ret = WAIT_OBJECT_0 + (DWORD)index;
            break;
        }
        if (!ms || timed_out)
        {
            ret = WAIT_TIMEOUT;
            break;
        }
        if (ms == INFINITE) pthread_cond_wait(&sync_cond, &sync_lock);
        else if (pthread_cond_timedwait(&sync_cond, &sync_lock, &deadline) == ETIMEDOUT) timed_out = 1;
    }
    pthread_mutex_unlock(&sync_lock);

done:
    while (i--) kobject_release(objs[i]);
    return ret;
}

DWORD WINAPI WaitForSingleObject(HANDLE handle, DWORD ms)
{
    TRACE("%p, %u\n", handle, ms);
    return wait_objects(1, &handle, FALSE, ms);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE handle, DWORD ms, BOOL alertable)
{
    /* no APCs are ever queued, so an alertable wait is a plain one */
    (void)alertable;
    return WaitForSingleObject(handle, ms);
}

DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms)
{
    TRACE("%u, %p, %d, %u\n", count, handles, wait_all, ms);
    return wait_objects(count, handles, wait_all, ms);
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms,
                                      BOOL alertable)
{
    (void)alertable;
    return WaitForMultipleObjects(count, handles, wait_all, ms);
}

DWORD WINAPI SleepEx(DWORD ms, BOOL alertable)
{
    (void)alertable;
    Sleep(ms);
    return 0;
}

/* --- critical sections ------------------------------------------------------------- */

static pthread_mutex_t *cs_mutex(LPCRITICAL_SECTION cs)
{
    return (pthread_mutex_t *)cs->LockSemaphore;
}

BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION cs, DWORD spin, DWORD flags)
{
    pthread_mutexattr_t attr;
    pthread_mutex_t *mutex;

    (void)flags;
    if (!cs)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memset(cs, 0, sizeof(*cs));
    if (!(mutex = malloc(sizeof(*mutex))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    cs->LockCount = -1;
    cs->SpinCount = spin;
    cs->LockSemaphore = mutex;
    return TRUE;
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION cs, DWORD spin)
{
    return InitializeCriticalSectionEx(cs, spin, 0);
}

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION cs)
{
    if (!InitializeCriticalSectionEx(cs, 0, 0)) ERR("cannot initialise critical section %p\n", cs);
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION cs)
{
    pthread_mutex_lock(cs_mutex(cs));
    cs->OwningThread = (HANDLE)(ULONG_PTR)GetCurrentThreadId();
    cs->RecursionCount++;
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION cs)
{
    if (pthread_mutex_trylock(cs_mutex(cs))) return FALSE;
    cs->OwningThread = (HANDLE)(ULONG_PTR)GetCurrentThreadId();
    cs->RecursionCount++;
    return TRUE;
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION cs)
{
    if (!--cs->RecursionCount) cs->OwningThread = NULL;
    pthread_mutex_unlock(cs_mutex(cs));
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION cs)
{
    if (!cs || !cs->LockSemaphore) return;
    pthread_mutex_destroy(cs_mutex(cs));
    free(cs->LockSemaphore);
    cs->LockSemaphore = NULL;
}

/* --- narrow names ----------------------------------------------------------------- */

static WCHAR *wide_name(LPCSTR name, BOOL *ok)
{
    WCHAR *wide = NULL;

    *ok = !k32_from_utf8(name, &wide);
    if (!*ok) SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    return wide;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset, BOOL initial_state, LPCSTR name)
{
    BOOL ok;
    WCHAR *wide = wide_name(name, &ok);
    HANDLE ret = ok ? CreateEventW(sa, manual_reset, initial_state, wide) : NULL;

    free(wide);
    return ret;
}

HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name)
{
    BOOL ok;
    WCHAR *wide = wide_name(name, &ok);
    HANDLE ret = ok ? OpenEventW(access, inherit, wide) : NULL;

    free(wide);
    return ret;
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner, LPCSTR name)
{
    BOOL ok;
    WCHAR *wide = wide_name(name, &ok);
    HANDLE ret = ok ? CreateMutexW(sa, initial_owner, wide) : NULL;

    free(wide);
    return ret;
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum, LPCSTR name)
{
    BOOL ok;
    WCHAR *wide = wide_name(name, &ok);
    HANDLE ret = ok ? CreateSemaphoreW(sa, initial, maximum, wide) : NULL;

    free(wide);
    return ret;
}
