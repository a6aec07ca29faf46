/*
 * test_diskshadow_exec.c: diskshadow's executor drives VSS the way Windows'
 * diskshadow does, against a fake IVssBackupComponents that records every
 * call.  The fake returns the ids, names and times of the Windows transcripts
 * (samples/diskshadow-scripts/output/), so whole runs of the sample scripts
 * are compared with what Windows printed (VSS-FACTS.md §6.3); the call logs
 * check the sequence of VSS-FACTS.md §1.2 and the clean-up of §1.6 and §6.1
 * (a script that fails or stops in a backup leaves nothing frozen or held).
 */
#define CONST_VTABLE    /* vtables of the fakes are const, as in Umbra's own objects */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "harness.h"
#include "../../programs/diskshadow/session.h"
#include "../../programs/diskshadow/cab.h"
#include "../../programs/diskshadow/script.h"

/* --- the fake VSS ------------------------------------------------------------------------ */

#define MAX_SNAPS 16
#define LOG_SIZE 16384

struct fake_snap
{
    GUID id, set;
    WCHAR volume[128];          /* as passed to AddToSnapshotSet */
    WCHAR exposed[256];
    LONG attributes;
    long long created;
    GUID provider;
    int done;                   /* DoSnapshotSet finished */
    int auto_release;
    void *owner;
};

static struct
{
    char log[LOG_SIZE];
    int live;                   /* requester objects not yet released */
    struct fake_snap snaps[MAX_SNAPS];
    int nsnaps;
    GUID next_set;
    GUID next_ids[4];
    int next_id;
    HRESULT fail_do_snapshot;   /* async result of DoSnapshotSet */
    HRESULT fail_prepare;
    int writers;                /* how many fake writers answer Identify */
    char writer_dir[1024];      /* where writer 0's files are */
} fake;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    size_t len = strlen(fake.log);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fake.log + len, LOG_SIZE - len, fmt, ap);
    va_end(ap);
    len = strlen(fake.log);
    if (len + 1 < LOG_SIZE) strcat(fake.log, " ");
}

static void narrow(char *out, size_t size, const WCHAR *w)
{
    size_t i;
    for (i = 0; w && w[i] && i + 1 < size; i++) out[i] = (char)w[i];
    out[i] = 0;
}

static WCHAR *wdup(const WCHAR *w)
{
    return w ? wcsdup(w) : NULL;
}

/* the fake API functions */
static BSTR fake_sys_alloc_string(const OLECHAR *text) { return text ? wcsdup(text) : NULL; }
static void fake_sys_free_string(BSTR text) { free(text); }
static void fake_co_task_mem_free(void *mem) { free(mem); }

static void fake_free_props(VSS_SNAPSHOT_PROP *p)
{
    free(p->m_pwszSnapshotDeviceObject);
    free(p->m_pwszOriginalVolumeName);
    free(p->m_pwszOriginatingMachine);
    free(p->m_pwszServiceMachine);
    free(p->m_pwszExposedName);
    free(p->m_pwszExposedPath);
}

/* IVssAsync */
struct fake_async
{
    IVssAsync IVssAsync_iface;
    LONG ref;
    HRESULT result;
};

