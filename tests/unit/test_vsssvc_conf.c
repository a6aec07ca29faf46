/*
 * test_vsssvc_conf.c: vsssvc's settings file (programs/vsssvc/conf.h) and
 * its verdict on peers (access.h): who is root, who is in the backup group
 * by primary group, by the connecting process's groups or by the group
 * database, and who is turned away.  Needs no root.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "harness.h"
#include "programs/vsssvc/access.h"
#include "programs/vsssvc/conf.h"

static int parse(const char *text, struct svc_conf *conf, char *err, size_t size)
{
    conf_defaults(conf);
    return conf_parse(text, strlen(text), conf, err, size);
}

static void test_defaults(void)
{
    struct svc_conf conf;
    char err[256];

    CU_ASSERT_EQUAL(parse("", &conf, err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(conf.group, "backup");
    /* VSS-FACTS.md §1.5: IdleTimeout absent or 0 -> 180 s */
    CU_ASSERT_EQUAL(conf.idle_timeout, 180);
    CU_ASSERT_EQUAL(conf.max_sessions, 256);
    CU_ASSERT_EQUAL(parse("IdleTimeout = 0\n", &conf, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(conf.idle_timeout, 180);
}

static void test_settings(void)
{
    struct svc_conf conf;
    char err[256];

    CU_ASSERT_EQUAL(parse("# comment\n; another\n\n  group =  operators \r\nidletimeout=30\nMaxSessions = 8", &conf,
                          err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(conf.group, "operators");
    CU_ASSERT_EQUAL(conf.idle_timeout, 30);
    CU_ASSERT_EQUAL(conf.max_sessions, 8);
    CU_ASSERT_EQUAL(parse("Group = 34\n", &conf, err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(conf.group, "34");
}

static void test_bad_settings(void)
{
    static const char *const bad[] =
    {
        "Group\n", "Group =\n", "= backup\n", "Colour = blue\n", "Group = a b\n", "Group = -x\n",
        "Group = ../etc\n", "IdleTimeout = -1\n", "IdleTimeout = 10s\n", "IdleTimeout = 99999999999\n",
        "MaxSessions = 0\n", "MaxSessions = 100000\n",
    };
    struct svc_conf conf;
    char err[256];

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        CU_ASSERT_EQUAL(parse(bad[i], &conf, err, sizeof(err)), -EINVAL);
        CU_ASSERT(strstr(err, "line 1") != NULL);
        /* nothing of a refused file is taken */
        CU_ASSERT_STRING_EQUAL(conf.group, "backup");
    }
    CU_ASSERT_EQUAL(parse("Group = ok\nbroken line\n", &conf, err, sizeof(err)), -EINVAL);
    CU_ASSERT(strstr(err, "line 2") != NULL);
    CU_ASSERT_STRING_EQUAL(conf.group, "backup");
    CU_ASSERT_EQUAL(conf_parse("Group = a\0b\n", 12, &conf, err, sizeof(err)), -EINVAL);
}

static void test_load(void)
{
    char path[4096], err[256];
    struct svc_conf conf;
    FILE *f;

    conf_defaults(&conf);
    snprintf(path, sizeof(path), "%s/missing.conf", umbra_test_tmpdir());
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(conf.group, "backup");
    snprintf(path, sizeof(path), "%s/vsssvc.conf", umbra_test_tmpdir());
    CU_ASSERT_FATAL((f = fopen(path, "w")) != NULL);
    fputs("Group = wheel\nIdleTimeout = 5\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(conf.group, "wheel");
    CU_ASSERT_EQUAL(conf.idle_timeout, 5);
    CU_ASSERT_FATAL((f = fopen(path, "w")) != NULL);
    fputs("Nonsense = 1\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), -EINVAL);
    CU_ASSERT(strstr(err, path) != NULL);
    /* a directory is not a settings file */
    CU_ASSERT_EQUAL(conf_load(umbra_test_tmpdir(), &conf, err, sizeof(err)), -EINVAL);
}

static void test_access(void)
{
    struct access_policy policy;
    struct umbra_service_peer peer;
    gid_t groups[2] = { 4242, 4243 };

    CU_ASSERT_EQUAL(access_policy_init(&policy, "4243"), 0);
    CU_ASSERT_EQUAL(policy.gid, 4243);

    memset(&peer, 0, sizeof(peer));
    access_decide(&policy, 0, 0, NULL, 0, &peer);
    CU_ASSERT(peer.allowed && peer.admin);
    /* in the group through the groups the process had when it connected */
    access_decide(&policy, 54321, 54321, groups, 2, &peer);
    CU_ASSERT(peer.allowed && !peer.admin);
    /* ... or as its primary group */
    access_decide(&policy, 54321, 4243, NULL, 0, &peer);
    CU_ASSERT(peer.allowed && !peer.admin);
    /* outside: refused */
    access_decide(&policy, 54321, 54321, groups, 1, &peer);
    CU_ASSERT(!peer.allowed && !peer.admin);
    /* the service's own user is its administrator */
    access_decide(&policy, geteuid(), 54321, NULL, 0, &peer);
    CU_ASSERT(peer.allowed && peer.admin);

    /* no such group: only root and the service's user */
    CU_ASSERT_EQUAL(access_policy_init(&policy, "umbra-no-such-group"), -ENOENT);
    access_decide(&policy, 54321, 54321, groups, 2, &peer);
    CU_ASSERT(!peer.allowed);
    access_decide(&policy, 0, 0, NULL, 0, &peer);
    CU_ASSERT(peer.allowed);
}

/* The group database counts too: a user listed in the group. */
static void test_access_database(void)
{
    struct passwd *pw = getpwuid(geteuid());
    struct access_policy policy;
    struct umbra_service_peer peer;
    gid_t groups[64];
    int n = 64;

    CU_ASSERT_FATAL(pw != NULL);
    CU_ASSERT_FATAL(getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) >= 1);
    CU_ASSERT_FATAL(access_policy_init(&policy, "0") == 0);
    policy.gid = groups[n - 1];
    policy.self = (uid_t)-2;            /* so that this user is no administrator */
    memset(&peer, 0, sizeof(peer));
    access_decide(&policy, pw->pw_uid, (gid_t)-3, NULL, 0, &peer);
    CU_ASSERT(pw->pw_uid ? peer.allowed && !peer.admin : peer.allowed && peer.admin);
}

/* The credentials of a real peer. */
static void test_judge_socket(void)
{
    struct access_policy policy;
    struct umbra_service_peer peer;
    int sv[2];

    CU_ASSERT_FATAL(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    CU_ASSERT_EQUAL(access_policy_init(&policy, "umbra-no-such-group"), -ENOENT);
    CU_ASSERT_EQUAL(access_judge(&policy, sv[0], &peer), 0);
    CU_ASSERT_EQUAL(peer.pid, getpid());
    CU_ASSERT_EQUAL(peer.uid, geteuid());
    CU_ASSERT(peer.allowed && peer.admin);
    close(sv[0]);
    close(sv[1]);
    /* not a socket */
    CU_ASSERT_FATAL((sv[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
    CU_ASSERT(access_judge(&policy, sv[0], &peer) < 0);
    CU_ASSERT(!peer.allowed);
    close(sv[0]);
}

static CU_TestInfo conf_tests[] =
{
    { "defaults (IdleTimeout 180 s)", test_defaults },
    { "settings", test_settings },
    { "bad settings are refused whole", test_bad_settings },
    { "loading the file", test_load },
    { "who may connect", test_access },
    { "group database membership", test_access_database },
    { "credentials of a socket peer", test_judge_socket },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vsssvc_conf, NULL, NULL, conf_tests);
