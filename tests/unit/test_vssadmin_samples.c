/*
 * test_vssadmin_samples.c: vssadmin against a fake VSS that holds exactly
 * what the Windows machines of samples/vssadmin-output/ held (their
 * providers, writers, volumes, shadow copies and shadow storage).  Umbra's
 * output must then be the captured Windows output byte for byte, banner's
 * copyright line aside (VSS-FACTS.md §5.1, §5.3), with LF and with --crlf;
 * and the block/colon parsing that monitoring scripts use must read the same
 * fields from both.
 */
#include <time.h>

#include "test_vssadmin_fake.h"
#include "test_vssadmin_blocks.h"

#define MS_PROVIDER { 0xb5946137, 0x7b9f, 0x4925, { 0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } }
#define VOLUME_C "\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\"
#define HOST "ampersand.redmond.corp.microsoft.com"

static GUID guid(const char *text)
{
    GUID g;

    memset(&g, 0, sizeof(g));
    CU_ASSERT_EQUAL(vsa_parse_guid(text, &g), 0);
    return g;
}

static void add_writer(const char *name, const char *writer_id, const char *instance_id, VSS_WRITER_STATE state)
{
    struct fake_writer *w = &fake.writers[fake.nwriters++];

    w->name = name;
    w->writer_id = guid(writer_id);
    w->instance_id = guid(instance_id);
    w->state = state;
    w->failure = S_OK;
}

static void add_snapshot(const char *set, const char *id, const char *device, long long created)
{
    struct fake_snapshot *s = &fake.snaps[fake.nsnaps++];

    memset(s, 0, sizeof(*s));
    s->id = guid(id);
    s->set = guid(set);
    s->count = 1;
    s->volume = VOLUME_C;
    s->device = device;
    s->machine = HOST;
    s->provider = (GUID)MS_PROVIDER;
    /* Persistent, Client-accessible, No auto release, Differential, Auto recovered */
    s->attributes = 0x0042000d;
    s->created = created;
}

