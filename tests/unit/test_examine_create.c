/*
 * test_examine_create.c: what a writer writes with IVssCreateWriterMetadataEx
 * (and an express writer with IVssCreateExpressWriterMetadata) is what a
 * requester reads with IVssExamineWriterMetadataEx2, for every method; the
 * errors Microsoft documents for bad calls; and Microsoft's two-base layout of
 * IVssCreateWriterMetadataEx (VSS-SIGNATURES.md §2 note 6, §3.9-3.10).
 */
#define COBJMACROS
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "create_metadata.h"
#include "wmd.h"

static const GUID writer_id = { 0x11112222, 0x3333, 0x4444, { 0x55, 0x55, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66 } };
static const GUID instance_id = { 0xaaaabbbb, 0xcccc, 0xdddd, { 0xee, 0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const GUID other_writer = { 0x542da469, 0xd3e1, 0x473c, { 0x9f, 0x4f, 0x78, 0x47, 0xf0, 0x1f, 0xc6, 0x4f } };

static void identity(struct wmd_identity *id)
{
    memset(id, 0, sizeof(*id));
    id->writer_id = writer_id;
    id->instance_id = instance_id;
    id->friendly_name = "Umbra Test Writer";
    id->instance_name = "instance one";
    id->usage = VSS_UT_USERDATA;
    id->source = VSS_ST_TRANSACTEDDB;
    id->major_version = 2;
    id->minor_version = 5;
}

static int bstr_is(BSTR bstr, const WCHAR *expect)
{
    return bstr && expect && !wcscmp(bstr, expect);
}

static void check_filedesc(IVssWMFiledesc *desc, const WCHAR *path, const WCHAR *filespec, bool recursive,
                           const WCHAR *alternate, DWORD mask)
{
    BSTR s = NULL;
    bool b = !recursive;
    DWORD m = ~mask;

    CU_ASSERT_PTR_NOT_NULL_FATAL(desc);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetPath(desc, &s), S_OK);
    CU_ASSERT(bstr_is(s, path));
    SysFreeString(s);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetFilespec(desc, &s), S_OK);
    CU_ASSERT(bstr_is(s, filespec));
    SysFreeString(s);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetRecursive(desc, &b), S_OK);
    CU_ASSERT_EQUAL(b, recursive);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetAlternateLocation(desc, &s), alternate ? S_OK : S_FALSE);
    if (alternate)
    {
        CU_ASSERT(bstr_is(s, alternate));
    }
    else
    {
        CU_ASSERT_PTR_NULL(s);
    }
    SysFreeString(s);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetBackupTypeMask(desc, &m), S_OK);
    CU_ASSERT_EQUAL(m, mask);
    IVssWMFiledesc_Release(desc);
}

