/*
 * conf.c: reading vsssvc.conf (format and keys in conf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "conf.h"

#define CONF_MAX_FILE (64 * 1024)

void conf_defaults(struct svc_conf *conf)
{
    memset(conf, 0, sizeof(*conf));
    snprintf(conf->group, sizeof(conf->group), "%s", CONF_DEFAULT_GROUP);
    conf->idle_timeout = CONF_DEFAULT_IDLE_TIMEOUT;
    conf->max_sessions = CONF_DEFAULT_MAX_SESSIONS;
}

static int parse_number(const char *value, unsigned long max, unsigned long *out)
{
    char *end;

    if (*value < '0' || *value > '9') return -EINVAL;
    errno = 0;
    *out = strtoul(value, &end, 10);
    if (errno || *end || *out > max) return -EINVAL;
    return 0;
}

/* Group names as useradd(8) accepts them, or a number. */
static int group_name_valid(const char *value)
{
    size_t len = strlen(value);

    if (!len || len >= sizeof(((struct svc_conf *)0)->group) || value[0] == '-') return 0;
    for (const char *p = value; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'
              || *p == '-' || *p == '.' || (*p == '$' && !p[1])))
            return 0;
    return 1;
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t') s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) *--end = 0;
    return s;
}

static int apply(struct svc_conf *conf, const char *key, const char *value, unsigned int line, char *err,
                 size_t err_size)
{
    unsigned long number;

    if (!strcasecmp(key, "Group"))
    {
        if (!group_name_valid(value))
        {
            snprintf(err, err_size, "line %u: \"%s\" is not a group name", line, value);
            return -EINVAL;
        }
        snprintf(conf->group, sizeof(conf->group), "%s", value);
    }
    else if (!strcasecmp(key, "IdleTimeout"))
    {
        if (parse_number(value, CONF_MAX_IDLE_TIMEOUT, &number))
        {
            snprintf(err, err_size, "line %u: IdleTimeout must be seconds from 0 to %u", line, CONF_MAX_IDLE_TIMEOUT);
            return -EINVAL;
        }
        /* as Windows reads its IdleTimeout value: 0 means the default */
        conf->idle_timeout = number ? (unsigned int)number : CONF_DEFAULT_IDLE_TIMEOUT;
    }
    else if (!strcasecmp(key, "MaxSessions"))
    {
        if (parse_number(value, CONF_MAX_SESSIONS, &number) || !number)
        {
            snprintf(err, err_size, "line %u: MaxSessions must be from 1 to %u", line, CONF_MAX_SESSIONS);
            return -EINVAL;
        }
        conf->max_sessions = (unsigned int)number;
    }
    else
    {
        snprintf(err, err_size, "line %u: unknown setting \"%s\"", line, key);
        return -EINVAL;
    }
    return 0;
}

int conf_parse(const char *text, size_t len, struct svc_conf *conf, char *err, size_t err_size)
{
    struct svc_conf result = *conf;
    unsigned int line = 0;
    size_t at = 0;
    char buf[1024];

    if (err_size) err[0] = 0;
    while (at < len)
    {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        char *s, *eq, *key, *value;
        int ret;

        line++;
        if (n >= sizeof(buf) || memchr(text + at, 0, n))
        {
            snprintf(err, err_size, "line %u: too long or not text", line);
            return -EINVAL;
        }
        memcpy(buf, text + at, n);
        buf[n] = 0;
        at += n + (nl ? 1 : 0);
        s = trim(buf);
        if (!*s || *s == '#' || *s == ';') continue;
        if (!(eq = strchr(s, '=')))
        {
            snprintf(err, err_size, "line %u: expected Key = Value", line);
            return -EINVAL;
        }
        *eq = 0;
        key = trim(s);
        value = trim(eq + 1);
        if (!*key || !*value)
        {
            snprintf(err, err_size, "line %u: expected Key = Value", line);
            return -EINVAL;
        }
        if ((ret = apply(&result, key, value, line, err, err_size))) return ret;
    }
    *conf = result;
    return 0;
}

int conf_load(const char *path, struct svc_conf *conf, char *err, size_t err_size)
{
    char *text = NULL;
    struct stat st;
    ssize_t got;
    int fd, ret;

    if (err_size) err[0] = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    {
        if (errno == ENOENT) return 0;
        ret = -errno;
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return ret;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > CONF_MAX_FILE)
    {
        snprintf(err, err_size, "%s: not a regular file of at most %d bytes", path, CONF_MAX_FILE);
        close(fd);
        return -EINVAL;
    }
    if (!(text = malloc(st.st_size + 1)))
    {
        close(fd);
        return -ENOMEM;
    }
    got = read(fd, text, st.st_size);
    close(fd);
    if (got != st.st_size)
    {
        snprintf(err, err_size, "%s: short read", path);
        free(text);
        return -EIO;
    }
    ret = conf_parse(text, (size_t)got, conf, err, err_size);
    if (ret)
    {
        char reason[256];

        snprintf(reason, sizeof(reason), "%s", err);
        snprintf(err, err_size, "%s: %s", path, reason);
    }
    free(text);
    return ret;
}
