/*
 * test_writer_common.h: what the two test writer processes (test_writer_c.c,
 * a C writer on the callback table, and test_writer_cxx.cpp, a CVssWriter
 * subclass) share: their command line and their event log.  Compiles as C and
 * as C++.
 *
 *   --id GUID            writer class id (default {6d0a8a35-...-000000000001})
 *   --name TEXT          writer name (default "Umbra Test Writer")
 *   --instance TEXT      instance name (default none)
 *   --instances N        host N writers of this class in the process, with
 *                        instance names TEXT#1..TEXT#N (or #1..#N)
 *   --level L            front | back | system | auto (default front)
 *   --freeze-timeout MS  dwTimeoutFreeze (default 60000)
 *   --log FILE           append one line per event: "<label> <Event> [details]"
 *   --veto EVENT         in that handler call SetWriterFailure(--veto-hr) and
 *                        return false (EVENT: Identify, PrepareBackup,
 *                        PrepareSnapshot, Freeze, Thaw, PostSnapshot, Abort,
 *                        BackupComplete, BackupShutdown, PreRestore, PostRestore)
 *   --veto-hr HEX        default 0x800423f3 (VSS_E_WRITERERROR_RETRYABLE)
 *   --app-message TEXT   C++ --ex writers: SetWriterFailureEx with this message
 *   --hang EVENT:MS      sleep MS milliseconds inside that handler
 *   --die EVENT          SIGKILL itself inside that handler (a crash)
 *   --ex                 C++ only: a CVssWriterEx2 (OnIdentifyEx, SetWriterFailureEx)
 *   --ready-fd N         write "ready\n" to fd N once subscribed, then close it
 *
 * For the restore suites (VSS-FACTS.md §1.7):
 *   --files DIR          the component's file group covers DIR (default
 *                        /srv/c-data, /srv/cxx-data)
 *   --restore-method M   SetRestoreMethod in OnIdentify: if-not-there,
 *                        if-can-replace, stop-start, to-alternate, at-reboot,
 *                        at-reboot-if-cannot-replace, custom, restore-stop-start
 *   --alt-location DIR   AddAlternateLocationMapping(files, spec, recursive, DIR)
 *   --restore-target T   OnPreRestore: SetRestoreTarget(T) on every selected
 *                        component (original, alternate, directed, original-location)
 *   --failure-msg TEXT   when vetoing PrepareBackup, PostSnapshot, PreRestore or
 *                        PostRestore, first set that event's failure message
 *                        on each component
 *   --state FILE         the writer's own state lives in FILE: OnPrepareBackup
 *                        stores "state=<content>" as each component's backup
 *                        metadata, OnPostRestore logs " state=<content>" as it
 *                        finds FILE after the restore
 *   --details            after each PreRestore and PostRestore line, one
 *                        "<label> Component <Event> ..." line per component with
 *                        every restore-time field the writer can read
 *
 * The writer runs until SIGTERM or SIGINT, then unsubscribes and exits 0.
 * Log lines are written with one write() on an O_APPEND descriptor, so lines
 * of several processes interleave whole, in the order the events ran.
 */
#ifndef UMBRA_TEST_WRITER_COMMON_H
#define UMBRA_TEST_WRITER_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <windows.h>
#include <oleauto.h>
#include <vswriter.h>

#define TW_MAX_INSTANCES 16

struct tw_options
{
    GUID id;
    char name[256];
    char instance[256];
    int instances;
    VSS_APPLICATION_LEVEL level;
    DWORD freeze_timeout;
    int log_fd;
    char veto[32];
    HRESULT veto_hr;
    char app_message[256];
    char hang[32];
    int hang_ms;
    char die[32];
    int ex;
    int ready_fd;
    char files[512];
    int restore_method;        /* VSS_RESTOREMETHOD_ENUM, -1: no SetRestoreMethod */
    char alt_location[512];
    int restore_target;        /* VSS_RESTORE_TARGET, -1: leave it */
    char failure_msg[256];
    char state_file[512];
    int details;
};

