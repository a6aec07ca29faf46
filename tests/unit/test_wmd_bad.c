/*
 * test_wmd_bad.c: hostile and broken Writer Metadata Documents get an error,
 * never a crash, a hang or an expanded entity (DESIGN.md §8; the rules are in
 * dlls/vssapi/xml_parse.h).  Every case here maps to
 * VSS_E_INVALID_XML_DOCUMENT at the API (VSS-FACTS.md §2.3 "+XML"), except
 * running out of memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <vsserror.h>
#include "harness.h"
#include "wmd.h"
#include "wstr.h"
#include "xml_parse.h"

#define NS "x-schema:#VssWriterMetadataInfo"
#define IDENT "<IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" " \
              "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"W\" " \
              "usage=\"USER_DATA\" dataSource=\"OTHER\" majorVersion=\"0\" minorVersion=\"0\"/>"
#define DOC(body) "<WRITER_METADATA xmlns=\"" NS "\" version=\"1.2\">" body "</WRITER_METADATA>"

static int load(const char *text)
{
    struct wmd *wmd = NULL;
    int ret = wmd_load_utf8(text, strlen(text), &wmd);

    if (ret) CU_ASSERT_PTR_NULL(wmd);
    wmd_release(wmd);
    return ret;
}

static void test_minimal_ok(void)
{
    CU_ASSERT_EQUAL(load(DOC(IDENT)), 0);
    /* a prefixed root in the right namespace is the same element */
    CU_ASSERT_EQUAL(load("<w:WRITER_METADATA xmlns:w=\"" NS "\"><w:IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                         "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"W\" usage=\"USER_DATA\" "
                         "dataSource=\"OTHER\"/></w:WRITER_METADATA>"), 0);
    /* an XML declaration naming another encoding is ignored: the text is UTF-8 */
    CU_ASSERT_EQUAL(load("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" DOC(IDENT)), 0);
    CU_ASSERT_EQUAL(load("\xef\xbb\xbf" DOC(IDENT)), 0);
}

static void test_malformed(void)
{
    CU_ASSERT_EQUAL(load(""), -EBADMSG);
    CU_ASSERT_EQUAL(load("   "), -EBADMSG);
    CU_ASSERT_EQUAL(load("not xml"), -EBADMSG);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\">" IDENT), -EBADMSG);
    CU_ASSERT_EQUAL(load(DOC(IDENT) "<WRITER_METADATA/>"), -EBADMSG);
    CU_ASSERT_EQUAL(load(DOC("<IDENTIFICATION writerId=\"a\" writerId=\"b\"/>")), -EBADMSG);
    CU_ASSERT_EQUAL(load(DOC("<BACKUP_LOCATIONS></BACKUP_LOCATION>")), -EBADMSG);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\" a=\"\xff\xfe\">" IDENT "</WRITER_METADATA>"), -EBADMSG);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\" a=\"&undefined;\">" IDENT "</WRITER_METADATA>"), -EBADMSG);
    CU_ASSERT_EQUAL(xml_hresult(-EBADMSG), VSS_E_INVALID_XML_DOCUMENT);
}

/* Every proper prefix of a real document is an error, never a crash. */
static void test_truncated(void)
{
    const char *path = umbra_sample_path("windows-2012r2-wmd-bcd/WM0.xml");
    char buf[4096];
    size_t len, i, end;
    struct wmd *wmd_nul = NULL;
    FILE *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "rb"));
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    CU_ASSERT_FATAL(len > 100 && len < sizeof(buf));
    buf[len] = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(buf, "</WRITER_METADATA>"));
    end = strstr(buf, "</WRITER_METADATA>") - buf + strlen("</WRITER_METADATA>");
    for (i = 0; i <= len; i++)
    {
        struct wmd *wmd = NULL;
        int ret = wmd_load_utf8(buf, i, &wmd);

        if (i < end)
        {
            CU_ASSERT_NOT_EQUAL(ret, 0);
        }
        else
        {
            CU_ASSERT_EQUAL(ret, 0);
        }
        wmd_release(wmd);
    }
    /* an embedded NUL makes the text malformed */
    buf[40] = 0;
    CU_ASSERT_EQUAL(wmd_load_utf8(buf, len, &wmd_nul), -EBADMSG);
    CU_ASSERT_PTR_NULL(wmd_nul);
}

