/*
 * profile.c: INI files (GetPrivateProfileString, GetPrivateProfileInt,
 * GetPrivateProfileSection, WritePrivateProfileString).
 *
 * A file is read whole into lines: UTF-16LE with a BOM, or UTF-8 with or
 * without one, CRLF or LF.  "[section]" starts a section, "key=value" is an
 * entry (both trimmed; a value in matching quotes loses them), a line
 * starting with ';' or '#' is a comment.  Sections and keys match without
 * regard to case; the first of duplicates wins.  A file name without a
 * directory is looked for in $VSS_CONFIG_DIR (Windows looks in %WINDIR%).
 * Writes keep every other line and the file's encoding, and replace the file
 * atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"
#include "umbra/mounts.h"
#include "kernel32_private.h"

#define MAX_PROFILE_SIZE (16 * 1024 * 1024)

enum encoding { ENC_UTF8, ENC_UTF8_BOM, ENC_UTF16LE };

struct profile
{
    WCHAR **lines;
    size_t count, cap;
    enum encoding encoding;
    int crlf;
};

static void profile_free(struct profile *p)
{
    size_t i;

    for (i = 0; i < p->count; i++) free(p->lines[i]);
    free(p->lines);
    memset(p, 0, sizeof(*p));
}

static int add_line(struct profile *p, const WCHAR *s, size_t len)
{
    WCHAR *line;

    if (p->count == p->cap)
    {
        size_t cap = p->cap ? p->cap * 2 : 32;
        WCHAR **grown = realloc(p->lines, cap * sizeof(*grown));
        if (!grown) return -ENOMEM;
        p->lines = grown;
        p->cap = cap;
    }
    if (!(line = malloc((len + 1) * sizeof(WCHAR)))) return -ENOMEM;
    memcpy(line, s, len * sizeof(WCHAR));
    line[len] = 0;
    p->lines[p->count++] = line;
    return 0;
}

/* The POSIX path of a profile file name. */
static char *profile_path(const WCHAR *file)
{
    char dir[PATH_MAX], *utf8, *path;

    if (!file || !*file)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (wcschr(file, '\\') || wcschr(file, '/') || (file[0] && file[1] == ':')) return k32_unix_path(file);
    umbra_vss_dir(dir, sizeof(dir), "VSS_CONFIG_DIR", "/etc/vss", "XDG_CONFIG_HOME", ".config");
    if (k32_to_utf8(file, &utf8))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return NULL;
    }
    if ((path = malloc(strlen(dir) + strlen(utf8) + 2))) sprintf(path, "%s/%s", dir, utf8);
    else SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    free(utf8);
    return path;
}

/* Decode the bytes of a file into wide text (malloc'd, NUL-terminated). */
static WCHAR *decode(const unsigned char *data, size_t size, enum encoding *encoding)
{
    WCHAR *text;
    size_t i, n;
    int len;

    if (size >= 2 && data[0] == 0xFF && data[1] == 0xFE)
    {
        *encoding = ENC_UTF16LE;
        n = (size - 2) / 2;
        if (!(text = malloc((n + 1) * sizeof(WCHAR)))) return NULL;
        /* UTF-16 to UTF-32: surrogate pairs joined, lone ones become U+FFFD */
        for (i = 0, len = 0; i < n; i++)
        {
            unsigned int c = data[2 + 2 * i] | data[3 + 2 * i] << 8;
            if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n)
            {
                unsigned int c2 = data[4 + 2 * i] | data[5 + 2 * i] << 8;
                if (c2 >= 0xDC00 && c2 <= 0xDFFF)
                {
                    c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
                    i++;
                }
                else c = 0xFFFD;
            }
            else if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
            text[len++] = (WCHAR)c;
        }
        text[len] = 0;
        return text;
    }
    *encoding = ENC_UTF8;
    if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    {
        *encoding = ENC_UTF8_BOM;
        data += 3;
        size -= 3;
    }
    if (!size) return calloc(1, sizeof(WCHAR));
    if ((len = MultiByteToWideChar(CP_UTF8, 0, (const char *)data, (int)size, NULL, 0)) <= 0) return NULL;
    if (!(text = malloc((len + 1) * sizeof(WCHAR)))) return NULL;
    MultiByteToWideChar(CP_UTF8, 0, (const char *)data, (int)size, text, len);
    text[len] = 0;
    return text;
}

