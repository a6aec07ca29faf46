/*
 * pg_conn.c: connections and queries for vss-writer-postgresql (pg_conn.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_conn.h"

#define APPLICATION_NAME "vss-writer-postgresql"

/* The connection parameters: our defaults first, so the configured
 * connection string (expanded from "dbname") overrides them. */
static void connect_params(const char *conninfo, const char *timeout, const char **keys, const char **values)
{
    keys[0] = "application_name"; values[0] = APPLICATION_NAME;
    keys[1] = "connect_timeout"; values[1] = timeout;
    keys[2] = "dbname"; values[2] = conninfo && *conninfo ? conninfo : "dbname=postgres";
    keys[3] = NULL; values[3] = NULL;
}

/* The server's notices (pg_backup_stop's about archiving) go to the writer's log. */
static void log_notice(void *arg, const char *message)
{
    service_log(arg, "server: %.*s", (int)strcspn(message, "\n"), message);
}

int pg_connect(struct service_instance *inst, const char *conninfo, unsigned int timeout_s, PGconn **out)
{
    const char *keys[4], *values[4];
    char timeout[16];
    PGconn *conn;
    int ret;

    *out = NULL;
    snprintf(timeout, sizeof(timeout), "%u", timeout_s);
    connect_params(conninfo, timeout, keys, values);
    if ((ret = run_as_enter(&inst->run_as)))
    {
        service_error(inst, "cannot take the identity of os_user: %s", strerror(-ret));
        return ret;
    }
    conn = PQconnectdbParams(keys, values, 1);
    run_as_leave(&inst->run_as);
    if (!conn)
    {
        service_error(inst, "out of memory");
        return -ENOMEM;
    }
    if (PQstatus(conn) == CONNECTION_OK)
    {
        PQsetNoticeProcessor(conn, log_notice, inst);
        *out = conn;
        return 0;
    }
    service_error(inst, "%s", PQerrorMessage(conn));
    PQfinish(conn);
    /* why it failed, as far as the server tells anyone who knocks */
    switch (PQpingParams(keys, values, 1))
    {
    case PQPING_NO_RESPONSE: return -ECONNREFUSED;
    case PQPING_REJECT: return -EAGAIN;
    case PQPING_NO_ATTEMPT: return -EINVAL;
    default: return -EACCES;
    }
}

/* SQLSTATE classes and codes (PostgreSQL's errcodes) as errno values. */
static int sqlstate_errno(PGconn *conn, const char *state)
{
    if (PQstatus(conn) != CONNECTION_OK) return -ECONNRESET;
    if (!state) return -EIO;
    if (!strncmp(state, "08", 2)) return -ECONNRESET;                      /* connection exception */
    if (!strcmp(state, "57P01") || !strcmp(state, "57P02")) return -ESHUTDOWN;  /* admin or crash shutdown */
    if (!strcmp(state, "57P03")) return -EAGAIN;                           /* cannot connect now */
    if (!strcmp(state, "57014")) return -ETIMEDOUT;                        /* query canceled: our timeout */
    if (!strcmp(state, "53100")) return -ENOSPC;                           /* disk full */
    if (!strncmp(state, "53", 2)) return -ENOMEM;                          /* insufficient resources */
    if (!strcmp(state, "42501") || !strncmp(state, "28", 2)) return -EACCES;    /* privileges */
    if (!strcmp(state, "55000")) return -ENOTSUP;                          /* e.g. wal_level = minimal */
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")) return -EBUSY;
    return -EIO;
}

int pg_query(struct service_instance *inst, PGconn *conn, const char *sql, int nparams, const char *const *params,
             PGresult **out)
{
    PGresult *res;
    ExecStatusType status;
    int ret;

    if (out) *out = NULL;
    if (!conn)
    {
        service_error(inst, "not connected");
        return -ECONNRESET;
    }
    res = nparams ? PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0) : PQexec(conn, sql);
    status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    {
        if (out) *out = res;
        else PQclear(res);
        return 0;
    }
    ret = sqlstate_errno(conn, res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
    service_error(inst, "%s: %s", sql, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    PQclear(res);
    return ret;
}

int pg_query_value(struct service_instance *inst, PGconn *conn, const char *sql, char *buf, size_t size)
{
    PGresult *res;
    int ret;

    if ((ret = pg_query(inst, conn, sql, 0, NULL, &res))) return ret;
    if (PQntuples(res) < 1 || PQnfields(res) < 1)
    {
        service_error(inst, "%s: no result", sql);
        PQclear(res);
        return -ENODATA;
    }
    snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}
