/*
 * test_thirdparty.c: third-party snapshot providers (issue 11), through the
 * public API, with the two plug-ins of tests/providers declared in
 * $VSS_CONFIG_DIR/providers.d:
 *
 *  - the sample provider is listed by Query(VSS_OBJECT_PROVIDER) (VSS-FACTS.md
 *    §3.4 VSS_PROVIDER_PROP) and by diskshadow, chosen for GUID_NULL over the
 *    system provider (§1.1: hardware > software > system), used for a set in
 *    Microsoft's call order (§1.3 b-j), its snapshot read, found again by
 *    another process and deleted through the API; auto-release snapshots go
 *    with their requester (R32); GetProviderMgmtInterface answers for it;
 *    OnLoad and OnUnload come (IVssProviderNotifications);
 *  - declarations that are wrong are skipped, not fatal;
 *  - the broken provider crashes, exits, hangs and answers garbage at each
 *    step: the set fails with VSS_E_UNEXPECTED_PROVIDER_ERROR,
 *    VSS_E_PROVIDER_VETO or VSS_E_HOLD_WRITES_TIMEOUT (§3.1), nothing is left
 *    recorded, and the next set works.
 * The suite "thirdparty_freeze" (root) hangs a provider that asked for
 * FIFREEZE inside the hold window and checks that the file system is thawed.
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
#include "dlls/vssapi/providers/provider.h"
#include "dlls/vssapi/providers/thirdparty.h"
#include "lib/fsfixture.h"

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

static const GUID sample_id = { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1a, 0x01 } };
static const GUID sample_clsid = { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1a, 0x02 } };
static const GUID sample_version_id =
    { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1a, 0x03 } };
static const GUID broken_id = { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1b, 0x01 } };
/* the broken provider again, declared to want FIFREEZE (thirdparty_freeze) */
static const GUID freezing_id = { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1c, 0x01 } };
static const GUID system_id = { 0x7ac24c27, 0x5f63, 0x4d73, { 0xae, 0x57, 0x22, 0x37, 0x0b, 0x07, 0xef, 0x1c } };

static char tmp[4096], data_dir[4096], providers_d[4096], sample_store[4096], broken_store[4096], log_path[4096];
static WCHAR data_vol[4096];

/* --- helpers ------------------------------------------------------------------------ */

static int write_file(const char *path, const char *text, mode_t mode)
{
    if (fsfixture_write_file(path, text)) return -1;
    return chmod(path, mode);
}

static int declare(const char *file, const GUID *id, const char *clsid, const char *name, const char *library,
                   const char *extra)
{
    char path[4096], text[8192];

    snprintf(path, sizeof(path), "%s/%s", providers_d, file);
    snprintf(text, sizeof(text),
             "# declared by test_thirdparty.c\n"
             "id = {%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}\n"
             "class_id = %s\n"
             "name = %s\n"
             "type = software\n"
             "library = %s\n"
             "%s",
             (unsigned int)id->Data1, id->Data2, id->Data3, id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3],
             id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7], clsid, name, umbra_test_prog(library),
             extra ? extra : "");
    return write_file(path, text, 0644);
}

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    if (FAILED(IVssAsync_Wait(async, INFINITE)) || FAILED(IVssAsync_QueryStatus(async, &status, NULL)))
        status = E_FAIL;
    IVssAsync_Release(async);
    return status;
}

static IVssBackupComponents *backup_in(LONG context)
{
    IVssBackupComponents *backup = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    if (!backup) return NULL;
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, context), S_OK);
    return backup;
}

/* A set of data_vol by provider (no writers in these contexts): the
 * AddToSnapshotSet error, else DoSnapshotSet's result.  *backup_out, when
 * given, keeps the object (auto-release snapshots live as long as it). */
static HRESULT take_set(LONG context, const GUID *provider, VSS_ID *snap, IVssBackupComponents **backup_out)
{
    IVssBackupComponents *backup = backup_in(context);
    IVssAsync *async = NULL;
    VSS_ID set;
    HRESULT hr;

    *snap = GUID_NULL;
    if (!backup) return E_FAIL;
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    if (SUCCEEDED(hr = IVssBackupComponents_AddToSnapshotSet(backup, data_vol, *provider, snap))
        && SUCCEEDED(hr = IVssBackupComponents_DoSnapshotSet(backup, &async)))
        hr = wait_for(async);
    if (hr != VSS_S_ASYNC_FINISHED) IVssBackupComponents_AbortBackup(backup);
    if (backup_out) *backup_out = backup;
    else IVssBackupComponents_Release(backup);
    return hr;
}

