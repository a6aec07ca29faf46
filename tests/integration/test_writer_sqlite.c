/*
 * test_writer_sqlite.c: vss-writer-sqlite (issue 12) with real SQLite
 * databases and a requester on the directory provider (no root needed):
 *
 *  - a process keeps writing to a database in WAL mode during DoSnapshotSet;
 *    the snapshot's copy passes PRAGMA integrity_check and holds a committed
 *    prefix of the writes, at least what was committed before the backup
 *    began; a rollback-journal database held with "lock = exclusive" is
 *    copied whole and is writable again right after;
 *  - databases that are missing or locked fail PrepareForBackup with
 *    VSS_E_WRITERERROR_NONRETRYABLE and _RETRYABLE (VSS-FACTS.md §3.1,
 *    §1.4 FAILED_AT_PREPARE_BACKUP) while the backup of the other database
 *    goes on;
 *  - a selected database whose volume is not in the set fails
 *    PrepareForSnapshot with VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT;
 *  - another writer vetoes Freeze: the set is aborted (§1.6) and the
 *    exclusive lock is released at once.
 */
#define COBJMACROS
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsserror.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "lib/inbox_writers.h"
#include "lib/writer_procs.h"

/* vss-writer-sqlite's class id */
static const GUID sqlite_writer = { 0x22844a38, 0x6a3f, 0x4c97, { 0xbe, 0x14, 0xb3, 0x81, 0x02, 0xa3, 0x28, 0x76 } };

static char vol[PATH_MAX], other_vol[PATH_MAX], writer_log[PATH_MAX], config[PATH_MAX];
static pid_t writer_pid = -1;

static const char *vol_file(const char *name)
{
    static char bufs[4][PATH_MAX + 64];
    static unsigned int next;
    char *buf = bufs[next++ % 4];

    snprintf(buf, sizeof(bufs[0]), "%s/%s", vol, name);
    return buf;
}

static int exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc = sqlite3_open(path, &db);

    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fprintf(stderr, "%s: %s: %s\n", path, sql, err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    sqlite3_close(db);
    return rc;
}

/* One integer a query returns, or -1. */
static long long query_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    long long value = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
            value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

