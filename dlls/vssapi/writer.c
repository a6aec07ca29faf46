/*
 * writer.c: IVssWriterImpl, the writer core behind CreateWriter, CreateWriterEx
 * and UmbraCreateWriter (VSS-SIGNATURES.md §3.11, §4; include/vswriter_c.h).
 *
 * The object holds what Initialize fixed (ids, names, level, freeze timeout),
 * the writer's handlers as a C callback table (the C++ classes fill it with
 * trampolines, C writers with their own functions), and what the event in
 * progress says (volumes, snapshot set, backup type ...) for the protected
 * CVssWriter helpers.  Subscribe hands it to writer_server.c, which owns the
 * socket, the writer state and the freeze timer and calls back into
 * writer_handle_event() on its worker thread, one event at a time.
 *
 * The XML document objects a handler receives (IVssCreateWriterMetadata for
 * Identify, IVssWriterComponents for the events that carry the backup
 * components document) are made and saved in one section, "documents", below.
 */
#define COBJMACROS
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsserror.h>
#include "umbra/debug.h"
#include "wire.h"
#include "components.h"
#include "create_metadata.h"
#include "examine.h"
#include "wmd.h"
#include "writer_server.h"
#include "wstr.h"

#define MAX_NAME_CHARS 1024     /* longer writer or instance names are refused [U] */

struct writer
{
    IVssWriterImpl IVssWriterImpl_iface;
    LONG refcount;
    bool ex;                            /* CreateWriterEx: Identify gets the Ex metadata */
    void *cxx_writer;                   /* the CVssWriter given to CreateWriter(Ex) */

    pthread_mutex_t lock;               /* everything below */
    UMBRA_WRITER_CALLBACKS callbacks;
    void *context;
    bool have_callbacks;
    bool initialized;
    bool shutting_down;
    struct writer_info info;
    char *name;
    char *instance_name;
    struct writer_server *server;       /* while subscribed */
    struct writer *next_subscribed;     /* the registry */

    /* the event being handled, and what the last backup event said */
    enum wire_type event;               /* 0 outside a handler */
    GUID session_id;
    GUID snapshot_set_id;
    LONG snapshot_context;
    VSS_BACKUP_TYPE backup_type;
    VSS_RESTORE_TYPE restore_type;
    uint32_t flags;
    VSS_APPLICATION_LEVEL current_level;
    UINT volume_count;
    WCHAR **volumes;
    LPCWSTR *volume_array;              /* what GetCurrentVolumeArray returns */
    char **volume_names;                /* UTF-8 names and roots for path matching */
    char **volume_roots;
    WCHAR **devices;
    char *wmd;                          /* the writer's last WMD, for GetIdentityInformation */
};

static inline struct writer *impl_from_IVssWriterImpl(IVssWriterImpl *iface)
{
    return CONTAINING_RECORD(iface, struct writer, IVssWriterImpl_iface);
}

/* --- the process-wide registry of subscribed writers ------------------------- */

/* The only global state of the writer side: which (class id, instance name)
 * pairs are subscribed in this process, for VSS_E_WRITER_ALREADY_SUBSCRIBED. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct writer *registry;

static bool same_instance_name(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

/* registry_lock held */
static struct writer *registry_find(const GUID *class_id, const char *instance_name)
{
    for (struct writer *w = registry; w; w = w->next_subscribed)
        if (IsEqualGUID(&w->info.class_id, class_id) && same_instance_name(w->info.instance_name, instance_name))
            return w;
    return NULL;
}

static int registry_claim(struct writer *writer)
{
    int ret = 0;

    pthread_mutex_lock(&registry_lock);
    if (registry_find(&writer->info.class_id, writer->info.instance_name)) ret = -EEXIST;
    else
    {
        writer->next_subscribed = registry;
        registry = writer;
    }
    pthread_mutex_unlock(&registry_lock);
    return ret;
}

static void registry_release(struct writer *writer)
{
    pthread_mutex_lock(&registry_lock);
    for (struct writer **p = &registry; *p; p = &(*p)->next_subscribed)
        if (*p == writer)
        {
            *p = writer->next_subscribed;
            break;
        }
    writer->next_subscribed = NULL;
    pthread_mutex_unlock(&registry_lock);
}

/* --- the event context ---------------------------------------------------------- */

/* lock held */
static void clear_volumes(struct writer *w)
{
    for (UINT i = 0; i < w->volume_count; i++)
    {
        free(w->volumes[i]);
        free(w->devices[i]);
        free(w->volume_names[i]);
        free(w->volume_roots[i]);
    }
    free(w->volumes);
    free(w->volume_array);
    free(w->devices);
    free(w->volume_names);
    free(w->volume_roots);
    w->volumes = w->devices = NULL;
    w->volume_array = NULL;
    w->volume_names = w->volume_roots = NULL;
    w->volume_count = 0;
}

