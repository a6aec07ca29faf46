/*
 * components.c: one writer's components in a Backup Components Document, as
 * COM objects: IVssWriterComponentsExt (IVssWriterComponents plus an IUnknown
 * second base, Microsoft's two-base layout, VSS-SIGNATURES.md §2 note 6) and
 * IVssComponent / IVssComponentEx / IVssComponentEx2 over bcd.h's model.
 * See components.h for who makes them and what each mode allows.
 *
 * Getters of strings that were never set return S_FALSE and a NULL BSTR, as
 * Microsoft documents for GetBackupMetadata and GetRestoreMetadata; setters
 * refuse NULL with E_INVALIDARG.  Component objects hold a reference to the
 * document, so they stay valid after the IVssWriterComponentsExt is gone.
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
#include "bcd.h"
#include "examine.h"
#include "components.h"

static HRESULT hresult_from_errno(int err)
{
    switch (err)
    {
    case 0: return S_OK;
    case -ENOMEM: return E_OUTOFMEMORY;
    case -ENOENT: return VSS_E_OBJECT_NOT_FOUND;
    case -ERANGE: return VSS_E_OBJECT_NOT_FOUND;
    default: return E_INVALIDARG;
    }
}

/* Several string out-parameters at once: all or none (NULL entries are skipped). */
static HRESULT return_strings(const char *const *values, BSTR **outs, int count)
{
    HRESULT hr;
    int i, j;

    for (i = 0; i < count; i++)
    {
        if (!outs[i]) continue;
        if (FAILED(hr = bstr_out_utf8(values[i], outs[i])))
        {
            for (j = 0; j < i; j++)
                if (outs[j])
                {
                    SysFreeString(*outs[j]);
                    *outs[j] = NULL;
                }
            return hr;
        }
    }
    return S_OK;
}

static UINT64 filetime_to_u64(FILETIME ft)
{
    return ((UINT64)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

/* --- IVssComponentEx2 ---------------------------------------------------------- */

struct component
{
    IVssComponentEx2 IVssComponentEx2_iface;
    LONG refcount;
    struct bcd *bcd;
    struct bcd_component *c;
    enum components_mode mode;
};

static struct component *impl_from_IVssComponentEx2(IVssComponentEx2 *iface)
{
    return CONTAINING_RECORD(iface, struct component, IVssComponentEx2_iface);
}

static HRESULT check_mode(const struct component *component, enum components_mode needed)
{
    if (component->mode == needed) return S_OK;
    WARN("%s: not allowed in this state (mode %d)\n", component->c->name, component->mode);
    return VSS_E_BAD_STATE;
}

/* Replaces a string field with value, if the mode allows it. */
static HRESULT set_text(struct component *component, enum components_mode needed, char **field, LPCWSTR value)
{
    char *utf8;
    HRESULT hr;
    int ret;

    if (!value) return E_INVALIDARG;
    if (FAILED(hr = check_mode(component, needed))) return hr;
    if ((ret = wstr_to_utf8(value, &utf8))) return hresult_from_errno(ret);
    ret = bcd_set_string(field, utf8);
    free(utf8);
    return hresult_from_errno(ret);
}

static HRESULT get_text(const char *value, BSTR *out)
{
    if (!out) return E_INVALIDARG;
    return bstr_out_utf8(value, out);
}

static HRESULT STDMETHODCALLTYPE component_QueryInterface(IVssComponentEx2 *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssComponent)
        || IsEqualGUID(riid, &IID_IVssComponentEx) || IsEqualGUID(riid, &IID_IVssComponentEx2))
    {
        *out = iface;
        IVssComponentEx2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE component_AddRef(IVssComponentEx2 *iface)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    ULONG refcount = __atomic_add_fetch(&component->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE component_Release(IVssComponentEx2 *iface)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    ULONG refcount = __atomic_sub_fetch(&component->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        bcd_release(component->bcd);
        free(component);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE component_GetLogicalPath(IVssComponentEx2 *iface, BSTR *path)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, path);
    return get_text(component->c->logical_path, path);
}

static HRESULT STDMETHODCALLTYPE component_GetComponentType(IVssComponentEx2 *iface, VSS_COMPONENT_TYPE *type)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, type);
    if (!type) return E_INVALIDARG;
    *type = component->c->type;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetComponentName(IVssComponentEx2 *iface, BSTR *name)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, name);
    return get_text(component->c->name, name);
}

