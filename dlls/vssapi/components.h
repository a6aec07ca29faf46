/*
 * components.h: constructors of the IVssWriterComponentsExt / IVssComponent
 * objects (components.c), the COM view of one writer's part of a Backup
 * Components Document (bcd.h).
 *
 * Writer side (writer.c): for an event, load the document the requester sent,
 * hand the writer components_from_utf8(..., COMPONENTS_BACKUP or _RESTORE),
 * and after its handler send back components_save_utf8(); the requester takes
 * it back with bcd_merge_writer().  The object starts with the
 * IVssWriterComponents vtable, so the same pointer is what CVssWriter::
 * OnPrepareBackup and friends receive.
 *
 * Requester side (backup.c, IVssBackupComponents::GetWriterComponents): a
 * read-only view over the requester's own document with COMPONENTS_READONLY.
 *
 * The mode says which IVssComponent setters may be called: the writer's
 * backup-time ones (SetBackupMetadata, SetBackupStamp, AddPartialFile,
 * AddDifferencedFiles*, SetPrepareForBackupFailureMsg, SetPostSnapshot-
 * FailureMsg), its restore-time ones (SetRestoreMetadata, SetRestoreTarget,
 * AddDirectedTarget, SetPreRestoreFailureMsg, SetPostRestoreFailureMsg), or
 * none; SetFailure is allowed in both writer modes.  A setter called out of
 * its mode returns VSS_E_BAD_STATE ("the caller is not in the correct state
 * (either backup or restore) for the operation", as Microsoft documents).
 */
#ifndef UMBRA_VSSAPI_COMPONENTS_H
#define UMBRA_VSSAPI_COMPONENTS_H

#include <stddef.h>
#include <windows.h>
#include <vsbackup.h>
#include "bcd.h"

enum components_mode
{
    COMPONENTS_READONLY,
    COMPONENTS_BACKUP,      /* writer events of a backup */
    COMPONENTS_RESTORE,     /* writer events of a restore */
};

/* A view of the components of (instance_id, writer_id) in bcd, which gains a
 * reference.  A writer without an entry in bcd has no components.  Release it
 * through its IUnknown (IVssWriterComponentsExt_Release). */
HRESULT components_create(struct bcd *bcd, const GUID *instance_id, const GUID *writer_id,
                          enum components_mode mode, IVssWriterComponentsExt **out);

/* The same over a document given as UTF-8 text; VSS_E_INVALID_XML_DOCUMENT
 * if it does not load. */
HRESULT components_from_utf8(const char *text, size_t len, const GUID *instance_id, const GUID *writer_id,
                             enum components_mode mode, IVssWriterComponentsExt **out);

/* The writer's part of the document behind components, as it is now
 * (bcd_save_writer_utf8): 0 or a negative errno. */
int components_save_utf8(IVssWriterComponentsExt *components, char **text, size_t *len);

#endif
