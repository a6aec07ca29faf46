/*
 * test_bcd_bad.c: hostile and broken Backup Components Documents (what
 * InitializeForRestore and a writer event read) get an error, never a crash,
 * a hang or an expanded entity (DESIGN.md §8; rules in xml_parse.h).  Every
 * case becomes VSS_E_INVALID_XML_DOCUMENT at the API (VSS-FACTS.md §2.3,
 * InitializeForRestore "+XML").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <vsserror.h>
#include "harness.h"
#include "bcd.h"
#include "xml_parse.h"

#define NS "x-schema:#VssComponentMetadata"
#define ROOT "<BACKUP_COMPONENTS xmlns=\"" NS "\" version=\"1.2\" bootableSystemStateBackup=\"yes\" " \
             "selectComponents=\"yes\" backupType=\"full\" partialFileSupport=\"no\" " \
             "snapshotSetId=\"e109943b-232e-4b52-8dc4-62b7de94761b\">"
#define WRITER "<WRITER_COMPONENTS instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" " \
               "writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" backupSchema=\"0\">"
#define DOC(body) ROOT body "</BACKUP_COMPONENTS>"
#define COMPONENT(attrs, body) DOC(WRITER "<COMPONENT " attrs ">" body "</COMPONENT></WRITER_COMPONENTS>")

static int load(const char *text)
{
    struct bcd *bcd = NULL;
    int ret = bcd_load_utf8(text, strlen(text), &bcd);

    if (ret) CU_ASSERT_PTR_NULL(bcd);
    bcd_release(bcd);
    return ret;
}

static void test_good(void)
{
    CU_ASSERT_EQUAL(load(DOC("")), 0);
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"" NS "\"/>"), 0);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"", "")), 0);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"database\" futureAttr=\"1\"",
                                   "<FUTURE_ELEMENT/><x:BACKUP_METADATA xmlns:x=\"urn:other\"/>")), 0);
}

static void test_malformed(void)
{
    CU_ASSERT_EQUAL(load(""), -EBADMSG);
    CU_ASSERT_EQUAL(load(ROOT), -EBADMSG);
    CU_ASSERT_EQUAL(load(DOC("<FUTURE>")), -EBADMSG);
    CU_ASSERT_EQUAL(load(DOC("") DOC("")), -EBADMSG);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"a\" componentName=\"b\" componentType=\"filegroup\"", "")), -EBADMSG);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"a<b\" componentType=\"filegroup\"", "")), -EBADMSG);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"&bogus;\" componentType=\"filegroup\"", "")), -EBADMSG);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"\xc0\x80\" componentType=\"filegroup\"", "")), -EBADMSG);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"&#1;\" componentType=\"filegroup\"", "")), -EBADMSG);
}

static void test_wrong_root_and_namespace(void)
{
    CU_ASSERT_EQUAL(load("<WRITER_METADATA xmlns=\"" NS "\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"x-schema:#VssWriterMetadataInfo\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS/>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<b:BACKUP_COMPONENTS xmlns:b=\"urn:x\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(xml_hresult(-EPROTO), VSS_E_INVALID_XML_DOCUMENT);
}

static void test_missing_and_bad_values(void)
{
    /* WRITER_COMPONENTS needs both GUIDs */
    CU_ASSERT_EQUAL(load(DOC("<WRITER_COMPONENTS instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<WRITER_COMPONENTS writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<WRITER_COMPONENTS instanceId=\"{1bddd48e-5052-49db-9b07-b96f96727e6b}\" "
                             "writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<WRITER_COMPONENTS instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6z\" "
                             "writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\"/>")), -EPROTO);
    /* COMPONENT needs a name and a known type */
    CU_ASSERT_EQUAL(load(COMPONENT("componentType=\"filegroup\"", "")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"\" componentType=\"filegroup\"", "")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\"", "")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"table\"", "")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"undefined\"", "")), -EPROTO);
    /* values spelled wrong */
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"" NS "\" selectComponents=\"true\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"" NS "\" backupType=\"weekly\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"" NS "\" snapshotSetId=\"x\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(load("<BACKUP_COMPONENTS xmlns=\"" NS "\" context=\"-1\"/>"), -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<WRITER_COMPONENTS instanceId=\"1bddd48e-5052-49db-9b07-b96f96727e6b\" "
                             "writerId=\"d61d61c8-d73a-4eee-8cdd-f6f9786b7124\" backupSchema=\"lots\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\" restoreTarget=\"elsewhere\"", "")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\" backupSucceeded=\"1\"", "")),
                    -EPROTO);
    /* children missing what they need */
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"", "<BACKUP_METADATA xmlns=\"\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"", "<PARTIAL_FILE path=\"p\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"",
                                   "<ALTERNATE_LOCATION_MAPPING path=\"p\" filespec=\"*\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"",
                                   "<DIFFERENCED_FILE path=\"p\" filespec=\"*\" lastModifyTime=\"soon\"/>")), -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"", "<FAILURE applicationHr=\"1\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(COMPONENT("componentName=\"c\" componentType=\"filegroup\"",
                                   "<DIRECTED_TARGET sourcePath=\"a\" sourceFilename=\"b\" destinationPath=\"c\"/>")),
                    -EPROTO);
    CU_ASSERT_EQUAL(load(DOC("<SNAPSHOT_SET_DESCRIPTION><SNAPSHOT_DESCRIPTION/></SNAPSHOT_SET_DESCRIPTION>")), -EPROTO);
}

