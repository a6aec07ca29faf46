/*
 * test_com.c: COM apartments and activation: CoInitializeEx's per-thread
 * count and model (S_OK, then S_FALSE, RPC_E_CHANGED_MODE on a model change),
 * the implicit MTA, CoInitializeSecurity once per process (VSS-FACTS.md §1.2
 * step 0: requesters call it once; a second call is RPC_E_TOO_LATE), and
 * CoCreateInstance over the in-process classes Umbra's libraries register.
 */
#include <pthread.h>
#include <stdlib.h>
#include <windows.h>
#include "umbra/ole32.h"
#include "harness.h"

static const CLSID clsid_test = { 0x6e9b5a4f, 0x1c1d, 0x4f6a, { 0x9a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 } };
static const CLSID clsid_unknown = { 0x12345678, 0x1234, 0x1234, { 1, 2, 3, 4, 5, 6, 7, 8 } };
static const IID iid_test = { 0xaabbccdd, 0x1111, 0x2222, { 3, 3, 3, 3, 3, 3, 3, 3 } };

static void test_init_nesting(void)
{
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_FALSE);
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED), RPC_E_CHANGED_MODE);
    CU_ASSERT_EQUAL(CoInitialize(NULL), RPC_E_CHANGED_MODE);
    /* the failed calls did not count: two CoUninitialize calls end it */
    CoUninitialize();
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED), RPC_E_CHANGED_MODE);
    CoUninitialize();

    /* after the last CoUninitialize the thread may choose again */
    CU_ASSERT_EQUAL(CoInitialize(NULL), S_OK);
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE), S_FALSE);
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_MULTITHREADED), RPC_E_CHANGED_MODE);
    CoUninitialize();
    CoUninitialize();

    CU_ASSERT_EQUAL(CoInitializeEx(NULL, 0x80), E_INVALIDARG);
    CoUninitialize();   /* not initialised: nothing happens */
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
    CoUninitialize();
}

static void *init_other_model(void *arg)
{
    HRESULT *hr = arg;

    hr[0] = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (SUCCEEDED(hr[0])) CoUninitialize();
    return NULL;
}

static void test_init_per_thread(void)
{
    HRESULT hr[1] = { E_FAIL };
    pthread_t thread;

    CU_ASSERT_EQUAL(CoInitialize(NULL), S_OK);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, init_other_model, hr), 0);
    pthread_join(thread, NULL);
    CU_ASSERT_EQUAL(hr[0], S_OK);   /* models are per thread */
    CoUninitialize();
}

struct test_object
{
    IUnknown IUnknown_iface;
    LONG refs;
};

