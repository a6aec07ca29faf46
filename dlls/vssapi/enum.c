/*
 * enum.c: IVssEnumObject and IVssEnumMgmtObject (enum.h).
 *
 * Both are cursors over one shared, reference-counted list of records
 * (struct enum_list): Clone gives a new cursor at the same position over the
 * same list.  Next copies records out (CoTaskMem strings), returns S_FALSE
 * when it gives fewer than asked, and E_POINTER for missing out-parameters,
 * as Microsoft documents for IVssEnumObject::Next.
 */
#define COBJMACROS
#define CONST_VTABLE
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsmgmt.h>
#include "umbra/debug.h"
#include "enum.h"
#include "wstr.h"

/* One list of records of either kind, shared by an enumerator and its clones. */
struct enum_list
{
    LONG refcount;
    ULONG count;
    size_t size;                  /* of one record */
    void *items;
    HRESULT (*copy)(void *dst, const void *src);
    void (*clear)(void *item);
};

static HRESULT copy_str(WCHAR **dst, const WCHAR *src)
{
    return wstr_dup_cotaskmem(src, dst) ? E_OUTOFMEMORY : S_OK;
}

void object_prop_clear(VSS_OBJECT_PROP *prop)
{
    switch (prop->Type)
    {
    case VSS_OBJECT_SNAPSHOT:
        CoTaskMemFree(prop->Obj.Snap.m_pwszSnapshotDeviceObject);
        CoTaskMemFree(prop->Obj.Snap.m_pwszOriginalVolumeName);
        CoTaskMemFree(prop->Obj.Snap.m_pwszOriginatingMachine);
        CoTaskMemFree(prop->Obj.Snap.m_pwszServiceMachine);
        CoTaskMemFree(prop->Obj.Snap.m_pwszExposedName);
        CoTaskMemFree(prop->Obj.Snap.m_pwszExposedPath);
        break;
    case VSS_OBJECT_PROVIDER:
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop->Obj.Prov.m_pwszProviderVersion);
        break;
    default:
        break;
    }
    memset(prop, 0, sizeof(*prop));
}

HRESULT object_prop_copy(VSS_OBJECT_PROP *dst, const VSS_OBJECT_PROP *src)
{
    HRESULT hr = S_OK;

    *dst = *src;
    switch (src->Type)
    {
    case VSS_OBJECT_SNAPSHOT:
    {
        VSS_SNAPSHOT_PROP *d = &dst->Obj.Snap;
        const VSS_SNAPSHOT_PROP *s = &src->Obj.Snap;

        d->m_pwszSnapshotDeviceObject = d->m_pwszOriginalVolumeName = d->m_pwszOriginatingMachine = NULL;
        d->m_pwszServiceMachine = d->m_pwszExposedName = d->m_pwszExposedPath = NULL;
        if (FAILED(hr = copy_str(&d->m_pwszSnapshotDeviceObject, s->m_pwszSnapshotDeviceObject))) break;
        if (FAILED(hr = copy_str(&d->m_pwszOriginalVolumeName, s->m_pwszOriginalVolumeName))) break;
        if (FAILED(hr = copy_str(&d->m_pwszOriginatingMachine, s->m_pwszOriginatingMachine))) break;
        if (FAILED(hr = copy_str(&d->m_pwszServiceMachine, s->m_pwszServiceMachine))) break;
        if (FAILED(hr = copy_str(&d->m_pwszExposedName, s->m_pwszExposedName))) break;
        hr = copy_str(&d->m_pwszExposedPath, s->m_pwszExposedPath);
        break;
    }
    case VSS_OBJECT_PROVIDER:
        dst->Obj.Prov.m_pwszProviderName = dst->Obj.Prov.m_pwszProviderVersion = NULL;
        if (FAILED(hr = copy_str(&dst->Obj.Prov.m_pwszProviderName, src->Obj.Prov.m_pwszProviderName))) break;
        hr = copy_str(&dst->Obj.Prov.m_pwszProviderVersion, src->Obj.Prov.m_pwszProviderVersion);
        break;
    default:
        break;
    }
    if (FAILED(hr)) object_prop_clear(dst);
    return hr;
}

