/*
 * treecopy.h: copy, protect and remove directory trees, for the directory
 * provider's snapshots and for reverting a volume in place (btrfs, directory).
 *
 * A copy shares data with its source through FICLONE where the file system
 * allows it (btrfs, xfs with reflink) and copies bytes otherwise, keeping
 * holes.  It keeps file types, modes, owners (when allowed), access and
 * modification times, and symlinks as symlinks.  Hard links become separate
 * copies; extended attributes and ACLs are not copied.  Directories of other
 * file systems mounted inside the tree become empty directories, as nested
 * subvolumes do in a btrfs snapshot.
 *
 * Not for: deciding where snapshots go (snapname.h) or when (the providers).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_TREECOPY_H
#define UMBRA_VSSAPI_PROVIDERS_TREECOPY_H

#include <stdio.h>

struct treecopy_options
{
    const char *skip;       /* an entry of the top directory not to copy (".snapshots"), or NULL */
    int no_reflink;         /* copy bytes even where FICLONE would work */
    int remove_write;       /* give the copy modes without write bits ("chmod a-w") */
    FILE *modes;            /* with remove_write: "<octal mode> <escaped path>" lines for the
                               entries whose mode that changed, to undo it (treecopy_restore_modes) */
};

struct treecopy_stats
{
    unsigned long long files, dirs, others;
    unsigned long long cloned;     /* files that share their data with the source */
    unsigned long long bytes;      /* bytes copied, not cloned */
};

/* Copy the tree at src into dst.  dst must not exist (it is created), unless
 * into_existing is set: then dst is an existing directory that receives src's
 * entries and, at the end, its mode and times.  On failure what was copied so
 * far stays (the caller removes it); -ENOSPC (also for EDQUOT) when space ran
 * out.  stats may be NULL. */
int treecopy(const char *src, const char *dst, int into_existing,
             const struct treecopy_options *options, struct treecopy_stats *stats);

/* Remove the tree at path (also read-only trees: directories are made writable
 * as needed).  It does not cross into mounted file systems: -EBUSY if one is
 * mounted inside.  -ENOENT if path does not exist. */
int treecopy_remove(const char *path);

/* Remove every entry of directory path except the top-level entry keep (NULL
 * for none).  Same rules as treecopy_remove. */
int treecopy_clear(const char *path, const char *keep);

/* Apply a modes file written by treecopy (remove_write) to the tree at root. */
int treecopy_restore_modes(const char *root, const char *modes_path);

#endif
