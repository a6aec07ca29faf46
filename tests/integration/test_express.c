/*
 * test_express.c: express writers (issue 11): CreateVssExpressWriter,
 * IVssExpressWriter and IVssCreateExpressWriterMetadata with Microsoft's
 * rules and return codes (VSS-FACTS.md §2.2 for the IIDs and the export), the
 * express writer metadata store under $VSS_STATE_DIR, and requesters seeing
 * registered writers like any other:
 *
 *  - a writer registered by one process is listed, with its components and
 *    files, by requesters in other processes after the first has exited;
 *  - a whole backup with an express writer's component: the coordinator
 *    answers its events, GatherWriterStatus reports its states (§1.2 steps
 *    12, 14, 19; §1.4 state values);
 *  - Unregister and DisableWriterClasses hide it; diskshadow lists it;
 *  - a crash at every I/O step of Register leaves no registration or a whole
 *    one, and no temporary file once the store is used again; damaged store
 *    files are skipped, never fatal.
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "dlls/vssapi/express.h"
#include "lib/fsfixture.h"

#define ok_hr(expr, expected) do { \
        HRESULT hr_ = (expr); \
        if (hr_ != (HRESULT)(expected)) \
            printf("%s:%d: %s: got %#x, expected %#x\n", __FILE__, __LINE__, #expr, (unsigned int)hr_, \
                   (unsigned int)(expected)); \
        CU_ASSERT_EQUAL(hr_, (HRESULT)(expected)); \
    } while (0)

/* In a forked child: say which check failed and exit non-zero. */
#define child_check(cond) do { \
        if (!(cond)) { fprintf(stderr, "%s:%d: child: %s failed\n", __FILE__, __LINE__, #cond); _exit(1); } \
    } while (0)

static const GUID express_id = { 0x3f2d9a41, 0x6c0e, 0x4b7a, { 0x9d, 0x12, 0x5e, 0x44, 0x0a, 0x71, 0x2c, 0x01 } };
static const GUID other_id = { 0x3f2d9a41, 0x6c0e, 0x4b7a, { 0x9d, 0x12, 0x5e, 0x44, 0x0a, 0x71, 0x2c, 0x02 } };
static const GUID crash_id = { 0x3f2d9a41, 0x6c0e, 0x4b7a, { 0x9d, 0x12, 0x5e, 0x44, 0x0a, 0x71, 0x2c, 0x03 } };

static char data_dir[4096], store[4096];
static WCHAR data_vol[4096], data_path[4096];

static HRESULT wait_for(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    if (!async) return E_POINTER;
    if (FAILED(IVssAsync_Wait(async, INFINITE)) || FAILED(IVssAsync_QueryStatus(async, &status, NULL)))
        status = E_FAIL;
    IVssAsync_Release(async);
    return status;
}

/* An express writer with one file group, "data", holding data_dir's files. */
static HRESULT register_writer(const GUID *id, const WCHAR *name)
{
    IVssCreateExpressWriterMetadata *metadata = NULL;
    IVssExpressWriter *writer = NULL;
    HRESULT hr;

    if (FAILED(hr = CreateVssExpressWriter(&writer))) return hr;
    if (SUCCEEDED(hr = IVssExpressWriter_CreateMetadata(writer, *id, name, VSS_UT_USERDATA, 2, 1, 0, &metadata))
        && SUCCEEDED(hr = IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"data",
                                                                       L"Data files", NULL, 0, false, false, true,
                                                                       false, 0))
        && SUCCEEDED(hr = IVssCreateExpressWriterMetadata_AddFilesToFileGroup(metadata, NULL, L"data", data_path,
                                                                              L"*", true, NULL,
                                                                              VSS_FSBT_ALL_BACKUP_REQUIRED
                                                                              | VSS_FSBT_ALL_SNAPSHOT_REQUIRED))
        && SUCCEEDED(hr = IVssCreateExpressWriterMetadata_AddExcludeFiles(metadata, data_path, L"*.tmp", false))
        && SUCCEEDED(hr = IVssCreateExpressWriterMetadata_SetRestoreMethod(metadata, VSS_RME_RESTORE_IF_CAN_REPLACE,
                                                                           NULL, NULL, VSS_WRE_NEVER, false)))
        hr = IVssExpressWriter_Register(writer);
    if (metadata) IVssCreateExpressWriterMetadata_Release(metadata);
    IVssExpressWriter_Release(writer);
    return hr;
}

