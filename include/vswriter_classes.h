/*
 * vswriter_classes.h: the C++ writer classes CVssWriter, CVssWriterEx and
 * CVssWriterEx2, inline as in Microsoft's vswriter.h (DESIGN.md §2), which
 * includes this file at its end.  C code gets the callback API (vswriter_c.h)
 * and nothing else from here.
 *
 * Members, access, default arguments, pure virtuals and defaults are
 * Microsoft's (VSS-SIGNATURES.md §4).  Layout is Microsoft's too: the vtable
 * pointer, then IVssWriterImpl *m_pWriterImpl, and no other data.  The core in
 * libvssapi never calls these virtuals through the vtable: Initialize hands it
 * a table of C trampolines (umbra_writer_trampolines below), one per handler,
 * each of which calls the virtual with normal C++ dispatch and turns an escaping
 * exception into a veto instead of unwinding through C.
 *
 * Where Microsoft's inline forwarders would dereference a NULL m_pWriterImpl
 * (a writer used before Initialize), these return an error or an empty value.
 * CVssWriterEx::OnIdentifyEx calls OnIdentify by default, so that a writer may
 * override either one (the documented rule) and Identify still reaches it.
 */
#include <vswriter.h>   /* first: it includes this file at its end */
#include <vswriter_c.h>

#if defined(__cplusplus) && !defined(UMBRA_VSWRITER_CLASSES_H)
#define UMBRA_VSWRITER_CLASSES_H

extern "C++" {

class CVssWriter
{
public:
    CVssWriter() : m_pWriterImpl(NULL) {}

    virtual ~CVssWriter()
    {
        if (m_pWriterImpl)
        {
            m_pWriterImpl->Uninitialize();
            m_pWriterImpl->Release();
            m_pWriterImpl = NULL;
        }
    }

    HRESULT STDMETHODCALLTYPE Initialize(VSS_ID WriterId, LPCWSTR wszWriterName, VSS_USAGE_TYPE ut,
                                         VSS_SOURCE_TYPE st, VSS_APPLICATION_LEVEL nLevel = VSS_APP_FRONT_END,
                                         DWORD dwTimeoutFreeze = 60000,
                                         VSS_ALTERNATE_WRITER_STATE aws = VSS_AWS_NO_ALTERNATE_WRITER,
                                         bool bIOThrottlingOnly = false, LPCWSTR wszWriterInstanceName = NULL);

    HRESULT STDMETHODCALLTYPE Subscribe(DWORD dwEventFlags = VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG)
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->Subscribe(0, dwEventFlags);
    }

    HRESULT STDMETHODCALLTYPE Unsubscribe()
    {
        if (m_pWriterImpl) m_pWriterImpl->Unsubscribe();
        return S_OK;
    }

    HRESULT STDMETHODCALLTYPE InstallAlternateWriter(VSS_ID writerId, CLSID persistentWriterClassId)
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->InstallAlternateWriter(writerId, persistentWriterClassId);
    }

protected:
    LPCWSTR *STDMETHODCALLTYPE GetCurrentVolumeArray() const
    {
        return m_pWriterImpl ? m_pWriterImpl->GetCurrentVolumeArray() : NULL;
    }

    UINT STDMETHODCALLTYPE GetCurrentVolumeCount() const
    {
        return m_pWriterImpl ? m_pWriterImpl->GetCurrentVolumeCount() : 0;
    }

    HRESULT STDMETHODCALLTYPE GetSnapshotDeviceName(LPCWSTR wszOriginalVolume, LPCWSTR *ppwszSnapshotDevice) const
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->GetSnapshotDeviceName(wszOriginalVolume, ppwszSnapshotDevice);
    }

    VSS_ID STDMETHODCALLTYPE GetCurrentSnapshotSetId() const
    {
        if (!m_pWriterImpl) return VSS_ID();
        return m_pWriterImpl->GetCurrentSnapshotSetId();
    }

    LONG STDMETHODCALLTYPE GetContext() const
    {
        return m_pWriterImpl ? m_pWriterImpl->GetContext() : 0;
    }

    VSS_APPLICATION_LEVEL STDMETHODCALLTYPE GetCurrentLevel() const
    {
        return m_pWriterImpl ? m_pWriterImpl->GetCurrentLevel() : VSS_APP_AUTO;
    }

    bool STDMETHODCALLTYPE IsPathAffected(LPCWSTR wszPath) const
    {
        return m_pWriterImpl ? m_pWriterImpl->IsPathAffected(wszPath) : false;
    }

    bool STDMETHODCALLTYPE IsBootableSystemStateBackedUp() const
    {
        return m_pWriterImpl ? m_pWriterImpl->IsBootableSystemStateBackedUp() : false;
    }

    bool STDMETHODCALLTYPE AreComponentsSelected() const
    {
        return m_pWriterImpl ? m_pWriterImpl->AreComponentsSelected() : false;
    }

    VSS_BACKUP_TYPE STDMETHODCALLTYPE GetBackupType() const
    {
        return m_pWriterImpl ? m_pWriterImpl->GetBackupType() : VSS_BT_UNDEFINED;
    }

    VSS_RESTORE_TYPE STDMETHODCALLTYPE GetRestoreType() const
    {
        return m_pWriterImpl ? m_pWriterImpl->GetRestoreType() : VSS_RTYPE_UNDEFINED;
    }

    bool STDMETHODCALLTYPE IsPartialFileSupportEnabled() const
    {
        return m_pWriterImpl ? m_pWriterImpl->IsPartialFileSupportEnabled() : false;
    }

    HRESULT STDMETHODCALLTYPE SetWriterFailure(HRESULT hr)
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->SetWriterFailure(hr);
    }

