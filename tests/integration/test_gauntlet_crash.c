/*
 * test_gauntlet_crash.c: the reliability gauntlet's crashes (RELIABILITY.md):
 * a requester process killed at each step of a backup on a real btrfs volume
 * (loop device, tests/lib/fsfixture.h; needs root), and at each durable I/O
 * step of DoSnapshotSet and DeleteSnapshots (config.h's fault injection: the
 * process _exits at step n, as if killed there).  After every crash the next
 * requester's start must leave the end state of DESIGN.md §6
 * (tests/lib/gauntlet.h): nothing frozen, no snapshot without a record, no
 * record without a snapshot, persistent snapshots readable, and the machine-
 * wide set lock free again (VSS-FACTS.md §2.1 R12).
 *
 * It also proves the btrfs fast path of DoSnapshotSet (catalogue_add_unsynced:
 * the 'creating' record has no fsync of its own): killed inside the hold
 * window, when the snapshot is committed and the record is not durable, and
 * with the record then cut to nothing as a power loss can leave it, the
 * reconciliation removes both.
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "config.h"
#include "testhook.h"
#include "lib/fsfixture.h"
#include "lib/gauntlet.h"

#define CHILD_TIMEOUT_MS 60000
#define MAX_IO_STEPS 200

static struct fsfixture *fx;
static const char *roots[1];

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

static void check_end_state(const char *label)
{
    struct gauntlet_state st;

    CU_ASSERT_EQUAL(gauntlet_end_state(label, roots, 1, &st), 0);
}

/* R12: whatever the dead requester held, the next one can start a set. */
static void check_set_lock_free(void)
{
    IVssBackupComponents *backup = gauntlet_requester(VSS_CTX_FILE_SHARE_BACKUP);
    VSS_ID set;

    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    IVssBackupComponents_Release(backup);
}

/* --- a crash at each durable I/O step ------------------------------------------- */

/* Run op in a child that dies at its nth counted I/O step, for n = 1, 2 ...
 * until one run gets through; the end state after each.  Returns the steps. */
static unsigned int crash_each_step(const char *label, int (*op)(void *ctx), void *ctx)
{
    unsigned int n, completed = 0;

    for (n = 1; n <= MAX_IO_STEPS && !completed; n++)
    {
        int status;
        pid_t child = fork();

        CU_ASSERT_FATAL(child >= 0);
        if (!child)
        {
            state_fault_set(STATE_IO_ALL, n, STATE_FAULT_CRASH);
            _exit(op(ctx) ? 1 : 0);
        }
        status = gauntlet_wait(child, CHILD_TIMEOUT_MS);
        CU_ASSERT_FATAL(status != -1 && WIFEXITED(status));
        if (!WEXITSTATUS(status)) completed = n;
        else if (WEXITSTATUS(status) != STATE_FAULT_EXIT_CODE)
        {
            printf("%s: step %u: the operation failed (exit %d) instead of crashing\n", label, n,
                   WEXITSTATUS(status));
            CU_FAIL("an operation failed without an injected fault");
            break;
        }
        check_end_state(label);
    }
    CU_ASSERT(completed > 1);
    printf("%s: crashed at each of %u I/O steps, then ran through\n", label, completed ? completed - 1 : n);
    return completed;
}

static int create_set(void *ctx)
{
    LONG context = *(const LONG *)ctx;
    IVssBackupComponents *keep = NULL;
    VSS_ID set;

    /* the requester is never released: its auto-release snapshot dies with it */
    return gauntlet_snapshot_set(context, roots, 1, &set, &keep) == S_OK ? 0 : 1;
}

static void test_crash_during_create_persistent(void)
{
    LONG context = VSS_CTX_NAS_ROLLBACK;

    crash_each_step("crash while creating (persistent)", create_set, &context);
    gauntlet_delete_all();
    check_end_state("after deleting");
}

