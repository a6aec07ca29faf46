/*
 * test_kernel32_time.c: FILETIME and SYSTEMTIME (VSS_TIMESTAMP is a FILETIME
 * count, VSS-FACTS.md §3.2): known instants both ways, the weekday, leap
 * years, invalid fields refused, local time through TZ, CompareFileTime, and
 * GetDateFormat/GetTimeFormat with en-US defaults, pictures, quoted text,
 * flags and buffer sizes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <windows.h>
#include "harness.h"

static FILETIME ft_of(ULONGLONG t)
{
    FILETIME ft;

    ft.dwLowDateTime = (DWORD)t;
    ft.dwHighDateTime = (DWORD)(t >> 32);
    return ft;
}

static ULONGLONG ticks(const FILETIME *ft)
{
    return (ULONGLONG)ft->dwHighDateTime << 32 | ft->dwLowDateTime;
}

static void test_file_time_to_system_time(void)
{
    SYSTEMTIME st;
    FILETIME ft = ft_of(0);

    CU_ASSERT(FileTimeToSystemTime(&ft, &st));
    /* 1601-01-01 was a Monday */
    CU_ASSERT(st.wYear == 1601 && st.wMonth == 1 && st.wDay == 1 && st.wDayOfWeek == 1);
    ft = ft_of(116444736000000000ULL);   /* the Unix epoch */
    CU_ASSERT(FileTimeToSystemTime(&ft, &st));
    CU_ASSERT(st.wYear == 1970 && st.wMonth == 1 && st.wDay == 1 && st.wDayOfWeek == 4 && st.wHour == 0);
    /* 2024-02-29 12:34:56.789 UTC, a Thursday */
    ft = ft_of(133536836967890000ULL);
    CU_ASSERT(FileTimeToSystemTime(&ft, &st));
    CU_ASSERT(st.wYear == 2024 && st.wMonth == 2 && st.wDay == 29 && st.wDayOfWeek == 4);
    CU_ASSERT(st.wHour == 12 && st.wMinute == 34 && st.wSecond == 56 && st.wMilliseconds == 789);
    ft = ft_of(0x8000000000000000ULL);
    CU_ASSERT(!FileTimeToSystemTime(&ft, &st));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    CU_ASSERT(!FileTimeToSystemTime(NULL, &st));
}

static void test_system_time_to_file_time(void)
{
    SYSTEMTIME st = { 2024, 2, 0, 29, 12, 34, 56, 789 }, back;
    FILETIME ft;

    CU_ASSERT(SystemTimeToFileTime(&st, &ft));
    CU_ASSERT_EQUAL(ticks(&ft), 133536836967890000ULL);
    CU_ASSERT(FileTimeToSystemTime(&ft, &back));
    CU_ASSERT(!memcmp(&back.wYear, &st.wYear, sizeof(WORD) * 2));
    CU_ASSERT_EQUAL(back.wDay, 29);
    /* 2023 had no February 29; other fields out of range */
    st.wYear = 2023;
    SetLastError(0);
    CU_ASSERT(!SystemTimeToFileTime(&st, &ft));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    st.wYear = 2000;   /* divisible by 400: a leap year */
    CU_ASSERT(SystemTimeToFileTime(&st, &ft));
    st.wYear = 1900;   /* divisible by 100: not */
    CU_ASSERT(!SystemTimeToFileTime(&st, &ft));
    st.wYear = 2024;
    st.wHour = 24;
    CU_ASSERT(!SystemTimeToFileTime(&st, &ft));
    st.wHour = 0;
    st.wMonth = 13;
    CU_ASSERT(!SystemTimeToFileTime(&st, &ft));
    st.wMonth = 1;
    st.wYear = 1600;
    CU_ASSERT(!SystemTimeToFileTime(&st, &ft));
}

static void test_now_and_local(void)
{
    FILETIME now, local, utc;
    SYSTEMTIME st;
    time_t t = time(NULL);

    GetSystemTimeAsFileTime(&now);
    /* within a minute of time() */
    CU_ASSERT(ticks(&now) / 10000000ULL - 11644473600ULL + 60 > (ULONGLONG)t);
    CU_ASSERT(ticks(&now) / 10000000ULL - 11644473600ULL < (ULONGLONG)t + 60);
    GetSystemTime(&st);
    CU_ASSERT(st.wYear >= 2024);

    setenv("TZ", "UTC-2", 1);   /* two hours east of UTC */
    tzset();
    CU_ASSERT(FileTimeToLocalFileTime(&now, &local));
    CU_ASSERT_EQUAL(ticks(&local) - ticks(&now), 2ULL * 3600 * 10000000ULL);
    CU_ASSERT(LocalFileTimeToFileTime(&local, &utc));
    CU_ASSERT_EQUAL(ticks(&utc), ticks(&now));
    setenv("TZ", "UTC", 1);
    tzset();
    CU_ASSERT(FileTimeToLocalFileTime(&now, &local));
    CU_ASSERT_EQUAL(ticks(&local), ticks(&now));
    unsetenv("TZ");
    tzset();
}

