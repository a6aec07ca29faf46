/*
 * bench_writers.c: how the coordinator scales with writer processes (issue 4).
 *
 *   Identify fan-out: the time for Identify (discovery, connections and the
 *   round) with 64 writer processes against 1, for writers whose OnIdentify
 *   takes 10 ms, as an application asked for its files does.  Sent to all at
 *   once, 64 such writers cost about what one costs; one after the other they
 *   would cost 64 times as much.  The ratio must stay at or under 3 (the
 *   program fails otherwise).
 *   Identify overhead: the same with writers whose OnIdentify returns at once:
 *   what discovery, the sockets and the documents cost per writer, all
 *   processes sharing the machine's CPUs.
 *   Freeze window: with 16 writers, from the first Freeze sent to the last
 *   Thaw answered, with a provider commit that does nothing.
 *
 * Each figure is the median of several runs.  The writers are
 * tests/bin/test_writer_c of the build; they live in a private rendezvous
 * directory that is removed at the end.  tools/bench/writers builds and runs
 * this program.
 *
 *   bench_writers BUILD_DIR [--runs N] [--quiet]
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <vss.h>
#include "coordinator.h"
#include "bench_table.h"

#define IDENTIFY_LIMIT 3.0

static char build_dir[PATH_MAX];
static char run_dir[PATH_MAX];

#define IDENTIFY_WORK "Identify:10"

/* Start a test writer and wait until it has subscribed; 0 on failure.  With
 * work, its OnIdentify takes 10 ms. */
static pid_t start_writer(int index, int work)
{
    char prog[PATH_MAX + 64], name[32], id[64], fdtext[16], buf[8];
    int pipefd[2], child_fd;
    ssize_t got = 0;
    pid_t pid;

    snprintf(prog, sizeof(prog), "%s/tests/bin/test_writer_c", build_dir);
    snprintf(name, sizeof(name), "Bench%02d", index);
    snprintf(id, sizeof(id), "{6d0a8a35-1b2c-4d5e-8f90-00000000b%03x}", index);
    if (pipe2(pipefd, O_CLOEXEC)) return 0;
    if ((child_fd = fcntl(pipefd[1], F_DUPFD, 10)) < 0) return 0;
    snprintf(fdtext, sizeof(fdtext), "%d", child_fd);
    if (!(pid = fork()))
    {
        if (work) execl(prog, prog, "--name", name, "--id", id, "--hang", IDENTIFY_WORK, "--ready-fd", fdtext,
                        (char *)NULL);
        else execl(prog, prog, "--name", name, "--id", id, "--ready-fd", fdtext, (char *)NULL);
        _exit(127);
    }
    close(child_fd);
    close(pipefd[1]);
    while (pid > 0 && got < 6)
    {
        struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 20000) <= 0) break;
        if ((n = read(pipefd[0], buf + got, sizeof(buf) - got)) <= 0) break;
        got += n;
    }
    close(pipefd[0]);
    if (got >= 6 && !memcmp(buf, "ready\n", 6)) return pid;
    if (pid > 0)
    {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    fprintf(stderr, "bench_writers: cannot start %s\n", prog);
    return 0;
}

