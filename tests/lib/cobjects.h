/*
 * cobjects.h: small COM objects written in C, for the tests that call VSS
 * interfaces through their C++ form (tests/conformance/test_cxx_calls.cpp) or
 * through the COBJMACROS (tests/conformance/test_headers_c.c).  Because the
 * vtables are filled by a C compiler and called by g++, they prove that both
 * views of an interface agree slot by slot and argument by argument, including
 * the two-base interfaces and IVssWriterImpl's by-value VSS_ID return.
 *
 * Two functions do the reverse, calling objects implemented in C++ from C.
 *
 * These are test doubles, not Umbra's implementations: each object records its
 * last call in c_last_call, counts itself in c_objects_alive() and answers
 * QueryInterface for its own interfaces only.
 */
#ifndef UMBRA_TESTS_COBJECTS_H
#define UMBRA_TESTS_COBJECTS_H

#include <stdbool.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the last method called on any of these objects received. */
struct c_call
{
    const char *method;         /* "IVssAsync::Wait" ...; NULL until a call */
    DWORD dword_arg;            /* a DWORD, UINT, LONG or BOOL argument */
    bool bool_args[4];          /* C++ bool arguments, in order */
    VSS_ID guid_arg;            /* the last VSS_ID argument passed by value */
    const WCHAR *str_arg;       /* the first string argument */
};
extern struct c_call c_last_call;

void c_last_call_reset(void);

/* Objects created here and not yet released. */
LONG c_objects_alive(void);

/* IVssAsync whose QueryStatus reports status; Wait records its timeout. */
IVssAsync *c_async_create(HRESULT status);

/* IVssWriterComponentsExt (two bases) with count components and these ids. */
IVssWriterComponentsExt *c_writer_components_create(UINT count, const VSS_ID *instance_id,
                                                    const VSS_ID *writer_id);

/* IVssCreateWriterMetadataEx (two bases) that records what is added to it. */
IVssCreateWriterMetadataEx *c_writer_metadata_create(void);

/* IVssWriterImpl reporting this snapshot set and context; IsPathAffected is
 * true for paths under affected_prefix. */
IVssWriterImpl *c_writer_impl_create(const VSS_ID *snapshot_set_id, LONG context,
                                     const WCHAR *affected_prefix);

/* IVssBackupComponentsEx4 whose vtable has only IUnknown, SetBackupState,
 * SetSelectedForRestoreEx and GetRootAndLogicalPrefixPaths (slots 0-2, 6, 52,
 * 64); the other slots are NULL. */
IVssBackupComponentsEx4 *c_backup_components_create(void);

/* The other direction: C code using objects that C++ implements. */

/* Calls Wait(timeout_ms) then QueryStatus(status) through async->lpVtbl, inside
 * an AddRef/Release pair; returns Wait's result. */
HRESULT c_use_async(IVssAsync *async, DWORD timeout_ms, HRESULT *status);

/* Calls GetComponentCount through the primary vtable and AddRef/Release through
 * the IUnknown base (components->IUnknown_base); *refcount gets what AddRef
 * returned.  Not for MinGW-w64's headers, whose interface has no second base. */
HRESULT c_use_writer_components(IVssWriterComponentsExt *components, UINT *count, ULONG *refcount);

#ifdef __cplusplus
}
#endif

#endif
