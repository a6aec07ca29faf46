/*
 * thread.c: CreateThread and the thread objects it returns: signaled when
 * the thread function returns (or the thread calls ExitThread), with its
 * exit code.  Threads are detached pthreads; the object outlives the thread
 * for as long as a handle is open.  CREATE_SUSPENDED has no pthread
 * counterpart and is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

struct thread_start
{
    struct task_object *task;
    LPTHREAD_START_ROUTINE start;
    void *param;
};

static __thread struct task_object *current_task;

static void thread_destroy(struct kobject *obj)
{
    free(CONTAINING_RECORD(obj, struct task_object, obj));
}

static int thread_signaled(struct kobject *obj)
{
    return CONTAINING_RECORD(obj, struct task_object, obj)->ended;
}

static const struct kobject_ops thread_ops = { KOBJ_THREAD, thread_destroy, thread_signaled, NULL };

static void thread_end(struct task_object *task, DWORD code)
{
    pthread_mutex_lock(&sync_lock);
    task->ended = 1;
    task->exit_code = code;
    sync_signal_all();
    pthread_mutex_unlock(&sync_lock);
    kobject_release(&task->obj);   /* the thread's own reference */
}

static void *thread_main(void *arg)
{
    struct thread_start start = *(struct thread_start *)arg;
    DWORD code;

    free(arg);
    pthread_mutex_lock(&sync_lock);
    start.task->pid = (pid_t)GetCurrentThreadId();
    sync_signal_all();
    pthread_mutex_unlock(&sync_lock);
    current_task = start.task;
    code = start.start(start.param);
    current_task = NULL;
    thread_end(start.task, code);
    return NULL;
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES sa, SIZE_T stack, LPTHREAD_START_ROUTINE start, LPVOID param,
                           DWORD flags, LPDWORD id)
{
    struct thread_start *ts = NULL;
    struct task_object *task = NULL;
    pthread_attr_t attr;
    pthread_t thread;
    HANDLE handle = NULL;
    int ret;

    TRACE("%p, %zu, %p, %p, %#x, %p\n", sa, (size_t)stack, start, param, flags, id);
    (void)sa;
    if (!start)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (flags & CREATE_SUSPENDED)
    {
        SetLastError(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    if (!(task = calloc(1, sizeof(*task))) || !(ts = malloc(sizeof(*ts))))
    {
        free(task);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    kobject_init(&task->obj, &thread_ops);
    if (!(handle = handle_alloc(&task->obj)))
    {
        kobject_release(&task->obj);
        free(ts);
        return NULL;
    }
    ts->task = task;
    ts->start = start;
    ts->param = param;
    kobject_addref(&task->obj);   /* for the thread */
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (stack) pthread_attr_setstacksize(&attr, stack < 65536 ? 65536 : stack);
    ret = pthread_create(&thread, &attr, thread_main, ts);
    pthread_attr_destroy(&attr);
    if (ret)
    {
        free(ts);
        kobject_release(&task->obj);
        CloseHandle(handle);
        kobject_release(&task->obj);
        SetLastError(ret == EAGAIN ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (id)
    {
        /* the id is the kernel's thread id, known once the thread runs */
        pthread_mutex_lock(&sync_lock);
        while (!task->pid && !task->ended) sync_wait();
        *id = (DWORD)task->pid;
        pthread_mutex_unlock(&sync_lock);
    }
    kobject_release(&task->obj);   /* the creation reference; the handle keeps one */
    return handle;
}

void WINAPI ExitThread(DWORD code)
{
    struct task_object *task = current_task;

    TRACE("%u\n", code);
    current_task = NULL;
    if (task) thread_end(task, code);
    pthread_exit(NULL);
}

BOOL WINAPI GetExitCodeThread(HANDLE handle, LPDWORD code)
{
    struct kobject *obj;
    struct task_object *task;

    if (!code)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (handle == PSEUDO_THREAD_HANDLE)
    {
        *code = STILL_ACTIVE;
        return TRUE;
    }
    if (!(obj = handle_get(handle, KOBJ_THREAD))) return FALSE;
    task = CONTAINING_RECORD(obj, struct task_object, obj);
    pthread_mutex_lock(&sync_lock);
    if (task->process) *code = task->process->ended ? task->process->exit_code : STILL_ACTIVE;
    else *code = task->ended ? task->exit_code : STILL_ACTIVE;
    pthread_mutex_unlock(&sync_lock);
    kobject_release(obj);
    return TRUE;
}
