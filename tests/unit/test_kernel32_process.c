/*
 * test_kernel32_process.c: child processes the Windows way: CreateProcess
 * finds a program as Windows does (beside the caller first, "name.exe"
 * meaning "name"), splits the command line by Microsoft's quoting rules,
 * redirects standard handles, takes a working directory and an environment
 * block; the process handle is signaled at the end with the exit code;
 * TerminateProcess's code wins.  Then console control handlers, in child
 * processes so that the signals reach nobody else: Ctrl-C to the handlers,
 * most recent first; no handler: the signal's default; (NULL, TRUE) ignores
 * Ctrl-C; a close event ends the process after its handler.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include "harness.h"

static char out_path[PATH_MAX];

static char *slurp(const char *path)
{
    static char buf[8192];
    int fd = open(path, O_RDONLY);
    ssize_t n;

    if (fd < 0) return NULL;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

/* Run cmdline with stdout to out_path; its exit code, or -1. */
static int run(const WCHAR *app, const WCHAR *cmdline, const WCHAR *cwd, void *env, DWORD flags)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    WCHAR line[1024], wout[PATH_MAX];
    HANDLE out;
    DWORD code = 0;
    BOOL ok;

    mbstowcs(wout, out_path, PATH_MAX);
    out = CreateFileW(wout, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    if (out == INVALID_HANDLE_VALUE) return -1;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = out;
    si.hStdError = out;
    if (cmdline) wcscpy(line, cmdline);
    ok = CreateProcessW(app, cmdline ? line : NULL, NULL, NULL, TRUE, flags, env, cwd, &si, &pi);
    CloseHandle(out);
    if (!ok) return -1;
    CU_ASSERT_EQUAL(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    /* the main thread ends with the process */
    CU_ASSERT_EQUAL(WaitForSingleObject(pi.hThread, 0), WAIT_OBJECT_0);
    CU_ASSERT(pi.dwProcessId != 0 && pi.dwProcessId == pi.dwThreadId);
    CU_ASSERT(GetExitCodeProcess(pi.hProcess, &code));
    CU_ASSERT(GetExitCodeThread(pi.hThread, &code));
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}

static int suite_init(void)
{
    snprintf(out_path, sizeof(out_path), "%s/child.out", umbra_test_tmpdir());
    return 0;
}

/* Microsoft's rules for splitting a command line (CommandLineToArgvW). */
static void test_command_line(void)
{
    const char *out;

    /* found beside the test program; ".exe" is what a Windows program writes */
    CU_ASSERT_EQUAL(run(NULL, L"wmain_echo.exe \"a b\" c\\\\\"d e\"f x\\\"y \"g\"\"h\" i\\j", NULL, NULL, 0), 3);
    out = slurp(out_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "argc=6\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[a b] len=3\n"));
    /* 2n backslashes and a quote: n backslashes, and the quote opens or closes */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[c\\d ef] len=6\n"));
    /* 2n+1: n backslashes and a literal quote */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[x\"y] len=3\n"));
    /* "" inside quotes is a quote */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[g\"h] len=3\n"));
    /* other backslashes are themselves */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[i\\j] len=3\n"));
}

