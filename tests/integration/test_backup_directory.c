/*
 * test_backup_directory.c: whole requester flows through IVssBackupComponents
 * on directory volumes (the directory provider: no root needed), with a real
 * writer process (tests/bin/test_writer_c) where writers take part:
 *
 *  - a component-mode backup: the writer sees its events in VSS-FACTS.md
 *    §1.2/§1.3 order, the snapshot read through m_pwszSnapshotDeviceObject
 *    holds the data, is read-only, and every VSS_SNAPSHOT_PROP field is set
 *    (§3.4); BackupShutdown at Release and the auto-release snapshot gone (R32);
 *  - a restore from the saved document with that writer (§1.7, issue 9);
 *  - ExposeSnapshot / UnexposeSnapshot at a directory and a drive letter;
 *  - RevertToSnapshot (R29) and QueryRevertStatus;
 *  - management: VssSnapshotMgmt, shadow storage, IsVolumeSnapshotted,
 *    ShouldBlockRevert;
 *  - two requester processes racing for StartSnapshotSet (R12), and
 *    requesters killed with SIGKILL after StartSnapshotSet and after
 *    DoSnapshotSet (DESIGN.md §6: auto-release snapshots go, persistent ones
 *    stay, the catalogue matches the disk).
 */
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsmgmt.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "lib/writer_procs.h"
#include "lib/snapshots.h"

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

static const GUID writer_class = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 1 } };

static char data_dir[4096], other_dir[4096], log_path[4096];
static WCHAR data_vol[4096];
static pid_t writer_pid = -1;

static void to_wide(WCHAR *out, const char *in)
{
    mbstowcs(out, in, 4096);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static char *read_text(const char *path)
{
    static char buf[4096];
    ssize_t len;
    int fd;

    if ((fd = open(path, O_RDONLY)) < 0) return NULL;
    len = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (len < 0) return NULL;
    buf[len] = 0;
    return buf;
}

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    ok_hr(IVssAsync_Wait(async, INFINITE), S_OK);
    ok_hr(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
    IVssAsync_Release(async);
    return status;
}

static IVssBackupComponents *backup_in(LONG context)
{
    IVssBackupComponents *backup = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    if (context != VSS_CTX_BACKUP) ok_hr(IVssBackupComponents_SetContext(backup, context), S_OK);
    return backup;
}

/* A snapshot of data_vol without writers; the object is released. */
static VSS_ID snapshot_of(LONG context, const WCHAR *volume)
{
    IVssBackupComponents *backup = backup_in(context);
    IVssAsync *async = NULL;
    VSS_ID set, snap = GUID_NULL;

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, (VSS_PWSZ)volume, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    IVssBackupComponents_Release(backup);
    return snap;
}

static HRESULT properties(const VSS_ID *id, VSS_SNAPSHOT_PROP *prop)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    HRESULT hr = IVssBackupComponents_GetSnapshotProperties(backup, *id, prop);

    IVssBackupComponents_Release(backup);
    return hr;
}

static void delete_snapshot(const VSS_ID *id)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    LONG deleted = 0;
    VSS_ID failed;

    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, *id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed), S_OK);
    CU_ASSERT_EQUAL(deleted, 1);
    IVssBackupComponents_Release(backup);
}

static char *device_path(const VSS_SNAPSHOT_PROP *prop, const char *file)
{
    static char path[8192];
    char device[4096];

    wcstombs(device, prop->m_pwszSnapshotDeviceObject, sizeof(device));
    snprintf(path, sizeof(path), "%s/%s", device, file);
    return path;
}

static unsigned int log_count(const char *event)
{
    struct wp_log log;
    unsigned int i, n = 0;
    char needle[64];

    snprintf(needle, sizeof(needle), " %s", event);
    if (wp_log_read(log_path, &log)) return 0;
    for (i = 0; i < log.count; i++)
    {
        const char *p = strstr(log.lines[i], needle);
        if (p && (p[strlen(needle)] == 0 || p[strlen(needle)] == ' ')) n++;
    }
    wp_log_free(&log);
    return n;
}

/* Whether a line with event also contains text. */
static int log_has(const char *event, const char *text)
{
    struct wp_log log;
    unsigned int i;
    char needle[64];
    int found = 0;

    snprintf(needle, sizeof(needle), " %s", event);
    if (wp_log_read(log_path, &log)) return 0;
    for (i = 0; i < log.count; i++)
        if (strstr(log.lines[i], needle) && strstr(log.lines[i], text)) found = 1;
    wp_log_free(&log);
    return found;
}

