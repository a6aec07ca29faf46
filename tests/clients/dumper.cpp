/*
 * dumper.cpp: prints every field of writer metadata documents, walking each
 * interface a requester sees them through: IVssExamineWriterMetadata(Ex,
 * Ex2), IVssWMComponent with VSS_COMPONENTINFO, IVssWMFiledesc and
 * IVssWMDependency.  The documents come from the writers that are running
 * (GatherWriterMetadata, like "vshadow -wm2") or from files saved earlier.
 *
 *   dumper                    every running writer's metadata
 *   dumper /f file.xml ...    metadata documents saved as XML (UTF-8 or UTF-16)
 *
 * Windows code: it builds unchanged with Visual C++, MinGW-w64 and Umbra.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <atlbase.h>

#define CHECK(expr)                                                                  \
    do                                                                               \
    {                                                                                \
        HRESULT hr_ = (expr);                                                        \
        if (FAILED(hr_))                                                             \
        {                                                                            \
            _tprintf(_T("ERROR: %s failed: 0x%08lx\n"), _T(#expr), hr_);            \
            return hr_;                                                              \
        }                                                                            \
    } while (0)

/* bool in Microsoft's SDK, boolean in MinGW-w64's: whatever the header says. */
template <class Iface, typename Flag>
static HRESULT GetFlag(Iface *p, HRESULT (STDMETHODCALLTYPE Iface::*pfnGet)(Flag *), bool *pbValue)
{
    Flag value = Flag();
    HRESULT hr = (p->*pfnGet)(&value);

    *pbValue = value ? true : false;
    return hr;
}

template <typename Flag>
static HRESULT GetRestoreMethod(IVssExamineWriterMetadata *p,
                                HRESULT (STDMETHODCALLTYPE IVssExamineWriterMetadata::*pfnGet)(
                                    VSS_RESTOREMETHOD_ENUM *, BSTR *, BSTR *, VSS_WRITERRESTORE_ENUM *, Flag *, UINT *),
                                VSS_RESTOREMETHOD_ENUM *pMethod, BSTR *pbstrService, BSTR *pbstrUserProcedure,
                                VSS_WRITERRESTORE_ENUM *pWriterRestore, bool *pbRebootRequired, UINT *pcMappings)
{
    Flag reboot = Flag();
    HRESULT hr = (p->*pfnGet)(pMethod, pbstrService, pbstrUserProcedure, pWriterRestore, &reboot, pcMappings);

    *pbRebootRequired = reboot ? true : false;
    return hr;
}

static LPCTSTR YesNo(bool b)
{
    return b ? _T("yes") : _T("no");
}

static LPCWSTR Text(BSTR bstr)
{
    return bstr ? bstr : L"";
}

static void PrintGuid(LPCTSTR label, const GUID &guid)
{
    WCHAR text[64];

    StringFromGUID2(guid, text, 64);
    _tprintf(_T("%s%s\n"), label, text);
}

static LPCTSTR UsageName(VSS_USAGE_TYPE usage)
{
    switch (usage)
    {
    case VSS_UT_BOOTABLESYSTEMSTATE: return _T("BOOTABLESYSTEMSTATE");
    case VSS_UT_SYSTEMSERVICE: return _T("SYSTEMSERVICE");
    case VSS_UT_USERDATA: return _T("USERDATA");
    case VSS_UT_OTHER: return _T("OTHER");
    default: return _T("UNDEFINED");
    }
}

static LPCTSTR SourceName(VSS_SOURCE_TYPE source)
{
    switch (source)
    {
    case VSS_ST_TRANSACTEDDB: return _T("TRANSACTEDDB");
    case VSS_ST_NONTRANSACTEDDB: return _T("NONTRANSACTEDDB");
    case VSS_ST_OTHER: return _T("OTHER");
    default: return _T("UNDEFINED");
    }
}

