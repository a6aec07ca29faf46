/*
 * cmd_create.c: ADD VOLUME, CREATE and END BACKUP: the backup sequence of
 * VSS-FACTS.md §1.2 as diskshadow drives it.
 *
 * ADD VOLUME only checks that VSS supports the volume (IsVolumeSupported, in
 * the current context); CREATE makes the requester object, sets the context
 * and options, and in a context with writers sets the backup state (copy,
 * or full after BEGIN BACKUP), gathers the writers' metadata, chooses
 * components (verbose mode tells which and why), adds the volumes, prepares
 * the backup and takes the snapshot set; then it names the shadow copies
 * (aliases), writes the metadata cabinet and lists the set.  END BACKUP marks
 * the components succeeded and sends BackupComplete.  A failure after
 * StartSnapshotSet aborts the backup, so no writer stays frozen and no set
 * stays half made.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "umbra/debug.h"
#include "cab.h"
#include "wmd.h"

/* The volume name handed to the API: a drive letter gets its backslash
 * ("c:" -> "c:\"), as AddToSnapshotSet wants; other names go as written and
 * the API normalises them (DESIGN.md §3). */
static WCHAR *api_volume_name(const char *name)
{
    char buf[4];

    if (ds_is_drive_letter(name))
    {
        buf[0] = name[0];
        buf[1] = ':';
        buf[2] = '\\';
        buf[3] = 0;
        return ds_wcs(buf);
    }
    return ds_wcs(name);
}

/* "C:\" for a drive letter, the name itself otherwise: the [..] of the listing */
static char *volume_display_of(const char *name)
{
    char *d;

    if (!ds_is_drive_letter(name)) return strdup(name);
    if (!(d = strdup("X:\\"))) return NULL;
    d[0] = (char)(name[0] & ~0x20);
    return d;
}

enum ds_status ds_cmd_add_volume(struct ds_session *s, const struct ds_command *cmd)
{
    static const GUID null_id;
    IVssBackupComponents *bc = NULL;
    struct ds_volume *vols, *v;
    GUID provider = null_id;
    BOOL supported = FALSE;
    enum ds_status status;
    WCHAR *wname;
    HRESULT hr;

    if (cmd->arg[1] && ds_parse_guid(cmd->arg[1], &provider))
    {
        ds_print_help(s->out, DS_TOPIC_ADD_VOLUME);
        return DS_FAIL_SYNTAX;
    }
    /* checked when added, in the context set so far (Microsoft's add volume docs) */
    if ((status = ds_requester_open(s, s->context, 0, NULL, &bc))) return status;
    if (!(wname = api_volume_name(cmd->arg[0])))
    {
        ds_release(&bc);
        return ds_vss_failed(s, E_OUTOFMEMORY, "ADD VOLUME");
    }
    hr = IVssBackupComponents_IsVolumeSupported(bc, provider, wname, &supported);
    free(wname);
    ds_release(&bc);
    if (FAILED(hr)) return ds_vss_failed(s, hr, "IsVolumeSupported");
    if (!supported)
        return ds_vss_failed(s, cmd->arg[1] ? VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER : VSS_E_VOLUME_NOT_SUPPORTED,
                             "IsVolumeSupported");

    if (!(vols = realloc(s->volumes, (s->nvolumes + 1) * sizeof(*vols)))) return ds_vss_failed(s, E_OUTOFMEMORY, "ADD VOLUME");
    s->volumes = vols;
    v = &vols[s->nvolumes];
    memset(v, 0, sizeof(*v));
    v->provider = provider;
    v->name = strdup(cmd->arg[0]);
    v->alias = cmd->arg[2] ? strdup(cmd->arg[2]) : NULL;
    if (!v->name || (cmd->arg[2] && !v->alias))
    {
        free(v->name);
        free(v->alias);
        return ds_vss_failed(s, E_OUTOFMEMORY, "ADD VOLUME");
    }
    v->guid_name = ds_volume_guid_name(s, cmd->arg[0]);
    s->nvolumes++;
    return DS_OK;
}

/* --- writer selection -------------------------------------------------------------------- */

/* The POSIX directory a volume of the set stands for, or NULL. */
static char *volume_root(const char *name)
{
    char *posix, *real;

    if (!strncasecmp(name, "\\\\?\\", 4)) return NULL;  /* a GUID name: no path to compare */
    if (!(posix = ds_posix_path(name))) return NULL;
    real = realpath(posix, NULL);
    free(posix);
    return real;
}

