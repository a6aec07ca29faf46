/*
 * vssadmin.h: what the parts of vssadmin share: the exported Windows
 * functions it calls (struct vsa_api: main.c hands in the real ones, the
 * tests fakes), one run's state (struct vsa), the parsed command line, the
 * exit statuses, and the functions of each file.
 *
 * vssadmin talks to VSS only through the public API, as Windows' vssadmin
 * does: IVssBackupComponents (Query, DeleteSnapshots, the writer status,
 * RevertToSnapshot ...), IVssSnapshotMgmt and the provider's
 * IVssDifferentialSoftwareSnapshotMgmt for shadow storage.  Output layouts
 * are Windows' (VSS-FACTS.md §5); texts Windows has not been seen printing
 * are ours, marked [U] where they are written (output.c, errors.c, help.c).
 *
 * Files: vssadmin.c (one run: vsa_main), cmdline.c (argv to a command),
 * help.c (command table and help), output.c (the output sink and every
 * formatter), errors.c (HRESULTs to "Error:" lines and exit statuses),
 * session.c (requester and management objects, providers, volume names),
 * cmd_*.c (the commands), wstr.c (UTF-8 and WCHAR), main.c (main() alone).
 */
#ifndef VSSADMIN_H
#define VSSADMIN_H

#ifndef COBJMACROS
#define COBJMACROS
#endif
#include <stdio.h>
#include <time.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsmgmt.h>

/* --- the exported functions vssadmin calls ------------------------------------------ */

struct vsa_api
{
    HRESULT (*create_backup_components)(IVssBackupComponents **out);
    /* CoCreateInstance(CLSID_VssSnapshotMgmt, ..., IID_IVssSnapshotMgmt) */
    HRESULT (*create_snapshot_mgmt)(IVssSnapshotMgmt **out);
    void (*free_snapshot_properties)(VSS_SNAPSHOT_PROP *prop);
    void (*co_task_mem_free)(void *mem);
    void (*sys_free_string)(BSTR text);
    /* one line of English for an HRESULT (libvssapi's umbra_hresult_text); may be NULL */
    const char *(*hresult_text)(HRESULT hr);
    /* kernel32's GetVolumePathNamesForVolumeNameW, for the drive letter of a
     * volume; NULL where the platform lacks it (the letters are then found
     * through the shadow-storage interface, see session.c) */
    BOOL (*volume_path_names)(LPCWSTR volume, LPWCH names, DWORD size, PDWORD needed);
    /* time, for create shadow /AutoRetry (faked by the tests: no real waiting) */
    void (*sleep_ms)(unsigned int ms);
    long long (*monotonic_ms)(void);
};

/* --- exit statuses (docs/man/vssadmin.8) ----------------------------------------------- */

enum vsa_status
{
    VSA_OK = 0,
    VSA_ERR_SYNTAX = 1,         /* invalid command, option, option value; unknown volume */
    VSA_ERR_VSS = 2,            /* a VSS operation failed */
    VSA_ERR_NOT_FOUND = 3,      /* the shadow copy or association to act on does not exist */
    VSA_ERR_DECLINED = 4,       /* delete shadows was not confirmed */
    VSA_ERR_ACCESS = 5,         /* permission denied */
    VSA_ERR_OUTPUT = 6,         /* the output could not be written */
};

/* --- commands and options ------------------------------------------------------------ */

enum vsa_command_id
{
    VSA_CMD_NONE = -1,
    VSA_CMD_ADD_SHADOWSTORAGE,
    VSA_CMD_CREATE_SHADOW,
    VSA_CMD_DELETE_SHADOWS,
    VSA_CMD_DELETE_SHADOWSTORAGE,
    VSA_CMD_LIST_PROVIDERS,
    VSA_CMD_LIST_SHADOWS,
    VSA_CMD_LIST_SHADOWSTORAGE,
    VSA_CMD_LIST_VOLUMES,
    VSA_CMD_LIST_WRITERS,
    VSA_CMD_QUERY_REVERTS,
    VSA_CMD_RESIZE_SHADOWSTORAGE,
    VSA_CMD_REVERT_SHADOW,
    VSA_CMD_COUNT
};

