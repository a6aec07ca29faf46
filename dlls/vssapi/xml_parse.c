/*
 * xml_parse.c: the guarded SAX2 reader behind every VSS document loader (see
 * xml_parse.h for the rules it enforces and why).
 *
 * libxml2 pulls its input through a read callback, so a BSTR is converted to
 * UTF-8 a few kilobytes at a time and a buffer is handed over in slices: the
 * parser never holds more than its working window, and no DOM is built.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <windows.h>
#include <vsserror.h>
#include "umbra/debug.h"
#include "wstr.h"
#include "xml_parse.h"

struct parse_state
{
    xmlParserCtxtPtr ctxt;
    const struct xml_handler *handler;
    void *ctx;
    int err;                /* first error; the parser is stopped when set */
    int depth;              /* elements open, skipped ones included */
    int skip_from;          /* depth of the element being skipped, or -1 */
    struct xml_attr *attrs;
    int attrs_size;
    char *values;           /* NUL-terminated copies of the attribute values */
    size_t values_size;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml2(void)
{
    /* libxml2 wants this once per process before parsing from several threads */
    xmlInitParser();
}

static void stop(struct parse_state *st, int err)
{
    if (!st->err) st->err = err;
    xmlStopParser(st->ctxt);
}

/* Copies an attribute value and NUL-terminates it; returns its length.
 * Without XML_PARSE_NOENT (which this reader never sets) libxml2 hands SAX an
 * ampersand, from &amp; or &#38;, as the five characters "&#38;" so that a
 * tree builder can re-parse it; a bare '&' cannot reach a value any other way,
 * so every "&#38;" here is one '&'. */
static size_t copy_value(char *dst, const char *src, size_t len)
{
    const char *amp, *end = src + len;
    size_t n = 0;

    while ((amp = memchr(src, '&', end - src)))
    {
        memcpy(dst + n, src, amp - src);
        n += amp - src;
        dst[n++] = '&';
        src = amp + 1;
        if (end - src >= 4 && !memcmp(src, "#38;", 4)) src += 4;
    }
    memcpy(dst + n, src, end - src);
    n += end - src;
    dst[n] = 0;
    return n;
}

/* Copies the unprefixed attributes into st->attrs and st->values. */
static int collect_attrs(struct parse_state *st, int count, const xmlChar **attributes)
{
    size_t total = 0, pos = 0;
    int i, n = 0;

    for (i = 0; i < count; i++)
        total += (attributes[5 * i + 4] - attributes[5 * i + 3]) + 1;
    if (count > st->attrs_size)
    {
        struct xml_attr *attrs = realloc(st->attrs, count * sizeof(*attrs));
        if (!attrs) return -ENOMEM;
        st->attrs = attrs;
        st->attrs_size = count;
    }
    if (total > st->values_size)
    {
        size_t size = total < 1024 ? 1024 : total;
        char *values = realloc(st->values, size);
        if (!values) return -ENOMEM;
        st->values = values;
        st->values_size = size;
    }
    for (i = 0; i < count; i++)
    {
        const xmlChar **a = attributes + 5 * i;
        size_t len = a[4] - a[3];

        if (a[2]) continue;     /* namespaced (prefixed) attribute: not ours */
        len = copy_value(st->values + pos, (const char *)a[3], len);
        st->attrs[n].name = (const char *)a[0];
        st->attrs[n].value = st->values + pos;
        st->attrs[n].len = len;
        pos += len + 1;
        n++;
    }
    return n;
}

static void on_start(void *user, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    struct parse_state *st = user;
    const struct xml_handler *h = st->handler;
    struct xml_element el;
    int ret, depth = st->depth;

    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;

    if (st->err) return;
    if (depth >= XML_MAX_DEPTH)
    {
        WARN("elements nested deeper than %d\n", XML_MAX_DEPTH);
        stop(st, -EBADMSG);
        return;
    }
    st->depth++;
    if (st->skip_from >= 0) return;

    if (!depth)
    {
        if (strcmp((const char *)localname, h->root) || !uri || strcmp((const char *)uri, h->ns))
        {
            WARN("root is {%s}%s, expected {%s}%s\n", uri ? (const char *)uri : "",
                 localname, h->ns, h->root);
            stop(st, -EPROTO);
            return;
        }
    }
    else if (uri && strcmp((const char *)uri, h->ns))
    {
        TRACE("skipping {%s}%s\n", uri, localname);
        st->skip_from = depth;
        return;
    }

    if ((ret = collect_attrs(st, nb_attributes, attributes)) < 0)
    {
        stop(st, ret);
        return;
    }
    el.name = (const char *)localname;
    el.depth = depth;
    el.attrs = st->attrs;
    el.nattrs = ret;
    ret = h->start(st->ctx, &el);
    if (ret < 0) stop(st, ret);
    else if (ret == XML_SKIP) st->skip_from = depth;
}

static void on_end(void *user, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    struct parse_state *st = user;
    struct xml_element el;
    int ret;

    (void)prefix;
    (void)uri;

    if (st->err) return;
    st->depth--;
    if (st->skip_from >= 0)
    {
        if (st->depth == st->skip_from) st->skip_from = -1;
        return;
    }
    if (!st->handler->end) return;
    el.name = (const char *)localname;
    el.depth = st->depth;
    el.attrs = NULL;
    el.nattrs = 0;
    if ((ret = st->handler->end(st->ctx, &el)) < 0) stop(st, ret);
}

