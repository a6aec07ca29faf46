/*
 * test_vssadmin_format.c: the pieces of vssadmin's output and input that need
 * no VSS: sizes in StrFormatByteSize style and percentages (VSS-FACTS.md
 * §5.3), dates, GUIDs, writer states and errors, provider and snapshot types,
 * attribute tokens (§3.3), the banner (§5.1), CRLF output, JSON strings, and
 * the parsers of /Shadow ids, /MaxSize sizes and /AutoRetry minutes (§5.2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "../../programs/vssadmin/vssadmin.h"

static char *capture(void (*fn)(struct vsa_out *, const void *), const void *arg, int crlf)
{
    struct vsa_out out;
    char *text = NULL;
    size_t len = 0;

    memset(&out, 0, sizeof(out));
    out.file = open_memstream(&text, &len);
    out.crlf = crlf;
    CU_ASSERT_PTR_NOT_NULL_FATAL(out.file);
    fn(&out, arg);
    fclose(out.file);
    CU_ASSERT_FALSE(out.failed);
    return text;
}

/* §5.3: three significant digits, binary units, "bytes" below 1 KB */
static void test_sizes(void)
{
    static const struct { long long bytes; const char *text; } cases[] =
    {
        { 0, "0 bytes" },
        { 1, "1 bytes" },
        { 1023, "1023 bytes" },
        { 1024, "1.00 KB" },
        { 1536, "1.50 KB" },
        { 10 * 1024 + 1023, "10.9 KB" },
        { 532LL * 1024 + 300, "532 KB" },
        { 999LL * 1024 + 1023, "999 KB" },
        { 1000LL * 1024, "0.97 MB" },
        { 1023LL * 1024 * 1024, "0.99 GB" },
        { 2212590387LL, "2.06 GB" },        /* the §5.3 examples */
        { 23740431728LL, "22.1 GB" },
        { 25458418646LL, "23.7 GB" },
        { 320LL << 20, "320 MB" },
        { 5LL << 40, "5.00 TB" },
        { 3LL << 50, "3.00 PB" },
        { 0x7fffffffffffffffLL, "7.99 EB" },
        { -5, "0 bytes" },
    };
    char buf[32];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        vsa_format_size(buf, sizeof(buf), cases[i].bytes);
        if (strcmp(buf, cases[i].text)) printf("\n%lld: got '%s', expected '%s'\n", cases[i].bytes, buf, cases[i].text);
        CU_ASSERT_STRING_EQUAL(buf, cases[i].text);
    }
}

/* §5.3: whole percent of the for-volume, 0 when the size is unknown */
static void test_percent(void)
{
    CU_ASSERT_EQUAL(vsa_percent(23740431728LL, 493921239040LL), 4);
    CU_ASSERT_EQUAL(vsa_percent(25458418646LL, 493921239040LL), 5);
    CU_ASSERT_EQUAL(vsa_percent(50, 100), 50);
    CU_ASSERT_EQUAL(vsa_percent(99, 100), 99);
    CU_ASSERT_EQUAL(vsa_percent(100, 100), 100);
    CU_ASSERT_EQUAL(vsa_percent(500, 100), 100);
    CU_ASSERT_EQUAL(vsa_percent(5, 0), 0);
    CU_ASSERT_EQUAL(vsa_percent(0, 100), 0);
    CU_ASSERT_EQUAL(vsa_percent(0x7fffffffffffffffLL, 0x7fffffffffffffffLL), 100);
}

/* §5.3: US short date and long time, local time */
static void test_dates(void)
{
    char buf[64], *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

    setenv("TZ", "UTC", 1);
    tzset();
    CU_ASSERT_STRING_EQUAL(vsa_format_time(buf, sizeof(buf), 132757697660000000LL), "9/10/2021 5:49:26 PM");
    CU_ASSERT_STRING_EQUAL(vsa_format_time(buf, sizeof(buf), 132760960090000000LL), "9/14/2021 12:26:49 PM");
    /* midnight is 12 AM */
    CU_ASSERT_STRING_EQUAL(vsa_format_time(buf, sizeof(buf), 132757056000000000LL), "9/10/2021 12:00:00 AM");
    CU_ASSERT_STRING_EQUAL(vsa_format_iso_time(buf, sizeof(buf), 132757697660000000LL), "2021-09-10T17:49:26Z");
    /* before 1970 (or garbage) does not underflow */
    CU_ASSERT_STRING_EQUAL(vsa_format_iso_time(buf, sizeof(buf), 5), "1970-01-01T00:00:00Z");
    /* a POSIX TZ rule, so no time zone database is needed */
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
    tzset();
    CU_ASSERT_STRING_EQUAL(vsa_format_time(buf, sizeof(buf), 132757697660000000LL), "9/10/2021 1:49:26 PM");
    if (tz) setenv("TZ", tz, 1);
    else unsetenv("TZ");
    tzset();
    free(tz);
}

