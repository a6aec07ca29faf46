/*
 * conf.h: the configuration files of the in-box writers
 * ($VSS_CONFIG_DIR/writers/<service>.conf, data/writers/ in the source tree).
 *
 *     # comment (whole lines only: values may contain '#')
 *     [writer]                 settings of the writer process
 *     freeze_timeout = 60
 *
 *     [cluster main]           one section per service instance: type, name
 *     conninfo = host=/var/run/postgresql
 *
 * Keys and section types are checked against what the writer takes, so a
 * misspelt key is an error with its line number, not a silent default.
 * Values are the rest of the line, trimmed; one pair of surrounding double
 * quotes is removed.
 *
 * Not for: what the keys mean (each writer), or where the file is (writer_main).
 */
#ifndef UMBRA_WRITERS_CONF_H
#define UMBRA_WRITERS_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct conf_entry
{
    char *key;
    char *value;
    unsigned int line;
};

struct conf_section
{
    char *type;                 /* "writer", "cluster" ... */
    char *name;                 /* "" for [writer] */
    unsigned int line;
    struct conf_entry *entries;
    unsigned int count;
};

struct conf
{
    char *path;
    struct conf_section *sections;
    unsigned int count;
};

#define CONF_ERROR_MAX 512

/* Read path.  0, or -errno with the reason (and line) in err. */
int conf_load(const char *path, struct conf **out, char *err, size_t errsize);
/* The same from text in memory (for tests); path names it in messages. */
int conf_parse(const char *text, const char *path, struct conf **out, char *err, size_t errsize);
void conf_free(struct conf *conf);

/* The value of key in section, or NULL.  A repeated key: the last one. */
const char *conf_get(const struct conf_section *section, const char *key);

/* Typed getters: 0 and *out set (def when the key is absent), or -EINVAL with
 * a message naming the file and line in err. */
int conf_get_bool(const struct conf *conf, const struct conf_section *section, const char *key, bool def,
                  bool *out, char *err, size_t errsize);
int conf_get_uint(const struct conf *conf, const struct conf_section *section, const char *key, unsigned int def,
                  unsigned int min, unsigned int max, unsigned int *out, char *err, size_t errsize);

/* -EINVAL (and err) when section has a key not in allowed (NULL-terminated). */
int conf_check_keys(const struct conf *conf, const struct conf_section *section, const char *const *allowed,
                    char *err, size_t errsize);

#endif
