/*
 * xml_parse.h: reading VSS documents safely, as a stream of elements.
 *
 * Documents come from other processes and from files (a writer's metadata, a
 * saved Backup Components Document), so they are hostile input.  The reader
 * is libxml2's SAX2 parser fed through a read callback (no DOM, no copy of
 * the whole input) with these rules:
 *
 *  - no DTD at all: a <!DOCTYPE> stops the parse (VSS documents never carry
 *    one; their x-schema namespaces name inline XDR schemas, nothing to load),
 *    so no entity can be declared, expanded or fetched; XML_PARSE_NONET, and
 *    never NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE;
 *  - input at most XML_MAX_INPUT bytes of UTF-8 (64 MiB: thirty times the
 *    largest document Windows writes, the System Writer's 2 MB WMD, while
 *    keeping a hostile input's cost bounded); libxml2's own limits stay on
 *    (an attribute value at most 10,000,000 bytes);
 *  - elements nested at most XML_MAX_DEPTH deep (64: the deepest VSS
 *    document, a transportable BCD, has 6 levels);
 *  - the encoding is always UTF-8 whatever the XML declaration says, because
 *    the caller converted the BSTR itself.
 *
 * The handler sees elements in the document's namespace or in none (Windows
 * writes BACKUP_METADATA with xmlns=""); elements of other namespaces are
 * skipped with their subtrees.  Only unprefixed attributes are passed.
 *
 * Results: 0; -EBADMSG not well-formed or refused (DOCTYPE, too deep); -EPROTO
 * wrong root element or namespace (and what handlers return for content that
 * is not a valid VSS document); -E2BIG too large; -EILSEQ the WCHAR input is
 * not valid Unicode; -ENOMEM.  At the API boundary xml_hresult() turns these
 * into VSS_E_INVALID_XML_DOCUMENT (what Microsoft documents for
 * CreateVssExamineWriterMetadata, LoadFromXML and InitializeForRestore) or
 * E_OUTOFMEMORY.
 *
 * Not for: writing (xml_write.h), value spelling (xml_value.h).
 */
#ifndef UMBRA_VSSAPI_XML_PARSE_H
#define UMBRA_VSSAPI_XML_PARSE_H

#include <stddef.h>
#include <windows.h>

#define XML_MAX_INPUT (64u << 20)
#define XML_MAX_DEPTH 64

struct xml_attr
{
    const char *name;       /* local name */
    const char *value;      /* NUL-terminated, valid only during the callback */
    size_t len;
};

struct xml_element
{
    const char *name;       /* local name */
    int depth;              /* 0 for the root */
    const struct xml_attr *attrs;
    int nattrs;
};

/* Return value of start(): */
#define XML_DESCEND 0       /* report the children */
#define XML_SKIP 1          /* skip this element's subtree (end() is not called) */

struct xml_handler
{
    const char *root;       /* required root element name */
    const char *ns;         /* required namespace of the root */
    /* XML_DESCEND, XML_SKIP or a negative errno that stops the parse */
    int (*start)(void *ctx, const struct xml_element *el);
    /* 0 or a negative errno; may be NULL */
    int (*end)(void *ctx, const struct xml_element *el);
};

int xml_parse_utf8(const char *text, size_t len, const struct xml_handler *handler, void *ctx);
/* str is NUL-terminated (a BSTR is read up to its NUL, not by its prefix, so
 * that a plain WCHAR string passed as a BSTR works as on Windows). */
int xml_parse_wstr(const WCHAR *str, const struct xml_handler *handler, void *ctx);

/* Value of attribute name, or NULL. */
const char *xml_attr_get(const struct xml_element *el, const char *name);

/* HRESULT for a document error (see above). */
HRESULT xml_hresult(int err);

#endif
