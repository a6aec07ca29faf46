/*
 * test_examine.c: IVssExamineWriterMetadata(Ex, Ex2), IVssWMComponent,
 * IVssWMFiledesc and IVssWMDependency read the Writer Metadata Documents of
 * Windows Server 2012 R2 (../shared/samples) through CreateVssExamine-
 * WriterMetadata, with the values and return codes Microsoft documents
 * (VSS-FACTS.md §2.4, §4.2).  The writer's side is test_examine_create.c.
 */
#define COBJMACROS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "wstr.h"

static BSTR read_sample_bstr(const char *name)
{
    char rel[128];
    const char *path;
    FILE *f;
    char *buf = NULL;
    long size = 0;
    BSTR bstr = NULL;

    snprintf(rel, sizeof(rel), "windows-2012r2-wmd-bcd/%s", name);
    if (!(path = umbra_sample_path(rel)) || !(f = fopen(path, "rb"))) return NULL;
    if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc(size + 1))
        && fread(buf, 1, size, f) == (size_t)size)
        bstr_from_utf8n(buf, size, &bstr);
    free(buf);
    fclose(f);
    return bstr;
}

static IVssExamineWriterMetadataEx2 *open_sample(const char *name)
{
    IVssExamineWriterMetadata *examine = NULL;
    IVssExamineWriterMetadataEx2 *ex2 = NULL;
    BSTR xml = read_sample_bstr(name);
    HRESULT hr;

    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    hr = CreateVssExamineWriterMetadata(xml, &examine);
    CU_ASSERT_EQUAL(hr, S_OK);
    SysFreeString(xml);
    if (!examine) return NULL;
    hr = IVssExamineWriterMetadata_QueryInterface(examine, &IID_IVssExamineWriterMetadataEx2, (void **)&ex2);
    CU_ASSERT_EQUAL(hr, S_OK);
    IVssExamineWriterMetadata_Release(examine);
    return ex2;
}

static int bstr_is(BSTR bstr, const WCHAR *expect)
{
    return bstr && expect && !wcscmp(bstr, expect);
}

static int guid_is(const GUID *guid, DWORD data1, WORD data2)
{
    return guid->Data1 == data1 && guid->Data2 == data2;
}

/* Every field of one file descriptor. */
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
    s = (BSTR)L"junk";
    if (alternate)
    {
        CU_ASSERT_EQUAL(IVssWMFiledesc_GetAlternateLocation(desc, &s), S_OK);
        CU_ASSERT(bstr_is(s, alternate));
        SysFreeString(s);
    }
    else
    {
        /* "S_FALSE: the requested information could not be found", NULL */
        CU_ASSERT_EQUAL(IVssWMFiledesc_GetAlternateLocation(desc, &s), S_FALSE);
        CU_ASSERT_PTR_NULL(s);
    }
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetBackupTypeMask(desc, &m), S_OK);
    CU_ASSERT_EQUAL(m, mask);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetPath(desc, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetRecursive(desc, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWMFiledesc_GetBackupTypeMask(desc, NULL), E_INVALIDARG);
}

