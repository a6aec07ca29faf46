/*
 * gauntlet.c: the end-state checks and knobs of gauntlet.h.
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
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <wchar.h>
#include <windows.h>
#include <objbase.h>
#include "harness.h"
#include "umbra/debug.h"
#include "catalogue.h"
#include "freeze.h"
#include "snapshot_props.h"
#include "volume.h"
#include "providers/provider.h"
#include "lib/gauntlet.h"

int gauntlet_full(void)
{
    const char *v = getenv("UMBRA_GAUNTLET");
    return v && !strcmp(v, "full");
}

unsigned int gauntlet_soak_cycles(unsigned int smoke)
{
    const char *v = getenv("UMBRA_SOAK_CYCLES");
    long n = v ? strtol(v, NULL, 10) : 0;

    return n > 0 && n <= 1000000 ? (unsigned int)n : smoke;
}

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* Wait up to timeout_ms; 1 and the status when it ended, 0 when it did not. */
static int wait_a_while(pid_t pid, unsigned int timeout_ms, int *status)
{
    unsigned int waited = 0;
    pid_t got;

    for (;;)
    {
        if ((got = waitpid(pid, status, WNOHANG)) == pid) return 1;
        if (got < 0 && errno != EINTR) return 1;
        if (waited >= timeout_ms) return 0;
        sleep_ms(10);
        waited += 10;
    }
}

int gauntlet_wait(pid_t pid, unsigned int timeout_ms)
{
    int status = -1;

    if (wait_a_while(pid, timeout_ms, &status)) return status;
    printf("process %d did not finish in %u ms: killed\n", (int)pid, timeout_ms);
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return -1;
}

int gauntlet_write_probe(const char *dir, unsigned int timeout_ms)
{
    int status, fd;
    pid_t pid;

    if ((pid = fork()) < 0) return -errno;
    if (!pid)
    {
        char path[4096];

        snprintf(path, sizeof(path), "%s/.gauntlet-probe.%d", dir, (int)getpid());
        if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) _exit(2);
        if (write(fd, "probe\n", 6) != 6 || fsync(fd) < 0) _exit(3);
        close(fd);
        unlink(path);
        _exit(0);
    }
    if (wait_a_while(pid, timeout_ms, &status))
        return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
    /* stuck: its file system is frozen.  Thaw it so that neither the probe
     * (which no signal reaches while it waits for the thaw) nor the tests
     * after this one hang on it. */
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
    {
        ioctl(fd, FITHAW, &(int){ 0 });
        close(fd);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return 1;
}

int gauntlet_frozen_mounts(const char *prefix)
{
    char line[8192];
    size_t len = strlen(prefix);
    int frozen = 0;
    FILE *f;

    if (!(f = fopen("/proc/self/mountinfo", "re"))) return 0;
    while (fgets(line, sizeof(line), f))
    {
        char point[4096], options[1024];

        /* id parent major:minor root mount-point options ... */
        if (sscanf(line, "%*s %*s %*s %*s %4095s %1023s", point, options) != 2) continue;
        if (strncmp(point, prefix, len) || strncmp(options, "rw", 2) || (options[2] && options[2] != ',')) continue;
        if (gauntlet_write_probe(point, 5000) == 1)
        {
            printf("%s was frozen\n", point);
            frozen++;
        }
    }
    fclose(f);
    return frozen;
}

/* Where the provider of a volume keeps its snapshots and records (its
 * begin_prepare says, and abort undoes it); malloc'd, NULL if none. */
static char *record_dir_of(const char *root, const struct provider **out)
{
    struct provider_snapshot snap, *list[1] = { &snap };
    struct provider_set set = { { 0 }, list, 1 };
    const struct provider *p;
    struct vss_volume vol;
    char *dir = NULL;

    *out = NULL;
    if (volume_from_path(root, &vol)) return NULL;
    memset(&snap, 0, sizeof(snap));
    snap.volume = &vol;
    if ((p = snap.provider = provider_choose(&vol, NULL)) && !p->begin_prepare(&snap))
    {
        if (snap.record_dir) dir = realpath(snap.record_dir, NULL);
        p->abort(&set);
        *out = p;
    }
    provider_snapshot_clear(&snap);
    volume_free(&vol);
    return dir;
}