/* The index of the first line with event, or -1. */
static int log_index(const char *event)
{
    struct wp_log log;
    unsigned int i;
    char needle[64];
    int found = -1;

    snprintf(needle, sizeof(needle), " %s", event);
    if (wp_log_read(log_path, &log)) return -1;
    for (i = 0; i < log.count && found < 0; i++)
        if (strstr(log.lines[i], needle)) found = i;
    wp_log_free(&log);
    return found;
}

static int find_writer(IVssBackupComponents *backup, VSS_ID *instance)
{
    IVssExamineWriterMetadata *metadata;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_ID inst, writer;
    BSTR name;
    UINT count = 0, i;
    int found = 0;

    ok_hr(IVssBackupComponents_GetWriterMetadataCount(backup, &count), S_OK);
    for (i = 0; i < count && !found; i++)
    {
        if (FAILED(IVssBackupComponents_GetWriterMetadata(backup, i, &inst, &metadata))) continue;
        if (SUCCEEDED(IVssExamineWriterMetadata_GetIdentity(metadata, &inst, &writer, &name, &usage, &source)))
        {
            if (IsEqualGUID(&writer, &writer_class))
            {
                *instance = inst;
                found = 1;
            }
            SysFreeString(name);
        }
        IVssExamineWriterMetadata_Release(metadata);
    }
    return found;
}

/* --- tests ------------------------------------------------------------------------- */

