/*
 * test_bcd.c: the Backup Components Document model (dlls/vssapi/bcd.c)
 * reads the BCD Windows Server 2012 R2 wrote and writes it back byte for
 * byte (VSS-FACTS.md §4.3), round-trips every field a requester or writer can
 * set, finds components by (writer, type, logical path, name), and gives a
 * writer its own part and takes back only what the writer may change.
 * Hostile input is in test_bcd_bad.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "harness.h"
#include "bcd.h"
#include "wstr.h"
#include "xml_value.h"

static char *read_sample(const char *name, size_t *len)
{
    char rel[128];
    const char *path;
    FILE *f;
    char *buf = NULL;
    long size;

    snprintf(rel, sizeof(rel), "windows-2012r2-wmd-bcd/%s", name);
    if (!(path = umbra_sample_path(rel)) || !(f = fopen(path, "rb"))) return NULL;
    if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc(size + 1)))
    {
        if (fread(buf, 1, size, f) != (size_t)size)
        {
            free(buf);
            buf = NULL;
        }
        else
        {
            buf[size] = 0;
            *len = size;
        }
    }
    fclose(f);
    return buf;
}

static GUID make_guid(const char *text)
{
    GUID guid;
    memset(&guid, 0, sizeof(guid));
    CU_ASSERT_EQUAL(xml_parse_guid(text, &guid), 0);
    return guid;
}

static int guid_eq(const GUID *a, const GUID *b)
{
    return !memcmp(a, b, sizeof(GUID));
}

static int str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return !strcmp(a, b);
}

/* --- field-by-field comparison ----------------------------------------------- */

static int filesets_equal(const struct bcd_fileset *a, const struct bcd_fileset *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!str_eq(a[i].path, b[i].path) || !str_eq(a[i].filespec, b[i].filespec)
            || a[i].recursive != b[i].recursive || !str_eq(a[i].alternate, b[i].alternate))
            return 0;
    return 1;
}

static int components_equal(const struct bcd_component *a, const struct bcd_component *b)
{
    size_t i;

    if (a->type != b->type || !str_eq(a->logical_path, b->logical_path) || !str_eq(a->name, b->name)
        || a->backup_succeeded != b->backup_succeeded || !str_eq(a->backup_options, b->backup_options)
        || !str_eq(a->previous_backup_stamp, b->previous_backup_stamp) || !str_eq(a->backup_stamp, b->backup_stamp)
        || !str_eq(a->backup_metadata, b->backup_metadata)
        || !str_eq(a->prepare_backup_failure_msg, b->prepare_backup_failure_msg)
        || !str_eq(a->post_snapshot_failure_msg, b->post_snapshot_failure_msg)
        || a->selected_for_restore != b->selected_for_restore || a->additional_restores != b->additional_restores
        || !str_eq(a->restore_options, b->restore_options) || a->file_restore_status != b->file_restore_status
        || a->authoritative_restore != b->authoritative_restore || a->rollforward_type != b->rollforward_type
        || !str_eq(a->rollforward_point, b->rollforward_point) || !str_eq(a->restore_name, b->restore_name)
        || !str_eq(a->restore_metadata, b->restore_metadata) || a->restore_target != b->restore_target
        || !str_eq(a->pre_restore_failure_msg, b->pre_restore_failure_msg)
        || !str_eq(a->post_restore_failure_msg, b->post_restore_failure_msg))
        return 0;
    if (a->failure.set != b->failure.set
        || (a->failure.set && (a->failure.hr != b->failure.hr || a->failure.application_hr != b->failure.application_hr
                               || !str_eq(a->failure.message, b->failure.message)
                               || a->failure.flags != b->failure.flags)))
        return 0;
    if (a->mappings.count != b->mappings.count || !filesets_equal(a->mappings.items, b->mappings.items, a->mappings.count)
        || a->new_targets.count != b->new_targets.count
        || !filesets_equal(a->new_targets.items, b->new_targets.items, a->new_targets.count))
        return 0;
    if (a->partial_files.count != b->partial_files.count) return 0;
    for (i = 0; i < a->partial_files.count; i++)
    {
        const struct bcd_partial_file *x = &a->partial_files.items[i], *y = &b->partial_files.items[i];
        if (!str_eq(x->path, y->path) || !str_eq(x->filename, y->filename) || !str_eq(x->ranges, y->ranges)
            || !str_eq(x->metadata, y->metadata))
            return 0;
    }
    if (a->directed_targets.count != b->directed_targets.count) return 0;
    for (i = 0; i < a->directed_targets.count; i++)
    {
        const struct bcd_directed_target *x = &a->directed_targets.items[i], *y = &b->directed_targets.items[i];
        if (!str_eq(x->source_path, y->source_path) || !str_eq(x->source_filename, y->source_filename)
            || !str_eq(x->source_ranges, y->source_ranges) || !str_eq(x->destination_path, y->destination_path)
            || !str_eq(x->destination_filename, y->destination_filename)
            || !str_eq(x->destination_ranges, y->destination_ranges))
            return 0;
    }
    if (a->differenced_files.count != b->differenced_files.count) return 0;
    for (i = 0; i < a->differenced_files.count; i++)
    {
        const struct bcd_differenced_file *x = &a->differenced_files.items[i], *y = &b->differenced_files.items[i];
        if (!str_eq(x->path, y->path) || !str_eq(x->filespec, y->filespec) || x->recursive != y->recursive
            || !str_eq(x->lsn, y->lsn) || x->last_modify_time != y->last_modify_time)
            return 0;
    }
    if (a->subcomponents.count != b->subcomponents.count) return 0;
    for (i = 0; i < a->subcomponents.count; i++)
    {
        const struct bcd_subcomponent *x = &a->subcomponents.items[i], *y = &b->subcomponents.items[i];
        if (!str_eq(x->logical_path, y->logical_path) || !str_eq(x->name, y->name) || x->repair != y->repair)
            return 0;
    }
    return 1;
}