static const GUID tw_default_id = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 1 } };

static inline int tw_parse_guid(const char *s, GUID *g)
{
    unsigned int d[11];

    if (*s == '{') s++;
    if (sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6],
               &d[7], &d[8], &d[9], &d[10]) != 11)
        return -1;
    g->Data1 = d[0];
    g->Data2 = (unsigned short)d[1];
    g->Data3 = (unsigned short)d[2];
    for (int i = 0; i < 8; i++) g->Data4[i] = (unsigned char)d[3 + i];
    return 0;
}

static inline void tw_usage(const char *prog)
{
    fprintf(stderr, "usage: %s [--id GUID] [--name N] [--instance N] [--instances N] [--level L]\n"
                    "  [--freeze-timeout MS] [--log FILE] [--veto EVENT] [--veto-hr HEX] [--app-message T]\n"
                    "  [--hang EVENT:MS] [--die EVENT] [--ex] [--ready-fd N] [--files DIR]\n"
                    "  [--restore-method M] [--alt-location DIR] [--restore-target T] [--failure-msg T]\n"
                    "  [--state FILE] [--details]\n", prog);
    exit(2);
}

static inline void tw_parse(int argc, char **argv, struct tw_options *o)
{
    memset(o, 0, sizeof(*o));
    o->id = tw_default_id;
    strcpy(o->name, "Umbra Test Writer");
    o->instances = 1;
    o->level = VSS_APP_FRONT_END;
    o->freeze_timeout = 60000;
    o->log_fd = -1;
    o->veto_hr = (HRESULT)0x800423f3;
    o->ready_fd = -1;
    o->restore_method = -1;
    o->restore_target = -1;

    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--ex")) { o->ex = 1; continue; }
        if (!strcmp(a, "--details")) { o->details = 1; continue; }
        if (!v) tw_usage(argv[0]);
        i++;
        if (!strcmp(a, "--id")) { if (tw_parse_guid(v, &o->id)) tw_usage(argv[0]); }
        else if (!strcmp(a, "--name")) snprintf(o->name, sizeof(o->name), "%s", v);
        else if (!strcmp(a, "--instance")) snprintf(o->instance, sizeof(o->instance), "%s", v);
        else if (!strcmp(a, "--instances"))
        {
            o->instances = atoi(v);
            if (o->instances < 1 || o->instances > TW_MAX_INSTANCES) tw_usage(argv[0]);
        }
        else if (!strcmp(a, "--level"))
        {
            if (!strcmp(v, "front")) o->level = VSS_APP_FRONT_END;
            else if (!strcmp(v, "back")) o->level = VSS_APP_BACK_END;
            else if (!strcmp(v, "system")) o->level = VSS_APP_SYSTEM;
            else if (!strcmp(v, "auto")) o->level = VSS_APP_AUTO;
            else tw_usage(argv[0]);
        }
        else if (!strcmp(a, "--freeze-timeout")) o->freeze_timeout = (DWORD)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--log"))
        {
            o->log_fd = open(v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (o->log_fd < 0) { perror(v); exit(2); }
        }
        else if (!strcmp(a, "--veto")) snprintf(o->veto, sizeof(o->veto), "%s", v);
        else if (!strcmp(a, "--veto-hr")) o->veto_hr = (HRESULT)strtoul(v, NULL, 16);
        else if (!strcmp(a, "--app-message")) snprintf(o->app_message, sizeof(o->app_message), "%s", v);
        else if (!strcmp(a, "--hang"))
        {
            const char *colon = strchr(v, ':');
            if (!colon || (size_t)(colon - v) >= sizeof(o->hang)) tw_usage(argv[0]);
            memcpy(o->hang, v, colon - v);
            o->hang[colon - v] = 0;
            o->hang_ms = atoi(colon + 1);
        }
        else if (!strcmp(a, "--die")) snprintf(o->die, sizeof(o->die), "%s", v);
        else if (!strcmp(a, "--ready-fd")) o->ready_fd = atoi(v);
        else if (!strcmp(a, "--files")) snprintf(o->files, sizeof(o->files), "%s", v);
        else if (!strcmp(a, "--restore-method"))
        {
            static const char *const methods[] = { "", "if-not-there", "if-can-replace", "stop-start",
                                                    "to-alternate", "at-reboot", "at-reboot-if-cannot-replace",
                                                    "custom", "restore-stop-start" };
            for (int m = 1; m < (int)(sizeof(methods) / sizeof(methods[0])); m++)
                if (!strcmp(v, methods[m])) o->restore_method = m;
            if (o->restore_method < 0) tw_usage(argv[0]);
        }
        else if (!strcmp(a, "--alt-location")) snprintf(o->alt_location, sizeof(o->alt_location), "%s", v);
        else if (!strcmp(a, "--restore-target"))
        {
            if (!strcmp(v, "original")) o->restore_target = VSS_RT_ORIGINAL;
            else if (!strcmp(v, "alternate")) o->restore_target = VSS_RT_ALTERNATE;
            else if (!strcmp(v, "directed")) o->restore_target = VSS_RT_DIRECTED;
            else if (!strcmp(v, "original-location")) o->restore_target = VSS_RT_ORIGINAL_LOCATION;
            else tw_usage(argv[0]);
        }
        else if (!strcmp(a, "--failure-msg")) snprintf(o->failure_msg, sizeof(o->failure_msg), "%s", v);
        else if (!strcmp(a, "--state")) snprintf(o->state_file, sizeof(o->state_file), "%s", v);
        else tw_usage(argv[0]);
    }
}

