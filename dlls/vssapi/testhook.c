/*
 * testhook.c: the test-only pauses of testhook.h.  Nothing here runs unless a
 * test program called testhook_enable().
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "testhook.h"

static atomic_int enabled;

void testhook_enable(void)
{
    atomic_store(&enabled, 1);
}

void testhook_pause(const char *point)
{
    size_t len = strlen(point);
    unsigned long ms;
    struct timespec ts;
    const char *value;
    char *end;
    int fd = -1;

    if (!atomic_load(&enabled)) return;
    if (!(value = secure_getenv("UMBRA_TEST_PAUSE")) || strncmp(value, point, len) || value[len] != ':') return;
    ms = strtoul(value + len + 1, &end, 10);
    if (*end == ':') fd = (int)strtol(end + 1, NULL, 10);
    if (fd >= 0)
    {
        struct pollfd pfd = { fd, POLLIN, 0 };
        char byte;

        while (write(fd, "p", 1) < 0 && errno == EINTR) {}
        /* until the test answers or hangs up */
        while (poll(&pfd, 1, ms > INT_MAX ? INT_MAX : (int)ms) < 0 && errno == EINTR) {}
        if (pfd.revents & POLLIN)
            while (read(fd, &byte, 1) < 0 && errno == EINTR) {}
        return;
    }
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}