static int bcds_equal(const struct bcd *a, const struct bcd *b)
{
    size_t i, j;

    if (a->select_components != b->select_components || a->bootable_system_state != b->bootable_system_state
        || a->backup_type != b->backup_type || a->partial_file_support != b->partial_file_support
        || !guid_eq(&a->snapshot_set_id, &b->snapshot_set_id) || a->context != b->context
        || a->restore_type != b->restore_type || a->nwriters != b->nwriters
        || a->has_snapshot_set != b->has_snapshot_set || a->snapshot_set_context != b->snapshot_set_context
        || a->snapshots.count != b->snapshots.count)
        return 0;
    for (i = 0; i < a->snapshots.count; i++)
    {
        const struct bcd_snapshot *x = &a->snapshots.items[i], *y = &b->snapshots.items[i];
        if (!guid_eq(&x->snapshot_id, &y->snapshot_id) || !guid_eq(&x->provider_id, &y->provider_id)
            || x->attributes != y->attributes || !str_eq(x->original_volume, y->original_volume)
            || !str_eq(x->originating_machine, y->originating_machine) || !str_eq(x->service_machine, y->service_machine)
            || !str_eq(x->device, y->device) || x->timestamp != y->timestamp)
            return 0;
    }
    for (i = 0; i < a->nwriters; i++)
    {
        const struct bcd_writer *x = a->writers[i], *y = b->writers[i];
        if (!guid_eq(&x->instance_id, &y->instance_id) || !guid_eq(&x->writer_id, &y->writer_id)
            || !str_eq(x->instance_name, y->instance_name) || x->backup_schema != y->backup_schema
            || x->ncomponents != y->ncomponents)
            return 0;
        for (j = 0; j < x->ncomponents; j++)
            if (!components_equal(x->components[j], y->components[j])) return 0;
    }
    return 1;
}

static struct bcd *round_trip(const struct bcd *bcd)
{
    struct bcd *again = NULL;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_EQUAL(bcd_save_utf8(bcd, &text, &len), 0);
    if (!text) return NULL;
    CU_ASSERT_EQUAL(strlen(text), len);
    CU_ASSERT_EQUAL(bcd_load_utf8(text, len, &again), 0);
    if (again) CU_ASSERT(bcds_equal(bcd, again));
    free(text);
    return again;
}

/* --- the sample ----------------------------------------------------------------- */

