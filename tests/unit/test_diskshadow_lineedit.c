/*
 * test_diskshadow_lineedit.c: the DISKSHADOW> prompt's line editor, fed key
 * bytes through a pipe (cursor keys, deletion, history, Ctrl-C, Ctrl-D, UTF-8).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "../../programs/diskshadow/lineedit.h"
#include "../../programs/diskshadow/script.h"

/* Edit one line from the given keys; the screen output is thrown away. */
static char *edit(const char *keys, size_t len, struct ds_history *history)
{
    int in[2], out;
    char *line;

    CU_ASSERT_FATAL(pipe(in) == 0);
    CU_ASSERT_FATAL((size_t)write(in[1], keys, len) == len);
    close(in[1]);
    out = open("/dev/null", O_WRONLY);
    line = ds_edit_line_raw(in[0], out, "DISKSHADOW> ", history);
    close(in[0]);
    close(out);
    return line;
}

#define EDIT(keys, h) edit(keys, sizeof(keys) - 1, h)

static void test_keys(void)
{
    char *line;

    line = EDIT("create\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "create");
    free(line);
    /* left twice, insert */
    line = EDIT("abc\x1b[D\x1b[DX\n", NULL);
    CU_ASSERT_STRING_EQUAL(line, "aXbc");
    free(line);
    /* home, delete key, end, backspace */
    line = EDIT("abcd\x1b[H\x1b[3~\x1b[F\x7f\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "bc");
    free(line);
    /* Ctrl-A, Ctrl-K; Ctrl-E; Ctrl-W; Ctrl-U */
    line = EDIT("set context\x01\x0b" "expose x\x05\x17y\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "expose y");
    free(line);
    line = EDIT("junk\x15ok\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "ok");
    free(line);
    /* UTF-8: a left move and a backspace take a whole character */
    line = EDIT("C:\\Donn\xc3\xa9\x1b[D\x7f" "x\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "C:\\Donx\xc3\xa9");
    free(line);
    /* Ctrl-C drops the line; Ctrl-D ends input on an empty line, deletes otherwise */
    line = EDIT("create\x03", NULL);
    CU_ASSERT_STRING_EQUAL(line, "");
    free(line);
    CU_ASSERT_PTR_NULL(EDIT("\x04", NULL));
    line = EDIT("ab\x1b[D\x04\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "a");
    free(line);
    /* sequences we do not know are swallowed whole */
    line = EDIT("ab\x1b[1;5Ccd\r", NULL);
    CU_ASSERT_STRING_EQUAL(line, "abcd");
    free(line);
    /* end of input in the middle of a line */
    CU_ASSERT_PTR_NULL(EDIT("partial", NULL));
}

static void test_history(void)
{
    struct ds_history h = { { 0 }, 0 };
    char *line;

    ds_history_add(&h, "list providers");
    ds_history_add(&h, "add");
    ds_history_add(&h, "add");      /* no duplicate in a row */
    ds_history_add(&h, "");         /* nor empty lines */
    CU_ASSERT_EQUAL(h.count, 2);
    line = EDIT("\x1b[A\r", &h);
    CU_ASSERT_STRING_EQUAL(line, "add");
    free(line);
    line = EDIT("\x1b[A\x1b[A\x1b[A\r", &h);
    CU_ASSERT_STRING_EQUAL(line, "list providers");
    free(line);
    /* down again comes back to what was being typed */
    line = EDIT("typed\x1b[A\x1b[B\r", &h);
    CU_ASSERT_STRING_EQUAL(line, "typed");
    free(line);
    ds_history_free(&h);
    CU_ASSERT_EQUAL(h.count, 0);

    /* the history is bounded */
    {
        char text[32];
        int i;
        for (i = 0; i < DS_HISTORY_MAX + 10; i++)
        {
            snprintf(text, sizeof(text), "cmd %d", i);
            ds_history_add(&h, text);
        }
        CU_ASSERT_EQUAL(h.count, DS_HISTORY_MAX);
        CU_ASSERT_STRING_EQUAL(h.lines[0], "cmd 10");
        ds_history_free(&h);
    }
}

static void test_long_line(void)
{
    size_t n = DS_SCRIPT_MAX_LINE + 100;
    char *keys = malloc(n + 1), *line;

    CU_ASSERT_FATAL(keys != NULL);
    memset(keys, 'x', n);
    keys[n] = '\r';
    line = edit(keys, n + 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    CU_ASSERT_EQUAL(strlen(line), DS_SCRIPT_MAX_LINE);
    free(line);
    free(keys);
}

static CU_TestInfo lineedit_tests[] =
{
    { "editing keys", test_keys },
    { "history", test_history },
    { "long line", test_long_line },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(diskshadow_lineedit, NULL, NULL, lineedit_tests);
