/*
 * test_writer_postgresql.c: vss-writer-postgresql (issue 12) against a real
 * PostgreSQL cluster that the suite makes with Debian's initdb and runs as
 * an unprivileged user on a Unix socket in its own directory, with WAL
 * archiving to a directory; the requester uses the directory provider, which
 * copies files one after the other while the cluster keeps writing, so only
 * a correct base backup restores:
 *
 *  - a client commits rows continuously during DoSnapshotSet; the snapshot,
 *    started as a server of its own with the backup label and tablespace map
 *    from the component's backup metadata (recovering from the archive to the
 *    end of the backup), comes up consistent with exactly the rows committed
 *    before the backup's end: every one committed before Freeze, none
 *    committed after Thaw; the LSNs the writer recorded show its session held
 *    the backup from before Freeze to after Thaw;
 *  - a cluster that is not running and one that refuses the writer's role
 *    fail PrepareForBackup with VSS_E_WRITERERROR_RETRYABLE and
 *    _NONRETRYABLE (VSS-FACTS.md §3.1, §1.4) while the other cluster's backup
 *    goes on; a cluster stopped after the writer described it still lists its
 *    component and fails RETRYABLE;
 *  - another writer vetoes Freeze: the set is aborted (§1.6) and the writer
 *    stops the backup and closes its session.
 */
#define COBJMACROS
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libpq-fe.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsserror.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "lib/fsfixture.h"
#include "lib/inbox_writers.h"
#include "lib/writer_procs.h"

/* vss-writer-postgresql's class id */
static const GUID pg_writer = { 0x5f1a7421, 0xe1fe, 0x4fe9, { 0xb4, 0x23, 0xba, 0x74, 0x86, 0x98, 0xac, 0x04 } };

static char bindir[PATH_MAX], tmp[PATH_MAX], vol[PATH_MAX], data[PATH_MAX + 16];
static char writer_log[PATH_MAX + 32], config[PATH_MAX + 32];
static uid_t server_uid;
static gid_t server_gid;
static bool server_running;
static pid_t writer_pid = -1;

static const char *tmp_path(const char *name)
{
    static char bufs[8][PATH_MAX + 64];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    snprintf(buf, sizeof(bufs[0]), "%s/%s", tmp, name);
    return buf;
}

static int pg_tool(const char *tool, const char *const *args, const char *log, unsigned int timeout_s)
{
    const char *argv[24];
    char path[PATH_MAX + 32];
    int n = 0;

    snprintf(path, sizeof(path), "%s/%s", bindir, tool);
    argv[n++] = path;
    for (int i = 0; args[i] && n < 23; i++) argv[n++] = args[i];
    argv[n] = NULL;
    return iw_run_as(server_uid, server_gid, argv, log, timeout_s);
}

static int pg_ctl(const char *dir, const char *action, const char *log)
{
    const char *start[] = { "-D", dir, "-l", log, "-w", "-t", "120", "start", NULL };
    const char *stop[] = { "-D", dir, "-m", "fast", "-w", "-t", "60", "stop", NULL };

    return pg_tool("pg_ctl", strcmp(action, "start") ? stop : start, tmp_path("pg_ctl.log"), 180);
}

