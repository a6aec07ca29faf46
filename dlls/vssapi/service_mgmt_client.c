/*
 * service_mgmt_client.c: snapshot management in service mode
 * (service_client.h): proxies of VssSnapshotMgmt (IVssSnapshotMgmt,
 * IVssSnapshotMgmt2) and of a provider's IVssDifferentialSoftwareSnapshotMgmt3
 * whose methods run in a management session of vsssvc (service_proto.h), so
 * that members of the backup group see root's volumes, catalogue and shadow
 * storage.
 *
 * A VssSnapshotMgmt proxy opens one connection; the shadow-storage proxies
 * it hands out share it (each holds a reference).  Enumerations come back as
 * the local enumerators embedded mode makes.
 *
 * Not for: deciding anything -- every rule is checked once, by mgmt.c's
 * objects inside the service; the methods Microsoft documents as not
 * supported and the constant GetMinDiffAreaSize are answered by those same
 * objects here, in-process.
 */
#define COBJMACROS
#define CONST_VTABLE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsmgmt.h>
#include "umbra/debug.h"
#include "enum.h"
#include "service_client.h"
#include "service_proto.h"
#include "wire.h"

/* --- one call ----------------------------------------------------------------------------- */

struct mcall
{
    struct svc_conn *conn;
    struct wire_builder b;
    uint32_t null_outs;
    void *body;
    struct wire_msg reply;
    HRESULT hr;
};

static void mcall_begin(struct mcall *c, struct svc_conn *conn, unsigned int method, const GUID *provider)
{
    memset(c, 0, sizeof(*c));
    c->conn = conn;
    wire_builder_init(&c->b, WIRE_SVC_CALL, svc_conn_next_id(conn), 0);
    wire_put_u32(&c->b, ST_METHOD, method);
    if (provider) wire_put_guid(&c->b, ST_PROVIDER, provider);
}

static void mcall_out(struct mcall *c, unsigned int pos, const void *out)
{
    if (!out) c->null_outs |= 1u << pos;
}

static HRESULT mcall_run(struct mcall *c)
{
    if (c->b.error == -EILSEQ)
    {
        WARN("a string argument is not Unicode\n");
        return c->hr = E_INVALIDARG;
    }
    wire_put_u32(&c->b, ST_NULL_OUTS, c->null_outs);
    return c->hr = svc_conn_request(c->conn, &c->b, &c->body, &c->reply);
}

static HRESULT mcall_end(struct mcall *c)
{
    svc_reply_free(c->body, &c->reply);
    wire_builder_free(&c->b);
    return c->hr;
}

/* An enumeration result: the local enumerator of its records, or NULL. */
static void mcall_enum_mgmt(struct mcall *c, unsigned int pos, IVssEnumMgmtObject **out)
{
    unsigned int n = wire_count(&c->reply, ST_RECORD);
    VSS_MGMT_OBJECT_PROP *items = NULL;
    ULONG count = 0;
    HRESULT hr = S_OK;
    int kind;

    if (!c->body || !out || (kind = svc_result_kind(&c->reply, ST_OUT + pos, WIRE_KIND_U32)) < 0) return;
    *out = NULL;
    if (kind) return;
    if (n && !(items = calloc(n, sizeof(*items)))) hr = E_OUTOFMEMORY;
    for (unsigned int i = 0; SUCCEEDED(hr) && i < c->reply.count; i++)
    {
        const struct wire_field *f = &c->reply.fields[i];

        if (f->tag != ST_RECORD || f->kind != WIRE_KIND_BYTES) continue;
        if (SUCCEEDED(hr = svc_get_mgmt_record(f->data, f->len, &items[count]))) count++;
    }
    if (FAILED(hr))
    {
        while (count) mgmt_prop_clear(&items[--count]);
        free(items);
        c->hr = hr;
    }
    else if (FAILED(hr = enum_mgmt_create(items, count, out))) c->hr = hr;
}

