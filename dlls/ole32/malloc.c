/*
 * malloc.c: COM task memory (CoTaskMemAlloc/Realloc/Free), the allocator for
 * every string and array an API hands to its caller to free.  It is malloc:
 * only the edge cases differ, and they follow Windows (a zero-byte block is a
 * valid pointer; reallocating to zero bytes frees).
 */
#include <stdlib.h>
#include <windows.h>

LPVOID WINAPI CoTaskMemAlloc(SIZE_T size)
{
    return malloc(size ? size : 1);
}

LPVOID WINAPI CoTaskMemRealloc(LPVOID ptr, SIZE_T size)
{
    if (!ptr) return CoTaskMemAlloc(size);
    if (!size)
    {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

void WINAPI CoTaskMemFree(LPVOID ptr)
{
    free(ptr);
}
