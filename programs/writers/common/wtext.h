/*
 * wtext.h: UTF-8 <-> WCHAR (UTF-32) conversion for the in-box writers, which
 * speak UTF-8 to their services and WCHAR to the VSS API.  Independent of the
 * process locale, so a writer started by systemd with LANG unset converts the
 * same way as one started from a shell.
 *
 * Not for: anything inside libvssapi (it has dlls/vssapi/wstr.h).
 */
#ifndef UMBRA_WRITERS_WTEXT_H
#define UMBRA_WRITERS_WTEXT_H

#include <windows.h>

/* A malloc'd wide copy of s (invalid bytes become U+FFFD); NULL for NULL or
 * out of memory. */
WCHAR *wtext_from_utf8(const char *s);

/* A malloc'd UTF-8 copy of w; NULL for NULL or out of memory. */
char *wtext_to_utf8(const WCHAR *w);

#endif
