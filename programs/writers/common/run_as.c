/*
 * run_as.c: per-thread effective ids for connecting as a service's user
 * (run_as.h).
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "run_as.h"

int run_as_init(struct run_as *ra, const char *user)
{
    struct passwd pw, *found = NULL;
    char buf[4096];
    int ret;

    memset(ra, 0, sizeof(*ra));
    if (!user || !*user || geteuid() != 0) return 0;
    if ((ret = getpwnam_r(user, &pw, buf, sizeof(buf), &found)) || !found) return ret ? -ret : -ENOENT;
    if (!found->pw_uid) return 0;
    ra->active = true;
    ra->uid = found->pw_uid;
    ra->gid = found->pw_gid;
    return 0;
}

int run_as_enter(const struct run_as *ra)
{
    if (!ra || !ra->active) return 0;
    /* the group first: once the effective uid is not 0 the thread may not change it */
    if (syscall(SYS_setresgid, (gid_t)-1, ra->gid, (gid_t)-1)) return -errno;
    if (syscall(SYS_setresuid, (uid_t)-1, ra->uid, (uid_t)-1))
    {
        int err = -errno;
        syscall(SYS_setresgid, (gid_t)-1, (gid_t)0, (gid_t)-1);
        return err;
    }
    return 0;
}

void run_as_leave(const struct run_as *ra)
{
    if (!ra || !ra->active) return;
    /* the saved uid is still 0, so root comes back, and with it the right to reset the group */
    if (syscall(SYS_setresuid, (uid_t)-1, (uid_t)0, (uid_t)-1) || syscall(SYS_setresgid, (gid_t)-1, (gid_t)0, (gid_t)-1))
        abort();   /* a writer that cannot become root again must not carry on half-privileged */
}
