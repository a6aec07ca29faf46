/*
 * test_provider_lvm.c: the LVM thin provider where it cannot run (no
 * device-mapper here): it declines the volumes this machine has, and the
 * command lines it would run are exactly the ones LVM documents, with names
 * that cannot be mistaken for options (DESIGN.md §5).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "lib/fsfixture.h"
#include "providers/lvm.h"
#include "providers/provider.h"

static struct fsfixture *ext4;

static int init(void)
{
    if (umbra_require_root()) return -1;
    if (!(ext4 = fsfixture_create("ext4", 16, NULL, NULL))) return -1;
    return 0;
}

static int cleanup(void)
{
    fsfixture_destroy(ext4);
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
    CU_ASSERT_EQUAL(cmd->argc, i);
}

static void test_detection(void)
{
    struct vss_volume vol;

    /* a loop device is no logical volume: declined without asking LVM */
    CU_ASSERT_EQUAL_FATAL(volume_from_path(ext4->mnt, &vol), 0);
    CU_ASSERT_EQUAL(lvm_provider.is_supported(&vol), -EOPNOTSUPP);
    CU_ASSERT_NOT_EQUAL(provider_choose(&vol, NULL), &lvm_provider);
    volume_free(&vol);
    CU_ASSERT_EQUAL(lvm_provider.is_supported(NULL), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(lvm_provider.type, PROVIDER_TYPE_SOFTWARE);
}

static void test_names(void)
{
    char buf[128];

    CU_ASSERT(lvm_valid_name("vg0"));
    CU_ASSERT(lvm_valid_name("data_lv-1.2+x"));
    CU_ASSERT(!lvm_valid_name("-rf"));
    CU_ASSERT(!lvm_valid_name("a/b"));
    CU_ASSERT(!lvm_valid_name("a b"));
    CU_ASSERT(!lvm_valid_name(".."));
    CU_ASSERT(!lvm_valid_name(""));
    CU_ASSERT(!lvm_valid_name(NULL));
    CU_ASSERT_EQUAL(lvm_snapshot_lv_name("data", 1700000000, buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "data-GMT-2023.11.14-22.13.20");
    CU_ASSERT_EQUAL(lvm_snapshot_lv_name("data", 0, buf, 8), -ENAMETOOLONG);
    CU_ASSERT_EQUAL(lvm_snapshot_dir_name("data", "data-GMT-2023.11.14-22.13.20", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "@GMT-2023.11.14-22.13.20");
    CU_ASSERT_EQUAL(lvm_snapshot_dir_name("data", "other-GMT-2023.11.14-22.13.20", buf, sizeof(buf)), -EINVAL);
    CU_ASSERT_EQUAL(lvm_snapshot_dir_name("data", "data-GMT-2023.11.14", buf, sizeof(buf)), -EINVAL);
}

static void test_command_lines(void)
{
    static const char *const query[] =
        { "lvs", "--noheadings", "--separator", "|", "-o", "vg_name,lv_name,segtype", "/dev/mapper/vg0-data", NULL };
    static const char *const list[] =
        { "lvs", "--noheadings", "-o", "lv_name", "--select", "origin=data && lv_tags=umbra-vss", "vg0", NULL };
    static const char *const create[] =
        { "lvcreate", "--snapshot", "--setactivationskip", "n", "--addtag", "umbra-vss", "--name",
          "data-GMT-2023.11.14-22.13.20", "vg0/data", NULL };
    static const char *const remove[] = { "lvremove", "--yes", "vg0/data-GMT-2023.11.14-22.13.20", NULL };
    static const char *const exists[] = { "lvs", "--noheadings", "-o", "lv_name", "vg0/data-GMT-2023.11.14-22.13.20", NULL };
    static const char *const merge[] = { "lvconvert", "--merge", "vg0/data-GMT-2023.11.14-22.13.20", NULL };
    struct cmdline cmd;

    lvm_cmd_query(&cmd, "/dev/mapper/vg0-data");
    assert_argv(&cmd, query);
    lvm_cmd_list_snapshots(&cmd, "vg0", "data");
    assert_argv(&cmd, list);
    lvm_cmd_create(&cmd, "vg0", "data", "data-GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, create);
    lvm_cmd_remove(&cmd, "vg0", "data-GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, remove);
    lvm_cmd_exists(&cmd, "vg0", "data-GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, exists);
    lvm_cmd_merge(&cmd, "vg0", "data-GMT-2023.11.14-22.13.20");
    assert_argv(&cmd, merge);

    /* names that could be options or paths never reach a command line */
    lvm_cmd_create(&cmd, "vg0", "--help", "x");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
    CU_ASSERT_EQUAL(cmdline_run(&cmd, NULL), -EINVAL);
    lvm_cmd_remove(&cmd, "../vg", "x");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
    lvm_cmd_query(&cmd, "relative");
    CU_ASSERT_EQUAL(cmd.err, -EINVAL);
}

static void test_parse_query(void)
{
    char *vg, *lv;
    int thin;

    CU_ASSERT_EQUAL(lvm_parse_query("  vg0|data|thin\n", &vg, &lv, &thin), 0);
    if (vg) CU_ASSERT_STRING_EQUAL(vg, "vg0");
    if (lv) CU_ASSERT_STRING_EQUAL(lv, "data");
    CU_ASSERT_EQUAL(thin, 1);
    free(vg);
    free(lv);
    CU_ASSERT_EQUAL(lvm_parse_query("  vg0|root|linear\n", &vg, &lv, &thin), 0);
    CU_ASSERT_EQUAL(thin, 0);
    free(vg);
    free(lv);
    CU_ASSERT_EQUAL(lvm_parse_query("", &vg, &lv, &thin), -EINVAL);
    CU_ASSERT_EQUAL(lvm_parse_query("  -vg|data|thin\n", &vg, &lv, &thin), -EINVAL);
    CU_ASSERT_EQUAL(lvm_parse_query(NULL, &vg, &lv, &thin), -EINVAL);
    CU_ASSERT_PTR_NULL(vg);
    CU_ASSERT_PTR_NULL(lv);
}

static void test_bad_private_data(void)
{
    char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s/.snapshots", ext4->mnt);
    /* a record whose LV names do not belong together is refused before LVM runs */
    CU_ASSERT_EQUAL(lvm_provider.delete(dir, "provider=lvm\nname=@GMT-2023.11.14-22.13.20\nvg=vg0\nlv=data\nsnaplv=other-GMT-2023.11.14-22.13.20\n"), -EINVAL);
    CU_ASSERT_EQUAL(lvm_provider.delete(dir, "provider=lvm\nname=@GMT-2023.11.14-22.13.20\nvg=-x\nlv=data\nsnaplv=data-GMT-2023.11.14-22.13.20\n"), -EINVAL);
    CU_ASSERT_EQUAL(lvm_provider.exists(dir, "provider=zfs\nname=@GMT-2023.11.14-22.13.20\n"), -EINVAL);
}

static CU_TestInfo lvm_tests[] =
{
    { "detection", test_detection },
    { "names", test_names },
    { "command_lines", test_command_lines },
    { "parse_query", test_parse_query },
    { "bad_private_data", test_bad_private_data },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(provider_lvm, init, cleanup, lvm_tests);
