/*
 * test_components.c: IVssWriterComponentsExt and IVssComponent(Ex, Ex2) over
 * a Backup Components Document: the requester's read-only view of the
 * Windows sample, and a writer's backup and restore events end to end (the
 * requester's document, the part sent to the writer, every Get/Set pair,
 * the reply merged back).  Return codes follow Microsoft's pages: S_FALSE and
 * NULL for a string never set (GetBackupMetadata, GetRestoreMetadata),
 * VSS_E_BAD_STATE for a setter called in the wrong kind of operation,
 * VSS_RT_ORIGINAL as the default restore target (VSS-FACTS.md §2.4, §3.3).
 */
#define COBJMACROS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "bcd.h"
#include "components.h"
#include "xml_value.h"

static const GUID writer_id = { 0xa65faa63, 0x5ea8, 0x4ebc, { 0x9d, 0xbd, 0xa0, 0xc4, 0xdb, 0x26, 0x91, 0x2a } };
static const GUID instance_id = { 0x235435d9, 0x34d6, 0x41ea, { 0x8c, 0x08, 0x59, 0x58, 0xa9, 0x98, 0x26, 0x36 } };

static int bstr_is(BSTR bstr, const WCHAR *expect)
{
    return bstr && expect && !wcscmp(bstr, expect);
}

/* A string getter: S_OK and the value, or S_FALSE and NULL when expect is NULL. */
#define CHECK_STRING(method, expect) do { \
        BSTR s_ = (BSTR)L"junk"; HRESULT hr_ = IVssComponentEx2_##method(component, &s_); \
        if (expect) { CU_ASSERT_EQUAL(hr_, S_OK); CU_ASSERT(bstr_is(s_, expect)); } \
        else { CU_ASSERT_EQUAL(hr_, S_FALSE); CU_ASSERT_PTR_NULL(s_); } \
        SysFreeString(s_); } while (0)

static IVssComponentEx2 *get_component(IVssWriterComponentsExt *components, UINT index)
{
    IVssComponent *component = NULL;
    IVssComponentEx2 *ex2 = NULL;

    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetComponent(components, index, &component), S_OK);
    if (!component) return NULL;
    CU_ASSERT_EQUAL(IVssComponent_QueryInterface(component, &IID_IVssComponentEx2, (void **)&ex2), S_OK);
    CU_ASSERT_PTR_EQUAL(ex2, component);
    IVssComponent_Release(component);
    return ex2;
}

static void test_sample_read_only(void)
{
    const char *path = umbra_sample_path("windows-2012r2-wmd-bcd/BCDocument.xml");
    GUID system_writer, system_instance;
    IVssWriterComponentsExt *components = NULL;
    IVssComponentEx2 *component;
    struct bcd *bcd = NULL;
    char text[4096];
    size_t len;
    FILE *f;
    UINT count = 99;
    VSS_ID got_instance, got_writer;
    VSS_COMPONENT_TYPE type;
    VSS_RESTORE_TARGET target;
    VSS_FILE_RESTORE_STATUS status;
    bool b = true;
    void *unk = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "rb"));
    len = fread(text, 1, sizeof(text), f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(bcd_load_utf8(text, len, &bcd), 0);
    xml_parse_guid("e8132975-6f93-4464-a53e-1050253ae220", &system_writer);
    xml_parse_guid("ce678d65-95d0-4bea-a43d-2a288bc94500", &system_instance);

    CU_ASSERT_EQUAL_FATAL(components_create(bcd, &system_instance, &system_writer, COMPONENTS_READONLY,
                                            &components), S_OK);
    bcd_release(bcd);   /* the view holds its own reference */
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetComponentCount(components, &count), S_OK);
    CU_ASSERT_EQUAL(count, 2);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetWriterInfo(components, &got_instance, &got_writer), S_OK);
    CU_ASSERT(!memcmp(&got_instance, &system_instance, sizeof(GUID)));
    CU_ASSERT(!memcmp(&got_writer, &system_writer, sizeof(GUID)));
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetComponent(components, 2, (IVssComponent **)&unk), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_PTR_NULL(unk);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_GetComponentCount(components, NULL), E_INVALIDARG);

    component = get_component(components, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CHECK_STRING(GetComponentName, L"Win32 Services Files");
    CHECK_STRING(GetLogicalPath, (const WCHAR *)NULL);
    CHECK_STRING(GetBackupStamp, (const WCHAR *)NULL);
    CHECK_STRING(GetBackupMetadata, (const WCHAR *)NULL);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetComponentType(component, &type), S_OK);
    CU_ASSERT_EQUAL(type, VSS_CT_FILEGROUP);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetBackupSucceeded(component, &b), S_OK);
    CU_ASSERT_FALSE(b);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetRestoreTarget(component, &target), S_OK);
    CU_ASSERT_EQUAL(target, VSS_RT_ORIGINAL);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetFileRestoreStatus(component, &status), S_OK);
    CU_ASSERT_EQUAL(status, VSS_RS_UNDEFINED);
    /* a requester's view: no writer setter works */
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupMetadata(component, L"x"), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreTarget(component, VSS_RT_ALTERNATE), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetFailure(component, E_FAIL, S_OK, NULL, 0), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_QueryInterface(component, &IID_IVssExamineWriterMetadata, &unk), E_NOINTERFACE);

    /* the component outlives the view */
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_Release(components), 0);
    CHECK_STRING(GetComponentName, L"Win32 Services Files");
    CU_ASSERT_EQUAL(IVssComponentEx2_Release(component), 0);
}