static void mcall_enum_object(struct mcall *c, unsigned int pos, IVssEnumObject **out)
{
    unsigned int n = wire_count(&c->reply, ST_RECORD);
    VSS_OBJECT_PROP *items = NULL;
    ULONG count = 0;
    HRESULT hr = S_OK;
    int kind;

    if (!c->body || !out || (kind = svc_result_kind(&c->reply, ST_OUT + pos, WIRE_KIND_U32)) < 0) return;
    *out = NULL;
    if (kind) return;
    if (n && !(items = calloc(n, sizeof(*items)))) hr = E_OUTOFMEMORY;
    for (unsigned int i = 0; SUCCEEDED(hr) && i < c->reply.count; i++)
    {
        const struct wire_field *f = &c->reply.fields[i];

        if (f->tag != ST_RECORD || f->kind != WIRE_KIND_BYTES) continue;
        if (SUCCEEDED(hr = svc_get_record(f->data, f->len, &items[count]))) count++;
    }
    if (FAILED(hr))
    {
        while (count) object_prop_clear(&items[--count]);
        free(items);
        c->hr = hr;
    }
    else if (FAILED(hr = enum_object_create(items, count, out))) c->hr = hr;
}

/* --- IVssDifferentialSoftwareSnapshotMgmt3 proxy ------------------------------------------- */

struct diff_proxy
{
    IVssDifferentialSoftwareSnapshotMgmt3 IVssDifferentialSoftwareSnapshotMgmt3_iface;
    LONG refcount;
    struct svc_conn *conn;
    GUID provider_id;
    IVssDifferentialSoftwareSnapshotMgmt3 *local;   /* for what needs no service */
};

#define DIFF_THIS IVssDifferentialSoftwareSnapshotMgmt3 *iface

static struct diff_proxy *impl_from_diff(DIFF_THIS)
{
    return CONTAINING_RECORD(iface, struct diff_proxy, IVssDifferentialSoftwareSnapshotMgmt3_iface);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QueryInterface(DIFF_THIS, REFIID riid, void **out)
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

static ULONG STDMETHODCALLTYPE diff_proxy_AddRef(DIFF_THIS)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    ULONG refcount = __atomic_add_fetch(&proxy->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE diff_proxy_Release(DIFF_THIS)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    ULONG refcount = __atomic_sub_fetch(&proxy->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        IVssDifferentialSoftwareSnapshotMgmt3_Release(proxy->local);
        svc_conn_release(proxy->conn);
        free(proxy);
    }
    return refcount;
}

/* (volume, diff volume, size[, volatile]): the shadow-storage setters. */
static HRESULT diff_call_area(DIFF_THIS, unsigned int method, const WCHAR *volume, const WCHAR *diff_volume,
                              LONGLONG max_space, int is_volatile)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    struct mcall c;

