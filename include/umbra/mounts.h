/*
 * umbra/mounts.h: mounted file systems, volume identities and volume GUIDs,
 * the one implementation that libumbra-kernel32 (GetVolumeNameForVolumeMountPoint,
 * FindFirstVolume ...) and libvssapi (AddToSnapshotSet, Query ...) share, so that
 * both give a volume the same \\?\Volume{GUID}\ name (DESIGN.md §3).  Not part
 * of the Windows API.  POSIX and UTF-8; functions return 0 or a negative errno.
 *
 * A volume's GUID is a name-based (version 5, SHA-1) UUID in Umbra's namespace
 * {387b7d06-ab36-4a72-b7c4-e68c649ecf60} over "<fs uuid>" for the root of a
 * file system and "<fs uuid>:<path in fs>" for any other directory, where
 * <path in fs> is the directory's path from the file system's own root
 * (mountinfo's root field joined with the path below the mount point): it does
 * not change with the mount point, across bind mounts or across reboots.  A
 * file system without a UUID uses "path:<fstype>:<source>:<directory>".
 * The UUID comes from FS_IOC_GETFSUUID, BTRFS_IOC_FS_INFO or /dev/disk/by-uuid.
 */
#ifndef UMBRA_MOUNTS_H
#define UMBRA_MOUNTS_H

#include <stddef.h>
#include <sys/types.h>
#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One line of /proc/self/mountinfo. */
struct umbra_mount
{
    int id, parent;
    char *root;          /* path of the mount's root inside its file system */
    char *mount_point;
    char *fstype;
    char *source;
    int ro;
    int covered;         /* another mount sits on the same mount point on top of it */
};

struct umbra_mount_table
{
    struct umbra_mount *entries;
    size_t count;
};

DECLSPEC_EXPORT int umbra_mounts_read(struct umbra_mount_table *t);
DECLSPEC_EXPORT void umbra_mounts_free(struct umbra_mount_table *t);
/* Index of the mount that holds path (absolute, canonical): the deepest
 * visible mount point above it; -1 if none. */
DECLSPEC_EXPORT int umbra_mounts_find(const struct umbra_mount_table *t, const char *path);
/* Is path at or below dir (both absolute, canonical)? */
DECLSPEC_EXPORT int umbra_path_below(const char *path, const char *dir);
/* File system types that are never volumes and must not even be opened while
 * looking for one (pseudo, network and FUSE file systems). */
DECLSPEC_EXPORT int umbra_fstype_never_volume(const char *fstype);
/* Types that live on a block device (/proc/filesystems without "nodev"), and ZFS. */
DECLSPEC_EXPORT int umbra_fstype_on_block_device(const char *fstype);
/* Of two mounts of one volume, should candidate be preferred to current
 * (NULL allowed)?  A read-write mount beats a read-only clone. */
DECLSPEC_EXPORT int umbra_mount_better(const struct umbra_mount *candidate, const struct umbra_mount *current);

/* The UUID of the file system holding the open directory fd, as lower-case
 * text, or "" when it has none. */
DECLSPEC_EXPORT void umbra_fs_uuid(int fd, const char *fstype, const char *source, char *out, size_t size);

/* GUIDs: the derivation above, no I/O. */
DECLSPEC_EXPORT void umbra_volume_guid_from_key(const char *key, GUID *guid);
DECLSPEC_EXPORT void umbra_volume_guid_for(const char *fs_uuid, const char *fs_path, GUID *guid);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case, no braces) and back
 * (exactly 36 characters read; -EINVAL when malformed). */
DECLSPEC_EXPORT void umbra_guid_format(const GUID *guid, char text[37]);
DECLSPEC_EXPORT int umbra_guid_parse(const char *text, GUID *guid);
/* "\\?\Volume{guid}\" into buf. */
DECLSPEC_EXPORT void umbra_volume_guid_name(const GUID *guid, char *buf, size_t size);
/* Parse "\\?\Volume{GUID}" with an optional trailing separator (either slash),
 * nothing after it; 0 or -EINVAL. */
DECLSPEC_EXPORT int umbra_volume_parse_guid_name(const char *name, GUID *guid);

/* A volume: a mounted file system or, for the directory provider, any
 * directory root (the same fields as vssapi's struct vss_volume). */
struct umbra_volume
{
    char *root;          /* absolute, canonical, no trailing '/' except "/" itself */
    char *mount_point;   /* mount point of the file system that holds root */
    char *device;        /* source of that mount (e.g. /dev/loop3), "" if none */
    char *fstype;
    char *fs_uuid;       /* "" when the file system has none */
    dev_t dev;
    ino_t ino;
    int is_mount_root;
    GUID guid;
    char *fs_path;       /* path of root inside its file system */
};

DECLSPEC_EXPORT void umbra_volume_free(struct umbra_volume *vol);
/* The volume rooted at real_path (canonical directory) held by mount m. */
DECLSPEC_EXPORT int umbra_volume_fill(const struct umbra_mount *m, const char *real_path, struct umbra_volume *vol);
/* The volume rooted at an existing absolute directory (symlinks resolved). */
DECLSPEC_EXPORT int umbra_volume_from_path(const char *path, struct umbra_volume *vol);
/* The mounted file system (mount root) that holds path. */
DECLSPEC_EXPORT int umbra_volume_containing(const char *path, struct umbra_volume *vol);
/* Mounted file systems that are volumes (on block devices, and ZFS), each
 * once; free with umbra_volume_list_free. */
DECLSPEC_EXPORT int umbra_volume_list(struct umbra_volume **vols, size_t *count);
DECLSPEC_EXPORT void umbra_volume_list_free(struct umbra_volume *vols, size_t count);

/* Where a volume GUID is now: the mount point of a mounted file system whose
 * root has that GUID, else a drive letter's directory that has it, else what
 * the resolver libvssapi registers says (its registry of directory volumes).
 * *root is malloc'd.  -ENOENT when nothing has that GUID. */
DECLSPEC_EXPORT int umbra_volume_root_for_guid(const GUID *guid, char **root);
typedef int (*umbra_volume_guid_resolver)(const GUID *guid, char **root);
DECLSPEC_EXPORT void umbra_volume_set_guid_resolver(umbra_volume_guid_resolver resolver);

/* "$VSS_CONFIG_DIR/dosdevices" and "$VSS_CONFIG_DIR/dosdevices/<letter>:"
 * (letter lower-cased; -EINVAL for anything but A-Z / a-z). */
DECLSPEC_EXPORT int umbra_dosdevices_dir(char *buf, size_t size);
DECLSPEC_EXPORT int umbra_dosdevices_path(char letter, char *buf, size_t size);

/* The directory Umbra keeps one kind of file in (vssapi's config.h lists
 * them): $env when it is set and absolute, else root_default for root, else
 * $xdg/vss, else ~/<home_rel>/vss, else /tmp/vss-<uid> when home_rel is NULL.
 * Read from the environment on every call (secure_getenv). */
DECLSPEC_EXPORT void umbra_vss_dir(char *dst, size_t size, const char *env, const char *root_default,
                                   const char *xdg, const char *home_rel);

#ifdef __cplusplus
}
#endif

#endif
