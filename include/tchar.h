/*
 * tchar.h: Microsoft's generic-text mappings.  With _UNICODE (or UNICODE,
 * which winnt.h's TCHAR follows) every _t name is the wide function and _T("x")
 * is L"x"; without, the narrow ones.  _tmain becomes wmain, which
 * libumbra-msvcrt starts with wide arguments (dlls/msvcrt/wmain.c).
 */
#ifndef UMBRA_TCHAR_H
#define UMBRA_TCHAR_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#if defined(_UNICODE) || defined(UNICODE)

#ifndef _TCHAR_DEFINED
#define _TCHAR_DEFINED
typedef wchar_t _TCHAR;
typedef wchar_t _TSCHAR;
typedef wchar_t _TUCHAR;
typedef wchar_t _TXCHAR;
typedef wint_t _TINT;
#endif
#define __T(x) L##x
#define _TEOF WEOF

#define _tmain wmain
#define _tprintf wprintf
#define _vtprintf vwprintf
#define _ftprintf fwprintf
#define _vftprintf vfwprintf
#define _stprintf _swprintf
#define _vstprintf _vswprintf
#define _sntprintf _snwprintf
#define _vsntprintf _vsnwprintf
#define _stprintf_s swprintf_s
#define _vstprintf_s vswprintf_s
#define _sntprintf_s _snwprintf_s
#define _vsntprintf_s _vsnwprintf_s
#define _sctprintf _scwprintf
#define _vsctprintf _vscwprintf
#define _fputts fputws
#define _fputtc fputwc
#define _puttc putwc
#define _puttchar putwchar
#define _putts _putws

#define _tcslen wcslen
#define _tcsnlen wcsnlen
#define _tcscpy wcscpy
#define _tcsncpy wcsncpy
#define _tcscat wcscat
#define _tcsncat wcsncat
#define _tcscmp wcscmp
#define _tcsncmp wcsncmp
#define _tcsicmp _wcsicmp
#define _tcsnicmp _wcsnicmp
#define _tcschr wcschr
#define _tcsrchr wcsrchr
#define _tcsstr wcsstr
#define _tcsspn wcsspn
#define _tcscspn wcscspn
#define _tcspbrk wcspbrk
#define _tcsdup _wcsdup
#define _tcscpy_s wcscpy_s
#define _tcsncpy_s wcsncpy_s
#define _tcscat_s wcscat_s
#define _tcsncat_s wcsncat_s
#define _tcstol wcstol
#define _tcstoul wcstoul
#define _tcstoi64 wcstoll
#define _tcstoui64 wcstoull
#define _tcstod wcstod
#define _ttoi _wtoi
#define _ttol _wtol
#define _ttoi64 _wtoi64
#define _tstoi _wtoi
#define _tstol _wtol
#define _tstoi64 _wtoi64

#define _istalpha iswalpha
#define _istalnum iswalnum
#define _istdigit iswdigit
#define _istxdigit iswxdigit
#define _istspace iswspace
#define _istupper iswupper
#define _istlower iswlower
#define _istprint iswprint
#define _istpunct iswpunct
#define _totupper towupper
#define _totlower towlower

#else /* narrow */

#ifndef _TCHAR_DEFINED
#define _TCHAR_DEFINED
typedef char _TCHAR;
typedef signed char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef unsigned char _TXCHAR;
typedef int _TINT;
#endif
#define __T(x) x
#define _TEOF EOF

#define _tmain main
#define _tprintf printf
#define _vtprintf vprintf
#define _ftprintf fprintf
#define _vftprintf vfprintf
#define _stprintf sprintf
#define _vstprintf vsprintf
#define _sntprintf _snprintf
#define _vsntprintf _vsnprintf
#define _stprintf_s sprintf_s
#define _vstprintf_s vsprintf_s
#define _sntprintf_s _snprintf_s
#define _vsntprintf_s _vsnprintf_s
#define _sctprintf _scprintf
#define _vsctprintf _vscprintf
#define _fputts fputs
#define _fputtc fputc
#define _puttc putc
#define _puttchar putchar
#define _putts puts

#define _tcslen strlen
#define _tcsnlen strnlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp _stricmp
#define _tcsnicmp _strnicmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcsspn strspn
#define _tcscspn strcspn
#define _tcspbrk strpbrk
#define _tcsdup _strdup
#define _tcscpy_s strcpy_s
#define _tcsncpy_s strncpy_s
#define _tcscat_s strcat_s
#define _tcsncat_s strncat_s
#define _tcstol strtol
#define _tcstoul strtoul
#define _tcstoi64 strtoll
#define _tcstoui64 strtoull
#define _tcstod strtod
#define _ttoi atoi
#define _ttol atol
#define _ttoi64 _atoi64
#define _tstoi atoi
#define _tstol atol
#define _tstoi64 _atoi64

#define _istalpha isalpha
#define _istalnum isalnum
#define _istdigit isdigit
#define _istxdigit isxdigit
#define _istspace isspace
#define _istupper isupper
#define _istlower islower
#define _istprint isprint
#define _istpunct ispunct
#define _totupper toupper
#define _totlower tolower

#endif

#define _T(x) __T(x)
#define _TEXT(x) __T(x)

#endif
