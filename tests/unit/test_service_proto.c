/*
 * test_service_proto.c: the requester <-> vsssvc encodings both ends share
 * (dlls/vssapi/service_proto.h): snapshot and provider records survive the
 * trip with every field (VSS-FACTS.md §3.4), GUID arrays keep their order,
 * results say "not written", "NULL" or a value, and malformed input is an
 * error, never a crash.
 */
#define COBJMACROS
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include "harness.h"
#include "enum.h"
#include "service_proto.h"

static const GUID id1 = { 0x01020304, 0x0506, 0x0708, { 9, 10, 11, 12, 13, 14, 15, 16 } };
static const GUID id2 = { 0xa1b2c3d4, 0xe5f6, 0x0718, { 0x29, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e, 0x8f, 0x90 } };

static void *build(void (*fields)(struct wire_builder *b), size_t *len)
{
    struct wire_builder b;
    void *body = NULL;

    wire_builder_init(&b, WIRE_SVC_CALL | WIRE_REPLY, 7, 0);
    fields(&b);
    CU_ASSERT_EQUAL(wire_builder_finish(&b, &body, len), 0);
    return body;
}

static void snapshot_record_fields(struct wire_builder *b)
{
    VSS_OBJECT_PROP prop;

    memset(&prop, 0, sizeof(prop));
    prop.Type = VSS_OBJECT_SNAPSHOT;
    prop.Obj.Snap.m_SnapshotId = id1;
    prop.Obj.Snap.m_SnapshotSetId = id2;
    prop.Obj.Snap.m_lSnapshotsCount = 3;
    prop.Obj.Snap.m_pwszSnapshotDeviceObject = (VSS_PWSZ)L"/srv/.snapshots/@GMT-2025.01.02-03.04.05";
    prop.Obj.Snap.m_pwszOriginalVolumeName = (VSS_PWSZ)L"\\\\?\\Volume{01020304-0506-0708-090a-0b0c0d0e0f10}\\";
    prop.Obj.Snap.m_pwszOriginatingMachine = (VSS_PWSZ)L"h\u00f4st";
    prop.Obj.Snap.m_pwszServiceMachine = (VSS_PWSZ)L"host";
    prop.Obj.Snap.m_pwszExposedName = NULL;
    prop.Obj.Snap.m_pwszExposedPath = (VSS_PWSZ)L"";
    prop.Obj.Snap.m_ProviderId = id2;
    prop.Obj.Snap.m_lSnapshotAttributes = (LONG)0x80000409;
    prop.Obj.Snap.m_tsCreationTimestamp = 0x01d9abcdef012345LL;
    prop.Obj.Snap.m_eStatus = VSS_SS_CREATED;
    CU_ASSERT_EQUAL(svc_put_record(b, ST_RECORD, &prop), 0);
}

static void test_snapshot_record(void)
{
    const struct wire_field *f = NULL;
    struct wire_msg msg;
    VSS_OBJECT_PROP prop;
    size_t len;
    void *body = build(snapshot_record_fields, &len);

    CU_ASSERT_EQUAL_FATAL(wire_decode(body, len, &msg), 0);
    for (unsigned int i = 0; i < msg.count; i++) if (msg.fields[i].tag == ST_RECORD) f = &msg.fields[i];
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(svc_get_record(f->data, f->len, &prop), S_OK);
    CU_ASSERT_EQUAL(prop.Type, VSS_OBJECT_SNAPSHOT);
    CU_ASSERT(IsEqualGUID(&prop.Obj.Snap.m_SnapshotId, &id1));
    CU_ASSERT(IsEqualGUID(&prop.Obj.Snap.m_SnapshotSetId, &id2));
    CU_ASSERT(IsEqualGUID(&prop.Obj.Snap.m_ProviderId, &id2));
    CU_ASSERT_EQUAL(prop.Obj.Snap.m_lSnapshotsCount, 3);
    CU_ASSERT(!wcscmp(prop.Obj.Snap.m_pwszSnapshotDeviceObject, L"/srv/.snapshots/@GMT-2025.01.02-03.04.05"));
    CU_ASSERT(!wcscmp(prop.Obj.Snap.m_pwszOriginatingMachine, L"h\u00f4st"));
    CU_ASSERT(!wcscmp(prop.Obj.Snap.m_pwszServiceMachine, L"host"));
    /* NULL stays NULL, "" stays "" */
    CU_ASSERT_PTR_NULL(prop.Obj.Snap.m_pwszExposedName);
    CU_ASSERT(prop.Obj.Snap.m_pwszExposedPath && !prop.Obj.Snap.m_pwszExposedPath[0]);
    CU_ASSERT_EQUAL((unsigned int)prop.Obj.Snap.m_lSnapshotAttributes, 0x80000409);
    CU_ASSERT_EQUAL(prop.Obj.Snap.m_tsCreationTimestamp, 0x01d9abcdef012345LL);
    CU_ASSERT_EQUAL(prop.Obj.Snap.m_eStatus, VSS_SS_CREATED);
    object_prop_clear(&prop);

    /* every truncation of the record is refused, nothing leaks */
    for (uint32_t cut = 0; cut < f->len; cut++)
    {
        HRESULT hr = svc_get_record(f->data, cut, &prop);
        CU_ASSERT(hr == E_INVALIDARG);
        if (SUCCEEDED(hr)) object_prop_clear(&prop);
    }
    wire_msg_clear(&msg);
    free(body);
}

