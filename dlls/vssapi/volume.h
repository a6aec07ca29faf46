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
    char *fs_path;       /* path of root inside its file system ("/" for the file system root) */
};

/* Resolve a volume name (UTF-8; any of the forms above) to a volume.
 * Returns 0, -ENOENT (no such path / unknown GUID / unmapped letter),
 * -EINVAL (malformed or relative name), -ENOTDIR, -EOPNOTSUPP (a UNC share,
 * \\server\share\, which only a file-share provider could take), or another -errno.
 * Separators may be '\\' or '/'; "." and ".." are resolved by name first (as
 * Windows does), then symlinks (realpath). */
int volume_resolve(const char *name, struct vss_volume *vol);

/* Fill vol for an existing absolute directory path. */
int volume_from_path(const char *path, struct vss_volume *vol);

/* "\\?\Volume{xxxxxxxx-...}\" (lower-case GUID, as vssadmin prints it) */
void volume_guid_name(const struct vss_volume *vol, char *buf, size_t size);

void volume_free(struct vss_volume *vol);

/* --- additions (volume.c) ---------------------------------------------------
 *
 * GUIDs.  A volume's GUID is a name-based (version 5, SHA-1) UUID in Umbra's
 * own namespace {387b7d06-ab36-4a72-b7c4-e68c649ecf60}, over the UTF-8 name
 *   "<fs uuid>"                 for the root of a file system,
 *   "<fs uuid>:<path in fs>"    for any other directory (a btrfs subvolume,
 *                               a bind-mounted or plain directory),
 * where <fs uuid> is lower-case 8-4-4-4-12 text and <path in fs> is the
 * directory's path from the file system's own root (mountinfo's root field
 * joined with the path below the mount point), so the GUID does not change
 * with the mount point, across bind mounts or across reboots.  A file system
 * without a UUID (or with an all-zero one) uses "path:<fstype>:<source>:<root>"
 * instead: stable while it is mounted at the same place.
 * The file system UUID comes from FS_IOC_GETFSUUID (Linux >= 6.8, any file
 * system that has one), BTRFS_IOC_FS_INFO (btrfs), or /dev/disk/by-uuid;
 * no libblkid, which cannot read devices the caller may not open.
 *
 * Finding \\?\Volume{GUID}\ again: the mounted file systems are scanned
 * (/proc/self/mountinfo; a read-write mount wins over a read-only one of the
 * same file system, e.g. a loop-mounted clone, then the oldest mount).  A
 * directory that is not a mount root is remembered in the volume registry,
 * $VSS_STATE_DIR/volumes, when volume_resolve() first resolves it: lines
 * "<guid>\t<fs uuid>\t<path in fs>\t<path>" ('%', tab, newline and other
 * control characters escaped as %XX), replaced atomically under an flock of
 * volumes.lock.  An entry is only believed if its path still has that GUID;
 * if the file system is now mounted elsewhere, the directory is looked for
 * below the new mount point (and the entry updated).
 */

/* The GUID of a directory from its file system UUID (not empty) and its path
 * in that file system ("/" for the file system root); no I/O. */
void volume_guid_for(const char *fs_uuid, const char *fs_path, GUID *guid);

/* Parse "\\?\Volume{GUID}\" (trailing separator optional, either slash).
 * Returns 0 or -EINVAL. */
int volume_parse_guid_name(const char *name, GUID *guid);

/* The volume (mount root) whose file system holds path. */
int volume_containing(const char *path, struct vss_volume *vol);

/* Deep copy. */
int volume_copy(struct vss_volume *dst, const struct vss_volume *src);

/* Mounted file systems that are volumes: those on block devices (the types
 * /proc/filesystems does not mark nodev) and ZFS; pseudo and memory file
 * systems (proc, sysfs, cgroup, tmpfs, overlay, ...) and network ones are not.
 * A file system mounted twice with the same root is listed once.
 * *vols is freed with volume_list_free(). */
int volume_list(struct vss_volume **vols, size_t *count);
void volume_list_free(struct vss_volume *vols, size_t count);

/* Remember a directory volume in the registry (no-op for a mount root).
 * volume_resolve() calls it; failure to write is only a warning there. */
int volume_register(const struct vss_volume *vol);

/* Paths of the directory volumes in the registry; free with volume_paths_free(). */
int volume_registered_paths(char ***paths, size_t *count);
void volume_paths_free(char **paths, size_t count);

/* "$VSS_CONFIG_DIR/dosdevices/<letter>:" for a letter A-Z/a-z (lower-cased). */
int volume_drive_path(char letter, char *buf, size_t size);

#endif
