/*
 * coordinator.c: finds writers, sends them events in Microsoft's order and
 * keeps their status (contract and call sequence in coordinator.h).
 *
 * A round sends one event to a set of writers at once and collects the
 * answers in one poll loop over non-blocking sockets, each writer with its own
 * deadline, so 64 writers cost about what the slowest one costs.  Each writer
 * keeps one connection for the life of the coordinator; the writer process
 * takes that connection closing in the middle of a backup as the requester
 * dying.  Answers that arrive after their deadline are recognised by request
 * id and dropped.  Express writers (express.h) are listed from their store
 * at discovery, have no connection, and are answered here, with success.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsserror.h>
#include "umbra/debug.h"
#include "bcd.h"
#include "coordinator.h"
#include "express.h"
#include "transport.h"
#include "wire.h"

struct cwriter
{
    struct coordinator_writer pub;
    char sock_name[TRANSPORT_NAME_MAX];
    int fd;
    struct frame_reader in;
    struct frame_writer out;
    bool dead;                  /* its connection is gone */
    bool identified;            /* Identify succeeded: it takes part in backups */
    bool participant;           /* got the current backup's or restore's first event */
    bool failed;                /* failed an event of the current sequence */
    bool refused;               /* it refused us (another user's writer) */
    bool express;               /* an express writer: no process, we answer for it */
    unsigned int last_event;
    /* the round in progress */
    uint32_t pending;           /* request id awaited, 0 none */
    int64_t deadline;
    HRESULT result;
};

#define LEVEL_ANY INT32_MIN     /* a round for writers of every application level */

struct guid_list
{
    GUID *ids;
    unsigned int count;
};

struct coordinator
{
    char dir[TRANSPORT_PATH_MAX];
    DWORD event_timeout_ms;
    DWORD connect_timeout_ms;
    GUID session_id;
    struct coordinator_backup_state state;

    char **vol_names, **vol_roots, **vol_devices;
    unsigned int vol_count;

    struct guid_list disabled_classes, enabled_classes, disabled_instances;
    bool enable_mode;

    struct cwriter **writers;
    unsigned int count;
    bool discovered;
    uint32_t next_request;

    bool backup_started;        /* PrepareForBackup or DoSnapshotSet began a backup */
    bool snapshot_done;         /* DoSnapshotSet completed */
    bool aborted;
    bool shutdown_sent;
    bool restore;
    struct coordinator_stats stats;
};

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void random_guid(GUID *id)
{
    size_t got = 0;

    while (got < sizeof(*id))
    {
        ssize_t n = getrandom((char *)id + got, sizeof(*id) - got, 0);
        if (n > 0) got += n;
        else if (errno != EINTR) break;
    }
    id->Data3 = (id->Data3 & 0x0fff) | 0x4000;
    id->Data4[0] = (id->Data4[0] & 0x3f) | 0x80;
}

HRESULT coordinator_create(const struct coordinator_options *options, struct coordinator **out)
{
    struct coordinator *c;
    int ret;

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!(c = calloc(1, sizeof(*c)))) return E_OUTOFMEMORY;
    if (options && options->runtime_dir)
    {
        if (strlen(options->runtime_dir) >= sizeof(c->dir))
        {
            free(c);
            return E_INVALIDARG;
        }
        strcpy(c->dir, options->runtime_dir);
    }
    else if ((ret = transport_runtime_dir(c->dir, sizeof(c->dir))))
    {
        WARN("no rendezvous directory: %s\n", strerror(-ret));
        free(c);
        return VSS_E_WRITER_INFRASTRUCTURE;
    }
    c->event_timeout_ms = options && options->event_timeout_ms ? options->event_timeout_ms
                                                               : COORDINATOR_EVENT_TIMEOUT_MS;
    c->connect_timeout_ms = options && options->connect_timeout_ms ? options->connect_timeout_ms
                                                                   : COORDINATOR_CONNECT_TIMEOUT_MS;
    random_guid(&c->session_id);
    c->next_request = 1;
    c->state.backup_type = VSS_BT_FULL;
    c->state.restore_type = VSS_RTYPE_UNDEFINED;
    TRACE("coordinator %p, session %s, writers in %s\n", c, debugstr_guid(&c->session_id), c->dir);
    *out = c;
    return S_OK;
}

static void cwriter_close(struct cwriter *w)
{
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    frame_reader_reset(&w->in);
    frame_writer_clear(&w->out);
}

static void cwriter_free(struct cwriter *w)
{
    cwriter_close(w);
    free(w->pub.name);
    free(w->pub.instance_name);
    free(w->pub.wmd);
    free(w->pub.components);
    free(w->pub.app_message);
    free(w);
}

