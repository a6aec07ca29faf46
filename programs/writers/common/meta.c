/*
 * meta.c: builds a component's backup metadata text (format in meta.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "meta.h"

int meta_init(struct meta *meta)
{
    memset(meta, 0, sizeof(*meta));
    return (meta->stream = open_memstream(&meta->text, &meta->len)) ? 0 : -1;
}

/* Values stay on one line whatever they hold. */
static void put_line_text(FILE *f, const char *s)
{
    for (; *s; s++) fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

void meta_add(struct meta *meta, const char *key, const char *fmt, ...)
{
    char *value = NULL;
    va_list args;
    int ret;

    if (!meta->stream) return;
    va_start(args, fmt);
    ret = vasprintf(&value, fmt, args);
    va_end(args);
    if (ret < 0) return;
    fprintf(meta->stream, "%s: ", key);
    put_line_text(meta->stream, value);
    fputc('\n', meta->stream);
    free(value);
}

void meta_add_block(struct meta *meta, const char *key, const char *text)
{
    const char *line = text;

    if (!meta->stream) return;
    fprintf(meta->stream, "%s:\n", key);
    while (line && *line)
    {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);

        fputs("| ", meta->stream);
        fwrite(line, 1, len, meta->stream);
        fputc('\n', meta->stream);
        line = end ? end + 1 : NULL;
    }
}

const char *meta_text(struct meta *meta)
{
    if (!meta->stream) return NULL;
    if (fflush(meta->stream)) return NULL;
    return meta->text;
}

void meta_free(struct meta *meta)
{
    if (meta->stream) fclose(meta->stream);
    free(meta->text);
    memset(meta, 0, sizeof(*meta));
}
