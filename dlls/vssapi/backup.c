/*
 * backup.c: the requester object, IVssBackupComponents and its Ex, Ex2, Ex3
 * and Ex4 versions (one object, one vtable: each interface derives from the
 * one before, so Ex4's vtable begins with every base's).  Here: creation and
 * destruction, QueryInterface, InitializeForBackup, SetContext, GetSessionId,
 * GetRootAndLogicalPrefixPaths, the asynchronous-operation plumbing and the
 * vtable.  The other methods live in backup_writers.c, backup_restore.c and
 * backup_snapshot.c (backup_private.h says which).
 *
 * The ordering rules are VSS-FACTS.md §2.1 (R1-R33); each check names its
 * rule, and VSS_TRACE=1 says in words why a call was refused.
 */
#define COBJMACROS
#define CONST_VTABLE
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>
#include <objbase.h>
#include "umbra/debug.h"
#include "backup_private.h"
#include "freeze.h"
#include "service_client.h"
#include "snapshot_props.h"
#include "wstr.h"
#include "xml_parse.h"

void backup_lock(struct backup *backup)
{
    pthread_mutex_lock(&backup->lock);
}

void backup_unlock(struct backup *backup)
{
    pthread_mutex_unlock(&backup->lock);
}

int backup_writers_involved(const struct backup *backup)
{
    return backup->context != (LONG)VSS_CTX_ALL && !(backup->context & VSS_VOLSNAP_ATTR_NO_WRITERS);
}

static void backup_destroy(struct backup *backup)
{
    TRACE("destroying %p\n", backup);

    backup_snapshot_release(backup);
    if (backup->coordinator)
    {
        coordinator_backup_shutdown(backup->coordinator);   /* §1.2 step 20 */
        coordinator_free(backup->coordinator);
    }
    backup_writers_free(backup);
    if (backup->bcd) bcd_release(backup->bcd);
    pthread_mutex_destroy(&backup->lock);
    free(backup);
}

void backup_addref(struct backup *backup)
{
    __atomic_add_fetch(&backup->refcount, 1, __ATOMIC_SEQ_CST);
}

void backup_release(struct backup *backup)
{
    if (!__atomic_sub_fetch(&backup->refcount, 1, __ATOMIC_SEQ_CST)) backup_destroy(backup);
}

/* --- asynchronous operations -------------------------------------------------- */

struct backup_call
{
    struct backup *backup;
    HRESULT (*op)(struct backup *backup, struct async_op *async);
};

static HRESULT backup_call_work(struct async_op *async, void *arg)
{
    struct backup_call *call = arg;
    HRESULT hr;

    hr = call->op(call->backup, async);
    backup_lock(call->backup);
    call->backup->flags &= ~BACKUP_BUSY;
    backup_unlock(call->backup);
    return hr;
}

static void backup_call_free(void *arg)
{
    struct backup_call *call = arg;

    backup_release(call->backup);
    free(call);
}

HRESULT backup_start_async(struct backup *backup, HRESULT (*op)(struct backup *backup, struct async_op *async),
                           IVssAsync **out)
{
    struct backup_call *call;
    HRESULT hr;

    if (!(call = malloc(sizeof(*call)))) return E_OUTOFMEMORY;
    call->backup = backup;
    call->op = op;
    backup_addref(backup);
    backup->flags |= BACKUP_BUSY;
    if (FAILED(hr = async_run(backup_call_work, call, backup_call_free, out)))
        backup->flags &= ~BACKUP_BUSY;     /* the reference went with backup_call_free */
    return hr;
}

