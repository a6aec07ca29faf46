/*
 * conf.c: reads the in-box writers' configuration files (format in conf.h).
 * A file is small and read once at start, so it is parsed into plain arrays.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "conf.h"

#define CONF_MAX_SIZE (1024 * 1024)     /* a configuration file, not a database */

static void set_error(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_error(char *err, size_t size, const char *fmt, ...)
{
    va_list args;

    if (!err || !size) return;
    va_start(args, fmt);
    vsnprintf(err, size, fmt, args);
    va_end(args);
}

static char *trim(char *s)
{
    char *end;

    while (*s && isspace((unsigned char)*s)) s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) end--;
    *end = 0;
    return s;
}

static bool valid_word(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return false;
    return true;
}

void conf_free(struct conf *conf)
{
    if (!conf) return;
    for (unsigned int i = 0; i < conf->count; i++)
    {
        struct conf_section *s = &conf->sections[i];

        for (unsigned int j = 0; j < s->count; j++)
        {
            free(s->entries[j].key);
            free(s->entries[j].value);
        }
        free(s->entries);
        free(s->type);
        free(s->name);
    }
    free(conf->sections);
    free(conf->path);
    free(conf);
}

static struct conf_section *add_section(struct conf *conf, const char *type, const char *name, unsigned int line)
{
    struct conf_section *sections = realloc(conf->sections, (conf->count + 1) * sizeof(*sections)), *s;

    if (!sections) return NULL;
    conf->sections = sections;
    s = &sections[conf->count];
    memset(s, 0, sizeof(*s));
    s->line = line;
    if (!(s->type = strdup(type)) || !(s->name = strdup(name)))
    {
        free(s->type);
        free(s->name);
        return NULL;
    }
    conf->count++;
    return s;
}

static int add_entry(struct conf_section *s, const char *key, const char *value, unsigned int line)
{
    struct conf_entry *entries = realloc(s->entries, (s->count + 1) * sizeof(*entries)), *e;

    if (!entries) return -ENOMEM;
    s->entries = entries;
    e = &entries[s->count];
    e->line = line;
    e->key = strdup(key);
    e->value = strdup(value);
    if (!e->key || !e->value)
    {
        free(e->key);
        free(e->value);
        return -ENOMEM;
    }
    s->count++;
    return 0;
}

/* "[type name]" or "[type]" in line (without the brackets' surroundings). */
static int parse_header(struct conf *conf, char *line, unsigned int lineno, struct conf_section **current,
                        char *err, size_t errsize)
{
    char *close = strchr(line, ']'), *type, *name;

    if (!close || *trim(close + 1))
    {
        set_error(err, errsize, "%s:%u: a section header is [type name]", conf->path, lineno);
        return -EINVAL;
    }
    *close = 0;
    type = trim(line + 1);
    name = type;
    while (*name && !isspace((unsigned char)*name)) name++;
    if (*name) *name++ = 0;
    name = trim(name);
    if (!valid_word(type) || (*name && !valid_word(name)))
    {
        set_error(err, errsize, "%s:%u: section types and names are letters, digits, '_', '-' and '.'",
                  conf->path, lineno);
        return -EINVAL;
    }
    for (unsigned int i = 0; i < conf->count; i++)
        if (!strcmp(conf->sections[i].type, type) && !strcmp(conf->sections[i].name, name))
        {
            set_error(err, errsize, "%s:%u: [%s%s%s] is already defined on line %u", conf->path, lineno, type,
                      *name ? " " : "", name, conf->sections[i].line);
            return -EINVAL;
        }
    if (!(*current = add_section(conf, type, name, lineno)))
    {
        set_error(err, errsize, "out of memory");
        return -ENOMEM;
    }
    return 0;
}