static HRESULT properties(const VSS_ID *id, VSS_SNAPSHOT_PROP *prop)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    HRESULT hr;

    memset(prop, 0, sizeof(*prop));
    if (!backup) return E_FAIL;
    hr = IVssBackupComponents_GetSnapshotProperties(backup, *id, prop);
    IVssBackupComponents_Release(backup);
    return hr;
}

static HRESULT delete_snapshot(const VSS_ID *id)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    LONG deleted = 0;
    VSS_ID failed;
    HRESULT hr;

    if (!backup) return E_FAIL;
    hr = IVssBackupComponents_DeleteSnapshots(backup, *id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed);
    if (hr == S_OK) CU_ASSERT_EQUAL(deleted, 1);
    IVssBackupComponents_Release(backup);
    return hr;
}

/* How many snapshots of this suite's providers every context holds (others
 * may exist: the catalogue finds records on every mounted volume). */
static int snapshot_count(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    IVssEnumObject *objects = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    int n = 0;

    if (!backup) return -1;
    if (SUCCEEDED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &objects)))
    {
        while (IVssEnumObject_Next(objects, 1, &prop, &fetched) == S_OK && fetched == 1)
        {
            const GUID *provider = &prop.Obj.Snap.m_ProviderId;

            if (IsEqualGUID(provider, &sample_id) || IsEqualGUID(provider, &broken_id)
                || IsEqualGUID(provider, &freezing_id))
                n++;
            VssFreeSnapshotProperties(&prop.Obj.Snap);
        }
        IVssEnumObject_Release(objects);
    }
    IVssBackupComponents_Release(backup);
    return n;
}

/* Entries of a provider's store other than "." and "..". */
static int store_entries(const char *dir)
{
    char cmd[4200], out[256];
    char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

    snprintf(cmd, sizeof(cmd), "ls -A '%s' 2>/dev/null | wc -l", dir);
    if (fsfixture_run(argv, out, sizeof(out))) return -1;
    return atoi(out);
}

static char *snapshot_file(const VSS_SNAPSHOT_PROP *prop, const char *name)
{
    static char path[8192];
    char device[4096];

    if (!prop->m_pwszSnapshotDeviceObject) return NULL;
    wcstombs(device, prop->m_pwszSnapshotDeviceObject, sizeof(device));
    snprintf(path, sizeof(path), "%s/%s", device, name);
    return path;
}

/* The provider calls logged since the log was emptied, one word each, joined
 * by spaces (the sample writes "<provider> <method> ..." lines; the broken
 * provider's "<provider> fault ..." lines are left out). */
static char *calls(const char *provider)
{
    static char joined[8192];
    char *text = fsfixture_read_file(log_path), *line, *next;
    size_t len = strlen(provider);

    joined[0] = 0;
    for (line = text; line && *line; line = next)
    {
        char word[128];

        if ((next = strchr(line, '\n'))) *next++ = 0;
        if (strncmp(line, provider, len) || line[len] != ' ') continue;
        if (sscanf(line + len + 1, "%127s", word) != 1 || !strcmp(word, "fault")) continue;
        if (joined[0]) strncat(joined, " ", sizeof(joined) - strlen(joined) - 1);
        strncat(joined, word, sizeof(joined) - strlen(joined) - 1);
    }
    free(text);
    return joined;
}

static void clear_log(void)
{
    truncate(log_path, 0);
}

/* Faults for the broken provider's next host (broken_provider.c). */
static void broken(const char *faults)
{
    if (faults) setenv("BROKEN_PROVIDER", faults, 1);
    else unsetenv("BROKEN_PROVIDER");
    thirdparty_shutdown();
}

/* --- the sample provider -------------------------------------------------------------- */

static void test_listed(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    IVssEnumObject *objects = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    int sample = 0, broken_seen = 0, system = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &objects), S_OK);
    while (objects && IVssEnumObject_Next(objects, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        VSS_PROVIDER_PROP *p = &prop.Obj.Prov;

        CU_ASSERT_EQUAL(prop.Type, VSS_OBJECT_PROVIDER);
        if (IsEqualGUID(&p->m_ProviderId, &sample_id))
        {
            sample++;
            CU_ASSERT(!wcscmp(p->m_pwszProviderName, L"Umbra sample reflink provider"));
            CU_ASSERT(!wcscmp(p->m_pwszProviderVersion, L"1.2.3.4"));
            CU_ASSERT_EQUAL(p->m_eProviderType, VSS_PROV_SOFTWARE);
            CU_ASSERT(IsEqualGUID(&p->m_ProviderVersionId, &sample_version_id));
            CU_ASSERT(IsEqualGUID(&p->m_ClassId, &sample_clsid));
        }
        if (IsEqualGUID(&p->m_ProviderId, &broken_id))
        {
            broken_seen++;
            CU_ASSERT(!wcscmp(p->m_pwszProviderVersion, L"1.0"));   /* the default */
        }
        if (IsEqualGUID(&p->m_ProviderId, &system_id))
        {
            system++;
            CU_ASSERT_EQUAL(p->m_eProviderType, VSS_PROV_SYSTEM);
        }
        CoTaskMemFree(p->m_pwszProviderName);
        CoTaskMemFree(p->m_pwszProviderVersion);
    }
    if (objects) IVssEnumObject_Release(objects);
    CU_ASSERT_EQUAL(sample, 1);
    CU_ASSERT_EQUAL(broken_seen, 1);
    CU_ASSERT_EQUAL(system, 1);
    IVssBackupComponents_Release(backup);
}