static void stop_writers(pid_t *pids, int count)
{
    for (int i = 0; i < count; i++)
        if (pids[i] > 0) kill(pids[i], SIGTERM);
    for (int i = 0; i < count; i++)
        if (pids[i] > 0) waitpid(pids[i], NULL, 0);
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t median(int64_t *values, int count)
{
    qsort(values, count, sizeof(*values), compare_i64);
    return values[count / 2];
}

/* Median microseconds of a whole GatherWriterMetadata: a new coordinator
 * finds and connects to every writer, then Identify goes to all at once. */
static int64_t time_identify(int writers, int runs)
{
    struct coordinator_options opts = { run_dir, 0, 0 };
    int64_t *samples = calloc(runs, sizeof(*samples));
    int64_t result = -1;

    for (int r = 0; samples && r < runs; r++)
    {
        struct coordinator *c;
        struct timespec a, b;

        clock_gettime(CLOCK_MONOTONIC, &a);
        if (FAILED(coordinator_create(&opts, &c))) goto done;
        if (FAILED(coordinator_identify(c)) || coordinator_writer_count(c) != (unsigned int)writers)
        {
            fprintf(stderr, "bench_writers: Identify found %u writers, not %d\n", coordinator_writer_count(c), writers);
            coordinator_free(c);
            goto done;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        coordinator_free(c);
        samples[r] = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_nsec - a.tv_nsec) / 1000;
    }
    if (samples) result = median(samples, runs);
done:
    free(samples);
    return result;
}

/* Median and largest freeze window (microseconds) of full snapshot sets. */
static int time_freeze_window(int writers, int runs, int64_t *med, int64_t *max)
{
    struct coordinator_options opts = { run_dir, 0, 0 };
    struct coordinator_backup_state state = { { 0x5e7, 0, 0, { 0 } }, VSS_CTX_BACKUP, VSS_BT_FULL, VSS_RTYPE_UNDEFINED,
                                               false, false, false };
    int64_t *samples = calloc(runs, sizeof(*samples));
    int ret = -1;

    for (int r = 0; samples && r < runs; r++)
    {
        struct coordinator_stats stats;
        struct coordinator *c;
        HRESULT hr;

        if (FAILED(coordinator_create(&opts, &c))) goto done;
        coordinator_set_backup_state(c, &state);
        coordinator_add_volume(c, "/srv/data/", "/srv/data");
        if (FAILED(coordinator_identify(c)) || coordinator_writer_count(c) != (unsigned int)writers
            || FAILED(coordinator_prepare_backup(c, NULL)) || FAILED(hr = coordinator_do_snapshot_set(c, NULL, NULL)))
        {
            fprintf(stderr, "bench_writers: snapshot set %d failed\n", r);
            coordinator_free(c);
            goto done;
        }
        coordinator_get_stats(c, &stats);
        coordinator_backup_complete(c, NULL);
        coordinator_backup_shutdown(c);
        coordinator_free(c);
        samples[r] = stats.freeze_window_us;
    }
    *med = median(samples, runs);
    *max = samples[runs - 1];
    ret = 0;
done:
    free(samples);
    return ret;
}

/* One row of the table tools/bench/run prints (bench_table.h); target 0: a
 * figure to report, with no limit. */
static void row(const char *name, double ours, double floor, const char *floor_is, double target)
{
    bench_row(name, ours, floor, floor_is, target, "ms");
}

static int spawn(pid_t *pids, int from, int to, int work)
{
    for (int i = from; i < to; i++)
        if (!(pids[i] = start_writer(i, work))) return -1;
    return 0;
}

int main(int argc, char **argv)
{
    pid_t pids[64] = { 0 };
    int runs = 15, quiet = 0, status = 1;
    int64_t one, many, fast_one, fast_many, freeze_med, freeze_max, freeze_one, freeze_one_max;

    if (argc < 2 || argv[1][0] == '-' || strlen(argv[1]) >= sizeof(build_dir))
    {
        fprintf(stderr, "usage: %s BUILD_DIR [--runs N] [--quiet]\n", argv[0]);
        return 2;
    }
    strcpy(build_dir, argv[1]);
    for (int i = 2; i < argc; i++)
    {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quiet")) quiet = 1;
        else
        {
            fprintf(stderr, "usage: %s BUILD_DIR [--runs N] [--quiet]\n", argv[0]);
            return 2;
        }
    }
    if (runs < 1) runs = 1;
    snprintf(run_dir, sizeof(run_dir), "%s/umbra-bench-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(run_dir)) return 1;
    setenv("VSS_RUNTIME_DIR", run_dir, 1);
    signal(SIGPIPE, SIG_IGN);

    /* writers that answer at once: the cost of the machinery */
    if (spawn(pids, 0, 1, 0)) goto done;
    time_identify(1, 3);   /* warm up the caches */
    fast_one = time_identify(1, runs);
    if (spawn(pids, 1, 64, 0)) goto done;
    time_identify(64, 3);
    fast_many = time_identify(64, runs);
    stop_writers(pids, 64);
    memset(pids, 0, sizeof(pids));

    /* writers that take 10 ms to answer: the fan-out */
    if (spawn(pids, 0, 1, 1)) goto done;
    one = time_identify(1, runs);
    if (spawn(pids, 1, 64, 1)) goto done;
    many = time_identify(64, runs);
    if (one <= 0 || many <= 0 || fast_one <= 0 || fast_many <= 0) goto done;

    /* the freeze window with 16 writers, and with 1 for scale */
    stop_writers(pids + 16, 48);
    memset(pids + 16, 0, 48 * sizeof(pids[0]));
    if (time_freeze_window(16, runs, &freeze_med, &freeze_max)) goto done;
    stop_writers(pids + 1, 15);
    memset(pids + 1, 0, 15 * sizeof(pids[0]));
    if (time_freeze_window(1, runs, &freeze_one, &freeze_one_max)) goto done;

    row("Identify, 64 writers (10 ms each)", many / 1000.0, one / 1000.0, "1 writer", IDENTIFY_LIMIT);
    row("Identify overhead, 64 writers", fast_many / 1000.0, fast_one / 1000.0, "1 writer", 0);
    row("freeze window, 16 writers", freeze_med / 1000.0, freeze_one / 1000.0, "1 writer", 0);
    if (!quiet)
    {
        printf("  identify: writers whose OnIdentify takes 10 ms (fan-out), then ones that answer at once\n"
               "  (the machinery: %.1f us per writer on %ld CPUs); freeze window: first Freeze sent to last\n"
               "  Thaw answered, largest of %d sets %.2f ms; medians of %d runs\n",
               (fast_many - fast_one) / 63.0, sysconf(_SC_NPROCESSORS_ONLN), runs, freeze_max / 1000.0, runs);
    }
    status = bench_failures ? 1 : 0;

done:
    stop_writers(pids, 64);
    rmdir(run_dir);
    if (status) fprintf(stderr, "bench_writers: failed%s\n", bench_failures ? " (over the limit)" : "");
    return status;
}
