/*
 * process.c: process and thread identities, and child processes:
 * CreateProcess, GetExitCodeProcess, TerminateProcess, ExitProcess, the
 * command line and the module file name.  Thread ids are the kernel's
 * (gettid), so they match what ps, /proc and the trace lines show; a child's
 * main thread id is its pid, which Linux makes true.
 *
 * A child is started with fork and execve, and exec failures come back
 * through a pipe as the call's own error (ERROR_FILE_NOT_FOUND,
 * ERROR_ACCESS_DENIED, ERROR_BAD_EXE_FORMAT); one thread per child waits for
 * it to end and wakes the waiters of its process and thread handles.  Exit codes: a normal
 * exit's status; 128 + N after signal N; TerminateProcess's code.
 * CREATE_SUSPENDED has no POSIX counterpart and is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"
#include "kernel32_private.h"

extern char **environ;

DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)getpid();
}

DWORD WINAPI GetCurrentThreadId(void)
{
    return (DWORD)syscall(SYS_gettid);
}

HANDLE WINAPI GetCurrentProcess(void)
{
    return PSEUDO_PROCESS_HANDLE;
}

HANDLE WINAPI GetCurrentThread(void)
{
    return PSEUDO_THREAD_HANDLE;
}

void WINAPI ExitProcess(UINT code)
{
    TRACE("%u\n", code);
    exit((int)code);
}

/* --- process objects ----------------------------------------------------------------- */

static void task_destroy(struct kobject *obj)
{
    struct task_object *task = CONTAINING_RECORD(obj, struct task_object, obj);

    if (task->process) kobject_release(&task->process->obj);
    free(task);
}

static int process_signaled(struct kobject *obj)
{
    return CONTAINING_RECORD(obj, struct task_object, obj)->ended;
}

/* A child's main thread ends with the child. */
static int main_thread_signaled(struct kobject *obj)
{
    return CONTAINING_RECORD(obj, struct task_object, obj)->process->ended;
}

static const struct kobject_ops process_ops = { KOBJ_PROCESS, task_destroy, process_signaled, NULL };
static const struct kobject_ops main_thread_ops = { KOBJ_THREAD, task_destroy, main_thread_signaled, NULL };

static void *reap(void *arg)
{
    struct task_object *process = arg;
    int status = 0;
    pid_t ret;

    while ((ret = waitpid(process->pid, &status, 0)) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&sync_lock);
    process->ended = 1;
    if (!process->terminated)
    {
        if (ret < 0) process->exit_code = 1;   /* reaped by someone else: its status is lost */
        else if (WIFEXITED(status)) process->exit_code = (DWORD)WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) process->exit_code = 128 + (DWORD)WTERMSIG(status);
    }
    sync_signal_all();
    pthread_mutex_unlock(&sync_lock);
    TRACE("process %d ended with %u\n", (int)process->pid, process->exit_code);
    kobject_release(&process->obj);
    return NULL;
}

static struct task_object *get_process(HANDLE handle)
{
    struct kobject *obj = handle_get(handle, KOBJ_PROCESS);

    return obj ? CONTAINING_RECORD(obj, struct task_object, obj) : NULL;
}

BOOL WINAPI GetExitCodeProcess(HANDLE handle, LPDWORD code)
{
    struct task_object *process;

    if (!code)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (handle == PSEUDO_PROCESS_HANDLE)
    {
        *code = STILL_ACTIVE;
        return TRUE;
    }
    if (!(process = get_process(handle))) return FALSE;
    pthread_mutex_lock(&sync_lock);
    *code = process->ended ? process->exit_code : STILL_ACTIVE;
    pthread_mutex_unlock(&sync_lock);
    kobject_release(&process->obj);
    return TRUE;
}

BOOL WINAPI TerminateProcess(HANDLE handle, UINT code)
{
    struct task_object *process;
    BOOL ret = TRUE;

    TRACE("%p, %u\n", handle, code);
    if (handle == PSEUDO_PROCESS_HANDLE) _exit((int)code);
    if (!(process = get_process(handle))) return FALSE;
    pthread_mutex_lock(&sync_lock);
    if (process->ended)
    {
        SetLastError(ERROR_ACCESS_DENIED);
        ret = FALSE;
    }
    else
    {
        process->terminated = 1;
        process->exit_code = code;
        kill(process->pid, SIGKILL);
    }
    pthread_mutex_unlock(&sync_lock);
    kobject_release(&process->obj);
    return ret;
}