/* §1.2, §1.3, §3.4, R32 */
static void test_backup_with_writer(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_WRITER_STATE state;
    VSS_ID set, snap, instance, inst, writer;
    HRESULT failure;
    BSTR name, xml = NULL;
    UINT count = 0, i;
    char *text, expected_root[4096];
    int fd, found;

    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_FATAL(find_writer(backup, &instance));
    /* the Ex form of the metadata names the instance */
    {
        IVssBackupComponentsEx *ex = NULL;
        IVssExamineWriterMetadataEx *metadata = NULL;
        VSS_USAGE_TYPE usage;
        VSS_SOURCE_TYPE source;
        BSTR instance_name = NULL;

        ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx, (void **)&ex), S_OK);
        ok_hr(IVssBackupComponentsEx_GetWriterMetadataEx(ex, 0, &inst, &metadata), S_OK);
        if (metadata)
        {
            ok_hr(IVssExamineWriterMetadataEx_GetIdentityEx(metadata, &inst, &writer, &name, &instance_name, &usage,
                                                            &source), S_OK);
            SysFreeString(name);
            SysFreeString(instance_name);
            IVssExamineWriterMetadataEx_Release(metadata);
        }
        IVssBackupComponentsEx_Release(ex);
    }
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance, writer_class, VSS_CT_FILEGROUP, NULL, L"CData"), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, data_vol, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);

    /* the writer went through the snapshot events in order */
    CU_ASSERT_EQUAL(log_count("PrepareBackup"), 1);
    CU_ASSERT(log_index("PrepareBackup") < log_index("PrepareSnapshot"));
    CU_ASSERT(log_index("PrepareSnapshot") < log_index("Freeze"));
    CU_ASSERT(log_index("Freeze") < log_index("Thaw"));
    CU_ASSERT(log_index("Thaw") < log_index("PostSnapshot"));
    CU_ASSERT_EQUAL(log_count("Abort"), 0);
    /* at PostSnapshot the writer can name the snapshot of its volume */
    CU_ASSERT(log_has("PostSnapshot", "device0=/"));

    /* its status afterwards (§1.2 step 14) */
    ok_hr(IVssBackupComponents_GatherWriterStatus(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_GetWriterStatusCount(backup, &count), S_OK);
    for (i = 0, found = 0; i < count; i++)
    {
        ok_hr(IVssBackupComponents_GetWriterStatus(backup, i, &inst, &writer, &name, &state, &failure), S_OK);
        if (IsEqualGUID(&writer, &writer_class))
        {
            found = 1;
            CU_ASSERT_EQUAL(state, VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
            CU_ASSERT_EQUAL(failure, S_OK);
            CU_ASSERT(name && !wcscmp(name, L"Umbra Test Writer"));
        }
        SysFreeString(name);
    }
    CU_ASSERT(found);
    /* the Ex3 form adds the application failure and message */
    {
        IVssBackupComponentsEx3 *ex3 = NULL;
        HRESULT app = E_FAIL;
        BSTR message = (BSTR)1;

        ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx3, (void **)&ex3), S_OK);
        ok_hr(IVssBackupComponentsEx3_GetWriterStatusEx(ex3, 0, &inst, &writer, &name, &state, &failure, &app,
                                                        &message), S_OK);
        CU_ASSERT_EQUAL(app, S_OK);
        CU_ASSERT_PTR_NULL(message);
        SysFreeString(name);
        SysFreeString(message);
        IVssBackupComponentsEx3_Release(ex3);
    }
    ok_hr(IVssBackupComponents_FreeWriterStatus(backup), S_OK);

    /* every field of VSS_SNAPSHOT_PROP (§3.4) */
    memset(&prop, 0, sizeof(prop));
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), S_OK);
    CU_ASSERT(IsEqualGUID(&prop.m_SnapshotId, &snap));
    CU_ASSERT(IsEqualGUID(&prop.m_SnapshotSetId, &set));
    CU_ASSERT_EQUAL(prop.m_lSnapshotsCount, 1);
    CU_ASSERT_PTR_NOT_NULL(prop.m_pwszSnapshotDeviceObject);
    CU_ASSERT(prop.m_pwszOriginalVolumeName && !wcsncmp(prop.m_pwszOriginalVolumeName, L"\\\\?\\Volume{", 11)
              && prop.m_pwszOriginalVolumeName[wcslen(prop.m_pwszOriginalVolumeName) - 1] == L'\\');
    CU_ASSERT(prop.m_pwszOriginatingMachine && prop.m_pwszOriginatingMachine[0]);
    CU_ASSERT(prop.m_pwszServiceMachine && prop.m_pwszServiceMachine[0]);
    CU_ASSERT_PTR_NULL(prop.m_pwszExposedName);
    CU_ASSERT_PTR_NULL(prop.m_pwszExposedPath);
    CU_ASSERT(!IsEqualGUID(&prop.m_ProviderId, &GUID_NULL));
    CU_ASSERT_EQUAL(prop.m_lSnapshotAttributes & (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE
                                                  | VSS_VOLSNAP_ATTR_NO_WRITERS), 0);
    CU_ASSERT(prop.m_tsCreationTimestamp > 130000000000000000LL);   /* after 2012 */
    CU_ASSERT_EQUAL(prop.m_eStatus, VSS_SS_CREATED);

    /* the data, through the device object, with POSIX open() */
    text = read_text(device_path(&prop, "file.txt"));
    CU_ASSERT(text && !strcmp(text, "version 1\n"));
    /* read-only */
    fd = open(device_path(&prop, "new-file"), O_WRONLY | O_CREAT, 0644);
    CU_ASSERT(fd < 0);
    if (fd >= 0) close(fd);
    fd = open(device_path(&prop, "file.txt"), O_WRONLY);
    CU_ASSERT(fd < 0);
    if (fd >= 0) close(fd);
    snprintf(expected_root, sizeof(expected_root), "%s", device_path(&prop, ""));
    VssFreeSnapshotProperties(&prop);

    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance, writer_class, VSS_CT_FILEGROUP, NULL, L"CData",
                                                  TRUE), S_OK);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), S_OK);
    CU_ASSERT(xml && wcsstr(xml, L"CData"));
    /* the writer's PrepareBackup mark came back into the document */
    CU_ASSERT(xml && wcsstr(xml, L"BACKUP_METADATA"));
    SysFreeString(xml);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(log_count("BackupComplete"), 1);

    /* §1.2 step 20 and R32: release sends BackupShutdown and drops the snapshot */
    IVssBackupComponents_Release(backup);
    CU_ASSERT_EQUAL(log_count("BackupShutdown"), 1);
    ok_hr(properties(&snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT(access(expected_root, F_OK) < 0);
}

/* §1.7 and issue 9: a restore from the saved document, with the writer told. */
static void test_restore_with_writer(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_APP_ROLLBACK);
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID set, snap, instance;
    BSTR xml = NULL;
    char path[4096], *text, source[8192];

    /* the backup: persistent, so the snapshot outlives the object */
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_FATAL(find_writer(backup, &instance));
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance, writer_class, VSS_CT_FILEGROUP, NULL, L"CData"), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, data_vol, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance, writer_class, VSS_CT_FILEGROUP, NULL, L"CData",
                                                  TRUE), S_OK);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), S_OK);
    IVssBackupComponents_Release(backup);

    /* the data changes */
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    CU_ASSERT_EQUAL(write_text(path, "version 2\n"), 0);

    /* the restore */
    CU_ASSERT_EQUAL_FATAL(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForRestore(backup, xml), S_OK);
    SysFreeString(xml);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, writer_class, VSS_CT_FILEGROUP, NULL, L"Missing", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, writer_class, VSS_CT_FILEGROUP, NULL, L"CData", TRUE),
          S_OK);
    ok_hr(IVssBackupComponents_AddRestoreSubcomponent(backup, writer_class, VSS_CT_FILEGROUP, NULL, L"CData",
                                                      L"CData", L"part", FALSE), S_OK);
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, writer_class, VSS_CT_FILEGROUP, NULL, L"CData",
                                                 L"overwrite"), S_OK);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_BY_COPY), S_OK);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(log_count("PreRestore"), 1);

    /* the requester copies the files back from the snapshot */
    ok_hr(properties(&snap, &prop), S_OK);
    snprintf(source, sizeof(source), "%s", device_path(&prop, "file.txt"));
    VssFreeSnapshotProperties(&prop);
    text = read_text(source);
    CU_ASSERT_FATAL(text != NULL);
    CU_ASSERT_EQUAL(write_text(path, text), 0);

    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, writer_class, VSS_CT_FILEGROUP, NULL, L"CData",
                                                    VSS_RS_ALL), S_OK);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(log_count("PostRestore"), 1);
    IVssBackupComponents_Release(backup);

    text = read_text(path);
    CU_ASSERT(text && !strcmp(text, "version 1\n"));
    delete_snapshot(&snap);
}

