/*
 * test_crt_cxx.cpp: the C runtime mapping seen from C++.  Windows C++ code
 * includes <windows.h> and then the C++ library (<cstdio>, <cwchar>, <string>,
 * <iostream>), which undefines C macros it knows; wprintf & co. must still be
 * Microsoft's afterwards, std::swprintf too, and Microsoft's array template
 * overloads (swprintf(buf, fmt, ...), swprintf_s(buf, fmt, ...),
 * wcscpy_s(buf, src) ...) must pick up the array size.  libstdc++'s own use
 * of vsnprintf (std::to_string) must be unaffected.  NOMINMAX, as C++ code
 * on Windows does, keeps windef.h's min/max macros out of the C++ library.
 */
#define NOMINMAX
#include <windows.h>
#include <cstdio>
#include <cwchar>
#include <string>
#include <iostream>
#include <sstream>
#include <strsafe.h>
#include <tchar.h>
extern "C" {
#include "harness.h"
#include "lib/capture.h"
}

static void test_templates(void)
{
    wchar_t buf[8];
    char narrow[8];

    CU_ASSERT_EQUAL(swprintf(buf, L"%s|%S", L"w", "n"), 3);   /* size from the array */
    CU_ASSERT(!wcscmp(buf, L"w|n"));
    CU_ASSERT_EQUAL(swprintf(buf, L"%s", L"0123456789"), -1);
    CU_ASSERT(!wcscmp(buf, L"0123456"));
    CU_ASSERT_EQUAL(swprintf(buf, 8, L"%d", 12), 2);           /* the ISO form still works */
    CU_ASSERT_EQUAL(swprintf_s(buf, L"%I64d", -5LL), 2);
    CU_ASSERT(!wcscmp(buf, L"-5"));
    CU_ASSERT_EQUAL(swprintf_s(buf, L"%s", L"too long!"), -1);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(_snwprintf_s(buf, _TRUNCATE, L"%s", L"truncated"), -1);
    CU_ASSERT(!wcscmp(buf, L"truncat"));
    CU_ASSERT_EQUAL(sprintf_s(narrow, "%S", L"w\u00e9"), 3);
    CU_ASSERT_STRING_EQUAL(narrow, "w\xc3\xa9");
    CU_ASSERT_EQUAL(wcscpy_s(buf, L"abc"), 0);
    CU_ASSERT_EQUAL(wcscat_s(buf, L"def"), 0);
    CU_ASSERT(!wcscmp(buf, L"abcdef"));
    CU_ASSERT_EQUAL(wcscat_s(buf, L"gh"), ERANGE);
    CU_ASSERT_EQUAL(wcsncpy_s(buf, L"xyz", 2), 0);
    CU_ASSERT(!wcscmp(buf, L"xy"));
    CU_ASSERT_EQUAL(strcpy_s(narrow, "abc"), 0);
    CU_ASSERT_EQUAL(strcat_s(narrow, "de"), 0);
    CU_ASSERT_STRING_EQUAL(narrow, "abcde");
}

static void test_std_names(void)
{
    wchar_t buf[16];
    char narrow[16];

    /* std::swprintf is the mapped one: %s is a wide string */
    CU_ASSERT_EQUAL(std::swprintf(buf, 16, L"%s", L"std"), 3);
    CU_ASSERT(!wcscmp(buf, L"std"));
    CU_ASSERT_EQUAL(std::snprintf(narrow, sizeof(narrow), "%S", L"n"), 1);
    CU_ASSERT_STRING_EQUAL(narrow, "n");
    CU_ASSERT_EQUAL(_stprintf_s(narrow, 16, "%d", 3), 1);   /* narrow tchar: no UNICODE here */
}

static void test_libstdcxx(void)
{
    std::ostringstream os;

    CU_ASSERT(std::to_string(1.5) == "1.500000");
    CU_ASSERT(std::to_string(-42) == "-42");
    CU_ASSERT(std::to_wstring(42) == L"42");
    os << "value " << 7;
    CU_ASSERT(os.str() == "value 7");
}

static void test_output(void)
{
    struct umbra_capture cap;
    char *out;

    CU_ASSERT_EQUAL_FATAL(umbra_capture_begin(&cap, stdout), 0);
    wprintf(L"%s ", L"w\u00e9");
    std::wprintf(L"%S ", "n");
    printf("%ls\n", L"p");
    out = umbra_capture_end(&cap, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, "w\xc3\xa9 n p\n");
    free(out);
}

static CU_TestInfo crt_cxx_tests[] =
{
    { "array template overloads", test_templates },
    { "std:: names", test_std_names },
    { "libstdc++ unaffected", test_libstdcxx },
    { "output from C++", test_output },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(crt_cxx, NULL, NULL, crt_cxx_tests);
