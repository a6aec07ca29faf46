/*
 * stdio.h: glibc's <stdio.h> plus the Microsoft C runtime's printf family
 * (umbra/msvcrt.h).  Unless UMBRA_NATIVE_CRT is defined (Umbra's own
 * libraries define it), printf, sprintf, wprintf ... follow Microsoft's format
 * semantics, through the macros in umbra/msvcrt_macros.h.
 *
 * The macros are applied at the end of every inclusion, and only once no
 * wrapper is half-read, so glibc's headers never see them and a later
 * #include <stdio.h> restores them after C++'s <cstdio> has undefined them.
 */
/* #include_next is a GCC extension: keep -Wpedantic quiet about it. */
#pragma GCC system_header

#ifndef UMBRA_STDIO_H
#define UMBRA_STDIO_H
#define UMBRA_CRT_BUSY_STDIO
#include_next <stdio.h>
#include <wchar.h>
#include <umbra/msvcrt.h>
#undef UMBRA_CRT_BUSY_STDIO
#endif

#include <umbra/msvcrt_macros.h>
