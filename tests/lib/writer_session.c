/*
 * writer_session.c: requester-side helpers of the writer suites
 * (writer_session.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <CUnit/CUnit.h>
#include <vsbackup.h>
#include "dlls/vssapi/config.h"   /* not configure's config.h of the build dir */
#include "bcd.h"
#include "lib/writer_session.h"

const GUID ws_set_id = { 0x11112222, 0x3333, 0x4444, { 0x55, 0x55, 0x66, 0x66, 0x77, 0x77, 0x88, 0x88 } };
static char run_dir[4096];

const char *ws_use_dir(const char *name)
{
    snprintf(run_dir, sizeof(run_dir), "%s", wp_path(name));
    mkdir(run_dir, 0755);
    setenv("VSS_RUNTIME_DIR", run_dir, 1);
    config_reload();
    return run_dir;
}

struct coordinator *ws_coordinator(DWORD event_timeout_ms)
{
    struct coordinator_options opts = { run_dir, event_timeout_ms, 0 };
    struct coordinator *c = NULL;

    CU_ASSERT_EQUAL(coordinator_create(&opts, &c), S_OK);
    return c;
}

const struct coordinator_writer *ws_writer_named(struct coordinator *c, const char *name)
{
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
    {
        const struct coordinator_writer *w = coordinator_writer(c, i);
        if (w->name && !strcmp(w->name, name)) return w;
    }
    return NULL;
}

void ws_set_state(struct coordinator *c)
{
    struct coordinator_backup_state state = { ws_set_id, VSS_CTX_BACKUP, VSS_BT_FULL, VSS_RTYPE_UNDEFINED,
                                               false, true, false };

    coordinator_clear_volumes(c);
    coordinator_set_backup_state(c, &state);
    CU_ASSERT_EQUAL(coordinator_add_volume(c, "/srv/data/", "/srv/data"), S_OK);
}

struct bcd *ws_bcd(struct coordinator *c)
{
    struct bcd *bcd = NULL;

    if (bcd_create(&bcd)) return NULL;
    bcd->select_components = 1;
    bcd->backup_type = VSS_BT_FULL;
    bcd->snapshot_set_id = ws_set_id;
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
    {
        const struct coordinator_writer *w = coordinator_writer(c, i);
        struct bcd_component *comp;

        if (!w->wmd) continue;
        CU_ASSERT_EQUAL(bcd_add_component(bcd, &w->instance_id, &w->class_id, VSS_CT_FILEGROUP, NULL,
                                          "Data", &comp), 0);
    }
    return bcd;
}

unsigned int ws_count_containing(const struct wp_log *log, const char *text)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < log->count; i++)
        if (strstr(log->lines[i], text)) n++;
    return n;
}

static HRESULT provider_prepare(void *ctx)
{
    ((struct ws_provider *)ctx)->prepared++;
    return S_OK;
}

static HRESULT provider_commit(void *ctx)
{
    struct ws_provider *p = ctx;
    struct wp_log log;

    p->committed++;
    if (p->log && !wp_log_read(p->log, &log))
    {
        p->frozen_at_commit = ws_count_containing(&log, " Freeze level=");
        p->thawed_at_commit = ws_count_containing(&log, " Thaw level=");
        wp_log_free(&log);
    }
    coordinator_set_snapshot_device(p->c, "/srv/data/", WS_SNAPSHOT_DEVICE);
    return p->commit_result;
}

static HRESULT provider_after_thaw(void *ctx)
{
    ((struct ws_provider *)ctx)->thawed_after++;
    return S_OK;
}

static void provider_abort(void *ctx)
{
    ((struct ws_provider *)ctx)->aborted++;
}

struct coordinator_snapshot_ops ws_provider_ops(struct ws_provider *p)
{
    struct coordinator_snapshot_ops ops = { p, provider_prepare, provider_commit, provider_after_thaw,
                                            provider_abort };
    return ops;
}

void ws_check_sequence(const struct wp_log *log, const char *label, const char *const *events)
{
    char prefix[256];
    int at = -1;
    unsigned int expected = 0;

    for (const char *const *e = events; *e; e++, expected++)
    {
        int found;

        snprintf(prefix, sizeof(prefix), "%s %s", label, *e);
        found = wp_log_find(log, prefix, 0);
        CU_ASSERT(found > at);
        if (found <= at) fprintf(stderr, "%s: %s missing or out of order\n", label, *e);
        CU_ASSERT_EQUAL(wp_log_count(log, prefix), 1);
        at = found;
    }
    snprintf(prefix, sizeof(prefix), "%s ", label);
    CU_ASSERT_EQUAL(wp_log_count(log, prefix), expected);
    if (wp_log_count(log, prefix) != expected)
        for (unsigned int i = 0; i < log->count; i++)
            if (!strncmp(log->lines[i], prefix, strlen(prefix))) fprintf(stderr, "  %s\n", log->lines[i]);
}

int ws_wait_for_line(const char *path, const char *prefix, unsigned int n)
{
    for (int tries = 0; tries < 1000; tries++)
    {
        struct wp_log log;
        unsigned int got = 0;

        if (!wp_log_read(path, &log))
        {
            got = wp_log_count(&log, prefix);
            wp_log_free(&log);
        }
        if (got >= n) return 0;
        wp_sleep_ms(10);
    }
    return -1;
}
