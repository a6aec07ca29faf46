/*
 * test_vssadmin_commands.c: every vssadmin command against a fake VSS that
 * looks like a Linux machine running Umbra (btrfs and directory providers,
 * POSIX mount points, a Wine drive letter), with golden files in
 * tests/data/vssadmin/ for each output (VSS-FACTS.md §5.3 layouts; the texts
 * Windows has not been seen printing are pinned here), the --json forms,
 * and what each command asks of VSS: contexts, the order of calls (§2.1),
 * AutoRetry, the delete question, the errors and exit statuses.
 */
#include <time.h>

#include "test_vssadmin_fake.h"

#define BTRFS_PROVIDER { 0x93146643, 0x57a1, 0x44b0, { 0x80, 0xa3, 0x1f, 0x4c, 0x3e, 0xcd, 0x15, 0x70 } }
#define DIR_PROVIDER { 0x7ac24c27, 0x5f63, 0x4d73, { 0xae, 0x57, 0x22, 0x37, 0x0b, 0x07, 0xef, 0x1c } }
#define VOLUME_ROOT "\\\\?\\Volume{10f12fe7-f788-5cce-8913-eb7f0c328a73}\\"
#define VOLUME_DATA "\\\\?\\Volume{d945969e-59d0-5777-b0d9-5dc0b7e0555c}\\"
#define VOLUME_C "\\\\?\\Volume{5b1e2c4d-0a1b-5c2d-8e3f-4a5b6c7d8e9f}\\"
#define S1 "{a1000000-0000-4000-8000-000000000001}"
#define S2 "{a1000000-0000-4000-8000-000000000002}"
#define S3 "{a1000000-0000-4000-8000-000000000003}"
#define S4 "{a1000000-0000-4000-8000-000000000004}"
#define S5 "{a1000000-0000-4000-8000-000000000005}"
#define SET_A "{b2000000-0000-4000-8000-00000000000a}"
#define SET_B "{b2000000-0000-4000-8000-00000000000b}"
#define SET_C "{b2000000-0000-4000-8000-00000000000c}"
#define SET_D "{b2000000-0000-4000-8000-00000000000d}"

static GUID guid(const char *text)
{
    GUID g;

    memset(&g, 0, sizeof(g));
    CU_ASSERT_EQUAL(vsa_parse_guid(text, &g), 0);
    return g;
}

static struct fake_snapshot *add_snapshot(const char *id, const char *set, LONG count, const char *volume,
                                          const char *device, GUID provider, LONG attributes, long long created)
{
    struct fake_snapshot *s = &fake.snaps[fake.nsnaps++];

    memset(s, 0, sizeof(*s));
    s->id = guid(id);
    s->set = guid(set);
    s->count = count;
    s->volume = volume;
    s->device = device;
    s->machine = "backup01.example.org";
    s->provider = provider;
    s->attributes = attributes;
    s->created = created;
    return s;
}

static void add_writer(const char *name, unsigned int n, VSS_WRITER_STATE state, HRESULT failure)
{
    struct fake_writer *w = &fake.writers[fake.nwriters++];

    w->name = name;
    w->writer_id = (GUID){ 0xc3000000 + n, 0, 0x4000, { 0x80, 0, 0, 0, 0, 0, 0, (unsigned char)n } };
    w->instance_id = (GUID){ 0xd4000000 + n, 0, 0x4000, { 0x80, 0, 0, 0, 0, 0, 0, (unsigned char)n } };
    w->state = state;
    w->failure = failure;
}

static void add_area(const char *volume, long long used, long long maximum)
{
    struct fake_area *a = &fake.areas[fake.nareas++];

    memset(a, 0, sizeof(*a));
    snprintf(a->for_volume, sizeof(a->for_volume), "%s", volume);
    snprintf(a->on_volume, sizeof(a->on_volume), "%s", volume);
    a->used = used;
    a->allocated = used;
    a->maximum = maximum;
}

