/*
 * test_gauntlet_soak.c: the reliability gauntlet's soak (RELIABILITY.md):
 * create / expose / read / unexpose / delete cycles of a persistent snapshot
 * with a writer process attached (VSS_CTX_APP_ROLLBACK: persistent, writers
 * involved), on a real btrfs volume (loop device; needs root).  At the end
 * the requester's and the writer's open descriptors are what they were after
 * the first cycle, their resident memory has not grown past a small bound,
 * every cycle read back exactly what the volume held at its snapshot, and the
 * end state is clean (tests/lib/gauntlet.h).
 *
 * `make check` runs SMOKE_CYCLES cycles; `make gauntlet` 1,000
 * (UMBRA_SOAK_CYCLES).  Memory is not judged under AddressSanitizer or
 * valgrind, whose own bookkeeping grows with every allocation.
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/stat.h>
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

#define SMOKE_CYCLES 20
#define RSS_GROWTH_LIMIT (4L << 20)     /* what 1,000 cycles may add: a leak of 4 KB a cycle fails */

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

static struct fsfixture *fx;
static const char *roots[1];
static pid_t writer;

static int under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload && strstr(preload, "vgpreload");
}

static long process_rss(pid_t pid)
{
    char path[64];
    long pages = 0, rss = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
    if (!(f = fopen(path, "re"))) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * sysconf(_SC_PAGESIZE);
}

static int process_fds(pid_t pid)
{
    char path[64];
    struct dirent *de;
    DIR *d;
    int n = 0;

    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    if (!(d = opendir(path))) return -1;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* The call's outcome: it set *async (call and wait are two steps, so the
 * pointer is read after the call wrote it). */
static HRESULT finish(HRESULT hr, IVssAsync **async)
{
    if (FAILED(hr)) return hr;
    hr = gauntlet_wait_async(*async);
    *async = NULL;
    return hr == VSS_S_ASYNC_FINISHED ? S_OK : hr;
}

/* One cycle; 0 when every step did what it should. */
static int cycle(unsigned int n, const char *expose_dir)
{
    IVssBackupComponents *backup;
    IVssBackupComponentsEx2 *ex2 = NULL;
    IVssAsync *async = NULL;
    WCHAR volume[4096], dir[4096];
    VSS_PWSZ exposed = NULL;
    char path[4200], content[64], *got = NULL;
    LONG deleted = 0;
    VSS_ID set, snap, failed;
    const char *step = "";
    HRESULT hr = S_OK;
    int ret = -1;

    /* what the volume holds at this snapshot */
    snprintf(path, sizeof(path), "%s/cycle.txt", roots[0]);
    snprintf(content, sizeof(content), "cycle %u\n", n);
    if (fsfixture_write_file(path, content)) return -1;
    mbstowcs(volume, roots[0], 4000);
    wcscat(volume, L"/");
    mbstowcs(dir, expose_dir, 4000);

#define STEP(name, call) if (step = name, FAILED(hr = (call))) goto done
    if (!(backup = gauntlet_requester(VSS_CTX_APP_ROLLBACK))) return -1;
    STEP("GatherWriterMetadata", finish(IVssBackupComponents_GatherWriterMetadata(backup, &async), &async));
    STEP("SetBackupState", IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE));
    STEP("StartSnapshotSet", IVssBackupComponents_StartSnapshotSet(backup, &set));
    STEP("AddToSnapshotSet", IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap));
    STEP("PrepareForBackup", finish(IVssBackupComponents_PrepareForBackup(backup, &async), &async));
    STEP("DoSnapshotSet", finish(IVssBackupComponents_DoSnapshotSet(backup, &async), &async));
    STEP("ExposeSnapshot", IVssBackupComponents_ExposeSnapshot(backup, snap, NULL, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
                                                               dir, &exposed));
    /* the volume moves on; the snapshot does not */
    if (fsfixture_write_file(path, "after the snapshot\n")) goto done;
    snprintf(path, sizeof(path), "%s/cycle.txt", expose_dir);
    if (!(got = fsfixture_read_file(path)) || strcmp(got, content))
    {
        printf("cycle %u: read \"%s\" through the exposure, expected \"%s\"", n, got ? got : "(nothing)", content);
        goto done;
    }
    STEP("QueryInterface", IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx2, (void **)&ex2));
    STEP("UnexposeSnapshot", IVssBackupComponentsEx2_UnexposeSnapshot(ex2, snap));
    STEP("BackupComplete", finish(IVssBackupComponents_BackupComplete(backup, &async), &async));
    STEP("DeleteSnapshots", IVssBackupComponents_DeleteSnapshots(backup, snap, VSS_OBJECT_SNAPSHOT, TRUE, &deleted,
                                                                 &failed));
