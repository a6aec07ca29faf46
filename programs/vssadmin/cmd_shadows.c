/*
 * cmd_shadows.c: the commands on shadow copies: List Shadows, Create Shadow,
 * Delete Shadows, Revert Shadow and Query Reverts (VSS-FACTS.md §5.2, §5.3).
 *
 * Listings see every shadow copy (VSS_CTX_ALL).  Create Shadow makes a
 * client-accessible one (VSS_CTX_CLIENT_ACCESSIBLE, no writers); Delete Shadows
 * deletes only client-accessible ones, as Windows' vssadmin does, and asks
 * first unless /Quiet is given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vssadmin.h"

/* How long Create Shadow /AutoRetry waits between attempts. */
#define RETRY_INTERVAL_MS 1000

static int guid_cmp(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof(*a));
}

static int same_volume(const WCHAR *name, const char *guid_name)
{
    char *utf8 = vsa_utf8(name);
    int same = utf8 && !strcasecmp(utf8, guid_name);

    free(utf8);
    return same;
}

/* --- List Shadows ---------------------------------------------------------------------------- */

struct listed
{
    const VSS_SNAPSHOT_PROP *prop;
    long long set_time;             /* creation time of its set: the earliest of its members */
};

static int by_set(const void *a, const void *b)
{
    const struct listed *x = a, *y = b;
    int c = guid_cmp(&x->prop->m_SnapshotSetId, &y->prop->m_SnapshotSetId);

    return c ? c : (x->prop->m_tsCreationTimestamp > y->prop->m_tsCreationTimestamp)
                   - (x->prop->m_tsCreationTimestamp < y->prop->m_tsCreationTimestamp);
}

/* Sets in the order they were made; the shadow copies of a set together. */
static int by_set_time(const void *a, const void *b)
{
    const struct listed *x = a, *y = b;
    int c;

    if (x->set_time != y->set_time) return x->set_time < y->set_time ? -1 : 1;
    if ((c = guid_cmp(&x->prop->m_SnapshotSetId, &y->prop->m_SnapshotSetId))) return c;
    if (x->prop->m_tsCreationTimestamp != y->prop->m_tsCreationTimestamp)
        return x->prop->m_tsCreationTimestamp < y->prop->m_tsCreationTimestamp ? -1 : 1;
    return guid_cmp(&x->prop->m_SnapshotId, &y->prop->m_SnapshotId);
}

static void sort_by_set(struct listed *rows, size_t n)
{
    size_t i, start;

    if (!n) return;
    qsort(rows, n, sizeof(*rows), by_set);
    for (start = 0; start < n; start = i)
    {
        for (i = start; i < n && !guid_cmp(&rows[i].prop->m_SnapshotSetId, &rows[start].prop->m_SnapshotSetId); i++) {}
        /* sorted by time inside the set: the first is the earliest */
        for (size_t j = start; j < i; j++) rows[j].set_time = rows[start].prop->m_tsCreationTimestamp;
    }
    qsort(rows, n, sizeof(*rows), by_set_time);
}

static const char *provider_name(struct vsa *v, const GUID *id, char buf[VSA_GUID_CHARS])
{
    const struct vsa_provider *p = vsa_find_provider(v, id);

    return p ? p->name : vsa_format_guid(buf, id);
}

/* "(C:)\\?\Volume{...}\", or the GUID name alone when no path reaches the volume [U]. */
static void print_volume(struct vsa *v, const char *label, const char *indent, const char *guid_name)
{
    char *display = vsa_volume_display(v, guid_name);

    if (display && *display) vsa_printf(&v->out, "%s%s: (%s)%s\n", indent, label, display, guid_name);
    else vsa_printf(&v->out, "%s%s: %s\n", indent, label, guid_name);
    free(display);
}

