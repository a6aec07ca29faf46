/*
 * volume.h: what Umbra calls a volume, and how a name given by a Windows
 * program becomes one (DESIGN.md §3).
 *
 * A volume is a mounted file system, or, for the directory provider, any
 * directory root.  AddToSnapshotSet accepts a POSIX path (/srv/data/), a drive
 * letter (C:\) mapped through $VSS_CONFIG_DIR/dosdevices/<letter>: symlinks, or
 * \\?\Volume{GUID}\ where the GUID is derived stably from the file system UUID
 * (and, for a directory that is not a mount root, from its path inside it).
 * This layer is POSIX and UTF-8; WCHAR names are converted at the API boundary.
 */
#ifndef UMBRA_VSSAPI_VOLUME_H
#define UMBRA_VSSAPI_VOLUME_H

#include <sys/types.h>
#include <windef.h>

struct vss_volume
{
    char *root;          /* absolute, normalised, no trailing '/' except "/" itself */
    char *mount_point;   /* mount point of the file system that holds root */
    char *device;        /* source of that mount (e.g. /dev/loop3), "" if none */
    char *fstype;        /* "btrfs", "xfs", "ext4", ... */
    char *fs_uuid;       /* file system UUID as text, "" if the file system has none */
    dev_t dev;           /* st_dev of root */
    ino_t ino;           /* st_ino of root (256 for a btrfs subvolume root) */
    int is_mount_root;   /* root == mount_point */
    GUID guid;           /* stable volume GUID: \\?\Volume{guid}\ */
};

/* Resolve a volume name (UTF-8; any of the forms above) to a volume.
 * Returns 0, -ENOENT (no such path / unknown GUID / unmapped letter),
 * -EINVAL (malformed name), -ENOTDIR, or another -errno. */
int volume_resolve(const char *name, struct vss_volume *vol);

/* Fill vol for an existing absolute directory path. */
int volume_from_path(const char *path, struct vss_volume *vol);

/* "\\?\Volume{xxxxxxxx-...}\" (lower-case GUID, as vssadmin prints it) */
void volume_guid_name(const struct vss_volume *vol, char *buf, size_t size);

void volume_free(struct vss_volume *vol);

#endif
