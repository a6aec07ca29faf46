/*
 * help.c: the commands vssadmin knows, the options each takes, and their help
 * (vssadmin /?, vssadmin <command> /?).
 *
 * Command names, syntax lines and the layout (name in 22 columns, "- "
 * description; syntax, indented "- " paragraphs, "Example Usage:") are
 * Windows' (VSS-FACTS.md §5.1, §5.2); the descriptions and paragraphs are in
 * our own words.  The server-only commands are all here: on Linux there is
 * one edition.
 */
#include <string.h>
#include <strings.h>

#include "vssadmin.h"

const struct vsa_option_info vsa_options[VSA_OPT_COUNT] =
{
    [VSA_OPT_FOR] = { "For", VSA_KIND_VOLUME },
    [VSA_OPT_ON] = { "On", VSA_KIND_VOLUME },
    [VSA_OPT_MAXSIZE] = { "MaxSize", VSA_KIND_SIZE },
    [VSA_OPT_AUTORETRY] = { "AutoRetry", VSA_KIND_MINUTES },
    [VSA_OPT_SHADOW] = { "Shadow", VSA_KIND_GUID },
    [VSA_OPT_SET] = { "Set", VSA_KIND_GUID },
    [VSA_OPT_OLDEST] = { "Oldest", VSA_KIND_FLAG },
    [VSA_OPT_ALL] = { "All", VSA_KIND_FLAG },
    [VSA_OPT_QUIET] = { "Quiet", VSA_KIND_FLAG },
    [VSA_OPT_FORCEDISMOUNT] = { "ForceDismount", VSA_KIND_FLAG },
};

#define OPT(o) (1u << VSA_OPT_##o)

struct command_info
{
    const char *verb, *object;
    const char *name;               /* as the command list prints it */
    const char *summary;            /* our words */
    unsigned int options;           /* the options it takes */
    int json;                       /* --json applies */
    const char *syntax;             /* Windows' syntax line(s) */
    const char *text;               /* our words, already indented */
    const char *example;            /* the "Example Usage:" block */
};

