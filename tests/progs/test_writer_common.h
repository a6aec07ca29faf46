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
                    "  [--hang EVENT:MS] [--die EVENT] [--ex] [--ready-fd N]\n", prog);
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

    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--ex")) { o->ex = 1; continue; }
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

#endif
