/*
 * meta.h: the text an in-box writer stores in a component's backup metadata
 * (IVssComponent::SetBackupMetadata), for restore tools and people to read:
 *
 *     writer: vss-writer-postgresql 1
 *     start-lsn: 0/2000028
 *     backup_label:
 *     | START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
 *     | ...
 *
 * "key: value" lines; a block (a file's text) follows its "key:" line with
 * each of its lines prefixed by "| ", so `sed -n 's/^| //p'` gives the file
 * back.  Keys are lower case words; values are one line.
 *
 * Not for: reading it back (restore tools, the tests).
 */
#ifndef UMBRA_WRITERS_META_H
#define UMBRA_WRITERS_META_H

#include <stddef.h>
#include <stdio.h>

struct meta
{
    FILE *stream;
    char *text;
    size_t len;
};

int meta_init(struct meta *meta);
void meta_add(struct meta *meta, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* text split in lines under "key:"; NULL or "" gives the key with no lines */
void meta_add_block(struct meta *meta, const char *key, const char *text);
/* The text (owned by meta), or NULL when memory ran out. */
const char *meta_text(struct meta *meta);
void meta_free(struct meta *meta);

#endif
