/*
 * wmd.c: the Writer Metadata Document model, its loader and its serialiser
 * (see wmd.h).  Not the COM objects: create_metadata.c and examine.c.
 *
 * The System Writer's WMD lists about 19,000 files, so loading is built to be
 * cheap in time and memory: a SAX stream straight into the model, strings in
 * an arena (one allocation per 64 KB instead of one per string), and a path
 * equal to the previous file's path shared rather than copied again (the
 * System Writer's 19,000 FILE_LIST entries use 1,900 distinct paths).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/debug.h"
#include "wstr.h"
#include "xml_parse.h"
#include "xml_value.h"
#include "xml_write.h"
#include "wmd.h"

/* --- arena: the document's strings, freed all at once ----------------------- */

#define ARENA_BLOCK_SIZE 65536

struct arena_block
{
    struct arena_block *next;
    size_t used, size;
    char data[];
};

struct wmd_arena
{
    struct arena_block *head;
};

static void *arena_alloc(struct wmd_arena *arena, size_t size)
{
    struct arena_block *block = arena->head;
    void *p;

    size = (size + 7) & ~(size_t)7;
    if (!block || block->size - block->used < size)
    {
        size_t block_size = size > ARENA_BLOCK_SIZE / 4 ? size : ARENA_BLOCK_SIZE;

        if (!(block = malloc(sizeof(*block) + block_size))) return NULL;
        block->used = 0;
        block->size = block_size;
        if (block_size == ARENA_BLOCK_SIZE || !arena->head)
        {
            block->next = arena->head;
            arena->head = block;
        }
        else
        {
            /* keep filling the current block after a large one-off string */
            block->next = arena->head->next;
            arena->head->next = block;
        }
    }
    p = block->data + block->used;
    block->used += size;
    return p;
}

