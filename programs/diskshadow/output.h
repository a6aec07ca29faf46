/*
 * output.h: every text diskshadow prints, in Windows' layouts (VSS-FACTS.md
 * §6.3; captured transcripts in samples/diskshadow-scripts/output/).
 *
 * Output goes to the console and, with -l, to a log file as well; one
 * struct ds_out carries both.  The functions take plain views (UTF-8 strings,
 * GUIDs, numbers) rather than VSS structures, so the layouts are tested without
 * a snapshot in sight.  Where Windows' exact words are unknown the text is
 * ours and marked [U] beside it.
 */
#ifndef DISKSHADOW_OUTPUT_H
#define DISKSHADOW_OUTPUT_H

#include <stdio.h>
#include <time.h>
#include <windef.h>

#include "parse.h"

struct ds_out
{
    FILE *con;      /* usually stdout; may be NULL */
    FILE *log;      /* the -l log file, or NULL */
    FILE *record;   /* the session's own copy, for the metadata cabinet's log member, or NULL */
};

void ds_out_printf(struct ds_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ds_out_puts(struct ds_out *out, const char *text);  /* no newline added */
void ds_out_flush(struct ds_out *out);

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", lower case, as Windows prints GUIDs. */
#define DS_GUID_CHARS 39
char *ds_format_guid(char buf[DS_GUID_CHARS], const GUID *guid);

/* "10/3/2020 6:12:54 AM": US short date and long time, as the transcripts show. */
char *ds_format_time(char *buf, size_t size, const struct tm *tm);

/* VSS_TIMESTAMP (100 ns since 1601-01-01 UTC) to local broken-down time. */
void ds_timestamp_to_tm(long long timestamp, struct tm *tm);

/* Symbolic name of an HRESULT ("VSS_E_PROVIDER_VETO"), or NULL if unknown. */
const char *ds_hresult_name(HRESULT hr);

/* --- session framing --- */
void ds_print_banner(struct ds_out *out, const char *host, const struct tm *now);
void ds_print_echo(struct ds_out *out, const char *line);                 /* "-> line", "->" */
void ds_print_substitution(struct ds_out *out, const char *name, const char *value);
void ds_print_prompt(struct ds_out *out);                                  /* "DISKSHADOW> " */
void ds_print_exit_note(struct ds_out *out);     /* begin backup without end backup */

/* --- help --- */
void ds_print_help(struct ds_out *out, enum ds_topic topic);
void ds_print_unknown_command(struct ds_out *out, const char *word);
void ds_print_cli_usage(FILE *f);                /* diskshadow /? */

/* --- errors --- */
void ds_print_failure(struct ds_out *out, HRESULT hr);
void ds_print_exec_failure(struct ds_out *out, int exit_code);
void ds_print_exec_not_found(struct ds_out *out, const char *file);
void ds_print_bad_id(struct ds_out *out, const char *text);               /* [U] */
void ds_print_message(struct ds_out *out, const char *text);               /* one line */

/* --- set / add --- */
struct ds_settings_view
{
    LONG context;
    LONG options;
    int verbose;
    const char *metadata;   /* NULL when no SET METADATA */
};
void ds_print_settings(struct ds_out *out, const struct ds_settings_view *view);
void ds_print_metadata_overwrite(struct ds_out *out);

struct ds_volume_view
{
    const char *name;       /* as the script wrote it: "c:" */
    const char *alias;      /* NULL when none */
    const char *guid_name;  /* \\?\Volume{...}\ */
};
struct ds_alias_view
{
    const char *name;
    const char *value;
};
void ds_print_add_list(struct ds_out *out, const struct ds_volume_view *vols, size_t nvols,
                       const struct ds_alias_view *aliases, size_t naliases);

/* --- create --- */
void ds_print_alias_set(struct ds_out *out, const char *alias, const GUID *shadow_id);
void ds_print_set_alias_set(struct ds_out *out, const GUID *set_id);
void ds_print_cab_inserted(struct ds_out *out, const char *member, const char *cab_name);

/* verbose writer selection (§6.3 "Verbose writer selection") */
void ds_print_writer_excluded_all_components(struct ds_out *out, const char *writer);
void ds_print_component_excluded_volume(struct ds_out *out, const char *component, const char *writer,
                                        const char *volume);
void ds_print_writer_excluded_top_level(struct ds_out *out, const char *writer, const char *component);
void ds_print_writer_excluded_by_user(struct ds_out *out, const char *writer);               /* [U] */
void ds_print_including_writer(struct ds_out *out, const char *writer);
void ds_print_adding_component(struct ds_out *out, const char *component);

/* --- shadow copies --- */
struct ds_shadow_view
{
    GUID id;
    GUID set_id;
    LONG count;
    const char *original_volume;    /* \\?\Volume{...}\ */
    const char *volume_display;     /* "C:\" or a mount point; NULL: none known */
    long long creation;             /* VSS_TIMESTAMP */
    const char *device;
    const char *originating_machine;
    const char *service_machine;
    const char *exposed_name;       /* NULL: not exposed */
    const char *exposed_path;
    GUID provider;
    LONG attributes;
    const char *alias;              /* printed as %alias% after the id, or NULL */
    const char *set_alias;
};
enum ds_query_kind { DS_QUERY_SET, DS_QUERY_ALL, DS_QUERY_ID };
void ds_print_query_header(struct ds_out *out, enum ds_query_kind kind, const GUID *id);
void ds_print_shadow(struct ds_out *out, const struct ds_shadow_view *view);
void ds_print_shadow_count(struct ds_out *out, size_t count);
/* "No_Auto_Release Persistent No_Writers Differential" */
char *ds_format_attributes(char *buf, size_t size, LONG attributes);

void ds_print_deleting(struct ds_out *out, const GUID *shadow_id, const char *volume, const GUID *provider,
                       LONG attributes);
void ds_print_deleted_count(struct ds_out *out, long count);

void ds_print_exposed(struct ds_out *out, const char *exposed_as);
void ds_print_unexposed(struct ds_out *out, const char *target);                             /* [U] */

/* --- providers, writers --- */
struct ds_provider_view
{
    GUID id;
    int type;               /* VSS_PROVIDER_TYPE */
    const char *name;
    const char *version;
    GUID clsid;
};
void ds_print_provider(struct ds_out *out, const struct ds_provider_view *view);
void ds_print_provider_count(struct ds_out *out, size_t count);

struct ds_writer_status_view
{
    const char *name;
    int state;              /* VSS_WRITER_STATE */
    HRESULT failure;
    GUID writer_id;
    GUID instance_id;
};
void ds_print_writer_status_header(struct ds_out *out);
void ds_print_writer_status(struct ds_out *out, const struct ds_writer_status_view *view);
void ds_print_writer_count(struct ds_out *out, size_t count);
const char *ds_writer_state_name(int state);

#endif
