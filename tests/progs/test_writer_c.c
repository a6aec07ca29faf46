/*
 * test_writer_c.c: a VSS writer written in C on the callback table
 * (include/vswriter_c.h), run as its own process by the writer integration
 * tests.  It logs every event it gets, with what the protected helpers say
 * about the backup, and can veto, hang or die at a chosen event (command line
 * in test_writer_common.h).  It may host several instances of its class.
 */
#define COBJMACROS
#include "test_writer_common.h"
#include <vsbackup.h>

struct instance
{
    struct tw_options *opts;
    IVssWriterImpl *impl;
    char label[300];
};

static bool veto(struct instance *in, const char *event)
{
    if (!tw_should_veto(in->opts, event)) return false;
    IVssWriterImpl_SetWriterFailure(in->impl, in->opts->veto_hr);
    tw_log(in->opts, in->label, "veto", "%s", event);
    return true;
}

static bool on_identify(void *ctx, IVssCreateWriterMetadata *metadata)
{
    struct instance *in = ctx;

    tw_log(in->opts, in->label, "Identify", "metadata=%d", metadata != NULL);
    if (metadata)
    {
        IVssCreateWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"CData", L"C test data",
                                              NULL, 0, false, true, true, false, 0);
        tw_identify_files(in->opts, metadata, L"CData", "/srv/c-data", L"*", true);
    }
    return !veto(in, "Identify");
}

/* Log the components a BCD event gives this writer and leave a mark in each
 * (test_writer_common.h: tw_component_event). */
static bool components_event(struct instance *in, const char *event, IVssWriterComponents *components,
                             const char *extra)
{
    char restore_extra[300];
    UINT count = 0;

    if (components) IVssWriterComponents_GetComponentCount(components, &count);
    tw_event_extra(in->opts, event, IVssWriterImpl_GetRestoreType(in->impl), restore_extra, sizeof(restore_extra));
    tw_log(in->opts, in->label, event, "components=%u selected=%d type=%d%s%s", count,
           IVssWriterImpl_AreComponentsSelected(in->impl), IVssWriterImpl_GetBackupType(in->impl),
           extra ? extra : "", restore_extra);
    for (UINT i = 0; components && i < count; i++)
    {
        IVssComponent *comp;

        if (FAILED(IVssWriterComponents_GetComponent(components, i, &comp))) continue;
        tw_component_event(in->opts, in->label, event, comp);
        if (in->opts->details && (!strcmp(event, "PreRestore") || !strcmp(event, "PostRestore")))
            tw_log_restore_fields(in->opts, in->label, event, comp);
        IVssComponent_Release(comp);
    }
    return !veto(in, event);
}

static bool on_prepare_backup(void *ctx, IVssWriterComponents *components)
{
    return components_event(ctx, "PrepareBackup", components, NULL);
}

static bool on_prepare_snapshot(void *ctx)
{
    struct instance *in = ctx;
    UINT n = IVssWriterImpl_GetCurrentVolumeCount(in->impl);
    LPCWSTR *volumes = IVssWriterImpl_GetCurrentVolumeArray(in->impl);
    VSS_ID set = IVssWriterImpl_GetCurrentSnapshotSetId(in->impl);
    IVssExamineWriterMetadata *identity = IVssWriterImpl_GetIdentityInformation(in->impl);
    UINT includes = 0, excludes = 0, components = 0;
    char vol0[256] = "", setid[64];

    if (n && volumes) tw_narrow(volumes[0], vol0, sizeof(vol0));
    tw_guid_text(&set, setid, sizeof(setid));
    /* the metadata this writer gave in OnIdentify, read back */
    if (identity)
    {
        IVssExamineWriterMetadata_GetFileCounts(identity, &includes, &excludes, &components);
        IVssExamineWriterMetadata_Release(identity);
    }
    tw_log(in->opts, in->label, "PrepareSnapshot", "volumes=%u vol0=%s set=%s context=%d affected=%d identity=%u",
           n, vol0, setid, (int)IVssWriterImpl_GetContext(in->impl),
           IVssWriterImpl_IsPathAffected(in->impl, L"/srv/data/db/file.db"), components);
    return !veto(in, "PrepareSnapshot");
}

static bool on_freeze(void *ctx)
{
    struct instance *in = ctx;

    tw_log(in->opts, in->label, "Freeze", "level=%d", IVssWriterImpl_GetCurrentLevel(in->impl));
    return !veto(in, "Freeze");
}