public:
    virtual bool STDMETHODCALLTYPE OnIdentify(IVssCreateWriterMetadata *pMetadata)
    {
        (void)pMetadata;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnPrepareBackup(IVssWriterComponents *pComponent)
    {
        (void)pComponent;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnPrepareSnapshot() = 0;
    virtual bool STDMETHODCALLTYPE OnFreeze() = 0;
    virtual bool STDMETHODCALLTYPE OnThaw() = 0;
    virtual bool STDMETHODCALLTYPE OnAbort() = 0;

    virtual bool STDMETHODCALLTYPE OnBackupComplete(IVssWriterComponents *pComponent)
    {
        (void)pComponent;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnBackupShutdown(VSS_ID SnapshotSetId)
    {
        (void)SnapshotSetId;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnPreRestore(IVssWriterComponents *pComponent)
    {
        (void)pComponent;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnPostRestore(IVssWriterComponents *pComponent)
    {
        (void)pComponent;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnPostSnapshot(IVssWriterComponents *pComponent)
    {
        (void)pComponent;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnBackOffIOOnVolume(VSS_PWSZ wszVolumeName, VSS_ID snapshotId, VSS_ID providerId)
    {
        (void)wszVolumeName; (void)snapshotId; (void)providerId;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnContinueIOOnVolume(VSS_PWSZ wszVolumeName, VSS_ID snapshotId, VSS_ID providerId)
    {
        (void)wszVolumeName; (void)snapshotId; (void)providerId;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnVSSShutdown()
    {
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnVSSApplicationStartup()
    {
        return true;
    }

protected:
    IVssWriterImpl *m_pWriterImpl;
};

class CVssWriterEx : public CVssWriter
{
public:
    HRESULT STDMETHODCALLTYPE Initialize(VSS_ID WriterId, LPCWSTR wszWriterName, VSS_USAGE_TYPE ut,
                                         VSS_SOURCE_TYPE st, VSS_APPLICATION_LEVEL nLevel = VSS_APP_FRONT_END,
                                         DWORD dwTimeoutFreeze = 60000,
                                         VSS_ALTERNATE_WRITER_STATE aws = VSS_AWS_NO_ALTERNATE_WRITER,
                                         bool bIOThrottlingOnly = false, LPCWSTR wszWriterInstanceName = NULL);

    HRESULT STDMETHODCALLTYPE InitializeEx(VSS_ID WriterId, LPCWSTR wszWriterName, DWORD dwMajorVersion,
                                           DWORD dwMinorVersion, VSS_USAGE_TYPE ut, VSS_SOURCE_TYPE st,
                                           VSS_APPLICATION_LEVEL nLevel = VSS_APP_FRONT_END,
                                           DWORD dwTimeoutFreeze = 60000,
                                           VSS_ALTERNATE_WRITER_STATE aws = VSS_AWS_NO_ALTERNATE_WRITER,
                                           bool bIOThrottlingOnly = false, LPCWSTR wszWriterInstanceName = NULL);

    virtual bool STDMETHODCALLTYPE OnIdentify(IVssCreateWriterMetadata *pMetadata)
    {
        (void)pMetadata;
        return true;
    }

    virtual bool STDMETHODCALLTYPE OnIdentifyEx(IVssCreateWriterMetadataEx *pMetadata)
    {
        return OnIdentify(pMetadata);
    }

protected:
    HRESULT GetIdentifyInformation(IVssExamineWriterMetadata **ppMetadata)
    {
        if (!ppMetadata) return E_INVALIDARG;
        *ppMetadata = NULL;
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        *ppMetadata = m_pWriterImpl->GetIdentityInformation();
        return *ppMetadata ? S_OK : VSS_E_BAD_STATE;
    }

    HRESULT STDMETHODCALLTYPE SubscribeEx(DWORD dwUnsubscribeTimeout,
                                          DWORD dwEventFlags = VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG)
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->Subscribe(dwUnsubscribeTimeout, dwEventFlags);
    }
};

class CVssWriterEx2 : public CVssWriterEx
{
public:
    HRESULT STDMETHODCALLTYPE SetWriterFailureEx(HRESULT hrWriter, HRESULT hrApplication = S_FALSE,
                                                 LPCWSTR wszApplicationMessage = NULL)
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->SetWriterFailureEx(hrWriter, hrApplication, wszApplicationMessage);
    }

    HRESULT STDMETHODCALLTYPE GetSessionId(VSS_ID *idSession)
    {
        if (!m_pWriterImpl) return VSS_E_BAD_STATE;
        return m_pWriterImpl->GetSessionId(idSession);
    }

    bool STDMETHODCALLTYPE IsWriterShuttingDown()
    {
        return m_pWriterImpl ? m_pWriterImpl->IsWriterShuttingDown() : false;
    }
};

/* The C callbacks the core calls: each casts its context back to the writer
 * object Initialize registered and makes an ordinary virtual call. */
struct umbra_writer_trampolines
{
    static CVssWriter *self(void *context) { return static_cast<CVssWriter *>(context); }

    static bool OnIdentify(void *c, IVssCreateWriterMetadata *m)
    { try { return self(c)->OnIdentify(m); } catch (...) { return false; } }
    static bool OnPrepareBackup(void *c, IVssWriterComponents *p)
    { try { return self(c)->OnPrepareBackup(p); } catch (...) { return false; } }
    static bool OnPrepareSnapshot(void *c)
    { try { return self(c)->OnPrepareSnapshot(); } catch (...) { return false; } }
    static bool OnFreeze(void *c)
    { try { return self(c)->OnFreeze(); } catch (...) { return false; } }
    static bool OnThaw(void *c)
    { try { return self(c)->OnThaw(); } catch (...) { return false; } }
    static bool OnAbort(void *c)
    { try { return self(c)->OnAbort(); } catch (...) { return false; } }
    static bool OnBackupComplete(void *c, IVssWriterComponents *p)
    { try { return self(c)->OnBackupComplete(p); } catch (...) { return false; } }
    static bool OnBackupShutdown(void *c, VSS_ID id)
    { try { return self(c)->OnBackupShutdown(id); } catch (...) { return false; } }
    static bool OnPreRestore(void *c, IVssWriterComponents *p)
    { try { return self(c)->OnPreRestore(p); } catch (...) { return false; } }
    static bool OnPostRestore(void *c, IVssWriterComponents *p)
    { try { return self(c)->OnPostRestore(p); } catch (...) { return false; } }
    static bool OnPostSnapshot(void *c, IVssWriterComponents *p)
    { try { return self(c)->OnPostSnapshot(p); } catch (...) { return false; } }
    static bool OnBackOffIOOnVolume(void *c, VSS_PWSZ v, VSS_ID s, VSS_ID p)
    { try { return self(c)->OnBackOffIOOnVolume(v, s, p); } catch (...) { return false; } }
    static bool OnContinueIOOnVolume(void *c, VSS_PWSZ v, VSS_ID s, VSS_ID p)
    { try { return self(c)->OnContinueIOOnVolume(v, s, p); } catch (...) { return false; } }
    static bool OnVSSShutdown(void *c)
    { try { return self(c)->OnVSSShutdown(); } catch (...) { return false; } }
    static bool OnVSSApplicationStartup(void *c)
    { try { return self(c)->OnVSSApplicationStartup(); } catch (...) { return false; } }
    static bool OnIdentifyEx(void *c, IVssCreateWriterMetadataEx *m)
    { try { return static_cast<CVssWriterEx *>(self(c))->OnIdentifyEx(m); } catch (...) { return false; } }

    static const UMBRA_WRITER_CALLBACKS *table(bool ex)
    {
        static const UMBRA_WRITER_CALLBACKS base =
        {
            sizeof(UMBRA_WRITER_CALLBACKS), OnIdentify, OnPrepareBackup, OnPrepareSnapshot, OnFreeze,
            OnThaw, OnAbort, OnBackupComplete, OnBackupShutdown, OnPreRestore, OnPostRestore,
            OnPostSnapshot, OnBackOffIOOnVolume, OnContinueIOOnVolume, OnVSSShutdown,
            OnVSSApplicationStartup, NULL
        };
        static const UMBRA_WRITER_CALLBACKS extended =
        {
            sizeof(UMBRA_WRITER_CALLBACKS), OnIdentify, OnPrepareBackup, OnPrepareSnapshot, OnFreeze,
            OnThaw, OnAbort, OnBackupComplete, OnBackupShutdown, OnPreRestore, OnPostRestore,
            OnPostSnapshot, OnBackOffIOOnVolume, OnContinueIOOnVolume, OnVSSShutdown,
            OnVSSApplicationStartup, OnIdentifyEx
        };
        return ex ? &extended : &base;
    }

    /* What Initialize does before IVssWriterImpl::Initialize: make the core
     * (CreateWriter or CreateWriterEx) and give it the table. */
    static HRESULT bind(CVssWriter *writer, IVssWriterImpl **impl, bool ex)
    {
        HRESULT hr;

        if (*impl) return S_OK;
        hr = ex ? CreateWriterEx(static_cast<CVssWriterEx *>(writer), impl) : CreateWriter(writer, impl);
        if (FAILED(hr)) return hr;
        hr = UmbraWriterSetCallbacks(*impl, table(ex), writer);
        if (FAILED(hr))
        {
            (*impl)->Release();
            *impl = NULL;
        }
        return hr;
    }
};

inline HRESULT STDMETHODCALLTYPE CVssWriter::Initialize(VSS_ID WriterId, LPCWSTR wszWriterName,
                                                        VSS_USAGE_TYPE ut, VSS_SOURCE_TYPE st,
                                                        VSS_APPLICATION_LEVEL nLevel, DWORD dwTimeoutFreeze,
                                                        VSS_ALTERNATE_WRITER_STATE aws, bool bIOThrottlingOnly,
                                                        LPCWSTR wszWriterInstanceName)
{
    HRESULT hr = umbra_writer_trampolines::bind(this, &m_pWriterImpl, false);

    if (FAILED(hr)) return hr;
    return m_pWriterImpl->Initialize(WriterId, wszWriterName, wszWriterInstanceName, 0, 0, ut, st, nLevel,
                                     dwTimeoutFreeze, aws, bIOThrottlingOnly);
}

inline HRESULT STDMETHODCALLTYPE CVssWriterEx::Initialize(VSS_ID WriterId, LPCWSTR wszWriterName,
                                                          VSS_USAGE_TYPE ut, VSS_SOURCE_TYPE st,
                                                          VSS_APPLICATION_LEVEL nLevel, DWORD dwTimeoutFreeze,
                                                          VSS_ALTERNATE_WRITER_STATE aws, bool bIOThrottlingOnly,
                                                          LPCWSTR wszWriterInstanceName)
{
    HRESULT hr = umbra_writer_trampolines::bind(this, &m_pWriterImpl, true);

    if (FAILED(hr)) return hr;
    return m_pWriterImpl->Initialize(WriterId, wszWriterName, wszWriterInstanceName, 0, 0, ut, st, nLevel,
                                     dwTimeoutFreeze, aws, bIOThrottlingOnly);
}

inline HRESULT STDMETHODCALLTYPE CVssWriterEx::InitializeEx(VSS_ID WriterId, LPCWSTR wszWriterName,
                                                            DWORD dwMajorVersion, DWORD dwMinorVersion,
                                                            VSS_USAGE_TYPE ut, VSS_SOURCE_TYPE st,
                                                            VSS_APPLICATION_LEVEL nLevel, DWORD dwTimeoutFreeze,
                                                            VSS_ALTERNATE_WRITER_STATE aws, bool bIOThrottlingOnly,
                                                            LPCWSTR wszWriterInstanceName)
{
    HRESULT hr = umbra_writer_trampolines::bind(this, &m_pWriterImpl, true);

    if (FAILED(hr)) return hr;
    return m_pWriterImpl->Initialize(WriterId, wszWriterName, wszWriterInstanceName, dwMajorVersion,
                                     dwMinorVersion, ut, st, nLevel, dwTimeoutFreeze, aws, bIOThrottlingOnly);
}

} /* extern "C++" */

#endif
