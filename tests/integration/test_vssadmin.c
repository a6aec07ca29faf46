/*
 * test_vssadmin.c: the vssadmin program (bin/vssadmin) on a real Umbra, no
 * root needed: the directory provider on directories of this test's tmpdir,
 * a real writer process (tests/bin/test_writer_c) for List Writers, and a
 * Wine-style drive letter ($VSS_CONFIG_DIR/dosdevices/q:).
 *
 * Each command's output goes through the block/colon parser monitoring
 * scripts use (test_vssadmin_blocks.h) and must give the fields the Windows
 * samples give (VSS-FACTS.md §5.3); the exit statuses are those of
 * docs/man/vssadmin.8; what a command claims is checked on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"
#include "lib/writer_procs.h"
#include "../unit/test_vssadmin_blocks.h"

struct run
{
    int status;                 /* exit status, -1 if it did not exit */
    char out[65536];
    char err[16384];
};

static char data_dir[4096], log_path[4096], config_dir[4096];
static pid_t writer_pid = -1;

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

/* bin/vssadmin args... (NULL-terminated), input on standard input; 0, or
 * -1 when it could not be run. */
static int exec_vssadmin(struct run *r, const char *input, va_list ap)
{
    const char *prog = umbra_prog("vssadmin"), *argv[24];
    char in[4096], out[4096], err[4096];
    int status = 0, argc = 1;
    pid_t pid;
    FILE *f;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    if (!prog || access(prog, X_OK)) return -1;
    snprintf(in, sizeof(in), "%s/vssadmin.in", umbra_test_tmpdir());
    snprintf(out, sizeof(out), "%s/vssadmin.out", umbra_test_tmpdir());
    snprintf(err, sizeof(err), "%s/vssadmin.err", umbra_test_tmpdir());
    if (!(f = fopen(in, "w"))) return -1;
    fputs(input ? input : "", f);
    fclose(f);
    argv[0] = "vssadmin";
    while (argc < 23 && (argv[argc] = va_arg(ap, const char *))) argc++;
    argv[argc] = NULL;
    fflush(NULL);
    if (!(pid = fork()))
    {
        int fd0 = open(in, O_RDONLY), fd1 = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600),
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
    if (r->status != 0 && getenv("VSSADMIN_TEST_VERBOSE")) printf("\n%s\n%s\n", r->out, r->err);
    return 0;
}

static void run(struct run *r, const char *input, ...)
{
    va_list ap;
    int ret;

    va_start(ap, input);
    ret = exec_vssadmin(r, input, ap);
    va_end(ap);
    CU_ASSERT_EQUAL_FATAL(ret, 0);
}

/* For suite cleanup, where CUnit takes no assertions. */
static void run_quiet(struct run *r, const char *input, ...)
{
    va_list ap;

    va_start(ap, input);
    exec_vssadmin(r, input, ap);
    va_end(ap);
}

/* The first record of a Windows sample, parsed. */
static struct vb_doc *sample_doc(const char *name)
{
    const char *path = umbra_sample_path(name);
    struct vb_doc *doc;
    char *text;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    text = calloc(1, 65536);
    slurp(path, text, 65536);
    doc = vb_parse(text);
    free(text);
    CU_ASSERT_FATAL(doc && doc->count > 0);
    return doc;
}

/* The value after "label: " in text (copied to buf), or NULL. */
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

static int starts_with(const char *text, const char *prefix)
{
    return text && !strncmp(text, prefix, strlen(prefix));
}

