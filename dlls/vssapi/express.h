/*
 * express.h: express writers (issue 11): writers that register their
 * metadata once and run no process.  IVssExpressWriter (express.c) puts a
 * Writer Metadata Document in the express writer metadata store; the
 * coordinator lists the store at Identify and answers the events of those
 * writers itself, with success.
 *
 * The store: $VSS_STATE_DIR/express-writers/{writer class id}.xml, one WMD
 * each, written with state_write_atomic (temp file, fsync, rename, fsync of
 * the directory) under an flock of ".lock" beside them, so a crash leaves the
 * old registration or the new one, and two processes registering the same
 * writer class cannot both succeed.  A file that does not parse, or whose
 * writer id is not its name, is skipped with a warning; temporary files of
 * processes that died are removed.  A store directory that someone other
 * than root or us owns, or that others may write to, is not read at all.
 *
 * Not for: building the document (create_metadata.c), presenting writers to
 * requesters (coordinator.c, backup_writers.c).
 */
#ifndef UMBRA_VSSAPI_EXPRESS_H
#define UMBRA_VSSAPI_EXPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>

/* One registered express writer, as the coordinator presents it. */
struct express_entry
{
    GUID writer_id;
    GUID instance_id;
    char *name;                 /* the WMD's friendly name */
    char *instance_name;        /* NULL when the WMD has none */
    uint32_t usage;             /* VSS_USAGE_TYPE */
    uint32_t source;            /* VSS_SOURCE_TYPE */
    char *wmd;                  /* the document, UTF-8 */
};

/* Every registered writer, ordered by writer id.  0 (also when there is no
 * store yet), -EPERM for an unsafe store, or -errno; free with
 * express_store_free(). */
int express_store_list(struct express_entry **entries, size_t *count);
void express_store_free(struct express_entry *entries, size_t count);

/* Register a document (UTF-8, len bytes) for writer_id: -EEXIST if that
 * writer is registered already. */
int express_store_register(const GUID *writer_id, const char *wmd, size_t len);
/* -ENOENT if writer_id is not registered. */
int express_store_unregister(const GUID *writer_id);

/* The VSS_WRITER_STATE an express writer is in after it "handled" a
 * coordinator event (wire.h's enum wire_type) in state; it never fails. */
uint32_t express_state_after(uint32_t state, unsigned int event);

#endif
