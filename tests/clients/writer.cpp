/*
 * writer.cpp: a VSS writer written the way Windows programs are, derived
 * from CVssWriter.  It reports one file-group component, "DemoData", holding
 * every file below the data directory it is given, logs every event it gets
 * with the time, and runs until Ctrl-C (or the console closes).
 *
 * At Freeze it writes freeze-marker.txt and sets state.txt to "frozen"; at
 * Thaw it sets state.txt to "thawed" and writes thaw-marker.txt.  A backup
 * taken at the right moment therefore holds the Freeze files and not the
 * Thaw ones, which is what tests/integration/test_clients.c checks.
 *
 *   writer <data directory>             e.g. writer V:\data
 *
 * Windows code: it builds unchanged with Visual C++, MinGW-w64 and Umbra.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <vss.h>
#include <vswriter.h>
#include <atlbase.h>
#include <strsafe.h>   /* last: it deprecates the functions other headers use */

/* {6c1e6b6a-1d0b-4bd3-9d7f-5e2b7a1c0d42} */
static const VSS_ID DemoWriterId = { 0x6c1e6b6a, 0x1d0b, 0x4bd3, { 0x9d, 0x7f, 0x5e, 0x2b, 0x7a, 0x1c, 0x0d, 0x42 } };
static const WCHAR DemoWriterName[] = L"Umbra Demo Writer";
static const WCHAR DemoComponent[] = L"DemoData";

static HANDLE g_hQuit;
static CRITICAL_SECTION g_csLog;

/* One line on stdout, with the local time in front. */
static void Log(LPCTSTR format, ...)
{
    TCHAR line[1024], stamp[64];
    va_list args;

    if (!GetTimeFormat(LOCALE_USER_DEFAULT, TIME_FORCE24HOURFORMAT, NULL, _T("HH':'mm':'ss"), stamp, 64))
        StringCchCopy(stamp, 64, _T("--:--:--"));
    va_start(args, format);
    StringCchVPrintf(line, ARRAYSIZE(line), format, args);
    va_end(args);
    EnterCriticalSection(&g_csLog);
    _tprintf(_T("[%s] %s\n"), stamp, line);
    fflush(stdout);
    LeaveCriticalSection(&g_csLog);
}

static void LogError(LPCTSTR what, DWORD error)
{
    LPTSTR message = NULL;

    FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                  error, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), (LPTSTR)&message, 0, NULL);
    Log(_T("%s failed: error %u: %s"), what, error, message ? message : _T("(no text)"));
    if (message) LocalFree(message);
}

/* A flag out-parameter is bool in Microsoft's SDK and boolean in MinGW-w64's
 * headers: let the compiler take the type the header declares. */
template <typename Flag>
static HRESULT GetFlag(IVssComponent *pComponent, HRESULT (STDMETHODCALLTYPE IVssComponent::*pfnGet)(Flag *), bool *pbValue)
{
    Flag value = Flag();
    HRESULT hr = (pComponent->*pfnGet)(&value);

    *pbValue = value ? true : false;
    return hr;
}

static void GuidText(const GUID &guid, LPTSTR text, int size)
{
    WCHAR wide[64];

    StringFromGUID2(guid, wide, 64);
    StringCchCopy(text, size, wide);
}

class CDemoWriter : public CVssWriter
{
public:
    CDemoWriter() { m_szDataDir[0] = 0; }

    HRESULT Start(LPCTSTR pszDataDir)
    {
        HRESULT hr;

        StringCchCopy(m_szDataDir, MAX_PATH, pszDataDir);
        hr = Initialize(DemoWriterId, DemoWriterName, VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000);
        if (FAILED(hr))
        {
            Log(_T("Initialize failed: 0x%08lx"), hr);
            return hr;
        }
        hr = Subscribe();
        if (FAILED(hr)) Log(_T("Subscribe failed: 0x%08lx"), hr);
        return hr;
    }

