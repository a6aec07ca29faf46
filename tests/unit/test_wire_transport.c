/*
 * test_wire_transport.c: the frames under the wire messages
 * (dlls/vssapi/transport.c): lengths out of bounds, frames cut short, peers
 * that vanish, incremental assembly one byte at a time, large frames through a
 * small socket buffer, writer socket names, listening and connecting (also
 * from a directory too long for sun_path), stale sockets and credentials.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <windows.h>
#include "transport.h"
#include "harness.h"

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}

static void make_pair(int fds[2])
{
    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds), 0);
}

static void test_names(void)
{
    static const GUID a = { 0x01234567, 0x89ab, 0xcdef, { 0, 1, 2, 3, 4, 5, 6, 7 } };
    static const GUID b = { 0xfedcba98, 0x7654, 0x3210, { 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88 } };
    char name[TRANSPORT_NAME_MAX];
    GUID x, y;

    transport_writer_socket_name(&a, &b, name, sizeof(name));
    CU_ASSERT_STRING_EQUAL(name, "w-0123456789abcdef0001020304050607-fedcba9876543210ffeeddccbbaa9988.sock");
    CU_ASSERT_EQUAL(transport_parse_writer_socket_name(name, &x, &y), 0);
    CU_ASSERT(IsEqualGUID(&x, &a) && IsEqualGUID(&y, &b));
    /* anything else in the directory is not a writer */
    CU_ASSERT_EQUAL(transport_parse_writer_socket_name("w-0123.sock", &x, &y), -EINVAL);
    CU_ASSERT_EQUAL(transport_parse_writer_socket_name(
                        "w-0123456789abcdef0001020304050607-fedcba9876543210ffeeddccbbaa9988.sockx", &x, &y), -EINVAL);
    CU_ASSERT_EQUAL(transport_parse_writer_socket_name(
                        "w-0123456789ABCDEF0001020304050607-fedcba9876543210ffeeddccbbaa9988.sock", &x, &y), -EINVAL);
    CU_ASSERT_EQUAL(transport_parse_writer_socket_name(
                        "x-0123456789abcdef0001020304050607-fedcba9876543210ffeeddccbbaa9988.sock", &x, &y), -EINVAL);
    CU_ASSERT_EQUAL(transport_parse_writer_socket_name(
                        ".tmp-12-0.sock", &x, &y), -EINVAL);
}

static void test_frames(void)
{
    unsigned char body[64], head[8];
    void *got;
    size_t len;
    int fds[2];

    make_pair(fds);
    memset(body, 7, sizeof(body));
    CU_ASSERT_EQUAL(transport_send_frame(fds[0], body, sizeof(body), 1000), 0);
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 1000), 0);
    CU_ASSERT_EQUAL(len, sizeof(body));
    CU_ASSERT(got && !memcmp(got, body, sizeof(body)));
    free(got);

    /* bodies out of bounds are not sent */
    CU_ASSERT_EQUAL(transport_send_frame(fds[0], body, 15, 1000), -EMSGSIZE);
    CU_ASSERT_EQUAL(transport_send_frame(fds[0], body, TRANSPORT_MAX_FRAME + 1, 1000), -EMSGSIZE);

    /* nothing arrives: a deadline, not a hang */
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 50), -ETIMEDOUT);
    CU_ASSERT_PTR_NULL(got);

    /* lengths out of bounds are refused before anything is allocated */
    put_le32(head, TRANSPORT_MAX_FRAME + 1);
    CU_ASSERT_EQUAL(write(fds[0], head, 4), 4);
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 1000), -EMSGSIZE);
    put_le32(head, 0xffffffffu);
    CU_ASSERT_EQUAL(write(fds[0], head, 4), 4);
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 1000), -EMSGSIZE);
    put_le32(head, 15);
    CU_ASSERT_EQUAL(write(fds[0], head, 4), 4);
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 1000), -EMSGSIZE);

    /* a frame cut short by the peer going away, then the clean end */
    put_le32(head, 100);
    memset(head + 4, 1, 4);
    CU_ASSERT_EQUAL(write(fds[0], head, 8), 8);
    close(fds[0]);
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 1000), -EPIPE);
    CU_ASSERT_EQUAL(transport_recv_frame(fds[1], &got, &len, 1000), -ECONNRESET);
    /* writing to a vanished peer is an error, not SIGPIPE */
    CU_ASSERT(transport_send_frame(fds[1], body, sizeof(body), 1000) < 0);
    close(fds[1]);
}

