/*
 * fuzz_service.c: libFuzzer harness for the decoders of the requester <->
 * vsssvc protocol (service_proto.h) on top of wire.h: a whole message as the
 * service or a requester reads it (wire_decode, then the method's arguments:
 * GUID arrays, result kinds, and every ST_RECORD as a VSS_OBJECT_PROP), and a
 * lone record body (svc_get_record).
 *
 * Checked beyond "no crash": each decoder answers one of its documented
 * results; a record that decodes is encoded again with svc_put_record and
 * must decode to the same properties.  Built and run by tools/fuzz/run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include "service_proto.h"

static void prop_clear(VSS_OBJECT_PROP *prop)
{
    if (prop->Type == VSS_OBJECT_SNAPSHOT)
    {
        VSS_SNAPSHOT_PROP *s = &prop->Obj.Snap;

        CoTaskMemFree(s->m_pwszSnapshotDeviceObject);
        CoTaskMemFree(s->m_pwszOriginalVolumeName);
        CoTaskMemFree(s->m_pwszOriginatingMachine);
        CoTaskMemFree(s->m_pwszServiceMachine);
        CoTaskMemFree(s->m_pwszExposedName);
        CoTaskMemFree(s->m_pwszExposedPath);
    }
    else if (prop->Type == VSS_OBJECT_PROVIDER)
    {
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderVersion);
    }
}

static int wstr_same(const WCHAR *a, const WCHAR *b)
{
    return (!a && !b) || (a && b && !wcscmp(a, b));
}

static int same_prop(const VSS_OBJECT_PROP *a, const VSS_OBJECT_PROP *b)
{
    if (a->Type != b->Type) return 0;
    if (a->Type == VSS_OBJECT_SNAPSHOT)
    {
        const VSS_SNAPSHOT_PROP *x = &a->Obj.Snap, *y = &b->Obj.Snap;
        return IsEqualGUID(&x->m_SnapshotId, &y->m_SnapshotId) && IsEqualGUID(&x->m_SnapshotSetId, &y->m_SnapshotSetId)
               && IsEqualGUID(&x->m_ProviderId, &y->m_ProviderId) && x->m_lSnapshotsCount == y->m_lSnapshotsCount
               && x->m_lSnapshotAttributes == y->m_lSnapshotAttributes
               && x->m_tsCreationTimestamp == y->m_tsCreationTimestamp && x->m_eStatus == y->m_eStatus
               && wstr_same(x->m_pwszSnapshotDeviceObject, y->m_pwszSnapshotDeviceObject)
               && wstr_same(x->m_pwszOriginalVolumeName, y->m_pwszOriginalVolumeName)
               && wstr_same(x->m_pwszOriginatingMachine, y->m_pwszOriginatingMachine)
               && wstr_same(x->m_pwszServiceMachine, y->m_pwszServiceMachine)
               && wstr_same(x->m_pwszExposedName, y->m_pwszExposedName)
               && wstr_same(x->m_pwszExposedPath, y->m_pwszExposedPath);
    }
    return IsEqualGUID(&a->Obj.Prov.m_ProviderId, &b->Obj.Prov.m_ProviderId)
           && IsEqualGUID(&a->Obj.Prov.m_ProviderVersionId, &b->Obj.Prov.m_ProviderVersionId)
           && IsEqualGUID(&a->Obj.Prov.m_ClassId, &b->Obj.Prov.m_ClassId)
           && a->Obj.Prov.m_eProviderType == b->Obj.Prov.m_eProviderType
           && wstr_same(a->Obj.Prov.m_pwszProviderName, b->Obj.Prov.m_pwszProviderName)
           && wstr_same(a->Obj.Prov.m_pwszProviderVersion, b->Obj.Prov.m_pwszProviderVersion);
}

static void check_record(const void *data, size_t len)
{
    VSS_OBJECT_PROP prop, again;
    struct wire_builder b;
    struct wire_msg msg;
    const void *bytes;
    size_t blen;
    void *body;
    HRESULT hr;

    hr = svc_get_record(data, len, &prop);
    if (hr != S_OK)
    {
        if (hr != E_INVALIDARG && hr != E_OUTOFMEMORY) abort();
        return;
    }
    wire_builder_init(&b, 0, 0, 0);
    if (svc_put_record(&b, ST_RECORD, &prop) || wire_builder_finish(&b, &body, &blen)) abort();
    if (wire_decode(body, blen, &msg) || wire_get_bytes(&msg, ST_RECORD, &bytes, &blen)) abort();
    if (svc_get_record(bytes, blen, &again) != S_OK || !same_prop(&prop, &again)) abort();
    prop_clear(&again);
    wire_msg_clear(&msg);
    free(body);
    prop_clear(&prop);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wire_msg msg;
    uint32_t method = 0, count = 0;
    unsigned int i;
    int ret;

    check_record(data, size);
    if ((ret = wire_decode(data, size, &msg)))
    {
        if (ret != -EBADMSG && ret != -EPROTONOSUPPORT && ret != -ENOMEM) abort();
        return 0;
    }
    svc_type_name(msg.type);
    wire_get_u32(&msg, ST_METHOD, &method);
    svc_method_name(method);
    svc_method_needs_admin(method);
    wire_get_u32(&msg, ST_ARG, &count);
    for (i = 0; i < SVC_MAX_PARAMS; i++)
    {
        GUID *ids = NULL;

        ret = svc_get_guids(&msg, ST_ARG + i, count % (SVC_MAX_GUIDS + 2), &ids);
        if (ret && ret != -EBADMSG && ret != -ENOMEM) abort();
        free(ids);
        ret = svc_result_kind(&msg, ST_OUT + i, (uint16_t)(WIRE_KIND_U32 + i % 5));
        if (ret != -ENOENT && ret != 1 && ret != 0 && ret != -EBADMSG) abort();
    }
    for (i = 0; i < msg.count; i++)
        if (msg.fields[i].tag == ST_RECORD && msg.fields[i].kind == WIRE_KIND_BYTES)
            check_record(msg.fields[i].data, msg.fields[i].len);
    wire_msg_clear(&msg);
    return 0;
}
