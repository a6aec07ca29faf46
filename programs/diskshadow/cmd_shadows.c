/*
 * cmd_shadows.c: the commands that act on existing shadow copies: LIST
 * SHADOWS, LIST PROVIDERS, DELETE SHADOWS, EXPOSE, UNEXPOSE, REVERT, BREAK
 * and MASK (VSS-FACTS.md §6.2-6.3).
 *
 * Each runs on a requester object of its own in VSS_CTX_ALL, so it sees every
 * shadow copy on the machine whatever the session's context (the backup
 * object's context is fixed once set, rule R3).  Deletions go one shadow copy
 * at a time so that each gets its "Deleting shadow copy ..." line.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "umbra/debug.h"
#include "session.h"

/* Local copy of IID_IVssBackupComponentsEx2 (VSS-FACTS.md §2.2), so the
 * executor links without libvssapi's IID table. */
static const GUID iid_backup_ex2 =
    { 0xacfe2b3a, 0x22c9, 0x4ef8, { 0xbd, 0x03, 0x2f, 0x9c, 0xa2, 0x30, 0x08, 0x4e } };

static enum ds_status open_all(struct ds_session *s, IVssBackupComponents **bc)
{
    return ds_requester_open(s, (LONG)VSS_CTX_ALL, 0, NULL, bc);
}

static enum ds_status with_ex2(struct ds_session *s, IVssBackupComponents *bc, IVssBackupComponentsEx2 **ex2)
{
    HRESULT hr = IVssBackupComponents_QueryInterface(bc, &iid_backup_ex2, (void **)ex2);
    if (FAILED(hr) || !*ex2) return ds_vss_failed(s, FAILED(hr) ? hr : E_NOINTERFACE, "QueryInterface(Ex2)");
    return DS_OK;
}

/* --- LIST --------------------------------------------------------------------------------- */

enum ds_status ds_cmd_list_shadows(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponents *bc = NULL;
    VSS_SNAPSHOT_PROP *props = NULL;
    size_t count = 0, i, listed = 0;
    enum ds_status status;
    GUID id;

    if (cmd->mode != DS_SCOPE_ALL && (status = ds_resolve_id(s, cmd->arg[0], &id))) return status;
    if ((status = open_all(s, &bc)) || (status = ds_query_snapshots(s, bc, &props, &count))) goto done;
    ds_print_query_header(s->out, cmd->mode == DS_SCOPE_ALL ? DS_QUERY_ALL
                                  : cmd->mode == DS_SCOPE_SET ? DS_QUERY_SET : DS_QUERY_ID, &id);
    for (i = 0; i < count; i++)
    {
        if (cmd->mode == DS_SCOPE_SET && !IsEqualGUID(&props[i].m_SnapshotSetId, &id)) continue;
        if (cmd->mode == DS_SCOPE_ID && !IsEqualGUID(&props[i].m_SnapshotId, &id)) continue;
        if (listed++) ds_out_puts(s->out, "\n");
        ds_print_snapshot(s, &props[i]);
    }
    ds_print_shadow_count(s->out, listed);

done:
    ds_free_snapshots(s, props, count);
    ds_release(&bc);
    return status;
}

enum ds_status ds_cmd_list_providers(struct ds_session *s)
{
    static const GUID null_id;
    IVssBackupComponents *bc = NULL;
    IVssEnumObject *e = NULL;
    enum ds_status status;
    size_t listed = 0;
    HRESULT hr;

    if ((status = open_all(s, &bc))) return status;
    hr = IVssBackupComponents_Query(bc, null_id, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &e);
    if (FAILED(hr))
    {
        ds_release(&bc);
        return ds_vss_failed(s, hr, "Query(providers)");
    }
    while (e && listed < 4096)
    {
        struct ds_provider_view v;
        VSS_OBJECT_PROP prop;
        ULONG fetched = 0;
        char *name, *version;

        memset(&prop, 0, sizeof(prop));
        if (FAILED(hr = IVssEnumObject_Next(e, 1, &prop, &fetched)))
        {
            status = ds_vss_failed(s, hr, "IVssEnumObject::Next");
            break;
        }
        if (!fetched) break;
        if (prop.Type != VSS_OBJECT_PROVIDER) continue;
        name = ds_utf8(prop.Obj.Prov.m_pwszProviderName);
        version = ds_utf8(prop.Obj.Prov.m_pwszProviderVersion);
        v.id = prop.Obj.Prov.m_ProviderId;
        v.type = prop.Obj.Prov.m_eProviderType;
        v.name = name;
        v.version = version;
        v.clsid = prop.Obj.Prov.m_ClassId;
        ds_print_provider(s->out, &v);
        free(name);
        free(version);
        s->api->co_task_mem_free(prop.Obj.Prov.m_pwszProviderName);
        s->api->co_task_mem_free(prop.Obj.Prov.m_pwszProviderVersion);
        listed++;
    }
    if (e) IVssEnumObject_Release(e);
    ds_release(&bc);
    if (status == DS_OK) ds_print_provider_count(s->out, listed);
    return status;
}

