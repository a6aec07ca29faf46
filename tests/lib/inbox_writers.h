/*
 * inbox_writers.h: what the suites of the in-box writers (PostgreSQL,
 * MariaDB, SQLite; tests/integration/test_writer_*.c) share:
 *
 *  - processes: start bin/vss-writer-<service> and wait until it subscribed;
 *    run a command, or start a server, as the unprivileged user the test
 *    servers run as (nobody when the tests run as root), always with a
 *    deadline;
 *  - a requester: a component-mode backup of chosen writer instances
 *    through IVssBackupComponents (gather metadata, select, PrepareForBackup,
 *    DoSnapshotSet), the writers' status, and the backup metadata the writer
 *    stored in its component, read back as UTF-8 with its "key: value" lines
 *    and "| " blocks (programs/writers/common/meta.h).
 */
#ifndef UMBRA_TESTS_INBOX_WRITERS_H
#define UMBRA_TESTS_INBOX_WRITERS_H

#include <limits.h>
#include <sys/types.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>

/* bin/vss-writer-<service> --config config, its stderr appended to log.
 * Returns its pid once it is subscribed, or -1. */
pid_t iw_start_writer(const char *service, const char *config, const char *log);
/* SIGTERM and reap (SIGKILL after 20 s); the exit status, or -1. */
int iw_stop(pid_t pid);

/* The user test servers run as: nobody when root (servers refuse root),
 * else ourselves. */
void iw_server_user(uid_t *uid, gid_t *gid);
/* Run argv (PATH searched) as uid/gid with output appended to log (NULL:
 * /dev/null); wait at most timeout_s.  The exit status, or -1. */
int iw_run_as(uid_t uid, gid_t gid, const char *const *argv, const char *log, unsigned int timeout_s);
/* The same, without waiting: the pid, or -1. */
pid_t iw_spawn_as(uid_t uid, gid_t gid, const char *const *argv, const char *log);
/* Run a shell command line as ourselves (cp -a, chown -R ...); exit status. */
int iw_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy a log file to stderr when the run had failures (or IW_SHOW_LOGS is set). */
void iw_show_log(const char *path);

/* Wait for a file to appear (a server's socket); 0, or -1 after timeout_s. */
int iw_wait_for_path(const char *path, unsigned int timeout_s);

struct iw_backup
{
    IVssBackupComponents *backup;
    VSS_ID set, snapshot;
    HRESULT prepare_hr;         /* PrepareForBackup's async result */
    HRESULT snapshot_hr;        /* DoSnapshotSet's */
    char device[PATH_MAX];      /* the snapshot's root (UTF-8), after a good DoSnapshotSet */
    unsigned int selected;      /* components added */
};

/* A backup of volume (a directory) in context that selects the components
 * named in components (NULL-terminated) of writer_class (an in-box writer
 * names each instance's component after the instance), then PrepareForBackup
 * and DoSnapshotSet.  S_OK when every call could be made; the two async
 * results are in b. */
HRESULT iw_backup(struct iw_backup *b, LONG context, const GUID *writer_class, const char *const *components,
                  const char *volume);
/* BackupComplete (after a good snapshot) and Release: auto-release snapshots go. */
void iw_backup_end(struct iw_backup *b);

/* The status of the instance named instance of writer_class: 0, or -1 when
 * it is not listed.  message (may be NULL) gets the application message as
 * UTF-8 (malloc'd, NULL when none). */
int iw_writer_status(struct iw_backup *b, const GUID *writer_class, const char *instance, VSS_WRITER_STATE *state,
                     HRESULT *failure, char **message);

/* CUnit checks that instance of writer_class is listed (fatal when not) and
 * is in want_state with want_failure, and, when message_part is not NULL,
 * that its application message contains it; a mismatch is printed. */
void iw_check_status(struct iw_backup *b, const GUID *writer_class, const char *instance,
                     VSS_WRITER_STATE want_state, HRESULT want_failure, const char *message_part);
/* CUnit check that text (an iw_describe result, may be NULL) holds the line
 * fmt with path put in its %s; the text is printed when it does not. */
void iw_check_line(const char *text, const char *fmt, const char *path);

/* What the instance named instance of writer_class said in Identify, as
 * lines: "component <name>", "include <path> <filespec>[ recursive]",
 * "exclude <path> <filespec>[ recursive]", "restore <method> <service>"
 * (malloc'd), or NULL when it is not listed. */
char *iw_describe(struct iw_backup *b, const GUID *writer_class, const char *instance);

/* The backup metadata of component name of writer_class in the requester's
 * document, as UTF-8 (malloc'd), or NULL. */
char *iw_backup_metadata(struct iw_backup *b, const GUID *writer_class, const char *name);
/* A "key: value" line's value, or a "key:" block's text (lines joined, each
 * ending in a newline), malloc'd; NULL when absent. */
char *iw_meta_value(const char *meta, const char *key);
char *iw_meta_block(const char *meta, const char *key);

/* PostgreSQL's "X/Y" text as a number; 0 for bad text. */
unsigned long long iw_parse_lsn(const char *text);

#endif
