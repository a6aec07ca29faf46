/*
 * fsfixture.h: real file systems for tests.  A fixture is an image file in the
 * test's tmpdir, formatted (btrfs, xfs, ext4), attached to a loop device of its
 * own (losetup --find) and mounted on a directory beside the image.
 *
 * Whatever happens to the test (a failed assertion, exit, abort, a crash,
 * SIGTERM from the runner's timeout), the fixtures are thawed, unmounted with
 * everything mounted inside them, and detached, by the names they were made
 * with: cleanup runs from atexit and from a signal handler.  Only loop devices
 * we attached, and loop devices backed by files inside our own mounts, are
 * ever touched.  Only SIGKILL can leave one behind.
 *
 * Needs root; suites call umbra_require_root() first.
 */
#ifndef UMBRA_TESTS_FSFIXTURE_H
#define UMBRA_TESTS_FSFIXTURE_H

#include <limits.h>
#include "volume.h"
#include "providers/provider.h"

struct fsfixture
{
    char fstype[16];
    char image[PATH_MAX];      /* the backing file */
    char device[64];           /* /dev/loopN we attached */
    char mnt[PATH_MAX];        /* where it is mounted */
    struct fsfixture *outer;   /* the fixture the image lives in (fsfixture_create_nested) */
};

/* 1 if mkfs.<fstype> and losetup can be found, else 0. */
int fsfixture_tools_available(const char *fstype);

/* A new fs of size_mb MiB in dir (NULL: umbra_test_tmpdir()), with extra
 * mkfs arguments (NULL-terminated, may be NULL).  NULL on failure, with the
 * reason on stderr. */
struct fsfixture *fsfixture_create(const char *fstype, unsigned int size_mb, const char *dir,
                                   const char *const *mkfs_args);

/* An inner fs whose image lives on an outer one (e.g. ext4 in a btrfs image:
 * what the block-image provider snapshots).  fsfixture_destroy(inner) removes
 * both. */
struct fsfixture *fsfixture_create_nested(const char *outer_type, unsigned int outer_mb,
                                          const char *inner_type, unsigned int inner_mb);

/* Thaw, unmount (with what is mounted inside), detach, remove the image.
 * NULL is fine. */
void fsfixture_destroy(struct fsfixture *fx);

/* Run a program (no shell) with stdout/stderr to out (may be NULL); its exit
 * status, or -1. */
int fsfixture_run(char *const argv[], char *out, size_t size);

/* Small file helpers for tests: 0 / -errno; read gives a malloc'd string. */
int fsfixture_write_file(const char *path, const char *content);
char *fsfixture_read_file(const char *path);

/* 1 if the file system holding path is frozen (probed with FIFREEZE: EBUSY),
 * 0 if not (the probe's freeze is undone at once), -errno. */
int fsfixture_is_frozen(const char *path);

/* Snapshots the way DoSnapshotSet drives providers (VSS-FACTS.md §1.3 b-h):
 * begin_prepare for each volume, end_prepare, pre_commit, freeze_hold,
 * commit, freeze_release, post_commit; abort on the first failure. */
#define FSFIXTURE_MAX_SET 8
struct fsfixture_set
{
    unsigned int count;
    struct vss_volume volumes[FSFIXTURE_MAX_SET];
    struct provider_snapshot snaps[FSFIXTURE_MAX_SET];
    struct provider_snapshot *list[FSFIXTURE_MAX_SET];
    struct provider_set set;
    const char *failed_step;    /* the step that failed, for messages */
};

/* One provider, count volumes (paths).  window_ms as for freeze_hold().
 * Returns 0, or the failing step's -errno after abort (set->failed_step). */
int fsfixture_snapshot_set(const struct provider *p, const char *const *paths, unsigned int count,
                           unsigned int window_ms, struct fsfixture_set *set);
/* The same for one volume; the snapshot is set->snaps[0]. */
int fsfixture_snapshot(const struct provider *p, const char *path, struct fsfixture_set *set);
/* Free what the set holds (not the snapshots on disk). */
void fsfixture_set_free(struct fsfixture_set *set);

#endif
