/*
 * heap.c: LocalAlloc/LocalFree, the allocator behind memory that Win32 APIs
 * hand to callers to free with LocalFree.  Only fixed memory exists here: a
 * local "handle" is the pointer itself.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

HLOCAL WINAPI LocalAlloc(UINT flags, SIZE_T bytes)
{
    void *mem;

    if (flags & ~(UINT)(LMEM_FIXED | LMEM_ZEROINIT))
    {
        /* LMEM_MOVEABLE and the discardable flags need LocalLock, which
         * nothing in Umbra's API surface uses. */
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    /* Windows hands out a valid block for a zero-byte request. */
    mem = (flags & LMEM_ZEROINIT) ? calloc(1, bytes ? bytes : 1) : malloc(bytes ? bytes : 1);
    if (!mem) SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return mem;
}

HLOCAL WINAPI LocalFree(HLOCAL mem)
{
    free(mem);
    return NULL;
}