/* A Linux machine: /, /srv/data (btrfs) and a Wine C: drive. */
static void linux_world(void)
{
    struct fake_snapshot *s;

    fake_reset();
    setenv("TZ", "UTC", 1);
    tzset();
    fake.providers[0] = (struct fake_provider){ BTRFS_PROVIDER, "Umbra btrfs snapshot provider", VSS_PROV_SOFTWARE,
                                                "1.0" };
    fake.providers[1] = (struct fake_provider){ DIR_PROVIDER, "Umbra directory copy provider", VSS_PROV_SYSTEM, "1.0" };
    fake.nproviders = 2;
    fake.volumes[0] = (struct fake_volume){ VOLUME_ROOT, "/", 0, 100LL << 30, 0, 0 };
    fake.volumes[1] = (struct fake_volume){ VOLUME_DATA, "/srv/data/", 0, 500LL << 30, 0, 0 };
    fake.volumes[2] = (struct fake_volume){ VOLUME_C, "/home/u/.wine/drive_c/", 'C', 50LL << 30, 0, 0 };
    fake.nvolumes = 3;

    /* listed oldest set first whatever the order they come in */
    add_snapshot(S4, SET_D, 1, VOLUME_C, "/home/u/.wine/drive_c/.snapshots/@GMT-2026.03.03-09.05.59",
                 (GUID)DIR_PROVIDER, VSS_CTX_CLIENT_ACCESSIBLE | VSS_VOLSNAP_ATTR_PLEX
                 | VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, 134170023590000000LL);
    s = &fake.snaps[fake.nsnaps - 1];
    s->exposed_name = "/mnt/shadow";
    add_snapshot(S3, SET_B, 2, VOLUME_DATA, "/srv/data/.snapshots/@GMT-2026.03.02-14.30.05", (GUID)BTRFS_PROVIDER,
                 VSS_CTX_CLIENT_ACCESSIBLE_WRITERS | VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_AUTORECOVER,
                 134169354050000000LL);
    add_snapshot(S1, SET_A, 1, VOLUME_DATA, "/srv/data/.snapshots/@GMT-2026.03.01-08.00.00", (GUID)BTRFS_PROVIDER,
                 VSS_CTX_CLIENT_ACCESSIBLE | VSS_VOLSNAP_ATTR_DIFFERENTIAL, 134168256000000000LL);
    add_snapshot(S2, SET_B, 2, VOLUME_ROOT, "/.snapshots/@GMT-2026.03.02-14.30.05", (GUID)BTRFS_PROVIDER,
                 VSS_CTX_CLIENT_ACCESSIBLE_WRITERS | VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_AUTORECOVER,
                 134169354050000000LL);
    add_snapshot(S5, SET_C, 1, VOLUME_DATA, "/srv/data/.snapshots/@GMT-2026.02.27-23.15.00", (GUID)BTRFS_PROVIDER,
                 VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_DIFFERENTIAL, 134167077000000000LL);

    add_writer("Umbra Test Writer", 1, VSS_WS_STABLE, S_OK);
    add_writer("PostgreSQL Writer", 2, VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK);
    add_writer("MariaDB Writer", 3, VSS_WS_FAILED_AT_FREEZE, VSS_E_WRITERERROR_RETRYABLE);
    add_writer("SQLite Writer", 4, VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, VSS_E_WRITER_NOT_RESPONDING);
    add_writer("Odd Writer", 5, VSS_WS_UNKNOWN, E_FAIL);

    add_area(VOLUME_DATA, 0, VSS_ASSOC_NO_MAX_SPACE);
    add_area(VOLUME_ROOT, 1536LL << 20, 10LL << 30);
}

static int snapshot_gone(const char *id)
{
    GUID g = guid(id);
    int i;

    for (i = 0; i < fake.nsnaps; i++)
        if (IsEqualGUID(&fake.snaps[i].id, &g)) return fake.snaps[i].gone;
    return -1;
}

