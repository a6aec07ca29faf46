/*
 * test_backup_failures.c: what a failure in the middle of a snapshot set
 * operation leaves, on real file systems made on loop devices
 * (tests/lib/fsfixture.h; needs root): an xfs file system whose image lives
 * on a btrfs one (block-image provider: FIFREEZE during the hold window) and
 * that btrfs volume itself (btrfs provider).
 *
 *  - A requester killed with SIGKILL inside the flush-and-hold window of
 *    DoSnapshotSet (VSS-FACTS.md §1.3 e-g; issue 5): the window is held open
 *    with the test-only pause of testhook.h (point "hold").  Afterwards, once
 *    the next requester started (freeze_recover, catalogue reconciliation,
 *    DESIGN.md §5-6): no file system is frozen, no snapshot of the killed set
 *    is left anywhere, the persistent snapshots made before are intact, and
 *    the catalogue lists exactly what is on disk.
 *  - DeleteSnapshots of a set is sequential and stops at the first snapshot
 *    it cannot delete, naming it in pNondeletedSnapshotID (§2.3 row 39): one
 *    snapshot is made undeletable by an append-only attribute on its store.
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "dlls/vssapi/testhook.h"
#include "lib/fsfixture.h"
#include "lib/snapshots.h"

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

static struct fsfixture *xfs;       /* on an image inside btrfs_mnt */
static const char *btrfs_mnt;       /* xfs->outer->mnt */

static const char *vol_file(const char *dir, const char *name)
{
    static char paths[4][PATH_MAX * 2];
    static int next;
    char *p = paths[next++ % 4];

    snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
    return p;
}

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    ok_hr(IVssAsync_Wait(async, INFINITE), S_OK);
    ok_hr(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
    IVssAsync_Release(async);
    return status;
}

/* One byte from fd; 0 when nothing came in a minute (a guard against a
 * hung child, not a timing check) or the other end hung up. */
static int read_byte(int fd, char *byte)
{
    struct pollfd pfd = { fd, POLLIN, 0 };

    if (poll(&pfd, 1, 60000) != 1) return 0;
    return read(fd, byte, 1) == 1;
}

static IVssBackupComponents *backup_in(LONG context)
{
    IVssBackupComponents *backup = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    if (context != VSS_CTX_BACKUP) ok_hr(IVssBackupComponents_SetContext(backup, context), S_OK);
    return backup;
}

/* StartSnapshotSet and AddToSnapshotSet for the paths; the snapshot ids. */
static void start_set(IVssBackupComponents *backup, const char *const *paths, unsigned int count, VSS_ID *set,
                      VSS_ID *ids)
{
    WCHAR volume[PATH_MAX];
    unsigned int i;

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, set), S_OK);
    for (i = 0; i < count; i++)
    {
        mbstowcs(volume, paths[i], PATH_MAX - 2);
        wcscat(volume, L"/");
        ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &ids[i]), S_OK);
    }
}

/* A persistent snapshot set of the paths, without writers. */
static VSS_ID persistent_set(const char *const *paths, unsigned int count, VSS_ID *ids)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_NAS_ROLLBACK);
    IVssAsync *async = NULL;
    VSS_ID set;

    start_set(backup, paths, count, &set, ids);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    IVssBackupComponents_Release(backup);
    return set;
}

/* The snapshot's root, "" if there is no such snapshot (or its props fail). */
static const char *snapshot_root(const VSS_ID *id)
{
    static char roots[4][PATH_MAX];
    static int next;
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    VSS_SNAPSHOT_PROP prop;
    char *root = roots[next++ % 4];

    root[0] = 0;
    memset(&prop, 0, sizeof(prop));
    if (IVssBackupComponents_GetSnapshotProperties(backup, *id, &prop) == S_OK && prop.m_pwszSnapshotDeviceObject)
        wcstombs(root, prop.m_pwszSnapshotDeviceObject, PATH_MAX);
    VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);
    return root;
}

static int snapshot_exists(const VSS_ID *id)
{
    return snapshot_root(id)[0] != 0;
}

