/*
 * atlbase.h for make check-mingw only: MinGW-w64 ships no ATL, so the
 * clients get Umbra's header-only ATL subset, which is written against the
 * Windows API alone and compiles against MinGW-w64's headers unchanged.
 */
#include "../../../include/atlbase.h"
