/*
 * session.c: the VSS objects one vssadmin run uses, opened when a command
 * first needs them and released at the end: a requester object in
 * VSS_CTX_ALL (Query, DeleteSnapshots, RevertToSnapshot see every snapshot,
 * VSS-FACTS.md §2.1 R23), the snapshot management object, and the system
 * provider's IVssDifferentialSoftwareSnapshotMgmt (shadow storage).
 *
 * Volume names go through the public API too.  A volume the user names is
 * resolved with QueryVolumesSupportedForDiffAreas, which answers with its
 * \\?\Volume{GUID}\ name, its path and its size (the API takes every form
 * DESIGN.md §3 lists).  The drive letter that reaches a volume, for the
 * "(C:)" of the listings, comes from kernel32's GetVolumePathNamesForVolumeNameW
 * where the platform has it, else from asking the same interface about each
 * of A: to Z:.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "umbra/debug.h"
#include "vssadmin.h"

/* A broken enumerator must not keep vssadmin looping. */
#define MAX_ITEMS 65536

HRESULT vsa_new_backup(struct vsa *v, LONG context, IVssBackupComponents **out)
{
    IVssBackupComponents *bc = NULL;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = v->api->create_backup_components(&bc))) return hr;
    if (!bc) return E_POINTER;
    if (FAILED(hr = IVssBackupComponents_InitializeForBackup(bc, NULL))
        || (context != VSS_CTX_BACKUP && FAILED(hr = IVssBackupComponents_SetContext(bc, context))))
    {
        IVssBackupComponents_Release(bc);
        return hr;
    }
    *out = bc;
    return S_OK;
}

HRESULT vsa_backup(struct vsa *v, IVssBackupComponents **out)
{
    HRESULT hr;

    if (!v->bc && FAILED(hr = vsa_new_backup(v, VSS_CTX_ALL, &v->bc))) return hr;
    *out = v->bc;
    return S_OK;
}

HRESULT vsa_snapshot_mgmt(struct vsa *v, IVssSnapshotMgmt **out)
{
    HRESULT hr;

    if (!v->mgmt)
    {
        if (FAILED(hr = v->api->create_snapshot_mgmt(&v->mgmt))) return hr;
        if (!v->mgmt) return E_POINTER;
    }
    *out = v->mgmt;
    return S_OK;
}

HRESULT vsa_diff_mgmt(struct vsa *v, IVssDifferentialSoftwareSnapshotMgmt **out)
{
    const struct vsa_provider *provider = NULL;
    IVssSnapshotMgmt *mgmt;
    IUnknown *unk = NULL;
    HRESULT hr;
    size_t i;

    if (v->diff)
    {
        *out = v->diff;
        return S_OK;
    }
    if (FAILED(hr = vsa_load_providers(v)) || FAILED(hr = vsa_snapshot_mgmt(v, &mgmt))) return hr;
    /* shadow storage belongs to the system provider, as on Windows */
    for (i = 0; i < v->nproviders && !provider; i++)
        if (v->providers[i].type == VSS_PROV_SYSTEM) provider = &v->providers[i];
    if (!provider && v->nproviders) provider = &v->providers[0];
    if (!provider) return VSS_E_PROVIDER_NOT_REGISTERED;
    if (FAILED(hr = IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, provider->id,
                                                              &IID_IVssDifferentialSoftwareSnapshotMgmt, &unk)))
        return hr;
    if (!unk) return E_POINTER;
    v->diff = (IVssDifferentialSoftwareSnapshotMgmt *)unk;
    *out = v->diff;
    return S_OK;
}

HRESULT vsa_wait(IVssAsync *async)
{
    HRESULT hr, result = E_UNEXPECTED;

    if (!async) return E_POINTER;
    hr = IVssAsync_Wait(async, INFINITE);
    if (SUCCEEDED(hr)) hr = IVssAsync_QueryStatus(async, &result, NULL);
    IVssAsync_Release(async);
    if (FAILED(hr)) return hr;
    if (result == VSS_S_ASYNC_CANCELLED) return E_ABORT;
    if (result == VSS_S_ASYNC_PENDING) return E_UNEXPECTED;
    return FAILED(result) ? result : S_OK;
}

