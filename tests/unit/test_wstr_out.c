/*
 * test_wstr_out.c: the shared string helpers of vssapi's metadata interfaces
 * (dlls/vssapi/wstr.h): bstr_out_utf8, which fills every BSTR out-parameter
 * of IVssComponent, IVssWMComponent, IVssWMFiledesc and IVssWMDependency,
 * and the all-or-nothing WCHAR -> UTF-8 conversion of several arguments that
 * IVssComponent and IVssCreateWriterMetadata setters use.
 */
#include <errno.h>
#include <string.h>
#include <windows.h>
#include <oleauto.h>
#include "harness.h"
#include "wstr.h"

/* An item that is not set: S_FALSE and NULL (VSS-FACTS.md §3.1, S_FALSE:
 * "no logical path"). */
static void test_bstr_out_absent(void)
{
    BSTR out = (BSTR)L"junk";

    CU_ASSERT_EQUAL(bstr_out_utf8(NULL, &out), S_FALSE);
    CU_ASSERT_PTR_NULL(out);
}

static void test_bstr_out_copy(void)
{
    BSTR out = NULL;

    CU_ASSERT_EQUAL(bstr_out_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80", &out), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(SysStringLen(out), 6);
    CU_ASSERT(!wcscmp(out, L"caf\u00e9 \U0001F600"));
    SysFreeString(out);

    CU_ASSERT_EQUAL(bstr_out_utf8("", &out), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(SysStringLen(out), 0);
    SysFreeString(out);
}

/* Text that is not UTF-8 is bad input, never a crash or a half string. */
static void test_bstr_out_bad_utf8(void)
{
    BSTR out = (BSTR)L"junk";

    CU_ASSERT_EQUAL(bstr_out_utf8("ab\xc0\xaf", &out), E_INVALIDARG);    /* overlong '/' */
    CU_ASSERT_PTR_NULL(out);
    out = (BSTR)L"junk";
    CU_ASSERT_EQUAL(bstr_out_utf8("\xed\xa0\x80", &out), E_INVALIDARG);  /* a surrogate */
    CU_ASSERT_PTR_NULL(out);
}

static void test_array_converts_all(void)
{
    const WCHAR *in[3] = { L"path", NULL, L"\u00e9" };
    char *out[3];

    CU_ASSERT_EQUAL_FATAL(wstr_to_utf8_array(in, out, 3), 0);
    CU_ASSERT_STRING_EQUAL(out[0], "path");
    CU_ASSERT_PTR_NULL(out[1]);                 /* optional strings stay absent */
    CU_ASSERT_STRING_EQUAL(out[2], "\xc3\xa9");
    utf8_array_free(out, 3);
    CU_ASSERT_PTR_NULL(out[0]);
    CU_ASSERT_PTR_NULL(out[2]);
}

/* A lone surrogate in the last argument: -EILSEQ and nothing left allocated
 * (the suites run under ASan and valgrind, which would report the first two). */
static void test_array_all_or_nothing(void)
{
    const WCHAR bad[] = { 'x', 0xd800, 0 };
    const WCHAR *in[3] = { L"one", L"two", bad };
    char *out[3] = { (char *)"junk", (char *)"junk", (char *)"junk" };

    CU_ASSERT_EQUAL(wstr_to_utf8_array(in, out, 3), -EILSEQ);
    CU_ASSERT_PTR_NULL(out[0]);
    CU_ASSERT_PTR_NULL(out[1]);
    CU_ASSERT_PTR_NULL(out[2]);
}

static CU_TestInfo wstr_out_tests[] =
{
    { "bstr_out_utf8 of an absent item", test_bstr_out_absent },
    { "bstr_out_utf8 copies", test_bstr_out_copy },
    { "bstr_out_utf8 refuses bad UTF-8", test_bstr_out_bad_utf8 },
    { "wstr_to_utf8_array converts every argument", test_array_converts_all },
    { "wstr_to_utf8_array is all or nothing", test_array_all_or_nothing },
    CU_TEST_INFO_NULL,
};
UMBRA_SUITE(wstr_out, NULL, NULL, wstr_out_tests);
