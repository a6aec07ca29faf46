/*
 * privdata.h: the providers' private data strings (provider.h): "key=value"
 * lines, values escaped so that any path fits (%25 for '%', %0a for a newline).
 * The catalogue stores the string as it is; only the provider that wrote it
 * reads it back, and the "provider" key says which one that was.
 *
 * Not for: the catalogue's own record format.
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_PRIVDATA_H
#define UMBRA_VSSAPI_PROVIDERS_PRIVDATA_H

#include <stddef.h>

struct privdata
{
    char *buf;
    size_t len, size;
    int err;              /* first error; later adds do nothing */
};

void privdata_init(struct privdata *pd);
void privdata_add(struct privdata *pd, const char *key, const char *value);
void privdata_addf(struct privdata *pd, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The finished string (malloc'd; *out) or -ENOMEM.  pd is emptied either way. */
int privdata_finish(struct privdata *pd, char **out);

/* The unescaped value of key (malloc'd) or -ENOENT, -EINVAL (malformed), -ENOMEM. */
int privdata_get(const char *data, const char *key, char **value);

/* 0 if data carries "provider=<kind>", else -EINVAL: data of another provider. */
int privdata_check_kind(const char *data, const char *kind);

#endif