static const struct command_info commands[VSA_CMD_COUNT] =
{
    [VSA_CMD_ADD_SHADOWSTORAGE] =
    {
        "add", "shadowstorage", "Add ShadowStorage", "Add a shadow copy storage association",
        OPT(FOR) | OPT(ON) | OPT(MAXSIZE), 0,
        "Add ShadowStorage /For=ForVolumeSpec /On=OnVolumeSpec [/MaxSize=MaxSizeSpec]\n",
        "    - Sets how much space the shadow copies of the /For volume may take on\n"
        "    the /On volume.  On Linux a volume keeps its shadow copies on itself, so\n"
        "    /On names the same volume as /For.\n"
        "    - MaxSizeSpec is a number of bytes, optionally followed by one of the\n"
        "    suffixes KB, MB, GB, TB, PB and EB (or B, K, M, G, T, P and E), a\n"
        "    percentage of the /For volume such as 20%, or UNBOUNDED.  Without\n"
        "    /MaxSize the association is unbounded.  The smallest size is 320MB.\n"
        "    - A volume is a drive letter (C:), a mount point or directory\n"
        "    (/srv/data), or a volume name (\\\\?\\Volume{...}\\).\n",
        "    Example Usage:  vssadmin Add ShadowStorage /For=C: /On=C: /MaxSize=900MB\n",
    },
    [VSA_CMD_CREATE_SHADOW] =
    {
        "create", "shadow", "Create Shadow", "Create a new shadow copy of a volume",
        OPT(FOR) | OPT(AUTORETRY), 0,
        "Create Shadow /For=ForVolumeSpec [/AutoRetry=MaxRetryMinutes]\n",
        "    - Creates a client-accessible shadow copy of the /For volume.\n"
        "    - With /AutoRetry, when another shadow copy is being created the\n"
        "    command tries again for up to MaxRetryMinutes minutes.\n",
        "    Example Usage:  vssadmin Create Shadow /For=C: /AutoRetry=2\n",
    },
    [VSA_CMD_DELETE_SHADOWS] =
    {
        "delete", "shadows", "Delete Shadows", "Delete shadow copies",
        OPT(FOR) | OPT(OLDEST) | OPT(SHADOW) | OPT(ALL) | OPT(QUIET), 0,
        "Delete Shadows /For=ForVolumeSpec [/Oldest] [/Quiet]\n"
        "Delete Shadows /Shadow=ShadowId [/Quiet]\n"
        "Delete Shadows /All\n",
        "    - Deletes the shadow copies of the /For volume (only the oldest one\n"
        "    with /Oldest), the shadow copy with the given id, or, with /All,\n"
        "    every shadow copy that can be deleted.\n"
        "    - Only client-accessible shadow copies are deleted here; the others\n"
        "    belong to the backup programs that made them.\n"
        "    - The command asks before deleting unless /Quiet is given.\n"
        "    - A ShadowId has the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX},\n"
        "    where each X is a hexadecimal digit; List Shadows shows them.\n",
        "    Example Usage:  vssadmin Delete Shadows /For=C: /Oldest\n",
    },
    [VSA_CMD_DELETE_SHADOWSTORAGE] =
    {
        "delete", "shadowstorage", "Delete ShadowStorage", "Delete shadow copy storage associations",
        OPT(FOR) | OPT(ON) | OPT(QUIET), 0,
        "Delete ShadowStorage /For=ForVolumeSpec [/On=OnVolumeSpec] [/Quiet]\n",
        "    - Deletes the shadow copy storage association of the /For volume (the\n"
        "    one on the /On volume, if given).  The volume's shadow copies stay.\n",
        "    Example Usage:  vssadmin Delete ShadowStorage /For=C: /On=C:\n",
    },
    [VSA_CMD_LIST_PROVIDERS] =
    {
        "list", "providers", "List Providers", "List the shadow copy providers",
        0, 1,
        "List Providers\n",
        "    - Lists the shadow copy providers of this system.\n",
        "    Example Usage:  vssadmin List Providers\n",
    },
    [VSA_CMD_LIST_SHADOWS] =
    {
        "list", "shadows", "List Shadows", "List the existing shadow copies",
        OPT(FOR) | OPT(SHADOW) | OPT(SET), 1,
        "List Shadows [/For=ForVolumeSpec] [/Shadow=ShadowId|/Set=ShadowSetId]\n",
        "    - Lists the shadow copies of the system, grouped by shadow copy set, or\n"
        "    only those of the /For volume, the one shadow copy given with /Shadow,\n"
        "    or the shadow copies of the set given with /Set.\n"
        "    - Ids have the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, where each\n"
        "    X is a hexadecimal digit.\n",
        "    Example Usage:  vssadmin List Shadows\n"
        "                        /Shadow={3b8d5c3e-5a2f-4c61-9d0e-2f7b6a1c9e40}\n",
    },
    [VSA_CMD_LIST_SHADOWSTORAGE] =
    {
        "list", "shadowstorage", "List ShadowStorage", "List shadow copy storage associations",
        OPT(FOR) | OPT(ON), 1,
        "List ShadowStorage [/For=ForVolumeSpec|/On=OnVolumeSpec]\n",
        "    - Lists the shadow copy storage associations of the system, those of\n"
        "    the /For volume, or those kept on the /On volume.\n",
        "    Example Usage:  vssadmin List ShadowStorage /On=C:\n",
    },
    [VSA_CMD_LIST_VOLUMES] =
    {
        "list", "volumes", "List Volumes", "List the volumes that can have shadow copies",
        0, 1,
        "List Volumes\n",
        "    - Lists the volumes of which shadow copies can be made.\n",
        "    Example Usage:  vssadmin List Volumes\n",
    },
    [VSA_CMD_LIST_WRITERS] =
    {
        "list", "writers", "List Writers", "List the subscribed writers and their states",
        0, 1,
        "List Writers\n",
        "    - Lists the writers running on this system, with their states and the\n"
        "    last error each reported.\n",
        "    Example Usage:  vssadmin List Writers\n",
    },
    [VSA_CMD_QUERY_REVERTS] =
    {
        "query", "reverts", "Query Reverts", "Show the reverts in progress",
        OPT(FOR), 1,
        "Query Reverts [/For=ForVolumeSpec]\n",
        "    - Shows the volumes being reverted to a shadow copy, or whether the\n"
        "    /For volume is.\n",
        "    Example Usage:  vssadmin Query Reverts /For=C:\n",
    },
    [VSA_CMD_RESIZE_SHADOWSTORAGE] =
    {
        "resize", "shadowstorage", "Resize ShadowStorage",
        "Change the maximum size of a shadow copy storage association",
        OPT(FOR) | OPT(ON) | OPT(MAXSIZE), 0,
        "Resize ShadowStorage /For=ForVolumeSpec /On=OnVolumeSpec [/MaxSize=MaxSizeSpec]\n",
        "    - Changes how much space the shadow copies of the /For volume may take\n"
        "    on the /On volume.  Without /MaxSize the association is unbounded.\n"
        "    - MaxSizeSpec is a number of bytes, optionally followed by one of the\n"
        "    suffixes KB, MB, GB, TB, PB and EB (or B, K, M, G, T, P and E), a\n"
        "    percentage of the /For volume such as 20%, or UNBOUNDED.  The smallest\n"
        "    size is 320MB.\n",
        "    Example Usage:  vssadmin Resize ShadowStorage /For=C: /On=C: /MaxSize=900MB\n"
        "                    vssadmin Resize ShadowStorage /For=C: /On=C: /MaxSize=UNBOUNDED\n"
        "                    vssadmin Resize ShadowStorage /For=C: /On=C: /MaxSize=20%\n",
    },
    [VSA_CMD_REVERT_SHADOW] =
    {
        "revert", "shadow", "Revert Shadow", "Revert a volume to one of its shadow copies",
        OPT(SHADOW) | OPT(FORCEDISMOUNT), 0,
        "Revert Shadow /Shadow=ShadowId [/ForceDismount]\n",
        "    - Puts the volume back in the state of the shadow copy given with\n"
        "    /Shadow; the shadow copy is used up.  What was written to the volume\n"
        "    since the shadow copy was made is lost.\n"
        "    - /ForceDismount reverts even when files on the volume are open.\n",
        "    Example Usage:  vssadmin Revert Shadow\n"
        "                        /Shadow={3b8d5c3e-5a2f-4c61-9d0e-2f7b6a1c9e40}\n",
    },
};

