/*
 * service_client.c: the requester object of service mode (service_client.h)
 * and the IVssAsync proxy of the operations it starts in vsssvc.
 *
 * One connection per requester object; requests go one at a time under the
 * connection's lock (an IVssAsync::Wait is sent in slices, so a Cancel from
 * another thread waits at most one slice).  The object and each IVssAsync
 * proxy hold a reference on the connection, which is closed when the last
 * goes.  A service that goes away makes every later call return
 * RPC_E_DISCONNECTED, as a COM proxy whose server died does.
 *
 * Methods encode their arguments by parameter position (service_proto.h) and
 * copy back the results the service reports written; objects come back as
 * the local objects embedded mode makes (enumerators, writer metadata,
 * writer components) or as IVssAsync proxies.
 *
 * Not for: deciding anything a method decides -- every rule is checked once,
 * by the real object inside the service.
 */
#define COBJMACROS
#define CONST_VTABLE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "umbra/debug.h"
#include "components.h"
#include "config.h"
#include "enum.h"
#include "errors.h"
#include "examine.h"
#include "service_client.h"
#include "service_proto.h"
#include "transport.h"
#include "wmd.h"
#include "wstr.h"

/* --- the connection ------------------------------------------------------------------ */

struct svc_conn
{
    LONG refcount;
    pthread_mutex_t lock;       /* one request at a time */
    int fd;                     /* -1 once the service is gone */
    uint32_t next_id;
};

static void conn_addref(struct svc_conn *conn)
{
    __atomic_add_fetch(&conn->refcount, 1, __ATOMIC_SEQ_CST);
}

static void conn_release(struct svc_conn *conn)
{
    if (__atomic_sub_fetch(&conn->refcount, 1, __ATOMIC_SEQ_CST)) return;
    if (conn->fd >= 0) close(conn->fd);
    pthread_mutex_destroy(&conn->lock);
    free(conn);
}

static uint32_t conn_next_id(struct svc_conn *conn)
{
    return __atomic_add_fetch(&conn->next_id, 1, __ATOMIC_SEQ_CST);
}

/* Send the request b holds and wait for its answer (timeout_ms < 0: as long
 * as the service lives).  The reply's status, with *reply decoded over *body
 * (both to free with reply_free), or RPC_E_DISCONNECTED. */
static HRESULT conn_request(struct svc_conn *conn, struct wire_builder *b, int timeout_ms, void **body,
                            struct wire_msg *reply)
{
    uint16_t type = b->len >= WIRE_HEADER_SIZE ? (uint16_t)(b->data[6] | b->data[7] << 8) : 0;
    uint32_t id = b->len >= WIRE_HEADER_SIZE ? (uint32_t)b->data[8] | (uint32_t)b->data[9] << 8
                                              | (uint32_t)b->data[10] << 16 | (uint32_t)b->data[11] << 24 : 0;
    void *request = NULL;
    size_t len;
    HRESULT hr = RPC_E_DISCONNECTED;
    int ret;

    *body = NULL;
    memset(reply, 0, sizeof(*reply));
    if ((ret = wire_builder_finish(b, &request, &len)))
    {
        WARN("cannot encode the %s request: %s\n", svc_type_name(type), strerror(-ret));
        return ret == -ENOMEM ? E_OUTOFMEMORY : ret == -EMSGSIZE ? E_OUTOFMEMORY : E_INVALIDARG;
    }
    pthread_mutex_lock(&conn->lock);
    if (conn->fd < 0) goto done;
    if ((ret = transport_send_frame(conn->fd, request, len, SVC_SEND_TIMEOUT_MS))
        || (ret = transport_recv_frame(conn->fd, body, &len, timeout_ms)))
    {
        WARN("the service is gone (%s)\n", strerror(-ret));
        goto broken;
    }
    if ((ret = wire_decode(*body, len, reply)))
    {
        WARN("the service's answer does not decode: %s\n", strerror(-ret));
        goto broken;
    }
    if (reply->request_id != id || (reply->type != (type | WIRE_REPLY) && reply->type != (WIRE_ERROR | WIRE_REPLY)))
    {
        WARN("the service answered %s %u to %s %u\n", svc_type_name(reply->type), reply->request_id,
             svc_type_name(type), id);
        goto broken;
    }
    if (reply->type == (WIRE_ERROR | WIRE_REPLY))
        WARN("the service refused the %s request: %s\n", svc_type_name(type), debugstr_hr(reply->status));
    hr = reply->status;
    goto done;

broken:
    close(conn->fd);
    conn->fd = -1;
    wire_msg_clear(reply);
    free(*body);
    *body = NULL;
done:
    pthread_mutex_unlock(&conn->lock);
    free(request);
    return hr;
}

static void reply_free(void *body, struct wire_msg *reply)
{
    wire_msg_clear(reply);
    free(body);
}

/* A request without fields but its kind (RELEASE, ASYNC ops). */
static HRESULT conn_simple(struct svc_conn *conn, struct wire_builder *b)
{
    struct wire_msg reply;
    void *body;
    HRESULT hr = conn_request(conn, b, -1, &body, &reply);

    reply_free(body, &reply);
    return hr;
}

/* The socket to try, and whether the service must answer (-1: embedded). */
static int service_wanted(char *dir, size_t size)
{
    const char *mode = secure_getenv("VSS_MODE"), *env = secure_getenv("VSS_RUNTIME_DIR");
    const struct vss_config *config = config_get();
    int forced = mode && *mode;

    if (forced && config->mode != VSS_MODE_SERVICE) return -1;
    if (env && env[0] == '/') snprintf(dir, size, "%s", config->runtime_dir);
    else snprintf(dir, size, "%s", SVC_SYSTEM_RUNTIME_DIR);
    return forced;
}

static HRESULT conn_open(const char *dir, unsigned int kind, struct svc_conn **out)
{
    struct svc_conn *conn;
    struct wire_builder b;
    struct wire_msg reply;
    uid_t peer_uid = (uid_t)-1;
    pid_t peer_pid = 0;
    void *body;
    HRESULT hr;
    int fd;

    *out = NULL;
    if ((fd = transport_connect(dir, SVC_SOCKET_NAME, SVC_CONNECT_TIMEOUT_MS)) < 0)
    {
        TRACE("no service at %s/%s: %s\n", dir, SVC_SOCKET_NAME, strerror(-fd));
        return HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
    }
    /* DESIGN.md §4: the service is root (or this user's own): nobody else
     * gets to answer for it, whatever lies in the socket's directory */
    if (transport_peer_cred(fd, &peer_pid, &peer_uid, NULL) || (peer_uid && peer_uid != geteuid()))
    {
        WARN("%s/%s is served by pid %d, uid %u: not a service of root or of this user\n", dir, SVC_SOCKET_NAME,
             (int)peer_pid, (unsigned int)peer_uid);
        close(fd);
        return HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
    }
    if (!(conn = calloc(1, sizeof(*conn))))
    {
        close(fd);
        return E_OUTOFMEMORY;
    }
    conn->refcount = 1;
    conn->fd = fd;
    pthread_mutex_init(&conn->lock, NULL);

    wire_builder_init(&b, WIRE_SVC_HELLO, conn_next_id(conn), 0);
    wire_put_u32(&b, ST_PROTOCOL, SVC_PROTOCOL_VERSION);
    wire_put_u32(&b, ST_PID, (uint32_t)getpid());
    wire_put_u32(&b, ST_WAIT_FOR_SET, (uint32_t)config_get()->wait_for_set);
    if (kind != SVC_SESSION_BACKUP) wire_put_u32(&b, ST_SESSION, kind);
    hr = conn_request(conn, &b, SVC_HELLO_TIMEOUT_MS, &body, &reply);
    reply_free(body, &reply);
    if (hr == RPC_E_DISCONNECTED) hr = HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
    if (FAILED(hr))
    {
        TRACE("the service at %s did not take us: %s\n", dir, debugstr_hr(hr));
        conn_release(conn);
        return hr;
    }
    *out = conn;
    return S_OK;
}

