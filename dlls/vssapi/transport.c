/*
 * transport.c: rendezvous directory, Unix stream sockets, peer credentials and
 * length-prefixed frames with deadlines (contract in transport.h).  Nothing here
 * knows what a message means.  All sockets are non-blocking; the "blocking"
 * frame calls wait in poll() with a deadline, so no call can hang forever.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include "umbra/debug.h"
#include "config.h"
#include "transport.h"
#include "wire.h"

_Static_assert(TRANSPORT_MAX_FRAME == WIRE_MAX_BODY, "frame and body limits agree");
_Static_assert(TRANSPORT_MIN_FRAME == WIRE_HEADER_SIZE, "a frame holds at least a header");

int64_t transport_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Remaining milliseconds until deadline for poll(): -1 means no deadline. */
static int remaining_ms(int64_t deadline)
{
    int64_t left;

    if (deadline < 0) return -1;
    left = deadline - transport_now_ms();
    if (left <= 0) return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static int64_t deadline_after(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : transport_now_ms() + timeout_ms;
}

/* Wait for events on fd until the deadline: 0 ready, -ETIMEDOUT, -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    for (;;)
    {
        int ms = remaining_ms(deadline), ret;

        if (deadline >= 0 && !ms) return -ETIMEDOUT;
        ret = poll(&pfd, 1, ms);
        if (ret > 0) return 0;
        if (!ret) return -ETIMEDOUT;
        if (errno != EINTR) return -errno;
    }
}

int transport_runtime_dir(char *buf, size_t size)
{
    const char *dir = config_get()->runtime_dir;

    if (!dir || !*dir) return -ENOENT;
    if (strlen(dir) >= size) return -ENAMETOOLONG;
    strcpy(buf, dir);
    return 0;
}

int transport_ensure_dir(const char *dir)
{
    char path[TRANSPORT_PATH_MAX];
    mode_t mode = geteuid() == 0 ? 0755 : 0700;
    size_t len = strlen(dir);
    struct stat st;

    if (!len || len >= sizeof(path)) return -EINVAL;
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; ; p++)
    {
        if (*p != '/' && *p) continue;
        char saved = *p;
        *p = 0;
        if (mkdir(path, mode) && errno != EEXIST)
        {
            int err = -errno;
            WARN("cannot create %s: %s\n", path, strerror(errno));
            return err;
        }
        *p = saved;
        if (!saved) break;
    }
    if (stat(dir, &st)) return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static void guid_hex(const GUID *id, char *out)
{
    sprintf(out, "%08x%04x%04x%02x%02x%02x%02x%02x%02x%02x%02x", id->Data1, id->Data2, id->Data3,
            id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3], id->Data4[4], id->Data4[5],
            id->Data4[6], id->Data4[7]);
}

static int parse_hex(const char *s, unsigned int digits, unsigned long *out)
{
    unsigned long v = 0;

    for (unsigned int i = 0; i < digits; i++)
    {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return -EINVAL;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static int guid_unhex(const char *s, GUID *id)
{
    unsigned long v;

    if (parse_hex(s, 8, &v)) return -EINVAL;
    id->Data1 = v;
    if (parse_hex(s + 8, 4, &v)) return -EINVAL;
    id->Data2 = v;
    if (parse_hex(s + 12, 4, &v)) return -EINVAL;
    id->Data3 = v;
    for (int i = 0; i < 8; i++)
    {
        if (parse_hex(s + 16 + 2 * i, 2, &v)) return -EINVAL;
        id->Data4[i] = v;
    }
    return 0;
}

void transport_writer_socket_name(const GUID *class_id, const GUID *instance_id, char *buf, size_t size)
{
    char a[33], b[33];

    guid_hex(class_id, a);
    guid_hex(instance_id, b);
    snprintf(buf, size, "w-%s-%s.sock", a, b);
}

int transport_parse_writer_socket_name(const char *name, GUID *class_id, GUID *instance_id)
{
    /* "w-" 32 "-" 32 ".sock" */
    if (strlen(name) != 2 + 32 + 1 + 32 + 5 || strncmp(name, "w-", 2) || name[34] != '-'
        || strcmp(name + 67, ".sock"))
        return -EINVAL;
    if (guid_unhex(name + 2, class_id) || guid_unhex(name + 35, instance_id)) return -EINVAL;
    return 0;
}

/* A socket address for dir/name.  sun_path holds 107 bytes; a longer path is
 * reached through /proc/self/fd/<dirfd>/name, which the kernel resolves. */
struct sock_path
{
    struct sockaddr_un addr;
    socklen_t len;
    int dirfd;
};

static int sock_path_init(struct sock_path *sp, const char *dir, const char *name)
{
    int n;

    memset(sp, 0, sizeof(*sp));
    sp->addr.sun_family = AF_UNIX;
    if (strchr(name, '/') || !*name) return -EINVAL;
    sp->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (sp->dirfd < 0) return -errno;
    n = snprintf(sp->addr.sun_path, sizeof(sp->addr.sun_path), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(sp->addr.sun_path))
        n = snprintf(sp->addr.sun_path, sizeof(sp->addr.sun_path), "/proc/self/fd/%d/%s", sp->dirfd, name);
    if (n < 0 || (size_t)n >= sizeof(sp->addr.sun_path))
    {
        close(sp->dirfd);
        return -ENAMETOOLONG;
    }
    sp->len = offsetof(struct sockaddr_un, sun_path) + n + 1;
    return 0;
}

