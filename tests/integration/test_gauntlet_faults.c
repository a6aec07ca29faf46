/*
 * test_gauntlet_faults.c: the reliability gauntlet's I/O faults and frozen
 * file systems (RELIABILITY.md), on real file systems made on loop devices
 * (needs root):
 *   - EIO and ENOSPC at each durable I/O step of DoSnapshotSet and of
 *     DeleteSnapshots, and failing fsyncs (config.h's fault injection), on
 *     a btrfs volume;
 *   - a file system that is really full: ext4 (directory provider) filled to
 *     the last block, so the snapshot's copy and the catalogue's records run
 *     out of space;
 *   - the flush-and-hold watchdog: a hold window held past 10 s on an ext4
 *     image on btrfs (block-image provider, FIFREEZE), and a requester killed
 *     while its file system is frozen.
 * Every call returns the HRESULT Microsoft documents for the case
 * (VSS-FACTS.md §2.3; ENOSPC: VSS_E_INSUFFICIENT_STORAGE, a hold window run
 * out: VSS_E_HOLD_WRITES_TIMEOUT, other provider and catalogue errors:
 * VSS_E_UNEXPECTED_PROVIDER_ERROR / VSS_E_UNEXPECTED), and leaves the end
 * state of tests/lib/gauntlet.h.
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

#define MAX_IO_STEPS 200

static struct fsfixture *btrfs;

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

/* §2.3: what an errno from the catalogue or a provider comes back as */
static int documented(HRESULT hr, int err)
{
    if (err == ENOSPC) return hr == VSS_E_INSUFFICIENT_STORAGE;
    return hr == VSS_E_UNEXPECTED_PROVIDER_ERROR || hr == VSS_E_UNEXPECTED;
}

/* --- injected faults ----------------------------------------------------------------- */

static void fault_each_create_step(unsigned int kinds, int err, const char *label)
{
    const char *roots[1] = { btrfs->mnt };
    unsigned int n, completed = 0, failed = 0, absorbed = 0;

    for (n = 1; n <= MAX_IO_STEPS && !completed; n++)
    {
        VSS_ID set;
        HRESULT hr;

        state_fault_set(kinds, n, err);
        hr = gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL);
        if (state_fault_steps() < n)
        {
            ok_hr(hr, S_OK);
            completed = n;
        }
        else if (hr == S_OK)
            absorbed++;   /* a step whose failure costs nothing: the index is a cache (catalogue.h) */
        else
        {
            if (!documented(hr, err))
                printf("%s: step %u: DoSnapshotSet gave %#x for %s\n", label, n, (unsigned int)hr, strerror(err));
            CU_ASSERT(documented(hr, err));
            failed++;
        }
        state_fault_set(0, 0, 0);
        CU_ASSERT_EQUAL(gauntlet_end_state(label, roots, 1, NULL), 0);
    }
    CU_ASSERT(completed > 1);
    printf("%s: %u failing steps, each cleanly (%u more absorbed)\n", label, failed, absorbed);
    gauntlet_delete_all();
}

static void test_eio_while_creating(void)
{
    fault_each_create_step(STATE_IO_ALL, EIO, "EIO while creating");
}

static void test_enospc_while_creating(void)
{
    fault_each_create_step(STATE_IO_ALL, ENOSPC, "ENOSPC while creating");
}

static void test_fsync_fails_while_creating(void)
{
    fault_each_create_step(STATE_IO_FSYNC | STATE_IO_DIRSYNC, EIO, "fsync fails while creating");
}

/* DeleteSnapshots in a requester that meets the fault and then exits, as a
 * backup program does on an error: its 'deleting' record, if it leaves one,
 * is finished by the next requester's start (a live process's is its own
 * business until it exits). */
struct delete_result
{
    HRESULT hr;
    LONG deleted;
    unsigned int steps;
};

static struct delete_result delete_with_fault(const VSS_ID *set, unsigned int n, int err)
{
    struct delete_result r = { E_FAIL, -1, 0 };
    int fds[2];
    pid_t child;