/* --- IVssAsync proxy ------------------------------------------------------------------ */

struct proxy_async
{
    IVssAsync IVssAsync_iface;
    LONG refcount;
    struct svc_conn *conn;
    uint32_t id;                /* the operation's id in the session */
    int finished;               /* status is final: the operation is over */
    HRESULT status;
};

/* An operation's status cannot change once it is over: remember it, so that
 * the QueryStatus after a Wait costs no round trip. */
static void async_note_status(struct proxy_async *async, HRESULT status)
{
    if (status == VSS_S_ASYNC_PENDING) return;
    async->status = status;
    __atomic_store_n(&async->finished, 1, __ATOMIC_RELEASE);
}

static struct proxy_async *impl_from_IVssAsync(IVssAsync *iface)
{
    return CONTAINING_RECORD(iface, struct proxy_async, IVssAsync_iface);
}

static void async_request(struct proxy_async *async, struct wire_builder *b, enum svc_async_op op)
{
    wire_builder_init(b, WIRE_SVC_ASYNC, conn_next_id(async->conn), 0);
    wire_put_u32(b, ST_ASYNC_ID, async->id);
    wire_put_u32(b, ST_ASYNC_OP, op);
}

static HRESULT STDMETHODCALLTYPE proxy_async_QueryInterface(IVssAsync *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssAsync))
    {
        *out = iface;
        IVssAsync_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE proxy_async_AddRef(IVssAsync *iface)
{
    struct proxy_async *async = impl_from_IVssAsync(iface);
    ULONG refcount = __atomic_add_fetch(&async->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE proxy_async_Release(IVssAsync *iface)
{
    struct proxy_async *async = impl_from_IVssAsync(iface);
    ULONG refcount = __atomic_sub_fetch(&async->refcount, 1, __ATOMIC_SEQ_CST);
    struct wire_builder b;

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        async_request(async, &b, SVC_ASYNC_RELEASE);
        conn_simple(async->conn, &b);
        conn_release(async->conn);
        free(async);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE proxy_async_Cancel(IVssAsync *iface)
{
    struct proxy_async *async = impl_from_IVssAsync(iface);
    struct wire_builder b;

    TRACE("%p\n", iface);
    async_request(async, &b, SVC_ASYNC_CANCEL);
    return conn_simple(async->conn, &b);
}

static HRESULT STDMETHODCALLTYPE proxy_async_Wait(IVssAsync *iface, DWORD timeout_ms)
{
    struct proxy_async *async = impl_from_IVssAsync(iface);
    int64_t deadline = transport_now_ms() + timeout_ms;

    TRACE("%p, %u\n", iface, timeout_ms);
    for (;;)
    {
        int64_t left = timeout_ms == INFINITE ? SVC_WAIT_SLICE_MS : deadline - transport_now_ms();
        uint32_t status = (uint32_t)VSS_S_ASYNC_PENDING;
        struct wire_builder b;
        struct wire_msg reply;
        void *body;
        HRESULT hr;

        if (left < 0) left = 0;
        async_request(async, &b, SVC_ASYNC_WAIT);
        wire_put_u32(&b, ST_TIMEOUT, left > SVC_WAIT_SLICE_MS ? SVC_WAIT_SLICE_MS : (uint32_t)left);
        hr = conn_request(async->conn, &b, -1, &body, &reply);
        if (SUCCEEDED(hr) && !wire_get_u32(&reply, ST_ASYNC_STATUS, &status)) async_note_status(async, (HRESULT)status);
        reply_free(body, &reply);
        if (FAILED(hr)) return hr;
        /* S_OK either way once the time is up, as Microsoft's Wait (async.c) */
        if ((HRESULT)status != VSS_S_ASYNC_PENDING || (timeout_ms != INFINITE && transport_now_ms() >= deadline))
            return S_OK;
    }
}

static HRESULT STDMETHODCALLTYPE proxy_async_QueryStatus(IVssAsync *iface, HRESULT *status, INT *reserved)
{
    struct proxy_async *async = impl_from_IVssAsync(iface);
    struct wire_builder b;
    struct wire_msg reply;
    uint32_t value;
    void *body;
    HRESULT hr;

    TRACE("%p, %p, %p\n", iface, status, reserved);

    if (!status) return E_INVALIDARG;
    if (reserved) *reserved = 0;
    if (__atomic_load_n(&async->finished, __ATOMIC_ACQUIRE))
    {
        *status = async->status;
        return S_OK;
    }
    async_request(async, &b, SVC_ASYNC_STATUS);
    hr = conn_request(async->conn, &b, -1, &body, &reply);
    if (SUCCEEDED(hr))
    {
        if (wire_get_u32(&reply, ST_ASYNC_STATUS, &value)) hr = VSS_E_UNEXPECTED;
        else
        {
            *status = (HRESULT)value;
            async_note_status(async, *status);
        }
    }
    reply_free(body, &reply);
    return hr;
}

static const IVssAsyncVtbl proxy_async_vtbl =
{
    proxy_async_QueryInterface,
    proxy_async_AddRef,
    proxy_async_Release,
    proxy_async_Cancel,
    proxy_async_Wait,
    proxy_async_QueryStatus,
};

/* --- the requester object: calls ------------------------------------------------------- */

struct proxy
{
    IVssBackupComponentsEx4 IVssBackupComponentsEx4_iface;
    LONG refcount;
    struct svc_conn *conn;
};

static struct proxy *impl_from_IVssBackupComponentsEx4(IVssBackupComponentsEx4 *iface)
{
    return CONTAINING_RECORD(iface, struct proxy, IVssBackupComponentsEx4_iface);
}

#define PROXY_THIS IVssBackupComponentsEx4 *iface

/* One method call: arguments in, then run, then results out. */
struct pcall
{
    struct proxy *proxy;
    struct wire_builder b;
    uint32_t null_outs;
    void *body;
    struct wire_msg reply;
    HRESULT hr;
};

static void call_begin(struct pcall *c, PROXY_THIS, enum svc_method method)
{
    memset(c, 0, sizeof(*c));
    c->proxy = impl_from_IVssBackupComponentsEx4(iface);
    wire_builder_init(&c->b, WIRE_SVC_CALL, conn_next_id(c->proxy->conn), 0);
    wire_put_u32(&c->b, ST_METHOD, method);
}

static void arg_u32(struct pcall *c, unsigned int pos, uint32_t value)
{
    wire_put_u32(&c->b, ST_ARG + pos, value);
}

static void arg_guid(struct pcall *c, unsigned int pos, const GUID *value)
{
    wire_put_guid(&c->b, ST_ARG + pos, value);
}

static void arg_wstr(struct pcall *c, unsigned int pos, const WCHAR *value)
{
    svc_put_wstr(&c->b, ST_ARG + pos, value);
}

/* An out parameter: the service passes NULL where the caller did. */
static void arg_out(struct pcall *c, unsigned int pos, const void *out)
{
    if (!out) c->null_outs |= 1u << pos;
}

/* The four arguments most component setters begin with. */
static void arg_component(struct pcall *c, const VSS_ID *writer, VSS_COMPONENT_TYPE type, LPCWSTR path,
                          LPCWSTR name)
{
    arg_guid(c, 0, writer);
    arg_u32(c, 1, type);
    arg_wstr(c, 2, path);
    arg_wstr(c, 3, name);
}

static HRESULT call_run(struct pcall *c)
{
    if (c->b.error == -EILSEQ)
    {
        WARN("a string argument is not Unicode\n");
        wire_builder_free(&c->b);
        return c->hr = E_INVALIDARG;
    }
    wire_put_u32(&c->b, ST_NULL_OUTS, c->null_outs);
    return c->hr = conn_request(c->proxy->conn, &c->b, -1, &c->body, &c->reply);
}

static void call_end(struct pcall *c)
{
    reply_free(c->body, &c->reply);
    wire_builder_free(&c->b);
}

/* Run and end a call without results. */
static HRESULT call_simple(struct pcall *c)
{
    HRESULT hr = call_run(c);

    call_end(c);
    return hr;
}

static void res_u32(struct pcall *c, unsigned int pos, void *out)
{
    uint32_t value;

    if (out && !wire_get_u32(&c->reply, ST_OUT + pos, &value)) memcpy(out, &value, sizeof(value));
}

static void res_guid(struct pcall *c, unsigned int pos, GUID *out)
{
    GUID value;

    if (out && !wire_get_guid(&c->reply, ST_OUT + pos, &value)) *out = value;
}

/* A string result: NULL, CoTaskMem VSS_PWSZ, or a BSTR.  A failed
 * conversion makes the call's result E_OUTOFMEMORY. */
static void res_string(struct pcall *c, unsigned int pos, void *out, int bstr)
{
    const char *utf8;
    void *value = NULL;
    int kind;

    if (!out || (kind = svc_result_kind(&c->reply, ST_OUT + pos, WIRE_KIND_STR)) < 0) return;
    if (!kind && !wire_get_str(&c->reply, ST_OUT + pos, &utf8)
        && (bstr ? bstr_from_utf8(utf8, (BSTR *)&value) : wstr_from_utf8_cotaskmem(utf8, (WCHAR **)&value)))
    {
        value = NULL;
        if (SUCCEEDED(c->hr)) c->hr = E_OUTOFMEMORY;
    }
    memcpy(out, &value, sizeof(value));
}

/* An operation the service started: its proxy, or NULL. */
static void res_async(struct pcall *c, unsigned int pos, IVssAsync **out)
{
    struct proxy_async *async;
    uint32_t id;
    int kind;

    if (!out || (kind = svc_result_kind(&c->reply, ST_OUT + pos, WIRE_KIND_U32)) < 0) return;
    *out = NULL;
    if (kind || wire_get_u32(&c->reply, ST_OUT + pos, &id) || !id) return;
    if (!(async = calloc(1, sizeof(*async))))
    {
        /* tell the service that nobody holds it */
        struct proxy_async tmp = { .conn = c->proxy->conn, .id = id };
        struct wire_builder b;

        async_request(&tmp, &b, SVC_ASYNC_RELEASE);
        conn_simple(c->proxy->conn, &b);
        if (SUCCEEDED(c->hr)) c->hr = E_OUTOFMEMORY;
        return;
    }
    async->IVssAsync_iface.lpVtbl = &proxy_async_vtbl;
    async->refcount = 1;
    async->conn = c->proxy->conn;
    async->id = id;
    conn_addref(async->conn);
    *out = &async->IVssAsync_iface;
}

/* Results of methods that failed are copied too, as the service reports
 * them: the object in the service may have written some before it failed. */
#define CALL_RAN(c) ((c)->body != NULL)

/* A method whose only parameter is the IVssAsync it starts. */
static HRESULT call_async(PROXY_THIS, enum svc_method method, IVssAsync **async)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_out(&c, 0, async);
    call_run(&c);
    if (CALL_RAN(&c)) res_async(&c, 0, async);
    call_end(&c);
    return c.hr;
}

/* --- the requester object: methods -------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE proxy_QueryInterface(PROXY_THIS, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssBackupComponents)
        || IsEqualGUID(riid, &IID_IVssBackupComponentsEx) || IsEqualGUID(riid, &IID_IVssBackupComponentsEx2)
        || IsEqualGUID(riid, &IID_IVssBackupComponentsEx3) || IsEqualGUID(riid, &IID_IVssBackupComponentsEx4))
    {
        *out = iface;
        IVssBackupComponentsEx4_AddRef(iface);
        return S_OK;
    }
    TRACE("no interface %s\n", debugstr_guid(riid));
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE proxy_AddRef(PROXY_THIS)
{
    struct proxy *proxy = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = __atomic_add_fetch(&proxy->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE proxy_Release(PROXY_THIS)
{
    struct proxy *proxy = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = __atomic_sub_fetch(&proxy->refcount, 1, __ATOMIC_SEQ_CST);
    struct wire_builder b;

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        /* R32: the session's clean-up is done when this returns */
        wire_builder_init(&b, WIRE_SVC_RELEASE, conn_next_id(proxy->conn), 0);
        conn_simple(proxy->conn, &b);
        conn_release(proxy->conn);
        free(proxy);
    }
    return refcount;
}

static HRESULT call_count(PROXY_THIS, enum svc_method method, UINT *count)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_out(&c, 0, count);
    call_run(&c);
    if (CALL_RAN(&c)) res_u32(&c, 0, count);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterComponentsCount(PROXY_THIS, UINT *count)
{
    TRACE("%p, %p\n", iface, count);
    return call_count(iface, SVC_GetWriterComponentsCount, count);
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterComponents(PROXY_THIS, UINT index, IVssWriterComponentsExt **out)
{
    struct pcall c;
    const char *text;
    GUID instance_id, writer_id;
    int kind;

    TRACE("%p, %u, %p\n", iface, index, out);

    call_begin(&c, iface, SVC_GetWriterComponents);
    arg_u32(&c, 0, index);
    arg_out(&c, 1, out);
    call_run(&c);
    if (CALL_RAN(&c) && out && (kind = svc_result_kind(&c.reply, ST_OUT + 1, WIRE_KIND_STR)) >= 0)
    {
        HRESULT hr;

        *out = NULL;
        if (!kind && !wire_get_str(&c.reply, ST_OUT + 1, &text)
            && !wire_get_guid(&c.reply, ST_INSTANCE_ID, &instance_id) && !wire_get_guid(&c.reply, ST_WRITER_ID, &writer_id)
            && FAILED(hr = components_from_utf8(text, strlen(text), &instance_id, &writer_id, COMPONENTS_READONLY, out)))
            c.hr = hr;
    }
    call_end(&c);
    return c.hr;
}

static HRESULT call_bstr_in(PROXY_THIS, enum svc_method method, BSTR xml)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_wstr(&c, 0, xml);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_InitializeForBackup(PROXY_THIS, BSTR xml)
{
    TRACE("%p, %s\n", iface, xml ? debugstr_wn(xml, 80) : "(null)");
    return call_bstr_in(iface, SVC_InitializeForBackup, xml);
}

static HRESULT STDMETHODCALLTYPE proxy_SetBackupState(PROXY_THIS, bool select_components, bool bootable_state,
                                                      VSS_BACKUP_TYPE type, bool partial_file_support)
{
    struct pcall c;

    TRACE("%p, %d, %d, %d, %d\n", iface, select_components, bootable_state, type, partial_file_support);
    call_begin(&c, iface, SVC_SetBackupState);
    arg_u32(&c, 0, select_components);
    arg_u32(&c, 1, bootable_state);
    arg_u32(&c, 2, type);
    arg_u32(&c, 3, partial_file_support);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_InitializeForRestore(PROXY_THIS, BSTR xml)
{
    TRACE("%p, %s\n", iface, xml ? debugstr_wn(xml, 80) : "(null)");
    return call_bstr_in(iface, SVC_InitializeForRestore, xml);
}

static HRESULT call_u32(PROXY_THIS, enum svc_method method, uint32_t value)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_u32(&c, 0, value);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_SetRestoreState(PROXY_THIS, VSS_RESTORE_TYPE type)
{
    TRACE("%p, %d\n", iface, type);
    return call_u32(iface, SVC_SetRestoreState, type);
}

static HRESULT STDMETHODCALLTYPE proxy_GatherWriterMetadata(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_GatherWriterMetadata, async);
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterMetadataCount(PROXY_THIS, UINT *count)
{
    TRACE("%p, %p\n", iface, count);
    return call_count(iface, SVC_GetWriterMetadataCount, count);
}

/* GetWriterMetadata(Ex): the document comes back and is examined here. */
static HRESULT call_metadata(PROXY_THIS, enum svc_method method, UINT index, VSS_ID *instance_id, void **out)
{
    struct pcall c;
    const char *text;
    struct wmd *wmd;
    int kind, ret;

    call_begin(&c, iface, method);
    arg_u32(&c, 0, index);
    arg_out(&c, 1, instance_id);
    arg_out(&c, 2, out);
    call_run(&c);
    if (CALL_RAN(&c))
    {
        res_guid(&c, 1, instance_id);
        if (out && (kind = svc_result_kind(&c.reply, ST_OUT + 2, WIRE_KIND_STR)) >= 0)
        {
            *out = NULL;
            if (!kind && !wire_get_str(&c.reply, ST_OUT + 2, &text))
            {
                if ((ret = wmd_load_utf8(text, strlen(text), &wmd)))
                    c.hr = ret == -ENOMEM ? E_OUTOFMEMORY : VSS_E_INVALID_XML_DOCUMENT;
                else
                {
                    HRESULT hr = examine_create(wmd, (IVssExamineWriterMetadataEx2 **)out);
                    if (FAILED(hr)) c.hr = hr;
                    wmd_release(wmd);
                }
            }
        }
    }
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterMetadata(PROXY_THIS, UINT index, VSS_ID *instance_id,
                                                         IVssExamineWriterMetadata **metadata)
{
    TRACE("%p, %u, %p, %p\n", iface, index, instance_id, metadata);
    return call_metadata(iface, SVC_GetWriterMetadata, index, instance_id, (void **)metadata);
}

static HRESULT call_void(PROXY_THIS, enum svc_method method)
{
    struct pcall c;

    call_begin(&c, iface, method);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_FreeWriterMetadata(PROXY_THIS)
{
    TRACE("%p\n", iface);
    return call_void(iface, SVC_FreeWriterMetadata);
}

static HRESULT STDMETHODCALLTYPE proxy_AddComponent(PROXY_THIS, VSS_ID instance_id, VSS_ID writer_id,
                                                    VSS_COMPONENT_TYPE type, LPCWSTR logical_path, LPCWSTR name)
{
    struct pcall c;

    TRACE("%p, %s, %s, %d, %s, %s\n", iface, debugstr_guid(&instance_id), debugstr_guid(&writer_id), type,
          debugstr_w(logical_path), debugstr_w(name));
    call_begin(&c, iface, SVC_AddComponent);
    arg_guid(&c, 0, &instance_id);
    arg_guid(&c, 1, &writer_id);
    arg_u32(&c, 2, type);
    arg_wstr(&c, 3, logical_path);
    arg_wstr(&c, 4, name);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_PrepareForBackup(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_PrepareForBackup, async);
}

static HRESULT STDMETHODCALLTYPE proxy_AbortBackup(PROXY_THIS)
{
    TRACE("%p\n", iface);
    return call_void(iface, SVC_AbortBackup);
}

static HRESULT STDMETHODCALLTYPE proxy_GatherWriterStatus(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_GatherWriterStatus, async);
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterStatusCount(PROXY_THIS, UINT *count)
{
    TRACE("%p, %p\n", iface, count);
    return call_count(iface, SVC_GetWriterStatusCount, count);
}

static HRESULT STDMETHODCALLTYPE proxy_FreeWriterStatus(PROXY_THIS)
{
    TRACE("%p\n", iface);
    return call_void(iface, SVC_FreeWriterStatus);
}

static HRESULT call_status(PROXY_THIS, enum svc_method method, UINT index, VSS_ID *instance_id, VSS_ID *writer_id,
                           BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure, HRESULT *app_failure,
                           BSTR *app_message)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_u32(&c, 0, index);
    arg_out(&c, 1, instance_id);
    arg_out(&c, 2, writer_id);
    arg_out(&c, 3, name);
    arg_out(&c, 4, state);
    arg_out(&c, 5, failure);
    if (method == SVC_GetWriterStatusEx)
    {
        arg_out(&c, 6, app_failure);
        arg_out(&c, 7, app_message);
    }
    call_run(&c);
    if (CALL_RAN(&c))
    {
        res_guid(&c, 1, instance_id);
        res_guid(&c, 2, writer_id);
        res_string(&c, 3, name, 1);
        res_u32(&c, 4, state);
        res_u32(&c, 5, failure);
        res_u32(&c, 6, app_failure);
        res_string(&c, 7, app_message, 1);
    }
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterStatus(PROXY_THIS, UINT index, VSS_ID *instance_id, VSS_ID *writer_id,
                                                       BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure)
{
    TRACE("%p, %u, %p, %p, %p, %p, %p\n", iface, index, instance_id, writer_id, name, state, failure);
    return call_status(iface, SVC_GetWriterStatus, index, instance_id, writer_id, name, state, failure, NULL, NULL);
}

static HRESULT STDMETHODCALLTYPE proxy_SetBackupSucceeded(PROXY_THIS, VSS_ID instance_id, VSS_ID writer_id,
                                                          VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                          LPCWSTR name, bool succeeded)
{
    struct pcall c;

    TRACE("%p, %s, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&instance_id), debugstr_guid(&writer_id), type,
          debugstr_w(logical_path), debugstr_w(name), succeeded);
    call_begin(&c, iface, SVC_SetBackupSucceeded);
    arg_guid(&c, 0, &instance_id);
    arg_guid(&c, 1, &writer_id);
    arg_u32(&c, 2, type);
    arg_wstr(&c, 3, logical_path);
    arg_wstr(&c, 4, name);
    arg_u32(&c, 5, succeeded);
    return call_simple(&c);
}

/* A component setter with one more argument: a string or a flag. */
static HRESULT call_component_str(PROXY_THIS, enum svc_method method, const VSS_ID *writer, VSS_COMPONENT_TYPE type,
                                  LPCWSTR logical_path, LPCWSTR name, LPCWSTR text)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_component(&c, writer, type, logical_path, name);
    arg_wstr(&c, 4, text);
    return call_simple(&c);
}

static HRESULT call_component_flag(PROXY_THIS, enum svc_method method, const VSS_ID *writer, VSS_COMPONENT_TYPE type,
                                   LPCWSTR logical_path, LPCWSTR name, uint32_t flag)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_component(&c, writer, type, logical_path, name);
    arg_u32(&c, 4, flag);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_SetBackupOptions(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                        LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(options));
    return call_component_str(iface, SVC_SetBackupOptions, &writer_id, type, logical_path, name, options);
}

static HRESULT STDMETHODCALLTYPE proxy_SetSelectedForRestore(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                             LPCWSTR logical_path, LPCWSTR name, bool selected)
{
    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), selected);
    return call_component_flag(iface, SVC_SetSelectedForRestore, &writer_id, type, logical_path, name, selected);
}

static HRESULT STDMETHODCALLTYPE proxy_SetRestoreOptions(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                         LPCWSTR logical_path, LPCWSTR name, LPCWSTR options)
{
    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(options));
    return call_component_str(iface, SVC_SetRestoreOptions, &writer_id, type, logical_path, name, options);
}