static HRESULT STDMETHODCALLTYPE object_QueryInterface(IUnknown *iface, REFIID iid, void **out)
{
    (void)iid;
    *out = iface;
    iface->lpVtbl->AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE object_AddRef(IUnknown *iface)
{
    return ++CONTAINING_RECORD(iface, struct test_object, IUnknown_iface)->refs;
}

static ULONG STDMETHODCALLTYPE object_Release(IUnknown *iface)
{
    struct test_object *obj = CONTAINING_RECORD(iface, struct test_object, IUnknown_iface);
    ULONG refs = --obj->refs;

    if (!refs) free(obj);
    return refs;
}

static IUnknownVtbl object_vtbl = { object_QueryInterface, object_AddRef, object_Release };

static IUnknown *last_outer;
static GUID last_iid;

static HRESULT create_test_object(IUnknown *outer, const IID *iid, void **ppv)
{
    struct test_object *obj;

    last_outer = outer;
    last_iid = *iid;
    if (outer) return CLASS_E_NOAGGREGATION;
    if (!(obj = malloc(sizeof(*obj)))) return E_OUTOFMEMORY;
    obj->IUnknown_iface.lpVtbl = &object_vtbl;
    obj->refs = 1;
    *ppv = &obj->IUnknown_iface;
    return S_OK;
}

static void *create_without_init(void *arg)
{
    void *obj = (void *)0xdeadbeef;
    HRESULT *hr = arg;

    *hr = CoCreateInstance(&clsid_unknown, NULL, CLSCTX_INPROC_SERVER, &iid_test, &obj);
    return NULL;
}

static void test_create_instance(void)
{
    void *obj = (void *)0xdeadbeef;
    IUnknown *unk;
    HRESULT hr = E_FAIL;
    pthread_t thread;

    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_unknown, NULL, CLSCTX_ALL, &iid_test, NULL), E_POINTER);

    /* without CoInitialize the thread cannot use COM; *ppv is cleared */
    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_unknown, NULL, CLSCTX_ALL, &iid_test, &obj),
                    CO_E_NOTINITIALIZED);
    CU_ASSERT_PTR_NULL(obj);

    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
    obj = (void *)0xdeadbeef;
    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_unknown, NULL, CLSCTX_ALL, &iid_test, &obj),
                    REGDB_E_CLASSNOTREG);
    CU_ASSERT_PTR_NULL(obj);
    CU_ASSERT_EQUAL(CoCreateInstance(NULL, NULL, CLSCTX_ALL, &iid_test, &obj), E_INVALIDARG);

    /* while the MTA exists, a thread that never initialised may use COM */
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, create_without_init, &hr), 0);
    pthread_join(thread, NULL);
    CU_ASSERT_EQUAL(hr, REGDB_E_CLASSNOTREG);

    /* a class registered by an Umbra library */
    CU_ASSERT_EQUAL(umbra_register_inproc_class(&clsid_test, create_test_object), S_OK);
    CU_ASSERT_EQUAL(umbra_register_inproc_class(&clsid_test, create_test_object),
                    HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS));
    CU_ASSERT_EQUAL(umbra_register_inproc_class(NULL, create_test_object), E_INVALIDARG);
    CU_ASSERT_EQUAL(umbra_register_inproc_class(&clsid_test, NULL), E_INVALIDARG);

    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_test, NULL, CLSCTX_INPROC_SERVER, &iid_test, &obj), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
    CU_ASSERT(IsEqualGUID(&last_iid, &iid_test));
    unk = obj;
    CU_ASSERT_EQUAL(unk->lpVtbl->Release(unk), 0);

    /* in-process only: a local server request does not find it */
    obj = (void *)0xdeadbeef;
    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_test, NULL, CLSCTX_LOCAL_SERVER, &iid_test, &obj),
                    REGDB_E_CLASSNOTREG);
    CU_ASSERT_PTR_NULL(obj);

    /* the creator decides about aggregation */
    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_test, (IUnknown *)&hr, CLSCTX_ALL, &iid_test, &obj),
                    CLASS_E_NOAGGREGATION);
    CU_ASSERT_PTR_EQUAL(last_outer, (IUnknown *)&hr);
    CU_ASSERT_PTR_NULL(obj);

    CU_ASSERT_EQUAL(umbra_revoke_inproc_class(&clsid_test), S_OK);
    CU_ASSERT_EQUAL(umbra_revoke_inproc_class(&clsid_test), REGDB_E_CLASSNOTREG);
    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_test, NULL, CLSCTX_ALL, &iid_test, &obj), REGDB_E_CLASSNOTREG);

    CoUninitialize();
    CU_ASSERT_EQUAL(CoCreateInstance(&clsid_unknown, NULL, CLSCTX_ALL, &iid_test, &obj),
                    CO_E_NOTINITIALIZED);
}

static void test_initialize_security(void)
{
    CU_ASSERT_EQUAL(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
    CU_ASSERT_EQUAL(CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                         RPC_C_IMP_LEVEL_IDENTIFY, NULL, EOAC_NONE, NULL), S_OK);
    CU_ASSERT_EQUAL(CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                         RPC_C_IMP_LEVEL_IDENTIFY, NULL, EOAC_NONE, NULL), RPC_E_TOO_LATE);
    CU_ASSERT_EQUAL(CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_DEFAULT,
                                         RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_STATIC_CLOAKING, NULL),
                    RPC_E_TOO_LATE);
    CoUninitialize();
}

static CU_TestInfo com_tests[] =
{
    { "CoInitializeEx nesting and models", test_init_nesting },
    { "apartments are per thread", test_init_per_thread },
    { "CoCreateInstance", test_create_instance },
    { "CoInitializeSecurity once per process", test_initialize_security },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(com, NULL, NULL, com_tests);
