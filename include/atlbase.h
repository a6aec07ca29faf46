/*
 * atlbase.h: the part of ATL that VSS programs use, header-only C++: the
 * smart pointers CComPtr and CComQIPtr, CComBSTR, a small CComVariant, the
 * critical section wrappers, and the string conversion classes and macros of
 * atlconv.h (CW2A, CA2W, CT2W ..., USES_CONVERSION with W2A, A2W ...).
 *
 * Written against the Windows API only (no Umbra internals), so it compiles
 * with MinGW-w64's headers as well as with ours.  Narrow strings are UTF-8
 * (CP_ACP is UTF-8 here, winnls.h).  CComQIPtr<I, piid> takes a pointer to an
 * IID; left out (nullptr), the IID is __uuidof(I).  As in ATL, everything is in
 * namespace ATL, which is used unless _ATL_NO_AUTOMATIC_NAMESPACE is defined.
 */
#ifndef UMBRA_ATLBASE_H
#define UMBRA_ATLBASE_H

/* A library header: the user's warnings are for the user's code (GCC's flow
 * analysis sees impossible buffer sizes in the inlined string members). */
#pragma GCC system_header

#ifndef __cplusplus
#error atlbase.h is for C++
#endif

#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <new>

#ifndef ATLASSERT
#define ATLASSERT(expr) ((void)0)
#endif
#ifndef ATLENSURE
#define ATLENSURE(expr) ((void)0)
#endif
#ifndef ATLTRACE
#define ATLTRACE(...) ((void)0)
#endif
#define ATL_NO_VTABLE
#define ATLAPI inline HRESULT
#define ATLAPI_(type) inline type

