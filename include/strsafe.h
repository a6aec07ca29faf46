/*
 * strsafe.h: the Windows SDK's bounded string functions (StringCch* counting
 * characters, StringCb* counting bytes), implemented in libumbra-msvcrt.
 * They always leave a NUL-terminated destination: text that does not fit is
 * cut and STRSAFE_E_INSUFFICIENT_BUFFER returned; a size of 0 or above
 * STRSAFE_MAX_CCH, a NULL pointer or an invalid format give
 * STRSAFE_E_INVALID_PARAMETER.  StringCchPrintfW and friends take Microsoft
 * formats (%s is a wide string), like swprintf (umbra/msvcrt.h).
 *
 * Not provided: the Ex forms and the deprecation of strcpy and friends that
 * the SDK's header applies.
 */
#ifndef UMBRA_STRSAFE_H
#define UMBRA_STRSAFE_H

#include <stdarg.h>
#include <stddef.h>
#include <winnt.h>

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)

#define STRSAFEAPI EXTERN_C DECLSPEC_IMPORT HRESULT STDAPICALLTYPE

typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;
typedef wchar_t *STRSAFE_LPWSTR;
typedef const wchar_t *STRSAFE_LPCWSTR;

STRSAFEAPI StringCchCopyA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src);
STRSAFEAPI StringCchCopyW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src);
STRSAFEAPI StringCchCopyNA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src, size_t cchToCopy);
STRSAFEAPI StringCchCopyNW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src, size_t cchToCopy);
STRSAFEAPI StringCchCatA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src);
STRSAFEAPI StringCchCatW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src);
STRSAFEAPI StringCchCatNA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR src, size_t cchToAppend);
STRSAFEAPI StringCchCatNW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR src, size_t cchToAppend);
STRSAFEAPI StringCchLengthA(STRSAFE_LPCSTR str, size_t cchMax, size_t *pcchLength);
STRSAFEAPI StringCchLengthW(STRSAFE_LPCWSTR str, size_t cchMax, size_t *pcchLength);
STRSAFEAPI StringCchPrintfA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR fmt, ...);
STRSAFEAPI StringCchPrintfW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR fmt, ...);
STRSAFEAPI StringCchVPrintfA(STRSAFE_LPSTR dst, size_t cchDest, STRSAFE_LPCSTR fmt, va_list args);
STRSAFEAPI StringCchVPrintfW(STRSAFE_LPWSTR dst, size_t cchDest, STRSAFE_LPCWSTR fmt, va_list args);

STRSAFEAPI StringCbCopyA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src);
STRSAFEAPI StringCbCopyW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src);
STRSAFEAPI StringCbCopyNA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src, size_t cbToCopy);
STRSAFEAPI StringCbCopyNW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src, size_t cbToCopy);
STRSAFEAPI StringCbCatA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src);
STRSAFEAPI StringCbCatW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src);
STRSAFEAPI StringCbCatNA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR src, size_t cbToAppend);
STRSAFEAPI StringCbCatNW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR src, size_t cbToAppend);
STRSAFEAPI StringCbLengthA(STRSAFE_LPCSTR str, size_t cbMax, size_t *pcbLength);
STRSAFEAPI StringCbLengthW(STRSAFE_LPCWSTR str, size_t cbMax, size_t *pcbLength);
STRSAFEAPI StringCbPrintfA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR fmt, ...);
STRSAFEAPI StringCbPrintfW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR fmt, ...);
STRSAFEAPI StringCbVPrintfA(STRSAFE_LPSTR dst, size_t cbDest, STRSAFE_LPCSTR fmt, va_list args);
STRSAFEAPI StringCbVPrintfW(STRSAFE_LPWSTR dst, size_t cbDest, STRSAFE_LPCWSTR fmt, va_list args);

#ifdef UNICODE
#define StringCchCopy StringCchCopyW
#define StringCchCopyN StringCchCopyNW
#define StringCchCat StringCchCatW
#define StringCchCatN StringCchCatNW
#define StringCchLength StringCchLengthW
#define StringCchPrintf StringCchPrintfW
#define StringCchVPrintf StringCchVPrintfW
#define StringCbCopy StringCbCopyW
#define StringCbCopyN StringCbCopyNW
#define StringCbCat StringCbCatW
#define StringCbCatN StringCbCatNW
#define StringCbLength StringCbLengthW
#define StringCbPrintf StringCbPrintfW
#define StringCbVPrintf StringCbVPrintfW
#else
#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCchCat StringCchCatA
#define StringCchCatN StringCchCatNA
#define StringCchLength StringCchLengthA
#define StringCchPrintf StringCchPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCbCopy StringCbCopyA
#define StringCbCopyN StringCbCopyNA
#define StringCbCat StringCbCatA
#define StringCbCatN StringCbCatNA
#define StringCbLength StringCbLengthA
#define StringCbPrintf StringCbPrintfA
#define StringCbVPrintf StringCbVPrintfA
#endif

#endif
