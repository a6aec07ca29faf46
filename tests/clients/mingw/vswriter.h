/*
 * vswriter.h for make check-mingw only: MinGW-w64's vswriter.h has every
 * writer interface but not the CVssWriter class (VSS-SIGNATURES.md §7,
 * note 9), which Microsoft's SDK declares there and implements in
 * vssapi.lib.  This adds the class as the SDK declares it (members, access,
 * defaults and pure virtuals per VSS-SIGNATURES.md §4), so that the writer
 * client compiles against MinGW-w64 exactly as against the SDK.
 */
#pragma GCC system_header
#include_next <vswriter.h>

#if defined(__cplusplus) && !defined(UMBRA_MINGW_CVSSWRITER)
#define UMBRA_MINGW_CVSSWRITER

class CVssWriter
{
public:
    CVssWriter();
    virtual ~CVssWriter();

    HRESULT STDMETHODCALLTYPE Initialize(VSS_ID WriterId, LPCWSTR wszWriterName, VSS_USAGE_TYPE ut,
                                         VSS_SOURCE_TYPE st, VSS_APPLICATION_LEVEL nLevel = VSS_APP_FRONT_END,
                                         DWORD dwTimeoutFreeze = 60000,
                                         VSS_ALTERNATE_WRITER_STATE aws = VSS_AWS_NO_ALTERNATE_WRITER,
                                         bool bIOThrottlingOnly = false, LPCWSTR wszWriterInstanceName = NULL);
    HRESULT STDMETHODCALLTYPE Subscribe(DWORD dwEventFlags = VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG);
    HRESULT STDMETHODCALLTYPE Unsubscribe();
    HRESULT STDMETHODCALLTYPE InstallAlternateWriter(VSS_ID writerId, CLSID persistentWriterClassId);

protected:
    LPCWSTR *STDMETHODCALLTYPE GetCurrentVolumeArray() const;
    UINT STDMETHODCALLTYPE GetCurrentVolumeCount() const;
    HRESULT STDMETHODCALLTYPE GetSnapshotDeviceName(LPCWSTR wszOriginalVolume, LPCWSTR *ppwszSnapshotDevice) const;
    VSS_ID STDMETHODCALLTYPE GetCurrentSnapshotSetId() const;
    LONG STDMETHODCALLTYPE GetContext() const;
    VSS_APPLICATION_LEVEL STDMETHODCALLTYPE GetCurrentLevel() const;
    bool STDMETHODCALLTYPE IsPathAffected(LPCWSTR wszPath) const;
    bool STDMETHODCALLTYPE IsBootableSystemStateBackedUp() const;
    bool STDMETHODCALLTYPE AreComponentsSelected() const;
    VSS_BACKUP_TYPE STDMETHODCALLTYPE GetBackupType() const;
    VSS_RESTORE_TYPE STDMETHODCALLTYPE GetRestoreType() const;
    bool STDMETHODCALLTYPE IsPartialFileSupportEnabled() const;
    HRESULT STDMETHODCALLTYPE SetWriterFailure(HRESULT hr);

public:
    virtual bool STDMETHODCALLTYPE OnIdentify(IVssCreateWriterMetadata *pMetadata);
    virtual bool STDMETHODCALLTYPE OnPrepareBackup(IVssWriterComponents *pComponent);
    virtual bool STDMETHODCALLTYPE OnPrepareSnapshot() = 0;
    virtual bool STDMETHODCALLTYPE OnFreeze() = 0;
    virtual bool STDMETHODCALLTYPE OnThaw() = 0;
    virtual bool STDMETHODCALLTYPE OnAbort() = 0;
    virtual bool STDMETHODCALLTYPE OnBackupComplete(IVssWriterComponents *pComponent);
    virtual bool STDMETHODCALLTYPE OnBackupShutdown(VSS_ID SnapshotSetId);
    virtual bool STDMETHODCALLTYPE OnPreRestore(IVssWriterComponents *pComponent);
    virtual bool STDMETHODCALLTYPE OnPostRestore(IVssWriterComponents *pComponent);
    virtual bool STDMETHODCALLTYPE OnPostSnapshot(IVssWriterComponents *pComponent);
    virtual bool STDMETHODCALLTYPE OnBackOffIOOnVolume(VSS_PWSZ wszVolumeName, VSS_ID snapshotId, VSS_ID providerId);
    virtual bool STDMETHODCALLTYPE OnContinueIOOnVolume(VSS_PWSZ wszVolumeName, VSS_ID snapshotId, VSS_ID providerId);
    virtual bool STDMETHODCALLTYPE OnVSSShutdown();
    virtual bool STDMETHODCALLTYPE OnVSSApplicationStartup();

protected:
    IVssWriterImpl *m_pWriterImpl;
};

#endif
