/*
 * mariadb_writer.c: vss-writer-mariadb, the in-box writer for MariaDB (and
 * MySQL) servers (issue 12; man page docs/man/vss-writer-mariadb.8).  One
 * writer instance and one component per [server NAME] section of
 * $VSS_CONFIG_DIR/writers/mariadb.conf.
 *
 * The server keeps one held session through the backup.  With MariaDB 10.4
 * and later it walks the BACKUP STAGE locks: START and FLUSH at
 * PrepareSnapshot (flushing and closing tables takes time, so it is done
 * before the freeze window), BLOCK_DDL and BLOCK_COMMIT at Freeze, END at
 * Thaw or Abort.  Under BLOCK_COMMIT no transaction commits and no
 * non-transactional table changes, so the binary log position read then
 * (SHOW MASTER STATUS, gtid_binlog_pos) is exactly the point the snapshot's
 * InnoDB data and binary log agree on; it goes into the component's backup
 * metadata, for a restore to start a replica from.  Other servers get FLUSH
 * TABLES WITH READ LOCK at Freeze and UNLOCK TABLES at Thaw.
 *
 * InnoDB keeps flushing pages while commits are blocked, so the snapshot
 * must be a point in time (btrfs, LVM, ZFS, block image): InnoDB's crash
 * recovery then brings it to that point.  The man page says so.
 *
 * Not for: the VSS events (common/service_writer.c), client details (my_conn.c).
 */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include "my_conn.h"

enum my_method
{
    METHOD_AUTO,
    METHOD_BACKUP_STAGE,
    METHOD_FLUSH_TABLES,
};

struct my_state
{
    struct my_params params;
    char *socket, *user, *password, *defaults_file;
    char *config_datadir;
    enum my_method method;          /* configured */
    unsigned int lock_wait_timeout; /* seconds; 0: half the freeze timeout */

    /* the backup in progress */
    MYSQL *conn;
    enum my_method used;
    bool staged, locked;            /* BACKUP STAGE started; FTWRL held */
    char version[128];
    char binlog_file[256], binlog_pos[32], gtid[1024];
};

static struct my_state *state_of(struct service_instance *inst)
{
    return inst->priv;
}

static const char *const my_keys[] = { "socket", "user", "password", "defaults_file", "connect_timeout", "datadir",
                                       "method", "lock_wait_timeout", NULL };

static void my_release(struct service_instance *inst)
{
    struct my_state *st = state_of(inst);

    if (!st) return;
    my_disconnect(&st->conn);
    free(st->socket);
    free(st->user);
    free(st->password);
    free(st->defaults_file);
    free(st->config_datadir);
    free(st);
    inst->priv = NULL;
}

static int dup_opt(const char *value, char **out)
{
    *out = NULL;
    return value && !(*out = strdup(value)) ? -ENOMEM : 0;
}

static int my_configure(struct service_instance *inst, const struct conf *conf, const struct conf_section *section,
                        char *err, size_t errsize)
{
    const char *method = conf_get(section, "method"), *datadir = conf_get(section, "datadir");
    const char *socket = conf_get(section, "socket");
    struct my_state *st = calloc(1, sizeof(*st));
    int ret;

    if (!st) return -ENOMEM;
    inst->priv = st;
    if (!method || !strcmp(method, "auto")) st->method = METHOD_AUTO;
    else if (!strcmp(method, "backup-stage")) st->method = METHOD_BACKUP_STAGE;
    else if (!strcmp(method, "flush-tables")) st->method = METHOD_FLUSH_TABLES;
    else
    {
        snprintf(err, errsize, "%s: [server %s]: method is auto, backup-stage or flush-tables", conf->path,
                 section->name);
        return -EINVAL;
    }
    if ((datadir && datadir[0] != '/') || (socket && socket[0] != '/'))
    {
        snprintf(err, errsize, "%s: [server %s]: socket and datadir must be absolute paths", conf->path, section->name);
        return -EINVAL;
    }
    if ((ret = conf_get_uint(conf, section, "connect_timeout", 10, 1, 600, &st->params.connect_timeout, err, errsize))
        || (ret = conf_get_uint(conf, section, "lock_wait_timeout", 0, 0, 3600, &st->lock_wait_timeout, err, errsize)))
        return ret;
    if ((ret = dup_opt(socket ? socket : "/run/mysqld/mysqld.sock", &st->socket))
        || (ret = dup_opt(conf_get(section, "user"), &st->user))
        || (ret = dup_opt(conf_get(section, "password"), &st->password))
        || (ret = dup_opt(conf_get(section, "defaults_file"), &st->defaults_file))
        || (ret = dup_opt(datadir, &st->config_datadir)))
        return ret;
    st->params.socket = st->socket;
    st->params.user = st->user;
    st->params.password = st->password;
    st->params.defaults_file = st->defaults_file;
    return 0;
}

