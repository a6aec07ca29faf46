/*
 * pg_writer.c: vss-writer-postgresql, the in-box writer for PostgreSQL
 * clusters (issue 12; man page docs/man/vss-writer-postgresql.8).  One writer
 * instance and one component per [cluster NAME] section of
 * $VSS_CONFIG_DIR/writers/postgresql.conf.
 *
 * A snapshot of a running cluster becomes a base backup: PrepareSnapshot
 * starts a non-exclusive backup (pg_backup_start, with an immediate
 * checkpoint) in a session this writer holds until Thaw, and Thaw stops it
 * (pg_backup_stop) in the same session: a non-exclusive backup belongs to its
 * session, so the stop succeeding proves the backup covered the whole
 * window.  PostSnapshot waits, outside the window every writer of the set is
 * frozen in, until the WAL archive holds the segment the backup ended in
 * (pg_backup_stop's own wait polls once a second), and stores the backup
 * label and tablespace map, with the LSNs of each step, in the component's
 * backup metadata.
 * A restore puts the snapshot's files back, writes backup_label and
 * tablespace_map from the metadata and recovers from the WAL archive to the
 * end of the backup, whatever provider took the snapshot (the directory
 * provider copies files one after the other, which is what a base backup
 * allows).  Freeze and Thaw stop nothing: the cluster keeps committing.
 *
 * Identify describes the data directory, the WAL directory and the
 * tablespaces as the component's file group, without what pg_basebackup
 * leaves out (postmaster.pid, temporary files, the contents of the runtime
 * directories).  When the server is down, the last description (or the
 * configured data_directory) stands, so the component still shows and a
 * backup that selects it fails with VSS_E_WRITERERROR_RETRYABLE.
 *
 * Not for: the VSS events (common/service_writer.c), libpq details (pg_conn.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "pg_conn.h"

#define PREPARE_TIMEOUT "45s"       /* pg_backup_start's checkpoint, inside the requester's 60 s per event */

struct pg_state
{
    char *conninfo;
    char *config_data_dir;          /* data_directory from the configuration, or NULL */
    unsigned int connect_timeout;   /* seconds */
    bool wait_for_archive;
    unsigned int archive_timeout;   /* seconds pg_backup_stop may wait for the archiver */

    /* the backup in progress, on the session this writer holds */
    PGconn *conn;
    int version;                    /* server_version_num */
    bool backup_running;
    char backend_pid[16];
    char freeze_lsn[32], thaw_lsn[32], stop_lsn[32];
    char data_dir[PATH_MAX];
    bool in_recovery;               /* a standby */
    bool archiving;                 /* archive_mode is not off */
    bool archived;                  /* the archiver has the backup's last segment */
    char *label, *map;
};

static struct pg_state *state_of(struct service_instance *inst)
{
    return inst->priv;
}

static const char *const pg_keys[] = { "conninfo", "data_directory", "connect_timeout", "wait_for_archive",
                                       "archive_timeout", NULL };

static void clear_backup(struct pg_state *st)
{
    free(st->label);
    free(st->map);
    st->label = st->map = NULL;
    st->backup_running = false;
    st->backend_pid[0] = st->freeze_lsn[0] = st->thaw_lsn[0] = st->stop_lsn[0] = 0;
}

static void disconnect(struct pg_state *st)
{
    if (st->conn) PQfinish(st->conn);
    st->conn = NULL;
}

static void pg_release(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);

    if (!st) return;
    disconnect(st);
    clear_backup(st);
    free(st->conninfo);
    free(st->config_data_dir);
    free(st);
    inst->priv = NULL;
}