/* Run, compare with the golden file, check the exit status and that every
 * object was released. */
#define check_golden(name, status_, input, ...) do { \
        struct vsa_result r_; \
        vsa_run(&r_, input, __VA_ARGS__); \
        CU_ASSERT_EQUAL(r_.status, status_); \
        if (r_.status != (status_)) printf("\n%s: status %d (stderr: %s)\n", name, r_.status, r_.err); \
        CU_ASSERT_TRUE(golden_matches(name, r_.out)); \
        CU_ASSERT_EQUAL(fake.live, 0); \
        vsa_result_free(&r_); \
    } while (0)

/* --- listings --------------------------------------------------------------------------------- */

static void test_list_providers(void)
{
    linux_world();
    check_golden("list-providers.txt", VSA_OK, NULL, "list", "providers");
    check_golden("list-providers.json", VSA_OK, NULL, "list", "providers", "--json");
}

/* §5.3 list writers, §3.3 states and last errors; status after Identify */
static void test_list_writers(void)
{
    linux_world();
    check_golden("list-writers.txt", VSA_OK, NULL, "list", "writers");
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "Create InitializeForBackup GatherWriterMetadata GatherWriterStatus "
                                            "FreeWriterStatus FreeWriterMetadata Release"));
    check_golden("list-writers.json", VSA_OK, NULL, "list", "writers", "--json");

    linux_world();
    fake.fail_gather = VSS_E_WRITER_INFRASTRUCTURE;
    check_golden("list-writers-failed.txt", VSA_ERR_VSS, NULL, "list", "writers");
}

static void test_list_volumes(void)
{
    linux_world();
    check_golden("list-volumes.txt", VSA_OK, NULL, "list", "volumes");
    check_golden("list-volumes.json", VSA_OK, NULL, "list", "volumes", "--json");
}

/* §5.3 list shadows: sets oldest first, "(C:)", PLEX copies say they are
 * writer-consistent only (DESIGN.md §5), exposed ones say where */
static void test_list_shadows(void)
{
    linux_world();
    check_golden("list-shadows.txt", VSA_OK, NULL, "list", "shadows");
    /* every shadow copy is seen, whatever its context (R23) */
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "SetContext(0xffffffff)"));
    check_golden("list-shadows.json", VSA_OK, NULL, "list", "shadows", "--json");
    check_golden("list-shadows-for.txt", VSA_OK, NULL, "list", "shadows", "/for=/srv/data");
    check_golden("list-shadows-set.txt", VSA_OK, NULL, "list", "shadows", "/set=" SET_B);
    check_golden("list-shadows-shadow.txt", VSA_OK, NULL, "list", "shadows", "/shadow=" S4, "/for=C:\\");
    check_golden("no-items.txt", VSA_OK, NULL, "list", "shadows", "/shadow=" S4, "/for=/srv/data");
    check_golden("list-shadows-crlf.txt", VSA_OK, NULL, "list", "shadows", "/set=" SET_A, "--crlf");
}

/* §5.3 list shadowstorage: UNBOUNDED, sizes, percentages of the for-volume */
static void test_list_shadowstorage(void)
{
    linux_world();
    check_golden("list-shadowstorage.txt", VSA_OK, NULL, "list", "shadowstorage");
    check_golden("list-shadowstorage.json", VSA_OK, NULL, "list", "shadowstorage", "--json");
    check_golden("list-shadowstorage-on.txt", VSA_OK, NULL, "list", "shadowstorage", "/on=/");
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "QueryDiffAreasOnVolume(" VOLUME_ROOT ")"));
    check_golden("no-items.txt", VSA_OK, NULL, "list", "shadowstorage", "/for=C:");
    /* shadow storage is the system provider's */
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "GetProviderMgmtInterface({7ac24c27-5f63-4d73-ae57-22370b07ef1c})"));
}

