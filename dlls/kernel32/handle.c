/*
 * handle.c: the process's handle table and the reference counts of the
 * kernel objects behind it (kernel32_private.h says how handles look).
 * CloseHandle lives here; what closing does to an object (a file descriptor
 * closed, a process left running) is the object's destroy function's.
 *
 * Not for: waiting on objects (sync.c), the objects themselves (file.c,
 * sync.c, process.c, findfile.c, volume.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

#define MAX_HANDLES (1u << 20)

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kobject **table;
static unsigned int table_size, first_free;

void kobject_init(struct kobject *obj, const struct kobject_ops *ops)
{
    obj->ops = ops;
    obj->refcount = 1;
    obj->name = NULL;
}

void kobject_addref(struct kobject *obj)
{
    __atomic_add_fetch(&obj->refcount, 1, __ATOMIC_SEQ_CST);
}

void kobject_release(struct kobject *obj)
{
    if (!obj) return;
    if (__atomic_sub_fetch(&obj->refcount, 1, __ATOMIC_SEQ_CST)) return;
    free(obj->name);
    obj->ops->destroy(obj);
}

static unsigned int index_of(HANDLE handle)
{
    ULONG_PTR value = (ULONG_PTR)handle;

    if (!value || (value & 3) || value / 4 > MAX_HANDLES) return ~0u;
    return (unsigned int)(value / 4 - 1);
}

HANDLE handle_alloc(struct kobject *obj)
{
    unsigned int i;
    HANDLE ret = NULL;

    pthread_mutex_lock(&table_lock);
    for (i = first_free; i < table_size; i++)
        if (!table[i]) break;
    if (i == table_size)
    {
        unsigned int size = table_size ? table_size * 2 : 64;
        struct kobject **grown;

        if (table_size >= MAX_HANDLES)
        {
            SetLastError(ERROR_TOO_MANY_OPEN_FILES);
            goto done;
        }
        if (size > MAX_HANDLES) size = MAX_HANDLES;
        if (!(grown = realloc(table, size * sizeof(*grown))))
        {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            goto done;
        }
        memset(grown + table_size, 0, (size - table_size) * sizeof(*grown));
        table = grown;
        table_size = size;
    }
    kobject_addref(obj);
    table[i] = obj;
    first_free = i + 1;
    ret = (HANDLE)(ULONG_PTR)((i + 1) * 4);
done:
    pthread_mutex_unlock(&table_lock);
    return ret;
}

struct kobject *handle_get(HANDLE handle, enum kobject_type type)
{
    unsigned int i = index_of(handle);
    struct kobject *obj = NULL;

    pthread_mutex_lock(&table_lock);
    if (i < table_size && table[i] && (type == KOBJ_ANY || table[i]->ops->type == type))
    {
        obj = table[i];
        kobject_addref(obj);
    }
    pthread_mutex_unlock(&table_lock);
    if (!obj) SetLastError(ERROR_INVALID_HANDLE);
    return obj;
}

struct kobject *handle_take(HANDLE handle)
{
    unsigned int i = index_of(handle);
    struct kobject *obj = NULL;

    pthread_mutex_lock(&table_lock);
    if (i < table_size && table[i])
    {
        obj = table[i];
        table[i] = NULL;
        if (i < first_free) first_free = i;
    }
    pthread_mutex_unlock(&table_lock);
    return obj;
}

struct kobject *handle_find_named(const WCHAR *name, enum kobject_type type)
{
    struct kobject *obj = NULL;
    unsigned int i;

    if (!name) return NULL;
    pthread_mutex_lock(&table_lock);
    for (i = 0; i < table_size && !obj; i++)
    {
        if (!table[i] || !table[i]->name || table[i]->ops->type != type) continue;
        if (!wcscmp(table[i]->name, name))
        {
            obj = table[i];
            kobject_addref(obj);
        }
    }
    pthread_mutex_unlock(&table_lock);
    return obj;
}

BOOL WINAPI CloseHandle(HANDLE handle)
{
    struct kobject *obj;

    TRACE("%p\n", handle);
    if (handle == PSEUDO_PROCESS_HANDLE || handle == PSEUDO_THREAD_HANDLE) return TRUE;
    if (!(obj = handle_take(handle)))
    {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    kobject_release(obj);
    return TRUE;
}

BOOL WINAPI DuplicateHandle(HANDLE src_process, HANDLE src, HANDLE dst_process, LPHANDLE dst, DWORD access,
                            BOOL inherit, DWORD options)
{
    struct kobject *obj;
    HANDLE copy;

    TRACE("%p, %p, %p, %p, %#x, %d, %#x\n", src_process, src, dst_process, dst, access, inherit, options);
    (void)access;
    (void)inherit;
    if (!dst)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* one process: handles of other processes are not ours to duplicate */
    if (src_process != PSEUDO_PROCESS_HANDLE || dst_process != PSEUDO_PROCESS_HANDLE)
    {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    if (!(obj = handle_get(src, KOBJ_ANY))) return FALSE;
    copy = handle_alloc(obj);
    kobject_release(obj);
    if (!copy) return FALSE;
    if (options & DUPLICATE_CLOSE_SOURCE) CloseHandle(src);
    *dst = copy;
    return TRUE;
}

BOOL WINAPI GetHandleInformation(HANDLE handle, LPDWORD flags)
{
    struct kobject *obj;

    if (!flags)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(obj = handle_get(handle, KOBJ_ANY))) return FALSE;
    kobject_release(obj);
    /* no child process ever inherits a handle table from us */
    *flags = 0;
    return TRUE;
}

BOOL WINAPI SetHandleInformation(HANDLE handle, DWORD mask, DWORD flags)
{
    struct kobject *obj;

    (void)mask;
    (void)flags;
    if (!(obj = handle_get(handle, KOBJ_ANY))) return FALSE;
    kobject_release(obj);
    return TRUE;
}
