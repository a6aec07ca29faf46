/*
 * cmdline.c: vssadmin's command line (VSS-FACTS.md §5.1, §5.2): two command
 * words, then /Name=Value options, all case-insensitive; ids in braces; sizes
 * with suffixes.  Umbra's additions are GNU-style words that Windows'
 * vssadmin would reject (--json, --crlf, --help), so they change nothing a
 * Windows script writes.
 *
 * Only the form is checked here; whether a volume or a shadow copy exists is
 * for the commands to find out through the API.  Nothing is printed: the
 * caller prints the "Error:" line (and the detail, on standard error).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vssadmin.h"

/* Whole minutes whose milliseconds still fit an int. */
#define MAX_RETRY_MINUTES (INT_MAX / 60000)

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int vsa_parse_guid(const char *text, GUID *guid)
{
    static const int group_len[] = { 8, 4, 4, 4, 12 };
    unsigned char bytes[16];
    const char *p = text;
    int group, i, n = 0;

    if (!text || strlen(text) != 38 || *p++ != '{') return -1;
    for (group = 0; group < 5; group++)
    {
        for (i = 0; i < group_len[group]; i += 2)
        {
            int hi = hex_value(p[i]), lo = hex_value(p[i + 1]);
            if (hi < 0 || lo < 0) return -1;
            bytes[n++] = (unsigned char)(hi << 4 | lo);
        }
        p += group_len[group];
        if (*p++ != (group < 4 ? '-' : '}')) return -1;
    }
    guid->Data1 = (DWORD)bytes[0] << 24 | (DWORD)bytes[1] << 16 | (DWORD)bytes[2] << 8 | bytes[3];
    guid->Data2 = (WORD)(bytes[4] << 8 | bytes[5]);
    guid->Data3 = (WORD)(bytes[6] << 8 | bytes[7]);
    memcpy(guid->Data4, bytes + 8, 8);
    return 0;
}

/* Digits only, no sign, no overflow. */
static int parse_digits(const char *text, size_t len, unsigned long long *value)
{
    unsigned long long v = 0;
    size_t i;

    if (!len) return -1;
    for (i = 0; i < len; i++)
    {
        if (!isdigit((unsigned char)text[i])) return -1;
        if (v > (ULLONG_MAX - 9) / 10) return -1;
        v = v * 10 + (unsigned long long)(text[i] - '0');
    }
    *value = v;
    return 0;
}

int vsa_parse_size(const char *text, struct vsa_size *size)
{
    static const struct { const char *suffix; unsigned int shift; } suffixes[] =
    {
        { "", 0 }, { "B", 0 },
        { "K", 10 }, { "KB", 10 }, { "M", 20 }, { "MB", 20 }, { "G", 30 }, { "GB", 30 },
        { "T", 40 }, { "TB", 40 }, { "P", 50 }, { "PB", 50 }, { "E", 60 }, { "EB", 60 },
    };
    unsigned long long value;
    size_t digits = 0, i;

    if (!text) return -1;
    if (!strcasecmp(text, "UNBOUNDED"))
    {
        size->kind = VSA_SIZE_UNBOUNDED;
        size->value = -1;
        return 0;
    }
    while (isdigit((unsigned char)text[digits])) digits++;
    if (parse_digits(text, digits, &value)) return -1;
    if (!strcmp(text + digits, "%"))
    {
        if (value < 1 || value > 100) return -1;
        size->kind = VSA_SIZE_PERCENT;
        size->value = (long long)value;
        return 0;
    }
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
    {
        if (strcasecmp(text + digits, suffixes[i].suffix)) continue;
        if (value > (unsigned long long)LLONG_MAX >> suffixes[i].shift) return -1;
        size->kind = VSA_SIZE_BYTES;
        size->value = (long long)(value << suffixes[i].shift);
        return 0;
    }
    return -1;
}

int vsa_parse_minutes(const char *text, unsigned int *minutes)
{
    unsigned long long value;

    if (!text || parse_digits(text, strlen(text), &value) || value > MAX_RETRY_MINUTES) return -1;
    *minutes = (unsigned int)value;
    return 0;
}

/* --- argv ------------------------------------------------------------------------------- */

