/*
 * test_restore.c: the restore sequence end to end (VSS-FACTS.md §1.7, §2.1
 * R25-R28, §2.3 rows 22-34 and 52-56), on a real btrfs volume on a loop
 * device (tests/lib/fsfixture.h; needs root), with writers in their own
 * processes: tests/bin/test_writer_c (C, callback table) and test_writer_cxx
 * (a C++ CVssWriter), started with the restore options of
 * tests/progs/test_writer_common.h.
 *
 * Each test backs the writers' components up into a persistent snapshot and
 * keeps the saved Backup Components Document, then spoils the data and
 * restores from the document and the snapshot the way a backup program does:
 * InitializeForRestore, GatherWriterMetadata, the selections and restore
 * settings, PreRestore, copying the files back as the writer's metadata (its
 * restore method, alternate location mappings) and the document (restore
 * target, new targets) say, SetFileRestoreStatus, PostRestore.  The writers
 * log every restore-time field they read; the files and the writers' own state
 * must be as they were at backup time.  Also: a writer that fails PreRestore
 * with a message the requester reads back, selections the document does not
 * allow (VSS_E_OBJECT_NOT_FOUND), and diskshadow's BEGIN RESTORE / END RESTORE.
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/stat.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "lib/fsfixture.h"
#include "lib/writer_procs.h"
#include "lib/snapshots.h"

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

/* The writers' class ids: test_writer_common.h's default, and others. */
static const GUID c_writer = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 1 } };
static const GUID cxx_writer = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 2 } };
static const GUID c2_writer = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 3 } };
#define CXX_WRITER_ID "{6d0a8a35-1b2c-4d5e-8f90-000000000002}"
#define C2_WRITER_ID "{6d0a8a35-1b2c-4d5e-8f90-000000000003}"

static struct fsfixture *btrfs;
static char tmp_dir[PATH_MAX], log_path[PATH_MAX];

/* --- small helpers ---------------------------------------------------------------- */

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    ok_hr(IVssAsync_Wait(async, INFINITE), S_OK);
    ok_hr(IVssAsync_QueryStatus(async, &status, NULL), S_OK);
    IVssAsync_Release(async);
    return status;
}

static char *vol_path(const char *name)
{
    static char paths[8][PATH_MAX];
    static int next;
    char *p = paths[next++ % 8];

    snprintf(p, sizeof(paths[0]), "%s/%s", btrfs->mnt, name);
    return p;
}

/* A path on the volume that stays valid for the whole test (writer arguments). */
static char arg_paths[32][PATH_MAX];
static unsigned int arg_count;

static const char *vol_arg(const char *name)
{
    char *p = arg_paths[arg_count++ % 32];

    snprintf(p, sizeof(arg_paths[0]), "%s/%s", btrfs->mnt, name);
    return p;
}

static const char *content(const char *path)
{
    static char text[512];
    char *data = fsfixture_read_file(path);

    snprintf(text, sizeof(text), "%s", data ? data : "(missing)");
    free(data);
    return text;
}

static void write_file(const char *path, const char *text)
{
    CU_ASSERT_EQUAL(fsfixture_write_file(path, text), 0);
}

static void wide(WCHAR *out, const char *in)
{
    mbstowcs(out, in, PATH_MAX);
}

/* A narrow copy of a wide string (static buffer per slot). */
static const char *narrow(const WCHAR *w)
{
    static char bufs[4][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 4];

    if (!w) return "";
    wcstombs(b, w, sizeof(bufs[0]));
    return b;
}

/* Writers log to log_path; a fresh log per test. */
static pid_t start_writer(const char *prog, const char *const *args)
{
    const char *argv[32];
    unsigned int n = 0;

    argv[n++] = "--log";
    argv[n++] = log_path;
    while (*args && n < 30) argv[n++] = *args++;
    argv[n] = NULL;
    return wp_start(prog, argv);
}

/* The first log line that starts with prefix and contains every one of the
 * NULL-terminated texts; prints the line that came closest when none does. */
static int log_has(const char *prefix, ...)
{
    struct wp_log log;
    unsigned int i;
    int found = 0, candidates = 0;
    va_list args;

    if (wp_log_read(log_path, &log)) return 0;
    for (i = 0; i < log.count && !found; i++)
    {
        const char *text;
        int all = 1;

        if (strncmp(log.lines[i], prefix, strlen(prefix))) continue;
        candidates++;
        va_start(args, prefix);
        while ((text = va_arg(args, const char *)))
            if (!strstr(log.lines[i], text)) all = 0;
        va_end(args);
        found = all;
    }
    if (!found)
    {
        printf("\nno log line \"%s ...\" with the expected fields; lines with that start:\n", prefix);
        for (i = 0; i < log.count; i++)
            if (!strncmp(log.lines[i], prefix, strlen(prefix))) printf("  %s\n", log.lines[i]);
        if (!candidates) printf("  (none)\n");
    }
    wp_log_free(&log);
    return found;
}

static unsigned int log_count(const char *prefix)
{
    struct wp_log log;
    unsigned int n;

    if (wp_log_read(log_path, &log)) return 0;
    n = wp_log_count(&log, prefix);
    wp_log_free(&log);
    return n;
}

/* --- the backup ------------------------------------------------------------------ */

struct component_ref
{
    const GUID *writer;
    const WCHAR *name;
};

/* GatherWriterMetadata's instance id of a writer class. */
static int find_instance(IVssBackupComponents *backup, const GUID *writer_id, VSS_ID *instance)
{
    IVssExamineWriterMetadata *metadata;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_ID inst, writer;
    UINT count = 0, i;
    BSTR name;
    int found = 0;

    IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    for (i = 0; i < count && !found; i++)
    {
        if (FAILED(IVssBackupComponents_GetWriterMetadata(backup, i, &inst, &metadata))) continue;
        if (SUCCEEDED(IVssExamineWriterMetadata_GetIdentity(metadata, &inst, &writer, &name, &usage, &source)))
        {
            if (IsEqualGUID(&writer, writer_id))
            {
                *instance = inst;
                found = 1;
            }
            SysFreeString(name);
        }
        IVssExamineWriterMetadata_Release(metadata);
    }
    return found;
}

