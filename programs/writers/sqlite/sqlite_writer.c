/*
 * sqlite_writer.c: vss-writer-sqlite, the in-box writer for SQLite database
 * files (issue 12; man page docs/man/vss-writer-sqlite.8).  One writer
 * instance and one component per [database NAME] section of
 * $VSS_CONFIG_DIR/writers/sqlite.conf.
 *
 * SQLite has no server: the database is a file that applications open
 * themselves.  At Freeze the writer checkpoints the write-ahead log into the
 * database file (TRUNCATE, so the log is empty when it can be) and then holds
 * a read transaction until Thaw.  A reader that began on a fully checkpointed
 * log reads the database file alone, and no checkpoint may copy log frames
 * into the file while it does (a checkpoint needs that reader's lock), so the
 * file stays exactly as it was while the snapshot is taken; the writes that
 * go on land in the -wal file and are a clean, later prefix of the history
 * there.  In rollback-journal mode the same read transaction's SHARED lock
 * keeps every writer from committing.  With "lock = exclusive" the writer
 * holds an exclusive transaction instead: no other connection writes at all
 * (and in rollback-journal mode none reads) until Thaw.
 *
 * Not for: the VSS events themselves (common/service_writer.c).
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "../common/service_writer.h"

#define CHECKPOINT_WAIT_MS 100     /* how long Freeze's checkpoint waits for writers to pause */

struct sqlite_state
{
    char *path;                 /* the database file */
    char *dir, *base;           /* its directory and name, for the file group */
    bool exclusive;             /* lock = exclusive */
    unsigned int busy_ms;       /* how long to wait for another connection's lock */

    /* the backup in progress */
    sqlite3 *db;
    char journal_mode[16];
    bool in_transaction;
    int checkpoint_rc;          /* SQLITE_OK: the log was emptied; SQLITE_BUSY: readers kept some of it */
    int wal_frames, checkpointed;
    long long page_count;
};

static struct sqlite_state *state_of(struct service_instance *inst)
{
    return inst->priv;
}

/* SQLite result codes as errno values (service_writer.h picks the VSS code). */
static int sqlite_errno(sqlite3 *db, int rc)
{
    int sys = db ? sqlite3_system_errno(db) : 0;

    switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return -EBUSY;
    case SQLITE_NOMEM: return -ENOMEM;
    case SQLITE_FULL: return -ENOSPC;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH: return -EACCES;
    case SQLITE_CANTOPEN: return sys ? -sys : -ENOENT;
    case SQLITE_NOTADB: return -EINVAL;
    default: return -EIO;
    }
}

