/*
 * wmain.c: the entry point of Windows programs written with wmain (or with
 * _tmain under _UNICODE, see tchar.h).  Linux starts main, so this main
 * converts the UTF-8 arguments and environment to wide strings and calls the
 * program's wmain.  A program that defines its own main never uses this one:
 * the linker takes the program's, and this file is its own archive member so
 * that static links pull it in only when main is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

extern int wmain(int argc, wchar_t **argv, wchar_t **envp) __attribute__((weak));

/* A NULL-terminated wide copy of a NULL-terminated vector of UTF-8 strings. */
static wchar_t **widen_vector(char **vec)
{
    wchar_t **wide;
    size_t count = 0, i;

    while (vec && vec[count]) count++;
    if (!(wide = calloc(count + 1, sizeof(*wide)))) return NULL;
    for (i = 0; i < count; i++)
    {
        int len = MultiByteToWideChar(CP_UTF8, 0, vec[i], -1, NULL, 0);
        if (len <= 0 || !(wide[i] = malloc(len * sizeof(wchar_t)))) goto fail;
        MultiByteToWideChar(CP_UTF8, 0, vec[i], -1, wide[i], len);
    }
    return wide;

fail:
    while (i--) free(wide[i]);
    free(wide);
    return NULL;
}

static void free_vector(wchar_t **vec)
{
    size_t i;

    for (i = 0; vec && vec[i]; i++) free(vec[i]);
    free(vec);
}

DECLSPEC_EXPORT int main(int argc, char **argv, char **envp)
{
    wchar_t **wargv, **wenvp;
    int ret;

    if (!wmain)
    {
        fputs("this program has neither main nor wmain\n", stderr);
        return 1;
    }
    wargv = widen_vector(argv);
    wenvp = widen_vector(envp);
    if (!wargv || !wenvp)
    {
        fputs("out of memory converting the command line\n", stderr);
        free_vector(wargv);
        free_vector(wenvp);
        return 1;
    }
    ret = wmain(argc, wargv, wenvp);
    free_vector(wargv);
    free_vector(wenvp);
    return ret;
}
