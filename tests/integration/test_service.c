/*
 * test_service.c: vsssvc, the Volume Shadow Copy Service (DESIGN.md §4,
 * issue 10), started by the fixture (tests/lib/service_fixture.h) with the
 * test's private directories, over a root-owned btrfs volume
 * (tests/lib/fsfixture.h) and a test writer process:
 *
 *  - a requester running as an unprivileged uid in the backup group
 *    snapshots the volume and reads the snapshot; outside the group it gets
 *    E_ACCESSDENIED (VSS_MODE=service) or embedded mode (VSS_MODE unset);
 *    the administrator-only methods are refused to the group;
 *  - the same calls, good and bad, give the same results in-process and
 *    through the service;
 *  - snapshot management (IVssSnapshotMgmt, the providers' shadow-storage
 *    interface) and vssadmin's list volumes/shadowstorage answer a group
 *    member through the service as root in-process; changing shadow
 *    storage is root's only;
 *  - kill -9 of a requester mid-backup: its writers get Abort, its
 *    auto-release snapshot disappears and they get BackupShutdown
 *    (VSS-FACTS.md §1.2 step 20, §2.1 R32);
 *  - kill -9 of the service while writers are frozen: every writer thaws,
 *    no file system stays frozen (one left frozen by a process that died is
 *    thawed by the next start), the restarted service finds a consistent
 *    catalogue;
 *  - 8 requester processes at once serialise on snapshot creation (R12);
 *  - junk, truncated, oversized and out-of-order messages are refused and
 *    the service keeps serving;
 *  - idle exit, socket activation and readiness the systemd way.
 */
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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
#include "catalogue.h"
#include "enum.h"
#include "providers/provider.h"
#include "freeze.h"
#include "service_client.h"
#include "service_proto.h"
#include "snapshot_props.h"
#include "transport.h"
#include "wire.h"
#include "lib/fsfixture.h"
#include "lib/service_fixture.h"
#include "lib/writer_procs.h"
#include "lib/writer_session.h"

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

#define NOBODY 65534
#define SD_LISTEN_FDS_START_FOR_TEST 3      /* sd_listen_fds(3) */
#define WRITER_NAME "Service Test Writer"

static struct fsfixture *fx;
static WCHAR volume[4096];
static char log_path[4096], run_dir[4096], created_group[64], expose_dir[4096];
static WCHAR expose_path[4096];
static gid_t backup_gid;
static pid_t service = -1, writer = -1;

/* --- requesters in child processes ----------------------------------------------------- */

/* Who a child runs as. */
struct identity
{
    uid_t uid;
    gid_t gid;
    int ngroups;
    gid_t groups[4];
};

static const struct identity as_root = { 0, 0, 0, { 0 } };

/* What a child reports, at checkpoints and at its end. */
enum step
{
    STEP_CREATE, STEP_INIT, STEP_GATHER, STEP_STATE, STEP_START, STEP_ADD, STEP_PREPARE, STEP_DO,
    STEP_PROPERTIES, STEP_EXPOSE, STEP_COMPLETE, STEP_COUNT
};

struct report
{
    int checkpoint;                 /* 0: the end */
    int steps;                      /* steps run */
    HRESULT hr[STEP_COUNT];
    VSS_ID set, snap;
    char content[128];              /* the file read back through the snapshot */
};

enum stop_at { RUN_ALL, STOP_AFTER_PREPARE, STOP_AFTER_SNAPSHOT, STOP_BEFORE_DO };

static void become(const struct identity *who)
{
    if (!who->uid) return;
    if (setgroups(who->ngroups, who->groups) || setresgid(who->gid, who->gid, who->gid)
        || setresuid(who->uid, who->uid, who->uid))
        _exit(90);
}

static void send_report(int fd, struct report *r, int checkpoint)
{
    r->checkpoint = checkpoint;
    if (write(fd, r, sizeof(*r)) != sizeof(*r)) _exit(91);
}

/* Run the operation to its end: its QueryStatus, or the call's failure. */
static HRESULT run_async(HRESULT hr, IVssAsync **pasync)
{
    IVssAsync *async = *pasync;
    HRESULT status = E_FAIL;

    *pasync = NULL;
    if (FAILED(hr)) return hr;
    if (!async) return E_POINTER;
    if (FAILED(hr = IVssAsync_Wait(async, INFINITE))) status = hr;
    else if (FAILED(hr = IVssAsync_QueryStatus(async, &status, NULL))) status = hr;
    IVssAsync_Release(async);
    return status;
}

#define STEP(r, n, expr) ((r)->steps = (n) + 1, (r)->hr[n] = (expr))

/* A backup of the btrfs volume with the writers (VSS-FACTS.md §1.2), up to stop. */
static void backup_flow(int fd, enum stop_at stop)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    struct report r;
    VSS_PWSZ exposed = NULL;

    memset(&r, 0, sizeof(r));
    if (FAILED(STEP(&r, STEP_CREATE, CreateVssBackupComponents(&backup)))) goto end;
    if (FAILED(STEP(&r, STEP_INIT, IVssBackupComponents_InitializeForBackup(backup, NULL)))) goto end;
    async = NULL;
    if (STEP(&r, STEP_GATHER, run_async(IVssBackupComponents_GatherWriterMetadata(backup, &async), &async))
        != VSS_S_ASYNC_FINISHED)
        goto end;
    if (FAILED(STEP(&r, STEP_STATE, IVssBackupComponents_SetBackupState(backup, false, false, VSS_BT_FULL, false))))
        goto end;
    if (FAILED(STEP(&r, STEP_START, IVssBackupComponents_StartSnapshotSet(backup, &r.set)))) goto end;
    if (FAILED(STEP(&r, STEP_ADD, IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &r.snap))))
        goto end;
    async = NULL;
    if (STEP(&r, STEP_PREPARE, run_async(IVssBackupComponents_PrepareForBackup(backup, &async), &async))
        != VSS_S_ASYNC_FINISHED)
        goto end;
    if (stop == STOP_AFTER_PREPARE)
    {
        send_report(fd, &r, 1);
        pause();
    }
    if (stop == STOP_BEFORE_DO) send_report(fd, &r, 1);
    async = NULL;
    if (STEP(&r, STEP_DO, run_async(IVssBackupComponents_DoSnapshotSet(backup, &async), &async))
        != VSS_S_ASYNC_FINISHED)
        goto end;
    memset(&prop, 0, sizeof(prop));
    if (SUCCEEDED(STEP(&r, STEP_PROPERTIES, IVssBackupComponents_GetSnapshotProperties(backup, r.snap, &prop))))
    {
        char path[8192];
        char device[4096];
        int file;

        wcstombs(device, prop.m_pwszSnapshotDeviceObject, sizeof(device));
        snprintf(path, sizeof(path), "%s/data.txt", device);
        if ((file = open(path, O_RDONLY)) >= 0)
        {
            ssize_t n = read(file, r.content, sizeof(r.content) - 1);
            if (n > 0) r.content[n] = 0;
            close(file);
        }
        VssFreeSnapshotProperties(&prop);
    }
    /* an administrator's method: refused to the backup group */
    if (getuid())
    {
        STEP(&r, STEP_EXPOSE, IVssBackupComponents_ExposeSnapshot(backup, r.snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
                                                                  expose_path, &exposed));
        CoTaskMemFree(exposed);
    }
    else STEP(&r, STEP_EXPOSE, S_OK);
    if (stop == STOP_AFTER_SNAPSHOT)
    {
        send_report(fd, &r, 1);
        pause();
    }
    async = NULL;
    STEP(&r, STEP_COMPLETE, run_async(IVssBackupComponents_BackupComplete(backup, &async), &async));

end:
    if (backup) IVssBackupComponents_Release(backup);
    send_report(fd, &r, 0);
}

/* Start a child running backup_flow as who; *fd gets its reports. */
static pid_t start_requester(const struct identity *who, enum stop_at stop, int *fd)
{
    int pipefd[2];
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC)) return -1;
    if (!(pid = fork()))
    {
        close(pipefd[0]);
        become(who);
        backup_flow(pipefd[1], stop);
        _exit(0);
    }
    close(pipefd[1]);
    *fd = pipefd[0];
    return pid;
}

/* The next report of a child, within 60 s: 0, or -1. */
static int read_report(int fd, struct report *r)
{
    size_t got = 0;

    memset(r, 0, sizeof(*r));
    while (got < sizeof(*r))
    {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 60000) <= 0) return -1;
        if ((n = read(fd, (char *)r + got, sizeof(*r) - got)) <= 0) return -1;
        got += n;
    }
    return 0;
}

static int reap(pid_t pid)
{
    int status;

    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- helpers in this process ------------------------------------------------------------ */

static IVssBackupComponents *backup_in(LONG context)
{
    IVssBackupComponents *backup = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    if (!backup) return NULL;
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    if (context != VSS_CTX_BACKUP) ok_hr(IVssBackupComponents_SetContext(backup, context), S_OK);
    return backup;
}

static HRESULT properties(const VSS_ID *id)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    VSS_SNAPSHOT_PROP prop;
    HRESULT hr;

    if (!backup) return E_FAIL;
    memset(&prop, 0, sizeof(prop));
    if (SUCCEEDED(hr = IVssBackupComponents_GetSnapshotProperties(backup, *id, &prop)))
        VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);
    return hr;
}

/* Snapshot records of the test's volume (every state) for set (NULL: all);
 * the catalogue sees every volume mounted here, other tests' too. */
