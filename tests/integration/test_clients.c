/*
 * test_clients.c: the porting kit's proof (issue 8).  The three Windows
 * programs of tests/clients, built with umbra-winegcc, run together the way
 * a Windows administrator runs them:
 *
 *   client_writer V:\data          a CVssWriter with file group "DemoData"
 *   client_dumper                  prints every writer's metadata
 *   client_requester V:\ V:\data D  component-mode backup, copy with CopyFileEx
 *
 * on a directory volume (the directory provider, no root) and on a btrfs
 * volume (tests/lib/fsfixture.h, root).  Checked: the writer's component
 * appears in the dumper's output and in the requester's backup (its output
 * and the saved backup components document); the writer sees the events of
 * VSS-FACTS.md §1.2-§1.4 in order; the copy holds what the writer wrote at
 * Freeze and nothing of what it wrote at Thaw (the data at Freeze, §1.3);
 * kernel32's volume name for the volume is the one vssapi gives the
 * snapshot (DESIGN.md §3); Ctrl-C stops the writer through its console
 * handler.
 */
#define UMBRA_NATIVE_CRT   /* Linux test code: glibc's printf */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include "harness.h"
#include "lib/fsfixture.h"

#define DEADLINE_MS 60000
#define DIRECTORY_PROVIDER "{7AC24C27-5F63-4D73-AE57-22370B07EF1C}"
#define BTRFS_PROVIDER "{93146643-57A1-44B0-80A3-1F4C3ECD1570}"

static struct fsfixture *btrfs;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) && errno == EINTR) ;
}

static char *read_file(const char *path)
{
    static char bufs[4][65536];
    static unsigned int next;
    char *buf = bufs[next++ % 4];
    ssize_t n, got = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0) return NULL;
    while ((n = read(fd, buf + got, sizeof(bufs[0]) - 1 - got)) > 0) got += n;
    close(fd);
    buf[got] = 0;
    return buf;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* Start a client with stdout and stderr to log; its pid or -1. */
