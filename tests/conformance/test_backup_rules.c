/*
 * test_backup_rules.c: every ordering rule of VSS-FACTS.md §2.1 (R1-R33),
 * each with the HRESULT Microsoft documents for breaking it, through the
 * public API only: IVssBackupComponents as a Windows requester uses it.
 *
 * This is Windows code: `make check-mingw` compiles it against MinGW-w64's
 * headers (UMBRA_MINGW_CHECK), so the CUnit runner and the Linux set-up (a
 * private VSS_CONFIG_DIR/RUNTIME_DIR/STATE_DIR, two directory volumes under
 * the test's tmpdir) are kept out of that build.  The snapshots are the
 * directory provider's, so no root is needed; no writer runs, which the
 * writer-involving rules allow (an Identify round with no writers is still a
 * round).
 */
#define COBJMACROS
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsserror.h>

#ifndef UMBRA_MINGW_CHECK
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "harness.h"
#include "lib/snapshots.h"
#define ok(cond, ...) do { if (!(cond)) { printf(__VA_ARGS__); } CU_ASSERT(cond); } while (0)
#else
#define ok(cond, ...) do { if (!(cond)) printf(__VA_ARGS__); } while (0)
#endif

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        ok(hr_ == (HRESULT)(expected), "%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, \
           (unsigned int)hr_, (unsigned int)(expected)); \
    } while (0)

/* Two directory volumes (trailing separator, as Windows names volumes), a
 * third one nested in a snapshot store (which no provider takes), and where
 * 64 more volumes live for R14. */
static WCHAR vol_a[512], vol_b[512], vol_unsupported[512], vol_missing[512];
static WCHAR many_dir[512];

static const GUID writer_id = { 0x9a8b7c6d, 0x1111, 0x2222, { 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x66, 0x66 } };
static const GUID instance_id = { 0x9a8b7c6d, 0x7777, 0x8888, { 0x99, 0x99, 0xaa, 0xaa, 0xbb, 0xbb, 0xcc, 0xcc } };
static const GUID bogus_id = { 0xdeadbeef, 0xdead, 0xbeef, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    ok_hr(IVssAsync_Wait(async, INFINITE), S_OK);
    ok_hr(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
    IVssAsync_Release(async);
    return status;
}

static IVssBackupComponents *create(void)
{
    IVssBackupComponents *backup = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    return backup;
}

/* A backup object in a context (VSS_CTX_BACKUP: no SetContext call). */
static IVssBackupComponents *backup_in(LONG context)
{
    IVssBackupComponents *backup = create();

    if (!backup) return NULL;
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    if (context != VSS_CTX_BACKUP) ok_hr(IVssBackupComponents_SetContext(backup, context), S_OK);
    return backup;
}

static void gather(IVssBackupComponents *backup)
{
    IVssAsync *async = NULL;

    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
}

static void prepare(IVssBackupComponents *backup)
{
    IVssAsync *async = NULL;

    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
}

static HRESULT do_snapshot_set(IVssBackupComponents *backup)
{
    IVssAsync *async = NULL;
    HRESULT hr = IVssBackupComponents_DoSnapshotSet(backup, &async);

    return FAILED(hr) ? hr : wait_for(async);
}

/* A backup in the default context up to the end of DoSnapshotSet, with one
 * component, one volume; its set and snapshot ids. */
static IVssBackupComponents *backup_done(VSS_ID *set_id, VSS_ID *snapshot_id)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    VSS_ID set, snap;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    prepare(backup);
    ok_hr(do_snapshot_set(backup), VSS_S_ASYNC_FINISHED);
    if (set_id) *set_id = set;
    if (snapshot_id) *snapshot_id = snap;
    return backup;
}

/* A persistent snapshot made without writers (the object is released). */
static void persistent_snapshot(LONG context, const WCHAR *volume, VSS_ID *set_id, VSS_ID *snapshot_id)
{
    IVssBackupComponents *backup = backup_in(context);
    VSS_ID set, snap;

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, (VSS_PWSZ)volume, GUID_NULL, &snap), S_OK);
    ok_hr(do_snapshot_set(backup), VSS_S_ASYNC_FINISHED);
    IVssBackupComponents_Release(backup);
    if (set_id) *set_id = set;
    if (snapshot_id) *snapshot_id = snap;
}

static void delete_snapshot(VSS_ID id)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    LONG deleted = -1;
    VSS_ID failed;

    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed), S_OK);
    ok(deleted == 1, "deleted %d\n", (int)deleted);
    IVssBackupComponents_Release(backup);
}

/* A saved document with component Data\Files of writer_id, for restores. */
static BSTR saved_bcd(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    BSTR xml = NULL;
    VSS_ID set;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    prepare(backup);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), S_OK);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
    return xml;
}