static size_t records_of(const GUID *set)
{
    struct catalogue_filter filter = { NULL, set, fx->mnt, CATALOGUE_CTX_ALL, 1 };
    struct snapshot_record **recs = NULL;
    struct catalogue *cat;
    size_t count = 0;

    if (catalogue_open(NULL, CATALOGUE_NO_RECONCILE, &cat)) return (size_t)-1;
    if (catalogue_query(cat, &filter, &recs, &count)) count = (size_t)-1;
    else catalogue_records_free(recs, count);
    catalogue_close(cat);
    return count;
}

/* Whether a snapshot is of the test's volume (Query lists every volume's). */
static int on_test_volume(const VSS_SNAPSHOT_PROP *prop)
{
    char device[4096];

    if (!prop->m_pwszSnapshotDeviceObject) return 0;
    wcstombs(device, prop->m_pwszSnapshotDeviceObject, sizeof(device));
    return !strncmp(device, fx->mnt, strlen(fx->mnt)) && device[strlen(fx->mnt)] == '/';
}

static void delete_all_snapshots(void)
{
    IVssBackupComponents *backup = NULL;
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP object;
    ULONG fetched;
    LONG deleted;
    VSS_ID failed;

    if (FAILED(CreateVssBackupComponents(&backup))) return;
    if (SUCCEEDED(IVssBackupComponents_InitializeForBackup(backup, NULL))
        && SUCCEEDED(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL))
        && SUCCEEDED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator)))
    {
        while (IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
        {
            if (on_test_volume(&object.Obj.Snap))
                IVssBackupComponents_DeleteSnapshots(backup, object.Obj.Snap.m_SnapshotId, VSS_OBJECT_SNAPSHOT, TRUE,
                                                     &deleted, &failed);
            VssFreeSnapshotProperties(&object.Obj.Snap);
        }
        IVssEnumObject_Release(enumerator);
    }
    IVssBackupComponents_Release(backup);
}

static unsigned int log_lines(const char *prefix)
{
    struct wp_log log;
    unsigned int n;

    if (wp_log_read(log_path, &log)) return 0;
    n = wp_log_count(&log, prefix);
    wp_log_free(&log);
    return n;
}

/* --- access ---------------------------------------------------------------------------------- */

/* DESIGN.md §4: a member of the backup group needs no root to snapshot a
 * root-owned volume and read the snapshot. */