/* 0, -ENOENT for a missing file, or -errno. */
static int profile_load(const char *path, struct profile *p)
{
    unsigned char *data = NULL;
    struct stat st;
    WCHAR *text = NULL, *line, *end;
    ssize_t got = 0, n;
    int fd, ret = 0;

    memset(p, 0, sizeof(*p));
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -errno;
    if (fstat(fd, &st) < 0) ret = -errno;
    else if (!S_ISREG(st.st_mode)) ret = -EISDIR;
    else if (st.st_size > MAX_PROFILE_SIZE) ret = -EFBIG;
    else if (!(data = malloc(st.st_size + 1))) ret = -ENOMEM;
    while (!ret && got < st.st_size)
    {
        if ((n = read(fd, data + got, st.st_size - got)) < 0)
        {
            if (errno == EINTR) continue;
            ret = -errno;
        }
        else if (!n) break;
        else got += n;
    }
    close(fd);
    if (!ret && !(text = decode(data, (size_t)got, &p->encoding))) ret = -ENOMEM;
    free(data);
    for (line = text; !ret && line && *line; line = end)
    {
        size_t len;

        end = line + wcscspn(line, L"\r\n");
        len = end - line;
        if (*end == '\r') p->crlf = 1;
        if (*end == '\r' && end[1] == '\n') end += 2;
        else if (*end) end++;
        ret = add_line(p, line, len);
    }
    free(text);
    if (ret) profile_free(p);
    return ret;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *ptr = data;

    while (len)
    {
        ssize_t n = write(fd, ptr, len);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            return -errno;
        }
        ptr += n;
        len -= n;
    }
    return 0;
}

static int profile_save(const char *path, const struct profile *p)
{
    char *tmp;
    size_t i;
    int fd, ret = 0;

    if (!(tmp = malloc(strlen(path) + 32))) return -ENOMEM;
    sprintf(tmp, "%s.%d.tmp", path, (int)getpid());
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
    {
        ret = -errno;
        free(tmp);
        return ret;
    }
    if (p->encoding == ENC_UTF16LE) ret = write_all(fd, "\xFF\xFE", 2);
    else if (p->encoding == ENC_UTF8_BOM) ret = write_all(fd, "\xEF\xBB\xBF", 3);
    for (i = 0; i < p->count && !ret; i++)
    {
        const WCHAR *eol = p->crlf ? L"\r\n" : L"\n";
        const WCHAR *parts[2] = { p->lines[i], eol };
        int k;

        for (k = 0; k < 2 && !ret; k++)
        {
            if (p->encoding == ENC_UTF16LE)
            {
                const WCHAR *c;
                for (c = parts[k]; *c && !ret; c++)
                {
                    unsigned int v = (unsigned int)*c;
                    unsigned char bytes[4];
                    if (v >= 0x10000)
                    {
                        unsigned int hi = 0xD800 + ((v - 0x10000) >> 10), lo = 0xDC00 + ((v - 0x10000) & 0x3FF);
                        bytes[0] = hi & 0xFF; bytes[1] = hi >> 8; bytes[2] = lo & 0xFF; bytes[3] = lo >> 8;
                        ret = write_all(fd, bytes, 4);
                    }
                    else
                    {
                        bytes[0] = v & 0xFF; bytes[1] = v >> 8;
                        ret = write_all(fd, bytes, 2);
                    }
                }
            }
            else if (*parts[k])
            {
                char *utf8;
                if ((ret = k32_to_utf8(parts[k], &utf8))) break;
                ret = write_all(fd, utf8, strlen(utf8));
                free(utf8);
            }
        }
    }
    if (!ret && fsync(fd) < 0) ret = -errno;
    if (close(fd) < 0 && !ret) ret = -errno;
    if (!ret && rename(tmp, path) < 0) ret = -errno;
    if (ret) unlink(tmp);
    free(tmp);
    return ret;
}

