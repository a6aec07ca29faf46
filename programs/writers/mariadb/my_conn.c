/*
 * my_conn.c: sessions and statements for vss-writer-mariadb (my_conn.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include "my_conn.h"

/* Client and server error numbers as errno values. */
static int my_errno(unsigned int code)
{
    switch (code)
    {
    case CR_CONNECTION_ERROR:               /* nothing listens on the socket, or no socket */
    case CR_SOCKET_CREATE_ERROR:
        return -ECONNREFUSED;
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
        return -ECONNRESET;
    case ER_SERVER_SHUTDOWN:
        return -ESHUTDOWN;
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_USER_LIMIT_REACHED:
        return -EUSERS;
    case ER_OUTOFMEMORY:
    case ER_OUT_OF_RESOURCES:
    case CR_OUT_OF_MEMORY:
        return -ENOMEM;
    case ER_DBACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
    case ER_HOST_NOT_PRIVILEGED:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
        return -EACCES;
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_STATEMENT_TIMEOUT:
    case ER_QUERY_INTERRUPTED:
        return -ETIMEDOUT;
    case ER_LOCK_DEADLOCK:
    case ER_BACKUP_LOCK_IS_ACTIVE:          /* another backup (mariadb-backup) holds the stages */
        return -EBUSY;
    case ER_PARSE_ERROR:
    case ER_NOT_SUPPORTED_YET:
    case ER_UNKNOWN_COM_ERROR:
        return -ENOTSUP;
    default:
        return -EIO;
    }
}

int my_connect(struct service_instance *inst, const struct my_params *params, MYSQL **out)
{
    MYSQL *conn = mysql_init(NULL), *ok;
    unsigned int code;
    int ret;

    *out = NULL;
    if (!conn)
    {
        service_error(inst, "out of memory");
        return -ENOMEM;
    }
    mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &params->connect_timeout);
    mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (params->defaults_file)
    {
        mysql_options(conn, MYSQL_READ_DEFAULT_FILE, params->defaults_file);
        mysql_options(conn, MYSQL_READ_DEFAULT_GROUP, "client");
    }
    if ((ret = run_as_enter(&inst->run_as)))
    {
        service_error(inst, "cannot take the identity of os_user: %s", strerror(-ret));
        mysql_close(conn);
        return ret;
    }
    ok = mysql_real_connect(conn, "localhost", params->user, params->password, NULL, 0, params->socket, 0);
    run_as_leave(&inst->run_as);
    if (ok)
    {
        *out = conn;
        return 0;
    }
    code = mysql_errno(conn);
    service_error(inst, "%s (%u)", mysql_error(conn), code);
    mysql_close(conn);
    return my_errno(code);
}

void my_disconnect(MYSQL **conn)
{
    if (*conn) mysql_close(*conn);
    *conn = NULL;
}

int my_query(struct service_instance *inst, MYSQL *conn, const char *sql, MYSQL_RES **out)
{
    unsigned int code;

    if (out) *out = NULL;
    if (!conn)
    {
        service_error(inst, "not connected");
        return -ECONNRESET;
    }
    if (!mysql_query(conn, sql))
    {
        MYSQL_RES *res = mysql_store_result(conn);

        if (res || !mysql_field_count(conn))
        {
            if (out) *out = res;
            else mysql_free_result(res);
            return 0;
        }
    }
    code = mysql_errno(conn);
    service_error(inst, "%s: %s (%u)", sql, mysql_error(conn), code);
    return my_errno(code);
}

int my_exec(struct service_instance *inst, MYSQL *conn, const char *sql)
{
    return my_query(inst, conn, sql, NULL);
}

void my_variable(MYSQL_RES *res, const char *name, char *buf, size_t size)
{
    MYSQL_ROW row;

    buf[0] = 0;
    if (!res || mysql_num_fields(res) < 2) return;
    mysql_data_seek(res, 0);
    while ((row = mysql_fetch_row(res)))
        if (row[0] && !strcasecmp(row[0], name))
        {
            snprintf(buf, size, "%s", row[1] ? row[1] : "");
            return;
        }
}