/* IVssWriterComponentsExt: IVssWriterComponents' vtable first (slot 0 is
 * GetComponentCount), IUnknown one pointer further (VSS-FACTS.md §2.2). */
static void test_two_base_layout(void)
{
    IVssWriterComponentsExt *components = NULL;
    IUnknown *unknown, *again = NULL;
    struct bcd *bcd = NULL;
    void *other = NULL;
    UINT count = 9;

    CU_ASSERT_EQUAL_FATAL(bcd_create(&bcd), 0);
    CU_ASSERT_EQUAL_FATAL(components_create(bcd, &instance_id, &writer_id, COMPONENTS_BACKUP, &components), S_OK);
    bcd_release(bcd);
    /* a writer with no entry in the document has no components */
    CU_ASSERT_EQUAL(((IVssWriterComponents *)components)->lpVtbl->GetComponentCount((IVssWriterComponents *)components,
                                                                                  &count), S_OK);
    CU_ASSERT_EQUAL(count, 0);
    unknown = (IUnknown *)((char *)components + sizeof(void *));
    CU_ASSERT_PTR_EQUAL(unknown, &components->IUnknown_base);
    CU_ASSERT_EQUAL(IUnknown_QueryInterface(unknown, &IID_IUnknown, (void **)&again), S_OK);
    CU_ASSERT_PTR_EQUAL(again, unknown);
    CU_ASSERT_EQUAL(IUnknown_QueryInterface(unknown, &IID_IVssComponent, &other), E_NOINTERFACE);
    CU_ASSERT_EQUAL(IUnknown_Release(again), 1);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_AddRef(components), 2);
    CU_ASSERT_EQUAL(IVssWriterComponentsExt_Release(components), 1);
    CU_ASSERT_EQUAL(IUnknown_Release(unknown), 0);
}

/* The requester's document with one component per type. */
static struct bcd *requester_document(void)
{
    struct bcd *bcd = NULL;
    struct bcd_component *c = NULL;

    CU_ASSERT_EQUAL(bcd_create(&bcd), 0);
    if (!bcd) return NULL;
    bcd->select_components = 1;
    bcd->backup_type = VSS_BT_INCREMENTAL;
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_id, &writer_id, VSS_CT_DATABASE, "HOST", "db1", &c), 0);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_id, &writer_id, VSS_CT_FILEGROUP, NULL, "files", NULL), 0);
    return bcd;
}

