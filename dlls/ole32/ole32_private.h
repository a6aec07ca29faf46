/*
 * ole32_private.h: what the files of libumbra-ole32 share among themselves.
 */
#ifndef UMBRA_OLE32_PRIVATE_H
#define UMBRA_OLE32_PRIVATE_H

#include <objbase.h>

/* TRUE when the calling thread may use COM: it initialised COM itself, or
 * some thread of the process keeps the multithreaded apartment alive. */
BOOL apartment_usable(void);

#endif
