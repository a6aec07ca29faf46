/*
 * cmd_restore.c: what comes after LOAD METADATA: IMPORT of a transportable
 * set, and the restore session BEGIN RESTORE ... ADD SHADOW ... RESYNC ...
 * END RESTORE (VSS-FACTS.md §1.7 restore sequence, §6.2).
 *
 * BEGIN RESTORE initialises a requester object from the loaded Backup
 * Components Document, identifies the writers, selects for restore every
 * component of the document that no WRITER EXCLUDE removes, and sends
 * PreRestore; END RESTORE sends PostRestore.  RESYNC hands the shadow copies
 * of ADD SHADOW to IVssBackupComponentsEx3's recovery set.
 */
#include <stdlib.h>
#include <string.h>

#include "umbra/debug.h"
#include "cab.h"
#include "wmd.h"

/* Local copy of IID_IVssBackupComponentsEx3 (VSS-FACTS.md §2.2). */
static const GUID iid_backup_ex3 =
    { 0xc191bfbc, 0xb602, 0x4675, { 0x8b, 0xd1, 0x67, 0xd6, 0x42, 0xf5, 0x29, 0xd5 } };

static enum ds_status need_metadata(struct ds_session *s, const char *what)
{
    if (s->loaded && s->loaded->bcd) return DS_OK;
    WARN("%s without LOAD METADATA of a cabinet holding a Backup Components Document\n", what);
    return ds_vss_failed(s, VSS_E_BAD_STATE, what);
}

enum ds_status ds_cmd_import(struct ds_session *s)
{
    IVssAsync *async = NULL;
    enum ds_status status;
    HRESULT hr;

    if ((status = need_metadata(s, "IMPORT"))) return status;
    if (s->backup)
    {
        /* one compound operation per object: RESET first (§6.1) */
        ds_print_failure(s->out, VSS_E_BAD_STATE);
        return DS_FAIL_VSS;
    }
    /* the context of a transportable set comes with its document */
    if ((status = ds_requester_open(s, DS_KEEP_CONTEXT, 0, s->loaded->bcd, &s->backup))) return status;
    if (FAILED(hr = IVssBackupComponents_ImportSnapshots(s->backup, &async)) || FAILED(hr = ds_wait(async)))
        return ds_vss_failed(s, hr, "ImportSnapshots");
    return DS_OK;
}

/* Writer name by id, for WRITER EXCLUDE rules given by name. */
static const struct ds_writer_md *find_writer(const struct ds_writer_md *writers, size_t n, const GUID *writer_id)
{
    size_t i;
    for (i = 0; i < n; i++) if (IsEqualGUID(&writers[i].writer_id, writer_id)) return &writers[i];
    return NULL;
}

static int excluded(struct ds_session *s, const struct ds_writer_md *w, const GUID *writer_id, const char *lp,
                    const char *name)
{
    struct ds_writer_md fake;
    struct ds_wcomponent c;
    char full[4096];
    size_t r;

    memset(&fake, 0, sizeof(fake));
    fake.writer_id = *writer_id;
    if (!w) w = &fake;
    memset(&c, 0, sizeof(c));
    while (*lp == '\\') lp++;
    if (*lp) snprintf(full, sizeof(full), "\\%s\\%s", lp, name);
    else snprintf(full, sizeof(full), "\\%s", name);
    c.full = full;
    for (r = 0; r < s->nrules; r++)
        if (!s->rules[r].verify && (ds_rule_matches(s->rules[r].target, w, NULL)
                                    || ds_rule_matches(s->rules[r].target, w, &c)))
            return 1;
    return 0;
}

/* SetSelectedForRestore for every component the document holds. */
static enum ds_status select_for_restore(struct ds_session *s, const struct ds_writer_md *writers, size_t nwriters)
{
    UINT nw = 0, i, j;
    HRESULT hr;

    if (FAILED(hr = IVssBackupComponents_GetWriterComponentsCount(s->restore, &nw)))
        return ds_vss_failed(s, hr, "GetWriterComponentsCount");
    for (i = 0; i < nw && i < 4096; i++)
    {
        IVssWriterComponentsExt *wc = NULL;
        GUID instance, writer;
        UINT nc = 0;

        if (FAILED(hr = IVssBackupComponents_GetWriterComponents(s->restore, i, &wc)) || !wc)
            return ds_vss_failed(s, FAILED(hr) ? hr : E_POINTER, "GetWriterComponents");
        IVssWriterComponentsExt_GetWriterInfo(wc, &instance, &writer);
        IVssWriterComponentsExt_GetComponentCount(wc, &nc);
        for (j = 0; j < nc && j < 65536; j++)
        {
            IVssComponent *c = NULL;
            VSS_COMPONENT_TYPE type = VSS_CT_UNDEFINED;
            BSTR lp = NULL, name = NULL;
            char *lp8, *name8;

            if (FAILED(IVssWriterComponentsExt_GetComponent(wc, j, &c)) || !c) continue;
            IVssComponent_GetLogicalPath(c, &lp);
            IVssComponent_GetComponentType(c, &type);
            IVssComponent_GetComponentName(c, &name);
            lp8 = ds_utf8(lp);
            name8 = ds_utf8(name);
            if (lp8 && name8 && !excluded(s, find_writer(writers, nwriters, &writer), &writer, lp8, name8))
                hr = IVssBackupComponents_SetSelectedForRestore(s->restore, writer, type, lp, name, true);
            else
                hr = S_OK;
            free(lp8);
            free(name8);
            if (lp) s->api->sys_free_string(lp);
            if (name) s->api->sys_free_string(name);
            IVssComponent_Release(c);
            if (FAILED(hr))
            {
                IVssWriterComponentsExt_Release(wc);
                return ds_vss_failed(s, hr, "SetSelectedForRestore");
            }
        }
        IVssWriterComponentsExt_Release(wc);
    }
    return DS_OK;
}

