/*
 * test_writer_cxx.cpp: a VSS writer written the Windows way, a C++ class
 * derived from CVssWriter (or, with --ex, CVssWriterEx2), run as its own
 * process by the writer integration tests.  Same log, vetoes, hangs and
 * crashes as test_writer_c (command line in test_writer_common.h), so the two
 * can be checked against each other: one core serves both.
 */
#include <type_traits>
#include "test_writer_common.h"

template <class Base> class TestWriter : public Base
{
public:
    static constexpr bool is_ex = std::is_base_of<CVssWriterEx, Base>::value;

    TestWriter(tw_options *opts, const char *label) : m_opts(opts)
    {
        snprintf(m_label, sizeof(m_label), "%s", label);
    }

    ~TestWriter()
    {
        this->Unsubscribe();
    }

    HRESULT Start(const WCHAR *name, const WCHAR *instance)
    {
        HRESULT hr = this->Initialize(m_opts->id, name, VSS_UT_USERDATA, VSS_ST_OTHER, m_opts->level,
                                      m_opts->freeze_timeout, VSS_AWS_NO_ALTERNATE_WRITER, false, instance);
        if (FAILED(hr)) return hr;
        return this->Subscribe();   /* Microsoft's default mask */
    }

    bool OnIdentify(IVssCreateWriterMetadata *metadata) override
    {
        tw_log(m_opts, m_label, "Identify", "metadata=%d ex=0", metadata != NULL);
        if (metadata)
        {
            /* default arguments of the C++ interface: bSelectableForRestore, flags, mask */
            metadata->AddComponent(VSS_CT_FILEGROUP, NULL, L"CxxData", L"C++ test data", NULL, 0, false, true,
                                   true);
            tw_identify_files(m_opts, metadata, L"CxxData", "/srv/cxx-data", L"*.db", false);
        }
        return !Veto("Identify");
    }

    bool OnPrepareBackup(IVssWriterComponents *components) override
    {
        return ComponentsEvent("PrepareBackup", components, "");
    }

    bool OnPrepareSnapshot() override
    {
        UINT n = this->GetCurrentVolumeCount();
        LPCWSTR *volumes = this->GetCurrentVolumeArray();
        VSS_ID set = this->GetCurrentSnapshotSetId();
        char vol0[256] = "", setid[64];

        if (n && volumes) tw_narrow(volumes[0], vol0, sizeof(vol0));
        tw_guid_text(&set, setid, sizeof(setid));
        tw_log(m_opts, m_label, "PrepareSnapshot", "volumes=%u vol0=%s set=%s context=%d affected=%d", n, vol0,
               setid, (int)this->GetContext(), this->IsPathAffected(L"/srv/data/db/file.db"));
        return !Veto("PrepareSnapshot");
    }

    bool OnFreeze() override
    {
        tw_log(m_opts, m_label, "Freeze", "level=%d", this->GetCurrentLevel());
        return !Veto("Freeze");
    }

    bool OnThaw() override
    {
        tw_log(m_opts, m_label, "Thaw", "level=%d", this->GetCurrentLevel());
        return !Veto("Thaw");
    }

    bool OnPostSnapshot(IVssWriterComponents *components) override
    {
        LPCWSTR *volumes = this->GetCurrentVolumeArray();
        LPCWSTR device = NULL;
        char text[256] = "", extra[300];
        HRESULT hr = E_FAIL;

        if (this->GetCurrentVolumeCount() && volumes) hr = this->GetSnapshotDeviceName(volumes[0], &device);
        if (SUCCEEDED(hr)) tw_narrow(device, text, sizeof(text));
        snprintf(extra, sizeof(extra), " device0=%s", SUCCEEDED(hr) ? text : "none");
        return ComponentsEvent("PostSnapshot", components, extra);
    }

    bool OnAbort() override
    {
        tw_log(m_opts, m_label, "Abort", NULL);
        return !Veto("Abort");
    }

    bool OnBackupComplete(IVssWriterComponents *components) override
    {
        return ComponentsEvent("BackupComplete", components, "");
    }

    bool OnBackupShutdown(VSS_ID set) override
    {
        char setid[64];

        tw_guid_text(&set, setid, sizeof(setid));
        tw_log(m_opts, m_label, "BackupShutdown", "set=%s", setid);
        return !Veto("BackupShutdown");
    }

    bool OnPreRestore(IVssWriterComponents *components) override
    {
        return ComponentsEvent("PreRestore", components, "");
    }

    bool OnPostRestore(IVssWriterComponents *components) override
    {
        return ComponentsEvent("PostRestore", components, "");
    }

private:
    bool Veto(const char *event)
    {
        if (!tw_should_veto(m_opts, event)) return false;
        SetFailure();
        tw_log(m_opts, m_label, "veto", "%s", event);
        return true;
    }

    void SetFailure()
    {
        if constexpr (is_ex)
        {
            WCHAR message[256];
            tw_widen(m_opts->app_message, message, ARRAYSIZE(message));
            this->SetWriterFailureEx(m_opts->veto_hr, E_FAIL, m_opts->app_message[0] ? message : NULL);
        }
        else this->SetWriterFailure(m_opts->veto_hr);
    }

    bool ComponentsEvent(const char *event, IVssWriterComponents *components, const char *extra)
    {
        char restore_extra[300];
        UINT count = 0;

        if (components) components->GetComponentCount(&count);
        tw_event_extra(m_opts, event, this->GetRestoreType(), restore_extra, sizeof(restore_extra));
        tw_log(m_opts, m_label, event, "components=%u selected=%d type=%d%s%s", count,
               this->AreComponentsSelected(), this->GetBackupType(), extra, restore_extra);
        for (UINT i = 0; components && i < count; i++)
        {
            IVssComponent *comp;

            if (FAILED(components->GetComponent(i, &comp))) continue;
            tw_component_event(m_opts, m_label, event, comp);
            if (m_opts->details && (!strcmp(event, "PreRestore") || !strcmp(event, "PostRestore")))
                tw_log_restore_fields(m_opts, m_label, event, comp);
            comp->Release();
        }
        return !Veto(event);
    }

protected:
    tw_options *m_opts;
    char m_label[300];
};

