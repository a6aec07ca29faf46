/*
 * wmain_echo.c: a Windows-style program with only wmain, for test_wmain.c.
 * It prints its argument count and each argument (wide, Microsoft %s) on a
 * line, then exits with 3, so the test sees that libumbra-msvcrt's main ran
 * it with converted arguments and passed its exit code on.
 */
#include <windows.h>
#include <tchar.h>

int wmain(int argc, wchar_t *argv[])
{
    int i;

    wprintf(L"argc=%d\n", argc);
    for (i = 1; i < argc; i++) wprintf(L"[%s] len=%u\n", argv[i], (unsigned int)wcslen(argv[i]));
    return 3;
}