namespace ATL
{

/* --- smart interface pointers -------------------------------------------------- */

template <class T> class CComPtrBase
{
protected:
    CComPtrBase() throw() : p(NULL) {}
    CComPtrBase(T *lp) throw() : p(lp)
    {
        if (p) p->AddRef();
    }

public:
    typedef T _PtrClass;

    ~CComPtrBase() throw()
    {
        if (p) p->Release();
    }

    operator T *() const throw() { return p; }
    T &operator*() const { return *p; }
    /* as in ATL: only an empty pointer may be filled through & */
    T **operator&() throw()
    {
        ATLASSERT(p == NULL);
        return &p;
    }
    T *operator->() const throw() { return p; }
    bool operator!() const throw() { return p == NULL; }
    bool operator<(T *other) const throw() { return p < other; }
    bool operator==(T *other) const throw() { return p == other; }
    bool operator!=(T *other) const throw() { return p != other; }

    void Release() throw()
    {
        T *old = p;
        if (old)
        {
            p = NULL;
            old->Release();
        }
    }

    bool IsEqualObject(IUnknown *other) throw()
    {
        IUnknown *mine = NULL, *theirs = NULL;
        bool same;

        if (!p && !other) return true;
        if (!p || !other) return false;
        p->QueryInterface(__uuidof(IUnknown), (void **)&mine);
        other->QueryInterface(__uuidof(IUnknown), (void **)&theirs);
        same = mine == theirs;
        if (mine) mine->Release();
        if (theirs) theirs->Release();
        return same;
    }

    void Attach(T *other) throw()
    {
        if (p) p->Release();
        p = other;
    }

    T *Detach() throw()
    {
        T *old = p;
        p = NULL;
        return old;
    }

    HRESULT CopyTo(T **out) throw()
    {
        if (!out) return E_POINTER;
        *out = p;
        if (p) p->AddRef();
        return S_OK;
    }

    HRESULT CoCreateInstance(REFCLSID clsid, LPUNKNOWN outer = NULL, DWORD context = CLSCTX_ALL) throw()
    {
        ATLASSERT(p == NULL);
        return ::CoCreateInstance(clsid, outer, context, __uuidof(T), (void **)&p);
    }

    template <class Q> HRESULT QueryInterface(Q **out) const throw()
    {
        if (!out) return E_POINTER;
        return p->QueryInterface(__uuidof(Q), (void **)out);
    }

    T *p;
};

template <class T> class CComPtr : public CComPtrBase<T>
{
public:
    CComPtr() throw() {}
    CComPtr(T *lp) throw() : CComPtrBase<T>(lp) {}
    CComPtr(const CComPtr<T> &other) throw() : CComPtrBase<T>(other.p) {}
    CComPtr(CComPtr<T> &&other) throw() : CComPtrBase<T>()
    {
        this->p = other.p;
        other.p = NULL;
    }

    T *operator=(T *lp) throw()
    {
        if (lp) lp->AddRef();
        if (this->p) this->p->Release();
        this->p = lp;
        return this->p;
    }

    T *operator=(const CComPtr<T> &other) throw()
    {
        return *this = other.p;
    }

    CComPtr<T> &operator=(CComPtr<T> &&other) throw()
    {
        if (this != __builtin_addressof(other))
        {
            if (this->p) this->p->Release();
            this->p = other.p;
            other.p = NULL;
        }
        return *this;
    }

    /* another interface: asked for by QueryInterface */
    template <typename Q> T *operator=(const CComPtr<Q> &other) throw()
    {
        T *lp = NULL;
        if (other.p) other.p->QueryInterface(__uuidof(T), (void **)&lp);
        if (this->p) this->p->Release();
        this->p = lp;
        return this->p;
    }
};

/* The IID a CComQIPtr asks for: the one named, else __uuidof(T). */
template <class T, const IID *piid> struct CComQIPtrIid
{
    static const IID &get() { return *piid; }
};
template <class T> struct CComQIPtrIid<T, nullptr>
{
    static const IID &get() { return __uuidof(T); }
};

template <class T, const IID *piid = nullptr> class CComQIPtr : public CComPtr<T>
{
    static const IID &iid() { return CComQIPtrIid<T, piid>::get(); }

    void query(IUnknown *lp)
    {
        T *found = NULL;
        if (lp) lp->QueryInterface(iid(), (void **)&found);
        if (this->p) this->p->Release();
        this->p = found;
    }

public:
    CComQIPtr() throw() {}
    CComQIPtr(T *lp) throw() : CComPtr<T>(lp) {}
    CComQIPtr(const CComQIPtr<T, piid> &other) throw() : CComPtr<T>(other.p) {}
    CComQIPtr(IUnknown *lp) throw()
    {
        query(lp);
    }

    T *operator=(T *lp) throw()
    {
        return CComPtr<T>::operator=(lp);
    }

    T *operator=(const CComQIPtr<T, piid> &other) throw()
    {
        return CComPtr<T>::operator=(other.p);
    }

    T *operator=(IUnknown *lp) throw()
    {
        query(lp);
        return this->p;
    }
};

/* IUnknown itself: no second constructor from IUnknown * */
template <> class CComQIPtr<IUnknown, nullptr> : public CComPtr<IUnknown>
{
public:
    CComQIPtr() throw() {}
    CComQIPtr(IUnknown *lp) throw()
    {
        if (lp) lp->QueryInterface(__uuidof(IUnknown), (void **)&p);
    }
    CComQIPtr(const CComQIPtr<IUnknown, nullptr> &other) throw() : CComPtr<IUnknown>(other.p) {}

    IUnknown *operator=(IUnknown *lp) throw()
    {
        IUnknown *found = NULL;
        if (lp) lp->QueryInterface(__uuidof(IUnknown), (void **)&found);
        if (p) p->Release();
        p = found;
        return p;
    }

    IUnknown *operator=(const CComQIPtr<IUnknown, nullptr> &other) throw()
    {
        return CComPtr<IUnknown>::operator=(other.p);
    }
};

/* --- BSTR ---------------------------------------------------------------------- */

class CComBSTR
{
public:
    BSTR m_str;

    CComBSTR() throw() : m_str(NULL) {}
    explicit CComBSTR(int size) : m_str(size > 0 ? ::SysAllocStringLen(NULL, (UINT)size) : NULL) {}
    CComBSTR(int size, LPCOLESTR text) : m_str(size >= 0 ? ::SysAllocStringLen(text, (UINT)size) : NULL) {}
    CComBSTR(LPCOLESTR text) : m_str(text ? ::SysAllocString(text) : NULL) {}
    CComBSTR(LPCSTR text) : m_str(NULL)
    {
        assign_narrow(text);
    }
    CComBSTR(const CComBSTR &other) : m_str(other.Copy()) {}
    CComBSTR(CComBSTR &&other) throw() : m_str(other.m_str)
    {
        other.m_str = NULL;
    }
    CComBSTR(REFGUID guid) : m_str(NULL)
    {
        OLECHAR text[64];
        if (::StringFromGUID2(guid, text, 64)) m_str = ::SysAllocString(text);
    }

    ~CComBSTR() throw()
    {
        ::SysFreeString(m_str);
    }

    CComBSTR &operator=(const CComBSTR &other)
    {
        if (this != __builtin_addressof(other))
        {
            ::SysFreeString(m_str);
            m_str = other.Copy();
        }
        return *this;
    }

    CComBSTR &operator=(CComBSTR &&other) throw()
    {
        if (this != __builtin_addressof(other))
        {
            ::SysFreeString(m_str);
            m_str = other.m_str;
            other.m_str = NULL;
        }
        return *this;
    }

