/*
 * test_cxx_calls.cpp: C++ code calls objects implemented in C through the C++
 * form of the VSS interfaces and reaches the right C function with the right
 * arguments: default arguments (IVssAsync::Wait() is Wait(INFINITE)), bool
 * and by-value GUID arguments, deep slots of IVssBackupComponentsEx4, the two
 * bases of IVssWriterComponentsExt and IVssCreateWriterMetadataEx, and the
 * by-value VSS_ID that IVssWriterImpl::GetCurrentSnapshotSetId returns
 * (DESIGN.md §2; VSS-SIGNATURES.md §2 notes 4 and 6, §3).  __uuidof gives the
 * same GUIDs as the IID_ constants.  The other way round, C code calls objects
 * that g++ compiled, both bases of a two-base one included.  The C side is in
 * tests/lib/cobjects.c.
 *
 * make check-mingw compiles this file against MinGW-w64's headers too (with
 * UMBRA_MINGW_CHECK); what MinGW declares differently (VSS-SIGNATURES.md §7:
 * no IUnknown second base, no default for SetSelectedForRestoreEx's instanceId,
 * no const getters on IVssWriterImpl) is left out there.
 */
#ifndef UMBRA_MINGW_CHECK
/* First: CUnit brings in <cmath>, which windef.h's min and max macros break. */
#include "harness.h"
#else
/* Only compiled there, never run: the assertions need only type-check. */
#define CU_ASSERT(x) ((void)(x))
#define CU_ASSERT_EQUAL(a, b) ((void)((a) == (b)))
#define CU_ASSERT_FATAL(x) ((void)(x))
#endif
#include <stddef.h>
#include <string.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsprov.h>
#include <vsmgmt.h>
#include "lib/cobjects.h"

static const VSS_ID instance_id = { 0x11111111, 0x2222, 0x3333, { 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } };
static const VSS_ID writer_id = { 0xa1b2c3d4, 0xe5f6, 0x0718, { 0x29, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e, 0x8f, 0x90 } };
static const VSS_ID snapshot_set_id = { 0xdeadbeef, 0xcafe, 0xf00d, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static bool called(const char *method)
{
    return c_last_call.method && !strcmp(c_last_call.method, method);
}

/* VSS-SIGNATURES.md §3.2, VSS-FACTS.md §2.4: Wait's timeout defaults to INFINITE. */
static void test_async_default_argument(void)
{
    IVssAsync *async = c_async_create(VSS_S_ASYNC_FINISHED);
    HRESULT hr, status = E_FAIL;

    CU_ASSERT_FATAL(async != NULL);
    c_last_call_reset();
    hr = async->Wait();
    CU_ASSERT_EQUAL(hr, S_OK);
    CU_ASSERT(called("IVssAsync::Wait"));
    CU_ASSERT_EQUAL(c_last_call.dword_arg, INFINITE);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 0xFFFFFFFFu);

    async->Wait(250);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 250u);

    hr = async->QueryStatus(&status, NULL);
    CU_ASSERT_EQUAL(hr, S_OK);
    CU_ASSERT(called("IVssAsync::QueryStatus"));
    CU_ASSERT_EQUAL(status, VSS_S_ASYNC_FINISHED);

    async->Cancel();
    CU_ASSERT(called("IVssAsync::Cancel"));
    async->QueryStatus(&status, NULL);
    CU_ASSERT_EQUAL(status, VSS_S_ASYNC_CANCELLED);
    CU_ASSERT_EQUAL(async->QueryStatus(NULL, NULL), E_INVALIDARG);

    CU_ASSERT_EQUAL(async->Release(), 0u);
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
}

static void test_async_query_interface(void)
{
    IVssAsync *async = c_async_create(S_OK), *again = NULL;
    IUnknown *unknown = NULL;
    void *other = &other;

    CU_ASSERT_FATAL(async != NULL);
    CU_ASSERT_EQUAL(async->QueryInterface(__uuidof(IVssAsync), (void **)&again), S_OK);
    CU_ASSERT(again == async);
    CU_ASSERT_EQUAL(async->QueryInterface(IID_IUnknown, (void **)&unknown), S_OK);
    CU_ASSERT(unknown == static_cast<IUnknown *>(async));
    CU_ASSERT_EQUAL(async->QueryInterface(IID_IVssBackupComponents, &other), E_NOINTERFACE);
    CU_ASSERT(other == NULL);

    CU_ASSERT_EQUAL(unknown->Release(), 2u);
    CU_ASSERT_EQUAL(again->Release(), 1u);
    CU_ASSERT_EQUAL(async->Release(), 0u);
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
}

