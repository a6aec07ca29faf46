/*
 * service_server.c: one requester's session inside vsssvc (service_server.h).
 *
 * A session is a real requester object, made by the embedded constructor
 * (backup.c), and the asynchronous operations it handed out.  Each CALL is
 * decoded, run on that object through its vtable exactly as an in-process
 * caller would run it, and its HRESULT and out parameters are sent back
 * (service_proto.h: encodings).  Out parameters start as canaries, so a
 * result the method did not write is reported as not written and the
 * requester's variable stays as it was, as in-process.
 *
 * A management session (service_proto.h) holds a VssSnapshotMgmt object
 * instead, and runs each shadow-storage call on a fresh interface of the
 * provider it names; it holds nothing past its calls.
 *
 * The connection's end is the requester's Release: if it never sent
 * RELEASE (it died), what it left running is cancelled; either way the
 * operations are waited for and the object released, which deletes its
 * auto-release snapshots and tells its writers (backup.c: Abort for a set
 * in creation, BackupShutdown).
 *
 * Not for: who may connect (programs/vsssvc), sockets and frames
 * (transport.c).
 */
#define COBJMACROS
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "umbra/debug.h"
#include "catalogue.h"
#include "components.h"
#include "config.h"
#include "enum.h"
#include "errors.h"
#include "freeze.h"
#include "service_client.h"
#include "service_proto.h"
#include "service_server.h"
#include "setlock.h"
#include "snapshot_props.h"
#include "transport.h"
#include "wstr.h"

/* --- the service's place and start-up --------------------------------------------------- */

void umbra_service_paths(struct umbra_service_paths *paths)
{
    const struct vss_config *config = config_get();

    paths->config_dir = config->config_dir;
    paths->runtime_dir = config->runtime_dir;
    paths->state_dir = config->state_dir;
}

int umbra_service_listen(void)
{
    const char *dir = config_get()->runtime_dir;
    int ret;

    if ((ret = transport_ensure_dir(dir))) return ret;
    return transport_listen(dir, SVC_SOCKET_NAME);
}

void umbra_service_unlisten(void)
{
    transport_unlink(config_get()->runtime_dir, SVC_SOCKET_NAME);
}

int umbra_service_recover(void)
{
    struct vss_setlock *lock = NULL;
    struct catalogue *cat;
    GUID none;
    int thawed, ret;

    /* a service or requester killed in the hold window left its file systems frozen */
    if ((thawed = freeze_recover()) < 0) WARN("cannot read the freeze records: %s\n", strerror(-thawed));
    memset(&none, 0, sizeof(none));
    if ((ret = setlock_acquire(&none, 0, &lock)))
    {
        /* an embedded requester is making a set: reconciling now would take it for a crash */
        TRACE("the snapshot-set lock is taken (%s): the catalogue is reconciled later\n", strerror(-ret));
        return thawed;
    }
    if ((ret = snapshot_catalogue_open(1, &cat)))
        WARN("cannot open the snapshot catalogue: %s\n", strerror(-ret));
    else
        catalogue_close(cat);
    setlock_release(lock);
    return thawed;
}

/* --- a session --------------------------------------------------------------------------- */

struct session_async
{
    struct session_async *next;
    uint32_t id;
    IVssAsync *async;
    int released;               /* the requester released its proxy */
};

struct session
{
    int fd;
    const struct umbra_service_peer *peer;
    IVssBackupComponentsEx4 *backup;    /* from HELLO until RELEASE */
    IVssSnapshotMgmt *mgmt;             /* instead, in a management session */
    int hello;
    int released;
    unsigned int wait_for_set;          /* the requester's VSS_WAIT_FOR_SET */
    struct session_async *asyncs;
    uint32_t next_async;
};

static struct session_async *find_async(struct session *s, uint32_t id)
{
    for (struct session_async *a = s->asyncs; a; a = a->next)
        if (a->id == id) return a;
    return NULL;
}

/* The session keeps its own reference on every operation until it ends. */
static int add_async(struct session *s, IVssAsync *async, uint32_t *id)
{
    struct session_async *a = calloc(1, sizeof(*a));

    if (!a) return -ENOMEM;
    if (!++s->next_async) s->next_async = 1;
    a->id = *id = s->next_async;
    a->async = async;
    a->next = s->asyncs;
    s->asyncs = a;
    return 0;
}

/* Send a reply (or an error answer); 0 or -errno. */
static int send_reply(struct session *s, uint16_t type, uint32_t id, HRESULT status, struct wire_builder *b)
{
    struct wire_builder empty;
    void *body;
    size_t len;
    int ret;

    if (!b)
    {
        wire_builder_init(&empty, type, id, status);
        b = &empty;
    }
    if ((ret = wire_builder_finish(b, &body, &len)))
    {
        WARN("cannot build the reply to a %s: %s\n", svc_type_name(type), strerror(-ret));
        return ret;
    }
    ret = transport_send_frame(s->fd, body, len, SVC_SEND_TIMEOUT_MS);
    free(body);
    if (ret) WARN("cannot answer pid %d: %s\n", (int)s->peer->pid, strerror(-ret));
    return ret;
}

/* Refuse a request and end the connection (service_proto.h). */
static int refuse(struct session *s, uint32_t id, HRESULT status, const char *why)
{
    WARN("refused a request of pid %d (uid %u): %s\n", (int)s->peer->pid, (unsigned int)s->peer->uid, why);
    send_reply(s, WIRE_ERROR | WIRE_REPLY, id, status, NULL);
    return -EPROTO;
}

/* --- calls ----------------------------------------------------------------------------------- */

#define CANARY_U32 0xa5a5a5a5u
static const GUID canary_guid = { 0xa5a5a5a5, 0xa5a5, 0xa5a5, { 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5 } };
static char canary_object;
#define CANARY ((void *)&canary_object)

struct call
{
    struct session *s;
    const struct wire_msg *in;
    struct wire_builder *out;
    uint32_t null_outs;
    int bad;                            /* a malformed argument */
    WCHAR *strings[SVC_MAX_PARAMS];
    BSTR bstr;
    GUID *guids;
};

static GUID arg_guid(struct call *c, unsigned int pos)
{
    GUID id;

    memset(&id, 0, sizeof(id));
    if (wire_get_guid(c->in, ST_ARG + pos, &id)) c->bad = 1;
    return id;
}