/* A component-mode full backup of the volume with the writers' components,
 * into a persistent snapshot (VSS_CTX_APP_ROLLBACK: writers take part, the
 * snapshot outlives the object).  Returns the saved document. */
static BSTR backup_components(const struct component_ref *components, unsigned int count, VSS_ID *snapshot)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;
    VSS_ID set, instance;
    WCHAR volume[PATH_MAX];
    BSTR xml = NULL;
    unsigned int i;

    wide(volume, btrfs->mnt);
    wcscat(volume, L"/");
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_APP_ROLLBACK), S_OK);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), S_OK);
    for (i = 0; i < count; i++)
    {
        CU_ASSERT_FATAL(find_instance(backup, components[i].writer, &instance));
        ok_hr(IVssBackupComponents_AddComponent(backup, instance, *components[i].writer, VSS_CT_FILEGROUP, NULL,
                                                components[i].name), S_OK);
    }
    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, volume, GUID_NULL, snapshot), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    for (i = 0; i < count; i++)
    {
        CU_ASSERT(find_instance(backup, components[i].writer, &instance));
        ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance, *components[i].writer, VSS_CT_FILEGROUP, NULL,
                                                      components[i].name, TRUE), S_OK);
    }
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), S_OK);
    IVssBackupComponents_Release(backup);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    return xml;
}

/* The snapshot's readable root (m_pwszSnapshotDeviceObject). */
static void snapshot_root(const VSS_ID *snapshot, char *root, size_t size)
{
    IVssBackupComponents *backup = NULL;
    VSS_SNAPSHOT_PROP prop;

    root[0] = 0;
    memset(&prop, 0, sizeof(prop));
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL), S_OK);
    ok_hr(IVssBackupComponents_GetSnapshotProperties(backup, *snapshot, &prop), S_OK);
    if (prop.m_pwszSnapshotDeviceObject) snprintf(root, size, "%s", narrow(prop.m_pwszSnapshotDeviceObject));
    VssFreeSnapshotProperties(&prop);
    IVssBackupComponents_Release(backup);
}

/* --- the requester's side of a restore: copying files back ---------------------- */

/* What one component's files are and where they go, from the writer's
 * metadata (files, restore method, alternate location mappings) and the
 * document as PreRestore left it (restore target, new targets). */
#define MAX_SETS 8
struct fileset
{
    char path[PATH_MAX];
    char spec[64];
    int recursive;
    char dest[PATH_MAX];     /* alternate destination (mappings and new targets) */
};

struct restore_plan
{
    VSS_RESTOREMETHOD_ENUM method;
    VSS_RESTORE_TARGET target;
    unsigned int nfiles, nmappings, ntargets;
    struct fileset files[MAX_SETS];     /* the component's file groups */
    struct fileset mappings[MAX_SETS];  /* the writer's alternate location mappings */
    struct fileset targets[MAX_SETS];   /* AddNewTarget, as the document has them */
};

static void filedesc_read(IVssWMFiledesc *desc, struct fileset *set)
{
    BSTR path = NULL, spec = NULL, alt = NULL;
    bool recursive = false;

    IVssWMFiledesc_GetPath(desc, &path);
    IVssWMFiledesc_GetFilespec(desc, &spec);
    IVssWMFiledesc_GetRecursive(desc, &recursive);
    IVssWMFiledesc_GetAlternateLocation(desc, &alt);
    snprintf(set->path, sizeof(set->path), "%s", narrow(path));
    snprintf(set->spec, sizeof(set->spec), "%s", narrow(spec));
    snprintf(set->dest, sizeof(set->dest), "%s", narrow(alt));
    set->recursive = recursive;
    /* no trailing separator, so that prefixes compare */
    while (strlen(set->path) > 1 && set->path[strlen(set->path) - 1] == '/') set->path[strlen(set->path) - 1] = 0;
    SysFreeString(path);
    SysFreeString(spec);
    SysFreeString(alt);
}

/* The writer metadata half of the plan. */
static int plan_from_metadata(IVssBackupComponents *backup, const GUID *writer_id, const WCHAR *component,
                              struct restore_plan *plan)
{
    IVssExamineWriterMetadata *metadata;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_ID inst, writer;
    UINT count = 0, i, j, k;
    int found = 0;

    memset(plan, 0, sizeof(*plan));
    IVssBackupComponents_GetWriterMetadataCount(backup, &count);
    for (i = 0; i < count && !found; i++)
    {
        UINT includes = 0, excludes = 0, ncomponents = 0, nmappings = 0;
        VSS_WRITERRESTORE_ENUM writer_restore;
        BSTR name = NULL, service = NULL, procedure = NULL;
        bool reboot = false;

        if (FAILED(IVssBackupComponents_GetWriterMetadata(backup, i, &inst, &metadata))) continue;
        if (FAILED(IVssExamineWriterMetadata_GetIdentity(metadata, &inst, &writer, &name, &usage, &source))
            || !IsEqualGUID(&writer, writer_id))
        {
            SysFreeString(name);
            IVssExamineWriterMetadata_Release(metadata);
            continue;
        }
        SysFreeString(name);
        plan->method = VSS_RME_UNDEFINED;
        if (IVssExamineWriterMetadata_GetRestoreMethod(metadata, &plan->method, &service, &procedure,
                                                       &writer_restore, &reboot, &nmappings) != S_OK)
            plan->method = VSS_RME_UNDEFINED;
        SysFreeString(service);
        SysFreeString(procedure);
        for (j = 0; j < nmappings && plan->nmappings < MAX_SETS; j++)
        {
            IVssWMFiledesc *desc = NULL;
            if (FAILED(IVssExamineWriterMetadata_GetAlternateLocationMapping(metadata, j, &desc)) || !desc) continue;
            filedesc_read(desc, &plan->mappings[plan->nmappings++]);
            IVssWMFiledesc_Release(desc);
        }
        IVssExamineWriterMetadata_GetFileCounts(metadata, &includes, &excludes, &ncomponents);
        for (j = 0; j < ncomponents && !found; j++)
        {
            IVssWMComponent *wmc = NULL;
            PVSSCOMPONENTINFO info = NULL;

            if (FAILED(IVssExamineWriterMetadata_GetComponent(metadata, j, &wmc)) || !wmc) continue;
            if (SUCCEEDED(IVssWMComponent_GetComponentInfo(wmc, &info)) && info)
            {
                if (info->bstrComponentName && !wcscmp(info->bstrComponentName, component))
                {
                    found = 1;
                    for (k = 0; k < info->cFileCount && plan->nfiles < MAX_SETS; k++)
                    {
                        IVssWMFiledesc *desc = NULL;
                        if (FAILED(IVssWMComponent_GetFile(wmc, k, &desc)) || !desc) continue;
                        filedesc_read(desc, &plan->files[plan->nfiles++]);
                        IVssWMFiledesc_Release(desc);
                    }
                }
                IVssWMComponent_FreeComponentInfo(wmc, info);
            }
            IVssWMComponent_Release(wmc);
        }
        IVssExamineWriterMetadata_Release(metadata);
    }
    return found;
}

