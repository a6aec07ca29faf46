/*
 * bench_dosnapshotset.c: DoSnapshotSet end to end on one btrfs volume with no
 * writers (VSS_CTX_NAS_ROLLBACK: persistent, so the catalogue records are
 * written durably), from the call to the end of IVssAsync::Wait, against
 * the bare BTRFS_IOC_SNAP_CREATE_V2 of the same subvolume in the same run
 * (issue 5: ratio <= 3).
 *
 * The two are interleaved, alternating which goes first, each after a sync()
 * so that both start from a clean file system; snapshots are deleted only
 * after every run, since a deletion sets the btrfs cleaner to work that the
 * next run would measure.  Medians of RUNS runs after WARMUP runs.
 * tools/bench/dosnapshotset builds this program and runs it on a btrfs file
 * system it makes; it is not a test.
 *
 *   bench_dosnapshotset <btrfs mount point> [runs]
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/btrfs.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "bench_table.h"

#define WARMUP 3
#define MAX_RUNS 200

static char root[4096];
static WCHAR volume[4096];

/* One DoSnapshotSet; *ms is the time of DoSnapshotSet + Wait. */
static HRESULT api_snapshot(double *ms, VSS_ID *set)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    HRESULT hr, status = E_FAIL;
    VSS_ID snap;
    double start;

    if (FAILED(hr = CreateVssBackupComponents(&backup))) return hr;
    if (FAILED(hr = IVssBackupComponents_InitializeForBackup(backup, NULL))
        || FAILED(hr = IVssBackupComponents_SetContext(backup, VSS_CTX_NAS_ROLLBACK))
        || FAILED(hr = IVssBackupComponents_StartSnapshotSet(backup, set))
        || FAILED(hr = IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap)))
        goto done;
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

static int raw_snapshot(int n, double *ms)
{
    struct btrfs_ioctl_vol_args_v2 args;
    char dir[4200];
    int src, dst, ret = 0;
    double start;

    snprintf(dir, sizeof(dir), "%s/.snapshots", root);
    if ((src = open(root, O_RDONLY | O_DIRECTORY)) < 0) return -errno;
    if ((dst = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
    {
        close(src);
        return -errno;
    }
    memset(&args, 0, sizeof(args));
    args.fd = src;
    args.flags = BTRFS_SUBVOL_RDONLY;
    snprintf(args.name, sizeof(args.name), "raw-bench-%d", n);
    sync();
    start = bench_now_ms();
    if (ioctl(dst, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0) ret = -errno;
    *ms = bench_now_ms() - start;
    close(src);
    close(dst);
    return ret;
}

static void raw_delete(int n)
{
    struct btrfs_ioctl_vol_args args;
    char dir[4200];
    int fd;

    snprintf(dir, sizeof(dir), "%s/.snapshots", root);
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0) return;
    memset(&args, 0, sizeof(args));
    snprintf(args.name, sizeof(args.name), "raw-bench-%d", n);
    ioctl(fd, BTRFS_IOC_SNAP_DESTROY, &args);
    close(fd);
}

static void api_delete(const VSS_ID *set)
{
    IVssBackupComponents *backup = NULL;
    LONG deleted;
    VSS_ID failed;

    if (FAILED(CreateVssBackupComponents(&backup))) return;
    if (SUCCEEDED(IVssBackupComponents_InitializeForBackup(backup, NULL))
        && SUCCEEDED(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL)))
        IVssBackupComponents_DeleteSnapshots(backup, *set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed);
    IVssBackupComponents_Release(backup);
}

int main(int argc, char **argv)
{
    static double ours[MAX_RUNS], floor[MAX_RUNS];
    static VSS_ID sets[MAX_RUNS + WARMUP];
    int runs = argc > 2 ? atoi(argv[2]) : 31, made = 0, raw_made = 0, i, status = 1;
    double ignored;
    HRESULT hr;

    if (argc < 2 || argc > 3 || runs < 1 || runs > MAX_RUNS || strlen(argv[1]) >= sizeof(root) - 16)
    {
        fprintf(stderr, "usage: %s <btrfs mount point> [runs, at most %d]\n", argv[0], MAX_RUNS);
        return 2;
    }
    snprintf(root, sizeof(root), "%s", argv[1]);
    mbstowcs(volume, root, 4000);
    wcscat(volume, L"/");
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return 1;

    for (i = 0; i < WARMUP; i++)
    {
        if (FAILED(hr = api_snapshot(&ignored, &sets[made])))
        {
            fprintf(stderr, "bench_dosnapshotset: DoSnapshotSet failed: %#x\n", (unsigned int)hr);
            goto done;
        }
        made++;
    }
    for (i = 0; i < runs; i++)
    {
        int ret = 0;

        /* alternate which goes first, so neither always meets the other's leftovers */
        if (i % 2 && (ret = raw_snapshot(raw_made++, &floor[i]))) break;
        if (FAILED(hr = api_snapshot(&ours[i], &sets[made])))
        {
            fprintf(stderr, "bench_dosnapshotset: DoSnapshotSet failed: %#x\n", (unsigned int)hr);
            goto done;
        }
        made++;
        if (!(i % 2) && (ret = raw_snapshot(raw_made++, &floor[i]))) break;
        if (ret) break;
    }
    if (i < runs)
    {
        fprintf(stderr, "bench_dosnapshotset: the snapshot ioctl failed\n");
        goto done;
    }
    printf("DoSnapshotSet, one btrfs volume, no writers: fastest %.2f ms; bare ioctl fastest %.2f ms\n",
           (qsort(ours, runs, sizeof(double), bench_compare), ours[0]),
           (qsort(floor, runs, sizeof(double), bench_compare), floor[0]));
    bench_row("DoSnapshotSet, btrfs, no writers", bench_median(ours, runs), bench_median(floor, runs),
              "snapshot ioctl", 3.0, "ms");
    status = 0;
done:
    for (i = 0; i < made; i++) api_delete(&sets[i]);
    for (i = 0; i < raw_made; i++) raw_delete(i);
    CoUninitialize();
    return status || bench_failures ? 1 : 0;
}
