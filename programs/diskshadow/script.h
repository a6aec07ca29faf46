/*
 * script.h: reading a diskshadow script file into lines of UTF-8 text.
 *
 * Windows admins write scripts with Notepad, PowerShell (UTF-16LE with a BOM,
 * or UTF-8 with a BOM), cmd's echo (CRLF, ANSI) or Unix tools (LF): all of them
 * are read here.  Lines are kept exactly as written (DESIGN.md §7): we do not
 * drop the last character of LF-only lines the way Windows does.  This file
 * knows nothing of the command language; parse.h does.
 */
#ifndef DISKSHADOW_SCRIPT_H
#define DISKSHADOW_SCRIPT_H

#include <stddef.h>

/* Bounds that keep a hostile file from costing more than a few megabytes. */
#define DS_SCRIPT_MAX_BYTES (1u << 20)  /* a real script is a few kilobytes */
#define DS_SCRIPT_MAX_LINE 8191         /* bytes of UTF-8 per line, cmd.exe's limit */

enum ds_encoding
{
    DS_ENC_ASCII,       /* 7-bit text, no BOM */
    DS_ENC_UTF8,        /* UTF-8 without BOM */
    DS_ENC_UTF8_BOM,
    DS_ENC_UTF16LE_BOM,
    DS_ENC_UTF16LE,     /* detected without a BOM */
    DS_ENC_UTF16BE_BOM,
    DS_ENC_ANSI,        /* not valid UTF-8: read as Windows-1252, like an ANSI console */
};

struct ds_script
{
    char **lines;       /* UTF-8, without line terminator */
    size_t count;
    enum ds_encoding encoding;
    int crlf;           /* at least one line ended in CR LF */
};

/* Where decoding stopped, for the message naming the line. */
struct ds_script_error
{
    size_t line;        /* 1-based; 0 when the whole file is at fault */
};

/* Decode a whole script held in memory.  Returns 0, or:
 *   -EFBIG   the file is larger than DS_SCRIPT_MAX_BYTES
 *   -E2BIG   a line is longer than DS_SCRIPT_MAX_LINE (err->line says which)
 *   -EILSEQ  broken UTF-16 (odd length, lone surrogate) or a NUL byte in 8-bit text
 *   -ENOMEM
 * On failure *script is left empty. */
int ds_script_decode(const void *data, size_t size, struct ds_script *script,
                     struct ds_script_error *err);

/* Read and decode a file ("-" is standard input).  Same errors, plus -errno
 * from open/read and -EISDIR when the path is not a regular file or pipe. */
int ds_script_load(const char *path, struct ds_script *script, struct ds_script_error *err);

void ds_script_free(struct ds_script *script);

/* Turn one line of 8-bit input (as read from a pipe or terminal, without its LF)
 * into UTF-8 in place-independent storage: drops one trailing CR and a leading
 * UTF-8 BOM when first is set, converts ANSI to UTF-8.  Returns a malloc'ed
 * string, or NULL with errno set (E2BIG, EILSEQ, ENOMEM). */
char *ds_script_decode_line(const char *bytes, size_t len, int first);

/* Words for the errors above, for messages ("line too long" ...). */
const char *ds_script_strerror(int err);

const char *ds_encoding_name(enum ds_encoding enc);

#endif