static void test_sample(void)
{
    const GUID system_writer = make_guid("e8132975-6f93-4464-a53e-1050253ae220");
    const GUID system_instance = make_guid("ce678d65-95d0-4bea-a43d-2a288bc94500");
    const GUID set_id = make_guid("e109943b-232e-4b52-8dc4-62b7de94761b");
    struct bcd *bcd = NULL, *again;
    struct bcd_writer *w;
    struct bcd_component *c;
    size_t len = 0, out_len = 0;
    char *text = read_sample("BCDocument.xml", &len), *out = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL_FATAL(bcd_load_utf8(text, len, &bcd), 0);
    CU_ASSERT(bcd->bootable_system_state);
    CU_ASSERT(bcd->select_components);
    CU_ASSERT_EQUAL(bcd->backup_type, 1);          /* VSS_BT_FULL */
    CU_ASSERT_FALSE(bcd->partial_file_support);
    CU_ASSERT(guid_eq(&bcd->snapshot_set_id, &set_id));
    CU_ASSERT_EQUAL(bcd->context, 0);
    CU_ASSERT_FALSE(bcd->has_snapshot_set);
    CU_ASSERT_EQUAL_FATAL(bcd->nwriters, 7);
    CU_ASSERT_EQUAL(bcd->ncomponents, 8);

    w = bcd->writers[3];
    CU_ASSERT(guid_eq(&w->writer_id, &system_writer));
    CU_ASSERT(guid_eq(&w->instance_id, &system_instance));
    CU_ASSERT_PTR_NULL(w->instance_name);
    CU_ASSERT_EQUAL(w->backup_schema, 0);
    CU_ASSERT_EQUAL_FATAL(w->ncomponents, 2);
    CU_ASSERT_STRING_EQUAL(w->components[0]->name, "System Files");
    CU_ASSERT_STRING_EQUAL(w->components[1]->name, "Win32 Services Files");
    CU_ASSERT_EQUAL(w->components[1]->type, 2);    /* VSS_CT_FILEGROUP */
    CU_ASSERT_PTR_NULL(w->components[1]->logical_path);
    CU_ASSERT_PTR_NULL(w->components[1]->backup_stamp);
    CU_ASSERT_EQUAL(w->components[1]->restore_target, 1);  /* VSS_RT_ORIGINAL by default */

    c = bcd_find_component(bcd, &system_instance, &system_writer, 2, NULL, "Win32 Services Files");
    CU_ASSERT_PTR_EQUAL(c, w->components[1]);
    CU_ASSERT_PTR_EQUAL(bcd_find_component(bcd, NULL, &system_writer, 0, "", "System Files"), w->components[0]);
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &system_writer, 1, NULL, "System Files"));
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &system_writer, 2, NULL, "system files"));
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &system_writer, 2, "x", "System Files"));
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, &system_writer, &system_writer, 2, NULL, "System Files"));

    /* Written back, it is the same bytes Windows wrote. */
    CU_ASSERT_EQUAL(bcd_save_utf8(bcd, &out, &out_len), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(out_len, len);
    CU_ASSERT_STRING_EQUAL(out, text);
    again = round_trip(bcd);
    bcd_release(again);
    free(out);
    free(text);
    bcd_release(bcd);
}

/* WRITER_COMPONENTS a writer rewrote repeat the namespace, and BACKUP_METADATA
 * resets it to none (VSS-FACTS.md §4.3): both read as part of the document. */
