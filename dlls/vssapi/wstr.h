/*
 * wstr.h: string conversions at vssapi's API boundary.
 *
 * The Windows API speaks WCHAR (wchar_t, UTF-32 here); vssapi's internal
 * layers (XML documents, providers, transport) speak UTF-8 char *.  These
 * helpers convert between the two and allocate the memory Windows callers
 * expect to free: CoTaskMemFree for VSS_PWSZ, SysFreeString for BSTR.
 * Internal results are malloc'd and freed with free().
 *
 * All functions return 0 or a negative errno: -ENOMEM, or -EILSEQ when the
 * input is not valid Unicode (a surrogate or a value above U+10FFFF in a
 * WCHAR string, malformed or overlong UTF-8).  A NULL input gives a NULL
 * output and success, so optional strings pass through unchanged.  The one
 * exception is bstr_out_utf8, which fills a COM out-parameter and so answers
 * with the HRESULT the interface methods return.
 *
 * Not for: XML escaping (xml_write.h), GUID text (xml_value.h).
 */
#ifndef UMBRA_VSSAPI_WSTR_H
#define UMBRA_VSSAPI_WSTR_H

#include <stddef.h>
#include <windows.h>
#include <oleauto.h>

/* WCHAR -> UTF-8, malloc'd. */
int wstr_to_utf8(const WCHAR *str, char **out);
/* The first len characters of str (which need not be NUL-terminated). */
int wstr_to_utf8n(const WCHAR *str, size_t len, char **out);

/* UTF-8 -> WCHAR, malloc'd. */
int wstr_from_utf8(const char *str, WCHAR **out);

/* A CoTaskMemAlloc'd copy (for VSS_PWSZ out-parameters). */
int wstr_dup_cotaskmem(const WCHAR *str, WCHAR **out);
/* UTF-8 -> CoTaskMemAlloc'd WCHAR string. */
int wstr_from_utf8_cotaskmem(const char *str, WCHAR **out);

/* UTF-8 -> BSTR (SysAllocStringLen). */
int bstr_from_utf8(const char *str, BSTR *out);
int bstr_from_utf8n(const char *str, size_t len, BSTR *out);

/* A BSTR out-parameter of the metadata interfaces (IVssComponent,
 * IVssWMComponent, ...): S_OK with a copy of value, S_FALSE with NULL when
 * value is NULL (the item is not set), E_OUTOFMEMORY, or E_INVALIDARG for
 * text that is not valid UTF-8. */
HRESULT bstr_out_utf8(const char *value, BSTR *out);

/* count optional WCHAR strings -> malloc'd UTF-8, all or nothing: on failure
 * every out[i] is NULL. */
int wstr_to_utf8_array(const WCHAR *const *in, char **out, int count);
/* Frees the count strings of a wstr_to_utf8_array result. */
void utf8_array_free(char **list, int count);

/* Low-level pieces for streaming conversions. */

/* Encodes one code point into buf (4 bytes); returns its length, or 0 when c is
 * not a Unicode scalar value. */
size_t utf8_encode(UINT32 c, char *buf);
/* Decodes one code point from s (at most len bytes); returns its length and
 * stores it in *c, or returns 0 for malformed, truncated or overlong input. */
size_t utf8_decode(const char *s, size_t len, UINT32 *c);
/* Number of WCHARs str decodes to, or -EILSEQ. */
ptrdiff_t utf8_wcslen(const char *str, size_t len);

#endif