/* Path text for matching: '\' becomes '/', repeated and trailing separators go
 * (a lone "/" stays).  Returns a malloc'd copy. */
static char *normalise_path(const char *path)
{
    char *out = malloc(strlen(path) + 1), *o = out;

    if (!out) return NULL;
    for (const char *p = path; *p; p++)
    {
        char c = *p == '\\' ? '/' : *p;
        if (c == '/' && o > out && o[-1] == '/') continue;
        *o++ = c;
    }
    while (o > out + 1 && o[-1] == '/') o--;
    *o = 0;
    return out;
}

/* lock held; keeps the old context when memory runs out */
static void set_volumes(struct writer *w, const struct writer_event *ev)
{
    UINT n = ev->volume_count;
    WCHAR **volumes = calloc(n + 1, sizeof(*volumes)), **devices = calloc(n + 1, sizeof(*devices));
    char **names = calloc(n + 1, sizeof(*names)), **roots = calloc(n + 1, sizeof(*roots));
    LPCWSTR *array = calloc(n + 1, sizeof(*array));
    bool ok = volumes && devices && names && roots && array;

    for (UINT i = 0; ok && i < n; i++)
    {
        ok = !wstr_from_utf8(ev->volumes[i], &volumes[i]) && !wstr_from_utf8(ev->devices[i], &devices[i])
             && (names[i] = normalise_path(ev->volumes[i])) && (roots[i] = normalise_path(ev->roots[i]));
        array[i] = volumes[i];
    }
    if (!ok)
    {
        ERR("out of memory keeping the volumes of the snapshot set\n");
        for (UINT i = 0; i < n && volumes && devices && names && roots; i++)
        {
            free(volumes[i]);
            free(devices[i]);
            free(names[i]);
            free(roots[i]);
        }
        free(volumes);
        free(devices);
        free(names);
        free(roots);
        free(array);
        return;
    }
    clear_volumes(w);
    w->volume_count = n;
    w->volumes = volumes;
    w->devices = devices;
    w->volume_names = names;
    w->volume_roots = roots;
    w->volume_array = array;
}

/* Take what a backup or restore event says about its snapshot set; Identify
 * and the writer's own clean-up (no session) leave the last context alone. */
static void update_context(struct writer *w, const struct writer_event *ev)
{
    pthread_mutex_lock(&w->lock);
    w->event = ev->type;
    w->current_level = ev->level == (uint32_t)-1 ? (VSS_APPLICATION_LEVEL)w->info.level
                                                  : (VSS_APPLICATION_LEVEL)(int32_t)ev->level;
    /* every event names its requester's session (GetSessionId, also in OnIdentify) */
    if (!IsEqualGUID(&ev->session_id, &GUID_NULL)) w->session_id = ev->session_id;
    if (ev->type != WIRE_IDENTIFY && !IsEqualGUID(&ev->session_id, &GUID_NULL))
    {
        w->snapshot_set_id = ev->snapshot_set_id;
        w->snapshot_context = ev->context;
        w->backup_type = ev->backup_type;
        w->restore_type = ev->restore_type;
        w->flags = ev->flags;
        set_volumes(w, ev);
    }
    pthread_mutex_unlock(&w->lock);
}

/* --- documents ------------------------------------------------------------------ */
/*
 * The one place that knows the XML document objects: the metadata a writer
 * fills in during Identify (create_metadata.c), its part of the backup
 * components document for the other events (components.c), and its own WMD
 * read back for GetIdentityInformation (examine.c).
 */

static HRESULT metadata_new(const struct writer *w, IVssCreateWriterMetadataEx **out)
{
    struct wmd_identity id;

    memset(&id, 0, sizeof(id));
    id.writer_id = w->info.class_id;
    id.instance_id = w->info.instance_id;
    id.instance_name = w->info.instance_name;
    id.friendly_name = w->info.name;
    id.usage = w->info.usage;
    id.source = w->info.source;
    id.major_version = w->info.version_major;
    id.minor_version = w->info.version_minor;
    return create_metadata_new(&id, out);
}

static int metadata_save(IVssCreateWriterMetadataEx *metadata, char **wmd)
{
    size_t len;

    return create_metadata_save_utf8(metadata, wmd, &len);
}

/* This writer's part of the document the requester sent (NULL text: none). */
static HRESULT writer_components_new(const struct writer *w, const char *bcd, enum wire_type event,
                                     IVssWriterComponentsExt **out)
{
    enum components_mode mode = event == WIRE_PRE_RESTORE || event == WIRE_POST_RESTORE
                                ? COMPONENTS_RESTORE : COMPONENTS_BACKUP;

    *out = NULL;
    if (!bcd) return S_OK;
    return components_from_utf8(bcd, strlen(bcd), &w->info.instance_id, &w->info.class_id, mode, out);
}