static void test_bad_declarations(void)
{
    const struct provider *const *list;
    char path[4096];
    unsigned int n, before = 0, after = 0;

    for (list = provider_list(); *list; list++) before++;
    /* each of these is skipped with a warning */
    CU_ASSERT_EQUAL(declare("c-no-library.conf", &(GUID){ 0x11, 0, 0, { 1 } }, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a02}",
                            "No library", "missing.so", NULL), 0);
    snprintf(path, sizeof(path), "%s/c-bad-type.conf", providers_d);
    CU_ASSERT_EQUAL(write_file(path, "id = {00000012-0000-0000-0100-000000000000}\nname = x\ntype = system\n"
                               "library = /bin/true\n", 0644), 0);
    snprintf(path, sizeof(path), "%s/c-writable.conf", providers_d);
    CU_ASSERT_EQUAL(write_file(path, "id = {00000013-0000-0000-0100-000000000000}\nname = x\ntype = software\n"
                               "library = /bin/true\n", 0666), 0);
    chmod(path, 0666);
    CU_ASSERT_EQUAL(declare("c-same-id.conf", &sample_id, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a02}", "Again",
                            "sample_provider.so", NULL), 0);
    CU_ASSERT_EQUAL(declare("c-builtin-id.conf", &system_id, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a02}", "Impostor",
                            "sample_provider.so", NULL), 0);
    snprintf(path, sizeof(path), "%s/c-garbage.conf", providers_d);
    CU_ASSERT_EQUAL(write_file(path, "this is not a declaration\n\x01\x02", 0644), 0);
    snprintf(path, sizeof(path), "%s/c-bad-guid.conf", providers_d);
    CU_ASSERT_EQUAL(write_file(path, "id = {not-a-guid}\nname = x\ntype = software\nlibrary = /bin/true\n", 0644), 0);
    snprintf(path, sizeof(path), "%s/c-twice.conf", providers_d);
    CU_ASSERT_EQUAL(write_file(path, "id = {00000014-0000-0000-0100-000000000000}\nid = {00000015-0000-0000-0100-"
                               "000000000000}\nname = x\ntype = software\nlibrary = /bin/true\n", 0644), 0);

    for (list = provider_list(); *list; list++) after++;
    CU_ASSERT_EQUAL(after, before);
    CU_ASSERT_PTR_EQUAL(provider_by_id(&system_id), provider_default());
    CU_ASSERT_STRING_EQUAL(provider_by_id(&sample_id)->name, "Umbra sample reflink provider");

    /* once they are gone the list is what it was, with the same structs */
    {
        const struct provider *sample = provider_by_id(&sample_id);
        const char *names[] = { "c-no-library.conf", "c-bad-type.conf", "c-writable.conf", "c-same-id.conf",
                                "c-builtin-id.conf", "c-garbage.conf", "c-bad-guid.conf", "c-twice.conf" };

        for (n = 0; n < ARRAYSIZE(names); n++)
        {
            snprintf(path, sizeof(path), "%s/%s", providers_d, names[n]);
            CU_ASSERT_EQUAL(unlink(path), 0);
        }
        CU_ASSERT_PTR_EQUAL(provider_by_id(&sample_id), sample);
    }
}