/* --- providers --------------------------------------------------------------------------- */

static void provider_clear(struct vsa_provider *p)
{
    free(p->name);
    free(p->version);
}

HRESULT vsa_load_providers(struct vsa *v)
{
    IVssBackupComponents *bc;
    IVssEnumObject *e = NULL;
    HRESULT hr;

    if (v->providers_loaded) return S_OK;
    if (FAILED(hr = vsa_backup(v, &bc))) return hr;
    hr = IVssBackupComponents_Query(bc, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &e);
    if (hr == VSS_E_OBJECT_NOT_FOUND || (SUCCEEDED(hr) && !e))
    {
        v->providers_loaded = 1;
        return S_OK;
    }
    if (FAILED(hr)) return hr;
    while (v->nproviders < MAX_ITEMS)
    {
        VSS_OBJECT_PROP prop;
        struct vsa_provider *grown, *p;
        ULONG fetched = 0;

        memset(&prop, 0, sizeof(prop));
        hr = IVssEnumObject_Next(e, 1, &prop, &fetched);
        if (FAILED(hr)) break;
        hr = S_OK;
        if (!fetched) break;
        if (prop.Type != VSS_OBJECT_PROVIDER)
        {
            if (prop.Type == VSS_OBJECT_SNAPSHOT) v->api->free_snapshot_properties(&prop.Obj.Snap);
            continue;
        }
        if (!(grown = realloc(v->providers, (v->nproviders + 1) * sizeof(*grown))))
            hr = E_OUTOFMEMORY;
        else
        {
            v->providers = grown;
            p = &grown[v->nproviders];
            memset(p, 0, sizeof(*p));
            p->id = prop.Obj.Prov.m_ProviderId;
            p->type = prop.Obj.Prov.m_eProviderType;
            p->version_id = prop.Obj.Prov.m_ProviderVersionId;
            p->class_id = prop.Obj.Prov.m_ClassId;
            p->name = vsa_utf8(prop.Obj.Prov.m_pwszProviderName);
            p->version = vsa_utf8(prop.Obj.Prov.m_pwszProviderVersion);
            if (!p->name || !p->version)
            {
                provider_clear(p);
                hr = E_OUTOFMEMORY;
            }
            else v->nproviders++;
        }
        v->api->co_task_mem_free(prop.Obj.Prov.m_pwszProviderName);
        v->api->co_task_mem_free(prop.Obj.Prov.m_pwszProviderVersion);
        if (FAILED(hr)) break;
    }
    IVssEnumObject_Release(e);
    if (FAILED(hr)) return hr;
    v->providers_loaded = 1;
    return S_OK;
}

const struct vsa_provider *vsa_find_provider(struct vsa *v, const GUID *id)
{
    size_t i;

    if (FAILED(vsa_load_providers(v))) return NULL;
    for (i = 0; i < v->nproviders; i++)
        if (IsEqualGUID(&v->providers[i].id, id)) return &v->providers[i];
    return NULL;
}

/* --- volumes ----------------------------------------------------------------------------- */

