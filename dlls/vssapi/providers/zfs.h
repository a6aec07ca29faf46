/*
 * zfs.h: the command lines of the ZFS provider (zfs.c), built apart from
 * running them so that tests can check them on a machine without ZFS.  Every
 * builder refuses names ZFS would not accept or that could be read as an
 * option (-EINVAL in cmd->err).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_ZFS_H
#define UMBRA_VSSAPI_PROVIDERS_ZFS_H

#include <time.h>
#include "runcmd.h"

/* 1 for a dataset name ZFS accepts: components of [A-Za-z0-9_.:-] and spaces
 * separated by '/', not starting with '-', no empty, "." or ".." component. */
int zfs_valid_dataset(const char *name);

/* "GMT-YYYY.MM.DD-HH.MM.SS", Samba's vfs_shadow_copy2 format for ZFS ('@' is
 * ZFS's separator and cannot be part of the name). */
int zfs_snapshot_name(time_t t, char *buf, size_t size);

/* zfs snapshot <ds1>@<snap> <ds2>@<snap> ...: one command, so the snapshots
 * of one pool are taken atomically together. */
void zfs_cmd_snapshot(struct cmdline *cmd, const char *const *datasets, unsigned int count, const char *snap);
/* zfs destroy <ds>@<snap> */
void zfs_cmd_destroy(struct cmdline *cmd, const char *dataset, const char *snap);
/* zfs rollback <ds>@<snap> (refused by zfs when later snapshots exist) */
void zfs_cmd_rollback(struct cmdline *cmd, const char *dataset, const char *snap);
/* zfs list -H -o name -t snapshot -d 1 <ds>: the snapshots of one dataset */
void zfs_cmd_list(struct cmdline *cmd, const char *dataset);

/* The pool of a dataset: its first component (buf must hold the name). */
void zfs_pool_of(const char *dataset, char *buf, size_t size);

#endif
