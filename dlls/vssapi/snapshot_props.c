/*
 * snapshot_props.c: VSS_SNAPSHOT_PROP and VSS_PROVIDER_PROP as the API hands
 * them out, the catalogue's view of the providers, and the exported helpers
 * VssFreeSnapshotPropertiesInternal, IsVolumeSnapshottedInternal and
 * ShouldBlockRevertInternal.
 *
 * VSS_SNAPSHOT_PROP (VSS-FACTS.md §3.4): every string is CoTaskMemAlloc'd;
 * the original volume is "\\?\Volume{GUID}\"; both machine fields are this
 * host's name (the service runs on the same machine); the device object is
 * the snapshot's read-only root, a path that works with open() and to which a
 * Windows program appends "\relative\path" (DESIGN.md §3); an exposed
 * snapshot carries VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY.
 *
 * ShouldBlockRevert: Windows reads the writers' revert-blocking list from the
 * registry; here it is the file $VSS_CONFIG_DIR/block-revert, one volume name
 * per line (any form AddToSnapshotSet takes, '#' starts a comment).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsbackup.h>
#include "umbra/debug.h"
#include "config.h"
#include "errors.h"
#include "expose.h"
#include "snapshot_props.h"
#include "volume.h"
#include "wstr.h"
#include "providers/thirdparty.h"

static char machine_name[256];

static void machine_name_init(void)
{
    if (gethostname(machine_name, sizeof(machine_name) - 1) < 0 || !machine_name[0])
        strcpy(machine_name, "localhost");
}

const char *snapshot_machine_name(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, machine_name_init);
    return machine_name;
}

/* An empty string is "not set": NULL, as Windows leaves it. */
static int set_str(WCHAR **out, const char *value)
{
    if (!value || !*value)
    {
        *out = NULL;
        return 0;
    }
    return wstr_from_utf8_cotaskmem(value, out);
}

void WINAPI VssFreeSnapshotPropertiesInternal(VSS_SNAPSHOT_PROP *prop)
{
    TRACE("%p\n", prop);

    if (!prop) return;
    CoTaskMemFree(prop->m_pwszSnapshotDeviceObject);
    CoTaskMemFree(prop->m_pwszOriginalVolumeName);
    CoTaskMemFree(prop->m_pwszOriginatingMachine);
    CoTaskMemFree(prop->m_pwszServiceMachine);
    CoTaskMemFree(prop->m_pwszExposedName);
    CoTaskMemFree(prop->m_pwszExposedPath);
    prop->m_pwszSnapshotDeviceObject = prop->m_pwszOriginalVolumeName = NULL;
    prop->m_pwszOriginatingMachine = prop->m_pwszServiceMachine = NULL;
    prop->m_pwszExposedName = prop->m_pwszExposedPath = NULL;
}

static VSS_SNAPSHOT_STATE record_status(enum snapshot_record_state state)
{
    switch (state)
    {
    case RECORD_CREATED: return VSS_SS_CREATED;
    case RECORD_CREATING: return VSS_SS_PREPARING;
    case RECORD_DELETING: return VSS_SS_DELETED;
    }
    return VSS_SS_UNKNOWN;
}

