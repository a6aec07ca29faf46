/*
 * atlstr.h for make check-mingw only: Umbra's CStringT (see atlbase.h here).
 */
#include "../../../include/atlstr.h"