static LPCTSTR RestoreMethodName(VSS_RESTOREMETHOD_ENUM method)
{
    switch (method)
    {
    case VSS_RME_RESTORE_IF_NOT_THERE: return _T("RESTORE_IF_NOT_THERE");
    case VSS_RME_RESTORE_IF_CAN_REPLACE: return _T("RESTORE_IF_CAN_REPLACE");
    case VSS_RME_STOP_RESTORE_START: return _T("STOP_RESTORE_START");
    case VSS_RME_RESTORE_TO_ALTERNATE_LOCATION: return _T("RESTORE_TO_ALTERNATE_LOCATION");
    case VSS_RME_RESTORE_AT_REBOOT: return _T("RESTORE_AT_REBOOT");
    case VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE: return _T("RESTORE_AT_REBOOT_IF_CANNOT_REPLACE");
    case VSS_RME_CUSTOM: return _T("CUSTOM");
    case VSS_RME_RESTORE_STOP_START: return _T("RESTORE_STOP_START");
    default: return _T("UNDEFINED");
    }
}

static LPCTSTR ComponentTypeName(VSS_COMPONENT_TYPE type)
{
    switch (type)
    {
    case VSS_CT_DATABASE: return _T("DATABASE");
    case VSS_CT_FILEGROUP: return _T("FILEGROUP");
    default: return _T("UNDEFINED");
    }
}

static HRESULT DumpFiledesc(LPCTSTR kind, UINT index, IVssWMFiledesc *pFiledesc)
{
    CComBSTR bstrPath, bstrFilespec, bstrAlternate;
    bool bRecursive = false;
    DWORD dwTypeMask = 0;

    CHECK(pFiledesc->GetPath(&bstrPath));
    CHECK(pFiledesc->GetFilespec(&bstrFilespec));
    CHECK(GetFlag(pFiledesc, &IVssWMFiledesc::GetRecursive, &bRecursive));
    CHECK(pFiledesc->GetAlternateLocation(&bstrAlternate));
    CHECK(pFiledesc->GetBackupTypeMask(&dwTypeMask));
    _tprintf(_T("       - %s %u: Path = %s, Filespec = %s, Recursive = %s, AlternateLocation = %s, BackupTypeMask = 0x%08lx\n"),
             kind, index, Text(bstrPath), Text(bstrFilespec), YesNo(bRecursive), Text(bstrAlternate), dwTypeMask);
    return S_OK;
}

static HRESULT DumpComponent(UINT index, IVssWMComponent *pComponent)
{
    PVSSCOMPONENTINFO pInfo = NULL;
    UINT i;

    CHECK(pComponent->GetComponentInfo(&pInfo));
    _tprintf(_T("   - Component %u\n"), index);
    _tprintf(_T("       - Type = %s\n"), ComponentTypeName(pInfo->type));
    _tprintf(_T("       - LogicalPath = %s\n"), Text(pInfo->bstrLogicalPath));
    _tprintf(_T("       - Name = %s\n"), Text(pInfo->bstrComponentName));
    _tprintf(_T("       - Caption = %s\n"), Text(pInfo->bstrCaption));
    _tprintf(_T("       - Icon = %u bytes\n"), pInfo->cbIcon);
    _tprintf(_T("       - RestoreMetadata = %s\n"), YesNo(pInfo->bRestoreMetadata ? true : false));
    _tprintf(_T("       - NotifyOnBackupComplete = %s\n"), YesNo(pInfo->bNotifyOnBackupComplete ? true : false));
    _tprintf(_T("       - Selectable = %s\n"), YesNo(pInfo->bSelectable ? true : false));
    _tprintf(_T("       - SelectableForRestore = %s\n"), YesNo(pInfo->bSelectableForRestore ? true : false));
    _tprintf(_T("       - ComponentFlags = 0x%08lx\n"), pInfo->dwComponentFlags);
    _tprintf(_T("       - Files = %u, Databases = %u, LogFiles = %u, Dependencies = %u\n"), pInfo->cFileCount,
             pInfo->cDatabases, pInfo->cLogFiles, pInfo->cDependencies);

    for (i = 0; i < pInfo->cFileCount; i++)
    {
        CComPtr<IVssWMFiledesc> pFiledesc;
        CHECK(pComponent->GetFile(i, &pFiledesc));
        CHECK(DumpFiledesc(_T("File"), i, pFiledesc));
    }
    for (i = 0; i < pInfo->cDatabases; i++)
    {
        CComPtr<IVssWMFiledesc> pFiledesc;
        CHECK(pComponent->GetDatabaseFile(i, &pFiledesc));
        CHECK(DumpFiledesc(_T("DatabaseFile"), i, pFiledesc));
    }
    for (i = 0; i < pInfo->cLogFiles; i++)
    {
        CComPtr<IVssWMFiledesc> pFiledesc;
        CHECK(pComponent->GetDatabaseLogFile(i, &pFiledesc));
        CHECK(DumpFiledesc(_T("DatabaseLogFile"), i, pFiledesc));
    }
    for (i = 0; i < pInfo->cDependencies; i++)
    {
        CComPtr<IVssWMDependency> pDependency;
        CComBSTR bstrLogicalPath, bstrName;
        VSS_ID idWriter;
        WCHAR szWriter[64];

        CHECK(pComponent->GetDependency(i, &pDependency));
        CHECK(pDependency->GetWriterId(&idWriter));
        CHECK(pDependency->GetLogicalPath(&bstrLogicalPath));
        CHECK(pDependency->GetComponentName(&bstrName));
        StringFromGUID2(idWriter, szWriter, 64);
        _tprintf(_T("       - Dependency %u: WriterId = %s, LogicalPath = %s, Name = %s\n"), i, szWriter,
                 Text(bstrLogicalPath), Text(bstrName));
    }
    CHECK(pComponent->FreeComponentInfo(pInfo));
    return S_OK;
}