static HRESULT STDMETHODCALLTYPE async_QueryInterface(IVssAsync *iface, REFIID riid, void **out)
{
    (void)iface; (void)riid; *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE async_AddRef(IVssAsync *iface) { return ++((struct fake_async *)iface)->ref; }
static ULONG STDMETHODCALLTYPE async_Release(IVssAsync *iface)
{
    struct fake_async *a = (struct fake_async *)iface;
    ULONG ref = --a->ref;
    if (!ref) free(a);
    return ref;
}
static HRESULT STDMETHODCALLTYPE async_Cancel(IVssAsync *iface) { (void)iface; return S_OK; }
static HRESULT STDMETHODCALLTYPE async_Wait(IVssAsync *iface, DWORD ms) { (void)iface; (void)ms; return S_OK; }
static HRESULT STDMETHODCALLTYPE async_QueryStatus(IVssAsync *iface, HRESULT *result, INT *reserved)
{
    (void)reserved;
    *result = ((struct fake_async *)iface)->result;
    return S_OK;
}
static const IVssAsyncVtbl async_vtbl =
{
    async_QueryInterface, async_AddRef, async_Release, async_Cancel, async_Wait, async_QueryStatus,
};

static HRESULT new_async(HRESULT result, IVssAsync **out)
{
    struct fake_async *a = calloc(1, sizeof(*a));
    a->IVssAsync_iface.lpVtbl = &async_vtbl;
    a->ref = 1;
    a->result = FAILED(result) ? result : VSS_S_ASYNC_FINISHED;
    *out = &a->IVssAsync_iface;
    return S_OK;
}

/* IVssEnumObject over a copy of some props */
struct fake_enum
{
    IVssEnumObject IVssEnumObject_iface;
    LONG ref;
    VSS_OBJECT_PROP items[MAX_SNAPS + 1];
    int count, next;
};

static HRESULT STDMETHODCALLTYPE enum_QueryInterface(IVssEnumObject *iface, REFIID riid, void **out)
{
    (void)iface; (void)riid; *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE enum_AddRef(IVssEnumObject *iface) { return ++((struct fake_enum *)iface)->ref; }
static ULONG STDMETHODCALLTYPE enum_Release(IVssEnumObject *iface)
{
    struct fake_enum *e = (struct fake_enum *)iface;
    ULONG ref = --e->ref;
    if (!ref)
    {
        /* what was not handed out is ours to free */
        for (; e->next < e->count; e->next++)
        {
            if (e->items[e->next].Type == VSS_OBJECT_SNAPSHOT) fake_free_props(&e->items[e->next].Obj.Snap);
            else
            {
                free(e->items[e->next].Obj.Prov.m_pwszProviderName);
                free(e->items[e->next].Obj.Prov.m_pwszProviderVersion);
            }
        }
        free(e);
    }
    return ref;
}
static HRESULT STDMETHODCALLTYPE enum_Next(IVssEnumObject *iface, ULONG celt, VSS_OBJECT_PROP *out, ULONG *fetched)
{
    struct fake_enum *e = (struct fake_enum *)iface;
    *fetched = 0;
    if (celt < 1 || e->next >= e->count) return S_FALSE;
    out[0] = e->items[e->next++];
    *fetched = 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE enum_Skip(IVssEnumObject *iface, ULONG celt) { (void)iface; (void)celt; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE enum_Reset(IVssEnumObject *iface) { ((struct fake_enum *)iface)->next = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE enum_Clone(IVssEnumObject *iface, IVssEnumObject **out) { (void)iface; *out = NULL; return E_NOTIMPL; }
static const IVssEnumObjectVtbl enum_vtbl =
{
    enum_QueryInterface, enum_AddRef, enum_Release, enum_Next, enum_Skip, enum_Reset, enum_Clone,
};

static void fill_props(const struct fake_snap *s, VSS_SNAPSHOT_PROP *p)
{
    memset(p, 0, sizeof(*p));
    p->m_SnapshotId = s->id;
    p->m_SnapshotSetId = s->set;
    p->m_lSnapshotsCount = 1;
    p->m_pwszSnapshotDeviceObject = wcsdup(L"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1");
    p->m_pwszOriginalVolumeName = wcsdup(L"\\\\?\\Volume{6cd5140b-0000-0000-0000-602200000000}\\");
    p->m_pwszOriginatingMachine = wcsdup(L"DC01.BLACKFIELD.local");
    p->m_pwszServiceMachine = wcsdup(L"DC01.BLACKFIELD.local");
    p->m_pwszExposedName = s->exposed[0] ? wcsdup(s->exposed) : NULL;
    p->m_ProviderId = s->provider;
    p->m_lSnapshotAttributes = s->attributes;
    p->m_tsCreationTimestamp = s->created;
    p->m_eStatus = VSS_SS_CREATED;
}

/* IVssWMFiledesc, IVssWMComponent, IVssExamineWriterMetadata: one component per writer */
struct fake_filedesc { IVssWMFiledesc iface; LONG ref; WCHAR path[512]; };
static HRESULT STDMETHODCALLTYPE fd_QueryInterface(IVssWMFiledesc *i, REFIID r, void **o) { (void)i; (void)r; *o = NULL; return E_NOINTERFACE; }
static ULONG STDMETHODCALLTYPE fd_AddRef(IVssWMFiledesc *i) { return ++((struct fake_filedesc *)i)->ref; }
static ULONG STDMETHODCALLTYPE fd_Release(IVssWMFiledesc *i)
{
    struct fake_filedesc *f = (struct fake_filedesc *)i;
    ULONG ref = --f->ref;
    if (!ref) free(f);
    return ref;
}
static HRESULT STDMETHODCALLTYPE fd_GetPath(IVssWMFiledesc *i, BSTR *b) { *b = wcsdup(((struct fake_filedesc *)i)->path); return S_OK; }
static HRESULT STDMETHODCALLTYPE fd_GetFilespec(IVssWMFiledesc *i, BSTR *b) { (void)i; *b = wcsdup(L"*"); return S_OK; }
static HRESULT STDMETHODCALLTYPE fd_GetRecursive(IVssWMFiledesc *i, bool *r) { (void)i; *r = true; return S_OK; }
static HRESULT STDMETHODCALLTYPE fd_GetAlternateLocation(IVssWMFiledesc *i, BSTR *b) { (void)i; *b = NULL; return S_FALSE; }
static HRESULT STDMETHODCALLTYPE fd_GetBackupTypeMask(IVssWMFiledesc *i, DWORD *m) { (void)i; *m = 0; return S_OK; }
static const IVssWMFiledescVtbl fd_vtbl =
{
    fd_QueryInterface, fd_AddRef, fd_Release, fd_GetPath, fd_GetFilespec, fd_GetRecursive,
    fd_GetAlternateLocation, fd_GetBackupTypeMask,
};

struct fake_component { IVssWMComponent iface; LONG ref; int writer; };
static HRESULT STDMETHODCALLTYPE wc_QueryInterface(IVssWMComponent *i, REFIID r, void **o) { (void)i; (void)r; *o = NULL; return E_NOINTERFACE; }
static ULONG STDMETHODCALLTYPE wc_AddRef(IVssWMComponent *i) { return ++((struct fake_component *)i)->ref; }
static ULONG STDMETHODCALLTYPE wc_Release(IVssWMComponent *i)
{
    struct fake_component *c = (struct fake_component *)i;
    ULONG ref = --c->ref;
    if (!ref) free(c);
    return ref;
}
static HRESULT STDMETHODCALLTYPE wc_GetComponentInfo(IVssWMComponent *i, PVSSCOMPONENTINFO *out)
{
    struct fake_component *c = (struct fake_component *)i;
    VSS_COMPONENTINFO *info = calloc(1, sizeof(*info));
    info->type = VSS_CT_FILEGROUP;
    info->bstrLogicalPath = c->writer ? wcsdup(L"BCD") : NULL;
    info->bstrComponentName = wcsdup(c->writer ? L"BCD" : L"Data");
    info->bstrCaption = wcsdup(L"caption");
    info->bSelectable = c->writer == 0;
    info->cFileCount = 1;
    *out = info;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wc_FreeComponentInfo(IVssWMComponent *i, PVSSCOMPONENTINFO p)
{
    VSS_COMPONENTINFO *info = (VSS_COMPONENTINFO *)p;
    (void)i;
    free(info->bstrLogicalPath);
    free(info->bstrComponentName);
    free(info->bstrCaption);
    free(info);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wc_GetFile(IVssWMComponent *i, UINT n, IVssWMFiledesc **out)
{
    struct fake_component *c = (struct fake_component *)i;
    struct fake_filedesc *f = calloc(1, sizeof(*f));
    (void)n;
    f->iface.lpVtbl = &fd_vtbl;
    f->ref = 1;
    if (c->writer == 0)
    {
        size_t k;
        for (k = 0; fake.writer_dir[k] && k < 500; k++) f->path[k] = (WCHAR)(unsigned char)fake.writer_dir[k];
        wcscpy(f->path + k, L"/data");
    }
    else wcscpy(f->path, L"Q:\\Boot");      /* a drive no test maps */
    *out = &f->iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wc_GetDatabaseFile(IVssWMComponent *i, UINT n, IVssWMFiledesc **o) { (void)i; (void)n; *o = NULL; return E_INVALIDARG; }
static HRESULT STDMETHODCALLTYPE wc_GetDatabaseLogFile(IVssWMComponent *i, UINT n, IVssWMFiledesc **o) { (void)i; (void)n; *o = NULL; return E_INVALIDARG; }
static HRESULT STDMETHODCALLTYPE wc_GetDependency(IVssWMComponent *i, UINT n, IVssWMDependency **o) { (void)i; (void)n; *o = NULL; return E_INVALIDARG; }
static const IVssWMComponentVtbl wc_vtbl =
{
    wc_QueryInterface, wc_AddRef, wc_Release, wc_GetComponentInfo, wc_FreeComponentInfo, wc_GetFile,
    wc_GetDatabaseFile, wc_GetDatabaseLogFile, wc_GetDependency,
};

struct fake_wmd { IVssExamineWriterMetadata iface; LONG ref; int writer; };
static const GUID writer_ids[2] =
{
    { 0x11111111, 0x1111, 0x1111, { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 } },
    { 0x22222222, 0x2222, 0x2222, { 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22 } },
};
static HRESULT STDMETHODCALLTYPE wm_QueryInterface(IVssExamineWriterMetadata *i, REFIID r, void **o) { (void)i; (void)r; *o = NULL; return E_NOINTERFACE; }
static ULONG STDMETHODCALLTYPE wm_AddRef(IVssExamineWriterMetadata *i) { return ++((struct fake_wmd *)i)->ref; }
static ULONG STDMETHODCALLTYPE wm_Release(IVssExamineWriterMetadata *i)
{
    struct fake_wmd *w = (struct fake_wmd *)i;
    ULONG ref = --w->ref;
    if (!ref) free(w);
    return ref;
}
static HRESULT STDMETHODCALLTYPE wm_GetIdentity(IVssExamineWriterMetadata *i, VSS_ID *inst, VSS_ID *wid, BSTR *name,
                                                VSS_USAGE_TYPE *usage, VSS_SOURCE_TYPE *source)
{
    struct fake_wmd *w = (struct fake_wmd *)i;
    *inst = writer_ids[w->writer];
    *wid = writer_ids[w->writer];
    *name = wcsdup(w->writer ? L"ASR Writer" : L"Fake Writer");
    *usage = VSS_UT_USERDATA;
    *source = VSS_ST_OTHER;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wm_GetFileCounts(IVssExamineWriterMetadata *i, UINT *inc, UINT *exc, UINT *comp)
{
    (void)i;
    *inc = 0; *exc = 0; *comp = 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wm_GetIncludeFile(IVssExamineWriterMetadata *i, UINT n, IVssWMFiledesc **o) { (void)i; (void)n; *o = NULL; return E_INVALIDARG; }
static HRESULT STDMETHODCALLTYPE wm_GetExcludeFile(IVssExamineWriterMetadata *i, UINT n, IVssWMFiledesc **o) { (void)i; (void)n; *o = NULL; return E_INVALIDARG; }
static HRESULT STDMETHODCALLTYPE wm_GetComponent(IVssExamineWriterMetadata *i, UINT n, IVssWMComponent **out)
{
    struct fake_component *c = calloc(1, sizeof(*c));
    (void)n;
    c->iface.lpVtbl = &wc_vtbl;
    c->ref = 1;
    c->writer = ((struct fake_wmd *)i)->writer;
    *out = &c->iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wm_GetRestoreMethod(IVssExamineWriterMetadata *i, VSS_RESTOREMETHOD_ENUM *m, BSTR *svc,
                                                     BSTR *proc, VSS_WRITERRESTORE_ENUM *wr, bool *reboot, UINT *maps)
{
    (void)i;
    *m = VSS_RME_RESTORE_IF_CAN_REPLACE; *svc = NULL; *proc = NULL; *wr = VSS_WRE_NEVER; *reboot = false; *maps = 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wm_GetAlternateLocationMapping(IVssExamineWriterMetadata *i, UINT n, IVssWMFiledesc **o) { (void)i; (void)n; *o = NULL; return E_INVALIDARG; }
static HRESULT STDMETHODCALLTYPE wm_GetBackupSchema(IVssExamineWriterMetadata *i, DWORD *m) { (void)i; *m = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE wm_GetDocument(IVssExamineWriterMetadata *i, IXMLDOMDocument **d) { (void)i; *d = NULL; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE wm_SaveAsXML(IVssExamineWriterMetadata *i, BSTR *xml)
{
    *xml = wcsdup(((struct fake_wmd *)i)->writer ? L"<WRITER_METADATA n=\"1\"/>" : L"<WRITER_METADATA n=\"0\"/>");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE wm_LoadFromXML(IVssExamineWriterMetadata *i, BSTR xml) { (void)i; (void)xml; return E_NOTIMPL; }
static const IVssExamineWriterMetadataVtbl wm_vtbl =
{
    wm_QueryInterface, wm_AddRef, wm_Release, wm_GetIdentity, wm_GetFileCounts, wm_GetIncludeFile,
    wm_GetExcludeFile, wm_GetComponent, wm_GetRestoreMethod, wm_GetAlternateLocationMapping, wm_GetBackupSchema,
    wm_GetDocument, wm_SaveAsXML, wm_LoadFromXML,
};

/* IVssBackupComponents (with the Ex2/Ex3 methods the executor uses) */
struct fake_bc
{
    IVssBackupComponentsEx4 iface;
    LONG ref;
    LONG context;
    int disabled;               /* DisableWriterClasses count */
};

static struct fake_bc *impl(IVssBackupComponentsEx4 *iface) { return (struct fake_bc *)iface; }

static const GUID iid_ex2 = { 0xacfe2b3a, 0x22c9, 0x4ef8, { 0xbd, 0x03, 0x2f, 0x9c, 0xa2, 0x30, 0x08, 0x4e } };
static const GUID iid_ex3 = { 0xc191bfbc, 0xb602, 0x4675, { 0x8b, 0xd1, 0x67, 0xd6, 0x42, 0xf5, 0x29, 0xd5 } };

static HRESULT STDMETHODCALLTYPE bc_QueryInterface(IVssBackupComponentsEx4 *iface, REFIID riid, void **out)
{
    if (IsEqualGUID(riid, &iid_ex2) || IsEqualGUID(riid, &iid_ex3))
    {
        impl(iface)->ref++;
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE bc_AddRef(IVssBackupComponentsEx4 *iface) { return ++impl(iface)->ref; }
static ULONG STDMETHODCALLTYPE bc_Release(IVssBackupComponentsEx4 *iface)
{
    struct fake_bc *bc = impl(iface);
    ULONG ref = --bc->ref;
    int i, j;

    if (ref) return ref;
    logf_("Release");
    /* auto-release shadow copies die with their requester object (rule R32) */
    for (i = j = 0; i < fake.nsnaps; i++)
        if (!(fake.snaps[i].owner == bc && (fake.snaps[i].auto_release || !fake.snaps[i].done))) fake.snaps[j++] = fake.snaps[i];
    fake.nsnaps = j;
    fake.live--;
    free(bc);
    return 0;
}
static HRESULT STDMETHODCALLTYPE bc_InitializeForBackup(IVssBackupComponentsEx4 *iface, BSTR xml)
{
    (void)iface;
    logf_("InitializeForBackup%s", xml ? "(xml)" : "");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_SetBackupState(IVssBackupComponentsEx4 *iface, bool select, bool boot, VSS_BACKUP_TYPE type, bool partial)
{
    (void)iface; (void)select; (void)boot; (void)partial;
    logf_("SetBackupState(%s)", type == VSS_BT_FULL ? "full" : type == VSS_BT_COPY ? "copy" : "?");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_InitializeForRestore(IVssBackupComponentsEx4 *iface, BSTR xml)
{
    (void)iface;
    logf_("InitializeForRestore%s", xml ? "(xml)" : "");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_SetRestoreState(IVssBackupComponentsEx4 *iface, VSS_RESTORE_TYPE t)
{
    (void)iface; (void)t;
    logf_("SetRestoreState");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_GatherWriterMetadata(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("GatherWriterMetadata");
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_GetWriterMetadataCount(IVssBackupComponentsEx4 *iface, UINT *n)
{
    *n = impl(iface)->disabled ? 0 : (UINT)fake.writers;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_GetWriterMetadata(IVssBackupComponentsEx4 *iface, UINT i, VSS_ID *inst,
                                                      IVssExamineWriterMetadata **out)
{
    struct fake_wmd *w = calloc(1, sizeof(*w));
    (void)iface;
    w->iface.lpVtbl = &wm_vtbl;
    w->ref = 1;
    w->writer = (int)i;
    *inst = writer_ids[i];
    *out = &w->iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_FreeWriterMetadata(IVssBackupComponentsEx4 *iface) { (void)iface; return S_OK; }
static HRESULT STDMETHODCALLTYPE bc_AddComponent(IVssBackupComponentsEx4 *iface, VSS_ID inst, VSS_ID wid, VSS_COMPONENT_TYPE ct,
                                                 LPCWSTR lp, LPCWSTR name)
{
    char n[64];
    (void)iface; (void)inst; (void)wid; (void)ct; (void)lp;
    narrow(n, sizeof(n), name);
    logf_("AddComponent(%s)", n);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_PrepareForBackup(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("PrepareForBackup");
    return new_async(fake.fail_prepare, async);
}
static HRESULT STDMETHODCALLTYPE bc_AbortBackup(IVssBackupComponentsEx4 *iface)
{
    int i, j;
    logf_("AbortBackup");
    for (i = j = 0; i < fake.nsnaps; i++)
        if (!(fake.snaps[i].owner == impl(iface) && !fake.snaps[i].done)) fake.snaps[j++] = fake.snaps[i];
    fake.nsnaps = j;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_GatherWriterStatus(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("GatherWriterStatus");
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_GetWriterStatusCount(IVssBackupComponentsEx4 *iface, UINT *n)
{
    (void)iface;
    *n = (UINT)fake.writers;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_FreeWriterStatus(IVssBackupComponentsEx4 *iface) { (void)iface; return S_OK; }
static HRESULT STDMETHODCALLTYPE bc_GetWriterStatus(IVssBackupComponentsEx4 *iface, UINT i, VSS_ID *inst, VSS_ID *wid,
                                                    BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure)
{
    (void)iface;
    *inst = writer_ids[i];
    *wid = writer_ids[i];
    *name = wcsdup(i ? L"ASR Writer" : L"Fake Writer");
    *state = VSS_WS_STABLE;
    *failure = S_OK;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_SetBackupSucceeded(IVssBackupComponentsEx4 *iface, VSS_ID inst, VSS_ID wid,
                                                       VSS_COMPONENT_TYPE ct, LPCWSTR lp, LPCWSTR name, bool ok)
{
    char n[64];
    (void)iface; (void)inst; (void)wid; (void)ct; (void)lp;
    narrow(n, sizeof(n), name);
    logf_("SetBackupSucceeded(%s,%d)", n, ok);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_SaveAsXML(IVssBackupComponentsEx4 *iface, BSTR *xml)
{
    (void)iface;
    logf_("SaveAsXML");
    *xml = wcsdup(L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\"/>");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_BackupComplete(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("BackupComplete");
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_PreRestore(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("PreRestore");
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_PostRestore(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("PostRestore");
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_SetContext(IVssBackupComponentsEx4 *iface, LONG context)
{
    impl(iface)->context = context;
    logf_("SetContext(0x%x)", (unsigned int)context);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_StartSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_ID *set)
{
    (void)iface;
    logf_("StartSnapshotSet");
    *set = fake.next_set;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_AddToSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_PWSZ volume, VSS_ID provider, VSS_ID *id)
{
    struct fake_snap *s = &fake.snaps[fake.nsnaps++];
    char v[128];

    narrow(v, sizeof(v), volume);
    logf_("AddToSnapshotSet(%s)", v);
    memset(s, 0, sizeof(*s));
    if (fake.next_id < 4) s->id = fake.next_ids[fake.next_id];
    else
    {
        /* after the transcripts' ids, fresh ones */
        s->id = fake.next_ids[0];
        s->id.Data1 = 0xf0000000u + (unsigned int)fake.next_id;
    }
    fake.next_id++;
    *id = s->id;
    s->set = fake.next_set;
    wcsncpy(s->volume, volume, 127);
    s->provider = provider;
    s->owner = impl(iface);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_DoSnapshotSet(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    static const GUID system_provider = { 0xb5946137, 0x7b9f, 0x4925, { 0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } };
    struct fake_bc *bc = impl(iface);
    int i;

    logf_("DoSnapshotSet");
    if (FAILED(fake.fail_do_snapshot)) return new_async(fake.fail_do_snapshot, async);
    for (i = 0; i < fake.nsnaps; i++)
    {
        struct fake_snap *s = &fake.snaps[i];
        if (s->owner != bc || s->done) continue;
        s->done = 1;
        s->attributes = (bc->context & 0x1f) | 0x00020000;
        s->auto_release = !(bc->context & 0x8);
        s->provider = system_provider;
        /* 2/7/2024 3:57:36 PM UTC, output/03 */
        s->created = 1707321456LL * 10000000LL + 116444736000000000LL;
    }
    return new_async(S_OK, async);
}
static struct fake_snap *find_snap(VSS_ID id)
{
    int i;
    for (i = 0; i < fake.nsnaps; i++) if (IsEqualGUID(&fake.snaps[i].id, &id) && fake.snaps[i].done) return &fake.snaps[i];
    return NULL;
}
static HRESULT STDMETHODCALLTYPE bc_GetSnapshotProperties(IVssBackupComponentsEx4 *iface, VSS_ID id, VSS_SNAPSHOT_PROP *p)
{
    struct fake_snap *s = find_snap(id);
    (void)iface;
    logf_("GetSnapshotProperties");
    if (!s) return VSS_E_OBJECT_NOT_FOUND;
    fill_props(s, p);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_Query(IVssBackupComponentsEx4 *iface, VSS_ID id, VSS_OBJECT_TYPE qt, VSS_OBJECT_TYPE rt,
                                          IVssEnumObject **out)
{
    struct fake_enum *e = calloc(1, sizeof(*e));
    int i;
    (void)iface; (void)id; (void)qt;

    logf_("Query(%s)", rt == VSS_OBJECT_PROVIDER ? "providers" : "snapshots");
    e->IVssEnumObject_iface.lpVtbl = &enum_vtbl;
    e->ref = 1;
    if (rt == VSS_OBJECT_PROVIDER)
    {
        VSS_PROVIDER_PROP *p = &e->items[0].Obj.Prov;
        e->items[0].Type = VSS_OBJECT_PROVIDER;
        p->m_ProviderId = (GUID){ 0xb5946137, 0x7b9f, 0x4925, { 0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } };
        p->m_pwszProviderName = wcsdup(L"Microsoft Software Shadow Copy provider 1.0");
        p->m_eProviderType = VSS_PROV_SYSTEM;
        p->m_pwszProviderVersion = wcsdup(L"1.0.0.7");
        p->m_ClassId = (GUID){ 0x65ee1dba, 0x8ff4, 0x4a58, { 0xac, 0x1c, 0x34, 0x70, 0xee, 0x2f, 0x37, 0x6a } };
        e->count = 1;
    }
    else
        for (i = 0; i < fake.nsnaps; i++)
        {
            if (!fake.snaps[i].done) continue;
            e->items[e->count].Type = VSS_OBJECT_SNAPSHOT;
            fill_props(&fake.snaps[i], &e->items[e->count++].Obj.Snap);
        }
    *out = &e->IVssEnumObject_iface;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_DeleteSnapshots(IVssBackupComponentsEx4 *iface, VSS_ID id, VSS_OBJECT_TYPE type, BOOL force,
                                                    LONG *deleted, VSS_ID *nondeleted)
{
    struct fake_snap *s = find_snap(id);
    (void)iface; (void)type; (void)force; (void)nondeleted;
    logf_("DeleteSnapshots");
    if (!s) return VSS_E_OBJECT_NOT_FOUND;
    *s = fake.snaps[--fake.nsnaps];
    *deleted = 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_IsVolumeSupported(IVssBackupComponentsEx4 *iface, VSS_ID provider, VSS_PWSZ volume, BOOL *ok)
{
    char v[128];
    (void)iface; (void)provider;
    narrow(v, sizeof(v), volume);
    logf_("IsVolumeSupported(%s)", v);
    if (!strcmp(v, "Volume01")) return VSS_E_OBJECT_NOT_FOUND;
    *ok = strcmp(v, "unsupported:") != 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_DisableWriterClasses(IVssBackupComponentsEx4 *iface, const VSS_ID *ids, UINT n)
{
    (void)ids;
    logf_("DisableWriterClasses(%u)", n);
    impl(iface)->disabled = (int)n;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_ExposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id, VSS_PWSZ path, LONG attr,
                                                   VSS_PWSZ expose, VSS_PWSZ *exposed)
{
    struct fake_snap *s = find_snap(id);
    char e[256];
    (void)iface; (void)path;
    narrow(e, sizeof(e), expose);
    logf_("ExposeSnapshot(%s,%s)", e, attr == VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY ? "local" : "remote");
    if (!s) return VSS_E_OBJECT_NOT_FOUND;
    if (!(s->attributes & 0x1)) return VSS_E_BAD_STATE;   /* only persistent ones */
    wcsncpy(s->exposed, expose, 255);
    s->attributes |= attr;
    *exposed = wdup(expose);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_RevertToSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id, BOOL force)
{
    (void)iface; (void)force;
    logf_("RevertToSnapshot");
    return find_snap(id) ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}
static HRESULT STDMETHODCALLTYPE bc_ImportSnapshots(IVssBackupComponentsEx4 *iface, IVssAsync **async)
{
    (void)iface;
    logf_("ImportSnapshots");
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_GetWriterComponentsCount(IVssBackupComponentsEx4 *iface, UINT *n)
{
    (void)iface;
    *n = 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_UnexposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID id)
{
    struct fake_snap *s = find_snap(id);
    (void)iface;
    logf_("UnexposeSnapshot");
    if (!s || !s->exposed[0]) return VSS_E_OBJECT_NOT_FOUND;
    s->exposed[0] = 0;
    s->attributes &= ~0x00300000;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_BreakSnapshotSetEx(IVssBackupComponentsEx4 *iface, VSS_ID set, DWORD flags, IVssAsync **async)
{
    (void)iface; (void)set;
    logf_("BreakSnapshotSetEx(0x%x)", (unsigned int)flags);
    return new_async(S_OK, async);
}
static HRESULT STDMETHODCALLTYPE bc_AddSnapshotToRecoverySet(IVssBackupComponentsEx4 *iface, VSS_ID id, DWORD flags, VSS_PWSZ dest)
{
    (void)iface; (void)id; (void)flags; (void)dest;
    logf_("AddSnapshotToRecoverySet");
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_RecoverSet(IVssBackupComponentsEx4 *iface, DWORD flags, IVssAsync **async)
{
    (void)iface;
    logf_("RecoverSet(0x%x)", (unsigned int)flags);
    return new_async(S_OK, async);
}

static const IVssBackupComponentsEx4Vtbl bc_vtbl =
{
    .QueryInterface = bc_QueryInterface,
    .AddRef = bc_AddRef,
    .Release = bc_Release,
    .InitializeForBackup = bc_InitializeForBackup,
    .SetBackupState = bc_SetBackupState,
    .InitializeForRestore = bc_InitializeForRestore,
    .SetRestoreState = bc_SetRestoreState,
    .GatherWriterMetadata = bc_GatherWriterMetadata,
    .GetWriterMetadataCount = bc_GetWriterMetadataCount,
    .GetWriterMetadata = bc_GetWriterMetadata,
    .FreeWriterMetadata = bc_FreeWriterMetadata,
    .AddComponent = bc_AddComponent,
    .PrepareForBackup = bc_PrepareForBackup,
    .AbortBackup = bc_AbortBackup,
    .GatherWriterStatus = bc_GatherWriterStatus,
    .GetWriterStatusCount = bc_GetWriterStatusCount,
    .FreeWriterStatus = bc_FreeWriterStatus,
    .GetWriterStatus = bc_GetWriterStatus,
    .SetBackupSucceeded = bc_SetBackupSucceeded,
    .SaveAsXML = bc_SaveAsXML,
    .BackupComplete = bc_BackupComplete,
    .PreRestore = bc_PreRestore,
    .PostRestore = bc_PostRestore,
    .SetContext = bc_SetContext,
    .StartSnapshotSet = bc_StartSnapshotSet,
    .AddToSnapshotSet = bc_AddToSnapshotSet,
    .DoSnapshotSet = bc_DoSnapshotSet,
    .DeleteSnapshots = bc_DeleteSnapshots,
    .ImportSnapshots = bc_ImportSnapshots,
    .GetSnapshotProperties = bc_GetSnapshotProperties,
    .Query = bc_Query,
    .IsVolumeSupported = bc_IsVolumeSupported,
    .DisableWriterClasses = bc_DisableWriterClasses,
    .ExposeSnapshot = bc_ExposeSnapshot,
    .RevertToSnapshot = bc_RevertToSnapshot,
    .GetWriterComponentsCount = bc_GetWriterComponentsCount,
    .UnexposeSnapshot = bc_UnexposeSnapshot,
    .BreakSnapshotSetEx = bc_BreakSnapshotSetEx,
    .AddSnapshotToRecoverySet = bc_AddSnapshotToRecoverySet,
    .RecoverSet = bc_RecoverSet,
};

static HRESULT fake_create(IVssBackupComponents **out)
{
    struct fake_bc *bc = calloc(1, sizeof(*bc));
    bc->iface.lpVtbl = &bc_vtbl;
    bc->ref = 1;
    fake.live++;
    logf_("Create");
    *out = (IVssBackupComponents *)&bc->iface;
    return S_OK;
}

static HRESULT fake_create_examine(BSTR xml, IVssExamineWriterMetadata **out)
{
    (void)xml;
    *out = NULL;
    return E_NOTIMPL;
}

static const struct ds_vss_api fake_api =
{
    fake_create, fake_create_examine, fake_free_props, fake_sys_alloc_string, fake_sys_free_string,
    fake_co_task_mem_free, NULL, NULL,
};

/* --- running scripts --------------------------------------------------------------------- */

static GUID guid(const char *text)
{
    GUID g;
    memset(&g, 0, sizeof(g));
    CU_ASSERT_EQUAL(ds_parse_guid(text, &g), 0);
    return g;
}

static char cdrive[1024];        /* what C: maps to (dosdevices/c:) */

static void fake_reset(void)
{
    memset(&fake, 0, sizeof(fake));
    /* output/03's ids */
    fake.next_set = guid("{ba2663b8-6a3c-4340-9b6e-6c6806b93b21}");
    fake.next_ids[0] = guid("{55bc24a6-302e-4c96-a375-14299d2e6bdb}");
    fake.next_ids[1] = guid("{9c8474c6-d67a-401e-a611-2649e7f01c8b}");
    fake.next_ids[2] = guid("{b6a808bd-2394-4e03-b06e-60f5580061c9}");
    fake.next_ids[3] = guid("{10c53d13-aa53-4359-9b2c-75879f4a57e1}");
    snprintf(fake.writer_dir, sizeof(fake.writer_dir), "%s", cdrive);
}

struct run
{
    char *text;                 /* output, TABs expanded */
    enum ds_status status;
};

static char *expand_tabs(const char *in, size_t len)
{
    char *out = malloc(len * 8 + 1), *o = out;
    size_t i, col = 0;

    for (i = 0; i < len; i++)
    {
        if (in[i] == '\t') { do { *o++ = ' '; col++; } while (col % 8); continue; }
        *o++ = in[i];
        col = in[i] == '\n' ? 0 : col + 1;
    }
    *o = 0;
    return out;
}

/* Run script text (lines separated by \n) in a fresh session. */
static struct run run_script(const char *text)
{
    struct ds_session s;
    struct ds_out out = { 0 };
    struct ds_script script;
    struct run r;
    char *buf = NULL;
    size_t len = 0;

    out.con = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL_FATAL(ds_script_decode(text, strlen(text), &script, NULL), 0);
    ds_session_init(&s, &out, &fake_api, 1, "test.dsh");
    r.status = ds_run_script(&s, script.lines, script.count);
    ds_session_free(&s);
    ds_script_free(&script);
    fclose(out.con);
    r.text = expand_tabs(buf, len);
    free(buf);
    return r;
}

/* The transcript lines from `from` through the last line (or through `to`). */
static char *transcript(const char *file, const char *from, const char *to)
{
    char rel[256], line[4096], *text = NULL;
    size_t len = 0;
    FILE *f, *mem;
    int on = 0;

    snprintf(rel, sizeof(rel), "diskshadow-scripts/output/%s", file);
    CU_ASSERT_PTR_NOT_NULL_FATAL(umbra_sample_path(rel));
    CU_ASSERT_PTR_NOT_NULL_FATAL((f = fopen(umbra_sample_path(rel), "r")));
    mem = open_memstream(&text, &len);
    while (fgets(line, sizeof(line), f))
    {
        if (!on && !strcmp(line, from)) on = 1;
        if (!on) continue;
        fputs(line, mem);
        if (to && !strcmp(line, to)) break;
    }
    fclose(f);
    fclose(mem);
    return text;
}

static void assert_same(const char *got, const char *want)
{
    if (strcmp(got, want))
    {
        size_t i = 0;
        while (got[i] && got[i] == want[i]) i++;
        fprintf(stderr, "\n--- differs at byte %u\n--- got:\n%s\n--- want:\n%s\n", (unsigned int)i, got, want);
    }
    CU_ASSERT_STRING_EQUAL(got, want);
}

/* Replace our Dis<pid>.tmp by the transcript's name, the one line that differs. */
static void rename_log_member(char *text, const char *windows_name)
{
    char *p = strstr(text, "Inserted file Dis");
    if (p && strlen(p + 14) >= 11) memcpy(p + 14, windows_name, 11);
}

static int suite_init(void)
{
    char link[1200], dir[1100];

    setenv("TZ", "UTC", 1);
    tzset();
    /* C: is a directory of the test; a cabinet under c:\programdata lands there */
    snprintf(cdrive, sizeof(cdrive), "%s/c", umbra_test_tmpdir());
    snprintf(dir, sizeof(dir), "%s/config/dosdevices", umbra_test_tmpdir());
    snprintf(link, sizeof(link), "%s/c:", dir);
    if (mkdir(cdrive, 0700) || mkdir(dir, 0700) < 0) {}
    snprintf(dir, sizeof(dir), "%s/config", umbra_test_tmpdir());
    mkdir(dir, 0700);
    snprintf(dir, sizeof(dir), "%s/config/dosdevices", umbra_test_tmpdir());
    mkdir(dir, 0700);
    if (symlink(cdrive, link) < 0 && errno != EEXIST) return -1;
    snprintf(dir, sizeof(dir), "%s/programdata", cdrive);
    mkdir(dir, 0700);
    snprintf(dir, sizeof(dir), "%s/config", umbra_test_tmpdir());
    setenv("VSS_CONFIG_DIR", dir, 1);
    return 0;
}

static void unset_aliases(void)
{
    static const char *const names[] = { "df", "chrono", "sidd", "VSS_SHADOW_SET", "VSS_SHADOW_1", "VSS_SHADOW_2", "x" };
    size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) unsetenv(names[i]);
}

/* --- whole runs against the Windows transcripts ------------------------------------------------- */

/* output/03 run 1 = sample 30: persistent, no writers, metadata, verbose, expose */
static void test_sample30_transcript(void)
{
    char cab[1200];
    struct run r;
    char *want;

    fake_reset();
    unset_aliases();
    snprintf(cab, sizeof(cab), "%s/programdata/df.cab", cdrive);
    unlink(cab);
    r = run_script("set context persistent nowriters\r\nset metadata c:\\programdata\\df.cab\r\nset verbose on\r\n"
                   "add volume c: alias df\r\ncreate\r\nexpose %df% z:\r\n");
    rename_log_member(r.text, "Dis7FF1.tmp");
    want = transcript("03_opabravo_blackfield_create_then_delete.txt", "-> set context persistent nowriters\n", "->\n");
    assert_same(r.text, want);
    CU_ASSERT_EQUAL(r.status, DS_OK);
    /* the cabinet is there (libgcab wrote it) */
    CU_ASSERT_EQUAL(access(cab, R_OK), 0);
    /* §1.2 without writers: no Identify, no PrepareForBackup; context before the set */
    CU_ASSERT_PTR_NULL(strstr(fake.log, "GatherWriterMetadata"));
    CU_ASSERT_PTR_NULL(strstr(fake.log, "PrepareForBackup"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "SetContext(0x19) StartSnapshotSet AddToSnapshotSet(c:\\) DoSnapshotSet"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "ExposeSnapshot(z:,local)"));
    CU_ASSERT_EQUAL(fake.live, 0);
    /* persistent: still there after the session */
    CU_ASSERT_EQUAL(fake.nsnaps, 1);
    free(r.text);
    free(want);

    /* output/03 run 2 = sample 31: the cabinet exists, "delete shadows volume df", reset */
    setenv("df", "{55bc24a6-302e-4c96-a375-14299d2e6bdb}", 1);   /* still defined, as the run left it */
    fake.log[0] = 0;
    r = run_script("set context persistent nowriters\r\nset metadata c:\\programdata\\df.cab\r\nset verbose on\r\n"
                   "delete shadows volume df\r\nreset\r\n");
    want = transcript("03_opabravo_blackfield_create_then_delete.txt", "-> set context persistent nowriters\n", NULL);
    /* the second run of the transcript */
    {
        char *second = strstr(want + 1, "-> set context persistent nowriters\n");
        CU_ASSERT_PTR_NOT_NULL_FATAL(second);
        assert_same(r.text, second);
    }
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_EQUAL(fake.nsnaps, 0);
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);
    free(want);
    unsetenv("df");
}

/* output/04 = sample 29 (without its first line, which the transcript does not show) */
static void test_sample29_transcript(void)
{
    struct run r;
    char *want;

    fake_reset();
    unset_aliases();
    fake.next_set = guid("{d1f65e75-d98c-4716-9e6a-c820ee4f1306}");
    fake.next_ids[0] = guid("{9c8474c6-d67a-401e-a611-2649e7f01c8b}");
    r = run_script("set context persistent nowriters\r\nadd volume c: alias chrono\r\ncreate\r\nexpose %chrono% z:\r\n");
    want = transcript("04_chronopad_blackfield_nowriters.txt", "-> set context persistent nowriters\n", "->\n");
    /* the transcript's creation time is 1/25/2025 8:56:28 AM, the fake's 2/7/2024 3:57:36 PM */
    {
        static const char old_time[] = "1/25/2025 8:56:28 AM", new_time[] = "2/7/2024 3:57:36 PM";
        char *t = strstr(want, old_time);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        memmove(t + strlen(new_time), t + strlen(old_time), strlen(t + strlen(old_time)) + 1);
        memcpy(t, new_time, strlen(new_time));
    }
    assert_same(r.text, want);
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);
    free(want);
}

/* output/01 run 1: Windows' LF chop made "nowriters" "nowriter"; the usage ends the script */
static void test_usage_stops_script(void)
{
    struct run r;
    char *want;

    fake_reset();
    r = run_script("set context persistent nowriter\nadd volume c: alias sidd\ncreate\n");
    want = transcript("01_sidchn_blackfield_error_then_exec_failure.txt", "-> set context persistent nowriter\n",
                      "SET CONTEXT { CLIENTACCESSIBLE | PERSISTENT [ NOWRITERS ] | VOLATILE [ NOWRITERS ] }\n");
    CU_ASSERT(!strncmp(r.text, want, strlen(want)));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "        Example: SET CONTEXT CLIENTACCESSIBLE\n"));
    /* nothing after: no "-> add volume", no final "->" */
    CU_ASSERT_PTR_NULL(strstr(r.text, "-> add volume"));
    CU_ASSERT_PTR_NULL(strstr(r.text, "\n->\n"));
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    CU_ASSERT_EQUAL(fake.log[0], 0);   /* no VSS call at all */
    free(r.text);
    free(want);
}

/* --- EXEC (output/01 run 2) ------------------------------------------------------------------------ */

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *read_file(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n;
    if (!f) return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_exec(void)
{
    char script[2048], cmd[1200], seen[1200];
    struct run r;

    fake_reset();
    unset_aliases();
    /* aliases reach the program's environment; C:\ works as a path */
    snprintf(seen, sizeof(seen), "%s/seen.txt", cdrive);
    snprintf(cmd, sizeof(cmd), "%s/backup.cmd", cdrive);
    write_file(cmd, "echo \"$sidd $VSS_SHADOW_SET $1\" > \"$(dirname \"$0\")/seen.txt\"\n", 0644);
    snprintf(script, sizeof(script), "set context persistent nowriters\nadd volume c: alias sidd\ncreate\n"
                                     "exec c:\\backup.cmd arg1\n");
    r = run_script(script);
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_STRING_EQUAL(read_file(seen), "{55bc24a6-302e-4c96-a375-14299d2e6bdb} {ba2663b8-6a3c-4340-9b6e-6c6806b93b21} arg1\n");
    free(r.text);

    /* a failing script ends diskshadow with Windows' two lines */
    fake_reset();
    snprintf(cmd, sizeof(cmd), "%s/fail.sh", cdrive);
    write_file(cmd, "#!/bin/sh\nexit 1\n", 0755);
    snprintf(script, sizeof(script), "set context persistent nowriters\nexec %s\nlist providers\n", cmd);
    r = run_script(script);
    CU_ASSERT_EQUAL(r.status, DS_FAIL_EXEC);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "The command script returned failure exit code 1.\nThe command script failed.\n"));
    CU_ASSERT_PTR_NULL(strstr(r.text, "-> list providers"));
    free(r.text);

    /* a file that is not there */
    fake_reset();
    r = run_script("exec c:\\no-such-script.cmd\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_EXEC);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "The command script failed."));
    free(r.text);
    /* nor on a drive nobody mapped */
    r = run_script("exec q:\\backup.cmd\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_EXEC);
    free(r.text);
    unset_aliases();
}

/* --- bad scripts (issue 7) --------------------------------------------------------------------------- */

static void test_unknown_command(void)
{
    struct run r;

    fake_reset();
    r = run_script("set verbose on\ncreat\nlist providers\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "-> creat\n\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "DELETE SHADOWS"));      /* the command list */
    CU_ASSERT_PTR_NULL(strstr(r.text, "-> list providers"));
    free(r.text);
}

static void test_missing_argument(void)
{
    struct run r;

    fake_reset();
    r = run_script("add volume\ncreate\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "ADD VOLUME <volume> [ PROVIDER <provider id> ] [ ALIAS <name> ]"));
    CU_ASSERT_PTR_NULL(strstr(r.text, "-> create"));
    free(r.text);
}

static void test_undefined_alias(void)
{
    struct run r;

    fake_reset();
    unset_aliases();
    r = run_script("expose %nosuch% z:\nlist providers\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "\"%nosuch%\""));
    CU_ASSERT_PTR_NULL(strstr(fake.log, "ExposeSnapshot"));
    CU_ASSERT_PTR_NULL(strstr(r.text, "-> list providers"));
    free(r.text);

    /* a bare word that names no alias is no shadow copy either */
    r = run_script("delete shadows id nosuch\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    free(r.text);
}

/* Cut off after CREATE in a backup: Windows' note, and the object released */
static void test_cut_off_in_backup(void)
{
    struct run r;

    fake_reset();
    unset_aliases();
    r = run_script("set context volatile nowriters\nbegin backup\nadd volume c: alias x\ncreate\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "->\nNote: END BACKUP was not commanded, writers not notified BackupComplete.\n"
                                          "DiskShadow is exiting.\n"));
    CU_ASSERT_EQUAL(fake.live, 0);
    /* volatile: gone with the requester object */
    CU_ASSERT_EQUAL(fake.nsnaps, 0);
    free(r.text);

    /* cut off in the middle of a line: the broken line fails, the backup never started a set */
    fake_reset();
    r = run_script("set context persistent\nbegin backup\nadd volume c: alias x\ncrea");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    CU_ASSERT_PTR_NULL(strstr(fake.log, "StartSnapshotSet"));
    CU_ASSERT_EQUAL(fake.live, 0);
    CU_ASSERT_EQUAL(fake.nsnaps, 0);
    free(r.text);
    unset_aliases();
}

/* A failure inside CREATE aborts the backup (rule R21): no set stays in creation */
static void test_create_failure_aborts(void)
{
    struct run r;

    fake_reset();
    unset_aliases();
    fake.fail_do_snapshot = VSS_E_PROVIDER_VETO;
    r = run_script("set context persistent nowriters\nbegin backup\nadd volume c:\ncreate\nend backup\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "The last operation failed.\n        - Returned HRESULT: 80042306\n"
                                          "        - Error text: VSS_E_PROVIDER_VETO\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "DoSnapshotSet AbortBackup"));
    CU_ASSERT_PTR_NULL(strstr(r.text, "-> end backup"));
    /* nothing was created, so no END BACKUP note */
    CU_ASSERT_PTR_NULL(strstr(r.text, "Note: END BACKUP"));
    CU_ASSERT_EQUAL(fake.live, 0);
    CU_ASSERT_EQUAL(fake.nsnaps, 0);
    CU_ASSERT_PTR_NULL(getenv("VSS_SHADOW_SET"));
    free(r.text);
}

/* --- writers: selection, verbose report, BackupComplete --------------------------------------------------- */

static void test_writers_backup(void)
{
    char data[1200];
    struct run r;

    fake_reset();
    unset_aliases();
    fake.writers = 2;
    snprintf(data, sizeof(data), "%s/data", cdrive);
    mkdir(data, 0700);
    r = run_script("set context persistent\nset verbose on\nbegin backup\nadd volume c: alias x\ncreate\nend backup\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    /* ASR Writer's only component is top level, not selectable, on a volume not in the set (output/02) */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "-> create\nComponent \"\\BCD\\BCD\" from writer \"ASR Writer\" is excluded from backup,\n"
                                          "because it requires volume Q:\\ which is not in the shadow copy set.\n"
                                          "The writer \"ASR Writer\" is now entirely excluded from the backup because the top-level\n"
                                          "non selectable component \"\\BCD\\BCD\" is excluded.\n"
                                          "\n* Including writer \"Fake Writer\":\n        + Adding component: \\Data\n\n"
                                          "Alias x for shadow ID"));
    /* §1.2: full backup after BEGIN BACKUP, Identify before the set, components before PrepareForBackup */
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "SetContext(0x9) SetBackupState(full) GatherWriterMetadata StartSnapshotSet "
                                            "AddToSnapshotSet(c:\\) AddComponent(Data) PrepareForBackup DoSnapshotSet "
                                            "GatherWriterStatus"));
    CU_ASSERT_PTR_NULL(strstr(fake.log, "AddComponent(BCD)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "SetBackupSucceeded(Data,1) BackupComplete GatherWriterStatus"));
    CU_ASSERT_PTR_NULL(strstr(r.text, "Note: END BACKUP"));
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);

    /* a copy backup without BEGIN BACKUP; WRITER EXCLUDE by id disables the class before Identify */
    fake_reset();
    fake.writers = 2;
    r = run_script("set context persistent\nwriter exclude {11111111-1111-1111-1111-111111111111}\nadd volume c:\ncreate\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "SetBackupState(copy) DisableWriterClasses(1) GatherWriterMetadata"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Alias VSS_SHADOW_1 for shadow ID {55bc24a6-302e-4c96-a375-14299d2e6bdb} set as environment variable.\n"));
    free(r.text);

    /* WRITER VERIFY of a writer that is left out fails CREATE before any set is started */
    fake_reset();
    fake.writers = 2;
    r = run_script("set context persistent\nwriter verify ASR Writer\nadd volume c:\ncreate\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "\"ASR Writer\""));
    CU_ASSERT_PTR_NULL(strstr(fake.log, "StartSnapshotSet"));
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);

    /* LIST WRITERS STATUS (§6.3) */
    fake_reset();
    fake.writers = 2;
    r = run_script("list writers status\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Listing writer status ...\n\n* WRITER \"Fake Writer\"\n"
                                          "        - Status: 1 (VSS_WS_STABLE)\n"
                                          "        - Writer Failure code: 0x00000000 (S_OK)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "2 writers listed.\n"));
    free(r.text);
    r = run_script("list writers detailed\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "+ Component \"Fake Writer:\\Data\""));
    free(r.text);
    unset_aliases();
}

/* --- the other commands ------------------------------------------------------------------------------ */

static void test_listing_and_deleting(void)
{
    struct run r;

    fake_reset();
    unset_aliases();
    r = run_script("set context persistent nowriters\nadd volume c:\ncreate\nlist shadows all\nlist providers\n"
                   "delete shadows set %VSS_SHADOW_SET%\nlist shadows all\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "* Shadow copy ID = {55bc24a6-302e-4c96-a375-14299d2e6bdb}               %VSS_SHADOW_1%\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Number of shadow copies listed: 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "* ProviderID: {b5946137-7b9f-4925-af80-51abd60b20d5}\n"
                                          "        Type: [1] VSS_PROV_SYSTEM\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "1 provider registered.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Number of shadow copies deleted: 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Number of shadow copies listed: 0\n"));
    CU_ASSERT_EQUAL(fake.nsnaps, 0);
    /* queries run in VSS_CTX_ALL on objects of their own */
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "SetContext(0xffffffff) Query(snapshots)"));
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);

    /* deleting what is not there */
    fake_reset();
    r = run_script("delete shadows id {3F0E2B8C-5D41-4A6E-9C7B-1E2D3F4A5B6C}\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "VSS_E_OBJECT_NOT_FOUND"));
    free(r.text);
    unset_aliases();
}

static void test_expose_unexpose_oldest(void)
{
    struct run r;

    fake_reset();
    unset_aliases();
    r = run_script("set context persistent nowriters\nadd volume c: alias x\ncreate\nexpose %x% MyShare\n"
                   "unexpose MyShare\nexpose %x% z:\ndelete shadows exposed Z:\\\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "ExposeSnapshot(MyShare,remote)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "UnexposeSnapshot"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "The shadow copy was successfully exposed as z:\\.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Number of shadow copies deleted: 1\n"));
    CU_ASSERT_EQUAL(fake.nsnaps, 0);
    free(r.text);

    /* volatile shadow copies cannot be exposed (sample 21); the provider's refusal is reported */
    fake_reset();
    r = run_script("SET CONTEXT VOLATILE\nBEGIN BACKUP\nADD VOLUME C: ALIAS sysvol\nCREATE\nEXPOSE %sysvol% Z:\nEND BACKUP\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "VSS_E_BAD_STATE"));
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);
    unsetenv("sysvol");
    unset_aliases();
}

static void test_add_set_reset(void)
{
    struct run r;

    fake_reset();
    unset_aliases();
    r = run_script("add volume c: alias System1\nadd alias mine {ff47165a-1946-4a0c-b7f4-80f46a309278}\nadd\n"
                   "set context clientaccessible\nset option differential transportable\nset\nreset\nadd\n");
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Volume c: alias System1    GUID \n1 volume in Shadow Copy Set.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "%mine%"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Context: CLIENTACCESSIBLE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "DIFFERENTIAL TRANSPORTABLE"));
    /* RESET forgets volumes and aliases */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "-> add\n0 volumes in Shadow Copy Set.\nNo Diskshadow aliases in the environment.\n"));
    CU_ASSERT_PTR_NULL(getenv("mine"));
    free(r.text);

    /* a volume VSS does not support is refused when added */
    r = run_script("add volume unsupported:\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "VSS_E_VOLUME_NOT_SUPPORTED"));
    free(r.text);
    /* sample 06's bogus volume name */
    r = run_script("ADD VOLUME Volume01 ALIAS MyAlias PROVIDER {781c006a-5829-4a25-81e3-d5e43bd005ab}\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "VSS_E_OBJECT_NOT_FOUND"));
    free(r.text);
    /* CREATE with nothing added */
    r = run_script("create\n");
    CU_ASSERT_EQUAL(r.status, DS_FAIL_SYNTAX);
    free(r.text);
    CU_ASSERT_EQUAL(fake.live, 0);
}

/* The cabinet of CREATE comes back with LOAD METADATA: aliases, manifest, BCD */
static void test_metadata_round_trip(void)
{
    char cab[1200], script[2048];
    struct ds_session s;
    struct ds_out out = { 0 };
    struct ds_script lines;
    char *buf = NULL;
    size_t len = 0;

    fake_reset();
    unset_aliases();
    fake.writers = 1;
    snprintf(cab, sizeof(cab), "%s/programdata/w.cab", cdrive);
    unlink(cab);
    snprintf(script, sizeof(script), "set context persistent\nset metadata c:\\programdata\\w.cab\nset verbose on\n"
                                     "begin backup\nadd volume c: alias data\ncreate\nend backup\nreset\n"
                                     "load metadata c:\\programdata\\w.cab\n");
    out.con = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL_FATAL(ds_script_decode(script, strlen(script), &lines, NULL), 0);
    ds_session_init(&s, &out, &fake_api, 1, "test.dsh");
    CU_ASSERT_EQUAL(ds_run_script(&s, lines.lines, lines.count), DS_OK);
    fflush(out.con);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Inserted file Manifest.xml into .cab file w.cab\n"
                                       "Inserted file BCDocument.xml into .cab file w.cab\n"
                                       "Inserted file WM0.xml into .cab file w.cab\n"
                                       "Inserted file Dis"));
    /* LOAD METADATA restored the aliases */
    CU_ASSERT_STRING_EQUAL(getenv("data") ? getenv("data") : "", "{55bc24a6-302e-4c96-a375-14299d2e6bdb}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s.loaded);
    CU_ASSERT_EQUAL(s.loaded->manifest.nshadows, 1);
    CU_ASSERT_STRING_EQUAL(s.loaded->manifest.shadows[0].alias, "data");
    CU_ASSERT_STRING_EQUAL(s.loaded->manifest.shadows[0].original_volume, "C:\\");
    CU_ASSERT_STRING_EQUAL(s.loaded->manifest.writer_names[0], "Fake Writer");
    CU_ASSERT_STRING_EQUAL(s.loaded->bcd, "<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\"/>");
    CU_ASSERT_EQUAL(s.loaded->nwmd, 1);
    CU_ASSERT_STRING_EQUAL(s.loaded->wmd[0], "<WRITER_METADATA n=\"0\"/>");

    /* then a restore session from it, and an import (§1.7, §6.2) */
    fake.log[0] = 0;
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "begin restore"), DS_OK);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "add shadow %data%"), DS_OK);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "resync novolumecheck"), DS_OK);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "end restore"), DS_OK);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "import"), DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "InitializeForRestore(xml) GatherWriterMetadata SetRestoreState PreRestore "
                                            "AddSnapshotToRecoverySet RecoverSet(0x200) PostRestore"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "InitializeForBackup(xml) ImportSnapshots"));
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "mask %VSS_SHADOW_SET%"), DS_OK);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "break writable %VSS_SHADOW_SET%"), DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "BreakSnapshotSetEx(0x1)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake.log, "BreakSnapshotSetEx(0x2)"));
    ds_session_finish(&s);
    ds_session_free(&s);
    ds_script_free(&lines);
    fclose(out.con);
    free(buf);
    CU_ASSERT_EQUAL(fake.live, 0);
    unsetenv("data");
    unset_aliases();

    /* a file that is no cabinet */
    fake_reset();
    {
        char bad[1200];
        struct run r;
        snprintf(bad, sizeof(bad), "%s/programdata/bad.cab", cdrive);
        write_file(bad, "not a cabinet", 0644);
        r = run_script("load metadata c:\\programdata\\bad.cab\n");
        CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
        free(r.text);
        r = run_script("load metadata c:\\programdata\\none.cab\n");
        CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
        free(r.text);
        /* a restore without metadata */
        r = run_script("begin restore\n");
        CU_ASSERT_EQUAL(r.status, DS_FAIL_VSS);
        free(r.text);
    }
}

/* At the prompt a failure is reported and the session goes on */
static void test_interactive_policy(void)
{
    struct ds_session s;
    struct ds_out out = { 0 };
    char *buf = NULL;
    size_t len = 0;

    fake_reset();
    out.con = open_memstream(&buf, &len);
    ds_session_init(&s, &out, &fake_api, 0, "-");
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "bogus"), DS_FAIL_SYNTAX);
    CU_ASSERT(!s.done);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "list providers"), DS_OK);
    CU_ASSERT_EQUAL(ds_session_run_line(&s, "exit"), DS_OK);
    CU_ASSERT(s.done);
    ds_session_finish(&s);
    ds_session_free(&s);
    fclose(out.con);
    /* no echo at the prompt */
    CU_ASSERT_PTR_NULL(strstr(buf, "-> "));
    CU_ASSERT_EQUAL(s.status, DS_FAIL_SYNTAX);
    free(buf);
}

static void test_manifest_text(void)
{
    /* the sample cabinet's manifest, as Windows wrote it (§4.4) */
    const char *path = umbra_sample_path("windows-2012r2-wmd-bcd/Manifest.xml");
    struct ds_script text;
    struct ds_manifest m;
    char *built;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_EQUAL_FATAL(ds_script_load(path, &text, NULL), 0);
    CU_ASSERT_EQUAL(text.encoding, DS_ENC_UTF16LE);
    CU_ASSERT_EQUAL_FATAL(text.count, 1);
    CU_ASSERT_EQUAL_FATAL(ds_manifest_parse(text.lines[0], &m), 0);
    CU_ASSERT_EQUAL(m.nshadows, 1);
    CU_ASSERT_STRING_EQUAL(m.shadows[0].alias, "LocVolumeShadow");
    CU_ASSERT_STRING_EQUAL(m.shadows[0].original_volume, "C:\\");
    CU_ASSERT_STRING_EQUAL(m.machine, "WIN2012-SQL17-2");
    CU_ASSERT_EQUAL(m.nwriters, 11);
    CU_ASSERT_STRING_EQUAL(m.writer_names[0], "Task Scheduler Writer");
    CU_ASSERT_STRING_EQUAL(m.writer_names[10], "COM+ REGDB Writer");
    CU_ASSERT_STRING_EQUAL(m.bcd_file, "BCDocument.xml");
    CU_ASSERT_STRING_EQUAL(m.logfile, "Dis7A07.tmp");
    CU_ASSERT_EQUAL(m.naliases, 2);
    CU_ASSERT_STRING_EQUAL(m.alias_names[1], "VSS_SHADOW_SET");
    /* and we write it back byte for byte */
    built = ds_manifest_build(&m);
    assert_same(built, text.lines[0]);
    free(built);
    ds_manifest_free(&m);
    ds_script_free(&text);

    CU_ASSERT_EQUAL(ds_manifest_parse("<NotAManifest/>", &m), -EINVAL);
    CU_ASSERT_EQUAL(ds_manifest_parse("<Manifest ><ShadowCopySet GUID = 'bad' ></ShadowCopySet></Manifest>", &m), -EINVAL);
    CU_ASSERT_EQUAL(ds_manifest_parse("<Manifest", &m), -EINVAL);
}

/* Every sample script runs unchanged against the fake, C: mapped to a test
 * directory, and ends as far as it can get without the real machine: the
 * drives, files and shadow copies it expects that are not there are errors
 * (status 2 or 3), never a crash, and nothing is left held. */
static void mkdirs(const char *rel)
{
    char path[2048], *p;

    snprintf(path, sizeof(path), "%s/%s", cdrive, rel);
    for (p = path + strlen(cdrive) + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(path, 0700); *p = '/'; }
    mkdir(path, 0700);
}

static void test_every_sample_runs(void)
{
    static const struct { const char *file; enum ds_status status; } samples[] =
    {
        { "01_Tragen_hmailserver_backup.dsh", DS_FAIL_EXEC },           /* its .cmd is not here */
        { "02_codebycamk_ntds_copy.dsh", DS_FAIL_SYNTAX },              /* sacrificial " #" */
        { "03_ridercz_hyperv_backup.dsh", DS_FAIL_EXEC },               /* C:\Backup\HVBS\backup.cmd */
        { "04_microsoft_vsstester_diskshadow.dsh", DS_OK },
        { "05_microsoft_vsstester_removesnapshot.dsh", DS_OK },         /* what 04 exposed */
        { "06_PureStorage_toolkit_new_vsc.dsh", DS_FAIL_VSS },          /* "Volume01" is no volume */
        { "07_PureStorage_toolkit_get_vsc.dsh", DS_FAIL_VSS },          /* no myFile.cab.cab */
        { "08_PureStorage_ptk3_exch_backup.dsh", DS_OK },
        { "09_PureStorage_ptk3_exch_expose.dsh", DS_OK },               /* loads 08's cabinet */
        { "10_PureStorage_ptk3_exch_unexpose.dsh", DS_OK },
        { "11_PureStorage_ptk3_exch_restore_resync.dsh", DS_OK },
        { "12_PureStorage_ptk3_exch_remove.dsh", DS_OK },
        { "13_rquimbey_hyperv_csv_backup.dsh", DS_OK },
        { "14_BootBlock_poshbackup_create.dsh", DS_FAIL_SYNTAX },       /* SET METADATA CACHE "..." */
        { "15_BootBlock_poshbackup_cleanup.dsh", DS_FAIL_VSS },         /* no such shadow copy */
        { "16_Galev01_limiquantix_quiesce.dsh", DS_OK },
        { "17_beyondessential_bestool_vss_create.dsh", DS_OK },
        { "18_beyondessential_bestool_vss_delete.dsh", DS_OK },         /* what 17 exposed */
        { "19_TPollTech_hdrecover_vss_create.dsh", DS_OK },
        { "20_TPollTech_hdrecover_vss_cleanup.dsh", DS_OK },            /* what 19 exposed */
        { "21_jks0804_autobackupper_vss_create.dsh", DS_FAIL_VSS },     /* a volatile shadow copy */
        { "22_jks0804_autobackupper_vss_cleanup.dsh", DS_FAIL_VSS },    /* nothing at Z: */
        { "23_arjunnairp_shadowcopydel.dsh", DS_FAIL_VSS },             /* no shadow copy of F: */
        { "24_vandonley_cleanup_backupdrive.dsh", DS_FAIL_VSS },
        { "25_Pennyw0rth_netexec_ntds_diskshadow.dsh", DS_OK },
        { "26_sidchn_blackfield_suffix0.dsh", DS_FAIL_SYNTAX },
        { "27_thadigus_blackfield_suffixX.dsh", DS_FAIL_SYNTAX },
        { "28_nurijeon_oscp_doubledchars.dsh", DS_FAIL_SYNTAX },
        { "29_chronopad_blackfield_chrono.dsh", DS_OK },
        { "30_opabravo_blackfield_vss.dsh", DS_OK },
        { "31_opabravo_blackfield_vss_clean.dsh", DS_OK },
    };
    size_t i;

    /* the folders the scripts name on C: */
    mkdirs("Program Files/Pure Storage/VSS/Exchange/db_1708/03_27_2023__21_30_06");
    mkdirs("program files/pure storage/vss/hv");
    mkdirs("Windows/TEMP");
    mkdirs("Windows/Temp");
    mkdirs("ProgramData/HdRecover/VSS-4242-1753100000000000000");
    mkdirs("programdata");
    mkdirs("Windows/System32/spool/drivers/color");
    fake_reset();
    unset_aliases();
    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
    {
        struct ds_session s;
        struct ds_out out = { 0 };
        struct ds_script script;
        char rel[256], *buf = NULL;
        size_t len = 0;
        enum ds_status status;

        snprintf(rel, sizeof(rel), "diskshadow-scripts/%s", samples[i].file);
        CU_ASSERT_EQUAL_FATAL(ds_script_load(umbra_sample_path(rel), &script, NULL), 0);
        out.con = open_memstream(&buf, &len);
        ds_session_init(&s, &out, &fake_api, 1, samples[i].file);
        status = ds_run_script(&s, script.lines, script.count);
        ds_session_free(&s);
        ds_script_free(&script);
        fclose(out.con);
        /* UMBRA_SHOW_OUTPUT=1 shows every run */
        if (status != samples[i].status || getenv("UMBRA_SHOW_OUTPUT"))
            fprintf(stderr, "\n%s: status %d, expected %d\n%s\n", samples[i].file, status, samples[i].status, buf);
        CU_ASSERT_EQUAL(status, samples[i].status);
        CU_ASSERT_EQUAL(fake.live, 0);
        free(buf);
        unset_aliases();
    }
}

/* Microsoft's example script (VSS-FACTS.md §6.4), unchanged, C: mapped */
static void test_documentation_example(void)
{
    static const char script[] =
        "#Diskshadow script file\r\n"
        "set context persistent nowriters\r\n"
        "set metadata c:\\diskshadowdata\\example.cab\r\n"
        "set verbose on\r\n"
        "begin backup\r\n"
        "add volume c: alias systemvolumeshadow\r\n"
        "add volume d: alias datavolumeshadow\r\n"
        "\r\n"
        "create\r\n"
        "\r\n"
        "expose %systemvolumeshadow% p:\r\n"
        "expose %datavolumeshadow% q:\r\n"
        "exec c:\\diskshadowdata\\backupscript.cmd\r\n"
        "end backup\r\n"
        "#End of script\r\n";
    char cmd[1200], seen[1200];
    struct run r;

    mkdirs("diskshadowdata");
    snprintf(cmd, sizeof(cmd), "%s/diskshadowdata/backupscript.cmd", cdrive);
    snprintf(seen, sizeof(seen), "%s/diskshadowdata/seen.txt", cdrive);
    write_file(cmd, "echo \"$systemvolumeshadow $datavolumeshadow\" > \"$(dirname \"$0\")/seen.txt\"\n", 0644);
    fake_reset();
    unset_aliases();
    r = run_script(script);
    CU_ASSERT_EQUAL(r.status, DS_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "The shadow copy was successfully exposed as p:\\.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "The shadow copy was successfully exposed as q:\\.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Inserted file Manifest.xml into .cab file example.cab\n"));
    CU_ASSERT_STRING_EQUAL(read_file(seen), "{55bc24a6-302e-4c96-a375-14299d2e6bdb} {9c8474c6-d67a-401e-a611-2649e7f01c8b}\n");
    CU_ASSERT_PTR_NULL(strstr(r.text, "Note: END BACKUP"));
    CU_ASSERT_EQUAL(fake.live, 0);
    free(r.text);
    unsetenv("systemvolumeshadow");
    unsetenv("datavolumeshadow");
}

static CU_TestInfo exec_tests[] =
{
    { "sample 30/31 against output/03", test_sample30_transcript },
    { "sample 29 against output/04", test_sample29_transcript },
    { "usage ends a script (output/01)", test_usage_stops_script },
    { "EXEC", test_exec },
    { "unknown command", test_unknown_command },
    { "missing argument", test_missing_argument },
    { "undefined alias", test_undefined_alias },
    { "script cut off in a backup", test_cut_off_in_backup },
    { "failed CREATE aborts", test_create_failure_aborts },
    { "writers", test_writers_backup },
    { "list and delete", test_listing_and_deleting },
    { "expose, unexpose, exposed", test_expose_unexpose_oldest },
    { "add, set, reset", test_add_set_reset },
    { "metadata cabinet round trip", test_metadata_round_trip },
    { "interactive policy", test_interactive_policy },
    { "manifest text", test_manifest_text },
    { "every sample script", test_every_sample_runs },
    { "Microsoft's example script", test_documentation_example },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(diskshadow_exec, suite_init, NULL, exec_tests);
