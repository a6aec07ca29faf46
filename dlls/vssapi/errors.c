/*
 * errors.c: the errno -> HRESULT table of the API boundary, and the name and
 * one-line text of every VSS HRESULT and of the common COM ones.
 *
 * How a result is mapped: the rows for the caller's context are searched
 * first, then the rows every context shares, then the context's fallback
 * (what an unexplained failure of that kind of work is, e.g.
 * VSS_E_UNEXPECTED_PROVIDER_ERROR for a provider step).  The codes each API
 * method may return are VSS-FACTS.md §2.3's; their meanings §3.1's.  Rows
 * marked [U] are the natural choice where Microsoft documents no code for
 * that exact case.
 *
 * The names and texts live in kernel32's system message table
 * (dlls/kernel32/messages.c), shared with FormatMessage.
 */
#include <errno.h>
#include <stdio.h>
#include <windows.h>
#include <vss.h>
#include "umbra/kernel32.h"
#include "errors.h"

struct errno_row
{
    enum err_context ctx;
    int err;            /* positive errno */
    HRESULT hr;
};

#define ANY ERRCTX_COUNT  /* a row that holds in every context */

static const struct errno_row errno_rows[] =
{
    /* documents */
    { ERRCTX_XML, EBADMSG, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, EPROTO, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, E2BIG, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, EILSEQ, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, EINVAL, VSS_E_INVALID_XML_DOCUMENT },
    { ERRCTX_XML, ENOENT, VSS_E_INVALID_XML_DOCUMENT },

    /* volume names (DESIGN.md §3; R16) */
    { ERRCTX_VOLUME, ENOTDIR, VSS_E_OBJECT_NOT_FOUND },
    { ERRCTX_VOLUME, ENODEV, VSS_E_OBJECT_NOT_FOUND },
    { ERRCTX_VOLUME, ENAMETOOLONG, E_INVALIDARG },
    { ERRCTX_VOLUME, EILSEQ, E_INVALIDARG },
    { ERRCTX_VOLUME, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED },

    /* provider steps (provider.h's errno contract) */
    { ERRCTX_PROVIDER, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER },
    { ERRCTX_PROVIDER, EBUSY, VSS_E_PROVIDER_VETO },
    { ERRCTX_PROVIDER, EROFS, VSS_E_PROVIDER_VETO },
    { ERRCTX_PROVIDER, EINVAL, VSS_E_UNEXPECTED_PROVIDER_ERROR },

    /* R12: one snapshot set in creation per machine */
    { ERRCTX_SET_LOCK, EBUSY, VSS_E_SNAPSHOT_SET_IN_PROGRESS },
    { ERRCTX_SET_LOCK, EAGAIN, VSS_E_SNAPSHOT_SET_IN_PROGRESS },
    { ERRCTX_SET_LOCK, ETIMEDOUT, VSS_E_SNAPSHOT_SET_IN_PROGRESS },

    /* §1.5 flush-and-hold window */
    { ERRCTX_FLUSH, ETIMEDOUT, VSS_E_FLUSH_WRITES_TIMEOUT },
    { ERRCTX_FLUSH, EBUSY, VSS_E_PROVIDER_VETO },
    { ERRCTX_HOLD, ETIMEDOUT, VSS_E_HOLD_WRITES_TIMEOUT },
    { ERRCTX_HOLD, EBUSY, VSS_E_PROVIDER_VETO },

    /* DeleteSnapshots: +NF +PROV */
    { ERRCTX_DELETE, EBUSY, VSS_E_PROVIDER_VETO },
    { ERRCTX_DELETE, EOPNOTSUPP, VSS_E_PROVIDER_VETO },

    /* ExposeSnapshot / UnexposeSnapshot: +NF +PROV */
    { ERRCTX_EXPOSE, EEXIST, VSS_E_OBJECT_ALREADY_EXISTS },       /* [U] target in use */
    { ERRCTX_EXPOSE, ENOTEMPTY, VSS_E_OBJECT_ALREADY_EXISTS },    /* [U] */
    { ERRCTX_EXPOSE, ENOTDIR, E_INVALIDARG },
    { ERRCTX_EXPOSE, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED },
    { ERRCTX_EXPOSE, EBUSY, VSS_E_PROVIDER_VETO },

    /* R29 */
    { ERRCTX_REVERT, EBUSY, VSS_E_VOLUME_IN_USE },
    { ERRCTX_REVERT, EOPNOTSUPP, E_NOTIMPL },
    { ERRCTX_REVERT, EALREADY, VSS_E_REVERT_IN_PROGRESS },
    { ERRCTX_REVERT, EINPROGRESS, VSS_E_REVERT_IN_PROGRESS },
    { ERRCTX_REVERT, ENODEV, VSS_E_REVERT_VOLUME_LOST },

    /* writers (DESIGN.md §4) */
    { ERRCTX_WRITER, ETIMEDOUT, VSS_E_WRITER_NOT_RESPONDING },
    { ERRCTX_WRITER, ECONNRESET, VSS_E_WRITER_NOT_RESPONDING },
    { ERRCTX_WRITER, EPIPE, VSS_E_WRITER_NOT_RESPONDING },
    { ERRCTX_WRITER, ECONNREFUSED, VSS_E_WRITER_NOT_RESPONDING },

    /* snapshot records */
    { ERRCTX_CATALOGUE, EBUSY, VSS_E_PROVIDER_IN_USE },            /* [U] another process holds it */

    /* every context */
    { ANY, ENOMEM, E_OUTOFMEMORY },
    { ANY, EPERM, E_ACCESSDENIED },
    { ANY, EACCES, E_ACCESSDENIED },
    { ANY, EINVAL, E_INVALIDARG },
    { ANY, ENOENT, VSS_E_OBJECT_NOT_FOUND },
    { ANY, EEXIST, VSS_E_OBJECT_ALREADY_EXISTS },
    { ANY, ENOSPC, VSS_E_INSUFFICIENT_STORAGE },
    { ANY, EDQUOT, VSS_E_INSUFFICIENT_STORAGE },
    { ANY, ELOOP, VSS_E_NESTED_VOLUME_LIMIT },
    { ANY, EOPNOTSUPP, VSS_E_VOLUME_NOT_SUPPORTED },
    { ANY, EBUSY, VSS_E_VOLUME_IN_USE },
};