static char *integrity(const char *path)
{
    static char result[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    snprintf(result, sizeof(result), "cannot open");
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(result, sizeof(result), "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

/* A process that inserts rows 1, 2, 3 ... into app.db, one transaction each,
 * until it is killed. */
static pid_t start_loader(void)
{
    pid_t pid = fork();

    if (!pid)
    {
        sqlite3 *db = NULL;
        sqlite3_stmt *stmt = NULL;

        if (sqlite3_open(vol_file("app.db"), &db) != SQLITE_OK) _exit(1);
        sqlite3_busy_timeout(db, 30000);
        if (sqlite3_prepare_v2(db, "INSERT INTO rows(id, payload) VALUES (?, randomblob(700))", -1, &stmt, NULL))
            _exit(1);
        for (long long i = 1;;)
        {
            sqlite3_bind_int64(stmt, 1, i);
            if (sqlite3_step(stmt) == SQLITE_DONE) i++;
            sqlite3_reset(stmt);
        }
    }
    return pid;
}

static void stop_loader(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static long long rows_in(const char *path)
{
    return query_int(path, "SELECT count(*) FROM rows");
}

static int wait_for_rows(const char *path, long long n)
{
    for (int i = 0; i < 1000; i++)
    {
        if (query_int(path, "SELECT coalesce(max(id), 0) FROM rows") >= n) return 0;
        wp_sleep_ms(20);
    }
    return -1;
}

/* A copy of the snapshot's files of one database in a scratch directory (the
 * snapshot itself is read-only, and SQLite wants to write its -shm). */
static const char *copy_out(const struct iw_backup *b, const char *name)
{
    static char path[PATH_MAX + 64];
    static int serial;
    char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s/check%d", umbra_test_tmpdir(), ++serial);
    mkdir(dir, 0755);
    if (iw_sh("cp %s/%s %s/ && for f in %s/%s-wal %s/%s-journal; do [ ! -e $f ] || cp $f %s/; done", b->device, name,
              dir, b->device, name, b->device, name, dir))
        return NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

/* --- tests ---------------------------------------------------------------------------- */

/* issue 12: a committed prefix that passes integrity_check, taken while a process writes */
static void test_snapshot_while_writing(void)
{
    const char *components[] = { "app", "journal", NULL };
    struct iw_backup b;
    long long before, after, count, first, last;
    const char *copy;
    char *meta, *value, *text, line[8 * PATH_MAX];
    pid_t loader;

    CU_ASSERT_FATAL((loader = start_loader()) > 0);
    CU_ASSERT_EQUAL(wait_for_rows(vol_file("app.db"), 300), 0);
    before = query_int(vol_file("app.db"), "SELECT max(id) FROM rows");

    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &sqlite_writer, components, vol), S_OK);
    after = query_int(vol_file("app.db"), "SELECT max(id) FROM rows");
    CU_ASSERT_EQUAL(b.selected, 2);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL_FATAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &sqlite_writer, "app", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    iw_check_status(&b, &sqlite_writer, "journal", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    /* the database with its log and journal, not the shared-memory index;
     * VSS_RME_RESTORE_IF_CAN_REPLACE */
    text = iw_describe(&b, &sqlite_writer, "app");
    snprintf(line, sizeof(line), "component app\ninclude %s app.db\ninclude %s app.db-wal\n"
             "include %s app.db-journal\nexclude %s app.db-shm\nrestore 2 \n", vol, vol, vol, vol);
    CU_ASSERT(text && !strcmp(text, line));
    free(text);

    /* the writing went on after Thaw */
    CU_ASSERT_EQUAL(wait_for_rows(vol_file("app.db"), after + 100), 0);
    stop_loader(loader);

    copy = copy_out(&b, "app.db");
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    CU_ASSERT_STRING_EQUAL(integrity(copy), "ok");
    count = rows_in(copy);
    first = query_int(copy, "SELECT min(id) FROM rows");
    last = query_int(copy, "SELECT max(id) FROM rows");
    /* a prefix: rows 1..last, every one of them */
    CU_ASSERT_EQUAL(first, 1);
    CU_ASSERT_EQUAL(count, last);
    CU_ASSERT(last >= before);
    CU_ASSERT(last <= after);

    copy = copy_out(&b, "journal.db");
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    CU_ASSERT_STRING_EQUAL(integrity(copy), "ok");
    CU_ASSERT_EQUAL(rows_in(copy), 100);

    /* what the writer stored for a restore */
    meta = iw_backup_metadata(&b, &sqlite_writer, "app");
    CU_ASSERT_PTR_NOT_NULL_FATAL(meta);
    value = iw_meta_value(meta, "journal-mode");
    CU_ASSERT(value && !strcmp(value, "wal"));
    free(value);
    value = iw_meta_value(meta, "database");
    CU_ASSERT(value && !strcmp(value, vol_file("app.db")));
    free(value);
    value = iw_meta_value(meta, "checkpoint");
    CU_ASSERT_PTR_NOT_NULL(value);
    if (getenv("IW_SHOW_LOGS")) printf("checkpoint: %s; rows %lld before, %lld in the snapshot, %lld after\n",
                                       value ? value : "?", before, last, after);
    free(value);
    free(meta);
    meta = iw_backup_metadata(&b, &sqlite_writer, "journal");
    value = meta ? iw_meta_value(meta, "lock") : NULL;
    CU_ASSERT(value && !strcmp(value, "exclusive"));
    free(value);
    free(meta);
    /* nothing of the unselected ones */
    CU_ASSERT_PTR_NULL(iw_backup_metadata(&b, &sqlite_writer, "busy"));
    iw_backup_end(&b);

    /* the exclusive transaction is over */
    CU_ASSERT_EQUAL(exec_sql(vol_file("journal.db"), "PRAGMA busy_timeout = 0; INSERT INTO rows VALUES (1000, 'x')"),
                    SQLITE_OK);
    CU_ASSERT_EQUAL(exec_sql(vol_file("journal.db"), "DELETE FROM rows WHERE id = 1000"), SQLITE_OK);
}

/* VSS-FACTS.md §3.1, §1.4: the documented failures, and the rest of the backup carries on */
static void test_database_unavailable(void)
{
    const char *components[] = { "app", "missing", "busy", NULL };
    sqlite3 *locker = NULL;
    struct iw_backup b;
    const char *copy;
    char *meta;

    /* busy.db is locked by someone else for the whole backup */
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(vol_file("busy.db"), &locker), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(locker, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);

    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &sqlite_writer, components, vol), S_OK);
    CU_ASSERT_EQUAL(b.selected, 3);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &sqlite_writer, "missing", VSS_WS_FAILED_AT_PREPARE_BACKUP,
                    VSS_E_WRITERERROR_NONRETRYABLE, "missing.db");
    iw_check_status(&b, &sqlite_writer, "busy", VSS_WS_FAILED_AT_PREPARE_BACKUP,
                    VSS_E_WRITERERROR_RETRYABLE, "busy.db");
    iw_check_status(&b, &sqlite_writer, "app", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    CU_ASSERT_PTR_NULL(iw_backup_metadata(&b, &sqlite_writer, "missing"));
    meta = iw_backup_metadata(&b, &sqlite_writer, "app");
    CU_ASSERT_PTR_NOT_NULL(meta);
    free(meta);
    copy = b.device[0] ? copy_out(&b, "app.db") : NULL;
    CU_ASSERT(copy && !strcmp(integrity(copy), "ok"));
    iw_backup_end(&b);

    sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(locker);
}

/* VSS-FACTS.md §3.1: a selected component on a volume outside the set */
static void test_inconsistent_set(void)
{
    const char *components[] = { "app", NULL };
    struct iw_backup b;

    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &sqlite_writer, components, other_vol), S_OK);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT(FAILED(b.snapshot_hr));
    iw_check_status(&b, &sqlite_writer, "app", VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
                    VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT, vol);
    iw_backup_end(&b);
}