static IVssBackupComponents *restore_object(void)
{
    IVssBackupComponents *backup = create();
    BSTR xml = saved_bcd();

    ok_hr(IVssBackupComponents_InitializeForRestore(backup, xml), S_OK);
    SysFreeString(xml);
    return backup;
}

/* --- the rules ------------------------------------------------------------------------ */

/* R1: one object per backup; nothing more after BackupComplete. */
static void test_r1_one_object_per_backup(void)
{
    IVssBackupComponents *backup = backup_done(NULL, NULL);
    IVssAsync *async = NULL;
    VSS_ID set;

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), VSS_E_BAD_STATE);
    ok_hr(do_snapshot_set(backup), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R2: InitializeForBackup or InitializeForRestore first, and only one of them. */
static void test_r2_initialize_first(void)
{
    IVssBackupComponents *backup = create();
    IVssAsync *async = NULL;
    IVssEnumObject *enumerator = NULL;
    VSS_ID set, snap;
    BSTR xml;

    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_BACKUP), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_GatherWriterStatus(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, NULL, L"x"),
          VSS_E_BAD_STATE);

    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), VSS_E_BAD_STATE);
    xml = saved_bcd();
    ok_hr(IVssBackupComponents_InitializeForRestore(backup, xml), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    /* and a restore object cannot turn into a backup */
    backup = create();
    ok_hr(IVssBackupComponents_InitializeForRestore(backup, xml), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
    SysFreeString(xml);
}

/* R3: SetContext once, with a valid context, before the snapshot calls. */
static void test_r3_set_context(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    VSS_ID set;

    ok_hr(IVssBackupComponents_SetContext(backup, 0x12345), E_INVALIDARG);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_DIFFERENTIAL
                                                      | VSS_VOLSNAP_ATTR_PLEX), E_INVALIDARG);
    /* a context with attribute bits ORed in (diskshadow's "set option") */
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_DIFFERENTIAL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_BACKUP), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    backup = backup_in(VSS_CTX_BACKUP);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_FILE_SHARE_BACKUP), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    /* VSS_CTX_ALL is for queries: no snapshot set in it */
    backup = backup_in(VSS_CTX_ALL);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R4: writer filters after GatherWriterMetadata are accepted (and change nothing). */
static void test_r4_filters(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);

    ok_hr(IVssBackupComponents_DisableWriterClasses(backup, &writer_id, 1), S_OK);
    ok_hr(IVssBackupComponents_DisableWriterClasses(backup, NULL, 1), E_INVALIDARG);
    gather(backup);
    ok_hr(IVssBackupComponents_DisableWriterClasses(backup, &writer_id, 1), S_OK);
    ok_hr(IVssBackupComponents_EnableWriterClasses(backup, &writer_id, 1), S_OK);
    ok_hr(IVssBackupComponents_DisableWriterInstances(backup, &instance_id, 1), S_OK);
    IVssBackupComponents_Release(backup);
}

/* R5: GatherWriterMetadata once, and before DoSnapshotSet where writers take part. */
static void test_r5_gather_once(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_ID set, snap;

    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, NULL), E_INVALIDARG);
    ok_hr(IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    ok_hr(do_snapshot_set(backup), VSS_E_BAD_STATE);
    gather(backup);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
}

/* R6: writer metadata only after Identify finished, and not after it was freed. */
static void test_r6_metadata(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssExamineWriterMetadata *metadata = NULL;
    VSS_ID instance;
    UINT count = 99;

    ok_hr(IVssBackupComponents_GetWriterMetadataCount(backup, &count), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_FreeWriterMetadata(backup), VSS_E_BAD_STATE);
    gather(backup);
    ok_hr(IVssBackupComponents_GetWriterMetadataCount(backup, NULL), E_INVALIDARG);
    ok_hr(IVssBackupComponents_GetWriterMetadataCount(backup, &count), S_OK);
    ok(count < 99, "count %u\n", count);
    ok_hr(IVssBackupComponents_GetWriterMetadata(backup, count, &instance, &metadata), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_FreeWriterMetadata(backup), S_OK);
    ok_hr(IVssBackupComponents_GetWriterMetadataCount(backup, &count), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_GetWriterMetadata(backup, 0, &instance, &metadata), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R7: writer status only after GatherWriterStatus finished. */
static void test_r7_status(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_WRITER_STATE state;
    VSS_ID instance, writer;
    HRESULT failure;
    BSTR name = NULL;
    UINT count = 99;

    ok_hr(IVssBackupComponents_GetWriterStatusCount(backup, &count), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_FreeWriterStatus(backup), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_GetWriterStatus(backup, 0, &instance, &writer, &name, &state, &failure),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_GatherWriterStatus(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_GetWriterStatusCount(backup, &count), S_OK);
    ok_hr(IVssBackupComponents_GetWriterStatus(backup, count, &instance, &writer, &name, &state, &failure),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_GetWriterStatus(backup, 0, NULL, &writer, &name, &state, &failure), E_INVALIDARG);
    ok_hr(IVssBackupComponents_FreeWriterStatus(backup), S_OK);
    ok_hr(IVssBackupComponents_GetWriterStatusCount(backup, &count), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R8: AddComponent after GatherWriterMetadata and before DoSnapshotSet; no duplicates. */
static void test_r8_add_component(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);

    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          VSS_E_BAD_STATE);
    gather(backup);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", NULL),
          E_INVALIDARG);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          VSS_E_OBJECT_ALREADY_EXISTS);
    /* same name and path, other type: still the same component */
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_DATABASE, L"Data", L"Files"),
          VSS_E_OBJECT_ALREADY_EXISTS);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_DATABASE, NULL, L"Db"), S_OK);
    IVssBackupComponents_Release(backup);

    backup = backup_done(NULL, NULL);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"More", L"Files"),
          VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R9: no components, PrepareForBackup or BackupComplete without writers. */