static int pg_configure(struct service_instance *inst, const struct conf *conf, const struct conf_section *section,
                        char *err, size_t errsize)
{
    const char *conninfo = conf_get(section, "conninfo"), *data_dir = conf_get(section, "data_directory");
    struct pg_state *st = calloc(1, sizeof(*st));
    int ret;

    if (!st) return -ENOMEM;
    inst->priv = st;
    if (data_dir && data_dir[0] != '/')
    {
        snprintf(err, errsize, "%s: [cluster %s]: data_directory must be an absolute path", conf->path, section->name);
        return -EINVAL;
    }
    if ((ret = conf_get_uint(conf, section, "connect_timeout", 10, 1, 600, &st->connect_timeout, err, errsize))
        || (ret = conf_get_bool(conf, section, "wait_for_archive", true, &st->wait_for_archive, err, errsize))
        || (ret = conf_get_uint(conf, section, "archive_timeout", 30, 1, 3600, &st->archive_timeout, err, errsize)))
        return ret;
    if (!(st->conninfo = strdup(conninfo ? conninfo : "dbname=postgres"))
        || (data_dir && !(st->config_data_dir = strdup(data_dir))))
        return -ENOMEM;
    return 0;
}

/* --- Identify ---------------------------------------------------------------------- */

static bool path_under(const char *path, const char *dir)
{
    size_t len = strlen(dir);

    return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

/* A directory with its symbolic links resolved (pg_wal and tablespaces often
 * are links); the path itself when it cannot be resolved. */
static void resolve(const char *path, char *out)
{
    size_t len;

    if (realpath(path, out)) return;
    len = strnlen(path, PATH_MAX - 1);
    memcpy(out, path, len);
    out[len] = 0;
}

/* The tablespaces, from the server when connected, else from pg_tblspc. */
static int add_tablespaces(struct service_instance *inst, PGconn *conn, const char *data_dir,
                           struct service_layout *layout)
{
    char path[2 * PATH_MAX], target[PATH_MAX];
    int ret = 0;

    if (conn)
    {
        PGresult *res;

        if ((ret = pg_query(inst, conn, "SELECT pg_tablespace_location(oid) FROM pg_tablespace "
                                        "WHERE pg_tablespace_location(oid) <> ''", 0, NULL, &res)))
            return ret;
        for (int i = 0; i < PQntuples(res) && !ret; i++)
        {
            resolve(PQgetvalue(res, i, 0), target);
            if (!path_under(target, data_dir)) ret = layout_include(layout, target, "*", true);
            if (!ret) ret = layout_exclude(layout, target, "pgsql_tmp*", true);
        }
        PQclear(res);
        return ret;
    }
    else
    {
        struct dirent *entry;
        DIR *dir;

        snprintf(path, sizeof(path), "%s/pg_tblspc", data_dir);
        if (!(dir = opendir(path))) return errno == ENOENT ? 0 : -errno;
        while (!ret && (entry = readdir(dir)))
        {
            if (entry->d_name[0] == '.') continue;
            snprintf(path, sizeof(path), "%s/pg_tblspc/%s", data_dir, entry->d_name);
            resolve(path, target);
            if (!path_under(target, data_dir)) ret = layout_include(layout, target, "*", true);
            if (!ret) ret = layout_exclude(layout, target, "pgsql_tmp*", true);
        }
        closedir(dir);
    }
    return ret;
}

static int pg_describe(struct service_instance *inst, struct service_layout *layout)
{
    /* what pg_basebackup leaves out of a base backup: runtime state the server rebuilds */
    static const char *const runtime_dirs[] = { "pg_dynshmem", "pg_notify", "pg_replslot", "pg_serial",
                                                "pg_snapshots", "pg_stat_tmp", "pg_subtrans" };
    struct pg_state *st = state_of(inst);
    char data_dir[PATH_MAX] = "", wal[PATH_MAX], path[2 * PATH_MAX];
    PGconn *conn = NULL;
    int ret;

    if (!pg_connect(inst, st->conninfo, st->connect_timeout, &conn))
    {
        if ((ret = pg_query_value(inst, conn, "SHOW data_directory", data_dir, sizeof(data_dir))))
        {
            PQfinish(conn);
            return ret;
        }
        if (st->config_data_dir && strcmp(st->config_data_dir, data_dir))
            service_log(inst, "the server's data directory is %s, not %s as configured", data_dir,
                        st->config_data_dir);
    }
    else if (st->config_data_dir) snprintf(data_dir, sizeof(data_dir), "%s", st->config_data_dir);
    else return -ECONNREFUSED;   /* the message is pg_connect's */

    resolve(data_dir, wal);
    memcpy(data_dir, wal, sizeof(data_dir));
    if (asprintf(&layout->caption, "PostgreSQL cluster %s (%s)", inst->name, data_dir) < 0)
    {
        layout->caption = NULL;
        ret = -ENOMEM;
        goto done;
    }
    if ((ret = layout_include(layout, data_dir, "*", true))) goto done;
    /* pg_wal (pg_xlog before PostgreSQL 10) may live elsewhere */
    snprintf(path, sizeof(path), "%s/pg_wal", data_dir);
    if (access(path, F_OK)) snprintf(path, sizeof(path), "%s/pg_xlog", data_dir);
    resolve(path, wal);
    if (!path_under(wal, data_dir) && (ret = layout_include(layout, wal, "*", true))) goto done;
    if ((ret = add_tablespaces(inst, conn, data_dir, layout))) goto done;

    if ((ret = layout_exclude(layout, data_dir, "postmaster.pid", false))
        || (ret = layout_exclude(layout, data_dir, "postmaster.opts", false))
        || (ret = layout_exclude(layout, data_dir, "pgsql_tmp*", true))
        || (ret = layout_exclude(layout, data_dir, "pg_internal.init", true))
        || (ret = layout_exclude(layout, wal, "xlogtemp.*", false))
        || (ret = layout_exclude(layout, wal, "*.partial", false)))
        goto done;
    snprintf(path, sizeof(path), "%s/archive_status", wal);
    if ((ret = layout_exclude(layout, path, "*", false))) goto done;
    for (size_t i = 0; i < sizeof(runtime_dirs) / sizeof(runtime_dirs[0]) && !ret; i++)
    {
        snprintf(path, sizeof(path), "%s/%s", data_dir, runtime_dirs[i]);
        ret = layout_exclude(layout, path, "*", true);
    }

done:
    if (conn) PQfinish(conn);
    return ret;
}

/* --- the backup ---------------------------------------------------------------------- */

/* What the server must have for a non-exclusive backup. */
static int check_server(struct service_instance *inst, PGconn *conn, int *version)
{
    char value[64];
    int ret;

    *version = PQserverVersion(conn);
    if (*version < 100000)
    {
        service_error(inst, "PostgreSQL %d.%d is too old: non-exclusive backups need 10 or later", *version / 10000,
                      *version / 100 % 100);
        return -ENOTSUP;
    }
    if ((ret = pg_query_value(inst, conn, "SHOW wal_level", value, sizeof(value)))) return ret;
    if (!strcmp(value, "minimal"))
    {
        service_error(inst, "wal_level is minimal: online backups need replica or logical");
        return -ENOTSUP;
    }
    if ((ret = pg_query_value(inst, conn, *version >= 150000
                                          ? "SELECT has_function_privilege('pg_backup_start(text, boolean)', 'EXECUTE')"
                                          : "SELECT has_function_privilege('pg_start_backup(text, boolean, boolean)', "
                                            "'EXECUTE')", value, sizeof(value))))
        return ret;
    if (strcmp(value, "t"))
    {
        service_error(inst, "the role %s may not start backups (it needs to be a superuser or be granted EXECUTE "
                      "on %s)", PQuser(conn), *version >= 150000 ? "pg_backup_start and pg_backup_stop"
                                                                  : "pg_start_backup and pg_stop_backup");
        return -EACCES;
    }
    return 0;
}

static int pg_check(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);
    PGconn *conn;
    int ret, version;

    if ((ret = pg_connect(inst, st->conninfo, st->connect_timeout, &conn))) return ret;
    ret = check_server(inst, conn, &version);
    PQfinish(conn);
    return ret;
}