#undef STEP
    ret = deleted == 1 ? 0 : -1;
done:
    if (ret && FAILED(hr)) printf("cycle %u: %s failed: %#x\n", n, step, (unsigned int)hr);
    free(got);
    CoTaskMemFree(exposed);
    if (ex2) IVssBackupComponentsEx2_Release(ex2);
    IVssBackupComponents_Release(backup);
    return ret;
}

static void test_soak(void)
{
    unsigned int cycles = gauntlet_soak_cycles(SMOKE_CYCLES), n, failures = 0;
    long rss_start, rss_end, wrss_start, wrss_end;
    int fds_start, fds_end, wfds_start, wfds_end;
    struct gauntlet_state st;
    char dir[4200];

    snprintf(dir, sizeof(dir), "%s/exposed", umbra_test_tmpdir());
    CU_ASSERT_FATAL(!mkdir(dir, 0755) || errno == EEXIST);
    /* the first cycle loads what stays loaded (libraries, caches) */
    CU_ASSERT_EQUAL_FATAL(cycle(0, dir), 0);
    rss_start = gauntlet_rss();
    fds_start = gauntlet_fd_count();
    wrss_start = process_rss(writer);
    wfds_start = process_fds(writer);
    for (n = 1; n < cycles && failures < 3; n++)
        if (cycle(n, dir)) failures++;
    rss_end = gauntlet_rss();
    fds_end = gauntlet_fd_count();
    wrss_end = process_rss(writer);
    wfds_end = process_fds(writer);
    printf("soak: %u cycles, %u failed; requester: %d -> %d descriptors, RSS %ld -> %ld KB; writer: %d -> %d "
           "descriptors, RSS %ld -> %ld KB\n", n, failures, fds_start, fds_end, rss_start >> 10, rss_end >> 10,
           wfds_start, wfds_end, wrss_start >> 10, wrss_end >> 10);
    CU_ASSERT_EQUAL(failures, 0);
    /* flat: none gained (the writer may have closed a connection it still held) */
    CU_ASSERT(fds_end <= fds_start);
    CU_ASSERT(wfds_end <= wfds_start);
    if (!UNDER_SANITIZER && !under_valgrind())
    {
        CU_ASSERT(rss_end - rss_start <= RSS_GROWTH_LIMIT);
        CU_ASSERT(wrss_end - wrss_start <= RSS_GROWTH_LIMIT);
    }
    CU_ASSERT_EQUAL(gauntlet_end_state("soak", roots, 1, &st), 0);
    CU_ASSERT_EQUAL(st.records, 0);
}

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    const char *args[] = { "--name", "Soak", NULL };
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
    if (!(fx = fsfixture_create("btrfs", 512, NULL, NULL))) return -1;
    roots[0] = fx->mnt;
    if ((writer = wp_start("test_writer_c", args)) < 0) return -1;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    gauntlet_delete_all();
    if (writer > 0) wp_stop(writer);
    fsfixture_destroy(fx);
    CoUninitialize();
    return 0;
}

static CU_TestInfo soak_tests[] =
{
    { "create/expose/read/delete cycles with a writer", test_soak },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(gauntlet_soak, suite_init, suite_cleanup, soak_tests);
