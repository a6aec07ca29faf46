/*
 * test_writer_mariadb.c: vss-writer-mariadb (issue 12) against a real
 * MariaDB server that the suite makes with Debian's mariadb-install-db and
 * runs as an unprivileged user on a Unix socket, its data directory and
 * binary log on a btrfs volume of its own (tests/lib/fsfixture.h), so the
 * requester's snapshot is a point in time (the btrfs provider).  Needs root.
 *
 *  - a client commits rows to an InnoDB table continuously during
 *    DoSnapshotSet; the snapshot, started as a server of its own, recovers to
 *    a consistent prefix of the rows (everything committed before the backup
 *    began, nothing after it returned), and the binary log position the
 *    writer stored in the component's backup metadata is exactly that
 *    prefix: its GTID is the restored server's, and counts the rows;
 *  - a connection as another user, authenticated by unix_socket as the
 *    configured os_user, takes its backup too;
 *  - a server that is not running and a user it refuses fail PrepareForBackup
 *    with VSS_E_WRITERERROR_RETRYABLE and _NONRETRYABLE (VSS-FACTS.md §3.1,
 *    §1.4) while the backup of the running server goes on; the same server,
 *    stopped, fails RETRYABLE;
 *  - another writer vetoes Freeze: the set is aborted (§1.6) and the backup
 *    stages are released at once.
 */
#define COBJMACROS
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <mysql.h>
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

/* vss-writer-mariadb's class id */
static const GUID my_writer = { 0x088711b1, 0x2511, 0x4f3b, { 0x9a, 0xf9, 0x30, 0x17, 0x28, 0xe3, 0x41, 0x4d } };

static struct fsfixture *fs;
static char tmp[PATH_MAX], datadir[PATH_MAX + 16], binlog_dir[PATH_MAX + 16], binlog_base[PATH_MAX + 32];
static char writer_log[PATH_MAX + 32], config[PATH_MAX + 32];
static uid_t server_uid;
static gid_t server_gid;
static pid_t server_pid = -1, writer_pid = -1;

static const char *tmp_path(const char *name)
{
    static char bufs[8][PATH_MAX + 64];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    snprintf(buf, sizeof(bufs[0]), "%s/%s", tmp, name);
    return buf;
}

static MYSQL *connect_to(const char *socket)
{
    MYSQL *conn = mysql_init(NULL);

    if (conn && mysql_real_connect(conn, "localhost", "root", NULL, NULL, 0, socket, 0)) return conn;
    if (conn) mysql_close(conn);
    return NULL;
}

static int exec_sql(MYSQL *conn, const char *sql)
{
    if (!mysql_query(conn, sql))
    {
        mysql_free_result(mysql_store_result(conn));
        return 0;
    }
    fprintf(stderr, "%s: %s\n", sql, mysql_error(conn));
    return -1;
}

/* The first column of a one-row result, malloc'd, or NULL. */
static char *query_text(MYSQL *conn, const char *sql)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    char *value = NULL;

    if (mysql_query(conn, sql) || !(res = mysql_store_result(conn))) return NULL;
    if ((row = mysql_fetch_row(res)) && row[0]) value = strdup(row[0]);
    mysql_free_result(res);
    return value;
}

static long long query_int(MYSQL *conn, const char *sql)
{
    char *text = query_text(conn, sql);
    long long value = text ? atoll(text) : -1;

    free(text);
    return value;
}

/* The sequence number of a GTID position "0-1-42" (one domain, one server). */
static long long gtid_seq(const char *gtid)
{
    const char *dash = gtid ? strrchr(gtid, '-') : NULL;

    return dash ? atoll(dash + 1) : -1;
}

/* mariadbd on datadir and binary log basename, as the server user; waits
 * until it takes connections on socket. */
