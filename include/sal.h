/*
 * sal.h: Microsoft's source annotations, old (__in, __out_ecount(n) ...) and
 * new (_In_, _Out_writes_(n) ...), as empty macros: they help Microsoft's
 * analyzer and mean nothing to a compiler.
 *
 * The old __in, __out, __pre and __post are also names libstdc++ gives its
 * parameters and variables, so in C++ this header first includes the standard
 * headers that use them; include other standard headers before sal.h.
 * windows.h, like MinGW-w64's, defines everything but these four
 * (umbra/sal_new.h).
 */
#ifndef UMBRA_SAL_H
#define UMBRA_SAL_H

#if defined(__cplusplus) && !defined(UMBRA_SAL_NO_OLD_STYLE)
/* windef.h's min and max macros would break these headers */
#pragma push_macro("min")
#pragma push_macro("max")
#undef min
#undef max
#include <algorithm>
#include <istream>
#include <locale>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#pragma pop_macro("max")
#pragma pop_macro("min")
#endif

#include <umbra/sal_new.h>

#ifndef UMBRA_SAL_NO_OLD_STYLE
#define __in
#define __out
#define __pre
#define __post
#endif

#endif