/* The document half of the plan: what PreRestore left in the component. */
static int plan_from_document(IVssBackupComponents *backup, const GUID *writer_id, const WCHAR *component,
                              struct restore_plan *plan)
{
    UINT count = 0, i, j, k;
    int found = 0;

    plan->target = VSS_RT_UNDEFINED;
    ok_hr(IVssBackupComponents_GetWriterComponentsCount(backup, &count), S_OK);
    for (i = 0; i < count && !found; i++)
    {
        IVssWriterComponentsExt *wc = NULL;
        VSS_ID instance, writer;
        UINT n = 0;

        if (FAILED(IVssBackupComponents_GetWriterComponents(backup, i, &wc)) || !wc) continue;
        IVssWriterComponentsExt_GetWriterInfo(wc, &instance, &writer);
        IVssWriterComponentsExt_GetComponentCount(wc, &n);
        for (j = 0; j < n && !found && IsEqualGUID(&writer, writer_id); j++)
        {
            IVssComponent *comp = NULL;
            BSTR name = NULL;
            UINT targets = 0;

            if (FAILED(IVssWriterComponentsExt_GetComponent(wc, j, &comp)) || !comp) continue;
            IVssComponent_GetComponentName(comp, &name);
            if (name && !wcscmp(name, component))
            {
                found = 1;
                IVssComponent_GetRestoreTarget(comp, &plan->target);
                IVssComponent_GetNewTargetCount(comp, &targets);
                for (k = 0; k < targets && plan->ntargets < MAX_SETS; k++)
                {
                    IVssWMFiledesc *desc = NULL;
                    if (FAILED(IVssComponent_GetNewTarget(comp, k, &desc)) || !desc) continue;
                    filedesc_read(desc, &plan->targets[plan->ntargets++]);
                    IVssWMFiledesc_Release(desc);
                }
            }
            SysFreeString(name);
            IVssComponent_Release(comp);
        }
        IVssWriterComponentsExt_Release(wc);
    }
    return found;
}

/* Copy the files of src matching spec into dst (made if needed); replace says
 * whether a file already there is overwritten (IF_CAN_REPLACE) or kept
 * (IF_NOT_THERE).  Returns the number of files written, -1 on an error. */
static int copy_matching(const char *src, const char *dst, const char *spec, int recursive, int replace)
{
    struct dirent *entry;
    int copied = 0;
    DIR *dir;

    if (mkdir(dst, 0755) < 0 && errno != EEXIST) return -1;
    if (!(dir = opendir(src))) return -1;
    while ((entry = readdir(dir)) && copied >= 0)
    {
        char from[PATH_MAX * 2], to[PATH_MAX * 2];
        struct stat st;

        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        snprintf(from, sizeof(from), "%s/%s", src, entry->d_name);
        snprintf(to, sizeof(to), "%s/%s", dst, entry->d_name);
        if (lstat(from, &st) < 0) { copied = -1; break; }
        if (S_ISDIR(st.st_mode))
        {
            int n;
            if (!recursive) continue;
            if ((n = copy_matching(from, to, spec, recursive, replace)) < 0) copied = -1;
            else copied += n;
        }
        else if (S_ISREG(st.st_mode) && !fnmatch(spec, entry->d_name, 0))
        {
            char *data;
            if (!replace && access(to, F_OK) == 0) continue;
            if (!(data = fsfixture_read_file(from)) || fsfixture_write_file(to, data)) copied = -1;
            else copied++;
            free(data);
        }
    }
    closedir(dir);
    return copied;
}

/* Where a file group goes: a new target the requester asked for, else the
 * writer's alternate location when the restore target or method says so, else
 * its own path.  *mapped says the writer's alternate location was used. */
static const char *destination(const struct restore_plan *plan, const struct fileset *files, int *mapped)
{
    unsigned int i;

    *mapped = 0;
    for (i = 0; i < plan->ntargets; i++)
        if (!strcmp(plan->targets[i].path, files->path) && !strcmp(plan->targets[i].spec, files->spec))
            return plan->targets[i].dest;
    if (plan->target == VSS_RT_ALTERNATE || plan->method == VSS_RME_RESTORE_TO_ALTERNATE_LOCATION)
    {
        for (i = 0; i < plan->nmappings; i++)
            if (!strcmp(plan->mappings[i].path, files->path))
            {
                *mapped = 1;
                return plan->mappings[i].dest;
            }
        return NULL;    /* nowhere to go: the restore of this component fails */
    }
    return files->path;
}

/* §1.7 step 8: copy one component back from the snapshot; record where its
 * files went when that is the writer's alternate location, and the status
 * (step 9).  Returns the VSS_FILE_RESTORE_STATUS it reported. */
