/*
 * run_as.h: connect to a service as its own system user.
 *
 * PostgreSQL's and MariaDB's default local authentication ("peer",
 * "unix_socket") trusts the uid the server sees on its Unix socket.  A writer
 * started as root (like Windows' in-box writers, which run as LocalSystem)
 * takes the configured user's uid and gid as its *effective* ids for the
 * connect() only, on the calling thread only (raw setresuid/setresgid system
 * calls: Linux credentials are per thread, glibc's wrappers would change every
 * thread), then takes root back.  The server records the peer credentials at
 * connect time, so the session keeps the user's identity.
 *
 * Not root, or no user configured: nothing changes.  A thread created while
 * its creator is switched inherits the user's ids: create none in between
 * (libpq and the MariaDB client do not).
 */
#ifndef UMBRA_WRITERS_RUN_AS_H
#define UMBRA_WRITERS_RUN_AS_H

#include <stdbool.h>
#include <sys/types.h>

struct run_as
{
    bool active;        /* a switch is needed */
    uid_t uid;
    gid_t gid;
};

/* Look user up (NULL or "" = no switch).  0, or -ENOENT for an unknown user. */
int run_as_init(struct run_as *ra, const char *user);

/* Take the user's ids on this thread; 0 or -errno.  Always pair with leave. */
int run_as_enter(const struct run_as *ra);
void run_as_leave(const struct run_as *ra);

#endif
