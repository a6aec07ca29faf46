/*
 * test_kernel32_format.c: FormatMessage, the way VSS programs print errors:
 * system messages for Win32 codes, their HRESULT_FROM_WIN32 forms and every
 * VSS HRESULT of VSS-FACTS.md §3.1 (one table with vssapi's names and texts,
 * so vssadmin's "Error:" lines and FormatMessage agree), ending in ".\r\n";
 * inserts with printf specs from a va_list or an argument array; the escapes;
 * buffers that are too small; FORMAT_MESSAGE_ALLOCATE_BUFFER with LocalFree;
 * and the narrow form.
 */
#include <stdarg.h>
#include <string.h>
#include <windows.h>
#include <vss.h>
#include "umbra/kernel32.h"
#include "errors.h"
#include "harness.h"

static DWORD fmt(DWORD flags, const WCHAR *source, DWORD id, WCHAR *buf, DWORD size, ...)
{
    va_list args;
    DWORD ret;

    va_start(args, size);
    ret = FormatMessageW(flags, source, id, 0, buf, size, &args);
    va_end(args);
    return ret;
}

static void test_system_messages(void)
{
    WCHAR buf[512], again[512];
    DWORD len;

    len = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_FILE_NOT_FOUND, 0, buf,
                         512, NULL);
    CU_ASSERT(len > 3);
    CU_ASSERT(!wcscmp(buf, L"The system cannot find the file specified.\r\n"));
    CU_ASSERT_EQUAL(len, wcslen(buf));
    /* the HRESULT form of a Win32 code says the same */
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, (DWORD)HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0,
                             again, 512, NULL));
    CU_ASSERT(!wcscmp(buf, again));
    /* 1 is ERROR_INVALID_FUNCTION for FormatMessage, although it is S_FALSE too */
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 1, 0, buf, 512, NULL));
    CU_ASSERT(!wcscmp(buf, L"The function is not valid.\r\n"));

    /* unknown: ERROR_MR_MID_NOT_FOUND */
    SetLastError(0);
    CU_ASSERT_EQUAL(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x12345, 0, buf, 512, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_MR_MID_NOT_FOUND);
    /* English is the one language */
    SetLastError(0);
    CU_ASSERT_EQUAL(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED,
                                   MAKELANGID(0x07 /* German */, SUBLANG_DEFAULT), buf, 512, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_RESOURCE_LANG_NOT_FOUND);
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED,
                             MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), buf, 512, NULL));
}

/* VSS-FACTS.md §3.1: every VSS code has a text, the same one vssapi gives. */
static void test_vss_messages(void)
{
    static const HRESULT codes[] =
    {
        VSS_E_BAD_STATE, VSS_E_UNEXPECTED, VSS_E_PROVIDER_VETO, VSS_E_OBJECT_NOT_FOUND, VSS_E_VOLUME_NOT_SUPPORTED,
        VSS_E_SNAPSHOT_SET_IN_PROGRESS, VSS_E_WRITER_NOT_RESPONDING, VSS_E_FLUSH_WRITES_TIMEOUT,
        VSS_E_HOLD_WRITES_TIMEOUT, VSS_E_WRITERERROR_TIMEOUT, VSS_E_WRITERERROR_RETRYABLE,
        VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, VSS_E_INSUFFICIENT_STORAGE, VSS_E_FSS_TIMEOUT,
        VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_PENDING, E_FAIL, E_NOINTERFACE, REGDB_E_CLASSNOTREG,
    };
    WCHAR buf[512], expected[512];
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(codes); i++)
    {
        const char *text = NULL, *name = NULL;

        CU_ASSERT_EQUAL(umbra_hresult_message(codes[i], &name, &text), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        /* vssapi's texts are this table */
        CU_ASSERT_PTR_EQUAL(hresult_text(codes[i]), text);
        CU_ASSERT_PTR_EQUAL(hresult_name(codes[i]), name);
        swprintf(expected, 512, L"%S.\r\n", text);
        CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)codes[i], 0,
                                 buf, 512, NULL) > 0);
        CU_ASSERT(!wcscmp(buf, expected));
    }
    /* a FACILITY_WIN32 HRESULT (E_INVALIDARG is one) says what its Win32 code says */
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, (DWORD)E_INVALIDARG, 0, buf, 512, NULL) > 0);
    CU_ASSERT(!wcscmp(buf, L"The parameter is incorrect.\r\n"));
    CU_ASSERT_EQUAL(umbra_hresult_message((HRESULT)0x80042305, NULL, NULL), -2);
    CU_ASSERT_EQUAL(umbra_win32_message(ERROR_DISK_FULL, NULL, NULL), 0);
}

