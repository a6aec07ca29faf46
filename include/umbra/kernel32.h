/*
 * umbra/kernel32.h: helpers that libumbra-kernel32 shares with Umbra's other
 * libraries (not part of the Windows API).
 */
#ifndef UMBRA_KERNEL32_H
#define UMBRA_KERNEL32_H

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The Win32 error code for an errno value (either sign), e.g. ENOENT ->
 * ERROR_FILE_NOT_FOUND; unknown values give ERROR_GEN_FAILURE. */
DECLSPEC_EXPORT DWORD umbra_win32_error_from_errno(int err);
/* SetLastError(umbra_win32_error_from_errno(err)). */
DECLSPEC_EXPORT void umbra_set_last_error_from_errno(int err);

#ifdef __cplusplus
}
#endif

#endif
