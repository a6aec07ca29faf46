/*
 * output.c: the words and layouts diskshadow prints (VSS-FACTS.md §6.3).
 *
 * Layouts follow the captured Windows transcripts byte for byte: TAB
 * indentation, "->" echoes, the shadow copy listing.  Help texts keep
 * Microsoft's syntax lines and layout (keyword column at 32, "Example:" line)
 * with descriptions in our own words.  Texts whose Windows wording nobody has
 * captured are ours and carry a [U] comment, so they are easy to find when a
 * Windows host shows the real ones.  Nothing here talks to VSS.
 *
 * Programs get Microsoft's printf semantics from include/stdio.h, so formats
 * here use only conversions both C libraries read alike (no %l, no %z).
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "output.h"

void ds_out_puts(struct ds_out *out, const char *text)
{
    if (out->con) fputs(text, out->con);
    if (out->log) fputs(text, out->log);
    if (out->record) fputs(text, out->record);
}

void ds_out_printf(struct ds_out *out, const char *fmt, ...)
{
    va_list ap;

    if (out->con)
    {
        va_start(ap, fmt);
        vfprintf(out->con, fmt, ap);
        va_end(ap);
    }
    if (out->log)
    {
        va_start(ap, fmt);
        vfprintf(out->log, fmt, ap);
        va_end(ap);
    }
    if (out->record)
    {
        va_start(ap, fmt);
        vfprintf(out->record, fmt, ap);
        va_end(ap);
    }
}

void ds_out_flush(struct ds_out *out)
{
    if (out->con) fflush(out->con);
    if (out->log) fflush(out->log);
    if (out->record) fflush(out->record);
}

char *ds_format_guid(char buf[DS_GUID_CHARS], const GUID *g)
{
    snprintf(buf, DS_GUID_CHARS, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
             g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
             g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    return buf;
}

char *ds_format_time(char *buf, size_t size, const struct tm *tm)
{
    int hour12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;

    snprintf(buf, size, "%d/%d/%d %d:%02d:%02d %s", tm->tm_mon + 1, tm->tm_mday, tm->tm_year + 1900,
             hour12, tm->tm_min, tm->tm_sec, tm->tm_hour < 12 ? "AM" : "PM");
    return buf;
}

void ds_timestamp_to_tm(long long timestamp, struct tm *tm)
{
    /* 100 ns ticks between 1601-01-01 and 1970-01-01 */
    const long long epoch_delta = 116444736000000000LL;
    time_t t = (time_t)((timestamp - epoch_delta) / 10000000LL);

    if (timestamp < epoch_delta) t = 0;
    if (!localtime_r(&t, tm)) memset(tm, 0, sizeof(*tm));
}

