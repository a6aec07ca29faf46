/*
 * examine.c: a writer's metadata as a requester reads it.
 *
 * IVssExamineWriterMetadata(Ex, Ex2) over the Writer Metadata Document model
 * (wmd.h), the objects it hands out for components (IVssWMComponent), file
 * sets (IVssWMFiledesc) and dependencies (IVssWMDependency), and the export
 * CreateVssExamineWriterMetadataInternal (behind the SDK's inline
 * CreateVssExamineWriterMetadata).  Not the writer's side of the document:
 * create_metadata.c.
 *
 * Sub-objects hold a reference to the document they came from, so they stay
 * valid after the examine object is released or reloaded by LoadFromXML.
 * Optional strings that are absent come back as S_FALSE with a NULL BSTR, as
 * Microsoft documents for GetRestoreMethod and GetAlternateLocation.
 */
#define COBJMACROS
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <oleauto.h>
#include <vsserror.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "umbra/debug.h"
#include "wstr.h"
#include "xml_parse.h"
#include "wmd.h"
#include "examine.h"

static HRESULT hresult_from_errno(int err)
{
    if (!err) return S_OK;
    if (err == -ENOMEM) return E_OUTOFMEMORY;
    return E_INVALIDARG;
}

static void free_bstrs(BSTR *list, int count)
{
    int i;

    for (i = 0; i < count; i++)
    {
        SysFreeString(list[i]);
        list[i] = NULL;
    }
}

/* --- IVssWMFiledesc ------------------------------------------------------------ */

struct filedesc
{
    IVssWMFiledesc IVssWMFiledesc_iface;
    LONG refcount;
    const char *path;
    const char *filespec;
    const char *alternate;      /* NULL when none */
    BOOL recursive;
    DWORD backup_type_mask;
    char strings[];             /* the three strings above */
};

static struct filedesc *impl_from_IVssWMFiledesc(IVssWMFiledesc *iface)
{
    return CONTAINING_RECORD(iface, struct filedesc, IVssWMFiledesc_iface);
}

static HRESULT STDMETHODCALLTYPE filedesc_QueryInterface(IVssWMFiledesc *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
    {
        *out = iface;
        IVssWMFiledesc_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE filedesc_AddRef(IVssWMFiledesc *iface)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);
    ULONG refcount = __atomic_add_fetch(&desc->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE filedesc_Release(IVssWMFiledesc *iface)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);
    ULONG refcount = __atomic_sub_fetch(&desc->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount) free(desc);
    return refcount;
}

static HRESULT STDMETHODCALLTYPE filedesc_GetPath(IVssWMFiledesc *iface, BSTR *path)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);

    TRACE("%p, %p\n", iface, path);
    if (!path) return E_INVALIDARG;
    return bstr_out_utf8(desc->path, path);
}

static HRESULT STDMETHODCALLTYPE filedesc_GetFilespec(IVssWMFiledesc *iface, BSTR *filespec)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);

    TRACE("%p, %p\n", iface, filespec);
    if (!filespec) return E_INVALIDARG;
    return bstr_out_utf8(desc->filespec, filespec);
}

static HRESULT STDMETHODCALLTYPE filedesc_GetRecursive(IVssWMFiledesc *iface, bool *recursive)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);

    TRACE("%p, %p\n", iface, recursive);
    if (!recursive) return E_INVALIDARG;
    *recursive = !!desc->recursive;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE filedesc_GetAlternateLocation(IVssWMFiledesc *iface, BSTR *alternate)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);

    TRACE("%p, %p\n", iface, alternate);
    if (!alternate) return E_INVALIDARG;
    return bstr_out_utf8(desc->alternate, alternate);
}

static HRESULT STDMETHODCALLTYPE filedesc_GetBackupTypeMask(IVssWMFiledesc *iface, DWORD *mask)
{
    struct filedesc *desc = impl_from_IVssWMFiledesc(iface);

    TRACE("%p, %p\n", iface, mask);
    if (!mask) return E_INVALIDARG;
    *mask = desc->backup_type_mask;
    return S_OK;
}