static PGconn *connect_to(const char *socket_dir)
{
    char conninfo[PATH_MAX + 64];
    PGconn *conn;

    snprintf(conninfo, sizeof(conninfo), "host=%s user=postgres dbname=postgres", socket_dir);
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
    {
        fprintf(stderr, "cannot connect to %s: %s", socket_dir, PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

static int exec_sql(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ret = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : -1;

    if (ret) fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
    PQclear(res);
    return ret;
}

static long long query_int(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    long long value = -1;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        value = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return value;
}

static int append_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");

    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* --- a client that commits rows 1, 2, 3 ... and notes each one's LSNs ------------------ */

#define MAX_ROWS 2000000

struct loader
{
    pthread_t thread;
    atomic_bool stop;
    atomic_long committed;                  /* rows 1..committed are committed */
    unsigned long long *lsn_before;         /* [i]: WAL insert position before row i's commit record */
    unsigned long long *lsn_after;          /* [i]: ... after it (the next row's "before") */
    int failed;
};

static void *loader_main(void *arg)
{
    struct loader *l = arg;
    PGconn *conn = connect_to(tmp_path("run"));
    long i;

    if (!conn)
    {
        l->failed = 1;
        return NULL;
    }
    for (i = 1; i < MAX_ROWS && !atomic_load(&l->stop); i++)
    {
        char id[32];
        const char *params[1] = { id };
        PGresult *res;

        snprintf(id, sizeof(id), "%ld", i);
        /* RETURNING runs after the row's insert and before its commit record */
        res = PQexecParams(conn, "INSERT INTO rows(id) VALUES ($1) RETURNING pg_current_wal_insert_lsn()", 1, NULL,
                           params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
        {
            fprintf(stderr, "loader: %s", PQerrorMessage(conn));
            PQclear(res);
            l->failed = 1;
            break;
        }
        l->lsn_before[i] = iw_parse_lsn(PQgetvalue(res, 0, 0));
        PQclear(res);
        if (i > 1) l->lsn_after[i - 1] = l->lsn_before[i];
        /* the commit returned: row i is committed, but its "after" is known only
         * with the next row's "before", so count row i - 1 */
        atomic_store(&l->committed, i - 1);
    }
    PQfinish(conn);
    return NULL;
}

static int loader_start(struct loader *l)
{
    memset(l, 0, sizeof(*l));
    l->lsn_before = calloc(MAX_ROWS + 1, sizeof(*l->lsn_before));
    l->lsn_after = calloc(MAX_ROWS + 1, sizeof(*l->lsn_after));
    if (!l->lsn_before || !l->lsn_after) return -1;
    return pthread_create(&l->thread, NULL, loader_main, l) ? -1 : 0;
}

static int loader_wait_for(struct loader *l, long rows)
{
    for (int i = 0; i < 3000 && !l->failed; i++)
    {
        if (atomic_load(&l->committed) >= rows) return 0;
        wp_sleep_ms(20);
    }
    return -1;
}

static void loader_stop(struct loader *l)
{
    atomic_store(&l->stop, true);
    pthread_join(l->thread, NULL);
}

static void loader_free(struct loader *l)
{
    free(l->lsn_before);
    free(l->lsn_after);
}

/* --- restore ------------------------------------------------------------------------------ */

/* text with every "from" replaced by "to" (malloc'd) */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t flen = strlen(from), len = 0;
    char *out = NULL;
    FILE *f = open_memstream(&out, &len);

    if (!f) return NULL;
    for (const char *p = text; *p;)
    {
        if (!strncmp(p, from, flen))
        {
            fputs(to, f);
            p += flen;
        }
        else fputc(*p++, f);
    }
    fclose(f);
    return out;
}

/* The snapshot's cluster, restored the way the man page says, beside the
 * live one: files back (the data directory, the tablespace moved to a place
 * of its own, pg_wal empty), runtime files left out, backup_label and
 * tablespace_map from the backup metadata (the map pointing at the moved
 * tablespace), recovery from the archive to the end of the backup. */
static int restore_cluster(const struct iw_backup *b, const char *meta, const char *dir, const char *ts_dir)
{
    char *label = iw_meta_block(meta, "backup_label"), *map = iw_meta_block(meta, "tablespace_map"), *moved = NULL;
    char path[PATH_MAX + 64], settings[4 * PATH_MAX];
    int ret = -1;

    if (!label || !map) goto done;
    if (iw_sh("rm -rf %s %s && cp -a %s/data %s && cp -a %s/ts %s && rm -f %s/postmaster.pid %s/postmaster.opts && "
              "rm -f %s/pg_wal %s/pg_tblspc/* && mkdir -p %s/pg_wal/archive_status",
              dir, ts_dir, b->device, dir, b->device, ts_dir, dir, dir, dir, dir, dir))
        goto done;
    snprintf(path, sizeof(path), "%s/backup_label", dir);
    if (fsfixture_write_file(path, label)) goto done;
    snprintf(path, sizeof(path), "%s/ts", vol);
    if (!(moved = replace_all(map, path, ts_dir)) || !strstr(moved, ts_dir)) goto done;
    snprintf(path, sizeof(path), "%s/tablespace_map", dir);
    if (fsfixture_write_file(path, moved)) goto done;
    snprintf(path, sizeof(path), "%s/recovery.signal", dir);
    if (fsfixture_write_file(path, "")) goto done;
    snprintf(settings, sizeof(settings),
             "\n# restore (test_writer_postgresql.c)\n"
             "unix_socket_directories = '%s'\n"
             "archive_mode = off\n"
             "restore_command = 'cp %s/%%f %%p'\n"
             "recovery_target = 'immediate'\n"
             "recovery_target_action = 'promote'\n", tmp_path("run2"), tmp_path("archive"));
    snprintf(path, sizeof(path), "%s/postgresql.conf", dir);
    if (append_text(path, settings)) goto done;
    if (iw_sh("chown -R %u:%u %s %s && chmod 700 %s", (unsigned int)server_uid, (unsigned int)server_gid, dir, ts_dir,
              dir))
        goto done;
    ret = 0;
done:
    free(label);
    free(map);
    free(moved);
    return ret;
}

/* --- tests ---------------------------------------------------------------------------------- */

/* issue 12: one component per cluster: the data directory, the WAL directory
 * and the tablespace, and pg_basebackup's exclusions */
static void check_identify(struct iw_backup *b)
{
    char *text = iw_describe(b, &pg_writer, "main"), wal[PATH_MAX + 8], ts[PATH_MAX + 8];

    snprintf(wal, sizeof(wal), "%s/wal", vol);
    snprintf(ts, sizeof(ts), "%s/ts", vol);
    iw_check_line(text, "component main\n", "");
    iw_check_line(text, "include %s * recursive\n", data);
    iw_check_line(text, "include %s * recursive\n", wal);
    iw_check_line(text, "include %s * recursive\n", ts);
    iw_check_line(text, "exclude %s postmaster.pid\n", data);
    iw_check_line(text, "exclude %s pgsql_tmp* recursive\n", data);
    iw_check_line(text, "exclude %s xlogtemp.*\n", wal);
    iw_check_line(text, "exclude %s pgsql_tmp* recursive\n", ts);
    /* VSS_RME_STOP_RESTORE_START with the service */
    iw_check_line(text, "restore 3 %s\n", "postgresql");
    free(text);
}

static unsigned long long meta_lsn(const char *meta, const char *key)
{
    char *value = iw_meta_value(meta, key);
    unsigned long long lsn = iw_parse_lsn(value);

    free(value);
    return lsn;
}

/* issue 12: a restorable base backup taken while a client commits */
static void test_base_backup_while_committing(void)
{
    const char *components[] = { "main", NULL };
    unsigned long long start, freeze, thaw, stop;
    long before, after, total, count = -1, first = -1, last = -1, wrong = 0;
    struct iw_backup b;
    struct loader l;
    char *meta = NULL, *value, restored[PATH_MAX + 64];
    bool restored_running = false;
    PGconn *conn;

    CU_ASSERT_FATAL(server_running);
    CU_ASSERT_EQUAL_FATAL(loader_start(&l), 0);
    CU_ASSERT_EQUAL(loader_wait_for(&l, 500), 0);
    before = atomic_load(&l.committed);

    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &pg_writer, components, vol), S_OK);
    /* the loader counts row i once row i + 1's insert returned; row i + 2 may be
     * committing right now: nothing past that can have committed before Thaw */
    after = atomic_load(&l.committed) + 2;
    CU_ASSERT_EQUAL(b.selected, 1);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(loader_wait_for(&l, after + 200), 0);
    total = atomic_load(&l.committed);
    loader_stop(&l);
    CU_ASSERT(!l.failed);
    if (l.failed || b.snapshot_hr != VSS_S_ASYNC_FINISHED) goto done;
    iw_check_status(&b, &pg_writer, "main", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    check_identify(&b);

    /* the backup metadata: label, map, and the session's LSNs */
    meta = iw_backup_metadata(&b, &pg_writer, "main");
    CU_ASSERT_PTR_NOT_NULL(meta);
    if (!meta) goto done;
    value = iw_meta_block(meta, "backup_label");
    CU_ASSERT(value && strstr(value, "START WAL LOCATION: ") && strstr(value, "LABEL: vss {"));
    free(value);
    value = iw_meta_value(meta, "wal-archived");
    CU_ASSERT(value && !strcmp(value, "yes"));
    free(value);
    start = meta_lsn(meta, "start-lsn");
    freeze = meta_lsn(meta, "freeze-lsn");
    thaw = meta_lsn(meta, "thaw-lsn");
    stop = meta_lsn(meta, "stop-lsn");
    /* the backup began before Freeze and ended after Thaw, in one session */
    CU_ASSERT(start && start <= freeze && freeze <= thaw && thaw <= stop);

    /* the snapshot, as a server of its own */
    snprintf(restored, sizeof(restored), "%s", tmp_path("restored"));
    CU_ASSERT_EQUAL(restore_cluster(&b, meta, restored, tmp_path("restored-ts")), 0);
    restored_running = !pg_ctl(restored, "start", tmp_path("restored.log"));
    CU_ASSERT(restored_running);
    if (!restored_running) goto done;
    conn = connect_to(tmp_path("run2"));
    CU_ASSERT_PTR_NOT_NULL(conn);
    if (!conn) goto done;
    /* pg_ctl returns once read-only connections are taken; promotion follows */
    for (int i = 0; i < 3000 && query_int(conn, "SELECT pg_is_in_recovery()::int") != 0; i++) wp_sleep_ms(20);
    CU_ASSERT_EQUAL(query_int(conn, "SELECT pg_is_in_recovery()::int"), 0);
    count = query_int(conn, "SELECT count(*) FROM rows");
    first = query_int(conn, "SELECT min(id) FROM rows");
    last = query_int(conn, "SELECT max(id) FROM rows");
    PQfinish(conn);
    /* consistent: rows 1..last, each of them */
    CU_ASSERT_EQUAL(first, 1);
    CU_ASSERT_EQUAL(count, last);
    /* everything committed before the backup began, nothing after it ended */
    CU_ASSERT(last >= before);
    CU_ASSERT(last <= after);
    /* and to the row, by LSN: what committed before Freeze, or before the
     * backup's end, is there; what committed after the end is not */
    for (long i = 1; i < total; i++)
    {
        bool present = i <= last;

        if (l.lsn_after[i] <= freeze && !present) wrong++;
        if (l.lsn_after[i] <= stop && !present) wrong++;
        if (l.lsn_before[i] >= stop && present) wrong++;
    }
    if (wrong || getenv("IW_SHOW_LOGS"))
        printf("rows: %ld before DoSnapshotSet, %ld restored, at most %ld before it returned; %ld misplaced\n",
               before, last, after, wrong);
    CU_ASSERT_EQUAL(wrong, 0);

done:
    if (restored_running) CU_ASSERT_EQUAL(pg_ctl(restored, "stop", NULL), 0);
    iw_backup_end(&b);
    free(meta);
    loader_free(&l);
}

/* VSS-FACTS.md §3.1, §1.4: the documented failures, and the rest of the backup carries on */
static void test_cluster_unavailable(void)
{
    const char *components[] = { "main", "down", "badrole", NULL };
    struct iw_backup b;
    char *meta;

    CU_ASSERT_FATAL(server_running);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &pg_writer, components, vol), S_OK);
    CU_ASSERT_EQUAL(b.selected, 3);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &pg_writer, "down", VSS_WS_FAILED_AT_PREPARE_BACKUP, VSS_E_WRITERERROR_RETRYABLE, "nothere");
    iw_check_status(&b, &pg_writer, "badrole", VSS_WS_FAILED_AT_PREPARE_BACKUP,
                    VSS_E_WRITERERROR_NONRETRYABLE, "nosuchrole");
    iw_check_status(&b, &pg_writer, "main", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    CU_ASSERT_PTR_NULL(iw_backup_metadata(&b, &pg_writer, "down"));
    meta = iw_backup_metadata(&b, &pg_writer, "main");
    CU_ASSERT(meta && strstr(meta, "backup_label:"));
    free(meta);
    iw_backup_end(&b);
}

