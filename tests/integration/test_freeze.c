/*
 * test_freeze.c: the flush-and-hold step on real file systems (VSS-FACTS.md
 * §1.3 e-g, §1.5): what is frozen during the hold and thawed after it, a
 * second freezer getting EBUSY, the watchdog thawing when the window runs out
 * (VSS_E_HOLD_WRITES_TIMEOUT), and freeze_recover() thawing what a killed
 * process left frozen.  No timing is asserted: tests wait for events.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include "harness.h"
#include "lib/fsfixture.h"
#include "dlls/vssapi/config.h"   /* not configure's config.h of the build dir */
#include "freeze.h"
#include "providers/provider.h"

static struct fsfixture *ext4, *xfs;
static char runtime_dir[PATH_MAX];

static int init(void)
{
    if (umbra_require_root()) return -1;
    snprintf(runtime_dir, sizeof(runtime_dir), "%s/run-vss", umbra_test_tmpdir());
    setenv("VSS_RUNTIME_DIR", runtime_dir, 1);
    config_reload();
    if (!(ext4 = fsfixture_create("ext4", 32, NULL, NULL))) return -1;
    if (!(xfs = fsfixture_create("xfs", 320, NULL, NULL))) return -1;
    return 0;
}

static int cleanup(void)
{
    fsfixture_destroy(ext4);
    fsfixture_destroy(xfs);
    return 0;
}

static int count_records(void)
{
    struct dirent *entry;
    DIR *dir = opendir(runtime_dir);
    int count = 0;

    if (!dir) return 0;
    while ((entry = readdir(dir)))
        if (!strncmp(entry->d_name, "frozen.", 7)) count++;
    closedir(dir);
    return count;
}

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

static void test_hold_release(void)
{
    struct freeze_target targets[] =
    {
        { ext4->mnt, PROVIDER_FREEZE_FIFREEZE },
        { xfs->mnt, PROVIDER_FREEZE_SYNC },
        { ext4->mnt, PROVIDER_FREEZE_SYNC },   /* the same file system twice: taken once */
    };
    struct freeze_hold *hold = NULL;
    char path[PATH_MAX];
    struct stat st;

    CU_ASSERT_EQUAL_FATAL(freeze_hold(targets, 3, 0, &hold), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hold);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 1);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 0);     /* flushed only */
    CU_ASSERT_EQUAL(freeze_expired(hold), 0);
    /* the record of what we froze, in a private runtime directory */
    CU_ASSERT_EQUAL(count_records(), 1);
    CU_ASSERT_EQUAL(stat(runtime_dir, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
    /* someone else's recovery leaves a live holder alone */
    CU_ASSERT_EQUAL(freeze_recover(), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 1);

    CU_ASSERT_EQUAL(freeze_release(hold), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 0);
    CU_ASSERT_EQUAL(count_records(), 0);
    snprintf(path, sizeof(path), "%s/after-thaw", ext4->mnt);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "writable again"), 0);
}

static void test_sync_only(void)
{
    struct freeze_target target = { xfs->mnt, PROVIDER_FREEZE_SYNC };
    struct freeze_hold *hold = NULL;

    /* nothing frozen: nothing recorded */
    CU_ASSERT_EQUAL_FATAL(freeze_hold(&target, 1, 1000, &hold), 0);
    CU_ASSERT_EQUAL(count_records(), 0);
    CU_ASSERT_EQUAL(freeze_release(hold), 0);
    CU_ASSERT_EQUAL(freeze_hold(NULL, 0, 0, &hold), 0);   /* an empty set holds nothing */
    CU_ASSERT_EQUAL(freeze_release(hold), 0);
}

static void test_second_freezer_busy(void)
{
    struct freeze_target targets[] =
    {
        { xfs->mnt, PROVIDER_FREEZE_FIFREEZE },
        { ext4->mnt, PROVIDER_FREEZE_FIFREEZE },
    };
    struct freeze_hold *first = NULL, *second = (struct freeze_hold *)1;

    CU_ASSERT_EQUAL_FATAL(freeze_hold(&targets[1], 1, 0, &first), 0);
    /* a file system frozen by someone: EBUSY (VSS_E_VOLUME_IN_USE), and the
     * other one, frozen before we met it, is thawed again */
    CU_ASSERT_EQUAL(freeze_hold(targets, 2, 0, &second), -EBUSY);
    CU_ASSERT_PTR_NULL(second);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(xfs->mnt), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 1);
    CU_ASSERT_EQUAL(count_records(), 1);
    CU_ASSERT_EQUAL(freeze_release(first), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 0);
    CU_ASSERT_EQUAL(count_records(), 0);
}

