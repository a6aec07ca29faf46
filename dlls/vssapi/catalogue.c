/*
 * catalogue.c: the snapshot catalogue (catalogue.h, DESIGN.md §6): the text
 * form of a record, durable record writes under the record dir's flock, the
 * index of record dirs, queries, and the reconciliation that runs when the
 * catalogue is opened.
 *
 * Not for: making or deleting snapshots (that is the providers', reached
 * through catalogue_ops), or the names of volumes (volume.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "config.h"
#include "volume.h"
#include "catalogue.h"

#define RECORD_MAGIC "umbra-snapshot-record"
#define INDEX_MAGIC "umbra-catalogue-index"
#define FORMAT_VERSION 1
#define RECORD_PREFIX "vss-"
#define RECORD_SUFFIX ".record"
#define RECORD_NAME_LEN (sizeof(RECORD_PREFIX) - 1 + 36 + sizeof(RECORD_SUFFIX) - 1)
#define RECORD_MAX_SIZE (1 << 20)
#define INDEX_MAX_SIZE (16 << 20)
#define SNAPSHOTS_SUBDIR ".snapshots"   /* providers/snapname.h's SNAPSHOTS_DIR */

/* VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE (VSS-FACTS.md §3.3): without it a snapshot
 * dies with its requester (R32). */
#define ATTR_NO_AUTO_RELEASE 0x00000008

struct catalogue
{
    struct catalogue_ops ops;
    int has_ops;
    struct catalogue_stats stats;
    char **fallback_dirs;          /* rebuilt index we could not write */
    size_t fallback_count;
};

/* --- small helpers ------------------------------------------------------------------ */

static uint32_t crc32_ieee(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t crc = 0xffffffff;
    int k;

    while (len--)
    {
        crc ^= *p++;
        for (k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return ~crc;
}

static void guid_text(const GUID *g, char buf[37])
{
    snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6],
             g->Data4[7]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_guid_text(const char *s, size_t len, GUID *g)
{
    unsigned char b[16];
    size_t i;
    int n = 0;

    if (len != 36) return -EINVAL;
    for (i = 0; i < 36; i++)
    {
        if (i == 8 || i == 13 || i == 18 || i == 23)
        {
            if (s[i] != '-') return -EINVAL;
            continue;
        }
        if (hexval(s[i]) < 0 || hexval(s[i + 1]) < 0) return -EINVAL;
        b[n++] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
        i++;
    }
    g->Data1 = (unsigned int)b[0] << 24 | (unsigned int)b[1] << 16 | (unsigned int)b[2] << 8 | b[3];
    g->Data2 = (unsigned short)(b[4] << 8 | b[5]);
    g->Data3 = (unsigned short)(b[6] << 8 | b[7]);
    memcpy(g->Data4, b + 8, 8);
    return 0;
}

/* "{guid}" */
static int parse_braced_guid(const char *s, size_t len, GUID *g)
{
    if (len != 38 || s[0] != '{' || s[37] != '}') return -EINVAL;
    return parse_guid_text(s + 1, 36, g);
}

static int record_path(const char *dir, const GUID *id, char *buf, size_t size)
{
    char text[37];

    guid_text(id, text);
    return snprintf(buf, size, "%s/" RECORD_PREFIX "%s" RECORD_SUFFIX, dir, text) >= (int)size ? -ENAMETOOLONG : 0;
}

/* Is name a record file name?  Its id goes to *id. */
static int is_record_name(const char *name, GUID *id)
{
    size_t len = strlen(name);

    if (len != RECORD_NAME_LEN || strncmp(name, RECORD_PREFIX, sizeof(RECORD_PREFIX) - 1)
        || strcmp(name + len - (sizeof(RECORD_SUFFIX) - 1), RECORD_SUFFIX))
        return 0;
    return !parse_guid_text(name + sizeof(RECORD_PREFIX) - 1, 36, id);
}

/* Read a whole small regular file (NUL-terminated). */
static int read_file(const char *path, size_t max, char **data, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int fd, ret = 0;

    *data = NULL;
    *len = 0;
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    if (fstat(fd, &st) < 0) { ret = -errno; goto done; }
    if (!S_ISREG(st.st_mode)) { ret = -EINVAL; goto done; }
    if ((size_t)st.st_size > max) { ret = -EFBIG; goto done; }
    if (!(buf = malloc((size_t)st.st_size + 1))) { ret = -ENOMEM; goto done; }
    while (got < (size_t)st.st_size)
    {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { ret = -errno; goto done; }
        if (!n) break;   /* shrank under us: parse what is there */
        got += n;
    }
    buf[got] = 0;
    *data = buf;
    *len = got;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return ret;
}

/* --- the line format ----------------------------------------------------------------- */

/* Append value with '%', control characters and DEL escaped. */
static void put_escaped(FILE *f, const char *value)
{
    const unsigned char *p = (const unsigned char *)(value ? value : "");

    for (; *p; p++)
    {
        if (*p == '%' || *p < 0x20 || *p == 0x7f) fprintf(f, "%%%02X", *p);
        else fputc(*p, f);
    }
}

static int unescape(const char *s, size_t len, char **out)
{
    char *buf = malloc(len + 1), *o = buf;
    size_t i;

    if (!buf) return -ENOMEM;
    for (i = 0; i < len; i++)
    {
        if (s[i] != '%') { *o++ = s[i]; continue; }
        if (i + 2 >= len + 0 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0 || (!hexval(s[i + 1]) && !hexval(s[i + 2])))
        {
            free(buf);
            return -EINVAL;
        }
        *o++ = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
        i += 2;
    }
    *o = 0;
    *out = buf;
    return 0;
}

typedef int (*kv_cb)(void *ctx, const char *key, size_t key_len, const char *value, size_t value_len);

/* Check the frame (magic line, crc32 line last) and hand every key=value line
 * in between to cb.  -EINVAL for anything malformed, -EPROTONOSUPPORT for a
 * later version of the format. */
static int kv_parse(const char *text, size_t len, const char *magic, kv_cb cb, void *ctx)
{
    const char *crc_line, *p, *end;
    size_t magic_len = strlen(magic);
    unsigned long version;
    uint32_t crc;
    char *stop;
    int i, ret;

    if (!len || text[len - 1] != '\n' || memchr(text, 0, len)) return -EINVAL;
    /* the last line: "crc32=xxxxxxxx\n" */
    if (len < 15) return -EINVAL;
    crc_line = text + len - 15;
    if ((crc_line != text && crc_line[-1] != '\n') || strncmp(crc_line, "crc32=", 6)) return -EINVAL;
    for (crc = 0, i = 0; i < 8; i++)
    {
        int v = hexval(crc_line[6 + i]);
        if (v < 0) return -EINVAL;
        crc = crc << 4 | (uint32_t)v;
    }
    if (crc != crc32_ieee(text, crc_line - text)) return -EINVAL;

    /* the first line: "<magic> <version>\n" */
    if ((size_t)(crc_line - text) < magic_len + 3 || strncmp(text, magic, magic_len) || text[magic_len] != ' ')
        return -EINVAL;
    if (!isdigit((unsigned char)text[magic_len + 1])) return -EINVAL;
    version = strtoul(text + magic_len + 1, &stop, 10);
    if (*stop != '\n') return -EINVAL;
    if (version != FORMAT_VERSION) return version > FORMAT_VERSION ? -EPROTONOSUPPORT : -EINVAL;

    for (p = stop + 1; p < crc_line; p = end + 1)
    {
        const char *eq, *k;
        end = memchr(p, '\n', crc_line - p);
        if (!end) return -EINVAL;
        eq = memchr(p, '=', end - p);
        if (!eq || eq == p) return -EINVAL;
        for (k = p; k < eq; k++)
            if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_') return -EINVAL;
        if ((ret = cb(ctx, p, eq - p, eq + 1, end - eq - 1))) return ret;
    }
    return 0;
}

static FILE *kv_begin(char **buf, size_t *size, const char *magic)
{
    FILE *f = open_memstream(buf, size);

    if (f) fprintf(f, "%s %d\n", magic, FORMAT_VERSION);
    return f;
}

/* Close the stream and append the crc32 line. */
static int kv_end(FILE *f, char **buf, size_t *size)
{
    char line[32];
    char *grown;
    int n;

    if (fclose(f) || !*buf)
    {
        free(*buf);
        *buf = NULL;
        return -ENOMEM;
    }
    n = snprintf(line, sizeof(line), "crc32=%08x\n", crc32_ieee(*buf, *size));
    if (!(grown = realloc(*buf, *size + n + 1)))
    {
        free(*buf);
        *buf = NULL;
        return -ENOMEM;
    }
    memcpy(grown + *size, line, n + 1);
    *buf = grown;
    *size += n;
    return 0;
}

/* --- processes and time ---------------------------------------------------------------- */

static pthread_once_t boot_id_once = PTHREAD_ONCE_INIT;
static char boot_id[40];

static void read_boot_id(void)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

    if (!f) return;
    if (fgets(boot_id, sizeof(boot_id), f)) boot_id[strcspn(boot_id, "\n")] = 0;
    else boot_id[0] = 0;
    fclose(f);
}

/* start time and state from /proc/<pid>/stat */
static int read_proc_stat(pid_t pid, unsigned long long *start, char *state)
{
    char path[64], buf[1024], *p;
    ssize_t n;
    int fd, field;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return errno == ENOENT ? -ESRCH : -errno;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) return -ESRCH;
    buf[n] = 0;
    /* the command name may hold spaces and parentheses: fields start after the last ')' */
    if (!(p = strrchr(buf, ')')) || p[1] != ' ') return -EINVAL;
    p += 2;
    *state = *p;
    for (field = 3; field < 22 && p; field++)
        if ((p = strchr(p, ' '))) p++;
    if (!p) return -EINVAL;
    *start = strtoull(p, NULL, 10);
    return 0;
}

