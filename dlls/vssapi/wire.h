/*
 * wire.h: the messages a coordinator and a writer process exchange (DESIGN.md §4).
 *
 * This is the encoding and the vocabulary only; framing, sockets and peer checks
 * are in transport.h, and what each event means is in writer_server.c and
 * coordinator.c.  A message body (the transport adds a 32-bit length in front) is
 *
 *     u32 magic "UMSW" | u16 version | u16 type | u32 request id | i32 status (HRESULT)
 *     then fields up to the end:  u16 tag | u16 kind | u32 length | length bytes
 *
 * all little-endian, no padding.  Kinds are u32, u64, GUID (Data1..3 little-endian,
 * Data4 as bytes), UTF-8 string (terminating NUL included in the length, none
 * inside, valid UTF-8) and raw bytes.  A tag may repeat (one VOLUME field per
 * volume).  Unknown tags are skipped so that either side may add fields; unknown
 * kinds, bad lengths and bad strings make the whole message invalid.  The XML
 * documents (WMD, BCD, a writer's components) travel as opaque UTF-8 strings.
 *
 * Functions return 0 or a negative errno.
 */
#ifndef UMBRA_VSSAPI_WIRE_H
#define UMBRA_VSSAPI_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <windef.h>

#define WIRE_MAGIC        0x57534d55u   /* "UMSW" read as little-endian bytes */
#define WIRE_VERSION      1
#define WIRE_HEADER_SIZE  16
#define WIRE_FIELD_HEADER 8
#define WIRE_MAX_FIELDS   65536         /* bounds the decoder's index, not the body */
#define WIRE_MAX_BODY     (64u << 20)   /* 64 MiB: no body is built or accepted past this */

/* Message types.  A reply carries the request's type with WIRE_REPLY set and the
 * request's id; its status is S_OK when the writer's handler returned true. */
enum wire_type
{
    WIRE_IDENTIFY = 1,          /* -> OnIdentify; reply: identity, WMD */
    WIRE_PREPARE_BACKUP,        /* BCD -> OnPrepareBackup; reply: components */
    WIRE_PREPARE_SNAPSHOT,      /* -> OnPrepareSnapshot */
    WIRE_FREEZE,                /* LEVEL -> OnFreeze; starts the writer's freeze timer */
    WIRE_THAW,                  /* LEVEL -> OnThaw */
    WIRE_POST_SNAPSHOT,         /* BCD -> OnPostSnapshot; reply: components */
    WIRE_ABORT,                 /* -> OnAbort */
    WIRE_BACKUP_COMPLETE,       /* BCD -> OnBackupComplete; reply: components */
    WIRE_BACKUP_SHUTDOWN,       /* SNAPSHOT_SET_ID -> OnBackupShutdown */
    WIRE_PRE_RESTORE,           /* BCD -> OnPreRestore; reply: components */
    WIRE_POST_RESTORE,          /* BCD -> OnPostRestore; reply: components */
    WIRE_BACKOFF_IO,            /* VOLUME_NAME, SNAPSHOT_ID, PROVIDER_ID -> OnBackOffIOOnVolume */
    WIRE_CONTINUE_IO,           /* same fields -> OnContinueIOOnVolume */
    WIRE_VSS_SHUTDOWN,          /* -> OnVSSShutdown */
    WIRE_APP_STARTUP,           /* -> OnVSSApplicationStartup */
    WIRE_GET_STATUS,            /* no handler: reply carries identity and state */
    WIRE_ERROR,                 /* only as a reply: the request was refused (status says why) */
    WIRE_TYPE_COUNT
};
#define WIRE_REPLY 0x8000

/* Requester <-> vsssvc messages (DESIGN.md §4), in the same encoding: the
 * types, and the tags from WT_SVC_FIRST on that their fields use.
 * service_proto.h says what each one carries. */
enum wire_service_type
{
    WIRE_SVC_HELLO = 0x100,     /* opens the session (requester object) of a connection */
    WIRE_SVC_CALL,              /* one IVssBackupComponentsEx4 method */
    WIRE_SVC_ASYNC,             /* IVssAsync Wait/QueryStatus/Cancel/Release of an operation */
    WIRE_SVC_RELEASE,           /* the requester released its object: end the session */
    WIRE_SVC_TYPE_END
};
#define WT_SVC_FIRST 0x100

