/*
 * thirdparty_host.c: the host process of a third-party provider
 * (thirdparty_host.h): the child side of thirdparty.c's calls.  It loads the
 * provider the way COM loads an in-process server (DllGetClassObject, the
 * class factory, QueryInterface for the provider interfaces) and turns each
 * request into one call of IVssSoftwareSnapshotProvider,
 * IVssProviderCreateSnapshotSet or IVssProviderNotifications, checking what
 * comes back before it crosses to the requester.
 *
 * It runs in a copy of the requester made by fork(): it never logs (another
 * thread may have held the log's lock), and it drops the requester's
 * descriptors, signal handlers and exit handlers before it loads anything.
 * It ends when the requester closes the socket, or dies: a watch thread
 * ends the host at once if that happens while the provider is in a call.
 */
#define COBJMACROS
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsprov.h>
#include <vsbackup.h>
#include "../transport.h"
#include "../wire.h"
#include "../wstr.h"
#include "../xml_value.h"
#include "thirdparty_host.h"

#define QUERY_MAX_ITEMS 65536

typedef HRESULT (*get_class_object_fn)(REFCLSID clsid, REFIID iid, void **out);

struct host
{
    void *library;
    IVssSoftwareSnapshotProvider *software;
    IVssProviderCreateSnapshotSet *create;
    IVssProviderNotifications *notifications;
};

static HRESULT host_load(const char *library, const GUID *clsid, struct host *h, const char **why)
{
    get_class_object_fn get_class_object;
    IClassFactory *factory = NULL;
    HRESULT hr;

    if (!(h->library = dlopen(library, RTLD_NOW | RTLD_LOCAL)))
    {
        *why = "the library cannot be loaded";
        return REGDB_E_CLASSNOTREG;
    }
    if (!(get_class_object = (get_class_object_fn)dlsym(h->library, "DllGetClassObject")))
    {
        *why = "the library exports no DllGetClassObject";
        return REGDB_E_CLASSNOTREG;
    }
    if (FAILED(hr = get_class_object(clsid, &IID_IClassFactory, (void **)&factory)) || !factory)
    {
        *why = "DllGetClassObject has no factory for the class id";
        return FAILED(hr) ? hr : E_POINTER;
    }
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IVssSoftwareSnapshotProvider, (void **)&h->software);
    IClassFactory_Release(factory);
    if (FAILED(hr) || !h->software)
    {
        *why = "the class does not implement IVssSoftwareSnapshotProvider";
        h->software = NULL;
        return FAILED(hr) ? hr : E_NOINTERFACE;
    }
    if (FAILED(hr = IVssSoftwareSnapshotProvider_QueryInterface(h->software, &IID_IVssProviderCreateSnapshotSet,
                                                                (void **)&h->create)) || !h->create)
    {
        *why = "the class does not implement IVssProviderCreateSnapshotSet";
        h->create = NULL;
        return FAILED(hr) ? hr : E_NOINTERFACE;
    }
    if (FAILED(IVssSoftwareSnapshotProvider_QueryInterface(h->software, &IID_IVssProviderNotifications,
                                                           (void **)&h->notifications)))
        h->notifications = NULL;
    if (h->notifications && FAILED(hr = IVssProviderNotifications_OnLoad(h->notifications, NULL)))
    {
        *why = "OnLoad failed";
        return hr;
    }
    /* Query, GetSnapshotProperties and DeleteSnapshots see every context */
    IVssSoftwareSnapshotProvider_SetContext(h->software, VSS_CTX_ALL);
    return S_OK;
}

static void host_unload(struct host *h)
{
    if (h->notifications)
    {
        IVssProviderNotifications_OnUnload(h->notifications, FALSE);
        IVssProviderNotifications_Release(h->notifications);
    }
    if (h->create) IVssProviderCreateSnapshotSet_Release(h->create);
    if (h->software) IVssSoftwareSnapshotProvider_Release(h->software);
    /* no dlclose: threads the provider started may still run its code */
}

static WCHAR *host_wide(const char *text)
{
    WCHAR *wide = NULL;

    wstr_from_utf8(text, &wide);
    return wide;
}

/* GetSnapshotProperties, with what came back checked: the id asked for, a
 * device that is text. */