static void test_namespace_resets(void)
{
    static const char text[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
        "<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" bootableSystemStateBackup=\"no\" "
        "selectComponents=\"yes\" backupType=\"full\" partialFileSupport=\"no\" snapshotSetId=\"e109943b-232e-4b52-8dc4-62b7de94761b\">\r\n"
        "   <WRITER_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" instanceId=\"235435d9-34d6-41ea-8c08-5958a9982636\" "
        "writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" instanceName=\"Microsoft SQL Server 2017:SQLWriter\" backupSchema=\"881\">\r\n"
        "      <COMPONENT logicalPath=\"WIN2012-SQL17-2\" componentName=\"master\" componentType=\"filegroup\" backupStamp=\"AAAAAAAAOUQAAQAA\">\r\n"
        "         <BACKUP_METADATA xmlns=\"\" metadata=\"UQBVAEkAUwBDAEUA\"/>\r\n"
        "      </COMPONENT>\r\n"
        "   </WRITER_COMPONENTS>\r\n"
        "</BACKUP_COMPONENTS>\r\n";
    struct bcd *bcd = NULL;
    struct bcd_component *c;

    CU_ASSERT_EQUAL_FATAL(bcd_load_utf8(text, strlen(text), &bcd), 0);
    CU_ASSERT_EQUAL_FATAL(bcd->nwriters, 1);
    CU_ASSERT_STRING_EQUAL(bcd->writers[0]->instance_name, "Microsoft SQL Server 2017:SQLWriter");
    CU_ASSERT_EQUAL(bcd->writers[0]->backup_schema, 881);
    CU_ASSERT_EQUAL_FATAL(bcd->writers[0]->ncomponents, 1);
    c = bcd->writers[0]->components[0];
    CU_ASSERT_STRING_EQUAL(c->logical_path, "WIN2012-SQL17-2");
    CU_ASSERT_STRING_EQUAL(c->backup_stamp, "AAAAAAAAOUQAAQAA");
    CU_ASSERT_STRING_EQUAL(c->backup_metadata, "UQBVAEkAUwBDAEUA");
    bcd_release(round_trip(bcd));
    bcd_release(bcd);
}

/* --- building every field -------------------------------------------------------- */

static const GUID writer_a = { 0xa65faa63, 0x5ea8, 0x4ebc, { 0x9d, 0xbd, 0xa0, 0xc4, 0xdb, 0x26, 0x91, 0x2a } };
static const GUID instance_a = { 0x235435d9, 0x34d6, 0x41ea, { 0x8c, 0x08, 0x59, 0x58, 0xa9, 0x98, 0x26, 0x36 } };
static const GUID instance_b = { 0x11111111, 0x2222, 0x3333, { 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } };
static const GUID writer_c = { 0xe8132975, 0x6f93, 0x4464, { 0xa5, 0x3e, 0x10, 0x50, 0x25, 0x3a, 0xe2, 0x20 } };

static struct bcd *build_full(void)
{
    struct bcd *bcd = NULL;
    struct bcd_component *c, *d;
    struct bcd_writer *w;
    struct bcd_snapshot s;

    CU_ASSERT_EQUAL(bcd_create(&bcd), 0);
    if (!bcd) return NULL;
    bcd->select_components = 1;
    bcd->bootable_system_state = 0;
    bcd->backup_type = 3;       /* VSS_BT_DIFFERENTIAL */
    bcd->partial_file_support = 1;
    bcd->snapshot_set_id = writer_c;
    bcd->context = 0x9;         /* VSS_CTX_APP_ROLLBACK */
    bcd->restore_type = 1;      /* VSS_RTYPE_BY_COPY */

    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 1, "HOST\\INST", "db1", &c), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(bcd_get_writer(bcd, &instance_a, &writer_a, &w), 0);
    CU_ASSERT_EQUAL(bcd_writer_set_instance_name(w, "Instance & <Name>"), 0);
    w->backup_schema = 0x371;

    c->backup_succeeded = 1;
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_options, "opt=\"1\"\ttab"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->previous_backup_stamp, "prev-stamp"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, "stamp\r\nline2"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_metadata, "UQBVAEkAUwBDAEUA"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->prepare_backup_failure_msg, "prepare failed"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->post_snapshot_failure_msg, "post snapshot failed \xe2\x82\xac"), 0);
    CU_ASSERT_EQUAL(bcd_add_partial_file(c, "E:\\data", "db1.mdf", "0:4096,8192:4096", "pf-meta"), 0);
    CU_ASSERT_EQUAL(bcd_add_partial_file(c, "E:\\data", "db1.ndf", NULL, NULL), 0);
    CU_ASSERT_EQUAL(bcd_add_differenced_file(c, "E:\\logs", "*.ldf", 1, NULL, 132000000000000000ull), 0);
    CU_ASSERT_EQUAL(bcd_add_differenced_file(c, "E:\\logs2", "*", 0, "lsn:42", 0), 0);
    CU_ASSERT_EQUAL(bcd_set_failure(c, (HRESULT)0x800423f4, (HRESULT)0x80070005, "app says no", 7), 0);

    c->selected_for_restore = 1;
    c->additional_restores = 1;
    CU_ASSERT_EQUAL(bcd_set_string(&c->restore_options, "ropt"), 0);
    c->file_restore_status = 3;     /* VSS_RS_FAILED */
    c->authoritative_restore = 1;
    c->rollforward_type = 3;        /* VSS_RF_PARTIAL */
    CU_ASSERT_EQUAL(bcd_set_string(&c->rollforward_point, "2024-01-01"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->restore_name, "db1_restored"), 0);
    CU_ASSERT_EQUAL(bcd_add_mapping(c, "E:\\data", "*.mdf", 1, "F:\\alt"), 0);
    CU_ASSERT_EQUAL(bcd_add_new_target(c, "E:\\data", "*.ldf", 0, "G:\\new"), 0);
    CU_ASSERT_EQUAL(bcd_add_subcomponent(c, "HOST\\INST\\db1", "fg1", 0), 0);
    CU_ASSERT_EQUAL(bcd_add_subcomponent(c, NULL, "fg2", 1), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->restore_metadata, "rmeta"), 0);
    c->restore_target = 3;          /* VSS_RT_DIRECTED */
    CU_ASSERT_EQUAL(bcd_set_string(&c->pre_restore_failure_msg, "pre"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->post_restore_failure_msg, "post"), 0);
    CU_ASSERT_EQUAL(bcd_add_directed_target(c, "E:\\a", "f1", "0:10", "F:\\b", "f2", "10:10"), 0);
    CU_ASSERT_EQUAL(bcd_add_directed_target(c, "E:\\a", "f3", NULL, "F:\\b", "f4", NULL), 0);

    /* a second instance of the same writer class, and another writer */
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_b, &writer_a, 2, NULL, "db1", &d), 0);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_c, 2, NULL, "System Files", NULL), 0);

    CU_ASSERT_EQUAL(bcd_set_snapshot_set(bcd, 0x29), 0);
    memset(&s, 0, sizeof(s));
    s.snapshot_id = instance_b;
    s.provider_id = writer_a;
    s.attributes = 0x00120019;
    s.original_volume = "\\\\?\\Volume{c7463abb-f40d-11e9-80c7-806e6f6e6963}\\";
    s.originating_machine = "host.example.org";
    s.service_machine = "host.example.org";
    s.device = "/run/vss/snap1";
    s.timestamp = 133000000000000000ull;
    CU_ASSERT_EQUAL(bcd_add_snapshot(bcd, &s), 0);
    return bcd;
}

