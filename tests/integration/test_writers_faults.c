/*
 * test_writers_faults.c: writers that fail, and peers that misbehave.
 * A writer vetoes each event in turn (VSS-FACTS.md §1.4 states, §1.6 abort
 * rules); one hangs in OnFreeze past its freeze timeout (§1.5); one is killed
 * during Freeze; a requester dies while its writers are frozen (they thaw
 * themselves and abort, DESIGN.md §4); a peer with another uid is refused;
 * junk, truncated and oversized frames are refused while the writer keeps
 * serving; and the in-process API refuses bad arguments and double
 * subscriptions (VSS_E_WRITER_ALREADY_SUBSCRIBED).
 */
#define COBJMACROS
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsserror.h>
#include "bcd.h"
#include "coordinator.h"
#include "transport.h"
#include "wire.h"
#include "harness.h"
#include "lib/writer_procs.h"
#include "lib/writer_session.h"

static const char *const other_id = "{6d0a8a35-1b2c-4d5e-8f90-000000000002}";

/* --- a writer vetoes each event in turn ------------------------------------------ */

struct veto_case
{
    const char *event;
    VSS_WRITER_STATE state;     /* the vetoing writer's state afterwards */
    bool restore;               /* a restore sequence instead of a backup */
    bool aborts_set;            /* DoSnapshotSet fails and every writer gets Abort */
    const char *const vetoer[10];   /* the events the vetoing writer sees, in order */
    const char *const other[10];    /* ... and the writer beside it */
};