static const struct vb_record *record_with(const struct vb_doc *doc, const char *key, const char *value)
{
    int i;

    for (i = 0; i < doc->count; i++)
    {
        const char *v = vb_get(&doc->records[i], key);
        if (v && (!value || !strcmp(v, value))) return &doc->records[i];
    }
    return NULL;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* --- tests ---------------------------------------------------------------------------------- */

/* §5.3: the live writer, in the sample's fields */
static void test_list_writers(void)
{
    struct vb_doc *ours, *sample = sample_doc("vssadmin-output/writers.txt");
    const struct vb_record *rec;
    struct run r;

    run(&r, NULL, "list", "writers", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    ours = vb_parse(r.out);
    rec = record_with(ours, "Writer name", "'Umbra Test Writer'");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_TRUE(vb_same_shape(rec, &sample->records[0]));
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Writer Id"), "{6d0a8a35-1b2c-4d5e-8f90-000000000001}");
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "State"), "[1] Stable");
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Last error"), "No error");
    free(ours);

    run(&r, NULL, "list", "writers", "--json", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_TRUE(starts_with(r.out, "{\"writers\":[{\"name\":\"Umbra Test Writer\""));
    free(sample);
}

static void test_list_providers(void)
{
    struct vb_doc *ours, *sample = sample_doc("vssadmin-output/providers.txt");
    const struct vb_record *rec;
    struct run r;

    run(&r, NULL, "list", "providers", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    ours = vb_parse(r.out);
    /* DESIGN.md §5: the system provider is the directory provider */
    rec = record_with(ours, "Provider name", "'Umbra directory copy provider'");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_TRUE(vb_same_shape(rec, &sample->records[0]));
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Provider type"), "System");
    free(ours);
    free(sample);
}

/* Create, list, delete a shadow copy of a directory (the directory provider). */
static void test_shadow_lifecycle(void)
{
    struct vb_doc *ours, *sample = sample_doc("vssadmin-output/shadows.txt");
    const struct vb_record *rec;
    char id[64], device[4096], path[4096], *text;
    struct run r;
    struct stat st;

    run(&r, NULL, "create", "shadow", "/for=not/a/volume", NULL);   /* a bad volume first */
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nError: Invalid option value.\n"));

    snprintf(path, sizeof(path), "/For=%s", data_dir);
    run(&r, NULL, "create", "shadow", path, NULL);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nSuccessfully created shadow copy for '"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(field(r.out, "    Shadow Copy ID: ", id, sizeof(id)));
    CU_ASSERT_PTR_NOT_NULL_FATAL(field(r.out, "    Shadow Copy Volume Name: ", device, sizeof(device)));
    /* the device name is the snapshot's read-only root (DESIGN.md §3) */
    snprintf(path, sizeof(path), "%s/file.txt", device);
    text = calloc(1, 4096);
    slurp(path, text, 4096);
    CU_ASSERT_STRING_EQUAL(text, "version 1\n");
    free(text);

    snprintf(path, sizeof(path), "/Shadow=%s", id);
    run(&r, NULL, "list", "shadows", path, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    ours = vb_parse(r.out);
    CU_ASSERT_EQUAL(ours->count, 1);
    rec = &ours->records[0];
    /* the sample's fields, and Umbra's line saying the copy is writer-consistent only */
    CU_ASSERT_TRUE(vb_shape_within(&sample->records[0], rec));
    CU_ASSERT_FALSE(vb_same_shape(&sample->records[0], rec));
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Shadow Copy ID"), id);
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Shadow Copy Volume"), device);
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Type"), "ClientAccessible");
    CU_ASSERT_STRING_EQUAL(vb_get(rec, "Provider"), "'Umbra directory copy provider'");
    CU_ASSERT_PTR_NOT_NULL(vb_get(rec, "Consistency"));
    CU_ASSERT_TRUE(starts_with(vb_get(rec, "Original Volume"), "("));
    CU_ASSERT_PTR_NOT_NULL(strstr(vb_get(rec, "Original Volume"), data_dir));
    CU_ASSERT_PTR_NOT_NULL(strstr(vb_get(rec, "Original Volume"), ")\\\\?\\Volume{"));
    free(ours);

    /* the same through --for, --json, and with Windows line ends */
    snprintf(path, sizeof(path), "/For=%s/", data_dir);
    run(&r, NULL, "list", "shadows", path, "--crlf", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, id));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\r\n      Shadow Copy ID: "));
    run(&r, NULL, "list", "shadows", "--json", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, id));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"pointInTime\":false"));

    /* §5.3: asked first; No keeps it */
    snprintf(path, sizeof(path), "/Shadow=%s", id);
    run(&r, "n\n", "delete", "shadows", path, NULL);
    CU_ASSERT_EQUAL(r.status, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Do you really want to delete 1 shadow copies (Y/N): [N]? "));
    CU_ASSERT_EQUAL(stat(device, &st), 0);
    run(&r, "y\n", "delete", "shadows", path, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Successfully deleted 1 shadow copies.\n"));
    CU_ASSERT_NOT_EQUAL(stat(device, &st), 0);
    run(&r, NULL, "list", "shadows", path, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nNo items found that satisfy the query.\n"));
    run(&r, NULL, "delete", "shadows", path, "/quiet", NULL);
    CU_ASSERT_EQUAL(r.status, 3);
    free(sample);
}

/* A Wine drive letter reaches the volume: "(Q:)", "Q:\" (DESIGN.md §3) */
static void test_drive_letter(void)
{
    struct vb_doc *ours;
    const struct vb_record *rec;
    char link[4096], id[64];
    struct run r;

    snprintf(link, sizeof(link), "%s/dosdevices", config_dir);
    mkdir(config_dir, 0700);
    mkdir(link, 0700);
    snprintf(link, sizeof(link), "%s/dosdevices/q:", config_dir);
    unlink(link);
    CU_ASSERT_EQUAL_FATAL(symlink(data_dir, link), 0);

    run(&r, NULL, "create", "shadow", "/for=q:", NULL);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Successfully created shadow copy for 'q:'\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(field(r.out, "    Shadow Copy ID: ", id, sizeof(id)));
    run(&r, NULL, "list", "shadows", "/for=Q:\\", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    ours = vb_parse(r.out);
    rec = record_with(ours, "Shadow Copy ID", id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_TRUE(starts_with(vb_get(rec, "Original Volume"), "(Q:)\\\\?\\Volume{"));
    free(ours);

    run(&r, NULL, "list", "volumes", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nVolume path: Q:\\\n    Volume name: \\\\?\\Volume{"));

    run(&r, NULL, "delete", "shadows", "/for=q:", "/quiet", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Successfully deleted 1 shadow copies.\n"));
    unlink(link);
}

/* §5.2, §5.3: shadow storage of a volume on itself */
static void test_shadowstorage(void)
{
    struct vb_doc *ours, *sample = sample_doc("vssadmin-output/ShadowStorage.txt");
    char for_opt[4096], on_opt[4096], value[256];
    struct run r;

    snprintf(for_opt, sizeof(for_opt), "/For=%s", data_dir);
    snprintf(on_opt, sizeof(on_opt), "/On=%s", data_dir);
    run(&r, NULL, "add", "shadowstorage", for_opt, on_opt, "/MaxSize=1GB", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nSuccessfully added the shadow copy storage association\n"));
    run(&r, NULL, "add", "shadowstorage", for_opt, on_opt, NULL);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nError: The specified shadow copy storage association already exists.\n"));
    run(&r, NULL, "add", "shadowstorage", for_opt, "/On=/", NULL);
    CU_ASSERT_EQUAL(r.status, 2);

    run(&r, NULL, "list", "shadowstorage", for_opt, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    ours = vb_parse(r.out);
    CU_ASSERT_EQUAL_FATAL(ours->count, 1);
    CU_ASSERT_TRUE(vb_same_shape(&ours->records[0], &sample->records[0]));
    CU_ASSERT_TRUE(starts_with(vb_get(&ours->records[0], "Maximum Shadow Copy Storage space"), "1.00 GB ("));
    CU_ASSERT_STRING_EQUAL(vb_get(&ours->records[0], "Used Shadow Copy Storage space"), "0 bytes (0%)");
    free(ours);

    run(&r, NULL, "resize", "shadowstorage", for_opt, on_opt, "/maxsize=unbounded", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nSuccessfully resized the shadow copy storage association\n"));
    run(&r, NULL, "list", "shadowstorage", "--crlf", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(field(r.out, "   Maximum Shadow Copy Storage space: ", value, sizeof(value)));
    CU_ASSERT_STRING_EQUAL(value, "UNBOUNDED (100%)");
    run(&r, NULL, "resize", "shadowstorage", for_opt, on_opt, "/maxsize=100MB", NULL);
    CU_ASSERT_EQUAL(r.status, 1);

    run(&r, NULL, "delete", "shadowstorage", for_opt, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    run(&r, NULL, "delete", "shadowstorage", for_opt, NULL);
    CU_ASSERT_EQUAL(r.status, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nError: The specified shadow copy storage association was not found.\n"));
    run(&r, NULL, "list", "shadowstorage", for_opt, "--json", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "{\"associations\":[]}\n");
    free(sample);
}

/* R29 through vssadmin: the volume goes back, the shadow copy is used up */
static void test_revert(void)
{
    char path[4096], id[64], opt[128], *text;
    struct run r;

    snprintf(path, sizeof(path), "/for=%s", data_dir);
    run(&r, NULL, "create", "shadow", path, NULL);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(field(r.out, "    Shadow Copy ID: ", id, sizeof(id)));
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    CU_ASSERT_EQUAL(write_text(path, "changed after the shadow copy\n"), 0);

    run(&r, NULL, "query", "reverts", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nNo items found that satisfy the query.\n"));

    snprintf(opt, sizeof(opt), "/Shadow=%s", id);
    run(&r, NULL, "revert", "shadow", opt, "/ForceDismount", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nSuccessfully reverted the volume to the shadow copy\n"));
    text = calloc(1, 4096);
    slurp(path, text, 4096);
    CU_ASSERT_STRING_EQUAL(text, "version 1\n");
    free(text);
    run(&r, NULL, "revert", "shadow", opt, NULL);
    CU_ASSERT_EQUAL(r.status, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nNo items found that satisfy the query.\n"));
}

/* Bad command lines reach nothing and say so (docs/man/vssadmin.8) */
static void test_bad_command_lines(void)
{
    char path[4096];
    struct run r;

    run(&r, NULL, "list", "shadow", NULL);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n\nError: Invalid command.\n\n---- Commands Supported ----\n\n"));
    run(&r, NULL, "list", "shadows", "/shadow={1234}", NULL);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nError: Invalid option value.\n"));
    snprintf(path, sizeof(path), "/for=%s/does-not-exist", data_dir);
    run(&r, NULL, "list", "shadows", path, NULL);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nError: Invalid option value.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no such volume"));
    run(&r, NULL, NULL);
    CU_ASSERT_EQUAL(r.status, 1);
    run(&r, NULL, "/?", NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "---- Commands Supported ----"));
}

/* --- suite ------------------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    const char *args[] = { "--log", log_path, NULL };
    char path[4096];

    snprintf(config_dir, sizeof(config_dir), "%s/config", tmp);
    setenv("VSS_CONFIG_DIR", config_dir, 1);
    snprintf(path, sizeof(path), "%s/run", tmp);
    setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp);
    setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    unsetenv("VSS_MODE");

    snprintf(data_dir, sizeof(data_dir), "%s/data", tmp);
    snprintf(log_path, sizeof(log_path), "%s/writer.log", tmp);
    if (mkdir(data_dir, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    if (write_text(path, "version 1\n")) return -1;
    if ((writer_pid = wp_start("test_writer_c", args)) < 0) return -1;
    return 0;
}

static int suite_cleanup(void)
{
    char opt[4096];
    struct run r;

    /* whatever a failed test left on our volume (only ours: other suites'
     * volumes may be mounted meanwhile, and their shadow copies are theirs) */
    snprintf(opt, sizeof(opt), "/For=%s", data_dir);
    run_quiet(&r, NULL, "delete", "shadows", opt, "/quiet", NULL);
    if (writer_pid > 0) wp_stop(writer_pid);
    return 0;
}

static CU_TestInfo vssadmin_tests[] =
{
    { "list writers with a live writer (§5.3)", test_list_writers },
    { "list providers (§5.3)", test_list_providers },
    { "create, list, delete a shadow copy (§5.2, §5.3)", test_shadow_lifecycle },
    { "a drive letter (DESIGN.md §3)", test_drive_letter },
    { "shadow storage (§5.2, §5.3)", test_shadowstorage },
    { "revert shadow (R29)", test_revert },
    { "bad command lines", test_bad_command_lines },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vssadmin, suite_init, suite_cleanup, vssadmin_tests);