static void test_sql_writer(void)
{
    IVssExamineWriterMetadataEx2 *examine = open_sample("WM5.xml");
    IVssExamineWriterMetadata *base = NULL;
    IVssWMComponent *component = NULL;
    IVssWMFiledesc *desc = NULL;
    PVSSCOMPONENTINFO info = NULL;
    VSS_ID instance, writer;
    BSTR name = NULL, instance_name = NULL, service = (BSTR)L"x", procedure = (BSTR)L"x";
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_RESTOREMETHOD_ENUM method;
    VSS_WRITERRESTORE_ENUM writer_restore;
    bool reboot = true;
    UINT includes, excludes, components, mappings;
    DWORD schema, major = 9, minor = 9;
    void *unk = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(examine);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetIdentityEx(examine, &instance, &writer, &name, &instance_name,
                                                               &usage, &source), S_OK);
    CU_ASSERT(guid_is(&writer, 0xa65faa63, 0x5ea8));
    CU_ASSERT(guid_is(&instance, 0x235435d9, 0x34d6));
    CU_ASSERT(bstr_is(name, L"SqlServerWriter"));
    CU_ASSERT(bstr_is(instance_name, L"Microsoft SQL Server 2017:SQLWriter"));
    CU_ASSERT_EQUAL(usage, VSS_UT_USERDATA);
    CU_ASSERT_EQUAL(source, VSS_ST_TRANSACTEDDB);
    SysFreeString(name);
    SysFreeString(instance_name);

    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetFileCounts(examine, &includes, &excludes, &components), S_OK);
    CU_ASSERT_EQUAL(includes, 0);
    CU_ASSERT_EQUAL(excludes, 0);
    CU_ASSERT_EQUAL(components, 6);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetRestoreMethod(examine, &method, &service, &procedure,
                                                                  &writer_restore, &reboot, &mappings), S_OK);
    CU_ASSERT_EQUAL(method, VSS_RME_RESTORE_IF_CAN_REPLACE);
    CU_ASSERT_PTR_NULL(service);
    CU_ASSERT_PTR_NULL(procedure);
    CU_ASSERT_EQUAL(writer_restore, VSS_WRE_ALWAYS);
    CU_ASSERT_FALSE(reboot);
    CU_ASSERT_EQUAL(mappings, 0);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetBackupSchema(examine, &schema), S_OK);
    CU_ASSERT_EQUAL(schema, 881);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetVersion(examine, &major, &minor), S_OK);
    CU_ASSERT_EQUAL(major, 0);
    CU_ASSERT_EQUAL(minor, 0);

    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetComponent(examine, 4, &component), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(component);
    CU_ASSERT_EQUAL(IVssWMComponent_GetComponentInfo(component, &info), S_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    CU_ASSERT_EQUAL(info->type, VSS_CT_FILEGROUP);
    CU_ASSERT(bstr_is(info->bstrLogicalPath, L"WIN2012-SQL17-2"));
    CU_ASSERT(bstr_is(info->bstrComponentName, L"NonNimbleDatabase"));
    CU_ASSERT_PTR_NULL(info->bstrCaption);
    CU_ASSERT_PTR_NULL(info->pbIcon);
    CU_ASSERT_EQUAL(info->cbIcon, 0);
    CU_ASSERT_FALSE(info->bRestoreMetadata);
    CU_ASSERT(info->bNotifyOnBackupComplete);
    CU_ASSERT(info->bSelectable);
    CU_ASSERT(info->bSelectableForRestore);
    CU_ASSERT_EQUAL(info->dwComponentFlags, VSS_CF_APP_ROLLBACK_RECOVERY);
    CU_ASSERT_EQUAL(info->cFileCount, 2);
    CU_ASSERT_EQUAL(info->cDatabases, 0);
    CU_ASSERT_EQUAL(info->cLogFiles, 0);
    CU_ASSERT_EQUAL(info->cDependencies, 0);
    CU_ASSERT_EQUAL(IVssWMComponent_FreeComponentInfo(component, info), S_OK);

    CU_ASSERT_EQUAL(IVssWMComponent_GetFile(component, 1, &desc), S_OK);
    check_filedesc(desc, L"F:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA", L"NonNimbleDatabase_log.ldf", false, NULL, 3855);
    IVssWMFiledesc_Release(desc);
    desc = (IVssWMFiledesc *)0xdead;
    CU_ASSERT_EQUAL(IVssWMComponent_GetFile(component, 2, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_PTR_NULL(desc);
    CU_ASSERT_EQUAL(IVssWMComponent_GetDatabaseFile(component, 0, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssWMComponent_GetDatabaseLogFile(component, 0, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssWMComponent_GetFile(component, 0, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssWMComponent_GetComponentInfo(component, NULL), E_INVALIDARG);

    /* the component outlives the object it came from */
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_QueryInterface(examine, &IID_IVssExamineWriterMetadata,
                                                                (void **)&base), S_OK);
    CU_ASSERT_PTR_EQUAL(base, examine);
    IVssExamineWriterMetadata_Release(base);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_QueryInterface(examine, &IID_IUnknown, &unk), S_OK);
    CU_ASSERT_PTR_EQUAL(unk, examine);
    IUnknown_Release((IUnknown *)unk);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_QueryInterface(examine, &IID_IVssComponent, &unk), E_NOINTERFACE);
    CU_ASSERT_PTR_NULL(unk);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_Release(examine), 0);
    CU_ASSERT_EQUAL(IVssWMComponent_GetFile(component, 0, &desc), S_OK);
    check_filedesc(desc, L"F:\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA", L"NonNimbleDatabase.mdf", false, NULL, 3855);
    CU_ASSERT_EQUAL(IVssWMComponent_Release(component), 0);
    CU_ASSERT_EQUAL(IVssWMFiledesc_Release(desc), 0);
}

static void test_exclusions_and_no_restore_method(void)
{
    IVssExamineWriterMetadataEx2 *examine = open_sample("WM6.xml");
    IVssWMFiledesc *desc = NULL;
    VSS_RESTOREMETHOD_ENUM method = 5;
    VSS_WRITERRESTORE_ENUM writer_restore = 5;
    BSTR service = (BSTR)L"x", procedure = (BSTR)L"x";
    bool reboot = true;
    UINT count = 0, mappings = 9;

    CU_ASSERT_PTR_NOT_NULL_FATAL(examine);
    /* "S_FALSE: the restore method does not exist" */
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetRestoreMethod(examine, &method, &service, &procedure,
                                                                  &writer_restore, &reboot, &mappings), S_FALSE);
    CU_ASSERT_EQUAL(method, VSS_RME_UNDEFINED);
    CU_ASSERT_EQUAL(writer_restore, VSS_WRE_UNDEFINED);
    CU_ASSERT_PTR_NULL(service);
    CU_ASSERT_PTR_NULL(procedure);
    CU_ASSERT_FALSE(reboot);
    CU_ASSERT_EQUAL(mappings, 0);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetRestoreMethod(examine, &method, NULL, &procedure,
                                                                  &writer_restore, &reboot, &mappings), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotCount(examine, &count), S_OK);
    CU_ASSERT_EQUAL(count, 17);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotFile(examine, 4, &desc), S_OK);
    check_filedesc(desc, L"\\System Volume Information\\Heat", L"*.*", true, NULL, 0);
    IVssWMFiledesc_Release(desc);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFromSnapshotFile(examine, 17, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFile(examine, 0, &desc), VSS_E_OBJECT_NOT_FOUND);
    /* include files are reserved: there are none */
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetIncludeFile(examine, 0, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetAlternateLocationMapping(examine, 0, &desc), VSS_E_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetComponent(examine, 0, NULL), E_INVALIDARG);
    IVssExamineWriterMetadataEx2_Release(examine);

    examine = open_sample("WM7.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(examine);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetExcludeFile(examine, 2, &desc), S_OK);
    check_filedesc(desc, L"C:\\ProgramData\\Microsoft\\Network\\Downloader\\", L"*", true, NULL, 0);
    IVssWMFiledesc_Release(desc);
    IVssExamineWriterMetadataEx2_Release(examine);
}