static const struct veto_case veto_cases[] =
{
    /* Identify: the writer drops out of the backup (§1.2 step 6); SetWriterFailure
     * is refused in OnIdentify, so the failure is the default */
    { "Identify", VSS_WS_FAILED_AT_IDENTIFY, false, false,
      { "Identify", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown", NULL } },
    /* a veto in PrepareForBackup shows in the status; the requester aborts (step 12) */
    { "PrepareBackup", VSS_WS_FAILED_AT_PREPARE_BACKUP, false, false,
      { "Identify", "PrepareBackup", "Abort", "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "Abort", "BackupShutdown", NULL } },
    { "PrepareSnapshot", VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, false, true,
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Abort", "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Abort", "BackupShutdown", NULL } },
    { "Freeze", VSS_WS_FAILED_AT_FREEZE, false, true,
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Abort", "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Abort", "BackupShutdown", NULL } },
    { "Thaw", VSS_WS_FAILED_AT_THAW, false, true,
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "Abort", "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "Abort", "BackupShutdown", NULL } },
    /* after the set exists a veto no longer aborts it */
    { "PostSnapshot", VSS_WS_FAILED_AT_POST_SNAPSHOT, false, false,
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown", NULL } },
    { "BackupComplete", VSS_WS_FAILED_AT_BACKUP_COMPLETE, false, false,
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown", NULL } },
    { "BackupShutdown", VSS_WS_FAILED_AT_BACKUPSHUTDOWN, false, false,
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown", NULL },
      { "Identify", "PrepareBackup", "PrepareSnapshot", "Freeze", "Thaw", "PostSnapshot", "BackupComplete",
        "BackupShutdown", NULL } },
    { "PreRestore", VSS_WS_FAILED_AT_PRE_RESTORE, true, false,
      { "Identify", "PreRestore", NULL },
      { "Identify", "PreRestore", "PostRestore", NULL } },
    { "PostRestore", VSS_WS_FAILED_AT_POST_RESTORE, true, false,
      { "Identify", "PreRestore", "PostRestore", NULL },
      { "Identify", "PreRestore", "PostRestore", NULL } },
};

/* Events of a log line list without the "veto" lines the writer adds. */
static void check_events(const struct wp_log *log, const char *label, const char *const *events)
{
    struct wp_log only = { 0 };
    char prefix[64];

    snprintf(prefix, sizeof(prefix), "%s veto", label);
    only.lines = calloc(log->count + 1, sizeof(char *));
    for (unsigned int i = 0; i < log->count; i++)
        if (strncmp(log->lines[i], prefix, strlen(prefix))) only.lines[only.count++] = log->lines[i];
    ws_check_sequence(&only, label, events);
    free(only.lines);
}

static void run_veto_case(const struct veto_case *vc)
{
    char log[256], dir[64];
    const char *vetoer[] = { "--log", log, "--name", "Vetoer", "--veto", vc->event, NULL };
    const char *other[] = { "--log", log, "--name", "Other", "--id", other_id, NULL };
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    const struct coordinator_writer *w;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pids[2];
    HRESULT hr;

    snprintf(dir, sizeof(dir), "veto-%s", vc->event);
    snprintf(log, sizeof(log), "%s", wp_path(dir));
    strcat(log, ".log");
    ws_use_dir(dir);
    pids[0] = wp_start("test_writer_c", vetoer);
    pids[1] = wp_start("test_writer_cxx", other);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0);

    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    ws_set_state(c);
    bcd = ws_bcd(c);
    provider.c = c;
    ops = ws_provider_ops(&provider);
    if (vc->restore)
    {
        CU_ASSERT_EQUAL(coordinator_pre_restore(c, bcd), S_OK);
        CU_ASSERT_EQUAL(coordinator_post_restore(c, bcd), S_OK);
    }
    else
    {
        CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
        CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
        w = ws_writer_named(c, "Vetoer");
        if (w->state == VSS_WS_FAILED_AT_PREPARE_BACKUP)
        {
            CU_ASSERT_EQUAL(coordinator_abort(c), S_OK);   /* what a requester does (§1.2 step 12) */
        }
        else
        {
            hr = coordinator_do_snapshot_set(c, bcd, &ops);
            if (vc->aborts_set)
            {
                /* DoSnapshotSet reports the writer's own failure code */
                CU_ASSERT_EQUAL(hr, VSS_E_WRITERERROR_RETRYABLE);
                CU_ASSERT_EQUAL(provider.aborted, 1);
                CU_ASSERT_EQUAL(provider.prepared, !strcmp(vc->event, "PrepareSnapshot") ? 0 : 1);
                CU_ASSERT_EQUAL(provider.committed, !strcmp(vc->event, "Thaw") ? 1 : 0);
            }
            else
            {
                CU_ASSERT_EQUAL(hr, S_OK);
                CU_ASSERT_EQUAL(provider.aborted, 0);
                CU_ASSERT_EQUAL(coordinator_backup_complete(c, bcd), S_OK);
            }
        }
        CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    }
    if (strcmp(vc->event, "BackupShutdown")) CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);

    w = ws_writer_named(c, "Vetoer");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(w->state, vc->state);
    if (w->state != vc->state) fprintf(stderr, "veto %s: state %d\n", vc->event, w->state);
    CU_ASSERT_EQUAL(w->failure, !strcmp(vc->event, "Identify") ? VSS_E_WRITERERROR_NONRETRYABLE
                                                               : VSS_E_WRITERERROR_RETRYABLE);
    if (!strcmp(vc->event, "Identify")) CU_ASSERT_PTR_NULL(w->wmd);
    w = ws_writer_named(c, "Other");
    CU_ASSERT(w->state < VSS_WS_FAILED_AT_IDENTIFY);
    coordinator_free(c);
    bcd_release(bcd);
    CU_ASSERT_EQUAL(wp_stop(pids[0]), 0);
    CU_ASSERT_EQUAL(wp_stop(pids[1]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    check_events(&lines, "Vetoer", vc->vetoer);
    check_events(&lines, "Other", vc->other);
    wp_log_free(&lines);
}

static void test_veto_each_event(void)
{
    for (unsigned int i = 0; i < ARRAYSIZE(veto_cases); i++) run_veto_case(&veto_cases[i]);
}

/* --- timeouts and crashes --------------------------------------------------------- */

/* A writer stuck in OnFreeze past dwTimeoutFreeze: VSS_E_WRITERERROR_TIMEOUT,
 * the set is aborted, and the stuck writer gets Abort once its OnFreeze
 * returns (§1.5). */
static void test_hang_in_freeze(void)
{
    const char *log = wp_path("hang.log");
    const char *hung[] = { "--log", log, "--name", "Hung", "--hang", "Freeze:1500", "--freeze-timeout", "400", NULL };
    const char *other[] = { "--log", log, "--name", "Other", "--id", other_id, NULL };
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pids[2];

    ws_use_dir("hang");
    pids[0] = wp_start("test_writer_c", hung);
    pids[1] = wp_start("test_writer_cxx", other);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0);
    c = ws_coordinator(5000);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Hung")->freeze_timeout_ms, 400);
    ws_set_state(c);
    bcd = ws_bcd(c);
    provider.c = c;
    ops = ws_provider_ops(&provider);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, bcd, &ops), VSS_E_WRITERERROR_TIMEOUT);
    CU_ASSERT_EQUAL(provider.committed, 0);
    CU_ASSERT_EQUAL(provider.aborted, 1);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Hung")->state, VSS_WS_FAILED_AT_FREEZE);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Hung")->failure, VSS_E_WRITERERROR_TIMEOUT);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Hung")->state, VSS_WS_FAILED_AT_FREEZE);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Hung")->failure, VSS_E_WRITERERROR_TIMEOUT);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Other")->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);
    CU_ASSERT_EQUAL(wp_stop(pids[0]), 0);
    CU_ASSERT_EQUAL(wp_stop(pids[1]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    /* OnAbort once, after OnFreeze, and no OnThaw */
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Hung Abort"), 1);
    CU_ASSERT(wp_log_find(&lines, "Hung Freeze", 0) < wp_log_find(&lines, "Hung Abort", 0));
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Hung Thaw"), 0);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Other Abort"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Other Thaw"), 0);
    wp_log_free(&lines);
}

/* A writer killed during Freeze is marked failed; the set is aborted and the
 * other writers get Abort (§1.6). */
static void test_killed_in_freeze(void)
{
    const char *log = wp_path("killed.log");
    const char *dying[] = { "--log", log, "--name", "Dying", "--die", "Freeze", NULL };
    const char *other[] = { "--log", log, "--name", "Other", "--id", other_id, NULL };
    struct ws_provider provider = { 0 };
    struct coordinator_snapshot_ops ops;
    struct coordinator *c;
    struct wp_log lines;
    struct bcd *bcd;
    pid_t pids[2];

    ws_use_dir("killed");
    pids[0] = wp_start("test_writer_c", dying);
    pids[1] = wp_start("test_writer_cxx", other);
    CU_ASSERT_FATAL(pids[0] > 0 && pids[1] > 0);
    c = ws_coordinator(5000);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    ws_set_state(c);
    bcd = ws_bcd(c);
    provider.c = c;
    ops = ws_provider_ops(&provider);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, bcd), S_OK);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, bcd, &ops), VSS_E_WRITER_NOT_RESPONDING);
    CU_ASSERT_EQUAL(provider.aborted, 1);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Dying")->state, VSS_WS_FAILED_AT_FREEZE);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Dying")->failure, VSS_E_WRITER_NOT_RESPONDING);
    CU_ASSERT_EQUAL(ws_writer_named(c, "Other")->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);
    bcd_release(bcd);
    CU_ASSERT_EQUAL(wp_stop(pids[0]), 128 + SIGKILL);
    CU_ASSERT_EQUAL(wp_stop(pids[1]), 0);

    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Dying Freeze"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Dying Abort"), 0);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Other Abort"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Other BackupShutdown"), 1);
    wp_log_free(&lines);
}

