/*
 * expose.h: ExposeSnapshot / UnexposeSnapshot for local exposure: a created
 * snapshot made readable, read-only, at a drive letter or a directory.
 *
 * Not for: recording the exposure (the caller stores the name this returns in
 * the snapshot's record, catalogue_set_exposed) or network shares.
 */
#ifndef UMBRA_VSSAPI_EXPOSE_H
#define UMBRA_VSSAPI_EXPOSE_H

#include "catalogue.h"

/* Expose rec's snapshot at target (UTF-8): a drive letter "X:" (or "X:\"),
 * a directory (an absolute POSIX path or "X:\path\below\the\drive"), or
 * NULL for the first free drive letter from D:.  *exposed gets the name to
 * record and report ("X:" or the POSIX path, malloc'd).  0, -EEXIST (the letter or path is in use), -ENOTDIR, -EINVAL
 * (not a name we can expose at), -ENOENT (the snapshot is gone), or the
 * provider's -errno. */
int expose_snapshot(const struct snapshot_record *rec, const char *target, char **exposed);

/* Undo the exposure rec->exposed_name records.  -ENOENT if it is not there
 * any more (the caller still clears the record). */
int unexpose_snapshot(const struct snapshot_record *rec);

#endif