static HRESULT unregister_writer(const GUID *id)
{
    IVssExpressWriter *writer = NULL;
    HRESULT hr;

    if (FAILED(hr = CreateVssExpressWriter(&writer))) return hr;
    hr = IVssExpressWriter_Unregister(writer, *id);
    IVssExpressWriter_Release(writer);
    return hr;
}

/* The index of the writer with class id among the gathered metadata, or -1. */
static int find_writer(IVssBackupComponents *backup, const GUID *id, VSS_ID *instance, IVssExamineWriterMetadata **md)
{
    UINT count = 0, i;

    *md = NULL;
    if (FAILED(IVssBackupComponents_GetWriterMetadataCount(backup, &count))) return -1;
    for (i = 0; i < count; i++)
    {
        IVssExamineWriterMetadata *m = NULL;
        VSS_ID inst, writer;
        VSS_USAGE_TYPE usage;
        VSS_SOURCE_TYPE source;
        BSTR name = NULL;

        if (FAILED(IVssBackupComponents_GetWriterMetadata(backup, i, instance, &m))) continue;
        if (SUCCEEDED(IVssExamineWriterMetadata_GetIdentity(m, &inst, &writer, &name, &usage, &source))
            && IsEqualGUID(&writer, id))
        {
            SysFreeString(name);
            *md = m;
            return i;
        }
        SysFreeString(name);
        IVssExamineWriterMetadata_Release(m);
    }
    return -1;
}

static IVssBackupComponents *gathered_backup(void)
{
    IVssBackupComponents *backup = NULL;
    IVssAsync *async = NULL;

    if (FAILED(CreateVssBackupComponents(&backup))) return NULL;
    if (FAILED(IVssBackupComponents_InitializeForBackup(backup, NULL))
        || FAILED(IVssBackupComponents_GatherWriterMetadata(backup, &async)) || wait_for(async) != VSS_S_ASYNC_FINISHED)
    {
        IVssBackupComponents_Release(backup);
        return NULL;
    }
    return backup;
}

/* What a requester must see of the writer register_writer() made: 0 or the
 * number of the first check that failed. */
static int check_listed(IVssBackupComponents *backup)
{
    IVssExamineWriterMetadata *md = NULL;
    IVssWMComponent *component = NULL;
    IVssWMFiledesc *file = NULL;
    PVSSCOMPONENTINFO info = NULL;
    VSS_ID instance, inst, writer;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    BSTR name = NULL, path = NULL, spec = NULL;
    UINT includes, excludes, components;
    int ret = 0;

    if (find_writer(backup, &express_id, &instance, &md) < 0) return 1;
    if (FAILED(IVssExamineWriterMetadata_GetIdentity(md, &inst, &writer, &name, &usage, &source))) ret = 2;
    else if (wcscmp(name, L"Umbra Express Test Writer") || usage != VSS_UT_USERDATA || !IsEqualGUID(&inst, &instance))
        ret = 3;
    else if (FAILED(IVssExamineWriterMetadata_GetFileCounts(md, &includes, &excludes, &components))
             || components != 1 || excludes != 1)
        ret = 4;
    else if (FAILED(IVssExamineWriterMetadata_GetComponent(md, 0, &component))
             || FAILED(IVssWMComponent_GetComponentInfo(component, &info)))
        ret = 5;
    else if (info->type != VSS_CT_FILEGROUP || wcscmp(info->bstrComponentName, L"data")
             || wcscmp(info->bstrCaption, L"Data files") || info->cFileCount != 1 || !info->bSelectable
             || info->bRestoreMetadata || info->bNotifyOnBackupComplete)
        ret = 6;
    else if (FAILED(IVssWMComponent_GetFile(component, 0, &file)) || FAILED(IVssWMFiledesc_GetPath(file, &path))
             || FAILED(IVssWMFiledesc_GetFilespec(file, &spec)))
        ret = 7;
    else if (wcscmp(path, data_path) || wcscmp(spec, L"*"))
        ret = 8;
    if (info) IVssWMComponent_FreeComponentInfo(component, info);
    if (file) IVssWMFiledesc_Release(file);
    if (component) IVssWMComponent_Release(component);
    SysFreeString(name);
    SysFreeString(path);
    SysFreeString(spec);
    IVssExamineWriterMetadata_Release(md);
    return ret;
}