static void test_r9_no_writer_contexts(void)
{
    static const LONG contexts[] = { VSS_CTX_FILE_SHARE_BACKUP, VSS_CTX_NAS_ROLLBACK, VSS_CTX_CLIENT_ACCESSIBLE };
    IVssBackupComponents *backup;
    IVssAsync *async = NULL;
    VSS_ID set, snap;
    unsigned int i;

    for (i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++)
    {
        backup = backup_in(contexts[i]);
        gather(backup);
        ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
        ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, NULL, L"x"),
              VSS_E_BAD_STATE);
        ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
        ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), VSS_E_BAD_STATE);
        ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
        IVssBackupComponents_Release(backup);
    }

    /* a no-writer snapshot needs neither metadata nor PrepareForBackup ... */
    backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    ok_hr(do_snapshot_set(backup), VSS_S_ASYNC_FINISHED);
    /* ... and has no BackupComplete */
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R10: backup-state setters before PrepareForBackup; backup methods not in a restore. */
static void test_r10_backup_setters(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    VSS_ID set;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, (VSS_BACKUP_TYPE)42, FALSE), E_INVALIDARG);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_INCREMENTAL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_SetBackupOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"opt"), S_OK);
    ok_hr(IVssBackupComponents_SetBackupOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Nope", L"opt"),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetPreviousBackupStamp(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                      L"stamp-1"), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    prepare(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetBackupOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"opt"),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetPreviousBackupStamp(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                      L"stamp-2"), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);

    backup = restore_object();
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetBackupOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"opt"),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AbortBackup(backup), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R11: StartSnapshotSet before AddToSnapshotSet and PrepareForBackup. */
static void test_r11_start_first(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_ID snap;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), VSS_E_BAD_STATE);
    ok_hr(do_snapshot_set(backup), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R12: one snapshot set in creation at a time, machine-wide. */
static void test_r12_one_set_in_creation(void)
{
    IVssBackupComponents *first = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    IVssBackupComponents *second = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    VSS_ID set1, set2, snap;

    ok_hr(IVssBackupComponents_StartSnapshotSet(first, &set1), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(second, &set2), VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(first, vol_a, GUID_NULL, &snap), S_OK);
    ok_hr(do_snapshot_set(first), VSS_S_ASYNC_FINISHED);
    /* the set is made: the next one may start */
    ok_hr(IVssBackupComponents_StartSnapshotSet(second, &set2), S_OK);
    ok(!IsEqualGUID(&set1, &set2), "two sets with one id\n");
    IVssBackupComponents_Release(second);
    IVssBackupComponents_Release(first);
}

/* R13: the set is fixed once DoSnapshotSet started. */
static void test_r13_set_fixed(void)
{
    IVssBackupComponents *backup = backup_done(NULL, NULL);
    VSS_ID snap;

    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_b, GUID_NULL, &snap), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* "<many_dir>/vNN/" */
static void many_name(WCHAR *name, unsigned int n)
{
    WCHAR tail[] = L"/v00/";

    tail[2] = L'0' + n / 10;
    tail[3] = L'0' + n % 10;
    wcscpy(name, many_dir);
    wcscat(name, tail);
}

/* R14: at most 64 volumes in a set. */
static void test_r14_64_volumes(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    WCHAR name[600];
    VSS_ID set, snap;
    unsigned int i;

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    for (i = 0; i < 64; i++)
    {
        many_name(name, i);
        ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, name, GUID_NULL, &snap), S_OK);
    }
    many_name(name, 64);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, name, GUID_NULL, &snap),
          VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
}