int conf_parse(const char *text, const char *path, struct conf **out, char *err, size_t errsize)
{
    struct conf *conf = calloc(1, sizeof(*conf));
    struct conf_section *current = NULL;
    char *copy = NULL, *line, *next;
    unsigned int lineno = 0;
    int ret = 0;

    *out = NULL;
    if (!conf || !(conf->path = strdup(path ? path : "(config)")) || !(copy = strdup(text)))
    {
        set_error(err, errsize, "out of memory");
        ret = -ENOMEM;
        goto done;
    }
    for (line = copy; line; line = next)
    {
        char *eq, *key, *value;
        size_t vlen;

        lineno++;
        if ((next = strchr(line, '\n'))) *next++ = 0;
        line = trim(line);
        if (!*line || *line == '#' || *line == ';') continue;
        if (*line == '[')
        {
            if ((ret = parse_header(conf, line, lineno, &current, err, errsize))) goto done;
            continue;
        }
        if (!(eq = strchr(line, '=')))
        {
            set_error(err, errsize, "%s:%u: expected key = value", conf->path, lineno);
            ret = -EINVAL;
            goto done;
        }
        *eq = 0;
        key = trim(line);
        value = trim(eq + 1);
        vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"')
        {
            value[vlen - 1] = 0;
            value++;
        }
        if (!valid_word(key))
        {
            set_error(err, errsize, "%s:%u: bad key '%s'", conf->path, lineno, key);
            ret = -EINVAL;
            goto done;
        }
        if (!current)
        {
            set_error(err, errsize, "%s:%u: '%s' is outside any [section]", conf->path, lineno, key);
            ret = -EINVAL;
            goto done;
        }
        if ((ret = add_entry(current, key, value, lineno)))
        {
            set_error(err, errsize, "out of memory");
            goto done;
        }
    }

done:
    free(copy);
    if (ret) conf_free(conf);
    else *out = conf;
    return ret;
}

int conf_load(const char *path, struct conf **out, char *err, size_t errsize)
{
    struct stat st;
    char *text = NULL;
    size_t got = 0;
    FILE *f;
    int ret;

    *out = NULL;
    if (!(f = fopen(path, "re")))
    {
        ret = -errno;
        set_error(err, errsize, "%s: %s", path, strerror(errno));
        return ret;
    }
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > CONF_MAX_SIZE)
    {
        set_error(err, errsize, "%s: not a regular file of at most %d bytes", path, CONF_MAX_SIZE);
        fclose(f);
        return -EINVAL;
    }
    if (!(text = malloc(st.st_size + 1)))
    {
        fclose(f);
        set_error(err, errsize, "out of memory");
        return -ENOMEM;
    }
    got = fread(text, 1, st.st_size, f);
    fclose(f);
    text[got] = 0;
    if (strlen(text) != got)
    {
        set_error(err, errsize, "%s: contains a NUL byte", path);
        free(text);
        return -EINVAL;
    }
    ret = conf_parse(text, path, out, err, errsize);
    free(text);
    return ret;
}

static const struct conf_entry *find_entry(const struct conf_section *section, const char *key)
{
    const struct conf_entry *found = NULL;

    for (unsigned int i = 0; section && i < section->count; i++)
        if (!strcmp(section->entries[i].key, key)) found = &section->entries[i];
    return found;
}

const char *conf_get(const struct conf_section *section, const char *key)
{
    const struct conf_entry *e = find_entry(section, key);

    return e ? e->value : NULL;
}

int conf_get_bool(const struct conf *conf, const struct conf_section *section, const char *key, bool def,
                  bool *out, char *err, size_t errsize)
{
    const struct conf_entry *e = find_entry(section, key);

    *out = def;
    if (!e) return 0;
    if (!strcasecmp(e->value, "yes") || !strcasecmp(e->value, "true") || !strcasecmp(e->value, "on")
        || !strcmp(e->value, "1"))
        *out = true;
    else if (!strcasecmp(e->value, "no") || !strcasecmp(e->value, "false") || !strcasecmp(e->value, "off")
             || !strcmp(e->value, "0"))
        *out = false;
    else
    {
        set_error(err, errsize, "%s:%u: %s takes yes or no", conf->path, e->line, key);
        return -EINVAL;
    }
    return 0;
}

int conf_get_uint(const struct conf *conf, const struct conf_section *section, const char *key, unsigned int def,
                  unsigned int min, unsigned int max, unsigned int *out, char *err, size_t errsize)
{
    const struct conf_entry *e = find_entry(section, key);
    unsigned long value;
    char *end;

    *out = def;
    if (!e) return 0;
    errno = 0;
    value = strtoul(e->value, &end, 10);
    if (errno || end == e->value || *end || e->value[0] == '-' || value < min || value > max)
    {
        set_error(err, errsize, "%s:%u: %s takes a whole number from %u to %u", conf->path, e->line, key, min, max);
        return -EINVAL;
    }
    *out = (unsigned int)value;
    return 0;
}

int conf_check_keys(const struct conf *conf, const struct conf_section *section, const char *const *allowed,
                    char *err, size_t errsize)
{
    for (unsigned int i = 0; i < section->count; i++)
    {
        const char *key = section->entries[i].key;
        bool ok = false;

        for (unsigned int j = 0; allowed && allowed[j] && !ok; j++) ok = !strcmp(allowed[j], key);
        if (!ok)
        {
            set_error(err, errsize, "%s:%u: [%s] takes no key '%s'", conf->path, section->entries[i].line,
                      section->type, key);
            return -EINVAL;
        }
    }
    return 0;
}
