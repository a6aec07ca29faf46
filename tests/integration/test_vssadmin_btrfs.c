/*
 * test_vssadmin_btrfs.c: bin/vssadmin on a real btrfs volume (a loop-mounted
 * image, tests/lib/fsfixture.h; needs root): the btrfs provider's snapshots
 * are point-in-time, so List Shadows gives exactly the Windows sample's
 * fields (VSS-FACTS.md §5.3, no "Consistency" line), the snapshot is the
 * volume as it was, and shadow storage percentages are of the file system's
 * real size.  Only this suite's volume is ever touched.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include "harness.h"
#include "lib/fsfixture.h"
#include "../unit/test_vssadmin_blocks.h"
#include "../../programs/vssadmin/vssadmin.h"

static struct fsfixture *fx;

struct run
{
    int status;
    char out[65536];
    char err[16384];
};

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;

    if (f)
    {
        n = fread(buf, 1, size - 1, f);
        fclose(f);
    }
    buf[n] = 0;
}

static int exec_vssadmin(struct run *r, va_list ap)
{
    const char *prog = umbra_prog("vssadmin"), *argv[16];
    char out[4096], err[4096];
    int status = 0, argc = 1;
    pid_t pid;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    if (!prog || access(prog, X_OK)) return -1;
    snprintf(out, sizeof(out), "%s/btrfs.out", umbra_test_tmpdir());
    snprintf(err, sizeof(err), "%s/btrfs.err", umbra_test_tmpdir());
    argv[0] = "vssadmin";
    while (argc < 15 && (argv[argc] = va_arg(ap, const char *))) argc++;
    argv[argc] = NULL;
    fflush(NULL);
    if (!(pid = fork()))
    {
        int fd0 = open("/dev/null", O_RDONLY), fd1 = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            fd2 = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd0 < 0 || fd1 < 0 || fd2 < 0) _exit(126);
        dup2(fd0, 0);
        dup2(fd1, 1);
        dup2(fd2, 2);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    if (pid < 0) return -1;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) r->status = WEXITSTATUS(status);
    slurp(out, r->out, sizeof(r->out));
    slurp(err, r->err, sizeof(r->err));
    return 0;
}

static void run(struct run *r, ...)
{
    va_list ap;
    int ret;

    va_start(ap, r);
    ret = exec_vssadmin(r, ap);
    va_end(ap);
    CU_ASSERT_EQUAL_FATAL(ret, 0);
    if (r->status && getenv("VSSADMIN_TEST_VERBOSE"))
        printf("\nvssadmin exited %d:\n%s%s", r->status, r->out, r->err);
}

static char *field(const char *text, const char *label, char *buf, size_t size)
{
    const char *p = strstr(text, label), *end;

    if (!p) return NULL;
    p += strlen(label);
    end = strpbrk(p, "\r\n");
    if (!end) end = p + strlen(p);
    snprintf(buf, size, "%.*s", (int)(end - p), p);
    return buf;
}

static void test_btrfs_shadow(void)
{
    char opt[4096], id[64], device[4096], path[4096], *text, *sample_text;
    struct vb_doc *ours, *sample;
    const char *attributes;
    struct run r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
    snprintf(path, sizeof(path), "%s/file.txt", fx->mnt);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "before\n"), 0);

    snprintf(opt, sizeof(opt), "/For=%s", fx->mnt);
    run(&r, "create", "shadow", opt, NULL);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(field(r.out, "    Shadow Copy ID: ", id, sizeof(id)));
    CU_ASSERT_PTR_NOT_NULL_FATAL(field(r.out, "    Shadow Copy Volume Name: ", device, sizeof(device)));
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "after\n"), 0);

    /* the shadow copy is the volume as it was */
    snprintf(path, sizeof(path), "%s/file.txt", device);
    text = fsfixture_read_file(path);
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "before\n");
    free(text);

    snprintf(opt, sizeof(opt), "/Shadow=%s", id);
    run(&r, "list", "shadows", opt, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    ours = vb_parse(r.out);
    sample_text = calloc(1, 65536);
    CU_ASSERT_PTR_NOT_NULL_FATAL(umbra_sample_path("vssadmin-output/shadows.txt"));
    slurp(umbra_sample_path("vssadmin-output/shadows.txt"), sample_text, 65536);
    sample = vb_parse(sample_text);
    CU_ASSERT_EQUAL_FATAL(ours->count, 1);
    /* §5.3: point in time, so exactly the sample's fields */
    CU_ASSERT_TRUE(vb_same_shape(&ours->records[0], &sample->records[0]));
    CU_ASSERT_STRING_EQUAL(vb_get(&ours->records[0], "Provider"), "'Umbra btrfs snapshot provider'");
    CU_ASSERT_STRING_EQUAL(vb_get(&ours->records[0], "Type"), "ClientAccessible");
    attributes = vb_get(&ours->records[0], "Attributes");
    CU_ASSERT_PTR_NOT_NULL(attributes && strstr(attributes, "Differential"));
    CU_ASSERT_PTR_NOT_NULL(strstr(vb_get(&ours->records[0], "Original Volume"), fx->mnt));
    free(ours);
    free(sample);
    free(sample_text);

    run(&r, "list", "shadows", opt, "--json", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"pointInTime\":true"));

    run(&r, "delete", "shadows", opt, "/quiet", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Successfully deleted 1 shadow copies.\n"));
    CU_ASSERT_NOT_EQUAL(access(device, F_OK), 0);
}