static HRESULT DumpMetadata(IVssExamineWriterMetadata *pMetadata)
{
    CComQIPtr<IVssExamineWriterMetadataEx> pMetadataEx(pMetadata);
    CComQIPtr<IVssExamineWriterMetadataEx2> pMetadataEx2(pMetadata);
    CComBSTR bstrWriterName, bstrInstanceName, bstrService, bstrUserProcedure, bstrXml;
    VSS_ID idInstance, idWriter;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    VSS_RESTOREMETHOD_ENUM method;
    VSS_WRITERRESTORE_ENUM writerRestore;
    bool bRebootRequired = false;
    UINT cIncludes = 0, cExcludes = 0, cComponents = 0, cMappings = 0, i;
    DWORD dwSchema = 0;

    if (pMetadataEx)
        CHECK(pMetadataEx->GetIdentityEx(&idInstance, &idWriter, &bstrWriterName, &bstrInstanceName, &usage, &source));
    else
        CHECK(pMetadata->GetIdentity(&idInstance, &idWriter, &bstrWriterName, &usage, &source));
    _tprintf(_T("* WRITER \"%s\"\n"), Text(bstrWriterName));
    PrintGuid(_T("   - WriterId   = "), idWriter);
    PrintGuid(_T("   - InstanceId = "), idInstance);
    _tprintf(_T("   - InstanceName = %s\n"), Text(bstrInstanceName));
    _tprintf(_T("   - Supports restore events = %s\n"), YesNo(pMetadataEx ? true : false));
    _tprintf(_T("   - Usage type = %s\n"), UsageName(usage));
    _tprintf(_T("   - Data source type = %s\n"), SourceName(source));
    if (pMetadataEx2)
    {
        DWORD dwMajor = 0, dwMinor = 0;
        UINT cExcludedFromSnapshot = 0;

        CHECK(pMetadataEx2->GetVersion(&dwMajor, &dwMinor));
        _tprintf(_T("   - Version = %lu.%lu\n"), dwMajor, dwMinor);
        CHECK(pMetadataEx2->GetExcludeFromSnapshotCount(&cExcludedFromSnapshot));
        for (i = 0; i < cExcludedFromSnapshot; i++)
        {
            CComPtr<IVssWMFiledesc> pFiledesc;
            CHECK(pMetadataEx2->GetExcludeFromSnapshotFile(i, &pFiledesc));
            CHECK(DumpFiledesc(_T("ExcludeFromSnapshot"), i, pFiledesc));
        }
    }
    CHECK(pMetadata->GetBackupSchema(&dwSchema));
    _tprintf(_T("   - Backup schema = 0x%08lx\n"), dwSchema);

    CHECK(GetRestoreMethod(pMetadata, &IVssExamineWriterMetadata::GetRestoreMethod, &method, &bstrService,
                           &bstrUserProcedure, &writerRestore, &bRebootRequired, &cMappings));
    _tprintf(_T("   - Restore method = %s, Service = %s, UserProcedure = %s, WriterRestore = %d, RebootRequired = %s\n"),
             RestoreMethodName(method), Text(bstrService), Text(bstrUserProcedure), (int)writerRestore,
             YesNo(bRebootRequired));
    for (i = 0; i < cMappings; i++)
    {
        CComPtr<IVssWMFiledesc> pFiledesc;
        CHECK(pMetadata->GetAlternateLocationMapping(i, &pFiledesc));
        CHECK(DumpFiledesc(_T("AlternateLocationMapping"), i, pFiledesc));
    }

    CHECK(pMetadata->GetFileCounts(&cIncludes, &cExcludes, &cComponents));
    _tprintf(_T("   - Include files = %u, Exclude files = %u, Components = %u\n"), cIncludes, cExcludes, cComponents);
    for (i = 0; i < cIncludes; i++)
    {
        CComPtr<IVssWMFiledesc> pFiledesc;
        CHECK(pMetadata->GetIncludeFile(i, &pFiledesc));
        CHECK(DumpFiledesc(_T("Include"), i, pFiledesc));
    }
    for (i = 0; i < cExcludes; i++)
    {
        CComPtr<IVssWMFiledesc> pFiledesc;
        CHECK(pMetadata->GetExcludeFile(i, &pFiledesc));
        CHECK(DumpFiledesc(_T("Exclude"), i, pFiledesc));
    }
    for (i = 0; i < cComponents; i++)
    {
        CComPtr<IVssWMComponent> pComponent;
        CHECK(pMetadata->GetComponent(i, &pComponent));
        CHECK(DumpComponent(i, pComponent));
    }

    /* the document round-trips */
    CHECK(pMetadata->SaveAsXML(&bstrXml));
    _tprintf(_T("   - Document = %u characters of XML\n\n"), bstrXml.Length());
    return S_OK;
}

