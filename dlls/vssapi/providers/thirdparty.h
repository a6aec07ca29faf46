/*
 * thirdparty.h: snapshot providers written by someone else (issue 11): a
 * shared object that implements IVssSoftwareSnapshotProvider and
 * IVssProviderCreateSnapshotSet (vsprov.h, Microsoft's slot order), and
 * optionally IVssProviderNotifications, declared in
 * $VSS_CONFIG_DIR/providers.d/<anything>.conf.  Each one is adapted to
 * provider.h, so the coordinator drives it like a built-in provider: in
 * Microsoft's order, inside the same hold window and watchdog.
 *
 * The declaration ("key = value" lines, '#' starts a comment):
 *     id          = {GUID}     m_ProviderId (required; no built-in's, unique)
 *     class_id    = {GUID}     the CLSID the library's DllGetClassObject is
 *                              asked for (default: id); m_ClassId
 *     name        = text       m_pwszProviderName (required)
 *     version     = text       m_pwszProviderVersion (default "1.0")
 *     version_id  = {GUID}     m_ProviderVersionId (default GUID_NULL)
 *     type        = software | hardware          (required)
 *     library     = path       the shared object (required; relative to
 *                              providers.d)
 *     freeze      = sync | fifreeze   what the hold step does to the volume
 *                              (default sync: the provider's commit is the
 *                              point in time; fifreeze: FIFREEZE around it)
 *     consistency = point-in-time | writer   (default point-in-time)
 *     timeout_ms  = n          deadline of one call other than CommitSnapshots
 *                              (default 60000, like a writer's freeze time)
 * The file and the library must be owned by root or by us and writable by
 * nobody else; a declaration that fails any check is skipped with a warning.
 * At most THIRDPARTY_MAX providers; files are read in name order.
 *
 * How a provider is loaded, the way COM loads an in-process server:
 * dlopen(library), DllGetClassObject(class_id, IID_IClassFactory),
 * CreateInstance(NULL, IID_IVssSoftwareSnapshotProvider), QueryInterface for
 * IVssProviderCreateSnapshotSet (required) and IVssProviderNotifications
 * (then OnLoad(NULL) now and OnUnload(FALSE) when it is unloaded).
 * Volume names handed to it are POSIX roots with a trailing '/'; the
 * m_pwszSnapshotDeviceObject it reports must be the absolute path of the
 * snapshot's read-only tree.
 *
 * Isolation: the provider runs in a host process of its own
 * (thirdparty_host.h), forked from the caller when it is first needed and
 * kept until the caller exits; the host keeps only its socket and stderr.
 * Each provider.h op is one request over a socket pair with a deadline.  A
 * provider that crashes, exits, hangs or answers garbage costs only its
 * host: the host is killed, the op fails, the next op starts a new host, and
 * the requester carries on; the freeze watchdog (freeze.h) thaws whatever
 * the set froze, host or no host.  A host whose requester dies while the
 * provider is in a call ends at once.
 * Results: the provider's own codes keep their meaning where provider.h has
 * one (VSS_E_PROVIDER_VETO, VSS_E_INSUFFICIENT_STORAGE, VSS_E_OBJECT_NOT_FOUND,
 * VSS_E_VOLUME_NOT_SUPPORTED[_BY_PROVIDER], E_NOTIMPL, E_ACCESSDENIED ...);
 * any other failure, a crash, a hang past timeout_ms or an answer that does
 * not make sense is VSS_E_UNEXPECTED_PROVIDER_ERROR; a CommitSnapshots that
 * overruns the hold window (10 s) is VSS_E_HOLD_WRITES_TIMEOUT.
 * Sequence: BeginPrepareSnapshot per volume, EndPrepareSnapshots,
 * PreCommitSnapshots, CommitSnapshots (in the window), PostCommitSnapshots,
 * then at once PreFinalCommitSnapshots and PostFinalCommitSnapshots (Windows
 * sends those two after the writers' Thaw; provider.h has no step there);
 * AbortSnapshots on failure, then DeleteSnapshots for what it left.  Query,
 * GetSnapshotProperties and DeleteSnapshots run after SetContext(VSS_CTX_ALL).
 * The records of its snapshots live in "<volume root>/.snapshots" like the
 * built-in providers'; the private data names the provider and the snapshot.
 *
 * Not for: the built-in providers (providers.c lists both kinds).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_THIRDPARTY_H
#define UMBRA_VSSAPI_PROVIDERS_THIRDPARTY_H

#include "provider.h"

#define THIRDPARTY_MAX 16
#define THIRDPARTY_DEFAULT_TIMEOUT_MS 60000

/* The declared providers that loaded, NULL-terminated, in file-name order.
 * Declarations are read again when providers.d changes; a provider whose
 * declaration stays keeps its struct, one whose declaration went away is
 * dropped from the list (ops on it then fail with -ENODEV). */
const struct provider *const *thirdparty_providers(void);

/* 1 if p is one of ours. */
int thirdparty_is_thirdparty(const struct provider *p);

/* The CLSID p's declaration names (m_ClassId); 0, or -EINVAL if p is not
 * a third-party provider. */
int thirdparty_class_id(const struct provider *p, GUID *clsid);

/* Unload every provider: OnUnload(FALSE), and each host exits (killed if it
 * does not within a second).  The next op starts a new host.  Runs at exit. */
void thirdparty_shutdown(void);

/* The pid of p's host, 0 when none runs (tests). */
int thirdparty_host_pid(const struct provider *p);

#endif