/* R15: a volume holds a limited number of snapshots (client-accessible ones:
 * MaxShadowCopies, set to 1 for this test). */
static void test_r15_snapshot_limit(void)
{
    IVssBackupComponents *backup;
    VSS_ID set, snap, first;

#ifndef UMBRA_MINGW_CHECK
    setenv("VSS_MAX_SHADOW_COPIES", "1", 1);
#endif
    persistent_snapshot(VSS_CTX_CLIENT_ACCESSIBLE, vol_b, NULL, &first);
    backup = backup_in(VSS_CTX_CLIENT_ACCESSIBLE);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_b, GUID_NULL, &snap),
          VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
#ifndef UMBRA_MINGW_CHECK
    unsetenv("VSS_MAX_SHADOW_COPIES");
#endif
    delete_snapshot(first);
}

/* R16: the volume must exist and be supported, the provider registered. */
static void test_r16_volume_support(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP prop;
    VSS_ID set, snap, refusing = GUID_NULL;
    BOOL supported;
    ULONG fetched;

    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, vol_a, &supported), S_OK);
    ok(supported, "a directory volume is supported\n");
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, vol_unsupported, &supported), S_OK);
    ok(!supported, "a snapshot store is no volume\n");
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, bogus_id, vol_a, &supported),
          VSS_E_PROVIDER_NOT_REGISTERED);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, vol_missing, &supported),
          VSS_E_OBJECT_NOT_FOUND);

    /* a provider that cannot take vol_a */
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator), S_OK);
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK)
    {
        if (IsEqualGUID(&refusing, &GUID_NULL)
            && IVssBackupComponents_IsVolumeSupported(backup, prop.Obj.Prov.m_ProviderId, vol_a, &supported) == S_OK
            && !supported)
            refusing = prop.Obj.Prov.m_ProviderId;
        CoTaskMemFree(prop.Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop.Obj.Prov.m_pwszProviderVersion);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, NULL, GUID_NULL, &snap), E_INVALIDARG);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_missing, GUID_NULL, &snap), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_unsupported, GUID_NULL, &snap),
          VSS_E_VOLUME_NOT_SUPPORTED);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, bogus_id, &snap), VSS_E_PROVIDER_NOT_REGISTERED);
    ok(!IsEqualGUID(&refusing, &GUID_NULL), "some provider refuses a plain directory\n");
    if (!IsEqualGUID(&refusing, &GUID_NULL))
        ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, refusing, &snap),
              VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), VSS_E_OBJECT_ALREADY_EXISTS);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
}

/* R17: PrepareForBackup needs SetBackupState; DoSnapshotSet needs PrepareForBackup. */
static void test_r17_prepare(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_ID set, snap;

    gather(backup);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(do_snapshot_set(backup), VSS_E_BAD_STATE);
    prepare(backup);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), VSS_E_BAD_STATE);
    ok_hr(do_snapshot_set(backup), VSS_S_ASYNC_FINISHED);
    IVssBackupComponents_Release(backup);
}

/* R18: SaveAsXML not before PrepareForBackup. */
static void test_r18_save(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    BSTR xml = NULL;
    VSS_ID set;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), VSS_E_BAD_STATE);
    prepare(backup);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, NULL), E_INVALIDARG);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), S_OK);
    ok(xml && wcsstr(xml, L"BACKUP_COMPONENTS"), "the document\n");
    SysFreeString(xml);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
}

/* R19: SetBackupSucceeded after DoSnapshotSet, before BackupComplete, known components. */
static void test_r19_backup_succeeded(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_ID set, snap;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data",
                                                  L"Files", TRUE), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    prepare(backup);
    ok_hr(do_snapshot_set(backup), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data",
                                                  L"Files", TRUE), S_OK);
    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data",
                                                  L"Other", TRUE), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data",
                                                  L"Files", TRUE), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R19/R20: nothing of the sort after a failed DoSnapshotSet; BackupComplete
 * only after a successful one. */
static void test_r20_backup_complete(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_ID set, snap;

    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    prepare(backup);
    /* a DoSnapshotSet cancelled before it could start its work fails the set */
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    if (async)
    {
        HRESULT status;

        IVssAsync_Cancel(async);
        status = wait_for(async);
        if (status != VSS_S_ASYNC_FINISHED)
        {
            ok(status == VSS_S_ASYNC_CANCELLED, "status %#x\n", (unsigned int)status);
            ok_hr(IVssBackupComponents_BackupComplete(backup, &async), VSS_E_BAD_STATE);
            ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance_id, writer_id, VSS_CT_FILEGROUP,
                                                          L"Data", L"Files", TRUE), VSS_E_BAD_STATE);
        }
    }
    IVssBackupComponents_Release(backup);
}