static void test_wrong_root_and_namespace(void)
{
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"" NS "\">" IDENT "</BACKUP_COMPONENTS>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"x-schema:#VssComponentMetadata\">" IDENT "</WRITER_METADATA>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA>" IDENT "</WRITER_METADATA>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"x-schema:#vsswritermetadatainfo\">" IDENT "</WRITER_METADATA>"), -EPROTO);
    /* IDENTIFICATION in another namespace is not ours: the document then has none */
    CU_ASSERT_EQUAL(load(DOC("<IDENTIFICATION xmlns=\"urn:other\" writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(xml_hresult(-EPROTO), VSS_E_INVALID_XML_DOCUMENT);
}

static void test_missing_required(void)
{
    /* no IDENTIFICATION at all */
    CU_ASSERT_EQUAL(load(DOC("<BACKUP_LOCATIONS/>")), -EPROTO);
    /* IDENTIFICATION twice */
    CU_ASSERT_EQUAL(load(DOC(IDENT IDENT)), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<IDENTIFICATION instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"W\" "
                             "usage=\"USER_DATA\" dataSource=\"OTHER\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                             "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" usage=\"USER_DATA\" dataSource=\"OTHER\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                             "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"W\" dataSource=\"OTHER\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><FILE_GROUP caption=\"x\"/></BACKUP_LOCATIONS>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><FILE_GROUP componentName=\"\"/></BACKUP_LOCATIONS>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><FILE_GROUP componentName=\"c\"><FILE_LIST filespec=\"*\"/>"
                             "</FILE_GROUP></BACKUP_LOCATIONS>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><EXCLUDE_FILES path=\"c:\\\"/></BACKUP_LOCATIONS>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<RESTORE_METHOD writerRestore=\"never\" rebootRequired=\"no\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><FILE_GROUP componentName=\"c\"><DEPENDENCY onComponentName=\"x\"/>"
                             "</FILE_GROUP></BACKUP_LOCATIONS>")), -EPROTO);
    /* files of the wrong kind for the component */
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><FILE_GROUP componentName=\"c\"><DATABASE_FILES path=\"x\" "
                             "filespec=\"*\"/></FILE_GROUP></BACKUP_LOCATIONS>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><DATABASE componentName=\"c\"><FILE_LIST path=\"x\" "
                             "filespec=\"*\"/></DATABASE></BACKUP_LOCATIONS>")), -EPROTO);
}