DWORD WINAPI GetProcessId(HANDLE handle)
{
    struct task_object *process;
    DWORD pid;

    if (handle == PSEUDO_PROCESS_HANDLE) return GetCurrentProcessId();
    if (!(process = get_process(handle))) return 0;
    pid = (DWORD)process->pid;
    kobject_release(&process->obj);
    return pid;
}

/* --- command lines --------------------------------------------------------------------- */

struct argv
{
    char **args;
    size_t count, cap;
};

static void argv_free(struct argv *a)
{
    size_t i;

    for (i = 0; i < a->count; i++) free(a->args[i]);
    free(a->args);
}

static int argv_add(struct argv *a, const char *arg, size_t len)
{
    if (a->count + 2 > a->cap)
    {
        size_t cap = a->cap ? a->cap * 2 : 8;
        char **grown = realloc(a->args, cap * sizeof(*grown));
        if (!grown) return -ENOMEM;
        a->args = grown;
        a->cap = cap;
    }
    if (!(a->args[a->count] = strndup(arg, len))) return -ENOMEM;
    a->args[++a->count] = NULL;
    return 0;
}

/* Microsoft's rules: the program name runs to the next space or, quoted, to
 * the closing quote; in the other arguments 2n backslashes before a quote
 * are n backslashes and the quote opens or closes, 2n+1 are n and a literal
 * quote, "" inside quotes is a literal quote, other backslashes are literal. */
static int split_command_line(const char *line, struct argv *a)
{
    const char *p = line, *start;
    char *buf;
    size_t len;
    int ret;

    while (*p == ' ' || *p == '\t') p++;
    if (*p == '"')
    {
        start = ++p;
        while (*p && *p != '"') p++;
        if ((ret = argv_add(a, start, p - start))) return ret;
        if (*p) p++;
    }
    else
    {
        start = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        if ((ret = argv_add(a, start, p - start))) return ret;
    }
    if (!(buf = malloc(strlen(line) + 1))) return -ENOMEM;
    for (;;)
    {
        int quoted = 0;

        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        len = 0;
        while (*p && (quoted || (*p != ' ' && *p != '\t')))
        {
            if (*p == '\\')
            {
                size_t n = 0;
                while (*p == '\\') { n++; p++; }
                if (*p == '"')
                {
                    memset(buf + len, '\\', n / 2);
                    len += n / 2;
                    if (n % 2) buf[len++] = *p++;
                }
                else
                {
                    memset(buf + len, '\\', n);
                    len += n;
                }
            }
            else if (*p == '"')
            {
                if (quoted && p[1] == '"')
                {
                    buf[len++] = '"';
                    p += 2;
                }
                else
                {
                    quoted = !quoted;
                    p++;
                }
            }
            else buf[len++] = *p++;
        }
        if ((ret = argv_add(a, buf, len))) break;
    }
    free(buf);
    return ret;
}

/* The reverse, for GetCommandLine: quote what needs it. */
static void append_quoted(char **out, size_t *len, size_t *cap, const char *arg)
{
    size_t need = strlen(arg) * 2 + 4, i;
    int quote = !*arg || strpbrk(arg, " \t\"") != NULL;
    char *p;

    if (*len + need > *cap)
    {
        char *grown = realloc(*out, *cap = (*len + need) * 2);
        if (!grown) return;
        *out = grown;
    }
    p = *out + *len;
    if (*len) *p++ = ' ';
    if (quote) *p++ = '"';
    for (i = 0; arg[i]; i++)
    {
        size_t n = 0;
        while (arg[i + n] == '\\') n++;
        if (quote && (arg[i + n] == '"' || !arg[i + n]))
        {
            /* backslashes before a quote (or the closing quote) double */
            memset(p, '\\', n * 2);
            p += n * 2;
            i += n;
            if (!arg[i]) break;
            *p++ = '\\';
            *p++ = '"';
            continue;
        }
        if (n)
        {
            memset(p, '\\', n);
            p += n;
            i += n - 1;
            continue;
        }
        *p++ = arg[i];
    }
    if (quote) *p++ = '"';
    *p = 0;
    *len = p - *out;
}

static pthread_once_t cmdline_once = PTHREAD_ONCE_INIT;
static char *cmdline_a;
static WCHAR *cmdline_w;

static void cmdline_init(void)
{
    size_t len = 0, cap = 0, size = 0;
    char *raw = NULL, *out = NULL, chunk[4096];
    ssize_t n;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    size_t i;

    while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0)
    {
        char *grown = realloc(raw, size + n + 1);
        if (!grown) break;
        raw = grown;
        memcpy(raw + size, chunk, n);
        size += n;
    }
    if (fd >= 0) close(fd);
    for (i = 0; raw && i < size; i += strlen(raw + i) + 1)
    {
        raw[size] = 0;
        append_quoted(&out, &len, &cap, raw + i);
    }
    free(raw);
    cmdline_a = out ? out : strdup("");
    if (k32_from_utf8(cmdline_a, &cmdline_w)) cmdline_w = wcsdup(L"");
}