/* The state GatherWriterStatus gives the express writer, or -1. */
static int express_state(IVssBackupComponents *backup, HRESULT *failure)
{
    IVssAsync *async = NULL;
    UINT count = 0, i;
    int state = -1;

    if (FAILED(IVssBackupComponents_GatherWriterStatus(backup, &async)) || wait_for(async) != VSS_S_ASYNC_FINISHED)
        return -1;
    if (FAILED(IVssBackupComponents_GetWriterStatusCount(backup, &count))) return -1;
    for (i = 0; i < count; i++)
    {
        VSS_ID instance, writer;
        VSS_WRITER_STATE st;
        BSTR name = NULL;
        HRESULT hr;

        if (FAILED(IVssBackupComponents_GetWriterStatus(backup, i, &instance, &writer, &name, &st, &hr))) continue;
        SysFreeString(name);
        if (IsEqualGUID(&writer, &express_id))
        {
            state = st;
            if (failure) *failure = hr;
        }
    }
    IVssBackupComponents_FreeWriterStatus(backup);
    return state;
}

/* s with every from replaced by to (malloc'd). */
static WCHAR *replace_all(const WCHAR *s, const WCHAR *from, const WCHAR *to)
{
    size_t fl = wcslen(from), tl = wcslen(to), n = 0;
    const WCHAR *p;
    WCHAR *out, *q;

    for (p = s; (p = wcsstr(p, from)); p += fl) n++;
    if (!(out = malloc((wcslen(s) + n * tl + 1) * sizeof(WCHAR)))) return NULL;
    for (q = out; *s;)
    {
        if (!wcsncmp(s, from, fl))
        {
            wmemcpy(q, to, tl);
            q += tl;
            s += fl;
        }
        else *q++ = *s++;
    }
    *q = 0;
    return out;
}

static pid_t run_child(int (*fn)(void))
{
    pid_t pid = fork();

    if (!pid) _exit(fn());
    return pid;
}

static int child_status(pid_t pid)
{
    int status = -1;

    if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- the interfaces --------------------------------------------------------------- */

static void test_create(void)
{
    IVssCreateExpressWriterMetadata *metadata = (void *)0xdeadbeef;
    IVssExpressWriter *writer = NULL;
    IUnknown *unknown = NULL;

    /* VSS-FACTS.md §2.2: the export and its IIDs */
    ok_hr(CreateVssExpressWriterInternal(NULL), E_INVALIDARG);
    ok_hr(CreateVssExpressWriter(&writer), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(writer);
    ok_hr(IVssExpressWriter_QueryInterface(writer, &IID_IUnknown, (void **)&unknown), S_OK);
    CU_ASSERT_PTR_EQUAL(unknown, writer);
    IUnknown_Release(unknown);
    ok_hr(IVssExpressWriter_QueryInterface(writer, &IID_IVssExpressWriter, (void **)&unknown), S_OK);
    IUnknown_Release(unknown);
    ok_hr(IVssExpressWriter_QueryInterface(writer, &IID_IVssBackupComponents, (void **)&unknown), E_NOINTERFACE);
    CU_ASSERT_PTR_NULL(unknown);

    /* CreateMetadata: a class id, a name, and one of the three usage types */
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"x", VSS_UT_USERDATA, 1, 0, 0, NULL), E_INVALIDARG);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, GUID_NULL, L"x", VSS_UT_USERDATA, 1, 0, 0, &metadata),
          E_INVALIDARG);
    CU_ASSERT_PTR_NULL(metadata);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, NULL, VSS_UT_USERDATA, 1, 0, 0, &metadata),
          E_INVALIDARG);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"", VSS_UT_USERDATA, 1, 0, 0, &metadata),
          E_INVALIDARG);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"x", VSS_UT_OTHER, 1, 0, 0, &metadata), E_INVALIDARG);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"x", VSS_UT_UNDEFINED, 1, 0, 0, &metadata),
          E_INVALIDARG);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"x", (VSS_USAGE_TYPE)77, 1, 0, 0, &metadata),
          E_INVALIDARG);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"x", VSS_UT_BOOTABLESYSTEMSTATE, 1, 0, 0, &metadata),
          S_OK);
    IVssCreateExpressWriterMetadata_Release(metadata);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, express_id, L"x", VSS_UT_SYSTEMSERVICE, 1, 0, 0, &metadata), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_QueryInterface(metadata, &IID_IVssCreateExpressWriterMetadata,
                                                         (void **)&unknown), S_OK);
    IUnknown_Release(unknown);
    IVssCreateExpressWriterMetadata_Release(metadata);
    CU_ASSERT_EQUAL(IVssExpressWriter_Release(writer), 0);
}

