/*
 * kernel32_private.h: what the files of libumbra-kernel32 share and nobody
 * else sees: the handle table and its objects, the one lock and condition
 * that waits sleep on, and the string conversions of the Win32 boundary.
 *
 * A HANDLE is a small number, a multiple of 4 as on Windows, that indexes the
 * process's handle table; a value that is not in the table is
 * ERROR_INVALID_HANDLE, never a crash.  Each entry holds one reference to a
 * kernel object (struct kobject); lookups take another, so an object lives on
 * while a call uses it even if another thread closes its handle.
 */
#ifndef UMBRA_KERNEL32_PRIVATE_H
#define UMBRA_KERNEL32_PRIVATE_H

#include <pthread.h>
#include <sys/types.h>
#include <windows.h>

enum kobject_type
{
    KOBJ_FILE,
    KOBJ_EVENT,
    KOBJ_MUTEX,
    KOBJ_SEMAPHORE,
    KOBJ_PROCESS,
    KOBJ_THREAD,
    KOBJ_FIND_FILE,
    KOBJ_FIND_VOLUME,
    KOBJ_ANY = -1,
};

struct kobject;

struct kobject_ops
{
    enum kobject_type type;
    /* Frees the object once its last reference is gone. */
    void (*destroy)(struct kobject *obj);
    /* Waitable objects: is it signaled for the calling thread, and take it
     * (an auto-reset event resets, a mutex gets its owner) when a wait is
     * satisfied.  Both run under sync_lock. */
    int (*signaled)(struct kobject *obj);
    void (*acquire)(struct kobject *obj);
};

struct kobject
{
    const struct kobject_ops *ops;
    LONG refcount;
    WCHAR *name;              /* named synchronisation objects, else NULL */
};

void kobject_init(struct kobject *obj, const struct kobject_ops *ops);
void kobject_addref(struct kobject *obj);
void kobject_release(struct kobject *obj);

/* A new handle holding one reference of its own on obj; NULL with
 * ERROR_NOT_ENOUGH_MEMORY or ERROR_TOO_MANY_OPEN_FILES. */
HANDLE handle_alloc(struct kobject *obj);
/* The object behind handle, with a reference the caller releases; NULL with
 * ERROR_INVALID_HANDLE when the handle is not open or not of that type. */
struct kobject *handle_get(HANDLE handle, enum kobject_type type);
/* Remove the handle from the table and return its reference (or NULL). */
struct kobject *handle_take(HANDLE handle);
/* A named object of this type already in the table, referenced, or NULL. */
struct kobject *handle_find_named(const WCHAR *name, enum kobject_type type);

/* GetCurrentProcess() and GetCurrentThread(). */
#define PSEUDO_PROCESS_HANDLE ((HANDLE)(LONG_PTR)-1)
#define PSEUDO_THREAD_HANDLE ((HANDLE)(LONG_PTR)-2)

/* --- waits (sync.c) -------------------------------------------------------- */

/* Every waitable object's state changes under this lock, and every change
 * broadcasts sync_cond (CLOCK_MONOTONIC), which waiters sleep on. */
extern pthread_mutex_t sync_lock;
void sync_signal_all(void);   /* call with sync_lock held */
void sync_wait(void);         /* sleep until the next broadcast (sync_lock held) */

/* --- file objects (file.c) ------------------------------------------------- */

struct file_object
{
    struct kobject obj;
    int fd;
    int owns_fd;              /* close fd when destroyed (not for stdin/out/err) */
    DWORD access;             /* GENERIC_* / FILE_* rights asked for */
    DWORD flags;              /* FILE_FLAG_* */
    char *unix_path;          /* for FILE_FLAG_DELETE_ON_CLOSE, else NULL */
};

/* A file object for fd (taking ownership when owns_fd). */
struct file_object *file_object_create(int fd, int owns_fd, DWORD access, DWORD flags);
/* The file descriptor behind a file handle (no reference kept), or -1 with
 * ERROR_INVALID_HANDLE. */
int file_handle_fd(HANDLE handle);
/* The 32-bit serial number of the volume holding fd (GetVolumeInformation's
 * and GetFileInformationByHandle's, the same for both). */
DWORD k32_volume_serial(int fd);

/* --- processes and threads (process.c) -------------------------------------- */

/* Processes started by CreateProcess and threads by CreateThread: signaled
 * once they have ended, with their exit code. */
struct task_object
{
    struct kobject obj;
    pid_t pid;                /* processes */
    int ended;
    DWORD exit_code;
    int terminated;           /* TerminateProcess chose the exit code */
    struct task_object *process;   /* a process's main-thread object points at it */
};

/* --- strings ---------------------------------------------------------------- */

/* WCHAR <-> UTF-8, malloc'd; NULL in gives NULL out and success.  0 or
 * -ENOMEM / -EILSEQ. */
int k32_to_utf8(const WCHAR *str, char **out);
int k32_from_utf8(const char *str, WCHAR **out);
/* Copy a UTF-8 string into a WCHAR buffer the Win32 way: returns the length
 * without the NUL when it fits, else the size needed with the NUL (and sets
 * nothing).  A string that cannot be converted gives 0 and
 * ERROR_NO_UNICODE_TRANSLATION. */
DWORD k32_copy_out(const char *utf8, WCHAR *buffer, DWORD size);
DWORD k32_copy_out_w(const WCHAR *str, WCHAR *buffer, DWORD size);
/* The same for a narrow buffer (the A functions). */
DWORD k32_copy_out_a(const WCHAR *str, char *buffer, DWORD size);

/* SetLastError from a negative errno and return FALSE / 0. */
BOOL k32_fail_errno(int err);
/* Like k32_fail_errno, but ENOENT becomes ERROR_PATH_NOT_FOUND when a
 * directory on the way to path is missing (Windows tells the two apart). */
BOOL k32_fail_path_errno(int err, const char *unix_path);

/* --- paths (path.c) ------------------------------------------------------------ */

/* The POSIX path of a Windows path (malloc'd), see umbra/kernel32.h; on
 * failure the Win32 error is set and NULL returned. */
char *k32_unix_path(const WCHAR *name);
char *k32_unix_path_a(const char *name);
/* The same for a name the caller is about to create: its last component is
 * taken as spelled, without a search for another case of it. */
char *k32_unix_path_new(const WCHAR *name);

/* --- time (time.c) --------------------------------------------------------------- */

/* struct timespec (since 1970) <-> FILETIME. */
void k32_filetime_from_unix(time_t sec, long nsec, FILETIME *ft);
void k32_unix_from_filetime(const FILETIME *ft, time_t *sec, long *nsec);

/* --- attributes (fileinfo.c) ------------------------------------------------------ */

struct stat;
/* FILE_ATTRIBUTE_* for a file with this stat and (last component) name. */
DWORD k32_attributes_from_stat(const struct stat *st, const char *name, int read_only_fs);

#endif