void vsa_free_mgmt_prop(struct vsa *v, VSS_MGMT_OBJECT_PROP *prop)
{
    switch (prop->Type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        v->api->co_task_mem_free(prop->Obj.Vol.m_pwszVolumeName);
        v->api->co_task_mem_free(prop->Obj.Vol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        v->api->co_task_mem_free(prop->Obj.DiffVol.m_pwszVolumeName);
        v->api->co_task_mem_free(prop->Obj.DiffVol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        v->api->co_task_mem_free(prop->Obj.DiffArea.m_pwszVolumeName);
        v->api->co_task_mem_free(prop->Obj.DiffArea.m_pwszDiffAreaVolumeName);
        break;
    default:
        break;
    }
    memset(prop, 0, sizeof(*prop));
}

static struct vsa_volume *find_volume(struct vsa *v, const char *guid_name)
{
    size_t i;

    for (i = 0; i < v->nvolumes; i++)
        if (!strcasecmp(v->volumes[i].guid_name, guid_name)) return &v->volumes[i];
    return NULL;
}

static HRESULT add_volume(struct vsa *v, const WCHAR *guid_name, const WCHAR *path, struct vsa_volume **out)
{
    struct vsa_volume *grown, *vol;

    if (!(grown = realloc(v->volumes, (v->nvolumes + 1) * sizeof(*grown)))) return E_OUTOFMEMORY;
    v->volumes = grown;
    vol = &grown[v->nvolumes];
    memset(vol, 0, sizeof(*vol));
    vol->guid_name = vsa_utf8(guid_name);
    vol->path = vsa_utf8(path);
    if (!vol->guid_name || !vol->path)
    {
        free(vol->guid_name);
        free(vol->path);
        return E_OUTOFMEMORY;
    }
    v->nvolumes++;
    if (out) *out = vol;
    return S_OK;
}

/* The first "X:\" among a volume's paths, through kernel32. */
static char letter_from_kernel32(struct vsa *v, const char *guid_name)
{
    WCHAR names[4096], *w, *p;
    DWORD needed = 0;
    char letter = 0;

    if (!(w = vsa_wcs(guid_name))) return 0;
    memset(names, 0, sizeof(names));
    if (v->api->volume_path_names(w, names, sizeof(names) / sizeof(names[0]) - 1, &needed))
    {
        for (p = names; *p && !letter; p += wcslen(p) + 1)
            if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':'
                && (!p[2] || (p[2] == '\\' && !p[3])))
                letter = (char)(p[0] & ~0x20);
    }
    free(w);
    return letter;
}

/* Each letter A: to Z:, asked of the shadow-storage interface: the ones that
 * name a volume answer with its GUID name. */
static void letters_from_diff_mgmt(struct vsa *v)
{
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    char c;

    if (FAILED(vsa_diff_mgmt(v, &diff))) return;
    for (c = 'A'; c <= 'Z'; c++)
    {
        WCHAR name[4] = { (WCHAR)c, ':', '\\', 0 };
        IVssEnumMgmtObject *e = NULL;
        VSS_MGMT_OBJECT_PROP prop;
        ULONG fetched = 0;

        if (FAILED(IVssDifferentialSoftwareSnapshotMgmt_QueryVolumesSupportedForDiffAreas(diff, name, &e)) || !e)
            continue;
        memset(&prop, 0, sizeof(prop));
        if (IVssEnumMgmtObject_Next(e, 1, &prop, &fetched) == S_OK && fetched
            && prop.Type == VSS_MGMT_OBJECT_DIFF_VOLUME && prop.Obj.DiffVol.m_pwszVolumeName)
        {
            char *guid_name = vsa_utf8(prop.Obj.DiffVol.m_pwszVolumeName);
            struct vsa_volume *vol = guid_name ? find_volume(v, guid_name) : NULL;

            if (!vol && guid_name)
                add_volume(v, prop.Obj.DiffVol.m_pwszVolumeName, prop.Obj.DiffVol.m_pwszVolumeDisplayName, &vol);
            if (vol && !vol->letter) vol->letter = c;
            free(guid_name);
        }
        if (fetched) vsa_free_mgmt_prop(v, &prop);
        IVssEnumMgmtObject_Release(e);
    }
}

HRESULT vsa_load_volumes(struct vsa *v)
{
    IVssEnumMgmtObject *e = NULL;
    IVssSnapshotMgmt *mgmt;
    HRESULT hr;
    size_t i;

    if (v->volumes_loaded) return S_OK;
    if (FAILED(hr = vsa_snapshot_mgmt(v, &mgmt))) return hr;
    hr = IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, GUID_NULL, VSS_CTX_ALL, &e);
    if (FAILED(hr) && hr != VSS_E_OBJECT_NOT_FOUND) return hr;
    while (e && v->nvolumes < MAX_ITEMS)
    {
        VSS_MGMT_OBJECT_PROP prop;
        ULONG fetched = 0;

        memset(&prop, 0, sizeof(prop));
        if (IVssEnumMgmtObject_Next(e, 1, &prop, &fetched) != S_OK || !fetched) break;
        hr = S_OK;
        if (prop.Type == VSS_MGMT_OBJECT_VOLUME && prop.Obj.Vol.m_pwszVolumeName)
            hr = add_volume(v, prop.Obj.Vol.m_pwszVolumeName, prop.Obj.Vol.m_pwszVolumeDisplayName, NULL);
        vsa_free_mgmt_prop(v, &prop);
        if (FAILED(hr)) break;
    }
    if (e) IVssEnumMgmtObject_Release(e);
    if (FAILED(hr) && hr != VSS_E_OBJECT_NOT_FOUND) return hr;

    if (v->api->volume_path_names)
        for (i = 0; i < v->nvolumes; i++) v->volumes[i].letter = letter_from_kernel32(v, v->volumes[i].guid_name);
    else letters_from_diff_mgmt(v);
    v->volumes_loaded = 1;
    return S_OK;
}