/* Nothing to list: Windows' line; under --json an empty list */
static void test_nothing_to_list(void)
{
    static const char *const objects[] = { "providers", "writers", "volumes", "shadows", "shadowstorage" };
    struct vsa_result r;
    size_t i;

    for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
    {
        fake_reset();
        check_golden("no-items.txt", VSA_OK, NULL, "list", objects[i]);
        vsa_run(&r, NULL, "list", objects[i], "--json");
        CU_ASSERT_EQUAL(r.status, VSA_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\":[]}\n"));
        CU_ASSERT_EQUAL(r.out[0], '{');
        vsa_result_free(&r);
    }
    fake_reset();
    check_golden("no-items.txt", VSA_OK, NULL, "query", "reverts");
}

/* --- create shadow ---------------------------------------------------------------------------------- */

/* §5.2: a client-accessible shadow copy, no writers (R9: no PrepareForBackup) */
static void test_create_shadow(void)
{
    linux_world();
    check_golden("create-shadow.txt", VSA_OK, NULL, "create", "shadow", "/For=C:");
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "Create InitializeForBackup SetContext(0x1d) StartSnapshotSet "
                                            "AddToSnapshotSet(" VOLUME_C ") DoSnapshotSet GetSnapshotProperties "
                                            "Release"));
    CU_ASSERT_PTR_NULL(strstr(fake.log, "AbortBackup"));
    CU_ASSERT_EQUAL(fake.nsnaps, 6);
    CU_ASSERT_EQUAL(fake.snaps[5].attributes & 0x1d, VSS_CTX_CLIENT_ACCESSIBLE);
    CU_ASSERT_STRING_EQUAL(fake.snaps[5].volume, VOLUME_C);

    /* the volume is echoed as typed */
    linux_world();
    check_golden("create-shadow-path.txt", VSA_OK, NULL, "create", "shadow", "/for=/srv/data");

    /* a failed DoSnapshotSet: the set is aborted (R21) */
    linux_world();
    fake.fail_do = VSS_E_PROVIDER_VETO;
    check_golden("create-shadow-veto.txt", VSA_ERR_VSS, NULL, "create", "shadow", "/for=C:");
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "DoSnapshotSet AbortBackup Release"));
    CU_ASSERT_EQUAL(fake.nsnaps, 5);
}

/* /AutoRetry: retries while another creation is in progress, up to N minutes */
static void test_create_autoretry(void)
{
    struct vsa_result r;

    /* without /AutoRetry the first collision fails */
    linux_world();
    fake.busy = 1;
    check_golden("create-shadow-busy.txt", VSA_ERR_VSS, NULL, "create", "shadow", "/for=C:");
    CU_ASSERT_EQUAL(fake.sleeps, 0);

    /* with it, the set gets made once the other one is done */
    linux_world();
    fake.busy = 3;
    vsa_run(&r, NULL, "create", "shadow", "/for=C:", "/autoretry=1");
    CU_ASSERT_EQUAL(r.status, VSA_OK);
    CU_ASSERT_EQUAL(fake.sleeps, 3);
    CU_ASSERT_EQUAL(fake.nsnaps, 6);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Successfully created shadow copy for 'C:'"));
    CU_ASSERT_EQUAL(fake.live, 0);
    vsa_result_free(&r);

    /* and gives up when the minutes are over (fake clock: no real wait) */
    linux_world();
    fake.busy = 1000000;
    vsa_run(&r, NULL, "create", "shadow", "/for=C:", "/autoretry=2");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_VSS);
    CU_ASSERT(fake.now_ms >= 120000 && fake.now_ms < 125000);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Error: Another shadow copy creation is already in progress."));
    CU_ASSERT_EQUAL(fake.nsnaps, 5);
    CU_ASSERT_EQUAL(fake.live, 0);
    vsa_result_free(&r);

    /* other failures are not retried */
    linux_world();
    fake.fail_do = VSS_E_UNEXPECTED_PROVIDER_ERROR;
    vsa_run(&r, NULL, "create", "shadow", "/for=C:", "/autoretry=5");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_VSS);
    CU_ASSERT_EQUAL(fake.sleeps, 0);
    vsa_result_free(&r);
}