/* --- which shadow copies a command means ----------------------------------------------------- */

static int same_name(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    /* "Z:" and "Z:\", "/mnt/x" and "/mnt/x/" name the same thing */
    while (la > 1 && (a[la - 1] == '\\' || a[la - 1] == '/')) la--;
    while (lb > 1 && (b[lb - 1] == '\\' || b[lb - 1] == '/')) lb--;
    return la == lb && !strncasecmp(a, b, la);
}

static int prop_volume_is(struct ds_session *s, const VSS_SNAPSHOT_PROP *p, const char *volume, const char *guid_name)
{
    char *orig = ds_utf8(p->m_pwszOriginalVolumeName), *display;
    int match = 0;

    if (!orig) return 0;
    if ((guid_name && same_name(orig, guid_name)) || same_name(orig, volume)) match = 1;
    else if ((display = ds_volume_display(s, orig)))
    {
        match = same_name(display, volume);
        free(display);
    }
    free(orig);
    return match;
}

static int prop_exposed_as(const VSS_SNAPSHOT_PROP *p, const char *target)
{
    char *name, *posix;
    int match;

    if (!p->m_pwszExposedName) return 0;
    name = ds_utf8(p->m_pwszExposedName);
    match = name && same_name(name, target);
    /* a folder written the Windows way ("C:\x\y", sample 18) is exposed under its POSIX name */
    if (name && !match && !ds_is_drive_letter(target) && (posix = ds_posix_path(target)))
    {
        match = same_name(name, posix);
        free(posix);
    }
    free(name);
    return match;
}

/* --- DELETE SHADOWS ---------------------------------------------------------------------------- */

/* The POSIX directory a shadow copy's original volume is, or NULL. */
static char *prop_volume_root(struct ds_session *s, const VSS_SNAPSHOT_PROP *p)
{
    char *orig = ds_utf8(p->m_pwszOriginalVolumeName), *display = orig ? ds_volume_display(s, orig) : NULL;
    char *posix = display ? ds_posix_path(display) : NULL, *root = posix ? realpath(posix, NULL) : NULL;

    free(orig);
    free(display);
    free(posix);
    return root;
}

/* A volume written as a relative name ("delete shadows volume df", sample 31
 * run from C:\programdata in output/03, where no alias df existed) stands,
 * as for GetVolumePathName, for the volume holding it: the deepest original
 * volume of the shadow copies that contains <cwd>/<name>.  Returns that
 * volume's name as the shadow copies carry it, or NULL. */
static char *relative_volume(struct ds_session *s, const char *name, const VSS_SNAPSHOT_PROP *props, size_t count)
{
    char cwd[PATH_MAX], full[PATH_MAX * 2];
    size_t i, best_len = 0;
    char *best = NULL;

    if (!*name || name[0] == '/' || name[0] == '\\' || name[1] == ':' || !getcwd(cwd, sizeof(cwd))) return NULL;
    snprintf(full, sizeof(full), "%s/%s", strcmp(cwd, "/") ? cwd : "", name);
    for (i = 0; i < count; i++)
    {
        char *root = prop_volume_root(s, &props[i]);
        size_t len = root ? strlen(root) : 0;

        if (len > best_len && !strncmp(full, root, len) && (full[len] == '/' || !strcmp(root, "/")))
        {
            free(best);
            if ((best = ds_utf8(props[i].m_pwszOriginalVolumeName))) best_len = len;
        }
        free(root);
    }
    return best;
}

static enum ds_status delete_one(struct ds_session *s, IVssBackupComponents *bc, const VSS_SNAPSHOT_PROP *p,
                                 long *deleted)
{
    char *orig = ds_utf8(p->m_pwszOriginalVolumeName);
    LONG n = 0;
    GUID nondeleted;
    HRESULT hr;

    ds_print_deleting(s->out, &p->m_SnapshotId, orig, &p->m_ProviderId, p->m_lSnapshotAttributes);
    free(orig);
    memset(&nondeleted, 0, sizeof(nondeleted));
    hr = IVssBackupComponents_DeleteSnapshots(bc, p->m_SnapshotId, VSS_OBJECT_SNAPSHOT, TRUE, &n, &nondeleted);
    if (FAILED(hr)) return ds_vss_failed(s, hr, "DeleteSnapshots");
    *deleted += n;
    return DS_OK;
}

