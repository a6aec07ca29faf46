/*
 * writer_server.c: serves one subscribed writer's socket (contract in
 * writer_server.h).
 *
 * Two threads per writer.  The server thread owns the sockets: it accepts,
 * checks credentials, assembles frames without blocking, answers GetStatus,
 * queues events, sends replies and runs the freeze timer, so a stalled peer
 * or a handler stuck in OnFreeze never stops it.  The worker thread runs the
 * writer's handlers one at a time, in arrival order.  State shared by the two
 * (writer state, failure, the queue, finished replies) is under server->lock;
 * connections belong to the server thread alone.
 *
 * Writer states follow VSS-FACTS.md §1.4: success moves to the next waiting
 * state, a veto (handler false, or SetWriterFailure during the event) to the
 * event's FAILED_AT_ state with the failure HRESULT.  PrepareForBackup,
 * PreRestore, or a PrepareForSnapshot outside a sequence start a new sequence
 * and clear the previous failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsserror.h>
#include "umbra/debug.h"
#include "transport.h"
#include "writer_server.h"

#define MAX_CONNECTIONS       256      /* per writer; more are accepted and closed */
#define FRAME_TIMEOUT_MS      10000    /* a frame started must be finished within this */
#define REFUSAL_TIMEOUT_MS    1000     /* time given to a refused peer to take its answer */

/* A veto without SetWriterFailure: Windows reports the writer as failed with a
 * non-retryable error [VSS-FACTS.md §3.3 "Last error" texts; which code is U]. */
#define DEFAULT_VETO_FAILURE  VSS_E_WRITERERROR_NONRETRYABLE

struct conn
{
    struct conn *next;
    uint64_t id;
    int fd;
    struct frame_reader in;
    struct frame_writer out;
    int64_t partial_since;      /* when the current incomplete frame started, 0 if none */
    unsigned int waiting;       /* its requests queued or running, not yet answered */
    bool closing;               /* close once the output queue is empty */
};

enum job_kind
{
    JOB_EVENT,                  /* a request from a connection */
    JOB_TIMEOUT_ABORT,          /* the freeze timer ran out: OnAbort */
    JOB_VANISHED_ABORT,         /* the requester went away mid-backup: OnAbort */
    JOB_VANISHED_SHUTDOWN,      /* ... and BackupShutdown */
};

struct job
{
    struct job *next;
    enum job_kind kind;
    uint64_t conn_id;
    void *body;                 /* the request; msg points into it */
    struct wire_msg msg;
};

struct reply
{
    struct reply *next;
    uint64_t conn_id;
    void *body;
    size_t len;
};

struct writer_server
{
    struct writer_info info;
    char *name;                 /* copies behind info's strings */
    char *instance_name;
    const struct writer_server_ops *ops;
    void *obj;
    uid_t owner;
    char dir[TRANSPORT_PATH_MAX];
    char sock_name[TRANSPORT_NAME_MAX];
    int listen_fd;
    int wake[2];                /* the server thread polls wake[0] */
    pthread_t server_thread;
    pthread_t worker_thread;
    bool worker_started;

    /* server thread only */
    struct conn *conns;
    unsigned int conn_count;
    uint64_t next_conn_id;

    pthread_mutex_t lock;       /* everything below */
    pthread_cond_t cond;        /* worker: jobs arrived or stopping */
    bool stopping;
    bool worker_exit;
    struct job *jobs, **jobs_tail;
    struct reply *replies;
    bool in_event;              /* a handler is running */
    enum wire_type event_type;
    HRESULT event_failure;      /* SetWriterFailure during the running event */
    HRESULT event_app_failure;
    char *event_app_message;
    bool event_failure_set;

    uint32_t state;             /* VSS_WRITER_STATE */
    HRESULT failure;
    HRESULT app_failure;
    char *app_message;

    bool in_sequence;           /* a backup or restore is under way */
    bool restore;               /* ... and it is a restore */
    bool snapshot_done;         /* PostSnapshot reached in this backup */
    bool aborted;               /* OnAbort already ran in this sequence */
    uint64_t sequence_conn;     /* the connection that drives the sequence */
    GUID sequence_set_id;
    bool frozen;                /* Freeze received, no Thaw yet */
    bool freeze_expired;        /* the freeze timer ran out in this sequence */
    int64_t freeze_deadline;
};

