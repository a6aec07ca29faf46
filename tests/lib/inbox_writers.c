/*
 * inbox_writers.c: processes and a requester for the in-box writer suites
 * (inbox_writers.h).  Every wait has a deadline, so a server or writer that
 * misbehaves fails its test instead of hanging the run.
 */
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "inbox_writers.h"
#include "writer_procs.h"
#include "wstr.h"

#define WRITER_READY_TIMEOUT_MS 30000

int iw_stop(pid_t pid)
{
    return wp_terminate(pid, 20000, "process");
}

pid_t iw_start_writer(const char *service, const char *config, const char *log)
{
    char prog[64], fdtext[16];
    const char *path;
    int pipefd[2], child_fd, ready = 0;
    pid_t pid;

    snprintf(prog, sizeof(prog), "vss-writer-%s", service);
    if (!(path = umbra_prog(prog)) || access(path, X_OK))
    {
        fprintf(stderr, "%s is not built\n", prog);
        return -1;
    }
    if (wp_ready_pipe(pipefd, &child_fd)) return -1;
    snprintf(fdtext, sizeof(fdtext), "%d", child_fd);
    if (!(pid = fork()))
    {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

        /* both to the log: the test's own output may be a pipe someone waits on */
        if (fd >= 0)
        {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(path, prog, "--config", config, "--ready-fd", fdtext, (char *)NULL);
        _exit(127);
    }
    close(child_fd);
    close(pipefd[1]);
    if (pid > 0) ready = wp_wait_ready(pipefd[0], WRITER_READY_TIMEOUT_MS);
    close(pipefd[0]);
    if (ready) return pid;
    fprintf(stderr, "%s did not start (see %s)\n", prog, log);
    if (pid > 0)
    {
        kill(pid, SIGKILL);
        wp_wait_exit(pid, 10000);
    }
    return -1;
}

void iw_server_user(uid_t *uid, gid_t *gid)
{
    *uid = geteuid() ? geteuid() : 65534;
    *gid = geteuid() ? getegid() : 65534;
}

pid_t iw_spawn_as(uid_t uid, gid_t gid, const char *const *argv, const char *log)
{
    pid_t pid = fork();

    if (!pid)
    {
        int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644), null = open("/dev/null", O_RDONLY);

        if (fd >= 0)
        {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (null >= 0) dup2(null, 0);
        /* a process group of its own: the test's terminal signals are not its business */
        setpgid(0, 0);
        if (uid != geteuid() && (setgroups(0, NULL) || setgid(gid) || setuid(uid))) _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

int iw_run_as(uid_t uid, gid_t gid, const char *const *argv, const char *log, unsigned int timeout_s)
{
    pid_t pid = iw_spawn_as(uid, gid, argv, log);
    int ret;

    if (pid < 0) return -1;
    if ((ret = wp_wait_exit(pid, (int)timeout_s * 1000)) == -2)
    {
        fprintf(stderr, "%s did not finish within %u s; killing it\n", argv[0], timeout_s);
        kill(pid, SIGKILL);
        wp_wait_exit(pid, 10000);
        return -1;
    }
    return ret;
}

int iw_sh(const char *fmt, ...)
{
    const char *argv[4] = { "/bin/sh", "-c", NULL, NULL };
    char *cmd = NULL;
    va_list args;
    int ret;

    va_start(args, fmt);
    ret = vasprintf(&cmd, fmt, args);
    va_end(args);
    if (ret < 0) return -1;
    argv[2] = cmd;
    ret = iw_run_as(geteuid(), getegid(), argv, NULL, 300);
    if (ret) fprintf(stderr, "'%s' failed: %d\n", cmd, ret);
    free(cmd);
    return ret;
}

void iw_show_log(const char *path)
{
    char buf[4096];
    size_t n;
    FILE *f;

    if (!CU_get_number_of_failures() && !getenv("IW_SHOW_LOGS")) return;
    if (!(f = fopen(path, "r"))) return;
    fprintf(stderr, "--- %s\n", path);
    while ((n = fread(buf, 1, sizeof(buf), f))) fwrite(buf, 1, n, stderr);
    fprintf(stderr, "--- end of %s\n", path);
    fclose(f);
}

int iw_wait_for_path(const char *path, unsigned int timeout_s)
{
    for (unsigned int waited = 0; waited < timeout_s * 1000; waited += 50)
    {
        if (!access(path, F_OK)) return 0;
        wp_sleep_ms(50);
    }
    return -1;
}

/* --- the requester -------------------------------------------------------------------- */

/* UTF-8 of what the API gave (NULL when w is NULL or cannot convert). */
static char *narrow(const WCHAR *w)
{
    char *out = NULL;

    return wstr_to_utf8(w, &out) ? NULL : out;
}

static WCHAR *widen(const char *s)
{
    size_t len = strlen(s);
    WCHAR *out = malloc((len + 1) * sizeof(*out));

    /* the test paths and names are ASCII */
    for (size_t i = 0; out && i <= len; i++) out[i] = (unsigned char)s[i];
    return out;
}

static HRESULT wait_async(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    if (FAILED(IVssAsync_Wait(async, INFINITE)) || FAILED(IVssAsync_QueryStatus(async, &status, NULL)))
        status = E_FAIL;
    IVssAsync_Release(async);
    return status;
}

/* The instance ids and names of writer_class's instances. */
static unsigned int find_instances(IVssBackupComponents *backup, const GUID *writer_class, VSS_ID *ids, char **names,
                                   unsigned int max)
{
    IVssBackupComponentsEx *ex = NULL;
    UINT count = 0;
    unsigned int n = 0;

    if (FAILED(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx, (void **)&ex))) return 0;
    IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    for (UINT i = 0; i < count && n < max; i++)
    {
        IVssExamineWriterMetadataEx *md = NULL;
        VSS_USAGE_TYPE usage;
        VSS_SOURCE_TYPE source;
        VSS_ID inst, writer;
        BSTR name = NULL, instance_name = NULL;

        if (FAILED(IVssBackupComponentsEx_GetWriterMetadataEx(ex, i, &inst, &md))) continue;
        if (SUCCEEDED(IVssExamineWriterMetadataEx_GetIdentityEx(md, &inst, &writer, &name, &instance_name, &usage,
                                                                &source))
            && IsEqualGUID(&writer, writer_class) && instance_name)
        {
            ids[n] = inst;
            names[n] = narrow(instance_name);
            n++;
        }
        SysFreeString(name);
        SysFreeString(instance_name);
        IVssExamineWriterMetadataEx_Release(md);
    }
    IVssBackupComponentsEx_Release(ex);
    return n;
}

HRESULT iw_backup(struct iw_backup *b, LONG context, const GUID *writer_class, const char *const *components,
                  const char *volume)
{
    VSS_ID ids[64];
    char *names[64];
    unsigned int n = 0;
    IVssAsync *async = NULL;
    WCHAR *wvolume = NULL;
    HRESULT hr;

    memset(b, 0, sizeof(*b));
    b->prepare_hr = b->snapshot_hr = E_FAIL;
    if (FAILED(hr = CreateVssBackupComponents(&b->backup))) return hr;
    if (FAILED(hr = IVssBackupComponents_InitializeForBackup(b->backup, NULL))) return hr;
    if (context != VSS_CTX_BACKUP && FAILED(hr = IVssBackupComponents_SetContext(b->backup, context))) return hr;
    if (FAILED(hr = IVssBackupComponents_GatherWriterMetadata(b->backup, &async))) return hr;
    if ((hr = wait_async(async)) != VSS_S_ASYNC_FINISHED) return FAILED(hr) ? hr : E_FAIL;
    if (FAILED(hr = IVssBackupComponents_SetBackupState(b->backup, TRUE, FALSE, VSS_BT_FULL, FALSE))) return hr;
    n = find_instances(b->backup, writer_class, ids, names, 64);
    for (unsigned int i = 0; i < n; i++)
    {
        for (unsigned int j = 0; components && components[j]; j++)
        {
            WCHAR *wname;

            if (strcmp(components[j], names[i]) || !(wname = widen(names[i]))) continue;
            if (SUCCEEDED(IVssBackupComponents_AddComponent(b->backup, ids[i], *writer_class, VSS_CT_FILEGROUP, NULL,
                                                            wname)))
                b->selected++;
            free(wname);
        }
        free(names[i]);
    }
    if (FAILED(hr = IVssBackupComponents_StartSnapshotSet(b->backup, &b->set))) return hr;
    if (!(wvolume = widen(volume))) return E_OUTOFMEMORY;
    hr = IVssBackupComponents_AddToSnapshotSet(b->backup, wvolume, GUID_NULL, &b->snapshot);
    free(wvolume);
    if (FAILED(hr)) return hr;
    if (FAILED(hr = IVssBackupComponents_PrepareForBackup(b->backup, &async))) return hr;
    b->prepare_hr = wait_async(async);
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(b->backup, &async))) return hr;
    b->snapshot_hr = wait_async(async);
    if (b->snapshot_hr == VSS_S_ASYNC_FINISHED)
    {
        VSS_SNAPSHOT_PROP prop;

        if (SUCCEEDED(IVssBackupComponents_GetSnapshotProperties(b->backup, b->snapshot, &prop)))
        {
            char *device = narrow(prop.m_pwszSnapshotDeviceObject);

            snprintf(b->device, sizeof(b->device), "%s", device ? device : "");
            free(device);
            VssFreeSnapshotProperties(&prop);
        }
    }
    return S_OK;
}