static bool on_thaw(void *ctx)
{
    struct instance *in = ctx;

    tw_log(in->opts, in->label, "Thaw", "level=%d", IVssWriterImpl_GetCurrentLevel(in->impl));
    return !veto(in, "Thaw");
}

static bool on_post_snapshot(void *ctx, IVssWriterComponents *components)
{
    struct instance *in = ctx;
    LPCWSTR *volumes = IVssWriterImpl_GetCurrentVolumeArray(in->impl);
    LPCWSTR device = NULL;
    char text[256] = "", extra[300];
    HRESULT hr = E_FAIL;

    if (IVssWriterImpl_GetCurrentVolumeCount(in->impl) && volumes)
        hr = IVssWriterImpl_GetSnapshotDeviceName(in->impl, volumes[0], &device);
    if (SUCCEEDED(hr)) tw_narrow(device, text, sizeof(text));
    snprintf(extra, sizeof(extra), " device0=%s", SUCCEEDED(hr) ? text : "none");
    return components_event(in, "PostSnapshot", components, extra);
}

static bool on_abort(void *ctx)
{
    struct instance *in = ctx;

    tw_log(in->opts, in->label, "Abort", NULL);
    return !veto(in, "Abort");
}

static bool on_backup_complete(void *ctx, IVssWriterComponents *components)
{
    return components_event(ctx, "BackupComplete", components, NULL);
}

static bool on_backup_shutdown(void *ctx, VSS_ID set)
{
    struct instance *in = ctx;
    char setid[64];

    tw_guid_text(&set, setid, sizeof(setid));
    tw_log(in->opts, in->label, "BackupShutdown", "set=%s", setid);
    return !veto(in, "BackupShutdown");
}

static bool on_pre_restore(void *ctx, IVssWriterComponents *components)
{
    return components_event(ctx, "PreRestore", components, NULL);
}

static bool on_post_restore(void *ctx, IVssWriterComponents *components)
{
    return components_event(ctx, "PostRestore", components, NULL);
}

static const UMBRA_WRITER_CALLBACKS callbacks =
{
    sizeof(UMBRA_WRITER_CALLBACKS),
    on_identify,
    on_prepare_backup,
    on_prepare_snapshot,
    on_freeze,
    on_thaw,
    on_abort,
    on_backup_complete,
    on_backup_shutdown,
    on_pre_restore,
    on_post_restore,
    on_post_snapshot,
    NULL, NULL, NULL, NULL, NULL,   /* I/O throttling and service events: the defaults */
};

int main(int argc, char **argv)
{
    static struct tw_options opts;
    static struct instance instances[TW_MAX_INSTANCES];
    int status = 0;

    tw_parse(argc, argv, &opts);
    tw_block_stop_signals();
    for (int k = 0; k < opts.instances; k++)
    {
        struct instance *in = &instances[k];
        WCHAR name[256], instance[300];
        HRESULT hr;

        in->opts = &opts;
        tw_label(&opts, k, in->label, sizeof(in->label));
        tw_widen(opts.name, name, ARRAYSIZE(name));
        tw_widen(in->label, instance, ARRAYSIZE(instance));
        if (FAILED(hr = UmbraCreateWriter(&callbacks, in, &in->impl))
            || FAILED(hr = IVssWriterImpl_Initialize(in->impl, opts.id, name,
                                                     opts.instance[0] || opts.instances > 1 ? instance : NULL,
                                                     1, 0, VSS_UT_USERDATA, VSS_ST_OTHER, opts.level,
                                                     opts.freeze_timeout, VSS_AWS_NO_ALTERNATE_WRITER, false))
            || FAILED(hr = IVssWriterImpl_Subscribe(in->impl, 0, VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG)))
        {
            fprintf(stderr, "test_writer_c: cannot start writer %s: %#x\n", in->label, (unsigned int)hr);
            return 1;
        }
    }
    tw_ready(&opts);
    tw_wait_for_stop();
    for (int k = 0; k < opts.instances; k++)
    {
        if (FAILED(IVssWriterImpl_Unsubscribe(instances[k].impl))) status = 1;
        IVssWriterImpl_Uninitialize(instances[k].impl);
        IVssWriterImpl_Release(instances[k].impl);
    }
    return status;
}