static void test_metadata_rules(void)
{
    IVssCreateExpressWriterMetadata *metadata = NULL;
    IVssExpressWriter *writer = NULL;
    BSTR xml = NULL;

    ok_hr(CreateVssExpressWriter(&writer), S_OK);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, other_id, L"Rules", VSS_UT_USERDATA, 1, 0, 0, &metadata), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(metadata);
    /* AddComponent: file groups only, bRestoreMetadata and bNotifyOnBackupComplete
     * false, no VSS_CF_APP_ROLLBACK_RECOVERY */
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_DATABASE, NULL, L"db", NULL, NULL, 0, false,
                                                       false, true, false, 0), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"g", NULL, NULL, 0, true,
                                                       false, true, false, 0), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"g", NULL, NULL, 0, false,
                                                       true, true, false, 0), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"g", NULL, NULL, 0, false,
                                                       false, true, false, VSS_CF_APP_ROLLBACK_RECOVERY), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, NULL, NULL, NULL, 0, false,
                                                       false, true, false, 0), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, L"logs", L"g", L"Group", NULL, 0,
                                                       false, false, true, true, VSS_CF_BACKUP_RECOVERY), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, L"logs", L"g", L"Group", NULL, 0,
                                                       false, false, true, true, 0), VSS_E_OBJECT_ALREADY_EXISTS);
    /* files go to a component that exists */
    ok_hr(IVssCreateExpressWriterMetadata_AddFilesToFileGroup(metadata, L"logs", L"nope", L"/var/log", L"*", false,
                                                              NULL, 0xf0f), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssCreateExpressWriterMetadata_AddFilesToFileGroup(metadata, L"logs", L"g", NULL, L"*", false, NULL, 0xf0f),
          E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddFilesToFileGroup(metadata, L"logs", L"g", L"/var/log", L"*.log", true,
                                                              NULL, 0xf0f), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_AddExcludeFiles(metadata, NULL, L"*", false), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_AddExcludeFiles(metadata, L"/var/log", L"*.gz", false), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponentDependency(metadata, L"logs", L"nope", express_id, NULL, L"data"),
          VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponentDependency(metadata, L"logs", L"g", express_id, NULL, L"data"),
          S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_SetRestoreMethod(metadata, (VSS_RESTOREMETHOD_ENUM)99, NULL, NULL,
                                                           VSS_WRE_NEVER, false), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_SetRestoreMethod(metadata, VSS_RME_RESTORE_IF_NOT_THERE, NULL, NULL,
                                                           VSS_WRE_NEVER, false), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_SetBackupSchema(metadata, VSS_BS_DIFFERENTIAL | VSS_BS_INCREMENTAL), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_SaveAsXML(metadata, NULL), E_INVALIDARG);
    ok_hr(IVssCreateExpressWriterMetadata_SaveAsXML(metadata, &xml), S_OK);
    CU_ASSERT_PTR_NOT_NULL(xml && wcsstr(xml, L"Rules") ? xml : NULL);
    CU_ASSERT_PTR_NOT_NULL(xml && wcsstr(xml, L"*.log") ? xml : NULL);
    SysFreeString(xml);
    IVssCreateExpressWriterMetadata_Release(metadata);
    IVssExpressWriter_Release(writer);
}