/* --- delete shadows ----------------------------------------------------------------------------------- */

/* §5.3: the question, default No; only client-accessible copies */
static void test_delete_shadows(void)
{
    struct vsa_result r;

    linux_world();
    check_golden("delete-shadows-for.txt", VSA_OK, "y\n", "delete", "shadows", "/for=/srv/data");
    CU_ASSERT_EQUAL(snapshot_gone(S1), 1);
    CU_ASSERT_EQUAL(snapshot_gone(S3), 1);
    CU_ASSERT_EQUAL(snapshot_gone(S5), 0);     /* ApplicationRollback: a backup program's */
    CU_ASSERT_EQUAL(snapshot_gone(S2), 0);     /* another volume */
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "DeleteSnapshots(" S1 ",SNAPSHOT,1)"));

    /* No, or no answer at all, deletes nothing */
    linux_world();
    check_golden("delete-shadows-declined.txt", VSA_ERR_DECLINED, "n\n", "delete", "shadows", "/for=/srv/data");
    CU_ASSERT_PTR_NULL(strstr(fake.log, "DeleteSnapshots"));
    check_golden("delete-shadows-declined.txt", VSA_ERR_DECLINED, "", "delete", "shadows", "/for=/srv/data");
    check_golden("delete-shadows-declined.txt", VSA_ERR_DECLINED, "\n", "delete", "shadows", "/for=/srv/data");
    check_golden("delete-shadows-declined.txt", VSA_ERR_DECLINED, "no, yes\n", "delete", "shadows",
                 "/for=/srv/data");
    CU_ASSERT_PTR_NULL(strstr(fake.log, "DeleteSnapshots"));
    CU_ASSERT_EQUAL(snapshot_gone(S1), 0);

    /* /Oldest /Quiet: the oldest client-accessible one, no question */
    linux_world();
    check_golden("delete-shadows-oldest.txt", VSA_OK, NULL, "delete", "shadows", "/for=/srv/data", "/oldest",
                 "/quiet");
    CU_ASSERT_EQUAL(snapshot_gone(S1), 1);
    CU_ASSERT_EQUAL(snapshot_gone(S3), 0);

    /* /All /Quiet */
    linux_world();
    check_golden("delete-shadows-all.txt", VSA_OK, NULL, "delete", "shadows", "/all", "/quiet");
    CU_ASSERT_EQUAL(snapshot_gone(S1) + snapshot_gone(S2) + snapshot_gone(S3) + snapshot_gone(S4), 4);
    CU_ASSERT_EQUAL(snapshot_gone(S5), 0);
    /* and again: nothing left that may be deleted here */
    check_golden("delete-shadows-context.txt", VSA_ERR_VSS, NULL, "delete", "shadows", "/all", "/quiet");

    /* §5.3: another context's shadow copy */
    linux_world();
    check_golden("delete-shadows-context.txt", VSA_ERR_VSS, "y\n", "delete", "shadows", "/shadow=" S5);
    CU_ASSERT_EQUAL(snapshot_gone(S5), 0);

    /* one by id, answered in upper case */
    linux_world();
    vsa_run(&r, "Y\n", "delete", "shadows", "/shadow=" S4);
    CU_ASSERT_EQUAL(r.status, VSA_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Do you really want to delete 1 shadow copies (Y/N): [N]? \n"
                                         "Successfully deleted 1 shadow copies.\n"));
    CU_ASSERT_EQUAL(snapshot_gone(S4), 1);
    vsa_result_free(&r);

    /* the provider refuses */
    linux_world();
    fake.fail_delete = VSS_E_PROVIDER_VETO;
    check_golden("delete-shadows-veto.txt", VSA_ERR_VSS, NULL, "delete", "shadows", "/all", "/quiet");
}