/* --- lines ---------------------------------------------------------------------- */

static const WCHAR *skip_space(const WCHAR *s)
{
    while (*s && iswspace((wint_t)*s)) s++;
    return s;
}

static size_t trimmed_len(const WCHAR *s, size_t len)
{
    while (len && iswspace((wint_t)s[len - 1])) len--;
    return len;
}

static int names_equal(const WCHAR *a, size_t alen, const WCHAR *b)
{
    return wcslen(b) == alen && !wcsncasecmp(a, b, alen);
}

/* The section a line opens: its name and length, or 0. */
static int section_of(const WCHAR *line, const WCHAR **name, size_t *len)
{
    const WCHAR *s = skip_space(line), *end;

    if (*s != '[' || !(end = wcschr(s, ']'))) return 0;
    *name = skip_space(s + 1);
    *len = trimmed_len(*name, end - *name);
    return 1;
}

static int is_comment(const WCHAR *line)
{
    const WCHAR *s = skip_space(line);

    return *s == ';' || *s == '#' || !*s;
}

/* key and value of an entry line (value NULL for a line without '='). */
static void entry_of(const WCHAR *line, const WCHAR **key, size_t *key_len, const WCHAR **value, size_t *value_len)
{
    const WCHAR *s = skip_space(line), *eq = wcschr(s, '=');

    *key = s;
    if (!eq)
    {
        *key_len = trimmed_len(s, wcslen(s));
        *value = NULL;
        *value_len = 0;
        return;
    }
    *key_len = trimmed_len(s, eq - s);
    *value = skip_space(eq + 1);
    *value_len = trimmed_len(*value, wcslen(*value));
    if (*value_len >= 2 && ((*value)[0] == '"' || (*value)[0] == '\'') && (*value)[*value_len - 1] == (*value)[0])
    {
        (*value)++;
        *value_len -= 2;
    }
}

/* Index of the line that opens section, or -1. */
static long find_section(const struct profile *p, const WCHAR *section)
{
    size_t i, len;
    const WCHAR *name;

    for (i = 0; i < p->count; i++)
        if (section_of(p->lines[i], &name, &len) && names_equal(name, len, section)) return (long)i;
    return -1;
}

/* Index of the key's line in the section starting at line start, or -1. */
static long find_key(const struct profile *p, long start, const WCHAR *key)
{
    size_t i, klen, vlen;
    const WCHAR *k, *v, *name;

    for (i = (size_t)start + 1; i < p->count; i++)
    {
        if (section_of(p->lines[i], &name, &klen)) break;
        if (is_comment(p->lines[i])) continue;
        entry_of(p->lines[i], &k, &klen, &v, &vlen);
        if (names_equal(k, klen, key)) return (long)i;
    }
    return -1;
}

/* --- reading --------------------------------------------------------------------------- */

/* Copy a list of strings (each NUL-terminated, the list double-NUL-terminated);
 * what does not fit is cut and size - 2 returned, as Windows does. */
struct list_out
{
    WCHAR *buf;
    DWORD size, len;
    int truncated;
};

static void list_put(struct list_out *o, const WCHAR *s, size_t n)
{
    if (o->truncated) return;
    if (o->len + n + 2 > o->size)
    {
        size_t room = o->size >= o->len + 2 ? o->size - o->len - 2 : 0;
        memcpy(o->buf + o->len, s, room * sizeof(WCHAR));
        o->len += (DWORD)room;
        o->truncated = 1;
        return;
    }
    memcpy(o->buf + o->len, s, n * sizeof(WCHAR));
    o->len += (DWORD)n;
    o->buf[o->len++] = 0;
}

static DWORD list_finish(struct list_out *o)
{
    if (o->size < 2)
    {
        if (o->size) o->buf[0] = 0;
        return 0;
    }
    if (o->truncated)
    {
        o->buf[o->size - 2] = 0;
        o->buf[o->size - 1] = 0;
        return o->size - 2;
    }
    o->buf[o->len] = 0;
    if (!o->len) o->buf[1] = 0;
    return o->len;
}

