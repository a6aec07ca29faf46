/*
 * mgmt.c: snapshot management: the VssSnapshotMgmt object (IVssSnapshotMgmt,
 * IVssSnapshotMgmt2; CoCreateInstance(CLSID_VssSnapshotMgmt)) and the
 * providers' shadow-storage interface IVssDifferentialSoftwareSnapshotMgmt
 * (through Mgmt3), reached with GetProviderMgmtInterface[Internal].
 *
 * Shadow storage ("diff area") is where Windows' system provider keeps the
 * copy-on-write data of a volume's snapshots.  Here snapshots share extents
 * with their own file system (btrfs, reflinks, block-image clones) or are
 * copies on it, so the storage of a volume is always that volume itself; an
 * association records the volume's storage limit, as vssadmin's
 * Add/Resize/List ShadowStorage expect.  Associations and protection levels
 * live in $VSS_STATE_DIR/diffareas (text, replaced atomically under an flock
 * of diffareas.lock):
 *     umbra-diffareas 1
 *     area <for \\?\Volume{..}\> <on \\?\Volume{..}\> <max bytes or -1> <boot id or ->
 *     protect <\\?\Volume{..}\> <VSS_PROTECTION_LEVEL>
 * An area with a boot id is volatile (ChangeDiffAreaMaximumSizeEx): it holds
 * until the next boot only.
 *
 * In service mode both objects are proxies of the service's
 * (service_mgmt_client.c); the ones here are what the service runs.
 *
 * Not for: creating or deleting snapshots (backup_snapshot.c).
 */
#define COBJMACROS
#define CONST_VTABLE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsmgmt.h>
#include <vsbackup.h>
#include "umbra/debug.h"
#include "umbra/ole32.h"
#include "config.h"
#include "enum.h"
#include "errors.h"
#include "service_client.h"
#include "snapshot_props.h"
#include "volume.h"
#include "wstr.h"
#include "providers/provider.h"

/* VSS-FACTS.md §3.5: the Windows 7+ minimum for volumes of 500 MB and more */
#define MIN_DIFF_AREA_SIZE (320LL << 20)

/* --- the associations file ------------------------------------------------------ */

struct diff_area
{
    char for_volume[64];
    char on_volume[64];
    LONGLONG max_space;
    char boot_id[40];                 /* "" persistent, else volatile until that boot ends */
};

struct protection
{
    char volume[64];
    int level;
};

struct diff_state
{
    struct diff_area *areas;
    unsigned int nareas;
    struct protection *protections;
    unsigned int nprotections;
    int lock_fd;
};

static int state_path(char *buf, size_t size, const char *name)
{
    if (snprintf(buf, size, "%s/%s", config_get()->state_dir, name) >= (int)size) return -ENAMETOOLONG;
    return 0;
}

static const char *this_boot(void)
{
    static struct catalogue_process self;

    if (!self.pid) catalogue_process_self(&self);
    return self.boot_id;
}

static void diff_state_free(struct diff_state *state)
{
    free(state->areas);
    free(state->protections);
    if (state->lock_fd >= 0) close(state->lock_fd);
    memset(state, 0, sizeof(*state));
    state->lock_fd = -1;
}