static void test_every_field_round_trips(void)
{
    struct bcd *bcd = build_full(), *again;
    struct bcd_component *c;

    CU_ASSERT_PTR_NOT_NULL_FATAL(bcd);
    again = round_trip(bcd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    /* and through WCHAR, as a BSTR travels */
    {
        BSTR bstr = NULL;
        struct bcd *wide = NULL;

        CU_ASSERT_EQUAL(bcd_save_bstr(bcd, &bstr), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bstr);
        CU_ASSERT_EQUAL(bcd_load_wstr(bstr, &wide), 0);
        CU_ASSERT(wide && bcds_equal(bcd, wide));
        bcd_release(wide);
        SysFreeString(bstr);
    }
    c = bcd_find_component(again, &instance_a, &writer_a, 1, "HOST\\INST", "db1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->backup_stamp, "stamp\r\nline2");
    CU_ASSERT_STRING_EQUAL(c->backup_options, "opt=\"1\"\ttab");
    CU_ASSERT_EQUAL(c->failure.hr, (HRESULT)0x800423f4);
    CU_ASSERT_EQUAL(c->differenced_files.items[0].last_modify_time, 132000000000000000ull);
    CU_ASSERT_STRING_EQUAL(again->writers[0]->instance_name, "Instance & <Name>");
    CU_ASSERT_EQUAL(again->snapshots.items[0].attributes, 0x00120019);
    bcd_release(again);
    bcd_release(bcd);
}

/* The spellings Windows was not seen to write ([U] in VSS-FACTS.md §4.3),
 * pinned so that changing one is a decision. */
static void test_pinned_names(void)
{
    static const char *const expect[] =
    {
        "<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" bootableSystemStateBackup=\"no\" "
        "selectComponents=\"yes\" backupType=\"differential\" partialFileSupport=\"yes\" "
        "snapshotSetId=\"e8132975-6f93-4464-a53e-1050253ae220\" context=\"9\" restoreType=\"byCopy\">",
        "<WRITER_COMPONENTS instanceId=\"235435d9-34d6-41ea-8c08-5958a9982636\" writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        "instanceName=\"Instance &amp; &lt;Name&gt;\" backupSchema=\"881\">",
        "<COMPONENT logicalPath=\"HOST\\INST\" componentName=\"db1\" componentType=\"database\" backupStamp=\"stamp&#13;&#10;line2\" "
        "previousBackupStamp=\"prev-stamp\" backupOptions=\"opt=&quot;1&quot;&#9;tab\" backupSucceeded=\"yes\" "
        "prepareForBackupFailureMsg=\"prepare failed\" postSnapshotFailureMsg=\"post snapshot failed \xe2\x82\xac\" "
        "selectedForRestore=\"yes\" additionalRestores=\"yes\" restoreOptions=\"ropt\" restoreTarget=\"directed\" "
        "fileRestoreStatus=\"failed\" authoritativeRestore=\"yes\" rollForwardType=\"partial\" rollForwardPoint=\"2024-01-01\" "
        "restoreName=\"db1_restored\" preRestoreFailureMsg=\"pre\" postRestoreFailureMsg=\"post\">",
        "<BACKUP_METADATA xmlns=\"\" metadata=\"UQBVAEkAUwBDAEUA\"/>",
        "<RESTORE_METADATA xmlns=\"\" metadata=\"rmeta\"/>",
        "<ALTERNATE_LOCATION_MAPPING path=\"E:\\data\" filespec=\"*.mdf\" recursive=\"yes\" alternatePath=\"F:\\alt\"/>",
        "<NEW_TARGET path=\"E:\\data\" filespec=\"*.ldf\" recursive=\"no\" alternatePath=\"G:\\new\"/>",
        "<PARTIAL_FILE path=\"E:\\data\" filename=\"db1.mdf\" ranges=\"0:4096,8192:4096\" metadata=\"pf-meta\"/>",
        "<PARTIAL_FILE path=\"E:\\data\" filename=\"db1.ndf\"/>",
        "<DIRECTED_TARGET sourcePath=\"E:\\a\" sourceFilename=\"f1\" sourceRangeList=\"0:10\" destinationPath=\"F:\\b\" "
        "destinationFilename=\"f2\" destinationRangeList=\"10:10\"/>",
        "<DIFFERENCED_FILE path=\"E:\\logs\" filespec=\"*.ldf\" recursive=\"yes\" lastModifyTime=\"132000000000000000\"/>",
        "<DIFFERENCED_FILE path=\"E:\\logs2\" filespec=\"*\" recursive=\"no\" lsnString=\"lsn:42\"/>",
        "<RESTORE_SUBCOMPONENT logicalPath=\"HOST\\INST\\db1\" componentName=\"fg1\" repair=\"no\"/>",
        "<RESTORE_SUBCOMPONENT componentName=\"fg2\" repair=\"yes\"/>",
        "<FAILURE hr=\"2147754996\" applicationHr=\"2147942405\" applicationMessage=\"app says no\" flags=\"7\"/></COMPONENT>",
        "<WRITER_COMPONENTS instanceId=\"11111111-2222-3333-4444-555555555555\" writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        "backupSchema=\"0\"><COMPONENT componentName=\"db1\" componentType=\"filegroup\"/></WRITER_COMPONENTS>",
        "<SNAPSHOT_SET_DESCRIPTION snapshotSetId=\"e8132975-6f93-4464-a53e-1050253ae220\" context=\"41\">"
        "<SNAPSHOT_DESCRIPTION snapshotId=\"11111111-2222-3333-4444-555555555555\" providerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        "snapshotAttributes=\"1179673\" originalVolumeName=\"\\\\?\\Volume{c7463abb-f40d-11e9-80c7-806e6f6e6963}\\\" "
        "originatingMachine=\"host.example.org\" serviceMachine=\"host.example.org\" snapshotDeviceObject=\"/run/vss/snap1\" "
        "timestamp=\"133000000000000000\"/></SNAPSHOT_SET_DESCRIPTION></BACKUP_COMPONENTS>",
    };
    struct bcd *bcd = build_full();
    char *text = NULL;
    size_t len, i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(bcd);
    CU_ASSERT_EQUAL_FATAL(bcd_save_utf8(bcd, &text, &len), 0);
    for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
    {
        if (!strstr(text, expect[i])) fprintf(stderr, "missing: %s\nin: %s\n", expect[i], text);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, expect[i]));
    }
    free(text);
    bcd_release(bcd);
}

