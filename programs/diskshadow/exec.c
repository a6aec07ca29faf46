/*
 * exec.c: running diskshadow commands: the session's life, the line loop,
 * the echo and the error policy, and the commands that only change the
 * session's own state (SET, ADD ALIAS, ADD, WRITER, BEGIN/END BACKUP, RESET).
 *
 * Error policy (VSS-FACTS.md §6.1): in a script the first failing line ends
 * the session; everything created so far is cleaned up as Windows does:
 * the requester objects are released, which deletes auto-release shadow
 * copies and sends BackupShutdown, and a backup begun but not ended is
 * reported with Windows' note.  At the prompt a failure is reported and the
 * session goes on, except for EXEC, whose failure always ends it.  Commands
 * that call VSS live in cmd_*.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "umbra/debug.h"
#include "cab.h"
#include "session.h"

void ds_session_init(struct ds_session *s, struct ds_out *out, const struct ds_vss_api *api, int script,
                     const char *source)
{
    memset(s, 0, sizeof(*s));
    s->out = out;
    s->api = api;
    s->script = script;
    s->source = source ? source : "-";
    s->context = DS_CTX_VOLATILE;
    /* keep a copy of the session's output: CREATE puts it in the cabinet */
    if (!out->record) out->record = s->record_stream = open_memstream(&s->record, &s->record_len);
}

static void free_volumes(struct ds_session *s)
{
    size_t i;

    for (i = 0; i < s->nvolumes; i++)
    {
        free(s->volumes[i].name);
        free(s->volumes[i].alias);
        free(s->volumes[i].guid_name);
    }
    free(s->volumes);
    s->volumes = NULL;
    s->nvolumes = 0;
}

static void free_rules(struct ds_session *s)
{
    size_t i;

    for (i = 0; i < s->nrules; i++) free(s->rules[i].target);
    free(s->rules);
    s->rules = NULL;
    s->nrules = 0;
}

static void free_components(struct ds_session *s)
{
    size_t i;

    for (i = 0; i < s->ncomponents; i++)
    {
        free(s->components[i].logical_path);
        free(s->components[i].name);
    }
    free(s->components);
    s->components = NULL;
    s->ncomponents = 0;
}

static void free_resync(struct ds_session *s)
{
    size_t i;

    for (i = 0; i < s->nresync; i++) free(s->resync_targets[i]);
    free(s->resync_targets);
    free(s->resync_ids);
    s->resync_targets = NULL;
    s->resync_ids = NULL;
    s->nresync = 0;
}

/* Release the requester objects: auto-release shadow copies go with them. */
static void release_objects(struct ds_session *s)
{
    ds_release(&s->backup);
    ds_release(&s->restore);
    s->backup_begun = s->created = s->writers_involved = 0;
    s->restore_begun = 0;
    memset(&s->set_id, 0, sizeof(s->set_id));
    free_components(s);
    free_resync(s);
}

void ds_session_reset(struct ds_session *s)
{
    release_objects(s);
    free_volumes(s);
    free_rules(s);
    ds_alias_clear(s);
    ds_metadata_free(s->loaded);
    s->loaded = NULL;
    free(s->metadata);
    s->metadata = NULL;
    s->context = DS_CTX_VOLATILE;
    s->options = 0;
    s->verbose = 0;
}

void ds_session_finish(struct ds_session *s)
{
    if (s->backup_begun && s->created)
        ds_print_exit_note(s->out);
    else if (s->backup && s->backup_begun)
        IVssBackupComponents_AbortBackup(s->backup);   /* nothing was created: a no-op for VSS */
    release_objects(s);
    ds_out_flush(s->out);
}

void ds_session_free(struct ds_session *s)
{
    size_t i;

    ds_session_reset(s);
    for (i = 0; i < s->nknown; i++)
    {
        free(s->known_guid_names[i]);
        free(s->known_displays[i]);
    }
    free(s->known_guid_names);
    free(s->known_displays);
    s->known_guid_names = s->known_displays = NULL;
    s->nknown = 0;
    if (s->record_stream)
    {
        fclose(s->record_stream);
        if (s->out->record == s->record_stream) s->out->record = NULL;
        s->record_stream = NULL;
    }
    free(s->record);
    s->record = NULL;
}