LPSTR WINAPI GetCommandLineA(void)
{
    pthread_once(&cmdline_once, cmdline_init);
    return cmdline_a;
}

LPWSTR WINAPI GetCommandLineW(void)
{
    pthread_once(&cmdline_once, cmdline_init);
    return cmdline_w;
}

DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR name, DWORD size)
{
    char exe[PATH_MAX];
    WCHAR *wide;
    ssize_t n;
    size_t len;

    if (module)
    {
        /* no module handles exist here but the program's own (NULL) */
        SetLastError(ERROR_MOD_NOT_FOUND);
        return 0;
    }
    if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0) return k32_fail_errno(-errno);
    exe[n] = 0;
    if (k32_from_utf8(exe, &wide))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return 0;
    }
    len = wcslen(wide);
    if (!size || !name)
    {
        free(wide);
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    /* too small: truncated, still terminated, and the size returned */
    if (len >= size)
    {
        memcpy(name, wide, (size - 1) * sizeof(WCHAR));
        name[size - 1] = 0;
        free(wide);
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return size;
    }
    memcpy(name, wide, (len + 1) * sizeof(WCHAR));
    free(wide);
    SetLastError(ERROR_SUCCESS);
    return (DWORD)len;
}

DWORD WINAPI GetModuleFileNameA(HMODULE module, LPSTR name, DWORD size)
{
    WCHAR wide[PATH_MAX];
    DWORD len = GetModuleFileNameW(module, wide, ARRAYSIZE(wide));

    if (!len || len >= ARRAYSIZE(wide)) return len;
    if (k32_copy_out_a(wide, name, size) >= size)
    {
        if (name && size)
        {
            char *full = NULL;
            if (!k32_to_utf8(wide, &full)) memcpy(name, full, size - 1);
            free(full);
            name[size - 1] = 0;
        }
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return size;
    }
    return (DWORD)strlen(name);
}

/* --- starting a process ----------------------------------------------------------------- */