static int writer_components_save(IVssWriterComponentsExt *components, char **xml)
{
    size_t len;

    *xml = NULL;
    if (!components) return 0;
    return components_save_utf8(components, xml, &len);
}

/* The WMD as IVssExamineWriterMetadata (a new reference), or NULL. */
static IVssExamineWriterMetadata *identity_examine(const char *text)
{
    IVssExamineWriterMetadataEx2 *examine = NULL;
    struct wmd *wmd;
    int ret;

    if ((ret = wmd_load_utf8(text, strlen(text), &wmd)))
    {
        ERR("cannot read back the writer's own metadata (%d)\n", ret);
        return NULL;
    }
    if (FAILED(examine_create(wmd, &examine))) examine = NULL;
    wmd_release(wmd);
    return (IVssExamineWriterMetadata *)examine;
}

/* --- running the handlers ----------------------------------------------------- */

static bool run_identify(struct writer *w, const UMBRA_WRITER_CALLBACKS *cb, void *ctx, char **document)
{
    IVssCreateWriterMetadataEx *metadata;
    char *wmd = NULL;
    bool ok = true;
    HRESULT hr;
    int ret;

    if (FAILED(hr = metadata_new(w, &metadata)))
    {
        ERR("%s: cannot make the metadata object (%#x)\n", w->info.name, (unsigned int)hr);
        return false;
    }
    /* one object serves both: IVssCreateWriterMetadataEx begins with IVssCreateWriterMetadata */
    if (cb->OnIdentifyEx) ok = cb->OnIdentifyEx(ctx, metadata);
    else if (cb->OnIdentify) ok = cb->OnIdentify(ctx, (IVssCreateWriterMetadata *)metadata);
    if (ok && (ret = metadata_save(metadata, &wmd)))
    {
        ERR("%s: cannot save the writer metadata (%d)\n", w->info.name, ret);
        ok = false;
    }
    IVssCreateWriterMetadataEx_Release(metadata);
    if (ok)
    {
        pthread_mutex_lock(&w->lock);
        free(w->wmd);
        w->wmd = strdup(wmd);
        pthread_mutex_unlock(&w->lock);
        *document = wmd;
    }
    else free(wmd);
    return ok;
}

static bool run_with_components(struct writer *w, const struct writer_event *ev,
                                bool (*handler)(void *, IVssWriterComponents *), void *ctx, char **document)
{
    IVssWriterComponentsExt *components;
    bool ok = true;
    HRESULT hr;
    int ret;

    if (FAILED(hr = writer_components_new(w, ev->bcd, ev->type, &components)))
    {
        WARN("%s: the backup components document is unusable (%#x)\n", w->info.name, (unsigned int)hr);
        return false;
    }
    /* the object begins with the IVssWriterComponents vtable (components.h) */
    if (handler) ok = handler(ctx, (IVssWriterComponents *)components);
    if ((ret = writer_components_save(components, document)))
        ERR("%s: cannot save the writer's components (%d)\n", w->info.name, ret);
    if (components) IVssWriterComponentsExt_Release(components);
    return ok;
}

static bool run_io_event(bool (*handler)(void *, VSS_PWSZ, VSS_ID, VSS_ID), void *ctx,
                         const struct writer_event *ev)
{
    WCHAR *volume = NULL;
    bool ok;

    if (!handler) return true;
    if (wstr_from_utf8(ev->io_volume, &volume)) return false;
    ok = handler(ctx, volume, ev->io_snapshot_id, ev->io_provider_id);
    free(volume);
    return ok;
}

static bool writer_handle_event(void *obj, const struct writer_event *ev, char **document)
{
    struct writer *w = obj;
    const UMBRA_WRITER_CALLBACKS *cb = &w->callbacks;   /* fixed while subscribed */
    void *ctx = w->context;
    bool ok = true;

    *document = NULL;
    update_context(w, ev);
    switch (ev->type)
    {
    case WIRE_IDENTIFY: ok = run_identify(w, cb, ctx, document); break;
    case WIRE_PREPARE_BACKUP: ok = run_with_components(w, ev, cb->OnPrepareBackup, ctx, document); break;
    case WIRE_PREPARE_SNAPSHOT: ok = cb->OnPrepareSnapshot(ctx); break;
    case WIRE_FREEZE: ok = cb->OnFreeze(ctx); break;
    case WIRE_THAW: ok = cb->OnThaw(ctx); break;
    case WIRE_POST_SNAPSHOT: ok = run_with_components(w, ev, cb->OnPostSnapshot, ctx, document); break;
    case WIRE_ABORT: ok = cb->OnAbort(ctx); break;
    case WIRE_BACKUP_COMPLETE: ok = run_with_components(w, ev, cb->OnBackupComplete, ctx, document); break;
    case WIRE_BACKUP_SHUTDOWN: ok = !cb->OnBackupShutdown || cb->OnBackupShutdown(ctx, ev->snapshot_set_id); break;
    case WIRE_PRE_RESTORE: ok = run_with_components(w, ev, cb->OnPreRestore, ctx, document); break;
    case WIRE_POST_RESTORE: ok = run_with_components(w, ev, cb->OnPostRestore, ctx, document); break;
    case WIRE_BACKOFF_IO: ok = run_io_event(cb->OnBackOffIOOnVolume, ctx, ev); break;
    case WIRE_CONTINUE_IO: ok = run_io_event(cb->OnContinueIOOnVolume, ctx, ev); break;
    case WIRE_VSS_SHUTDOWN:
        pthread_mutex_lock(&w->lock);
        w->shutting_down = true;
        pthread_mutex_unlock(&w->lock);
        ok = !cb->OnVSSShutdown || cb->OnVSSShutdown(ctx);
        break;
    case WIRE_APP_STARTUP: ok = !cb->OnVSSApplicationStartup || cb->OnVSSApplicationStartup(ctx); break;
    default: ok = false; break;
    }
    pthread_mutex_lock(&w->lock);
    w->event = 0;
    pthread_mutex_unlock(&w->lock);
    return ok;
}

