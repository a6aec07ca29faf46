/*
 * test_diskshadow_output.c: golden tests of what diskshadow prints (VSS-FACTS.md
 * §6.3) against the Windows Server 2019 transcripts in
 * samples/diskshadow-scripts/output/.  The transcripts went through Evil-WinRM,
 * which turned TABs into spaces, so our output is compared after expanding TABs
 * to 8-column stops: that checks the TABs are where Windows put them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "../../programs/diskshadow/output.h"

/* --- capture and compare ---------------------------------------------------------- */

struct capture
{
    struct ds_out out;
    char *buf;
    size_t len;
};

static void capture_start(struct capture *c)
{
    memset(c, 0, sizeof(*c));
    c->out.con = open_memstream(&c->buf, &c->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->out.con);
}

/* Ends the capture; returns the text with TABs expanded (caller frees). */
static char *capture_end(struct capture *c, int expand)
{
    char *out, *o;
    size_t col = 0, i;

    fclose(c->out.con);
    if (!expand) return c->buf;
    out = o = malloc(c->len * 8 + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    for (i = 0; i < c->len; i++)
    {
        if (c->buf[i] == '\t')
        {
            do { *o++ = ' '; col++; } while (col % 8);
            continue;
        }
        *o++ = c->buf[i];
        col = c->buf[i] == '\n' ? 0 : col + 1;
    }
    *o = 0;
    free(c->buf);
    return out;
}

/* The lines of a transcript from the first that starts with `from` through the
 * first after it that starts with `to`, joined with \n (caller frees). */
static char *transcript_range(const char *file, const char *from, const char *to)
{
    char rel[256], line[4096];
    const char *path;
    size_t len = 0;
    char *text = NULL;
    FILE *f, *mem;
    int on = 0;

    snprintf(rel, sizeof(rel), "diskshadow-scripts/output/%s", file);
    path = umbra_sample_path(rel);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = fopen(path, "r")));
    mem = open_memstream(&text, &len);
    while (fgets(line, sizeof(line), f))
    {
        if (!on && !strncmp(line, from, strlen(from))) on = 1;
        if (!on) continue;
        fputs(line, mem);
        if (!strncmp(line, to, strlen(to))) break;
    }
    fclose(f);
    fclose(mem);
    return text;
}

static void assert_same_text(const char *got, const char *want)
{
    if (strcmp(got, want))
    {
        size_t i = 0;
        while (got[i] && got[i] == want[i]) i++;
        fprintf(stderr, "\n--- differs at byte %u\n--- got:\n%s\n--- want:\n%s\n", (unsigned int)i, got, want);
    }
    CU_ASSERT_STRING_EQUAL(got, want);
}

/* A VSS_TIMESTAMP for a UTC date; the tests run with TZ=UTC. */
static long long timestamp(int year, int mon, int mday, int hour, int min, int sec)
{
    struct tm tm = { 0 };
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = mday;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    return (long long)timegm(&tm) * 10000000LL + 116444736000000000LL;
}

static int suite_init(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static GUID guid(const char *text)
{
    GUID g;
    memset(&g, 0, sizeof(g));
    CU_ASSERT_EQUAL(ds_parse_guid(text, &g), 0);
    return g;
}

/* --- session framing ------------------------------------------------------------------- */

/* output/04: banner, echo of each line, the "->" of the end of the script */
static void test_banner(void)
{
    struct tm tm = { .tm_year = 125, .tm_mon = 0, .tm_mday = 25, .tm_hour = 8, .tm_min = 56, .tm_sec = 27 };
    struct capture c;
    char *got, *want;

    capture_start(&c);
    ds_print_banner(&c.out, "DC01", &tm);
    ds_print_echo(&c.out, "set context persistent nowriters");
    got = capture_end(&c, 1);
    want = transcript_range("04_chronopad_blackfield_nowriters.txt", "On computer:", "-> set context");
    /* our first two lines name Umbra; from "On computer:" on, Windows' bytes */
    CU_ASSERT(!strncmp(got, "Umbra DiskShadow version 1.0\nCopyright (C) 2026 the Umbra authors\n", 66));
    CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(got, "On computer:"));
    assert_same_text(strstr(got, "On computer:"), want);
    free(got);
    free(want);
}

