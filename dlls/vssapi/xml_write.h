/*
 * xml_write.h: writing VSS documents as text, straight into a growing buffer.
 *
 * Documents are written the way Windows writes them (VSS-FACTS.md §4): no XML
 * declaration, no indentation, attributes in double quotes, empty elements as
 * <NAME .../>.  Attribute values are escaped so that they read back exactly,
 * line ends and tabs included (&#10; &#13; &#9;), which Windows' own
 * serialiser does not do.
 *
 *     struct xml_writer w;
 *     xml_writer_init(&w);
 *     xml_begin(&w, "WRITER_METADATA");
 *     xml_attr(&w, "xmlns", WMD_NAMESPACE);
 *     xml_begin(&w, "IDENTIFICATION"); ... xml_end(&w);
 *     xml_end(&w);
 *     ret = xml_writer_finish(&w, &text, &len);   (frees w on failure)
 *
 * Errors (out of memory, a value XML cannot carry, misuse) stick: later calls
 * do nothing and xml_writer_finish() reports the first one, so callers write a
 * whole document and check once.
 *
 * Not for: reading (xml_parse.h), value spelling (xml_value.h).
 */
#ifndef UMBRA_VSSAPI_XML_WRITE_H
#define UMBRA_VSSAPI_XML_WRITE_H

#include <stddef.h>
#include <windows.h>

#define XML_WRITE_MAX_DEPTH 16

struct xml_writer
{
    char *buf;
    size_t len, size;
    int err;                                    /* first error, 0 or -errno */
    int open_tag;                               /* "<NAME attr..." not yet closed */
    int depth;
    const char *stack[XML_WRITE_MAX_DEPTH];     /* names of open elements (static strings) */
};

void xml_writer_init(struct xml_writer *w);
/* Hands over the text (NUL-terminated, malloc'd) and its length, or frees
 * everything and returns the first error. */
int xml_writer_finish(struct xml_writer *w, char **text, size_t *len);
void xml_writer_free(struct xml_writer *w);

/* name must stay valid until the matching xml_end (use string literals). */
void xml_begin(struct xml_writer *w, const char *name);
void xml_end(struct xml_writer *w);

/* Attributes of the element just begun (before any child). */
void xml_attr(struct xml_writer *w, const char *name, const char *value);
/* Writes nothing when value is NULL. */
void xml_attr_opt(struct xml_writer *w, const char *name, const char *value);
void xml_attr_bool(struct xml_writer *w, const char *name, int value);
void xml_attr_guid(struct xml_writer *w, const char *name, const GUID *guid);
void xml_attr_u32(struct xml_writer *w, const char *name, UINT32 value);
void xml_attr_u64(struct xml_writer *w, const char *name, UINT64 value);

#endif