/* "/srv/data/" -> "/srv/data"; "/" stays. */
static char *strip_separator(const char *path)
{
    size_t len = strlen(path);
    char *ret;

    if (len > 1 && (path[len - 1] == '/' || path[len - 1] == '\\')) len--;
    if (!(ret = malloc(len + 1))) return NULL;
    memcpy(ret, path, len);
    ret[len] = 0;
    return ret;
}

char *vsa_volume_display(struct vsa *v, const char *guid_name)
{
    const struct vsa_volume *vol;
    char letter[3] = { 0, ':', 0 };

    if (!guid_name || FAILED(vsa_load_volumes(v)) || !(vol = find_volume(v, guid_name))) return strdup("");
    if (vol->letter)
    {
        letter[0] = vol->letter;
        return strdup(letter);
    }
    return strip_separator(vol->path);
}

void vsa_volume_info_free(struct vsa_volume_info *info)
{
    free(info->guid_name);
    free(info->display);
    free(info->path);
    memset(info, 0, sizeof(*info));
}

HRESULT vsa_resolve_volume(struct vsa *v, const char *spec, struct vsa_volume_info *info)
{
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    IVssEnumMgmtObject *e = NULL;
    const struct vsa_volume *vol;
    VSS_MGMT_OBJECT_PROP prop;
    ULONG fetched = 0;
    WCHAR *name;
    HRESULT hr;
    char *path = NULL;
    size_t len = strlen(spec);

    memset(info, 0, sizeof(info[0]));
    if (FAILED(hr = vsa_diff_mgmt(v, &diff))) return hr;
    /* "C:" names the root of the drive, as "C:\" does */
    if (len == 2 && spec[1] == ':')
    {
        char root[4] = { spec[0], ':', '\\', 0 };
        name = vsa_wcs(root);
    }
    else name = vsa_wcs(spec);
    if (!name) return E_OUTOFMEMORY;
    hr = IVssDifferentialSoftwareSnapshotMgmt_QueryVolumesSupportedForDiffAreas(diff, name, &e);
    free(name);
    if (FAILED(hr)) return hr;
    if (!e) return VSS_E_OBJECT_NOT_FOUND;
    memset(&prop, 0, sizeof(prop));
    hr = IVssEnumMgmtObject_Next(e, 1, &prop, &fetched);
    IVssEnumMgmtObject_Release(e);
    if (FAILED(hr)) return hr;
    if (!fetched || prop.Type != VSS_MGMT_OBJECT_DIFF_VOLUME || !prop.Obj.DiffVol.m_pwszVolumeName)
    {
        if (fetched) vsa_free_mgmt_prop(v, &prop);
        return VSS_E_OBJECT_NOT_FOUND;
    }
    info->guid_name = vsa_utf8(prop.Obj.DiffVol.m_pwszVolumeName);
    path = vsa_utf8(prop.Obj.DiffVol.m_pwszVolumeDisplayName);
    info->total_bytes = prop.Obj.DiffVol.m_llVolumeTotalSpace;
    vsa_free_mgmt_prop(v, &prop);
    if (!info->guid_name || !path) goto oom;

    /* the drive letter, when one reaches the volume */
    if (SUCCEEDED(vsa_load_volumes(v)) && (vol = find_volume(v, info->guid_name)) && vol->letter)
    {
        char root[4] = { vol->letter, ':', '\\', 0 };
        info->path = strdup(root);
        root[2] = 0;
        info->display = strdup(root);
    }
    else
    {
        info->path = *path ? strdup(path) : strdup(info->guid_name);
        info->display = strip_separator(path);
    }
    free(path);
    if (!info->path || !info->display) goto oom;
    return S_OK;

oom:
    free(path);
    vsa_volume_info_free(info);
    return E_OUTOFMEMORY;
}

