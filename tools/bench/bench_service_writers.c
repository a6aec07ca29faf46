/*
 * bench_service_writers.c: the freeze window the in-box writers add (issue
 * 12): from the first Freeze sent to the last Thaw answered, for a snapshot
 * set that selects the PostgreSQL (then the MariaDB) writer's component while
 * a client commits rows as fast as it can, against the same snapshot set
 * with the writer running but its component not selected (so it answers
 * Freeze and Thaw without touching its server) under the same load.
 *
 * Both go through the coordinator (the requester's writer side), and the
 * provider commit inside the window is a real read-only btrfs snapshot of
 * the volume that holds the servers' files, so the window is the one a
 * backup sees.  Medians of RUNS runs, the two kinds interleaved.
 *
 * Targets, as ratios over a window of a few ms (so they are coarse):
 * PostgreSQL adds one query at Freeze and pg_backup_stop at Thaw, whose WAL
 * switch and flush cost tens of ms on a loop device; waiting for the archiver
 * (pg_backup_stop's own wait sleeps in whole seconds) is left to PostSnapshot,
 * outside the window: ratio <= 30 (measured here: 41 ms against 3.8 ms).
 * MariaDB's BLOCK_DDL and BLOCK_COMMIT wait only for the commit in flight:
 * ratio <= 5 (measured: 5.9 ms against 4.6 ms).
 *
 * tools/bench/service-writers sets up the servers and writers and runs this;
 * it is not a test.
 *
 *   bench_service_writers VOLUME PG_SOCKET_DIR MARIADB_SOCKET SNAPDIR [runs]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/btrfs.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include "bench_table.h"
#include "bcd.h"
#include "coordinator.h"

#define MAX_RUNS 100

static const GUID pg_writer = { 0x5f1a7421, 0xe1fe, 0x4fe9, { 0xb4, 0x23, 0xba, 0x74, 0x86, 0x98, 0xac, 0x04 } };
static const GUID my_writer = { 0x088711b1, 0x2511, 0x4f3b, { 0x9a, 0xf9, 0x30, 0x17, 0x28, 0xe3, 0x41, 0x4d } };

static const char *volume, *pg_socket_dir, *mariadb_socket, *snap_dir;
static int snapshot_serial;

/* --- the load -------------------------------------------------------------------- */

struct load
{
    pthread_t thread;
    atomic_bool stop;
    atomic_long rows;
    bool postgres;
    int failed;
};

