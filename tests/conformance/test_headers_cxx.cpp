/*
 * test_headers_cxx.cpp: a C++ program written for Windows includes <windows.h>
 * and the VSS headers and uses them as Microsoft's C++ headers allow: C++
 * bool where Microsoft has bool, the interfaces as classes (with the two-base
 * ones deriving from IUnknown too), __uuidof on interfaces and on the
 * VssSnapshotMgmt coclass, the inline SDK wrappers' types.  Built with -Wall
 * -Wextra -Werror, and by make check-mingw against MinGW-w64's headers
 * (UMBRA_MINGW_CHECK), where VSS-SIGNATURES.md §7's differences are left out.
 */
#ifndef UMBRA_MINGW_CHECK
/* First: CUnit brings in <cmath>, which windef.h's min and max macros break. */
#include "harness.h"
#else
/* Only compiled there, never run: the assertions need only type-check. */
#define CU_ASSERT(x) ((void)(x))
#define CU_ASSERT_EQUAL(a, b) ((void)((a) == (b)))
#endif
#include <string.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsprov.h>
#include <vsmgmt.h>

template <typename A, typename B> struct same_type { static const bool value = false; };
template <typename A> struct same_type<A, A> { static const bool value = true; };

/* Microsoft's bool is C++ bool (VSS-SIGNATURES.md §2 note 2); MinGW-w64 has boolean (§7 note 4). */
#ifdef UMBRA_MINGW_CHECK
typedef boolean ms_bool;
#else
typedef bool ms_bool;
#endif
static_assert(same_type<decltype(VSS_COMPONENTINFO::bSelectable), ms_bool>::value, "bool field");
static_assert(same_type<decltype(VSS_VOLUME_PROTECTION_INFO::m_volumeHasUnusedDiffArea), BOOL>::value,
              "BOOL field");
static_assert(same_type<decltype(&ShouldBlockRevert), HRESULT (*)(LPCWSTR, ms_bool *)>::value,
              "ShouldBlockRevert takes bool *");
static_assert(same_type<decltype(&CreateVssBackupComponents), HRESULT (*)(IVssBackupComponents **)>::value,
              "CreateVssBackupComponents");
static_assert(same_type<decltype(&GetProviderMgmtInterface), HRESULT (*)(VSS_ID, IID, IUnknown **)>::value,
              "GetProviderMgmtInterface takes GUIDs by value");

/* Interface inheritance as Microsoft declares it (VSS-SIGNATURES.md §3). */
static_assert(__is_base_of(IUnknown, IVssBackupComponents), "IVssBackupComponents is IUnknown");
static_assert(__is_base_of(IVssBackupComponentsEx3, IVssBackupComponentsEx4), "Ex4 extends Ex3");
static_assert(__is_base_of(IVssExamineWriterMetadata, IVssExamineWriterMetadataEx2), "Ex2 extends");
static_assert(__is_base_of(IVssComponent, IVssComponentEx2), "IVssComponentEx2 extends IVssComponent");
static_assert(!__is_base_of(IUnknown, IVssWriterComponents), "IVssWriterComponents has no IUnknown");
static_assert(!__is_base_of(IUnknown, IVssCreateWriterMetadata), "IVssCreateWriterMetadata has no IUnknown");
static_assert(__is_base_of(IVssWriterComponents, IVssWriterComponentsExt), "first base");
static_assert(__is_base_of(IVssCreateWriterMetadata, IVssCreateWriterMetadataEx), "first base");
#ifndef UMBRA_MINGW_CHECK   /* MinGW-w64 drops the second base (§7 notes 1-2) */
static_assert(__is_base_of(IUnknown, IVssWriterComponentsExt), "IUnknown is the second base");
static_assert(__is_base_of(IUnknown, IVssCreateWriterMetadataEx), "IUnknown is the second base");
static_assert(sizeof(IVssWriterComponentsExt) == 2 * sizeof(void *), "two vtable pointers");
static_assert(same_type<decltype(&CreateWriter), HRESULT (*)(CVssWriter *, IVssWriterImpl **)>::value,
              "CreateWriter takes a CVssWriter *");  /* not in MinGW-w64 (§7 note 9) */
static_assert(same_type<decltype(&CreateWriterEx), HRESULT (*)(CVssWriterEx *, IVssWriterImpl **)>::value,
              "CreateWriterEx takes a CVssWriterEx *");
#endif

/* __uuidof on a coclass and on interfaces (VSS-FACTS.md §2.2). */
static void test_uuidof(void)
{
    static const GUID mgmt = { 0x0b5a2c52, 0x3eb9, 0x470a, { 0x96, 0xe2, 0x6c, 0x6d, 0x45, 0x70, 0xe4, 0x0f } };
    IVssBackupComponents *backup = NULL;

    CU_ASSERT(__uuidof(VssSnapshotMgmt) == mgmt);
    CU_ASSERT(CLSID_VssSnapshotMgmt == mgmt);
    CU_ASSERT(__uuidof(backup) == IID_IVssBackupComponents);
    CU_ASSERT(__uuidof(IVssProviderCreateSnapshotSet) == IID_IVssProviderCreateSnapshotSet);
    CU_ASSERT(__uuidof(IVssFileShareSnapshotProvider) != IID_IVssSoftwareSnapshotProvider);
}

/* The property records in C++ (VSS-FACTS.md §3.4). */
static void test_records(void)
{
    VSS_OBJECT_PROP object;
    VSS_COMPONENTINFO info;
    VSS_VOLUME_PROTECTION_INFO protection;

    memset(&object, 0, sizeof(object));
    object.Type = VSS_OBJECT_PROVIDER;
    object.Obj.Prov.m_eProviderType = VSS_PROV_SOFTWARE;
    object.Obj.Prov.m_pwszProviderName = (VSS_PWSZ)L"Umbra directory provider";
    CU_ASSERT_EQUAL(object.Obj.Prov.m_eProviderType, VSS_PROV_SOFTWARE);
    CU_ASSERT(!wcscmp(object.Obj.Prov.m_pwszProviderName, L"Umbra directory provider"));

    memset(&info, 0, sizeof(info));
    info.bNotifyOnBackupComplete = true;
    CU_ASSERT(info.bNotifyOnBackupComplete);
    CU_ASSERT(!info.bSelectable);

    memset(&protection, 0, sizeof(protection));
    protection.m_protectionLevel = VSS_PROTECTION_LEVEL_SNAPSHOT;
    protection.m_protectionFault = VSS_PROTECTION_FAULT_DIFF_AREA_FULL;
    CU_ASSERT_EQUAL(protection.m_protectionFault, 8);
    CU_ASSERT_EQUAL(sizeof(protection), 24u);
}

#ifndef UMBRA_MINGW_CHECK
static CU_TestInfo headers_cxx_tests[] =
{
    { "uuidof", test_uuidof },
    { "records", test_records },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(headers_cxx, NULL, NULL, headers_cxx_tests);
#else
void (*const mingw_check_tests[])(void) = { test_uuidof, test_records };
#endif