/* __uuidof(X) is IID_X for every interface, including the ones written by hand
 * (VSS-SIGNATURES.md §3; those without a Microsoft IID are GUID_NULL, §7 note 7). */
static void test_uuidof(void)
{
    IVssAsync *async = NULL;

    CU_ASSERT(__uuidof(IVssAsync) == IID_IVssAsync);
    CU_ASSERT(__uuidof(async) == IID_IVssAsync);
    CU_ASSERT(__uuidof(IVssEnumObject) == IID_IVssEnumObject);
    CU_ASSERT(__uuidof(IVssBackupComponents) == IID_IVssBackupComponents);
    CU_ASSERT(__uuidof(IVssBackupComponentsEx4) == IID_IVssBackupComponentsEx4);
    CU_ASSERT(__uuidof(IVssExamineWriterMetadataEx2) == IID_IVssExamineWriterMetadataEx2);
    CU_ASSERT(__uuidof(IVssComponentEx2) == IID_IVssComponentEx2);
    CU_ASSERT(__uuidof(IVssCreateWriterMetadataEx) == IID_IVssCreateWriterMetadataEx);
    CU_ASSERT(__uuidof(IVssExpressWriter) == IID_IVssExpressWriter);
    CU_ASSERT(__uuidof(IVssSoftwareSnapshotProvider) == IID_IVssSoftwareSnapshotProvider);
    CU_ASSERT(__uuidof(IVssHardwareSnapshotProviderEx) == IID_IVssHardwareSnapshotProviderEx);
    CU_ASSERT(__uuidof(IVssSnapshotMgmt) == IID_IVssSnapshotMgmt);
    CU_ASSERT(__uuidof(IVssDifferentialSoftwareSnapshotMgmt3) == IID_IVssDifferentialSoftwareSnapshotMgmt3);
    CU_ASSERT(__uuidof(IVssEnumMgmtObject) == IID_IVssEnumMgmtObject);
    CU_ASSERT(__uuidof(IVssWriterImpl) == GUID_NULL);
    CU_ASSERT(__uuidof(IVssWriterComponentsExt) == GUID_NULL);
    CU_ASSERT(__uuidof(IVssWMFiledesc) == GUID_NULL);
    CU_ASSERT(__uuidof(IVssAsync) != __uuidof(IVssEnumObject));
    CU_ASSERT(IsEqualGUID(__uuidof(IVssAsync), IID_IVssAsync));
}

/* VSS-SIGNATURES.md §2 note 6, §3.18: the interface pointer's own vtable starts
 * with IVssWriterComponents' methods; IUnknown is a second base one pointer
 * further on. */
static void test_two_base_writer_components(void)
{
    IVssWriterComponentsExt *ext = c_writer_components_create(3, &instance_id, &writer_id);
    IVssWriterComponents *components = ext;
    IVssComponent *component = NULL;
    VSS_ID instance = GUID_NULL, writer = GUID_NULL;
    UINT count = 0;

    CU_ASSERT_FATAL(ext != NULL);
    CU_ASSERT((void *)components == (void *)ext);
    CU_ASSERT_EQUAL(ext->GetComponentCount(&count), S_OK);
    CU_ASSERT(called("IVssWriterComponents::GetComponentCount"));
    CU_ASSERT_EQUAL(count, 3u);
    CU_ASSERT_EQUAL(components->GetWriterInfo(&instance, &writer), S_OK);
    CU_ASSERT(instance == instance_id);
    CU_ASSERT(writer == writer_id);
    CU_ASSERT_EQUAL(ext->GetComponent(7, &component), E_INVALIDARG);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 7u);
    CU_ASSERT(component == NULL);
    CU_ASSERT_EQUAL(ext->GetComponentCount(NULL), E_INVALIDARG);

#ifndef UMBRA_MINGW_CHECK   /* MinGW-w64 has no IUnknown base here (§7 note 1) */
    {
        IUnknown *unknown = static_cast<IUnknown *>(ext), *queried = NULL;

        CU_ASSERT_EQUAL((char *)unknown - (char *)ext, (ptrdiff_t)sizeof(void *));
        CU_ASSERT_EQUAL(ext->AddRef(), 2u);
        CU_ASSERT_EQUAL(ext->QueryInterface(IID_IUnknown, (void **)&queried), S_OK);
        CU_ASSERT(queried == unknown);
        CU_ASSERT_EQUAL(queried->Release(), 2u);
        CU_ASSERT_EQUAL(ext->Release(), 1u);
        CU_ASSERT_EQUAL(unknown->Release(), 0u);
    }
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
#endif
}