/* Every snapshot the catalogue lists (VSS_CTX_ALL), at most max. */
static unsigned int listed_snapshots(VSS_ID *ids, unsigned int max)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP object;
    unsigned int n = 0;
    ULONG fetched;

    ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
    {
        if (n < max) ids[n] = object.Obj.Snap.m_SnapshotId;
        n++;
        VssFreeSnapshotProperties(&object.Obj.Snap);
    }
    if (enumerator) IVssEnumObject_Release(enumerator);
    IVssBackupComponents_Release(backup);
    return n;
}

/* The catalogue matches the disk: every entry of a snapshot store is the
 * record of a listed snapshot (vss-<id>.record) or a listed snapshot's own
 * (its root, or for a block image the clone beside it, <root>.img). */
static int store_matches(const char *store, const VSS_ID *ids, char roots[][PATH_MAX], unsigned int count,
                         int quiet)
{
    struct dirent *entry;
    unsigned int i;
    int good = 1;
    DIR *dir;

    if (!(dir = opendir(store))) return errno == ENOENT;
    while ((entry = readdir(dir)))
    {
        int known = !strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..") || !strcmp(entry->d_name, ".lock");

        for (i = 0; i < count && !known; i++)
        {
            const char *base = strrchr(roots[i], '/') ? strrchr(roots[i], '/') + 1 : roots[i];
            char record[80], clone[PATH_MAX + 8];

            snprintf(record, sizeof(record), "vss-%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x.record",
                     (unsigned int)ids[i].Data1, ids[i].Data2, ids[i].Data3, ids[i].Data4[0], ids[i].Data4[1],
                     ids[i].Data4[2], ids[i].Data4[3], ids[i].Data4[4], ids[i].Data4[5], ids[i].Data4[6],
                     ids[i].Data4[7]);
            snprintf(clone, sizeof(clone), "%s.img", base);
            known = !strcmp(entry->d_name, record) || !strcmp(entry->d_name, base) || !strcmp(entry->d_name, clone);
        }
        if (!known)
        {
            if (!quiet) printf("in %s, not in the catalogue: %s\n", store, entry->d_name);
            good = 0;
        }
    }
    closedir(dir);
    return good;
}

/* --- SIGKILL inside the hold window ------------------------------------------------ */

