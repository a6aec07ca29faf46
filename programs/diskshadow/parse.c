/*
 * parse.c: one line of diskshadow's command language into a struct ds_command
 * (VSS-FACTS.md §6.1 rules, §6.2 commands).
 *
 * A line is split into words at blanks, "double quotes" group words and are
 * removed, then every %name% inside a word is replaced through the lookup
 * callback (aliases live in the environment, so a value never splits a word).
 * The first one or two words choose the command; its grammar is checked here
 * and nothing else: meanings (is this alias a shadow copy? does the volume
 * exist?) belong to the executor.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "script.h"

extern char **environ;

#define MAX_WORDS (DS_SCRIPT_MAX_LINE / 2 + 1)  /* the most a line of the longest length holds */

struct words
{
    char **w;
    size_t n, cap;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void words_free(struct words *ws)
{
    size_t i;
    for (i = 0; i < ws->n; i++) free(ws->w[i]);
    free(ws->w);
    memset(ws, 0, sizeof(*ws));
}

static int words_push(struct words *ws, char *word)
{
    if (ws->n == ws->cap)
    {
        size_t cap = ws->cap ? ws->cap * 2 : 8;
        char **w;
        if (ws->n >= MAX_WORDS) { free(word); return -E2BIG; }
        if (cap > MAX_WORDS) cap = MAX_WORDS;
        if (!(w = realloc(ws->w, cap * sizeof(*w)))) { free(word); return -ENOMEM; }
        ws->w = w;
        ws->cap = cap;
    }
    ws->w[ws->n++] = word;
    return 0;
}

/* Split at unquoted blanks; quotes are removed, an unclosed quote runs to the
 * end of the line (cmd.exe is just as forgiving). */
static int split_words(const char *line, struct words *ws)
{
    const char *p = line;
    int ret;

    while (*p)
    {
        char *word, *o;
        int quoted = 0;

        while (is_blank(*p)) p++;
        if (!*p) break;
        if (!(word = o = malloc(strlen(p) + 1))) return -ENOMEM;
        for (; *p && (quoted || !is_blank(*p)); p++)
        {
            if (*p == '"') quoted = !quoted;
            else *o++ = *p;
        }
        *o = 0;
        if ((ret = words_push(ws, word))) return ret;
    }
    return 0;
}

static int add_subst(struct ds_command *cmd, const char *name, size_t namelen, const char *value)
{
    struct ds_subst *s = realloc(cmd->subst, (cmd->nsubst + 1) * sizeof(*s));

    if (!s) return -ENOMEM;
    cmd->subst = s;
    s += cmd->nsubst;
    s->name = strndup(name, namelen);
    s->value = strdup(value);
    if (!s->name || !s->value)
    {
        free(s->name);
        free(s->value);
        return -ENOMEM;
    }
    cmd->nsubst++;
    return 0;
}

/* Replace each %name% of *word whose name is defined; remember the first one
 * that is not. */
static int substitute(char **word, ds_lookup_fn lookup, void *ctx, struct ds_command *cmd)
{
    char *w = *word, *start = w;

    while ((start = strchr(start, '%')))
    {
        char *end = strchr(start + 1, '%'), *name, *out;
        const char *value;
        size_t namelen, before, after, vlen;
        int ret;

        if (!end) break;
        namelen = (size_t)(end - start - 1);
        if (!namelen) { start = end + 1; continue; }
        if (!(name = strndup(start + 1, namelen))) return -ENOMEM;
        value = lookup(ctx, name);
        free(name);
        if (!value)
        {
            if (!cmd->undefined && !(cmd->undefined = strndup(start, namelen + 2))) return -ENOMEM;
            /* the closing % may open the next name, as in %a%%b% */
            start = end;
            if (start[1] == '%') start++;
            continue;
        }
        if ((ret = add_subst(cmd, start + 1, namelen, value))) return ret;
        before = (size_t)(start - w);
        after = strlen(end + 1);
        vlen = strlen(value);
        if (!(out = malloc(before + vlen + after + 1))) return -ENOMEM;
        memcpy(out, w, before);
        memcpy(out + before, value, vlen);
        memcpy(out + before + vlen, end + 1, after + 1);
        free(w);
        *word = w = out;
        start = w + before + vlen;
    }
    return 0;
}

static int is(const char *word, const char *keyword)
{
    return word && !strcasecmp(word, keyword);
}

/* Take ownership of word i as argument slot. */
static int take_arg(struct ds_command *cmd, int slot, struct words *ws, size_t i)
{
    if (!(cmd->arg[slot] = strdup(ws->w[i]))) return -ENOMEM;
    return 0;
}

/* Words from..end joined by one space: writer names may be written unquoted
 * ("writer exclude System Writer", as Microsoft's own example does). */
static int take_rest(struct ds_command *cmd, int slot, struct words *ws, size_t from)
{
    size_t i, len = 0;
    char *s;

    for (i = from; i < ws->n; i++) len += strlen(ws->w[i]) + 1;
    if (!(s = malloc(len + 1))) return -ENOMEM;
    *s = 0;
    for (i = from; i < ws->n; i++)
    {
        if (i > from) strcat(s, " ");
        strcat(s, ws->w[i]);
    }
    cmd->arg[slot] = s;
    return 0;
}

#define USAGE(t) do { cmd->topic = (t); return DS_PARSE_USAGE; } while (0)

static int parse_set(struct ds_command *cmd, struct words *ws)
{
    size_t i;

    cmd->topic = DS_TOPIC_SET;
    if (ws->n == 1) { cmd->verb = DS_SET_SHOW; return 0; }
    if (is(ws->w[1], "context"))
    {
        cmd->verb = DS_SET_CONTEXT;
        cmd->topic = DS_TOPIC_SET_CONTEXT;
        if (ws->n == 3 && is(ws->w[2], "clientaccessible")) cmd->context = DS_CTX_CLIENTACCESSIBLE;
        else if (ws->n == 3 && is(ws->w[2], "persistent")) cmd->context = DS_CTX_PERSISTENT;
        else if (ws->n == 3 && is(ws->w[2], "volatile")) cmd->context = DS_CTX_VOLATILE;
        else if (ws->n == 4 && is(ws->w[2], "persistent") && is(ws->w[3], "nowriters"))
            cmd->context = DS_CTX_PERSISTENT_NOWRITERS;
        else if (ws->n == 4 && is(ws->w[2], "volatile") && is(ws->w[3], "nowriters"))
            cmd->context = DS_CTX_VOLATILE_NOWRITERS;
        else USAGE(DS_TOPIC_SET_CONTEXT);
        return 0;
    }
    if (is(ws->w[1], "option"))
    {
        cmd->verb = DS_SET_OPTION;
        cmd->topic = DS_TOPIC_SET_OPTION;
        if (ws->n == 2) USAGE(DS_TOPIC_SET_OPTION);
        for (i = 2; i < ws->n; i++)
        {
            if (is(ws->w[i], "differential")) cmd->options |= DS_OPT_DIFFERENTIAL;
            else if (is(ws->w[i], "plex")) cmd->options |= DS_OPT_PLEX;
            else if (is(ws->w[i], "transportable")) cmd->options |= DS_OPT_TRANSPORTABLE;
            else if (is(ws->w[i], "rollbackrecover")) cmd->options |= DS_OPT_ROLLBACK_RECOVERY;
            else if (is(ws->w[i], "txfrecover")) cmd->options |= DS_OPT_TXF_RECOVERY;
            else if (is(ws->w[i], "noautorecover")) cmd->options |= DS_OPT_NO_AUTORECOVERY;
            else USAGE(DS_TOPIC_SET_OPTION);
        }
        /* the syntax makes these pairs exclusive */
        if ((cmd->options & DS_OPT_DIFFERENTIAL) && (cmd->options & DS_OPT_PLEX)) USAGE(DS_TOPIC_SET_OPTION);
        if ((cmd->options & DS_OPT_NO_AUTORECOVERY) &&
            (cmd->options & (DS_OPT_ROLLBACK_RECOVERY | DS_OPT_TXF_RECOVERY)))
            USAGE(DS_TOPIC_SET_OPTION);
        return 0;
    }
    if (is(ws->w[1], "verbose"))
    {
        cmd->verb = DS_SET_VERBOSE;
        cmd->topic = DS_TOPIC_SET_VERBOSE;
        if (ws->n == 3 && is(ws->w[2], "on")) cmd->on = 1;
        else if (ws->n == 3 && is(ws->w[2], "off")) cmd->on = 0;
        else USAGE(DS_TOPIC_SET_VERBOSE);
        return 0;
    }
    if (is(ws->w[1], "metadata"))
    {
        cmd->verb = DS_SET_METADATA;
        cmd->topic = DS_TOPIC_SET_METADATA;
        if (ws->n != 3 || !*ws->w[2]) USAGE(DS_TOPIC_SET_METADATA);
        return take_arg(cmd, 0, ws, 2);
    }
    USAGE(DS_TOPIC_SET);
}

static int parse_add(struct ds_command *cmd, struct words *ws)
{
    size_t i;
    int ret;

    cmd->topic = DS_TOPIC_ADD;
    if (ws->n == 1) { cmd->verb = DS_ADD_SHOW; return 0; }
    if (is(ws->w[1], "volume"))
    {
        cmd->verb = DS_ADD_VOLUME;
        cmd->topic = DS_TOPIC_ADD_VOLUME;
        if (ws->n < 3 || !*ws->w[2]) USAGE(DS_TOPIC_ADD_VOLUME);
        if ((ret = take_arg(cmd, 0, ws, 2))) return ret;
        /* "provider {id}" and "alias name" in either order, each once (samples 06, 08) */
        for (i = 3; i < ws->n; i += 2)
        {
            int slot = is(ws->w[i], "provider") ? 1 : is(ws->w[i], "alias") ? 2 : -1;
            if (slot < 0 || i + 1 >= ws->n || cmd->arg[slot] || !*ws->w[i + 1]) USAGE(DS_TOPIC_ADD_VOLUME);
            if ((ret = take_arg(cmd, slot, ws, i + 1))) return ret;
        }
        return 0;
    }
    if (is(ws->w[1], "alias"))
    {
        cmd->verb = DS_ADD_ALIAS;
        cmd->topic = DS_TOPIC_ADD_ALIAS;
        if (ws->n != 4 || !*ws->w[2] || strchr(ws->w[2], '=') || strchr(ws->w[2], '%'))
            USAGE(DS_TOPIC_ADD_ALIAS);
        if ((ret = take_arg(cmd, 0, ws, 2))) return ret;
        return take_arg(cmd, 1, ws, 3);
    }
    if (is(ws->w[1], "shadow"))
    {
        cmd->verb = DS_ADD_SHADOW;
        cmd->topic = DS_TOPIC_ADD_SHADOW;
        if (ws->n < 3 || ws->n > 4) USAGE(DS_TOPIC_ADD_SHADOW);
        if ((ret = take_arg(cmd, 0, ws, 2))) return ret;
        return ws->n == 4 ? take_arg(cmd, 1, ws, 3) : 0;
    }
    USAGE(DS_TOPIC_ADD);
}

static int parse_list(struct ds_command *cmd, struct words *ws)
{
    cmd->topic = DS_TOPIC_LIST;
    if (ws->n >= 2 && is(ws->w[1], "writers"))
    {
        cmd->verb = DS_LIST_WRITERS;
        cmd->mode = DS_WRITERS_METADATA;
        if (ws->n == 2) return 0;
        if (ws->n == 3 && is(ws->w[2], "metadata")) return 0;
        if (ws->n == 3 && is(ws->w[2], "detailed")) { cmd->mode = DS_WRITERS_DETAILED; return 0; }
        if (ws->n == 3 && is(ws->w[2], "status")) { cmd->mode = DS_WRITERS_STATUS; return 0; }
        USAGE(DS_TOPIC_LIST);
    }
    if (ws->n >= 2 && is(ws->w[1], "shadows"))
    {
        cmd->verb = DS_LIST_SHADOWS;
        if (ws->n == 3 && is(ws->w[2], "all")) { cmd->mode = DS_SCOPE_ALL; return 0; }
        if (ws->n == 4 && is(ws->w[2], "set")) { cmd->mode = DS_SCOPE_SET; return take_arg(cmd, 0, ws, 3); }
        if (ws->n == 4 && is(ws->w[2], "id")) { cmd->mode = DS_SCOPE_ID; return take_arg(cmd, 0, ws, 3); }
        USAGE(DS_TOPIC_LIST);
    }
    if (ws->n == 2 && is(ws->w[1], "providers")) { cmd->verb = DS_LIST_PROVIDERS; return 0; }
    USAGE(DS_TOPIC_LIST);
}

static int parse_delete(struct ds_command *cmd, struct words *ws)
{
    static const struct { const char *word; enum ds_shadow_scope scope; } scopes[] =
    {
        { "volume", DS_SCOPE_VOLUME }, { "oldest", DS_SCOPE_OLDEST }, { "set", DS_SCOPE_SET },
        { "id", DS_SCOPE_ID }, { "exposed", DS_SCOPE_EXPOSED },
    };
    size_t i;

    cmd->verb = DS_DELETE_SHADOWS;
    cmd->topic = DS_TOPIC_DELETE_SHADOWS;
    if (ws->n < 3 || !is(ws->w[1], "shadows")) USAGE(DS_TOPIC_DELETE_SHADOWS);
    if (ws->n == 3 && is(ws->w[2], "all")) { cmd->mode = DS_SCOPE_ALL; return 0; }
    for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
    {
        if (!is(ws->w[2], scopes[i].word)) continue;
        if (ws->n != 4 || !*ws->w[3]) break;
        cmd->mode = scopes[i].scope;
        return take_arg(cmd, 0, ws, 3);
    }
    USAGE(DS_TOPIC_DELETE_SHADOWS);
}

static int parse_exec(struct ds_command *cmd, struct words *ws)
{
    size_t i;
    int ret;

    cmd->verb = DS_EXEC;
    cmd->topic = DS_TOPIC_EXEC;
    if (ws->n < 2 || !*ws->w[1]) USAGE(DS_TOPIC_EXEC);
    if ((ret = take_arg(cmd, 0, ws, 1))) return ret;
    if (ws->n > 2)
    {
        if (!(cmd->argv = calloc(ws->n - 2, sizeof(*cmd->argv)))) return -ENOMEM;
        for (i = 2; i < ws->n; i++)
        {
            if (!(cmd->argv[cmd->argc] = strdup(ws->w[i]))) return -ENOMEM;
            cmd->argc++;
        }
    }
    return 0;
}

static int parse_resync(struct ds_command *cmd, struct words *ws)
{
    size_t i;

    cmd->verb = DS_RESYNC;
    cmd->topic = DS_TOPIC_RESYNC;
    for (i = 1; i < ws->n; i++)
    {
        if (is(ws->w[i], "revertidentity")) cmd->options |= DS_RESYNC_REVERT_IDENTITY;
        else if (is(ws->w[i], "novolumecheck")) cmd->options |= DS_RESYNC_NO_VOLUME_CHECK;
        else USAGE(DS_TOPIC_RESYNC);
    }
    return 0;
}

/* A command of one word and nothing after it. */
static int parse_bare(struct ds_command *cmd, struct words *ws, enum ds_verb verb, enum ds_topic topic)
{
    cmd->verb = verb;
    cmd->topic = topic;
    if (ws->n != 1) USAGE(topic);
    return 0;
}

/* A command of one word and exactly nargs arguments. */
static int parse_args(struct ds_command *cmd, struct words *ws, enum ds_verb verb, enum ds_topic topic,
                      size_t nargs)
{
    size_t i;
    int ret;

    cmd->verb = verb;
    cmd->topic = topic;
    if (ws->n != nargs + 1) USAGE(topic);
    for (i = 0; i < nargs; i++)
    {
        if (!*ws->w[i + 1]) USAGE(topic);
        if ((ret = take_arg(cmd, (int)i, ws, i + 1))) return ret;
    }
    return 0;
}

/* Which help text "help <words>" or "<words> /?" asks for. */
static enum ds_topic topic_of(struct words *ws, size_t from)
{
    const char *a = from < ws->n ? ws->w[from] : NULL, *b = from + 1 < ws->n ? ws->w[from + 1] : NULL;

