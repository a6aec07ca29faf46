/*
 * service_client.h: the requester side of service mode (DESIGN.md §4).
 *
 * CreateVssBackupComponentsInternal asks service_client_create() first.  In
 * service mode the object it gets is a proxy (service_client.c): every
 * IVssBackupComponentsEx4 method is sent to vsssvc, which runs it on the
 * requester object of this connection's session (service_server.c), and
 * the IVssAsync, IVssEnumObject, IVssExamineWriterMetadata and
 * IVssWriterComponentsExt objects the methods hand out are the same local
 * objects embedded mode hands out, or proxies of the service's (IVssAsync).
 *
 * Which mode:
 *   VSS_MODE=embedded   never the service;
 *   VSS_MODE=service    always: a service that does not answer gives
 *                       HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE), one
 *                       that refuses the caller E_ACCESSDENIED;
 *   unset               the service when its socket answers and takes the
 *                       caller, else embedded (so a user outside the backup
 *                       group keeps the embedded, no-root directory provider).
 * The socket is $VSS_RUNTIME_DIR/vsssvc.sock when VSS_RUNTIME_DIR is set,
 * else the system service's /run/vss/vsssvc.sock.
 */
#ifndef UMBRA_VSSAPI_SERVICE_CLIENT_H
#define UMBRA_VSSAPI_SERVICE_CLIENT_H

#include <stdint.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>

/* The in-process requester object (backup.c): embedded mode, and what each
 * session of the service runs. */
HRESULT backup_create_embedded(IVssBackupComponents **out);

/* A proxy connected to the service (S_OK), S_FALSE when embedded mode is to
 * be used, or the error above (and E_OUTOFMEMORY). */
HRESULT service_client_create(IVssBackupComponents **out);

/* 1 if iface is a service proxy (for tests and traces). */
int service_client_is_proxy(IUnknown *iface);

/* Snapshot management in service mode (service_mgmt_client.c), chosen by
 * the same rules: VssSnapshotMgmt (iid IVssSnapshotMgmt or 2) and a
 * provider's IVssDifferentialSoftwareSnapshotMgmt(2,3) as proxies of a
 * management session in vsssvc: S_OK, S_FALSE for embedded mode, or the
 * errors above.  The embedded objects are made by mgmt.c. */
HRESULT service_mgmt_create(REFIID iid, void **out);
HRESULT service_diff_mgmt_create(const GUID *provider_id, REFIID iid, IUnknown **out);
HRESULT mgmt_create_embedded(REFIID iid, void **out);
HRESULT diff_mgmt_create_embedded(const GUID *provider_id, REFIID iid, IUnknown **out);

/* The connection service_client.c keeps, for the other proxies: open one
 * session of a kind (enum svc_session_kind, service_proto.h; S_OK, S_FALSE
 * for embedded mode, or an error), and send a request on it (as long as the
 * service lives: the reply's status, RPC_E_DISCONNECTED once it is gone;
 * free body and reply with svc_reply_free). */
struct svc_conn;
struct wire_builder;
struct wire_msg;
HRESULT service_connect(unsigned int kind, struct svc_conn **out);
void svc_conn_addref(struct svc_conn *conn);
void svc_conn_release(struct svc_conn *conn);
uint32_t svc_conn_next_id(struct svc_conn *conn);
HRESULT svc_conn_request(struct svc_conn *conn, struct wire_builder *b, void **body, struct wire_msg *reply);
void svc_reply_free(void *body, struct wire_msg *reply);

#endif
