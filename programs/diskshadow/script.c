/*
 * script.c: decoding a diskshadow script (any of the encodings and line ends
 * Windows tools write) into UTF-8 lines.
 *
 * The whole decoded text lives in one buffer and the lines point into it, so a
 * hostile file of a million empty lines costs one allocation, not a million.
 * Not for tokens or commands: see parse.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "script.h"

/* Windows-1252 0x80..0x9F; the five holes map to the C1 code point like
 * MultiByteToWideChar does, so no byte is ever lost. */
static const uint16_t cp1252_high[32] =
{
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
    0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* A growing byte buffer for the decoded text. */
struct textbuf
{
    char *data;
    size_t len, cap;
};

static int textbuf_reserve(struct textbuf *tb, size_t more)
{
    size_t want;
    char *p;

    if (tb->len + more < tb->len) return -ENOMEM;
    want = tb->len + more;
    if (want <= tb->cap) return 0;
    if (want < 256) want = 256;
    if (want < tb->cap * 2) want = tb->cap * 2;
    if (!(p = realloc(tb->data, want))) return -ENOMEM;
    tb->data = p;
    tb->cap = want;
    return 0;
}

static void put_utf8(struct textbuf *tb, uint32_t cp)
{
    char *o = tb->data + tb->len;

    if (cp < 0x80) { o[0] = (char)cp; tb->len += 1; }
    else if (cp < 0x800) { o[0] = (char)(0xc0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3f)); tb->len += 2; }
    else if (cp < 0x10000)
    {
        o[0] = (char)(0xe0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f)); tb->len += 3;
    }
    else
    {
        o[0] = (char)(0xf0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f)); tb->len += 4;
    }
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not valid. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    uint32_t cp;
    size_t n, i;

    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) { n = 2; cp = s[0] & 0x1f; }
    else if (s[0] >= 0xe0 && s[0] <= 0xef) { n = 3; cp = s[0] & 0x0f; }
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) { n = 4; cp = s[0] & 0x07; }
    else return 0;
    if (avail < n) return 0;
    for (i = 1; i < n; i++)
    {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    return n;
}

static int is_utf8(const unsigned char *s, size_t len, int *ascii)
{
    size_t i = 0, n;

    *ascii = 1;
    while (i < len)
    {
        if (s[i] >= 0x80) *ascii = 0;
        if (!(n = utf8_seq_len(s + i, len - i))) return 0;
        i += n;
    }
    return 1;
}

/* Append 8-bit text (already checked for NUL) as UTF-8. */
static int append_8bit(struct textbuf *tb, const unsigned char *s, size_t len, int ansi)
{
    size_t i;
    int ret;

    if (!len) return 0;
    if (!ansi)
    {
        if ((ret = textbuf_reserve(tb, len))) return ret;
        memcpy(tb->data + tb->len, s, len);
        tb->len += len;
        return 0;
    }
    if (len > SIZE_MAX / 3 || (ret = textbuf_reserve(tb, len * 3))) return -ENOMEM;
    for (i = 0; i < len; i++)
    {
        uint32_t cp = s[i];
        if (cp >= 0x80 && cp < 0xa0) cp = cp1252_high[cp - 0x80];
        put_utf8(tb, cp);
    }
    return 0;
}

/* UTF-16 to UTF-8.  A NUL unit or a lone surrogate is an error: a path with a
 * broken name must not silently become a different path. */
static int append_utf16(struct textbuf *tb, const unsigned char *s, size_t len, int big_endian,
                        size_t *bad_line)
{
    size_t i, line = 1;
    int ret;

    if (len % 2) { *bad_line = 0; return -EILSEQ; }
    if (len / 2 > SIZE_MAX / 3 || (ret = textbuf_reserve(tb, len / 2 * 3))) return -ENOMEM;
    for (i = 0; i < len; i += 2)
    {
        uint32_t u = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);

        if (u == 0) { *bad_line = line; return -EILSEQ; }
        if (u >= 0xd800 && u <= 0xdbff)
        {
            uint32_t lo;
            if (i + 3 >= len) { *bad_line = line; return -EILSEQ; }
            lo = big_endian ? (uint32_t)(s[i + 2] << 8 | s[i + 3]) : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (lo < 0xdc00 || lo > 0xdfff) { *bad_line = line; return -EILSEQ; }
            u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            i += 2;
        }
        else if (u >= 0xdc00 && u <= 0xdfff) { *bad_line = line; return -EILSEQ; }
        if (u == '\n') line++;
        put_utf8(tb, u);
    }
    return 0;
}

