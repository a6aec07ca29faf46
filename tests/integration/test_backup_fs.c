/*
 * test_backup_fs.c: DoSnapshotSet on real file systems made on loop devices
 * (tests/lib/fsfixture.h; needs root): a btrfs volume (btrfs provider) and an
 * xfs volume whose image lives on btrfs (block-image provider).
 *
 * A writer in this process appends numbered records to a file on the volume
 * without pause; at Freeze it stops, flushes and notes the file's size, at
 * Thaw it goes on (VSS-FACTS.md §1.3 c, i).  The snapshot read back through
 * m_pwszSnapshotDeviceObject must hold exactly the records written before
 * Freeze, whole and in order, and must be read-only; the volume meanwhile
 * kept growing.  Then the same volume gets a persistent snapshot that a
 * revert brings the volume back to (R29).
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/stat.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vswriter_c.h>
#include <vsbackup.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "lib/fsfixture.h"
#include "lib/snapshots.h"

#define RECORD_SIZE 32

static const GUID writer_class = { 0x5eed0001, 0x4a4a, 0x4b4b, { 0x8c, 0x8c, 0, 0, 0, 0, 0, 0x42 } };

/* The writer: a thread appending records, paused between Freeze and Thaw. */
struct data_writer
{
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    int fd;
    int stop, pause_asked, paused;
    unsigned long long records;        /* written so far */
    long long size_at_freeze;          /* -1 until Freeze */
    unsigned int freezes, thaws;
};

