/*
 * test_catalogue.c: the snapshot record format (catalogue.h): a round trip
 * keeps every field; truncated, bit-flipped, junk or malformed records are
 * rejected with an error and never crash; process identity and timestamps.
 * tests/integration/test_catalogue.c covers the catalogue on disk.
 */
/* internals of the POSIX layer: glibc printf, not the Microsoft one Windows code gets */
#define UMBRA_NATIVE_CRT
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <windows.h>
#include "harness.h"
#include "catalogue.h"

static const GUID snap_id = { 0x507c37b4, 0xcf5b, 0x4e95, { 0xb0, 0xaf, 0x14, 0xeb, 0x97, 0x67, 0x46, 0x7e } };
static const GUID set_id = { 0x0a1b2c3d, 0x4e5f, 0x6071, { 0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9 } };
static const GUID prov_id = { 0xb5946137, 0x7b9f, 0x4925, { 0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } };

static uint32_t crc32_ieee(const char *p, size_t len)
{
    uint32_t crc = 0xffffffff;
    int k;

    while (len--)
    {
        crc ^= (unsigned char)*p++;
        for (k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return ~crc;
}

/* body + a correct crc32 line */
static char *framed(const char *body)
{
    size_t len = strlen(body);
    char *text = malloc(len + 32);

    memcpy(text, body, len);
    snprintf(text + len, 32, "crc32=%08x\n", crc32_ieee(body, len));
    return text;
}

static struct snapshot_record *full_record(void)
{
    struct snapshot_record *rec = snapshot_record_new();

    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    rec->snapshot_id = snap_id;
    rec->set_id = set_id;
    rec->provider_id = prov_id;
    rec->snapshots_count = 3;
    rec->context = 0x1d;                    /* VSS_CTX_CLIENT_ACCESSIBLE */
    rec->attributes = (LONG)0x80120019;     /* high bit set: must survive as a LONG */
    rec->creation_time = 133500000000000000LL;
    rec->state = RECORD_CREATED;
    snapshot_record_set(&rec->original_volume_name, "\\\\?\\Volume{d5a3271c-11c3-5577-bf8e-4b0b9cb61efc}\\");
    snapshot_record_set(&rec->original_volume_root, "/srv/da ta");
    snapshot_record_set(&rec->snapshot_device, "/srv/da ta/.snapshots/@GMT-2024.05.01-10.00.00");
    snapshot_record_set(&rec->originating_machine, "host.example.org");
    snapshot_record_set(&rec->service_machine, "h\xc3\xb6st");   /* UTF-8 passes through */
    snapshot_record_set(&rec->exposed_name, "X:");
    snapshot_record_set(&rec->exposed_path, "/mnt/100%\tpercent");
    snapshot_record_set(&rec->provider_data, "provider=directory\nroot=/srv/x%25\nline=\x01\x7f");
    rec->owner.pid = 1234;
    rec->owner.start_time = 987654321ULL;
    strcpy(rec->owner.boot_id, "0f2c3a6e-3b59-4a6f-9a7e-6d4fba0fb1c3");
    rec->worker.pid = 99;
    rec->worker.start_time = 5;
    rec->worker.boot_id[0] = 0;
    return rec;
}

static void assert_same(const struct snapshot_record *a, const struct snapshot_record *b)
{
    CU_ASSERT(IsEqualGUID(&a->snapshot_id, &b->snapshot_id));
    CU_ASSERT(IsEqualGUID(&a->set_id, &b->set_id));
    CU_ASSERT(IsEqualGUID(&a->provider_id, &b->provider_id));
    CU_ASSERT_EQUAL(a->snapshots_count, b->snapshots_count);
    CU_ASSERT_EQUAL(a->context, b->context);
    CU_ASSERT_EQUAL(a->attributes, b->attributes);
    CU_ASSERT_EQUAL(a->creation_time, b->creation_time);
    CU_ASSERT_EQUAL(a->state, b->state);
    CU_ASSERT_STRING_EQUAL(a->original_volume_name, b->original_volume_name);
    CU_ASSERT_STRING_EQUAL(a->original_volume_root, b->original_volume_root);
    CU_ASSERT_STRING_EQUAL(a->snapshot_device, b->snapshot_device);
    CU_ASSERT_STRING_EQUAL(a->originating_machine, b->originating_machine);
    CU_ASSERT_STRING_EQUAL(a->service_machine, b->service_machine);
    CU_ASSERT_STRING_EQUAL(a->exposed_name, b->exposed_name);
    CU_ASSERT_STRING_EQUAL(a->exposed_path, b->exposed_path);
    CU_ASSERT_STRING_EQUAL(a->provider_data, b->provider_data);
    CU_ASSERT_EQUAL(a->owner.pid, b->owner.pid);
    CU_ASSERT_EQUAL(a->owner.start_time, b->owner.start_time);
    CU_ASSERT_STRING_EQUAL(a->owner.boot_id, b->owner.boot_id);
    CU_ASSERT_EQUAL(a->worker.pid, b->worker.pid);
    CU_ASSERT_EQUAL(a->worker.start_time, b->worker.start_time);
    CU_ASSERT_STRING_EQUAL(a->worker.boot_id, b->worker.boot_id);
}

static void test_round_trip(void)
{
    struct snapshot_record *rec = full_record(), *back = NULL, *copy;
    char *text = NULL;
    size_t len;

    CU_ASSERT_EQUAL_FATAL(snapshot_record_format(rec, &text, &len), 0);
    CU_ASSERT_EQUAL(strlen(text), len);
    CU_ASSERT_EQUAL(strncmp(text, "umbra-snapshot-record 1\n", 24), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nsnapshot_id={507c37b4-cf5b-4e95-b0af-14eb9767467e}\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nstate=created\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nattributes=0x80120019\n"));
    /* one line per key: the escapes keep newlines out of values */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nexposed_path=/mnt/100%25%09percent\n"));
    CU_ASSERT_EQUAL(strncmp(text + len - 15, "crc32=", 6), 0);

    CU_ASSERT_EQUAL_FATAL(snapshot_record_parse(text, len, &back), 0);
    assert_same(rec, back);
    CU_ASSERT_PTR_NULL(back->record_dir);

    copy = snapshot_record_dup(back);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    assert_same(copy, back);
    CU_ASSERT_PTR_NOT_EQUAL(copy->provider_data, back->provider_data);

    snapshot_record_free(rec);
    snapshot_record_free(back);
    snapshot_record_free(copy);
    free(text);
    snapshot_record_free(NULL);
}

static void test_new_record(void)
{
    struct snapshot_record *rec = snapshot_record_new();
    struct catalogue_process self;

    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_EQUAL(rec->state, RECORD_CREATING);
    CU_ASSERT_STRING_EQUAL(rec->provider_data, "");
    CU_ASSERT_STRING_EQUAL(rec->exposed_name, "");
    CU_ASSERT_PTR_NULL(rec->record_dir);
    CU_ASSERT_EQUAL(catalogue_process_self(&self), 0);
    CU_ASSERT_EQUAL(rec->owner.pid, self.pid);
    CU_ASSERT_EQUAL(rec->worker.start_time, self.start_time);
    CU_ASSERT(rec->creation_time > catalogue_timestamp(&(struct timespec){ 1500000000, 0 }));
    CU_ASSERT_EQUAL(snapshot_record_set(&rec->exposed_name, NULL), 0);
    CU_ASSERT_STRING_EQUAL(rec->exposed_name, "");
    rec->state = 42;
    {
        char *text;
        size_t len;
        CU_ASSERT_EQUAL(snapshot_record_format(rec, &text, &len), -EINVAL);
    }
    snapshot_record_free(rec);
}

/* A record cut anywhere (a torn write that was renamed anyway, a full disk)
 * is bad, never half-believed. */
static void test_truncated(void)
{
    struct snapshot_record *rec = full_record(), *back;
    char *text;
    size_t len, cut;

    CU_ASSERT_EQUAL_FATAL(snapshot_record_format(rec, &text, &len), 0);
    for (cut = 0; cut < len; cut++)
    {
        char *copy = malloc(cut + 1);
        memcpy(copy, text, cut);
        back = (void *)1;
        CU_ASSERT_EQUAL(snapshot_record_parse(copy, cut, &back), -EINVAL);
        CU_ASSERT_PTR_NULL(back);
        free(copy);
    }
    /* and with junk after the crc line */
    {
        char *longer = malloc(len + 8);
        memcpy(longer, text, len);
        memcpy(longer + len, "x=1\n", 4);
        CU_ASSERT_EQUAL(snapshot_record_parse(longer, len + 4, &back), -EINVAL);
        free(longer);
    }
    free(text);
    snapshot_record_free(rec);
}

/* Every single-bit error anywhere is caught (CRC-32 finds them all). */
static void test_bit_flips(void)
{
    struct snapshot_record *rec = full_record(), *back;
    unsigned int bad = 0, total = 0;
    char *text;
    size_t len, i;
    int bit;

    CU_ASSERT_EQUAL_FATAL(snapshot_record_format(rec, &text, &len), 0);
    for (i = 0; i < len; i++)
        for (bit = 0; bit < 8; bit++)
        {
            text[i] ^= (char)(1 << bit);
            total++;
            if (snapshot_record_parse(text, len, &back) == -EINVAL) bad++;
            else
            {
                /* the one harmless flip: the case of a hex letter in the crc value */
                if (i >= len - 9 && i < len - 1 && bit == 5 && isalpha((unsigned char)text[i])) bad++;
                else fprintf(stderr, "flip of bit %d at %zu accepted\n", bit, i);
                snapshot_record_free(back);
            }
            text[i] ^= (char)(1 << bit);
        }
    CU_ASSERT_EQUAL(bad, total);
    CU_ASSERT_EQUAL(snapshot_record_parse(text, len, &back), 0);
    snapshot_record_free(back);
    free(text);
    snapshot_record_free(rec);
}

static void test_junk(void)
{
    static const char *const junk[] =
    {
        "", "\n", "umbra-snapshot-record 1\n", "crc32=00000000\n", "hello world",
        "umbra-snapshot-record\ncrc32=00000000\n", "<?xml version=\"1.0\"?><record/>\n",
    };
    struct snapshot_record *back;
    unsigned int seed = 12345;
    char buf[2048];
    size_t i, j;

    for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
        CU_ASSERT_EQUAL(snapshot_record_parse(junk[i], strlen(junk[i]), &back), -EINVAL);
    /* random bytes, deterministic */
    for (i = 0; i < 500; i++)
    {
        size_t len = (i * 37) % sizeof(buf);
        for (j = 0; j < len; j++)
        {
            seed = seed * 1103515245 + 12345;
            buf[j] = (char)(seed >> 16);
        }
        CU_ASSERT_EQUAL(snapshot_record_parse(buf, len, &back), -EINVAL);
    }
    CU_ASSERT_EQUAL(snapshot_record_parse(NULL, 0, &back), -EINVAL);
    CU_ASSERT_EQUAL(snapshot_record_parse("x", 1, NULL), -EINVAL);
}

static const char good_body[] =
    "umbra-snapshot-record 1\n"
    "snapshot_id={507c37b4-cf5b-4e95-b0af-14eb9767467e}\n"
    "set_id={0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}\n"
    "provider_id={b5946137-7b9f-4925-af80-51abd60b20d5}\n"
    "snapshots_count=1\n"
    "context=0x00000000\n"
    "attributes=0x00000000\n"
    "state=creating\n"
    "creation_time=133500000000000000\n"
    "original_volume_name=\\\\?\\Volume{d5a3271c-11c3-5577-bf8e-4b0b9cb61efc}\\\n"
    "original_volume_root=/srv\n"
    "snapshot_device=\n"
    "originating_machine=h\n"
    "service_machine=h\n"
    "exposed_name=\n"
    "exposed_path=\n"
    "provider_data=\n"
    "owner=1:2:\n"
    "worker=1:2:\n";

/* The body with one line replaced (or removed, with replacement NULL, or a
 * line added at the end with key NULL). */
static int parse_variant(const char *key, const char *replacement)
{
    char body[4096], *text, *line;
    struct snapshot_record *rec;
    int ret;

    snprintf(body, sizeof(body), "%s", good_body);
    if (key)
    {
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "\n%s=", key);
        line = strstr(body, prefix);
        CU_ASSERT_PTR_NOT_NULL_FATAL(line);
        line++;
        {
            char *end = strchr(line, '\n') + 1, rest[4096];
            snprintf(rest, sizeof(rest), "%s", end);
            snprintf(line, sizeof(body) - (line - body), "%s%s", replacement ? replacement : "", rest);
        }
    }
    else strncat(body, replacement, sizeof(body) - strlen(body) - 1);
    text = framed(body);
    ret = snapshot_record_parse(text, strlen(text), &rec);
    if (!ret) snapshot_record_free(rec);
    free(text);
    return ret;
}

static void test_malformed_fields(void)
{
    CU_ASSERT_EQUAL(parse_variant("state", "state=creating\n"), 0);
    /* a later addition to format 1 is ignored */
    CU_ASSERT_EQUAL(parse_variant(NULL, "future_key=whatever\n"), 0);
    /* every key is required, once */
    CU_ASSERT_EQUAL(parse_variant("state", NULL), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("worker", NULL), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("provider_data", NULL), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant(NULL, "state=created\n"), -EINVAL);
    /* values */
    CU_ASSERT_EQUAL(parse_variant("state", "state=exploded\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("state", "state=\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("snapshot_id", "snapshot_id=507c37b4-cf5b-4e95-b0af-14eb9767467e\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("snapshot_id", "snapshot_id={507c37b4-cf5b-4e95-b0af-14eb9767467}\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("set_id", "set_id={zzzzzzzz-cf5b-4e95-b0af-14eb9767467e}\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("snapshots_count", "snapshots_count=-1\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("snapshots_count", "snapshots_count=99999999999\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("snapshots_count", "snapshots_count=1x\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("context", "context=0x100000000\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("context", "context=0xffffffff\n"), 0);
    CU_ASSERT_EQUAL(parse_variant("creation_time", "creation_time=-5\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("creation_time", "creation_time=\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("exposed_path", "exposed_path=%zz\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("exposed_path", "exposed_path=%4\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("exposed_path", "exposed_path=%00\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("exposed_path", "exposed_path=%41%62\n"), 0);
    CU_ASSERT_EQUAL(parse_variant("owner", "owner=1:2\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("owner", "owner=x:2:\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("owner", "owner=1:2:not a boot id\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant("owner", "owner=1:2:0f2c3a6e-3b59-4a6f-9a7e-6d4fba0fb1c3\n"), 0);
    /* key syntax */
    CU_ASSERT_EQUAL(parse_variant(NULL, "Upper=1\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant(NULL, "=1\n"), -EINVAL);
    CU_ASSERT_EQUAL(parse_variant(NULL, "no equals sign\n"), -EINVAL);
}

static void test_versions(void)
{
    struct snapshot_record *rec;
    char body[4096], *text;

    /* a later format: not ours to judge (and not to quarantine) */
    snprintf(body, sizeof(body), "umbra-snapshot-record 2\n%s", strchr(good_body, '\n') + 1);
    text = framed(body);
    CU_ASSERT_EQUAL(snapshot_record_parse(text, strlen(text), &rec), -EPROTONOSUPPORT);
    free(text);
    snprintf(body, sizeof(body), "umbra-snapshot-record 0\n%s", strchr(good_body, '\n') + 1);
    text = framed(body);
    CU_ASSERT_EQUAL(snapshot_record_parse(text, strlen(text), &rec), -EINVAL);
    free(text);
    snprintf(body, sizeof(body), "umbra-catalogue-index 1\n%s", strchr(good_body, '\n') + 1);
    text = framed(body);
    CU_ASSERT_EQUAL(snapshot_record_parse(text, strlen(text), &rec), -EINVAL);
    free(text);
    /* an embedded NUL */
    text = framed(good_body);
    text[30] = 0;
    CU_ASSERT_EQUAL(snapshot_record_parse(text, strlen(text + 31) + 31, &rec), -EINVAL);
    free(text);
}

static void test_processes(void)
{
    struct catalogue_process self, other, gone;
    int status;
    pid_t child;

    CU_ASSERT_EQUAL_FATAL(catalogue_process_self(&self), 0);
    CU_ASSERT_EQUAL(self.pid, getpid());
    CU_ASSERT(self.start_time > 0);
    CU_ASSERT(catalogue_process_alive(&self));

    /* pid reuse: the same pid with another start time is another process */
    other = self;
    other.start_time++;
    CU_ASSERT_FALSE(catalogue_process_alive(&other));
    /* and after a reboot nobody from before is alive */
    other = self;
    if (other.boot_id[0])
    {
        strcpy(other.boot_id, "00000000-0000-0000-0000-000000000000");
        CU_ASSERT_FALSE(catalogue_process_alive(&other));
    }

    child = fork();
    CU_ASSERT_FATAL(child >= 0);
    if (!child)
    {
        pause();
        _exit(0);
    }
    CU_ASSERT_EQUAL(catalogue_process_of(child, &gone), 0);
    CU_ASSERT(catalogue_process_alive(&gone));
    kill(child, SIGKILL);
    /* a zombie has finished */
    while (catalogue_process_alive(&gone)) usleep(1000);
    CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
    CU_ASSERT_FALSE(catalogue_process_alive(&gone));
    CU_ASSERT_EQUAL(catalogue_process_of(child, &other), -ESRCH);

    memset(&other, 0, sizeof(other));
    CU_ASSERT_FALSE(catalogue_process_alive(&other));
    CU_ASSERT_FALSE(catalogue_process_alive(NULL));
    CU_ASSERT_EQUAL(catalogue_process_of(0, &other), -EINVAL);
}

static void test_timestamps(void)
{
    /* VSS_TIMESTAMP is a FILETIME: 100 ns since 1601-01-01 (VSS-FACTS.md §3.2) */
    CU_ASSERT_EQUAL(catalogue_timestamp(&(struct timespec){ 0, 0 }), 116444736000000000LL);
    /* 2024-01-01T00:00:00.1234567Z */
    CU_ASSERT_EQUAL(catalogue_timestamp(&(struct timespec){ 1704067200, 123456789 }), 133485408001234567LL);
    CU_ASSERT(catalogue_timestamp_now() > 133485408000000000LL);
}

static CU_TestInfo catalogue_record_tests[] =
{
    { "round trip", test_round_trip },
    { "new record", test_new_record },
    { "truncated records", test_truncated },
    { "bit flips", test_bit_flips },
    { "junk", test_junk },
    { "malformed fields", test_malformed_fields },
    { "format versions", test_versions },
    { "processes", test_processes },
    { "timestamps", test_timestamps },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(catalogue_record, NULL, NULL, catalogue_record_tests);
