/*
 * variant.c: VariantInit, VariantClear and VariantCopy for the VARIANT types
 * VSS passes (IVssSoftwareSnapshotProvider::SetSnapshotProperty and friends):
 * scalars, BSTR, IUnknown and IDispatch, by value or by reference.  Arrays
 * and records need SAFEARRAY and IRecordInfo, which Umbra does not provide;
 * such VARIANTs are refused with DISP_E_BADVARTYPE.
 */
#include <windows.h>
#include "umbra/debug.h"

/* Whether Windows accepts vt as the type of a VARIANT. */
static BOOL vartype_valid(VARTYPE vt)
{
    VARTYPE base = vt & 0x0FFF;

    if (vt & ~(VT_BYREF | 0x0FFF)) return FALSE;   /* VT_VECTOR, VT_ARRAY, reserved bits */
    if ((vt & VT_BYREF) && base <= VT_NULL) return FALSE;
    return base <= VT_DECIMAL ? base != 15 : base >= VT_I1 && base <= VT_UINT;
}

void WINAPI VariantInit(VARIANTARG *var)
{
    if (var) V_VT(var) = VT_EMPTY;
}

HRESULT WINAPI VariantClear(VARIANTARG *var)
{
    TRACE("%p, vt %#x\n", var, var ? V_VT(var) : 0);

    if (!var) return E_INVALIDARG;
    if (!vartype_valid(V_VT(var)))
    {
        WARN("cannot clear a VARIANT of type %#x\n", V_VT(var));
        return DISP_E_BADVARTYPE;
    }
    switch (V_VT(var))
    {
    case VT_BSTR:
        SysFreeString(V_BSTR(var));
        break;
    case VT_UNKNOWN:
        if (V_UNKNOWN(var)) V_UNKNOWN(var)->lpVtbl->Release(V_UNKNOWN(var));
        break;
    case VT_DISPATCH:
        if (var->pdispVal) var->pdispVal->lpVtbl->Release(var->pdispVal);
        break;
    default:
        break;   /* scalars, and VT_BYREF, which owns nothing */
    }
    V_VT(var) = VT_EMPTY;
    return S_OK;
}

HRESULT WINAPI VariantCopy(VARIANTARG *dst, const VARIANTARG *src)
{
    HRESULT hr;

    TRACE("%p, %p, vt %#x\n", dst, src, src ? V_VT(src) : 0);

    if (!dst || !src) return E_INVALIDARG;
    if (!vartype_valid(V_VT(src))) return DISP_E_BADVARTYPE;
    if (dst == src) return S_OK;
    if (FAILED(hr = VariantClear(dst))) return hr;

    *dst = *src;
    switch (V_VT(src))
    {
    case VT_BSTR:
        /* Copy by byte length: a byte-counted BSTR stays byte-counted. */
        if (V_BSTR(src)
            && !(V_BSTR(dst) = SysAllocStringByteLen((LPCSTR)V_BSTR(src), SysStringByteLen(V_BSTR(src)))))
        {
            V_VT(dst) = VT_EMPTY;
            return E_OUTOFMEMORY;
        }
        break;
    case VT_UNKNOWN:
        if (V_UNKNOWN(dst)) V_UNKNOWN(dst)->lpVtbl->AddRef(V_UNKNOWN(dst));
        break;
    case VT_DISPATCH:
        if (dst->pdispVal) dst->pdispVal->lpVtbl->AddRef(dst->pdispVal);
        break;
    default:
        break;
    }
    return S_OK;
}