static HRESULT STDMETHODCALLTYPE proxy_SetAdditionalRestores(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                             LPCWSTR logical_path, LPCWSTR name, bool additional)
{
    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), additional);
    return call_component_flag(iface, SVC_SetAdditionalRestores, &writer_id, type, logical_path, name, additional);
}

static HRESULT STDMETHODCALLTYPE proxy_SetPreviousBackupStamp(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                              LPCWSTR logical_path, LPCWSTR name, LPCWSTR stamp)
{
    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(stamp));
    return call_component_str(iface, SVC_SetPreviousBackupStamp, &writer_id, type, logical_path, name, stamp);
}

static HRESULT STDMETHODCALLTYPE proxy_SaveAsXML(PROXY_THIS, BSTR *xml)
{
    struct pcall c;

    TRACE("%p, %p\n", iface, xml);
    call_begin(&c, iface, SVC_SaveAsXML);
    arg_out(&c, 0, xml);
    call_run(&c);
    if (CALL_RAN(&c)) res_string(&c, 0, xml, 1);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_BackupComplete(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_BackupComplete, async);
}

/* AddAlternativeLocationMapping and AddNewTarget have the same shape. */
static HRESULT call_file_target(PROXY_THIS, enum svc_method method, const VSS_ID *writer, VSS_COMPONENT_TYPE type,
                                LPCWSTR logical_path, LPCWSTR name, LPCWSTR path, LPCWSTR files, bool recursive,
                                LPCWSTR destination)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_component(&c, writer, type, logical_path, name);
    arg_wstr(&c, 4, path);
    arg_wstr(&c, 5, files);
    arg_u32(&c, 6, recursive);
    arg_wstr(&c, 7, destination);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_AddAlternativeLocationMapping(PROXY_THIS, VSS_ID writer_id,
                                                                     VSS_COMPONENT_TYPE type, LPCWSTR logical_path,
                                                                     LPCWSTR name, LPCWSTR path, LPCWSTR filespec,
                                                                     bool recursive, LPCWSTR destination)
{
    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(path), debugstr_w(filespec), recursive, debugstr_w(destination));
    return call_file_target(iface, SVC_AddAlternativeLocationMapping, &writer_id, type, logical_path, name, path,
                            filespec, recursive, destination);
}

