/*
 * bcd.h: the Backup Components Document (VSS-FACTS.md §4.3) as plain C data.
 *
 * The BCD is the requester's record of a backup: which writers' components
 * are in it, how the backup was done, and everything requester and writers
 * note about each component through backup and restore.  IVssBackupComponents
 * keeps one (created for a backup, loaded by InitializeForRestore, written by
 * SaveAsXML); each writer gets the part about its own components for every
 * event and hands it back edited (IVssWriterComponents / IVssComponent,
 * components.c).  This file is the model both sides use.
 *
 * Reading: the structures below are public; read their fields directly.
 * Writing: always through the functions here, which check what they store
 * (text must be valid UTF-8 that XML can carry) and keep the component index
 * right.  Strings are malloc'd UTF-8 owned by the document; NULL means "not
 * set", which the COM layer reports as S_FALSE with a NULL BSTR where
 * Microsoft documents that (VSS-FACTS.md §2.3, IVssComponent::Get*).
 * Enumerations hold the numeric values of the VSS enums named beside them.
 *
 * Ownership: a document is reference-counted (bcd_addref/bcd_release) so that
 * COM objects handed out for its components can outlive the object that made
 * it.  Components and writer entries are never removed, and are allocated one
 * by one, so their pointers stay valid for the document's lifetime.  The model
 * has no lock: the object that owns a document serialises access to it.
 *
 * Errors: 0 or a negative errno.  -EINVAL bad argument or text XML cannot
 * carry; -EEXIST duplicate component (VSS_E_OBJECT_ALREADY_EXISTS);
 * -ENOENT no such component or writer (VSS_E_OBJECT_NOT_FOUND); -ERANGE index
 * out of range; -ENOMEM; loaders as in xml_parse.h (all of which become
 * VSS_E_INVALID_XML_DOCUMENT, see xml_hresult()).
 *
 * Names Windows was not seen to write (VSS-FACTS.md §4.3, [U]; pinned by
 * tests/unit/test_bcd.c): root attributes context and restoreType; COMPONENT
 * attributes previousBackupStamp, backupOptions, restoreOptions,
 * backupSucceeded, selectedForRestore, additionalRestores, restoreTarget,
 * fileRestoreStatus, authoritativeRestore, rollForwardType, rollForwardPoint,
 * restoreName, preRestoreFailureMsg, postRestoreFailureMsg,
 * prepareForBackupFailureMsg, postSnapshotFailureMsg; child elements
 * RESTORE_METADATA, ALTERNATE_LOCATION_MAPPING, NEW_TARGET, DIRECTED_TARGET,
 * PARTIAL_FILE, DIFFERENCED_FILE, RESTORE_SUBCOMPONENT, FAILURE; and the
 * attributes of SNAPSHOT_SET_DESCRIPTION / SNAPSHOT_DESCRIPTION.
 */
#ifndef UMBRA_VSSAPI_BCD_H
#define UMBRA_VSSAPI_BCD_H

#include <stddef.h>
#include <windows.h>
#include <oleauto.h>

#define BCD_NAMESPACE "x-schema:#VssComponentMetadata"
#define BCD_VERSION "1.2"

/* A file set: alternate location mappings (AddAlternativeLocationMapping:
 * path, filespec, recursive -> destination) and new targets (AddNewTarget:
 * path, filespec, recursive -> alternate path). */
struct bcd_fileset
{
    char *path;
    char *filespec;
    int recursive;
    char *alternate;
};

/* IVssComponent::AddPartialFile; ranges is replaced by SetRangesFilePath. */
struct bcd_partial_file
{
    char *path;
    char *filename;
    char *ranges;       /* NULL when none */
    char *metadata;     /* NULL when none */
};

/* IVssComponent::AddDirectedTarget */
struct bcd_directed_target
{
    char *source_path;
    char *source_filename;
    char *source_ranges;
    char *destination_path;
    char *destination_filename;
    char *destination_ranges;
};

/* IVssComponent::AddDifferencedFilesByLastModifyTime / ...LSN */
struct bcd_differenced_file
{
    char *path;
    char *filespec;
    int recursive;
    char *lsn;          /* NULL when given by time */
    UINT64 last_modify_time;    /* FILETIME as 100 ns units since 1601; 0 when given by LSN */
};

/* IVssBackupComponents::AddRestoreSubcomponent */
struct bcd_subcomponent
{
    char *logical_path; /* NULL when none */
    char *name;
    int repair;
};

/* IVssComponentEx2::SetFailure */
struct bcd_failure
{
    int set;
    HRESULT hr;
    HRESULT application_hr;
    char *message;      /* NULL when none */
    DWORD flags;        /* dwReserved */
};