/* A writer's event: its part of bcd out, a view for the handler. */
static IVssWriterComponentsExt *writer_view(struct bcd *bcd, enum components_mode mode)
{
    IVssWriterComponentsExt *components = NULL;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_EQUAL(bcd_save_writer_utf8(bcd, &instance_id, &writer_id, &text, &len), 0);
    if (!text) return NULL;
    CU_ASSERT_EQUAL(components_from_utf8(text, len, &instance_id, &writer_id, mode, &components), S_OK);
    free(text);
    return components;
}

/* ... and the reply taken back. */
static void writer_reply(struct bcd *bcd, IVssWriterComponentsExt *components)
{
    struct bcd *reply = NULL;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_EQUAL(components_save_utf8(components, &text, &len), 0);
    CU_ASSERT_EQUAL(bcd_load_utf8(text, len, &reply), 0);
    CU_ASSERT_EQUAL(bcd_merge_writer(bcd, &instance_id, &writer_id, reply), 0);
    bcd_release(reply);
    free(text);
}

static void test_backup_events(void)
{
    struct bcd *bcd = requester_document();
    IVssWriterComponentsExt *components;
    IVssComponentEx2 *component;
    struct bcd_component *c;
    FILETIME ft = { 0x89abcdef, 0x01234567 }, got_ft;
    BSTR lsn = SysAllocString(L"lsn:77"), s1 = NULL, s2 = NULL, s3 = NULL, s4 = NULL;
    BOOL recursive = FALSE;
    HRESULT hr1 = S_OK, hr2 = S_OK;
    DWORD reserved = 0;
    UINT count = 0;
    bool b = false;

    CU_ASSERT_PTR_NOT_NULL_FATAL(bcd);
    /* what the requester set before PrepareForBackup */
    c = bcd_find_component(bcd, &instance_id, &writer_id, VSS_CT_DATABASE, "HOST", "db1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(bcd_set_string(&c->previous_backup_stamp, "stamp-1"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_options, "compress=yes"), 0);

    /* PrepareForBackup in the writer */
    components = writer_view(bcd, COMPONENTS_BACKUP);
    CU_ASSERT_PTR_NOT_NULL_FATAL(components);
    component = get_component(components, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CHECK_STRING(GetLogicalPath, L"HOST");
    CHECK_STRING(GetPreviousBackupStamp, L"stamp-1");
    CHECK_STRING(GetBackupOptions, L"compress=yes");
    CHECK_STRING(GetRestoreOptions, (const WCHAR *)NULL);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupStamp(component, L"stamp-2"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupMetadata(component, L"private <data> & more"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddPartialFile(component, L"/srv/db", L"db1.mdf", L"0:4096", L"meta"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddPartialFile(component, L"/srv/db", L"db1.ndf", NULL, NULL), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddDifferencedFilesByLastModifyTime(component, L"/srv/log", L"*.log", TRUE, ft),
                    S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddDifferencedFilesByLastModifyLSN(component, L"/srv/log2", L"*", FALSE, lsn),
                    S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPrepareForBackupFailureMsg(component, L"prepare went wrong"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPostSnapshotFailureMsg(component, L"post snapshot went wrong"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetFailure(component, VSS_E_WRITERERROR_RETRYABLE, E_ACCESSDENIED,
                                                L"the application says", 0), S_OK);
    /* restore-time setters in a backup: VSS_E_BAD_STATE */
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreMetadata(component, L"x"), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreTarget(component, VSS_RT_DIRECTED), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddDirectedTarget(component, L"a", L"b", NULL, L"c", L"d", NULL), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPreRestoreFailureMsg(component, L"x"), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPostRestoreFailureMsg(component, L"x"), VSS_E_BAD_STATE);
    /* bad arguments */
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupStamp(component, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupMetadata(component, L"bad\x01"), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddPartialFile(component, NULL, L"f", NULL, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddDifferencedFilesByLastModifyLSN(component, L"/x", L"*", FALSE, NULL),
                    E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetPartialFile(component, 0, NULL, &s2, &s3, &s4), E_INVALIDARG);
    /* the handler reads its own writes */
    CHECK_STRING(GetBackupStamp, L"stamp-2");
    IVssComponentEx2_Release(component);
    writer_reply(bcd, components);
    IVssWriterComponentsExt_Release(components);

    /* the requester marks it backed up, then reads everything back */
    c->backup_succeeded = 1;
    CU_ASSERT_EQUAL(components_create(bcd, &instance_id, &writer_id, COMPONENTS_READONLY, &components), S_OK);
    component = get_component(components, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CHECK_STRING(GetBackupStamp, L"stamp-2");
    CHECK_STRING(GetBackupMetadata, L"private <data> & more");
    CHECK_STRING(GetPrepareForBackupFailureMsg, L"prepare went wrong");
    CHECK_STRING(GetPostSnapshotFailureMsg, L"post snapshot went wrong");
    CU_ASSERT_EQUAL(IVssComponentEx2_GetBackupSucceeded(component, &b), S_OK);
    CU_ASSERT(b);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetPartialFileCount(component, &count), S_OK);
    CU_ASSERT_EQUAL(count, 2);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetPartialFile(component, 0, &s1, &s2, &s3, &s4), S_OK);
    CU_ASSERT(bstr_is(s1, L"/srv/db") && bstr_is(s2, L"db1.mdf") && bstr_is(s3, L"0:4096") && bstr_is(s4, L"meta"));
    SysFreeString(s1); SysFreeString(s2); SysFreeString(s3); SysFreeString(s4);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetPartialFile(component, 1, &s1, &s2, &s3, &s4), S_OK);
    CU_ASSERT(bstr_is(s2, L"db1.ndf"));
    CU_ASSERT_PTR_NULL(s3);
    CU_ASSERT_PTR_NULL(s4);
    SysFreeString(s1); SysFreeString(s2);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetPartialFile(component, 2, &s1, &s2, &s3, &s4), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDifferencedFilesCount(component, &count), S_OK);
    CU_ASSERT_EQUAL(count, 2);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDifferencedFile(component, 0, &s1, &s2, &recursive, &s3, &got_ft), S_OK);
    CU_ASSERT(bstr_is(s1, L"/srv/log") && bstr_is(s2, L"*.log"));
    CU_ASSERT(recursive);
    CU_ASSERT_PTR_NULL(s3);
    CU_ASSERT_EQUAL(got_ft.dwLowDateTime, ft.dwLowDateTime);
    CU_ASSERT_EQUAL(got_ft.dwHighDateTime, ft.dwHighDateTime);
    SysFreeString(s1); SysFreeString(s2);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDifferencedFile(component, 1, &s1, &s2, &recursive, &s3, &got_ft), S_OK);
    CU_ASSERT(bstr_is(s3, L"lsn:77"));
    CU_ASSERT_FALSE(recursive);
    CU_ASSERT_EQUAL(got_ft.dwLowDateTime, 0);
    SysFreeString(s1); SysFreeString(s2); SysFreeString(s3);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetFailure(component, &hr1, &hr2, &s1, &reserved), S_OK);
    CU_ASSERT_EQUAL(hr1, VSS_E_WRITERERROR_RETRYABLE);
    CU_ASSERT_EQUAL(hr2, E_ACCESSDENIED);
    CU_ASSERT(bstr_is(s1, L"the application says"));
    SysFreeString(s1);
    IVssComponentEx2_Release(component);

    /* the other component was left alone */
    component = get_component(components, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CHECK_STRING(GetBackupStamp, (const WCHAR *)NULL);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetFailure(component, &hr1, &hr2, &s1, &reserved), S_OK);
    CU_ASSERT_EQUAL(hr1, S_OK);
    CU_ASSERT_PTR_NULL(s1);
    IVssComponentEx2_Release(component);
    IVssWriterComponentsExt_Release(components);
    SysFreeString(lsn);
    bcd_release(bcd);
}