static pid_t start(const char *const argv[], const char *log)
{
    const char *path = umbra_test_prog(argv[0]);
    pid_t pid;
    int fd;

    if (!path || (fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) return -1;
    pid = fork();
    if (!pid)
    {
        dup2(fd, 1);
        dup2(fd, 2);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(fd);
    return pid;
}

/* Wait for pid until the deadline (then SIGKILL); its wait status, or -1. */
static int finish(pid_t pid, int deadline_ms)
{
    long end = now_ms() + deadline_ms;
    int status;

    while (now_ms() < end)
    {
        pid_t ret = waitpid(pid, &status, WNOHANG);
        if (ret == pid) return status;
        if (ret < 0) return -1;
        sleep_ms(20);
    }
    fprintf(stderr, "process %d did not finish in time: killed\n", (int)pid);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* Run a client to the end; its exit code (-1 on a signal or a timeout). */
static int run(const char *const argv[], const char *log)
{
    pid_t pid = start(argv, log);
    int status;

    if (pid < 0) return -1;
    status = finish(pid, DEADLINE_MS);
    if (status < 0 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static int wait_for_text(const char *log, const char *text)
{
    long end = now_ms() + DEADLINE_MS;

    while (now_ms() < end)
    {
        const char *content = read_file(log);
        if (content && strstr(content, text)) return 1;
        sleep_ms(20);
    }
    return 0;
}

/* The lines of the writer's log that name events, in the order given. */
static int in_order(const char *log, const char *const *events)
{
    const char *p = log;

    for (; *events; events++)
    {
        if (!(p = strstr(p, *events)))
        {
            fprintf(stderr, "missing or out of order: %s\n", *events);
            return 0;
        }
        p += strlen(*events);
    }
    return 1;
}

static void show(const char *what, const char *log)
{
    const char *content = read_file(log);

    printf("--- %s ---\n%s\n", what, content ? content : "(nothing)");
}

/* The whole scenario on one volume: root is its directory (the drive letter's
 * target), letter the drive letter to use, provider the id the backup must show. */
static void backup_scenario(const char *root, char letter, const char *provider, const char *name)
{
    char dir[PATH_MAX / 4], path[PATH_MAX], data[PATH_MAX / 2], backup[PATH_MAX / 2], writer_log[PATH_MAX],
        dumper_log[PATH_MAX], requester_log[PATH_MAX], volume_arg[8], data_arg[16], expected[256];
    WCHAR wvolume[8], volume_name[MAX_PATH];
    const char *out;
    pid_t writer;
    int status;

    snprintf(dir, sizeof(dir), "%s/%s", umbra_test_tmpdir(), name);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    /* this scenario's rendezvous directory: writers started now subscribe there */
    snprintf(path, sizeof(path), "%s/run", dir);
    setenv("VSS_RUNTIME_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/config/dosdevices/%c:", umbra_test_tmpdir(), letter);
    CU_ASSERT_EQUAL_FATAL(symlink(root, path), 0);

    snprintf(data, sizeof(data), "%s/data", root);
    CU_ASSERT_EQUAL_FATAL(mkdir(data, 0755), 0);
    snprintf(path, sizeof(path), "%s/sub", data);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/database.db", data);
    CU_ASSERT_EQUAL(write_file(path, "the database\n"), 0);
    snprintf(path, sizeof(path), "%s/sub/journal.log", data);
    CU_ASSERT_EQUAL(write_file(path, "the journal\n"), 0);
    snprintf(path, sizeof(path), "%s/state.txt", data);
    CU_ASSERT_EQUAL(write_file(path, "running\n"), 0);

    snprintf(volume_arg, sizeof(volume_arg), "%c:\\", letter);
    snprintf(data_arg, sizeof(data_arg), "%c:\\data", letter);
    snprintf(backup, sizeof(backup), "%s/backup", dir);
    snprintf(writer_log, sizeof(writer_log), "%s/writer.log", dir);
    snprintf(dumper_log, sizeof(dumper_log), "%s/dumper.log", dir);
    snprintf(requester_log, sizeof(requester_log), "%s/requester.log", dir);

    /* the writer, until Ctrl-C */
    {
        const char *argv[] = { "client_writer", data_arg, NULL };
        writer = start(argv, writer_log);
    }
    CU_ASSERT_FATAL(writer > 0);
    if (!wait_for_text(writer_log, "subscribed"))
    {
        show("writer", writer_log);
        kill(writer, SIGKILL);
        waitpid(writer, NULL, 0);
        CU_FAIL_FATAL("the writer did not subscribe");
    }

    /* the dumper sees the writer's component */
    {
        const char *argv[] = { "client_dumper", NULL };
        CU_ASSERT_EQUAL(run(argv, dumper_log), 0);
    }
    out = read_file(dumper_log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Writers: 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "* WRITER \"Umbra Demo Writer\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "WriterId   = {6C1E6B6A-1D0B-4BD3-9D7F-5E2B7A1C0D42}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "       - Name = DemoData\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "       - Type = FILEGROUP\n"));
    snprintf(expected, sizeof(expected), "File 0: Path = %s, Filespec = *, Recursive = yes", data_arg);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, expected));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Restore method = RESTORE_IF_NOT_THERE"));

    /* the requester backs the component up */
    {
        const char *argv[] = { "client_requester", volume_arg, data_arg, backup, NULL };
        CU_ASSERT_EQUAL(run(argv, requester_log), 0);
    }
    out = read_file(requester_log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Adding component DemoData of writer \"Umbra Demo Writer\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Writer \"Umbra Demo Writer\" after DoSnapshotSet: WAITING_FOR_BACKUP_COMPLETE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Component DemoData backed up\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Writer \"Umbra Demo Writer\" after BackupComplete: STABLE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Backup completed\n"));
    snprintf(expected, sizeof(expected), "   - Provider ID = %s\n", provider);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, expected));
    /* DESIGN.md §3: kernel32's name for the volume is the snapshot's original volume */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "   - Same volume as"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ": yes\n"));
    mbstowcs(wvolume, volume_arg, 8);
    CU_ASSERT_FATAL(GetVolumeNameForVolumeMountPointW(wvolume, volume_name, MAX_PATH));
    {
        char narrow[MAX_PATH], line[MAX_PATH + 64];
        wcstombs(narrow, volume_name, sizeof(narrow));
        snprintf(line, sizeof(line), "   - Original volume name = %s\n", narrow);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, line));
    }

    /* the copy is the data at Freeze (VSS-FACTS.md §1.3): Freeze's files, none of Thaw's */
    snprintf(path, sizeof(path), "%s/database.db", backup);
    CU_ASSERT_STRING_EQUAL(read_file(path) ? read_file(path) : "", "the database\n");
    snprintf(path, sizeof(path), "%s/sub/journal.log", backup);
    CU_ASSERT_STRING_EQUAL(read_file(path) ? read_file(path) : "", "the journal\n");
    snprintf(path, sizeof(path), "%s/freeze-marker.txt", backup);
    CU_ASSERT_STRING_EQUAL(read_file(path) ? read_file(path) : "", "written at Freeze\n");
    snprintf(path, sizeof(path), "%s/state.txt", backup);
    CU_ASSERT_STRING_EQUAL(read_file(path) ? read_file(path) : "", "frozen\n");
    snprintf(path, sizeof(path), "%s/thaw-marker.txt", backup);
    CU_ASSERT_PTR_NULL(read_file(path));
    /* while the live data moved on */
    snprintf(path, sizeof(path), "%s/state.txt", data);
    CU_ASSERT_STRING_EQUAL(read_file(path) ? read_file(path) : "", "thawed\n");
    snprintf(path, sizeof(path), "%s/thaw-marker.txt", data);
    CU_ASSERT_PTR_NOT_NULL(read_file(path));
    /* the backup components document names the component, marked backed up */
    snprintf(path, sizeof(path), "%s/backup.xml", backup);
    out = read_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "componentName=\"DemoData\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "backupSucceeded=\"yes\""));

    /* Ctrl-C: the writer's console handler lets it unsubscribe and end */
    CU_ASSERT_EQUAL(kill(writer, SIGINT), 0);
    status = finish(writer, DEADLINE_MS);
    CU_ASSERT(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    out = read_file(writer_log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    {
        /* VSS-FACTS.md §1.2 and §1.3: the events of a component-mode backup, in order */
        static const char *const events[] =
        {
            "] OnIdentify", "] OnPrepareBackup: components selected: yes",
            "] OnPrepareBackup: component DemoData is in the backup", "] OnPrepareSnapshot: 1 volume(s), data affected: yes",
            "] OnFreeze", "] OnThaw", "] OnPostSnapshot", "] OnBackupComplete",
            "] OnBackupComplete: component DemoData backed up: yes", "] OnBackupShutdown", "] Stopping",
            "] Writer stopped", NULL
        };
        CU_ASSERT(in_order(out, events));
        CU_ASSERT_PTR_NULL(strstr(out, "OnAbort"));
        CU_ASSERT_PTR_NULL(strstr(out, "failed"));
    }
    if (CU_get_number_of_failures())
    {
        show("writer", writer_log);
        show("requester", requester_log);
    }
    unsetenv("VSS_RUNTIME_DIR");
}

static int suite_init(void)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/config", umbra_test_tmpdir());
    if (mkdir(path, 0700) && errno != EEXIST) return -1;
    setenv("VSS_CONFIG_DIR", path, 1);
    strcat(path, "/dosdevices");
    if (mkdir(path, 0755) && errno != EEXIST) return -1;
    snprintf(path, sizeof(path), "%s/state", umbra_test_tmpdir());
    setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_MODE");
    unsetenv("VSS_WAIT_FOR_SET");
    return 0;
}