/* --- commands that only change the session --------------------------------------------- */

static enum ds_status cmd_add_alias(struct ds_session *s, const struct ds_command *cmd)
{
    int ret = ds_alias_define(s, cmd->arg[0], cmd->arg[1]);

    if (ret == -EINVAL)
    {
        ds_print_help(s->out, DS_TOPIC_ADD_ALIAS);
        return DS_FAIL_SYNTAX;
    }
    if (ret) return ds_vss_failed(s, E_OUTOFMEMORY, "ADD ALIAS");
    return DS_OK;
}

static enum ds_status cmd_add_show(struct ds_session *s)
{
    struct ds_volume_view *vols = calloc(s->nvolumes + 1, sizeof(*vols));
    struct ds_alias_view *aliases = calloc(s->naliases + 1, sizeof(*aliases));
    size_t i, n = 0;

    if (!vols || !aliases)
    {
        free(vols);
        free(aliases);
        return ds_vss_failed(s, E_OUTOFMEMORY, "ADD");
    }
    for (i = 0; i < s->nvolumes; i++)
    {
        vols[i].name = s->volumes[i].name;
        vols[i].alias = s->volumes[i].alias;
        vols[i].guid_name = s->volumes[i].guid_name;
    }
    for (i = 0; i < s->naliases; i++)
    {
        const char *value = ds_lookup_environ(NULL, s->aliases[i]);
        if (!value) continue;
        aliases[n].name = s->aliases[i];
        aliases[n++].value = value;
    }
    ds_print_add_list(s->out, vols, s->nvolumes, aliases, n);
    free(vols);
    free(aliases);
    return DS_OK;
}

static enum ds_status cmd_writer(struct ds_session *s, const struct ds_command *cmd)
{
    struct ds_writer_rule *rules = realloc(s->rules, (s->nrules + 1) * sizeof(*rules));

    if (!rules) return ds_vss_failed(s, E_OUTOFMEMORY, "WRITER");
    s->rules = rules;
    if (!(rules[s->nrules].target = strdup(cmd->arg[0]))) return ds_vss_failed(s, E_OUTOFMEMORY, "WRITER");
    rules[s->nrules].verify = cmd->verb == DS_WRITER_VERIFY;
    s->nrules++;
    return DS_OK;
}

static enum ds_status cmd_set_show(struct ds_session *s)
{
    struct ds_settings_view v;

    v.context = s->context;
    v.options = s->options;
    v.verbose = s->verbose;
    v.metadata = s->metadata;
    ds_print_settings(s->out, &v);
    return DS_OK;
}

static enum ds_status cmd_begin_backup(struct ds_session *s)
{
    if (s->backup_begun || s->restore_begun)
    {
        ds_print_failure(s->out, VSS_E_BAD_STATE);
        return DS_FAIL_VSS;
    }
    s->backup_begun = 1;
    return DS_OK;
}

/* Needs an alias or id the substitution could not supply? */
static int takes_shadow_id(const struct ds_command *cmd)
{
    switch (cmd->verb)
    {
    case DS_ADD_ALIAS: case DS_ADD_SHADOW: case DS_EXPOSE: case DS_MASK: case DS_BREAK: case DS_REVERT:
        return 1;
    case DS_LIST_SHADOWS:
        return cmd->mode != DS_SCOPE_ALL;
    case DS_DELETE_SHADOWS:
        return cmd->mode == DS_SCOPE_SET || cmd->mode == DS_SCOPE_ID;
    default:
        return 0;
    }
}

