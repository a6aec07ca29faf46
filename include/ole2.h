/*
 * ole2.h: COM and OLE Automation together, as Windows code includes them.
 */
#ifndef UMBRA_OLE2_H
#define UMBRA_OLE2_H

#include <objbase.h>
#include <oleauto.h>

#endif
