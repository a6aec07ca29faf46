/*
 * test_diskshadow_cli.c: the diskshadow program itself (bin/diskshadow): its
 * options in Windows' spellings (VSS-FACTS.md §6.1 "Modes"), the banner, the
 * -l log, the prompt for piped commands, and the exit statuses documented in
 * docs/man/diskshadow.1.  Only commands that need no VSS call are used, so the
 * results do not depend on the machine's volumes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct result
{
    int status;             /* exit status, -1 if it did not exit */
    char out[65536];
    char err[8192];
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

/* Run bin/diskshadow with argv (NULL-terminated, without argv[0]) and stdin text. */
static void run(struct result *r, const char *const *args, const char *input)
{
    const char *prog = umbra_prog("diskshadow");
    char in[4096], out[4096], err[4096];
    const char *argv[16];
    int status = 0, i;
    pid_t pid;
    FILE *f;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    CU_ASSERT_FATAL(prog && !access(prog, X_OK));
    snprintf(in, sizeof(in), "%s/cli.in", umbra_test_tmpdir());
    snprintf(out, sizeof(out), "%s/cli.out", umbra_test_tmpdir());
    snprintf(err, sizeof(err), "%s/cli.err", umbra_test_tmpdir());
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = fopen(in, "w")));
    fputs(input ? input : "", f);
    fclose(f);
    argv[0] = "diskshadow";
    for (i = 0; args && args[i] && i < 14; i++) argv[i + 1] = args[i];
    argv[i + 1] = NULL;
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
    CU_ASSERT_FATAL(pid > 0);
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) r->status = WEXITSTATUS(status);
    slurp(out, r->out, sizeof(r->out));
    slurp(err, r->err, sizeof(r->err));
}

static const char *write_script(const char *name, const char *text, size_t len)
{
    static char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", umbra_test_tmpdir(), name);
    f = fopen(path, "wb");
    if (!f) return NULL;
    fwrite(text, 1, len, f);
    fclose(f);
    return path;
}

static void test_usage(void)
{
    static const char *const q[] = { "/?", NULL }, *const h[] = { "--help", NULL }, *const bad[] = { "/x", NULL };
    struct result *r = malloc(sizeof(*r));

    run(r, q, NULL);
    CU_ASSERT_EQUAL(r->status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "Usage: diskshadow"));
    run(r, h, NULL);
    CU_ASSERT_EQUAL(r->status, 0);
    /* an unknown option: usage on stderr, status 4 */
    run(r, bad, NULL);
    CU_ASSERT_EQUAL(r->status, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->err, "Usage: diskshadow"));
    free(r);
}

/* A script error: Windows' text on stdout, the line named on stderr, status 1. */
static void test_script_error(void)
{
    static const char text[] = "# test\r\nset verbose on\r\nset context persistent nowriter\r\ncreate\r\n";
    const char *path = write_script("bad.dsh", text, sizeof(text) - 1);
    const char *args[] = { "/S", path, NULL };    /* "DISKSHADOW /S f" (sample 03's caller) */
    struct result *r = malloc(sizeof(*r));

    run(r, args, NULL);
    CU_ASSERT_EQUAL(r->status, 1);
    {
        static const char banner[] = "Umbra DiskShadow version 1.0\nCopyright (C) 2026 the Umbra authors\n"
                                     "On computer:  ";
        CU_ASSERT(!strncmp(r->out, banner, sizeof(banner) - 1));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "\n\n-> # test\n-> set verbose on\n-> set context persistent nowriter\n\n"
                                          "SET CONTEXT { CLIENTACCESSIBLE"));
    CU_ASSERT_PTR_NULL(strstr(r->out, "-> create"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r->err, "bad.dsh:3:"));
    free(r);
}

/* UTF-16LE with BOM, as PowerShell's Out-File writes it; and -l copies stdout */
static void test_utf16_script_and_log(void)
{
    static const char text[] = "\xff\xfe" "a\0d\0d\0\r\0\n\0e\0x\0i\0t\0\r\0\n\0";
    const char *path = write_script("utf16.dsh", text, sizeof(text) - 1);
    char log[4096], logged[65536];
    const char *args[] = { "-s", path, "-l", log, NULL };
    struct result *r = malloc(sizeof(*r));

    snprintf(log, sizeof(log), "%s/ds.log", umbra_test_tmpdir());
    run(r, args, NULL);
    CU_ASSERT_EQUAL(r->status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "-> add\n0 volumes in Shadow Copy Set.\nNo Diskshadow aliases in the environment.\n-> exit\n"));
    slurp(log, logged, sizeof(logged));
    CU_ASSERT_STRING_EQUAL(logged, r->out);
    free(r);
}

static void test_unreadable_script(void)
{
    char missing[4096];
    const char *args[] = { "-s", missing, NULL };
    struct result *r = malloc(sizeof(*r));

    snprintf(missing, sizeof(missing), "%s/no-such.dsh", umbra_test_tmpdir());
    run(r, args, NULL);
    CU_ASSERT_EQUAL(r->status, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->err, "no-such.dsh"));
    /* a NUL byte: not text, named by line */
    args[1] = write_script("nul.dsh", "add\nad\0d\n", 9);
    run(r, args, NULL);
    CU_ASSERT_EQUAL(r->status, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->err, "nul.dsh:2:"));
    free(r);
}

/* Commands piped on stdin: the prompt, no echo, a failure does not stop the session */
static void test_piped_commands(void)
{
    struct result *r = malloc(sizeof(*r));

    run(r, NULL, "bogus\r\nadd alias x y\r\nadd\r\nexit\r\nadd\r\n");
    CU_ASSERT_EQUAL(r->status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "DISKSHADOW> \n\tSET"));              /* the command list */
    CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "%x%\ty\n"));                       /* the session went on */
    CU_ASSERT_PTR_NULL(strstr(r->out, "-> "));
    /* nothing after EXIT */
    {
        const char *last = strstr(r->out, "%x%");
        CU_ASSERT_PTR_NULL(last ? strstr(last, "No Diskshadow aliases") : NULL);
    }
    /* "-s -": the script from standard input, with echo */
    {
        const char *args[] = { "-s", "-", NULL };
        run(r, args, "add\n");
        CU_ASSERT_EQUAL(r->status, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "-> add\n0 volumes"));
        CU_ASSERT_PTR_NOT_NULL(strstr(r->out, "\n->\n"));
    }
    free(r);
}

static CU_TestInfo cli_tests[] =
{
    { "usage and options", test_usage },
    { "script error", test_script_error },
    { "UTF-16 script and -l log", test_utf16_script_and_log },
    { "unreadable script", test_unreadable_script },
    { "piped commands", test_piped_commands },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(diskshadow_cli, NULL, NULL, cli_tests);
