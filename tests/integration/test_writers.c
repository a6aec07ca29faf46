/*
 * test_writers.c: writers in their own processes driven by the coordinator
 * (issue 4): a C writer on the callback table and a C++ CVssWriter subclass
 * get every backup and restore event once, in Microsoft's order, with the
 * backup's details (VSS-FACTS.md §1.2-1.4, §1.7); freeze goes by application
 * level (§1.3); filters keep writers out (§2.3 rows 45-47); AbortBackup follows
 * §1.6; a writer that does not answer is VSS_E_WRITER_NOT_RESPONDING.
 * Vetoes, hangs, crashes and hostile peers are in test_writers_faults.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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


static const char *const cxx_id = "{6d0a8a35-1b2c-4d5e-8f90-000000000002}";

static void test_full_backup(void)
{
    static const char *const backup_events[] = { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze",
                                                  "Thaw", "PostSnapshot", "BackupComplete", "BackupShutdown",
                                                  NULL };
    const char *log = wp_path("full.log");
    const char *c_args[] = { "--log", log, "--name", "C Writer", NULL };
    const char *x_args[] = { "--log", log, "--name", "Cxx Writer", "--id", cxx_id, NULL };
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    const struct coordinator_writer *cw, *xw;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    struct bcd_component *comp;
    GUID c_instance, c_class, x_instance, x_class;
    pid_t cpid, xpid;
    int i;

    ws_use_dir("full");
    cpid = wp_start("test_writer_c", c_args);
    xpid = wp_start("test_writer_cxx", x_args);
    CU_ASSERT_FATAL(cpid > 0 && xpid > 0);
    c = ws_coordinator(0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);

    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 2);
    cw = ws_writer_named(c, "C Writer");
    xw = ws_writer_named(c, "Cxx Writer");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xw);
    CU_ASSERT_EQUAL(cw->pid, cpid);
    CU_ASSERT_EQUAL(xw->pid, xpid);
    CU_ASSERT_EQUAL(cw->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(cw->level, VSS_APP_FRONT_END);
    CU_ASSERT_EQUAL(cw->freeze_timeout_ms, 60000);
    CU_ASSERT_EQUAL(xw->event_mask, VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG);
    CU_ASSERT_PTR_NOT_NULL(cw->wmd);
    CU_ASSERT_PTR_NOT_NULL(xw->wmd);
    /* the writers' metadata: identity, and what OnIdentify added */
    if (cw->wmd)
    {
        CU_ASSERT_PTR_NOT_NULL(strstr(cw->wmd, "C Writer"));
        CU_ASSERT_PTR_NOT_NULL(strstr(cw->wmd, "CData"));
        CU_ASSERT_PTR_NOT_NULL(strstr(cw->wmd, "/srv/c-data"));
    }
    if (xw->wmd)
    {
        CU_ASSERT_PTR_NOT_NULL(strstr(xw->wmd, "6d0a8a35-1b2c-4d5e-8f90-000000000002"));
        CU_ASSERT_PTR_NOT_NULL(strstr(xw->wmd, "CxxData"));
        CU_ASSERT_PTR_NOT_NULL(strstr(xw->wmd, "*.db"));
    }
    c_instance = cw->instance_id;
    c_class = cw->class_id;
    x_instance = xw->instance_id;
    x_class = xw->class_id;

    ws_set_state(c);
    bcd = ws_bcd(c);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    /* what each writer wrote into its component in OnPrepareBackup is in the BCD */
    comp = bcd_find_component(bcd, &c_instance, &c_class, 0, NULL, "Data");
    CU_ASSERT(comp && comp->backup_metadata && !strcmp(comp->backup_metadata, "PrepareBackup by C Writer"));
    comp = bcd_find_component(bcd, &x_instance, &x_class, 0, NULL, "Data");
    CU_ASSERT(comp && comp->backup_metadata && !strcmp(comp->backup_metadata, "PrepareBackup by Cxx Writer"));
    provider.c = c;
    provider.log = log;
    ops = ws_provider_ops(&provider);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, bcd, &ops), S_OK);
    CU_ASSERT_EQUAL(provider.prepared, 1);
    CU_ASSERT_EQUAL(provider.committed, 1);
    CU_ASSERT_EQUAL(provider.thawed_after, 1);
    CU_ASSERT_EQUAL(provider.aborted, 0);
    /* the provider commits while every writer is frozen and none thawed (§1.3 c-i) */
    CU_ASSERT_EQUAL(provider.frozen_at_commit, 2);
    CU_ASSERT_EQUAL(provider.thawed_at_commit, 0);

    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    cw = ws_writer_named(c, "C Writer");
    xw = ws_writer_named(c, "Cxx Writer");
    CU_ASSERT_EQUAL(cw->state, VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    CU_ASSERT_EQUAL(xw->state, VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    CU_ASSERT_EQUAL(cw->failure, S_OK);

    CU_ASSERT_EQUAL(coordinator_backup_complete(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(ws_writer_named(c, "C Writer")->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);

    CU_ASSERT_EQUAL(wp_stop(cpid), 0);
    CU_ASSERT_EQUAL(wp_stop(xpid), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    ws_check_sequence(&lines, "C Writer", backup_events);
    ws_check_sequence(&lines, "Cxx Writer", backup_events);

    /* what the protected helpers told the handlers (§1.4, CVssWriter pages) */
    i = wp_log_find(&lines, "C Writer PrepareSnapshot", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "volumes=1 vol0=/srv/data/ "
                                               "set=" WS_SET_ID_TEXT " context=0 affected=1"));
    /* GetIdentityInformation gives back the writer's own metadata: one component */
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "identity=1"));
    i = wp_log_find(&lines, "Cxx Writer PrepareSnapshot", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "volumes=1 vol0=/srv/data/ "
                                               "set=" WS_SET_ID_TEXT " context=0 affected=1"));
    i = wp_log_find(&lines, "C Writer PrepareBackup", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "components=1 selected=1 type=1"));
    i = wp_log_find(&lines, "Cxx Writer PrepareBackup", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "components=1 selected=1 type=1"));
    i = wp_log_find(&lines, "C Writer Identify", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "metadata=1"));
    i = wp_log_find(&lines, "Cxx Writer Freeze", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "level=3"));
    i = wp_log_find(&lines, "C Writer PostSnapshot", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "device0=/snapshots/@GMT-2024.01.01-00.00.00"));
    i = wp_log_find(&lines, "Cxx Writer PostSnapshot", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "device0=/snapshots/@GMT-2024.01.01-00.00.00"));
    i = wp_log_find(&lines, "Cxx Writer BackupShutdown", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "set=" WS_SET_ID_TEXT));
    wp_log_free(&lines);
}

