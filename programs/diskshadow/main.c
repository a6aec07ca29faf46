/*
 * main.c: the diskshadow program: its command line (VSS-FACTS.md §6.1),
 * the banner, the script or the DISKSHADOW> prompt, the exit status.
 *
 *   diskshadow [-s script] [-l logfile]      also /s, /l, /S ...; -h, --help, /?
 *
 * The only file that calls the exported VSS functions directly: it hands
 * them to the executor in struct ds_vss_api (tests hand it fakes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "lineedit.h"
#include "script.h"

static HRESULT create_backup_components(IVssBackupComponents **out)
{
    return CreateVssBackupComponents(out);
}

static HRESULT create_examine_writer_metadata(BSTR xml, IVssExamineWriterMetadata **out)
{
    return CreateVssExamineWriterMetadata(xml, out);
}

static void co_task_mem_free(void *mem)
{
    CoTaskMemFree(mem);
}

static void free_snapshot_properties(VSS_SNAPSHOT_PROP *prop)
{
    VssFreeSnapshotProperties(prop);
}

static BSTR sys_alloc_string(const OLECHAR *text)
{
    return SysAllocString(text);
}

static void sys_free_string(BSTR text)
{
    SysFreeString(text);
}

/* "-s" "/s" "/S" "-S" all spell option s; "/log" is seen in the wild for /l. */
static int is_option(const char *arg, const char *name)
{
    return (arg[0] == '-' || arg[0] == '/') && !strcasecmp(arg + 1, name);
}

static void banner(struct ds_out *out)
{
    char host[256], *p;
    struct tm tm;
    time_t now = time(NULL);

    if (gethostname(host, sizeof(host)) < 0) strcpy(host, "localhost");
    host[sizeof(host) - 1] = 0;
    if ((p = strchr(host, '.'))) *p = 0;
    for (p = host; *p; p++) if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    localtime_r(&now, &tm);
    ds_print_banner(out, host, &tm);
}

static enum ds_status run_interactive(struct ds_session *s)
{
    struct ds_history history = { { 0 }, 0 };
    int tty = isatty(0) && isatty(1);
    char *bytes = NULL;
    size_t cap = 0;
    int first = 1;

    while (!s->done)
    {
        char *line;

        if (tty)
        {
            ds_out_flush(s->out);
            if (!(line = ds_edit_line(0, 1, "DISKSHADOW> ", &history))) break;
            ds_history_add(&history, line);
            /* what was typed goes to the log too, after its prompt */
            if (s->out->log) fprintf(s->out->log, "DISKSHADOW> %s\n", line);
        }
        else
        {
            ssize_t len;
            ds_print_prompt(s->out);
            if ((len = getline(&bytes, &cap, stdin)) < 0) break;
            if (len && bytes[len - 1] == '\n') len--;
            if (!(line = ds_script_decode_line(bytes, (size_t)len, first)))
            {
                ds_print_message(s->out, errno == E2BIG ? "The command line is too long."    /* [U] */
                                                        : "The command line is not valid text.");
                if (s->status == DS_OK) s->status = DS_FAIL_SYNTAX;
                first = 0;
                continue;
            }
        }
        first = 0;
        ds_session_run_line(s, line);
        free(line);
    }
    free(bytes);
    ds_history_free(&history);
    if (!tty && !s->done) ds_out_puts(s->out, "\n");
    ds_session_finish(s);
    return s->status;
}

int main(int argc, char **argv)
{
    static const struct ds_vss_api api =
    {
        create_backup_components, create_examine_writer_metadata, free_snapshot_properties,
        sys_alloc_string, sys_free_string, co_task_mem_free,
        NULL, NULL,
    };
    struct ds_vss_api bound = api;
    const char *script_path = NULL, *log_path = NULL;
    struct ds_out out = { stdout, NULL, NULL };
    struct ds_session session;
    enum ds_status status;
    int i;

    for (i = 1; i < argc; i++)
    {
        if (is_option(argv[i], "?") || is_option(argv[i], "h") || !strcmp(argv[i], "--help"))
        {
            ds_print_cli_usage(stdout);
            return DS_OK;
        }
        if (is_option(argv[i], "s") && i + 1 < argc && !script_path) script_path = argv[++i];
        else if ((is_option(argv[i], "l") || is_option(argv[i], "log")) && i + 1 < argc && !log_path)
            log_path = argv[++i];
        else
        {
            fprintf(stderr, "diskshadow: unexpected argument \"%s\"\n", argv[i]);
            ds_print_cli_usage(stderr);
            return DS_FAIL_INPUT;
        }
    }
    bound.volume_name_for_mount_point = GetVolumeNameForVolumeMountPointW;
    bound.volume_path_names = GetVolumePathNamesForVolumeNameW;

    if (log_path && !(out.log = fopen(log_path, "w")))
    {
        fprintf(stderr, "diskshadow: cannot write the log file %s: %s\n", log_path, strerror(errno));
        return DS_FAIL_INPUT;
    }
    banner(&out);

    if (script_path)
    {
        struct ds_script_error err;
        struct ds_script script;
        int ret = ds_script_load(script_path, &script, &err);

        if (ret)
        {
            if (err.line)
                fprintf(stderr, "diskshadow: %s:%u: %s\n", script_path, (unsigned int)err.line, ds_script_strerror(ret));
            else
                fprintf(stderr, "diskshadow: cannot read the script %s: %s\n", script_path, ds_script_strerror(ret));
            if (out.log) fclose(out.log);
            return DS_FAIL_INPUT;
        }
        ds_session_init(&session, &out, &bound, 1, script_path);
        status = ds_run_script(&session, script.lines, script.count);
        ds_script_free(&script);
    }
    else
    {
        ds_session_init(&session, &out, &bound, 0, "-");
        status = run_interactive(&session);
    }
    ds_session_free(&session);
    if (out.log && fclose(out.log))
    {
        fprintf(stderr, "diskshadow: cannot write the log file %s: %s\n", log_path, strerror(errno));
        if (status == DS_OK) status = DS_FAIL_INPUT;
    }
    fflush(stdout);
    return status;
}
