/*
 * test_diskshadow_parse.c: the diskshadow command language (VSS-FACTS.md
 * §6.1-6.2).  Every real script in samples/diskshadow-scripts either parses
 * whole or stops at the line and with the help text INDEX.md predicts; alias
 * substitution, quoting, case and every malformed command are pinned here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "../../programs/diskshadow/parse.h"
#include "../../programs/diskshadow/script.h"

/* A small alias table for substitution tests (case-insensitive, as Windows). */
static const char *const test_aliases[][2] =
{
    { "drive_E", "{11111111-2222-3333-4444-555555555555}" },
    { "VSS_SHADOW_SET", "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}" },
    { "03_27_2023__21_30_06", "{01010101-0202-0303-0404-050505050505}" },
    { "a", "AA" },
    { "b", "BB" },
    { "spaced", "C:\\Program Files\\x" },
    { "kw", "create" },
};

static const char *table_lookup(void *ctx, const char *name)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < sizeof(test_aliases) / sizeof(test_aliases[0]); i++)
        if (!strcasecmp(test_aliases[i][0], name)) return test_aliases[i][1];
    return NULL;
}

static int parse(const char *line, struct ds_command *cmd)
{
    return ds_parse_line(line, table_lookup, NULL, cmd);
}

/* --- the real scripts ---------------------------------------------------------- */

struct sample_expect
{
    const char *file;
    size_t commands;        /* non-blank, non-comment lines when the whole script parses */
    size_t bad_line;        /* 0: parses whole */
    int status;             /* DS_PARSE_* at bad_line */
    enum ds_topic topic;    /* help shown at bad_line */
};

/* INDEX.md: 02, 26, 27, 28 carry a sacrificial last character for Windows' LF
 * bug; read as written (DESIGN.md §7) they stop at the first such line with the
 * usage text, as Windows does for a bad keyword.  14 writes a bogus extra word
 * ("SET METADATA CACHE "…"") and stops at line 2 with SET METADATA's help. */
static const struct sample_expect samples[] =
{
    { "01_Tragen_hmailserver_backup.dsh", 10, 0, 0, 0 },
    { "02_codebycamk_ntds_copy.dsh", 0, 1, DS_PARSE_USAGE, DS_TOPIC_SET_CONTEXT },
    { "03_ridercz_hyperv_backup.dsh", 13, 0, 0, 0 },
    { "04_microsoft_vsstester_diskshadow.dsh", 35, 0, 0, 0 },
    { "05_microsoft_vsstester_removesnapshot.dsh", 3, 0, 0, 0 },
    { "06_PureStorage_toolkit_new_vsc.dsh", 8, 0, 0, 0 },
    { "07_PureStorage_toolkit_get_vsc.dsh", 6, 0, 0, 0 },
    { "08_PureStorage_ptk3_exch_backup.dsh", 46, 0, 0, 0 },
    { "09_PureStorage_ptk3_exch_expose.dsh", 7, 0, 0, 0 },
    { "10_PureStorage_ptk3_exch_unexpose.dsh", 7, 0, 0, 0 },
    { "11_PureStorage_ptk3_exch_restore_resync.dsh", 11, 0, 0, 0 },
    { "12_PureStorage_ptk3_exch_remove.dsh", 6, 0, 0, 0 },
    { "13_rquimbey_hyperv_csv_backup.dsh", 8, 0, 0, 0 },
    { "14_BootBlock_poshbackup_create.dsh", 0, 2, DS_PARSE_USAGE, DS_TOPIC_SET_METADATA },
    { "15_BootBlock_poshbackup_cleanup.dsh", 2, 0, 0, 0 },
    { "16_Galev01_limiquantix_quiesce.dsh", 6, 0, 0, 0 },
    { "17_beyondessential_bestool_vss_create.dsh", 8, 0, 0, 0 },
    { "18_beyondessential_bestool_vss_delete.dsh", 1, 0, 0, 0 },
    { "19_TPollTech_hdrecover_vss_create.dsh", 10, 0, 0, 0 },
    { "20_TPollTech_hdrecover_vss_cleanup.dsh", 5, 0, 0, 0 },
    { "21_jks0804_autobackupper_vss_create.dsh", 6, 0, 0, 0 },
    { "22_jks0804_autobackupper_vss_cleanup.dsh", 3, 0, 0, 0 },
    { "23_arjunnairp_shadowcopydel.dsh", 1, 0, 0, 0 },
    { "24_vandonley_cleanup_backupdrive.dsh", 1, 0, 0, 0 },
    { "25_Pennyw0rth_netexec_ntds_diskshadow.dsh", 7, 0, 0, 0 },
    { "26_sidchn_blackfield_suffix0.dsh", 0, 1, DS_PARSE_USAGE, DS_TOPIC_SET_CONTEXT },
    { "27_thadigus_blackfield_suffixX.dsh", 0, 1, DS_PARSE_USAGE, DS_TOPIC_SET_VERBOSE },
    { "28_nurijeon_oscp_doubledchars.dsh", 0, 2, DS_PARSE_USAGE, DS_TOPIC_SET_CONTEXT },
    { "29_chronopad_blackfield_chrono.dsh", 4, 0, 0, 0 },
    { "30_opabravo_blackfield_vss.dsh", 6, 0, 0, 0 },
    { "31_opabravo_blackfield_vss_clean.dsh", 5, 0, 0, 0 },
};