static void test_expose(void)
{
    IVssBackupComponents *backup;
    IVssBackupComponentsEx2 *ex2 = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_PWSZ exposed = NULL;
    WCHAR target[4096];
    char path[4096], file[4200], *text;
    struct stat st;
    LONG deleted;
    VSS_ID snap, failed;

    snap = snapshot_of(VSS_CTX_NAS_ROLLBACK, data_vol);
    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    CU_ASSERT_EQUAL_FATAL(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx2, (void **)&ex2),
                          S_OK);

    /* at a path that does not exist yet */
    snprintf(path, sizeof(path), "%s/exposed-new", other_dir);
    to_wide(target, path);
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY | 1, target,
                                              &exposed), E_INVALIDARG);
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, target, &exposed),
          S_OK);
    CU_ASSERT(exposed && !wcscmp(exposed, target));
    CoTaskMemFree(exposed);
    snprintf(file, sizeof(file), "%s/file.txt", path);
    text = read_text(file);
    CU_ASSERT(text && !strcmp(text, "version 1\n"));
    ok_hr(properties(&snap, &prop), S_OK);
    CU_ASSERT(prop.m_pwszExposedName && !wcscmp(prop.m_pwszExposedName, target));
    CU_ASSERT(prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY);
    VssFreeSnapshotProperties(&prop);
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, target, &exposed),
          VSS_E_OBJECT_ALREADY_EXISTS);
    ok_hr(IVssBackupComponentsEx2_UnexposeSnapshot(ex2, snap), S_OK);
    CU_ASSERT(lstat(path, &st) < 0 && errno == ENOENT);
    ok_hr(IVssBackupComponentsEx2_UnexposeSnapshot(ex2, snap), VSS_E_OBJECT_NOT_FOUND);

    /* at an existing empty directory, which comes back afterwards */
    snprintf(path, sizeof(path), "%s/exposed-dir", other_dir);
    CU_ASSERT_EQUAL(mkdir(path, 0750), 0);
    to_wide(target, path);
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, target, &exposed),
          S_OK);
    CoTaskMemFree(exposed);
    snprintf(file, sizeof(file), "%s/file.txt", path);
    text = read_text(file);
    CU_ASSERT(text && !strcmp(text, "version 1\n"));
    ok_hr(IVssBackupComponentsEx2_UnexposeSnapshot(ex2, snap), S_OK);
    CU_ASSERT(!lstat(path, &st) && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750);
    /* a directory with entries is in use */
    snprintf(file, sizeof(file), "%s/busy", path);
    CU_ASSERT_EQUAL(write_text(file, "x"), 0);
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, target, &exposed),
          VSS_E_OBJECT_ALREADY_EXISTS);

    /* at a drive letter: Wine's dosdevices mapping */
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, (VSS_PWSZ)L"Q:",
                                              &exposed), S_OK);
    CU_ASSERT(exposed && !wcscmp(exposed, L"Q:"));
    CoTaskMemFree(exposed);
    snprintf(file, sizeof(file), "%s/dosdevices/q:/file.txt", config_get()->config_dir);
    text = read_text(file);
    CU_ASSERT(text && !strcmp(text, "version 1\n"));
    snprintf(file, sizeof(file), "%s/dosdevices/q:", config_get()->config_dir);
    CU_ASSERT(!lstat(file, &st) && S_ISLNK(st.st_mode));
    ok_hr(IVssBackupComponentsEx2_UnexposeSnapshot(ex2, snap), S_OK);
    CU_ASSERT(lstat(file, &st) < 0);
    /* no name: a free drive letter is picked */
    ok_hr(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, NULL, &exposed),
          S_OK);
    CU_ASSERT(exposed && wcslen(exposed) == 2 && exposed[1] == L':' && exposed[0] >= L'D' && exposed[0] <= L'Z');
    if (exposed)
    {
        snprintf(file, sizeof(file), "%s/dosdevices/%c:/file.txt", config_get()->config_dir, (char)(exposed[0] | 0x20));
        text = read_text(file);
        CU_ASSERT(text && !strcmp(text, "version 1\n"));
        snprintf(file, sizeof(file), "%s/dosdevices/%c:", config_get()->config_dir, (char)(exposed[0] | 0x20));
    }
    CoTaskMemFree(exposed);
    /* deleting an exposed snapshot unexposes it */
    IVssBackupComponentsEx2_Release(ex2);
    IVssBackupComponents_Release(backup);
    backup = backup_in(VSS_CTX_ALL);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, snap, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed), S_OK);
    IVssBackupComponents_Release(backup);
    CU_ASSERT(lstat(file, &st) < 0);
}