static void *writer_thread(void *arg)
{
    struct data_writer *w = arg;
    char record[RECORD_SIZE + 1];

    pthread_mutex_lock(&w->lock);
    while (!w->stop)
    {
        if (w->pause_asked)
        {
            w->paused = 1;
            pthread_cond_broadcast(&w->cond);
            pthread_cond_wait(&w->cond, &w->lock);
            continue;
        }
        w->paused = 0;
        snprintf(record, sizeof(record), "record %023llu\n", w->records);
        pthread_mutex_unlock(&w->lock);
        if (write(w->fd, record, RECORD_SIZE) != RECORD_SIZE) abort();
        pthread_mutex_lock(&w->lock);
        w->records++;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static bool on_identify(void *ctx, IVssCreateWriterMetadata *metadata)
{
    (void)ctx;
    IVssCreateWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"Records", L"appended records",
                                          NULL, 0, false, true, true, true, 0);
    return true;
}

static bool on_prepare_snapshot(void *ctx)
{
    (void)ctx;
    return true;
}

static bool on_freeze(void *ctx)
{
    struct data_writer *w = ctx;
    struct stat st;

    pthread_mutex_lock(&w->lock);
    w->pause_asked = 1;
    while (!w->paused && !w->stop) pthread_cond_wait(&w->cond, &w->lock);
    fsync(w->fd);
    w->size_at_freeze = fstat(w->fd, &st) ? -1 : st.st_size;
    w->freezes++;
    pthread_mutex_unlock(&w->lock);
    return true;
}

static bool on_thaw(void *ctx)
{
    struct data_writer *w = ctx;

    pthread_mutex_lock(&w->lock);
    w->pause_asked = 0;
    w->thaws++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return true;
}

static bool on_abort(void *ctx)
{
    return on_thaw(ctx);
}

static const UMBRA_WRITER_CALLBACKS callbacks =
{
    sizeof(UMBRA_WRITER_CALLBACKS),
    on_identify,
    NULL,
    on_prepare_snapshot,
    on_freeze,
    on_thaw,
    on_abort,
    NULL, NULL, NULL, NULL, NULL,   /* BackupComplete ... PostSnapshot: the defaults */
    NULL, NULL, NULL, NULL, NULL,   /* I/O throttling, service events, OnIdentifyEx */
};

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    ok_hr(IVssAsync_Wait(async, INFINITE), S_OK);
    ok_hr(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
    IVssAsync_Release(async);
    return status;
}

static int check_records(const char *path, long long expected_size)
{
    char record[RECORD_SIZE + 1], want[RECORD_SIZE + 1];
    unsigned long long n = 0;
    struct stat st;
    FILE *f;
    int good = 1;

    if (stat(path, &st) || st.st_size != expected_size)
    {
        printf("%s: size %lld, expected %lld\n", path, (long long)st.st_size, expected_size);
        return 0;
    }
    if (!(f = fopen(path, "r"))) return 0;
    while (fread(record, 1, RECORD_SIZE, f) == RECORD_SIZE)
    {
        snprintf(want, sizeof(want), "record %023llu\n", n++);
        if (memcmp(record, want, RECORD_SIZE)) good = 0;
    }
    fclose(f);
    return good && (long long)n * RECORD_SIZE == expected_size;
}

/* The whole flow on one mounted volume. */
static void backup_volume(const char *mnt, const char *expected_provider)
{
    struct data_writer w;
    IVssWriterImpl *impl = NULL;
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID set, snap, instance = GUID_NULL;
    WCHAR volume[4096];
    char path[4096], device[4096], snap_file[8300], provider_name[256] = "";
    struct stat st;
    UINT count = 0, i;
    int fd;

    memset(&w, 0, sizeof(w));
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    w.size_at_freeze = -1;
    snprintf(path, sizeof(path), "%s/records.log", mnt);
    w.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
    CU_ASSERT_FATAL(w.fd >= 0);
    CU_ASSERT_FATAL(!pthread_create(&w.thread, NULL, writer_thread, &w));

    ok_hr(UmbraCreateWriter(&callbacks, &w, &impl), S_OK);
    CU_ASSERT_FATAL(impl != NULL);
    ok_hr(IVssWriterImpl_Initialize(impl, writer_class, L"Record Writer", NULL, 1, 0, VSS_UT_USERDATA,
                                    VSS_ST_OTHER, VSS_APP_FRONT_END, 60000, VSS_AWS_NO_ALTERNATE_WRITER, false),
          S_OK);
    ok_hr(IVssWriterImpl_Subscribe(impl, 0, VSS_SM_BACKUP_EVENTS_FLAG), S_OK);

    mbstowcs(volume, mnt, 4000);
    wcscat(volume, L"/");
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_GetWriterMetadataCount(backup, &count), S_OK);
    for (i = 0; i < count; i++)
    {
        IVssExamineWriterMetadata *metadata;
        VSS_USAGE_TYPE usage;
        VSS_SOURCE_TYPE source;
        VSS_ID inst, writer;
        BSTR name;

        if (FAILED(IVssBackupComponents_GetWriterMetadata(backup, i, &inst, &metadata))) continue;
        if (SUCCEEDED(IVssExamineWriterMetadata_GetIdentity(metadata, &inst, &writer, &name, &usage, &source)))
        {
            if (IsEqualGUID(&writer, &writer_class)) instance = inst;
            SysFreeString(name);
        }
        IVssExamineWriterMetadata_Release(metadata);
    }
    CU_ASSERT(!IsEqualGUID(&instance, &GUID_NULL));
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance, writer_class, VSS_CT_FILEGROUP, NULL, L"Records"),
          S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(w.freezes, 1);
    CU_ASSERT_EQUAL(w.thaws, 1);
    CU_ASSERT(w.size_at_freeze > 0);

    /* the snapshot holds exactly what the writer had at Freeze */
    memset(&prop, 0, sizeof(prop));
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), S_OK);
    if (prop.m_pwszSnapshotDeviceObject)
    {
        IVssEnumObject *providers = NULL;
        VSS_OBJECT_PROP object;
        ULONG fetched;

        wcstombs(device, prop.m_pwszSnapshotDeviceObject, sizeof(device));
        snprintf(snap_file, sizeof(snap_file), "%s/records.log", device);
        CU_ASSERT(check_records(snap_file, w.size_at_freeze));
        /* read-only, even for root */
        fd = open(snap_file, O_WRONLY | O_APPEND);
        CU_ASSERT(fd < 0);
        if (fd >= 0) close(fd);
        snprintf(snap_file, sizeof(snap_file), "%s/new-file", device);
        fd = open(snap_file, O_WRONLY | O_CREAT, 0644);
        CU_ASSERT(fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM));
        if (fd >= 0) close(fd);

        ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &providers), S_OK);
        while (providers && IVssEnumObject_Next(providers, 1, &object, &fetched) == S_OK)
        {
            if (IsEqualGUID(&object.Obj.Prov.m_ProviderId, &prop.m_ProviderId))
                wcstombs(provider_name, object.Obj.Prov.m_pwszProviderName, sizeof(provider_name));
            CoTaskMemFree(object.Obj.Prov.m_pwszProviderName);
            CoTaskMemFree(object.Obj.Prov.m_pwszProviderVersion);
        }
        if (providers) IVssEnumObject_Release(providers);
        if (!strcasestr(provider_name, expected_provider))
            printf("%s was snapshotted by \"%s\", expected %s\n", mnt, provider_name, expected_provider);
        CU_ASSERT(strcasestr(provider_name, expected_provider) != NULL);
    }
    VssFreeSnapshotProperties(&prop);

    /* the volume went on growing */
    usleep(20000);
    CU_ASSERT(!stat(path, &st) && st.st_size > w.size_at_freeze);

    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    IVssBackupComponents_Release(backup);   /* the auto-release snapshot goes (R32) */
    CU_ASSERT(access(device, F_OK) < 0);

    pthread_mutex_lock(&w.lock);
    w.stop = 1;
    pthread_cond_broadcast(&w.cond);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL);
    close(w.fd);
    IVssWriterImpl_Unsubscribe(impl);
    IVssWriterImpl_Uninitialize(impl);
    IVssWriterImpl_Release(impl);
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.lock);
}