#define BCD_LIST(type) struct { type *items; size_t count, capacity; }

struct bcd_writer;

struct bcd_component
{
    struct bcd_writer *writer;          /* the WRITER_COMPONENTS it belongs to */
    /* identity, from AddComponent */
    int type;                           /* VSS_COMPONENT_TYPE */
    char *logical_path;                 /* NULL when none */
    char *name;

    /* set by the requester for a backup */
    int backup_succeeded;               /* SetBackupSucceeded */
    char *backup_options;               /* SetBackupOptions */
    char *previous_backup_stamp;        /* SetPreviousBackupStamp */
    /* set by the writer during a backup (writer-settable: see bcd_merge_writer) */
    char *backup_stamp;                 /* SetBackupStamp */
    char *backup_metadata;              /* SetBackupMetadata */
    char *prepare_backup_failure_msg;   /* SetPrepareForBackupFailureMsg */
    char *post_snapshot_failure_msg;    /* SetPostSnapshotFailureMsg */
    BCD_LIST(struct bcd_partial_file) partial_files;
    BCD_LIST(struct bcd_differenced_file) differenced_files;
    struct bcd_failure failure;         /* SetFailure (any event) */

    /* set by the requester for a restore */
    int selected_for_restore;           /* SetSelectedForRestore(Ex) */
    int additional_restores;            /* SetAdditionalRestores */
    char *restore_options;              /* SetRestoreOptions */
    int file_restore_status;            /* VSS_FILE_RESTORE_STATUS, SetFileRestoreStatus */
    int authoritative_restore;          /* SetAuthoritativeRestore */
    int rollforward_type;               /* VSS_ROLLFORWARD_TYPE, SetRollForward */
    char *rollforward_point;
    char *restore_name;                 /* SetRestoreName */
    BCD_LIST(struct bcd_fileset) mappings;          /* AddAlternativeLocationMapping */
    BCD_LIST(struct bcd_fileset) new_targets;       /* AddNewTarget */
    BCD_LIST(struct bcd_subcomponent) subcomponents; /* AddRestoreSubcomponent */
    /* set by the writer during a restore (writer-settable) */
    char *restore_metadata;             /* SetRestoreMetadata */
    int restore_target;                 /* VSS_RESTORE_TARGET, SetRestoreTarget; VSS_RT_ORIGINAL by default */
    char *pre_restore_failure_msg;      /* SetPreRestoreFailureMsg */
    char *post_restore_failure_msg;     /* SetPostRestoreFailureMsg */
    BCD_LIST(struct bcd_directed_target) directed_targets;  /* AddDirectedTarget */

    size_t seq;                         /* creation order, for the index */
};

/* WRITER_COMPONENTS: the components of one writer instance. */
struct bcd_writer
{
    GUID instance_id;
    GUID writer_id;                     /* writer class */
    char *instance_name;                /* NULL when none */
    DWORD backup_schema;                /* VSS_BACKUP_SCHEMA, from the writer's metadata */
    struct bcd_component **components;
    size_t ncomponents, capacity;
};

/* SNAPSHOT_DESCRIPTION: one snapshot of a transportable set. */
struct bcd_snapshot
{
    GUID snapshot_id;
    GUID provider_id;
    LONG attributes;                    /* VSS_VOLUME_SNAPSHOT_ATTRIBUTES */
    char *original_volume;
    char *originating_machine;
    char *service_machine;
    char *device;                       /* snapshot device object */
    UINT64 timestamp;                   /* VSS_TIMESTAMP */
};

struct bcd
{
    int refcount;
    /* BACKUP_COMPONENTS attributes */
    int select_components;              /* SetBackupState */
    int bootable_system_state;
    int backup_type;                    /* VSS_BACKUP_TYPE */
    int partial_file_support;
    GUID snapshot_set_id;               /* GUID_NULL: not written */
    LONG context;                       /* VSS_SNAPSHOT_CONTEXT; written when not VSS_CTX_BACKUP (0) */
    int restore_type;                   /* VSS_RESTORE_TYPE, SetRestoreState */

    struct bcd_writer **writers;
    size_t nwriters, writers_capacity;

    /* SNAPSHOT_SET_DESCRIPTION, written when has_snapshot_set */
    int has_snapshot_set;
    LONG snapshot_set_context;
    BCD_LIST(struct bcd_snapshot) snapshots;

    /* private: index of components by (writer class, logical path, name) */
    struct bcd_component **index;
    size_t index_size, ncomponents;
};

/* --- the document --------------------------------------------------------- */

/* An empty document for a new backup; refcount 1. */
int bcd_create(struct bcd **out);
void bcd_addref(struct bcd *bcd);
void bcd_release(struct bcd *bcd);

