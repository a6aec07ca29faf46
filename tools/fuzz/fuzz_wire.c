/*
 * fuzz_wire.c: libFuzzer harness for the message decoder that every writer
 * process and coordinator runs on what arrives from a socket (wire.h:
 * wire_decode and the typed getters).
 *
 * Checked beyond "no crash": a body that decodes has fields that lie inside
 * it; every getter answers 0, -ENOENT or -EBADMSG, and a string it returns is
 * valid UTF-8 of the length the field says; re-encoding the decoded fields
 * with the builder gives a body that decodes to the same fields (the encoder
 * and the decoder agree).  Built and run by tools/fuzz/run.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "wire.h"

static void check_getters(const struct wire_msg *msg, uint16_t tag)
{
    const void *bytes;
    const char *str;
    uint32_t u32;
    uint64_t u64;
    size_t len;
    GUID guid;
    unsigned int n, i;
    int ret;

#define EXPECT(call) do { ret = (call); if (ret && ret != -ENOENT && ret != -EBADMSG) abort(); } while (0)
    EXPECT(wire_get_u32(msg, tag, &u32));
    EXPECT(wire_get_u64(msg, tag, &u64));
    EXPECT(wire_get_guid(msg, tag, &guid));
    EXPECT(wire_get_bytes(msg, tag, &bytes, &len));
    EXPECT(wire_get_str(msg, tag, &str));
    if (!ret && !wire_utf8_valid(str, strlen(str))) abort();
    n = wire_count(msg, tag);
    for (i = 0; i <= n && i < 64; i++)
    {
        EXPECT(wire_get_str_at(msg, tag, i, &str));
        if (i == n && ret != -ENOENT) abort();
        if (!ret && !wire_utf8_valid(str, strlen(str))) abort();
    }
#undef EXPECT
}

/* Encode the decoded message again and decode that: the same fields. */
static void check_roundtrip(const struct wire_msg *msg)
{
    struct wire_builder b;
    struct wire_msg again;
    void *body;
    size_t len;
    unsigned int i;

    wire_builder_init(&b, msg->type, msg->request_id, msg->status);
    for (i = 0; i < msg->count; i++)
    {
        const struct wire_field *f = &msg->fields[i];
        uint32_t u32;
        uint64_t u64;
        GUID guid;

        switch (f->kind)
        {
        case WIRE_KIND_U32:
            memcpy(&u32, f->data, 4);
            wire_put_u32(&b, f->tag, le32toh(u32));
            break;
        case WIRE_KIND_U64:
            memcpy(&u64, f->data, 8);
            wire_put_u64(&b, f->tag, le64toh(u64));
            break;
        case WIRE_KIND_GUID:
            guid.Data1 = (uint32_t)f->data[0] | (uint32_t)f->data[1] << 8 | (uint32_t)f->data[2] << 16
                         | (uint32_t)f->data[3] << 24;
            guid.Data2 = (uint16_t)(f->data[4] | f->data[5] << 8);
            guid.Data3 = (uint16_t)(f->data[6] | f->data[7] << 8);
            memcpy(guid.Data4, f->data + 8, 8);
            wire_put_guid(&b, f->tag, &guid);
            break;
        case WIRE_KIND_STR:
            wire_put_str(&b, f->tag, (const char *)f->data);
            break;
        case WIRE_KIND_BYTES:
            wire_put_bytes(&b, f->tag, f->data, f->len);
            break;
        default:
            abort();   /* the decoder lets no other kind through */
        }
    }
    if (wire_builder_finish(&b, &body, &len)) abort();
    if (wire_decode(body, len, &again)) abort();
    if (again.type != msg->type || again.request_id != msg->request_id || again.status != msg->status
        || again.count != msg->count)
        abort();
    for (i = 0; i < msg->count; i++)
        if (again.fields[i].tag != msg->fields[i].tag || again.fields[i].kind != msg->fields[i].kind
            || again.fields[i].len != msg->fields[i].len
            || memcmp(again.fields[i].data, msg->fields[i].data, msg->fields[i].len))
            abort();
    wire_msg_clear(&again);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t tags[] = { WT_WRITER_ID, WT_WRITER_NAME, WT_INSTANCE_NAME, WT_USAGE, WT_STATE, WT_WMD,
                                     WT_BCD, WT_COMPONENTS, WT_SNAPSHOT_SET_ID, WT_VOLUME, WT_SNAPSHOT_DEVICE,
                                     WT_PROVIDER_ID, 0, 0xffff };
    struct wire_msg msg;
    unsigned int i;
    int ret;

    ret = wire_decode(data, size, &msg);
    if (ret)
    {
        if (ret != -EBADMSG && ret != -EPROTONOSUPPORT && ret != -ENOMEM) abort();
        return 0;
    }
    for (i = 0; i < msg.count; i++)
    {
        const struct wire_field *f = &msg.fields[i];
        if (f->data < data + WIRE_HEADER_SIZE || f->data + f->len > data + size) abort();
    }
    for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) check_getters(&msg, tags[i]);
    for (i = 0; i < msg.count && i < 8; i++) check_getters(&msg, msg.fields[i].tag);
    wire_type_name(msg.type);
    wire_event_wanted(msg.status, msg.type);
    wire_failed_state(msg.type);
    check_roundtrip(&msg);
    wire_msg_clear(&msg);
    return 0;
}
