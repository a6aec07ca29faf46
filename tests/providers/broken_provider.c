/*
 * broken_provider.c: the sample provider (sample_provider.c) with faults
 * switched in, so tests can watch a third-party provider misbehave (issue 11)
 * and check that only the snapshot set fails.  Built as its own shared object
 * (tests/bin/broken_provider.so) with its own provider id and class.
 *
 * $BROKEN_PROVIDER, read at every call, lists the faults:
 *     <method>=<fault>[,<method>=<fault>...]
 * where method is a provider method ("CommitSnapshots") or
 * "DllGetClassObject", and fault is one of
 *     crash     the process dies of SIGSEGV in the call
 *     exit      the process exits in the call, as a provider calling exit() would
 *     hang      the call never returns
 *     garbage   success with nonsense: IsVolumeSupported answers 42,
 *               GetSnapshotProperties gives no device, Query no enumerator
 *     0x<hex>   the call returns that HRESULT (a veto, or any garbage value)
 * Methods not listed behave as the sample's do.
 */
#define PROVIDER_FAULTS
#define PROVIDER_NAME "broken"
#define PROVIDER_STORE_ENV "BROKEN_PROVIDER_STORE"   /* default $VSS_STATE_DIR/broken-provider */
/* {5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1b01} */
#define PROVIDER_ID_INIT { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1b, 0x01 } }
/* {5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1b02} */
#define PROVIDER_CLSID_INIT { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1b, 0x02 } }

#include "sample_provider.c"
#include <signal.h>

/* The fault $BROKEN_PROVIDER gives method, or NULL. */
static const char *fault_of(const char *method, char *buf, size_t size)
{
    const char *spec = getenv("BROKEN_PROVIDER"), *p;
    size_t len = strlen(method);

    if (!spec) return NULL;
    for (p = spec; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] ? 1 : 0))
    {
        size_t item = strcspn(p, ",");

        if (item > len + 1 && !strncmp(p, method, len) && p[len] == '=')
        {
            snprintf(buf, size, "%.*s", (int)(item - len - 1), p + len + 1);
            return buf;
        }
        if (!p[item]) break;
    }
    return NULL;
}

static int provider_fault(const char *method, HRESULT *hr)
{
    char buf[64];
    const char *fault = fault_of(method, buf, sizeof(buf));

    if (!fault) return 0;
    log_call("fault %s=%s pid=%d", method, fault, (int)getpid());
    if (!strcmp(fault, "crash"))
    {
        raise(SIGSEGV);
        _exit(139);
    }
    if (!strcmp(fault, "exit")) exit(3);
    if (!strcmp(fault, "hang"))
        for (;;) pause();
    if (!strcmp(fault, "garbage"))
    {
        *hr = S_OK;
        return 1;
    }
    *hr = (HRESULT)strtoul(fault, NULL, 16);
    return 1;
}
