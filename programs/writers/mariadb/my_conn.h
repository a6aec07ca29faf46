/*
 * my_conn.h: the MariaDB client side of vss-writer-mariadb: connect over the
 * server's Unix socket (as the configured system user, for unix_socket
 * authentication) and run statements, every failure turned into a negative
 * errno that says whether trying again can help (service_writer.h has the
 * table to VSS codes) and a message in the instance.
 *
 * Not for: what the writer asks the server (mariadb_writer.c).
 */
#ifndef UMBRA_WRITERS_MY_CONN_H
#define UMBRA_WRITERS_MY_CONN_H

#include <mysql.h>
#include "../common/service_writer.h"

struct my_params
{
    const char *socket;
    const char *user;           /* NULL: the client library's default */
    const char *password;       /* NULL: none */
    const char *defaults_file;  /* an option file with a [client] group, or NULL */
    unsigned int connect_timeout;
};

/* 0 and a session, or -ECONNREFUSED (no server on the socket), -ESHUTDOWN,
 * -EUSERS (too many connections), -EACCES (refused us), -errno. */
int my_connect(struct service_instance *inst, const struct my_params *params, MYSQL **out);
void my_disconnect(MYSQL **conn);

/* A statement without a result (or whose result is dropped). */
int my_exec(struct service_instance *inst, MYSQL *conn, const char *sql);
/* A statement's result; NULL when it has none.  0 or -errno. */
int my_query(struct service_instance *inst, MYSQL *conn, const char *sql, MYSQL_RES **out);
/* The second column of the row of "SHOW ... VARIABLES" whose first is name, or "" */
void my_variable(MYSQL_RES *res, const char *name, char *buf, size_t size);

#endif