static pid_t start_server(const char *dir, const char *binlog_base, const char *socket, const char *log)
{
    char a_datadir[PATH_MAX + 16], a_socket[PATH_MAX + 16], a_binlog[PATH_MAX + 16], a_pid[PATH_MAX + 16];
    char a_log[PATH_MAX + 16];
    const char *argv[] = { "/usr/sbin/mariadbd", "--no-defaults", "--user=nobody", a_datadir, a_socket, a_pid,
                           "--skip-networking", a_binlog, "--server-id=1", "--innodb-log-file-size=16M",
                           "--innodb-buffer-pool-size=64M", a_log, NULL };
    pid_t pid;

    snprintf(a_datadir, sizeof(a_datadir), "--datadir=%s", dir);
    snprintf(a_socket, sizeof(a_socket), "--socket=%s", socket);
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s.pid", socket);
    snprintf(a_binlog, sizeof(a_binlog), "--log-bin=%s", binlog_base);
    snprintf(a_log, sizeof(a_log), "--log-error=%s", log);
    if (geteuid()) argv[2] = "--skip-name-resolve";   /* no --user when not root */
    if ((pid = iw_spawn_as(geteuid(), getegid(), argv, NULL)) < 0) return -1;
    for (int i = 0; i < 1200; i++)
    {
        MYSQL *conn;

        if (!access(socket, F_OK) && (conn = connect_to(socket)))
        {
            mysql_close(conn);
            return pid;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) break;
        wp_sleep_ms(50);
    }
    fprintf(stderr, "mariadbd did not start: see %s\n", log);
    iw_stop(pid);
    return -1;
}

/* --- a client that commits rows 1, 2, 3 ... ------------------------------------------------ */

struct loader
{
    pthread_t thread;
    atomic_bool stop;
    atomic_long committed;          /* rows 1..committed are committed */
    int failed;
};