static void test_group_member_backs_up(void)
{
    struct identity member = { NOBODY, NOBODY, 1, { backup_gid } };
    unsigned int completes = log_lines(WRITER_NAME " BackupComplete"), shutdowns;
    struct report r;
    int fd;
    pid_t pid;

    shutdowns = log_lines(WRITER_NAME " BackupShutdown");
    CU_ASSERT_FATAL((pid = start_requester(&member, RUN_ALL, &fd)) > 0);
    CU_ASSERT_EQUAL(read_report(fd, &r), 0);
    CU_ASSERT_EQUAL(reap(pid), 0);
    close(fd);
    CU_ASSERT_EQUAL(r.steps, STEP_COUNT);
    for (int i = 0; i < r.steps; i++)
    {
        HRESULT expected = i == STEP_GATHER || i == STEP_PREPARE || i == STEP_DO || i == STEP_COMPLETE
                           ? VSS_S_ASYNC_FINISHED : i == STEP_EXPOSE ? E_ACCESSDENIED : S_OK;
        if (r.hr[i] != expected) printf("step %d: got %#x, expected %#x\n", i, (unsigned int)r.hr[i],
                                        (unsigned int)expected);
        CU_ASSERT_EQUAL(r.hr[i], expected);
    }
    /* the unprivileged process read the root-owned volume's file through its snapshot */
    CU_ASSERT_STRING_EQUAL(r.content, "the data\n");
    /* the writer took part, and the released object's auto-release snapshot is gone (R32) */
    CU_ASSERT_EQUAL(log_lines(WRITER_NAME " BackupComplete"), completes + 1);
    CU_ASSERT_EQUAL(log_lines(WRITER_NAME " BackupShutdown"), shutdowns + 1);
    ok_hr(properties(&r.snap), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(records_of(&r.set), 0);
}

/* A user outside the group: E_ACCESSDENIED when the service is required,
 * the embedded requester object when libvssapi may choose; a member by
 * primary group is let in. */
static void test_access_denied(void)
{
    struct identity outsider = { NOBODY, NOBODY, 0, { 0 } };
    struct identity by_primary = { NOBODY, 0, 0, { 0 } };
    IVssBackupComponents *backup = NULL;
    int status;
    pid_t pid;

    by_primary.gid = backup_gid;
    if (!(pid = fork()))
    {
        IVssBackupComponents *b = NULL;
        HRESULT hr;

        become(&outsider);
        hr = CreateVssBackupComponents(&b);
        _exit(hr == E_ACCESSDENIED && !b ? 0 : 1);
    }
    CU_ASSERT_EQUAL(reap(pid), 0);

    if (!(pid = fork()))
    {
        IVssBackupComponents *b = NULL;
        int ret;

        become(&outsider);
        svc_use(-1);
        if (FAILED(CreateVssBackupComponents(&b))) _exit(1);
        ret = service_client_is_proxy((IUnknown *)b) ? 2 : 0;
        IVssBackupComponents_Release(b);
        _exit(ret);
    }
    CU_ASSERT_EQUAL(reap(pid), 0);

    if (!(pid = fork()))
    {
        IVssBackupComponents *b = NULL;
        HRESULT hr;

        become(&by_primary);
        if (FAILED(CreateVssBackupComponents(&b))) _exit(1);
        hr = IVssBackupComponents_InitializeForBackup(b, NULL);
        IVssBackupComponents_Release(b);
        _exit(hr == S_OK ? 0 : 2);
    }
    status = reap(pid);
    CU_ASSERT_EQUAL(status, 0);

    /* root, with VSS_MODE unset and the service answering, goes through it */
    svc_use(-1);
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    CU_ASSERT(service_client_is_proxy((IUnknown *)backup));
    if (backup) IVssBackupComponents_Release(backup);
    svc_use(1);
}

/* --- the same API in both modes ------------------------------------------------------------ */

#define MAX_RESULTS 256

struct results
{
    unsigned int count;
    HRESULT hr[MAX_RESULTS];
    unsigned long long value[MAX_RESULTS];    /* an out value the call produced */
    char text[MAX_RESULTS][160];
};

static void note(struct results *res, HRESULT hr, unsigned long long value, const WCHAR *text)
{
    unsigned int i = res->count++;

    if (i >= MAX_RESULTS) return;
    res->hr[i] = hr;
    res->value[i] = value;
    if (text) wcstombs(res->text[i], text, sizeof(res->text[i]) - 1);
}

/* The call runs before its out values are read (argument order is unspecified). */
#define NOTE(expr, value, text) do { HRESULT hr_ = (expr); note(res, hr_, (value), (text)); } while (0)

static const GUID bogus_id = { 0xdeadbeef, 0xdead, 0xbeef, { 1, 2, 3, 4, 5, 6, 7, 8 } };

/* Every method with NULL for every pointer (and empty ids): an error code,
 * the same in both modes, and never a crash of the service. */
static void null_sweep(struct results *res, IVssBackupComponentsEx4 *b)
{
    GUID g = GUID_NULL;

    NOTE(IVssBackupComponentsEx4_GetWriterComponentsCount(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterComponents(b, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetBackupState(b, 0, 0, 0, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetRestoreState(b, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GatherWriterMetadata(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterMetadataCount(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterMetadata(b, 0, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AddComponent(b, g, g, 0, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_PrepareForBackup(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GatherWriterStatus(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterStatusCount(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterStatus(b, 0, NULL, NULL, NULL, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetBackupSucceeded(b, g, g, 0, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetBackupOptions(b, g, 0, NULL, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetSelectedForRestore(b, g, 0, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetRestoreOptions(b, g, 0, NULL, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetAdditionalRestores(b, g, 0, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetPreviousBackupStamp(b, g, 0, NULL, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SaveAsXML(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_BackupComplete(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AddAlternativeLocationMapping(b, g, 0, NULL, NULL, NULL, NULL, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AddRestoreSubcomponent(b, g, 0, NULL, NULL, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetFileRestoreStatus(b, g, 0, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AddNewTarget(b, g, 0, NULL, NULL, NULL, NULL, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetRangesFilePath(b, g, 0, NULL, NULL, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_PreRestore(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_PostRestore(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_StartSnapshotSet(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AddToSnapshotSet(b, NULL, g, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_DoSnapshotSet(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_DeleteSnapshots(b, g, 0, 0, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_ImportSnapshots(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_BreakSnapshotSet(b, g), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetSnapshotProperties(b, g, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_Query(b, g, 0, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_IsVolumeSupported(b, g, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_DisableWriterClasses(b, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_EnableWriterClasses(b, NULL, 3), 0, NULL);
    NOTE(IVssBackupComponentsEx4_DisableWriterInstances(b, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_ExposeSnapshot(b, g, NULL, 0, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_RevertToSnapshot(b, g, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_QueryRevertStatus(b, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterMetadataEx(b, 0, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetSelectedForRestoreEx(b, g, 0, NULL, NULL, 0, g), 0, NULL);
    NOTE(IVssBackupComponentsEx4_UnexposeSnapshot(b, g), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetAuthoritativeRestore(b, g, 0, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetRollForward(b, g, 0, NULL, NULL, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_SetRestoreName(b, g, 0, NULL, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_BreakSnapshotSetEx(b, g, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_PreFastRecovery(b, g, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_FastRecovery(b, g, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetWriterStatusEx(b, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AddSnapshotToRecoverySet(b, g, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_RecoverSet(b, 0, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetSessionId(b, NULL), 0, NULL);
    NOTE(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(b, NULL, NULL, NULL, 0), 0, NULL);
    NOTE(IVssBackupComponentsEx4_AbortBackup(b), 0, NULL);
    NOTE(IVssBackupComponentsEx4_FreeWriterMetadata(b), 0, NULL);
    NOTE(IVssBackupComponentsEx4_FreeWriterStatus(b), 0, NULL);
}

/* Good and bad calls; what each returned (and wrote) goes into res. */
static void api_script(struct results *res)
{
    IVssBackupComponents *backup = NULL;
    IVssBackupComponentsEx4 *ex4 = NULL;
    IVssEnumObject *enumerator = NULL;
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_OBJECT_PROP object;
    VSS_PWSZ root = NULL, prefix = NULL;
    VSS_ID set, snap, session, id = bogus_id;
    UINT count = 0xdeadbeef;
    LONG deleted = 77;
    BOOL supported = 5;
    ULONG fetched, n;
    HRESULT status;
    WCHAR sub[4200];
    BSTR xml = NULL;

    memset(res, 0, sizeof(*res));
    NOTE(CreateVssBackupComponents(&backup), 0, NULL);
    if (!backup) return;
    NOTE(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&ex4), 0, NULL);
    if (ex4)
    {
        null_sweep(res, ex4);
        IVssBackupComponentsEx4_Release(ex4);
        ex4 = NULL;
    }
    /* before InitializeForBackup: refused, and the out value stays as it was */
    NOTE(IVssBackupComponents_GetWriterMetadataCount(backup, &count), count, NULL);
    NOTE(IVssBackupComponents_StartSnapshotSet(backup, NULL), 0, NULL);
    NOTE(IVssBackupComponents_StartSnapshotSet(backup, &set), 0, NULL);
    NOTE(IVssBackupComponents_InitializeForRestore(backup, NULL), 0, NULL);
    NOTE(IVssBackupComponents_InitializeForRestore(backup, (BSTR)L"<not a document"), 0, NULL);
    NOTE(IVssBackupComponents_InitializeForBackup(backup, NULL), 0, NULL);
    NOTE(IVssBackupComponents_InitializeForBackup(backup, NULL), 0, NULL);
    NOTE(IVssBackupComponents_SetContext(backup, 0x12345678), 0, NULL);
    NOTE(IVssBackupComponents_SetContext(backup, VSS_CTX_FILE_SHARE_BACKUP), 0, NULL);
    NOTE(IVssBackupComponents_SetContext(backup, VSS_CTX_BACKUP), 0, NULL);
    NOTE(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&ex4), 0, NULL);
    if (ex4)
    {
        NOTE(IVssBackupComponentsEx4_GetSessionId(ex4, NULL), 0, NULL);
        NOTE(IVssBackupComponentsEx4_GetSessionId(ex4, &session), 0, NULL);
        swprintf(sub, ARRAYSIZE(sub), L"%lssub/dir", volume);
        NOTE(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(ex4, sub, &root, &prefix, FALSE), 0, root);
        NOTE(S_OK, 0, prefix);
        CoTaskMemFree(root);
        CoTaskMemFree(prefix);
        NOTE(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(ex4, NULL, &root, &prefix, FALSE), 0, NULL);
        IVssBackupComponentsEx4_Release(ex4);
    }
    NOTE(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, volume, &supported), supported, NULL);
    NOTE(IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, volume, NULL), 0, NULL);
    NOTE(IVssBackupComponents_GetWriterMetadataCount(backup, &count), count, NULL);
    NOTE(IVssBackupComponents_StartSnapshotSet(backup, &set), 0, NULL);
    NOTE(IVssBackupComponents_AddToSnapshotSet(backup, (VSS_PWSZ)L"/nonexistent/volume/", GUID_NULL, &snap), 0, NULL);
    NOTE(IVssBackupComponents_AddToSnapshotSet(backup, volume, bogus_id, &snap), 0, NULL);
    NOTE(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap), 0, NULL);
    NOTE(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &id), 0, NULL);
    NOTE(IVssBackupComponents_DoSnapshotSet(backup, NULL), 0, NULL);
    NOTE(IVssBackupComponents_DoSnapshotSet(backup, &async), 0, NULL);
    if (async)
    {
        NOTE(IVssAsync_Wait(async, INFINITE), 0, NULL);
        NOTE(IVssAsync_QueryStatus(async, &status, NULL), (unsigned int)status, NULL);
        NOTE(IVssAsync_QueryStatus(async, NULL, NULL), 0, NULL);
        NOTE(IVssAsync_Cancel(async), 0, NULL);
        IVssAsync_Release(async);
    }
    memset(&prop, 0, sizeof(prop));
    NOTE(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), prop.m_lSnapshotAttributes,
         prop.m_pwszOriginalVolumeName);
    NOTE(IsEqualGUID(&prop.m_SnapshotSetId, &set) && IsEqualGUID(&prop.m_SnapshotId, &snap) ? S_OK : E_FAIL,
         prop.m_lSnapshotsCount, prop.m_pwszOriginatingMachine);
    VssFreeSnapshotProperties(&prop);
    NOTE(IVssBackupComponents_GetSnapshotProperties(backup, bogus_id, &prop), 0, NULL);
    NOTE(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), 0,
         NULL);
    for (n = 0; enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK;)
    {
        if (on_test_volume(&object.Obj.Snap)) n++;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    NOTE(S_OK, n, NULL);
    if (enumerator) IVssEnumObject_Release(enumerator);
    enumerator = NULL;
    NOTE(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator), 0,
         NULL);
    for (n = 0; enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK; n++)
    {
        NOTE(S_OK, object.Obj.Prov.m_eProviderType, object.Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(object.Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(object.Obj.Prov.m_pwszProviderVersion);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);
    NOTE(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, NULL), 0, NULL);
    id = bogus_id;
    NOTE(IVssBackupComponents_DeleteSnapshots(backup, bogus_id, VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &id), deleted,
         NULL);
    NOTE(IsEqualGUID(&id, &GUID_NULL) ? S_OK : IsEqualGUID(&id, &bogus_id) ? S_FALSE : E_FAIL, 0, NULL);
    NOTE(IVssBackupComponents_DeleteSnapshots(backup, bogus_id, VSS_OBJECT_SNAPSHOT, TRUE, NULL, NULL), 0, NULL);
    NOTE(IVssBackupComponents_DisableWriterClasses(backup, NULL, 1), 0, NULL);
    NOTE(IVssBackupComponents_DisableWriterClasses(backup, &bogus_id, 1), 0, NULL);
    NOTE(IVssBackupComponents_SaveAsXML(backup, &xml), 0, NULL);
    SysFreeString(xml);
    NOTE(IVssBackupComponents_SetBackupState(backup, true, false, VSS_BT_FULL, false), 0, NULL);
    NOTE(IVssBackupComponents_AddComponent(backup, bogus_id, bogus_id, VSS_CT_FILEGROUP, NULL, L"x"), 0, NULL);
    NOTE(IVssBackupComponents_SetBackupOptions(backup, bogus_id, VSS_CT_FILEGROUP, NULL, L"x", L"o"), 0, NULL);
    NOTE(IVssBackupComponents_GetWriterStatusCount(backup, NULL), 0, NULL);
    NOTE(IVssBackupComponents_AbortBackup(backup), 0, NULL);
    NOTE(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&ex4), 0, NULL);
    if (ex4)
    {
        null_sweep(res, ex4);
        IVssBackupComponentsEx4_Release(ex4);
    }
    IVssBackupComponents_Release(backup);
}

/* The service runs the real requester object: every call answers as it
 * does in-process (the rules of VSS-FACTS.md §2.1, the NULL checks, what
 * is written to out parameters). */
static void test_same_api(void)
{
    static struct results embedded, service_mode;

    svc_use(0);
    api_script(&embedded);
    svc_use(1);
    api_script(&service_mode);
    CU_ASSERT(embedded.count > 40);
    CU_ASSERT_EQUAL(embedded.count, service_mode.count);
    for (unsigned int i = 0; i < embedded.count && i < service_mode.count && i < MAX_RESULTS; i++)
    {
        if (embedded.hr[i] != service_mode.hr[i] || embedded.value[i] != service_mode.value[i]
            || strcmp(embedded.text[i], service_mode.text[i]))
            printf("call %u: embedded %#x %llu \"%s\", service %#x %llu \"%s\"\n", i, (unsigned int)embedded.hr[i],
                   embedded.value[i], embedded.text[i], (unsigned int)service_mode.hr[i], service_mode.value[i],
                   service_mode.text[i]);
        CU_ASSERT_EQUAL(embedded.hr[i], service_mode.hr[i]);
        CU_ASSERT_EQUAL(embedded.value[i], service_mode.value[i]);
        CU_ASSERT_STRING_EQUAL(embedded.text[i], service_mode.text[i]);
    }
}

/* --- snapshot management through the service --------------------------------------------- */

/* Enumerated management records as one line: "type name display numbers;" each. */
static unsigned long long mgmt_records(IVssEnumMgmtObject *list, WCHAR *text, size_t size)
{
    VSS_MGMT_OBJECT_PROP prop;
    unsigned long long n = 0;
    ULONG fetched;
    size_t len = 0;

    text[0] = 0;
    while (list && IVssEnumMgmtObject_Next(list, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        const WCHAR *name = prop.Type == VSS_MGMT_OBJECT_DIFF_AREA ? prop.Obj.DiffArea.m_pwszDiffAreaVolumeName
                            : prop.Obj.Vol.m_pwszVolumeName;
        const WCHAR *display = prop.Type == VSS_MGMT_OBJECT_DIFF_AREA ? NULL : prop.Obj.Vol.m_pwszVolumeDisplayName;
        size_t vlen = wcslen(volume);

        /* only the test volume's (diff areas are all this suite's): other
         * volumes come and go with other tests */
        if (display && (wcsncmp(display, volume, vlen) || (display[vlen] && wcscmp(display + vlen, L"/"))))
            name = NULL;
        if (name && len < size)
            len += swprintf(text + len, size - len, L"%d %ls %lld;", (int)prop.Type, name,
                            prop.Type == VSS_MGMT_OBJECT_DIFF_AREA ? prop.Obj.DiffArea.m_llMaximumDiffSpace : 0LL);
        n++;
        mgmt_prop_clear(&prop);
    }
    if (list) IVssEnumMgmtObject_Release(list);
    return n;
}

static unsigned long long snapshot_records(IVssEnumObject *list)
{
    unsigned long long n = 0;
    VSS_OBJECT_PROP prop;
    ULONG fetched;

    while (list && IVssEnumObject_Next(list, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        n++;
        object_prop_clear(&prop);
    }
    if (list) IVssEnumObject_Release(list);
    return n;
}

/* The queries of IVssSnapshotMgmt(2) and IVssDifferentialSoftwareSnapshotMgmt3,
 * good and bad, and the administrator's changes only when admin is set. */
static void mgmt_script(struct results *res, int admin)
{
    const GUID *provider = &provider_default()->id;
    IVssDifferentialSoftwareSnapshotMgmt3 *diff = NULL;
    IVssSnapshotMgmt2 *mgmt2 = NULL;
    IVssSnapshotMgmt *mgmt = NULL;
    IVssEnumMgmtObject *list;
    IVssEnumObject *snaps;
    VSS_VOLUME_PROTECTION_INFO info;
    IUnknown *unk = NULL;
    LONGLONG size = 0;
    WCHAR text[160];

    memset(res, 0, sizeof(*res));
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    NOTE(CoCreateInstance(&CLSID_VssSnapshotMgmt, NULL, CLSCTX_ALL, &IID_IVssSnapshotMgmt, (void **)&mgmt), 0, NULL);
    if (!mgmt) goto done;
    NOTE(CoCreateInstance(&CLSID_VssSnapshotMgmt, NULL, CLSCTX_ALL, &IID_IVssBackupComponents, (void **)&unk), 0,
         NULL);
    NOTE(IVssSnapshotMgmt_QueryInterface(mgmt, &IID_IVssSnapshotMgmt2, (void **)&mgmt2), 0, NULL);
    if (mgmt2)
    {
        NOTE(IVssSnapshotMgmt2_GetMinDiffAreaSize(mgmt2, &size), size, NULL);
        IVssSnapshotMgmt2_Release(mgmt2);
    }

    list = NULL;
    NOTE(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, GUID_NULL, VSS_CTX_ALL, &list),
         mgmt_records(list, text, ARRAYSIZE(text)), text);
    list = NULL;
    NOTE(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, *provider, VSS_CTX_BACKUP, &list),
         mgmt_records(list, text, ARRAYSIZE(text)), text);
    NOTE(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, bogus_id, VSS_CTX_ALL, &list), 0, NULL);
    NOTE(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, GUID_NULL, 0x7777, &list), 0, NULL);
    NOTE(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(mgmt, GUID_NULL, VSS_CTX_ALL, NULL), 0, NULL);
    snaps = NULL;
    NOTE(IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, volume, GUID_NULL, &snaps), snapshot_records(snaps), NULL);
    snaps = NULL;
    NOTE(IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, (WCHAR *)L"/no/such/volume", GUID_NULL, &snaps),
         snapshot_records(snaps), NULL);
    NOTE(IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, volume, bogus_id, &snaps), 0, NULL);
    NOTE(IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, NULL, GUID_NULL, &snaps), 0, NULL);
    NOTE(IVssSnapshotMgmt_QuerySnapshotsByVolume(mgmt, volume, GUID_NULL, NULL), 0, NULL);

    NOTE(IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, bogus_id, &IID_IVssDifferentialSoftwareSnapshotMgmt, &unk),
         0, NULL);
    NOTE(IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, *provider, &IID_IVssSnapshotMgmt, &unk), 0, NULL);
    NOTE(IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, *provider, &IID_IVssDifferentialSoftwareSnapshotMgmt3,
                                                   NULL), 0, NULL);
    NOTE(IVssSnapshotMgmt_GetProviderMgmtInterface(mgmt, *provider, &IID_IVssDifferentialSoftwareSnapshotMgmt3,
                                                   (IUnknown **)&diff), 0, NULL);
    if (!diff) goto done;
    list = NULL;
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_QueryVolumesSupportedForDiffAreas(diff, volume, &list),
         mgmt_records(list, text, ARRAYSIZE(text)), text);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_QueryVolumesSupportedForDiffAreas(diff, volume, NULL), 0, NULL);
    if (admin)
    {
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, volume, volume, 1LL << 40), 0, NULL);
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, volume, volume, 1LL << 40), 0, NULL);
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSizeEx(diff, volume, volume, 1LL << 41, FALSE),
             0, NULL);
    }
    list = NULL;
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForVolume(diff, volume, &list),
         mgmt_records(list, text, ARRAYSIZE(text)), text);
    list = NULL;
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasOnVolume(diff, volume, &list),
         mgmt_records(list, text, ARRAYSIZE(text)), text);
    list = NULL;
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForSnapshot(diff, bogus_id, &list),
         mgmt_records(list, text, ARRAYSIZE(text)), text);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForVolume(diff, (WCHAR *)L"nonsense", &list), 0, NULL);
    memset(&info, 0x5a, sizeof(info));
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, volume, &info),
         (unsigned long long)info.m_protectionLevel << 32 | (unsigned int)info.m_protectionFault, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(diff, volume, NULL), 0, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_MigrateDiffAreas(diff, volume, volume, volume), 0, NULL);
    if (admin)
    {
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, volume, 77), 0, NULL);
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSize(diff, volume, volume, -1), 0, NULL);
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(diff, volume), 0, NULL);
        NOTE(IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, volume), 0, NULL);
    }
    IVssDifferentialSoftwareSnapshotMgmt3_Release(diff);
done:
    if (mgmt) IVssSnapshotMgmt_Release(mgmt);
    CoUninitialize();
}

/* The administrator's shadow-storage changes, as a group member. */
static void mgmt_admin_denied(struct results *res)
{
    IVssDifferentialSoftwareSnapshotMgmt3 *diff = NULL;
    IUnknown *unk = NULL;

    memset(res, 0, sizeof(*res));
    NOTE(GetProviderMgmtInterface(provider_default()->id, IID_IVssDifferentialSoftwareSnapshotMgmt3, &unk), 0, NULL);
    if (!unk) return;
    IUnknown_QueryInterface(unk, &IID_IVssDifferentialSoftwareSnapshotMgmt3, (void **)&diff);
    IUnknown_Release(unk);
    if (!diff) return;
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, volume, volume, 1LL << 40), 0, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSize(diff, volume, volume, 1LL << 40), 0, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSizeEx(diff, volume, volume, 1LL << 40, TRUE),
         0, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(diff, volume, VSS_PROTECTION_LEVEL_SNAPSHOT),
         0, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(diff, volume), 0, NULL);
    NOTE(IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, volume), 0, NULL);
    IVssDifferentialSoftwareSnapshotMgmt3_Release(diff);
}

/* Run a script as who in a child: 0 and its results, or -1. */
static int run_as(const struct identity *who, void (*script)(struct results *res), struct results *res)
{
    int pipefd[2], status;
    size_t got = 0;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC)) return -1;
    if (!(pid = fork()))
    {
        static struct results mine;

        close(pipefd[0]);
        become(who);
        script(&mine);
        _exit(write(pipefd[1], &mine, sizeof(mine)) == sizeof(mine) ? 0 : 1);
    }
    close(pipefd[1]);
    memset(res, 0, sizeof(*res));
    while (got < sizeof(*res))
    {
        struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 60000) <= 0 || (n = read(pipefd[0], (char *)res + got, sizeof(*res) - got)) <= 0) break;
        got += n;
    }
    close(pipefd[0]);
    status = reap(pid);
    return got == sizeof(*res) && !status ? 0 : -1;
}

static void member_mgmt_script(struct results *res)
{
    mgmt_script(res, 0);
}

static void root_mgmt_script(struct results *res)
{
    mgmt_script(res, 1);
}

static void compare_results(const struct results *a, const struct results *b)
{
    CU_ASSERT_EQUAL(a->count, b->count);
    for (unsigned int i = 0; i < a->count && i < b->count && i < MAX_RESULTS; i++)
    {
        if (a->hr[i] != b->hr[i] || a->value[i] != b->value[i] || strcmp(a->text[i], b->text[i]))
            printf("call %u: %#x %llu \"%s\" against %#x %llu \"%s\"\n", i, (unsigned int)a->hr[i], a->value[i],
                   a->text[i], (unsigned int)b->hr[i], b->value[i], b->text[i]);
        CU_ASSERT_EQUAL(a->hr[i], b->hr[i]);
        CU_ASSERT_EQUAL(a->value[i], b->value[i]);
        CU_ASSERT_STRING_EQUAL(a->text[i], b->text[i]);
    }
}

/* Issue 10: a group member's management queries go to the service and
 * answer as root's do in-process; the administrator's shadow-storage
 * changes are root's only (E_ACCESSDENIED, as vssadmin's storage commands
 * need an elevated prompt on Windows), and give root through the service
 * what they give in-process. */
static void test_mgmt_through_service(void)
{
    struct identity member = { NOBODY, NOBODY, 1, { backup_gid } };
    static struct results embedded, service_mode, as_member, denied;

    svc_use(0);
    CU_ASSERT_EQUAL(run_as(&as_root, member_mgmt_script, &embedded), 0);
    svc_use(1);
    CU_ASSERT_EQUAL(run_as(&member, member_mgmt_script, &as_member), 0);
    CU_ASSERT(embedded.count > 20);
    compare_results(&embedded, &as_member);
    /* the volume under test is there for both */
    CU_ASSERT(embedded.text[4][0] != 0);

    CU_ASSERT_EQUAL(run_as(&member, mgmt_admin_denied, &denied), 0);
    CU_ASSERT_EQUAL(denied.count, 7);
    ok_hr(denied.hr[0], S_OK);
    for (unsigned int i = 1; i < denied.count && i < MAX_RESULTS; i++) ok_hr(denied.hr[i], E_ACCESSDENIED);

    /* root's changes through the service and in-process agree (and leave no association) */
    svc_use(0);
    CU_ASSERT_EQUAL(run_as(&as_root, root_mgmt_script, &embedded), 0);
    svc_use(1);
    CU_ASSERT_EQUAL(run_as(&as_root, root_mgmt_script, &service_mode), 0);
    CU_ASSERT(embedded.count > 25);
    compare_results(&embedded, &service_mode);
}

/* Run bin/vssadmin args... as who with output to out: its exit status, or 77
 * when who cannot reach the build tree. */
static int run_vssadmin(const struct identity *who, const char *out, const char *arg1, const char *arg2)
{
    const char *prog = umbra_prog("vssadmin");
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_t pid;

    if (fd < 0) return -1;
    if (!(pid = fork()))
    {
        if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
        become(who);
        if (access(prog, X_OK)) _exit(77);
        execl(prog, "vssadmin", arg1, arg2, (char *)NULL);
        _exit(127);
    }
    close(fd);
    return pid > 0 ? reap(pid) : -1;
}

/* vssadmin's list volumes and list shadowstorage for a group member through
 * the service say what they say for root in-process. */
static void test_vssadmin_member(void)
{
    static const char *const what[] = { "volumes", "shadowstorage" };
    struct identity member = { NOBODY, NOBODY, 1, { backup_gid } };
    char root_out[4200], member_out[4200], *expected, *got;
    IVssDifferentialSoftwareSnapshotMgmt3 *diff = NULL;
    IUnknown *unk = NULL;
    int status, ret;

    /* an association for list shadowstorage to show (root, in-process) */
    svc_use(0);
    ok_hr(GetProviderMgmtInterface(provider_default()->id, IID_IVssDifferentialSoftwareSnapshotMgmt3, &unk), S_OK);
    if (unk) IUnknown_QueryInterface(unk, &IID_IVssDifferentialSoftwareSnapshotMgmt3, (void **)&diff);
    if (unk) IUnknown_Release(unk);
    CU_ASSERT_FATAL(diff != NULL);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(diff, volume, volume, 1LL << 40), S_OK);
    svc_use(1);

    for (unsigned int i = 0; i < ARRAYSIZE(what); i++)
    {
        snprintf(root_out, sizeof(root_out), "%s/vssadmin-root-%s.out", umbra_test_tmpdir(), what[i]);
        snprintf(member_out, sizeof(member_out), "%s/vssadmin-member-%s.out", umbra_test_tmpdir(), what[i]);
        svc_use(0);
        status = run_vssadmin(&as_root, root_out, "list", what[i]);
        svc_use(1);
        /* list shadowstorage exits 1 when there is none, as on Windows: the same for both */
        CU_ASSERT(status == 0 || status == 1);
        if ((ret = run_vssadmin(&member, member_out, "list", what[i])) == 77)
        {
            printf("(uid %d cannot reach %s: vssadmin as a group member not run)\n", NOBODY, umbra_prog("vssadmin"));
            break;
        }
        CU_ASSERT_EQUAL(ret, status);
        expected = fsfixture_read_file(root_out);
        got = fsfixture_read_file(member_out);
        CU_ASSERT(expected && got && !strcmp(expected, got));
        if (expected && got && strcmp(expected, got)) printf("root:\n%s\nmember:\n%s\n", expected, got);
        CU_ASSERT(got && strstr(got, fx->mnt));
        if (i) CU_ASSERT(got && strstr(got, "Maximum Shadow Copy Storage space: 1.00 TB"));
        if (got && !strstr(got, fx->mnt)) printf("%s\n", got);
        free(expected);
        free(got);
    }
    svc_use(0);
    ok_hr(IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(diff, volume), S_OK);
    IVssDifferentialSoftwareSnapshotMgmt3_Release(diff);
    svc_use(1);
}

/* --- programs -------------------------------------------------------------------------------- */

/* Run bin/diskshadow -s script as who with output to out: its exit status,
 * or 77 when who cannot reach the build tree (a build under a private home). */
static int run_diskshadow(const struct identity *who, const char *script, const char *out)
{
    const char *prog = umbra_prog("diskshadow");
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_t pid;

    if (fd < 0) return -1;
    if (!(pid = fork()))
    {
        if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
        become(who);
        if (access(prog, X_OK)) _exit(77);
        execl(prog, "diskshadow", "-s", script, (char *)NULL);
        _exit(127);
    }
    close(fd);
    return pid > 0 ? reap(pid) : -1;
}

/* DESIGN.md §4, §7: diskshadow runs unchanged through the service, for root
 * and for a member of the backup group. */
static void test_diskshadow(void)
{
    struct identity member = { NOBODY, NOBODY, 1, { backup_gid } };
    char script[4200], out[4200], text[8192], *output;
    int status;

    snprintf(script, sizeof(script), "%s/service.dsh", umbra_test_tmpdir());
    snprintf(out, sizeof(out), "%s/diskshadow.out", umbra_test_tmpdir());
    snprintf(text, sizeof(text), "set context persistent nowriters\r\nadd volume %s alias s\r\ncreate\r\n"
             "list shadows all\r\ndelete shadows id %%s%%\r\nexit\r\n", fx->mnt);
    CU_ASSERT_FATAL(fsfixture_write_file(script, text) == 0);
    chmod(script, 0644);

    CU_ASSERT_EQUAL(run_diskshadow(&as_root, script, out), 0);
    output = fsfixture_read_file(out);
    CU_ASSERT(output && strstr(output, "Number of shadow copies deleted: 1"));
    if (output && !strstr(output, "Number of shadow copies deleted: 1")) printf("%s\n", output);
    free(output);
    CU_ASSERT_EQUAL(records_of(NULL), 0);

    status = run_diskshadow(&member, script, out);
    if (status == 77) printf("(uid %d cannot reach %s: diskshadow as a group member not run)\n", NOBODY,
                             umbra_prog("diskshadow"));
    else
    {
        CU_ASSERT_EQUAL(status, 0);
        output = fsfixture_read_file(out);
        CU_ASSERT(output && strstr(output, "Number of shadow copies deleted: 1"));
        if (output && !strstr(output, "Number of shadow copies deleted: 1")) printf("%s\n", output);
        free(output);
    }
    CU_ASSERT_EQUAL(records_of(NULL), 0);
}

/* --- requesters that die --------------------------------------------------------------------- */

/* §1.6, R21: a requester killed between PrepareForBackup and DoSnapshotSet:
 * the service sends its writers Abort and frees the set lock. */
static void test_requester_killed_before_snapshot(void)
{
    unsigned int aborts = log_lines(WRITER_NAME " Abort");
    IVssBackupComponents *backup;
    struct report r;
    VSS_ID set;
    int fd;
    pid_t pid;

    CU_ASSERT_FATAL((pid = start_requester(&as_root, STOP_AFTER_PREPARE, &fd)) > 0);
    CU_ASSERT_EQUAL(read_report(fd, &r), 0);
    CU_ASSERT_EQUAL(r.checkpoint, 1);
    ok_hr(r.hr[STEP_PREPARE], VSS_S_ASYNC_FINISHED);
    kill(pid, SIGKILL);
    reap(pid);
    close(fd);
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, WRITER_NAME " Abort", aborts + 1), 0);
    /* R12: the dead requester's set no longer blocks others */
    backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    if (backup)
    {
        ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
        IVssBackupComponents_Release(backup);
    }
}

/* §1.2 step 20, R32: a requester killed after DoSnapshotSet: its
 * auto-release snapshot is deleted and its writers get BackupShutdown. */
static void test_requester_killed_after_snapshot(void)
{
    unsigned int shutdowns = log_lines(WRITER_NAME " BackupShutdown");
    struct report r;
    int fd, gone = 0;
    pid_t pid;

    CU_ASSERT_FATAL((pid = start_requester(&as_root, STOP_AFTER_SNAPSHOT, &fd)) > 0);
    CU_ASSERT_EQUAL(read_report(fd, &r), 0);
    CU_ASSERT_EQUAL(r.checkpoint, 1);
    ok_hr(r.hr[STEP_DO], VSS_S_ASYNC_FINISHED);
    CU_ASSERT_STRING_EQUAL(r.content, "the data\n");
    ok_hr(properties(&r.snap), S_OK);
    CU_ASSERT_EQUAL(records_of(&r.set), 1);
    kill(pid, SIGKILL);
    reap(pid);
    close(fd);
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, WRITER_NAME " BackupShutdown", shutdowns + 1), 0);
    for (int tries = 0; tries < 200 && !gone; tries++)
    {
        if (!(gone = properties(&r.snap) == VSS_E_OBJECT_NOT_FOUND)) wp_sleep_ms(50);
    }
    CU_ASSERT(gone);
    CU_ASSERT_EQUAL(records_of(&r.set), 0);
    CU_ASSERT_EQUAL(records_of(NULL), 0);
}

/* --- the service dies --------------------------------------------------------------------------- */

/* A process that dies in the hold window leaves its file system frozen. */
static pid_t die_frozen(const char *path)
{
    int sync[2];
    char c = 0;
    pid_t pid;

    if (pipe(sync)) return -1;
    if (!(pid = fork()))
    {
        struct freeze_target target = { path, PROVIDER_FREEZE_FIFREEZE };
        struct freeze_hold *hold;

        close(sync[0]);
        if (freeze_hold(&target, 1, 10000, &hold)) _exit(1);
        if (write(sync[1], "f", 1) != 1) _exit(2);
        kill(getpid(), SIGKILL);
        _exit(3);
    }
    close(sync[1]);
    if (read(sync[0], &c, 1) != 1) c = 0;
    close(sync[0]);
    reap(pid);
    return c == 'f' ? pid : -1;
}

/* DESIGN.md §4-§6: the service killed while writers are frozen. */
static void test_service_killed_while_frozen(void)
{
    static const char *const frozen_args[] = { "--name", "Frozen Writer", "--id", "{6d0a8a35-1b2c-4d5e-8f90-0000000000f1}",
                                               "--freeze-timeout", "4000", "--log", log_path, NULL };
    static const char *const slow_args[] = { "--name", "Slow Writer", "--id", "{6d0a8a35-1b2c-4d5e-8f90-0000000000f2}",
                                             "--hang", "Freeze:4000", "--freeze-timeout", "6000",
                                             "--log", log_path, NULL };
    unsigned int freezes = log_lines(WRITER_NAME " Freeze"), aborts = log_lines(WRITER_NAME " Abort");
    struct report before, after;
    pid_t frozen, slow, pid;
    int fd, status;

    frozen = wp_start("test_writer_c", frozen_args);
    slow = wp_start("test_writer_c", slow_args);
    CU_ASSERT_FATAL(frozen > 0 && slow > 0);

    CU_ASSERT_FATAL((pid = start_requester(&as_root, STOP_BEFORE_DO, &fd)) > 0);
    CU_ASSERT_EQUAL(read_report(fd, &before), 0);
    CU_ASSERT_EQUAL(before.checkpoint, 1);
    /* the quick writers are frozen and the slow one is in its Freeze: the
     * service is inside DoSnapshotSet's frozen window */
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, "Frozen Writer Freeze", 1), 0);
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, WRITER_NAME " Freeze", freezes + 1), 0);
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, "Slow Writer Freeze", 1), 0);
    svc_kill(service);
    service = -1;

    /* the requester learns that its service is gone */
    CU_ASSERT_EQUAL(read_report(fd, &after), 0);
    CU_ASSERT_EQUAL(after.checkpoint, 0);
    ok_hr(after.hr[STEP_DO], RPC_E_DISCONNECTED);
    CU_ASSERT_EQUAL(reap(pid), 0);
    close(fd);

    /* DESIGN.md §4, VSS-FACTS.md §1.5: a frozen writer that lost its
     * requester thaws when its freeze timeout runs out, and aborts */
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, "Frozen Writer Abort", 1), 0);
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, "Slow Writer Abort", 1), 0);
    CU_ASSERT_EQUAL(ws_wait_for_line(log_path, WRITER_NAME " Abort", aborts + 1), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 0);
    status = wp_stop(frozen);
    CU_ASSERT_EQUAL(status, 0);
    status = wp_stop(slow);
    CU_ASSERT_EQUAL(status, 0);

    /* and a file system a dying process left frozen is thawed by the next start */
    CU_ASSERT(die_frozen(fx->mnt) > 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 1);
    service = svc_start(NULL);
    CU_ASSERT_FATAL(service > 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 0);

    /* the half-made set left nothing: no record, no snapshot; the next backup works */
    CU_ASSERT_EQUAL(records_of(&before.set), 0);
    CU_ASSERT_EQUAL(records_of(NULL), 0);
    CU_ASSERT_FATAL((pid = start_requester(&as_root, RUN_ALL, &fd)) > 0);
    CU_ASSERT_EQUAL(read_report(fd, &after), 0);
    CU_ASSERT_EQUAL(reap(pid), 0);
    close(fd);
    ok_hr(after.hr[STEP_DO], VSS_S_ASYNC_FINISHED);
    CU_ASSERT_STRING_EQUAL(after.content, "the data\n");
}

