/*
 * test_setlock.c: one snapshot set in creation per machine (VSS-FACTS.md
 * §2.1 R12, DESIGN.md §4): the set lock across processes, its release when
 * the holder dies, and VSS_WAIT_FOR_SET queueing.
 */
/* internals of the POSIX layer: glibc printf, not the Microsoft one Windows code gets */
#define UMBRA_NATIVE_CRT
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include "harness.h"
#include "config.h"
#include "setlock.h"

static const GUID set_a = { 0x11111111, 0x2222, 0x3333, { 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } };
static const GUID set_b = { 0xaaaaaaaa, 0xbbbb, 0xcccc, { 0xdd, 0xdd, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee } };
static char runtime[PATH_MAX];

static int init(void)
{
    if (snprintf(runtime, sizeof(runtime), "%s/run/vss", umbra_test_tmpdir()) >= (int)sizeof(runtime)) return -1;
    setenv("VSS_RUNTIME_DIR", runtime, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    return 0;
}

static int cleanup(void)
{
    unsetenv("VSS_RUNTIME_DIR");
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    return 0;
}

/* A child that takes the lock for set_b, says 'L' (or 'B' if busy) on ready,
 * then holds it until it reads a byte on go (or forever if hold < 0),
 * or for hold_ms milliseconds. */
static pid_t spawn_holder(int *ready_fd, int *go_fd, int hold_ms)
{
    int ready[2], go[2];
    pid_t pid;

    if (pipe(ready) || pipe(go)) return -1;
    pid = fork();
    if (pid < 0) return -1;
    if (!pid)
    {
        struct vss_setlock *lock;
        char c;

        close(ready[0]);
        close(go[1]);
        if (setlock_acquire(&set_b, 0, &lock))
        {
            c = 'B';
            if (write(ready[1], &c, 1) != 1) _exit(2);
            _exit(1);
        }
        c = 'L';
        if (write(ready[1], &c, 1) != 1) _exit(2);
        if (hold_ms >= 0) usleep(hold_ms * 1000);
        else if (read(go[0], &c, 1) < 0) _exit(3);
        setlock_release(lock);
        _exit(0);
    }
    close(ready[1]);
    close(go[0]);
    *ready_fd = ready[0];
    *go_fd = go[1];
    return pid;
}

static int wait_ready(int fd)
{
    char c = 0;

    if (read(fd, &c, 1) != 1) return -1;
    return c == 'L' ? 0 : -1;
}

static int reap(pid_t pid)
{
    int status;

    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_acquire_release(void)
{
    struct vss_setlock *lock = NULL, *second = NULL;
    char path[PATH_MAX];
    struct stat st;
    GUID holder;
    pid_t pid;

    CU_ASSERT_EQUAL_FATAL(setlock_acquire(&set_a, 0, &lock), 0);
    CU_ASSERT_PTR_NOT_NULL(lock);
    CU_ASSERT_FATAL(snprintf(path, sizeof(path), "%s/snapshot-set.lock", runtime) < (int)sizeof(path));
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(stat(runtime, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
    CU_ASSERT_EQUAL(setlock_holder(&pid, &holder), 0);
    CU_ASSERT_EQUAL(pid, getpid());
    CU_ASSERT(IsEqualGUID(&holder, &set_a));

    /* R12: a second set, even from this process (another requester object), is refused */
    CU_ASSERT_EQUAL(setlock_acquire(&set_b, 0, &second), -EBUSY);
    CU_ASSERT_PTR_NULL(second);

    setlock_release(lock);
    CU_ASSERT_EQUAL(setlock_holder(&pid, &holder), -ENOENT);
    CU_ASSERT_EQUAL(setlock_acquire(&set_b, 0, &second), 0);
    setlock_release(second);
    setlock_release(NULL);
}

static void test_bad_args(void)
{
    struct vss_setlock *lock;
    pid_t pid;
    GUID id;

    CU_ASSERT_EQUAL(setlock_acquire(NULL, 0, &lock), -EINVAL);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 0, NULL), -EINVAL);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, -5, &lock), -EINVAL);
    CU_ASSERT_EQUAL(setlock_holder(NULL, &id), -EINVAL);
    CU_ASSERT_EQUAL(setlock_holder(&pid, NULL), -EINVAL);
}

/* R12 across processes: the other process gets -EBUSY (VSS_E_SNAPSHOT_SET_IN_PROGRESS) */
static void test_other_process(void)
{
    struct vss_setlock *lock = NULL;
    int ready, go;
    pid_t child, pid;
    GUID holder;

    child = spawn_holder(&ready, &go, -1);
    CU_ASSERT_FATAL(child > 0);
    CU_ASSERT_EQUAL_FATAL(wait_ready(ready), 0);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 0, &lock), -EBUSY);
    CU_ASSERT_EQUAL(setlock_holder(&pid, &holder), 0);
    CU_ASSERT_EQUAL(pid, child);
    CU_ASSERT(IsEqualGUID(&holder, &set_b));
    CU_ASSERT_EQUAL(write(go, "x", 1), 1);
    CU_ASSERT_EQUAL(reap(child), 0);
    close(ready);
    close(go);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 0, &lock), 0);
    setlock_release(lock);
}

