/*
 * fuzz_bcd.c: libFuzzer harness for the Backup Components Document loader
 * (bcd_load_utf8: what InitializeForRestore and every writer event read).
 *
 * A document that loads must save, load again and save to the same text; its
 * first writer's part is then handed out as IVssWriterComponentsExt, every
 * component read through IVssComponentEx2, and the writer's reply merged
 * back, as in a real event.  Built and run by tools/fuzz/run.
 */
#define COBJMACROS
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "bcd.h"
#include "components.h"

static void read_component(IVssComponentEx2 *c)
{
    BSTR s[6] = { 0 };
    UINT count, i;
    bool b;
    BOOL big;
    FILETIME ft;
    HRESULT hr, hr2;
    DWORD reserved;
    VSS_ROLLFORWARD_TYPE roll;
    int k;

    IVssComponentEx2_GetLogicalPath(c, &s[0]);
    IVssComponentEx2_GetBackupStamp(c, &s[1]);
    IVssComponentEx2_GetBackupMetadata(c, &s[2]);
    IVssComponentEx2_GetRestoreMetadata(c, &s[3]);
    for (k = 0; k < 4; k++) SysFreeString(s[k]);
    IVssComponentEx2_GetPartialFileCount(c, &count);
    for (i = 0; i < count; i++)
    {
        if (IVssComponentEx2_GetPartialFile(c, i, &s[0], &s[1], &s[2], &s[3]) != S_OK) abort();
        for (k = 0; k < 4; k++) SysFreeString(s[k]);
    }
    IVssComponentEx2_GetDirectedTargetCount(c, &count);
    for (i = 0; i < count; i++)
    {
        if (IVssComponentEx2_GetDirectedTarget(c, i, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5]) != S_OK) abort();
        for (k = 0; k < 6; k++) SysFreeString(s[k]);
    }
    IVssComponentEx2_GetDifferencedFilesCount(c, &count);
    for (i = 0; i < count; i++)
    {
        if (IVssComponentEx2_GetDifferencedFile(c, i, &s[0], &s[1], &big, &s[2], &ft) != S_OK) abort();
        for (k = 0; k < 3; k++) SysFreeString(s[k]);
    }
    IVssComponentEx2_GetRestoreSubcomponentCount(c, &count);
    for (i = 0; i < count; i++)
    {
        if (IVssComponentEx2_GetRestoreSubcomponent(c, i, &s[0], &s[1], &b) != S_OK) abort();
        SysFreeString(s[0]);
        SysFreeString(s[1]);
    }
    IVssComponentEx2_GetAlternateLocationMappingCount(c, &count);
    for (i = 0; i < count; i++)
    {
        IVssWMFiledesc *desc;

        if (IVssComponentEx2_GetAlternateLocationMapping(c, i, &desc) != S_OK) abort();
        IVssWMFiledesc_Release(desc);
    }
    IVssComponentEx2_GetRollForward(c, &roll, &s[0]);
    SysFreeString(s[0]);
    IVssComponentEx2_GetFailure(c, &hr, &hr2, &s[0], &reserved);
    SysFreeString(s[0]);
    /* what a writer does during PostSnapshot */
    IVssComponentEx2_SetBackupStamp(c, L"fuzz stamp");
    IVssComponentEx2_AddPartialFile(c, L"/p", L"f", NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bcd *bcd = NULL, *again = NULL, *reply = NULL;
    IVssWriterComponentsExt *components;
    char *first = NULL, *second = NULL, *part = NULL;
    size_t first_len, second_len, part_len;
    UINT count, i;

    if (bcd_load_utf8((const char *)data, size, &bcd)) return 0;
    if (bcd_save_utf8(bcd, &first, &first_len)) abort();
    if (bcd_load_utf8(first, first_len, &again)) abort();
    if (bcd_save_utf8(again, &second, &second_len)) abort();
    if (first_len != second_len || memcmp(first, second, first_len)) abort();

    if (bcd->nwriters)
    {
        const struct bcd_writer *w = bcd->writers[0];

        if (bcd_save_writer_utf8(bcd, &w->instance_id, &w->writer_id, &part, &part_len)) abort();
        if (components_from_utf8(part, part_len, &w->instance_id, &w->writer_id, COMPONENTS_BACKUP, &components) != S_OK)
            abort();
        IVssWriterComponentsExt_GetComponentCount(components, &count);
        for (i = 0; i < count; i++)
        {
            IVssComponent *c;

            if (IVssWriterComponentsExt_GetComponent(components, i, &c) != S_OK) abort();
            read_component((IVssComponentEx2 *)c);
            IVssComponent_Release(c);
        }
        free(part);
        if (components_save_utf8(components, &part, &part_len)) abort();
        if (bcd_load_utf8(part, part_len, &reply)) abort();
        if (bcd_merge_writer(bcd, &w->instance_id, &w->writer_id, reply)) abort();
        IVssWriterComponentsExt_Release(components);
        bcd_release(reply);
        free(part);
    }
    free(first);
    free(second);
    bcd_release(again);
    bcd_release(bcd);
    return 0;
}
