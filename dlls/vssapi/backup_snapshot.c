/*
 * backup_snapshot.c: snapshot sets and snapshots of the requester object:
 * StartSnapshotSet, AddToSnapshotSet, DoSnapshotSet, DeleteSnapshots,
 * GetSnapshotProperties, Query, IsVolumeSupported, Expose/UnexposeSnapshot,
 * and the hardware-only methods (ImportSnapshots, BreakSnapshotSet[Ex],
 * PreFastRecovery, FastRecovery) answered as Windows answers with a
 * software provider.
 *
 * DoSnapshotSet follows VSS-FACTS.md §1.3: the coordinator sends the writer
 * events and calls back here for the provider steps: prepare (BeginPrepare
 * per volume, the catalogue record "creating", EndPrepare), commit (with
 * every writer frozen: PreCommit, flush-and-hold with its watchdog
 * (freeze.h), Commit, release, PostCommit) and after_thaw (records
 * "created"); on any failure, abort (AbortSnapshots, records removed) and
 * Abort to the writers.  Nothing is logged while file systems are frozen.
 *
 * Contexts (§3.3): the record keeps the base context (persistent or not,
 * writers or not); auto-release snapshots (no NO_AUTO_RELEASE) are deleted
 * when the object is released (R32) or, if the requester dies, by the next
 * catalogue reconciliation.  Query and friends see the object's context only,
 * or everything with VSS_CTX_ALL (R23).
 */
#define COBJMACROS
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <objbase.h>
#include "umbra/debug.h"
#include "backup_private.h"
#include "enum.h"
#include "expose.h"
#include "freeze.h"
#include "snapshot_props.h"
#include "testhook.h"
#include "wstr.h"

#define CONTEXT_BASE_MASK (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE \
                           | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS)

/* The context records are filed under (and Query filters by). */
static LONG base_context(LONG context)
{
    return context == (LONG)VSS_CTX_ALL ? context : (context & CONTEXT_BASE_MASK);
}

static void set_volume_clear(struct set_volume *v)
{
    free(v->name);
    volume_free(&v->volume);
    provider_snapshot_clear(&v->snap);
    snapshot_record_free(v->record);
    memset(v, 0, sizeof(*v));
}

static void free_volumes(struct backup *backup)
{
    unsigned int i;

    for (i = 0; i < backup->volume_count; i++) set_volume_clear(&backup->volumes[i]);
    free(backup->volumes);
    backup->volumes = NULL;
    backup->volume_count = 0;
}

/* Records of the current context (or all) matching a filter. */
static int query_records(struct catalogue *cat, LONG context, const GUID *snapshot_id, const GUID *set_id,
                         const char *volume, struct snapshot_record ***recs, size_t *count)
{
    struct catalogue_filter filter;

    memset(&filter, 0, sizeof(filter));
    filter.snapshot_id = snapshot_id;
    filter.set_id = set_id;
    filter.volume = volume;
    filter.context = base_context(context);
    return catalogue_query(cat, &filter, recs, count);
}

/* R32: deleted with the requester object. */
void backup_snapshot_release(struct backup *backup)
{
    struct snapshot_record **recs = NULL;
    struct catalogue *cat;
    size_t count = 0, i;
    int ret;

    if (backup->set_state == SET_STARTED && !(backup->flags & BACKUP_ABORTED) && backup->coordinator)
        coordinator_abort(backup->coordinator);    /* the service's Abort for a requester that left */
    setlock_release(backup->setlock);
    backup->setlock = NULL;

    if (backup->set_state == SET_CREATED && !(backup->context & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE)
        && !snapshot_catalogue_open(0, &cat))
    {
        if (!query_records(cat, CATALOGUE_CTX_ALL, NULL, &backup->set_id, NULL, &recs, &count))
        {
            for (i = 0; i < count; i++)
            {
                if (recs[i]->attributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE) continue;
                if (recs[i]->exposed_name[0]) unexpose_snapshot(recs[i]);
                TRACE("R32: deleting auto-release snapshot %s\n", debugstr_guid(&recs[i]->snapshot_id));
                if ((ret = catalogue_delete(cat, &recs[i]->snapshot_id)) && ret != -ENOENT)
                    WARN("cannot delete auto-release snapshot %s: %s\n", debugstr_guid(&recs[i]->snapshot_id),
                         strerror(-ret));
            }
            catalogue_records_free(recs, count);
        }
        catalogue_close(cat);
    }
    free_volumes(backup);
}

/* --- StartSnapshotSet, AddToSnapshotSet ---------------------------------------------- */