static void test_identity_without_instance_name(void)
{
    IVssExamineWriterMetadataEx2 *examine = open_sample("WM0.xml");
    BSTR name = NULL, instance_name = (BSTR)L"junk";
    VSS_ID instance, writer;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;

    CU_ASSERT_PTR_NOT_NULL_FATAL(examine);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetIdentity(examine, &instance, &writer, &name, &usage, &source), S_OK);
    CU_ASSERT(bstr_is(name, L"Task Scheduler Writer"));
    CU_ASSERT(guid_is(&writer, 0xd61d61c8, 0xd73a));
    CU_ASSERT_EQUAL(usage, VSS_UT_BOOTABLESYSTEMSTATE);
    CU_ASSERT_EQUAL(source, VSS_ST_OTHER);
    SysFreeString(name);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetIdentityEx(examine, &instance, &writer, &name, &instance_name,
                                                               &usage, &source), S_OK);
    CU_ASSERT_PTR_NULL(instance_name);
    SysFreeString(name);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetIdentity(examine, NULL, &writer, &name, &usage, &source),
                    E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetDocument(examine, NULL), E_INVALIDARG);
    IVssExamineWriterMetadataEx2_Release(examine);
}

/* The System Writer: every one of its 18,925 file descriptors through the interfaces. */
static void test_walk_system_writer(void)
{
    IVssExamineWriterMetadataEx2 *examine = open_sample("WM3.xml");
    UINT includes, excludes, components, i, j, files = 0, recursive = 0, bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(examine);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_GetFileCounts(examine, &includes, &excludes, &components), S_OK);
    CU_ASSERT_EQUAL(components, 2);
    for (i = 0; i < components; i++)
    {
        IVssWMComponent *component;
        PVSSCOMPONENTINFO info;

        if (IVssExamineWriterMetadataEx2_GetComponent(examine, i, &component) != S_OK) break;
        if (IVssWMComponent_GetComponentInfo(component, &info) == S_OK)
        {
            for (j = 0; j < info->cFileCount; j++)
            {
                IVssWMFiledesc *desc;
                BSTR path = NULL, spec = NULL;
                bool r = false;

                if (IVssWMComponent_GetFile(component, j, &desc) != S_OK)
                {
                    bad++;
                    continue;
                }
                if (IVssWMFiledesc_GetPath(desc, &path) != S_OK || IVssWMFiledesc_GetFilespec(desc, &spec) != S_OK
                    || IVssWMFiledesc_GetRecursive(desc, &r) != S_OK || !path || !*path || !spec || !*spec)
                    bad++;
                recursive += r;
                files++;
                SysFreeString(path);
                SysFreeString(spec);
                IVssWMFiledesc_Release(desc);
            }
            IVssWMComponent_FreeComponentInfo(component, info);
        }
        IVssWMComponent_Release(component);
    }
    CU_ASSERT_EQUAL(files, 18897 + 28);
    CU_ASSERT_EQUAL(recursive, 13);
    CU_ASSERT_EQUAL(bad, 0);
    IVssExamineWriterMetadataEx2_Release(examine);
}