static HRESULT host_properties(struct host *h, const GUID *id, struct wire_builder *b, const char **why)
{
    VSS_SNAPSHOT_PROP prop;
    char *device = NULL, *volume = NULL;
    HRESULT hr;

    memset(&prop, 0, sizeof(prop));
    hr = IVssSoftwareSnapshotProvider_GetSnapshotProperties(h->software, *id, &prop);
    if (FAILED(hr)) return hr;
    if (!IsEqualGUID(&prop.m_SnapshotId, id) || !prop.m_pwszSnapshotDeviceObject
        || wstr_to_utf8(prop.m_pwszSnapshotDeviceObject, &device)
        || wstr_to_utf8(prop.m_pwszOriginalVolumeName, &volume))
    {
        *why = "GetSnapshotProperties returned another snapshot, no device or a bad string";
        hr = VSS_E_UNEXPECTED_PROVIDER_ERROR;
    }
    else
    {
        wire_put_str(b, HT_DEVICE, device);
        wire_put_str(b, HT_VOLUME, volume ? volume : "");
        wire_put_guid(b, HT_SET_ID, &prop.m_SnapshotSetId);
        wire_put_u64(b, HT_TIMESTAMP, (uint64_t)prop.m_tsCreationTimestamp);
        hr = S_OK;
    }
    VssFreeSnapshotPropertiesInternal(&prop);
    free(device);
    free(volume);
    return hr;
}

static HRESULT host_query(struct host *h, struct wire_builder *b, const char **why)
{
    IVssEnumObject *objects = NULL;
    unsigned int n = 0;
    HRESULT hr;

    hr = IVssSoftwareSnapshotProvider_Query(h->software, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &objects);
    if (FAILED(hr)) return hr;
    if (!objects)
    {
        *why = "Query returned no enumerator";
        return VSS_E_UNEXPECTED_PROVIDER_ERROR;
    }
    for (;;)
    {
        VSS_OBJECT_PROP prop;
        char *volume = NULL, text[XML_GUID_LEN + 1];
        ULONG fetched = 0;

        memset(&prop, 0, sizeof(prop));
        hr = IVssEnumObject_Next(objects, 1, &prop, &fetched);
        if (FAILED(hr)) break;
        if (hr != S_OK || fetched != 1)
        {
            hr = S_OK;
            break;
        }
        if (++n > QUERY_MAX_ITEMS)
        {
            *why = "Query never ends";
            hr = VSS_E_UNEXPECTED_PROVIDER_ERROR;
        }
        else if (prop.Type == VSS_OBJECT_SNAPSHOT)
        {
            if (wstr_to_utf8(prop.Obj.Snap.m_pwszOriginalVolumeName, &volume))
            {
                *why = "Query returned a bad volume name";
                hr = VSS_E_UNEXPECTED_PROVIDER_ERROR;
            }
            else
            {
                xml_format_guid(&prop.Obj.Snap.m_SnapshotId, text);
                wire_put_str(b, HT_SNAPSHOT, text);
                wire_put_str(b, HT_VOLUME, volume ? volume : "");
            }
            free(volume);
        }
        if (prop.Type == VSS_OBJECT_SNAPSHOT) VssFreeSnapshotPropertiesInternal(&prop.Obj.Snap);
        if (FAILED(hr)) break;
    }
    IVssEnumObject_Release(objects);
    return hr;
}

/* One request: the provider's answer goes into b (status set by the caller). */
static HRESULT host_serve(struct host *h, const struct wire_msg *msg, struct wire_builder *b, const char **why)
{
    GUID set_id = GUID_NULL, snapshot_id = GUID_NULL;
    const char *volume = NULL;
    uint32_t context = 0, count = 0;
    WCHAR *wide = NULL;
    BOOL flag = FALSE;
    LONG deleted = 0;
    VSS_ID not_deleted;
    HRESULT hr;

    wire_get_guid(msg, HT_SET_ID, &set_id);
    wire_get_guid(msg, HT_SNAPSHOT_ID, &snapshot_id);
    wire_get_str(msg, HT_VOLUME, &volume);
    wire_get_u32(msg, HT_CONTEXT, &context);
    wire_get_u32(msg, HT_COUNT, &count);

    switch (msg->type)
    {
    case HOST_IS_SUPPORTED:
        if (!volume || !(wide = host_wide(volume))) return E_INVALIDARG;
        hr = IVssSoftwareSnapshotProvider_IsVolumeSupported(h->software, wide, &flag);
        free(wide);
        wire_put_u32(b, HT_SUPPORTED, flag ? 1 : 0);
        return hr;
    case HOST_BEGIN_PREPARE:
        if (!volume || !(wide = host_wide(volume))) return E_INVALIDARG;
        hr = IVssSoftwareSnapshotProvider_BeginPrepareSnapshot(h->software, set_id, snapshot_id, wide, (LONG)context);
        free(wide);
        return hr;
    case HOST_END_PREPARE: return IVssProviderCreateSnapshotSet_EndPrepareSnapshots(h->create, set_id);
    case HOST_PRE_COMMIT: return IVssProviderCreateSnapshotSet_PreCommitSnapshots(h->create, set_id);
    case HOST_COMMIT: return IVssProviderCreateSnapshotSet_CommitSnapshots(h->create, set_id);
    case HOST_POST_COMMIT:
        return IVssProviderCreateSnapshotSet_PostCommitSnapshots(h->create, set_id, (LONG)count);
    case HOST_PRE_FINAL_COMMIT: return IVssProviderCreateSnapshotSet_PreFinalCommitSnapshots(h->create, set_id);
    case HOST_POST_FINAL_COMMIT: return IVssProviderCreateSnapshotSet_PostFinalCommitSnapshots(h->create, set_id);
    case HOST_ABORT: return IVssProviderCreateSnapshotSet_AbortSnapshots(h->create, set_id);
    case HOST_GET_PROPERTIES: return host_properties(h, &snapshot_id, b, why);
    case HOST_DELETE:
        hr = IVssSoftwareSnapshotProvider_DeleteSnapshots(h->software, snapshot_id, VSS_OBJECT_SNAPSHOT, TRUE,
                                                          &deleted, &not_deleted);
        wire_put_u32(b, HT_COUNT, deleted > 0 ? (uint32_t)deleted : 0);
        return hr;
    case HOST_QUERY: return host_query(h, b, why);
    case HOST_REVERT: return IVssSoftwareSnapshotProvider_RevertToSnapshot(h->software, snapshot_id);
    }
    *why = "unknown request";
    return E_INVALIDARG;
}