/* A writer's path ("%SystemRoot%\x", "C:\x", "/var/lib/x") as an absolute
 * POSIX path, resolved as far as it exists. */
static char *writer_path(const char *path)
{
    char expanded[PATH_MAX], *posix, *cut, *real;
    const char *p = path;
    size_t n = 0;

    /* environment variables, as the writer's own machine would expand them */
    while (*p && n + 1 < sizeof(expanded))
    {
        const char *end, *value;
        char name[256];
        if (*p == '%' && (end = strchr(p + 1, '%')) && (size_t)(end - p - 1) < sizeof(name) && end > p + 1)
        {
            memcpy(name, p + 1, (size_t)(end - p - 1));
            name[end - p - 1] = 0;
            if ((value = ds_lookup_environ(NULL, name)))
            {
                size_t vlen = strlen(value);
                if (n + vlen + 1 >= sizeof(expanded)) return NULL;
                memcpy(expanded + n, value, vlen);
                n += vlen;
                p = end + 1;
                continue;
            }
        }
        expanded[n++] = *p++;
    }
    expanded[n] = 0;
    if (!(posix = ds_posix_path(expanded)) || posix[0] != '/')
    {
        free(posix);
        return NULL;
    }
    /* the longest prefix that exists */
    while (!(real = realpath(posix, NULL)) && (cut = strrchr(posix, '/')) && cut != posix) *cut = 0;
    if (!real && !strcmp(posix, "/")) real = strdup("/");
    if (!real && (cut = strrchr(posix, '/')) == posix) real = strdup("/");
    free(posix);
    return real;
}

static int path_in_set(char **roots, size_t nroots, const char *path)
{
    char *real = writer_path(path);
    size_t i;
    int in = 0;

    if (!real) return 0;
    for (i = 0; i < nroots && !in; i++)
    {
        size_t n;
        if (!roots[i]) continue;
        n = strlen(roots[i]);
        in = !strcmp(roots[i], "/") || (!strncmp(real, roots[i], n) && (real[n] == 0 || real[n] == '/'));
    }
    free(real);
    return in;
}

/* The volume a path needs, for the verbose message: "C:\" or its directory;
 * "" when the path names no volume (output/02 prints "volume  which"). */
static char *volume_of_path(const char *path)
{
    char letter[3] = { path[0], ':', 0 };

    if (path[0] && path[1] == ':') return volume_display_of(letter);
    return strdup(path[0] == '%' ? "" : path);
}

static int add_component(struct ds_session *s, const struct ds_writer_md *w, const struct ds_wcomponent *c)
{
    struct ds_component *list = realloc(s->components, (s->ncomponents + 1) * sizeof(*list));

    if (!list) return -ENOMEM;
    s->components = list;
    list += s->ncomponents;
    list->instance_id = w->instance_id;
    list->writer_id = w->writer_id;
    list->type = c->type;
    list->logical_path = *c->logical_path ? strdup(c->logical_path) : NULL;
    list->name = strdup(c->name);
    if ((*c->logical_path && !list->logical_path) || !list->name)
    {
        free(list->logical_path);
        free(list->name);
        return -ENOMEM;
    }
    s->ncomponents++;
    return 0;
}

/* Choose the components of each writer the way diskshadow reports it
 * (output/02): a component whose files lie on a volume outside the set is
 * excluded; a writer whose top-level non-selectable component is excluded,
 * or all of whose components are, is excluded; WRITER EXCLUDE removes writers
 * and components; WRITER VERIFY fails CREATE when its target is left out. */
static enum ds_status select_components(struct ds_session *s, struct ds_writer_md *writers, size_t nwriters)
{
    char **roots = calloc(s->nvolumes + 1, sizeof(*roots));
    unsigned char *included = calloc(nwriters + 1, 1);
    enum ds_status status = DS_OK;
    size_t i, j, k, r;

    if (!roots || !included)
    {
        free(roots);
        free(included);
        return ds_vss_failed(s, E_OUTOFMEMORY, "CREATE");
    }
    for (i = 0; i < s->nvolumes; i++) roots[i] = volume_root(s->volumes[i].name);