static HRESULT STDMETHODCALLTYPE component_GetBackupSucceeded(IVssComponentEx2 *iface, bool *succeeded)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, succeeded);
    if (!succeeded) return E_INVALIDARG;
    *succeeded = !!component->c->backup_succeeded;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetAlternateLocationMappingCount(IVssComponentEx2 *iface, UINT *count)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = component->c->mappings.count;
    return S_OK;
}

static HRESULT fileset_filedesc(const struct bcd_fileset *items, size_t count, UINT index, IVssWMFiledesc **out)
{
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (index >= count) return VSS_E_OBJECT_NOT_FOUND;
    return filedesc_create(items[index].path, items[index].filespec, items[index].alternate, items[index].recursive,
                           0, out);
}

static HRESULT STDMETHODCALLTYPE component_GetAlternateLocationMapping(IVssComponentEx2 *iface, UINT index,
                                                                       IVssWMFiledesc **out)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return fileset_filedesc(component->c->mappings.items, component->c->mappings.count, index, out);
}

static HRESULT STDMETHODCALLTYPE component_SetBackupMetadata(IVssComponentEx2 *iface, LPCWSTR data)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(data));
    return set_text(component, COMPONENTS_BACKUP, &component->c->backup_metadata, data);
}

static HRESULT STDMETHODCALLTYPE component_GetBackupMetadata(IVssComponentEx2 *iface, BSTR *data)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, data);
    return get_text(component->c->backup_metadata, data);
}

static HRESULT STDMETHODCALLTYPE component_AddPartialFile(IVssComponentEx2 *iface, LPCWSTR path, LPCWSTR filename,
                                                          LPCWSTR ranges, LPCWSTR metadata)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const WCHAR *in[4] = { path, filename, ranges, metadata };
    char *s[4];
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %s, %s, %s\n", iface, debugstr_w(path), debugstr_w(filename), debugstr_w(ranges),
          debugstr_w(metadata));
    if (!path || !filename) return E_INVALIDARG;
    if (FAILED(hr = check_mode(component, COMPONENTS_BACKUP))) return hr;
    if ((ret = wstr_to_utf8_array(in, s, 4))) return hresult_from_errno(ret);
    ret = bcd_add_partial_file(component->c, s[0], s[1], s[2], s[3]);
    utf8_array_free(s, 4);
    return hresult_from_errno(ret);
}

static HRESULT STDMETHODCALLTYPE component_GetPartialFileCount(IVssComponentEx2 *iface, UINT *count)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = component->c->partial_files.count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetPartialFile(IVssComponentEx2 *iface, UINT index, BSTR *path,
                                                          BSTR *filename, BSTR *range, BSTR *metadata)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const struct bcd_partial_file *f;
    BSTR *outs[4] = { path, filename, range, metadata };
    const char *values[4];
    HRESULT hr;

    TRACE("%p, %u, %p, %p, %p, %p\n", iface, index, path, filename, range, metadata);
    if (!path || !filename || !range || !metadata) return E_INVALIDARG;
    *path = *filename = *range = *metadata = NULL;
    if (index >= component->c->partial_files.count) return VSS_E_OBJECT_NOT_FOUND;
    f = &component->c->partial_files.items[index];
    values[0] = f->path;
    values[1] = f->filename;
    values[2] = f->ranges;
    values[3] = f->metadata;
    if (FAILED(hr = return_strings(values, outs, 4))) return hr;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_IsSelectedForRestore(IVssComponentEx2 *iface, bool *selected)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, selected);
    if (!selected) return E_INVALIDARG;
    *selected = !!component->c->selected_for_restore;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetAdditionalRestores(IVssComponentEx2 *iface, bool *additional)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, additional);
    if (!additional) return E_INVALIDARG;
    *additional = !!component->c->additional_restores;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetNewTargetCount(IVssComponentEx2 *iface, UINT *count)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = component->c->new_targets.count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetNewTarget(IVssComponentEx2 *iface, UINT index, IVssWMFiledesc **out)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %u, %p\n", iface, index, out);
    return fileset_filedesc(component->c->new_targets.items, component->c->new_targets.count, index, out);
}