/* §3.1: a cluster that stops after the writer saw it */
static void test_cluster_stopped(void)
{
    const char *components[] = { "main", NULL };
    struct iw_backup b;

    CU_ASSERT_FATAL(server_running);
    CU_ASSERT_EQUAL_FATAL(pg_ctl(data, "stop", NULL), 0);
    server_running = false;
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &pg_writer, components, vol), S_OK);
    /* the component is still listed, from what the writer saw of the running cluster */
    CU_ASSERT_EQUAL(b.selected, 1);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &pg_writer, "main", VSS_WS_FAILED_AT_PREPARE_BACKUP, VSS_E_WRITERERROR_RETRYABLE, "run");
    iw_backup_end(&b);
    CU_ASSERT_EQUAL_FATAL(pg_ctl(data, "start", tmp_path("pg.log")), 0);
    server_running = true;
}

/* §1.6: another writer's veto at Freeze aborts the set; the writer stops the backup */
static void test_abort_stops_backup(void)
{
    const char *components[] = { "main", NULL };
    const char *args[] = { "--veto", "Freeze", NULL };
    struct iw_backup b;
    long long sessions = -1;
    PGconn *conn;
    pid_t vetoer;

    CU_ASSERT_FATAL(server_running);
    CU_ASSERT_FATAL((vetoer = wp_start("test_writer_c", args)) > 0);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &pg_writer, components, vol), S_OK);
    CU_ASSERT(FAILED(b.snapshot_hr));
    iw_backup_end(&b);
    wp_stop(vetoer);
    /* the session that held the backup is gone (its backend exits just after the client leaves) */
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn = connect_to(tmp_path("run")));
    for (int i = 0; i < 500 && sessions; i++)
    {
        sessions = query_int(conn, "SELECT count(*) FROM pg_stat_activity "
                                   "WHERE application_name = 'vss-writer-postgresql'");
        if (sessions) wp_sleep_ms(20);
    }
    CU_ASSERT_EQUAL(sessions, 0);
    PQfinish(conn);
}

