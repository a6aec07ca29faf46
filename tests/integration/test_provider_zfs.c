/*
 * test_provider_zfs.c: the ZFS provider where it cannot run (no ZFS here): it
 * declines the volumes this machine has, and the command lines it would run
 * are exactly ZFS's, one `zfs snapshot` for all datasets of a pool, with
 * names that cannot be mistaken for options (DESIGN.md §5).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "lib/fsfixture.h"
#include "providers/provider.h"
#include "providers/zfs.h"

static struct fsfixture *btrfs;

static int init(void)
{
    if (umbra_require_root()) return -1;
    if (!(btrfs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return 0;
}

static int cleanup(void)
{
    fsfixture_destroy(btrfs);
    return 0;
}

static void assert_argv(const struct cmdline *cmd, const char *const *expected)
{
    unsigned int i;

    CU_ASSERT_EQUAL(cmd->err, 0);
    for (i = 0; expected[i]; i++)
    {
        CU_ASSERT_PTR_NOT_NULL_FATAL(cmd->argv[i]);
        CU_ASSERT_STRING_EQUAL(cmd->argv[i], expected[i]);
    }
    CU_ASSERT_PTR_NULL(cmd->argv[i]);
}

static void test_detection(void)
{
    struct vss_volume vol, fake;

    CU_ASSERT_EQUAL_FATAL(volume_from_path(btrfs->mnt, &vol), 0);
    CU_ASSERT_EQUAL(zfs_provider.is_supported(&vol), -EOPNOTSUPP);
    CU_ASSERT_PTR_EQUAL(provider_choose(&vol, NULL), &btrfs_provider);
    /* even a volume that says "zfs" is declined where the zfs tool is missing */
    fake = vol;
    fake.fstype = (char *)"zfs";
    fake.device = (char *)"tank/data";
    fake.is_mount_root = 1;
    CU_ASSERT_EQUAL(zfs_provider.is_supported(&fake), -EOPNOTSUPP);
    volume_free(&vol);
    CU_ASSERT_EQUAL(zfs_provider.is_supported(NULL), -EOPNOTSUPP);
}

static void test_names(void)
{
    char buf[64], pool[64];

    CU_ASSERT(zfs_valid_dataset("tank"));
    CU_ASSERT(zfs_valid_dataset("tank/home/user one"));
    CU_ASSERT(zfs_valid_dataset("tank/a_b-c.d:e"));
    CU_ASSERT(!zfs_valid_dataset("-o"));
    CU_ASSERT(!zfs_valid_dataset("tank/../etc"));
    CU_ASSERT(!zfs_valid_dataset("tank//a"));
    CU_ASSERT(!zfs_valid_dataset("tank/"));
    CU_ASSERT(!zfs_valid_dataset("tank@snap"));
    CU_ASSERT(!zfs_valid_dataset(""));
    CU_ASSERT(!zfs_valid_dataset(NULL));
    CU_ASSERT_EQUAL(zfs_snapshot_name(1700000000, buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "GMT-2023.11.14-22.13.20");
    zfs_pool_of("tank/home/user", pool, sizeof(pool));
    CU_ASSERT_STRING_EQUAL(pool, "tank");
    zfs_pool_of("tank", pool, sizeof(pool));
    CU_ASSERT_STRING_EQUAL(pool, "tank");
}

static void test_command_lines(void)
{
    static const char *const datasets[] = { "tank/home", "tank/db" };
    static const char *const snapshot[] =
        { "zfs", "snapshot", "tank/home@GMT-2023.11.14-22.13.20", "tank/db@GMT-2023.11.14-22.13.20", NULL };
    static const char *const destroy[] = { "zfs", "destroy", "tank/home@GMT-2023.11.14-22.13.20", NULL };
    static const char *const rollback[] = { "zfs", "rollback", "tank/home@GMT-2023.11.14-22.13.20", NULL };
    static const char *const list[] = { "zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-d", "1", "tank/home", NULL };
    static const char *const bad[] = { "tank/home", "-R" };
    struct cmdline cmd;

    /* the whole set in one command: ZFS takes it atomically */
    zfs_cmd_snapshot(&cmd, datasets, 2, "GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, snapshot);
    zfs_cmd_destroy(&cmd, "tank/home", "GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, destroy);
    zfs_cmd_rollback(&cmd, "tank/home", "GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, rollback);
    zfs_cmd_list(&cmd, "tank/home");
    assert_argv(&cmd, list);

    zfs_cmd_snapshot(&cmd, bad, 2, "GMT-2023.11.14-22.13.20");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
    CU_ASSERT_EQUAL(cmdline_run(&cmd, NULL), -EINVAL);
    zfs_cmd_snapshot(&cmd, datasets, 0, "GMT-2023.11.14-22.13.20");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
    zfs_cmd_destroy(&cmd, "tank/home", "GMT-2023.11.14-22.13.20 -r");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
    zfs_cmd_destroy(&cmd, "tank/home", "anything");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
}

static void test_cmdline_limits(void)
{
    struct cmdline cmd;
    char big[2000];
    unsigned int i;

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    cmdline_init(&cmd);
    for (i = 0; i < 3; i++) cmdline_add(&cmd, big);
    CU_ASSERT_EQUAL(cmd.err, -E2BIG);
    cmdline_init(&cmd);
    for (i = 0; i < RUNCMD_MAX_ARGS + 1; i++) cmdline_add(&cmd, "x");
    CU_ASSERT_EQUAL(cmd.err, -E2BIG);
    CU_ASSERT(cmd.argc < RUNCMD_MAX_ARGS);
    cmdline_init(&cmd);
    CU_ASSERT_EQUAL(cmdline_run(&cmd, NULL), -EINVAL);
    /* a tool that is not there */
    cmdline_add(&cmd, "umbra-no-such-tool");
    CU_ASSERT_EQUAL(cmdline_run(&cmd, NULL), -ENOENT);
    CU_ASSERT(runcmd_exists("sh"));
    CU_ASSERT(!runcmd_exists("umbra-no-such-tool"));
}

static void test_runcmd_output(void)
{
    char *argv[] = { (char *)"sh", (char *)"-c", (char *)"echo out; echo err >&2; exit 0", NULL };
    char *fail[] = { (char *)"sh", (char *)"-c", (char *)"exit 3", NULL };
    char *output = NULL;

    CU_ASSERT_EQUAL(runcmd(argv, &output), 0);
    if (output) CU_ASSERT_STRING_EQUAL(output, "out\n");
    free(output);
    CU_ASSERT_EQUAL(runcmd(fail, &output), -EIO);
    CU_ASSERT_PTR_NULL(output);
}

static CU_TestInfo zfs_tests[] =
{
    { "detection", test_detection },
    { "names", test_names },
    { "command_lines", test_command_lines },
    { "cmdline_limits", test_cmdline_limits },
    { "runcmd_output", test_runcmd_output },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(provider_zfs, init, cleanup, zfs_tests);