static void test_register_rules(void)
{
    IVssCreateExpressWriterMetadata *metadata = NULL;
    IVssExpressWriter *writer = NULL;
    char path[4096], *text;

    ok_hr(CreateVssExpressWriter(&writer), S_OK);
    /* Register needs metadata first */
    ok_hr(IVssExpressWriter_Register(writer), VSS_E_BAD_STATE);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, other_id, L"Other", VSS_UT_SYSTEMSERVICE, 1, 0, 0, &metadata), S_OK);
    ok_hr(IVssExpressWriter_Register(writer), S_OK);
    snprintf(path, sizeof(path), "%s/3f2d9a41-6c0e-4b7a-9d12-5e440a712c02.xml", store);
    CU_ASSERT_EQUAL(access(path, R_OK), 0);
    /* "Metadata has already been stored for this writer" */
    ok_hr(IVssExpressWriter_Register(writer), VSS_E_OBJECT_ALREADY_EXISTS);
    ok_hr(IVssExpressWriter_Unregister(writer, other_id), S_OK);
    CU_ASSERT(access(path, F_OK) < 0);
    /* "The writerId parameter specified a writer that does not exist" */
    ok_hr(IVssExpressWriter_Unregister(writer, other_id), VSS_E_OBJECT_NOT_FOUND);
    ok_hr(IVssExpressWriter_Unregister(writer, GUID_NULL), VSS_E_OBJECT_NOT_FOUND);
    /* what Register stores is the document as it stands then */
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"late", NULL, NULL, 0, false,
                                                       false, true, false, 0), S_OK);
    ok_hr(IVssExpressWriter_Register(writer), S_OK);
    text = fsfixture_read_file(path);
    CU_ASSERT_PTR_NOT_NULL(text && strstr(text, "late") ? text : NULL);
    free(text);
    ok_hr(IVssExpressWriter_Unregister(writer, other_id), S_OK);
    IVssCreateExpressWriterMetadata_Release(metadata);
    IVssExpressWriter_Release(writer);
}

static void test_load_metadata(void)
{
    IVssCreateExpressWriterMetadata *metadata = NULL;
    IVssExpressWriter *writer = NULL, *loader = NULL;
    struct express_entry *entries = NULL;
    size_t count = 0;
    BSTR xml = NULL;
    WCHAR *bad;

    ok_hr(CreateVssExpressWriter(&writer), S_OK);
    ok_hr(IVssExpressWriter_CreateMetadata(writer, other_id, L"Loaded", VSS_UT_USERDATA, 3, 2, 0, &metadata), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"files", NULL, NULL, 0,
                                                       false, false, true, false, 0), S_OK);
    ok_hr(IVssCreateExpressWriterMetadata_SaveAsXML(metadata, &xml), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);

    ok_hr(CreateVssExpressWriter(&loader), S_OK);
    ok_hr(IVssExpressWriter_LoadMetadata(loader, NULL, 0), E_INVALIDARG);
    ok_hr(IVssExpressWriter_LoadMetadata(loader, L"not a document", 0), VSS_E_INVALID_XML_DOCUMENT);
    ok_hr(IVssExpressWriter_LoadMetadata(loader, L"<WRITER_METADATA", 0), VSS_E_INVALID_XML_DOCUMENT);
    /* documents an express writer may not have: a database component, a
     * component with restore metadata, a usage type it may not take */
    bad = replace_all(xml, L"FILE_GROUP", L"DATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT(wcsstr(bad, L"<DATABASE") != NULL);
    ok_hr(IVssExpressWriter_LoadMetadata(loader, bad, 0), VSS_E_INVALID_XML_DOCUMENT);
    free(bad);
    bad = replace_all(xml, L"restoreMetadata=\"no\"", L"restoreMetadata=\"yes\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT(wcscmp(bad, xml) != 0);
    ok_hr(IVssExpressWriter_LoadMetadata(loader, bad, 0), VSS_E_INVALID_XML_DOCUMENT);
    free(bad);
    bad = replace_all(xml, L"usage=\"USER_DATA\"", L"usage=\"OTHER\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT(wcscmp(bad, xml) != 0);
    ok_hr(IVssExpressWriter_LoadMetadata(loader, bad, 0), VSS_E_INVALID_XML_DOCUMENT);
    free(bad);
    ok_hr(IVssExpressWriter_Register(loader), VSS_E_BAD_STATE);
    /* a good one registers as it is */
    ok_hr(IVssExpressWriter_LoadMetadata(loader, xml, 0), S_OK);
    ok_hr(IVssExpressWriter_Register(loader), S_OK);
    ok_hr(IVssExpressWriter_Register(writer), VSS_E_OBJECT_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(express_store_list(&entries, &count), 0);
    CU_ASSERT_EQUAL(count, 1);
    if (count == 1)
    {
        CU_ASSERT(IsEqualGUID(&entries[0].writer_id, &other_id));
        CU_ASSERT_STRING_EQUAL(entries[0].name, "Loaded");
        CU_ASSERT_EQUAL(entries[0].usage, VSS_UT_USERDATA);
        CU_ASSERT_PTR_NOT_NULL(strstr(entries[0].wmd, "files"));
    }
    express_store_free(entries, count);
    ok_hr(IVssExpressWriter_Unregister(loader, other_id), S_OK);
    SysFreeString(xml);
    IVssCreateExpressWriterMetadata_Release(metadata);
    IVssExpressWriter_Release(writer);
    IVssExpressWriter_Release(loader);
}

/* --- seen by requesters -------------------------------------------------------------- */

static int child_register(void)
{
    child_check(SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED)));
    child_check(register_writer(&express_id, L"Umbra Express Test Writer") == S_OK);
    CoUninitialize();
    return 0;
}

static int child_register_again(void)
{
    child_check(register_writer(&express_id, L"Umbra Express Test Writer") == VSS_E_OBJECT_ALREADY_EXISTS);
    return 0;
}

static int child_requester(void)
{
    IVssBackupComponents *backup;
    int ret;

    child_check(SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED)));
    child_check((backup = gathered_backup()) != NULL);
    if ((ret = check_listed(backup)))
    {
        fprintf(stderr, "child: check_listed failed at step %d\n", ret);
        _exit(10 + ret);
    }
    child_check(express_state(backup, NULL) == VSS_WS_STABLE);
    IVssBackupComponents_Release(backup);
    CoUninitialize();
    return 0;
}

