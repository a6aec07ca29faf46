/*
 * service_server.h: the service side of vsssvc that lives in libvssapi
 * (service_server.c), exported for programs/vsssvc: where the service
 * listens, the start-up recovery, and serving one requester connection
 * (a session: one real requester object, driven by the requests of
 * service_proto.h).
 *
 * The program keeps the policy -- who may connect (the backup group), when
 * to exit, signals, logging -- and hands each accepted connection, with the
 * verdict on its peer, to umbra_service_serve() on a thread of its own.
 *
 * Not for: the requester's side (service_client.c).
 */
#ifndef UMBRA_VSSAPI_SERVICE_SERVER_H
#define UMBRA_VSSAPI_SERVICE_SERVER_H

#include <sys/types.h>
#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Who is on the other end of a connection, as the program judged it. */
struct umbra_service_peer
{
    pid_t pid;
    uid_t uid;
    gid_t gid;
    int allowed;        /* root, the service's own user or a member of the backup group */
    int admin;          /* root (or the service's own user): may also expose, revert ... */
};

/* The directories of this process's configuration (config.h). */
struct umbra_service_paths
{
    const char *config_dir;
    const char *runtime_dir;
    const char *state_dir;
};
DECLSPEC_EXPORT void umbra_service_paths(struct umbra_service_paths *paths);

/* Create the runtime directory (0755: requesters must reach the socket) and
 * listen on <runtime dir>/vsssvc.sock.  The listening fd, or -EADDRINUSE
 * (another service answers there), or another -errno. */
DECLSPEC_EXPORT int umbra_service_listen(void);
/* Remove the socket name (at exit, when the service made it). */
DECLSPEC_EXPORT void umbra_service_unlisten(void);

/* Start-up: thaw the file systems a dead process left frozen and reconcile
 * the snapshot catalogue (auto-release snapshots of dead owners, crashed
 * creations).  Returns how many file systems were thawed, or -errno. */
DECLSPEC_EXPORT int umbra_service_recover(void);

/* How a connection ended, for the service's log. */
enum umbra_service_end
{
    UMBRA_SERVICE_RELEASED,     /* the requester released its object */
    UMBRA_SERVICE_ABANDONED,    /* it went away holding it: cleaned up after it */
    UMBRA_SERVICE_NO_SESSION,   /* it went away before opening a session */
    UMBRA_SERVICE_DENIED,       /* neither root nor in the group: E_ACCESSDENIED */
    UMBRA_SERVICE_REFUSED,      /* it broke the protocol: answered with an error, dropped */
};

/* Serve the requester on fd until it goes or the connection fails, then end
 * its session: cancel what it left running, wait for it, and release its
 * object (auto-release snapshots deleted, writers told: Abort or
 * BackupShutdown).  The caller closes fd afterwards; shutdown(fd) from
 * another thread makes this return.  A peer that misbehaves costs its own
 * connection only. */
DECLSPEC_EXPORT enum umbra_service_end umbra_service_serve(int fd, const struct umbra_service_peer *peer);

#ifdef __cplusplus
}
#endif

#endif