/* Every method of IVssCreateWriterMetadataEx, read back through the examine interfaces. */
static void test_every_setter(void)
{
    static const BYTE icon[] = { 1, 2, 3, 0, 0xff };
    IVssCreateWriterMetadataEx *metadata = NULL;
    IVssCreateWriterMetadata *base;
    IVssExamineWriterMetadata *examine = NULL;
    IVssExamineWriterMetadataEx2 *ex2 = NULL;
    IVssWMComponent *component = NULL;
    IVssWMFiledesc *desc = NULL;
    IVssWMDependency *dep = NULL;
    PVSSCOMPONENTINFO info = NULL;
    struct wmd_identity id;
    BSTR xml = NULL, name = NULL, instance_name = NULL, service = NULL, procedure = NULL;
    VSS_ID got_instance, got_writer;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_RESTOREMETHOD_ENUM method;
    VSS_WRITERRESTORE_ENUM writer_restore;
    bool reboot = false;
    UINT includes, excludes, components, mappings, count;
    DWORD schema, major, minor;

    identity(&id);
    CU_ASSERT_EQUAL_FATAL(create_metadata_new(&id, &metadata), S_OK);
    base = (IVssCreateWriterMetadata *)metadata;    /* the primary vtable starts with the base's slots */

    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddExcludeFiles(base, L"/var/tmp", L"*.tmp", true), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadataEx_AddExcludeFilesFromSnapshot(metadata, L"/var/cache", L"*", false), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_DATABASE, L"HOST\\INST", L"db1",
                                                          L"Database one", icon, sizeof(icon), true, true, true,
                                                          false, VSS_CF_BACKUP_RECOVERY), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddDatabaseFiles(base, L"HOST\\INST", L"db1", L"/srv/db", L"db1.mdf",
                                                              VSS_FSBT_FULL_BACKUP_REQUIRED), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddDatabaseLogFiles(base, L"HOST\\INST", L"db1", L"/srv/log",
                                                                 L"db1*.ldf", 0xf0f), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_FILEGROUP, NULL, L"config", NULL, NULL, 0,
                                                          false, false, true, true, 0), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddFilesToFileGroup(base, NULL, L"config", L"/etc/app", L"*.conf",
                                                                 true, L"/backup/alt", 0xf0f), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddFilesToFileGroup(base, L"", L"config", L"/etc/app2", L"x",
                                                                 false, NULL, 0x3), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SetRestoreMethod(base, VSS_RME_RESTORE_TO_ALTERNATE_LOCATION,
                                                              L"appsvc", L"file:///doc.html", VSS_WRE_IF_REPLACE_FAILS,
                                                              true), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddAlternateLocationMapping(base, L"/srv/db", L"*.mdf", false,
                                                                         L"/srv/restored"), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponentDependency(base, NULL, L"config", other_writer,
                                                                    L"Registry", L"Registry"), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SetBackupSchema(base, VSS_BS_DIFFERENTIAL | VSS_BS_COPY), S_OK);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SaveAsXML(base, &xml), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    IVssCreateWriterMetadataEx_Release(metadata);

    CU_ASSERT_EQUAL_FATAL(CreateVssExamineWriterMetadata(xml, &examine), S_OK);
    SysFreeString(xml);
    CU_ASSERT_EQUAL_FATAL(IVssExamineWriterMetadata_QueryInterface(examine, &IID_IVssExamineWriterMetadataEx2,
                                                                   (void **)&ex2), S_OK);
    IVssExamineWriterMetadata_Release(examine);

    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetIdentityEx(ex2, &got_instance, &got_writer, &name,
                                                               &instance_name, &usage, &source), S_OK);
    CU_ASSERT(!memcmp(&got_instance, &instance_id, sizeof(GUID)));
    CU_ASSERT(!memcmp(&got_writer, &writer_id, sizeof(GUID)));
    CU_ASSERT(bstr_is(name, L"Umbra Test Writer"));
    CU_ASSERT(bstr_is(instance_name, L"instance one"));
    CU_ASSERT_EQUAL(usage, VSS_UT_USERDATA);
    CU_ASSERT_EQUAL(source, VSS_ST_TRANSACTEDDB);
    SysFreeString(name);
    SysFreeString(instance_name);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetVersion(ex2, &major, &minor), S_OK);
    CU_ASSERT_EQUAL(major, 2);
    CU_ASSERT_EQUAL(minor, 5);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetBackupSchema(ex2, &schema), S_OK);
    CU_ASSERT_EQUAL(schema, VSS_BS_DIFFERENTIAL | VSS_BS_COPY);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetFileCounts(ex2, &includes, &excludes, &components), S_OK);
    CU_ASSERT_EQUAL(includes, 0);
    CU_ASSERT_EQUAL(excludes, 1);
    CU_ASSERT_EQUAL(components, 2);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFile(ex2, 0, &desc), S_OK);
    check_filedesc(desc, L"/var/tmp", L"*.tmp", true, NULL, 0);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotCount(ex2, &count), S_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotFile(ex2, 0, &desc), S_OK);
    check_filedesc(desc, L"/var/cache", L"*", false, NULL, 0);

    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetRestoreMethod(ex2, &method, &service, &procedure,
                                                                  &writer_restore, &reboot, &mappings), S_OK);
    CU_ASSERT_EQUAL(method, VSS_RME_RESTORE_TO_ALTERNATE_LOCATION);
    CU_ASSERT(bstr_is(service, L"appsvc"));
    CU_ASSERT(bstr_is(procedure, L"file:///doc.html"));
    CU_ASSERT_EQUAL(writer_restore, VSS_WRE_IF_REPLACE_FAILS);
    CU_ASSERT(reboot);
    CU_ASSERT_EQUAL(mappings, 1);
    SysFreeString(service);
    SysFreeString(procedure);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetAlternateLocationMapping(ex2, 0, &desc), S_OK);
    check_filedesc(desc, L"/srv/db", L"*.mdf", false, L"/srv/restored", 0);

    /* the database */
    CU_ASSERT_EQUAL_FATAL(IVssExamineWriterMetadataEx2_GetComponent(ex2, 0, &component), S_OK);
    CU_ASSERT_EQUAL_FATAL(IVssWMComponent_GetComponentInfo(component, &info), S_OK);
    CU_ASSERT_EQUAL(info->type, VSS_CT_DATABASE);
    CU_ASSERT(bstr_is(info->bstrLogicalPath, L"HOST\\INST"));
    CU_ASSERT(bstr_is(info->bstrComponentName, L"db1"));
    CU_ASSERT(bstr_is(info->bstrCaption, L"Database one"));
    CU_ASSERT_EQUAL(info->cbIcon, sizeof(icon));
    CU_ASSERT(info->pbIcon && !memcmp(info->pbIcon, icon, sizeof(icon)));
    CU_ASSERT(info->bRestoreMetadata);
    CU_ASSERT(info->bNotifyOnBackupComplete);
    CU_ASSERT(info->bSelectable);
    CU_ASSERT_FALSE(info->bSelectableForRestore);
    CU_ASSERT_EQUAL(info->dwComponentFlags, VSS_CF_BACKUP_RECOVERY);
    CU_ASSERT_EQUAL(info->cFileCount, 0);
    CU_ASSERT_EQUAL(info->cDatabases, 1);
    CU_ASSERT_EQUAL(info->cLogFiles, 1);
    CU_ASSERT_EQUAL(info->cDependencies, 0);
    IVssWMComponent_FreeComponentInfo(component, info);
    CU_ASSERT_EQUAL(IVssWMComponent_GetDatabaseFile(component, 0, &desc), S_OK);
    check_filedesc(desc, L"/srv/db", L"db1.mdf", false, NULL, VSS_FSBT_FULL_BACKUP_REQUIRED);
    CU_ASSERT_EQUAL(IVssWMComponent_GetDatabaseLogFile(component, 0, &desc), S_OK);
    check_filedesc(desc, L"/srv/log", L"db1*.ldf", false, NULL, 0xf0f);
    IVssWMComponent_Release(component);

    /* the file group */
    CU_ASSERT_EQUAL_FATAL(IVssExamineWriterMetadataEx2_GetComponent(ex2, 1, &component), S_OK);
    CU_ASSERT_EQUAL_FATAL(IVssWMComponent_GetComponentInfo(component, &info), S_OK);
    CU_ASSERT_EQUAL(info->type, VSS_CT_FILEGROUP);
    CU_ASSERT_PTR_NULL(info->bstrLogicalPath);
    CU_ASSERT_PTR_NULL(info->bstrCaption);
    CU_ASSERT_PTR_NULL(info->pbIcon);
    CU_ASSERT(info->bSelectableForRestore);
    CU_ASSERT_EQUAL(info->cFileCount, 2);
    CU_ASSERT_EQUAL(info->cDependencies, 1);
    IVssWMComponent_FreeComponentInfo(component, info);
    CU_ASSERT_EQUAL(IVssWMComponent_GetFile(component, 0, &desc), S_OK);
    check_filedesc(desc, L"/etc/app", L"*.conf", true, L"/backup/alt", 0xf0f);
    CU_ASSERT_EQUAL(IVssWMComponent_GetFile(component, 1, &desc), S_OK);
    check_filedesc(desc, L"/etc/app2", L"x", false, NULL, 0x3);
    CU_ASSERT_EQUAL_FATAL(IVssWMComponent_GetDependency(component, 0, &dep), S_OK);
    CU_ASSERT_EQUAL(IVssWMDependency_GetWriterId(dep, &got_writer), S_OK);
    CU_ASSERT(!memcmp(&got_writer, &other_writer, sizeof(GUID)));
    CU_ASSERT_EQUAL(IVssWMDependency_GetLogicalPath(dep, &name), S_OK);
    CU_ASSERT(bstr_is(name, L"Registry"));
    SysFreeString(name);
    CU_ASSERT_EQUAL(IVssWMDependency_GetComponentName(dep, &name), S_OK);
    CU_ASSERT(bstr_is(name, L"Registry"));
    SysFreeString(name);
    CU_ASSERT_EQUAL(IVssWMDependency_GetWriterId(dep, NULL), E_INVALIDARG);
    IVssWMDependency_Release(dep);
    CU_ASSERT_EQUAL(IVssWMComponent_GetDependency(component, 1, &dep), VSS_E_OBJECT_NOT_FOUND);
    IVssWMComponent_Release(component);
    IVssExamineWriterMetadataEx2_Release(ex2);
}