static const struct { HRESULT hr; const char *name; } hresult_names[] =
{
    { (HRESULT)0x00000000, "S_OK" },
    { (HRESULT)0x00000001, "S_FALSE" },
    { (HRESULT)0x80004001, "E_NOTIMPL" },
    { (HRESULT)0x80004003, "E_POINTER" },
    { (HRESULT)0x80004005, "E_FAIL" },
    { (HRESULT)0x8000FFFF, "E_UNEXPECTED" },
    { (HRESULT)0x80070005, "E_ACCESSDENIED" },
    { (HRESULT)0x8007000E, "E_OUTOFMEMORY" },
    { (HRESULT)0x80070057, "E_INVALIDARG" },
    { (HRESULT)0x80070002, "ERROR_FILE_NOT_FOUND" },
    { (HRESULT)0x80070003, "ERROR_PATH_NOT_FOUND" },
    { (HRESULT)0x80070050, "ERROR_FILE_EXISTS" },
    { (HRESULT)0x800700AA, "ERROR_BUSY" },
    { (HRESULT)0x00042309, "VSS_S_ASYNC_PENDING" },
    { (HRESULT)0x0004230A, "VSS_S_ASYNC_FINISHED" },
    { (HRESULT)0x0004230B, "VSS_S_ASYNC_CANCELLED" },
    { (HRESULT)0x00042321, "VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED" },
    { (HRESULT)0x80042301, "VSS_E_BAD_STATE" },
    { (HRESULT)0x80042302, "VSS_E_UNEXPECTED" },
    { (HRESULT)0x80042303, "VSS_E_PROVIDER_ALREADY_REGISTERED" },
    { (HRESULT)0x80042304, "VSS_E_PROVIDER_NOT_REGISTERED" },
    { (HRESULT)0x80042306, "VSS_E_PROVIDER_VETO" },
    { (HRESULT)0x80042307, "VSS_E_PROVIDER_IN_USE" },
    { (HRESULT)0x80042308, "VSS_E_OBJECT_NOT_FOUND" },
    { (HRESULT)0x8004230C, "VSS_E_VOLUME_NOT_SUPPORTED" },
    { (HRESULT)0x8004230D, "VSS_E_OBJECT_ALREADY_EXISTS" },
    { (HRESULT)0x8004230E, "VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER" },
    { (HRESULT)0x8004230F, "VSS_E_UNEXPECTED_PROVIDER_ERROR" },
    { (HRESULT)0x80042310, "VSS_E_CORRUPT_XML_DOCUMENT" },
    { (HRESULT)0x80042311, "VSS_E_INVALID_XML_DOCUMENT" },
    { (HRESULT)0x80042312, "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED" },
    { (HRESULT)0x80042313, "VSS_E_FLUSH_WRITES_TIMEOUT" },
    { (HRESULT)0x80042314, "VSS_E_HOLD_WRITES_TIMEOUT" },
    { (HRESULT)0x80042315, "VSS_E_UNEXPECTED_WRITER_ERROR" },
    { (HRESULT)0x80042316, "VSS_E_SNAPSHOT_SET_IN_PROGRESS" },
    { (HRESULT)0x80042317, "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED" },
    { (HRESULT)0x80042318, "VSS_E_WRITER_INFRASTRUCTURE" },
    { (HRESULT)0x80042319, "VSS_E_WRITER_NOT_RESPONDING" },
    { (HRESULT)0x8004231A, "VSS_E_WRITER_ALREADY_SUBSCRIBED" },
    { (HRESULT)0x8004231B, "VSS_E_UNSUPPORTED_CONTEXT" },
    { (HRESULT)0x8004231D, "VSS_E_VOLUME_IN_USE" },
    { (HRESULT)0x8004231E, "VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED" },
    { (HRESULT)0x8004231F, "VSS_E_INSUFFICIENT_STORAGE" },
    { (HRESULT)0x80042320, "VSS_E_NO_SNAPSHOTS_IMPORTED" },
    { (HRESULT)0x80042321, "VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED" },
    { (HRESULT)0x80042322, "VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED" },
    { (HRESULT)0x80042323, "VSS_E_REMOTE_SERVER_UNAVAILABLE" },
    { (HRESULT)0x80042324, "VSS_E_REMOTE_SERVER_UNSUPPORTED" },
    { (HRESULT)0x80042325, "VSS_E_REVERT_IN_PROGRESS" },
    { (HRESULT)0x80042326, "VSS_E_REVERT_VOLUME_LOST" },
    { (HRESULT)0x80042327, "VSS_E_REBOOT_REQUIRED" },
    { (HRESULT)0x80042328, "VSS_E_TRANSACTION_FREEZE_TIMEOUT" },
    { (HRESULT)0x80042329, "VSS_E_TRANSACTION_THAW_TIMEOUT" },
    { (HRESULT)0x8004232A, "VSS_E_UNSELECTED_VOLUME" },
    { (HRESULT)0x8004232B, "VSS_E_SNAPSHOT_NOT_IN_SET" },
    { (HRESULT)0x8004232C, "VSS_E_NESTED_VOLUME_LIMIT" },
    { (HRESULT)0x8004232D, "VSS_E_VOLUME_NOT_LOCAL" },
    { (HRESULT)0x8004232E, "VSS_E_CLUSTER_TIMEOUT" },
    { (HRESULT)0x8004232F, "VSS_E_NOT_SUPPORTED" },
    { (HRESULT)0x80042336, "VSS_E_WRITERERROR_PARTIAL_FAILURE" },
    { (HRESULT)0x800423F0, "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT" },
    { (HRESULT)0x800423F1, "VSS_E_WRITERERROR_OUTOFRESOURCES" },
    { (HRESULT)0x800423F2, "VSS_E_WRITERERROR_TIMEOUT" },
    { (HRESULT)0x800423F3, "VSS_E_WRITERERROR_RETRYABLE" },
    { (HRESULT)0x800423F4, "VSS_E_WRITERERROR_NONRETRYABLE" },
    { (HRESULT)0x800423F5, "VSS_E_WRITERERROR_RECOVERY_FAILED" },
    { (HRESULT)0x800423F6, "VSS_E_BREAK_REVERT_ID_FAILED" },
    { (HRESULT)0x800423F7, "VSS_E_LEGACY_PROVIDER" },
    { (HRESULT)0x800423F8, "VSS_E_MISSING_DISK" },
    { (HRESULT)0x800423F9, "VSS_E_MISSING_HIDDEN_VOLUME" },
    { (HRESULT)0x800423FA, "VSS_E_MISSING_VOLUME" },
    { (HRESULT)0x800423FB, "VSS_E_AUTORECOVERY_FAILED" },
    { (HRESULT)0x800423FC, "VSS_E_DYNAMIC_DISK_ERROR" },
    { (HRESULT)0x800423FD, "VSS_E_NONTRANSPORTABLE_BCD" },
    { (HRESULT)0x800423FE, "VSS_E_CANNOT_REVERT_DISKID" },
    { (HRESULT)0x800423FF, "VSS_E_RESYNC_IN_PROGRESS" },
    { (HRESULT)0x80042400, "VSS_E_CLUSTER_ERROR" },
    { (HRESULT)0x80042409, "VSS_E_WRITER_STATUS_NOT_AVAILABLE" },
    { (HRESULT)0x80042417, "VSS_E_FSS_TIMEOUT" },
};

const char *ds_hresult_name(HRESULT hr)
{
    size_t i;

    for (i = 0; i < sizeof(hresult_names) / sizeof(hresult_names[0]); i++)
        if (hresult_names[i].hr == hr) return hresult_names[i].name;
    return NULL;
}

/* --- session framing ------------------------------------------------------- */