static void print_shadow_text(struct vsa *v, const VSS_SNAPSHOT_PROP *p)
{
    char id[VSA_GUID_CHARS], prov[VSA_GUID_CHARS], attrs[512];
    char *orig = vsa_utf8(p->m_pwszOriginalVolumeName), *dev = vsa_utf8(p->m_pwszSnapshotDeviceObject);
    char *om = vsa_utf8(p->m_pwszOriginatingMachine), *sm = vsa_utf8(p->m_pwszServiceMachine);
    char *en = vsa_utf8(p->m_pwszExposedName), *ep = vsa_utf8(p->m_pwszExposedPath);

    if (!orig || !dev || !om || !sm || !en || !ep)
    {
        v->out.failed = 1;
        goto done;
    }
    vsa_printf(&v->out, "      Shadow Copy ID: %s\n", vsa_format_guid(id, &p->m_SnapshotId));
    print_volume(v, "Original Volume", "         ", orig);
    vsa_printf(&v->out, "         Shadow Copy Volume: %s\n", dev);
    if (*en) vsa_printf(&v->out, "         Exposed Name: %s\n", en);                   /* [U] */
    if (*ep) vsa_printf(&v->out, "         Exposed Path: %s\n", ep);                   /* [U] */
    vsa_printf(&v->out, "         Originating Machine: %s\n"
                        "         Service Machine: %s\n"
                        "         Provider: '%s'\n"
                        "         Type: %s\n"
                        "         Attributes: %s\n",
               om, sm, provider_name(v, &p->m_ProviderId, prov), vsa_snapshot_type_text(p->m_lSnapshotAttributes),
               vsa_format_attributes(attrs, sizeof(attrs), p->m_lSnapshotAttributes));
    /* DESIGN.md §5: a copy made while writers were frozen says so (Umbra's line) */
    if (!vsa_is_point_in_time(p->m_lSnapshotAttributes))
        vsa_puts(&v->out, "         Consistency: Writer-consistent copy, not a point-in-time image of the volume\n");
done:
    free(orig);
    free(dev);
    free(om);
    free(sm);
    free(en);
    free(ep);
}

static void json_field(struct vsa *v, const char *name, const char *value)
{
    vsa_printf(&v->out, ",\"%s\":", name);
    vsa_json_string(&v->out, value);
}

static void json_wide_field(struct vsa *v, const char *name, const WCHAR *value)
{
    char *utf8 = value ? vsa_utf8(value) : NULL;

    if (value && !utf8) v->out.failed = 1;
    json_field(v, name, utf8);
    free(utf8);
}

static void print_shadow_json(struct vsa *v, const VSS_SNAPSHOT_PROP *p, int first)
{
    char id[VSA_GUID_CHARS], set[VSA_GUID_CHARS], prov[VSA_GUID_CHARS], when[32];
    char *orig = vsa_utf8(p->m_pwszOriginalVolumeName), *display = orig ? vsa_volume_display(v, orig) : NULL;
    const struct vsa_provider *provider = vsa_find_provider(v, &p->m_ProviderId);
    uint32_t bits = (uint32_t)p->m_lSnapshotAttributes, bit;
    int n = 0;

    vsa_printf(&v->out, "%s{\"id\":\"%s\",\"setId\":\"%s\",\"snapshotsCount\":%d,\"creationTime\":\"%s\"",
               first ? "" : ",", vsa_format_guid(id, &p->m_SnapshotId), vsa_format_guid(set, &p->m_SnapshotSetId),
               (int)p->m_lSnapshotsCount, vsa_format_iso_time(when, sizeof(when), p->m_tsCreationTimestamp));
    json_field(v, "originalVolume", p->m_pwszOriginalVolumeName ? orig : NULL);
    json_field(v, "originalVolumeDisplay", display && *display ? display : NULL);
    json_wide_field(v, "shadowCopyVolume", p->m_pwszSnapshotDeviceObject);
    json_wide_field(v, "exposedName", p->m_pwszExposedName);
    json_wide_field(v, "exposedPath", p->m_pwszExposedPath);
    json_wide_field(v, "originatingMachine", p->m_pwszOriginatingMachine);
    json_wide_field(v, "serviceMachine", p->m_pwszServiceMachine);
    vsa_printf(&v->out, ",\"providerId\":\"%s\"", vsa_format_guid(prov, &p->m_ProviderId));
    json_field(v, "provider", provider ? provider->name : NULL);
    json_field(v, "type", vsa_snapshot_type_text(p->m_lSnapshotAttributes));
    vsa_printf(&v->out, ",\"attributes\":%u,\"attributeNames\":[", (unsigned int)bits);
    for (bit = 1; bit; bit <<= 1)
    {
        const char *token = (bits & bit) ? vsa_attribute_token((LONG)bit) : NULL;

        if (!token) continue;
        if (n++) vsa_puts(&v->out, ",");
        vsa_json_string(&v->out, token);
    }
    vsa_printf(&v->out, "],\"pointInTime\":%s}", vsa_is_point_in_time(p->m_lSnapshotAttributes) ? "true" : "false");
    free(orig);
    free(display);
}

