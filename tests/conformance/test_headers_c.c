/*
 * test_headers_c.c: a C program written for Windows includes <windows.h> and
 * the VSS headers and uses their types, constants and COBJMACROS the way
 * Microsoft documents them, with -Wall -Wextra -Werror; make check-mingw
 * compiles the same file against MinGW-w64's headers (UMBRA_MINGW_CHECK).
 * At run time the values it relies on are checked (VSS-FACTS.md §2.2, §3).
 */
#define COBJMACROS
#ifndef UMBRA_MINGW_CHECK
#include "harness.h"
#else
/* Only compiled there, never run: the assertions need only type-check. */
#define CU_ASSERT(x) ((void)(x))
#define CU_ASSERT_EQUAL(a, b) ((void)((a) == (b)))
#define CU_ASSERT_FATAL(x) ((void)(x))
#endif
#include <string.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsprov.h>
#include <vsmgmt.h>
#include "lib/cobjects.h"

/* VSS-FACTS.md §3.1: vss.h brings vsserror.h; FACILITY_ITF codes. */
static void test_error_codes(void)
{
    HRESULT hr = VSS_E_BAD_STATE;

    CU_ASSERT(FAILED(hr));
    CU_ASSERT_EQUAL((DWORD)hr, 0x80042301u);
    CU_ASSERT_EQUAL((DWORD)VSS_E_OBJECT_NOT_FOUND, 0x80042308u);
    CU_ASSERT_EQUAL((DWORD)VSS_E_SNAPSHOT_SET_IN_PROGRESS, 0x80042316u);
    CU_ASSERT(SUCCEEDED(VSS_S_ASYNC_FINISHED));
    CU_ASSERT_EQUAL((DWORD)VSS_S_ASYNC_PENDING, 0x00042309u);
}

/* VSS-FACTS.md §3.3-3.4: the snapshot record as Query returns it. */
static void test_snapshot_record(void)
{
    VSS_OBJECT_PROP object;
    VSS_SNAPSHOT_PROP *snap = &object.Obj.Snap;
    LONG attributes = VSS_CTX_CLIENT_ACCESSIBLE;

    memset(&object, 0, sizeof(object));
    object.Type = VSS_OBJECT_SNAPSHOT;
    snap->m_SnapshotId = IID_IVssAsync;
    snap->m_lSnapshotsCount = 1;
    snap->m_pwszOriginalVolumeName = (VSS_PWSZ)L"\\\\?\\Volume{0b5a2c52-3eb9-470a-96e2-6c6d4570e40f}\\";
    snap->m_lSnapshotAttributes = attributes;
    snap->m_tsCreationTimestamp = 133000000000000000LL;
    snap->m_eStatus = VSS_SS_CREATED;

    CU_ASSERT_EQUAL(object.Type, VSS_OBJECT_SNAPSHOT);
    CU_ASSERT((snap->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_PERSISTENT) != 0);
    CU_ASSERT((snap->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE) != 0);
    CU_ASSERT((snap->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE) != 0);
    CU_ASSERT((snap->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_NO_WRITERS) != 0);
    CU_ASSERT(IsEqualGUID(&object.Obj.Snap.m_SnapshotId, &IID_IVssAsync));
    CU_ASSERT((void *)&object.Obj.Prov == (void *)&object.Obj.Snap);
    CU_ASSERT_EQUAL(snap->m_eStatus, 12);
    CU_ASSERT_EQUAL(sizeof(snap->m_tsCreationTimestamp), 8u);
}

/* VSS-SIGNATURES.md §6.2: VSS_COMPONENTINFO has four one-byte bools. */
static void test_component_info(void)
{
    VSS_COMPONENTINFO info;
    PVSSCOMPONENTINFO view = &info;

    memset(&info, 0, sizeof(info));
    info.type = VSS_CT_FILEGROUP;
    info.bSelectable = true;
    info.bSelectableForRestore = 1;
    info.dwComponentFlags = VSS_CF_BACKUP_RECOVERY | VSS_CF_NOT_SYSTEM_STATE;

    CU_ASSERT_EQUAL(sizeof(info.bRestoreMetadata), 1u);
    CU_ASSERT(!view->bRestoreMetadata && !view->bNotifyOnBackupComplete);
    CU_ASSERT(view->bSelectable && view->bSelectableForRestore);
    CU_ASSERT_EQUAL(view->dwComponentFlags, 5u);
    CU_ASSERT_EQUAL(view->type, VSS_CT_FILEGROUP);
}