static void test_guids(void)
{
    GUID g;
    char buf[VSA_GUID_CHARS];

    /* §5.1: ids are braced; any case in, lower case out */
    CU_ASSERT_EQUAL(vsa_parse_guid("{EEF18C41-C6BC-40BB-9863-5491249D2458}", &g), 0);
    CU_ASSERT_STRING_EQUAL(vsa_format_guid(buf, &g), "{eef18c41-c6bc-40bb-9863-5491249d2458}");
    CU_ASSERT_EQUAL(g.Data1, 0xeef18c41);
    CU_ASSERT_EQUAL(g.Data2, 0xc6bc);
    CU_ASSERT_EQUAL(g.Data4[7], 0x58);
    CU_ASSERT_EQUAL(vsa_parse_guid("eef18c41-c6bc-40bb-9863-5491249d2458", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid("{eef18c41-c6bc-40bb-9863-5491249d245}", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid("{eef18c41-c6bc-40bb-9863-5491249d24588}", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid("{eef18c41-c6bc-40bb-9863+5491249d2458}", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid("{gef18c41-c6bc-40bb-9863-5491249d2458}", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid("{eef18c41-c6bc-40bb-9863-5491249d2458)", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid("", &g), -1);
    CU_ASSERT_EQUAL(vsa_parse_guid(NULL, &g), -1);
}

/* §5.2: bytes, KB..EB and B..E suffixes, N%, UNBOUNDED */
static void test_size_parse(void)
{
    struct vsa_size s;

    CU_ASSERT_EQUAL(vsa_parse_size("900MB", &s), 0);
    CU_ASSERT_EQUAL(s.kind, VSA_SIZE_BYTES);
    CU_ASSERT_EQUAL(s.value, 900LL << 20);
    CU_ASSERT_EQUAL(vsa_parse_size("900m", &s), 0);
    CU_ASSERT_EQUAL(s.value, 900LL << 20);
    CU_ASSERT_EQUAL(vsa_parse_size("12345", &s), 0);
    CU_ASSERT_EQUAL(s.value, 12345);
    CU_ASSERT_EQUAL(vsa_parse_size("7B", &s), 0);
    CU_ASSERT_EQUAL(s.value, 7);
    CU_ASSERT_EQUAL(vsa_parse_size("2kb", &s), 0);
    CU_ASSERT_EQUAL(s.value, 2048);
    CU_ASSERT_EQUAL(vsa_parse_size("3G", &s), 0);
    CU_ASSERT_EQUAL(s.value, 3LL << 30);
    CU_ASSERT_EQUAL(vsa_parse_size("1TB", &s), 0);
    CU_ASSERT_EQUAL(s.value, 1LL << 40);
    CU_ASSERT_EQUAL(vsa_parse_size("1P", &s), 0);
    CU_ASSERT_EQUAL(s.value, 1LL << 50);
    CU_ASSERT_EQUAL(vsa_parse_size("7EB", &s), 0);
    CU_ASSERT_EQUAL(s.value, 7LL << 60);
    CU_ASSERT_EQUAL(vsa_parse_size("unbounded", &s), 0);
    CU_ASSERT_EQUAL(s.kind, VSA_SIZE_UNBOUNDED);
    CU_ASSERT_EQUAL(vsa_parse_size("20%", &s), 0);
    CU_ASSERT_EQUAL(s.kind, VSA_SIZE_PERCENT);
    CU_ASSERT_EQUAL(s.value, 20);
    CU_ASSERT_EQUAL(vsa_parse_size("100%", &s), 0);

    CU_ASSERT_EQUAL(vsa_parse_size("8EB", &s), -1);         /* overflows */
    CU_ASSERT_EQUAL(vsa_parse_size("99999999999999999999", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("0%", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("101%", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("1.5GB", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("-1", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("GB", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("10 GB", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("10XB", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("", &s), -1);
    CU_ASSERT_EQUAL(vsa_parse_size("%", &s), -1);
}

static void test_minutes_parse(void)
{
    unsigned int m;

    CU_ASSERT_EQUAL(vsa_parse_minutes("0", &m), 0);
    CU_ASSERT_EQUAL(m, 0);
    CU_ASSERT_EQUAL(vsa_parse_minutes("15", &m), 0);
    CU_ASSERT_EQUAL(m, 15);
    CU_ASSERT_EQUAL(vsa_parse_minutes("35791", &m), 0);
    CU_ASSERT_EQUAL(vsa_parse_minutes("35792", &m), -1);
    CU_ASSERT_EQUAL(vsa_parse_minutes("-1", &m), -1);
    CU_ASSERT_EQUAL(vsa_parse_minutes("1m", &m), -1);
    CU_ASSERT_EQUAL(vsa_parse_minutes("", &m), -1);
}

/* §3.3: state, last error, provider type and snapshot type texts */
static void test_enum_texts(void)
{
    int state;

    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(VSS_WS_STABLE), "Stable");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(VSS_WS_WAITING_FOR_BACKUP_COMPLETE), "Waiting for completion");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(VSS_WS_WAITING_FOR_FREEZE), "Waiting for freeze");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(VSS_WS_WAITING_FOR_THAW), "Waiting for thaw");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(VSS_WS_WAITING_FOR_POST_SNAPSHOT), "Waiting for post snapshot");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(VSS_WS_UNKNOWN), "Unknown");
    for (state = VSS_WS_FAILED_AT_IDENTIFY; state <= VSS_WS_FAILED_AT_BACKUPSHUTDOWN; state++)
        CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(state), "Failed");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(16), "Unknown");
    CU_ASSERT_STRING_EQUAL(vsa_writer_state_text(-3), "Unknown");

    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(S_OK), "No error");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(VSS_E_WRITERERROR_RETRYABLE), "Retryable error");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(VSS_E_WRITERERROR_NONRETRYABLE), "Non-retryable error");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(VSS_E_WRITERERROR_TIMEOUT), "Timed out");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT), "Inconsistent shadow copy");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(VSS_E_WRITERERROR_OUTOFRESOURCES), "Out of resources");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(VSS_E_WRITER_NOT_RESPONDING), "Not responding");
    CU_ASSERT_STRING_EQUAL(vsa_writer_error_text(E_FAIL), "Unexpected error");

    CU_ASSERT_STRING_EQUAL(vsa_provider_type_text(VSS_PROV_SYSTEM), "System");
    CU_ASSERT_STRING_EQUAL(vsa_provider_type_text(VSS_PROV_SOFTWARE), "Software");
    CU_ASSERT_STRING_EQUAL(vsa_provider_type_text(VSS_PROV_HARDWARE), "Hardware");
    CU_ASSERT_STRING_EQUAL(vsa_provider_type_text(VSS_PROV_FILESHARE), "File share");
    CU_ASSERT_STRING_EQUAL(vsa_provider_type_text(VSS_PROV_UNKNOWN), "Unknown");

    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_CTX_CLIENT_ACCESSIBLE_WRITERS | VSS_VOLSNAP_ATTR_DIFFERENTIAL),
                           "ClientAccessibleWriters");
    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_CTX_CLIENT_ACCESSIBLE), "ClientAccessible");
    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_CTX_NAS_ROLLBACK), "DataVolumeRollback");
    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_CTX_APP_ROLLBACK), "ApplicationRollback");
    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_CTX_FILE_SHARE_BACKUP), "FileShareBackup");
    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_DIFFERENTIAL), "Backup");
    CU_ASSERT_STRING_EQUAL(vsa_snapshot_type_text(VSS_VOLSNAP_ATTR_PERSISTENT), "Unknown");
}

