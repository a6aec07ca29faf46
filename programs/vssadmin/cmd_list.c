/*
 * cmd_list.c: List Providers, List Writers and List Volumes, in Windows'
 * layouts (VSS-FACTS.md §5.3) or, with --json, as one JSON object.
 *
 * List Writers asks the writers that run now, as Windows does: a requester
 * object gathers their metadata (Identify) and then their status.
 */
#include <stdlib.h>
#include <string.h>

#include "vssadmin.h"

/* A broken API must not keep vssadmin looping. */
#define MAX_WRITERS 4096

enum vsa_status vsa_cmd_list_providers(struct vsa *v)
{
    char id[VSA_GUID_CHARS], version_id[VSA_GUID_CHARS], class_id[VSA_GUID_CHARS];
    HRESULT hr;
    size_t i;

    if (FAILED(hr = vsa_load_providers(v))) return vsa_fail(v, hr, VSA_CTX_GENERIC, "Query(VSS_OBJECT_PROVIDER)");
    if (v->cmd->json)
    {
        vsa_puts(&v->out, "{\"providers\":[");
        for (i = 0; i < v->nproviders; i++)
        {
            const struct vsa_provider *p = &v->providers[i];

            vsa_puts(&v->out, i ? ",{\"name\":" : "{\"name\":");
            vsa_json_string(&v->out, p->name);
            vsa_puts(&v->out, ",\"type\":");
            vsa_json_string(&v->out, vsa_provider_type_text(p->type));
            vsa_printf(&v->out, ",\"typeId\":%d,\"id\":\"%s\",\"version\":", p->type, vsa_format_guid(id, &p->id));
            vsa_json_string(&v->out, p->version);
            vsa_printf(&v->out, ",\"versionId\":\"%s\",\"classId\":\"%s\"}", vsa_format_guid(version_id, &p->version_id),
                       vsa_format_guid(class_id, &p->class_id));
        }
        vsa_puts(&v->out, "]}\n");
        return VSA_OK;
    }
    if (!v->nproviders) vsa_print_no_items(v);
    for (i = 0; i < v->nproviders; i++)
    {
        const struct vsa_provider *p = &v->providers[i];

        vsa_printf(&v->out, "Provider name: '%s'\n"
                            "   Provider type: %s\n"
                            "   Provider Id: %s\n"
                            "   Version: %s\n\n",
                   p->name, vsa_provider_type_text(p->type), vsa_format_guid(id, &p->id), p->version);
    }
    return VSA_OK;
}

/* --- writers -------------------------------------------------------------------------------- */

struct writer_row
{
    char *name;
    GUID writer_id, instance_id;
    VSS_WRITER_STATE state;
    HRESULT failure;
};

static void print_writer(struct vsa *v, const struct writer_row *w, int first)
{
    char wid[VSA_GUID_CHARS], iid[VSA_GUID_CHARS];

    if (v->cmd->json)
    {
        vsa_puts(&v->out, first ? "{\"name\":" : ",{\"name\":");
        vsa_json_string(&v->out, w->name);
        vsa_printf(&v->out, ",\"writerId\":\"%s\",\"instanceId\":\"%s\",\"state\":%d,\"stateText\":",
                   vsa_format_guid(wid, &w->writer_id), vsa_format_guid(iid, &w->instance_id), (int)w->state);
        vsa_json_string(&v->out, vsa_writer_state_text(w->state));
        vsa_printf(&v->out, ",\"lastError\":\"0x%08x\",\"lastErrorText\":", (unsigned int)w->failure);
        vsa_json_string(&v->out, vsa_writer_error_text(w->failure));
        vsa_puts(&v->out, "}");
        return;
    }
    vsa_printf(&v->out, "Writer name: '%s'\n"
                        "   Writer Id: %s\n"
                        "   Writer Instance Id: %s\n"
                        "   State: [%d] %s\n"
                        "   Last error: %s\n\n",
               w->name, vsa_format_guid(wid, &w->writer_id), vsa_format_guid(iid, &w->instance_id), (int)w->state,
               vsa_writer_state_text(w->state), vsa_writer_error_text(w->failure));
}

static void free_rows(struct writer_row *rows, UINT count)
{
    UINT i;

    for (i = 0; i < count; i++) free(rows[i].name);
    free(rows);
}

/* Every writer's status, read before anything is printed, so a failure
 * half-way leaves no half a listing (or half a JSON document). */