/* Read the file under its lock (exclusive if the caller will write). */
static int diff_state_load(struct diff_state *state, int exclusive)
{
    char path[4096], line[512];
    FILE *file;
    int ret;

    memset(state, 0, sizeof(*state));
    state->lock_fd = -1;
    if ((ret = config_make_private_dir(config_get()->state_dir))) return ret;
    if ((ret = state_path(path, sizeof(path), "diffareas.lock"))) return ret;
    if ((state->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) return -errno;
    while (flock(state->lock_fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
        if (errno != EINTR) return -errno;

    if ((ret = state_path(path, sizeof(path), "diffareas"))) return ret;
    if (!(file = fopen(path, "re"))) return errno == ENOENT ? 0 : -errno;
    while (fgets(line, sizeof(line), file))
    {
        struct diff_area area;
        struct protection prot;
        long long max;
        char boot[40];

        memset(&area, 0, sizeof(area));
        if (sscanf(line, "area %63s %63s %lld %39s", area.for_volume, area.on_volume, &max, boot) == 4)
        {
            void *grown = realloc(state->areas, (state->nareas + 1) * sizeof(*state->areas));
            if (!grown) { fclose(file); return -ENOMEM; }
            state->areas = grown;
            area.max_space = max;
            if (strcmp(boot, "-")) snprintf(area.boot_id, sizeof(area.boot_id), "%s", boot);
            /* a volatile association ends with its boot */
            if (area.boot_id[0] && strcmp(area.boot_id, this_boot())) continue;
            state->areas[state->nareas++] = area;
        }
        else if (sscanf(line, "protect %63s %d", prot.volume, &prot.level) == 2)
        {
            void *grown = realloc(state->protections, (state->nprotections + 1) * sizeof(*state->protections));
            if (!grown) { fclose(file); return -ENOMEM; }
            state->protections = grown;
            state->protections[state->nprotections++] = prot;
        }
    }
    fclose(file);
    return 0;
}

static int diff_state_save(const struct diff_state *state)
{
    char path[4096], *text = NULL;
    size_t len = 0;
    unsigned int i;
    FILE *out;
    int ret;

    if (!(out = open_memstream(&text, &len))) return -ENOMEM;
    fprintf(out, "umbra-diffareas 1\n");
    for (i = 0; i < state->nareas; i++)
        fprintf(out, "area %s %s %lld %s\n", state->areas[i].for_volume, state->areas[i].on_volume,
                (long long)state->areas[i].max_space, state->areas[i].boot_id[0] ? state->areas[i].boot_id : "-");
    for (i = 0; i < state->nprotections; i++)
        fprintf(out, "protect %s %d\n", state->protections[i].volume, state->protections[i].level);
    if (fclose(out)) { free(text); return -ENOMEM; }
    if (!(ret = state_path(path, sizeof(path), "diffareas"))) ret = state_write_atomic(path, text, len, 0600);
    free(text);
    return ret;
}

static struct diff_area *find_area(struct diff_state *state, const char *for_volume, const char *on_volume)
{
    unsigned int i;

    for (i = 0; i < state->nareas; i++)
        if (!strcasecmp(state->areas[i].for_volume, for_volume)
            && (!on_volume || !strcasecmp(state->areas[i].on_volume, on_volume)))
            return &state->areas[i];
    return NULL;
}

/* --- volumes --------------------------------------------------------------------- */

/* A volume a caller named: its \\?\Volume{..}\ name (and the volume). */
static HRESULT named_volume(LPCWSTR name, struct vss_volume *vol, char guid_name[64])
{
    char *utf8;
    int ret;

    memset(vol, 0, sizeof(*vol));
    if (!name) return E_INVALIDARG;
    if ((ret = wstr_to_utf8(name, &utf8))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
    ret = volume_resolve(utf8, vol);
    if (ret) WARN("volume %s: %s\n", utf8, strerror(-ret));
    free(utf8);
    if (ret) return hresult_from_errno(ret, ERRCTX_VOLUME);
    volume_guid_name(vol, guid_name, 64);
    return S_OK;
}

/* What vssadmin shows as "Volume path": the root with a trailing separator. */
static int display_name(const struct vss_volume *vol, char **out)
{
    return asprintf(out, "%s%s", vol->root, strcmp(vol->root, "/") ? "/" : "") < 0 ? -ENOMEM : 0;
}

/* The mounted volumes and the registered directory volumes. */
static int all_volumes(struct vss_volume **out, size_t *count)
{
    struct vss_volume *vols = NULL, *grown;
    char **paths = NULL;
    size_t n = 0, npaths = 0, i, j;
    int ret;

    if ((ret = volume_list(&vols, &n))) return ret;
    if (!volume_registered_paths(&paths, &npaths))
    {
        for (i = 0; i < npaths; i++)
        {
            struct vss_volume vol;

            if (volume_from_path(paths[i], &vol)) continue;
            for (j = 0; j < n && !IsEqualGUID(&vols[j].guid, &vol.guid); j++) {}
            if (j < n || !(grown = realloc(vols, (n + 1) * sizeof(*vols))))
            {
                volume_free(&vol);
                continue;
            }
            vols = grown;
            vols[n++] = vol;
        }
        volume_paths_free(paths, npaths);
    }
    *out = vols;
    *count = n;
    return 0;
}

static void volumes_free(struct vss_volume *vols, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) volume_free(&vols[i]);
    free(vols);
}

/* A growing array of management records. */
struct mgmt_list
{
    VSS_MGMT_OBJECT_PROP *items;
    ULONG count;
    HRESULT hr;
};

static VSS_MGMT_OBJECT_PROP *mgmt_list_add(struct mgmt_list *list, VSS_MGMT_OBJECT_TYPE type)
{
    VSS_MGMT_OBJECT_PROP *grown;

    if (FAILED(list->hr)) return NULL;
    if (!(grown = realloc(list->items, (list->count + 1) * sizeof(*grown))))
    {
        list->hr = E_OUTOFMEMORY;
        return NULL;
    }
    list->items = grown;
    memset(&grown[list->count], 0, sizeof(*grown));
    grown[list->count].Type = type;
    return &grown[list->count++];
}

static void mgmt_list_str(struct mgmt_list *list, WCHAR **field, const char *value)
{
    if (SUCCEEDED(list->hr) && wstr_from_utf8_cotaskmem(value, field)) list->hr = E_OUTOFMEMORY;
}

static HRESULT mgmt_list_finish(struct mgmt_list *list, IVssEnumMgmtObject **out)
{
    ULONG i;

    if (FAILED(list->hr))
    {
        for (i = 0; i < list->count; i++) mgmt_prop_clear(&list->items[i]);
        free(list->items);
        return list->hr;
    }
    return enum_mgmt_create(list->items, list->count, out);
}

static void add_diff_area(struct mgmt_list *list, const struct diff_area *area)
{
    VSS_MGMT_OBJECT_PROP *prop = mgmt_list_add(list, VSS_MGMT_OBJECT_DIFF_AREA);

    if (!prop) return;
    mgmt_list_str(list, &prop->Obj.DiffArea.m_pwszVolumeName, area->for_volume);
    mgmt_list_str(list, &prop->Obj.DiffArea.m_pwszDiffAreaVolumeName, area->on_volume);
    prop->Obj.DiffArea.m_llMaximumDiffSpace = area->max_space;
    /* snapshot data shares the volume's own extents: nothing is set aside */
    prop->Obj.DiffArea.m_llAllocatedDiffSpace = 0;
    prop->Obj.DiffArea.m_llUsedDiffSpace = 0;
}

/* --- IVssDifferentialSoftwareSnapshotMgmt3 ---------------------------------------- */

struct diff_mgmt
{
    IVssDifferentialSoftwareSnapshotMgmt3 IVssDifferentialSoftwareSnapshotMgmt3_iface;
    LONG refcount;
    GUID provider_id;
};

static struct diff_mgmt *impl_from_IVssDifferentialSoftwareSnapshotMgmt3(IVssDifferentialSoftwareSnapshotMgmt3 *iface)
{
    return CONTAINING_RECORD(iface, struct diff_mgmt, IVssDifferentialSoftwareSnapshotMgmt3_iface);
}

#define DIFF_THIS IVssDifferentialSoftwareSnapshotMgmt3 *iface

static HRESULT STDMETHODCALLTYPE diff_mgmt_QueryInterface(DIFF_THIS, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt)
        || IsEqualGUID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt2)
        || IsEqualGUID(riid, &IID_IVssDifferentialSoftwareSnapshotMgmt3))
    {
        *out = iface;
        IVssDifferentialSoftwareSnapshotMgmt3_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE diff_mgmt_AddRef(DIFF_THIS)
{
    struct diff_mgmt *mgmt = impl_from_IVssDifferentialSoftwareSnapshotMgmt3(iface);
    ULONG refcount = __atomic_add_fetch(&mgmt->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE diff_mgmt_Release(DIFF_THIS)
{
    struct diff_mgmt *mgmt = impl_from_IVssDifferentialSoftwareSnapshotMgmt3(iface);
    ULONG refcount = __atomic_sub_fetch(&mgmt->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount) free(mgmt);
    return refcount;
}

/* The storage of a volume's snapshots is the volume itself (see the top). */
static HRESULT check_storage_volume(const char *for_volume, const char *on_volume)
{
    if (strcasecmp(for_volume, on_volume))
    {
        WARN("%s keeps its snapshots on itself; %s cannot hold them\n", for_volume, on_volume);
        return VSS_E_VOLUME_NOT_SUPPORTED;
    }
    return S_OK;
}

static HRESULT check_max_space(LONGLONG max_space)
{
    if (max_space == VSS_ASSOC_NO_MAX_SPACE) return S_OK;
    if (max_space < MIN_DIFF_AREA_SIZE)
    {
        WARN("%lld bytes is below the minimum shadow storage of %lld bytes\n", (long long)max_space,
             (long long)MIN_DIFF_AREA_SIZE);
        return E_INVALIDARG;
    }
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_AddDiffArea(DIFF_THIS, VSS_PWSZ volume, VSS_PWSZ diff_volume,
                                                        LONGLONG max_space)
{
    char for_name[64], on_name[64];
    struct vss_volume vol, dvol;
    struct diff_state state;
    struct diff_area *area;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %s, %lld\n", iface, debugstr_w(volume), debugstr_w(diff_volume), (long long)max_space);

    if (FAILED(hr = check_max_space(max_space))) return hr;
    if (FAILED(hr = named_volume(volume, &vol, for_name))) return hr;
    volume_free(&vol);
    if (FAILED(hr = named_volume(diff_volume, &dvol, on_name))) return hr;
    volume_free(&dvol);
    if (FAILED(hr = check_storage_volume(for_name, on_name))) return hr;

    if ((ret = diff_state_load(&state, 1)))
    {
        diff_state_free(&state);
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    if (find_area(&state, for_name, NULL))
    {
        WARN("%s already has a shadow storage association\n", for_name);
        hr = VSS_E_OBJECT_ALREADY_EXISTS;
    }
    else if (!(area = realloc(state.areas, (state.nareas + 1) * sizeof(*area)))) hr = E_OUTOFMEMORY;
    else
    {
        state.areas = area;
        area = &state.areas[state.nareas++];
        memset(area, 0, sizeof(*area));
        strcpy(area->for_volume, for_name);
        strcpy(area->on_volume, on_name);
        area->max_space = max_space;
        if ((ret = diff_state_save(&state))) hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    diff_state_free(&state);
    return hr;
}

static HRESULT change_max(VSS_PWSZ volume, VSS_PWSZ diff_volume, LONGLONG max_space, BOOL is_volatile)
{
    char for_name[64], on_name[64];
    struct vss_volume vol, dvol;
    struct diff_state state;
    struct diff_area *area;
    HRESULT hr = S_OK;
    int ret;

    if (max_space != VSS_ASSOC_REMOVE && FAILED(hr = check_max_space(max_space))) return hr;
    if (FAILED(hr = named_volume(volume, &vol, for_name))) return hr;
    volume_free(&vol);
    if (FAILED(hr = named_volume(diff_volume, &dvol, on_name))) return hr;
    volume_free(&dvol);

    if ((ret = diff_state_load(&state, 1)))
    {
        diff_state_free(&state);
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    if (!(area = find_area(&state, for_name, on_name)))
    {
        WARN("no shadow storage association for %s on %s\n", for_name, on_name);
        hr = VSS_E_OBJECT_NOT_FOUND;
    }
    else
    {
        if (max_space == VSS_ASSOC_REMOVE)
            *area = state.areas[--state.nareas];
        else
        {
            area->max_space = max_space;
            if (is_volatile) snprintf(area->boot_id, sizeof(area->boot_id), "%s", this_boot()[0] ? this_boot() : "x");
            else area->boot_id[0] = 0;
        }
        if ((ret = diff_state_save(&state))) hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    diff_state_free(&state);
    return hr;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_ChangeDiffAreaMaximumSize(DIFF_THIS, VSS_PWSZ volume,
                                                                      VSS_PWSZ diff_volume, LONGLONG max_space)
{
    TRACE("%p, %s, %s, %lld\n", iface, debugstr_w(volume), debugstr_w(diff_volume), (long long)max_space);
    return change_max(volume, diff_volume, max_space, FALSE);
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_QueryVolumesSupportedForDiffAreas(DIFF_THIS, VSS_PWSZ original,
                                                                              IVssEnumMgmtObject **out)
{
    struct mgmt_list list = { NULL, 0, S_OK };
    VSS_MGMT_OBJECT_PROP *prop;
    struct vss_volume vol;
    struct statvfs st;
    char name[64], *display = NULL;
    HRESULT hr;

    TRACE("%p, %s, %p\n", iface, debugstr_w(original), out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (FAILED(hr = named_volume(original, &vol, name))) return hr;
    /* only the volume itself can hold its snapshots */
    if ((prop = mgmt_list_add(&list, VSS_MGMT_OBJECT_DIFF_VOLUME)))
    {
        if (display_name(&vol, &display)) list.hr = E_OUTOFMEMORY;
        mgmt_list_str(&list, &prop->Obj.DiffVol.m_pwszVolumeName, name);
        mgmt_list_str(&list, &prop->Obj.DiffVol.m_pwszVolumeDisplayName, display ? display : "");
        if (!statvfs(vol.root, &st))
        {
            prop->Obj.DiffVol.m_llVolumeFreeSpace = (LONGLONG)st.f_bavail * st.f_frsize;
            prop->Obj.DiffVol.m_llVolumeTotalSpace = (LONGLONG)st.f_blocks * st.f_frsize;
        }
    }
    free(display);
    volume_free(&vol);
    return mgmt_list_finish(&list, out);
}

/* Associations whose for- (or on-) volume is name, or all when name is NULL. */
static HRESULT query_areas(const char *name, int on, IVssEnumMgmtObject **out)
{
    struct mgmt_list list = { NULL, 0, S_OK };
    struct diff_state state;
    unsigned int i;
    int ret;

    if ((ret = diff_state_load(&state, 0)))
    {
        diff_state_free(&state);
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    for (i = 0; i < state.nareas; i++)
        if (!name || !strcasecmp(on ? state.areas[i].on_volume : state.areas[i].for_volume, name))
            add_diff_area(&list, &state.areas[i]);
    diff_state_free(&state);
    return mgmt_list_finish(&list, out);
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_QueryDiffAreasForVolume(DIFF_THIS, VSS_PWSZ volume,
                                                                    IVssEnumMgmtObject **out)
{
    struct vss_volume vol;
    char name[64];
    HRESULT hr;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (FAILED(hr = named_volume(volume, &vol, name))) return hr;
    volume_free(&vol);
    return query_areas(name, 0, out);
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_QueryDiffAreasOnVolume(DIFF_THIS, VSS_PWSZ volume,
                                                                   IVssEnumMgmtObject **out)
{
    struct vss_volume vol;
    char name[64];
    HRESULT hr;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (FAILED(hr = named_volume(volume, &vol, name))) return hr;
    volume_free(&vol);
    return query_areas(name, 1, out);
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_QueryDiffAreasForSnapshot(DIFF_THIS, VSS_ID id,
                                                                      IVssEnumMgmtObject **out)
{
    struct snapshot_record *rec = NULL;
    struct catalogue *cat;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %p\n", iface, debugstr_guid(&id), out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat))) return hresult_from_errno(ret, ERRCTX_CATALOGUE);
    if ((ret = catalogue_get(cat, &id, &rec)) || rec->state != RECORD_CREATED)
        hr = VSS_E_OBJECT_NOT_FOUND;
    else hr = query_areas(rec->original_volume_name, 0, out);
    snapshot_record_free(rec);
    catalogue_close(cat);
    return hr;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_ChangeDiffAreaMaximumSizeEx(DIFF_THIS, VSS_PWSZ volume,
                                                                        VSS_PWSZ diff_volume, LONGLONG max_space,
                                                                        BOOL is_volatile)
{
    TRACE("%p, %s, %s, %lld, %d\n", iface, debugstr_w(volume), debugstr_w(diff_volume), (long long)max_space,
          is_volatile);
    return change_max(volume, diff_volume, max_space, is_volatile);
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_MigrateDiffAreas(DIFF_THIS, VSS_PWSZ volume, VSS_PWSZ diff_volume,
                                                             VSS_PWSZ new_diff_volume)
{
    TRACE("%p, %s, %s, %s\n", iface, debugstr_w(volume), debugstr_w(diff_volume), debugstr_w(new_diff_volume));
    /* Microsoft documents this method as not supported */
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_QueryMigrationStatus(DIFF_THIS, VSS_PWSZ volume, VSS_PWSZ diff_volume,
                                                                 IVssAsync **async)
{
    TRACE("%p, %s, %s, %p\n", iface, debugstr_w(volume), debugstr_w(diff_volume), async);
    /* Microsoft documents this method as not supported */
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_SetSnapshotPriority(DIFF_THIS, VSS_ID id, BYTE priority)
{
    TRACE("%p, %s, %u\n", iface, debugstr_guid(&id), priority);
    /* Microsoft documents this method as not supported */
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_SetVolumeProtectLevel(DIFF_THIS, VSS_PWSZ volume,
                                                                  VSS_PROTECTION_LEVEL level)
{
    struct diff_state state;
    struct vss_volume vol;
    struct protection *prot = NULL;
    char name[64];
    unsigned int i;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %d\n", iface, debugstr_w(volume), level);

    if (level != VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME && level != VSS_PROTECTION_LEVEL_SNAPSHOT) return E_INVALIDARG;
    if (FAILED(hr = named_volume(volume, &vol, name))) return hr;
    volume_free(&vol);
    if ((ret = diff_state_load(&state, 1)))
    {
        diff_state_free(&state);
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    for (i = 0; i < state.nprotections; i++)
        if (!strcasecmp(state.protections[i].volume, name)) prot = &state.protections[i];
    if (!prot)
    {
        if (!(prot = realloc(state.protections, (state.nprotections + 1) * sizeof(*prot))))
        {
            diff_state_free(&state);
            return E_OUTOFMEMORY;
        }
        state.protections = prot;
        prot = &state.protections[state.nprotections++];
        strcpy(prot->volume, name);
    }
    prot->level = level;
    if ((ret = diff_state_save(&state))) hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
    diff_state_free(&state);
    return hr;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_GetVolumeProtectLevel(DIFF_THIS, VSS_PWSZ volume,
                                                                  VSS_VOLUME_PROTECTION_INFO *info)
{
    struct diff_state state;
    struct vss_volume vol;
    char name[64];
    unsigned int i;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), info);

    if (!info) return E_INVALIDARG;
    if (FAILED(hr = named_volume(volume, &vol, name))) return hr;
    volume_free(&vol);
    if ((ret = diff_state_load(&state, 0)))
    {
        diff_state_free(&state);
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    memset(info, 0, sizeof(*info));
    info->m_protectionLevel = VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME;
    info->m_protectionFault = VSS_PROTECTION_FAULT_NONE;
    for (i = 0; i < state.nprotections; i++)
        if (!strcasecmp(state.protections[i].volume, name)) info->m_protectionLevel = state.protections[i].level;
    diff_state_free(&state);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_ClearVolumeProtectFault(DIFF_THIS, VSS_PWSZ volume)
{
    struct vss_volume vol;
    char name[64];
    HRESULT hr;

    TRACE("%p, %s\n", iface, debugstr_w(volume));

    /* no fault is ever raised: snapshots here cannot overflow a diff area */
    if (SUCCEEDED(hr = named_volume(volume, &vol, name))) volume_free(&vol);
    return hr;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_DeleteUnusedDiffAreas(DIFF_THIS, VSS_PWSZ diff_volume)
{
    struct snapshot_record **recs;
    struct catalogue_filter filter;
    struct catalogue *cat = NULL;
    struct diff_state state;
    struct vss_volume vol;
    char name[64];
    unsigned int i;
    size_t count;
    HRESULT hr;
    int ret, changed = 0;

    TRACE("%p, %s\n", iface, debugstr_w(diff_volume));

    if (FAILED(hr = named_volume(diff_volume, &vol, name))) return hr;
    volume_free(&vol);
    if ((ret = diff_state_load(&state, 1)) || (ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat)))
    {
        diff_state_free(&state);
        return hresult_from_errno(ret, ERRCTX_DEFAULT);
    }
    for (i = 0; i < state.nareas;)
    {
        recs = NULL;
        count = 0;
        memset(&filter, 0, sizeof(filter));
        filter.volume = state.areas[i].for_volume;
        filter.context = CATALOGUE_CTX_ALL;
        if (!strcasecmp(state.areas[i].on_volume, name) && !catalogue_query(cat, &filter, &recs, &count) && !count)
        {
            state.areas[i] = state.areas[--state.nareas];
            changed = 1;
        }
        else i++;
        catalogue_records_free(recs, count);
    }
    if (changed && (ret = diff_state_save(&state))) hr = hresult_from_errno(ret, ERRCTX_DEFAULT);
    catalogue_close(cat);
    diff_state_free(&state);
    return hr;
}

static HRESULT STDMETHODCALLTYPE diff_mgmt_QuerySnapshotDeltaBitmap(DIFF_THIS, VSS_ID older, VSS_ID younger,
                                                                     ULONG *block_size, ULONG *length,
                                                                     BYTE **bitmap)
{
    TRACE("%p, %s, %s, %p, %p, %p\n", iface, debugstr_guid(&older), debugstr_guid(&younger), block_size, length,
          bitmap);
    if (!block_size || !length || !bitmap) return E_INVALIDARG;
    /* a changed-block map needs block-level copy-on-write, which none of the
     * providers keeps (they share file extents); Windows answers the same for
     * snapshots its provider cannot compare */
    WARN("no provider here keeps a block map of changes between snapshots\n");
    return E_NOTIMPL;
}

static const IVssDifferentialSoftwareSnapshotMgmt3Vtbl diff_mgmt_vtbl =
{
    diff_mgmt_QueryInterface,
    diff_mgmt_AddRef,
    diff_mgmt_Release,
    /* IVssDifferentialSoftwareSnapshotMgmt */
    diff_mgmt_AddDiffArea,
    diff_mgmt_ChangeDiffAreaMaximumSize,
    diff_mgmt_QueryVolumesSupportedForDiffAreas,
    diff_mgmt_QueryDiffAreasForVolume,
    diff_mgmt_QueryDiffAreasOnVolume,
    diff_mgmt_QueryDiffAreasForSnapshot,
    /* IVssDifferentialSoftwareSnapshotMgmt2 */
    diff_mgmt_ChangeDiffAreaMaximumSizeEx,
    diff_mgmt_MigrateDiffAreas,
    diff_mgmt_QueryMigrationStatus,
    diff_mgmt_SetSnapshotPriority,
    /* IVssDifferentialSoftwareSnapshotMgmt3 */
    diff_mgmt_SetVolumeProtectLevel,
    diff_mgmt_GetVolumeProtectLevel,
    diff_mgmt_ClearVolumeProtectFault,
    diff_mgmt_DeleteUnusedDiffAreas,
    diff_mgmt_QuerySnapshotDeltaBitmap,
};

/* The provider's management interface iid (any of the three Mgmt versions). */
static HRESULT provider_mgmt_interface(const GUID *provider_id, REFIID iid, IUnknown **out)
{
    struct diff_mgmt *mgmt;
    HRESULT hr;

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!provider_by_id(provider_id))
    {
        WARN("no provider %s\n", debugstr_guid(provider_id));
        return VSS_E_PROVIDER_NOT_REGISTERED;
    }
    if (!IsEqualGUID(iid, &IID_IVssDifferentialSoftwareSnapshotMgmt)
        && !IsEqualGUID(iid, &IID_IVssDifferentialSoftwareSnapshotMgmt2)
        && !IsEqualGUID(iid, &IID_IVssDifferentialSoftwareSnapshotMgmt3))
    {
        WARN("providers offer no management interface %s\n", debugstr_guid(iid));
        return E_NOINTERFACE;
    }
    if (!(mgmt = calloc(1, sizeof(*mgmt)))) return E_OUTOFMEMORY;
    mgmt->IVssDifferentialSoftwareSnapshotMgmt3_iface.lpVtbl = &diff_mgmt_vtbl;
    mgmt->refcount = 1;
    mgmt->provider_id = *provider_id;
    hr = IVssDifferentialSoftwareSnapshotMgmt3_QueryInterface(&mgmt->IVssDifferentialSoftwareSnapshotMgmt3_iface,
                                                              iid, (void **)out);
    IVssDifferentialSoftwareSnapshotMgmt3_Release(&mgmt->IVssDifferentialSoftwareSnapshotMgmt3_iface);
    return hr;
}

HRESULT diff_mgmt_create_embedded(const GUID *provider_id, REFIID iid, IUnknown **out)
{
    return provider_mgmt_interface(provider_id, iid, out);
}

HRESULT WINAPI GetProviderMgmtInterfaceInternal(VSS_ID provider_id, IID iid, IUnknown **out)
{
    HRESULT hr;

    TRACE("%s, %s, %p\n", debugstr_guid(&provider_id), debugstr_guid(&iid), out);
    /* service mode: the shadow-storage state is root's (service_client.h) */
    if (!out) return E_INVALIDARG;
    if ((hr = service_diff_mgmt_create(&provider_id, &iid, out)) != S_FALSE) return hr;
    return provider_mgmt_interface(&provider_id, &iid, out);
}

/* --- VssSnapshotMgmt: IVssSnapshotMgmt, IVssSnapshotMgmt2 ------------------------------- */

struct snapshot_mgmt
{
    IVssSnapshotMgmt IVssSnapshotMgmt_iface;
    IVssSnapshotMgmt2 IVssSnapshotMgmt2_iface;
    LONG refcount;
};

static struct snapshot_mgmt *impl_from_IVssSnapshotMgmt(IVssSnapshotMgmt *iface)
{
    return CONTAINING_RECORD(iface, struct snapshot_mgmt, IVssSnapshotMgmt_iface);
}

static struct snapshot_mgmt *impl_from_IVssSnapshotMgmt2(IVssSnapshotMgmt2 *iface)
{
    return CONTAINING_RECORD(iface, struct snapshot_mgmt, IVssSnapshotMgmt2_iface);
}

static HRESULT STDMETHODCALLTYPE snapshot_mgmt_QueryInterface(IVssSnapshotMgmt *iface, REFIID riid, void **out)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt(iface);

    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssSnapshotMgmt))
        *out = &mgmt->IVssSnapshotMgmt_iface;
    else if (IsEqualGUID(riid, &IID_IVssSnapshotMgmt2))
        *out = &mgmt->IVssSnapshotMgmt2_iface;
    else
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    IUnknown_AddRef((IUnknown *)*out);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE snapshot_mgmt_AddRef(IVssSnapshotMgmt *iface)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt(iface);
    ULONG refcount = __atomic_add_fetch(&mgmt->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE snapshot_mgmt_Release(IVssSnapshotMgmt *iface)
{
    struct snapshot_mgmt *mgmt = impl_from_IVssSnapshotMgmt(iface);
    ULONG refcount = __atomic_sub_fetch(&mgmt->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount) free(mgmt);
    return refcount;
}

static HRESULT STDMETHODCALLTYPE snapshot_mgmt_GetProviderMgmtInterface(IVssSnapshotMgmt *iface, VSS_ID provider_id,
                                                                        REFIID iid, IUnknown **out)
{
    TRACE("%p, %s, %s, %p\n", iface, debugstr_guid(&provider_id), debugstr_guid(iid), out);
    if (!iid) return E_INVALIDARG;
    return provider_mgmt_interface(&provider_id, iid, out);
}

static int context_ok(LONG context)
{
    LONG base = context & (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE
                           | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS);

    if (context == (LONG)VSS_CTX_ALL) return 1;
    return base == VSS_CTX_BACKUP || base == VSS_CTX_FILE_SHARE_BACKUP || base == VSS_CTX_NAS_ROLLBACK
        || base == VSS_CTX_APP_ROLLBACK || base == VSS_CTX_CLIENT_ACCESSIBLE
        || base == VSS_CTX_CLIENT_ACCESSIBLE_WRITERS;
}

static HRESULT STDMETHODCALLTYPE snapshot_mgmt_QueryVolumesSupportedForSnapshots(IVssSnapshotMgmt *iface,
                                                                                 VSS_ID provider_id, LONG context,
                                                                                 IVssEnumMgmtObject **out)
{
    struct mgmt_list list = { NULL, 0, S_OK };
    const struct provider *provider = NULL;
    struct vss_volume *vols = NULL;
    size_t count = 0, i;
    int ret;

    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&provider_id), (unsigned int)context, out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!context_ok(context)) return E_INVALIDARG;
    if (!IsEqualGUID(&provider_id, &GUID_NULL) && !(provider = provider_by_id(&provider_id)))
        return VSS_E_PROVIDER_NOT_REGISTERED;
    if ((ret = all_volumes(&vols, &count))) return hresult_from_errno(ret, ERRCTX_VOLUME);

    for (i = 0; i < count && SUCCEEDED(list.hr); i++)
    {
        VSS_MGMT_OBJECT_PROP *prop;
        char name[64], *display;

        if (provider ? provider->is_supported(&vols[i]) != 0 : !provider_choose(&vols[i], NULL)) continue;
        if (!(prop = mgmt_list_add(&list, VSS_MGMT_OBJECT_VOLUME))) break;
        volume_guid_name(&vols[i], name, sizeof(name));
        mgmt_list_str(&list, &prop->Obj.Vol.m_pwszVolumeName, name);
        if (display_name(&vols[i], &display)) list.hr = E_OUTOFMEMORY;
        else
        {
            mgmt_list_str(&list, &prop->Obj.Vol.m_pwszVolumeDisplayName, display);
            free(display);
        }
    }
    volumes_free(vols, count);
    return mgmt_list_finish(&list, out);
}

static HRESULT STDMETHODCALLTYPE snapshot_mgmt_QuerySnapshotsByVolume(IVssSnapshotMgmt *iface, VSS_PWSZ volume,
                                                                      VSS_ID provider_id, IVssEnumObject **out)
{
    struct snapshot_record **recs = NULL;
    struct catalogue_filter filter;
    VSS_OBJECT_PROP *items = NULL;
    struct catalogue *cat = NULL;
    struct vss_volume vol;
    size_t count = 0, i;
    ULONG n = 0;
    char name[64];
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %s, %p\n", iface, debugstr_w(volume), debugstr_guid(&provider_id), out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!IsEqualGUID(&provider_id, &GUID_NULL) && !provider_by_id(&provider_id))
        return VSS_E_PROVIDER_NOT_REGISTERED;
    if (FAILED(hr = named_volume(volume, &vol, name))) return hr;
    volume_free(&vol);

    memset(&filter, 0, sizeof(filter));
    filter.volume = name;
    filter.context = CATALOGUE_CTX_ALL;
    if ((ret = catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat)) || (ret = catalogue_query(cat, &filter, &recs, &count)))
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
        if (!IsEqualGUID(&provider_id, &GUID_NULL) && !IsEqualGUID(&provider_id, &recs[i]->provider_id)) continue;
        items[n].Type = VSS_OBJECT_SNAPSHOT;
        if (SUCCEEDED(hr = snapshot_prop_from_record(recs[i], &items[n].Obj.Snap))) n++;
    }
    if (FAILED(hr))
    {
        while (n--) object_prop_clear(&items[n]);
        free(items);
        goto done;
    }
    hr = enum_object_create(items, n, out);
done:
    catalogue_records_free(recs, count);
    if (cat) catalogue_close(cat);
    return hr;
}

static const IVssSnapshotMgmtVtbl snapshot_mgmt_vtbl =
{
    snapshot_mgmt_QueryInterface,
    snapshot_mgmt_AddRef,
    snapshot_mgmt_Release,
    snapshot_mgmt_GetProviderMgmtInterface,
    snapshot_mgmt_QueryVolumesSupportedForSnapshots,
    snapshot_mgmt_QuerySnapshotsByVolume,
};

static HRESULT STDMETHODCALLTYPE snapshot_mgmt2_QueryInterface(IVssSnapshotMgmt2 *iface, REFIID riid, void **out)
{
    return snapshot_mgmt_QueryInterface(&impl_from_IVssSnapshotMgmt2(iface)->IVssSnapshotMgmt_iface, riid, out);
}

static ULONG STDMETHODCALLTYPE snapshot_mgmt2_AddRef(IVssSnapshotMgmt2 *iface)
{
    return snapshot_mgmt_AddRef(&impl_from_IVssSnapshotMgmt2(iface)->IVssSnapshotMgmt_iface);
}

static ULONG STDMETHODCALLTYPE snapshot_mgmt2_Release(IVssSnapshotMgmt2 *iface)
{
    return snapshot_mgmt_Release(&impl_from_IVssSnapshotMgmt2(iface)->IVssSnapshotMgmt_iface);
}

static HRESULT STDMETHODCALLTYPE snapshot_mgmt2_GetMinDiffAreaSize(IVssSnapshotMgmt2 *iface, LONGLONG *size)
{
    TRACE("%p, %p\n", iface, size);

    if (!size) return E_INVALIDARG;
    *size = MIN_DIFF_AREA_SIZE;
    return S_OK;
}

static const IVssSnapshotMgmt2Vtbl snapshot_mgmt2_vtbl =
{
    snapshot_mgmt2_QueryInterface,
    snapshot_mgmt2_AddRef,
    snapshot_mgmt2_Release,
    snapshot_mgmt2_GetMinDiffAreaSize,
};

HRESULT mgmt_create_embedded(REFIID iid, void **out)
{
    struct snapshot_mgmt *mgmt;
    HRESULT hr;

    if (!(mgmt = calloc(1, sizeof(*mgmt)))) return E_OUTOFMEMORY;
    mgmt->IVssSnapshotMgmt_iface.lpVtbl = &snapshot_mgmt_vtbl;
    mgmt->IVssSnapshotMgmt2_iface.lpVtbl = &snapshot_mgmt2_vtbl;
    mgmt->refcount = 1;
    hr = snapshot_mgmt_QueryInterface(&mgmt->IVssSnapshotMgmt_iface, iid, out);
    snapshot_mgmt_Release(&mgmt->IVssSnapshotMgmt_iface);
    return hr;
}

static HRESULT snapshot_mgmt_create(IUnknown *outer, const IID *iid, void **out)
{
    HRESULT hr;

    TRACE("%p, %s, %p\n", outer, debugstr_guid(iid), out);

    if (outer) return CLASS_E_NOAGGREGATION;
    /* service mode: the volumes and the catalogue are root's (service_client.h) */
    if ((hr = service_mgmt_create(iid, out)) != S_FALSE) return hr;
    return mgmt_create_embedded(iid, out);
}

__attribute__((constructor)) static void register_snapshot_mgmt(void)
{
    umbra_register_inproc_class(&CLSID_VssSnapshotMgmt, snapshot_mgmt_create);
}

__attribute__((destructor)) static void revoke_snapshot_mgmt(void)
{
    umbra_revoke_inproc_class(&CLSID_VssSnapshotMgmt);
}
