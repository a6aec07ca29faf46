/*
 * test_wmd.c: the Writer Metadata Document model (dlls/vssapi/wmd.c) reads
 * every WMD Windows Server 2012 R2 wrote in ../shared/samples, writes the
 * same shape back (VSS-FACTS.md §4.1-4.2), and round-trips every field.
 * The COM view of the same documents is tested in test_examine.c; hostile
 * input in test_wmd_bad.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "harness.h"
#include "wmd.h"
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
    if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)
        && (buf = malloc(size + 1)))
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

static struct wmd *load_sample(const char *name)
{
    struct wmd *wmd = NULL;
    size_t len = 0;
    char *text = read_sample(name, &len);
    int ret;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    ret = wmd_load_utf8(text, len, &wmd);
    CU_ASSERT_EQUAL(ret, 0);
    free(text);
    return wmd;
}

static int guid_is(const GUID *guid, const char *text)
{
    GUID expect;
    return !xml_parse_guid(text, &expect) && !memcmp(guid, &expect, sizeof(expect));
}

static int str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return !strcmp(a, b);
}

/* --- field-by-field comparison, used by every round trip --------------------- */

static int files_equal(const struct wmd_file_list *a, const struct wmd_file_list *b)
{
    size_t i;

    if (a->count != b->count) return 0;
    for (i = 0; i < a->count; i++)
    {
        const struct wmd_file *x = &a->items[i], *y = &b->items[i];
        if (!str_eq(x->path, y->path) || !str_eq(x->filespec, y->filespec)
            || !str_eq(x->alternate, y->alternate) || x->recursive != y->recursive
            || x->backup_type_mask != y->backup_type_mask)
            return 0;
    }
    return 1;
}

static int components_equal(const struct wmd_component *a, const struct wmd_component *b)
{
    size_t i;

    if (a->type != b->type || !str_eq(a->logical_path, b->logical_path) || !str_eq(a->name, b->name)
        || !str_eq(a->caption, b->caption) || a->icon_size != b->icon_size
        || (a->icon_size && memcmp(a->icon, b->icon, a->icon_size))
        || a->restore_metadata != b->restore_metadata
        || a->notify_on_backup_complete != b->notify_on_backup_complete
        || a->selectable != b->selectable || a->selectable_for_restore != b->selectable_for_restore
        || a->flags != b->flags || !files_equal(&a->files, &b->files)
        || !files_equal(&a->database_files, &b->database_files)
        || !files_equal(&a->database_logs, &b->database_logs) || a->ndependencies != b->ndependencies)
        return 0;
    for (i = 0; i < a->ndependencies; i++)
    {
        const struct wmd_dependency *x = &a->dependencies[i], *y = &b->dependencies[i];
        if (memcmp(&x->writer_id, &y->writer_id, sizeof(GUID)) || !str_eq(x->logical_path, y->logical_path)
            || !str_eq(x->component_name, y->component_name))
            return 0;
    }
    return 1;
}

static int wmds_equal(const struct wmd *a, const struct wmd *b)
{
    const struct wmd_identity *x = &a->identity, *y = &b->identity;
    size_t i;

    if (memcmp(&x->writer_id, &y->writer_id, sizeof(GUID)) || memcmp(&x->instance_id, &y->instance_id, sizeof(GUID))
        || !str_eq(x->instance_name, y->instance_name) || !str_eq(x->friendly_name, y->friendly_name)
        || x->usage != y->usage || x->source != y->source || x->major_version != y->major_version
        || x->minor_version != y->minor_version)
        return 0;
    if (a->backup_schema != b->backup_schema || a->restore.present != b->restore.present)
        return 0;
    if (a->restore.present
        && (a->restore.method != b->restore.method || !str_eq(a->restore.service, b->restore.service)
            || !str_eq(a->restore.user_procedure, b->restore.user_procedure)
            || a->restore.writer_restore != b->restore.writer_restore
            || a->restore.reboot_required != b->restore.reboot_required))
        return 0;
    if (!files_equal(&a->mappings, &b->mappings) || !files_equal(&a->excludes, &b->excludes)
        || !files_equal(&a->excludes_from_snapshot, &b->excludes_from_snapshot)
        || a->ncomponents != b->ncomponents)
        return 0;
    for (i = 0; i < a->ncomponents; i++)
        if (!components_equal(a->components[i], b->components[i])) return 0;
    return 1;
}