/* Every option of every command, in Windows' spelling. */
enum vsa_option_id
{
    VSA_OPT_FOR,
    VSA_OPT_ON,
    VSA_OPT_MAXSIZE,
    VSA_OPT_AUTORETRY,
    VSA_OPT_SHADOW,
    VSA_OPT_SET,
    VSA_OPT_OLDEST,
    VSA_OPT_ALL,
    VSA_OPT_QUIET,
    VSA_OPT_FORCEDISMOUNT,
    VSA_OPT_COUNT
};

enum vsa_option_kind
{
    VSA_KIND_FLAG,              /* /Quiet */
    VSA_KIND_VOLUME,            /* /For=C: */
    VSA_KIND_GUID,              /* /Shadow={...} */
    VSA_KIND_SIZE,              /* /MaxSize=900MB, 20%, UNBOUNDED */
    VSA_KIND_MINUTES,           /* /AutoRetry=5 */
};

struct vsa_option_info
{
    const char *name;           /* "For" */
    enum vsa_option_kind kind;
};
extern const struct vsa_option_info vsa_options[VSA_OPT_COUNT];

/* A /MaxSize value, before percentages are turned into bytes. */
struct vsa_size
{
    enum { VSA_SIZE_BYTES, VSA_SIZE_PERCENT, VSA_SIZE_UNBOUNDED } kind;
    long long value;            /* bytes, or 1..100 percent */
};

/* argv, parsed and checked. */
struct vsa_command
{
    enum vsa_command_id id;
    int help;                   /* /?, -?, -h or --help */
    int json;                   /* --json (list commands, query reverts) */
    int crlf;                   /* --crlf: Windows line ends */
    unsigned int given;         /* bit (1 << enum vsa_option_id) per option given */
    const char *value[VSA_OPT_COUNT];   /* the text after '=' (points into argv) */
    GUID guid[VSA_OPT_COUNT];   /* VSA_KIND_GUID values */
    struct vsa_size size;       /* /MaxSize */
    unsigned int minutes;       /* /AutoRetry */
};

static inline int vsa_has(const struct vsa_command *cmd, enum vsa_option_id opt)
{
    return (cmd->given >> opt) & 1;
}

/* --- the output sink ------------------------------------------------------------------- */

struct vsa_out
{
    FILE *file;
    int crlf;                   /* write "\r\n" for every "\n" */
    int failed;                 /* a write failed */
};

/* --- one run ---------------------------------------------------------------------------- */

struct vsa_provider
{
    GUID id;
    char *name;
    int type;                   /* VSS_PROVIDER_TYPE */
    char *version;
    GUID version_id;
    GUID class_id;
};

struct vsa_volume
{
    char *guid_name;            /* \\?\Volume{...}\ */
    char *path;                 /* "/srv/data/" (the API's display name), may be "" */
    char letter;                /* 'C' when a drive letter reaches it, else 0 */
};

struct vsa
{
    const struct vsa_api *api;
    struct vsa_out out;         /* standard output */
    FILE *err;                  /* standard error: details for people, never layouts */
    FILE *in;                   /* answers to the delete shadows question */
    int in_is_tty;              /* the answer's newline is echoed by the terminal */
    const struct vsa_command *cmd;

    /* opened on first use (session.c) */
    IVssBackupComponents *bc;   /* InitializeForBackup, SetContext(VSS_CTX_ALL) */
    IVssSnapshotMgmt *mgmt;
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    struct vsa_provider *providers;
    size_t nproviders;
    int providers_loaded;
    struct vsa_volume *volumes;
    size_t nvolumes;
    int volumes_loaded;
};

/* A volume named on the command line, resolved through the API. */
struct vsa_volume_info
{
    char *guid_name;            /* \\?\Volume{...}\ */
    char *display;              /* what goes between the parentheses: "C:" or "/srv/data" */
    char *path;                 /* "C:\" or "/srv/data/" (list volumes' "Volume path") */
    long long total_bytes;      /* size of the file system, 0 if unknown */
};

/* --- vssadmin.c: one run --------------------------------------------------------------- */

