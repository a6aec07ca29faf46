/*
 * test_kernel32_file.c: files through the Win32 calls a backup program
 * makes: CreateFile's dispositions and the errors Windows reports for each
 * case, ReadFile/WriteFile (overlapped offsets, end of file), file pointers
 * and sizes, attributes, FindFirstFile patterns, CopyFileEx's progress
 * callback (reasons, order, cancel and stop), MoveFileEx, DeleteFile,
 * Create/RemoveDirectory, and bad handles: an error, never a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "harness.h"

static char dir[PATH_MAX / 2];
static WCHAR wdir[PATH_MAX / 2];

/* A wide path in the test directory (a few slots, reused round robin). */
static const WCHAR *W(const WCHAR *rel)
{
    static WCHAR bufs[8][PATH_MAX];
    static unsigned int next;
    WCHAR *buf = bufs[next++ % 8];

    swprintf(buf, PATH_MAX, L"%s\\%s", wdir, rel);
    return buf;
}

static const char *P(const char *rel)
{
    static char bufs[8][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 8];

    snprintf(buf, PATH_MAX, "%s/%s", dir, rel);
    return buf;
}

static char *slurp(const char *rel)
{
    static char buf[4096];
    int fd = open(P(rel), O_RDONLY);
    ssize_t n;

    if (fd < 0) return NULL;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

static void put(const char *rel, const char *text)
{
    int fd = open(P(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

static int suite_init(void)
{
    snprintf(dir, sizeof(dir), "%s/files", umbra_test_tmpdir());
    if (mkdir(dir, 0755)) return -1;
    mbstowcs(wdir, dir, ARRAYSIZE(wdir));
    return 0;
}

static void test_create_dispositions(void)
{
    HANDLE h;

    /* CREATE_NEW on a new file, then again: ERROR_FILE_EXISTS */
    h = CreateFileW(W(L"new.txt"), GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT(CloseHandle(h));
    SetLastError(0);
    h = CreateFileW(W(L"new.txt"), GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    CU_ASSERT_EQUAL(h, INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_EXISTS);

    /* CREATE_ALWAYS and OPEN_ALWAYS succeed, saying whether the file was there */
    put("new.txt", "old content");
    h = CreateFileW(W(L"new.txt"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    CU_ASSERT(h != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(h);
    CU_ASSERT_STRING_EQUAL(slurp("new.txt"), "");   /* truncated */
    h = CreateFileW(W(L"other.txt"), GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    CU_ASSERT(h != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_SUCCESS);
    CloseHandle(h);
    h = CreateFileW(W(L"other.txt"), GENERIC_READ, 0, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(h);

    /* OPEN_EXISTING: a missing file, a missing directory on the way */
    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(W(L"missing.txt"), GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(W(L"nodir\\x.txt"), GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
    /* TRUNCATE_EXISTING needs write access */
    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(W(L"other.txt"), GENERIC_READ, 0, NULL, TRUNCATE_EXISTING, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(W(L"other.txt"), GENERIC_READ, 0, NULL, 0, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(NULL, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(L"", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
}

/* Directories open only with FILE_FLAG_BACKUP_SEMANTICS, as on Windows. */
static void test_directories_as_files(void)
{
    HANDLE h;

    SetLastError(0);
    CU_ASSERT_EQUAL(CreateFileW(wdir, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
    h = CreateFileW(wdir, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    CU_ASSERT(h != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetFileType(h), FILE_TYPE_DISK);
    CloseHandle(h);
}

static void test_read_write(void)
{
    char buf[64];
    DWORD n = 99;
    OVERLAPPED ov;
    LARGE_INTEGER pos, size;
    HANDLE h = CreateFileW(W(L"rw.bin"), GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);

    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT(WriteFile(h, "hello world", 11, &n, NULL));
    CU_ASSERT_EQUAL(n, 11);
    CU_ASSERT(GetFileSizeEx(h, &size) && size.QuadPart == 11);
    CU_ASSERT_EQUAL(GetFileSize(h, NULL), 11);

    pos.QuadPart = 6;
    CU_ASSERT(SetFilePointerEx(h, pos, NULL, FILE_BEGIN));
    memset(buf, 0, sizeof(buf));
    CU_ASSERT(ReadFile(h, buf, sizeof(buf), &n, NULL));
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_STRING_EQUAL(buf, "world");
    /* at the end: TRUE and nothing read */
    n = 99;
    CU_ASSERT(ReadFile(h, buf, sizeof(buf), &n, NULL));
    CU_ASSERT_EQUAL(n, 0);

    /* before the beginning */
    pos.QuadPart = -100;
    SetLastError(0);
    CU_ASSERT(!SetFilePointerEx(h, pos, NULL, FILE_CURRENT));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NEGATIVE_SEEK);
    CU_ASSERT_EQUAL(SetFilePointer(h, -5, NULL, FILE_END), 6);
    CU_ASSERT_EQUAL(SetFilePointer(h, 0, NULL, 7), INVALID_SET_FILE_POINTER);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);

    /* an OVERLAPPED names the offset; its event is set when it is done */
    memset(&ov, 0, sizeof(ov));
    ov.Offset = 0;
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    memset(buf, 0, sizeof(buf));
    CU_ASSERT(ReadFile(h, buf, 5, NULL, &ov));
    CU_ASSERT_STRING_EQUAL(buf, "hello");
    CU_ASSERT(GetOverlappedResult(h, &ov, &n, TRUE));
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    ov.Offset = 100;
    SetLastError(0);
    CU_ASSERT(!ReadFile(h, buf, 5, NULL, &ov));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_HANDLE_EOF);
    CloseHandle(ov.hEvent);

    /* SetEndOfFile cuts at the file pointer */
    pos.QuadPart = 5;
    CU_ASSERT(SetFilePointerEx(h, pos, NULL, FILE_BEGIN));
    CU_ASSERT(SetEndOfFile(h));
    CU_ASSERT(FlushFileBuffers(h));
    CU_ASSERT(CloseHandle(h));
    CU_ASSERT_STRING_EQUAL(slurp("rw.bin"), "hello");

    /* a read-only handle does not write */
    h = CreateFileW(W(L"rw.bin"), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    SetLastError(0);
    CU_ASSERT(!WriteFile(h, "x", 1, &n, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(h);
}

static void test_bad_handles(void)
{
    DWORD n;
    char c;
    LARGE_INTEGER size;

    SetLastError(0);
    CU_ASSERT(!ReadFile((HANDLE)(ULONG_PTR)0x12344, &c, 1, &n, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CU_ASSERT(!WriteFile(INVALID_HANDLE_VALUE, &c, 1, &n, NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    CU_ASSERT(!GetFileSizeEx(NULL, &size));
    CU_ASSERT(!CloseHandle((HANDLE)(ULONG_PTR)3));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    CU_ASSERT(!FindClose(INVALID_HANDLE_VALUE));
    /* a handle of another kind */
    {
        HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
        SetLastError(0);
        CU_ASSERT(!ReadFile(event, &c, 1, &n, NULL));
        CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
        CU_ASSERT(!FindClose(event));
        CU_ASSERT(CloseHandle(event));
        /* closed twice */
        CU_ASSERT(!CloseHandle(event));
    }
}

static void test_delete_on_close(void)
{
    HANDLE h = CreateFileW(W(L"temp.bin"), GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    struct stat st;

    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(stat(P("temp.bin"), &st), 0);
    CloseHandle(h);
    CU_ASSERT_NOT_EQUAL(stat(P("temp.bin"), &st), 0);
}

static void test_attributes(void)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    DWORD attr;

    put("attr.txt", "12345");
    attr = GetFileAttributesW(W(L"attr.txt"));
    CU_ASSERT(attr & FILE_ATTRIBUTE_ARCHIVE);
    CU_ASSERT(!(attr & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_READONLY)));
    CU_ASSERT(GetFileAttributesW(wdir) & FILE_ATTRIBUTE_DIRECTORY);
    put(".hidden", "");
    CU_ASSERT(GetFileAttributesW(W(L".hidden")) & FILE_ATTRIBUTE_HIDDEN);

    CU_ASSERT(GetFileAttributesExW(W(L"attr.txt"), GetFileExInfoStandard, &data));
    CU_ASSERT_EQUAL(data.nFileSizeLow, 5);
    CU_ASSERT_EQUAL(data.nFileSizeHigh, 0);
    CU_ASSERT(data.ftLastWriteTime.dwHighDateTime != 0);
    CU_ASSERT(!GetFileAttributesExW(W(L"attr.txt"), GetFileExMaxInfoLevel, &data));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);

    /* read-only: set, seen, and DeleteFile refuses it as Windows does */
    CU_ASSERT(SetFileAttributesW(W(L"attr.txt"), FILE_ATTRIBUTE_READONLY));
    CU_ASSERT(GetFileAttributesW(W(L"attr.txt")) & FILE_ATTRIBUTE_READONLY);
    SetLastError(0);
    CU_ASSERT(!DeleteFileW(W(L"attr.txt")));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
    CU_ASSERT(SetFileAttributesW(W(L"attr.txt"), FILE_ATTRIBUTE_NORMAL));
    CU_ASSERT(!(GetFileAttributesW(W(L"attr.txt")) & FILE_ATTRIBUTE_READONLY));
    CU_ASSERT(DeleteFileW(W(L"attr.txt")));
    SetLastError(0);
    CU_ASSERT_EQUAL(GetFileAttributesW(W(L"attr.txt")), INVALID_FILE_ATTRIBUTES);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
}

static void test_directories(void)
{
    SetLastError(0);
    CU_ASSERT(CreateDirectoryW(W(L"d1"), NULL));
    CU_ASSERT(!CreateDirectoryW(W(L"d1"), NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS);
    CU_ASSERT(!CreateDirectoryW(W(L"nodir\\d2"), NULL));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
    put("d1/f", "x");
    CU_ASSERT(!RemoveDirectoryW(W(L"d1")));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_DIR_NOT_EMPTY);
    CU_ASSERT(!DeleteFileW(W(L"d1")));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
    CU_ASSERT(!RemoveDirectoryW(W(L"d1\\f")));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_DIRECTORY);
    CU_ASSERT(DeleteFileW(W(L"d1\\f")));
    CU_ASSERT(RemoveDirectoryW(W(L"d1")));
    CU_ASSERT(!DeleteFileW(W(L"d1\\f")));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
}

static void test_move(void)
{
    put("m1", "one");
    put("m2", "two");
    SetLastError(0);
    CU_ASSERT(!MoveFileExW(W(L"m1"), W(L"m2"), 0));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS);
    CU_ASSERT(MoveFileExW(W(L"m1"), W(L"m2"), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH));
    CU_ASSERT_STRING_EQUAL(slurp("m2"), "one");
    CU_ASSERT(MoveFileW(W(L"m2"), W(L"m3")));
    CU_ASSERT_STRING_EQUAL(slurp("m3"), "one");
    CU_ASSERT(!MoveFileW(W(L"m2"), W(L"m4")));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    CU_ASSERT(!MoveFileExW(W(L"m3"), W(L"m4"), MOVEFILE_DELAY_UNTIL_REBOOT));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_SUPPORTED);
    CU_ASSERT(DeleteFileW(W(L"m3")));
}

struct progress_log
{
    DWORD reasons[64];
    LONGLONG transferred[64];
    LONGLONG total;
    unsigned int count;
    DWORD answer_at;       /* answer with PROGRESS_* at this call (1-based), 0: never */
    DWORD answer;
    HANDLE src, dst;
    LPBOOL cancel;         /* set *cancel at answer_at instead of answering */
};

static DWORD CALLBACK progress(LARGE_INTEGER total, LARGE_INTEGER transferred, LARGE_INTEGER stream_size,
                               LARGE_INTEGER stream_transferred, DWORD stream, DWORD reason, HANDLE src,
                               HANDLE dst, LPVOID data)
{
    struct progress_log *log = data;

    (void)stream_size;
    (void)stream_transferred;
    (void)stream;
    if (log->count < 64)
    {
        log->reasons[log->count] = reason;
        log->transferred[log->count] = transferred.QuadPart;
    }
    log->count++;
    log->total = total.QuadPart;
    log->src = src;
    log->dst = dst;
    if (log->answer_at && log->count == log->answer_at)
    {
        if (log->cancel)
        {
            *log->cancel = TRUE;
            return PROGRESS_CONTINUE;
        }
        return log->answer;
    }
    return PROGRESS_CONTINUE;
}

static void make_big(const char *rel, size_t size)
{
    int fd = open(P(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *buf = calloc(1, size);
    size_t i;

    CU_ASSERT_FATAL(fd >= 0 && buf);
    for (i = 0; i < size; i++) buf[i] = (char)(i * 7);
    CU_ASSERT(write(fd, buf, size) == (ssize_t)size);
    close(fd);
    free(buf);
}

static void test_copy_progress(void)
{
    struct progress_log log;
    struct stat a, b;
    const size_t size = 3 * 1024 * 1024 + 5;
    BOOL cancel = FALSE;
    unsigned int i;

    make_big("big.bin", size);
    memset(&log, 0, sizeof(log));
    CU_ASSERT(CopyFileExW(W(L"big.bin"), W(L"copy.bin"), progress, &log, NULL, 0));
    /* Windows' order: a stream switch with nothing copied, then the chunks */
    CU_ASSERT(log.count >= 2);
    CU_ASSERT_EQUAL(log.reasons[0], CALLBACK_STREAM_SWITCH);
    CU_ASSERT_EQUAL(log.transferred[0], 0);
    for (i = 1; i < log.count && i < 64; i++)
    {
        CU_ASSERT_EQUAL(log.reasons[i], CALLBACK_CHUNK_FINISHED);
        CU_ASSERT(log.transferred[i] > log.transferred[i - 1]);
    }
    CU_ASSERT_EQUAL(log.transferred[log.count - 1], (LONGLONG)size);
    CU_ASSERT_EQUAL(log.total, (LONGLONG)size);
    CU_ASSERT(log.src != NULL && log.dst != NULL);
    CU_ASSERT_EQUAL(stat(P("big.bin"), &a), 0);
    CU_ASSERT_EQUAL(stat(P("copy.bin"), &b), 0);
    CU_ASSERT_EQUAL(b.st_size, (off_t)size);
    /* the last write time follows the file */
    CU_ASSERT_EQUAL(a.st_mtim.tv_sec, b.st_mtim.tv_sec);

    /* the target exists */
    SetLastError(0);
    CU_ASSERT(!CopyFileW(W(L"big.bin"), W(L"copy.bin"), TRUE));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_EXISTS);
    CU_ASSERT(CopyFileW(W(L"big.bin"), W(L"copy.bin"), FALSE));
    SetLastError(0);
    CU_ASSERT(!CopyFileW(W(L"nothing.bin"), W(L"copy2.bin"), FALSE));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);

    /* PROGRESS_CANCEL after the first chunk: aborted and the target is gone */
    memset(&log, 0, sizeof(log));
    log.answer_at = 2;
    log.answer = PROGRESS_CANCEL;
    SetLastError(0);
    CU_ASSERT(!CopyFileExW(W(L"big.bin"), W(L"cancel.bin"), progress, &log, NULL, 0));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_REQUEST_ABORTED);
    CU_ASSERT_EQUAL(log.count, 2);
    CU_ASSERT_NOT_EQUAL(stat(P("cancel.bin"), &b), 0);

    /* PROGRESS_STOP: aborted, what was written stays (a restartable copy) */
    memset(&log, 0, sizeof(log));
    log.answer_at = 2;
    log.answer = PROGRESS_STOP;
    CU_ASSERT(!CopyFileExW(W(L"big.bin"), W(L"stop.bin"), progress, &log, NULL, 0));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_REQUEST_ABORTED);
    CU_ASSERT_EQUAL(stat(P("stop.bin"), &b), 0);
    CU_ASSERT(b.st_size > 0 && b.st_size < (off_t)size);

    /* the cancel flag */
    memset(&log, 0, sizeof(log));
    log.answer_at = 1;
    log.cancel = &cancel;
    CU_ASSERT(!CopyFileExW(W(L"big.bin"), W(L"flag.bin"), progress, &log, &cancel, 0));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_REQUEST_ABORTED);
    CU_ASSERT_NOT_EQUAL(stat(P("flag.bin"), &b), 0);

    /* PROGRESS_QUIET: no more calls, the copy completes */
    memset(&log, 0, sizeof(log));
    log.answer_at = 1;
    log.answer = PROGRESS_QUIET;
    CU_ASSERT(CopyFileExW(W(L"big.bin"), W(L"quiet.bin"), progress, &log, NULL, 0));
    CU_ASSERT_EQUAL(log.count, 1);
    CU_ASSERT_EQUAL(stat(P("quiet.bin"), &b), 0);
    CU_ASSERT_EQUAL(b.st_size, (off_t)size);

    /* an empty file still gets both reasons */
    put("empty.bin", "");
    memset(&log, 0, sizeof(log));
    CU_ASSERT(CopyFileExW(W(L"empty.bin"), W(L"empty2.bin"), progress, &log, NULL, 0));
    CU_ASSERT_EQUAL(log.count, 2);
    CU_ASSERT_EQUAL(log.reasons[1], CALLBACK_CHUNK_FINISHED);
}

static int find_all(const WCHAR *pattern, WCHAR names[][64], int max)
{
    WIN32_FIND_DATAW data;
    HANDLE h = FindFirstFileW(pattern, &data);
    int n = 0;

    if (h == INVALID_HANDLE_VALUE) return -1;
    do
    {
        if (n < max) wcscpy(names[n], data.cFileName);
        n++;
    } while (FindNextFileW(h, &data));
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NO_MORE_FILES);
    CU_ASSERT(FindClose(h));
    return n;
}

static int has(WCHAR names[][64], int n, const WCHAR *name)
{
    int i;

    for (i = 0; i < n; i++)
        if (!wcscmp(names[i], name)) return 1;
    return 0;
}

static void test_find(void)
{
    WCHAR names[32][64];
    WIN32_FIND_DATAW data;
    HANDLE h;
    int n;

    CU_ASSERT(CreateDirectoryW(W(L"find"), NULL));
    put("find/Alpha.TXT", "a");
    put("find/beta.log", "bb");
    put("find/gamma", "ccc");
    CU_ASSERT(CreateDirectoryW(W(L"find\\sub"), NULL));

    n = find_all(W(L"find\\*"), names, 32);
    CU_ASSERT_EQUAL(n, 6);   /* . .. and four entries */
    CU_ASSERT(has(names, n, L".") && has(names, n, L".."));
    CU_ASSERT(has(names, n, L"Alpha.TXT") && has(names, n, L"sub"));
    CU_ASSERT_EQUAL(find_all(W(L"find\\*.*"), names, 32), 6);
    /* no regard to case */
    n = find_all(W(L"find\\*.txt"), names, 32);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT(has(names, n, L"Alpha.TXT"));
    n = find_all(W(L"find\\?eta.*"), names, 32);
    CU_ASSERT(n == 1 && has(names, n, L"beta.log"));
    /* "*." is the names without an extension */
    n = find_all(W(L"find\\g*."), names, 32);
    CU_ASSERT(n == 1 && has(names, n, L"gamma"));
    /* one name, no wildcard */
    h = FindFirstFileW(W(L"find\\BETA.LOG"), &data);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT(!wcscmp(data.cFileName, L"beta.log"));
    CU_ASSERT_EQUAL(data.nFileSizeLow, 2);
    CU_ASSERT(!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY));
    FindClose(h);
    h = FindFirstFileW(W(L"find\\sub"), &data);
    CU_ASSERT(h != INVALID_HANDLE_VALUE && (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY));
    FindClose(h);

    SetLastError(0);
    CU_ASSERT_EQUAL(FindFirstFileW(W(L"find\\*.none"), &data), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_FILE_NOT_FOUND);
    SetLastError(0);
    CU_ASSERT_EQUAL(FindFirstFileW(W(L"nowhere\\*"), &data), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_PATH_NOT_FOUND);
    CU_ASSERT_EQUAL(FindFirstFileW(NULL, &data), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);

    /* directories only, when asked */
    h = FindFirstFileExW(W(L"find\\*"), FindExInfoBasic, &data, FindExSearchLimitToDirectories, NULL, 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    do
    {
        CU_ASSERT(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    } while (FindNextFileW(h, &data));
    FindClose(h);
}

static void test_handle_information(void)
{
    BY_HANDLE_FILE_INFORMATION info;
    FILETIME creation, access, write, later;
    struct stat st;
    HANDLE h;

    put("info.txt", "abc");
    h = CreateFileW(W(L"info.txt"), GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT(GetFileInformationByHandle(h, &info));
    CU_ASSERT_EQUAL(stat(P("info.txt"), &st), 0);
    CU_ASSERT_EQUAL(info.nFileSizeLow, 3);
    CU_ASSERT_EQUAL(info.nNumberOfLinks, 1);
    CU_ASSERT_EQUAL(info.nFileIndexLow, (DWORD)st.st_ino);
    CU_ASSERT(GetFileTime(h, &creation, &access, &write));
    /* a write time moved a day back is what the file says afterwards */
    later = write;
    later.dwHighDateTime -= 201;   /* about a day in 100 ns units */
    CU_ASSERT(SetFileTime(h, NULL, NULL, &later));
    CU_ASSERT(GetFileTime(h, NULL, NULL, &write));
    CU_ASSERT_EQUAL(CompareFileTime(&write, &later), 0);
    CloseHandle(h);
}

static void test_std_handles(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD written = 0;

    CU_ASSERT(out != NULL && out != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetStdHandle(STD_OUTPUT_HANDLE), out);
    CU_ASSERT(WriteFile(out, "", 0, &written, NULL));
    CU_ASSERT_EQUAL(GetStdHandle(42), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
    /* NUL is the null device */
    {
        HANDLE nul = CreateFileW(L"NUL", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        CU_ASSERT(nul != INVALID_HANDLE_VALUE);
        CU_ASSERT(WriteFile(nul, "abc", 3, &written, NULL) && written == 3);
        CU_ASSERT_EQUAL(GetFileType(nul), FILE_TYPE_CHAR);
        CloseHandle(nul);
    }
}

static CU_TestInfo file_tests[] =
{
    { "CreateFile dispositions", test_create_dispositions },
    { "directories as files", test_directories_as_files },
    { "ReadFile, WriteFile, pointers, sizes", test_read_write },
    { "bad handles", test_bad_handles },
    { "FILE_FLAG_DELETE_ON_CLOSE", test_delete_on_close },
    { "attributes", test_attributes },
    { "directories", test_directories },
    { "MoveFileEx", test_move },
    { "CopyFileEx and its progress routine", test_copy_progress },
    { "FindFirstFile patterns", test_find },
    { "information by handle, file times", test_handle_information },
    { "standard handles and NUL", test_std_handles },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(kernel32_file, suite_init, NULL, file_tests);
