/*
 * aliases.c: diskshadow's alias environment (VSS-FACTS.md §6.1).
 *
 * Aliases are environment variables of the diskshadow process, as on Windows:
 * %name% finds them, and EXEC'd programs inherit them.  Names compare without
 * case, as Windows environment names do; redefining "drive_E" as "DRIVE_E"
 * replaces it.  The session remembers which names it defined, for ADD, the
 * metadata manifest and RESET.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "session.h"

extern char **environ;

/* The environment entry for name whatever its case, or NULL. */
static const char *environ_name(const char *name, size_t *len)
{
    size_t n = strlen(name);
    char **e;

    for (e = environ; e && *e; e++)
    {
        if (!strncasecmp(*e, name, n) && (*e)[n] == '=')
        {
            *len = n;
            return *e;
        }
    }
    return NULL;
}

int ds_alias_define(struct ds_session *s, const char *name, const char *value)
{
    const char *old;
    char **names;
    size_t i, len;

    if (!*name || strchr(name, '=')) return -EINVAL;
    /* drop a spelling that differs in case, so exactly one remains */
    while ((old = environ_name(name, &len)) && strncmp(old, name, len))
    {
        char *copy = strndup(old, len);
        if (!copy) return -ENOMEM;
        unsetenv(copy);
        free(copy);
    }
    if (setenv(name, value, 1) < 0) return -errno;
    for (i = 0; i < s->naliases; i++)
    {
        if (strcasecmp(s->aliases[i], name)) continue;
        if (strcmp(s->aliases[i], name))
        {
            char *copy = strdup(name);
            if (!copy) return -ENOMEM;
            free(s->aliases[i]);
            s->aliases[i] = copy;
        }
        return 0;
    }
    if (!(names = realloc(s->aliases, (s->naliases + 1) * sizeof(*names)))) return -ENOMEM;
    s->aliases = names;
    if (!(names[s->naliases] = strdup(name))) return -ENOMEM;
    s->naliases++;
    return 0;
}

const char *ds_alias_lookup(void *session, const char *name)
{
    (void)session;
    return ds_lookup_environ(NULL, name);
}

const char *ds_alias_for_value(struct ds_session *s, const char *value)
{
    size_t i;

    /* the most recent definition wins, as it would in the transcript */
    for (i = s->naliases; i-- > 0;)
    {
        const char *v = ds_lookup_environ(NULL, s->aliases[i]);
        if (v && !strcasecmp(v, value)) return s->aliases[i];
    }
    return NULL;
}

void ds_alias_clear(struct ds_session *s)
{
    size_t i;

    for (i = 0; i < s->naliases; i++)
    {
        unsetenv(s->aliases[i]);
        free(s->aliases[i]);
    }
    free(s->aliases);
    s->aliases = NULL;
    s->naliases = 0;
    s->shadow_counter = 0;
}

enum ds_status ds_resolve_id(struct ds_session *s, const char *text, GUID *id)
{
    const char *value;

    if (!ds_parse_guid(text, id)) return DS_OK;
    /* "delete shadows volume df": an alias named without its % signs */
    if ((value = ds_lookup_environ(NULL, text)) && !ds_parse_guid(value, id)) return DS_OK;
    ds_print_bad_id(s->out, text);
    return DS_FAIL_SYNTAX;
}
