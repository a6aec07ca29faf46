/*
 * oleauto.h: BSTR and VARIANT helpers (dlls/oleaut32).
 *
 * A BSTR points at the first character of a WCHAR string; the 32-bit length in
 * bytes sits in the four bytes before it and a WCHAR NUL follows the data, as on
 * Windows (with WCHAR four bytes wide here, so byte length = 4 x characters).
 */
#ifndef UMBRA_OLEAUTO_H
#define UMBRA_OLEAUTO_H

#include <objbase.h>
#include <oaidl.h>

#ifdef __cplusplus
extern "C" {
#endif

WINOLEAUTAPI_(BSTR) SysAllocString(const OLECHAR *str);
WINOLEAUTAPI_(BSTR) SysAllocStringLen(const OLECHAR *str, UINT len);
WINOLEAUTAPI_(BSTR) SysAllocStringByteLen(LPCSTR str, UINT len);
WINOLEAUTAPI_(INT) SysReAllocString(BSTR *old, const OLECHAR *str);
WINOLEAUTAPI_(INT) SysReAllocStringLen(BSTR *old, const OLECHAR *str, UINT len);
WINOLEAUTAPI_(void) SysFreeString(BSTR str);
WINOLEAUTAPI_(UINT) SysStringLen(BSTR str);
WINOLEAUTAPI_(UINT) SysStringByteLen(BSTR str);

WINOLEAUTAPI_(void) VariantInit(VARIANTARG *var);
WINOLEAUTAPI VariantClear(VARIANTARG *var);
WINOLEAUTAPI VariantCopy(VARIANTARG *dst, const VARIANTARG *src);

#ifdef __cplusplus
}
#endif

#endif
