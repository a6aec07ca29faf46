/*
 * test_wire.c: the coordinator <-> writer message encoding (dlls/vssapi/wire.c).
 * Round trips of every field kind, then the decoder against hostile bodies:
 * every truncation of a valid body, lengths that point past the end, bad
 * strings, unknown kinds, and a deterministic mutation fuzz.  Each hostile body
 * must give -EBADMSG (or decode to something self-consistent), never a crash;
 * ASan/valgrind check that nothing is read past the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "wire.h"
#include "harness.h"

static const GUID test_guid = { 0x01234567, 0x89ab, 0xcdef, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } };

/* A body with one field of every kind, repeated strings and a big document. */
static void build_sample(void **body, size_t *len)
{
    struct wire_builder b;

    wire_builder_init(&b, WIRE_PREPARE_BACKUP, 42, (int32_t)0x80042319);
    wire_put_u32(&b, WT_STATE, 5);
    wire_put_u64(&b, WT_CONTEXT, 0x0123456789abcdefULL);
    wire_put_guid(&b, WT_WRITER_ID, &test_guid);
    wire_put_str(&b, WT_VOLUME, "/srv/data/");
    wire_put_str(&b, WT_VOLUME, "C:\\");
    wire_put_str(&b, WT_VOLUME, "\xc3\xa9t\xc3\xa9");      /* "été" */
    wire_put_str(&b, WT_BCD, "<BACKUP_COMPONENTS/>");
    wire_put_bytes(&b, 999, "\0\1\2", 3);
    CU_ASSERT_EQUAL_FATAL(wire_builder_finish(&b, body, len), 0);
}

static void test_round_trip(void)
{
    struct wire_msg msg;
    void *body;
    size_t len;
    uint32_t u32;
    uint64_t u64;
    GUID guid;
    const char *str;
    const void *bytes;
    size_t nbytes;

    build_sample(&body, &len);
    CU_ASSERT_EQUAL_FATAL(wire_decode(body, len, &msg), 0);
    CU_ASSERT_EQUAL(msg.type, WIRE_PREPARE_BACKUP);
    CU_ASSERT_EQUAL(msg.request_id, 42);
    CU_ASSERT_EQUAL((uint32_t)msg.status, 0x80042319u);
    CU_ASSERT_EQUAL(wire_get_u32(&msg, WT_STATE, &u32), 0);
    CU_ASSERT_EQUAL(u32, 5);
    CU_ASSERT_EQUAL(wire_get_u64(&msg, WT_CONTEXT, &u64), 0);
    CU_ASSERT(u64 == 0x0123456789abcdefULL);
    CU_ASSERT_EQUAL(wire_get_guid(&msg, WT_WRITER_ID, &guid), 0);
    CU_ASSERT(IsEqualGUID(&guid, &test_guid));
    CU_ASSERT_EQUAL(wire_count(&msg, WT_VOLUME), 3);
    CU_ASSERT_EQUAL(wire_get_str_at(&msg, WT_VOLUME, 1, &str), 0);
    CU_ASSERT_STRING_EQUAL(str, "C:\\");
    CU_ASSERT_EQUAL(wire_get_str_at(&msg, WT_VOLUME, 2, &str), 0);
    CU_ASSERT_STRING_EQUAL(str, "\xc3\xa9t\xc3\xa9");
    CU_ASSERT_EQUAL(wire_get_str_at(&msg, WT_VOLUME, 3, &str), -ENOENT);
    CU_ASSERT_EQUAL(wire_get_str(&msg, WT_BCD, &str), 0);
    CU_ASSERT_STRING_EQUAL(str, "<BACKUP_COMPONENTS/>");
    CU_ASSERT_EQUAL(wire_get_bytes(&msg, 999, &bytes, &nbytes), 0);
    CU_ASSERT_EQUAL(nbytes, 3);
    CU_ASSERT(!memcmp(bytes, "\0\1\2", 3));
    /* absent field, and a field asked for as the wrong kind */
    CU_ASSERT_EQUAL(wire_get_str(&msg, WT_WMD, &str), -ENOENT);
    CU_ASSERT_EQUAL(wire_get_u32(&msg, WT_BCD, &u32), -EBADMSG);
    CU_ASSERT_EQUAL(wire_get_str(&msg, WT_STATE, &str), -EBADMSG);
    wire_msg_clear(&msg);
    free(body);
}

static void test_header_only(void)
{
    struct wire_builder b;
    struct wire_msg msg;
    void *body;
    size_t len;

    wire_builder_init(&b, WIRE_GET_STATUS | WIRE_REPLY, 7, 0);
    CU_ASSERT_EQUAL_FATAL(wire_builder_finish(&b, &body, &len), 0);
    CU_ASSERT_EQUAL(len, WIRE_HEADER_SIZE);
    CU_ASSERT_EQUAL(wire_decode(body, len, &msg), 0);
    CU_ASSERT_EQUAL(msg.type, WIRE_GET_STATUS | WIRE_REPLY);
    CU_ASSERT_EQUAL(msg.count, 0);
    wire_msg_clear(&msg);
    free(body);
}