void ds_print_banner(struct ds_out *out, const char *host, const struct tm *now)
{
    char when[64];

    /* Windows' three-line layout; the first two lines name this program and
     * its authors, not Microsoft's (scripts parse the lines after them). */
    ds_out_printf(out, "Umbra DiskShadow version 1.0\n"
                       "Copyright (C) 2026 the Umbra authors\n"
                       "On computer:  %s,  %s\n\n", host, ds_format_time(when, sizeof(when), now));
}

void ds_print_echo(struct ds_out *out, const char *line)
{
    if (line && *line) ds_out_printf(out, "-> %s\n", line);
    else ds_out_puts(out, "->\n");
}

void ds_print_substitution(struct ds_out *out, const char *name, const char *value)
{
    ds_out_printf(out, "-> %%%s%% = %s\n", name, value);
}

void ds_print_prompt(struct ds_out *out)
{
    /* the prompt belongs on the console, not in the log */
    if (out->con)
    {
        fputs("DISKSHADOW> ", out->con);
        fflush(out->con);
    }
}

void ds_print_exit_note(struct ds_out *out)
{
    ds_out_puts(out, "Note: END BACKUP was not commanded, writers not notified BackupComplete.\n"
                     "DiskShadow is exiting.\n");
}

/* --- help ----------------------------------------------------------------------- */

struct help_row { const char *keyword, *text; };
struct help_topic
{
    const char *syntax;             /* one or more lines, each ending in \n */
    struct help_row rows[8];
    const char *example;            /* NULL: no Example line */
};

