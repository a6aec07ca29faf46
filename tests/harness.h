/*
 * harness.h: how a test file registers its CUnit suites.
 *
 * Every tests/<kind>/test_*.c file becomes its own runner (tests/bin/<kind>_<name>)
 * linked with harness.c, which provides main().  A file lists its tests and
 * registers them with UMBRA_SUITE; registration happens at load time, so there is
 * no central list to edit.
 *
 *     static void test_alloc(void) { CU_ASSERT_PTR_NOT_NULL(SysAllocString(L"x")); }
 *     static CU_TestInfo bstr_tests[] = { { "alloc", test_alloc }, CU_TEST_INFO_NULL };
 *     UMBRA_SUITE(bstr, NULL, NULL, bstr_tests);
 *
 * Tests that need root or loop devices call umbra_require_root() in their suite
 * init: without root the runner says so loudly and the suite fails (CI runs as root,
 * so nothing is skipped silently).
 */
#ifndef UMBRA_TESTS_HARNESS_H
#define UMBRA_TESTS_HARNESS_H

#include <CUnit/CUnit.h>

#ifdef __cplusplus
extern "C" {
#endif

struct umbra_suite
{
    const char *name;
    CU_InitializeFunc init;
    CU_CleanupFunc cleanup;
    CU_TestInfo *tests;
    struct umbra_suite *next;
};

void umbra_register_suite(struct umbra_suite *suite);

#define UMBRA_SUITE(id, init_fn, cleanup_fn, tests_array)                          \
    static struct umbra_suite umbra_suite_##id = { #id, init_fn, cleanup_fn,       \
                                                   tests_array, 0 };                \
    __attribute__((constructor)) static void umbra_suite_register_##id(void)       \
    {                                                                               \
        umbra_register_suite(&umbra_suite_##id);                                    \
    }

/* Returns 0 when running as root; otherwise prints why and returns -1 (use as init). */
int umbra_require_root(void);

/* Directory of the running test binary's build tree (for finding tests/bin/ helpers). */
const char *umbra_build_dir(void);

/* Path of a helper program in tests/bin/ or bin/ (static buffer per call slot). */
const char *umbra_test_prog(const char *name);
const char *umbra_prog(const char *name);

/* A fresh private directory under $TMPDIR for this test run (removed at exit). */
const char *umbra_test_tmpdir(void);

/* Source tree (for tests/data and ../shared/samples). */
const char *umbra_source_dir(void);

/* Path to ../shared/samples/<rel> (or tests/data/samples/<rel> copy); NULL if absent. */
const char *umbra_sample_path(const char *rel);

#ifdef __cplusplus
}
#endif

#endif