int catalogue_process_of(pid_t pid, struct catalogue_process *proc)
{
    char state;
    int ret;

    if (!proc || pid <= 0) return -EINVAL;
    memset(proc, 0, sizeof(*proc));
    pthread_once(&boot_id_once, read_boot_id);
    if ((ret = read_proc_stat(pid, &proc->start_time, &state))) return ret;
    proc->pid = (int)pid;
    memcpy(proc->boot_id, boot_id, sizeof(boot_id));
    return 0;
}

int catalogue_process_self(struct catalogue_process *proc)
{
    return catalogue_process_of(getpid(), proc);
}

int catalogue_process_alive(const struct catalogue_process *proc)
{
    unsigned long long start;
    char state;

    if (!proc || proc->pid <= 0) return 0;
    pthread_once(&boot_id_once, read_boot_id);
    if (proc->boot_id[0] && boot_id[0] && strcmp(proc->boot_id, boot_id)) return 0;
    if (read_proc_stat(proc->pid, &start, &state)) return 0;
    /* a zombie has finished: only its exit status is left */
    return start == proc->start_time && state != 'Z' && state != 'X';
}

LONGLONG catalogue_timestamp(const struct timespec *ts)
{
    /* FILETIME: 100 ns ticks since 1601-01-01, 11644473600 s before the Unix epoch */
    return ((LONGLONG)ts->tv_sec + 11644473600LL) * 10000000LL + ts->tv_nsec / 100;
}

LONGLONG catalogue_timestamp_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return catalogue_timestamp(&ts);
}

/* --- records ------------------------------------------------------------------------------ */

#define RECORD_STRINGS(rec) \
    &(rec)->original_volume_name, &(rec)->original_volume_root, &(rec)->snapshot_device, \
    &(rec)->originating_machine, &(rec)->service_machine, &(rec)->exposed_name, \
    &(rec)->exposed_path, &(rec)->provider_data, &(rec)->record_dir

void snapshot_record_free(struct snapshot_record *rec)
{
    size_t i;

    if (!rec) return;
    {
        char **fields[] = { RECORD_STRINGS(rec) };
        for (i = 0; i < ARRAYSIZE(fields); i++) free(*fields[i]);
    }
    free(rec);
}