static void on_doctype(void *user, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
    struct parse_state *st = user;

    (void)external_id;
    (void)system_id;
    WARN("refusing a document type declaration (%s)\n", name);
    stop(st, -EBADMSG);
}

static void on_error(void *user, xmlErrorPtr error)
{
    /* kept in the context's last error and reported once by parse() */
    (void)user;
    (void)error;
}

static int parse(xmlInputReadCallback read, void *source, const struct xml_handler *handler, void *ctx)
{
    struct parse_state st;
    xmlSAXHandler sax;
    int ret;

    pthread_once(&init_once, init_libxml2);

    memset(&st, 0, sizeof(st));
    st.handler = handler;
    st.ctx = ctx;
    st.skip_from = -1;

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.internalSubset = on_doctype;
    sax.externalSubset = on_doctype;
    sax.serror = on_error;

    if (!(st.ctxt = xmlCreateIOParserCtxt(&sax, &st, read, NULL, source, XML_CHAR_ENCODING_UTF8)))
        return -ENOMEM;
    xmlCtxtUseOptions(st.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                      | XML_PARSE_IGNORE_ENC);
    xmlParseDocument(st.ctxt);

    if (st.err) ret = st.err;
    else if (!st.ctxt->wellFormed)
    {
        xmlErrorPtr e = xmlCtxtGetLastError(st.ctxt);

        WARN("not well-formed XML, line %d: %s", e ? e->line : 0,
             e && e->message ? e->message : "(no message)\n");
        ret = e && e->code == XML_ERR_NO_MEMORY ? -ENOMEM : -EBADMSG;
    }
    else ret = 0;

    xmlFreeParserCtxt(st.ctxt);
    free(st.attrs);
    free(st.values);
    return ret;
}

struct utf8_source
{
    const char *text;
    size_t left;
};

static int read_utf8(void *context, char *buf, int len)
{
    struct utf8_source *src = context;
    size_t n = src->left < (size_t)len ? src->left : (size_t)len;

    if (!n) return 0;
    memcpy(buf, src->text, n);
    src->text += n;
    src->left -= n;
    return n;
}

int xml_parse_utf8(const char *text, size_t len, const struct xml_handler *handler, void *ctx)
{
    struct utf8_source src = { text, len };

    if (len > XML_MAX_INPUT)
    {
        WARN("document of %zu bytes is over the limit\n", len);
        return -E2BIG;
    }
    return parse(read_utf8, &src, handler, ctx);
}

struct wstr_source
{
    const WCHAR *str;
    size_t left;            /* characters not yet converted */
    size_t produced;        /* bytes handed to the parser */
    char pending[4];        /* bytes of a character that did not fit */
    size_t npending;
    int err;
};

static int read_wstr(void *context, char *buf, int len)
{
    struct wstr_source *src = context;
    size_t pos = 0, size = len;

    while (src->npending && pos < size)
    {
        buf[pos++] = src->pending[0];
        memmove(src->pending, src->pending + 1, --src->npending);
    }
    while (src->left && pos < size)
    {
        UINT32 c = *src->str;
        size_t n;

        if (c < 0x80)
        {
            buf[pos++] = c;
        }
        else
        {
            char tmp[4];

            if (!(n = utf8_encode(c, tmp)))
            {
                WARN("character %#x is not Unicode\n", c);
                src->err = -EILSEQ;
                return -1;
            }
            if (pos + n <= size)
            {
                memcpy(buf + pos, tmp, n);
                pos += n;
            }
            else
            {
                size_t fit = size - pos;
                memcpy(buf + pos, tmp, fit);
                memcpy(src->pending, tmp + fit, n - fit);
                src->npending = n - fit;
                pos += fit;
            }
        }
        src->str++;
        src->left--;
    }
    src->produced += pos;
    if (src->produced > XML_MAX_INPUT)
    {
        WARN("document is over the limit of %u bytes\n", XML_MAX_INPUT);
        src->err = -E2BIG;
        return -1;
    }
    return pos;
}

int xml_parse_wstr(const WCHAR *str, const struct xml_handler *handler, void *ctx)
{
    struct wstr_source src;
    int ret;

    memset(&src, 0, sizeof(src));
    src.str = str;
    src.left = wcslen(str);
    /* every character is at least one byte of UTF-8 */
    if (src.left > XML_MAX_INPUT)
    {
        WARN("document of %zu characters is over the limit\n", src.left);
        return -E2BIG;
    }
    ret = parse(read_wstr, &src, handler, ctx);
    return src.err ? src.err : ret;
}

const char *xml_attr_get(const struct xml_element *el, const char *name)
{
    int i;

    for (i = 0; i < el->nattrs; i++)
        if (!strcmp(el->attrs[i].name, name)) return el->attrs[i].value;
    return NULL;
}

HRESULT xml_hresult(int err)
{
    if (!err) return S_OK;
    if (err == -ENOMEM) return E_OUTOFMEMORY;
    return VSS_E_INVALID_XML_DOCUMENT;
}