static uint32_t arg_u32(struct call *c, unsigned int pos)
{
    uint32_t value = 0;

    if (wire_get_u32(c->in, ST_ARG + pos, &value)) c->bad = 1;
    return value;
}

/* An optional string argument (absent: NULL). */
static WCHAR *arg_wstr(struct call *c, unsigned int pos)
{
    const char *utf8;
    int ret = wire_get_str(c->in, ST_ARG + pos, &utf8);

    if (ret == -ENOENT) return NULL;
    if (ret || pos >= SVC_MAX_PARAMS || c->strings[pos] || wstr_from_utf8(utf8, &c->strings[pos]))
    {
        c->bad = 1;
        return NULL;
    }
    return c->strings[pos];
}

static BSTR arg_bstr(struct call *c, unsigned int pos)
{
    const char *utf8;
    int ret = wire_get_str(c->in, ST_ARG + pos, &utf8);

    if (ret == -ENOENT) return NULL;
    if (ret || c->bstr || bstr_from_utf8(utf8, &c->bstr))
    {
        c->bad = 1;
        return NULL;
    }
    return c->bstr;
}

/* The out parameter at pos: the local, or NULL when the requester passed NULL. */
static void *out_arg(struct call *c, unsigned int pos, void *local)
{
    return c->null_outs & (1u << pos) ? NULL : local;
}

static void put_u32(struct call *c, unsigned int pos, uint32_t value)
{
    if (value != CANARY_U32) wire_put_u32(c->out, ST_OUT + pos, value);
}

static void put_guid(struct call *c, unsigned int pos, const GUID *value)
{
    if (!IsEqualGUID(value, &canary_guid)) wire_put_guid(c->out, ST_OUT + pos, value);
}

static void put_cotaskmem_wstr(struct call *c, unsigned int pos, WCHAR *value)
{
    if (value == CANARY) return;
    if (!value) svc_put_null(c->out, ST_OUT + pos);
    else svc_put_wstr(c->out, ST_OUT + pos, value);
    CoTaskMemFree(value);
}

static void put_bstr(struct call *c, unsigned int pos, BSTR value)
{
    if (value == CANARY) return;
    if (!value) svc_put_null(c->out, ST_OUT + pos);
    else svc_put_wstr(c->out, ST_OUT + pos, value);
    SysFreeString(value);
}

/* An operation handed out: registered under an id the requester's proxy uses. */
static HRESULT put_async(struct call *c, unsigned int pos, IVssAsync *async, HRESULT hr)
{
    uint32_t id;

    if (async == CANARY) return hr;
    if (!async)
    {
        svc_put_null(c->out, ST_OUT + pos);
        return hr;
    }
    if (add_async(c->s, async, &id))
    {
        /* nobody could ever wait for it: let it finish here */
        IVssAsync_Cancel(async);
        IVssAsync_Wait(async, INFINITE);
        IVssAsync_Release(async);
        svc_put_null(c->out, ST_OUT + pos);
        return E_OUTOFMEMORY;
    }
    wire_put_u32(c->out, ST_OUT + pos, id);
    return hr;
}

/* A writer metadata object goes back as its document. */
static HRESULT put_examine(struct call *c, unsigned int pos, IVssExamineWriterMetadata *metadata, HRESULT hr)
{
    BSTR xml = NULL;
    HRESULT save;

    if (metadata == CANARY) return hr;
    if (!metadata)
    {
        svc_put_null(c->out, ST_OUT + pos);
        return hr;
    }
    save = IVssExamineWriterMetadata_SaveAsXML(metadata, &xml);
    IVssExamineWriterMetadata_Release(metadata);
    if (FAILED(save))
    {
        WARN("cannot write out a writer's metadata: %s\n", debugstr_hr(save));
        return save;
    }
    svc_put_wstr(c->out, ST_OUT + pos, xml);
    SysFreeString(xml);
    return hr;
}

/* A writer's components go back as its part of the document. */
static HRESULT put_components(struct call *c, unsigned int pos, IVssWriterComponentsExt *components, HRESULT hr)
{
    VSS_ID instance_id, writer_id;
    char *text = NULL;
    size_t len;

    if ((void *)components == CANARY) return hr;
    if (!components)
    {
        svc_put_null(c->out, ST_OUT + pos);
        return hr;
    }
    if (FAILED(IVssWriterComponentsExt_GetWriterInfo(components, &instance_id, &writer_id))
        || components_save_utf8(components, &text, &len))
    {
        IVssWriterComponentsExt_Release(components);
        return E_OUTOFMEMORY;
    }
    IVssWriterComponentsExt_Release(components);
    wire_put_str(c->out, ST_OUT + pos, text);
    wire_put_guid(c->out, ST_INSTANCE_ID, &instance_id);
    wire_put_guid(c->out, ST_WRITER_ID, &writer_id);
    free(text);
    return hr;
}

/* An enumeration goes back as its records. */
static HRESULT put_enum(struct call *c, unsigned int pos, IVssEnumObject *enumerator, HRESULT hr)
{
    VSS_OBJECT_PROP props[32];
    ULONG fetched = 0;
    HRESULT next;

    if ((void *)enumerator == CANARY) return hr;
    if (!enumerator)
    {
        svc_put_null(c->out, ST_OUT + pos);
        return hr;
    }
    wire_put_u32(c->out, ST_OUT + pos, 1);
    do
    {
        next = IVssEnumObject_Next(enumerator, ARRAYSIZE(props), props, &fetched);
        if (FAILED(next)) break;
        for (ULONG i = 0; i < fetched; i++)
        {
            svc_put_record(c->out, ST_RECORD, &props[i]);
            object_prop_clear(&props[i]);
        }
    } while (next == S_OK && fetched == ARRAYSIZE(props));
    IVssEnumObject_Release(enumerator);
    return FAILED(next) ? next : hr;
}

/* StartSnapshotSet, queueing for as long as the requester's VSS_WAIT_FOR_SET
 * says (the service's own lock never waits), unless the requester goes. */
static HRESULT start_snapshot_set(struct session *s, VSS_ID *id)
{
    int64_t deadline = transport_now_ms() + (int64_t)s->wait_for_set * 1000;
    HRESULT hr;

    for (;;)
    {
        struct pollfd pfd = { .fd = s->fd, .events = POLLRDHUP };

        hr = IVssBackupComponentsEx4_StartSnapshotSet(s->backup, id);
        if (hr != VSS_E_SNAPSHOT_SET_IN_PROGRESS || transport_now_ms() >= deadline) return hr;
        if (poll(&pfd, 1, 50) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) return hr;
    }
}

