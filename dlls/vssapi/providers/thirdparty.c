/*
 * thirdparty.c: third-party snapshot providers (contract in thirdparty.h):
 * reading their declarations, starting and stopping the host process each
 * one runs in, and the provider.h ops, each one request to that host.
 *
 * Layout of this file: declarations (providers.d) -> calls (one request, a
 * deadline, the host killed when it fails) -> the provider.h ops -> the
 * per-slot thunks that give each provider its own function pointers
 * (provider.h ops take no "self") -> the registry.  The host's side of the
 * conversation is thirdparty_host.c.
 *
 * Why a forked host and not an in-process dlopen: a provider is code we do
 * not control, and the requester must survive it.  The host is forked
 * without exec because there is no helper program to exec (a requester is
 * any Windows program rebuilt on Linux, and this library may be linked into
 * it statically); glibc resets the loader's and malloc's locks in the
 * child, and thirdparty_host_main() drops what the child must not keep.
 * The parent only ever sends a request and waits for its answer, so a
 * blocking socket pair with deadlines is all the transport needed.
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <vss.h>
#include "umbra/debug.h"
#include "../config.h"
#include "../errors.h"
#include "../freeze.h"
#include "../transport.h"
#include "../wire.h"
#include "../wstr.h"
#include "../xml_value.h"
#include "mounts.h"
#include "privdata.h"
#include "snapname.h"
#include "thirdparty.h"
#include "thirdparty_host.h"

#define CONF_MAX_SIZE     (64 << 10)
#define COMMIT_MARGIN_MS  1000      /* past the hold window: the watchdog has thawed by then */
#define REAP_WAIT_MS      2000
#define VSS_EPOCH_DIFF    116444736000000000LL   /* 1601-01-01 to 1970-01-01 in 100 ns */

/* What one declaration says. */
struct tp_config
{
    GUID id, class_id, version_id;
    char *name, *version, *library, *file;
    enum provider_type type;
    unsigned int freeze;            /* PROVIDER_FREEZE_* */
    unsigned int flags;             /* PROVIDER_WRITER_CONSISTENT_ONLY */
    unsigned int timeout_ms;
};

struct tp_slot
{
    struct provider provider;       /* what the registry hands out; its ops are this slot's thunks */
    struct tp_config config;
    int used;                       /* has held a declaration (its strings stay valid) */
    int active;                     /* declared in the providers.d read last */
    pthread_mutex_t lock;           /* one request at a time; guards everything below */
    pid_t host;                     /* 0: no host */
    pid_t owner;                    /* the process that forked host */
    int fd;                         /* our end of the socket pair */
    uint32_t next_request;
    uint16_t pending_type;          /* the request being built or sent */
    uint32_t pending_id;
    char deferred[256];             /* what went wrong inside the hold window, said after it */
};

static struct tp_slot slots[THIRDPARTY_MAX];
static const struct provider *active_list[THIRDPARTY_MAX + 1];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* What providers.d looked like when it was read. */
static struct
{
    int loaded, present;
    char dir[PATH_MAX];
    dev_t dev;
    ino_t ino;
    struct timespec mtime, ctime;
} seen;

/* --- declarations ------------------------------------------------------------------ */

static void config_clear(struct tp_config *cfg)
{
    free(cfg->name);
    free(cfg->version);
    free(cfg->library);
    free(cfg->file);
    memset(cfg, 0, sizeof(*cfg));
}

static int parse_guid_value(const char *text, GUID *guid)
{
    char buf[XML_GUID_LEN + 1];
    size_t len = strlen(text);

    if (len == XML_GUID_LEN + 2 && text[0] == '{' && text[len - 1] == '}')
    {
        memcpy(buf, text + 1, XML_GUID_LEN);
        buf[XML_GUID_LEN] = 0;
        return xml_parse_guid(buf, guid);
    }
    return xml_parse_guid(text, guid);
}

/* Owned by root or by us, and nobody else may change it. */
static int trusted_file(const struct stat *st)
{
    return S_ISREG(st->st_mode) && (st->st_uid == 0 || st->st_uid == geteuid()) && !(st->st_mode & 022);
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t') s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) *--end = 0;
    return s;
}

enum conf_key { KEY_ID, KEY_CLASS_ID, KEY_NAME, KEY_VERSION, KEY_VERSION_ID, KEY_TYPE, KEY_LIBRARY,
                KEY_FREEZE, KEY_CONSISTENCY, KEY_TIMEOUT, KEY_COUNT };
static const char *const conf_keys[KEY_COUNT] =
    { "id", "class_id", "name", "version", "version_id", "type", "library", "freeze", "consistency", "timeout_ms" };