static void provider_record_fields(struct wire_builder *b)
{
    VSS_OBJECT_PROP prop;

    memset(&prop, 0, sizeof(prop));
    prop.Type = VSS_OBJECT_PROVIDER;
    prop.Obj.Prov.m_ProviderId = id1;
    prop.Obj.Prov.m_pwszProviderName = (VSS_PWSZ)L"Umbra btrfs provider";
    prop.Obj.Prov.m_eProviderType = VSS_PROV_SOFTWARE;
    prop.Obj.Prov.m_pwszProviderVersion = (VSS_PWSZ)L"1.0";
    prop.Obj.Prov.m_ProviderVersionId = id2;
    prop.Obj.Prov.m_ClassId = id1;
    CU_ASSERT_EQUAL(svc_put_record(b, ST_RECORD, &prop), 0);
}

static void test_provider_record(void)
{
    struct wire_msg msg;
    VSS_OBJECT_PROP prop;
    const void *data;
    size_t len, dlen;
    void *body = build(provider_record_fields, &len);

    CU_ASSERT_EQUAL_FATAL(wire_decode(body, len, &msg), 0);
    CU_ASSERT_EQUAL_FATAL(wire_get_bytes(&msg, ST_RECORD, &data, &dlen), 0);
    CU_ASSERT_EQUAL(svc_get_record(data, dlen, &prop), S_OK);
    CU_ASSERT_EQUAL(prop.Type, VSS_OBJECT_PROVIDER);
    CU_ASSERT(IsEqualGUID(&prop.Obj.Prov.m_ProviderId, &id1));
    CU_ASSERT(IsEqualGUID(&prop.Obj.Prov.m_ProviderVersionId, &id2));
    CU_ASSERT(IsEqualGUID(&prop.Obj.Prov.m_ClassId, &id1));
    CU_ASSERT(!wcscmp(prop.Obj.Prov.m_pwszProviderName, L"Umbra btrfs provider"));
    CU_ASSERT(!wcscmp(prop.Obj.Prov.m_pwszProviderVersion, L"1.0"));
    CU_ASSERT_EQUAL(prop.Obj.Prov.m_eProviderType, VSS_PROV_SOFTWARE);
    object_prop_clear(&prop);
    wire_msg_clear(&msg);
    free(body);
    /* not a record at all */
    CU_ASSERT_EQUAL(svc_get_record("garbage that is not a wire body", 31, &prop), E_INVALIDARG);
    CU_ASSERT_EQUAL(prop.Type, VSS_OBJECT_UNKNOWN);
}

static void results_fields(struct wire_builder *b)
{
    GUID ids[3] = { id1, id2, id1 };

    svc_put_guids(b, ST_ARG + 0, ids, 3);
    svc_put_guids(b, ST_ARG + 1, ids, 0);
    svc_put_null(b, ST_OUT + 1);
    wire_put_str(b, ST_OUT + 2, "text");
    CU_ASSERT_EQUAL(svc_put_wstr(b, ST_OUT + 3, L"wide \u20ac"), 0);
}