static const struct writer_server_ops writer_server_ops = { writer_handle_event };

/* --- IVssWriterImpl ------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE writer_QueryInterface(IVssWriterImpl *iface, REFIID riid, void **out)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);

    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);
    if (!out) return E_POINTER;
    /* IVssWriterImpl has no IID of its own: __uuidof gives GUID_NULL */
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssWriterImpl))
    {
        *out = &w->IVssWriterImpl_iface;
        IVssWriterImpl_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE writer_AddRef(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    ULONG ref = __atomic_add_fetch(&w->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, ref);
    return ref;
}

static void writer_unsubscribe(struct writer *w);
static void writer_uninitialize(struct writer *w);

static ULONG STDMETHODCALLTYPE writer_Release(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    ULONG ref = __atomic_sub_fetch(&w->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, ref);
    if (!ref)
    {
        writer_uninitialize(w);
        if (w->server)
        {
            /* released from inside its own handler: the server still runs on
             * this object, so it must outlive this call (a leak, not a crash) */
            ERR("%s: writer released from its own event handler\n", w->info.name);
            return 0;
        }
        pthread_mutex_destroy(&w->lock);
        free(w);
    }
    return ref;
}

static bool valid_level(VSS_APPLICATION_LEVEL level)
{
    return level == VSS_APP_SYSTEM || level == VSS_APP_BACK_END || level == VSS_APP_FRONT_END
           || level == VSS_APP_SYSTEM_RM || level == VSS_APP_AUTO;
}

static void random_guid(GUID *id)
{
    size_t got = 0;

    while (got < sizeof(*id))
    {
        ssize_t n = getrandom((char *)id + got, sizeof(*id) - got, 0);
        if (n > 0) got += n;
        else if (errno != EINTR) break;
    }
    /* RFC 4122 version 4 */
    id->Data3 = (id->Data3 & 0x0fff) | 0x4000;
    id->Data4[0] = (id->Data4[0] & 0x3f) | 0x80;
}

static HRESULT STDMETHODCALLTYPE writer_Initialize(IVssWriterImpl *iface, VSS_ID writer_id, LPCWSTR name,
                                                   LPCWSTR instance_name, DWORD major, DWORD minor,
                                                   VSS_USAGE_TYPE usage, VSS_SOURCE_TYPE source,
                                                   VSS_APPLICATION_LEVEL level, DWORD freeze_timeout,
                                                   VSS_ALTERNATE_WRITER_STATE aws, bool io_throttling_only)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    char *uname = NULL, *uinstance = NULL;
    HRESULT hr = S_OK;

    TRACE("%p, %s, %s, %s, %u.%u, %d, %d, %d, %u, %d, %d\n", iface, debugstr_guid(&writer_id),
          debugstr_w(name), debugstr_w(instance_name), major, minor, usage, source, level, freeze_timeout,
          aws, io_throttling_only);

    if (IsEqualGUID(&writer_id, &GUID_NULL) || !name || !*name || wcslen(name) > MAX_NAME_CHARS
        || (instance_name && wcslen(instance_name) > MAX_NAME_CHARS)
        || usage < VSS_UT_UNDEFINED || usage > VSS_UT_OTHER || source < VSS_ST_UNDEFINED
        || source > VSS_ST_OTHER || !valid_level(level) || !freeze_timeout
        /* the only value Microsoft supports (VSS_ALTERNATE_WRITER_STATE page) */
        || aws != VSS_AWS_NO_ALTERNATE_WRITER)
        return E_INVALIDARG;
    if (wstr_to_utf8(name, &uname) || wstr_to_utf8(instance_name, &uinstance))
    {
        hr = E_INVALIDARG;
        goto done;
    }

    pthread_mutex_lock(&w->lock);
    if (w->server) hr = VSS_E_WRITER_ALREADY_SUBSCRIBED;
    pthread_mutex_unlock(&w->lock);
    if (hr != S_OK) goto done;
    pthread_mutex_lock(&registry_lock);
    if (registry_find(&writer_id, uinstance)) hr = VSS_E_WRITER_ALREADY_SUBSCRIBED;
    pthread_mutex_unlock(&registry_lock);
    if (hr != S_OK) goto done;

    pthread_mutex_lock(&w->lock);
    free(w->name);
    free(w->instance_name);
    w->name = uname;
    w->instance_name = uinstance;
    uname = uinstance = NULL;
    memset(&w->info, 0, sizeof(w->info));
    w->info.class_id = writer_id;
    random_guid(&w->info.instance_id);
    w->info.name = w->name;
    w->info.instance_name = w->instance_name;
    w->info.usage = usage;
    w->info.source = source;
    w->info.level = (uint32_t)level;
    w->info.freeze_timeout_ms = freeze_timeout;
    w->info.version_major = major;
    w->info.version_minor = minor;
    w->current_level = level;
    w->initialized = true;
    w->shutting_down = false;
    (void)io_throttling_only;   /* reserved (CVssWriter::Initialize page); the mask says what is wanted */
    pthread_mutex_unlock(&w->lock);

done:
    free(uname);
    free(uinstance);
    return hr;
}