static void test_sample_set(void)
{
    VSS_SNAPSHOT_PROP prop;
    char *text, device[4096];
    VSS_ID snap;

    clear_log();
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &sample_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    /* Microsoft's order (§1.3 b, d, f, h, j); the host loaded it with OnLoad */
    CU_ASSERT_PTR_NOT_NULL(strstr(calls("sample"), "BeginPrepareSnapshot EndPrepareSnapshots PreCommitSnapshots "
                                  "CommitSnapshots PostCommitSnapshots PreFinalCommitSnapshots "
                                  "PostFinalCommitSnapshots GetSnapshotProperties"));
    CU_ASSERT_PTR_NULL(strstr(calls("sample"), "AbortSnapshots"));

    ok_hr(properties(&snap, &prop), S_OK);
    CU_ASSERT(IsEqualGUID(&prop.m_ProviderId, &sample_id));
    CU_ASSERT(IsEqualGUID(&prop.m_SnapshotId, &snap));
    CU_ASSERT_EQUAL(prop.m_eStatus, VSS_SS_CREATED);
    CU_ASSERT_EQUAL(prop.m_lSnapshotsCount, 1);
    CU_ASSERT(prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_PERSISTENT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(prop.m_pwszSnapshotDeviceObject);
    wcstombs(device, prop.m_pwszSnapshotDeviceObject, sizeof(device));
    /* the snapshot lives in the provider's own storage */
    CU_ASSERT(!strncmp(device, sample_store, strlen(sample_store)));
    text = fsfixture_read_file(snapshot_file(&prop, "file.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text) CU_ASSERT_STRING_EQUAL(text, "version 1\n");
    free(text);
    /* Umbra's records are not part of it */
    CU_ASSERT(access(snapshot_file(&prop, ".snapshots"), F_OK) < 0);
    VssFreeSnapshotProperties(&prop);

    /* the volume changes, the snapshot does not */
    {
        char path[4096];

        snprintf(path, sizeof(path), "%s/file.txt", data_dir);
        CU_ASSERT_EQUAL(fsfixture_write_file(path, "version 2\n"), 0);
        ok_hr(properties(&snap, &prop), S_OK);
        text = fsfixture_read_file(snapshot_file(&prop, "file.txt"));
        if (text) CU_ASSERT_STRING_EQUAL(text, "version 1\n");
        free(text);
        VssFreeSnapshotProperties(&prop);
        CU_ASSERT_EQUAL(fsfixture_write_file(path, "version 1\n"), 0);
    }

    ok_hr(delete_snapshot(&snap), S_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(calls("sample"), "DeleteSnapshots"));
    ok_hr(properties(&snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(store_entries(sample_store), 0);
    CU_ASSERT_EQUAL(snapshot_count(), 0);
}

/* §1.1: GUID_NULL picks a software provider before the system one. */
static void test_default_choice(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_BACKUP);
    VSS_SNAPSHOT_PROP prop;
    BOOL supported = FALSE;
    VSS_ID snap;

    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, sample_id, data_vol, &supported), S_OK);
    CU_ASSERT(supported);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, data_vol, &supported), S_OK);
    CU_ASSERT(supported);
    IVssBackupComponents_Release(backup);

    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &GUID_NULL, &snap, NULL), VSS_S_ASYNC_FINISHED);
    ok_hr(properties(&snap, &prop), S_OK);
    CU_ASSERT(IsEqualGUID(&prop.m_ProviderId, &sample_id));
    VssFreeSnapshotProperties(&prop);
    ok_hr(delete_snapshot(&snap), S_OK);
    /* and the system provider can still be asked for by name */
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &system_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    ok_hr(properties(&snap, &prop), S_OK);
    CU_ASSERT(IsEqualGUID(&prop.m_ProviderId, &system_id));
    VssFreeSnapshotProperties(&prop);
    ok_hr(delete_snapshot(&snap), S_OK);
}