static void test_errors(void)
{
    IVssCreateWriterMetadataEx *metadata = NULL;
    IVssCreateWriterMetadata *base;
    struct wmd_identity id;
    void *doc = (void *)0xdead;
    BSTR xml = NULL;

    identity(&id);
    CU_ASSERT_EQUAL_FATAL(create_metadata_new(&id, &metadata), S_OK);
    base = (IVssCreateWriterMetadata *)metadata;
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_FILEGROUP, L"p", L"c", NULL, NULL, 0, false,
                                                          false, true, false, 0), S_OK);
    /* same logical path and name: already exists, whatever the type */
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_DATABASE, L"p", L"c", NULL, NULL, 0, false,
                                                          false, true, false, 0), VSS_E_OBJECT_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_UNDEFINED, L"p", L"d", NULL, NULL, 0, false,
                                                          false, true, false, 0), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_FILEGROUP, NULL, NULL, NULL, NULL, 0, false,
                                                          false, true, false, 0), E_INVALIDARG);
    /* "The string cannot contain backslashes" */
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_FILEGROUP, NULL, L"a\\b", NULL, NULL, 0, false,
                                                          false, true, false, 0), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_FILEGROUP, NULL, L"e", NULL, NULL, 4, false,
                                                          false, true, false, 0), E_INVALIDARG);
    /* a character XML cannot carry, and a lone surrogate */
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponent(base, VSS_CT_FILEGROUP, NULL, L"bell\a", NULL, NULL, 0,
                                                          false, false, true, false, 0), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddExcludeFiles(base, L"/x\xd800", L"*", false), E_INVALIDARG);
    /* files for a component that does not exist, or is of the other type */
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddFilesToFileGroup(base, L"p", L"none", L"/x", L"*", false, NULL, 0xf0f),
                    VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddFilesToFileGroup(base, NULL, L"c", L"/x", L"*", false, NULL, 0xf0f),
                    VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddDatabaseFiles(base, L"p", L"c", L"/x", L"*", 0xf0f),
                    VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddDatabaseLogFiles(base, L"p", L"c", L"/x", L"*", 0xf0f),
                    VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddFilesToFileGroup(base, L"p", L"c", NULL, L"*", false, NULL, 0xf0f),
                    E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddExcludeFiles(base, NULL, L"*", false), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadataEx_AddExcludeFilesFromSnapshot(metadata, L"/x", NULL, false), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddAlternateLocationMapping(base, L"/x", L"*", false, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponentDependency(base, L"p", L"none", other_writer, NULL, L"x"),
                    VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddComponentDependency(base, L"p", L"c", other_writer, NULL, NULL),
                    E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SetRestoreMethod(base, 9, NULL, NULL, VSS_WRE_NEVER, false), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SetRestoreMethod(base, VSS_RME_CUSTOM, NULL, NULL, 4, false), E_INVALIDARG);
    /* reserved ("not supported") and what needs MSXML */
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_AddIncludeFiles(base, L"/x", L"*", false, NULL), E_NOTIMPL);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_GetDocument(base, (IXMLDOMDocument **)&doc), E_NOTIMPL);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SaveAsXML(base, NULL), E_INVALIDARG);
    /* nothing that failed reached the document */
    CU_ASSERT_EQUAL(IVssCreateWriterMetadata_SaveAsXML(base, &xml), S_OK);
    CU_ASSERT(xml && !wcsstr(xml, L"EXCLUDE") && !wcsstr(xml, L"RESTORE_METHOD") && !wcsstr(xml, L"DEPENDENCY")
              && !wcsstr(xml, L"FILE_LIST") && !wcsstr(xml, L"name=\"d\""));
    SysFreeString(xml);
    IVssCreateWriterMetadataEx_Release(metadata);

    id.usage = 77;
    metadata = (IVssCreateWriterMetadataEx *)0xdead;
    CU_ASSERT_EQUAL(create_metadata_new(&id, &metadata), E_INVALIDARG);
    CU_ASSERT_PTR_NULL(metadata);
}