static const char *current_lsn_sql =
    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";

static int pg_prepare(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);
    char label[128], value[8];
    const char *params[1] = { label };
    int ret;

    clear_backup(st);
    disconnect(st);
    if ((ret = pg_connect(inst, st->conninfo, st->connect_timeout, &st->conn))) return ret;
    if ((ret = check_server(inst, st->conn, &st->version))) return ret;
    /* this session must live until Thaw, however long the requester takes */
    if ((ret = pg_query(inst, st->conn, "SET idle_in_transaction_session_timeout = 0", 0, NULL, NULL))
        || (st->version >= 140000 && (ret = pg_query(inst, st->conn, "SET idle_session_timeout = 0", 0, NULL, NULL)))
        || (ret = pg_query(inst, st->conn, "SET statement_timeout = '" PREPARE_TIMEOUT "'", 0, NULL, NULL))
        || (ret = pg_query_value(inst, st->conn, "SHOW data_directory", st->data_dir, sizeof(st->data_dir)))
        || (ret = pg_query_value(inst, st->conn, "SELECT pg_backend_pid()", st->backend_pid,
                                 sizeof(st->backend_pid)))
        || (ret = pg_query_value(inst, st->conn, "SELECT pg_is_in_recovery()", value, sizeof(value))))
        return ret;
    st->in_recovery = !strcmp(value, "t");
    service_backup_label(inst, label, sizeof(label));
    /* fast: an immediate checkpoint, so the redo point is now and not at the next scheduled one */
    ret = pg_query(inst, st->conn, st->version >= 150000 ? "SELECT pg_backup_start($1, fast => true)"
                                                          : "SELECT pg_start_backup($1, true, false)", 1, params, NULL);
    if (ret) return ret;
    st->backup_running = true;
    if ((ret = pg_query(inst, st->conn, "SET statement_timeout = 0", 0, NULL, NULL))) return ret;
    service_log(inst, "backup \"%s\" started (session %s)", label, st->backend_pid);
    return 0;
}

