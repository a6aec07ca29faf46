/*
 * test_revert.c: RevertToSnapshot and QueryRevertStatus end to end on a real
 * btrfs volume on a loop device (tests/lib/fsfixture.h; needs root), for the
 * btrfs provider (the volume is a subvolume) and the directory provider (a
 * plain directory on the same file system), and diskshadow's REVERT.
 *
 * What Windows documents (VSS-FACTS.md §2.1 R29, §2.3 rows 49-50): only
 * persistent snapshots revert (VSS_E_UNSUPPORTED_CONTEXT otherwise); without
 * bForceDismount a volume in use gives VSS_E_VOLUME_IN_USE and stays as it is;
 * one revert per volume at a time (VSS_E_REVERT_IN_PROGRESS); the volume
 * returns to the snapshot's content and the snapshot is consumed;
 * QueryRevertStatus follows a revert that runs.  Like Windows, a volume that
 * ShouldBlockRevert names is not reverted (VSS_E_VOLUME_NOT_SUPPORTED).
 *
 * A revert that is seen running: a child process's RevertToSnapshot pauses
 * with the volume's revert lock held (testhook.h, point "revert") until this
 * process lets it go.
 */
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

static struct fsfixture *btrfs;
static char tmp_dir[4096];

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

/* A snapshot of path (no writers); *keep receives the object when the caller
 * must hold it (an auto-release snapshot lives as long as it), else it is
 * released. */
static VSS_ID snapshot_of(LONG context, const char *path, IVssBackupComponents **keep)
{
    IVssBackupComponents *backup = backup_in(context);
    IVssAsync *async = NULL;
    VSS_ID set, snap = GUID_NULL;
    WCHAR volume[4096];

    mbstowcs(volume, path, 4000);
    wcscat(volume, L"/");
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    if (keep) *keep = backup;
    else IVssBackupComponents_Release(backup);
    return snap;
}

static HRESULT properties(const VSS_ID *id, VSS_SNAPSHOT_PROP *prop)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    HRESULT hr = IVssBackupComponents_GetSnapshotProperties(backup, *id, prop);

    IVssBackupComponents_Release(backup);
    return hr;
}

static int snapshot_exists(const VSS_ID *id)
{
    VSS_SNAPSHOT_PROP prop;

    memset(&prop, 0, sizeof(prop));
    if (properties(id, &prop) != S_OK) return 0;
    VssFreeSnapshotProperties(&prop);
    return 1;
}

static HRESULT revert(const VSS_ID *id, BOOL force)
{
    IVssBackupComponents *backup = backup_in(VSS_CTX_ALL);
    HRESULT hr = IVssBackupComponents_RevertToSnapshot(backup, *id, force);

    IVssBackupComponents_Release(backup);
    return hr;
}

static char *path_in(const char *dir, const char *name)
{
    static char paths[4][4096];
    static int next;
    char *p = paths[next++ % 4];

    snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
    return p;
}

/* The content of a file, "" if it cannot be read (static buffer). */
static const char *content(const char *path)
{
    static char text[256];
    char *data = fsfixture_read_file(path);

    snprintf(text, sizeof(text), "%s", data ? data : "");
    free(data);
    return text;
}

/* A volume's files as the tests set them up before the snapshot. */
static void populate(const char *dir)
{
    mkdir(path_in(dir, "sub"), 0755);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(dir, "a.txt"), "a before\n"), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(dir, "sub/b.txt"), "b before\n"), 0);
    unlink(path_in(dir, "new.txt"));
}

/* ... and after it: one file changed, one deleted, one added. */
static void change(const char *dir)
{
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(dir, "a.txt"), "a after\n"), 0);
    CU_ASSERT_EQUAL(unlink(path_in(dir, "sub/b.txt")), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(dir, "new.txt"), "new\n"), 0);
}

static int is_changed(const char *dir)
{
    return !strcmp(content(path_in(dir, "a.txt")), "a after\n") && access(path_in(dir, "sub/b.txt"), F_OK) < 0
           && access(path_in(dir, "new.txt"), F_OK) == 0;
}

static int is_reverted(const char *dir)
{
    return !strcmp(content(path_in(dir, "a.txt")), "a before\n")
           && !strcmp(content(path_in(dir, "sub/b.txt")), "b before\n") && access(path_in(dir, "new.txt"), F_OK) < 0;
}

/* A process that holds path open until killed. */
static pid_t hold_open(const char *path)
{
    int sync[2];
    char ready = 0;
    pid_t pid;

    CU_ASSERT_FATAL(!pipe(sync));
    fflush(NULL);
    if (!(pid = fork()))
    {
        int fd = open(path, O_RDONLY);
        close(sync[0]);
        if (fd < 0 || write(sync[1], "h", 1) != 1) _exit(1);
        for (;;) pause();
    }
    close(sync[1]);
    CU_ASSERT_EQUAL(read(sync[0], &ready, 1), 1);
    close(sync[0]);
    CU_ASSERT_EQUAL(ready, 'h');
    return pid;
}

