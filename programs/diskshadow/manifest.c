/*
 * manifest.c: Manifest.xml of diskshadow's metadata cabinet (VSS-FACTS.md
 * §4.4), built and parsed as UTF-8 text.
 *
 * Windows writes it on one line with its own spacing: "Name = 'value'",
 * a space before every '>', spaces inside writer names written as "%s".
 * We write the same; we read it with libxml2 (the spacing is legal XML).
 * The UTF-16LE encoding of the cabinet member is cab.c's business.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cab.h"

struct strbuf
{
    char *data;
    size_t len, cap;
    int failed;
};

static void sb_put(struct strbuf *b, const char *text, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap)
    {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->data, cap);
        if (!p) { b->failed = 1; return; }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = 0;
}

static void sb_str(struct strbuf *b, const char *text)
{
    sb_put(b, text, strlen(text));
}

/* A value between single quotes: what would end it or start markup is escaped. */
static void sb_value(struct strbuf *b, const char *value, int spaces_as_percent_s)
{
    const char *p;

    for (p = value ? value : ""; *p; p++)
    {
        switch (*p)
        {
        case '\'': sb_str(b, "&apos;"); break;
        case '&': sb_str(b, "&amp;"); break;
        case '<': sb_str(b, "&lt;"); break;
        case ' ': sb_str(b, spaces_as_percent_s ? "%s" : " "); break;
        default: sb_put(b, p, 1);
        }
    }
}

static void sb_attr(struct strbuf *b, const char *name, const char *value, int spaces_as_percent_s)
{
    sb_str(b, name);
    sb_str(b, " = '");
    sb_value(b, value, spaces_as_percent_s);
    sb_str(b, "' ");
}

static void sb_guid_attr(struct strbuf *b, const char *name, const GUID *id)
{
    char g[DS_GUID_CHARS];
    sb_attr(b, name, ds_format_guid(g, id), 0);
}

char *ds_manifest_build(const struct ds_manifest *m)
{
    struct strbuf b = { 0 };
    char count[16];
    size_t i;

    sb_str(&b, "<Manifest ><ShadowCopySet ");
    sb_guid_attr(&b, "GUID", &m->set_id);
    sb_attr(&b, "MachineName", m->machine, 0);
    sb_str(&b, ">");
    for (i = 0; i < m->nshadows; i++)
    {
        sb_str(&b, "<ShadowCopy ");
        sb_guid_attr(&b, "GUID", &m->shadows[i].id);
        sb_attr(&b, "Alias", m->shadows[i].alias, 0);
        sb_attr(&b, "OriginalVolume", m->shadows[i].original_volume, 0);
        sb_guid_attr(&b, "Provider", &m->shadows[i].provider);
        sb_str(&b, "></ShadowCopy>");
    }
    sb_str(&b, "</ShadowCopySet>");
    if (m->bcd_file)
    {
        sb_str(&b, "<BackupComponents ");
        sb_attr(&b, "File", m->bcd_file, 0);
        sb_str(&b, "></BackupComponents>");
    }
    sb_str(&b, "<Aliases >");
    for (i = 0; i < m->naliases; i++)
    {
        sb_str(&b, "<Alias ");
        sb_attr(&b, "Name", m->alias_names[i], 0);
        sb_attr(&b, "Value", m->alias_values[i], 0);
        sb_str(&b, "></Alias>");
    }
    sb_str(&b, "</Aliases><Writers ");
    snprintf(count, sizeof(count), "%u", (unsigned int)m->nwriters);
    sb_attr(&b, "Count", count, 0);
    sb_str(&b, ">");
    for (i = 0; i < m->nwriters; i++)
    {
        sb_str(&b, "<Writer ");
        sb_attr(&b, "Name", m->writer_names[i], 1);
        sb_attr(&b, "MetadataFile", m->writer_files[i], 0);
        sb_str(&b, "></Writer>");
    }
    sb_str(&b, "</Writers>");
    if (m->logfile)
    {
        sb_str(&b, "<Logfile ");
        sb_attr(&b, "Name", m->logfile, 0);
        sb_str(&b, "></Logfile>");
    }
    sb_str(&b, "</Manifest>");
    if (b.failed)
    {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* --- parsing ---------------------------------------------------------------------------- */

static int is_element(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)name);
}

/* An attribute as a malloc'ed string ("" when absent), "%s" turned back into
 * spaces when asked (writer names). */
static char *attr(xmlNode *n, const char *name, int percent_s, int *failed)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    const char *src = v ? (const char *)v : "";
    char *out = malloc(strlen(src) + 1), *o = out;

    if (!out) { *failed = 1; xmlFree(v); return NULL; }
    while (*src)
    {
        if (percent_s && src[0] == '%' && src[1] == 's') { *o++ = ' '; src += 2; }
        else *o++ = *src++;
    }
    *o = 0;
    xmlFree(v);
    return out;
}