int snapshot_record_set(char **field, const char *value)
{
    char *copy = strdup(value ? value : "");

    if (!copy) return -ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

/* Zeroed, every string "" except record_dir (NULL until the provider names it). */
static struct snapshot_record *record_alloc(void)
{
    struct snapshot_record *rec = calloc(1, sizeof(*rec));
    size_t i;

    if (!rec) return NULL;
    {
        char **fields[] = { RECORD_STRINGS(rec) };
        for (i = 0; i + 1 < ARRAYSIZE(fields); i++)
            if (snapshot_record_set(fields[i], ""))
            {
                snapshot_record_free(rec);
                return NULL;
            }
    }
    rec->state = RECORD_CREATING;
    return rec;
}

struct snapshot_record *snapshot_record_new(void)
{
    struct snapshot_record *rec = record_alloc();

    if (!rec) return NULL;
    rec->snapshots_count = 1;
    rec->creation_time = catalogue_timestamp_now();
    catalogue_process_self(&rec->owner);
    rec->worker = rec->owner;
    return rec;
}

struct snapshot_record *snapshot_record_dup(const struct snapshot_record *rec)
{
    struct snapshot_record *copy;
    size_t i;

    if (!rec || !(copy = malloc(sizeof(*copy)))) return NULL;
    *copy = *rec;
    {
        char **dst[] = { RECORD_STRINGS(copy) };
        for (i = 0; i < ARRAYSIZE(dst); i++)
        {
            if (!*dst[i]) continue;
            if (!(*dst[i] = strdup(*dst[i])))
            {
                for (; i < ARRAYSIZE(dst); i++) *dst[i] = NULL;
                snapshot_record_free(copy);
                return NULL;
            }
        }
    }
    return copy;
}

static const char *state_name(enum snapshot_record_state state)
{
    switch (state)
    {
    case RECORD_CREATING: return "creating";
    case RECORD_CREATED: return "created";
    case RECORD_DELETING: return "deleting";
    }
    return NULL;
}

static void put_guid(FILE *f, const char *key, const GUID *g)
{
    char text[37];

    guid_text(g, text);
    fprintf(f, "%s={%s}\n", key, text);
}

static void put_string(FILE *f, const char *key, const char *value)
{
    fprintf(f, "%s=", key);
    put_escaped(f, value);
    fputc('\n', f);
}

static void put_process(FILE *f, const char *key, const struct catalogue_process *p)
{
    fprintf(f, "%s=%d:%llu:", key, p->pid, p->start_time);
    put_escaped(f, p->boot_id);
    fputc('\n', f);
}

int snapshot_record_format(const struct snapshot_record *rec, char **text, size_t *len)
{
    FILE *f;

    if (!rec || !text || !len || !state_name(rec->state)) return -EINVAL;
    *text = NULL;
    if (!(f = kv_begin(text, len, RECORD_MAGIC))) return -ENOMEM;
    put_guid(f, "snapshot_id", &rec->snapshot_id);
    put_guid(f, "set_id", &rec->set_id);
    put_guid(f, "provider_id", &rec->provider_id);
    fprintf(f, "snapshots_count=%d\n", (int)rec->snapshots_count);
    fprintf(f, "context=0x%08x\n", (unsigned int)rec->context);
    fprintf(f, "attributes=0x%08x\n", (unsigned int)rec->attributes);
    fprintf(f, "state=%s\n", state_name(rec->state));
    fprintf(f, "creation_time=%lld\n", (long long)rec->creation_time);
    put_string(f, "original_volume_name", rec->original_volume_name);
    put_string(f, "original_volume_root", rec->original_volume_root);
    put_string(f, "snapshot_device", rec->snapshot_device);
    put_string(f, "originating_machine", rec->originating_machine);
    put_string(f, "service_machine", rec->service_machine);
    put_string(f, "exposed_name", rec->exposed_name);
    put_string(f, "exposed_path", rec->exposed_path);
    put_string(f, "provider_data", rec->provider_data);
    put_process(f, "owner", &rec->owner);
    put_process(f, "worker", &rec->worker);
    return kv_end(f, text, len);
}

enum record_key
{
    KEY_SNAPSHOT_ID, KEY_SET_ID, KEY_PROVIDER_ID, KEY_COUNT, KEY_CONTEXT, KEY_ATTRIBUTES, KEY_STATE,
    KEY_TIME, KEY_VOLUME_NAME, KEY_VOLUME_ROOT, KEY_DEVICE, KEY_ORIGINATING, KEY_SERVICE,
    KEY_EXPOSED_NAME, KEY_EXPOSED_PATH, KEY_PROVIDER_DATA, KEY_OWNER, KEY_WORKER, KEY_COUNT_ALL
};

static const char *const record_keys[KEY_COUNT_ALL] =
{
    "snapshot_id", "set_id", "provider_id", "snapshots_count", "context", "attributes", "state",
    "creation_time", "original_volume_name", "original_volume_root", "snapshot_device",
    "originating_machine", "service_machine", "exposed_name", "exposed_path", "provider_data",
    "owner", "worker",
};

struct record_parse
{
    struct snapshot_record *rec;
    unsigned int seen;     /* bit per record_key */
};

static int parse_long(const char *s, size_t len, long long min, long long max, long long *out)
{
    char buf[32], *end;
    long long v;

    if (!len || len >= sizeof(buf)) return -EINVAL;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (!isdigit((unsigned char)buf[0]) && buf[0] != '-') return -EINVAL;
    errno = 0;
    if (len > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) v = (long long)strtoull(buf, &end, 16);
    else v = strtoll(buf, &end, 10);
    if (errno || *end || v < min || v > max) return -EINVAL;
    *out = v;
    return 0;
}

static int parse_process(const char *s, size_t len, struct catalogue_process *p)
{
    char buf[128], *boot, *end;
    long pid;
    size_t i;

    if (len >= sizeof(buf)) return -EINVAL;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (!isdigit((unsigned char)buf[0]) && buf[0] != '-') return -EINVAL;
    errno = 0;
    pid = strtol(buf, &end, 10);
    if (errno || *end != ':' || pid < 0 || pid > INT_MAX) return -EINVAL;
    p->pid = (int)pid;
    if (!isdigit((unsigned char)end[1])) return -EINVAL;
    p->start_time = strtoull(end + 1, &boot, 10);
    if (errno || *boot != ':') return -EINVAL;
    boot++;
    if (strlen(boot) >= sizeof(p->boot_id)) return -EINVAL;
    for (i = 0; boot[i]; i++)
        if (!isxdigit((unsigned char)boot[i]) && boot[i] != '-') return -EINVAL;
    strcpy(p->boot_id, boot);
    return 0;
}

static int record_kv(void *ctx, const char *key, size_t key_len, const char *value, size_t value_len)
{
    struct record_parse *rp = ctx;
    struct snapshot_record *rec = rp->rec;
    long long v;
    char **field = NULL;
    int k, ret;

    for (k = 0; k < KEY_COUNT_ALL; k++)
        if (strlen(record_keys[k]) == key_len && !memcmp(record_keys[k], key, key_len)) break;
    if (k == KEY_COUNT_ALL) return 0;   /* a later addition to format 1: ignore */
    if (rp->seen & (1u << k)) return -EINVAL;
    rp->seen |= 1u << k;

    switch (k)
    {
    case KEY_SNAPSHOT_ID: return parse_braced_guid(value, value_len, &rec->snapshot_id);
    case KEY_SET_ID: return parse_braced_guid(value, value_len, &rec->set_id);
    case KEY_PROVIDER_ID: return parse_braced_guid(value, value_len, &rec->provider_id);
    case KEY_COUNT:
        if ((ret = parse_long(value, value_len, 0, INT_MAX, &v))) return ret;
        rec->snapshots_count = (LONG)v;
        return 0;
    case KEY_CONTEXT:
    case KEY_ATTRIBUTES:
        if ((ret = parse_long(value, value_len, INT_MIN, UINT32_MAX, &v))) return ret;
        if (k == KEY_CONTEXT) rec->context = (LONG)(uint32_t)v;
        else rec->attributes = (LONG)(uint32_t)v;
        return 0;
    case KEY_STATE:
        if (value_len == 8 && !memcmp(value, "creating", 8)) rec->state = RECORD_CREATING;
        else if (value_len == 7 && !memcmp(value, "created", 7)) rec->state = RECORD_CREATED;
        else if (value_len == 8 && !memcmp(value, "deleting", 8)) rec->state = RECORD_DELETING;
        else return -EINVAL;
        return 0;
    case KEY_TIME:
        if ((ret = parse_long(value, value_len, 0, INT64_MAX, &v))) return ret;
        rec->creation_time = v;
        return 0;
    case KEY_VOLUME_NAME: field = &rec->original_volume_name; break;
    case KEY_VOLUME_ROOT: field = &rec->original_volume_root; break;
    case KEY_DEVICE: field = &rec->snapshot_device; break;
    case KEY_ORIGINATING: field = &rec->originating_machine; break;
    case KEY_SERVICE: field = &rec->service_machine; break;
    case KEY_EXPOSED_NAME: field = &rec->exposed_name; break;
    case KEY_EXPOSED_PATH: field = &rec->exposed_path; break;
    case KEY_PROVIDER_DATA: field = &rec->provider_data; break;
    case KEY_OWNER: return parse_process(value, value_len, &rec->owner);
    case KEY_WORKER: return parse_process(value, value_len, &rec->worker);
    }
    {
        char *text;
        if ((ret = unescape(value, value_len, &text))) return ret;
        free(*field);
        *field = text;
    }
    return 0;
}

int snapshot_record_parse(const char *text, size_t len, struct snapshot_record **out)
{
    struct record_parse rp;
    size_t i;
    int ret;

    if (!text || !out) return -EINVAL;
    *out = NULL;
    if (!(rp.rec = record_alloc())) return -ENOMEM;
    rp.seen = 0;
    ret = kv_parse(text, len, RECORD_MAGIC, record_kv, &rp);
    if (!ret && rp.seen != (1u << KEY_COUNT_ALL) - 1)
    {
        for (i = 0; i < KEY_COUNT_ALL; i++)
            if (!(rp.seen & (1u << i))) break;
        TRACE("record lacks %s\n", record_keys[i]);
        ret = -EINVAL;
    }
    if (ret)
    {
        snapshot_record_free(rp.rec);
        return ret;
    }
    *out = rp.rec;
    return 0;
}

/* Read the record file dir/name: 0, -ENOENT, -EINVAL (bad), -EPROTONOSUPPORT, -errno. */
static int record_read(const char *dir, const char *name, struct snapshot_record **rec)
{
    char path[PATH_MAX], *text;
    size_t len;
    GUID id;
    int ret;

    *rec = NULL;
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) return -ENAMETOOLONG;
    if ((ret = read_file(path, RECORD_MAX_SIZE, &text, &len)))
        return ret == -EFBIG || ret == -ELOOP ? -EINVAL : ret;
    ret = snapshot_record_parse(text, len, rec);
    free(text);
    if (ret) return ret;
    if (!is_record_name(name, &id) || !IsEqualGUID(&id, &(*rec)->snapshot_id))
    {
        WARN("%s names snapshot %s\n", path, debugstr_guid(&(*rec)->snapshot_id));
        snapshot_record_free(*rec);
        *rec = NULL;
        return -EINVAL;
    }
    if (!((*rec)->record_dir = strdup(dir)))
    {
        snapshot_record_free(*rec);
        *rec = NULL;
        return -ENOMEM;
    }
    return 0;
}

