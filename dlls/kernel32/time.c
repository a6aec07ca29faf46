/*
 * time.c: the kernel32 clocks and Sleep.  GetTickCount counts milliseconds
 * since boot including suspended time, as Windows does (CLOCK_BOOTTIME);
 * FILETIME counts 100 ns since 1601-01-01 UTC; SYSTEMTIME is its calendar
 * form (proleptic Gregorian), and "local" is the TZ of the process.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <windows.h>
#include "kernel32_private.h"

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

/* --- conversions ------------------------------------------------------------------ */

#define TICKS_PER_SEC 10000000ULL
#define TICKS_PER_MSEC 10000ULL

static ULONGLONG filetime_ticks(const FILETIME *ft)
{
    return (ULONGLONG)ft->dwHighDateTime << 32 | ft->dwLowDateTime;
}

static void set_filetime(FILETIME *ft, ULONGLONG t)
{
    ft->dwLowDateTime = (DWORD)t;
    ft->dwHighDateTime = (DWORD)(t >> 32);
}

void k32_filetime_from_unix(time_t sec, long nsec, FILETIME *ft)
{
    LONGLONG t = ((LONGLONG)sec + (LONGLONG)SECS_1601_TO_1970) * (LONGLONG)TICKS_PER_SEC + nsec / 100;

    set_filetime(ft, t < 0 ? 0 : (ULONGLONG)t);
}

void k32_unix_from_filetime(const FILETIME *ft, time_t *sec, long *nsec)
{
    ULONGLONG t = filetime_ticks(ft);

    *sec = (time_t)(t / TICKS_PER_SEC) - (time_t)SECS_1601_TO_1970;
    *nsec = (long)(t % TICKS_PER_SEC) * 100;
}

/* Days from 1601-01-01 to the first of January of year (proleptic Gregorian). */
static LONGLONG days_before_year(LONGLONG year)
{
    LONGLONG y = year - 1601;

    return y * 365 + y / 4 - y / 100 + y / 400;
}

static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

BOOL WINAPI FileTimeToSystemTime(const FILETIME *ft, LPSYSTEMTIME st)
{
    ULONGLONG t, days, rem;
    int year, month;

    if (!ft || !st)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    t = filetime_ticks(ft);
    /* Windows refuses values with the top bit set */
    if (t >> 63)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    days = t / (TICKS_PER_SEC * 86400);
    rem = t % (TICKS_PER_SEC * 86400);
    /* 1601-01-01 was a Monday */
    st->wDayOfWeek = (WORD)((days + 1) % 7);
    year = 1601 + (int)(days / 365);
    while (days_before_year(year) > (LONGLONG)days) year--;
    days -= days_before_year(year);
    for (month = 1; days >= (ULONGLONG)days_in_month(year, month); month++) days -= days_in_month(year, month);
    st->wYear = (WORD)year;
    st->wMonth = (WORD)month;
    st->wDay = (WORD)(days + 1);
    st->wHour = (WORD)(rem / (TICKS_PER_SEC * 3600));
    st->wMinute = (WORD)(rem / (TICKS_PER_SEC * 60) % 60);
    st->wSecond = (WORD)(rem / TICKS_PER_SEC % 60);
    st->wMilliseconds = (WORD)(rem / TICKS_PER_MSEC % 1000);
    return TRUE;
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *st, LPFILETIME ft)
{
    ULONGLONG days, t;
    int month;

    if (!st || !ft)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* wDayOfWeek is ignored, as on Windows */
    if (st->wYear < 1601 || st->wYear > 30827 || st->wMonth < 1 || st->wMonth > 12 || st->wDay < 1
        || st->wDay > days_in_month(st->wYear, st->wMonth) || st->wHour > 23 || st->wMinute > 59
        || st->wSecond > 59 || st->wMilliseconds > 999)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    days = (ULONGLONG)days_before_year(st->wYear);
    for (month = 1; month < st->wMonth; month++) days += days_in_month(st->wYear, month);
    days += st->wDay - 1;
    t = ((days * 24 + st->wHour) * 60 + st->wMinute) * 60 + st->wSecond;
    set_filetime(ft, t * TICKS_PER_SEC + st->wMilliseconds * TICKS_PER_MSEC);
    return TRUE;
}

void WINAPI GetSystemTime(LPSYSTEMTIME st)
{
    FILETIME ft;

    if (!st) return;
    GetSystemTimeAsFileTime(&ft);
    FileTimeToSystemTime(&ft, st);
}

/* The local time zone's offset from UTC, in seconds, at UTC time t. */
static long utc_offset_at(time_t t)
{
    struct tm tm;

    if (!localtime_r(&t, &tm)) return 0;
    return tm.tm_gmtoff;
}

void WINAPI GetLocalTime(LPSYSTEMTIME st)
{
    FILETIME utc, local;

    if (!st) return;
    GetSystemTimeAsFileTime(&utc);
    FileTimeToLocalFileTime(&utc, &local);
    FileTimeToSystemTime(&local, st);
}

BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *utc, LPFILETIME local)
{
    time_t sec;
    long nsec;

    if (!utc || !local)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    k32_unix_from_filetime(utc, &sec, &nsec);
    /* Windows applies the current bias, not the one in force at that time;
     * tm_gmtoff of the given time is what a Linux user expects from "local" */
    set_filetime(local, filetime_ticks(utc) + (LONGLONG)utc_offset_at(sec) * (LONGLONG)TICKS_PER_SEC);
    return TRUE;
}

BOOL WINAPI LocalFileTimeToFileTime(const FILETIME *local, LPFILETIME utc)
{
    time_t sec;
    long nsec, offset;

    if (!local || !utc)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    k32_unix_from_filetime(local, &sec, &nsec);
    /* the offset at the UTC instant near the local one */
    offset = utc_offset_at(sec - utc_offset_at(sec));
    set_filetime(utc, filetime_ticks(local) - (LONGLONG)offset * (LONGLONG)TICKS_PER_SEC);
    return TRUE;
}

LONG WINAPI CompareFileTime(const FILETIME *a, const FILETIME *b)
{
    ULONGLONG x, y;

    if (!a || !b) return a ? 1 : b ? -1 : 0;
    x = filetime_ticks(a);
    y = filetime_ticks(b);
    return x < y ? -1 : x > y ? 1 : 0;
}