static void test_reader_byte_by_byte(void)
{
    struct frame_reader r = { 0 };
    unsigned char frame[4 + 40];
    void *got;
    size_t len;
    int fds[2];

    make_pair(fds);
    put_le32(frame, 40);
    for (int i = 0; i < 40; i++) frame[4 + i] = (unsigned char)i;
    for (size_t i = 0; i < sizeof(frame); i++)
    {
        CU_ASSERT_EQUAL(frame_reader_feed(&r, fds[1]), 0);
        CU_ASSERT_EQUAL(frame_reader_partial(&r), i > 0);
        CU_ASSERT_EQUAL(write(fds[0], frame + i, 1), 1);
    }
    CU_ASSERT_EQUAL(frame_reader_feed(&r, fds[1]), 1);
    frame_reader_take(&r, &got, &len);
    CU_ASSERT_EQUAL(len, 40);
    CU_ASSERT(!memcmp(got, frame + 4, 40));
    free(got);
    CU_ASSERT_EQUAL(frame_reader_partial(&r), 0);

    /* a bad length is reported as soon as the four bytes are in */
    put_le32(frame, 3);
    CU_ASSERT_EQUAL(write(fds[0], frame, 4), 4);
    CU_ASSERT_EQUAL(frame_reader_feed(&r, fds[1]), -EMSGSIZE);
    frame_reader_reset(&r);

    /* the end of the stream, inside a frame and between frames */
    put_le32(frame, 40);
    CU_ASSERT_EQUAL(write(fds[0], frame, 10), 10);
    close(fds[0]);
    CU_ASSERT_EQUAL(frame_reader_feed(&r, fds[1]), -EPIPE);
    frame_reader_reset(&r);
    CU_ASSERT_EQUAL(frame_reader_feed(&r, fds[1]), -ECONNRESET);
    frame_reader_reset(&r);
    close(fds[1]);
}

/* A big frame through a socket buffer much smaller than it: the writer queue
 * and the reader take turns without blocking. */
static void test_large_frame(void)
{
    size_t size = 8u << 20, len = 0;
    struct frame_writer w;
    struct frame_reader r = { 0 };
    unsigned char *body = malloc(size);
    void *got = NULL;
    int fds[2], wret = 1, rret = 0, rounds = 0;
    int sndbuf = 64 * 1024;

    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    for (size_t i = 0; i < size; i++) body[i] = (unsigned char)(i * 31);
    make_pair(fds);
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    frame_writer_init(&w);
    {
        unsigned char *copy = malloc(size);
        memcpy(copy, body, size);
        CU_ASSERT_EQUAL_FATAL(frame_writer_push(&w, copy, size), 0);
    }
    while ((wret == 1 || rret == 0) && rounds++ < 100000)
    {
        if (wret == 1) wret = frame_writer_flush(&w, fds[0]);
        if (rret == 0) rret = frame_reader_feed(&r, fds[1]);
        CU_ASSERT(wret >= 0 && rret >= 0);
        if (wret < 0 || rret < 0) break;
    }
    CU_ASSERT_EQUAL(wret, 0);
    CU_ASSERT_EQUAL(rret, 1);
    CU_ASSERT(rounds > 2);   /* it did not fit at once */
    frame_reader_take(&r, &got, &len);
    CU_ASSERT_EQUAL(len, size);
    CU_ASSERT(got && !memcmp(got, body, size));
    CU_ASSERT_EQUAL(frame_writer_pending(&w), 0);
    free(got);
    free(body);
    frame_writer_clear(&w);
    frame_reader_reset(&r);
    close(fds[0]);
    close(fds[1]);
}

