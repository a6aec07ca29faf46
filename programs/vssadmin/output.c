/*
 * output.c: the output sink (LF, or CRLF with --crlf) and every piece of
 * text vssadmin formats: the banner, GUIDs, dates, sizes and percentages,
 * writer states and errors, provider and snapshot types, attribute tokens
 * (VSS-FACTS.md §5.1, §5.3, §3.3), and JSON strings for --json.
 *
 * Texts seen on Windows are copied as facts; the others are ours and carry
 * [U], so they are easy to find once a Windows host shows the real ones.
 * Nothing here talks to VSS.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vssadmin.h"

/* --- the sink --------------------------------------------------------------------------- */

static void out_write(struct vsa_out *out, const char *text, size_t len)
{
    size_t start = 0, i;

    if (!out->file) return;
    if (!out->crlf)
    {
        if (len && fwrite(text, 1, len, out->file) != len) out->failed = 1;
        return;
    }
    for (i = 0; i < len; i++)
    {
        if (text[i] != '\n') continue;
        if ((i > start && fwrite(text + start, 1, i - start, out->file) != i - start)
            || fwrite("\r\n", 1, 2, out->file) != 2)
            out->failed = 1;
        start = i + 1;
    }
    if (len > start && fwrite(text + start, 1, len - start, out->file) != len - start) out->failed = 1;
}

void vsa_puts(struct vsa_out *out, const char *text)
{
    out_write(out, text, strlen(text));
}