/* R29: a revert brings the volume back and consumes the snapshot. */
static void test_revert(void)
{
    IVssBackupComponents *backup;
    IVssAsync *async = (IVssAsync *)1;
    VSS_SNAPSHOT_PROP prop;
    char path[4096], *text;
    VSS_ID snap;

    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    CU_ASSERT_EQUAL(write_text(path, "before revert\n"), 0);
    snap = snapshot_of(VSS_CTX_NAS_ROLLBACK, data_vol);
    CU_ASSERT_EQUAL(write_text(path, "after the snapshot\n"), 0);

    backup = backup_in(VSS_CTX_ALL);
    /* no revert runs on the volume */
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, data_vol, &async), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_RevertToSnapshot(backup, snap, TRUE), S_OK);
    IVssBackupComponents_Release(backup);
    text = read_text(path);
    CU_ASSERT(text && !strcmp(text, "before revert\n"));
    ok_hr(properties(&snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(write_text(path, "version 1\n"), 0);
}

static void test_management(void)
{
    IVssSnapshotMgmt *mgmt = NULL;
    IVssSnapshotMgmt2 *mgmt2 = NULL;
    IVssDifferentialSoftwareSnapshotMgmt3 *diff = NULL;
    IVssEnumMgmtObject *volumes = NULL;
    IVssEnumObject *snapshots = NULL;
    VSS_MGMT_OBJECT_PROP item;
    VSS_OBJECT_PROP object;
    VSS_VOLUME_PROTECTION_INFO info;
    VSS_SNAPSHOT_PROP prop;
    LONGLONG min = 0;
    ULONG fetched;
    BOOL present = FALSE;
    LONG capability = -1;
    bool block = true;
    char path[4096];
    int found = 0;
    VSS_ID snap;

    snap = snapshot_of(VSS_CTX_CLIENT_ACCESSIBLE, data_vol);
    ok_hr(properties(&snap, &prop), S_OK);

    ok_hr(CoCreateInstance(&CLSID_VssSnapshotMgmt, NULL, CLSCTX_ALL, &IID_IVssSnapshotMgmt, (void **)&mgmt), S_OK);
    CU_ASSERT_FATAL(mgmt != NULL);
    ok_hr(IVssSnapshotMgmt_QueryInterface(mgmt, &IID_IVssSnapshotMgmt2, (void **)&mgmt2), S_OK);
    ok_hr(IVssSnapshotMgmt2_GetMinDiffAreaSize(mgmt2, &min), S_OK);
    CU_ASSERT(min == 320LL << 20);
    IVssSnapshotMgmt2_Release(mgmt2);

    /* our volume is among the supported ones, by its \\?\Volume{} name */
    ok_hr(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, prop.m_ProviderId, VSS_CTX_ALL, &volumes), S_OK);
    while (volumes && IVssEnumMgmtObject_Next(volumes, 1, &item, &fetched) == S_OK)
    {
        if (!wcscmp(item.Obj.Vol.m_pwszVolumeName, prop.m_pwszOriginalVolumeName)) found = 1;
        CoTaskMemFree(item.Obj.Vol.m_pwszVolumeName);
        CoTaskMemFree(item.Obj.Vol.m_pwszVolumeDisplayName);
    }
    if (volumes) IVssEnumMgmtObject_Release(volumes);
    CU_ASSERT(found);

    found = 0;
    ok_hr(IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, data_vol, GUID_NULL, &snapshots), S_OK);
    while (snapshots && IVssEnumObject_Next(snapshots, 1, &object, &fetched) == S_OK)
    {
        if (IsEqualGUID(&object.Obj.Snap.m_SnapshotId, &snap)) found = 1;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    if (snapshots) IVssEnumObject_Release(snapshots);
    CU_ASSERT(found);

    /* shadow storage: the volume's own */
    ok_hr(IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, prop.m_ProviderId,
                                                    &IID_IVssDifferentialSoftwareSnapshotMgmt3, (IUnknown **)&diff),
          S_OK);
    CU_ASSERT_FATAL(diff != NULL);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, data_vol, data_vol, 1000), E_INVALIDARG);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, data_vol, data_vol, VSS_ASSOC_NO_MAX_SPACE), S_OK);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, data_vol, data_vol, VSS_ASSOC_NO_MAX_SPACE),
          VSS_E_OBJECT_ALREADY_EXISTS);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSize(diff, data_vol, data_vol, 1LL << 30), S_OK);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForVolume(diff, data_vol, &volumes), S_OK);
    found = 0;
    while (volumes && IVssEnumMgmtObject_Next(volumes, 1, &item, &fetched) == S_OK)
    {
        CU_ASSERT_EQUAL(item.Type, VSS_MGMT_OBJECT_DIFF_AREA);
        CU_ASSERT_EQUAL(item.Obj.DiffArea.m_llMaximumDiffSpace, 1LL << 30);
        found++;
        CoTaskMemFree(item.Obj.DiffArea.m_pwszVolumeName);
        CoTaskMemFree(item.Obj.DiffArea.m_pwszDiffAreaVolumeName);
    }
    if (volumes) IVssEnumMgmtObject_Release(volumes);
    CU_ASSERT_EQUAL(found, 1);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForSnapshot(diff, snap, &volumes), S_OK);
    if (volumes) IVssEnumMgmtObject_Release(volumes);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, data_vol, VSS_PROTECTION_LEVEL_SNAPSHOT),
          S_OK);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, data_vol, &info), S_OK);
    CU_ASSERT_EQUAL(info.m_protectionLevel, VSS_PROTECTION_LEVEL_SNAPSHOT);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSize(diff, data_vol, data_vol, VSS_ASSOC_REMOVE),
          S_OK);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSize(diff, data_vol, data_vol, 1LL << 30),
          VSS_E_OBJECT_NOT_FOUND);
    IVssDifferentialSoftwareSnapshotMgmt3_Release(diff);
    ok_hr(IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, prop.m_ProviderId, &IID_IVssAsync, (IUnknown **)&diff),
          E_NOINTERFACE);
    IVssSnapshotMgmt_Release(mgmt);

    /* the exported entry point gives the same interfaces */
    ok_hr(GetProviderMgmtInterface(prop.m_ProviderId, IID_IVssDifferentialSoftwareSnapshotMgmt, (IUnknown **)&diff),
          S_OK);
    if (diff) IVssDifferentialSoftwareSnapshotMgmt3_Release(diff);
    ok_hr(GetProviderMgmtInterface(writer_class, IID_IVssDifferentialSoftwareSnapshotMgmt, (IUnknown **)&diff),
          VSS_E_PROVIDER_NOT_REGISTERED);

    /* the exported helpers */
    ok_hr(IsVolumeSnapshotted(data_vol, &present, &capability), S_OK);
    CU_ASSERT(present);
    ok_hr(ShouldBlockRevert(data_vol, &block), S_OK);
    CU_ASSERT(!block);
    snprintf(path, sizeof(path), "%s/block-revert", config_get()->config_dir);
    {
        char line[4200];
        snprintf(line, sizeof(line), "# writers that block revert\n%s\n", data_dir);
        CU_ASSERT_EQUAL(write_text(path, line), 0);
    }
    ok_hr(ShouldBlockRevert(data_vol, &block), S_OK);
    CU_ASSERT(block);
    unlink(path);

    VssFreeSnapshotProperties(&prop);
    delete_snapshot(&snap);
    ok_hr(IsVolumeSnapshotted(data_vol, &present, &capability), S_OK);
    CU_ASSERT(!present);
    CU_ASSERT_EQUAL(capability, 0);
}

