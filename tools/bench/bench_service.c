/*
 * bench_service.c: DoSnapshotSet through vsssvc against embedded mode in the
 * same run (issue 10: ratio <= 1.3).  The same requester code runs in both
 * modes, switched with VSS_MODE: from the DoSnapshotSet call to the end of
 * IVssAsync::Wait, on one btrfs volume, without writers (VSS_CTX_NAS_ROLLBACK)
 * and with one writer process (VSS_CTX_APP_ROLLBACK, after
 * GatherWriterMetadata and PrepareForBackup), both persistent so that no
 * deletion runs between measurements.  The two modes are interleaved,
 * alternating which goes first, each after a sync(); medians of RUNS runs
 * after WARMUP runs of each.  The service is bin/vsssvc of the build,
 * started here in the foreground; the writer is tests/bin/test_writer_c
 * (the writer row is skipped when the tests are not built).
 * tools/bench/service builds this program and runs it on a btrfs file
 * system it makes; it is not a test.
 *
 *   bench_service <build dir> <btrfs mount point> [runs]
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/wait.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "dlls/vssapi/config.h"
#include "bench_table.h"

#define WARMUP 3
#define MAX_RUNS 100
#define RATIO_LIMIT 1.3

static char build_dir[4096];
static WCHAR volume[4096];

/* Start a program with --ready-fd and wait (20 s) for its "ready". */
static pid_t start_ready(const char *path, const char *const *args)
{
    const char *argv[16];
    char fdtext[16], buf[8];
    int pipefd[2], child_fd, argc = 0, status;
    ssize_t got = 0;
    pid_t pid;

    if (access(path, X_OK) || pipe2(pipefd, O_CLOEXEC)) return -1;
    if ((child_fd = fcntl(pipefd[1], F_DUPFD, 10)) < 0) return -1;
    snprintf(fdtext, sizeof(fdtext), "%d", child_fd);
    argv[argc++] = path;
    for (int i = 0; args[i] && argc < 12; i++) argv[argc++] = args[i];
    argv[argc++] = "--ready-fd";
    argv[argc++] = fdtext;
    argv[argc] = NULL;
    if (!(pid = fork()))
    {
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(child_fd);
    close(pipefd[1]);
    while (pid > 0 && got < 6)
    {
        struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 20000) <= 0 || (n = read(pipefd[0], buf + got, sizeof(buf) - got)) <= 0) break;
        got += n;
    }
    close(pipefd[0]);
    if (got >= 6 && !memcmp(buf, "ready\n", 6)) return pid;
    fprintf(stderr, "bench_service: %s did not start\n", path);
    if (pid > 0)
    {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    return -1;
}

static void stop(pid_t pid)
{
    int status;

    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
}

static void use_service(int on)
{
    setenv("VSS_MODE", on ? "service" : "embedded", 1);
    config_reload();
}

/* One snapshot set; *ms is DoSnapshotSet + Wait. */
static HRESULT snapshot(int writers, double *ms)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    HRESULT hr, status = E_FAIL;
    VSS_ID set, snap;
    double start;

    if (FAILED(hr = CreateVssBackupComponents(&backup))) return hr;
    if (FAILED(hr = IVssBackupComponents_InitializeForBackup(backup, NULL))
        || FAILED(hr = IVssBackupComponents_SetContext(backup, writers ? VSS_CTX_APP_ROLLBACK : VSS_CTX_NAS_ROLLBACK)))
        goto done;
    if (writers)
    {
        if (FAILED(hr = IVssBackupComponents_GatherWriterMetadata(backup, &async))) goto done;
        IVssAsync_Wait(async, INFINITE);
        IVssAsync_Release(async);
        if (FAILED(hr = IVssBackupComponents_SetBackupState(backup, false, false, VSS_BT_FULL, false))) goto done;
    }
    if (FAILED(hr = IVssBackupComponents_StartSnapshotSet(backup, &set))
        || FAILED(hr = IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap)))
        goto done;
    if (writers)
    {
        if (FAILED(hr = IVssBackupComponents_PrepareForBackup(backup, &async))) goto done;
        IVssAsync_Wait(async, INFINITE);
        IVssAsync_QueryStatus(async, &status, NULL);
        IVssAsync_Release(async);
        if (status != VSS_S_ASYNC_FINISHED)
        {
            hr = status;
            goto done;
        }
    }
    sync();
    start = bench_now_ms();
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(backup, &async))) goto done;
    hr = IVssAsync_Wait(async, INFINITE);
    if (SUCCEEDED(hr)) hr = IVssAsync_QueryStatus(async, &status, NULL);
    *ms = bench_now_ms() - start;
    IVssAsync_Release(async);
    if (SUCCEEDED(hr) && status != VSS_S_ASYNC_FINISHED) hr = status;
