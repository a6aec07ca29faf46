/*
 * xml_write.c: the text writer behind SaveAsXML (see xml_write.h).
 *
 * Writing text directly, rather than building a libxml2 tree and dumping it,
 * keeps SaveAsXML of a large Backup Components Document to one pass over the
 * model and one buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/debug.h"
#include "xml_value.h"
#include "xml_write.h"

void xml_writer_init(struct xml_writer *w)
{
    memset(w, 0, sizeof(*w));
}

void xml_writer_free(struct xml_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof(*w));
}

static void fail(struct xml_writer *w, int err)
{
    if (!w->err) w->err = err;
}

static int reserve(struct xml_writer *w, size_t extra)
{
    size_t size;
    char *buf;

    if (w->err) return 0;
    if (w->len + extra + 1 <= w->size) return 1;
    size = w->size ? w->size : 4096;
    while (size < w->len + extra + 1)
    {
        if (size > SIZE_MAX / 2)
        {
            fail(w, -ENOMEM);
            return 0;
        }
        size *= 2;
    }
    if (!(buf = realloc(w->buf, size)))
    {
        fail(w, -ENOMEM);
        return 0;
    }
    w->buf = buf;
    w->size = size;
    return 1;
}

static void put(struct xml_writer *w, const char *s, size_t n)
{
    if (!reserve(w, n)) return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = 0;
}

static void puts_(struct xml_writer *w, const char *s)
{
    put(w, s, strlen(s));
}

int xml_writer_finish(struct xml_writer *w, char **text, size_t *len)
{
    int err = w->err;

    if (!err && (w->depth || w->open_tag)) err = -EINVAL;
    if (!err && !w->buf) err = -EINVAL;
    if (err)
    {
        xml_writer_free(w);
        return err;
    }
    *text = w->buf;
    *len = w->len;
    memset(w, 0, sizeof(*w));
    return 0;
}

static void close_start_tag(struct xml_writer *w)
{
    if (!w->open_tag) return;
    put(w, ">", 1);
    w->open_tag = 0;
}

void xml_begin(struct xml_writer *w, const char *name)
{
    if (w->err) return;
    if (w->depth >= XML_WRITE_MAX_DEPTH)
    {
        ERR("element %s nested too deeply\n", name);
        fail(w, -EINVAL);
        return;
    }
    close_start_tag(w);
    put(w, "<", 1);
    puts_(w, name);
    w->stack[w->depth++] = name;
    w->open_tag = 1;
}

void xml_end(struct xml_writer *w)
{
    if (w->err) return;
    if (!w->depth)
    {
        fail(w, -EINVAL);
        return;
    }
    w->depth--;
    if (w->open_tag)
    {
        put(w, "/>", 2);
        w->open_tag = 0;
        return;
    }
    put(w, "</", 2);
    puts_(w, w->stack[w->depth]);
    put(w, ">", 1);
}

/* Escapes value for a double-quoted attribute. */
static void put_escaped(struct xml_writer *w, const char *value)
{
    const char *p = value, *run = value;

    if (!xml_text_valid(value))
    {
        WARN("value %s cannot be written in XML\n", value);
        fail(w, -EILSEQ);
        return;
    }
    for (; *p; p++)
    {
        const char *esc;

        switch (*p)
        {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': esc = "&quot;"; break;
        case '\t': esc = "&#9;"; break;
        case '\n': esc = "&#10;"; break;
        case '\r': esc = "&#13;"; break;
        default: continue;
        }
        put(w, run, p - run);
        puts_(w, esc);
        run = p + 1;
    }
    put(w, run, p - run);
}

void xml_attr(struct xml_writer *w, const char *name, const char *value)
{
    if (w->err) return;
    if (!w->open_tag || !value)
    {
        fail(w, -EINVAL);
        return;
    }
    put(w, " ", 1);
    puts_(w, name);
    put(w, "=\"", 2);
    put_escaped(w, value);
    put(w, "\"", 1);
}

void xml_attr_opt(struct xml_writer *w, const char *name, const char *value)
{
    if (value) xml_attr(w, name, value);
}

void xml_attr_bool(struct xml_writer *w, const char *name, int value)
{
    xml_attr(w, name, xml_bool_text(value));
}

void xml_attr_guid(struct xml_writer *w, const char *name, const GUID *guid)
{
    char buf[XML_GUID_LEN + 1];

    xml_format_guid(guid, buf);
    xml_attr(w, name, buf);
}

void xml_attr_u32(struct xml_writer *w, const char *name, UINT32 value)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", (unsigned int)value);
    xml_attr(w, name, buf);
}

void xml_attr_u64(struct xml_writer *w, const char *name, UINT64 value)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)value);
    xml_attr(w, name, buf);
}