static HRESULT run_method(struct call *c, unsigned int method)
{
    IVssBackupComponentsEx4 *b = c->s->backup;
    IVssAsync *async = CANARY;
    VSS_ID id1 = canary_guid, id2 = canary_guid;
    UINT count = CANARY_U32;
    HRESULT hr = E_INVALIDARG;

    /* Arguments are decoded before the call (c->bad stops it); the macro
     * below runs the call only when they all were there. */
#define RUN(expr) do { if (!c->bad) hr = (expr); } while (0)

    switch (method)
    {
    case SVC_GetWriterComponentsCount:
    case SVC_GetWriterMetadataCount:
    case SVC_GetWriterStatusCount:
        RUN(method == SVC_GetWriterComponentsCount ? IVssBackupComponentsEx4_GetWriterComponentsCount(b, out_arg(c, 0, &count))
            : method == SVC_GetWriterMetadataCount ? IVssBackupComponentsEx4_GetWriterMetadataCount(b, out_arg(c, 0, &count))
            : IVssBackupComponentsEx4_GetWriterStatusCount(b, out_arg(c, 0, &count)));
        put_u32(c, 0, count);
        break;
    case SVC_GetWriterComponents:
    {
        IVssWriterComponentsExt *components = CANARY;
        UINT index = arg_u32(c, 0);

        RUN(IVssBackupComponentsEx4_GetWriterComponents(b, index, out_arg(c, 1, &components)));
        hr = put_components(c, 1, components, hr);
        break;
    }
    case SVC_InitializeForBackup:
    {
        BSTR xml = arg_bstr(c, 0);
        RUN(IVssBackupComponentsEx4_InitializeForBackup(b, xml));
        break;
    }
    case SVC_InitializeForRestore:
    {
        BSTR xml = arg_bstr(c, 0);
        RUN(IVssBackupComponentsEx4_InitializeForRestore(b, xml));
        break;
    }
    case SVC_SetBackupState:
    {
        bool select = arg_u32(c, 0), bootable = arg_u32(c, 1), partial = arg_u32(c, 3);
        VSS_BACKUP_TYPE type = arg_u32(c, 2);
        RUN(IVssBackupComponentsEx4_SetBackupState(b, select, bootable, type, partial));
        break;
    }
    case SVC_SetRestoreState:
    {
        VSS_RESTORE_TYPE type = arg_u32(c, 0);
        RUN(IVssBackupComponentsEx4_SetRestoreState(b, type));
        break;
    }
    case SVC_SetContext:
    {
        LONG context = (LONG)arg_u32(c, 0);
        RUN(IVssBackupComponentsEx4_SetContext(b, context));
        break;
    }
    case SVC_GatherWriterMetadata:
        RUN(IVssBackupComponentsEx4_GatherWriterMetadata(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_PrepareForBackup:
        RUN(IVssBackupComponentsEx4_PrepareForBackup(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_GatherWriterStatus:
        RUN(IVssBackupComponentsEx4_GatherWriterStatus(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_BackupComplete:
        RUN(IVssBackupComponentsEx4_BackupComplete(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_PreRestore:
        RUN(IVssBackupComponentsEx4_PreRestore(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_PostRestore:
        RUN(IVssBackupComponentsEx4_PostRestore(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_DoSnapshotSet:
        RUN(IVssBackupComponentsEx4_DoSnapshotSet(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_ImportSnapshots:
        RUN(IVssBackupComponentsEx4_ImportSnapshots(b, out_arg(c, 0, &async)));
        hr = put_async(c, 0, async, hr);
        break;
    case SVC_GetWriterMetadata:
    case SVC_GetWriterMetadataEx:
    {
        IVssExamineWriterMetadata *metadata = CANARY;
        UINT index = arg_u32(c, 0);

        if (method == SVC_GetWriterMetadata)
            RUN(IVssBackupComponentsEx4_GetWriterMetadata(b, index, out_arg(c, 1, &id1), out_arg(c, 2, &metadata)));
        else
            RUN(IVssBackupComponentsEx4_GetWriterMetadataEx(b, index, out_arg(c, 1, &id1),
                                                           (IVssExamineWriterMetadataEx **)out_arg(c, 2, &metadata)));
        put_guid(c, 1, &id1);
        hr = put_examine(c, 2, metadata, hr);
        break;
    }
    case SVC_FreeWriterMetadata:
        RUN(IVssBackupComponentsEx4_FreeWriterMetadata(b));
        break;
    case SVC_AbortBackup:
        RUN(IVssBackupComponentsEx4_AbortBackup(b));
        break;
    case SVC_FreeWriterStatus:
        RUN(IVssBackupComponentsEx4_FreeWriterStatus(b));
        break;
    case SVC_AddComponent:
    {
        GUID instance = arg_guid(c, 0), writer = arg_guid(c, 1);
        VSS_COMPONENT_TYPE type = arg_u32(c, 2);
        WCHAR *path = arg_wstr(c, 3), *name = arg_wstr(c, 4);
        RUN(IVssBackupComponentsEx4_AddComponent(b, instance, writer, type, path, name));
        break;
    }
    case SVC_SetBackupSucceeded:
    {
        GUID instance = arg_guid(c, 0), writer = arg_guid(c, 1);
        VSS_COMPONENT_TYPE type = arg_u32(c, 2);
        WCHAR *path = arg_wstr(c, 3), *name = arg_wstr(c, 4);
        bool succeeded = arg_u32(c, 5);
        RUN(IVssBackupComponentsEx4_SetBackupSucceeded(b, instance, writer, type, path, name, succeeded));
        break;
    }
    case SVC_GetWriterStatus:
    case SVC_GetWriterStatusEx:
    {
        VSS_WRITER_STATE state = CANARY_U32;
        HRESULT failure = CANARY_U32, app_failure = CANARY_U32;
        BSTR name = CANARY, message = CANARY;
        UINT index = arg_u32(c, 0);

        if (method == SVC_GetWriterStatus)
            RUN(IVssBackupComponentsEx4_GetWriterStatus(b, index, out_arg(c, 1, &id1), out_arg(c, 2, &id2),
                                                        out_arg(c, 3, &name), out_arg(c, 4, &state),
                                                        out_arg(c, 5, &failure)));
        else
            RUN(IVssBackupComponentsEx4_GetWriterStatusEx(b, index, out_arg(c, 1, &id1), out_arg(c, 2, &id2),
                                                          out_arg(c, 3, &name), out_arg(c, 4, &state),
                                                          out_arg(c, 5, &failure), out_arg(c, 6, &app_failure),
                                                          out_arg(c, 7, &message)));
        put_guid(c, 1, &id1);
        put_guid(c, 2, &id2);
        put_bstr(c, 3, name);
        put_u32(c, 4, state);
        put_u32(c, 5, failure);
        put_u32(c, 6, app_failure);
        put_bstr(c, 7, message);
        break;
    }
    case SVC_SetSelectedForRestore:
    case SVC_SetAdditionalRestores:
    case SVC_SetAuthoritativeRestore:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3);
        bool flag = arg_u32(c, 4);

        if (method == SVC_SetSelectedForRestore)
            RUN(IVssBackupComponentsEx4_SetSelectedForRestore(b, writer, type, path, name, flag));
        else if (method == SVC_SetAdditionalRestores)
            RUN(IVssBackupComponentsEx4_SetAdditionalRestores(b, writer, type, path, name, flag));
        else
            RUN(IVssBackupComponentsEx4_SetAuthoritativeRestore(b, writer, type, path, name, flag));
        break;
    }
    case SVC_SetBackupOptions:
    case SVC_SetRestoreOptions:
    case SVC_SetPreviousBackupStamp:
    case SVC_SetRestoreName:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3), *text = arg_wstr(c, 4);

        if (method == SVC_SetBackupOptions)
            RUN(IVssBackupComponentsEx4_SetBackupOptions(b, writer, type, path, name, text));
        else if (method == SVC_SetRestoreOptions)
            RUN(IVssBackupComponentsEx4_SetRestoreOptions(b, writer, type, path, name, text));
        else if (method == SVC_SetPreviousBackupStamp)
            RUN(IVssBackupComponentsEx4_SetPreviousBackupStamp(b, writer, type, path, name, text));
        else
            RUN(IVssBackupComponentsEx4_SetRestoreName(b, writer, type, path, name, text));
        break;
    }
    case SVC_SaveAsXML:
    {
        BSTR xml = CANARY;
        RUN(IVssBackupComponentsEx4_SaveAsXML(b, out_arg(c, 0, &xml)));
        put_bstr(c, 0, xml);
        break;
    }
    case SVC_AddAlternativeLocationMapping:
    case SVC_AddNewTarget:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3), *files = arg_wstr(c, 4), *spec = arg_wstr(c, 5);
        bool recursive = arg_u32(c, 6);
        WCHAR *destination = arg_wstr(c, 7);

        if (method == SVC_AddAlternativeLocationMapping)
            RUN(IVssBackupComponentsEx4_AddAlternativeLocationMapping(b, writer, type, path, name, files, spec,
                                                                     recursive, destination));
        else
            RUN(IVssBackupComponentsEx4_AddNewTarget(b, writer, type, path, name, files, spec, recursive,
                                                    destination));
        break;
    }
    case SVC_AddRestoreSubcomponent:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3), *sub_path = arg_wstr(c, 4), *sub_name = arg_wstr(c, 5);
        bool repair = arg_u32(c, 6);
        RUN(IVssBackupComponentsEx4_AddRestoreSubcomponent(b, writer, type, path, name, sub_path, sub_name, repair));
        break;
    }
    case SVC_SetFileRestoreStatus:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3);
        VSS_FILE_RESTORE_STATUS status = arg_u32(c, 4);
        RUN(IVssBackupComponentsEx4_SetFileRestoreStatus(b, writer, type, path, name, status));
        break;
    }
    case SVC_SetRangesFilePath:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3);
        UINT index = arg_u32(c, 4);
        WCHAR *ranges = arg_wstr(c, 5);
        RUN(IVssBackupComponentsEx4_SetRangesFilePath(b, writer, type, path, name, index, ranges));
        break;
    }
    case SVC_SetSelectedForRestoreEx:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3);
        bool selected = arg_u32(c, 4);
        GUID instance = arg_guid(c, 5);
        RUN(IVssBackupComponentsEx4_SetSelectedForRestoreEx(b, writer, type, path, name, selected, instance));
        break;
    }
    case SVC_SetRollForward:
    {
        GUID writer = arg_guid(c, 0);
        VSS_COMPONENT_TYPE type = arg_u32(c, 1);
        WCHAR *path = arg_wstr(c, 2), *name = arg_wstr(c, 3);
        VSS_ROLLFORWARD_TYPE roll = arg_u32(c, 4);
        WCHAR *point = arg_wstr(c, 5);
        RUN(IVssBackupComponentsEx4_SetRollForward(b, writer, type, path, name, roll, point));
        break;
    }
    case SVC_StartSnapshotSet:
        if (c->null_outs & 1) RUN(IVssBackupComponentsEx4_StartSnapshotSet(b, NULL));
        else RUN(start_snapshot_set(c->s, &id1));
        put_guid(c, 0, &id1);
        break;
    case SVC_AddToSnapshotSet:
    {
        WCHAR *volume = arg_wstr(c, 0);
        GUID provider = arg_guid(c, 1);
        RUN(IVssBackupComponentsEx4_AddToSnapshotSet(b, volume, provider, out_arg(c, 2, &id1)));
        put_guid(c, 2, &id1);
        break;
    }
    case SVC_DeleteSnapshots:
    {
        GUID id = arg_guid(c, 0);
        VSS_OBJECT_TYPE type = arg_u32(c, 1);
        BOOL force = arg_u32(c, 2);
        LONG deleted = (LONG)CANARY_U32;

        RUN(IVssBackupComponentsEx4_DeleteSnapshots(b, id, type, force, out_arg(c, 3, &deleted),
                                                    out_arg(c, 4, &id1)));
        put_u32(c, 3, (uint32_t)deleted);
        put_guid(c, 4, &id1);
        break;
    }
    case SVC_BreakSnapshotSet:
    case SVC_UnexposeSnapshot:
    {
        GUID id = arg_guid(c, 0);

        if (method == SVC_BreakSnapshotSet) RUN(IVssBackupComponentsEx4_BreakSnapshotSet(b, id));
        else RUN(IVssBackupComponentsEx4_UnexposeSnapshot(b, id));
        break;
    }
    case SVC_GetSnapshotProperties:
    {
        GUID id = arg_guid(c, 0);
        VSS_OBJECT_PROP prop;

        memset(&prop, 0, sizeof(prop));
        prop.Type = VSS_OBJECT_SNAPSHOT;
        RUN(IVssBackupComponentsEx4_GetSnapshotProperties(b, id, out_arg(c, 1, &prop.Obj.Snap)));
        if (SUCCEEDED(hr) && !(c->null_outs & 2))
        {
            wire_put_u32(c->out, ST_OUT + 1, 1);
            svc_put_record(c->out, ST_RECORD, &prop);
        }
        object_prop_clear(&prop);
        break;
    }
    case SVC_Query:
    {
        GUID id = arg_guid(c, 0);
        VSS_OBJECT_TYPE queried = arg_u32(c, 1), returned = arg_u32(c, 2);
        IVssEnumObject *enumerator = CANARY;

        RUN(IVssBackupComponentsEx4_Query(b, id, queried, returned, out_arg(c, 3, &enumerator)));
        hr = put_enum(c, 3, enumerator, hr);
        break;
    }
    case SVC_IsVolumeSupported:
    {
        GUID provider = arg_guid(c, 0);
        WCHAR *volume = arg_wstr(c, 1);
        BOOL supported = CANARY_U32;

        RUN(IVssBackupComponentsEx4_IsVolumeSupported(b, provider, volume, out_arg(c, 2, &supported)));
        put_u32(c, 2, supported);
        break;
    }
    case SVC_DisableWriterClasses:
    case SVC_EnableWriterClasses:
    case SVC_DisableWriterInstances:
    {
        UINT n = arg_u32(c, 1);

        if (!c->bad && svc_get_guids(c->in, ST_ARG + 0, n, &c->guids)) c->bad = 1;
        if (method == SVC_DisableWriterClasses) RUN(IVssBackupComponentsEx4_DisableWriterClasses(b, c->guids, n));
        else if (method == SVC_EnableWriterClasses) RUN(IVssBackupComponentsEx4_EnableWriterClasses(b, c->guids, n));
        else RUN(IVssBackupComponentsEx4_DisableWriterInstances(b, c->guids, n));
        break;
    }
    case SVC_ExposeSnapshot:
    {
        GUID id = arg_guid(c, 0);
        WCHAR *from_root = arg_wstr(c, 1);
        LONG attributes = (LONG)arg_u32(c, 2);
        WCHAR *expose = arg_wstr(c, 3), *exposed = CANARY;

        RUN(IVssBackupComponentsEx4_ExposeSnapshot(b, id, from_root, attributes, expose, out_arg(c, 4, &exposed)));
        put_cotaskmem_wstr(c, 4, exposed);
        break;
    }
    case SVC_RevertToSnapshot:
    {
        GUID id = arg_guid(c, 0);
        BOOL force = arg_u32(c, 1);
        RUN(IVssBackupComponentsEx4_RevertToSnapshot(b, id, force));
        break;
    }
    case SVC_QueryRevertStatus:
    {
        WCHAR *volume = arg_wstr(c, 0);
        RUN(IVssBackupComponentsEx4_QueryRevertStatus(b, volume, out_arg(c, 1, &async)));
        hr = put_async(c, 1, async, hr);
        break;
    }
    case SVC_BreakSnapshotSetEx:
    case SVC_PreFastRecovery:
    case SVC_FastRecovery:
    {
        GUID id = arg_guid(c, 0);
        DWORD flags = arg_u32(c, 1);

        if (method == SVC_BreakSnapshotSetEx)
            RUN(IVssBackupComponentsEx4_BreakSnapshotSetEx(b, id, flags, out_arg(c, 2, &async)));
        else if (method == SVC_PreFastRecovery)
            RUN(IVssBackupComponentsEx4_PreFastRecovery(b, id, flags, out_arg(c, 2, &async)));
        else
            RUN(IVssBackupComponentsEx4_FastRecovery(b, id, flags, out_arg(c, 2, &async)));
        hr = put_async(c, 2, async, hr);
        break;
    }
    case SVC_AddSnapshotToRecoverySet:
    {
        GUID id = arg_guid(c, 0);
        DWORD flags = arg_u32(c, 1);
        WCHAR *destination = arg_wstr(c, 2);
        RUN(IVssBackupComponentsEx4_AddSnapshotToRecoverySet(b, id, flags, destination));
        break;
    }
    case SVC_RecoverSet:
    {
        DWORD flags = arg_u32(c, 0);
        RUN(IVssBackupComponentsEx4_RecoverSet(b, flags, out_arg(c, 1, &async)));
        hr = put_async(c, 1, async, hr);
        break;
    }
    case SVC_GetSessionId:
        RUN(IVssBackupComponentsEx4_GetSessionId(b, out_arg(c, 0, &id1)));
        put_guid(c, 0, &id1);
        break;
    case SVC_GetRootAndLogicalPrefixPaths:
    {
        WCHAR *path = arg_wstr(c, 0), *root = CANARY, *prefix = CANARY;
        BOOL fqdn = arg_u32(c, 3);

        RUN(IVssBackupComponentsEx4_GetRootAndLogicalPrefixPaths(b, path, out_arg(c, 1, &root),
                                                                 out_arg(c, 2, &prefix), fqdn));
        put_cotaskmem_wstr(c, 1, root);
        put_cotaskmem_wstr(c, 2, prefix);
        break;
    }
    default:
        c->bad = 1;
        break;
    }
#undef RUN
    return hr;
}

