/*
 * wire.c: encoder and validating decoder for coordinator <-> writer messages
 * (layout in wire.h).  The decoder trusts nothing: every length is checked
 * against what is left of the body before it is used, so a hostile peer gets
 * -EBADMSG and never a read past the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include "wire.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v & 0xff;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = v >> 24;
}

int wire_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len)
    {
        unsigned char c = s[i];
        unsigned int need, cp, min;

        if (!c) return 0;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xe0) == 0xc0) { need = 1; cp = c & 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { need = 2; cp = c & 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { need = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if (len - i <= need) return 0;
        for (unsigned int k = 1; k <= need; k++)
        {
            if ((s[i + k] & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        /* overlong forms, surrogates and values past Unicode are not UTF-8 */
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        i += need + 1;
    }
    return 1;
}

static int field_valid(uint16_t kind, const uint8_t *data, uint32_t len)
{
    switch (kind)
    {
    case WIRE_KIND_U32: return len == 4;
    case WIRE_KIND_U64: return len == 8;
    case WIRE_KIND_GUID: return len == 16;
    case WIRE_KIND_STR: return len >= 1 && data[len - 1] == 0 && wire_utf8_valid((const char *)data, len - 1);
    case WIRE_KIND_BYTES: return 1;
    default: return 0;
    }
}

int wire_decode(const void *body, size_t len, struct wire_msg *msg)
{
    const uint8_t *p = body, *end;
    unsigned int count = 0, cap = 0;
    struct wire_field *fields = NULL;

    memset(msg, 0, sizeof(*msg));
    if (!body || len < WIRE_HEADER_SIZE || len > WIRE_MAX_BODY) return -EBADMSG;
    if (get32(p) != WIRE_MAGIC) return -EBADMSG;
    if (get16(p + 4) != WIRE_VERSION) return -EPROTONOSUPPORT;
    msg->type = get16(p + 6);
    msg->request_id = get32(p + 8);
    msg->status = (int32_t)get32(p + 12);

    end = p + len;
    p += WIRE_HEADER_SIZE;
    while (p < end)
    {
        struct wire_field *f;
        uint32_t flen;

        if ((size_t)(end - p) < WIRE_FIELD_HEADER) goto bad;
        flen = get32(p + 4);
        if (flen > (size_t)(end - p) - WIRE_FIELD_HEADER) goto bad;
        if (count == WIRE_MAX_FIELDS) goto bad;
        if (count == cap)
        {
            unsigned int ncap = cap ? cap * 2 : 16;
            struct wire_field *n = realloc(fields, ncap * sizeof(*n));
            if (!n)
            {
                free(fields);
                return -ENOMEM;
            }
            fields = n;
            cap = ncap;
        }
        f = &fields[count];
        f->tag = get16(p);
        f->kind = get16(p + 2);
        f->len = flen;
        f->data = p + WIRE_FIELD_HEADER;
        if (!field_valid(f->kind, f->data, flen)) goto bad;
        count++;
        p += WIRE_FIELD_HEADER + flen;
    }
    msg->count = count;
    msg->fields = fields;
    return 0;

bad:
    free(fields);
    memset(msg, 0, sizeof(*msg));
    return -EBADMSG;
}

void wire_msg_clear(struct wire_msg *msg)
{
    free(msg->fields);
    memset(msg, 0, sizeof(*msg));
}

static const struct wire_field *find_field(const struct wire_msg *msg, uint16_t tag, unsigned int index)
{
    for (unsigned int i = 0; i < msg->count; i++)
        if (msg->fields[i].tag == tag && !index--) return &msg->fields[i];
    return NULL;
}

static int get_kind(const struct wire_msg *msg, uint16_t tag, unsigned int index, uint16_t kind,
                    const struct wire_field **field)
{
    const struct wire_field *f = find_field(msg, tag, index);

    if (!f) return -ENOENT;
    if (f->kind != kind) return -EBADMSG;
    *field = f;
    return 0;
}

int wire_get_u32(const struct wire_msg *msg, uint16_t tag, uint32_t *value)
{
    const struct wire_field *f;
    int ret = get_kind(msg, tag, 0, WIRE_KIND_U32, &f);

    if (!ret) *value = get32(f->data);
    return ret;
}

int wire_get_u64(const struct wire_msg *msg, uint16_t tag, uint64_t *value)
{
    const struct wire_field *f;
    int ret = get_kind(msg, tag, 0, WIRE_KIND_U64, &f);

    if (!ret) *value = (uint64_t)get32(f->data) | (uint64_t)get32(f->data + 4) << 32;
    return ret;
}

