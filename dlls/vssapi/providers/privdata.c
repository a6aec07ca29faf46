/*
 * privdata.c: build and read the providers' "key=value" private data strings
 * (privdata.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "privdata.h"

void privdata_init(struct privdata *pd)
{
    memset(pd, 0, sizeof(*pd));
}

static void privdata_put(struct privdata *pd, const char *str, size_t len)
{
    if (pd->err) return;
    if (pd->len + len + 1 > pd->size)
    {
        size_t size = pd->size ? pd->size : 128;
        char *buf;

        while (size < pd->len + len + 1) size *= 2;
        if (!(buf = realloc(pd->buf, size)))
        {
            pd->err = -ENOMEM;
            return;
        }
        pd->buf = buf;
        pd->size = size;
    }
    memcpy(pd->buf + pd->len, str, len);
    pd->len += len;
    pd->buf[pd->len] = 0;
}

void privdata_add(struct privdata *pd, const char *key, const char *value)
{
    const char *p;

    privdata_put(pd, key, strlen(key));
    privdata_put(pd, "=", 1);
    for (p = value; *p; p++)
    {
        if (*p == '%') privdata_put(pd, "%25", 3);
        else if (*p == '\n') privdata_put(pd, "%0a", 3);
        else privdata_put(pd, p, 1);
    }
    privdata_put(pd, "\n", 1);
}

void privdata_addf(struct privdata *pd, const char *key, const char *fmt, ...)
{
    va_list args;
    char *value;
    int ret;

    va_start(args, fmt);
    ret = vasprintf(&value, fmt, args);
    va_end(args);
    if (ret < 0)
    {
        if (!pd->err) pd->err = -ENOMEM;
        return;
    }
    privdata_add(pd, key, value);
    free(value);
}

int privdata_finish(struct privdata *pd, char **out)
{
    int err = pd->err;

    *out = NULL;
    if (!err && !pd->buf) err = -EINVAL;
    if (err) free(pd->buf);
    else *out = pd->buf;
    privdata_init(pd);
    return err;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int privdata_get(const char *data, const char *key, char **value)
{
    size_t keylen = strlen(key);
    const char *line = data;

    *value = NULL;
    if (!data) return -EINVAL;
    while (*line)
    {
        const char *end = strchr(line, '\n');
        if (!end) end = line + strlen(line);
        if ((size_t)(end - line) > keylen && !strncmp(line, key, keylen) && line[keylen] == '=')
        {
            const char *p = line + keylen + 1;
            char *out = malloc(end - p + 1), *q = out;

            if (!out) return -ENOMEM;
            while (p < end)
            {
                if (*p == '%')
                {
                    int hi = end - p >= 3 ? hexval(p[1]) : -1, lo = end - p >= 3 ? hexval(p[2]) : -1;

                    /* a NUL would cut the value short: refuse it like any malformed escape */
                    if (hi < 0 || lo < 0 || !(hi * 16 + lo))
                    {
                        free(out);
                        return -EINVAL;
                    }
                    *q++ = (char)(hi * 16 + lo);
                    p += 3;
                }
                else *q++ = *p++;
            }
            *q = 0;
            *value = out;
            return 0;
        }
        line = *end ? end + 1 : end;
    }
    return -ENOENT;
}

int privdata_check_kind(const char *data, const char *kind)
{
    char *value;
    int ret = privdata_get(data, "provider", &value);

    if (ret == -ENOMEM) return ret;
    if (ret) return -EINVAL;
    ret = strcmp(value, kind) ? -EINVAL : 0;
    free(value);
    return ret;
}
