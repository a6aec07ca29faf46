/*
 * examine.h: constructors of the requester-side Writer Metadata Document
 * objects (examine.c), for the rest of vssapi.
 *
 * IVssBackupComponents::GetWriterMetadata(Ex) and IVssWriterImpl::
 * GetIdentityInformation hand out IVssExamineWriterMetadataEx2 objects made
 * here from a document they already hold; IVssComponent (components.c) hands
 * out IVssWMFiledesc objects for a component's mappings and new targets.
 */
#ifndef UMBRA_VSSAPI_EXAMINE_H
#define UMBRA_VSSAPI_EXAMINE_H

#include <windows.h>
#include <vsbackup.h>
#include "wmd.h"

/* An IVssExamineWriterMetadataEx2 over wmd (which gains a reference; the
 * object never changes it, so one document may back several objects). */
HRESULT examine_create(struct wmd *wmd, IVssExamineWriterMetadataEx2 **out);

/* A file descriptor holding copies of these UTF-8 strings (alternate may be NULL). */
HRESULT filedesc_create(const char *path, const char *filespec, const char *alternate, BOOL recursive,
                        DWORD backup_type_mask, IVssWMFiledesc **out);

#endif