static void test_killed_in_hold_window(void)
{
    const char *volumes[2] = { xfs->mnt, btrfs_mnt };
    char env[64], byte = 0, before[2][PATH_MAX], path[PATH_MAX * 2];
    IVssBackupComponents *backup;
    VSS_ID kept[2], listed[8], set, killed_ids[2];
    unsigned int i, n;
    int sv[2], ids_pipe[2], status;
    pid_t pid;

    /* what must survive: a persistent snapshot of each volume */
    CU_ASSERT_EQUAL(fsfixture_write_file(vol_file(xfs->mnt, "kept.txt"), "xfs before\n"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(vol_file(btrfs_mnt, "kept.txt"), "btrfs before\n"), 0);
    persistent_set(volumes, 2, kept);
    for (i = 0; i < 2; i++)
    {
        snprintf(before[i], sizeof(before[i]), "%s", snapshot_root(&kept[i]));
        CU_ASSERT_FATAL(before[i][0] != 0);
    }
    CU_ASSERT_EQUAL(fsfixture_write_file(vol_file(xfs->mnt, "kept.txt"), "xfs after\n"), 0);

    /* a requester whose DoSnapshotSet (auto-release) stops inside the hold window */
    CU_ASSERT_FATAL(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    CU_ASSERT_FATAL(!pipe(ids_pipe));
    fflush(NULL);
    if (!(pid = fork()))
    {
        /* static: still reachable when the process is killed */
        static IVssBackupComponents *child;
        static IVssAsync *async;
        static VSS_ID child_set, ids[2];

        close(sv[0]);
        fcntl(sv[1], F_SETFD, 0);
        snprintf(env, sizeof(env), "hold:600000:%d", sv[1]);
        setenv("UMBRA_TEST_PAUSE", env, 1);
        if (FAILED(CreateVssBackupComponents(&child)) || FAILED(IVssBackupComponents_InitializeForBackup(child, NULL))
            || FAILED(IVssBackupComponents_SetContext(child, VSS_CTX_FILE_SHARE_BACKUP)))
            _exit(2);
        start_set(child, volumes, 2, &child_set, ids);
        if (write(ids_pipe[1], ids, sizeof(ids)) != sizeof(ids)) _exit(3);
        if (FAILED(IVssBackupComponents_DoSnapshotSet(child, &async))) _exit(4);
        IVssAsync_Wait(async, INFINITE);
        _exit(5);     /* never reached: killed inside the window */
    }
    close(sv[1]);
    CU_ASSERT_EQUAL(read(ids_pipe[0], killed_ids, sizeof(killed_ids)), sizeof(killed_ids));
    close(ids_pipe[0]);
    close(ids_pipe[1]);
    /* the window is open: the block-image provider's file system is frozen */
    if (!read_byte(sv[0], &byte))
    {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CU_FAIL_FATAL("the requester never reached the hold window");
    }
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 1);
    CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(sv[0]);
    /* a frozen file system stays frozen when its freezer dies (DESIGN.md §5),
     * and the killed set's snapshots were committed: they are on disk */
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 1);
    CU_ASSERT(!store_matches(vol_file(btrfs_mnt, ".snapshots"), kept, before, 2, 1));

    /* the next requester's start thaws it and reconciles the catalogue */
    backup = backup_in(VSS_CTX_FILE_SHARE_BACKUP);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(btrfs_mnt), 0);
    /* the machine-wide set lock went with the killed process (R12) */
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AbortBackup(backup), S_OK);
    IVssBackupComponents_Release(backup);

    /* no snapshot of the killed set, the persistent ones intact */
    for (i = 0; i < 2; i++) CU_ASSERT(!snapshot_exists(&killed_ids[i]));
    n = listed_snapshots(listed, 8);
    CU_ASSERT_EQUAL(n, 2);
    for (i = 0; i < n && i < 8; i++)
        CU_ASSERT(IsEqualGUID(&listed[i], &kept[0]) || IsEqualGUID(&listed[i], &kept[1]));
    for (i = 0; i < 2; i++) CU_ASSERT_STRING_EQUAL(snapshot_root(&kept[i]), before[i]);
    snprintf(path, sizeof(path), "%s/kept.txt", before[0]);
    {
        char *text = fsfixture_read_file(path);
        CU_ASSERT(text && !strcmp(text, "xfs before\n"));
        free(text);
    }
    snprintf(path, sizeof(path), "%s/kept.txt", before[1]);
    {
        char *text = fsfixture_read_file(path);
        CU_ASSERT(text && !strcmp(text, "btrfs before\n"));
        free(text);
    }

    /* the catalogue matches the disk: each volume's store holds exactly its
     * listed snapshot, nothing of the killed set */
    for (i = 0; i < 2; i++) CU_ASSERT(store_matches(vol_file(volumes[i], ".snapshots"), kept, before, 2, 0));

    /* and the persistent set still deletes cleanly */
    backup = backup_in(VSS_CTX_ALL);
    for (i = 0; i < 2; i++)
    {
        LONG deleted = 0;
        VSS_ID failed;
        ok_hr(IVssBackupComponents_DeleteSnapshots(backup, kept[i], VSS_OBJECT_SNAPSHOT, TRUE, &deleted, &failed),
              S_OK);
        CU_ASSERT_EQUAL(deleted, 1);
    }
    IVssBackupComponents_Release(backup);
}

/* --- DeleteSnapshots stops at the first failure ---------------------------------- */

static int set_append_only(const char *path, int on)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), flags = 0, ret = 0;

    if (fd < 0) return -errno;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) ret = -errno;
    else
    {
        flags = on ? (flags | FS_APPEND_FL) : (flags & ~FS_APPEND_FL);
        if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0) ret = -errno;
    }
    close(fd);
    return ret;
}