/* save, load again, compare */
static void check_round_trip(const struct wmd *wmd)
{
    struct wmd *again = NULL;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_EQUAL_FATAL(wmd_save_utf8(wmd, &text, &len), 0);
    CU_ASSERT_EQUAL(strlen(text), len);
    CU_ASSERT_EQUAL(wmd_load_utf8(text, len, &again), 0);
    CU_ASSERT_PTR_NOT_NULL(again);
    if (again) CU_ASSERT(wmds_equal(wmd, again));
    wmd_release(again);
    free(text);
}

/* --- the samples ----------------------------------------------------------- */

static void test_sample_task_scheduler(void)
{
    struct wmd *wmd = load_sample("WM0.xml");
    const struct wmd_component *c;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    /* upper-case GUIDs read like lower-case ones (VSS-FACTS.md §4.1) */
    CU_ASSERT(guid_is(&wmd->identity.writer_id, "d61d61c8-d73a-4eee-8cdd-f6f9786b7124"));
    CU_ASSERT(guid_is(&wmd->identity.instance_id, "1bddd48e-5052-49db-9b07-b96f96727e6b"));
    CU_ASSERT_STRING_EQUAL(wmd->identity.friendly_name, "Task Scheduler Writer");
    CU_ASSERT_PTR_NULL(wmd->identity.instance_name);
    CU_ASSERT_EQUAL(wmd->identity.usage, 1);       /* VSS_UT_BOOTABLESYSTEMSTATE */
    CU_ASSERT_EQUAL(wmd->identity.source, 3);      /* VSS_ST_OTHER */
    CU_ASSERT_EQUAL(wmd->identity.major_version, 0);
    CU_ASSERT_EQUAL(wmd->backup_schema, 0);
    CU_ASSERT(wmd->restore.present);
    CU_ASSERT_EQUAL(wmd->restore.method, 6);       /* VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE */
    CU_ASSERT_EQUAL(wmd->restore.writer_restore, 1); /* VSS_WRE_NEVER */
    CU_ASSERT_EQUAL(wmd->restore.reboot_required, 0);
    CU_ASSERT_EQUAL_FATAL(wmd->ncomponents, 1);
    c = wmd->components[0];
    CU_ASSERT_EQUAL(c->type, 2);
    CU_ASSERT_PTR_NULL(c->logical_path);
    CU_ASSERT_STRING_EQUAL(c->name, "TasksStore");
    CU_ASSERT_STRING_EQUAL(c->caption, "Tasks Store");
    CU_ASSERT_FALSE(c->selectable);
    CU_ASSERT_EQUAL_FATAL(c->files.count, 2);
    CU_ASSERT_STRING_EQUAL(c->files.items[0].path, "%WinDir%\\System32\\Tasks");
    CU_ASSERT_STRING_EQUAL(c->files.items[0].filespec, "*");
    CU_ASSERT(c->files.items[0].recursive);
    CU_ASSERT_EQUAL(c->files.items[0].backup_type_mask, 3855);
    CU_ASSERT_STRING_EQUAL(c->files.items[1].path, "%WinDir%\\Tasks");
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_sample_system_writer(void)
{
    struct wmd *wmd = load_sample("WM3.xml");
    const struct wmd_component *c;
    size_t i, recursive = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_STRING_EQUAL(wmd->identity.friendly_name, "System Writer");
    CU_ASSERT(guid_is(&wmd->identity.writer_id, "e8132975-6f93-4464-a53e-1050253ae220"));
    CU_ASSERT(wmd->restore.reboot_required);
    CU_ASSERT_EQUAL_FATAL(wmd->ncomponents, 2);
    c = wmd->components[0];
    CU_ASSERT_STRING_EQUAL(c->name, "System Files");
    CU_ASSERT(c->selectable);
    CU_ASSERT_EQUAL(c->flags, 0);
    CU_ASSERT_EQUAL_FATAL(c->files.count, 18897);
    CU_ASSERT_STRING_EQUAL(c->files.items[0].path,
                           "C:\\Windows\\system32\\CatRoot\\{127D0A1D-4EF2-11D1-8608-00C04FC295EE}");
    for (i = 0; i < c->files.count; i++) recursive += c->files.items[i].recursive;
    CU_ASSERT_EQUAL(recursive, 13);
    c = wmd->components[1];
    CU_ASSERT_STRING_EQUAL(c->name, "Win32 Services Files");
    CU_ASSERT_EQUAL(c->flags, 4);                  /* VSS_CF_NOT_SYSTEM_STATE */
    CU_ASSERT_EQUAL_FATAL(c->files.count, 28);
    CU_ASSERT_STRING_EQUAL(c->files.items[27].path, "c:\\program files\\microsoft sql server\\140\\dts\\binn");
    CU_ASSERT_STRING_EQUAL(c->files.items[27].filespec, "sqlceip.exe");
    CU_ASSERT_FALSE(c->files.items[27].recursive); /* recursive omitted reads as no */
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_sample_asr_writer(void)
{
    struct wmd *wmd = load_sample("WM4.xml");
    const struct wmd_component *c;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_STRING_EQUAL(wmd->identity.friendly_name, "ASR Writer");
    CU_ASSERT_EQUAL(wmd->restore.method, 2);       /* VSS_RME_RESTORE_IF_CAN_REPLACE */
    CU_ASSERT(wmd->restore.reboot_required);
    CU_ASSERT_EQUAL_FATAL(wmd->ncomponents, 10);
    CU_ASSERT_STRING_EQUAL(wmd->components[0]->logical_path, "ASR");
    CU_ASSERT_EQUAL(wmd->components[0]->files.count, 0);
    c = wmd->components[2];
    CU_ASSERT_STRING_EQUAL(c->logical_path, "Volumes");
    CU_ASSERT_STRING_EQUAL(c->name, "Volume{c7463abb-f40d-11e9-80c7-806e6f6e6963}");
    /* The file has raw CR LF inside the attribute: XML reads each line end as
     * one space (attribute-value normalisation), as MSXML does. */
    CU_ASSERT_STRING_EQUAL(c->caption, "Select this volume (C:) if it is a critical volume. "
                           "Critical volumes are those which ASR must restore. ");
    c = wmd->components[5];
    CU_ASSERT_STRING_EQUAL(c->logical_path, "Disks");
    CU_ASSERT_STRING_EQUAL(c->name, "harddisk3");
    CU_ASSERT(c->selectable && c->selectable_for_restore);
    c = wmd->components[9];
    CU_ASSERT_STRING_EQUAL(c->name, "BCD");
    CU_ASSERT_EQUAL_FATAL(c->files.count, 1);
    CU_ASSERT_STRING_EQUAL(c->files.items[0].path, "\\\\?\\Volume{c7463aba-f40d-11e9-80c7-806e6f6e6963}\\Boot");
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_sample_sql_writer(void)
{
    struct wmd *wmd = load_sample("WM5.xml");
    const struct wmd_component *c;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_EQUAL(wmd->backup_schema, 881);
    CU_ASSERT_STRING_EQUAL(wmd->identity.instance_name, "Microsoft SQL Server 2017:SQLWriter");
    CU_ASSERT_STRING_EQUAL(wmd->identity.friendly_name, "SqlServerWriter");
    CU_ASSERT_EQUAL(wmd->identity.usage, 3);       /* VSS_UT_USERDATA */
    CU_ASSERT_EQUAL(wmd->identity.source, 1);      /* VSS_ST_TRANSACTEDDB */
    CU_ASSERT_EQUAL(wmd->restore.writer_restore, 3); /* VSS_WRE_ALWAYS */
    CU_ASSERT_EQUAL_FATAL(wmd->ncomponents, 6);
    c = wmd->components[4];
    CU_ASSERT_STRING_EQUAL(c->logical_path, "WIN2012-SQL17-2");
    CU_ASSERT_STRING_EQUAL(c->name, "NonNimbleDatabase");
    CU_ASSERT_PTR_NULL(c->caption);
    CU_ASSERT(c->notify_on_backup_complete);
    CU_ASSERT_EQUAL(c->flags, 2);                  /* VSS_CF_APP_ROLLBACK_RECOVERY */
    CU_ASSERT_EQUAL_FATAL(c->files.count, 2);
    CU_ASSERT_STRING_EQUAL(c->files.items[1].path, "F:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA");
    CU_ASSERT_STRING_EQUAL(c->files.items[1].filespec, "NonNimbleDatabase_log.ldf");
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_sample_exclusions(void)
{
    struct wmd *wmd = load_sample("WM6.xml");

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_STRING_EQUAL(wmd->identity.friendly_name, "Shadow Copy Optimization Writer");
    CU_ASSERT_FALSE(wmd->restore.present);
    CU_ASSERT_EQUAL(wmd->ncomponents, 0);
    CU_ASSERT_EQUAL(wmd->excludes.count, 0);
    CU_ASSERT_EQUAL_FATAL(wmd->excludes_from_snapshot.count, 17);
    CU_ASSERT_STRING_EQUAL(wmd->excludes_from_snapshot.items[4].path, "\\System Volume Information\\Heat");
    CU_ASSERT_STRING_EQUAL(wmd->excludes_from_snapshot.items[4].filespec, "*.*");
    CU_ASSERT(wmd->excludes_from_snapshot.items[4].recursive);
    CU_ASSERT_FALSE(wmd->excludes_from_snapshot.items[0].recursive);
    check_round_trip(wmd);
    wmd_release(wmd);

    wmd = load_sample("WM7.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_EQUAL(wmd->identity.usage, 2);       /* VSS_UT_SYSTEMSERVICE */
    CU_ASSERT_EQUAL_FATAL(wmd->excludes.count, 3);
    CU_ASSERT_STRING_EQUAL(wmd->excludes.items[2].path, "C:\\ProgramData\\Microsoft\\Network\\Downloader\\");
    CU_ASSERT(wmd->excludes.items[2].recursive);
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_sample_restore_method_last(void)
{
    /* the WMI writer writes RESTORE_METHOD after BACKUP_LOCATIONS */
    struct wmd *wmd = load_sample("WM8.xml");

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT(wmd->restore.present);
    CU_ASSERT_EQUAL(wmd->restore.method, 5);       /* VSS_RME_RESTORE_AT_REBOOT */
    CU_ASSERT(wmd->restore.reboot_required);
    CU_ASSERT_EQUAL_FATAL(wmd->ncomponents, 1);
    CU_ASSERT_STRING_EQUAL(wmd->components[0]->caption, "Windows Managment Instrumentation");
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_sample_all(void)
{
    static const char *const names[] =
    {
        "WM0.xml", "WM1.xml", "WM2.xml", "WM3.xml", "WM4.xml", "WM5.xml",
        "WM6.xml", "WM7.xml", "WM8.xml", "WM9.xml", "WM10.xml",
    };
    static const char *const writers[] =
    {
        "Task Scheduler Writer", "VSS Metadata Store Writer", "Performance Counters Writer",
        "System Writer", "ASR Writer", "SqlServerWriter", "Shadow Copy Optimization Writer",
        "BITS Writer", "WMI Writer", "Registry Writer", "COM+ REGDB Writer",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        struct wmd *wmd = load_sample(names[i]);

        CU_ASSERT_PTR_NOT_NULL(wmd);
        if (!wmd) continue;
        CU_ASSERT_STRING_EQUAL(wmd->identity.friendly_name, writers[i]);
        check_round_trip(wmd);
        wmd_release(wmd);
    }
}

static void test_sample_registry_counts(void)
{
    struct wmd *wmd = load_sample("WM9.xml");

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_EQUAL_FATAL(wmd->ncomponents, 1);
    CU_ASSERT_EQUAL(wmd->components[0]->files.count, 9);
    CU_ASSERT_EQUAL(wmd->excludes.count, 5);
    CU_ASSERT_STRING_EQUAL(wmd->excludes.items[4].filespec, "COMPONENTS.LOG");
    wmd_release(wmd);
}

/* Loading from WCHAR gives the same document as loading the UTF-8 bytes. */
static void test_load_wstr(void)
{
    struct wmd *a = load_sample("WM5.xml"), *b = NULL;
    size_t len = 0;
    char *text = read_sample("WM5.xml", &len);
    WCHAR *wide = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(wstr_from_utf8(text, &wide), 0);
    CU_ASSERT_EQUAL(wmd_load_wstr(wide, &b), 0);
    CU_ASSERT(a && b && wmds_equal(a, b));
    wmd_release(a);
    wmd_release(b);
    free(wide);
    free(text);
}

/* --- building and the exact output shape ----------------------------------- */

static const GUID writer_id = { 0xa65faa63, 0x5ea8, 0x4ebc, { 0x9d, 0xbd, 0xa0, 0xc4, 0xdb, 0x26, 0x91, 0x2a } };
static const GUID instance_id = { 0x235435d9, 0x34d6, 0x41ea, { 0x8c, 0x08, 0x59, 0x58, 0xa9, 0x98, 0x26, 0x36 } };

static struct wmd *create_wmd(void)
{
    struct wmd_identity id;
    struct wmd *wmd = NULL;

    memset(&id, 0, sizeof(id));
    id.writer_id = writer_id;
    id.instance_id = instance_id;
    id.friendly_name = "SqlServerWriter";
    id.instance_name = "Microsoft SQL Server 2017:SQLWriter";
    id.usage = 3;
    id.source = 1;
    CU_ASSERT_EQUAL(wmd_create(&id, &wmd), 0);
    return wmd;
}

/* The writer's calls give the document Windows' own SQL writer wrote (WM5.xml,
 * first component), attribute for attribute (VSS-FACTS.md §4.2). */
static void test_save_shape(void)
{
    static const char expect[] =
        "<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\" backupSchema=\"881\">"
        "<IDENTIFICATION writerId=\"a65faa63-5ea8-4ebc-9dbd-a0c4db26912a\" "
        "instanceId=\"235435d9-34d6-41ea-8c08-5958a9982636\" instanceName=\"Microsoft SQL Server 2017:SQLWriter\" "
        "friendlyName=\"SqlServerWriter\" usage=\"USER_DATA\" dataSource=\"TRANSACTION_DB\" "
        "majorVersion=\"0\" minorVersion=\"0\"/>"
        "<RESTORE_METHOD method=\"RESTORE_IF_CAN_BE_REPLACED\" writerRestore=\"always\" rebootRequired=\"no\"/>"
        "<BACKUP_LOCATIONS><FILE_GROUP logicalPath=\"WIN2012-SQL17-2\" componentName=\"master\" "
        "restoreMetadata=\"no\" notifyOnBackupComplete=\"yes\" selectable=\"yes\" selectableForRestore=\"yes\" "
        "componentFlags=\"2\">"
        "<FILE_LIST path=\"E:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA\" filespec=\"master.mdf\" recursive=\"no\" "
        "filespecBackupType=\"3855\"/>"
        "</FILE_GROUP>"
        "<EXCLUDE_FILES path=\"F:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA\" filespec=\"X.mdf\" recursive=\"no\"/>"
        "</BACKUP_LOCATIONS></WRITER_METADATA>";
    struct wmd *wmd = create_wmd();
    struct wmd_component *c;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    wmd->backup_schema = 881;
    CU_ASSERT_EQUAL(wmd_set_restore_method(wmd, 2, NULL, NULL, 3, 0), 0);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, "WIN2012-SQL17-2", "master", NULL, NULL, 0, 0, 1, 1, 1, 2, &c), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &c->files, "E:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA", "master.mdf", 0, NULL,
                                 WMD_DEFAULT_BACKUP_TYPE_MASK), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->excludes, "F:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA", "X.mdf", 0, NULL, 0), 0);
    CU_ASSERT_EQUAL(wmd_save_utf8(wmd, &text, &len), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, expect);
    free(text);
    wmd_release(wmd);
}

/* Every builder call survives save and load, including the element names
 * Windows was not seen to write ([U] in VSS-FACTS.md §4.2, pinned here). */
static void test_build_round_trip(void)
{
    static const unsigned char icon[] = { 0x89, 'P', 'N', 'G', 0, 1, 2, 0xff };
    struct wmd *wmd = create_wmd(), *again = NULL;
    struct wmd_component *db, *fg;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    wmd->identity.major_version = 7;
    wmd->identity.minor_version = 3;
    wmd->backup_schema = 0x371;
    CU_ASSERT_EQUAL(wmd_set_restore_method(wmd, 3, "MSSQLSERVER", "http://example/restore.html", 2, 1), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->mappings, "E:\\data", "*.mdf", 1, "F:\\restored", 0), 0);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 1, "HOST\\INSTANCE", "db1", "Database \"one\" <&>", icon, sizeof(icon),
                                      1, 1, 1, 0, 3, &db), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &db->database_files, "E:\\data", "db1.mdf", 0, NULL, 0x10f), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &db->database_logs, "E:\\logs", "db1*.ldf", 0, NULL, 0xf0f), 0);
    CU_ASSERT_EQUAL(wmd_add_dependency(wmd, db, &instance_id, "OTHER", "component"), 0);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, NULL, "files", "", NULL, 0, 0, 0, 1, 1, 0, &fg), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &fg->files, "/srv/data\twith tab", "line\nend\r\n", 1, "/alt", 0x3), 0);
    CU_ASSERT_EQUAL(wmd_add_dependency(wmd, fg, &writer_id, NULL, "db1"), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->excludes, "/tmp", "*", 1, NULL, 0), 0);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->excludes_from_snapshot, "/var/cache", "*.tmp", 0, NULL, 0), 0);

    CU_ASSERT_EQUAL_FATAL(wmd_save_utf8(wmd, &text, &len), 0);
    /* pinned names and spellings */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<RESTORE_METHOD method=\"STOP_RESTORE_START\" service=\"MSSQLSERVER\" "
                                        "userProcedure=\"http://example/restore.html\" writerRestore=\"ifReplaceFails\" "
                                        "rebootRequired=\"yes\"><ALTERNATE_LOCATION_MAPPING path=\"E:\\data\" "
                                        "filespec=\"*.mdf\" recursive=\"yes\" alternatePath=\"F:\\restored\"/>"
                                        "</RESTORE_METHOD>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<DATABASE logicalPath=\"HOST\\INSTANCE\" componentName=\"db1\" "
                                        "caption=\"Database &quot;one&quot; &lt;&amp;&gt;\" icon=\"iVBORwABAv8=\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<DATABASE_FILES path=\"E:\\data\" filespec=\"db1.mdf\" filespecBackupType=\"271\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<DATABASE_LOGFILES path=\"E:\\logs\" filespec=\"db1*.ldf\" filespecBackupType=\"3855\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<DEPENDENCY onWriterId=\"235435d9-34d6-41ea-8c08-5958a9982636\" "
                                        "onLogicalPath=\"OTHER\" onComponentName=\"component\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<FILE_GROUP componentName=\"files\" caption=\"\" "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "path=\"/srv/data&#9;with tab\" filespec=\"line&#10;end&#13;&#10;\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<EXCLUDE_FILES_FROM_SNAPSHOT path=\"/var/cache\" filespec=\"*.tmp\" recursive=\"no\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, " backupSchema=\"881\""));

    CU_ASSERT_EQUAL(wmd_load_utf8(text, len, &again), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT(wmds_equal(wmd, again));
    CU_ASSERT_EQUAL(again->identity.major_version, 7);
    CU_ASSERT_STRING_EQUAL(again->components[0]->caption, "Database \"one\" <&>");
    CU_ASSERT_EQUAL(again->components[0]->icon_size, sizeof(icon));
    CU_ASSERT_STRING_EQUAL(again->components[1]->caption, "");
    CU_ASSERT_STRING_EQUAL(again->components[1]->files.items[0].filespec, "line\nend\r\n");
    CU_ASSERT_STRING_EQUAL(again->mappings.items[0].alternate, "F:\\restored");
    wmd_release(again);
    free(text);
    wmd_release(wmd);
}