enum vsa_status vsa_option_volume(struct vsa *v, enum vsa_option_id opt, struct vsa_volume_info *info)
{
    const char *spec = v->cmd->value[opt];
    HRESULT hr = vsa_resolve_volume(v, spec, info);

    if (SUCCEEDED(hr)) return VSA_OK;
    if (hr == VSS_E_OBJECT_NOT_FOUND || hr == E_INVALIDARG)
    {
        if (v->err)
            fprintf(v->err, "vssadmin: /%s=%s: %s\n", vsa_options[opt].name, spec,
                    hr == E_INVALIDARG ? "not a volume name (use C:, /path or \\\\?\\Volume{GUID}\\)"
                                       : "no such volume");
        return vsa_error(v, VSA_ERR_SYNTAX, "Invalid option value.");
    }
    return vsa_fail(v, hr, VSA_CTX_GENERIC, "QueryVolumesSupportedForDiffAreas");
}

/* --- snapshots ---------------------------------------------------------------------------- */

HRESULT vsa_query_snapshots(struct vsa *v, VSS_SNAPSHOT_PROP **props, size_t *count)
{
    IVssBackupComponents *bc;
    IVssEnumObject *e = NULL;
    VSS_SNAPSHOT_PROP *list = NULL, *grown;
    size_t n = 0, cap = 0;
    HRESULT hr;

    *props = NULL;
    *count = 0;
    if (FAILED(hr = vsa_backup(v, &bc))) return hr;
    hr = IVssBackupComponents_Query(bc, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e);
    if (hr == VSS_E_OBJECT_NOT_FOUND || (SUCCEEDED(hr) && !e)) return S_OK;
    if (FAILED(hr)) return hr;
    for (;;)
    {
        VSS_OBJECT_PROP prop;
        ULONG fetched = 0;

        memset(&prop, 0, sizeof(prop));
        hr = IVssEnumObject_Next(e, 1, &prop, &fetched);
        if (FAILED(hr)) break;
        hr = S_OK;
        if (!fetched) break;
        if (prop.Type != VSS_OBJECT_SNAPSHOT) continue;
        if (n == cap)
        {
            cap = cap ? cap * 2 : 16;
            if (n >= MAX_ITEMS || !(grown = realloc(list, cap * sizeof(*list))))
            {
                v->api->free_snapshot_properties(&prop.Obj.Snap);
                hr = n >= MAX_ITEMS ? S_OK : E_OUTOFMEMORY;
                if (n >= MAX_ITEMS) WARN("more than %d snapshots; the rest are not shown\n", MAX_ITEMS);
                break;
            }
            list = grown;
        }
        list[n++] = prop.Obj.Snap;
    }
    IVssEnumObject_Release(e);
    if (FAILED(hr))
    {
        vsa_free_snapshots(v, list, n);
        return hr;
    }
    *props = list;
    *count = n;
    return S_OK;
}

void vsa_free_snapshots(struct vsa *v, VSS_SNAPSHOT_PROP *props, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) v->api->free_snapshot_properties(&props[i]);
    free(props);
}

void vsa_session_free(struct vsa *v)
{
    size_t i;

    if (v->diff) IVssDifferentialSoftwareSnapshotMgmt_Release(v->diff);
    if (v->mgmt) IVssSnapshotMgmt_Release(v->mgmt);
    if (v->bc) IVssBackupComponents_Release(v->bc);
    for (i = 0; i < v->nproviders; i++) provider_clear(&v->providers[i]);
    free(v->providers);
    for (i = 0; i < v->nvolumes; i++)
    {
        free(v->volumes[i].guid_name);
        free(v->volumes[i].path);
    }
    free(v->volumes);
    v->diff = NULL;
    v->mgmt = NULL;
    v->bc = NULL;
    v->providers = NULL;
    v->volumes = NULL;
    v->nproviders = v->nvolumes = 0;
    v->providers_loaded = v->volumes_loaded = 0;
}