/* R21: AbortBackup is a no-op on an idle object, and ends a set in creation. */
static void test_r21_abort(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP), *other;
    VSS_ID set, snap;

    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    gather(backup);
    ok_hr(IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, vol_a, GUID_NULL, &snap), S_OK);
    prepare(backup);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    ok_hr(do_snapshot_set(backup), VSS_E_BAD_STATE);
    /* the set is no longer in creation (R12) */
    other = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    ok_hr(IVssBackupComponents_StartSnapshotSet(other, &set), S_OK);
    IVssBackupComponents_Release(other);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);
}

/* IVssWriterComponentsExt's IUnknown is its second base (VSS-FACTS.md §2.2):
 * the second pointer of the object. */
static void release_components(IVssWriterComponentsExt *components)
{
#ifdef UMBRA_MINGW_CHECK
    IUnknown *unknown = (IUnknown *)((char *)components + sizeof(void *));
    IUnknown_Release(unknown);
#else
    IVssWriterComponentsExt_Release(components);
#endif
}

/* R22: GetWriterComponents is a view of the document as it is now. */
static void test_r22_writer_components(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssWriterComponentsExt *components = NULL;
    VSS_ID instance, writer;
    UINT count = 99;

    ok_hr(IVssBackupComponents_GetWriterComponentsCount(backup, NULL), E_INVALIDARG);
    ok_hr(IVssBackupComponents_GetWriterComponentsCount(backup, &count), S_OK);
    ok(count == 0, "count %u\n", count);
    gather(backup);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_GetWriterComponentsCount(backup, &count), S_OK);
    ok(count == 1, "count %u\n", count);
    ok_hr(IVssBackupComponents_GetWriterComponents(backup, 1, &components), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_GetWriterComponents(backup, 0, &components), S_OK);
    if (components)
    {
        ok_hr(IVssWriterComponentsExt_GetComponentCount(components, &count), S_OK);
        ok(count == 1, "count %u\n", count);
        ok_hr(IVssWriterComponentsExt_GetWriterInfo(components, &instance, &writer), S_OK);
        ok(IsEqualGUID(&writer, &writer_id) && IsEqualGUID(&instance, &instance_id), "writer ids\n");
        release_components(components);
    }
    IVssBackupComponents_Release(backup);
}

/* R23: Query, DeleteSnapshots and GetSnapshotProperties see the current
 * context's snapshots only (all of them with VSS_CTX_ALL). */
static void test_r23_context_visibility(void)
{
    IVssBackupComponents *backup;
    IVssEnumObject *enumerator = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_OBJECT_PROP object;
    VSS_ID set, snap, failed;
    ULONG fetched;
    LONG deleted;
    int found = 0;

    persistent_snapshot(VSS_CTX_NAS_ROLLBACK, vol_a, &set, &snap);

    backup = backup_in(VSS_CTX_BACKUP);
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, snap, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
    {
        if (IsEqualGUID(&object.Obj.Snap.m_SnapshotId, &snap)) found = 1;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);
    ok(!found, "a NAS_ROLLBACK snapshot seen from VSS_CTX_BACKUP\n");
    IVssBackupComponents_Release(backup);

    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    memset(&prop, 0, sizeof(prop));
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), S_OK);
    ok(IsEqualGUID(&prop.m_SnapshotSetId, &set), "set id\n");
    ok(prop.m_eStatus == VSS_SS_CREATED, "status %d\n", prop.m_eStatus);
    ok((prop.m_lSnapshotAttributes & VSS_CTX_NAS_ROLLBACK) == VSS_CTX_NAS_ROLLBACK, "attributes %#x\n",
       (unsigned int)prop.m_lSnapshotAttributes);
    ok(prop.m_pwszOriginalVolumeName && !wcsncmp(prop.m_pwszOriginalVolumeName, L"\\\\?\\Volume{", 11),
       "original volume\n");
    VssFreeSnapshotProperties(&prop);
    ok_hr(IVssBackupComponents_Query(backup, bogus_id, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator),
          E_INVALIDARG);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT_SET, &enumerator),
          E_INVALIDARG);
    IVssBackupComponents_Release(backup);

    /* VSS_CTX_ALL sees it; deleting the set names nothing left undeleted */
    backup = backup_in(VSS_CTX_ALL);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed), S_OK);
    ok(deleted == 1 && IsEqualGUID(&failed, &GUID_NULL), "deleted %d\n", (int)deleted);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, set, VSS_OBJECT_PROVIDER, TRUE, &deleted, &failed),
          E_INVALIDARG);
    IVssBackupComponents_Release(backup);

    /* not in a restore */
    backup = restore_object();
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator),
          VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R24: ImportSnapshots needs a saved transportable set. */