/* Run one command line (argv[0] is the program).  Writes to out and err, reads
 * in; returns the exit status. */
int vsa_main(const struct vsa_api *api, int argc, char **argv, FILE *out, FILE *err, FILE *in, int in_is_tty);

/* --- cmdline.c --- */
/* Parse argv[1..argc-1] into cmd.  Nothing is printed: an option error
 * leaves the "Error:" line's text and a detail for standard error in err. */
enum vsa_parse_result
{
    VSA_PARSE_OK,
    VSA_PARSE_GENERAL_HELP,     /* vssadmin /?: the command list, status 0 */
    VSA_PARSE_NO_COMMAND,       /* vssadmin alone: the command list, status 1 */
    VSA_PARSE_BAD_COMMAND,      /* Error: Invalid command. + the command list */
    VSA_PARSE_BAD_OPTION,       /* an option error, said in the vsa_parse_error */
};
struct vsa_parse_error
{
    char text[160];             /* after "Error: " */
    char detail[512];           /* for standard error: which argument and why */
};
enum vsa_parse_result vsa_parse(int argc, char **argv, struct vsa_command *cmd, struct vsa_parse_error *err);
/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (braces required, any case): 0 or -1. */
int vsa_parse_guid(const char *text, GUID *guid);
/* A /MaxSize value: 0 or -1. */
int vsa_parse_size(const char *text, struct vsa_size *size);
/* A /AutoRetry value (whole minutes): 0 or -1. */
int vsa_parse_minutes(const char *text, unsigned int *minutes);

/* --- help.c --- */
const char *vsa_command_name(enum vsa_command_id id);           /* "List Shadows" */
int vsa_command_allows(enum vsa_command_id id, enum vsa_option_id opt);
int vsa_command_takes_json(enum vsa_command_id id);
enum vsa_command_id vsa_command_lookup(const char *verb, const char *object);
void vsa_print_command_list(struct vsa_out *out);
void vsa_print_command_help(struct vsa_out *out, enum vsa_command_id id);