static void test_listen_connect(void)
{
    char dir[4096], name[TRANSPORT_NAME_MAX] = "w-test.sock";
    int lfd, lfd2, cfd, afd;
    pid_t pid;
    uid_t uid;
    struct stat st;

    snprintf(dir, sizeof(dir), "%s/rendezvous/deeper", umbra_test_tmpdir());
    CU_ASSERT_EQUAL(transport_ensure_dir(dir), 0);
    CU_ASSERT_EQUAL(stat(dir, &st), 0);
    CU_ASSERT(S_ISDIR(st.st_mode));

    CU_ASSERT_EQUAL(transport_connect(dir, name, 100), -ENOENT);
    lfd = transport_listen(dir, name);
    CU_ASSERT_FATAL(lfd >= 0);
    /* the file others connect to: a socket anyone may reach (the check is SO_PEERCRED) */
    {
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT(S_ISSOCK(st.st_mode));
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0666);
    }
    /* a live name is not taken over */
    CU_ASSERT_EQUAL(transport_listen(dir, name), -EADDRINUSE);

    cfd = transport_connect(dir, name, 1000);
    CU_ASSERT_FATAL(cfd >= 0);
    for (int i = 0; i < 100 && (afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0; i++) usleep(1000);
    CU_ASSERT_FATAL(afd >= 0);
    CU_ASSERT_EQUAL(transport_peer_cred(afd, &pid, &uid, NULL), 0);
    CU_ASSERT_EQUAL(pid, getpid());
    CU_ASSERT_EQUAL(uid, geteuid());
    CU_ASSERT_EQUAL(transport_peer_allowed(afd, geteuid()), 0);
    /* root may reach anyone's writer */
    if (!geteuid()) CU_ASSERT_EQUAL(transport_peer_allowed(afd, 12345), 0);
    close(afd);
    close(cfd);

    /* a listener that died without removing its name: refused, then replaced */
    close(lfd);
    CU_ASSERT_EQUAL(transport_connect(dir, name, 100), -ECONNREFUSED);
    lfd2 = transport_listen(dir, name);
    CU_ASSERT(lfd2 >= 0);
    cfd = transport_connect(dir, name, 1000);
    CU_ASSERT(cfd >= 0);
    close(cfd);
    close(lfd2);
    CU_ASSERT_EQUAL(transport_unlink(dir, name), 0);
    CU_ASSERT_EQUAL(transport_unlink(dir, name), 0);   /* gone already: fine */
    CU_ASSERT_EQUAL(transport_unlink(dir, "../escape"), -EINVAL);
    CU_ASSERT_EQUAL(transport_listen(dir, "a/b"), -EINVAL);
}

/* sun_path holds 107 bytes; a deeper rendezvous directory still works. */
static void test_long_directory(void)
{
    char dir[4096];
    int lfd, cfd;

    snprintf(dir, sizeof(dir), "%s/a-directory-name-long-enough-to-push-the-socket-path/past-the-one-hundred-"
             "and-seven-bytes-of-sun_path", umbra_test_tmpdir());
    CU_ASSERT_FATAL(strlen(dir) + 80 > 108);
    CU_ASSERT_EQUAL_FATAL(transport_ensure_dir(dir), 0);
    lfd = transport_listen(dir, "w-0123456789abcdef0001020304050607-fedcba9876543210ffeeddccbbaa9988.sock");
    CU_ASSERT_FATAL(lfd >= 0);
    cfd = transport_connect(dir, "w-0123456789abcdef0001020304050607-fedcba9876543210ffeeddccbbaa9988.sock", 1000);
    CU_ASSERT(cfd >= 0);
    if (cfd >= 0) close(cfd);
    close(lfd);
}

static CU_TestInfo transport_tests[] =
{
    { "writer socket names", test_names },
    { "frames and their bounds", test_frames },
    { "incremental reader", test_reader_byte_by_byte },
    { "large frame through a small buffer", test_large_frame },
    { "listen, connect, credentials", test_listen_connect },
    { "long rendezvous directory", test_long_directory },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(transport, NULL, NULL, transport_tests);