static void test_exit_codes(void)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    WCHAR line[64] = L"/bin/sh -c \"sleep 30\"";
    DWORD code = 0;

    CU_ASSERT_EQUAL(run(NULL, L"/bin/sh -c \"exit 7\"", NULL, NULL, 0), 7);
    CU_ASSERT_EQUAL(run(L"/bin/sh", L"sh -c \"kill -TERM $$\"", NULL, NULL, 0), 128 + SIGTERM);

    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    CU_ASSERT_FATAL(CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CU_ASSERT(GetExitCodeProcess(pi.hProcess, &code));
    CU_ASSERT_EQUAL(code, STILL_ACTIVE);
    CU_ASSERT_EQUAL(WaitForSingleObject(pi.hProcess, 0), WAIT_TIMEOUT);
    CU_ASSERT_EQUAL(GetProcessId(pi.hProcess), pi.dwProcessId);
    CU_ASSERT(TerminateProcess(pi.hProcess, 99));
    CU_ASSERT_EQUAL(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    CU_ASSERT(GetExitCodeProcess(pi.hProcess, &code));
    CU_ASSERT_EQUAL(code, 99);
    /* it is over: nothing left to terminate */
    CU_ASSERT(!TerminateProcess(pi.hProcess, 1));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static void test_directory_and_environment(void)
{
    WCHAR cwd[PATH_MAX], env[] = L"UMBRA_CHILD=from-block\0OTHER=1\0";
    const char *out;

    mbstowcs(cwd, umbra_test_tmpdir(), PATH_MAX);
    CU_ASSERT_EQUAL(run(NULL, L"/bin/sh -c \"pwd; echo $UMBRA_CHILD\"", cwd, env, CREATE_UNICODE_ENVIRONMENT), 0);
    out = slurp(out_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, umbra_test_tmpdir()));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "from-block"));
    /* a narrow block for CreateProcessA */
    {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char line[] = "/bin/sh -c \"test $A = b\"", block[] = "A=b\0";
        DWORD code = 1;

        memset(&si, 0, sizeof(si));
        si.cb = sizeof(si);
        CU_ASSERT_FATAL(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, block, NULL, &si, &pi));
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        CU_ASSERT_EQUAL(code, 0);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
}