enum ds_status ds_cmd_delete_shadows(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponents *bc = NULL;
    VSS_SNAPSHOT_PROP *props = NULL;
    size_t count = 0, i, oldest = (size_t)-1, matched = 0;
    char *volume = NULL, *guid_name = NULL;
    enum ds_status status;
    long deleted = 0;
    GUID id;

    if ((cmd->mode == DS_SCOPE_SET || cmd->mode == DS_SCOPE_ID) && (status = ds_resolve_id(s, cmd->arg[0], &id)))
        return status;
    if ((status = open_all(s, &bc)) || (status = ds_query_snapshots(s, bc, &props, &count))) goto done;

    if (cmd->mode == DS_SCOPE_VOLUME || cmd->mode == DS_SCOPE_OLDEST)
    {
        const char *value = ds_lookup_environ(NULL, cmd->arg[0]);
        GUID shadow;
        /* a shadow copy's alias stands for its volume (sample 31: "delete shadows volume df") */
        if (!ds_parse_guid(cmd->arg[0], &shadow) || (value && !ds_parse_guid(value, &shadow)))
        {
            for (i = 0; i < count && !volume; i++)
                if (IsEqualGUID(&props[i].m_SnapshotId, &shadow)) volume = ds_utf8(props[i].m_pwszOriginalVolumeName);
            if (!volume)
            {
                status = ds_vss_failed(s, VSS_E_OBJECT_NOT_FOUND, "DELETE SHADOWS VOLUME");
                goto done;
            }
        }
        else if (!(volume = relative_volume(s, cmd->arg[0], props, count)) && !(volume = strdup(cmd->arg[0])))
        {
            status = ds_vss_failed(s, E_OUTOFMEMORY, "DELETE SHADOWS");
            goto done;
        }
        guid_name = ds_volume_guid_name(s, volume);
    }

    for (i = 0; i < count && status == DS_OK; i++)
    {
        const VSS_SNAPSHOT_PROP *p = &props[i];
        int match = 0;

        switch (cmd->mode)
        {
        case DS_SCOPE_ALL: match = 1; break;
        case DS_SCOPE_SET: match = IsEqualGUID(&p->m_SnapshotSetId, &id); break;
        case DS_SCOPE_ID: match = IsEqualGUID(&p->m_SnapshotId, &id); break;
        case DS_SCOPE_EXPOSED: match = prop_exposed_as(p, cmd->arg[0]); break;
        case DS_SCOPE_VOLUME: match = prop_volume_is(s, p, volume, guid_name); break;
        case DS_SCOPE_OLDEST:
            if (prop_volume_is(s, p, volume, guid_name)
                && (oldest == (size_t)-1 || p->m_tsCreationTimestamp < props[oldest].m_tsCreationTimestamp))
                oldest = i;
            break;
        }
        if (!match) continue;
        matched++;
        status = delete_one(s, bc, p, &deleted);
    }
    if (status == DS_OK && oldest != (size_t)-1)
    {
        matched++;
        status = delete_one(s, bc, &props[oldest], &deleted);
    }
    if (status == DS_OK && !matched && cmd->mode != DS_SCOPE_ALL && cmd->mode != DS_SCOPE_VOLUME)
        status = ds_vss_failed(s, VSS_E_OBJECT_NOT_FOUND, "DELETE SHADOWS");
    else if (status == DS_OK)
        ds_print_deleted_count(s->out, deleted);

done:
    free(volume);
    free(guid_name);
    ds_free_snapshots(s, props, count);
    ds_release(&bc);
    return status;
}

/* --- EXPOSE / UNEXPOSE --------------------------------------------------------------------------- */

/* A share name is a bare word: no drive, no path (sample 07 "MyShadowCopy"). */
static int is_share_name(const char *target)
{
    return !strchr(target, ':') && !strchr(target, '\\') && !strchr(target, '/');
}

enum ds_status ds_cmd_expose(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponents *bc = NULL;
    WCHAR *target = NULL, *exposed = NULL;
    enum ds_status status;
    char *shown = NULL;
    LONG attributes;
    HRESULT hr;
    GUID id;

    if ((status = ds_resolve_id(s, cmd->arg[0], &id))) return status;
    if ((status = open_all(s, &bc))) return status;
    attributes = is_share_name(cmd->arg[1]) ? VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY : VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY;
    if (!(target = ds_wcs(cmd->arg[1])))
    {
        status = ds_vss_failed(s, E_OUTOFMEMORY, "EXPOSE");
        goto done;
    }
    hr = IVssBackupComponents_ExposeSnapshot(bc, id, NULL, attributes, target, &exposed);
    if (FAILED(hr))
    {
        status = ds_vss_failed(s, hr, "ExposeSnapshot");
        goto done;
    }
    /* "exposed as z:\." for "z:" as the script wrote it (output/01-04) */
    if (ds_is_drive_letter(cmd->arg[1]))
    {
        if ((shown = malloc(4))) { shown[0] = cmd->arg[1][0]; strcpy(shown + 1, ":\\"); }
    }
    else shown = exposed ? ds_utf8(exposed) : strdup(cmd->arg[1]);
    ds_print_exposed(s->out, shown ? shown : cmd->arg[1]);

done:
    free(shown);
    free(target);
    if (exposed) s->api->co_task_mem_free(exposed);
    ds_release(&bc);
    return status;
}