/* A single string, cut to the buffer. */
static DWORD copy_value(const WCHAR *s, size_t n, WCHAR *buffer, DWORD size)
{
    if (!size) return 0;
    if (n >= size) n = size - 1;
    memcpy(buffer, s, n * sizeof(WCHAR));
    buffer[n] = 0;
    return (DWORD)n;
}

static DWORD get_string(const WCHAR *section, const WCHAR *key, const WCHAR *default_value, WCHAR *buffer, DWORD size,
                        const WCHAR *file)
{
    struct profile p;
    struct list_out o = { buffer, size, 0, 0 };
    const WCHAR *def = default_value ? default_value : L"";
    size_t def_len = trimmed_len(def, wcslen(def)), i, klen, vlen;
    const WCHAR *k, *v, *name;
    char *path;
    long at;
    int ret;

    if (!buffer || !size) return 0;
    if (!(path = profile_path(file))) return copy_value(def, def_len, buffer, size);
    ret = profile_load(path, &p);
    free(path);
    if (ret)
    {
        SetLastError(ret == -ENOENT ? ERROR_FILE_NOT_FOUND : umbra_win32_error_from_errno(ret));
        if (!section || !key) return list_finish(&o);
        return copy_value(def, def_len, buffer, size);
    }
    if (!section)
    {
        for (i = 0; i < p.count; i++)
            if (section_of(p.lines[i], &name, &klen)) list_put(&o, name, klen);
        profile_free(&p);
        return list_finish(&o);
    }
    at = find_section(&p, section);
    if (!key)
    {
        for (i = at < 0 ? p.count : (size_t)at + 1; i < p.count; i++)
        {
            if (section_of(p.lines[i], &name, &klen)) break;
            if (is_comment(p.lines[i])) continue;
            entry_of(p.lines[i], &k, &klen, &v, &vlen);
            list_put(&o, k, klen);
        }
        profile_free(&p);
        return list_finish(&o);
    }
    if (at >= 0 && (at = find_key(&p, at, key)) >= 0)
    {
        DWORD len;
        entry_of(p.lines[at], &k, &klen, &v, &vlen);
        len = copy_value(v ? v : L"", vlen, buffer, size);
        profile_free(&p);
        SetLastError(ERROR_SUCCESS);
        return len;
    }
    profile_free(&p);
    SetLastError(ERROR_FILE_NOT_FOUND);
    return copy_value(def, def_len, buffer, size);
}

DWORD WINAPI GetPrivateProfileStringW(LPCWSTR section, LPCWSTR key, LPCWSTR default_value, LPWSTR buffer,
                                      DWORD size, LPCWSTR file)
{
    TRACE("%s, %s, %s, %p, %u, %s\n", debugstr_w(section), debugstr_w(key), debugstr_w(default_value), buffer,
          size, debugstr_w(file));
    return get_string(section, key, default_value, buffer, size, file);
}

UINT WINAPI GetPrivateProfileIntW(LPCWSTR section, LPCWSTR key, INT default_value, LPCWSTR file)
{
    WCHAR buffer[64];
    const WCHAR *p;
    long long value = 0;
    int negative = 0;

    if (!section || !key) return (UINT)default_value;
    if (!get_string(section, key, L"", buffer, ARRAYSIZE(buffer), file)) return (UINT)default_value;
    p = skip_space(buffer);
    if (*p == '-' || *p == '+') negative = *p++ == '-';
    /* the leading decimal digits, as Windows reads them */
    while (*p >= '0' && *p <= '9' && value < 0x100000000LL) value = value * 10 + (*p++ - '0');
    return (UINT)(negative ? -value : value);
}

DWORD WINAPI GetPrivateProfileSectionW(LPCWSTR section, LPWSTR buffer, DWORD size, LPCWSTR file)
{
    struct list_out o = { buffer, size, 0, 0 };
    struct profile p;
    const WCHAR *name;
    size_t i, len;
    char *path;
    long at;

    TRACE("%s, %p, %u, %s\n", debugstr_w(section), buffer, size, debugstr_w(file));
    if (!section || !buffer || !size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!(path = profile_path(file))) return list_finish(&o);
    if (profile_load(path, &p))
    {
        free(path);
        return list_finish(&o);
    }
    free(path);
    if ((at = find_section(&p, section)) >= 0)
    {
        for (i = (size_t)at + 1; i < p.count; i++)
        {
            const WCHAR *line = skip_space(p.lines[i]);
            if (section_of(p.lines[i], &name, &len)) break;
            if (is_comment(p.lines[i])) continue;
            list_put(&o, line, trimmed_len(line, wcslen(line)));
        }
    }
    profile_free(&p);
    return list_finish(&o);
}

