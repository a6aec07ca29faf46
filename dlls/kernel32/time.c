/*
 * time.c: the kernel32 clocks and Sleep.  GetTickCount counts milliseconds
 * since boot including suspended time, as Windows does (CLOCK_BOOTTIME);
 * FILETIME counts 100 ns since 1601-01-01 UTC.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <windows.h>

/* Seconds from 1601-01-01 to 1970-01-01. */
#define SECS_1601_TO_1970 11644473600ULL

void WINAPI Sleep(DWORD ms)
{
    struct timespec ts;

    if (ms == 0)
    {
        sched_yield();
        return;
    }
    if (ms == INFINITE)
    {
        for (;;)
        {
            ts.tv_sec = 3600;
            ts.tv_nsec = 0;
            nanosleep(&ts, NULL);
        }
    }
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    /* A signal must not cut the sleep short: carry on with what is left. */
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

ULONGLONG WINAPI GetTickCount64(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_BOOTTIME, &ts)) clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000 + (ULONGLONG)ts.tv_nsec / 1000000;
}

DWORD WINAPI GetTickCount(void)
{
    /* Wraps after 49.7 days, as on Windows. */
    return (DWORD)GetTickCount64();
}

void WINAPI GetSystemTimeAsFileTime(LPFILETIME ft)
{
    struct timespec ts;
    ULONGLONG t;

    if (!ft) return;
    clock_gettime(CLOCK_REALTIME, &ts);
    t = ((ULONGLONG)ts.tv_sec + SECS_1601_TO_1970) * 10000000ULL + (ULONGLONG)ts.tv_nsec / 100;
    ft->dwLowDateTime = (DWORD)t;
    ft->dwHighDateTime = (DWORD)(t >> 32);
}
