/*
 * requester.c: what every diskshadow command needs from VSS: a requester
 * object set up the way the command needs it, asynchronous operations waited
 * for, failures printed in Windows' block, snapshot properties listed, and
 * strings converted between the UTF-8 of the script and the WCHARs of the API.
 *
 * Only public API calls here (through struct ds_vss_api for the exported
 * functions); the commands themselves are in cmd_*.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "umbra/debug.h"
#include "session.h"

/* Enumerations of more than this many snapshots are cut: a broken enumerator
 * must not keep diskshadow looping. */
#define MAX_SNAPSHOTS 65536

WCHAR *ds_wcs(const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len = strlen(utf8), i = 0, n = 0;
    WCHAR *out = malloc((len + 1) * sizeof(WCHAR));

    if (!out) return NULL;
    while (i < len)
    {
        uint32_t cp = s[i];
        size_t extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0, k;

        if (cp >= 0x80 && cp < 0xc0) { out[n++] = 0xfffd; i++; continue; }
        if (extra) cp &= 0x3f >> extra;
        for (k = 1; k <= extra; k++)
        {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80) break;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (k <= extra) { out[n++] = 0xfffd; i++; continue; }
        out[n++] = (WCHAR)cp;
        i += extra + 1;
    }
    out[n] = 0;
    return out;
}

char *ds_utf8(const WCHAR *wide)
{
    size_t len = 0, n = 0, i;
    char *out;

    if (!wide) return strdup("");
    while (wide[len]) len++;
    if (!(out = malloc(len * 4 + 1))) return NULL;
    for (i = 0; i < len; i++)
    {
        uint32_t cp = (uint32_t)wide[i];
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
        if (cp < 0x80) out[n++] = (char)cp;
        else if (cp < 0x800) { out[n++] = (char)(0xc0 | cp >> 6); out[n++] = (char)(0x80 | (cp & 0x3f)); }
        else if (cp < 0x10000)
        {
            out[n++] = (char)(0xe0 | cp >> 12); out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (cp & 0x3f));
        }
        else
        {
            out[n++] = (char)(0xf0 | cp >> 18); out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f)); out[n++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[n] = 0;
    return out;
}

enum ds_status ds_vss_failed(struct ds_session *s, HRESULT hr, const char *what)
{
    WARN("%s failed: %#x\n", what, (unsigned int)hr);
    ds_print_failure(s->out, hr);
    return DS_FAIL_VSS;
}

enum ds_status ds_requester_open(struct ds_session *s, LONG context, int for_restore, const char *xml,
                                 IVssBackupComponents **out)
{
    IVssBackupComponents *bc = NULL;
    BSTR bstr = NULL;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = s->api->create_backup_components(&bc)) || !bc)
        return ds_vss_failed(s, FAILED(hr) ? hr : E_POINTER, "CreateVssBackupComponents");
    if (xml)
    {
        WCHAR *w = ds_wcs(xml);
        bstr = w ? s->api->sys_alloc_string(w) : NULL;
        free(w);
        if (!bstr)
        {
            IVssBackupComponents_Release(bc);
            return ds_vss_failed(s, E_OUTOFMEMORY, "SysAllocString");
        }
    }
    hr = for_restore ? IVssBackupComponents_InitializeForRestore(bc, bstr)
                     : IVssBackupComponents_InitializeForBackup(bc, bstr);
    if (bstr) s->api->sys_free_string(bstr);
    if (FAILED(hr))
    {
        IVssBackupComponents_Release(bc);
        return ds_vss_failed(s, hr, for_restore ? "InitializeForRestore" : "InitializeForBackup");
    }
    if (!for_restore && context != DS_KEEP_CONTEXT && FAILED(hr = IVssBackupComponents_SetContext(bc, context)))
    {
        IVssBackupComponents_Release(bc);
        return ds_vss_failed(s, hr, "SetContext");
    }
    *out = bc;
    return DS_OK;
}

HRESULT ds_wait(IVssAsync *async)
{
    HRESULT hr, result = E_UNEXPECTED;

    if (!async) return E_POINTER;
    hr = IVssAsync_Wait(async, INFINITE);
    if (SUCCEEDED(hr)) hr = IVssAsync_QueryStatus(async, &result, NULL);
    IVssAsync_Release(async);
    if (FAILED(hr)) return hr;
    if (result == VSS_S_ASYNC_CANCELLED) return E_ABORT;
    return FAILED(result) ? result : S_OK;
}

void ds_release(IVssBackupComponents **bc)
{
    if (!*bc) return;
    IVssBackupComponents_Release(*bc);
    *bc = NULL;
}

/* --- volume names ------------------------------------------------------------------ */

char *ds_volume_guid_name(struct ds_session *s, const char *volume)
{
    WCHAR buf[MAX_PATH], *w;
    char *mount, *ret = NULL;
    size_t len;

    if (!strncasecmp(volume, "\\\\?\\Volume{", 11)) return strdup(volume);
    if (!s->api->volume_name_for_mount_point) return NULL;
    /* the mount point must end in a backslash, as on Windows */
    len = strlen(volume);
    if (!(mount = malloc(len + 2))) return NULL;
    memcpy(mount, volume, len + 1);
    if (len && volume[len - 1] != '\\' && volume[len - 1] != '/') strcat(mount, "\\");
    if ((w = ds_wcs(mount)) && s->api->volume_name_for_mount_point(w, buf, MAX_PATH)) ret = ds_utf8(buf);
    free(w);
    free(mount);
    return ret;
}