static void test_crash_during_create_auto_release(void)
{
    LONG context = VSS_CTX_FILE_SHARE_BACKUP;
    struct gauntlet_state st;

    crash_each_step("crash while creating (auto-release)", create_set, &context);
    /* every child died holding its requester: no auto-release snapshot outlives it (R32) */
    CU_ASSERT_EQUAL(gauntlet_end_state("auto-release", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, 0);
}

static int delete_set(void *ctx)
{
    IVssBackupComponents *backup = gauntlet_requester(VSS_CTX_ALL);
    LONG deleted = 0;
    VSS_ID failed;
    HRESULT hr;

    if (!backup) return 1;
    hr = IVssBackupComponents_DeleteSnapshots(backup, *(VSS_ID *)ctx, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted,
                                              &failed);
    IVssBackupComponents_Release(backup);
    /* a crash may already have finished the set's deletion (a new state) */
    return hr == S_OK || hr == VSS_E_OBJECT_NOT_FOUND ? 0 : 1;
}

static void test_crash_during_delete(void)
{
    unsigned int n, completed = 0;

    for (n = 1; n <= MAX_IO_STEPS && !completed; n++)
    {
        VSS_ID set;
        int status;
        pid_t child;

        ok_hr(gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL), S_OK);
        if ((child = fork()) == 0)
        {
            state_fault_set(STATE_IO_ALL, n, STATE_FAULT_CRASH);
            _exit(delete_set(&set));
        }
        CU_ASSERT_FATAL(child > 0);
        status = gauntlet_wait(child, CHILD_TIMEOUT_MS);
        CU_ASSERT_FATAL(status != -1 && WIFEXITED(status));
        if (!WEXITSTATUS(status)) completed = n;
        else CU_ASSERT_EQUAL(WEXITSTATUS(status), STATE_FAULT_EXIT_CODE);
        check_end_state("crash while deleting");
        gauntlet_delete_all();    /* a deletion not yet begun left the set: it goes now */
    }
    CU_ASSERT(completed > 1);
    printf("crash while deleting: crashed at each of %u I/O steps, then ran through\n", completed ? completed - 1 : n);
    check_end_state("after deleting");
}

/* --- a requester killed after each step of the API -------------------------------- */

enum step
{
    STEP_INITIALIZED,      /* InitializeForBackup, SetContext */
    STEP_STARTED,          /* StartSnapshotSet */
    STEP_ADDED,            /* AddToSnapshotSet */
    STEP_IN_HOLD,          /* inside DoSnapshotSet's hold window (testhook.h) */
    STEP_CREATED,          /* DoSnapshotSet finished */
    STEP_EXPOSED,          /* ExposeSnapshot at a directory */
    STEP_COMPLETED,        /* BackupComplete (refused without writers) */
    STEP_COUNT
};

static const char *const step_names[STEP_COUNT] =
{
    "after InitializeForBackup", "after StartSnapshotSet", "after AddToSnapshotSet", "inside the hold window",
    "after DoSnapshotSet", "after ExposeSnapshot", "after BackupComplete",
};

static void reached(int fd, enum step step, enum step kill_at)
{
    if (step != kill_at) return;
    if (write(fd, "s", 1) != 1) _exit(2);
    pause();     /* the parent kills us here */
    _exit(3);
}

/* The child: a whole backup, stopping to be killed at kill_at. */
static void requester_child(LONG context, enum step kill_at, int fd, const char *expose_dir)
{
    IVssBackupComponents *backup;
    IVssAsync *async = NULL;
    VSS_ID set, snap;
    VSS_PWSZ exposed = NULL;
    WCHAR volume[4096], dir[4096];
    char hook[64];

    testhook_enable();
    snprintf(hook, sizeof(hook), "hold:60000:%d", fd);
    if (kill_at == STEP_IN_HOLD) setenv("UMBRA_TEST_PAUSE", hook, 1);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (!(backup = gauntlet_requester(context))) _exit(4);
    reached(fd, STEP_INITIALIZED, kill_at);
    if (FAILED(IVssBackupComponents_StartSnapshotSet(backup, &set))) _exit(5);
    reached(fd, STEP_STARTED, kill_at);
    mbstowcs(volume, roots[0], 4000);
    wcscat(volume, L"/");
    if (FAILED(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap))) _exit(6);
    reached(fd, STEP_ADDED, kill_at);
    if (FAILED(IVssBackupComponents_DoSnapshotSet(backup, &async)) || gauntlet_wait_async(async) != VSS_S_ASYNC_FINISHED)
        _exit(7);
    reached(fd, STEP_CREATED, kill_at);
    mbstowcs(dir, expose_dir, 4000);
    if (FAILED(IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, dir, &exposed)))
        _exit(8);
    CoTaskMemFree(exposed);
    reached(fd, STEP_EXPOSED, kill_at);
    /* without writers (these contexts) Windows refuses it: either way the step is done */
    if (SUCCEEDED(IVssBackupComponents_BackupComplete(backup, &async))) gauntlet_wait_async(async);
    reached(fd, STEP_COMPLETED, kill_at);
    _exit(10);
}

