/*
 * create_metadata.h: constructors of the writer-side Writer Metadata Document
 * objects (create_metadata.c), for the writer core and the express writer.
 *
 * writer.c makes one for each Identify event with the writer's identity,
 * hands it to OnIdentify / OnIdentifyEx (the same pointer serves as
 * IVssCreateWriterMetadata and IVssCreateWriterMetadataEx), saves the result
 * with create_metadata_save_utf8() and releases it through its IUnknown
 * (IVssCreateWriterMetadataEx_Release).  IVssExpressWriter::CreateMetadata
 * makes an IVssCreateExpressWriterMetadata the same way.
 */
#ifndef UMBRA_VSSAPI_CREATE_METADATA_H
#define UMBRA_VSSAPI_CREATE_METADATA_H

#include <stddef.h>
#include <windows.h>
#include <vswriter.h>
#include "wmd.h"

/* A new, empty document with this identity (copied; see wmd_create). */
HRESULT create_metadata_new(const struct wmd_identity *identity, IVssCreateWriterMetadataEx **out);
HRESULT create_express_metadata_new(const struct wmd_identity *identity, IVssCreateExpressWriterMetadata **out);

/* The document as built so far, as UTF-8 text: 0 or a negative errno. */
int create_metadata_save_utf8(IVssCreateWriterMetadataEx *metadata, char **text, size_t *len);
int create_express_metadata_save_utf8(IVssCreateExpressWriterMetadata *metadata, char **text, size_t *len);

#endif