/* SIGTERM: the writer unsubscribes every instance and exits 0 (under the
 * sanitizers, also without a leak) */
static void test_writer_exits(void)
{
    CU_ASSERT_FATAL(writer_pid > 0);
    CU_ASSERT_EQUAL(iw_stop(writer_pid), 0);
    writer_pid = -1;
}

/* --- suite ---------------------------------------------------------------------------------- */

static int find_bindir(void)
{
    glob_t g;
    int ret = -1;

    if (!glob("/usr/lib/postgresql/*/bin/pg_ctl", 0, NULL, &g) && g.gl_pathc)
    {
        /* the newest version: glob sorts, and Debian has one at a time */
        snprintf(bindir, sizeof(bindir), "%s", g.gl_pathv[g.gl_pathc - 1]);
        *strrchr(bindir, '/') = 0;
        ret = 0;
    }
    globfree(&g);
    if (ret) fprintf(stderr, "PostgreSQL's server programs are not installed (Debian package postgresql)\n");
    return ret;
}

static bool com_ready;
static int suite_cleanup(void);

/* Everything set up so far goes when a step fails (CUnit runs no cleanup then). */
static int suite_setup(void)
{
    const char *initdb[] = { "-D", NULL, "-X", NULL, "-U", "postgres", "--auth=trust", "-N", NULL };
    char wal[PATH_MAX + 16], sql[PATH_MAX + 64];
    char path[PATH_MAX + 64], text[8 * PATH_MAX];
    PGconn *conn;
    FILE *f;

    if (find_bindir()) return -1;
    snprintf(tmp, sizeof(tmp), "%s", umbra_test_tmpdir());
    /* the server's user must reach its directories */
    if (chmod(tmp, 0755)) return -1;
    iw_server_user(&server_uid, &server_gid);
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/rendezvous", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();

    snprintf(vol, sizeof(vol), "%s/vol", tmp);
    snprintf(data, sizeof(data), "%s/data", vol);
    snprintf(writer_log, sizeof(writer_log), "%s/vss-writer-postgresql.log", tmp);
    snprintf(config, sizeof(config), "%s/postgresql.conf", tmp);
    if (mkdir(vol, 0755) || mkdir(tmp_path("run"), 0755) || mkdir(tmp_path("run2"), 0755)
        || mkdir(tmp_path("archive"), 0755) || mkdir(tmp_path("down-data"), 0755))
        return -1;
    if (iw_sh("touch %s %s && chown %u:%u %s %s %s %s %s %s", tmp_path("pg.log"), tmp_path("restored.log"),
              (unsigned int)server_uid, (unsigned int)server_gid, vol, tmp_path("run"), tmp_path("run2"),
              tmp_path("archive"), tmp_path("pg.log"), tmp_path("restored.log")))
        return -1;
    /* the WAL directory and a tablespace outside the data directory, on the same volume */
    snprintf(wal, sizeof(wal), "%s/wal", vol);
    initdb[1] = data;
    initdb[3] = wal;
    if (mkdir(tmp_path("vol/ts"), 0700) || iw_sh("chown %u:%u %s", (unsigned int)server_uid, (unsigned int)server_gid,
                                                   tmp_path("vol/ts")))
        return -1;
    if (pg_tool("initdb", initdb, tmp_path("initdb.log"), 180))
    {
        fprintf(stderr, "initdb failed: see %s\n", tmp_path("initdb.log"));
        return -1;
    }
    snprintf(text, sizeof(text),
             "\n# test_writer_postgresql.c: Unix socket only, WAL archived\n"
             "listen_addresses = ''\n"
             "unix_socket_directories = '%s'\n"
             "wal_level = replica\n"
             "archive_mode = on\n"
             "archive_command = 'cp %%p %s/%%f'\n", tmp_path("run"), tmp_path("archive"));
    snprintf(path, sizeof(path), "%s/postgresql.conf", data);
    if (append_text(path, text)) return -1;
    if (pg_ctl(data, "start", tmp_path("pg.log")))
    {
        fprintf(stderr, "the cluster did not start: see %s\n", tmp_path("pg.log"));
        return -1;
    }
    server_running = true;
    if (!(conn = connect_to(tmp_path("run")))) return -1;
    snprintf(sql, sizeof(sql), "CREATE TABLESPACE ts LOCATION '%s'", tmp_path("vol/ts"));
    if (exec_sql(conn, sql) || exec_sql(conn, "CREATE TABLE rows(id bigint PRIMARY KEY) TABLESPACE ts"))
    {
        PQfinish(conn);
        return -1;
    }
    PQfinish(conn);

    snprintf(text, sizeof(text),
             "# written by test_writer_postgresql.c\n"
             "[cluster main]\nconninfo = host=%s user=postgres\n\n"
             "[cluster down]\nconninfo = host=%s user=postgres\ndata_directory = %s\n\n"
             "[cluster badrole]\nconninfo = host=%s user=nosuchrole\ndata_directory = %s\n",
             tmp_path("run"), tmp_path("nothere"), tmp_path("down-data"), tmp_path("run"), data);
    if (!(f = fopen(config, "w"))) return -1;
    fputs(text, f);
    fclose(f);
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return -1;
    com_ready = true;
    if ((writer_pid = iw_start_writer("postgresql", config, writer_log)) < 0) return -1;
    return 0;
}

static int suite_cleanup(void)
{
    if (writer_pid > 0 && iw_stop(writer_pid)) fprintf(stderr, "vss-writer-postgresql did not exit cleanly\n");
    iw_show_log(writer_log);
    if (server_running) pg_ctl(data, "stop", NULL);
    /* a restored cluster a failed test left running */
    if (!access(tmp_path("restored/postmaster.pid"), F_OK)) pg_ctl(tmp_path("restored"), "stop", NULL);
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

static CU_TestInfo pg_tests[] =
{
    { "a base backup while a client commits (issue 12)", test_base_backup_while_committing },
    { "a cluster down, a role refused (§3.1, §1.4)", test_cluster_unavailable },
    { "a cluster stopped after Identify (§3.1)", test_cluster_stopped },
    { "Abort stops the backup (§1.6)", test_abort_stops_backup },
    { "the writer exits cleanly", test_writer_exits },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(writer_postgresql, suite_init, suite_cleanup, pg_tests);
