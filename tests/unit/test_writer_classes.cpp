/*
 * test_writer_classes.cpp: the inline C++ writer classes of vswriter.h
 * (include/vswriter_classes.h): Microsoft's layout (vptr, then
 * m_pWriterImpl: VSS-SIGNATURES.md §2 note 7, §4), the defaults of the
 * virtual handlers and of the protected helpers, the trampolines the core
 * calls instead of vtable slots (an exception in a handler is a veto, not an
 * unwind through C), and a CVssWriterEx subclass driven in-process by a
 * coordinator (OnIdentifyEx by default reaches OnIdentify).
 */
#include <stdexcept>   /* C++ headers before windows.h and its min/max macros, as on Windows */
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsserror.h>
extern "C" {
#include "dlls/vssapi/config.h"
#include "coordinator.h"
}

static const GUID writer_id = { 0x6d0a8a35, 0x1b2c, 0x4d5e, { 0x8f, 0x90, 0, 0, 0, 0, 0, 0x41 } };

class Probe : public CVssWriter
{
public:
    int prepared = 0, frozen = 0, thawed = 0, aborted = 0;
    bool throw_in_freeze = false;

    bool OnPrepareSnapshot() override { prepared++; return true; }
    bool OnFreeze() override
    {
        frozen++;
        if (throw_in_freeze) throw std::runtime_error("writer bug");
        return true;
    }
    bool OnThaw() override { thawed++; return true; }
    bool OnAbort() override { aborted++; return true; }

    IVssWriterImpl *impl() const { return m_pWriterImpl; }
    /* the protected helpers, reachable from the test */
    UINT volume_count() const { return GetCurrentVolumeCount(); }
    LPCWSTR *volumes() const { return GetCurrentVolumeArray(); }
    VSS_ID set_id() const { return GetCurrentSnapshotSetId(); }
    VSS_APPLICATION_LEVEL level() const { return GetCurrentLevel(); }
    HRESULT fail(HRESULT hr) { return SetWriterFailure(hr); }
    LONG context() const { return GetContext(); }
    bool affected(LPCWSTR path) const { return IsPathAffected(path); }
    VSS_BACKUP_TYPE backup_type() const { return GetBackupType(); }
};

class ProbeEx : public CVssWriterEx
{
public:
    int identified = 0;

    bool OnIdentify(IVssCreateWriterMetadata *metadata) override
    {
        identified++;
        return metadata && SUCCEEDED(metadata->AddComponent(VSS_CT_FILEGROUP, NULL, L"ExData", L"", NULL, 0,
                                                           false, false, true));
    }
    bool OnPrepareSnapshot() override { return true; }
    bool OnFreeze() override { return true; }
    bool OnThaw() override { return true; }
    bool OnAbort() override { return true; }
};

static void test_layout(void)
{
    Probe probe;

    /* vptr, then IVssWriterImpl *, nothing else (VSS-SIGNATURES.md §2 note 7) */
    CU_ASSERT_EQUAL(sizeof(CVssWriter), 2 * sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(CVssWriterEx), 2 * sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(CVssWriterEx2), 2 * sizeof(void *));
    {
        CVssWriter *base = &probe;
        IVssWriterImpl **field = (IVssWriterImpl **)((char *)base + sizeof(void *));
        CU_ASSERT_PTR_NULL(*field);   /* the constructor clears m_pWriterImpl */
    }
}