/* R29 on a real file system: the volume returns to the snapshot. */
static void revert_volume(const char *mnt)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    VSS_SNAPSHOT_PROP prop;
    VSS_ID set, snap;
    WCHAR volume[4096];
    char path[4096], text[64] = "";
    FILE *f;

    snprintf(path, sizeof(path), "%s/revert.txt", mnt);
    f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("before\n", f);
    fclose(f);

    mbstowcs(volume, mnt, 4000);
    wcscat(volume, L"/");
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_NAS_ROLLBACK), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    IVssBackupComponents_Release(backup);

    f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("after\n", f);
    fclose(f);

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL), S_OK);
    ok_hr(IVssBackupComponents_RevertToSnapshot(backup, snap, TRUE), S_OK);
    /* Windows consumes the snapshot */
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, snap, &prop), VSS_E_OBJECT_NOT_FOUND);
    IVssBackupComponents_Release(backup);

    if ((f = fopen(path, "r")))
    {
        if (!fgets(text, sizeof(text), f)) text[0] = 0;
        fclose(f);
    }
    CU_ASSERT_STRING_EQUAL(text, "before\n");
}

static void test_btrfs(void)
{
    struct fsfixture *fx;

    if (!fsfixture_tools_available("btrfs"))
    {
        CU_FAIL("mkfs.btrfs or losetup missing (tools/install-deps)");
        return;
    }
    fx = fsfixture_create("btrfs", 256, NULL, NULL);
    CU_ASSERT_FATAL(fx != NULL);
    backup_volume(fx->mnt, "btrfs");
    revert_volume(fx->mnt);
    fsfixture_destroy(fx);
}

static void test_xfs_image_on_btrfs(void)
{
    struct fsfixture *fx;

    if (!fsfixture_tools_available("btrfs") || !fsfixture_tools_available("xfs"))
    {
        CU_FAIL("mkfs.btrfs, mkfs.xfs or losetup missing (tools/install-deps)");
        return;
    }
    fx = fsfixture_create_nested("btrfs", 768, "xfs", 320);
    CU_ASSERT_FATAL(fx != NULL);
    backup_volume(fx->mnt, "image");
    fsfixture_destroy(fx);
}

/* Issue 5: a snapshot that does not fit fails cleanly with
 * VSS_E_INSUFFICIENT_STORAGE: no snapshot, no record, nothing frozen. */
static void test_enospc(void)
{
    IVssBackupComponents *backup = NULL;
    IVssEnumObject *enumerator = NULL;
    IVssAsync *async = NULL;
    VSS_OBJECT_PROP object;
    struct fsfixture *fx;
    struct dirent *entry;
    WCHAR volume[4096];
    char path[4096], block[65536];
    VSS_ID set, snap;
    ULONG fetched;
    int fd, i, leftovers = 0, listed = 0;
    DIR *dir;

    if (!fsfixture_tools_available("ext4"))
    {
        CU_FAIL("mkfs.ext4 or losetup missing (tools/install-deps)");
        return;
    }
    fx = fsfixture_create("ext4", 64, NULL, NULL);
    CU_ASSERT_FATAL(fx != NULL);
    /* a file bigger than the space left: a copy of it cannot fit */
    snprintf(path, sizeof(path), "%s/big", fx->mnt);
    fd = open(path, O_WRONLY | O_CREAT, 0644);
    CU_ASSERT_FATAL(fd >= 0);
    memset(block, 'x', sizeof(block));
    for (i = 0; i < 40 * 16; i++) if (write(fd, block, sizeof(block)) != sizeof(block)) break;
    close(fd);

    mbstowcs(volume, fx->mnt, 4000);
    wcscat(volume, L"/");
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_NAS_ROLLBACK), S_OK);
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_E_INSUFFICIENT_STORAGE);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(fx->mnt), 0);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    /* nothing left: no snapshot listed, nothing in the snapshot store */
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL), S_OK);
    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
    {
        if (IsEqualGUID(&object.Obj.Snap.m_SnapshotId, &snap)) listed++;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);
    IVssBackupComponents_Release(backup);
    CU_ASSERT_EQUAL(listed, 0);
    snprintf(path, sizeof(path), "%s/.snapshots", fx->mnt);
    if ((dir = opendir(path)))
    {
        while ((entry = readdir(dir)))
            if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..") && strcmp(entry->d_name, ".lock"))
            {
                printf("left in the snapshot store: %s\n", entry->d_name);
                leftovers++;
            }
        closedir(dir);
    }
    CU_ASSERT_EQUAL(leftovers, 0);
    fsfixture_destroy(fx);
}

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
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    snapshots_delete_all();
    CoUninitialize();
    return 0;
}

static CU_TestInfo fs_tests[] =
{
    { "btrfs: writer-consistent point in time, read-only, revert", test_btrfs },
    { "xfs image on btrfs: block-image snapshot", test_xfs_image_on_btrfs },
    { "out of space: VSS_E_INSUFFICIENT_STORAGE, nothing left", test_enospc },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(backup_fs, suite_init, suite_cleanup, fs_tests);
