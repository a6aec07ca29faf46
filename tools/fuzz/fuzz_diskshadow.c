/*
 * fuzz_diskshadow.c: libFuzzer harness for what diskshadow does with a script
 * file before anything runs: ds_script_decode (encodings, BOMs, line ends,
 * the size limits) and ds_parse_line on every line it yields, with aliases
 * that expand to text the fuzzer also controls.
 *
 * The first bytes, up to the first NUL, are the value every %alias% expands
 * to (so substitution that makes new quotes, new %s or long lines is
 * reached); the rest is the script.  Checked beyond "no crash": decoding
 * fails and leaves nothing, or yields lines within DS_SCRIPT_MAX_LINE bytes;
 * ds_parse_line returns one of its documented results; a line that parses
 * yields a known verb and topic, and arguments that are real strings.  Built and run by tools/fuzz/run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "programs/diskshadow/parse.h"
#include "programs/diskshadow/script.h"

static const char *alias_value;

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    /* a few names stay undefined, as a script's unknown %name% does */
    return name[0] && (name[0] & 1) ? alias_value : NULL;
}

static void check_command(const struct ds_command *cmd)
{
    size_t i;

    if ((unsigned int)cmd->verb > DS_EXIT || (unsigned int)cmd->topic >= DS_TOPIC_COUNT) abort();
    /* strlen: ASan reports a string that is not one */
    for (i = 0; i < 3; i++)
        if (cmd->arg[i] && strlen(cmd->arg[i]) == (size_t)-1) abort();
    for (i = 0; i < cmd->argc; i++)
        if (!cmd->argv[i] || strlen(cmd->argv[i]) == (size_t)-1) abort();
    for (i = 0; i < cmd->nsubst; i++)
        if (!cmd->subst[i].name) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ds_script_error err;
    struct ds_script script;
    const uint8_t *nul = memchr(data, 0, size < 256 ? size : 256);
    char value[257];
    size_t i, skip = 0;

    value[0] = 0;
    if (nul)
    {
        memcpy(value, data, nul - data);
        value[nul - data] = 0;
        skip = nul - data + 1;
    }
    alias_value = value;

    if (ds_script_decode(data + skip, size - skip, &script, &err))
    {
        if (script.count || script.lines) abort();   /* left empty on failure */
        return 0;
    }
    for (i = 0; i < script.count; i++)
    {
        struct ds_command cmd;
        int ret;

        if (!script.lines[i] || strlen(script.lines[i]) > DS_SCRIPT_MAX_LINE) abort();
        ret = ds_parse_line(script.lines[i], lookup, NULL, &cmd);
        if (ret != 0 && ret != DS_PARSE_USAGE && ret != DS_PARSE_UNKNOWN && ret != -E2BIG && ret != -ENOMEM) abort();
        if (!ret) check_command(&cmd);
        ds_command_free(&cmd);
    }
    /* the line reader of interactive mode, on the same bytes */
    {
        char *line = ds_script_decode_line((const char *)data + skip, size - skip > 9000 ? 9000 : size - skip, 1);
        free(line);
    }
    ds_script_free(&script);
    return 0;
}