/* A restore: PreRestore and PostRestore once each, and never Abort (§1.6, §1.7). */
static void test_restore(void)
{
    static const char *const restore_events[] = { "Identify", "PreRestore", "PostRestore", NULL };
    const char *log = wp_path("restore.log");
    const char *args[] = { "--log", log, "--name", "C Writer", NULL };
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pid;
    int i;

    ws_use_dir("restore");
    CU_ASSERT_FATAL((pid = wp_start("test_writer_c", args)) > 0);
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL_FATAL(coordinator_writer_count(c), 1);
    ws_set_state(c);
    bcd = ws_bcd(c);
    bcd->restore_type = VSS_RTYPE_BY_COPY;
    CU_ASSERT_EQUAL(coordinator_pre_restore(c, bcd), S_OK);
    /* AbortBackup during a restore sends nothing */
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_post_restore(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->state, VSS_WS_STABLE);
    coordinator_free(c);
    bcd_release(bcd);
    CU_ASSERT_EQUAL(wp_stop(pid), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    ws_check_sequence(&lines, "C Writer", restore_events);
    i = wp_log_find(&lines, "C Writer PreRestore", 0);
    CU_ASSERT(i >= 0 && strstr(lines.lines[i], "selected=1 type=1"));
    wp_log_free(&lines);
}

/* Freeze goes front end, back end, system; thaw the other way (§1.3). */
static void test_freeze_levels(void)
{
    const char *log = wp_path("levels.log");
    const char *sys[] = { "--log", log, "--name", "Sys", "--level", "system", "--id",
                          "{6d0a8a35-1b2c-4d5e-8f90-000000000011}", NULL };
    const char *back[] = { "--log", log, "--name", "Back", "--level", "back", "--id",
                           "{6d0a8a35-1b2c-4d5e-8f90-000000000012}", NULL };
    const char *front[] = { "--log", log, "--name", "Front", "--level", "front", "--id",
                            "{6d0a8a35-1b2c-4d5e-8f90-000000000013}", NULL };
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pids[3];

    ws_use_dir("levels");
    pids[0] = wp_start("test_writer_c", sys);
    pids[1] = wp_start("test_writer_cxx", back);
    pids[2] = wp_start("test_writer_c", front);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0 && pids[2] > 0);
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 3);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Sys")->level, VSS_APP_SYSTEM);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Back")->level, VSS_APP_BACK_END);
    ws_set_state(c);
    bcd = ws_bcd(c);
    provider.c = c;
    provider.log = log;
    ops = ws_provider_ops(&provider);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, bcd, &ops), S_OK);
    CU_ASSERT_EQUAL(provider.frozen_at_commit, 3);
    CU_ASSERT_EQUAL(provider.thawed_at_commit, 0);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);
    for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(wp_stop(pids[i]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    CU_ASSERT(wp_log_find(&lines, "Front Freeze level=3", 0) >= 0);
    CU_ASSERT(wp_log_find(&lines, "Back Freeze level=2", 0) >= 0);
    CU_ASSERT(wp_log_find(&lines, "Sys Freeze level=1", 0) >= 0);
    CU_ASSERT(wp_log_find(&lines, "Front Freeze", 0) < wp_log_find(&lines, "Back Freeze", 0));
    CU_ASSERT(wp_log_find(&lines, "Back Freeze", 0) < wp_log_find(&lines, "Sys Freeze", 0));
    CU_ASSERT(wp_log_find(&lines, "Sys Freeze", 0) < wp_log_find(&lines, "Sys Thaw", 0));
    CU_ASSERT(wp_log_find(&lines, "Sys Thaw", 0) < wp_log_find(&lines, "Back Thaw", 0));
    CU_ASSERT(wp_log_find(&lines, "Back Thaw", 0) < wp_log_find(&lines, "Front Thaw", 0));
    wp_log_free(&lines);
}

static unsigned int identify_with(void (*filter)(struct coordinator *, const GUID *), const GUID *arg,
                                  const char *expect_a, const char *expect_b)
{
    struct coordinator *c = ws_coordinator(0);
    unsigned int n;

    if (!c) return 0;
    if (filter) filter(c, arg);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    n = coordinator_writer_count(c);
    if (expect_a) CU_ASSERT_PTR_NOT_NULL(ws_writer_named(c, expect_a));
    if (expect_b) CU_ASSERT_PTR_NOT_NULL(ws_writer_named(c, expect_b));
    coordinator_free(c);
    return n;
}

static const GUID class_a = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 0x21 } };
static const GUID class_b = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 0x22 } };
static GUID instance_b2;