/* What the sample machines had (samples/vssadmin-output/). */
static void sample_world(void)
{
    struct fake_area *a;

    fake_reset();
    fake.providers[0] = (struct fake_provider){ MS_PROVIDER, "Microsoft Software Shadow Copy provider 1.0",
                                                VSS_PROV_SYSTEM, "1.0.0.7" };
    fake.nproviders = 1;

    /* the shadow storage sample's percentages put C: at 460 GB */
    fake.volumes[0] = (struct fake_volume){ VOLUME_C, "/", 'C', 460LL << 30, 0, 0 };
    fake.volumes[1] = (struct fake_volume){ "\\\\?\\Volume{3d03b289-682e-49a5-ab20-15315d628a2f}\\", "", 0,
                                            500LL << 20, 0, 0 };
    fake.volumes[2] = (struct fake_volume){ "\\\\?\\Volume{511f7654-0000-0000-0000-100000000000}\\", "/mnt/d/", 'D',
                                            100LL << 30, 0, 0 };
    fake.nvolumes = 3;

    add_snapshot("{43dd2d4b-3a58-487a-842d-564143d0501f}", "{eef18c41-c6bc-40bb-9863-5491249d2458}",
                 "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3", 132757697660000000LL);
    add_snapshot("{3872a791-51b6-4d10-813f-64b4beb9f935}", "{c17ebda1-5da3-4f4a-a3dc-f5920c30ed0f}",
                 "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy5", 132760960090000000LL);

    add_writer("Task Scheduler Writer", "{d61d61c8-d73a-4eee-8cdd-f6f9786b7124}",
               "{1bddd48e-5052-49db-9b07-b96f96727e6b}", VSS_WS_STABLE);
    add_writer("VSS Metadata Store Writer", "{75dfb225-e2e4-4d39-9ac9-ffaff65ddf06}",
               "{088e7a7d-09a8-4cc6-a609-ad90e75ddc93}", VSS_WS_STABLE);
    add_writer("Performance Counters Writer", "{0bada1de-01a9-4625-8278-69e735f39dd2}",
               "{f0086dda-9efc-47c5-8eb6-a944c3d09381}", VSS_WS_STABLE);
    add_writer("System Writer", "{e8132975-6f93-4464-a53e-1050253ae220}",
               "{963aaaa2-5a53-483c-ae25-bdba58fdd658}", VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    add_writer("ASR Writer", "{be000cbe-11fe-4426-9c58-531aa6355fc4}",
               "{a56da34a-3323-4906-94a1-d26c80713a99}", VSS_WS_STABLE);
    add_writer("MSSearch Service Writer", "{cd3f2362-8bef-46c7-9181-d62844cdc0b2}",
               "{fc2e44e2-ba7e-4242-b36d-16b73a801c9f}", VSS_WS_STABLE);
    add_writer("Shadow Copy Optimization Writer", "{4dc3bdd4-ab48-4d07-adb0-3bee2926fd7f}",
               "{b5f402fe-a65b-4f80-9434-3ff30a6cf89a}", VSS_WS_STABLE);
    add_writer("WMI Writer", "{a6ad56c2-b509-4e6c-bb19-49d8f43532f0}",
               "{763b609c-5ea1-480e-9f9a-efabae93a431}", VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    add_writer("IIS Config Writer", "{2a40fd15-dfca-4aa8-a654-1f8c654603f6}",
               "{5a454cf4-1cd2-4123-a3bb-5944de303a15}", VSS_WS_STABLE);
    add_writer("Registry Writer", "{afbab4a2-367d-4d15-a586-71dbb18f8485}",
               "{b4bd54ad-9968-4cbc-9a65-793819263136}", VSS_WS_STABLE);
    add_writer("COM+ REGDB Writer", "{542da469-d3e1-473c-9f4f-7847f01fc64f}",
               "{79cf1e88-d3b6-4dd1-8ccb-f8afab45c001}", VSS_WS_STABLE);
    add_writer("SqlServerWriter", "{a65faa63-5ea8-4ebc-9dbd-a0c4db26912a}",
               "{ddb75437-c1ce-44e5-a500-e9f5a2160da7}", VSS_WS_STABLE);

    a = &fake.areas[fake.nareas++];
    snprintf(a->for_volume, sizeof(a->for_volume), "%s", VOLUME_C);
    snprintf(a->on_volume, sizeof(a->on_volume), "%s", VOLUME_C);
    a->used = 23740431728LL;        /* 22.1 GB */
    a->allocated = 24169928458LL;   /* 22.5 GB */
    a->maximum = 25458418646LL;     /* 23.7 GB */
}

/* The sample as LF text with our banner's copyright line in place of Windows'. */
static char *expected_from_sample(const char *name, int crlf)
{
    const char *path = umbra_sample_path(name);
    char *raw, *out, *second;
    size_t i, n = 0;
    FILE *f;
    long size;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = fopen(path, "rb")));
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    raw = calloc(1, (size_t)size + 1);
    CU_ASSERT_EQUAL(fread(raw, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    /* the samples' line ends, whatever they are, become LF */
    for (i = 0; raw[i]; i++) if (raw[i] != '\r') raw[n++] = raw[i];
    raw[n] = 0;
    CU_ASSERT_EQUAL_FATAL(strncmp(raw, banner_text, 76), 0);   /* the first banner line is Windows' */
    second = strchr(raw, '\n') + 1;
    CU_ASSERT_EQUAL_FATAL(strncmp(second, "(C) Copyright 2001-2013 Microsoft Corp.\n\n", 41), 0);
    out = malloc(strlen(raw) * 2 + 64);
    strcpy(out, banner_text);
    strcat(out, second + 41);
    free(raw);
    if (crlf)
    {
        char *lf = out, *p;

        out = malloc(strlen(lf) * 2 + 1);
        for (p = lf, n = 0; *p; p++)
        {
            if (*p == '\n') out[n++] = '\r';
            out[n++] = *p;
        }
        out[n] = 0;
        free(lf);
    }
    return out;
}

static void check_sample(const char *sample, const char *verb, const char *object)
{
    struct vsa_result r;
    char *expected;
    int crlf;

    for (crlf = 0; crlf < 2; crlf++)
    {
        sample_world();
        if (crlf) vsa_run(&r, NULL, verb, object, "--crlf");
        else vsa_run(&r, NULL, verb, object);
        expected = expected_from_sample(sample, crlf);
        CU_ASSERT_EQUAL(r.status, VSA_OK);
        if (strcmp(r.out, expected)) printf("\n%s%s:\n--- got:\n%s--- expected:\n%s", sample, crlf ? " (CRLF)" : "",
                                            r.out, expected);
        CU_ASSERT_STRING_EQUAL(r.out, expected);
        CU_ASSERT_EQUAL(fake.live, 0);
        free(expected);
        vsa_result_free(&r);
    }
}

static void set_tz(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
}

/* §5.3 list writers */
static void test_writers(void)
{
    check_sample("vssadmin-output/writers.txt", "list", "writers");
}

/* §5.3 list providers */
static void test_providers(void)
{
    check_sample("vssadmin-output/providers.txt", "list", "providers");
}

/* §5.3 list volumes: a volume no path reaches shows its GUID name */
static void test_volumes(void)
{
    check_sample("vssadmin-output/volumes.txt", "List", "Volumes");
}

/* §5.3 list shadows: set blocks, dates, "(C:)", type and attributes */
static void test_shadows(void)
{
    set_tz();
    check_sample("vssadmin-output/shadows.txt", "list", "shadows");
}

/* §5.3 list shadowstorage: StrFormatByteSize sizes and percentages */
static void test_shadowstorage(void)
{
    check_sample("vssadmin-output/ShadowStorage.txt", "list", "shadowstorage");
}

/* The drive letters also come from kernel32's GetVolumePathNamesForVolumeNameW
 * when the platform has it. */
static BOOL fake_path_names(LPCWSTR volume, LPWCH names, DWORD size, PDWORD needed)
{
    char name[128];
    HRESULT hr;
    struct fake_volume *v;

    fake_narrow(name, sizeof(name), volume);
    fake_logf("GetVolumePathNamesForVolumeNameW(%s)", name);
    if (size < 16 || !(v = fake_find_volume(name, &hr))) return FALSE;
    memset(names, 0, size * sizeof(WCHAR));
    /* a mount folder first: the drive letter is still what is shown */
    names[0] = '/';
    if (v->letter)
    {
        names[2] = v->letter;
        names[3] = ':';
        names[4] = '\\';
    }
    *needed = 7;
    return TRUE;
}

static void test_kernel32_letters(void)
{
    struct vsa_api api = fake_api;
    struct vsa_result r;
    char *expected = expected_from_sample("vssadmin-output/volumes.txt", 0);

    api.volume_path_names = fake_path_names;
    sample_world();
    vsa_run_api(&r, &api, NULL, "list", "volumes", (const char *)NULL);
    CU_ASSERT_STRING_EQUAL(r.out, expected);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "GetVolumePathNamesForVolumeNameW"));
    /* no probing of A: to Z: then */
    CU_ASSERT_PTR_NULL(strstr(fake.log, "GetProviderMgmtInterface"));
    CU_ASSERT_EQUAL(fake.live, 0);
    vsa_result_free(&r);
    free(expected);
}