/* §1.6: a writer that vetoes Freeze aborts the set: the providers undo
 * their work, every writer gets Abort, nothing is left and the set lock is
 * free again. */
static void test_writer_veto(void)
{
    static const char *const args[] = { "--id", "{6d0a8a35-1b2c-4d5e-8f90-000000000002}", "--name", "Vetoing Writer",
                                        "--veto", "Freeze", "--log", NULL, NULL };
    const char *argv[9];
    IVssBackupComponents *backup;
    IVssEnumObject *enumerator = NULL;
    IVssAsync *async = NULL;
    VSS_OBJECT_PROP object;
    VSS_ID set, snap;
    ULONG fetched;
    HRESULT status;
    unsigned int aborts;
    int listed = 0;
    pid_t vetoer;

    memcpy(argv, args, sizeof(args));
    argv[7] = log_path;
    vetoer = wp_start("test_writer_c", argv);
    CU_ASSERT_FATAL(vetoer > 0);
    aborts = log_count("Abort");

    backup = backup_in(VSS_CTX_BACKUP);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_COPY, FALSE), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, data_vol, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    status = wait_for(async);
    CU_ASSERT(FAILED(status));
    /* both writers were told to abort */
    CU_ASSERT(log_count("Abort") >= aborts + 2);
    /* R19/R20 after a failed DoSnapshotSet */
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    backup = backup_in(VSS_CTX_ALL);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
    {
        if (IsEqualGUID(&object.Obj.Snap.m_SnapshotSetId, &set)) listed++;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);
    CU_ASSERT_EQUAL(listed, 0);
    IVssBackupComponents_Release(backup);

    backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    IVssBackupComponents_Release(backup);
    wp_stop(vetoer);
}