static void disable_a(struct coordinator *c, const GUID *id)
{
    CU_ASSERT_EQUAL(coordinator_disable_writer_classes(c, id, 1), S_OK);
}

static void disable_then_enable_a(struct coordinator *c, const GUID *id)
{
    /* the first enable cancels earlier disables (§2.3 row 46) */
    CU_ASSERT_EQUAL(coordinator_disable_writer_classes(c, id, 1), S_OK);
    CU_ASSERT_EQUAL(coordinator_enable_writer_classes(c, id, 1), S_OK);
}

static void disable_instance(struct coordinator *c, const GUID *id)
{
    CU_ASSERT_EQUAL(coordinator_disable_writer_instances(c, id, 1), S_OK);
}

/* DisableWriterClasses, EnableWriterClasses, DisableWriterInstances (§2.3 rows
 * 45-47), and a filter set after Identify changes nothing (R4). */
static void test_filters(void)
{
    const char *log = wp_path("filters.log");
    const char *a[] = { "--log", log, "--name", "A", "--id", "{6d0a8a35-1b2c-4d5e-8f90-000000000021}", NULL };
    const char *b[] = { "--log", log, "--name", "B", "--instance", "one", "--id",
                        "{6d0a8a35-1b2c-4d5e-8f90-000000000022}", NULL };
    const char *b2[] = { "--log", log, "--name", "B", "--instance", "two", "--id",
                         "{6d0a8a35-1b2c-4d5e-8f90-000000000022}", NULL };
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pids[3];

    ws_use_dir("filters");
    pids[0] = wp_start("test_writer_c", a);
    pids[1] = wp_start("test_writer_c", b);
    pids[2] = wp_start("test_writer_cxx", b2);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0 && pids[2] > 0);

    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 3);
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
    {
        const struct coordinator_writer *w = coordinator_writer(c, i);
        if (w->instance_name && !strcmp(w->instance_name, "two")) instance_b2 = w->instance_id;
    }
    coordinator_free(c);

    CU_ASSERT_EQUAL(identify_with(disable_a, &class_a, NULL, NULL), 2);
    CU_ASSERT_EQUAL(identify_with(disable_then_enable_a, &class_a, "A", NULL), 1);
    CU_ASSERT_EQUAL(identify_with(disable_a, &class_b, "A", NULL), 1);
    CU_ASSERT_EQUAL(identify_with(disable_instance, &instance_b2, "A", "B"), 2);

    /* too late: the writers are already known */
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_disable_writer_classes(c, &class_a, 1), S_OK);
    ws_set_state(c);
    bcd = ws_bcd(c);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);
    for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(wp_stop(pids[i]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    /* Identify reached A in the first, the enable and the disable-B and -instance
     * rounds and the last: 5 times; the second instance of B 4 times */
    CU_ASSERT_EQUAL(wp_log_count(&lines, "A Identify"), 5);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "one Identify"), 4);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "two Identify"), 3);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "A PrepareBackup"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "A Abort"), 1);
    wp_log_free(&lines);
}