static VSS_FILE_RESTORE_STATUS restore_files(IVssBackupComponents *backup, const GUID *writer_id,
                                             const WCHAR *component, const char *snap_root)
{
    struct restore_plan plan;
    VSS_FILE_RESTORE_STATUS status = VSS_RS_ALL;
    size_t vol_len = strlen(btrfs->mnt);
    unsigned int i;

    CU_ASSERT_FATAL(plan_from_metadata(backup, writer_id, component, &plan));
    CU_ASSERT_FATAL(plan_from_document(backup, writer_id, component, &plan));
    CU_ASSERT(plan.nfiles > 0);
    for (i = 0; i < plan.nfiles; i++)
    {
        const struct fileset *files = &plan.files[i];
        char source[PATH_MAX * 2];
        const char *dest;
        int mapped, copied;

        CU_ASSERT_FATAL(!strncmp(files->path, btrfs->mnt, vol_len));
        snprintf(source, sizeof(source), "%s%s", snap_root, files->path + vol_len);
        if (!(dest = destination(&plan, files, &mapped)))
        {
            status = VSS_RS_FAILED;
            continue;
        }
        copied = copy_matching(source, dest, files->spec, files->recursive,
                               plan.method != VSS_RME_RESTORE_IF_NOT_THERE);
        if (copied < 0) status = VSS_RS_FAILED;
        if (mapped && copied >= 0)
        {
            WCHAR path[PATH_MAX], spec[64], to[PATH_MAX];

            wide(path, files->path);
            wide(spec, files->spec);
            wide(to, dest);
            ok_hr(IVssBackupComponents_AddAlternativeLocationMapping(backup, *writer_id, VSS_CT_FILEGROUP, NULL,
                                                                     component, path, spec, files->recursive, to),
                  S_OK);
        }
    }
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, *writer_id, VSS_CT_FILEGROUP, NULL, component, status),
          S_OK);
    return status;
}

/* The restore object up to GatherWriterMetadata (§1.7 steps 1-3). */
static IVssBackupComponents *restore_from(BSTR xml)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    ok_hr(IVssBackupComponents_InitializeForRestore(backup, xml), S_OK);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    return backup;
}

/* A writer's status by class (GatherWriterStatus first). */
static int writer_status(IVssBackupComponents *backup, const GUID *writer_id, VSS_WRITER_STATE *state,
                         HRESULT *failure)
{
    VSS_ID instance, writer;
    UINT count = 0, i;
    BSTR name;
    int found = 0;

    ok_hr(IVssBackupComponents_GetWriterStatusCount(backup, &count), S_OK);
    for (i = 0; i < count; i++)
    {
        if (FAILED(IVssBackupComponents_GetWriterStatus(backup, i, &instance, &writer, &name, state, failure)))
            continue;
        SysFreeString(name);
        if (IsEqualGUID(&writer, writer_id))
        {
            found = 1;
            break;
        }
    }
    return found;
}

/* --- tests ------------------------------------------------------------------------- */

/* §1.7 whole: back up, spoil, restore to the original location; the writers
 * are told at each step what is restored and how; the files and the writer's
 * own state come back as they were. */
static void test_restore_original(void)
{
    static const struct component_ref components[] = { { &c_writer, L"CData" }, { &cxx_writer, L"CxxData" } };
    const char *c_args[] = { "--files", vol_arg("cdata"), "--state", vol_arg("cdata/state"), "--restore-method",
                             "if-can-replace", "--details", NULL };
    const char *x_args[] = { "--id", CXX_WRITER_ID, "--name", "Cxx Writer", "--files", vol_arg("cxxdata"),
                             "--details", NULL };
    IVssBackupComponents *backup;
    IVssBackupComponentsEx2 *ex2 = NULL;
    IVssAsync *async = NULL;
    VSS_WRITER_STATE state;
    HRESULT failure;
    char root[PATH_MAX];
    pid_t cpid, xpid;
    VSS_ID snap;
    BSTR xml;

    CU_ASSERT(mkdir(vol_path("cdata"), 0755) == 0 && mkdir(vol_path("cdata/db"), 0755) == 0);
    CU_ASSERT(mkdir(vol_path("cxxdata"), 0755) == 0);
    write_file(vol_path("cdata/state"), "generation 7\n");
    write_file(vol_path("cdata/db/main.db"), "rows 1 2 3\n");
    write_file(vol_path("cdata/notes.txt"), "notes\n");
    write_file(vol_path("cxxdata/x.db"), "x at backup\n");
    cpid = start_writer("test_writer_c", c_args);
    xpid = start_writer("test_writer_cxx", x_args);
    CU_ASSERT_FATAL(cpid > 0 && xpid > 0);

    xml = backup_components(components, 2, &snap);
    /* the writer stored its state in the document at PrepareBackup */
    CU_ASSERT(wcsstr(xml, L"state=generation 7") != NULL);

    /* the data goes bad after the backup */
    write_file(vol_path("cdata/state"), "generation 8\n");
    write_file(vol_path("cdata/db/main.db"), "corrupted\n");
    CU_ASSERT_EQUAL(unlink(vol_path("cdata/notes.txt")), 0);
    write_file(vol_path("cxxdata/x.db"), "x later\n");

    /* §1.7 steps 1-7 */
    backup = restore_from(xml);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE), S_OK);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, cxx_writer, VSS_CT_FILEGROUP, NULL, L"CxxData", FALSE),
          S_OK);
    ok_hr(IVssBackupComponents_AddRestoreSubcomponent(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", L"CData",
                                                      L"db", FALSE), S_OK);
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", L"replace-all"),
          S_OK);
    ok_hr(IVssBackupComponents_SetAdditionalRestores(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", FALSE), S_OK);
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx2, (void **)&ex2), S_OK);
    if (ex2)
    {
        ok_hr(IVssBackupComponentsEx2_SetAuthoritativeRestore(ex2, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE),
              S_OK);
        ok_hr(IVssBackupComponentsEx2_SetRollForward(ex2, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", VSS_RF_PARTIAL,
                                                     L"lsn-42"), S_OK);
        ok_hr(IVssBackupComponentsEx2_SetRestoreName(ex2, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", L"CData-restored"),
              S_OK);
        IVssBackupComponentsEx2_Release(ex2);
    }
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_BY_COPY), S_OK);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);

    /* each writer got PreRestore with its part of the document */
    CU_ASSERT(log_has("Umbra Test Writer PreRestore", "components=1", "selected=1", "restoretype=1", NULL));
    CU_ASSERT(log_has("Umbra Test Writer Component PreRestore", "name=\\CData", "selected=1", "additional=0",
                      "target=1", "options=replace-all", "backupmeta=state=generation 7", "subs=1 sub=CData\\db",
                      "auth=1", "roll=3", "rollpoint=lsn-42", "restorename=CData-restored", NULL));
    CU_ASSERT(log_has("Cxx Writer Component PreRestore", "name=\\CxxData", "selected=0", NULL));

    /* §1.7 steps 8-10 */
    snapshot_root(&snap, root, sizeof(root));
    CU_ASSERT_FATAL(root[0] != 0);
    CU_ASSERT_EQUAL(restore_files(backup, &c_writer, L"CData", root), VSS_RS_ALL);
    /* R28: the restore settings were for before PreRestore */
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", L"late"),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);

    /* the writer was told the files are back, and finds its state as it was */
    CU_ASSERT(log_has("Umbra Test Writer PostRestore", "selected=1", "restoretype=1", "state=generation 7", NULL));
    CU_ASSERT(log_has("Umbra Test Writer Component PostRestore", "name=\\CData", "selected=1", "status=2", NULL));
    CU_ASSERT(log_has("Cxx Writer Component PostRestore", "name=\\CxxData", "selected=0", NULL));
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Abort"), 0);

    /* §1.7 step 11: the writers are stable again */
    ok_hr(IVssBackupComponents_GatherWriterStatus(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(writer_status(backup, &c_writer, &state, &failure));
    CU_ASSERT_EQUAL(state, VSS_WS_STABLE);
    ok_hr(failure, S_OK);
    CU_ASSERT(writer_status(backup, &cxx_writer, &state, &failure));
    CU_ASSERT_EQUAL(state, VSS_WS_STABLE);
    /* R1: the object is spent */
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);
    SysFreeString(xml);

    /* the files as at backup time; the unselected component untouched */
    CU_ASSERT_STRING_EQUAL(content(vol_path("cdata/state")), "generation 7\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("cdata/db/main.db")), "rows 1 2 3\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("cdata/notes.txt")), "notes\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("cxxdata/x.db")), "x later\n");

    CU_ASSERT_EQUAL(wp_stop(cpid), 0);
    CU_ASSERT_EQUAL(wp_stop(xpid), 0);
}

