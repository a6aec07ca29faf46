/*
 * test_kernel32_sync.c: the synchronisation a VSS writer or requester uses:
 * manual- and auto-reset events, named objects, WaitForSingleObject and
 * WaitForMultipleObjects (any and all, timeouts, bad arguments), mutexes
 * and their owners, semaphores and their limits, threads and their exit
 * codes, critical sections and the Interlocked functions.  No assertion
 * depends on how long something took.
 */
#include <pthread.h>
#include <windows.h>
#include "harness.h"

static void test_events(void)
{
    HANDLE manual = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE autoreset = CreateEventW(NULL, FALSE, TRUE, NULL);

    CU_ASSERT_FATAL(manual && autoreset);
    CU_ASSERT_EQUAL(WaitForSingleObject(manual, 0), WAIT_TIMEOUT);
    CU_ASSERT_EQUAL(WaitForSingleObject(manual, 10), WAIT_TIMEOUT);
    CU_ASSERT(SetEvent(manual));
    /* a manual-reset event stays set */
    CU_ASSERT_EQUAL(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
    CU_ASSERT_EQUAL(WaitForSingleObject(manual, INFINITE), WAIT_OBJECT_0);
    CU_ASSERT(ResetEvent(manual));
    CU_ASSERT_EQUAL(WaitForSingleObject(manual, 0), WAIT_TIMEOUT);
    /* an auto-reset event lets one wait through */
    CU_ASSERT_EQUAL(WaitForSingleObject(autoreset, 0), WAIT_OBJECT_0);
    CU_ASSERT_EQUAL(WaitForSingleObject(autoreset, 0), WAIT_TIMEOUT);
    CU_ASSERT(CloseHandle(manual));
    CU_ASSERT(CloseHandle(autoreset));
    SetLastError(0);
    CU_ASSERT(!SetEvent(manual));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_named_objects(void)
{
    HANDLE a, b, c, m;

    a = CreateEventW(NULL, TRUE, FALSE, L"umbra-test-event");
    CU_ASSERT_EQUAL(GetLastError(), ERROR_SUCCESS);
    b = CreateEventW(NULL, TRUE, FALSE, L"umbra-test-event");
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS);
    CU_ASSERT_FATAL(a && b && a != b);
    /* the same object */
    CU_ASSERT(SetEvent(a));
    CU_ASSERT_EQUAL(WaitForSingleObject(b, 0), WAIT_OBJECT_0);
    c = OpenEventW(EVENT_ALL_ACCESS, FALSE, L"umbra-test-event");
    CU_ASSERT_EQUAL(WaitForSingleObject(c, 0), WAIT_OBJECT_0);
    /* another kind of object cannot take the name */
    m = CreateMutexW(NULL, FALSE, L"umbra-test-event");
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    /* the narrow name is the same name */
    m = CreateEventA(NULL, TRUE, FALSE, "umbra-test-event");
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CloseHandle(m);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
    /* the name goes with the last handle */
    CU_ASSERT_PTR_NULL(OpenEventW(EVENT_ALL_ACCESS, FALSE, L"umbra-test-event"));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
}

static void test_wait_multiple(void)
{
    HANDLE e[3];
    int i;

    for (i = 0; i < 3; i++) e[i] = CreateEventW(NULL, TRUE, FALSE, NULL);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_TIMEOUT);
    SetEvent(e[2]);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 2);
    SetEvent(e[1]);
    /* the lowest index wins */
    CU_ASSERT_EQUAL(WaitForMultipleObjects(3, e, FALSE, INFINITE), WAIT_OBJECT_0 + 1);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(3, e, TRUE, 0), WAIT_TIMEOUT);
    SetEvent(e[0]);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(3, e, TRUE, 10), WAIT_OBJECT_0);

    /* bad arguments */
    SetLastError(0);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(0, e, FALSE, 0), WAIT_FAILED);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, e, FALSE, 0), WAIT_FAILED);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(1, NULL, FALSE, 0), WAIT_FAILED);
    {
        HANDLE twice[2] = { e[0], e[0] };
        CU_ASSERT_EQUAL(WaitForMultipleObjects(2, twice, TRUE, 0), WAIT_FAILED);
        CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    }
    SetLastError(0);
    CU_ASSERT_EQUAL(WaitForSingleObject((HANDLE)(ULONG_PTR)0x4444, 0), WAIT_FAILED);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    /* a file handle is nothing to wait for here */
    SetLastError(0);
    CU_ASSERT_EQUAL(WaitForSingleObject(GetStdHandle(STD_OUTPUT_HANDLE), 0), WAIT_FAILED);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    /* the pseudo handle of the process never ends for the process itself */
    CU_ASSERT_EQUAL(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
    for (i = 0; i < 3; i++) CloseHandle(e[i]);
}

struct setter
{
    HANDLE go, done;
};

static DWORD WINAPI set_later(LPVOID arg)
{
    struct setter *s = arg;

    WaitForSingleObject(s->go, INFINITE);
    SetEvent(s->done);
    return 42;
}