static void test_r24_import(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;

    ok_hr(IVssBackupComponents_ImportSnapshots(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R25: restore-only methods are refused in a backup. */
static void test_r25_restore_methods_in_backup(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;

    gather(backup);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance_id, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files"),
          S_OK);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_BY_COPY), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", TRUE),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AddRestoreSubcomponent(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                      L"Data\\Files", L"Sub", FALSE), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"o"),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetAdditionalRestores(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", TRUE),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AddNewTarget(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"/p", L"*",
                                            FALSE, L"/q"), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R26: only components of the document can be selected. */
static void test_r26_select(void)
{
    IVssBackupComponents *backup = restore_object();

    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Nope", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, bogus_id, VSS_CT_FILEGROUP, L"Data", L"Files", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    IVssBackupComponents_Release(backup);
}

/* R27: a sub-component needs its parent selected first. */
static void test_r27_subcomponent(void)
{
    IVssBackupComponents *backup = restore_object();

    ok_hr(IVssBackupComponents_AddRestoreSubcomponent(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                      L"Data\\Files", L"Sub", FALSE), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_AddRestoreSubcomponent(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                      L"Data\\Files", NULL, FALSE), E_INVALIDARG);
    IVssBackupComponents_Release(backup);
}

/* R28: restore settings before PreRestore; file restore status between
 * PreRestore and PostRestore. */
static void test_r28_restore_order(void)
{
    IVssBackupComponents *backup = restore_object();
    IVssAsync *async = NULL;

    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                    VSS_RS_ALL), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, (VSS_RESTORE_TYPE)9), E_INVALIDARG);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_BY_COPY), S_OK);
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"o"), S_OK);
    ok_hr(IVssBackupComponents_SetAdditionalRestores(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", TRUE),
          S_OK);
    ok_hr(IVssBackupComponents_AddNewTarget(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"/p", L"*",
                                            TRUE, L"/q"), S_OK);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_OTHER), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files", L"o"),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                    (VSS_FILE_RESTORE_STATUS)7), E_INVALIDARG);
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                    VSS_RS_ALL), S_OK);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, writer_id, VSS_CT_FILEGROUP, L"Data", L"Files",
                                                    VSS_RS_ALL), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R29: revert needs a persistent snapshot. */
static void test_r29_revert(void)
{
    IVssBackupComponents *backup = backup_done(NULL, NULL), *other;
    VSS_ID snap;

    /* the auto-release snapshot of the object that is still alive */
    other = backup_in(VSS_CTX_ALL);
    {
        IVssEnumObject *enumerator = NULL;
        VSS_OBJECT_PROP object;
        ULONG fetched;
        VSS_ID found = GUID_NULL;

        ok_hr(IVssBackupComponents_Query(other, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator),
              S_OK);
        while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
        {
            if (!(object.Obj.Snap.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_PERSISTENT))
                found = object.Obj.Snap.m_SnapshotId;
            VssFreeSnapshotProperties(&object.Obj.Snap);
        }
        if (enumerator) IVssEnumObject_Release(enumerator);
        snap = found;
    }
    ok(!IsEqualGUID(&snap, &GUID_NULL), "an auto-release snapshot exists\n");
    ok_hr(IVssBackupComponents_RevertToSnapshot(other, snap, FALSE), VSS_E_UNSUPPORTED_CONTEXT);
    ok_hr(IVssBackupComponents_RevertToSnapshot(other, bogus_id, FALSE), VSS_E_OBJECT_NOT_FOUND);
    IVssBackupComponents_Release(other);
    IVssBackupComponents_Release(backup);
}

/* R30: LUN recovery only after InitializeForRestore, and only for hardware snapshots. */
static void test_r30_recovery(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssBackupComponentsEx3 *ex3 = NULL;
    IVssAsync *async = NULL;
    VSS_ID snap;

    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx3, (void **)&ex3), S_OK);
    if (ex3)
    {
        ok_hr(IVssBackupComponentsEx3_AddSnapshotToRecoverySet(ex3, bogus_id, 0, NULL), VSS_E_BAD_STATE);
        ok_hr(IVssBackupComponentsEx3_RecoverSet(ex3, 0, &async), VSS_E_BAD_STATE);
        IVssBackupComponentsEx3_Release(ex3);
    }
    IVssBackupComponents_Release(backup);

    persistent_snapshot(VSS_CTX_NAS_ROLLBACK, vol_a, NULL, &snap);
    backup = restore_object();
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx3, (void **)&ex3), S_OK);
    if (ex3)
    {
        ok_hr(IVssBackupComponentsEx3_AddSnapshotToRecoverySet(ex3, bogus_id, 0, NULL), VSS_E_OBJECT_NOT_FOUND);
        /* a software snapshot cannot be resynchronised */
        ok_hr(IVssBackupComponentsEx3_AddSnapshotToRecoverySet(ex3, snap, 0, NULL), VSS_E_VOLUME_NOT_SUPPORTED);
        ok_hr(IVssBackupComponentsEx3_RecoverSet(ex3, 0, &async), VSS_E_BAD_STATE);
        IVssBackupComponentsEx3_Release(ex3);
    }
    IVssBackupComponents_Release(backup);
    delete_snapshot(snap);
}

