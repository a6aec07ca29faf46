/*
 * shlwapi.c: PathFileExists, PathIsDirectory and the string-only path
 * helpers of shlwapi.h, for both widths (shlwapi_path.h holds the one body
 * of the string helpers).
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <shlwapi.h>
#include "kernel32_private.h"

#define CHR WCHAR
#define FN(name) w_##name
#define NAME(name) name##W
#include "shlwapi_path.h"
#undef CHR
#undef FN
#undef NAME

#define CHR char
#define FN(name) a_##name
#define NAME(name) name##A
#include "shlwapi_path.h"
#undef CHR
#undef FN
#undef NAME

BOOL WINAPI PathFileExistsW(LPCWSTR path)
{
    if (!path) return FALSE;
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

BOOL WINAPI PathFileExistsA(LPCSTR path)
{
    if (!path) return FALSE;
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

BOOL WINAPI PathIsDirectoryW(LPCWSTR path)
{
    DWORD attr = path ? GetFileAttributesW(path) : INVALID_FILE_ATTRIBUTES;

    return attr == INVALID_FILE_ATTRIBUTES ? FALSE : (BOOL)(attr & FILE_ATTRIBUTE_DIRECTORY);
}

BOOL WINAPI PathIsDirectoryA(LPCSTR path)
{
    DWORD attr = path ? GetFileAttributesA(path) : INVALID_FILE_ATTRIBUTES;

    return attr == INVALID_FILE_ATTRIBUTES ? FALSE : (BOOL)(attr & FILE_ATTRIBUTE_DIRECTORY);
}