/* --- calls of a management session ------------------------------------------------------- */

static HRESULT put_enum_mgmt(struct call *c, unsigned int pos, IVssEnumMgmtObject *enumerator, HRESULT hr)
{
    VSS_MGMT_OBJECT_PROP props[32];
    ULONG fetched = 0;
    HRESULT next;

    if ((void *)enumerator == CANARY) return hr;
    if (!enumerator)
    {
        svc_put_null(c->out, ST_OUT + pos);
        return hr;
    }
    wire_put_u32(c->out, ST_OUT + pos, 1);
    do
    {
        next = IVssEnumMgmtObject_Next(enumerator, ARRAYSIZE(props), props, &fetched);
        if (FAILED(next)) break;
        for (ULONG i = 0; i < fetched; i++)
        {
            svc_put_mgmt_record(c->out, ST_RECORD, &props[i]);
            mgmt_prop_clear(&props[i]);
        }
    } while (next == S_OK && fetched == ARRAYSIZE(props));
    IVssEnumMgmtObject_Release(enumerator);
    return FAILED(next) ? next : hr;
}

static LONGLONG arg_u64(struct call *c, unsigned int pos)
{
    uint64_t value = 0;

    if (wire_get_u64(c->in, ST_ARG + pos, &value)) c->bad = 1;
    return (LONGLONG)value;
}

