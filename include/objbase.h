/*
 * objbase.h: the COM runtime (dlls/ole32): apartments, task memory, GUIDs,
 * CoCreateInstance.  Umbra's COM is in-process only; CoInitialize* keep the
 * per-thread bookkeeping that Windows code expects (S_FALSE on a nested call,
 * RPC_E_CHANGED_MODE on a model change, RPC_E_TOO_LATE for a second
 * CoInitializeSecurity).  CoCreateInstance finds the classes Umbra's own
 * libraries register (umbra/ole32.h); every other CLSID is REGDB_E_CLASSNOTREG.
 */
#ifndef UMBRA_OBJBASE_H
#define UMBRA_OBJBASE_H

#include <rpc.h>

#ifdef __cplusplus
#define STDMETHOD(method) virtual HRESULT STDMETHODCALLTYPE method
#define STDMETHOD_(type, method) virtual type STDMETHODCALLTYPE method
#define PURE = 0
#define THIS_
#define THIS void
#define DECLARE_INTERFACE(iface) interface DECLSPEC_NOVTABLE iface
#define DECLARE_INTERFACE_(iface, base) interface DECLSPEC_NOVTABLE iface : public base
#else
#define STDMETHOD(method) HRESULT (STDMETHODCALLTYPE *method)
#define STDMETHOD_(type, method) type (STDMETHODCALLTYPE *method)
#define PURE
#define THIS_ INTERFACE *This,
#define THIS INTERFACE *This
#endif

typedef enum tagCOINIT
{
    COINIT_APARTMENTTHREADED = 0x2,
    COINIT_MULTITHREADED = 0x0,
    COINIT_DISABLE_OLE1DDE = 0x4,
    COINIT_SPEED_OVER_MEMORY = 0x8
} COINIT;

typedef enum tagCLSCTX
{
    CLSCTX_INPROC_SERVER = 0x1,
    CLSCTX_INPROC_HANDLER = 0x2,
    CLSCTX_LOCAL_SERVER = 0x4,
    CLSCTX_REMOTE_SERVER = 0x10,
    CLSCTX_ALL = 0x17
} CLSCTX;
#define CLSCTX_INPROC (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER)
#define CLSCTX_SERVER (CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER)

#define RPC_C_AUTHN_LEVEL_DEFAULT 0
#define RPC_C_AUTHN_LEVEL_NONE 1
#define RPC_C_AUTHN_LEVEL_CONNECT 2
#define RPC_C_AUTHN_LEVEL_CALL 3
#define RPC_C_AUTHN_LEVEL_PKT 4
#define RPC_C_AUTHN_LEVEL_PKT_INTEGRITY 5
#define RPC_C_AUTHN_LEVEL_PKT_PRIVACY 6
#define RPC_C_IMP_LEVEL_DEFAULT 0
#define RPC_C_IMP_LEVEL_ANONYMOUS 1
#define RPC_C_IMP_LEVEL_IDENTIFY 2
#define RPC_C_IMP_LEVEL_IMPERSONATE 3
#define RPC_C_IMP_LEVEL_DELEGATE 4
#define RPC_C_AUTHN_WINNT 10
#define RPC_C_AUTHZ_NONE 0

typedef enum tagEOLE_AUTHENTICATION_CAPABILITIES
{
    EOAC_NONE = 0,
    EOAC_MUTUAL_AUTH = 0x1,
    EOAC_STATIC_CLOAKING = 0x20,
    EOAC_DYNAMIC_CLOAKING = 0x40,
    EOAC_ANY_AUTHORITY = 0x80,
    EOAC_SECURE_REFS = 0x2,
    EOAC_ACCESS_CONTROL = 0x4,
    EOAC_APPID = 0x8,
    EOAC_DYNAMIC = 0x10,
    EOAC_MAKE_FULLSIC = 0x100,
    EOAC_REQUIRE_FULLSIC = 0x200,
    EOAC_AUTO_IMPERSONATE = 0x400,
    EOAC_DEFAULT = 0x800,
    EOAC_DISABLE_AAA = 0x1000,
    EOAC_NO_CUSTOM_MARSHAL = 0x2000
} EOLE_AUTHENTICATION_CAPABILITIES;

typedef struct tagSOLE_AUTHENTICATION_SERVICE
{
    DWORD dwAuthnSvc;
    DWORD dwAuthzSvc;
    OLECHAR *pPrincipalName;
    HRESULT hr;
} SOLE_AUTHENTICATION_SERVICE;

#define CHARS_IN_GUID 39

#include <wtypes.h>
#include <unknwn.h>

#ifdef __cplusplus
extern "C" {
#endif

WINOLEAPI CoInitialize(LPVOID reserved);
WINOLEAPI CoInitializeEx(LPVOID reserved, DWORD coinit);
WINOLEAPI_(void) CoUninitialize(void);
WINOLEAPI CoInitializeSecurity(PSECURITY_DESCRIPTOR sd, LONG cAuthSvc,
                               SOLE_AUTHENTICATION_SERVICE *asAuthSvc, void *reserved1,
                               DWORD authn_level, DWORD imp_level, void *auth_list,
                               DWORD capabilities, void *reserved3);
WINOLEAPI CoCreateInstance(REFCLSID clsid, LPUNKNOWN outer, DWORD clsctx, REFIID iid, LPVOID *ppv);
WINOLEAPI CoCreateGuid(GUID *guid);
WINOLEAPI_(LPVOID) CoTaskMemAlloc(SIZE_T size);
WINOLEAPI_(LPVOID) CoTaskMemRealloc(LPVOID ptr, SIZE_T size);
WINOLEAPI_(void) CoTaskMemFree(LPVOID ptr);
WINOLEAPI_(int) StringFromGUID2(REFGUID guid, LPOLESTR str, int cchmax);
WINOLEAPI StringFromCLSID(REFCLSID clsid, LPOLESTR *str);
WINOLEAPI StringFromIID(REFIID iid, LPOLESTR *str);
WINOLEAPI CLSIDFromString(LPCOLESTR str, LPCLSID clsid);
WINOLEAPI IIDFromString(LPCOLESTR str, LPIID iid);

#ifdef __cplusplus
}
#endif

#endif