static void test_expose_echo(void)
{
    struct capture c;
    char *got, *want;

    capture_start(&c);
    ds_print_echo(&c.out, "expose %chrono% z:");
    ds_print_substitution(&c.out, "chrono", "{9c8474c6-d67a-401e-a611-2649e7f01c8b}");
    ds_print_exposed(&c.out, "z:\\");
    got = capture_end(&c, 1);
    want = transcript_range("04_chronopad_blackfield_nowriters.txt", "-> expose", "The shadow copy was");
    assert_same_text(got, want);
    free(got);
    free(want);

    /* the end of a script echoes an empty line: "->" without a blank */
    capture_start(&c);
    ds_print_echo(&c.out, "");
    ds_print_echo(&c.out, NULL);
    got = capture_end(&c, 0);
    assert_same_text(got, "->\n->\n");
    free(got);
}

/* --- create (§6.3 "create") ------------------------------------------------------------------ */

static struct ds_shadow_view chrono_view(void)
{
    struct ds_shadow_view v;

    memset(&v, 0, sizeof(v));
    v.id = guid("{9c8474c6-d67a-401e-a611-2649e7f01c8b}");
    v.set_id = guid("{d1f65e75-d98c-4716-9e6a-c820ee4f1306}");
    v.count = 1;
    v.original_volume = "\\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\";
    v.volume_display = "C:\\";
    v.creation = timestamp(2025, 1, 25, 8, 56, 28);
    v.device = "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1";
    v.originating_machine = "DC01.BLACKFIELD.local";
    v.service_machine = "DC01.BLACKFIELD.local";
    v.provider = guid("{b5946137-7b9f-4925-af80-51abd60b20d5}");
    v.attributes = 0x00020019;  /* PERSISTENT|NO_AUTO_RELEASE|NO_WRITERS|DIFFERENTIAL */
    v.alias = "chrono";
    v.set_alias = "VSS_SHADOW_SET";
    return v;
}

static void test_create_listing(void)
{
    struct ds_shadow_view v = chrono_view();
    struct capture c;
    char *got, *want;

    capture_start(&c);
    ds_print_alias_set(&c.out, "chrono", &v.id);
    ds_print_set_alias_set(&c.out, &v.set_id);
    ds_print_query_header(&c.out, DS_QUERY_SET, &v.set_id);
    ds_print_shadow(&c.out, &v);
    ds_print_shadow_count(&c.out, 1);
    got = capture_end(&c, 1);
    want = transcript_range("04_chronopad_blackfield_nowriters.txt", "Alias chrono", "Number of shadow copies listed");
    assert_same_text(got, want);
    free(got);
    free(want);
}