static HRESULT die_in_commit(void *ctx)
{
    (void)ctx;
    kill(getpid(), SIGKILL);
    return E_FAIL;
}

/* The requester dies while its writers are frozen: each writer thaws itself
 * when its freeze timeout runs out, gets OnAbort, then BackupShutdown as the
 * service sends for a requester that died (DESIGN.md §4, §1.2 step 20). */
static void test_requester_dies_frozen(void)
{
    const char *log = wp_path("orphan.log");
    const char *args[] = { "--log", log, "--name", "Orphan", "--freeze-timeout", "300", NULL };
    struct wp_log lines;
    pid_t writer, requester;
    int status;

    ws_use_dir("orphan");
    CU_ASSERT_FATAL((writer = wp_start("test_writer_c", args)) > 0);
    requester = fork();
    if (!requester)
    {
        /* static: still reachable when the process dies, so no leak checker
         * counts what a dying requester could not free */
        static struct coordinator *c, *c2;
        static struct bcd *bcd;

        c = ws_coordinator(0);
        coordinator_identify(c);
        ws_set_state(c);
        bcd = ws_bcd(c);
        coordinator_prepare_backup(c, bcd);
        coordinator_do_snapshot_set(c, bcd, NULL);   /* completes: not yet frozen */
        /* a second set whose provider step never returns: the process dies in it */
        {
            struct coordinator_snapshot_ops ops = { 0 };
            c2 = ws_coordinator(0);
            coordinator_identify(c2);
            ws_set_state(c2);
            coordinator_prepare_backup(c2, bcd);
            ops.commit = die_in_commit;
            coordinator_do_snapshot_set(c2, bcd, &ops);
        }
        _exit(3);
    }
    CU_ASSERT_FATAL(requester > 0);
    CU_ASSERT_EQUAL(waitpid(requester, &status, 0), requester);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* frozen with nobody to thaw it: Abort after 300 ms, then BackupShutdown;
     * the first backup, finished and abandoned, gets nothing more */
    CU_ASSERT_EQUAL(ws_wait_for_line(log, "Orphan BackupShutdown", 1), 0);
    CU_ASSERT_EQUAL(wp_stop(writer), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Orphan Freeze"), 2);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Orphan Thaw"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Orphan Abort"), 1);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Orphan BackupShutdown"), 1);
    {
        int second_freeze = wp_log_find(&lines, "Orphan Freeze", wp_log_find(&lines, "Orphan Freeze", 0) + 1);
        int abort_at = wp_log_find(&lines, "Orphan Abort", 0);
        int last_shutdown = wp_log_find(&lines, "Orphan BackupShutdown", (unsigned int)(abort_at > 0 ? abort_at : 0));
        CU_ASSERT(second_freeze >= 0 && abort_at > second_freeze && last_shutdown > abort_at);
    }
    wp_log_free(&lines);
}

