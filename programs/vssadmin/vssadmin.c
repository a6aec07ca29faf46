/*
 * vssadmin.c: one run of vssadmin: parse the command line, print the banner
 * (VSS-FACTS.md §5.1), run the command, and turn the outcome into the exit
 * status (docs/man/vssadmin.8).  main.c calls it with the real API; the
 * tests call it with fakes and memory streams.
 */
#include <stdio.h>
#include <string.h>

#include "vssadmin.h"

typedef enum vsa_status (*command_fn)(struct vsa *v);

static const command_fn handlers[VSA_CMD_COUNT] =
{
    [VSA_CMD_ADD_SHADOWSTORAGE] = vsa_cmd_add_shadowstorage,
    [VSA_CMD_CREATE_SHADOW] = vsa_cmd_create_shadow,
    [VSA_CMD_DELETE_SHADOWS] = vsa_cmd_delete_shadows,
    [VSA_CMD_DELETE_SHADOWSTORAGE] = vsa_cmd_delete_shadowstorage,
    [VSA_CMD_LIST_PROVIDERS] = vsa_cmd_list_providers,
    [VSA_CMD_LIST_SHADOWS] = vsa_cmd_list_shadows,
    [VSA_CMD_LIST_SHADOWSTORAGE] = vsa_cmd_list_shadowstorage,
    [VSA_CMD_LIST_VOLUMES] = vsa_cmd_list_volumes,
    [VSA_CMD_LIST_WRITERS] = vsa_cmd_list_writers,
    [VSA_CMD_QUERY_REVERTS] = vsa_cmd_query_reverts,
    [VSA_CMD_RESIZE_SHADOWSTORAGE] = vsa_cmd_resize_shadowstorage,
    [VSA_CMD_REVERT_SHADOW] = vsa_cmd_revert_shadow,
};

int vsa_main(const struct vsa_api *api, int argc, char **argv, FILE *out, FILE *err, FILE *in, int in_is_tty)
{
    struct vsa_parse_error perr;
    struct vsa_command cmd;
    enum vsa_parse_result parsed = vsa_parse(argc, argv, &cmd, &perr);
    enum vsa_status status = VSA_OK;
    struct vsa v;

    /* --json: standard output is one JSON document, so no banner (and errors
     * go to standard error) */
    if (!vsa_command_takes_json(cmd.id) || cmd.help) cmd.json = 0;
    memset(&v, 0, sizeof(v));
    v.api = api;
    v.out.file = out;
    v.out.crlf = cmd.crlf;
    v.err = err;
    v.in = in;
    v.in_is_tty = in_is_tty;
    v.cmd = &cmd;

    if (!cmd.json) vsa_print_banner(&v.out);
    switch (parsed)
    {
    case VSA_PARSE_GENERAL_HELP:
        vsa_print_command_list(&v.out);
        break;
    case VSA_PARSE_NO_COMMAND:
        vsa_print_command_list(&v.out);
        status = VSA_ERR_SYNTAX;
        break;
    case VSA_PARSE_BAD_COMMAND:
        vsa_puts(&v.out, "Error: Invalid command.\n\n");
        vsa_print_command_list(&v.out);
        status = VSA_ERR_SYNTAX;
        break;
    case VSA_PARSE_BAD_OPTION:
        if (err && perr.detail[0]) fprintf(err, "vssadmin: %s\n", perr.detail);
        status = vsa_error(&v, VSA_ERR_SYNTAX, perr.text);
        break;
    case VSA_PARSE_OK:
        if (cmd.help) vsa_print_command_help(&v.out, cmd.id);
        else status = handlers[cmd.id](&v);
        break;
    }
    vsa_session_free(&v);

    if (out && (fflush(out) || ferror(out))) v.out.failed = 1;
    if (v.out.failed && status == VSA_OK) status = VSA_ERR_OUTPUT;
    return status;
}