/* What an errno no row explains means in each context. */
static const HRESULT fallback[ERRCTX_COUNT] =
{
    [ERRCTX_DEFAULT] = VSS_E_UNEXPECTED,
    [ERRCTX_XML] = VSS_E_INVALID_XML_DOCUMENT,
    [ERRCTX_VOLUME] = VSS_E_UNEXPECTED,
    [ERRCTX_PROVIDER] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_SET_LOCK] = VSS_E_UNEXPECTED,
    [ERRCTX_FLUSH] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_HOLD] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_DELETE] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_EXPOSE] = VSS_E_UNEXPECTED_PROVIDER_ERROR,
    [ERRCTX_REVERT] = E_FAIL,
    [ERRCTX_WRITER] = VSS_E_WRITER_INFRASTRUCTURE,
    [ERRCTX_CATALOGUE] = VSS_E_UNEXPECTED,
};

HRESULT hresult_from_errno(int err, enum err_context ctx)
{
    unsigned int i;

    if (!err) return S_OK;
    if (err < 0) err = -err;
    if ((unsigned int)ctx >= ERRCTX_COUNT) ctx = ERRCTX_DEFAULT;

    for (i = 0; i < sizeof(errno_rows) / sizeof(errno_rows[0]); i++)
        if (errno_rows[i].ctx == ctx && errno_rows[i].err == err) return errno_rows[i].hr;
    for (i = 0; i < sizeof(errno_rows) / sizeof(errno_rows[0]); i++)
        if (errno_rows[i].ctx == ANY && errno_rows[i].err == err) return errno_rows[i].hr;
    return fallback[ctx];
}

/* The names and texts are kernel32's system message table
 * (dlls/kernel32/messages.c), which FormatMessage reads too. */
const char *hresult_name(HRESULT hr)
{
    const char *name = NULL;

    umbra_hresult_message(hr, &name, NULL);
    return name;
}

const char *hresult_text(HRESULT hr)
{
    const char *text = NULL;

    return umbra_hresult_message(hr, NULL, &text) ? "Unknown error" : text;
}

const char *debugstr_hr(HRESULT hr)
{
    static __thread char buf[4][16];
    static __thread unsigned int next;
    const char *name = hresult_name(hr);
    char *ret;

    if (name) return name;
    ret = buf[next++ % 4];
    snprintf(ret, sizeof(buf[0]), "0x%08X", (unsigned int)hr);
    return ret;
}

const char *umbra_hresult_name(HRESULT hr)
{
    return hresult_name(hr);
}

const char *umbra_hresult_text(HRESULT hr)
{
    return hresult_text(hr);
}
