/*
 * create_metadata.c: a writer describing itself.  IVssCreateWriterMetadataEx
 * (Microsoft's two-base layout: the IVssCreateWriterMetadata vtable first, an
 * IUnknown second; VSS-SIGNATURES.md §2 note 6) and
 * IVssCreateExpressWriterMetadata, both building a Writer Metadata Document
 * (wmd.h) and saving it with SaveAsXML.  Not the requester's side of the same
 * document: examine.c.
 *
 * The two objects share one set of operations (metadata_*) on the document;
 * the express writer's differ only in what they accept (file groups only, no
 * application rollback, reserved flags false), as Microsoft documents for
 * IVssCreateExpressWriterMetadata::AddComponent.
 */
#define COBJMACROS
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <oleauto.h>
#include <vsserror.h>
#include <vss.h>
#include <vswriter.h>
#include "umbra/debug.h"
#include "wstr.h"
#include "wmd.h"
#include "create_metadata.h"

static HRESULT hresult_from_errno(int err)
{
    switch (err)
    {
    case 0: return S_OK;
    case -ENOMEM: return E_OUTOFMEMORY;
    case -EEXIST: return VSS_E_OBJECT_ALREADY_EXISTS;
    case -ENOENT: return VSS_E_OBJECT_NOT_FOUND;
    default: return E_INVALIDARG;
    }
}

/* --- the operations both interfaces share ------------------------------------- */

static HRESULT metadata_add_files(struct wmd *wmd, struct wmd_file_list *list, LPCWSTR path, LPCWSTR filespec,
                                  bool recursive, LPCWSTR alternate, DWORD mask)
{
    const WCHAR *in[3] = { path, filespec, alternate };
    char *s[3];
    int ret;

    if (!path || !filespec) return E_INVALIDARG;
    if ((ret = wstr_to_utf8_array(in, s, 3))) return hresult_from_errno(ret);
    ret = wmd_add_file(wmd, list, s[0], s[1], recursive, s[2], mask);
    utf8_array_free(s, 3);
    return hresult_from_errno(ret);
}

static HRESULT metadata_add_component(struct wmd *wmd, VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name,
                                      LPCWSTR caption, const BYTE *icon, UINT icon_size, bool restore_metadata,
                                      bool notify_on_backup_complete, bool selectable, bool selectable_for_restore,
                                      DWORD flags)
{
    const WCHAR *in[3] = { logical_path, name, caption };
    char *s[3];
    int ret;

    /* the name is required and "cannot contain backslashes" */
    if (!name || !*name || wcschr(name, '\\')) return E_INVALIDARG;
    if (type != VSS_CT_DATABASE && type != VSS_CT_FILEGROUP) return E_INVALIDARG;
    if (icon_size && !icon) return E_INVALIDARG;
    if ((ret = wstr_to_utf8_array(in, s, 3))) return hresult_from_errno(ret);
    ret = wmd_add_component(wmd, type, s[0], s[1], s[2], icon, icon_size, restore_metadata,
                            notify_on_backup_complete, selectable, selectable_for_restore, flags, NULL);
    utf8_array_free(s, 3);
    return hresult_from_errno(ret);
}

/* The component files go to: one of the given type, else VSS_E_OBJECT_NOT_FOUND. */
static HRESULT find_component(struct wmd *wmd, int type, LPCWSTR logical_path, LPCWSTR name,
                              struct wmd_component **out)
{
    const WCHAR *in[2] = { logical_path, name };
    char *s[2];
    int ret;

    *out = NULL;
    if (!name) return E_INVALIDARG;
    if ((ret = wstr_to_utf8_array(in, s, 2))) return hresult_from_errno(ret);
    *out = wmd_find_component(wmd, s[0], s[1]);
    utf8_array_free(s, 2);
    if (!*out || (type && (*out)->type != type))
    {
        *out = NULL;
        WARN("no component %s\\%s of type %d\n", debugstr_w(logical_path), debugstr_w(name), type);
        return VSS_E_OBJECT_NOT_FOUND;
    }
    return S_OK;
}