static void wake_server(struct writer_server *s)
{
    char c = 1;
    ssize_t ret;

    do ret = write(s->wake[1], &c, 1); while (ret < 0 && errno == EINTR);
}

static bool state_failed(uint32_t state)
{
    return state >= VSS_WS_FAILED_AT_IDENTIFY && state <= VSS_WS_FAILED_AT_BACKUPSHUTDOWN;
}

/* The state after a handler succeeded; 0 leaves the state as it is. */
static uint32_t success_state(struct writer_server *s, enum wire_type type)
{
    switch (type)
    {
    case WIRE_IDENTIFY:
        /* Identify is no part of a sequence; it only clears its own failure */
        return s->state == VSS_WS_FAILED_AT_IDENTIFY ? VSS_WS_STABLE : 0;
    case WIRE_PREPARE_BACKUP: return VSS_WS_STABLE;
    case WIRE_BACKUP_SHUTDOWN:
        /* the end of a backup does not hide how it went */
        return state_failed(s->state) ? 0 : VSS_WS_STABLE;
    case WIRE_PREPARE_SNAPSHOT: return VSS_WS_WAITING_FOR_FREEZE;
    case WIRE_FREEZE: return VSS_WS_WAITING_FOR_THAW;
    case WIRE_THAW: return VSS_WS_WAITING_FOR_POST_SNAPSHOT;
    case WIRE_POST_SNAPSHOT: return VSS_WS_WAITING_FOR_BACKUP_COMPLETE;
    case WIRE_BACKUP_COMPLETE:
    case WIRE_PRE_RESTORE:
    case WIRE_POST_RESTORE:
        return VSS_WS_STABLE;
    default: return 0;
    }
}

static void set_app_message(char **dst, const char *msg)
{
    free(*dst);
    *dst = msg ? strdup(msg) : NULL;
}

/* --- replies ----------------------------------------------------------------- */

/* Identity and status, on every reply the worker or the server builds (lock held). */
static void put_status(struct writer_server *s, struct wire_builder *b, bool identity)
{
    if (identity)
    {
        wire_put_guid(b, WT_WRITER_ID, &s->info.class_id);
        wire_put_guid(b, WT_INSTANCE_ID, &s->info.instance_id);
        wire_put_str(b, WT_WRITER_NAME, s->info.name);
        wire_put_str(b, WT_INSTANCE_NAME, s->info.instance_name);
        wire_put_u32(b, WT_USAGE, s->info.usage);
        wire_put_u32(b, WT_SOURCE, s->info.source);
        wire_put_u32(b, WT_LEVEL, s->info.level);
        wire_put_u32(b, WT_FREEZE_TIMEOUT, s->info.freeze_timeout_ms);
        wire_put_u32(b, WT_EVENT_MASK, s->info.event_mask);
        wire_put_u32(b, WT_VERSION_MAJOR, s->info.version_major);
        wire_put_u32(b, WT_VERSION_MINOR, s->info.version_minor);
        wire_put_u32(b, WT_PID, (uint32_t)getpid());
    }
    wire_put_u32(b, WT_STATE, s->state);
    wire_put_u32(b, WT_FAILURE, (uint32_t)s->failure);
    wire_put_u32(b, WT_APP_FAILURE, (uint32_t)s->app_failure);
    wire_put_str(b, WT_APP_MESSAGE, s->app_message);
}

static int queue_reply(struct conn *c, struct wire_builder *b)
{
    void *body;
    size_t len;
    int ret = wire_builder_finish(b, &body, &len);

    if (ret) return ret;
    return frame_writer_push(&c->out, body, len);
}

/* Answer a request the server refuses (bad frame, unknown type) and, for a
 * broken stream, close the connection once the answer is out. */
static void refuse(struct conn *c, uint32_t request_id, HRESULT hr, bool close_after)
{
    struct wire_builder b;

    wire_builder_init(&b, WIRE_ERROR | WIRE_REPLY, request_id, hr);
    if (queue_reply(c, &b)) c->closing = true;
    if (close_after) c->closing = true;
}

/* --- the worker -------------------------------------------------------------- */