/* AbortBackup (§1.6): nothing in progress -> nothing sent; between
 * PrepareForBackup and the end of DoSnapshotSet -> Abort once; after a
 * finished set -> nothing. */
static void test_abort_rules(void)
{
    const char *log = wp_path("abort.log");
    const char *args[] = { "--log", log, "--name", "W", NULL };
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pid;

    ws_use_dir("abort");
    CU_ASSERT_FATAL((pid = wp_start("test_writer_c", args)) > 0);

    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    ws_set_state(c);
    bcd = ws_bcd(c);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);

    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    ws_set_state(c);
    bcd = ws_bcd(c);
    provider.c = c;
    ops = ws_provider_ops(&provider);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, bcd, &ops), S_OK);
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    coordinator_free(c);   /* released without BackupShutdown: the writer sees its requester go */
    bcd_release(bcd);

    /* the writer process takes the closed connection as the requester dying
     * after the set was made: BackupShutdown and no Abort (§1.2 step 20) */
    for (int tries = 0; tries < 500; tries++)
    {
        unsigned int n = 0;
        if (!wp_log_read(log, &lines))
        {
            n = wp_log_count(&lines, "W BackupShutdown");
            wp_log_free(&lines);
        }
        if (n == 2) break;
        wp_sleep_ms(10);
    }
    CU_ASSERT_EQUAL(wp_stop(pid), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "W Abort"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "W BackupShutdown"), 2);
    CU_ASSERT(wp_log_find(&lines, "W Abort", 0) < wp_log_find(&lines, "W BackupShutdown", 0));
    CU_ASSERT_EQUAL(wp_log_count(&lines, "W PostSnapshot"), 1);
    wp_log_free(&lines);
}

