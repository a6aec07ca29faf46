/*
 * cab.h: diskshadow's metadata cabinet (VSS-FACTS.md §4.4): SET METADATA
 * names it, CREATE writes it (Manifest.xml, BCDocument.xml, WM0.xml ...,
 * the session log), LOAD METADATA reads it back for IMPORT and restores.
 *
 * The manifest is built and parsed here as text (testable without a cabinet);
 * the cabinet itself is written and read with libgcab.
 */
#ifndef DISKSHADOW_CAB_H
#define DISKSHADOW_CAB_H

#include "session.h"
#include "wmd.h"

struct ds_manifest_shadow
{
    GUID id;
    char *alias;
    char *original_volume;  /* "C:\" as the script named it */
    GUID provider;
};

struct ds_manifest
{
    GUID set_id;
    char *machine;
    struct ds_manifest_shadow *shadows;
    size_t nshadows;
    char *bcd_file;         /* "BCDocument.xml", NULL when there is no BCD (no writers) */
    char **alias_names;
    char **alias_values;
    size_t naliases;
    char **writer_names;
    char **writer_files;
    size_t nwriters;
    char *logfile;
};

/* The manifest text, one line, Windows' spacing (UTF-8; the cabinet holds
 * it as UTF-16LE without BOM).  malloc'ed, NULL on ENOMEM. */
char *ds_manifest_build(const struct ds_manifest *m);
/* Parse manifest text (UTF-8).  0, -EINVAL (not a manifest) or -ENOMEM. */
int ds_manifest_parse(const char *text, struct ds_manifest *m);
void ds_manifest_free(struct ds_manifest *m);

/* A loaded cabinet. */
struct ds_metadata
{
    char *path;
    struct ds_manifest manifest;
    char *bcd;              /* BCDocument.xml text, NULL when absent */
    char **wmd;             /* WMn.xml texts, in manifest order */
    size_t nwmd;
};
void ds_metadata_free(struct ds_metadata *md);

/* Write s->metadata after CREATE: the members in Windows' order, each
 * reported in verbose mode ("Inserted file Manifest.xml into .cab file x.cab"). */
enum ds_status ds_metadata_write(struct ds_session *s, const struct ds_writer_md *writers, size_t nwriters);

/* Limits on what LOAD METADATA accepts from a cabinet. */
#define DS_CAB_MAX_MEMBER (64u << 20)   /* the largest real WMD seen is 2 MB */
#define DS_CAB_MAX_MEMBERS 4096

#endif