/* The label of instance k (0-based) in the log: its instance name, or the writer name. */
static inline void tw_label(const struct tw_options *o, int k, char *buf, size_t size)
{
    if (o->instances > 1) snprintf(buf, size, "%s#%d", o->instance, k + 1);
    else snprintf(buf, size, "%s", o->instance[0] ? o->instance : o->name);
}

static inline void tw_log(const struct tw_options *o, const char *label, const char *event, const char *fmt, ...)
{
    char line[1024];
    int len;

    if (o->log_fd < 0) return;
    len = snprintf(line, sizeof(line), "%s %s", label, event);
    if (fmt && len > 0 && (size_t)len < sizeof(line))
    {
        va_list args;
        line[len++] = ' ';
        va_start(args, fmt);
        len += vsnprintf(line + len, sizeof(line) - len, fmt, args);
        va_end(args);
    }
    if (len < 0) return;
    if ((size_t)len >= sizeof(line) - 1) len = sizeof(line) - 2;
    line[len++] = '\n';
    if (write(o->log_fd, line, len) != len) perror("log");
}

/* What a handler does besides its own work: hang, die, or say whether to veto. */
static inline int tw_should_veto(const struct tw_options *o, const char *event)
{
    if (o->hang[0] && !strcmp(o->hang, event))
    {
        struct timespec ts = { o->hang_ms / 1000, (o->hang_ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) && errno == EINTR) ;
    }
    if (o->die[0] && !strcmp(o->die, event)) kill(getpid(), SIGKILL);
    return o->veto[0] && !strcmp(o->veto, event);
}

/* Block until SIGTERM or SIGINT (call with those signals blocked in every thread). */
static inline void tw_wait_for_stop(void)
{
    sigset_t set;
    int sig;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigwait(&set, &sig);
}

static inline void tw_block_stop_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static inline void tw_ready(struct tw_options *o)
{
    if (o->ready_fd < 0) return;
    if (write(o->ready_fd, "ready\n", 6) != 6) perror("ready");
    close(o->ready_fd);
    o->ready_fd = -1;
}

static inline void tw_guid_text(const GUID *g, char *buf, size_t size)
{
    snprintf(buf, size, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6],
             g->Data4[7]);
}