HRESULT snapshot_prop_from_record(const struct snapshot_record *rec, VSS_SNAPSHOT_PROP *prop)
{
    const struct provider *provider = provider_by_id(&rec->provider_id);
    char *root = NULL;
    const char *device = rec->snapshot_device;
    int ret;

    memset(prop, 0, sizeof(*prop));
    prop->m_SnapshotId = rec->snapshot_id;
    prop->m_SnapshotSetId = rec->set_id;
    prop->m_lSnapshotsCount = rec->snapshots_count;
    prop->m_ProviderId = rec->provider_id;
    prop->m_lSnapshotAttributes = rec->attributes;
    if (rec->exposed_name && rec->exposed_name[0]) prop->m_lSnapshotAttributes |= VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY;
    prop->m_tsCreationTimestamp = rec->creation_time;
    prop->m_eStatus = record_status(rec->state);

    /* where the snapshot is readable now (a block image's mount may have moved) */
    if (provider && provider->root && rec->provider_data && rec->provider_data[0] && rec->record_dir
        && !provider->root(rec->record_dir, rec->provider_data, &root))
        device = root;

    if ((ret = set_str(&prop->m_pwszSnapshotDeviceObject, device))
        || (ret = set_str(&prop->m_pwszOriginalVolumeName, rec->original_volume_name))
        || (ret = set_str(&prop->m_pwszOriginatingMachine,
                          rec->originating_machine[0] ? rec->originating_machine : snapshot_machine_name()))
        || (ret = set_str(&prop->m_pwszServiceMachine,
                          rec->service_machine[0] ? rec->service_machine : snapshot_machine_name()))
        || (ret = set_str(&prop->m_pwszExposedName, rec->exposed_name))
        || (ret = set_str(&prop->m_pwszExposedPath, rec->exposed_path)))
    {
        free(root);
        VssFreeSnapshotPropertiesInternal(prop);
        memset(prop, 0, sizeof(*prop));
        return ret == -ENOMEM ? E_OUTOFMEMORY : VSS_E_UNEXPECTED;
    }
    free(root);
    return S_OK;
}

HRESULT provider_prop_from_provider(const struct provider *provider, VSS_PROVIDER_PROP *prop)
{
    memset(prop, 0, sizeof(*prop));
    prop->m_ProviderId = provider->id;
    prop->m_eProviderType = (VSS_PROVIDER_TYPE)provider->type;
    prop->m_ProviderVersionId = provider->version_id;
    /* no COM class stands behind our providers: the id names them; a
     * third-party provider has the class its declaration names */
    if (thirdparty_class_id(provider, &prop->m_ClassId)) prop->m_ClassId = provider->id;
    if (wstr_from_utf8_cotaskmem(provider->name, &prop->m_pwszProviderName)
        || wstr_from_utf8_cotaskmem(provider->version, &prop->m_pwszProviderVersion))
    {
        CoTaskMemFree(prop->m_pwszProviderName);
        memset(prop, 0, sizeof(*prop));
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

/* --- the catalogue's view of the providers ---------------------------------------- */

static int ops_exists(void *ctx, const char *record_dir, const GUID *provider_id, const char *private_data)
{
    const struct provider *provider = provider_by_id(provider_id);

    (void)ctx;
    if (!provider || !provider->exists) return -EOPNOTSUPP;   /* cannot tell: the record stays */
    return provider->exists(record_dir, private_data);
}

static int ops_remove(void *ctx, const char *record_dir, const GUID *provider_id, const char *private_data)
{
    const struct provider *provider = provider_by_id(provider_id);

    (void)ctx;
    if (!provider || !provider->delete) return -EOPNOTSUPP;
    return provider->delete(record_dir, private_data);
}

struct scan_adapter
{
    catalogue_scan_cb cb;
    void *cb_ctx;
    const GUID *provider_id;
};

static int scan_one(void *ctx, const char *private_data)
{
    struct scan_adapter *adapter = ctx;
    return adapter->cb(adapter->cb_ctx, adapter->provider_id, private_data);
}

static int ops_scan(void *ctx, const char *record_dir, catalogue_scan_cb cb, void *cb_ctx)
{
    const struct provider *const *provider;
    int ret;

    (void)ctx;
    for (provider = provider_list(); *provider; provider++)
    {
        struct scan_adapter adapter = { cb, cb_ctx, &(*provider)->id };

        if (!(*provider)->scan) continue;
        ret = (*provider)->scan(record_dir, scan_one, &adapter);
        if (ret && ret != -ENOENT) return ret;
    }
    return 0;
}

static int ops_unexpose(void *ctx, const struct snapshot_record *rec)
{
    (void)ctx;
    return unexpose_snapshot(rec);
}

static const struct catalogue_ops catalogue_provider_ops =
{
    NULL,
    ops_exists,
    ops_remove,
    ops_scan,
    NULL,
    ops_unexpose,
};

const struct catalogue_ops *snapshot_catalogue_ops(void)
{
    return &catalogue_provider_ops;
}

int snapshot_catalogue_open(int reconcile, struct catalogue **cat)
{
    int ret;

    if ((ret = catalogue_open(&catalogue_provider_ops, reconcile ? 0 : CATALOGUE_NO_RECONCILE, cat)))
        WARN("cannot open the snapshot catalogue: %s\n", strerror(-ret));
    return ret;
}

/* --- exported helpers ------------------------------------------------------------- */

/* The volume a caller named: 0, or a negative errno (ERRCTX_VOLUME). */
static int resolve_wide(const WCHAR *name, struct vss_volume *vol)
{
    char *utf8;
    int ret;

    memset(vol, 0, sizeof(*vol));
    if ((ret = wstr_to_utf8(name, &utf8))) return ret == -EILSEQ ? -EINVAL : ret;
    ret = volume_resolve(utf8, vol);
    free(utf8);
    return ret;
}

HRESULT WINAPI IsVolumeSnapshottedInternal(VSS_PWSZ volume, BOOL *present, LONG *capability)
{
    struct catalogue_filter filter;
    struct snapshot_record **recs = NULL;
    struct catalogue *cat = NULL;
    struct vss_volume vol;
    char guid_name[64];
    size_t count = 0;
    HRESULT hr;
    int ret;

    TRACE("%s, %p, %p\n", debugstr_w(volume), present, capability);

    if (!volume || !present || !capability) return E_INVALIDARG;
    if ((ret = resolve_wide(volume, &vol)))
    {
        WARN("%s: %s\n", debugstr_w(volume), strerror(-ret));
        return hresult_from_errno(ret, ERRCTX_VOLUME);
    }
    volume_guid_name(&vol, guid_name, sizeof(guid_name));
    memset(&filter, 0, sizeof(filter));
    filter.volume = guid_name;
    filter.context = CATALOGUE_CTX_ALL;
    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat))
        || (ret = catalogue_query(cat, &filter, &recs, &count)))
    {
        hr = hresult_from_errno(ret, ERRCTX_CATALOGUE);
        goto done;
    }
    *present = count > 0;
    /* our snapshots share extents with the volume: defragmenting it would
     * unshare them and eat the space they save (VSS_SNAPSHOT_COMPATIBILITY) */
    *capability = count ? VSS_SC_DISABLE_DEFRAG : 0;
    hr = S_OK;
