/*
 * cobjects.c: the C test doubles of cobjects.h, written the way Umbra's real
 * objects are (Wine's shape: a struct embedding the interface, impl_from_*,
 * methods in vtable order, one vtable at the end of each object).  They hold
 * no VSS behaviour: they record the arguments they receive so that a test
 * calling them from C++ can check what arrived on the C side.  At the end, two
 * C callers of objects that C++ implements.
 */
#define CONST_VTABLE   /* lpVtbl points at const tables, as STYLE.md's objects do */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "lib/cobjects.h"

struct c_call c_last_call;
static LONG alive;

void c_last_call_reset(void)
{
    memset(&c_last_call, 0, sizeof(c_last_call));
}

LONG c_objects_alive(void)
{
    return alive;
}

static void record(const char *method)
{
    c_last_call_reset();
    c_last_call.method = method;
}

/* ---- IVssAsync ---------------------------------------------------------- */

struct c_async
{
    IVssAsync IVssAsync_iface;
    LONG refcount;
    HRESULT status;
};

static struct c_async *impl_from_IVssAsync(IVssAsync *iface)
{
    return CONTAINING_RECORD(iface, struct c_async, IVssAsync_iface);
}

static HRESULT STDMETHODCALLTYPE c_async_QueryInterface(IVssAsync *iface, REFIID riid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssAsync))
    {
        *out = iface;
        iface->lpVtbl->AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE c_async_AddRef(IVssAsync *iface)
{
    return ++impl_from_IVssAsync(iface)->refcount;
}

static ULONG STDMETHODCALLTYPE c_async_Release(IVssAsync *iface)
{
    struct c_async *async = impl_from_IVssAsync(iface);
    ULONG refcount = --async->refcount;

    if (!refcount)
    {
        free(async);
        alive--;
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE c_async_Cancel(IVssAsync *iface)
{
    record("IVssAsync::Cancel");
    impl_from_IVssAsync(iface)->status = VSS_S_ASYNC_CANCELLED;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_async_Wait(IVssAsync *iface, DWORD timeout_ms)
{
    (void)iface;
    record("IVssAsync::Wait");
    c_last_call.dword_arg = timeout_ms;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_async_QueryStatus(IVssAsync *iface, HRESULT *status, INT *reserved)
{
    (void)reserved;
    record("IVssAsync::QueryStatus");
    if (!status) return E_INVALIDARG;
    *status = impl_from_IVssAsync(iface)->status;
    return S_OK;
}

static const IVssAsyncVtbl c_async_vtbl =
{
    c_async_QueryInterface,
    c_async_AddRef,
    c_async_Release,
    c_async_Cancel,
    c_async_Wait,
    c_async_QueryStatus,
};

IVssAsync *c_async_create(HRESULT status)
{
    struct c_async *async = calloc(1, sizeof(*async));

    if (!async) return NULL;
    async->IVssAsync_iface.lpVtbl = &c_async_vtbl;
    async->refcount = 1;
    async->status = status;
    alive++;
    return &async->IVssAsync_iface;
}

/* ---- IVssWriterComponentsExt: IVssWriterComponents + IUnknown ------------ */

struct c_writer_components
{
    IVssWriterComponentsExt IVssWriterComponentsExt_iface;
    LONG refcount;
    UINT count;
    VSS_ID instance_id, writer_id;
};

static struct c_writer_components *impl_from_IVssWriterComponentsExt(IVssWriterComponentsExt *iface)
{
    return CONTAINING_RECORD(iface, struct c_writer_components, IVssWriterComponentsExt_iface);
}

/* The second base: This is &object->IVssWriterComponentsExt_iface.IUnknown_base. */
static struct c_writer_components *components_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct c_writer_components, IVssWriterComponentsExt_iface.IUnknown_base);
}

static HRESULT STDMETHODCALLTYPE c_components_QueryInterface(IUnknown *iface, REFIID riid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
    {
        *out = iface;
        iface->lpVtbl->AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE c_components_AddRef(IUnknown *iface)
{
    return ++components_from_IUnknown(iface)->refcount;
}

static ULONG STDMETHODCALLTYPE c_components_Release(IUnknown *iface)
{
    struct c_writer_components *components = components_from_IUnknown(iface);
    ULONG refcount = --components->refcount;

    if (!refcount)
    {
        free(components);
        alive--;
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE c_components_GetComponentCount(IVssWriterComponentsExt *iface, UINT *count)
{
    record("IVssWriterComponents::GetComponentCount");
    if (!count) return E_INVALIDARG;
    *count = impl_from_IVssWriterComponentsExt(iface)->count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_components_GetWriterInfo(IVssWriterComponentsExt *iface,
                                                             VSS_ID *instance_id, VSS_ID *writer_id)
{
    struct c_writer_components *components = impl_from_IVssWriterComponentsExt(iface);

    record("IVssWriterComponents::GetWriterInfo");
    if (!instance_id || !writer_id) return E_INVALIDARG;
    *instance_id = components->instance_id;
    *writer_id = components->writer_id;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_components_GetComponent(IVssWriterComponentsExt *iface, UINT index,
                                                            IVssComponent **component)
{
    record("IVssWriterComponents::GetComponent");
    c_last_call.dword_arg = index;
    if (!component) return E_INVALIDARG;
    *component = NULL;
    /* the double holds a count, not components */
    return index < impl_from_IVssWriterComponentsExt(iface)->count ? E_UNEXPECTED : E_INVALIDARG;
}

static const IVssWriterComponentsExtVtbl c_components_vtbl =
{
    c_components_GetComponentCount,
    c_components_GetWriterInfo,
    c_components_GetComponent,
};

static const IUnknownVtbl c_components_unknown_vtbl =
{
    c_components_QueryInterface,
    c_components_AddRef,
    c_components_Release,
};

IVssWriterComponentsExt *c_writer_components_create(UINT count, const VSS_ID *instance_id,
                                                    const VSS_ID *writer_id)
{
    struct c_writer_components *components = calloc(1, sizeof(*components));

    if (!components) return NULL;
    components->IVssWriterComponentsExt_iface.lpVtbl = &c_components_vtbl;
    components->IVssWriterComponentsExt_iface.IUnknown_base.lpVtbl = &c_components_unknown_vtbl;
    components->refcount = 1;
    components->count = count;
    components->instance_id = *instance_id;
    components->writer_id = *writer_id;
    alive++;
    return &components->IVssWriterComponentsExt_iface;
}

/* ---- IVssCreateWriterMetadataEx: IVssCreateWriterMetadata + IUnknown ------- */

struct c_writer_metadata
{
    IVssCreateWriterMetadataEx IVssCreateWriterMetadataEx_iface;
    LONG refcount;
};

static struct c_writer_metadata *metadata_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct c_writer_metadata, IVssCreateWriterMetadataEx_iface.IUnknown_base);
}

static HRESULT STDMETHODCALLTYPE c_metadata_QueryInterface(IUnknown *iface, REFIID riid, void **out)
{
    struct c_writer_metadata *metadata = metadata_from_IUnknown(iface);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
        *out = iface;
    else if (IsEqualGUID(riid, &IID_IVssCreateWriterMetadataEx))
        *out = &metadata->IVssCreateWriterMetadataEx_iface;
    else
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    iface->lpVtbl->AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE c_metadata_AddRef(IUnknown *iface)
{
    return ++metadata_from_IUnknown(iface)->refcount;
}

static ULONG STDMETHODCALLTYPE c_metadata_Release(IUnknown *iface)
{
    struct c_writer_metadata *metadata = metadata_from_IUnknown(iface);
    ULONG refcount = --metadata->refcount;

    if (!refcount)
    {
        free(metadata);
        alive--;
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddIncludeFiles(IVssCreateWriterMetadataEx *iface, LPCWSTR path,
                                                             LPCWSTR filespec, bool recursive,
                                                             LPCWSTR alternate)
{
    (void)iface; (void)filespec; (void)alternate;
    record("IVssCreateWriterMetadata::AddIncludeFiles");
    c_last_call.str_arg = path;
    c_last_call.bool_args[0] = recursive;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddExcludeFiles(IVssCreateWriterMetadataEx *iface, LPCWSTR path,
                                                             LPCWSTR filespec, bool recursive)
{
    (void)iface; (void)filespec;
    record("IVssCreateWriterMetadata::AddExcludeFiles");
    c_last_call.str_arg = path;
    c_last_call.bool_args[0] = recursive;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddComponent(IVssCreateWriterMetadataEx *iface, VSS_COMPONENT_TYPE ct,
                                                          LPCWSTR logical_path, LPCWSTR name, LPCWSTR caption,
                                                          const BYTE *icon, UINT icon_size, bool restore_metadata,
                                                          bool notify_on_backup_complete, bool selectable,
                                                          bool selectable_for_restore, DWORD flags)
{
    (void)iface; (void)ct; (void)logical_path; (void)caption; (void)icon; (void)icon_size;
    record("IVssCreateWriterMetadata::AddComponent");
    c_last_call.str_arg = name;
    c_last_call.bool_args[0] = restore_metadata;
    c_last_call.bool_args[1] = notify_on_backup_complete;
    c_last_call.bool_args[2] = selectable;
    c_last_call.bool_args[3] = selectable_for_restore;
    c_last_call.dword_arg = flags;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddDatabaseFiles(IVssCreateWriterMetadataEx *iface,
                                                              LPCWSTR logical_path, LPCWSTR database,
                                                              LPCWSTR path, LPCWSTR filespec, DWORD mask)
{
    (void)iface; (void)logical_path; (void)path; (void)filespec;
    record("IVssCreateWriterMetadata::AddDatabaseFiles");
    c_last_call.str_arg = database;
    c_last_call.dword_arg = mask;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddDatabaseLogFiles(IVssCreateWriterMetadataEx *iface,
                                                                 LPCWSTR logical_path, LPCWSTR database,
                                                                 LPCWSTR path, LPCWSTR filespec, DWORD mask)
{
    (void)iface; (void)logical_path; (void)path; (void)filespec;
    record("IVssCreateWriterMetadata::AddDatabaseLogFiles");
    c_last_call.str_arg = database;
    c_last_call.dword_arg = mask;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddFilesToFileGroup(IVssCreateWriterMetadataEx *iface,
                                                                 LPCWSTR logical_path, LPCWSTR group,
                                                                 LPCWSTR path, LPCWSTR filespec, bool recursive,
                                                                 LPCWSTR alternate, DWORD mask)
{
    (void)iface; (void)logical_path; (void)path; (void)filespec; (void)alternate;
    record("IVssCreateWriterMetadata::AddFilesToFileGroup");
    c_last_call.str_arg = group;
    c_last_call.bool_args[0] = recursive;
    c_last_call.dword_arg = mask;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_SetRestoreMethod(IVssCreateWriterMetadataEx *iface,
                                                              VSS_RESTOREMETHOD_ENUM method, LPCWSTR service,
                                                              LPCWSTR user_procedure,
                                                              VSS_WRITERRESTORE_ENUM writer_restore,
                                                              bool reboot_required)
{
    (void)iface; (void)user_procedure; (void)writer_restore;
    record("IVssCreateWriterMetadata::SetRestoreMethod");
    c_last_call.str_arg = service;
    c_last_call.dword_arg = method;
    c_last_call.bool_args[0] = reboot_required;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddAlternateLocationMapping(IVssCreateWriterMetadataEx *iface,
                                                                         LPCWSTR source_path,
                                                                         LPCWSTR source_filespec,
                                                                         bool recursive, LPCWSTR destination)
{
    (void)iface; (void)source_filespec; (void)destination;
    record("IVssCreateWriterMetadata::AddAlternateLocationMapping");
    c_last_call.str_arg = source_path;
    c_last_call.bool_args[0] = recursive;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddComponentDependency(IVssCreateWriterMetadataEx *iface,
                                                                    LPCWSTR for_logical_path,
                                                                    LPCWSTR for_component, VSS_ID on_writer_id,
                                                                    LPCWSTR on_logical_path,
                                                                    LPCWSTR on_component)
{
    (void)iface; (void)for_logical_path; (void)on_logical_path; (void)on_component;
    record("IVssCreateWriterMetadata::AddComponentDependency");
    c_last_call.str_arg = for_component;
    c_last_call.guid_arg = on_writer_id;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_SetBackupSchema(IVssCreateWriterMetadataEx *iface, DWORD schema)
{
    (void)iface;
    record("IVssCreateWriterMetadata::SetBackupSchema");
    c_last_call.dword_arg = schema;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_metadata_GetDocument(IVssCreateWriterMetadataEx *iface, IXMLDOMDocument **doc)
{
    (void)iface;
    record("IVssCreateWriterMetadata::GetDocument");
    if (!doc) return E_INVALIDARG;
    *doc = NULL;
    return E_NOTIMPL;   /* the double has no document */
}

static HRESULT STDMETHODCALLTYPE c_metadata_SaveAsXML(IVssCreateWriterMetadataEx *iface, BSTR *xml)
{
    (void)iface;
    record("IVssCreateWriterMetadata::SaveAsXML");
    if (!xml) return E_INVALIDARG;
    *xml = NULL;
    return E_NOTIMPL;   /* the double has no document */
}

static HRESULT STDMETHODCALLTYPE c_metadata_AddExcludeFilesFromSnapshot(IVssCreateWriterMetadataEx *iface,
                                                                         LPCWSTR path, LPCWSTR filespec,
                                                                         bool recursive)
{
    (void)iface; (void)filespec;
    record("IVssCreateWriterMetadataEx::AddExcludeFilesFromSnapshot");
    c_last_call.str_arg = path;
    c_last_call.bool_args[0] = recursive;
    return S_OK;
}

static const IVssCreateWriterMetadataExVtbl c_metadata_vtbl =
{
    c_metadata_AddIncludeFiles,
    c_metadata_AddExcludeFiles,
    c_metadata_AddComponent,
    c_metadata_AddDatabaseFiles,
    c_metadata_AddDatabaseLogFiles,
    c_metadata_AddFilesToFileGroup,
    c_metadata_SetRestoreMethod,
    c_metadata_AddAlternateLocationMapping,
    c_metadata_AddComponentDependency,
    c_metadata_SetBackupSchema,
    c_metadata_GetDocument,
    c_metadata_SaveAsXML,
    c_metadata_AddExcludeFilesFromSnapshot,
};

static const IUnknownVtbl c_metadata_unknown_vtbl =
{
    c_metadata_QueryInterface,
    c_metadata_AddRef,
    c_metadata_Release,
};

IVssCreateWriterMetadataEx *c_writer_metadata_create(void)
{
    struct c_writer_metadata *metadata = calloc(1, sizeof(*metadata));

    if (!metadata) return NULL;
    metadata->IVssCreateWriterMetadataEx_iface.lpVtbl = &c_metadata_vtbl;
    metadata->IVssCreateWriterMetadataEx_iface.IUnknown_base.lpVtbl = &c_metadata_unknown_vtbl;
    metadata->refcount = 1;
    alive++;
    return &metadata->IVssCreateWriterMetadataEx_iface;
}

/* ---- IVssWriterImpl ------------------------------------------------------- */

struct c_writer_impl
{
    IVssWriterImpl IVssWriterImpl_iface;
    LONG refcount;
    VSS_ID snapshot_set_id;
    LONG context;
    const WCHAR *affected_prefix;
    LPCWSTR volumes[2];
    HRESULT failure;
};

static struct c_writer_impl *impl_from_IVssWriterImpl(IVssWriterImpl *iface)
{
    return CONTAINING_RECORD(iface, struct c_writer_impl, IVssWriterImpl_iface);
}

static HRESULT STDMETHODCALLTYPE c_impl_QueryInterface(IVssWriterImpl *iface, REFIID riid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
    {
        *out = iface;
        iface->lpVtbl->AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE c_impl_AddRef(IVssWriterImpl *iface)
{
    return ++impl_from_IVssWriterImpl(iface)->refcount;
}

static ULONG STDMETHODCALLTYPE c_impl_Release(IVssWriterImpl *iface)
{
    struct c_writer_impl *impl = impl_from_IVssWriterImpl(iface);
    ULONG refcount = --impl->refcount;

    if (!refcount)
    {
        free(impl);
        alive--;
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE c_impl_Initialize(IVssWriterImpl *iface, VSS_ID writer_id, LPCWSTR name,
                                                   LPCWSTR instance_name, DWORD major, DWORD minor,
                                                   VSS_USAGE_TYPE usage, VSS_SOURCE_TYPE source,
                                                   VSS_APPLICATION_LEVEL level, DWORD timeout_ms,
                                                   VSS_ALTERNATE_WRITER_STATE aws, bool io_throttling_only)
{
    (void)iface; (void)instance_name; (void)major; (void)minor; (void)usage; (void)source; (void)level;
    (void)aws;
    record("IVssWriterImpl::Initialize");
    c_last_call.guid_arg = writer_id;
    c_last_call.str_arg = name;
    c_last_call.dword_arg = timeout_ms;
    c_last_call.bool_args[0] = io_throttling_only;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_impl_Subscribe(IVssWriterImpl *iface, DWORD timeout_ms, DWORD flags)
{
    (void)iface; (void)timeout_ms;
    record("IVssWriterImpl::Subscribe");
    c_last_call.dword_arg = flags;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_impl_Unsubscribe(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::Unsubscribe");
    return S_OK;
}

static void STDMETHODCALLTYPE c_impl_Uninitialize(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::Uninitialize");
}

static LPCWSTR *STDMETHODCALLTYPE c_impl_GetCurrentVolumeArray(IVssWriterImpl *iface)
{
    record("IVssWriterImpl::GetCurrentVolumeArray");
    return impl_from_IVssWriterImpl(iface)->volumes;
}

static UINT STDMETHODCALLTYPE c_impl_GetCurrentVolumeCount(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::GetCurrentVolumeCount");
    return 2;
}

static HRESULT STDMETHODCALLTYPE c_impl_GetSnapshotDeviceName(IVssWriterImpl *iface, LPCWSTR volume,
                                                              LPCWSTR *device)
{
    (void)iface;
    record("IVssWriterImpl::GetSnapshotDeviceName");
    c_last_call.str_arg = volume;
    if (!device) return E_INVALIDARG;
    *device = NULL;
    return VSS_E_OBJECT_NOT_FOUND;
}

static VSS_ID STDMETHODCALLTYPE c_impl_GetCurrentSnapshotSetId(IVssWriterImpl *iface)
{
    record("IVssWriterImpl::GetCurrentSnapshotSetId");
    return impl_from_IVssWriterImpl(iface)->snapshot_set_id;
}

static LONG STDMETHODCALLTYPE c_impl_GetContext(IVssWriterImpl *iface)
{
    record("IVssWriterImpl::GetContext");
    return impl_from_IVssWriterImpl(iface)->context;
}

static VSS_APPLICATION_LEVEL STDMETHODCALLTYPE c_impl_GetCurrentLevel(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::GetCurrentLevel");
    return VSS_APP_BACK_END;
}

static bool STDMETHODCALLTYPE c_impl_IsPathAffected(IVssWriterImpl *iface, LPCWSTR path)
{
    const WCHAR *prefix = impl_from_IVssWriterImpl(iface)->affected_prefix;

    record("IVssWriterImpl::IsPathAffected");
    c_last_call.str_arg = path;
    return path && prefix && !wcsncmp(path, prefix, wcslen(prefix));
}

static bool STDMETHODCALLTYPE c_impl_IsBootableSystemStateBackedUp(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::IsBootableSystemStateBackedUp");
    return false;
}

static bool STDMETHODCALLTYPE c_impl_AreComponentsSelected(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::AreComponentsSelected");
    return true;
}

static VSS_BACKUP_TYPE STDMETHODCALLTYPE c_impl_GetBackupType(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::GetBackupType");
    return VSS_BT_COPY;
}

static VSS_RESTORE_TYPE STDMETHODCALLTYPE c_impl_GetRestoreType(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::GetRestoreType");
    return VSS_RTYPE_BY_COPY;
}

static HRESULT STDMETHODCALLTYPE c_impl_SetWriterFailure(IVssWriterImpl *iface, HRESULT hr)
{
    record("IVssWriterImpl::SetWriterFailure");
    c_last_call.dword_arg = (DWORD)hr;
    impl_from_IVssWriterImpl(iface)->failure = hr;
    return S_OK;
}

static bool STDMETHODCALLTYPE c_impl_IsPartialFileSupportEnabled(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::IsPartialFileSupportEnabled");
    return true;
}

static HRESULT STDMETHODCALLTYPE c_impl_InstallAlternateWriter(IVssWriterImpl *iface, VSS_ID writer_id,
                                                               CLSID clsid)
{
    (void)iface; (void)writer_id;
    record("IVssWriterImpl::InstallAlternateWriter");
    c_last_call.guid_arg = clsid;
    return S_OK;
}

static IVssExamineWriterMetadata *STDMETHODCALLTYPE c_impl_GetIdentityInformation(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::GetIdentityInformation");
    return NULL;
}

static HRESULT STDMETHODCALLTYPE c_impl_SetWriterFailureEx(IVssWriterImpl *iface, HRESULT hr,
                                                           HRESULT hr_application, LPCWSTR message)
{
    (void)hr_application;
    record("IVssWriterImpl::SetWriterFailureEx");
    c_last_call.dword_arg = (DWORD)hr;
    c_last_call.str_arg = message;
    impl_from_IVssWriterImpl(iface)->failure = hr;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_impl_GetSessionId(IVssWriterImpl *iface, VSS_ID *session_id)
{
    record("IVssWriterImpl::GetSessionId");
    if (!session_id) return E_INVALIDARG;
    *session_id = impl_from_IVssWriterImpl(iface)->snapshot_set_id;
    return S_OK;
}

static bool STDMETHODCALLTYPE c_impl_IsWriterShuttingDown(IVssWriterImpl *iface)
{
    (void)iface;
    record("IVssWriterImpl::IsWriterShuttingDown");
    return false;
}

static const IVssWriterImplVtbl c_impl_vtbl =
{
    c_impl_QueryInterface,
    c_impl_AddRef,
    c_impl_Release,
    c_impl_Initialize,
    c_impl_Subscribe,
    c_impl_Unsubscribe,
    c_impl_Uninitialize,
    c_impl_GetCurrentVolumeArray,
    c_impl_GetCurrentVolumeCount,
    c_impl_GetSnapshotDeviceName,
    c_impl_GetCurrentSnapshotSetId,
    c_impl_GetContext,
    c_impl_GetCurrentLevel,
    c_impl_IsPathAffected,
    c_impl_IsBootableSystemStateBackedUp,
    c_impl_AreComponentsSelected,
    c_impl_GetBackupType,
    c_impl_GetRestoreType,
    c_impl_SetWriterFailure,
    c_impl_IsPartialFileSupportEnabled,
    c_impl_InstallAlternateWriter,
    c_impl_GetIdentityInformation,
    c_impl_SetWriterFailureEx,
    c_impl_GetSessionId,
    c_impl_IsWriterShuttingDown,
};

IVssWriterImpl *c_writer_impl_create(const VSS_ID *snapshot_set_id, LONG context, const WCHAR *affected_prefix)
{
    struct c_writer_impl *impl = calloc(1, sizeof(*impl));

    if (!impl) return NULL;
    impl->IVssWriterImpl_iface.lpVtbl = &c_impl_vtbl;
    impl->refcount = 1;
    impl->snapshot_set_id = *snapshot_set_id;
    impl->context = context;
    impl->affected_prefix = affected_prefix;
    impl->volumes[0] = L"/srv/data/";
    impl->volumes[1] = L"C:\\";
    alive++;
    return &impl->IVssWriterImpl_iface;
}

/* ---- IVssBackupComponentsEx4 (a few slots) --------------------------------- */

struct c_backup
{
    IVssBackupComponentsEx4 IVssBackupComponentsEx4_iface;
    LONG refcount;
};

static struct c_backup *impl_from_IVssBackupComponentsEx4(IVssBackupComponentsEx4 *iface)
{
    return CONTAINING_RECORD(iface, struct c_backup, IVssBackupComponentsEx4_iface);
}

static HRESULT STDMETHODCALLTYPE c_backup_QueryInterface(IVssBackupComponentsEx4 *iface, REFIID riid, void **out)
{
    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssBackupComponents)
        || IsEqualGUID(riid, &IID_IVssBackupComponentsEx) || IsEqualGUID(riid, &IID_IVssBackupComponentsEx2)
        || IsEqualGUID(riid, &IID_IVssBackupComponentsEx3) || IsEqualGUID(riid, &IID_IVssBackupComponentsEx4))
    {
        *out = iface;
        iface->lpVtbl->AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE c_backup_AddRef(IVssBackupComponentsEx4 *iface)
{
    return ++impl_from_IVssBackupComponentsEx4(iface)->refcount;
}

static ULONG STDMETHODCALLTYPE c_backup_Release(IVssBackupComponentsEx4 *iface)
{
    struct c_backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = --backup->refcount;

    if (!refcount)
    {
        free(backup);
        alive--;
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE c_backup_SetBackupState(IVssBackupComponentsEx4 *iface, bool select_components,
                                                         bool bootable_system_state, VSS_BACKUP_TYPE type,
                                                         bool partial_file_support)
{
    (void)iface;
    record("IVssBackupComponents::SetBackupState");
    c_last_call.bool_args[0] = select_components;
    c_last_call.bool_args[1] = bootable_system_state;
    c_last_call.dword_arg = type;
    c_last_call.bool_args[2] = partial_file_support;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_backup_SetSelectedForRestoreEx(IVssBackupComponentsEx4 *iface, VSS_ID writer_id,
                                                                  VSS_COMPONENT_TYPE ct, LPCWSTR logical_path,
                                                                  LPCWSTR name, bool selected, VSS_ID instance_id)
{
    (void)iface; (void)writer_id; (void)logical_path;
    record("IVssBackupComponentsEx::SetSelectedForRestoreEx");
    c_last_call.dword_arg = ct;
    c_last_call.str_arg = name;
    c_last_call.bool_args[0] = selected;
    c_last_call.guid_arg = instance_id;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE c_backup_GetRootAndLogicalPrefixPaths(IVssBackupComponentsEx4 *iface,
                                                                       VSS_PWSZ path, VSS_PWSZ *root,
                                                                       VSS_PWSZ *prefix, BOOL normalize_fqdn)
{
    (void)iface;
    record("IVssBackupComponentsEx4::GetRootAndLogicalPrefixPaths");
    c_last_call.str_arg = path;
    c_last_call.dword_arg = (DWORD)normalize_fqdn;
    if (!root || !prefix) return E_INVALIDARG;
    *root = *prefix = NULL;
    return E_OUTOFMEMORY;   /* the double allocates nothing */
}

/* Designated initialisers: only the slots the tests call are filled. */
static const IVssBackupComponentsEx4Vtbl c_backup_vtbl =
{
    .QueryInterface = c_backup_QueryInterface,
    .AddRef = c_backup_AddRef,
    .Release = c_backup_Release,
    .SetBackupState = c_backup_SetBackupState,
    .SetSelectedForRestoreEx = c_backup_SetSelectedForRestoreEx,
    .GetRootAndLogicalPrefixPaths = c_backup_GetRootAndLogicalPrefixPaths,
};

IVssBackupComponentsEx4 *c_backup_components_create(void)
{
    struct c_backup *backup = calloc(1, sizeof(*backup));

    if (!backup) return NULL;
    backup->IVssBackupComponentsEx4_iface.lpVtbl = &c_backup_vtbl;
    backup->refcount = 1;
    alive++;
    return &backup->IVssBackupComponentsEx4_iface;
}

/* ---- C callers of C++ objects ------------------------------------------------- */

HRESULT c_use_async(IVssAsync *async, DWORD timeout_ms, HRESULT *status)
{
    HRESULT hr;

    async->lpVtbl->AddRef(async);
    hr = async->lpVtbl->Wait(async, timeout_ms);
    if (SUCCEEDED(hr)) hr = async->lpVtbl->QueryStatus(async, status, NULL);
    async->lpVtbl->Release(async);
    return hr;
}

HRESULT c_use_writer_components(IVssWriterComponentsExt *components, UINT *count, ULONG *refcount)
{
    IUnknown *unknown = &components->IUnknown_base;
    HRESULT hr;

    *refcount = unknown->lpVtbl->AddRef(unknown);
    hr = components->lpVtbl->GetComponentCount(components, count);
    unknown->lpVtbl->Release(unknown);
    return hr;
}