/* The parser monitoring scripts use reads the same records, labels and
 * values from the Windows sample and from Umbra's output. */
static void check_parsed(const char *sample, const char *verb, const char *object, int min_records)
{
    struct vb_doc *ours, *theirs;
    struct vsa_result r;
    char *expected;

    sample_world();
    vsa_run(&r, NULL, verb, object, "--crlf");
    expected = expected_from_sample(sample, 0);
    ours = vb_parse(r.out);
    theirs = vb_parse(expected);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ours);
    CU_ASSERT_PTR_NOT_NULL_FATAL(theirs);
    CU_ASSERT(theirs->count >= min_records);
    CU_ASSERT_FALSE(theirs->overflow);
    CU_ASSERT_TRUE(vb_equal(ours, theirs));
    free(ours);
    free(theirs);
    free(expected);
    vsa_result_free(&r);
}

static void test_parsed_fields(void)
{
    struct vb_doc *doc;
    char *text;

    set_tz();
    check_parsed("vssadmin-output/writers.txt", "list", "writers", 12);
    check_parsed("vssadmin-output/providers.txt", "list", "providers", 1);
    check_parsed("vssadmin-output/volumes.txt", "list", "volumes", 3);
    check_parsed("vssadmin-output/shadows.txt", "list", "shadows", 2);
    check_parsed("vssadmin-output/ShadowStorage.txt", "list", "shadowstorage", 1);

    /* and the parser itself reads what scripts look for */
    text = expected_from_sample("vssadmin-output/writers.txt", 1);
    doc = vb_parse(text);
    CU_ASSERT_EQUAL(doc->count, 12);
    CU_ASSERT_STRING_EQUAL(vb_get(&doc->records[3], "Writer name"), "'System Writer'");
    CU_ASSERT_STRING_EQUAL(vb_get(&doc->records[3], "State"), "[5] Waiting for completion");
    CU_ASSERT_STRING_EQUAL(vb_get(&doc->records[3], "Last error"), "No error");
    CU_ASSERT_EQUAL(doc->records[3].fields[1].indent, 3);
    free(doc);
    free(text);
    text = expected_from_sample("vssadmin-output/shadows.txt", 0);
    doc = vb_parse(text);
    CU_ASSERT_EQUAL(doc->count, 2);
    CU_ASSERT_STRING_EQUAL(vb_get(&doc->records[0], "Original Volume"), "(C:)" VOLUME_C);
    CU_ASSERT_STRING_EQUAL(vb_get(&doc->records[0], "Contained 1 shadow copies at creation time"),
                           "9/10/2021 5:49:26 PM");
    free(doc);
    free(text);
}

static CU_TestInfo sample_tests[] =
{
    { "list writers as on Windows (§5.3)", test_writers },
    { "list providers as on Windows (§5.3)", test_providers },
    { "list volumes as on Windows (§5.3)", test_volumes },
    { "list shadows as on Windows (§5.3)", test_shadows },
    { "list shadowstorage as on Windows (§5.3)", test_shadowstorage },
    { "drive letters through kernel32", test_kernel32_letters },
    { "the same fields for monitoring scripts (§5.3)", test_parsed_fields },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vssadmin_samples, NULL, NULL, sample_tests);