static const IVssWMFiledescVtbl filedesc_vtbl =
{
    filedesc_QueryInterface,
    filedesc_AddRef,
    filedesc_Release,
    filedesc_GetPath,
    filedesc_GetFilespec,
    filedesc_GetRecursive,
    filedesc_GetAlternateLocation,
    filedesc_GetBackupTypeMask,
};

HRESULT filedesc_create(const char *path, const char *filespec, const char *alternate, BOOL recursive,
                        DWORD backup_type_mask, IVssWMFiledesc **out)
{
    size_t lp = strlen(path) + 1, lf = strlen(filespec) + 1, la = alternate ? strlen(alternate) + 1 : 0;
    struct filedesc *desc;
    char *p;

    if (!(desc = malloc(sizeof(*desc) + lp + lf + la))) return E_OUTOFMEMORY;
    desc->IVssWMFiledesc_iface.lpVtbl = &filedesc_vtbl;
    desc->refcount = 1;
    p = desc->strings;
    desc->path = memcpy(p, path, lp);
    desc->filespec = memcpy(p + lp, filespec, lf);
    desc->alternate = alternate ? memcpy(p + lp + lf, alternate, la) : NULL;
    desc->recursive = recursive;
    desc->backup_type_mask = backup_type_mask;
    *out = &desc->IVssWMFiledesc_iface;
    return S_OK;
}

static HRESULT filedesc_from_list(const struct wmd_file_list *list, UINT index, IVssWMFiledesc **out)
{
    const struct wmd_file *f;

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (index >= list->count) return VSS_E_OBJECT_NOT_FOUND;
    f = &list->items[index];
    return filedesc_create(f->path, f->filespec, f->alternate, f->recursive, f->backup_type_mask, out);
}

/* --- IVssWMDependency ------------------------------------------------------------ */

struct dependency
{
    IVssWMDependency IVssWMDependency_iface;
    LONG refcount;
    struct wmd *wmd;
    const struct wmd_dependency *dep;
};

static struct dependency *impl_from_IVssWMDependency(IVssWMDependency *iface)
{
    return CONTAINING_RECORD(iface, struct dependency, IVssWMDependency_iface);
}

