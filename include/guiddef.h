/*
 * guiddef.h: GUID, IID, CLSID and DEFINE_GUID.
 *
 * DEFINE_GUID declares an extern const GUID; the one translation unit that
 * defines INITGUID (before including this header) gets the definition.  Umbra's
 * libraries define every VSS IID once (dlls/ole32/uuid.c), so clients need not.
 * In C++, __uuidof(Interface) works through a template specialised by
 * __CRT_UUID_DECL, which the widl-generated headers emit for every interface.
 */
#ifndef UMBRA_GUIDDEF_H
#define UMBRA_GUIDDEF_H

#include <string.h>

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID
{
    unsigned int Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char Data4[8];
} GUID;
#endif

typedef GUID *LPGUID;
typedef GUID IID, *LPIID;
typedef GUID CLSID, *LPCLSID;
typedef GUID FMTID, *LPFMTID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const IID &
#define REFFMTID const IID &
#define UMBRA_EXTERN_C extern "C"
#else
#define REFGUID const GUID *
#define REFIID const IID *
#define REFCLSID const IID *
#define REFFMTID const IID *
#define UMBRA_EXTERN_C extern
#endif
typedef const GUID *LPCGUID;

#undef DEFINE_GUID
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
    UMBRA_EXTERN_C const GUID name __attribute__((visibility("default")));            \
    UMBRA_EXTERN_C const GUID name = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
    UMBRA_EXTERN_C const GUID name
#endif

#define DEFINE_OLEGUID(name, l, w1, w2) \
    DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)

#ifdef __cplusplus
inline int IsEqualGUID(REFGUID a, REFGUID b) { return !memcmp(&a, &b, sizeof(GUID)); }
inline bool operator==(REFGUID a, REFGUID b) { return !!IsEqualGUID(a, b); }
inline bool operator!=(REFGUID a, REFGUID b) { return !IsEqualGUID(a, b); }
#else
#define IsEqualGUID(a, b) (!memcmp((a), (b), sizeof(GUID)))
#endif
#define IsEqualIID(a, b) IsEqualGUID(a, b)
#define IsEqualCLSID(a, b) IsEqualGUID(a, b)
#define InlineIsEqualGUID(a, b) IsEqualGUID(a, b)

/* __uuidof for C++: the generated headers specialise umbra_uuidof<T> per interface. */
#ifdef __cplusplus
template <typename T> struct umbra_uuidof;
#define __CRT_UUID_DECL(type, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)          \
    extern "C++" {                                                                   \
    template <> struct umbra_uuidof<type>                                            \
    {                                                                                \
        static const GUID &get()                                                     \
        {                                                                            \
            static const GUID id = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }; \
            return id;                                                               \
        }                                                                            \
    };                                                                               \
    template <> struct umbra_uuidof<type *>                                          \
    {                                                                                \
        static const GUID &get() { return umbra_uuidof<type>::get(); }               \
    };                                                                               \
    }
#define __uuidof(x) (umbra_uuidof<__typeof__(x)>::get())
#endif

#endif