const char *vsa_command_name(enum vsa_command_id id)
{
    return (unsigned int)id < VSA_CMD_COUNT ? commands[id].name : "";
}

int vsa_command_allows(enum vsa_command_id id, enum vsa_option_id opt)
{
    return (unsigned int)id < VSA_CMD_COUNT && (unsigned int)opt < VSA_OPT_COUNT
        && (commands[id].options & (1u << opt));
}

int vsa_command_takes_json(enum vsa_command_id id)
{
    return (unsigned int)id < VSA_CMD_COUNT && commands[id].json;
}

enum vsa_command_id vsa_command_lookup(const char *verb, const char *object)
{
    int i;

    if (!verb || !object) return VSA_CMD_NONE;
    for (i = 0; i < VSA_CMD_COUNT; i++)
        if (!strcasecmp(verb, commands[i].verb) && !strcasecmp(object, commands[i].object))
            return (enum vsa_command_id)i;
    return VSA_CMD_NONE;
}

void vsa_print_command_list(struct vsa_out *out)
{
    int i;

    vsa_puts(out, "---- Commands Supported ----\n\n");
    for (i = 0; i < VSA_CMD_COUNT; i++) vsa_printf(out, "%-22s- %s\n", commands[i].name, commands[i].summary);
}

void vsa_print_command_help(struct vsa_out *out, enum vsa_command_id id)
{
    if ((unsigned int)id >= VSA_CMD_COUNT) return;
    vsa_puts(out, commands[id].syntax);
    vsa_puts(out, commands[id].text);
    vsa_puts(out, "\n");
    vsa_puts(out, commands[id].example);
}
