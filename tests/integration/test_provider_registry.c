/*
 * test_provider_registry.c: the built-in providers as Query(VSS_OBJECT_PROVIDER)
 * lists them: stable, distinct ids; the VSS_PROV_SYSTEM entry is the default
 * (DESIGN.md §5); lookup by id; the choice order hardware > software > system
 * (VSS-FACTS.md §1.1); and the private data strings providers hand the
 * catalogue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "providers/privdata.h"
#include "providers/provider.h"
#include "providers/snapname.h"

static void test_list(void)
{
    const struct provider *const *list = provider_list();
    unsigned int i, j, count = 0, system = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(list);
    for (i = 0; list[i]; i++)
    {
        const struct provider *p = list[i];
        GUID null_guid;

        count++;
        memset(&null_guid, 0, sizeof(null_guid));
        CU_ASSERT(!IsEqualGUID(&p->id, &null_guid));
        CU_ASSERT_PTR_NOT_NULL(p->name);
        CU_ASSERT_PTR_NOT_NULL(p->version);
        CU_ASSERT_PTR_NOT_NULL(strstr(p->name, "Umbra"));
        /* VSS_PROVIDER_TYPE values (VSS-FACTS.md §3.3) */
        CU_ASSERT(p->type == PROVIDER_TYPE_SYSTEM || p->type == PROVIDER_TYPE_SOFTWARE
                  || p->type == PROVIDER_TYPE_HARDWARE);
        if (p->type == PROVIDER_TYPE_SYSTEM) system++;
        CU_ASSERT_PTR_EQUAL(provider_by_id(&p->id), p);
        CU_ASSERT(p->is_supported && p->begin_prepare && p->end_prepare && p->pre_commit && p->commit
                  && p->post_commit && p->abort && p->delete && p->root && p->expose && p->unexpose
                  && p->revert && p->exists && p->scan);
        for (j = 0; j < i; j++) CU_ASSERT(!IsEqualGUID(&list[j]->id, &p->id));
    }
    CU_ASSERT_EQUAL(count, 5);
    CU_ASSERT_EQUAL(system, 1);
    CU_ASSERT_EQUAL(PROVIDER_TYPE_SYSTEM, 1);
    CU_ASSERT_EQUAL(PROVIDER_TYPE_SOFTWARE, 2);
    CU_ASSERT_EQUAL(PROVIDER_TYPE_HARDWARE, 3);
    CU_ASSERT_PTR_EQUAL(provider_default(), &directory_provider);
    CU_ASSERT_EQUAL(provider_default()->type, PROVIDER_TYPE_SYSTEM);
}

static void test_stable_ids(void)
{
    /* ids are part of the contract: records and scripts keep them */
    static const GUID directory_id = { 0x7ac24c27, 0x5f63, 0x4d73, { 0xae, 0x57, 0x22, 0x37, 0x0b, 0x07, 0xef, 0x1c } };
    static const GUID btrfs_id = { 0x93146643, 0x57a1, 0x44b0, { 0x80, 0xa3, 0x1f, 0x4c, 0x3e, 0xcd, 0x15, 0x70 } };
    static const GUID blockimage_id = { 0x3d96eca5, 0x4646, 0x443c, { 0xa1, 0x8a, 0xea, 0x9e, 0x1a, 0x42, 0x61, 0xd7 } };
    static const GUID lvm_id = { 0x692d34ad, 0xc6e9, 0x492a, { 0x94, 0x8b, 0x88, 0x2e, 0x96, 0x7d, 0x64, 0x07 } };
    static const GUID zfs_id = { 0x44b16ff8, 0x4cd3, 0x45a3, { 0xa4, 0xb6, 0x3e, 0x90, 0x1e, 0x8b, 0x0c, 0xbb } };
    static const GUID unknown = { 0x12345678, 0, 0, { 0 } };

    CU_ASSERT_PTR_EQUAL(provider_by_id(&directory_id), &directory_provider);
    CU_ASSERT_PTR_EQUAL(provider_by_id(&btrfs_id), &btrfs_provider);
    CU_ASSERT_PTR_EQUAL(provider_by_id(&blockimage_id), &blockimage_provider);
    CU_ASSERT_PTR_EQUAL(provider_by_id(&lvm_id), &lvm_provider);
    CU_ASSERT_PTR_EQUAL(provider_by_id(&zfs_id), &zfs_provider);
    /* VSS_E_PROVIDER_NOT_REGISTERED for the caller */
    CU_ASSERT_PTR_NULL(provider_by_id(&unknown));
    CU_ASSERT_PTR_NULL(provider_by_id(NULL));
}

static void test_choose_bad_input(void)
{
    struct vss_volume vol;
    int err = 0;

    CU_ASSERT_PTR_NULL(provider_choose(NULL, &err));
    CU_ASSERT_EQUAL(err, -EINVAL);
    /* a directory that does not exist: nobody takes it, and the reason is kept */
    memset(&vol, 0, sizeof(vol));
    vol.root = (char *)"/nonexistent/umbra/volume";
    vol.fstype = (char *)"ext4";
    vol.device = (char *)"";
    CU_ASSERT_PTR_NULL(provider_choose(&vol, &err));
    CU_ASSERT_EQUAL(err, -ENOENT);
}