enum vsa_status vsa_cmd_list_shadows(struct vsa *v)
{
    const struct vsa_command *cmd = v->cmd;
    struct vsa_volume_info vol;
    VSS_SNAPSHOT_PROP *props = NULL;
    struct listed *rows = NULL;
    size_t count = 0, n = 0, i;
    enum vsa_status status;
    HRESULT hr;

    memset(&vol, 0, sizeof(vol));
    if (vsa_has(cmd, VSA_OPT_FOR) && (status = vsa_option_volume(v, VSA_OPT_FOR, &vol))) return status;
    if (FAILED(hr = vsa_query_snapshots(v, &props, &count)))
    {
        vsa_volume_info_free(&vol);
        return vsa_fail(v, hr, VSA_CTX_SHADOWS, "Query(VSS_OBJECT_SNAPSHOT)");
    }
    if (count && !(rows = calloc(count, sizeof(*rows))))
    {
        vsa_free_snapshots(v, props, count);
        vsa_volume_info_free(&vol);
        return vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_GENERIC, NULL);
    }
    for (i = 0; i < count; i++)
    {
        const VSS_SNAPSHOT_PROP *p = &props[i];

        if (vsa_has(cmd, VSA_OPT_SHADOW) && !IsEqualGUID(&p->m_SnapshotId, &cmd->guid[VSA_OPT_SHADOW])) continue;
        if (vsa_has(cmd, VSA_OPT_SET) && !IsEqualGUID(&p->m_SnapshotSetId, &cmd->guid[VSA_OPT_SET])) continue;
        if (vol.guid_name && !same_volume(p->m_pwszOriginalVolumeName, vol.guid_name)) continue;
        rows[n++].prop = p;
    }
    sort_by_set(rows, n);

    if (cmd->json)
    {
        vsa_puts(&v->out, "{\"shadows\":[");
        for (i = 0; i < n; i++) print_shadow_json(v, rows[i].prop, i == 0);
        vsa_puts(&v->out, "]}\n");
    }
    else if (!n) vsa_print_no_items(v);
    for (i = 0; i < n && !cmd->json; i++)
    {
        const VSS_SNAPSHOT_PROP *p = rows[i].prop;
        char set[VSA_GUID_CHARS], when[64];

        if (!i || !IsEqualGUID(&p->m_SnapshotSetId, &rows[i - 1].prop->m_SnapshotSetId))
        {
            if (i) vsa_puts(&v->out, "\n");
            vsa_printf(&v->out, "Contents of shadow copy set ID: %s\n"
                                "   Contained %d shadow copies at creation time: %s\n",
                       vsa_format_guid(set, &p->m_SnapshotSetId), (int)p->m_lSnapshotsCount,
                       vsa_format_time(when, sizeof(when), rows[i].set_time));
        }
        print_shadow_text(v, p);
        if (i + 1 == n) vsa_puts(&v->out, "\n");
    }
    free(rows);
    vsa_free_snapshots(v, props, count);
    vsa_volume_info_free(&vol);
    return VSA_OK;
}

/* --- Create Shadow ---------------------------------------------------------------------------- */

