/*
 * uuid.c: the one definition of every VSS IID (IID_IVssAsync,
 * IID_IVssBackupComponents ...) and of CLSID_VssSnapshotMgmt, exported from
 * libvssapi so that clients need no uuid library.  Nothing else goes here.
 *
 * The base COM GUIDs the VSS headers pull in (IID_IUnknown, IID_IDispatch,
 * GUID_NULL ...) belong to libumbra-ole32 (dlls/ole32/uuid.c): windows.h is
 * included before INITGUID so that they stay declarations here, and only the
 * headers included after it define their GUIDs.
 */
#include <windows.h>

#define INITGUID
#include <guiddef.h>

#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsprov.h>
#include <vsmgmt.h>
