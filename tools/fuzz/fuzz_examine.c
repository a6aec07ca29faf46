/*
 * fuzz_examine.c: libFuzzer harness for CreateVssExamineWriterMetadata, the
 * entry point a requester feeds with whatever a writer process sent.
 *
 * The input becomes the BSTR (decoded as UTF-8 when it is valid UTF-8, else
 * byte by byte, so both paths of the reader are reached).  A document that
 * loads is walked through every interface, saved, and must load again and
 * save to the same text: the fuzzer then checks the serialiser too.
 * Built and run by tools/fuzz/run.
 */
#define COBJMACROS
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "wstr.h"

static BSTR input_bstr(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    BSTR bstr = NULL;
    size_t i;

    if (!text) return NULL;
    memcpy(text, data, size);
    text[size] = 0;
    if (bstr_from_utf8n(text, strlen(text), &bstr) || !bstr)
    {
        size_t len = strnlen(text, size);
        if ((bstr = SysAllocStringLen(NULL, len)))
            for (i = 0; i <= len; i++) bstr[i] = (unsigned char)text[i];
    }
    free(text);
    return bstr;
}

static void walk_files(IVssWMComponent *component, UINT count,
                       HRESULT (*get)(IVssWMComponent *, UINT, IVssWMFiledesc **))
{
    UINT i;

    for (i = 0; i <= count; i++)
    {
        IVssWMFiledesc *desc = NULL;
        BSTR s = NULL;
        bool b;
        DWORD mask;

        if (get(component, i, &desc) != S_OK)
        {
            if (i < count) abort();
            continue;
        }
        IVssWMFiledesc_GetPath(desc, &s);
        SysFreeString(s);
        IVssWMFiledesc_GetFilespec(desc, &s);
        SysFreeString(s);
        IVssWMFiledesc_GetAlternateLocation(desc, &s);
        SysFreeString(s);
        IVssWMFiledesc_GetRecursive(desc, &b);
        IVssWMFiledesc_GetBackupTypeMask(desc, &mask);
        IVssWMFiledesc_Release(desc);
    }
}

static HRESULT get_file(IVssWMComponent *c, UINT i, IVssWMFiledesc **d) { return IVssWMComponent_GetFile(c, i, d); }
static HRESULT get_db(IVssWMComponent *c, UINT i, IVssWMFiledesc **d) { return IVssWMComponent_GetDatabaseFile(c, i, d); }
static HRESULT get_log(IVssWMComponent *c, UINT i, IVssWMFiledesc **d) { return IVssWMComponent_GetDatabaseLogFile(c, i, d); }

static void walk(IVssExamineWriterMetadataEx2 *examine)
{
    VSS_ID instance, writer;
    BSTR name = NULL, instance_name = NULL, service = NULL, procedure = NULL;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_RESTOREMETHOD_ENUM method;
    VSS_WRITERRESTORE_ENUM writer_restore;
    UINT includes, excludes, components, mappings, i, j;
    bool reboot;

    if (IVssExamineWriterMetadataEx2_GetIdentityEx(examine, &instance, &writer, &name, &instance_name, &usage,
                                                   &source) != S_OK)
        abort();
    SysFreeString(name);
    SysFreeString(instance_name);
    IVssExamineWriterMetadataEx2_GetRestoreMethod(examine, &method, &service, &procedure, &writer_restore, &reboot,
                                                  &mappings);
    SysFreeString(service);
    SysFreeString(procedure);
    IVssExamineWriterMetadataEx2_GetFileCounts(examine, &includes, &excludes, &components);
    for (i = 0; i < components; i++)
    {
        IVssWMComponent *component;
        PVSSCOMPONENTINFO info;

        if (IVssExamineWriterMetadataEx2_GetComponent(examine, i, &component) != S_OK) abort();
        if (IVssWMComponent_GetComponentInfo(component, &info) == S_OK)
        {
            walk_files(component, info->cFileCount, get_file);
            walk_files(component, info->cDatabases, get_db);
            walk_files(component, info->cLogFiles, get_log);
            for (j = 0; j < info->cDependencies; j++)
            {
                IVssWMDependency *dep;
                BSTR s = NULL;

                if (IVssWMComponent_GetDependency(component, j, &dep) != S_OK) abort();
                IVssWMDependency_GetLogicalPath(dep, &s);
                SysFreeString(s);
                IVssWMDependency_Release(dep);
            }
            IVssWMComponent_FreeComponentInfo(component, info);
        }
        IVssWMComponent_Release(component);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IVssExamineWriterMetadata *examine = NULL;
    IVssExamineWriterMetadataEx2 *ex2 = NULL;
    BSTR xml = input_bstr(data, size), first = NULL, second = NULL;

    if (!xml) return 0;
    if (CreateVssExamineWriterMetadata(xml, &examine) == S_OK)
    {
        if (IVssExamineWriterMetadata_QueryInterface(examine, &IID_IVssExamineWriterMetadataEx2, (void **)&ex2) != S_OK)
            abort();
        walk(ex2);
        if (IVssExamineWriterMetadataEx2_SaveAsXML(ex2, &first) != S_OK) abort();
        if (IVssExamineWriterMetadataEx2_LoadFromXML(ex2, first) != S_OK) abort();
        if (IVssExamineWriterMetadataEx2_SaveAsXML(ex2, &second) != S_OK) abort();
        if (wcscmp(first, second)) abort();
        SysFreeString(first);
        SysFreeString(second);
        IVssExamineWriterMetadataEx2_Release(ex2);
        IVssExamineWriterMetadata_Release(examine);
    }
    else if (examine) abort();
    SysFreeString(xml);
    return 0;
}