static void build_event(const struct job *job, struct writer_event *ev, const char ***arrays)
{
    const struct wire_msg *msg = &job->msg;
    unsigned int n = wire_count(msg, WT_VOLUME);
    const char **a;

    memset(ev, 0, sizeof(*ev));
    ev->type = msg->type;
    wire_get_guid(msg, WT_SESSION_ID, &ev->session_id);
    wire_get_guid(msg, WT_SNAPSHOT_SET_ID, &ev->snapshot_set_id);
    wire_get_u32(msg, WT_CONTEXT, (uint32_t *)&ev->context);
    wire_get_u32(msg, WT_BACKUP_TYPE, &ev->backup_type);
    wire_get_u32(msg, WT_RESTORE_TYPE, &ev->restore_type);
    wire_get_u32(msg, WT_FLAGS, &ev->flags);
    if (wire_get_u32(msg, WT_LEVEL, &ev->level)) ev->level = (uint32_t)-1;
    wire_get_str(msg, WT_BCD, &ev->bcd);
    wire_get_str(msg, WT_VOLUME_NAME, &ev->io_volume);
    wire_get_guid(msg, WT_SNAPSHOT_ID, &ev->io_snapshot_id);
    wire_get_guid(msg, WT_PROVIDER_ID, &ev->io_provider_id);

    *arrays = NULL;
    if (!n || !(a = calloc(3 * (size_t)n, sizeof(*a)))) return;
    for (unsigned int i = 0; i < n; i++)
    {
        wire_get_str_at(msg, WT_VOLUME, i, &a[i]);
        if (wire_get_str_at(msg, WT_VOLUME_ROOT, i, &a[n + i])) a[n + i] = "";
        if (wire_get_str_at(msg, WT_SNAPSHOT_DEVICE, i, &a[2 * n + i])) a[2 * n + i] = "";
    }
    ev->volume_count = n;
    ev->volumes = a;
    ev->roots = a + n;
    ev->devices = a + 2 * n;
    *arrays = a;
}

/* Before the handler (lock held): start a sequence, start or stop the freeze
 * timer.  Returns false when the handler must not run; *hr then says why. */
static bool begin_event(struct writer_server *s, const struct job *job, const struct writer_event *ev,
                        HRESULT *hr)
{
    enum wire_type type = ev->type;

    *hr = S_OK;
    if (type == WIRE_PREPARE_BACKUP || type == WIRE_PRE_RESTORE
        || (type == WIRE_PREPARE_SNAPSHOT && !s->in_sequence))
    {
        s->in_sequence = true;
        s->restore = type == WIRE_PRE_RESTORE;
        s->snapshot_done = false;
        s->aborted = false;
        s->frozen = false;
        s->freeze_expired = false;
        s->freeze_deadline = 0;
        s->sequence_conn = job->conn_id;
        s->sequence_set_id = ev->snapshot_set_id;
        s->state = VSS_WS_STABLE;
        s->failure = S_OK;
        s->app_failure = S_OK;
        set_app_message(&s->app_message, NULL);
    }
    if (s->in_sequence && job->kind == JOB_EVENT && job->conn_id == s->sequence_conn
        && !IsEqualGUID(&ev->snapshot_set_id, &GUID_NULL))
        s->sequence_set_id = ev->snapshot_set_id;

    switch (type)
    {
    case WIRE_FREEZE:
        s->frozen = true;
        s->freeze_expired = false;
        s->freeze_deadline = transport_now_ms() + s->info.freeze_timeout_ms;
        wake_server(s);   /* poll must learn the new deadline */
        break;
    case WIRE_THAW:
        if (s->freeze_expired)
        {
            /* the writer thawed itself when its time ran out (OnAbort ran) */
            *hr = VSS_E_WRITERERROR_TIMEOUT;
            return false;
        }
        s->frozen = false;
        s->freeze_deadline = 0;
        break;
    case WIRE_ABORT:
        if (s->aborted) return false;   /* already aborted by the timer: once is enough */
        break;
    default:
        break;
    }
    s->in_event = true;
    s->event_type = type;
    s->event_failure_set = false;
    s->event_failure = S_OK;
    s->event_app_failure = S_OK;
    set_app_message(&s->event_app_message, NULL);
    return true;
}