    CU_ASSERT_FATAL(!pipe(fds));
    if (!(child = fork()))
    {
        IVssBackupComponents *backup;
        VSS_ID failed;

        close(fds[0]);
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        if ((backup = gauntlet_requester(VSS_CTX_ALL)))
        {
            state_fault_set(STATE_IO_ALL, n, err);
            r.hr = IVssBackupComponents_DeleteSnapshots(backup, *set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &r.deleted,
                                                        &failed);
            r.steps = state_fault_steps();
            state_fault_set(0, 0, 0);
            IVssBackupComponents_Release(backup);
        }
        _exit(write(fds[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
    }
    CU_ASSERT_FATAL(child > 0);
    close(fds[1]);
    CU_ASSERT_EQUAL(read(fds[0], &r, sizeof(r)), sizeof(r));
    close(fds[0]);
    gauntlet_wait(child, 60000);
    return r;
}

static void test_faults_while_deleting(void)
{
    static const int errs[] = { EIO, ENOSPC };
    const char *roots[1] = { btrfs->mnt };
    unsigned int e, n, completed;

    for (e = 0; e < 2; e++)
    {
        completed = 0;
        for (n = 1; n <= MAX_IO_STEPS && !completed; n++)
        {
            struct delete_result r;
            VSS_ID set;

            ok_hr(gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL), S_OK);
            r = delete_with_fault(&set, n, errs[e]);
            if (r.steps < n)
            {
                ok_hr(r.hr, S_OK);
                CU_ASSERT_EQUAL(r.deleted, 1);
                completed = n;
            }
            else if (r.hr != S_OK)   /* S_OK: only the last directory fsync failed, the record is gone anyway */
            {
                if (!documented(r.hr, errs[e])) printf("step %u: DeleteSnapshots gave %#x\n", n, (unsigned int)r.hr);
                CU_ASSERT(documented(r.hr, errs[e]));
                CU_ASSERT_EQUAL(r.deleted, 0);
            }
            CU_ASSERT_EQUAL(gauntlet_end_state("fault while deleting", roots, 1, NULL), 0);
            gauntlet_delete_all();    /* a deletion that never began left the snapshot */
        }
        CU_ASSERT(completed > 1);
        printf("%s while deleting: %u failing steps, each cleanly\n", strerror(errs[e]), completed ? completed - 1 : 0);
    }
}

/* --- a file system that is really full ------------------------------------------------- */

static void fill(const char *dir)
{
    static char block[1 << 16];
    char path[4200];
    int fd, i;

    memset(block, 'f', sizeof(block));
    snprintf(path, sizeof(path), "%s/filler", dir);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0)
    {
        while (write(fd, block, sizeof(block)) > 0) {}
        while (write(fd, block, 512) > 0) {}
        while (write(fd, block, 1) > 0) {}
        fsync(fd);
        close(fd);
    }
    /* and the last blocks with small files */
    for (i = 0; i < 1000; i++)
    {
        snprintf(path, sizeof(path), "%s/crumb%d", dir, i);
        if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) break;
        if (write(fd, block, 1024) <= 0 || fsync(fd) < 0)
        {
            close(fd);
            break;
        }
        close(fd);
    }
    sync();
}

static void test_real_enospc(void)
{
    struct fsfixture *ext4;
    const char *roots[1];
    char path[4200];
    VSS_ID set;
    HRESULT hr;

    CU_ASSERT_FATAL(fsfixture_tools_available("ext4"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ext4 = fsfixture_create("ext4", 64, NULL, NULL));
    roots[0] = ext4->mnt;
    snprintf(path, sizeof(path), "%s/data.txt", ext4->mnt);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "some data\n"), 0);
    fill(ext4->mnt);
    /* the copy of the volume cannot fit, nor can a record (§2.3: VSS_E_INSUFFICIENT_STORAGE) */
    hr = gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL);
    ok_hr(hr, VSS_E_INSUFFICIENT_STORAGE);
    CU_ASSERT_EQUAL(gauntlet_end_state("full ext4", roots, 1, NULL), 0);
    /* and again with the space given back: it works */
    snprintf(path, sizeof(path), "%s/filler", ext4->mnt);
    CU_ASSERT_EQUAL(unlink(path), 0);
    ok_hr(gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL), S_OK);
    CU_ASSERT_EQUAL(gauntlet_end_state("ext4 with space", roots, 1, NULL), 0);
    gauntlet_delete_all();
    fsfixture_destroy(ext4);
}