static void test_watchdog(void)
{
    struct freeze_target target = { ext4->mnt, PROVIDER_FREEZE_FIFREEZE };
    struct freeze_hold *hold = NULL;
    int waited;

    /* a 1 s window that the "commit" overruns: the watchdog thaws on its own */
    CU_ASSERT_EQUAL_FATAL(freeze_hold(&target, 1, 1000, &hold), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 1);
    for (waited = 0; waited < 600 && !freeze_expired(hold); waited++) sleep_ms(100);
    CU_ASSERT_EQUAL(freeze_expired(hold), 1);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(ext4->mnt, "x"), -EISDIR);
    /* VSS_E_HOLD_WRITES_TIMEOUT for the caller (VSS-FACTS.md §1.5) */
    CU_ASSERT_EQUAL(freeze_release(hold), -ETIMEDOUT);
    CU_ASSERT_EQUAL(count_records(), 0);
}

static void test_recover_after_kill(void)
{
    struct freeze_target target = { ext4->mnt, PROVIDER_FREEZE_FIFREEZE };
    int pipefd[2], status;
    char ready = 0;
    pid_t pid;

    CU_ASSERT_EQUAL_FATAL(pipe(pipefd), 0);
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid)
    {
        struct freeze_hold *hold;

        /* a long window: only death ends this hold */
        close(pipefd[0]);
        if (freeze_hold(&target, 1, 600000, &hold)) _exit(1);
        if (write(pipefd[1], "f", 1) != 1) _exit(2);
        for (;;) pause();
    }
    close(pipefd[1]);
    CU_ASSERT_EQUAL(read(pipefd[0], &ready, 1), 1);
    close(pipefd[0]);
    CU_ASSERT_EQUAL(ready, 'f');
    CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFSIGNALED(status));

    /* the freezer is dead and its file system still frozen (DESIGN.md §5) */
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 1);
    CU_ASSERT_EQUAL(count_records(), 1);
    CU_ASSERT_EQUAL(freeze_recover(), 1);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 0);
    CU_ASSERT_EQUAL(count_records(), 0);
    CU_ASSERT_EQUAL(freeze_recover(), 0);
}

static void test_recover_stale_record(void)
{
    char path[PATH_MAX], record[PATH_MAX + 64];
    struct stat st;
    int fd;

    /* a record of a dead owner naming a path that is now another device: the
     * path is not what was frozen, so it is not thawed; the record goes */
    fd = open(ext4->mnt, O_RDONLY | O_DIRECTORY);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(fstat(fd, &st), 0);
    CU_ASSERT_EQUAL_FATAL(ioctl(fd, FIFREEZE, &(int){ 0 }), 0);
    CU_ASSERT_EQUAL(mkdir(runtime_dir, 0700) == 0 || errno == EEXIST, 1);
    snprintf(path, sizeof(path), "%s/frozen.999999.0", runtime_dir);
    snprintf(record, sizeof(record), "umbra-freeze 1\nowner 999999 1\nfs %u:%u %s\n",
             major(st.st_dev), minor(st.st_dev) + 1, ext4->mnt);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, record), 0);
    /* and one that is not ours to read */
    snprintf(path, sizeof(path), "%s/frozen.999999.1", runtime_dir);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "garbage\n"), 0);
    CU_ASSERT_EQUAL(freeze_recover(), 0);
    CU_ASSERT_EQUAL(count_records(), 0);
    CU_ASSERT_EQUAL(fsfixture_is_frozen(ext4->mnt), 1);
    CU_ASSERT_EQUAL(ioctl(fd, FITHAW, &(int){ 0 }), 0);
    close(fd);
}

static void test_bad_input(void)
{
    struct freeze_target missing = { "/nonexistent/umbra", PROVIDER_FREEZE_FIFREEZE };
    struct freeze_target null_path = { NULL, PROVIDER_FREEZE_SYNC };
    struct freeze_hold *hold = (struct freeze_hold *)1;

    CU_ASSERT_EQUAL(freeze_hold(NULL, 1, 0, &hold), -EINVAL);
    CU_ASSERT_PTR_NULL(hold);
    CU_ASSERT_EQUAL(freeze_hold(&missing, 1, 0, &hold), -ENOENT);
    CU_ASSERT_EQUAL(freeze_hold(&null_path, 1, 0, &hold), -EINVAL);
    CU_ASSERT_EQUAL(freeze_release(NULL), -EINVAL);
    CU_ASSERT_EQUAL(freeze_expired(NULL), 0);
    CU_ASSERT_EQUAL(count_records(), 0);
}

static CU_TestInfo freeze_tests[] =
{
    { "hold_release", test_hold_release },
    { "sync_only", test_sync_only },
    { "second_freezer_busy", test_second_freezer_busy },
    { "watchdog", test_watchdog },
    { "recover_after_kill", test_recover_after_kill },
    { "recover_stale_record", test_recover_stale_record },
    { "bad_input", test_bad_input },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(freeze, init, cleanup, freeze_tests);