/* §3.3: tokens in bit order, comma and space between */
static void test_attributes(void)
{
    char buf[512];

    /* the sample's five */
    CU_ASSERT_STRING_EQUAL(vsa_format_attributes(buf, sizeof(buf), 0x0042000d),
                           "Persistent, Client-accessible, No auto release, Differential, Auto recovered");
    CU_ASSERT_STRING_EQUAL(vsa_format_attributes(buf, sizeof(buf), 0x00120019),
                           "Persistent, No auto release, No writers, Differential, Exposed locally");
    CU_ASSERT_STRING_EQUAL(vsa_format_attributes(buf, sizeof(buf), 0), "None");
    /* a bit without a name is shown, not dropped */
    CU_ASSERT_STRING_EQUAL(vsa_format_attributes(buf, sizeof(buf), (LONG)0x80000001),
                           "Persistent, 0x80000000");
    /* a short buffer cuts whole tokens */
    vsa_format_attributes(buf, 16, 0x0042000d);
    CU_ASSERT_STRING_EQUAL(buf, "Persistent");
    CU_ASSERT_STRING_EQUAL(vsa_attribute_token(VSS_VOLSNAP_ATTR_PLEX), "Plex");
    CU_ASSERT_PTR_NULL(vsa_attribute_token(0x8000));

    /* DESIGN.md §5: the directory provider's PLEX copies are not point in time */
    CU_ASSERT_TRUE(vsa_is_point_in_time(VSS_VOLSNAP_ATTR_DIFFERENTIAL));
    CU_ASSERT_FALSE(vsa_is_point_in_time(VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_PERSISTENT));
    CU_ASSERT_TRUE(vsa_is_point_in_time(VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED));
}

