/*
 * classes.c: CoCreateInstance over the in-process classes that Umbra's own
 * libraries register (umbra/ole32.h).  There is no registry and no
 * out-of-process activation, so a CLSID nobody registered, or a request
 * without CLSCTX_INPROC_SERVER, is REGDB_E_CLASSNOTREG.
 */
#include <pthread.h>
#include <stdlib.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/ole32.h"
#include "ole32_private.h"

struct inproc_class
{
    CLSID clsid;
    umbra_class_create_fn create;
    struct inproc_class *next;
};

static pthread_mutex_t classes_lock = PTHREAD_MUTEX_INITIALIZER;
static struct inproc_class *classes;

static struct inproc_class **find_class(const CLSID *clsid)
{
    struct inproc_class **p;

    for (p = &classes; *p; p = &(*p)->next)
        if (IsEqualCLSID(&(*p)->clsid, clsid)) break;
    return p;
}

HRESULT umbra_register_inproc_class(const CLSID *clsid, umbra_class_create_fn create)
{
    struct inproc_class *class, **slot;
    HRESULT hr = S_OK;

    TRACE("%s, %p\n", debugstr_guid(clsid), create);

    if (!clsid || !create) return E_INVALIDARG;
    if (!(class = malloc(sizeof(*class)))) return E_OUTOFMEMORY;
    class->clsid = *clsid;
    class->create = create;
    class->next = NULL;

    pthread_mutex_lock(&classes_lock);
    slot = find_class(clsid);
    if (*slot) hr = HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
    else *slot = class;
    pthread_mutex_unlock(&classes_lock);

    if (FAILED(hr)) free(class);
    return hr;
}

HRESULT umbra_revoke_inproc_class(const CLSID *clsid)
{
    struct inproc_class *class = NULL, **slot;

    TRACE("%s\n", debugstr_guid(clsid));

    if (!clsid) return E_INVALIDARG;
    pthread_mutex_lock(&classes_lock);
    slot = find_class(clsid);
    if ((class = *slot)) *slot = class->next;
    pthread_mutex_unlock(&classes_lock);

    if (!class) return REGDB_E_CLASSNOTREG;
    free(class);
    return S_OK;
}

/* Registrations live as long as the library: release them when it goes, so
 * that leak checkers see nothing left. */
__attribute__((destructor)) static void classes_cleanup(void)
{
    pthread_mutex_lock(&classes_lock);
    while (classes)
    {
        struct inproc_class *next = classes->next;
        free(classes);
        classes = next;
    }
    pthread_mutex_unlock(&classes_lock);
}

HRESULT WINAPI CoCreateInstance(REFCLSID clsid, LPUNKNOWN outer, DWORD clsctx, REFIID iid, LPVOID *ppv)
{
    umbra_class_create_fn create = NULL;
    struct inproc_class *class;

    TRACE("%s, %p, %#x, %s, %p\n", debugstr_guid(clsid), outer, clsctx, debugstr_guid(iid), ppv);

    if (!ppv) return E_POINTER;
    *ppv = NULL;
    if (!clsid || !iid) return E_INVALIDARG;
    if (!apartment_usable())
    {
        WARN("COM is not initialised on this thread\n");
        return CO_E_NOTINITIALIZED;
    }

    if (clsctx & CLSCTX_INPROC_SERVER)
    {
        pthread_mutex_lock(&classes_lock);
        if ((class = *find_class(clsid))) create = class->create;
        pthread_mutex_unlock(&classes_lock);
    }
    if (!create)
    {
        WARN("class %s is not registered for context %#x\n", debugstr_guid(clsid), clsctx);
        return REGDB_E_CLASSNOTREG;
    }
    return create(outer, iid, ppv);
}