/* §5.3: the percentages are of the real file system */
static void test_btrfs_storage(void)
{
    char for_opt[4096], on_opt[4096], value[128], expected[128], size[32];
    struct statvfs st;
    long long total, max;
    struct run r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
    CU_ASSERT_EQUAL_FATAL(statvfs(fx->mnt, &st), 0);
    total = (long long)st.f_blocks * (long long)st.f_frsize;
    snprintf(for_opt, sizeof(for_opt), "/For=%s", fx->mnt);
    snprintf(on_opt, sizeof(on_opt), "/On=%s/", fx->mnt);
    /* 40% of a 400 MB file system is below the 320 MB minimum */
    run(&r, "add", "shadowstorage", for_opt, on_opt, "/MaxSize=40%", NULL);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Error: The maximum shadow copy storage size must be 320 MB or more.\n"));
    run(&r, "add", "shadowstorage", for_opt, on_opt, "/MaxSize=90%", NULL);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    max = (long long)((long double)total * 90 / 100);
    run(&r, "list", "shadowstorage", for_opt, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(field(r.out, "   Maximum Shadow Copy Storage space: ", value, sizeof(value)));
    snprintf(expected, sizeof(expected), "%s (%d%%)", vsa_format_size(size, sizeof(size), max),
             vsa_percent(max, total));
    CU_ASSERT_STRING_EQUAL(value, expected);
    CU_ASSERT(vsa_percent(max, total) >= 89 && vsa_percent(max, total) <= 90);
    run(&r, "delete", "shadowstorage", for_opt, NULL);
    CU_ASSERT_EQUAL(r.status, 0);

    /* the mount point is a volume of its own */
    run(&r, "list", "volumes", NULL);
    snprintf(expected, sizeof(expected), "Volume path: %s/\n    Volume name: \\\\?\\Volume{", fx->mnt);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, expected));
}

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[4096];

    if (umbra_require_root()) return -1;
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    unsetenv("VSS_MODE");
    if (!fsfixture_tools_available("btrfs"))
    {
        printf("mkfs.btrfs or losetup missing\n");
        return -1;
    }
    return (fx = fsfixture_create("btrfs", 400, NULL, NULL)) ? 0 : -1;
}

/* For suite cleanup, where CUnit takes no assertions. */
static void run_quiet(struct run *r, ...)
{
    va_list ap;

    va_start(ap, r);
    exec_vssadmin(r, ap);
    va_end(ap);
}

static int suite_cleanup(void)
{
    char opt[4096];
    struct run r;

    if (fx)
    {
        /* whatever a failed test left on our volume */
        snprintf(opt, sizeof(opt), "/For=%s", fx->mnt);
        run_quiet(&r, "delete", "shadows", opt, "/quiet", NULL);
        fsfixture_destroy(fx);
    }
    return 0;
}

static CU_TestInfo btrfs_tests[] =
{
    { "btrfs shadow copy: the sample's fields (§5.3)", test_btrfs_shadow },
    { "btrfs shadow storage sizes (§5.3)", test_btrfs_storage },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vssadmin_btrfs, suite_init, suite_cleanup, btrfs_tests);
