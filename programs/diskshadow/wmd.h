/*
 * wmd.h: the writers' metadata as diskshadow uses it: who each writer is,
 * its components with their files, read once through IVssExamineWriterMetadata
 * into plain UTF-8 structures for writer selection (CREATE) and LIST WRITERS.
 */
#ifndef DISKSHADOW_WMD_H
#define DISKSHADOW_WMD_H

#include "session.h"

struct ds_wfile
{
    char *path;
    char *filespec;
    int recursive;
    int kind;               /* 0 file, 1 database file, 2 database log file */
};

struct ds_wcomponent
{
    VSS_COMPONENT_TYPE type;
    char *logical_path;     /* "" when none */
    char *name;
    char *caption;
    char *full;             /* "\<logical path>\<name>", as diskshadow prints it */
    int selectable;
    int selectable_for_restore;
    int notify_on_backup_complete;
    int top_level;          /* no other component of the writer is its ancestor */
    int kept;               /* CREATE's writer selection kept it */
    struct ds_wfile *files;
    size_t nfiles;
};

struct ds_writer_md
{
    GUID instance_id;
    GUID writer_id;
    char *name;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_RESTOREMETHOD_ENUM restore_method;
    VSS_WRITERRESTORE_ENUM writer_restore;
    int reboot_required;
    struct ds_wfile *excludes;
    size_t nexcludes;
    struct ds_wcomponent *components;
    size_t ncomponents;
    char *xml;              /* the WMD as SaveAsXML gives it, for the metadata cabinet */
};

/* GatherWriterMetadata on bc, wait, and read every writer.  Prints the failure
 * block on error.  Free with ds_writers_free. */
enum ds_status ds_gather_writers(struct ds_session *s, IVssBackupComponents *bc, struct ds_writer_md **writers,
                                 size_t *count);
void ds_writers_free(struct ds_writer_md *writers, size_t count);

/* Does the writer or component match a WRITER rule target: "{writer id}", a
 * writer name, or "<writer name>:<\logical path\name>" (component may be NULL). */
int ds_rule_matches(const char *target, const struct ds_writer_md *w, const struct ds_wcomponent *c);

#endif
