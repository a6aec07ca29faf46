/*
 * session.h: one diskshadow session: its settings, the shadow copy set being
 * built, the requester objects it holds, and the commands that act on them.
 *
 * The executor drives VSS only through the public headers (vss.h, vsbackup.h)
 * and reaches the few exported functions it needs through struct ds_vss_api,
 * which main.c fills with the real ones (CreateVssBackupComponents ...) and the
 * tests with fakes; so the program is one link away from the real requester
 * and its logic is tested without one.  Command handlers live in cmd_*.c; the
 * line loop, the echo and the error policy in exec.c.
 */
#ifndef DISKSHADOW_SESSION_H
#define DISKSHADOW_SESSION_H

#ifndef COBJMACROS
#define COBJMACROS
#endif
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>

#include "output.h"
#include "parse.h"

/* The exported Windows functions the executor calls. */
struct ds_vss_api
{
    HRESULT (*create_backup_components)(IVssBackupComponents **out);
    HRESULT (*create_examine_writer_metadata)(BSTR xml, IVssExamineWriterMetadata **out);
    void (*free_snapshot_properties)(VSS_SNAPSHOT_PROP *prop);
    BSTR (*sys_alloc_string)(const OLECHAR *text);
    void (*sys_free_string)(BSTR text);
    void (*co_task_mem_free)(void *mem);
    /* kernel32's volume names; either may be NULL when the platform lacks them */
    BOOL (*volume_name_for_mount_point)(LPCWSTR mount_point, LPWSTR name, DWORD size);
    BOOL (*volume_path_names)(LPCWSTR volume, LPWCH names, DWORD size, PDWORD needed);
};

/* Outcome of a command; also the process exit status (docs/man/diskshadow.1). */
enum ds_status
{
    DS_OK = 0,
    DS_FAIL_SYNTAX = 1,     /* unknown command, missing or wrong words, undefined alias */
    DS_FAIL_VSS = 2,        /* a VSS operation failed ("The last operation failed.") */
    DS_FAIL_EXEC = 3,       /* EXEC could not run its file or the file failed */
    DS_FAIL_INPUT = 4,      /* the script or log file could not be read or written; bad options */
};

struct ds_volume
{
    char *name;             /* as written: "c:", "/srv/data", "\\?\Volume{...}\" */
    char *alias;            /* NULL: VSS_SHADOW_n at create */
    GUID provider;          /* GUID_NULL: the default provider */
    GUID snapshot_id;       /* from AddToSnapshotSet, once create has run */
    char *guid_name;        /* \\?\Volume{...}\ once known */
};

struct ds_writer_rule
{
    char *target;           /* writer name, {writer id}, or writer:\component path */
    int verify;             /* WRITER VERIFY (else EXCLUDE) */
};

/* A component added with AddComponent, for SetBackupSucceeded at END BACKUP. */
struct ds_component
{
    GUID instance_id;
    GUID writer_id;
    VSS_COMPONENT_TYPE type;
    char *logical_path;     /* NULL when the component has none */
    char *name;
};

struct ds_metadata;         /* a loaded metadata cabinet (cab.h) */

struct ds_session
{
    struct ds_out *out;
    const struct ds_vss_api *api;
    int script;             /* reading a script: the first failure ends the session */
    const char *source;     /* script name for messages, "-" for standard input */
    size_t lineno;

    /* SET */
    LONG context;           /* DS_CTX_* */
    LONG options;           /* DS_OPT_* */
    int verbose;
    char *metadata;         /* SET METADATA file, NULL when none */

    /* ADD, WRITER */
    struct ds_volume *volumes;
    size_t nvolumes;
    struct ds_writer_rule *rules;
    size_t nrules;

    /* the backup object of the current compound operation (create ... end backup) */
    IVssBackupComponents *backup;
    int backup_begun;       /* BEGIN BACKUP given (full backup; else copy) */
    int created;            /* CREATE succeeded on this object */
    int writers_involved;   /* the context involves writers and metadata was gathered */
    GUID set_id;
    struct ds_component *components;
    size_t ncomponents;

    /* restore: LOAD METADATA, IMPORT, BEGIN/END RESTORE, ADD SHADOW, RESYNC */
    struct ds_metadata *loaded;
    IVssBackupComponents *restore;
    int restore_begun;
    GUID *resync_ids;
    char **resync_targets;
    size_t nresync;

    /* aliases this session defined (they live in the environment for EXEC) */
    char **aliases;
    size_t naliases;
    unsigned int shadow_counter;    /* last n of VSS_SHADOW_n */

    /* volume names seen, for the [C:\] after "Original volume name:" */
    char **known_guid_names;
    char **known_displays;
    size_t nknown;