/* Syntax lines are Microsoft's (they are the command grammar); the row texts are ours. */
static const struct help_topic topics[DS_TOPIC_COUNT] =
{
    [DS_TOPIC_COMMANDS] = { NULL, { { NULL, NULL } }, NULL },
    [DS_TOPIC_SET] = {
        "SET [ CONTEXT | OPTION | VERBOSE | METADATA ]\n",
        { { "CONTEXT", "Choose the kind of shadow copy to create." },
          { "OPTION", "Choose creation options (differential, transportable ...)." },
          { "VERBOSE", "Turn detailed output about writers and metadata on or off." },
          { "METADATA", "Name the .cab file the metadata of the next shadow copy goes to." },
          { "(no parameter)", "Show the current settings." } },
        "SET CONTEXT PERSISTENT" },
    [DS_TOPIC_SET_CONTEXT] = {
        "SET CONTEXT { CLIENTACCESSIBLE | PERSISTENT [ NOWRITERS ] | VOLATILE [ NOWRITERS ] }\n",
        { { "CLIENTACCESSIBLE", "Persistent shadow copies that clients can browse as previous versions." },
          { "PERSISTENT", "Shadow copies that outlive exit, reset and reboot." },
          { "PERSISTENT NOWRITERS", "Persistent shadow copies taken without involving any writer." },
          { "VOLATILE", "Shadow copies that are deleted at exit or reset." },
          { "VOLATILE NOWRITERS", "Volatile shadow copies taken without involving any writer." } },
        "SET CONTEXT CLIENTACCESSIBLE" },
    [DS_TOPIC_SET_OPTION] = {
        "SET OPTION { [ DIFFERENTIAL | PLEX ] [ TRANSPORTABLE ] [ [ ROLLBACKRECOVER ] [ TXFRECOVER ] | [ NOAUTORECOVER ] ] }\n",
        { { "DIFFERENTIAL", "Copy-on-write shadow copies (point in time, changed blocks only)." },
          { "PLEX", "Full-copy (clone) shadow copies." },
          { "TRANSPORTABLE", "Do not surface the shadow copies: import them later from the .cab file." },
          { "ROLLBACKRECOVER", "Writers recover the shadow copy for use in a rollback." },
          { "TXFRECOVER", "Make the shadow copy transactionally consistent while it is created." },
          { "NOAUTORECOVER", "No writer or file system recovery on the shadow copy." } },
        "SET OPTION DIFFERENTIAL TRANSPORTABLE" },
    [DS_TOPIC_SET_VERBOSE] = {
        "SET VERBOSE { ON | OFF }\n",
        { { "ON", "Report writer and component selection and metadata packing." },
          { "OFF", "Report results only (the default)." } },
        "SET VERBOSE ON" },
    [DS_TOPIC_SET_METADATA] = {
        "SET METADATA [<drive>:][<path>]<file.cab>\n",
        { { "<file.cab>", "Cabinet that receives the metadata of the shadow copies created next." },
          { "", "An existing file is overwritten." } },
        "SET METADATA C:\\backup\\metadata.cab" },
    [DS_TOPIC_LOAD_METADATA] = {
        "LOAD METADATA [<drive>:][<path>]<file.cab>\n",
        { { "<file.cab>", "Cabinet written by SET METADATA; restores its aliases, for IMPORT" },
          { "", "or BEGIN RESTORE." } },
        "LOAD METADATA C:\\backup\\metadata.cab" },
    [DS_TOPIC_WRITER] = {
        "WRITER VERIFY { <writer> | <component> }\nWRITER EXCLUDE { <writer> | <component> }\n",
        { { "VERIFY", "Fail the backup or restore if this writer or component is left out." },
          { "EXCLUDE", "Leave this writer or component out of the backup or restore." },
          { "<writer>", "A writer name or {writer id}." },
          { "<component>", "<writer name>:<logical path>\\<component name>." } },
        "WRITER EXCLUDE {e8132975-6f93-4464-a53e-1050253ae220}" },
    [DS_TOPIC_ADD] = {
        "ADD\nADD VOLUME <volume> [ PROVIDER <provider id> ] [ ALIAS <name> ]\nADD ALIAS <name> <value>\n"
        "ADD SHADOW <shadow id> [ <destination volume> ]\n",
        { { "(no parameter)", "List the volumes of the shadow copy set and the aliases." },
          { "VOLUME", "Add a volume to the shadow copy set." },
          { "ALIAS", "Define an alias now." },
          { "SHADOW", "Add a shadow copy to the set to resynchronize (restore sessions)." } },
        "ADD VOLUME C: ALIAS SystemVolume" },
    [DS_TOPIC_ADD_VOLUME] = {
        "ADD VOLUME <volume> [ PROVIDER <provider id> ] [ ALIAS <name> ]\n",
        { { "<volume>", "Drive letter, mount point, directory or \\\\?\\Volume{GUID}\\ name." },
          { "PROVIDER", "Use this provider instead of the default one." },
          { "ALIAS", "Name the shadow copy of this volume once CREATE has made it." } },
        "ADD VOLUME C: ALIAS SystemVolume" },
    [DS_TOPIC_ADD_ALIAS] = {
        "ADD ALIAS <name> <value>\n",
        { { "<name>", "Alias name, usable afterwards as %name%." },
          { "<value>", "Its value, usually a shadow copy ID or %VSS_SHADOW_n%." } },
        "ADD ALIAS System1 %VSS_SHADOW_1%" },
    [DS_TOPIC_ADD_SHADOW] = {
        "ADD SHADOW <shadow id> [ <destination volume> ]\n",
        { { "<shadow id>", "Shadow copy to resynchronize to (after IMPORT and BEGIN RESTORE)." },
          { "<destination>", "Volume to write it to, when not its original volume." } },
        "ADD SHADOW %VSS_SHADOW_1%" },
    [DS_TOPIC_CREATE] = {
        "CREATE\n",
        { { "CREATE", "Create shadow copies of the volumes added with ADD VOLUME," },
          { "", "with the current context and options." } },
        "CREATE" },
    [DS_TOPIC_EXEC] = {
        "EXEC <file> [ <arguments> ]\n",
        { { "<file>", "Program or script to run; the aliases are in its environment." },
          { "", "A failing exit code stops DiskShadow." } },
        "EXEC C:\\backup\\copy.cmd" },
    [DS_TOPIC_BEGIN] = {
        "BEGIN { BACKUP | RESTORE }\n",
        { { "BACKUP", "Start a full backup session: writers see a backup, not a copy." },
          { "RESTORE", "Start a restore session: writers receive PreRestore." } },
        "BEGIN BACKUP" },
    [DS_TOPIC_END] = {
        "END { BACKUP | RESTORE }\n",
        { { "BACKUP", "End the backup session: writers receive BackupComplete." },
          { "RESTORE", "End the restore session: writers receive PostRestore." } },
        "END BACKUP" },
    [DS_TOPIC_RESET] = {
        "RESET\n",
        { { "RESET", "Forget settings, volumes, aliases and metadata; volatile shadow" },
          { "", "copies are deleted." } },
        "RESET" },
    [DS_TOPIC_LIST] = {
        "LIST WRITERS [ METADATA | DETAILED | STATUS ]\nLIST SHADOWS { ALL | SET <set id> | ID <shadow id> }\n"
        "LIST PROVIDERS\n",
        { { "WRITERS", "Writers with their metadata (default), details or status." },
          { "SHADOWS", "Shadow copies: all, those of one set, or one." },
          { "PROVIDERS", "Registered shadow copy providers." } },
        "LIST SHADOWS ALL" },
    [DS_TOPIC_DELETE_SHADOWS] = {
        "DELETE SHADOWS { ALL | VOLUME <volume> | OLDEST <volume> | SET <set id> | ID <shadow id> | "
        "EXPOSED { <drive> | <mount point> } }\n",
        { { "ALL", "Every shadow copy." },
          { "VOLUME", "Every shadow copy of a volume." },
          { "OLDEST", "The oldest shadow copy of a volume." },
          { "SET", "The shadow copies of a shadow copy set." },
          { "ID", "One shadow copy." },
          { "EXPOSED", "The shadow copy exposed at a drive letter or mount point." } },
        "DELETE SHADOWS ID %VSS_SHADOW_1%" },
    [DS_TOPIC_IMPORT] = {
        "IMPORT\n",
        { { "IMPORT", "Import the transportable shadow copies of the loaded metadata." } },
        "IMPORT" },
    [DS_TOPIC_MASK] = {
        "MASK <shadow set id>\n",
        { { "<shadow set id>", "Remove the imported shadow copies of this set from the system." } },
        "MASK %VSS_SHADOW_SET%" },
    [DS_TOPIC_EXPOSE] = {
        "EXPOSE <shadow id> { <drive>: | <share> | <mount point> }\n",
        { { "<shadow id>", "A persistent shadow copy, by ID or alias." },
          { "<drive>:", "Expose it as a drive letter." },
          { "<share>", "Expose it as a share." },
          { "<mount point>", "Expose it at an empty directory." } },
        "EXPOSE %VSS_SHADOW_1% X:" },
    [DS_TOPIC_UNEXPOSE] = {
        "UNEXPOSE { <shadow id> | <drive>: | <share> | <mount point> }\n",
        { { "UNEXPOSE", "Remove the drive letter, share or mount point of an exposed" },
          { "", "shadow copy." } },
        "UNEXPOSE X:" },
    [DS_TOPIC_BREAK] = {
        "BREAK [ WRITABLE ] <shadow set id>\n",
        { { "WRITABLE", "Make the volumes read-write." },
          { "<shadow set id>", "Imported hardware shadow copy set to turn into plain volumes." } },
        "BREAK WRITABLE %VSS_SHADOW_SET%" },
    [DS_TOPIC_REVERT] = {
        "REVERT <shadow id>\n",
        { { "<shadow id>", "Roll its original volume back to this shadow copy" },
          { "", "(CLIENTACCESSIBLE shadow copies only)." } },
        "REVERT %VSS_SHADOW_1%" },
    [DS_TOPIC_RESYNC] = {
        "RESYNC [ REVERTIDENTITY ] [ NOVOLUMECHECK ]\n",
        { { "RESYNC", "Resynchronize the shadow copies added with ADD SHADOW to their volumes." },
          { "REVERTIDENTITY", "Give the volumes back their original identity." },
          { "NOVOLUMECHECK", "Do not check that the destination volumes are free." } },
        "RESYNC" },
    [DS_TOPIC_EXIT] = {
        "EXIT\n",
        { { "EXIT", "Leave DiskShadow." } },
        "EXIT" },
};