static void test_privdata(void)
{
    struct privdata pd;
    char *data = NULL, *value = NULL;

    privdata_init(&pd);
    privdata_add(&pd, "provider", "test");
    privdata_add(&pd, "path", "/a b/100%\nnewline");
    privdata_addf(&pd, "n", "%d", 42);
    CU_ASSERT_EQUAL_FATAL(privdata_finish(&pd, &data), 0);
    CU_ASSERT_STRING_EQUAL(data, "provider=test\npath=/a b/100%25%0anewline\nn=42\n");
    CU_ASSERT_EQUAL(privdata_get(data, "path", &value), 0);
    if (value) CU_ASSERT_STRING_EQUAL(value, "/a b/100%\nnewline");
    free(value);
    CU_ASSERT_EQUAL(privdata_get(data, "pat", &value), -ENOENT);
    CU_ASSERT_EQUAL(privdata_get(data, "n", &value), 0);
    if (value) CU_ASSERT_STRING_EQUAL(value, "42");
    free(value);
    CU_ASSERT_EQUAL(privdata_check_kind(data, "test"), 0);
    CU_ASSERT_EQUAL(privdata_check_kind(data, "btrfs"), -EINVAL);
    free(data);
    CU_ASSERT_EQUAL(privdata_get("k=%zz\n", "k", &value), -EINVAL);
    CU_ASSERT_EQUAL(privdata_get("k=%00\n", "k", &value), -EINVAL);
    CU_ASSERT_EQUAL(privdata_get("k=%4", "k", &value), -EINVAL);
    CU_ASSERT_EQUAL(privdata_get(NULL, "k", &value), -EINVAL);
    CU_ASSERT_EQUAL(privdata_check_kind("garbage", "btrfs"), -EINVAL);
    privdata_init(&pd);
    CU_ASSERT_EQUAL(privdata_finish(&pd, &data), -EINVAL);
    CU_ASSERT_PTR_NULL(data);
}

static void test_snapnames(void)
{
    char name[SNAPNAME_SIZE], *parent = NULL;
    time_t t;

    /* Samba vfs_shadow_copy2's format, in UTC (DESIGN.md §6) */
    snapname_format(0, name);
    CU_ASSERT_STRING_EQUAL(name, "@GMT-1970.01.01-00.00.00");
    snapname_format(1700000000, name);
    CU_ASSERT_STRING_EQUAL(name, "@GMT-2023.11.14-22.13.20");
    CU_ASSERT_EQUAL(snapname_parse(name, &t), 0);
    CU_ASSERT_EQUAL(t, 1700000000);
    CU_ASSERT_EQUAL(snapname_parse("@GMT-2023.13.14-22.13.20", &t), -EINVAL);
    CU_ASSERT_EQUAL(snapname_parse("@GMT-2023.11.14-22.13.2", &t), -EINVAL);
    CU_ASSERT_EQUAL(snapname_parse("@GMT-2023.11.14-22.13.200", &t), -EINVAL);
    CU_ASSERT_EQUAL(snapname_parse("@GMT-2023.11.14 22.13.20", &t), -EINVAL);
    CU_ASSERT_EQUAL(snapname_parse("@GMT-+023.11.14-22.13.20", &t), -EINVAL);
    CU_ASSERT_EQUAL(snapname_parse("", &t), -EINVAL);
    CU_ASSERT_EQUAL(snapshots_dir_parent("/srv/data/.snapshots", &parent), 0);
    if (parent) CU_ASSERT_STRING_EQUAL(parent, "/srv/data");
    free(parent);
    CU_ASSERT_EQUAL(snapshots_dir_parent("/.snapshots/", &parent), 0);
    if (parent) CU_ASSERT_STRING_EQUAL(parent, "/");
    free(parent);
    CU_ASSERT_EQUAL(snapshots_dir_parent("/srv/data/x.snapshots", &parent), -EINVAL);
    CU_ASSERT_EQUAL(snapshots_dir_parent("relative/.snapshots", &parent), -EINVAL);
    CU_ASSERT_EQUAL(snapshots_dir_parent(".snapshots", &parent), -EINVAL);
    CU_ASSERT_EQUAL(snapshots_dir_parent(NULL, &parent), -EINVAL);
}

static int taken_until;
static int create_taken(void *ctx, const char *name)
{
    (void)name;
    return (*(int *)ctx)++ < taken_until ? -EEXIST : 0;
}

static void test_snapname_bump(void)
{
    char out[64];
    int calls = 0;

    /* a taken name moves a second on; the prefix and suffix stay */
    taken_until = 2;
    CU_ASSERT_EQUAL(snapname_create(1700000000, "disk.img", ".img", create_taken, &calls, out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, "disk.img@GMT-2023.11.14-22.13.22.img");
    CU_ASSERT_EQUAL(calls, 3);
    CU_ASSERT_EQUAL(snapname_create(0, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "", create_taken, &calls, out, 32),
                    -ENAMETOOLONG);
}

static CU_TestInfo registry_tests[] =
{
    { "list", test_list },
    { "stable_ids", test_stable_ids },
    { "choose_bad_input", test_choose_bad_input },
    { "privdata", test_privdata },
    { "snapnames", test_snapnames },
    { "snapname_bump", test_snapname_bump },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(provider_registry, NULL, NULL, registry_tests);