static int record_read_id(const char *dir, const GUID *id, struct snapshot_record **rec)
{
    char name[64], text[37];

    guid_text(id, text);
    snprintf(name, sizeof(name), RECORD_PREFIX "%s" RECORD_SUFFIX, text);
    return record_read(dir, name, rec);
}

/* durable 0: without fsyncs (catalogue_add_unsynced) */
static int record_write_as(const char *dir, const struct snapshot_record *rec, int durable)
{
    char path[PATH_MAX], *text;
    size_t len;
    int ret;

    if ((ret = record_path(dir, &rec->snapshot_id, path, sizeof(path)))) return ret;
    if ((ret = snapshot_record_format(rec, &text, &len))) return ret;
    ret = durable ? state_write_atomic(path, text, len, 0644) : state_write_unsynced(path, text, len, 0644);
    free(text);
    return ret;
}

static int record_write(const char *dir, const struct snapshot_record *rec)
{
    return record_write_as(dir, rec, 1);
}

static int record_unlink(const char *dir, const GUID *id)
{
    char path[PATH_MAX];
    int ret;

    if ((ret = record_path(dir, id, path, sizeof(path)))) return ret;
    return state_unlink_durable(path);
}

/* The record dir's lock: an flock of the directory itself (no extra file). */
static int dir_lock(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) return -errno;
    while (flock(fd, LOCK_EX) < 0)
    {
        if (errno == EINTR) continue;
        int ret = -errno;
        close(fd);
        return ret;
    }
    return fd;
}

static void dir_unlock(int fd)
{
    if (fd >= 0) close(fd);
}

/* --- the index ---------------------------------------------------------------------------- */

struct dir_list
{
    char **dirs;
    size_t count, cap;
};

static void dir_list_free(struct dir_list *l)
{
    size_t i;

    for (i = 0; i < l->count; i++) free(l->dirs[i]);
    free(l->dirs);
    memset(l, 0, sizeof(*l));
}

static int dir_list_add(void *ctx, const char *dir)
{
    struct dir_list *l = ctx;
    size_t i;

    if (!dir || dir[0] != '/' || strchr(dir, '\n')) return 0;
    for (i = 0; i < l->count; i++)
        if (!strcmp(l->dirs[i], dir)) return 0;
    if (l->count == l->cap)
    {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **grown = realloc(l->dirs, cap * sizeof(*grown));
        if (!grown) return -ENOMEM;
        l->dirs = grown;
        l->cap = cap;
    }
    if (!(l->dirs[l->count] = strdup(dir))) return -ENOMEM;
    l->count++;
    return 0;
}

static int index_path(char *buf, size_t size, const char *name)
{
    return snprintf(buf, size, "%s/%s", config_get()->state_dir, name) >= (int)size ? -ENAMETOOLONG : 0;
}

static int index_kv(void *ctx, const char *key, size_t key_len, const char *value, size_t value_len)
{
    char *dir;
    int ret;

    if (key_len != 3 || memcmp(key, "dir", 3)) return 0;
    if ((ret = unescape(value, value_len, &dir))) return ret;
    ret = dir_list_add(ctx, dir);
    free(dir);
    return ret;
}

/* 0, -ENOENT (no index yet), -EINVAL (damaged), -errno */
static int index_read(struct dir_list *l)
{
    char path[PATH_MAX], *text;
    size_t len;
    int ret;

    memset(l, 0, sizeof(*l));
    if ((ret = index_path(path, sizeof(path), "index"))) return ret;
    if ((ret = read_file(path, INDEX_MAX_SIZE, &text, &len))) return ret == -EFBIG ? -EINVAL : ret;
    ret = kv_parse(text, len, INDEX_MAGIC, index_kv, l);
    free(text);
    if (ret)
    {
        WARN("catalogue index %s is damaged (%s); rebuilding it\n", path, strerror(-ret));
        dir_list_free(l);
    }
    return ret;
}

static int index_write(const struct dir_list *l)
{
    char path[PATH_MAX], *text = NULL;
    size_t len = 0, i;
    FILE *f;
    int ret;

    if ((ret = index_path(path, sizeof(path), "index"))) return ret;
    if (!(f = kv_begin(&text, &len, INDEX_MAGIC))) return -ENOMEM;
    for (i = 0; i < l->count; i++) put_string(f, "dir", l->dirs[i]);
    if ((ret = kv_end(f, &text, &len))) return ret;
    ret = state_write_atomic(path, text, len, 0644);
    free(text);
    return ret;
}

static int index_lock(void)
{
    char path[PATH_MAX];
    int fd, ret;

    if ((ret = config_make_private_dir(config_get()->state_dir))) return ret;
    if ((ret = index_path(path, sizeof(path), "index.lock"))) return ret;
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) return -errno;
    while (flock(fd, LOCK_EX) < 0)
    {
        if (errno == EINTR) continue;
        ret = -errno;
        close(fd);
        return ret;
    }
    return fd;
}

/* Does dir hold any record (good, bad or in a temporary file)? */
static int dir_has_records(const char *dir)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int found = 0;

    if (!d) return 0;
    while (!found && (de = readdir(d)))
        found = !strncmp(de->d_name, RECORD_PREFIX, sizeof(RECORD_PREFIX) - 1)
                || !strncmp(de->d_name, "." RECORD_PREFIX, sizeof(RECORD_PREFIX));
    closedir(d);
    return found;
}

static int add_snapshots_dir(struct dir_list *candidates, const char *root)
{
    char dir[PATH_MAX];

    if (snprintf(dir, sizeof(dir), "%s/%s", strcmp(root, "/") ? root : "", SNAPSHOTS_SUBDIR) >= (int)sizeof(dir))
        return 0;
    return dir_list_add(candidates, dir);
}

/* The record dirs found on the volumes (and in old, an index being replaced). */
static int index_scan(struct catalogue *cat, const struct dir_list *old, struct dir_list *found)
{
    struct dir_list candidates = { 0 };
    struct vss_volume *vols = NULL;
    char **paths = NULL;
    size_t nvols = 0, npaths = 0, i;
    int ret = 0;

    memset(found, 0, sizeof(*found));
    if (!volume_list(&vols, &nvols))
        for (i = 0; i < nvols && !ret; i++) ret = add_snapshots_dir(&candidates, vols[i].root);
    volume_list_free(vols, nvols);
    if (!ret && !volume_registered_paths(&paths, &npaths))
        for (i = 0; i < npaths && !ret; i++) ret = add_snapshots_dir(&candidates, paths[i]);
    volume_paths_free(paths, npaths);
    for (i = 0; old && i < old->count && !ret; i++) ret = dir_list_add(&candidates, old->dirs[i]);
    if (!ret && cat->has_ops && cat->ops.record_dirs)
        cat->ops.record_dirs(cat->ops.ctx, dir_list_add, &candidates);
    for (i = 0; i < candidates.count && !ret; i++)
        if (dir_has_records(candidates.dirs[i])) ret = dir_list_add(found, candidates.dirs[i]);
    dir_list_free(&candidates);
    if (ret) dir_list_free(found);
    return ret;
}