/* After the handler (lock held): the new state and the reply's status. */
static HRESULT end_event(struct writer_server *s, enum wire_type type, bool ok)
{
    HRESULT hr = S_OK;
    uint32_t st;

    s->in_event = false;
    if (s->event_failure_set)
    {
        if (FAILED(s->event_failure)) ok = false;
        s->app_failure = s->event_app_failure;
        set_app_message(&s->app_message, s->event_app_message);
    }
    if (type == WIRE_FREEZE && s->freeze_expired)
    {
        /* the timer fired while OnFreeze ran; it already failed the writer */
        return VSS_E_WRITERERROR_TIMEOUT;
    }
    if (type == WIRE_ABORT)
    {
        s->aborted = true;
        s->frozen = false;
        s->freeze_deadline = 0;
        s->in_sequence = false;
        if (!state_failed(s->state)) s->state = VSS_WS_STABLE;
        return S_OK;   /* OnAbort's answer changes nothing (§1.4) */
    }
    if (ok)
    {
        if ((st = success_state(s, type))) s->state = st;
        if (type == WIRE_POST_SNAPSHOT) s->snapshot_done = true;
        if (type == WIRE_BACKUP_SHUTDOWN || type == WIRE_POST_RESTORE) s->in_sequence = false;
        return S_OK;
    }

    hr = s->event_failure_set && FAILED(s->event_failure) ? s->event_failure : DEFAULT_VETO_FAILURE;
    if (type == WIRE_FREEZE)
    {
        s->frozen = false;
        s->freeze_deadline = 0;
    }
    if ((st = wire_failed_state(type)))
    {
        s->state = st;
        s->failure = hr;
    }
    if (type == WIRE_BACKUP_SHUTDOWN || type == WIRE_POST_RESTORE) s->in_sequence = false;
    return hr;
}

/* Hand the answer to an event to the server thread.  A document that cannot
 * travel (not UTF-8, past the size limit) turns the answer into a failure
 * rather than leaving the requester without one. */
static void post_reply(struct writer_server *s, const struct job *job, HRESULT hr, const char *document)
{
    struct reply *r = calloc(1, sizeof(*r));
    struct wire_builder b;
    int ret = -ENOMEM;

    for (int attempt = 0; r && attempt < 2; attempt++)
    {
        if (attempt)
        {
            ERR("%s: cannot send the %s answer (%d)\n", s->info.name, wire_type_name(job->msg.type), ret);
            hr = ret == -ENOMEM ? E_OUTOFMEMORY : VSS_E_UNEXPECTED;
            document = NULL;
        }
        pthread_mutex_lock(&s->lock);
        wire_builder_init(&b, job->msg.type | WIRE_REPLY, job->msg.request_id, hr);
        put_status(s, &b, job->msg.type == WIRE_IDENTIFY);
        pthread_mutex_unlock(&s->lock);
        if (document) wire_put_str(&b, job->msg.type == WIRE_IDENTIFY ? WT_WMD : WT_COMPONENTS, document);
        if (!(ret = wire_builder_finish(&b, &r->body, &r->len))) break;
    }
    if (!r || ret)
    {
        ERR("%s: no answer to %s: out of memory\n", s->info.name, wire_type_name(job->msg.type));
        free(r);
        return;
    }
    r->conn_id = job->conn_id;
    pthread_mutex_lock(&s->lock);
    r->next = s->replies;
    s->replies = r;
    pthread_mutex_unlock(&s->lock);
    wake_server(s);
}