enum ds_status ds_cmd_unexpose(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponents *bc = NULL;
    IVssBackupComponentsEx2 *ex2 = NULL;
    VSS_SNAPSHOT_PROP *props = NULL;
    size_t count = 0, i;
    enum ds_status status;
    const char *value;
    char *exposed = NULL;
    int found = 0, by_id;
    HRESULT hr;
    GUID id;

    if ((status = open_all(s, &bc)) || (status = ds_query_snapshots(s, bc, &props, &count))) goto done;
    /* a shadow id, its alias, or where it is exposed */
    by_id = !ds_parse_guid(cmd->arg[0], &id)
            || ((value = ds_lookup_environ(NULL, cmd->arg[0])) && !ds_parse_guid(value, &id));
    for (i = 0; i < count && !found; i++)
    {
        if (by_id ? !IsEqualGUID(&props[i].m_SnapshotId, &id) : !prop_exposed_as(&props[i], cmd->arg[0])) continue;
        id = props[i].m_SnapshotId;
        if (props[i].m_pwszExposedName) exposed = ds_utf8(props[i].m_pwszExposedName);
        found = 1;
    }
    if (!found && !by_id)
    {
        status = ds_vss_failed(s, VSS_E_OBJECT_NOT_FOUND, "UNEXPOSE");
        goto done;
    }
    if ((status = with_ex2(s, bc, &ex2))) goto done;
    hr = IVssBackupComponentsEx2_UnexposeSnapshot(ex2, id);
    IVssBackupComponentsEx2_Release(ex2);
    if (FAILED(hr))
    {
        status = ds_vss_failed(s, hr, "UnexposeSnapshot");
        goto done;
    }
    ds_print_unexposed(s->out, exposed ? exposed : cmd->arg[0]);

done:
    free(exposed);
    ds_free_snapshots(s, props, count);
    ds_release(&bc);
    return status;
}

/* --- REVERT, BREAK, MASK ---------------------------------------------------------------------------- */

enum ds_status ds_cmd_revert(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponents *bc = NULL;
    enum ds_status status;
    HRESULT hr;
    GUID id;

    if ((status = ds_resolve_id(s, cmd->arg[0], &id))) return status;
    if ((status = open_all(s, &bc))) return status;
    /* no forced dismount: a volume in use gives VSS_E_VOLUME_IN_USE (rule R29) */
    hr = IVssBackupComponents_RevertToSnapshot(bc, id, FALSE);
    ds_release(&bc);
    if (FAILED(hr)) return ds_vss_failed(s, hr, "RevertToSnapshot");
    ds_print_message(s->out, "The volume was successfully reverted to the shadow copy.");  /* [U] */
    return DS_OK;
}

enum ds_status ds_cmd_break(struct ds_session *s, const struct ds_command *cmd, int mask)
{
    IVssBackupComponents *bc = NULL;
    IVssBackupComponentsEx2 *ex2 = NULL;
    IVssAsync *async = NULL;
    enum ds_status status;
    DWORD flags;
    HRESULT hr;
    GUID id;

    if ((status = ds_resolve_id(s, cmd->arg[0], &id))) return status;
    if ((status = open_all(s, &bc))) return status;
    if ((status = with_ex2(s, bc, &ex2)))
    {
        ds_release(&bc);
        return status;
    }
    /* MASK hides the imported LUNs; BREAK makes them plain volumes, read-only unless WRITABLE */
    flags = mask ? VSS_BREAKEX_FLAG_MASK_LUNS : cmd->on ? VSS_BREAKEX_FLAG_MAKE_READ_WRITE : 0;
    hr = IVssBackupComponentsEx2_BreakSnapshotSetEx(ex2, id, flags, &async);
    if (SUCCEEDED(hr)) hr = ds_wait(async);
    IVssBackupComponentsEx2_Release(ex2);
    ds_release(&bc);
    if (FAILED(hr)) return ds_vss_failed(s, hr, mask ? "MASK" : "BREAK");
    /* [U] */
    ds_print_message(s->out, mask ? "The shadow copy set was successfully masked."
                                  : "The shadow copy set was successfully broken.");
    return DS_OK;
}