static HRESULT STDMETHODCALLTYPE writer_Subscribe(IVssWriterImpl *iface, DWORD timeout, DWORD flags)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    struct writer_server *server;
    struct writer_info info;
    HRESULT hr = S_OK;
    int ret;

    TRACE("%p, %u, %#x\n", iface, timeout, flags);
    pthread_mutex_lock(&w->lock);
    if (!w->initialized || !w->have_callbacks) hr = VSS_E_BAD_STATE;
    else if (w->server) hr = VSS_E_WRITER_ALREADY_SUBSCRIBED;
    w->info.event_mask = flags;
    info = w->info;
    pthread_mutex_unlock(&w->lock);
    if (hr != S_OK) return hr;

    if (registry_claim(w)) return VSS_E_WRITER_ALREADY_SUBSCRIBED;
    /* the core is single-threaded per writer: handlers run one at a time on the
     * server's worker, so w->callbacks and w->info are not written while it runs */
    ret = writer_server_start(&info, &writer_server_ops, w, &server);
    if (ret)
    {
        registry_release(w);
        if (ret == -EADDRINUSE) return VSS_E_WRITER_ALREADY_SUBSCRIBED;
        if (ret == -ENOMEM) return E_OUTOFMEMORY;
        if (ret == -EACCES || ret == -EPERM) return E_ACCESSDENIED;
        return VSS_E_UNEXPECTED;
    }
    pthread_mutex_lock(&w->lock);
    w->server = server;
    w->shutting_down = false;
    pthread_mutex_unlock(&w->lock);
    return S_OK;
}

static void writer_unsubscribe(struct writer *w)
{
    struct writer_server *server;

    pthread_mutex_lock(&w->lock);
    server = w->server;
    if (server) w->shutting_down = true;
    pthread_mutex_unlock(&w->lock);
    if (!server) return;
    if (writer_server_stop(server))
    {
        /* from inside a handler: the worker cannot wait for itself */
        ERR("%s: Unsubscribe from an event handler is not possible\n", w->info.name);
        return;
    }
    pthread_mutex_lock(&w->lock);
    w->server = NULL;
    pthread_mutex_unlock(&w->lock);
    registry_release(w);
}

static HRESULT STDMETHODCALLTYPE writer_Unsubscribe(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    HRESULT hr = S_OK;

    TRACE("%p\n", iface);
    writer_unsubscribe(w);
    pthread_mutex_lock(&w->lock);
    if (w->server) hr = VSS_E_BAD_STATE;
    pthread_mutex_unlock(&w->lock);
    return hr;
}

static void writer_uninitialize(struct writer *w)
{
    writer_unsubscribe(w);
    pthread_mutex_lock(&w->lock);
    if (!w->server)
    {
        w->initialized = false;
        clear_volumes(w);
        free(w->wmd);
        free(w->name);
        free(w->instance_name);
        w->wmd = w->name = w->instance_name = NULL;
        w->info.name = w->info.instance_name = NULL;
    }
    pthread_mutex_unlock(&w->lock);
}

static void STDMETHODCALLTYPE writer_Uninitialize(IVssWriterImpl *iface)
{
    TRACE("%p\n", iface);
    writer_uninitialize(impl_from_IVssWriterImpl(iface));
}

