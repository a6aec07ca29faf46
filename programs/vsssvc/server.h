/*
 * server.h: the service's main loop: listen (or take systemd's socket),
 * recover what a crash left behind, say it is ready, accept requesters and
 * serve each on a thread of its own (umbra_service_serve), exit when idle or
 * told to stop.
 */
#ifndef UMBRA_VSSSVC_SERVER_H
#define UMBRA_VSSSVC_SERVER_H

#include "conf.h"

struct server_options
{
    struct svc_conf conf;
    const char *conf_path;      /* re-read on SIGHUP */
    int idle_exit;              /* 0: never exit for idleness (--no-idle-exit) */
    int ready_fd;               /* write "ready\n" here once serving, or -1 */
};

/* Run until SIGTERM/SIGINT or the idle timeout: 0, or 1 when the service
 * could not start (the reason is logged). */
int server_run(const struct server_options *options);

#endif
