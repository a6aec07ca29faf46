/*
 * test_vssadmin_fake.h: a fake VSS for vssadmin's unit tests: the requester
 * object (IVssBackupComponents), the management objects (IVssSnapshotMgmt,
 * IVssSnapshotMgmt2, IVssDifferentialSoftwareSnapshotMgmt), their enumerators
 * and async objects, over a small in-memory world of providers, volumes,
 * snapshots, writers and shadow storage associations that each test fills.
 *
 * Every call is logged (fake.log) so tests can check what vssadmin asked,
 * every object counted (fake.live) so tests can check it released them all,
 * and failures can be injected per method.  Also vsa_run(), which runs
 * vsa_main on an argv with memory streams, and golden-file helpers.
 *
 * Included by the test_vssadmin_*.c runners (one copy per runner).
 */
#ifndef TEST_VSSADMIN_FAKE_H
#define TEST_VSSADMIN_FAKE_H

#define CONST_VTABLE    /* vtables of the fakes are const, as in Umbra's own objects */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "harness.h"
#include "../../programs/vssadmin/vssadmin.h"
#include "errors.h"

#define FAKE_MAX 32
#define FAKE_LOG_SIZE 16384

struct fake_provider
{
    GUID id;
    const char *name;
    int type;
    const char *version;
};

struct fake_volume
{
    const char *guid_name;          /* \\?\Volume{...}\ */
    const char *path;               /* "/srv/data/", or "" */
    char letter;                    /* 'C', or 0 */
    long long total;
    int unlisted;                   /* not in QueryVolumesSupportedForSnapshots */
    int reverting;                  /* QueryRevertStatus finds a revert running */
};

struct fake_snapshot
{
    GUID id, set;
    LONG count;
    const char *volume;             /* GUID name */
    const char *device;
    const char *machine;
    const char *exposed_name, *exposed_path;
    GUID provider;
    LONG attributes;
    long long created;
    int gone;
};

struct fake_writer
{
    const char *name;
    GUID writer_id, instance_id;
    VSS_WRITER_STATE state;
    HRESULT failure;
};

struct fake_area
{
    char for_volume[64], on_volume[64];
    long long used, allocated, maximum;
};

static struct
{
    struct fake_provider providers[FAKE_MAX];
    int nproviders;
    struct fake_volume volumes[FAKE_MAX];
    int nvolumes;
    struct fake_snapshot snaps[FAKE_MAX];
    int nsnaps;
    struct fake_writer writers[FAKE_MAX];
    int nwriters;
    struct fake_area areas[FAKE_MAX];
    int nareas;

    /* injected failures (S_OK: none) */
    HRESULT fail_create, fail_query, fail_delete, fail_gather, fail_do, fail_revert, fail_add, fail_change,
            fail_resolve, fail_mgmt;
    int busy;                       /* StartSnapshotSet says "in progress" this many times */
    const char *new_device;         /* device of snapshots DoSnapshotSet makes */
    long long now_ms;               /* the fake clock */
    int sleeps;

    GUID next_id, next_set;
    long long next_time;
    LONG context;                   /* of the last SetContext */
    char log[FAKE_LOG_SIZE];
    int live;                       /* COM objects not yet released */
} fake;

static void fake_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fake_logf(const char *fmt, ...)
{
    size_t len = strlen(fake.log);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fake.log + len, FAKE_LOG_SIZE - len, fmt, ap);
    va_end(ap);
    len = strlen(fake.log);
    if (len + 1 < FAKE_LOG_SIZE) strcat(fake.log, " ");
}

static void fake_reset(void)
{
    memset(&fake, 0, sizeof(fake));
    fake.new_device = "/srv/data/.snapshots/@GMT-2026.01.02-03.04.05";
    fake.next_id = (GUID){ 0x11111111, 0x2222, 0x3333, { 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x01 } };
    fake.next_set = (GUID){ 0xaaaaaaaa, 0xbbbb, 0xcccc, { 0xdd, 0xdd, 0xee, 0xee, 0xee, 0xee, 0xee, 0x01 } };
    fake.next_time = 133000000000000000LL;
}

static WCHAR *fake_wcs(const char *s)
{
    size_t n = strlen(s), i;
    WCHAR *w = malloc((n + 1) * sizeof(WCHAR));

    for (i = 0; i <= n; i++) w[i] = (unsigned char)s[i];
    return w;
}

static void fake_narrow(char *out, size_t size, const WCHAR *w)
{
    size_t i;

    for (i = 0; w && w[i] && i + 1 < size; i++) out[i] = (char)w[i];
    out[i] = 0;
}

/* --- the fake's API functions ---------------------------------------------------------- */

static void fake_free_props(VSS_SNAPSHOT_PROP *p)
{
    free(p->m_pwszSnapshotDeviceObject);
    free(p->m_pwszOriginalVolumeName);
    free(p->m_pwszOriginatingMachine);
    free(p->m_pwszServiceMachine);
    free(p->m_pwszExposedName);
    free(p->m_pwszExposedPath);
    memset(p, 0, sizeof(*p));
}

static void fake_co_task_mem_free(void *mem) { free(mem); }
static void fake_sys_free_string(BSTR s) { free(s); }
static void fake_sleep_ms(unsigned int ms) { fake.sleeps++; fake.now_ms += ms; }
static long long fake_monotonic_ms(void) { return fake.now_ms; }

/* --- volume names ----------------------------------------------------------------------- */

