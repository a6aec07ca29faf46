/*
 * snapshot_props.h: the records the API hands out about snapshots and
 * providers (VSS_SNAPSHOT_PROP, VSS_PROVIDER_PROP), filled from the
 * catalogue's records and the provider registry, and the small exported
 * functions that answer questions about a volume's snapshots.
 *
 * Not for: choosing which snapshots a caller may see (backup_snapshot.c and
 * mgmt.c apply VSS-FACTS.md §2.1 R23 before asking for these).
 */
#ifndef UMBRA_VSSAPI_SNAPSHOT_PROPS_H
#define UMBRA_VSSAPI_SNAPSHOT_PROPS_H

#include <windows.h>
#include <vss.h>
#include "catalogue.h"
#include "providers/provider.h"

/* Every field of prop from rec, strings CoTaskMemAlloc'd (empty fields as
 * NULL, as Windows leaves m_pwszExposedName of an unexposed snapshot).
 * E_OUTOFMEMORY leaves prop zeroed. */
HRESULT snapshot_prop_from_record(const struct snapshot_record *rec, VSS_SNAPSHOT_PROP *prop);

/* The provider record Query(VSS_OBJECT_PROVIDER) lists. */
HRESULT provider_prop_from_provider(const struct provider *provider, VSS_PROVIDER_PROP *prop);

/* This host's name as VSS_SNAPSHOT_PROP's machine fields give it (UTF-8,
 * static storage). */
const char *snapshot_machine_name(void);

/* The catalogue's callbacks onto the provider registry (provider.h), for
 * catalogue_open(): exists/remove/scan by provider id. */
const struct catalogue_ops *snapshot_catalogue_ops(void);

/* Open the catalogue with those ops (reconciling), or read-only. */
int snapshot_catalogue_open(int reconcile, struct catalogue **cat);

#endif