/* One attempt: a client-accessible shadow copy of volume, its id in *id. */
static HRESULT create_once(struct vsa *v, const WCHAR *volume, VSS_ID *id, char **device, const char **what)
{
    IVssBackupComponents *bc = NULL;
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID set;
    HRESULT hr;
    int started = 0;

    *what = "CreateVssBackupComponents";
    if (FAILED(hr = vsa_new_backup(v, VSS_CTX_CLIENT_ACCESSIBLE, &bc))) return hr;
    *what = "StartSnapshotSet";
    if (FAILED(hr = IVssBackupComponents_StartSnapshotSet(bc, &set))) goto done;
    started = 1;
    *what = "AddToSnapshotSet";
    if (FAILED(hr = IVssBackupComponents_AddToSnapshotSet(bc, (VSS_PWSZ)volume, GUID_NULL, id))) goto done;
    *what = "DoSnapshotSet";
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(bc, &async)) || FAILED(hr = vsa_wait(async))) goto done;
    started = 0;
    *what = "GetSnapshotProperties";
    memset(&prop, 0, sizeof(prop));
    if (FAILED(hr = IVssBackupComponents_GetSnapshotProperties(bc, *id, &prop))) goto done;
    *device = vsa_utf8(prop.m_pwszSnapshotDeviceObject);
    v->api->free_snapshot_properties(&prop);
    if (!*device) hr = E_OUTOFMEMORY;
done:
    /* stopped between StartSnapshotSet and the end of DoSnapshotSet (R21) */
    if (started) IVssBackupComponents_AbortBackup(bc);
    IVssBackupComponents_Release(bc);
    return hr;
}

enum vsa_status vsa_cmd_create_shadow(struct vsa *v)
{
    const struct vsa_command *cmd = v->cmd;
    struct vsa_volume_info vol;
    enum vsa_status status;
    const char *what = NULL;
    char *device = NULL, id_text[VSA_GUID_CHARS];
    long long deadline;
    WCHAR *volume;
    VSS_ID id;
    HRESULT hr;

    if ((status = vsa_option_volume(v, VSA_OPT_FOR, &vol))) return status;
    if (!(volume = vsa_wcs(vol.guid_name)))
    {
        vsa_volume_info_free(&vol);
        return vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_CREATE, NULL);
    }
    deadline = v->api->monotonic_ms() + (long long)cmd->minutes * 60000;
    for (;;)
    {
        memset(&id, 0, sizeof(id));
        hr = create_once(v, volume, &id, &device, &what);
        /* /AutoRetry: wait for the other shadow copy creation to end */
        if (hr != VSS_E_SNAPSHOT_SET_IN_PROGRESS || !cmd->minutes || v->api->monotonic_ms() >= deadline) break;
        v->api->sleep_ms(RETRY_INTERVAL_MS);
    }
    free(volume);
    if (FAILED(hr)) status = vsa_fail(v, hr, VSA_CTX_CREATE, what);
    else
        vsa_printf(&v->out, "Successfully created shadow copy for '%s'\n"
                            "    Shadow Copy ID: %s\n"
                            "    Shadow Copy Volume Name: %s\n",
                   cmd->value[VSA_OPT_FOR], vsa_format_guid(id_text, &id), device);
    free(device);
    vsa_volume_info_free(&vol);
    return status;
}

/* --- Delete Shadows ----------------------------------------------------------------------------- */

/* Y/N, default No; the answer is a line of standard input. */
static int confirm(struct vsa *v, size_t count)
{
    char answer[64];
    const char *p;
    int yes = 0;

    vsa_printf(&v->out, "Do you really want to delete %u shadow copies (Y/N): [N]? ", (unsigned int)count);
    if (v->out.file) fflush(v->out.file);
    if (v->in && fgets(answer, sizeof(answer), v->in))
    {
        for (p = answer; *p == ' ' || *p == '\t'; p++) {}
        yes = *p == 'y' || *p == 'Y';
    }
    /* a terminal echoed the newline that ended the answer; a pipe did not */
    if (!v->in_is_tty) vsa_puts(&v->out, "\n");
    return yes;
}

enum vsa_status vsa_cmd_delete_shadows(struct vsa *v)
{
    const struct vsa_command *cmd = v->cmd;
    struct vsa_volume_info vol;
    VSS_SNAPSHOT_PROP *props = NULL;
    const VSS_SNAPSHOT_PROP **targets = NULL;
    size_t count = 0, matched = 0, ntargets = 0, deleted = 0, i;
    enum vsa_status status = VSA_OK;
    IVssBackupComponents *bc;
    HRESULT hr;

