/*
 * transport.h: Unix stream sockets in the rendezvous directory, carrying
 * length-prefixed frames between a coordinator and writer processes (DESIGN.md §4).
 *
 * A frame is a 32-bit little-endian body length followed by the body (wire.h
 * says what a body holds).  No frame is longer than TRANSPORT_MAX_FRAME (64 MiB):
 * a length above it, or below the smallest body, is refused before anything is
 * allocated.  Every read and write has a deadline (poll), EINTR is retried,
 * sockets are SOCK_CLOEXEC and writes use MSG_NOSIGNAL, so a peer that stalls,
 * lies about a length or vanishes costs one connection and never the process.
 *
 * Peers are told apart by SO_PEERCRED: only root or the socket owner's uid may
 * send events to a writer (transport_peer_allowed).  Socket files are 0666 on
 * purpose: the check is the credential, made in one place with a logged refusal
 * and an answer the peer can read, instead of a bare EACCES from connect().
 *
 * Writer sockets are named "w-<class id>-<instance id>.sock" (32 hex digits
 * each) in the rendezvous directory.  A socket is bound under a temporary name
 * and renamed into place once it listens, so a name that refuses connections
 * belongs to a dead writer and may be removed.
 *
 * Functions return 0 (or a count) or a negative errno; they do not print
 * except through WARN/TRACE.
 */
#ifndef UMBRA_VSSAPI_TRANSPORT_H
#define UMBRA_VSSAPI_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <windef.h>

#define TRANSPORT_MAX_FRAME   (64u << 20)
#define TRANSPORT_MIN_FRAME   16          /* a wire header */
#define TRANSPORT_NAME_MAX    80          /* buffer for a writer socket name */
#define TRANSPORT_PATH_MAX    4096

/* Milliseconds on the monotonic clock. */
int64_t transport_now_ms(void);

/* The rendezvous directory (config.h: $VSS_RUNTIME_DIR, else /run/vss for root,
 * else $XDG_RUNTIME_DIR/vss or /tmp/vss-<uid>).  -ENAMETOOLONG if it does not fit. */
int transport_runtime_dir(char *buf, size_t size);
/* Create dir (and missing parents): 0755 for a root-owned /run/vss, 0700 else. */
int transport_ensure_dir(const char *dir);

void transport_writer_socket_name(const GUID *class_id, const GUID *instance_id, char *buf, size_t size);
/* 0 if name is a writer socket name (ids filled in), -EINVAL otherwise. */
int transport_parse_writer_socket_name(const char *name, GUID *class_id, GUID *instance_id);

/* Listen on dir/name (a live listener there gives -EADDRINUSE; a dead one is
 * replaced).  Returns the listening fd (non-blocking, close-on-exec). */
int transport_listen(const char *dir, const char *name);
/* Connect to dir/name within timeout_ms.  Returns a non-blocking fd (the frame
 * calls below wait in poll), or -ECONNREFUSED
 * (nobody listens), -ENOENT, -ETIMEDOUT ... */
int transport_connect(const char *dir, const char *name, int timeout_ms);
/* Remove dir/name; missing is not an error. */
int transport_unlink(const char *dir, const char *name);

/* Peer credentials of a connected socket. */
int transport_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);
/* 0 if the peer is root or owner, -EACCES if not (logged), or another -errno. */
int transport_peer_allowed(int fd, uid_t owner);

int transport_set_nonblock(int fd, int on);

/* Blocking frame I/O with a deadline (timeout_ms < 0: no deadline).
 * recv: -ECONNRESET at a clean end of stream before a frame starts, -EPIPE when
 * it ends inside one, -EMSGSIZE for a length out of bounds, -ETIMEDOUT. */
int transport_send_frame(int fd, const void *body, size_t len, int timeout_ms);
int transport_recv_frame(int fd, void **body, size_t *len, int timeout_ms);

/* Incremental frame assembly for non-blocking sockets served from a poll loop. */
struct frame_reader
{
    uint8_t head[4];
    size_t head_got;
    uint8_t *body;
    size_t body_len;          /* announced */
    size_t body_cap;          /* allocated so far */
    size_t body_got;
};

/* Read what the socket has.  Returns 1 when a frame is complete (take it with
 * frame_reader_take), 0 when more is needed, -ECONNRESET/-EPIPE at end of stream
 * (-EPIPE: inside a frame), -EMSGSIZE for a length out of bounds, or -errno. */
int frame_reader_feed(struct frame_reader *r, int fd);
void frame_reader_take(struct frame_reader *r, void **body, size_t *len);
int frame_reader_partial(const struct frame_reader *r);   /* 1 inside a frame */
void frame_reader_reset(struct frame_reader *r);

/* Outgoing frames queued on a non-blocking socket. */
struct frame_out
{
    struct frame_out *next;
    uint8_t head[4];
    uint8_t *body;
    size_t len;
    size_t sent;              /* of 4 + len */
};

struct frame_writer
{
    struct frame_out *first;
    struct frame_out **last;
};

void frame_writer_init(struct frame_writer *w);
/* Queue body (ownership passes to the writer, also on failure). */
int frame_writer_push(struct frame_writer *w, void *body, size_t len);
/* Write what the socket takes: 0 when the queue is empty, 1 when data is left, -errno. */
int frame_writer_flush(struct frame_writer *w, int fd);
int frame_writer_pending(const struct frame_writer *w);
void frame_writer_clear(struct frame_writer *w);

#endif
