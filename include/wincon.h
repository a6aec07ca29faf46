/*
 * wincon.h: the console calls a command-line VSS program makes: a handler
 * for Ctrl-C and friends, and wide text written to the console.
 *
 * Signals become console control events (dlls/kernel32/console.c): SIGINT is
 * CTRL_C_EVENT, SIGHUP and SIGTERM are CTRL_CLOSE_EVENT.  Handlers run on a
 * thread of their own, most recently added first, until one returns TRUE; if
 * none does, the process ends by the signal.  After a CTRL_CLOSE_EVENT the
 * process ends when the handlers return, as Windows ends it.
 */
#ifndef UMBRA_WINCON_H
#define UMBRA_WINCON_H

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTRL_C_EVENT 0
#define CTRL_BREAK_EVENT 1
#define CTRL_CLOSE_EVENT 2
#define CTRL_LOGOFF_EVENT 5
#define CTRL_SHUTDOWN_EVENT 6

typedef BOOL (WINAPI *PHANDLER_ROUTINE)(DWORD type);

/* (NULL, TRUE) makes the process ignore Ctrl-C; (NULL, FALSE) undoes it. */
WINBASEAPI BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE handler, BOOL add);
/* CTRL_C_EVENT and CTRL_BREAK_EVENT to a process group (0: the caller's). */
WINBASEAPI BOOL WINAPI GenerateConsoleCtrlEvent(DWORD event, DWORD group);
/* UTF-8 to the console handle's file descriptor. */
WINBASEAPI BOOL WINAPI WriteConsoleW(HANDLE console, const void *text, DWORD count, LPDWORD written,
                                     LPVOID reserved);
WINBASEAPI BOOL WINAPI WriteConsoleA(HANDLE console, const void *text, DWORD count, LPDWORD written,
                                     LPVOID reserved);
WINBASEAPI UINT WINAPI GetConsoleOutputCP(void);
WINBASEAPI BOOL WINAPI SetConsoleOutputCP(UINT codepage);
WINBASEAPI UINT WINAPI GetConsoleCP(void);

#ifdef UNICODE
#define WriteConsole WriteConsoleW
#else
#define WriteConsole WriteConsoleA
#endif

#ifdef __cplusplus
}
#endif

#endif
