/*
 * backup_writers.c: the writer side of the requester object: writer
 * metadata (GatherWriterMetadata, GetWriterMetadata[Ex]), writer status
 * (GatherWriterStatus, GetWriterStatus[Ex]), writer filters, the components
 * of the Backup Components Document (AddComponent, SetBackupSucceeded,
 * SetBackupOptions, SetPreviousBackupStamp, GetWriterComponents, SaveAsXML)
 * and the backup events PrepareForBackup, BackupComplete and AbortBackup.
 *
 * The events go through the coordinator (coordinator.h) on the operation's
 * own thread; what the writers hand back with an event (their components)
 * is merged into the document afterwards, writer-settable fields only.
 * Rules: VSS-FACTS.md §2.1 R4-R10, R17-R22.
 */
#define COBJMACROS
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include "umbra/debug.h"
#include "backup_private.h"
#include "components.h"
#include "examine.h"
#include "wmd.h"
#include "xml_parse.h"
#include "wstr.h"

static void metadata_free(struct writer_metadata *items, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        free(items[i].instance_name);
        free(items[i].wmd);
    }
    free(items);
}

static void status_free(struct writer_status *items, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        free(items[i].name);
        free(items[i].app_message);
    }
    free(items);
}

void backup_writers_free(struct backup *backup)
{
    metadata_free(backup->metadata, backup->metadata_count);
    backup->metadata = NULL;
    backup->metadata_count = 0;
    status_free(backup->status, backup->status_count);
    backup->status = NULL;
    backup->status_count = 0;
}

static char *strdup_or_null(const char *s, int *failed)
{
    char *ret;

    if (!s) return NULL;
    if (!(ret = strdup(s))) *failed = 1;
    return ret;
}

void backup_sync_state(struct backup *backup)
{
    struct coordinator_backup_state state;

    memset(&state, 0, sizeof(state));
    state.snapshot_set_id = backup->set_id;
    state.context = backup->context;
    if (backup->bcd)
    {
        state.backup_type = backup->bcd->backup_type;
        state.restore_type = backup->bcd->restore_type;
        state.bootable_system_state = backup->bcd->bootable_system_state;
        state.select_components = backup->bcd->select_components;
        state.partial_file_support = backup->bcd->partial_file_support;
    }
    coordinator_set_backup_state(backup->coordinator, &state);
}

HRESULT backup_run_bcd_event(struct backup *backup, HRESULT (*event)(struct coordinator *c, struct bcd *bcd))
{
    /* each writer gets its part of the document; the coordinator merges back
     * what it may change (bcd_merge_writer) */
    return event(backup->coordinator, backup->bcd);
}

HRESULT backup_find_component(struct backup *backup, const GUID *instance_id, const GUID *writer_id,
                              VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name,
                              struct bcd_component **out)
{
    char *path8 = NULL, *name8 = NULL;
    HRESULT hr = S_OK;
    int ret;

