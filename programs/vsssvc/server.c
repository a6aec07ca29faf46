/*
 * server.c: vsssvc's main loop (server.h).
 *
 * The main thread owns the listening socket, the signals (through a
 * signalfd) and the list of connections; each connection is served on its
 * own thread, which says it is done through a pipe so that the main thread
 * reaps it and restarts the idle clock when the last one goes.  Stopping
 * shuts every connection down, which ends its session as if its requester
 * had gone (service_server.h), and waits for the threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include "access.h"
#include "log.h"
#include "sd.h"
#include "server.h"

struct connection
{
    struct connection *next;
    int fd;
    pthread_t thread;
    struct umbra_service_peer peer;
    enum umbra_service_end end;
    int done;                   /* set by the thread when its session is over */
    int wake_fd;
};

struct server
{
    const struct server_options *options;
    struct svc_conf conf;
    struct access_policy policy;
    int listen_fd;
    int activated;              /* the socket is systemd's: leave its name alone */
    int signal_fd;
    int wake[2];
    struct connection *connections;
    unsigned int active;
    int64_t idle_since;         /* ms, when the last connection went */
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *connection_thread(void *arg)
{
    struct connection *c = arg;

    c->end = umbra_service_serve(c->fd, &c->peer);
    __atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
    if (write(c->wake_fd, "x", 1) < 0) { /* the main loop polls the flag anyway */ }
    return NULL;
}

static void set_policy(struct server *srv)
{
    if (access_policy_init(&srv->policy, srv->conf.group))
        log_msg(LOG_WARNING, "there is no group \"%s\": only root may use the service", srv->conf.group);
}

static void accept_connections(struct server *srv)
{
    for (;;)
    {
        struct connection *c;
        int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC), ret;

        if (fd < 0)
        {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
                log_msg(LOG_ERR, "accept: %s", strerror(errno));
            return;
        }
        if (!(c = calloc(1, sizeof(*c))))
        {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->wake_fd = srv->wake[1];
        if ((ret = access_judge(&srv->policy, fd, &c->peer)))
            log_msg(LOG_WARNING, "cannot read the credentials of a requester: %s", strerror(-ret));
        else if (!c->peer.allowed)
            log_msg(LOG_NOTICE, "refused pid %d (uid %u): neither root nor in group %s", (int)c->peer.pid,
                    (unsigned int)c->peer.uid, srv->conf.group);
        if (srv->active >= srv->conf.max_sessions)
        {
            log_msg(LOG_WARNING, "refused pid %d: %u requesters are served already", (int)c->peer.pid,
                    srv->active);
            close(fd);
            free(c);
            continue;
        }
        /* a refused peer is still answered (E_ACCESSDENIED) by its session */
        if ((ret = pthread_create(&c->thread, NULL, connection_thread, c)))
        {
            log_msg(LOG_ERR, "cannot start a thread for pid %d: %s", (int)c->peer.pid, strerror(ret));
            close(fd);
            free(c);
            continue;
        }
        c->next = srv->connections;
        srv->connections = c;
        srv->active++;
    }
}

/* Join the threads whose sessions are over. */
static void reap_connections(struct server *srv)
{
    struct connection **p = &srv->connections;
    char buf[64];

    while (read(srv->wake[0], buf, sizeof(buf)) > 0) ;
    while (*p)
    {
        struct connection *c = *p;

        if (!__atomic_load_n(&c->done, __ATOMIC_SEQ_CST))
        {
            p = &c->next;
            continue;
        }
        pthread_join(c->thread, NULL);
        if (c->end == UMBRA_SERVICE_ABANDONED)
            log_msg(LOG_NOTICE, "pid %d (uid %u) went away holding its requester object: its auto-release "
                    "snapshots are deleted and its writers told", (int)c->peer.pid, (unsigned int)c->peer.uid);
        else if (c->end == UMBRA_SERVICE_REFUSED)
            log_msg(LOG_WARNING, "dropped pid %d (uid %u): it broke the protocol", (int)c->peer.pid,
                    (unsigned int)c->peer.uid);
        close(c->fd);
        *p = c->next;
        free(c);
        if (!--srv->active) srv->idle_since = now_ms();
    }
}

static void stop_connections(struct server *srv)
{
    for (struct connection *c = srv->connections; c; c = c->next) shutdown(c->fd, SHUT_RDWR);
    while (srv->connections)
    {
        struct connection *c = srv->connections;

        pthread_join(c->thread, NULL);
        close(c->fd);
        srv->connections = c->next;
        free(c);
    }
    srv->active = 0;
}

static void reload(struct server *srv)
{
    struct svc_conf conf = srv->options->conf;
    char err[512];

    /* the command line's idle timeout is kept; the file says the rest */
    if (srv->options->conf_path && conf_load(srv->options->conf_path, &conf, err, sizeof(err)))
    {
        log_msg(LOG_ERR, "keeping the settings in force: %s", err);
        return;
    }
    conf.idle_timeout = srv->conf.idle_timeout;
    srv->conf = conf;
    set_policy(srv);
    log_msg(LOG_INFO, "settings read again: group %s, at most %u requesters", srv->conf.group,
            srv->conf.max_sessions);
}

static int open_listener(struct server *srv)
{
    struct umbra_service_paths paths;
    int fd = sd_listening_socket();

    umbra_service_paths(&paths);
    if (fd >= 0)
    {
        srv->activated = 1;
        log_msg(LOG_INFO, "serving the socket systemd passed");
    }
    else if (fd == -ENOENT)
    {
        if ((fd = umbra_service_listen()) < 0)
        {
            log_msg(LOG_ERR, "cannot listen on %s/vsssvc.sock: %s", paths.runtime_dir,
                    fd == -EADDRINUSE ? "another service answers there" : strerror(-fd));
            return -1;
        }
        log_msg(LOG_INFO, "listening on %s/vsssvc.sock", paths.runtime_dir);
    }
    else
    {
        log_msg(LOG_ERR, "the sockets systemd passed are not one listening stream socket");
        return -1;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
    {
        close(fd);
        return -1;
    }
    srv->listen_fd = fd;
    return 0;
}

int server_run(const struct server_options *options)
{
    struct server srv;
    sigset_t signals;
    int thawed, status = 1;

    memset(&srv, 0, sizeof(srv));
    srv.options = options;
    srv.conf = options->conf;
    srv.listen_fd = srv.signal_fd = srv.wake[0] = srv.wake[1] = -1;
    set_policy(&srv);

    /* signals are taken by the main loop only: every thread inherits the block */
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((srv.signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK)) < 0
        || pipe2(srv.wake, O_CLOEXEC | O_NONBLOCK))
    {
        log_msg(LOG_ERR, "cannot set up the main loop: %s", strerror(errno));
        goto done;
    }
    if (open_listener(&srv)) goto done;

    /* what a killed service or requester left: frozen file systems, half-made
     * snapshots, auto-release snapshots of owners that are gone */
    if ((thawed = umbra_service_recover()) > 0)
        log_msg(LOG_WARNING, "thawed %d file system%s left frozen by a process that died", thawed,
                thawed == 1 ? "" : "s");

    if (options->ready_fd >= 0)
    {
        if (write(options->ready_fd, "ready\n", 6) != 6) log_msg(LOG_WARNING, "cannot say ready: %s", strerror(errno));
        close(options->ready_fd);
    }
    sd_notify_state("READY=1");
    log_msg(LOG_INFO, "ready: group %s, idle timeout %s%u s", srv.conf.group, options->idle_exit ? "" : "(off) ",
            srv.conf.idle_timeout);

    srv.idle_since = now_ms();
    for (;;)
    {
        struct pollfd pfds[3] =
        {
            { .fd = srv.listen_fd, .events = POLLIN },
            { .fd = srv.signal_fd, .events = POLLIN },
            { .fd = srv.wake[0], .events = POLLIN },
        };
        int timeout = -1, ret;

        reap_connections(&srv);
        if (options->idle_exit && !srv.active)
        {
            int64_t left = srv.idle_since + (int64_t)srv.conf.idle_timeout * 1000 - now_ms();

            if (left <= 0)
            {
                log_msg(LOG_INFO, "no requester for %u s: exiting", srv.conf.idle_timeout);
                break;
            }
            timeout = left > 60000 ? 60000 : (int)left;
        }
        ret = poll(pfds, 3, timeout);
        if (ret < 0 && errno != EINTR)
        {
            log_msg(LOG_ERR, "poll: %s", strerror(errno));
            break;
        }
        if (ret <= 0) continue;
        if (pfds[1].revents & POLLIN)
        {
            struct signalfd_siginfo info;
            int stop = 0;

            while (read(srv.signal_fd, &info, sizeof(info)) == sizeof(info))
            {
                if (info.ssi_signo == SIGHUP) reload(&srv);
                else stop = 1;
            }
            if (stop)
            {
                log_msg(LOG_INFO, "stopping");
                break;
            }
        }
        if (pfds[0].revents & POLLIN) accept_connections(&srv);
    }
    sd_notify_state("STOPPING=1");
    status = 0;

done:
    stop_connections(&srv);
    if (srv.listen_fd >= 0)
    {
        if (!srv.activated) umbra_service_unlisten();
        close(srv.listen_fd);
    }
    if (srv.signal_fd >= 0) close(srv.signal_fd);
    if (srv.wake[0] >= 0) close(srv.wake[0]);
    if (srv.wake[1] >= 0) close(srv.wake[1]);
    return status;
}