/* A component listed twice for one writer instance breaks the model's
 * uniqueness (VSS-FACTS.md §2.1 R8): the document is invalid. */
static void test_duplicate_component(void)
{
    CU_ASSERT_EQUAL(load(DOC(WRITER "<COMPONENT componentName=\"c\" componentType=\"filegroup\"/>"
                             "<COMPONENT componentName=\"c\" componentType=\"database\"/></WRITER_COMPONENTS>")),
                    -EPROTO);
    /* also when the writer's entry is split in two */
    CU_ASSERT_EQUAL(load(DOC(WRITER "<COMPONENT componentName=\"c\" componentType=\"filegroup\"/></WRITER_COMPONENTS>"
                             WRITER "<COMPONENT componentName=\"c\" componentType=\"filegroup\"/></WRITER_COMPONENTS>")),
                    -EPROTO);
    /* the same name under another logical path is another component */
    CU_ASSERT_EQUAL(load(DOC(WRITER "<COMPONENT componentName=\"c\" componentType=\"filegroup\"/>"
                             "<COMPONENT logicalPath=\"p\" componentName=\"c\" componentType=\"filegroup\"/>"
                             "</WRITER_COMPONENTS>")), 0);
}

static void test_entities(void)
{
    CU_ASSERT_EQUAL(load("<!DOCTYPE BACKUP_COMPONENTS [<!ENTITY a \"aaaaaaaaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                         "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                         "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
                         "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>"
                         COMPONENT("componentName=\"&f;\" componentType=\"filegroup\"", "")), -EBADMSG);
    CU_ASSERT_EQUAL(load("<!DOCTYPE BACKUP_COMPONENTS [<!ENTITY x SYSTEM \"file:///etc/shadow\">]>"
                         COMPONENT("componentName=\"c\" componentType=\"filegroup\" backupStamp=\"&x;\"", "")),
                    -EBADMSG);
    CU_ASSERT_EQUAL(load("<!DOCTYPE BACKUP_COMPONENTS PUBLIC \"x\" \"http://127.0.0.1:1/x.dtd\">" DOC("")), -EBADMSG);
}

static void test_deep_nesting(void)
{
    size_t n = 10000, i;
    char *text = malloc(strlen(ROOT) + n * 7 + 32), *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    p = text + sprintf(text, "%s", ROOT);
    for (i = 0; i < n; i++) p += sprintf(p, "<a>");
    for (i = 0; i < n; i++) p += sprintf(p, "</a>");
    sprintf(p, "</BACKUP_COMPONENTS>");
    CU_ASSERT_EQUAL(load(text), -EBADMSG);
    free(text);
}

static void test_huge_attribute(void)
{
    static const char head[] = ROOT WRITER "<COMPONENT componentName=\"c\" componentType=\"filegroup\" backupStamp=\"";
    static const char tail[] = "\"/></WRITER_COMPONENTS></BACKUP_COMPONENTS>";
    size_t size = 100u << 20;
    char *text = malloc(sizeof(head) + size + sizeof(tail));
    struct bcd *bcd = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memcpy(text, head, sizeof(head) - 1);
    memset(text + sizeof(head) - 1, 'x', size);
    memcpy(text + sizeof(head) - 1 + size, tail, sizeof(tail));
    CU_ASSERT_EQUAL(bcd_load_utf8(text, strlen(text), &bcd), -E2BIG);
    CU_ASSERT_PTR_NULL(bcd);
    free(text);
}

static void test_wide(void)
{
    struct bcd *bcd = (struct bcd *)0xdead;

    CU_ASSERT_EQUAL(bcd_load_wstr(L"", &bcd), -EBADMSG);
    CU_ASSERT_PTR_NULL(bcd);
    CU_ASSERT_EQUAL(bcd_load_wstr(L"<BACKUP_COMPONENTS xmlns=\"" NS "\" a=\"\xdfff\"/>", &bcd), -EILSEQ);
    CU_ASSERT_EQUAL(bcd_load_wstr(L"<BACKUP_COMPONENTS xmlns=\"" NS "\" a=\"\x110000\"/>", &bcd), -EILSEQ);
    CU_ASSERT_EQUAL(bcd_load_wstr(L"<BACKUP_COMPONENTS xmlns=\"" NS "\" a=\"\x1f600\"/>", &bcd), 0);
    bcd_release(bcd);
}

static CU_TestInfo bcd_bad_tests[] =
{
    { "good minimal documents", test_good },
    { "malformed XML", test_malformed },
    { "wrong root and namespace", test_wrong_root_and_namespace },
    { "missing attributes, bad values", test_missing_and_bad_values },
    { "duplicate component", test_duplicate_component },
    { "entity bomb, external entity", test_entities },
    { "10,000-deep nesting", test_deep_nesting },
    { "100 MB attribute", test_huge_attribute },
    { "wide input", test_wide },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(bcd_bad, NULL, NULL, bcd_bad_tests);