HRESULT backup_bcd_text(struct backup *backup, char **text)
{
    size_t len;
    int ret;

    if ((ret = bcd_save_utf8(backup->bcd, text, &len)))
    {
        WARN("cannot write the backup components document: %s\n", strerror(-ret));
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    return S_OK;
}

/* --- IUnknown ------------------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE backup_QueryInterface(BACKUP_THIS, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssBackupComponents)
        || IsEqualGUID(riid, &IID_IVssBackupComponentsEx) || IsEqualGUID(riid, &IID_IVssBackupComponentsEx2)
        || IsEqualGUID(riid, &IID_IVssBackupComponentsEx3) || IsEqualGUID(riid, &IID_IVssBackupComponentsEx4))
    {
        *out = iface;
        IVssBackupComponentsEx4_AddRef(iface);
        return S_OK;
    }
    TRACE("no interface %s\n", debugstr_guid(riid));
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE backup_AddRef(BACKUP_THIS)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = __atomic_add_fetch(&backup->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE backup_Release(BACKUP_THIS)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = __atomic_sub_fetch(&backup->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount) backup_destroy(backup);
    return refcount;
}

/* --- initialisation ---------------------------------------------------------- */

/* Delete what dead requesters left behind (auto-release snapshots, crashed
 * creations: DESIGN.md §6).  Only while no set is in creation on this machine,
 * since a set being made looks like an orphan to the scan. */
static void reconcile_catalogue(void)
{
    struct vss_setlock *lock;
    struct catalogue *cat;
    GUID none;

    /* a requester that died in the hold window left its file systems frozen */
    if (freeze_recover() > 0) WARN("thawed file systems a dead process had left frozen\n");
    memset(&none, 0, sizeof(none));
    if (setlock_acquire(&none, 0, &lock))
    {
        TRACE("a snapshot set is in creation: not reconciling the catalogue now\n");
        return;
    }
    if (!snapshot_catalogue_open(1, &cat)) catalogue_close(cat);
    setlock_release(lock);
}

static HRESULT create_coordinator(struct backup *backup)
{
    HRESULT hr;

    if (FAILED(hr = coordinator_create(NULL, &backup->coordinator)))
        WARN("cannot create the writer coordinator: %s\n", debugstr_hr(hr));
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_InitializeForBackup(BACKUP_THIS, BSTR xml)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd *bcd = NULL;
    HRESULT hr;
    int ret;

    TRACE("%p, %s\n", iface, xml ? debugstr_wn(xml, 80) : "(null)");

    backup_lock(backup);
    if (backup->mode != MODE_NONE)
    {
        WARN("R2: the object is already initialised for %s\n",
             backup->mode == MODE_BACKUP ? "backup" : "restore");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (xml)
    {
        /* a saved transportable set, for ImportSnapshots (R24) */
        if ((ret = bcd_load_wstr(xml, &bcd)))
        {
            WARN("InitializeForBackup: the document cannot be loaded: %s\n", strerror(-ret));
            hr = xml_hresult(ret);
            goto done;
        }
    }
    else if ((ret = bcd_create(&bcd)))
    {
        hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
        goto done;
    }
    if (FAILED(hr = create_coordinator(backup))) goto done;

    reconcile_catalogue();
    backup->bcd = bcd;
    bcd = NULL;
    if (xml)
    {
        backup->flags |= BACKUP_IMPORT_BCD;
        backup->context = backup->bcd->context;
    }
    backup->mode = MODE_BACKUP;
    hr = S_OK;

done:
    if (bcd) bcd_release(bcd);
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_InitializeForRestore(BACKUP_THIS, BSTR xml)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct bcd *bcd = NULL;
    HRESULT hr;
    int ret;

    TRACE("%p, %s\n", iface, xml ? debugstr_wn(xml, 80) : "(null)");

    backup_lock(backup);
    if (backup->mode != MODE_NONE)
    {
        WARN("R2: the object is already initialised\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (!xml)
    {
        WARN("InitializeForRestore needs the saved backup components document\n");
        hr = E_INVALIDARG;
        goto done;
    }
    if ((ret = bcd_load_wstr(xml, &bcd)))
    {
        WARN("InitializeForRestore: the document cannot be loaded: %s\n", strerror(-ret));
        hr = xml_hresult(ret);       /* §1.7 step 2: VSS_E_INVALID_XML_DOCUMENT */
        goto done;
    }
    if (FAILED(hr = create_coordinator(backup))) goto done;

    backup->bcd = bcd;
    bcd = NULL;
    backup->context = backup->bcd->context;
    backup->mode = MODE_RESTORE;
    hr = S_OK;

done:
    if (bcd) bcd_release(bcd);
    backup_unlock(backup);
    return hr;
}

/* Attribute bits a context may carry besides its own (diskshadow's
 * "set option", VSS-FACTS.md §3.3). */
#define CONTEXT_EXTRA_BITS (VSS_VOLSNAP_ATTR_NO_AUTORECOVERY | VSS_VOLSNAP_ATTR_TRANSPORTABLE \
                            | VSS_VOLSNAP_ATTR_NOT_SURFACED | VSS_VOLSNAP_ATTR_NOT_TRANSACTED \
                            | VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED | VSS_VOLSNAP_ATTR_DIFFERENTIAL \
                            | VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_AUTORECOVER \
                            | VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY | VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT \
                            | VSS_VOLSNAP_ATTR_TXF_RECOVERY)
#define CONTEXT_BASE_BITS (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE \
                           | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS)

static int context_valid(LONG context)
{
    LONG base = context & CONTEXT_BASE_BITS;

    if (context == (LONG)VSS_CTX_ALL) return 1;
    if (context & ~(CONTEXT_BASE_BITS | CONTEXT_EXTRA_BITS)) return 0;
    if ((context & VSS_VOLSNAP_ATTR_DIFFERENTIAL) && (context & VSS_VOLSNAP_ATTR_PLEX)) return 0;
    switch (base)
    {
    case VSS_CTX_BACKUP:
    case VSS_CTX_FILE_SHARE_BACKUP:
    case VSS_CTX_NAS_ROLLBACK:
    case VSS_CTX_APP_ROLLBACK:
    case VSS_CTX_CLIENT_ACCESSIBLE:
    case VSS_CTX_CLIENT_ACCESSIBLE_WRITERS:
        return 1;
    default:
        return 0;
    }
}

HRESULT STDMETHODCALLTYPE backup_SetContext(BACKUP_THIS, LONG context)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %#x\n", iface, (unsigned int)context);

    backup_lock(backup);
    if (backup->mode == MODE_NONE)
    {
        WARN("R2/R3: SetContext before InitializeForBackup\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (!context_valid(context))
    {
        WARN("R3: %#x is not a snapshot context\n", (unsigned int)context);
        hr = E_INVALIDARG;
    }
    else if (backup->flags & BACKUP_CONTEXT_SET)
    {
        WARN("R3: SetContext may be called once\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->set_state != SET_NONE || (backup->flags & (BACKUP_METADATA_ASKED | BACKUP_BUSY)))
    {
        WARN("R3: SetContext must come before the snapshot and writer calls\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        backup->context = context;
        backup->flags |= BACKUP_CONTEXT_SET;
        if (backup->bcd && backup->mode == MODE_BACKUP) backup->bcd->context = context;
    }
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetSessionId(BACKUP_THIS, VSS_ID *session_id)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %p\n", iface, session_id);

    if (!session_id) return E_INVALIDARG;
    backup_lock(backup);
    if (!backup->coordinator)
    {
        WARN("R2: no session before InitializeForBackup/InitializeForRestore\n");
        hr = VSS_E_BAD_STATE;
    }
    else *session_id = *coordinator_session_id(backup->coordinator);
    backup_unlock(backup);
    return hr;
}

/* The existing directory nearest to path (path itself, or a parent). */
static int nearest_directory(const char *path, char **dir)
{
    char *copy = strdup(path), *slash;
    struct stat st;

    if (!copy) return -ENOMEM;
    for (;;)
    {
        if (!stat(copy, &st) && S_ISDIR(st.st_mode))
        {
            *dir = copy;
            return 0;
        }
        if (!(slash = strrchr(copy, '/')) || slash == copy)
        {
            free(copy);
            return -ENOENT;
        }
        *slash = 0;
    }
}

HRESULT STDMETHODCALLTYPE backup_GetRootAndLogicalPrefixPaths(BACKUP_THIS, VSS_PWSZ path, VSS_PWSZ *root,
                                                              VSS_PWSZ *logical_prefix, BOOL normalize_fqdn)
{
    struct vss_volume volume;
    char *utf8 = NULL, *dir = NULL, *root_text = NULL;
    char guid_name[64];
    HRESULT hr;
    size_t len;
    int ret;

    TRACE("%p, %s, %p, %p, %d\n", iface, debugstr_w(path), root, logical_prefix, normalize_fqdn);

    if (!path || !root || !logical_prefix) return E_INVALIDARG;
    *root = *logical_prefix = NULL;
    memset(&volume, 0, sizeof(volume));

    if ((ret = wstr_to_utf8(path, &utf8))) return hresult_from_errno(ret, ERRCTX_VOLUME);
    for (char *p = utf8; *p; p++) if (*p == '\\') *p = '/';
    if (utf8[0] == '/' && utf8[1] == '/')
    {
        /* a UNC path: only a file-share provider could take it */
        WARN("%s: UNC paths are not supported\n", utf8);
        hr = VSS_E_VOLUME_NOT_SUPPORTED;
        goto done;
    }
    if ((len = strlen(utf8)) >= 2 && utf8[1] == ':')
    {
        /* a drive letter path: resolve the letter, keep the rest */
        char letter[4] = { utf8[0], ':', 0 };
        if ((ret = volume_resolve(letter, &volume))) goto fail;
        if (asprintf(&dir, "%s%s", volume.root, utf8 + 2) < 0) { dir = NULL; ret = -ENOMEM; goto fail; }
        volume_free(&volume);
        memset(&volume, 0, sizeof(volume));
        free(utf8);
        utf8 = dir;
        dir = NULL;
    }
    if (utf8[0] != '/')
    {
        hr = E_INVALIDARG;
        goto done;
    }
    if ((ret = nearest_directory(utf8, &dir))) goto fail;
    if ((ret = volume_containing(dir, &volume))) goto fail;

    /* the volume to add to a set (its mount point, with the trailing separator
     * Windows names volumes with) and the name its files are known by */
    if (asprintf(&root_text, "%s%s", volume.root, strcmp(volume.root, "/") ? "/" : "") < 0)
    {
        root_text = NULL;
        ret = -ENOMEM;
        goto fail;
    }
    volume_guid_name(&volume, guid_name, sizeof(guid_name));
    if ((ret = wstr_from_utf8_cotaskmem(root_text, root))) goto fail;
    if ((ret = wstr_from_utf8_cotaskmem(guid_name, logical_prefix)))
    {
        CoTaskMemFree(*root);
        *root = NULL;
        goto fail;
    }
    hr = S_OK;
    goto done;

fail:
    WARN("%s: %s\n", utf8, strerror(-ret));
    hr = hresult_from_errno(ret, ERRCTX_VOLUME);
done:
    volume_free(&volume);
    free(root_text);
    free(dir);
    free(utf8);
    return hr;
}

static const IVssBackupComponentsEx4Vtbl backup_vtbl =
{
    /* IUnknown */
    backup_QueryInterface,
    backup_AddRef,
    backup_Release,
    /* IVssBackupComponents */
    backup_GetWriterComponentsCount,
    backup_GetWriterComponents,
    backup_InitializeForBackup,
    backup_SetBackupState,
    backup_InitializeForRestore,
    backup_SetRestoreState,
    backup_GatherWriterMetadata,
    backup_GetWriterMetadataCount,
    backup_GetWriterMetadata,
    backup_FreeWriterMetadata,
    backup_AddComponent,
    backup_PrepareForBackup,
    backup_AbortBackup,
    backup_GatherWriterStatus,
    backup_GetWriterStatusCount,
    backup_FreeWriterStatus,
    backup_GetWriterStatus,
    backup_SetBackupSucceeded,
    backup_SetBackupOptions,
    backup_SetSelectedForRestore,
    backup_SetRestoreOptions,
    backup_SetAdditionalRestores,
    backup_SetPreviousBackupStamp,
    backup_SaveAsXML,
    backup_BackupComplete,
    backup_AddAlternativeLocationMapping,
    backup_AddRestoreSubcomponent,
    backup_SetFileRestoreStatus,
    backup_AddNewTarget,
    backup_SetRangesFilePath,
    backup_PreRestore,
    backup_PostRestore,
    backup_SetContext,
    backup_StartSnapshotSet,
    backup_AddToSnapshotSet,
    backup_DoSnapshotSet,
    backup_DeleteSnapshots,
    backup_ImportSnapshots,
    backup_BreakSnapshotSet,
    backup_GetSnapshotProperties,
    backup_Query,
    backup_IsVolumeSupported,
    backup_DisableWriterClasses,
    backup_EnableWriterClasses,
    backup_DisableWriterInstances,
    backup_ExposeSnapshot,
    backup_RevertToSnapshot,
    backup_QueryRevertStatus,
    /* IVssBackupComponentsEx */
    backup_GetWriterMetadataEx,
    backup_SetSelectedForRestoreEx,
    /* IVssBackupComponentsEx2 */
    backup_UnexposeSnapshot,
    backup_SetAuthoritativeRestore,
    backup_SetRollForward,
    backup_SetRestoreName,
    backup_BreakSnapshotSetEx,
    backup_PreFastRecovery,
    backup_FastRecovery,
    /* IVssBackupComponentsEx3 */
    backup_GetWriterStatusEx,
    backup_AddSnapshotToRecoverySet,
    backup_RecoverSet,
    backup_GetSessionId,
    /* IVssBackupComponentsEx4 */
    backup_GetRootAndLogicalPrefixPaths,
};

HRESULT WINAPI CreateVssBackupComponentsInternal(IVssBackupComponents **out)
{
    HRESULT hr;

    TRACE("%p\n", out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    /* DESIGN.md §4: through vsssvc when it answers or VSS_MODE=service says so */
    if ((hr = service_client_create(out)) != S_FALSE) return hr;
    return backup_create_embedded(out);
}

HRESULT backup_create_embedded(IVssBackupComponents **out)
{
    struct backup *backup;

    *out = NULL;
    if (!(backup = calloc(1, sizeof(*backup)))) return E_OUTOFMEMORY;
    backup->IVssBackupComponentsEx4_iface.lpVtbl = &backup_vtbl;
    backup->refcount = 1;
    pthread_mutex_init(&backup->lock, NULL);
    backup->mode = MODE_NONE;
    backup->context = VSS_CTX_BACKUP;       /* R3: the default context */
    backup->set_state = SET_NONE;

    *out = (IVssBackupComponents *)&backup->IVssBackupComponentsEx4_iface;
    TRACE("created %p\n", *out);
    return S_OK;
}