static void print_banner(struct vsa_out *out, const void *arg)
{
    (void)arg;
    vsa_print_banner(out);
}

static void print_text(struct vsa_out *out, const void *arg)
{
    vsa_puts(out, arg);
    vsa_printf(out, "%s|%d\n", "x", 42);
}

static void print_json(struct vsa_out *out, const void *arg)
{
    vsa_json_string(out, arg);
}

static void print_long(struct vsa_out *out, const void *arg)
{
    (void)arg;
    /* longer than the formatter's stack buffer */
    vsa_printf(out, "%0600d\n", 7);
}

/* §5.1: the banner's layout, with Umbra's copyright line; LF or CRLF */
static void test_banner_and_line_ends(void)
{
    char *text = capture(print_banner, NULL, 0);

    CU_ASSERT_STRING_EQUAL(text, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
                                 "(C) Copyright 2026 the Umbra authors.\n\n");
    CU_ASSERT_PTR_NULL(strstr(text, "Microsoft"));
    free(text);
    text = capture(print_banner, NULL, 1);
    CU_ASSERT_STRING_EQUAL(text, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
                                 "(C) Copyright 2026 the Umbra authors.\r\n\r\n");
    free(text);
    text = capture(print_text, "a\nb\n\nc", 1);
    CU_ASSERT_STRING_EQUAL(text, "a\r\nb\r\n\r\ncx|42\r\n");
    free(text);
    text = capture(print_long, NULL, 0);
    CU_ASSERT_EQUAL(strlen(text), 601);
    CU_ASSERT_EQUAL(text[599], '7');
    free(text);
}

static void test_json_strings(void)
{
    char *text = capture(print_json, "a\"b\\c\nd\te\x01 \xc3\xa9", 0);

    CU_ASSERT_STRING_EQUAL(text, "\"a\\\"b\\\\c\\nd\\te\\u0001 \xc3\xa9\"");
    free(text);
    text = capture(print_json, NULL, 0);
    CU_ASSERT_STRING_EQUAL(text, "null");
    free(text);
}

static void test_wide_strings(void)
{
    WCHAR *w = vsa_wcs("C:\\d\xc3\xa9j\xc3\xa0 \xf0\x9f\x98\x80 \xff");
    char *back;

    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(w[4], 0xe9);
    CU_ASSERT_EQUAL(w[8], 0x1f600);
    CU_ASSERT_EQUAL(w[10], 0xfffd);         /* not UTF-8: replaced, not refused */
    back = vsa_utf8(w);
    CU_ASSERT_STRING_EQUAL(back, "C:\\d\xc3\xa9j\xc3\xa0 \xf0\x9f\x98\x80 \xef\xbf\xbd");
    free(back);
    free(w);
    back = vsa_utf8(NULL);
    CU_ASSERT_STRING_EQUAL(back, "");
    free(back);
}

static CU_TestInfo format_tests[] =
{
    { "sizes (§5.3)", test_sizes },
    { "percentages (§5.3)", test_percent },
    { "dates (§5.3)", test_dates },
    { "GUIDs (§5.1)", test_guids },
    { "/MaxSize values (§5.2)", test_size_parse },
    { "/AutoRetry values", test_minutes_parse },
    { "state, error and type texts (§3.3)", test_enum_texts },
    { "attribute tokens (§3.3)", test_attributes },
    { "banner and line ends (§5.1)", test_banner_and_line_ends },
    { "JSON strings", test_json_strings },
    { "UTF-8 and WCHAR", test_wide_strings },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vssadmin_format, NULL, NULL, format_tests);