static HRESULT metadata_add_component_files(struct wmd *wmd, int type, LPCWSTR logical_path, LPCWSTR name,
                                            LPCWSTR path, LPCWSTR filespec, bool recursive, LPCWSTR alternate,
                                            DWORD mask, int which)
{
    struct wmd_component *c;
    HRESULT hr;

    if (!path || !filespec) return E_INVALIDARG;
    if (FAILED(hr = find_component(wmd, type, logical_path, name, &c))) return hr;
    return metadata_add_files(wmd, which == 0 ? &c->files : which == 1 ? &c->database_files : &c->database_logs,
                              path, filespec, recursive, alternate, mask);
}

static HRESULT metadata_set_restore_method(struct wmd *wmd, VSS_RESTOREMETHOD_ENUM method, LPCWSTR service,
                                           LPCWSTR user_procedure, VSS_WRITERRESTORE_ENUM writer_restore,
                                           bool reboot_required)
{
    const WCHAR *in[2] = { service, user_procedure };
    char *s[2];
    int ret;

    if (method < VSS_RME_UNDEFINED || method > VSS_RME_RESTORE_STOP_START) return E_INVALIDARG;
    if (writer_restore < VSS_WRE_UNDEFINED || writer_restore > VSS_WRE_ALWAYS) return E_INVALIDARG;
    if ((ret = wstr_to_utf8_array(in, s, 2))) return hresult_from_errno(ret);
    ret = wmd_set_restore_method(wmd, method, s[0], s[1], writer_restore, reboot_required);
    utf8_array_free(s, 2);
    return hresult_from_errno(ret);
}

static HRESULT metadata_add_dependency(struct wmd *wmd, LPCWSTR for_logical_path, LPCWSTR for_name, VSS_ID on_writer,
                                       LPCWSTR on_logical_path, LPCWSTR on_name)
{
    const WCHAR *in[2] = { on_logical_path, on_name };
    struct wmd_component *c;
    char *s[2];
    HRESULT hr;
    int ret;

    if (!for_name || !on_name || !*on_name) return E_INVALIDARG;
    if (FAILED(hr = find_component(wmd, 0, for_logical_path, for_name, &c))) return hr;
    if ((ret = wstr_to_utf8_array(in, s, 2))) return hresult_from_errno(ret);
    ret = wmd_add_dependency(wmd, c, &on_writer, s[0], s[1]);
    utf8_array_free(s, 2);
    return hresult_from_errno(ret);
}

static HRESULT metadata_save_bstr(const struct wmd *wmd, BSTR *xml)
{
    char *text;
    size_t len;
    int ret;

    if (!xml) return E_INVALIDARG;
    *xml = NULL;
    if ((ret = wmd_save_utf8(wmd, &text, &len))) return ret == -ENOMEM ? E_OUTOFMEMORY : VSS_E_UNEXPECTED;
    ret = bstr_from_utf8n(text, len, xml);
    free(text);
    return hresult_from_errno(ret);
}

/* --- IVssCreateWriterMetadataEx ------------------------------------------------- */

struct create_metadata
{
    IVssCreateWriterMetadataEx IVssCreateWriterMetadataEx_iface;   /* lpVtbl, then IUnknown_base */
    LONG refcount;
    struct wmd *wmd;
};

static struct create_metadata *impl_from_IVssCreateWriterMetadataEx(IVssCreateWriterMetadataEx *iface)
{
    return CONTAINING_RECORD(iface, struct create_metadata, IVssCreateWriterMetadataEx_iface);
}

static struct create_metadata *impl_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct create_metadata, IVssCreateWriterMetadataEx_iface.IUnknown_base);
}