/* Keyword, then TABs up to column 32, then text: the SET CONTEXT usage layout. */
static void print_row(struct ds_out *out, const char *keyword, const char *text)
{
    size_t col = 8 + strlen(keyword);

    ds_out_printf(out, "\t%s", keyword);
    do
    {
        ds_out_puts(out, "\t");
        col = (col / 8 + 1) * 8;
    } while (col < 32);
    ds_out_printf(out, "%s\n", text);
}

static const struct help_row command_list[] =
{
    { "SET", "Set context, options, verbose mode and metadata file." },
    { "LOAD METADATA", "Load a metadata .cab file before IMPORT or BEGIN RESTORE." },
    { "WRITER", "Require or exclude a writer or component." },
    { "ADD", "Add volumes to the shadow copy set, or aliases." },
    { "CREATE", "Create the shadow copies." },
    { "EXEC", "Run a program or script." },
    { "BEGIN BACKUP", "Start a full backup session." },
    { "END BACKUP", "End the backup session (writers receive BackupComplete)." },
    { "BEGIN RESTORE", "Start a restore session (writers receive PreRestore)." },
    { "END RESTORE", "End the restore session (writers receive PostRestore)." },
    { "RESET", "Return to the starting state." },
    { "LIST", "List writers, shadow copies or providers." },
    { "DELETE SHADOWS", "Delete shadow copies." },
    { "IMPORT", "Import transportable shadow copies from loaded metadata." },
    { "MASK", "Remove imported hardware shadow copies." },
    { "EXPOSE", "Expose a persistent shadow copy as a drive, share or mount point." },
    { "UNEXPOSE", "Remove an exposure made by EXPOSE." },
    { "BREAK", "Turn an imported shadow copy set into plain volumes." },
    { "REVERT", "Roll a volume back to a shadow copy." },
    { "RESYNC", "Resynchronize shadow copies to volumes (restore sessions)." },
    { "EXIT", "Leave DiskShadow." },
    { "HELP", "Show this list, or HELP <command> for one command." },
};

void ds_print_help(struct ds_out *out, enum ds_topic topic)
{
    const struct help_topic *t;
    size_t i;

    if ((unsigned)topic >= DS_TOPIC_COUNT || topic == DS_TOPIC_COMMANDS)
    {
        ds_out_puts(out, "\n");
        for (i = 0; i < sizeof(command_list) / sizeof(command_list[0]); i++)
            print_row(out, command_list[i].keyword, command_list[i].text);
        ds_out_puts(out, "\n\tHELP <command> or <command> /? shows the syntax of a command.\n");
        return;
    }
    t = &topics[topic];
    ds_out_printf(out, "\n%s\n", t->syntax);
    for (i = 0; i < sizeof(t->rows) / sizeof(t->rows[0]) && t->rows[i].keyword; i++)
        print_row(out, t->rows[i].keyword, t->rows[i].text);
    if (t->example) ds_out_printf(out, "\n\tExample: %s\n", t->example);
}

void ds_print_unknown_command(struct ds_out *out, const char *word)
{
    (void)word;  /* Windows names no word here: it shows the command list [U] */
    ds_print_help(out, DS_TOPIC_COMMANDS);
}

void ds_print_cli_usage(FILE *f)
{
    fputs("Usage: diskshadow [ -s <script file> ] [ -l <log file> ]\n"
          "       diskshadow /?\n"
          "\n"
          "  -s, /s <file>   run the commands of a script file (CRLF or LF, UTF-8, ANSI or\n"
          "                  UTF-16); without it, commands are read at the DISKSHADOW> prompt\n"
          "  -l, /l <file>   write everything shown on the console to this log file too\n"
          "  -h, --help, /?  this text\n"
          "\n"
          "Type HELP at the prompt for the list of commands.\n", f);
}