static int conf_value(struct tp_config *cfg, const char *dir, enum conf_key key, const char *value)
{
    char *end;
    unsigned long n;

    switch (key)
    {
    case KEY_ID: return parse_guid_value(value, &cfg->id);
    case KEY_CLASS_ID: return parse_guid_value(value, &cfg->class_id);
    case KEY_VERSION_ID: return parse_guid_value(value, &cfg->version_id);
    case KEY_NAME:
        if (!*value || !xml_text_valid(value)) return -EINVAL;
        return (cfg->name = strdup(value)) ? 0 : -ENOMEM;
    case KEY_VERSION:
        if (!*value || !xml_text_valid(value)) return -EINVAL;
        return (cfg->version = strdup(value)) ? 0 : -ENOMEM;
    case KEY_TYPE:
        if (!strcasecmp(value, "software")) cfg->type = PROVIDER_TYPE_SOFTWARE;
        else if (!strcasecmp(value, "hardware")) cfg->type = PROVIDER_TYPE_HARDWARE;
        else return -EINVAL;   /* one system provider per machine, and that is ours */
        return 0;
    case KEY_LIBRARY:
        if (!*value) return -EINVAL;
        if (value[0] == '/') cfg->library = strdup(value);
        else if (asprintf(&cfg->library, "%s/%s", dir, value) < 0) cfg->library = NULL;
        return cfg->library ? 0 : -ENOMEM;
    case KEY_FREEZE:
        if (!strcasecmp(value, "sync")) cfg->freeze = PROVIDER_FREEZE_SYNC;
        else if (!strcasecmp(value, "fifreeze")) cfg->freeze = PROVIDER_FREEZE_FIFREEZE;
        else return -EINVAL;
        return 0;
    case KEY_CONSISTENCY:
        if (!strcasecmp(value, "point-in-time")) cfg->flags &= ~PROVIDER_WRITER_CONSISTENT_ONLY;
        else if (!strcasecmp(value, "writer")) cfg->flags |= PROVIDER_WRITER_CONSISTENT_ONLY;
        else return -EINVAL;
        return 0;
    case KEY_TIMEOUT:
        errno = 0;
        n = strtoul(value, &end, 10);
        if (errno || *end || !*value || value[0] == '-' || !n || n > 24 * 3600 * 1000UL) return -EINVAL;
        cfg->timeout_ms = n;
        return 0;
    case KEY_COUNT: break;
    }
    return -EINVAL;
}