static HRESULT STDMETHODCALLTYPE component_AddDirectedTarget(IVssComponentEx2 *iface, LPCWSTR source_path,
                                                             LPCWSTR source_filename, LPCWSTR source_ranges,
                                                             LPCWSTR destination_path, LPCWSTR destination_filename,
                                                             LPCWSTR destination_ranges)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const WCHAR *in[6] = { source_path, source_filename, source_ranges, destination_path, destination_filename,
                           destination_ranges };
    char *s[6];
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %s, %s, %s, %s, %s\n", iface, debugstr_w(source_path), debugstr_w(source_filename),
          debugstr_w(source_ranges), debugstr_w(destination_path), debugstr_w(destination_filename),
          debugstr_w(destination_ranges));
    if (!source_path || !source_filename || !destination_path || !destination_filename) return E_INVALIDARG;
    if (FAILED(hr = check_mode(component, COMPONENTS_RESTORE))) return hr;
    if ((ret = wstr_to_utf8_array(in, s, 6))) return hresult_from_errno(ret);
    ret = bcd_add_directed_target(component->c, s[0], s[1], s[2], s[3], s[4], s[5]);
    utf8_array_free(s, 6);
    return hresult_from_errno(ret);
}

static HRESULT STDMETHODCALLTYPE component_GetDirectedTargetCount(IVssComponentEx2 *iface, UINT *count)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = component->c->directed_targets.count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetDirectedTarget(IVssComponentEx2 *iface, UINT index,
                                                             BSTR *source_path, BSTR *source_filename,
                                                             BSTR *source_ranges, BSTR *destination_path,
                                                             BSTR *destination_filename, BSTR *destination_ranges)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    BSTR *outs[6] = { source_path, source_filename, source_ranges, destination_path, destination_filename,
                      destination_ranges };
    const struct bcd_directed_target *t;
    const char *values[6];
    HRESULT hr;
    int i;

    TRACE("%p, %u, %p, %p, %p, %p, %p, %p\n", iface, index, source_path, source_filename, source_ranges,
          destination_path, destination_filename, destination_ranges);
    for (i = 0; i < 6; i++)
        if (!outs[i]) return E_INVALIDARG;
    for (i = 0; i < 6; i++) *outs[i] = NULL;
    if (index >= component->c->directed_targets.count) return VSS_E_OBJECT_NOT_FOUND;
    t = &component->c->directed_targets.items[index];
    values[0] = t->source_path;
    values[1] = t->source_filename;
    values[2] = t->source_ranges;
    values[3] = t->destination_path;
    values[4] = t->destination_filename;
    values[5] = t->destination_ranges;
    if (FAILED(hr = return_strings(values, outs, 6))) return hr;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_SetRestoreMetadata(IVssComponentEx2 *iface, LPCWSTR metadata)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(metadata));
    return set_text(component, COMPONENTS_RESTORE, &component->c->restore_metadata, metadata);
}

static HRESULT STDMETHODCALLTYPE component_GetRestoreMetadata(IVssComponentEx2 *iface, BSTR *metadata)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, metadata);
    return get_text(component->c->restore_metadata, metadata);
}