/* Kill a requester at step; 0 if it got there. */
static int kill_requester_at(LONG context, enum step step, const char *expose_dir)
{
    int sv[2], status;
    char c;
    pid_t child;

    CU_ASSERT_FATAL(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    if ((child = fork()) == 0)
    {
        close(sv[0]);
        /* testhook reads the fd number from the environment: keep it open across nothing but us */
        requester_child(context, step, sv[1], expose_dir);
    }
    CU_ASSERT_FATAL(child > 0);
    close(sv[1]);
    if (read(sv[0], &c, 1) != 1)
    {
        status = gauntlet_wait(child, CHILD_TIMEOUT_MS);
        printf("requester did not reach step \"%s\" (status %#x)\n", step_names[step], status);
        close(sv[0]);
        return -1;
    }
    kill(child, SIGKILL);
    gauntlet_wait(child, CHILD_TIMEOUT_MS);
    close(sv[0]);
    return 0;
}

static void kill_at_each_step(LONG context, const char *what)
{
    char label[128], dir[4200];
    unsigned int step;

    for (step = 0; step < STEP_COUNT; step++)
    {
        snprintf(dir, sizeof(dir), "%s/exposed-%s-%u", umbra_test_tmpdir(), what, step);
        CU_ASSERT_FATAL(!mkdir(dir, 0755) || errno == EEXIST);
        snprintf(label, sizeof(label), "%s requester killed %s", what, step_names[step]);
        CU_ASSERT_EQUAL(kill_requester_at(context, step, dir), 0);
        check_end_state(label);
        check_set_lock_free();
        /* The reconciliation that deletes a dead requester's auto-release
         * snapshot unexposes it first (catalogue_ops.unexpose); a persistent
         * one stays exposed and is unmounted here so the volume can go. */
        if (umount2(dir, MNT_DETACH) == 0 && !(context & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE))
        {
            printf("%s: the exposure at %s outlived its snapshot\n", label, dir);
            CU_FAIL("an exposure outlived its auto-release snapshot");
        }
    }
}

static void test_kill_persistent_requester(void)
{
    struct gauntlet_state st;

    kill_at_each_step(VSS_CTX_NAS_ROLLBACK, "persistent");
    /* killed at or after DoSnapshotSet's end: those snapshots stay, exposed or not */
    CU_ASSERT_EQUAL(gauntlet_end_state("persistent", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, STEP_COUNT - STEP_CREATED);
    gauntlet_delete_all();
    check_end_state("after deleting");
}

static void test_kill_auto_release_requester(void)
{
    struct gauntlet_state st;

    kill_at_each_step(VSS_CTX_FILE_SHARE_BACKUP, "auto-release");
    /* R32: no auto-release snapshot outlives its requester */
    CU_ASSERT_EQUAL(gauntlet_end_state("auto-release", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, 0);
}

/* The fast path's worst case: the snapshot is committed, the 'creating'
 * record was written without fsync, and a power loss keeps the record's name
 * but not its data (an empty file).  Killing the requester in the hold
 * window and emptying the record stands for that power loss. */
static void test_torn_creating_record(void)
{
    char dir[4200], path[8400];
    struct gauntlet_state st;
    struct dirent *de;
    unsigned int torn = 0, snapshots = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/torn-expose", umbra_test_tmpdir());
    mkdir(dir, 0755);
    CU_ASSERT_EQUAL_FATAL(kill_requester_at(VSS_CTX_NAS_ROLLBACK, STEP_IN_HOLD, dir), 0);
    snprintf(dir, sizeof(dir), "%s/.snapshots", roots[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d = opendir(dir));
    while ((de = readdir(d)))
    {
        if (!strncmp(de->d_name, "@GMT-", 5)) snapshots++;
        if (strncmp(de->d_name, "vss-", 4)) continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        CU_ASSERT_EQUAL(truncate(path, 0), 0);
        torn++;
    }
    closedir(d);
    CU_ASSERT_EQUAL(torn, 1);       /* the creation's record */
    CU_ASSERT_EQUAL(snapshots, 1);  /* and its committed snapshot */
    CU_ASSERT_EQUAL(gauntlet_end_state("torn creating record", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d = opendir(dir));
    snapshots = 0;
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, "@GMT-", 5) || !strncmp(de->d_name, "vss-", 4)) snapshots++;
    closedir(d);
    CU_ASSERT_EQUAL(snapshots, 0);  /* neither the record nor the snapshot is left */
}

/* --- suite ------------------------------------------------------------------------------ */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[4096];

    if (umbra_require_root()) return -1;
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    if (!fsfixture_tools_available("btrfs"))
    {
        printf("mkfs.btrfs or losetup missing (tools/install-deps)\n");
        return -1;
    }
    if (!(fx = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    roots[0] = fx->mnt;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    gauntlet_delete_all();
    fsfixture_destroy(fx);
    CoUninitialize();
    return 0;
}

static CU_TestInfo crash_tests[] =
{
    { "crash at each I/O step of DoSnapshotSet (persistent)", test_crash_during_create_persistent },
    { "crash at each I/O step of DoSnapshotSet (auto-release, R32)", test_crash_during_create_auto_release },
    { "crash at each I/O step of DeleteSnapshots", test_crash_during_delete },
    { "persistent requester killed at each step", test_kill_persistent_requester },
    { "auto-release requester killed at each step (R32)", test_kill_auto_release_requester },
    { "btrfs fast path: torn 'creating' record after a commit", test_torn_creating_record },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(gauntlet_crash, suite_init, suite_cleanup, crash_tests);