    memset(&vol, 0, sizeof(vol));
    if (vsa_has(cmd, VSA_OPT_FOR) && (status = vsa_option_volume(v, VSA_OPT_FOR, &vol))) return status;
    if (FAILED(hr = vsa_query_snapshots(v, &props, &count)))
    {
        status = vsa_fail(v, hr, VSA_CTX_SHADOWS, "Query(VSS_OBJECT_SNAPSHOT)");
        goto done;
    }
    if (count && !(targets = calloc(count, sizeof(*targets))))
    {
        status = vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_GENERIC, NULL);
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        const VSS_SNAPSHOT_PROP *p = &props[i];

        if (vsa_has(cmd, VSA_OPT_SHADOW) && !IsEqualGUID(&p->m_SnapshotId, &cmd->guid[VSA_OPT_SHADOW])) continue;
        if (vol.guid_name && !same_volume(p->m_pwszOriginalVolumeName, vol.guid_name)) continue;
        matched++;
        /* other shadow copies belong to the backup programs that made them */
        if (!(p->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE)) continue;
        if (vsa_has(cmd, VSA_OPT_OLDEST) && ntargets)
        {
            if (p->m_tsCreationTimestamp < targets[0]->m_tsCreationTimestamp) targets[0] = p;
            continue;
        }
        targets[ntargets++] = p;
    }
    if (!matched)
    {
        vsa_print_no_items(v);
        status = VSA_ERR_NOT_FOUND;
        goto done;
    }
    if (!ntargets)
    {
        status = vsa_error(v, VSA_ERR_VSS, "Snapshots were found, but they were outside of your allowed context.  "
                                           "Try removing them with the backup application which created them.");
        goto done;
    }
    if (!vsa_has(cmd, VSA_OPT_QUIET) && !confirm(v, ntargets))
    {
        status = VSA_ERR_DECLINED;
        goto done;
    }
    if (FAILED(hr = vsa_backup(v, &bc)))
    {
        status = vsa_fail(v, hr, VSA_CTX_SHADOWS, "CreateVssBackupComponents");
        goto done;
    }
    for (i = 0; i < ntargets; i++)
    {
        LONG n = 0;
        VSS_ID failed;

        hr = IVssBackupComponents_DeleteSnapshots(bc, targets[i]->m_SnapshotId, VSS_OBJECT_SNAPSHOT, TRUE, &n, &failed);
        /* gone meanwhile: what was asked for is done */
        if (hr == VSS_E_OBJECT_NOT_FOUND) continue;
        if (FAILED(hr))
        {
            status = vsa_fail(v, hr, VSA_CTX_GENERIC, "DeleteSnapshots");
            goto done;
        }
        deleted += n > 0 ? (size_t)n : 0;
    }
    vsa_printf(&v->out, "Successfully deleted %u shadow copies.\n", (unsigned int)deleted);

done:
    free(targets);
    vsa_free_snapshots(v, props, count);
    vsa_volume_info_free(&vol);
    return status;
}

/* --- Revert Shadow, Query Reverts ------------------------------------------------------------------ */

enum vsa_status vsa_cmd_revert_shadow(struct vsa *v)
{
    const GUID *id = &v->cmd->guid[VSA_OPT_SHADOW];
    IVssBackupComponents *bc;
    VSS_SNAPSHOT_PROP prop;
    char text[VSA_GUID_CHARS], *orig = NULL;
    enum vsa_status status = VSA_OK;
    HRESULT hr;

    if (FAILED(hr = vsa_backup(v, &bc))) return vsa_fail(v, hr, VSA_CTX_REVERT, "CreateVssBackupComponents");
    memset(&prop, 0, sizeof(prop));
    hr = IVssBackupComponents_GetSnapshotProperties(bc, *id, &prop);
    if (hr == VSS_E_OBJECT_NOT_FOUND)
    {
        vsa_print_no_items(v);
        return VSA_ERR_NOT_FOUND;
    }
    if (FAILED(hr)) return vsa_fail(v, hr, VSA_CTX_REVERT, "GetSnapshotProperties");
    orig = vsa_utf8(prop.m_pwszOriginalVolumeName);
    v->api->free_snapshot_properties(&prop);
    if (!orig) return vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_REVERT, NULL);

    if (FAILED(hr = IVssBackupComponents_RevertToSnapshot(bc, *id, vsa_has(v->cmd, VSA_OPT_FORCEDISMOUNT))))
        status = vsa_fail(v, hr, VSA_CTX_REVERT, "RevertToSnapshot");
    else
    {
        vsa_printf(&v->out, "Successfully reverted the volume to the shadow copy\n"               /* [U] */
                            "    Shadow Copy ID: %s\n", vsa_format_guid(text, id));
        print_volume(v, "Original Volume", "    ", orig);
    }
    free(orig);
    return status;
}