/* Mappings without a restore method still round-trip (they live in
 * BACKUP_LOCATIONS then). */
static void test_mapping_without_restore_method(void)
{
    struct wmd *wmd = create_wmd();

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->mappings, "/a", "*", 0, "/b", 0), 0);
    check_round_trip(wmd);
    wmd_release(wmd);
}

static void test_build_errors(void)
{
    struct wmd *wmd = create_wmd();
    struct wmd_identity id;
    struct wmd *other = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(wmd);
    /* same logical path and name twice; NULL and "" are the same path */
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, NULL, "a", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), 0);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, "", "a", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), -EEXIST);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 1, NULL, "a", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), -EEXIST);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, "x", "a", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(wmd_find_component(wmd, "", "a"));
    CU_ASSERT_PTR_NOT_NULL(wmd_find_component(wmd, "x", "a"));
    CU_ASSERT_PTR_NULL(wmd_find_component(wmd, "y", "a"));
    /* bad type, missing name, text XML cannot carry */
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 0, NULL, "b", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), -EINVAL);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, NULL, NULL, NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), -EINVAL);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, NULL, "", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), -EINVAL);
    CU_ASSERT_EQUAL(wmd_add_component(wmd, 2, NULL, "bell\a", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL), -EINVAL);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->excludes, NULL, "*", 0, NULL, 0), -EINVAL);
    CU_ASSERT_EQUAL(wmd_add_file(wmd, &wmd->excludes, "/x", "\x01", 0, NULL, 0), -EINVAL);
    CU_ASSERT_EQUAL(wmd_set_restore_method(wmd, 9, NULL, NULL, 1, 0), -EINVAL);
    CU_ASSERT_EQUAL(wmd_set_restore_method(wmd, 1, NULL, NULL, 4, 0), -EINVAL);
    CU_ASSERT_FALSE(wmd->restore.present);
    CU_ASSERT_EQUAL(wmd->ncomponents, 2);
    check_round_trip(wmd);
    wmd_release(wmd);

    memset(&id, 0, sizeof(id));
    id.friendly_name = "x";
    id.usage = 9;
    CU_ASSERT_EQUAL(wmd_create(&id, &other), -EINVAL);
    id.usage = 0;
    id.friendly_name = NULL;
    CU_ASSERT_EQUAL(wmd_create(&id, &other), -EINVAL);
    CU_ASSERT_PTR_NULL(other);
}

static CU_TestInfo wmd_tests[] =
{
    { "sample WM0 task scheduler", test_sample_task_scheduler },
    { "sample WM3 system writer", test_sample_system_writer },
    { "sample WM4 ASR writer", test_sample_asr_writer },
    { "sample WM5 SQL writer", test_sample_sql_writer },
    { "sample WM6/WM7 exclusions", test_sample_exclusions },
    { "sample WM8 restore method last", test_sample_restore_method_last },
    { "sample WM9 registry", test_sample_registry_counts },
    { "every sample loads and round-trips", test_sample_all },
    { "load from WCHAR", test_load_wstr },
    { "save shape", test_save_shape },
    { "build round trip", test_build_round_trip },
    { "mapping without restore method", test_mapping_without_restore_method },
    { "build errors", test_build_errors },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(wmd, NULL, NULL, wmd_tests);
