/*
 * umbra/debug.h: tracing for Umbra's own code (not part of the Windows API).
 *
 * VSS_TRACE=1 in the environment turns on TRACE and WARN lines on stderr (or
 * VSS_TRACE=/path/file appends them there); ERR lines always print.  Messages
 * say why something failed in words; the API still returns an HRESULT.
 *   TRACE("%p, %s\n", iface, debugstr_guid(id));
 */
#ifndef UMBRA_DEBUG_H
#define UMBRA_DEBUG_H

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum umbra_debug_class { UMBRA_DBG_TRACE, UMBRA_DBG_WARN, UMBRA_DBG_ERR };

DECLSPEC_EXPORT int umbra_debug_enabled(enum umbra_debug_class cls);
DECLSPEC_EXPORT void umbra_debug_printf(enum umbra_debug_class cls, const char *func,
                                        const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Short-lived strings for trace arguments (a small per-thread ring of buffers). */
DECLSPEC_EXPORT const char *debugstr_guid(const GUID *id);
DECLSPEC_EXPORT const char *debugstr_w(const WCHAR *str);
DECLSPEC_EXPORT const char *debugstr_wn(const WCHAR *str, int len);

#define UMBRA_DEBUG(cls, ...) \
    do { if (umbra_debug_enabled(cls)) umbra_debug_printf(cls, __func__, __VA_ARGS__); } while (0)
#define TRACE(...) UMBRA_DEBUG(UMBRA_DBG_TRACE, __VA_ARGS__)
#define WARN(...) UMBRA_DEBUG(UMBRA_DBG_WARN, __VA_ARGS__)
#define ERR(...) UMBRA_DEBUG(UMBRA_DBG_ERR, __VA_ARGS__)
#define FIXME(...) UMBRA_DEBUG(UMBRA_DBG_WARN, "FIXME: " __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
