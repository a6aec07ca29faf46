/*
 * test_vssadmin_cmdline.c: every kind of bad vssadmin command line gives its
 * "Error:" line and exit status (docs/man/vssadmin.8) and no VSS call that
 * changes anything: unknown commands (VSS-FACTS.md §5.1: "Error: Invalid
 * command." and the command list), unknown, repeated, missing or clashing
 * options, malformed values and ids, unknown volumes; and the help texts of
 * vssadmin /? and vssadmin <command> /?, pinned by golden files.
 */
#include "test_vssadmin_fake.h"

#define VOLUME_C "\\\\?\\Volume{5b1e2c4d-0a1b-5c2d-8e3f-4a5b6c7d8e9f}\\"
#define SOME_ID "{eef18c41-c6bc-40bb-9863-5491249d2458}"

static void small_world(void)
{
    fake_reset();
    fake.providers[0] = (struct fake_provider){ { 0x7ac24c27, 0x5f63, 0x4d73, { 0xae, 0x57, 0x22, 0x37, 0x0b, 0x07,
                                                0xef, 0x1c } }, "Umbra directory copy provider", VSS_PROV_SYSTEM, "1.0" };
    fake.nproviders = 1;
    fake.volumes[0] = (struct fake_volume){ VOLUME_C, "/srv/c/", 'C', 20LL << 30, 0, 0 };
    fake.nvolumes = 1;
}

/* Nothing was made, deleted or reverted (the small world has no shadow
 * copies and no associations to start with). */
static int nothing_changed(void)
{
    return !fake.nsnaps && !fake.nareas && !strstr(fake.log, "StartSnapshotSet");
}

struct bad_case
{
    const char *args[8];
    const char *error;              /* the line after the banner */
    int status;
    const char *detail;             /* expected in standard error, or NULL */
};