static HRESULT run_mgmt_method(struct call *c, unsigned int method)
{
    IVssDifferentialSoftwareSnapshotMgmt3 *d = NULL;
    IVssEnumMgmtObject *list = CANARY;
    IVssSnapshotMgmt *m = c->s->mgmt;
    HRESULT hr = E_INVALIDARG;

#define RUN(expr) do { if (!c->bad) hr = (expr); } while (0)
    if (method >= SVC_AddDiffArea)
    {
        GUID provider;

        if (wire_get_guid(c->in, ST_PROVIDER, &provider))
        {
            c->bad = 1;
            return hr;
        }
        /* the same interface an in-process caller would be holding */
        if (FAILED(hr = IVssSnapshotMgmt_GetProviderMgmtInterface(m, provider,
                                                                  &IID_IVssDifferentialSoftwareSnapshotMgmt3,
                                                                  (IUnknown **)&d)))
            return hr;
    }
    switch (method)
    {
    case SVC_GetProviderMgmtInterface:
    {
        GUID provider = arg_guid(c, 0), iid = arg_guid(c, 1);
        IUnknown *object = NULL;

        RUN(IVssSnapshotMgmt_GetProviderMgmtInterface(m, provider, &iid, &object));
        if (object) IUnknown_Release(object);
        break;
    }
    case SVC_QueryVolumesSupportedForSnapshots:
    {
        GUID provider = arg_guid(c, 0);
        LONG context = (LONG)arg_u32(c, 1);

        RUN(IVssSnapshotMgmt_QueryVolumesSupportedForSnapshots(m, provider, context, out_arg(c, 2, &list)));
        hr = put_enum_mgmt(c, 2, list, hr);
        break;
    }
    case SVC_QuerySnapshotsByVolume:
    {
        WCHAR *volume = arg_wstr(c, 0);
        GUID provider = arg_guid(c, 1);
        IVssEnumObject *snapshots = CANARY;

        RUN(IVssSnapshotMgmt_QuerySnapshotsByVolume(m, volume, provider, out_arg(c, 2, &snapshots)));
        hr = put_enum(c, 2, snapshots, hr);
        break;
    }
    case SVC_AddDiffArea:
    case SVC_ChangeDiffAreaMaximumSize:
    case SVC_ChangeDiffAreaMaximumSizeEx:
    {
        WCHAR *volume = arg_wstr(c, 0), *diff_volume = arg_wstr(c, 1);
        LONGLONG max_space = arg_u64(c, 2);

        if (method == SVC_AddDiffArea)
            RUN(IVssDifferentialSoftwareSnapshotMgmt3_AddDiffArea(d, volume, diff_volume, max_space));
        else if (method == SVC_ChangeDiffAreaMaximumSize)
            RUN(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSize(d, volume, diff_volume, max_space));
        else
        {
            BOOL is_volatile = arg_u32(c, 3);

            RUN(IVssDifferentialSoftwareSnapshotMgmt3_ChangeDiffAreaMaximumSizeEx(d, volume, diff_volume, max_space,
                                                                                  is_volatile));
        }
        break;
    }
    case SVC_QueryVolumesSupportedForDiffAreas:
    case SVC_QueryDiffAreasForVolume:
    case SVC_QueryDiffAreasOnVolume:
    {
        WCHAR *volume = arg_wstr(c, 0);
        IVssEnumMgmtObject **out = out_arg(c, 1, &list);

        if (method == SVC_QueryVolumesSupportedForDiffAreas)
            RUN(IVssDifferentialSoftwareSnapshotMgmt3_QueryVolumesSupportedForDiffAreas(d, volume, out));
        else if (method == SVC_QueryDiffAreasForVolume)
            RUN(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForVolume(d, volume, out));
        else
            RUN(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasOnVolume(d, volume, out));
        hr = put_enum_mgmt(c, 1, list, hr);
        break;
    }
    case SVC_QueryDiffAreasForSnapshot:
    {
        GUID id = arg_guid(c, 0);

        RUN(IVssDifferentialSoftwareSnapshotMgmt3_QueryDiffAreasForSnapshot(d, id, out_arg(c, 1, &list)));
        hr = put_enum_mgmt(c, 1, list, hr);
        break;
    }
    case SVC_SetVolumeProtectLevel:
    {
        WCHAR *volume = arg_wstr(c, 0);
        uint32_t level = arg_u32(c, 1);

        RUN(IVssDifferentialSoftwareSnapshotMgmt3_SetVolumeProtectLevel(d, volume, level));
        break;
    }
    case SVC_GetVolumeProtectLevel:
    {
        WCHAR *volume = arg_wstr(c, 0);
        VSS_VOLUME_PROTECTION_INFO info;
        unsigned char bytes[24];
        uint32_t v[6];

        memset(&info, 0xa5, sizeof(info));
        RUN(IVssDifferentialSoftwareSnapshotMgmt3_GetVolumeProtectLevel(d, volume, out_arg(c, 1, &info)));
        if (!c->bad && SUCCEEDED(hr) && !(c->null_outs & 2))
        {
            v[0] = info.m_protectionLevel;
            v[1] = info.m_volumeIsOfflineForProtection;
            v[2] = info.m_protectionFault;
            v[3] = (uint32_t)info.m_failureStatus;
            v[4] = info.m_volumeHasUnusedDiffArea;
            v[5] = info.m_reserved;
            for (unsigned int i = 0; i < 24; i++) bytes[i] = (unsigned char)(v[i / 4] >> (8 * (i % 4)));
            wire_put_bytes(c->out, ST_OUT + 1, bytes, sizeof(bytes));
        }
        break;
    }
    case SVC_ClearVolumeProtectFault:
        RUN(IVssDifferentialSoftwareSnapshotMgmt3_ClearVolumeProtectFault(d, arg_wstr(c, 0)));
        break;
    case SVC_DeleteUnusedDiffAreas:
        RUN(IVssDifferentialSoftwareSnapshotMgmt3_DeleteUnusedDiffAreas(d, arg_wstr(c, 0)));
        break;
    default:
        c->bad = 1;
        break;
    }
#undef RUN
    if (d) IVssDifferentialSoftwareSnapshotMgmt3_Release(d);
    return hr;
}

