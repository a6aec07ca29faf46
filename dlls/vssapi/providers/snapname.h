/*
 * snapname.h: where snapshots live and what they are called.  A volume's
 * snapshots and their records sit in "<volume root>/.snapshots" (or beside a
 * block image's backing file), each named "@GMT-YYYY.MM.DD-HH.MM.SS" in UTC,
 * the format Samba's vfs_shadow_copy2 offers to Windows clients as Previous
 * Versions (DESIGN.md §6).  Two snapshots in the same second get names a
 * second apart; the record keeps the true time.
 *
 * Not for: the records themselves (catalogue.c).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_SNAPNAME_H
#define UMBRA_VSSAPI_PROVIDERS_SNAPNAME_H

#include <stddef.h>
#include <time.h>

#define SNAPSHOTS_DIR ".snapshots"
#define SNAPNAME_SIZE sizeof("@GMT-YYYY.MM.DD-HH.MM.SS")

/* "@GMT-YYYY.MM.DD-HH.MM.SS" for t, in UTC. */
void snapname_format(time_t t, char name[SNAPNAME_SIZE]);

/* The time a name (exactly the format above) stands for; -EINVAL otherwise. */
int snapname_parse(const char *name, time_t *t);

/* Create "<prefix>@GMT-...<suffix>" with create(ctx, name), starting at time t
 * and moving a second on whenever create returns -EEXIST.  The name that was
 * made goes to out.  Returns 0, create's error, or -EEXIST after a day's worth
 * of names. */
int snapname_create(time_t t, const char *prefix, const char *suffix,
                    int (*create)(void *ctx, const char *name), void *ctx,
                    char *out, size_t size);

/* Make "<parent>/.snapshots" (mode 0755) unless it exists as a directory on the
 * same mount as parent; *path gets its path (malloc'd).  -ENOTDIR if
 * something else is there, -EXDEV if it is another file system's mount. */
int snapshots_dir_ensure(const char *parent, char **path);

/* The directory that holds record_dir (an absolute path ending in
 * "/.snapshots"), malloc'd; -EINVAL for any other record_dir. */
int snapshots_dir_parent(const char *record_dir, char **parent);

/* A snapshot found again from its record (provider.h): the entry "name" of
 * record_dir, which is always a ".snapshots" directory. */
struct snapref
{
    char *name;      /* the snapshot's entry in record_dir */
    char *path;      /* record_dir/name */
    char *parent;    /* the directory that holds record_dir: the volume root, or
                        the directory of a block image's backing file */
};

/* Check that data belongs to provider kind, take its "name", and check that
 * name is a single entry that valid_name accepts (NULL: an exact @GMT name),
 * so a damaged or forged record can make us touch nothing else.
 * -EINVAL for data or a record_dir that fails these checks. */
int snapref_resolve(const char *record_dir, const char *data, const char *kind,
                    int (*valid_name)(const char *name), struct snapref *ref);
void snapref_free(struct snapref *ref);

#endif