/* Narrow a wide string for the log (ASCII only; others become '?'). */
static inline void tw_narrow(const WCHAR *w, char *buf, size_t size)
{
    size_t i = 0;

    if (!w) { snprintf(buf, size, "(null)"); return; }
    for (; w[i] && i + 1 < size; i++) buf[i] = w[i] < 0x80 ? (char)w[i] : '?';
    buf[i] = 0;
}

static inline void tw_widen(const char *s, WCHAR *buf, size_t size)
{
    size_t i = 0;

    for (; s[i] && i + 1 < size; i++) buf[i] = (unsigned char)s[i];
    buf[i] = 0;
}

/* --- what both writers do with their metadata and components ------------------ */

/* One spelling for a COM call from C (lpVtbl) and from C++ (virtual). */
#ifdef __cplusplus
#define TW_CALL(obj, method, ...) ((obj)->method(__VA_ARGS__))
#define TW_IID(iid) (iid)
#else
#define TW_CALL(obj, method, ...) ((obj)->lpVtbl->method((obj), ##__VA_ARGS__))
#define TW_IID(iid) (&(iid))
#endif

/* The content of the --state file, up to its first newline; "(none)" if it
 * cannot be read. */
static inline void tw_read_state(const struct tw_options *o, char *buf, size_t size)
{
    ssize_t len = -1;
    int fd;

    if ((fd = open(o->state_file, O_RDONLY | O_CLOEXEC)) >= 0)
    {
        len = read(fd, buf, size - 1);
        close(fd);
    }
    if (len < 0)
    {
        snprintf(buf, size, "(none)");
        return;
    }
    buf[len] = 0;
    buf[strcspn(buf, "\r\n")] = 0;
}

/* OnIdentify: the component's files (--files or the default) and the restore
 * method and alternate location mapping the options ask for. */
static inline void tw_identify_files(const struct tw_options *o, IVssCreateWriterMetadata *metadata,
                                     const WCHAR *component, const char *default_path, const WCHAR *spec,
                                     bool recursive)
{
    WCHAR path[512], alt[512], service[64];

    tw_widen(o->files[0] ? o->files : default_path, path, sizeof(path) / sizeof(path[0]));
    TW_CALL(metadata, AddFilesToFileGroup, NULL, component, path, spec, recursive, NULL, 0xf0f);
    if (o->restore_method >= 0)
    {
        /* the stop/start methods name the service to stop (§1.7) */
        tw_widen(o->name, service, sizeof(service) / sizeof(service[0]));
        TW_CALL(metadata, SetRestoreMethod, (VSS_RESTOREMETHOD_ENUM)o->restore_method,
                o->restore_method == VSS_RME_STOP_RESTORE_START || o->restore_method == VSS_RME_RESTORE_STOP_START
                    ? service : NULL,
                NULL, VSS_WRE_ALWAYS, false);
    }
    if (o->alt_location[0])
    {
        tw_widen(o->alt_location, alt, sizeof(alt) / sizeof(alt[0]));
        TW_CALL(metadata, AddAlternateLocationMapping, path, spec, recursive, alt);
    }
}

/* Append text to a log line being built. */
static inline void tw_append(char *line, size_t size, const char *fmt, ...)
{
    size_t len = strlen(line);
    va_list args;

    if (len + 1 >= size) return;
    va_start(args, fmt);
    vsnprintf(line + len, size - len, fmt, args);
    va_end(args);
}

/* A BSTR for the log, freed. */
static inline void tw_append_bstr(char *line, size_t size, const char *name, BSTR value)
{
    char text[300];

    tw_narrow(value, text, sizeof(text));
    tw_append(line, size, " %s=%s", name, value ? text : "(none)");
    SysFreeString(value);
}