/* --- peers ---------------------------------------------------------------------------- */

static int writer_socket(const char *dir, char *name, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int ret = -1;

    if (!d) return -1;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "w-", 2))
        {
            snprintf(name, size, "%s", e->d_name);
            ret = 0;
            break;
        }
    closedir(d);
    return ret;
}

static int send_identify(int fd, uint32_t id)
{
    struct wire_builder b;
    void *body;
    size_t len;
    int ret;

    wire_builder_init(&b, WIRE_IDENTIFY, id, S_OK);
    if ((ret = wire_builder_finish(&b, &body, &len))) return ret;
    ret = transport_send_frame(fd, body, len, 5000);
    free(body);
    return ret;
}

/* The next answer: its type and status, -errno when there is none. */
static int read_answer(int fd, unsigned int *type, HRESULT *status)
{
    struct wire_msg msg;
    void *body;
    size_t len;
    int ret = transport_recv_frame(fd, &body, &len, 5000);

    if (ret) return ret;
    if (!(ret = wire_decode(body, len, &msg)))
    {
        *type = msg.type;
        *status = msg.status;
        wire_msg_clear(&msg);
    }
    free(body);
    return ret;
}

/* Only root or the writer's own uid may send it events (DESIGN.md §4). */
static void test_other_uid_refused(void)
{
    const char *log = wp_path("uid.log");
    const char *args[] = { "--log", log, "--name", "Guarded", NULL };
    const char *dir = ws_use_dir("uid");
    struct coordinator *c;
    struct wp_log lines;
    char name[128];
    pid_t pid, child;
    int status;

    /* a peer of another uid needs root to make (CI runs as root) */
    CU_ASSERT_FATAL(umbra_require_root() == 0);
    CU_ASSERT_FATAL((pid = wp_start("test_writer_c", args)) > 0);
    CU_ASSERT_FATAL(writer_socket(dir, name, sizeof(name)) == 0);
    child = fork();
    if (!child)
    {
        unsigned int type = 0;
        HRESULT hr = S_OK;
        int fd, code = 10;

        if (setgid(65534) || setuid(65534)) _exit(2);
        if ((fd = transport_connect(dir, name, 5000)) < 0) _exit(3);
        send_identify(fd, 1);   /* may fail: the writer has already answered and closed */
        if (!read_answer(fd, &type, &hr) && type == (WIRE_ERROR | WIRE_REPLY) && hr == E_ACCESSDENIED) code = 0;
        /* and nothing more: the writer hung up */
        if (!code && read_answer(fd, &type, &hr) != -ECONNRESET) code = 11;
        close(fd);
        /* a requester of that uid does not even list the writer */
        if (!code)
        {
            struct coordinator *c2 = ws_coordinator(0);
            if (!c2 || FAILED(coordinator_identify(c2)) || coordinator_writer_count(c2)) code = 12;
            if (c2 && (FAILED(coordinator_gather_status(c2)) || coordinator_writer_count(c2))) code = 13;
            coordinator_free(c2);
        }
        _exit(code);
    }
    CU_ASSERT_FATAL(child > 0);
    CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (WIFEXITED(status) && WEXITSTATUS(status)) fprintf(stderr, "refused peer: code %d\n", WEXITSTATUS(status));

    /* root still gets through */
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 1);
    CU_ASSERT_PTR_NOT_NULL(coordinator_writer(c, 0)->wmd);
    coordinator_free(c);
    CU_ASSERT_EQUAL(wp_stop(pid), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    CU_ASSERT_EQUAL(wp_log_count(&lines, "Guarded Identify"), 1);   /* the refused peer's never ran */
    wp_log_free(&lines);
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}