/* Loading checks the document: namespace, root, required attributes
 * (WRITER_COMPONENTS instanceId and writerId, COMPONENT componentName and
 * componentType, every GUID, number and token spelled right) and no component
 * twice for one writer instance.  Unknown elements and attributes are
 * ignored.  The text is UTF-8 of len bytes, or a NUL-terminated WCHAR string. */
int bcd_load_utf8(const char *text, size_t len, struct bcd **out);
int bcd_load_wstr(const WCHAR *text, struct bcd **out);

/* The whole document as Windows writes it: no XML declaration, one line. */
int bcd_save_utf8(const struct bcd *bcd, char **text, size_t *len);
int bcd_save_bstr(const struct bcd *bcd, BSTR *out);

/* --- writers and components ----------------------------------------------- */

/* The entry of a writer instance, or NULL. */
struct bcd_writer *bcd_find_writer(const struct bcd *bcd, const GUID *instance_id, const GUID *writer_id);
/* The entry of a writer instance, created (empty) if needed. */
int bcd_get_writer(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id, struct bcd_writer **out);
/* Copies name (NULL clears it). */
int bcd_writer_set_instance_name(struct bcd_writer *writer, const char *name);

/* AddComponent: type is VSS_CT_DATABASE (1) or VSS_CT_FILEGROUP (2); the
 * logical path may be NULL or "" for none; name must not be empty.  -EEXIST
 * when this writer instance already has a component with that logical path
 * and name (whatever its type: VSS-FACTS.md §2.1 R8). */
int bcd_add_component(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id, int type,
                      const char *logical_path, const char *name, struct bcd_component **out);

/* The component with this writer class, logical path ("" = NULL) and name.
 * instance_id NULL or GUID_NULL matches any instance (the first added wins);
 * type 0 (VSS_CT_UNDEFINED) matches any type, otherwise the type must match.
 * Names compare exactly (case-sensitive).  NULL when there is none. */
struct bcd_component *bcd_find_component(const struct bcd *bcd, const GUID *instance_id, const GUID *writer_id,
                                         int type, const char *logical_path, const char *name);

/* --- component fields ---------------------------------------------------- */

/* Replaces the string *field of a component (or any string of the model)
 * with a copy of value; NULL clears it.  -EINVAL if XML cannot carry it. */
int bcd_set_string(char **field, const char *value);

int bcd_add_partial_file(struct bcd_component *c, const char *path, const char *filename,
                         const char *ranges, const char *metadata);
/* SetRangesFilePath: replaces the ranges of partial file index; -ERANGE. */
int bcd_set_partial_file_ranges(struct bcd_component *c, size_t index, const char *ranges);
int bcd_add_differenced_file(struct bcd_component *c, const char *path, const char *filespec, int recursive,
                             const char *lsn, UINT64 last_modify_time);
int bcd_add_directed_target(struct bcd_component *c, const char *source_path, const char *source_filename,
                            const char *source_ranges, const char *destination_path,
                            const char *destination_filename, const char *destination_ranges);
int bcd_add_mapping(struct bcd_component *c, const char *path, const char *filespec, int recursive,
                    const char *destination);
int bcd_add_new_target(struct bcd_component *c, const char *path, const char *filespec, int recursive,
                       const char *alternate);
int bcd_add_subcomponent(struct bcd_component *c, const char *logical_path, const char *name, int repair);
int bcd_set_failure(struct bcd_component *c, HRESULT hr, HRESULT application_hr, const char *message,
                    DWORD flags);

/* SNAPSHOT_SET_DESCRIPTION: starts (or resets) the description of the set
 * (id = bcd->snapshot_set_id) and appends snapshots to it. */
int bcd_set_snapshot_set(struct bcd *bcd, LONG context);
int bcd_add_snapshot(struct bcd *bcd, const struct bcd_snapshot *snapshot);

/* --- the writer's view ---------------------------------------------------- */

/* The document sent to a writer for an event: the root attributes and only
 * that writer instance's WRITER_COMPONENTS (an empty one if it has none). */
int bcd_save_writer_utf8(const struct bcd *bcd, const GUID *instance_id, const GUID *writer_id,
                         char **text, size_t *len);

/* Takes back what a writer may change, from the document it returned (for
 * example one loaded from the reply to an event): for every component of
 * that writer instance in `from` that bcd also has, the writer-settable fields
 * (backup stamp, backup and restore metadata, the four failure messages,
 * SetFailure, partial files, differenced files, directed targets, restore
 * target) replace bcd's.  Other writers' entries in `from`, components bcd
 * does not have and every requester-set field are ignored: a writer cannot
 * touch anything else.  On -ENOMEM components already merged stay merged. */
int bcd_merge_writer(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id, const struct bcd *from);

#endif
