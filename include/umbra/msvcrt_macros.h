/*
 * umbra/msvcrt_macros.h: maps the C runtime names that glibc shares with
 * Microsoft onto libumbra-msvcrt's umbra_<name> (umbra/msvcrt.h says why).
 * No include guard on purpose: stdio.h and wchar.h include it at the end of
 * every inclusion to re-apply the mapping.  Function-like macros, so that
 * only calls are mapped, not other uses of the names (format(printf, 1, 2),
 * &std::vsnprintf).
 */
#if !defined(UMBRA_NATIVE_CRT) && !defined(UMBRA_CRT_BUSY_STDIO) && !defined(UMBRA_CRT_BUSY_WCHAR)
#undef wprintf
#undef vwprintf
#undef fwprintf
#undef vfwprintf
#undef swprintf
#undef vswprintf
#undef printf
#undef vprintf
#undef fprintf
#undef vfprintf
#undef sprintf
#undef vsprintf
#undef snprintf
#undef vsnprintf
#undef fputws
#undef fputwc
#undef putwc
#undef putwchar
#define wprintf(...) umbra_wprintf(__VA_ARGS__)
#define vwprintf(...) umbra_vwprintf(__VA_ARGS__)
#define fwprintf(...) umbra_fwprintf(__VA_ARGS__)
#define vfwprintf(...) umbra_vfwprintf(__VA_ARGS__)
#define swprintf(...) umbra_swprintf(__VA_ARGS__)
#define vswprintf(...) umbra_vswprintf(__VA_ARGS__)
#define printf(...) umbra_printf(__VA_ARGS__)
#define vprintf(...) umbra_vprintf(__VA_ARGS__)
#define fprintf(...) umbra_fprintf(__VA_ARGS__)
#define vfprintf(...) umbra_vfprintf(__VA_ARGS__)
#define sprintf(...) umbra_sprintf(__VA_ARGS__)
#define vsprintf(...) umbra_vsprintf(__VA_ARGS__)
#define snprintf(...) umbra_snprintf(__VA_ARGS__)
#define vsnprintf(...) umbra_vsnprintf(__VA_ARGS__)
#define fputws(...) umbra_fputws(__VA_ARGS__)
#define fputwc(...) umbra_fputwc(__VA_ARGS__)
#define putwc(...) umbra_putwc(__VA_ARGS__)
#define putwchar(...) umbra_putwchar(__VA_ARGS__)
#endif