static int raw_send(int fd, const void *data, size_t len)
{
    return send(fd, data, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
}

/* Junk, truncated and oversized frames are refused; the writer keeps serving. */
static void test_bad_frames(void)
{
    const char *log = wp_path("frames.log");
    const char *args[] = { "--log", log, "--name", "Sturdy", NULL };
    const char *dir = ws_use_dir("frames");
    unsigned char buf[64];
    struct coordinator *c;
    struct wp_log lines;
    unsigned int type;
    char name[128];
    HRESULT hr;
    int fd, partial;
    pid_t pid;

    CU_ASSERT_FATAL((pid = wp_start("test_writer_c", args)) > 0);
    CU_ASSERT_FATAL(writer_socket(dir, name, sizeof(name)) == 0);

    /* a body that is no message: refused with E_INVALIDARG, then closed */
    fd = transport_connect(dir, name, 5000);
    CU_ASSERT_FATAL(fd >= 0);
    memset(buf, 0x5a, sizeof(buf));
    CU_ASSERT_EQUAL(transport_send_frame(fd, buf, 32, 5000), 0);
    CU_ASSERT_EQUAL(read_answer(fd, &type, &hr), 0);
    CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
    CU_ASSERT_EQUAL(hr, E_INVALIDARG);
    CU_ASSERT_EQUAL(read_answer(fd, &type, &hr), -ECONNRESET);
    close(fd);

    /* a length past the 64 MiB limit, and one below a header */
    for (int i = 0; i < 2; i++)
    {
        fd = transport_connect(dir, name, 5000);
        CU_ASSERT_FATAL(fd >= 0);
        put_le32(buf, i ? 3 : TRANSPORT_MAX_FRAME + 1);
        CU_ASSERT_EQUAL(raw_send(fd, buf, 4), 0);
        CU_ASSERT_EQUAL(read_answer(fd, &type, &hr), 0);
        CU_ASSERT_EQUAL(hr, E_INVALIDARG);
        CU_ASSERT_EQUAL(read_answer(fd, &type, &hr), -ECONNRESET);
        close(fd);
    }

    /* a well-formed message of an unknown type: refused, the connection stays */
    fd = transport_connect(dir, name, 5000);
    CU_ASSERT_FATAL(fd >= 0);
    {
        struct wire_builder b;
        void *body;
        size_t len;

        wire_builder_init(&b, 0x7777, 9, S_OK);
        CU_ASSERT_EQUAL_FATAL(wire_builder_finish(&b, &body, &len), 0);
        CU_ASSERT_EQUAL(transport_send_frame(fd, body, len, 5000), 0);
        free(body);
    }
    CU_ASSERT_EQUAL(read_answer(fd, &type, &hr), 0);
    CU_ASSERT_EQUAL(type, WIRE_ERROR | WIRE_REPLY);
    CU_ASSERT_EQUAL(send_identify(fd, 10), 0);
    CU_ASSERT_EQUAL(read_answer(fd, &type, &hr), 0);
    CU_ASSERT_EQUAL(type, WIRE_IDENTIFY | WIRE_REPLY);
    CU_ASSERT_EQUAL(hr, S_OK);
    close(fd);

    /* a frame cut short and left hanging: other peers are served meanwhile */
    partial = transport_connect(dir, name, 5000);
    CU_ASSERT_FATAL(partial >= 0);
    put_le32(buf, 1000);
    memset(buf + 4, 0, 20);
    CU_ASSERT_EQUAL(raw_send(partial, buf, 24), 0);
    c = ws_coordinator(3000);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 1);
    CU_ASSERT_PTR_NOT_NULL(coordinator_writer(c, 0)->wmd);
    /* ... and one cut short by its sender going away */
    fd = transport_connect(dir, name, 5000);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(raw_send(fd, buf, 10), 0);
    close(fd);
    CU_ASSERT_EQUAL(coordinator_gather_status(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->state, VSS_WS_STABLE);
    CU_ASSERT_EQUAL(coordinator_writer(c, 0)->failure, S_OK);
    close(partial);
    coordinator_free(c);

    /* a peer that floods requests and never reads an answer: it is served
     * one request at a time as its answers drain, the others meanwhile */
    fd = transport_connect(dir, name, 5000);
    CU_ASSERT_FATAL(fd >= 0);
    {
        struct wire_builder b;
        unsigned char *body;
        size_t len;
        int sent = 0;

        wire_builder_init(&b, WIRE_IDENTIFY, 77, S_OK);
        CU_ASSERT_EQUAL_FATAL(wire_builder_finish(&b, (void **)&body, &len), 0);
        put_le32(buf, (uint32_t)len);
        for (; sent < 100000; sent++)
        {
            struct iovec iov[2] = { { buf, 4 }, { body, len } };
            struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
            if (sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)(len + 4)) break;
        }
        free(body);
        CU_ASSERT(sent > 10);
    }
    c = ws_coordinator(5000);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 1);
    CU_ASSERT_PTR_NOT_NULL(coordinator_writer(c, 0)->wmd);
    coordinator_free(c);
    close(fd);

    CU_ASSERT_EQUAL(wp_stop(pid), 0);
    CU_ASSERT_EQUAL_FATAL(wp_log_read(log, &lines), 0);
    /* ours, the unknown-type connection's, and however many of the flood got in */
    CU_ASSERT(wp_log_count(&lines, "Sturdy Identify") >= 3);
    wp_log_free(&lines);
}

