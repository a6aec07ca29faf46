/*
 * fuzz_vssadmin.c: libFuzzer harness for vssadmin's command line (cmdline.c:
 * vsa_parse and the value parsers under it: GUIDs, /MaxSize, /AutoRetry),
 * the part of vssadmin that reads whatever a script or a user typed.
 *
 * The input is argv: words separated by NUL bytes (at most 32), after
 * argv[0] "vssadmin".  Checked beyond "no crash": vsa_parse answers one of
 * its results; on VSA_PARSE_OK the command is a known one, every option value
 * points into the argv it came from, a /MaxSize percentage is 1..100; an
 * option error leaves a message to print.  The help text of the parsed
 * command is printed into memory, as vssadmin /? would.  Built and run by
 * tools/fuzz/run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "programs/vssadmin/vssadmin.h"

#define MAX_ARGS 32

static int inside(const char *p, char **argv, int argc)
{
    int i;

    for (i = 1; i < argc; i++)
        if (p >= argv[i] && p <= argv[i] + strlen(argv[i])) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *argv[MAX_ARGS + 2], *text, *p, *out_buf = NULL;
    struct vsa_parse_error err;
    struct vsa_command cmd;
    enum vsa_parse_result r;
    struct vsa_out out;
    size_t out_len = 0;
    int argc = 1, i;

    if (!(text = malloc(size + 1))) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    argv[0] = (char *)"vssadmin";
    for (p = text; argc <= MAX_ARGS && p <= text + size; p += strlen(p) + 1) argv[argc++] = p;
    argv[argc] = NULL;

    r = vsa_parse(argc, argv, &cmd, &err);
    switch (r)
    {
    case VSA_PARSE_OK:
        if (cmd.id <= VSA_CMD_NONE || cmd.id >= VSA_CMD_COUNT) abort();
        for (i = 0; i < VSA_OPT_COUNT; i++)
            if (cmd.value[i] && !inside(cmd.value[i], argv, argc)) abort();
        if (vsa_has(&cmd, VSA_OPT_MAXSIZE) && cmd.size.kind == VSA_SIZE_PERCENT
            && (cmd.size.value < 1 || cmd.size.value > 100))
            abort();
        break;
    case VSA_PARSE_BAD_OPTION:
        if (!err.text[0]) abort();
        break;
    case VSA_PARSE_GENERAL_HELP:
    case VSA_PARSE_NO_COMMAND:
    case VSA_PARSE_BAD_COMMAND:
        break;
    default:
        abort();
    }

    memset(&out, 0, sizeof(out));
    if ((out.file = open_memstream(&out_buf, &out_len)))
    {
        if (r == VSA_PARSE_OK) vsa_print_command_help(&out, cmd.id);
        else vsa_print_command_list(&out);
        fclose(out.file);
    }
    free(out_buf);
    free(text);
    return 0;
}
