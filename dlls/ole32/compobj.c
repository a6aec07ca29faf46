/*
 * compobj.c: COM apartments as Windows code sees them.  Umbra's COM is
 * in-process and free-threaded, so an apartment is bookkeeping only: each
 * thread remembers its model and how many CoInitializeEx calls it has not yet
 * undone, and the process counts the threads in its multithreaded apartment,
 * because while the MTA exists any thread may use COM, as on Windows.
 * CoInitializeSecurity is process-wide and accepted once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <windows.h>
#include "umbra/debug.h"
#include "ole32_private.h"

struct apartment
{
    DWORD init_count;   /* CoInitializeEx calls not yet matched by CoUninitialize */
    DWORD model;        /* COINIT_APARTMENTTHREADED or COINIT_MULTITHREADED */
};

static __thread struct apartment thread_apartment;
static atomic_int mta_threads;
static atomic_int security_done;
static pthread_key_t apartment_key;
static pthread_once_t apartment_once = PTHREAD_ONCE_INIT;

/* A thread that exits without CoUninitialize leaves the MTA, as on Windows.
 * The key's value is the thread's model + 1 while it is initialised. */
static void apartment_thread_exit(void *value)
{
    if ((uintptr_t)value == COINIT_MULTITHREADED + 1) atomic_fetch_sub(&mta_threads, 1);
}

static void apartment_init_key(void)
{
    pthread_key_create(&apartment_key, apartment_thread_exit);
}

BOOL apartment_usable(void)
{
    return thread_apartment.init_count > 0 || atomic_load(&mta_threads) > 0;
}

HRESULT WINAPI CoInitializeEx(LPVOID reserved, DWORD coinit)
{
    struct apartment *apt = &thread_apartment;
    DWORD model = coinit & COINIT_APARTMENTTHREADED;

    TRACE("%p, %#x\n", reserved, coinit);

    if (reserved) WARN("reserved argument %p should be NULL\n", reserved);
    if (coinit & ~(DWORD)(COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE | COINIT_SPEED_OVER_MEMORY))
        return E_INVALIDARG;

    if (apt->init_count)
    {
        if (apt->model != model)
        {
            WARN("thread is in the %s apartment already\n",
                 apt->model == COINIT_MULTITHREADED ? "multithreaded" : "single-threaded");
            return RPC_E_CHANGED_MODE;
        }
        if (apt->init_count == MAXDWORD) return E_UNEXPECTED;
        apt->init_count++;
        return S_FALSE;
    }

    pthread_once(&apartment_once, apartment_init_key);
    if (pthread_setspecific(apartment_key, (void *)(uintptr_t)(model + 1))) return E_OUTOFMEMORY;
    apt->model = model;
    apt->init_count = 1;
    if (model == COINIT_MULTITHREADED) atomic_fetch_add(&mta_threads, 1);
    return S_OK;
}

HRESULT WINAPI CoInitialize(LPVOID reserved)
{
    return CoInitializeEx(reserved, COINIT_APARTMENTTHREADED);
}

void WINAPI CoUninitialize(void)
{
    struct apartment *apt = &thread_apartment;

    TRACE("\n");

    if (!apt->init_count)
    {
        WARN("COM is not initialised on this thread\n");
        return;
    }
    if (--apt->init_count) return;
    pthread_setspecific(apartment_key, NULL);
    if (apt->model == COINIT_MULTITHREADED) atomic_fetch_sub(&mta_threads, 1);
}

HRESULT WINAPI CoInitializeSecurity(PSECURITY_DESCRIPTOR sd, LONG cAuthSvc,
                                    SOLE_AUTHENTICATION_SERVICE *asAuthSvc, void *reserved1,
                                    DWORD authn_level, DWORD imp_level, void *auth_list,
                                    DWORD capabilities, void *reserved3)
{
    TRACE("%p, %d, %p, %p, %u, %u, %p, %#x, %p\n", sd, cAuthSvc, asAuthSvc, reserved1,
          authn_level, imp_level, auth_list, capabilities, reserved3);

    /* Security is a process-wide setting fixed by its first call (VSS-FACTS.md
     * §1.2 step 0); peers are authenticated by the transport (DESIGN.md §4). */
    if (atomic_exchange(&security_done, 1))
    {
        WARN("process security is initialised already\n");
        return RPC_E_TOO_LATE;
    }
    return S_OK;
}