    mcall_begin(&c, proxy->conn, method, &proxy->provider_id);
    svc_put_wstr(&c.b, ST_ARG + 0, volume);
    svc_put_wstr(&c.b, ST_ARG + 1, diff_volume);
    wire_put_u64(&c.b, ST_ARG + 2, (uint64_t)max_space);
    if (is_volatile >= 0) wire_put_u32(&c.b, ST_ARG + 3, is_volatile);
    mcall_run(&c);
    return mcall_end(&c);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_AddDiffArea(DIFF_THIS, VSS_PWSZ volume, VSS_PWSZ diff_volume,
                                                        LONGLONG max_space)
{
    TRACE("%p, %s, %s, %lld\n", iface, debugstr_w(volume), debugstr_w(diff_volume), (long long)max_space);
    return diff_call_area(iface, SVC_AddDiffArea, volume, diff_volume, max_space, -1);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_ChangeDiffAreaMaximumSize(DIFF_THIS, VSS_PWSZ volume,
                                                                      VSS_PWSZ diff_volume, LONGLONG max_space)
{
    TRACE("%p, %s, %s, %lld\n", iface, debugstr_w(volume), debugstr_w(diff_volume), (long long)max_space);
    return diff_call_area(iface, SVC_ChangeDiffAreaMaximumSize, volume, diff_volume, max_space, -1);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_ChangeDiffAreaMaximumSizeEx(DIFF_THIS, VSS_PWSZ volume,
                                                                        VSS_PWSZ diff_volume, LONGLONG max_space,
                                                                        BOOL is_volatile)
{
    TRACE("%p, %s, %s, %lld, %d\n", iface, debugstr_w(volume), debugstr_w(diff_volume), (long long)max_space,
          is_volatile);
    return diff_call_area(iface, SVC_ChangeDiffAreaMaximumSizeEx, volume, diff_volume, max_space, !!is_volatile);
}

/* (volume string, enumeration out) */
static HRESULT diff_call_query(DIFF_THIS, unsigned int method, const WCHAR *volume, IVssEnumMgmtObject **out)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    struct mcall c;

    mcall_begin(&c, proxy->conn, method, &proxy->provider_id);
    svc_put_wstr(&c.b, ST_ARG + 0, volume);
    mcall_out(&c, 1, out);
    mcall_run(&c);
    mcall_enum_mgmt(&c, 1, out);
    return mcall_end(&c);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QueryVolumesSupportedForDiffAreas(DIFF_THIS, VSS_PWSZ volume,
                                                                              IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), out);
    return diff_call_query(iface, SVC_QueryVolumesSupportedForDiffAreas, volume, out);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QueryDiffAreasForVolume(DIFF_THIS, VSS_PWSZ volume,
                                                                    IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), out);
    return diff_call_query(iface, SVC_QueryDiffAreasForVolume, volume, out);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QueryDiffAreasOnVolume(DIFF_THIS, VSS_PWSZ volume,
                                                                   IVssEnumMgmtObject **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), out);
    return diff_call_query(iface, SVC_QueryDiffAreasOnVolume, volume, out);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QueryDiffAreasForSnapshot(DIFF_THIS, VSS_ID id, IVssEnumMgmtObject **out)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    struct mcall c;

    TRACE("%p, %s, %p\n", iface, debugstr_guid(&id), out);
    mcall_begin(&c, proxy->conn, SVC_QueryDiffAreasForSnapshot, &proxy->provider_id);
    wire_put_guid(&c.b, ST_ARG + 0, &id);
    mcall_out(&c, 1, out);
    mcall_run(&c);
    mcall_enum_mgmt(&c, 1, out);
    return mcall_end(&c);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_MigrateDiffAreas(DIFF_THIS, VSS_PWSZ volume, VSS_PWSZ diff_volume,
                                                              VSS_PWSZ new_diff_volume)
{
    return IVssDifferentialSoftwareSnapshotMgmt3_MigrateDiffAreas(impl_from_diff(iface)->local, volume,
                                                                  diff_volume, new_diff_volume);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QueryMigrationStatus(DIFF_THIS, VSS_PWSZ volume, VSS_PWSZ diff_volume,
                                                                  IVssAsync **async)
{
    return IVssDifferentialSoftwareSnapshotMgmt3_QueryMigrationStatus(impl_from_diff(iface)->local, volume,
                                                                      diff_volume, async);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_SetSnapshotPriority(DIFF_THIS, VSS_ID id, BYTE priority)
{
    return IVssDifferentialSoftwareSnapshotMgmt3_SetSnapshotPriority(impl_from_diff(iface)->local, id, priority);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_SetVolumeProtectLevel(DIFF_THIS, VSS_PWSZ volume,
                                                                   VSS_PROTECTION_LEVEL level)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    struct mcall c;

    TRACE("%p, %s, %d\n", iface, debugstr_w(volume), level);
    mcall_begin(&c, proxy->conn, SVC_SetVolumeProtectLevel, &proxy->provider_id);
    svc_put_wstr(&c.b, ST_ARG + 0, volume);
    wire_put_u32(&c.b, ST_ARG + 1, (uint32_t)level);
    mcall_run(&c);
    return mcall_end(&c);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_GetVolumeProtectLevel(DIFF_THIS, VSS_PWSZ volume,
                                                                   VSS_VOLUME_PROTECTION_INFO *info)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    const unsigned char *data;
    size_t len;
    struct mcall c;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), info);
    mcall_begin(&c, proxy->conn, SVC_GetVolumeProtectLevel, &proxy->provider_id);
    svc_put_wstr(&c.b, ST_ARG + 0, volume);
    mcall_out(&c, 1, info);
    mcall_run(&c);
    if (c.body && info && !wire_get_bytes(&c.reply, ST_OUT + 1, (const void **)&data, &len) && len == 24)
    {
        uint32_t v[6];

        for (unsigned int i = 0; i < 6; i++)
            v[i] = data[4 * i] | data[4 * i + 1] << 8 | data[4 * i + 2] << 16 | (uint32_t)data[4 * i + 3] << 24;
        info->m_protectionLevel = v[0];
        info->m_volumeIsOfflineForProtection = v[1];
        info->m_protectionFault = v[2];
        info->m_failureStatus = (LONG)v[3];
        info->m_volumeHasUnusedDiffArea = v[4];
        info->m_reserved = v[5];
    }
    return mcall_end(&c);
}