static HRESULT STDMETHODCALLTYPE create_metadata_QueryInterface(IUnknown *iface, REFIID riid, void **out)
{
    struct create_metadata *metadata = impl_from_IUnknown(iface);

    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);
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
    IUnknown_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE create_metadata_AddRef(IUnknown *iface)
{
    struct create_metadata *metadata = impl_from_IUnknown(iface);
    ULONG refcount = __atomic_add_fetch(&metadata->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE create_metadata_Release(IUnknown *iface)
{
    struct create_metadata *metadata = impl_from_IUnknown(iface);
    ULONG refcount = __atomic_sub_fetch(&metadata->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        wmd_release(metadata->wmd);
        free(metadata);
    }
    return refcount;
}

static const IUnknownVtbl create_metadata_unknown_vtbl =
{
    create_metadata_QueryInterface,
    create_metadata_AddRef,
    create_metadata_Release,
};

/* "Not supported. This method is reserved for system use." */
static HRESULT STDMETHODCALLTYPE create_metadata_AddIncludeFiles(IVssCreateWriterMetadataEx *iface, LPCWSTR path,
                                                                 LPCWSTR filespec, bool recursive, LPCWSTR alternate)
{
    TRACE("%p, %s, %s, %d, %s\n", iface, debugstr_w(path), debugstr_w(filespec), recursive, debugstr_w(alternate));
    WARN("AddIncludeFiles is reserved by Microsoft and not supported\n");
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddExcludeFiles(IVssCreateWriterMetadataEx *iface, LPCWSTR path,
                                                                 LPCWSTR filespec, bool recursive)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %d\n", iface, debugstr_w(path), debugstr_w(filespec), recursive);
    return metadata_add_files(metadata->wmd, &metadata->wmd->excludes, path, filespec, recursive, NULL, 0);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddComponent(IVssCreateWriterMetadataEx *iface,
                                                              VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                              LPCWSTR name, LPCWSTR caption, const BYTE *icon,
                                                              UINT icon_size, bool restore_metadata,
                                                              bool notify_on_backup_complete, bool selectable,
                                                              bool selectable_for_restore, DWORD flags)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %d, %s, %s, %s, %p, %u, %d, %d, %d, %d, %#x\n", iface, type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(caption), icon, icon_size, restore_metadata, notify_on_backup_complete,
          selectable, selectable_for_restore, flags);
    return metadata_add_component(metadata->wmd, type, logical_path, name, caption, icon, icon_size,
                                  restore_metadata, notify_on_backup_complete, selectable, selectable_for_restore,
                                  flags);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddDatabaseFiles(IVssCreateWriterMetadataEx *iface,
                                                                  LPCWSTR logical_path, LPCWSTR database,
                                                                  LPCWSTR path, LPCWSTR filespec, DWORD mask)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %s, %s, %#x\n", iface, debugstr_w(logical_path), debugstr_w(database), debugstr_w(path),
          debugstr_w(filespec), mask);
    return metadata_add_component_files(metadata->wmd, VSS_CT_DATABASE, logical_path, database, path, filespec,
                                        false, NULL, mask, 1);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddDatabaseLogFiles(IVssCreateWriterMetadataEx *iface,
                                                                     LPCWSTR logical_path, LPCWSTR database,
                                                                     LPCWSTR path, LPCWSTR filespec, DWORD mask)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %s, %s, %#x\n", iface, debugstr_w(logical_path), debugstr_w(database), debugstr_w(path),
          debugstr_w(filespec), mask);
    return metadata_add_component_files(metadata->wmd, VSS_CT_DATABASE, logical_path, database, path, filespec,
                                        false, NULL, mask, 2);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddFilesToFileGroup(IVssCreateWriterMetadataEx *iface,
                                                                     LPCWSTR logical_path, LPCWSTR group,
                                                                     LPCWSTR path, LPCWSTR filespec, bool recursive,
                                                                     LPCWSTR alternate, DWORD mask)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %s, %s, %d, %s, %#x\n", iface, debugstr_w(logical_path), debugstr_w(group),
          debugstr_w(path), debugstr_w(filespec), recursive, debugstr_w(alternate), mask);
    return metadata_add_component_files(metadata->wmd, VSS_CT_FILEGROUP, logical_path, group, path, filespec,
                                        recursive, alternate, mask, 0);
}