/* Ex4: a file's volume root (for AddToSnapshotSet) and its volume's name. */
static void test_root_and_prefix(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssBackupComponentsEx4 *ex4 = NULL;
    VSS_PWSZ root = NULL, prefix = NULL;
    WCHAR file[4200];
    char path[4096];
    struct stat st;
    VSS_ID set, snap;

    CU_ASSERT_EQUAL_FATAL(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&ex4),
                          S_OK);
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    to_wide(file, path);
    ok_hr(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(ex4, file, &root, &prefix, FALSE), S_OK);
    CU_ASSERT(root && root[0] == L'/' && root[wcslen(root) - 1] == L'/');
    CU_ASSERT(prefix && !wcsncmp(prefix, L"\\\\?\\Volume{", 11));
    if (root)
    {
        /* the root is a volume AddToSnapshotSet takes, and it holds the file */
        wcstombs(path, root, sizeof(path));
        CU_ASSERT(!stat(path, &st) && S_ISDIR(st.st_mode));
        CU_ASSERT(!strncmp(path, data_dir, strlen(path) - 1) || !strcmp(path, "/"));
        ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
        ok_hr(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, root, &(BOOL){0}), S_OK);
        ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
        (void)snap;
    }
    CoTaskMemFree(root);
    CoTaskMemFree(prefix);
    ok_hr(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(ex4, NULL, &root, &prefix, FALSE), E_INVALIDARG);
    ok_hr(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(ex4, (VSS_PWSZ)L"relative\\path", &root, &prefix,
                                                               FALSE), E_INVALIDARG);
    IVssBackupComponentsEx4_Release(ex4);
    IVssBackupComponents_Release(backup);
}

/* R12 across processes: one of two racing requesters wins. */
static void test_race(void)
{
    int results[2][2], go[2][2];
    HRESULT hr[2];
    pid_t pid[2];
    int k, status;

    for (k = 0; k < 2; k++)
    {
        CU_ASSERT_FATAL(!pipe(results[k]) && !pipe(go[k]));
        if (!(pid[k] = fork()))
        {
            IVssBackupComponents *backup = NULL;
            HRESULT child_hr;
            VSS_ID set;
            char c;

            CreateVssBackupComponents(&backup);
            IVssBackupComponents_InitializeForBackup(backup, NULL);
            IVssBackupComponents_SetContext(backup, VSS_CTX_FILE_SHARE_BACKUP);
            if (read(go[k][0], &c, 1) != 1) _exit(2);
            child_hr = IVssBackupComponents_StartSnapshotSet(backup, &set);
            if (write(results[k][1], &child_hr, sizeof(child_hr)) != sizeof(child_hr)) _exit(2);
            if (read(go[k][0], &c, 1) != 1) _exit(2);      /* hold the set until told */
            IVssBackupComponents_Release(backup);
            _exit(0);
        }
    }
    for (k = 0; k < 2; k++) CU_ASSERT_EQUAL(write(go[k][1], "s", 1), 1);
    for (k = 0; k < 2; k++) CU_ASSERT_EQUAL(read(results[k][0], &hr[k], sizeof(hr[k])), sizeof(hr[k]));
    CU_ASSERT((hr[0] == S_OK && hr[1] == VSS_E_SNAPSHOT_SET_IN_PROGRESS)
              || (hr[1] == S_OK && hr[0] == VSS_E_SNAPSHOT_SET_IN_PROGRESS));
    for (k = 0; k < 2; k++)
    {
        CU_ASSERT_EQUAL(write(go[k][1], "e", 1), 1);
        CU_ASSERT_EQUAL(waitpid(pid[k], &status, 0), pid[k]);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        close(results[k][0]); close(results[k][1]); close(go[k][0]); close(go[k][1]);
    }
}