/* --- many requesters ---------------------------------------------------------------------------- */

/* One requester of the crowd: waits for the start signal, then makes one
 * persistent snapshot without writers.  Reports StartSnapshotSet and the
 * creation's result. */
static void crowd_member(int go, int fd, int wait_for_set)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    struct report r;
    char c;

    memset(&r, 0, sizeof(r));
    if (wait_for_set)
    {
        setenv("VSS_WAIT_FOR_SET", "120", 1);
        config_reload();
    }
    STEP(&r, STEP_CREATE, CreateVssBackupComponents(&backup));
    if (backup)
    {
        STEP(&r, STEP_INIT, IVssBackupComponents_InitializeForBackup(backup, NULL));
        STEP(&r, STEP_STATE, IVssBackupComponents_SetContext(backup, VSS_CTX_NAS_ROLLBACK));
        if (read(go, &c, 1) != 1) _exit(92);
        if (SUCCEEDED(STEP(&r, STEP_START, IVssBackupComponents_StartSnapshotSet(backup, &r.set)))
            && SUCCEEDED(STEP(&r, STEP_ADD, IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &r.snap))))
            STEP(&r, STEP_DO, run_async(IVssBackupComponents_DoSnapshotSet(backup, &async), &async));
        IVssBackupComponents_Release(backup);
    }
    send_report(fd, &r, 0);
}