int catalogue_rebuild_index(struct catalogue *cat)
{
    struct dir_list old = { 0 }, found;
    int lock, ret;

    if (!cat) return -EINVAL;
    lock = index_lock();
    index_read(&old);
    if (!(ret = index_scan(cat, &old, &found)))
    {
        if (lock < 0 || (ret = index_write(&found)))
        {
            /* a state dir we cannot write (another user's): keep the result in memory */
            struct dir_list previous = { cat->fallback_dirs, cat->fallback_count, cat->fallback_count };

            WARN("cannot write the catalogue index: %s\n", strerror(-(lock < 0 ? lock : ret)));
            dir_list_free(&previous);
            cat->fallback_dirs = found.dirs;
            cat->fallback_count = found.count;
            found.dirs = NULL;
            found.count = 0;
            ret = 0;
        }
        dir_list_free(&found);
    }
    dir_list_free(&old);
    if (lock >= 0) close(lock);
    return ret;
}

/* The record dirs to look at: the index, else what a rebuild found. */
static int catalogue_dirs(struct catalogue *cat, struct dir_list *l)
{
    size_t i;
    int ret = index_read(l);

    if (ret == -ENOENT || ret == -EINVAL)
    {
        if (!cat->fallback_dirs && (ret = catalogue_rebuild_index(cat))) return ret;
        if (!(ret = index_read(l))) return 0;
        memset(l, 0, sizeof(*l));
        for (i = 0; i < cat->fallback_count; i++)
            if ((ret = dir_list_add(l, cat->fallback_dirs[i])))
            {
                dir_list_free(l);
                return ret;
            }
        return 0;
    }
    return ret;
}

/* Make dir part of the index before any record is written in it. */
static int index_add(struct catalogue *cat, const char *dir)
{
    struct dir_list l;
    size_t i;
    int lock, ret, rebuilt = 0;

    if ((lock = index_lock()) < 0) return lock;
    ret = index_read(&l);
    if (ret == -ENOENT || ret == -EINVAL)
    {
        ret = index_scan(cat, NULL, &l);
        rebuilt = 1;
    }
    if (!ret)
    {
        int missing;

        for (i = 0; i < l.count; i++)
            if (!strcmp(l.dirs[i], dir)) break;
        missing = i == l.count;
        if (missing) ret = dir_list_add(&l, dir);
        if (!ret && (missing || rebuilt)) ret = index_write(&l);
    }
    dir_list_free(&l);
    close(lock);
    return ret;
}

int catalogue_record_dirs(struct catalogue *cat, char ***dirs, size_t *count)
{
    struct dir_list l;
    int ret;

    if (!cat || !dirs || !count) return -EINVAL;
    *dirs = NULL;
    *count = 0;
    if ((ret = catalogue_dirs(cat, &l))) return ret;
    *dirs = l.dirs;
    *count = l.count;
    return 0;
}

/* --- reconciliation ------------------------------------------------------------------------ */

struct dir_state
{
    struct catalogue *cat;
    const char *dir;
    struct snapshot_record **kept;     /* good records still there after this pass */
    size_t nkept, capkept;
    char **claimed;                    /* private data of provider snapshots (scan) */
    size_t nclaimed, capclaimed;
    int busy;                          /* something in progress or unreadable: delete no orphans */
};

static int keep_record(struct dir_state *ds, struct snapshot_record *rec)
{
    if (ds->nkept == ds->capkept)
    {
        size_t cap = ds->capkept ? ds->capkept * 2 : 16;
        struct snapshot_record **grown = realloc(ds->kept, cap * sizeof(*grown));
        if (!grown) return -ENOMEM;
        ds->kept = grown;
        ds->capkept = cap;
    }
    ds->kept[ds->nkept++] = rec;
    return 0;
}

/* An exposure (bind mount, loop mount, link) must not outlive its snapshot:
 * a requester that died with an exposed auto-release snapshot leaves one. */
static void unexpose_before_delete(struct catalogue *cat, const struct snapshot_record *rec)
{
    int ret;

    if (!cat->ops.unexpose || !rec->exposed_name || !rec->exposed_name[0]) return;
    if ((ret = cat->ops.unexpose(cat->ops.ctx, rec)) && ret != -ENOENT)
        WARN("cannot unexpose snapshot %s from %s: %s\n", debugstr_guid(&rec->snapshot_id), rec->exposed_name,
             strerror(-ret));
}

/* Delete the snapshot a dead creation/deletion left, then its record.
 * Returns 1 if the record is gone. */
static int finish_delete(struct dir_state *ds, const struct snapshot_record *rec)
{
    struct catalogue *cat = ds->cat;
    int ret;

    if (rec->provider_data[0])
    {
        ret = cat->ops.exists(cat->ops.ctx, ds->dir, &rec->provider_id, rec->provider_data);
        if (ret < 0)
        {
            WARN("cannot tell whether snapshot %s exists: %s\n", debugstr_guid(&rec->snapshot_id), strerror(-ret));
            cat->stats.errors++;
            return 0;
        }
        if (ret > 0)
        {
            unexpose_before_delete(cat, rec);
            ret = cat->ops.remove(cat->ops.ctx, ds->dir, &rec->provider_id, rec->provider_data);
            if (ret && ret != -ENOENT)
            {
                WARN("cannot delete snapshot %s: %s\n", debugstr_guid(&rec->snapshot_id), strerror(-ret));
                cat->stats.errors++;
                return 0;
            }
            cat->stats.snapshots_deleted++;
        }
    }
    if ((ret = record_unlink(ds->dir, &rec->snapshot_id)) && ret != -ENOENT)
    {
        cat->stats.errors++;
        return 0;
    }
    cat->stats.records_removed++;
    return 1;
}

/* Returns 1 if the record is gone after this. */
static int reconcile_record(struct dir_state *ds, const struct snapshot_record *rec)
{
    struct catalogue *cat = ds->cat;
    int ret;

    switch (rec->state)
    {
    case RECORD_CREATING:
    case RECORD_DELETING:
        if (catalogue_process_alive(&rec->worker))
        {
            cat->stats.in_progress++;
            ds->busy = 1;
            return 0;
        }
        WARN("snapshot %s was left %s by process %d; finishing its removal\n", debugstr_guid(&rec->snapshot_id),
             state_name(rec->state), rec->worker.pid);
        return finish_delete(ds, rec);

    case RECORD_CREATED:
        if (!(rec->attributes & ATTR_NO_AUTO_RELEASE) && !catalogue_process_alive(&rec->owner))
        {
            WARN("auto-release snapshot %s outlived its requester (pid %d); deleting it\n",
                 debugstr_guid(&rec->snapshot_id), rec->owner.pid);
            return finish_delete(ds, rec);
        }
        if (!rec->provider_data[0]) return 0;
        ret = cat->ops.exists(cat->ops.ctx, ds->dir, &rec->provider_id, rec->provider_data);
        if (ret < 0)
        {
            TRACE("snapshot %s: cannot check it (%s); keeping the record\n", debugstr_guid(&rec->snapshot_id),
                  strerror(-ret));
            return 0;
        }
        if (ret > 0) return 0;
        WARN("snapshot %s is gone from disk; removing its record\n", debugstr_guid(&rec->snapshot_id));
        if ((ret = record_unlink(ds->dir, &rec->snapshot_id)) && ret != -ENOENT)
        {
            cat->stats.errors++;
            return 0;
        }
        cat->stats.records_removed++;
        return 1;
    }
    return 0;
}