/* Constants of vsbackup.h, vsmgmt.h and vdslun.h (VSS-FACTS.md §3.3). */
static void test_constants(void)
{
    LONGLONG unbounded = VSS_ASSOC_NO_MAX_SPACE;
    VSS_MGMT_OBJECT_PROP area;
    VDS_LUN_INFORMATION lun;

    CU_ASSERT_EQUAL(unbounded, -1);
    CU_ASSERT_EQUAL(VSS_ASSOC_REMOVE, 0);
    CU_ASSERT_EQUAL(VSS_SW_BOOTABLE_STATE, 1);
    CU_ASSERT_EQUAL((LONG)VSS_CTX_FILE_SHARE_BACKUP, (LONG)VSS_VOLSNAP_ATTR_NO_WRITERS);
    CU_ASSERT_EQUAL((DWORD)VSS_CTX_ALL, 0xFFFFFFFFu);
    CU_ASSERT_EQUAL(VSS_APP_AUTO, -1);
    CU_ASSERT_EQUAL(VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED, 0xF0F);
    CU_ASSERT_EQUAL(VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG, 6);

    memset(&area, 0, sizeof(area));
    area.Type = VSS_MGMT_OBJECT_DIFF_AREA;
    area.Obj.DiffArea.m_llMaximumDiffSpace = VSS_ASSOC_NO_MAX_SPACE;
    CU_ASSERT_EQUAL(area.Obj.DiffArea.m_llMaximumDiffSpace, -1);

    memset(&lun, 0, sizeof(lun));
    lun.m_version = VER_VDS_LUN_INFORMATION;
    lun.m_BusType = VDSBusTypeiScsi;
    CU_ASSERT_EQUAL(lun.m_version, 1u);
    CU_ASSERT_EQUAL(lun.m_BusType, 9);
}

/* VSS-FACTS.md §2.2 (IIDs); CLSID_VssSnapshotMgmt is Microsoft's vsmgmt.h value. */
static void test_guids(void)
{
    static const GUID backup = { 0x665c1d5f, 0xc218, 0x414d, { 0xa0, 0x5d, 0x7f, 0xef, 0x5f, 0x9d, 0x5c, 0x86 } };
    static const GUID mgmt = { 0x0b5a2c52, 0x3eb9, 0x470a, { 0x96, 0xe2, 0x6c, 0x6d, 0x45, 0x70, 0xe4, 0x0f } };

    CU_ASSERT(IsEqualIID(&IID_IVssBackupComponents, &backup));
    CU_ASSERT(IsEqualCLSID(&CLSID_VssSnapshotMgmt, &mgmt));
    CU_ASSERT(!IsEqualIID(&IID_IVssBackupComponents, &IID_IVssBackupComponentsEx));
    CU_ASSERT(IsEqualGUID(&GUID_NULL, &IID_IVssWMFiledesc));
}

/* COBJMACROS reach the C objects' methods by name (VSS-SIGNATURES.md §3.2, §3.18). */
static void test_cobjmacros(void)
{
    IVssAsync *async = c_async_create(VSS_S_ASYNC_PENDING);
    IVssWriterComponentsExt *components = c_writer_components_create(2, &IID_IVssAsync, &IID_IVssComponent);
    HRESULT status = S_OK;
    VSS_ID instance, writer;
    UINT count = 0;

    CU_ASSERT_FATAL(async != NULL && components != NULL);
    CU_ASSERT_EQUAL(IVssAsync_Wait(async, 5000), S_OK);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 5000u);
    CU_ASSERT_EQUAL(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
    CU_ASSERT_EQUAL(status, VSS_S_ASYNC_PENDING);
    CU_ASSERT_EQUAL(IVssAsync_AddRef(async), 2u);
    CU_ASSERT_EQUAL(IVssAsync_Release(async), 1u);
    CU_ASSERT_EQUAL(IVssAsync_Release(async), 0u);

    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetComponentCount(components, &count), S_OK);
    CU_ASSERT_EQUAL(count, 2u);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetWriterInfo(components, &instance, &writer), S_OK);
    CU_ASSERT(IsEqualGUID(&writer, &IID_IVssComponent));
#ifndef UMBRA_MINGW_CHECK   /* no IUnknown base in MinGW-w64 (VSS-SIGNATURES.md §7 note 1) */
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_AddRef(components), 2u);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_Release(components), 1u);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_Release(components), 0u);
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
#endif
}

#ifndef UMBRA_MINGW_CHECK
static CU_TestInfo headers_c_tests[] =
{
    { "error_codes", test_error_codes },
    { "snapshot_record", test_snapshot_record },
    { "component_info", test_component_info },
    { "constants", test_constants },
    { "guids", test_guids },
    { "cobjmacros", test_cobjmacros },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(headers_c, NULL, NULL, headers_c_tests);
#else
void (*const mingw_check_tests[])(void) =
{
    test_error_codes, test_snapshot_record, test_component_info, test_constants, test_guids,
    test_cobjmacros,
};
#endif
