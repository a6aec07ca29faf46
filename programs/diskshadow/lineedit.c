/*
 * lineedit.c: the DISKSHADOW> prompt's line editor (lineedit.h).
 *
 * The terminal goes to raw mode for the time of one line only, and back even
 * when the line ends with an error.  The line is a byte buffer of UTF-8; the
 * cursor moves by code points; each change redraws the line ("\r", prompt,
 * text, erase to end, cursor back), which every terminal understands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lineedit.h"
#include "script.h"

struct editor
{
    int in, out;
    const char *prompt;
    char buf[DS_SCRIPT_MAX_LINE + 1];
    size_t len, pos;            /* bytes */
};

static void put(int fd, const char *s, size_t n)
{
    while (n)
    {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static size_t codepoints(const char *s, size_t n)
{
    size_t i, count = 0;
    for (i = 0; i < n; i++) if (((unsigned char)s[i] & 0xc0) != 0x80) count++;
    return count;
}

static void redraw(struct editor *e)
{
    char move[32];
    size_t back = codepoints(e->buf + e->pos, e->len - e->pos);
    int n;

    put(e->out, "\r", 1);
    put(e->out, e->prompt, strlen(e->prompt));
    put(e->out, e->buf, e->len);
    put(e->out, "\x1b[K", 3);
    if (back)
    {
        n = snprintf(move, sizeof(move), "\x1b[%uD", (unsigned int)back);
        put(e->out, move, (size_t)n);
    }
}

static void set_text(struct editor *e, const char *text)
{
    size_t n = strlen(text);
    if (n > DS_SCRIPT_MAX_LINE) n = DS_SCRIPT_MAX_LINE;
    memcpy(e->buf, text, n);
    e->len = e->pos = n;
}

static void left(struct editor *e)
{
    while (e->pos && (((unsigned char)e->buf[--e->pos]) & 0xc0) == 0x80) {}
}

static void right(struct editor *e)
{
    if (e->pos < e->len) e->pos++;
    while (e->pos < e->len && (((unsigned char)e->buf[e->pos]) & 0xc0) == 0x80) e->pos++;
}

static void erase(struct editor *e, size_t from, size_t to)
{
    memmove(e->buf + from, e->buf + to, e->len - to);
    e->len -= to - from;
    e->pos = from;
}

static int read_byte(int fd, unsigned char *c)
{
    for (;;)
    {
        ssize_t r = read(fd, c, 1);
        if (r == 1) return 1;
        if (r < 0 && errno == EINTR) continue;
        return 0;
    }
}

char *ds_edit_line_raw(int in_fd, int out_fd, const char *prompt, struct ds_history *history)
{
    struct editor *e = calloc(1, sizeof(*e));
    size_t hist = history ? history->count : 0;   /* == count: the line being typed */
    char *saved = NULL, *line = NULL;
    unsigned char c;

    if (!e) return NULL;
    e->in = in_fd;
    e->out = out_fd;
    e->prompt = prompt;
    put(out_fd, prompt, strlen(prompt));

    while (read_byte(in_fd, &c))
    {
        if (c == '\r' || c == '\n')
        {
            put(out_fd, "\r\n", 2);
            e->buf[e->len] = 0;
            line = strdup(e->buf);
            goto done;
        }
        switch (c)
        {
        case 1: e->pos = 0; break;                              /* Ctrl-A */
        case 5: e->pos = e->len; break;                         /* Ctrl-E */
        case 2: left(e); break;                                 /* Ctrl-B */
        case 6: right(e); break;                                /* Ctrl-F */
        case 11: e->len = e->pos; break;                        /* Ctrl-K */
        case 21: erase(e, 0, e->pos); break;                    /* Ctrl-U */
        case 23:                                                /* Ctrl-W */
        {
            size_t to = e->pos;
            while (e->pos && e->buf[e->pos - 1] == ' ') e->pos--;
            while (e->pos && e->buf[e->pos - 1] != ' ') e->pos--;
            erase(e, e->pos, to);
            break;
        }
        case 3:                                                 /* Ctrl-C: drop the line */
            put(out_fd, "^C\r\n", 4);
            line = strdup("");
            goto done;
        case 4:                                                 /* Ctrl-D */
            if (!e->len)
            {
                put(out_fd, "\r\n", 2);
                goto done;
            }
            if (e->pos < e->len) { size_t from = e->pos; right(e); erase(e, from, e->pos); }
            break;
        case 8:
        case 127:                                               /* backspace */
            if (e->pos) { size_t to = e->pos; left(e); erase(e, e->pos, to); }
            break;
        case 27:                                                /* escape sequences */
        {
            unsigned char a, b, d;
            if (!read_byte(in_fd, &a) || (a != '[' && a != 'O') || !read_byte(in_fd, &b)) break;
            if (b >= '0' && b <= '9')
            {
                if (!read_byte(in_fd, &d)) break;
                /* longer sequences (Ctrl+arrow is ESC [ 1 ; 5 C): read to their final byte, ignore */
                if ((d >= '0' && d <= '9') || d == ';')
                {
                    while ((d < 0x40 || d > 0x7e) && read_byte(in_fd, &d)) {}
                    break;
                }
                if (b == '3' && d == '~' && e->pos < e->len) { size_t from = e->pos; right(e); erase(e, from, e->pos); }
                else if ((b == '1' || b == '7') && d == '~') e->pos = 0;
                else if ((b == '4' || b == '8') && d == '~') e->pos = e->len;
                break;
            }
            if (b == 'C') right(e);
            else if (b == 'D') left(e);
            else if (b == 'H') e->pos = 0;
            else if (b == 'F') e->pos = e->len;
            else if ((b == 'A' || b == 'B') && history && history->count)
            {
                if (hist == history->count)
                {
                    e->buf[e->len] = 0;
                    free(saved);
                    saved = strdup(e->buf);
                }
                if (b == 'A' && hist > 0) hist--;
                else if (b == 'B' && hist < history->count) hist++;
                set_text(e, hist < history->count ? history->lines[hist] : saved ? saved : "");
            }
            break;
        }
        default:
            if (c < 0x20 || e->len >= DS_SCRIPT_MAX_LINE) break;
            memmove(e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos);
            e->buf[e->pos++] = (char)c;
            e->len++;
            break;
        }
        redraw(e);
    }
done:
    free(saved);
    free(e);
    return line;
}

char *ds_edit_line(int in_fd, int out_fd, const char *prompt, struct ds_history *history)
{
    struct termios saved, raw;
    char *line;

    if (tcgetattr(in_fd, &saved) < 0) return ds_edit_line_raw(in_fd, out_fd, prompt, history);
    raw = saved;
    raw.c_iflag &= ~(unsigned int)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_lflag &= ~(unsigned int)(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(in_fd, TCSAFLUSH, &raw) < 0) return ds_edit_line_raw(in_fd, out_fd, prompt, history);
    line = ds_edit_line_raw(in_fd, out_fd, prompt, history);
    tcsetattr(in_fd, TCSAFLUSH, &saved);
    return line;
}

void ds_history_add(struct ds_history *history, const char *line)
{
    char *copy;

    if (!*line || (history->count && !strcmp(history->lines[history->count - 1], line))) return;
    if (!(copy = strdup(line))) return;
    if (history->count == DS_HISTORY_MAX)
    {
        free(history->lines[0]);
        memmove(history->lines, history->lines + 1, (DS_HISTORY_MAX - 1) * sizeof(char *));
        history->count--;
    }
    history->lines[history->count++] = copy;
}

void ds_history_free(struct ds_history *history)
{
    size_t i;
    for (i = 0; i < history->count; i++) free(history->lines[i]);
    history->count = 0;
}
