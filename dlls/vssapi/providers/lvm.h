/*
 * lvm.h: the command lines of the LVM thin provider (lvm.c), built apart from
 * running them so that tests can check them on a machine without
 * device-mapper.  Every builder refuses names that LVM would not accept or
 * that could be read as an option (-EINVAL in cmd->err).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_LVM_H
#define UMBRA_VSSAPI_PROVIDERS_LVM_H

#include <time.h>
#include "runcmd.h"

#define LVM_TAG "umbra-vss"    /* every snapshot LV we make carries it */

/* 1 for a VG or LV name LVM accepts: [A-Za-z0-9+_.-], not starting with '-',
 * not "." or "..", at most 127 bytes. */
int lvm_valid_name(const char *name);

/* "<lv>-GMT-YYYY.MM.DD-HH.MM.SS" (LV names cannot hold '@'). */
int lvm_snapshot_lv_name(const char *lv, time_t t, char *buf, size_t size);
/* The @GMT name in .snapshots for a snapshot LV of lv; -EINVAL if it is not one. */
int lvm_snapshot_dir_name(const char *lv, const char *snaplv, char *buf, size_t size);

/* lvs --noheadings --separator | -o vg_name,lv_name,segtype <device> */
void lvm_cmd_query(struct cmdline *cmd, const char *device);
/* Its output: vg and lv (malloc'd) and whether lv is a thin volume. */
int lvm_parse_query(const char *output, char **vg, char **lv, int *thin);

/* lvs --noheadings -o lv_name --select "origin=<lv> && lv_tags=umbra-vss" <vg> */
void lvm_cmd_list_snapshots(struct cmdline *cmd, const char *vg, const char *lv);
/* lvcreate --snapshot --setactivationskip n --addtag umbra-vss --name <snaplv> <vg>/<lv> */
void lvm_cmd_create(struct cmdline *cmd, const char *vg, const char *lv, const char *snaplv);
/* lvremove --yes <vg>/<snaplv> */
void lvm_cmd_remove(struct cmdline *cmd, const char *vg, const char *snaplv);
/* lvs --noheadings -o lv_name <vg>/<snaplv> */
void lvm_cmd_exists(struct cmdline *cmd, const char *vg, const char *snaplv);
/* lvconvert --merge <vg>/<snaplv> */
void lvm_cmd_merge(struct cmdline *cmd, const char *vg, const char *snaplv);

#endif