/* --- errors ------------------------------------------------------------------------ */

void ds_print_failure(struct ds_out *out, HRESULT hr)
{
    const char *name = ds_hresult_name(hr);

    ds_out_printf(out, "The last operation failed.\n"
                       "\t- Returned HRESULT: %08X\n"
                       "\t- Error text: %s\n", (unsigned int)hr, name ? name : "Unknown error");
}

void ds_print_exec_failure(struct ds_out *out, int exit_code)
{
    ds_out_printf(out, "The command script returned failure exit code %d.\n"
                       "The command script failed.\n", exit_code);
}

void ds_print_exec_not_found(struct ds_out *out, const char *file)
{
    /* [U] */
    ds_out_printf(out, "The command script \"%s\" could not be started.\n"
                       "The command script failed.\n", file);
}

void ds_print_bad_id(struct ds_out *out, const char *text)
{
    /* [U] */
    ds_out_printf(out, "\"%s\" is neither a shadow copy ID nor a defined alias.\n", text);
}

void ds_print_message(struct ds_out *out, const char *text)
{
    ds_out_printf(out, "%s\n", text);
}

/* --- set / add ------------------------------------------------------------------------ */

static const char *context_name(LONG context)
{
    switch (context)
    {
    case DS_CTX_VOLATILE: return "VOLATILE";
    case DS_CTX_VOLATILE_NOWRITERS: return "VOLATILE NOWRITERS";
    case DS_CTX_PERSISTENT: return "PERSISTENT";
    case DS_CTX_PERSISTENT_NOWRITERS: return "PERSISTENT NOWRITERS";
    case DS_CTX_CLIENTACCESSIBLE: return "CLIENTACCESSIBLE";
    }
    return "?";
}

void ds_print_settings(struct ds_out *out, const struct ds_settings_view *view)
{
    static const struct { LONG bit; const char *name; } options[] =
    {
        { DS_OPT_DIFFERENTIAL, "DIFFERENTIAL" }, { DS_OPT_PLEX, "PLEX" },
        { DS_OPT_TRANSPORTABLE, "TRANSPORTABLE" }, { DS_OPT_ROLLBACK_RECOVERY, "ROLLBACKRECOVER" },
        { DS_OPT_TXF_RECOVERY, "TXFRECOVER" }, { DS_OPT_NO_AUTORECOVERY, "NOAUTORECOVER" },
    };
    size_t i;
    int any = 0;

    /* [U] layout */
    ds_out_printf(out, "\tContext: %s\n\tOptions:", context_name(view->context));
    for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
    {
        if (!(view->options & options[i].bit)) continue;
        ds_out_printf(out, " %s", options[i].name);
        any = 1;
    }
    ds_out_printf(out, "%s\n\tVerbose: %s\n\tMetadata file: %s\n", any ? "" : " (none)",
                  view->verbose ? "ON" : "OFF", view->metadata ? view->metadata : "(none)");
}

void ds_print_metadata_overwrite(struct ds_out *out)
{
    ds_out_puts(out, "The existing file will be overwritten.\n");
}

void ds_print_add_list(struct ds_out *out, const struct ds_volume_view *vols, size_t nvols,
                       const struct ds_alias_view *aliases, size_t naliases)
{
    size_t i;

    for (i = 0; i < nvols; i++)
    {
        ds_out_printf(out, "Volume %s", vols[i].name);
        if (vols[i].alias) ds_out_printf(out, " alias %s", vols[i].alias);
        ds_out_printf(out, "    GUID %s\n", vols[i].guid_name ? vols[i].guid_name : "");
    }
    ds_out_printf(out, "%u volume%s in Shadow Copy Set.\n", (unsigned int)nvols, nvols == 1 ? "" : "s");
    if (!naliases)
    {
        ds_out_puts(out, "No Diskshadow aliases in the environment.\n");
        return;
    }
    /* [U] the listing of defined aliases */
    ds_out_printf(out, "%u Diskshadow alias%s in the environment:\n", (unsigned int)naliases,
                  naliases == 1 ? "" : "es");
    for (i = 0; i < naliases; i++) ds_out_printf(out, "\t%%%s%%\t%s\n", aliases[i].name, aliases[i].value);
}

/* --- create ------------------------------------------------------------------------- */

void ds_print_alias_set(struct ds_out *out, const char *alias, const GUID *shadow_id)
{
    char id[DS_GUID_CHARS];
    ds_out_printf(out, "Alias %s for shadow ID %s set as environment variable.\n", alias,
                  ds_format_guid(id, shadow_id));
}

void ds_print_set_alias_set(struct ds_out *out, const GUID *set_id)
{
    char id[DS_GUID_CHARS];
    ds_out_printf(out, "Alias VSS_SHADOW_SET for shadow set ID %s set as environment variable.\n",
                  ds_format_guid(id, set_id));
}

void ds_print_cab_inserted(struct ds_out *out, const char *member, const char *cab_name)
{
    ds_out_printf(out, "Inserted file %s into .cab file %s\n", member, cab_name);
}