void coordinator_free(struct coordinator *c)
{
    if (!c) return;
    for (unsigned int i = 0; i < c->count; i++) cwriter_free(c->writers[i]);
    free(c->writers);
    coordinator_clear_volumes(c);
    free(c->disabled_classes.ids);
    free(c->enabled_classes.ids);
    free(c->disabled_instances.ids);
    free(c);
}

const GUID *coordinator_session_id(const struct coordinator *c)
{
    return &c->session_id;
}

void coordinator_get_stats(const struct coordinator *c, struct coordinator_stats *stats)
{
    *stats = c->stats;
}

/* --- filters and backup state ------------------------------------------------- */

static HRESULT guid_list_add(struct guid_list *list, const GUID *ids, unsigned int count)
{
    GUID *n;

    if (!count) return S_OK;
    if (!ids) return E_INVALIDARG;
    if (count > 65536 || list->count > 65536) return E_INVALIDARG;
    if (!(n = realloc(list->ids, (list->count + count) * sizeof(*n)))) return E_OUTOFMEMORY;
    memcpy(n + list->count, ids, count * sizeof(*n));
    list->ids = n;
    list->count += count;
    return S_OK;
}

static bool guid_list_has(const struct guid_list *list, const GUID *id)
{
    for (unsigned int i = 0; i < list->count; i++)
        if (IsEqualGUID(&list->ids[i], id)) return true;
    return false;
}

HRESULT coordinator_disable_writer_classes(struct coordinator *c, const GUID *ids, unsigned int count)
{
    return guid_list_add(&c->disabled_classes, ids, count);
}

HRESULT coordinator_enable_writer_classes(struct coordinator *c, const GUID *ids, unsigned int count)
{
    if (!count) return S_OK;
    if (!ids) return E_INVALIDARG;
    if (!c->enable_mode)
    {
        /* the first enable cancels the disables so far (§2.3 row 46) */
        free(c->disabled_classes.ids);
        memset(&c->disabled_classes, 0, sizeof(c->disabled_classes));
        c->enable_mode = true;
    }
    return guid_list_add(&c->enabled_classes, ids, count);
}

HRESULT coordinator_disable_writer_instances(struct coordinator *c, const GUID *ids, unsigned int count)
{
    return guid_list_add(&c->disabled_instances, ids, count);
}

static bool writer_filtered_out(const struct coordinator *c, const GUID *class_id, const GUID *instance_id)
{
    if (c->enable_mode && !guid_list_has(&c->enabled_classes, class_id)) return true;
    return guid_list_has(&c->disabled_classes, class_id) || guid_list_has(&c->disabled_instances, instance_id);
}

void coordinator_set_backup_state(struct coordinator *c, const struct coordinator_backup_state *state)
{
    c->state = *state;
}

void coordinator_clear_volumes(struct coordinator *c)
{
    for (unsigned int i = 0; i < c->vol_count; i++)
    {
        free(c->vol_names[i]);
        free(c->vol_roots[i]);
        free(c->vol_devices[i]);
    }
    free(c->vol_names);
    free(c->vol_roots);
    free(c->vol_devices);
    c->vol_names = c->vol_roots = c->vol_devices = NULL;
    c->vol_count = 0;
}

HRESULT coordinator_add_volume(struct coordinator *c, const char *name, const char *root)
{
    char **names, **roots, **devices;
    unsigned int n = c->vol_count;

    if (!name || !*name || !wire_utf8_valid(name, strlen(name)) || (root && !wire_utf8_valid(root, strlen(root))))
        return E_INVALIDARG;
    if (n >= 4096) return E_INVALIDARG;
    if (!(names = realloc(c->vol_names, (n + 1) * sizeof(*names)))) return E_OUTOFMEMORY;
    c->vol_names = names;
    if (!(roots = realloc(c->vol_roots, (n + 1) * sizeof(*roots)))) return E_OUTOFMEMORY;
    c->vol_roots = roots;
    if (!(devices = realloc(c->vol_devices, (n + 1) * sizeof(*devices)))) return E_OUTOFMEMORY;
    c->vol_devices = devices;
    names[n] = strdup(name);
    roots[n] = strdup(root ? root : "");
    devices[n] = strdup("");
    if (!names[n] || !roots[n] || !devices[n])
    {
        free(names[n]);
        free(roots[n]);
        free(devices[n]);
        return E_OUTOFMEMORY;
    }
    c->vol_count++;
    return S_OK;
}