static void test_delete_stops_at_first_failure(void)
{
    char dirs[3][PATH_MAX], store[PATH_MAX];
    const char *paths[3];
    IVssBackupComponents *backup;
    VSS_ID ids[3], order[8], set, failed;
    LONG deleted = -1;
    unsigned int i, n;
    HRESULT hr;

    for (i = 0; i < 3; i++)
    {
        snprintf(dirs[i], sizeof(dirs[i]), "%s/delete-%u", btrfs_mnt, i);
        CU_ASSERT(mkdir(dirs[i], 0755) == 0 || errno == EEXIST);
        CU_ASSERT_EQUAL(fsfixture_write_file(vol_file(dirs[i], "f"), "data\n"), 0);
        paths[i] = dirs[i];
    }
    set = persistent_set(paths, 3, ids);

    /* the order deletion goes in is the order the set's snapshots are listed */
    backup = backup_in(VSS_CTX_ALL);
    {
        IVssEnumObject *enumerator = NULL;
        VSS_OBJECT_PROP object;
        ULONG fetched;

        n = 0;
        ok_hr(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator), S_OK);
        while (enumerator && IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
        {
            if (IsEqualGUID(&object.Obj.Snap.m_SnapshotSetId, &set) && n < 8) order[n++] = object.Obj.Snap.m_SnapshotId;
            VssFreeSnapshotProperties(&object.Obj.Snap);
        }
        if (enumerator) IVssEnumObject_Release(enumerator);
    }
    CU_ASSERT_EQUAL_FATAL(n, 3);

    /* the second one's store refuses to let anything go */
    snprintf(store, sizeof(store), "%s", snapshot_root(&order[1]));
    CU_ASSERT_FATAL(strrchr(store, '/') != NULL);
    *strrchr(store, '/') = 0;
    CU_ASSERT_EQUAL_FATAL(set_append_only(store, 1), 0);

    hr = IVssBackupComponents_DeleteSnapshots(backup, set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed);
    CU_ASSERT(FAILED(hr));
    CU_ASSERT_EQUAL(deleted, 1);
    CU_ASSERT(IsEqualGUID(&failed, &order[1]));
    CU_ASSERT(!snapshot_exists(&order[0]));
    CU_ASSERT(snapshot_exists(&order[1]));
    /* it stopped there: the one after it was not touched */
    CU_ASSERT(snapshot_exists(&order[2]));

    /* once deletable, the rest of the set goes */
    CU_ASSERT_EQUAL(set_append_only(store, 0), 0);
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed), S_OK);
    CU_ASSERT_EQUAL(deleted, 2);
    CU_ASSERT(IsEqualGUID(&failed, &GUID_NULL));
    for (i = 0; i < 3; i++) CU_ASSERT(!snapshot_exists(&ids[i]));
    /* R23: nothing left to delete */
    ok_hr(IVssBackupComponents_DeleteSnapshots(backup, set, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &failed),
          VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(deleted, 0);
    IVssBackupComponents_Release(backup);
}

/* --- suite ------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[PATH_MAX];

    if (umbra_require_root()) return -1;
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    unsetenv("UMBRA_TEST_PAUSE");
    config_reload();
    testhook_enable();
    if (!fsfixture_tools_available("btrfs") || !fsfixture_tools_available("xfs"))
    {
        fprintf(stderr, "mkfs.btrfs, mkfs.xfs or losetup missing (tools/install-deps)\n");
        return -1;
    }
    if (!(xfs = fsfixture_create_nested("btrfs", 768, "xfs", 320))) return -1;
    btrfs_mnt = xfs->outer->mnt;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

/* Whatever a failed test left: every snapshot goes, so no mount or loop
 * device outlives the run. */
static int suite_cleanup(void)
{
    snapshots_delete_all();
    fsfixture_destroy(xfs);
    CoUninitialize();
    return 0;
}

static CU_TestInfo failure_tests[] =
{
    { "requester killed inside the hold window (issue 5)", test_killed_in_hold_window },
    { "DeleteSnapshots of a set stops at the first failure (§2.3 row 39)", test_delete_stops_at_first_failure },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(backup_failures, suite_init, suite_cleanup, failure_tests);