void mgmt_prop_clear(VSS_MGMT_OBJECT_PROP *prop)
{
    switch (prop->Type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        CoTaskMemFree(prop->Obj.Vol.m_pwszVolumeName);
        CoTaskMemFree(prop->Obj.Vol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        CoTaskMemFree(prop->Obj.DiffVol.m_pwszVolumeName);
        CoTaskMemFree(prop->Obj.DiffVol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        CoTaskMemFree(prop->Obj.DiffArea.m_pwszVolumeName);
        CoTaskMemFree(prop->Obj.DiffArea.m_pwszDiffAreaVolumeName);
        break;
    default:
        break;
    }
    memset(prop, 0, sizeof(*prop));
}

HRESULT mgmt_prop_copy(VSS_MGMT_OBJECT_PROP *dst, const VSS_MGMT_OBJECT_PROP *src)
{
    HRESULT hr = S_OK;

    *dst = *src;
    switch (src->Type)
    {
    case VSS_MGMT_OBJECT_VOLUME:
        dst->Obj.Vol.m_pwszVolumeName = dst->Obj.Vol.m_pwszVolumeDisplayName = NULL;
        if (FAILED(hr = copy_str(&dst->Obj.Vol.m_pwszVolumeName, src->Obj.Vol.m_pwszVolumeName))) break;
        hr = copy_str(&dst->Obj.Vol.m_pwszVolumeDisplayName, src->Obj.Vol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        dst->Obj.DiffVol.m_pwszVolumeName = dst->Obj.DiffVol.m_pwszVolumeDisplayName = NULL;
        if (FAILED(hr = copy_str(&dst->Obj.DiffVol.m_pwszVolumeName, src->Obj.DiffVol.m_pwszVolumeName))) break;
        hr = copy_str(&dst->Obj.DiffVol.m_pwszVolumeDisplayName, src->Obj.DiffVol.m_pwszVolumeDisplayName);
        break;
    case VSS_MGMT_OBJECT_DIFF_AREA:
        dst->Obj.DiffArea.m_pwszVolumeName = dst->Obj.DiffArea.m_pwszDiffAreaVolumeName = NULL;
        if (FAILED(hr = copy_str(&dst->Obj.DiffArea.m_pwszVolumeName, src->Obj.DiffArea.m_pwszVolumeName))) break;
        hr = copy_str(&dst->Obj.DiffArea.m_pwszDiffAreaVolumeName, src->Obj.DiffArea.m_pwszDiffAreaVolumeName);
        break;
    default:
        break;
    }
    if (FAILED(hr)) mgmt_prop_clear(dst);
    return hr;
}

static HRESULT object_copy_cb(void *dst, const void *src) { return object_prop_copy(dst, src); }
static void object_clear_cb(void *item) { object_prop_clear(item); }
static HRESULT mgmt_copy_cb(void *dst, const void *src) { return mgmt_prop_copy(dst, src); }
static void mgmt_clear_cb(void *item) { mgmt_prop_clear(item); }

static void *list_item(struct enum_list *list, ULONG i)
{
    return (char *)list->items + (size_t)i * list->size;
}

static void list_release(struct enum_list *list)
{
    ULONG i;

    if (__atomic_sub_fetch(&list->refcount, 1, __ATOMIC_SEQ_CST)) return;
    for (i = 0; i < list->count; i++) list->clear(list_item(list, i));
    free(list->items);
    free(list);
}

static struct enum_list *list_create(void *items, ULONG count, size_t size,
                                     HRESULT (*copy)(void *, const void *), void (*clear)(void *))
{
    struct enum_list *list = calloc(1, sizeof(*list));
    ULONG i;

    if (!list)
    {
        for (i = 0; i < count; i++) clear((char *)items + (size_t)i * size);
        free(items);
        return NULL;
    }
    list->refcount = 1;
    list->count = count;
    list->size = size;
    list->items = items;
    list->copy = copy;
    list->clear = clear;
    return list;
}

/* Next for either kind: copy up to celt records from *pos. */
static HRESULT list_next(struct enum_list *list, ULONG *pos, ULONG celt, void *out, ULONG *fetched)
{
    ULONG n = 0, i;
    HRESULT hr;

    if (!out || !fetched) return E_POINTER;
    *fetched = 0;
    while (n < celt && *pos < list->count)
    {
        if (FAILED(hr = list->copy((char *)out + (size_t)n * list->size, list_item(list, *pos))))
        {
            for (i = 0; i < n; i++) list->clear((char *)out + (size_t)i * list->size);
            *pos -= n;
            return hr;
        }
        n++;
        (*pos)++;
    }
    *fetched = n;
    return n == celt ? S_OK : S_FALSE;
}

static HRESULT list_skip(struct enum_list *list, ULONG *pos, ULONG celt)
{
    ULONG left = list->count - *pos;

    if (celt > left)
    {
        *pos = list->count;
        return S_FALSE;
    }
    *pos += celt;
    return S_OK;
}

/* --- IVssEnumObject ------------------------------------------------------- */

struct enum_object
{
    IVssEnumObject IVssEnumObject_iface;
    LONG refcount;
    struct enum_list *list;
    ULONG pos;                    /* index of the next record Next returns */
};

static const IVssEnumObjectVtbl enum_object_vtbl;

static struct enum_object *impl_from_IVssEnumObject(IVssEnumObject *iface)
{
    return CONTAINING_RECORD(iface, struct enum_object, IVssEnumObject_iface);
}

static HRESULT enum_object_new(struct enum_list *list, ULONG pos, IVssEnumObject **out)
{
    struct enum_object *object = calloc(1, sizeof(*object));

    if (!object) return E_OUTOFMEMORY;
    object->IVssEnumObject_iface.lpVtbl = &enum_object_vtbl;
    object->refcount = 1;
    object->list = list;
    object->pos = pos;
    __atomic_add_fetch(&list->refcount, 1, __ATOMIC_SEQ_CST);
    *out = &object->IVssEnumObject_iface;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE enum_object_QueryInterface(IVssEnumObject *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssEnumObject))
    {
        *out = iface;
        IVssEnumObject_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE enum_object_AddRef(IVssEnumObject *iface)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    ULONG refcount = __atomic_add_fetch(&object->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE enum_object_Release(IVssEnumObject *iface)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);
    ULONG refcount = __atomic_sub_fetch(&object->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        list_release(object->list);
        free(object);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE enum_object_Next(IVssEnumObject *iface, ULONG celt, VSS_OBJECT_PROP *items,
                                                  ULONG *fetched)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);

    TRACE("%p, %u, %p, %p\n", iface, celt, items, fetched);
    return list_next(object->list, &object->pos, celt, items, fetched);
}

static HRESULT STDMETHODCALLTYPE enum_object_Skip(IVssEnumObject *iface, ULONG celt)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);

    TRACE("%p, %u\n", iface, celt);
    return list_skip(object->list, &object->pos, celt);
}

static HRESULT STDMETHODCALLTYPE enum_object_Reset(IVssEnumObject *iface)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);

    TRACE("%p\n", iface);
    object->pos = 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE enum_object_Clone(IVssEnumObject *iface, IVssEnumObject **out)
{
    struct enum_object *object = impl_from_IVssEnumObject(iface);