/* Issue 11: registered by one process, seen with its components by a
 * requester in another, after the first exited; and again by a new one. */
static void test_other_processes(void)
{
    CU_ASSERT_EQUAL(child_status(run_child(child_register)), 0);
    CU_ASSERT_EQUAL(child_status(run_child(child_requester)), 0);
    CU_ASSERT_EQUAL(child_status(run_child(child_requester)), 0);
    /* and a second registration of the class from yet another process fails */
    CU_ASSERT_EQUAL(child_status(run_child(child_register_again)), 0);
}

/* A backup with the express writer's component (§1.2): the coordinator answers
 * its events; its status follows the sequence (§1.4 states). */
static void test_backup(void)
{
    IVssBackupComponents *backup = NULL;
    IVssExamineWriterMetadata *md = NULL;
    IVssAsync *async = NULL;
    VSS_ID instance, set, snap;
    HRESULT failure = E_FAIL;
    BSTR xml = NULL;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_SetBackupState(backup, true, false, VSS_BT_FULL, false), S_OK);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(check_listed(backup), 0);
    CU_ASSERT_FATAL(find_writer(backup, &express_id, &instance, &md) >= 0);
    IVssExamineWriterMetadata_Release(md);
    /* an express writer has no process: its instance is its class (express.c) */
    CU_ASSERT(IsEqualGUID(&instance, &express_id));
    CU_ASSERT_EQUAL(express_state(backup, &failure), VSS_WS_STABLE);
    ok_hr(failure, S_OK);

    ok_hr(IVssBackupComponents_StartSnapshotSet(backup, &set), S_OK);
    ok_hr(IVssBackupComponents_AddToSnapshotSet(backup, data_vol, GUID_NULL, &snap), S_OK);
    ok_hr(IVssBackupComponents_AddComponent(backup, instance, express_id, VSS_CT_FILEGROUP, NULL, L"data"), S_OK);
    ok_hr(IVssBackupComponents_PrepareForBackup(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT_EQUAL(express_state(backup, NULL), VSS_WS_STABLE);
    ok_hr(IVssBackupComponents_DoSnapshotSet(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    /* §1.2 step 14: every writer waits for BackupComplete */
    CU_ASSERT_EQUAL(express_state(backup, &failure), VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    ok_hr(failure, S_OK);
    ok_hr(IVssBackupComponents_SetBackupSucceeded(backup, instance, express_id, VSS_CT_FILEGROUP, NULL, L"data", true),
          S_OK);
    ok_hr(IVssBackupComponents_SaveAsXML(backup, &xml), S_OK);
    CU_ASSERT_PTR_NOT_NULL(xml && wcsstr(xml, L"3f2d9a41-6c0e-4b7a-9d12-5e440a712c01") ? xml : NULL);
    SysFreeString(xml);
    ok_hr(IVssBackupComponents_BackupComplete(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    /* §1.2 step 19 */
    CU_ASSERT_EQUAL(express_state(backup, NULL), VSS_WS_STABLE);
    IVssBackupComponents_Release(backup);
}

static void test_disabled_class(void)
{
    IVssBackupComponents *backup = NULL;
    IVssExamineWriterMetadata *md = NULL;
    IVssAsync *async = NULL;
    VSS_ID instance;

    ok_hr(CreateVssBackupComponents(&backup), S_OK);
    ok_hr(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    ok_hr(IVssBackupComponents_DisableWriterClasses(backup, &express_id, 1), S_OK);
    ok_hr(IVssBackupComponents_GatherWriterMetadata(backup, &async), S_OK);
    ok_hr(wait_for(async), VSS_S_ASYNC_FINISHED);
    CU_ASSERT(find_writer(backup, &express_id, &instance, &md) < 0);
    IVssBackupComponents_Release(backup);
}

static void test_diskshadow_lists(void)
{
    char script[4096], out[65536];
    char *argv[] = { (char *)umbra_prog("diskshadow"), (char *)"-s", script, NULL };
    int status;

    snprintf(script, sizeof(script), "%s/list.dsh", umbra_test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(script, "list writers\nexit\n"), 0);
    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("diskshadow:\n%s\n", out);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Umbra Express Test Writer"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3f2d9a41-6c0e-4b7a-9d12-5e440a712c01"));
}

static void test_vssadmin_lists(void)
{
    char *argv[] = { (char *)umbra_prog("vssadmin"), (char *)"list", (char *)"writers", NULL };
    char out[65536];
    int status;

    status = fsfixture_run(argv, out, sizeof(out));
    if (status) printf("vssadmin:\n%s\n", out);
    CU_ASSERT_EQUAL(status, 0);
    /* VSS-FACTS.md §5: "Writer name: '...'", its ids and a stable state */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Writer name: 'Umbra Express Test Writer'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "{3f2d9a41-6c0e-4b7a-9d12-5e440a712c01}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[1] Stable"));
}

static void test_unregistered(void)
{
    IVssBackupComponents *backup;
    IVssExamineWriterMetadata *md = NULL;
    VSS_ID instance;

    ok_hr(unregister_writer(&express_id), S_OK);
    backup = gathered_backup();
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    CU_ASSERT(find_writer(backup, &express_id, &instance, &md) < 0);
    IVssBackupComponents_Release(backup);
}

/* --- the store -------------------------------------------------------------------------- */

static int count_temporaries(void)
{
    struct dirent *entry;
    int n = 0;
    DIR *d = opendir(store);

    if (!d) return 0;
    while ((entry = readdir(d))) if (state_tmp_owner(entry->d_name, NULL)) n++;
    closedir(d);
    return n;
}

static int fault_step;

static int child_register_with_crash(void)
{
    state_fault_set(STATE_IO_ALL, fault_step, STATE_FAULT_CRASH);
    return register_writer(&crash_id, L"Crash Writer") == S_OK ? 0 : 1;
}

/* DESIGN.md §6's rule for the store: a crash at any step leaves the old state
 * or the new one. */
static void test_crash_safe(void)
{
    struct express_entry *entries;
    size_t count, i;
    int status, found, finished = 0;

    for (fault_step = 1; fault_step < 32 && !finished; fault_step++)
    {
        status = child_status(run_child(child_register_with_crash));
        CU_ASSERT(status == 0 || status == STATE_FAULT_EXIT_CODE);
        finished = status == 0;

        CU_ASSERT_EQUAL_FATAL(express_store_list(&entries, &count), 0);
        for (i = 0, found = 0; i < count; i++)
            if (IsEqualGUID(&entries[i].writer_id, &crash_id))
            {
                found = 1;
                CU_ASSERT_STRING_EQUAL(entries[i].name, "Crash Writer");
                CU_ASSERT_PTR_NOT_NULL(strstr(entries[i].wmd, "data"));
            }
        express_store_free(entries, count);
        if (finished) CU_ASSERT(found);
        if (found)
        {
            /* renamed into place before the directory's fsync: whole anyway */
            ok_hr(unregister_writer(&crash_id), S_OK);
            finished = 1;
        }
        else ok_hr(unregister_writer(&crash_id), VSS_E_OBJECT_NOT_FOUND);
        /* the store was used again: what the dead child left is gone */
        CU_ASSERT_EQUAL(count_temporaries(), 0);
    }
    CU_ASSERT(finished);
}

static void test_damaged_store(void)
{
    struct express_entry *entries = NULL;
    IVssBackupComponents *backup;
    size_t count = 0;
    char path[4096];

    ok_hr(register_writer(&express_id, L"Umbra Express Test Writer"), S_OK);
    snprintf(path, sizeof(path), "%s/%s", store, "3f2d9a41-6c0e-4b7a-9d12-5e440a712c09.xml");
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "<WRITER_METADATA broken"), 0);
    /* a good document under another writer's name */
    snprintf(path, sizeof(path), "%s/%s", store, "3f2d9a41-6c0e-4b7a-9d12-5e440a712c0a.xml");
    CU_ASSERT_EQUAL(express_store_list(&entries, &count), 0);
    CU_ASSERT_EQUAL_FATAL(count, 1);
    CU_ASSERT_EQUAL(fsfixture_write_file(path, entries[0].wmd), 0);
    express_store_free(entries, count);
    snprintf(path, sizeof(path), "%s/%s", store, "notes.txt");
    CU_ASSERT_EQUAL(fsfixture_write_file(path, "not ours"), 0);

    CU_ASSERT_EQUAL(express_store_list(&entries, &count), 0);
    CU_ASSERT_EQUAL(count, 1);
    express_store_free(entries, count);
    backup = gathered_backup();
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    CU_ASSERT_EQUAL(check_listed(backup), 0);
    IVssBackupComponents_Release(backup);

    /* a store others may write to is not believed; Identify still works */
    CU_ASSERT_EQUAL(chmod(store, 0777), 0);
    CU_ASSERT_EQUAL(express_store_list(&entries, &count), -EPERM);
    backup = gathered_backup();
    CU_ASSERT_PTR_NOT_NULL_FATAL(backup);
    CU_ASSERT_EQUAL(check_listed(backup), 1);
    IVssBackupComponents_Release(backup);
    CU_ASSERT_EQUAL(chmod(store, 0700), 0);
    ok_hr(unregister_writer(&express_id), S_OK);
}

/* --- suite --------------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[4096];

    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    snprintf(store, sizeof(store), "%s/express-writers", path);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();

    snprintf(data_dir, sizeof(data_dir), "%s/data", tmp);
    if (mkdir(data_dir, 0755)) return -1;
    snprintf(path, sizeof(path), "%s/file.txt", data_dir);
    if (fsfixture_write_file(path, "express data\n")) return -1;
    mbstowcs(data_path, data_dir, 4096);
    wcscpy(data_vol, data_path);
    wcscat(data_vol, L"/");
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return -1;
    return 0;
}

static int suite_cleanup(void)
{
    CoUninitialize();
    return 0;
}

static CU_TestInfo express_tests[] =
{
    { "CreateVssExpressWriter and CreateMetadata (§2.2)", test_create },
    { "IVssCreateExpressWriterMetadata's rules", test_metadata_rules },
    { "Register and Unregister", test_register_rules },
    { "LoadMetadata", test_load_metadata },
    { "seen by requesters in other processes (issue 11)", test_other_processes },
    { "a backup with an express writer (§1.2, §1.4)", test_backup },
    { "DisableWriterClasses hides it (R4)", test_disabled_class },
    { "diskshadow list writers", test_diskshadow_lists },
    { "vssadmin list writers", test_vssadmin_lists },
    { "Unregister hides it", test_unregistered },
    { "a crash at every step of Register", test_crash_safe },
    { "damaged store files are skipped", test_damaged_store },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(express, suite_init, suite_cleanup, express_tests);
