/*
 * bench_query.c: what IVssBackupComponents::Query costs per snapshot with 10
 * persistent snapshots and with 1,000 (issue 5: the cost per snapshot stays
 * flat, ratio <= 1.5), and, for scale, Query of the 1,000 against reading
 * their 1,000 record files and nothing else.
 *
 * The snapshots are made through the API (VSS_CTX_NAS_ROLLBACK: persistent,
 * no writers) on two directory volumes (the directory provider: no root
 * needed), two snapshots a set, so no volume passes Windows' 512 per volume.
 * A Query is the call, every VSS_OBJECT_PROP fetched with Next and freed, and
 * the enumerator released; the figure is the median of RUNS queries.
 * tools/bench/query builds and runs it in a directory it removes after.
 *
 *   bench_query <work dir>
 */
#define UMBRA_NATIVE_CRT
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "bench_table.h"

#define RUNS 15
#define VOLUMES 2
#define SMALL 10
#define LARGE 1000

static WCHAR volumes[VOLUMES][4096];
static char roots[VOLUMES][4096];

static HRESULT make_set(void)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    HRESULT hr, status = E_FAIL;
    VSS_ID set, snap;
    int i;

    if (FAILED(hr = CreateVssBackupComponents(&backup))) return hr;
    if (FAILED(hr = IVssBackupComponents_InitializeForBackup(backup, NULL))
        || FAILED(hr = IVssBackupComponents_SetContext(backup, VSS_CTX_NAS_ROLLBACK))
        || FAILED(hr = IVssBackupComponents_StartSnapshotSet(backup, &set)))
        goto done;
    for (i = 0; i < VOLUMES; i++)
        if (FAILED(hr = IVssBackupComponents_AddToSnapshotSet(backup, volumes[i], GUID_NULL, &snap))) goto done;
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(backup, &async))) goto done;
    if (SUCCEEDED(hr = IVssAsync_Wait(async, INFINITE))) hr = IVssAsync_QueryStatus(async, &status, NULL);
    IVssAsync_Release(async);
    if (SUCCEEDED(hr) && status != VSS_S_ASYNC_FINISHED) hr = status;
done:
    IVssBackupComponents_Release(backup);
    return hr;
}

/* Every snapshot goes at the end (the directory provider bind-mounts each
 * one read-only when run as root). */
static void delete_all(void)
{
    IVssBackupComponents *backup = NULL;
    IVssEnumObject *objects = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    LONG deleted;
    VSS_ID failed;

    if (FAILED(CreateVssBackupComponents(&backup))) return;
    if (SUCCEEDED(IVssBackupComponents_InitializeForBackup(backup, NULL))
        && SUCCEEDED(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL))
        && SUCCEEDED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &objects)))
    {
        while (IVssEnumObject_Next(objects, 1, &prop, &fetched) == S_OK && fetched)
        {
            IVssBackupComponents_DeleteSnapshots(backup, prop.Obj.Snap.m_SnapshotId, VSS_OBJECT_SNAPSHOT, TRUE,
                                                 &deleted, &failed);
            VssFreeSnapshotProperties(&prop.Obj.Snap);
        }
        IVssEnumObject_Release(objects);
    }
    IVssBackupComponents_Release(backup);
}

/* One Query of every snapshot: its time, and how many it returned. */
static HRESULT query_all(double *ms, unsigned int *count)
{
    IVssBackupComponents *backup = NULL;
    IVssEnumObject *objects = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    double start;
    HRESULT hr;

    *count = 0;
    if (FAILED(hr = CreateVssBackupComponents(&backup))) return hr;
    if (SUCCEEDED(hr = IVssBackupComponents_InitializeForBackup(backup, NULL))
        && SUCCEEDED(hr = IVssBackupComponents_SetContext(backup, VSS_CTX_ALL)))
    {
        start = bench_now_ms();
        hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &objects);
        while (SUCCEEDED(hr) && IVssEnumObject_Next(objects, 1, &prop, &fetched) == S_OK && fetched)
        {
            VssFreeSnapshotProperties(&prop.Obj.Snap);
            (*count)++;
        }
        if (objects) IVssEnumObject_Release(objects);
        *ms = bench_now_ms() - start;
    }
    IVssBackupComponents_Release(backup);
    return hr;
}