    bool STDMETHODCALLTYPE OnIdentify(IVssCreateWriterMetadata *pMetadata)
    {
        HRESULT hr;

        Log(_T("OnIdentify"));
        hr = pMetadata->AddComponent(VSS_CT_FILEGROUP, NULL, DemoComponent, L"Data of the Umbra demo writer", NULL, 0,
                                     false, true, true);
        if (SUCCEEDED(hr)) hr = pMetadata->AddFilesToFileGroup(NULL, DemoComponent, m_szDataDir, L"*", true, NULL);
        if (SUCCEEDED(hr)) hr = pMetadata->SetRestoreMethod(VSS_RME_RESTORE_IF_NOT_THERE, NULL, NULL, VSS_WRE_ALWAYS, false);
        if (FAILED(hr))
        {
            Log(_T("OnIdentify: describing the component failed: 0x%08lx"), hr);
            return false;
        }
        return true;
    }

    bool STDMETHODCALLTYPE OnPrepareBackup(IVssWriterComponents *pComponents)
    {
        UINT count = 0;

        Log(_T("OnPrepareBackup: components selected: %s, backup type %d"), AreComponentsSelected() ? _T("yes") : _T("no"),
            (int)GetBackupType());
        if (pComponents && SUCCEEDED(pComponents->GetComponentCount(&count)))
        {
            for (UINT i = 0; i < count; i++)
            {
                CComPtr<IVssComponent> pComponent;
                CComBSTR bstrName;

                if (FAILED(pComponents->GetComponent(i, &pComponent))) continue;
                if (SUCCEEDED(pComponent->GetComponentName(&bstrName)))
                    Log(_T("OnPrepareBackup: component %s is in the backup"), (LPCWSTR)bstrName);
            }
        }
        return true;
    }

    bool STDMETHODCALLTYPE OnPrepareSnapshot()
    {
        UINT count = GetCurrentVolumeCount();
        LPCWSTR *volumes = GetCurrentVolumeArray();

        Log(_T("OnPrepareSnapshot: %u volume(s), data affected: %s"), count,
            IsPathAffected(m_szDataDir) ? _T("yes") : _T("no"));
        for (UINT i = 0; volumes && i < count; i++) Log(_T("OnPrepareSnapshot: volume %s"), volumes[i]);
        return true;
    }

    bool STDMETHODCALLTYPE OnFreeze()
    {
        Log(_T("OnFreeze"));
        /* what the backup must hold: written, and on disk, before Freeze returns */
        if (!WriteDataFile(_T("freeze-marker.txt"), "written at Freeze\n")) return false;
        return WriteDataFile(_T("state.txt"), "frozen\n");
    }

    bool STDMETHODCALLTYPE OnThaw()
    {
        Log(_T("OnThaw"));
        /* what the backup must not hold */
        if (!WriteDataFile(_T("state.txt"), "thawed\n")) return false;
        return WriteDataFile(_T("thaw-marker.txt"), "written at Thaw\n");
    }

    bool STDMETHODCALLTYPE OnPostSnapshot(IVssWriterComponents *pComponents)
    {
        UINT count = 0;

        if (pComponents) pComponents->GetComponentCount(&count);
        Log(_T("OnPostSnapshot: %u component(s)"), count);
        return true;
    }

    bool STDMETHODCALLTYPE OnAbort()
    {
        Log(_T("OnAbort"));
        return true;
    }

    bool STDMETHODCALLTYPE OnBackupComplete(IVssWriterComponents *pComponents)
    {
        UINT count = 0;

        Log(_T("OnBackupComplete"));
        if (pComponents && SUCCEEDED(pComponents->GetComponentCount(&count)))
        {
            for (UINT i = 0; i < count; i++)
            {
                CComPtr<IVssComponent> pComponent;
                CComBSTR bstrName;
                bool bSucceeded = false;

                if (FAILED(pComponents->GetComponent(i, &pComponent))) continue;
                pComponent->GetComponentName(&bstrName);
                GetFlag(pComponent, &IVssComponent::GetBackupSucceeded, &bSucceeded);
                Log(_T("OnBackupComplete: component %s backed up: %s"), (LPCWSTR)bstrName,
                    bSucceeded ? _T("yes") : _T("no"));
            }
        }
        return true;
    }

