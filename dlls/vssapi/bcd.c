/*
 * bcd.c: the Backup Components Document model, its loader, its serialiser
 * and the writer's view of it (see bcd.h).  Not the COM objects:
 * components.c (IVssWriterComponents, IVssComponent) and the requester's
 * IVssBackupComponents.
 *
 * Components are found through a hash index on (writer class, logical path,
 * name), so that AddComponent, SetBackupSucceeded and friends stay cheap in a
 * document with thousands of components.  The per-component attributes are
 * described once in a table that drives both the loader and the serialiser,
 * so the two cannot drift apart.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/debug.h"
#include "wstr.h"
#include "xml_parse.h"
#include "xml_value.h"
#include "xml_write.h"
#include "bcd.h"

static const GUID guid_null;

static int is_null_guid(const GUID *guid)
{
    return !guid || !memcmp(guid, &guid_null, sizeof(*guid));
}

static int same_path(const char *a, const char *b)
{
    if (!a) a = "";
    if (!b) b = "";
    return !strcmp(a, b);
}

/* Copies an optional string, refusing text XML cannot carry. */
static int dup_text(const char *value, char **out)
{
    *out = NULL;
    if (!value) return 0;
    if (!xml_text_valid(value))
    {
        WARN("refusing text XML cannot carry\n");
        return -EINVAL;
    }
    if (!(*out = strdup(value))) return -ENOMEM;
    return 0;
}

int bcd_set_string(char **field, const char *value)
{
    char *copy;
    int ret;

    if ((ret = dup_text(value, &copy))) return ret;
    free(*field);
    *field = copy;
    return 0;
}

static int grow(void **items, size_t *capacity, size_t count, size_t item_size)
{
    size_t cap;
    void *p;

    if (count < *capacity) return 0;
    cap = *capacity ? *capacity * 2 : 4;
    if (cap > SIZE_MAX / item_size) return -ENOMEM;
    if (!(p = realloc(*items, cap * item_size))) return -ENOMEM;
    *items = p;
    *capacity = cap;
    return 0;
}

#define LIST_GROW(list) grow((void **)&(list).items, &(list).capacity, (list).count, sizeof(*(list).items))

/* --- freeing ------------------------------------------------------------- */

static void free_fileset(struct bcd_fileset *f)
{
    free(f->path);
    free(f->filespec);
    free(f->alternate);
}

static void free_partial_file(struct bcd_partial_file *f)
{
    free(f->path);
    free(f->filename);
    free(f->ranges);
    free(f->metadata);
}

static void free_directed_target(struct bcd_directed_target *t)
{
    free(t->source_path);
    free(t->source_filename);
    free(t->source_ranges);
    free(t->destination_path);
    free(t->destination_filename);
    free(t->destination_ranges);
}

static void free_differenced_file(struct bcd_differenced_file *f)
{
    free(f->path);
    free(f->filespec);
    free(f->lsn);
}

static void free_subcomponent(struct bcd_subcomponent *s)
{
    free(s->logical_path);
    free(s->name);
}

static void free_snapshot(struct bcd_snapshot *s)
{
    free(s->original_volume);
    free(s->originating_machine);
    free(s->service_machine);
    free(s->device);
}

#define FREE_LIST(list, fn) do { size_t i_; for (i_ = 0; i_ < (list).count; i_++) fn(&(list).items[i_]); \
                                 free((list).items); (list).items = NULL; (list).count = (list).capacity = 0; } while (0)

/* The writer-settable fields, freed on their own by bcd_merge_writer. */
static void free_writer_fields(struct bcd_component *c)
{
    free(c->backup_stamp);
    free(c->backup_metadata);
    free(c->prepare_backup_failure_msg);
    free(c->post_snapshot_failure_msg);
    free(c->restore_metadata);
    free(c->pre_restore_failure_msg);
    free(c->post_restore_failure_msg);
    free(c->failure.message);
    FREE_LIST(c->partial_files, free_partial_file);
    FREE_LIST(c->differenced_files, free_differenced_file);
    FREE_LIST(c->directed_targets, free_directed_target);
}

static void free_component(struct bcd_component *c)
{
    free(c->logical_path);
    free(c->name);
    free(c->backup_options);
    free(c->previous_backup_stamp);
    free(c->restore_options);
    free(c->rollforward_point);
    free(c->restore_name);
    FREE_LIST(c->mappings, free_fileset);
    FREE_LIST(c->new_targets, free_fileset);
    FREE_LIST(c->subcomponents, free_subcomponent);
    free_writer_fields(c);
    free(c);
}

static void free_writer(struct bcd_writer *w)
{
    size_t i;

    for (i = 0; i < w->ncomponents; i++) free_component(w->components[i]);
    free(w->components);
    free(w->instance_name);
    free(w);
}

int bcd_create(struct bcd **out)
{
    struct bcd *bcd;

    if (!(*out = bcd = calloc(1, sizeof(*bcd)))) return -ENOMEM;
    bcd->refcount = 1;
    return 0;
}

void bcd_addref(struct bcd *bcd)
{
    __atomic_add_fetch(&bcd->refcount, 1, __ATOMIC_RELAXED);
}

void bcd_release(struct bcd *bcd)
{
    size_t i;

    if (!bcd || __atomic_sub_fetch(&bcd->refcount, 1, __ATOMIC_ACQ_REL)) return;
    for (i = 0; i < bcd->nwriters; i++) free_writer(bcd->writers[i]);
    free(bcd->writers);
    FREE_LIST(bcd->snapshots, free_snapshot);
    free(bcd->index);
    free(bcd);
}

/* --- the component index ----------------------------------------------- */