static int is_help(const char *arg)
{
    return !strcmp(arg, "/?") || !strcmp(arg, "-?") || !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static enum vsa_parse_result fail(struct vsa_parse_error *err, const char *text, const char *fmt, const char *arg,
                                  const char *why)
{
    snprintf(err->text, sizeof(err->text), "%s", text);
    snprintf(err->detail, sizeof(err->detail), fmt, arg, why);
    return VSA_PARSE_BAD_OPTION;
}

static enum vsa_parse_result bad_value(struct vsa_parse_error *err, const char *arg, const char *why)
{
    return fail(err, "Invalid option value.", "%s: %s", arg, why);
}

/* One /Name[=Value] argument of the command cmd->id. */
static enum vsa_parse_result parse_option(const char *arg, struct vsa_command *cmd, struct vsa_parse_error *err)
{
    const char *eq = strchr(arg, '='), *value = eq ? eq + 1 : NULL;
    size_t name_len = eq ? (size_t)(eq - arg - 1) : strlen(arg + 1);
    char name[64];
    int opt;

    snprintf(name, sizeof(name), "/%.*s", (int)(name_len < 60 ? name_len : 60), arg + 1);
    for (opt = 0; opt < VSA_OPT_COUNT; opt++)
        if (strlen(vsa_options[opt].name) == name_len && !strncasecmp(arg + 1, vsa_options[opt].name, name_len)
            && vsa_command_allows(cmd->id, (enum vsa_option_id)opt))
            break;
    if (opt == VSA_OPT_COUNT)
    {
        char text[128];
        snprintf(text, sizeof(text), "Invalid option: '%s'.", name);                  /* [U] */
        return fail(err, text, "%s: %s", arg, "the command does not take this option");
    }
    if (vsa_has(cmd, (enum vsa_option_id)opt))
    {
        char text[128];
        snprintf(text, sizeof(text), "The /%s option was given more than once.", vsa_options[opt].name);  /* [U] */
        return fail(err, text, "%s: %s", arg, "repeated option");
    }

    switch (vsa_options[opt].kind)
    {
    case VSA_KIND_FLAG:
        if (eq) return bad_value(err, arg, "this option takes no value");
        break;
    case VSA_KIND_VOLUME:
        if (!value || !*value) return bad_value(err, arg, "a volume is needed after '='");
        break;
    case VSA_KIND_GUID:
        if (!value || vsa_parse_guid(value, &cmd->guid[opt]))
            return bad_value(err, arg, "an id has the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}");
        break;
    case VSA_KIND_SIZE:
        if (!value || vsa_parse_size(value, &cmd->size))
            return bad_value(err, arg, "a size is a number of bytes with an optional suffix "
                                       "(KB, MB, GB, TB, PB, EB), a percentage from 1% to 100%, or UNBOUNDED");
        break;
    case VSA_KIND_MINUTES:
        if (!value || vsa_parse_minutes(value, &cmd->minutes))
            return bad_value(err, arg, "a whole number of minutes is needed");
        break;
    }
    cmd->given |= 1u << opt;
    cmd->value[opt] = value;
    return VSA_PARSE_OK;
}

static enum vsa_parse_result required(const struct vsa_command *cmd, enum vsa_option_id opt,
                                      struct vsa_parse_error *err)
{
    char text[128];

    if (vsa_has(cmd, opt)) return VSA_PARSE_OK;
    snprintf(text, sizeof(text), "The /%s option is required.", vsa_options[opt].name);     /* [U] */
    snprintf(err->text, sizeof(err->text), "%s", text);
    snprintf(err->detail, sizeof(err->detail), "%s needs /%s", vsa_command_name(cmd->id), vsa_options[opt].name);
    return VSA_PARSE_BAD_OPTION;
}

static enum vsa_parse_result exclusive(const struct vsa_command *cmd, enum vsa_option_id a, enum vsa_option_id b,
                                       struct vsa_parse_error *err)
{
    if (!vsa_has(cmd, a) || !vsa_has(cmd, b)) return VSA_PARSE_OK;
    snprintf(err->text, sizeof(err->text), "The /%s and /%s options cannot be used together.",  /* [U] */
             vsa_options[a].name, vsa_options[b].name);
    snprintf(err->detail, sizeof(err->detail), "%s takes /%s or /%s", vsa_command_name(cmd->id),
             vsa_options[a].name, vsa_options[b].name);
    return VSA_PARSE_BAD_OPTION;
}

/* Which options go together (the syntax lines of §5.2). */
static enum vsa_parse_result check_combination(const struct vsa_command *cmd, struct vsa_parse_error *err)
{
    enum vsa_parse_result r = VSA_PARSE_OK;

    switch (cmd->id)
    {
    case VSA_CMD_ADD_SHADOWSTORAGE:
    case VSA_CMD_RESIZE_SHADOWSTORAGE:
        if (!(r = required(cmd, VSA_OPT_FOR, err))) r = required(cmd, VSA_OPT_ON, err);
        break;
    case VSA_CMD_CREATE_SHADOW:
    case VSA_CMD_DELETE_SHADOWSTORAGE:
        r = required(cmd, VSA_OPT_FOR, err);
        break;
    case VSA_CMD_DELETE_SHADOWS:
        if ((r = exclusive(cmd, VSA_OPT_FOR, VSA_OPT_SHADOW, err))
            || (r = exclusive(cmd, VSA_OPT_FOR, VSA_OPT_ALL, err))
            || (r = exclusive(cmd, VSA_OPT_SHADOW, VSA_OPT_ALL, err)))
            break;
        if (!vsa_has(cmd, VSA_OPT_FOR) && !vsa_has(cmd, VSA_OPT_SHADOW) && !vsa_has(cmd, VSA_OPT_ALL))
        {
            snprintf(err->text, sizeof(err->text), "One of the /For, /Shadow and /All options is required.");  /* [U] */
            snprintf(err->detail, sizeof(err->detail), "Delete Shadows needs /For, /Shadow or /All");
            r = VSA_PARSE_BAD_OPTION;
        }
        else if (vsa_has(cmd, VSA_OPT_OLDEST) && !vsa_has(cmd, VSA_OPT_FOR))
        {
            snprintf(err->text, sizeof(err->text), "The /Oldest option can only be used with /For.");  /* [U] */
            snprintf(err->detail, sizeof(err->detail), "/Oldest picks the oldest shadow copy of the /For volume");
            r = VSA_PARSE_BAD_OPTION;
        }
        break;
    case VSA_CMD_LIST_SHADOWS:
        r = exclusive(cmd, VSA_OPT_SHADOW, VSA_OPT_SET, err);
        break;
    case VSA_CMD_LIST_SHADOWSTORAGE:
        r = exclusive(cmd, VSA_OPT_FOR, VSA_OPT_ON, err);
        break;
    case VSA_CMD_REVERT_SHADOW:
        r = required(cmd, VSA_OPT_SHADOW, err);
        break;
    default:
        break;
    }
    return r;
}

enum vsa_parse_result vsa_parse(int argc, char **argv, struct vsa_command *cmd, struct vsa_parse_error *err)
{
    const char *words[2] = { NULL, NULL }, *bad_addition = NULL;
    int nwords = 0, extra_words = 0, options = 0, i;
    enum vsa_parse_result r;

    memset(cmd, 0, sizeof(*cmd));
    memset(err, 0, sizeof(*err));
    cmd->id = VSA_CMD_NONE;
    for (i = 1; i < argc; i++)
    {
        const char *arg = argv[i];

        if (is_help(arg)) cmd->help = 1;
        else if (!strcmp(arg, "--json")) cmd->json = 1;
        else if (!strcmp(arg, "--crlf")) cmd->crlf = 1;
        else if (!strncmp(arg, "--", 2)) { if (!bad_addition) bad_addition = arg; }
        else if (arg[0] == '/') options++;
        else if (nwords < 2) words[nwords++] = arg;
        else extra_words = 1;
    }

    if (!nwords)
    {
        if (cmd->help && !options) return VSA_PARSE_GENERAL_HELP;
        return options || bad_addition ? VSA_PARSE_BAD_COMMAND : VSA_PARSE_NO_COMMAND;
    }
    cmd->id = vsa_command_lookup(words[0], nwords > 1 ? words[1] : NULL);
    if (cmd->id == VSA_CMD_NONE || extra_words)
    {
        cmd->id = VSA_CMD_NONE;
        /* "vssadmin list /?" asks which list commands there are */
        return cmd->help && nwords == 1 ? VSA_PARSE_GENERAL_HELP : VSA_PARSE_BAD_COMMAND;
    }
    if (cmd->help) return VSA_PARSE_OK;

    if (bad_addition)
    {
        char text[128];
        snprintf(text, sizeof(text), "Invalid option: '%.100s'.", bad_addition);             /* [U] */
        return fail(err, text, "%s: %s", bad_addition,
                    "not an option of vssadmin (Umbra adds --json, --crlf and --help)");
    }
    if (cmd->json && !vsa_command_takes_json(cmd->id))
        return fail(err, "Invalid option: '--json'.", "%s: %s", "--json",                  /* [U] */
                    "only the List commands and Query Reverts have JSON output");
    for (i = 1; i < argc; i++)
        if (argv[i][0] == '/' && !is_help(argv[i]) && (r = parse_option(argv[i], cmd, err)) != VSA_PARSE_OK)
            return r;
    return check_combination(cmd, err);
}