    bool STDMETHODCALLTYPE OnBackupShutdown(VSS_ID SnapshotSetId)
    {
        TCHAR szSet[64];

        GuidText(SnapshotSetId, szSet, 64);
        Log(_T("OnBackupShutdown: snapshot set %s"), szSet);
        return true;
    }

    bool STDMETHODCALLTYPE OnPreRestore(IVssWriterComponents *pComponents)
    {
        UINT count = 0;

        if (pComponents) pComponents->GetComponentCount(&count);
        Log(_T("OnPreRestore: %u component(s)"), count);
        return true;
    }

    bool STDMETHODCALLTYPE OnPostRestore(IVssWriterComponents *pComponents)
    {
        UINT count = 0;

        if (pComponents) pComponents->GetComponentCount(&count);
        Log(_T("OnPostRestore: %u component(s)"), count);
        return true;
    }

private:
    bool WriteDataFile(LPCTSTR pszName, const char *pszText)
    {
        TCHAR szPath[MAX_PATH];
        DWORD dwWritten = 0;
        HANDLE hFile;
        BOOL bOk;

        StringCchPrintf(szPath, MAX_PATH, _T("%s\\%s"), m_szDataDir, pszName);
        hFile = CreateFile(szPath, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (hFile == INVALID_HANDLE_VALUE)
        {
            LogError(szPath, GetLastError());
            return false;
        }
        bOk = WriteFile(hFile, pszText, (DWORD)strlen(pszText), &dwWritten, NULL) && FlushFileBuffers(hFile);
        if (!bOk) LogError(szPath, GetLastError());
        CloseHandle(hFile);
        return bOk != FALSE;
    }

    TCHAR m_szDataDir[MAX_PATH];
};

static BOOL WINAPI CtrlHandler(DWORD dwCtrlType)
{
    switch (dwCtrlType)
    {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
        SetEvent(g_hQuit);
        return TRUE;
    default:
        return FALSE;
    }
}

int _tmain(int argc, _TCHAR *argv[])
{
    TCHAR szDataDir[MAX_PATH];
    CDemoWriter *pWriter;
    HRESULT hr;
    int ret = 0;

    if (argc != 2)
    {
        _ftprintf(stderr, _T("usage: %s <data directory>\n"), argv[0]);
        return 2;
    }
    if (!GetFullPathName(argv[1], MAX_PATH, szDataDir, NULL))
    {
        _ftprintf(stderr, _T("%s: bad path %s\n"), argv[0], argv[1]);
        return 2;
    }
    if (!(GetFileAttributes(szDataDir) & FILE_ATTRIBUTE_DIRECTORY) || GetFileAttributes(szDataDir) == INVALID_FILE_ATTRIBUTES)
    {
        _ftprintf(stderr, _T("%s: %s is not a directory\n"), argv[0], szDataDir);
        return 2;
    }
    InitializeCriticalSection(&g_csLog);
    g_hQuit = CreateEvent(NULL, TRUE, FALSE, NULL);
    if (!g_hQuit || !SetConsoleCtrlHandler(CtrlHandler, TRUE))
    {
        LogError(_T("setting up"), GetLastError());
        return 1;
    }

    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr))
    {
        Log(_T("CoInitializeEx failed: 0x%08lx"), hr);
        return 1;
    }
    hr = CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IDENTIFY, NULL,
                              EOAC_NONE, NULL);
    if (FAILED(hr)) Log(_T("CoInitializeSecurity failed: 0x%08lx (going on)"), hr);

    pWriter = new CDemoWriter;
    hr = pWriter->Start(szDataDir);
    if (SUCCEEDED(hr))
    {
        Log(_T("Writer %s subscribed for %s; press Ctrl-C to stop"), DemoWriterName, szDataDir);
        WaitForSingleObject(g_hQuit, INFINITE);
        Log(_T("Stopping"));
        pWriter->Unsubscribe();
    }
    else ret = 1;
    delete pWriter;
    CoUninitialize();
    Log(_T("Writer stopped"));
    CloseHandle(g_hQuit);
    DeleteCriticalSection(&g_csLog);
    return ret;
}