    TRACE("%p, %p\n", iface, out);
    if (!out) return E_POINTER;
    return enum_object_new(object->list, object->pos, out);
}

static const IVssEnumObjectVtbl enum_object_vtbl =
{
    enum_object_QueryInterface,
    enum_object_AddRef,
    enum_object_Release,
    enum_object_Next,
    enum_object_Skip,
    enum_object_Reset,
    enum_object_Clone,
};

HRESULT enum_object_create(VSS_OBJECT_PROP *items, ULONG count, IVssEnumObject **out)
{
    struct enum_list *list;
    HRESULT hr;

    *out = NULL;
    if (!(list = list_create(items, count, sizeof(*items), object_copy_cb, object_clear_cb)))
        return E_OUTOFMEMORY;
    hr = enum_object_new(list, 0, out);
    list_release(list);
    return hr;
}

/* --- IVssEnumMgmtObject ---------------------------------------------------- */

struct enum_mgmt
{
    IVssEnumMgmtObject IVssEnumMgmtObject_iface;
    LONG refcount;
    struct enum_list *list;
    ULONG pos;
};

static const IVssEnumMgmtObjectVtbl enum_mgmt_vtbl;

static struct enum_mgmt *impl_from_IVssEnumMgmtObject(IVssEnumMgmtObject *iface)
{
    return CONTAINING_RECORD(iface, struct enum_mgmt, IVssEnumMgmtObject_iface);
}