static void test_guids_and_results(void)
{
    struct wire_builder bad;
    struct wire_msg msg;
    const char *text;
    GUID *ids;
    size_t len;
    void *body = build(results_fields, &len);

    CU_ASSERT_EQUAL_FATAL(wire_decode(body, len, &msg), 0);
    CU_ASSERT_EQUAL(svc_get_guids(&msg, ST_ARG + 0, 3, &ids), 0);
    CU_ASSERT_FATAL(ids != NULL);
    CU_ASSERT(IsEqualGUID(&ids[0], &id1) && IsEqualGUID(&ids[1], &id2) && IsEqualGUID(&ids[2], &id1));
    free(ids);
    /* the count must match what was sent */
    CU_ASSERT_EQUAL(svc_get_guids(&msg, ST_ARG + 0, 2, &ids), -EBADMSG);
    CU_ASSERT_PTR_NULL(ids);
    CU_ASSERT_EQUAL(svc_get_guids(&msg, ST_ARG + 1, 0, &ids), 0);
    CU_ASSERT_PTR_NOT_NULL(ids);
    free(ids);
    /* no field: a NULL array */
    CU_ASSERT_EQUAL(svc_get_guids(&msg, ST_ARG + 5, 4, &ids), 0);
    CU_ASSERT_PTR_NULL(ids);

    CU_ASSERT_EQUAL(svc_result_kind(&msg, ST_OUT + 0, WIRE_KIND_STR), -ENOENT);
    CU_ASSERT_EQUAL(svc_result_kind(&msg, ST_OUT + 1, WIRE_KIND_STR), 1);
    CU_ASSERT_EQUAL(svc_result_kind(&msg, ST_OUT + 2, WIRE_KIND_STR), 0);
    CU_ASSERT_EQUAL(svc_result_kind(&msg, ST_OUT + 2, WIRE_KIND_GUID), -EBADMSG);
    CU_ASSERT_EQUAL(wire_get_str(&msg, ST_OUT + 3, &text), 0);
    CU_ASSERT_STRING_EQUAL(text, "wide \xe2\x82\xac");
    wire_msg_clear(&msg);
    free(body);

    /* a WCHAR string that is no Unicode fails the message */
    wire_builder_init(&bad, WIRE_SVC_CALL, 1, 0);
    CU_ASSERT_EQUAL(svc_put_wstr(&bad, ST_ARG, (const WCHAR[]){ 'a', 0xd800, 0 }), -EILSEQ);
    CU_ASSERT_EQUAL(wire_builder_finish(&bad, &body, &len), -EILSEQ);
}

static void test_status_and_names(void)
{
    struct wire_builder b;
    struct wire_msg msg;
    void *body;
    size_t len;

    wire_builder_init(&b, WIRE_SVC_ASYNC | WIRE_REPLY, 3, 0);
    svc_set_status(&b, VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL_FATAL(wire_builder_finish(&b, &body, &len), 0);
    CU_ASSERT_EQUAL_FATAL(wire_decode(body, len, &msg), 0);
    CU_ASSERT_EQUAL(msg.status, VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(msg.request_id, 3);
    wire_msg_clear(&msg);
    free(body);

    CU_ASSERT_STRING_EQUAL(svc_method_name(SVC_DoSnapshotSet), "DoSnapshotSet");
    CU_ASSERT_STRING_EQUAL(svc_method_name(SVC_GetRootAndLogicalPrefixPaths), "GetRootAndLogicalPrefixPaths");
    CU_ASSERT_STRING_EQUAL(svc_method_name(2), "?");
    CU_ASSERT_STRING_EQUAL(svc_method_name(SVC_METHOD_END), "?");
    CU_ASSERT_STRING_EQUAL(svc_type_name(WIRE_SVC_HELLO | WIRE_REPLY), "Hello");
    /* VSS-FACTS.md §2.3: the slots the methods travel under */
    CU_ASSERT_EQUAL(SVC_DoSnapshotSet, 38);
    CU_ASSERT_EQUAL(SVC_GetWriterMetadataEx, 51);
    CU_ASSERT_EQUAL(SVC_UnexposeSnapshot, 53);
    CU_ASSERT_EQUAL(SVC_GetWriterStatusEx, 60);
    CU_ASSERT_EQUAL(SVC_GetRootAndLogicalPrefixPaths, 64);
    CU_ASSERT(svc_method_needs_admin(SVC_RevertToSnapshot));
    CU_ASSERT(svc_method_needs_admin(SVC_ExposeSnapshot));
    CU_ASSERT(!svc_method_needs_admin(SVC_DoSnapshotSet));
    CU_ASSERT(!svc_method_needs_admin(SVC_DeleteSnapshots));
}

static CU_TestInfo proto_tests[] =
{
    { "snapshot records keep every field (§3.4)", test_snapshot_record },
    { "provider records", test_provider_record },
    { "GUID arrays and results", test_guids_and_results },
    { "status, names and slots", test_status_and_names },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(service_proto, NULL, NULL, proto_tests);