static void *load_main(void *arg)
{
    struct load *l = arg;
    PGconn *pg = NULL;
    MYSQL *my = NULL;

    if (l->postgres)
    {
        char conninfo[4200];

        snprintf(conninfo, sizeof(conninfo), "host=%s user=postgres dbname=postgres", pg_socket_dir);
        pg = PQconnectdb(conninfo);
        if (PQstatus(pg) != CONNECTION_OK) l->failed = 1;
        else PQclear(PQexec(pg, "CREATE TABLE IF NOT EXISTS load(id bigserial PRIMARY KEY, at timestamptz)"));
    }
    else if (!(my = mysql_init(NULL)) || !mysql_real_connect(my, "localhost", "root", NULL, NULL, 0, mariadb_socket, 0)
             || mysql_query(my, "CREATE DATABASE IF NOT EXISTS bench")
             || mysql_query(my, "CREATE TABLE IF NOT EXISTS bench.load(id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                                "at TIMESTAMP(6)) ENGINE=InnoDB"))
        l->failed = 1;
    while (!l->failed && !atomic_load(&l->stop))
    {
        if (pg)
        {
            PGresult *res = PQexec(pg, "INSERT INTO load(at) VALUES (now())");
            if (PQresultStatus(res) != PGRES_COMMAND_OK) l->failed = 1;
            PQclear(res);
        }
        else if (mysql_query(my, "INSERT INTO bench.load(at) VALUES (NOW(6))")) l->failed = 1;
        atomic_fetch_add(&l->rows, 1);
    }
    if (l->failed) fprintf(stderr, "load: %s\n", pg ? PQerrorMessage(pg) : my ? mysql_error(my) : "no client");
    if (pg) PQfinish(pg);
    if (my) mysql_close(my);
    return NULL;
}

/* --- the snapshot set --------------------------------------------------------------- */

/* The provider commit: a read-only btrfs snapshot of the volume. */
static HRESULT commit_snapshot(void *context)
{
    struct btrfs_ioctl_vol_args_v2 args;
    int src, dst, ret;

    (void)context;
    memset(&args, 0, sizeof(args));
    if ((src = open(volume, O_RDONLY | O_DIRECTORY)) < 0) return E_FAIL;
    if ((dst = open(snap_dir, O_RDONLY | O_DIRECTORY)) < 0)
    {
        close(src);
        return E_FAIL;
    }
    args.fd = src;
    args.flags = BTRFS_SUBVOL_RDONLY;
    snprintf(args.name, sizeof(args.name), "snapshot-%d", ++snapshot_serial);
    ret = ioctl(dst, BTRFS_IOC_SNAP_CREATE_V2, &args);
    close(src);
    close(dst);
    return ret ? E_FAIL : S_OK;
}

/* One snapshot set; with select, the writer's component "main" is in it.
 * Returns the freeze window in ms, or -1. */
static double snapshot_set(const GUID *writer, bool select)
{
    struct coordinator_options opts = { NULL, 0, 0 };
    struct coordinator_backup_state state = { { 0x5e7, 0x12, 0, { 0 } }, VSS_CTX_BACKUP, VSS_BT_FULL,
                                               VSS_RTYPE_UNDEFINED, false, true, false };
    struct coordinator_snapshot_ops ops = { NULL, NULL, commit_snapshot, NULL, NULL };
    struct coordinator_stats stats;
    struct coordinator *c = NULL;
    struct bcd *bcd = NULL;
    bool found = false;
    double ms = -1;

    if (FAILED(coordinator_create(&opts, &c)) || bcd_create(&bcd)) goto done;
    state.snapshot_set_id.Data3 = (unsigned short)snapshot_serial;
    coordinator_set_backup_state(c, &state);
    coordinator_add_volume(c, volume, volume);
    bcd->select_components = 1;
    bcd->backup_type = VSS_BT_FULL;
    if (FAILED(coordinator_identify(c))) goto done;
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
    {
        const struct coordinator_writer *w = coordinator_writer(c, i);
        struct bcd_component *comp;

        if (!IsEqualGUID(&w->class_id, writer) || !w->wmd) continue;
        found = true;
        if (select && bcd_add_component(bcd, &w->instance_id, &w->class_id, VSS_CT_FILEGROUP, NULL, "main", &comp))
            goto done;
    }
    if (!found)
    {
        fprintf(stderr, "the writer is not running\n");
        goto done;
    }
    if (FAILED(coordinator_prepare_backup(c, bcd)) || FAILED(coordinator_do_snapshot_set(c, bcd, &ops)))
    {
        fprintf(stderr, "snapshot set failed\n");
        goto done;
    }
    for (unsigned int i = 0; select && i < coordinator_writer_count(c); i++)
    {
        const struct coordinator_writer *w = coordinator_writer(c, i);
        if (IsEqualGUID(&w->class_id, writer) && FAILED(w->failure)) goto done;
    }
    coordinator_get_stats(c, &stats);
    ms = stats.freeze_window_us / 1000.0;
    coordinator_backup_complete(c, bcd);
    coordinator_backup_shutdown(c);
done:
    if (bcd) bcd_release(bcd);
    if (c) coordinator_free(c);
    return ms;
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), bench_compare);
    return v[n / 2];
}

static int measure(const char *what, const GUID *writer, bool postgres, int runs, double target)
{
    double with[MAX_RUNS], without[MAX_RUNS];
    struct load l;
    long rows;
    int ret = -1;

    memset(&l, 0, sizeof(l));
    l.postgres = postgres;
    if (pthread_create(&l.thread, NULL, load_main, &l)) return -1;
    usleep(300000);   /* the load is running */
    for (int r = 0; r < runs && !l.failed; r++)
    {
        /* alternate which goes first, so neither always follows the other */
        if (r % 2) with[r] = snapshot_set(writer, true), without[r] = snapshot_set(writer, false);
        else without[r] = snapshot_set(writer, false), with[r] = snapshot_set(writer, true);
        if (with[r] < 0 || without[r] < 0) goto done;
    }
    if (l.failed) goto done;
    rows = atomic_load(&l.rows);
    printf("%s: %d runs under a load of %ld commits\n", what, runs, rows);
    bench_row(what, median(with, runs), median(without, runs), "writer not selected", target, "ms");
    ret = 0;
done:
    atomic_store(&l.stop, true);
    pthread_join(l.thread, NULL);
    return ret;
}

int main(int argc, char **argv)
{
    int runs = argc > 5 ? atoi(argv[5]) : 9;

    if (argc < 5 || runs < 1 || runs > MAX_RUNS)
    {
        fprintf(stderr, "usage: bench_service_writers VOLUME PG_SOCKET_DIR MARIADB_SOCKET SNAPDIR [runs]\n");
        return 2;
    }
    volume = argv[1];
    pg_socket_dir = argv[2];
    mariadb_socket = argv[3];
    snap_dir = argv[4];
    if (measure("PostgreSQL writer: freeze window", &pg_writer, true, runs, 30)) return 1;
    if (measure("MariaDB writer: freeze window", &my_writer, false, runs, 5)) return 1;
    return bench_failures ? 1 : 0;
}