static HRESULT STDMETHODCALLTYPE component_SetRestoreTarget(IVssComponentEx2 *iface, VSS_RESTORE_TARGET target)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    HRESULT hr;

    TRACE("%p, %d\n", iface, target);
    if (target < VSS_RT_ORIGINAL || target > VSS_RT_ORIGINAL_LOCATION) return E_INVALIDARG;
    if (FAILED(hr = check_mode(component, COMPONENTS_RESTORE))) return hr;
    component->c->restore_target = target;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetRestoreTarget(IVssComponentEx2 *iface, VSS_RESTORE_TARGET *target)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, target);
    if (!target) return E_INVALIDARG;
    *target = component->c->restore_target;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_SetPreRestoreFailureMsg(IVssComponentEx2 *iface, LPCWSTR msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(msg));
    return set_text(component, COMPONENTS_RESTORE, &component->c->pre_restore_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_GetPreRestoreFailureMsg(IVssComponentEx2 *iface, BSTR *msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, msg);
    return get_text(component->c->pre_restore_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_SetPostRestoreFailureMsg(IVssComponentEx2 *iface, LPCWSTR msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(msg));
    return set_text(component, COMPONENTS_RESTORE, &component->c->post_restore_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_GetPostRestoreFailureMsg(IVssComponentEx2 *iface, BSTR *msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, msg);
    return get_text(component->c->post_restore_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_SetBackupStamp(IVssComponentEx2 *iface, LPCWSTR stamp)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(stamp));
    return set_text(component, COMPONENTS_BACKUP, &component->c->backup_stamp, stamp);
}

static HRESULT STDMETHODCALLTYPE component_GetBackupStamp(IVssComponentEx2 *iface, BSTR *stamp)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, stamp);
    return get_text(component->c->backup_stamp, stamp);
}

static HRESULT STDMETHODCALLTYPE component_GetPreviousBackupStamp(IVssComponentEx2 *iface, BSTR *stamp)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, stamp);
    return get_text(component->c->previous_backup_stamp, stamp);
}

static HRESULT STDMETHODCALLTYPE component_GetBackupOptions(IVssComponentEx2 *iface, BSTR *options)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, options);
    return get_text(component->c->backup_options, options);
}

static HRESULT STDMETHODCALLTYPE component_GetRestoreOptions(IVssComponentEx2 *iface, BSTR *options)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, options);
    return get_text(component->c->restore_options, options);
}

static HRESULT STDMETHODCALLTYPE component_GetRestoreSubcomponentCount(IVssComponentEx2 *iface, UINT *count)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = component->c->subcomponents.count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetRestoreSubcomponent(IVssComponentEx2 *iface, UINT index, BSTR *path,
                                                                  BSTR *name, bool *repair)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const struct bcd_subcomponent *s;
    BSTR *outs[2] = { path, name };
    const char *values[2];
    HRESULT hr;

    TRACE("%p, %u, %p, %p, %p\n", iface, index, path, name, repair);
    if (!path || !name || !repair) return E_INVALIDARG;
    *path = *name = NULL;
    if (index >= component->c->subcomponents.count) return VSS_E_OBJECT_NOT_FOUND;
    s = &component->c->subcomponents.items[index];
    values[0] = s->logical_path;
    values[1] = s->name;
    if (FAILED(hr = return_strings(values, outs, 2))) return hr;
    *repair = !!s->repair;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetFileRestoreStatus(IVssComponentEx2 *iface, VSS_FILE_RESTORE_STATUS *status)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, status);
    if (!status) return E_INVALIDARG;
    *status = component->c->file_restore_status;
    return S_OK;
}

static HRESULT add_differenced(struct component *component, LPCWSTR path, LPCWSTR filespec, BOOL recursive,
                               LPCWSTR lsn, UINT64 time)
{
    const WCHAR *in[3] = { path, filespec, lsn };
    char *s[3];
    HRESULT hr;
    int ret;

    if (!path || !filespec) return E_INVALIDARG;
    if (FAILED(hr = check_mode(component, COMPONENTS_BACKUP))) return hr;
    if ((ret = wstr_to_utf8_array(in, s, 3))) return hresult_from_errno(ret);
    ret = bcd_add_differenced_file(component->c, s[0], s[1], recursive, s[2], time);
    utf8_array_free(s, 3);
    return hresult_from_errno(ret);
}

static HRESULT STDMETHODCALLTYPE component_AddDifferencedFilesByLastModifyTime(IVssComponentEx2 *iface, LPCWSTR path,
                                                                               LPCWSTR filespec, BOOL recursive,
                                                                               FILETIME last_modify_time)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s, %s, %d, %#x:%08x\n", iface, debugstr_w(path), debugstr_w(filespec), recursive,
          last_modify_time.dwHighDateTime, last_modify_time.dwLowDateTime);
    return add_differenced(component, path, filespec, recursive, NULL, filetime_to_u64(last_modify_time));
}