    CComBSTR &operator=(LPCOLESTR text)
    {
        if (text != m_str)
        {
            ::SysFreeString(m_str);
            m_str = text ? ::SysAllocString(text) : NULL;
        }
        return *this;
    }

    CComBSTR &operator=(LPCSTR text)
    {
        ::SysFreeString(m_str);
        m_str = NULL;
        assign_narrow(text);
        return *this;
    }

    operator BSTR() const throw() { return m_str; }
    BSTR *operator&() throw()
    {
        ATLASSERT(m_str == NULL);
        return &m_str;
    }
    bool operator!() const throw() { return m_str == NULL; }

    unsigned int Length() const throw() { return ::SysStringLen(m_str); }
    unsigned int ByteLength() const throw() { return ::SysStringByteLen(m_str); }

    BSTR Copy() const
    {
        return m_str ? ::SysAllocStringByteLen((const char *)m_str, ::SysStringByteLen(m_str)) : NULL;
    }

    HRESULT CopyTo(BSTR *out) const
    {
        if (!out) return E_POINTER;
        *out = Copy();
        return (*out || !m_str) ? S_OK : E_OUTOFMEMORY;
    }

    void Attach(BSTR text) throw()
    {
        if (text != m_str)
        {
            ::SysFreeString(m_str);
            m_str = text;
        }
    }

    BSTR Detach() throw()
    {
        BSTR text = m_str;
        m_str = NULL;
        return text;
    }

    void Empty() throw()
    {
        ::SysFreeString(m_str);
        m_str = NULL;
    }

    HRESULT Append(LPCOLESTR text, int len)
    {
        UINT old = Length();
        BSTR joined;

        if (!text || len <= 0) return S_OK;
        if (!(joined = ::SysAllocStringLen(NULL, old + (UINT)len))) return E_OUTOFMEMORY;
        for (UINT i = 0; i < old; i++) joined[i] = m_str[i];
        for (int i = 0; i < len; i++) joined[old + i] = text[i];
        joined[old + len] = 0;
        ::SysFreeString(m_str);
        m_str = joined;
        return S_OK;
    }

    HRESULT Append(LPCOLESTR text)
    {
        int len = 0;
        while (text && text[len]) len++;
        return Append(text, len);
    }

    HRESULT Append(const CComBSTR &other) { return Append(other.m_str, (int)other.Length()); }
    HRESULT Append(wchar_t c) { return Append(&c, 1); }
    HRESULT AppendBSTR(BSTR text) { return Append(text, (int)::SysStringLen(text)); }
    HRESULT AssignBSTR(const BSTR text)
    {
        ::SysFreeString(m_str);
        m_str = text ? ::SysAllocStringByteLen((const char *)text, ::SysStringByteLen(text)) : NULL;
        return (m_str || !text) ? S_OK : E_OUTOFMEMORY;
    }

    CComBSTR &operator+=(const CComBSTR &other)
    {
        Append(other);
        return *this;
    }

    CComBSTR &operator+=(LPCOLESTR text)
    {
        Append(text);
        return *this;
    }

    bool operator==(LPCOLESTR text) const throw()
    {
        UINT len = Length(), i;

        /* a NULL BSTR is the empty string, as everywhere in COM */
        if (!text) return !len;
        for (i = 0; i < len; i++)
            if (m_str[i] != text[i]) return false;
        return text[len] == 0;
    }

    bool operator==(const CComBSTR &other) const throw()
    {
        UINT len = Length(), i;
        if (len != other.Length()) return false;
        for (i = 0; i < len; i++)
            if (m_str[i] != other.m_str[i]) return false;
        return true;
    }

    bool operator!=(LPCOLESTR text) const throw() { return !(*this == text); }
    bool operator!=(const CComBSTR &other) const throw() { return !(*this == other); }

    bool operator<(const CComBSTR &other) const throw()
    {
        UINT a = Length(), b = other.Length(), i;
        for (i = 0; i < a && i < b; i++)
            if (m_str[i] != other.m_str[i]) return m_str[i] < other.m_str[i];
        return a < b;
    }

    HRESULT ToLower()
    {
        for (UINT i = 0; i < Length(); i++)
            if (m_str[i] >= 'A' && m_str[i] <= 'Z') m_str[i] = (OLECHAR)(m_str[i] + ('a' - 'A'));
        return S_OK;
    }