/* R32: an auto-release snapshot goes with its requester, through the provider. */
static void test_auto_release(void)
{
    IVssBackupComponents *backup = NULL;
    VSS_SNAPSHOT_PROP prop;
    char file[8192];
    VSS_ID snap;

    ok_hr(take_set(VSS_CTX_FILE_SHARE_BACKUP, &sample_id, &snap, &backup), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(properties(&snap, &prop), S_OK);
    snprintf(file, sizeof(file), "%s", snapshot_file(&prop, "file.txt") ? snapshot_file(&prop, "file.txt") : "");
    CU_ASSERT_EQUAL(access(file, R_OK), 0);
    VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);
    CU_ASSERT(access(file, F_OK) < 0);
    ok_hr(properties(&snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(store_entries(sample_store), 0);
}

static VSS_ID child_snapshot;

/* In another process: a persistent snapshot; the process then exits. */
static void test_other_process(void)
{
    VSS_SNAPSHOT_PROP prop;
    int pipefd[2], status = -1;
    pid_t pid;
    char *text;

    CU_ASSERT_EQUAL_FATAL(pipe(pipefd), 0);
    if (!(pid = fork()))
    {
        VSS_ID snap;
        HRESULT hr = take_set(VSS_CTX_NAS_ROLLBACK, &sample_id, &snap, NULL);

        if (write(pipefd[1], &snap, sizeof(snap)) != sizeof(snap)) _exit(2);
        _exit(hr == VSS_S_ASYNC_FINISHED ? 0 : 1);
    }
    close(pipefd[1]);
    CU_ASSERT_EQUAL(read(pipefd[0], &child_snapshot, sizeof(child_snapshot)), (ssize_t)sizeof(child_snapshot));
    close(pipefd[0]);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* this process sees it, reads it, and deletes it */
    ok_hr(properties(&child_snapshot, &prop), S_OK);
    CU_ASSERT(IsEqualGUID(&prop.m_ProviderId, &sample_id));
    text = fsfixture_read_file(snapshot_file(&prop, "file.txt"));
    CU_ASSERT_PTR_NOT_NULL(text);
    free(text);
    VssFreeSnapshotProperties(&prop);
    ok_hr(delete_snapshot(&child_snapshot), S_OK);
    CU_ASSERT_EQUAL(store_entries(sample_store), 0);
}

static void test_mgmt_interface(void)
{
    IVssDifferentialSoftwareSnapshotMgmt *mgmt = NULL;
    IUnknown *unknown = NULL;

    ok_hr(GetProviderMgmtInterface(sample_id, IID_IVssDifferentialSoftwareSnapshotMgmt, &unknown), S_OK);
    CU_ASSERT_PTR_NOT_NULL(unknown);
    if (unknown)
    {
        ok_hr(IUnknown_QueryInterface(unknown, &IID_IVssDifferentialSoftwareSnapshotMgmt, (void **)&mgmt), S_OK);
        if (mgmt) IVssDifferentialSoftwareSnapshotMgmt_Release(mgmt);
        IUnknown_Release(unknown);
    }
    unknown = NULL;
    ok_hr(GetProviderMgmtInterface((GUID){ 0x1234, 0, 0, { 0 } }, IID_IVssDifferentialSoftwareSnapshotMgmt, &unknown),
          VSS_E_PROVIDER_NOT_REGISTERED);
}

static void test_notifications(void)
{
    const struct provider *sample = provider_by_id(&sample_id);
    VSS_ID snap;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sample);
    CU_ASSERT(thirdparty_is_thirdparty(sample));
    CU_ASSERT(!thirdparty_is_thirdparty(provider_default()));
    thirdparty_shutdown();
    CU_ASSERT_EQUAL(thirdparty_host_pid(sample), 0);
    clear_log();
    CU_ASSERT_EQUAL(sample->is_supported(&(struct vss_volume){ .root = data_dir }), 0);
    CU_ASSERT(thirdparty_host_pid(sample) > 0);
    thirdparty_shutdown();
    CU_ASSERT_EQUAL(thirdparty_host_pid(sample), 0);
    /* loaded the way COM loads it, told about it, and told it goes */
    CU_ASSERT_STRING_EQUAL(calls("sample"), "DllGetClassObject OnLoad SetContext IsVolumeSupported OnUnload");
    /* a new host comes when it is needed again */
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &sample_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    ok_hr(delete_snapshot(&snap), S_OK);
}

/* A host that dies while idle (the OOM killer, say) is replaced at the next call. */
static void test_host_killed(void)
{
    const struct provider *sample = provider_by_id(&sample_id);
    VSS_ID snap;
    int pid;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sample);
    CU_ASSERT_EQUAL(sample->is_supported(&(struct vss_volume){ .root = data_dir }), 0);
    CU_ASSERT_FATAL((pid = thirdparty_host_pid(sample)) > 0);
    CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
    /* reaped by someone else even (a requester that waits for any child) */
    CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &sample_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(thirdparty_host_pid(sample) > 0 && thirdparty_host_pid(sample) != pid);
    ok_hr(delete_snapshot(&snap), S_OK);
}

static void test_diskshadow_lists(void)
{
    char script[4096], out[65536];
    char *argv[] = { (char *)umbra_prog("diskshadow"), (char *)"-s", script, NULL };
    int status;

    snprintf(script, sizeof(script), "%s/providers.dsh", tmp);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(script, "list providers\nexit\n"), 0);
    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("diskshadow:\n%s\n", out);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Umbra sample reflink provider"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a01"));
}

static void test_vssadmin_lists(void)
{
    char *argv[] = { (char *)umbra_prog("vssadmin"), (char *)"list", (char *)"providers", NULL };
    char out[65536];
    int status;

    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("vssadmin:\n%s\n", out);
    CU_ASSERT_EQUAL(status, 0);
    /* VSS-FACTS.md §5: "Provider name: '...'", "Provider type: Software" */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Provider name: 'Umbra sample reflink provider'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a01}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Version: 1.2.3.4"));
}

/* --- the broken provider -------------------------------------------------------------- */