static void test_compare(void)
{
    FILETIME a = ft_of(5), b = ft_of(0x100000000ULL), c = ft_of(5);

    CU_ASSERT_EQUAL(CompareFileTime(&a, &b), -1);
    CU_ASSERT_EQUAL(CompareFileTime(&b, &a), 1);
    CU_ASSERT_EQUAL(CompareFileTime(&a, &c), 0);
}

static void test_date_format(void)
{
    SYSTEMTIME st = { 2024, 3, 0, 5, 14, 7, 9, 0 };
    WCHAR buf[128];

    CU_ASSERT_EQUAL(GetDateFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 128), 9);
    CU_ASSERT(!wcscmp(buf, L"3/5/2024"));
    CU_ASSERT(GetDateFormatW(LOCALE_USER_DEFAULT, DATE_LONGDATE, &st, NULL, buf, 128));
    CU_ASSERT(!wcscmp(buf, L"Tuesday, March 5, 2024"));
    CU_ASSERT(GetDateFormatW(LOCALE_SYSTEM_DEFAULT, 0, &st, L"yyyy'-'MM'-'dd ddd MMM yy 'it''s'", buf, 128));
    CU_ASSERT(!wcscmp(buf, L"2024-03-05 Tue Mar 24 it's"));
    CU_ASSERT(GetDateFormatW(LOCALE_USER_DEFAULT, DATE_YEARMONTH, &st, NULL, buf, 128));
    CU_ASSERT(!wcscmp(buf, L"March 2024"));
    /* size 0: the size needed; too small: ERROR_INSUFFICIENT_BUFFER */
    CU_ASSERT_EQUAL(GetDateFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, NULL, 0), 9);
    SetLastError(0);
    CU_ASSERT_EQUAL(GetDateFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 4), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    /* a format and a format flag together */
    CU_ASSERT_EQUAL(GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &st, L"d", buf, 128), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_FLAGS);
    st.wMonth = 2;
    st.wDay = 30;
    CU_ASSERT_EQUAL(GetDateFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 128), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    /* now */
    CU_ASSERT(GetDateFormatW(LOCALE_USER_DEFAULT, 0, NULL, NULL, buf, 128) > 8);
}

static void test_time_format(void)
{
    SYSTEMTIME st = { 2024, 3, 2, 5, 14, 7, 9, 0 };
    WCHAR buf[128];
    char narrow[64];

    CU_ASSERT_EQUAL(GetTimeFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 128), 11);
    CU_ASSERT(!wcscmp(buf, L"2:07:09 PM"));
    CU_ASSERT(GetTimeFormatW(LOCALE_USER_DEFAULT, TIME_NOSECONDS, &st, NULL, buf, 128));
    CU_ASSERT(!wcscmp(buf, L"2:07 PM"));
    CU_ASSERT(GetTimeFormatW(LOCALE_USER_DEFAULT, TIME_NOMINUTESORSECONDS | TIME_NOTIMEMARKER, &st, NULL, buf, 128));
    CU_ASSERT(!wcscmp(buf, L"2"));
    CU_ASSERT(GetTimeFormatW(LOCALE_USER_DEFAULT, TIME_FORCE24HOURFORMAT, &st, L"hh:mm:ss tt", buf, 128));
    CU_ASSERT(!wcscmp(buf, L"14:07:09 "));
    CU_ASSERT(GetTimeFormatW(LOCALE_USER_DEFAULT, 0, &st, L"HH'h'mm t", buf, 128));
    CU_ASSERT(!wcscmp(buf, L"14h07 P"));
    st.wHour = 0;
    CU_ASSERT(GetTimeFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 128));
    CU_ASSERT(!wcscmp(buf, L"12:07:09 AM"));
    st.wMinute = 60;
    SetLastError(0);
    CU_ASSERT_EQUAL(GetTimeFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 128), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    st.wMinute = 7;
    CU_ASSERT_EQUAL(GetTimeFormatA(LOCALE_USER_DEFAULT, 0, &st, "H:mm", narrow, 64), 5);
    CU_ASSERT_STRING_EQUAL(narrow, "0:07");
}

static CU_TestInfo time_tests[] =
{
    { "FileTimeToSystemTime", test_file_time_to_system_time },
    { "SystemTimeToFileTime", test_system_time_to_file_time },
    { "now, and local time", test_now_and_local },
    { "CompareFileTime", test_compare },
    { "GetDateFormat", test_date_format },
    { "GetTimeFormat", test_time_format },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_time, NULL, NULL, time_tests);