static HRESULT STDMETHODCALLTYPE component_AddDifferencedFilesByLastModifyLSN(IVssComponentEx2 *iface, LPCWSTR path,
                                                                              LPCWSTR filespec, BOOL recursive,
                                                                              BSTR lsn)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s, %s, %d, %s\n", iface, debugstr_w(path), debugstr_w(filespec), recursive, debugstr_w(lsn));
    if (!lsn) return E_INVALIDARG;
    return add_differenced(component, path, filespec, recursive, lsn, 0);
}

static HRESULT STDMETHODCALLTYPE component_GetDifferencedFilesCount(IVssComponentEx2 *iface, UINT *count)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = component->c->differenced_files.count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetDifferencedFile(IVssComponentEx2 *iface, UINT index, BSTR *path,
                                                              BSTR *filespec, BOOL *recursive, BSTR *lsn,
                                                              FILETIME *last_modify_time)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const struct bcd_differenced_file *f;
    BSTR *outs[3] = { path, filespec, lsn };
    const char *values[3];
    HRESULT hr;

    TRACE("%p, %u, %p, %p, %p, %p, %p\n", iface, index, path, filespec, recursive, lsn, last_modify_time);
    if (!path || !filespec || !recursive || !lsn || !last_modify_time) return E_INVALIDARG;
    *path = *filespec = *lsn = NULL;
    if (index >= component->c->differenced_files.count) return VSS_E_OBJECT_NOT_FOUND;
    f = &component->c->differenced_files.items[index];
    values[0] = f->path;
    values[1] = f->filespec;
    values[2] = f->lsn;
    if (FAILED(hr = return_strings(values, outs, 3))) return hr;
    *recursive = f->recursive;
    last_modify_time->dwLowDateTime = (DWORD)f->last_modify_time;
    last_modify_time->dwHighDateTime = (DWORD)(f->last_modify_time >> 32);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_SetPrepareForBackupFailureMsg(IVssComponentEx2 *iface, LPCWSTR msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(msg));
    return set_text(component, COMPONENTS_BACKUP, &component->c->prepare_backup_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_SetPostSnapshotFailureMsg(IVssComponentEx2 *iface, LPCWSTR msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %s\n", iface, debugstr_w(msg));
    return set_text(component, COMPONENTS_BACKUP, &component->c->post_snapshot_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_GetPrepareForBackupFailureMsg(IVssComponentEx2 *iface, BSTR *msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, msg);
    return get_text(component->c->prepare_backup_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_GetPostSnapshotFailureMsg(IVssComponentEx2 *iface, BSTR *msg)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, msg);
    return get_text(component->c->post_snapshot_failure_msg, msg);
}

static HRESULT STDMETHODCALLTYPE component_GetAuthoritativeRestore(IVssComponentEx2 *iface, bool *authoritative)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, authoritative);
    if (!authoritative) return E_INVALIDARG;
    *authoritative = !!component->c->authoritative_restore;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetRollForward(IVssComponentEx2 *iface, VSS_ROLLFORWARD_TYPE *type,
                                                          BSTR *point)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    HRESULT hr;

    TRACE("%p, %p, %p\n", iface, type, point);
    if (!type || !point) return E_INVALIDARG;
    if (FAILED(hr = bstr_out_utf8(component->c->rollforward_point, point))) return hr;
    *type = component->c->rollforward_type;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE component_GetRestoreName(IVssComponentEx2 *iface, BSTR *name)
{
    struct component *component = impl_from_IVssComponentEx2(iface);

    TRACE("%p, %p\n", iface, name);
    return get_text(component->c->restore_name, name);
}

static HRESULT STDMETHODCALLTYPE component_SetFailure(IVssComponentEx2 *iface, HRESULT hr_failure,
                                                      HRESULT hr_application, LPCWSTR message, DWORD reserved)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    char *utf8;
    int ret;

    TRACE("%p, %#x, %#x, %s, %#x\n", iface, hr_failure, hr_application, debugstr_w(message), reserved);
    if (component->mode == COMPONENTS_READONLY) return check_mode(component, COMPONENTS_BACKUP);
    if ((ret = wstr_to_utf8(message, &utf8))) return hresult_from_errno(ret);
    ret = bcd_set_failure(component->c, hr_failure, hr_application, utf8, reserved);
    free(utf8);
    return hresult_from_errno(ret);
}

