/*
 * test_gauntlet_load.c: the reliability gauntlet's writers and crowds
 * (RELIABILITY.md), on a real btrfs volume (loop device; needs root):
 *   - a writer process killed (SIGKILL inside its handler) at each event of a
 *     backup: the requester's calls return success or the writer failures
 *     Microsoft documents (VSS-FACTS.md §1.4, §2.3: VSS_E_WRITER_NOT_RESPONDING,
 *     VSS_E_WRITERERROR_*; VSS_E_BAD_STATE for a call the failed set rules
 *     out), the other writer is thawed and unharmed, and the end state is
 *     clean (tests/lib/gauntlet.h);
 *   - two and eight requester processes racing for DoSnapshotSet: one set in
 *     creation per machine (R12), the others get VSS_E_SNAPSHOT_SET_IN_PROGRESS,
 *     or with VSS_WAIT_FOR_SET (DESIGN.md §4) all of them queue and succeed;
 *     every set that succeeded is on disk with its record, nothing else is.
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "config.h"
#include "lib/fsfixture.h"
#include "lib/gauntlet.h"
#include "lib/writer_procs.h"

static struct fsfixture *fx;
static const char *roots[1];

static int writer_failure(HRESULT hr)
{
    return hr == VSS_E_WRITER_NOT_RESPONDING || hr == VSS_E_WRITERERROR_NONRETRYABLE
           || hr == VSS_E_WRITERERROR_RETRYABLE || hr == VSS_E_WRITERERROR_TIMEOUT
           || hr == VSS_E_WRITERERROR_OUTOFRESOURCES || hr == VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT;
}

static int allowed(HRESULT hr)
{
    return hr == S_OK || hr == VSS_S_ASYNC_FINISHED || writer_failure(hr) || hr == VSS_E_BAD_STATE;
}

#define check_step(what, hr) do { \
        HRESULT h_ = (hr); \
        if (!allowed(h_)) printf("writer dies at %s: %s gave %#x\n", event, what, (unsigned int)h_); \
        CU_ASSERT(allowed(h_)); \
    } while (0)

static HRESULT async_result(HRESULT hr, IVssAsync *async)
{
    return FAILED(hr) ? hr : gauntlet_wait_async(async);
}

/* One full backup with writers (VSS_CTX_BACKUP) while the writer "Dying"
 * kills itself in event. */
static void backup_with_dying_writer(const char *event)
{
    const char *dying[] = { "--name", "Dying", "--id", "{9a11d1e0-0000-4000-8000-00000000dead}", "--die", event,
                            "--freeze-timeout", "20000", NULL };
    const char *healthy[] = { "--name", "Healthy", "--id", "{9a11d1e0-0000-4000-8000-0000000000a1}", NULL };
    IVssBackupComponents *backup;
    IVssAsync *async = NULL;
    WCHAR volume[4096];
    char label[64];
    VSS_ID set, snap;
    pid_t pids[2];
    HRESULT hr;
    int status;

    pids[0] = wp_start("test_writer_c", dying);
    pids[1] = wp_start("test_writer_c", healthy);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0);
    mbstowcs(volume, roots[0], 4000);
    wcscat(volume, L"/");

    CU_ASSERT_PTR_NOT_NULL_FATAL(backup = gauntlet_requester(VSS_CTX_BACKUP));
    hr = IVssBackupComponents_GatherWriterMetadata(backup, &async);
    check_step("GatherWriterMetadata", async_result(hr, async));
    check_step("SetBackupState", IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE));
    check_step("StartSnapshotSet", IVssBackupComponents_StartSnapshotSet(backup, &set));
    check_step("AddToSnapshotSet", IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap));
    hr = IVssBackupComponents_PrepareForBackup(backup, &async);
    check_step("PrepareForBackup", async_result(hr, async));
    hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
    check_step("DoSnapshotSet", async_result(hr, async));
    hr = IVssBackupComponents_BackupComplete(backup, &async);
    check_step("BackupComplete", async_result(hr, async));
    hr = IVssBackupComponents_GatherWriterStatus(backup, &async);
    check_step("GatherWriterStatus", async_result(hr, async));
    IVssBackupComponents_Release(backup);    /* BackupShutdown */

    /* the dying writer got the event and died in it; the healthy one lives, thawed */
    status = wp_stop(pids[0]);
    CU_ASSERT_EQUAL(status, 128 + SIGKILL);
    CU_ASSERT_EQUAL(wp_stop(pids[1]), 0);
    snprintf(label, sizeof(label), "writer killed in %s", event);
    CU_ASSERT_EQUAL(gauntlet_end_state(label, roots, 1, NULL), 0);
}

