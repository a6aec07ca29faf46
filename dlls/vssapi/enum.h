/*
 * enum.h: the enumerators Query and the management queries return:
 * IVssEnumObject over VSS_OBJECT_PROP (snapshots, providers) and
 * IVssEnumMgmtObject over VSS_MGMT_OBJECT_PROP (volumes, diff volumes, diff
 * areas).
 *
 * The records are built once by the query and shared by the enumerator and
 * its clones.  Next hands out deep copies whose strings are CoTaskMemAlloc'd:
 * the caller frees them with VssFreeSnapshotProperties (snapshots) or
 * CoTaskMemFree (everything else), as Microsoft documents.
 *
 * Not for: what the records contain (snapshot_props.c, mgmt.c fill them).
 */
#ifndef UMBRA_VSSAPI_ENUM_H
#define UMBRA_VSSAPI_ENUM_H

#include <windows.h>
#include <vss.h>
#include <vsmgmt.h>

/* Take ownership of items (a malloc'd array, freed with free()) and of the
 * CoTaskMem strings inside them, also on failure.  count may be 0 (items NULL). */
HRESULT enum_object_create(VSS_OBJECT_PROP *items, ULONG count, IVssEnumObject **out);
HRESULT enum_mgmt_create(VSS_MGMT_OBJECT_PROP *items, ULONG count, IVssEnumMgmtObject **out);

/* Deep copies and frees of one record (CoTaskMem strings).  On failure the
 * copy is left zeroed. */
HRESULT object_prop_copy(VSS_OBJECT_PROP *dst, const VSS_OBJECT_PROP *src);
void object_prop_clear(VSS_OBJECT_PROP *prop);
HRESULT mgmt_prop_copy(VSS_MGMT_OBJECT_PROP *dst, const VSS_MGMT_OBJECT_PROP *src);
void mgmt_prop_clear(VSS_MGMT_OBJECT_PROP *prop);

#endif