int wire_get_guid(const struct wire_msg *msg, uint16_t tag, GUID *value)
{
    const struct wire_field *f;
    int ret = get_kind(msg, tag, 0, WIRE_KIND_GUID, &f);

    if (ret) return ret;
    value->Data1 = get32(f->data);
    value->Data2 = get16(f->data + 4);
    value->Data3 = get16(f->data + 6);
    memcpy(value->Data4, f->data + 8, 8);
    return 0;
}

int wire_get_str_at(const struct wire_msg *msg, uint16_t tag, unsigned int index, const char **value)
{
    const struct wire_field *f;
    int ret = get_kind(msg, tag, index, WIRE_KIND_STR, &f);

    if (!ret) *value = (const char *)f->data;
    return ret;
}

int wire_get_str(const struct wire_msg *msg, uint16_t tag, const char **value)
{
    return wire_get_str_at(msg, tag, 0, value);
}

int wire_get_bytes(const struct wire_msg *msg, uint16_t tag, const void **data, size_t *len)
{
    const struct wire_field *f;
    int ret = get_kind(msg, tag, 0, WIRE_KIND_BYTES, &f);

    if (ret) return ret;
    *data = f->data;
    *len = f->len;
    return 0;
}

unsigned int wire_count(const struct wire_msg *msg, uint16_t tag)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < msg->count; i++)
        if (msg->fields[i].tag == tag) n++;
    return n;
}

static uint8_t *reserve(struct wire_builder *b, size_t size)
{
    uint8_t *p;

    if (b->error) return NULL;
    if (size > b->max_body - b->len)
    {
        b->error = -EMSGSIZE;
        return NULL;
    }
    if (b->len + size > b->cap)
    {
        size_t ncap = b->cap ? b->cap : 256;
        uint8_t *n;

        while (ncap < b->len + size) ncap = ncap > b->max_body / 2 ? b->max_body : ncap * 2;
        if (!(n = realloc(b->data, ncap)))
        {
            b->error = -ENOMEM;
            return NULL;
        }
        b->data = n;
        b->cap = ncap;
    }
    p = b->data + b->len;
    b->len += size;
    return p;
}

void wire_builder_init(struct wire_builder *b, uint16_t type, uint32_t request_id, int32_t status)
{
    uint8_t *p;

    memset(b, 0, sizeof(*b));
    b->max_body = WIRE_MAX_BODY;
    if (!(p = reserve(b, WIRE_HEADER_SIZE))) return;
    put32(p, WIRE_MAGIC);
    put16(p + 4, WIRE_VERSION);
    put16(p + 6, type);
    put32(p + 8, request_id);
    put32(p + 12, (uint32_t)status);
}

static uint8_t *put_field(struct wire_builder *b, uint16_t tag, uint16_t kind, size_t len)
{
    uint8_t *p;

    if (len > UINT32_MAX)
    {
        if (!b->error) b->error = -EMSGSIZE;
        return NULL;
    }
    if (len > SIZE_MAX - WIRE_FIELD_HEADER || !(p = reserve(b, WIRE_FIELD_HEADER + len))) return NULL;
    put16(p, tag);
    put16(p + 2, kind);
    put32(p + 4, (uint32_t)len);
    return p + WIRE_FIELD_HEADER;
}

void wire_put_u32(struct wire_builder *b, uint16_t tag, uint32_t value)
{
    uint8_t *p = put_field(b, tag, WIRE_KIND_U32, 4);
    if (p) put32(p, value);
}

void wire_put_u64(struct wire_builder *b, uint16_t tag, uint64_t value)
{
    uint8_t *p = put_field(b, tag, WIRE_KIND_U64, 8);

    if (!p) return;
    put32(p, (uint32_t)value);
    put32(p + 4, (uint32_t)(value >> 32));
}

void wire_put_guid(struct wire_builder *b, uint16_t tag, const GUID *value)
{
    uint8_t *p = put_field(b, tag, WIRE_KIND_GUID, 16);

    if (!p) return;
    put32(p, value->Data1);
    put16(p + 4, value->Data2);
    put16(p + 6, value->Data3);
    memcpy(p + 8, value->Data4, 8);
}

