/*
 * locale.c: the UTF-8 locale that formatting runs under.  Narrow strings in
 * an Umbra process are UTF-8 whatever the program's setlocale says (winnls.h),
 * so glibc's conversions inside %s, %ls, %c and %lc use this locale through
 * uselocale(), which changes only the calling thread, only for the call.
 * The locale lives as long as the process: threads may still print while it
 * exits.
 */
#include <pthread.h>
#include "umbra/debug.h"
#include "msvcrt_private.h"

static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale;

static void utf8_locale_init(void)
{
    static const char *const names[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]) && !utf8_locale; i++)
        utf8_locale = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
    if (!utf8_locale) WARN("no UTF-8 locale: non-ASCII arguments will not convert\n");
}

locale_t msvcrt_utf8_locale(void)
{
    pthread_once(&utf8_once, utf8_locale_init);
    return utf8_locale;
}