static HRESULT DumpRunningWriters()
{
    CComPtr<IVssBackupComponents> pBackup;
    CComPtr<IVssAsync> pAsync;
    HRESULT hrStatus = S_OK;
    UINT cWriters = 0, i;

    CHECK(CreateVssBackupComponents(&pBackup));
    CHECK(pBackup->InitializeForBackup(NULL));
    CHECK(pBackup->SetBackupState(true, false, VSS_BT_FULL, false));
    CHECK(pBackup->GatherWriterMetadata(&pAsync));
    CHECK(pAsync->Wait());
    CHECK(pAsync->QueryStatus(&hrStatus, NULL));
    CHECK(hrStatus == VSS_S_ASYNC_FINISHED ? S_OK : hrStatus);
    CHECK(pBackup->GetWriterMetadataCount(&cWriters));
    _tprintf(_T("Writers: %u\n\n"), cWriters);
    for (i = 0; i < cWriters; i++)
    {
        CComPtr<IVssExamineWriterMetadata> pMetadata;
        VSS_ID idInstance;

        CHECK(pBackup->GetWriterMetadata(i, &idInstance, &pMetadata));
        CHECK(DumpMetadata(pMetadata));
    }
    CHECK(pBackup->FreeWriterMetadata());
    return S_OK;
}