/* Field tags. */
enum wire_tag
{
    /* identity of a writer (replies to IDENTIFY and GET_STATUS) */
    WT_WRITER_ID = 1,           /* GUID: writer class id */
    WT_INSTANCE_ID,             /* GUID */
    WT_WRITER_NAME,             /* str */
    WT_INSTANCE_NAME,           /* str, absent when the writer gave none */
    WT_USAGE,                   /* u32 VSS_USAGE_TYPE */
    WT_SOURCE,                  /* u32 VSS_SOURCE_TYPE */
    WT_LEVEL,                   /* u32 VSS_APPLICATION_LEVEL (request: level being frozen) */
    WT_FREEZE_TIMEOUT,          /* u32 ms */
    WT_EVENT_MASK,              /* u32 VSS_SUBSCRIBE_MASK */
    WT_VERSION_MAJOR,           /* u32 */
    WT_VERSION_MINOR,           /* u32 */
    WT_PID,                     /* u32 */
    /* status (every reply) */
    WT_STATE = 32,              /* u32 VSS_WRITER_STATE */
    WT_FAILURE,                 /* u32 HRESULT: the writer's last failure */
    WT_APP_FAILURE,             /* u32 HRESULT: SetWriterFailureEx's application code */
    WT_APP_MESSAGE,             /* str: SetWriterFailureEx's message */
    /* documents */
    WT_WMD = 64,                /* str: writer metadata document */
    WT_BCD,                     /* str: backup components document */
    WT_COMPONENTS,              /* str: the writer's components after its handler ran */
    /* the backup the event belongs to (requests) */
    WT_SESSION_ID = 96,         /* GUID */
    WT_SNAPSHOT_SET_ID,         /* GUID */
    WT_CONTEXT,                 /* u32 VSS_SNAPSHOT_CONTEXT */
    WT_BACKUP_TYPE,             /* u32 VSS_BACKUP_TYPE */
    WT_RESTORE_TYPE,            /* u32 VSS_RESTORE_TYPE */
    WT_FLAGS,                   /* u32 WIRE_FLAG_* */
    WT_VOLUME,                  /* str, repeated: volume names as the requester gave them */
    WT_VOLUME_ROOT,             /* str, repeated in step with WT_VOLUME: POSIX root, "" unknown */
    WT_SNAPSHOT_DEVICE,         /* str, repeated in step with WT_VOLUME: "" before commit */
    WT_VOLUME_NAME,             /* str: I/O throttling events */
    WT_SNAPSHOT_ID,             /* GUID: I/O throttling events */
    WT_PROVIDER_ID,             /* GUID: I/O throttling events */
};

#define WIRE_FLAG_BOOTABLE_SYSTEM_STATE 0x1
#define WIRE_FLAG_SELECT_COMPONENTS     0x2
#define WIRE_FLAG_PARTIAL_FILE_SUPPORT  0x4

enum wire_kind
{
    WIRE_KIND_U32 = 1,
    WIRE_KIND_U64,
    WIRE_KIND_GUID,
    WIRE_KIND_STR,
    WIRE_KIND_BYTES,
};

/* A decoded field points into the body it was decoded from. */
struct wire_field
{
    uint16_t tag;
    uint16_t kind;
    uint32_t len;
    const uint8_t *data;
};

struct wire_msg
{
    uint16_t type;
    uint32_t request_id;
    int32_t status;
    unsigned int count;
    struct wire_field *fields;
};

/* Decode and validate a whole body: -EBADMSG (malformed), -EPROTONOSUPPORT
 * (other version), -ENOMEM.  The body must outlive msg; wire_msg_clear frees
 * only the index. */
int wire_decode(const void *body, size_t len, struct wire_msg *msg);
void wire_msg_clear(struct wire_msg *msg);

/* First field with the tag: -ENOENT if none, -EBADMSG if it has another kind. */
int wire_get_u32(const struct wire_msg *msg, uint16_t tag, uint32_t *value);
int wire_get_u64(const struct wire_msg *msg, uint16_t tag, uint64_t *value);
int wire_get_guid(const struct wire_msg *msg, uint16_t tag, GUID *value);
int wire_get_str(const struct wire_msg *msg, uint16_t tag, const char **value);
int wire_get_bytes(const struct wire_msg *msg, uint16_t tag, const void **data, size_t *len);
/* Repeated fields: how many there are, and the index-th one (-ENOENT past the end). */
unsigned int wire_count(const struct wire_msg *msg, uint16_t tag);
int wire_get_str_at(const struct wire_msg *msg, uint16_t tag, unsigned int index, const char **value);

/* Encoder.  Errors are sticky: put after a failure does nothing and
 * wire_builder_finish reports the first error (-ENOMEM, -EMSGSIZE past max_body,
 * -EINVAL for a string that is not valid UTF-8). */
struct wire_builder
{
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max_body;
    int error;
};

void wire_builder_init(struct wire_builder *b, uint16_t type, uint32_t request_id, int32_t status);
void wire_put_u32(struct wire_builder *b, uint16_t tag, uint32_t value);
void wire_put_u64(struct wire_builder *b, uint16_t tag, uint64_t value);
void wire_put_guid(struct wire_builder *b, uint16_t tag, const GUID *value);
void wire_put_str(struct wire_builder *b, uint16_t tag, const char *value);   /* NULL: no field */
void wire_put_bytes(struct wire_builder *b, uint16_t tag, const void *data, size_t len);
/* On success hands over the body (free() it) and resets the builder. */
int wire_builder_finish(struct wire_builder *b, void **body, size_t *len);
void wire_builder_free(struct wire_builder *b);

/* 1 if the len bytes are valid UTF-8 without a NUL, else 0. */
int wire_utf8_valid(const char *s, size_t len);

const char *wire_type_name(unsigned int type);

/* Whether a writer subscribed with this VSS_SUBSCRIBE_MASK gets the event:
 * backup events need VSS_SM_BACKUP_EVENTS_FLAG (PostSnapshot also comes with
 * VSS_SM_POST_SNAPSHOT_FLAG), restore events VSS_SM_RESTORE_EVENTS_FLAG, the
 * I/O throttling events VSS_SM_IO_THROTTLING_FLAG; Identify, GetStatus and the
 * service events reach every writer. */
int wire_event_wanted(uint32_t mask, unsigned int type);

/* The VSS_WRITER_STATE a writer is left in when it fails this event
 * (VSS-FACTS.md §1.4), or 0 for events without a state of their own (Abort,
 * I/O throttling, the service events). */
uint32_t wire_failed_state(unsigned int type);

#endif
