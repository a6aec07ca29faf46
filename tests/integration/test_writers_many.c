/*
 * test_writers_many.c: many writers at once.  64 writer processes (C and C++
 * alternating) each get every backup event once and in order; instances of
 * one writer class, in separate processes and together in one process, are
 * told apart by instance id and name (VSS-FACTS.md §1.1) and each gets its
 * own events and its own part of the backup components document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsserror.h>
#include "bcd.h"
#include "coordinator.h"
#include "harness.h"
#include "lib/writer_procs.h"
#include "lib/writer_session.h"

#define MANY 64

static const char *const backup_events[] = { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw",
                                              "PostSnapshot", "BackupComplete", "BackupShutdown", NULL };

static void run_backup(struct coordinator *c, const char *log, unsigned int expect_frozen)
{
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    struct bcd *bcd;

    ws_set_state(c);
    bcd = ws_bcd(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bcd);
    provider.c = c;
    provider.log = log;
    ops = ws_provider_ops(&provider);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, bcd, &ops), S_OK);
    CU_ASSERT_EQUAL(provider.frozen_at_commit, expect_frozen);
    CU_ASSERT_EQUAL(provider.thawed_at_commit, 0);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
    {
        CU_ASSERT_EQUAL(coordinator_writer(c, i)->state, VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
        CU_ASSERT_EQUAL(coordinator_writer(c, i)->failure, S_OK);
    }
    CU_ASSERT_EQUAL(coordinator_backup_complete(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    bcd_release(bcd);
}

static void test_64_processes(void)
{
    const char *log = wp_path("many.log");
    static char names[MANY][16], ids[MANY][48];
    pid_t pids[MANY];
    struct coordinator *c;
    struct wp_log lines;
    int started = 0;

    ws_use_dir("many");
    for (int i = 0; i < MANY; i++)
    {
        const char *args[] = { "--log", log, "--name", names[i], "--id", ids[i], NULL };

        snprintf(names[i], sizeof(names[i]), "W%02d", i);
        snprintf(ids[i], sizeof(ids[i]), "{6d0a8a35-1b2c-4d5e-8f90-0000000001%02x}", i);
        pids[i] = wp_start(i % 2 ? "test_writer_cxx" : "test_writer_c", args);
        if (pids[i] > 0) started++;
    }
    CU_ASSERT_EQUAL_FATAL(started, MANY);

    c = ws_coordinator(0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), MANY);
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
        CU_ASSERT_PTR_NOT_NULL(coordinator_writer(c, i)->wmd);
    run_backup(c, log, MANY);
    coordinator_free(c);
    for (int i = 0; i < MANY; i++) CU_ASSERT_EQUAL(wp_stop(pids[i]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    for (int i = 0; i < MANY; i++) ws_check_sequence(&lines, names[i], backup_events);
    wp_log_free(&lines);
}

/* Two instances of one class in two processes, and two more in one process. */
static void test_instances_of_one_class(void)
{
    const char *log = wp_path("instances.log");
    const char *one[] = { "--log", log, "--name", "Multi", "--instance", "alpha", NULL };
    const char *two[] = { "--log", log, "--name", "Multi", "--instance", "beta", NULL };
    const char *pair[] = { "--log", log, "--name", "Multi", "--instance", "pair", "--instances", "2", NULL };
    const char *labels[] = { "alpha", "beta", "pair#1", "pair#2" };
    GUID instances[4];
    pid_t pids[3];
    struct coordinator *c;
    struct wp_log lines;

    ws_use_dir("instances");
    pids[0] = wp_start("test_writer_c", one);
    pids[1] = wp_start("test_writer_cxx", two);
    pids[2] = wp_start("test_writer_cxx", pair);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0 && pids[2] > 0);

    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL_FATAL(coordinator_writer_count(c), 4);
    for (int k = 0; k < 4; k++)
    {
        bool found = false;

        for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
        {
            const struct coordinator_writer *w = coordinator_writer(c, i);
            if (!w->instance_name || strcmp(w->instance_name, labels[k])) continue;
            found = true;
            instances[k] = w->instance_id;
            CU_ASSERT_STRING_EQUAL(w->name, "Multi");
            CU_ASSERT(IsEqualGUID(&w->class_id, &coordinator_writer(c, 0)->class_id));
            CU_ASSERT_EQUAL(w->pid, pids[k < 2 ? k : 2]);
        }
        CU_ASSERT(found);
    }
    /* one class, four instance ids */
    for (int a = 0; a < 4; a++)
        for (int b = a + 1; b < 4; b++) CU_ASSERT(!IsEqualGUID(&instances[a], &instances[b]));

    run_backup(c, log, 4);
    coordinator_free(c);
    for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(wp_stop(pids[i]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    for (int k = 0; k < 4; k++) ws_check_sequence(&lines, labels[k], backup_events);
    wp_log_free(&lines);
}

static int suite_init(void)
{
    chmod(umbra_test_tmpdir(), 0755);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

static CU_TestInfo many_tests[] =
{
    { "64 writer processes", test_64_processes },
    { "instances of one writer class", test_instances_of_one_class },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(writers_many, suite_init, NULL, many_tests);
