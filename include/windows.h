/*
 * windows.h: the entry point of the Win32 compatibility headers.  A Windows
 * program that includes it gets the types, macros, error codes and the subset
 * of the Win32 API that Umbra provides on Linux (dlls/kernel32 and friends).
 */
#ifndef UMBRA_WINDOWS_H
#define UMBRA_WINDOWS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umbra/sal_new.h>
#include <winnt.h>
#include <windef.h>
#include <winerror.h>
#include <rpc.h>
#include <winbase.h>
#include <winnls.h>
#include <wincon.h>

#ifndef WIN32_LEAN_AND_MEAN
#include <ole2.h>
#endif

#endif