HRESULT coordinator_set_snapshot_device(struct coordinator *c, const char *name, const char *device)
{
    if (!name || !device || !wire_utf8_valid(device, strlen(device))) return E_INVALIDARG;
    for (unsigned int i = 0; i < c->vol_count; i++)
        if (!strcmp(c->vol_names[i], name))
        {
            char *copy = strdup(device);
            if (!copy) return E_OUTOFMEMORY;
            free(c->vol_devices[i]);
            c->vol_devices[i] = copy;
            return S_OK;
        }
    return VSS_E_OBJECT_NOT_FOUND;
}

/* --- finding writers ------------------------------------------------------------ */

static struct cwriter *find_writer(const struct coordinator *c, const GUID *instance_id)
{
    for (unsigned int i = 0; i < c->count; i++)
        if (IsEqualGUID(&c->writers[i]->pub.instance_id, instance_id)) return c->writers[i];
    return NULL;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static HRESULT add_writer(struct coordinator *c, const char *name, const GUID *class_id, const GUID *instance_id)
{
    struct cwriter *w, **n;
    int fd;

    fd = transport_connect(c->dir, name, c->connect_timeout_ms);
    if (fd == -ECONNREFUSED)
    {
        /* bound and listening happen before the rename into place, so a name
         * nobody answers belongs to a writer that is gone */
        TRACE("removing the stale writer socket %s\n", name);
        transport_unlink(c->dir, name);
        return S_OK;
    }
    if (fd < 0)
    {
        WARN("cannot reach writer %s: %s\n", name, strerror(-fd));
        return S_OK;
    }
    if (!(w = calloc(1, sizeof(*w))) || !(n = realloc(c->writers, (c->count + 1) * sizeof(*n))))
    {
        free(w);
        close(fd);
        return E_OUTOFMEMORY;
    }
    c->writers = n;
    w->fd = fd;
    frame_writer_init(&w->out);
    snprintf(w->sock_name, sizeof(w->sock_name), "%s", name);
    w->pub.class_id = *class_id;
    w->pub.instance_id = *instance_id;
    w->pub.state = VSS_WS_UNKNOWN;
    w->pub.level = VSS_APP_FRONT_END;
    transport_peer_cred(fd, &w->pub.pid, NULL, NULL);
    c->writers[c->count++] = w;
    return S_OK;
}

/* The registered express writers, after the running ones. */
static HRESULT add_express_writers(struct coordinator *c)
{
    struct express_entry *entries;
    HRESULT hr = S_OK;
    size_t count, i;
    int ret;

    if ((ret = express_store_list(&entries, &count)))
    {
        WARN("cannot read the express writer store: %s\n", strerror(-ret));
        return ret == -ENOMEM ? E_OUTOFMEMORY : S_OK;
    }
    for (i = 0; i < count && hr == S_OK; i++)
    {
        struct express_entry *e = &entries[i];
        struct cwriter *w, **n;

        if (find_writer(c, &e->instance_id) || writer_filtered_out(c, &e->writer_id, &e->instance_id)) continue;
        if (!(w = calloc(1, sizeof(*w))) || !(n = realloc(c->writers, (c->count + 1) * sizeof(*n))))
        {
            free(w);
            hr = E_OUTOFMEMORY;
            break;
        }
        c->writers = n;
        w->fd = -1;
        w->express = true;
        frame_writer_init(&w->out);
        snprintf(w->sock_name, sizeof(w->sock_name), "express:%s", e->name);
        w->pub.class_id = e->writer_id;
        w->pub.instance_id = e->instance_id;
        w->pub.name = e->name;
        w->pub.instance_name = e->instance_name;
        w->pub.wmd = e->wmd;
        e->name = e->instance_name = e->wmd = NULL;
        w->pub.usage = e->usage;
        w->pub.source = e->source;
        w->pub.level = VSS_APP_FRONT_END;
        w->pub.freeze_timeout_ms = 60000;
        w->pub.event_mask = VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG;
        w->pub.state = VSS_WS_STABLE;
        c->writers[c->count++] = w;
    }
    express_store_free(entries, count);
    return hr;
}

static HRESULT discover(struct coordinator *c)
{
    char **names = NULL;
    unsigned int count = 0, cap = 0;
    struct dirent *entry;
    HRESULT hr = S_OK;
    DIR *dir;

    c->discovered = true;
    if (!(dir = opendir(c->dir)))
    {
        if (errno == ENOENT) return S_OK;   /* nobody has subscribed yet */
        WARN("cannot read %s: %s\n", c->dir, strerror(errno));
        return VSS_E_WRITER_INFRASTRUCTURE;
    }
    while ((entry = readdir(dir)))
    {
        GUID class_id, instance_id;

        if (transport_parse_writer_socket_name(entry->d_name, &class_id, &instance_id)) continue;
        if (find_writer(c, &instance_id)) continue;
        if (writer_filtered_out(c, &class_id, &instance_id))
        {
            TRACE("writer %s is filtered out\n", entry->d_name);
            continue;
        }
        if (count == cap)
        {
            unsigned int ncap = cap ? cap * 2 : 32;
            char **n = realloc(names, ncap * sizeof(*n));
            if (!n) { hr = E_OUTOFMEMORY; break; }
            names = n;
            cap = ncap;
        }
        if (!(names[count] = strdup(entry->d_name))) { hr = E_OUTOFMEMORY; break; }
        count++;
    }
    closedir(dir);

    /* a stable order: the same writers are listed the same way every time */
    if (count) qsort(names, count, sizeof(*names), compare_names);
    for (unsigned int i = 0; i < count; i++)
    {
        GUID class_id, instance_id;

        transport_parse_writer_socket_name(names[i], &class_id, &instance_id);
        if (hr == S_OK) hr = add_writer(c, names[i], &class_id, &instance_id);
        free(names[i]);
    }
    free(names);
    if (hr == S_OK) hr = add_express_writers(c);
    return hr;
}

/* --- rounds ------------------------------------------------------------------------- */

static void put_backup_fields(const struct coordinator *c, struct wire_builder *b)
{
    uint32_t flags = (c->state.bootable_system_state ? WIRE_FLAG_BOOTABLE_SYSTEM_STATE : 0)
                     | (c->state.select_components ? WIRE_FLAG_SELECT_COMPONENTS : 0)
                     | (c->state.partial_file_support ? WIRE_FLAG_PARTIAL_FILE_SUPPORT : 0);

    wire_put_guid(b, WT_SNAPSHOT_SET_ID, &c->state.snapshot_set_id);
    wire_put_u32(b, WT_CONTEXT, (uint32_t)c->state.context);
    wire_put_u32(b, WT_BACKUP_TYPE, c->state.backup_type);
    wire_put_u32(b, WT_RESTORE_TYPE, c->state.restore_type);
    wire_put_u32(b, WT_FLAGS, flags);
    for (unsigned int i = 0; i < c->vol_count; i++)
    {
        wire_put_str(b, WT_VOLUME, c->vol_names[i]);
        wire_put_str(b, WT_VOLUME_ROOT, c->vol_roots[i]);
        wire_put_str(b, WT_SNAPSHOT_DEVICE, c->vol_devices[i]);
    }
}

/* Each writer sees only its own components (bcd_save_writer_utf8). */
static void put_writer_bcd(struct wire_builder *b, const struct bcd *bcd, const struct cwriter *w)
{
    char *text;
    size_t len;
    int ret = bcd_save_writer_utf8(bcd, &w->pub.instance_id, &w->pub.class_id, &text, &len);

    if (ret)
    {
        ERR("cannot write the components document for %s: %d\n", w->sock_name, ret);
        if (!b->error) b->error = ret;
        return;
    }
    wire_put_str(b, WT_BCD, text);
    free(text);
}

/* Take back what the writer changed in its components (bcd_merge_writer
 * ignores everything a writer may not touch). */
static void merge_components(struct bcd *bcd, const struct cwriter *w)
{
    struct bcd *from;
    int ret;

    if (!bcd || !w->pub.components) return;
    if ((ret = bcd_load_utf8(w->pub.components, strlen(w->pub.components), &from)))
    {
        WARN("writer %s returned an unusable components document (%d)\n", w->sock_name, ret);
        return;
    }
    if ((ret = bcd_merge_writer(bcd, &w->pub.instance_id, &w->pub.class_id, from)))
        WARN("cannot merge the components of %s (%d)\n", w->sock_name, ret);
    bcd_release(from);
}

static void replace_string(char **dst, const char *src)
{
    char *copy = src ? strdup(src) : NULL;

    if (src && !copy) return;   /* keep the old one rather than lose both */
    free(*dst);
    *dst = copy;
}

/* Identity and status from an answer. */
static void take_reply(struct cwriter *w, const struct wire_msg *msg, unsigned int type)
{
    uint32_t u32;
    const char *str;

    if (!wire_get_str(msg, WT_WRITER_NAME, &str)) replace_string(&w->pub.name, str);
    if (!wire_get_str(msg, WT_INSTANCE_NAME, &str)) replace_string(&w->pub.instance_name, str);
    if (!wire_get_u32(msg, WT_USAGE, &u32)) w->pub.usage = u32;
    if (!wire_get_u32(msg, WT_SOURCE, &u32)) w->pub.source = u32;
    if (!wire_get_u32(msg, WT_LEVEL, &u32)) w->pub.level = (int32_t)u32;
    if (!wire_get_u32(msg, WT_FREEZE_TIMEOUT, &u32)) w->pub.freeze_timeout_ms = u32;
    if (!wire_get_u32(msg, WT_EVENT_MASK, &u32)) w->pub.event_mask = u32;
    if (!wire_get_u32(msg, WT_PID, &u32)) w->pub.pid = (pid_t)u32;
    if (!wire_get_u32(msg, WT_STATE, &u32) && u32 < VSS_WS_COUNT) w->pub.state = u32;
    if (!wire_get_u32(msg, WT_FAILURE, &u32)) w->pub.failure = (HRESULT)u32;
    if (!wire_get_u32(msg, WT_APP_FAILURE, &u32)) w->pub.app_failure = (HRESULT)u32;
    replace_string(&w->pub.app_message, wire_get_str(msg, WT_APP_MESSAGE, &str) ? NULL : str);
    if (type == WIRE_IDENTIFY)
        replace_string(&w->pub.wmd, msg->status == S_OK && !wire_get_str(msg, WT_WMD, &str) ? str : NULL);
    else if (!wire_get_str(msg, WT_COMPONENTS, &str)) replace_string(&w->pub.components, str);
}

/* A writer that did not answer: the verdict the requester sees. */
static void no_answer(struct cwriter *w, unsigned int type, HRESULT hr)
{
    uint32_t st = wire_failed_state(type);

    w->result = hr;
    if (st)
    {
        w->pub.state = st;
        w->pub.failure = hr;
    }
    else if (!w->pub.failure) w->pub.failure = hr;
}

static void writer_lost(struct cwriter *w, unsigned int type)
{
    WARN("writer %s (pid %d) went away during %s\n", w->pub.name ? w->pub.name : w->sock_name,
         (int)w->pub.pid, wire_type_name(type));
    w->dead = true;
    w->pending = 0;
    cwriter_close(w);
    no_answer(w, type, VSS_E_WRITER_NOT_RESPONDING);
}

/* Read what has arrived for w; finishes its part of the round when the awaited
 * answer is in. */
static void read_answers(struct cwriter *w, unsigned int type)
{
    for (;;)
    {
        int ret = frame_reader_feed(&w->in, w->fd);
        struct wire_msg msg;
        void *body;
        size_t len;

        if (!ret) return;
        if (ret < 0)
        {
            writer_lost(w, type);
            return;
        }
        frame_reader_take(&w->in, &body, &len);
        if (wire_decode(body, len, &msg))
        {
            WARN("writer %s sent a malformed answer\n", w->sock_name);
            free(body);
            writer_lost(w, type);
            return;
        }
        if (msg.type == (WIRE_ERROR | WIRE_REPLY) && (msg.request_id == w->pending || !msg.request_id))
        {
            /* refused: another user's writer, or a request it could not read */
            w->result = msg.status;
            if (msg.status == E_ACCESSDENIED) w->refused = true;
            else no_answer(w, type, VSS_E_WRITER_INFRASTRUCTURE);
            w->pending = 0;
        }
        else if (msg.type == (type | WIRE_REPLY) && msg.request_id == w->pending)
        {
            take_reply(w, &msg, type);
            w->result = msg.status;
            w->pending = 0;
        }
        /* anything else answers a request whose deadline passed: dropped */
        wire_msg_clear(&msg);
        free(body);
        if (!w->pending) return;
    }
}

/* The writer hung up before taking the request: perhaps after telling why
 * (a refusal), which is still there to read. */
static void send_failed(struct cwriter *w, unsigned int type)
{
    frame_writer_clear(&w->out);
    read_answers(w, type);
    if (!w->dead && !w->refused) writer_lost(w, type);
}

/* Send one event to each of ws[0..n) and wait for all answers or deadlines.
 * freeze: each writer's deadline is its own freeze timeout.  Afterwards each
 * writer's ->result holds its verdict.  Returns the first failure among them
 * (S_OK when all succeeded). */
static HRESULT run_round(struct coordinator *c, struct cwriter **ws, unsigned int n, unsigned int type,
                         const struct bcd *bcd, int32_t level)
{
    struct pollfd *pfds = NULL;
    HRESULT first = S_OK;
    int64_t now = transport_now_ms();
    unsigned int i;

    if (!n) return S_OK;
    if (!(pfds = calloc(n, sizeof(*pfds)))) return E_OUTOFMEMORY;

    for (i = 0; i < n; i++)
    {
        struct cwriter *w = ws[i];
        struct wire_builder b;
        void *body;
        size_t len;
        uint32_t timeout = type == WIRE_FREEZE && w->pub.freeze_timeout_ms ? w->pub.freeze_timeout_ms
                                                                            : c->event_timeout_ms;

        w->result = S_OK;
        if (type != WIRE_GET_STATUS) w->last_event = type;
        if (w->express)
        {
            /* nothing runs for it: the event succeeds as it is sent */
            w->pub.state = express_state_after(w->pub.state, type);
            continue;
        }
        w->pending = c->next_request++;
        if (!c->next_request) c->next_request = 1;
        wire_builder_init(&b, type, w->pending, S_OK);
        wire_put_guid(&b, WT_SESSION_ID, &c->session_id);
        if (type != WIRE_IDENTIFY && type != WIRE_GET_STATUS) put_backup_fields(c, &b);
        if (level != LEVEL_ANY) wire_put_u32(&b, WT_LEVEL, (uint32_t)level);
        if (bcd) put_writer_bcd(&b, bcd, w);
        if (wire_builder_finish(&b, &body, &len) || frame_writer_push(&w->out, body, len))
        {
            ERR("cannot build the %s event\n", wire_type_name(type));
            w->pending = 0;
            no_answer(w, type, E_OUTOFMEMORY);
            continue;
        }
        w->deadline = now + timeout;
        if (frame_writer_flush(&w->out, w->fd) < 0) send_failed(w, type);
    }

    for (;;)
    {
        unsigned int polled = 0;
        int timeout = -1, ret;

        now = transport_now_ms();
        for (i = 0; i < n; i++)
        {
            struct cwriter *w = ws[i];

            if (!w->pending) continue;
            if (now >= w->deadline)
            {
                WARN("writer %s did not answer %s in time\n", w->pub.name ? w->pub.name : w->sock_name,
                     wire_type_name(type));
                w->pending = 0;
                /* past its freeze time the writer has thawed itself (§1.5) */
                no_answer(w, type, type == WIRE_FREEZE ? VSS_E_WRITERERROR_TIMEOUT : VSS_E_WRITER_NOT_RESPONDING);
                continue;
            }
            if (timeout < 0 || w->deadline - now < timeout) timeout = (int)(w->deadline - now);
            pfds[polled].fd = w->fd;
            pfds[polled].events = POLLIN | (frame_writer_pending(&w->out) ? POLLOUT : 0);
            pfds[polled].revents = 0;
            polled++;
        }
        if (!polled) break;

        ret = poll(pfds, polled, timeout);
        if (ret < 0 && errno != EINTR)
        {
            ERR("poll: %s\n", strerror(errno));
            break;
        }
        if (ret <= 0) continue;
        polled = 0;
        for (i = 0; i < n; i++)
        {
            struct cwriter *w = ws[i];
            short revents;

            if (!w->pending) continue;
            revents = pfds[polled++].revents;
            if ((revents & POLLOUT) && frame_writer_flush(&w->out, w->fd) < 0)
            {
                send_failed(w, type);
                continue;
            }
            if (revents & (POLLIN | POLLHUP | POLLERR)) read_answers(w, type);
        }
    }
    free(pfds);

    for (i = 0; i < n; i++)
    {
        if (ws[i]->pending)
        {
            ws[i]->pending = 0;
            no_answer(ws[i], type, VSS_E_WRITER_NOT_RESPONDING);
        }
        if (FAILED(ws[i]->result) && first == S_OK) first = ws[i]->result;
    }
    return first;
}

enum pick
{
    PICK_IDENTIFIED,            /* every writer Identify reached */
    PICK_PARTICIPANTS,          /* the sequence's writers that have not failed */
    PICK_ALL_PARTICIPANTS,      /* the sequence's writers, failed or not (Abort, BackupShutdown) */
    PICK_KNOWN,                 /* everything found (GetStatus) */
};

/* The writers an event goes to; caller frees the array. */
static struct cwriter **pick_writers(struct coordinator *c, enum pick pick, unsigned int type, int32_t level,
                                     unsigned int *count)
{
    struct cwriter **ws = calloc(c->count + 1, sizeof(*ws));
    unsigned int n = 0;

    *count = 0;
    if (!ws) return NULL;
    for (unsigned int i = 0; i < c->count; i++)
    {
        struct cwriter *w = c->writers[i];

        if (w->dead || w->refused) continue;
        switch (pick)
        {
        case PICK_IDENTIFIED: if (!w->identified) continue; break;
        case PICK_PARTICIPANTS: if (!w->participant || w->failed) continue; break;
        case PICK_ALL_PARTICIPANTS: if (!w->participant) continue; break;
        case PICK_KNOWN: break;
        }
        if (!wire_event_wanted(w->pub.event_mask, type)) continue;
        if (level != LEVEL_ANY && w->pub.level != level) continue;
        ws[n++] = w;
    }
    *count = n;
    return ws;
}

/* A round for one kind of writers; failures mark them failed in this sequence. */
static HRESULT event_round(struct coordinator *c, enum pick pick, unsigned int type, struct bcd *bcd,
                           int32_t level, unsigned int *sent)
{
    unsigned int n;
    struct cwriter **ws = pick_writers(c, pick, type, level, &n);
    HRESULT hr;

    if (!ws) return E_OUTOFMEMORY;
    for (unsigned int i = 0; i < n; i++)
    {
        free(ws[i]->pub.components);
        ws[i]->pub.components = NULL;
    }
    hr = run_round(c, ws, n, type, bcd, level);
    for (unsigned int i = 0; i < n; i++)
    {
        if (FAILED(ws[i]->result) && wire_failed_state(type)) ws[i]->failed = true;
        merge_components(bcd, ws[i]);
    }
    free(ws);
    if (sent) *sent = n;
    return hr;
}

/* --- the events ---------------------------------------------------------------------- */

/* Another user's writers are none of this requester's business. */
static void drop_refused(struct coordinator *c)
{
    unsigned int kept = 0;

    for (unsigned int i = 0; i < c->count; i++)
    {
        if (c->writers[i]->refused) cwriter_free(c->writers[i]);
        else c->writers[kept++] = c->writers[i];
    }
    c->count = kept;
}

HRESULT coordinator_identify(struct coordinator *c)
{
    struct cwriter **ws;
    unsigned int n;
    int64_t start;
    HRESULT hr;

    TRACE("%p\n", c);
    if (FAILED(hr = discover(c))) return hr;
    if (!(ws = pick_writers(c, PICK_KNOWN, WIRE_IDENTIFY, LEVEL_ANY, &n))) return E_OUTOFMEMORY;
    start = now_us();
    run_round(c, ws, n, WIRE_IDENTIFY, NULL, LEVEL_ANY);
    c->stats.identify_us = now_us() - start;
    for (unsigned int i = 0; i < n; i++)
    {
        struct cwriter *w = ws[i];
        w->identified = w->result == S_OK && w->pub.wmd;
        if (!w->identified && !w->refused)
            WARN("writer %s failed Identify: %#x\n", w->pub.name ? w->pub.name : w->sock_name,
                 (unsigned int)w->result);
    }
    free(ws);
    drop_refused(c);
    TRACE("%u writers, Identify took %lld us\n", c->count, (long long)c->stats.identify_us);
    return S_OK;
}

unsigned int coordinator_writer_count(const struct coordinator *c)
{
    return c->count;
}

const struct coordinator_writer *coordinator_writer(const struct coordinator *c, unsigned int index)
{
    return index < c->count ? &c->writers[index]->pub : NULL;
}

/* The writers of a new backup or restore: every identified writer. */
static void start_sequence(struct coordinator *c, bool restore)
{
    c->restore = restore;
    c->aborted = false;
    c->shutdown_sent = false;
    c->snapshot_done = false;
    for (unsigned int i = 0; i < c->count; i++)
    {
        struct cwriter *w = c->writers[i];
        w->participant = w->identified && !w->dead;
        w->failed = false;
        free(w->pub.components);
        w->pub.components = NULL;
    }
}

HRESULT coordinator_prepare_backup(struct coordinator *c, struct bcd *bcd)
{
    TRACE("%p\n", c);
    start_sequence(c, false);
    c->backup_started = true;
    event_round(c, PICK_PARTICIPANTS, WIRE_PREPARE_BACKUP, bcd, LEVEL_ANY, NULL);
    return S_OK;   /* vetoes show in the writers' status (§1.2 step 12) */
}

/* Freeze order by application level (§1.3): front end, back end, system; the
 * levels Microsoft does not place (SYSTEM_RM, AUTO) come last [U].  Thaw goes
 * the other way [U]. */
static const int32_t freeze_order[] = { VSS_APP_FRONT_END, VSS_APP_BACK_END, VSS_APP_SYSTEM,
                                        VSS_APP_SYSTEM_RM, VSS_APP_AUTO };

static HRESULT abort_set(struct coordinator *c, const struct coordinator_snapshot_ops *ops, HRESULT why)
{
    WARN("snapshot set aborted: %#x\n", (unsigned int)why);
    if (ops && ops->abort) ops->abort(ops->context);
    event_round(c, PICK_ALL_PARTICIPANTS, WIRE_ABORT, NULL, LEVEL_ANY, NULL);
    c->aborted = true;
    return why;
}

HRESULT coordinator_do_snapshot_set(struct coordinator *c, struct bcd *bcd, const struct coordinator_snapshot_ops *ops)
{
    int64_t freeze_start = 0;
    unsigned int sent;
    HRESULT hr;

    TRACE("%p\n", c);
    if (!c->backup_started || c->aborted)
    {
        /* no PrepareForBackup (a backup without components): the set starts here */
        start_sequence(c, false);
        c->backup_started = true;
    }
    c->stats.freeze_window_us = 0;

    if (FAILED(hr = event_round(c, PICK_PARTICIPANTS, WIRE_PREPARE_SNAPSHOT, NULL, LEVEL_ANY, NULL)))
        return abort_set(c, ops, hr);
    if (ops && ops->prepare && FAILED(hr = ops->prepare(ops->context))) return abort_set(c, ops, hr);

    for (unsigned int i = 0; i < ARRAYSIZE(freeze_order); i++)
    {
        if (!freeze_start) freeze_start = now_us();
        hr = event_round(c, PICK_PARTICIPANTS, WIRE_FREEZE, NULL, freeze_order[i], &sent);
        if (FAILED(hr)) return abort_set(c, ops, hr);
    }

    if (ops && ops->commit && FAILED(hr = ops->commit(ops->context))) return abort_set(c, ops, hr);

    for (unsigned int i = ARRAYSIZE(freeze_order); i-- > 0;)
    {
        hr = event_round(c, PICK_PARTICIPANTS, WIRE_THAW, NULL, freeze_order[i], &sent);
        if (FAILED(hr)) return abort_set(c, ops, hr);
    }
    c->stats.freeze_window_us = now_us() - freeze_start;

    if (ops && ops->after_thaw && FAILED(hr = ops->after_thaw(ops->context))) return abort_set(c, ops, hr);

    event_round(c, PICK_PARTICIPANTS, WIRE_POST_SNAPSHOT, bcd, LEVEL_ANY, NULL);
    c->snapshot_done = true;
    TRACE("snapshot set done, freeze window %lld us\n", (long long)c->stats.freeze_window_us);
    return S_OK;
}

HRESULT coordinator_abort(struct coordinator *c)
{
    TRACE("%p\n", c);
    /* nothing in progress, a finished set, or a restore: nothing to send (§1.6) */
    if (!c->backup_started || c->snapshot_done || c->aborted || c->restore) return S_OK;
    event_round(c, PICK_ALL_PARTICIPANTS, WIRE_ABORT, NULL, LEVEL_ANY, NULL);
    c->aborted = true;
    return S_OK;
}

HRESULT coordinator_backup_complete(struct coordinator *c, struct bcd *bcd)
{
    TRACE("%p\n", c);
    event_round(c, PICK_PARTICIPANTS, WIRE_BACKUP_COMPLETE, bcd, LEVEL_ANY, NULL);
    return S_OK;
}

HRESULT coordinator_backup_shutdown(struct coordinator *c)
{
    TRACE("%p\n", c);
    if (!c->backup_started || c->restore || c->shutdown_sent) return S_OK;
    c->shutdown_sent = true;
    event_round(c, PICK_ALL_PARTICIPANTS, WIRE_BACKUP_SHUTDOWN, NULL, LEVEL_ANY, NULL);
    return S_OK;
}

HRESULT coordinator_pre_restore(struct coordinator *c, struct bcd *bcd)
{
    TRACE("%p\n", c);
    start_sequence(c, true);
    event_round(c, PICK_PARTICIPANTS, WIRE_PRE_RESTORE, bcd, LEVEL_ANY, NULL);
    return S_OK;
}

HRESULT coordinator_post_restore(struct coordinator *c, struct bcd *bcd)
{
    TRACE("%p\n", c);
    if (!c->restore) start_sequence(c, true);
    event_round(c, PICK_PARTICIPANTS, WIRE_POST_RESTORE, bcd, LEVEL_ANY, NULL);
    return S_OK;
}

HRESULT coordinator_gather_status(struct coordinator *c)
{
    struct cwriter **ws;
    unsigned int n;
    HRESULT hr;

    TRACE("%p\n", c);
    if (!c->discovered && FAILED(hr = discover(c))) return hr;
    if (!(ws = pick_writers(c, PICK_KNOWN, WIRE_GET_STATUS, LEVEL_ANY, &n))) return E_OUTOFMEMORY;
    run_round(c, ws, n, WIRE_GET_STATUS, NULL, LEVEL_ANY);
    for (unsigned int i = 0; i < n; i++)
    {
        struct cwriter *w = ws[i];
        uint32_t st = wire_failed_state(w->last_event);

        if (SUCCEEDED(w->result) || w->refused) continue;
        /* a writer that cannot tell its state has failed at the last event it got */
        if (st && w->pub.state < VSS_WS_FAILED_AT_IDENTIFY) w->pub.state = st;
        w->pub.failure = VSS_E_WRITER_NOT_RESPONDING;
    }
    free(ws);
    drop_refused(c);
    return S_OK;
}