static int attr_guid(xmlNode *n, const char *name, GUID *id)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int ret = v ? ds_parse_guid((const char *)v, id) : -EINVAL;
    xmlFree(v);
    return ret;
}

/* Append a pair to two parallel lists; takes ownership of x and y either way. */
static int push_pair(char ***a, char ***b, size_t *n, char *x, char *y)
{
    char **bigger;

    if (!x || !y) goto fail;
    if (!(bigger = realloc(*a, (*n + 1) * sizeof(*bigger)))) goto fail;
    *a = bigger;
    if (!(bigger = realloc(*b, (*n + 1) * sizeof(*bigger)))) goto fail;
    *b = bigger;
    (*a)[*n] = x;
    (*b)[*n] = y;
    (*n)++;
    return 0;
fail:
    free(x);
    free(y);
    return -ENOMEM;
}

int ds_manifest_parse(const char *text, struct ds_manifest *m)
{
    xmlDoc *doc;
    xmlNode *root, *n, *c;
    int failed = 0, ret = 0;

    memset(m, 0, sizeof(*m));
    if (!text || strlen(text) > DS_CAB_MAX_MEMBER) return -EINVAL;
    doc = xmlReadMemory(text, (int)strlen(text), "Manifest.xml", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return -EINVAL;
    root = xmlDocGetRootElement(doc);
    if (!root || !is_element(root, "Manifest"))
    {
        xmlFreeDoc(doc);
        return -EINVAL;
    }
    for (n = root->children; n && !failed && !ret; n = n->next)
    {
        if (is_element(n, "ShadowCopySet"))
        {
            if (attr_guid(n, "GUID", &m->set_id)) ret = -EINVAL;
            free(m->machine);
            m->machine = attr(n, "MachineName", 0, &failed);
            for (c = n->children; c && !failed && !ret; c = c->next)
            {
                struct ds_manifest_shadow *sh;
                if (!is_element(c, "ShadowCopy")) continue;
                if (!(sh = realloc(m->shadows, (m->nshadows + 1) * sizeof(*sh)))) { failed = 1; break; }
                m->shadows = sh;
                sh += m->nshadows;
                memset(sh, 0, sizeof(*sh));
                if (attr_guid(c, "GUID", &sh->id)) ret = -EINVAL;
                attr_guid(c, "Provider", &sh->provider);  /* GUID_NULL when unreadable */
                sh->alias = attr(c, "Alias", 0, &failed);
                sh->original_volume = attr(c, "OriginalVolume", 0, &failed);
                m->nshadows++;
            }
        }
        else if (is_element(n, "BackupComponents"))
        {
            free(m->bcd_file);
            m->bcd_file = attr(n, "File", 0, &failed);
        }
        else if (is_element(n, "Aliases"))
        {
            for (c = n->children; c && !failed; c = c->next)
            {
                if (!is_element(c, "Alias")) continue;
                if (push_pair(&m->alias_names, &m->alias_values, &m->naliases, attr(c, "Name", 0, &failed),
                              attr(c, "Value", 0, &failed)))
                    failed = 1;
            }
        }
        else if (is_element(n, "Writers"))
        {
            for (c = n->children; c && !failed; c = c->next)
            {
                if (!is_element(c, "Writer")) continue;
                if (push_pair(&m->writer_names, &m->writer_files, &m->nwriters, attr(c, "Name", 1, &failed),
                              attr(c, "MetadataFile", 0, &failed)))
                    failed = 1;
            }
        }
        else if (is_element(n, "Logfile"))
        {
            free(m->logfile);
            m->logfile = attr(n, "Name", 0, &failed);
        }
    }
    xmlFreeDoc(doc);
    if (failed) ret = -ENOMEM;
    if (ret) ds_manifest_free(m);
    return ret;
}

void ds_manifest_free(struct ds_manifest *m)
{
    size_t i;

    if (!m) return;
    free(m->machine);
    for (i = 0; i < m->nshadows; i++)
    {
        free(m->shadows[i].alias);
        free(m->shadows[i].original_volume);
    }
    free(m->shadows);
    free(m->bcd_file);
    for (i = 0; i < m->naliases; i++)
    {
        free(m->alias_names[i]);
        free(m->alias_values[i]);
    }
    free(m->alias_names);
    free(m->alias_values);
    for (i = 0; i < m->nwriters; i++)
    {
        free(m->writer_names[i]);
        free(m->writer_files[i]);
    }
    free(m->writer_names);
    free(m->writer_files);
    free(m->logfile);
    memset(m, 0, sizeof(*m));
}
