/*
 * test_cotaskmem.c: COM task memory, which every string and array the VSS API
 * hands out is allocated with (VSS-FACTS.md §2.2 "Memory rules").  The edge
 * cases follow Microsoft's documentation: a zero-byte block is a valid
 * pointer, reallocating NULL allocates, reallocating to zero frees.
 */
#include <string.h>
#include <windows.h>
#include "harness.h"

static void test_alloc_free(void)
{
    char *p = CoTaskMemAlloc(0);

    CU_ASSERT_PTR_NOT_NULL(p);
    CoTaskMemFree(p);

    p = CoTaskMemAlloc(100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memset(p, 'x', 100);
    CoTaskMemFree(p);
    CoTaskMemFree(NULL);   /* no crash */
}

static void test_realloc(void)
{
    char *p = CoTaskMemRealloc(NULL, 8), *q;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memcpy(p, "1234567", 8);
    q = CoTaskMemRealloc(p, 4096);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_STRING_EQUAL(q, "1234567");   /* the content moves along */
    q[4095] = 'z';
    q = CoTaskMemRealloc(q, 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT(!memcmp(q, "1234", 4));
    CU_ASSERT_PTR_NULL(CoTaskMemRealloc(q, 0));   /* frees */

    p = CoTaskMemRealloc(NULL, 0);
    CU_ASSERT_PTR_NOT_NULL(p);
    CoTaskMemFree(p);
}

static CU_TestInfo cotaskmem_tests[] =
{
    { "CoTaskMemAlloc/Free", test_alloc_free },
    { "CoTaskMemRealloc", test_realloc },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(cotaskmem, NULL, NULL, cotaskmem_tests);