/* §1.7 step 5 (AddNewTarget, AddAlternativeLocationMapping) and the
 * writer's side of where files go: its restore method, its alternate
 * location mappings and a restore target it sets in OnPreRestore. */
static void test_restore_elsewhere(void)
{
    static const struct component_ref components[] = { { &c_writer, L"CData" }, { &cxx_writer, L"CxxData" },
                                                       { &c2_writer, L"CData" } };
    /* always to its alternate location (VSS_RME_RESTORE_TO_ALTERNATE_LOCATION) */
    const char *c_args[] = { "--files", vol_arg("alt-a"), "--restore-method", "to-alternate", "--alt-location",
                             vol_arg("alt-a.restored"), "--details", NULL };
    /* where the requester says: a new target */
    const char *x_args[] = { "--id", CXX_WRITER_ID, "--name", "Cxx Writer", "--files", vol_arg("alt-x"), "--details",
                             NULL };
    /* in place if it can, but it decides at PreRestore to go elsewhere */
    const char *c2_args[] = { "--id", C2_WRITER_ID, "--name", "Second Writer", "--files", vol_arg("alt-b"),
                              "--restore-method", "if-not-there", "--alt-location", vol_arg("alt-b.restored"),
                              "--restore-target", "alternate", "--details", NULL };
    WCHAR path[PATH_MAX], target[PATH_MAX];
    IVssBackupComponents *backup;
    IVssAsync *async = NULL;
    char root[PATH_MAX], expect[PATH_MAX * 3];
    pid_t pids[3];
    VSS_ID snap;
    BSTR xml;
    int i;

    CU_ASSERT(!mkdir(vol_path("alt-a"), 0755) && !mkdir(vol_path("alt-a/sub"), 0755));
    CU_ASSERT(!mkdir(vol_path("alt-x"), 0755) && !mkdir(vol_path("alt-b"), 0755));
    write_file(vol_path("alt-a/one"), "a one\n");
    write_file(vol_path("alt-a/sub/two"), "a two\n");
    write_file(vol_path("alt-x/x.db"), "x db\n");
    write_file(vol_path("alt-x/x.log"), "x log, not a *.db\n");
    write_file(vol_path("alt-b/b"), "b\n");
    CU_ASSERT_FATAL((pids[0] = start_writer("test_writer_c", c_args)) > 0);
    CU_ASSERT_FATAL((pids[1] = start_writer("test_writer_cxx", x_args)) > 0);
    CU_ASSERT_FATAL((pids[2] = start_writer("test_writer_c", c2_args)) > 0);

    xml = backup_components(components, 3, &snap);
    write_file(vol_path("alt-a/one"), "a changed\n");
    write_file(vol_path("alt-x/x.db"), "x changed\n");
    write_file(vol_path("alt-b/b"), "b changed\n");

    backup = restore_from(xml);
    for (i = 0; i < 3; i++)
        ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, *components[i].writer, VSS_CT_FILEGROUP, NULL,
                                                         components[i].name, TRUE), S_OK);
    /* the C++ writer's databases go to a new directory (§2.3 row 31) */
    wide(path, vol_path("alt-x"));
    wide(target, vol_path("alt-x.new"));
    ok_hr(IVssBackupComponents_AddNewTarget(backup, cxx_writer, VSS_CT_FILEGROUP, NULL, L"CxxData", path, L"*.db",
                                            FALSE, target), S_OK);
    ok_hr(IVssBackupComponents_AddNewTarget(backup, cxx_writer, VSS_CT_FILEGROUP, NULL, L"NoSuchComponent", path,
                                            L"*.db", FALSE, target), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_UNDEFINED), S_OK);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);

    /* UNDEFINED is taken as BY_COPY (§1.7 step 6) */
    CU_ASSERT(log_has("Umbra Test Writer PreRestore", "restoretype=1", NULL));
    snprintf(expect, sizeof(expect), "newtargets=1 nt=%s|*.db|0|%s", vol_path("alt-x"), vol_path("alt-x.new"));
    CU_ASSERT(log_has("Cxx Writer Component PreRestore", "selected=1", expect, NULL));
    /* the second writer chose the alternate location; the requester sees it */
    CU_ASSERT(log_has("Second Writer Component PreRestore", "selected=1", "target=2", NULL));

    snapshot_root(&snap, root, sizeof(root));
    CU_ASSERT_FATAL(root[0] != 0);
    CU_ASSERT_EQUAL(restore_files(backup, &c_writer, L"CData", root), VSS_RS_ALL);
    CU_ASSERT_EQUAL(restore_files(backup, &cxx_writer, L"CxxData", root), VSS_RS_ALL);
    CU_ASSERT_EQUAL(restore_files(backup, &c2_writer, L"CData", root), VSS_RS_ALL);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);

    /* the writers learn where their files went */
    snprintf(expect, sizeof(expect), "mappings=1 map=%s|*|1|%s", vol_path("alt-a"), vol_path("alt-a.restored"));
    CU_ASSERT(log_has("Umbra Test Writer Component PostRestore", "status=2", expect, NULL));
    snprintf(expect, sizeof(expect), "mappings=1 map=%s|*|1|%s", vol_path("alt-b"), vol_path("alt-b.restored"));
    CU_ASSERT(log_has("Second Writer Component PostRestore", "target=2", "status=2", expect, NULL));
    CU_ASSERT(log_has("Cxx Writer Component PostRestore", "status=2", "mappings=0", NULL));
    IVssBackupComponents_Release(backup);
    SysFreeString(xml);

    /* restored where each writer and the requester said, the originals left as they are */
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-a.restored/one")), "a one\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-a.restored/sub/two")), "a two\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-a/one")), "a changed\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-x.new/x.db")), "x db\n");
    CU_ASSERT(access(vol_path("alt-x.new/x.log"), F_OK) < 0);
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-x/x.db")), "x changed\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-b.restored/b")), "b\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("alt-b/b")), "b changed\n");

    for (i = 0; i < 3; i++) CU_ASSERT_EQUAL(wp_stop(pids[i]), 0);
}

