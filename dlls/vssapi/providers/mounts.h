/*
 * mounts.h: the mount operations providers share: read-only bind mounts that
 * protect or expose a snapshot's root, unmounting only what is ours, and
 * finding processes that have files open on a volume (revert).
 *
 * Not for: loop devices (loopdev.h).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_MOUNTS_H
#define UMBRA_VSSAPI_PROVIDERS_MOUNTS_H

/* 1 if path is a mount point (the root of a mount), 0 if not, or -errno. */
int mount_is_mount_point(const char *path);

/* 1 if path is a mount point whose root is the same inode as target's
 * (target is mounted, bound or was bound there), 0 if not, or -errno. */
int mount_is_mount_of(const char *path, const char *target);

/* Bind src onto dst (an existing directory) and make that mount read-only.
 * Needs root (-EPERM otherwise).  On failure nothing stays mounted. */
int mount_bind_readonly(const char *src, const char *dst);

/* Unmount path, not following a symlink there. */
int mount_unmount(const char *path);

/* The expose/unexpose rules of provider.h for a snapshot whose readable tree
 * is root: an empty directory gets a read-only bind mount (root only), a path
 * that does not exist gets a symlink to root. */
int mount_expose(const char *root, const char *path, int read_only);
int mount_unexpose(const char *root, const char *path);

/* One line of /proc/self/mountinfo, unescaped. */
struct mount_entry
{
    char *mount_point;
    char *source;          /* e.g. "/dev/loop3" */
    char *fstype;
    char *mount_options;   /* per-mount: "rw,nosuid,relatime" */
    char *super_options;   /* per-file-system: "rw,errors=remount-ro" */
};

/* The first mount whose source is source (a device path); -ENOENT if none. */
int mount_find_by_source(const char *source, struct mount_entry *entry);
/* The mount whose mount point is path (the last one: the one on top). */
int mount_find_by_mount_point(const char *path, struct mount_entry *entry);
void mount_entry_free(struct mount_entry *entry);

/* 1 if something is mounted strictly below path, other than below path/keep
 * (keep may be NULL); 0 if not; -errno. */
int mount_any_below(const char *path, const char *keep);

/* The MS_* flags that mount(2) needs to mount again what entry describes. */
unsigned long mount_entry_flags(const struct mount_entry *entry);

/* 1 if a process (as far as /proc lets us see) has a file, current directory
 * or root directory at or below path, 0 if none, or -errno. */
int mount_files_open_under(const char *path);

#endif
