/*
 * harness.c: main() for every CUnit runner.  Runs the suites the test file
 * registered, prints CUnit's summary, and exits non-zero when anything failed,
 * so tools/run-tests can add up the results of all runners.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <CUnit/Basic.h>
#include "harness.h"

static struct umbra_suite *suites, **suites_tail = &suites;
static char build_dir[PATH_MAX];
static char tmp_dir[PATH_MAX];

void umbra_register_suite(struct umbra_suite *suite)
{
    *suites_tail = suite;
    suites_tail = &suite->next;
}

int umbra_require_root(void)
{
    if (geteuid() == 0) return 0;
    fprintf(stderr, "*** this suite needs root (loop devices, mounts); run make check as root ***\n");
    return -1;
}

const char *umbra_build_dir(void)
{
    return build_dir;
}

static const char *path_in_build(const char *dir, const char *name)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    if (snprintf(buf, PATH_MAX, "%s/%s/%s", build_dir, dir, name) >= PATH_MAX) return NULL;
    return buf;
}

const char *umbra_test_prog(const char *name) { return path_in_build("tests/bin", name); }
const char *umbra_prog(const char *name) { return path_in_build("bin", name); }

const char *umbra_source_dir(void)
{
    static char dir[PATH_MAX];
    char makefile[PATH_MAX], line[PATH_MAX + 32];
    FILE *f;

    if (dir[0]) return dir;
    snprintf(dir, sizeof(dir), "%s", build_dir);
    if (snprintf(makefile, sizeof(makefile), "%s/Makefile", build_dir) >= (int)sizeof(makefile)
        || !(f = fopen(makefile, "r")))
        return dir;
    while (fgets(line, sizeof(line), f))
    {
        if (!strncmp(line, "srcdir", 6))
        {
            char *p = strchr(line, '=');
            if (!p) break;
            p++;
            while (*p == ' ' || *p == '\t') p++;
            p[strcspn(p, "\r\n")] = 0;
            snprintf(dir, sizeof(dir), "%s", p);
            break;
        }
    }
    fclose(f);
    return dir;
}

const char *umbra_sample_path(const char *rel)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    if (snprintf(buf, PATH_MAX, "%s/../shared/samples/%s", umbra_source_dir(), rel) < PATH_MAX
        && !access(buf, R_OK))
        return buf;
    if (snprintf(buf, PATH_MAX, "%s/tests/data/samples/%s", umbra_source_dir(), rel) < PATH_MAX
        && !access(buf, R_OK))
        return buf;
    return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;
}

static void remove_tmp_dir(void)
{
    if (tmp_dir[0] && !getenv("UMBRA_KEEP_TMP"))
        nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *umbra_test_tmpdir(void)
{
    if (!tmp_dir[0])
    {
        const char *base = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof(tmp_dir), "%s/umbra-test-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp_dir))
        {
            perror("mkdtemp");
            exit(2);
        }
        atexit(remove_tmp_dir);
    }
    return tmp_dir;
}

static void find_build_dir(const char *argv0)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n <= 0)
    {
        snprintf(exe, sizeof(exe), "%s", argv0);
        n = strlen(exe);
    }
    exe[n] = 0;
    /* runners live in <build>/tests/bin/ */
    snprintf(build_dir, sizeof(build_dir), "%s", dirname(dirname(dirname(exe))));
}

int main(int argc, char **argv)
{
    struct umbra_suite *s;
    unsigned int failures;
    const char *only = argc > 1 ? argv[1] : NULL;

    find_build_dir(argv[0]);
    if (CU_initialize_registry() != CUE_SUCCESS)
    {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        return 2;
    }
    for (s = suites; s; s = s->next)
    {
        CU_pSuite suite;
        CU_TestInfo *t;

        if (only && strcmp(only, s->name)) continue;
        suite = CU_add_suite(s->name, s->init, s->cleanup);
        if (!suite) return 2;
        for (t = s->tests; t->pName; t++)
            if (!CU_add_test(suite, t->pName, t->pTestFunc)) return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