/* --- writing ------------------------------------------------------------------------------ */

static int replace_line(struct profile *p, size_t at, const WCHAR *key, const WCHAR *value)
{
    WCHAR *line = malloc((wcslen(key) + wcslen(value) + 2) * sizeof(WCHAR));

    if (!line) return -ENOMEM;
    swprintf(line, wcslen(key) + wcslen(value) + 2, L"%ls=%ls", key, value);
    free(p->lines[at]);
    p->lines[at] = line;
    return 0;
}

static int insert_line(struct profile *p, size_t at, const WCHAR *text)
{
    WCHAR *line;
    int ret;

    /* appended, then moved into place */
    if ((ret = add_line(p, text, wcslen(text)))) return ret;
    line = p->lines[p->count - 1];
    memmove(p->lines + at + 1, p->lines + at, (p->count - 1 - at) * sizeof(*p->lines));
    p->lines[at] = line;
    return 0;
}

static void remove_lines(struct profile *p, size_t at, size_t n)
{
    size_t i;

    for (i = at; i < at + n; i++) free(p->lines[i]);
    memmove(p->lines + at, p->lines + at + n, (p->count - at - n) * sizeof(*p->lines));
    p->count -= n;
}

static int write_string(const WCHAR *section, const WCHAR *key, const WCHAR *value, const char *path)
{
    struct profile p;
    const WCHAR *name;
    size_t len, end;
    long at, line;
    int ret;

    if ((ret = profile_load(path, &p)) == -ENOENT) ret = 0;
    if (ret) return ret;
    at = find_section(&p, section);
    if (!key)
    {
        /* delete the whole section */
        if (at >= 0)
        {
            for (end = (size_t)at + 1; end < p.count && !section_of(p.lines[end], &name, &len); end++) ;
            remove_lines(&p, (size_t)at, end - (size_t)at);
            ret = profile_save(path, &p);
        }
    }
    else if (!value)
    {
        if (at >= 0 && (line = find_key(&p, at, key)) >= 0)
        {
            remove_lines(&p, (size_t)line, 1);
            ret = profile_save(path, &p);
        }
    }
    else if (at >= 0 && (line = find_key(&p, at, key)) >= 0)
    {
        if (!(ret = replace_line(&p, (size_t)line, key, value))) ret = profile_save(path, &p);
    }
    else
    {
        WCHAR *text = malloc((wcslen(section) + wcslen(key) + wcslen(value) + 4) * sizeof(WCHAR));

        if (!text) ret = -ENOMEM;
        else if (at < 0)
        {
            swprintf(text, wcslen(section) + 3, L"[%ls]", section);
            if (!(ret = add_line(&p, text, wcslen(text))))
            {
                swprintf(text, wcslen(key) + wcslen(value) + 2, L"%ls=%ls", key, value);
                ret = add_line(&p, text, wcslen(text));
            }
        }
        else
        {
            /* after the section's last entry, before the blank lines that end it */
            for (end = (size_t)at + 1; end < p.count && !section_of(p.lines[end], &name, &len); end++) ;
            while (end > (size_t)at + 1 && !*skip_space(p.lines[end - 1])) end--;
            swprintf(text, wcslen(key) + wcslen(value) + 2, L"%ls=%ls", key, value);
            ret = insert_line(&p, end, text);
        }
        free(text);
        if (!ret) ret = profile_save(path, &p);
    }
    profile_free(&p);
    return ret;
}