static const char *revert_state(IVssAsync *async)
{
    HRESULT result = VSS_S_ASYNC_PENDING;

    if (FAILED(IVssAsync_QueryStatus(async, &result, NULL))) return "Unknown";                    /* [U] */
    if (result == VSS_S_ASYNC_PENDING) return "In progress";                                      /* [U] */
    if (result == VSS_S_ASYNC_FINISHED) return "Completed";                                       /* [U] */
    return "Failed";                                                                              /* [U] */
}

struct revert_row
{
    const char *guid_name;
    const char *state;
};

enum vsa_status vsa_cmd_query_reverts(struct vsa *v)
{
    struct vsa_volume_info one;
    struct revert_row *rows = NULL;
    IVssBackupComponents *bc;
    enum vsa_status status = VSA_OK;
    size_t count, i, shown = 0;
    HRESULT hr;

    memset(&one, 0, sizeof(one));
    if (vsa_has(v->cmd, VSA_OPT_FOR))
    {
        if ((status = vsa_option_volume(v, VSA_OPT_FOR, &one))) return status;
        count = 1;
    }
    else
    {
        if (FAILED(hr = vsa_load_volumes(v)))
            return vsa_fail(v, hr, VSA_CTX_REVERT, "QueryVolumesSupportedForSnapshots");
        count = v->nvolumes;
    }
    if (FAILED(hr = vsa_backup(v, &bc)))
    {
        status = vsa_fail(v, hr, VSA_CTX_REVERT, "CreateVssBackupComponents");
        goto done;
    }
    if (count && !(rows = calloc(count, sizeof(*rows))))
    {
        status = vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_REVERT, NULL);
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        const char *guid_name = one.guid_name ? one.guid_name : v->volumes[i].guid_name;
        IVssAsync *async = NULL;
        WCHAR *w = vsa_wcs(guid_name);

        if (!w)
        {
            status = vsa_fail(v, E_OUTOFMEMORY, VSA_CTX_REVERT, NULL);
            goto done;
        }
        hr = IVssBackupComponents_QueryRevertStatus(bc, w, &async);
        free(w);
        /* VSS_E_OBJECT_NOT_FOUND: no revert of that volume is running */
        if (FAILED(hr) && hr != VSS_E_OBJECT_NOT_FOUND && one.guid_name)
        {
            status = vsa_fail(v, hr, VSA_CTX_REVERT, "QueryRevertStatus");
            goto done;
        }
        if (FAILED(hr) || !async) continue;
        rows[shown].guid_name = guid_name;
        rows[shown++].state = revert_state(async);
        IVssAsync_Release(async);
    }

    if (v->cmd->json) vsa_puts(&v->out, "{\"reverts\":[");
    else if (!shown) vsa_print_no_items(v);
    for (i = 0; i < shown; i++)
    {
        if (v->cmd->json)
        {
            char *display = vsa_volume_display(v, rows[i].guid_name);

            vsa_puts(&v->out, i ? ",{\"volume\":" : "{\"volume\":");
            vsa_json_string(&v->out, rows[i].guid_name);
            vsa_puts(&v->out, ",\"volumeDisplay\":");
            vsa_json_string(&v->out, display && *display ? display : NULL);
            vsa_puts(&v->out, ",\"status\":");
            vsa_json_string(&v->out, rows[i].state);
            vsa_puts(&v->out, "}");
            free(display);
        }
        else
        {
            vsa_puts(&v->out, "Volume revert\n");                                                 /* [U] */
            print_volume(v, "Volume", "   ", rows[i].guid_name);
            vsa_printf(&v->out, "   Status: %s\n\n", rows[i].state);
        }
    }
    if (v->cmd->json) vsa_puts(&v->out, "]}\n");
done:
    free(rows);
    vsa_volume_info_free(&one);
    return status;
}