/* Returns how many of the 8 made their snapshot. */
static unsigned int run_crowd(int wait_for_set, VSS_ID *made)
{
    enum { CROWD = 8 };
    int go[2], fds[CROWD];
    pid_t pids[CROWD];
    unsigned int done = 0;

    CU_ASSERT_FATAL(!pipe(go));
    for (int i = 0; i < CROWD; i++)
    {
        int pipefd[2];

        CU_ASSERT_FATAL(!pipe2(pipefd, O_CLOEXEC));
        if (!(pids[i] = fork()))
        {
            close(pipefd[0]);
            close(go[1]);
            crowd_member(go[0], pipefd[1], wait_for_set);
            _exit(0);
        }
        close(pipefd[1]);
        fds[i] = pipefd[0];
    }
    close(go[0]);
    /* all at once */
    CU_ASSERT_EQUAL(write(go[1], "gggggggg", CROWD), CROWD);
    close(go[1]);
    for (int i = 0; i < CROWD; i++)
    {
        struct report r;

        CU_ASSERT_EQUAL(read_report(fds[i], &r), 0);
        CU_ASSERT_EQUAL(reap(pids[i]), 0);
        close(fds[i]);
        ok_hr(r.hr[STEP_CREATE], S_OK);
        ok_hr(r.hr[STEP_INIT], S_OK);
        /* R12: the set is made, or the caller is told another one is in creation */
        CU_ASSERT(r.hr[STEP_START] == S_OK || (!wait_for_set && r.hr[STEP_START] == VSS_E_SNAPSHOT_SET_IN_PROGRESS));
        if (r.hr[STEP_START] == S_OK)
        {
            ok_hr(r.hr[STEP_ADD], S_OK);
            ok_hr(r.hr[STEP_DO], VSS_S_ASYNC_FINISHED);
            if (r.hr[STEP_DO] == VSS_S_ASYNC_FINISHED) made[done++] = r.snap;
        }
    }
    return done;
}