/* VSS-SIGNATURES.md §3.9-3.10: defaults of AddComponent and AddDatabaseFiles,
 * bool arguments, AddExcludeFilesFromSnapshot in slot 12 after the first base. */
static void test_two_base_writer_metadata(void)
{
    IVssCreateWriterMetadataEx *metadata = c_writer_metadata_create();
    IVssCreateWriterMetadata *base = metadata;

    CU_ASSERT_FATAL(metadata != NULL);
    CU_ASSERT_EQUAL(base->AddComponent(VSS_CT_DATABASE, L"Instance", L"Orders", L"Orders database",
                                       NULL, 0, true, false, true), S_OK);
    CU_ASSERT(called("IVssCreateWriterMetadata::AddComponent"));
    CU_ASSERT(!wcscmp(c_last_call.str_arg, L"Orders"));
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], true);
    CU_ASSERT_EQUAL(c_last_call.bool_args[1], false);
    CU_ASSERT_EQUAL(c_last_call.bool_args[2], true);
    CU_ASSERT_EQUAL(c_last_call.bool_args[3], false);   /* bSelectableForRestore = false */
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 0u);         /* dwComponentFlags = 0 */

    metadata->AddComponent(VSS_CT_FILEGROUP, NULL, L"Logs", NULL, NULL, 0, false, true, false, true,
                           VSS_CF_APP_ROLLBACK_RECOVERY);
    CU_ASSERT_EQUAL(c_last_call.bool_args[3], true);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, (DWORD)VSS_CF_APP_ROLLBACK_RECOVERY);

    metadata->AddDatabaseFiles(L"Instance", L"Orders", L"/srv/db", L"*.mdf");
    CU_ASSERT(called("IVssCreateWriterMetadata::AddDatabaseFiles"));
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 0xF0Fu);
    metadata->AddFilesToFileGroup(L"", L"Logs", L"/var/log/app", L"*.log", true, NULL);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, (DWORD)(VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED));
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], true);

    metadata->AddComponentDependency(L"", L"Logs", writer_id, L"", L"Orders");
    CU_ASSERT(c_last_call.guid_arg == writer_id);

    CU_ASSERT_EQUAL(metadata->AddExcludeFilesFromSnapshot(L"/srv/db/tmp", L"*", true), S_OK);
    CU_ASSERT(called("IVssCreateWriterMetadataEx::AddExcludeFilesFromSnapshot"));
    CU_ASSERT(!wcscmp(c_last_call.str_arg, L"/srv/db/tmp"));
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], true);

#ifndef UMBRA_MINGW_CHECK   /* MinGW-w64 has no IUnknown base here (§7 note 2) */
    {
        IVssCreateWriterMetadataEx *again = NULL;

        CU_ASSERT_EQUAL(metadata->QueryInterface(IID_IVssCreateWriterMetadataEx, (void **)&again), S_OK);
        CU_ASSERT(again == metadata);
        CU_ASSERT_EQUAL(static_cast<IUnknown *>(again)->Release(), 1u);
        CU_ASSERT_EQUAL(metadata->Release(), 0u);
    }
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
#endif
}

/* VSS-SIGNATURES.md §2 note 4, §3.11: GetCurrentSnapshotSetId returns a VSS_ID
 * by value; bool results and arguments cross from C to C++ intact. */