    if (is(a, "set"))
    {
        if (is(b, "context")) return DS_TOPIC_SET_CONTEXT;
        if (is(b, "option")) return DS_TOPIC_SET_OPTION;
        if (is(b, "verbose")) return DS_TOPIC_SET_VERBOSE;
        if (is(b, "metadata")) return DS_TOPIC_SET_METADATA;
        return DS_TOPIC_SET;
    }
    if (is(a, "add"))
    {
        if (is(b, "volume")) return DS_TOPIC_ADD_VOLUME;
        if (is(b, "alias")) return DS_TOPIC_ADD_ALIAS;
        if (is(b, "shadow")) return DS_TOPIC_ADD_SHADOW;
        return DS_TOPIC_ADD;
    }
    if (is(a, "load")) return DS_TOPIC_LOAD_METADATA;
    if (is(a, "writer")) return DS_TOPIC_WRITER;
    if (is(a, "create")) return DS_TOPIC_CREATE;
    if (is(a, "exec")) return DS_TOPIC_EXEC;
    if (is(a, "begin")) return DS_TOPIC_BEGIN;
    if (is(a, "end")) return DS_TOPIC_END;
    if (is(a, "reset")) return DS_TOPIC_RESET;
    if (is(a, "list")) return DS_TOPIC_LIST;
    if (is(a, "delete")) return DS_TOPIC_DELETE_SHADOWS;
    if (is(a, "import")) return DS_TOPIC_IMPORT;
    if (is(a, "mask")) return DS_TOPIC_MASK;
    if (is(a, "expose")) return DS_TOPIC_EXPOSE;
    if (is(a, "unexpose")) return DS_TOPIC_UNEXPOSE;
    if (is(a, "break")) return DS_TOPIC_BREAK;
    if (is(a, "revert")) return DS_TOPIC_REVERT;
    if (is(a, "resync")) return DS_TOPIC_RESYNC;
    if (is(a, "exit")) return DS_TOPIC_EXIT;
    return DS_TOPIC_COMMANDS;
}

static int dispatch(struct ds_command *cmd, struct words *ws)
{
    const char *verb = ws->w[0];
    size_t i;

    if (is(verb, "help") || is(verb, "?"))
    {
        cmd->verb = DS_HELP;
        cmd->topic = topic_of(ws, 1);
        return 0;
    }
    for (i = 1; i < ws->n; i++)
    {
        if (is(ws->w[i], "/?") || is(ws->w[i], "-?"))
        {
            cmd->topic = topic_of(ws, 0);
            if (cmd->topic == DS_TOPIC_COMMANDS) return DS_PARSE_UNKNOWN;
            cmd->verb = DS_HELP;
            return 0;
        }
    }

    if (is(verb, "set")) return parse_set(cmd, ws);
    if (is(verb, "load"))
    {
        cmd->verb = DS_LOAD_METADATA;
        cmd->topic = DS_TOPIC_LOAD_METADATA;
        if (ws->n != 3 || !is(ws->w[1], "metadata") || !*ws->w[2]) USAGE(DS_TOPIC_LOAD_METADATA);
        return take_arg(cmd, 0, ws, 2);
    }
    if (is(verb, "writer"))
    {
        cmd->topic = DS_TOPIC_WRITER;
        if (ws->n >= 2 && is(ws->w[1], "verify")) cmd->verb = DS_WRITER_VERIFY;
        else if (ws->n >= 2 && is(ws->w[1], "exclude")) cmd->verb = DS_WRITER_EXCLUDE;
        else USAGE(DS_TOPIC_WRITER);
        if (ws->n < 3 || !*ws->w[2]) USAGE(DS_TOPIC_WRITER);
        return take_rest(cmd, 0, ws, 2);
    }
    if (is(verb, "add")) return parse_add(cmd, ws);
    if (is(verb, "create")) return parse_bare(cmd, ws, DS_CREATE, DS_TOPIC_CREATE);
    if (is(verb, "exec")) return parse_exec(cmd, ws);
    if (is(verb, "begin") || is(verb, "end"))
    {
        int begin = is(verb, "begin");
        cmd->topic = begin ? DS_TOPIC_BEGIN : DS_TOPIC_END;
        if (ws->n == 2 && is(ws->w[1], "backup")) cmd->verb = begin ? DS_BEGIN_BACKUP : DS_END_BACKUP;
        else if (ws->n == 2 && is(ws->w[1], "restore")) cmd->verb = begin ? DS_BEGIN_RESTORE : DS_END_RESTORE;
        else USAGE(cmd->topic);
        return 0;
    }
    if (is(verb, "reset")) return parse_bare(cmd, ws, DS_RESET, DS_TOPIC_RESET);
    if (is(verb, "list")) return parse_list(cmd, ws);
    if (is(verb, "delete")) return parse_delete(cmd, ws);
    if (is(verb, "import")) return parse_bare(cmd, ws, DS_IMPORT, DS_TOPIC_IMPORT);
    if (is(verb, "mask")) return parse_args(cmd, ws, DS_MASK, DS_TOPIC_MASK, 1);
    if (is(verb, "expose")) return parse_args(cmd, ws, DS_EXPOSE, DS_TOPIC_EXPOSE, 2);
    if (is(verb, "unexpose")) return parse_args(cmd, ws, DS_UNEXPOSE, DS_TOPIC_UNEXPOSE, 1);
    if (is(verb, "break"))
    {
        cmd->verb = DS_BREAK;
        cmd->topic = DS_TOPIC_BREAK;
        if (ws->n == 3 && is(ws->w[1], "writable")) { cmd->on = 1; return take_arg(cmd, 0, ws, 2); }
        if (ws->n == 2 && !is(ws->w[1], "writable")) return take_arg(cmd, 0, ws, 1);
        USAGE(DS_TOPIC_BREAK);
    }
    if (is(verb, "revert")) return parse_args(cmd, ws, DS_REVERT, DS_TOPIC_REVERT, 1);
    if (is(verb, "resync")) return parse_resync(cmd, ws);
    if (is(verb, "exit")) return parse_bare(cmd, ws, DS_EXIT, DS_TOPIC_EXIT);

    cmd->topic = DS_TOPIC_COMMANDS;
    return DS_PARSE_UNKNOWN;
}

static const char *no_lookup(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

int ds_parse_line(const char *line, ds_lookup_fn lookup, void *ctx, struct ds_command *cmd)
{
    struct words ws = { 0 };
    const char *p = line;
    size_t i;
    int ret;

    memset(cmd, 0, sizeof(*cmd));
    cmd->verb = DS_NOP;
    cmd->topic = DS_TOPIC_COMMANDS;
    if (!line) return 0;
    if (strlen(line) > DS_SCRIPT_MAX_LINE) return -E2BIG;
    while (is_blank(*p)) p++;
    if (!*p || *p == '#') return 0;

    if ((ret = split_words(p, &ws))) goto done;
    if (!ws.n) goto done;
    if (!lookup) lookup = no_lookup;
    for (i = 0; i < ws.n; i++)
        if ((ret = substitute(&ws.w[i], lookup, ctx, cmd))) goto done;
    ret = dispatch(cmd, &ws);

done:
    words_free(&ws);
    return ret;
}

void ds_command_free(struct ds_command *cmd)
{
    size_t i;

    if (!cmd) return;
    for (i = 0; i < 3; i++) free(cmd->arg[i]);
    for (i = 0; i < cmd->argc; i++) free(cmd->argv[i]);
    free(cmd->argv);
    for (i = 0; i < cmd->nsubst; i++)
    {
        free(cmd->subst[i].name);
        free(cmd->subst[i].value);
    }
    free(cmd->subst);
    free(cmd->undefined);
    memset(cmd, 0, sizeof(*cmd));
}

const char *ds_lookup_environ(void *ctx, const char *name)
{
    size_t len = strlen(name);
    char **e;

    (void)ctx;
    if (!len || strchr(name, '=')) return NULL;
    for (e = environ; e && *e; e++)
        if (!strncasecmp(*e, name, len) && (*e)[len] == '=') return *e + len + 1;
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int ds_parse_guid(const char *text, GUID *guid)
{
    unsigned char b[16];
    const char *p = text;
    size_t len, i, n = 0;

    if (!text) return -EINVAL;
    len = strlen(text);
    if (len == 38 && text[0] == '{' && text[37] == '}') p++;
    else if (len != 36) return -EINVAL;
    for (i = 0; i < 36; i++)
    {
        if (i == 8 || i == 13 || i == 18 || i == 23)
        {
            if (p[i] != '-') return -EINVAL;
            continue;
        }
        if (hexval(p[i]) < 0 || hexval(p[i + 1]) < 0) return -EINVAL;
        b[n++] = (unsigned char)(hexval(p[i]) << 4 | hexval(p[i + 1]));
        i++;
    }
    guid->Data1 = (unsigned int)b[0] << 24 | (unsigned int)b[1] << 16 | (unsigned int)b[2] << 8 | b[3];
    guid->Data2 = (unsigned short)(b[4] << 8 | b[5]);
    guid->Data3 = (unsigned short)(b[6] << 8 | b[7]);
    memcpy(guid->Data4, b + 8, 8);
    return 0;
}

const char *ds_verb_name(enum ds_verb verb)
{
    static const char *const names[] =
    {
        "", "HELP", "SET", "SET CONTEXT", "SET OPTION", "SET VERBOSE", "SET METADATA", "LOAD METADATA",
        "WRITER VERIFY", "WRITER EXCLUDE", "ADD", "ADD VOLUME", "ADD ALIAS", "ADD SHADOW", "CREATE",
        "EXEC", "BEGIN BACKUP", "END BACKUP", "BEGIN RESTORE", "END RESTORE", "RESET", "LIST WRITERS",
        "LIST SHADOWS", "LIST PROVIDERS", "DELETE SHADOWS", "IMPORT", "MASK", "EXPOSE", "UNEXPOSE",
        "BREAK", "REVERT", "RESYNC", "EXIT",
    };
    return (size_t)verb < sizeof(names) / sizeof(names[0]) ? names[verb] : "?";
}
