/*
 * pg_conn.h: the libpq side of vss-writer-postgresql: connect (as the
 * configured system user, for peer authentication) and run queries, with
 * every failure turned into a negative errno that says whether trying again
 * can help (service_writer.h has the table to VSS codes) and a message in
 * the instance.
 *
 * Not for: what the writer asks the server (pg_writer.c).
 */
#ifndef UMBRA_WRITERS_PG_CONN_H
#define UMBRA_WRITERS_PG_CONN_H

#include <libpq-fe.h>
#include "../common/service_writer.h"

/* 0 and a connection, or -ECONNREFUSED (no server answers), -EAGAIN (it
 * answers but takes no connections: starting, shutting down, recovering),
 * -EACCES (it refused us: authentication, unknown role or database), -EINVAL
 * (the connection string is wrong). */
int pg_connect(struct service_instance *inst, const char *conninfo, unsigned int timeout_s, PGconn **out);

/* Run sql with text parameters; 0 and *out (may be NULL to discard), or -errno. */
int pg_query(struct service_instance *inst, PGconn *conn, const char *sql, int nparams, const char *const *params,
             PGresult **out);

/* The first column of the first row into buf; -ENODATA without a row. */
int pg_query_value(struct service_instance *inst, PGconn *conn, const char *sql, char *buf, size_t size);

#endif
