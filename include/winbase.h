/*
 * winbase.h: the kernel32 subset Umbra provides (dlls/kernel32).  Errors are
 * reported per thread through GetLastError(), with Win32 error codes mapped from
 * errno.
 */
#ifndef UMBRA_WINBASE_H
#define UMBRA_WINBASE_H

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define INFINITE 0xFFFFFFFF
#define WAIT_OBJECT_0 0x00000000L
#define WAIT_ABANDONED 0x00000080L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

#define LMEM_FIXED 0x0000
#define LMEM_ZEROINIT 0x0040
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)

WINBASEAPI DWORD WINAPI GetLastError(void);
WINBASEAPI void WINAPI SetLastError(DWORD err);
WINBASEAPI void WINAPI Sleep(DWORD ms);
WINBASEAPI DWORD WINAPI GetTickCount(void);
WINBASEAPI ULONGLONG WINAPI GetTickCount64(void);
WINBASEAPI HLOCAL WINAPI LocalAlloc(UINT flags, SIZE_T bytes);
WINBASEAPI HLOCAL WINAPI LocalFree(HLOCAL mem);
WINBASEAPI void WINAPI GetSystemTimeAsFileTime(LPFILETIME ft);
WINBASEAPI DWORD WINAPI GetCurrentProcessId(void);
WINBASEAPI DWORD WINAPI GetCurrentThreadId(void);

#ifdef __cplusplus
}
#endif

#endif