/* output/02: set verbose on, writers involved, metadata cabinet */
static void test_create_verbose_writers(void)
{
    static const struct { const char *writer; const char *components[2]; } included[] =
    {
        { "Task Scheduler Writer", { "\\TasksStore" } },
        { "VSS Metadata Store Writer", { "\\WriterMetadataStore" } },
        { "Performance Counters Writer", { "\\PerformanceCounters" } },
        { "System Writer", { "\\System Files", "\\Win32 Services Files" } },
        { "WMI Writer", { "\\WMI" } },
        { "DFS Replication service writer",
          { "\\SYSVOL\\B0E5E5E5-367C-47BD-8D81-52FF1C8853A7-A711151C-FA0B-40DD-8BDB-780EF9825004" } },
        { "Registry Writer", { "\\Registry" } },
        { "COM+ REGDB Writer", { "\\COM+ REGDB" } },
        { "NTDS", { "\\C:_Windows_NTDS\\ntds" } },
    };
    struct ds_shadow_view v;
    struct capture c;
    char *got, *want, member[32];
    size_t i, j;

    memset(&v, 0, sizeof(v));
    v.id = guid("{10c53d13-aa53-4359-9b2c-75879f4a57e1}");
    v.set_id = guid("{8be740bc-ae10-4869-8c95-f8a084cf50d3}");
    v.count = 1;
    v.original_volume = "\\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\";
    v.volume_display = "C:\\";
    v.creation = timestamp(2023, 2, 26, 20, 43, 31);
    v.device = "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1";
    v.originating_machine = v.service_machine = "DC01.BLACKFIELD.local";
    v.provider = guid("{b5946137-7b9f-4925-af80-51abd60b20d5}");
    v.attributes = 0x00020009;
    v.alias = "cdrive";
    v.set_alias = "VSS_SHADOW_SET";

    capture_start(&c);
    ds_print_writer_excluded_all_components(&c.out, "Shadow Copy Optimization Writer");
    ds_print_component_excluded_volume(&c.out, "\\BCD\\BCD", "ASR Writer", "");
    ds_print_writer_excluded_top_level(&c.out, "ASR Writer", "\\BCD\\BCD");
    for (i = 0; i < sizeof(included) / sizeof(included[0]); i++)
    {
        ds_print_including_writer(&c.out, included[i].writer);
        for (j = 0; j < 2 && included[i].components[j]; j++) ds_print_adding_component(&c.out, included[i].components[j]);
    }
    ds_out_puts(&c.out, "\n");
    ds_print_alias_set(&c.out, "cdrive", &v.id);
    ds_print_set_alias_set(&c.out, &v.set_id);
    ds_print_cab_inserted(&c.out, "Manifest.xml", "meta.cab");
    ds_print_cab_inserted(&c.out, "BCDocument.xml", "meta.cab");
    for (i = 0; i <= 10; i++)
    {
        snprintf(member, sizeof(member), "WM%u.xml", (unsigned int)i);
        ds_print_cab_inserted(&c.out, member, "meta.cab");
    }
    ds_print_cab_inserted(&c.out, "Dis598D.tmp", "meta.cab");
    ds_print_query_header(&c.out, DS_QUERY_SET, &v.set_id);
    ds_print_shadow(&c.out, &v);
    ds_print_shadow_count(&c.out, 1);
    got = capture_end(&c, 1);
    want = transcript_range("02_thadigus_blackfield_verbose_writers.txt", "Excluding writer",
                            "Number of shadow copies listed");
    assert_same_text(got, want);
    free(got);
    free(want);
}

/* --- delete shadows, set metadata (output/03) ------------------------------------------------ */