static int handle_call(struct session *s, const struct wire_msg *msg)
{
    struct wire_builder out;
    struct call c;
    uint32_t method = 0;
    HRESULT hr;
    int ret;

    if (!s->backup && !s->mgmt) return refuse(s, msg->request_id, VSS_E_BAD_STATE, "a call outside a session");
    if (wire_get_u32(msg, ST_METHOD, &method)
        || (s->backup && (method < SVC_GetWriterComponentsCount || method >= SVC_METHOD_END))
        || (s->mgmt && (method < SVC_MGMT_FIRST || method >= SVC_MGMT_END)))
        return refuse(s, msg->request_id, E_INVALIDARG, "a call without a method");
    TRACE("pid %d: %s\n", (int)s->peer->pid, svc_method_name(method));
    if (svc_method_needs_admin(method) && !s->peer->admin)
    {
        WARN("pid %d (uid %u): %s needs root\n", (int)s->peer->pid, (unsigned int)s->peer->uid,
             svc_method_name(method));
        return send_reply(s, WIRE_SVC_CALL | WIRE_REPLY, msg->request_id, E_ACCESSDENIED, NULL);
    }

    memset(&c, 0, sizeof(c));
    c.s = s;
    c.in = msg;
    c.out = &out;
    if (wire_get_u32(msg, ST_NULL_OUTS, &c.null_outs) == -EBADMSG) c.bad = 1;
    wire_builder_init(&out, WIRE_SVC_CALL | WIRE_REPLY, msg->request_id, 0);
    hr = s->mgmt ? run_mgmt_method(&c, method) : run_method(&c, method);

    for (unsigned int i = 0; i < SVC_MAX_PARAMS; i++) free(c.strings[i]);
    SysFreeString(c.bstr);
    free(c.guids);
    if (c.bad)
    {
        wire_builder_free(&out);
        return refuse(s, msg->request_id, E_INVALIDARG, "a call with malformed arguments");
    }
    svc_set_status(&out, hr);
    if (out.error)
    {
        /* the results do not fit (or a string was not Unicode): say so instead */
        WARN("pid %d: the results of %s cannot be sent: %s\n", (int)s->peer->pid, svc_method_name(method),
             strerror(-out.error));
        wire_builder_free(&out);
        return send_reply(s, WIRE_SVC_CALL | WIRE_REPLY, msg->request_id,
                          out.error == -ENOMEM ? E_OUTOFMEMORY : VSS_E_UNEXPECTED, NULL);
    }
    ret = send_reply(s, WIRE_SVC_CALL | WIRE_REPLY, msg->request_id, hr, &out);
    return ret;
}