void iw_backup_end(struct iw_backup *b)
{
    IVssAsync *async = NULL;

    if (!b->backup) return;
    if (b->snapshot_hr == VSS_S_ASYNC_FINISHED && SUCCEEDED(IVssBackupComponents_BackupComplete(b->backup, &async)))
        wait_async(async);
    IVssBackupComponents_Release(b->backup);
    b->backup = NULL;
}

int iw_writer_status(struct iw_backup *b, const GUID *writer_class, const char *instance, VSS_WRITER_STATE *state,
                     HRESULT *failure, char **message)
{
    IVssBackupComponentsEx3 *ex3 = NULL;
    IVssAsync *async = NULL;
    VSS_ID ids[64];
    char *names[64];
    unsigned int n;
    UINT count = 0;
    int found = -1;

    if (message) *message = NULL;
    n = find_instances(b->backup, writer_class, ids, names, 64);
    if (FAILED(IVssBackupComponents_GatherWriterStatus(b->backup, &async)) || wait_async(async) != VSS_S_ASYNC_FINISHED
        || FAILED(IVssBackupComponents_QueryInterface(b->backup, &IID_IVssBackupComponentsEx3, (void **)&ex3)))
        goto done;
    IVssBackupComponents_GetWriterStatusCount(b->backup, &count);
    for (UINT i = 0; i < count && found < 0; i++)
    {
        VSS_ID inst, writer;
        BSTR name = NULL, text = NULL;
        HRESULT app;

        if (FAILED(IVssBackupComponentsEx3_GetWriterStatusEx(ex3, i, &inst, &writer, &name, state, failure, &app,
                                                             &text)))
            continue;
        for (unsigned int j = 0; j < n && found < 0; j++)
            if (IsEqualGUID(&inst, &ids[j]) && !strcmp(names[j], instance))
            {
                found = 0;
                if (message) *message = narrow(text);
            }
        SysFreeString(name);
        SysFreeString(text);
    }
    IVssBackupComponents_FreeWriterStatus(b->backup);

done:
    if (ex3) IVssBackupComponentsEx3_Release(ex3);
    for (unsigned int j = 0; j < n; j++) free(names[j]);
    return found;
}

