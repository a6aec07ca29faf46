/*
 * umbra/kernel32.h: helpers that libumbra-kernel32 shares with Umbra's other
 * libraries (not part of the Windows API).
 */
#ifndef UMBRA_KERNEL32_H
#define UMBRA_KERNEL32_H

#include <windef.h>
#include <winerror.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The Win32 error code for an errno value (either sign), e.g. ENOENT ->
 * ERROR_FILE_NOT_FOUND; unknown values give ERROR_GEN_FAILURE. */
DECLSPEC_EXPORT DWORD umbra_win32_error_from_errno(int err);
/* SetLastError(umbra_win32_error_from_errno(err)). */
DECLSPEC_EXPORT void umbra_set_last_error_from_errno(int err);

/* The system message table (dlls/kernel32/messages.c): the symbolic name
 * ("ERROR_FILE_NOT_FOUND", "VSS_E_BAD_STATE") and one line of English text
 * (no final period) of a Win32 error code or an HRESULT.  0, or -ENOENT with
 * both set to NULL for a code the table does not know.  Either pointer may
 * be NULL. */
DECLSPEC_EXPORT int umbra_win32_message(DWORD code, const char **name, const char **text);
DECLSPEC_EXPORT int umbra_hresult_message(HRESULT hr, const char **name, const char **text);

/* The POSIX path a Windows path names (dlls/kernel32/path.c), malloc'd:
 *   C:\dir\file         through $VSS_CONFIG_DIR/dosdevices/c: (Wine's convention)
 *   \\?\C:\..., \\.\C:\... the same
 *   \\?\Volume{GUID}\...  the volume's root (umbra/mounts.h), then the rest
 *   /srv/data\file       a POSIX path; '\' is a separator everywhere
 *   dir\file, \dir       relative to the current directory, to "/"
 * "." and ".." are resolved by name, as Windows does (not below a \\?\ root).
 * A component that does not exist as spelled is looked up without regard to
 * case, so C:\DATA\File.TXT finds /srv/data/file.txt.
 * 0, -EINVAL (empty, malformed, an invalid GUID), -ENOENT (a drive letter that
 * is not mapped, a GUID no volume has), -EOPNOTSUPP (a UNC share),
 * -ENAMETOOLONG, -ENOMEM, -EILSEQ. */
DECLSPEC_EXPORT int umbra_unix_path(const WCHAR *name, char **out);
DECLSPEC_EXPORT int umbra_unix_path_utf8(const char *name, char **out);

#ifdef __cplusplus
}
#endif

#endif
