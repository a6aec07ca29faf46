/*
 * errors.c: what vssadmin prints when something fails, and the exit status
 * (docs/man/vssadmin.8).  Windows prints one "Error: <text>" line
 * (VSS-FACTS.md §5.1); the texts Windows is known to print are used as they
 * are, the others are ours ([U]), and whatever is left gets libvssapi's line
 * for the HRESULT.  The HRESULT itself goes to standard error, for people.
 *
 * Under --json the error line goes to standard error too, so standard output
 * is either a whole JSON document or nothing.
 */
#include <stdio.h>
#include <string.h>

#include "vssadmin.h"

#define ANY_CTX (-1)

static const struct
{
    int ctx;                        /* enum vsa_error_context or ANY_CTX */
    HRESULT hr;
    const char *text;
    enum vsa_status status;
} error_texts[] =
{
    /* first sentence seen on Windows; the second is where Linux differs */
    { ANY_CTX, E_ACCESSDENIED, "You don't have the correct permissions to run this command.  "
                               "Please run this utility as root or as a member of the backup group.", VSA_ERR_ACCESS },
    { VSA_CTX_STORAGE, VSS_E_OBJECT_NOT_FOUND,
      "The specified shadow copy storage association was not found.", VSA_ERR_NOT_FOUND },                 /* [U] */
    { VSA_CTX_STORAGE, VSS_E_OBJECT_ALREADY_EXISTS,
      "The specified shadow copy storage association already exists.", VSA_ERR_VSS },                      /* [U] */
    { VSA_CTX_STORAGE, VSS_E_VOLUME_NOT_SUPPORTED,
      "The volume given with /On cannot hold shadow copy storage for the volume given with /For.",          /* [U] */
      VSA_ERR_VSS },
    { VSA_CTX_STORAGE, VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED,
      "The maximum number of shadow copy storage associations has been reached.", VSA_ERR_VSS },           /* [U] */
    { VSA_CTX_CREATE, VSS_E_SNAPSHOT_SET_IN_PROGRESS,
      "Another shadow copy creation is already in progress.  Please wait a few moments and try again.",     /* [U] */
      VSA_ERR_VSS },
    { VSA_CTX_REVERT, VSS_E_UNSUPPORTED_CONTEXT,
      "Only persistent shadow copies can be reverted.", VSA_ERR_VSS },                                      /* [U] */
    { VSA_CTX_REVERT, VSS_E_VOLUME_IN_USE,
      "The volume is in use.  Use /ForceDismount to revert it anyway.", VSA_ERR_VSS },                      /* [U] */
    { VSA_CTX_REVERT, E_NOTIMPL,
      "The shadow copy provider of this shadow copy cannot revert volumes.", VSA_ERR_VSS },                 /* [U] */
    { ANY_CTX, VSS_E_VOLUME_NOT_SUPPORTED, "The specified volume is not supported.", VSA_ERR_VSS },         /* [U] */
    { ANY_CTX, VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
      "The specified volume is not supported by the shadow copy provider.", VSA_ERR_VSS },                  /* [U] */
    { ANY_CTX, VSS_E_PROVIDER_VETO, "The shadow copy provider had an error.  "                              /* [U] */
                                    "Run the command again with VSS_TRACE=1 for more information.", VSA_ERR_VSS },
    { ANY_CTX, VSS_E_UNEXPECTED_PROVIDER_ERROR, "The shadow copy provider had an unexpected error "         /* [U] */
                                                "while trying to process the specified command.", VSA_ERR_VSS },
    { ANY_CTX, VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
      "The maximum number of shadow copies for this volume has been reached.", VSA_ERR_VSS },               /* [U] */
};

static int find_row(HRESULT hr, enum vsa_error_context ctx)
{
    size_t i;

    for (i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++)
        if (error_texts[i].hr == hr && (error_texts[i].ctx == (int)ctx || error_texts[i].ctx == ANY_CTX))
            return (int)i;
    return -1;
}

const char *vsa_error_text(struct vsa *v, HRESULT hr, enum vsa_error_context ctx)
{
    static char buf[512];
    const char *text;
    size_t len;
    int row = find_row(hr, ctx);

    if (row >= 0) return error_texts[row].text;
    text = v && v->api && v->api->hresult_text ? v->api->hresult_text(hr) : NULL;
    if (!text || !*text)
    {
        snprintf(buf, sizeof(buf), "Unexpected failure: 0x%08x.", (unsigned int)hr);                    /* [U] */
        return buf;
    }
    snprintf(buf, sizeof(buf), "%s", text);
    len = strlen(buf);
    if (len && buf[len - 1] != '.' && len + 1 < sizeof(buf)) strcat(buf, ".");
    return buf;
}

enum vsa_status vsa_status_for(HRESULT hr, enum vsa_error_context ctx)
{
    int row = find_row(hr, ctx);

    if (row >= 0) return error_texts[row].status;
    if (hr == VSS_E_OBJECT_NOT_FOUND && ctx != VSA_CTX_GENERIC) return VSA_ERR_NOT_FOUND;
    return VSA_ERR_VSS;
}

enum vsa_status vsa_error(struct vsa *v, enum vsa_status status, const char *text)
{
    if (v->cmd && v->cmd->json)
    {
        if (v->err) fprintf(v->err, "Error: %s\n", text);
    }
    else vsa_printf(&v->out, "Error: %s\n", text);
    return status;
}

enum vsa_status vsa_fail(struct vsa *v, HRESULT hr, enum vsa_error_context ctx, const char *what)
{
    if (v->err && what) fprintf(v->err, "vssadmin: %s: 0x%08x\n", what, (unsigned int)hr);
    return vsa_error(v, vsa_status_for(hr, ctx), vsa_error_text(v, hr, ctx));
}

void vsa_print_no_items(struct vsa *v)
{
    vsa_puts(&v->out, "No items found that satisfy the query.\n");
}
