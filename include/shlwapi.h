/*
 * shlwapi.h: the path helpers of the Shell Lightweight API that VSS programs
 * use (PathFileExists, PathAppend, PathCombine, PathFindFileName ...).  On
 * Windows 8 and later these live in KernelBase; here in libumbra-kernel32
 * (dlls/kernel32/shlwapi.c).
 *
 * '\' and '/' both separate components.  Where a function adds a separator,
 * it adds the one the path already uses ('/' for a POSIX path such as
 * "/srv/data", '\' otherwise), so POSIX paths stay readable.
 */
#ifndef UMBRA_SHLWAPI_H
#define UMBRA_SHLWAPI_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LWSTDAPI_(type) EXTERN_C DECLSPEC_IMPORT type STDAPICALLTYPE

LWSTDAPI_(BOOL) PathFileExistsW(LPCWSTR path);
LWSTDAPI_(BOOL) PathFileExistsA(LPCSTR path);
/* FILE_ATTRIBUTE_DIRECTORY when path is a directory, else FALSE. */
LWSTDAPI_(BOOL) PathIsDirectoryW(LPCWSTR path);
LWSTDAPI_(BOOL) PathIsDirectoryA(LPCSTR path);
LWSTDAPI_(BOOL) PathIsRelativeW(LPCWSTR path);
LWSTDAPI_(BOOL) PathIsRelativeA(LPCSTR path);
/* path (MAX_PATH characters) gets a separator and more; FALSE if it would not fit. */
LWSTDAPI_(BOOL) PathAppendW(LPWSTR path, LPCWSTR more);
LWSTDAPI_(BOOL) PathAppendA(LPSTR path, LPCSTR more);
/* dir and file joined into dest (MAX_PATH), "." and ".." resolved; NULL on failure. */
LWSTDAPI_(LPWSTR) PathCombineW(LPWSTR dest, LPCWSTR dir, LPCWSTR file);
LWSTDAPI_(LPSTR) PathCombineA(LPSTR dest, LPCSTR dir, LPCSTR file);
LWSTDAPI_(BOOL) PathCanonicalizeW(LPWSTR dest, LPCWSTR path);
LWSTDAPI_(BOOL) PathCanonicalizeA(LPSTR dest, LPCSTR path);
/* The end of path after the added separator, or NULL when there was no room. */
LWSTDAPI_(LPWSTR) PathAddBackslashW(LPWSTR path);
LWSTDAPI_(LPSTR) PathAddBackslashA(LPSTR path);
LWSTDAPI_(LPWSTR) PathRemoveBackslashW(LPWSTR path);
LWSTDAPI_(LPSTR) PathRemoveBackslashA(LPSTR path);
LWSTDAPI_(BOOL) PathRemoveFileSpecW(LPWSTR path);
LWSTDAPI_(BOOL) PathRemoveFileSpecA(LPSTR path);
LWSTDAPI_(LPWSTR) PathFindFileNameW(LPCWSTR path);
LWSTDAPI_(LPSTR) PathFindFileNameA(LPCSTR path);
LWSTDAPI_(LPWSTR) PathFindExtensionW(LPCWSTR path);
LWSTDAPI_(LPSTR) PathFindExtensionA(LPCSTR path);
LWSTDAPI_(void) PathStripPathW(LPWSTR path);
LWSTDAPI_(void) PathStripPathA(LPSTR path);

#ifdef UNICODE
#define PathFileExists PathFileExistsW
#define PathIsDirectory PathIsDirectoryW
#define PathIsRelative PathIsRelativeW
#define PathAppend PathAppendW
#define PathCombine PathCombineW
#define PathCanonicalize PathCanonicalizeW
#define PathAddBackslash PathAddBackslashW
#define PathRemoveBackslash PathRemoveBackslashW
#define PathRemoveFileSpec PathRemoveFileSpecW
#define PathFindFileName PathFindFileNameW
#define PathFindExtension PathFindExtensionW
#define PathStripPath PathStripPathW
#else
#define PathFileExists PathFileExistsA
#define PathIsDirectory PathIsDirectoryA
#define PathIsRelative PathIsRelativeA
#define PathAppend PathAppendA
#define PathCombine PathCombineA
#define PathCanonicalize PathCanonicalizeA
#define PathAddBackslash PathAddBackslashA
#define PathRemoveBackslash PathRemoveBackslashA
#define PathRemoveFileSpec PathRemoveFileSpecA
#define PathFindFileName PathFindFileNameA
#define PathFindExtension PathFindExtensionA
#define PathStripPath PathStripPathA
#endif

#ifdef __cplusplus
}
#endif

#endif
