/*
 * log.h: vsssvc's own messages (start, stop, refused peers, requesters that
 * went away).  In the foreground they go to stderr, with the "<N>" priority
 * prefix journald reads when stderr is the journal (systemd sets
 * JOURNAL_STREAM); as a daemon, to syslog.  The library's TRACE/WARN lines
 * (VSS_TRACE=1) go to stderr beside them.
 */
#ifndef UMBRA_VSSSVC_LOG_H
#define UMBRA_VSSSVC_LOG_H

#include <syslog.h>

/* Where messages go: 1 stderr (foreground), 0 syslog. */
void log_open(int to_stderr);
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
