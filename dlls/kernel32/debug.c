/*
 * debug.c: the trace channel behind TRACE/WARN/ERR (include/umbra/debug.h).
 * VSS_TRACE is read once per process; output goes to stderr or to the file it
 * names, one line at a time, prefixed with pid, thread and function.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <windows.h>
#include "umbra/debug.h"

static pthread_once_t debug_once = PTHREAD_ONCE_INIT;
static int trace_on;
static FILE *trace_file;

static void debug_init(void)
{
    const char *env = getenv("VSS_TRACE");

    if (!env || !*env || !strcmp(env, "0")) return;
    trace_on = 1;
    if (env[0] == '/')
    {
        trace_file = fopen(env, "ae");
        if (trace_file) setvbuf(trace_file, NULL, _IOLBF, 0);
    }
}

int umbra_debug_enabled(enum umbra_debug_class cls)
{
    pthread_once(&debug_once, debug_init);
    return cls == UMBRA_DBG_ERR || trace_on;
}

void umbra_debug_printf(enum umbra_debug_class cls, const char *func, const char *fmt, ...)
{
    static const char *const names[] = { "trace", "warn", "err" };
    char line[4096];
    int len;
    va_list args;

    len = snprintf(line, sizeof(line), "%d:%ld:%s:%s ", (int)getpid(), (long)syscall(SYS_gettid),
                   names[cls], func);
    va_start(args, fmt);
    if (len >= 0 && (size_t)len < sizeof(line))
        vsnprintf(line + len, sizeof(line) - len, fmt, args);
    va_end(args);
    line[sizeof(line) - 2] = 0;
    len = strlen(line);
    if (!len || line[len - 1] != '\n') strcat(line, "\n");
    fputs(line, trace_file ? trace_file : stderr);
}

static char *debug_buffer(void)
{
    static __thread char ring[8][512];
    static __thread unsigned int next;
    return ring[next++ % 8];
}

const char *debugstr_guid(const GUID *id)
{
    char *buf = debug_buffer();

    if (!id) return "(null)";
    snprintf(buf, 512, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", id->Data1, id->Data2,
             id->Data3, id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3], id->Data4[4],
             id->Data4[5], id->Data4[6], id->Data4[7]);
    return buf;
}

const char *debugstr_wn(const WCHAR *str, int len)
{
    char *buf = debug_buffer(), *p = buf;
    int i;

    if (!str) return "(null)";
    *p++ = 'L';
    *p++ = '"';
    for (i = 0; (len < 0 ? str[i] != 0 : i < len) && p < buf + 500; i++)
    {
        WCHAR c = str[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') *p++ = (char)c;
        else p += snprintf(p, buf + 512 - p, "\\x%x", (unsigned int)c);
    }
    if (p < buf + 500) *p++ = '"';
    else { strcpy(p, "..."); p += 3; }
    *p = 0;
    return buf;
}

const char *debugstr_w(const WCHAR *str)
{
    return debugstr_wn(str, -1);
}