void iw_check_status(struct iw_backup *b, const GUID *writer_class, const char *instance,
                     VSS_WRITER_STATE want_state, HRESULT want_failure, const char *message_part)
{
    VSS_WRITER_STATE state = VSS_WS_UNKNOWN;
    HRESULT failure = E_FAIL;
    char *message = NULL;

    CU_ASSERT_EQUAL_FATAL(iw_writer_status(b, writer_class, instance, &state, &failure, &message), 0);
    if (state != want_state || failure != want_failure)
        printf("%s: state %d failure %#x (%s), expected %d %#x\n", instance, state, (unsigned int)failure,
               message ? message : "", want_state, (unsigned int)want_failure);
    CU_ASSERT_EQUAL(state, want_state);
    CU_ASSERT_EQUAL(failure, want_failure);
    if (message_part) CU_ASSERT(message && strstr(message, message_part));
    free(message);
}

void iw_check_line(const char *text, const char *fmt, const char *path)
{
    char line[2 * PATH_MAX];

    snprintf(line, sizeof(line), fmt, path);
    if (!text || !strstr(text, line)) printf("no \"%s\" in:\n%s", line, text ? text : "(nothing)\n");
    CU_ASSERT(text && strstr(text, line));
}

static void print_filedesc(FILE *f, const char *what, IVssWMFiledesc *desc)
{
    BSTR path = NULL, spec = NULL;
    bool recursive = false;
    char *upath, *uspec;

    IVssWMFiledesc_GetPath(desc, &path);
    IVssWMFiledesc_GetFilespec(desc, &spec);
    IVssWMFiledesc_GetRecursive(desc, &recursive);
    upath = narrow(path);
    uspec = narrow(spec);
    fprintf(f, "%s %s %s%s\n", what, upath ? upath : "", uspec ? uspec : "", recursive ? " recursive" : "");
    free(upath);
    free(uspec);
    SysFreeString(path);
    SysFreeString(spec);
}