static void test_inserts(void)
{
    WCHAR buf[256];
    DWORD_PTR array[3];

    CU_ASSERT_EQUAL(fmt(FORMAT_MESSAGE_FROM_STRING, L"%1 has %2!d! files%n%3!08X!%%", 0, buf, 256, L"vol", 42, 0xbeef), 27);
    CU_ASSERT(!wcscmp(buf, L"vol has 42 files\r\n0000BEEF%"));
    /* out of order, and twice */
    CU_ASSERT(fmt(FORMAT_MESSAGE_FROM_STRING, L"%2-%1-%2", 0, buf, 256, L"a", L"b"));
    CU_ASSERT(!wcscmp(buf, L"b-a-b"));
    /* %0 ends it without a line break; "% " "%." "%!" are literal */
    CU_ASSERT(fmt(FORMAT_MESSAGE_FROM_STRING, L"x% y%.z%!%0tail", 0, buf, 256));
    CU_ASSERT(!wcscmp(buf, L"x y.z!"));
    /* an array of DWORD_PTR */
    array[0] = (DWORD_PTR)L"first";
    array[1] = 7;
    array[2] = (DWORD_PTR)"narrow";
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY, L"%1/%2!u!/%3!S!", 0, 0, buf,
                             256, (va_list *)array));
    CU_ASSERT(!wcscmp(buf, L"first/7/narrow"));
    /* width and precision */
    CU_ASSERT(fmt(FORMAT_MESSAGE_FROM_STRING, L"[%1!5s!][%2!-4d!][%3!.2s!]", 0, buf, 256, L"ab", 9, L"xyz"));
    CU_ASSERT(!wcscmp(buf, L"[   ab][9   ][xy]"));
    /* inserts left alone */
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS, L"%1 %n", 0, 0, buf, 256,
                             NULL));
    CU_ASSERT(!wcscmp(buf, L"%1 %n"));
    /* an insert with nothing to insert */
    SetLastError(0);
    CU_ASSERT_EQUAL(FormatMessageW(FORMAT_MESSAGE_FROM_STRING, L"%1", 0, 0, buf, 256, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_buffers(void)
{
    WCHAR buf[8], *allocated = NULL;
    DWORD len;

    SetLastError(0);
    CU_ASSERT_EQUAL(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED, 0, buf, 8, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    len = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                         NULL, ERROR_ACCESS_DENIED, 0, (LPWSTR)&allocated, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(allocated);
    CU_ASSERT_EQUAL(len, wcslen(allocated));
    CU_ASSERT(!wcscmp(allocated, L"Access is denied.\r\n"));
    CU_ASSERT_PTR_NULL(LocalFree(allocated));
    /* a failure leaves the pointer NULL */
    allocated = (WCHAR *)1;
    CU_ASSERT_EQUAL(FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x7777777, 0,
                                   (LPWSTR)&allocated, 0, NULL), 0);
    CU_ASSERT_PTR_NULL(allocated);
    CU_ASSERT_EQUAL(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 5, 0, NULL, 0, NULL), 0);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    CU_ASSERT_EQUAL(FormatMessageW(0, NULL, 5, 0, buf, 8, NULL), 0);
}

static void test_width(void)
{
    WCHAR buf[256];

    /* 0xFF: the text's line breaks become spaces */
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL, ERROR_ACCESS_DENIED, 0,
                             buf, 256, NULL));
    CU_ASSERT(!wcscmp(buf, L"Access is denied. "));
    /* a width wraps at spaces */
    CU_ASSERT(FormatMessageW(FORMAT_MESSAGE_FROM_STRING | 10, L"aaaa bbbb cccc dddd", 0, 0, buf, 256, NULL));
    CU_ASSERT(!wcscmp(buf, L"aaaa bbbb\r\ncccc dddd"));
}

static void test_narrow(void)
{
    char buf[256], *allocated = NULL;

    CU_ASSERT(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_DISK_FULL, 0, buf, 256, NULL));
    CU_ASSERT_STRING_EQUAL(buf, "There is not enough space on the disk.\r\n");
    /* %1 is a narrow string in the narrow form */
    CU_ASSERT(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             "<%1>", 0, 0, (LPSTR)&allocated, 0, (va_list *)(DWORD_PTR[]){ (DWORD_PTR)"h\xc3\xa9" }));
    CU_ASSERT_PTR_NOT_NULL_FATAL(allocated);
    CU_ASSERT_STRING_EQUAL(allocated, "<h\xc3\xa9>");
    LocalFree(allocated);
}

static CU_TestInfo format_tests[] =
{
    { "system messages", test_system_messages },
    { "VSS messages are vssapi's", test_vss_messages },
    { "inserts and escapes", test_inserts },
    { "buffers", test_buffers },
    { "line widths", test_width },
    { "FormatMessageA", test_narrow },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_format, NULL, NULL, format_tests);