/* The floor for scale: open, read and close every record file. */
static double read_records(unsigned int *count)
{
    char path[8192], buf[65536];
    double start = bench_now_ms();
    struct dirent *de;
    int i, fd;
    DIR *d;

    *count = 0;
    for (i = 0; i < VOLUMES; i++)
    {
        snprintf(path, sizeof(path), "%s/.snapshots", roots[i]);
        if (!(d = opendir(path))) continue;
        while ((de = readdir(d)))
        {
            if (strncmp(de->d_name, "vss-", 4)) continue;
            snprintf(path, sizeof(path), "%s/.snapshots/%s", roots[i], de->d_name);
            if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) continue;
            if (read(fd, buf, sizeof(buf)) > 0) (*count)++;
            close(fd);
        }
        closedir(d);
    }
    return bench_now_ms() - start;
}

/* Snapshots of other volumes of the machine count too (the catalogue lists
 * every volume's): the cost is divided by what Query returned. */
static int measure(unsigned int want, double *per_snapshot, double *total, unsigned int *found)
{
    double times[RUNS];
    unsigned int count;
    int i;

    for (i = -2; i < RUNS; i++)
    {
        double ms = 0;
        if (FAILED(query_all(&ms, &count)) || count < want)
        {
            fprintf(stderr, "bench_query: Query found %u snapshots, not %u\n", count, want);
            return -1;
        }
        if (i >= 0) times[i] = ms;
    }
    *total = bench_median(times, RUNS);
    *per_snapshot = *total / count;
    *found = count;
    return 0;
}

int main(int argc, char **argv)
{
    double per_small, per_large, total_small, total_large, raw[RUNS];
    unsigned int made = 0, count = 0, found_small, found_large;
    HRESULT hr = S_OK;
    int i;

    if (argc != 2)
    {
        fprintf(stderr, "usage: %s <work dir>\n", argv[0]);
        return 2;
    }
    for (i = 0; i < VOLUMES; i++)
    {
        snprintf(roots[i], sizeof(roots[i]), "%s/volume%d", argv[1], i);
        if (mkdir(roots[i], 0755) < 0 && errno != EEXIST) return 1;
        mbstowcs(volumes[i], roots[i], 4000);
        wcscat(volumes[i], L"/");
    }
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return 1;

    while (made < SMALL)
    {
        if (FAILED(hr = make_set())) goto failed;
        made += VOLUMES;
    }
    if (measure(SMALL, &per_small, &total_small, &found_small)) goto failed;
    while (made < LARGE)
    {
        if (FAILED(hr = make_set())) goto failed;
        made += VOLUMES;
    }
    if (measure(LARGE, &per_large, &total_large, &found_large)) goto failed;
    for (i = 0; i < RUNS; i++) raw[i] = read_records(&count);

    printf("Query: %.3f ms for %u snapshots, %.3f ms for %u; reading our %u record files: %.3f ms\n", total_small,
           found_small, total_large, found_large, count, bench_median(raw, RUNS));
    bench_row("Query per snapshot, 1,000 vs 10 snapshots", per_large * 1000, per_small * 1000, "the same, 10 snapshots",
              1.5, "us");
    bench_row("  Query of 1,000 snapshots", total_large, bench_median(raw, RUNS), "reading their records", 0, "ms");
    delete_all();
    CoUninitialize();
    return bench_failures ? 1 : 0;

failed:
    if (FAILED(hr)) fprintf(stderr, "bench_query: making snapshot set %u failed: %#x\n", made / VOLUMES + 1, (unsigned int)hr);
    delete_all();
    CoUninitialize();
    return 1;
}