    HRESULT ToUpper()
    {
        for (UINT i = 0; i < Length(); i++)
            if (m_str[i] >= 'a' && m_str[i] <= 'z') m_str[i] = (OLECHAR)(m_str[i] - ('a' - 'A'));
        return S_OK;
    }

private:
    void assign_narrow(LPCSTR text)
    {
        int len;

        if (!text) return;
        len = ::MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
        if (len <= 0) len = 1;
        if (!(m_str = ::SysAllocStringLen(NULL, (UINT)(len - 1)))) return;
        if (len > 1) ::MultiByteToWideChar(CP_ACP, 0, text, -1, m_str, len);
        m_str[len - 1] = 0;
    }
};

/* --- VARIANT --------------------------------------------------------------------- */

class CComVariant : public tagVARIANT
{
public:
    CComVariant() throw()
    {
        ::VariantInit(this);
    }
    CComVariant(const VARIANT &other)
    {
        ::VariantInit(this);
        ::VariantCopy(this, const_cast<VARIANT *>(&other));
    }
    CComVariant(const CComVariant &other)
    {
        ::VariantInit(this);
        ::VariantCopy(this, const_cast<CComVariant *>(&other));
    }
    CComVariant(LPCOLESTR text)
    {
        ::VariantInit(this);
        vt = VT_BSTR;
        bstrVal = ::SysAllocString(text);
    }
    CComVariant(int value) throw()
    {
        ::VariantInit(this);
        vt = VT_I4;
        lVal = value;
    }
    CComVariant(bool value) throw()
    {
        ::VariantInit(this);
        vt = VT_BOOL;
        boolVal = value ? VARIANT_TRUE : VARIANT_FALSE;
    }
    ~CComVariant()
    {
        ::VariantClear(this);
    }

    CComVariant &operator=(const CComVariant &other)
    {
        if (this != &other) ::VariantCopy(this, const_cast<CComVariant *>(&other));
        return *this;
    }

    HRESULT Clear() { return ::VariantClear(this); }
    HRESULT Copy(const VARIANT *src) { return ::VariantCopy(this, const_cast<VARIANT *>(src)); }
};

/* --- critical sections ------------------------------------------------------------ */

class CComCriticalSection
{
public:
    CRITICAL_SECTION m_sec;