/* UTF-16LE without a BOM: ASCII text has a zero high byte in every unit, and
 * a real 8-bit script never contains NUL bytes, so two such units suffice. */
static int looks_like_utf16le(const unsigned char *s, size_t len)
{
    return len >= 4 && len % 2 == 0 && s[0] && !s[1] && s[2] && !s[3];
}

static int split_lines(struct textbuf *tb, struct ds_script *script, struct ds_script_error *err)
{
    size_t count = 0, i, start, n;
    char **lines;
    int ret;

    /* one more byte so the last line always has a terminator to overwrite */
    if ((ret = textbuf_reserve(tb, 1))) return ret;
    tb->data[tb->len] = '\n';
    for (i = 0; i < tb->len; i++) if (tb->data[i] == '\n') count++;
    if (tb->len && tb->data[tb->len - 1] != '\n') count++;
    if (!(lines = calloc(count ? count : 1, sizeof(*lines)))) return -ENOMEM;

    for (start = 0, n = 0; n < count; n++)
    {
        char *line = tb->data + start, *nl = memchr(line, '\n', tb->len + 1 - start);
        size_t linelen = (size_t)(nl - line);

        if (linelen && line[linelen - 1] == '\r')
        {
            linelen--;
            if (nl != tb->data + tb->len) script->crlf = 1;
        }
        line[linelen] = 0;
        if (linelen > DS_SCRIPT_MAX_LINE)
        {
            if (err) err->line = n + 1;
            free(lines);
            return -E2BIG;
        }
        lines[n] = line;
        start = (size_t)(nl - tb->data) + 1;
    }
    script->lines = lines;
    script->count = count;
    return 0;
}

int ds_script_decode(const void *data, size_t size, struct ds_script *script,
                     struct ds_script_error *err)
{
    const unsigned char *s = data;
    struct textbuf tb = { 0 };
    size_t bad_line = 0;
    int ret, ascii;

    memset(script, 0, sizeof(*script));
    if (err) err->line = 0;
    if (size > DS_SCRIPT_MAX_BYTES) return -EFBIG;
    if (size && !s) return -EINVAL;

    if (size >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
    {
        script->encoding = DS_ENC_UTF8_BOM;
        s += 3; size -= 3;
    }
    else if (size >= 2 && s[0] == 0xff && s[1] == 0xfe)
    {
        script->encoding = DS_ENC_UTF16LE_BOM;
        s += 2; size -= 2;
    }
    else if (size >= 2 && s[0] == 0xfe && s[1] == 0xff)
    {
        script->encoding = DS_ENC_UTF16BE_BOM;
        s += 2; size -= 2;
    }
    else if (looks_like_utf16le(s, size))
        script->encoding = DS_ENC_UTF16LE;
    else
        script->encoding = DS_ENC_ASCII;

    switch (script->encoding)
    {
    case DS_ENC_UTF16LE_BOM:
    case DS_ENC_UTF16LE:
    case DS_ENC_UTF16BE_BOM:
        ret = append_utf16(&tb, s, size, script->encoding == DS_ENC_UTF16BE_BOM, &bad_line);
        break;
    default:
    {
        const unsigned char *nul = size ? memchr(s, 0, size) : NULL;
        int utf8;

        if (nul)
        {
            size_t k;
            bad_line = 1;
            for (k = 0; s + k < nul; k++) if (s[k] == '\n') bad_line++;
            ret = -EILSEQ;
            break;
        }
        utf8 = is_utf8(s, size, &ascii);
        if (script->encoding == DS_ENC_ASCII && !ascii)
            script->encoding = utf8 ? DS_ENC_UTF8 : DS_ENC_ANSI;
        /* a BOM promised UTF-8; broken bytes after it still read as ANSI, as Notepad would */
        ret = append_8bit(&tb, s, size, !utf8);
        break;
    }
    }
    if (!ret) ret = split_lines(&tb, script, err);
    if (ret)
    {
        free(tb.data);
        if (err && ret == -EILSEQ) err->line = bad_line;
        memset(script, 0, sizeof(*script));
        return ret;
    }
    /* the buffer is owned through lines[0]; keep it even for an empty script */
    if (!script->count)
    {
        free(tb.data);
        free(script->lines);
        script->lines = NULL;
    }
    return 0;
}

int ds_script_load(const char *path, struct ds_script *script, struct ds_script_error *err)
{
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    struct stat st;
    int fd, ret = 0, own_fd;

    memset(script, 0, sizeof(*script));
    if (err) err->line = 0;
    if (!path) return -EINVAL;
    own_fd = strcmp(path, "-") != 0;
    fd = own_fd ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : 0;
    if (fd < 0) return -errno;
    if (fstat(fd, &st) < 0) { ret = -errno; goto done; }
    if (S_ISDIR(st.st_mode)) { ret = -EISDIR; goto done; }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > DS_SCRIPT_MAX_BYTES) { ret = -EFBIG; goto done; }

