/*
 * test_enum.c: IVssEnumObject and IVssEnumMgmtObject (dlls/vssapi/enum.c).
 *
 * Microsoft's IVssEnumObject::Next page: S_OK when all asked records came,
 * S_FALSE with *pceltFetched set when fewer remain, E_POINTER for a missing
 * out-parameter; every string handed out is the caller's to CoTaskMemFree
 * (VssFreeSnapshotProperties for snapshots).  Skip, Reset and Clone behave as
 * for any COM enumerator: a clone starts where its source was and moves on
 * its own.  ASan/valgrind check that the copies and frees balance.
 */
#define COBJMACROS
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsmgmt.h>
#include <vsbackup.h>
#include "enum.h"
#include "harness.h"

static WCHAR *task_str(const WCHAR *s)
{
    size_t size = (wcslen(s) + 1) * sizeof(WCHAR);
    WCHAR *ret = CoTaskMemAlloc(size);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ret);
    memcpy(ret, s, size);
    return ret;
}

/* Three snapshots and a provider, as Query would build them. */
static VSS_OBJECT_PROP *make_objects(ULONG *count)
{
    VSS_OBJECT_PROP *items = calloc(4, sizeof(*items));
    WCHAR name[64];
    ULONG i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    for (i = 0; i < 3; i++)
    {
        VSS_SNAPSHOT_PROP *snap = &items[i].Obj.Snap;

        items[i].Type = VSS_OBJECT_SNAPSHOT;
        snap->m_SnapshotId.Data1 = i + 1;
        snap->m_lSnapshotsCount = 3;
        swprintf(name, 64, L"/srv/data/.snapshots/@GMT-2026.01.0%u-00.00.00", i + 1);
        snap->m_pwszSnapshotDeviceObject = task_str(name);
        snap->m_pwszOriginalVolumeName = task_str(L"\\\\?\\Volume{387b7d06-ab36-4a72-b7c4-e68c649ecf60}\\");
        snap->m_pwszOriginatingMachine = task_str(L"host.example");
        snap->m_pwszServiceMachine = task_str(L"host.example");
        snap->m_lSnapshotAttributes = VSS_CTX_APP_ROLLBACK;
        snap->m_eStatus = VSS_SS_CREATED;
    }
    items[3].Type = VSS_OBJECT_PROVIDER;
    items[3].Obj.Prov.m_pwszProviderName = task_str(L"Umbra directory provider");
    items[3].Obj.Prov.m_pwszProviderVersion = task_str(L"1.0");
    items[3].Obj.Prov.m_eProviderType = VSS_PROV_SYSTEM;
    *count = 4;
    return items;
}

static void test_next(void)
{
    VSS_OBJECT_PROP props[5];
    IVssEnumObject *enumerator;
    VSS_OBJECT_PROP *items;
    ULONG count, fetched, i;

    items = make_objects(&count);
    CU_ASSERT_EQUAL_FATAL(enum_object_create(items, count, &enumerator), S_OK);

    memset(props, 0, sizeof(props));
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, props, &fetched), S_OK);
    CU_ASSERT_EQUAL(fetched, 1);
    CU_ASSERT_EQUAL(props[0].Type, VSS_OBJECT_SNAPSHOT);
    CU_ASSERT_EQUAL(props[0].Obj.Snap.m_SnapshotId.Data1, 1);
    CU_ASSERT(!wcscmp(props[0].Obj.Snap.m_pwszOriginatingMachine, L"host.example"));
    CU_ASSERT_PTR_NULL(props[0].Obj.Snap.m_pwszExposedName);
    VssFreeSnapshotProperties(&props[0].Obj.Snap);

    /* more than remain: all that remain and S_FALSE */
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 5, props, &fetched), S_FALSE);
    CU_ASSERT_EQUAL(fetched, 3);
    CU_ASSERT_EQUAL(props[0].Obj.Snap.m_SnapshotId.Data1, 2);
    CU_ASSERT_EQUAL(props[2].Type, VSS_OBJECT_PROVIDER);
    CU_ASSERT(!wcscmp(props[2].Obj.Prov.m_pwszProviderName, L"Umbra directory provider"));
    for (i = 0; i < 2; i++) VssFreeSnapshotProperties(&props[i].Obj.Snap);
    CoTaskMemFree(props[2].Obj.Prov.m_pwszProviderName);
    CoTaskMemFree(props[2].Obj.Prov.m_pwszProviderVersion);

    /* at the end */
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, props, &fetched), S_FALSE);
    CU_ASSERT_EQUAL(fetched, 0);
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 0, props, &fetched), S_OK);
    CU_ASSERT_EQUAL(fetched, 0);

    /* required pointers */
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, NULL, &fetched), E_POINTER);
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, props, NULL), E_POINTER);

    CU_ASSERT_EQUAL(IVssEnumObject_Release(enumerator), 0);
}