static void test_samples(void)
{
    size_t i, line;

    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
    {
        const struct sample_expect *e = &samples[i];
        char rel[256];
        struct ds_script script;
        size_t commands = 0, bad_line = 0;
        int status = 0;
        enum ds_topic topic = DS_TOPIC_COMMANDS;
        const char *path;

        snprintf(rel, sizeof(rel), "diskshadow-scripts/%s", e->file);
        path = umbra_sample_path(rel);
        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        CU_ASSERT_EQUAL_FATAL(ds_script_load(path, &script, NULL), 0);
        for (line = 0; line < script.count; line++)
        {
            struct ds_command cmd;
            status = ds_parse_line(script.lines[line], NULL, NULL, &cmd);
            if (!status && cmd.verb != DS_NOP) commands++;
            topic = cmd.topic;
            ds_command_free(&cmd);
            if (status) { bad_line = line + 1; break; }
        }
        ds_script_free(&script);
        if (bad_line != e->bad_line || status != e->status || (!e->bad_line && commands != e->commands)
            || (e->bad_line && topic != e->topic))
            fprintf(stderr, "\n%s: stopped at line %u status %d topic %d after %u commands\n", e->file,
                    (unsigned int)bad_line, status, topic, (unsigned int)commands);
        CU_ASSERT_EQUAL(bad_line, e->bad_line);
        CU_ASSERT_EQUAL(status, e->status);
        if (e->bad_line) { CU_ASSERT_EQUAL(topic, e->topic); }
        else { CU_ASSERT_EQUAL(commands, e->commands); }
    }
}