/* --- Identify ---------------------------------------------------------------------- */

static bool path_under(const char *path, const char *dir)
{
    size_t len = strlen(dir);

    return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

/* value (absolute, or relative to datadir as the server takes it) resolved
 * into out, without a trailing '/'; "" stays "" */
static void server_path(const char *datadir, const char *value, char *out)
{
    char joined[2 * PATH_MAX];
    size_t len;

    if (!*value)
    {
        out[0] = 0;
        return;
    }
    if (value[0] == '/') snprintf(joined, sizeof(joined), "%s", value);
    else snprintf(joined, sizeof(joined), "%s/%s", datadir, value);
    if (!realpath(joined, out))
    {
        len = strnlen(joined, PATH_MAX - 1);
        memcpy(out, joined, len);
        out[len] = 0;
    }
    len = strlen(out);
    while (len > 1 && out[len - 1] == '/') out[--len] = 0;
}

/* Files named spec in dir, when dir is not inside the data directory (whose
 * recursive include already has them). */
static int include_outside(struct service_layout *layout, const char *datadir, const char *dir, const char *spec)
{
    if (!*dir || path_under(dir, datadir)) return 0;
    return layout_include(layout, dir, spec, false);
}

/* Exclude one file by its full path. */
static int exclude_file(struct service_layout *layout, const char *path)
{
    char *copy1 = strdup(path), *copy2 = strdup(path);
    int ret = copy1 && copy2 ? layout_exclude(layout, dirname(copy1), basename(copy2), false) : -ENOMEM;

    free(copy1);
    free(copy2);
    return ret;
}

/* Whether the binary log index at index is matched by the logs' "<basename>.*". */
static bool index_beside_logs(const char *index, MYSQL_RES *res, const char *datadir)
{
    char value[PATH_MAX], base[PATH_MAX];
    size_t len;

    my_variable(res, "log_bin_basename", value, sizeof(value));
    server_path(datadir, value, base);
    len = strlen(base);
    return *base && !strncmp(index, base, len) && index[len] == '.' && !strchr(index + len, '/');
}

static int my_describe(struct service_instance *inst, struct service_layout *layout)
{
    static const char *const names[] = { "datadir", "innodb_data_home_dir", "innodb_log_group_home_dir",
                                         "innodb_undo_directory", "log_bin_basename", "log_bin_index",
                                         "aria_log_dir_path", "pid_file", "socket", "innodb_temp_data_file_path" };
    struct my_state *st = state_of(inst);
    char value[PATH_MAX], datadir[PATH_MAX], path[PATH_MAX], sql[1024];
    MYSQL_RES *res = NULL;
    MYSQL *conn = NULL;
    size_t len;
    int ret;

    if (!my_connect(inst, &st->params, &conn))
    {
        len = snprintf(sql, sizeof(sql), "SHOW GLOBAL VARIABLES WHERE Variable_name IN (");
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            len += snprintf(sql + len, sizeof(sql) - len, "%s'%s'", i ? ", " : "", names[i]);
        snprintf(sql + len, sizeof(sql) - len, ")");
        if ((ret = my_query(inst, conn, sql, &res))) goto done;
        my_variable(res, "datadir", value, sizeof(value));
    }
    else if (st->config_datadir) snprintf(value, sizeof(value), "%s", st->config_datadir);
    else return -ECONNREFUSED;     /* the message is my_connect's */

    server_path("/", value, datadir);
    if (asprintf(&layout->caption, "MariaDB server %s (%s)", inst->name, datadir) < 0)
    {
        layout->caption = NULL;
        ret = -ENOMEM;
        goto done;
    }
    if ((ret = layout_include(layout, datadir, "*", true))) goto done;
    /* temporary tables' files */
    if ((ret = layout_exclude(layout, datadir, "#sql*", true))) goto done;
    if (!res) goto done;   /* the server is down: the data directory is all we know */

    my_variable(res, "innodb_data_home_dir", value, sizeof(value));
    server_path(datadir, value, path);
    if ((ret = include_outside(layout, datadir, path, "ibdata*"))) goto done;
    my_variable(res, "innodb_log_group_home_dir", value, sizeof(value));
    server_path(datadir, value, path);
    if ((ret = include_outside(layout, datadir, path, "ib_logfile*"))) goto done;
    my_variable(res, "innodb_undo_directory", value, sizeof(value));
    server_path(datadir, value, path);
    if ((ret = include_outside(layout, datadir, path, "undo*"))) goto done;
    my_variable(res, "aria_log_dir_path", value, sizeof(value));
    server_path(datadir, value, path);
    if ((ret = include_outside(layout, datadir, path, "aria_log*"))) goto done;
    /* the binary log: its files are <basename>.000001 ... and <basename>.index */
    my_variable(res, "log_bin_basename", value, sizeof(value));
    if (*value)
    {
        char *copy = strdup(value), spec[PATH_MAX + 8];

        if (!copy)
        {
            ret = -ENOMEM;
            goto done;
        }
        snprintf(spec, sizeof(spec), "%s.*", basename(copy));
        server_path(datadir, dirname(copy), path);
        ret = include_outside(layout, datadir, path, spec);
        free(copy);
        if (ret) goto done;
    }
    /* the index, when it is kept apart from the logs */
    my_variable(res, "log_bin_index", value, sizeof(value));
    server_path(datadir, value, path);
    if (*path && !path_under(path, datadir) && !index_beside_logs(path, res, datadir))
    {
        char *copy1 = strdup(path), *copy2 = strdup(path);

        ret = copy1 && copy2 ? layout_include(layout, dirname(copy1), basename(copy2), false) : -ENOMEM;
        free(copy1);
        free(copy2);
        if (ret) goto done;
    }

    /* runtime files the server makes at start */
    my_variable(res, "pid_file", value, sizeof(value));
    server_path(datadir, value, path);
    if (*path && path_under(path, datadir) && (ret = exclude_file(layout, path))) goto done;
    my_variable(res, "socket", value, sizeof(value));
    server_path(datadir, value, path);
    if (*path && path_under(path, datadir) && (ret = exclude_file(layout, path))) goto done;
    my_variable(res, "innodb_temp_data_file_path", value, sizeof(value));
    value[strcspn(value, ":")] = 0;
    if (*value && (ret = layout_exclude(layout, datadir, value, false))) goto done;

done:
    if (res) mysql_free_result(res);
    my_disconnect(&conn);
    return ret;
}

/* --- the backup ------------------------------------------------------------------------ */

static bool has_backup_stages(MYSQL *conn)
{
    /* BACKUP STAGE came with MariaDB 10.4.1 */
    return strstr(mysql_get_server_info(conn), "MariaDB") && mysql_get_server_version(conn) >= 100401;
}

static int my_check(struct service_instance *inst)
{
    struct my_state *st = state_of(inst);
    MYSQL *conn;
    int ret;

    if ((ret = my_connect(inst, &st->params, &conn))) return ret;
    ret = my_exec(inst, conn, "SELECT 1");
    my_disconnect(&conn);
    return ret;
}

static int my_prepare(struct service_instance *inst)
{
    struct my_state *st = state_of(inst);
    unsigned int wait = st->lock_wait_timeout ? st->lock_wait_timeout : (inst->freeze_timeout + 1) / 2;
    char sql[128];
    int ret;

    my_disconnect(&st->conn);
    st->staged = st->locked = false;
    st->binlog_file[0] = st->binlog_pos[0] = st->gtid[0] = 0;
    if ((ret = my_connect(inst, &st->params, &st->conn))) return ret;
    snprintf(st->version, sizeof(st->version), "%s", mysql_get_server_info(st->conn));
    st->used = st->method;
    if (st->used == METHOD_AUTO) st->used = has_backup_stages(st->conn) ? METHOD_BACKUP_STAGE : METHOD_FLUSH_TABLES;
    /* a lock that cannot be had within the freeze window must fail, not hang */
    snprintf(sql, sizeof(sql), "SET SESSION lock_wait_timeout = %u", wait);
    if ((ret = my_exec(inst, st->conn, sql))) return ret;
    if ((ret = my_exec(inst, st->conn, "SET SESSION wait_timeout = 86400"))) return ret;
    if (st->used == METHOD_BACKUP_STAGE)
    {
        if ((ret = my_exec(inst, st->conn, "BACKUP STAGE START"))) return ret;
        st->staged = true;
        return my_exec(inst, st->conn, "BACKUP STAGE FLUSH");
    }
    /* closes what it can now, so FLUSH TABLES WITH READ LOCK at Freeze is short */
    return my_exec(inst, st->conn, "FLUSH TABLES");
}

/* Where the binary log is, now that nothing commits. */
static void read_binlog_position(struct service_instance *inst)
{
    struct my_state *st = state_of(inst);
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;

    if (!my_query(inst, st->conn, "SHOW MASTER STATUS", &res) && res && (row = mysql_fetch_row(res))
        && mysql_num_fields(res) >= 2)
    {
        snprintf(st->binlog_file, sizeof(st->binlog_file), "%s", row[0] ? row[0] : "");
        snprintf(st->binlog_pos, sizeof(st->binlog_pos), "%s", row[1] ? row[1] : "");
    }
    else if (!res) service_log(inst, "no binary log position: %s", inst->error);
    if (res) mysql_free_result(res);
    res = NULL;
    if (!my_query(inst, st->conn, "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('gtid_binlog_pos', 'gtid_executed')",
                  &res))
    {
        my_variable(res, "gtid_binlog_pos", st->gtid, sizeof(st->gtid));
        if (!st->gtid[0]) my_variable(res, "gtid_executed", st->gtid, sizeof(st->gtid));
    }
    if (res) mysql_free_result(res);
    inst->error[0] = 0;
}

static int my_freeze(struct service_instance *inst)
{
    struct my_state *st = state_of(inst);
    int ret;

    if (st->used == METHOD_BACKUP_STAGE)
    {
        if ((ret = my_exec(inst, st->conn, "BACKUP STAGE BLOCK_DDL"))
            || (ret = my_exec(inst, st->conn, "BACKUP STAGE BLOCK_COMMIT")))
            return ret;
    }
    else
    {
        if ((ret = my_exec(inst, st->conn, "FLUSH TABLES WITH READ LOCK"))) return ret;
        st->locked = true;
    }
    read_binlog_position(inst);
    return 0;
}

static int release_locks(struct service_instance *inst)
{
    struct my_state *st = state_of(inst);
    int ret = 0;

    if (st->staged) ret = my_exec(inst, st->conn, "BACKUP STAGE END");
    else if (st->locked) ret = my_exec(inst, st->conn, "UNLOCK TABLES");
    st->staged = st->locked = false;
    /* closing the session would release them as well */
    my_disconnect(&st->conn);
    return ret;
}

static int my_thaw(struct service_instance *inst)
{
    return release_locks(inst);
}

static void my_abort(struct service_instance *inst)
{
    release_locks(inst);
}

static int my_metadata(struct service_instance *inst, struct meta *meta)
{
    struct my_state *st = state_of(inst);

    meta_add(meta, "server-version", "%s", st->version);
    meta_add(meta, "method", "%s", st->used == METHOD_BACKUP_STAGE ? "backup-stage" : "flush-tables-with-read-lock");
    meta_add(meta, "binlog-file", "%s", st->binlog_file);
    meta_add(meta, "binlog-position", "%s", st->binlog_pos);
    meta_add(meta, "gtid-binlog-pos", "%s", st->gtid);
    return 0;
}

/* {088711b1-2511-4f3b-9af9-301728e3414d} */
static const struct service_class my_class =
{
    "vss-writer-mariadb", "mariadb", "server",
    { 0x088711b1, 0x2511, 0x4f3b, { 0x9a, 0xf9, 0x30, 0x17, 0x28, 0xe3, 0x41, 0x4d } },
    L"MariaDB Writer",
    VSS_ST_TRANSACTEDDB,
    VSS_APP_BACK_END,
    20,         /* s: commits wait for Thaw, like the Exchange writer's 20 s (VSS-FACTS.md §1.5) */
    VSS_RME_STOP_RESTORE_START,
    "mariadb",
    my_keys,
    my_configure,
    my_release,
    my_describe,
    my_check,
    my_prepare,
    my_freeze,
    my_thaw,
    my_abort,
    my_metadata,
};

int main(int argc, char **argv)
{
    return service_writer_main(&my_class, argc, argv);
}
