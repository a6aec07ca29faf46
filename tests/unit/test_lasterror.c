/*
 * test_lasterror.c: the kernel32 basics: the per-thread last error and its
 * errno mapping, LocalAlloc/LocalFree, the clocks and the process and thread
 * ids.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <windows.h>
#include "umbra/kernel32.h"
#include "harness.h"

static void *other_thread_error(void *arg)
{
    DWORD *seen = arg;

    seen[0] = GetLastError();   /* a new thread starts with 0 */
    SetLastError(ERROR_ACCESS_DENIED);
    seen[1] = GetLastError();
    seen[2] = GetCurrentThreadId();
    return NULL;
}

static void test_last_error_per_thread(void)
{
    DWORD seen[3] = { 0xdead, 0xdead, 0 };
    pthread_t thread;

    SetLastError(ERROR_FILE_NOT_FOUND);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, other_thread_error, seen), 0);
    pthread_join(thread, NULL);
    CU_ASSERT_EQUAL(seen[0], 0);
    CU_ASSERT_EQUAL(seen[1], ERROR_ACCESS_DENIED);
    /* the other thread's error did not leak into this one */
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    CU_ASSERT_NOT_EQUAL(seen[2], GetCurrentThreadId());
    SetLastError(0xdeadbeef);
    CU_ASSERT_EQUAL(GetLastError(), 0xdeadbeef);
}

static void test_errno_mapping(void)
{
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(0), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(ENOENT), ERROR_FILE_NOT_FOUND);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(-ENOENT), ERROR_FILE_NOT_FOUND);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(EACCES), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(ENOMEM), ERROR_NOT_ENOUGH_MEMORY);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(EINVAL), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(ENOSPC), ERROR_DISK_FULL);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(EEXIST), ERROR_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(umbra_win32_error_from_errno(99999), ERROR_GEN_FAILURE);
    umbra_set_last_error_from_errno(-ENOTDIR);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
}

static void test_local_alloc(void)
{
    unsigned char *p;
    size_t i;
    int zero = 1;

    p = LocalAlloc(LPTR, 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (i = 0; i < 64; i++) zero &= p[i] == 0;
    CU_ASSERT(zero);
    CU_ASSERT_PTR_NULL(LocalFree(p));

    /* zero bytes still give a block that LocalFree takes */
    p = LocalAlloc(LMEM_FIXED, 0);
    CU_ASSERT_PTR_NOT_NULL(p);
    CU_ASSERT_PTR_NULL(LocalFree(p));
    CU_ASSERT_PTR_NULL(LocalFree(NULL));

    SetLastError(0);
    CU_ASSERT_PTR_NULL(LocalAlloc(0x0002 /* LMEM_MOVEABLE */, 16));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_clocks(void)
{
    FILETIME ft;
    ULONGLONG t, ticks1, ticks2;
    long long unix_secs;

    GetSystemTimeAsFileTime(&ft);
    t = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    /* FILETIME counts 100 ns since 1601: convert back and compare with time() */
    unix_secs = (long long)(t / 10000000ULL) - 11644473600LL;
    CU_ASSERT(llabs(unix_secs - (long long)time(NULL)) <= 60);
    GetSystemTimeAsFileTime(NULL);   /* no crash */

    ticks1 = GetTickCount64();
    Sleep(0);
    Sleep(2);
    ticks2 = GetTickCount64();
    CU_ASSERT(ticks2 >= ticks1);
    CU_ASSERT(ticks1 > 0);
    CU_ASSERT((DWORD)(GetTickCount() - (DWORD)ticks1) < 0x80000000u);
}

static void test_ids(void)
{
    CU_ASSERT_EQUAL(GetCurrentProcessId(), (DWORD)getpid());
    CU_ASSERT_EQUAL(GetCurrentThreadId(), (DWORD)syscall(SYS_gettid));
}

static CU_TestInfo lasterror_tests[] =
{
    { "last error is per thread", test_last_error_per_thread },
    { "errno maps to Win32 codes", test_errno_mapping },
    { "LocalAlloc/LocalFree", test_local_alloc },
    { "clocks", test_clocks },
    { "process and thread ids", test_ids },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(kernel32, NULL, NULL, lasterror_tests);