static int ours(const struct snapshot_record *rec, const char *const *roots, char *const *dirs, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
        if (!strcmp(rec->original_volume_root, roots[i]) || (dirs[i] && !strcmp(rec->record_dir, dirs[i])))
            return 1;
    return 0;
}

struct scan_ctx
{
    struct snapshot_record **recs;
    size_t count;
    const char *dir;
    unsigned int orphans;
};

static int scan_cb(void *ctx, const char *private_data)
{
    struct scan_ctx *s = ctx;
    size_t i;

    for (i = 0; i < s->count; i++)
        if (!strcmp(s->recs[i]->record_dir, s->dir) && !strcmp(s->recs[i]->provider_data, private_data)) return 0;
    printf("snapshot without a record in %s: %s\n", s->dir, private_data);
    s->orphans++;
    return 0;
}

static int readable(const char *root)
{
    struct dirent *de;
    DIR *d = opendir(root);
    int entries = 0;

    if (!d) return 0;
    while ((de = readdir(d))) entries++;
    closedir(d);
    return entries >= 2;
}

int gauntlet_end_state(const char *label, const char *const *roots, unsigned int count,
                       struct gauntlet_state *out)
{
    struct catalogue_filter filter = { NULL, NULL, NULL, CATALOGUE_CTX_ALL, 1 };
    struct gauntlet_state st;
    struct snapshot_record **recs = NULL;
    const struct provider *providers[16] = { 0 };
    char *dirs[16] = { 0 };
    struct catalogue *cat;
    size_t nrecs = 0, i;
    unsigned int v;

    memset(&st, 0, sizeof(st));
    if (count > 16) return -1;
    /* what a requester's start does: thaw what the dead left frozen, reconcile */
    freeze_recover();
    st.frozen = gauntlet_frozen_mounts(umbra_test_tmpdir());
    for (v = 0; v < count; v++) dirs[v] = record_dir_of(roots[v], &providers[v]);
    if (!snapshot_catalogue_open(1, &cat))
    {
        if (!catalogue_query(cat, &filter, &recs, &nrecs))
        {
            for (i = 0; i < nrecs; i++)
            {
                const struct snapshot_record *rec = recs[i];
                const struct provider *p = provider_by_id(&rec->provider_id);

                if (!ours(rec, roots, dirs, count)) continue;
                if (rec->state != RECORD_CREATED)
                {
                    printf("%s: record %s left %s\n", label, debugstr_guid(&rec->snapshot_id),
                           rec->state == RECORD_CREATING ? "creating" : "deleting");
                    st.in_progress++;
                    continue;
                }
                st.records++;
                if (!p || !p->exists || p->exists(rec->record_dir, rec->provider_data) != 1)
                {
                    printf("%s: record %s names no snapshot (%s)\n", label, debugstr_guid(&rec->snapshot_id),
                           rec->provider_data);
                    st.dangling++;
                }
                else if (!readable(rec->snapshot_device))
                {
                    printf("%s: snapshot %s cannot be read at %s\n", label, debugstr_guid(&rec->snapshot_id),
                           rec->snapshot_device);
                    st.unreadable++;
                }
            }
        }
        catalogue_close(cat);
    }
    for (v = 0; v < count; v++)
    {
        struct scan_ctx s = { recs, nrecs, dirs[v], 0 };

        if (dirs[v] && providers[v]->scan)
        {
            providers[v]->scan(dirs[v], scan_cb, &s);
            st.orphans += s.orphans;
        }
        free(dirs[v]);
    }
    catalogue_records_free(recs, nrecs);
    if (out) *out = st;
    if (st.frozen || st.in_progress || st.dangling || st.unreadable || st.orphans)
    {
        printf("%s: end state: %d frozen, %u in progress, %u dangling, %u unreadable, %u orphans\n", label,
               st.frozen, st.in_progress, st.dangling, st.unreadable, st.orphans);
        return -1;
    }
    return 0;
}

long gauntlet_rss(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "re");

    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * sysconf(_SC_PAGESIZE);
}

int gauntlet_fd_count(void)
{
    struct dirent *de;
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (!d) return -1;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') n++;
    closedir(d);
    return n - 1;   /* the directory's own */
}

