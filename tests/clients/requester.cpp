/*
 * requester.cpp: a full component-mode backup the way Microsoft's samples
 * (vshadow, the "VSS requester" walkthrough) do it: every component of
 * every writer is added, one volume is shadow copied, a directory is copied
 * out of the shadow copy with CopyFileEx, the components are marked backed
 * up and the writers are told BackupComplete.  The backup components
 * document is saved beside the copy as backup.xml.
 *
 *   requester <volume> <directory on that volume> <destination directory>
 *   e.g. requester C:\ C:\data D:\backup
 *
 * Windows code: it builds unchanged with Visual C++, MinGW-w64 and Umbra.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <shlwapi.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <atlbase.h>
#include <atlstr.h>
#include <strsafe.h>   /* last: it deprecates the functions other headers use */

#define MAX_COMPONENTS 64

struct BackupComponent
{
    VSS_ID idInstance;
    VSS_ID idWriter;
    VSS_COMPONENT_TYPE type;
    CComBSTR bstrLogicalPath;
    CComBSTR bstrName;
};

static BackupComponent g_components[MAX_COMPONENTS];
static UINT g_cComponents;
static ULONGLONG g_cbCopied;
static UINT g_cFilesCopied;

static void PrintError(LPCWSTR pszWhat, HRESULT hr)
{
    LPWSTR pszMessage = NULL;

    FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                   NULL, (DWORD)hr, 0, (LPWSTR)&pszMessage, 0, NULL);
    wprintf(L"ERROR: %s failed: 0x%08lx %s\n", pszWhat, hr, pszMessage ? pszMessage : L"");
    if (pszMessage) LocalFree(pszMessage);
}