/* IVssCreateWriterMetadataEx: IVssCreateWriterMetadata's vtable first,
 * IUnknown one pointer further; both reach the same object. */
static void test_two_base_layout(void)
{
    IVssCreateWriterMetadataEx *metadata = NULL;
    IUnknown *unknown, *again = NULL;
    void *ex = NULL;
    struct wmd_identity id;

    identity(&id);
    CU_ASSERT_EQUAL_FATAL(create_metadata_new(&id, &metadata), S_OK);
    unknown = (IUnknown *)((char *)metadata + sizeof(void *));
    CU_ASSERT_PTR_EQUAL(unknown, &metadata->IUnknown_base);
    CU_ASSERT_EQUAL(IUnknown_QueryInterface(unknown, &IID_IUnknown, (void **)&again), S_OK);
    CU_ASSERT_PTR_EQUAL(again, unknown);
    CU_ASSERT_EQUAL(IUnknown_QueryInterface(unknown, &IID_IVssCreateWriterMetadataEx, &ex), S_OK);
    CU_ASSERT_PTR_EQUAL(ex, metadata);
    CU_ASSERT_EQUAL(IUnknown_QueryInterface(unknown, &IID_IVssExamineWriterMetadata, &ex), E_NOINTERFACE);
    CU_ASSERT_PTR_NULL(ex);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadataEx_AddRef(metadata), 4);
    CU_ASSERT_EQUAL(IUnknown_Release(unknown), 3);
    CU_ASSERT_EQUAL(IUnknown_Release(again), 2);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadataEx_Release(metadata), 1);
    CU_ASSERT_EQUAL(IVssCreateWriterMetadataEx_Release(metadata), 0);
}

