/*
 * backup_restore.c: the restore side of the requester object (VSS-FACTS.md
 * §1.7): SetRestoreState, the component setters a requester uses between
 * InitializeForRestore and PreRestore, SetFileRestoreStatus, the PreRestore
 * and PostRestore events, and RevertToSnapshot / QueryRevertStatus.  Also the
 * LUN-recovery methods (AddSnapshotToRecoverySet, RecoverSet) that only
 * hardware providers support, answered as Windows answers with a software
 * provider.
 *
 * Rules: §2.1 R25-R30.  The setters record into the Backup Components
 * Document (bcd.h); writers see it with PreRestore and PostRestore.
 */
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <windows.h>
#include "umbra/debug.h"
#include "backup_private.h"
#include "snapshot_props.h"
#include "testhook.h"
#include "transport.h"
#include "wstr.h"

/* The checks the restore setters share: R25 (restore only), R28 (before
 * PreRestore, or before PostRestore for the ones that record what was done). */
static HRESULT check_restore(struct backup *backup, int before_pre_restore)
{
    if (backup->mode != MODE_RESTORE)
    {
        WARN("R25: a restore method in %s\n", backup->mode == MODE_NONE ? "an uninitialised object" : "a backup");
        return VSS_E_BAD_STATE;
    }
    if (backup->flags & BACKUP_BUSY)
    {
        WARN("an asynchronous operation is running\n");
        return VSS_E_BAD_STATE;
    }
    if (before_pre_restore && (backup->flags & BACKUP_PRE_RESTORED))
    {
        WARN("R28: this must come before PreRestore\n");
        return VSS_E_BAD_STATE;
    }
    if (backup->flags & BACKUP_POST_RESTORED)
    {
        WARN("R1: the restore is over (PostRestore was called)\n");
        return VSS_E_BAD_STATE;
    }
    return S_OK;
}

/* Lock, check, find the component; the caller unlocks. */
static HRESULT restore_component(struct backup *backup, int before_pre_restore, const GUID *writer_id,
                                 VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name,
                                 struct bcd_component **component)
{
    HRESULT hr;

    backup_lock(backup);
    if (FAILED(hr = check_restore(backup, before_pre_restore))) return hr;
    return backup_find_component(backup, NULL, writer_id, type, logical_path, name, component);
}

static HRESULT set_string(char **field, LPCWSTR value)
{
    char *value8 = NULL;
    int ret;

    if ((ret = wstr_to_utf8(value, &value8))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    ret = bcd_set_string(field, value8);
    free(value8);
    return ret ? (ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG) : S_OK;
}

HRESULT STDMETHODCALLTYPE backup_SetRestoreState(BACKUP_THIS, VSS_RESTORE_TYPE type)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %d\n", iface, type);

    backup_lock(backup);
    if (SUCCEEDED(hr = check_restore(backup, 1)))
    {
        if ((unsigned int)type > VSS_RTYPE_OTHER) hr = E_INVALIDARG;
        /* §1.7 step 6: UNDEFINED is treated as BY_COPY */
        else backup->bcd->restore_type = type == VSS_RTYPE_UNDEFINED ? VSS_RTYPE_BY_COPY : type;
    }
    backup_unlock(backup);
    return hr;
}

/* R26: the writer must be running now: known to this object's last
 * GatherWriterMetadata or GatherWriterStatus. */
static HRESULT check_writer_running(struct backup *backup, const GUID *writer_id, const GUID *instance_id)
{
    unsigned int i;

    if (!(backup->flags & (BACKUP_METADATA | BACKUP_STATUS)))
    {
        WARN("R26: gather writer metadata or status first, to know which writers run\n");
        return VSS_E_BAD_STATE;
    }
    for (i = 0; i < backup->metadata_count; i++)
        if (IsEqualGUID(&backup->metadata[i].class_id, writer_id)
            && (!instance_id || IsEqualGUID(&backup->metadata[i].instance_id, instance_id)))
            return S_OK;
    for (i = 0; i < backup->status_count; i++)
        if (IsEqualGUID(&backup->status[i].class_id, writer_id)
            && (!instance_id || IsEqualGUID(&backup->status[i].instance_id, instance_id))
            && backup->status[i].state != VSS_WS_FAILED_AT_IDENTIFY)
            return S_OK;
    WARN("R26: writer %s is not running\n", debugstr_guid(writer_id));
    return VSS_E_OBJECT_NOT_FOUND;
}