/* §1.4 slot 9 and §2.4 IVssComponent: a writer that fails PreRestore says why
 * in its component; the requester reads it back, and the writer's status. */
static void test_pre_restore_failure(void)
{
    static const struct component_ref components[] = { { &c_writer, L"CData" }, { &cxx_writer, L"CxxData" } };
    const char *c_args[] = { "--files", vol_arg("fail-c"), "--veto", "PreRestore", "--veto-hr", "800423f4",
                             "--failure-msg", "the database is in use", "--details", NULL };
    const char *x_args[] = { "--id", CXX_WRITER_ID, "--name", "Cxx Writer", "--files", vol_arg("fail-x"), "--ex",
                             "--veto", "PreRestore", "--app-message", "service will not stop", "--failure-msg",
                             "cannot stop the service", NULL };
    IVssBackupComponents *backup;
    IVssBackupComponentsEx3 *ex3 = NULL;
    IVssAsync *async = NULL;
    VSS_WRITER_STATE state;
    HRESULT failure, app_failure;
    UINT count = 0, i, j;
    VSS_ID snap, instance, writer;
    BSTR xml, name, message;
    int messages = 0;
    pid_t cpid, xpid;

    CU_ASSERT(!mkdir(vol_path("fail-c"), 0755) && !mkdir(vol_path("fail-x"), 0755));
    write_file(vol_path("fail-c/data"), "c\n");
    write_file(vol_path("fail-x/x.db"), "x\n");
    CU_ASSERT_FATAL((cpid = start_writer("test_writer_c", c_args)) > 0);
    CU_ASSERT_FATAL((xpid = start_writer("test_writer_cxx", x_args)) > 0);
    xml = backup_components(components, 2, &snap);

    backup = restore_from(xml);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE), S_OK);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, cxx_writer, VSS_CT_FILEGROUP, NULL, L"CxxData", TRUE),
          S_OK);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), S_OK);
    /* a writer's failure does not fail the event: the requester checks */
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(log_has("Umbra Test Writer veto", "PreRestore", NULL));

    /* the failure messages, through IVssComponentEx from GetWriterComponents */
    ok_hr(IVssBackupComponents_GetWriterComponentsCount(backup, &count), S_OK);
    CU_ASSERT_EQUAL(count, 2);
    for (i = 0; i < count; i++)
    {
        IVssWriterComponentsExt *wc = NULL;
        UINT n = 0;

        ok_hr(IVssBackupComponents_GetWriterComponents(backup, i, &wc), S_OK);
        if (!wc) continue;
        IVssWriterComponentsExt_GetWriterInfo(wc, &instance, &writer);
        IVssWriterComponentsExt_GetComponentCount(wc, &n);
        for (j = 0; j < n; j++)
        {
            IVssComponent *comp = NULL;
            IVssComponentEx *ex = NULL;
            BSTR msg = NULL;

            ok_hr(IVssWriterComponentsExt_GetComponent(wc, j, &comp), S_OK);
            if (!comp) continue;
            ok_hr(IVssComponent_QueryInterface(comp, &IID_IVssComponentEx, (void **)&ex), S_OK);
            if (ex)
            {
                ok_hr(IVssComponentEx_GetPreRestoreFailureMsg(ex, &msg), S_OK);
                CU_ASSERT(msg && !wcscmp(msg, IsEqualGUID(&writer, &c_writer) ? L"the database is in use"
                                                                               : L"cannot stop the service"));
                if (msg) messages++;
                SysFreeString(msg);
                IVssComponentEx_Release(ex);
            }
            IVssComponent_Release(comp);
        }
        IVssWriterComponentsExt_Release(wc);
    }
    CU_ASSERT_EQUAL(messages, 2);

    /* and the writers' status: failed at PreRestore, with their codes */
    ok_hr(IVssBackupComponents_GatherWriterStatus(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(writer_status(backup, &c_writer, &state, &failure));
    CU_ASSERT_EQUAL(state, VSS_WS_FAILED_AT_PRE_RESTORE);
    ok_hr(failure, VSS_E_WRITERERROR_NONRETRYABLE);
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx3, (void **)&ex3), S_OK);
    ok_hr(IVssBackupComponents_GetWriterStatusCount(backup, &count), S_OK);
    for (i = 0; ex3 && i < count; i++)
    {
        name = message = NULL;
        ok_hr(IVssBackupComponentsEx3_GetWriterStatusEx(ex3, i, &instance, &writer, &name, &state, &failure,
                                                        &app_failure, &message), S_OK);
        if (IsEqualGUID(&writer, &cxx_writer))
        {
            CU_ASSERT_EQUAL(state, VSS_WS_FAILED_AT_PRE_RESTORE);
            ok_hr(failure, VSS_E_WRITERERROR_RETRYABLE);
            CU_ASSERT(message && !wcscmp(message, L"service will not stop"));
        }
        SysFreeString(name);
        SysFreeString(message);
    }
    if (ex3) IVssBackupComponentsEx3_Release(ex3);

    /* nothing was restored; PostRestore goes to the writers that did not fail */
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", VSS_RS_NONE),
          S_OK);
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, cxx_writer, VSS_CT_FILEGROUP, NULL, L"CxxData",
                                                    VSS_RS_NONE), S_OK);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer PostRestore"), 0);
    CU_ASSERT_EQUAL(log_count("Cxx Writer PostRestore"), 0);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Abort"), 0);   /* never Abort in a restore (§1.6) */
    IVssBackupComponents_Release(backup);
    SysFreeString(xml);
    CU_ASSERT_EQUAL(wp_stop(cpid), 0);
    CU_ASSERT_EQUAL(wp_stop(xpid), 0);
}