static void test_writer_killed_at_each_event(void)
{
    static const char *const events[] =
    {
        "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown",
    };
    unsigned int i;

    for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) backup_with_dying_writer(events[i]);
}

/* --- racing requesters -------------------------------------------------------------- */

static void race(unsigned int count, int wait_for_set)
{
    int go[2], results[2], status;
    unsigned int i, won = 0, busy = 0;
    pid_t pids[8];
    struct gauntlet_state st;
    char label[64];

    CU_ASSERT_FATAL(count <= 8);
    CU_ASSERT_FATAL(!pipe(go) && !pipe(results));
    for (i = 0; i < count; i++)
    {
        if (!(pids[i] = fork()))
        {
            HRESULT hr;
            VSS_ID set;
            char c;

            close(go[1]);
            close(results[0]);
            if (wait_for_set) setenv("VSS_WAIT_FOR_SET", "120", 1);
            else unsetenv("VSS_WAIT_FOR_SET");
            config_reload();
            CoInitializeEx(NULL, COINIT_MULTITHREADED);
            if (read(go[0], &c, 1) != 1) _exit(2);    /* all start at once */
            hr = gauntlet_snapshot_set(VSS_CTX_NAS_ROLLBACK, roots, 1, &set, NULL);
            _exit(write(results[1], &hr, sizeof(hr)) == sizeof(hr) ? 0 : 2);
        }
        CU_ASSERT_FATAL(pids[i] > 0);
    }
    close(go[0]);
    close(results[1]);
    for (i = 0; i < count; i++) CU_ASSERT_EQUAL(write(go[1], "g", 1), 1);
    close(go[1]);
    for (i = 0; i < count; i++)
    {
        HRESULT hr = E_FAIL;

        CU_ASSERT_EQUAL(read(results[0], &hr, sizeof(hr)), sizeof(hr));
        if (hr == S_OK) won++;
        else if (hr == VSS_E_SNAPSHOT_SET_IN_PROGRESS) busy++;
        else printf("a racing requester got %#x\n", (unsigned int)hr);
    }
    close(results[0]);
    for (i = 0; i < count; i++)
    {
        status = gauntlet_wait(pids[i], 180000);
        CU_ASSERT(status != -1 && WIFEXITED(status) && !WEXITSTATUS(status));
    }
    /* R12 */
    CU_ASSERT_EQUAL(won + busy, count);
    CU_ASSERT(won >= 1);
    if (wait_for_set) CU_ASSERT_EQUAL(won, count);
    snprintf(label, sizeof(label), "%u racing requesters", count);
    CU_ASSERT_EQUAL(gauntlet_end_state(label, roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, won);
    printf("%s%s: %u sets made, %u refused\n", label, wait_for_set ? " (VSS_WAIT_FOR_SET)" : "", won, busy);
    gauntlet_delete_all();
}

static void test_two_requesters(void)
{
    race(2, 0);
}

static void test_eight_requesters(void)
{
    race(8, 0);
}

static void test_eight_requesters_queued(void)
{
    race(8, 1);
}

/* --- suite ------------------------------------------------------------------------------ */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[4096];

    if (umbra_require_root()) return -1;
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
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

static CU_TestInfo load_tests[] =
{
    { "a writer killed at each event (§1.4)", test_writer_killed_at_each_event },
    { "two requesters race (R12)", test_two_requesters },
    { "eight requesters race (R12)", test_eight_requesters },
    { "eight requesters queue (VSS_WAIT_FOR_SET)", test_eight_requesters_queued },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(gauntlet_load, suite_init, suite_cleanup, load_tests);