static void reap(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

/* R29 and the file held open, on the volume of one provider. */
static void revert_in_use(const char *dir)
{
    pid_t holder;
    VSS_ID snap;

    populate(dir);
    snap = snapshot_of(VSS_CTX_CLIENT_ACCESSIBLE, dir, NULL);
    change(dir);

    /* without force a volume in use is left alone (R29: VSS_E_VOLUME_IN_USE) */
    holder = hold_open(path_in(dir, "a.txt"));
    ok_hr(revert(&snap, FALSE), VSS_E_VOLUME_IN_USE);
    CU_ASSERT(is_changed(dir));
    CU_ASSERT(snapshot_exists(&snap));

    /* with force it is reverted all the same; the holder keeps what it had open */
    ok_hr(revert(&snap, TRUE), S_OK);
    CU_ASSERT(is_reverted(dir));
    CU_ASSERT_EQUAL(kill(holder, 0), 0);
    reap(holder);
    /* Windows consumes the snapshot a volume was reverted to */
    CU_ASSERT(!snapshot_exists(&snap));

    /* nothing open: no force needed, and our own process does not count */
    snap = snapshot_of(VSS_CTX_NAS_ROLLBACK, dir, NULL);
    change(dir);
    ok_hr(revert(&snap, FALSE), S_OK);
    CU_ASSERT(is_reverted(dir));
    CU_ASSERT(!snapshot_exists(&snap));
}

static void test_btrfs_in_use(void)
{
    revert_in_use(btrfs->mnt);
}

static void test_directory_in_use(void)
{
    char dir[4096];

    snprintf(dir, sizeof(dir), "%s/plain", btrfs->mnt);
    CU_ASSERT(mkdir(dir, 0755) == 0 || errno == EEXIST);
    revert_in_use(dir);
}

/* R29: revert is for persistent snapshots only; and the ordinary failures. */
static void test_not_persistent(void)
{
    IVssBackupComponents *owner = NULL, *backup = NULL;
    VSS_ID snap, unknown = { 0x12345678, 0x1234, 0x1234, { 1, 2, 3, 4, 5, 6, 7, 8 } };

    populate(btrfs->mnt);
    /* auto-release: it lives as long as its object */
    snap = snapshot_of(VSS_CTX_FILE_SHARE_BACKUP, btrfs->mnt, &owner);
    change(btrfs->mnt);
    ok_hr(revert(&snap, TRUE), VSS_E_UNSUPPORTED_CONTEXT);
    ok_hr(revert(&snap, FALSE), VSS_E_UNSUPPORTED_CONTEXT);
    CU_ASSERT(is_changed(btrfs->mnt));
    CU_ASSERT(snapshot_exists(&snap));
    IVssBackupComponents_Release(owner);
    CU_ASSERT(!snapshot_exists(&snap));

    /* no such snapshot (§2.3 row 49) */
    ok_hr(revert(&unknown, TRUE), VSS_E_OBJECT_NOT_FOUND);
    /* R2: the object must be initialised */
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_RevertToSnapshot(backup, unknown, TRUE), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
}

/* R29: one revert per volume at a time; QueryRevertStatus follows it. */
static void test_in_progress(void)
{
    IVssBackupComponents *backup;
    IVssAsync *async = (IVssAsync *)1;
    HRESULT status = E_FAIL;
    WCHAR volume[4096];
    char env[64], signal_byte = 0;
    int sv[2], child_status = -1;
    VSS_ID snap;
    pid_t pid;

    populate(btrfs->mnt);
    snap = snapshot_of(VSS_CTX_CLIENT_ACCESSIBLE, btrfs->mnt, NULL);
    change(btrfs->mnt);
    mbstowcs(volume, btrfs->mnt, 4000);
    wcscat(volume, L"/");

    backup = backup_in(VSS_CTX_ALL);
    /* nothing runs yet (§2.3 row 50), and bad arguments */
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, volume, &async), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_PTR_NULL(async);
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, volume, NULL), E_POINTER);
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, NULL, &async), E_INVALIDARG);
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, (VSS_PWSZ)L"/nonexistent/umbra/volume/", &async),
          VSS_E_OBJECT_NOT_FOUND);
    IVssBackupComponents_Release(backup);   /* the child must not inherit it: it could not free it */

    /* a revert in another process, paused with the volume's revert lock held */
    CU_ASSERT_FATAL(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    fflush(NULL);
    if (!(pid = fork()))
    {
        close(sv[0]);
        fcntl(sv[1], F_SETFD, 0);
        snprintf(env, sizeof(env), "revert:600000:%d", sv[1]);
        setenv("UMBRA_TEST_PAUSE", env, 1);
        _exit(revert(&snap, TRUE) == S_OK ? 0 : 1);
    }
    close(sv[1]);
    CU_ASSERT(read_byte(sv[0], &signal_byte));
    backup = backup_in(VSS_CTX_ALL);

    /* the second revert of the volume is refused, and changes nothing */
    ok_hr(IVssBackupComponents_RevertToSnapshot(backup, snap, TRUE), VSS_E_REVERT_IN_PROGRESS);
    CU_ASSERT(is_changed(btrfs->mnt));
    /* the one that runs can be followed; it cannot be cancelled */
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, volume, &async), S_OK);
    CU_ASSERT_PTR_NOT_NULL(async);
    if (async && async != (IVssAsync *)1)
    {
        ok_hr(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
        ok_hr(status, VSS_S_ASYNC_PENDING);
        IVssAsync_Cancel(async);   /* whatever it answers, the revert goes on */
        /* let it go on */
        CU_ASSERT_EQUAL(write(sv[0], "g", 1), 1);
        ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    }
    else CU_ASSERT_EQUAL(write(sv[0], "g", 1), 1);
    close(sv[0]);
    CU_ASSERT_EQUAL(waitpid(pid, &child_status, 0), pid);
    CU_ASSERT(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0);
    CU_ASSERT(is_reverted(btrfs->mnt));
    CU_ASSERT(!snapshot_exists(&snap));
    /* over: nothing to follow any more */
    ok_hr(IVssBackupComponents_QueryRevertStatus(backup, volume, &async), VSS_E_OBJECT_NOT_FOUND);
    IVssBackupComponents_Release(backup);
}

