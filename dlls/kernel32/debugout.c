/*
 * debugout.c: OutputDebugString and IsDebuggerPresent.  There is no Windows
 * debugger to receive the text, so it goes to Umbra's trace channel
 * (VSS_TRACE=1 shows it on stderr, VSS_TRACE=/file appends it there), where
 * someone debugging the program looks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

void WINAPI OutputDebugStringA(LPCSTR text)
{
    if (!text || !umbra_debug_enabled(UMBRA_DBG_WARN)) return;
    umbra_debug_printf(UMBRA_DBG_WARN, "OutputDebugString", "%s", text);
}

void WINAPI OutputDebugStringW(LPCWSTR text)
{
    char *utf8;

    if (!text || !umbra_debug_enabled(UMBRA_DBG_WARN)) return;
    if (k32_to_utf8(text, &utf8)) return;
    OutputDebugStringA(utf8);
    free(utf8);
}

BOOL WINAPI IsDebuggerPresent(void)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "re");
    int traced = 0;

    if (!f) return FALSE;
    while (fgets(line, sizeof(line), f))
    {
        if (strncmp(line, "TracerPid:", 10)) continue;
        traced = atoi(line + 10) != 0;
        break;
    }
    fclose(f);
    return traced;
}