static void *loader_main(void *arg)
{
    struct loader *l = arg;
    MYSQL *conn = connect_to(tmp_path("run/mysqld.sock"));

    if (!conn)
    {
        l->failed = 1;
        return NULL;
    }
    for (long i = 1; !atomic_load(&l->stop); i++)
    {
        char sql[64];

        snprintf(sql, sizeof(sql), "INSERT INTO t.rows VALUES (%ld)", i);
        if (mysql_query(conn, sql))
        {
            fprintf(stderr, "loader: %s\n", mysql_error(conn));
            l->failed = 1;
            break;
        }
        atomic_store(&l->committed, i);
    }
    mysql_close(conn);
    return NULL;
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

/* --- tests ------------------------------------------------------------------------------------ */

/* issue 12: the data directory and the binary logs kept apart from it, without
 * the server's temporary files */
static void check_identify(struct iw_backup *b)
{
    char *text = iw_describe(b, &my_writer, "main");

    iw_check_line(text, "component main\n", "");
    iw_check_line(text, "include %s * recursive\n", datadir);
    iw_check_line(text, "include %s mariadb-bin.*\n", binlog_dir);
    iw_check_line(text, "exclude %s #sql* recursive\n", datadir);
    iw_check_line(text, "exclude %s ibtmp1\n", datadir);
    iw_check_line(text, "restore 3 %s\n", "mariadb");
    free(text);
}

/* issue 12: InnoDB rows and the binary log position, consistent in the snapshot */
static void test_snapshot_while_committing(void)
{
    const char *components[] = { "main", NULL };
    long before, after, count = -1, first = -1, last = -1;
    char *meta = NULL, *gtid = NULL, *file = NULL, *pos = NULL, *method = NULL, *restored_gtid = NULL;
    char restored[PATH_MAX + 64], path[2 * PATH_MAX];
    long long base_seq;
    struct iw_backup b;
    struct loader l;
    struct stat st;
    MYSQL *conn;
    pid_t restored_pid = -1;

    CU_ASSERT_FATAL(server_pid > 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn = connect_to(tmp_path("run/mysqld.sock")));
    /* every row from here on is one transaction, one GTID */
    base_seq = gtid_seq(gtid = query_text(conn, "SELECT @@gtid_binlog_pos"));
    free(gtid);
    gtid = NULL;
    mysql_close(conn);
    CU_ASSERT_FATAL(base_seq >= 0);

    memset(&l, 0, sizeof(l));
    CU_ASSERT_EQUAL_FATAL(pthread_create(&l.thread, NULL, loader_main, &l), 0);
    CU_ASSERT_EQUAL(loader_wait_for(&l, 300), 0);
    before = atomic_load(&l.committed);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &my_writer, components, fs->mnt), S_OK);
    /* the insert in flight may have committed before the freeze */
    after = atomic_load(&l.committed) + 1;
    CU_ASSERT_EQUAL(loader_wait_for(&l, after + 100), 0);
    atomic_store(&l.stop, true);
    pthread_join(l.thread, NULL);
    CU_ASSERT(!l.failed);
    CU_ASSERT_EQUAL(b.selected, 1);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    if (b.snapshot_hr != VSS_S_ASYNC_FINISHED) goto done;
    iw_check_status(&b, &my_writer, "main", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    check_identify(&b);

    meta = iw_backup_metadata(&b, &my_writer, "main");
    CU_ASSERT_PTR_NOT_NULL(meta);
    if (!meta) goto done;
    method = iw_meta_value(meta, "method");
    CU_ASSERT(method && !strcmp(method, "backup-stage"));
    gtid = iw_meta_value(meta, "gtid-binlog-pos");
    file = iw_meta_value(meta, "binlog-file");
    pos = iw_meta_value(meta, "binlog-position");
    CU_ASSERT(file && !strncmp(file, "mariadb-bin.", 12));
    CU_ASSERT(pos && atoll(pos) > 0);
    CU_ASSERT(gtid_seq(gtid) > base_seq);
    /* the snapshot's binary log reaches the recorded position */
    snprintf(path, sizeof(path), "%s/binlog/%s", b.device, file ? file : "");
    CU_ASSERT(!stat(path, &st) && pos && st.st_size >= atoll(pos));

    /* the snapshot as a server of its own: the binary log index names its files
     * by absolute path, so it is rewritten for the new place */
    snprintf(restored, sizeof(restored), "%s", tmp_path("restored"));
    CU_ASSERT_EQUAL_FATAL(iw_sh("rm -rf %s && mkdir -p %s && cp -a %s/mysql %s/binlog %s/ && "
                                "rm -f %s/mysql/*.pid && sed -i 's|%s|%s/binlog|' %s/binlog/mariadb-bin.index && "
                                "chown -R %u:%u %s", restored, restored, b.device, b.device, restored, restored,
                                binlog_dir, restored, restored, (unsigned int)server_uid, (unsigned int)server_gid,
                                restored), 0);
    snprintf(path, sizeof(path), "%s/binlog/mariadb-bin", restored);
    restored_pid = start_server(tmp_path("restored/mysql"), path, tmp_path("run2/mysqld.sock"),
                                tmp_path("restored.err"));
    CU_ASSERT(restored_pid > 0);
    if (restored_pid <= 0) goto done;
    conn = connect_to(tmp_path("run2/mysqld.sock"));
    CU_ASSERT_PTR_NOT_NULL(conn);
    if (!conn) goto done;
    count = query_int(conn, "SELECT count(*) FROM t.rows");
    first = query_int(conn, "SELECT min(id) FROM t.rows");
    last = query_int(conn, "SELECT max(id) FROM t.rows");
    restored_gtid = query_text(conn, "SELECT @@gtid_binlog_pos");
    mysql_close(conn);
    /* a consistent prefix ... */
    CU_ASSERT_EQUAL(first, 1);
    CU_ASSERT_EQUAL(count, last);
    CU_ASSERT(last >= before);
    CU_ASSERT(last <= after);
    /* ... that the recorded binary log position describes exactly */
    CU_ASSERT(restored_gtid && gtid && !strcmp(restored_gtid, gtid));
    CU_ASSERT_EQUAL(gtid_seq(gtid) - base_seq, last);
    if (getenv("IW_SHOW_LOGS"))
        printf("rows: %ld before DoSnapshotSet, %ld restored, at most %ld before it returned; gtid %s, %s:%s\n",
               before, last, after, gtid ? gtid : "?", file ? file : "?", pos ? pos : "?");

done:
    if (restored_pid > 0) CU_ASSERT_EQUAL(iw_stop(restored_pid), 0);
    iw_backup_end(&b);
    free(meta);
    free(gtid);
    free(file);
    free(pos);
    free(method);
    free(restored_gtid);
}

/* run_as.h: unix_socket authentication as the configured os_user */
static void test_os_user(void)
{
    const char *components[] = { "peer", NULL };
    struct iw_backup b;
    char *meta;

    CU_ASSERT_FATAL(server_pid > 0);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &my_writer, components, fs->mnt), S_OK);
    CU_ASSERT_EQUAL(b.selected, 1);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &my_writer, "peer", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    meta = iw_backup_metadata(&b, &my_writer, "peer");
    CU_ASSERT(meta && strstr(meta, "gtid-binlog-pos: 0-1-"));
    free(meta);
    iw_backup_end(&b);
}