    *out = NULL;
    if (!name || (type != VSS_CT_DATABASE && type != VSS_CT_FILEGROUP)) return E_INVALIDARG;
    if ((ret = wstr_to_utf8(logical_path, &path8)) || (ret = wstr_to_utf8(name, &name8)))
    {
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
        goto done;
    }
    if (!(*out = bcd_find_component(backup->bcd, instance_id, writer_id, type, path8, name8)))
    {
        WARN("no component %s\\%s of writer %s in the document\n", path8 ? path8 : "", name8,
             debugstr_guid(writer_id));
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
done:
    free(path8);
    free(name8);
    return hr;
}

/* --- filters (R4) ----------------------------------------------------------- */

static HRESULT set_filter(BACKUP_THIS, const VSS_ID *ids, UINT count,
                          HRESULT (*apply)(struct coordinator *c, const GUID *ids, unsigned int count))
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    if (!ids && count) return E_INVALIDARG;
    backup_lock(backup);
    if (backup->mode == MODE_NONE || (backup->flags & BACKUP_BUSY))
    {
        WARN("R2: writer filters need an initialised, idle object\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        /* R4: after Identify a filter is accepted but changes nothing */
        if (backup->flags & BACKUP_METADATA_ASKED) TRACE("R4: filter after GatherWriterMetadata has no effect\n");
        hr = apply(backup->coordinator, ids, count);
    }
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_DisableWriterClasses(BACKUP_THIS, const VSS_ID *ids, UINT count)
{
    TRACE("%p, %p, %u\n", iface, ids, count);
    return set_filter(iface, ids, count, coordinator_disable_writer_classes);
}

HRESULT STDMETHODCALLTYPE backup_EnableWriterClasses(BACKUP_THIS, const VSS_ID *ids, UINT count)
{
    TRACE("%p, %p, %u\n", iface, ids, count);
    return set_filter(iface, ids, count, coordinator_enable_writer_classes);
}

HRESULT STDMETHODCALLTYPE backup_DisableWriterInstances(BACKUP_THIS, const VSS_ID *ids, UINT count)
{
    TRACE("%p, %p, %u\n", iface, ids, count);
    return set_filter(iface, ids, count, coordinator_disable_writer_instances);
}

/* --- writer metadata ------------------------------------------------------------ */

static HRESULT gather_metadata_op(struct backup *backup, struct async_op *async)
{
    struct writer_metadata *items = NULL;
    unsigned int i, n = 0, count;
    int failed = 0;
    HRESULT hr;

    hr = coordinator_identify(backup->coordinator);
    if (SUCCEEDED(hr) && async_cancel_requested(async)) hr = VSS_S_ASYNC_CANCELLED;
    if (hr != S_OK) goto done;

    count = coordinator_writer_count(backup->coordinator);
    if (count && !(items = calloc(count, sizeof(*items))))
    {
        hr = E_OUTOFMEMORY;
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        const struct coordinator_writer *writer = coordinator_writer(backup->coordinator, i);

        /* §1.2 step 6: writers whose Identify failed are not in the list */
        if (!writer->wmd) continue;
        items[n].instance_id = writer->instance_id;
        items[n].class_id = writer->class_id;
        items[n].instance_name = strdup_or_null(writer->instance_name, &failed);
        items[n].wmd = strdup_or_null(writer->wmd, &failed);
        n++;
    }
    if (failed)
    {
        metadata_free(items, n);
        hr = E_OUTOFMEMORY;
        goto done;
    }
    TRACE("%u writers identified, %u with metadata\n", count, n);

done:
    backup_lock(backup);
    if (hr == S_OK)
    {
        backup->metadata = items;
        backup->metadata_count = n;
        backup->flags |= BACKUP_METADATA;
    }
    else backup->flags &= ~BACKUP_METADATA_ASKED;    /* a failed or cancelled round may be retried */
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GatherWriterMetadata(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (backup->mode == MODE_NONE)
    {
        WARN("R2: GatherWriterMetadata before initialisation\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & (BACKUP_METADATA_ASKED | BACKUP_METADATA_FREED))
    {
        WARN("R5: GatherWriterMetadata may be called once per object\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & BACKUP_BUSY)
    {
        WARN("another asynchronous operation is running\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        backup->flags |= BACKUP_METADATA_ASKED;
        backup_sync_state(backup);
        if (FAILED(hr = backup_start_async(backup, gather_metadata_op, async)))
            backup->flags &= ~BACKUP_METADATA_ASKED;
    }
    backup_unlock(backup);
    return hr;
}

static HRESULT check_metadata(struct backup *backup)
{
    if (!(backup->flags & BACKUP_METADATA) || (backup->flags & BACKUP_METADATA_FREED))
    {
        WARN("R6: no writer metadata (GatherWriterMetadata has not finished, or it was freed)\n");
        return VSS_E_BAD_STATE;
    }
    return S_OK;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterMetadataCount(BACKUP_THIS, UINT *count)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, count);

    if (!count) return E_INVALIDARG;
    backup_lock(backup);
    if (SUCCEEDED(hr = check_metadata(backup))) *count = backup->metadata_count;
    backup_unlock(backup);
    return hr;
}

static HRESULT get_metadata(struct backup *backup, UINT index, VSS_ID *instance_id, REFIID iid, void **out)
{
    IVssExamineWriterMetadataEx2 *metadata = NULL;
    const char *text;
    struct wmd *wmd;
    HRESULT hr;
    int ret;

    if (!instance_id || !out) return E_INVALIDARG;
    *out = NULL;
    backup_lock(backup);
    if (FAILED(hr = check_metadata(backup))) goto done;
    if (index >= backup->metadata_count)
    {
        WARN("there is no writer %u (%u have metadata)\n", index, backup->metadata_count);
        hr = VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    text = backup->metadata[index].wmd;
    if ((ret = wmd_load_utf8(text, strlen(text), &wmd)))
    {
        WARN("the metadata of writer %u cannot be read: %s\n", index, strerror(-ret));
        hr = xml_hresult(ret);
        goto done;
    }
    hr = examine_create(wmd, &metadata);
    wmd_release(wmd);
    if (FAILED(hr)) goto done;
    hr = IVssExamineWriterMetadataEx2_QueryInterface(metadata, iid, out);
    IVssExamineWriterMetadataEx2_Release(metadata);
    if (SUCCEEDED(hr)) *instance_id = backup->metadata[index].instance_id;

done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterMetadata(BACKUP_THIS, UINT index, VSS_ID *instance_id,
                                                   IVssExamineWriterMetadata **metadata)
{
    TRACE("%p, %u, %p, %p\n", iface, index, instance_id, metadata);
    return get_metadata(impl_from_IVssBackupComponentsEx4(iface), index, instance_id,
                        &IID_IVssExamineWriterMetadata, (void **)metadata);
}

HRESULT STDMETHODCALLTYPE backup_GetWriterMetadataEx(BACKUP_THIS, UINT index, VSS_ID *instance_id,
                                                     IVssExamineWriterMetadataEx **metadata)
{
    TRACE("%p, %u, %p, %p\n", iface, index, instance_id, metadata);
    return get_metadata(impl_from_IVssBackupComponentsEx4(iface), index, instance_id,
                        &IID_IVssExamineWriterMetadataEx, (void **)metadata);
}

HRESULT STDMETHODCALLTYPE backup_FreeWriterMetadata(BACKUP_THIS)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p\n", iface);

    backup_lock(backup);
    if (SUCCEEDED(hr = check_metadata(backup)))
    {
        /* the metadata cannot be gathered again on this object (§2.3 row 12) */
        metadata_free(backup->metadata, backup->metadata_count);
        backup->metadata = NULL;
        backup->metadata_count = 0;
        backup->flags |= BACKUP_METADATA_FREED;
    }
    backup_unlock(backup);
    return hr;
}

/* --- writer status ------------------------------------------------------------ */

static HRESULT gather_status_op(struct backup *backup, struct async_op *async)
{
    struct writer_status *items = NULL;
    unsigned int i, count = 0;
    int failed = 0, identify;
    HRESULT hr;

    /* In a restore GatherWriterStatus may stand for GatherWriterMetadata
     * (VSS-FACTS.md §1.7 step 3): it raises Identify (§1.4 slot 1), which is
     * what makes the writers take part in PreRestore and PostRestore. */
    backup_lock(backup);
    identify = backup->mode == MODE_RESTORE && !(backup->flags & BACKUP_METADATA_ASKED);
    backup_unlock(backup);
    if (identify && FAILED(hr = coordinator_identify(backup->coordinator))) return hr;
    hr = coordinator_gather_status(backup->coordinator);
    if (SUCCEEDED(hr) && async_cancel_requested(async)) hr = VSS_S_ASYNC_CANCELLED;
    if (hr != S_OK) return hr;

    count = coordinator_writer_count(backup->coordinator);
    if (count && !(items = calloc(count, sizeof(*items)))) return E_OUTOFMEMORY;
    for (i = 0; i < count; i++)
    {
        const struct coordinator_writer *writer = coordinator_writer(backup->coordinator, i);

        items[i].instance_id = writer->instance_id;
        items[i].class_id = writer->class_id;
        items[i].name = strdup_or_null(writer->name ? writer->name : "", &failed);
        items[i].state = writer->state;
        items[i].failure = writer->failure;
        items[i].app_failure = writer->app_failure;
        items[i].app_message = strdup_or_null(writer->app_message, &failed);
    }
    if (failed)
    {
        status_free(items, count);
        return E_OUTOFMEMORY;
    }

    backup_lock(backup);
    status_free(backup->status, backup->status_count);
    backup->status = items;
    backup->status_count = count;
    backup->flags |= BACKUP_STATUS;
    backup_unlock(backup);
    return S_OK;
}

HRESULT STDMETHODCALLTYPE backup_GatherWriterStatus(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (backup->mode == MODE_NONE)
    {
        WARN("R2: GatherWriterStatus before initialisation\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & BACKUP_BUSY)
    {
        WARN("another asynchronous operation is running\n");
        hr = VSS_E_BAD_STATE;
    }
    else hr = backup_start_async(backup, gather_status_op, async);
    backup_unlock(backup);
    return hr;
}

static HRESULT check_status(struct backup *backup)
{
    if (!(backup->flags & BACKUP_STATUS))
    {
        WARN("R7: no writer status (GatherWriterStatus has not finished, or it was freed)\n");
        return VSS_E_BAD_STATE;
    }
    return S_OK;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterStatusCount(BACKUP_THIS, UINT *count)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, count);

    if (!count) return E_INVALIDARG;
    backup_lock(backup);
    if (SUCCEEDED(hr = check_status(backup))) *count = backup->status_count;
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_FreeWriterStatus(BACKUP_THIS)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p\n", iface);

    backup_lock(backup);
    if (SUCCEEDED(hr = check_status(backup)))
    {
        status_free(backup->status, backup->status_count);
        backup->status = NULL;
        backup->status_count = 0;
        backup->flags &= ~BACKUP_STATUS;
    }
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterStatusEx(BACKUP_THIS, UINT index, VSS_ID *instance_id,
                                                   VSS_ID *writer_id, BSTR *name, VSS_WRITER_STATE *state,
                                                   HRESULT *failure, HRESULT *app_failure, BSTR *app_message)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    const struct writer_status *status;
    BSTR name_bstr = NULL, message_bstr = NULL;
    HRESULT hr;
    int ret;

    TRACE("%p, %u, %p, %p, %p, %p, %p, %p, %p\n", iface, index, instance_id, writer_id, name, state, failure,
          app_failure, app_message);

    if (!instance_id || !writer_id || !name || !state || !failure) return E_INVALIDARG;
    *name = NULL;
    if (app_message) *app_message = NULL;

    backup_lock(backup);
    if (FAILED(hr = check_status(backup))) goto done;
    if (index >= backup->status_count)
    {
        WARN("there is no writer %u (%u have a status)\n", index, backup->status_count);
        hr = VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    status = &backup->status[index];
    if ((ret = bstr_from_utf8(status->name, &name_bstr))
        || (app_message && status->app_message && (ret = bstr_from_utf8(status->app_message, &message_bstr))))
    {
        SysFreeString(name_bstr);
        hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
        goto done;
    }
    *instance_id = status->instance_id;
    *writer_id = status->class_id;
    *name = name_bstr;
    *state = status->state;
    *failure = status->failure;
    if (app_failure) *app_failure = status->app_failure;
    if (app_message) *app_message = message_bstr;

done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterStatus(BACKUP_THIS, UINT index, VSS_ID *instance_id, VSS_ID *writer_id,
                                                 BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure)
{
    return backup_GetWriterStatusEx(iface, index, instance_id, writer_id, name, state, failure, NULL, NULL);
}

/* --- the backup state and components -------------------------------------------- */

HRESULT STDMETHODCALLTYPE backup_SetBackupState(BACKUP_THIS, bool select_components, bool bootable_state,
                                                VSS_BACKUP_TYPE type, bool partial_file_support)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %d, %d, %d, %d\n", iface, select_components, bootable_state, type, partial_file_support);

    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R10: SetBackupState needs InitializeForBackup (mode %d)\n", backup->mode);
        hr = VSS_E_BAD_STATE;
    }
    else if ((unsigned int)type > VSS_BT_OTHER)
    {
        WARN("%d is not a VSS_BACKUP_TYPE\n", type);
        hr = E_INVALIDARG;
    }
    else if (backup->flags & (BACKUP_PREPARED | BACKUP_BUSY))
    {
        WARN("R10: SetBackupState after PrepareForBackup\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        backup->bcd->select_components = select_components;
        backup->bcd->bootable_system_state = bootable_state;
        backup->bcd->backup_type = type;
        backup->bcd->partial_file_support = partial_file_support;
        backup->flags |= BACKUP_STATE_SET;
    }
    backup_unlock(backup);
    return hr;
}

/* The writer's backup schema, from its metadata (0 when unknown). */
static DWORD writer_backup_schema(const struct writer_metadata *metadata)
{
    struct wmd *wmd;
    DWORD schema = 0;

    if (metadata->wmd && !wmd_load_utf8(metadata->wmd, strlen(metadata->wmd), &wmd))
    {
        schema = wmd->backup_schema;
        wmd_release(wmd);
    }
    return schema;
}

HRESULT STDMETHODCALLTYPE backup_AddComponent(BACKUP_THIS, VSS_ID instance_id, VSS_ID writer_id,
                                              VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    char *path8 = NULL, *name8 = NULL;
    struct bcd_writer *entry;
    HRESULT hr = S_OK;
    unsigned int i;
    int ret;

    TRACE("%p, %s, %s, %d, %s, %s\n", iface, debugstr_guid(&instance_id), debugstr_guid(&writer_id), type,
          debugstr_w(logical_path), debugstr_w(name));

    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R8/R10: AddComponent needs InitializeForBackup\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (!backup_writers_involved(backup))
    {
        WARN("R9: no components in a context without writers (%#x)\n", (unsigned int)backup->context);
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (!(backup->flags & BACKUP_METADATA))
    {
        WARN("R8: AddComponent needs GatherWriterMetadata first\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (backup->set_state >= SET_CREATING || (backup->flags & (BACKUP_BUSY | BACKUP_ABORTED)))
    {
        WARN("R8: AddComponent after DoSnapshotSet\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (!name || !*name || (type != VSS_CT_DATABASE && type != VSS_CT_FILEGROUP))
    {
        WARN("AddComponent needs a component name and a component type\n");
        hr = E_INVALIDARG;
        goto done;
    }
    if ((ret = wstr_to_utf8(logical_path, &path8)) || (ret = wstr_to_utf8(name, &name8)))
    {
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
        goto done;
    }
    if ((ret = bcd_add_component(backup->bcd, &instance_id, &writer_id, type, path8, name8, NULL)))
    {
        if (ret == -EEXIST) WARN("R8: component %s\\%s is already in the document\n", path8 ? path8 : "", name8);
        hr = ret == -EEXIST ? VSS_E_OBJECT_ALREADY_EXISTS : ret == -EINVAL ? E_INVALIDARG
                            : hresult_from_errno(ret, ERRCTX_DEFAULT);
        goto done;
    }
    /* the writer entry carries the writer's instance name and schema (§4.3) */
    if ((entry = bcd_find_writer(backup->bcd, &instance_id, &writer_id)))
    {
        for (i = 0; i < backup->metadata_count; i++)
        {
            const struct writer_metadata *metadata = &backup->metadata[i];

            if (!IsEqualGUID(&metadata->instance_id, &instance_id)) continue;
            if (metadata->instance_name && !entry->instance_name)
                bcd_writer_set_instance_name(entry, metadata->instance_name);
            entry->backup_schema = writer_backup_schema(metadata);
            break;
        }
    }

done:
    free(path8);
    free(name8);
    backup_unlock(backup);
    return hr;
}

/* The checks the backup-time component setters share (R10, R19). */
static HRESULT check_backup_setter(struct backup *backup, int before_prepare)
{
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R10: a backup method in %s\n", backup->mode == MODE_NONE ? "an uninitialised object" : "a restore");
        return VSS_E_BAD_STATE;
    }
    if (backup->flags & BACKUP_BUSY)
    {
        WARN("an asynchronous operation is running\n");
        return VSS_E_BAD_STATE;
    }
    if (before_prepare && (backup->flags & BACKUP_PREPARED))
    {
        WARN("R10: this must come before PrepareForBackup\n");
        return VSS_E_BAD_STATE;
    }
    return S_OK;
}

static HRESULT set_component_string(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                    LPCWSTR logical_path, LPCWSTR name, LPCWSTR value, size_t field_offset)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    char *value8 = NULL;
    HRESULT hr;
    int ret;

    backup_lock(backup);
    if (FAILED(hr = check_backup_setter(backup, 1))) goto done;
    if (!value)
    {
        hr = E_INVALIDARG;
        goto done;
    }
    if (FAILED(hr = backup_find_component(backup, NULL, &writer_id, type, logical_path, name, &component)))
        goto done;
    if ((ret = wstr_to_utf8(value, &value8))
        || (ret = bcd_set_string((char **)((char *)component + field_offset), value8)))
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
done:
    free(value8);
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetBackupOptions(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                  LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(options));
    return set_component_string(iface, writer_id, type, logical_path, name, options,
                                offsetof(struct bcd_component, backup_options));
}

HRESULT STDMETHODCALLTYPE backup_SetPreviousBackupStamp(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                        LPCWSTR logical_path, LPCWSTR name, LPCWSTR stamp)
{
    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(stamp));
    return set_component_string(iface, writer_id, type, logical_path, name, stamp,
                                offsetof(struct bcd_component, previous_backup_stamp));
}

HRESULT STDMETHODCALLTYPE backup_SetBackupSucceeded(BACKUP_THIS, VSS_ID instance_id, VSS_ID writer_id,
                                                    VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                    LPCWSTR name, bool succeeded)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&instance_id), debugstr_guid(&writer_id), type,
          debugstr_w(logical_path), debugstr_w(name), succeeded);

    backup_lock(backup);
    if (FAILED(hr = check_backup_setter(backup, 0))) goto done;
    if (backup->set_state != SET_CREATED || (backup->flags & BACKUP_COMPLETED))
    {
        WARN("R19: SetBackupSucceeded belongs between a successful DoSnapshotSet and BackupComplete\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (SUCCEEDED(hr = backup_find_component(backup, &instance_id, &writer_id, type, logical_path, name,
                                             &component)))
        component->backup_succeeded = succeeded;
done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterComponentsCount(BACKUP_THIS, UINT *count)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;
    size_t i;
    UINT n = 0;

    TRACE("%p, %p\n", iface, count);

    if (!count) return E_INVALIDARG;
    backup_lock(backup);
    if (backup->mode == MODE_NONE || (backup->flags & BACKUP_BUSY))
    {
        WARN("R2: GetWriterComponentsCount needs an initialised, idle object\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        for (i = 0; i < backup->bcd->nwriters; i++) if (backup->bcd->writers[i]->ncomponents) n++;
        *count = n;
    }
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetWriterComponents(BACKUP_THIS, UINT index, IVssWriterComponentsExt **out)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    const struct bcd_writer *writer = NULL;
    HRESULT hr;
    size_t i;
    UINT n = 0;

    TRACE("%p, %u, %p\n", iface, index, out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    backup_lock(backup);
    if (backup->mode == MODE_NONE || (backup->flags & BACKUP_BUSY))
    {
        WARN("R2: GetWriterComponents needs an initialised, idle object\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    for (i = 0; i < backup->bcd->nwriters && !writer; i++)
        if (backup->bcd->writers[i]->ncomponents && n++ == index) writer = backup->bcd->writers[i];
    if (!writer)
    {
        WARN("there is no writer %u with components\n", index);
        hr = VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    /* R22: a view of the document as it is now */
    hr = components_create(backup->bcd, &writer->instance_id, &writer->writer_id, COMPONENTS_READONLY, out);
done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SaveAsXML(BACKUP_THIS, BSTR *xml)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;
    int ret;

    TRACE("%p, %p\n", iface, xml);

    if (!xml) return E_INVALIDARG;
    *xml = NULL;
    backup_lock(backup);
    if (backup->mode == MODE_NONE || (backup->flags & BACKUP_BUSY))
    {
        WARN("R2: SaveAsXML needs an initialised, idle object\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->mode == MODE_BACKUP && backup_writers_involved(backup) && !(backup->flags & BACKUP_PREPARED))
    {
        WARN("R18: SaveAsXML before PrepareForBackup\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->mode == MODE_BACKUP && !backup_writers_involved(backup) && backup->set_state == SET_NONE)
    {
        WARN("R18: SaveAsXML before the snapshot set is started\n");
        hr = VSS_E_BAD_STATE;
    }
    else if ((ret = bcd_save_bstr(backup->bcd, xml)))
        hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
    backup_unlock(backup);
    return hr;
}

/* --- the backup events --------------------------------------------------------- */

static HRESULT prepare_op(struct backup *backup, struct async_op *async)
{
    (void)async;
    return backup_run_bcd_event(backup, coordinator_prepare_backup);
}

HRESULT STDMETHODCALLTYPE backup_PrepareForBackup(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (FAILED(hr = check_backup_setter(backup, 0))) goto done;
    if (!backup_writers_involved(backup))
    {
        WARN("R9: PrepareForBackup in a context without writers (%#x)\n", (unsigned int)backup->context);
        hr = VSS_E_BAD_STATE;
    }
    else if (!(backup->flags & BACKUP_STATE_SET))
    {
        WARN("R17: PrepareForBackup needs SetBackupState first\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->set_state != SET_STARTED || (backup->flags & BACKUP_ABORTED))
    {
        WARN("R11: PrepareForBackup needs a started snapshot set, not yet taken\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & BACKUP_PREPARED)
    {
        WARN("R17: PrepareForBackup was already called\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        backup->flags |= BACKUP_PREPARED;
        backup_sync_state(backup);
        if (FAILED(hr = backup_start_async(backup, prepare_op, async))) backup->flags &= ~BACKUP_PREPARED;
    }
done:
    backup_unlock(backup);
    return hr;
}

static HRESULT backup_complete_op(struct backup *backup, struct async_op *async)
{
    (void)async;
    return backup_run_bcd_event(backup, coordinator_backup_complete);
}

HRESULT STDMETHODCALLTYPE backup_BackupComplete(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (FAILED(hr = check_backup_setter(backup, 0))) goto done;
    if (!backup_writers_involved(backup))
    {
        WARN("R9: BackupComplete in a context without writers (%#x)\n", (unsigned int)backup->context);
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->set_state != SET_CREATED)
    {
        WARN("R20: BackupComplete needs a successful DoSnapshotSet\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & BACKUP_COMPLETED)
    {
        WARN("R1: BackupComplete was already called\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        backup->flags |= BACKUP_COMPLETED;
        backup_sync_state(backup);
        if (FAILED(hr = backup_start_async(backup, backup_complete_op, async)))
            backup->flags &= ~BACKUP_COMPLETED;
    }
done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_AbortBackup(BACKUP_THIS)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;

    TRACE("%p\n", iface);

    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        /* §1.6: Abort is never sent during a restore */
        WARN("R10: AbortBackup is a backup method\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & BACKUP_BUSY)
    {
        WARN("AbortBackup while an asynchronous operation runs: cancel it instead\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->set_state == SET_STARTED && !(backup->flags & BACKUP_ABORTED))
    {
        /* R21: between StartSnapshotSet and the end of DoSnapshotSet */
        hr = coordinator_abort(backup->coordinator);
        setlock_release(backup->setlock);
        backup->setlock = NULL;
        backup->flags |= BACKUP_ABORTED;
        TRACE("snapshot set %s aborted\n", debugstr_guid(&backup->set_id));
    }
    else TRACE("R21: nothing in progress, nothing to abort\n");
    backup_unlock(backup);
    return hr;
}