/* A requester killed while its set is in creation does not block the machine. */
static void test_holder_killed(void)
{
    struct vss_setlock *lock = NULL;
    int ready, go;
    pid_t child, pid;
    GUID holder;

    child = spawn_holder(&ready, &go, -1);
    CU_ASSERT_FATAL(child > 0);
    CU_ASSERT_EQUAL_FATAL(wait_ready(ready), 0);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 0, &lock), -EBUSY);
    CU_ASSERT_EQUAL(kill(child, SIGKILL), 0);
    CU_ASSERT_EQUAL(reap(child), 128 + SIGKILL);
    close(ready);
    close(go);
    /* the dead holder's line is not reported as a holder */
    CU_ASSERT_EQUAL(setlock_holder(&pid, &holder), -ENOENT);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 0, &lock), 0);
    setlock_release(lock);
}

/* VSS_WAIT_FOR_SET: queue behind the set in creation instead of failing. */
static void test_wait_succeeds(void)
{
    struct vss_setlock *lock = NULL;
    int ready, go;
    pid_t child;

    child = spawn_holder(&ready, &go, 300);
    CU_ASSERT_FATAL(child > 0);
    CU_ASSERT_EQUAL_FATAL(wait_ready(ready), 0);
    /* a generous bound: the holder lets go after a moment */
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 60, &lock), 0);
    setlock_release(lock);
    CU_ASSERT_EQUAL(reap(child), 0);
    close(ready);
    close(go);
}

static void test_wait_times_out(void)
{
    struct vss_setlock *lock = NULL;
    int ready, go;
    pid_t child;

    child = spawn_holder(&ready, &go, -1);
    CU_ASSERT_FATAL(child > 0);
    CU_ASSERT_EQUAL_FATAL(wait_ready(ready), 0);
    /* the configured wait (1 s) runs out while the other set is still in creation */
    setenv("VSS_WAIT_FOR_SET", "1", 1);
    config_reload();
    CU_ASSERT_EQUAL(config_get()->wait_for_set, 1);
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, SETLOCK_WAIT_DEFAULT, &lock), -EBUSY);
    CU_ASSERT_PTR_NULL(lock);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    CU_ASSERT_EQUAL(write(go, "x", 1), 1);
    CU_ASSERT_EQUAL(reap(child), 0);
    close(ready);
    close(go);
}

/* Several requesters start a set at the same moment: exactly one wins. */
static void test_race(void)
{
    enum { RACERS = 4 };
    int ready[RACERS], go_fds[RACERS], won[RACERS], start[2], i, winners = 0, losers = 0;
    pid_t pids[RACERS];

    CU_ASSERT_EQUAL_FATAL(pipe(start), 0);
    for (i = 0; i < RACERS; i++)
    {
        int r[2], g[2];
        CU_ASSERT_FATAL(!pipe(r) && !pipe(g));
        pids[i] = fork();
        CU_ASSERT_FATAL(pids[i] >= 0);
        if (!pids[i])
        {
            struct vss_setlock *lock;
            char c;
            close(start[1]);
            if (read(start[0], &c, 1) < 0) _exit(3);   /* all start together */
            if (setlock_acquire(&set_b, 0, &lock))
            {
                c = 'B';
                _exit(write(r[1], &c, 1) == 1 ? 1 : 2);
            }
            c = 'L';
            if (write(r[1], &c, 1) != 1) _exit(2);
            if (read(g[0], &c, 1) < 0) _exit(3);
            setlock_release(lock);
            _exit(0);
        }
        close(r[1]);
        close(g[0]);
        ready[i] = r[0];
        go_fds[i] = g[1];
    }
    close(start[0]);
    close(start[1]);   /* EOF wakes every racer at once */
    for (i = 0; i < RACERS; i++)
    {
        char c = 0;
        CU_ASSERT_EQUAL(read(ready[i], &c, 1), 1);
        won[i] = c == 'L';
        if (c == 'L') winners++;
        else if (c == 'B') losers++;
    }
    CU_ASSERT_EQUAL(winners, 1);
    CU_ASSERT_EQUAL(losers, RACERS - 1);
    for (i = 0; i < RACERS; i++)
    {
        /* only the winner still listens: a loser has exited */
        if (won[i]) CU_ASSERT_EQUAL(write(go_fds[i], "x", 1), 1);
        CU_ASSERT_EQUAL(reap(pids[i]), won[i] ? 0 : 1);
        close(ready[i]);
        close(go_fds[i]);
    }
}

static void test_unsafe_runtime_dir(void)
{
    struct vss_setlock *lock = NULL;
    char link[PATH_MAX];

    CU_ASSERT_FATAL(snprintf(link, sizeof(link), "%s/run/link", umbra_test_tmpdir()) < (int)sizeof(link));
    CU_ASSERT_EQUAL_FATAL(symlink("/tmp", link), 0);
    setenv("VSS_RUNTIME_DIR", link, 1);
    config_reload();
    CU_ASSERT_EQUAL(setlock_acquire(&set_a, 0, &lock), -EPERM);
    CU_ASSERT_PTR_NULL(lock);
    setenv("VSS_RUNTIME_DIR", runtime, 1);
    config_reload();
}

static CU_TestInfo setlock_tests[] =
{
    { "acquire and release", test_acquire_release },
    { "bad arguments", test_bad_args },
    { "held by another process (R12)", test_other_process },
    { "holder killed", test_holder_killed },
    { "VSS_WAIT_FOR_SET queues", test_wait_succeeds },
    { "VSS_WAIT_FOR_SET runs out", test_wait_times_out },
    { "racing requesters", test_race },
    { "unsafe runtime dir", test_unsafe_runtime_dir },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(setlock, init, cleanup, setlock_tests);