/* --- shadow storage ----------------------------------------------------------------------------------- */

static struct fake_area *area_of(const char *volume)
{
    return fake_find_area(volume, NULL);
}

static void test_shadowstorage_changes(void)
{
    linux_world();
    /* 20% of a 50 GB volume */
    check_golden("add-shadowstorage.txt", VSA_OK, NULL, "add", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=20%");
    CU_ASSERT_PTR_NOT_NULL(area_of(VOLUME_C));
    if (area_of(VOLUME_C)) CU_ASSERT_EQUAL(area_of(VOLUME_C)->maximum, 10LL << 30);
    check_golden("add-shadowstorage-exists.txt", VSA_ERR_VSS, NULL, "add", "shadowstorage", "/for=C:", "/on=C:");
    /* a volume keeps its shadow copies on itself here */
    check_golden("add-shadowstorage-elsewhere.txt", VSA_ERR_VSS, NULL, "add", "shadowstorage", "/for=/srv/data",
                 "/on=/");

    check_golden("resize-shadowstorage.txt", VSA_OK, NULL, "resize", "shadowstorage", "/for=/", "/on=/",
                 "/maxsize=UNBOUNDED");
    CU_ASSERT_EQUAL(area_of(VOLUME_ROOT)->maximum, VSS_ASSOC_NO_MAX_SPACE);
    check_golden("resize-shadowstorage.txt", VSA_OK, NULL, "resize", "shadowstorage", "/for=/", "/on=/",
                 "/maxsize=2GB");
    CU_ASSERT_EQUAL(area_of(VOLUME_ROOT)->maximum, 2LL << 30);
    check_golden("resize-shadowstorage.txt", VSA_OK, NULL, "resize", "shadowstorage", "/for=/", "/on=/");
    CU_ASSERT_EQUAL(area_of(VOLUME_ROOT)->maximum, VSS_ASSOC_NO_MAX_SPACE);
    check_golden("resize-shadowstorage.txt", VSA_OK, NULL, "resize", "shadowstorage", "/for=/", "/on=/",
                 "/maxsize=1073741824");
    CU_ASSERT_EQUAL(area_of(VOLUME_ROOT)->maximum, 1LL << 30);

    check_golden("delete-shadowstorage.txt", VSA_OK, NULL, "delete", "shadowstorage", "/for=/");
    CU_ASSERT_PTR_NULL(area_of(VOLUME_ROOT));
    check_golden("delete-shadowstorage.txt", VSA_OK, NULL, "delete", "shadowstorage", "/for=C:", "/on=C:", "/quiet");
    CU_ASSERT_PTR_NULL(area_of(VOLUME_C));
    CU_ASSERT_PTR_NOT_NULL(area_of(VOLUME_DATA));
    CU_ASSERT_EQUAL(fake.nareas, 1);
}

/* --- revert ---------------------------------------------------------------------------------------------- */

static void test_revert(void)
{
    linux_world();
    check_golden("revert-shadow.txt", VSA_OK, NULL, "revert", "shadow", "/shadow=" S1);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "RevertToSnapshot(" S1 ",0)"));
    CU_ASSERT_EQUAL(snapshot_gone(S1), 1);
    check_golden("revert-shadow-c.txt", VSA_OK, NULL, "revert", "shadow", "/shadow=" S4, "/ForceDismount");
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "RevertToSnapshot(" S4 ",1)"));

    linux_world();
    fake.fail_revert = VSS_E_UNSUPPORTED_CONTEXT;
    check_golden("revert-shadow-context.txt", VSA_ERR_VSS, NULL, "revert", "shadow", "/shadow=" S1);
    fake.fail_revert = VSS_E_VOLUME_IN_USE;
    check_golden("revert-shadow-in-use.txt", VSA_ERR_VSS, NULL, "revert", "shadow", "/shadow=" S1);
    CU_ASSERT_EQUAL(snapshot_gone(S1), 0);
}