static HRESULT STDMETHODCALLTYPE proxy_AddRestoreSubcomponent(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                              LPCWSTR logical_path, LPCWSTR name,
                                                              LPCWSTR sub_logical_path, LPCWSTR sub_name, bool repair)
{
    struct pcall c;

    TRACE("%p, %s, %d, %s, %s, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(sub_logical_path), debugstr_w(sub_name), repair);
    call_begin(&c, iface, SVC_AddRestoreSubcomponent);
    arg_component(&c, &writer_id, type, logical_path, name);
    arg_wstr(&c, 4, sub_logical_path);
    arg_wstr(&c, 5, sub_name);
    arg_u32(&c, 6, repair);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_SetFileRestoreStatus(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                            LPCWSTR logical_path, LPCWSTR name,
                                                            VSS_FILE_RESTORE_STATUS status)
{
    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), status);
    return call_component_flag(iface, SVC_SetFileRestoreStatus, &writer_id, type, logical_path, name, status);
}

static HRESULT STDMETHODCALLTYPE proxy_AddNewTarget(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                    LPCWSTR logical_path, LPCWSTR name, LPCWSTR path,
                                                    LPCWSTR filename, bool recursive, LPCWSTR alternate_path)
{
    TRACE("%p, %s, %d, %s, %s, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(path), debugstr_w(filename), recursive, debugstr_w(alternate_path));
    return call_file_target(iface, SVC_AddNewTarget, &writer_id, type, logical_path, name, path, filename,
                            recursive, alternate_path);
}

static HRESULT STDMETHODCALLTYPE proxy_SetRangesFilePath(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                         LPCWSTR logical_path, LPCWSTR name, UINT partial_file,
                                                         LPCWSTR ranges_file)
{
    struct pcall c;

    TRACE("%p, %s, %d, %s, %s, %u, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), partial_file, debugstr_w(ranges_file));
    call_begin(&c, iface, SVC_SetRangesFilePath);
    arg_component(&c, &writer_id, type, logical_path, name);
    arg_u32(&c, 4, partial_file);
    arg_wstr(&c, 5, ranges_file);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_PreRestore(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_PreRestore, async);
}

static HRESULT STDMETHODCALLTYPE proxy_PostRestore(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_PostRestore, async);
}

static HRESULT STDMETHODCALLTYPE proxy_SetContext(PROXY_THIS, LONG context)
{
    TRACE("%p, %#x\n", iface, (unsigned int)context);
    return call_u32(iface, SVC_SetContext, (uint32_t)context);
}

static HRESULT STDMETHODCALLTYPE proxy_StartSnapshotSet(PROXY_THIS, VSS_ID *set_id)
{
    struct pcall c;

    TRACE("%p, %p\n", iface, set_id);
    call_begin(&c, iface, SVC_StartSnapshotSet);
    arg_out(&c, 0, set_id);
    call_run(&c);
    if (CALL_RAN(&c)) res_guid(&c, 0, set_id);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_AddToSnapshotSet(PROXY_THIS, VSS_PWSZ volume, VSS_ID provider_id,
                                                        VSS_ID *snapshot_id)
{
    struct pcall c;

    TRACE("%p, %s, %s, %p\n", iface, debugstr_w(volume), debugstr_guid(&provider_id), snapshot_id);
    call_begin(&c, iface, SVC_AddToSnapshotSet);
    arg_wstr(&c, 0, volume);
    arg_guid(&c, 1, &provider_id);
    arg_out(&c, 2, snapshot_id);
    call_run(&c);
    if (CALL_RAN(&c)) res_guid(&c, 2, snapshot_id);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_DoSnapshotSet(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_DoSnapshotSet, async);
}

static HRESULT STDMETHODCALLTYPE proxy_DeleteSnapshots(PROXY_THIS, VSS_ID id, VSS_OBJECT_TYPE type, BOOL force,
                                                       LONG *deleted, VSS_ID *not_deleted)
{
    struct pcall c;

    TRACE("%p, %s, %d, %d, %p, %p\n", iface, debugstr_guid(&id), type, force, deleted, not_deleted);
    call_begin(&c, iface, SVC_DeleteSnapshots);
    arg_guid(&c, 0, &id);
    arg_u32(&c, 1, type);
    arg_u32(&c, 2, force);
    arg_out(&c, 3, deleted);
    arg_out(&c, 4, not_deleted);
    call_run(&c);
    if (CALL_RAN(&c))
    {
        res_u32(&c, 3, deleted);
        res_guid(&c, 4, not_deleted);
    }
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_ImportSnapshots(PROXY_THIS, IVssAsync **async)
{
    TRACE("%p, %p\n", iface, async);
    return call_async(iface, SVC_ImportSnapshots, async);
}

static HRESULT call_guid(PROXY_THIS, enum svc_method method, const GUID *id)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_guid(&c, 0, id);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_BreakSnapshotSet(PROXY_THIS, VSS_ID set_id)
{
    TRACE("%p, %s\n", iface, debugstr_guid(&set_id));
    return call_guid(iface, SVC_BreakSnapshotSet, &set_id);
}

static HRESULT STDMETHODCALLTYPE proxy_GetSnapshotProperties(PROXY_THIS, VSS_ID id, VSS_SNAPSHOT_PROP *prop)
{
    const void *data;
    VSS_OBJECT_PROP record;
    struct pcall c;
    size_t len;

    TRACE("%p, %s, %p\n", iface, debugstr_guid(&id), prop);
    call_begin(&c, iface, SVC_GetSnapshotProperties);
    arg_guid(&c, 0, &id);
    arg_out(&c, 1, prop);
    call_run(&c);
    if (SUCCEEDED(c.hr) && prop && !wire_get_bytes(&c.reply, ST_RECORD, &data, &len))
    {
        if (FAILED(c.hr = svc_get_record(data, len, &record))) ;
        else if (record.Type != VSS_OBJECT_SNAPSHOT)
        {
            object_prop_clear(&record);
            c.hr = VSS_E_UNEXPECTED;
        }
        else *prop = record.Obj.Snap;
    }
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_Query(PROXY_THIS, VSS_ID id, VSS_OBJECT_TYPE queried, VSS_OBJECT_TYPE returned,
                                             IVssEnumObject **out)
{
    VSS_OBJECT_PROP *items = NULL;
    struct pcall c;
    ULONG count = 0;
    int kind;

    TRACE("%p, %s, %d, %d, %p\n", iface, debugstr_guid(&id), queried, returned, out);
    call_begin(&c, iface, SVC_Query);
    arg_guid(&c, 0, &id);
    arg_u32(&c, 1, queried);
    arg_u32(&c, 2, returned);
    arg_out(&c, 3, out);
    call_run(&c);
    if (CALL_RAN(&c) && out && (kind = svc_result_kind(&c.reply, ST_OUT + 3, WIRE_KIND_U32)) >= 0)
    {
        unsigned int n = wire_count(&c.reply, ST_RECORD);
        HRESULT hr = S_OK;

        *out = NULL;
        if (!kind && n && !(items = calloc(n, sizeof(*items)))) hr = E_OUTOFMEMORY;
        for (unsigned int i = 0; !kind && SUCCEEDED(hr) && i < c.reply.count; i++)
        {
            const struct wire_field *f = &c.reply.fields[i];

            if (f->tag != ST_RECORD || f->kind != WIRE_KIND_BYTES) continue;
            if (SUCCEEDED(hr = svc_get_record(f->data, f->len, &items[count]))) count++;
        }
        if (FAILED(hr))
        {
            while (count) object_prop_clear(&items[--count]);
            free(items);
            c.hr = hr;
        }
        else if (!kind && FAILED(hr = enum_object_create(items, count, out))) c.hr = hr;
    }
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_IsVolumeSupported(PROXY_THIS, VSS_ID provider_id, VSS_PWSZ volume,
                                                         BOOL *supported)
{
    struct pcall c;

    TRACE("%p, %s, %s, %p\n", iface, debugstr_guid(&provider_id), debugstr_w(volume), supported);
    call_begin(&c, iface, SVC_IsVolumeSupported);
    arg_guid(&c, 0, &provider_id);
    arg_wstr(&c, 1, volume);
    arg_out(&c, 2, supported);
    call_run(&c);
    if (CALL_RAN(&c)) res_u32(&c, 2, supported);
    call_end(&c);
    return c.hr;
}

static HRESULT call_guids(PROXY_THIS, enum svc_method method, const VSS_ID *ids, UINT count)
{
    struct pcall c;

    call_begin(&c, iface, method);
    svc_put_guids(&c.b, ST_ARG + 0, ids, count);
    arg_u32(&c, 1, count);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_DisableWriterClasses(PROXY_THIS, const VSS_ID *ids, UINT count)
{
    TRACE("%p, %p, %u\n", iface, ids, count);
    return call_guids(iface, SVC_DisableWriterClasses, ids, count);
}

static HRESULT STDMETHODCALLTYPE proxy_EnableWriterClasses(PROXY_THIS, const VSS_ID *ids, UINT count)
{
    TRACE("%p, %p, %u\n", iface, ids, count);
    return call_guids(iface, SVC_EnableWriterClasses, ids, count);
}

static HRESULT STDMETHODCALLTYPE proxy_DisableWriterInstances(PROXY_THIS, const VSS_ID *ids, UINT count)
{
    TRACE("%p, %p, %u\n", iface, ids, count);
    return call_guids(iface, SVC_DisableWriterInstances, ids, count);
}

static HRESULT STDMETHODCALLTYPE proxy_ExposeSnapshot(PROXY_THIS, VSS_ID id, VSS_PWSZ path_from_root, LONG attributes,
                                                      VSS_PWSZ expose, VSS_PWSZ *exposed)
{
    struct pcall c;

    TRACE("%p, %s, %s, %#x, %s, %p\n", iface, debugstr_guid(&id), debugstr_w(path_from_root),
          (unsigned int)attributes, debugstr_w(expose), exposed);
    call_begin(&c, iface, SVC_ExposeSnapshot);
    arg_guid(&c, 0, &id);
    arg_wstr(&c, 1, path_from_root);
    arg_u32(&c, 2, (uint32_t)attributes);
    arg_wstr(&c, 3, expose);
    arg_out(&c, 4, exposed);
    call_run(&c);
    if (CALL_RAN(&c)) res_string(&c, 4, exposed, 0);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_RevertToSnapshot(PROXY_THIS, VSS_ID id, BOOL force)
{
    struct pcall c;

    TRACE("%p, %s, %d\n", iface, debugstr_guid(&id), force);
    call_begin(&c, iface, SVC_RevertToSnapshot);
    arg_guid(&c, 0, &id);
    arg_u32(&c, 1, force);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_QueryRevertStatus(PROXY_THIS, VSS_PWSZ volume, IVssAsync **async)
{
    struct pcall c;

    TRACE("%p, %s, %p\n", iface, debugstr_w(volume), async);
    call_begin(&c, iface, SVC_QueryRevertStatus);
    arg_wstr(&c, 0, volume);
    arg_out(&c, 1, async);
    call_run(&c);
    if (CALL_RAN(&c)) res_async(&c, 1, async);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterMetadataEx(PROXY_THIS, UINT index, VSS_ID *instance_id,
                                                           IVssExamineWriterMetadataEx **metadata)
{
    TRACE("%p, %u, %p, %p\n", iface, index, instance_id, metadata);
    return call_metadata(iface, SVC_GetWriterMetadataEx, index, instance_id, (void **)metadata);
}

static HRESULT STDMETHODCALLTYPE proxy_SetSelectedForRestoreEx(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                               LPCWSTR logical_path, LPCWSTR name, bool selected,
                                                               VSS_ID instance_id)
{
    struct pcall c;

    TRACE("%p, %s, %d, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), selected, debugstr_guid(&instance_id));
    call_begin(&c, iface, SVC_SetSelectedForRestoreEx);
    arg_component(&c, &writer_id, type, logical_path, name);
    arg_u32(&c, 4, selected);
    arg_guid(&c, 5, &instance_id);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_UnexposeSnapshot(PROXY_THIS, VSS_ID id)
{
    TRACE("%p, %s\n", iface, debugstr_guid(&id));
    return call_guid(iface, SVC_UnexposeSnapshot, &id);
}

static HRESULT STDMETHODCALLTYPE proxy_SetAuthoritativeRestore(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                               LPCWSTR logical_path, LPCWSTR name, bool authoritative)
{
    TRACE("%p, %s, %d, %s, %s, %d\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), authoritative);
    return call_component_flag(iface, SVC_SetAuthoritativeRestore, &writer_id, type, logical_path, name,
                               authoritative);
}

static HRESULT STDMETHODCALLTYPE proxy_SetRollForward(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                      LPCWSTR logical_path, LPCWSTR name,
                                                      VSS_ROLLFORWARD_TYPE roll_type, LPCWSTR point)
{
    struct pcall c;

    TRACE("%p, %s, %d, %s, %s, %d, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), roll_type, debugstr_w(point));
    call_begin(&c, iface, SVC_SetRollForward);
    arg_component(&c, &writer_id, type, logical_path, name);
    arg_u32(&c, 4, roll_type);
    arg_wstr(&c, 5, point);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_SetRestoreName(PROXY_THIS, VSS_ID writer_id, VSS_COMPONENT_TYPE type,
                                                      LPCWSTR logical_path, LPCWSTR name, LPCWSTR restore_name)
{
    TRACE("%p, %s, %d, %s, %s, %s\n", iface, debugstr_guid(&writer_id), type, debugstr_w(logical_path),
          debugstr_w(name), debugstr_w(restore_name));
    return call_component_str(iface, SVC_SetRestoreName, &writer_id, type, logical_path, name, restore_name);
}

/* BreakSnapshotSetEx, PreFastRecovery, FastRecovery: (set id, flags, async). */
static HRESULT call_set_flags_async(PROXY_THIS, enum svc_method method, const GUID *set_id, DWORD flags,
                                    IVssAsync **async)
{
    struct pcall c;

    call_begin(&c, iface, method);
    arg_guid(&c, 0, set_id);
    arg_u32(&c, 1, flags);
    arg_out(&c, 2, async);
    call_run(&c);
    if (CALL_RAN(&c)) res_async(&c, 2, async);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_BreakSnapshotSetEx(PROXY_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async)
{
    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&set_id), flags, async);
    return call_set_flags_async(iface, SVC_BreakSnapshotSetEx, &set_id, flags, async);
}

static HRESULT STDMETHODCALLTYPE proxy_PreFastRecovery(PROXY_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async)
{
    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&set_id), flags, async);
    return call_set_flags_async(iface, SVC_PreFastRecovery, &set_id, flags, async);
}

static HRESULT STDMETHODCALLTYPE proxy_FastRecovery(PROXY_THIS, VSS_ID set_id, DWORD flags, IVssAsync **async)
{
    TRACE("%p, %s, %#x, %p\n", iface, debugstr_guid(&set_id), flags, async);
    return call_set_flags_async(iface, SVC_FastRecovery, &set_id, flags, async);
}

static HRESULT STDMETHODCALLTYPE proxy_GetWriterStatusEx(PROXY_THIS, UINT index, VSS_ID *instance_id,
                                                         VSS_ID *writer_id, BSTR *name, VSS_WRITER_STATE *state,
                                                         HRESULT *failure, HRESULT *app_failure, BSTR *app_message)
{
    TRACE("%p, %u, %p, %p, %p, %p, %p, %p, %p\n", iface, index, instance_id, writer_id, name, state, failure,
          app_failure, app_message);
    return call_status(iface, SVC_GetWriterStatusEx, index, instance_id, writer_id, name, state, failure,
                       app_failure, app_message);
}

static HRESULT STDMETHODCALLTYPE proxy_AddSnapshotToRecoverySet(PROXY_THIS, VSS_ID id, DWORD flags,
                                                                VSS_PWSZ destination)
{
    struct pcall c;

    TRACE("%p, %s, %#x, %s\n", iface, debugstr_guid(&id), flags, debugstr_w(destination));
    call_begin(&c, iface, SVC_AddSnapshotToRecoverySet);
    arg_guid(&c, 0, &id);
    arg_u32(&c, 1, flags);
    arg_wstr(&c, 2, destination);
    return call_simple(&c);
}

static HRESULT STDMETHODCALLTYPE proxy_RecoverSet(PROXY_THIS, DWORD flags, IVssAsync **async)
{
    struct pcall c;

    TRACE("%p, %#x, %p\n", iface, flags, async);
    call_begin(&c, iface, SVC_RecoverSet);
    arg_u32(&c, 0, flags);
    arg_out(&c, 1, async);
    call_run(&c);
    if (CALL_RAN(&c)) res_async(&c, 1, async);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_GetSessionId(PROXY_THIS, VSS_ID *session_id)
{
    struct pcall c;

    TRACE("%p, %p\n", iface, session_id);
    call_begin(&c, iface, SVC_GetSessionId);
    arg_out(&c, 0, session_id);
    call_run(&c);
    if (CALL_RAN(&c)) res_guid(&c, 0, session_id);
    call_end(&c);
    return c.hr;
}

static HRESULT STDMETHODCALLTYPE proxy_GetRootAndLogicalPrefixPaths(PROXY_THIS, VSS_PWSZ path, VSS_PWSZ *root,
                                                                    VSS_PWSZ *logical_prefix, BOOL normalize_fqdn)
{
    struct pcall c;

    TRACE("%p, %s, %p, %p, %d\n", iface, debugstr_w(path), root, logical_prefix, normalize_fqdn);
    call_begin(&c, iface, SVC_GetRootAndLogicalPrefixPaths);
    arg_wstr(&c, 0, path);
    arg_out(&c, 1, root);
    arg_out(&c, 2, logical_prefix);
    arg_u32(&c, 3, normalize_fqdn);
    call_run(&c);
    if (CALL_RAN(&c))
    {
        res_string(&c, 1, root, 0);
        res_string(&c, 2, logical_prefix, 0);
    }
    call_end(&c);
    return c.hr;
}

static const IVssBackupComponentsEx4Vtbl proxy_vtbl =
{
    /* IUnknown */
    proxy_QueryInterface,
    proxy_AddRef,
    proxy_Release,
    /* IVssBackupComponents */
    proxy_GetWriterComponentsCount,
    proxy_GetWriterComponents,
    proxy_InitializeForBackup,
    proxy_SetBackupState,
    proxy_InitializeForRestore,
    proxy_SetRestoreState,
    proxy_GatherWriterMetadata,
    proxy_GetWriterMetadataCount,
    proxy_GetWriterMetadata,
    proxy_FreeWriterMetadata,
    proxy_AddComponent,
    proxy_PrepareForBackup,
    proxy_AbortBackup,
    proxy_GatherWriterStatus,
    proxy_GetWriterStatusCount,
    proxy_FreeWriterStatus,
    proxy_GetWriterStatus,
    proxy_SetBackupSucceeded,
    proxy_SetBackupOptions,
    proxy_SetSelectedForRestore,
    proxy_SetRestoreOptions,
    proxy_SetAdditionalRestores,
    proxy_SetPreviousBackupStamp,
    proxy_SaveAsXML,
    proxy_BackupComplete,
    proxy_AddAlternativeLocationMapping,
    proxy_AddRestoreSubcomponent,
    proxy_SetFileRestoreStatus,
    proxy_AddNewTarget,
    proxy_SetRangesFilePath,
    proxy_PreRestore,
    proxy_PostRestore,
    proxy_SetContext,
    proxy_StartSnapshotSet,
    proxy_AddToSnapshotSet,
    proxy_DoSnapshotSet,
    proxy_DeleteSnapshots,
    proxy_ImportSnapshots,
    proxy_BreakSnapshotSet,
    proxy_GetSnapshotProperties,
    proxy_Query,
    proxy_IsVolumeSupported,
    proxy_DisableWriterClasses,
    proxy_EnableWriterClasses,
    proxy_DisableWriterInstances,
    proxy_ExposeSnapshot,
    proxy_RevertToSnapshot,
    proxy_QueryRevertStatus,
    /* IVssBackupComponentsEx */
    proxy_GetWriterMetadataEx,
    proxy_SetSelectedForRestoreEx,
    /* IVssBackupComponentsEx2 */
    proxy_UnexposeSnapshot,
    proxy_SetAuthoritativeRestore,
    proxy_SetRollForward,
    proxy_SetRestoreName,
    proxy_BreakSnapshotSetEx,
    proxy_PreFastRecovery,
    proxy_FastRecovery,
    /* IVssBackupComponentsEx3 */
    proxy_GetWriterStatusEx,
    proxy_AddSnapshotToRecoverySet,
    proxy_RecoverSet,
    proxy_GetSessionId,
    /* IVssBackupComponentsEx4 */
    proxy_GetRootAndLogicalPrefixPaths,
};

/* --- creation ------------------------------------------------------------------------------ */

/* The one place that chooses between the service and embedded mode
 * (service_client.h): S_OK and a connection, S_FALSE for embedded mode, or
 * the error of a forced service. */
HRESULT service_connect(unsigned int kind, struct svc_conn **out)
{
    char dir[TRANSPORT_PATH_MAX];
    HRESULT hr;
    int forced = service_wanted(dir, sizeof(dir));

    *out = NULL;
    if (forced < 0) return S_FALSE;
    if (FAILED(hr = conn_open(dir, kind, out)))
    {
        if (forced)
        {
            WARN("VSS_MODE=service, but the service at %s does not take us: %s\n", dir, debugstr_hr(hr));
            return hr == E_OUTOFMEMORY || hr == E_ACCESSDENIED ? hr : HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
        }
        if (hr == E_ACCESSDENIED) WARN("not in the service's backup group: using embedded mode\n");
        return S_FALSE;
    }
    TRACE("connected to the service at %s\n", dir);
    return S_OK;
}

void svc_conn_addref(struct svc_conn *conn)
{
    conn_addref(conn);
}

void svc_conn_release(struct svc_conn *conn)
{
    conn_release(conn);
}

uint32_t svc_conn_next_id(struct svc_conn *conn)
{
    return conn_next_id(conn);
}

HRESULT svc_conn_request(struct svc_conn *conn, struct wire_builder *b, void **body, struct wire_msg *reply)
{
    return conn_request(conn, b, -1, body, reply);
}

void svc_reply_free(void *body, struct wire_msg *reply)
{
    reply_free(body, reply);
}

HRESULT service_client_create(IVssBackupComponents **out)
{
    struct svc_conn *conn;
    struct proxy *proxy;
    HRESULT hr;

    if ((hr = service_connect(SVC_SESSION_BACKUP, &conn)) != S_OK) return hr;
    if (!(proxy = calloc(1, sizeof(*proxy))))
    {
        conn_release(conn);
        return E_OUTOFMEMORY;
    }
    proxy->IVssBackupComponentsEx4_iface.lpVtbl = &proxy_vtbl;
    proxy->refcount = 1;
    proxy->conn = conn;
    *out = (IVssBackupComponents *)&proxy->IVssBackupComponentsEx4_iface;
    TRACE("created %p, a proxy of the service\n", *out);
    return S_OK;
}

int service_client_is_proxy(IUnknown *iface)
{
    return iface && ((IVssBackupComponentsEx4 *)iface)->lpVtbl == &proxy_vtbl;
}
