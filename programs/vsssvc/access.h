/*
 * access.h: who may use the service (DESIGN.md §4): root, the service's own
 * user, and members of the configured group (conf.h), told apart by the
 * credentials the kernel gives for the peer of a Unix socket.
 *
 * Membership counts the peer's primary group (SO_PEERCRED), the groups the
 * peer process had when it connected (SO_PEERGROUPS), and, for a peer whose
 * process does not carry them, the group database (getgrouplist).
 *
 * Root and the service's own user are also "administrators": only they may
 * run the methods that mount or roll back volumes (service_proto.h).
 */
#ifndef UMBRA_VSSSVC_ACCESS_H
#define UMBRA_VSSSVC_ACCESS_H

#include <sys/types.h>
#include "dlls/vssapi/service_server.h"

struct access_policy
{
    char group[256];
    int has_group;          /* the group exists */
    gid_t gid;
    uid_t self;             /* the service's effective uid */
};

/* Resolve group (a name or a number).  0, or -ENOENT when no such group
 * exists (then only root and the service's user are let in). */
int access_policy_init(struct access_policy *policy, const char *group);

/* Fill peer with the credentials of the process on fd and the verdict.
 * 0, or -errno when the credentials cannot be read (peer->allowed is 0). */
int access_judge(const struct access_policy *policy, int fd, struct umbra_service_peer *peer);

/* The verdict alone, for credentials already known (groups: the peer's
 * supplementary groups, or NULL to ask the group database). */
void access_decide(const struct access_policy *policy, uid_t uid, gid_t gid, const gid_t *groups,
                   int ngroups, struct umbra_service_peer *peer);

#endif