static enum ds_status dispatch(struct ds_session *s, const struct ds_command *cmd)
{
    switch (cmd->verb)
    {
    case DS_NOP: return DS_OK;
    case DS_HELP: ds_print_help(s->out, cmd->topic); return DS_OK;
    case DS_SET_SHOW: return cmd_set_show(s);
    case DS_SET_CONTEXT: s->context = cmd->context; return DS_OK;
    case DS_SET_OPTION: s->options = cmd->options; return DS_OK;
    case DS_SET_VERBOSE: s->verbose = cmd->on; return DS_OK;
    case DS_SET_METADATA: return ds_cmd_set_metadata(s, cmd);
    case DS_LOAD_METADATA: return ds_cmd_load_metadata(s, cmd);
    case DS_WRITER_VERIFY:
    case DS_WRITER_EXCLUDE: return cmd_writer(s, cmd);
    case DS_ADD_SHOW: return cmd_add_show(s);
    case DS_ADD_VOLUME: return ds_cmd_add_volume(s, cmd);
    case DS_ADD_ALIAS: return cmd_add_alias(s, cmd);
    case DS_ADD_SHADOW: return ds_cmd_add_shadow(s, cmd);
    case DS_CREATE: return ds_cmd_create(s);
    case DS_EXEC: return ds_cmd_exec(s, cmd);
    case DS_BEGIN_BACKUP: return cmd_begin_backup(s);
    case DS_END_BACKUP: return ds_cmd_end_backup(s);
    case DS_BEGIN_RESTORE: return ds_cmd_begin_restore(s);
    case DS_END_RESTORE: return ds_cmd_end_restore(s);
    case DS_RESET: ds_session_reset(s); return DS_OK;
    case DS_LIST_WRITERS: return ds_cmd_list_writers(s, cmd);
    case DS_LIST_SHADOWS: return ds_cmd_list_shadows(s, cmd);
    case DS_LIST_PROVIDERS: return ds_cmd_list_providers(s);
    case DS_DELETE_SHADOWS: return ds_cmd_delete_shadows(s, cmd);
    case DS_IMPORT: return ds_cmd_import(s);
    case DS_MASK: return ds_cmd_break(s, cmd, 1);
    case DS_EXPOSE: return ds_cmd_expose(s, cmd);
    case DS_UNEXPOSE: return ds_cmd_unexpose(s, cmd);
    case DS_BREAK: return ds_cmd_break(s, cmd, 0);
    case DS_REVERT: return ds_cmd_revert(s, cmd);
    case DS_RESYNC: return ds_cmd_resync(s, cmd);
    case DS_EXIT: s->done = 1; return DS_OK;
    }
    return DS_OK;
}

enum ds_status ds_session_run_line(struct ds_session *s, const char *line)
{
    struct ds_command cmd;
    enum ds_status status;
    size_t i;
    int ret;

    s->lineno++;
    if (s->script) ds_print_echo(s->out, line);
    ret = ds_parse_line(line, ds_alias_lookup, s, &cmd);
    for (i = 0; i < cmd.nsubst; i++) ds_print_substitution(s->out, cmd.subst[i].name, cmd.subst[i].value);

    if (ret == DS_PARSE_USAGE)
    {
        ds_print_help(s->out, cmd.topic);
        status = DS_FAIL_SYNTAX;
    }
    else if (ret == DS_PARSE_UNKNOWN)
    {
        ds_print_unknown_command(s->out, line);
        status = DS_FAIL_SYNTAX;
    }
    else if (ret == -E2BIG)
    {
        ds_print_message(s->out, "The command line is too long.");  /* [U] */
        status = DS_FAIL_SYNTAX;
    }
    else if (ret < 0)
        status = ds_vss_failed(s, E_OUTOFMEMORY, "parse");
    else if (cmd.undefined && takes_shadow_id(&cmd))
    {
        ds_print_bad_id(s->out, cmd.undefined);
        status = DS_FAIL_SYNTAX;
    }
    else
        status = dispatch(s, &cmd);

    if (status != DS_OK)
    {
        if (s->status == DS_OK) s->status = status;
        /* say which line, on stderr so that stdout keeps Windows' layout */
        if (s->script)
            fprintf(stderr, "diskshadow: %s:%u: the script stops at this line: %s\n", s->source,
                    (unsigned int)s->lineno, line);
        if (s->script || status == DS_FAIL_EXEC) s->done = 1;
    }
    ds_command_free(&cmd);
    ds_out_flush(s->out);
    return status;
}

enum ds_status ds_run_script(struct ds_session *s, char **lines, size_t count)
{
    size_t i;

    for (i = 0; i < count && !s->done; i++) ds_session_run_line(s, lines[i]);
    /* a script that runs to its end reads one more, empty line: "->" (output/02-04) */
    if (!s->done) ds_print_echo(s->out, "");
    ds_session_finish(s);
    return s->status;
}