static int pg_freeze(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);

    /* nothing to stop: the backup is running; note where WAL is, and that the session lives */
    return pg_query_value(inst, st->conn, current_lsn_sql, st->freeze_lsn, sizeof(st->freeze_lsn));
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static int pg_thaw(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);
    char archive_mode[32] = "";
    PGresult *res;
    int ret;

    if ((ret = pg_query_value(inst, st->conn, current_lsn_sql, st->thaw_lsn, sizeof(st->thaw_lsn)))
        || (ret = pg_query_value(inst, st->conn, "SHOW archive_mode", archive_mode, sizeof(archive_mode))))
        return ret;
    st->archiving = strcmp(archive_mode, "off") != 0;
    /* the backup ends now; waiting for the archiver (a second or more: the
     * server checks once a second) is left to PostSnapshot, outside the
     * window in which every writer of the set is frozen */
    ret = pg_query(inst, st->conn, st->version >= 150000
                                   ? "SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => false)"
                                   : "SELECT lsn, labelfile, spcmapfile FROM pg_stop_backup(false, false)",
                   0, NULL, &res);
    if (ret) return ret;
    st->backup_running = false;
    if (PQntuples(res) != 1 || PQnfields(res) != 3)
    {
        PQclear(res);
        service_error(inst, "pg_backup_stop returned no backup label");
        return -EIO;
    }
    snprintf(st->stop_lsn, sizeof(st->stop_lsn), "%s", PQgetvalue(res, 0, 0));
    st->label = dup_or_empty(PQgetvalue(res, 0, 1));
    st->map = dup_or_empty(PQgetisnull(res, 0, 2) ? NULL : PQgetvalue(res, 0, 2));
    PQclear(res);
    if (!st->label || !st->map) return -ENOMEM;
    service_log(inst, "backup stopped at %s", st->stop_lsn);
    return 0;
}

/* Until the archiver has the WAL segment the backup ended in (pg_backup_stop's
 * wait_for_archive, polled more often).  0, or -ETIMEDOUT after archive_timeout. */
