/*
 * parse.h: diskshadow's command language (VSS-FACTS.md §6.1-6.2), one line at
 * a time, into a struct ds_command.
 *
 * Keywords are case-insensitive; a line whose first non-blank character is '#'
 * is a comment; "double quotes" group words; %name% is replaced from the alias
 * environment (aliases are environment variables, so %TEMP% works too).
 * Parsing checks syntax only: whether an alias names a shadow copy, whether a
 * volume exists, is decided when the command runs (exec.c), because aliases
 * are defined by earlier commands of the same script.
 */
#ifndef DISKSHADOW_PARSE_H
#define DISKSHADOW_PARSE_H

#include <stddef.h>
#include <windef.h>

enum ds_verb
{
    DS_NOP,                 /* blank line or comment */
    DS_HELP,                /* "help [command]", "?" or "<command> /?": topic says which */
    DS_SET_SHOW,
    DS_SET_CONTEXT,
    DS_SET_OPTION,
    DS_SET_VERBOSE,
    DS_SET_METADATA,
    DS_LOAD_METADATA,
    DS_WRITER_VERIFY,
    DS_WRITER_EXCLUDE,
    DS_ADD_SHOW,
    DS_ADD_VOLUME,
    DS_ADD_ALIAS,
    DS_ADD_SHADOW,
    DS_CREATE,
    DS_EXEC,
    DS_BEGIN_BACKUP,
    DS_END_BACKUP,
    DS_BEGIN_RESTORE,
    DS_END_RESTORE,
    DS_RESET,
    DS_LIST_WRITERS,
    DS_LIST_SHADOWS,
    DS_LIST_PROVIDERS,
    DS_DELETE_SHADOWS,
    DS_IMPORT,
    DS_MASK,
    DS_EXPOSE,
    DS_UNEXPOSE,
    DS_BREAK,
    DS_REVERT,
    DS_RESYNC,
    DS_EXIT,
};

/* Help texts diskshadow prints (output.c); a usage error names the one to show. */
enum ds_topic
{
    DS_TOPIC_COMMANDS,      /* the list of all commands */
    DS_TOPIC_SET,
    DS_TOPIC_SET_CONTEXT,
    DS_TOPIC_SET_OPTION,
    DS_TOPIC_SET_VERBOSE,
    DS_TOPIC_SET_METADATA,
    DS_TOPIC_LOAD_METADATA,
    DS_TOPIC_WRITER,
    DS_TOPIC_ADD,
    DS_TOPIC_ADD_VOLUME,
    DS_TOPIC_ADD_ALIAS,
    DS_TOPIC_ADD_SHADOW,
    DS_TOPIC_CREATE,
    DS_TOPIC_EXEC,
    DS_TOPIC_BEGIN,
    DS_TOPIC_END,
    DS_TOPIC_RESET,
    DS_TOPIC_LIST,
    DS_TOPIC_DELETE_SHADOWS,
    DS_TOPIC_IMPORT,
    DS_TOPIC_MASK,
    DS_TOPIC_EXPOSE,
    DS_TOPIC_UNEXPOSE,
    DS_TOPIC_BREAK,
    DS_TOPIC_REVERT,
    DS_TOPIC_RESYNC,
    DS_TOPIC_EXIT,
    DS_TOPIC_COUNT
};

/* set context (VSS-FACTS.md §6.2 / §3.3 VSS_SNAPSHOT_CONTEXT values) */
#define DS_CTX_VOLATILE                 0x00000000  /* VSS_CTX_BACKUP */
#define DS_CTX_VOLATILE_NOWRITERS       0x00000010  /* VSS_CTX_FILE_SHARE_BACKUP */
#define DS_CTX_PERSISTENT               0x00000009  /* VSS_CTX_APP_ROLLBACK */
#define DS_CTX_PERSISTENT_NOWRITERS     0x00000019  /* VSS_CTX_NAS_ROLLBACK */
#define DS_CTX_CLIENTACCESSIBLE         0x0000001d  /* VSS_CTX_CLIENT_ACCESSIBLE */

/* set option: the VSS_VOLSNAP_ATTR_* bits each keyword ORs into the context */
#define DS_OPT_NO_AUTORECOVERY          0x00000002
#define DS_OPT_TRANSPORTABLE            0x00000020
#define DS_OPT_DIFFERENTIAL             0x00020000
#define DS_OPT_PLEX                     0x00040000
#define DS_OPT_ROLLBACK_RECOVERY        0x00800000
#define DS_OPT_TXF_RECOVERY             0x02000000

