/*
 * access.c: the verdict on a requester connection (rules in access.h).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "access.h"

int access_policy_init(struct access_policy *policy, const char *group)
{
    struct group grp, *found = NULL;
    char buf[16384], *end;
    unsigned long number;

    memset(policy, 0, sizeof(*policy));
    policy->self = geteuid();
    snprintf(policy->group, sizeof(policy->group), "%s", group ? group : "");
    if (!group || !*group) return -ENOENT;
    if (!getgrnam_r(group, &grp, buf, sizeof(buf), &found) && found)
    {
        policy->gid = found->gr_gid;
        policy->has_group = 1;
        return 0;
    }
    errno = 0;
    number = strtoul(group, &end, 10);
    if (*group >= '0' && *group <= '9' && !*end && !errno && number < (gid_t)-1)
    {
        policy->gid = (gid_t)number;
        policy->has_group = 1;
        return 0;
    }
    return -ENOENT;
}

static int in_group_database(uid_t uid, gid_t gid, gid_t wanted)
{
    struct passwd pw, *found = NULL;
    char buf[16384];
    gid_t *groups;
    int n = 64, member = 0;

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) || !found) return 0;
    for (int tries = 0; tries < 4; tries++)
    {
        int want = n;

        if (!(groups = malloc(sizeof(*groups) * want))) return 0;
        if (getgrouplist(found->pw_name, gid, groups, &n) >= 0)
        {
            for (int i = 0; i < n && !member; i++) member = groups[i] == wanted;
            free(groups);
            return member;
        }
        free(groups);
        if (n <= want) n = want * 2;
    }
    return 0;
}

void access_decide(const struct access_policy *policy, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
                   struct umbra_service_peer *peer)
{
    int member = 0;

    peer->uid = uid;
    peer->gid = gid;
    peer->admin = uid == 0 || uid == policy->self;
    if (policy->has_group && !peer->admin)
    {
        member = gid == policy->gid;
        for (int i = 0; groups && i < ngroups && !member; i++) member = groups[i] == policy->gid;
        if (!member) member = in_group_database(uid, gid, policy->gid);
    }
    peer->allowed = peer->admin || member;
}

int access_judge(const struct access_policy *policy, int fd, struct umbra_service_peer *peer)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    gid_t stack_groups[64], *groups = stack_groups;
    socklen_t glen = sizeof(stack_groups);
    int ngroups = -1;

    memset(peer, 0, sizeof(*peer));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) return -errno;
    peer->pid = cred.pid;
    /* the groups the peer process had when it connected */
    if (!getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen)) ngroups = glen / sizeof(gid_t);
    else if (errno == ERANGE && glen > sizeof(stack_groups) && (groups = malloc(glen)))
    {
        if (!getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen)) ngroups = glen / sizeof(gid_t);
    }
    access_decide(policy, cred.uid, cred.gid, ngroups >= 0 ? groups : NULL, ngroups, peer);
    if (groups != stack_groups) free(groups);
    return 0;
}