/* A set by the broken provider fails with expected; nothing is left recorded
 * or stored, and the sample provider works right after. */
static void check_broken_set(const char *faults, HRESULT expected)
{
    VSS_ID snap;

    HRESULT hr;

    broken(faults);
    hr = take_set(VSS_CTX_NAS_ROLLBACK, &broken_id, &snap, NULL);
    if (hr != expected)
        printf("\n  with %s: got %#x, expected %#x\n", faults, (unsigned int)hr, (unsigned int)expected);
    CU_ASSERT_EQUAL(hr, expected);
    CU_ASSERT_EQUAL(snapshot_count(), 0);
    CU_ASSERT_EQUAL(store_entries(broken_store), 0);
    broken(NULL);
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &sample_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    ok_hr(delete_snapshot(&snap), S_OK);
}

static void test_broken_works_unbroken(void)
{
    VSS_ID snap;

    broken(NULL);
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &broken_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    ok_hr(delete_snapshot(&snap), S_OK);
}

static void test_broken_crash(void)
{
    const char *steps[] = { "BeginPrepareSnapshot", "EndPrepareSnapshots", "PreCommitSnapshots", "CommitSnapshots",
                            "PostCommitSnapshots", "PreFinalCommitSnapshots", "PostFinalCommitSnapshots",
                            "GetSnapshotProperties" };
    char faults[128];

    for (unsigned int i = 0; i < ARRAYSIZE(steps); i++)
    {
        snprintf(faults, sizeof(faults), "%s=crash", steps[i]);
        check_broken_set(faults, VSS_E_UNEXPECTED_PROVIDER_ERROR);
    }
    check_broken_set("CommitSnapshots=exit", VSS_E_UNEXPECTED_PROVIDER_ERROR);
    check_broken_set("PostCommitSnapshots=exit,AbortSnapshots=crash", VSS_E_UNEXPECTED_PROVIDER_ERROR);
}

static void test_broken_results(void)
{
    /* an expected error keeps its meaning; anything else is the provider's fault */
    check_broken_set("EndPrepareSnapshots=0x80042306", VSS_E_PROVIDER_VETO);
    check_broken_set("CommitSnapshots=0x80042306", VSS_E_PROVIDER_VETO);
    check_broken_set("BeginPrepareSnapshot=0x8004231f", VSS_E_INSUFFICIENT_STORAGE);
    check_broken_set("PreCommitSnapshots=0x8badf00d", VSS_E_UNEXPECTED_PROVIDER_ERROR);
    check_broken_set("PostFinalCommitSnapshots=0x80004005", VSS_E_UNEXPECTED_PROVIDER_ERROR);
    check_broken_set("GetSnapshotProperties=garbage", VSS_E_UNEXPECTED_PROVIDER_ERROR);
    check_broken_set("CommitSnapshots=garbage", VSS_E_PROVIDER_VETO);   /* it copied nothing, then refused */
    /* AbortSnapshots runs after a failure */
    clear_log();
    check_broken_set("PreCommitSnapshots=0x80042306", VSS_E_PROVIDER_VETO);
    CU_ASSERT_PTR_NOT_NULL(strstr(calls("broken"), "PreCommitSnapshots AbortSnapshots"));
}

static void test_broken_add(void)
{
    IVssBackupComponents *backup;
    BOOL supported = TRUE;
    VSS_ID set, snap;

    /* AddToSnapshotSet asks IsVolumeSupported (R16) */
    broken("IsVolumeSupported=crash");
    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, broken_id, data_vol, &supported),
          VSS_E_UNEXPECTED_PROVIDER_ERROR);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, data_vol, broken_id, &snap), VSS_E_UNEXPECTED_PROVIDER_ERROR);
    /* nothing else broke: the default choice still works */
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, data_vol, GUID_NULL, &snap), S_OK);
    IVssBackupComponents_AbortBackup(backup);
    IVssBackupComponents_Release(backup);

    broken("IsVolumeSupported=0x80042306");
    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, broken_id, data_vol, &supported), VSS_E_PROVIDER_VETO);
    IVssBackupComponents_Release(backup);

    broken("IsVolumeSupported=garbage");    /* 42 is not FALSE */
    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, broken_id, data_vol, &supported), S_OK);
    CU_ASSERT(supported);
    IVssBackupComponents_Release(backup);

    /* a library that gives no class */
    broken("DllGetClassObject=0x80040111");
    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, broken_id, data_vol, &supported),
          VSS_E_UNEXPECTED_PROVIDER_ERROR);
    IVssBackupComponents_Release(backup);
    broken("OnLoad=0x80004005");
    backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    ok_hr(IVssBackupComponents_IsVolumeSupported(backup, broken_id, data_vol, &supported),
          VSS_E_UNEXPECTED_PROVIDER_ERROR);
    IVssBackupComponents_Release(backup);
    broken(NULL);
}