static HRESULT STDMETHODCALLTYPE component_GetFailure(IVssComponentEx2 *iface, HRESULT *hr_failure,
                                                      HRESULT *hr_application, BSTR *message, DWORD *reserved)
{
    struct component *component = impl_from_IVssComponentEx2(iface);
    const struct bcd_failure *f = &component->c->failure;
    HRESULT hr;

    TRACE("%p, %p, %p, %p, %p\n", iface, hr_failure, hr_application, message, reserved);
    if (!hr_failure || !hr_application || !message || !reserved) return E_INVALIDARG;
    if (FAILED(hr = bstr_out_utf8(f->set ? f->message : NULL, message))) return hr;
    *hr_failure = f->set ? f->hr : S_OK;
    *hr_application = f->set ? f->application_hr : S_OK;
    *reserved = f->set ? f->flags : 0;
    return S_OK;
}

static const IVssComponentEx2Vtbl component_vtbl =
{
    component_QueryInterface,
    component_AddRef,
    component_Release,
    component_GetLogicalPath,
    component_GetComponentType,
    component_GetComponentName,
    component_GetBackupSucceeded,
    component_GetAlternateLocationMappingCount,
    component_GetAlternateLocationMapping,
    component_SetBackupMetadata,
    component_GetBackupMetadata,
    component_AddPartialFile,
    component_GetPartialFileCount,
    component_GetPartialFile,
    component_IsSelectedForRestore,
    component_GetAdditionalRestores,
    component_GetNewTargetCount,
    component_GetNewTarget,
    component_AddDirectedTarget,
    component_GetDirectedTargetCount,
    component_GetDirectedTarget,
    component_SetRestoreMetadata,
    component_GetRestoreMetadata,
    component_SetRestoreTarget,
    component_GetRestoreTarget,
    component_SetPreRestoreFailureMsg,
    component_GetPreRestoreFailureMsg,
    component_SetPostRestoreFailureMsg,
    component_GetPostRestoreFailureMsg,
    component_SetBackupStamp,
    component_GetBackupStamp,
    component_GetPreviousBackupStamp,
    component_GetBackupOptions,
    component_GetRestoreOptions,
    component_GetRestoreSubcomponentCount,
    component_GetRestoreSubcomponent,
    component_GetFileRestoreStatus,
    component_AddDifferencedFilesByLastModifyTime,
    component_AddDifferencedFilesByLastModifyLSN,
    component_GetDifferencedFilesCount,
    component_GetDifferencedFile,
    component_SetPrepareForBackupFailureMsg,
    component_SetPostSnapshotFailureMsg,
    component_GetPrepareForBackupFailureMsg,
    component_GetPostSnapshotFailureMsg,
    component_GetAuthoritativeRestore,
    component_GetRollForward,
    component_GetRestoreName,
    component_SetFailure,
    component_GetFailure,
};

/* --- IVssWriterComponentsExt -------------------------------------------------------- */

struct writer_components
{
    IVssWriterComponentsExt IVssWriterComponentsExt_iface;    /* lpVtbl, then IUnknown_base */
    LONG refcount;
    struct bcd *bcd;
    GUID instance_id;
    GUID writer_id;
    enum components_mode mode;
};

static struct writer_components *impl_from_IVssWriterComponentsExt(IVssWriterComponentsExt *iface)
{
    return CONTAINING_RECORD(iface, struct writer_components, IVssWriterComponentsExt_iface);
}

static struct writer_components *impl_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct writer_components, IVssWriterComponentsExt_iface.IUnknown_base);
}