static void test_writer_impl(void)
{
    IVssWriterImpl *impl = c_writer_impl_create(&snapshot_set_id, VSS_CTX_APP_ROLLBACK, L"/srv/data/");
    VSS_ID id, session = GUID_NULL;

    CU_ASSERT_FATAL(impl != NULL);
    id = impl->GetCurrentSnapshotSetId();
    CU_ASSERT(called("IVssWriterImpl::GetCurrentSnapshotSetId"));
    CU_ASSERT(id == snapshot_set_id);
    CU_ASSERT_EQUAL(impl->GetContext(), (LONG)VSS_CTX_APP_ROLLBACK);
    CU_ASSERT_EQUAL(impl->GetCurrentVolumeCount(), 2u);
    CU_ASSERT(!wcscmp(impl->GetCurrentVolumeArray()[1], L"C:\\"));
    CU_ASSERT_EQUAL(impl->GetCurrentLevel(), VSS_APP_BACK_END);
    CU_ASSERT(impl->IsPathAffected(L"/srv/data/db/orders.mdf") == true);
    CU_ASSERT(impl->IsPathAffected(L"/home/user") == false);
    CU_ASSERT(impl->IsPathAffected(NULL) == false);
    CU_ASSERT(impl->AreComponentsSelected() == true);
    CU_ASSERT(impl->IsBootableSystemStateBackedUp() == false);
    CU_ASSERT_EQUAL(impl->GetBackupType(), VSS_BT_COPY);
    CU_ASSERT_EQUAL(impl->GetRestoreType(), VSS_RTYPE_BY_COPY);
    CU_ASSERT_EQUAL(impl->GetSessionId(&session), S_OK);
    CU_ASSERT(session == snapshot_set_id);
    CU_ASSERT(impl->IsWriterShuttingDown() == false);

    CU_ASSERT_EQUAL(impl->Initialize(writer_id, L"Orders Writer", NULL, 1, 0, VSS_UT_USERDATA,
                                     VSS_ST_TRANSACTEDDB, VSS_APP_FRONT_END, 60000,
                                     VSS_AWS_NO_ALTERNATE_WRITER, true), S_OK);
    CU_ASSERT(called("IVssWriterImpl::Initialize"));
    CU_ASSERT(c_last_call.guid_arg == writer_id);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, 60000u);
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], true);

    impl->InstallAlternateWriter(writer_id, instance_id);
    CU_ASSERT(c_last_call.guid_arg == instance_id);
    impl->SetWriterFailureEx(VSS_E_WRITERERROR_RETRYABLE, S_FALSE, L"busy");
    CU_ASSERT_EQUAL((HRESULT)c_last_call.dword_arg, VSS_E_WRITERERROR_RETRYABLE);

#ifndef UMBRA_MINGW_CHECK   /* Microsoft's getters are const; MinGW-w64's are not (§7 note 3) */
    {
        const IVssWriterImpl *const_impl = impl;

        CU_ASSERT(const_impl->GetCurrentSnapshotSetId() == snapshot_set_id);
        CU_ASSERT(const_impl->IsPathAffected(L"/srv/data/") == true);
    }
#endif

    CU_ASSERT_EQUAL(impl->Release(), 0u);
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
}

/* VSS-SIGNATURES.md §3.19-3.23: slots 6, 52 and 64 of IVssBackupComponentsEx4,
 * with their defaults (bPartialFileSupport = false, instanceId = GUID_NULL,
 * bNormalizeFQDNforRootPath = FALSE). */
static void test_backup_components_defaults(void)
{
    IVssBackupComponentsEx4 *backup = c_backup_components_create();
    IVssBackupComponents *base = backup;
    VSS_PWSZ root = (VSS_PWSZ)L"x", prefix = (VSS_PWSZ)L"x";

    CU_ASSERT_FATAL(backup != NULL);
    CU_ASSERT_EQUAL(base->SetBackupState(true, false, VSS_BT_FULL), S_OK);
    CU_ASSERT(called("IVssBackupComponents::SetBackupState"));
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], true);
    CU_ASSERT_EQUAL(c_last_call.bool_args[1], false);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, (DWORD)VSS_BT_FULL);
    CU_ASSERT_EQUAL(c_last_call.bool_args[2], false);
    backup->SetBackupState(false, true, VSS_BT_INCREMENTAL, true);
    CU_ASSERT_EQUAL(c_last_call.bool_args[1], true);
    CU_ASSERT_EQUAL(c_last_call.bool_args[2], true);

#ifdef UMBRA_MINGW_CHECK   /* no default for instanceId in MinGW-w64 (§7 note 6) */
    backup->SetSelectedForRestoreEx(writer_id, VSS_CT_FILEGROUP, L"", L"Logs", true, GUID_NULL);
#else
    c_last_call.guid_arg = instance_id;
    CU_ASSERT_EQUAL(backup->SetSelectedForRestoreEx(writer_id, VSS_CT_FILEGROUP, L"", L"Logs", true), S_OK);
#endif
    CU_ASSERT(called("IVssBackupComponentsEx::SetSelectedForRestoreEx"));
    CU_ASSERT(c_last_call.guid_arg == GUID_NULL);
    CU_ASSERT_EQUAL(c_last_call.dword_arg, (DWORD)VSS_CT_FILEGROUP);
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], true);
    backup->SetSelectedForRestoreEx(writer_id, VSS_CT_DATABASE, L"", L"Orders", false, instance_id);
    CU_ASSERT(c_last_call.guid_arg == instance_id);
    CU_ASSERT_EQUAL(c_last_call.bool_args[0], false);

    c_last_call.dword_arg = 7;
    CU_ASSERT_EQUAL(backup->GetRootAndLogicalPrefixPaths((VSS_PWSZ)L"C:\\data", &root, &prefix), E_OUTOFMEMORY);
    CU_ASSERT(called("IVssBackupComponentsEx4::GetRootAndLogicalPrefixPaths"));
    CU_ASSERT_EQUAL(c_last_call.dword_arg, (DWORD)FALSE);
    CU_ASSERT(root == NULL && prefix == NULL);

    CU_ASSERT_EQUAL(backup->Release(), 0u);
    CU_ASSERT_EQUAL(c_objects_alive(), 0);
}