static LPCWSTR *STDMETHODCALLTYPE writer_GetCurrentVolumeArray(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    LPCWSTR *array;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    array = w->volume_array;
    pthread_mutex_unlock(&w->lock);
    return array;
}

static UINT STDMETHODCALLTYPE writer_GetCurrentVolumeCount(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    UINT count;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    count = w->volume_count;
    pthread_mutex_unlock(&w->lock);
    return count;
}

/* Drive letters compare without case, everything else exactly. */
static bool same_path(const char *a, const char *b)
{
    if (a[0] && a[1] == ':' && b[0] && b[1] == ':')
        return (a[0] | 0x20) == (b[0] | 0x20) && !strcmp(a + 1, b + 1);
    return !strcmp(a, b);
}

static bool path_under(const char *path, const char *root)
{
    size_t len = strlen(root);
    char *prefix;
    bool ret;

    if (!len) return false;
    if (!strcmp(root, "/")) return path[0] == '/';
    if (strlen(path) < len) return false;
    if (!(prefix = strndup(path, len))) return false;
    ret = same_path(prefix, root) && (path[len] == 0 || path[len] == '/');
    free(prefix);
    return ret;
}

static HRESULT STDMETHODCALLTYPE writer_GetSnapshotDeviceName(IVssWriterImpl *iface, LPCWSTR volume,
                                                              LPCWSTR *device)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    char *uvolume = NULL, *norm = NULL;
    HRESULT hr = VSS_E_OBJECT_NOT_FOUND;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), device);
    if (!volume || !device) return E_INVALIDARG;
    *device = NULL;
    if (wstr_to_utf8(volume, &uvolume) || !(norm = normalise_path(uvolume)))
    {
        free(uvolume);
        return E_INVALIDARG;
    }
    pthread_mutex_lock(&w->lock);
    /* only while OnPostSnapshot runs (CVssWriter::GetSnapshotDeviceName page) */
    if (w->event != WIRE_POST_SNAPSHOT) hr = VSS_E_BAD_STATE;
    else
        for (UINT i = 0; i < w->volume_count; i++)
            if (same_path(norm, w->volume_names[i]) || (*w->volume_roots[i] && same_path(norm, w->volume_roots[i])))
            {
                if (*w->devices[i])
                {
                    *device = w->devices[i];
                    hr = S_OK;
                }
                break;
            }
    pthread_mutex_unlock(&w->lock);
    free(uvolume);
    free(norm);
    return hr;
}

static VSS_ID STDMETHODCALLTYPE writer_GetCurrentSnapshotSetId(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    VSS_ID id;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    id = w->snapshot_set_id;
    pthread_mutex_unlock(&w->lock);
    return id;
}

static LONG STDMETHODCALLTYPE writer_GetContext(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    LONG context;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    context = w->snapshot_context;
    pthread_mutex_unlock(&w->lock);
    return context;
}

static VSS_APPLICATION_LEVEL STDMETHODCALLTYPE writer_GetCurrentLevel(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    VSS_APPLICATION_LEVEL level;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    level = w->initialized ? w->current_level : VSS_APP_AUTO;
    pthread_mutex_unlock(&w->lock);
    return level;
}

static bool STDMETHODCALLTYPE writer_IsPathAffected(IVssWriterImpl *iface, LPCWSTR path)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    char *upath = NULL, *norm = NULL;
    bool ret = false;

    TRACE("%p, %s\n", iface, debugstr_w(path));
    if (!path || wstr_to_utf8(path, &upath) || !(norm = normalise_path(upath)))
    {
        free(upath);
        return false;
    }
    pthread_mutex_lock(&w->lock);
    for (UINT i = 0; i < w->volume_count && !ret; i++)
        ret = path_under(norm, w->volume_roots[i]) || path_under(norm, w->volume_names[i]);
    pthread_mutex_unlock(&w->lock);
    free(upath);
    free(norm);
    return ret;
}

static bool flag_set(struct writer *w, uint32_t flag)
{
    bool ret;

    pthread_mutex_lock(&w->lock);
    ret = (w->flags & flag) != 0;
    pthread_mutex_unlock(&w->lock);
    return ret;
}

static bool STDMETHODCALLTYPE writer_IsBootableSystemStateBackedUp(IVssWriterImpl *iface)
{
    TRACE("%p\n", iface);
    return flag_set(impl_from_IVssWriterImpl(iface), WIRE_FLAG_BOOTABLE_SYSTEM_STATE);
}

static bool STDMETHODCALLTYPE writer_AreComponentsSelected(IVssWriterImpl *iface)
{
    TRACE("%p\n", iface);
    return flag_set(impl_from_IVssWriterImpl(iface), WIRE_FLAG_SELECT_COMPONENTS);
}

static VSS_BACKUP_TYPE STDMETHODCALLTYPE writer_GetBackupType(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    VSS_BACKUP_TYPE type;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    type = w->backup_type;
    pthread_mutex_unlock(&w->lock);
    return type;
}

