/*
 * vswriter_c.h: VSS writers written in C (an Umbra extension; Microsoft's SDK
 * has only the C++ CVssWriter classes).
 *
 * A C writer fills a table of callbacks, one per CVssWriter::On... method, and
 * drives the same IVssWriterImpl core the C++ classes use:
 *
 *     static const UMBRA_WRITER_CALLBACKS callbacks = {
 *         sizeof(callbacks), my_identify, NULL, my_prepare_snapshot,
 *         my_freeze, my_thaw, my_abort,
 *     };
 *     IVssWriterImpl *impl;
 *     UmbraCreateWriter(&callbacks, my_state, &impl);
 *     IVssWriterImpl_Initialize(impl, id, L"My Writer", NULL, 1, 0, VSS_UT_USERDATA,
 *                               VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
 *                               VSS_AWS_NO_ALTERNATE_WRITER, false);
 *     IVssWriterImpl_Subscribe(impl, 0, VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG);
 *     ...   events arrive on a thread of the core, one at a time
 *     IVssWriterImpl_Unsubscribe(impl);
 *     IVssWriterImpl_Uninitialize(impl);
 *     IVssWriterImpl_Release(impl);
 *
 * Inside a callback the protected CVssWriter helpers are the IVssWriterImpl
 * methods (GetCurrentVolumeArray, SetWriterFailure, ...).  A NULL entry behaves
 * as the CVssWriter default (returns true); the four pure virtuals of CVssWriter
 * (OnPrepareSnapshot, OnFreeze, OnThaw, OnAbort) are required.  The table is
 * copied; cbSize lets later versions append entries.
 *
 * The C++ classes (vswriter_classes.h) fill the same table with trampolines into
 * their virtual methods, so the core never calls a C++ virtual by slot number.
 */
#include <vswriter.h>   /* first: it includes this file at its end */

#ifndef UMBRA_VSWRITER_C_H
#define UMBRA_VSWRITER_C_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct UMBRA_WRITER_CALLBACKS
{
    DWORD cbSize;   /* sizeof(UMBRA_WRITER_CALLBACKS) */
    bool (*OnIdentify)(void *pContext, IVssCreateWriterMetadata *pMetadata);
    bool (*OnPrepareBackup)(void *pContext, IVssWriterComponents *pComponent);
    bool (*OnPrepareSnapshot)(void *pContext);
    bool (*OnFreeze)(void *pContext);
    bool (*OnThaw)(void *pContext);
    bool (*OnAbort)(void *pContext);
    bool (*OnBackupComplete)(void *pContext, IVssWriterComponents *pComponent);
    bool (*OnBackupShutdown)(void *pContext, VSS_ID SnapshotSetId);
    bool (*OnPreRestore)(void *pContext, IVssWriterComponents *pComponent);
    bool (*OnPostRestore)(void *pContext, IVssWriterComponents *pComponent);
    bool (*OnPostSnapshot)(void *pContext, IVssWriterComponents *pComponent);
    bool (*OnBackOffIOOnVolume)(void *pContext, VSS_PWSZ wszVolumeName, VSS_ID snapshotId,
                                VSS_ID providerId);
    bool (*OnContinueIOOnVolume)(void *pContext, VSS_PWSZ wszVolumeName, VSS_ID snapshotId,
                                 VSS_ID providerId);
    bool (*OnVSSShutdown)(void *pContext);
    bool (*OnVSSApplicationStartup)(void *pContext);
    /* CVssWriterEx: when set, Identify calls this (with an
     * IVssCreateWriterMetadataEx) instead of OnIdentify. */
    bool (*OnIdentifyEx)(void *pContext, IVssCreateWriterMetadataEx *pMetadata);
} UMBRA_WRITER_CALLBACKS;

/* A writer core that calls pCallbacks with pContext.  E_INVALIDARG for a NULL
 * pointer, a table too small, or a missing OnPrepareSnapshot/OnFreeze/OnThaw/OnAbort. */
STDAPI UmbraCreateWriter(const UMBRA_WRITER_CALLBACKS *pCallbacks, void *pContext,
                         IVssWriterImpl **ppWriterImpl);

/* Give a core from CreateWriter/CreateWriterEx its callbacks (what the inline
 * CVssWriter::Initialize does).  Errors as above; VSS_E_BAD_STATE once the
 * writer is subscribed. */
STDAPI UmbraWriterSetCallbacks(IVssWriterImpl *pWriterImpl, const UMBRA_WRITER_CALLBACKS *pCallbacks,
                               void *pContext);

#ifdef __cplusplus
}
#endif

#endif