/* ---- the other direction: objects written in C++, called from C ---- */

class CxxAsync final : public IVssAsync
{
public:
    LONG refcount = 1;
    DWORD waited = 0;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **out) override
    {
        if (!out) return E_POINTER;
        if (riid == IID_IUnknown || riid == IID_IVssAsync)
        {
            *out = this;
            AddRef();
            return S_OK;
        }
        *out = NULL;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refcount; }
    ULONG STDMETHODCALLTYPE Release() override { return --refcount; }   /* lives on the stack */
    HRESULT STDMETHODCALLTYPE Cancel() override { return S_OK; }
    HRESULT STDMETHODCALLTYPE Wait(DWORD timeout_ms) override
    {
        waited = timeout_ms;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE QueryStatus(HRESULT *status, INT *reserved) override
    {
        (void)reserved;
        *status = VSS_S_ASYNC_FINISHED;
        return S_OK;
    }
};

/* A g++ object is called right by C code using the C vtable layout. */
static void test_c_calls_cxx_async(void)
{
    CxxAsync async;
    HRESULT status = E_FAIL;

    CU_ASSERT_EQUAL(c_use_async(&async, 1234, &status), S_OK);
    CU_ASSERT_EQUAL(async.waited, 1234u);
    CU_ASSERT_EQUAL(status, VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(async.refcount, 1);
}

#ifndef UMBRA_MINGW_CHECK   /* MinGW-w64 has no IUnknown base here (§7 note 1) */
class CxxWriterComponents final : public IVssWriterComponentsExt
{
public:
    LONG refcount = 1;

    HRESULT STDMETHODCALLTYPE GetComponentCount(UINT *count) override
    {
        *count = 5;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetWriterInfo(VSS_ID *instance, VSS_ID *writer) override
    {
        *instance = instance_id;
        *writer = writer_id;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetComponent(UINT index, IVssComponent **component) override
    {
        (void)index;
        *component = NULL;
        return E_INVALIDARG;
    }
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **out) override
    {
        *out = riid == IID_IUnknown ? static_cast<IUnknown *>(this) : NULL;
        if (!*out) return E_NOINTERFACE;
        AddRef();
        return S_OK;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refcount; }
    ULONG STDMETHODCALLTYPE Release() override { return --refcount; }   /* lives on the stack */
};

/* The C layout of a two-base interface (IUnknown_base one pointer after lpVtbl)
 * is the layout g++ gives the C++ class: C reaches both of its vtables. */
static void test_c_calls_cxx_two_base(void)
{
    CxxWriterComponents components;
    UINT count = 0;
    ULONG refcount = 0;

    CU_ASSERT_EQUAL(c_use_writer_components(&components, &count, &refcount), S_OK);
    CU_ASSERT_EQUAL(count, 5u);
    CU_ASSERT_EQUAL(refcount, 2u);
    CU_ASSERT_EQUAL(components.refcount, 1);
}
#endif

#ifndef UMBRA_MINGW_CHECK
static CU_TestInfo cxx_calls_tests[] =
{
    { "async_default_argument", test_async_default_argument },
    { "async_query_interface", test_async_query_interface },
    { "uuidof", test_uuidof },
    { "two_base_writer_components", test_two_base_writer_components },
    { "two_base_writer_metadata", test_two_base_writer_metadata },
    { "writer_impl", test_writer_impl },
    { "backup_components_defaults", test_backup_components_defaults },
    { "c_calls_cxx_async", test_c_calls_cxx_async },
    { "c_calls_cxx_two_base", test_c_calls_cxx_two_base },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(cxx_calls, NULL, NULL, cxx_calls_tests);
#else
void (*const mingw_check_tests[])(void) =
{
    test_async_default_argument, test_async_query_interface, test_uuidof,
    test_two_base_writer_components, test_two_base_writer_metadata, test_writer_impl,
    test_backup_components_defaults, test_c_calls_cxx_async,
};
#endif