/* --- components ---------------------------------------------------------------------- */

static void test_add_and_find(void)
{
    struct bcd *bcd = NULL;
    struct bcd_component *c = NULL, *d = NULL;

    CU_ASSERT_EQUAL_FATAL(bcd_create(&bcd), 0);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 2, NULL, "files", &c), 0);
    /* same logical path and name for the same instance: VSS-FACTS.md §2.1 R8 */
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 2, "", "files", NULL), -EEXIST);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 1, NULL, "files", NULL), -EEXIST);
    /* another instance of the class may have it */
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_b, &writer_a, 2, NULL, "files", &d), 0);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 2, "p", "files", NULL), 0);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 0, NULL, "x", NULL), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 3, NULL, "x", NULL), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 2, NULL, "", NULL), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 2, NULL, NULL, NULL), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_component(bcd, &instance_a, &writer_a, 2, "\x1b", "x", NULL), -EINVAL);

    CU_ASSERT_PTR_EQUAL(bcd_find_component(bcd, &instance_a, &writer_a, 2, NULL, "files"), c);
    CU_ASSERT_PTR_EQUAL(bcd_find_component(bcd, &instance_b, &writer_a, 2, NULL, "files"), d);
    /* no instance: the first one added */
    CU_ASSERT_PTR_EQUAL(bcd_find_component(bcd, NULL, &writer_a, 2, "", "files"), c);
    CU_ASSERT_PTR_EQUAL(bcd_find_component(bcd, &(GUID){ 0 }, &writer_a, 0, NULL, "files"), c);
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &writer_a, 1, NULL, "files"));
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &writer_c, 2, NULL, "files"));
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &writer_a, 2, NULL, "Files"));
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &writer_a, 2, NULL, NULL));
    CU_ASSERT_EQUAL(bcd->nwriters, 2);
    CU_ASSERT_PTR_NOT_NULL(bcd_find_writer(bcd, &instance_b, &writer_a));
    CU_ASSERT_PTR_NULL(bcd_find_writer(bcd, &instance_b, &writer_c));

    /* setters refuse what XML cannot carry and keep the old value */
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, "ok"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, "bad\x01"), -EINVAL);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, "bad\xff"), -EINVAL);
    CU_ASSERT_STRING_EQUAL(c->backup_stamp, "ok");
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, NULL), 0);
    CU_ASSERT_PTR_NULL(c->backup_stamp);
    CU_ASSERT_EQUAL(bcd_add_partial_file(c, NULL, "f", NULL, NULL), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_partial_file(c, "p", "f", NULL, NULL), 0);
    CU_ASSERT_EQUAL(bcd_set_partial_file_ranges(c, 0, "/tmp/ranges"), 0);
    CU_ASSERT_STRING_EQUAL(c->partial_files.items[0].ranges, "/tmp/ranges");
    CU_ASSERT_EQUAL(bcd_set_partial_file_ranges(c, 1, "x"), -ERANGE);
    CU_ASSERT_EQUAL(bcd_add_mapping(c, "p", "f", 0, NULL), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_subcomponent(c, NULL, "", 0), -EINVAL);
    CU_ASSERT_EQUAL(bcd_add_directed_target(c, "a", NULL, NULL, "b", "c", NULL), -EINVAL);
    bcd_release(bcd);
}