BOOL WINAPI WritePrivateProfileStringW(LPCWSTR section, LPCWSTR key, LPCWSTR value, LPCWSTR file)
{
    char *path;
    int ret;

    TRACE("%s, %s, %s, %s\n", debugstr_w(section), debugstr_w(key), debugstr_w(value), debugstr_w(file));
    /* all NULL: Windows flushes its cache; there is none here */
    if (!section && !key && !value) return TRUE;
    if (!section)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(path = profile_path(file))) return FALSE;
    ret = write_string(section, key, value, path);
    if (ret) k32_fail_path_errno(ret, path);
    free(path);
    return !ret;
}

/* --- narrow forms ------------------------------------------------------------------------ */

/* The UTF-8 form of a wide result: one string cut to the buffer (never in the
 * middle of a character), or a list cut the way lists are. */
static DWORD narrow_result(const WCHAR *wide, int is_list, char *buffer, DWORD size)
{
    DWORD pos = 0;
    const WCHAR *p;

    for (p = wide; is_list ? *p != 0 : p == wide; p += wcslen(p) + 1)
    {
        char *utf8;
        size_t n;

        if (k32_to_utf8(p, &utf8)) break;
        n = strlen(utf8);
        if (pos + n + (is_list ? 2 : 1) > size)
        {
            n = size - pos - (is_list ? 2 : 1);
            while (n && ((unsigned char)utf8[n] & 0xC0) == 0x80) n--;
            memcpy(buffer + pos, utf8, n);
            free(utf8);
            if (!is_list)
            {
                buffer[pos + n] = 0;
                return pos + (DWORD)n;
            }
            buffer[size - 2] = buffer[size - 1] = 0;
            return size - 2;
        }
        memcpy(buffer + pos, utf8, n);
        free(utf8);
        pos += (DWORD)n;
        buffer[pos] = 0;
        if (is_list) pos++;
    }
    if (is_list)
    {
        buffer[pos] = 0;
        if (!pos && size > 1) buffer[1] = 0;
    }
    return pos;
}

DWORD WINAPI GetPrivateProfileStringA(LPCSTR section, LPCSTR key, LPCSTR default_value, LPSTR buffer, DWORD size,
                                      LPCSTR file)
{
    WCHAR *wsection = NULL, *wkey = NULL, *wdef = NULL, *wfile = NULL, *wbuf = NULL;
    DWORD len = 0;

    if (!buffer || !size) return 0;
    if (k32_from_utf8(section, &wsection) || k32_from_utf8(key, &wkey) || k32_from_utf8(default_value, &wdef)
        || k32_from_utf8(file, &wfile) || !(wbuf = calloc(size + 2, sizeof(WCHAR))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        buffer[0] = 0;
        goto done;
    }
    GetPrivateProfileStringW(wsection, wkey, wdef, wbuf, size, wfile);
    len = size < 2 && (!section || !key) ? (buffer[0] = 0) : narrow_result(wbuf, !section || !key, buffer, size);
done:
    free(wsection);
    free(wkey);
    free(wdef);
    free(wfile);
    free(wbuf);
    return len;
}

UINT WINAPI GetPrivateProfileIntA(LPCSTR section, LPCSTR key, INT default_value, LPCSTR file)
{
    WCHAR *wsection = NULL, *wkey = NULL, *wfile = NULL;
    UINT ret = (UINT)default_value;

    if (!k32_from_utf8(section, &wsection) && !k32_from_utf8(key, &wkey) && !k32_from_utf8(file, &wfile))
        ret = GetPrivateProfileIntW(wsection, wkey, default_value, wfile);
    free(wsection);
    free(wkey);
    free(wfile);
    return ret;
}

BOOL WINAPI WritePrivateProfileStringA(LPCSTR section, LPCSTR key, LPCSTR value, LPCSTR file)
{
    WCHAR *wsection = NULL, *wkey = NULL, *wvalue = NULL, *wfile = NULL;
    BOOL ret = FALSE;

    if (k32_from_utf8(section, &wsection) || k32_from_utf8(key, &wkey) || k32_from_utf8(value, &wvalue)
        || k32_from_utf8(file, &wfile))
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    else ret = WritePrivateProfileStringW(wsection, wkey, wvalue, wfile);
    free(wsection);
    free(wkey);
    free(wvalue);
    free(wfile);
    return ret;
}