static HRESULT STDMETHODCALLTYPE create_metadata_SetRestoreMethod(IVssCreateWriterMetadataEx *iface,
                                                                  VSS_RESTOREMETHOD_ENUM method, LPCWSTR service,
                                                                  LPCWSTR user_procedure,
                                                                  VSS_WRITERRESTORE_ENUM writer_restore,
                                                                  bool reboot_required)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %d, %s, %s, %d, %d\n", iface, method, debugstr_w(service), debugstr_w(user_procedure),
          writer_restore, reboot_required);
    return metadata_set_restore_method(metadata->wmd, method, service, user_procedure, writer_restore,
                                       reboot_required);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddAlternateLocationMapping(IVssCreateWriterMetadataEx *iface,
                                                                             LPCWSTR path, LPCWSTR filespec,
                                                                             bool recursive, LPCWSTR destination)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %d, %s\n", iface, debugstr_w(path), debugstr_w(filespec), recursive,
          debugstr_w(destination));
    if (!destination) return E_INVALIDARG;
    return metadata_add_files(metadata->wmd, &metadata->wmd->mappings, path, filespec, recursive, destination, 0);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddComponentDependency(IVssCreateWriterMetadataEx *iface,
                                                                        LPCWSTR for_logical_path, LPCWSTR for_name,
                                                                        VSS_ID on_writer, LPCWSTR on_logical_path,
                                                                        LPCWSTR on_name)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %s, %s, %s\n", iface, debugstr_w(for_logical_path), debugstr_w(for_name),
          debugstr_guid(&on_writer), debugstr_w(on_logical_path), debugstr_w(on_name));
    return metadata_add_dependency(metadata->wmd, for_logical_path, for_name, on_writer, on_logical_path, on_name);
}

static HRESULT STDMETHODCALLTYPE create_metadata_SetBackupSchema(IVssCreateWriterMetadataEx *iface, DWORD schema)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %#x\n", iface, schema);
    metadata->wmd->backup_schema = schema;
    return S_OK;
}

/* No MSXML here to hand out an IXMLDOMDocument; SaveAsXML gives the text. */
static HRESULT STDMETHODCALLTYPE create_metadata_GetDocument(IVssCreateWriterMetadataEx *iface,
                                                             IXMLDOMDocument **doc)
{
    TRACE("%p, %p\n", iface, doc);
    if (!doc) return E_INVALIDARG;
    *doc = NULL;
    WARN("no XML DOM objects on this platform; use SaveAsXML\n");
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE create_metadata_SaveAsXML(IVssCreateWriterMetadataEx *iface, BSTR *xml)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %p\n", iface, xml);
    return metadata_save_bstr(metadata->wmd, xml);
}

static HRESULT STDMETHODCALLTYPE create_metadata_AddExcludeFilesFromSnapshot(IVssCreateWriterMetadataEx *iface,
                                                                             LPCWSTR path, LPCWSTR filespec,
                                                                             bool recursive)
{
    struct create_metadata *metadata = impl_from_IVssCreateWriterMetadataEx(iface);

    TRACE("%p, %s, %s, %d\n", iface, debugstr_w(path), debugstr_w(filespec), recursive);
    return metadata_add_files(metadata->wmd, &metadata->wmd->excludes_from_snapshot, path, filespec, recursive,
                              NULL, 0);
}

static const IVssCreateWriterMetadataExVtbl create_metadata_vtbl =
{
    create_metadata_AddIncludeFiles,
    create_metadata_AddExcludeFiles,
    create_metadata_AddComponent,
    create_metadata_AddDatabaseFiles,
    create_metadata_AddDatabaseLogFiles,
    create_metadata_AddFilesToFileGroup,
    create_metadata_SetRestoreMethod,
    create_metadata_AddAlternateLocationMapping,
    create_metadata_AddComponentDependency,
    create_metadata_SetBackupSchema,
    create_metadata_GetDocument,
    create_metadata_SaveAsXML,
    create_metadata_AddExcludeFilesFromSnapshot,
};