/* 10,000 components: add, find each, save, load. */
static void test_many_components(void)
{
    struct bcd *bcd = NULL, *again;
    char name[32], path[32];
    size_t i, found = 0;

    CU_ASSERT_EQUAL_FATAL(bcd_create(&bcd), 0);
    for (i = 0; i < 10000; i++)
    {
        GUID instance = instance_a;

        instance.Data1 = i % 10;
        snprintf(name, sizeof(name), "component%zu", i);
        snprintf(path, sizeof(path), "path%zu", i % 7);
        if (bcd_add_component(bcd, &instance, &writer_a, 1 + i % 2, path, name, NULL)) break;
    }
    CU_ASSERT_EQUAL(i, 10000);
    CU_ASSERT_EQUAL(bcd->nwriters, 10);
    for (i = 0; i < 10000; i += 7)
    {
        snprintf(name, sizeof(name), "component%zu", i);
        snprintf(path, sizeof(path), "path%zu", i % 7);
        found += !!bcd_find_component(bcd, NULL, &writer_a, 1 + i % 2, path, name);
    }
    CU_ASSERT_EQUAL(found, (10000 + 6) / 7);
    again = round_trip(bcd);
    CU_ASSERT_PTR_NOT_NULL(again);
    if (again) CU_ASSERT_EQUAL(again->ncomponents, 10000);
    bcd_release(again);
    bcd_release(bcd);
}

/* --- the writer's view -------------------------------------------------------------- */