/* VSS-FACTS.md §1.6: another writer's veto at Freeze aborts the set; the lock goes with it */
static void test_abort_releases(void)
{
    const char *components[] = { "journal", NULL };
    const char *args[] = { "--veto", "Freeze", NULL };
    struct iw_backup b;
    pid_t vetoer;

    CU_ASSERT_FATAL((vetoer = wp_start("test_writer_c", args)) > 0);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &sqlite_writer, components, vol), S_OK);
    CU_ASSERT(FAILED(b.snapshot_hr));
    /* Abort reached our writer before DoSnapshotSet returned: the database takes writes again */
    CU_ASSERT_EQUAL(exec_sql(vol_file("journal.db"), "PRAGMA busy_timeout = 0; INSERT INTO rows VALUES (1001, 'x')"),
                    SQLITE_OK);
    CU_ASSERT_EQUAL(exec_sql(vol_file("journal.db"), "DELETE FROM rows WHERE id = 1001"), SQLITE_OK);
    iw_backup_end(&b);
    wp_stop(vetoer);
}

/* SIGTERM: the writer unsubscribes every instance and exits 0 (under the
 * sanitizers, also without a leak) */
static void test_writer_exits(void)
{
    CU_ASSERT_FATAL(writer_pid > 0);
    CU_ASSERT_EQUAL(iw_stop(writer_pid), 0);
    writer_pid = -1;
}

/* --- suite ----------------------------------------------------------------------------- */

static bool com_ready;
static int suite_cleanup(void);

/* Everything set up so far goes when a step fails (CUnit runs no cleanup then). */
static int suite_setup(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[PATH_MAX + 64], text[4 * PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();

    snprintf(vol, sizeof(vol), "%s/vol", tmp);
    snprintf(other_vol, sizeof(other_vol), "%s/other", tmp);
    snprintf(writer_log, sizeof(writer_log), "%s/vss-writer-sqlite.log", tmp);
    snprintf(config, sizeof(config), "%s/sqlite.conf", tmp);
    if (mkdir(vol, 0755) || mkdir(other_vol, 0755)) return -1;
    if (exec_sql(vol_file("app.db"), "PRAGMA journal_mode = wal; CREATE TABLE rows(id INTEGER PRIMARY KEY, payload)")
        || exec_sql(vol_file("journal.db"), "CREATE TABLE rows(id INTEGER PRIMARY KEY, payload);"
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                    "INSERT INTO rows SELECT i, randomblob(100) FROM n")
        || exec_sql(vol_file("busy.db"), "CREATE TABLE rows(id INTEGER PRIMARY KEY, payload)"))
        return -1;
    snprintf(text, sizeof(text),
             "# written by test_writer_sqlite.c\n"
             "[writer]\nfreeze_timeout = 30\n\n"
             "[database app]\npath = %s/app.db\n\n"
             "[database journal]\npath = %s/journal.db\nlock = exclusive\n\n"
             "[database busy]\npath = %s/busy.db\nbusy_timeout = 200\n\n"
             "[database missing]\npath = %s/missing.db\n", vol, vol, vol, vol);
    if (!(f = fopen(config, "w"))) return -1;
    fputs(text, f);
    fclose(f);
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return -1;
    com_ready = true;
    if ((writer_pid = iw_start_writer("sqlite", config, writer_log)) < 0) return -1;
    return 0;
}

static int suite_cleanup(void)
{
    /* the writer's exit status says whether it shut down cleanly */
    if (writer_pid > 0 && iw_stop(writer_pid)) fprintf(stderr, "vss-writer-sqlite did not exit cleanly\n");
    iw_show_log(writer_log);
    if (com_ready) CoUninitialize();
    com_ready = false;
    return 0;
}

static int suite_init(void)
{
    if (!suite_setup()) return 0;
    suite_cleanup();
    return -1;
}

static CU_TestInfo sqlite_tests[] =
{
    { "a snapshot while a process writes (issue 12)", test_snapshot_while_writing },
    { "missing and locked databases (§3.1, §1.4)", test_database_unavailable },
    { "a volume missing from the set (§3.1)", test_inconsistent_set },
    { "Abort releases the lock (§1.6)", test_abort_releases },
    { "the writer exits cleanly", test_writer_exits },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(writer_sqlite, suite_init, suite_cleanup, sqlite_tests);