static void run_job(struct writer_server *s, struct job *job)
{
    struct writer_event ev;
    const char **arrays = NULL;
    char *document = NULL;
    HRESULT hr = S_OK;
    bool run = false, ok = true;

    if (job->kind == JOB_EVENT) build_event(job, &ev, &arrays);
    else
    {
        memset(&ev, 0, sizeof(ev));
        ev.type = job->kind == JOB_VANISHED_SHUTDOWN ? WIRE_BACKUP_SHUTDOWN : WIRE_ABORT;
        ev.level = (uint32_t)-1;
        pthread_mutex_lock(&s->lock);
        ev.snapshot_set_id = s->sequence_set_id;
        pthread_mutex_unlock(&s->lock);
    }

    /* an event the writer did not subscribe to succeeds without its handler */
    pthread_mutex_lock(&s->lock);
    if (wire_event_wanted(s->info.event_mask, ev.type)) run = begin_event(s, job, &ev, &hr);
    pthread_mutex_unlock(&s->lock);

    if (run)
    {
        TRACE("%s: %s\n", s->info.name, wire_type_name(ev.type));
        ok = s->ops->handle_event(s->obj, &ev, &document);
        pthread_mutex_lock(&s->lock);
        hr = end_event(s, ev.type, ok);
        pthread_mutex_unlock(&s->lock);
        TRACE("%s: %s -> %s, hr %#x\n", s->info.name, wire_type_name(ev.type), ok ? "true" : "false",
              (unsigned int)hr);
    }
    free(arrays);

    if (job->kind == JOB_EVENT) post_reply(s, job, hr, document);
    free(document);
}

static void free_job(struct job *job)
{
    wire_msg_clear(&job->msg);
    free(job->body);
    free(job);
}

