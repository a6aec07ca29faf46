/*
 * test_tchar.c: tchar.h and strsafe.h under UNICODE/_UNICODE, as Windows
 * programs are usually built: _T("x") is wide, every _t name the wide
 * function with Microsoft semantics, TCHAR (winnt.h) and _TCHAR agree.
 */
#define UNICODE
#define _UNICODE
#include <windows.h>
#include <tchar.h>
#include <strsafe.h>
#include "harness.h"
#include "lib/capture.h"

static void test_mapping(void)
{
    TCHAR buf[32];
    _TCHAR *dup;

    CU_ASSERT_EQUAL(sizeof(TCHAR), sizeof(wchar_t));
    CU_ASSERT_EQUAL(sizeof(_TCHAR), sizeof(wchar_t));
    CU_ASSERT_EQUAL(sizeof(_T("x")[0]), sizeof(wchar_t));
    CU_ASSERT_EQUAL(_tcslen(_T("abc")), 3);
    CU_ASSERT_EQUAL(_tcscpy_s(buf, 32, _T("Shadow")), 0);
    CU_ASSERT_EQUAL(_tcscat_s(buf, 32, _TEXT("Copy")), 0);
    CU_ASSERT_EQUAL(_tcscmp(buf, L"ShadowCopy"), 0);
    CU_ASSERT_EQUAL(_tcsicmp(buf, _T("SHADOWCOPY")), 0);
    CU_ASSERT_EQUAL(_ttoi(_T("123")), 123);
    CU_ASSERT_EQUAL(_stprintf_s(buf, 32, _T("%s-%d"), _T("v"), 2), 3);
    CU_ASSERT_EQUAL(_tcscmp(buf, _T("v-2")), 0);
    CU_ASSERT_EQUAL(_sntprintf(buf, 32, _T("%S"), "n"), 1);
    CU_ASSERT_PTR_NOT_NULL(_tcschr(buf, _T('n')));
    CU_ASSERT_EQUAL(StringCchPrintf(buf, 32, TEXT("%s"), TEXT("generic")), S_OK);
    CU_ASSERT_EQUAL(_tcscmp(buf, _T("generic")), 0);
    dup = _tcsdup(buf);
    CU_ASSERT(dup && !_tcscmp(dup, buf));
    free(dup);
    CU_ASSERT(_istdigit(_T('7')));
    CU_ASSERT_EQUAL(_totupper(_T('a')), _T('A'));
}

static void test_tprintf(void)
{
    struct umbra_capture cap;
    char *out;

    CU_ASSERT_EQUAL_FATAL(umbra_capture_begin(&cap, stdout), 0);
    CU_ASSERT_EQUAL(_tprintf(_T("%s %hs\n"), _T("t\u00e9"), "n"), 5);
    out = umbra_capture_end(&cap, NULL);
    CU_ASSERT_STRING_EQUAL(out, "t\xc3\xa9 n\n");
    free(out);
}

static CU_TestInfo tchar_tests[] =
{
    { "generic-text names", test_mapping },
    { "_tprintf", test_tprintf },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(tchar, NULL, NULL, tchar_tests);