static void test_defaults_without_core(void)
{
    Probe probe;
    IVssCreateWriterMetadata *none = NULL;

    /* the non-pure handlers default to true (CVssWriter pages) */
    CU_ASSERT(probe.OnIdentify(none));
    CU_ASSERT(probe.OnPrepareBackup(NULL));
    CU_ASSERT(probe.OnBackupComplete(NULL));
    CU_ASSERT(probe.OnBackupShutdown(GUID_NULL));
    CU_ASSERT(probe.OnPreRestore(NULL));
    CU_ASSERT(probe.OnPostRestore(NULL));
    CU_ASSERT(probe.OnPostSnapshot(NULL));
    CU_ASSERT(probe.OnVSSShutdown());
    CU_ASSERT(probe.OnVSSApplicationStartup());
    /* used before Initialize: errors and empty values, not a crash */
    CU_ASSERT_EQUAL(probe.Subscribe(), VSS_E_BAD_STATE);
    CU_ASSERT_EQUAL(probe.Unsubscribe(), S_OK);
    CU_ASSERT_EQUAL(probe.volume_count(), 0);
    CU_ASSERT_PTR_NULL(probe.volumes());
    CU_ASSERT(IsEqualGUID(probe.set_id(), GUID_NULL));
    CU_ASSERT_EQUAL(probe.level(), VSS_APP_AUTO);
    CU_ASSERT_EQUAL(probe.fail(VSS_E_WRITERERROR_RETRYABLE), VSS_E_BAD_STATE);
    CU_ASSERT(!probe.affected(L"/"));
}

static void test_trampolines(void)
{
    const UMBRA_WRITER_CALLBACKS *base = umbra_writer_trampolines::table(false);
    const UMBRA_WRITER_CALLBACKS *ex = umbra_writer_trampolines::table(true);
    Probe probe;

    CU_ASSERT_EQUAL(base->cbSize, sizeof(UMBRA_WRITER_CALLBACKS));
    CU_ASSERT_PTR_NULL(base->OnIdentifyEx);
    CU_ASSERT_PTR_NOT_NULL(ex->OnIdentifyEx);
    /* each trampoline makes an ordinary virtual call on the object */
    CU_ASSERT(base->OnPrepareSnapshot(static_cast<CVssWriter *>(&probe)));
    CU_ASSERT(base->OnFreeze(static_cast<CVssWriter *>(&probe)));
    CU_ASSERT(base->OnThaw(static_cast<CVssWriter *>(&probe)));
    CU_ASSERT(base->OnAbort(static_cast<CVssWriter *>(&probe)));
    CU_ASSERT_EQUAL(probe.prepared, 1);
    CU_ASSERT_EQUAL(probe.frozen, 1);
    CU_ASSERT_EQUAL(probe.thawed, 1);
    CU_ASSERT_EQUAL(probe.aborted, 1);
    /* an exception is a veto and stops at the trampoline */
    probe.throw_in_freeze = true;
    CU_ASSERT(!base->OnFreeze(static_cast<CVssWriter *>(&probe)));
    CU_ASSERT_EQUAL(probe.frozen, 2);
}