/* --- frozen file systems ---------------------------------------------------------------- */

static struct fsfixture *image_volume(void)
{
    struct fsfixture *fx;

    if (!fsfixture_tools_available("btrfs") || !fsfixture_tools_available("ext4")) return NULL;
    fx = fsfixture_create_nested("btrfs", 512, "ext4", 64);
    if (fx)
    {
        char path[4200];
        snprintf(path, sizeof(path), "%s/data.txt", fx->mnt);
        fsfixture_write_file(path, "on the image\n");
    }
    return fx;
}

/* §1.5: a commit that overruns the 10 s hold window: the watchdog thaws, the
 * set fails with VSS_E_HOLD_WRITES_TIMEOUT and nothing of it is kept. */
static void test_watchdog(void)
{
    struct fsfixture *fx;
    const char *roots[1];
    struct gauntlet_state st;
    VSS_ID set;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fx = image_volume());
    roots[0] = fx->mnt;
    testhook_enable();
    setenv("UMBRA_TEST_PAUSE", "hold:11500", 1);
    ok_hr(gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL), VSS_E_HOLD_WRITES_TIMEOUT);
    unsetenv("UMBRA_TEST_PAUSE");
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 0);
    CU_ASSERT_EQUAL(gauntlet_end_state("hold window run out", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, 0);
    /* the next set on the volume works */
    ok_hr(gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL), S_OK);
    CU_ASSERT_EQUAL(gauntlet_end_state("after the watchdog", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, 1);
    gauntlet_delete_all();
    fsfixture_destroy(fx);
}

/* A requester killed while its file system is frozen (no watchdog survives
 * it): the file system stays frozen until the next requester's start thaws
 * it (DESIGN.md §5). */
static void test_killed_while_frozen(void)
{
    struct fsfixture *fx;
    const char *roots[1];
    struct gauntlet_state st;
    int sv[2];
    char c;
    pid_t child;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fx = image_volume());
    roots[0] = fx->mnt;
    CU_ASSERT_FATAL(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    if (!(child = fork()))
    {
        char hook[64];
        VSS_ID set;

        close(sv[0]);
        testhook_enable();
        snprintf(hook, sizeof(hook), "hold:60000:%d", sv[1]);
        setenv("UMBRA_TEST_PAUSE", hook, 1);
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL);
        _exit(0);
    }
    CU_ASSERT_FATAL(child > 0);
    close(sv[1]);
    CU_ASSERT_EQUAL_FATAL(read(sv[0], &c, 1), 1);
    kill(child, SIGKILL);
    gauntlet_wait(child, 30000);
    close(sv[0]);
    /* frozen, and stays so: nobody thaws for the dead */
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 1);
    CU_ASSERT_EQUAL(gauntlet_end_state("killed while frozen", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 0);
    CU_ASSERT_EQUAL(st.records, 0);
    fsfixture_destroy(fx);
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
    if (!(btrfs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    state_fault_set(0, 0, 0);
    gauntlet_delete_all();
    fsfixture_destroy(btrfs);
    CoUninitialize();
    return 0;
}

static CU_TestInfo fault_tests[] =
{
    { "EIO at each I/O step of DoSnapshotSet", test_eio_while_creating },
    { "ENOSPC at each I/O step of DoSnapshotSet", test_enospc_while_creating },
    { "fsync failing at each step of DoSnapshotSet", test_fsync_fails_while_creating },
    { "EIO and ENOSPC at each I/O step of DeleteSnapshots", test_faults_while_deleting },
    { "a really full file system (VSS_E_INSUFFICIENT_STORAGE)", test_real_enospc },
    { "hold window run out: the watchdog thaws (§1.5)", test_watchdog },
    { "requester killed while frozen: thawed at the next start", test_killed_while_frozen },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(gauntlet_faults, suite_init, suite_cleanup, fault_tests);
