/*
 * umbra/ole32.h: how Umbra's own libraries offer in-process COM classes to
 * CoCreateInstance (not part of the Windows API; there is no registry).  A
 * library registers each class once, typically from a constructor:
 *
 *     static HRESULT coordinator_create(IUnknown *outer, const IID *iid, void **ppv);
 *     umbra_register_inproc_class(&CLSID_VSSCoordinator, coordinator_create);
 *
 * CoCreateInstance then calls the creator with the caller's outer unknown,
 * IID and out pointer (already set to NULL); the creator answers exactly as an
 * IClassFactory::CreateInstance would (CLASS_E_NOAGGREGATION, E_NOINTERFACE ...).
 */
#ifndef UMBRA_OLE32_H
#define UMBRA_OLE32_H

#include <objbase.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef HRESULT (*umbra_class_create_fn)(IUnknown *outer, const IID *iid, void **ppv);

/* S_OK; E_INVALIDARG for NULL arguments; HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)
 * when the CLSID already has a creator. */
DECLSPEC_EXPORT HRESULT umbra_register_inproc_class(const CLSID *clsid, umbra_class_create_fn create);
/* S_OK, or REGDB_E_CLASSNOTREG when the CLSID was not registered. */
DECLSPEC_EXPORT HRESULT umbra_revoke_inproc_class(const CLSID *clsid);

#ifdef __cplusplus
}
#endif

#endif