void vsa_printf(struct vsa_out *out, const char *fmt, ...)
{
    char stackbuf[512], *text = stackbuf;
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(stackbuf, sizeof(stackbuf), fmt, ap);
    va_end(ap);
    if (len < 0)
    {
        out->failed = 1;
        return;
    }
    if ((size_t)len >= sizeof(stackbuf))
    {
        if (!(text = malloc((size_t)len + 1)))
        {
            out->failed = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(text, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    out_write(out, text, (size_t)len);
    if (text != stackbuf) free(text);
}

/* Windows' two banner lines and blank line (§5.1); the copyright line names
 * Umbra's authors, not Microsoft (scripts parse what follows the blank line). */
void vsa_print_banner(struct vsa_out *out)
{
    vsa_puts(out, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
                  "(C) Copyright 2026 the Umbra authors.\n"
                  "\n");
}

/* --- values ------------------------------------------------------------------------------ */

char *vsa_format_guid(char buf[VSA_GUID_CHARS], const GUID *g)
{
    snprintf(buf, VSA_GUID_CHARS, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
             (unsigned int)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
             g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    return buf;
}

/* 100 ns ticks between 1601-01-01 and 1970-01-01 */
#define EPOCH_DELTA 116444736000000000LL

static time_t unix_time(long long timestamp)
{
    if (timestamp < EPOCH_DELTA) return 0;
    return (time_t)((timestamp - EPOCH_DELTA) / 10000000LL);
}

char *vsa_format_time(char *buf, size_t size, long long timestamp)
{
    time_t t = unix_time(timestamp);
    struct tm tm;
    int hour12;

    if (!localtime_r(&t, &tm)) memset(&tm, 0, sizeof(tm));
    hour12 = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
    snprintf(buf, size, "%d/%d/%d %d:%02d:%02d %s", tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900, hour12,
             tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
    return buf;
}

char *vsa_format_iso_time(char *buf, size_t size, long long timestamp)
{
    time_t t = unix_time(timestamp);
    struct tm tm;

    if (!gmtime_r(&t, &tm)) memset(&tm, 0, sizeof(tm));
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

/* Like Win32 StrFormatByteSize (§5.3): below 1024 in bytes; else the first
 * binary unit that keeps the number under 1000, with three significant
 * digits, cut rather than rounded ("2.06 GB", "22.1 GB", "532 KB"). */
char *vsa_format_size(char *buf, size_t size, long long bytes)
{
    static const char *const units[] = { "KB", "MB", "GB", "TB", "PB", "EB" };
    unsigned __int128 hundredths = 0;
    unsigned int unit, whole, frac;

    if (bytes < 0) bytes = 0;
    if (bytes < 1024)
    {
        snprintf(buf, size, "%lld bytes", bytes);
        return buf;
    }
    for (unit = 0; unit < 6; unit++)
    {
        hundredths = (unsigned __int128)bytes * 100 / ((unsigned __int128)1 << (10 * (unit + 1)));
        if (hundredths < 100000) break;
    }
    whole = (unsigned int)(hundredths / 100);
    frac = (unsigned int)(hundredths % 100);
    if (whole < 10) snprintf(buf, size, "%u.%02u %s", whole, frac, units[unit]);
    else if (whole < 100) snprintf(buf, size, "%u.%u %s", whole, frac / 10, units[unit]);
    else snprintf(buf, size, "%u %s", whole, units[unit]);
    return buf;
}

int vsa_percent(long long part, long long total)
{
    long double pct;

    if (total <= 0 || part <= 0) return 0;
    pct = (long double)part * 100 / (long double)total;
    return pct >= 100 ? 100 : (int)pct;
}

/* --- VSS enumerations as vssadmin prints them (§3.3) -------------------------------------- */

const char *vsa_writer_state_text(int state)
{
    switch (state)
    {
    case VSS_WS_STABLE: return "Stable";
    case VSS_WS_WAITING_FOR_FREEZE: return "Waiting for freeze";            /* [U] */
    case VSS_WS_WAITING_FOR_THAW: return "Waiting for thaw";                /* [U] */
    case VSS_WS_WAITING_FOR_POST_SNAPSHOT: return "Waiting for post snapshot";  /* [U] */
    case VSS_WS_WAITING_FOR_BACKUP_COMPLETE: return "Waiting for completion";
    default:
        /* every failure state is one word; the number says the phase */
        if (state >= VSS_WS_FAILED_AT_IDENTIFY && state <= VSS_WS_FAILED_AT_BACKUPSHUTDOWN) return "Failed";
        return "Unknown";                                                   /* [U] */
    }
}

const char *vsa_writer_error_text(HRESULT failure)
{
    switch (failure)
    {
    case S_OK: return "No error";
    case VSS_E_WRITERERROR_RETRYABLE: return "Retryable error";
    case VSS_E_WRITERERROR_NONRETRYABLE: return "Non-retryable error";
    case VSS_E_WRITERERROR_TIMEOUT: return "Timed out";
    case VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT: return "Inconsistent shadow copy";
    case VSS_E_WRITERERROR_OUTOFRESOURCES: return "Out of resources";
    case VSS_E_WRITER_NOT_RESPONDING: return "Not responding";              /* [U] */
    default: return "Unexpected error";
    }
}

const char *vsa_provider_type_text(int type)
{
    switch (type)
    {
    case VSS_PROV_SYSTEM: return "System";
    case VSS_PROV_SOFTWARE: return "Software";                             /* [U] */
    case VSS_PROV_HARDWARE: return "Hardware";                             /* [U] */
    case VSS_PROV_FILESHARE: return "File share";                          /* [U] */
    default: return "Unknown";                                             /* [U] */
    }
}

#define CONTEXT_BITS (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE \
                      | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS)

const char *vsa_snapshot_type_text(LONG attributes)
{
    switch (attributes & CONTEXT_BITS)
    {
    case VSS_CTX_BACKUP: return "Backup";                                  /* [U] */
    case VSS_CTX_FILE_SHARE_BACKUP: return "FileShareBackup";              /* [U] */
    case VSS_CTX_NAS_ROLLBACK: return "DataVolumeRollback";
    case VSS_CTX_APP_ROLLBACK: return "ApplicationRollback";
    case VSS_CTX_CLIENT_ACCESSIBLE: return "ClientAccessible";
    case VSS_CTX_CLIENT_ACCESSIBLE_WRITERS: return "ClientAccessibleWriters";
    default: return "Unknown";                                             /* [U] */
    }
}

/* In bit order, the order vssadmin prints them in. */
static const struct { LONG bit; const char *token; } attribute_tokens[] =
{
    { VSS_VOLSNAP_ATTR_PERSISTENT, "Persistent" },
    { VSS_VOLSNAP_ATTR_NO_AUTORECOVERY, "No auto recovery" },              /* [U] */
    { VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE, "Client-accessible" },
    { VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE, "No auto release" },
    { VSS_VOLSNAP_ATTR_NO_WRITERS, "No writers" },
    { VSS_VOLSNAP_ATTR_TRANSPORTABLE, "Transportable" },                   /* [U] */
    { VSS_VOLSNAP_ATTR_NOT_SURFACED, "Not surfaced" },                     /* [U] */
    { VSS_VOLSNAP_ATTR_NOT_TRANSACTED, "Not transacted" },                 /* [U] */
    { VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED, "Hardware assisted" },           /* [U] */
    { VSS_VOLSNAP_ATTR_DIFFERENTIAL, "Differential" },
    { VSS_VOLSNAP_ATTR_PLEX, "Plex" },                                     /* [U] */
    { VSS_VOLSNAP_ATTR_IMPORTED, "Imported" },                             /* [U] */
    { VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "Exposed locally" },               /* [U] */
    { VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, "Exposed remotely" },             /* [U] */
    { VSS_VOLSNAP_ATTR_AUTORECOVER, "Auto recovered" },
    { VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY, "Rollback recovery" },           /* [U] */
    { VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT, "Delayed post snapshot" },    /* [U] */
    { VSS_VOLSNAP_ATTR_TXF_RECOVERY, "TxF recovery" },                     /* [U] */
    { VSS_VOLSNAP_ATTR_FILE_SHARE, "File share" },                         /* [U] */
};

const char *vsa_attribute_token(LONG bit)
{
    size_t i;

    for (i = 0; i < sizeof(attribute_tokens) / sizeof(attribute_tokens[0]); i++)
        if (attribute_tokens[i].bit == bit) return attribute_tokens[i].token;
    return NULL;
}

char *vsa_format_attributes(char *buf, size_t size, LONG attributes)
{
    uint32_t bits = (uint32_t)attributes, bit;
    size_t len = 0;
    int n;

    if (!size) return buf;
    buf[0] = 0;
    for (bit = 1; bit; bit <<= 1)
    {
        const char *token;
        char hex[16];

        if (!(bits & bit)) continue;
        if (!(token = vsa_attribute_token((LONG)bit)))
        {
            /* a bit with no name yet is shown, not dropped */
            snprintf(hex, sizeof(hex), "0x%08x", (unsigned int)bit);
            token = hex;
        }
        n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", token);
        if (n < 0 || (size_t)n >= size - len)
        {
            buf[len] = 0;   /* whole tokens only */
            break;
        }
        len += (size_t)n;
    }
    if (!len) snprintf(buf, size, "None");                                 /* [U] */
    return buf;
}

/* The directory provider copies files while writers are frozen and marks its
 * snapshots PLEX (full copies) instead of DIFFERENTIAL (DESIGN.md §5). */
int vsa_is_point_in_time(LONG attributes)
{
    return !(attributes & VSS_VOLSNAP_ATTR_PLEX) || (attributes & VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED);
}

/* --- JSON ------------------------------------------------------------------------------------ */

void vsa_json_string(struct vsa_out *out, const char *text)
{
    const unsigned char *p;
    char esc[8];

    if (!text)
    {
        vsa_puts(out, "null");
        return;
    }
    vsa_puts(out, "\"");
    for (p = (const unsigned char *)text; *p; p++)
    {
        const unsigned char *run = p;

        while (*p && *p >= 0x20 && *p != '"' && *p != '\\') p++;
        if (p > run) out_write(out, (const char *)run, (size_t)(p - run));
        if (!*p) break;
        if (*p == '"') vsa_puts(out, "\\\"");
        else if (*p == '\\') vsa_puts(out, "\\\\");
        else if (*p == '\n') vsa_puts(out, "\\n");
        else if (*p == '\r') vsa_puts(out, "\\r");
        else if (*p == '\t') vsa_puts(out, "\\t");
        else
        {
            snprintf(esc, sizeof(esc), "\\u%04x", *p);
            vsa_puts(out, esc);
        }
    }
    vsa_puts(out, "\"");
}