/* R12 with 8 requester processes: they serialise on creation, each either
 * makes its set or gets VSS_E_SNAPSHOT_SET_IN_PROGRESS (all make it when
 * they may queue, VSS_WAIT_FOR_SET), and nothing is lost or left over. */
static void test_eight_requesters(void)
{
    VSS_ID made[16];
    unsigned int first, second, listed = 0;
    IVssBackupComponents *backup;
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP object;
    ULONG fetched;

    first = run_crowd(0, made);
    CU_ASSERT(first >= 1 && first <= 8);
    second = run_crowd(1, made + first);
    CU_ASSERT_EQUAL(second, 8);

    /* every snapshot made is there, with its record, and nothing else */
    backup = backup_in(VSS_CTX_ALL);
    CU_ASSERT_FATAL(backup != NULL);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
    {
        int found = 0;

        if (!on_test_volume(&object.Obj.Snap))
        {
            VssFreeSnapshotProperties(&object.Obj.Snap);
            continue;
        }
        for (unsigned int i = 0; i < first + second; i++) found |= IsEqualGUID(&made[i], &object.Obj.Snap.m_SnapshotId);
        CU_ASSERT(found);
        listed++;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);
    CU_ASSERT_EQUAL(listed, first + second);
    CU_ASSERT_EQUAL(records_of(NULL), first + second);
    for (unsigned int i = 0; i < first + second; i++)
    {
        LONG deleted = 0;
        VSS_ID failed;

        ok_hr(IVssBackupComponents_DeleteSnapshots(backup, made[i], VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed), S_OK);
        CU_ASSERT_EQUAL(deleted, 1);
    }
    IVssBackupComponents_Release(backup);
    CU_ASSERT_EQUAL(records_of(NULL), 0);
}

/* --- hostile peers ----------------------------------------------------------------------------- */