/* A saved document: UTF-16LE with a BOM (how Windows saves them) or UTF-8. */
static HRESULT LoadDocument(LPCTSTR pszFile, BSTR *pbstrXml)
{
    HANDLE hFile;
    LARGE_INTEGER size;
    BYTE *pData;
    DWORD dwRead = 0;
    BOOL bOk;

    *pbstrXml = NULL;
    hFile = CreateFile(pszFile, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (hFile == INVALID_HANDLE_VALUE) return HRESULT_FROM_WIN32(GetLastError());
    if (!GetFileSizeEx(hFile, &size) || size.QuadPart > 64 * 1024 * 1024)
    {
        CloseHandle(hFile);
        return E_FAIL;
    }
    pData = (BYTE *)LocalAlloc(LPTR, (SIZE_T)size.QuadPart + 2);
    if (!pData)
    {
        CloseHandle(hFile);
        return E_OUTOFMEMORY;
    }
    bOk = ReadFile(hFile, pData, (DWORD)size.QuadPart, &dwRead, NULL);
    CloseHandle(hFile);
    if (bOk && dwRead >= 2 && pData[0] == 0xFF && pData[1] == 0xFE)
    {
        /* UTF-16 code units to WCHAR, whatever size WCHAR has */
        UINT cUnits = (dwRead - 2) / 2, n = 0;
        WCHAR *pText = (WCHAR *)LocalAlloc(LPTR, (cUnits + 1) * sizeof(WCHAR));
        if (pText)
        {
            for (UINT i = 0; i < cUnits; i++)
            {
                unsigned int c = pData[2 + 2 * i] | (pData[3 + 2 * i] << 8);
                if (sizeof(WCHAR) == 4 && c >= 0xD800 && c < 0xDC00 && i + 1 < cUnits)
                {
                    unsigned int c2 = pData[4 + 2 * i] | (pData[5 + 2 * i] << 8);
                    c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
                    i++;
                }
                pText[n++] = (WCHAR)c;
            }
            *pbstrXml = SysAllocStringLen(pText, n);
            LocalFree(pText);
        }
    }
    else if (bOk)
    {
        int skip = dwRead >= 3 && pData[0] == 0xEF && pData[1] == 0xBB && pData[2] == 0xBF ? 3 : 0;
        int len = MultiByteToWideChar(CP_UTF8, 0, (LPCSTR)pData + skip, (int)dwRead - skip, NULL, 0);
        if (len > 0 && (*pbstrXml = SysAllocStringLen(NULL, (UINT)len)))
            MultiByteToWideChar(CP_UTF8, 0, (LPCSTR)pData + skip, (int)dwRead - skip, *pbstrXml, len);
    }
    LocalFree(pData);
    if (!bOk) return HRESULT_FROM_WIN32(GetLastError());
    return *pbstrXml ? S_OK : E_OUTOFMEMORY;
}

static HRESULT DumpFile(LPCTSTR pszFile)
{
    CComPtr<IVssExamineWriterMetadata> pMetadata;
    CComBSTR bstrXml;

    _tprintf(_T("Document %s\n"), pszFile);
    CHECK(LoadDocument(pszFile, &bstrXml));
    CHECK(CreateVssExamineWriterMetadata(bstrXml, &pMetadata));
    return DumpMetadata(pMetadata);
}

int _tmain(int argc, _TCHAR *argv[])
{
    HRESULT hr;

    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr))
    {
        _tprintf(_T("ERROR: CoInitializeEx failed: 0x%08lx\n"), hr);
        return 1;
    }
    CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IDENTIFY, NULL,
                         EOAC_NONE, NULL);
    if (argc == 1) hr = DumpRunningWriters();
    else if (argc >= 3 && (!_tcsicmp(argv[1], _T("/f")) || !_tcsicmp(argv[1], _T("-f"))))
    {
        for (int i = 2; i < argc && SUCCEEDED(hr); i++) hr = DumpFile(argv[i]);
    }
    else
    {
        _ftprintf(stderr, _T("usage: %s [/f document.xml ...]\n"), argv[0]);
        hr = E_INVALIDARG;
    }
    CoUninitialize();
    return SUCCEEDED(hr) ? 0 : 1;
}
