/*
 * thirdparty_host.h: the conversation between thirdparty.c and the host
 * process a third-party provider runs in (thirdparty.h says why there is
 * one): the messages, their fields, and the host's entry point.
 *
 * Messages are wire.h bodies over a socket pair, framed as transport.h
 * frames.  Each request carries an id; the reply has the request's type with
 * WIRE_REPLY set, the same id, the provider's HRESULT as its status and, on
 * failure, HT_WHY when the host itself found something wrong.  Volume names
 * and devices travel as UTF-8.
 *
 * Not for: the provider.h side (thirdparty.c).
 */
#ifndef UMBRA_VSSAPI_PROVIDERS_THIRDPARTY_HOST_H
#define UMBRA_VSSAPI_PROVIDERS_THIRDPARTY_HOST_H

#include <windef.h>

enum host_message
{
    HOST_READY = 0x101,         /* host -> us once, after loading: status, WHY */
    HOST_IS_SUPPORTED,          /* VOLUME -> SUPPORTED */
    HOST_BEGIN_PREPARE,         /* SET_ID, SNAPSHOT_ID, VOLUME, CONTEXT */
    HOST_END_PREPARE,           /* SET_ID */
    HOST_PRE_COMMIT,            /* SET_ID */
    HOST_COMMIT,                /* SET_ID */
    HOST_POST_COMMIT,           /* SET_ID, COUNT */
    HOST_PRE_FINAL_COMMIT,      /* SET_ID */
    HOST_POST_FINAL_COMMIT,     /* SET_ID */
    HOST_ABORT,                 /* SET_ID */
    HOST_GET_PROPERTIES,        /* SNAPSHOT_ID -> DEVICE, VOLUME, SET_ID, TIMESTAMP */
    HOST_DELETE,                /* SNAPSHOT_ID -> COUNT */
    HOST_QUERY,                 /* -> repeated SNAPSHOT (text), VOLUME */
    HOST_REVERT,                /* SNAPSHOT_ID */
};

enum host_tag
{
    HT_VOLUME = 1,              /* str */
    HT_SET_ID,                  /* GUID */
    HT_SNAPSHOT_ID,             /* GUID */
    HT_CONTEXT,                 /* u32 */
    HT_COUNT,                   /* u32 */
    HT_SUPPORTED,               /* u32 0/1 */
    HT_DEVICE,                  /* str */
    HT_TIMESTAMP,               /* u64 VSS_TIMESTAMP */
    HT_SNAPSHOT,                /* str GUID, repeated in step with HT_VOLUME */
    HT_WHY,                     /* str: what the host could not do */
};

/* Serve the provider in library (class clsid) on fd in this process, just
 * forked from the requester: keep nothing of the requester's but memory (no
 * other descriptor, no signal handler, no exit handler), load the class, say
 * HOST_READY, then answer requests until fd closes.  Never returns, never logs. */
__attribute__((noreturn)) void thirdparty_host_main(const char *library, const GUID *clsid, int fd);

#endif