static void test_skip_reset_clone(void)
{
    IVssEnumObject *enumerator, *clone;
    VSS_OBJECT_PROP prop;
    VSS_OBJECT_PROP *items;
    ULONG count, fetched;

    items = make_objects(&count);
    CU_ASSERT_EQUAL_FATAL(enum_object_create(items, count, &enumerator), S_OK);

    CU_ASSERT_EQUAL(IVssEnumObject_Skip(enumerator, 2), S_OK);
    CU_ASSERT_EQUAL_FATAL(IVssEnumObject_Clone(enumerator, &clone), S_OK);
    CU_ASSERT_EQUAL(IVssEnumObject_Clone(enumerator, NULL), E_POINTER);

    /* the clone starts where its source was ... */
    CU_ASSERT_EQUAL(IVssEnumObject_Next(clone, 1, &prop, &fetched), S_OK);
    CU_ASSERT_EQUAL(prop.Obj.Snap.m_SnapshotId.Data1, 3);
    VssFreeSnapshotProperties(&prop.Obj.Snap);
    /* ... and moves on its own */
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, &prop, &fetched), S_OK);
    CU_ASSERT_EQUAL(prop.Obj.Snap.m_SnapshotId.Data1, 3);
    VssFreeSnapshotProperties(&prop.Obj.Snap);

    /* skipping past the end */
    CU_ASSERT_EQUAL(IVssEnumObject_Skip(enumerator, 5), S_FALSE);
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, &prop, &fetched), S_FALSE);
    CU_ASSERT_EQUAL(fetched, 0);

    CU_ASSERT_EQUAL(IVssEnumObject_Reset(enumerator), S_OK);
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, &prop, &fetched), S_OK);
    CU_ASSERT_EQUAL(prop.Obj.Snap.m_SnapshotId.Data1, 1);
    VssFreeSnapshotProperties(&prop.Obj.Snap);

    /* the clone outlives its source and still reads the shared records */
    CU_ASSERT_EQUAL(IVssEnumObject_Release(enumerator), 0);
    CU_ASSERT_EQUAL(IVssEnumObject_Reset(clone), S_OK);
    CU_ASSERT_EQUAL(IVssEnumObject_Skip(clone, 3), S_OK);
    CU_ASSERT_EQUAL(IVssEnumObject_Next(clone, 1, &prop, &fetched), S_OK);
    CU_ASSERT_EQUAL(prop.Type, VSS_OBJECT_PROVIDER);
    CoTaskMemFree(prop.Obj.Prov.m_pwszProviderName);
    CoTaskMemFree(prop.Obj.Prov.m_pwszProviderVersion);
    CU_ASSERT_EQUAL(IVssEnumObject_Release(clone), 0);
}