static void test_failures(void)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    WCHAR line[64], wpath[PATH_MAX];
    char path[PATH_MAX];
    int fd;

    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    wcscpy(line, L"no-such-program-umbra arg");
    SetLastError(0);
    CU_ASSERT(!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    wcscpy(line, L"/bin/true");
    CU_ASSERT(!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, L"/no/such/dir", &si, &pi));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_DIRECTORY);
    CU_ASSERT(!CreateProcessW(NULL, line, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_SUPPORTED);
    CU_ASSERT(!CreateProcessW(NULL, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    /* a file that may not be run, and one that is no program */
    snprintf(path, sizeof(path), "%s/not-runnable", umbra_test_tmpdir());
    CU_ASSERT_FATAL((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0);
    CU_ASSERT(write(fd, "\x01\x02\x03\x04", 4) == 4);
    close(fd);
    mbstowcs(wpath, path, PATH_MAX);
    CU_ASSERT(!CreateProcessW(wpath, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
    CU_ASSERT_EQUAL(chmod(path, 0755), 0);
    CU_ASSERT(!CreateProcessW(wpath, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_BAD_EXE_FORMAT);
}

static void test_command_line_and_module(void)
{
    WCHAR name[PATH_MAX], tiny[4];
    LPWSTR line = GetCommandLineW();

    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    CU_ASSERT_PTR_NOT_NULL(wcsstr(line, L"unit_kernel32_process"));
    CU_ASSERT_PTR_NOT_NULL(strstr(GetCommandLineA(), "unit_kernel32_process"));
    CU_ASSERT(GetModuleFileNameW(NULL, name, PATH_MAX) > 0);
    CU_ASSERT_PTR_NOT_NULL(wcsstr(name, L"unit_kernel32_process"));
    /* too small: cut, terminated, the size returned */
    CU_ASSERT_EQUAL(GetModuleFileNameW(NULL, tiny, 4), 4);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(tiny[3], 0);
}

/* --- console control handlers, each in a child process ---------------------------------- */

static int report_fd = -1;
static HANDLE stop_event;

static void report(const char *text)
{
    if (write(report_fd, text, strlen(text)) < 0) _exit(90);
}

static BOOL WINAPI handler_first(DWORD type)
{
    report(type == CTRL_C_EVENT ? "first:c " : "first:other ");
    return FALSE;   /* pass it on */
}

static BOOL WINAPI handler_second(DWORD type)
{
    report(type == CTRL_C_EVENT ? "second:c " : type == CTRL_CLOSE_EVENT ? "second:close " : "second:other ");
    SetEvent(stop_event);
    return TRUE;
}

static BOOL WINAPI handler_refuses(DWORD type)
{
    (void)type;
    report("refuses ");
    return FALSE;
}

/* Run scenario in a child; returns its wait status and what it reported. */
static int in_child(void (*scenario)(void), char *reported, size_t size)
{
    int fds[2], status = -1;
    ssize_t n, got = 0;
    pid_t pid;

    if (pipe(fds)) return -1;
    fflush(NULL);
    pid = fork();
    if (!pid)
    {
        close(fds[0]);
        report_fd = fds[1];
        stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
        scenario();
        _exit(0);
    }
    close(fds[1]);
    while ((n = read(fds[0], reported + got, size - 1 - got)) > 0) got += n;
    reported[got] = 0;
    close(fds[0]);
    waitpid(pid, &status, 0);
    return status;
}

/* Ctrl-C: the handlers run on their own thread, the newest first, until one says TRUE. */
static void scenario_handled(void)
{
    SetConsoleCtrlHandler(handler_second, TRUE);
    SetConsoleCtrlHandler(handler_first, TRUE);
    raise(SIGINT);
    WaitForSingleObject(stop_event, INFINITE);
    report("alive");
}

static void scenario_default(void)
{
    SetConsoleCtrlHandler(handler_refuses, TRUE);
    raise(SIGINT);
    Sleep(INFINITE);   /* the signal ends the process */
}

/* (NULL, TRUE): Ctrl-C is ignored, a close event still reaches the handler,
 * which ends the process once it returns. */
static void scenario_ignore_then_close(void)
{
    SetConsoleCtrlHandler(handler_second, TRUE);
    SetConsoleCtrlHandler(NULL, TRUE);
    raise(SIGINT);
    raise(SIGTERM);
    Sleep(INFINITE);
}

static void scenario_removed(void)
{
    SetConsoleCtrlHandler(handler_second, TRUE);
    SetConsoleCtrlHandler(handler_first, TRUE);
    if (!SetConsoleCtrlHandler(handler_first, FALSE)) report("remove-failed ");
    if (SetConsoleCtrlHandler(handler_refuses, FALSE) || GetLastError() != ERROR_INVALID_PARAMETER)
        report("bad-remove-accepted ");
    raise(SIGINT);
    WaitForSingleObject(stop_event, INFINITE);
    report("alive");
}

static void test_console_handlers(void)
{
    char reported[256];
    int status;

    status = in_child(scenario_handled, reported, sizeof(reported));
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_STRING_EQUAL(reported, "first:c second:c alive");

    status = in_child(scenario_default, reported, sizeof(reported));
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    CU_ASSERT_STRING_EQUAL(reported, "refuses ");

    status = in_child(scenario_ignore_then_close, reported, sizeof(reported));
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_STRING_EQUAL(reported, "second:close ");

    status = in_child(scenario_removed, reported, sizeof(reported));
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_STRING_EQUAL(reported, "second:c alive");
}

static void test_write_console(void)
{
    DWORD written = 0;
    int fds[2], saved;
    char buf[64] = "";
    ssize_t n;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    saved = dup(1);
    fflush(stdout);
    dup2(fds[1], 1);
    CU_ASSERT(WriteConsoleW(GetStdHandle(STD_OUTPUT_HANDLE), L"h\u00e9\u20ac\n", 4, &written, NULL));
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    n = read(fds[0], buf, sizeof(buf) - 1);
    close(fds[0]);
    CU_ASSERT_EQUAL(written, 4);   /* characters, not bytes */
    CU_ASSERT_EQUAL(n, 7);
    buf[n < 0 ? 0 : n] = 0;
    CU_ASSERT_STRING_EQUAL(buf, "h\xc3\xa9\xe2\x82\xac\n");
    CU_ASSERT_EQUAL(GetConsoleOutputCP(), CP_UTF8);
}

static CU_TestInfo process_tests[] =
{
    { "command lines split by Microsoft's rules", test_command_line },
    { "exit codes and TerminateProcess", test_exit_codes },
    { "working directory and environment block", test_directory_and_environment },
    { "failures", test_failures },
    { "GetCommandLine and GetModuleFileName", test_command_line_and_module },
    { "console control handlers", test_console_handlers },
    { "WriteConsole", test_write_console },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_process, suite_init, NULL, process_tests);