char *iw_describe(struct iw_backup *b, const GUID *writer_class, const char *instance)
{
    IVssBackupComponentsEx *ex = NULL;
    UINT count = 0;
    char *out = NULL;
    size_t len = 0;
    bool found = false;
    FILE *f;

    if (FAILED(IVssBackupComponents_QueryInterface(b->backup, &IID_IVssBackupComponentsEx, (void **)&ex))) return NULL;
    if (!(f = open_memstream(&out, &len)))
    {
        IVssBackupComponentsEx_Release(ex);
        return NULL;
    }
    IVssBackupComponents_GetWriterMetadataCount(b->backup, &count);
    for (UINT i = 0; i < count && !found; i++)
    {
        IVssExamineWriterMetadataEx *md = NULL;
        VSS_USAGE_TYPE usage;
        VSS_SOURCE_TYPE source;
        VSS_ID inst, writer;
        BSTR name = NULL, instance_name = NULL, service = NULL, procedure = NULL;
        UINT includes = 0, excludes = 0, components = 0, mappings = 0;
        VSS_RESTOREMETHOD_ENUM method;
        VSS_WRITERRESTORE_ENUM writer_restore;
        bool reboot;
        char *uname;

        if (FAILED(IVssBackupComponentsEx_GetWriterMetadataEx(ex, i, &inst, &md))) continue;
        IVssExamineWriterMetadataEx_GetIdentityEx(md, &inst, &writer, &name, &instance_name, &usage, &source);
        uname = narrow(instance_name);
        if (IsEqualGUID(&writer, writer_class) && uname && !strcmp(uname, instance))
        {
            IVssExamineWriterMetadata *base = (IVssExamineWriterMetadata *)md;

            found = true;
            IVssExamineWriterMetadata_GetFileCounts(base, &includes, &excludes, &components);
            for (UINT j = 0; j < components; j++)
            {
                IVssWMComponent *comp = NULL;
                PVSSCOMPONENTINFO info = NULL;

                if (FAILED(IVssExamineWriterMetadata_GetComponent(base, j, &comp))) continue;
                if (SUCCEEDED(IVssWMComponent_GetComponentInfo(comp, &info)))
                {
                    char *cname = narrow(info->bstrComponentName);

                    fprintf(f, "component %s\n", cname ? cname : "");
                    free(cname);
                    for (UINT k = 0; k < info->cFileCount; k++)
                    {
                        IVssWMFiledesc *desc = NULL;

                        if (FAILED(IVssWMComponent_GetFile(comp, k, &desc))) continue;
                        print_filedesc(f, "include", desc);
                        IVssWMFiledesc_Release(desc);
                    }
                    IVssWMComponent_FreeComponentInfo(comp, info);
                }
                IVssWMComponent_Release(comp);
            }
            for (UINT j = 0; j < excludes; j++)
            {
                IVssWMFiledesc *desc = NULL;

                if (FAILED(IVssExamineWriterMetadata_GetExcludeFile(base, j, &desc))) continue;
                print_filedesc(f, "exclude", desc);
                IVssWMFiledesc_Release(desc);
            }
            if (SUCCEEDED(IVssExamineWriterMetadata_GetRestoreMethod(base, &method, &service, &procedure,
                                                                     &writer_restore, &reboot, &mappings)))
            {
                char *uservice = narrow(service);

                fprintf(f, "restore %d %s\n", (int)method, uservice ? uservice : "");
                free(uservice);
            }
        }
        free(uname);
        SysFreeString(name);
        SysFreeString(instance_name);
        SysFreeString(service);
        SysFreeString(procedure);
        IVssExamineWriterMetadataEx_Release(md);
    }
    IVssBackupComponentsEx_Release(ex);
    fclose(f);
    if (!found)
    {
        free(out);
        return NULL;
    }
    return out;
}