static void *worker_main(void *arg)
{
    struct writer_server *s = arg;

    pthread_mutex_lock(&s->lock);
    for (;;)
    {
        struct job *job;

        while (!s->jobs && !s->worker_exit) pthread_cond_wait(&s->cond, &s->lock);
        if (!(job = s->jobs)) break;
        s->jobs = job->next;
        if (!s->jobs) s->jobs_tail = &s->jobs;
        /* once stopping, only the writer's own clean-up still runs */
        if (s->worker_exit && job->kind == JOB_EVENT)
        {
            free_job(job);
            continue;
        }
        pthread_mutex_unlock(&s->lock);
        run_job(s, job);
        free_job(job);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* lock held */
static void enqueue(struct writer_server *s, struct job *job)
{
    job->next = NULL;
    *s->jobs_tail = job;
    s->jobs_tail = &job->next;
    pthread_cond_signal(&s->cond);
}

static void enqueue_internal(struct writer_server *s, enum job_kind kind)
{
    struct job *job = calloc(1, sizeof(*job));

    if (!job)
    {
        ERR("%s: out of memory queueing %d\n", s->info.name, kind);
        return;
    }
    job->kind = kind;
    enqueue(s, job);
}

/* --- the server thread ------------------------------------------------------- */

static void close_conn(struct writer_server *s, struct conn *c)
{
    struct conn **p;

    for (p = &s->conns; *p; p = &(*p)->next)
        if (*p == c)
        {
            *p = c->next;
            break;
        }
    s->conn_count--;
    close(c->fd);
    frame_reader_reset(&c->in);
    frame_writer_clear(&c->out);

    /* the requester driving a backup is gone: do what the service does when a
     * requester dies (VSS-FACTS.md §1.2 step 20, §1.6) */
    pthread_mutex_lock(&s->lock);
    if (s->in_sequence && s->sequence_conn == c->id && !s->stopping)
    {
        s->sequence_conn = 0;
        if (s->restore) s->in_sequence = false;        /* Abort is never sent during restore */
        else if (s->frozen) ;                           /* the freeze timer thaws and aborts */
        else
        {
            WARN("%s: requester went away during the backup\n", s->info.name);
            if (!s->snapshot_done && !s->aborted) enqueue_internal(s, JOB_VANISHED_ABORT);
            enqueue_internal(s, JOB_VANISHED_SHUTDOWN);
            s->in_sequence = false;
        }
    }
    pthread_mutex_unlock(&s->lock);
    free(c);
}

static void accept_conns(struct writer_server *s)
{
    for (;;)
    {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        struct conn *c;

        if (fd < 0)
        {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                WARN("%s: accept: %s\n", s->info.name, strerror(errno));
            return;
        }
        if (transport_peer_allowed(fd, s->owner))
        {
            struct wire_builder b;
            void *body;
            size_t len;

            wire_builder_init(&b, WIRE_ERROR | WIRE_REPLY, 0, E_ACCESSDENIED);
            if (!wire_builder_finish(&b, &body, &len))
            {
                transport_send_frame(fd, body, len, REFUSAL_TIMEOUT_MS);
                free(body);
            }
            close(fd);
            continue;
        }
        if (s->conn_count >= MAX_CONNECTIONS || !(c = calloc(1, sizeof(*c))))
        {
            WARN("%s: too many connections, refusing one\n", s->info.name);
            close(fd);
            continue;
        }
        c->id = ++s->next_conn_id;
        c->fd = fd;
        frame_writer_init(&c->out);
        c->next = s->conns;
        s->conns = c;
        s->conn_count++;
    }
}

static void handle_frame(struct writer_server *s, struct conn *c, void *body, size_t len)
{
    struct job *job;
    struct wire_msg msg;
    int ret = wire_decode(body, len, &msg);

    if (ret)
    {
        WARN("%s: refusing a malformed message (%d)\n", s->info.name, ret);
        free(body);
        refuse(c, 0, E_INVALIDARG, true);
        return;
    }
    if (msg.type == WIRE_GET_STATUS)
    {
        struct wire_builder b;

        pthread_mutex_lock(&s->lock);
        wire_builder_init(&b, WIRE_GET_STATUS | WIRE_REPLY, msg.request_id, S_OK);
        put_status(s, &b, true);
        pthread_mutex_unlock(&s->lock);
        if (queue_reply(c, &b)) c->closing = true;
        wire_msg_clear(&msg);
        free(body);
        return;
    }
    if (!msg.type || msg.type >= WIRE_GET_STATUS)
    {
        WARN("%s: refusing message type %#x\n", s->info.name, msg.type);
        refuse(c, msg.request_id, E_INVALIDARG, false);
        wire_msg_clear(&msg);
        free(body);
        return;
    }
    if (!(job = calloc(1, sizeof(*job))))
    {
        refuse(c, msg.request_id, E_OUTOFMEMORY, false);
        wire_msg_clear(&msg);
        free(body);
        return;
    }
    job->kind = JOB_EVENT;
    job->conn_id = c->id;
    job->body = body;
    job->msg = msg;
    c->waiting++;
    pthread_mutex_lock(&s->lock);
    enqueue(s, job);
    pthread_mutex_unlock(&s->lock);
}

/* One request at a time per connection, and none while its answer has not
 * gone out: what a peer can make the writer hold is one frame and one answer. */
static bool conn_blocked(const struct conn *c)
{
    return c->waiting || frame_writer_pending(&c->out);
}

static void read_conn(struct writer_server *s, struct conn *c)
{
    while (!conn_blocked(c))
    {
        int ret = frame_reader_feed(&c->in, c->fd);
        void *body;
        size_t len;

        if (ret == 1)
        {
            frame_reader_take(&c->in, &body, &len);
            c->partial_since = 0;
            handle_frame(s, c, body, len);
            if (c->closing) return;
            continue;
        }
        if (!ret)
        {
            if (frame_reader_partial(&c->in) && !c->partial_since) c->partial_since = transport_now_ms();
            return;
        }
        if (ret == -EMSGSIZE)
        {
            WARN("%s: refusing a frame of impossible size\n", s->info.name);
            refuse(c, 0, E_INVALIDARG, true);
        }
        else
        {
            if (ret == -EPIPE) WARN("%s: peer closed inside a frame\n", s->info.name);
            c->closing = true;
            frame_writer_clear(&c->out);   /* nobody left to read it */
        }
        frame_reader_reset(&c->in);
        return;
    }
}

static void deliver_replies(struct writer_server *s)
{
    struct reply *list, *r;

    pthread_mutex_lock(&s->lock);
    list = s->replies;
    s->replies = NULL;
    pthread_mutex_unlock(&s->lock);

    while ((r = list))
    {
        struct conn *c;

        list = r->next;
        for (c = s->conns; c; c = c->next)
            if (c->id == r->conn_id) break;
        if (c && !c->closing)
        {
            if (c->waiting) c->waiting--;
            if (frame_writer_push(&c->out, r->body, r->len)) c->closing = true;
        }
        else free(r->body);   /* its requester is gone */
        free(r);
    }
}

/* The freeze timer; returns ms until it is due, -1 when not armed. */
static int check_freeze_timer(struct writer_server *s)
{
    int wait = -1;

    pthread_mutex_lock(&s->lock);
    if (s->frozen && s->freeze_deadline)
    {
        int64_t now = transport_now_ms();

        if (now >= s->freeze_deadline)
        {
            bool in_freeze = s->in_event && s->event_type == WIRE_FREEZE;

            WARN("%s: no Thaw within %u ms of Freeze: thawing and aborting\n", s->info.name,
                 s->info.freeze_timeout_ms);
            s->frozen = false;
            s->freeze_expired = true;
            s->freeze_deadline = 0;
            s->state = in_freeze ? VSS_WS_FAILED_AT_FREEZE : VSS_WS_FAILED_AT_THAW;
            s->failure = VSS_E_WRITERERROR_TIMEOUT;
            enqueue_internal(s, JOB_TIMEOUT_ABORT);
            if (!s->sequence_conn)
            {
                /* nobody will send BackupShutdown: the requester is gone */
                enqueue_internal(s, JOB_VANISHED_SHUTDOWN);
                s->in_sequence = false;
            }
        }
        else wait = (int)(s->freeze_deadline - now);
    }
    pthread_mutex_unlock(&s->lock);
    return wait;
}

static void *server_main(void *arg)
{
    struct writer_server *s = arg;
    struct pollfd *pfds = NULL;
    struct conn **polled = NULL;
    unsigned int cap = 0;

    for (;;)
    {
        unsigned int n = 0, i;
        int timeout, ret;
        int64_t now;
        struct conn *c, *next;

        pthread_mutex_lock(&s->lock);
        if (s->stopping)
        {
            pthread_mutex_unlock(&s->lock);
            break;
        }
        pthread_mutex_unlock(&s->lock);

        deliver_replies(s);
        timeout = check_freeze_timer(s);

        /* flush what can go out now, drop finished and stale connections */
        now = transport_now_ms();
        for (c = s->conns; c; c = next)
        {
            next = c->next;
            if (frame_writer_pending(&c->out) && frame_writer_flush(&c->out, c->fd) < 0)
            {
                frame_writer_clear(&c->out);
                c->closing = true;
            }
            if (c->partial_since && now - c->partial_since >= FRAME_TIMEOUT_MS)
            {
                WARN("%s: dropping a connection stuck inside a frame\n", s->info.name);
                frame_writer_clear(&c->out);
                c->closing = true;
            }
            if (c->closing && !frame_writer_pending(&c->out)) close_conn(s, c);
            else if (c->partial_since)
            {
                int left = (int)(c->partial_since + FRAME_TIMEOUT_MS - now);
                if (timeout < 0 || left < timeout) timeout = left;
            }
        }

        if (cap < s->conn_count + 2)
        {
            unsigned int ncap = s->conn_count + 16;
            struct pollfd *np = realloc(pfds, ncap * sizeof(*np));
            struct conn **nc;

            if (np) pfds = np;
            nc = np ? realloc(polled, ncap * sizeof(*nc)) : NULL;
            if (nc) polled = nc;
            if (!np || !nc)
            {
                ERR("%s: out of memory\n", s->info.name);
                struct timespec pause = { 0, 10 * 1000 * 1000 };
                nanosleep(&pause, NULL);
                continue;
            }
            cap = ncap;
        }
        pfds[n++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
        pfds[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
        for (c = s->conns; c; c = c->next)
        {
            polled[n] = c;
            pfds[n++] = (struct pollfd){ .fd = c->fd,
                                         .events = (c->closing || conn_blocked(c) ? 0 : POLLIN)
                                                   | (frame_writer_pending(&c->out) ? POLLOUT : 0) };
        }

        ret = poll(pfds, n, timeout);
        if (ret < 0)
        {
            if (errno == EINTR) continue;
            ERR("%s: poll: %s\n", s->info.name, strerror(errno));
            break;
        }
        if (pfds[0].revents)
        {
            char buf[64];
            while (read(s->wake[0], buf, sizeof(buf)) > 0) ;
        }
        if (pfds[1].revents) accept_conns(s);
        for (i = 2; i < n; i++)
        {
            c = polled[i];
            if (!pfds[i].revents) continue;
            if ((pfds[i].revents & (POLLHUP | POLLERR)) && conn_blocked(c))
            {
                /* gone while its request runs: nobody will read the answer */
                frame_writer_clear(&c->out);
                c->closing = true;
            }
            else if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_conn(s, c);
        }
    }

    while (s->conns) close_conn(s, s->conns);
    free(pfds);
    free(polled);
    return NULL;
}

/* --- start, stop, failure ---------------------------------------------------- */

static void server_free(struct writer_server *s)
{
    struct reply *r;

    while (s->jobs)
    {
        struct job *job = s->jobs;
        s->jobs = job->next;
        free_job(job);
    }
    while ((r = s->replies))
    {
        s->replies = r->next;
        free(r->body);
        free(r);
    }
    if (s->listen_fd >= 0) close(s->listen_fd);
    if (s->wake[0] >= 0) close(s->wake[0]);
    if (s->wake[1] >= 0) close(s->wake[1]);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s->app_message);
    free(s->event_app_message);
    free(s->name);
    free(s->instance_name);
    free(s);
}

int writer_server_start(const struct writer_info *info, const struct writer_server_ops *ops,
                        void *obj, struct writer_server **out)
{
    struct writer_server *s;
    int ret;

    *out = NULL;
    if (!(s = calloc(1, sizeof(*s)))) return -ENOMEM;
    s->listen_fd = s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->jobs_tail = &s->jobs;
    s->info = *info;
    s->name = strdup(info->name ? info->name : "");
    s->instance_name = info->instance_name ? strdup(info->instance_name) : NULL;
    if (!s->name || (info->instance_name && !s->instance_name))
    {
        ret = -ENOMEM;
        goto fail;
    }
    s->info.name = s->name;
    s->info.instance_name = s->instance_name;
    s->ops = ops;
    s->obj = obj;
    s->owner = geteuid();
    s->state = VSS_WS_STABLE;

    if ((ret = transport_runtime_dir(s->dir, sizeof(s->dir)))) goto fail;
    if ((ret = transport_ensure_dir(s->dir))) goto fail;
    transport_writer_socket_name(&info->class_id, &info->instance_id, s->sock_name, sizeof(s->sock_name));
    if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK))
    {
        ret = -errno;
        goto fail;
    }
    if ((ret = transport_listen(s->dir, s->sock_name)) < 0) goto fail;
    s->listen_fd = ret;

    if ((ret = -pthread_create(&s->worker_thread, NULL, worker_main, s))) goto fail_unlink;
    s->worker_started = true;
    if ((ret = -pthread_create(&s->server_thread, NULL, server_main, s)))
    {
        pthread_mutex_lock(&s->lock);
        s->worker_exit = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->worker_thread, NULL);
        goto fail_unlink;
    }
    TRACE("%s listening on %s/%s\n", s->info.name, s->dir, s->sock_name);
    *out = s;
    return 0;

fail_unlink:
    transport_unlink(s->dir, s->sock_name);
fail:
    WARN("cannot serve writer %s: %s\n", info->name ? info->name : "", strerror(-ret));
    server_free(s);
    return ret;
}