static void test_express_writer_metadata(void)
{
    IVssCreateExpressWriterMetadata *metadata = NULL;
    IVssExamineWriterMetadata *examine = NULL;
    IVssWMComponent *component = NULL;
    PVSSCOMPONENTINFO info = NULL;
    struct wmd_identity id;
    void *unk = NULL;
    BSTR xml = NULL;
    UINT includes, excludes, components;

    identity(&id);
    id.instance_name = NULL;
    CU_ASSERT_EQUAL_FATAL(create_express_metadata_new(&id, &metadata), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_QueryInterface(metadata, &IID_IVssCreateExpressWriterMetadata,
                                                                   &unk), S_OK);
    CU_ASSERT_PTR_EQUAL(unk, metadata);
    IVssCreateExpressWriterMetadata_Release(metadata);
    /* express writers: file groups only, no application rollback, reserved flags false */
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_DATABASE, NULL, L"db", NULL, NULL, 0,
                                                                 false, false, true, false, 0), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"f", NULL, NULL, 0,
                                                                 true, false, true, false, 0), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, L"f", NULL, NULL, 0,
                                                                 false, false, true, false,
                                                                 VSS_CF_APP_ROLLBACK_RECOVERY), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, L"apps", L"f", L"Files",
                                                                 NULL, 0, false, false, true, true,
                                                                 VSS_CF_BACKUP_RECOVERY), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddFilesToFileGroup(metadata, L"apps", L"f", L"/srv/app", L"*",
                                                                        true, NULL, 0xf0f), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddExcludeFiles(metadata, L"/srv/app/tmp", L"*", true), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_SetRestoreMethod(metadata, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL,
                                                                     NULL, VSS_WRE_NEVER, false), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_AddComponentDependency(metadata, L"apps", L"f", other_writer,
                                                                           NULL, L"x"), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_SetBackupSchema(metadata, VSS_BS_COPY), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_SaveAsXML(metadata, &xml), S_OK);
    CU_ASSERT_EQUAL(IVssCreateExpressWriterMetadata_Release(metadata), 0);

    CU_ASSERT_EQUAL_FATAL(CreateVssExamineWriterMetadata(xml, &examine), S_OK);
    SysFreeString(xml);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadata_GetFileCounts(examine, &includes, &excludes, &components), S_OK);
    CU_ASSERT_EQUAL(excludes, 1);
    CU_ASSERT_EQUAL(components, 1);
    CU_ASSERT_EQUAL_FATAL(IVssExamineWriterMetadata_GetComponent(examine, 0, &component), S_OK);
    CU_ASSERT_EQUAL_FATAL(IVssWMComponent_GetComponentInfo(component, &info), S_OK);
    CU_ASSERT(bstr_is(info->bstrComponentName, L"f"));
    CU_ASSERT_EQUAL(info->cFileCount, 1);
    CU_ASSERT_EQUAL(info->cDependencies, 1);
    CU_ASSERT_EQUAL(info->dwComponentFlags, VSS_CF_BACKUP_RECOVERY);
    IVssWMComponent_FreeComponentInfo(component, info);
    IVssWMComponent_Release(component);
    IVssExamineWriterMetadata_Release(examine);
}

static CU_TestInfo examine_create_tests[] =
{
    { "every setter reads back", test_every_setter },
    { "errors", test_errors },
    { "two-base layout", test_two_base_layout },
    { "express writer metadata", test_express_writer_metadata },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(examine_create, NULL, NULL, examine_create_tests);
