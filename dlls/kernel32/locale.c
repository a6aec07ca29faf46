/*
 * locale.c: the locale and code page an Umbra process reports: English
 * (United States), LCID 0x0409, and UTF-8 for both the ANSI and the OEM code
 * page (winnls.h says why).  The date and time pictures are time_format.c's.
 */
#include <windows.h>

#define LCID_EN_US 0x0409

LCID WINAPI GetUserDefaultLCID(void)
{
    return LCID_EN_US;
}

LCID WINAPI GetSystemDefaultLCID(void)
{
    return LCID_EN_US;
}

LANGID WINAPI GetUserDefaultLangID(void)
{
    return (LANGID)LCID_EN_US;
}

LANGID WINAPI GetSystemDefaultLangID(void)
{
    return (LANGID)LCID_EN_US;
}

UINT WINAPI GetACP(void)
{
    return CP_UTF8;
}

UINT WINAPI GetOEMCP(void)
{
    return CP_UTF8;
}
