/*
 * test_vssadmin_blocks.h: vssadmin output read the way monitoring scripts
 * read it (Nagios/Icinga checks, PowerShell parsers of `vssadmin list
 * writers`): CRLF or LF, the banner skipped up to its blank line, a record
 * per unindented line with the indented lines under it, and each line split
 * at its first ": " into a label and a value.  A line without one is a label
 * with an empty value ("Shadow Copy Storage association").
 *
 * The same code reads the samples captured on Windows and Umbra's output, so
 * the tests can say both give the same fields (VSS-FACTS.md §5.3).
 */
#ifndef TEST_VSSADMIN_BLOCKS_H
#define TEST_VSSADMIN_BLOCKS_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define VB_MAX_FIELDS 64
#define VB_MAX_RECORDS 128

struct vb_field
{
    char key[128];
    char value[512];
    int indent;
};

struct vb_record
{
    struct vb_field fields[VB_MAX_FIELDS];
    int count;
};

struct vb_doc
{
    struct vb_record records[VB_MAX_RECORDS];
    int count;
    int overflow;               /* more than the arrays hold */
};

/* Parse text into a calloc'd document (free() it). */
static inline struct vb_doc *vb_parse(const char *text)
{
    struct vb_doc *doc = calloc(1, sizeof(*doc));
    const char *line = text, *end;
    int in_banner = 1;

    if (!doc) return NULL;
    for (; line && *line; line = *end ? end + 1 : end)
    {
        char buf[1024];
        size_t len, indent = 0;
        struct vb_record *rec;
        struct vb_field *f;
        const char *colon;

        end = strchr(line, '\n');
        if (!end) end = line + strlen(line);
        len = (size_t)(end - line);
        if (len && line[len - 1] == '\r') len--;
        if (len >= sizeof(buf)) len = sizeof(buf) - 1;
        memcpy(buf, line, len);
        buf[len] = 0;
        if (in_banner)
        {
            if (!len) in_banner = 0;
            continue;
        }
        if (!len) continue;
        while (buf[indent] == ' ') indent++;
        if (!indent || !doc->count)
        {
            if (doc->count == VB_MAX_RECORDS)
            {
                doc->overflow = 1;
                continue;
            }
            doc->count++;
        }
        rec = &doc->records[doc->count - 1];
        if (rec->count == VB_MAX_FIELDS)
        {
            doc->overflow = 1;
            continue;
        }
        f = &rec->fields[rec->count++];
        f->indent = (int)indent;
        if ((colon = strstr(buf + indent, ": ")) || ((colon = strchr(buf + indent, ':')) && !colon[1]))
        {
            snprintf(f->key, sizeof(f->key), "%.*s", (int)(colon - buf - indent), buf + indent);
            snprintf(f->value, sizeof(f->value), "%s", colon[1] ? colon + 2 : "");
        }
        else snprintf(f->key, sizeof(f->key), "%s", buf + indent);
    }
    return doc;
}

/* A label with its numbers made '#' ("Contained # shadow copies at creation time"). */
static inline void vb_shape(char *out, size_t size, const char *key)
{
    size_t i;

    for (i = 0; key[i] && i + 1 < size; i++) out[i] = isdigit((unsigned char)key[i]) ? '#' : key[i];
    out[i] = 0;
}

/* The field of a record with that label, or NULL. */
static inline const char *vb_get(const struct vb_record *rec, const char *key)
{
    int i;

    for (i = 0; i < rec->count; i++)
        if (!strcmp(rec->fields[i].key, key)) return rec->fields[i].value;
    return NULL;
}

/* Same labels at the same indents in the same order (numbers aside). */
static inline int vb_same_shape(const struct vb_record *a, const struct vb_record *b)
{
    char ka[128], kb[128];
    int i;

    if (a->count != b->count) return 0;
    for (i = 0; i < a->count; i++)
    {
        vb_shape(ka, sizeof(ka), a->fields[i].key);
        vb_shape(kb, sizeof(kb), b->fields[i].key);
        if (strcmp(ka, kb) || a->fields[i].indent != b->fields[i].indent) return 0;
    }
    return 1;
}

/* Every label of a, in order and at its indent, is in b (b may add some). */
static inline int vb_shape_within(const struct vb_record *a, const struct vb_record *b)
{
    char ka[128], kb[128];
    int i, j = 0;

    for (i = 0; i < a->count; i++)
    {
        vb_shape(ka, sizeof(ka), a->fields[i].key);
        for (; j < b->count; j++)
        {
            vb_shape(kb, sizeof(kb), b->fields[j].key);
            if (!strcmp(ka, kb) && a->fields[i].indent == b->fields[j].indent) break;
        }
        if (j++ == b->count) return 0;
    }
    return 1;
}

/* Same records, labels, indents and values. */
static inline int vb_equal(const struct vb_doc *a, const struct vb_doc *b)
{
    int r, i;

    if (a->count != b->count || a->overflow || b->overflow) return 0;
    for (r = 0; r < a->count; r++)
    {
        if (a->records[r].count != b->records[r].count) return 0;
        for (i = 0; i < a->records[r].count; i++)
        {
            const struct vb_field *x = &a->records[r].fields[i], *y = &b->records[r].fields[i];
            if (strcmp(x->key, y->key) || strcmp(x->value, y->value) || x->indent != y->indent) return 0;
        }
    }
    return 1;
}

#endif