/* A writer that does not answer is VSS_E_WRITER_NOT_RESPONDING (§1.5, DESIGN.md §4). */
static void test_not_responding(void)
{
    const char *args[] = { "--name", "Sleepy", NULL };
    const struct coordinator_writer *w;
    struct coordinator *c;
    pid_t pid;

    ws_use_dir("sleepy");
    CU_ASSERT_FATAL((pid = wp_start("test_writer_c", args)) > 0);
    kill(pid, SIGSTOP);
    c = ws_coordinator(300);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL_FATAL(coordinator_writer_count(c), 1);
    w = coordinator_writer(c, 0);
    CU_ASSERT_PTR_NULL(w->wmd);
    CU_ASSERT_EQUAL(w->state, VSS_WS_FAILED_AT_IDENTIFY);
    CU_ASSERT_EQUAL(w->failure, VSS_E_WRITER_NOT_RESPONDING);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->failure, VSS_E_WRITER_NOT_RESPONDING);
    kill(pid, SIGCONT);
    /* awake again, it answers; the late Identify answer is told apart and dropped */
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->failure, S_OK);
    coordinator_free(c);
    CU_ASSERT_EQUAL(wp_stop(pid), 0);
}

/* CVssWriterEx2: Identify reaches OnIdentifyEx; SetWriterFailureEx's
 * application code and message reach GetWriterStatusEx (§2.3 row 60). */
static void test_ex_writer(void)
{
    const char *log = wp_path("ex.log");
    const char *args[] = { "--log", log, "--name", "ExWriter", "--ex", "--veto", "PrepareBackup",
                           "--veto-hr", "800423f1", "--app-message", "disk full", NULL };
    const struct coordinator_writer *w;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    char session[64];
    pid_t pid;

    ws_use_dir("ex");
    CU_ASSERT_FATAL((pid = wp_start("test_writer_cxx", args)) > 0);
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    {
        const GUID *g = coordinator_session_id(c);
        snprintf(session, sizeof(session), "session={%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                 g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
                 g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    }
    ws_set_state(c);
    bcd = ws_bcd(c);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    w = coordinator_writer(c, 0);
    CU_ASSERT_EQUAL(w->state, VSS_WS_FAILED_AT_PREPARE_BACKUP);
    CU_ASSERT_EQUAL(w->failure, VSS_E_WRITERERROR_OUTOFRESOURCES);
    CU_ASSERT_EQUAL(w->app_failure, E_FAIL);
    CU_ASSERT(w->app_message && !strcmp(w->app_message, "disk full"));
    CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);
    CU_ASSERT_EQUAL(wp_stop(pid), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    CU_ASSERT(wp_log_find(&lines, "ExWriter Identify metadata=1", 0) >= 0
              && strstr(lines.lines[wp_log_find(&lines, "ExWriter Identify", 0)], "ex=1"));
    /* CVssWriterEx2::GetSessionId is the requester's session (§2.3 row 63) */
    CU_ASSERT(wp_log_find(&lines, "ExWriter Identify", 0) >= 0
              && strstr(lines.lines[wp_log_find(&lines, "ExWriter Identify", 0)], session));
    CU_ASSERT_EQUAL(wp_log_count(&lines, "ExWriter veto PrepareBackup"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "ExWriter Abort"), 1);
    wp_log_free(&lines);
}

static int suite_init(void)
{
    /* the peer-credential tests run children as nobody: they must reach the sockets */
    chmod(umbra_test_tmpdir(), 0755);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

static CU_TestInfo writers_tests[] =
{
    { "full backup, C and C++ writers", test_full_backup },
    { "restore", test_restore },
    { "freeze by application level", test_freeze_levels },
    { "writer class and instance filters", test_filters },
    { "AbortBackup rules", test_abort_rules },
    { "writer not responding", test_not_responding },
    { "CVssWriterEx2 writer", test_ex_writer },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(writers, suite_init, NULL, writers_tests);