/* --- output.c --- */
void vsa_printf(struct vsa_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vsa_puts(struct vsa_out *out, const char *text);
void vsa_print_banner(struct vsa_out *out);
#define VSA_GUID_CHARS 39
char *vsa_format_guid(char buf[VSA_GUID_CHARS], const GUID *guid);
/* "9/10/2021 5:49:26 PM": US short date and long time, local time. */
char *vsa_format_time(char *buf, size_t size, long long timestamp);
/* "2021-09-10T17:49:26Z" for --json. */
char *vsa_format_iso_time(char *buf, size_t size, long long timestamp);
/* "22.1 GB", "0 bytes": three significant digits, binary units (StrFormatByteSize). */
char *vsa_format_size(char *buf, size_t size, long long bytes);
/* The "(4%)" number: whole percent of total (0 when total is unknown). */
int vsa_percent(long long part, long long total);
const char *vsa_writer_state_text(int state);                   /* "Stable", "Failed" */
const char *vsa_writer_error_text(HRESULT failure);              /* "No error" */
const char *vsa_provider_type_text(int type);                    /* "System" */
const char *vsa_snapshot_type_text(LONG attributes);             /* "ClientAccessibleWriters" */
/* "Persistent, Client-accessible, No auto release, Differential" ("None" when empty). */
char *vsa_format_attributes(char *buf, size_t size, LONG attributes);
/* One attribute bit's token, NULL for a bit without one. */
const char *vsa_attribute_token(LONG bit);
/* A point-in-time snapshot (the directory provider's copies are not: DESIGN.md §5). */
int vsa_is_point_in_time(LONG attributes);
/* JSON: a string literal with its quotes, or null for NULL. */
void vsa_json_string(struct vsa_out *out, const char *text);

/* --- errors.c --- */
enum vsa_error_context
{
    VSA_CTX_GENERIC,
    VSA_CTX_SHADOWS,            /* list/delete/revert shadows: not found is "no items" */
    VSA_CTX_STORAGE,            /* shadow storage associations */
    VSA_CTX_CREATE,             /* create shadow */
    VSA_CTX_REVERT,             /* revert shadow, query reverts */
};
/* Print "Error: <text>" for hr (to stdout, or to stderr under --json) and
 * return the exit status it means. */
enum vsa_status vsa_fail(struct vsa *v, HRESULT hr, enum vsa_error_context ctx, const char *what);
/* Print a fixed "Error: ..." line; returns status. */
enum vsa_status vsa_error(struct vsa *v, enum vsa_status status, const char *text);
/* "No items found that satisfy the query." */
void vsa_print_no_items(struct vsa *v);
/* The error line's text for hr in ctx (without "Error: "). */
const char *vsa_error_text(struct vsa *v, HRESULT hr, enum vsa_error_context ctx);
enum vsa_status vsa_status_for(HRESULT hr, enum vsa_error_context ctx);

/* --- session.c --- */
/* The requester object in VSS_CTX_ALL (kept for the run). */
HRESULT vsa_backup(struct vsa *v, IVssBackupComponents **bc);
/* A new requester object in a context (the caller releases it). */
HRESULT vsa_new_backup(struct vsa *v, LONG context, IVssBackupComponents **bc);
HRESULT vsa_snapshot_mgmt(struct vsa *v, IVssSnapshotMgmt **mgmt);
/* The shadow-storage interface of the system provider. */
HRESULT vsa_diff_mgmt(struct vsa *v, IVssDifferentialSoftwareSnapshotMgmt **diff);
HRESULT vsa_load_providers(struct vsa *v);
const struct vsa_provider *vsa_find_provider(struct vsa *v, const GUID *id);
HRESULT vsa_load_volumes(struct vsa *v);
/* "(C:)" part for a \\?\Volume{...}\ name: malloc'd, "" when unknown. */
char *vsa_volume_display(struct vsa *v, const char *guid_name);
/* Resolve a volume named by the user (any form).  Returns S_OK, or the HRESULT. */
HRESULT vsa_resolve_volume(struct vsa *v, const char *spec, struct vsa_volume_info *info);
void vsa_volume_info_free(struct vsa_volume_info *info);
/* Resolve an option's volume; prints the error and returns its status. */
enum vsa_status vsa_option_volume(struct vsa *v, enum vsa_option_id opt, struct vsa_volume_info *info);
/* Wait for an async operation, release it, return its result (S_OK when it finished). */
HRESULT vsa_wait(IVssAsync *async);
/* Every snapshot visible in VSS_CTX_ALL; free with vsa_free_snapshots. */
HRESULT vsa_query_snapshots(struct vsa *v, VSS_SNAPSHOT_PROP **props, size_t *count);
void vsa_free_snapshots(struct vsa *v, VSS_SNAPSHOT_PROP *props, size_t count);
void vsa_free_mgmt_prop(struct vsa *v, VSS_MGMT_OBJECT_PROP *prop);
void vsa_session_free(struct vsa *v);

/* --- wstr.c --- */
WCHAR *vsa_wcs(const char *utf8);                   /* malloc'd; NULL on ENOMEM */
char *vsa_utf8(const WCHAR *wide);                  /* malloc'd; "" for NULL; NULL on ENOMEM */

/* --- the commands (cmd_*.c) --- */
enum vsa_status vsa_cmd_list_providers(struct vsa *v);
enum vsa_status vsa_cmd_list_writers(struct vsa *v);
enum vsa_status vsa_cmd_list_volumes(struct vsa *v);
enum vsa_status vsa_cmd_list_shadows(struct vsa *v);
enum vsa_status vsa_cmd_create_shadow(struct vsa *v);
enum vsa_status vsa_cmd_delete_shadows(struct vsa *v);
enum vsa_status vsa_cmd_revert_shadow(struct vsa *v);
enum vsa_status vsa_cmd_query_reverts(struct vsa *v);
enum vsa_status vsa_cmd_list_shadowstorage(struct vsa *v);
enum vsa_status vsa_cmd_add_shadowstorage(struct vsa *v);
enum vsa_status vsa_cmd_resize_shadowstorage(struct vsa *v);
enum vsa_status vsa_cmd_delete_shadowstorage(struct vsa *v);

#endif