static VSS_RESTORE_TYPE STDMETHODCALLTYPE writer_GetRestoreType(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    VSS_RESTORE_TYPE type;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    type = w->restore_type;
    pthread_mutex_unlock(&w->lock);
    return type;
}

/* The codes SetWriterFailure(Ex) may set (CVssWriter::SetWriterFailure and
 * CVssWriterEx2::SetWriterFailureEx pages); the Ex form also takes S_OK and
 * PARTIAL_FAILURE.  RECOVERY_FAILED is the writer error for a failed
 * auto-recovery in PostSnapshot (VSS-FACTS.md §3.1). */
static bool failure_allowed(HRESULT hr, bool ex)
{
    switch (hr)
    {
    case VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT:
    case VSS_E_WRITERERROR_OUTOFRESOURCES:
    case VSS_E_WRITERERROR_TIMEOUT:
    case VSS_E_WRITERERROR_RETRYABLE:
    case VSS_E_WRITERERROR_NONRETRYABLE:
    case VSS_E_WRITERERROR_RECOVERY_FAILED:
        return true;
    case S_OK:
    case VSS_E_WRITERERROR_PARTIAL_FAILURE:
        return ex;
    default:
        return false;
    }
}

static HRESULT set_failure(struct writer *w, HRESULT hr, HRESULT app_hr, LPCWSTR message, bool ex)
{
    struct writer_server *server;
    enum wire_type event;
    char *umessage = NULL;
    int ret;

    if (!failure_allowed(hr, ex)) return E_INVALIDARG;
    if (wstr_to_utf8(message, &umessage)) return E_INVALIDARG;
    pthread_mutex_lock(&w->lock);
    server = w->server;
    event = w->event;
    pthread_mutex_unlock(&w->lock);
    /* not outside a handler, and never from OnIdentify (SetWriterFailure page) */
    if (!server || !event || event == WIRE_IDENTIFY) ret = -ENOENT;
    else ret = writer_server_set_failure(server, hr, app_hr, umessage);
    free(umessage);
    return ret ? VSS_E_BAD_STATE : S_OK;
}

static HRESULT STDMETHODCALLTYPE writer_SetWriterFailure(IVssWriterImpl *iface, HRESULT hr)
{
    TRACE("%p, %#x\n", iface, (unsigned int)hr);
    return set_failure(impl_from_IVssWriterImpl(iface), hr, S_OK, NULL, false);
}

static bool STDMETHODCALLTYPE writer_IsPartialFileSupportEnabled(IVssWriterImpl *iface)
{
    TRACE("%p\n", iface);
    return flag_set(impl_from_IVssWriterImpl(iface), WIRE_FLAG_PARTIAL_FILE_SUPPORT);
}

static HRESULT STDMETHODCALLTYPE writer_InstallAlternateWriter(IVssWriterImpl *iface, VSS_ID writer_id, CLSID clsid)
{
    TRACE("%p, %s, %s\n", iface, debugstr_guid(&writer_id), debugstr_guid(&clsid));
    /* "Not supported. This method is reserved for future use." (its SDK page) */
    return E_NOTIMPL;
}

static IVssExamineWriterMetadata *STDMETHODCALLTYPE writer_GetIdentityInformation(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    IVssExamineWriterMetadata *examine = NULL;
    char *wmd;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    wmd = w->wmd ? strdup(w->wmd) : NULL;
    pthread_mutex_unlock(&w->lock);
    if (wmd) examine = identity_examine(wmd);
    free(wmd);
    return examine;
}

static HRESULT STDMETHODCALLTYPE writer_SetWriterFailureEx(IVssWriterImpl *iface, HRESULT hr, HRESULT app_hr,
                                                           LPCWSTR message)
{
    TRACE("%p, %#x, %#x, %s\n", iface, (unsigned int)hr, (unsigned int)app_hr, debugstr_w(message));
    return set_failure(impl_from_IVssWriterImpl(iface), hr, app_hr, message, true);
}

static HRESULT STDMETHODCALLTYPE writer_GetSessionId(IVssWriterImpl *iface, VSS_ID *id)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %p\n", iface, id);
    if (!id) return E_INVALIDARG;
    pthread_mutex_lock(&w->lock);
    if (IsEqualGUID(&w->session_id, &GUID_NULL)) hr = VSS_E_BAD_STATE;   /* no backup seen yet */
    *id = w->session_id;
    pthread_mutex_unlock(&w->lock);
    return hr;
}

static bool STDMETHODCALLTYPE writer_IsWriterShuttingDown(IVssWriterImpl *iface)
{
    struct writer *w = impl_from_IVssWriterImpl(iface);
    bool ret;

    TRACE("%p\n", iface);
    pthread_mutex_lock(&w->lock);
    ret = w->shutting_down;
    pthread_mutex_unlock(&w->lock);
    return ret;
}