void ds_print_writer_excluded_all_components(struct ds_out *out, const char *writer)
{
    ds_out_printf(out, "Excluding writer \"%s\", because all of its components have been excluded.\n", writer);
}

void ds_print_component_excluded_volume(struct ds_out *out, const char *component, const char *writer,
                                        const char *volume)
{
    ds_out_printf(out, "Component \"%s\" from writer \"%s\" is excluded from backup,\n"
                       "because it requires volume %s which is not in the shadow copy set.\n",
                  component, writer, volume ? volume : "");
}

void ds_print_writer_excluded_top_level(struct ds_out *out, const char *writer, const char *component)
{
    ds_out_printf(out, "The writer \"%s\" is now entirely excluded from the backup because the top-level\n"
                       "non selectable component \"%s\" is excluded.\n", writer, component);
}

void ds_print_writer_excluded_by_user(struct ds_out *out, const char *writer)
{
    /* [U] */
    ds_out_printf(out, "Excluding writer \"%s\", because it was excluded with WRITER EXCLUDE.\n", writer);
}

void ds_print_including_writer(struct ds_out *out, const char *writer)
{
    ds_out_printf(out, "\n* Including writer \"%s\":\n", writer);
}

void ds_print_adding_component(struct ds_out *out, const char *component)
{
    ds_out_printf(out, "\t+ Adding component: %s\n", component);
}

/* --- shadow copies ---------------------------------------------------------------------- */

void ds_print_query_header(struct ds_out *out, enum ds_query_kind kind, const GUID *id)
{
    char g[DS_GUID_CHARS];

    switch (kind)
    {
    case DS_QUERY_SET:
        ds_out_printf(out, "\nQuerying all shadow copies with the shadow copy set ID %s\n\n", ds_format_guid(g, id));
        break;
    case DS_QUERY_ALL:
        ds_out_puts(out, "\nQuerying all shadow copies on the computer ...\n\n");  /* [U] */
        break;
    case DS_QUERY_ID:
        ds_out_printf(out, "\nQuerying the shadow copy with the ID %s\n\n", ds_format_guid(g, id));  /* [U] */
        break;
    }
}

char *ds_format_attributes(char *buf, size_t size, LONG attributes)
{
    /* vshadow/diskshadow order; the exposure bits have their own line */
    static const struct { ULONG bit; const char *name; } tokens[] =
    {
        { 0x00000001, "Persistent" },
        { 0x00000004, "Client_accessible" },
        { 0x00000010, "No_Writers" },
        { 0x00000020, "Transportable" },
        { 0x00000040, "Not_Surfaced" },
        { 0x00000080, "Not_Transacted" },
        { 0x00010000, "Hardware" },
        { 0x00020000, "Differential" },
        { 0x00040000, "Plex" },
        { 0x00080000, "Imported" },
        { 0x00400000, "Auto_Recovered" },
        { 0x00800000, "Rollback_Recovery" },
        { 0x01000000, "Delayed_PostSnapshot" },
        { 0x02000000, "TxF_Recovery" },
        { 0x00000002, "No_AutoRecovery" },
        { 0x04000000, "FileShare" },
    };
    ULONG attr = (ULONG)attributes;
    size_t i, len;

    snprintf(buf, size, "%s", attr & 0x00000008 ? "No_Auto_Release" : "Auto_Release");
    for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
    {
        if (!(attr & tokens[i].bit)) continue;
        len = strlen(buf);
        snprintf(buf + len, size - len, " %s", tokens[i].name);
    }
    return buf;
}

void ds_print_shadow(struct ds_out *out, const struct ds_shadow_view *v)
{
    char id[DS_GUID_CHARS], set[DS_GUID_CHARS], prov[DS_GUID_CHARS], when[64], attrs[256];
    struct tm tm;

    ds_out_printf(out, "\t* Shadow copy ID = %s", ds_format_guid(id, &v->id));
    if (v->alias) ds_out_printf(out, "\t\t%%%s%%", v->alias);
    ds_out_printf(out, "\n\t\t- Shadow copy set: %s", ds_format_guid(set, &v->set_id));
    if (v->set_alias) ds_out_printf(out, "\t%%%s%%", v->set_alias);
    ds_out_printf(out, "\n\t\t- Original count of shadow copies = %d\n", (int)v->count);
    ds_out_printf(out, "\t\t- Original volume name: %s", v->original_volume ? v->original_volume : "");
    if (v->volume_display) ds_out_printf(out, " [%s]", v->volume_display);
    ds_timestamp_to_tm(v->creation, &tm);
    ds_out_printf(out, "\n\t\t- Creation time: %s\n", ds_format_time(when, sizeof(when), &tm));
    ds_out_printf(out, "\t\t- Shadow copy device name: %s\n", v->device ? v->device : "");
    ds_out_printf(out, "\t\t- Originating machine: %s\n", v->originating_machine ? v->originating_machine : "");
    ds_out_printf(out, "\t\t- Service machine: %s\n", v->service_machine ? v->service_machine : "");
    if (!v->exposed_name || !*v->exposed_name)
        ds_out_puts(out, "\t\t- Not exposed\n");
    else
    {
        /* [U] wording of the exposed case */
        ds_out_printf(out, "\t\t- Exposed %s as: %s\n", (v->attributes & 0x00200000) ? "remotely" : "locally",
                      v->exposed_name);
        if (v->exposed_path && *v->exposed_path) ds_out_printf(out, "\t\t- Path exposed: %s\n", v->exposed_path);
    }
    ds_out_printf(out, "\t\t- Provider ID: %s\n", ds_format_guid(prov, &v->provider));
    ds_out_printf(out, "\t\t- Attributes:  %s\n", ds_format_attributes(attrs, sizeof(attrs), v->attributes));
}