    /* everything printed, for the log member of the metadata cabinet */
    char *record;
    size_t record_len;
    FILE *record_stream;    /* ours, set as out->record */

    int done;               /* EXIT, or a failure in a script */
    enum ds_status status;  /* first failure, the exit status */
};

/* --- exec.c: the session and its line loop --- */
void ds_session_init(struct ds_session *s, struct ds_out *out, const struct ds_vss_api *api, int script,
                     const char *source);
/* Echo (script mode), substitute, parse and run one line.  Returns the line's status. */
enum ds_status ds_session_run_line(struct ds_session *s, const char *line);
/* End of input or EXIT: the END BACKUP note, releasing every requester object
 * (auto-release shadow copies go with them).  The final "->" echo of a script
 * that simply ended is the caller's (ds_run_script). */
void ds_session_finish(struct ds_session *s);
void ds_session_free(struct ds_session *s);
/* RESET: back to the starting state. */
void ds_session_reset(struct ds_session *s);
/* Run every line of a script, then finish.  Returns the session status. */
enum ds_status ds_run_script(struct ds_session *s, char **lines, size_t count);

/* --- aliases.c --- */
int ds_alias_define(struct ds_session *s, const char *name, const char *value);
const char *ds_alias_lookup(void *session, const char *name);     /* a ds_lookup_fn */
const char *ds_alias_for_value(struct ds_session *s, const char *value);
void ds_alias_clear(struct ds_session *s);
/* A shadow copy or set id given as {GUID}, %alias% (already substituted) or a
 * bare alias name (sample 31).  Prints the message and returns DS_FAIL_SYNTAX
 * when it is none of these. */
enum ds_status ds_resolve_id(struct ds_session *s, const char *text, GUID *id);

/* --- requester.c: requester objects, async waits, strings --- */
WCHAR *ds_wcs(const char *utf8);                    /* malloc'ed; NULL on ENOMEM */
char *ds_utf8(const WCHAR *wide);                   /* malloc'ed; "" for NULL */
enum ds_status ds_vss_failed(struct ds_session *s, HRESULT hr, const char *what);
/* A new object: InitializeForBackup(xml) (or ForRestore), then for a backup
 * SetContext(context) unless context is DS_KEEP_CONTEXT.  Prints the failure
 * block itself. */
#define DS_KEEP_CONTEXT 0x7fffffff
enum ds_status ds_requester_open(struct ds_session *s, LONG context, int for_restore, const char *xml,
                                 IVssBackupComponents **out);
HRESULT ds_wait(IVssAsync *async);                  /* waits, releases, returns the result */
void ds_release(IVssBackupComponents **bc);
/* The volume's \\?\Volume{...}\ name, or NULL; and how to show it ("C:\"). */
char *ds_volume_guid_name(struct ds_session *s, const char *volume);
char *ds_volume_display(struct ds_session *s, const char *guid_name);
void ds_remember_volume(struct ds_session *s, const char *guid_name, const char *display);
/* Print one shadow copy in the listing layout. */
void ds_print_snapshot(struct ds_session *s, const VSS_SNAPSHOT_PROP *prop);
/* Every snapshot visible in VSS_CTX_ALL; free with ds_free_snapshots. */
enum ds_status ds_query_snapshots(struct ds_session *s, IVssBackupComponents *bc, VSS_SNAPSHOT_PROP **props,
                                  size_t *count);
void ds_free_snapshots(struct ds_session *s, VSS_SNAPSHOT_PROP *props, size_t count);

/* --- winpath.c --- */
/* A file name as a Windows script writes it ("C:\dir\f.cab", "f.cab") as a
 * POSIX path: drive letters through $VSS_CONFIG_DIR/dosdevices, '\' to '/'.
 * malloc'ed; NULL with errno set. */
char *ds_posix_path(const char *name);
int ds_is_drive_letter(const char *name);           /* "x:" or "x:\" */

/* --- the commands (cmd_*.c) --- */
enum ds_status ds_cmd_create(struct ds_session *s);
enum ds_status ds_cmd_end_backup(struct ds_session *s);
enum ds_status ds_cmd_add_volume(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_list_shadows(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_list_providers(struct ds_session *s);
enum ds_status ds_cmd_delete_shadows(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_expose(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_unexpose(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_revert(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_break(struct ds_session *s, const struct ds_command *cmd, int mask);
enum ds_status ds_cmd_list_writers(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_exec(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_set_metadata(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_load_metadata(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_import(struct ds_session *s);
enum ds_status ds_cmd_begin_restore(struct ds_session *s);
enum ds_status ds_cmd_end_restore(struct ds_session *s);
enum ds_status ds_cmd_add_shadow(struct ds_session *s, const struct ds_command *cmd);
enum ds_status ds_cmd_resync(struct ds_session *s, const struct ds_command *cmd);

#endif