static int raw_connect(void)
{
    return transport_connect(run_dir, SVC_SOCKET_NAME, 2000);
}

/* Send a message of type with fields from b (NULL: none). */
static int raw_send(int fd, uint16_t type, uint32_t id, void (*fields)(struct wire_builder *b))
{
    struct wire_builder b;
    void *body;
    size_t len;
    int ret;

    wire_builder_init(&b, type, id, 0);
    if (fields) fields(&b);
    if ((ret = wire_builder_finish(&b, &body, &len))) return ret;
    ret = transport_send_frame(fd, body, len, 5000);
    free(body);
    return ret;
}

static void hello_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_PROTOCOL, SVC_PROTOCOL_VERSION);
    wire_put_u32(b, ST_PID, (uint32_t)getpid());
}

static void mgmt_hello_fields(struct wire_builder *b)
{
    hello_fields(b);
    wire_put_u32(b, ST_SESSION, SVC_SESSION_MGMT);
}

static void bad_session_fields(struct wire_builder *b)
{
    hello_fields(b);
    wire_put_u32(b, ST_SESSION, 7);
}

static void set_context_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_METHOD, SVC_SetContext);
    wire_put_u32(b, ST_ARG + 0, VSS_CTX_BACKUP);
}

static void mgmt_method_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_METHOD, SVC_QueryVolumesSupportedForSnapshots);
    wire_put_guid(b, ST_ARG + 0, &GUID_NULL);
    wire_put_u32(b, ST_ARG + 1, VSS_CTX_ALL);
}

static void no_provider_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_METHOD, SVC_QueryDiffAreasForVolume);
    wire_put_str(b, ST_ARG + 0, "/");
}

static void bad_mgmt_argument_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_METHOD, SVC_QuerySnapshotsByVolume);
    wire_put_str(b, ST_ARG + 0, "/");
    wire_put_str(b, ST_ARG + 1, "not a GUID");
}

static void bad_version_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_PROTOCOL, 99);
}

static void unknown_method_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_METHOD, 999);
}

static void bad_argument_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_METHOD, SVC_SetContext);
    wire_put_str(b, ST_ARG + 0, "not a number");
}

static void unknown_async_fields(struct wire_builder *b)
{
    wire_put_u32(b, ST_ASYNC_ID, 12345);
    wire_put_u32(b, ST_ASYNC_OP, SVC_ASYNC_WAIT);
}

/* The answer to what was sent, if any, then the end of the connection:
 * the answer's type and status, type 0 when none came.  -1 if the
 * connection stays open for 10 s. */
static int expect_refused(int fd, uint16_t *type, HRESULT *status)
{
    void *body = NULL;
    size_t len;
    struct wire_msg msg;
    char c;
    int ret;

    *type = 0;
    *status = S_OK;
    /* longer than the service waits for a hello (SVC_HELLO_WAIT_MS) */
    if (!(ret = transport_recv_frame(fd, &body, &len, 2 * SVC_HELLO_WAIT_MS)))
    {
        if (!wire_decode(body, len, &msg))
        {
            *type = msg.type;
            *status = msg.status;
            wire_msg_clear(&msg);
        }
        free(body);
        /* then the end */
        {
            struct pollfd pfd = { .fd = fd, .events = POLLIN };
            if (poll(&pfd, 1, 10000) <= 0) return -1;
            ret = recv(fd, &c, 1, MSG_DONTWAIT) == 0 ? 0 : -1;
        }
    }
    else ret = ret == -ECONNRESET || ret == -EPIPE ? 0 : -1;
    close(fd);
    return ret;
}

/* A requester through the service works. */
static void check_still_serving(void)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);

    CU_ASSERT(service_client_is_proxy((IUnknown *)backup));
    if (backup) IVssBackupComponents_Release(backup);
    CU_ASSERT_EQUAL(kill(service, 0), 0);
}

/* DESIGN.md §4, §8: every message is length-prefixed and size-limited; bad
 * input gets an error, never a crash or a hang. */
static void test_hostile_messages(void)
{
    static const uint8_t junk[24] = { 20, 0, 0, 0, 'n', 'o', 't', ' ', 'a', ' ', 'm', 'e', 's', 's', 'a', 'g', 'e',
                                      '!', '!', '!', '!', '!', '!', '!' };
    static const uint8_t oversized[4] = { 0xf0, 0xff, 0xff, 0xff };
    static const uint8_t undersized[4] = { 3, 0, 0, 0 };
    static const uint8_t truncated[14] = { 100, 0, 0, 0, 'U', 'M', 'S', 'W', 1, 0, 1, 1, 0, 0 };
    uint16_t type;
    HRESULT status;
    int fd, stalled;

    /* junk: answered with an error, connection closed */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(send(fd, junk, sizeof(junk), MSG_NOSIGNAL), (ssize_t)sizeof(junk));
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
    ok_hr(status, E_INVALIDARG);

    /* a length past the limit, and one below a header: dropped at once */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(send(fd, oversized, sizeof(oversized), MSG_NOSIGNAL), 4);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    CU_ASSERT_EQUAL(type, 0);
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(send(fd, undersized, sizeof(undersized), MSG_NOSIGNAL), 4);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);

    /* a frame cut short */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(send(fd, truncated, sizeof(truncated), MSG_NOSIGNAL), (ssize_t)sizeof(truncated));
    shutdown(fd, SHUT_WR);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    CU_ASSERT_EQUAL(type, 0);

    /* out of order: a call, or a reply, before the hello */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_CALL, 1, unknown_method_fields), 0);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
    ok_hr(status, VSS_E_BAD_STATE);
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_HELLO | WIRE_REPLY, 1, hello_fields), 0);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    ok_hr(status, E_INVALIDARG);
    /* another protocol version */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_HELLO, 1, bad_version_fields), 0);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    ok_hr(status, E_INVALIDARG);

    /* after a good hello: a second hello, an unknown method, a malformed
     * argument, an operation that is not ours, an unknown message type */
    {
        static void (*const after_hello[])(struct wire_builder *b) =
            { hello_fields, unknown_method_fields, bad_argument_fields, unknown_async_fields, NULL };
        static const uint16_t types[] = { WIRE_SVC_HELLO, WIRE_SVC_CALL, WIRE_SVC_CALL, WIRE_SVC_ASYNC, 0x7777 };
        static const HRESULT expected[] = { VSS_E_BAD_STATE, E_INVALIDARG, E_INVALIDARG, VSS_E_BAD_STATE,
                                            E_INVALIDARG };

        for (unsigned int i = 0; i < ARRAYSIZE(types); i++)
        {
            void *body = NULL;
            size_t len;
            struct wire_msg msg;

            CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
            CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_HELLO, 1, hello_fields), 0);
            CU_ASSERT_EQUAL(transport_recv_frame(fd, &body, &len, 10000), 0);
            CU_ASSERT_EQUAL(wire_decode(body, len, &msg), 0);
            CU_ASSERT_EQUAL(msg.type, WIRE_SVC_HELLO | WIRE_REPLY);
            ok_hr(msg.status, S_OK);
            wire_msg_clear(&msg);
            free(body);
            CU_ASSERT_EQUAL(raw_send(fd, types[i], 2, after_hello[i]), 0);
            CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
            CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
            ok_hr(status, expected[i]);
        }
    }

    /* a hello for no known kind of session; the methods of the other kind
     * of session, a shadow-storage method without its provider, and a
     * malformed argument of a management method */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_HELLO, 1, bad_session_fields), 0);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
    ok_hr(status, E_INVALIDARG);
    {
        static void (*const hellos[])(struct wire_builder *b) =
            { hello_fields, mgmt_hello_fields, mgmt_hello_fields, mgmt_hello_fields };
        static void (*const calls[])(struct wire_builder *b) =
            { mgmt_method_fields, set_context_fields, no_provider_fields, bad_mgmt_argument_fields };

        for (unsigned int i = 0; i < ARRAYSIZE(calls); i++)
        {
            void *body = NULL;
            size_t len;
            struct wire_msg msg;

            CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
            CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_HELLO, 1, hellos[i]), 0);
            CU_ASSERT_EQUAL(transport_recv_frame(fd, &body, &len, 10000), 0);
            CU_ASSERT_EQUAL(wire_decode(body, len, &msg), 0);
            ok_hr(msg.status, S_OK);
            wire_msg_clear(&msg);
            free(body);
            CU_ASSERT_EQUAL(raw_send(fd, WIRE_SVC_CALL, 2, calls[i]), 0);
            CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
            CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
            ok_hr(status, E_INVALIDARG);
        }
    }

    /* a peer that says nothing is dropped when the hello is overdue */
    CU_ASSERT_FATAL((fd = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(expect_refused(fd, &type, &status), 0);
    CU_ASSERT_EQUAL(type, 0);

    /* a peer stalled inside a frame holds only its own connection */
    CU_ASSERT_FATAL((stalled = raw_connect()) >= 0);
    CU_ASSERT_EQUAL(send(stalled, truncated, 2, MSG_NOSIGNAL), 2);
    check_still_serving();
    close(stalled);
    check_still_serving();
}

/* DESIGN.md §4: a requester talks only to a service run by root (or by its
 * own user): a socket someone else put where the service should be is not
 * trusted. */
static void test_impostor(void)
{
    struct identity nobody = { NOBODY, NOBODY, 0, { 0 } };
    char dir[4096], saved[4096];
    IVssBackupComponents *backup = NULL;
    int ready[2];
    char c = 0;
    pid_t pid;

    snprintf(saved, sizeof(saved), "%s", getenv("VSS_RUNTIME_DIR"));
    snprintf(dir, sizeof(dir), "%s/impostor", umbra_test_tmpdir());
    mkdir(dir, 0777);
    chmod(dir, 0777);
    CU_ASSERT_FATAL(!pipe(ready));
    if (!(pid = fork()))
    {
        int fd;

        close(ready[0]);
        become(&nobody);
        if ((fd = transport_listen(dir, SVC_SOCKET_NAME)) < 0) _exit(1);
        if (write(ready[1], "r", 1) != 1) _exit(2);
        for (;;) pause();
    }
    close(ready[1]);
    CU_ASSERT_EQUAL(read(ready[0], &c, 1), 1);
    close(ready[0]);
    setenv("VSS_RUNTIME_DIR", dir, 1);
    config_reload();
    ok_hr(CreateVssBackupComponents(&backup), HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE));
    CU_ASSERT_PTR_NULL(backup);
    kill(pid, SIGKILL);
    reap(pid);
    setenv("VSS_RUNTIME_DIR", saved, 1);
    config_reload();
}

