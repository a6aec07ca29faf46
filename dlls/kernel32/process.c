/*
 * process.c: process and thread identities.  Thread ids are the kernel's
 * (gettid), so they match what ps, /proc and the trace lines show.
 */
#include <unistd.h>
#include <sys/syscall.h>
#include <windows.h>

DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)getpid();
}

DWORD WINAPI GetCurrentThreadId(void)
{
    return (DWORD)syscall(SYS_gettid);
}
