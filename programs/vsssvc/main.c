/*
 * main.c: vsssvc, the Volume Shadow Copy Service (DESIGN.md §4, vsssvc(8)):
 * the command line, the settings file, becoming a daemon unless told to stay
 * in the foreground, then server_run().
 *
 *   vsssvc [-f] [-c FILE] [-i SECONDS | --no-idle-exit] [--ready-fd N]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "dlls/vssapi/service_server.h"
#include "umbra_build.h"
#include "conf.h"
#include "log.h"
#include "server.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vsssvc [options]\n"
            "The Volume Shadow Copy Service: runs snapshot creation for requesters that\n"
            "are not root (members of the configured group, default \"backup\").\n"
            "\n"
            "  -f, --foreground      stay in the foreground, messages on stderr\n"
            "  -c, --config FILE     settings (default $VSS_CONFIG_DIR/vsssvc.conf)\n"
            "  -i, --idle-timeout S  exit after S seconds without requesters (default 180)\n"
            "      --no-idle-exit    never exit for idleness\n"
            "      --ready-fd N      write \"ready\" to file descriptor N once serving\n"
            "  -h, --help            this text\n"
            "  -V, --version         the version\n");
}

/* Detach from the terminal: the parent returns once the child runs. */
static int daemonize(void)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0) return -errno;
    if (pid) _exit(0);
    if (setsid() < 0) return -errno;
    if ((pid = fork()) < 0) return -errno;
    if (pid) _exit(0);
    if (chdir("/")) return -errno;
    if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) return -errno;
    dup2(fd, 0);
    dup2(fd, 1);
    /* stderr too, unless VSS_TRACE names a file for the library's lines */
    dup2(fd, 2);
    if (fd > 2) close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] =
    {
        { "foreground", no_argument, NULL, 'f' },
        { "config", required_argument, NULL, 'c' },
        { "idle-timeout", required_argument, NULL, 'i' },
        { "no-idle-exit", no_argument, NULL, 'n' },
        { "ready-fd", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct umbra_service_paths paths;
    struct server_options options;
    char conf_path[4096], err[512], *end;
    const char *config_file = NULL;
    long idle = -1, ready_fd = -1;
    int foreground = 0, opt, ret;

    memset(&options, 0, sizeof(options));
    options.idle_exit = 1;
    while ((opt = getopt_long(argc, argv, "fc:i:hV", long_options, NULL)) != -1)
    {
        switch (opt)
        {
        case 'f': foreground = 1; break;
        case 'c': config_file = optarg; break;
        case 'i':
            idle = strtol(optarg, &end, 10);
            if (*end || idle < 0 || idle > CONF_MAX_IDLE_TIMEOUT)
            {
                fprintf(stderr, "vsssvc: --idle-timeout takes seconds from 0 to %d\n", CONF_MAX_IDLE_TIMEOUT);
                return 2;
            }
            break;
        case 'n': options.idle_exit = 0; break;
        case 'r':
            ready_fd = strtol(optarg, &end, 10);
            if (*end || ready_fd < 0 || fcntl((int)ready_fd, F_GETFD) < 0)
            {
                fprintf(stderr, "vsssvc: --ready-fd needs an open file descriptor\n");
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("vsssvc (Umbra) %s\n", UMBRA_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
    {
        usage(stderr);
        return 2;
    }

    /* The service runs the requester objects itself: it must never look for
     * a service, and a requester's VSS_WAIT_FOR_SET comes with its hello. */
    setenv("VSS_MODE", "embedded", 1);
    unsetenv("VSS_WAIT_FOR_SET");
    umask(022);

    log_open(1);
    umbra_service_paths(&paths);
    conf_defaults(&options.conf);
    if (config_file) snprintf(conf_path, sizeof(conf_path), "%s", config_file);
    else snprintf(conf_path, sizeof(conf_path), "%s/%s", paths.config_dir, CONF_FILE_NAME);
    options.conf_path = conf_path;
    if ((ret = conf_load(conf_path, &options.conf, err, sizeof(err))))
    {
        log_msg(LOG_ERR, "%s", err[0] ? err : strerror(-ret));
        return 1;
    }
    if (config_file && access(config_file, R_OK))
    {
        log_msg(LOG_ERR, "%s: %s", config_file, strerror(errno));
        return 1;
    }
    /* the command line wins; 0 means the default, as in the file */
    if (idle >= 0) options.conf.idle_timeout = idle ? (unsigned int)idle : CONF_DEFAULT_IDLE_TIMEOUT;
    options.ready_fd = (int)ready_fd;

    if (!foreground)
    {
        if ((ret = daemonize()))
        {
            log_msg(LOG_ERR, "cannot become a daemon: %s", strerror(-ret));
            return 1;
        }
        log_open(0);
    }
    return server_run(&options);
}