/* --- the service's life ------------------------------------------------------------------------ */

/* VSS-FACTS.md §1.5: the service exits after IdleTimeout without requesters,
 * and a requester that may choose then runs embedded. */
static void test_idle_exit(void)
{
    static const char *const args[] = { "--idle-timeout", "1", NULL };
    char saved[3][4096];
    const char *names[3] = { "VSS_CONFIG_DIR", "VSS_RUNTIME_DIR", "VSS_STATE_DIR" };
    IVssBackupComponents *backup = NULL;
    char sock[4200];
    pid_t idle;

    for (int i = 0; i < 3; i++) snprintf(saved[i], sizeof(saved[i]), "%s", getenv(names[i]));
    svc_private_dirs("idle");
    idle = svc_start(args);
    CU_ASSERT_FATAL(idle > 0);
    snprintf(sock, sizeof(sock), "%s/%s", getenv("VSS_RUNTIME_DIR"), SVC_SOCKET_NAME);
    CU_ASSERT_EQUAL(access(sock, F_OK), 0);
    CU_ASSERT_EQUAL(svc_wait_exit(idle, 30000), 0);
    CU_ASSERT(access(sock, F_OK) < 0);
    svc_use(-1);
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    CU_ASSERT(backup && !service_client_is_proxy((IUnknown *)backup));
    if (backup) IVssBackupComponents_Release(backup);
    svc_use(1);
    for (int i = 0; i < 3; i++) setenv(names[i], saved[i], 1);
    config_reload();
}

/* data/systemd/vsssvc.socket: systemd listens and hands the socket over
 * (LISTEN_FDS), the service says READY=1 (NOTIFY_SOCKET), serves, exits when
 * idle and leaves the socket to systemd. */
static void test_socket_activation(void)
{
    char sock[4200], notify_path[4200], buf[64], saved[3][4096];
    const char *names[3] = { "VSS_CONFIG_DIR", "VSS_RUNTIME_DIR", "VSS_STATE_DIR" };
    struct sockaddr_un addr;
    IVssBackupComponents *backup;
    int listener, notify, got_ready = 0;
    ssize_t n;
    pid_t pid;

    for (int i = 0; i < 3; i++) snprintf(saved[i], sizeof(saved[i]), "%s", getenv(names[i]));
    svc_private_dirs("activated");
    snprintf(sock, sizeof(sock), "%s/%s", getenv("VSS_RUNTIME_DIR"), SVC_SOCKET_NAME);
    snprintf(notify_path, sizeof(notify_path), "%s/notify", getenv("VSS_RUNTIME_DIR"));

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock);
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CU_ASSERT_FATAL(listener >= 0);
    CU_ASSERT_FATAL(!bind(listener, (struct sockaddr *)&addr, sizeof(addr)) && !listen(listener, 16));
    chmod(sock, 0666);
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", notify_path);
    notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CU_ASSERT_FATAL(notify >= 0 && !bind(notify, (struct sockaddr *)&addr, sizeof(addr)));

    if (!(pid = fork()))
    {
        char pid_text[16];

        /* dup2 onto itself would keep close-on-exec: clear it either way */
        if (dup2(listener, SD_LISTEN_FDS_START_FOR_TEST) < 0 || fcntl(SD_LISTEN_FDS_START_FOR_TEST, F_SETFD, 0) < 0)
            _exit(126);
        snprintf(pid_text, sizeof(pid_text), "%d", (int)getpid());
        setenv("LISTEN_PID", pid_text, 1);
        setenv("LISTEN_FDS", "1", 1);
        setenv("NOTIFY_SOCKET", notify_path, 1);
        execl(umbra_prog("vsssvc"), "vsssvc", "--foreground", "--idle-timeout", "1", (char *)NULL);
        _exit(127);
    }
    for (int tries = 0; tries < 300 && !got_ready; tries++)
    {
        struct pollfd pfd = { .fd = notify, .events = POLLIN };

        if (poll(&pfd, 1, 100) > 0 && (n = recv(notify, buf, sizeof(buf) - 1, 0)) > 0)
        {
            buf[n] = 0;
            got_ready = !strcmp(buf, "READY=1");
        }
    }
    CU_ASSERT(got_ready);
    backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    CU_ASSERT(service_client_is_proxy((IUnknown *)backup));
    if (backup) IVssBackupComponents_Release(backup);
    CU_ASSERT_EQUAL(svc_wait_exit(pid, 30000), 0);
    /* the socket is systemd's: still there, still listening */
    CU_ASSERT_EQUAL(access(sock, F_OK), 0);
    close(listener);
    close(notify);
    for (int i = 0; i < 3; i++) setenv(names[i], saved[i], 1);
    config_reload();
}

/* --- suite --------------------------------------------------------------------------------------- */

static int find_group(void)
{
    struct group *grp = getgrnam("backup");
    char *argv[] = { "groupadd", "--system", created_group, NULL };

    if (grp)
    {
        backup_gid = grp->gr_gid;
        return 0;
    }
    snprintf(created_group, sizeof(created_group), "umbra-test-%d", (int)getpid());
    if (fsfixture_run(argv, NULL, 0) || !(grp = getgrnam(created_group)))
    {
        fprintf(stderr, "no group \"backup\" and groupadd failed\n");
        created_group[0] = 0;
        return -1;
    }
    backup_gid = grp->gr_gid;
    return 0;
}

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir(), *base;
    /* a short freeze timeout: the test of a killed service waits for it */
    const char *args[] = { "--name", WRITER_NAME, "--log", log_path, "--freeze-timeout", "8000", NULL };
    char path[4200], conf[300];
    struct group *grp;

    if (umbra_require_root()) return -1;
    /* other users must reach the socket and the volume under the test's directory */
    chmod(tmp, 0711);
    if (find_group()) return -1;
    base = svc_private_dirs("svc");
    snprintf(run_dir, sizeof(run_dir), "%s", getenv("VSS_RUNTIME_DIR"));
    grp = getgrgid(backup_gid);
    snprintf(conf, sizeof(conf), "# the test's group\nGroup = %s\nIdleTimeout = 0\n", grp ? grp->gr_name : "backup");
    snprintf(path, sizeof(path), "%s/config/vsssvc.conf", base);
    if (fsfixture_write_file(path, conf)) return -1;
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();

    if (!(fx = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    chmod(fx->mnt, 0755);
    snprintf(path, sizeof(path), "%s/data.txt", fx->mnt);
    if (fsfixture_write_file(path, "the data\n")) return -1;
    chmod(path, 0644);
    mbstowcs(volume, fx->mnt, ARRAYSIZE(volume) - 2);
    wcscat(volume, L"/");

    snprintf(log_path, sizeof(log_path), "%s/writers.log", tmp);
    snprintf(expose_dir, sizeof(expose_dir), "%s/expose-here", tmp);
    mbstowcs(expose_path, expose_dir, ARRAYSIZE(expose_path) - 1);
    if ((writer = wp_start("test_writer_c", args)) < 0) return -1;
    if ((service = svc_start(NULL)) < 0) return -1;
    svc_use(1);
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    int ret = 0;

    if (service > 0)
    {
        delete_all_snapshots();
        if (svc_stop(service)) ret = -1;
    }
    svc_use(-1);
    if (writer > 0) wp_stop(writer);
    fsfixture_destroy(fx);
    if (created_group[0])
    {
        char *argv[] = { "groupdel", created_group, NULL };
        fsfixture_run(argv, NULL, 0);
    }
    CoUninitialize();
    return ret;
}

static CU_TestInfo service_tests[] =
{
    { "a backup-group member snapshots a root-owned btrfs volume", test_group_member_backs_up },
    { "outside the group: E_ACCESSDENIED or embedded mode", test_access_denied },
    { "the same calls give the same results in both modes", test_same_api },
    { "diskshadow through the service", test_diskshadow },
    { "snapshot management through the service", test_mgmt_through_service },
    { "vssadmin list volumes/shadowstorage for a group member", test_vssadmin_member },
    { "a requester killed before DoSnapshotSet: Abort (§1.6)", test_requester_killed_before_snapshot },
    { "a requester killed after DoSnapshotSet: R32, BackupShutdown", test_requester_killed_after_snapshot },
    { "8 requesters at once (R12)", test_eight_requesters },
    { "junk, truncated, oversized, out-of-order messages", test_hostile_messages },
    { "a socket that is not the service's is not trusted", test_impostor },
    { "the service killed while writers are frozen", test_service_killed_while_frozen },
    { "idle exit (IdleTimeout)", test_idle_exit },
    { "socket activation and readiness", test_socket_activation },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(service, suite_init, suite_cleanup, service_tests);
