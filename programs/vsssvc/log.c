/*
 * log.c: where vsssvc's messages go (log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include "log.h"

static int use_stderr = 1;
static int journal;

void log_open(int to_stderr)
{
    use_stderr = to_stderr;
    journal = to_stderr && getenv("JOURNAL_STREAM") != NULL;
    if (!to_stderr) openlog("vsssvc", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_msg(int priority, const char *fmt, ...)
{
    char line[1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    if (!use_stderr) syslog(priority, "%s", line);
    else if (journal) fprintf(stderr, "<%d>%s\n", priority, line);
    else fprintf(stderr, "vsssvc: %s\n", line);
}
