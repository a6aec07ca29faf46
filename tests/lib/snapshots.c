/*
 * snapshots.c: deleting whatever snapshots a test left behind (snapshots.h).
 */
#define COBJMACROS
#include <windows.h>
#include <vss.h>
#include <vsbackup.h>
#include "lib/snapshots.h"

void snapshots_delete_all(void)
{
    IVssBackupComponents *backup = NULL;
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP object;
    ULONG fetched;
    LONG deleted;
    VSS_ID failed;

    /* no assertions here: CUnit allows them only inside a test */
    if (FAILED(CreateVssBackupComponents(&backup))) return;
    if (SUCCEEDED(IVssBackupComponents_InitializeForBackup(backup, NULL))
        && SUCCEEDED(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL))
        && SUCCEEDED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator)))
    {
        while (IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
        {
            IVssBackupComponents_DeleteSnapshots(backup, object.Obj.Snap.m_SnapshotId, VSS_OBJECT_SNAPSHOT, TRUE,
                                                 &deleted, &failed);
            VssFreeSnapshotProperties(&object.Obj.Snap);
        }
        IVssEnumObject_Release(enumerator);
    }
    IVssBackupComponents_Release(backup);
}
