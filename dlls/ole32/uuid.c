/*
 * uuid.c: the one definition of the base COM GUIDs (GUID_NULL, IID_IUnknown,
 * IID_IClassFactory, IID_IDispatch ...), exported from libumbra-ole32 so that
 * clients need no uuid library.  The VSS IIDs are in dlls/vssapi/uuid.c.
 */
#define INITGUID
#include <windows.h>