/* A call that hangs outside the window ends at the declaration's timeout. */
static void test_broken_hang(void)
{
    check_broken_set("PreCommitSnapshots=hang", VSS_E_UNEXPECTED_PROVIDER_ERROR);
    check_broken_set("BeginPrepareSnapshot=hang", VSS_E_UNEXPECTED_PROVIDER_ERROR);
}

/* §1.5: CommitSnapshots must fit in the hold window. */
static void test_broken_commit_hang(void)
{
    check_broken_set("CommitSnapshots=hang", VSS_E_HOLD_WRITES_TIMEOUT);
}

/* The pid of the broken provider's host from its last "fault" log line, or 0. */
static int faulted_host(void)
{
    char *text = fsfixture_read_file(log_path), *p, *last = NULL;
    int pid = 0;

    for (p = text; p && (p = strstr(p, "pid=")); p++) last = p;
    if (last) pid = atoi(last + 4);
    free(text);
    return pid;
}

/* 1 once pid has gone, or is a zombie nobody reaps (an orphan, here). */
static int process_gone(int pid)
{
    char path[64], *stat;
    int gone;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (!(stat = fsfixture_read_file(path))) return 1;
    gone = strstr(stat, ") Z ") != NULL;
    free(stat);
    return gone;
}

/* A requester killed while its provider hangs: the host does not outlive
 * it, and holds nothing (the snapshot-set lock above all) that would stop
 * the next requester. */
static void test_requester_killed(void)
{
    int host = 0, tries, status;
    VSS_ID snap;
    pid_t pid;

    broken("PreCommitSnapshots=hang");
    clear_log();
    if (!(pid = fork()))
    {
        take_set(VSS_CTX_NAS_ROLLBACK, &broken_id, &snap, NULL);
        _exit(0);
    }
    for (tries = 0; tries < 2000 && !(host = faulted_host()); tries++) usleep(10000);
    CU_ASSERT_FATAL(host > 0);
    CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    for (tries = 0; tries < 1000 && !process_gone(host); tries++) usleep(10000);
    CU_ASSERT(process_gone(host));
    broken(NULL);
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &sample_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    ok_hr(delete_snapshot(&snap), S_OK);
}

/* A deleted snapshot that the provider cannot delete stays, and says why. */
static void test_broken_delete(void)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    LONG deleted = -1;
    VSS_ID snap, failed;

    broken(NULL);
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &broken_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    broken("DeleteSnapshots=crash");
    backup = backup_in(VSS_CTX_ALL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, snap, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed),
          VSS_E_UNEXPECTED_PROVIDER_ERROR);
    CU_ASSERT_EQUAL(deleted, 0);
    CU_ASSERT(IsEqualGUID(&failed, &snap));
    IVssBackupComponents_Release(backup);
    broken(NULL);
    ok_hr(properties(&snap, &prop), S_OK);
    VssFreeSnapshotProperties(&prop);
    ok_hr(delete_snapshot(&snap), S_OK);
    CU_ASSERT_EQUAL(store_entries(broken_store), 0);
}

/* --- the hold window with a frozen file system (root) ---------------------------------- */

static struct fsfixture *frozen_fs;

/* §1.5 and DESIGN.md §5: a provider that asked for FIFREEZE and hangs in
 * CommitSnapshots: the watchdog thaws, the set fails, the volume is usable. */
static void test_freeze_hang(void)
{
    WCHAR volume[4096];
    char path[4200];
    VSS_ID snap;
    HRESULT hr;

    CU_ASSERT_PTR_NOT_NULL_FATAL(frozen_fs);
    mbstowcs(volume, frozen_fs->mnt, 4096);
    wcscat(volume, L"/");
    wcscpy(data_vol, volume);

    broken(NULL);
    ok_hr(take_set(VSS_CTX_NAS_ROLLBACK, &freezing_id, &snap, NULL), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(frozen_fs->mnt), 0);
    ok_hr(delete_snapshot(&snap), S_OK);

    broken("CommitSnapshots=hang");
    hr = take_set(VSS_CTX_NAS_ROLLBACK, &freezing_id, &snap, NULL);
    ok_hr(hr, VSS_E_HOLD_WRITES_TIMEOUT);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(frozen_fs->mnt), 0);
    snprintf(path, sizeof(path), "%s/after.txt", frozen_fs->mnt);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "writable\n"), 0);
    CU_ASSERT_EQUAL(snapshot_count(), 0);
    broken(NULL);
}

