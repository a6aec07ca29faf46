/*
 * wmd.c: reading every writer's metadata document through the public
 * IVssExamineWriterMetadata interface into struct ds_writer_md, and matching
 * WRITER VERIFY/EXCLUDE targets against writers and components.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "umbra/debug.h"
#include "wmd.h"

/* Bounds against a broken metadata source. */
#define MAX_WRITERS 4096
#define MAX_ITEMS 65536

static char *take_bstr(struct ds_session *s, BSTR b)
{
    char *text = ds_utf8(b);
    if (b) s->api->sys_free_string(b);
    return text;
}

static void free_files(struct ds_wfile *files, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
    {
        free(files[i].path);
        free(files[i].filespec);
    }
    free(files);
}

static int read_filedesc(struct ds_session *s, IVssWMFiledesc *fd, struct ds_wfile *out, int kind)
{
    BSTR path = NULL, spec = NULL;
    bool recursive = false;

    memset(out, 0, sizeof(*out));
    IVssWMFiledesc_GetPath(fd, &path);
    IVssWMFiledesc_GetFilespec(fd, &spec);
    IVssWMFiledesc_GetRecursive(fd, &recursive);
    IVssWMFiledesc_Release(fd);
    out->path = take_bstr(s, path);
    out->filespec = take_bstr(s, spec);
    out->recursive = recursive;
    out->kind = kind;
    return out->path && out->filespec ? 0 : -1;
}

static void add_files(struct ds_session *s, IVssWMComponent *wc, UINT count, int kind, struct ds_wcomponent *c)
{
    UINT i;

    for (i = 0; i < count && c->nfiles < MAX_ITEMS; i++)
    {
        IVssWMFiledesc *fd = NULL;
        struct ds_wfile *files;
        HRESULT hr = kind == 0 ? IVssWMComponent_GetFile(wc, i, &fd)
                   : kind == 1 ? IVssWMComponent_GetDatabaseFile(wc, i, &fd)
                               : IVssWMComponent_GetDatabaseLogFile(wc, i, &fd);
        if (FAILED(hr) || !fd) continue;
        if (!(files = realloc(c->files, (c->nfiles + 1) * sizeof(*files))))
        {
            IVssWMFiledesc_Release(fd);
            return;
        }
        c->files = files;
        if (!read_filedesc(s, fd, &files[c->nfiles], kind)) c->nfiles++;
        else
        {
            free(files[c->nfiles].path);
            free(files[c->nfiles].filespec);
        }
    }
}

static char *component_full_path(const char *logical_path, const char *name)
{
    size_t len = strlen(logical_path) + strlen(name) + 3;
    char *full = malloc(len);

    if (!full) return NULL;
    /* a logical path may itself start with a backslash; print one, not two */
    while (*logical_path == '\\') logical_path++;
    if (*logical_path) snprintf(full, len, "\\%s\\%s", logical_path, name);
    else snprintf(full, len, "\\%s", name);
    return full;
}

static int read_component(struct ds_session *s, IVssWMComponent *wc, struct ds_wcomponent *c)
{
    PVSSCOMPONENTINFO info = NULL;
    HRESULT hr;

    memset(c, 0, sizeof(*c));
    if (FAILED(hr = IVssWMComponent_GetComponentInfo(wc, &info)) || !info) return -1;
    c->type = info->type;
    c->logical_path = ds_utf8(info->bstrLogicalPath);
    c->name = ds_utf8(info->bstrComponentName);
    c->caption = ds_utf8(info->bstrCaption);
    c->selectable = info->bSelectable;
    c->selectable_for_restore = info->bSelectableForRestore;
    c->notify_on_backup_complete = info->bNotifyOnBackupComplete;
    add_files(s, wc, info->cFileCount, 0, c);
    add_files(s, wc, info->cDatabases, 1, c);
    add_files(s, wc, info->cLogFiles, 2, c);
    IVssWMComponent_FreeComponentInfo(wc, info);
    if (!c->logical_path || !c->name || !c->caption) return -1;
    c->full = component_full_path(c->logical_path, c->name);
    return c->full ? 0 : -1;
}

static void free_component(struct ds_wcomponent *c)
{
    free(c->logical_path);
    free(c->name);
    free(c->caption);
    free(c->full);
    free_files(c->files, c->nfiles);
}

/* A component is top level when no other component of the writer contains it
 * (its logical path does not start with another component's full path). */
static void mark_top_level(struct ds_writer_md *w)
{
    size_t i, j;

    for (i = 0; i < w->ncomponents; i++)
    {
        struct ds_wcomponent *c = &w->components[i];
        char *lp = c->logical_path;
        c->top_level = 1;
        while (*lp == '\\') lp++;
        for (j = 0; j < w->ncomponents && c->top_level; j++)
        {
            const char *other = w->components[j].full + 1;   /* without the leading '\' */
            size_t n = strlen(other);
            if (j != i && !strncasecmp(lp, other, n) && (lp[n] == 0 || lp[n] == '\\')) c->top_level = 0;
        }
    }
}

static enum ds_status read_writer(struct ds_session *s, IVssExamineWriterMetadata *ewm, struct ds_writer_md *w)
{
    UINT nincludes = 0, nexcludes = 0, ncomponents = 0, mappings = 0, i;
    BSTR name = NULL, service = NULL, procedure = NULL, xml = NULL;
    bool reboot = false;
    HRESULT hr;