static int handle_hello(struct session *s, const struct wire_msg *msg)
{
    IVssBackupComponents *backup = NULL;
    uint32_t version = 0, pid = 0, wait = 0, kind = SVC_SESSION_BACKUP;
    HRESULT hr;

    if (s->hello) return refuse(s, msg->request_id, VSS_E_BAD_STATE, "a second hello");
    if (wire_get_u32(msg, ST_PROTOCOL, &version) || version != SVC_PROTOCOL_VERSION)
        return refuse(s, msg->request_id, E_INVALIDARG, "a hello in another protocol version");
    wire_get_u32(msg, ST_PID, &pid);
    if (!wire_get_u32(msg, ST_WAIT_FOR_SET, &wait))
        s->wait_for_set = wait > CONFIG_MAX_WAIT_FOR_SET ? CONFIG_MAX_WAIT_FOR_SET : wait;
    s->hello = 1;
    if (!s->peer->allowed)
    {
        WARN("pid %d (uid %u) is neither root nor in the backup group: access denied\n", (int)s->peer->pid,
             (unsigned int)s->peer->uid);
        send_reply(s, WIRE_SVC_HELLO | WIRE_REPLY, msg->request_id, E_ACCESSDENIED, NULL);
        return -EACCES;
    }
    if (wire_get_u32(msg, ST_SESSION, &kind) == -EBADMSG || (kind != SVC_SESSION_BACKUP && kind != SVC_SESSION_MGMT))
        return refuse(s, msg->request_id, E_INVALIDARG, "a hello for an unknown kind of session");
    if (kind == SVC_SESSION_MGMT)
        hr = mgmt_create_embedded(&IID_IVssSnapshotMgmt, (void **)&s->mgmt);
    else if (SUCCEEDED(hr = backup_create_embedded(&backup)))
    {
        hr = IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&s->backup);
        IVssBackupComponents_Release(backup);
    }
    TRACE("session of pid %d (uid %u, says pid %u): %s\n", (int)s->peer->pid, (unsigned int)s->peer->uid, pid,
          debugstr_hr(hr));
    if (send_reply(s, WIRE_SVC_HELLO | WIRE_REPLY, msg->request_id, hr, NULL)) return -EPIPE;
    return SUCCEEDED(hr) ? 0 : -ENOMEM;
}