/* (volume string): no results */
static HRESULT diff_call_volume(DIFF_THIS, unsigned int method, const WCHAR *volume)
{
    struct diff_proxy *proxy = impl_from_diff(iface);
    struct mcall c;

    mcall_begin(&c, proxy->conn, method, &proxy->provider_id);
    svc_put_wstr(&c.b, ST_ARG + 0, volume);
    mcall_run(&c);
    return mcall_end(&c);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_ClearVolumeProtectFault(DIFF_THIS, VSS_PWSZ volume)
{
    TRACE("%p, %s\n", iface, debugstr_w(volume));
    return diff_call_volume(iface, SVC_ClearVolumeProtectFault, volume);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_DeleteUnusedDiffAreas(DIFF_THIS, VSS_PWSZ diff_volume)
{
    TRACE("%p, %s\n", iface, debugstr_w(diff_volume));
    return diff_call_volume(iface, SVC_DeleteUnusedDiffAreas, diff_volume);
}

static HRESULT STDMETHODCALLTYPE diff_proxy_QuerySnapshotDeltaBitmap(DIFF_THIS, VSS_ID older, VSS_ID younger,
                                                                      ULONG *block_size, ULONG *length,
                                                                      BYTE **bitmap)
{
    return IVssDifferentialSoftwareSnapshotMgmt3_QuerySnapshotDeltaBitmap(impl_from_diff(iface)->local, older,
                                                                          younger, block_size, length, bitmap);
}

static const IVssDifferentialSoftwareSnapshotMgmt3Vtbl diff_proxy_vtbl =
{
    diff_proxy_QueryInterface,
    diff_proxy_AddRef,
    diff_proxy_Release,
    /* IVssDifferentialSoftwareSnapshotMgmt */
    diff_proxy_AddDiffArea,
    diff_proxy_ChangeDiffAreaMaximumSize,
    diff_proxy_QueryVolumesSupportedForDiffAreas,
    diff_proxy_QueryDiffAreasForVolume,
    diff_proxy_QueryDiffAreasOnVolume,
    diff_proxy_QueryDiffAreasForSnapshot,
    /* IVssDifferentialSoftwareSnapshotMgmt2 */
    diff_proxy_ChangeDiffAreaMaximumSizeEx,
    diff_proxy_MigrateDiffAreas,
    diff_proxy_QueryMigrationStatus,
    diff_proxy_SetSnapshotPriority,
    /* IVssDifferentialSoftwareSnapshotMgmt3 */
    diff_proxy_SetVolumeProtectLevel,
    diff_proxy_GetVolumeProtectLevel,
    diff_proxy_ClearVolumeProtectFault,
    diff_proxy_DeleteUnusedDiffAreas,
    diff_proxy_QuerySnapshotDeltaBitmap,
};

/* The provider's interface iid on conn: the service checks provider and iid
 * exactly as in-process, then the proxy is made here. */
static HRESULT diff_proxy_create(struct svc_conn *conn, const GUID *provider_id, REFIID iid, IUnknown **out)
{
    struct diff_proxy *proxy;
    struct mcall c;
    HRESULT hr;

    *out = NULL;
    mcall_begin(&c, conn, SVC_GetProviderMgmtInterface, NULL);
    wire_put_guid(&c.b, ST_ARG + 0, provider_id);
    wire_put_guid(&c.b, ST_ARG + 1, iid);
    mcall_run(&c);
    if (FAILED(hr = mcall_end(&c))) return hr;
    if (!(proxy = calloc(1, sizeof(*proxy)))) return E_OUTOFMEMORY;
    if (FAILED(hr = diff_mgmt_create_embedded(provider_id, &IID_IVssDifferentialSoftwareSnapshotMgmt3,
                                              (IUnknown **)&proxy->local)))
    {
        free(proxy);
        return hr;
    }
    proxy->IVssDifferentialSoftwareSnapshotMgmt3_iface.lpVtbl = &diff_proxy_vtbl;
    proxy->refcount = 1;
    proxy->conn = conn;
    proxy->provider_id = *provider_id;
    svc_conn_addref(conn);
    *out = (IUnknown *)&proxy->IVssDifferentialSoftwareSnapshotMgmt3_iface;
    return S_OK;
}

HRESULT service_diff_mgmt_create(const GUID *provider_id, REFIID iid, IUnknown **out)
{
    struct svc_conn *conn;
    HRESULT hr;

    if ((hr = service_connect(SVC_SESSION_MGMT, &conn)) != S_OK) return hr;
    hr = diff_proxy_create(conn, provider_id, iid, out);
    svc_conn_release(conn);
    return hr;
}

/* --- VssSnapshotMgmt proxy ----------------------------------------------------------------- */

struct mgmt_proxy
{
    IVssSnapshotMgmt IVssSnapshotMgmt_iface;
    IVssSnapshotMgmt2 IVssSnapshotMgmt2_iface;
    LONG refcount;
    struct svc_conn *conn;
    IVssSnapshotMgmt2 *local;           /* GetMinDiffAreaSize */
};

static struct mgmt_proxy *impl_from_IVssSnapshotMgmt(IVssSnapshotMgmt *iface)
{
    return CONTAINING_RECORD(iface, struct mgmt_proxy, IVssSnapshotMgmt_iface);
}

static struct mgmt_proxy *impl_from_IVssSnapshotMgmt2(IVssSnapshotMgmt2 *iface)
{
    return CONTAINING_RECORD(iface, struct mgmt_proxy, IVssSnapshotMgmt2_iface);
}

static HRESULT STDMETHODCALLTYPE mgmt_proxy_QueryInterface(IVssSnapshotMgmt *iface, REFIID riid, void **out)
{
    struct mgmt_proxy *proxy = impl_from_IVssSnapshotMgmt(iface);

    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssSnapshotMgmt))
        *out = &proxy->IVssSnapshotMgmt_iface;
    else if (IsEqualGUID(riid, &IID_IVssSnapshotMgmt2))
        *out = &proxy->IVssSnapshotMgmt2_iface;
    else
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    IUnknown_AddRef((IUnknown *)*out);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE mgmt_proxy_AddRef(IVssSnapshotMgmt *iface)
{
    struct mgmt_proxy *proxy = impl_from_IVssSnapshotMgmt(iface);
    ULONG refcount = __atomic_add_fetch(&proxy->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE mgmt_proxy_Release(IVssSnapshotMgmt *iface)
{
    struct mgmt_proxy *proxy = impl_from_IVssSnapshotMgmt(iface);
    ULONG refcount = __atomic_sub_fetch(&proxy->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        IVssSnapshotMgmt2_Release(proxy->local);
        svc_conn_release(proxy->conn);
        free(proxy);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE mgmt_proxy_GetProviderMgmtInterface(IVssSnapshotMgmt *iface, VSS_ID provider_id,
                                                                     REFIID iid, IUnknown **out)
{
    TRACE("%p, %s, %s, %p\n", iface, debugstr_guid(&provider_id), debugstr_guid(iid), out);
    if (!iid || !out) return E_INVALIDARG;
    return diff_proxy_create(impl_from_IVssSnapshotMgmt(iface)->conn, &provider_id, iid, out);
}

static HRESULT STDMETHODCALLTYPE mgmt_proxy_QueryVolumesSupportedForSnapshots(IVssSnapshotMgmt *iface,
                                                                              VSS_ID provider_id, LONG context,
                                                                              IVssEnumMgmtObject **out)
{
    struct mcall c;

    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&provider_id), (unsigned int)context, out);
    mcall_begin(&c, impl_from_IVssSnapshotMgmt(iface)->conn, SVC_QueryVolumesSupportedForSnapshots, NULL);
    wire_put_guid(&c.b, ST_ARG + 0, &provider_id);
    wire_put_u32(&c.b, ST_ARG + 1, (uint32_t)context);
    mcall_out(&c, 2, out);
    mcall_run(&c);
    mcall_enum_mgmt(&c, 2, out);
    return mcall_end(&c);
}

static HRESULT STDMETHODCALLTYPE mgmt_proxy_QuerySnapshotsByVolume(IVssSnapshotMgmt *iface, VSS_PWSZ volume,
                                                                   VSS_ID provider_id, IVssEnumObject **out)
{
    struct mcall c;

    TRACE("%p, %s, %s, %p\n", iface, debugstr_w(volume), debugstr_guid(&provider_id), out);
    mcall_begin(&c, impl_from_IVssSnapshotMgmt(iface)->conn, SVC_QuerySnapshotsByVolume, NULL);
    svc_put_wstr(&c.b, ST_ARG + 0, volume);
    wire_put_guid(&c.b, ST_ARG + 1, &provider_id);
    mcall_out(&c, 2, out);
    mcall_run(&c);
    mcall_enum_object(&c, 2, out);
    return mcall_end(&c);
}

static const IVssSnapshotMgmtVtbl mgmt_proxy_vtbl =
{
    mgmt_proxy_QueryInterface,
    mgmt_proxy_AddRef,
    mgmt_proxy_Release,
    mgmt_proxy_GetProviderMgmtInterface,
    mgmt_proxy_QueryVolumesSupportedForSnapshots,
    mgmt_proxy_QuerySnapshotsByVolume,
};

static HRESULT STDMETHODCALLTYPE mgmt_proxy2_QueryInterface(IVssSnapshotMgmt2 *iface, REFIID riid, void **out)
{
    return mgmt_proxy_QueryInterface(&impl_from_IVssSnapshotMgmt2(iface)->IVssSnapshotMgmt_iface, riid, out);
}

static ULONG STDMETHODCALLTYPE mgmt_proxy2_AddRef(IVssSnapshotMgmt2 *iface)
{
    return mgmt_proxy_AddRef(&impl_from_IVssSnapshotMgmt2(iface)->IVssSnapshotMgmt_iface);
}

static ULONG STDMETHODCALLTYPE mgmt_proxy2_Release(IVssSnapshotMgmt2 *iface)
{
    return mgmt_proxy_Release(&impl_from_IVssSnapshotMgmt2(iface)->IVssSnapshotMgmt_iface);
}

static HRESULT STDMETHODCALLTYPE mgmt_proxy2_GetMinDiffAreaSize(IVssSnapshotMgmt2 *iface, LONGLONG *size)
{
    return IVssSnapshotMgmt2_GetMinDiffAreaSize(impl_from_IVssSnapshotMgmt2(iface)->local, size);
}

static const IVssSnapshotMgmt2Vtbl mgmt_proxy2_vtbl =
{
    mgmt_proxy2_QueryInterface,
    mgmt_proxy2_AddRef,
    mgmt_proxy2_Release,
    mgmt_proxy2_GetMinDiffAreaSize,
};

HRESULT service_mgmt_create(REFIID iid, void **out)
{
    struct mgmt_proxy *proxy;
    struct svc_conn *conn;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    /* an interface the object does not have needs no service to say so */
    if (!IsEqualGUID(iid, &IID_IUnknown) && !IsEqualGUID(iid, &IID_IVssSnapshotMgmt)
        && !IsEqualGUID(iid, &IID_IVssSnapshotMgmt2))
        return S_FALSE;
    if ((hr = service_connect(SVC_SESSION_MGMT, &conn)) != S_OK) return hr;
    if (!(proxy = calloc(1, sizeof(*proxy))))
    {
        svc_conn_release(conn);
        return E_OUTOFMEMORY;
    }
    if (FAILED(hr = mgmt_create_embedded(&IID_IVssSnapshotMgmt2, (void **)&proxy->local)))
    {
        free(proxy);
        svc_conn_release(conn);
        return hr;
    }
    proxy->IVssSnapshotMgmt_iface.lpVtbl = &mgmt_proxy_vtbl;
    proxy->IVssSnapshotMgmt2_iface.lpVtbl = &mgmt_proxy2_vtbl;
    proxy->refcount = 1;
    proxy->conn = conn;
    hr = mgmt_proxy_QueryInterface(&proxy->IVssSnapshotMgmt_iface, iid, out);
    mgmt_proxy_Release(&proxy->IVssSnapshotMgmt_iface);
    TRACE("created %p, a proxy of the service\n", *out);
    return hr;
}
