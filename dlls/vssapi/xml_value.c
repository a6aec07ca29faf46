/*
 * xml_value.c: attribute value spellings of VSS documents (see xml_value.h).
 *
 * Tokens marked [C] in VSS-FACTS.md §3.3 are Windows' own; the others are
 * unconfirmed there and chosen here to follow the confirmed ones (upper-case
 * with underscores in the WMD, lower-case words in the BCD), and are pinned
 * by tests/unit/test_wmd*.c and test_bcd*.c so that a change is deliberate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "wstr.h"
#include "xml_value.h"

int xml_parse_bool(const char *text, int *value)
{
    if (!strcasecmp(text, "yes")) *value = 1;
    else if (!strcasecmp(text, "no")) *value = 0;
    else return -EINVAL;
    return 0;
}

const char *xml_bool_text(int value)
{
    return value ? "yes" : "no";
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads 2 * bytes hex digits from text as a big-endian number. */
static int parse_hex(const char *text, int bytes, UINT64 *value)
{
    UINT64 v = 0;
    int i, d;

    for (i = 0; i < 2 * bytes; i++)
    {
        if ((d = hex_value(text[i])) < 0) return -EINVAL;
        v = (v << 4) | d;
    }
    *value = v;
    return 0;
}

int xml_parse_guid(const char *text, GUID *guid)
{
    UINT64 v;
    int i;

    if (strlen(text) != XML_GUID_LEN) return -EINVAL;
    if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return -EINVAL;
    if (parse_hex(text, 4, &v)) return -EINVAL;
    guid->Data1 = v;
    if (parse_hex(text + 9, 2, &v)) return -EINVAL;
    guid->Data2 = v;
    if (parse_hex(text + 14, 2, &v)) return -EINVAL;
    guid->Data3 = v;
    for (i = 0; i < 8; i++)
    {
        if (parse_hex(text + (i < 2 ? 19 + 2 * i : 24 + 2 * (i - 2)), 1, &v)) return -EINVAL;
        guid->Data4[i] = v;
    }
    return 0;
}

