/*
 * errors.h: the one place where vssapi's internal results become HRESULTs,
 * and where every HRESULT a VSS program may see gets its name and a line of
 * text.
 *
 * Internal layers (providers, catalogue, transport, XML model, volume names)
 * return 0 or a negative errno.  What a given errno means to a Windows caller
 * depends on what was being done: -EBUSY is VSS_E_SNAPSHOT_SET_IN_PROGRESS
 * for the snapshot-set lock but VSS_E_VOLUME_IN_USE for a revert.  So the API
 * layer names the kind of work (enum err_context) and errors.c picks the
 * HRESULT from one table (VSS-FACTS.md §2.3 return codes, §3.1 meanings).
 *
 * Names and texts: hresult_name() gives the symbolic name ("VSS_E_PROVIDER_VETO",
 * what diskshadow prints as "Error text"), hresult_text() a one-line English
 * description (vssadmin's "Error: ..." lines, FormatMessage).  Both are
 * exported for the programs as umbra_hresult_name/umbra_hresult_text.
 *
 * Not for: deciding that a call is out of sequence (VSS_E_BAD_STATE is chosen
 * by the state machine in backup.c, not derived from an errno).
 */
#ifndef UMBRA_VSSAPI_ERRORS_H
#define UMBRA_VSSAPI_ERRORS_H

#include <windows.h>

enum err_context
{
    ERRCTX_DEFAULT,     /* no better context: -ENOENT object not found, else VSS_E_UNEXPECTED */
    ERRCTX_XML,         /* loading a document a caller gave (InitializeForRestore, WMD) */
    ERRCTX_VOLUME,      /* resolving or examining a volume name */
    ERRCTX_PROVIDER,    /* a provider op for one volume or set (unknown errno: provider error) */
    ERRCTX_SET_LOCK,    /* the machine-wide snapshot-set lock (StartSnapshotSet) */
    ERRCTX_FLUSH,       /* flushing writes before the hold (freeze.h) */
    ERRCTX_HOLD,        /* holding writes while the providers commit (freeze.h) */
    ERRCTX_DELETE,      /* DeleteSnapshots */
    ERRCTX_EXPOSE,      /* ExposeSnapshot / UnexposeSnapshot */
    ERRCTX_REVERT,      /* RevertToSnapshot / QueryRevertStatus */
    ERRCTX_WRITER,      /* reaching writers (transport, coordinator) */
    ERRCTX_CATALOGUE,   /* snapshot records */
    ERRCTX_COUNT
};

/* The HRESULT for an internal result (0 or a negative errno; a positive value
 * is taken as its negation) in this context.  0 gives S_OK. */
HRESULT hresult_from_errno(int err, enum err_context ctx);

/* "VSS_E_BAD_STATE", "S_OK" ...; NULL for a value not in the table. */
const char *hresult_name(HRESULT hr);
/* A one-line description without a final period or newline; never NULL
 * ("Unknown error" for a value not in the table). */
const char *hresult_text(HRESULT hr);
/* Like hresult_name, but never NULL: "0x8004ABCD" (static per-thread buffer)
 * for a value not in the table.  For traces. */
const char *debugstr_hr(HRESULT hr);

/* Exported for vssadmin and diskshadow. */
DECLSPEC_EXPORT const char *umbra_hresult_name(HRESULT hr);
DECLSPEC_EXPORT const char *umbra_hresult_text(HRESULT hr);

#endif