static void sock_path_done(struct sock_path *sp)
{
    if (sp->dirfd >= 0) close(sp->dirfd);
    sp->dirfd = -1;
}

static int connect_path(const struct sock_path *sp, int timeout_ms)
{
    int64_t deadline = deadline_after(timeout_ms);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0) return -errno;
    for (;;)
    {
        struct timespec pause = { 0, 2 * 1000 * 1000 };

        if (!connect(fd, (const struct sockaddr *)&sp->addr, sp->len)) return fd;
        if (errno == EINTR) continue;
        /* EAGAIN: the listener's backlog is full; it drains, so try again */
        if (errno != EAGAIN || (deadline >= 0 && !remaining_ms(deadline))) break;
        nanosleep(&pause, NULL);
    }
    {
        int err = errno == EAGAIN ? -ETIMEDOUT : -errno;
        close(fd);
        return err;
    }
}

int transport_connect(const char *dir, const char *name, int timeout_ms)
{
    struct sock_path sp;
    int ret = sock_path_init(&sp, dir, name);

    if (ret) return ret;
    ret = connect_path(&sp, timeout_ms);
    sock_path_done(&sp);
    return ret;
}

int transport_listen(const char *dir, const char *name)
{
    static unsigned int counter;
    char tmpname[64];
    struct sock_path sp, tmp;
    int fd = -1, ret;

    if ((ret = sock_path_init(&sp, dir, name))) return ret;

    /* someone already serving this name keeps it; a dead socket is replaced */
    ret = connect_path(&sp, 1000);
    if (ret >= 0)
    {
        close(ret);
        ret = -EADDRINUSE;
        goto done;
    }

    snprintf(tmpname, sizeof(tmpname), ".tmp-%d-%u.sock", (int)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    if ((ret = sock_path_init(&tmp, dir, tmpname))) goto done;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
    {
        ret = -errno;
        sock_path_done(&tmp);
        goto done;
    }
    unlinkat(tmp.dirfd, tmpname, 0);
    if (bind(fd, (const struct sockaddr *)&tmp.addr, tmp.len) || fchmodat(tmp.dirfd, tmpname, 0666, 0)
        || listen(fd, SOMAXCONN) || renameat(tmp.dirfd, tmpname, sp.dirfd, name))
    {
        ret = -errno;
        WARN("cannot listen on %s/%s: %s\n", dir, name, strerror(errno));
        unlinkat(tmp.dirfd, tmpname, 0);
        close(fd);
        fd = -1;
    }
    else ret = 0;
    sock_path_done(&tmp);

done:
    sock_path_done(&sp);
    return ret < 0 ? ret : fd;
}

int transport_unlink(const char *dir, const char *name)
{
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), ret = 0;

    if (dirfd < 0) return -errno;
    if (strchr(name, '/')) ret = -EINVAL;
    else if (unlinkat(dirfd, name, 0) && errno != ENOENT) ret = -errno;
    close(dirfd);
    return ret;
}

int transport_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) return -errno;
    if (pid) *pid = cred.pid;
    if (uid) *uid = cred.uid;
    if (gid) *gid = cred.gid;
    return 0;
}

int transport_peer_allowed(int fd, uid_t owner)
{
    pid_t pid = 0;
    uid_t uid = (uid_t)-1;
    int ret = transport_peer_cred(fd, &pid, &uid, NULL);

    if (ret) return ret;
    if (uid == 0 || uid == owner) return 0;
    WARN("refused peer pid %d uid %u: only root or uid %u may send events here\n", (int)pid,
         (unsigned int)uid, (unsigned int)owner);
    return -EACCES;
}

int transport_set_nonblock(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) return -errno;
    flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    return fcntl(fd, F_SETFL, flags) ? -errno : 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = v >> 24;
}

/* Send the unsent part of head+body once; returns bytes sent, 0 on EAGAIN, -errno. */
static ssize_t send_some(int fd, const uint8_t *head, const uint8_t *body, size_t len, size_t sent)
{
    struct iovec iov[2];
    struct msghdr msg = { .msg_iov = iov };
    ssize_t n;

    if (sent < 4)
    {
        iov[msg.msg_iovlen].iov_base = (void *)(head + sent);
        iov[msg.msg_iovlen++].iov_len = 4 - sent;
        if (len)
        {
            iov[msg.msg_iovlen].iov_base = (void *)body;
            iov[msg.msg_iovlen++].iov_len = len;
        }
    }
    else
    {
        iov[msg.msg_iovlen].iov_base = (void *)(body + (sent - 4));
        iov[msg.msg_iovlen++].iov_len = len - (sent - 4);
    }
    for (;;)
    {
        n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -errno;
    }
}