static HRESULT STDMETHODCALLTYPE writer_components_QueryInterface(IUnknown *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown))
    {
        *out = iface;
        IUnknown_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE writer_components_AddRef(IUnknown *iface)
{
    struct writer_components *components = impl_from_IUnknown(iface);
    ULONG refcount = __atomic_add_fetch(&components->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE writer_components_Release(IUnknown *iface)
{
    struct writer_components *components = impl_from_IUnknown(iface);
    ULONG refcount = __atomic_sub_fetch(&components->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        bcd_release(components->bcd);
        free(components);
    }
    return refcount;
}

static const IUnknownVtbl writer_components_unknown_vtbl =
{
    writer_components_QueryInterface,
    writer_components_AddRef,
    writer_components_Release,
};

static struct bcd_writer *writer_entry(const struct writer_components *components)
{
    return bcd_find_writer(components->bcd, &components->instance_id, &components->writer_id);
}

static HRESULT STDMETHODCALLTYPE writer_components_GetComponentCount(IVssWriterComponentsExt *iface, UINT *count)
{
    struct writer_components *components = impl_from_IVssWriterComponentsExt(iface);
    struct bcd_writer *writer = writer_entry(components);

    TRACE("%p, %p\n", iface, count);
    if (!count) return E_INVALIDARG;
    *count = writer ? writer->ncomponents : 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE writer_components_GetWriterInfo(IVssWriterComponentsExt *iface, VSS_ID *instance_id,
                                                                 VSS_ID *writer_id)
{
    struct writer_components *components = impl_from_IVssWriterComponentsExt(iface);

    TRACE("%p, %p, %p\n", iface, instance_id, writer_id);
    if (!instance_id || !writer_id) return E_INVALIDARG;
    *instance_id = components->instance_id;
    *writer_id = components->writer_id;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE writer_components_GetComponent(IVssWriterComponentsExt *iface, UINT index,
                                                                IVssComponent **out)
{
    struct writer_components *components = impl_from_IVssWriterComponentsExt(iface);
    struct bcd_writer *writer = writer_entry(components);
    struct component *component;

    TRACE("%p, %u, %p\n", iface, index, out);
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!writer || index >= writer->ncomponents) return VSS_E_OBJECT_NOT_FOUND;
    if (!(component = malloc(sizeof(*component)))) return E_OUTOFMEMORY;
    component->IVssComponentEx2_iface.lpVtbl = &component_vtbl;
    component->refcount = 1;
    component->bcd = components->bcd;
    bcd_addref(component->bcd);
    component->c = writer->components[index];
    component->mode = components->mode;
    *out = (IVssComponent *)&component->IVssComponentEx2_iface;
    return S_OK;
}

static const IVssWriterComponentsExtVtbl writer_components_vtbl =
{
    writer_components_GetComponentCount,
    writer_components_GetWriterInfo,
    writer_components_GetComponent,
};

HRESULT components_create(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id,
                          enum components_mode mode, IVssWriterComponentsExt **out)
{
    struct writer_components *components;

    *out = NULL;
    if (!(components = malloc(sizeof(*components)))) return E_OUTOFMEMORY;
    components->IVssWriterComponentsExt_iface.lpVtbl = &writer_components_vtbl;
    components->IVssWriterComponentsExt_iface.IUnknown_base.lpVtbl = &writer_components_unknown_vtbl;
    components->refcount = 1;
    components->bcd = bcd;
    bcd_addref(bcd);
    components->instance_id = *instance_id;
    components->writer_id = *writer_id;
    components->mode = mode;
    *out = &components->IVssWriterComponentsExt_iface;
    return S_OK;
}

HRESULT components_from_utf8(const char *text, size_t len, const GUID *instance_id, const GUID *writer_id,
                             enum components_mode mode, IVssWriterComponentsExt **out)
{
    struct bcd *bcd;
    HRESULT hr;
    int ret;

    *out = NULL;
    if ((ret = bcd_load_utf8(text, len, &bcd))) return xml_hresult(ret);
    hr = components_create(bcd, instance_id, writer_id, mode, out);
    bcd_release(bcd);
    return hr;
}

int components_save_utf8(IVssWriterComponentsExt *iface, char **text, size_t *len)
{
    struct writer_components *components = impl_from_IVssWriterComponentsExt(iface);

    return bcd_save_writer_utf8(components->bcd, &components->instance_id, &components->writer_id, text, len);
}