/* R26-R28 and R25: what may be selected and set, and when. */
static void test_selection_rules(void)
{
    static const struct component_ref components[] = { { &c_writer, L"CData" } };
    const char *c_args[] = { "--files", vol_arg("rules"), NULL };
    IVssBackupComponents *backup;
    IVssBackupComponentsEx *ex = NULL;
    IVssAsync *async = NULL;
    VSS_ID snap, instance, unknown = { 0x0badc0de, 1, 2, { 3, 4, 5, 6, 7, 8, 9, 10 } };
    BSTR xml, bad;
    pid_t cpid;

    CU_ASSERT(!mkdir(vol_path("rules"), 0755));
    write_file(vol_path("rules/data"), "r\n");
    CU_ASSERT_FATAL((cpid = start_writer("test_writer_c", c_args)) > 0);
    xml = backup_components(components, 1, &snap);

    backup = restore_from(xml);
    CU_ASSERT(find_instance(backup, &c_writer, &instance));
    /* R26: a component that is not in the document */
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"NotInTheBCD", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, L"some\\path", L"CData",
                                                     TRUE), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_DATABASE, NULL, L"CData", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, unknown, VSS_CT_FILEGROUP, NULL, L"CData", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx, (void **)&ex), S_OK);
    if (ex)
    {
        ok_hr(IVssBackupComponentsEx_SetSelectedForRestoreEx(ex, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE,
                                                             unknown), VSS_E_OBJECT_NOT_FOUND);
        ok_hr(IVssBackupComponentsEx_SetSelectedForRestoreEx(ex, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", FALSE,
                                                             instance), S_OK);
        IVssBackupComponentsEx_Release(ex);
    }
    /* R27: the parent is selected first */
    ok_hr(IVssBackupComponents_AddRestoreSubcomponent(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", L"CData",
                                                      L"part", FALSE), VSS_E_OBJECT_NOT_FOUND);
    /* the other setters find no component the document lacks */
    ok_hr(IVssBackupComponents_SetRestoreOptions(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"NotInTheBCD", L"x"),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssBackupComponents_SetAdditionalRestores(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"NotInTheBCD", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    /* R28: the file restore status belongs after PreRestore; PostRestore after PreRestore */
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", VSS_RS_ALL),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), VSS_E_BAD_STATE);
    /* R25: backup methods in a restore */
    ok_hr(IVssBackupComponents_SetBackupState(backup, TRUE, FALSE, VSS_BT_FULL, FALSE), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance, c_writer, VSS_CT_FILEGROUP, NULL, L"More"),
          VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    /* §1.7 step 3: GatherWriterStatus instead of GatherWriterMetadata tells
     * which writers run (and Identify reaches them, §1.4 slot 1) */
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForRestore(backup, xml), S_OK);
    ok_hr(IVssBackupComponents_GatherWriterStatus(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE), S_OK);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(log_has("Umbra Test Writer PreRestore", "components=1", "selected=1", NULL));
    ok_hr(IVssBackupComponents_SetFileRestoreStatus(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", VSS_RS_NONE),
          S_OK);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(log_has("Umbra Test Writer PostRestore", "components=1", "selected=1", NULL));
    IVssBackupComponents_Release(backup);

    /* R26: a component whose writer does not run any more */
    CU_ASSERT_EQUAL(wp_stop(cpid), 0);
    backup = restore_from(xml);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE),
          VSS_E_OBJECT_NOT_FOUND);
    IVssBackupComponents_Release(backup);

    /* R25: restore methods in a backup */
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetSelectedForRestore(backup, c_writer, VSS_CT_FILEGROUP, NULL, L"CData", TRUE),
          VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_SetRestoreState(backup, VSS_RTYPE_BY_COPY), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PreRestore(backup, &async), VSS_E_BAD_STATE);
    ok_hr(IVssBackupComponents_PostRestore(backup, &async), VSS_E_BAD_STATE);
    IVssBackupComponents_Release(backup);

    /* §1.7 step 2: a document that cannot be loaded */
    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    bad = SysAllocString(L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\"><WRITER_COMPONENTS");
    ok_hr(IVssBackupComponents_InitializeForRestore(backup, bad), VSS_E_INVALID_XML_DOCUMENT);
    SysFreeString(bad);
    IVssBackupComponents_Release(backup);
    SysFreeString(xml);
}