static void test_threads(void)
{
    struct setter s;
    DWORD id = 0, code = 0;
    HANDLE thread;

    s.go = CreateEventW(NULL, TRUE, FALSE, NULL);
    s.done = CreateEventW(NULL, FALSE, FALSE, NULL);
    thread = CreateThread(NULL, 0, set_later, &s, 0, &id);
    CU_ASSERT_FATAL(thread != NULL);
    CU_ASSERT(id != 0 && id != GetCurrentThreadId());
    CU_ASSERT(GetExitCodeThread(thread, &code));
    CU_ASSERT_EQUAL(code, STILL_ACTIVE);
    CU_ASSERT_EQUAL(WaitForSingleObject(thread, 0), WAIT_TIMEOUT);
    SetEvent(s.go);
    /* a wait that another thread ends */
    CU_ASSERT_EQUAL(WaitForSingleObject(s.done, INFINITE), WAIT_OBJECT_0);
    CU_ASSERT_EQUAL(WaitForSingleObject(thread, INFINITE), WAIT_OBJECT_0);
    CU_ASSERT(GetExitCodeThread(thread, &code));
    CU_ASSERT_EQUAL(code, 42);
    CloseHandle(thread);
    CloseHandle(s.go);
    CloseHandle(s.done);
    CU_ASSERT_PTR_NULL(CreateThread(NULL, 0, NULL, NULL, 0, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static DWORD WINAPI try_mutex(LPVOID arg)
{
    HANDLE mutex = arg;
    DWORD got = WaitForSingleObject(mutex, 0);

    /* not ours: releasing it is refused */
    if (!ReleaseMutex(mutex) && GetLastError() == ERROR_NOT_OWNER) got |= 0x100;
    return got;
}

static void test_mutexes(void)
{
    HANDLE mutex = CreateMutexW(NULL, TRUE, NULL), thread;
    DWORD code = 0;

    CU_ASSERT_FATAL(mutex != NULL);
    /* the owner may take it again */
    CU_ASSERT_EQUAL(WaitForSingleObject(mutex, 0), WAIT_OBJECT_0);
    thread = CreateThread(NULL, 0, try_mutex, mutex, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    CU_ASSERT_EQUAL(code, WAIT_TIMEOUT | 0x100);
    CloseHandle(thread);
    CU_ASSERT(ReleaseMutex(mutex));
    CU_ASSERT(ReleaseMutex(mutex));
    CU_ASSERT(!ReleaseMutex(mutex));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_OWNER);
    CloseHandle(mutex);
}

static void test_semaphores(void)
{
    HANDLE sem = CreateSemaphoreW(NULL, 1, 2, NULL);
    LONG previous = -1;

    CU_ASSERT_FATAL(sem != NULL);
    CU_ASSERT_EQUAL(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    CU_ASSERT_EQUAL(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
    CU_ASSERT(ReleaseSemaphore(sem, 2, &previous));
    CU_ASSERT_EQUAL(previous, 0);
    CU_ASSERT(!ReleaseSemaphore(sem, 1, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_TOO_MANY_POSTS);
    CU_ASSERT(!ReleaseSemaphore(sem, 0, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    CloseHandle(sem);
    CU_ASSERT_PTR_NULL(CreateSemaphoreW(NULL, 3, 2, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static CRITICAL_SECTION cs;
static LONG counter;            /* only touched inside cs */
static LONG volatile interlocked_counter;   /* only touched by Interlocked* */

static DWORD WINAPI count_up(LPVOID arg)
{
    int i;

    (void)arg;
    for (i = 0; i < 10000; i++)
    {
        EnterCriticalSection(&cs);
        counter++;
        LeaveCriticalSection(&cs);
        InterlockedIncrement(&interlocked_counter);
    }
    return 0;
}

static void test_critical_sections(void)
{
    HANDLE threads[4];
    LONG value = 5;
    int i;

    InitializeCriticalSection(&cs);
    counter = 0;
    interlocked_counter = 0;
    for (i = 0; i < 4; i++) threads[i] = CreateThread(NULL, 0, count_up, NULL, 0, NULL);
    CU_ASSERT_EQUAL(WaitForMultipleObjects(4, threads, TRUE, INFINITE), WAIT_OBJECT_0);
    CU_ASSERT_EQUAL(counter, 40000);
    CU_ASSERT_EQUAL(interlocked_counter, 40000);
    for (i = 0; i < 4; i++) CloseHandle(threads[i]);
    /* recursion */
    EnterCriticalSection(&cs);
    CU_ASSERT(TryEnterCriticalSection(&cs));
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);

    CU_ASSERT_EQUAL(InterlockedExchange(&value, 7), 5);
    CU_ASSERT_EQUAL(InterlockedCompareExchange(&value, 9, 6), 7);
    CU_ASSERT_EQUAL(value, 7);
    CU_ASSERT_EQUAL(InterlockedCompareExchange(&value, 9, 7), 7);
    CU_ASSERT_EQUAL(value, 9);
    CU_ASSERT_EQUAL(InterlockedDecrement(&value), 8);
    CU_ASSERT_EQUAL(InterlockedExchangeAdd(&value, 2), 8);
    CU_ASSERT_EQUAL(value, 10);
}

static void test_duplicate_handle(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL), copy = NULL;

    CU_ASSERT(DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), &copy, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    CU_ASSERT(copy != NULL && copy != event);
    CU_ASSERT(CloseHandle(event));
    /* the object lives on through the copy */
    CU_ASSERT(SetEvent(copy));
    CU_ASSERT_EQUAL(WaitForSingleObject(copy, 0), WAIT_OBJECT_0);
    CU_ASSERT(CloseHandle(copy));
}

static CU_TestInfo sync_tests[] =
{
    { "events", test_events },
    { "named objects", test_named_objects },
    { "WaitForMultipleObjects", test_wait_multiple },
    { "threads", test_threads },
    { "mutexes", test_mutexes },
    { "semaphores", test_semaphores },
    { "critical sections and Interlocked", test_critical_sections },
    { "DuplicateHandle", test_duplicate_handle },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_sync, NULL, NULL, sync_tests);
