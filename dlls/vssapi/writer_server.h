/*
 * writer_server.h: the writer-process side of the event protocol, between the
 * IVssWriterImpl object (writer.c) and the sockets (transport.c).
 *
 * Subscribe starts one server per writer: it listens on
 * $VSS_RUNTIME_DIR/w-<class>-<instance>.sock, accepts coordinators (root or the
 * writer's own uid only), answers GetStatus itself and queues events for a
 * worker thread that runs the writer's handlers one at a time.  The server keeps
 * the writer's VSS_WRITER_STATE, last failure and application failure, and the
 * freeze timer: dwTimeoutFreeze after a Freeze without a Thaw the writer fails
 * with VSS_E_WRITERERROR_TIMEOUT and gets OnAbort, whether or not its requester
 * is still there (VSS-FACTS.md §1.5).  A requester that vanishes in the middle
 * of a backup makes the writer abort and shut the backup down, as the Windows
 * service does for a requester that dies (§1.2 step 20, §1.6).
 *
 * Not for: what a handler is (writer.c runs it, with the document objects),
 * framing and credentials (transport.c), the message layout (wire.h).
 */
#ifndef UMBRA_VSSAPI_WRITER_SERVER_H
#define UMBRA_VSSAPI_WRITER_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>
#include "wire.h"

/* A writer's identity, fixed by Initialize. */
struct writer_info
{
    GUID class_id;
    GUID instance_id;
    const char *name;                /* UTF-8 */
    const char *instance_name;       /* UTF-8 or NULL */
    uint32_t usage;                  /* VSS_USAGE_TYPE */
    uint32_t source;                 /* VSS_SOURCE_TYPE */
    uint32_t level;                  /* VSS_APPLICATION_LEVEL */
    uint32_t freeze_timeout_ms;      /* dwTimeoutFreeze */
    uint32_t version_major;
    uint32_t version_minor;
    uint32_t event_mask;             /* VSS_SUBSCRIBE_MASK the writer subscribed with */
};

/* One event as the requester sent it; valid while the handler runs. */
struct writer_event
{
    enum wire_type type;
    GUID session_id;
    GUID snapshot_set_id;
    int32_t context;
    uint32_t backup_type;
    uint32_t restore_type;
    uint32_t flags;                  /* WIRE_FLAG_* */
    uint32_t level;                  /* level being frozen or thawed, else the writer's */
    unsigned int volume_count;
    const char **volumes;            /* names as the requester gave them */
    const char **roots;              /* POSIX roots ("" when unknown) */
    const char **devices;            /* snapshot device per volume ("" before commit) */
    const char *bcd;                 /* backup components document, or NULL */
    const char *io_volume;           /* I/O throttling events */
    GUID io_snapshot_id;
    GUID io_provider_id;
};

struct writer_server_ops
{
    /* Run the writer's handler for ev->type; true when it succeeded.  May return
     * a malloc'd UTF-8 document: the WMD after Identify, the writer's components
     * after an event that carried a BCD. */
    bool (*handle_event)(void *obj, const struct writer_event *ev, char **document);
};

struct writer_server;

/* Listen and start serving.  Returns 0, -EADDRINUSE (a live writer owns the
 * socket name), or another -errno. */
int writer_server_start(const struct writer_info *info, const struct writer_server_ops *ops,
                        void *obj, struct writer_server **out);
/* Stop listening, finish the handler in progress (and OnAbort if the writer is
 * frozen), remove the socket.  -EDEADLK from inside a handler (nothing done). */
int writer_server_stop(struct writer_server *server);

/* SetWriterFailure(Ex): recorded for the event in progress, which then fails
 * even if its handler returns true.  Returns -ENOENT when no event is in
 * progress (writer.c answers VSS_E_BAD_STATE).  message may be NULL. */
int writer_server_set_failure(struct writer_server *server, HRESULT hr, HRESULT app_hr,
                              const char *message);

/* Current state and failure, as GetStatus would report them. */
void writer_server_status(struct writer_server *server, uint32_t *state, HRESULT *failure);

#endif