static int sqlite_fail(struct service_instance *inst, sqlite3 *db, int rc, const char *what)
{
    service_error(inst, "%s: %s: %s", state_of(inst)->path, what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    return sqlite_errno(db, rc);
}

static const char *const sqlite_keys[] = { "path", "lock", "busy_timeout", NULL };

static void sqlite_release(struct service_instance *inst)
{
    struct sqlite_state *st = state_of(inst);

    if (!st) return;
    if (st->db) sqlite3_close(st->db);
    free(st->path);
    free(st->dir);
    free(st->base);
    free(st);
    inst->priv = NULL;
}

static int sqlite_configure(struct service_instance *inst, const struct conf *conf, const struct conf_section *section,
                            char *err, size_t errsize)
{
    const char *path = conf_get(section, "path"), *lock = conf_get(section, "lock");
    struct sqlite_state *st = calloc(1, sizeof(*st));
    char *copy1 = NULL, *copy2 = NULL;
    int ret = 0;

    if (!st) return -ENOMEM;
    inst->priv = st;
    if (!path || path[0] != '/')
    {
        snprintf(err, errsize, "%s:%u: [database %s] needs path = the database file's absolute path", conf->path,
                 section->line, section->name);
        return -EINVAL;
    }
    if (lock && strcmp(lock, "read") && strcmp(lock, "exclusive"))
    {
        snprintf(err, errsize, "%s: [database %s]: lock is read or exclusive", conf->path, section->name);
        return -EINVAL;
    }
    st->exclusive = lock && !strcmp(lock, "exclusive");
    if ((ret = conf_get_uint(conf, section, "busy_timeout", 5000, 0, 600000, &st->busy_ms, err, errsize))) return ret;
    if (!(st->path = strdup(path)) || !(copy1 = strdup(path)) || !(copy2 = strdup(path))
        || !(st->dir = strdup(dirname(copy1))) || !(st->base = strdup(basename(copy2))))
        ret = -ENOMEM;
    free(copy1);
    free(copy2);
    return ret;
}

/* The database file, its log and its rollback journal; the shared-memory
 * index is rebuilt from the log and means nothing in a copy. */
static int sqlite_describe(struct service_instance *inst, struct service_layout *layout)
{
    struct sqlite_state *st = state_of(inst);
    char name[4096];
    int ret = 0;

    if (asprintf(&layout->caption, "SQLite database %s", st->path) < 0)
    {
        layout->caption = NULL;
        return -ENOMEM;
    }
    ret = layout_include(layout, st->dir, st->base, false);
    snprintf(name, sizeof(name), "%s-wal", st->base);
    if (!ret) ret = layout_include(layout, st->dir, name, false);
    snprintf(name, sizeof(name), "%s-journal", st->base);
    if (!ret) ret = layout_include(layout, st->dir, name, false);
    snprintf(name, sizeof(name), "%s-shm", st->base);
    if (!ret) ret = layout_exclude(layout, st->dir, name, false);
    return ret;
}

/* Run sql that returns at most one row; the first column of it into text. */
static int exec_one(struct service_instance *inst, sqlite3 *db, const char *sql, char *text, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    if (text && size) text[0] = 0;
    if ((rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK) return sqlite_fail(inst, db, rc, sql);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
    {
        const unsigned char *value = sqlite3_column_text(stmt, 0);
        if (text && size) snprintf(text, size, "%s", value ? (const char *)value : "");
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
    {
        rc = sqlite_fail(inst, db, rc, sql);
        sqlite3_finalize(stmt);
        return rc;
    }
    sqlite3_finalize(stmt);
    return 0;
}

/* Open the existing database for reading and writing (a checkpoint writes). */
static int open_database(struct service_instance *inst, sqlite3 **out)
{
    struct sqlite_state *st = state_of(inst);
    struct stat sb;
    sqlite3 *db = NULL;
    int rc;

    *out = NULL;
    /* SQLite would create a missing file; a missing database is a configuration error */
    if (stat(st->path, &sb))
    {
        int err = -errno;
        service_error(inst, "%s: %s", st->path, strerror(errno));
        return err;
    }
    if (!S_ISREG(sb.st_mode))
    {
        service_error(inst, "%s: not a regular file", st->path);
        return -EINVAL;
    }
    rc = sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK)
    {
        rc = sqlite_fail(inst, db, rc, "open");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, (int)st->busy_ms);
    *out = db;
    return 0;
}

/* PrepareBackup: the file is there, is a database, and is not locked past the busy timeout. */
static int sqlite_check(struct service_instance *inst)
{
    sqlite3 *db;
    int ret;

    if ((ret = open_database(inst, &db))) return ret;
    ret = exec_one(inst, db, "PRAGMA schema_version", NULL, 0);
    sqlite3_close(db);
    return ret;
}

static int sqlite_prepare(struct service_instance *inst)
{
    struct sqlite_state *st = state_of(inst);
    int ret;

    st->in_transaction = false;
    st->checkpoint_rc = SQLITE_OK;
    st->wal_frames = st->checkpointed = -1;
    st->page_count = -1;
    if ((ret = open_database(inst, &st->db))) return ret;
    if ((ret = exec_one(inst, st->db, "PRAGMA journal_mode", st->journal_mode, sizeof(st->journal_mode)))) return ret;
    /* most of the log goes now, so the checkpoint at Freeze is short */
    if (!strcmp(st->journal_mode, "wal")) sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return 0;
}

static int sqlite_freeze(struct service_instance *inst)
{
    struct sqlite_state *st = state_of(inst);
    char count[32];
    int ret, rc;

    if (!strcmp(st->journal_mode, "wal"))
    {
        /* A TRUNCATE checkpoint waits for a moment without writers; a busy
         * application may not give one for seconds, so it gets a short wait
         * and then copies what it can.  BUSY: part of the log stays; the
         * snapshot then holds the database with that part of the log beside
         * it, which is just as consistent. */
        sqlite3_busy_timeout(st->db, (int)(st->busy_ms < CHECKPOINT_WAIT_MS ? st->busy_ms : CHECKPOINT_WAIT_MS));
        rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &st->wal_frames, &st->checkpointed);
        sqlite3_busy_timeout(st->db, (int)st->busy_ms);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) return sqlite_fail(inst, st->db, rc, "checkpoint");
        st->checkpoint_rc = rc;
    }
    if ((ret = exec_one(inst, st->db, st->exclusive ? "BEGIN EXCLUSIVE" : "BEGIN", NULL, 0))) return ret;
    st->in_transaction = true;
    /* a deferred transaction takes its read lock at the first read */
    if ((ret = exec_one(inst, st->db, "SELECT count(*) FROM sqlite_master", NULL, 0))) return ret;
    if ((ret = exec_one(inst, st->db, "PRAGMA page_count", count, sizeof(count)))) return ret;
    st->page_count = atoll(count);
    return 0;
}