/* DESIGN.md §6: a requester killed after StartSnapshotSet, and after
 * DoSnapshotSet: the set lock is free, its auto-release snapshot goes at the
 * next start, its persistent one stays. */
static void test_killed_requester(void)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID ids[2], set;
    char auto_root[8192];
    int sync[2], status;
    pid_t pid;

    /* killed holding a set in creation */
    CU_ASSERT_FATAL(!pipe(sync));
    if (!(pid = fork()))
    {
        IVssBackupComponents *child = NULL;
        HRESULT hr;

        CreateVssBackupComponents(&child);
        IVssBackupComponents_InitializeForBackup(child, NULL);
        hr = IVssBackupComponents_StartSnapshotSet(child, &set);
        if (write(sync[1], &hr, sizeof(hr)) != sizeof(hr)) _exit(2);
        pause();
        _exit(0);
    }
    {
        HRESULT hr = E_FAIL;
        CU_ASSERT_EQUAL(read(sync[0], &hr, sizeof(hr)), sizeof(hr));
        ok_hr(hr, S_OK);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    IVssBackupComponents_Release(backup);

    /* killed with an auto-release and a persistent snapshot made */
    if (!(pid = fork()))
    {
        VSS_ID made[2];

        made[0] = snapshot_of(VSS_CTX_NAS_ROLLBACK, data_vol);
        {
            IVssBackupComponents *child = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
            IVssAsync *async = NULL;
            VSS_ID child_set;

            IVssBackupComponents_StartSnapshotSet(child, &child_set);
            IVssBackupComponents_AddToSnapshotSet(child, data_vol, GUID_NULL, &made[1]);
            IVssBackupComponents_DoSnapshotSet(child, &async);
            wait_for(async);
            if (write(sync[1], made, sizeof(made)) != sizeof(made)) _exit(2);
            pause();     /* killed here, the object never released */
        }
        _exit(0);
    }
    CU_ASSERT_EQUAL(read(sync[0], ids, sizeof(ids)), sizeof(ids));
    ok_hr(properties(&ids[1], &prop), S_OK);
    snprintf(auto_root, sizeof(auto_root), "%s", device_path(&prop, ""));
    VssFreeSnapshotProperties(&prop);
    CU_ASSERT(access(auto_root, F_OK) == 0);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);

    /* the next requester's start reconciles the catalogue */
    backup = backup_in(VSS_CTX_ALL);
    IVssBackupComponents_Release(backup);
    ok_hr(properties(&ids[1], &prop), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT(access(auto_root, F_OK) < 0);
    ok_hr(properties(&ids[0], &prop), S_OK);
    VssFreeSnapshotProperties(&prop);
    delete_snapshot(&ids[0]);
    close(sync[0]);
    close(sync[1]);
}

/* --- suite ------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    const char *args[] = { "--log", log_path, NULL };
    char path[4096];

    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();

    snprintf(data_dir, sizeof(data_dir), "%s/data", tmp);
    snprintf(other_dir, sizeof(other_dir), "%s/other", tmp);
    snprintf(log_path, sizeof(log_path), "%s/writer.log", tmp);
    if (mkdir(data_dir, 0755) || mkdir(other_dir, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    if (write_text(path, "version 1\n")) return -1;
    to_wide(data_vol, data_dir);
    wcscat(data_vol, L"/");
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return -1;
    if ((writer_pid = wp_start("test_writer_c", args)) < 0) return -1;
    return 0;
}

static int suite_cleanup(void)
{
    snapshots_delete_all();
    if (writer_pid > 0) wp_stop(writer_pid);
    CoUninitialize();
    return 0;
}

static CU_TestInfo backup_tests[] =
{
    { "backup with a writer (§1.2, §1.3, §3.4, R32)", test_backup_with_writer },
    { "restore with a writer (§1.7)", test_restore_with_writer },
    { "a writer vetoes Freeze (§1.6)", test_writer_veto },
    { "expose and unexpose", test_expose },
    { "revert (R29)", test_revert },
    { "management objects and helpers", test_management },
    { "GetRootAndLogicalPrefixPaths (Ex4)", test_root_and_prefix },
    { "two requesters race for StartSnapshotSet (R12)", test_race },
    { "killed requesters (DESIGN §6)", test_killed_requester },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(backup_directory, suite_init, suite_cleanup, backup_tests);