static int await_archiver(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);
    const char *params[1] = { st->stop_lsn };
    char failed[64] = "";
    int ret;

    /* The segment holding the byte before the stop point, as pg_backup_stop
     * names it (PostgreSQL 14 has pg_lsn arithmetic; before, the stop point
     * itself, which a WAL switch leaves inside that segment).  Segment names
     * of one timeline sort in order; history and .backup files are not
     * segments and do not count. */
    const char *sql = st->version >= 140000
        ? "SELECT coalesce(left(last_archived_wal, 24) ~ '^[0-9A-F]{24}$' "
          "AND left(last_archived_wal, 24) >= pg_walfile_name($1::pg_lsn - 1), false), "
          "coalesce(last_failed_wal, '') FROM pg_stat_archiver"
        : "SELECT coalesce(left(last_archived_wal, 24) ~ '^[0-9A-F]{24}$' "
          "AND left(last_archived_wal, 24) >= pg_walfile_name($1::pg_lsn), false), "
          "coalesce(last_failed_wal, '') FROM pg_stat_archiver";

    for (unsigned int waited = 0;; waited += 50)
    {
        PGresult *res;
        bool done;

        if ((ret = pg_query(inst, st->conn, sql, 1, params, &res))) return ret;
        done = !strcmp(PQgetvalue(res, 0, 0), "t");
        snprintf(failed, sizeof(failed), "%s", PQgetvalue(res, 0, 1));
        PQclear(res);
        if (done) return 0;
        if (waited >= st->archive_timeout * 1000) break;
        usleep(50000);
    }
    service_error(inst, "the WAL of the backup was not archived within %u s (archive_timeout)%s%s",
                  st->archive_timeout, failed[0] ? "; the archiver last failed on " : "", failed);
    return -ETIMEDOUT;
}

static void pg_abort(struct service_instance *inst)
{
    struct pg_state *st = state_of(inst);

    /* the session ending would end the backup too; saying so is tidier */
    if (st->conn && st->backup_running && PQstatus(st->conn) == CONNECTION_OK)
        PQclear(PQexec(st->conn, st->version >= 150000 ? "SELECT pg_backup_stop(false)"
                                                        : "SELECT pg_stop_backup(false, false)"));
    disconnect(st);
    clear_backup(st);
}

static int pg_metadata(struct service_instance *inst, struct meta *meta)
{
    struct pg_state *st = state_of(inst);
    int ret;
    const char *p = st->label ? strstr(st->label, "START WAL LOCATION: ") : NULL;
    int len = 0;

    /* the label says where the backup began: "START WAL LOCATION: 0/2000028 (file ...)" */
    if (p)
    {
        p += strlen("START WAL LOCATION: ");
        len = (int)strcspn(p, " \n");
    }
    /* a base backup needs its WAL: on a standby the primary archives it */
    st->archived = false;
    if (st->wait_for_archive && st->archiving && !st->in_recovery)
    {
        if ((ret = await_archiver(inst))) goto done;
        st->archived = true;
    }
    meta_add(meta, "server-version", "%d", st->version);
    meta_add(meta, "data-directory", "%s", st->data_dir);
    meta_add(meta, "backend-pid", "%s", st->backend_pid);
    meta_add(meta, "start-lsn", "%.*s", len, p ? p : "");
    meta_add(meta, "freeze-lsn", "%s", st->freeze_lsn);
    meta_add(meta, "thaw-lsn", "%s", st->thaw_lsn);
    meta_add(meta, "stop-lsn", "%s", st->stop_lsn);
    meta_add(meta, "wal-archived", "%s", st->archived ? "yes" : "no");
    meta_add_block(meta, "backup_label", st->label);
    meta_add_block(meta, "tablespace_map", st->map);
    ret = 0;
done:
    disconnect(st);
    clear_backup(st);
    return ret;
}

/* {5f1a7421-e1fe-4fe9-b423-ba748698ac04} */
static const struct service_class pg_class =
{
    "vss-writer-postgresql", "postgresql", "cluster",
    { 0x5f1a7421, 0xe1fe, 0x4fe9, { 0xb4, 0x23, 0xba, 0x74, 0x86, 0x98, 0xac, 0x04 } },
    L"PostgreSQL Writer",
    VSS_ST_TRANSACTEDDB,
    VSS_APP_BACK_END,
    60,         /* s: a running backup blocks nothing, so the default Windows window */
    VSS_RME_STOP_RESTORE_START,
    "postgresql",
    pg_keys,
    pg_configure,
    pg_release,
    pg_describe,
    pg_check,
    pg_prepare,
    pg_freeze,
    pg_thaw,
    pg_abort,
    pg_metadata,
};

int main(int argc, char **argv)
{
    return service_writer_main(&pg_class, argc, argv);
}