    for (i = 0; i < nwriters; i++)
    {
        struct ds_writer_md *w = &writers[i];
        unsigned char *keep = calloc(w->ncomponents + 1, 1);
        const char *why_top = NULL;
        size_t kept = 0;
        int user_excluded = 0;

        if (!keep) { status = ds_vss_failed(s, E_OUTOFMEMORY, "CREATE"); break; }
        for (r = 0; r < s->nrules; r++)
            if (!s->rules[r].verify && ds_rule_matches(s->rules[r].target, w, NULL)) user_excluded = 1;
        if (user_excluded)
        {
            if (s->verbose) ds_print_writer_excluded_by_user(s->out, w->name);
            free(keep);
            continue;
        }
        for (j = 0; j < w->ncomponents; j++)
        {
            struct ds_wcomponent *c = &w->components[j];
            int excluded = 0;

            for (r = 0; r < s->nrules; r++)
                if (!s->rules[r].verify && ds_rule_matches(s->rules[r].target, w, c)) excluded = 1;
            for (k = 0; k < c->nfiles && !excluded; k++)
            {
                if (path_in_set(roots, s->nvolumes, c->files[k].path)) continue;
                excluded = 1;
                if (s->verbose)
                {
                    char *vol = volume_of_path(c->files[k].path);
                    ds_print_component_excluded_volume(s->out, c->full, w->name, vol ? vol : "");
                    free(vol);
                }
            }
            if (excluded && c->top_level && !c->selectable && !why_top) why_top = c->full;
            keep[j] = !excluded;
        }
        /* what lies below an excluded component goes with it */
        for (j = 0; j < w->ncomponents; j++)
            for (k = 0; k < w->ncomponents; k++)
                if (!keep[k] && k != j && keep[j])
                {
                    const char *lp = w->components[j].logical_path, *parent = w->components[k].full + 1;
                    while (*lp == '\\') lp++;
                    if (!strncasecmp(lp, parent, strlen(parent))
                        && (lp[strlen(parent)] == 0 || lp[strlen(parent)] == '\\'))
                        keep[j] = 0;
                }
        for (j = 0; j < w->ncomponents; j++) kept += keep[j];

        if (why_top)
        {
            if (s->verbose) ds_print_writer_excluded_top_level(s->out, w->name, why_top);
        }
        else if (!kept)
        {
            if (s->verbose) ds_print_writer_excluded_all_components(s->out, w->name);
        }
        else
        {
            included[i] = 1;
            for (j = 0; j < w->ncomponents && status == DS_OK; j++)
                if (keep[j] && w->components[j].top_level && add_component(s, w, &w->components[j]))
                    status = ds_vss_failed(s, E_OUTOFMEMORY, "CREATE");
        }
        for (j = 0; j < w->ncomponents; j++) w->components[j].kept = keep[j];
        free(keep);
        if (status != DS_OK) break;
    }

    if (s->verbose && status == DS_OK)
    {
        for (i = 0; i < nwriters; i++)
        {
            struct ds_writer_md *w = &writers[i];
            if (!included[i]) continue;
            ds_print_including_writer(s->out, w->name);
            for (j = 0; j < w->ncomponents; j++)
                if (w->components[j].kept && w->components[j].top_level)
                    ds_print_adding_component(s->out, w->components[j].full);
        }
    }

    /* WRITER VERIFY: its writer or component must be in */
    for (r = 0; r < s->nrules && status == DS_OK; r++)
    {
        int found = 0;
        if (!s->rules[r].verify) continue;
        for (i = 0; i < nwriters && !found; i++)
        {
            if (!included[i]) continue;
            if (ds_rule_matches(s->rules[r].target, &writers[i], NULL)) found = 1;
            for (j = 0; j < writers[i].ncomponents && !found; j++)
                if (writers[i].components[j].kept
                    && ds_rule_matches(s->rules[r].target, &writers[i], &writers[i].components[j]))
                    found = 1;
        }
        if (!found)
        {
            /* [U] */
            ds_out_printf(s->out, "WRITER VERIFY failed: \"%s\" is not included in the backup.\n", s->rules[r].target);
            status = DS_FAIL_VSS;
        }
    }
    for (i = 0; i < s->nvolumes; i++) free(roots[i]);
    free(roots);
    free(included);
    return status;
}

/* --- CREATE -------------------------------------------------------------------------------- */

static enum ds_status name_shadows(struct ds_session *s)
{
    char id[DS_GUID_CHARS], name[32];
    size_t i;