/* The status of a message being built: bytes 12-15 of the header wire.h
 * describes, written here once the provider has answered. */
static void builder_set_status(struct wire_builder *b, HRESULT hr)
{
    uint32_t status = (uint32_t)hr;

    if (b->error || b->len < WIRE_HEADER_SIZE) return;
    b->data[12] = status & 0xff;
    b->data[13] = (status >> 8) & 0xff;
    b->data[14] = (status >> 16) & 0xff;
    b->data[15] = status >> 24;
}

static int host_reply(int fd, struct wire_builder *b)
{
    void *body;
    size_t len;
    int ret;

    if ((ret = wire_builder_finish(b, &body, &len))) return ret;
    ret = transport_send_frame(fd, body, len, -1);
    free(body);
    return ret;
}

/* Runs first when the provider calls exit(): the requester's exit handlers,
 * inherited with its memory (its temporary files, its mounts, its unflushed
 * output), are not the host's to run. */
static void host_exit_now(int status, void *arg)
{
    (void)arg;
    _exit(status);
}

/* Set while the provider is in a call; read by the requester watch. */
static int in_call;

/* While the provider is in a call, the socket has nothing to read: if it
 * hangs up, the requester died, and nobody will ever want the answer (the
 * provider may be stuck for good).  Between calls the main loop sees the
 * end of the stream itself and unloads the provider properly. */
static void *requester_watch(void *arg)
{
    int fd = (int)(intptr_t)arg;

    for (;;)
    {
        struct pollfd pfd = { fd, POLLRDHUP, 0 };

        if (poll(&pfd, 1, -1) < 0) continue;
        if (!(pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) continue;
        if (__atomic_load_n(&in_call, __ATOMIC_ACQUIRE)) _exit(1);
        return NULL;
    }
}

void thirdparty_host_main(const char *library, const GUID *clsid, int fd)
{
    struct host h;
    struct wire_builder b;
    const char *why = NULL;
    pthread_t watch;
    sigset_t none;
    HRESULT hr;
    int sig, null;

    /* keep our socket (as 3) and stderr: nothing else of the requester's;
     * its terminal and its output are not the provider's to use */
    if (fd != 3)
    {
        if (dup2(fd, 3) < 0) _exit(2);
        fd = 3;
    }
    if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0)
    {
        dup2(null, 0);
        dup2(null, 1);
    }
    if (close_range(4, ~0U, 0) < 0)
        for (int i = 4; i < 65536; i++) close(i);
    /* nor its signal handlers: a provider that crashes just dies */
    for (sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    on_exit(host_exit_now, NULL);

    memset(&h, 0, sizeof(h));
    hr = host_load(library, clsid, &h, &why);
    wire_builder_init(&b, HOST_READY, 0, hr);
    if (why) wire_put_str(&b, HT_WHY, why);
    if (host_reply(fd, &b) || FAILED(hr))
    {
        host_unload(&h);
        _exit(1);
    }
    if (!pthread_create(&watch, NULL, requester_watch, (void *)(intptr_t)fd)) pthread_detach(watch);

    for (;;)
    {
        struct wire_msg msg;
        void *body;
        size_t len;

        if (transport_recv_frame(fd, &body, &len, -1)) break;   /* our requester is gone or done */
        if (wire_decode(body, len, &msg))
        {
            free(body);
            break;
        }
        why = NULL;
        wire_builder_init(&b, msg.type | WIRE_REPLY, msg.request_id, S_OK);
        __atomic_store_n(&in_call, 1, __ATOMIC_RELEASE);
        hr = host_serve(&h, &msg, &b, &why);
        __atomic_store_n(&in_call, 0, __ATOMIC_RELEASE);
        if (why) wire_put_str(&b, HT_WHY, why);
        builder_set_status(&b, hr);
        wire_msg_clear(&msg);
        free(body);
        if (host_reply(fd, &b)) break;
    }
    host_unload(&h);
    _exit(0);
}
