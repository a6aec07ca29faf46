/*
 * config.h: the process-wide configuration of libvssapi (where Umbra keeps its
 * files and how it behaves), read once from the environment, and the few file
 * primitives every piece of persistent state uses: a private directory created
 * safely, a file replaced atomically and durably, a file removed durably.
 *
 * Environment (read with secure_getenv, so a set-uid program ignores it):
 *   VSS_CONFIG_DIR   default /etc/vss (root), else $XDG_CONFIG_HOME/vss or ~/.config/vss;
 *                    holds dosdevices/<letter>: symlinks (Wine's convention)
 *   VSS_RUNTIME_DIR  default /run/vss (root), else $XDG_RUNTIME_DIR/vss
 *                    (or /tmp/vss-<uid> when XDG_RUNTIME_DIR is unset);
 *                    sockets and the snapshot-set lock
 *   VSS_STATE_DIR    default /var/lib/vss (root), else $XDG_STATE_HOME/vss or
 *                    ~/.local/state/vss; the catalogue index, the volume registry
 *   VSS_WAIT_FOR_SET seconds StartSnapshotSet queues behind another set in
 *                    creation (default 0: fail with VSS_E_SNAPSHOT_SET_IN_PROGRESS)
 *   VSS_MODE         "embedded" (the coordinator runs in the requester) or
 *                    "service" (requesters talk to vsssvc); unset, mode reads
 *                    embedded and service_client.c uses vsssvc when it answers
 * Relative or empty directory values are ignored with a warning (XDG rule).
 *
 * Not for: per-snapshot state (catalogue.c), volume names (volume.c).
 */
#ifndef UMBRA_VSSAPI_CONFIG_H
#define UMBRA_VSSAPI_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

enum vss_mode
{
    VSS_MODE_EMBEDDED,
    VSS_MODE_SERVICE,
};

struct vss_config
{
    const char *config_dir;
    const char *runtime_dir;
    const char *state_dir;
    int wait_for_set;        /* seconds, >= 0 */
    enum vss_mode mode;
};

/* Longest VSS_WAIT_FOR_SET honoured (a day); larger values are clamped. */
#define CONFIG_MAX_WAIT_FOR_SET 86400

/* The configuration, read from the environment on first use (thread-safe).
 * The strings stay valid for the life of the process. */
const struct vss_config *config_get(void);

/* Tests only: read the environment again.  The strings of config_get() are
 * overwritten in place, so no other thread may be using them. */
void config_reload(void);

/* Create directory path (and missing parents) with mode 0700 and check that
 * what is there is safe to keep private state in: a real directory (not a
 * symlink), owned by the effective uid, not writable by group or others.
 * Returns 0, -EPERM (unsafe existing directory), -ENOTDIR, or another -errno. */
int config_make_private_dir(const char *path);

/* Replace path with data: write a temporary file beside it, fsync it, rename
 * it over path, fsync the directory.  A crash at any point leaves either the
 * old file or the new one.  The temporary file is named
 * ".<basename>.tmp.<pid>.<n>" (see state_tmp_owner()). */
int state_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* The same without either fsync: readers see the old file or the new one,
 * never a mix, but after a crash (power loss) the name may have reached the
 * disk without the data (an empty file) or not at all.  For files whose
 * durability something else provides, or that nothing depends on. */
int state_write_unsynced(const char *path, const void *data, size_t len, mode_t mode);

/* Remove path and fsync its directory.  -ENOENT if it did not exist. */
int state_unlink_durable(const char *path);

/* Rename old to new (same directory) and fsync the directory. */
int state_rename_durable(const char *oldpath, const char *newpath);

/* fsync a directory by path. */
int state_fsync_dir(const char *dir);

/* syncfs the file system that holds path: everything written to it before
 * is durable when this returns 0 (writeback errors come back as -EIO). */
int state_syncfs(const char *path);

/* fsync a file by path (counted as STATE_IO_FSYNC). */
int state_fsync_path(const char *path);

/* If name is a temporary file of state_write_atomic() for a file called
 * base (NULL: any base), return the pid that wrote it, else 0. */
pid_t state_tmp_owner(const char *name, const char *base);

/* Fault injection, for tests (SQLite style).  Every I/O step of the helpers
 * above whose kind is in the mask counts; the nth counted step (1-based)
 * fails with -errnum, or, with STATE_FAULT_CRASH, the process _exits at that
 * step with STATE_FAULT_EXIT_CODE, as if it had been killed there.
 * state_fault_set(0, 0, 0) turns injection off.  Process-wide. */
enum state_io
{
    STATE_IO_OPEN    = 0x01,   /* creating the temporary file */
    STATE_IO_WRITE   = 0x02,
    STATE_IO_FSYNC   = 0x04,   /* fsync of a file */
    STATE_IO_RENAME  = 0x08,
    STATE_IO_UNLINK  = 0x10,
    STATE_IO_DIRSYNC = 0x20,   /* fsync of a directory */
    STATE_IO_SYNCFS  = 0x40,   /* syncfs of a whole file system */
    STATE_IO_ALL     = 0x7f,
};
#define STATE_FAULT_CRASH (-1)
#define STATE_FAULT_EXIT_CODE 77
void state_fault_set(unsigned int kinds, unsigned int nth, int errnum);
/* Steps counted since the last state_fault_set() (whether or not one failed). */
unsigned int state_fault_steps(void);

#endif