HRESULT create_metadata_new(const struct wmd_identity *identity, IVssCreateWriterMetadataEx **out)
{
    struct create_metadata *metadata;
    int ret;

    *out = NULL;
    if (!(metadata = malloc(sizeof(*metadata)))) return E_OUTOFMEMORY;
    if ((ret = wmd_create(identity, &metadata->wmd)))
    {
        free(metadata);
        return hresult_from_errno(ret);
    }
    metadata->IVssCreateWriterMetadataEx_iface.lpVtbl = &create_metadata_vtbl;
    metadata->IVssCreateWriterMetadataEx_iface.IUnknown_base.lpVtbl = &create_metadata_unknown_vtbl;
    metadata->refcount = 1;
    *out = &metadata->IVssCreateWriterMetadataEx_iface;
    return S_OK;
}

int create_metadata_save_utf8(IVssCreateWriterMetadataEx *iface, char **text, size_t *len)
{
    return wmd_save_utf8(impl_from_IVssCreateWriterMetadataEx(iface)->wmd, text, len);
}

/* --- IVssCreateExpressWriterMetadata --------------------------------------------- */

struct express_metadata
{
    IVssCreateExpressWriterMetadata IVssCreateExpressWriterMetadata_iface;
    LONG refcount;
    struct wmd *wmd;
};

static struct express_metadata *impl_from_IVssCreateExpressWriterMetadata(IVssCreateExpressWriterMetadata *iface)
{
    return CONTAINING_RECORD(iface, struct express_metadata, IVssCreateExpressWriterMetadata_iface);
}

static HRESULT STDMETHODCALLTYPE express_metadata_QueryInterface(IVssCreateExpressWriterMetadata *iface, REFIID riid,
                                                                 void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);
    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssCreateExpressWriterMetadata))
    {
        *out = iface;
        IVssCreateExpressWriterMetadata_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE express_metadata_AddRef(IVssCreateExpressWriterMetadata *iface)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);
    ULONG refcount = __atomic_add_fetch(&metadata->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE express_metadata_Release(IVssCreateExpressWriterMetadata *iface)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);
    ULONG refcount = __atomic_sub_fetch(&metadata->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        wmd_release(metadata->wmd);
        free(metadata);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE express_metadata_AddExcludeFiles(IVssCreateExpressWriterMetadata *iface,
                                                                  LPCWSTR path, LPCWSTR filespec, bool recursive)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %s, %s, %d\n", iface, debugstr_w(path), debugstr_w(filespec), recursive);
    return metadata_add_files(metadata->wmd, &metadata->wmd->excludes, path, filespec, recursive, NULL, 0);
}

/* "Only VSS_CT_FILEGROUP is supported"; bRestoreMetadata and
 * bNotifyOnBackupComplete "should always be set to false"; the flags "cannot
 * include VSS_CF_APP_ROLLBACK_RECOVERY". */
static HRESULT STDMETHODCALLTYPE express_metadata_AddComponent(IVssCreateExpressWriterMetadata *iface,
                                                               VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                               LPCWSTR name, LPCWSTR caption, const BYTE *icon,
                                                               UINT icon_size, bool restore_metadata,
                                                               bool notify_on_backup_complete, bool selectable,
                                                               bool selectable_for_restore, DWORD flags)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %d, %s, %s, %s, %p, %u, %d, %d, %d, %d, %#x\n", iface, type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(caption), icon, icon_size, restore_metadata, notify_on_backup_complete,
          selectable, selectable_for_restore, flags);
    if (type != VSS_CT_FILEGROUP || restore_metadata || notify_on_backup_complete
        || (flags & VSS_CF_APP_ROLLBACK_RECOVERY))
        return E_INVALIDARG;
    return metadata_add_component(metadata->wmd, type, logical_path, name, caption, icon, icon_size, false, false,
                                  selectable, selectable_for_restore, flags);
}