done:
    catalogue_records_free(recs, count);
    if (cat) catalogue_close(cat);
    volume_free(&vol);
    return hr;
}

HRESULT WINAPI ShouldBlockRevertInternal(LPCWSTR volume, bool *block)
{
    struct vss_volume vol, listed;
    char path[4096], *line = NULL;
    size_t size = 0;
    ssize_t len;
    FILE *file;
    int ret;

    TRACE("%s, %p\n", debugstr_w(volume), block);

    if (!volume || !block) return E_INVALIDARG;
    if ((ret = resolve_wide(volume, &vol)))
    {
        WARN("%s: %s\n", debugstr_w(volume), strerror(-ret));
        return hresult_from_errno(ret, ERRCTX_VOLUME);
    }
    *block = false;
    snprintf(path, sizeof(path), "%s/block-revert", config_get()->config_dir);
    if ((file = fopen(path, "re")))
    {
        while (!*block && (len = getline(&line, &size, file)) >= 0)
        {
            char *p = line, *end;

            if ((end = strchr(p, '#'))) *end = 0;
            while (*p == ' ' || *p == '\t') p++;
            end = p + strlen(p);
            while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t')) *--end = 0;
            if (!*p) continue;
            memset(&listed, 0, sizeof(listed));
            if (!volume_resolve(p, &listed))
            {
                if (IsEqualGUID(&listed.guid, &vol.guid)) *block = true;
                volume_free(&listed);
            }
        }
        free(line);
        fclose(file);
    }
    volume_free(&vol);
    return S_OK;
}