static void test_directory_volume(void)
{
    char root[PATH_MAX];

    snprintf(root, sizeof(root), "%s/dirvol", umbra_test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(mkdir(root, 0755), 0);
    backup_scenario(root, 'v', DIRECTORY_PROVIDER, "directory");
}

/* A saved writer metadata document from Windows, read with Win32 file calls. */
static void test_dumper_on_windows_document(void)
{
    const char *sample = umbra_sample_path("windows-2012r2-wmd-bcd/WM0.xml");
    char log[PATH_MAX];
    const char *out;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sample);
    snprintf(log, sizeof(log), "%s/dumper-sample.log", umbra_test_tmpdir());
    {
        const char *argv[] = { "client_dumper", "/f", sample, NULL };
        CU_ASSERT_EQUAL(run(argv, log), 0);
    }
    out = read_file(log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "* WRITER \"Task Scheduler Writer\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Usage type = BOOTABLESYSTEMSTATE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Name = TasksStore"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Path = %WinDir%\\System32\\Tasks, Filespec = *, Recursive = yes"));
}

static int btrfs_init(void)
{
    if (umbra_require_root() || suite_init()) return -1;
    if (!fsfixture_tools_available("btrfs"))
    {
        fprintf(stderr, "test_clients: mkfs.btrfs is missing (tools/install-deps)\n");
        return -1;
    }
    if (!(btrfs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return 0;
}

static int btrfs_cleanup(void)
{
    fsfixture_destroy(btrfs);
    btrfs = NULL;
    return 0;
}

static void test_btrfs_volume(void)
{
    WCHAR name[MAX_PATH], found[MAX_PATH], names[1024], mount[PATH_MAX];
    HANDLE find;
    int listed = 0;
    DWORD needed;

    backup_scenario(btrfs->mnt, 'w', BTRFS_PROVIDER, "btrfs");

    /* the mounted volume is in FindFirstVolume's list, under both its names */
    CU_ASSERT_FATAL(GetVolumeNameForVolumeMountPointW(L"W:\\", name, MAX_PATH));
    find = FindFirstVolumeW(found, MAX_PATH);
    CU_ASSERT_FATAL(find != INVALID_HANDLE_VALUE);
    do
    {
        listed |= !wcscmp(found, name);
    } while (FindNextVolumeW(find, found, MAX_PATH));
    FindVolumeClose(find);
    CU_ASSERT(listed);
    CU_ASSERT(GetVolumePathNamesForVolumeNameW(name, names, 1024, &needed));
    CU_ASSERT(!wcscmp(names, L"W:\\"));
    swprintf(mount, PATH_MAX, L"%s/", btrfs->mnt);
    {
        const WCHAR *p;
        int has_mount = 0;
        for (p = names; *p; p += wcslen(p) + 1) has_mount |= !wcscmp(p, mount);
        CU_ASSERT(has_mount);
    }
    CU_ASSERT_EQUAL(GetDriveTypeW(L"W:\\"), DRIVE_FIXED);
    {
        WCHAR fs[32];
        CU_ASSERT(GetVolumeInformationW(L"W:\\", NULL, 0, NULL, NULL, NULL, fs, 32));
        CU_ASSERT(!wcscmp(fs, L"btrfs"));
    }
}

static CU_TestInfo directory_tests[] =
{
    { "requester, writer and dumper on a directory volume", test_directory_volume },
    { "dumper on a Windows writer metadata document", test_dumper_on_windows_document },
    CU_TEST_INFO_NULL
};

static CU_TestInfo btrfs_tests[] =
{
    { "requester, writer and dumper on a btrfs volume", test_btrfs_volume },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(clients_directory, suite_init, NULL, directory_tests);
UMBRA_SUITE(clients_btrfs, btrfs_init, btrfs_cleanup, btrfs_tests);