static int handle_async(struct session *s, const struct wire_msg *msg)
{
    struct session_async *a;
    struct wire_builder out;
    uint32_t id = 0, op = 0, timeout = 0;
    HRESULT hr, status = E_FAIL;

    if (!s->hello || wire_get_u32(msg, ST_ASYNC_ID, &id) || !(a = find_async(s, id)) || a->released)
        return refuse(s, msg->request_id, VSS_E_BAD_STATE, "an operation that is not this session's");
    if (wire_get_u32(msg, ST_ASYNC_OP, &op)) return refuse(s, msg->request_id, E_INVALIDARG, "no operation");

    wire_builder_init(&out, WIRE_SVC_ASYNC | WIRE_REPLY, msg->request_id, 0);
    switch (op)
    {
    case SVC_ASYNC_WAIT:
        if (wire_get_u32(msg, ST_TIMEOUT, &timeout)) timeout = SVC_WAIT_SLICE_MS;
        hr = IVssAsync_Wait(a->async, timeout < SVC_WAIT_SLICE_MS ? timeout : SVC_WAIT_SLICE_MS);
        /* and how it stands, which saves the requester a round trip */
        if (SUCCEEDED(hr) && SUCCEEDED(IVssAsync_QueryStatus(a->async, &status, NULL)))
            wire_put_u32(&out, ST_ASYNC_STATUS, (uint32_t)status);
        break;
    case SVC_ASYNC_STATUS:
        if (SUCCEEDED(hr = IVssAsync_QueryStatus(a->async, &status, NULL)))
            wire_put_u32(&out, ST_ASYNC_STATUS, (uint32_t)status);
        break;
    case SVC_ASYNC_CANCEL:
        hr = IVssAsync_Cancel(a->async);
        break;
    case SVC_ASYNC_RELEASE:
        /* releasing early does not stop the work: the session waits for it at its end */
        a->released = 1;
        hr = S_OK;
        break;
    default:
        wire_builder_free(&out);
        return refuse(s, msg->request_id, E_INVALIDARG, "an unknown operation on an IVssAsync");
    }
    svc_set_status(&out, hr);
    return send_reply(s, WIRE_SVC_ASYNC | WIRE_REPLY, msg->request_id, hr, &out);
}

static int handle_release(struct session *s, const struct wire_msg *msg)
{
    if (!s->backup && !s->mgmt) return refuse(s, msg->request_id, VSS_E_BAD_STATE, "a release outside a session");
    TRACE("pid %d released its object\n", (int)s->peer->pid);
    if (s->mgmt) IVssSnapshotMgmt_Release(s->mgmt);
    s->mgmt = NULL;
    if (s->backup) IVssBackupComponentsEx4_Release(s->backup);
    s->backup = NULL;
    s->released = 1;
    return send_reply(s, WIRE_SVC_RELEASE | WIRE_REPLY, msg->request_id, S_OK, NULL);
}

/* The end of a session (see the top of the file). */
static void session_end(struct session *s)
{
    struct session_async *a, *next;

    if (!s->released && s->backup)
        WARN("pid %d (uid %u) went away without releasing its object: cleaning up after it\n",
             (int)s->peer->pid, (unsigned int)s->peer->uid);
    for (a = s->asyncs; a; a = a->next)
        if (!s->released && !a->released) IVssAsync_Cancel(a->async);
    for (a = s->asyncs; a; a = next)
    {
        next = a->next;
        IVssAsync_Wait(a->async, INFINITE);
        IVssAsync_Release(a->async);
        free(a);
    }
    s->asyncs = NULL;
    if (s->backup) IVssBackupComponentsEx4_Release(s->backup);
    s->backup = NULL;
    /* a management object holds nothing that outlives its calls */
    if (s->mgmt) IVssSnapshotMgmt_Release(s->mgmt);
    s->mgmt = NULL;
}

enum umbra_service_end umbra_service_serve(int fd, const struct umbra_service_peer *peer)
{
    int64_t hello_deadline = transport_now_ms() + SVC_HELLO_WAIT_MS;
    enum umbra_service_end end = UMBRA_SERVICE_NO_SESSION;
    struct session s;

    memset(&s, 0, sizeof(s));
    s.fd = fd;
    s.peer = peer;
    for (;;)
    {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        struct wire_msg msg;
        void *body = NULL;
        size_t len;
        int ret, timeout = -1;

        if (!s.hello)
        {
            int64_t left = hello_deadline - transport_now_ms();
            timeout = left > 0 ? (int)left : 0;
        }
        ret = poll(&pfd, 1, timeout);
        if (ret < 0 && errno == EINTR) continue;
        if (ret < 0) break;
        if (!ret)
        {
            WARN("pid %d said no hello in time\n", (int)peer->pid);
            break;
        }
        if ((ret = transport_recv_frame(fd, &body, &len, SVC_FRAME_TIMEOUT_MS)))
        {
            if (ret != -ECONNRESET)
            {
                WARN("connection of pid %d: %s\n", (int)peer->pid,
                     ret == -EMSGSIZE ? "a frame past the size limit" : ret == -ETIMEDOUT ? "a frame stalled"
                     : ret == -EPIPE ? "a truncated frame" : strerror(-ret));
                if (!s.backup && !s.mgmt && !s.released) end = UMBRA_SERVICE_REFUSED;
            }
            break;
        }
        if ((ret = wire_decode(body, len, &msg)))
        {
            free(body);
            refuse(&s, 0, E_INVALIDARG, "a message that does not decode");
            end = UMBRA_SERVICE_REFUSED;
            break;
        }
        if (msg.type & WIRE_REPLY) ret = refuse(&s, msg.request_id, E_INVALIDARG, "a reply sent to the service");
        else if (!s.hello && msg.type != WIRE_SVC_HELLO)
            ret = refuse(&s, msg.request_id, VSS_E_BAD_STATE, "a request before the hello");
        else switch (msg.type)
        {
        case WIRE_SVC_HELLO: ret = handle_hello(&s, &msg); break;
        case WIRE_SVC_CALL: ret = handle_call(&s, &msg); break;
        case WIRE_SVC_ASYNC: ret = handle_async(&s, &msg); break;
        case WIRE_SVC_RELEASE: ret = handle_release(&s, &msg); break;
        default: ret = refuse(&s, msg.request_id, E_INVALIDARG, "an unknown message type"); break;
        }
        wire_msg_clear(&msg);
        free(body);
        if (ret)
        {
            end = ret == -EACCES ? UMBRA_SERVICE_DENIED : ret == -EPROTO ? UMBRA_SERVICE_REFUSED : end;
            break;
        }
    }
    if (end == UMBRA_SERVICE_NO_SESSION && s.released) end = UMBRA_SERVICE_RELEASED;
    else if (end == UMBRA_SERVICE_NO_SESSION && s.backup) end = UMBRA_SERVICE_ABANDONED;
    /* closing the connection is how a management proxy lets go */
    else if (end == UMBRA_SERVICE_NO_SESSION && s.mgmt) end = UMBRA_SERVICE_RELEASED;
    session_end(&s);
    return end;
}