/* Every strict prefix of a valid body either is a valid body itself (it ends on
 * a field boundary) or is refused; none is read past its end. */
static void test_truncations(void)
{
    void *body;
    size_t len, boundaries = 0;

    build_sample(&body, &len);
    for (size_t cut = 0; cut < len; cut++)
    {
        void *copy = malloc(cut ? cut : 1);
        struct wire_msg msg;
        int ret;

        memcpy(copy, body, cut);
        ret = wire_decode(copy, cut, &msg);
        CU_ASSERT(ret == 0 || ret == -EBADMSG);
        if (!ret)
        {
            boundaries++;
            CU_ASSERT(msg.count < 8);
        }
        wire_msg_clear(&msg);
        free(copy);
    }
    /* the header alone and each field end: 8 fields -> 8 valid prefixes */
    CU_ASSERT_EQUAL(boundaries, 8);
    free(body);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}

/* Hand-made body: header + one field of the given kind, length and data. */
static size_t make_body(uint8_t *buf, uint16_t kind, uint32_t flen, const void *data, size_t dlen)
{
    put_le32(buf, WIRE_MAGIC);
    buf[4] = WIRE_VERSION; buf[5] = 0;
    buf[6] = WIRE_IDENTIFY; buf[7] = 0;
    put_le32(buf + 8, 1);
    put_le32(buf + 12, 0);
    buf[16] = WT_WMD; buf[17] = 0;
    buf[18] = kind & 0xff; buf[19] = kind >> 8;
    put_le32(buf + 20, flen);
    memcpy(buf + 24, data, dlen);
    return 24 + dlen;
}

static int decode_one(uint16_t kind, uint32_t flen, const void *data, size_t dlen)
{
    uint8_t buf[256];
    struct wire_msg msg;
    size_t len = make_body(buf, kind, flen, data, dlen);
    uint8_t *copy = malloc(len);
    int ret;

    memcpy(copy, buf, len);
    ret = wire_decode(copy, len, &msg);
    wire_msg_clear(&msg);
    free(copy);
    return ret;
}

static void test_bad_fields(void)
{
    /* the well-formed baseline */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 3, "ab", 3), 0);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_U32, 4, "abcd", 4), 0);
    /* a length past the end of the body, by one byte and by 4 GiB */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 4, "ab", 3), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 0xffffffffu, "ab", 3), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_BYTES, 0xfffffff8u, "", 0), -EBADMSG);
    /* fixed-size kinds with the wrong size */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_U32, 3, "abc", 3), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_U64, 4, "abcd", 4), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_GUID, 15, "0123456789abcde", 15), -EBADMSG);
    /* strings: no terminator, empty, NUL inside, bad UTF-8 */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 2, "ab", 2), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 0, "", 0), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 4, "a\0b", 4), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 3, "\xc3\x28", 3), -EBADMSG);     /* bad continuation */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 3, "\xc0\xaf", 3), -EBADMSG);     /* overlong '/' */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 4, "\xed\xa0\x80", 4), -EBADMSG); /* surrogate */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 5, "\xf4\x90\x80\x80", 5), -EBADMSG); /* > U+10FFFF */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 2, "\xe2", 2), -EBADMSG);         /* truncated */
    CU_ASSERT_EQUAL(decode_one(WIRE_KIND_STR, 5, "\xf0\x9f\x98\x80", 5), 0);    /* U+1F600 is fine */
    /* unknown kinds */
    CU_ASSERT_EQUAL(decode_one(0, 0, "", 0), -EBADMSG);
    CU_ASSERT_EQUAL(decode_one(77, 1, "x", 1), -EBADMSG);
}

static void test_bad_headers(void)
{
    uint8_t buf[64] = { 0 };
    struct wire_msg msg;
    size_t len = make_body(buf, WIRE_KIND_U32, 4, "abcd", 4);

    CU_ASSERT_EQUAL(wire_decode(NULL, 0, &msg), -EBADMSG);
    CU_ASSERT_EQUAL(wire_decode(buf, 15, &msg), -EBADMSG);
    buf[0] ^= 1;
    CU_ASSERT_EQUAL(wire_decode(buf, len, &msg), -EBADMSG);
    buf[0] ^= 1;
    buf[4] = 2;   /* a version from the future */
    CU_ASSERT_EQUAL(wire_decode(buf, len, &msg), -EPROTONOSUPPORT);
    buf[4] = WIRE_VERSION;
    /* a dangling partial field header after a good field */
    CU_ASSERT_EQUAL(wire_decode(buf, len + 0, &msg), 0);
    wire_msg_clear(&msg);
    buf[len] = 1;
    CU_ASSERT_EQUAL(wire_decode(buf, len + 5, &msg), -EBADMSG);
    CU_ASSERT_EQUAL(msg.count, 0);
    CU_ASSERT_PTR_NULL(msg.fields);
}

