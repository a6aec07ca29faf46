/*
 * test_diskshadow_script.c: diskshadow reads scripts in every encoding and line
 * end Windows tools write (DESIGN.md §7, VSS-FACTS.md §6.1 "Line ends"), keeps
 * lines as written, and turns hostile files into error codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../../programs/diskshadow/script.h"

static const char *const sample30_lines[] =
{
    "set context persistent nowriters",
    "set metadata c:\\programdata\\df.cab",
    "set verbose on",
    "add volume c: alias df",
    "create",
    "expose %df% z:",
};

static void check_sample30(const struct ds_script *s)
{
    size_t i;

    CU_ASSERT_EQUAL_FATAL(s->count, 6);
    for (i = 0; i < 6; i++) CU_ASSERT_STRING_EQUAL(s->lines[i], sample30_lines[i]);
}

/* Build the text of sample 30 with a chosen line end. */
static size_t build_text(char *buf, size_t size, const char *eol)
{
    size_t i, len = 0;

    for (i = 0; i < 6; i++) len += (size_t)snprintf(buf + len, size - len, "%s%s", sample30_lines[i], eol);
    return len;
}

/* UTF-8 (ASCII here) to UTF-16, either endianness, optionally with a BOM. */
static size_t to_utf16(unsigned char *out, const char *in, size_t len, int bom, int big_endian)
{
    size_t i, n = 0;

    if (bom)
    {
        out[n++] = big_endian ? 0xfe : 0xff;
        out[n++] = big_endian ? 0xff : 0xfe;
    }
    for (i = 0; i < len; i++)
    {
        out[n++] = big_endian ? 0 : (unsigned char)in[i];
        out[n++] = big_endian ? (unsigned char)in[i] : 0;
    }
    return n;
}

static void test_crlf_and_lf(void)
{
    struct ds_script s;
    char text[512];
    size_t len;

    len = build_text(text, sizeof(text), "\r\n");
    CU_ASSERT_EQUAL_FATAL(ds_script_decode(text, len, &s, NULL), 0);
    check_sample30(&s);
    CU_ASSERT_EQUAL(s.encoding, DS_ENC_ASCII);
    CU_ASSERT(s.crlf);
    ds_script_free(&s);

    /* LF only: lines as written, no last character dropped (DESIGN.md §7) */
    len = build_text(text, sizeof(text), "\n");
    CU_ASSERT_EQUAL_FATAL(ds_script_decode(text, len, &s, NULL), 0);
    check_sample30(&s);
    CU_ASSERT(!s.crlf);
    ds_script_free(&s);

    /* no terminator after the last line */
    len = build_text(text, sizeof(text), "\n") - 1;
    CU_ASSERT_EQUAL_FATAL(ds_script_decode(text, len, &s, NULL), 0);
    check_sample30(&s);
    ds_script_free(&s);
}

