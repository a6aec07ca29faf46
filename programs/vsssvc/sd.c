/*
 * sd.c: socket activation and readiness notification (sd.h).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "sd.h"

int sd_listening_socket(void)
{
    const char *pid_text = getenv("LISTEN_PID"), *fds_text = getenv("LISTEN_FDS");
    int fd = SD_LISTEN_FDS_START, listening = 0, type = 0;
    socklen_t len = sizeof(int);
    char *end;
    long pid, fds;

    if (!pid_text || !fds_text) return -ENOENT;
    pid = strtol(pid_text, &end, 10);
    if (*end || pid != (long)getpid()) return -ENOENT;
    fds = strtol(fds_text, &end, 10);
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    if (*end || fds != 1) return -EINVAL;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) || !listening) return -EINVAL;
    len = sizeof(int);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) || type != SOCK_STREAM) return -EINVAL;
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return -errno;
    return fd;
}

void sd_notify_state(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr;
    socklen_t len;
    int fd;

    if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(addr.sun_path)) return;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, strlen(path));
    if (path[0] == '@') addr.sun_path[0] = 0;     /* an abstract socket */
    len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) return;
    sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, len);
    close(fd);
}