/* More fields than the decoder indexes: refused, not an unbounded allocation. */
static void test_too_many_fields(void)
{
    size_t n = WIRE_MAX_FIELDS + 1, len = WIRE_HEADER_SIZE + n * (WIRE_FIELD_HEADER + 4);
    uint8_t *buf = calloc(1, len);
    struct wire_msg msg;

    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    make_body(buf, WIRE_KIND_U32, 4, "abcd", 4);
    for (size_t i = 0; i < n; i++)
    {
        uint8_t *f = buf + WIRE_HEADER_SIZE + i * (WIRE_FIELD_HEADER + 4);
        f[0] = 1; f[2] = WIRE_KIND_U32; put_le32(f + 4, 4);
    }
    CU_ASSERT_EQUAL(wire_decode(buf, len, &msg), -EBADMSG);
    /* one fewer is fine */
    CU_ASSERT_EQUAL(wire_decode(buf, len - (WIRE_FIELD_HEADER + 4), &msg), 0);
    CU_ASSERT_EQUAL(msg.count, WIRE_MAX_FIELDS);
    wire_msg_clear(&msg);
    free(buf);
}

static void test_builder_errors(void)
{
    struct wire_builder b;
    void *body = (void *)1;
    size_t len = 1;

    /* a string that is not UTF-8 cannot be sent */
    wire_builder_init(&b, WIRE_IDENTIFY, 1, 0);
    wire_put_str(&b, WT_WMD, "\xff\xfe");
    wire_put_u32(&b, WT_STATE, 1);
    CU_ASSERT_EQUAL(wire_builder_finish(&b, &body, &len), -EINVAL);
    CU_ASSERT_PTR_NULL(b.data);

    /* past the body limit */
    wire_builder_init(&b, WIRE_IDENTIFY, 1, 0);
    b.max_body = 64;
    wire_put_bytes(&b, 1, "0123456789012345678901234567890123456789012345678901234567890123", 64);
    CU_ASSERT_EQUAL(wire_builder_finish(&b, &body, &len), -EMSGSIZE);

    /* NULL strings are simply absent */
    wire_builder_init(&b, WIRE_IDENTIFY, 1, 0);
    wire_put_str(&b, WT_INSTANCE_NAME, NULL);
    CU_ASSERT_EQUAL_FATAL(wire_builder_finish(&b, &body, &len), 0);
    CU_ASSERT_EQUAL(len, WIRE_HEADER_SIZE);
    free(body);
}

/* Deterministic mutation fuzz: flip, overwrite and splice bytes of a valid body.
 * The decoder must either refuse or return fields that lie inside the body. */
static void test_mutation_fuzz(void)
{
    unsigned int seed = 12345, accepted = 0;
    void *body;
    size_t len;

    build_sample(&body, &len);
    for (int iter = 0; iter < 20000; iter++)
    {
        size_t mlen = len;
        uint8_t *m;
        struct wire_msg msg;
        int nmut, ret;

        seed = seed * 1103515245 + 12345;
        if ((seed >> 16) % 4 == 0) mlen = (seed >> 8) % (len + 1);
        m = malloc(mlen ? mlen : 1);
        memcpy(m, body, mlen);
        nmut = 1 + (seed >> 20) % 4;
        for (int k = 0; k < nmut && mlen; k++)
        {
            seed = seed * 1103515245 + 12345;
            size_t pos = (seed >> 8) % mlen;
            switch ((seed >> 4) % 3)
            {
            case 0: m[pos] ^= 1u << ((seed >> 12) % 8); break;
            case 1: m[pos] = (uint8_t)(seed >> 16); break;
            default: m[pos] = 0xff; break;
            }
        }
        ret = wire_decode(m, mlen, &msg);
        CU_ASSERT(ret == 0 || ret == -EBADMSG || ret == -EPROTONOSUPPORT);
        if (!ret)
        {
            accepted++;
            for (unsigned int i = 0; i < msg.count; i++)
            {
                const struct wire_field *f = &msg.fields[i];
                CU_ASSERT(f->data >= m + WIRE_HEADER_SIZE && f->data + f->len <= m + mlen);
                if (f->kind == WIRE_KIND_STR) CU_ASSERT(strlen((const char *)f->data) == f->len - 1);
            }
        }
        wire_msg_clear(&msg);
        free(m);
    }
    /* some mutations only touch values (status, numbers), so some pass */
    CU_ASSERT(accepted > 0);
    free(body);
}

static void test_type_names(void)
{
    CU_ASSERT_STRING_EQUAL(wire_type_name(WIRE_FREEZE), "Freeze");
    CU_ASSERT_STRING_EQUAL(wire_type_name(WIRE_FREEZE | WIRE_REPLY), "Freeze");
    CU_ASSERT_STRING_EQUAL(wire_type_name(0), "unknown");
    CU_ASSERT_STRING_EQUAL(wire_type_name(0x7fff), "unknown");
}

static CU_TestInfo wire_tests[] =
{
    { "round trip", test_round_trip },
    { "header only", test_header_only },
    { "every truncation", test_truncations },
    { "bad fields", test_bad_fields },
    { "bad headers", test_bad_headers },
    { "too many fields", test_too_many_fields },
    { "builder errors", test_builder_errors },
    { "mutation fuzz", test_mutation_fuzz },
    { "type names", test_type_names },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(wire, NULL, NULL, wire_tests);