HRESULT STDMETHODCALLTYPE backup_SetSelectedForRestoreEx(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                         LPCWSTR logical_path, LPCWSTR name, bool selected,
                                                         VSS_ID instance_id)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    const GUID *instance = IsEqualGUID(&instance_id, &GUID_NULL) ? NULL : &instance_id;
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), selected, debugstr_guid(&instance_id));

    backup_lock(backup);
    if (FAILED(hr = check_restore(backup, 1))) goto done;
    /* R26: the component must be in the document ... */
    if (FAILED(hr = backup_find_component(backup, instance, &writer_id, type, logical_path, name, &component)))
        goto done;
    /* ... and its writer running */
    if (FAILED(hr = check_writer_running(backup, &writer_id, instance))) goto done;
    component->selected_for_restore = selected;
done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetSelectedForRestore(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                       LPCWSTR logical_path, LPCWSTR name, bool selected)
{
    return backup_SetSelectedForRestoreEx(iface, writer_id, type, logical_path, name, selected, GUID_NULL);
}

HRESULT STDMETHODCALLTYPE backup_SetRestoreOptions(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                   LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(options));

    if (!options) return E_INVALIDARG;
    if (SUCCEEDED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component)))
        hr = set_string(&component->restore_options, options);
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetAdditionalRestores(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                       LPCWSTR logical_path, LPCWSTR name, bool additional)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), additional);

    if (SUCCEEDED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component)))
        component->additional_restores = additional;
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_AddAlternativeLocationMapping(BACKUP_THIS, VSS_ID writer_id,
                                                               VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                               LPCWSTR name, LPCWSTR path, LPCWSTR filespec,
                                                               bool recursive, LPCWSTR destination)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    char *path8 = NULL, *spec8 = NULL, *dest8 = NULL;
    struct bcd_component *component;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(path), debugstr_w(filespec), recursive, debugstr_w(destination));

    if (!path || !filespec || !destination) return E_INVALIDARG;
    /* a mapping records where files went, so it may follow PreRestore (until PostRestore) */
    if (FAILED(hr = restore_component(backup, 0, &writer_id, type, logical_path, name, &component))) goto done;
    if ((ret = wstr_to_utf8(path, &path8)) || (ret = wstr_to_utf8(filespec, &spec8))
        || (ret = wstr_to_utf8(destination, &dest8))
        || (ret = bcd_add_mapping(component, path8, spec8, recursive, dest8)))
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
done:
    backup_unlock(backup);
    free(path8);
    free(spec8);
    free(dest8);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_AddRestoreSubcomponent(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                        LPCWSTR logical_path, LPCWSTR name,
                                                        LPCWSTR sub_logical_path, LPCWSTR sub_name, bool repair)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    char *path8 = NULL, *name8 = NULL;
    struct bcd_component *component;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(sub_logical_path), debugstr_w(sub_name), repair);

    if (!sub_name || !*sub_name) return E_INVALIDARG;
    if (FAILED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component))) goto done;
    if (!component->selected_for_restore)
    {
        WARN("R27: select the parent component for restore first\n");
        hr = VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    if ((ret = wstr_to_utf8(sub_logical_path, &path8)) || (ret = wstr_to_utf8(sub_name, &name8))
        || (ret = bcd_add_subcomponent(component, path8, name8, repair)))
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : ret == -EEXIST ? VSS_E_OBJECT_ALREADY_EXISTS : E_INVALIDARG;
done:
    backup_unlock(backup);
    free(path8);
    free(name8);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetFileRestoreStatus(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                      LPCWSTR logical_path, LPCWSTR name,
                                                      VSS_FILE_RESTORE_STATUS status)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), status);

    if (status != VSS_RS_NONE && status != VSS_RS_ALL && status != VSS_RS_FAILED) return E_INVALIDARG;
    if (FAILED(hr = restore_component(backup, 0, &writer_id, type, logical_path, name, &component))) goto done;
    if (!(backup->flags & BACKUP_PRE_RESTORED))
    {
        WARN("R28: SetFileRestoreStatus belongs between PreRestore and PostRestore\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    component->file_restore_status = status;
done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_AddNewTarget(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                              LPCWSTR logical_path, LPCWSTR name, LPCWSTR path,
                                              LPCWSTR filename, bool recursive, LPCWSTR alternate_path)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    char *path8 = NULL, *file8 = NULL, *alt8 = NULL;
    struct bcd_component *component;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(path), debugstr_w(filename), recursive, debugstr_w(alternate_path));

    if (!path || !filename || !alternate_path) return E_INVALIDARG;
    if (FAILED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component))) goto done;
    if ((ret = wstr_to_utf8(path, &path8)) || (ret = wstr_to_utf8(filename, &file8))
        || (ret = wstr_to_utf8(alternate_path, &alt8))
        || (ret = bcd_add_new_target(component, path8, file8, recursive, alt8)))
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
done:
    backup_unlock(backup);
    free(path8);
    free(file8);
    free(alt8);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetRangesFilePath(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                   LPCWSTR logical_path, LPCWSTR name, UINT partial_file,
                                                   LPCWSTR ranges_file)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    char *ranges8 = NULL;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %d, %s, %s, %u, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), partial_file, debugstr_w(ranges_file));

    if (!ranges_file) return E_INVALIDARG;
    if (FAILED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component))) goto done;
    if ((ret = wstr_to_utf8(ranges_file, &ranges8))
        || (ret = bcd_set_partial_file_ranges(component, partial_file, ranges8)))
    {
        if (ret == -ERANGE) WARN("component has no partial file %u\n", partial_file);
        hr = ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    }
