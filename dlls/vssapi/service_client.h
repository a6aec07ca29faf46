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

#endif