static int orphan_cb(void *ctx, const GUID *provider_id, const char *private_data)
{
    struct dir_state *ds = ctx;
    struct catalogue *cat = ds->cat;
    size_t i;
    int ret;

    if (!private_data) return 0;
    if (ds->nclaimed == ds->capclaimed)
    {
        size_t cap = ds->capclaimed ? ds->capclaimed * 2 : 8;
        char **grown = realloc(ds->claimed, cap * sizeof(*grown));
        if (!grown) return -ENOMEM;
        ds->claimed = grown;
        ds->capclaimed = cap;
    }
    if (!(ds->claimed[ds->nclaimed] = strdup(private_data))) return -ENOMEM;
    ds->nclaimed++;

    for (i = 0; i < ds->nkept; i++)
        if (!strcmp(ds->kept[i]->provider_data, private_data)) return 0;
    if (ds->busy) return 0;
    WARN("snapshot in %s has no record (a crash before it was recorded); deleting it\n", ds->dir);
    ret = cat->ops.remove(cat->ops.ctx, ds->dir, provider_id, private_data);
    if (ret && ret != -ENOENT)
    {
        WARN("cannot delete it: %s\n", strerror(-ret));
        cat->stats.errors++;
    }
    else cat->stats.snapshots_deleted++;
    return 0;
}

/* Does a record or a provider's snapshot account for the entry called name? */
static int entry_known(const struct dir_state *ds, const char *name)
{
    char slashed[NAME_MAX + 2];
    size_t i;

    snprintf(slashed, sizeof(slashed), "/%s", name);
    for (i = 0; i < ds->nkept; i++)
    {
        const char *dev = ds->kept[i]->snapshot_device;
        size_t dl = strlen(dev), nl = strlen(slashed);
        if (dl >= nl && !strcmp(dev + dl - nl, slashed)) return 1;
        if (strstr(ds->kept[i]->provider_data, name)) return 1;
    }
    for (i = 0; i < ds->nclaimed; i++)
        if (strstr(ds->claimed[i], name)) return 1;
    return 0;
}

/* A record that is empty or nothing but NUL bytes: what a crash leaves of a
 * record written unsynced (catalogue_add_unsynced) when the rename reached the
 * disk and the data did not.  Umbra never writes such a record. */
static int torn_record(const char *path)
{
    char buf[4096];
    ssize_t n, i;
    int fd, torn = 1;

    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return 0;
    while (torn && (n = read(fd, buf, sizeof(buf))) != 0)
    {
        if (n < 0)
        {
            if (errno == EINTR) continue;
            torn = 0;
            break;
        }
        for (i = 0; i < n && torn; i++) torn = !buf[i];
    }
    close(fd);
    return torn;
}

static void reconcile_dir(struct catalogue *cat, const char *dir)
{
    struct dir_state ds = { .cat = cat, .dir = dir };
    struct dirent *de;
    char **names = NULL, path[PATH_MAX];
    size_t nnames = 0, cap = 0, i;
    DIR *d;
    int lock, fd;

    if ((lock = dir_lock(dir)) < 0)
    {
        if (lock != -ENOENT) WARN("cannot lock record dir %s: %s\n", dir, strerror(-lock));
        return;   /* a volume that is not mounted now: its records wait */
    }
    if ((fd = dup(lock)) < 0 || !(d = fdopendir(fd)))
    {
        if (fd >= 0) close(fd);
        cat->stats.errors++;
        goto done;
    }
    rewinddir(d);
    while ((de = readdir(d)))
    {
        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue;
        if (nnames == cap)
        {
            char **grown = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof(*grown));
            if (!grown) break;
            names = grown;
        }
        if (!(names[nnames] = strdup(de->d_name))) break;
        nnames++;
    }
    closedir(d);

    for (i = 0; i < nnames; i++)
    {
        struct snapshot_record *rec;
        const char *name = names[i];
        pid_t writer;
        GUID id;
        int ret;

        if (!strncmp(name, "." RECORD_PREFIX, sizeof(RECORD_PREFIX)) && (writer = state_tmp_owner(name, NULL)))
        {
            if (kill(writer, 0) < 0 && errno == ESRCH
                && snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) && !unlink(path))
            {
                TRACE("removed %s, left by process %d\n", path, (int)writer);
                cat->stats.tmp_removed++;
            }
            continue;
        }
        if (!is_record_name(name, &id)) continue;
        ret = record_read(dir, name, &rec);
        if (ret == -ENOENT) continue;
        if (ret == -EINVAL && (snprintf(path, sizeof(path), "%s/%s", dir, name), torn_record(path)))
        {
            /* a 'creating' record written unsynced whose name reached the disk
             * before its data did (then a crash): it names nothing, so it goes
             * like a creating record of a dead worker, and the orphan scan
             * below takes whatever snapshot that creation left */
            WARN("snapshot record %s is empty: a creation cut short by a crash; removing it\n", path);
            if ((ret = state_unlink_durable(path)) && ret != -ENOENT) cat->stats.errors++;
            else cat->stats.records_removed++;
            continue;
        }
        if (ret == -EINVAL)
        {
            char bad[PATH_MAX + 8];
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            snprintf(bad, sizeof(bad), "%s.bad", path);
            ERR("snapshot record %s is damaged; moved aside to %s\n", path, bad);
            if (state_rename_durable(path, bad)) cat->stats.errors++;
            else cat->stats.quarantined++;
            ds.busy = 1;   /* its snapshot, if any, cannot be told from an orphan */
            continue;
        }
        if (ret)
        {
            WARN("cannot read %s/%s: %s\n", dir, name, strerror(-ret));
            if (ret != -EPROTONOSUPPORT) cat->stats.errors++;
            ds.busy = 1;
            continue;
        }
        cat->stats.records++;
        if (reconcile_record(&ds, rec) || keep_record(&ds, rec)) snapshot_record_free(rec);
    }

    if (cat->ops.scan) cat->ops.scan(cat->ops.ctx, dir, orphan_cb, &ds);

    for (i = 0; i < nnames; i++)
    {
        struct stat st;
        if (strncmp(names[i], "@GMT-", 5) || entry_known(&ds, names[i])) continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path) || lstat(path, &st)) continue;
        WARN("%s is not a snapshot Umbra knows; leaving it alone\n", path);
        cat->stats.foreign++;
    }

done:
    for (i = 0; i < nnames; i++) free(names[i]);
    free(names);
    for (i = 0; i < ds.nkept; i++) snapshot_record_free(ds.kept[i]);
    free(ds.kept);
    for (i = 0; i < ds.nclaimed; i++) free(ds.claimed[i]);
    free(ds.claimed);
    dir_unlock(lock);
}