    if (FAILED(hr = IVssExamineWriterMetadata_GetIdentity(ewm, &w->instance_id, &w->writer_id, &name, &w->usage,
                                                           &w->source)))
        return ds_vss_failed(s, hr, "IVssExamineWriterMetadata::GetIdentity");
    w->name = take_bstr(s, name);
    if (FAILED(hr = IVssExamineWriterMetadata_GetFileCounts(ewm, &nincludes, &nexcludes, &ncomponents)))
        return ds_vss_failed(s, hr, "IVssExamineWriterMetadata::GetFileCounts");
    if (SUCCEEDED(IVssExamineWriterMetadata_GetRestoreMethod(ewm, &w->restore_method, &service, &procedure,
                                                              &w->writer_restore, &reboot, &mappings)))
        w->reboot_required = reboot;
    if (service) s->api->sys_free_string(service);
    if (procedure) s->api->sys_free_string(procedure);
    if (SUCCEEDED(IVssExamineWriterMetadata_SaveAsXML(ewm, &xml))) w->xml = take_bstr(s, xml);

    if (nexcludes > MAX_ITEMS) nexcludes = MAX_ITEMS;
    if (nexcludes && !(w->excludes = calloc(nexcludes, sizeof(*w->excludes))))
        return ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
    for (i = 0; i < nexcludes; i++)
    {
        IVssWMFiledesc *fd = NULL;
        if (FAILED(IVssExamineWriterMetadata_GetExcludeFile(ewm, i, &fd)) || !fd) continue;
        if (!read_filedesc(s, fd, &w->excludes[w->nexcludes], 0)) w->nexcludes++;
    }

    if (ncomponents > MAX_ITEMS) ncomponents = MAX_ITEMS;
    if (ncomponents && !(w->components = calloc(ncomponents, sizeof(*w->components))))
        return ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
    for (i = 0; i < ncomponents; i++)
    {
        IVssWMComponent *wc = NULL;
        if (FAILED(hr = IVssExamineWriterMetadata_GetComponent(ewm, i, &wc)) || !wc)
            return ds_vss_failed(s, FAILED(hr) ? hr : E_POINTER, "IVssExamineWriterMetadata::GetComponent");
        if (read_component(s, wc, &w->components[w->ncomponents]))
        {
            free_component(&w->components[w->ncomponents]);
            IVssWMComponent_Release(wc);
            return ds_vss_failed(s, E_OUTOFMEMORY, "IVssWMComponent::GetComponentInfo");
        }
        w->ncomponents++;
        IVssWMComponent_Release(wc);
    }
    mark_top_level(w);
    return DS_OK;
}

enum ds_status ds_gather_writers(struct ds_session *s, IVssBackupComponents *bc, struct ds_writer_md **writers,
                                 size_t *count)
{
    struct ds_writer_md *list = NULL;
    IVssAsync *async = NULL;
    enum ds_status status = DS_OK;
    UINT n = 0, i;
    HRESULT hr;

    *writers = NULL;
    *count = 0;
    if (FAILED(hr = IVssBackupComponents_GatherWriterMetadata(bc, &async)) || FAILED(hr = ds_wait(async)))
        return ds_vss_failed(s, hr, "GatherWriterMetadata");
    if (FAILED(hr = IVssBackupComponents_GetWriterMetadataCount(bc, &n)))
        return ds_vss_failed(s, hr, "GetWriterMetadataCount");
    if (n > MAX_WRITERS) n = MAX_WRITERS;
    if (n && !(list = calloc(n, sizeof(*list)))) return ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
    for (i = 0; i < n && status == DS_OK; i++)
    {
        IVssExamineWriterMetadata *ewm = NULL;
        VSS_ID instance;

        if (FAILED(hr = IVssBackupComponents_GetWriterMetadata(bc, i, &instance, &ewm)) || !ewm)
        {
            status = ds_vss_failed(s, FAILED(hr) ? hr : E_POINTER, "GetWriterMetadata");
            break;
        }
        status = read_writer(s, ewm, &list[i]);
        IVssExamineWriterMetadata_Release(ewm);
    }
    if (status != DS_OK)
    {
        ds_writers_free(list, n);
        return status;
    }
    *writers = list;
    *count = n;
    return DS_OK;
}

void ds_writers_free(struct ds_writer_md *writers, size_t count)
{
    size_t i, j;

    for (i = 0; i < count; i++)
    {
        free(writers[i].name);
        free(writers[i].xml);
        free_files(writers[i].excludes, writers[i].nexcludes);
        for (j = 0; j < writers[i].ncomponents; j++) free_component(&writers[i].components[j]);
        free(writers[i].components);
    }
    free(writers);
}

int ds_rule_matches(const char *target, const struct ds_writer_md *w, const struct ds_wcomponent *c)
{
    const char *sep = strstr(target, ":\\");
    GUID id;

    if (!ds_parse_guid(target, &id))
        return !c && (IsEqualGUID(&id, &w->writer_id) || IsEqualGUID(&id, &w->instance_id));
    if (!sep) return !c && w->name && !strcasecmp(target, w->name);
    if (!c || !w->name || strlen(w->name) != (size_t)(sep - target) || strncasecmp(target, w->name, sep - target))
        return 0;
    sep++;  /* the component part, from its backslash */
    /* the component itself, or one below it */
    return !strcasecmp(sep, c->full)
           || (!strncasecmp(c->full, sep, strlen(sep)) && c->full[strlen(sep)] == '\\');
}