HRESULT STDMETHODCALLTYPE backup_StartSnapshotSet(BACKUP_THIS, VSS_ID *set_id)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct vss_setlock *lock;
    HRESULT hr;
    GUID id;
    int ret;

    TRACE("%p, %p\n", iface, set_id);

    if (!set_id) return E_INVALIDARG;
    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R2/R10: StartSnapshotSet needs InitializeForBackup\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (backup->set_state != SET_NONE || (backup->flags & (BACKUP_BUSY | BACKUP_IMPORT_BCD)))
    {
        WARN("R1: this object already has a snapshot set\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (backup->context == (LONG)VSS_CTX_ALL)
    {
        WARN("R3: VSS_CTX_ALL is for queries; no snapshot set can be made in it\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (FAILED(hr = CoCreateGuid(&id))) goto done;
    /* R12: one set in creation per machine, until DoSnapshotSet ends */
    if ((ret = setlock_acquire(&id, SETLOCK_WAIT_DEFAULT, &lock)))
    {
        pid_t pid;
        GUID other;

        if (!setlock_holder(&pid, &other))
            WARN("R12: snapshot set %s of process %d is in creation\n", debugstr_guid(&other), (int)pid);
        hr = hresult_from_errno(ret, ERRCTX_SET_LOCK);
        goto done;
    }
    backup->setlock = lock;
    backup->set_id = id;
    backup->set_state = SET_STARTED;
    backup->bcd->snapshot_set_id = id;
    *set_id = id;
    TRACE("snapshot set %s started\n", debugstr_guid(&id));
    hr = S_OK;
done:
    backup_unlock(backup);
    return hr;
}

/* VSS_MAX_SHADOW_COPIES: Windows' MaxShadowCopies setting (VSS-FACTS.md §3.5),
 * the limit of client-accessible snapshots per volume, 1-512, default 64. */
static unsigned int max_client_accessible(void)
{
    const char *value = secure_getenv("VSS_MAX_SHADOW_COPIES");
    char *end;
    long n;

    if (!value || !*value) return DEFAULT_MAX_CLIENT_ACCESSIBLE;
    n = strtol(value, &end, 10);
    if (*end || n < 1 || n > MAX_SNAPSHOTS_PER_VOLUME)
    {
        WARN("VSS_MAX_SHADOW_COPIES=%s is not in 1-512; using %d\n", value, DEFAULT_MAX_CLIENT_ACCESSIBLE);
        return DEFAULT_MAX_CLIENT_ACCESSIBLE;
    }
    return n;
}

/* R15: the volume's snapshots so far, of every context. */
static HRESULT check_snapshot_limit(struct backup *backup, const char *guid_name)
{
    struct snapshot_record **recs = NULL;
    struct catalogue *cat;
    unsigned int client = 0;
    size_t count = 0, i;
    HRESULT hr = S_OK;
    int ret;

    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if ((ret = query_records(cat, CATALOGUE_CTX_ALL, NULL, NULL, guid_name, &recs, &count)))
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
    else
    {
        for (i = 0; i < count; i++) if (recs[i]->attributes & VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE) client++;
        if (count >= MAX_SNAPSHOTS_PER_VOLUME)
        {
            WARN("R15: %s already has %zu snapshots\n", guid_name, count);
            hr = VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED;
        }
        else if ((backup->context & VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE) && client >= max_client_accessible())
        {
            WARN("R15: %s already has %u client-accessible snapshots\n", guid_name, client);
            hr = VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED;
        }
    }
    catalogue_records_free(recs, count);
    catalogue_close(cat);
    return hr;
}

/* The volume a caller named; errors as HRESULTs (R16). */
static HRESULT resolve_volume(LPCWSTR name, char **name8, struct vss_volume *vol)
{
    int ret;

    memset(vol, 0, sizeof(*vol));
    *name8 = NULL;
    if ((ret = wstr_to_utf8(name, name8))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    if ((ret = volume_resolve(*name8, vol)))
    {
        WARN("R16: volume %s: %s\n", *name8, strerror(-ret));
        free(*name8);
        *name8 = NULL;
        return hresult_from_errno(ret, ERRCTX_VOLUME);
    }
    return S_OK;
}

/* The provider for a volume (R16): the one asked for, or the default choice. */
static HRESULT choose_provider(const GUID *provider_id, const struct vss_volume *vol, const struct provider **out)
{
    const struct provider *provider;
    int ret;

    *out = NULL;
    if (IsEqualGUID(provider_id, &GUID_NULL))
    {
        if (!(provider = provider_choose(vol, &ret)))
        {
            WARN("R16: no provider can snapshot %s: %s\n", vol->root, strerror(-ret));
            return ret == -EOPNOTSUPP ? VSS_E_VOLUME_NOT_SUPPORTED : hresult_from_errno(ret, ERRCTX_VOLUME);
        }
    }
    else
    {
        if (!(provider = provider_by_id(provider_id)))
        {
            WARN("R16: no provider %s\n", debugstr_guid(provider_id));
            return VSS_E_PROVIDER_NOT_REGISTERED;
        }
        if ((ret = provider->is_supported(vol)))
        {
            WARN("R16: provider %s cannot snapshot %s: %s\n", provider->name, vol->root, strerror(-ret));
            return hresult_from_errno(ret, ERRCTX_PROVIDER);
        }
    }
    *out = provider;
    return S_OK;
}

HRESULT STDMETHODCALLTYPE backup_AddToSnapshotSet(BACKUP_THIS, VSS_PWSZ volume, VSS_ID provider_id,
                                                  VSS_ID *snapshot_id)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    const struct provider *provider;
    struct set_volume *grown, *v;
    struct vss_volume vol;
    char *name8 = NULL, guid_name[64];
    unsigned int i;
    HRESULT hr;
    GUID id;

    TRACE("%p, %s, %s, %p\n", iface, debugstr_w(volume), debugstr_guid(&provider_id), snapshot_id);

    if (!volume || !snapshot_id) return E_INVALIDARG;
    memset(&vol, 0, sizeof(vol));
    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R2/R10: AddToSnapshotSet needs InitializeForBackup\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (backup->set_state != SET_STARTED || (backup->flags & (BACKUP_BUSY | BACKUP_ABORTED)))
    {
        WARN(backup->set_state == SET_NONE ? "R11: AddToSnapshotSet needs StartSnapshotSet first\n"
                                           : "R13: the snapshot set is no longer open\n");
        hr = VSS_E_BAD_STATE;
        goto done;
    }
    if (backup->volume_count >= MAX_VOLUMES_PER_SET)
    {
        WARN("R14: a snapshot set holds at most %d volumes\n", MAX_VOLUMES_PER_SET);
        hr = VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED;
        goto done;
    }
    if (FAILED(hr = resolve_volume(volume, &name8, &vol))) goto done;
    for (i = 0; i < backup->volume_count; i++)
        if (IsEqualGUID(&backup->volumes[i].volume.guid, &vol.guid))
        {
            WARN("%s is already in the snapshot set\n", vol.root);
            hr = VSS_E_OBJECT_ALREADY_EXISTS;
            goto done;
        }
    if (FAILED(hr = choose_provider(&provider_id, &vol, &provider))) goto done;
    if ((backup->context & (VSS_VOLSNAP_ATTR_TRANSPORTABLE | VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED))
        && provider->type != PROVIDER_TYPE_HARDWARE)
    {
        WARN("transportable and hardware snapshots need a hardware provider; %s is not one\n", provider->name);
        hr = IsEqualGUID(&provider_id, &GUID_NULL) ? VSS_E_VOLUME_NOT_SUPPORTED
                                                   : VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER;
        goto done;
    }
    volume_guid_name(&vol, guid_name, sizeof(guid_name));
    if (FAILED(hr = check_snapshot_limit(backup, guid_name))) goto done;
    if (FAILED(hr = CoCreateGuid(&id))) goto done;

    if (!(grown = realloc(backup->volumes, (backup->volume_count + 1) * sizeof(*grown))))
    {
        hr = E_OUTOFMEMORY;
        goto done;
    }
    backup->volumes = grown;
    if (FAILED(hr = coordinator_add_volume(backup->coordinator, name8, vol.root))) goto done;
    v = &backup->volumes[backup->volume_count++];
    memset(v, 0, sizeof(*v));
    v->name = name8;
    v->volume = vol;
    v->provider = provider;
    v->snapshot_id = id;
    name8 = NULL;
    memset(&vol, 0, sizeof(vol));
    *snapshot_id = id;
    TRACE("%s: snapshot %s by %s\n", v->volume.root, debugstr_guid(&id), provider->name);
    hr = S_OK;

done:
    volume_free(&vol);
    free(name8);
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_IsVolumeSupported(BACKUP_THIS, VSS_ID provider_id, VSS_PWSZ volume,
                                                   BOOL *supported)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    const struct provider *provider;
    struct vss_volume vol;
    char *name8;
    HRESULT hr;
    int mode;

    TRACE("%p, %s, %s, %p\n", iface, debugstr_guid(&provider_id), debugstr_w(volume), supported);

    if (!volume || !supported) return E_INVALIDARG;
    *supported = FALSE;
    backup_lock(backup);
    mode = backup->mode;
    backup_unlock(backup);
    if (mode == MODE_NONE)
    {
        WARN("R2: IsVolumeSupported before initialisation\n");
        return VSS_E_BAD_STATE;
    }
    if (!IsEqualGUID(&provider_id, &GUID_NULL) && !provider_by_id(&provider_id))
        return VSS_E_PROVIDER_NOT_REGISTERED;
    if (FAILED(hr = resolve_volume(volume, &name8, &vol))) return hr;
    /* the snapshot count limit does not matter here (§2.3 row 44) */
    hr = choose_provider(&provider_id, &vol, &provider);
    if (SUCCEEDED(hr)) *supported = TRUE;
    else if (hr == VSS_E_VOLUME_NOT_SUPPORTED || hr == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER) hr = S_OK;
    volume_free(&vol);
    free(name8);
    return hr;
}

/* --- DoSnapshotSet ------------------------------------------------------------------------ */

struct creation
{
    struct backup *backup;
    struct async_op *async;
    struct catalogue *cat;
    struct provider_set *sets;          /* one per provider of the set */
    const struct provider **providers;
    unsigned int nsets;
};

static HRESULT cancelled(struct creation *c)
{
    return async_cancel_requested(c->async) ? E_ABORT : S_OK;
}

static LONG snapshot_attributes(const struct backup *backup, const struct set_volume *v)
{
    LONG attributes = backup->context & ~(VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY | VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY);

    /* a copy of the tree is a full copy (plex); the others share extents */
    if (!(attributes & (VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_PLEX)))
        attributes |= (v->snap.flags & PROVIDER_WRITER_CONSISTENT_ONLY) ? VSS_VOLSNAP_ATTR_PLEX
                                                                       : VSS_VOLSNAP_ATTR_DIFFERENTIAL;
    return attributes;
}

static HRESULT creation_group(struct creation *c)
{
    struct backup *backup = c->backup;
    unsigned int i, j;

    if (!(c->sets = calloc(backup->volume_count, sizeof(*c->sets)))
        || !(c->providers = calloc(backup->volume_count, sizeof(*c->providers))))
        return E_OUTOFMEMORY;
    for (i = 0; i < backup->volume_count; i++)
    {
        struct set_volume *v = &backup->volumes[i];
        struct provider_set *set = NULL;
        struct provider_snapshot **grown;

        for (j = 0; j < c->nsets; j++) if (c->providers[j] == v->provider) set = &c->sets[j];
        if (!set)
        {
            set = &c->sets[c->nsets];
            c->providers[c->nsets++] = v->provider;
            set->id = backup->set_id;
        }
        if (!(grown = realloc(set->snapshots, (set->count + 1) * sizeof(*grown)))) return E_OUTOFMEMORY;
        set->snapshots = grown;
        set->snapshots[set->count++] = &v->snap;
    }
    return S_OK;
}

static void creation_free(struct creation *c)
{
    unsigned int i;

    if (c->sets) for (i = 0; i < c->nsets; i++) free(c->sets[i].snapshots);
    free(c->sets);
    free(c->providers);
    if (c->cat) catalogue_close(c->cat);
}

/* §1.3 b: BeginPrepareSnapshot per volume (then the record "creating", before
 * anything exists on disk), EndPrepareSnapshots per provider. */
static HRESULT creation_prepare(void *context)
{
    struct creation *c = context;
    struct backup *backup = c->backup;
    char guid_name[64];
    unsigned int i;
    HRESULT hr;
    int ret;

    if (FAILED(hr = cancelled(c))) return hr;
    for (i = 0; i < backup->volume_count; i++)
    {
        struct set_volume *v = &backup->volumes[i];
        struct snapshot_record *rec;

        v->snap.id = v->snapshot_id;
        v->snap.set_id = backup->set_id;
        v->snap.volume = &v->volume;
        v->snap.provider = v->provider;
        v->snap.context = backup->context;
        if ((ret = v->provider->begin_prepare(&v->snap)))
        {
            WARN("%s: BeginPrepareSnapshot of %s: %s\n", v->provider->name, v->volume.root, strerror(-ret));
            return hresult_from_errno(ret, ERRCTX_PROVIDER);
        }
        v->prepared = 1;

        if (!(rec = snapshot_record_new())) return E_OUTOFMEMORY;
        v->record = rec;
        rec->snapshot_id = v->snapshot_id;
        rec->set_id = backup->set_id;
        rec->provider_id = v->provider->id;
        rec->snapshots_count = backup->volume_count;
        rec->context = base_context(backup->context);
        rec->attributes = snapshot_attributes(backup, v);
        rec->state = RECORD_CREATING;
        volume_guid_name(&v->volume, guid_name, sizeof(guid_name));
        if ((ret = snapshot_record_set(&rec->original_volume_name, guid_name))
            || (ret = snapshot_record_set(&rec->original_volume_root, v->volume.root))
            || (ret = snapshot_record_set(&rec->originating_machine, snapshot_machine_name()))
            || (ret = snapshot_record_set(&rec->service_machine, snapshot_machine_name()))
            || !(rec->record_dir = strdup(v->snap.record_dir ? v->snap.record_dir : "")))
            return E_OUTOFMEMORY;
        /* where the provider's commit makes the record dir durable anyway (a
         * btrfs snapshot commits a transaction), the record's own fsyncs would
         * only double its cost; nothing depends on a 'creating' record being
         * durable (catalogue.h) */
        ret = (v->snap.flags & PROVIDER_COMMIT_SYNCS_RECORDS) ? catalogue_add_unsynced(c->cat, rec)
                                                              : catalogue_add(c->cat, rec);
        if (ret)
        {
            WARN("cannot record snapshot %s in %s: %s\n", debugstr_guid(&rec->snapshot_id), rec->record_dir,
                 strerror(-ret));
            free(rec->record_dir);
            rec->record_dir = NULL;    /* not added: abort must not remove it */
            return hresult_from_errno(ret, ERRCTX_PROVIDER);
        }
    }
    for (i = 0; i < c->nsets; i++)
    {
        if (!c->providers[i]->end_prepare) continue;
        if ((ret = c->providers[i]->end_prepare(&c->sets[i])))
        {
            WARN("%s: EndPrepareSnapshots: %s\n", c->providers[i]->name, strerror(-ret));
            return hresult_from_errno(ret, ERRCTX_PROVIDER);
        }
    }
    return S_OK;
}

/* §1.3 d-h, with every writer frozen. */
static HRESULT creation_commit(void *context)
{
    struct creation *c = context;
    struct backup *backup = c->backup;
    struct freeze_target *targets;
    struct freeze_hold *hold;
    unsigned int i, failed = 0;
    int ret, commit_ret = 0, release_ret;
    HRESULT hr;

    if (FAILED(hr = cancelled(c))) return hr;
    for (i = 0; i < c->nsets; i++)
    {
        if (!c->providers[i]->pre_commit) continue;
        if ((ret = c->providers[i]->pre_commit(&c->sets[i])))
        {
            WARN("%s: PreCommitSnapshots: %s\n", c->providers[i]->name, strerror(-ret));
            return hresult_from_errno(ret, ERRCTX_PROVIDER);
        }
    }

    if (!(targets = calloc(backup->volume_count, sizeof(*targets)))) return E_OUTOFMEMORY;
    for (i = 0; i < backup->volume_count; i++)
    {
        targets[i].path = backup->volumes[i].volume.root;
        targets[i].mode = backup->volumes[i].snap.freeze;
    }
    ret = freeze_hold(targets, backup->volume_count, 0, &hold);
    free(targets);
    if (ret)
    {
        WARN("flush-and-hold: %s\n", strerror(-ret));
        return hresult_from_errno(ret, ERRCTX_FLUSH);
    }

    /* inside the hold window: no logging, no allocation that could touch a
     * frozen file system; what went wrong is said after the release */
    for (i = 0; i < c->nsets && !commit_ret; i++)
        if ((commit_ret = c->providers[i]->commit(&c->sets[i]))) failed = i;
    testhook_pause("hold");    /* tests only: keep the window open (testhook.h) */
    release_ret = freeze_release(hold);

    if (commit_ret)
    {
        WARN("%s: CommitSnapshots: %s\n", c->providers[failed]->name, strerror(-commit_ret));
        /* a commit that overran the hold window (provider.h) */
        return hresult_from_errno(commit_ret, commit_ret == -ETIMEDOUT ? ERRCTX_HOLD : ERRCTX_PROVIDER);
    }
    if (release_ret)
    {
        WARN("releasing the held writes: %s\n", strerror(-release_ret));
        return hresult_from_errno(release_ret, ERRCTX_HOLD);
    }

    for (i = 0; i < c->nsets; i++)
    {
        if (!c->providers[i]->post_commit) continue;
        if ((ret = c->providers[i]->post_commit(&c->sets[i])))
        {
            WARN("%s: PostCommitSnapshots: %s\n", c->providers[i]->name, strerror(-ret));
            return hresult_from_errno(ret, ERRCTX_PROVIDER);
        }
    }
    for (i = 0; i < backup->volume_count; i++)
    {
        struct set_volume *v = &backup->volumes[i];

        if (v->snap.root) coordinator_set_snapshot_device(backup->coordinator, v->name, v->snap.root);
    }
    return S_OK;
}

/* §1.3 j-l: the snapshots exist and the writers are thawed: record them. */
static HRESULT creation_after_thaw(void *context)
{
    struct creation *c = context;
    struct backup *backup = c->backup;
    const struct snapshot_record **batch;
    unsigned int i, nbatch = 0;
    HRESULT hr;
    int ret;

    if (FAILED(hr = cancelled(c))) return hr;
    if (!(batch = calloc(backup->volume_count, sizeof(*batch)))) return E_OUTOFMEMORY;
    for (i = 0; i < backup->volume_count; i++)
    {
        struct set_volume *v = &backup->volumes[i];
        struct snapshot_record *rec = v->record;

        if (!v->snap.root || !v->snap.private_data)
        {
            WARN("%s left snapshot %s without a root or private data\n", v->provider->name,
                 debugstr_guid(&v->snapshot_id));
            free(batch);
            return VSS_E_UNEXPECTED_PROVIDER_ERROR;
        }
        rec->state = RECORD_CREATED;
        if (v->snap.created.tv_sec) rec->creation_time = catalogue_timestamp(&v->snap.created);
        rec->attributes = snapshot_attributes(backup, v);
        if ((ret = snapshot_record_set(&rec->snapshot_device, v->snap.root))
            || (ret = snapshot_record_set(&rec->provider_data, v->snap.private_data)))
            break;
        /* btrfs: one syncfs for all of them (a commit right after the
         * snapshot's has little to write) rather than two fsyncs each */
        if (v->snap.flags & PROVIDER_COMMIT_SYNCS_RECORDS) batch[nbatch++] = rec;
        else if ((ret = catalogue_commit(c->cat, rec))) break;
    }
    if (i == backup->volume_count) ret = catalogue_commit_batch(c->cat, batch, nbatch);
    free(batch);
    if (ret)
    {
        WARN("cannot record the snapshots of set %s as created: %s\n", debugstr_guid(&backup->set_id),
             strerror(-ret));
        return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    }
    return S_OK;
}

/* §1.3 "on failure": AbortSnapshots to every provider, and the records go. */
static void creation_abort(void *context)
{
    struct creation *c = context;
    struct backup *backup = c->backup;
    unsigned int i;
    int ret;

    for (i = 0; i < c->nsets; i++)
        if (c->providers[i]->abort && (ret = c->providers[i]->abort(&c->sets[i])))
            WARN("%s: AbortSnapshots: %s\n", c->providers[i]->name, strerror(-ret));
    for (i = 0; i < backup->volume_count; i++)
    {
        struct set_volume *v = &backup->volumes[i];

        if (v->record && v->record->record_dir && (ret = catalogue_remove(c->cat, &v->snapshot_id))
            && ret != -ENOENT)
            WARN("cannot remove the record of aborted snapshot %s: %s\n", debugstr_guid(&v->snapshot_id),
                 strerror(-ret));
    }
}

static HRESULT do_snapshot_set_op(struct backup *backup, struct async_op *async)
{
    struct coordinator_snapshot_ops ops;
    struct creation c;
    HRESULT hr;
    int ret;

    memset(&c, 0, sizeof(c));
    c.backup = backup;
    c.async = async;
    ops.context = &c;
    ops.prepare = creation_prepare;
    ops.commit = creation_commit;
    ops.after_thaw = creation_after_thaw;
    ops.abort = creation_abort;

    if ((ret = snapshot_catalogue_open(0, &c.cat))) hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
    else if (SUCCEEDED(hr = creation_group(&c)))
    {
        if (backup_writers_involved(backup))
            hr = coordinator_do_snapshot_set(backup->coordinator, backup->bcd, &ops);
        else
        {
            /* no writer takes part in these contexts (§3.3): the provider steps alone */
            if (FAILED(hr = creation_prepare(&c)) || FAILED(hr = creation_commit(&c))
                || FAILED(hr = creation_after_thaw(&c)))
                creation_abort(&c);
        }
    }
    creation_free(&c);

    if (hr == E_ABORT && async_cancel_requested(async)) hr = VSS_S_ASYNC_CANCELLED;
    backup_lock(backup);
    backup->set_state = hr == S_OK ? SET_CREATED : SET_FAILED;
    backup->set_result = hr;
    /* R12: the set is no longer in creation */
    setlock_release(backup->setlock);
    backup->setlock = NULL;
    backup_unlock(backup);
    if (hr == S_OK) TRACE("snapshot set %s created\n", debugstr_guid(&backup->set_id));
    else WARN("snapshot set %s failed: %s\n", debugstr_guid(&backup->set_id), debugstr_hr(hr));
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_DoSnapshotSet(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R2/R10: DoSnapshotSet needs InitializeForBackup\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->flags & BACKUP_BUSY)
    {
        WARN("another asynchronous operation is running\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup->set_state != SET_STARTED || (backup->flags & BACKUP_ABORTED))
    {
        WARN(backup->set_state == SET_NONE ? "R11: DoSnapshotSet without StartSnapshotSet\n"
                                           : "R1: the snapshot set was already taken or aborted\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (!backup->volume_count)
    {
        WARN("DoSnapshotSet: the snapshot set has no volume\n");
        hr = VSS_E_BAD_STATE;
    }
    else if (backup_writers_involved(backup) && !(backup->flags & BACKUP_METADATA))
    {
        WARN("R5: context %#x involves writers: GatherWriterMetadata must come first\n",
             (unsigned int)backup->context);
        hr = VSS_E_BAD_STATE;
    }
    else if (backup_writers_involved(backup) && !(backup->flags & BACKUP_PREPARED))
    {
        WARN("R17: DoSnapshotSet needs PrepareForBackup first\n");
        hr = VSS_E_BAD_STATE;
    }
    else
    {
        backup->set_state = SET_CREATING;
        backup_sync_state(backup);
        if (FAILED(hr = backup_start_async(backup, do_snapshot_set_op, async))) backup->set_state = SET_STARTED;
    }
    backup_unlock(backup);
    return hr;
}

/* --- snapshots that exist ------------------------------------------------------------ */

/* R23: Query, DeleteSnapshots and GetSnapshotProperties need InitializeForBackup. */
static HRESULT check_backup_mode(struct backup *backup, LONG *context)
{
    HRESULT hr = S_OK;

    backup_lock(backup);
    if (backup->mode != MODE_BACKUP)
    {
        WARN("R23: needs InitializeForBackup (%s)\n", backup->mode == MODE_NONE ? "not initialised" : "a restore");
        hr = VSS_E_BAD_STATE;
    }
    *context = backup->context;
    backup_unlock(backup);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_GetSnapshotProperties(BACKUP_THIS, VSS_ID id, VSS_SNAPSHOT_PROP *prop)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct snapshot_record **recs = NULL;
    struct catalogue *cat;
    size_t count = 0;
    LONG context;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %p\n", iface, debugstr_guid(&id), prop);

    if (!prop) return E_INVALIDARG;
    if (FAILED(hr = check_backup_mode(backup, &context))) return hr;
    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if ((ret = query_records(cat, context, &id, NULL, NULL, &recs, &count)))
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
    else if (!count)
    {
        WARN("R23: no snapshot %s in context %#x\n", debugstr_guid(&id), (unsigned int)context);
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    else hr = snapshot_prop_from_record(recs[0], prop);
    catalogue_records_free(recs, count);
    catalogue_close(cat);
    return hr;
}

static HRESULT query_snapshots(LONG context, IVssEnumObject **out)
{
    struct snapshot_record **recs = NULL;
    VSS_OBJECT_PROP *items = NULL;
    struct catalogue *cat;
    size_t count = 0, i;
    HRESULT hr = S_OK;
    int ret;

    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if ((ret = query_records(cat, context, NULL, NULL, NULL, &recs, &count)))
    {
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
        goto done;
    }
    if (count && !(items = calloc(count, sizeof(*items))))
    {
        hr = E_OUTOFMEMORY;
        goto done;
    }
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        items[i].Type = VSS_OBJECT_SNAPSHOT;
        hr = snapshot_prop_from_record(recs[i], &items[i].Obj.Snap);
    }
    if (FAILED(hr))
    {
        while (i--) object_prop_clear(&items[i]);
        free(items);
        goto done;
    }
    hr = enum_object_create(items, count, out);
done:
    catalogue_records_free(recs, count);
    catalogue_close(cat);
    return hr;
}

static HRESULT query_providers(IVssEnumObject **out)
{
    const struct provider *const *list = provider_list();
    VSS_OBJECT_PROP *items;
    ULONG count = 0, i;
    HRESULT hr = S_OK;

    while (list[count]) count++;
    if (!(items = calloc(count, sizeof(*items)))) return E_OUTOFMEMORY;
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        items[i].Type = VSS_OBJECT_PROVIDER;
        hr = provider_prop_from_provider(list[i], &items[i].Obj.Prov);
    }
    if (FAILED(hr))
    {
        while (i--) object_prop_clear(&items[i]);
        free(items);
        return hr;
    }
    return enum_object_create(items, count, out);
}

HRESULT STDMETHODCALLTYPE backup_Query(BACKUP_THIS, VSS_ID id, VSS_OBJECT_TYPE queried, VSS_OBJECT_TYPE returned,
                                       IVssEnumObject **out)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    LONG context;
    HRESULT hr;

    TRACE("%p, %s, %d, %d, %p\n", iface, debugstr_guid(&id), queried, returned, out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (FAILED(hr = check_backup_mode(backup, &context))) return hr;
    /* Microsoft: QueriedObjectId must be GUID_NULL and the query type NONE */
    if (!IsEqualGUID(&id, &GUID_NULL) || queried != VSS_OBJECT_NONE
        || (returned != VSS_OBJECT_SNAPSHOT && returned != VSS_OBJECT_PROVIDER))
    {
        WARN("Query supports (GUID_NULL, NONE, SNAPSHOT or PROVIDER) only\n");
        return E_INVALIDARG;
    }
    return returned == VSS_OBJECT_SNAPSHOT ? query_snapshots(context, out) : query_providers(out);
}

HRESULT STDMETHODCALLTYPE backup_DeleteSnapshots(BACKUP_THIS, VSS_ID id, VSS_OBJECT_TYPE type, BOOL force,
                                                 LONG *deleted, VSS_ID *not_deleted)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct snapshot_record **recs = NULL;
    struct catalogue *cat;
    size_t count = 0, i;
    LONG context;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %d, %d, %p, %p\n", iface, debugstr_guid(&id), type, force, deleted, not_deleted);

    if (!deleted || !not_deleted) return E_INVALIDARG;
    *deleted = 0;
    *not_deleted = GUID_NULL;
    if (type != VSS_OBJECT_SNAPSHOT && type != VSS_OBJECT_SNAPSHOT_SET) return E_INVALIDARG;
    if (FAILED(hr = check_backup_mode(backup, &context))) return hr;

    if ((ret = snapshot_catalogue_open(0, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if ((ret = query_records(cat, context, type == VSS_OBJECT_SNAPSHOT ? &id : NULL,
                             type == VSS_OBJECT_SNAPSHOT_SET ? &id : NULL, NULL, &recs, &count)))
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
    else if (!count)
    {
        WARN("R23: no %s %s in context %#x\n", type == VSS_OBJECT_SNAPSHOT ? "snapshot" : "snapshot set",
             debugstr_guid(&id), (unsigned int)context);
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    /* one after the other; the first failure stops it and is named (§2.3 row 39) */
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        if (recs[i]->exposed_name[0] && (ret = unexpose_snapshot(recs[i])) && ret != -ENOENT)
            WARN("snapshot %s: cannot unexpose %s: %s\n", debugstr_guid(&recs[i]->snapshot_id),
                 recs[i]->exposed_name, strerror(-ret));
        if ((ret = catalogue_delete(cat, &recs[i]->snapshot_id)) && ret != -ENOENT)
        {
            WARN("cannot delete snapshot %s: %s\n", debugstr_guid(&recs[i]->snapshot_id), strerror(-ret));
            *not_deleted = recs[i]->snapshot_id;
            hr = hresult_from_errno(ret, ERRCTX_DELETE);
            break;
        }
        (*deleted)++;
    }
    catalogue_records_free(recs, count);
    catalogue_close(cat);
    return hr;
}

/* --- exposure --------------------------------------------------------------------------- */

/* The created record of a snapshot visible in the context, or an HRESULT. */
static HRESULT find_snapshot(struct catalogue *cat, LONG context, const GUID *id, struct snapshot_record **rec)
{
    struct snapshot_record **recs = NULL;
    size_t count = 0;
    int ret;

    *rec = NULL;
    if ((ret = query_records(cat, context, id, NULL, NULL, &recs, &count)))
        return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if (!count)
    {
        WARN("R23: no snapshot %s in context %#x\n", debugstr_guid(id), (unsigned int)context);
        return VSS_E_OBJECT_NOT_FOUND;
    }
    *rec = recs[0];
    recs[0] = NULL;
    catalogue_records_free(recs, count);
    return S_OK;
}

HRESULT STDMETHODCALLTYPE backup_ExposeSnapshot(BACKUP_THIS, VSS_ID id, VSS_PWSZ path_from_root, LONG attributes,
                                                VSS_PWSZ expose, VSS_PWSZ *exposed)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct snapshot_record *rec = NULL;
    char *target = NULL, *name = NULL;
    struct catalogue *cat = NULL;
    LONG context;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %s, %#x, %s, %p\n", iface, debugstr_guid(&id), debugstr_w(path_from_root),
          (unsigned int)attributes, debugstr_w(expose), exposed);

    if (!exposed) return E_INVALIDARG;
    *exposed = NULL;
    if (FAILED(hr = check_backup_mode(backup, &context))) return hr;
    if (attributes == VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY)
    {
        /* a network share needs a file server's configuration: Samba's, not ours */
        WARN("exposing as a network share is not supported\n");
        return VSS_E_PROVIDER_VETO;
    }
    if (attributes != VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY || path_from_root)
    {
        WARN("local exposure takes a drive letter or a directory and no path from root\n");
        return E_INVALIDARG;
    }
    /* NULL: a drive letter of our choosing */
    if ((ret = wstr_to_utf8(expose, &target))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;

    if ((ret = snapshot_catalogue_open(0, &cat)))
    {
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
        goto done;
    }
    if (FAILED(hr = find_snapshot(cat, context, &id, &rec))) goto done;
    if (rec->exposed_name[0])
    {
        WARN("snapshot %s is already exposed at %s\n", debugstr_guid(&id), rec->exposed_name);
        hr = VSS_E_OBJECT_ALREADY_EXISTS;
        goto done;
    }
    if ((ret = expose_snapshot(rec, target, &name)))
    {
        hr = hresult_from_errno(ret, ERRCTX_EXPOSE);
        goto done;
    }
    if ((ret = catalogue_set_exposed(cat, &id, name, NULL)))
    {
        WARN("cannot record the exposure of %s: %s\n", debugstr_guid(&id), strerror(-ret));
        snapshot_record_set(&rec->exposed_name, name);
        unexpose_snapshot(rec);
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
        goto done;
    }
    if ((ret = wstr_from_utf8_cotaskmem(name, exposed))) hr = E_OUTOFMEMORY;
done:
    snapshot_record_free(rec);
    if (cat) catalogue_close(cat);
    free(name);
    free(target);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_UnexposeSnapshot(BACKUP_THIS, VSS_ID id)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    struct snapshot_record *rec = NULL;
    struct catalogue *cat;
    LONG context;
    HRESULT hr;
    int ret;

    TRACE("%p, %s\n", iface, debugstr_guid(&id));

    if (FAILED(hr = check_backup_mode(backup, &context))) return hr;
    if ((ret = snapshot_catalogue_open(0, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if (FAILED(hr = find_snapshot(cat, context, &id, &rec))) goto done;
    if (!rec->exposed_name[0])
    {
        WARN("snapshot %s is not exposed\n", debugstr_guid(&id));
        hr = VSS_E_OBJECT_NOT_FOUND;
        goto done;
    }
    if ((ret = unexpose_snapshot(rec)) && ret != -ENOENT)
    {
        hr = hresult_from_errno(ret, ERRCTX_EXPOSE);
        goto done;
    }
    if ((ret = catalogue_set_exposed(cat, &id, NULL, NULL))) hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
done:
    snapshot_record_free(rec);
    catalogue_close(cat);
    return hr;
}

/* --- hardware-only methods ---------------------------------------------------------------- */

/* The snapshots of a set, any context; VSS_E_OBJECT_NOT_FOUND if none. */
static HRESULT set_is_software(const GUID *set_id)
{
    struct snapshot_record **recs = NULL;
    struct catalogue *cat;
    size_t count = 0, i;
    HRESULT hr;
    int ret;

    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if ((ret = query_records(cat, CATALOGUE_CTX_ALL, NULL, set_id, NULL, &recs, &count)))
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
    else if (!count) hr = VSS_E_OBJECT_NOT_FOUND;
    else
    {
        hr = VSS_E_PROVIDER_VETO;
        for (i = 0; i < count; i++)
        {
            const struct provider *provider = provider_by_id(&recs[i]->provider_id);
            if (provider && provider->type == PROVIDER_TYPE_HARDWARE) hr = S_OK;
        }
    }
    catalogue_records_free(recs, count);
    catalogue_close(cat);
    return hr;
}

static HRESULT break_set(struct backup *backup, const GUID *set_id)
{
    int mode;
    HRESULT hr;

    backup_lock(backup);
    mode = backup->mode;
    backup_unlock(backup);
    if (mode == MODE_NONE)
    {
        WARN("R2: BreakSnapshotSet before initialisation\n");
        return VSS_E_BAD_STATE;
    }
    /* R31: only a hardware provider's set can be turned into plain volumes */
    hr = set_is_software(set_id);
    if (hr == VSS_E_PROVIDER_VETO) WARN("R31: set %s is a software snapshot set\n", debugstr_guid(set_id));
    else if (hr == S_OK) hr = VSS_E_PROVIDER_VETO;   /* no hardware provider here can break */
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_BreakSnapshotSet(BACKUP_THIS, VSS_ID set_id)
{
    TRACE("%p, %s\n", iface, debugstr_guid(&set_id));
    return break_set(impl_from_IVssBackupComponentsEx4(iface), &set_id);
}

HRESULT STDMETHODCALLTYPE backup_BreakSnapshotSetEx(BACKUP_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async)
{
    static const DWORD valid = VSS_BREAKEX_FLAG_MASK_LUNS | VSS_BREAKEX_FLAG_MAKE_READ_WRITE
                             | VSS_BREAKEX_FLAG_REVERT_IDENTITY_ALL | VSS_BREAKEX_FLAG_REVERT_IDENTITY_NONE;

    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&set_id), flags, async);

    if (!async || (flags & ~valid)
        || ((flags & VSS_BREAKEX_FLAG_REVERT_IDENTITY_ALL) && (flags & VSS_BREAKEX_FLAG_REVERT_IDENTITY_NONE)))
        return E_INVALIDARG;
    *async = NULL;
    return break_set(impl_from_IVssBackupComponentsEx4(iface), &set_id);
}

HRESULT STDMETHODCALLTYPE backup_ImportSnapshots(BACKUP_THIS, IVssAsync **async)
{
    struct backup *backup = impl_from_IVssBackupComponentsEx4(iface);
    HRESULT hr, result;
    int imported = 0;
    size_t i;

    TRACE("%p, %p\n", iface, async);

    if (!async) return E_INVALIDARG;
    *async = NULL;
    backup_lock(backup);
    if (backup->mode != MODE_BACKUP || !(backup->flags & BACKUP_IMPORT_BCD) || !backup->bcd->has_snapshot_set
        || (backup->flags & BACKUP_BUSY))
    {
        WARN("R24: ImportSnapshots needs InitializeForBackup with a saved transportable set\n");
        backup_unlock(backup);
        return VSS_E_BAD_STATE;
    }
    if (!(backup->bcd->snapshot_set_context & VSS_VOLSNAP_ATTR_TRANSPORTABLE))
    {
        WARN("the document describes a set that is not transportable\n");
        result = VSS_E_NONTRANSPORTABLE_BCD;
    }
    else
    {
        /* only a hardware provider could surface the LUNs of a transportable
         * set, and none of ours is one: nothing can be imported */
        for (i = 0; i < backup->bcd->snapshots.count; i++)
            if (provider_by_id(&backup->bcd->snapshots.items[i].provider_id)
                && provider_by_id(&backup->bcd->snapshots.items[i].provider_id)->type == PROVIDER_TYPE_HARDWARE)
                imported++;
        result = imported ? VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED : VSS_E_NO_SNAPSHOTS_IMPORTED;
    }
    backup_unlock(backup);
    hr = async_finished(result == VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED ? S_OK : result, async);
    return hr;
}

HRESULT STDMETHODCALLTYPE backup_PreFastRecovery(BACKUP_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async)
{
    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&set_id), flags, async);
    /* reserved by Microsoft and not supported by any provider (§2.3 row 58) */
    return E_NOTIMPL;
}

HRESULT STDMETHODCALLTYPE backup_FastRecovery(BACKUP_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async)
{
    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&set_id), flags, async);
    /* reserved by Microsoft and not supported by any provider (§2.3 row 59) */
    return E_NOTIMPL;
}