static const IVssWriterImplVtbl writer_vtbl =
{
    writer_QueryInterface,
    writer_AddRef,
    writer_Release,
    writer_Initialize,
    writer_Subscribe,
    writer_Unsubscribe,
    writer_Uninitialize,
    writer_GetCurrentVolumeArray,
    writer_GetCurrentVolumeCount,
    writer_GetSnapshotDeviceName,
    writer_GetCurrentSnapshotSetId,
    writer_GetContext,
    writer_GetCurrentLevel,
    writer_IsPathAffected,
    writer_IsBootableSystemStateBackedUp,
    writer_AreComponentsSelected,
    writer_GetBackupType,
    writer_GetRestoreType,
    writer_SetWriterFailure,
    writer_IsPartialFileSupportEnabled,
    writer_InstallAlternateWriter,
    writer_GetIdentityInformation,
    writer_SetWriterFailureEx,
    writer_GetSessionId,
    writer_IsWriterShuttingDown,
};

/* --- factories ------------------------------------------------------------------ */

static HRESULT writer_create(void *cxx_writer, bool ex, IVssWriterImpl **out)
{
    struct writer *w;

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!(w = calloc(1, sizeof(*w)))) return E_OUTOFMEMORY;
    w->IVssWriterImpl_iface.lpVtbl = &writer_vtbl;
    w->refcount = 1;
    w->ex = ex;
    w->cxx_writer = cxx_writer;
    w->context = cxx_writer;
    w->backup_type = VSS_BT_UNDEFINED;
    w->restore_type = VSS_RTYPE_UNDEFINED;
    w->current_level = VSS_APP_AUTO;
    pthread_mutex_init(&w->lock, NULL);
    *out = &w->IVssWriterImpl_iface;
    return S_OK;
}

HRESULT WINAPI CreateWriter(CVssWriter *writer, IVssWriterImpl **impl)
{
    TRACE("%p, %p\n", writer, impl);
    return writer_create(writer, false, impl);
}

HRESULT WINAPI CreateWriterEx(CVssWriterEx *writer, IVssWriterImpl **impl)
{
    TRACE("%p, %p\n", writer, impl);
    return writer_create(writer, true, impl);
}

static bool callbacks_valid(const UMBRA_WRITER_CALLBACKS *cb)
{
    return cb && cb->cbSize >= offsetof(UMBRA_WRITER_CALLBACKS, OnIdentifyEx)
           && cb->cbSize <= 4096 && cb->OnPrepareSnapshot && cb->OnFreeze && cb->OnThaw && cb->OnAbort;
}

HRESULT WINAPI UmbraWriterSetCallbacks(IVssWriterImpl *iface, const UMBRA_WRITER_CALLBACKS *callbacks,
                                       void *context)
{
    struct writer *w;
    HRESULT hr = S_OK;

    TRACE("%p, %p, %p\n", iface, callbacks, context);
    if (!iface || !callbacks_valid(callbacks)) return E_INVALIDARG;
    w = impl_from_IVssWriterImpl(iface);
    pthread_mutex_lock(&w->lock);
    if (w->server) hr = VSS_E_BAD_STATE;
    else
    {
        /* a shorter (older) table leaves the entries it lacks NULL: defaults */
        memset(&w->callbacks, 0, sizeof(w->callbacks));
        memcpy(&w->callbacks, callbacks, min(callbacks->cbSize, sizeof(w->callbacks)));
        w->callbacks.cbSize = sizeof(w->callbacks);
        /* a CVssWriter that is no CVssWriterEx has no OnIdentifyEx */
        if (!w->ex && w->cxx_writer) w->callbacks.OnIdentifyEx = NULL;
        w->context = context;
        w->have_callbacks = true;
    }
    pthread_mutex_unlock(&w->lock);
    return hr;
}

HRESULT WINAPI UmbraCreateWriter(const UMBRA_WRITER_CALLBACKS *callbacks, void *context, IVssWriterImpl **impl)
{
    HRESULT hr;

    TRACE("%p, %p, %p\n", callbacks, context, impl);
    if (!impl) return E_INVALIDARG;
    *impl = NULL;
    if (!callbacks_valid(callbacks)) return E_INVALIDARG;
    if (FAILED(hr = writer_create(context, callbacks->cbSize > offsetof(UMBRA_WRITER_CALLBACKS, OnIdentifyEx)
                                                && callbacks->OnIdentifyEx, impl)))
        return hr;
    impl_from_IVssWriterImpl(*impl)->cxx_writer = NULL;
    hr = UmbraWriterSetCallbacks(*impl, callbacks, context);
    if (FAILED(hr))
    {
        IVssWriterImpl_Release(*impl);
        *impl = NULL;
    }
    return hr;
}