/* A name in any form the API takes: the GUID name, "C:", "C:\", a path. */
static struct fake_volume *fake_find_volume(const char *name, HRESULT *hr)
{
    size_t len = strlen(name);
    int i;

    *hr = S_OK;
    for (i = 0; i < fake.nvolumes; i++)
    {
        struct fake_volume *v = &fake.volumes[i];
        size_t plen = strlen(v->path);

        if (!strcasecmp(name, v->guid_name)) return v;
        if (v->letter && (len == 2 || (len == 3 && name[2] == '\\')) && (name[0] & ~0x20) == v->letter
            && name[1] == ':')
            return v;
        /* "/srv/data" or "/srv/data/" */
        if (plen && (!strcmp(name, v->path) || (len + 1 == plen && !strncmp(name, v->path, len)))) return v;
    }
    if (!(name[0] == '/' || name[0] == '\\' || (len >= 2 && name[1] == ':'))) *hr = E_INVALIDARG;
    else *hr = VSS_E_OBJECT_NOT_FOUND;
    return NULL;
}

/* --- IVssAsync -------------------------------------------------------------------------- */

struct fake_async
{
    IVssAsync IVssAsync_iface;
    LONG ref;
    HRESULT result;
};

static HRESULT STDMETHODCALLTYPE fasync_QueryInterface(IVssAsync *iface, REFIID riid, void **out)
{
    (void)iface; (void)riid;
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE fasync_AddRef(IVssAsync *iface) { return ++((struct fake_async *)iface)->ref; }
static ULONG STDMETHODCALLTYPE fasync_Release(IVssAsync *iface)
{
    struct fake_async *a = (struct fake_async *)iface;
    ULONG ref = --a->ref;

    if (!ref)
    {
        fake.live--;
        free(a);
    }
    return ref;
}
static HRESULT STDMETHODCALLTYPE fasync_Cancel(IVssAsync *iface) { (void)iface; return S_OK; }
static HRESULT STDMETHODCALLTYPE fasync_Wait(IVssAsync *iface, DWORD ms) { (void)iface; (void)ms; return S_OK; }
static HRESULT STDMETHODCALLTYPE fasync_QueryStatus(IVssAsync *iface, HRESULT *result, INT *reserved)
{
    (void)reserved;
    *result = ((struct fake_async *)iface)->result;
    return S_OK;
}
static const IVssAsyncVtbl fasync_vtbl =
{
    fasync_QueryInterface, fasync_AddRef, fasync_Release, fasync_Cancel, fasync_Wait, fasync_QueryStatus,
};

static IVssAsync *fake_async(HRESULT result)
{
    struct fake_async *a = calloc(1, sizeof(*a));

    a->IVssAsync_iface.lpVtbl = &fasync_vtbl;
    a->ref = 1;
    a->result = result;
    fake.live++;
    return &a->IVssAsync_iface;
}

/* --- IVssEnumObject, IVssEnumMgmtObject ----------------------------------------------------- */

struct fake_enum
{
    IVssEnumObject IVssEnumObject_iface;
    LONG ref;
    VSS_OBJECT_PROP items[FAKE_MAX];
    int count, next;
};

static void fake_free_object(VSS_OBJECT_PROP *p)
{
    if (p->Type == VSS_OBJECT_SNAPSHOT) fake_free_props(&p->Obj.Snap);
    else
    {
        free(p->Obj.Prov.m_pwszProviderName);
        free(p->Obj.Prov.m_pwszProviderVersion);
    }
}

static HRESULT STDMETHODCALLTYPE fenum_QueryInterface(IVssEnumObject *iface, REFIID riid, void **out)
{
    (void)iface; (void)riid;
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE fenum_AddRef(IVssEnumObject *iface) { return ++((struct fake_enum *)iface)->ref; }
static ULONG STDMETHODCALLTYPE fenum_Release(IVssEnumObject *iface)
{
    struct fake_enum *e = (struct fake_enum *)iface;
    ULONG ref = --e->ref;

    if (!ref)
    {
        for (; e->next < e->count; e->next++) fake_free_object(&e->items[e->next]);
        fake.live--;
        free(e);
    }
    return ref;
}
static HRESULT STDMETHODCALLTYPE fenum_Next(IVssEnumObject *iface, ULONG celt, VSS_OBJECT_PROP *out, ULONG *fetched)
{
    struct fake_enum *e = (struct fake_enum *)iface;

    *fetched = 0;
    if (celt < 1 || e->next >= e->count) return S_FALSE;
    out[0] = e->items[e->next++];
    *fetched = 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fenum_Skip(IVssEnumObject *iface, ULONG n) { (void)iface; (void)n; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE fenum_Reset(IVssEnumObject *iface)
{
    ((struct fake_enum *)iface)->next = 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fenum_Clone(IVssEnumObject *iface, IVssEnumObject **out)
{
    (void)iface;
    *out = NULL;
    return E_NOTIMPL;
}
static const IVssEnumObjectVtbl fenum_vtbl =
{
    fenum_QueryInterface, fenum_AddRef, fenum_Release, fenum_Next, fenum_Skip, fenum_Reset, fenum_Clone,
};

static struct fake_enum *fake_enum_new(void)
{
    struct fake_enum *e = calloc(1, sizeof(*e));

    e->IVssEnumObject_iface.lpVtbl = &fenum_vtbl;
    e->ref = 1;
    fake.live++;
    return e;
}

struct fake_menum
{
    IVssEnumMgmtObject IVssEnumMgmtObject_iface;
    LONG ref;
    VSS_MGMT_OBJECT_PROP items[FAKE_MAX];
    int count, next;
};

static void fake_free_mgmt(VSS_MGMT_OBJECT_PROP *p)
{
    /* the first two strings sit at the same place in every arm */
    free(p->Obj.Vol.m_pwszVolumeName);
    free(p->Obj.Vol.m_pwszVolumeDisplayName);
}

static HRESULT STDMETHODCALLTYPE fmenum_QueryInterface(IVssEnumMgmtObject *iface, REFIID riid, void **out)
{
    (void)iface; (void)riid;
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE fmenum_AddRef(IVssEnumMgmtObject *iface) { return ++((struct fake_menum *)iface)->ref; }
static ULONG STDMETHODCALLTYPE fmenum_Release(IVssEnumMgmtObject *iface)
{
    struct fake_menum *e = (struct fake_menum *)iface;
    ULONG ref = --e->ref;

    if (!ref)
    {
        for (; e->next < e->count; e->next++) fake_free_mgmt(&e->items[e->next]);
        fake.live--;
        free(e);
    }
    return ref;
}
static HRESULT STDMETHODCALLTYPE fmenum_Next(IVssEnumMgmtObject *iface, ULONG celt, VSS_MGMT_OBJECT_PROP *out,
                                             ULONG *fetched)
{
    struct fake_menum *e = (struct fake_menum *)iface;

    *fetched = 0;
    if (celt < 1 || e->next >= e->count) return S_FALSE;
    out[0] = e->items[e->next++];
    *fetched = 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fmenum_Skip(IVssEnumMgmtObject *iface, ULONG n)
{
    (void)iface; (void)n;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE fmenum_Reset(IVssEnumMgmtObject *iface)
{
    ((struct fake_menum *)iface)->next = 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fmenum_Clone(IVssEnumMgmtObject *iface, IVssEnumMgmtObject **out)
{
    (void)iface;
    *out = NULL;
    return E_NOTIMPL;
}
static const IVssEnumMgmtObjectVtbl fmenum_vtbl =
{
    fmenum_QueryInterface, fmenum_AddRef, fmenum_Release, fmenum_Next, fmenum_Skip, fmenum_Reset, fmenum_Clone,
};

static struct fake_menum *fake_menum_new(void)
{
    struct fake_menum *e = calloc(1, sizeof(*e));

    e->IVssEnumMgmtObject_iface.lpVtbl = &fmenum_vtbl;
    e->ref = 1;
    fake.live++;
    return e;
}

/* --- IVssBackupComponents ------------------------------------------------------------------ */

struct fake_bc
{
    IVssBackupComponents iface;
    LONG ref;
    LONG context;
    int writers_gathered, status_gathered;
    int npending;
    GUID pending[4];
    char pending_volume[4][64];
};

static struct fake_bc *fbc(IVssBackupComponents *iface) { return (struct fake_bc *)iface; }

#define CONTEXT_BITS (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE \
                      | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS)

static int fake_visible(const struct fake_bc *bc, const struct fake_snapshot *s)
{
    return !s->gone && (bc->context == (LONG)VSS_CTX_ALL || (s->attributes & CONTEXT_BITS) == bc->context);
}

static void fake_fill_props(const struct fake_snapshot *s, VSS_SNAPSHOT_PROP *p)
{
    memset(p, 0, sizeof(*p));
    p->m_SnapshotId = s->id;
    p->m_SnapshotSetId = s->set;
    p->m_lSnapshotsCount = s->count;
    p->m_pwszSnapshotDeviceObject = fake_wcs(s->device);
    p->m_pwszOriginalVolumeName = fake_wcs(s->volume);
    p->m_pwszOriginatingMachine = fake_wcs(s->machine);
    p->m_pwszServiceMachine = fake_wcs(s->machine);
    p->m_pwszExposedName = s->exposed_name ? fake_wcs(s->exposed_name) : NULL;
    p->m_pwszExposedPath = s->exposed_path ? fake_wcs(s->exposed_path) : NULL;
    p->m_ProviderId = s->provider;
    p->m_lSnapshotAttributes = s->attributes;
    p->m_tsCreationTimestamp = s->created;
    p->m_eStatus = VSS_SS_CREATED;
}

static HRESULT STDMETHODCALLTYPE fbc_QueryInterface(IVssBackupComponents *iface, REFIID riid, void **out)
{
    (void)iface; (void)riid;
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE fbc_AddRef(IVssBackupComponents *iface) { return ++fbc(iface)->ref; }
static ULONG STDMETHODCALLTYPE fbc_Release(IVssBackupComponents *iface)
{
    struct fake_bc *bc = fbc(iface);
    ULONG ref = --bc->ref;

    if (!ref)
    {
        fake_logf("Release");
        fake.live--;
        free(bc);
    }
    return ref;
}
static HRESULT STDMETHODCALLTYPE fbc_InitializeForBackup(IVssBackupComponents *iface, BSTR xml)
{
    (void)iface; (void)xml;
    fake_logf("InitializeForBackup");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_SetContext(IVssBackupComponents *iface, LONG context)
{
    fbc(iface)->context = context;
    fake.context = context;
    fake_logf("SetContext(0x%x)", (unsigned int)context);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_Query(IVssBackupComponents *iface, VSS_ID id, VSS_OBJECT_TYPE queried,
                                           VSS_OBJECT_TYPE returned, IVssEnumObject **out)
{
    struct fake_bc *bc = fbc(iface);
    struct fake_enum *e;
    int i;

    *out = NULL;
    CU_ASSERT(IsEqualGUID(&id, &GUID_NULL) && queried == VSS_OBJECT_NONE);
    fake_logf("Query(%s)", returned == VSS_OBJECT_PROVIDER ? "PROVIDER" : "SNAPSHOT");
    if (FAILED(fake.fail_query)) return fake.fail_query;
    e = fake_enum_new();
    if (returned == VSS_OBJECT_PROVIDER)
    {
        for (i = 0; i < fake.nproviders; i++)
        {
            VSS_PROVIDER_PROP *p = &e->items[e->count].Obj.Prov;

            e->items[e->count++].Type = VSS_OBJECT_PROVIDER;
            p->m_ProviderId = fake.providers[i].id;
            p->m_pwszProviderName = fake_wcs(fake.providers[i].name);
            p->m_eProviderType = (VSS_PROVIDER_TYPE)fake.providers[i].type;
            p->m_pwszProviderVersion = fake_wcs(fake.providers[i].version);
            p->m_ProviderVersionId = fake.providers[i].id;
            p->m_ProviderVersionId.Data1 ^= 0xffff;
            p->m_ClassId = fake.providers[i].id;
        }
    }
    else
    {
        for (i = 0; i < fake.nsnaps; i++)
        {
            if (!fake_visible(bc, &fake.snaps[i])) continue;
            e->items[e->count].Type = VSS_OBJECT_SNAPSHOT;
            fake_fill_props(&fake.snaps[i], &e->items[e->count++].Obj.Snap);
        }
    }
    *out = &e->IVssEnumObject_iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_GetSnapshotProperties(IVssBackupComponents *iface, VSS_ID id, VSS_SNAPSHOT_PROP *p)
{
    struct fake_bc *bc = fbc(iface);
    int i;

    fake_logf("GetSnapshotProperties");
    for (i = 0; i < fake.nsnaps; i++)
        if (IsEqualGUID(&fake.snaps[i].id, &id) && fake_visible(bc, &fake.snaps[i]))
        {
            fake_fill_props(&fake.snaps[i], p);
            return S_OK;
        }
    return VSS_E_OBJECT_NOT_FOUND;
}
static HRESULT STDMETHODCALLTYPE fbc_DeleteSnapshots(IVssBackupComponents *iface, VSS_ID id, VSS_OBJECT_TYPE type,
                                                     BOOL force, LONG *deleted, VSS_ID *nondeleted)
{
    struct fake_bc *bc = fbc(iface);
    char text[VSA_GUID_CHARS];
    int i;

    *deleted = 0;
    *nondeleted = GUID_NULL;
    fake_logf("DeleteSnapshots(%s,%s,%d)", vsa_format_guid(text, &id), type == VSS_OBJECT_SNAPSHOT ? "SNAPSHOT" : "SET",
              force);
    if (FAILED(fake.fail_delete))
    {
        *nondeleted = id;
        return fake.fail_delete;
    }
    for (i = 0; i < fake.nsnaps; i++)
        if (IsEqualGUID(&fake.snaps[i].id, &id) && fake_visible(bc, &fake.snaps[i]))
        {
            fake.snaps[i].gone = 1;
            *deleted = 1;
            return S_OK;
        }
    return VSS_E_OBJECT_NOT_FOUND;
}
static HRESULT STDMETHODCALLTYPE fbc_StartSnapshotSet(IVssBackupComponents *iface, VSS_ID *set)
{
    (void)iface;
    fake_logf("StartSnapshotSet");
    if (fake.busy > 0)
    {
        fake.busy--;
        return VSS_E_SNAPSHOT_SET_IN_PROGRESS;
    }
    *set = fake.next_set;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_AddToSnapshotSet(IVssBackupComponents *iface, VSS_PWSZ volume, VSS_ID provider,
                                                      VSS_ID *id)
{
    struct fake_bc *bc = fbc(iface);
    char name[256];
    HRESULT hr;

    (void)provider;
    fake_narrow(name, sizeof(name), volume);
    fake_logf("AddToSnapshotSet(%s)", name);
    if (!fake_find_volume(name, &hr)) return hr;
    *id = fake.next_id;
    bc->pending[bc->npending] = *id;
    snprintf(bc->pending_volume[bc->npending++], 64, "%s", name);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_DoSnapshotSet(IVssBackupComponents *iface, IVssAsync **async)
{
    struct fake_bc *bc = fbc(iface);
    int i;

    fake_logf("DoSnapshotSet");
    if (!FAILED(fake.fail_do))
        for (i = 0; i < bc->npending && fake.nsnaps < FAKE_MAX; i++)
        {
            struct fake_snapshot *s = &fake.snaps[fake.nsnaps++];
            HRESULT hr;

            memset(s, 0, sizeof(*s));
            s->id = bc->pending[i];
            s->set = fake.next_set;
            s->count = bc->npending;
            s->volume = fake_find_volume(bc->pending_volume[i], &hr)->guid_name;
            s->device = fake.new_device;
            s->machine = "host.example.org";
            s->provider = fake.nproviders ? fake.providers[0].id : GUID_NULL;
            s->attributes = bc->context | VSS_VOLSNAP_ATTR_DIFFERENTIAL;
            s->created = fake.next_time;
        }
    *async = fake_async(FAILED(fake.fail_do) ? fake.fail_do : VSS_S_ASYNC_FINISHED);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_AbortBackup(IVssBackupComponents *iface)
{
    (void)iface;
    fake_logf("AbortBackup");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_GatherWriterMetadata(IVssBackupComponents *iface, IVssAsync **async)
{
    fake_logf("GatherWriterMetadata");
    fbc(iface)->writers_gathered = 1;
    *async = fake_async(FAILED(fake.fail_gather) ? fake.fail_gather : VSS_S_ASYNC_FINISHED);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_FreeWriterMetadata(IVssBackupComponents *iface)
{
    (void)iface;
    fake_logf("FreeWriterMetadata");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_GatherWriterStatus(IVssBackupComponents *iface, IVssAsync **async)
{
    struct fake_bc *bc = fbc(iface);

    fake_logf("GatherWriterStatus");
    if (!bc->writers_gathered) return VSS_E_BAD_STATE;
    bc->status_gathered = 1;
    *async = fake_async(VSS_S_ASYNC_FINISHED);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_GetWriterStatusCount(IVssBackupComponents *iface, UINT *n)
{
    if (!fbc(iface)->status_gathered) return VSS_E_BAD_STATE;
    *n = (UINT)fake.nwriters;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_FreeWriterStatus(IVssBackupComponents *iface)
{
    (void)iface;
    fake_logf("FreeWriterStatus");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_GetWriterStatus(IVssBackupComponents *iface, UINT i, VSS_ID *instance,
                                                     VSS_ID *writer, BSTR *name, VSS_WRITER_STATE *state,
                                                     HRESULT *failure)
{
    (void)iface;
    if (i >= (UINT)fake.nwriters) return VSS_E_OBJECT_NOT_FOUND;
    *instance = fake.writers[i].instance_id;
    *writer = fake.writers[i].writer_id;
    *name = fake_wcs(fake.writers[i].name);
    *state = fake.writers[i].state;
    *failure = fake.writers[i].failure;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fbc_RevertToSnapshot(IVssBackupComponents *iface, VSS_ID id, BOOL force)
{
    struct fake_bc *bc = fbc(iface);
    char text[VSA_GUID_CHARS];
    int i;

    fake_logf("RevertToSnapshot(%s,%d)", vsa_format_guid(text, &id), force);
    if (FAILED(fake.fail_revert)) return fake.fail_revert;
    for (i = 0; i < fake.nsnaps; i++)
        if (IsEqualGUID(&fake.snaps[i].id, &id) && fake_visible(bc, &fake.snaps[i]))
        {
            fake.snaps[i].gone = 1;
            return S_OK;
        }
    return VSS_E_OBJECT_NOT_FOUND;
}
static HRESULT STDMETHODCALLTYPE fbc_QueryRevertStatus(IVssBackupComponents *iface, VSS_PWSZ volume, IVssAsync **async)
{
    struct fake_volume *v;
    char name[256];
    HRESULT hr;

    (void)iface;
    *async = NULL;
    fake_narrow(name, sizeof(name), volume);
    fake_logf("QueryRevertStatus(%s)", name);
    if (!(v = fake_find_volume(name, &hr))) return hr;
    if (!v->reverting) return VSS_E_OBJECT_NOT_FOUND;
    *async = fake_async(VSS_S_ASYNC_PENDING);
    return S_OK;
}

static const IVssBackupComponentsVtbl fbc_vtbl =
{
    .QueryInterface = fbc_QueryInterface,
    .AddRef = fbc_AddRef,
    .Release = fbc_Release,
    .InitializeForBackup = fbc_InitializeForBackup,
    .GatherWriterMetadata = fbc_GatherWriterMetadata,
    .FreeWriterMetadata = fbc_FreeWriterMetadata,
    .AbortBackup = fbc_AbortBackup,
    .GatherWriterStatus = fbc_GatherWriterStatus,
    .GetWriterStatusCount = fbc_GetWriterStatusCount,
    .FreeWriterStatus = fbc_FreeWriterStatus,
    .GetWriterStatus = fbc_GetWriterStatus,
    .SetContext = fbc_SetContext,
    .StartSnapshotSet = fbc_StartSnapshotSet,
    .AddToSnapshotSet = fbc_AddToSnapshotSet,
    .DoSnapshotSet = fbc_DoSnapshotSet,
    .DeleteSnapshots = fbc_DeleteSnapshots,
    .GetSnapshotProperties = fbc_GetSnapshotProperties,
    .Query = fbc_Query,
    .RevertToSnapshot = fbc_RevertToSnapshot,
    .QueryRevertStatus = fbc_QueryRevertStatus,
};

static HRESULT fake_create_bc(IVssBackupComponents **out)
{
    struct fake_bc *bc;

    *out = NULL;
    fake_logf("Create");
    if (FAILED(fake.fail_create)) return fake.fail_create;
    bc = calloc(1, sizeof(*bc));
    bc->iface.lpVtbl = &fbc_vtbl;
    bc->ref = 1;
    bc->context = VSS_CTX_BACKUP;
    fake.live++;
    *out = &bc->iface;
    return S_OK;
}

/* --- IVssDifferentialSoftwareSnapshotMgmt ---------------------------------------------------- */

struct fake_diff
{
    IVssDifferentialSoftwareSnapshotMgmt iface;
    LONG ref;
};

static HRESULT STDMETHODCALLTYPE fdiff_QueryInterface(IVssDifferentialSoftwareSnapshotMgmt *iface, REFIID riid,
                                                      void **out)
{
    (void)iface; (void)riid;
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE fdiff_AddRef(IVssDifferentialSoftwareSnapshotMgmt *iface)
{
    return ++((struct fake_diff *)iface)->ref;
}
static ULONG STDMETHODCALLTYPE fdiff_Release(IVssDifferentialSoftwareSnapshotMgmt *iface)
{
    struct fake_diff *d = (struct fake_diff *)iface;
    ULONG ref = --d->ref;

    if (!ref)
    {
        fake.live--;
        free(d);
    }
    return ref;
}

static struct fake_area *fake_find_area(const char *for_volume, const char *on_volume)
{
    int i;

    for (i = 0; i < fake.nareas; i++)
        if (!strcasecmp(fake.areas[i].for_volume, for_volume)
            && (!on_volume || !strcasecmp(fake.areas[i].on_volume, on_volume)))
            return &fake.areas[i];
    return NULL;
}

static HRESULT STDMETHODCALLTYPE fdiff_AddDiffArea(IVssDifferentialSoftwareSnapshotMgmt *iface, VSS_PWSZ volume,
                                                   VSS_PWSZ diff_volume, LONGLONG max)
{
    char for_name[128], on_name[128];
    struct fake_area *a;

    (void)iface;
    fake_narrow(for_name, sizeof(for_name), volume);
    fake_narrow(on_name, sizeof(on_name), diff_volume);
    fake_logf("AddDiffArea(%s,%s,%lld)", for_name, on_name, (long long)max);
    if (FAILED(fake.fail_add)) return fake.fail_add;
    if (max != VSS_ASSOC_NO_MAX_SPACE && max < (320LL << 20)) return E_INVALIDARG;
    if (strcasecmp(for_name, on_name)) return VSS_E_VOLUME_NOT_SUPPORTED;
    if (fake_find_area(for_name, NULL)) return VSS_E_OBJECT_ALREADY_EXISTS;
    a = &fake.areas[fake.nareas++];
    memset(a, 0, sizeof(*a));
    snprintf(a->for_volume, sizeof(a->for_volume), "%s", for_name);
    snprintf(a->on_volume, sizeof(a->on_volume), "%s", on_name);
    a->maximum = max;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fdiff_ChangeDiffAreaMaximumSize(IVssDifferentialSoftwareSnapshotMgmt *iface,
                                                                 VSS_PWSZ volume, VSS_PWSZ diff_volume, LONGLONG max)
{
    char for_name[128], on_name[128];
    struct fake_area *a;

    (void)iface;
    fake_narrow(for_name, sizeof(for_name), volume);
    fake_narrow(on_name, sizeof(on_name), diff_volume);
    fake_logf("ChangeDiffAreaMaximumSize(%s,%s,%lld)", for_name, on_name, (long long)max);
    if (FAILED(fake.fail_change)) return fake.fail_change;
    if (!(a = fake_find_area(for_name, on_name))) return VSS_E_OBJECT_NOT_FOUND;
    if (max == VSS_ASSOC_REMOVE) *a = fake.areas[--fake.nareas];
    else a->maximum = max;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fdiff_QueryVolumesSupportedForDiffAreas(IVssDifferentialSoftwareSnapshotMgmt *iface,
                                                                         VSS_PWSZ original, IVssEnumMgmtObject **out)
{
    struct fake_volume *v;
    struct fake_menum *e;
    char name[256];
    HRESULT hr;

    (void)iface;
    *out = NULL;
    fake_narrow(name, sizeof(name), original);
    if (FAILED(fake.fail_resolve)) return fake.fail_resolve;
    if (!(v = fake_find_volume(name, &hr))) return hr;
    e = fake_menum_new();
    e->items[0].Type = VSS_MGMT_OBJECT_DIFF_VOLUME;
    e->items[0].Obj.DiffVol.m_pwszVolumeName = fake_wcs(v->guid_name);
    e->items[0].Obj.DiffVol.m_pwszVolumeDisplayName = fake_wcs(v->path);
    e->items[0].Obj.DiffVol.m_llVolumeTotalSpace = v->total;
    e->items[0].Obj.DiffVol.m_llVolumeFreeSpace = v->total / 2;
    e->count = 1;
    *out = &e->IVssEnumMgmtObject_iface;
    return S_OK;
}

static HRESULT fake_query_areas(const WCHAR *volume, int on, IVssEnumMgmtObject **out)
{
    struct fake_volume *v;
    struct fake_menum *e;
    char name[256];
    HRESULT hr;
    int i;

    *out = NULL;
    fake_narrow(name, sizeof(name), volume);
    fake_logf("QueryDiffAreas%sVolume(%s)", on ? "On" : "For", name);
    if (!(v = fake_find_volume(name, &hr))) return hr;
    e = fake_menum_new();
    for (i = 0; i < fake.nareas; i++)
    {
        struct fake_area *a = &fake.areas[i];
        VSS_DIFF_AREA_PROP *p = &e->items[e->count].Obj.DiffArea;

        if (strcasecmp(on ? a->on_volume : a->for_volume, v->guid_name)) continue;
        e->items[e->count++].Type = VSS_MGMT_OBJECT_DIFF_AREA;
        p->m_pwszVolumeName = fake_wcs(a->for_volume);
        p->m_pwszDiffAreaVolumeName = fake_wcs(a->on_volume);
        p->m_llMaximumDiffSpace = a->maximum;
        p->m_llAllocatedDiffSpace = a->allocated;
        p->m_llUsedDiffSpace = a->used;
    }
    *out = &e->IVssEnumMgmtObject_iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fdiff_QueryDiffAreasForVolume(IVssDifferentialSoftwareSnapshotMgmt *iface,
                                                               VSS_PWSZ volume, IVssEnumMgmtObject **out)
{
    (void)iface;
    return fake_query_areas(volume, 0, out);
}
static HRESULT STDMETHODCALLTYPE fdiff_QueryDiffAreasOnVolume(IVssDifferentialSoftwareSnapshotMgmt *iface,
                                                              VSS_PWSZ volume, IVssEnumMgmtObject **out)
{
    (void)iface;
    return fake_query_areas(volume, 1, out);
}

static const IVssDifferentialSoftwareSnapshotMgmtVtbl fdiff_vtbl =
{
    .QueryInterface = fdiff_QueryInterface,
    .AddRef = fdiff_AddRef,
    .Release = fdiff_Release,
    .AddDiffArea = fdiff_AddDiffArea,
    .ChangeDiffAreaMaximumSize = fdiff_ChangeDiffAreaMaximumSize,
    .QueryVolumesSupportedForDiffAreas = fdiff_QueryVolumesSupportedForDiffAreas,
    .QueryDiffAreasForVolume = fdiff_QueryDiffAreasForVolume,
    .QueryDiffAreasOnVolume = fdiff_QueryDiffAreasOnVolume,
};

/* --- IVssSnapshotMgmt, IVssSnapshotMgmt2 ------------------------------------------------------- */

struct fake_mgmt
{
    IVssSnapshotMgmt IVssSnapshotMgmt_iface;
    IVssSnapshotMgmt2 IVssSnapshotMgmt2_iface;
    LONG ref;
};

static struct fake_mgmt *fmgmt(IVssSnapshotMgmt *iface) { return (struct fake_mgmt *)iface; }
static struct fake_mgmt *fmgmt2(IVssSnapshotMgmt2 *iface)
{
    return (struct fake_mgmt *)((char *)iface - offsetof(struct fake_mgmt, IVssSnapshotMgmt2_iface));
}

static HRESULT STDMETHODCALLTYPE fmgmt_QueryInterface(IVssSnapshotMgmt *iface, REFIID riid, void **out)
{
    struct fake_mgmt *m = fmgmt(iface);

    if (IsEqualGUID(riid, &IID_IVssSnapshotMgmt2))
    {
        m->ref++;
        *out = &m->IVssSnapshotMgmt2_iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE fmgmt_AddRef(IVssSnapshotMgmt *iface) { return ++fmgmt(iface)->ref; }
static ULONG STDMETHODCALLTYPE fmgmt_Release(IVssSnapshotMgmt *iface)
{
    struct fake_mgmt *m = fmgmt(iface);
    ULONG ref = --m->ref;

    if (!ref)
    {
        fake.live--;
        free(m);
    }
    return ref;
}
static HRESULT STDMETHODCALLTYPE fmgmt_GetProviderMgmtInterface(IVssSnapshotMgmt *iface, VSS_ID provider, REFIID iid,
                                                                IUnknown **out)
{
    struct fake_diff *d;
    char text[VSA_GUID_CHARS];

    (void)iface;
    *out = NULL;
    fake_logf("GetProviderMgmtInterface(%s)", vsa_format_guid(text, &provider));
    if (FAILED(fake.fail_mgmt)) return fake.fail_mgmt;
    if (!IsEqualGUID(iid, &IID_IVssDifferentialSoftwareSnapshotMgmt)) return E_NOINTERFACE;
    d = calloc(1, sizeof(*d));
    d->iface.lpVtbl = &fdiff_vtbl;
    d->ref = 1;
    fake.live++;
    *out = (IUnknown *)&d->iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fmgmt_QueryVolumesSupportedForSnapshots(IVssSnapshotMgmt *iface, VSS_ID provider,
                                                                         LONG context, IVssEnumMgmtObject **out)
{
    struct fake_menum *e;
    int i;

    (void)iface; (void)provider;
    CU_ASSERT_EQUAL(context, (LONG)VSS_CTX_ALL);
    fake_logf("QueryVolumesSupportedForSnapshots");
    *out = NULL;
    e = fake_menum_new();
    for (i = 0; i < fake.nvolumes; i++)
    {
        if (fake.volumes[i].unlisted) continue;
        e->items[e->count].Type = VSS_MGMT_OBJECT_VOLUME;
        e->items[e->count].Obj.Vol.m_pwszVolumeName = fake_wcs(fake.volumes[i].guid_name);
        e->items[e->count++].Obj.Vol.m_pwszVolumeDisplayName = fake_wcs(fake.volumes[i].path);
    }
    *out = &e->IVssEnumMgmtObject_iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fmgmt_QuerySnapshotsByVolume(IVssSnapshotMgmt *iface, VSS_PWSZ volume, VSS_ID provider,
                                                              IVssEnumObject **out)
{
    (void)iface; (void)volume; (void)provider;
    *out = NULL;
    return E_NOTIMPL;
}
static const IVssSnapshotMgmtVtbl fmgmt_vtbl =
{
    fmgmt_QueryInterface, fmgmt_AddRef, fmgmt_Release, fmgmt_GetProviderMgmtInterface,
    fmgmt_QueryVolumesSupportedForSnapshots, fmgmt_QuerySnapshotsByVolume,
};

static HRESULT STDMETHODCALLTYPE fmgmt2_QueryInterface(IVssSnapshotMgmt2 *iface, REFIID riid, void **out)
{
    return fmgmt_QueryInterface(&fmgmt2(iface)->IVssSnapshotMgmt_iface, riid, out);
}
static ULONG STDMETHODCALLTYPE fmgmt2_AddRef(IVssSnapshotMgmt2 *iface)
{
    return fmgmt_AddRef(&fmgmt2(iface)->IVssSnapshotMgmt_iface);
}
static ULONG STDMETHODCALLTYPE fmgmt2_Release(IVssSnapshotMgmt2 *iface)
{
    return fmgmt_Release(&fmgmt2(iface)->IVssSnapshotMgmt_iface);
}
static HRESULT STDMETHODCALLTYPE fmgmt2_GetMinDiffAreaSize(IVssSnapshotMgmt2 *iface, LONGLONG *size)
{
    (void)iface;
    *size = 320LL << 20;
    return S_OK;
}
static const IVssSnapshotMgmt2Vtbl fmgmt2_vtbl =
{
    fmgmt2_QueryInterface, fmgmt2_AddRef, fmgmt2_Release, fmgmt2_GetMinDiffAreaSize,
};

static HRESULT fake_create_mgmt(IVssSnapshotMgmt **out)
{
    struct fake_mgmt *m = calloc(1, sizeof(*m));

    m->IVssSnapshotMgmt_iface.lpVtbl = &fmgmt_vtbl;
    m->IVssSnapshotMgmt2_iface.lpVtbl = &fmgmt2_vtbl;
    m->ref = 1;
    fake.live++;
    *out = &m->IVssSnapshotMgmt_iface;
    return S_OK;
}

static const struct vsa_api fake_api =
{
    fake_create_bc, fake_create_mgmt, fake_free_props, fake_co_task_mem_free, fake_sys_free_string,
    umbra_hresult_text, NULL, fake_sleep_ms, fake_monotonic_ms,
};

/* --- running vssadmin --------------------------------------------------------------------------- */

struct vsa_result
{
    int status;
    char *out;                      /* standard output */
    char *err;                      /* standard error */
};

static void vsa_result_free(struct vsa_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}

/* Run "vssadmin args..." (NULL-terminated) on api with input as standard input. */
static void vsa_run_api(struct vsa_result *r, const struct vsa_api *api, const char *input, const char *arg, ...)
{
    char *argv[32], *in_text = strdup(input ? input : "");
    size_t out_len = 0, err_len = 0;
    FILE *out, *err, *in;
    va_list ap;
    int argc = 0;

    memset(r, 0, sizeof(*r));
    argv[argc++] = (char *)"vssadmin";
    va_start(ap, arg);
    for (; arg && argc < 31; arg = va_arg(ap, const char *)) argv[argc++] = (char *)arg;
    va_end(ap);
    argv[argc] = NULL;
    out = open_memstream(&r->out, &out_len);
    err = open_memstream(&r->err, &err_len);
    in = fmemopen(in_text, strlen(in_text) + 1, "r");
    CU_ASSERT_FATAL(out && err && in);
    r->status = vsa_main(api, argc, argv, out, err, in, 0);
    fclose(out);
    fclose(err);
    fclose(in);
    free(in_text);
}

#define vsa_run(r, input, ...) vsa_run_api(r, &fake_api, input, __VA_ARGS__, (const char *)NULL)

static const char banner_text[] =
    "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
    "(C) Copyright 2026 the Umbra authors.\n"
    "\n";

/* Compare text with tests/data/vssadmin/<name> (UMBRA_REGEN_GOLDEN=1 rewrites it). */
static inline int golden_matches(const char *name, const char *text)
{
    char path[4096];
    FILE *f;
    char *expected = NULL;
    size_t len = 0, cap = 0;
    int same;

    snprintf(path, sizeof(path), "%s/tests/data/vssadmin/%s", umbra_source_dir(), name);
    if (getenv("UMBRA_REGEN_GOLDEN"))
    {
        if ((f = fopen(path, "w")))
        {
            fputs(text, f);
            fclose(f);
        }
        return 1;
    }
    if (!(f = fopen(path, "r")))
    {
        printf("\n%s: cannot read %s\n", name, path);
        return 0;
    }
    for (;;)
    {
        char *grown;
        size_t n;

        if (len + 4096 + 1 > cap && (grown = realloc(expected, cap = len + 8192))) expected = grown;
        if (!expected || !(n = fread(expected + len, 1, cap - len - 1, f))) break;
        len += n;
    }
    fclose(f);
    if (expected) expected[len] = 0;
    same = expected && !strcmp(expected, text);
    if (!same)
    {
        size_t i = 0, line = 1;

        while (expected && expected[i] && expected[i] == text[i])
            if (text[i++] == '\n') line++;
        printf("\n%s differs from the golden file at line %u:\n--- got:\n%s\n--- expected:\n%s\n", name,
               (unsigned int)line, text, expected ? expected : "(none)");
    }
    free(expected);
    return same;
}

#endif