int writer_server_stop(struct writer_server *s)
{
    if (pthread_equal(pthread_self(), s->worker_thread)) return -EDEADLK;

    /* no new requests: the name goes first, then the listener */
    transport_unlink(s->dir, s->sock_name);
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_mutex_unlock(&s->lock);
    wake_server(s);
    pthread_join(s->server_thread, NULL);

    pthread_mutex_lock(&s->lock);
    /* a writer must never stay frozen because it was unsubscribed */
    if ((s->frozen || (s->in_event && s->event_type == WIRE_FREEZE)) && !s->aborted)
        enqueue_internal(s, JOB_TIMEOUT_ABORT);
    s->worker_exit = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->worker_thread, NULL);
    server_free(s);
    return 0;
}

int writer_server_set_failure(struct writer_server *s, HRESULT hr, HRESULT app_hr, const char *message)
{
    int ret = 0;

    pthread_mutex_lock(&s->lock);
    if (!s->in_event) ret = -ENOENT;
    else
    {
        s->event_failure_set = true;
        s->event_failure = hr;
        s->event_app_failure = app_hr;
        set_app_message(&s->event_app_message, message);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

void writer_server_status(struct writer_server *s, uint32_t *state, HRESULT *failure)
{
    pthread_mutex_lock(&s->lock);
    if (state) *state = s->state;
    if (failure) *failure = s->failure;
    pthread_mutex_unlock(&s->lock);
}
