/*
 * cmd_storage.c: the shadow copy storage ("diff area") commands: List, Add,
 * Resize and Delete ShadowStorage, through the system provider's
 * IVssDifferentialSoftwareSnapshotMgmt (VSS-FACTS.md §5.2, §5.3).
 *
 * On Linux a volume's shadow copies share its own extents or are copies on
 * it, so an association is the storage limit of a volume on itself
 * (dlls/vssapi/mgmt.c); what the provider refuses is reported, not guessed
 * here.  Percentages are of the /For volume's size, as Windows prints them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vssadmin.h"

/* Windows 7 and later (VSS-FACTS.md §3.5), when the API cannot say */
#define DEFAULT_MIN_STORAGE (320LL << 20)

/* A broken enumerator must not keep vssadmin looping. */
#define MAX_AREAS 65536

struct area
{
    char *for_volume, *on_volume;
    long long used, allocated, maximum;
};

static void areas_free(struct area *areas, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
    {
        free(areas[i].for_volume);
        free(areas[i].on_volume);
    }
    free(areas);
}

/* Append what e lists; VSS_E_OBJECT_NOT_FOUND from the query means none. */
static HRESULT collect(struct vsa *v, IVssEnumMgmtObject *e, struct area **areas, size_t *count)
{
    HRESULT hr = S_OK;

    while (*count < MAX_AREAS)
    {
        VSS_MGMT_OBJECT_PROP prop;
        struct area *grown, *a;
        ULONG fetched = 0;

        memset(&prop, 0, sizeof(prop));
        if (FAILED(hr = IVssEnumMgmtObject_Next(e, 1, &prop, &fetched))) break;
        hr = S_OK;
        if (!fetched) break;
        if (prop.Type == VSS_MGMT_OBJECT_DIFF_AREA)
        {
            if (!(grown = realloc(*areas, (*count + 1) * sizeof(*grown)))) hr = E_OUTOFMEMORY;
            else
            {
                *areas = grown;
                a = &grown[*count];
                a->for_volume = vsa_utf8(prop.Obj.DiffArea.m_pwszVolumeName);
                a->on_volume = vsa_utf8(prop.Obj.DiffArea.m_pwszDiffAreaVolumeName);
                a->used = prop.Obj.DiffArea.m_llUsedDiffSpace;
                a->allocated = prop.Obj.DiffArea.m_llAllocatedDiffSpace;
                a->maximum = prop.Obj.DiffArea.m_llMaximumDiffSpace;
                if (!a->for_volume || !a->on_volume)
                {
                    free(a->for_volume);
                    free(a->on_volume);
                    hr = E_OUTOFMEMORY;
                }
                else (*count)++;
            }
        }
        vsa_free_mgmt_prop(v, &prop);
        if (FAILED(hr)) break;
    }
    return hr;
}

enum query { FOR_VOLUME, ON_VOLUME };

static HRESULT query_areas(struct vsa *v, enum query which, const char *guid_name, struct area **areas, size_t *count)
{
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    IVssEnumMgmtObject *e = NULL;
    WCHAR *w;
    HRESULT hr;

    if (FAILED(hr = vsa_diff_mgmt(v, &diff))) return hr;
    if (!(w = vsa_wcs(guid_name))) return E_OUTOFMEMORY;
    hr = which == FOR_VOLUME ? IVssDifferentialSoftwareSnapshotMgmt_QueryDiffAreasForVolume(diff, w, &e)
                             : IVssDifferentialSoftwareSnapshotMgmt_QueryDiffAreasOnVolume(diff, w, &e);
    free(w);
    if (hr == VSS_E_OBJECT_NOT_FOUND || (SUCCEEDED(hr) && !e)) return S_OK;
    if (FAILED(hr)) return hr;
    hr = collect(v, e, areas, count);
    IVssEnumMgmtObject_Release(e);
    return hr;
}

/* --- List ShadowStorage ------------------------------------------------------------------------ */

static void print_space(struct vsa *v, const char *label, long long bytes, long long total)
{
    char size[32];

    if (bytes < 0)  /* VSS_ASSOC_NO_MAX_SPACE */
        vsa_printf(&v->out, "   %s Shadow Copy Storage space: UNBOUNDED (100%%)\n", label);
    else
        vsa_printf(&v->out, "   %s Shadow Copy Storage space: %s (%d%%)\n", label,
                   vsa_format_size(size, sizeof(size), bytes), vsa_percent(bytes, total));
}

static void print_volume_line(struct vsa *v, const char *label, const char *guid_name)
{
    char *display = vsa_volume_display(v, guid_name);

    if (display && *display) vsa_printf(&v->out, "   %s: (%s)%s\n", label, display, guid_name);
    else vsa_printf(&v->out, "   %s: %s\n", label, guid_name);
    free(display);
}