/* One declaration; 0 or -errno (said why). */
static int parse_declaration(const char *dir, const char *name, struct tp_config *cfg)
{
    unsigned int seen_keys = 0, lineno = 0;
    char *text = NULL, *line, *next;
    struct stat st;
    ssize_t got;
    int fd = -1, ret = 0;

    memset(cfg, 0, sizeof(*cfg));
    cfg->timeout_ms = THIRDPARTY_DEFAULT_TIMEOUT_MS;
    if (asprintf(&cfg->file, "%s/%s", dir, name) < 0)
    {
        cfg->file = NULL;
        return -ENOMEM;
    }
    if ((fd = open(cfg->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        WARN("%s: %s\n", cfg->file, strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) < 0 || !trusted_file(&st) || st.st_size > CONF_MAX_SIZE)
    {
        WARN("%s: not a regular file of root or ours that only its owner may change, or too big\n", cfg->file);
        ret = -EPERM;
        goto done;
    }
    if (!(text = malloc(st.st_size + 1)))
    {
        ret = -ENOMEM;
        goto done;
    }
    got = read(fd, text, st.st_size);
    if (got != st.st_size)
    {
        ret = got < 0 ? -errno : -EIO;
        goto done;
    }
    text[got] = 0;
    if (strlen(text) != (size_t)got)
    {
        WARN("%s: NUL byte in the file\n", cfg->file);
        ret = -EINVAL;
        goto done;
    }

    for (line = text; line && !ret; line = next)
    {
        char *eq, *key, *value;
        unsigned int k;

        lineno++;
        if ((next = strchr(line, '\n'))) *next++ = 0;
        if ((eq = strchr(line, '#'))) *eq = 0;
        key = trim(line);
        if (!*key) continue;
        if (!(eq = strchr(key, '=')))
        {
            WARN("%s:%u: no '='\n", cfg->file, lineno);
            ret = -EINVAL;
            break;
        }
        *eq = 0;
        value = trim(eq + 1);
        key = trim(key);
        for (k = 0; k < KEY_COUNT; k++) if (!strcmp(key, conf_keys[k])) break;
        if (k == KEY_COUNT)
        {
            WARN("%s:%u: unknown key %s ignored\n", cfg->file, lineno, key);
            continue;
        }
        if (seen_keys & (1u << k))
        {
            WARN("%s:%u: %s given twice\n", cfg->file, lineno, key);
            ret = -EINVAL;
            break;
        }
        seen_keys |= 1u << k;
        if ((ret = conf_value(cfg, dir, k, value)))
            WARN("%s:%u: bad value for %s: %s\n", cfg->file, lineno, key, value);
    }
    if (ret) goto done;

    if (!(seen_keys & (1u << KEY_ID)) || IsEqualGUID(&cfg->id, &GUID_NULL) || !cfg->name || !cfg->library
        || !(seen_keys & (1u << KEY_TYPE)))
    {
        WARN("%s: id, name, type and library are required\n", cfg->file);
        ret = -EINVAL;
        goto done;
    }
    if (!(seen_keys & (1u << KEY_CLASS_ID))) cfg->class_id = cfg->id;
    if (!cfg->version && !(cfg->version = strdup("1.0")))
    {
        ret = -ENOMEM;
        goto done;
    }
    if (stat(cfg->library, &st) < 0 || !trusted_file(&st))
    {
        WARN("%s: library %s is missing, or someone other than root or us may change it\n", cfg->file,
             cfg->library);
        ret = -EPERM;
        goto done;
    }
done:
    if (fd >= 0) close(fd);
    free(text);
    if (ret) config_clear(cfg);
    return ret;
}

static int conf_filter(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);

    return entry->d_name[0] != '.' && len > 5 && !strcmp(entry->d_name + len - 5, ".conf");
}

/* --- calls: the parent side ------------------------------------------------------------- */

struct reply
{
    void *body;
    struct wire_msg msg;
};

static void reply_free(struct reply *r)
{
    wire_msg_clear(&r->msg);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

static int64_t now_ms(void)
{
    return transport_now_ms();
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR);
}

/* Reap pid, waiting at most REAP_WAIT_MS (a process stuck in the kernel, on
 * a frozen file system say, is left for the next reap). */
static void reap(pid_t pid)
{
    int64_t deadline = now_ms() + REAP_WAIT_MS;

    for (;;)
    {
        pid_t ret = waitpid(pid, NULL, WNOHANG);

        if (ret == pid || (ret < 0 && errno != EINTR)) return;
        if (now_ms() >= deadline) return;
        sleep_ms(5);
    }
}

/* 1 if pid has exited: reaped now, or already by someone who waits for any
 * child (or by the kernel, when SIGCHLD is ignored). */
static int host_gone(pid_t pid)
{
    pid_t ret = waitpid(pid, NULL, WNOHANG);

    return ret == pid || (ret < 0 && errno == ECHILD);
}

/* Forget a host a forked child of ours inherited: it belongs to our parent. */
static void slot_check_owner(struct tp_slot *slot)
{
    if (slot->host && slot->owner != getpid())
    {
        close(slot->fd);
        slot->fd = -1;
        slot->host = 0;
    }
}

static void host_kill(struct tp_slot *slot)
{
    slot_check_owner(slot);
    if (!slot->host) return;
    kill(slot->host, SIGKILL);
    close(slot->fd);
    reap(slot->host);
    slot->fd = -1;
    slot->host = 0;
}

/* Let the host unload its provider and exit; kill it if it does not. */
static void host_stop(struct tp_slot *slot)
{
    int64_t deadline;
    pid_t pid;

    slot_check_owner(slot);
    if (!slot->host) return;
    pid = slot->host;
    close(slot->fd);
    slot->fd = -1;
    slot->host = 0;
    deadline = now_ms() + 1000;
    for (;;)
    {
        pid_t ret = waitpid(pid, NULL, WNOHANG);

        if (ret == pid || (ret < 0 && errno != EINTR)) return;
        if (now_ms() >= deadline) break;
        sleep_ms(5);
    }
    kill(pid, SIGKILL);
    reap(pid);
}

static int receive(struct tp_slot *slot, int64_t deadline, struct reply *r)
{
    int64_t left = deadline - now_ms();
    size_t len;
    int ret;

    memset(r, 0, sizeof(*r));
    if (left <= 0) return -ETIMEDOUT;
    if ((ret = transport_recv_frame(slot->fd, &r->body, &len, (int)(left > INT_MAX ? INT_MAX : left))))
        return ret;
    if ((ret = wire_decode(r->body, len, &r->msg)))
    {
        free(r->body);
        r->body = NULL;
        return -EPROTO;
    }
    return 0;
}

static int host_start(struct tp_slot *slot)
{
    struct reply r;
    const char *why = NULL;
    int sv[2], ret;
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
    if ((pid = fork()) < 0)
    {
        ret = -errno;
        close(sv[0]);
        close(sv[1]);
        return ret;
    }
    if (!pid) thirdparty_host_main(slot->config.library, &slot->config.class_id, sv[1]);
    close(sv[1]);
    slot->fd = sv[0];
    slot->host = pid;
    slot->owner = getpid();
    TRACE("%s: host %d loads %s\n", slot->config.name, (int)pid, slot->config.library);

    if ((ret = receive(slot, now_ms() + slot->config.timeout_ms, &r)))
    {
        WARN("%s: its host did not start (%s)\n", slot->config.name, strerror(-ret));
        host_kill(slot);
        return ret == -ETIMEDOUT ? -ETIME : ret;
    }
    if (r.msg.type != HOST_READY || FAILED(r.msg.status))
    {
        wire_get_str(&r.msg, HT_WHY, &why);
        WARN("%s: cannot load %s: %s (%s)\n", slot->config.name, slot->config.library, why ? why : "?",
             debugstr_hr(r.msg.status));
        reply_free(&r);
        host_kill(slot);
        return -ENOEXEC;
    }
    reply_free(&r);
    return 0;
}

/* Start a request to slot's host (slot->lock held). */
static void request_init(struct tp_slot *slot, struct wire_builder *b, uint16_t type)
{
    slot->pending_type = type;
    slot->pending_id = slot->next_request++;
    if (!slot->next_request) slot->next_request = 1;
    wire_builder_init(b, type, slot->pending_id, S_OK);
}

/* Where commit may be: no logging, no fork, nothing said until after. */
#define CALL_IN_WINDOW 0x1

/* Send the request built in b (slot->lock held): 0 and *r, whose status is
 * the provider's HRESULT; or -errno and the host is gone: -ETIMEDOUT (in the
 * window) / -ETIME (elsewhere) when it did not answer in time, -ECONNRESET
 * or -EPIPE when it died, -EPROTO when it answered garbage, -ENODEV when the
 * provider is no longer declared. */
static int host_call(struct tp_slot *slot, struct wire_builder *b, unsigned int flags, struct reply *r)
{
    unsigned int timeout = (flags & CALL_IN_WINDOW) ? FREEZE_DEFAULT_WINDOW_MS + COMMIT_MARGIN_MS
                                                    : slot->config.timeout_ms;
    int64_t deadline;
    void *body = NULL;
    size_t len;
    int ret;

    memset(r, 0, sizeof(*r));
    if (!slot->active)
    {
        wire_builder_free(b);
        return -ENODEV;
    }
    slot_check_owner(slot);
    if (slot->host && host_gone(slot->host))
    {
        /* it died between two calls (OOM killer, a provider thread): start afresh */
        close(slot->fd);
        slot->fd = -1;
        slot->host = 0;
    }
    if (!slot->host)
    {
        if (flags & CALL_IN_WINDOW)
        {
            wire_builder_free(b);
            snprintf(slot->deferred, sizeof(slot->deferred), "no host was running at CommitSnapshots");
            return -ECONNRESET;
        }
        if ((ret = host_start(slot)))
        {
            wire_builder_free(b);
            return ret;
        }
    }
    if ((ret = wire_builder_finish(b, &body, &len))) return ret;

    deadline = now_ms() + timeout;
    ret = transport_send_frame(slot->fd, body, len, (int)timeout);
    free(body);
    if (!ret) ret = receive(slot, deadline, r);
    if (!ret && (r->msg.type != (slot->pending_type | WIRE_REPLY) || r->msg.request_id != slot->pending_id))
    {
        reply_free(r);
        ret = -EPROTO;
    }
    if (ret)
    {
        if (ret == -ETIMEDOUT && !(flags & CALL_IN_WINDOW)) ret = -ETIME;
        if (flags & CALL_IN_WINDOW)
            /* strerror may read a message catalogue: not in the window */
            snprintf(slot->deferred, sizeof(slot->deferred), "its host failed in CommitSnapshots (errno %d)", -ret);
        else
            WARN("%s: its host failed (%s); it is stopped\n", slot->config.name, strerror(-ret));
        host_kill(slot);
        return ret;
    }
    return 0;
}

/* A provider's HRESULT in provider.h's errno terms. */
static int errno_from_hresult(HRESULT hr)
{
    if (SUCCEEDED(hr)) return 0;
    switch (hr)
    {
    case VSS_E_VOLUME_NOT_SUPPORTED:
    case VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER:
    case E_NOTIMPL:
        return -EOPNOTSUPP;
    case VSS_E_PROVIDER_VETO:
    case VSS_E_VOLUME_IN_USE:
        return -EBUSY;
    case VSS_E_OBJECT_NOT_FOUND: return -ENOENT;
    case VSS_E_INSUFFICIENT_STORAGE: return -ENOSPC;
    case VSS_E_NESTED_VOLUME_LIMIT: return -ELOOP;
    case E_ACCESSDENIED: return -EACCES;
    case E_OUTOFMEMORY: return -ENOMEM;
    case VSS_E_REVERT_IN_PROGRESS: return -EINPROGRESS;
    default: return -EPROTO;   /* an unexpected code: VSS_E_UNEXPECTED_PROVIDER_ERROR */
    }
}

/* A call whose answer is only its status (slot->lock held). */
static int call_status(struct tp_slot *slot, struct wire_builder *b, unsigned int flags, const char *what)
{
    const char *why = NULL;
    struct reply r;
    HRESULT hr;
    int ret;

    if ((ret = host_call(slot, b, flags, &r))) return ret;
    hr = r.msg.status;
    if (FAILED(hr))
    {
        wire_get_str(&r.msg, HT_WHY, &why);
        if (flags & CALL_IN_WINDOW)
            snprintf(slot->deferred, sizeof(slot->deferred), "%s: %s%s%s", what, debugstr_hr(hr),
                     why ? ": " : "", why ? why : "");
        else
            WARN("%s: %s: %s%s%s\n", slot->config.name, what, debugstr_hr(hr), why ? ": " : "", why ? why : "");
    }
    reply_free(&r);
    return errno_from_hresult(hr);
}

static void set_request(struct tp_slot *slot, struct wire_builder *b, uint16_t type, const GUID *set_id)
{
    request_init(slot, b, type);
    if (set_id) wire_put_guid(b, HT_SET_ID, set_id);
}

static void say_deferred(struct tp_slot *slot)
{
    if (!slot->deferred[0]) return;
    WARN("%s: %s\n", slot->config.name, slot->deferred);
    slot->deferred[0] = 0;
}

/* --- snapshots as the catalogue knows them --------------------------------------------- */

static int make_private_data(const struct tp_slot *slot, const GUID *id, char **out)
{
    char provider[XML_GUID_LEN + 1], snapshot[XML_GUID_LEN + 1];
    struct privdata pd;

    xml_format_guid(&slot->config.id, provider);
    xml_format_guid(id, snapshot);
    privdata_init(&pd);
    privdata_add(&pd, "provider", "thirdparty");
    privdata_add(&pd, "id", provider);
    privdata_add(&pd, "snapshot", snapshot);
    return privdata_finish(&pd, out);
}

/* The snapshot id of private data that this slot's provider made. */
static int parse_private_data(const struct tp_slot *slot, const char *data, GUID *id)
{
    char *provider = NULL, *snapshot = NULL;
    GUID provider_id;
    int ret;

    if (!data || privdata_check_kind(data, "thirdparty")) return -EINVAL;
    if ((ret = privdata_get(data, "id", &provider)) || (ret = privdata_get(data, "snapshot", &snapshot))) goto done;
    if (xml_parse_guid(provider, &provider_id) || !IsEqualGUID(&provider_id, &slot->config.id)
        || xml_parse_guid(snapshot, id))
        ret = -EINVAL;
done:
    free(provider);
    free(snapshot);
    return ret;
}

/* "<root>/": the volume name a provider gets (thirdparty.h). */
static char *volume_name(const char *root)
{
    char *name;
    size_t len = strlen(root);

    if (len && root[len - 1] == '/') return strdup(root);
    if (asprintf(&name, "%s/", root) < 0) return NULL;
    return name;
}

struct snapshot_info
{
    char *device;
    char *volume;
    LONGLONG timestamp;
};

static void snapshot_info_free(struct snapshot_info *info)
{
    free(info->device);
    free(info->volume);
    memset(info, 0, sizeof(*info));
}

/* GetSnapshotProperties (slot->lock held); the device must be a directory. */
static int get_properties(struct tp_slot *slot, const GUID *id, struct snapshot_info *info)
{
    const char *device = NULL, *volume = NULL;
    struct wire_builder b;
    struct reply r;
    struct stat st;
    uint64_t ts = 0;
    int ret;

    memset(info, 0, sizeof(*info));
    request_init(slot, &b, HOST_GET_PROPERTIES);
    wire_put_guid(&b, HT_SNAPSHOT_ID, id);
    if ((ret = host_call(slot, &b, 0, &r))) return ret;
    if (FAILED(r.msg.status))
    {
        const char *why = NULL;

        wire_get_str(&r.msg, HT_WHY, &why);
        if (r.msg.status != VSS_E_OBJECT_NOT_FOUND)
            WARN("%s: GetSnapshotProperties(%s): %s%s%s\n", slot->config.name, debugstr_guid(id),
                 debugstr_hr(r.msg.status), why ? ": " : "", why ? why : "");
        ret = errno_from_hresult(r.msg.status);
        goto done;
    }
    wire_get_str(&r.msg, HT_DEVICE, &device);
    wire_get_str(&r.msg, HT_VOLUME, &volume);
    wire_get_u64(&r.msg, HT_TIMESTAMP, &ts);
    if (!device || device[0] != '/' || stat(device, &st) < 0 || !S_ISDIR(st.st_mode))
    {
        WARN("%s: snapshot %s: the device %s is no directory\n", slot->config.name, debugstr_guid(id),
             device ? device : "(none)");
        ret = -EPROTO;
        goto done;
    }
    if (!(info->device = strdup(device)) || !(info->volume = strdup(volume ? volume : "")))
    {
        snapshot_info_free(info);
        ret = -ENOMEM;
        goto done;
    }
    info->timestamp = (LONGLONG)ts;
done:
    reply_free(&r);
    return ret;
}

/* --- the provider.h ops --------------------------------------------------------------- */

static int tp_is_supported(struct tp_slot *slot, const struct vss_volume *volume)
{
    struct wire_builder b;
    struct reply r;
    uint32_t supported = 0;
    char *name;
    int ret;

    if (!volume || !volume->root || volume->root[0] != '/') return -EOPNOTSUPP;
    if (!(name = volume_name(volume->root))) return -ENOMEM;
    pthread_mutex_lock(&slot->lock);
    request_init(slot, &b, HOST_IS_SUPPORTED);
    wire_put_str(&b, HT_VOLUME, name);
    if (!(ret = host_call(slot, &b, 0, &r)))
    {
        if (FAILED(r.msg.status))
        {
            WARN("%s: IsVolumeSupported(%s): %s\n", slot->config.name, name, debugstr_hr(r.msg.status));
            ret = errno_from_hresult(r.msg.status);
        }
        else if (wire_get_u32(&r.msg, HT_SUPPORTED, &supported) || !supported) ret = -EOPNOTSUPP;
        reply_free(&r);
    }
    pthread_mutex_unlock(&slot->lock);
    free(name);
    return ret;
}

static int tp_begin_prepare(struct tp_slot *slot, struct provider_snapshot *snap)
{
    struct wire_builder b;
    char *record_dir = NULL, *name = NULL;
    int ret;

    if (!snap->volume || !snap->volume->root) return -EINVAL;
    TRACE("%s: %s\n", slot->config.name, snap->volume->root);
    if ((ret = snapshots_dir_ensure(snap->volume->root, &record_dir))) return ret;
    if (!(name = volume_name(snap->volume->root)))
    {
        free(record_dir);
        return -ENOMEM;
    }
    pthread_mutex_lock(&slot->lock);
    set_request(slot, &b, HOST_BEGIN_PREPARE, &snap->set_id);
    wire_put_guid(&b, HT_SNAPSHOT_ID, &snap->id);
    wire_put_str(&b, HT_VOLUME, name);
    wire_put_u32(&b, HT_CONTEXT, (uint32_t)snap->context);
    ret = call_status(slot, &b, 0, "BeginPrepareSnapshot");
    pthread_mutex_unlock(&slot->lock);
    free(name);
    if (ret)
    {
        free(record_dir);
        return ret;
    }
    snap->record_dir = record_dir;
    snap->freeze = slot->config.freeze;
    snap->flags = slot->config.flags;
    snap->state = NULL;
    return 0;
}

static int set_step(struct tp_slot *slot, struct provider_set *set, uint16_t type, unsigned int flags,
                    const char *what)
{
    struct wire_builder b;
    int ret;

    pthread_mutex_lock(&slot->lock);
    set_request(slot, &b, type, &set->id);
    if (type == HOST_POST_COMMIT) wire_put_u32(&b, HT_COUNT, set->count);
    ret = call_status(slot, &b, flags, what);
    pthread_mutex_unlock(&slot->lock);
    return ret;
}

static int tp_end_prepare(struct tp_slot *slot, struct provider_set *set)
{
    return set_step(slot, set, HOST_END_PREPARE, 0, "EndPrepareSnapshots");
}

static int tp_pre_commit(struct tp_slot *slot, struct provider_set *set)
{
    return set_step(slot, set, HOST_PRE_COMMIT, 0, "PreCommitSnapshots");
}

/* Inside the hold window: see CALL_IN_WINDOW.  A host that overruns the
 * window is killed and the set fails with -ETIMEDOUT (HOLD_WRITES_TIMEOUT). */
static int tp_commit(struct tp_slot *slot, struct provider_set *set)
{
    struct timespec now;
    unsigned int i;
    int ret;

    ret = set_step(slot, set, HOST_COMMIT, CALL_IN_WINDOW, "CommitSnapshots");
    clock_gettime(CLOCK_REALTIME, &now);
    for (i = 0; i < set->count && !ret; i++) set->snapshots[i]->created = now;
    return ret;
}

static int tp_post_commit(struct tp_slot *slot, struct provider_set *set)
{
    unsigned int i;
    int ret;

    say_deferred(slot);
    if ((ret = set_step(slot, set, HOST_POST_COMMIT, 0, "PostCommitSnapshots"))
        || (ret = set_step(slot, set, HOST_PRE_FINAL_COMMIT, 0, "PreFinalCommitSnapshots"))
        || (ret = set_step(slot, set, HOST_POST_FINAL_COMMIT, 0, "PostFinalCommitSnapshots")))
        return ret;
    for (i = 0; i < set->count; i++)
    {
        struct provider_snapshot *snap = set->snapshots[i];
        struct snapshot_info info;

        pthread_mutex_lock(&slot->lock);
        ret = get_properties(slot, &snap->id, &info);
        pthread_mutex_unlock(&slot->lock);
        if (ret) return ret == -ENOENT ? -EPROTO : ret;
        free(snap->root);
        snap->root = info.device;
        info.device = NULL;
        if (info.timestamp > VSS_EPOCH_DIFF)
        {
            snap->created.tv_sec = (info.timestamp - VSS_EPOCH_DIFF) / 10000000;
            snap->created.tv_nsec = ((info.timestamp - VSS_EPOCH_DIFF) % 10000000) * 100;
        }
        snapshot_info_free(&info);
        free(snap->private_data);
        snap->private_data = NULL;
        if ((ret = make_private_data(slot, &snap->id, &snap->private_data))) return ret;
    }
    return 0;
}

static int delete_one(struct tp_slot *slot, const GUID *id)
{
    struct wire_builder b;

    request_init(slot, &b, HOST_DELETE);
    wire_put_guid(&b, HT_SNAPSHOT_ID, id);
    return call_status(slot, &b, 0, "DeleteSnapshots");
}

/* AbortSnapshots; snapshots that already exist (post_commit ran) are deleted
 * too, and if AbortSnapshots failed (its host died, say) every snapshot of
 * the set is asked for by id, so a provider's half-made snapshot does not
 * outlive a second fault. */
static int tp_abort(struct tp_slot *slot, struct provider_set *set)
{
    struct wire_builder b;
    unsigned int i;
    int ret, first = 0;

    say_deferred(slot);
    pthread_mutex_lock(&slot->lock);
    set_request(slot, &b, HOST_ABORT, &set->id);
    ret = call_status(slot, &b, 0, "AbortSnapshots");
    if (ret && ret != -ENOENT) first = ret;
    for (i = 0; i < set->count; i++)
    {
        if (!set->snapshots[i]->private_data && !first) continue;
        ret = delete_one(slot, &set->snapshots[i]->id);
        if (ret && ret != -ENOENT && !first) first = ret;
    }
    pthread_mutex_unlock(&slot->lock);
    return first;
}

static int tp_delete(struct tp_slot *slot, const char *record_dir, const char *data)
{
    GUID id;
    int ret;

    TRACE("%s: %s, %s\n", slot->config.name, record_dir, data);
    if ((ret = parse_private_data(slot, data, &id))) return ret;
    pthread_mutex_lock(&slot->lock);
    ret = delete_one(slot, &id);
    pthread_mutex_unlock(&slot->lock);
    return ret;
}

static int tp_root(struct tp_slot *slot, const char *record_dir, const char *data, char **root)
{
    struct snapshot_info info;
    GUID id;
    int ret;

    (void)record_dir;
    *root = NULL;
    if ((ret = parse_private_data(slot, data, &id))) return ret;
    pthread_mutex_lock(&slot->lock);
    ret = get_properties(slot, &id, &info);
    pthread_mutex_unlock(&slot->lock);
    if (ret) return ret;
    *root = info.device;
    info.device = NULL;
    snapshot_info_free(&info);
    return 0;
}

static int tp_exists(struct tp_slot *slot, const char *record_dir, const char *data)
{
    char *root;
    int ret = tp_root(slot, record_dir, data, &root);

    if (ret == -ENOENT) return 0;
    if (ret) return ret;
    free(root);
    return 1;
}

static int tp_expose(struct tp_slot *slot, const char *record_dir, const char *data, const char *path,
                     int read_only)
{
    char *root;
    int ret;

    if (!read_only) return -EOPNOTSUPP;
    if ((ret = tp_root(slot, record_dir, data, &root))) return ret;
    ret = mount_expose(root, path, read_only);
    free(root);
    return ret;
}

static int tp_unexpose(struct tp_slot *slot, const char *record_dir, const char *data, const char *path)
{
    char *root;
    int ret;

    if ((ret = tp_root(slot, record_dir, data, &root))) return ret;
    ret = mount_unexpose(root, path);
    free(root);
    return ret;
}

static int tp_revert(struct tp_slot *slot, const char *record_dir, const char *data, int force)
{
    struct wire_builder b;
    GUID id;
    int ret;

    (void)record_dir;
    (void)force;   /* RevertToSnapshot has no such argument: the provider decides */
    if ((ret = parse_private_data(slot, data, &id))) return ret;
    pthread_mutex_lock(&slot->lock);
    request_init(slot, &b, HOST_REVERT);
    wire_put_guid(&b, HT_SNAPSHOT_ID, &id);
    ret = call_status(slot, &b, 0, "RevertToSnapshot");
    pthread_mutex_unlock(&slot->lock);
    return ret;
}

static int same_root(const char *volume, const char *root)
{
    size_t vl = strlen(volume), rl = strlen(root);

    while (vl > 1 && volume[vl - 1] == '/') vl--;
    while (rl > 1 && root[rl - 1] == '/') rl--;
    return vl == rl && !strncmp(volume, root, vl);
}

/* The provider's snapshots of the volume whose records live in record_dir. */
static int tp_scan(struct tp_slot *slot, const char *record_dir, provider_scan_cb cb, void *ctx)
{
    struct wire_builder b;
    struct reply r;
    char *parent = NULL;
    unsigned int i, n;
    int ret;

    if ((ret = snapshots_dir_parent(record_dir, &parent))) return ret;
    pthread_mutex_lock(&slot->lock);
    request_init(slot, &b, HOST_QUERY);
    ret = host_call(slot, &b, 0, &r);
    pthread_mutex_unlock(&slot->lock);
    if (ret) goto done;
    if (FAILED(r.msg.status))
    {
        WARN("%s: Query: %s\n", slot->config.name, debugstr_hr(r.msg.status));
        ret = errno_from_hresult(r.msg.status);
        reply_free(&r);
        goto done;
    }
    n = wire_count(&r.msg, HT_SNAPSHOT);
    for (i = 0; i < n && !ret; i++)
    {
        const char *id_text, *volume;
        char *data;
        GUID id;

        if (wire_get_str_at(&r.msg, HT_SNAPSHOT, i, &id_text) || wire_get_str_at(&r.msg, HT_VOLUME, i, &volume)
            || xml_parse_guid(id_text, &id))
            continue;
        if (volume[0] != '/' || !same_root(volume, parent)) continue;
        if ((ret = make_private_data(slot, &id, &data))) break;
        ret = cb(ctx, data);
        free(data);
    }
    reply_free(&r);
done:
    free(parent);
    return ret;
}

/* --- one set of function pointers per slot ------------------------------------------------ */

#define SLOT_THUNKS(n) \
    static int is_supported_##n(const struct vss_volume *v) { return tp_is_supported(&slots[n], v); } \
    static int begin_prepare_##n(struct provider_snapshot *s) { return tp_begin_prepare(&slots[n], s); } \
    static int end_prepare_##n(struct provider_set *s) { return tp_end_prepare(&slots[n], s); } \
    static int pre_commit_##n(struct provider_set *s) { return tp_pre_commit(&slots[n], s); } \
    static int commit_##n(struct provider_set *s) { return tp_commit(&slots[n], s); } \
    static int post_commit_##n(struct provider_set *s) { return tp_post_commit(&slots[n], s); } \
    static int abort_##n(struct provider_set *s) { return tp_abort(&slots[n], s); } \
    static int delete_##n(const char *d, const char *p) { return tp_delete(&slots[n], d, p); } \
    static int root_##n(const char *d, const char *p, char **r) { return tp_root(&slots[n], d, p, r); } \
    static int expose_##n(const char *d, const char *p, const char *x, int ro) \
        { return tp_expose(&slots[n], d, p, x, ro); } \
    static int unexpose_##n(const char *d, const char *p, const char *x) { return tp_unexpose(&slots[n], d, p, x); } \
    static int revert_##n(const char *d, const char *p, int f) { return tp_revert(&slots[n], d, p, f); } \
    static int exists_##n(const char *d, const char *p) { return tp_exists(&slots[n], d, p); } \
    static int scan_##n(const char *d, provider_scan_cb cb, void *c) { return tp_scan(&slots[n], d, cb, c); }

#define SLOT_OPS(n) \
    { .is_supported = is_supported_##n, .begin_prepare = begin_prepare_##n, .end_prepare = end_prepare_##n, \
      .pre_commit = pre_commit_##n, .commit = commit_##n, .post_commit = post_commit_##n, .abort = abort_##n, \
      .delete = delete_##n, .root = root_##n, .expose = expose_##n, .unexpose = unexpose_##n, \
      .revert = revert_##n, .activate = NULL, .exists = exists_##n, .scan = scan_##n }

SLOT_THUNKS(0) SLOT_THUNKS(1) SLOT_THUNKS(2) SLOT_THUNKS(3) SLOT_THUNKS(4) SLOT_THUNKS(5) SLOT_THUNKS(6)
SLOT_THUNKS(7) SLOT_THUNKS(8) SLOT_THUNKS(9) SLOT_THUNKS(10) SLOT_THUNKS(11) SLOT_THUNKS(12) SLOT_THUNKS(13)
SLOT_THUNKS(14) SLOT_THUNKS(15)

static const struct provider slot_ops[THIRDPARTY_MAX] =
{
    SLOT_OPS(0), SLOT_OPS(1), SLOT_OPS(2), SLOT_OPS(3), SLOT_OPS(4), SLOT_OPS(5), SLOT_OPS(6), SLOT_OPS(7),
    SLOT_OPS(8), SLOT_OPS(9), SLOT_OPS(10), SLOT_OPS(11), SLOT_OPS(12), SLOT_OPS(13), SLOT_OPS(14), SLOT_OPS(15),
};

/* --- the registry of declarations ----------------------------------------------------- */

/* A forked child starts with no lock held and no host of its own. */
static void atfork_child(void)
{
    unsigned int i;

    pthread_mutex_init(&registry_lock, NULL);
    for (i = 0; i < THIRDPARTY_MAX; i++) pthread_mutex_init(&slots[i].lock, NULL);
}

static int slots_ready;

static void init_slots(void)
{
    unsigned int i;

    for (i = 0; i < THIRDPARTY_MAX; i++)
    {
        pthread_mutex_init(&slots[i].lock, NULL);
        slots[i].fd = -1;
    }
    pthread_atfork(NULL, NULL, atfork_child);
    __atomic_store_n(&slots_ready, 1, __ATOMIC_RELEASE);
}

static void slot_set_config(struct tp_slot *slot, unsigned int index, struct tp_config *cfg)
{
    int restart = !slot->used || strcmp(slot->config.library, cfg->library)
                  || !IsEqualGUID(&slot->config.class_id, &cfg->class_id);

    pthread_mutex_lock(&slot->lock);
    if (restart) host_stop(slot);
    config_clear(&slot->config);
    slot->config = *cfg;
    memset(cfg, 0, sizeof(*cfg));
    slot->provider = slot_ops[index];
    slot->provider.id = slot->config.id;
    slot->provider.version_id = slot->config.version_id;
    slot->provider.name = slot->config.name;
    slot->provider.version = slot->config.version;
    slot->provider.type = slot->config.type;
    slot->provider.flags = slot->config.flags;
    slot->used = slot->active = 1;
    pthread_mutex_unlock(&slot->lock);
}

static int is_builtin_id(const GUID *id)
{
    static const struct provider *const builtins[] =
        { &btrfs_provider, &blockimage_provider, &lvm_provider, &zfs_provider, &directory_provider };
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(builtins); i++) if (IsEqualGUID(&builtins[i]->id, id)) return 1;
    return 0;
}

/* Read providers.d again (registry_lock held). */
static void reload(const char *dir, const struct stat *st)
{
    struct tp_config configs[THIRDPARTY_MAX];
    struct dirent **names = NULL;
    unsigned int count = 0, i, j;
    int n = 0;

    memset(configs, 0, sizeof(configs));
    if (st && (n = scandir(dir, &names, conf_filter, alphasort)) < 0)
    {
        WARN("cannot read %s: %s\n", dir, strerror(errno));
        n = 0;
    }
    for (i = 0; i < (unsigned int)n; i++)
    {
        struct tp_config cfg;

        if (count < THIRDPARTY_MAX && !parse_declaration(dir, names[i]->d_name, &cfg))
        {
            for (j = 0; j < count; j++) if (IsEqualGUID(&configs[j].id, &cfg.id)) break;
            if (j < count || is_builtin_id(&cfg.id))
            {
                WARN("%s: provider %s is declared already; ignored\n", cfg.file, debugstr_guid(&cfg.id));
                config_clear(&cfg);
            }
            else configs[count++] = cfg;
        }
        else if (count >= THIRDPARTY_MAX)
            WARN("%s/%s: at most %d third-party providers; ignored\n", dir, names[i]->d_name, THIRDPARTY_MAX);
        free(names[i]);
    }
    free(names);

    for (i = 0; i < THIRDPARTY_MAX; i++) slots[i].active = 0;
    memset(active_list, 0, sizeof(active_list));
    for (i = 0; i < count; i++)
    {
        unsigned int k = THIRDPARTY_MAX;

        /* the same provider keeps its struct, so pointers to it stay good; a
         * new one takes a free slot, else one whose declaration went away
         * (slots given out this round are active again) */
        for (j = 0; j < THIRDPARTY_MAX && k == THIRDPARTY_MAX; j++)
            if (slots[j].used && IsEqualGUID(&slots[j].config.id, &configs[i].id)) k = j;
        for (j = 0; j < THIRDPARTY_MAX && k == THIRDPARTY_MAX; j++) if (!slots[j].used) k = j;
        for (j = 0; j < THIRDPARTY_MAX && k == THIRDPARTY_MAX; j++) if (!slots[j].active) k = j;
        if (k == THIRDPARTY_MAX)
        {
            config_clear(&configs[i]);
            continue;
        }
        TRACE("%s: provider %s (%s)\n", configs[i].file, configs[i].name, debugstr_guid(&configs[i].id));
        slot_set_config(&slots[k], k, &configs[i]);
        active_list[i] = &slots[k].provider;
    }
    /* compact: a skipped declaration leaves no hole */
    for (i = j = 0; i < THIRDPARTY_MAX; i++) if (active_list[i]) active_list[j++] = active_list[i];
    while (j <= THIRDPARTY_MAX) active_list[j++] = NULL;

    for (i = 0; i < THIRDPARTY_MAX; i++)
    {
        if (!slots[i].used || slots[i].active) continue;
        pthread_mutex_lock(&slots[i].lock);
        host_stop(&slots[i]);
        pthread_mutex_unlock(&slots[i].lock);
    }
}

const struct provider *const *thirdparty_providers(void)
{
    char dir[PATH_MAX];
    struct stat st;
    int present;

    pthread_once(&init_once, init_slots);
    if (snprintf(dir, sizeof(dir), "%s/providers.d", config_get()->config_dir) >= (int)sizeof(dir))
        return active_list;
    present = !stat(dir, &st) && S_ISDIR(st.st_mode);
    pthread_mutex_lock(&registry_lock);
    if (!seen.loaded || strcmp(seen.dir, dir) || present != seen.present
        || (present && (st.st_dev != seen.dev || st.st_ino != seen.ino
                        || st.st_mtim.tv_sec != seen.mtime.tv_sec || st.st_mtim.tv_nsec != seen.mtime.tv_nsec
                        || st.st_ctim.tv_sec != seen.ctime.tv_sec || st.st_ctim.tv_nsec != seen.ctime.tv_nsec)))
    {
        reload(dir, present ? &st : NULL);
        seen.loaded = 1;
        seen.present = present;
        strcpy(seen.dir, dir);
        if (present)
        {
            seen.dev = st.st_dev;
            seen.ino = st.st_ino;
            seen.mtime = st.st_mtim;
            seen.ctime = st.st_ctim;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    return active_list;
}

int thirdparty_is_thirdparty(const struct provider *p)
{
    unsigned int i;

    for (i = 0; i < THIRDPARTY_MAX; i++) if (p == &slots[i].provider) return 1;
    return 0;
}

int thirdparty_class_id(const struct provider *p, GUID *clsid)
{
    if (!thirdparty_is_thirdparty(p)) return -EINVAL;
    *clsid = CONTAINING_RECORD(p, struct tp_slot, provider)->config.class_id;
    return 0;
}

int thirdparty_host_pid(const struct provider *p)
{
    struct tp_slot *slot;
    int pid;

    if (!thirdparty_is_thirdparty(p)) return 0;
    slot = CONTAINING_RECORD(p, struct tp_slot, provider);
    pthread_mutex_lock(&slot->lock);
    slot_check_owner(slot);
    pid = slot->host;
    pthread_mutex_unlock(&slot->lock);
    return pid;
}

void thirdparty_shutdown(void)
{
    unsigned int i;

    if (!__atomic_load_n(&slots_ready, __ATOMIC_ACQUIRE)) return;   /* no provider was ever looked at */
    for (i = 0; i < THIRDPARTY_MAX; i++)
    {
        pthread_mutex_lock(&slots[i].lock);
        host_stop(&slots[i]);
        pthread_mutex_unlock(&slots[i].lock);
    }
}

__attribute__((destructor)) static void thirdparty_fini(void)
{
    thirdparty_shutdown();
}