void xml_format_guid(const GUID *guid, char buf[XML_GUID_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *d4 = guid->Data4;
    char *p = buf;
    int i;

    for (i = 28; i >= 0; i -= 4) *p++ = digits[(guid->Data1 >> i) & 0xf];
    *p++ = '-';
    for (i = 12; i >= 0; i -= 4) *p++ = digits[(guid->Data2 >> i) & 0xf];
    *p++ = '-';
    for (i = 12; i >= 0; i -= 4) *p++ = digits[(guid->Data3 >> i) & 0xf];
    *p++ = '-';
    for (i = 0; i < 8; i++)
    {
        if (i == 2) *p++ = '-';
        *p++ = digits[d4[i] >> 4];
        *p++ = digits[d4[i] & 0xf];
    }
    *p = 0;
}

int xml_parse_u64(const char *text, UINT64 *value)
{
    UINT64 v = 0;

    if (!*text) return -EINVAL;
    for (; *text; text++)
    {
        if (*text < '0' || *text > '9') return -EINVAL;
        if (v > (UINT64_MAX - (*text - '0')) / 10) return -EINVAL;
        v = v * 10 + (*text - '0');
    }
    *value = v;
    return 0;
}

int xml_parse_u32(const char *text, UINT32 *value)
{
    UINT64 v;

    if (xml_parse_u64(text, &v) || v > UINT32_MAX) return -EINVAL;
    *value = v;
    return 0;
}

int xml_parse_token(const struct xml_token *table, const char *text, int *value)
{
    for (; table->text; table++)
    {
        if (!strcasecmp(table->text, text))
        {
            *value = table->value;
            return 0;
        }
    }
    return -EINVAL;
}

const char *xml_token_text(const struct xml_token *table, int value)
{
    for (; table->text; table++)
        if (table->value == value) return table->text;
    return NULL;
}

/* VSS_USAGE_TYPE: BOOTABLE_SYSTEM_STATE, SYSTEM_SERVICE, USER_DATA [C]. */
const struct xml_token xml_usage_tokens[] =
{
    { 0, "UNDEFINED" },
    { 1, "BOOTABLE_SYSTEM_STATE" },
    { 2, "SYSTEM_SERVICE" },
    { 3, "USER_DATA" },
    { 4, "OTHER" },
    { 0, NULL }
};

/* VSS_SOURCE_TYPE: TRANSACTION_DB, OTHER [C]. */
const struct xml_token xml_source_tokens[] =
{
    { 0, "UNDEFINED" },
    { 1, "TRANSACTION_DB" },
    { 2, "NONTRANSACTION_DB" },
    { 3, "OTHER" },
    { 0, NULL }
};

/* VSS_RESTOREMETHOD_ENUM: RESTORE_IF_CAN_BE_REPLACED, REPLACE_AT_REBOOT,
 * REPLACE_AT_REBOOT_IF_CANNOT_REPLACE [C]. */
const struct xml_token xml_restore_method_tokens[] =
{
    { 0, "UNDEFINED" },
    { 1, "RESTORE_IF_NOT_THERE" },
    { 2, "RESTORE_IF_CAN_BE_REPLACED" },
    { 3, "STOP_RESTORE_START" },
    { 4, "RESTORE_TO_ALTERNATE_LOCATION" },
    { 5, "REPLACE_AT_REBOOT" },
    { 6, "REPLACE_AT_REBOOT_IF_CANNOT_REPLACE" },
    { 7, "CUSTOM" },
    { 8, "RESTORE_STOP_START" },
    { 0, NULL }
};

/* VSS_WRITERRESTORE_ENUM: never, always [C]. */
const struct xml_token xml_writer_restore_tokens[] =
{
    { 0, "undefined" },
    { 1, "never" },
    { 2, "ifReplaceFails" },
    { 3, "always" },
    { 0, NULL }
};

/* VSS_COMPONENT_TYPE: filegroup [C].  VSS_CT_UNDEFINED has no token: a
 * component always has a type. */
const struct xml_token xml_component_type_tokens[] =
{
    { 1, "database" },
    { 2, "filegroup" },
    { 0, NULL }
};

/* VSS_BACKUP_TYPE: full [C]. */
const struct xml_token xml_backup_type_tokens[] =
{
    { 0, "undefined" },
    { 1, "full" },
    { 2, "incremental" },
    { 3, "differential" },
    { 4, "log" },
    { 5, "copy" },
    { 6, "other" },
    { 0, NULL }
};

const struct xml_token xml_restore_type_tokens[] =
{
    { 0, "undefined" },
    { 1, "byCopy" },
    { 2, "import" },
    { 3, "other" },
    { 0, NULL }
};

const struct xml_token xml_restore_target_tokens[] =
{
    { 0, "undefined" },
    { 1, "original" },
    { 2, "alternate" },
    { 3, "directed" },
    { 4, "originalLocation" },
    { 0, NULL }
};

const struct xml_token xml_file_restore_status_tokens[] =
{
    { 0, "undefined" },
    { 1, "none" },
    { 2, "all" },
    { 3, "failed" },
    { 0, NULL }
};

const struct xml_token xml_rollforward_tokens[] =
{
    { 0, "undefined" },
    { 1, "none" },
    { 2, "all" },
    { 3, "partial" },
    { 0, NULL }
};

static const char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int xml_base64_encode(const unsigned char *data, size_t size, char **text)
{
    size_t i, pos = 0;
    char *out;

    if (size > (SIZE_MAX - 1) / 4 * 3 - 3) return -ENOMEM;
    if (!(out = malloc((size + 2) / 3 * 4 + 1))) return -ENOMEM;
    for (i = 0; i + 2 < size; i += 3)
    {
        UINT32 v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out[pos++] = base64_digits[v >> 18];
        out[pos++] = base64_digits[(v >> 12) & 0x3f];
        out[pos++] = base64_digits[(v >> 6) & 0x3f];
        out[pos++] = base64_digits[v & 0x3f];
    }
    if (i < size)
    {
        UINT32 v = data[i] << 16;
        if (i + 1 < size) v |= data[i + 1] << 8;
        out[pos++] = base64_digits[v >> 18];
        out[pos++] = base64_digits[(v >> 12) & 0x3f];
        out[pos++] = i + 1 < size ? base64_digits[(v >> 6) & 0x3f] : '=';
        out[pos++] = '=';
    }
    out[pos] = 0;
    *text = out;
    return 0;
}

static int base64_value(char c)
{
    const char *p;

    if (!c || !(p = strchr(base64_digits, c))) return -1;
    return p - base64_digits;
}

int xml_base64_decode(const char *text, unsigned char **data, size_t *size)
{
    size_t len = strlen(text), i, pos = 0, pad = 0;
    unsigned char *out;

    if (len % 4) return -EINVAL;
    if (len && text[len - 1] == '=') pad++;
    if (len > 1 && text[len - 2] == '=') pad++;
    if (!(out = malloc(len / 4 * 3 + 1))) return -ENOMEM;
    for (i = 0; i < len; i += 4)
    {
        int v[4], k, last = (i + 4 == len);
        UINT32 bits = 0;

        for (k = 0; k < 4; k++)
        {
            if (last && k >= 4 - (int)pad) v[k] = 0;
            else if ((v[k] = base64_value(text[i + k])) < 0) goto bad;
            bits = (bits << 6) | v[k];
        }
        out[pos++] = bits >> 16;
        if (!last || pad < 2) out[pos++] = (bits >> 8) & 0xff;
        if (!last || pad < 1) out[pos++] = bits & 0xff;
    }
    *data = out;
    *size = pos;
    return 0;

bad:
    free(out);
    return -EINVAL;
}

int xml_text_valid(const char *text)
{
    size_t len = strlen(text), pos = 0, n;
    UINT32 c;

    while (pos < len)
    {
        unsigned char b = text[pos];

        if (b < 0x80)
        {
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return 0;
            pos++;
            continue;
        }
        if (!(n = utf8_decode(text + pos, len - pos, &c))) return 0;
        if (c == 0xfffe || c == 0xffff) return 0;
        pos += n;
    }
    return 1;
}