int catalogue_reconcile(struct catalogue *cat)
{
    struct dir_list l;
    size_t i;
    int ret;

    if (!cat) return -EINVAL;
    memset(&cat->stats, 0, sizeof(cat->stats));
    if (!cat->has_ops) return 0;
    if ((ret = catalogue_dirs(cat, &l))) return ret;
    for (i = 0; i < l.count; i++) reconcile_dir(cat, l.dirs[i]);
    dir_list_free(&l);
    TRACE("%u records, %u in progress, %u removed, %u snapshots deleted, %u quarantined, %u foreign, %u errors\n",
          cat->stats.records, cat->stats.in_progress, cat->stats.records_removed, cat->stats.snapshots_deleted,
          cat->stats.quarantined, cat->stats.foreign, cat->stats.errors);
    return 0;
}

/* --- the API ----------------------------------------------------------------------------------- */

int catalogue_open(const struct catalogue_ops *ops, unsigned int flags, struct catalogue **out)
{
    struct catalogue *cat;

    if (!out) return -EINVAL;
    *out = NULL;
    if (ops && (!ops->exists || !ops->remove)) return -EINVAL;
    if (!(cat = calloc(1, sizeof(*cat)))) return -ENOMEM;
    if (ops)
    {
        cat->ops = *ops;
        cat->has_ops = 1;
    }
    if (cat->has_ops && !(flags & CATALOGUE_NO_RECONCILE)) catalogue_reconcile(cat);
    *out = cat;
    return 0;
}

void catalogue_close(struct catalogue *cat)
{
    size_t i;

    if (!cat) return;
    for (i = 0; i < cat->fallback_count; i++) free(cat->fallback_dirs[i]);
    free(cat->fallback_dirs);
    free(cat);
}

const struct catalogue_stats *catalogue_last_stats(const struct catalogue *cat)
{
    return cat ? &cat->stats : NULL;
}

static int valid_strings(const struct snapshot_record *rec)
{
    const char *const strings[] =
    {
        rec->original_volume_name, rec->original_volume_root, rec->snapshot_device, rec->originating_machine,
        rec->service_machine, rec->exposed_name, rec->exposed_path, rec->provider_data,
    };
    size_t i;

    for (i = 0; i < ARRAYSIZE(strings); i++)
        if (strings[i] && strlen(strings[i]) > RECORD_MAX_SIZE / 16) return 0;
    return 1;
}

static int add_record(struct catalogue *cat, const struct snapshot_record *rec, int durable)
{
    struct snapshot_record *old;
    char *dir = NULL;
    int lock = -1, ret;

    if (!cat || !rec || rec->state != RECORD_CREATING || !rec->record_dir || rec->record_dir[0] != '/'
        || !valid_strings(rec))
        return -EINVAL;
    if (mkdir(rec->record_dir, 0755) < 0 && errno != EEXIST) return -errno;
    /* one spelling per dir in the index */
    if (!(dir = realpath(rec->record_dir, NULL))) return -errno;
    if (strchr(dir, '\n'))
    {
        ret = -EINVAL;
        goto done;
    }
    if ((ret = index_add(cat, dir))) goto done;
    if ((lock = ret = dir_lock(dir)) < 0) goto done;
    ret = record_read_id(dir, &rec->snapshot_id, &old);
    if (!ret || ret == -EINVAL || ret == -EPROTONOSUPPORT)
    {
        snapshot_record_free(old);
        ret = -EEXIST;
        goto done;
    }
    if (ret != -ENOENT) goto done;
    ret = record_write_as(dir, rec, durable);
    TRACE("snapshot %s: record in %s%s: %d\n", debugstr_guid(&rec->snapshot_id), dir, durable ? "" : " (unsynced)",
          ret);
done:
    dir_unlock(lock);
    free(dir);
    return ret;
}

int catalogue_add(struct catalogue *cat, const struct snapshot_record *rec)
{
    return add_record(cat, rec, 1);
}

int catalogue_add_unsynced(struct catalogue *cat, const struct snapshot_record *rec)
{
    return add_record(cat, rec, 0);
}

/* Find the record dir that holds a snapshot's record. */
static int find_record(struct catalogue *cat, const GUID *id, struct snapshot_record **rec)
{
    struct dir_list l;
    size_t i;
    int ret;

    *rec = NULL;
    if ((ret = catalogue_dirs(cat, &l))) return ret;
    ret = -ENOENT;
    for (i = 0; i < l.count && ret; i++)
    {
        ret = record_read_id(l.dirs[i], id, rec);
        if (ret && ret != -ENOENT)
        {
            TRACE("%s in %s: %s\n", debugstr_guid(id), l.dirs[i], strerror(-ret));
            ret = -ENOENT;
        }
    }
    dir_list_free(&l);
    return ret;
}

int catalogue_get(struct catalogue *cat, const GUID *snapshot_id, struct snapshot_record **rec)
{
    if (!cat || !snapshot_id || !rec) return -EINVAL;
    return find_record(cat, snapshot_id, rec);
}

/* Lock the dir of a snapshot's record and read the record again under it. */
static int lock_record(struct catalogue *cat, const GUID *id, int *lock, struct snapshot_record **rec)
{
    struct snapshot_record *found;
    int ret;

    *lock = -1;
    *rec = NULL;
    if ((ret = find_record(cat, id, &found))) return ret;
    if ((*lock = dir_lock(found->record_dir)) < 0)
    {
        ret = *lock;
        snapshot_record_free(found);
        return ret;
    }
    ret = record_read_id(found->record_dir, id, rec);
    snapshot_record_free(found);
    if (ret)
    {
        dir_unlock(*lock);
        *lock = -1;
    }
    return ret;
}

int catalogue_commit(struct catalogue *cat, const struct snapshot_record *rec)
{
    struct snapshot_record *cur;
    int lock, ret;

    if (!cat || !rec || (rec->state != RECORD_CREATING && rec->state != RECORD_CREATED) || !valid_strings(rec))
        return -EINVAL;
    if ((ret = lock_record(cat, &rec->snapshot_id, &lock, &cur))) return ret;
    if (cur->state != RECORD_CREATING) ret = -EBUSY;
    else ret = record_write(cur->record_dir, rec);
    TRACE("snapshot %s -> %s: %d\n", debugstr_guid(&rec->snapshot_id), state_name(rec->state), ret);
    snapshot_record_free(cur);
    dir_unlock(lock);
    return ret;
}

int catalogue_commit_batch(struct catalogue *cat, const struct snapshot_record *const *recs, size_t count)
{
    struct written { dev_t dev; char path[PATH_MAX]; unsigned int on_dev; } *w = NULL;
    size_t i, j;
    int ret = 0;

    if (!cat || (count && !recs)) return -EINVAL;
    for (i = 0; i < count; i++)
        if (!recs[i] || (recs[i]->state != RECORD_CREATING && recs[i]->state != RECORD_CREATED)
            || !valid_strings(recs[i]))
            return -EINVAL;
    if (count && !(w = calloc(count, sizeof(*w)))) return -ENOMEM;
    for (i = 0; i < count && !ret; i++)
    {
        struct snapshot_record *cur;
        struct stat st;
        int lock;

        if ((ret = lock_record(cat, &recs[i]->snapshot_id, &lock, &cur))) break;
        if (cur->state != RECORD_CREATING) ret = -EBUSY;
        else if (!(ret = record_write_as(cur->record_dir, recs[i], 0))
                 && !(ret = record_path(cur->record_dir, &recs[i]->snapshot_id, w[i].path, sizeof(w[i].path))))
            ret = stat(cur->record_dir, &st) < 0 ? -errno : 0;
        if (!ret) w[i].dev = st.st_dev;
        TRACE("snapshot %s -> %s (unsynced): %d\n", debugstr_guid(&recs[i]->snapshot_id), state_name(recs[i]->state),
              ret);
        snapshot_record_free(cur);
        dir_unlock(lock);
    }
    /* Durable: one record on a file system gets an fsync of the file after
     * its rename (btrfs logs a new inode with its names, so the log commit
     * carries the rename too: one log commit instead of a file and a
     * directory fsync); several on one file system share one syncfs. */
    for (i = 0; i < count && !ret; i++)
        for (j = 0; j < count; j++)
            if (w[j].dev == w[i].dev) w[i].on_dev++;
    for (i = 0; i < count && !ret; i++)
    {
        if (w[i].on_dev == 1) ret = state_fsync_path(w[i].path);
        else if (w[i].on_dev > 1)
        {
            ret = state_syncfs(w[i].path);
            for (j = i + 1; j < count; j++)
                if (w[j].dev == w[i].dev) w[j].on_dev = 0;   /* synced with it */
        }
    }
    free(w);
    return ret;
}