static inline void tw_append_filedesc(char *line, size_t size, const char *name, IVssWMFiledesc *desc)
{
    BSTR path = NULL, spec = NULL, alt = NULL;
    char p[256], f[64], a[256];
    bool recursive = false;

    if (!desc) return;
    TW_CALL(desc, GetPath, &path);
    TW_CALL(desc, GetFilespec, &spec);
    TW_CALL(desc, GetRecursive, &recursive);
    TW_CALL(desc, GetAlternateLocation, &alt);
    tw_narrow(path, p, sizeof(p));
    tw_narrow(spec, f, sizeof(f));
    tw_narrow(alt, a, sizeof(a));
    tw_append(line, size, " %s=%s|%s|%d|%s", name, p, f, recursive, a);
    SysFreeString(path);
    SysFreeString(spec);
    SysFreeString(alt);
    TW_CALL(desc, Release);
}

/* Every restore-time field of one component, as the writer reads it. */
static inline void tw_log_restore_fields(const struct tw_options *o, const char *label, const char *event,
                                         IVssComponent *comp)
{
    char line[1000] = "";
    BSTR lp = NULL, name = NULL, bstr = NULL, bstr2 = NULL;
    IVssComponentEx *ex = NULL;
    VSS_RESTORE_TARGET target = VSS_RT_UNDEFINED;
    VSS_FILE_RESTORE_STATUS status = VSS_RS_UNDEFINED;
    VSS_ROLLFORWARD_TYPE roll = VSS_RF_UNDEFINED;
    bool selected = false, additional = false, repair = false, authoritative = false;
    char lp8[200], name8[200];
    UINT n = 0, i;

    TW_CALL(comp, GetLogicalPath, &lp);
    TW_CALL(comp, GetComponentName, &name);
    tw_narrow(lp, lp8, sizeof(lp8));
    tw_narrow(name, name8, sizeof(name8));
    SysFreeString(lp);
    SysFreeString(name);
    TW_CALL(comp, IsSelectedForRestore, &selected);
    TW_CALL(comp, GetAdditionalRestores, &additional);
    TW_CALL(comp, GetRestoreTarget, &target);
    TW_CALL(comp, GetFileRestoreStatus, &status);
    tw_append(line, sizeof(line), "%s name=%s\\%s selected=%d additional=%d target=%d status=%d", event,
              lp8[0] && strcmp(lp8, "(null)") ? lp8 : "", name8, selected, additional, (int)target, (int)status);
    TW_CALL(comp, GetRestoreOptions, &bstr);
    tw_append_bstr(line, sizeof(line), "options", bstr);
    bstr = NULL;
    TW_CALL(comp, GetBackupMetadata, &bstr);
    tw_append_bstr(line, sizeof(line), "backupmeta", bstr);
    bstr = NULL;
    TW_CALL(comp, GetNewTargetCount, &n);
    tw_append(line, sizeof(line), " newtargets=%u", n);
    for (i = 0; i < n; i++)
    {
        IVssWMFiledesc *desc = NULL;
        if (SUCCEEDED(TW_CALL(comp, GetNewTarget, i, &desc))) tw_append_filedesc(line, sizeof(line), "nt", desc);
    }
    n = 0;
    TW_CALL(comp, GetAlternateLocationMappingCount, &n);
    tw_append(line, sizeof(line), " mappings=%u", n);
    for (i = 0; i < n; i++)
    {
        IVssWMFiledesc *desc = NULL;
        if (SUCCEEDED(TW_CALL(comp, GetAlternateLocationMapping, i, &desc)))
            tw_append_filedesc(line, sizeof(line), "map", desc);
    }
    n = 0;
    TW_CALL(comp, GetRestoreSubcomponentCount, &n);
    tw_append(line, sizeof(line), " subs=%u", n);
    for (i = 0; i < n; i++)
    {
        char a[200], b[200];
        lp = name = NULL;
        if (FAILED(TW_CALL(comp, GetRestoreSubcomponent, i, &lp, &name, &repair))) continue;
        tw_narrow(lp, a, sizeof(a));
        tw_narrow(name, b, sizeof(b));
        tw_append(line, sizeof(line), " sub=%s\\%s", lp ? a : "", b);
        SysFreeString(lp);
        SysFreeString(name);
    }
    TW_CALL(comp, GetPreRestoreFailureMsg, &bstr);
    tw_append_bstr(line, sizeof(line), "premsg", bstr);
    bstr = NULL;
    if (SUCCEEDED(TW_CALL(comp, QueryInterface, TW_IID(IID_IVssComponentEx), (void **)&ex)) && ex)
    {
        TW_CALL(ex, GetAuthoritativeRestore, &authoritative);
        TW_CALL(ex, GetRollForward, &roll, &bstr2);
        tw_append(line, sizeof(line), " auth=%d roll=%d", authoritative, (int)roll);
        tw_append_bstr(line, sizeof(line), "rollpoint", bstr2);
        TW_CALL(ex, GetRestoreName, &bstr);
        tw_append_bstr(line, sizeof(line), "restorename", bstr);
        TW_CALL(ex, Release);
    }
    tw_log(o, label, "Component", "%s", line);
}