char *iw_backup_metadata(struct iw_backup *b, const GUID *writer_class, const char *name)
{
    UINT count = 0;
    char *found = NULL;

    IVssBackupComponents_GetWriterComponentsCount(b->backup, &count);
    for (UINT i = 0; i < count && !found; i++)
    {
        IVssWriterComponentsExt *wc = NULL;
        VSS_ID inst, writer;
        UINT n = 0;

        if (FAILED(IVssBackupComponents_GetWriterComponents(b->backup, i, &wc))) continue;
        IVssWriterComponentsExt_GetWriterInfo(wc, &inst, &writer);
        if (IsEqualGUID(&writer, writer_class)) IVssWriterComponentsExt_GetComponentCount(wc, &n);
        for (UINT j = 0; j < n && !found; j++)
        {
            IVssComponent *comp = NULL;
            BSTR cname = NULL, data = NULL;
            char *uname;

            if (FAILED(IVssWriterComponentsExt_GetComponent(wc, j, &comp))) continue;
            IVssComponent_GetComponentName(comp, &cname);
            uname = narrow(cname);
            if (uname && !strcmp(uname, name) && IVssComponent_GetBackupMetadata(comp, &data) == S_OK)
                found = narrow(data);
            free(uname);
            SysFreeString(cname);
            SysFreeString(data);
            IVssComponent_Release(comp);
        }
        IVssWriterComponentsExt_Release(wc);
    }
    return found;
}

char *iw_meta_value(const char *meta, const char *key)
{
    size_t klen = strlen(key);

    for (const char *line = meta; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (!strncmp(line, key, klen) && line[klen] == ':' && line[klen + 1] == ' ')
            return strndup(line + klen + 2, strcspn(line + klen + 2, "\n"));
    return NULL;
}

char *iw_meta_block(const char *meta, const char *key)
{
    size_t klen = strlen(key), len = 0;
    const char *line;
    char *out = NULL;
    FILE *f;

    for (line = meta; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (!strncmp(line, key, klen) && line[klen] == ':' && line[klen + 1] == '\n') break;
    if (!line || !*line || !(f = open_memstream(&out, &len))) return NULL;
    for (line = strchr(line, '\n') + 1; *line && !strncmp(line, "| ", 2);)
    {
        size_t n = strcspn(line + 2, "\n");

        fwrite(line + 2, 1, n, f);
        fputc('\n', f);
        line += 2 + n;
        if (*line == '\n') line++;
    }
    fclose(f);
    return out;
}

unsigned long long iw_parse_lsn(const char *text)
{
    unsigned long hi, lo;

    if (!text || sscanf(text, "%lX/%lX", &hi, &lo) != 2) return 0;
    return (unsigned long long)hi << 32 | lo;
}
