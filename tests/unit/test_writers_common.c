/*
 * test_writers_common.c: the code the in-box writers share
 * (programs/writers/common): the configuration parser with good and hostile
 * input, the backup metadata text, UTF-8 <-> WCHAR conversion with invalid
 * sequences, and the per-thread identity switch used to connect as a
 * service's user.  The VSS event logic is tested through the writers
 * (tests/integration/test_writer_*.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "harness.h"
#include "programs/writers/common/conf.h"
#include "programs/writers/common/meta.h"
#include "programs/writers/common/run_as.h"
#include "programs/writers/common/wtext.h"

/* --- conf ---------------------------------------------------------------------------------- */

static void test_conf_good(void)
{
    const char *text = "# a comment\n"
                       "; another\n"
                       "[writer]\n"
                       "freeze_timeout = 30\n"
                       "\n"
                       "[cluster main]\n"
                       "  conninfo =   host=/run/postgresql dbname=postgres   \n"
                       "quoted = \"  spaced  \"\n"
                       "hash = a#b\n"
                       "twice = 1\n"
                       "twice = 2\n"
                       "flag = yes\n"
                       "[cluster other.one_2-b]\n";
    char err[CONF_ERROR_MAX] = "";
    struct conf *conf = NULL;
    const struct conf_section *s;
    unsigned int n;
    bool b;

    CU_ASSERT_EQUAL_FATAL(conf_parse(text, "t.conf", &conf, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL_FATAL(conf->count, 3);
    s = &conf->sections[0];
    CU_ASSERT_STRING_EQUAL(s->type, "writer");
    CU_ASSERT_STRING_EQUAL(s->name, "");
    CU_ASSERT_EQUAL(conf_get_uint(conf, s, "freeze_timeout", 60, 1, 3600, &n, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(n, 30);
    s = &conf->sections[1];
    CU_ASSERT_STRING_EQUAL(s->name, "main");
    CU_ASSERT_EQUAL(s->line, 6);
    CU_ASSERT_STRING_EQUAL(conf_get(s, "conninfo"), "host=/run/postgresql dbname=postgres");
    CU_ASSERT_STRING_EQUAL(conf_get(s, "quoted"), "  spaced  ");
    CU_ASSERT_STRING_EQUAL(conf_get(s, "hash"), "a#b");
    CU_ASSERT_STRING_EQUAL(conf_get(s, "twice"), "2");
    CU_ASSERT_PTR_NULL(conf_get(s, "absent"));
    CU_ASSERT_EQUAL(conf_get_bool(conf, s, "flag", false, &b, err, sizeof(err)), 0);
    CU_ASSERT(b);
    CU_ASSERT_EQUAL(conf_get_bool(conf, s, "absent", true, &b, err, sizeof(err)), 0);
    CU_ASSERT(b);
    CU_ASSERT_EQUAL(conf_get_uint(conf, s, "absent", 7, 1, 10, &n, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_STRING_EQUAL(conf->sections[2].name, "other.one_2-b");
    /* a NULL section (no [writer]) has no keys */
    CU_ASSERT_PTR_NULL(conf_get(NULL, "x"));
    conf_free(conf);
    conf_free(NULL);
}

static void check_bad(const char *text, const char *message_part)
{
    char err[CONF_ERROR_MAX] = "";
    struct conf *conf = (struct conf *)1;

    CU_ASSERT_EQUAL(conf_parse(text, "bad.conf", &conf, err, sizeof(err)), -EINVAL);
    CU_ASSERT_PTR_NULL(conf);
    if (!strstr(err, message_part)) printf("'%s' gave '%s'\n", text, err);
    CU_ASSERT(strstr(err, message_part) != NULL);
}

static void test_conf_bad(void)
{
    check_bad("key = value\n", "bad.conf:1: 'key' is outside any [section]");
    check_bad("[a b c]\n", "bad.conf:1:");
    check_bad("[a\n", "bad.conf:1: a section header is [type name]");
    check_bad("[a] x\n", "bad.conf:1:");
    check_bad("[a/b]\n", "bad.conf:1:");
    check_bad("[]\n", "bad.conf:1:");
    check_bad("[a x]\n[b]\n[a x]\n", "bad.conf:3: [a x] is already defined on line 1");
    check_bad("[a]\nno equals sign\n", "bad.conf:2: expected key = value");
    check_bad("[a]\n = value\n", "bad.conf:2: bad key");
    check_bad("[a]\nbad key = 1\n", "bad.conf:2: bad key");
}

static void test_conf_values(void)
{
    const char *text = "[s]\nb1 = maybe\nu1 = -1\nu2 = 12x\nu3 = 99999999999999999999\nu4 = 5\nu5 =\n";
    char err[CONF_ERROR_MAX] = "";
    const char *const allowed[] = { "b1", "u1", "u2", "u3", "u4", NULL };
    struct conf *conf;
    unsigned int n;
    bool b;

    CU_ASSERT_EQUAL_FATAL(conf_parse(text, "v.conf", &conf, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(conf_get_bool(conf, &conf->sections[0], "b1", true, &b, err, sizeof(err)), -EINVAL);
    CU_ASSERT(strstr(err, "v.conf:2: b1 takes yes or no") != NULL);
    CU_ASSERT_EQUAL(conf_get_uint(conf, &conf->sections[0], "u1", 1, 0, 10, &n, err, sizeof(err)), -EINVAL);
    CU_ASSERT(strstr(err, "v.conf:3:") != NULL);
    CU_ASSERT_EQUAL(conf_get_uint(conf, &conf->sections[0], "u2", 1, 0, 100, &n, err, sizeof(err)), -EINVAL);
    CU_ASSERT_EQUAL(conf_get_uint(conf, &conf->sections[0], "u3", 1, 0, 100, &n, err, sizeof(err)), -EINVAL);
    /* out of the range the key takes */
    CU_ASSERT_EQUAL(conf_get_uint(conf, &conf->sections[0], "u4", 1, 6, 100, &n, err, sizeof(err)), -EINVAL);
    CU_ASSERT_EQUAL(conf_get_uint(conf, &conf->sections[0], "u4", 1, 0, 5, &n, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(conf_get_uint(conf, &conf->sections[0], "u5", 1, 0, 5, &n, err, sizeof(err)), -EINVAL);
    /* a key the writer does not take */
    CU_ASSERT_EQUAL(conf_check_keys(conf, &conf->sections[0], allowed, err, sizeof(err)), -EINVAL);
    CU_ASSERT(strstr(err, "v.conf:7: [s] takes no key 'u5'") != NULL);
    conf_free(conf);
}

static void test_conf_files(void)
{
    char path[4096], err[CONF_ERROR_MAX];
    struct conf *conf = NULL;
    FILE *f;

    snprintf(path, sizeof(path), "%s/missing.conf", umbra_test_tmpdir());
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), -ENOENT);
    CU_ASSERT_PTR_NULL(conf);
    CU_ASSERT_EQUAL(conf_load(umbra_test_tmpdir(), &conf, err, sizeof(err)), -EINVAL);
    /* a NUL byte */
    snprintf(path, sizeof(path), "%s/nul.conf", umbra_test_tmpdir());
    CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
    fwrite("[a]\nk = v\0x\n", 1, 12, f);
    fclose(f);
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), -EINVAL);
    CU_ASSERT(strstr(err, "NUL") != NULL);
    /* too big for a configuration */
    snprintf(path, sizeof(path), "%s/big.conf", umbra_test_tmpdir());
    CU_ASSERT_EQUAL_FATAL(truncate(path, 0) == 0 || errno == ENOENT, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
    fclose(f);
    CU_ASSERT_EQUAL(truncate(path, 2 * 1024 * 1024), 0);
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), -EINVAL);
    /* and a good one */
    snprintf(path, sizeof(path), "%s/good.conf", umbra_test_tmpdir());
    CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
    fputs("[database x]\npath = /srv/x.db\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(conf_load(path, &conf, err, sizeof(err)), 0);
    CU_ASSERT(conf && !strcmp(conf->path, path) && conf->count == 1);
    conf_free(conf);
}

/* Random bytes and random mixes of the syntax: an answer, never a crash. */
static void test_conf_garbage(void)
{
    static const char *const pieces[] = { "[", "]", "=", "\n", " ", "a", "#", "\"", "[w x]", "k = v", "\t", "\xff" };
    unsigned int seed = 12345;

    for (int round = 0; round < 2000; round++)
    {
        char text[256], err[CONF_ERROR_MAX];
        struct conf *conf = NULL;
        size_t len = 0;
        int ret;

        while (len < sizeof(text) - 16)
        {
            seed = seed * 1103515245 + 12345;
            if (round % 2) text[len++] = (char)((seed >> 16) % 255 + 1);
            else
            {
                const char *p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
                memcpy(text + len, p, strlen(p));
                len += strlen(p);
            }
            if (!((seed >> 8) % 40)) break;
        }
        text[len] = 0;
        ret = conf_parse(text, "g.conf", &conf, err, sizeof(err));
        CU_ASSERT(ret == 0 || ret == -EINVAL);
        CU_ASSERT((ret == 0) == (conf != NULL));
        conf_free(conf);
    }
}

/* --- meta ---------------------------------------------------------------------------------- */

static void test_meta(void)
{
    struct meta meta;
    const char *text;

    CU_ASSERT_EQUAL_FATAL(meta_init(&meta), 0);
    meta_add(&meta, "writer", "%s %d", "vss-writer-test", 1);
    meta_add(&meta, "line", "%s", "one\ntwo\rthree");
    meta_add_block(&meta, "backup_label", "START WAL LOCATION: 0/2000028\nLABEL: vss {x}\n");
    meta_add_block(&meta, "empty", "");
    meta_add_block(&meta, "none", NULL);
    meta_add_block(&meta, "unterminated", "last line");
    text = meta_text(&meta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, "writer: vss-writer-test 1\n"
                                 "line: one two three\n"
                                 "backup_label:\n"
                                 "| START WAL LOCATION: 0/2000028\n"
                                 "| LABEL: vss {x}\n"
                                 "empty:\n"
                                 "none:\n"
                                 "unterminated:\n"
                                 "| last line\n");
    meta_free(&meta);
    meta_free(&meta);   /* twice is fine */
}

/* --- wtext --------------------------------------------------------------------------------- */

static void check_decode(const char *utf8, const WCHAR *expected)
{
    WCHAR *w = wtext_from_utf8(utf8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT(!wcscmp(w, expected));
    free(w);
}

static void test_wtext(void)
{
    char *u;
    WCHAR bad[] = { 0x41, 0x110000, 0xd800, 0x42, 0 };

    check_decode("plain", L"plain");
    check_decode("", L"");
    check_decode("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", L"caf\x00e9 \x20ac \x1d11e");
    /* invalid: a stray continuation, a truncated sequence, an overlong form,
     * an encoded surrogate, past U+10FFFF, a byte no UTF-8 has */
    check_decode("a\x80z", L"a\xfffdz");
    check_decode("a\xe2\x82z", L"a\xfffdz");
    check_decode("\xc0\xaf", L"\xfffd");
    check_decode("\xed\xa0\x80", L"\xfffd");
    check_decode("\xf4\x90\x80\x80", L"\xfffd");
    check_decode("\xff", L"\xfffd");
    CU_ASSERT_PTR_NULL(wtext_from_utf8(NULL));
    CU_ASSERT_PTR_NULL(wtext_to_utf8(NULL));

    u = wtext_to_utf8(L"caf\x00e9 \x20ac \x1d11e");
    CU_ASSERT(u && !strcmp(u, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e"));
    free(u);
    u = wtext_to_utf8(bad);
    CU_ASSERT(u && !strcmp(u, "A\xef\xbf\xbd\xef\xbf\xbd" "B"));
    free(u);
}

/* --- run_as -------------------------------------------------------------------------------- */

struct other_thread
{
    pthread_barrier_t started, switched;
    uid_t euid;
};

/* A thread that exists before the switch, and looks at its identity during it. */
static void *other_thread_euid(void *arg)
{
    struct other_thread *t = arg;

    pthread_barrier_wait(&t->started);
    pthread_barrier_wait(&t->switched);
    t->euid = geteuid();
    return NULL;
}

static void test_run_as(void)
{
    struct other_thread other;
    struct run_as ra;
    pthread_t thread;

    CU_ASSERT_EQUAL(run_as_init(&ra, NULL), 0);
    CU_ASSERT(!ra.active);
    CU_ASSERT_EQUAL(run_as_init(&ra, ""), 0);
    CU_ASSERT(!ra.active);
    /* entering an inactive switch changes nothing */
    CU_ASSERT_EQUAL(run_as_enter(&ra), 0);
    run_as_leave(&ra);
    if (geteuid() != 0)
    {
        /* not root: never a switch, whoever is named */
        CU_ASSERT_EQUAL(run_as_init(&ra, "nobody"), 0);
        CU_ASSERT(!ra.active);
        return;
    }
    CU_ASSERT_EQUAL(run_as_init(&ra, "no-such-user-here"), -ENOENT);
    CU_ASSERT_EQUAL(run_as_init(&ra, "root"), 0);
    CU_ASSERT(!ra.active);
    CU_ASSERT_EQUAL_FATAL(run_as_init(&ra, "nobody"), 0);
    CU_ASSERT_FATAL(ra.active);
    other.euid = (uid_t)-1;
    pthread_barrier_init(&other.started, NULL, 2);
    pthread_barrier_init(&other.switched, NULL, 2);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, other_thread_euid, &other), 0);
    pthread_barrier_wait(&other.started);
    CU_ASSERT_EQUAL(run_as_enter(&ra), 0);
    CU_ASSERT_EQUAL(geteuid(), ra.uid);
    CU_ASSERT_EQUAL(getegid(), ra.gid);
    /* only this thread: the other one looks while this one is switched */
    pthread_barrier_wait(&other.switched);
    pthread_join(thread, NULL);
    run_as_leave(&ra);
    pthread_barrier_destroy(&other.started);
    pthread_barrier_destroy(&other.switched);
    CU_ASSERT_EQUAL(other.euid, 0);
    CU_ASSERT_EQUAL(geteuid(), 0);
    CU_ASSERT_EQUAL(getegid(), 0);
}

static CU_TestInfo writers_common_tests[] =
{
    { "configuration: a good file", test_conf_good },
    { "configuration: bad syntax, with line numbers", test_conf_bad },
    { "configuration: bad values and keys", test_conf_values },
    { "configuration: files", test_conf_files },
    { "configuration: garbage", test_conf_garbage },
    { "backup metadata text", test_meta },
    { "UTF-8 and WCHAR", test_wtext },
    { "the per-thread identity switch", test_run_as },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(writers_common, NULL, NULL, writers_common_tests);
