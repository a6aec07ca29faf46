/*
 * wchar.h: glibc's <wchar.h> plus the Microsoft C runtime's wide functions
 * (umbra/msvcrt.h): _snwprintf, swprintf_s, _wcsicmp, wcscpy_s ...  Unless
 * UMBRA_NATIVE_CRT is defined, wprintf, swprintf, fputws ... follow
 * Microsoft's semantics through the macros in umbra/msvcrt_macros.h (see
 * stdio.h for how they are applied).
 */
/* #include_next is a GCC extension: keep -Wpedantic quiet about it. */
#pragma GCC system_header

#ifndef UMBRA_WCHAR_H
#define UMBRA_WCHAR_H
#define UMBRA_CRT_BUSY_WCHAR
#include_next <wchar.h>
#include <stdio.h>
#include <umbra/msvcrt.h>
#undef UMBRA_CRT_BUSY_WCHAR
#endif

#include <umbra/msvcrt_macros.h>
