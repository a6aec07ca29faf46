/*
 * test_debug.c: the trace helpers format GUIDs and wide strings as the rest of
 * the code and the tests expect to read them.
 */
#include <string.h>
#include <windows.h>
#include "umbra/debug.h"
#include "harness.h"

static void test_debugstr_guid(void)
{
    static const GUID id = { 0x507c37b4, 0xcf5b, 0x4e95, { 0xb0, 0xaf, 0x14, 0xeb, 0x97, 0x67, 0x46, 0x7e } };

    CU_ASSERT_STRING_EQUAL(debugstr_guid(&id), "{507c37b4-cf5b-4e95-b0af-14eb9767467e}");
    CU_ASSERT_STRING_EQUAL(debugstr_guid(NULL), "(null)");
}

static void test_debugstr_w(void)
{
    CU_ASSERT_STRING_EQUAL(debugstr_w(L"C:\\x"), "L\"C:\\x5cx\"");
    CU_ASSERT_STRING_EQUAL(debugstr_w(NULL), "(null)");
    CU_ASSERT_STRING_EQUAL(debugstr_wn(L"abcdef", 3), "L\"abc\"");
    /* a long string is cut, not overrun */
    {
        WCHAR longstr[2000];
        wmemset(longstr, L'a', 1999);
        longstr[1999] = 0;
        CU_ASSERT(strlen(debugstr_w(longstr)) < 512);
    }
}

static CU_TestInfo debug_tests[] =
{
    { "debugstr_guid", test_debugstr_guid },
    { "debugstr_w", test_debugstr_w },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(debug, NULL, NULL, debug_tests);