enum ds_list_writers_mode { DS_WRITERS_METADATA, DS_WRITERS_DETAILED, DS_WRITERS_STATUS };
enum ds_shadow_scope { DS_SCOPE_ALL, DS_SCOPE_SET, DS_SCOPE_ID, DS_SCOPE_VOLUME, DS_SCOPE_OLDEST,
                       DS_SCOPE_EXPOSED };

/* resync options [U: diskshadow's resync syntax is undocumented, VSS-FACTS.md §7.5];
 * values are IVssBackupComponentsEx3::AddSnapshotToRecoverySet/RecoverSet flags */
#define DS_RESYNC_REVERT_IDENTITY       0x00000100  /* VSS_RECOVERY_REVERT_IDENTITY_ALL */
#define DS_RESYNC_NO_VOLUME_CHECK       0x00000200  /* VSS_RECOVERY_NO_VOLUME_CHECK */

/* One %name% the line used, for the "-> %name% = value" echo. */
struct ds_subst
{
    char *name;             /* as written, without the % signs */
    char *value;
};

struct ds_command
{
    enum ds_verb verb;
    enum ds_topic topic;    /* help for this command (or the one asked for by "help") */

    LONG context;           /* DS_SET_CONTEXT: DS_CTX_* */
    LONG options;           /* DS_SET_OPTION: DS_OPT_* ORed; DS_RESYNC: DS_RESYNC_* */
    int on;                 /* DS_SET_VERBOSE: on/off; DS_BREAK: writable */
    int mode;               /* DS_LIST_WRITERS: ds_list_writers_mode;
                             * DS_LIST_SHADOWS, DS_DELETE_SHADOWS: ds_shadow_scope */

    /* Arguments, after substitution and quote removal:
     *   SET/LOAD METADATA  arg[0] = cab file
     *   WRITER ...         arg[0] = writer name, {GUID} or writer:\component path
     *   ADD VOLUME         arg[0] = volume, arg[1] = provider id or NULL, arg[2] = alias or NULL
     *   ADD ALIAS          arg[0] = name, arg[1] = value
     *   ADD SHADOW         arg[0] = shadow id, arg[1] = destination volume or NULL
     *   EXEC               arg[0] = program; argv/argc = its arguments
     *   LIST SHADOWS       arg[0] = set or shadow id (SET/ID scopes)
     *   DELETE SHADOWS     arg[0] = volume, id or exposure (all but ALL)
     *   MASK/BREAK/REVERT  arg[0] = id
     *   EXPOSE             arg[0] = shadow id, arg[1] = drive, share or mount point
     *   UNEXPOSE           arg[0] = shadow id, drive, share or mount point */
    char *arg[3];
    char **argv;
    size_t argc;

    struct ds_subst *subst; /* every %name% replaced, in line order */
    size_t nsubst;
    char *undefined;        /* the first %name% left as written because nothing defines it */
};

/* Outcome of ds_parse_line besides 0: */
#define DS_PARSE_USAGE   1  /* missing, extra or wrong words: print cmd->topic's help */
#define DS_PARSE_UNKNOWN 2  /* the first word is no command: print the command list */

/* Looks up an alias or environment variable, case-insensitively as Windows
 * does; returns its value or NULL. */
typedef const char *(*ds_lookup_fn)(void *ctx, const char *name);

/* Parse one line (UTF-8, no terminator).  lookup may be NULL (no substitution).
 * Returns 0, DS_PARSE_USAGE, DS_PARSE_UNKNOWN, -E2BIG (line longer than
 * DS_SCRIPT_MAX_LINE) or -ENOMEM; cmd is always initialised and must be
 * released with ds_command_free. */
int ds_parse_line(const char *line, ds_lookup_fn lookup, void *ctx, struct ds_command *cmd);

void ds_command_free(struct ds_command *cmd);

/* The default lookup: the process environment, case-insensitively. */
const char *ds_lookup_environ(void *ctx, const char *name);

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", braces optional, any case.  0 or -EINVAL. */
int ds_parse_guid(const char *text, GUID *guid);

/* Name of a verb as diskshadow writes it ("SET CONTEXT"), for traces and messages. */
const char *ds_verb_name(enum ds_verb verb);

#endif