/* VSS-FACTS.md §3.1, §1.4: the documented failures, and the rest of the backup carries on */
static void test_server_unavailable(void)
{
    const char *components[] = { "main", "down", "badauth", NULL };
    struct iw_backup b;
    char *meta;

    CU_ASSERT_FATAL(server_pid > 0);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &my_writer, components, fs->mnt), S_OK);
    CU_ASSERT_EQUAL(b.selected, 3);
    CU_ASSERT_EQUAL(b.prepare_hr, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &my_writer, "down", VSS_WS_FAILED_AT_PREPARE_BACKUP, VSS_E_WRITERERROR_RETRYABLE, "nothere");
    iw_check_status(&b, &my_writer, "badauth", VSS_WS_FAILED_AT_PREPARE_BACKUP,
                    VSS_E_WRITERERROR_NONRETRYABLE, "nosuchuser");
    iw_check_status(&b, &my_writer, "main", VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK, NULL);
    meta = iw_backup_metadata(&b, &my_writer, "main");
    CU_ASSERT(meta && strstr(meta, "binlog-file: mariadb-bin."));
    free(meta);
    CU_ASSERT_PTR_NULL(iw_backup_metadata(&b, &my_writer, "down"));
    iw_backup_end(&b);

    /* the server itself stopped: its component still shows, and fails the same way */
    CU_ASSERT_EQUAL_FATAL(iw_stop(server_pid), 0);
    server_pid = -1;
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &my_writer, components, fs->mnt), S_OK);
    CU_ASSERT_EQUAL(b.snapshot_hr, VSS_S_ASYNC_FINISHED);
    iw_check_status(&b, &my_writer, "main", VSS_WS_FAILED_AT_PREPARE_BACKUP,
                    VSS_E_WRITERERROR_RETRYABLE, "mysqld.sock");
    iw_backup_end(&b);
    server_pid = start_server(datadir, binlog_base, tmp_path("run/mysqld.sock"), tmp_path("mariadb.err"));
    CU_ASSERT(server_pid > 0);
}

/* §1.6: another writer's veto at Freeze aborts the set; the stages are released */
static void test_abort_releases(void)
{
    const char *components[] = { "main", NULL };
    const char *args[] = { "--veto", "Freeze", NULL };
    struct iw_backup b;
    MYSQL *conn;
    pid_t vetoer;

    CU_ASSERT_FATAL(server_pid > 0);
    CU_ASSERT_FATAL((vetoer = wp_start("test_writer_c", args)) > 0);
    CU_ASSERT_EQUAL(iw_backup(&b, VSS_CTX_BACKUP, &my_writer, components, fs->mnt), S_OK);
    CU_ASSERT(FAILED(b.snapshot_hr));
    iw_backup_end(&b);
    wp_stop(vetoer);
    /* nobody holds the backup stages: another backup can take them all, at once */
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn = connect_to(tmp_path("run/mysqld.sock")));
    CU_ASSERT_EQUAL(exec_sql(conn, "SET SESSION lock_wait_timeout = 1"), 0);
    CU_ASSERT_EQUAL(exec_sql(conn, "BACKUP STAGE START"), 0);
    CU_ASSERT_EQUAL(exec_sql(conn, "BACKUP STAGE BLOCK_COMMIT"), 0);
    CU_ASSERT_EQUAL(exec_sql(conn, "BACKUP STAGE END"), 0);
    mysql_close(conn);
}

/* SIGTERM: the writer unsubscribes every instance and exits 0 (under the
 * sanitizers, also without a leak) */
static void test_writer_exits(void)
{
    CU_ASSERT_FATAL(writer_pid > 0);
    CU_ASSERT_EQUAL(iw_stop(writer_pid), 0);
    writer_pid = -1;
}

/* --- suite ------------------------------------------------------------------------------------ */

static bool com_ready;
static int suite_cleanup(void);

