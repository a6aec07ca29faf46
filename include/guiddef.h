/*
 * guiddef.h: GUID, IID, CLSID and DEFINE_GUID.
 *
 * DEFINE_GUID declares an extern const GUID; the one translation unit that
 * defines INITGUID (before including this header) gets the definition.  Umbra's
 * libraries define every IID once, the base COM ones and GUID_NULL in
 * dlls/ole32/uuid.c and the VSS ones in dlls/vssapi/uuid.c, so clients need not.
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

/* Outside the include guard on purpose: a file that includes other headers
 * first (so that their GUIDs stay declarations) can then define INITGUID and
 * include this header again, so that only the headers it includes after that
 * define their GUIDs (dlls/vssapi/uuid.c).  In C the definition carries no
 * "extern", which GCC would warn about. */
#undef DEFINE_GUID
#ifdef INITGUID
#ifdef __cplusplus
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
    extern "C" const GUID name __attribute__((visibility("default")))                 \
        = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
    const GUID name __attribute__((visibility("default")))                            \
        = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#endif
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
    UMBRA_EXTERN_C const GUID name
#endif

/* The all-zero GUID (defined in dlls/ole32/uuid.c). */
#ifndef UMBRA_GUID_NULL_DECLARED
#define UMBRA_GUID_NULL_DECLARED
DEFINE_GUID(GUID_NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
#endif