done:
    backup_unlock(backup);
    free(ranges8);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetAuthoritativeRestore(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                         LPCWSTR logical_path, LPCWSTR name, bool authoritative)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), authoritative);

    if (SUCCEEDED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component)))
        component->authoritative_restore = authoritative;
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetRollForward(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                LPCWSTR logical_path, LPCWSTR name, VSS_ROLLFORWARD_TYPE roll_type,
                                                LPCWSTR point)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), roll_type, debugstr_w(point));

    if (roll_type != VSS_RF_NONE && roll_type != VSS_RF_ALL && roll_type != VSS_RF_PARTIAL) return E_INVALIDARG;
    if (roll_type == VSS_RF_PARTIAL && !point) return E_INVALIDARG;
    if (FAILED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component))) goto done;
    if (SUCCEEDED(hr = set_string(&component->rollforward_point, roll_type == VSS_RF_PARTIAL ? point : NULL)))
        component->rollforward_type = roll_type;
done:
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_SetRestoreName(BACKUP_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                LPCWSTR logical_path, LPCWSTR name, LPCWSTR restore_name)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd_component *component;
    HRESULT hr;

    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(restore_name));

    if (!restore_name) return E_INVALIDARG;
    if (SUCCEEDED(hr = restore_component(backup, 1, &writer_id, type, logical_path, name, &component)))
        hr = set_string(&component->restore_name, restore_name);
    backup_unlock(backup);
    return hr;
}

/* --- PreRestore and PostRestore ------------------------------------------------- */

static HRESULT pre_restore_op(struct backup *backup, struct async_op *async)
{
    (void)async;
    return backup_run_bcd_event(backup, coordinator_pre_restore);
}

static HRESULT post_restore_op(struct backup *backup, struct async_op *async)
{
    (void)async;
    return backup_run_bcd_event(backup, coordinator_post_restore);
}