static void test_writer_view(void)
{
    struct bcd *bcd = build_full(), *sub = NULL, *before = NULL;
    struct bcd_component *c, *orig;
    char *text = NULL, *saved = NULL;
    size_t len, saved_len;

    CU_ASSERT_PTR_NOT_NULL_FATAL(bcd);
    /* the writer gets the root attributes and only its own instance */
    CU_ASSERT_EQUAL_FATAL(bcd_save_writer_utf8(bcd, &instance_a, &writer_a, &text, &len), 0);
    CU_ASSERT_EQUAL_FATAL(bcd_load_utf8(text, len, &sub), 0);
    free(text);
    CU_ASSERT_EQUAL(sub->backup_type, 3);
    CU_ASSERT(sub->partial_file_support);
    CU_ASSERT_EQUAL_FATAL(sub->nwriters, 1);
    CU_ASSERT(guid_eq(&sub->writers[0]->instance_id, &instance_a));
    CU_ASSERT_EQUAL(sub->writers[0]->ncomponents, 1);
    CU_ASSERT_FALSE(sub->has_snapshot_set);
    orig = bcd_find_component(bcd, &instance_a, &writer_a, 1, "HOST\\INST", "db1");
    CU_ASSERT(components_equal(sub->writers[0]->components[0], orig));

    /* a writer with no components gets an empty entry */
    CU_ASSERT_EQUAL(bcd_save_writer_utf8(bcd, &instance_b, &writer_c, &text, &len), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<WRITER_COMPONENTS instanceId=\"11111111-2222-3333-4444-555555555555\" "
                                        "writerId=\"e8132975-6f93-4464-a53e-1050253ae220\" backupSchema=\"0\"/>"));
    free(text);

    /* the writer edits its component: writer fields and, illegitimately, requester fields */
    c = sub->writers[0]->components[0];
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, "new stamp"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_metadata, NULL), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->restore_metadata, "new restore metadata"), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->post_restore_failure_msg, "new post"), 0);
    CU_ASSERT_EQUAL(bcd_add_partial_file(c, "/x", "y", NULL, NULL), 0);
    CU_ASSERT_EQUAL(bcd_add_directed_target(c, "s", "sf", NULL, "d", "df", NULL), 0);
    CU_ASSERT_EQUAL(bcd_set_failure(c, 1, 2, NULL, 0), 0);
    c->restore_target = 2;
    c->backup_succeeded = 0;
    c->selected_for_restore = 0;
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_options, "hacked"), 0);
    CU_ASSERT_EQUAL(bcd_add_mapping(c, "/a", "*", 0, "/b"), 0);
    /* ... adds a component and edits another writer's entry */
    CU_ASSERT_EQUAL(bcd_add_component(sub, &instance_a, &writer_a, 2, NULL, "invented", NULL), 0);
    CU_ASSERT_EQUAL(bcd_add_component(sub, &instance_a, &writer_c, 2, NULL, "System Files", &c), 0);
    CU_ASSERT_EQUAL(bcd_set_string(&c->backup_stamp, "not yours"), 0);

    /* the reply travels as XML */
    CU_ASSERT_EQUAL_FATAL(bcd_save_utf8(sub, &text, &len), 0);
    bcd_release(sub);
    sub = NULL;
    CU_ASSERT_EQUAL_FATAL(bcd_load_utf8(text, len, &sub), 0);
    free(text);

    CU_ASSERT_EQUAL_FATAL(bcd_save_utf8(bcd, &saved, &saved_len), 0);
    CU_ASSERT_EQUAL_FATAL(bcd_load_utf8(saved, saved_len, &before), 0);
    free(saved);
    CU_ASSERT_EQUAL(bcd_merge_writer(bcd, &instance_a, &writer_a, sub), 0);

    CU_ASSERT_STRING_EQUAL(orig->backup_stamp, "new stamp");
    CU_ASSERT_PTR_NULL(orig->backup_metadata);
    CU_ASSERT_STRING_EQUAL(orig->restore_metadata, "new restore metadata");
    CU_ASSERT_STRING_EQUAL(orig->post_restore_failure_msg, "new post");
    CU_ASSERT_STRING_EQUAL(orig->pre_restore_failure_msg, "pre");
    CU_ASSERT_EQUAL(orig->partial_files.count, 3);
    CU_ASSERT_EQUAL(orig->directed_targets.count, 3);
    CU_ASSERT_EQUAL(orig->differenced_files.count, 2);
    CU_ASSERT_EQUAL(orig->failure.hr, 1);
    CU_ASSERT_PTR_NULL(orig->failure.message);
    CU_ASSERT_EQUAL(orig->restore_target, 2);
    /* requester fields, other components and other writers are untouched */
    CU_ASSERT(orig->backup_succeeded);
    CU_ASSERT(orig->selected_for_restore);
    CU_ASSERT_STRING_EQUAL(orig->backup_options, "opt=\"1\"\ttab");
    CU_ASSERT_EQUAL(orig->mappings.count, 1);
    CU_ASSERT_PTR_NULL(bcd_find_component(bcd, NULL, &writer_a, 0, NULL, "invented"));
    c = bcd_find_component(bcd, &instance_a, &writer_c, 2, NULL, "System Files");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NULL(c->backup_stamp);
    CU_ASSERT(components_equal(bcd->writers[1]->components[0], before->writers[1]->components[0]));
    CU_ASSERT(components_equal(bcd->writers[2]->components[0], before->writers[2]->components[0]));

    /* a document without the writer's entry changes nothing */
    CU_ASSERT_EQUAL(bcd_merge_writer(bcd, &instance_b, &writer_c, sub), 0);
    bcd_release(before);
    bcd_release(sub);
    bcd_release(bcd);
}

static CU_TestInfo bcd_tests[] =
{
    { "sample BCDocument.xml, byte for byte", test_sample },
    { "namespace resets", test_namespace_resets },
    { "every field round-trips", test_every_field_round_trips },
    { "pinned names", test_pinned_names },
    { "add and find components", test_add_and_find },
    { "10,000 components", test_many_components },
    { "writer's view and merge", test_writer_view },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(bcd, NULL, NULL, bcd_tests);