static void test_in_process(void)
{
    char dir[4096];
    struct coordinator_options opts = { dir, 0, 0 };
    struct coordinator_backup_state state = { { 0x77, 0, 0, { 0 } }, VSS_CTX_BACKUP, VSS_BT_DIFFERENTIAL,
                                               VSS_RTYPE_UNDEFINED, false, false, false };
    struct coordinator *c = NULL;
    Probe *probe = new Probe;
    ProbeEx *ex = new ProbeEx;
    const struct coordinator_writer *w;

    snprintf(dir, sizeof(dir), "%s/classes", umbra_test_tmpdir());
    mkdir(dir, 0755);
    setenv("VSS_RUNTIME_DIR", dir, 1);
    config_reload();

    /* Microsoft's default arguments: front end, 60 s, no alternate writer */
    CU_ASSERT_EQUAL(probe->Initialize(writer_id, L"Probe", VSS_UT_USERDATA, VSS_ST_OTHER), S_OK);
    CU_ASSERT_PTR_NOT_NULL(probe->impl());
    /* m_pWriterImpl sits right after the vtable pointer */
    CU_ASSERT_PTR_EQUAL(*(IVssWriterImpl **)((char *)static_cast<CVssWriter *>(probe) + sizeof(void *)),
                        probe->impl());
    CU_ASSERT_EQUAL(probe->level(), VSS_APP_FRONT_END);
    CU_ASSERT_EQUAL(probe->Subscribe(), S_OK);
    CU_ASSERT_EQUAL(probe->Subscribe(), VSS_E_WRITER_ALREADY_SUBSCRIBED);
    CU_ASSERT_EQUAL(ex->InitializeEx(writer_id, L"ProbeEx", 2, 7, VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_BACK_END, 1234,
                                     VSS_AWS_NO_ALTERNATE_WRITER, false, L"ex"), S_OK);
    CU_ASSERT_EQUAL(ex->Subscribe(), S_OK);

    CU_ASSERT_EQUAL_FATAL(coordinator_create(&opts, &c), S_OK);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 2);
    /* OnIdentifyEx by default hands the Ex metadata to OnIdentify */
    CU_ASSERT_EQUAL(ex->identified, 1);
    for (unsigned int i = 0; i < coordinator_writer_count(c); i++)
    {
        w = coordinator_writer(c, i);
        if (strcmp(w->name, "ProbeEx")) continue;
        CU_ASSERT_EQUAL(w->level, VSS_APP_BACK_END);
        CU_ASSERT_EQUAL(w->freeze_timeout_ms, 1234);
        CU_ASSERT(w->wmd && strstr(w->wmd, "ExData"));
        CU_ASSERT(w->instance_name && !strcmp(w->instance_name, "ex"));
    }
    coordinator_set_backup_state(c, &state);
    CU_ASSERT_EQUAL(coordinator_add_volume(c, "C:\\", "/srv"), S_OK);
    CU_ASSERT_EQUAL(coordinator_prepare_backup(c, NULL), S_OK);
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, NULL, NULL), S_OK);
    CU_ASSERT_EQUAL(probe->prepared, 1);
    CU_ASSERT_EQUAL(probe->frozen, 1);
    CU_ASSERT_EQUAL(probe->thawed, 1);
    CU_ASSERT_EQUAL(probe->aborted, 0);
    /* what the last event said, through the protected helpers */
    CU_ASSERT_EQUAL(probe->volume_count(), 1);
    CU_ASSERT(probe->volumes() && !wcscmp(probe->volumes()[0], L"C:\\"));
    CU_ASSERT(probe->affected(L"c:\\Data\\file"));
    CU_ASSERT(probe->affected(L"/srv/x"));
    CU_ASSERT(!probe->affected(L"/srvx"));
    CU_ASSERT(!probe->affected(L"D:\\"));
    CU_ASSERT_EQUAL(probe->backup_type(), VSS_BT_DIFFERENTIAL);
    CU_ASSERT_EQUAL(probe->set_id().Data1, 0x77);

    /* a handler that throws vetoes; the backup aborts */
    probe->throw_in_freeze = true;
    CU_ASSERT_EQUAL(coordinator_do_snapshot_set(c, NULL, NULL), VSS_E_WRITERERROR_NONRETRYABLE);
    CU_ASSERT_EQUAL(probe->aborted, 1);
    CU_ASSERT_EQUAL(coordinator_backup_shutdown(c), S_OK);
    coordinator_free(c);

    delete probe;   /* ~CVssWriter: Uninitialize and Release */
    CU_ASSERT_EQUAL(ex->Unsubscribe(), S_OK);
    delete ex;
    CU_ASSERT_EQUAL(coordinator_create(&opts, &c), S_OK);
    CU_ASSERT_EQUAL(coordinator_identify(c), S_OK);
    CU_ASSERT_EQUAL(coordinator_writer_count(c), 0);
    coordinator_free(c);
}

static CU_TestInfo classes_tests[] =
{
    { (char *)"layout", test_layout },
    { (char *)"defaults without a core", test_defaults_without_core },
    { (char *)"trampolines", test_trampolines },
    { (char *)"driven in-process", test_in_process },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(writer_classes, NULL, NULL, classes_tests);