void ds_remember_volume(struct ds_session *s, const char *guid_name, const char *display)
{
    char **g, **d;
    size_t i;

    if (!guid_name || !display) return;
    for (i = 0; i < s->nknown; i++) if (!strcasecmp(s->known_guid_names[i], guid_name)) return;
    if (!(g = realloc(s->known_guid_names, (s->nknown + 1) * sizeof(*g)))) return;
    s->known_guid_names = g;
    if (!(d = realloc(s->known_displays, (s->nknown + 1) * sizeof(*d)))) return;
    s->known_displays = d;
    g[s->nknown] = strdup(guid_name);
    d[s->nknown] = strdup(display);
    if (!g[s->nknown] || !d[s->nknown])
    {
        free(g[s->nknown]);
        free(d[s->nknown]);
        return;
    }
    s->nknown++;
}

char *ds_volume_display(struct ds_session *s, const char *guid_name)
{
    WCHAR names[1024], *w;
    DWORD needed = 0;
    char *ret = NULL;
    size_t i;

    if (!guid_name) return NULL;
    for (i = 0; i < s->nknown; i++)
        if (!strcasecmp(s->known_guid_names[i], guid_name)) return strdup(s->known_displays[i]);
    if (!s->api->volume_path_names || !(w = ds_wcs(guid_name))) return NULL;
    if (s->api->volume_path_names(w, names, 1024, &needed) && names[0])
    {
        names[1023] = 0;
        ret = ds_utf8(names);   /* the first of the list */
        if (ret && ds_is_drive_letter(ret)) ret[0] = (char)(ret[0] & ~0x20);
    }
    free(w);
    return ret;
}

/* --- snapshots ------------------------------------------------------------------------ */

void ds_print_snapshot(struct ds_session *s, const VSS_SNAPSHOT_PROP *p)
{
    char id[DS_GUID_CHARS], set[DS_GUID_CHARS];
    char *orig = ds_utf8(p->m_pwszOriginalVolumeName), *dev = ds_utf8(p->m_pwszSnapshotDeviceObject);
    char *om = ds_utf8(p->m_pwszOriginatingMachine), *sm = ds_utf8(p->m_pwszServiceMachine);
    char *en = p->m_pwszExposedName ? ds_utf8(p->m_pwszExposedName) : NULL;
    char *ep = p->m_pwszExposedPath ? ds_utf8(p->m_pwszExposedPath) : NULL;
    char *display = orig ? ds_volume_display(s, orig) : NULL;
    struct ds_shadow_view v;

    memset(&v, 0, sizeof(v));
    v.id = p->m_SnapshotId;
    v.set_id = p->m_SnapshotSetId;
    v.count = p->m_lSnapshotsCount;
    v.original_volume = orig;
    v.volume_display = display;
    v.creation = p->m_tsCreationTimestamp;
    v.device = dev;
    v.originating_machine = om;
    v.service_machine = sm;
    v.exposed_name = en;
    v.exposed_path = ep;
    v.provider = p->m_ProviderId;
    v.attributes = p->m_lSnapshotAttributes;
    v.alias = ds_alias_for_value(s, ds_format_guid(id, &p->m_SnapshotId));
    v.set_alias = ds_alias_for_value(s, ds_format_guid(set, &p->m_SnapshotSetId));
    ds_print_shadow(s->out, &v);
    free(orig);
    free(dev);
    free(om);
    free(sm);
    free(en);
    free(ep);
    free(display);
}

enum ds_status ds_query_snapshots(struct ds_session *s, IVssBackupComponents *bc, VSS_SNAPSHOT_PROP **props,
                                  size_t *count)
{
    static const GUID null_id;
    IVssEnumObject *e = NULL;
    VSS_SNAPSHOT_PROP *list = NULL;
    size_t n = 0, cap = 0;
    HRESULT hr;

    *props = NULL;
    *count = 0;
    hr = IVssBackupComponents_Query(bc, null_id, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e);
    if (hr == VSS_E_OBJECT_NOT_FOUND || (hr == S_FALSE && !e)) return DS_OK;
    if (FAILED(hr)) return ds_vss_failed(s, hr, "Query");
    if (!e) return DS_OK;
    for (;;)
    {
        VSS_OBJECT_PROP prop;
        ULONG fetched = 0;

        memset(&prop, 0, sizeof(prop));
        hr = IVssEnumObject_Next(e, 1, &prop, &fetched);
        if (FAILED(hr))
        {
            IVssEnumObject_Release(e);
            ds_free_snapshots(s, list, n);
            return ds_vss_failed(s, hr, "IVssEnumObject::Next");
        }
        if (!fetched) break;
        if (prop.Type != VSS_OBJECT_SNAPSHOT) continue;
        if (n == cap)
        {
            VSS_SNAPSHOT_PROP *bigger;
            cap = cap ? cap * 2 : 16;
            if (n >= MAX_SNAPSHOTS || !(bigger = realloc(list, cap * sizeof(*list))))
            {
                s->api->free_snapshot_properties(&prop.Obj.Snap);
                break;
            }
            list = bigger;
        }
        list[n++] = prop.Obj.Snap;
    }
    IVssEnumObject_Release(e);
    *props = list;
    *count = n;
    return DS_OK;
}

void ds_free_snapshots(struct ds_session *s, VSS_SNAPSHOT_PROP *props, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) s->api->free_snapshot_properties(&props[i]);
    free(props);
}
