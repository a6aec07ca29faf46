/*
 * loopdev.h: loop devices for the block-image provider: which file backs a
 * loop device, and mounting an image file read-only through a loop device of
 * its own that goes away when it is unmounted (LO_FLAGS_AUTOCLEAR).
 *
 * Not for: making images or file systems (tests/lib/fsfixture.c does that).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_LOOPDEV_H
#define UMBRA_VSSAPI_PROVIDERS_LOOPDEV_H

#include <sys/types.h>

struct loop_backing
{
    char *file;                  /* absolute path of the backing file */
    unsigned long long offset;   /* where the device starts in it */
    unsigned long long sizelimit;/* 0: to the end of the file */
    int read_only;
};

/* The backing file of "/dev/loopN" (from /sys/block/loopN/loop/).
 * -ENODEV if device is no loop device or has nothing attached, -ENOENT if the
 * backing file has been deleted. */
int loop_backing(const char *device, struct loop_backing *backing);
void loop_backing_free(struct loop_backing *backing);

/* The loop device (e.g. "/dev/loop3") that file is attached to, if any; with
 * several, the first.  -ENOENT if none. */
int loop_find_by_backing(const char *file, char *dev, size_t size);

/* Attach file read-only to a free loop device with offset/sizelimit, set to
 * detach itself when its last user goes; the device name goes to dev and an
 * open descriptor of it to *dev_fd: closing that is what detaches the device
 * if nothing else (a mount) has opened it meanwhile. */
int loop_attach_readonly(const char *file, unsigned long long offset, unsigned long long sizelimit,
                         char *dev, size_t size, int *dev_fd);

/* Detach a loop device we attached (or mark it to detach when unused). */
int loop_detach(const char *dev);

/* The mount options that let a frozen-then-copied file system of this type be
 * mounted read-only beside its original: "noload" for ext4, "norecovery,nouuid"
 * for xfs; NULL for types we do not mount this way. */
const char *loop_snapshot_mount_options(const char *fstype);

/* Mount the image file (fstype: "ext4" or "xfs") read-only at mnt through a
 * new auto-detaching loop device.  -EOPNOTSUPP for other types. */
int loop_mount_image_readonly(const char *file, unsigned long long offset, unsigned long long sizelimit,
                              const char *fstype, const char *mnt);

/* The file system type in an image's superblock ("ext4" or "xfs"), from the
 * magic numbers; -EOPNOTSUPP if neither. */
int loop_probe_fstype(const char *file, unsigned long long offset, const char **fstype);

#endif