static HRESULT STDMETHODCALLTYPE express_metadata_AddFilesToFileGroup(IVssCreateExpressWriterMetadata *iface,
                                                                      LPCWSTR logical_path, LPCWSTR group,
                                                                      LPCWSTR path, LPCWSTR filespec,
                                                                      bool recursive, LPCWSTR alternate, DWORD mask)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %s, %s, %s, %s, %d, %s, %#x\n", iface, debugstr_w(logical_path), debugstr_w(group),
          debugstr_w(path), debugstr_w(filespec), recursive, debugstr_w(alternate), mask);
    return metadata_add_component_files(metadata->wmd, VSS_CT_FILEGROUP, logical_path, group, path, filespec,
                                        recursive, alternate, mask, 0);
}

static HRESULT STDMETHODCALLTYPE express_metadata_SetRestoreMethod(IVssCreateExpressWriterMetadata *iface,
                                                                   VSS_RESTOREMETHOD_ENUM method, LPCWSTR service,
                                                                   LPCWSTR user_procedure,
                                                                   VSS_WRITERRESTORE_ENUM writer_restore,
                                                                   bool reboot_required)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %d, %s, %s, %d, %d\n", iface, method, debugstr_w(service), debugstr_w(user_procedure),
          writer_restore, reboot_required);
    return metadata_set_restore_method(metadata->wmd, method, service, user_procedure, writer_restore,
                                       reboot_required);
}

static HRESULT STDMETHODCALLTYPE express_metadata_AddComponentDependency(IVssCreateExpressWriterMetadata *iface,
                                                                         LPCWSTR for_logical_path, LPCWSTR for_name,
                                                                         VSS_ID on_writer, LPCWSTR on_logical_path,
                                                                         LPCWSTR on_name)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %s, %s, %s, %s, %s\n", iface, debugstr_w(for_logical_path), debugstr_w(for_name),
          debugstr_guid(&on_writer), debugstr_w(on_logical_path), debugstr_w(on_name));
    return metadata_add_dependency(metadata->wmd, for_logical_path, for_name, on_writer, on_logical_path, on_name);
}

static HRESULT STDMETHODCALLTYPE express_metadata_SetBackupSchema(IVssCreateExpressWriterMetadata *iface,
                                                                  DWORD schema)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %#x\n", iface, schema);
    metadata->wmd->backup_schema = schema;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE express_metadata_SaveAsXML(IVssCreateExpressWriterMetadata *iface, BSTR *xml)
{
    struct express_metadata *metadata = impl_from_IVssCreateExpressWriterMetadata(iface);

    TRACE("%p, %p\n", iface, xml);
    return metadata_save_bstr(metadata->wmd, xml);
}

static const IVssCreateExpressWriterMetadataVtbl express_metadata_vtbl =
{
    express_metadata_QueryInterface,
    express_metadata_AddRef,
    express_metadata_Release,
    express_metadata_AddExcludeFiles,
    express_metadata_AddComponent,
    express_metadata_AddFilesToFileGroup,
    express_metadata_SetRestoreMethod,
    express_metadata_AddComponentDependency,
    express_metadata_SetBackupSchema,
    express_metadata_SaveAsXML,
};

HRESULT create_express_metadata_new(const struct wmd_identity *identity, IVssCreateExpressWriterMetadata **out)
{
    struct express_metadata *metadata;
    int ret;

    *out = NULL;
    if (!(metadata = malloc(sizeof(*metadata)))) return E_OUTOFMEMORY;
    if ((ret = wmd_create(identity, &metadata->wmd)))
    {
        free(metadata);
        return hresult_from_errno(ret);
    }
    metadata->IVssCreateExpressWriterMetadata_iface.lpVtbl = &express_metadata_vtbl;
    metadata->refcount = 1;
    *out = &metadata->IVssCreateExpressWriterMetadata_iface;
    return S_OK;
}

int create_express_metadata_save_utf8(IVssCreateExpressWriterMetadata *iface, char **text, size_t *len)
{
    return wmd_save_utf8(impl_from_IVssCreateExpressWriterMetadata(iface)->wmd, text, len);
}