void ds_print_shadow_count(struct ds_out *out, size_t count)
{
    ds_out_printf(out, "\nNumber of shadow copies listed: %u\n", (unsigned int)count);
}

void ds_print_deleting(struct ds_out *out, const GUID *shadow_id, const char *volume, const GUID *provider,
                       LONG attributes)
{
    char id[DS_GUID_CHARS], prov[DS_GUID_CHARS];

    ds_out_printf(out, "Deleting shadow copy %s on volume %s from provider %s [Attributes: 0x%08X]...\n",
                  ds_format_guid(id, shadow_id), volume ? volume : "", ds_format_guid(prov, provider),
                  (unsigned int)attributes);
}

void ds_print_deleted_count(struct ds_out *out, long count)
{
    ds_out_printf(out, "\nNumber of shadow copies deleted: %d\n", (int)count);
}

void ds_print_exposed(struct ds_out *out, const char *exposed_as)
{
    ds_out_printf(out, "The shadow copy was successfully exposed as %s.\n", exposed_as);
}

void ds_print_unexposed(struct ds_out *out, const char *target)
{
    /* [U] */
    ds_out_printf(out, "The shadow copy exposed as %s was successfully unexposed.\n", target);
}

/* --- providers, writers ------------------------------------------------------------------- */

void ds_print_provider(struct ds_out *out, const struct ds_provider_view *v)
{
    static const char *const types[] =
    {
        "VSS_PROV_UNKNOWN", "VSS_PROV_SYSTEM", "VSS_PROV_SOFTWARE", "VSS_PROV_HARDWARE", "VSS_PROV_FILESHARE",
    };
    char id[DS_GUID_CHARS], clsid[DS_GUID_CHARS];
    const char *type = v->type >= 0 && v->type < 5 ? types[v->type] : "VSS_PROV_UNKNOWN";

    ds_out_printf(out, "* ProviderID: %s\n"
                       "\tType: [%d] %s\n"
                       "\tName: %s\n"
                       "\tVersion: %s\n"
                       "\tCLSID: %s\n\n",
                  ds_format_guid(id, &v->id), v->type, type, v->name ? v->name : "",
                  v->version ? v->version : "", ds_format_guid(clsid, &v->clsid));
}

void ds_print_provider_count(struct ds_out *out, size_t count)
{
    ds_out_printf(out, "%u provider%s registered.\n", (unsigned int)count, count == 1 ? "" : "s");
}

const char *ds_writer_state_name(int state)
{
    static const char *const names[] =
    {
        "VSS_WS_UNKNOWN", "VSS_WS_STABLE", "VSS_WS_WAITING_FOR_FREEZE", "VSS_WS_WAITING_FOR_THAW",
        "VSS_WS_WAITING_FOR_POST_SNAPSHOT", "VSS_WS_WAITING_FOR_BACKUP_COMPLETE", "VSS_WS_FAILED_AT_IDENTIFY",
        "VSS_WS_FAILED_AT_PREPARE_BACKUP", "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT", "VSS_WS_FAILED_AT_FREEZE",
        "VSS_WS_FAILED_AT_THAW", "VSS_WS_FAILED_AT_POST_SNAPSHOT", "VSS_WS_FAILED_AT_BACKUP_COMPLETE",
        "VSS_WS_FAILED_AT_PRE_RESTORE", "VSS_WS_FAILED_AT_POST_RESTORE", "VSS_WS_FAILED_AT_BACKUPSHUTDOWN",
    };
    return state >= 0 && state < 16 ? names[state] : "VSS_WS_UNKNOWN";
}

void ds_print_writer_status_header(struct ds_out *out)
{
    ds_out_puts(out, "Listing writer status ...\n\n");
}

void ds_print_writer_status(struct ds_out *out, const struct ds_writer_status_view *v)
{
    char wid[DS_GUID_CHARS], iid[DS_GUID_CHARS];
    const char *fname = ds_hresult_name(v->failure);

    ds_out_printf(out, "* WRITER \"%s\"\n"
                       "\t- Status: %d (%s)\n"
                       "\t- Writer Failure code: 0x%08X (%s)\n"
                       "\t- Writer ID:   %s\n"
                       "\t- Instance ID: %s\n\n",
                  v->name ? v->name : "", v->state, ds_writer_state_name(v->state), (unsigned int)v->failure,
                  fname ? fname : "Unknown error", ds_format_guid(wid, &v->writer_id),
                  ds_format_guid(iid, &v->instance_id));
}

void ds_print_writer_count(struct ds_out *out, size_t count)
{
    ds_out_printf(out, "%u writer%s listed.\n", (unsigned int)count, count == 1 ? "" : "s");
}