static void close_database(struct sqlite_state *st)
{
    if (st->in_transaction) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_transaction = false;
    if (st->db) sqlite3_close(st->db);
    st->db = NULL;
}

static int sqlite_thaw(struct service_instance *inst)
{
    struct sqlite_state *st = state_of(inst);
    int rc = SQLITE_OK;

    /* nothing was written: ending the transaction either way releases the lock */
    if (st->in_transaction) rc = sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_transaction = false;
    if (rc != SQLITE_OK) rc = sqlite_fail(inst, st->db, rc, "ROLLBACK");
    close_database(st);
    return rc;
}

static void sqlite_abort(struct service_instance *inst)
{
    close_database(state_of(inst));
}

static int sqlite_metadata(struct service_instance *inst, struct meta *meta)
{
    struct sqlite_state *st = state_of(inst);

    meta_add(meta, "database", "%s", st->path);
    meta_add(meta, "sqlite-version", "%s", sqlite3_libversion());
    meta_add(meta, "journal-mode", "%s", st->journal_mode);
    meta_add(meta, "lock", "%s", st->exclusive ? "exclusive" : "read");
    if (!strcmp(st->journal_mode, "wal"))
        meta_add(meta, "checkpoint", "%s (%d log frames, %d checkpointed)",
                 st->checkpoint_rc == SQLITE_OK ? "complete" : "partial", st->wal_frames, st->checkpointed);
    meta_add(meta, "page-count", "%lld", st->page_count);
    return 0;
}

/* {22844a38-6a3f-4c97-be14-b38102a32876} */
static const struct service_class sqlite_class =
{
    "vss-writer-sqlite", "sqlite", "database",
    { 0x22844a38, 0x6a3f, 0x4c97, { 0xbe, 0x14, 0xb3, 0x81, 0x02, 0xa3, 0x28, 0x76 } },
    L"SQLite Writer",
    VSS_ST_TRANSACTEDDB,
    VSS_APP_BACK_END,
    20,         /* s: "lock = exclusive" stops the application's writes for as long */
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    NULL,
    sqlite_keys,
    sqlite_configure,
    sqlite_release,
    sqlite_describe,
    sqlite_check,
    sqlite_prepare,
    sqlite_freeze,
    sqlite_thaw,
    sqlite_abort,
    sqlite_metadata,
};

int main(int argc, char **argv)
{
    return service_writer_main(&sqlite_class, argc, argv);
}