int catalogue_set_exposed(struct catalogue *cat, const GUID *snapshot_id, const char *name, const char *path)
{
    struct snapshot_record *cur;
    int lock, ret;

    if (!cat || !snapshot_id) return -EINVAL;
    if ((name && strlen(name) > RECORD_MAX_SIZE / 16) || (path && strlen(path) > RECORD_MAX_SIZE / 16))
        return -EINVAL;
    if ((ret = lock_record(cat, snapshot_id, &lock, &cur))) return ret;
    if (cur->state != RECORD_CREATED) ret = -EBUSY;
    else if (!(ret = snapshot_record_set(&cur->exposed_name, name))
             && !(ret = snapshot_record_set(&cur->exposed_path, path)))
        ret = record_write(cur->record_dir, cur);
    snapshot_record_free(cur);
    dir_unlock(lock);
    return ret;
}

int catalogue_remove(struct catalogue *cat, const GUID *snapshot_id)
{
    struct snapshot_record *cur;
    int lock, ret;

    if (!cat || !snapshot_id) return -EINVAL;
    if ((ret = lock_record(cat, snapshot_id, &lock, &cur))) return ret;
    ret = record_unlink(cur->record_dir, snapshot_id);
    snapshot_record_free(cur);
    dir_unlock(lock);
    return ret;
}

int catalogue_delete(struct catalogue *cat, const GUID *snapshot_id)
{
    struct catalogue_process self;
    struct snapshot_record *cur;
    int lock, ret, exists;

    if (!cat || !snapshot_id) return -EINVAL;
    if (!cat->has_ops) return -EOPNOTSUPP;
    if ((ret = catalogue_process_self(&self))) return ret;

    /* claim it: deleting, worker = us, so that nobody else touches it meanwhile */
    if ((ret = lock_record(cat, snapshot_id, &lock, &cur))) return ret;
    if (cur->state != RECORD_CREATED && catalogue_process_alive(&cur->worker)
        && !(cur->worker.pid == self.pid && cur->worker.start_time == self.start_time))
        ret = -EBUSY;
    else
    {
        cur->state = RECORD_DELETING;
        cur->worker = self;
        ret = record_write(cur->record_dir, cur);
    }
    dir_unlock(lock);
    if (ret) goto done;

    if (cur->provider_data[0])
    {
        unexpose_before_delete(cat, cur);
        ret = cat->ops.remove(cat->ops.ctx, cur->record_dir, &cur->provider_id, cur->provider_data);
        if (ret == -ENOENT) ret = 0;
        if (ret)
        {
            WARN("cannot delete snapshot %s: %s\n", debugstr_guid(snapshot_id), strerror(-ret));
            exists = cat->ops.exists(cat->ops.ctx, cur->record_dir, &cur->provider_id, cur->provider_data);
            if (exists > 0)
            {
                /* still whole and usable: it stays a created snapshot */
                if ((lock = dir_lock(cur->record_dir)) >= 0)
                {
                    cur->state = RECORD_CREATED;
                    record_write(cur->record_dir, cur);
                    dir_unlock(lock);
                }
            }
            goto done;
        }
    }
    if ((lock = dir_lock(cur->record_dir)) < 0)
    {
        ret = lock;
        goto done;
    }
    ret = record_unlink(cur->record_dir, snapshot_id);
    if (ret == -ENOENT) ret = 0;
    dir_unlock(lock);
    TRACE("snapshot %s deleted: %d\n", debugstr_guid(snapshot_id), ret);
done:
    snapshot_record_free(cur);
    return ret;
}

static int record_matches(const struct snapshot_record *rec, const struct catalogue_filter *f)
{
    if (!f) return rec->state == RECORD_CREATED;
    if (!f->all_states && rec->state != RECORD_CREATED) return 0;
    if (f->snapshot_id && !IsEqualGUID(f->snapshot_id, &rec->snapshot_id)) return 0;
    if (f->set_id && !IsEqualGUID(f->set_id, &rec->set_id)) return 0;
    if (f->context != CATALOGUE_CTX_ALL && f->context != rec->context) return 0;
    if (f->volume && strcasecmp(f->volume, rec->original_volume_name) && strcmp(f->volume, rec->original_volume_root))
        return 0;
    return 1;
}

static int record_order(const void *a, const void *b)
{
    const struct snapshot_record *ra = *(const struct snapshot_record *const *)a;
    const struct snapshot_record *rb = *(const struct snapshot_record *const *)b;

    if (ra->creation_time != rb->creation_time) return ra->creation_time < rb->creation_time ? -1 : 1;
    return memcmp(&ra->snapshot_id, &rb->snapshot_id, sizeof(GUID));
}

int catalogue_query(struct catalogue *cat, const struct catalogue_filter *filter,
                    struct snapshot_record ***recs, size_t *count)
{
    struct snapshot_record **list = NULL;
    struct dir_list l;
    size_t n = 0, cap = 0, i;
    int ret;

    if (!cat || !recs || !count) return -EINVAL;
    *recs = NULL;
    *count = 0;
    if ((ret = catalogue_dirs(cat, &l))) return ret;
    for (i = 0; i < l.count && !ret; i++)
    {
        struct dirent *de;
        DIR *d = opendir(l.dirs[i]);

        if (!d) continue;
        while ((de = readdir(d)))
        {
            struct snapshot_record *rec;
            GUID id;

            if (!is_record_name(de->d_name, &id)) continue;
            if (filter && filter->snapshot_id && !IsEqualGUID(filter->snapshot_id, &id)) continue;
            if (record_read(l.dirs[i], de->d_name, &rec))
            {
                TRACE("skipping %s/%s\n", l.dirs[i], de->d_name);
                continue;
            }
            if (!record_matches(rec, filter))
            {
                snapshot_record_free(rec);
                continue;
            }
            if (n == cap)
            {
                struct snapshot_record **grown = realloc(list, (cap ? cap * 2 : 16) * sizeof(*grown));
                if (!grown)
                {
                    snapshot_record_free(rec);
                    ret = -ENOMEM;
                    break;
                }
                list = grown;
                cap = cap ? cap * 2 : 16;
            }
            list[n++] = rec;
        }
        closedir(d);
    }
    dir_list_free(&l);
    if (ret)
    {
        catalogue_records_free(list, n);
        return ret;
    }
    if (n) qsort(list, n, sizeof(*list), record_order);
    *recs = list;
    *count = n;
    return 0;
}

void catalogue_records_free(struct snapshot_record **recs, size_t count)
{
    size_t i;

    if (!recs) return;
    for (i = 0; i < count; i++) snapshot_record_free(recs[i]);
    free(recs);
}