#define CHECK(expr)                                      \
    do                                                   \
    {                                                    \
        HRESULT hr_ = (expr);                            \
        if (FAILED(hr_))                                 \
        {                                                \
            PrintError(L## #expr, hr_);                  \
            return hr_;                                  \
        }                                                \
    } while (0)

/* Wait for an asynchronous VSS operation and return its result. */
static HRESULT WaitFor(IVssAsync *pAsync)
{
    HRESULT hrResult = E_FAIL;
    HRESULT hr = pAsync->Wait();

    if (FAILED(hr)) return hr;
    hr = pAsync->QueryStatus(&hrResult, NULL);
    if (FAILED(hr)) return hr;
    return hrResult == VSS_S_ASYNC_FINISHED ? S_OK : hrResult;
}

#define WAIT(call)                                       \
    do                                                   \
    {                                                    \
        CComPtr<IVssAsync> pAsync_;                      \
        CHECK(call(&pAsync_));                           \
        CHECK(WaitFor(pAsync_));                         \
    } while (0)

static CString GuidString(const GUID &guid)
{
    WCHAR text[64];

    StringFromGUID2(guid, text, 64);
    return CString(text);
}

static LPCWSTR WriterStateName(VSS_WRITER_STATE state)
{
    switch (state)
    {
    case VSS_WS_STABLE: return L"STABLE";
    case VSS_WS_WAITING_FOR_FREEZE: return L"WAITING_FOR_FREEZE";
    case VSS_WS_WAITING_FOR_THAW: return L"WAITING_FOR_THAW";
    case VSS_WS_WAITING_FOR_POST_SNAPSHOT: return L"WAITING_FOR_POST_SNAPSHOT";
    case VSS_WS_WAITING_FOR_BACKUP_COMPLETE: return L"WAITING_FOR_BACKUP_COMPLETE";
    default: return L"FAILED";
    }
}

/* GatherWriterStatus, print it, and fail if a writer failed. */
static HRESULT CheckWriterStatus(IVssBackupComponents *pBackup, LPCWSTR pszWhen)
{
    UINT cWriters = 0;
    HRESULT hrResult = S_OK;

    WAIT(pBackup->GatherWriterStatus);
    CHECK(pBackup->GetWriterStatusCount(&cWriters));
    for (UINT i = 0; i < cWriters; i++)
    {
        VSS_ID idInstance, idWriter;
        CComBSTR bstrName;
        VSS_WRITER_STATE state;
        HRESULT hrFailure = S_OK;

        CHECK(pBackup->GetWriterStatus(i, &idInstance, &idWriter, &bstrName, &state, &hrFailure));
        wprintf(L"Writer \"%s\" %s: %s (0x%08lx)\n", (LPCWSTR)bstrName, pszWhen, WriterStateName(state), hrFailure);
        if (FAILED(hrFailure)) hrResult = hrFailure;
    }
    CHECK(pBackup->FreeWriterStatus());
    return hrResult;
}

/* Component mode: every component of every writer goes into the backup. */
static HRESULT AddWriterComponents(IVssBackupComponents *pBackup)
{
    UINT cWriters = 0;

    CHECK(pBackup->GetWriterMetadataCount(&cWriters));
    for (UINT i = 0; i < cWriters; i++)
    {
        CComPtr<IVssExamineWriterMetadata> pMetadata;
        VSS_ID idInstance, idInstanceCheck, idWriter;
        CComBSTR bstrWriterName;
        VSS_USAGE_TYPE usage;
        VSS_SOURCE_TYPE source;
        UINT cIncludes, cExcludes, cComponents;

        CHECK(pBackup->GetWriterMetadata(i, &idInstance, &pMetadata));
        CHECK(pMetadata->GetIdentity(&idInstanceCheck, &idWriter, &bstrWriterName, &usage, &source));
        CHECK(pMetadata->GetFileCounts(&cIncludes, &cExcludes, &cComponents));
        for (UINT j = 0; j < cComponents && g_cComponents < MAX_COMPONENTS; j++)
        {
            CComPtr<IVssWMComponent> pComponent;
            PVSSCOMPONENTINFO pInfo = NULL;
            BackupComponent &c = g_components[g_cComponents];

            CHECK(pMetadata->GetComponent(j, &pComponent));
            CHECK(pComponent->GetComponentInfo(&pInfo));
            c.idInstance = idInstance;
            c.idWriter = idWriter;
            c.type = pInfo->type;
            c.bstrLogicalPath = pInfo->bstrLogicalPath;
            c.bstrName = pInfo->bstrComponentName;
            pComponent->FreeComponentInfo(pInfo);
            wprintf(L"Adding component %s of writer \"%s\" %s\n", (LPCWSTR)c.bstrName, (LPCWSTR)bstrWriterName,
                    GuidString(idWriter).GetString());
            CHECK(pBackup->AddComponent(c.idInstance, c.idWriter, c.type, c.bstrLogicalPath, c.bstrName));
            g_cComponents++;
        }
    }
    return S_OK;
}

static DWORD CALLBACK CopyProgress(LARGE_INTEGER TotalFileSize, LARGE_INTEGER TotalBytesTransferred,
                                   LARGE_INTEGER StreamSize, LARGE_INTEGER StreamBytesTransferred,
                                   DWORD dwStreamNumber, DWORD dwCallbackReason, HANDLE hSourceFile,
                                   HANDLE hDestinationFile, LPVOID lpData)
{
    ULONGLONG *pcbFile = (ULONGLONG *)lpData;

    UNREFERENCED_PARAMETER(StreamSize);
    UNREFERENCED_PARAMETER(StreamBytesTransferred);
    UNREFERENCED_PARAMETER(dwStreamNumber);
    UNREFERENCED_PARAMETER(hSourceFile);
    UNREFERENCED_PARAMETER(hDestinationFile);
    if (dwCallbackReason == CALLBACK_CHUNK_FINISHED && TotalBytesTransferred.QuadPart <= TotalFileSize.QuadPart)
        *pcbFile = (ULONGLONG)TotalBytesTransferred.QuadPart;
    return PROGRESS_CONTINUE;
}

/* Copy a directory tree out of the shadow copy. */
static HRESULT CopyTree(const CString &strFrom, const CString &strTo)
{
    WIN32_FIND_DATA data;
    HANDLE hFind;
    CString strPattern = strFrom + _T("\\*");

    if (!CreateDirectory(strTo, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        return HRESULT_FROM_WIN32(GetLastError());
    hFind = FindFirstFile(strPattern, &data);
    if (hFind == INVALID_HANDLE_VALUE) return HRESULT_FROM_WIN32(GetLastError());
    do
    {
        CString strSource = strFrom + _T("\\") + data.cFileName;
        CString strTarget = strTo + _T("\\") + data.cFileName;

        if (!_tcscmp(data.cFileName, _T(".")) || !_tcscmp(data.cFileName, _T(".."))) continue;
        if (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) continue;
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        {
            HRESULT hr = CopyTree(strSource, strTarget);
            if (FAILED(hr))
            {
                FindClose(hFind);
                return hr;
            }
            continue;
        }
        ULONGLONG cbFile = 0;
        if (!CopyFileEx(strSource, strTarget, CopyProgress, &cbFile, NULL, 0))
        {
            DWORD dwError = GetLastError();
            wprintf(L"ERROR: cannot copy %s\n", strSource.GetString());
            FindClose(hFind);
            return HRESULT_FROM_WIN32(dwError);
        }
        wprintf(L"Copied %s (%I64u bytes)\n", strSource.GetString(), cbFile);
        g_cbCopied += cbFile;
        g_cFilesCopied++;
    } while (FindNextFile(hFind, &data));
    DWORD dwError = GetLastError();
    FindClose(hFind);
    return dwError == ERROR_NO_MORE_FILES ? S_OK : HRESULT_FROM_WIN32(dwError);
}

/* Save a BSTR as UTF-8 with Win32 file calls. */
static HRESULT SaveText(LPCTSTR pszFile, BSTR bstrText)
{
    CStringA strUtf8;
    int cb = WideCharToMultiByte(CP_UTF8, 0, bstrText, (int)SysStringLen(bstrText), NULL, 0, NULL, NULL);
    HANDLE hFile;
    DWORD dwWritten = 0;
    BOOL bOk;

    if (cb > 0)
    {
        WideCharToMultiByte(CP_UTF8, 0, bstrText, (int)SysStringLen(bstrText), strUtf8.GetBuffer(cb), cb, NULL, NULL);
        strUtf8.ReleaseBuffer(cb);
    }
    hFile = CreateFile(pszFile, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (hFile == INVALID_HANDLE_VALUE) return HRESULT_FROM_WIN32(GetLastError());
    bOk = WriteFile(hFile, strUtf8.GetString(), (DWORD)strUtf8.GetLength(), &dwWritten, NULL);
    CloseHandle(hFile);
    return bOk ? S_OK : HRESULT_FROM_WIN32(GetLastError());
}

static HRESULT Backup(LPCWSTR pszVolume, LPCWSTR pszSource, LPCWSTR pszDestination)
{
    CComPtr<IVssBackupComponents> pBackup;
    VSS_ID idSet, idSnapshot;
    VSS_SNAPSHOT_PROP prop;
    WCHAR szVolumePath[MAX_PATH], szVolumeName[MAX_PATH], szFull[MAX_PATH], szVolumeFull[MAX_PATH];
    CComBSTR bstrXml;
    CString strRelative, strShadowSource;
    HRESULT hr;

    /* which volume, by its Windows names */
    if (!GetVolumePathNameW(pszSource, szVolumePath, MAX_PATH)) return HRESULT_FROM_WIN32(GetLastError());
    if (!GetVolumeNameForVolumeMountPointW(pszVolume, szVolumeName, MAX_PATH)) return HRESULT_FROM_WIN32(GetLastError());
    wprintf(L"Source %s is on volume %s\n", pszSource, szVolumePath);
    wprintf(L"Volume %s is %s\n", pszVolume, szVolumeName);

    /* the source directory, relative to the volume */
    if (!GetFullPathNameW(pszSource, MAX_PATH, szFull, NULL) || !GetFullPathNameW(pszVolume, MAX_PATH, szVolumeFull, NULL))
        return HRESULT_FROM_WIN32(GetLastError());
    PathRemoveBackslashW(szVolumeFull);
    if (_wcsnicmp(szFull, szVolumeFull, wcslen(szVolumeFull)))
    {
        wprintf(L"ERROR: %s is not on volume %s\n", szFull, szVolumeFull);
        return E_INVALIDARG;
    }
    strRelative = szFull + wcslen(szVolumeFull);
    if (!strRelative.IsEmpty() && strRelative[0] != L'\\' && strRelative[0] != L'/') strRelative.Insert(0, L'\\');

    CHECK(CreateVssBackupComponents(&pBackup));
    CHECK(pBackup->InitializeForBackup(NULL));
    CHECK(pBackup->SetBackupState(true, false, VSS_BT_FULL, false));
    WAIT(pBackup->GatherWriterMetadata);
    CHECK(AddWriterComponents(pBackup));

    CHECK(pBackup->StartSnapshotSet(&idSet));
    CHECK(pBackup->AddToSnapshotSet((VSS_PWSZ)pszVolume, GUID_NULL, &idSnapshot));
    wprintf(L"Snapshot set %s, snapshot %s\n", GuidString(idSet).GetString(), GuidString(idSnapshot).GetString());
    WAIT(pBackup->PrepareForBackup);
    CHECK(CheckWriterStatus(pBackup, L"after PrepareForBackup"));
    WAIT(pBackup->DoSnapshotSet);
    CHECK(CheckWriterStatus(pBackup, L"after DoSnapshotSet"));

    CHECK(pBackup->GetSnapshotProperties(idSnapshot, &prop));
    wprintf(L"* SNAPSHOT ID = %s\n", GuidString(prop.m_SnapshotId).GetString());
    wprintf(L"   - Snapshot set ID = %s\n", GuidString(prop.m_SnapshotSetId).GetString());
    wprintf(L"   - Original volume name = %s\n", prop.m_pwszOriginalVolumeName);
    wprintf(L"   - Snapshot device object = %s\n", prop.m_pwszSnapshotDeviceObject);
    wprintf(L"   - Originating machine = %s\n", prop.m_pwszOriginatingMachine);
    wprintf(L"   - Provider ID = %s\n", GuidString(prop.m_ProviderId).GetString());
    wprintf(L"   - Attributes = 0x%08lx\n", prop.m_lSnapshotAttributes);
    {
        FILETIME ftCreated, ftLocal;
        SYSTEMTIME st;
        WCHAR szDate[64] = L"", szTime[64] = L"";

        ftCreated.dwLowDateTime = (DWORD)prop.m_tsCreationTimestamp;
        ftCreated.dwHighDateTime = (DWORD)(prop.m_tsCreationTimestamp >> 32);
        if (FileTimeToLocalFileTime(&ftCreated, &ftLocal) && FileTimeToSystemTime(&ftLocal, &st))
        {
            GetDateFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, szDate, 64);
            GetTimeFormatW(LOCALE_USER_DEFAULT, 0, &st, NULL, szTime, 64);
        }
        wprintf(L"   - Created = %s %s\n", szDate, szTime);
    }

    /* the volume's names, as kernel32 knows them: vssapi must agree */
    {
        WCHAR szNames[1024];
        DWORD cchNeeded = 0;

        if (GetVolumePathNamesForVolumeNameW(prop.m_pwszOriginalVolumeName, szNames, ARRAYSIZE(szNames), &cchNeeded))
            for (LPCWSTR p = szNames; *p; p += wcslen(p) + 1) wprintf(L"   - Volume path = %s\n", p);
        wprintf(L"   - Same volume as %s: %s\n", pszVolume,
                !_wcsicmp(prop.m_pwszOriginalVolumeName, szVolumeName) ? L"yes" : L"no");
    }

    /* the data, from the shadow copy: device object + path below the volume */
    strShadowSource = prop.m_pwszSnapshotDeviceObject;
    strShadowSource += strRelative;
    wprintf(L"Copying %s to %s\n", strShadowSource.GetString(), pszDestination);
    hr = CopyTree(strShadowSource, pszDestination);
    VssFreeSnapshotProperties(&prop);
    if (FAILED(hr))
    {
        PrintError(L"copying the data", hr);
        pBackup->AbortBackup();
        return hr;
    }
    wprintf(L"Copied %u files, %I64u bytes\n", g_cFilesCopied, g_cbCopied);

    for (UINT i = 0; i < g_cComponents; i++)
    {
        const BackupComponent &c = g_components[i];
        CHECK(pBackup->SetBackupSucceeded(c.idInstance, c.idWriter, c.type, c.bstrLogicalPath, c.bstrName, true));
        wprintf(L"Component %s backed up\n", (LPCWSTR)c.bstrName);
    }
    CHECK(pBackup->SaveAsXML(&bstrXml));
    {
        CString strXmlFile(pszDestination);
        strXmlFile += L"\\backup.xml";
        CHECK(SaveText(strXmlFile, bstrXml));
    }
    WAIT(pBackup->BackupComplete);
    CHECK(CheckWriterStatus(pBackup, L"after BackupComplete"));
    return S_OK;
}

int wmain(int argc, WCHAR *argv[])
{
    HRESULT hr;

    if (argc != 4)
    {
        fwprintf(stderr, L"usage: %s <volume> <directory on it> <destination>\n", argv[0]);
        return 2;
    }
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr))
    {
        PrintError(L"CoInitializeEx", hr);
        return 1;
    }
    hr = CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IDENTIFY, NULL,
                              EOAC_NONE, NULL);
    if (FAILED(hr)) PrintError(L"CoInitializeSecurity", hr);
    hr = Backup(argv[1], argv[2], argv[3]);
    CoUninitialize();
    if (FAILED(hr))
    {
        PrintError(L"the backup", hr);
        return 1;
    }
    wprintf(L"Backup completed\n");
    return 0;
}