/* The Ex writer also overrides OnIdentifyEx, which the core calls for it. */
class TestWriterEx : public TestWriter<CVssWriterEx2>
{
public:
    using TestWriter<CVssWriterEx2>::TestWriter;

    bool OnIdentifyEx(IVssCreateWriterMetadataEx *metadata) override
    {
        VSS_ID session = {};
        char text[64];

        this->GetSessionId(&session);
        tw_guid_text(&session, text, sizeof(text));
        tw_log(m_opts, m_label, "Identify", "metadata=%d ex=1 session=%s", metadata != NULL, text);
        if (metadata)
        {
            metadata->AddComponent(VSS_CT_FILEGROUP, NULL, L"CxxData", L"C++ test data", NULL, 0, false, true, true);
            metadata->AddExcludeFilesFromSnapshot(L"/srv/cxx-data/tmp", L"*", true);
        }
        if (!tw_should_veto(m_opts, "Identify")) return true;
        tw_log(m_opts, m_label, "veto", "Identify");
        return false;
    }
};

int main(int argc, char **argv)
{
    static tw_options opts;
    CVssWriter *writers[TW_MAX_INSTANCES] = {};

    tw_parse(argc, argv, &opts);
    tw_block_stop_signals();
    for (int k = 0; k < opts.instances; k++)
    {
        char label[300];
        WCHAR name[256], instance[300];
        HRESULT hr;

        tw_label(&opts, k, label, sizeof(label));
        tw_widen(opts.name, name, ARRAYSIZE(name));
        tw_widen(label, instance, ARRAYSIZE(instance));
        const WCHAR *inst = opts.instance[0] || opts.instances > 1 ? instance : NULL;
        if (opts.ex)
        {
            TestWriterEx *w = new TestWriterEx(&opts, label);
            writers[k] = w;
            hr = w->Start(name, inst);
        }
        else
        {
            TestWriter<CVssWriter> *w = new TestWriter<CVssWriter>(&opts, label);
            writers[k] = w;
            hr = w->Start(name, inst);
        }
        if (FAILED(hr))
        {
            fprintf(stderr, "test_writer_cxx: cannot start writer %s: %#x\n", label, (unsigned int)hr);
            return 1;
        }
    }
    tw_ready(&opts);
    tw_wait_for_stop();
    /* unsubscribe before destroying: no handler may run on a half-destroyed object */
    for (int k = 0; k < opts.instances; k++)
    {
        writers[k]->Unsubscribe();
        delete writers[k];   /* ~CVssWriter: Uninitialize, Release */
    }
    return 0;
}