done:
    IVssBackupComponents_Release(backup);
    return hr;
}

static void delete_all(void)
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
            /* only ours: Query lists the snapshots of every volume mounted here */
            if (object.Obj.Snap.m_pwszSnapshotDeviceObject
                && !wcsncmp(object.Obj.Snap.m_pwszSnapshotDeviceObject, volume, wcslen(volume)))
                IVssBackupComponents_DeleteSnapshots(backup, object.Obj.Snap.m_SnapshotId, VSS_OBJECT_SNAPSHOT, TRUE,
                                                     &deleted, &failed);
            VssFreeSnapshotProperties(&object.Obj.Snap);
        }
        IVssEnumObject_Release(enumerator);
    }
    IVssBackupComponents_Release(backup);
}

/* Interleaved runs of both modes; 0, or -1 when a snapshot failed. */
static int measure(int writers, int runs, double *service, double *embedded)
{
    double ignored;
    HRESULT hr;

    for (int i = 0; i < WARMUP + runs; i++)
    {
        for (int k = 0; k < 2; k++)
        {
            int through_service = (i + k) % 2;
            double *slot = i < WARMUP ? &ignored : through_service ? &service[i - WARMUP] : &embedded[i - WARMUP];

            use_service(through_service);
            if (FAILED(hr = snapshot(writers, slot)))
            {
                fprintf(stderr, "bench_service: DoSnapshotSet (%s, %s) failed: %#x\n",
                        through_service ? "service" : "embedded", writers ? "one writer" : "no writers",
                        (unsigned int)hr);
                return -1;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static double service[MAX_RUNS], embedded[MAX_RUNS];
    static const char *const service_args[] = { "--foreground", "--no-idle-exit", NULL };
    static const char *const writer_args[] = { "--name", "Bench Writer", NULL };
    int runs = argc > 3 ? atoi(argv[3]) : 31, status = 1;
    char path[4200];
    pid_t svc = -1, writer = -1;

    if (argc < 3 || argc > 4 || runs < 1 || runs > MAX_RUNS)
    {
        fprintf(stderr, "usage: %s <build dir> <btrfs mount point> [runs, at most %d]\n", argv[0], MAX_RUNS);
        return 2;
    }
    snprintf(build_dir, sizeof(build_dir), "%s", argv[1]);
    mbstowcs(volume, argv[2], 4000);
    wcscat(volume, L"/");
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return 1;

    snprintf(path, sizeof(path), "%s/bin/vsssvc", build_dir);
    if ((svc = start_ready(path, service_args)) < 0)
    {
        bench_skip("DoSnapshotSet through vsssvc", "bin/vsssvc did not start (make programs)");
        goto done;
    }

    if (measure(0, runs, service, embedded)) goto done;
    printf("DoSnapshotSet, btrfs, no writers: service median %.2f ms, embedded %.2f ms\n",
           bench_median(service, runs), bench_median(embedded, runs));
    bench_row("DoSnapshotSet via vsssvc, no writers", bench_median(service, runs), bench_median(embedded, runs),
              "embedded mode", RATIO_LIMIT, "ms");

    snprintf(path, sizeof(path), "%s/tests/bin/test_writer_c", build_dir);
    if ((writer = start_ready(path, writer_args)) < 0)
        bench_skip("DoSnapshotSet via vsssvc, one writer", "tests/bin/test_writer_c missing (make tests)");
    else
    {
        if (measure(1, runs, service, embedded)) goto done;
        printf("DoSnapshotSet, btrfs, one writer: service median %.2f ms, embedded %.2f ms\n",
               bench_median(service, runs), bench_median(embedded, runs));
        bench_row("DoSnapshotSet via vsssvc, one writer", bench_median(service, runs), bench_median(embedded, runs),
                  "embedded mode", RATIO_LIMIT, "ms");
    }
    status = 0;

done:
    use_service(0);
    delete_all();
    stop(writer);
    stop(svc);
    CoUninitialize();
    return status || bench_failures ? 1 : 0;
}