static void print_area(struct vsa *v, const struct area *a, long long total, int first)
{
    if (v->cmd->json)
    {
        char *for_display = vsa_volume_display(v, a->for_volume), *on_display = vsa_volume_display(v, a->on_volume);

        vsa_puts(&v->out, first ? "{\"forVolume\":" : ",{\"forVolume\":");
        vsa_json_string(&v->out, a->for_volume);
        vsa_puts(&v->out, ",\"forVolumeDisplay\":");
        vsa_json_string(&v->out, for_display && *for_display ? for_display : NULL);
        vsa_puts(&v->out, ",\"onVolume\":");
        vsa_json_string(&v->out, a->on_volume);
        vsa_puts(&v->out, ",\"onVolumeDisplay\":");
        vsa_json_string(&v->out, on_display && *on_display ? on_display : NULL);
        vsa_printf(&v->out, ",\"usedBytes\":%lld,\"allocatedBytes\":%lld,\"maximumBytes\":", a->used, a->allocated);
        if (a->maximum < 0) vsa_puts(&v->out, "null");
        else vsa_printf(&v->out, "%lld", a->maximum);
        vsa_printf(&v->out, ",\"volumeSizeBytes\":%lld}", total);
        free(for_display);
        free(on_display);
        return;
    }
    vsa_puts(&v->out, "Shadow Copy Storage association\n");
    print_volume_line(v, "For volume", a->for_volume);
    print_volume_line(v, "Shadow Copy Storage volume", a->on_volume);
    print_space(v, "Used", a->used, total);
    print_space(v, "Allocated", a->allocated, total);
    print_space(v, "Maximum", a->maximum, total);
    vsa_puts(&v->out, "\n");
}

enum vsa_status vsa_cmd_list_shadowstorage(struct vsa *v)
{
    const struct vsa_command *cmd = v->cmd;
    struct vsa_volume_info vol;
    struct area *areas = NULL;
    size_t count = 0, i;
    enum vsa_status status = VSA_OK;
    HRESULT hr = S_OK;

    memset(&vol, 0, sizeof(vol));
    if (vsa_has(cmd, VSA_OPT_FOR) || vsa_has(cmd, VSA_OPT_ON))
    {
        enum vsa_option_id opt = vsa_has(cmd, VSA_OPT_FOR) ? VSA_OPT_FOR : VSA_OPT_ON;

        if ((status = vsa_option_volume(v, opt, &vol))) return status;
        hr = query_areas(v, opt == VSA_OPT_FOR ? FOR_VOLUME : ON_VOLUME, vol.guid_name, &areas, &count);
    }
    else if (SUCCEEDED(hr = vsa_load_volumes(v)))
    {
        for (i = 0; i < v->nvolumes && SUCCEEDED(hr); i++)
            hr = query_areas(v, FOR_VOLUME, v->volumes[i].guid_name, &areas, &count);
    }
    if (FAILED(hr))
    {
        status = vsa_fail(v, hr, VSA_CTX_STORAGE, "QueryDiffAreasForVolume");
        goto done;
    }

    if (cmd->json) vsa_puts(&v->out, "{\"associations\":[");
    else if (!count) vsa_print_no_items(v);
    for (i = 0; i < count; i++)
    {
        struct vsa_volume_info info;
        long long total = 0;

        /* percentages are of the volume the shadow copies are of */
        if (SUCCEEDED(vsa_resolve_volume(v, areas[i].for_volume, &info)))
        {
            total = info.total_bytes;
            vsa_volume_info_free(&info);
        }
        print_area(v, &areas[i], total, i == 0);
    }
    if (cmd->json) vsa_puts(&v->out, "]}\n");

done:
    areas_free(areas, count);
    vsa_volume_info_free(&vol);
    return status;
}

/* --- Add, Resize ShadowStorage ------------------------------------------------------------------- */

static long long min_storage(struct vsa *v)
{
    IVssSnapshotMgmt2 *mgmt2 = NULL;
    IVssSnapshotMgmt *mgmt;
    LONGLONG size = 0;

    if (SUCCEEDED(vsa_snapshot_mgmt(v, &mgmt))
        && SUCCEEDED(IVssSnapshotMgmt_QueryInterface(mgmt, &IID_IVssSnapshotMgmt2, (void **)&mgmt2)) && mgmt2)
    {
        if (FAILED(IVssSnapshotMgmt2_GetMinDiffAreaSize(mgmt2, &size))) size = 0;
        IVssSnapshotMgmt2_Release(mgmt2);
    }
    return size > 0 ? size : DEFAULT_MIN_STORAGE;
}

/* /MaxSize in bytes (VSS_ASSOC_NO_MAX_SPACE when absent or UNBOUNDED); prints
 * the error and returns its status when the size cannot be used. */
static enum vsa_status max_size(struct vsa *v, const struct vsa_volume_info *for_volume, LONGLONG *bytes)
{
    const struct vsa_size *size = &v->cmd->size;
    long long min;
    char text[160], shown[32];