    for (;;)
    {
        ssize_t got;
        if (len == cap)
        {
            unsigned char *p;
            if (cap > DS_SCRIPT_MAX_BYTES) { ret = -EFBIG; goto done; }
            cap = cap ? cap * 2 : 4096;
            if (cap > DS_SCRIPT_MAX_BYTES + 1) cap = DS_SCRIPT_MAX_BYTES + 1;
            if (!(p = realloc(buf, cap))) { ret = -ENOMEM; goto done; }
            buf = p;
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0)
        {
            if (errno == EINTR) continue;
            ret = -errno;
            goto done;
        }
        if (!got) break;
        len += (size_t)got;
        if (len > DS_SCRIPT_MAX_BYTES) { ret = -EFBIG; goto done; }
    }
    ret = ds_script_decode(buf, len, script, err);

done:
    free(buf);
    if (own_fd && fd >= 0) close(fd);
    return ret;
}

void ds_script_free(struct ds_script *script)
{
    if (!script) return;
    if (script->count) free(script->lines[0]);
    free(script->lines);
    memset(script, 0, sizeof(*script));
}

char *ds_script_decode_line(const char *bytes, size_t len, int first)
{
    const unsigned char *s = (const unsigned char *)bytes;
    struct textbuf tb = { 0 };
    int ascii, ret;

    if (first && len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) { s += 3; len -= 3; }
    if (len && s[len - 1] == '\r') len--;
    if (len > DS_SCRIPT_MAX_LINE) { errno = E2BIG; return NULL; }
    if (len && memchr(s, 0, len)) { errno = EILSEQ; return NULL; }
    if ((ret = append_8bit(&tb, s, len, !is_utf8(s, len, &ascii))) || (ret = textbuf_reserve(&tb, 1)))
    {
        free(tb.data);
        errno = -ret;
        return NULL;
    }
    tb.data[tb.len] = 0;
    return tb.data;
}

const char *ds_script_strerror(int err)
{
    switch (err)
    {
    case -EFBIG: return "the script file is too large";
    case -E2BIG: return "the line is too long";
    case -EILSEQ: return "the script is not valid text (NUL byte or broken UTF-16)";
    case -EISDIR: return "the script path is not a file";
    case -ENOMEM: return "out of memory";
    default: return strerror(err < 0 ? -err : err);
    }
}

const char *ds_encoding_name(enum ds_encoding enc)
{
    switch (enc)
    {
    case DS_ENC_ASCII: return "ASCII";
    case DS_ENC_UTF8: return "UTF-8";
    case DS_ENC_UTF8_BOM: return "UTF-8 with BOM";
    case DS_ENC_UTF16LE_BOM: return "UTF-16LE with BOM";
    case DS_ENC_UTF16LE: return "UTF-16LE";
    case DS_ENC_UTF16BE_BOM: return "UTF-16BE with BOM";
    case DS_ENC_ANSI: return "Windows-1252";
    }
    return "unknown";
}