/* load -> SaveAsXML -> LoadFromXML keeps the document, for every sample. */
static void test_save_load_every_sample(void)
{
    static const char *const names[] =
    {
        "WM0.xml", "WM1.xml", "WM2.xml", "WM3.xml", "WM4.xml", "WM5.xml",
        "WM6.xml", "WM7.xml", "WM8.xml", "WM9.xml", "WM10.xml",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        IVssExamineWriterMetadataEx2 *examine = open_sample(names[i]), *other;
        BSTR first = NULL, second = NULL;

        CU_ASSERT_PTR_NOT_NULL(examine);
        if (!examine) continue;
        CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_SaveAsXML(examine, &first), S_OK);
        other = open_sample("WM7.xml");
        CU_ASSERT_PTR_NOT_NULL_FATAL(other);
        CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_LoadFromXML(other, first), S_OK);
        CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_SaveAsXML(other, &second), S_OK);
        CU_ASSERT(first && second && !wcscmp(first, second));
        CU_ASSERT(first && !wcsncmp(first, L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\" version=\"1.2\"", 70));
        SysFreeString(first);
        SysFreeString(second);
        IVssExamineWriterMetadataEx2_Release(other);
        IVssExamineWriterMetadataEx2_Release(examine);
    }
}

static void test_bad_input(void)
{
    static const WCHAR *const bad[] =
    {
        L"",
        L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\">",
        L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\"/>",
        L"<WRITER_METADATA xmlns=\"x-schema:#Other\"><IDENTIFICATION/></WRITER_METADATA>",
        L"<WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\"><IDENTIFICATION writerId=\"nope\"/></WRITER_METADATA>",
        L"<!DOCTYPE a [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\">&b;</WRITER_METADATA>",
        L"<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><WRITER_METADATA xmlns=\"x-schema:#VssWriterMetadataInfo\">&e;</WRITER_METADATA>",
    };
    IVssExamineWriterMetadata *examine = (IVssExamineWriterMetadata *)0xdead;
    IVssExamineWriterMetadataEx2 *good;
    BSTR bstr, before = NULL, after = NULL;
    size_t i;

    CU_ASSERT_EQUAL(CreateVssExamineWriterMetadata(NULL, &examine), E_INVALIDARG);
    CU_ASSERT_PTR_NULL(examine);
    bstr = SysAllocString(L"<x/>");
    CU_ASSERT_EQUAL(CreateVssExamineWriterMetadata(bstr, NULL), E_INVALIDARG);
    SysFreeString(bstr);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        examine = (IVssExamineWriterMetadata *)0xdead;
        bstr = SysAllocString(bad[i]);
        CU_ASSERT_EQUAL(CreateVssExamineWriterMetadata(bstr, &examine), VSS_E_INVALID_XML_DOCUMENT);
        CU_ASSERT_PTR_NULL(examine);
        SysFreeString(bstr);
    }

    /* a failed LoadFromXML leaves the document it had */
    good = open_sample("WM0.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_SaveAsXML(good, &before), S_OK);
    bstr = SysAllocString(bad[1]);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_LoadFromXML(good, bstr), VSS_E_INVALID_XML_DOCUMENT);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_LoadFromXML(good, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_SaveAsXML(good, NULL), E_INVALIDARG);
    CU_ASSERT_EQUAL(IVssExamineWriterMetadataEx2_SaveAsXML(good, &after), S_OK);
    CU_ASSERT(before && after && !wcscmp(before, after));
    SysFreeString(bstr);
    SysFreeString(before);
    SysFreeString(after);
    IVssExamineWriterMetadataEx2_Release(good);
}

static CU_TestInfo examine_tests[] =
{
    { "SQL writer through the interfaces", test_sql_writer },
    { "exclusions, no restore method", test_exclusions_and_no_restore_method },
    { "identity without instance name", test_identity_without_instance_name },
    { "walk the System Writer", test_walk_system_writer },
    { "SaveAsXML/LoadFromXML every sample", test_save_load_every_sample },
    { "bad input", test_bad_input },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(examine, NULL, NULL, examine_tests);