static HRESULT read_status(struct vsa *v, IVssBackupComponents *bc, struct writer_row **out, UINT *out_count,
                           const char **what)
{
    struct writer_row *rows = NULL;
    IVssAsync *async = NULL;
    UINT count = 0, i;
    HRESULT hr;

    *what = "GatherWriterMetadata";
    if (FAILED(hr = IVssBackupComponents_GatherWriterMetadata(bc, &async)) || FAILED(hr = vsa_wait(async))) return hr;
    *what = "GatherWriterStatus";
    async = NULL;
    if (FAILED(hr = IVssBackupComponents_GatherWriterStatus(bc, &async)) || FAILED(hr = vsa_wait(async))) return hr;
    *what = "GetWriterStatusCount";
    if (FAILED(hr = IVssBackupComponents_GetWriterStatusCount(bc, &count))) return hr;
    if (count > MAX_WRITERS) count = MAX_WRITERS;
    if (count && !(rows = calloc(count, sizeof(*rows)))) return E_OUTOFMEMORY;
    *what = "GetWriterStatus";
    for (i = 0; i < count; i++)
    {
        BSTR name = NULL;

        if (FAILED(hr = IVssBackupComponents_GetWriterStatus(bc, i, &rows[i].instance_id, &rows[i].writer_id, &name,
                                                              &rows[i].state, &rows[i].failure)))
            break;
        rows[i].name = vsa_utf8(name);
        if (name) v->api->sys_free_string(name);
        if (!rows[i].name)
        {
            hr = E_OUTOFMEMORY;
            break;
        }
    }
    IVssBackupComponents_FreeWriterStatus(bc);
    IVssBackupComponents_FreeWriterMetadata(bc);
    if (FAILED(hr))
    {
        free_rows(rows, count);
        return hr;
    }
    *out = rows;
    *out_count = count;
    return S_OK;
}

enum vsa_status vsa_cmd_list_writers(struct vsa *v)
{
    IVssBackupComponents *bc = NULL;
    struct writer_row *rows = NULL;
    const char *what = "CreateVssBackupComponents";
    UINT count = 0, i;
    HRESULT hr;

    if (SUCCEEDED(hr = vsa_new_backup(v, VSS_CTX_BACKUP, &bc)))
    {
        hr = read_status(v, bc, &rows, &count, &what);
        IVssBackupComponents_Release(bc);
    }
    if (FAILED(hr)) return vsa_fail(v, hr, VSA_CTX_GENERIC, what);

    if (v->cmd->json) vsa_puts(&v->out, "{\"writers\":[");
    else if (!count) vsa_print_no_items(v);
    for (i = 0; i < count; i++) print_writer(v, &rows[i], i == 0);
    if (v->cmd->json) vsa_puts(&v->out, "]}\n");
    free_rows(rows, count);
    return VSA_OK;
}

/* --- volumes -------------------------------------------------------------------------------- */

enum vsa_status vsa_cmd_list_volumes(struct vsa *v)
{
    HRESULT hr;
    size_t i;

    if (FAILED(hr = vsa_load_volumes(v)))
        return vsa_fail(v, hr, VSA_CTX_GENERIC, "QueryVolumesSupportedForSnapshots");
    if (v->cmd->json) vsa_puts(&v->out, "{\"volumes\":[");
    else if (!v->nvolumes) vsa_print_no_items(v);
    for (i = 0; i < v->nvolumes; i++)
    {
        const struct vsa_volume *vol = &v->volumes[i];
        char letter[4] = { vol->letter, ':', '\\', 0 };
        /* a volume no path reaches is shown by its GUID name (§5.3) */
        const char *path = vol->letter ? letter : *vol->path ? vol->path : vol->guid_name;

        if (v->cmd->json)
        {
            vsa_puts(&v->out, i ? ",{\"path\":" : "{\"path\":");
            vsa_json_string(&v->out, path);
            vsa_puts(&v->out, ",\"name\":");
            vsa_json_string(&v->out, vol->guid_name);
            vsa_puts(&v->out, ",\"mountPath\":");
            vsa_json_string(&v->out, *vol->path ? vol->path : NULL);
            vsa_puts(&v->out, "}");
        }
        else vsa_printf(&v->out, "Volume path: %s\n    Volume name: %s\n", path, vol->guid_name);
    }
    if (v->cmd->json) vsa_puts(&v->out, "]}\n");
    return VSA_OK;
}
