/*
 * console.c: console control handlers (SetConsoleCtrlHandler) on top of
 * signals, and wide text to the console (wincon.h says which signal is which
 * event and what happens after the handlers ran).
 *
 * The signal handler only writes the signal number to a pipe; a thread of
 * our own reads it and calls the handlers, as Windows calls them on a thread
 * it creates.  So handlers may take locks, print and wait on events.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>
#include "umbra/debug.h"
#include "kernel32_private.h"

#define MAX_HANDLERS 64

static pthread_mutex_t handlers_lock = PTHREAD_MUTEX_INITIALIZER;
static PHANDLER_ROUTINE handlers[MAX_HANDLERS];
static unsigned int handler_count;
static int ignore_ctrl_c;
static int signal_pipe[2] = { -1, -1 };
static pthread_once_t console_once = PTHREAD_ONCE_INIT;
static int console_ready;

static const int console_signals[] = { SIGINT, SIGHUP, SIGTERM };

static DWORD event_of(int sig)
{
    return sig == SIGINT ? CTRL_C_EVENT : CTRL_CLOSE_EVENT;
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char byte = (unsigned char)sig;

    /* nothing else is async-signal-safe enough to do here */
    if (write(signal_pipe[1], &byte, 1) < 0) {}
    errno = saved;
}

/* Let the signal do what it would have done without us: end the process. */
static void die_by(int sig)
{
    struct sigaction sa;
    sigset_t set;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

static void dispatch(int sig)
{
    PHANDLER_ROUTINE list[MAX_HANDLERS];
    DWORD event = event_of(sig);
    unsigned int count, i;
    int ignore;

    pthread_mutex_lock(&handlers_lock);
    count = handler_count;
    memcpy(list, handlers, count * sizeof(*list));
    ignore = ignore_ctrl_c;
    pthread_mutex_unlock(&handlers_lock);

    TRACE("signal %d: console event %u, %u handlers\n", sig, event, count);
    if (event == CTRL_C_EVENT && ignore) return;
    /* the most recently added first; TRUE means handled */
    for (i = count; i-- > 0;)
    {
        if (list[i](event))
        {
            /* Windows ends the process once a close event has been handled */
            if (event == CTRL_CLOSE_EVENT) ExitProcess(0);
            return;
        }
    }
    die_by(sig);
}

static void *signal_thread(void *arg)
{
    unsigned char byte;
    sigset_t all;

    (void)arg;
    /* this thread must never be the one a signal interrupts */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;)
    {
        ssize_t n = read(signal_pipe[0], &byte, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return NULL;
        dispatch(byte);
    }
}

static void console_init(void)
{
    struct sigaction sa;
    pthread_attr_t attr;
    pthread_t thread;
    unsigned int i;

    if (pipe2(signal_pipe, O_CLOEXEC) < 0) return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, signal_thread, NULL))
    {
        pthread_attr_destroy(&attr);
        close(signal_pipe[0]);
        close(signal_pipe[1]);
        signal_pipe[0] = signal_pipe[1] = -1;
        return;
    }
    pthread_attr_destroy(&attr);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (i = 0; i < ARRAYSIZE(console_signals); i++) sigaction(console_signals[i], &sa, NULL);
    console_ready = 1;
}

BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE handler, BOOL add)
{
    BOOL ret = TRUE;
    unsigned int i;

    TRACE("%p, %d\n", handler, add);
    pthread_once(&console_once, console_init);
    if (!console_ready)
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    pthread_mutex_lock(&handlers_lock);
    if (!handler) ignore_ctrl_c = !!add;
    else if (add)
    {
        if (handler_count == MAX_HANDLERS)
        {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            ret = FALSE;
        }
        else handlers[handler_count++] = handler;
    }
    else
    {
        /* the most recent registration of it goes */
        for (i = handler_count; i-- > 0;)
            if (handlers[i] == handler) break;
        if (i == (unsigned int)-1)
        {
            SetLastError(ERROR_INVALID_PARAMETER);
            ret = FALSE;
        }
        else
        {
            memmove(handlers + i, handlers + i + 1, (handler_count - i - 1) * sizeof(*handlers));
            handler_count--;
        }
    }
    pthread_mutex_unlock(&handlers_lock);
    return ret;
}

BOOL WINAPI GenerateConsoleCtrlEvent(DWORD event, DWORD group)
{
    int sig;

    TRACE("%u, %u\n", event, group);
    if (event == CTRL_C_EVENT) sig = SIGINT;
    else if (event == CTRL_BREAK_EVENT) sig = SIGINT;
    else
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* group 0: every process sharing our console, i.e. our process group */
    if (kill(group ? -(pid_t)group : 0, sig) < 0) return k32_fail_errno(-errno);
    return TRUE;
}

BOOL WINAPI WriteConsoleW(HANDLE console, const void *text, DWORD count, LPDWORD written, LPVOID reserved)
{
    char *utf8 = NULL;
    int fd, len;
    BOOL ret;

    (void)reserved;
    if (written) *written = 0;
    if ((fd = file_handle_fd(console)) < 0) return FALSE;
    if (!text && count)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!count) return TRUE;
    if ((len = WideCharToMultiByte(CP_UTF8, 0, text, (int)count, NULL, 0, NULL, NULL)) <= 0
        || !(utf8 = malloc(len)))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    WideCharToMultiByte(CP_UTF8, 0, text, (int)count, utf8, len, NULL, NULL);
    ret = WriteFile(console, utf8, (DWORD)len, NULL, NULL);
    free(utf8);
    /* Windows counts characters written, not bytes */
    if (ret && written) *written = count;
    return ret;
}

BOOL WINAPI WriteConsoleA(HANDLE console, const void *text, DWORD count, LPDWORD written, LPVOID reserved)
{
    (void)reserved;
    return WriteFile(console, text, count, written, NULL);
}

UINT WINAPI GetConsoleOutputCP(void)
{
    return CP_UTF8;
}

UINT WINAPI GetConsoleCP(void)
{
    return CP_UTF8;
}

BOOL WINAPI SetConsoleOutputCP(UINT codepage)
{
    /* the terminal speaks UTF-8; that is the one code page we convert to */
    if (codepage != CP_UTF8)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}