/* R31: only hardware snapshot sets can be broken. */
static void test_r31_break(void)
{
    IVssBackupComponents *backup;
    IVssBackupComponentsEx2 *ex2 = NULL;
    IVssAsync *async = NULL;
    VSS_ID set, snap;

    persistent_snapshot(VSS_CTX_NAS_ROLLBACK, vol_a, &set, &snap);
    backup = backup_in(VSS_CTX_ALL);
    ok_hr(IVssBackupComponents_BreakSnapshotSet(backup, set), VSS_E_PROVIDER_VETO);
    ok_hr(IVssBackupComponents_BreakSnapshotSet(backup, bogus_id), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx2, (void **)&ex2), S_OK);
    if (ex2)
    {
        ok_hr(IVssBackupComponentsEx2_BreakSnapshotSetEx(ex2, set, VSS_BREAKEX_FLAG_MAKE_READ_WRITE, &async),
              VSS_E_PROVIDER_VETO);
        ok_hr(IVssBackupComponentsEx2_PreFastRecovery(ex2, set, 0, &async), E_NOTIMPL);
        ok_hr(IVssBackupComponentsEx2_FastRecovery(ex2, set, 0, &async), E_NOTIMPL);
        IVssBackupComponentsEx2_Release(ex2);
    }
    IVssBackupComponents_Release(backup);
    delete_snapshot(snap);
}

/* R32: auto-release snapshots go with the object; persistent ones stay. */
static void test_r32_auto_release(void)
{
    IVssBackupComponents *backup = backup_done(NULL, NULL);
    VSS_SNAPSHOT_PROP prop;
    VSS_ID snap, kept;

    {
        IVssEnumObject *enumerator = NULL;
        VSS_OBJECT_PROP object;
        ULONG fetched;

        snap = GUID_NULL;
        ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
        while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
        {
            snap = object.Obj.Snap.m_SnapshotId;
            VssFreeSnapshotProperties(&object.Obj.Snap);
        }
        if (enumerator) IVssEnumObject_Release(enumerator);
    }
    ok(!IsEqualGUID(&snap, &GUID_NULL), "the backup's snapshot is listed\n");
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), S_OK);
    VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);

    persistent_snapshot(VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_NO_WRITERS, vol_a, NULL, &kept);
    backup = backup_in(VSS_CTX_ALL);
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, kept, &prop), S_OK);
    VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);
    delete_snapshot(kept);
}

/* R33: persistent contexts need a provider that keeps snapshots across
 * requesters (Windows: NTFS); every provider here does, so a persistent
 * snapshot of a directory volume outlives its object. */
static void test_r33_persistent(void)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID snap;

    persistent_snapshot(VSS_CTX_CLIENT_ACCESSIBLE, vol_a, NULL, &snap);
    backup = backup_in(VSS_CTX_CLIENT_ACCESSIBLE);
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), S_OK);
    ok((prop.m_lSnapshotAttributes & (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE))
       == (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE), "attributes %#x\n",
       (unsigned int)prop.m_lSnapshotAttributes);
    VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);
    delete_snapshot(snap);
}

/* §2.2: the object answers exactly its five IIDs and IUnknown. */
static void test_query_interface(void)
{
    IVssBackupComponents *backup = create();
    IUnknown *unk = NULL;
    void *other = NULL;

    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&unk), S_OK);
    ok(unk == (IUnknown *)backup, "one object, one pointer\n");
    if (unk) IUnknown_Release(unk);
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx, (void **)&unk), S_OK);
    if (unk) IUnknown_Release(unk);
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssAsync, &other), E_NOINTERFACE);
    ok(!other, "no interface, no pointer\n");
    ok_hr(CreateVssBackupComponents(NULL), E_INVALIDARG);
    IVssBackupComponents_Release(backup);
}

#ifndef UMBRA_MINGW_CHECK

