/*
 * specstrings.h: the SDK header that carries the source annotations; here
 * sal.h has them all (old and new, as empty macros).
 */
#ifndef UMBRA_SPECSTRINGS_H
#define UMBRA_SPECSTRINGS_H

#include <sal.h>

#endif
