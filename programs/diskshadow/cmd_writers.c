/*
 * cmd_writers.c: LIST WRITERS [METADATA | DETAILED | STATUS] (VSS-FACTS.md
 * §6.3).  STATUS has Windows' confirmed layout (output.c); the metadata
 * listings follow its shape ("* WRITER", "+ Component", TAB indents) with
 * labels Windows has not been captured printing, marked [U].
 */
#include <stdlib.h>
#include <string.h>

#include "wmd.h"

static const char *restore_method_name(VSS_RESTOREMETHOD_ENUM m)
{
    static const char *const names[] =
    {
        "VSS_RME_UNDEFINED", "VSS_RME_RESTORE_IF_NOT_THERE", "VSS_RME_RESTORE_IF_CAN_REPLACE",
        "VSS_RME_STOP_RESTORE_START", "VSS_RME_RESTORE_TO_ALTERNATE_LOCATION", "VSS_RME_RESTORE_AT_REBOOT",
        "VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE", "VSS_RME_CUSTOM", "VSS_RME_RESTORE_STOP_START",
    };
    return (unsigned int)m < sizeof(names) / sizeof(names[0]) ? names[m] : "VSS_RME_UNDEFINED";
}

static const char *writer_restore_name(VSS_WRITERRESTORE_ENUM w)
{
    static const char *const names[] = { "VSS_WRE_UNDEFINED", "VSS_WRE_NEVER", "VSS_WRE_IF_REPLACE_FAILS",
                                         "VSS_WRE_ALWAYS" };
    return (unsigned int)w < 4 ? names[w] : "VSS_WRE_UNDEFINED";
}

static const char *yes_no(int b)
{
    return b ? "TRUE" : "FALSE";
}

static void print_file(struct ds_session *s, const char *indent, const char *label, const struct ds_wfile *f)
{
    ds_out_printf(s->out, "%s- %s: Path = %s, Filespec = %s%s\n", indent, label, f->path, f->filespec,
                  f->recursive ? ", Recursive" : "");
}

/* [U] labels */
static void print_writer_metadata(struct ds_session *s, const struct ds_writer_md *w, int detailed)
{
    char wid[DS_GUID_CHARS], iid[DS_GUID_CHARS];
    size_t i, j;

    ds_out_printf(s->out, "* WRITER \"%s\"\n"
                          "\t- WriterId   = %s\n"
                          "\t- InstanceId = %s\n"
                          "\t- Supports restore events = %s\n"
                          "\t- Writer restore conditions = %s\n"
                          "\t- Restore method = %s\n"
                          "\t- Requires reboot after restore = %s\n",
                  w->name, ds_format_guid(wid, &w->writer_id), ds_format_guid(iid, &w->instance_id),
                  yes_no(w->writer_restore != VSS_WRE_NEVER), writer_restore_name(w->writer_restore),
                  restore_method_name(w->restore_method), yes_no(w->reboot_required));
    if (w->nexcludes)
    {
        ds_out_puts(s->out, "\t- Excluded files:\n");
        for (i = 0; i < w->nexcludes; i++) print_file(s, "\t\t", "Exclude", &w->excludes[i]);
    }
    for (i = 0; i < w->ncomponents; i++)
    {
        const struct ds_wcomponent *c = &w->components[i];

        ds_out_printf(s->out, "\n\t+ Component \"%s:%s\"\n"
                              "\t\t- Name: %s\n"
                              "\t\t- Logical path: %s\n"
                              "\t\t- Full path: %s\n"
                              "\t\t- Caption: %s\n"
                              "\t\t- Type: %s [%d]\n"
                              "\t\t- Is selectable: %s\n"
                              "\t\t- Is top level: %s\n"
                              "\t\t- Notify on backup complete: %s\n",
                      w->name, c->full, c->name, c->logical_path, c->full, c->caption,
                      c->type == VSS_CT_DATABASE ? "VSS_CT_DATABASE" : c->type == VSS_CT_FILEGROUP
                      ? "VSS_CT_FILEGROUP" : "VSS_CT_UNDEFINED", (int)c->type,
                      yes_no(c->selectable), yes_no(c->top_level), yes_no(c->notify_on_backup_complete));
        if (detailed)
        {
            static const char *const kinds[] = { "File", "Database file", "Log file" };
            for (j = 0; j < c->nfiles; j++) print_file(s, "\t\t", kinds[c->files[j].kind % 3], &c->files[j]);
        }
        ds_out_puts(s->out, "\t\t- Paths affected by this component:\n");
        for (j = 0; j < c->nfiles; j++) ds_out_printf(s->out, "\t\t\t- %s\n", c->files[j].path);
    }
    ds_out_puts(s->out, "\n");
}

static enum ds_status list_status(struct ds_session *s, IVssBackupComponents *bc)
{
    IVssAsync *async = NULL;
    UINT n = 0, i;
    HRESULT hr;

    if (FAILED(hr = IVssBackupComponents_GatherWriterStatus(bc, &async)) || FAILED(hr = ds_wait(async)))
        return ds_vss_failed(s, hr, "GatherWriterStatus");
    if (FAILED(hr = IVssBackupComponents_GetWriterStatusCount(bc, &n)))
        return ds_vss_failed(s, hr, "GetWriterStatusCount");
    ds_print_writer_status_header(s->out);
    for (i = 0; i < n && i < 4096; i++)
    {
        struct ds_writer_status_view v;
        VSS_WRITER_STATE state = VSS_WS_UNKNOWN;
        BSTR name = NULL;
        char *text;

        memset(&v, 0, sizeof(v));
        if (FAILED(hr = IVssBackupComponents_GetWriterStatus(bc, i, &v.instance_id, &v.writer_id, &name, &state,
                                                              &v.failure)))
        {
            IVssBackupComponents_FreeWriterStatus(bc);
            return ds_vss_failed(s, hr, "GetWriterStatus");
        }
        text = ds_utf8(name);
        if (name) s->api->sys_free_string(name);
        v.name = text;
        v.state = state;
        ds_print_writer_status(s->out, &v);
        free(text);
    }
    IVssBackupComponents_FreeWriterStatus(bc);
    ds_print_writer_count(s->out, n);
    return DS_OK;
}

enum ds_status ds_cmd_list_writers(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponents *bc = NULL;
    struct ds_writer_md *writers = NULL;
    size_t count = 0, i;
    enum ds_status status;

    if ((status = ds_requester_open(s, DS_CTX_VOLATILE, 0, NULL, &bc))) return status;
    /* status needs the writers identified first, as for a backup (§1.2 steps 6 and 12) */
    if ((status = ds_gather_writers(s, bc, &writers, &count))) goto done;
    if (cmd->mode == DS_WRITERS_STATUS)
        status = list_status(s, bc);
    else
    {
        ds_out_puts(s->out, "Listing writer metadata ...\n\n");  /* [U] */
        for (i = 0; i < count; i++) print_writer_metadata(s, &writers[i], cmd->mode == DS_WRITERS_DETAILED);
        ds_print_writer_count(s->out, count);
    }

done:
    ds_writers_free(writers, count);
    ds_release(&bc);
    return status;
}