static char *arena_strndup(struct wmd_arena *arena, const char *s, size_t len)
{
    char *p;

    if (!(p = arena_alloc(arena, len + 1))) return NULL;
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

static void arena_free(struct wmd_arena *arena)
{
    struct arena_block *block, *next;

    if (!arena) return;
    for (block = arena->head; block; block = next)
    {
        next = block->next;
        free(block);
    }
    free(arena);
}

/* Copies an optional string into the document, checking XML can carry it. */
static int copy_string(struct wmd *wmd, const char *s, const char **out)
{
    *out = NULL;
    if (!s) return 0;
    if (!xml_text_valid(s)) return -EINVAL;
    if (!(*out = arena_strndup(wmd->arena, s, strlen(s)))) return -ENOMEM;
    return 0;
}

/* --- building -------------------------------------------------------------- */

static struct wmd *wmd_alloc(void)
{
    struct wmd *wmd;

    if (!(wmd = calloc(1, sizeof(*wmd)))) return NULL;
    if (!(wmd->arena = calloc(1, sizeof(*wmd->arena))))
    {
        free(wmd);
        return NULL;
    }
    wmd->refcount = 1;
    return wmd;
}

static void free_component(struct wmd_component *c)
{
    free(c->files.items);
    free(c->database_files.items);
    free(c->database_logs.items);
    free(c->dependencies);
    free(c);
}

void wmd_addref(struct wmd *wmd)
{
    __atomic_add_fetch(&wmd->refcount, 1, __ATOMIC_RELAXED);
}

void wmd_release(struct wmd *wmd)
{
    size_t i;

    if (!wmd || __atomic_sub_fetch(&wmd->refcount, 1, __ATOMIC_ACQ_REL)) return;
    for (i = 0; i < wmd->ncomponents; i++) free_component(wmd->components[i]);
    free(wmd->components);
    free(wmd->mappings.items);
    free(wmd->excludes.items);
    free(wmd->excludes_from_snapshot.items);
    arena_free(wmd->arena);
    free(wmd);
}

int wmd_create(const struct wmd_identity *identity, struct wmd **out)
{
    struct wmd *wmd;
    int ret;

    *out = NULL;
    if (!identity->friendly_name
        || !xml_token_text(xml_usage_tokens, identity->usage)
        || !xml_token_text(xml_source_tokens, identity->source))
        return -EINVAL;
    if (!(wmd = wmd_alloc())) return -ENOMEM;
    wmd->identity = *identity;
    if ((ret = copy_string(wmd, identity->friendly_name, &wmd->identity.friendly_name))
        || (ret = copy_string(wmd, identity->instance_name, &wmd->identity.instance_name)))
    {
        wmd_release(wmd);
        return ret;
    }
    *out = wmd;
    return 0;
}

int wmd_same_logical_path(const char *a, const char *b)
{
    if (!a) a = "";
    if (!b) b = "";
    return !strcmp(a, b);
}

struct wmd_component *wmd_find_component(const struct wmd *wmd, const char *logical_path, const char *name)
{
    size_t i;

    if (!name) return NULL;
    for (i = 0; i < wmd->ncomponents; i++)
    {
        struct wmd_component *c = wmd->components[i];
        if (!strcmp(c->name, name) && wmd_same_logical_path(c->logical_path, logical_path)) return c;
    }
    return NULL;
}

static int grow(void **items, size_t *capacity, size_t count, size_t item_size)
{
    size_t cap;
    void *p;

    if (count < *capacity) return 0;
    cap = *capacity ? *capacity * 2 : 8;
    if (cap > SIZE_MAX / item_size) return -ENOMEM;
    if (!(p = realloc(*items, cap * item_size))) return -ENOMEM;
    *items = p;
    *capacity = cap;
    return 0;
}

static int append_component(struct wmd *wmd, struct wmd_component *c)
{
    if (grow((void **)&wmd->components, &wmd->components_capacity, wmd->ncomponents,
             sizeof(*wmd->components)))
        return -ENOMEM;
    wmd->components[wmd->ncomponents++] = c;
    return 0;
}

int wmd_add_component(struct wmd *wmd, int type, const char *logical_path, const char *name,
                      const char *caption, const unsigned char *icon, size_t icon_size,
                      int restore_metadata, int notify_on_backup_complete, int selectable,
                      int selectable_for_restore, DWORD flags, struct wmd_component **out)
{
    struct wmd_component *c;
    unsigned char *icon_copy = NULL;
    int ret;

    if (out) *out = NULL;
    if ((type != 1 && type != 2) || !name || !*name || (icon_size && !icon)) return -EINVAL;
    if (logical_path && !*logical_path) logical_path = NULL;
    if (wmd_find_component(wmd, logical_path, name)) return -EEXIST;
    if (!(c = calloc(1, sizeof(*c)))) return -ENOMEM;
    c->type = type;
    if ((ret = copy_string(wmd, logical_path, &c->logical_path))
        || (ret = copy_string(wmd, name, &c->name))
        || (ret = copy_string(wmd, caption, &c->caption)))
        goto fail;
    if (icon_size)
    {
        ret = -ENOMEM;
        if (!(icon_copy = arena_alloc(wmd->arena, icon_size))) goto fail;
        memcpy(icon_copy, icon, icon_size);
        c->icon = icon_copy;
        c->icon_size = icon_size;
    }
    c->restore_metadata = !!restore_metadata;
    c->notify_on_backup_complete = !!notify_on_backup_complete;
    c->selectable = !!selectable;
    c->selectable_for_restore = !!selectable_for_restore;
    c->flags = flags;
    if ((ret = append_component(wmd, c))) goto fail;
    if (out) *out = c;
    return 0;

fail:
    free_component(c);
    return ret;
}

int wmd_add_file(struct wmd *wmd, struct wmd_file_list *list, const char *path, const char *filespec,
                 int recursive, const char *alternate, DWORD backup_type_mask)
{
    struct wmd_file f;
    int ret;

    if (!path || !filespec) return -EINVAL;
    memset(&f, 0, sizeof(f));
    if ((ret = copy_string(wmd, path, &f.path))
        || (ret = copy_string(wmd, filespec, &f.filespec))
        || (ret = copy_string(wmd, alternate, &f.alternate)))
        return ret;
    f.recursive = !!recursive;
    f.backup_type_mask = backup_type_mask;
    if (grow((void **)&list->items, &list->capacity, list->count, sizeof(*list->items))) return -ENOMEM;
    list->items[list->count++] = f;
    return 0;
}

int wmd_add_dependency(struct wmd *wmd, struct wmd_component *c, const GUID *writer_id,
                       const char *logical_path, const char *component_name)
{
    struct wmd_dependency d;
    int ret;

    if (!component_name || !*component_name) return -EINVAL;
    if (logical_path && !*logical_path) logical_path = NULL;
    d.writer_id = *writer_id;
    if ((ret = copy_string(wmd, logical_path, &d.logical_path))
        || (ret = copy_string(wmd, component_name, &d.component_name)))
        return ret;
    if (grow((void **)&c->dependencies, &c->dependencies_capacity, c->ndependencies,
             sizeof(*c->dependencies)))
        return -ENOMEM;
    c->dependencies[c->ndependencies++] = d;
    return 0;
}

int wmd_set_restore_method(struct wmd *wmd, int method, const char *service, const char *user_procedure,
                           int writer_restore, int reboot_required)
{
    struct wmd_restore_method r;
    int ret;

    if (!xml_token_text(xml_restore_method_tokens, method)
        || !xml_token_text(xml_writer_restore_tokens, writer_restore))
        return -EINVAL;
    r.present = 1;
    r.method = method;
    r.writer_restore = writer_restore;
    r.reboot_required = !!reboot_required;
    if ((ret = copy_string(wmd, service, &r.service))
        || (ret = copy_string(wmd, user_procedure, &r.user_procedure)))
        return ret;
    wmd->restore = r;
    return 0;
}

/* --- loading --------------------------------------------------------------- */

enum wmd_element
{
    EL_OTHER,
    EL_ROOT,
    EL_IDENTIFICATION,
    EL_RESTORE_METHOD,
    EL_BACKUP_LOCATIONS,
    EL_COMPONENT,
};

struct loader
{
    struct wmd *wmd;
    enum wmd_element kinds[XML_MAX_DEPTH];
    struct wmd_component *component;    /* the FILE_GROUP or DATABASE being read */
    int seen_identification, seen_restore_method, seen_locations;
    const char *last_path;              /* to share repeated paths */
};

/* A required or optional string attribute, copied into the document. */
static int get_string(struct loader *ld, const struct xml_element *el, const char *name,
                      int required, const char **out)
{
    const char *value = xml_attr_get(el, name);
    size_t i;

    *out = NULL;
    if (!value)
    {
        if (!required) return 0;
        WARN("%s has no %s\n", el->name, name);
        return -EPROTO;
    }
    for (i = 0; i < (size_t)el->nattrs; i++)
        if (el->attrs[i].value == value) break;
    if (!(*out = arena_strndup(ld->wmd->arena, value, el->attrs[i].len))) return -ENOMEM;
    return 0;
}

static int get_guid(const struct xml_element *el, const char *name, GUID *guid)
{
    const char *value = xml_attr_get(el, name);

    if (!value || xml_parse_guid(value, guid))
    {
        WARN("%s has no valid %s (%s)\n", el->name, name, value ? value : "missing");
        return -EPROTO;
    }
    return 0;
}

static int get_bool(const struct xml_element *el, const char *name, int def, int *out)
{
    const char *value = xml_attr_get(el, name);

    *out = def;
    if (value && xml_parse_bool(value, out))
    {
        WARN("%s: %s=\"%s\" is not yes/no\n", el->name, name, value);
        return -EPROTO;
    }
    return 0;
}

static int get_u32(const struct xml_element *el, const char *name, UINT32 def, UINT32 *out)
{
    const char *value = xml_attr_get(el, name);

    *out = def;
    if (value && xml_parse_u32(value, out))
    {
        WARN("%s: %s=\"%s\" is not a number\n", el->name, name, value);
        return -EPROTO;
    }
    return 0;
}

static int get_token(const struct xml_element *el, const char *name, const struct xml_token *table,
                     int *out)
{
    const char *value = xml_attr_get(el, name);

    if (!value || xml_parse_token(table, value, out))
    {
        WARN("%s: %s=\"%s\" is not a known value\n", el->name, name, value ? value : "(missing)");
        return -EPROTO;
    }
    return 0;
}

static int load_identification(struct loader *ld, const struct xml_element *el)
{
    struct wmd_identity *id = &ld->wmd->identity;
    UINT32 major, minor;
    int ret;

    if (ld->seen_identification++) return -EPROTO;
    if ((ret = get_guid(el, "writerId", &id->writer_id))
        || (ret = get_guid(el, "instanceId", &id->instance_id))
        || (ret = get_string(ld, el, "instanceName", 0, &id->instance_name))
        || (ret = get_string(ld, el, "friendlyName", 1, &id->friendly_name))
        || (ret = get_token(el, "usage", xml_usage_tokens, &id->usage))
        || (ret = get_token(el, "dataSource", xml_source_tokens, &id->source))
        || (ret = get_u32(el, "majorVersion", 0, &major))
        || (ret = get_u32(el, "minorVersion", 0, &minor)))
        return ret;
    id->major_version = major;
    id->minor_version = minor;
    return 0;
}

static int load_restore_method(struct loader *ld, const struct xml_element *el)
{
    struct wmd_restore_method *r = &ld->wmd->restore;
    int ret;

    if (ld->seen_restore_method++) return -EPROTO;
    r->present = 1;
    if ((ret = get_token(el, "method", xml_restore_method_tokens, &r->method))
        || (ret = get_string(ld, el, "service", 0, &r->service))
        || (ret = get_string(ld, el, "userProcedure", 0, &r->user_procedure))
        || (ret = get_token(el, "writerRestore", xml_writer_restore_tokens, &r->writer_restore))
        || (ret = get_bool(el, "rebootRequired", 0, &r->reboot_required)))
        return ret;
    return 0;
}

static int load_component(struct loader *ld, const struct xml_element *el, int type)
{
    struct wmd_component *c;
    const char *icon;
    int b[4], ret;
    UINT32 flags;

    if (!(c = calloc(1, sizeof(*c)))) return -ENOMEM;
    c->type = type;
    if ((ret = get_string(ld, el, "logicalPath", 0, &c->logical_path))
        || (ret = get_string(ld, el, "componentName", 1, &c->name))
        || (ret = get_string(ld, el, "caption", 0, &c->caption))
        || (ret = get_bool(el, "restoreMetadata", 0, &b[0]))
        || (ret = get_bool(el, "notifyOnBackupComplete", 0, &b[1]))
        || (ret = get_bool(el, "selectable", 0, &b[2]))
        || (ret = get_bool(el, "selectableForRestore", 0, &b[3]))
        || (ret = get_u32(el, "componentFlags", 0, &flags)))
        goto fail;
    if (c->logical_path && !*c->logical_path) c->logical_path = NULL;
    if (!*c->name)
    {
        WARN("%s with an empty componentName\n", el->name);
        ret = -EPROTO;
        goto fail;
    }
    if ((icon = xml_attr_get(el, "icon")))
    {
        unsigned char *data;
        size_t size;

        if ((ret = xml_base64_decode(icon, &data, &size)))
        {
            if (ret == -EINVAL) ret = -EPROTO;
            goto fail;
        }
        if (size && (c->icon = arena_alloc(ld->wmd->arena, size)))
        {
            memcpy((unsigned char *)c->icon, data, size);
            c->icon_size = size;
        }
        free(data);
        if (size && !c->icon)
        {
            ret = -ENOMEM;
            goto fail;
        }
    }
    c->restore_metadata = b[0];
    c->notify_on_backup_complete = b[1];
    c->selectable = b[2];
    c->selectable_for_restore = b[3];
    c->flags = flags;
    if ((ret = append_component(ld->wmd, c))) goto fail;
    ld->component = c;
    return 0;

fail:
    free_component(c);
    return ret;
}

/* A file set element; has_recursive and has_mask say which attributes it carries. */
static int load_file(struct loader *ld, const struct xml_element *el, struct wmd_file_list *list,
                     int with_alternate, int with_mask)
{
    struct wmd_file f;
    const char *path;
    int recursive, ret;
    UINT32 mask;

    memset(&f, 0, sizeof(f));
    path = xml_attr_get(el, "path");
    if (path && ld->last_path && !strcmp(path, ld->last_path)) f.path = ld->last_path;
    else if ((ret = get_string(ld, el, "path", 1, &f.path))) return ret;
    ld->last_path = f.path;
    if ((ret = get_string(ld, el, "filespec", 1, &f.filespec))
        || (ret = get_bool(el, "recursive", 0, &recursive))
        || (with_alternate && (ret = get_string(ld, el, "alternatePath", 0, &f.alternate)))
        || (ret = get_u32(el, "filespecBackupType", WMD_DEFAULT_BACKUP_TYPE_MASK, &mask)))
        return ret;
    f.recursive = recursive;
    f.backup_type_mask = with_mask ? mask : 0;
    if (grow((void **)&list->items, &list->capacity, list->count, sizeof(*list->items))) return -ENOMEM;
    list->items[list->count++] = f;
    return 0;
}

static int load_dependency(struct loader *ld, const struct xml_element *el)
{
    struct wmd_component *c = ld->component;
    struct wmd_dependency d;
    int ret;

    if ((ret = get_guid(el, "onWriterId", &d.writer_id))
        || (ret = get_string(ld, el, "onLogicalPath", 0, &d.logical_path))
        || (ret = get_string(ld, el, "onComponentName", 1, &d.component_name)))
        return ret;
    if (d.logical_path && !*d.logical_path) d.logical_path = NULL;
    if (grow((void **)&c->dependencies, &c->dependencies_capacity, c->ndependencies,
             sizeof(*c->dependencies)))
        return -ENOMEM;
    c->dependencies[c->ndependencies++] = d;
    return 0;
}

static int wrong_place(const struct xml_element *el)
{
    WARN("%s is not allowed here (depth %d)\n", el->name, el->depth);
    return -EPROTO;
}

static int on_start(void *ctx, const struct xml_element *el)
{
    struct loader *ld = ctx;
    struct wmd *wmd = ld->wmd;
    enum wmd_element parent = el->depth ? ld->kinds[el->depth - 1] : EL_OTHER;
    enum wmd_element kind = EL_OTHER;
    const char *n = el->name;
    int ret = 0;

    if (!el->depth)
    {
        UINT32 schema;

        if ((ret = get_u32(el, "backupSchema", 0, &schema))) return ret;
        wmd->backup_schema = schema;
        kind = EL_ROOT;
    }
    else if (parent == EL_ROOT)
    {
        if (!strcmp(n, "IDENTIFICATION"))
        {
            if ((ret = load_identification(ld, el))) return ret;
            return XML_SKIP;
        }
        if (!strcmp(n, "RESTORE_METHOD"))
        {
            if ((ret = load_restore_method(ld, el))) return ret;
            kind = EL_RESTORE_METHOD;
        }
        else if (!strcmp(n, "BACKUP_LOCATIONS"))
        {
            if (ld->seen_locations++) return wrong_place(el);
            kind = EL_BACKUP_LOCATIONS;
        }
        else return XML_SKIP;
    }
    else if (parent == EL_RESTORE_METHOD || parent == EL_BACKUP_LOCATIONS)
    {
        if (!strcmp(n, "ALTERNATE_LOCATION_MAPPING"))
            ret = load_file(ld, el, &wmd->mappings, 1, 0);
        else if (parent == EL_RESTORE_METHOD)
            return XML_SKIP;
        else if (!strcmp(n, "FILE_GROUP") || !strcmp(n, "DATABASE"))
        {
            if ((ret = load_component(ld, el, n[0] == 'D' ? 1 : 2))) return ret;
            kind = EL_COMPONENT;
        }
        else if (!strcmp(n, "EXCLUDE_FILES"))
            ret = load_file(ld, el, &wmd->excludes, 0, 0);
        else if (!strcmp(n, "EXCLUDE_FILES_FROM_SNAPSHOT"))
            ret = load_file(ld, el, &wmd->excludes_from_snapshot, 0, 0);
        else return XML_SKIP;
        if (kind == EL_OTHER) return ret < 0 ? ret : XML_SKIP;
    }
    else if (parent == EL_COMPONENT)
    {
        struct wmd_component *c = ld->component;

        if (!strcmp(n, "FILE_LIST"))
            ret = c->type == 2 ? load_file(ld, el, &c->files, 1, 1) : wrong_place(el);
        else if (!strcmp(n, "DATABASE_FILES"))
            ret = c->type == 1 ? load_file(ld, el, &c->database_files, 0, 1) : wrong_place(el);
        else if (!strcmp(n, "DATABASE_LOGFILES"))
            ret = c->type == 1 ? load_file(ld, el, &c->database_logs, 0, 1) : wrong_place(el);
        else if (!strcmp(n, "DEPENDENCY"))
            ret = load_dependency(ld, el);
        return ret < 0 ? ret : XML_SKIP;
    }
    else return XML_SKIP;

    ld->kinds[el->depth] = kind;
    return XML_DESCEND;
}

static int on_end(void *ctx, const struct xml_element *el)
{
    struct loader *ld = ctx;

    if (ld->kinds[el->depth] == EL_COMPONENT) ld->component = NULL;
    return 0;
}

static const struct xml_handler wmd_handler =
{
    "WRITER_METADATA", WMD_NAMESPACE, on_start, on_end
};

static int finish_load(int ret, struct loader *ld, struct wmd **out)
{
    if (!ret && !ld->seen_identification)
    {
        WARN("document has no IDENTIFICATION\n");
        ret = -EPROTO;
    }
    if (ret)
    {
        wmd_release(ld->wmd);
        return ret;
    }
    *out = ld->wmd;
    return 0;
}

int wmd_load_utf8(const char *text, size_t len, struct wmd **out)
{
    struct loader ld;

    *out = NULL;
    memset(&ld, 0, sizeof(ld));
    if (!(ld.wmd = wmd_alloc())) return -ENOMEM;
    return finish_load(xml_parse_utf8(text, len, &wmd_handler, &ld), &ld, out);
}

int wmd_load_wstr(const WCHAR *text, struct wmd **out)
{
    struct loader ld;

    *out = NULL;
    memset(&ld, 0, sizeof(ld));
    if (!(ld.wmd = wmd_alloc())) return -ENOMEM;
    return finish_load(xml_parse_wstr(text, &wmd_handler, &ld), &ld, out);
}

/* --- saving ---------------------------------------------------------------- */

static void write_files(struct xml_writer *w, const char *element, const struct wmd_file_list *list,
                        int with_recursive, int with_alternate, int with_mask)
{
    size_t i;

    for (i = 0; i < list->count; i++)
    {
        const struct wmd_file *f = &list->items[i];

        xml_begin(w, element);
        xml_attr(w, "path", f->path);
        xml_attr(w, "filespec", f->filespec);
        if (with_recursive) xml_attr_bool(w, "recursive", f->recursive);
        if (with_alternate) xml_attr_opt(w, "alternatePath", f->alternate);
        if (with_mask) xml_attr_u32(w, "filespecBackupType", f->backup_type_mask);
        xml_end(w);
    }
}

static void write_component(struct xml_writer *w, const struct wmd_component *c)
{
    size_t i;

    xml_begin(w, c->type == 1 ? "DATABASE" : "FILE_GROUP");
    xml_attr_opt(w, "logicalPath", c->logical_path);
    xml_attr(w, "componentName", c->name);
    xml_attr_opt(w, "caption", c->caption);
    if (c->icon_size)
    {
        char *icon;
        int ret;

        if ((ret = xml_base64_encode(c->icon, c->icon_size, &icon)))
        {
            if (!w->err) w->err = ret;
            return;
        }
        xml_attr(w, "icon", icon);
        free(icon);
    }
    xml_attr_bool(w, "restoreMetadata", c->restore_metadata);
    xml_attr_bool(w, "notifyOnBackupComplete", c->notify_on_backup_complete);
    xml_attr_bool(w, "selectable", c->selectable);
    xml_attr_bool(w, "selectableForRestore", c->selectable_for_restore);
    xml_attr_u32(w, "componentFlags", c->flags);
    write_files(w, "FILE_LIST", &c->files, 1, 1, 1);
    write_files(w, "DATABASE_FILES", &c->database_files, 0, 0, 1);
    write_files(w, "DATABASE_LOGFILES", &c->database_logs, 0, 0, 1);
    for (i = 0; i < c->ndependencies; i++)
    {
        const struct wmd_dependency *d = &c->dependencies[i];

        xml_begin(w, "DEPENDENCY");
        xml_attr_guid(w, "onWriterId", &d->writer_id);
        xml_attr_opt(w, "onLogicalPath", d->logical_path);
        xml_attr(w, "onComponentName", d->component_name);
        xml_end(w);
    }
    xml_end(w);
}

int wmd_save_utf8(const struct wmd *wmd, char **text, size_t *len)
{
    const struct wmd_identity *id = &wmd->identity;
    const struct wmd_restore_method *r = &wmd->restore;
    struct xml_writer w;
    size_t i;

    *text = NULL;
    *len = 0;
    xml_writer_init(&w);
    xml_begin(&w, "WRITER_METADATA");
    xml_attr(&w, "xmlns", WMD_NAMESPACE);
    xml_attr(&w, "version", WMD_VERSION);
    if (wmd->backup_schema) xml_attr_u32(&w, "backupSchema", wmd->backup_schema);

    xml_begin(&w, "IDENTIFICATION");
    xml_attr_guid(&w, "writerId", &id->writer_id);
    xml_attr_guid(&w, "instanceId", &id->instance_id);
    xml_attr_opt(&w, "instanceName", id->instance_name);
    xml_attr(&w, "friendlyName", id->friendly_name);
    xml_attr_opt(&w, "usage", xml_token_text(xml_usage_tokens, id->usage));
    xml_attr_opt(&w, "dataSource", xml_token_text(xml_source_tokens, id->source));
    xml_attr_u32(&w, "majorVersion", id->major_version);
    xml_attr_u32(&w, "minorVersion", id->minor_version);
    xml_end(&w);

    if (r->present)
    {
        xml_begin(&w, "RESTORE_METHOD");
        xml_attr(&w, "method", xml_token_text(xml_restore_method_tokens, r->method));
        xml_attr_opt(&w, "service", r->service);
        xml_attr_opt(&w, "userProcedure", r->user_procedure);
        xml_attr(&w, "writerRestore", xml_token_text(xml_writer_restore_tokens, r->writer_restore));
        xml_attr_bool(&w, "rebootRequired", r->reboot_required);
        write_files(&w, "ALTERNATE_LOCATION_MAPPING", &wmd->mappings, 1, 1, 0);
        xml_end(&w);
    }

    xml_begin(&w, "BACKUP_LOCATIONS");
    for (i = 0; i < wmd->ncomponents; i++) write_component(&w, wmd->components[i]);
    write_files(&w, "EXCLUDE_FILES", &wmd->excludes, 1, 0, 0);
    write_files(&w, "EXCLUDE_FILES_FROM_SNAPSHOT", &wmd->excludes_from_snapshot, 1, 0, 0);
    /* mappings without a restore method have no RESTORE_METHOD to live in */
    if (!r->present) write_files(&w, "ALTERNATE_LOCATION_MAPPING", &wmd->mappings, 1, 1, 0);
    xml_end(&w);

    xml_end(&w);
    return xml_writer_finish(&w, text, len);
}