static HRESULT enum_mgmt_new(struct enum_list *list, ULONG pos, IVssEnumMgmtObject **out)
{
    struct enum_mgmt *object = calloc(1, sizeof(*object));

    if (!object) return E_OUTOFMEMORY;
    object->IVssEnumMgmtObject_iface.lpVtbl = &enum_mgmt_vtbl;
    object->refcount = 1;
    object->list = list;
    object->pos = pos;
    __atomic_add_fetch(&list->refcount, 1, __ATOMIC_SEQ_CST);
    *out = &object->IVssEnumMgmtObject_iface;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE enum_mgmt_QueryInterface(IVssEnumMgmtObject *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssEnumMgmtObject))
    {
        *out = iface;
        IVssEnumMgmtObject_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE enum_mgmt_AddRef(IVssEnumMgmtObject *iface)
{
    struct enum_mgmt *object = impl_from_IVssEnumMgmtObject(iface);
    ULONG refcount = __atomic_add_fetch(&object->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE enum_mgmt_Release(IVssEnumMgmtObject *iface)
{
    struct enum_mgmt *object = impl_from_IVssEnumMgmtObject(iface);
    ULONG refcount = __atomic_sub_fetch(&object->refcount, 1, __ATOMIC_SEQ_CST);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        list_release(object->list);
        free(object);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE enum_mgmt_Next(IVssEnumMgmtObject *iface, ULONG celt,
                                                VSS_MGMT_OBJECT_PROP *items, ULONG *fetched)
{
    struct enum_mgmt *object = impl_from_IVssEnumMgmtObject(iface);

    TRACE("%p, %u, %p, %p\n", iface, celt, items, fetched);
    return list_next(object->list, &object->pos, celt, items, fetched);
}

static HRESULT STDMETHODCALLTYPE enum_mgmt_Skip(IVssEnumMgmtObject *iface, ULONG celt)
{
    struct enum_mgmt *object = impl_from_IVssEnumMgmtObject(iface);

    TRACE("%p, %u\n", iface, celt);
    return list_skip(object->list, &object->pos, celt);
}

static HRESULT STDMETHODCALLTYPE enum_mgmt_Reset(IVssEnumMgmtObject *iface)
{
    struct enum_mgmt *object = impl_from_IVssEnumMgmtObject(iface);

    TRACE("%p\n", iface);
    object->pos = 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE enum_mgmt_Clone(IVssEnumMgmtObject *iface, IVssEnumMgmtObject **out)
{
    struct enum_mgmt *object = impl_from_IVssEnumMgmtObject(iface);

    TRACE("%p, %p\n", iface, out);
    if (!out) return E_POINTER;
    return enum_mgmt_new(object->list, object->pos, out);
}

static const IVssEnumMgmtObjectVtbl enum_mgmt_vtbl =
{
    enum_mgmt_QueryInterface,
    enum_mgmt_AddRef,
    enum_mgmt_Release,
    enum_mgmt_Next,
    enum_mgmt_Skip,
    enum_mgmt_Reset,
    enum_mgmt_Clone,
};

HRESULT enum_mgmt_create(VSS_MGMT_OBJECT_PROP *items, ULONG count, IVssEnumMgmtObject **out)
{
    struct enum_list *list;
    HRESULT hr;

    *out = NULL;
    if (!(list = list_create(items, count, sizeof(*items), mgmt_copy_cb, mgmt_clear_cb)))
        return E_OUTOFMEMORY;
    hr = enum_mgmt_new(list, 0, out);
    list_release(list);
    return hr;
}
