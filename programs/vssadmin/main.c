/*
 * main.c: the vssadmin program: binds the exported VSS functions (and
 * kernel32's volume names where the platform has them) into struct vsa_api
 * and runs vsa_main on the command line.  The only file that calls the
 * Windows API by name: the tests hand vsa_main fakes instead.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <objbase.h>
#include "vssadmin.h"

/* libvssapi's one-line texts for HRESULTs (dlls/vssapi/errors.h) */
DECLSPEC_IMPORT const char *umbra_hresult_text(HRESULT hr);

static HRESULT create_backup_components(IVssBackupComponents **out)
{
    return CreateVssBackupComponents(out);
}

static HRESULT create_snapshot_mgmt(IVssSnapshotMgmt **out)
{
    return CoCreateInstance(&CLSID_VssSnapshotMgmt, NULL, CLSCTX_ALL, &IID_IVssSnapshotMgmt, (void **)out);
}

static void free_snapshot_properties(VSS_SNAPSHOT_PROP *prop)
{
    VssFreeSnapshotProperties(prop);
}

static void co_task_mem_free(void *mem)
{
    CoTaskMemFree(mem);
}

static void sys_free_string(BSTR text)
{
    SysFreeString(text);
}

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static long long monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    struct vsa_api api =
    {
        create_backup_components, create_snapshot_mgmt, free_snapshot_properties, co_task_mem_free,
        sys_free_string, umbra_hresult_text, NULL, sleep_ms, monotonic_ms,
    };
    int status, com;

    api.volume_path_names = GetVolumePathNamesForVolumeNameW;
    com = SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED));
    status = vsa_main(&api, argc, argv, stdout, stderr, stdin, isatty(0));
    if (com) CoUninitialize();
    return status;
}
