/*
 * test_wmain.c: a program that defines only wmain (as _tmain does under
 * _UNICODE) starts through libumbra-msvcrt's main, gets its UTF-8 arguments
 * as wide strings, and its return value becomes the exit code.  Runs
 * tests/bin/wmain_echo (tests/progs/wmain_echo.c).
 */
#include <string.h>
#include <sys/wait.h>
#include <windows.h>
#include "harness.h"

static void test_wmain_arguments(void)
{
    char cmd[4096], out[256];
    size_t n;
    FILE *p;
    int status;

    CU_ASSERT_FATAL(snprintf(cmd, sizeof(cmd), "'%s' plain 'h\xc3\xa9 \xf0\x9f\x98\x80' ''",
                             umbra_test_prog("wmain_echo")) < (int)sizeof(cmd));
    p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    status = pclose(p);
    CU_ASSERT(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 3);
    /* three arguments; the second is 4 characters (U+1F600 is one WCHAR) */
    CU_ASSERT_STRING_EQUAL(out, "argc=4\n[plain] len=5\n[h\xc3\xa9 \xf0\x9f\x98\x80] len=4\n[] len=0\n");
}

static CU_TestInfo wmain_tests[] =
{
    { "wmain gets wide arguments", test_wmain_arguments },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(wmain, NULL, NULL, wmain_tests);