static void test_utf8_bom(void)
{
    struct ds_script s;
    char text[512] = "\xef\xbb\xbf";
    size_t len = 3 + build_text(text + 3, sizeof(text) - 3, "\r\n");

    CU_ASSERT_EQUAL_FATAL(ds_script_decode(text, len, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.encoding, DS_ENC_UTF8_BOM);
    check_sample30(&s);
    ds_script_free(&s);
}

static void test_utf16(void)
{
    static const struct { int bom, be; enum ds_encoding enc; } variants[] =
    {
        { 1, 0, DS_ENC_UTF16LE_BOM }, { 0, 0, DS_ENC_UTF16LE }, { 1, 1, DS_ENC_UTF16BE_BOM },
    };
    unsigned char wide[1200];
    struct ds_script s;
    char text[512];
    size_t len, wlen, i;

    len = build_text(text, sizeof(text), "\r\n");
    for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
    {
        wlen = to_utf16(wide, text, len, variants[i].bom, variants[i].be);
        CU_ASSERT_EQUAL_FATAL(ds_script_decode(wide, wlen, &s, NULL), 0);
        CU_ASSERT_EQUAL(s.encoding, variants[i].enc);
        check_sample30(&s);
        ds_script_free(&s);
    }
}

static void test_utf16_non_ascii(void)
{
    /* "add volume C:\Données" with a surrogate pair (U+1F600) in a comment line */
    static const unsigned char data[] =
    {
        0xff, 0xfe, 'a', 0, ' ', 0, 'C', 0, ':', 0, '\\', 0, 'D', 0, 'o', 0, 'n', 0, 'n', 0, 0xe9, 0,
        'e', 0, 's', 0, '\r', 0, '\n', 0, '#', 0, 0x3d, 0xd8, 0x00, 0xde,
    };
    struct ds_script s;

    CU_ASSERT_EQUAL_FATAL(ds_script_decode(data, sizeof(data), &s, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(s.count, 2);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "a C:\\Donn\xc3\xa9" "es");
    CU_ASSERT_STRING_EQUAL(s.lines[1], "#\xf0\x9f\x98\x80");
    ds_script_free(&s);
}

static void test_ansi_and_utf8(void)
{
    struct ds_script s;

    /* not valid UTF-8: read as Windows-1252, as an ANSI console script */
    CU_ASSERT_EQUAL_FATAL(ds_script_decode("set metadata C:\\\xe9t\xe9.cab\r\n", 25, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.encoding, DS_ENC_ANSI);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "set metadata C:\\\xc3\xa9t\xc3\xa9.cab");
    ds_script_free(&s);

    CU_ASSERT_EQUAL_FATAL(ds_script_decode("x \x80\n", 4, &s, NULL), 0);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "x \xe2\x82\xac");  /* the euro sign */
    ds_script_free(&s);

    /* valid UTF-8 without BOM stays as it is */
    CU_ASSERT_EQUAL_FATAL(ds_script_decode("x \xc3\xa9\n", 5, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.encoding, DS_ENC_UTF8);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "x \xc3\xa9");
    ds_script_free(&s);
}

static void test_line_shapes(void)
{
    struct ds_script s;

    /* sample 14 ends "\n\r\n": an extra line holding only CR, read as empty */
    CU_ASSERT_EQUAL_FATAL(ds_script_decode("CREATE\n\r\n", 9, &s, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(s.count, 2);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "CREATE");
    CU_ASSERT_STRING_EQUAL(s.lines[1], "");
    ds_script_free(&s);

    /* trailing blanks and blank lines are kept (sample 23, sample 02) */
    CU_ASSERT_EQUAL_FATAL(ds_script_decode("delete shadows oldest F: \r\n\n\n", 29, &s, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(s.count, 3);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "delete shadows oldest F: ");
    ds_script_free(&s);

    CU_ASSERT_EQUAL(ds_script_decode("", 0, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.count, 0);
    ds_script_free(&s);
}

static void test_hostile(void)
{
    struct ds_script_error err;
    struct ds_script s;
    size_t big = DS_SCRIPT_MAX_BYTES + 1;
    char *buf = malloc(big);

    CU_ASSERT_FATAL(buf != NULL);

    /* too large */
    memset(buf, 'a', big);
    CU_ASSERT_EQUAL(ds_script_decode(buf, big, &s, &err), -EFBIG);
    CU_ASSERT_EQUAL(s.count, 0);

    /* a line too long, named by number */
    memset(buf, '\n', 10);
    memset(buf + 10, 'a', DS_SCRIPT_MAX_LINE + 1);
    CU_ASSERT_EQUAL(ds_script_decode(buf, 10 + DS_SCRIPT_MAX_LINE + 1, &s, &err), -E2BIG);
    CU_ASSERT_EQUAL(err.line, 11);
    /* exactly at the limit is fine */
    CU_ASSERT_EQUAL(ds_script_decode(buf, 10 + DS_SCRIPT_MAX_LINE, &s, &err), 0);
    CU_ASSERT_EQUAL(s.count, 11);
    ds_script_free(&s);

    /* the largest file of empty lines: one allocation for the text, not one per line */
    memset(buf, '\n', DS_SCRIPT_MAX_BYTES);
    CU_ASSERT_EQUAL(ds_script_decode(buf, DS_SCRIPT_MAX_BYTES, &s, &err), 0);
    CU_ASSERT_EQUAL(s.count, DS_SCRIPT_MAX_BYTES);
    ds_script_free(&s);

    /* NUL byte in 8-bit text, reported on its line */
    CU_ASSERT_EQUAL(ds_script_decode("create\nexpo\0se\n", 15, &s, &err), -EILSEQ);
    CU_ASSERT_EQUAL(err.line, 2);

    /* broken UTF-16: odd length, lone surrogates, NUL unit */
    CU_ASSERT_EQUAL(ds_script_decode("\xff\xfe" "a\0b", 5, &s, &err), -EILSEQ);
    CU_ASSERT_EQUAL(ds_script_decode("\xff\xfe" "a\0\n\0\x3d\xd8" "b\0", 10, &s, &err), -EILSEQ);
    CU_ASSERT_EQUAL(err.line, 2);
    CU_ASSERT_EQUAL(ds_script_decode("\xff\xfe" "a\0\x00\xde", 6, &s, &err), -EILSEQ);
    CU_ASSERT_EQUAL(ds_script_decode("\xff\xfe" "a\0\x3d\xd8", 6, &s, &err), -EILSEQ);
    CU_ASSERT_EQUAL(ds_script_decode("\xff\xfe" "a\0\0\0", 6, &s, &err), -EILSEQ);
    CU_ASSERT_EQUAL(s.count, 0);
    free(buf);
}

static void test_load(void)
{
    char path[4096], dir[4096];
    struct ds_script_error err;
    struct ds_script s;
    FILE *f;

    snprintf(path, sizeof(path), "%s/script.dsh", umbra_test_tmpdir());
    CU_ASSERT_FATAL((f = fopen(path, "wb")) != NULL);
    fputs("set verbose on\r\ncreate\r\n", f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(ds_script_load(path, &s, &err), 0);
    CU_ASSERT_EQUAL(s.count, 2);
    CU_ASSERT_STRING_EQUAL(s.lines[1], "create");
    ds_script_free(&s);

    snprintf(path, sizeof(path), "%s/no-such-script.dsh", umbra_test_tmpdir());
    CU_ASSERT_EQUAL(ds_script_load(path, &s, &err), -ENOENT);
    snprintf(dir, sizeof(dir), "%s", umbra_test_tmpdir());
    CU_ASSERT_EQUAL(ds_script_load(dir, &s, &err), -EISDIR);

    /* a file that is too large is refused before it is read */
    snprintf(path, sizeof(path), "%s/big.dsh", umbra_test_tmpdir());
    CU_ASSERT_FATAL((f = fopen(path, "wb")) != NULL);
    CU_ASSERT_EQUAL(ftruncate(fileno(f), (off_t)DS_SCRIPT_MAX_BYTES + 1), 0);
    fclose(f);
    CU_ASSERT_EQUAL(ds_script_load(path, &s, &err), -EFBIG);
    CU_ASSERT_STRING_EQUAL(ds_script_strerror(-EFBIG), "the script file is too large");
}

/* The one UTF-16LE sample (24, written by PowerShell's Out-File). */
static void test_sample_utf16(void)
{
    const char *path = umbra_sample_path("diskshadow-scripts/24_vandonley_cleanup_backupdrive.dsh");
    struct ds_script s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_EQUAL_FATAL(ds_script_load(path, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.encoding, DS_ENC_UTF16LE_BOM);
    CU_ASSERT_EQUAL_FATAL(s.count, 1);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "delete shadows oldest X:");
    ds_script_free(&s);
}

/* Samples 14 and 15 carry a UTF-8 BOM, 16 and 26-28 are LF only. */
static void test_sample_shapes(void)
{
    struct ds_script s;

    CU_ASSERT_EQUAL_FATAL(ds_script_load(umbra_sample_path("diskshadow-scripts/14_BootBlock_poshbackup_create.dsh"),
                                         &s, NULL), 0);
    CU_ASSERT_EQUAL(s.encoding, DS_ENC_UTF8_BOM);
    CU_ASSERT_STRING_EQUAL(s.lines[0], "SET CONTEXT Persistent NoWriters");
    CU_ASSERT_EQUAL(s.count, 6);
    ds_script_free(&s);

    CU_ASSERT_EQUAL_FATAL(ds_script_load(umbra_sample_path("diskshadow-scripts/27_thadigus_blackfield_suffixX.dsh"),
                                         &s, NULL), 0);
    CU_ASSERT(!s.crlf);
    /* the sacrificial X stays: we do not copy Windows' LF bug */
    CU_ASSERT_STRING_EQUAL(s.lines[0], "set verbose onX");
    ds_script_free(&s);
}

static void test_decode_line(void)
{
    char *line;

    line = ds_script_decode_line("\xef\xbb\xbfset verbose on\r", 18, 1);
    CU_ASSERT_STRING_EQUAL(line, "set verbose on");
    free(line);
    line = ds_script_decode_line("caf\xe9", 4, 0);
    CU_ASSERT_STRING_EQUAL(line, "caf\xc3\xa9");
    free(line);
    errno = 0;
    CU_ASSERT_PTR_NULL(ds_script_decode_line("a\0b", 3, 0));
    CU_ASSERT_EQUAL(errno, EILSEQ);
    {
        char *longline = malloc(DS_SCRIPT_MAX_LINE + 1);
        CU_ASSERT_FATAL(longline != NULL);
        memset(longline, 'x', DS_SCRIPT_MAX_LINE + 1);
        CU_ASSERT_PTR_NULL(ds_script_decode_line(longline, DS_SCRIPT_MAX_LINE + 1, 0));
        CU_ASSERT_EQUAL(errno, E2BIG);
        free(longline);
    }
}

static CU_TestInfo script_tests[] =
{
    { "CRLF and LF", test_crlf_and_lf },
    { "UTF-8 with BOM", test_utf8_bom },
    { "UTF-16 with and without BOM", test_utf16 },
    { "UTF-16 non-ASCII and surrogates", test_utf16_non_ascii },
    { "ANSI and UTF-8 without BOM", test_ansi_and_utf8 },
    { "line shapes", test_line_shapes },
    { "hostile input", test_hostile },
    { "load from file", test_load },
    { "sample 24 (UTF-16LE)", test_sample_utf16 },
    { "samples with BOM and LF", test_sample_shapes },
    { "single lines from a pipe", test_decode_line },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(diskshadow_script, NULL, NULL, script_tests);