/* --- suites ------------------------------------------------------------------------------ */

static int common_init(void)
{
    static int done;
    char path[4096];

    if (done) return 0;
    snprintf(tmp, sizeof(tmp), "%s", umbra_test_tmpdir());
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(providers_d, sizeof(providers_d), "%s/providers.d", path);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    unsetenv("BROKEN_PROVIDER");
    unsetenv("BROKEN_PROVIDER_STORE");
    snprintf(sample_store, sizeof(sample_store), "%s/sample-store", tmp);
    snprintf(broken_store, sizeof(broken_store), "%s/state/broken-provider", tmp);
    snprintf(log_path, sizeof(log_path), "%s/providers.log", tmp);
    setenv("SAMPLE_PROVIDER_STORE", sample_store, 1);
    setenv("SAMPLE_PROVIDER_LOG", log_path, 1);
    config_reload();

    if (mkdir(providers_d, 0755)) return -1;
    if (declare("a-sample.conf", &sample_id, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a02}", "Umbra sample reflink provider",
                "sample_provider.so",
                "version = 1.2.3.4\nversion_id = 5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a03\ntimeout_ms = 20000\n"))
        return -1;
    if (declare("b-broken.conf", &broken_id, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1b02}", "Umbra broken test provider",
                "broken_provider.so", "timeout_ms = 2000   # the hang tests wait this long\n"))
        return -1;

    snprintf(data_dir, sizeof(data_dir), "%s/data", tmp);
    if (mkdir(data_dir, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    if (fsfixture_write_file(path, "version 1\n")) return -1;
    snprintf(path, sizeof(path), "%s/sub", data_dir);
    if (mkdir(path, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/sub/nested.txt", data_dir);
    if (fsfixture_write_file(path, "nested\n")) return -1;
    mbstowcs(data_vol, data_dir, 4096);
    wcscat(data_vol, L"/");
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return -1;
    done = 1;
    return 0;
}

static int suite_init(void)
{
    return common_init();
}

static int suite_cleanup(void)
{
    broken(NULL);
    thirdparty_shutdown();
    return 0;
}

static int freeze_init(void)
{
    if (umbra_require_root() || common_init()) return -1;
    if (!fsfixture_tools_available("ext4") || !(frozen_fs = fsfixture_create("ext4", 64, NULL, NULL))) return -1;
    /* the broken provider once more, wanting its volume frozen for CommitSnapshots */
    return declare("c-freezing.conf", &freezing_id, "{5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1b02}",
                   "Umbra freezing test provider", "broken_provider.so", "freeze = fifreeze\ntimeout_ms = 5000\n");
}

static int freeze_cleanup(void)
{
    char path[4200];

    broken(NULL);
    thirdparty_shutdown();
    snprintf(path, sizeof(path), "%s/c-freezing.conf", providers_d);
    unlink(path);
    fsfixture_destroy(frozen_fs);
    frozen_fs = NULL;
    mbstowcs(data_vol, data_dir, 4096);
    wcscat(data_vol, L"/");
    return 0;
}

static CU_TestInfo thirdparty_tests[] =
{
    { "listed by Query(VSS_OBJECT_PROVIDER) (§3.4)", test_listed },
    { "wrong declarations are skipped", test_bad_declarations },
    { "a set by the sample provider (§1.3)", test_sample_set },
    { "GUID_NULL prefers software to system (§1.1)", test_default_choice },
    { "auto-release through the provider (R32)", test_auto_release },
    { "a snapshot made by another process", test_other_process },
    { "GetProviderMgmtInterface", test_mgmt_interface },
    { "OnLoad and OnUnload", test_notifications },
    { "a host killed between calls", test_host_killed },
    { "diskshadow list providers", test_diskshadow_lists },
    { "vssadmin list providers", test_vssadmin_lists },
    { "the broken provider without faults", test_broken_works_unbroken },
    { "crashes at every step", test_broken_crash },
    { "vetoes and garbage results (§3.1)", test_broken_results },
    { "IsVolumeSupported and loading fail", test_broken_add },
    { "hangs outside the hold window", test_broken_hang },
    { "a hang in CommitSnapshots (§1.5)", test_broken_commit_hang },
    { "a delete the provider fails", test_broken_delete },
    { "the requester killed while its provider hangs", test_requester_killed },
    CU_TEST_INFO_NULL
};

static CU_TestInfo freeze_tests[] =
{
    { "a hang with the volume frozen (§1.5)", test_freeze_hang },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(thirdparty, suite_init, suite_cleanup, thirdparty_tests);
UMBRA_SUITE(thirdparty_freeze, freeze_init, freeze_cleanup, freeze_tests);