static int executable(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* path, or path without a ".exe" the Windows program added */
static char *try_candidates(const char *path)
{
    size_t len = strlen(path);

    if (executable(path)) return strdup(path);
    if (len > 4 && !strcasecmp(path + len - 4, ".exe"))
    {
        char *stripped = strndup(path, len - 4);
        if (stripped && executable(stripped)) return stripped;
        free(stripped);
    }
    return NULL;
}

static char *search_dir(const char *dir, const char *name)
{
    char *path, *found;

    if (!*dir) return NULL;
    if (!(path = malloc(strlen(dir) + strlen(name) + 2))) return NULL;
    sprintf(path, "%s/%s", dir, name);
    found = try_candidates(path);
    free(path);
    return found;
}

/* Windows' search for a program named without a path: the directory of the
 * running program, the current directory, then PATH. */
static char *find_program(const char *name)
{
    char exe[PATH_MAX], *slash, *path, *dir, *save = NULL, *found = NULL;
    ssize_t n;

    if (strchr(name, '/') || strchr(name, '\\') || (name[0] && name[1] == ':'))
    {
        char *unix_path = k32_unix_path_a(name);
        if (!unix_path) return NULL;
        found = try_candidates(unix_path);
        free(unix_path);
        return found;
    }
    if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0)
    {
        exe[n] = 0;
        if ((slash = strrchr(exe, '/')))
        {
            *slash = 0;
            if ((found = search_dir(exe, name))) return found;
        }
    }
    if ((found = search_dir(".", name))) return found;
    if (!(path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin"))) return NULL;
    for (dir = strtok_r(path, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save))
        found = search_dir(dir, name);
    free(path);
    return found;
}

/* "A=B\0C=D\0\0" (wide or UTF-8) -> a NULL-terminated vector */
static int environment_block(const void *block, int unicode, struct argv *env)
{
    int ret = 0;

    if (unicode)
    {
        const WCHAR *p;
        for (p = block; *p && !ret; p += wcslen(p) + 1)
        {
            char *utf8;
            if ((ret = k32_to_utf8(p, &utf8))) break;
            ret = argv_add(env, utf8, strlen(utf8));
            free(utf8);
        }
    }
    else
    {
        const char *p;
        for (p = block; *p && !ret; p += strlen(p) + 1) ret = argv_add(env, p, strlen(p));
    }
    /* an empty block is an empty environment */
    if (!ret && !env->args && !(env->args = calloc(1, sizeof(*env->args)))) ret = -ENOMEM;
    return ret;
}

static char *try_candidates_mapped(const char *app)
{
    char *path = k32_unix_path_a(app), *found;

    if (!path) return NULL;
    found = try_candidates(path);
    free(path);
    return found;
}

/* What CreateProcess uses of STARTUPINFO, W or A alike. */
struct std_handles
{
    DWORD flags;
    HANDLE input, output, error;
};

/* The descriptor behind a standard handle for the child, -1 to inherit ours,
 * or -EBADF for a handle that is no file. */
static int std_fd(HANDLE handle)
{
    int fd;

    if (!handle || handle == INVALID_HANDLE_VALUE) return -1;
    return (fd = file_handle_fd(handle)) < 0 ? -EBADF : fd;
}

/* In the child between fork and exec: async-signal-safe calls only.  A
 * failure is written to errfd as an errno, and the child ends. */
static void exec_child(const char *program, char **argv, char **envp, const char *dir, const int fds[3],
                       int new_group, int errfd)
{
    int moved[3], i, err;
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (new_group && setpgid(0, 0) < 0) goto fail;
    if (dir && chdir(dir) < 0) goto fail;
    /* out of the way first, so that one target is never another's source */
    for (i = 0; i < 3; i++)
        if (fds[i] >= 0 && (moved[i] = fcntl(fds[i], F_DUPFD, 10)) < 0) goto fail;
    for (i = 0; i < 3; i++)
        if (fds[i] >= 0 && (dup2(moved[i], i) < 0 || close(moved[i]) < 0)) goto fail;
    execve(program, argv, envp);
fail:
    err = errno;
    if (write(errfd, &err, sizeof(err)) < 0) {}
    _exit(127);
}

static BOOL create_process(const char *app, const char *cmdline, DWORD flags, const void *env, const char *cwd,
                           const struct std_handles *startup, LPPROCESS_INFORMATION info)
{
    struct argv args = { NULL, 0, 0 }, envv = { NULL, 0, 0 };
    struct task_object *process = NULL, *thread = NULL;
    char *program = NULL, *dir = NULL;
    int fds[3] = { -1, -1, -1 }, errpipe[2] = { -1, -1 }, err = 0;
    pthread_t reaper;
    ssize_t n;
    pid_t pid;
    int ret;
    BOOL ok = FALSE;

    if (cmdline) ret = split_command_line(cmdline, &args);
    else ret = argv_add(&args, app, strlen(app));
    if (ret || !args.count || !args.args[0][0])
    {
        SetLastError(ret ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER);
        goto done;
    }
    SetLastError(ERROR_SUCCESS);
    if (!(program = app ? try_candidates_mapped(app) : find_program(args.args[0])))
    {
        char *path = app ? k32_unix_path_a(app) : NULL;
        struct stat st;

        /* a file that is there but may not be run, or a name that is nowhere */
        if (path && !stat(path, &st) && S_ISREG(st.st_mode)) SetLastError(ERROR_ACCESS_DENIED);
        else if (GetLastError() != ERROR_PATH_NOT_FOUND) SetLastError(ERROR_FILE_NOT_FOUND);
        free(path);
        goto done;
    }
    if (env && (ret = environment_block(env, !!(flags & CREATE_UNICODE_ENVIRONMENT), &envv)))
    {
        k32_fail_errno(ret);
        goto done;
    }
    if (cwd)
    {
        struct stat st;

        if (!(dir = k32_unix_path_a(cwd))) goto done;
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        {
            SetLastError(ERROR_DIRECTORY);
            goto done;
        }
    }
    if ((startup->flags & STARTF_USESTDHANDLES)
        && ((fds[0] = std_fd(startup->input)) == -EBADF || (fds[1] = std_fd(startup->output)) == -EBADF
            || (fds[2] = std_fd(startup->error)) == -EBADF))
    {
        SetLastError(ERROR_INVALID_HANDLE);
        goto done;
    }

    if (!(process = calloc(1, sizeof(*process))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        goto done;
    }
    kobject_init(&process->obj, &process_ops);
    if (!(thread = calloc(1, sizeof(*thread))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        goto done;
    }
    kobject_init(&thread->obj, &main_thread_ops);
    kobject_addref(&process->obj);
    thread->process = process;

    /* fork and exec, with a pipe that carries exec's errno back (it closes
     * on a successful exec), so a failure is this call's failure */
    if (pipe2(errpipe, O_CLOEXEC) < 0)
    {
        k32_fail_errno(-errno);
        goto done;
    }
    if ((pid = fork()) < 0)
    {
        k32_fail_errno(-errno);
        goto done;
    }
    if (!pid)
        exec_child(program, args.args, env ? envv.args : environ, dir, fds, !!(flags & CREATE_NEW_PROCESS_GROUP),
                   errpipe[1]);
    close(errpipe[1]);
    errpipe[1] = -1;
    while ((n = read(errpipe[0], &err, sizeof(err))) < 0 && errno == EINTR)
        ;
    if (n == sizeof(err))
    {
        TRACE("cannot start %s: %s\n", program, strerror(err));
        waitpid(pid, NULL, 0);
        if (err == ENOEXEC) SetLastError(ERROR_BAD_EXE_FORMAT);
        else k32_fail_errno(-err);
        goto done;
    }
    TRACE("started %s as %d\n", program, (int)pid);
    process->pid = pid;
    thread->pid = pid;
    /* the reaper's reference */
    kobject_addref(&process->obj);
    {
        pthread_attr_t tattr;

        pthread_attr_init(&tattr);
        pthread_attr_setdetachstate(&tattr, PTHREAD_CREATE_DETACHED);
        ret = pthread_create(&reaper, &tattr, reap, process);
        pthread_attr_destroy(&tattr);
    }
    if (ret)
    {
        /* nobody can wait for it: do not leave a handle that never signals */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        kobject_release(&process->obj);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        goto done;
    }
    info->hProcess = handle_alloc(&process->obj);
    info->hThread = handle_alloc(&thread->obj);
    if (!info->hProcess || !info->hThread)
    {
        if (info->hProcess) CloseHandle(info->hProcess);
        if (info->hThread) CloseHandle(info->hThread);
        info->hProcess = info->hThread = NULL;
        goto done;
    }
    info->dwProcessId = (DWORD)pid;
    info->dwThreadId = (DWORD)pid;
    ok = TRUE;

done:
    if (errpipe[0] >= 0) close(errpipe[0]);
    if (errpipe[1] >= 0) close(errpipe[1]);
    if (thread) kobject_release(&thread->obj);
    if (process) kobject_release(&process->obj);
    argv_free(&args);
    argv_free(&envv);
    free(program);
    free(dir);
    return ok;
}

BOOL WINAPI CreateProcessW(LPCWSTR app_name, LPWSTR cmdline, LPSECURITY_ATTRIBUTES process_sa,
                           LPSECURITY_ATTRIBUTES thread_sa, BOOL inherit, DWORD flags, LPVOID env, LPCWSTR cwd,
                           LPSTARTUPINFOW startup, LPPROCESS_INFORMATION info)
{
    char *app = NULL, *line = NULL, *dir = NULL;
    struct std_handles std = { 0, NULL, NULL, NULL };
    BOOL ret = FALSE;

    TRACE("%s, %s, %p, %p, %d, %#x, %p, %s, %p, %p\n", debugstr_w(app_name), debugstr_w(cmdline), process_sa,
          thread_sa, inherit, flags, env, debugstr_w(cwd), startup, info);
    (void)process_sa;
    (void)thread_sa;
    (void)inherit;
    if ((!app_name && !cmdline) || !startup || !info)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (flags & (CREATE_SUSPENDED | DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS))
    {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    if (k32_to_utf8(app_name, &app) || k32_to_utf8(cmdline, &line) || k32_to_utf8(cwd, &dir))
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    else
    {
        std.flags = startup->dwFlags;
        std.input = startup->hStdInput;
        std.output = startup->hStdOutput;
        std.error = startup->hStdError;
        ret = create_process(app, line, flags, env, dir, &std, info);
    }
    free(app);
    free(line);
    free(dir);
    return ret;
}

BOOL WINAPI CreateProcessA(LPCSTR app_name, LPSTR cmdline, LPSECURITY_ATTRIBUTES process_sa,
                           LPSECURITY_ATTRIBUTES thread_sa, BOOL inherit, DWORD flags, LPVOID env, LPCSTR cwd,
                           LPSTARTUPINFOA startup, LPPROCESS_INFORMATION info)
{
    struct std_handles std = { 0, NULL, NULL, NULL };

    (void)process_sa;
    (void)thread_sa;
    (void)inherit;
    if ((!app_name && !cmdline) || !startup || !info)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (flags & (CREATE_SUSPENDED | DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS))
    {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    std.flags = startup->dwFlags;
    std.input = startup->hStdInput;
    std.output = startup->hStdOutput;
    std.error = startup->hStdError;
    return create_process(app_name, cmdline, flags, env, cwd, &std, info);
}