HRESULT STDMETHODCALLTYPE backup_PreRestore(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (SUCCEEDED(hr = check_restore(backup, 1)))
    {
        backup->flags |= BACKUP_PRE_RESTORED;
        backup_sync_state(backup);
        if (FAILED(hr = backup_start_async(backup, pre_restore_op, async))) backup->flags &= ~BACKUP_PRE_RESTORED;
    }
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_PostRestore(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (FAILED(hr = check_restore(backup, 0))) goto done;
    if (!(backup->flags & BACKUP_PRE_RESTORED))
    {
        WARN("R28: PostRestore needs PreRestore first\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    backup->flags |= BACKUP_POST_RESTORED;
    backup_sync_state(backup);
    if (FAILED(hr = backup_start_async(backup, post_restore_op, async))) backup->flags &= ~BACKUP_POST_RESTORED;
done:
    backup_unlock(backup);
    return hr;
}

/* --- revert (R29) -------------------------------------------------------------- */

/* The lock that says a revert of this volume is running: an flock on
 * $VSS_RUNTIME_DIR/revert-<volume guid>.lock, dropped by the kernel with its
 * holder.  revert_lock_open() opens the file; revert_lock() takes it at once
 * or fails with -EALREADY (VSS_E_REVERT_IN_PROGRESS). */
static int revert_lock_open(const char *volume_name, int *fd_out)
{
    char dir[TRANSPORT_PATH_MAX], path[TRANSPORT_PATH_MAX + 64];
    GUID guid;
    int fd, ret;

    if ((ret = volume_parse_guid_name(volume_name, &guid))) return ret;
    if ((ret = transport_runtime_dir(dir, sizeof(dir))) || (ret = transport_ensure_dir(dir))) return ret;
    snprintf(path, sizeof(path), "%s/revert-%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x.lock", dir,
             (unsigned int)guid.Data1, guid.Data2, guid.Data3, guid.Data4[0], guid.Data4[1], guid.Data4[2],
             guid.Data4[3], guid.Data4[4], guid.Data4[5], guid.Data4[6], guid.Data4[7]);
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) return -errno;
    *fd_out = fd;
    return 0;
}

static int revert_lock(const char *volume_name, int *fd_out)
{
    int fd, ret;

    if ((ret = revert_lock_open(volume_name, &fd))) return ret;
    while (flock(fd, LOCK_EX | LOCK_NB) < 0)
    {
        if (errno == EINTR) continue;
        ret = errno == EWOULDBLOCK ? -EALREADY : -errno;
        close(fd);
        return ret;
    }
    *fd_out = fd;
    return 0;
}

/* ShouldBlockRevert for a volume given by its POSIX root. */
static HRESULT should_block_revert(const char *root, bool *block)
{
    WCHAR *wide = NULL;
    HRESULT hr;
    int ret;

    *block = false;
    if ((ret = wstr_from_utf8(root, &wide))) return hresult_from_errno(ret, ERRCTX_DEFAULT);
    hr = ShouldBlockRevertInternal(wide, block);
    free(wide);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_RevertToSnapshot(BACKUP_THIS, VSS_ID id, BOOL force)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct snapshot_record *rec = NULL;
    const struct provider *provider;
    struct catalogue *cat = NULL;
    int ret, lock_fd = -1;
    bool block;
    HRESULT hr;

    TRACE("%p, %s, %d\n", iface, debugstr_guid(&id), force);

    backup_lock(backup);
    if (backup->mode == MODE_NONE)
    {
        WARN("R2: RevertToSnapshot before initialisation\n");
        backup_unlock(backup);
        return VSS_E_BAD_STATE;
    }
    backup_unlock(backup);

    if ((ret = snapshot_catalogue_open(0, &cat)))
    {
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
        goto done;
    }
    if ((ret = catalogue_get(cat, &id, &rec)) || rec->state != RECORD_CREATED)
    {
        WARN("R29: no snapshot %s\n", debugstr_guid(&id));
        hr = ret && ret != -ENOENT ? hresult_from_errno(ret, ERRCTX_CATALOGUE) : VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    if (!(rec->attributes & VSS_VOLSNAP_ATTR_PERSISTENT))
    {
        WARN("R29: snapshot %s is not persistent (attributes %#x)\n", debugstr_guid(&id),
             (unsigned int)rec->attributes);
        hr = VSS_E_UNSUPPORTED_CONTEXT;
        goto done;
    }
    if (!(provider = provider_by_id(&rec->provider_id)))
    {
        hr = VSS_E_PROVIDER_NOT_REGISTERED;
        goto done;
    }
    if (!provider->revert)
    {
        WARN("R29: provider %s cannot revert\n", provider->name);
        hr = E_NOTIMPL;
        goto done;
    }
    /* Windows asks ShouldBlockRevert before it reverts: a volume listed there
     * is one whose writers forbid it, and revert is not supported on it */
    if (FAILED(hr = should_block_revert(rec->original_volume_root, &block))) goto done;
    if (block)
    {
        WARN("R29: reverting %s is blocked (ShouldBlockRevert)\n", rec->original_volume_root);
        hr = VSS_E_VOLUME_NOT_SUPPORTED;
        goto done;
    }
    if ((ret = revert_lock(rec->original_volume_name, &lock_fd)))
    {
        if (ret == -EALREADY) WARN("R29: a revert of %s is already running\n", rec->original_volume_name);
        hr = hresult_from_errno(ret, ERRCTX_REVERT);
        goto done;
    }
    testhook_pause("revert");    /* tests only: a revert that is seen running (testhook.h) */
    if ((ret = provider->revert(rec->record_dir, rec->provider_data, force)))
    {
        WARN("R29: reverting %s to %s: %s\n", rec->original_volume_root, debugstr_guid(&id), strerror(-ret));
        hr = hresult_from_errno(ret, ERRCTX_REVERT);
        goto done;
    }
    /* Windows consumes the snapshot a volume was reverted to */
    if ((ret = catalogue_delete(cat, &id)) && ret != -ENOENT)
        WARN("the reverted-to snapshot %s could not be deleted: %s\n", debugstr_guid(&id), strerror(-ret));
    hr = S_OK;

done:
    if (lock_fd >= 0) close(lock_fd);
    snapshot_record_free(rec);
    if (cat) catalogue_close(cat);
    return hr;
}

struct revert_wait
{
    int fd;                       /* the revert lock, being waited for */
};

static HRESULT wait_revert_work(struct async_op *async, void *arg)
{
    struct revert_wait *wait = arg;

    (void)async;   /* a revert cannot be cancelled: QueryRevertStatus never reports CANCELLED */
    while (flock(wait->fd, LOCK_SH) < 0 && errno == EINTR) {}
    return S_OK;
}

static void wait_revert_free(void *arg)
{
    struct revert_wait *wait = arg;

    close(wait->fd);
    free(wait);
}

HRESULT STDMETHODCALLTYPE backup_QueryRevertStatus(BACKUP_THIS, VSS_PWSZ volume, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    char *name8 = NULL, guid_name[64];
    struct revert_wait *wait;
    struct vss_volume vol;
    int ret, fd = -1;
    HRESULT hr;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), async);

    if (!async) return E_POINTER;
    *async = NULL;
    if (!volume) return E_INVALIDARG;
    backup_lock(backup);
    ret = backup->mode == MODE_NONE;
    backup_unlock(backup);
    if (ret)
    {
        WARN("R2: QueryRevertStatus before initialisation\n");
        return VSS_E_BAD_STATE;
    }

    memset(&vol, 0, sizeof(vol));
    if ((ret = wstr_to_utf8(volume, &name8)) || (ret = volume_resolve(name8, &vol)))
    {
        hr = hresult_from_errno(ret, ERRCTX_VOLUME);
        goto done;
    }
    volume_guid_name(&vol, guid_name, sizeof(guid_name));
    if (!(ret = revert_lock(guid_name, &fd)))
    {
        /* nobody is reverting this volume */
        close(fd);
        WARN("no revert of %s is running\n", guid_name);
        hr = VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    if (ret != -EALREADY)
    {
        hr = hresult_from_errno(ret, ERRCTX_REVERT);
        goto done;
    }
    /* a revert runs: the operation ends when its lock is dropped */
    if ((ret = revert_lock_open(guid_name, &fd)))
    {
        hr = hresult_from_errno(ret, ERRCTX_REVERT);
        goto done;
    }
    if (!(wait = malloc(sizeof(*wait))))
    {
        close(fd);
        hr = E_OUTOFMEMORY;
        goto done;
    }
    wait->fd = fd;
    hr = async_run(wait_revert_work, wait, wait_revert_free, async);
done:
    volume_free(&vol);
    free(name8);
    return hr;
}

/* --- LUN recovery (hardware providers only, R30) --------------------------------- */

HRESULT STDMETHODCALLTYPE backup_AddSnapshotToRecoverySet(BACKUP_THIS, VSS_ID id, DWORD flags,
                                                          VSS_PWSZ destination)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct snapshot_record *rec = NULL;
    const struct provider *provider;
    struct catalogue *cat = NULL;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %#x, %s\n", iface, debugstr_guid(&id), flags, debugstr_w(destination));

    backup_lock(backup);
    ret = backup->mode != MODE_RESTORE;
    backup_unlock(backup);
    if (ret)
    {
        WARN("R30: AddSnapshotToRecoverySet needs InitializeForRestore\n");
        return VSS_E_BAD_STATE;
    }
    if (flags & ~(VSS_RECOVERY_REVERT_IDENTITY_ALL | VSS_RECOVERY_NO_VOLUME_CHECK)) return E_INVALIDARG;
    if ((ret = snapshot_catalogue_open(0, &cat)))
        return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if (catalogue_get(cat, &id, &rec) || rec->state != RECORD_CREATED)
    {
        WARN("R30: no snapshot %s\n", debugstr_guid(&id));
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    else if (!(provider = provider_by_id(&rec->provider_id)) || provider->type != PROVIDER_TYPE_HARDWARE)
    {
        /* LUN resynchronisation is a hardware provider's; none of ours is one */
        WARN("R30: snapshot %s is not a hardware snapshot\n", debugstr_guid(&id));
        hr = VSS_E_VOLUME_NOT_SUPPORTED;
    }
    else hr = VSS_E_LEGACY_PROVIDER;   /* a hardware provider without LUN resync */
    snapshot_record_free(rec);
    catalogue_close(cat);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_RecoverSet(BACKUP_THIS, DWORD flags, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %#x, %p\n", iface, flags, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    backup_unlock(backup);
    /* R30: only after InitializeForRestore, and only for snapshots that
     * AddSnapshotToRecoverySet accepted, which none of a software provider is */
    WARN("R30: no snapshot was added to the recovery set\n");
    return VSS_E_BAD_STATE;
}