static void test_query_reverts(void)
{
    linux_world();
    check_golden("no-items.txt", VSA_OK, NULL, "query", "reverts");
    fake.volumes[1].reverting = 1;
    check_golden("query-reverts.txt", VSA_OK, NULL, "query", "reverts");
    check_golden("query-reverts.json", VSA_OK, NULL, "query", "reverts", "--json");
    check_golden("query-reverts.txt", VSA_OK, NULL, "query", "reverts", "/for=/srv/data/");
    check_golden("no-items.txt", VSA_OK, NULL, "query", "reverts", "/for=C:");
}

/* --- failures ------------------------------------------------------------------------------------------ */

static void test_failures(void)
{
    struct vsa_result r;
    FILE *full;

    /* §5.1 permissions, said as Windows says it, with Linux's remedy */
    linux_world();
    fake.fail_create = E_ACCESSDENIED;
    check_golden("access-denied.txt", VSA_ERR_ACCESS, NULL, "list", "shadows");

    /* anything else: libvssapi's line for the HRESULT, and the HRESULT on stderr */
    linux_world();
    fake.fail_query = VSS_E_UNEXPECTED;
    vsa_run(&r, NULL, "list", "shadows");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_VSS);
    CU_ASSERT_STRING_EQUAL(r.out + strlen(banner_text), "Error: A Volume Shadow Copy Service internal error occurred.\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "0x80042302"));
    vsa_result_free(&r);

    /* an HRESULT nobody knows */
    linux_world();
    fake.fail_query = (HRESULT)0x8badf00d;
    vsa_run(&r, NULL, "list", "providers");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Error: "));
    CU_ASSERT_EQUAL(fake.live, 0);
    vsa_result_free(&r);

    /* no provider for shadow storage */
    linux_world();
    fake.nproviders = 0;
    vsa_run(&r, NULL, "list", "shadowstorage", "/for=C:");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Error: The shadow copy provider is not registered in the system.\n"));
    vsa_result_free(&r);

    /* the management interface cannot be had */
    linux_world();
    fake.fail_mgmt = E_NOINTERFACE;
    vsa_run(&r, NULL, "add", "shadowstorage", "/for=C:", "/on=C:");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_VSS);
    CU_ASSERT_EQUAL(fake.nareas, 2);
    CU_ASSERT_EQUAL(fake.live, 0);
    vsa_result_free(&r);

    /* standard output that cannot be written is a failure too */
    linux_world();
    if ((full = fopen("/dev/full", "w")))
    {
        char *argv[] = { (char *)"vssadmin", (char *)"list", (char *)"writers", NULL };
        FILE *err = fopen("/dev/null", "w");

        CU_ASSERT_EQUAL(vsa_main(&fake_api, 3, argv, full, err, NULL, 0), VSA_ERR_OUTPUT);
        fclose(full);
        if (err) fclose(err);
    }
    CU_ASSERT_EQUAL(fake.live, 0);
}

static CU_TestInfo command_tests[] =
{
    { "list providers (§5.3)", test_list_providers },
    { "list writers (§5.3, §3.3)", test_list_writers },
    { "list volumes (§5.3)", test_list_volumes },
    { "list shadows (§5.3)", test_list_shadows },
    { "list shadowstorage (§5.3)", test_list_shadowstorage },
    { "nothing to list", test_nothing_to_list },
    { "create shadow (§5.2, §5.3)", test_create_shadow },
    { "create shadow /AutoRetry (§5.2)", test_create_autoretry },
    { "delete shadows (§5.2, §5.3)", test_delete_shadows },
    { "add, resize, delete shadowstorage (§5.2)", test_shadowstorage_changes },
    { "revert shadow", test_revert },
    { "query reverts", test_query_reverts },
    { "failures and exit statuses", test_failures },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vssadmin_commands, NULL, NULL, command_tests);
