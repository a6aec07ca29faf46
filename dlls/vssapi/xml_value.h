/*
 * xml_value.h: how VSS documents spell values in attributes (VSS-FACTS.md §4.1).
 *
 * Booleans are "yes"/"no"; GUIDs have no braces and are written lower-case
 * (read in either case); numbers, bit masks included, are unsigned decimal;
 * enumerations are tokens such as "BOOTABLE_SYSTEM_STATE" or "full"; binary
 * data (component icons) is base64.  Every parser here is strict: it accepts
 * exactly the spelling and nothing around it, and returns 0 or -EINVAL.
 *
 * Not for: escaping (xml_write.h), reading documents (xml_parse.h).
 */
#ifndef UMBRA_VSSAPI_XML_VALUE_H
#define UMBRA_VSSAPI_XML_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>

/* "yes" / "no" (case-insensitive on input). */
int xml_parse_bool(const char *text, int *value);
const char *xml_bool_text(int value);

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits in either case, no braces. */
#define XML_GUID_LEN 36
int xml_parse_guid(const char *text, GUID *guid);
/* Writes XML_GUID_LEN lower-case characters and a NUL into buf. */
void xml_format_guid(const GUID *guid, char buf[XML_GUID_LEN + 1]);

/* Unsigned decimal without sign, spaces or leading "+"; overflow is an error. */
int xml_parse_u32(const char *text, UINT32 *value);
int xml_parse_u64(const char *text, UINT64 *value);

/* Enumerations: a table maps VSS enum values to the tokens documents use. */
struct xml_token
{
    int value;
    const char *text;
};
/* Token lookup is case-insensitive; tables end with { 0, NULL }. */
int xml_parse_token(const struct xml_token *table, const char *text, int *value);
/* NULL when value is not in the table. */
const char *xml_token_text(const struct xml_token *table, int value);

extern const struct xml_token xml_usage_tokens[];           /* VSS_USAGE_TYPE */
extern const struct xml_token xml_source_tokens[];          /* VSS_SOURCE_TYPE */
extern const struct xml_token xml_restore_method_tokens[];  /* VSS_RESTOREMETHOD_ENUM */
extern const struct xml_token xml_writer_restore_tokens[];  /* VSS_WRITERRESTORE_ENUM */
extern const struct xml_token xml_component_type_tokens[];  /* VSS_COMPONENT_TYPE */
extern const struct xml_token xml_backup_type_tokens[];     /* VSS_BACKUP_TYPE */
extern const struct xml_token xml_restore_type_tokens[];    /* VSS_RESTORE_TYPE */
extern const struct xml_token xml_restore_target_tokens[];  /* VSS_RESTORE_TARGET */
extern const struct xml_token xml_file_restore_status_tokens[]; /* VSS_FILE_RESTORE_STATUS */
extern const struct xml_token xml_rollforward_tokens[];     /* VSS_ROLLFORWARD_TYPE */

/* base64 (RFC 4648, with padding).  Encoding returns a malloc'd string;
 * decoding a malloc'd buffer (never NULL on success, even for size 0). */
int xml_base64_encode(const unsigned char *data, size_t size, char **text);
int xml_base64_decode(const char *text, unsigned char **data, size_t *size);

/* Is text valid UTF-8 made only of characters XML 1.0 can carry?  Control
 * characters other than tab, LF and CR, U+FFFE and U+FFFF cannot be written
 * in a document even as character references. */
int xml_text_valid(const char *text);

#endif