/* --- the requester side ------------------------------------------------------------ */

IVssBackupComponents *gauntlet_requester(LONG context)
{
    IVssBackupComponents *backup = NULL;

    if (FAILED(CreateVssBackupComponents(&backup))) return NULL;
    if (FAILED(IVssBackupComponents_InitializeForBackup(backup, NULL))
        || FAILED(IVssBackupComponents_SetContext(backup, context)))
    {
        IVssBackupComponents_Release(backup);
        return NULL;
    }
    return backup;
}

HRESULT gauntlet_wait_async(IVssAsync *async)
{
    HRESULT hr, status = E_FAIL;

    if (!async) return E_POINTER;
    if (SUCCEEDED(hr = IVssAsync_Wait(async, INFINITE))) hr = IVssAsync_QueryStatus(async, &status, NULL);
    IVssAsync_Release(async);
    return FAILED(hr) ? hr : status;
}

HRESULT gauntlet_snapshot_set(LONG context, const char *const *roots, unsigned int count, VSS_ID *set,
                              IVssBackupComponents **keep)
{
    IVssBackupComponents *backup;
    IVssAsync *async = NULL;
    HRESULT hr;
    VSS_ID snap;
    unsigned int i;

    if (keep) *keep = NULL;
    if (!(backup = gauntlet_requester(context))) return E_UNEXPECTED;
    if (!(context & VSS_VOLSNAP_ATTR_NO_WRITERS))
    {
        if (FAILED(hr = IVssBackupComponents_GatherWriterMetadata(backup, &async))
            || (hr = gauntlet_wait_async(async)) != VSS_S_ASYNC_FINISHED)
            goto done;
        if (FAILED(hr = IVssBackupComponents_SetBackupState(backup, FALSE, FALSE, VSS_BT_FULL, FALSE))) goto done;
    }
    if (FAILED(hr = IVssBackupComponents_StartSnapshotSet(backup, set))) goto done;
    for (i = 0; i < count; i++)
    {
        WCHAR name[4096];

        mbstowcs(name, roots[i], 4000);
        wcscat(name, L"/");
        if (FAILED(hr = IVssBackupComponents_AddToSnapshotSet(backup, name, GUID_NULL, &snap))) goto done;
    }
    if (!(context & VSS_VOLSNAP_ATTR_NO_WRITERS)
        && (FAILED(hr = IVssBackupComponents_PrepareForBackup(backup, &async))
            || (hr = gauntlet_wait_async(async)) != VSS_S_ASYNC_FINISHED))
        goto done;
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(backup, &async))) goto done;
    hr = gauntlet_wait_async(async);
    if (hr == VSS_S_ASYNC_FINISHED) hr = S_OK;
done:
    if (keep && hr == S_OK) *keep = backup;
    else IVssBackupComponents_Release(backup);
    return hr;
}

unsigned int gauntlet_delete_all(void)
{
    IVssBackupComponents *backup = gauntlet_requester(VSS_CTX_ALL);
    IVssEnumObject *objects = NULL;
    VSS_OBJECT_PROP prop;
    unsigned int deleted = 0;
    ULONG fetched;
    LONG n;
    VSS_ID failed;

    if (!backup) return 0;
    if (SUCCEEDED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &objects)))
    {
        while (IVssEnumObject_Next(objects, 1, &prop, &fetched) == S_OK && fetched)
        {
            char device[4096] = "";

            /* the catalogue's index may know other tests' volumes: only ours */
            if (prop.Obj.Snap.m_pwszSnapshotDeviceObject)
                wcstombs(device, prop.Obj.Snap.m_pwszSnapshotDeviceObject, sizeof(device) - 1);
            if (!strncmp(device, umbra_test_tmpdir(), strlen(umbra_test_tmpdir()))
                && SUCCEEDED(IVssBackupComponents_DeleteSnapshots(backup, prop.Obj.Snap.m_SnapshotId,
                                                                  VSS_OBJECT_SNAPSHOT, TRUE, &n, &failed)))
                deleted++;
            VssFreeSnapshotProperties(&prop.Obj.Snap);
        }
        IVssEnumObject_Release(objects);
    }
    IVssBackupComponents_Release(backup);
    return deleted;
}