static HRESULT STDMETHODCALLTYPE dependency_QueryInterface(IVssWMDependency *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
    {
        *out = iface;
        IVssWMDependency_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE dependency_AddRef(IVssWMDependency *iface)
{
    struct dependency *dependency = impl_from_IVssWMDependency(iface);
    ULONG refcount = __atomic_add_fetch(&dependency->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE dependency_Release(IVssWMDependency *iface)
{
    struct dependency *dependency = impl_from_IVssWMDependency(iface);
    ULONG refcount = __atomic_sub_fetch(&dependency->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        wmd_release(dependency->wmd);
        free(dependency);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE dependency_GetWriterId(IVssWMDependency *iface, VSS_ID *writer_id)
{
    struct dependency *dependency = impl_from_IVssWMDependency(iface);

    TRACE("%p, %p\n", iface, writer_id);
    if (!writer_id) return E_INVALIDARG;
    *writer_id = dependency->dep->writer_id;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE dependency_GetLogicalPath(IVssWMDependency *iface, BSTR *path)
{
    struct dependency *dependency = impl_from_IVssWMDependency(iface);

    TRACE("%p, %p\n", iface, path);
    if (!path) return E_INVALIDARG;
    return bstr_out_utf8(dependency->dep->logical_path, path);
}

static HRESULT STDMETHODCALLTYPE dependency_GetComponentName(IVssWMDependency *iface, BSTR *name)
{
    struct dependency *dependency = impl_from_IVssWMDependency(iface);

    TRACE("%p, %p\n", iface, name);
    if (!name) return E_INVALIDARG;
    return bstr_out_utf8(dependency->dep->component_name, name);
}

static const IVssWMDependencyVtbl dependency_vtbl =
{
    dependency_QueryInterface,
    dependency_AddRef,
    dependency_Release,
    dependency_GetWriterId,
    dependency_GetLogicalPath,
    dependency_GetComponentName,
};

/* --- IVssWMComponent -------------------------------------------------------------- */

struct wm_component
{
    IVssWMComponent IVssWMComponent_iface;
    LONG refcount;
    struct wmd *wmd;
    const struct wmd_component *component;
};

static struct wm_component *impl_from_IVssWMComponent(IVssWMComponent *iface)
{
    return CONTAINING_RECORD(iface, struct wm_component, IVssWMComponent_iface);
}

static HRESULT STDMETHODCALLTYPE wm_component_QueryInterface(IVssWMComponent *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
    {
        *out = iface;
        IVssWMComponent_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE wm_component_AddRef(IVssWMComponent *iface)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    ULONG refcount = __atomic_add_fetch(&component->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE wm_component_Release(IVssWMComponent *iface)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    ULONG refcount = __atomic_sub_fetch(&component->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        wmd_release(component->wmd);
        free(component);
    }
    return refcount;
}

/* The info block and its icon are one allocation; the BSTRs are separate. */
static HRESULT STDMETHODCALLTYPE wm_component_GetComponentInfo(IVssWMComponent *iface, PVSSCOMPONENTINFO *out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    const struct wmd_component *c = component->component;
    VSS_COMPONENTINFO *info;
    HRESULT hr;

    TRACE("%p, %p\n", iface, out);
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!(info = calloc(1, sizeof(*info) + c->icon_size))) return E_OUTOFMEMORY;
    info->type = c->type;
    if (FAILED(hr = bstr_out_utf8(c->logical_path, &info->bstrLogicalPath))
        || FAILED(hr = bstr_out_utf8(c->name, &info->bstrComponentName))
        || FAILED(hr = bstr_out_utf8(c->caption, &info->bstrCaption)))
    {
        free_bstrs(&info->bstrLogicalPath, 3);
        free(info);
        return hr;
    }
    if (c->icon_size)
    {
        info->pbIcon = (BYTE *)(info + 1);
        memcpy(info->pbIcon, c->icon, c->icon_size);
        info->cbIcon = c->icon_size;
    }
    info->bRestoreMetadata = c->restore_metadata;
    info->bNotifyOnBackupComplete = c->notify_on_backup_complete;
    info->bSelectable = c->selectable;
    info->bSelectableForRestore = c->selectable_for_restore;
    info->dwComponentFlags = c->flags;
    info->cFileCount = c->files.count;
    info->cDatabases = c->database_files.count;
    info->cLogFiles = c->database_logs.count;
    info->cDependencies = c->ndependencies;
    *out = info;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE wm_component_FreeComponentInfo(IVssWMComponent *iface, PVSSCOMPONENTINFO info)
{
    VSS_COMPONENTINFO *p = (VSS_COMPONENTINFO *)info;

    TRACE("%p, %p\n", iface, info);
    if (!p) return E_INVALIDARG;
    SysFreeString(p->bstrLogicalPath);
    SysFreeString(p->bstrComponentName);
    SysFreeString(p->bstrCaption);
    free(p);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE wm_component_GetFile(IVssWMComponent *iface, UINT index, IVssWMFiledesc **out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return filedesc_from_list(&component->component->files, index, out);
}

static HRESULT STDMETHODCALLTYPE wm_component_GetDatabaseFile(IVssWMComponent *iface, UINT index,
                                                              IVssWMFiledesc **out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return filedesc_from_list(&component->component->database_files, index, out);
}

static HRESULT STDMETHODCALLTYPE wm_component_GetDatabaseLogFile(IVssWMComponent *iface, UINT index,
                                                                 IVssWMFiledesc **out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return filedesc_from_list(&component->component->database_logs, index, out);
}

static HRESULT STDMETHODCALLTYPE wm_component_GetDependency(IVssWMComponent *iface, UINT index,
                                                            IVssWMDependency **out)
{
    struct wm_component *component = impl_from_IVssWMComponent(iface);
    struct dependency *dependency;

    TRACE("%p, %u, %p\n", iface, index, out);
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (index >= component->component->ndependencies) return VSS_E_OBJECT_NOT_FOUND;
    if (!(dependency = malloc(sizeof(*dependency)))) return E_OUTOFMEMORY;
    dependency->IVssWMDependency_iface.lpVtbl = &dependency_vtbl;
    dependency->refcount = 1;
    dependency->wmd = component->wmd;
    wmd_addref(dependency->wmd);
    dependency->dep = &component->component->dependencies[index];
    *out = &dependency->IVssWMDependency_iface;
    return S_OK;
}

static const IVssWMComponentVtbl wm_component_vtbl =
{
    wm_component_QueryInterface,
    wm_component_AddRef,
    wm_component_Release,
    wm_component_GetComponentInfo,
    wm_component_FreeComponentInfo,
    wm_component_GetFile,
    wm_component_GetDatabaseFile,
    wm_component_GetDatabaseLogFile,
    wm_component_GetDependency,
};

/* --- IVssExamineWriterMetadataEx2 ---------------------------------------------------- */

struct examine
{
    IVssExamineWriterMetadataEx2 IVssExamineWriterMetadataEx2_iface;
    LONG refcount;
    struct wmd *wmd;        /* replaced as a whole by LoadFromXML */
};

static struct examine *impl_from_IVssExamineWriterMetadataEx2(IVssExamineWriterMetadataEx2 *iface)
{
    return CONTAINING_RECORD(iface, struct examine, IVssExamineWriterMetadataEx2_iface);
}

static HRESULT STDMETHODCALLTYPE examine_QueryInterface(IVssExamineWriterMetadataEx2 *iface, REFIID riid,
                                                        void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssExamineWriterMetadata)
        || IsEqualGUID(riid, &IID_IVssExamineWriterMetadataEx) || IsEqualGUID(riid, &IID_IVssExamineWriterMetadataEx2))
    {
        *out = iface;
        IVssExamineWriterMetadataEx2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE examine_AddRef(IVssExamineWriterMetadataEx2 *iface)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    ULONG refcount = __atomic_add_fetch(&examine->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE examine_Release(IVssExamineWriterMetadataEx2 *iface)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    ULONG refcount = __atomic_sub_fetch(&examine->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        wmd_release(examine->wmd);
        free(examine);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE examine_GetIdentity(IVssExamineWriterMetadataEx2 *iface, VSS_ID *instance_id,
                                                     VSS_ID *writer_id, BSTR *name, VSS_USAGE_TYPE *usage,
                                                     VSS_SOURCE_TYPE *source)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    const struct wmd_identity *id = &examine->wmd->identity;
    HRESULT hr;

    TRACE("%p, %p, %p, %p, %p, %p\n", iface, instance_id, writer_id, name, usage, source);
    if (!instance_id || !writer_id || !name || !usage || !source) return E_INVALIDARG;
    if (FAILED(hr = bstr_out_utf8(id->friendly_name, name))) return hr;
    *instance_id = id->instance_id;
    *writer_id = id->writer_id;
    *usage = id->usage;
    *source = id->source;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetFileCounts(IVssExamineWriterMetadataEx2 *iface, UINT *includes,
                                                       UINT *excludes, UINT *components)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %p, %p, %p\n", iface, includes, excludes, components);
    if (!includes || !excludes || !components) return E_INVALIDARG;
    /* include files are reserved by Microsoft: a document never has any */
    *includes = 0;
    *excludes = examine->wmd->excludes.count;
    *components = examine->wmd->ncomponents;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetIncludeFile(IVssExamineWriterMetadataEx2 *iface, UINT index,
                                                        IVssWMFiledesc **out)
{
    TRACE("%p, %u, %p\n", iface, index, out);
    if (!out) return E_INVALIDARG;
    *out = NULL;
    return VSS_E_OBJECT_NOT_FOUND;
}

static HRESULT STDMETHODCALLTYPE examine_GetExcludeFile(IVssExamineWriterMetadataEx2 *iface, UINT index,
                                                        IVssWMFiledesc **out)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return filedesc_from_list(&examine->wmd->excludes, index, out);
}

static HRESULT STDMETHODCALLTYPE examine_GetComponent(IVssExamineWriterMetadataEx2 *iface, UINT index,
                                                      IVssWMComponent **out)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    struct wm_component *component;

    TRACE("%p, %u, %p\n", iface, index, out);
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (index >= examine->wmd->ncomponents) return VSS_E_OBJECT_NOT_FOUND;
    if (!(component = malloc(sizeof(*component)))) return E_OUTOFMEMORY;
    component->IVssWMComponent_iface.lpVtbl = &wm_component_vtbl;
    component->refcount = 1;
    component->wmd = examine->wmd;
    wmd_addref(component->wmd);
    component->component = examine->wmd->components[index];
    *out = &component->IVssWMComponent_iface;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetRestoreMethod(IVssExamineWriterMetadataEx2 *iface,
                                                          VSS_RESTOREMETHOD_ENUM *method, BSTR *service,
                                                          BSTR *user_procedure, VSS_WRITERRESTORE_ENUM *writer_restore,
                                                          bool *reboot_required, UINT *mappings)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    const struct wmd_restore_method *r = &examine->wmd->restore;
    HRESULT hr;

    TRACE("%p, %p, %p, %p, %p, %p, %p\n", iface, method, service, user_procedure, writer_restore,
          reboot_required, mappings);
    if (!method || !service || !user_procedure || !writer_restore || !reboot_required || !mappings)
        return E_INVALIDARG;
    *service = *user_procedure = NULL;
    *mappings = examine->wmd->mappings.count;
    if (!r->present)
    {
        /* "S_FALSE: the restore method does not exist" */
        *method = VSS_RME_UNDEFINED;
        *writer_restore = VSS_WRE_UNDEFINED;
        *reboot_required = false;
        return S_FALSE;
    }
    if (FAILED(hr = bstr_out_utf8(r->service, service))) return hr;
    if (FAILED(hr = bstr_out_utf8(r->user_procedure, user_procedure)))
    {
        free_bstrs(service, 1);
        return hr;
    }
    *method = r->method;
    *writer_restore = r->writer_restore;
    *reboot_required = !!r->reboot_required;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetAlternateLocationMapping(IVssExamineWriterMetadataEx2 *iface, UINT index,
                                                                     IVssWMFiledesc **out)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return filedesc_from_list(&examine->wmd->mappings, index, out);
}

static HRESULT STDMETHODCALLTYPE examine_GetBackupSchema(IVssExamineWriterMetadataEx2 *iface, DWORD *schema)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %p\n", iface, schema);
    if (!schema) return E_INVALIDARG;
    *schema = examine->wmd->backup_schema;
    return S_OK;
}

/* There is no MSXML here to hand out an IXMLDOMDocument; SaveAsXML gives the
 * same document as text. */
static HRESULT STDMETHODCALLTYPE examine_GetDocument(IVssExamineWriterMetadataEx2 *iface, IXMLDOMDocument **doc)
{
    TRACE("%p, %p\n", iface, doc);
    if (!doc) return E_INVALIDARG;
    *doc = NULL;
    WARN("no XML DOM objects on this platform; use SaveAsXML\n");
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE examine_SaveAsXML(IVssExamineWriterMetadataEx2 *iface, BSTR *xml)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    char *text;
    size_t len;
    int ret;

    TRACE("%p, %p\n", iface, xml);
    if (!xml) return E_INVALIDARG;
    *xml = NULL;
    if ((ret = wmd_save_utf8(examine->wmd, &text, &len))) return ret == -ENOMEM ? E_OUTOFMEMORY : VSS_E_UNEXPECTED;
    ret = bstr_from_utf8n(text, len, xml);
    free(text);
    return hresult_from_errno(ret);
}

static HRESULT STDMETHODCALLTYPE examine_LoadFromXML(IVssExamineWriterMetadataEx2 *iface, BSTR xml)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    struct wmd *wmd;
    int ret;

    TRACE("%p, %s\n", iface, debugstr_wn(xml, 64));
    if (!xml) return E_INVALIDARG;
    if ((ret = wmd_load_wstr(xml, &wmd))) return xml_hresult(ret);
    wmd_release(examine->wmd);
    examine->wmd = wmd;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetIdentityEx(IVssExamineWriterMetadataEx2 *iface, VSS_ID *instance_id,
                                                       VSS_ID *writer_id, BSTR *name, BSTR *instance_name,
                                                       VSS_USAGE_TYPE *usage, VSS_SOURCE_TYPE *source)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);
    HRESULT hr;

    TRACE("%p, %p, %p, %p, %p, %p, %p\n", iface, instance_id, writer_id, name, instance_name, usage, source);
    if (!instance_name) return E_INVALIDARG;
    if (FAILED(hr = examine_GetIdentity(iface, instance_id, writer_id, name, usage, source))) return hr;
    if (FAILED(hr = bstr_out_utf8(examine->wmd->identity.instance_name, instance_name)))
    {
        free_bstrs(name, 1);
        return hr;
    }
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetVersion(IVssExamineWriterMetadataEx2 *iface, DWORD *major, DWORD *minor)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %p, %p\n", iface, major, minor);
    if (!major || !minor) return E_INVALIDARG;
    *major = examine->wmd->identity.major_version;
    *minor = examine->wmd->identity.minor_version;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetExcludeFromSnapshotCount(IVssExamineWriterMetadataEx2 *iface, UINT *count)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = examine->wmd->excludes_from_snapshot.count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE examine_GetExcludeFromSnapshotFile(IVssExamineWriterMetadataEx2 *iface, UINT index,
                                                                    IVssWMFiledesc **out)
{
    struct examine *examine = impl_from_IVssExamineWriterMetadataEx2(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return filedesc_from_list(&examine->wmd->excludes_from_snapshot, index, out);
}

static const IVssExamineWriterMetadataEx2Vtbl examine_vtbl =
{
    examine_QueryInterface,
    examine_AddRef,
    examine_Release,
    examine_GetIdentity,
    examine_GetFileCounts,
    examine_GetIncludeFile,
    examine_GetExcludeFile,
    examine_GetComponent,
    examine_GetRestoreMethod,
    examine_GetAlternateLocationMapping,
    examine_GetBackupSchema,
    examine_GetDocument,
    examine_SaveAsXML,
    examine_LoadFromXML,
    examine_GetIdentityEx,
    examine_GetVersion,
    examine_GetExcludeFromSnapshotCount,
    examine_GetExcludeFromSnapshotFile,
};

HRESULT examine_create(struct wmd *wmd, IVssExamineWriterMetadataEx2 **out)
{
    struct examine *examine;

    *out = NULL;
    if (!(examine = malloc(sizeof(*examine)))) return E_OUTOFMEMORY;
    examine->IVssExamineWriterMetadataEx2_iface.lpVtbl = &examine_vtbl;
    examine->refcount = 1;
    examine->wmd = wmd;
    wmd_addref(wmd);
    *out = &examine->IVssExamineWriterMetadataEx2_iface;
    return S_OK;
}

HRESULT WINAPI CreateVssExamineWriterMetadataInternal(BSTR xml, IVssExamineWriterMetadata **out)
{
    IVssExamineWriterMetadataEx2 *examine;
    struct wmd *wmd;
    HRESULT hr;
    int ret;

    TRACE("%s, %p\n", debugstr_wn(xml, 64), out);
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!xml) return E_INVALIDARG;
    if ((ret = wmd_load_wstr(xml, &wmd))) return xml_hresult(ret);
    hr = examine_create(wmd, &examine);
    wmd_release(wmd);
    if (SUCCEEDED(hr)) *out = (IVssExamineWriterMetadata *)examine;
    return hr;
}