    for (i = 0; i < s->nvolumes; i++)
    {
        const char *alias = s->volumes[i].alias;
        if (!alias)
        {
            snprintf(name, sizeof(name), "VSS_SHADOW_%u", ++s->shadow_counter);
            alias = name;
        }
        if (ds_alias_define(s, alias, ds_format_guid(id, &s->volumes[i].snapshot_id)))
            return ds_vss_failed(s, E_OUTOFMEMORY, "alias");
        ds_print_alias_set(s->out, alias, &s->volumes[i].snapshot_id);
    }
    if (ds_alias_define(s, "VSS_SHADOW_SET", ds_format_guid(id, &s->set_id)))
        return ds_vss_failed(s, E_OUTOFMEMORY, "alias");
    ds_print_set_alias_set(s->out, &s->set_id);
    return DS_OK;
}

/* "Querying all shadow copies with the shadow copy set ID ..." and the set. */
static enum ds_status list_created(struct ds_session *s)
{
    size_t i, listed = 0;

    ds_print_query_header(s->out, DS_QUERY_SET, &s->set_id);
    for (i = 0; i < s->nvolumes; i++)
    {
        VSS_SNAPSHOT_PROP prop;
        HRESULT hr;

        memset(&prop, 0, sizeof(prop));
        if (FAILED(hr = IVssBackupComponents_GetSnapshotProperties(s->backup, s->volumes[i].snapshot_id, &prop)))
            return ds_vss_failed(s, hr, "GetSnapshotProperties");
        /* a volume named by its \\?\Volume{...}\ name has no other name to show */
        if (prop.m_pwszOriginalVolumeName && strncasecmp(s->volumes[i].name, "\\\\?\\", 4))
        {
            char *guid_name = ds_utf8(prop.m_pwszOriginalVolumeName), *display = volume_display_of(s->volumes[i].name);
            if (guid_name && !s->volumes[i].guid_name) s->volumes[i].guid_name = strdup(guid_name);
            ds_remember_volume(s, guid_name, display);
            free(guid_name);
            free(display);
        }
        if (i) ds_out_puts(s->out, "\n");
        ds_print_snapshot(s, &prop);
        s->api->free_snapshot_properties(&prop);
        listed++;
    }
    ds_print_shadow_count(s->out, listed);
    return DS_OK;
}

enum ds_status ds_cmd_create(struct ds_session *s)
{
    struct ds_writer_md *writers = NULL;
    size_t nwriters = 0, i;
    enum ds_status status;
    IVssAsync *async;
    GUID *disabled = NULL;
    UINT ndisabled = 0;
    HRESULT hr;
    int started = 0;

    if (!s->nvolumes)
    {
        ds_print_message(s->out, "There are no volumes in the shadow copy set: use ADD VOLUME first.");  /* [U] */
        return DS_FAIL_SYNTAX;
    }
    if (s->created)
    {
        /* one requester object per compound operation: RESET separates them (§6.1) */
        ds_print_failure(s->out, VSS_E_BAD_STATE);
        return DS_FAIL_VSS;
    }
    if (!s->backup && (status = ds_requester_open(s, s->context | s->options, 0, NULL, &s->backup))) return status;
    s->writers_involved = !(s->context & 0x10);   /* VSS_VOLSNAP_ATTR_NO_WRITERS */

    if (s->writers_involved)
    {
        if (FAILED(hr = IVssBackupComponents_SetBackupState(s->backup, true, false,
                                                             s->backup_begun ? VSS_BT_FULL : VSS_BT_COPY, false)))
            return ds_vss_failed(s, hr, "SetBackupState");
        /* writers excluded by id never hear of this backup (before Identify, rule R4) */
        if (s->nrules && !(disabled = calloc(s->nrules, sizeof(*disabled))))
            return ds_vss_failed(s, E_OUTOFMEMORY, "CREATE");
        for (i = 0; i < s->nrules; i++)
            if (!s->rules[i].verify && !ds_parse_guid(s->rules[i].target, &disabled[ndisabled])) ndisabled++;
        hr = ndisabled ? IVssBackupComponents_DisableWriterClasses(s->backup, disabled, ndisabled) : S_OK;
        free(disabled);
        if (FAILED(hr)) return ds_vss_failed(s, hr, "DisableWriterClasses");
        if ((status = ds_gather_writers(s, s->backup, &writers, &nwriters))) return status;
    }