static const struct bad_case bad_cases[] =
{
    /* options */
    { { "list", "shadows", "/foo" }, "Error: Invalid option: '/foo'.\n", VSA_ERR_SYNTAX, "does not take" },
    { { "list", "shadows", "/foo=bar" }, "Error: Invalid option: '/foo'.\n", VSA_ERR_SYNTAX, NULL },
    { { "list", "writers", "/For=C:" }, "Error: Invalid option: '/For'.\n", VSA_ERR_SYNTAX, NULL },
    { { "list", "shadows", "/ShadowX=" SOME_ID }, "Error: Invalid option: '/ShadowX'.\n", VSA_ERR_SYNTAX, NULL },
    { { "list", "providers", "--bogus" }, "Error: Invalid option: '--bogus'.\n", VSA_ERR_SYNTAX, "--bogus" },
    { { "create", "shadow", "/for=C:", "--json" }, "Error: Invalid option: '--json'.\n", VSA_ERR_SYNTAX, NULL },
    { { "list", "shadows", "/For" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, "volume is needed" },
    { { "list", "shadows", "/For=" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/all", "/quiet=yes" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, "no value" },
    { { "revert", "shadow", "/shadow=" SOME_ID, "/ForceDismount=1" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "list", "shadows", "/for=C:", "/FOR=C:" }, "Error: The /For option was given more than once.\n",
      VSA_ERR_SYNTAX, NULL },
    /* ids (§5.1: braced, 8-4-4-4-12 hex digits) */
    { { "list", "shadows", "/shadow=123" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, "{XXXXXXXX" },
    { { "list", "shadows", "/shadow=eef18c41-c6bc-40bb-9863-5491249d2458" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "list", "shadows", "/set={eef18c41-c6bc-40bb-9863-5491249d245}" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/shadow={eef18c41-c6bc-40bb-9863-5491249d245g}" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "revert", "shadow", "/shadow=" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    /* values */
    { { "create", "shadow", "/for=C:", "/autoretry=x" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX,
      "minutes" },
    { { "create", "shadow", "/for=C:", "/autoretry=-1" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=12XB" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, "UNBOUNDED" },
    { { "resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=0%" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "add", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=1.5GB" }, "Error: Invalid option value.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=100MB" },
      "Error: The maximum shadow copy storage size must be 320 MB or more.\n", VSA_ERR_SYNTAX, NULL },
    { { "add", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=1%" },
      "Error: The maximum shadow copy storage size must be 320 MB or more.\n", VSA_ERR_SYNTAX, NULL },
    /* missing and clashing options (§5.2 syntax lines) */
    { { "create", "shadow" }, "Error: The /For option is required.\n", VSA_ERR_SYNTAX, "needs /For" },
    { { "create", "shadow", "/autoretry=5" }, "Error: The /For option is required.\n", VSA_ERR_SYNTAX, NULL },
    { { "add", "shadowstorage", "/for=C:" }, "Error: The /On option is required.\n", VSA_ERR_SYNTAX, NULL },
    { { "resize", "shadowstorage", "/on=C:", "/maxsize=1GB" }, "Error: The /For option is required.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadowstorage" }, "Error: The /For option is required.\n", VSA_ERR_SYNTAX, NULL },
    { { "revert", "shadow" }, "Error: The /Shadow option is required.\n", VSA_ERR_SYNTAX, NULL },
    { { "revert", "shadow", "/forcedismount" }, "Error: The /Shadow option is required.\n", VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows" }, "Error: One of the /For, /Shadow and /All options is required.\n", VSA_ERR_SYNTAX,
      NULL },
    { { "delete", "shadows", "/quiet" }, "Error: One of the /For, /Shadow and /All options is required.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/all", "/for=C:" }, "Error: The /For and /All options cannot be used together.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/all", "/shadow=" SOME_ID },
      "Error: The /Shadow and /All options cannot be used together.\n", VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/for=C:", "/shadow=" SOME_ID },
      "Error: The /For and /Shadow options cannot be used together.\n", VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/all", "/oldest" }, "Error: The /Oldest option can only be used with /For.\n",
      VSA_ERR_SYNTAX, NULL },
    { { "list", "shadows", "/shadow=" SOME_ID, "/set=" SOME_ID },
      "Error: The /Shadow and /Set options cannot be used together.\n", VSA_ERR_SYNTAX, NULL },
    { { "list", "shadowstorage", "/for=C:", "/on=C:" }, "Error: The /For and /On options cannot be used together.\n",
      VSA_ERR_SYNTAX, NULL },
    /* volumes: unknown or not a volume name at all */
    { { "list", "shadows", "/for=Q:" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, "no such volume" },
    { { "list", "shadows", "/for=/no/such/dir" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, "no such volume" },
    { { "list", "shadows", "/for=relative/dir" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX,
      "not a volume name" },
    { { "list", "shadows", "/for=\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\" },
      "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "create", "shadow", "/for=Q:\\" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadows", "/for=Q:", "/quiet" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "add", "shadowstorage", "/for=C:", "/on=Q:" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "resize", "shadowstorage", "/for=Q:", "/on=C:" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "delete", "shadowstorage", "/for=C:", "/on=Q:" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "list", "shadowstorage", "/on=Q:" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    { { "query", "reverts", "/for=Q:" }, "Error: Invalid option value.\n", VSA_ERR_SYNTAX, NULL },
    /* ids that are well formed but name nothing */
    { { "delete", "shadows", "/shadow=" SOME_ID, "/quiet" }, "No items found that satisfy the query.\n",
      VSA_ERR_NOT_FOUND, NULL },
    { { "revert", "shadow", "/shadow=" SOME_ID }, "No items found that satisfy the query.\n", VSA_ERR_NOT_FOUND,
      NULL },
    { { "delete", "shadowstorage", "/for=C:" },
      "Error: The specified shadow copy storage association was not found.\n", VSA_ERR_NOT_FOUND, NULL },
    { { "resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=1GB" },
      "Error: The specified shadow copy storage association was not found.\n", VSA_ERR_NOT_FOUND, NULL },
};

static void test_bad_options(void)
{
    char expected[512];
    size_t i;

    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
    {
        const struct bad_case *c = &bad_cases[i];
        struct vsa_result r;

        small_world();
        vsa_run(&r, NULL, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
        snprintf(expected, sizeof(expected), "%s%s", banner_text, c->error);
        if (strcmp(r.out, expected) || r.status != c->status)
            printf("\ncase %u (%s %s %s): status %d, output:\n%s", (unsigned int)i, c->args[0], c->args[1],
                   c->args[2] ? c->args[2] : "", r.status, r.out);
        CU_ASSERT_STRING_EQUAL(r.out, expected);
        CU_ASSERT_EQUAL(r.status, c->status);
        if (c->detail)
        {
            if (!strstr(r.err, c->detail)) printf("\ncase %u: standard error: %s", (unsigned int)i, r.err);
            CU_ASSERT_PTR_NOT_NULL(strstr(r.err, c->detail));
        }
        CU_ASSERT_TRUE(nothing_changed());
        CU_ASSERT_EQUAL(fake.live, 0);
        vsa_result_free(&r);
    }
}

/* §5.1: an unknown command prints "Error: Invalid command.", a blank line and
 * the command list (name in 22 columns, "- " description). */
static void test_invalid_commands(void)
{
    static const char *const cases[][4] =
    {
        { "list" }, { "list", "shadow" }, { "lists", "shadows" }, { "list", "shadows", "extra" },
        { "create", "shadows" }, { "delete", "shadow" }, { "/for=C:" }, { "--bogus" }, { "query", "revert" },
        { "add", "shadows" }, { "list", "writers", "now" }, { "" }, { "create", "shadow", "C:" },
    };
    struct vsa_result r;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        small_world();
        vsa_run(&r, NULL, cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
        CU_ASSERT_EQUAL(r.status, VSA_ERR_SYNTAX);
        CU_ASSERT_TRUE(golden_matches("invalid-command.txt", r.out));
        CU_ASSERT_EQUAL(fake.log[0], 0);        /* no VSS call at all */
        vsa_result_free(&r);
    }
}

static void test_general_help(void)
{
    static const char *const help_args[] = { "/?", "-?", "--help", "-h" };
    struct vsa_result r;
    size_t i;

    small_world();
    vsa_run(&r, NULL, "/?");
    CU_ASSERT_EQUAL(r.status, VSA_OK);
    CU_ASSERT_TRUE(golden_matches("help.txt", r.out));
    CU_ASSERT_STRING_EQUAL(r.err, "");
    vsa_result_free(&r);
    for (i = 0; i < sizeof(help_args) / sizeof(help_args[0]); i++)
    {
        vsa_run(&r, NULL, help_args[i]);
        CU_ASSERT_EQUAL(r.status, VSA_OK);
        CU_ASSERT_TRUE(golden_matches("help.txt", r.out));
        vsa_result_free(&r);
    }
    /* "vssadmin list /?": which list commands are there */
    vsa_run(&r, NULL, "list", "/?");
    CU_ASSERT_EQUAL(r.status, VSA_OK);
    CU_ASSERT_TRUE(golden_matches("help.txt", r.out));
    vsa_result_free(&r);

    /* no command at all: the list, and a failure status */
    vsa_run(&r, NULL, NULL);
    CU_ASSERT_EQUAL(r.status, VSA_ERR_SYNTAX);
    CU_ASSERT_TRUE(golden_matches("help.txt", r.out));
    vsa_result_free(&r);

    /* --crlf applies to help too */
    vsa_run(&r, NULL, "--crlf", "/?");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\r\n---- Commands Supported ----\r\n\r\nAdd ShadowStorage     - "));
    CU_ASSERT_PTR_NULL(strstr(r.out, "tool\n"));
    vsa_result_free(&r);
    CU_ASSERT_EQUAL(fake.log[0], 0);
}

/* vssadmin <command> /?: Windows' syntax lines (§5.2), our words. */
static void test_command_help(void)
{
    static const char *const commands[][3] =
    {
        { "add", "shadowstorage", "help-add-shadowstorage.txt" },
        { "create", "shadow", "help-create-shadow.txt" },
        { "delete", "shadows", "help-delete-shadows.txt" },
        { "delete", "shadowstorage", "help-delete-shadowstorage.txt" },
        { "list", "providers", "help-list-providers.txt" },
        { "list", "shadows", "help-list-shadows.txt" },
        { "list", "shadowstorage", "help-list-shadowstorage.txt" },
        { "list", "volumes", "help-list-volumes.txt" },
        { "list", "writers", "help-list-writers.txt" },
        { "query", "reverts", "help-query-reverts.txt" },
        { "resize", "shadowstorage", "help-resize-shadowstorage.txt" },
        { "revert", "shadow", "help-revert-shadow.txt" },
    };
    static const char *const syntax[] =
    {
        "\n\nAdd ShadowStorage /For=ForVolumeSpec /On=OnVolumeSpec [/MaxSize=MaxSizeSpec]\n",
        "\n\nCreate Shadow /For=ForVolumeSpec [/AutoRetry=MaxRetryMinutes]\n",
        "\n\nDelete Shadows /For=ForVolumeSpec [/Oldest] [/Quiet]\nDelete Shadows /Shadow=ShadowId [/Quiet]\n"
        "Delete Shadows /All\n",
        "\n\nDelete ShadowStorage /For=ForVolumeSpec [/On=OnVolumeSpec] [/Quiet]\n",
        "\n\nList Providers\n",
        "\n\nList Shadows [/For=ForVolumeSpec] [/Shadow=ShadowId|/Set=ShadowSetId]\n",
        "\n\nList ShadowStorage [/For=ForVolumeSpec|/On=OnVolumeSpec]\n",
        "\n\nList Volumes\n",
        "\n\nList Writers\n",
        "\n\nQuery Reverts [/For=ForVolumeSpec]\n",
        "\n\nResize ShadowStorage /For=ForVolumeSpec /On=OnVolumeSpec [/MaxSize=MaxSizeSpec]\n",
        "\n\nRevert Shadow /Shadow=ShadowId [/ForceDismount]\n",
    };
    struct vsa_result r;
    size_t i;

    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    {
        small_world();
        vsa_run(&r, NULL, commands[i][0], commands[i][1], "/?");
        CU_ASSERT_EQUAL(r.status, VSA_OK);
        CU_ASSERT_TRUE(golden_matches(commands[i][2], r.out));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, syntax[i]));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n\n    Example Usage:  vssadmin "));
        vsa_result_free(&r);
        /* help wins over anything else on the line, even bad options */
        vsa_run(&r, NULL, commands[i][0], commands[i][1], "/bogus=1", "--help");
        CU_ASSERT_EQUAL(r.status, VSA_OK);
        CU_ASSERT_TRUE(golden_matches(commands[i][2], r.out));
        vsa_result_free(&r);
        CU_ASSERT_EQUAL(fake.log[0], 0);
    }
}

/* §5.1: command words and option names in any case */
static void test_case_insensitive(void)
{
    struct vsa_result r;

    small_world();
    vsa_run(&r, NULL, "LIST", "ShadowStorage", "/FOR=c:");
    CU_ASSERT_EQUAL(r.status, VSA_OK);
    CU_ASSERT_STRING_EQUAL(r.out + strlen(banner_text), "No items found that satisfy the query.\n");
    vsa_result_free(&r);
    vsa_run(&r, NULL, "list", "SHADOWS", "/sHaDoW={EEF18C41-C6BC-40BB-9863-5491249D2458}");
    CU_ASSERT_EQUAL(r.status, VSA_OK);
    CU_ASSERT_STRING_EQUAL(r.out + strlen(banner_text), "No items found that satisfy the query.\n");
    vsa_result_free(&r);
}

/* --json: errors go to standard error, and standard output stays empty */
static void test_json_errors(void)
{
    struct vsa_result r;

    small_world();
    vsa_run(&r, NULL, "list", "shadows", "--json", "/for=Q:");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_SYNTAX);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "Error: Invalid option value.\n"));
    vsa_result_free(&r);
    vsa_run(&r, NULL, "list", "shadows", "--json", "/shadow=12");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_SYNTAX);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "Error: Invalid option value.\n"));
    vsa_result_free(&r);
    fake.fail_query = E_ACCESSDENIED;
    vsa_run(&r, NULL, "list", "providers", "--json");
    CU_ASSERT_EQUAL(r.status, VSA_ERR_ACCESS);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "Error: You don't have the correct permissions to run this command."));
    vsa_result_free(&r);
    CU_ASSERT_EQUAL(fake.live, 0);
}

static CU_TestInfo cmdline_tests[] =
{
    { "bad options, values, ids and volumes", test_bad_options },
    { "invalid commands (§5.1)", test_invalid_commands },
    { "vssadmin /? (§5.1)", test_general_help },
    { "vssadmin <command> /? (§5.2)", test_command_help },
    { "case-insensitive words (§5.1)", test_case_insensitive },
    { "errors under --json", test_json_errors },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(vssadmin_cmdline, NULL, NULL, cmdline_tests);
