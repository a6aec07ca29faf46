/*
 * wmd.h: the Writer Metadata Document (VSS-FACTS.md §4.2) as plain C data.
 *
 * A writer describes itself in a WMD during Identify (IVssCreateWriterMetadata
 * builds one, create_metadata.c); the requester reads it (IVssExamineWriter-
 * Metadata, examine.c).  This model is what both sides share: load from XML,
 * build with the wmd_add_*() functions, save as XML.  Strings are UTF-8,
 * owned by the document (an arena freed with it); enumerations and masks hold
 * the numeric values of the VSS enums named beside them.
 *
 * A loaded document is read-only; a document being built only grows, so
 * pointers into it (struct wmd_component *, struct wmd_file *) stay valid
 * until wmd_release().  Documents are reference-counted so that the COM
 * objects handed out for one (IVssWMComponent, IVssWMFiledesc) can outlive
 * the object that loaded it.
 *
 * Functions return 0 or a negative errno: -EINVAL bad argument (including
 * text XML cannot carry), -EEXIST duplicate component, -ENOENT no such
 * component, -ENOMEM; loaders as in xml_parse.h.
 *
 * Element names Windows was not seen to write (VSS-FACTS.md §4.2, [U]) are
 * ALTERNATE_LOCATION_MAPPING, DEPENDENCY and the attributes alternatePath,
 * service, userProcedure, icon, onWriterId, onLogicalPath, onComponentName.
 */
#ifndef UMBRA_VSSAPI_WMD_H
#define UMBRA_VSSAPI_WMD_H

#include <stddef.h>
#include <windows.h>

#define WMD_NAMESPACE "x-schema:#VssWriterMetadataInfo"
#define WMD_VERSION "1.2"
#define WMD_DEFAULT_BACKUP_TYPE_MASK 0xf0f  /* VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED */

/* A file set: FILE_LIST, DATABASE_FILES, DATABASE_LOGFILES, EXCLUDE_FILES,
 * EXCLUDE_FILES_FROM_SNAPSHOT, ALTERNATE_LOCATION_MAPPING. */
struct wmd_file
{
    const char *path;
    const char *filespec;
    const char *alternate;          /* alternate location / mapping destination, or NULL */
    DWORD backup_type_mask;         /* VSS_FILE_SPEC_BACKUP_TYPE (component files only) */
    unsigned char recursive;
};

struct wmd_file_list
{
    struct wmd_file *items;
    size_t count, capacity;
};

struct wmd_dependency
{
    GUID writer_id;
    const char *logical_path;       /* NULL when the component has none */
    const char *component_name;
};

struct wmd_component
{
    int type;                       /* VSS_COMPONENT_TYPE: 1 database, 2 file group */
    const char *logical_path;       /* NULL when none ("" is stored as NULL) */
    const char *name;
    const char *caption;            /* NULL when absent ("" is kept) */
    const unsigned char *icon;      /* NULL when absent */
    size_t icon_size;
    unsigned char restore_metadata;
    unsigned char notify_on_backup_complete;
    unsigned char selectable;
    unsigned char selectable_for_restore;
    DWORD flags;                    /* VSS_COMPONENT_FLAGS */
    struct wmd_file_list files;     /* FILE_LIST (file groups) */
    struct wmd_file_list database_files;
    struct wmd_file_list database_logs;
    struct wmd_dependency *dependencies;
    size_t ndependencies, dependencies_capacity;
};

struct wmd_identity
{
    GUID writer_id;                 /* writer class */
    GUID instance_id;
    const char *instance_name;      /* NULL when absent */
    const char *friendly_name;
    int usage;                      /* VSS_USAGE_TYPE */
    int source;                     /* VSS_SOURCE_TYPE */
    DWORD major_version, minor_version;
};

struct wmd_restore_method
{
    int present;                    /* SetRestoreMethod was called / RESTORE_METHOD exists */
    int method;                     /* VSS_RESTOREMETHOD_ENUM */
    const char *service;            /* NULL when absent */
    const char *user_procedure;     /* NULL when absent */
    int writer_restore;             /* VSS_WRITERRESTORE_ENUM */
    int reboot_required;
};

struct wmd_arena;

struct wmd
{
    int refcount;
    struct wmd_arena *arena;
    struct wmd_identity identity;
    DWORD backup_schema;            /* VSS_BACKUP_SCHEMA; written only when non-zero */
    struct wmd_restore_method restore;
    struct wmd_file_list mappings;  /* alternate location mappings */
    struct wmd_file_list excludes;
    struct wmd_file_list excludes_from_snapshot;
    struct wmd_component **components;
    size_t ncomponents, components_capacity;
};

/* A new document with this identity (copied); refcount 1. */
int wmd_create(const struct wmd_identity *identity, struct wmd **out);
void wmd_addref(struct wmd *wmd);
void wmd_release(struct wmd *wmd);

/* Loading: text in UTF-8 (len bytes) or a NUL-terminated WCHAR string. */
int wmd_load_utf8(const char *text, size_t len, struct wmd **out);
int wmd_load_wstr(const WCHAR *text, struct wmd **out);

/* Saving: malloc'd UTF-8 text (NUL-terminated) and its length in bytes. */
int wmd_save_utf8(const struct wmd *wmd, char **text, size_t *len);

/* Building (IVssCreateWriterMetadata).  Strings are copied; logical paths
 * may be NULL or "" for none; other NULL strings mean "absent". */
int wmd_add_component(struct wmd *wmd, int type, const char *logical_path, const char *name,
                      const char *caption, const unsigned char *icon, size_t icon_size,
                      int restore_metadata, int notify_on_backup_complete, int selectable,
                      int selectable_for_restore, DWORD flags, struct wmd_component **out);
/* The component with this logical path and name, or NULL. */
struct wmd_component *wmd_find_component(const struct wmd *wmd, const char *logical_path,
                                         const char *name);
/* Appends a file set to a list of this document (path and filespec required). */
int wmd_add_file(struct wmd *wmd, struct wmd_file_list *list, const char *path, const char *filespec,
                 int recursive, const char *alternate, DWORD backup_type_mask);
int wmd_add_dependency(struct wmd *wmd, struct wmd_component *component, const GUID *writer_id,
                       const char *logical_path, const char *component_name);
int wmd_set_restore_method(struct wmd *wmd, int method, const char *service, const char *user_procedure,
                           int writer_restore, int reboot_required);

/* Both NULL or equal; NULL and "" are the same logical path. */
int wmd_same_logical_path(const char *a, const char *b);

#endif