/* --- the API in one process -------------------------------------------------------- */

static bool cb_true(void *ctx)
{
    (void)ctx;
    return true;
}

static const UMBRA_WRITER_CALLBACKS minimal_callbacks =
{
    sizeof(UMBRA_WRITER_CALLBACKS), NULL, NULL, cb_true, cb_true, cb_true, cb_true,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static const GUID api_id = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 0x31 } };

static HRESULT init_writer(IVssWriterImpl *impl, const GUID *id, LPCWSTR name, LPCWSTR instance)
{
    return IVssWriterImpl_Initialize(impl, *id, name, instance, 1, 0, VSS_UT_USERDATA, VSS_ST_OTHER,
                                     VSS_APP_FRONT_END, 60000, VSS_AWS_NO_ALTERNATE_WRITER, false);
}

static void test_api(void)
{
    UMBRA_WRITER_CALLBACKS cb = minimal_callbacks;
    IVssWriterImpl *a, *b, *cimpl;
    struct coordinator *c;
    LPCWSTR device = (LPCWSTR)1;
    VSS_ID id;

    ws_use_dir("api");
    /* the four pure handlers are required */
    CU_ASSERT_EQUAL(UmbraCreateWriter(NULL, NULL, &a), E_INVALIDARG);
    cb.OnFreeze = NULL;
    CU_ASSERT_EQUAL(UmbraCreateWriter(&cb, NULL, &a), E_INVALIDARG);
    cb = minimal_callbacks;
    cb.cbSize = 8;
    CU_ASSERT_EQUAL(UmbraCreateWriter(&cb, NULL, &a), E_INVALIDARG);
    CU_ASSERT_EQUAL(UmbraCreateWriter(&minimal_callbacks, NULL, NULL), E_INVALIDARG);

    CU_ASSERT_EQUAL_FATAL(UmbraCreateWriter(&minimal_callbacks, NULL, &a), S_OK);
    /* bad ids and names (CVssWriter::Initialize) */
    CU_ASSERT_EQUAL(init_writer(a, &GUID_NULL, L"Api", NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(init_writer(a, &api_id, NULL, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(init_writer(a, &api_id, L"", NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWriterImpl_Initialize(a, api_id, L"Api", NULL, 1, 0, 99, VSS_ST_OTHER, VSS_APP_FRONT_END,
                                              60000, VSS_AWS_NO_ALTERNATE_WRITER, false), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWriterImpl_Initialize(a, api_id, L"Api", NULL, 1, 0, VSS_UT_USERDATA, VSS_ST_OTHER,
                                              VSS_APP_FRONT_END, 60000, VSS_AWS_ALTERNATE_WRITER_EXISTS, false),
                    E_INVALIDARG);
    /* not initialized yet */
    CU_ASSERT_EQUAL(IVssWriterImpl_Subscribe(a, 0, VSS_SM_BACKUP_EVENTS_FLAG), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(init_writer(a, &api_id, L"Api", NULL), S_OK);
    CU_ASSERT_EQUAL(IVssWriterImpl_Subscribe(a, 0, VSS_SM_BACKUP_EVENTS_FLAG), S_OK);
    CU_ASSERT_EQUAL(IVssWriterImpl_Subscribe(a, 0, VSS_SM_BACKUP_EVENTS_FLAG), VSS_E_WRITER_ALREADY_SUBSCRIBED);
    /* callbacks cannot change under a subscribed writer */
    CU_ASSERT_EQUAL(UmbraWriterSetCallbacks(a, &minimal_callbacks, NULL), VSS_E_BAD_STATE);

    /* the same class and instance name again in this process */
    CU_ASSERT_EQUAL_FATAL(UmbraCreateWriter(&minimal_callbacks, NULL, &b), S_OK);
    CU_ASSERT_EQUAL(init_writer(b, &api_id, L"Api", NULL), VSS_E_WRITER_ALREADY_SUBSCRIBED);
    /* another instance of the class is fine */
    CU_ASSERT_EQUAL(init_writer(b, &api_id, L"Api", L"second"), S_OK);
    CU_ASSERT_EQUAL(IVssWriterImpl_Subscribe(b, 0, VSS_SM_BACKUP_EVENTS_FLAG), S_OK);

    /* outside a handler the helpers have nothing to say */
    CU_ASSERT_EQUAL(IVssWriterImpl_SetWriterFailure(a, VSS_E_WRITERERROR_RETRYABLE), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssWriterImpl_SetWriterFailure(a, E_FAIL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWriterImpl_GetSnapshotDeviceName(a, L"/srv/data/", &device), VSS_E_BAD_STATE);
    CU_ASSERT_PTR_NULL(device);
    CU_ASSERT_EQUAL(IVssWriterImpl_GetSnapshotDeviceName(a, NULL, &device), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWriterImpl_GetSessionId(a, &id), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(IVssWriterImpl_GetCurrentVolumeCount(a), 0);
    CU_ASSERT_PTR_NULL(IVssWriterImpl_GetCurrentVolumeArray(a));
    CU_ASSERT_EQUAL(IVssWriterImpl_GetCurrentLevel(a), VSS_APP_FRONT_END);
    CU_ASSERT(!IVssWriterImpl_IsPathAffected(a, L"/srv/data"));
    CU_ASSERT(!IVssWriterImpl_IsWriterShuttingDown(a));
    CU_ASSERT_EQUAL(IVssWriterImpl_InstallAlternateWriter(a, api_id, api_id), E_NOTIMPL);

    /* a coordinator in the same process reaches both writers */
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 2);
    coordinator_free(c);

    CU_ASSERT_EQUAL(IVssWriterImpl_Unsubscribe(a), S_OK);
    CU_ASSERT_EQUAL(IVssWriterImpl_Unsubscribe(a), S_OK);
    /* unsubscribed, the pair is free again */
    CU_ASSERT_EQUAL_FATAL(UmbraCreateWriter(&minimal_callbacks, NULL, &cimpl), S_OK);
    CU_ASSERT_EQUAL(init_writer(cimpl, &api_id, L"Api", NULL), S_OK);
    IVssWriterImpl_Release(cimpl);
    IVssWriterImpl_Uninitialize(a);
    CU_ASSERT_EQUAL(IVssWriterImpl_Release(a), 0);
    /* Release of a subscribed writer unsubscribes it */
    CU_ASSERT_EQUAL(IVssWriterImpl_Release(b), 0);
    c = ws_coordinator(0);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 0);
    coordinator_free(c);
}

static int suite_init(void)
{
    chmod(umbra_test_tmpdir(), 0755);   /* the refused peer runs as nobody */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

static CU_TestInfo faults_tests[] =
{
    { "veto at each event", test_veto_each_event },
    { "hang in OnFreeze", test_hang_in_freeze },
    { "SIGKILL during Freeze", test_killed_in_freeze },
    { "requester dies while writers are frozen", test_requester_dies_frozen },
    { "peer with another uid refused", test_other_uid_refused },
    { "junk, truncated and oversized frames", test_bad_frames },
    { "in-process API", test_api },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(writers_faults, suite_init, NULL, faults_tests);