static void test_restore_events(void)
{
    struct bcd *bcd = requester_document();
    IVssWriterComponentsExt *components;
    IVssComponentEx2 *component;
    IVssWMFiledesc *desc = NULL;
    struct bcd_component *c;
    BSTR s[6] = { 0 };
    VSS_ROLLFORWARD_TYPE roll = VSS_RF_UNDEFINED;
    VSS_RESTORE_TARGET target;
    VSS_FILE_RESTORE_STATUS status;
    UINT count = 0;
    bool b = false;
    int i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(bcd);
    /* what the requester set before PreRestore */
    c = bcd_find_component(bcd, NULL, &writer_id, VSS_CT_DATABASE, "HOST", "db1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    c->selected_for_restore = 1;
    c->additional_restores = 1;
    c->authoritative_restore = 1;
    c->file_restore_status = VSS_RS_ALL;
    c->rollforward_type = VSS_RF_PARTIAL;
    CU_ASSERT_EQUAL(bcd_set_string(&c->rollforward_point, "LSN 1234"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->restore_name, "db1_copy"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->restore_options, "norecovery"), 0);
    CU_ASSERT_EQUAL(bcd_add_mapping(c, "/srv/db", "*.mdf", 1, "/alt/db"), 0);
    CU_ASSERT_EQUAL(bcd_add_new_target(c, "/srv/db", "*.ldf", 0, "/new/log"), 0);
    CU_ASSERT_EQUAL(bcd_add_subcomponent(c, "HOST\\db1", "fg1", 0), 0);

    components = writer_view(bcd, COMPONENTS_RESTORE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(components);
    component = get_component(components, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CU_ASSERT_EQUAL(IVssComponentEx2_IsSelectedForRestore(component, &b), S_OK);
    CU_ASSERT(b);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetAdditionalRestores(component, &b), S_OK);
    CU_ASSERT(b);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetAuthoritativeRestore(component, &b), S_OK);
    CU_ASSERT(b);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetFileRestoreStatus(component, &status), S_OK);
    CU_ASSERT_EQUAL(status, VSS_RS_ALL);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetRollForward(component, &roll, &s[0]), S_OK);
    CU_ASSERT_EQUAL(roll, VSS_RF_PARTIAL);
    CU_ASSERT(bstr_is(s[0], L"LSN 1234"));
    SysFreeString(s[0]);
    CHECK_STRING(GetRestoreName, L"db1_copy");
    CHECK_STRING(GetRestoreOptions, L"norecovery");
    CU_ASSERT_EQUAL(IVssComponentEx2_GetAlternateLocationMappingCount(component, &count), S_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetAlternateLocationMapping(component, 0, &desc), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(desc);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetAlternateLocation(desc, &s[0]), S_OK);
    CU_ASSERT(bstr_is(s[0], L"/alt/db"));
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetRecursive(desc, &b), S_OK);
    CU_ASSERT(b);
    SysFreeString(s[0]);
    IVssWMFiledesc_Release(desc);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetAlternateLocationMapping(component, 1, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetNewTargetCount(component, &count), S_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetNewTarget(component, 0, &desc), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(desc);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetFilespec(desc, &s[0]), S_OK);
    CU_ASSERT(bstr_is(s[0], L"*.ldf"));
    SysFreeString(s[0]);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetAlternateLocation(desc, &s[0]), S_OK);
    CU_ASSERT(bstr_is(s[0], L"/new/log"));
    SysFreeString(s[0]);
    IVssWMFiledesc_Release(desc);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetRestoreSubcomponentCount(component, &count), S_OK);
    CU_ASSERT_EQUAL(count, 1);
    b = true;
    CU_ASSERT_EQUAL(IVssComponentEx2_GetRestoreSubcomponent(component, 0, &s[0], &s[1], &b), S_OK);
    CU_ASSERT(bstr_is(s[0], L"HOST\\db1") && bstr_is(s[1], L"fg1"));
    CU_ASSERT_FALSE(b);
    SysFreeString(s[0]);
    SysFreeString(s[1]);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetRestoreSubcomponent(component, 1, &s[0], &s[1], &b), VSS_E_OBJECT_NOT_FOUND);

    /* PreRestore: the writer's restore-time setters */
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreMetadata(component, L"restore meta"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreTarget(component, VSS_RT_UNDEFINED), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreTarget(component, 5), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetRestoreTarget(component, VSS_RT_DIRECTED), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddDirectedTarget(component, L"/srv/db", L"db1.mdf", L"0:100", L"/alt",
                                                       L"db1.mdf", L"0:100"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddDirectedTarget(component, L"/a", NULL, NULL, L"/b", L"c", NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPreRestoreFailureMsg(component, L"pre restore"), S_OK);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPostRestoreFailureMsg(component, L"post restore"), S_OK);
    /* backup-time setters in a restore */
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupMetadata(component, L"x"), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetBackupStamp(component, L"x"), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_AddPartialFile(component, L"a", L"b", NULL, NULL), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssComponentEx2_SetPrepareForBackupFailureMsg(component, L"x"), VSS_E_BAD_STATE);
    IVssComponentEx2_Release(component);
    writer_reply(bcd, components);
    IVssWriterComponentsExt_Release(components);

    /* PostRestore sees what PreRestore set */
    components = writer_view(bcd, COMPONENTS_RESTORE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(components);
    component = get_component(components, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CHECK_STRING(GetRestoreMetadata, L"restore meta");
    CHECK_STRING(GetPreRestoreFailureMsg, L"pre restore");
    CHECK_STRING(GetPostRestoreFailureMsg, L"post restore");
    CU_ASSERT_EQUAL(IVssComponentEx2_GetRestoreTarget(component, &target), S_OK);
    CU_ASSERT_EQUAL(target, VSS_RT_DIRECTED);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDirectedTargetCount(component, &count), S_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDirectedTarget(component, 0, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5]), S_OK);
    CU_ASSERT(bstr_is(s[0], L"/srv/db") && bstr_is(s[1], L"db1.mdf") && bstr_is(s[2], L"0:100")
              && bstr_is(s[3], L"/alt") && bstr_is(s[4], L"db1.mdf") && bstr_is(s[5], L"0:100"));
    for (i = 0; i < 6; i++) SysFreeString(s[i]);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDirectedTarget(component, 1, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5]),
                    VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssComponentEx2_GetDirectedTarget(component, 0, &s[0], NULL, &s[2], &s[3], &s[4], &s[5]),
                    E_INVALIDARG);
    /* the requester's choices came back unchanged */
    CU_ASSERT_EQUAL(IVssComponentEx2_IsSelectedForRestore(component, &b), S_OK);
    CU_ASSERT(b);
    CU_ASSERT(c->selected_for_restore && c->mappings.count == 1 && c->subcomponents.count == 1);
    IVssComponentEx2_Release(component);
    IVssWriterComponentsExt_Release(components);
    bcd_release(bcd);
}

static void test_bad_document(void)
{
    IVssWriterComponentsExt *components = (IVssWriterComponentsExt *)0xdead;
    static const char bad[] = "<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\"><WRITER_COMPONENTS/>"
                              "</BACKUP_COMPONENTS>";

    CU_ASSERT_EQUAL(components_from_utf8(bad, strlen(bad), &instance_id, &writer_id, COMPONENTS_BACKUP, &components),
                    VSS_E_INVALID_XML_DOCUMENT);
    CU_ASSERT_PTR_NULL(components);
    CU_ASSERT_EQUAL(components_from_utf8("", 0, &instance_id, &writer_id, COMPONENTS_BACKUP, &components),
                    VSS_E_INVALID_XML_DOCUMENT);
}

static CU_TestInfo components_tests[] =
{
    { "sample, requester's read-only view", test_sample_read_only },
    { "two-base layout", test_two_base_layout },
    { "backup events end to end", test_backup_events },
    { "restore events end to end", test_restore_events },
    { "bad document", test_bad_document },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(components, NULL, NULL, components_tests);