/* diskshadow's BEGIN RESTORE and END RESTORE (VSS-FACTS.md §6.2) on the real
 * volume: a backup script saves the metadata, a restore script loads it,
 * exposes the shadow copy, copies the data back in an EXEC step between
 * PreRestore and PostRestore. */
static void test_diskshadow(void)
{
    const char *c_args[] = { "--files", vol_arg("ds"), "--details", NULL };
    char cab[PATH_MAX], script[PATH_MAX], copy_script[PATH_MAX], exposed[PATH_MAX];
    char text[16384], out[65536];
    char *argv[] = { (char *)umbra_prog("diskshadow"), (char *)"-s", script, NULL };
    int status;
    pid_t cpid;

    CU_ASSERT(!mkdir(vol_path("ds"), 0755));
    write_file(vol_path("ds/table"), "table at backup\n");
    write_file(vol_path("ds/index"), "index at backup\n");
    CU_ASSERT_FATAL((cpid = start_writer("test_writer_c", c_args)) > 0);
    snprintf(cab, sizeof(cab), "%s/restore.cab", tmp_dir);
    snprintf(script, sizeof(script), "%s/backup.dsh", tmp_dir);
    snprintf(text, sizeof(text),
             "set context persistent\n"
             "set metadata %s\n"
             "begin backup\n"
             "add volume %s/ alias dsvol\n"
             "create\n"
             "end backup\n"
             "exit\n",
             cab, btrfs->mnt);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(script, text), 0);
    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("diskshadow (backup):\n%s\n", out);
    CU_ASSERT_EQUAL_FATAL(status, 0);
    CU_ASSERT(log_has("Umbra Test Writer PrepareBackup", "components=1", NULL));
    CU_ASSERT(log_has("Umbra Test Writer BackupComplete", NULL));

    write_file(vol_path("ds/table"), "table damaged\n");
    CU_ASSERT_EQUAL(unlink(vol_path("ds/index")), 0);

    snprintf(exposed, sizeof(exposed), "%s/exposed", tmp_dir);
    snprintf(copy_script, sizeof(copy_script), "%s/copy-back.sh", tmp_dir);
    snprintf(text, sizeof(text), "#!/bin/sh\nset -e\ncp -a '%s/ds/.' '%s/'\n", exposed, vol_path("ds"));
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(copy_script, text), 0);
    chmod(copy_script, 0755);
    snprintf(script, sizeof(script), "%s/restore.dsh", tmp_dir);
    snprintf(text, sizeof(text),
             "# restore the writer's data from the shadow copy of the backup\n"
             "set context persistent\n"
             "load metadata %s\n"
             "begin restore\n"
             "expose %%dsvol%% %s\n"
             "exec %s\n"
             "unexpose %%dsvol%%\n"
             "end restore\n"
             "delete shadows id %%dsvol%%\n"
             "exit\n",
             cab, exposed, copy_script);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(script, text), 0);
    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("diskshadow (restore):\n%s\n", out);
    CU_ASSERT_EQUAL(status, 0);

    /* the writer was told, with its component selected, before and after the copy */
    CU_ASSERT(log_has("Umbra Test Writer PreRestore", "components=1", "selected=1", "restoretype=1", NULL));
    CU_ASSERT(log_has("Umbra Test Writer Component PreRestore", "name=\\CData", "selected=1", NULL));
    CU_ASSERT(log_has("Umbra Test Writer PostRestore", "components=1", "selected=1", NULL));
    CU_ASSERT_STRING_EQUAL(content(vol_path("ds/table")), "table at backup\n");
    CU_ASSERT_STRING_EQUAL(content(vol_path("ds/index")), "index at backup\n");
    CU_ASSERT_EQUAL(wp_stop(cpid), 0);
}

/* --- suite ------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[PATH_MAX];

    if (umbra_require_root()) return -1;
    snprintf(tmp_dir, sizeof(tmp_dir), "%s", tmp);
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    if (!fsfixture_tools_available("btrfs"))
    {
        fprintf(stderr, "mkfs.btrfs or losetup missing (tools/install-deps)\n");
        return -1;
    }
    if (!(btrfs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

/* Each test: a fresh writer log. */
static void next_log(void)
{
    static int n;

    snprintf(log_path, sizeof(log_path), "%s/writers-%d.log", tmp_dir, ++n);
    arg_count = 0;
    unlink(log_path);
}

static int suite_cleanup(void)
{
    snapshots_delete_all();
    fsfixture_destroy(btrfs);
    CoUninitialize();
    return 0;
}

#define WITH_LOG(fn) static void fn##_logged(void) { next_log(); fn(); snapshots_delete_all(); }
WITH_LOG(test_restore_original)
WITH_LOG(test_restore_elsewhere)
WITH_LOG(test_pre_restore_failure)
WITH_LOG(test_selection_rules)
WITH_LOG(test_diskshadow)

static CU_TestInfo restore_tests[] =
{
    { "restore in place with the writers told at each step (§1.7)", test_restore_original_logged },
    { "restore to a new target and alternate locations (§1.7)", test_restore_elsewhere_logged },
    { "a writer fails PreRestore with a message (§1.4)", test_pre_restore_failure_logged },
    { "selections the document does not allow (R25-R28)", test_selection_rules_logged },
    { "diskshadow begin restore / end restore", test_diskshadow_logged },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(restore, suite_init, suite_cleanup, restore_tests);