static size_t hash_key(const GUID *writer_id, const char *logical_path, const char *name)
{
    const unsigned char *p = (const unsigned char *)writer_id;
    size_t h = 14695981039346656037ull, i;

    for (i = 0; i < sizeof(*writer_id); i++) h = (h ^ p[i]) * 1099511628211ull;
    for (p = (const unsigned char *)(logical_path ? logical_path : ""); *p; p++) h = (h ^ *p) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
    for (p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 1099511628211ull;
    return h ^ (h >> 29);
}

static void index_put(struct bcd_component **index, size_t size, struct bcd_component *c)
{
    size_t i = hash_key(&c->writer->writer_id, c->logical_path, c->name) & (size - 1);

    while (index[i]) i = (i + 1) & (size - 1);
    index[i] = c;
}

static int index_add(struct bcd *bcd, struct bcd_component *c)
{
    if ((bcd->ncomponents + 1) * 2 > bcd->index_size)
    {
        size_t size = bcd->index_size ? bcd->index_size * 2 : 64, i, j;
        struct bcd_component **index;

        if (!(index = calloc(size, sizeof(*index)))) return -ENOMEM;
        for (i = 0; i < bcd->nwriters; i++)
            for (j = 0; j < bcd->writers[i]->ncomponents; j++)
                index_put(index, size, bcd->writers[i]->components[j]);
        free(bcd->index);
        bcd->index = index;
        bcd->index_size = size;
    }
    index_put(bcd->index, bcd->index_size, c);
    bcd->ncomponents++;
    return 0;
}

struct bcd_component *bcd_find_component(const struct bcd *bcd, const GUID *instance_id, const GUID *writer_id,
                                         int type, const char *logical_path, const char *name)
{
    struct bcd_component *found = NULL;
    size_t i;

    if (!bcd->index_size || !writer_id || !name) return NULL;
    if (logical_path && !*logical_path) logical_path = NULL;
    i = hash_key(writer_id, logical_path, name) & (bcd->index_size - 1);
    for (; bcd->index[i]; i = (i + 1) & (bcd->index_size - 1))
    {
        struct bcd_component *c = bcd->index[i];

        if (memcmp(&c->writer->writer_id, writer_id, sizeof(GUID)) || strcmp(c->name, name)
            || !same_path(c->logical_path, logical_path))
            continue;
        if (!is_null_guid(instance_id) && memcmp(&c->writer->instance_id, instance_id, sizeof(GUID)))
            continue;
        if (!found || c->seq < found->seq) found = c;
    }
    if (found && type && found->type != type) return NULL;
    return found;
}

/* --- writers and components ------------------------------------------- */

struct bcd_writer *bcd_find_writer(const struct bcd *bcd, const GUID *instance_id, const GUID *writer_id)
{
    size_t i;

    for (i = 0; i < bcd->nwriters; i++)
    {
        struct bcd_writer *w = bcd->writers[i];
        if (!memcmp(&w->instance_id, instance_id, sizeof(GUID)) && !memcmp(&w->writer_id, writer_id, sizeof(GUID)))
            return w;
    }
    return NULL;
}

int bcd_get_writer(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id, struct bcd_writer **out)
{
    struct bcd_writer *w;

    if ((*out = bcd_find_writer(bcd, instance_id, writer_id))) return 0;
    if (grow((void **)&bcd->writers, &bcd->writers_capacity, bcd->nwriters, sizeof(*bcd->writers)))
        return -ENOMEM;
    if (!(w = calloc(1, sizeof(*w)))) return -ENOMEM;
    w->instance_id = *instance_id;
    w->writer_id = *writer_id;
    bcd->writers[bcd->nwriters++] = w;
    *out = w;
    return 0;
}

int bcd_writer_set_instance_name(struct bcd_writer *writer, const char *name)
{
    return bcd_set_string(&writer->instance_name, name);
}

int bcd_add_component(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id, int type,
                      const char *logical_path, const char *name, struct bcd_component **out)
{
    struct bcd_component *c;
    struct bcd_writer *w;
    int ret;

    if (out) *out = NULL;
    if ((type != 1 && type != 2) || !name || !*name || !instance_id || !writer_id) return -EINVAL;
    if (logical_path && !*logical_path) logical_path = NULL;
    if (bcd_find_component(bcd, instance_id, writer_id, 0, logical_path, name)) return -EEXIST;
    if (!(c = calloc(1, sizeof(*c)))) return -ENOMEM;
    c->type = type;
    c->restore_target = 1;      /* VSS_RT_ORIGINAL, the documented default */
    if ((ret = dup_text(logical_path, &c->logical_path)) || (ret = dup_text(name, &c->name))) goto fail;
    if ((ret = bcd_get_writer(bcd, instance_id, writer_id, &w))) goto fail;
    if ((ret = grow((void **)&w->components, &w->capacity, w->ncomponents, sizeof(*w->components)))) goto fail;
    c->writer = w;
    c->seq = bcd->ncomponents;
    if ((ret = index_add(bcd, c))) goto fail;
    w->components[w->ncomponents++] = c;
    if (out) *out = c;
    return 0;

fail:
    free_component(c);
    return ret;
}

/* --- component lists ------------------------------------------------------ */

int bcd_add_partial_file(struct bcd_component *c, const char *path, const char *filename,
                         const char *ranges, const char *metadata)
{
    struct bcd_partial_file f;
    int ret;

    if (!path || !filename) return -EINVAL;
    memset(&f, 0, sizeof(f));
    if ((ret = dup_text(path, &f.path)) || (ret = dup_text(filename, &f.filename))
        || (ret = dup_text(ranges, &f.ranges)) || (ret = dup_text(metadata, &f.metadata))
        || (ret = LIST_GROW(c->partial_files)))
    {
        free_partial_file(&f);
        return ret;
    }
    c->partial_files.items[c->partial_files.count++] = f;
    return 0;
}

int bcd_set_partial_file_ranges(struct bcd_component *c, size_t index, const char *ranges)
{
    if (index >= c->partial_files.count) return -ERANGE;
    return bcd_set_string(&c->partial_files.items[index].ranges, ranges);
}

int bcd_add_differenced_file(struct bcd_component *c, const char *path, const char *filespec, int recursive,
                             const char *lsn, UINT64 last_modify_time)
{
    struct bcd_differenced_file f;
    int ret;

    if (!path || !filespec) return -EINVAL;
    memset(&f, 0, sizeof(f));
    f.recursive = !!recursive;
    f.last_modify_time = last_modify_time;
    if ((ret = dup_text(path, &f.path)) || (ret = dup_text(filespec, &f.filespec))
        || (ret = dup_text(lsn, &f.lsn)) || (ret = LIST_GROW(c->differenced_files)))
    {
        free_differenced_file(&f);
        return ret;
    }
    c->differenced_files.items[c->differenced_files.count++] = f;
    return 0;
}

int bcd_add_directed_target(struct bcd_component *c, const char *source_path, const char *source_filename,
                            const char *source_ranges, const char *destination_path,
                            const char *destination_filename, const char *destination_ranges)
{
    struct bcd_directed_target t;
    int ret;

    if (!source_path || !source_filename || !destination_path || !destination_filename) return -EINVAL;
    memset(&t, 0, sizeof(t));
    if ((ret = dup_text(source_path, &t.source_path)) || (ret = dup_text(source_filename, &t.source_filename))
        || (ret = dup_text(source_ranges, &t.source_ranges))
        || (ret = dup_text(destination_path, &t.destination_path))
        || (ret = dup_text(destination_filename, &t.destination_filename))
        || (ret = dup_text(destination_ranges, &t.destination_ranges))
        || (ret = LIST_GROW(c->directed_targets)))
    {
        free_directed_target(&t);
        return ret;
    }
    c->directed_targets.items[c->directed_targets.count++] = t;
    return 0;
}

static int make_fileset(const char *path, const char *filespec, int recursive, const char *alternate,
                        struct bcd_fileset *f)
{
    int ret;

    memset(f, 0, sizeof(*f));
    if (!path || !filespec || !alternate) return -EINVAL;
    f->recursive = !!recursive;
    if ((ret = dup_text(path, &f->path)) || (ret = dup_text(filespec, &f->filespec))
        || (ret = dup_text(alternate, &f->alternate)))
    {
        free_fileset(f);
        return ret;
    }
    return 0;
}

int bcd_add_mapping(struct bcd_component *c, const char *path, const char *filespec, int recursive,
                    const char *destination)
{
    struct bcd_fileset f;
    int ret;

    if ((ret = make_fileset(path, filespec, recursive, destination, &f))) return ret;
    if ((ret = LIST_GROW(c->mappings)))
    {
        free_fileset(&f);
        return ret;
    }
    c->mappings.items[c->mappings.count++] = f;
    return 0;
}

int bcd_add_new_target(struct bcd_component *c, const char *path, const char *filespec, int recursive,
                       const char *alternate)
{
    struct bcd_fileset f;
    int ret;

    if ((ret = make_fileset(path, filespec, recursive, alternate, &f))) return ret;
    if ((ret = LIST_GROW(c->new_targets)))
    {
        free_fileset(&f);
        return ret;
    }
    c->new_targets.items[c->new_targets.count++] = f;
    return 0;
}

int bcd_add_subcomponent(struct bcd_component *c, const char *logical_path, const char *name, int repair)
{
    struct bcd_subcomponent s;
    int ret;

    if (!name || !*name) return -EINVAL;
    if (logical_path && !*logical_path) logical_path = NULL;
    memset(&s, 0, sizeof(s));
    s.repair = !!repair;
    if ((ret = dup_text(logical_path, &s.logical_path)) || (ret = dup_text(name, &s.name))
        || (ret = LIST_GROW(c->subcomponents)))
    {
        free_subcomponent(&s);
        return ret;
    }
    c->subcomponents.items[c->subcomponents.count++] = s;
    return 0;
}

int bcd_set_failure(struct bcd_component *c, HRESULT hr, HRESULT application_hr, const char *message,
                    DWORD flags)
{
    char *copy;
    int ret;

    if ((ret = dup_text(message, &copy))) return ret;
    free(c->failure.message);
    c->failure.set = 1;
    c->failure.hr = hr;
    c->failure.application_hr = application_hr;
    c->failure.message = copy;
    c->failure.flags = flags;
    return 0;
}

int bcd_set_snapshot_set(struct bcd *bcd, LONG context)
{
    FREE_LIST(bcd->snapshots, free_snapshot);
    bcd->has_snapshot_set = 1;
    bcd->snapshot_set_context = context;
    return 0;
}

int bcd_add_snapshot(struct bcd *bcd, const struct bcd_snapshot *snapshot)
{
    struct bcd_snapshot s = *snapshot;
    int ret;

    s.original_volume = s.originating_machine = s.service_machine = s.device = NULL;
    if ((ret = dup_text(snapshot->original_volume, &s.original_volume))
        || (ret = dup_text(snapshot->originating_machine, &s.originating_machine))
        || (ret = dup_text(snapshot->service_machine, &s.service_machine))
        || (ret = dup_text(snapshot->device, &s.device))
        || (ret = LIST_GROW(bcd->snapshots)))
    {
        free_snapshot(&s);
        return ret;
    }
    bcd->has_snapshot_set = 1;
    bcd->snapshots.items[bcd->snapshots.count++] = s;
    return 0;
}

/* --- the attribute table of COMPONENT ------------------------------------- */

enum field_kind { F_STRING, F_BOOL, F_TOKEN };

struct field
{
    const char *attr;
    size_t offset;
    enum field_kind kind;
    const struct xml_token *tokens;     /* F_TOKEN */
    int def;                            /* F_TOKEN: value when absent, not written */
};

#define FIELD(attr, member, kind, tokens, def) { attr, offsetof(struct bcd_component, member), kind, tokens, def }

static const struct field component_fields[] =
{
    FIELD("backupStamp", backup_stamp, F_STRING, NULL, 0),
    FIELD("previousBackupStamp", previous_backup_stamp, F_STRING, NULL, 0),
    FIELD("backupOptions", backup_options, F_STRING, NULL, 0),
    FIELD("backupSucceeded", backup_succeeded, F_BOOL, NULL, 0),
    FIELD("prepareForBackupFailureMsg", prepare_backup_failure_msg, F_STRING, NULL, 0),
    FIELD("postSnapshotFailureMsg", post_snapshot_failure_msg, F_STRING, NULL, 0),
    FIELD("selectedForRestore", selected_for_restore, F_BOOL, NULL, 0),
    FIELD("additionalRestores", additional_restores, F_BOOL, NULL, 0),
    FIELD("restoreOptions", restore_options, F_STRING, NULL, 0),
    FIELD("restoreTarget", restore_target, F_TOKEN, xml_restore_target_tokens, 1),
    FIELD("fileRestoreStatus", file_restore_status, F_TOKEN, xml_file_restore_status_tokens, 0),
    FIELD("authoritativeRestore", authoritative_restore, F_BOOL, NULL, 0),
    FIELD("rollForwardType", rollforward_type, F_TOKEN, xml_rollforward_tokens, 0),
    FIELD("rollForwardPoint", rollforward_point, F_STRING, NULL, 0),
    FIELD("restoreName", restore_name, F_STRING, NULL, 0),
    FIELD("preRestoreFailureMsg", pre_restore_failure_msg, F_STRING, NULL, 0),
    FIELD("postRestoreFailureMsg", post_restore_failure_msg, F_STRING, NULL, 0),
};

#define FIELD_PTR(c, f, type) ((type *)((char *)(c) + (f)->offset))

/* --- loading ---------------------------------------------------------------- */

enum bcd_element
{
    EL_OTHER,
    EL_ROOT,
    EL_WRITER,
    EL_COMPONENT,
    EL_SNAPSHOT_SET,
};

struct loader
{
    struct bcd *bcd;
    enum bcd_element kinds[XML_MAX_DEPTH];
    struct bcd_writer *writer;
    struct bcd_component *component;
};

static int invalid(const struct xml_element *el, const char *name, const char *value)
{
    WARN("%s: %s=\"%s\" is missing or not valid\n", el->name, name, value ? value : "(missing)");
    return -EPROTO;
}

static int get_guid(const struct xml_element *el, const char *name, int required, GUID *guid)
{
    const char *value = xml_attr_get(el, name);

    memset(guid, 0, sizeof(*guid));
    if (!value && !required) return 0;
    if (!value || xml_parse_guid(value, guid)) return invalid(el, name, value);
    return 0;
}

static int get_bool(const struct xml_element *el, const char *name, int *out)
{
    const char *value = xml_attr_get(el, name);

    *out = 0;
    if (value && xml_parse_bool(value, out)) return invalid(el, name, value);
    return 0;
}

static int get_u32(const struct xml_element *el, const char *name, int required, UINT32 *out)
{
    const char *value = xml_attr_get(el, name);

    *out = 0;
    if (!value && !required) return 0;
    if (!value || xml_parse_u32(value, out)) return invalid(el, name, value);
    return 0;
}

static int get_u64(const struct xml_element *el, const char *name, UINT64 *out)
{
    const char *value = xml_attr_get(el, name);

    *out = 0;
    if (value && xml_parse_u64(value, out)) return invalid(el, name, value);
    return 0;
}

static int get_token(const struct xml_element *el, const char *name, const struct xml_token *tokens,
                     int def, int *out)
{
    const char *value = xml_attr_get(el, name);

    *out = def;
    if (value && xml_parse_token(tokens, value, out)) return invalid(el, name, value);
    return 0;
}

/* A string attribute; missing and required is an error. */
static int get_string(const struct xml_element *el, const char *name, int required, char **out)
{
    const char *value = xml_attr_get(el, name);

    *out = NULL;
    if (!value) return required ? invalid(el, name, value) : 0;
    if (!(*out = strdup(value))) return -ENOMEM;
    return 0;
}

static int load_root(struct loader *ld, const struct xml_element *el)
{
    struct bcd *bcd = ld->bcd;
    UINT32 context;
    int ret;

    if ((ret = get_bool(el, "selectComponents", &bcd->select_components))
        || (ret = get_bool(el, "bootableSystemStateBackup", &bcd->bootable_system_state))
        || (ret = get_token(el, "backupType", xml_backup_type_tokens, 0, &bcd->backup_type))
        || (ret = get_bool(el, "partialFileSupport", &bcd->partial_file_support))
        || (ret = get_guid(el, "snapshotSetId", 0, &bcd->snapshot_set_id))
        || (ret = get_u32(el, "context", 0, &context))
        || (ret = get_token(el, "restoreType", xml_restore_type_tokens, 0, &bcd->restore_type)))
        return ret;
    bcd->context = (LONG)context;
    return 0;
}

static int load_writer(struct loader *ld, const struct xml_element *el)
{
    GUID instance_id, writer_id;
    UINT32 schema;
    int ret;

    if ((ret = get_guid(el, "instanceId", 1, &instance_id)) || (ret = get_guid(el, "writerId", 1, &writer_id))
        || (ret = get_u32(el, "backupSchema", 0, &schema)))
        return ret;
    if ((ret = bcd_get_writer(ld->bcd, &instance_id, &writer_id, &ld->writer))) return ret;
    ld->writer->backup_schema = schema;
    if (xml_attr_get(el, "instanceName"))
        return bcd_writer_set_instance_name(ld->writer, xml_attr_get(el, "instanceName"));
    return 0;
}

static int load_component(struct loader *ld, const struct xml_element *el)
{
    const char *name = xml_attr_get(el, "componentName"), *type_text = xml_attr_get(el, "componentType");
    struct bcd_writer *w = ld->writer;
    struct bcd_component *c;
    size_t i;
    int type, ret;

    if (!name || !*name) return invalid(el, "componentName", name);
    if (!type_text || xml_parse_token(xml_component_type_tokens, type_text, &type))
        return invalid(el, "componentType", type_text);
    ret = bcd_add_component(ld->bcd, &w->instance_id, &w->writer_id, type, xml_attr_get(el, "logicalPath"),
                            name, &c);
    if (ret == -EEXIST)
    {
        WARN("component %s listed twice\n", name);
        return -EPROTO;
    }
    if (ret) return ret;
    for (i = 0; i < sizeof(component_fields) / sizeof(component_fields[0]); i++)
    {
        const struct field *f = &component_fields[i];

        switch (f->kind)
        {
        case F_STRING: ret = get_string(el, f->attr, 0, FIELD_PTR(c, f, char *)); break;
        case F_BOOL: ret = get_bool(el, f->attr, FIELD_PTR(c, f, int)); break;
        case F_TOKEN: ret = get_token(el, f->attr, f->tokens, f->def, FIELD_PTR(c, f, int)); break;
        }
        if (ret) return ret;
    }
    ld->component = c;
    return 0;
}

static int load_fileset(const struct xml_element *el, const char *alternate_attr, struct bcd_fileset *f)
{
    int ret;

    memset(f, 0, sizeof(*f));
    if ((ret = get_string(el, "path", 1, &f->path)) || (ret = get_string(el, "filespec", 1, &f->filespec))
        || (ret = get_bool(el, "recursive", &f->recursive))
        || (ret = get_string(el, alternate_attr, 1, &f->alternate)))
        free_fileset(f);
    return ret;
}

/* The children of COMPONENT; returns 0 or a negative errno. */
static int load_component_child(struct loader *ld, const struct xml_element *el)
{
    struct bcd_component *c = ld->component;
    const char *n = el->name;
    int ret = 0;

    if (!strcmp(n, "BACKUP_METADATA") || !strcmp(n, "RESTORE_METADATA"))
    {
        char **field = n[0] == 'B' ? &c->backup_metadata : &c->restore_metadata;
        char *value;

        if ((ret = get_string(el, "metadata", 1, &value))) return ret;
        free(*field);
        *field = value;
    }
    else if (!strcmp(n, "ALTERNATE_LOCATION_MAPPING") || !strcmp(n, "NEW_TARGET"))
    {
        struct bcd_fileset f;

        if ((ret = load_fileset(el, "alternatePath", &f))) return ret;
        if (n[0] == 'A' ? (ret = LIST_GROW(c->mappings)) : (ret = LIST_GROW(c->new_targets)))
        {
            free_fileset(&f);
            return ret;
        }
        if (n[0] == 'A') c->mappings.items[c->mappings.count++] = f;
        else c->new_targets.items[c->new_targets.count++] = f;
    }
    else if (!strcmp(n, "PARTIAL_FILE"))
    {
        struct bcd_partial_file f;

        memset(&f, 0, sizeof(f));
        if ((ret = get_string(el, "path", 1, &f.path)) || (ret = get_string(el, "filename", 1, &f.filename))
            || (ret = get_string(el, "ranges", 0, &f.ranges)) || (ret = get_string(el, "metadata", 0, &f.metadata))
            || (ret = LIST_GROW(c->partial_files)))
        {
            free_partial_file(&f);
            return ret;
        }
        c->partial_files.items[c->partial_files.count++] = f;
    }
    else if (!strcmp(n, "DIRECTED_TARGET"))
    {
        struct bcd_directed_target t;

        memset(&t, 0, sizeof(t));
        if ((ret = get_string(el, "sourcePath", 1, &t.source_path))
            || (ret = get_string(el, "sourceFilename", 1, &t.source_filename))
            || (ret = get_string(el, "sourceRangeList", 0, &t.source_ranges))
            || (ret = get_string(el, "destinationPath", 1, &t.destination_path))
            || (ret = get_string(el, "destinationFilename", 1, &t.destination_filename))
            || (ret = get_string(el, "destinationRangeList", 0, &t.destination_ranges))
            || (ret = LIST_GROW(c->directed_targets)))
        {
            free_directed_target(&t);
            return ret;
        }
        c->directed_targets.items[c->directed_targets.count++] = t;
    }
    else if (!strcmp(n, "DIFFERENCED_FILE"))
    {
        struct bcd_differenced_file f;

        memset(&f, 0, sizeof(f));
        if ((ret = get_string(el, "path", 1, &f.path)) || (ret = get_string(el, "filespec", 1, &f.filespec))
            || (ret = get_bool(el, "recursive", &f.recursive)) || (ret = get_string(el, "lsnString", 0, &f.lsn))
            || (ret = get_u64(el, "lastModifyTime", &f.last_modify_time))
            || (ret = LIST_GROW(c->differenced_files)))
        {
            free_differenced_file(&f);
            return ret;
        }
        c->differenced_files.items[c->differenced_files.count++] = f;
    }
    else if (!strcmp(n, "RESTORE_SUBCOMPONENT"))
    {
        struct bcd_subcomponent s;

        memset(&s, 0, sizeof(s));
        if ((ret = get_string(el, "logicalPath", 0, &s.logical_path))
            || (ret = get_string(el, "componentName", 1, &s.name)) || (ret = get_bool(el, "repair", &s.repair))
            || (ret = LIST_GROW(c->subcomponents)))
        {
            free_subcomponent(&s);
            return ret;
        }
        if (s.logical_path && !*s.logical_path)
        {
            free(s.logical_path);
            s.logical_path = NULL;
        }
        c->subcomponents.items[c->subcomponents.count++] = s;
    }
    else if (!strcmp(n, "FAILURE"))
    {
        UINT32 hr, application_hr, flags;

        if ((ret = get_u32(el, "hr", 1, &hr)) || (ret = get_u32(el, "applicationHr", 0, &application_hr))
            || (ret = get_u32(el, "flags", 0, &flags)))
            return ret;
        return bcd_set_failure(c, (HRESULT)hr, (HRESULT)application_hr, xml_attr_get(el, "applicationMessage"),
                               flags);
    }
    return ret;
}

static int load_snapshot(struct loader *ld, const struct xml_element *el)
{
    struct bcd_snapshot s;
    UINT32 attributes;
    int ret;

    memset(&s, 0, sizeof(s));
    if ((ret = get_guid(el, "snapshotId", 1, &s.snapshot_id)) || (ret = get_guid(el, "providerId", 0, &s.provider_id))
        || (ret = get_u32(el, "snapshotAttributes", 0, &attributes))
        || (ret = get_u64(el, "timestamp", &s.timestamp)))
        return ret;
    s.attributes = (LONG)attributes;
    s.original_volume = (char *)xml_attr_get(el, "originalVolumeName");
    s.originating_machine = (char *)xml_attr_get(el, "originatingMachine");
    s.service_machine = (char *)xml_attr_get(el, "serviceMachine");
    s.device = (char *)xml_attr_get(el, "snapshotDeviceObject");
    return bcd_add_snapshot(ld->bcd, &s);  /* copies the strings */
}

static int on_start(void *ctx, const struct xml_element *el)
{
    struct loader *ld = ctx;
    enum bcd_element parent = el->depth ? ld->kinds[el->depth - 1] : EL_OTHER;
    enum bcd_element kind = EL_OTHER;
    int ret;

    if (!el->depth)
    {
        if ((ret = load_root(ld, el))) return ret;
        kind = EL_ROOT;
    }
    else if (parent == EL_ROOT && !strcmp(el->name, "WRITER_COMPONENTS"))
    {
        if ((ret = load_writer(ld, el))) return ret;
        kind = EL_WRITER;
    }
    else if (parent == EL_ROOT && !strcmp(el->name, "SNAPSHOT_SET_DESCRIPTION"))
    {
        UINT32 context;
        GUID id;

        if ((ret = get_guid(el, "snapshotSetId", 0, &id)) || (ret = get_u32(el, "context", 0, &context))) return ret;
        if (is_null_guid(&ld->bcd->snapshot_set_id)) ld->bcd->snapshot_set_id = id;
        if ((ret = bcd_set_snapshot_set(ld->bcd, (LONG)context))) return ret;
        kind = EL_SNAPSHOT_SET;
    }
    else if (parent == EL_WRITER && !strcmp(el->name, "COMPONENT"))
    {
        if ((ret = load_component(ld, el))) return ret;
        kind = EL_COMPONENT;
    }
    else if (parent == EL_COMPONENT)
    {
        if ((ret = load_component_child(ld, el))) return ret;
        return XML_SKIP;
    }
    else if (parent == EL_SNAPSHOT_SET && !strcmp(el->name, "SNAPSHOT_DESCRIPTION"))
    {
        if ((ret = load_snapshot(ld, el))) return ret;
        return XML_SKIP;    /* LUN mappings: not modelled */
    }
    else return XML_SKIP;

    ld->kinds[el->depth] = kind;
    return XML_DESCEND;
}

static int on_end(void *ctx, const struct xml_element *el)
{
    struct loader *ld = ctx;

    if (ld->kinds[el->depth] == EL_COMPONENT) ld->component = NULL;
    else if (ld->kinds[el->depth] == EL_WRITER) ld->writer = NULL;
    return 0;
}

static const struct xml_handler bcd_handler =
{
    "BACKUP_COMPONENTS", BCD_NAMESPACE, on_start, on_end
};

static int finish_load(int ret, struct loader *ld, struct bcd **out)
{
    if (ret)
    {
        bcd_release(ld->bcd);
        return ret;
    }
    *out = ld->bcd;
    return 0;
}

int bcd_load_utf8(const char *text, size_t len, struct bcd **out)
{
    struct loader ld;
    int ret;

    *out = NULL;
    memset(&ld, 0, sizeof(ld));
    if ((ret = bcd_create(&ld.bcd))) return ret;
    return finish_load(xml_parse_utf8(text, len, &bcd_handler, &ld), &ld, out);
}

int bcd_load_wstr(const WCHAR *text, struct bcd **out)
{
    struct loader ld;
    int ret;

    *out = NULL;
    memset(&ld, 0, sizeof(ld));
    if ((ret = bcd_create(&ld.bcd))) return ret;
    return finish_load(xml_parse_wstr(text, &bcd_handler, &ld), &ld, out);
}

/* --- saving ----------------------------------------------------------------- */

static void write_filesets(struct xml_writer *w, const char *element, const struct bcd_fileset *items, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
    {
        xml_begin(w, element);
        xml_attr(w, "path", items[i].path);
        xml_attr(w, "filespec", items[i].filespec);
        xml_attr_bool(w, "recursive", items[i].recursive);
        xml_attr(w, "alternatePath", items[i].alternate);
        xml_end(w);
    }
}

static void write_component(struct xml_writer *w, const struct bcd_component *c)
{
    size_t i;

    xml_begin(w, "COMPONENT");
    xml_attr_opt(w, "logicalPath", c->logical_path);
    xml_attr(w, "componentName", c->name);
    xml_attr(w, "componentType", xml_token_text(xml_component_type_tokens, c->type));
    for (i = 0; i < sizeof(component_fields) / sizeof(component_fields[0]); i++)
    {
        const struct field *f = &component_fields[i];
        int value;

        switch (f->kind)
        {
        case F_STRING:
            xml_attr_opt(w, f->attr, *FIELD_PTR(c, f, char *));
            break;
        case F_BOOL:
            if (*FIELD_PTR(c, f, int)) xml_attr_bool(w, f->attr, 1);
            break;
        case F_TOKEN:
            value = *FIELD_PTR(c, f, int);
            if (value != f->def) xml_attr(w, f->attr, xml_token_text(f->tokens, value));
            break;
        }
    }

    /* the writer's private data: Windows resets the namespace here (§4.3) */
    if (c->backup_metadata)
    {
        xml_begin(w, "BACKUP_METADATA");
        xml_attr(w, "xmlns", "");
        xml_attr(w, "metadata", c->backup_metadata);
        xml_end(w);
    }
    if (c->restore_metadata)
    {
        xml_begin(w, "RESTORE_METADATA");
        xml_attr(w, "xmlns", "");
        xml_attr(w, "metadata", c->restore_metadata);
        xml_end(w);
    }
    write_filesets(w, "ALTERNATE_LOCATION_MAPPING", c->mappings.items, c->mappings.count);
    write_filesets(w, "NEW_TARGET", c->new_targets.items, c->new_targets.count);
    for (i = 0; i < c->partial_files.count; i++)
    {
        const struct bcd_partial_file *f = &c->partial_files.items[i];

        xml_begin(w, "PARTIAL_FILE");
        xml_attr(w, "path", f->path);
        xml_attr(w, "filename", f->filename);
        xml_attr_opt(w, "ranges", f->ranges);
        xml_attr_opt(w, "metadata", f->metadata);
        xml_end(w);
    }
    for (i = 0; i < c->directed_targets.count; i++)
    {
        const struct bcd_directed_target *t = &c->directed_targets.items[i];

        xml_begin(w, "DIRECTED_TARGET");
        xml_attr(w, "sourcePath", t->source_path);
        xml_attr(w, "sourceFilename", t->source_filename);
        xml_attr_opt(w, "sourceRangeList", t->source_ranges);
        xml_attr(w, "destinationPath", t->destination_path);
        xml_attr(w, "destinationFilename", t->destination_filename);
        xml_attr_opt(w, "destinationRangeList", t->destination_ranges);
        xml_end(w);
    }
    for (i = 0; i < c->differenced_files.count; i++)
    {
        const struct bcd_differenced_file *f = &c->differenced_files.items[i];

        xml_begin(w, "DIFFERENCED_FILE");
        xml_attr(w, "path", f->path);
        xml_attr(w, "filespec", f->filespec);
        xml_attr_bool(w, "recursive", f->recursive);
        xml_attr_opt(w, "lsnString", f->lsn);
        if (f->last_modify_time) xml_attr_u64(w, "lastModifyTime", f->last_modify_time);
        xml_end(w);
    }
    for (i = 0; i < c->subcomponents.count; i++)
    {
        const struct bcd_subcomponent *s = &c->subcomponents.items[i];

        xml_begin(w, "RESTORE_SUBCOMPONENT");
        xml_attr_opt(w, "logicalPath", s->logical_path);
        xml_attr(w, "componentName", s->name);
        xml_attr_bool(w, "repair", s->repair);
        xml_end(w);
    }
    if (c->failure.set)
    {
        xml_begin(w, "FAILURE");
        xml_attr_u32(w, "hr", (UINT32)c->failure.hr);
        xml_attr_u32(w, "applicationHr", (UINT32)c->failure.application_hr);
        xml_attr_opt(w, "applicationMessage", c->failure.message);
        xml_attr_u32(w, "flags", c->failure.flags);
        xml_end(w);
    }
    xml_end(w);
}

static void write_writer(struct xml_writer *w, const struct bcd_writer *writer)
{
    size_t i;

    xml_begin(w, "WRITER_COMPONENTS");
    xml_attr_guid(w, "instanceId", &writer->instance_id);
    xml_attr_guid(w, "writerId", &writer->writer_id);
    xml_attr_opt(w, "instanceName", writer->instance_name);
    xml_attr_u32(w, "backupSchema", writer->backup_schema);
    for (i = 0; i < writer->ncomponents; i++) write_component(w, writer->components[i]);
    xml_end(w);
}

static void write_snapshot_set(struct xml_writer *w, const struct bcd *bcd)
{
    size_t i;

    xml_begin(w, "SNAPSHOT_SET_DESCRIPTION");
    xml_attr_guid(w, "snapshotSetId", &bcd->snapshot_set_id);
    xml_attr_u32(w, "context", (UINT32)bcd->snapshot_set_context);
    for (i = 0; i < bcd->snapshots.count; i++)
    {
        const struct bcd_snapshot *s = &bcd->snapshots.items[i];

        xml_begin(w, "SNAPSHOT_DESCRIPTION");
        xml_attr_guid(w, "snapshotId", &s->snapshot_id);
        xml_attr_guid(w, "providerId", &s->provider_id);
        xml_attr_u32(w, "snapshotAttributes", (UINT32)s->attributes);
        xml_attr_opt(w, "originalVolumeName", s->original_volume);
        xml_attr_opt(w, "originatingMachine", s->originating_machine);
        xml_attr_opt(w, "serviceMachine", s->service_machine);
        xml_attr_opt(w, "snapshotDeviceObject", s->device);
        xml_attr_u64(w, "timestamp", s->timestamp);
        xml_end(w);
    }
    xml_end(w);
}

static void write_root(struct xml_writer *w, const struct bcd *bcd)
{
    xml_begin(w, "BACKUP_COMPONENTS");
    xml_attr(w, "xmlns", BCD_NAMESPACE);
    xml_attr(w, "version", BCD_VERSION);
    xml_attr_bool(w, "bootableSystemStateBackup", bcd->bootable_system_state);
    xml_attr_bool(w, "selectComponents", bcd->select_components);
    xml_attr(w, "backupType", xml_token_text(xml_backup_type_tokens, bcd->backup_type));
    xml_attr_bool(w, "partialFileSupport", bcd->partial_file_support);
    if (!is_null_guid(&bcd->snapshot_set_id)) xml_attr_guid(w, "snapshotSetId", &bcd->snapshot_set_id);
    if (bcd->context) xml_attr_u32(w, "context", (UINT32)bcd->context);
    if (bcd->restore_type) xml_attr(w, "restoreType", xml_token_text(xml_restore_type_tokens, bcd->restore_type));
}

int bcd_save_utf8(const struct bcd *bcd, char **text, size_t *len)
{
    struct xml_writer w;
    size_t i;

    *text = NULL;
    *len = 0;
    xml_writer_init(&w);
    write_root(&w, bcd);
    for (i = 0; i < bcd->nwriters; i++) write_writer(&w, bcd->writers[i]);
    if (bcd->has_snapshot_set) write_snapshot_set(&w, bcd);
    xml_end(&w);
    return xml_writer_finish(&w, text, len);
}

int bcd_save_bstr(const struct bcd *bcd, BSTR *out)
{
    char *text;
    size_t len;
    int ret;

    *out = NULL;
    if ((ret = bcd_save_utf8(bcd, &text, &len))) return ret;
    ret = bstr_from_utf8n(text, len, out);
    free(text);
    return ret;
}

/* --- the writer's view ----------------------------------------------------- */

int bcd_save_writer_utf8(const struct bcd *bcd, const GUID *instance_id, const GUID *writer_id,
                         char **text, size_t *len)
{
    const struct bcd_writer *writer = bcd_find_writer(bcd, instance_id, writer_id);
    struct xml_writer w;
    struct bcd_writer empty;

    *text = NULL;
    *len = 0;
    if (!writer)
    {
        memset(&empty, 0, sizeof(empty));
        empty.instance_id = *instance_id;
        empty.writer_id = *writer_id;
        writer = &empty;
    }
    xml_writer_init(&w);
    write_root(&w, bcd);
    write_writer(&w, writer);
    xml_end(&w);
    return xml_writer_finish(&w, text, len);
}

/* Deep-copies the writer-settable fields of one component into an empty one. */
static int copy_writer_fields(const struct bcd_component *from, struct bcd_component *to)
{
    size_t i;
    int ret;

    if ((ret = dup_text(from->backup_stamp, &to->backup_stamp))
        || (ret = dup_text(from->backup_metadata, &to->backup_metadata))
        || (ret = dup_text(from->prepare_backup_failure_msg, &to->prepare_backup_failure_msg))
        || (ret = dup_text(from->post_snapshot_failure_msg, &to->post_snapshot_failure_msg))
        || (ret = dup_text(from->restore_metadata, &to->restore_metadata))
        || (ret = dup_text(from->pre_restore_failure_msg, &to->pre_restore_failure_msg))
        || (ret = dup_text(from->post_restore_failure_msg, &to->post_restore_failure_msg)))
        return ret;
    if (from->failure.set
        && (ret = bcd_set_failure(to, from->failure.hr, from->failure.application_hr, from->failure.message,
                                  from->failure.flags)))
        return ret;
    for (i = 0; i < from->partial_files.count; i++)
    {
        const struct bcd_partial_file *f = &from->partial_files.items[i];
        if ((ret = bcd_add_partial_file(to, f->path, f->filename, f->ranges, f->metadata))) return ret;
    }
    for (i = 0; i < from->differenced_files.count; i++)
    {
        const struct bcd_differenced_file *f = &from->differenced_files.items[i];
        if ((ret = bcd_add_differenced_file(to, f->path, f->filespec, f->recursive, f->lsn, f->last_modify_time)))
            return ret;
    }
    for (i = 0; i < from->directed_targets.count; i++)
    {
        const struct bcd_directed_target *t = &from->directed_targets.items[i];
        if ((ret = bcd_add_directed_target(to, t->source_path, t->source_filename, t->source_ranges,
                                           t->destination_path, t->destination_filename, t->destination_ranges)))
            return ret;
    }
    to->restore_target = from->restore_target;
    return 0;
}

/* Moves the writer-settable fields of src into dst (dst's old ones are freed). */
static void move_writer_fields(struct bcd_component *dst, struct bcd_component *src)
{
    free_writer_fields(dst);
    dst->backup_stamp = src->backup_stamp;
    dst->backup_metadata = src->backup_metadata;
    dst->prepare_backup_failure_msg = src->prepare_backup_failure_msg;
    dst->post_snapshot_failure_msg = src->post_snapshot_failure_msg;
    dst->restore_metadata = src->restore_metadata;
    dst->pre_restore_failure_msg = src->pre_restore_failure_msg;
    dst->post_restore_failure_msg = src->post_restore_failure_msg;
    dst->failure = src->failure;
    dst->partial_files.items = src->partial_files.items;
    dst->partial_files.count = src->partial_files.count;
    dst->partial_files.capacity = src->partial_files.capacity;
    dst->differenced_files.items = src->differenced_files.items;
    dst->differenced_files.count = src->differenced_files.count;
    dst->differenced_files.capacity = src->differenced_files.capacity;
    dst->directed_targets.items = src->directed_targets.items;
    dst->directed_targets.count = src->directed_targets.count;
    dst->directed_targets.capacity = src->directed_targets.capacity;
    dst->restore_target = src->restore_target;
}

int bcd_merge_writer(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id, const struct bcd *from)
{
    const struct bcd_writer *src = bcd_find_writer(from, instance_id, writer_id);
    struct bcd_writer *dst = bcd_find_writer(bcd, instance_id, writer_id);
    size_t i, j;
    int ret;

    if (!src) return 0;
    if (!dst)
    {
        if (src->ncomponents) WARN("writer %s returned components the backup does not have\n", debugstr_guid(writer_id));
        return 0;
    }
    for (i = 0; i < src->ncomponents; i++)
    {
        const struct bcd_component *s = src->components[i];
        struct bcd_component *d = NULL, staging;

        for (j = 0; j < dst->ncomponents; j++)
        {
            struct bcd_component *c = dst->components[j];
            if (c->type == s->type && !strcmp(c->name, s->name) && same_path(c->logical_path, s->logical_path))
            {
                d = c;
                break;
            }
        }
        if (!d)
        {
            WARN("writer %s returned component %s it does not have in this backup\n", debugstr_guid(writer_id),
                 s->name);
            continue;
        }
        memset(&staging, 0, sizeof(staging));
        if ((ret = copy_writer_fields(s, &staging)))
        {
            free_writer_fields(&staging);
            return ret;
        }
        move_writer_fields(d, &staging);
    }
    return 0;
}