/* The command structures of some sample lines, word for word. */
static void test_sample_lines(void)
{
    struct ds_command cmd;

    /* 06: options after the volume in any order, keywords in any case */
    CU_ASSERT_EQUAL(parse("ADD VOLUME Volume01 ALIAS MyAlias PROVIDER {781c006a-5829-4a25-81e3-d5e43bd005ab}", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_ADD_VOLUME);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "Volume01");
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "{781c006a-5829-4a25-81e3-d5e43bd005ab}");
    CU_ASSERT_STRING_EQUAL(cmd.arg[2], "MyAlias");
    ds_command_free(&cmd);

    /* 13: provider without alias, a mount-point volume */
    CU_ASSERT_EQUAL(parse("Add volume C:\\clusterstorage\\volume1 Provider {781c006a-5829-4a25-81e3-d5e43bd005ab}", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "C:\\clusterstorage\\volume1");
    CU_ASSERT_PTR_NOT_NULL(cmd.arg[1]);
    CU_ASSERT_PTR_NULL(cmd.arg[2]);
    ds_command_free(&cmd);

    /* 08: a quoted metadata path with spaces */
    CU_ASSERT_EQUAL(parse("SET METADATA \"C:\\Program Files\\Pure Storage\\VSS\\Exchange\\db_1708\\03_27_2023__21_30_06.cab\"", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_SET_METADATA);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "C:\\Program Files\\Pure Storage\\VSS\\Exchange\\db_1708\\03_27_2023__21_30_06.cab");
    ds_command_free(&cmd);

    /* 04: a quoted component path; the GUIDs of writers in mixed case */
    CU_ASSERT_EQUAL(parse("writer exclude \"Microsoft Exchange Writer:\\Microsoft Exchange Server\\Microsoft Information Store\\EXCH01\\5c2a6f3e\"", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_WRITER_EXCLUDE);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "Microsoft Exchange Writer:\\Microsoft Exchange Server\\Microsoft Information Store\\EXCH01\\5c2a6f3e");
    ds_command_free(&cmd);
    /* Microsoft's own example writes a writer name unquoted */
    CU_ASSERT_EQUAL(parse("writer verify System Writer", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_WRITER_VERIFY);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "System Writer");
    ds_command_free(&cmd);

    /* 02/26: exec of a quoted program with arguments */
    CU_ASSERT_EQUAL(parse("exec \"C:\\Windows\\System32\\cmd.exe\" /C copy v:\\windows\\ntds\\ntds.dit c:\\temp\\ntds.dit", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_EXEC);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "C:\\Windows\\System32\\cmd.exe");
    CU_ASSERT_EQUAL_FATAL(cmd.argc, 4);
    CU_ASSERT_STRING_EQUAL(cmd.argv[0], "/C");
    CU_ASSERT_STRING_EQUAL(cmd.argv[3], "c:\\temp\\ntds.dit");
    ds_command_free(&cmd);

    /* 31: a bare alias as the volume; meaning is the executor's business */
    CU_ASSERT_EQUAL(parse("delete shadows volume df", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_DELETE_SHADOWS);
    CU_ASSERT_EQUAL(cmd.mode, DS_SCOPE_VOLUME);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "df");
    ds_command_free(&cmd);

    /* 18: quoted exposure */
    CU_ASSERT_EQUAL(parse("delete shadows exposed \"C:\\bestool-backup-shadow\\tamanu-postgres\"", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_SCOPE_EXPOSED);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "C:\\bestool-backup-shadow\\tamanu-postgres");
    ds_command_free(&cmd);

    /* 16 */
    CU_ASSERT_EQUAL(parse("set option differential", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.options, DS_OPT_DIFFERENTIAL);
    ds_command_free(&cmd);

    /* 14: case mixed inside a line; VSS-FACTS.md §6.2 context values */
    CU_ASSERT_EQUAL(parse("SET CONTEXT Persistent NoWriters", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.context, 0x19);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("set context clientaccessible", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.context, 0x1d);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("set context persistent", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.context, 0x09);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("SET CONTEXT VOLATILE", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.context, 0x00);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("set context volatile nowriters", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.context, 0x10);
    ds_command_free(&cmd);

    /* 11 */
    CU_ASSERT_EQUAL(parse("RESYNC", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_RESYNC);
    CU_ASSERT_EQUAL(cmd.options, 0);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("ADD SHADOW %03_27_2023__21_30_06%", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_ADD_SHADOW);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "{01010101-0202-0303-0404-050505050505}");
    ds_command_free(&cmd);
}

/* --- substitution (VSS-FACTS.md §6.1 "Variables") ------------------------------------ */

static void test_substitution(void)
{
    struct ds_command cmd;

    /* alias case differs between definition and use (sample 03) */
    CU_ASSERT_EQUAL(parse("expose %drive_e% C:\\Backup\\HVBS\\mnt.e", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_EXPOSE);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "{11111111-2222-3333-4444-555555555555}");
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "C:\\Backup\\HVBS\\mnt.e");
    CU_ASSERT_EQUAL_FATAL(cmd.nsubst, 1);
    /* echoed as written: "-> %drive_e% = {…}" */
    CU_ASSERT_STRING_EQUAL(cmd.subst[0].name, "drive_e");
    CU_ASSERT_STRING_EQUAL(cmd.subst[0].value, "{11111111-2222-3333-4444-555555555555}");
    CU_ASSERT_PTR_NULL(cmd.undefined);
    ds_command_free(&cmd);

    /* an undefined alias stays as written and is reported */
    CU_ASSERT_EQUAL(parse("expose %nosuch% z:", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "%nosuch%");
    CU_ASSERT_STRING_EQUAL(cmd.undefined, "%nosuch%");
    CU_ASSERT_EQUAL(cmd.nsubst, 0);
    ds_command_free(&cmd);

    /* several in one word, and next to text */
    CU_ASSERT_EQUAL(parse("add alias x %a%%b%-%a%", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "AABB-AA");
    CU_ASSERT_EQUAL(cmd.nsubst, 3);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("add alias x %nosuch%%a%", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "%nosuch%AA");
    ds_command_free(&cmd);

    /* lone and doubled percent signs are text */
    CU_ASSERT_EQUAL(parse("add alias x 100%", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "100%");
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("add alias x %%", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "%%");
    CU_ASSERT_PTR_NULL(cmd.undefined);
    ds_command_free(&cmd);

    /* a value with spaces stays one argument */
    CU_ASSERT_EQUAL(parse("expose %a% %spaced%", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "C:\\Program Files\\x");
    ds_command_free(&cmd);

    /* substitution inside quotes too */
    CU_ASSERT_EQUAL(parse("set metadata \"%spaced%\\m.cab\"", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "C:\\Program Files\\x\\m.cab");
    ds_command_free(&cmd);

    /* without a lookup nothing is replaced */
    CU_ASSERT_EQUAL(ds_parse_line("mask %VSS_SHADOW_SET%", NULL, NULL, &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "%VSS_SHADOW_SET%");
    ds_command_free(&cmd);

    /* a substituted keyword works too, as in cmd.exe */
    CU_ASSERT_EQUAL(parse("%kw%", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_CREATE);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("%a% x", &cmd), DS_PARSE_UNKNOWN);
    ds_command_free(&cmd);
}

static void test_environment_lookup(void)
{
    struct ds_command cmd;

    setenv("UMBRA_DS_TEST_VOLUME", "/srv/data", 1);
    CU_ASSERT_STRING_EQUAL(ds_lookup_environ(NULL, "umbra_ds_test_volume"), "/srv/data");
    CU_ASSERT_PTR_NULL(ds_lookup_environ(NULL, "UMBRA_DS_TEST_VOLUM"));
    CU_ASSERT_PTR_NULL(ds_lookup_environ(NULL, "UMBRA_DS_TEST_VOLUME=x"));
    CU_ASSERT_PTR_NULL(ds_lookup_environ(NULL, ""));
    /* tools/main-job.dsh passes its paths this way */
    CU_ASSERT_EQUAL(ds_parse_line("add volume %UMBRA_DS_TEST_VOLUME% alias demo", ds_lookup_environ, NULL, &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "/srv/data");
    CU_ASSERT_STRING_EQUAL(cmd.arg[2], "demo");
    ds_command_free(&cmd);
    unsetenv("UMBRA_DS_TEST_VOLUME");
}

/* --- comments, blanks, quotes ----------------------------------------------------------- */

static void test_comments_and_blanks(void)
{
    static const char *const nops[] = { "", " ", "\t \r", "#DiskShadow script file", "# chrono.dsh", "   # indented" };
    struct ds_command cmd;
    size_t i;

    for (i = 0; i < sizeof(nops) / sizeof(nops[0]); i++)
    {
        CU_ASSERT_EQUAL(parse(nops[i], &cmd), 0);
        CU_ASSERT_EQUAL(cmd.verb, DS_NOP);
        ds_command_free(&cmd);
    }
    /* '#' after a command is no comment: sample 02's sacrificial " #" is an extra word */
    CU_ASSERT_EQUAL(parse("create #", &cmd), DS_PARSE_USAGE);
    CU_ASSERT_EQUAL(cmd.topic, DS_TOPIC_CREATE);
    ds_command_free(&cmd);
    /* an unclosed quote runs to the end of the line */
    CU_ASSERT_EQUAL(parse("set metadata \"C:\\a b.cab", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "C:\\a b.cab");
    ds_command_free(&cmd);
    /* an empty quoted argument is a missing argument */
    CU_ASSERT_EQUAL(parse("set metadata \"\"", &cmd), DS_PARSE_USAGE);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(ds_parse_line(NULL, NULL, NULL, &cmd), 0);
    CU_ASSERT_EQUAL(cmd.verb, DS_NOP);
}

/* --- every command, well and badly formed ----------------------------------------------- */

struct line_expect
{
    const char *line;
    int status;
    enum ds_verb verb;      /* when status is 0 */
    enum ds_topic topic;
};

static const struct line_expect lines[] =
{
    { "set", 0, DS_SET_SHOW, DS_TOPIC_SET },
    { "set foo", DS_PARSE_USAGE, 0, DS_TOPIC_SET },
    { "set context", DS_PARSE_USAGE, 0, DS_TOPIC_SET_CONTEXT },
    { "set context persistent nowriter", DS_PARSE_USAGE, 0, DS_TOPIC_SET_CONTEXT },  /* output 01 */
    { "set context persistent nowriters x", DS_PARSE_USAGE, 0, DS_TOPIC_SET_CONTEXT },
    { "set context nowriters", DS_PARSE_USAGE, 0, DS_TOPIC_SET_CONTEXT },
    { "set context clientaccessible nowriters", DS_PARSE_USAGE, 0, DS_TOPIC_SET_CONTEXT },
    { "set option", DS_PARSE_USAGE, 0, DS_TOPIC_SET_OPTION },
    { "set option differential plex", DS_PARSE_USAGE, 0, DS_TOPIC_SET_OPTION },
    { "set option noautorecover txfrecover", DS_PARSE_USAGE, 0, DS_TOPIC_SET_OPTION },
    { "set option noautorecover rollbackrecover", DS_PARSE_USAGE, 0, DS_TOPIC_SET_OPTION },
    { "set option transportable bogus", DS_PARSE_USAGE, 0, DS_TOPIC_SET_OPTION },
    { "set option plex transportable rollbackrecover txfrecover", 0, DS_SET_OPTION, DS_TOPIC_SET_OPTION },
    { "set verbose", DS_PARSE_USAGE, 0, DS_TOPIC_SET_VERBOSE },
    { "set verbose yes", DS_PARSE_USAGE, 0, DS_TOPIC_SET_VERBOSE },
    { "SET VERBOSE On", 0, DS_SET_VERBOSE, DS_TOPIC_SET_VERBOSE },
    { "set metadata", DS_PARSE_USAGE, 0, DS_TOPIC_SET_METADATA },
    { "load", DS_PARSE_USAGE, 0, DS_TOPIC_LOAD_METADATA },
    { "load metadata", DS_PARSE_USAGE, 0, DS_TOPIC_LOAD_METADATA },
    { "load metadata a.cab b.cab", DS_PARSE_USAGE, 0, DS_TOPIC_LOAD_METADATA },
    { "LOAD METADATA myFile.cab.cab", 0, DS_LOAD_METADATA, DS_TOPIC_LOAD_METADATA },
    { "writer", DS_PARSE_USAGE, 0, DS_TOPIC_WRITER },
    { "writer exclude", DS_PARSE_USAGE, 0, DS_TOPIC_WRITER },
    { "writer include {e8132975-6f93-4464-a53e-1050253ae220}", DS_PARSE_USAGE, 0, DS_TOPIC_WRITER },
    { "add", 0, DS_ADD_SHOW, DS_TOPIC_ADD },
    { "add foo", DS_PARSE_USAGE, 0, DS_TOPIC_ADD },
    { "add volume", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_VOLUME },
    { "add volume c: alias", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_VOLUME },
    { "add volume c: alias a alias b", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_VOLUME },
    { "add volume c: provider", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_VOLUME },
    { "add volume c: nickname x", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_VOLUME },
    { "add volume c: alias 03_27_2023__21_30_06_log", 0, DS_ADD_VOLUME, DS_TOPIC_ADD_VOLUME },
    { "add alias", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_ALIAS },
    { "add alias x", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_ALIAS },
    { "add alias x y z", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_ALIAS },
    { "add alias a=b c", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_ALIAS },
    { "add alias System1 {ff47165a-1946-4a0c-b7f4-80f46a309278}", 0, DS_ADD_ALIAS, DS_TOPIC_ADD_ALIAS },
    { "add shadow", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_SHADOW },
    { "add shadow a b c", DS_PARSE_USAGE, 0, DS_TOPIC_ADD_SHADOW },
    { "create", 0, DS_CREATE, DS_TOPIC_CREATE },
    { "create now", DS_PARSE_USAGE, 0, DS_TOPIC_CREATE },
    { "exec", DS_PARSE_USAGE, 0, DS_TOPIC_EXEC },
    { "exec backup.cmd", 0, DS_EXEC, DS_TOPIC_EXEC },
    { "begin", DS_PARSE_USAGE, 0, DS_TOPIC_BEGIN },
    { "begin backups", DS_PARSE_USAGE, 0, DS_TOPIC_BEGIN },   /* sample 28's doubled letter */
    { "begin backup now", DS_PARSE_USAGE, 0, DS_TOPIC_BEGIN },
    { "Begin backup", 0, DS_BEGIN_BACKUP, DS_TOPIC_BEGIN },
    { "begin restore", 0, DS_BEGIN_RESTORE, DS_TOPIC_BEGIN },
    { "end", DS_PARSE_USAGE, 0, DS_TOPIC_END },
    { "END BACKUP", 0, DS_END_BACKUP, DS_TOPIC_END },
    { "end restore", 0, DS_END_RESTORE, DS_TOPIC_END },
    { "reset", 0, DS_RESET, DS_TOPIC_RESET },
    { "reset all", DS_PARSE_USAGE, 0, DS_TOPIC_RESET },
    { "list", DS_PARSE_USAGE, 0, DS_TOPIC_LIST },
    { "list writers", 0, DS_LIST_WRITERS, DS_TOPIC_LIST },
    { "list writers detailed", 0, DS_LIST_WRITERS, DS_TOPIC_LIST },
    { "list writers bogus", DS_PARSE_USAGE, 0, DS_TOPIC_LIST },
    { "list shadows", DS_PARSE_USAGE, 0, DS_TOPIC_LIST },
    { "list shadows set", DS_PARSE_USAGE, 0, DS_TOPIC_LIST },
    { "list shadows all", 0, DS_LIST_SHADOWS, DS_TOPIC_LIST },
    { "list shadows id {9c8474c6-d67a-401e-a611-2649e7f01c8b}", 0, DS_LIST_SHADOWS, DS_TOPIC_LIST },
    { "list providers", 0, DS_LIST_PROVIDERS, DS_TOPIC_LIST },
    { "list providers all", DS_PARSE_USAGE, 0, DS_TOPIC_LIST },
    { "delete", DS_PARSE_USAGE, 0, DS_TOPIC_DELETE_SHADOWS },
    { "delete shadows", DS_PARSE_USAGE, 0, DS_TOPIC_DELETE_SHADOWS },
    { "delete shadows volume", DS_PARSE_USAGE, 0, DS_TOPIC_DELETE_SHADOWS },
    { "delete shadows all now", DS_PARSE_USAGE, 0, DS_TOPIC_DELETE_SHADOWS },
    { "delete snapshots all", DS_PARSE_USAGE, 0, DS_TOPIC_DELETE_SHADOWS },
    { "delete shadows newest c:", DS_PARSE_USAGE, 0, DS_TOPIC_DELETE_SHADOWS },
    { "delete shadows all", 0, DS_DELETE_SHADOWS, DS_TOPIC_DELETE_SHADOWS },
    { "delete shadows oldest F: ", 0, DS_DELETE_SHADOWS, DS_TOPIC_DELETE_SHADOWS },  /* sample 23 */
    { "import", 0, DS_IMPORT, DS_TOPIC_IMPORT },
    { "import x", DS_PARSE_USAGE, 0, DS_TOPIC_IMPORT },
    { "mask", DS_PARSE_USAGE, 0, DS_TOPIC_MASK },
    { "mask a b", DS_PARSE_USAGE, 0, DS_TOPIC_MASK },
    { "expose", DS_PARSE_USAGE, 0, DS_TOPIC_EXPOSE },
    { "expose %VSS_SHADOW_SET%", DS_PARSE_USAGE, 0, DS_TOPIC_EXPOSE },
    { "EXPOSE %MyAlias% MyShadowCopy", 0, DS_EXPOSE, DS_TOPIC_EXPOSE },
    { "unexpose", DS_PARSE_USAGE, 0, DS_TOPIC_UNEXPOSE },
    { "unexpose b:", 0, DS_UNEXPOSE, DS_TOPIC_UNEXPOSE },
    { "break", DS_PARSE_USAGE, 0, DS_TOPIC_BREAK },
    { "break writable", DS_PARSE_USAGE, 0, DS_TOPIC_BREAK },
    { "break writable a b", DS_PARSE_USAGE, 0, DS_TOPIC_BREAK },
    { "break %a%", 0, DS_BREAK, DS_TOPIC_BREAK },
    { "revert", DS_PARSE_USAGE, 0, DS_TOPIC_REVERT },
    { "revert %a%", 0, DS_REVERT, DS_TOPIC_REVERT },
    { "resync bogus", DS_PARSE_USAGE, 0, DS_TOPIC_RESYNC },
    { "resync revertidentity novolumecheck", 0, DS_RESYNC, DS_TOPIC_RESYNC },
    { "exit", 0, DS_EXIT, DS_TOPIC_EXIT },
    { "EXIT now", DS_PARSE_USAGE, 0, DS_TOPIC_EXIT },
    { "help", 0, DS_HELP, DS_TOPIC_COMMANDS },
    { "?", 0, DS_HELP, DS_TOPIC_COMMANDS },
    { "help set context", 0, DS_HELP, DS_TOPIC_SET_CONTEXT },
    { "HELP delete", 0, DS_HELP, DS_TOPIC_DELETE_SHADOWS },
    { "add volume /?", 0, DS_HELP, DS_TOPIC_ADD_VOLUME },
    { "expose /?", 0, DS_HELP, DS_TOPIC_EXPOSE },
    { "creates", DS_PARSE_UNKNOWN, 0, DS_TOPIC_COMMANDS },      /* sample 28 */
    { "creat", DS_PARSE_UNKNOWN, 0, DS_TOPIC_COMMANDS },        /* Windows' LF chop of "create" */
    { "foo /?", DS_PARSE_UNKNOWN, 0, DS_TOPIC_COMMANDS },
    { "simulate restore", DS_PARSE_UNKNOWN, 0, DS_TOPIC_COMMANDS },
    { "\"set\" verbose on", 0, DS_SET_VERBOSE, DS_TOPIC_SET_VERBOSE },
};

static void test_every_command(void)
{
    size_t i;

    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
    {
        struct ds_command cmd;
        int status = parse(lines[i].line, &cmd);

        if (status != lines[i].status || cmd.topic != lines[i].topic || (!status && cmd.verb != lines[i].verb))
            fprintf(stderr, "\n\"%s\": status %d verb %d topic %d\n", lines[i].line, status, cmd.verb, cmd.topic);
        CU_ASSERT_EQUAL(status, lines[i].status);
        CU_ASSERT_EQUAL(cmd.topic, lines[i].topic);
        if (!status) { CU_ASSERT_EQUAL(cmd.verb, lines[i].verb); }
        ds_command_free(&cmd);
    }
}

static void test_modes_and_flags(void)
{
    struct ds_command cmd;

    CU_ASSERT_EQUAL(parse("list writers status", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_WRITERS_STATUS);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("list writers", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_WRITERS_METADATA);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("list shadows set %VSS_SHADOW_SET%", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_SCOPE_SET);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}");
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("delete shadows all", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_SCOPE_ALL);
    CU_ASSERT_PTR_NULL(cmd.arg[0]);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("DELETE SHADOWS SET %VSS_SHADOW_SET%", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_SCOPE_SET);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("delete shadows oldest F: ", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.mode, DS_SCOPE_OLDEST);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "F:");
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("break writable %a%", &cmd), 0);
    CU_ASSERT(cmd.on);
    CU_ASSERT_STRING_EQUAL(cmd.arg[0], "AA");
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("break %a%", &cmd), 0);
    CU_ASSERT(!cmd.on);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("set verbose off", &cmd), 0);
    CU_ASSERT(!cmd.on);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("set option plex transportable rollbackrecover txfrecover", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.options, DS_OPT_PLEX | DS_OPT_TRANSPORTABLE | DS_OPT_ROLLBACK_RECOVERY | DS_OPT_TXF_RECOVERY);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("set option noautorecover", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.options, DS_OPT_NO_AUTORECOVERY);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("resync revertidentity", &cmd), 0);
    CU_ASSERT_EQUAL(cmd.options, DS_RESYNC_REVERT_IDENTITY);
    ds_command_free(&cmd);
    CU_ASSERT_EQUAL(parse("add shadow %a% E:", &cmd), 0);
    CU_ASSERT_STRING_EQUAL(cmd.arg[1], "E:");
    ds_command_free(&cmd);
}

/* A script cut off in the middle of a backup stops at the broken line; the
 * executor then ends the backup (test_diskshadow_exec). */
static void test_cut_off_script(void)
{
    static const char text[] = "set context persistent\r\nbegin backup\r\nadd volume c: alias x\r\ncrea";
    struct ds_script script;
    struct ds_command cmd;
    size_t i;
    int status = 0;

    CU_ASSERT_EQUAL_FATAL(ds_script_decode(text, sizeof(text) - 1, &script, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(script.count, 4);
    for (i = 0; i < script.count; i++)
    {
        status = parse(script.lines[i], &cmd);
        ds_command_free(&cmd);
        if (status) break;
    }
    CU_ASSERT_EQUAL(i, 3);
    CU_ASSERT_EQUAL(status, DS_PARSE_UNKNOWN);
    ds_script_free(&script);
}

static void test_hostile_lines(void)
{
    struct ds_command cmd;
    char *line = malloc(DS_SCRIPT_MAX_LINE + 2);
    size_t i;

    CU_ASSERT_FATAL(line != NULL);
    /* too long */
    memset(line, 'a', DS_SCRIPT_MAX_LINE + 1);
    line[DS_SCRIPT_MAX_LINE + 1] = 0;
    CU_ASSERT_EQUAL(parse(line, &cmd), -E2BIG);
    ds_command_free(&cmd);
    /* the most words a line can hold */
    for (i = 0; i + 1 < DS_SCRIPT_MAX_LINE; i += 2) { line[i] = 'x'; line[i + 1] = ' '; }
    line[i] = 0;
    CU_ASSERT_EQUAL(parse(line, &cmd), DS_PARSE_UNKNOWN);
    ds_command_free(&cmd);
    memcpy(line, "add alias", 9);
    CU_ASSERT_EQUAL(parse(line, &cmd), DS_PARSE_USAGE);
    ds_command_free(&cmd);
    /* many substitutions of a long value stay bounded by the line */
    for (i = 0; i + 3 < DS_SCRIPT_MAX_LINE; i += 3) memcpy(line + i, "%a%", 3);
    line[i] = 0;
    CU_ASSERT_EQUAL(parse(line, &cmd), DS_PARSE_UNKNOWN);
    ds_command_free(&cmd);
    free(line);
}

static void test_guid(void)
{
    GUID g;

    CU_ASSERT_EQUAL(ds_parse_guid("{3F0E2B8C-5D41-4A6E-9C7B-1E2D3F4A5B6C}", &g), 0);
    CU_ASSERT_EQUAL(g.Data1, 0x3f0e2b8c);
    CU_ASSERT_EQUAL(g.Data2, 0x5d41);
    CU_ASSERT_EQUAL(g.Data3, 0x4a6e);
    CU_ASSERT_EQUAL(g.Data4[0], 0x9c);
    CU_ASSERT_EQUAL(g.Data4[7], 0x6c);
    CU_ASSERT_EQUAL(ds_parse_guid("b5946137-7b9f-4925-af80-51abd60b20d5", &g), 0);
    CU_ASSERT_EQUAL(g.Data1, 0xb5946137);
    CU_ASSERT_EQUAL(ds_parse_guid("{3F0E2B8C-5D41-4A6E-9C7B-1E2D3F4A5B6}", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid("{3F0E2B8C-5D41-4A6E-9C7B-1E2D3F4A5B6C", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid("3F0E2B8C5D414A6E9C7B1E2D3F4A5B6C", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid("{3F0E2B8C-5D41-4A6E-9C7B_1E2D3F4A5B6C}", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid("{zF0E2B8C-5D41-4A6E-9C7B-1E2D3F4A5B6C}", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid("%df%", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid("", &g), -EINVAL);
    CU_ASSERT_EQUAL(ds_parse_guid(NULL, &g), -EINVAL);
}

static CU_TestInfo parse_tests[] =
{
    { "the 31 sample scripts", test_samples },
    { "sample lines in detail", test_sample_lines },
    { "alias substitution", test_substitution },
    { "environment lookup", test_environment_lookup },
    { "comments, blanks, quotes", test_comments_and_blanks },
    { "every command, good and bad", test_every_command },
    { "modes and flags", test_modes_and_flags },
    { "script cut off in a backup", test_cut_off_script },
    { "hostile lines", test_hostile_lines },
    { "GUIDs", test_guid },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(diskshadow_parse, NULL, NULL, parse_tests);