/* Everything set up so far goes when a step fails (CUnit runs no cleanup then). */
static int suite_setup(void)
{
    char text[8 * PATH_MAX], path[PATH_MAX + 64], a_datadir[PATH_MAX + 16];
    const char *install[] = { "mariadb-install-db", "--no-defaults", "--user=nobody", a_datadir,
                              "--auth-root-authentication-method=socket", "--skip-test-db",
                              "--innodb-log-file-size=16M", NULL };
    MYSQL *conn;
    FILE *f;

    if (umbra_require_root()) return -1;
    if (access("/usr/sbin/mariadbd", X_OK))
    {
        fprintf(stderr, "the MariaDB server is not installed (Debian package mariadb-server)\n");
        return -1;
    }
    if (!(fs = fsfixture_create("btrfs", 1024, NULL, NULL))) return -1;
    snprintf(tmp, sizeof(tmp), "%s", umbra_test_tmpdir());
    if (chmod(tmp, 0755) || chmod(fs->mnt, 0755)) return -1;
    iw_server_user(&server_uid, &server_gid);
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/rendezvous", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();

    snprintf(datadir, sizeof(datadir), "%s/mysql", fs->mnt);
    snprintf(binlog_dir, sizeof(binlog_dir), "%s/binlog", fs->mnt);
    /* the binary log's basename: files mariadb-bin.000001 ... in binlog/ */
    snprintf(binlog_base, sizeof(binlog_base), "%s/mariadb-bin", binlog_dir);
    snprintf(writer_log, sizeof(writer_log), "%s/vss-writer-mariadb.log", tmp);
    snprintf(config, sizeof(config), "%s/mariadb.conf", tmp);
    if (mkdir(datadir, 0755) || mkdir(binlog_dir, 0755) || mkdir(tmp_path("run"), 0755) || mkdir(tmp_path("run2"), 0755)
        || mkdir(tmp_path("down"), 0755))
        return -1;
    if (iw_sh("chown %u:%u %s %s %s %s", (unsigned int)server_uid, (unsigned int)server_gid, datadir, binlog_dir,
              tmp_path("run"), tmp_path("run2")))
        return -1;
    snprintf(a_datadir, sizeof(a_datadir), "--datadir=%s", datadir);
    if (iw_run_as(0, 0, install, tmp_path("install.log"), 300))
    {
        fprintf(stderr, "mariadb-install-db failed: see %s\n", tmp_path("install.log"));
        return -1;
    }
    if ((server_pid = start_server(datadir, binlog_base, tmp_path("run/mysqld.sock"), tmp_path("mariadb.err"))) < 0)
        return -1;
    if (!(conn = connect_to(tmp_path("run/mysqld.sock")))) return -1;
    if (exec_sql(conn, "CREATE DATABASE t") || exec_sql(conn, "CREATE TABLE t.rows(id BIGINT PRIMARY KEY) ENGINE=InnoDB")
        /* mariadb-install-db made the account of its --user; it may back up */
        || exec_sql(conn, "CREATE USER IF NOT EXISTS 'nobody'@'localhost' IDENTIFIED VIA unix_socket")
        || exec_sql(conn, "GRANT RELOAD, BINLOG MONITOR ON *.* TO 'nobody'@'localhost'"))
    {
        mysql_close(conn);
        return -1;
    }
    mysql_close(conn);

    snprintf(text, sizeof(text),
             "# written by test_writer_mariadb.c\n"
             "[server main]\nsocket = %s\nuser = root\n\n"
             "[server peer]\nsocket = %s\nuser = nobody\nos_user = nobody\n\n"
             "[server down]\nsocket = %s\ndatadir = %s\n\n"
             "[server badauth]\nsocket = %s\nuser = nosuchuser\ndatadir = %s\n",
             tmp_path("run/mysqld.sock"), tmp_path("run/mysqld.sock"), tmp_path("nothere/mysqld.sock"),
             tmp_path("down"), tmp_path("run/mysqld.sock"), datadir);
    if (!(f = fopen(config, "w"))) return -1;
    fputs(text, f);
    fclose(f);
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return -1;
    com_ready = true;
    if ((writer_pid = iw_start_writer("mariadb", config, writer_log)) < 0) return -1;
    return 0;
}

static int suite_cleanup(void)
{
    if (writer_pid > 0 && iw_stop(writer_pid)) fprintf(stderr, "vss-writer-mariadb did not exit cleanly\n");
    iw_show_log(writer_log);
    if (server_pid > 0 && iw_stop(server_pid)) fprintf(stderr, "mariadbd did not stop cleanly\n");
    fsfixture_destroy(fs);
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

static CU_TestInfo mariadb_tests[] =
{
    { "a snapshot while a client commits (issue 12)", test_snapshot_while_committing },
    { "unix_socket authentication as os_user", test_os_user },
    { "a server down, a user refused, a server stopped (§3.1, §1.4)", test_server_unavailable },
    { "Abort releases the backup stages (§1.6)", test_abort_releases },
    { "the writer exits cleanly", test_writer_exits },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(writer_mariadb, suite_init, suite_cleanup, mariadb_tests);