    if (s->writers_involved && (status = select_components(s, writers, nwriters))) goto done;
    /* the selection report ends with a blank line; without writers it is only that (output/03) */
    if (s->verbose) ds_out_puts(s->out, "\n");

    if (FAILED(hr = IVssBackupComponents_StartSnapshotSet(s->backup, &s->set_id)))
    {
        status = ds_vss_failed(s, hr, "StartSnapshotSet");
        goto done;
    }
    started = 1;
    for (i = 0; i < s->nvolumes; i++)
    {
        WCHAR *w = api_volume_name(s->volumes[i].name);
        hr = w ? IVssBackupComponents_AddToSnapshotSet(s->backup, w, s->volumes[i].provider,
                                                        &s->volumes[i].snapshot_id)
               : E_OUTOFMEMORY;
        free(w);
        if (FAILED(hr))
        {
            status = ds_vss_failed(s, hr, "AddToSnapshotSet");
            goto done;
        }
    }
    if (s->writers_involved)
    {
        for (i = 0; i < s->ncomponents; i++)
        {
            struct ds_component *c = &s->components[i];
            WCHAR *lp = c->logical_path ? ds_wcs(c->logical_path) : NULL, *name = ds_wcs(c->name);
            hr = name && (lp || !c->logical_path)
                 ? IVssBackupComponents_AddComponent(s->backup, c->instance_id, c->writer_id, c->type, lp, name)
                 : E_OUTOFMEMORY;
            free(lp);
            free(name);
            if (FAILED(hr))
            {
                status = ds_vss_failed(s, hr, "AddComponent");
                goto done;
            }
        }
        async = NULL;
        if (FAILED(hr = IVssBackupComponents_PrepareForBackup(s->backup, &async)) || FAILED(hr = ds_wait(async)))
        {
            status = ds_vss_failed(s, hr, "PrepareForBackup");
            goto done;
        }
    }
    async = NULL;
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(s->backup, &async)) || FAILED(hr = ds_wait(async)))
    {
        status = ds_vss_failed(s, hr, "DoSnapshotSet");
        goto done;
    }
    started = 0;
    s->created = 1;
    if (s->writers_involved)
    {
        /* writers now wait for BackupComplete; a failed one shows in LIST WRITERS STATUS */
        async = NULL;
        if (SUCCEEDED(IVssBackupComponents_GatherWriterStatus(s->backup, &async)) && SUCCEEDED(ds_wait(async)))
            IVssBackupComponents_FreeWriterStatus(s->backup);
    }

    if ((status = name_shadows(s))) goto done;
    if (s->metadata && (status = ds_metadata_write(s, writers, nwriters))) goto done;
    status = list_created(s);

done:
    if (started)
    {
        /* stopped between StartSnapshotSet and the end of DoSnapshotSet: abort (rule R21) */
        IVssBackupComponents_AbortBackup(s->backup);
    }
    ds_writers_free(writers, nwriters);
    return status;
}

/* --- END BACKUP ------------------------------------------------------------------------------ */

enum ds_status ds_cmd_end_backup(struct ds_session *s)
{
    IVssAsync *async = NULL;
    size_t i;
    HRESULT hr;

    if (!s->backup_begun)
    {
        ds_print_failure(s->out, VSS_E_BAD_STATE);
        return DS_FAIL_VSS;
    }
    s->backup_begun = 0;
    if (!s->created || !s->writers_involved) return DS_OK;
    for (i = 0; i < s->ncomponents; i++)
    {
        struct ds_component *c = &s->components[i];
        WCHAR *lp = c->logical_path ? ds_wcs(c->logical_path) : NULL, *name = ds_wcs(c->name);
        hr = name ? IVssBackupComponents_SetBackupSucceeded(s->backup, c->instance_id, c->writer_id, c->type, lp,
                                                            name, true)
                  : E_OUTOFMEMORY;
        free(lp);
        free(name);
        if (FAILED(hr)) return ds_vss_failed(s, hr, "SetBackupSucceeded");
    }
    if (FAILED(hr = IVssBackupComponents_BackupComplete(s->backup, &async)) || FAILED(hr = ds_wait(async)))
        return ds_vss_failed(s, hr, "BackupComplete");
    async = NULL;
    if (SUCCEEDED(IVssBackupComponents_GatherWriterStatus(s->backup, &async)) && SUCCEEDED(ds_wait(async)))
        IVssBackupComponents_FreeWriterStatus(s->backup);
    return DS_OK;
}