    CComCriticalSection() throw() {}
    HRESULT Init() throw()
    {
        ::InitializeCriticalSection(&m_sec);
        return S_OK;
    }
    HRESULT Term() throw()
    {
        ::DeleteCriticalSection(&m_sec);
        return S_OK;
    }
    HRESULT Lock() throw()
    {
        ::EnterCriticalSection(&m_sec);
        return S_OK;
    }
    HRESULT Unlock() throw()
    {
        ::LeaveCriticalSection(&m_sec);
        return S_OK;
    }
};

class CComAutoCriticalSection : public CComCriticalSection
{
public:
    CComAutoCriticalSection() { Init(); }
    ~CComAutoCriticalSection() { Term(); }

private:
    CComAutoCriticalSection(const CComAutoCriticalSection &);
    CComAutoCriticalSection &operator=(const CComAutoCriticalSection &);
};

class CComCritSecLock
{
public:
    CComCritSecLock(CComCriticalSection &cs, bool initial_lock = true) : m_cs(cs), m_locked(false)
    {
        if (initial_lock) Lock();
    }
    ~CComCritSecLock()
    {
        if (m_locked) Unlock();
    }
    HRESULT Lock()
    {
        m_cs.Lock();
        m_locked = true;
        return S_OK;
    }
    void Unlock()
    {
        m_cs.Unlock();
        m_locked = false;
    }

private:
    CComCriticalSection &m_cs;
    bool m_locked;
    CComCritSecLock(const CComCritSecLock &);
    CComCritSecLock &operator=(const CComCritSecLock &);
};

/* --- string conversions (atlconv.h) ------------------------------------------------ */

class CW2A
{
public:
    CW2A(LPCWSTR text, UINT codepage = CP_ACP) : m_psz(NULL)
    {
        int len;

        if (!text) return;
        len = ::WideCharToMultiByte(codepage, 0, text, -1, NULL, 0, NULL, NULL);
        if (len <= 0) len = 1;
        m_psz = new (std::nothrow) char[len];
        if (!m_psz) return;
        m_psz[0] = 0;
        if (len > 1) ::WideCharToMultiByte(codepage, 0, text, -1, m_psz, len, NULL, NULL);
    }
    ~CW2A() { delete[] m_psz; }
    operator LPSTR() const throw() { return m_psz; }

private:
    LPSTR m_psz;
    CW2A(const CW2A &);
    CW2A &operator=(const CW2A &);
};

class CA2W
{
public:
    CA2W(LPCSTR text, UINT codepage = CP_ACP) : m_psz(NULL)
    {
        int len;

        if (!text) return;
        len = ::MultiByteToWideChar(codepage, 0, text, -1, NULL, 0);
        if (len <= 0) len = 1;
        m_psz = new (std::nothrow) WCHAR[len];
        if (!m_psz) return;
        m_psz[0] = 0;
        if (len > 1) ::MultiByteToWideChar(codepage, 0, text, -1, m_psz, len);
    }
    ~CA2W() { delete[] m_psz; }
    operator LPWSTR() const throw() { return m_psz; }

private:
    LPWSTR m_psz;
    CA2W(const CA2W &);
    CA2W &operator=(const CA2W &);
};

/* "no conversion" for the T forms that need none */
template <class CharType> class CNoConvert
{
public:
    CNoConvert(const CharType *text, UINT codepage = CP_ACP) : m_psz(const_cast<CharType *>(text))
    {
        (void)codepage;
    }
    operator CharType *() const throw() { return m_psz; }

private:
    CharType *m_psz;
};

typedef CW2A CW2CA;
typedef CA2W CA2CW;
#ifdef UNICODE
typedef CNoConvert<WCHAR> CW2T, CW2CT, CT2W, CT2CW;
typedef CA2W CA2T, CA2CT;
typedef CW2A CT2A, CT2CA;
#else
typedef CNoConvert<char> CA2T, CA2CT, CT2A, CT2CA;
typedef CW2A CW2T, CW2CT;
typedef CA2W CT2W, CT2CW;
#endif
typedef CA2W CA2OLE;
typedef CW2A COLE2A;

/* The alloca-based macros: strings that live until the function returns. */
inline LPSTR AtlW2AHelper(LPSTR out, LPCWSTR in, int size, UINT codepage = CP_ACP)
{
    out[0] = 0;
    ::WideCharToMultiByte(codepage, 0, in, -1, out, size, NULL, NULL);
    return out;
}

inline LPWSTR AtlA2WHelper(LPWSTR out, LPCSTR in, int size, UINT codepage = CP_ACP)
{
    out[0] = 0;
    ::MultiByteToWideChar(codepage, 0, in, -1, out, size);
    return out;
}

inline int AtlW2ASize(LPCWSTR in)
{
    int len = ::WideCharToMultiByte(CP_ACP, 0, in, -1, NULL, 0, NULL, NULL);
    return len > 0 ? len : 1;
}

inline int AtlA2WSize(LPCSTR in)
{
    int len = ::MultiByteToWideChar(CP_ACP, 0, in, -1, NULL, 0);
    return len > 0 ? len : 1;
}

} /* namespace ATL */

#define USES_CONVERSION int _convert_unused = 0; (void)_convert_unused
#define USES_CONVERSION_EX USES_CONVERSION
#define W2A(w) ((w) ? ATL::AtlW2AHelper((LPSTR)__builtin_alloca(ATL::AtlW2ASize(w)), (w), ATL::AtlW2ASize(w)) : NULL)
#define A2W(a) ((a) ? ATL::AtlA2WHelper((LPWSTR)__builtin_alloca(ATL::AtlA2WSize(a) * sizeof(WCHAR)), (a), \
                                        ATL::AtlA2WSize(a)) : NULL)
#define W2CA(w) ((LPCSTR)W2A(w))
#define A2CW(a) ((LPCWSTR)A2W(a))
#ifdef UNICODE
#define T2W(t) ((LPWSTR)(t))
#define W2T(w) ((LPWSTR)(w))
#define T2CW(t) ((LPCWSTR)(t))
#define W2CT(w) ((LPCWSTR)(w))
#define T2A(t) W2A(t)
#define A2T(a) A2W(a)
#define T2CA(t) W2CA(t)
#define A2CT(a) A2CW(a)
#else
#define T2W(t) A2W(t)
#define W2T(w) W2A(w)
#define T2CW(t) A2CW(t)
#define W2CT(w) W2CA(w)
#define T2A(t) ((LPSTR)(t))
#define A2T(a) ((LPSTR)(a))
#define T2CA(t) ((LPCSTR)(t))
#define A2CT(a) ((LPCSTR)(a))
#endif
#define OLE2T(o) W2T(o)
#define T2OLE(t) T2W(t)
#define OLE2CT(o) W2CT(o)
#define T2COLE(t) T2CW(t)
#define OLE2A(o) W2A(o)
#define A2OLE(a) A2W(a)
#define OLE2W(o) ((LPWSTR)(o))
#define W2OLE(w) ((LPOLESTR)(w))

#ifndef _ATL_NO_AUTOMATIC_NAMESPACE
using namespace ATL;
#endif

#endif