static int make_dir(const char *path)
{
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static void to_wide(WCHAR *out, size_t size, const char *path)
{
    mbstowcs(out, path, size);
}

static int rules_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[4096];
    unsigned int i;

    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");

    snprintf(path, sizeof(path), "%s/vola", tmp);
    if (make_dir(path)) return -1;
    to_wide(vol_a, 500, path);
    wcscat(vol_a, L"/");
    snprintf(path, sizeof(path), "%s/vola/file.txt", tmp);
    if (write_file(path, "a volume's data\n")) return -1;
    snprintf(path, sizeof(path), "%s/volb", tmp);
    if (make_dir(path)) return -1;
    to_wide(vol_b, 500, path);
    wcscat(vol_b, L"/");
    snprintf(path, sizeof(path), "%s/volb/.snapshots", tmp);
    if (make_dir(path)) return -1;
    snprintf(path, sizeof(path), "%s/volb/.snapshots/inside", tmp);
    if (make_dir(path)) return -1;
    to_wide(vol_unsupported, 500, path);
    snprintf(path, sizeof(path), "%s/no/such/volume/", tmp);
    to_wide(vol_missing, 500, path);
    snprintf(path, sizeof(path), "%s/many", tmp);
    if (make_dir(path)) return -1;
    to_wide(many_dir, 500, path);
    for (i = 0; i <= 64; i++)
    {
        snprintf(path, sizeof(path), "%s/many/v%02u", tmp, i);
        if (make_dir(path)) return -1;
    }
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int rules_cleanup(void)
{
    snapshots_delete_all();
    CoUninitialize();
    return 0;
}

static CU_TestInfo rules_tests[] =
{
    { "R1 one object per backup", test_r1_one_object_per_backup },
    { "R2 initialise first, once", test_r2_initialize_first },
    { "R3 SetContext", test_r3_set_context },
    { "R4 writer filters", test_r4_filters },
    { "R5 GatherWriterMetadata once, before DoSnapshotSet", test_r5_gather_once },
    { "R6 writer metadata after Identify", test_r6_metadata },
    { "R7 writer status after GatherWriterStatus", test_r7_status },
    { "R8 AddComponent", test_r8_add_component },
    { "R9 contexts without writers", test_r9_no_writer_contexts },
    { "R10 backup setters before PrepareForBackup", test_r10_backup_setters },
    { "R11 StartSnapshotSet first", test_r11_start_first },
    { "R12 one set in creation", test_r12_one_set_in_creation },
    { "R13 the set is fixed by DoSnapshotSet", test_r13_set_fixed },
    { "R14 64 volumes per set", test_r14_64_volumes },
    { "R15 snapshots per volume", test_r15_snapshot_limit },
    { "R16 volume and provider support", test_r16_volume_support },
    { "R17 PrepareForBackup before DoSnapshotSet", test_r17_prepare },
    { "R18 SaveAsXML after PrepareForBackup", test_r18_save },
    { "R19 SetBackupSucceeded", test_r19_backup_succeeded },
    { "R20 BackupComplete after a successful DoSnapshotSet", test_r20_backup_complete },
    { "R21 AbortBackup", test_r21_abort },
    { "R22 GetWriterComponents", test_r22_writer_components },
    { "R23 context visibility", test_r23_context_visibility },
    { "R24 ImportSnapshots", test_r24_import },
    { "R25 restore methods in a backup", test_r25_restore_methods_in_backup },
    { "R26 SetSelectedForRestore", test_r26_select },
    { "R27 AddRestoreSubcomponent", test_r27_subcomponent },
    { "R28 restore order", test_r28_restore_order },
    { "R29 RevertToSnapshot", test_r29_revert },
    { "R30 LUN recovery", test_r30_recovery },
    { "R31 BreakSnapshotSet", test_r31_break },
    { "R32 auto-release", test_r32_auto_release },
    { "R33 persistent snapshots", test_r33_persistent },
    { "QueryInterface", test_query_interface },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(backup_rules, rules_init, rules_cleanup, rules_tests);

#else

/* check-mingw only compiles: keep the tests referenced */
void (*const backup_rules_tests[])(void) =
{
    test_r1_one_object_per_backup, test_r2_initialize_first, test_r3_set_context, test_r4_filters,
    test_r5_gather_once, test_r6_metadata, test_r7_status, test_r8_add_component, test_r9_no_writer_contexts,
    test_r10_backup_setters, test_r11_start_first, test_r12_one_set_in_creation, test_r13_set_fixed,
    test_r14_64_volumes, test_r15_snapshot_limit, test_r16_volume_support, test_r17_prepare, test_r18_save,
    test_r19_backup_succeeded, test_r20_backup_complete, test_r21_abort, test_r22_writer_components,
    test_r23_context_visibility, test_r24_import, test_r25_restore_methods_in_backup, test_r26_select,
    test_r27_subcomponent, test_r28_restore_order, test_r29_revert, test_r30_recovery, test_r31_break,
    test_r32_auto_release, test_r33_persistent, test_query_interface,
};

#endif