int transport_send_frame(int fd, const void *body, size_t len, int timeout_ms)
{
    int64_t deadline = deadline_after(timeout_ms);
    uint8_t head[4];
    size_t sent = 0;

    if (len < TRANSPORT_MIN_FRAME || len > TRANSPORT_MAX_FRAME) return -EMSGSIZE;
    put32(head, (uint32_t)len);
    while (sent < len + 4)
    {
        ssize_t n = send_some(fd, head, body, len, sent);
        int ret;

        if (n < 0) return (int)n;
        sent += n;
        if (!n && (ret = wait_fd(fd, POLLOUT, deadline))) return ret;
    }
    return 0;
}

/* Read exactly size bytes: -ECONNRESET if the stream ends before any, -EPIPE inside. */
static int recv_exact(int fd, uint8_t *buf, size_t size, int64_t deadline, int inside)
{
    size_t got = 0;

    while (got < size)
    {
        ssize_t n = recv(fd, buf + got, size - got, MSG_DONTWAIT);
        int ret;

        if (n > 0) { got += n; continue; }
        if (!n) return got || inside ? -EPIPE : -ECONNRESET;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        if ((ret = wait_fd(fd, POLLIN, deadline))) return ret;
    }
    return 0;
}

int transport_recv_frame(int fd, void **body, size_t *len, int timeout_ms)
{
    int64_t deadline = deadline_after(timeout_ms);
    uint8_t head[4], *buf;
    uint32_t size;
    int ret;

    *body = NULL;
    *len = 0;
    if ((ret = recv_exact(fd, head, 4, deadline, 0))) return ret;
    size = get32(head);
    if (size < TRANSPORT_MIN_FRAME || size > TRANSPORT_MAX_FRAME) return -EMSGSIZE;
    if (!(buf = malloc(size))) return -ENOMEM;
    if ((ret = recv_exact(fd, buf, size, deadline, 1)))
    {
        free(buf);
        return ret;
    }
    *body = buf;
    *len = size;
    return 0;
}

void frame_reader_reset(struct frame_reader *r)
{
    free(r->body);
    memset(r, 0, sizeof(*r));
}

int frame_reader_partial(const struct frame_reader *r)
{
    return r->head_got > 0;
}

int frame_reader_feed(struct frame_reader *r, int fd)
{
    for (;;)
    {
        uint8_t *dst;
        size_t want;
        ssize_t n;

        if (r->head_got < 4)
        {
            dst = r->head + r->head_got;
            want = 4 - r->head_got;
        }
        else
        {
            if (r->body_got == r->body_len) return 1;
            /* grow the buffer with the data actually received, so that a peer
             * announcing 64 MiB and sending nothing costs nothing */
            if (r->body_got == r->body_cap)
            {
                size_t cap = r->body_cap ? r->body_cap * 2 : 64 * 1024;
                uint8_t *n;

                if (cap > r->body_len) cap = r->body_len;
                if (!(n = realloc(r->body, cap))) return -ENOMEM;
                r->body = n;
                r->body_cap = cap;
            }
            dst = r->body + r->body_got;
            want = r->body_cap - r->body_got;
        }
        n = recv(fd, dst, want, MSG_DONTWAIT);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            return -errno;
        }
        if (!n) return r->head_got ? -EPIPE : -ECONNRESET;
        if (r->head_got < 4)
        {
            r->head_got += n;
            if (r->head_got == 4)
            {
                uint32_t size = get32(r->head);
                if (size < TRANSPORT_MIN_FRAME || size > TRANSPORT_MAX_FRAME) return -EMSGSIZE;
                r->body_len = size;
            }
        }
        else r->body_got += n;
    }
}

void frame_reader_take(struct frame_reader *r, void **body, size_t *len)
{
    *body = r->body;
    *len = r->body_len;
    memset(r, 0, sizeof(*r));
}

void frame_writer_init(struct frame_writer *w)
{
    w->first = NULL;
    w->last = &w->first;
}

int frame_writer_push(struct frame_writer *w, void *body, size_t len)
{
    struct frame_out *out;

    if (len < TRANSPORT_MIN_FRAME || len > TRANSPORT_MAX_FRAME)
    {
        free(body);
        return -EMSGSIZE;
    }
    if (!(out = calloc(1, sizeof(*out))))
    {
        free(body);
        return -ENOMEM;
    }
    put32(out->head, (uint32_t)len);
    out->body = body;
    out->len = len;
    *w->last = out;
    w->last = &out->next;
    return 0;
}

int frame_writer_flush(struct frame_writer *w, int fd)
{
    while (w->first)
    {
        struct frame_out *out = w->first;
        ssize_t n = send_some(fd, out->head, out->body, out->len, out->sent);

        if (n < 0) return (int)n;
        if (!n) return 1;
        out->sent += n;
        if (out->sent < out->len + 4) continue;
        w->first = out->next;
        if (!w->first) w->last = &w->first;
        free(out->body);
        free(out);
    }
    return 0;
}

int frame_writer_pending(const struct frame_writer *w)
{
    return w->first != NULL;
}

void frame_writer_clear(struct frame_writer *w)
{
    while (w->first)
    {
        struct frame_out *out = w->first;
        w->first = out->next;
        free(out->body);
        free(out);
    }
    w->last = &w->first;
}