void wire_put_str(struct wire_builder *b, uint16_t tag, const char *value)
{
    size_t len;
    uint8_t *p;

    if (!value || b->error) return;
    len = strlen(value);
    if (!wire_utf8_valid(value, len))
    {
        b->error = -EINVAL;
        return;
    }
    if ((p = put_field(b, tag, WIRE_KIND_STR, len + 1))) memcpy(p, value, len + 1);
}

void wire_put_bytes(struct wire_builder *b, uint16_t tag, const void *data, size_t len)
{
    uint8_t *p = put_field(b, tag, WIRE_KIND_BYTES, len);
    if (p && len) memcpy(p, data, len);
}

int wire_builder_finish(struct wire_builder *b, void **body, size_t *len)
{
    int ret = b->error;

    if (ret)
    {
        wire_builder_free(b);
        return ret;
    }
    *body = b->data;
    *len = b->len;
    memset(b, 0, sizeof(*b));
    return 0;
}

void wire_builder_free(struct wire_builder *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

const char *wire_type_name(unsigned int type)
{
    static const char *const names[WIRE_TYPE_COUNT] =
    {
        [WIRE_IDENTIFY] = "Identify",
        [WIRE_PREPARE_BACKUP] = "PrepareForBackup",
        [WIRE_PREPARE_SNAPSHOT] = "PrepareForSnapshot",
        [WIRE_FREEZE] = "Freeze",
        [WIRE_THAW] = "Thaw",
        [WIRE_POST_SNAPSHOT] = "PostSnapshot",
        [WIRE_ABORT] = "Abort",
        [WIRE_BACKUP_COMPLETE] = "BackupComplete",
        [WIRE_BACKUP_SHUTDOWN] = "BackupShutdown",
        [WIRE_PRE_RESTORE] = "PreRestore",
        [WIRE_POST_RESTORE] = "PostRestore",
        [WIRE_BACKOFF_IO] = "BackOffIOOnVolume",
        [WIRE_CONTINUE_IO] = "ContinueIOOnVolume",
        [WIRE_VSS_SHUTDOWN] = "VSSShutdown",
        [WIRE_APP_STARTUP] = "VSSApplicationStartup",
        [WIRE_GET_STATUS] = "GetStatus",
        [WIRE_ERROR] = "Error",
    };
    unsigned int t = type & ~WIRE_REPLY;

    return t < WIRE_TYPE_COUNT && names[t] ? names[t] : "unknown";
}

int wire_event_wanted(uint32_t mask, unsigned int type)
{
    switch (type)
    {
    case WIRE_IDENTIFY:
    case WIRE_GET_STATUS:
    case WIRE_VSS_SHUTDOWN:
    case WIRE_APP_STARTUP:
        return 1;
    case WIRE_POST_SNAPSHOT:
        return !!(mask & (VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_POST_SNAPSHOT_FLAG));
    case WIRE_PRE_RESTORE:
    case WIRE_POST_RESTORE:
        return !!(mask & VSS_SM_RESTORE_EVENTS_FLAG);
    case WIRE_BACKOFF_IO:
    case WIRE_CONTINUE_IO:
        return !!(mask & VSS_SM_IO_THROTTLING_FLAG);
    default:
        return !!(mask & VSS_SM_BACKUP_EVENTS_FLAG);
    }
}

uint32_t wire_failed_state(unsigned int type)
{
    switch (type)
    {
    case WIRE_IDENTIFY: return VSS_WS_FAILED_AT_IDENTIFY;
    case WIRE_PREPARE_BACKUP: return VSS_WS_FAILED_AT_PREPARE_BACKUP;
    case WIRE_PREPARE_SNAPSHOT: return VSS_WS_FAILED_AT_PREPARE_SNAPSHOT;
    case WIRE_FREEZE: return VSS_WS_FAILED_AT_FREEZE;
    case WIRE_THAW: return VSS_WS_FAILED_AT_THAW;
    case WIRE_POST_SNAPSHOT: return VSS_WS_FAILED_AT_POST_SNAPSHOT;
    case WIRE_BACKUP_COMPLETE: return VSS_WS_FAILED_AT_BACKUP_COMPLETE;
    case WIRE_BACKUP_SHUTDOWN: return VSS_WS_FAILED_AT_BACKUPSHUTDOWN;
    case WIRE_PRE_RESTORE: return VSS_WS_FAILED_AT_PRE_RESTORE;
    case WIRE_POST_RESTORE: return VSS_WS_FAILED_AT_POST_RESTORE;
    default: return 0;
    }
}