static void test_bad_values(void)
{
    static const char *const bad_guids[] =
    {
        "{d61d61c8-d73a-4eee-8cdd-f6f9786b7124}", "d61d61c8-d73a-4eee-8cdd-f6f9786b712", "d61d61c8-d73a-4eee-8cdd-f6f9786b71245",
        "d61d61c8d73a-4eee-8cdd-f6f9786b7124x", "g61d61c8-d73a-4eee-8cdd-f6f9786b7124", "d61d61c8-d73a-4eee-8cdd-f6f9786b712 ",
        " d61d61c8-d73a-4eee-8cdd-f6f9786b712", "", "d61d61c8-d73a-4eee-8cdd+f6f9786b7124",
    };
    char doc[1024];
    size_t i;

    for (i = 0; i < sizeof(bad_guids) / sizeof(bad_guids[0]); i++)
    {
        snprintf(doc, sizeof(doc), DOC("<IDENTIFICATION writerId=\"%s\" instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" "
                                       "friendlyName=\"W\" usage=\"USER_DATA\" dataSource=\"OTHER\"/>"), bad_guids[i]);
        CU_ASSERT_EQUAL(load(doc), -EPROTO);
    }
    CU_ASSERT_EQUAL(load(DOC("<IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                             "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"W\" usage=\"USERDATA\" "
                             "dataSource=\"OTHER\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<RESTORE_METHOD method=\"SOMETIMES\" writerRestore=\"never\" rebootRequired=\"no\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<RESTORE_METHOD method=\"CUSTOM\" writerRestore=\"never\" rebootRequired=\"true\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\" backupSchema=\"-1\">" IDENT "</WRITER_METADATA>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\" backupSchema=\"0x10\">" IDENT "</WRITER_METADATA>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\" backupSchema=\"4294967296\">" IDENT "</WRITER_METADATA>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\" backupSchema=\"4294967295\">" IDENT "</WRITER_METADATA>"), 0);
    CU_ASSERT_EQUAL(load(DOC(IDENT "<BACKUP_LOCATIONS><FILE_GROUP componentName=\"c\" icon=\"not base64!\"/>"
                             "</BACKUP_LOCATIONS>")), -EPROTO);
}

/* Unknown elements and attributes, comments and processing instructions are
 * ignored, so documents from a newer Windows still load. */
static void test_unknown_ignored(void)
{
    struct wmd *wmd = NULL;
    const char *text = DOC("<!-- comment --><?pi data?>" IDENT "<FUTURE a=\"b\"><BACKUP_LOCATIONS/></FUTURE>"
                           "<BACKUP_LOCATIONS future=\"1\"><FILE_GROUP componentName=\"c\" newAttr=\"x\">"
                           "<FILE_LIST path=\"p\" filespec=\"f\"><CHILD/></FILE_LIST>text</FILE_GROUP>"
                           "<x:FILE_GROUP xmlns:x=\"urn:other\" componentName=\"foreign\"/></BACKUP_LOCATIONS>");

    CU_ASSERT_EQUAL_FATAL(wmd_load_utf8(text, strlen(text), &wmd), 0);
    CU_ASSERT_EQUAL(wmd->ncomponents, 1);
    CU_ASSERT_EQUAL(wmd->components[0]->files.count, 1);
    CU_ASSERT_EQUAL(wmd->components[0]->files.items[0].backup_type_mask, WMD_DEFAULT_BACKUP_TYPE_MASK);
    wmd_release(wmd);
}

/* The billion laughs: refused at the DOCTYPE, before any entity is declared. */
static void test_entity_bomb(void)
{
    CU_ASSERT_EQUAL(load("<?xml version=\"1.0\"?><!DOCTYPE WRITER_METADATA ["
                         "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                         "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                         "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
                         "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
                         "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"
                         "<WRITER_METADATA xmlns=\"" NS "\"><IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                         "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"&g;\" usage=\"USER_DATA\" "
                         "dataSource=\"OTHER\"/>&g;</WRITER_METADATA>"), -EBADMSG);
}

static void test_external_entity(void)
{
    CU_ASSERT_EQUAL(load("<!DOCTYPE WRITER_METADATA [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                         "<WRITER_METADATA xmlns=\"" NS "\"><IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                         "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" friendlyName=\"W\" usage=\"USER_DATA\" "
                         "dataSource=\"OTHER\"/>&e;</WRITER_METADATA>"), -EBADMSG);
    CU_ASSERT_EQUAL(load("<!DOCTYPE WRITER_METADATA SYSTEM \"http://127.0.0.1:1/x.dtd\">" DOC(IDENT)), -EBADMSG);
    CU_ASSERT_EQUAL(load("<!DOCTYPE WRITER_METADATA>" DOC(IDENT)), -EBADMSG);
    /* XInclude is not processed: its element is in a foreign namespace and skipped */
    CU_ASSERT_EQUAL(load(DOC(IDENT "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\"/>")), 0);
}

static char *repeat(const char *open, const char *close, size_t n, const char *head, const char *tail)
{
    size_t lo = strlen(open), lc = strlen(close), lh = strlen(head), lt = strlen(tail), i;
    char *buf = malloc(lh + n * (lo + lc) + lt + 1), *p = buf;

    if (!buf) return NULL;
    memcpy(p, head, lh); p += lh;
    for (i = 0; i < n; i++) { memcpy(p, open, lo); p += lo; }
    for (i = 0; i < n; i++) { memcpy(p, close, lc); p += lc; }
    memcpy(p, tail, lt); p += lt;
    *p = 0;
    return buf;
}

static void test_deep_nesting(void)
{
    char *text = repeat("<a>", "</a>", 10000, "<WRITER_METADATA xmlns=\"" NS "\">" IDENT, "</WRITER_METADATA>");

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(load(text), -EBADMSG);
    free(text);
    /* just under the cap is fine (root + 62 levels) */
    text = repeat("<a>", "</a>", XML_MAX_DEPTH - 1, "<WRITER_METADATA xmlns=\"" NS "\">" IDENT, "</WRITER_METADATA>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(load(text), 0);
    free(text);
    text = repeat("<a>", "</a>", XML_MAX_DEPTH, "<WRITER_METADATA xmlns=\"" NS "\">" IDENT, "</WRITER_METADATA>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(load(text), -EBADMSG);
    free(text);
}

/* A document with one attribute of size bytes, built in memory. */
static char *big_attribute_doc(size_t size)
{
    static const char head[] = "<WRITER_METADATA xmlns=\"" NS "\"><IDENTIFICATION writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" "
                               "instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" usage=\"USER_DATA\" dataSource=\"OTHER\" friendlyName=\"";
    static const char tail[] = "\"/></WRITER_METADATA>";
    char *text = malloc(sizeof(head) + size + sizeof(tail));

    if (!text) return NULL;
    memcpy(text, head, sizeof(head) - 1);
    memset(text + sizeof(head) - 1, 'x', size);
    memcpy(text + sizeof(head) - 1 + size, tail, sizeof(tail));
    return text;
}

static void test_huge_attribute(void)
{
    char *text = big_attribute_doc(100u << 20);
    WCHAR *wide;
    size_t len, i;
    struct wmd *wmd = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    len = strlen(text);
    CU_ASSERT_EQUAL(wmd_load_utf8(text, len, &wmd), -E2BIG);
    CU_ASSERT_EQUAL(xml_hresult(-E2BIG), VSS_E_INVALID_XML_DOCUMENT);
    /* the same as a WCHAR string (what a BSTR holds) */
    wide = malloc((len + 1) * sizeof(WCHAR));
    CU_ASSERT_PTR_NOT_NULL_FATAL(wide);
    for (i = 0; i <= len; i++) wide[i] = (unsigned char)text[i];
    CU_ASSERT_EQUAL(wmd_load_wstr(wide, &wmd), -E2BIG);
    free(wide);
    free(text);

    /* under the input cap but over libxml2's 10,000,000-byte attribute limit */
    text = big_attribute_doc(11u << 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(load(text), -EBADMSG);
    free(text);

    /* a large attribute within the limits loads */
    text = big_attribute_doc(1u << 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL_FATAL(wmd_load_utf8(text, strlen(text), &wmd), 0);
    CU_ASSERT_EQUAL(strlen(wmd->identity.friendly_name), 1u << 20);
    wmd_release(wmd);
    free(text);
}

/* Multi-byte characters split across the converter's chunks, and text that
 * is not Unicode. */
static void test_wide_input(void)
{
    static const WCHAR surrogate[] = L"<WRITER_METADATA xmlns=\"" NS "\" a=\"\xd800\"/>";
    char *text = big_attribute_doc(100000), *p;
    WCHAR *wide = NULL;
    struct wmd *wmd = NULL;

    CU_ASSERT_EQUAL(wmd_load_wstr(surrogate, &wmd), -EILSEQ);
    CU_ASSERT_EQUAL(xml_hresult(-EILSEQ), VSS_E_INVALID_XML_DOCUMENT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    /* replace the friendly name by alternating 2-, 3- and 4-byte characters */
    CU_ASSERT_EQUAL_FATAL(wstr_from_utf8(text, &wide), 0);
    {
        WCHAR *w = wcsstr(wide, L"xxxx");
        size_t i;
        for (i = 0; w[i] == L'x'; i++) w[i] = i % 3 == 0 ? 0xe9 : i % 3 == 1 ? 0x20ac : 0x1f600;
    }
    CU_ASSERT_EQUAL_FATAL(wmd_load_wstr(wide, &wmd), 0);
    p = (char *)wmd->identity.friendly_name;
    CU_ASSERT_EQUAL(strlen(p), 100000 / 3 * 9 + 2);  /* 33,333 triples and one é */
    CU_ASSERT(!memcmp(p, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    wmd_release(wmd);
    free(wide);
    free(text);
    CU_ASSERT_EQUAL(wmd_load_wstr(L"", &wmd), -EBADMSG);
    CU_ASSERT_PTR_NULL(wmd);
}

static CU_TestInfo wmd_bad_tests[] =
{
    { "minimal documents load", test_minimal_ok },
    { "malformed XML", test_malformed },
    { "truncated documents", test_truncated },
    { "wrong root and namespace", test_wrong_root_and_namespace },
    { "missing required attributes", test_missing_required },
    { "bad GUIDs, numbers, tokens", test_bad_values },
    { "unknown content ignored", test_unknown_ignored },
    { "entity expansion bomb", test_entity_bomb },
    { "external entities", test_external_entity },
    { "10,000-deep nesting", test_deep_nesting },
    { "100 MB attribute", test_huge_attribute },
    { "wide input", test_wide_input },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(wmd_bad, NULL, NULL, wmd_bad_tests);