/* ShouldBlockRevert is asked first, as on Windows. */
static void test_blocked(void)
{
    char block_file[4096], line[4200];
    bool block = false;
    WCHAR volume[4096];
    VSS_ID snap;

    populate(btrfs->mnt);
    snap = snapshot_of(VSS_CTX_CLIENT_ACCESSIBLE, btrfs->mnt, NULL);
    change(btrfs->mnt);
    snprintf(block_file, sizeof(block_file), "%s/block-revert", config_get()->config_dir);
    snprintf(line, sizeof(line), "# writers that forbid a revert of this volume\n%s/\n", btrfs->mnt);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(block_file, line), 0);
    mbstowcs(volume, btrfs->mnt, 4000);
    wcscat(volume, L"/");
    ok_hr(ShouldBlockRevert(volume, &block), S_OK);
    CU_ASSERT(block);

    ok_hr(revert(&snap, TRUE), VSS_E_VOLUME_NOT_SUPPORTED);
    CU_ASSERT(is_changed(btrfs->mnt));
    CU_ASSERT(snapshot_exists(&snap));

    unlink(block_file);
    ok_hr(revert(&snap, TRUE), S_OK);
    CU_ASSERT(is_reverted(btrfs->mnt));
}

/* diskshadow's REVERT (VSS-FACTS.md §6.2) on the real volume, from a script
 * that makes the shadow copy, changes the volume in an EXEC step and reverts. */
static void test_diskshadow(void)
{
    char script[4096], change_script[4096], text[16384], out[65536];
    char *argv[] = { (char *)umbra_prog("diskshadow"), (char *)"-s", script, NULL };
    int status;

    populate(btrfs->mnt);
    snprintf(change_script, sizeof(change_script), "%s/change.sh", tmp_dir);
    snprintf(text, sizeof(text),
             "#!/bin/sh\nset -e\necho 'a after' > '%s/a.txt'\nrm '%s/sub/b.txt'\necho new > '%s/new.txt'\n",
             btrfs->mnt, btrfs->mnt, btrfs->mnt);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(change_script, text), 0);
    chmod(change_script, 0755);
    snprintf(script, sizeof(script), "%s/revert.dsh", tmp_dir);
    snprintf(text, sizeof(text),
             "# persistent shadow copy, changed volume, revert\n"
             "set context persistent nowriters\n"
             "add volume %s/ alias before\n"
             "create\n"
             "exec %s\n"
             "revert %%before%%\n"
             "list shadows all\n"
             "exit\n",
             btrfs->mnt, change_script);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(script, text), 0);

    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("diskshadow:\n%s\n", out);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "successfully reverted"));
    /* the shadow copy was consumed: none is listed afterwards */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Number of shadow copies listed: 0"));
    CU_ASSERT(is_reverted(btrfs->mnt));
}

/* --- suite ------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[4096];

    if (umbra_require_root()) return -1;
    snprintf(tmp_dir, sizeof(tmp_dir), "%s", tmp);
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    unsetenv("UMBRA_TEST_PAUSE");
    config_reload();
    testhook_enable();
    if (!fsfixture_tools_available("btrfs"))
    {
        fprintf(stderr, "mkfs.btrfs or losetup missing (tools/install-deps)\n");
        return -1;
    }
    if (!(btrfs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    snapshots_delete_all();
    fsfixture_destroy(btrfs);
    CoUninitialize();
    return 0;
}

static CU_TestInfo revert_tests[] =
{
    { "btrfs: a file held open, without and with force (R29)", test_btrfs_in_use },
    { "directory: a file held open, without and with force (R29)", test_directory_in_use },
    { "auto-release snapshots do not revert (R29)", test_not_persistent },
    { "a second revert while one runs; QueryRevertStatus (R29)", test_in_progress },
    { "ShouldBlockRevert blocks a revert", test_blocked },
    { "diskshadow revert", test_diskshadow },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(revert, suite_init, suite_cleanup, revert_tests);