/* What each writer does to each component of a document event: the backup
 * metadata mark (or state) at PrepareBackup, the restore target at
 * PreRestore, the failure message of a veto, and the restore details. */
static inline void tw_component_event(const struct tw_options *o, const char *label, const char *event,
                                      IVssComponent *comp)
{
    int vetoing = o->veto[0] && !strcmp(o->veto, event);
    char text[600];
    WCHAR wide[600];

    if (!strcmp(event, "PrepareBackup"))
    {
        if (o->state_file[0])
        {
            char state[256];
            tw_read_state(o, state, sizeof(state));
            snprintf(text, sizeof(text), "state=%s", state);
        }
        else snprintf(text, sizeof(text), "%s by %s", event, label);
        tw_widen(text, wide, sizeof(wide) / sizeof(wide[0]));
        TW_CALL(comp, SetBackupMetadata, wide);
    }
    if (!strcmp(event, "PreRestore") && o->restore_target >= 0)
    {
        bool selected = false;
        TW_CALL(comp, IsSelectedForRestore, &selected);
        if (selected) TW_CALL(comp, SetRestoreTarget, (VSS_RESTORE_TARGET)o->restore_target);
    }
    if (vetoing && o->failure_msg[0])
    {
        tw_widen(o->failure_msg, wide, sizeof(wide) / sizeof(wide[0]));
        if (!strcmp(event, "PreRestore")) TW_CALL(comp, SetPreRestoreFailureMsg, wide);
        else if (!strcmp(event, "PostRestore")) TW_CALL(comp, SetPostRestoreFailureMsg, wide);
        else
        {
            IVssComponentEx *ex = NULL;
            if (SUCCEEDED(TW_CALL(comp, QueryInterface, TW_IID(IID_IVssComponentEx), (void **)&ex)) && ex)
            {
                if (!strcmp(event, "PrepareBackup")) TW_CALL(ex, SetPrepareForBackupFailureMsg, wide);
                else if (!strcmp(event, "PostSnapshot")) TW_CALL(ex, SetPostSnapshotFailureMsg, wide);
                TW_CALL(ex, Release);
            }
        }
    }
}

/* The extra text of a document event's log line: the restore type for the
 * restore events, the state the writer finds at PostRestore. */
static inline void tw_event_extra(const struct tw_options *o, const char *event, VSS_RESTORE_TYPE restore_type,
                                  char *buf, size_t size)
{
    buf[0] = 0;
    if (strcmp(event, "PreRestore") && strcmp(event, "PostRestore")) return;
    tw_append(buf, size, " restoretype=%d", (int)restore_type);
    if (o->state_file[0] && !strcmp(event, "PostRestore"))
    {
        char state[256];
        tw_read_state(o, state, sizeof(state));
        tw_append(buf, size, " state=%s", state);
    }
}

#endif