enum ds_status ds_cmd_begin_restore(struct ds_session *s)
{
    struct ds_writer_md *writers = NULL;
    size_t nwriters = 0;
    IVssAsync *async = NULL;
    enum ds_status status;
    HRESULT hr;

    if ((status = need_metadata(s, "BEGIN RESTORE"))) return status;
    if (s->restore_begun || s->backup_begun)
    {
        ds_print_failure(s->out, VSS_E_BAD_STATE);
        return DS_FAIL_VSS;
    }
    ds_release(&s->restore);
    if ((status = ds_requester_open(s, DS_KEEP_CONTEXT, 1, s->loaded->bcd, &s->restore))) return status;
    if ((status = ds_gather_writers(s, s->restore, &writers, &nwriters))) goto fail;
    if ((status = select_for_restore(s, writers, nwriters))) goto fail;
    if (FAILED(hr = IVssBackupComponents_SetRestoreState(s->restore, VSS_RTYPE_BY_COPY)))
    {
        status = ds_vss_failed(s, hr, "SetRestoreState");
        goto fail;
    }
    if (FAILED(hr = IVssBackupComponents_PreRestore(s->restore, &async)) || FAILED(hr = ds_wait(async)))
    {
        status = ds_vss_failed(s, hr, "PreRestore");
        goto fail;
    }
    ds_writers_free(writers, nwriters);
    s->restore_begun = 1;
    return DS_OK;

fail:
    /* no Abort in a restore (§1.6): the object just goes */
    ds_writers_free(writers, nwriters);
    ds_release(&s->restore);
    return status;
}

enum ds_status ds_cmd_end_restore(struct ds_session *s)
{
    IVssAsync *async = NULL;
    HRESULT hr;

    if (!s->restore_begun || !s->restore)
    {
        ds_print_failure(s->out, VSS_E_BAD_STATE);
        return DS_FAIL_VSS;
    }
    s->restore_begun = 0;
    if (FAILED(hr = IVssBackupComponents_PostRestore(s->restore, &async)) || FAILED(hr = ds_wait(async)))
        return ds_vss_failed(s, hr, "PostRestore");
    return DS_OK;
}

enum ds_status ds_cmd_add_shadow(struct ds_session *s, const struct ds_command *cmd)
{
    enum ds_status status;
    GUID id, *ids;
    char **targets;

    if ((status = ds_resolve_id(s, cmd->arg[0], &id))) return status;
    if (!(ids = realloc(s->resync_ids, (s->nresync + 1) * sizeof(*ids)))) return ds_vss_failed(s, E_OUTOFMEMORY, "ADD SHADOW");
    s->resync_ids = ids;
    if (!(targets = realloc(s->resync_targets, (s->nresync + 1) * sizeof(*targets))))
        return ds_vss_failed(s, E_OUTOFMEMORY, "ADD SHADOW");
    s->resync_targets = targets;
    targets[s->nresync] = cmd->arg[1] ? strdup(cmd->arg[1]) : NULL;
    if (cmd->arg[1] && !targets[s->nresync]) return ds_vss_failed(s, E_OUTOFMEMORY, "ADD SHADOW");
    ids[s->nresync++] = id;
    return DS_OK;
}

enum ds_status ds_cmd_resync(struct ds_session *s, const struct ds_command *cmd)
{
    IVssBackupComponentsEx3 *ex3 = NULL;
    IVssAsync *async = NULL;
    size_t i;
    HRESULT hr;

    if (!s->restore || !s->nresync)
    {
        WARN("RESYNC needs BEGIN RESTORE and ADD SHADOW\n");
        return ds_vss_failed(s, VSS_E_BAD_STATE, "RESYNC");
    }
    hr = IVssBackupComponents_QueryInterface(s->restore, &iid_backup_ex3, (void **)&ex3);
    if (FAILED(hr) || !ex3) return ds_vss_failed(s, FAILED(hr) ? hr : E_NOINTERFACE, "QueryInterface(Ex3)");
    for (i = 0; i < s->nresync; i++)
    {
        WCHAR *target = s->resync_targets[i] ? ds_wcs(s->resync_targets[i]) : NULL;
        hr = (!s->resync_targets[i] || target)
             ? IVssBackupComponentsEx3_AddSnapshotToRecoverySet(ex3, s->resync_ids[i], 0, target) : E_OUTOFMEMORY;
        free(target);
        if (FAILED(hr))
        {
            IVssBackupComponentsEx3_Release(ex3);
            return ds_vss_failed(s, hr, "AddSnapshotToRecoverySet");
        }
    }
    hr = IVssBackupComponentsEx3_RecoverSet(ex3, (DWORD)cmd->options, &async);
    if (SUCCEEDED(hr)) hr = ds_wait(async);
    IVssBackupComponentsEx3_Release(ex3);
    if (FAILED(hr)) return ds_vss_failed(s, hr, "RecoverSet");
    return DS_OK;
}