static void test_delete(void)
{
    GUID id = guid("{55bc24a6-302e-4c96-a375-14299d2e6bdb}"), prov = guid("{b5946137-7b9f-4925-af80-51abd60b20d5}");
    struct capture c;
    char *got, *want;

    capture_start(&c);
    ds_print_metadata_overwrite(&c.out);
    ds_print_echo(&c.out, "set verbose on");
    ds_print_echo(&c.out, "delete shadows volume df");
    ds_print_deleting(&c.out, &id, "\\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\", &prov, 0x00120019);
    ds_print_deleted_count(&c.out, 1);
    ds_print_echo(&c.out, "reset");
    got = capture_end(&c, 1);
    want = transcript_range("03_opabravo_blackfield_create_then_delete.txt", "The existing file", "-> reset");
    assert_same_text(got, want);
    free(got);
    free(want);
}

/* --- usage (output/01) ------------------------------------------------------------------------ */

static void test_set_context_usage(void)
{
    struct capture c;
    char *got, *want, *g, *w;
    int n = 0;

    capture_start(&c);
    ds_print_help(&c.out, DS_TOPIC_SET_CONTEXT);
    got = capture_end(&c, 1);
    want = transcript_range("01_sidchn_blackfield_error_then_exec_failure.txt", "SET CONTEXT", "        Example:");
    /* the text starts with a blank line after the echo */
    CU_ASSERT_EQUAL_FATAL(got[0], '\n');
    /* syntax line identical; each option line identical up to column 32 (keyword
     * and TABs), the words after it are ours; the example line identical */
    for (g = got + 1, w = want; *g && *w; n++)
    {
        char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
        CU_ASSERT_PTR_NOT_NULL_FATAL(ge);
        CU_ASSERT_PTR_NOT_NULL_FATAL(we);
        if (we - w > 32 && !strncmp(w, "        ", 8) && strncmp(w, "        Example", 15))
        {
            CU_ASSERT_EQUAL(ge - g > 32, 1);
            CU_ASSERT_EQUAL(strncmp(g, w, 32), 0);
            CU_ASSERT(g[32] != ' ');
        }
        else
        {
            CU_ASSERT_EQUAL(ge - g, we - w);
            CU_ASSERT_EQUAL(strncmp(g, w, (size_t)(we - w)), 0);
        }
        g = ge + 1;
        w = we + 1;
    }
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_EQUAL(*g, 0);
    CU_ASSERT_EQUAL(*w, 0);
    free(got);
    free(want);
}

/* Every help text has Microsoft's layout: blank line, syntax, blank line, rows
 * with the text at column 32, blank line, Example. */
static void test_help_layouts(void)
{
    int topic;

    for (topic = 0; topic < DS_TOPIC_COUNT; topic++)
    {
        struct capture c;
        char *got, *line, *save = NULL;
        int rows = 0;

        capture_start(&c);
        ds_print_help(&c.out, (enum ds_topic)topic);
        got = capture_end(&c, 1);
        CU_ASSERT_EQUAL(got[0], '\n');
        CU_ASSERT(strlen(got) > 20);
        for (line = strtok_r(got, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        {
            if (strncmp(line, "        ", 8) || !strncmp(line, "        Example: ", 17)
                || !strncmp(line, "        HELP ", 13))
                continue;
            rows++;
            CU_ASSERT(strlen(line) > 32);
            if (strlen(line) > 32 && (line[31] != ' ' || line[32] == ' '))
                fprintf(stderr, "\ntopic %d: misaligned \"%s\"\n", topic, line);
            CU_ASSERT(strlen(line) > 32 && line[31] == ' ' && line[32] != ' ');
        }
        CU_ASSERT(rows >= 1);
        free(got);
    }
}

/* --- exec failure (output/01), exit note (§6.1) ----------------------------------------------------- */

static void test_exec_failure(void)
{
    struct capture c;
    char *got, *want;

    capture_start(&c);
    ds_print_exec_failure(&c.out, 1);
    got = capture_end(&c, 0);
    want = transcript_range("01_sidchn_blackfield_error_then_exec_failure.txt", "The command script returned",
                            "The command script failed.");
    assert_same_text(got, want);
    free(got);
    free(want);

    capture_start(&c);
    ds_print_exit_note(&c.out);
    got = capture_end(&c, 0);
    assert_same_text(got, "Note: END BACKUP was not commanded, writers not notified BackupComplete.\n"
                          "DiskShadow is exiting.\n");
    free(got);
}

/* §6.3 "Failures" */
static void test_failure_block(void)
{
    struct capture c;
    char *got;

    capture_start(&c);
    ds_print_failure(&c.out, (HRESULT)0x80042306);
    got = capture_end(&c, 0);
    assert_same_text(got, "The last operation failed.\n\t- Returned HRESULT: 80042306\n\t- Error text: VSS_E_PROVIDER_VETO\n");
    free(got);

    capture_start(&c);
    ds_print_failure(&c.out, (HRESULT)0x8004230f);
    got = capture_end(&c, 0);
    assert_same_text(got, "The last operation failed.\n\t- Returned HRESULT: 8004230F\n"
                          "\t- Error text: VSS_E_UNEXPECTED_PROVIDER_ERROR\n");
    free(got);

    CU_ASSERT_STRING_EQUAL(ds_hresult_name((HRESULT)0x80042316), "VSS_E_SNAPSHOT_SET_IN_PROGRESS");
    CU_ASSERT_STRING_EQUAL(ds_hresult_name(0), "S_OK");
    CU_ASSERT_PTR_NULL(ds_hresult_name((HRESULT)0x80042305));
}

/* §6.3 "add" (list) */
static void test_add_list(void)
{
    static const struct ds_volume_view vols[] = { { "c:", "System1", "\\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\" } };
    static const struct ds_alias_view aliases[] = { { "VSS_SHADOW_1", "{ff47165a-1946-4a0c-b7f4-80f46a309278}" } };
    struct capture c;
    char *got;

    capture_start(&c);
    ds_print_add_list(&c.out, vols, 1, NULL, 0);
    got = capture_end(&c, 0);
    assert_same_text(got, "Volume c: alias System1    GUID \\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\\n"
                          "1 volume in Shadow Copy Set.\nNo Diskshadow aliases in the environment.\n");
    free(got);

    capture_start(&c);
    ds_print_add_list(&c.out, NULL, 0, aliases, 1);
    got = capture_end(&c, 0);
    CU_ASSERT(!strncmp(got, "0 volumes in Shadow Copy Set.\n", 30));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "%VSS_SHADOW_1%"));
    free(got);
}

/* §6.3 "list providers" */
static void test_providers(void)
{
    struct ds_provider_view v;
    struct capture c;
    char *got;

    v.id = guid("{b5946137-7b9f-4925-af80-51abd60b20d5}");
    v.type = 1;
    v.name = "Microsoft Software Shadow Copy provider 1.0";
    v.version = "1.0.0.7";
    v.clsid = guid("{65ee1dba-8ff4-4a58-ac1c-3470ee2f376a}");
    capture_start(&c);
    ds_print_provider(&c.out, &v);
    ds_print_provider_count(&c.out, 1);
    got = capture_end(&c, 1);
    assert_same_text(got, "* ProviderID: {b5946137-7b9f-4925-af80-51abd60b20d5}\n"
                          "        Type: [1] VSS_PROV_SYSTEM\n"
                          "        Name: Microsoft Software Shadow Copy provider 1.0\n"
                          "        Version: 1.0.0.7\n"
                          "        CLSID: {65ee1dba-8ff4-4a58-ac1c-3470ee2f376a}\n"
                          "\n"
                          "1 provider registered.\n");
    free(got);
}

/* §6.3 "list writers status", §3.3 writer-state texts */
static void test_writer_status(void)
{
    struct ds_writer_status_view v;
    struct capture c;
    char *got;

    v.name = "System Writer";
    v.state = 5;
    v.failure = 0;
    v.writer_id = guid("{e8132975-6f93-4464-a53e-1050253ae220}");
    v.instance_id = guid("{963aaaa2-5a53-483c-ae25-bdba58fdd658}");
    capture_start(&c);
    ds_print_writer_status_header(&c.out);
    ds_print_writer_status(&c.out, &v);
    ds_print_writer_count(&c.out, 2);
    got = capture_end(&c, 0);
    assert_same_text(got, "Listing writer status ...\n\n"
                          "* WRITER \"System Writer\"\n"
                          "\t- Status: 5 (VSS_WS_WAITING_FOR_BACKUP_COMPLETE)\n"
                          "\t- Writer Failure code: 0x00000000 (S_OK)\n"
                          "\t- Writer ID:   {e8132975-6f93-4464-a53e-1050253ae220}\n"
                          "\t- Instance ID: {963aaaa2-5a53-483c-ae25-bdba58fdd658}\n\n"
                          "2 writers listed.\n");
    free(got);
    CU_ASSERT_STRING_EQUAL(ds_writer_state_name(1), "VSS_WS_STABLE");
    CU_ASSERT_STRING_EQUAL(ds_writer_state_name(15), "VSS_WS_FAILED_AT_BACKUPSHUTDOWN");
    CU_ASSERT_STRING_EQUAL(ds_writer_state_name(99), "VSS_WS_UNKNOWN");
}

/* §3.3 attribute tokens, in the order the transcripts show */
static void test_attributes(void)
{
    char buf[256];

    CU_ASSERT_STRING_EQUAL(ds_format_attributes(buf, sizeof(buf), 0x00120019),
                           "No_Auto_Release Persistent No_Writers Differential");
    CU_ASSERT_STRING_EQUAL(ds_format_attributes(buf, sizeof(buf), 0x00020009), "No_Auto_Release Persistent Differential");
    CU_ASSERT_STRING_EQUAL(ds_format_attributes(buf, sizeof(buf), 0x04000000), "Auto_Release FileShare");
    CU_ASSERT_STRING_EQUAL(ds_format_attributes(buf, sizeof(buf), 0x0001002d),
                           "No_Auto_Release Persistent Client_accessible Transportable Hardware");
    /* a short buffer truncates, never overruns */
    CU_ASSERT_EQUAL(strlen(ds_format_attributes(buf, 8, 0x7fffffff)), 7);
}

static void test_time_and_guid(void)
{
    struct tm tm = { .tm_year = 120, .tm_mon = 9, .tm_mday = 3, .tm_hour = 0, .tm_min = 5, .tm_sec = 9 };
    char buf[64], g[DS_GUID_CHARS];
    GUID id = guid("{B6A808BD-2394-4E03-B06E-60F5580061C9}");

    CU_ASSERT_STRING_EQUAL(ds_format_time(buf, sizeof(buf), &tm), "10/3/2020 12:05:09 AM");
    tm.tm_hour = 12;
    CU_ASSERT_STRING_EQUAL(ds_format_time(buf, sizeof(buf), &tm), "10/3/2020 12:05:09 PM");
    tm.tm_hour = 18;
    CU_ASSERT_STRING_EQUAL(ds_format_time(buf, sizeof(buf), &tm), "10/3/2020 6:05:09 PM");
    /* GUIDs print lower case (DESIGN.md §3) */
    CU_ASSERT_STRING_EQUAL(ds_format_guid(g, &id), "{b6a808bd-2394-4e03-b06e-60f5580061c9}");
    ds_timestamp_to_tm(timestamp(2020, 10, 3, 6, 12, 54), &tm);
    CU_ASSERT_STRING_EQUAL(ds_format_time(buf, sizeof(buf), &tm), "10/3/2020 6:12:54 AM");
}

/* -l writes the same text to the log as to the console; the prompt stays on the console */
static void test_log_copy(void)
{
    char *con = NULL, *log = NULL;
    size_t conlen = 0, loglen = 0;
    struct ds_out out = { 0 };

    out.con = open_memstream(&con, &conlen);
    out.log = open_memstream(&log, &loglen);
    ds_print_prompt(&out);
    ds_print_echo(&out, "create");
    ds_print_failure(&out, (HRESULT)0x80042301);
    fclose(out.con);
    fclose(out.log);
    CU_ASSERT(!strncmp(con, "DISKSHADOW> ", 12));
    CU_ASSERT_STRING_EQUAL(con + 12, log);
    CU_ASSERT(!strncmp(log, "-> create\nThe last operation failed.\n", 37));
    free(con);
    free(log);
}

static void test_shadow_variants(void)
{
    struct ds_shadow_view v = chrono_view();
    struct capture c;
    char *got;

    v.alias = NULL;
    v.set_alias = NULL;
    v.volume_display = NULL;
    v.exposed_name = "z:\\";
    v.attributes = 0x00120019;
    capture_start(&c);
    ds_print_shadow(&c.out, &v);
    got = capture_end(&c, 0);
    {
        static const char head[] = "\t* Shadow copy ID = {9c8474c6-d67a-401e-a611-2649e7f01c8b}\n"
                                   "\t\t- Shadow copy set: {d1f65e75-d98c-4716-9e6a-c820ee4f1306}\n";
        CU_ASSERT(!strncmp(got, head, sizeof(head) - 1));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\t\t- Original volume name: \\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\t\t- Exposed locally as: z:\\\n"));
    CU_ASSERT_PTR_NULL(strstr(got, "Not exposed"));
    free(got);
}

static CU_TestInfo output_tests[] =
{
    { "banner and echo (output/04)", test_banner },
    { "expose echo and result (output/04)", test_expose_echo },
    { "create listing (output/04)", test_create_listing },
    { "verbose create with writers (output/02)", test_create_verbose_writers },
    { "delete shadows (output/03)", test_delete },
    { "SET CONTEXT usage (output/01)", test_set_context_usage },
    { "help layouts", test_help_layouts },
    { "exec failure and exit note", test_exec_failure },
    { "failure block", test_failure_block },
    { "add list", test_add_list },
    { "list providers", test_providers },
    { "list writers status", test_writer_status },
    { "attribute tokens", test_attributes },
    { "time and GUID formats", test_time_and_guid },
    { "log copy", test_log_copy },
    { "shadow listing variants", test_shadow_variants },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(diskshadow_output, suite_init, NULL, output_tests);