    *bytes = VSS_ASSOC_NO_MAX_SPACE;
    if (!vsa_has(v->cmd, VSA_OPT_MAXSIZE) || size->kind == VSA_SIZE_UNBOUNDED) return VSA_OK;
    if (size->kind == VSA_SIZE_PERCENT)
    {
        if (for_volume->total_bytes <= 0)
        {
            if (v->err) fprintf(v->err, "vssadmin: the size of %s is not known\n", for_volume->guid_name);
            return vsa_error(v, VSA_ERR_SYNTAX, "Invalid option value.");
        }
        *bytes = (LONGLONG)((long double)for_volume->total_bytes * size->value / 100);
    }
    else *bytes = size->value;
    if (*bytes < (min = min_storage(v)))
    {
        snprintf(text, sizeof(text), "The maximum shadow copy storage size must be %s or more.",   /* [U] */
                 vsa_format_size(shown, sizeof(shown), min));
        return vsa_error(v, VSA_ERR_SYNTAX, text);
    }
    return VSA_OK;
}

static enum vsa_status add_or_resize(struct vsa *v, int add)
{
    struct vsa_volume_info for_volume, on_volume;
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    WCHAR *wfor = NULL, *won = NULL;
    enum vsa_status status;
    LONGLONG bytes;
    HRESULT hr;

    memset(&on_volume, 0, sizeof(on_volume));
    if ((status = vsa_option_volume(v, VSA_OPT_FOR, &for_volume))) return status;
    if ((status = vsa_option_volume(v, VSA_OPT_ON, &on_volume)) || (status = max_size(v, &for_volume, &bytes)))
        goto done;
    if (FAILED(hr = vsa_diff_mgmt(v, &diff)))
    {
        status = vsa_fail(v, hr, VSA_CTX_STORAGE, "GetProviderMgmtInterface");
        goto done;
    }
    if (!(wfor = vsa_wcs(for_volume.guid_name)) || !(won = vsa_wcs(on_volume.guid_name)))
    {
        status = vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_STORAGE, NULL);
        goto done;
    }
    hr = add ? IVssDifferentialSoftwareSnapshotMgmt_AddDiffArea(diff, wfor, won, bytes)
             : IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, wfor, won, bytes);
    if (FAILED(hr)) status = vsa_fail(v, hr, VSA_CTX_STORAGE, add ? "AddDiffArea" : "ChangeDiffAreaMaximumSize");
    else if (add) vsa_puts(&v->out, "Successfully added the shadow copy storage association\n");
    else vsa_puts(&v->out, "Successfully resized the shadow copy storage association\n");

done:
    free(wfor);
    free(won);
    vsa_volume_info_free(&for_volume);
    vsa_volume_info_free(&on_volume);
    return status;
}

enum vsa_status vsa_cmd_add_shadowstorage(struct vsa *v)
{
    return add_or_resize(v, 1);
}

enum vsa_status vsa_cmd_resize_shadowstorage(struct vsa *v)
{
    return add_or_resize(v, 0);
}

/* --- Delete ShadowStorage -------------------------------------------------------------------------- */

enum vsa_status vsa_cmd_delete_shadowstorage(struct vsa *v)
{
    struct vsa_volume_info for_volume, on_volume;
    IVssDifferentialSoftwareSnapshotMgmt *diff;
    struct area *areas = NULL;
    size_t count = 0, i;
    enum vsa_status status;
    HRESULT hr;

    memset(&on_volume, 0, sizeof(on_volume));
    if ((status = vsa_option_volume(v, VSA_OPT_FOR, &for_volume))) return status;
    if (vsa_has(v->cmd, VSA_OPT_ON) && (status = vsa_option_volume(v, VSA_OPT_ON, &on_volume))) goto done;
    if (FAILED(hr = vsa_diff_mgmt(v, &diff)) || FAILED(hr = query_areas(v, FOR_VOLUME, for_volume.guid_name, &areas,
                                                                        &count)))
    {
        status = vsa_fail(v, hr, VSA_CTX_STORAGE, "QueryDiffAreasForVolume");
        goto done;
    }
    /* none for that volume (on that volume): not found */
    hr = VSS_E_OBJECT_NOT_FOUND;
    for (i = 0; i < count; i++)
    {
        WCHAR *wfor, *won;

        if (on_volume.guid_name && strcasecmp(areas[i].on_volume, on_volume.guid_name)) continue;
        wfor = vsa_wcs(areas[i].for_volume);
        won = vsa_wcs(areas[i].on_volume);
        hr = wfor && won ? IVssDifferentialSoftwareSnapshotMgmt_ChangeDiffAreaMaximumSize(diff, wfor, won,
                                                                                         VSS_ASSOC_REMOVE)
                         : E_OUTOFMEMORY;
        free(wfor);
        free(won);
        if (FAILED(hr)) break;
    }
    if (FAILED(hr)) status = vsa_fail(v, hr, VSA_CTX_STORAGE, i < count ? "ChangeDiffAreaMaximumSize" : NULL);
    else vsa_puts(&v->out, "Successfully deleted the shadow copy storage association\n");           /* [U] */

done:
    areas_free(areas, count);
    vsa_volume_info_free(&for_volume);
    vsa_volume_info_free(&on_volume);
    return status;
}