static void test_empty_and_qi(void)
{
    IVssEnumObject *enumerator;
    VSS_OBJECT_PROP prop;
    IUnknown *unk;
    void *other;
    ULONG fetched = 7;

    CU_ASSERT_EQUAL_FATAL(enum_object_create(NULL, 0, &enumerator), S_OK);
    CU_ASSERT_EQUAL(IVssEnumObject_Next(enumerator, 1, &prop, &fetched), S_FALSE);
    CU_ASSERT_EQUAL(fetched, 0);
    CU_ASSERT_EQUAL(IVssEnumObject_Skip(enumerator, 1), S_FALSE);
    CU_ASSERT_EQUAL(IVssEnumObject_Skip(enumerator, 0), S_OK);

    CU_ASSERT_EQUAL(IVssEnumObject_QueryInterface(enumerator, &IID_IUnknown, (void **)&unk), S_OK);
    IUnknown_Release(unk);
    other = (void *)1;
    CU_ASSERT_EQUAL(IVssEnumObject_QueryInterface(enumerator, &IID_IVssEnumMgmtObject, &other), E_NOINTERFACE);
    CU_ASSERT_PTR_NULL(other);
    CU_ASSERT_EQUAL(IVssEnumObject_Release(enumerator), 0);
}

static void test_mgmt(void)
{
    VSS_MGMT_OBJECT_PROP *items = calloc(2, sizeof(*items));
    VSS_MGMT_OBJECT_PROP props[3];
    IVssEnumMgmtObject *enumerator, *clone;
    ULONG fetched;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    items[0].Type = VSS_MGMT_OBJECT_VOLUME;
    items[0].Obj.Vol.m_pwszVolumeName = task_str(L"\\\\?\\Volume{387b7d06-ab36-4a72-b7c4-e68c649ecf60}\\");
    items[0].Obj.Vol.m_pwszVolumeDisplayName = task_str(L"/srv/data/");
    items[1].Type = VSS_MGMT_OBJECT_DIFF_AREA;
    items[1].Obj.DiffArea.m_pwszVolumeName = task_str(L"/srv/data/");
    items[1].Obj.DiffArea.m_pwszDiffAreaVolumeName = task_str(L"/srv/data/");
    items[1].Obj.DiffArea.m_llMaximumDiffSpace = -1;
    CU_ASSERT_EQUAL_FATAL(enum_mgmt_create(items, 2, &enumerator), S_OK);

    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Next(enumerator, 3, props, &fetched), S_FALSE);
    CU_ASSERT_EQUAL(fetched, 2);
    CU_ASSERT_EQUAL(props[0].Type, VSS_MGMT_OBJECT_VOLUME);
    CU_ASSERT(!wcscmp(props[0].Obj.Vol.m_pwszVolumeDisplayName, L"/srv/data/"));
    CU_ASSERT_EQUAL(props[1].Obj.DiffArea.m_llMaximumDiffSpace, -1);
    mgmt_prop_clear(&props[0]);
    mgmt_prop_clear(&props[1]);
    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Next(enumerator, 1, NULL, &fetched), E_POINTER);

    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Reset(enumerator), S_OK);
    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Skip(enumerator, 1), S_OK);
    CU_ASSERT_EQUAL_FATAL(IVssEnumMgmtObject_Clone(enumerator, &clone), S_OK);
    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Release(enumerator), 0);
    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Next(clone, 1, props, &fetched), S_OK);
    CU_ASSERT_EQUAL(props[0].Type, VSS_MGMT_OBJECT_DIFF_AREA);
    CoTaskMemFree(props[0].Obj.DiffArea.m_pwszVolumeName);
    CoTaskMemFree(props[0].Obj.DiffArea.m_pwszDiffAreaVolumeName);
    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Skip(clone, 1), S_FALSE);
    CU_ASSERT_EQUAL(IVssEnumMgmtObject_Release(clone), 0);
}

static CU_TestInfo enum_tests[] =
{
    { "Next: S_OK, S_FALSE at the end, E_POINTER", test_next },
    { "Skip, Reset and Clone", test_skip_reset_clone },
    { "empty enumerator and QueryInterface", test_empty_and_qi },
    { "IVssEnumMgmtObject", test_mgmt },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(enum, NULL, NULL, enum_tests);
