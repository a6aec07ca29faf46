/*
 * test_diskshadow.c: bin/diskshadow running whole scripts against real
 * volumes (issue 7), as an administrator runs them on Windows:
 *
 *  - Microsoft's documentation example of VSS-FACTS.md §6.4, unchanged, with
 *    c: and d: mapped to two directory volumes, then to a btrfs loop volume
 *    (tests/lib/fsfixture.h) and a directory volume; p: and q: are where it
 *    exposes, and the backupscript.cmd it EXECs is a shell script that copies
 *    files out of the exposures and checks them;
 *  - real scripts of tests/data/samples/diskshadow-scripts/ (INDEX.md) that
 *    Windows runs successfully, byte for byte, their drive letters mapped to
 *    test volumes, test_writer_c (tests/progs) as the writer where a script
 *    involves writers;
 *  - bad scripts (unknown command, missing argument, undefined alias, a failing
 *    EXEC, a script cut off inside BEGIN BACKUP): the documented message, a
 *    non-zero exit, and afterwards no frozen file system and no auto-release
 *    shadow copy.
 *
 * Drive letters are Wine's $VSS_CONFIG_DIR/dosdevices/<letter>: symlinks
 * (DESIGN.md §3), in private VSS_CONFIG_DIR/VSS_STATE_DIR/VSS_RUNTIME_DIR
 * directories of the test's tmpdir.  Needs root (loop devices).  Every test
 * deletes the shadow copies it made and unmaps its letters.
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "harness.h"
#include "dlls/vssapi/config.h"
#include "lib/fsfixture.h"
#include "lib/writer_procs.h"
#include "lib/snapshots.h"

static struct fsfixture *btrfs;
static char tmp_dir[PATH_MAX], dosdevices[PATH_MAX], dir_c[PATH_MAX], dir_d[PATH_MAX], log_path[PATH_MAX];
static char out[131072];

/* --- small helpers ---------------------------------------------------------------------- */

static const char *path_in(const char *dir, const char *rel)
{
    static char bufs[8][PATH_MAX];
    static int next;
    char *p = bufs[next++ % 8];

    snprintf(p, sizeof(bufs[0]), "%s/%s", dir, rel);
    return p;
}

static const char *content(const char *path)
{
    static char text[512];
    char *data = fsfixture_read_file(path);

    snprintf(text, sizeof(text), "%s", data ? data : "(missing)");
    free(data);
    return text;
}

static void write_file(const char *path, const char *text)
{
    CU_ASSERT_EQUAL(fsfixture_write_file(path, text), 0);
}

static void mkdirs(const char *path)
{
    char copy[PATH_MAX], *p;

    snprintf(copy, sizeof(copy), "%s", path);
    for (p = copy + 1; *p; p++)
    {
        if (*p != '/') continue;
        *p = 0;
        mkdir(copy, 0755);
        *p = '/';
    }
    mkdir(copy, 0755);
}

/* A drive letter for Windows names in scripts: dosdevices/<letter>: -> target. */
static void map_drive(char letter, const char *target)
{
    const char *link = path_in(dosdevices, (char[]){ letter, ':', 0 });

    unlink(link);
    CU_ASSERT_EQUAL(symlink(target, link), 0);
}

static int drive_mapped(char letter)
{
    struct stat st;

    return !lstat(path_in(dosdevices, (char[]){ letter, ':', 0 }), &st);
}

/* Every letter a test mapped (and any exposure it left behind). */
static void unmap_all(void)
{
    struct dirent *e;
    DIR *d = opendir(dosdevices);

    if (!d) return;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') unlink(path_in(dosdevices, e->d_name));
    closedir(d);
}

/* Runs bin/diskshadow -s script in dir (NULL: the test's tmpdir); output in out. */
static int run_diskshadow_in(const char *dir, const char *script)
{
    char *argv[] = { (char *)umbra_prog("diskshadow"), (char *)"-s", (char *)script, NULL };
    char cwd[PATH_MAX];
    int status;

    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
    CU_ASSERT_EQUAL_FATAL(chdir(dir ? dir : tmp_dir), 0);
    status = fsfixture_run(argv, out, sizeof(out));
    CU_ASSERT_EQUAL(chdir(cwd), 0);
    /* in the sanitizer build a failing script must not hide a leak or UB behind its exit code */
    CU_ASSERT_PTR_NULL(strstr(out, "Sanitizer"));
    CU_ASSERT_PTR_NULL(strstr(out, "runtime error:"));
    return status;
}

/* Writes text as a Windows script (CRLF line ends) and runs it. */
static int run_text(const char *name, const char *text)
{
    char path[PATH_MAX], crlf[16384];
    size_t n = 0;
    const char *p;

    for (p = text; *p && n + 2 < sizeof(crlf); p++)
    {
        if (*p == '\n') crlf[n++] = '\r';
        crlf[n++] = *p;
    }
    crlf[n] = 0;
    snprintf(path, sizeof(path), "%s/%s", tmp_dir, name);
    CU_ASSERT_EQUAL_FATAL(fsfixture_write_file(path, crlf), 0);
    return run_diskshadow_in(NULL, path);
}

/* Runs one of the real sample scripts, unchanged. */
static int run_sample_in(const char *dir, const char *file)
{
    char rel[PATH_MAX];
    const char *path;

    snprintf(rel, sizeof(rel), "diskshadow-scripts/%s", file);
    path = umbra_sample_path(rel);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    return run_diskshadow_in(dir, path);
}

static int output_has(const char *text)
{
    if (strstr(out, text)) return 1;
    printf("\nexpected \"%s\" in diskshadow's output:\n%s\n", text, out);
    return 0;
}

static void expect_success(int status)
{
    if (status) printf("\ndiskshadow exited %d:\n%s\n", status, out);
    CU_ASSERT_EQUAL(status, 0);
}

/* vssadmin list shadows, in out2. */
static char listing[65536];
static int vssadmin_list(void)
{
    char *argv[] = { (char *)umbra_prog("vssadmin"), (char *)"list", (char *)"shadows", NULL };

    return fsfixture_run(argv, listing, sizeof(listing));
}

static int listing_has(const char *text)
{
    if (strstr(listing, text)) return 1;
    printf("\nexpected \"%s\" in vssadmin list shadows:\n%s\n", text, listing);
    return 0;
}

/* The shadow copies of every context (VSS_CTX_ALL), as the catalogue has them. */
struct shadow_info
{
    LONG attributes;
    char exposed[64];
    char device[PATH_MAX];
};

static unsigned int query_shadows(struct shadow_info *info, unsigned int max)
{
    IVssBackupComponents *backup = NULL;
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP object;
    unsigned int n = 0;
    ULONG fetched;

    CU_ASSERT_EQUAL_FATAL(CreateVssBackupComponents(&backup), S_OK);
    CU_ASSERT_EQUAL(IVssBackupComponents_InitializeForBackup(backup, NULL), S_OK);
    CU_ASSERT_EQUAL(IVssBackupComponents_SetContext(backup, VSS_CTX_ALL), S_OK);
    if (SUCCEEDED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator)))
    {
        while (IVssEnumObject_Next(enumerator, 1, &object, &fetched) == S_OK)
        {
            VSS_SNAPSHOT_PROP *p = &object.Obj.Snap;
            if (info && n < max)
            {
                info[n].attributes = p->m_lSnapshotAttributes;
                info[n].exposed[0] = info[n].device[0] = 0;
                if (p->m_pwszExposedName) wcstombs(info[n].exposed, p->m_pwszExposedName, sizeof(info[n].exposed));
                if (p->m_pwszSnapshotDeviceObject)
                    wcstombs(info[n].device, p->m_pwszSnapshotDeviceObject, sizeof(info[n].device));
            }
            n++;
            VssFreeSnapshotProperties(p);
        }
        IVssEnumObject_Release(enumerator);
    }
    IVssBackupComponents_Release(backup);
    return n;
}

static unsigned int count_shadows(void)
{
    return query_shadows(NULL, 0);
}

/* 1 if something is mounted at or below dir (a folder exposure left behind). */
static int mounted_below(const char *dir)
{
    char line[4096];
    size_t len = strlen(dir);
    int found = 0;
    FILE *f = fopen("/proc/self/mounts", "re");

    if (!f) return 0;
    while (!found && fgets(line, sizeof(line), f))
    {
        char *mnt = strchr(line, ' ');
        if (mnt && !strncmp(mnt + 1, dir, len) && (mnt[1 + len] == ' ' || mnt[1 + len] == '/')) found = 1;
    }
    fclose(f);
    return found;
}

/* No script may leave the btrfs volume frozen: the probe, then a real write. */
static void expect_not_frozen(void)
{
    CU_ASSERT_EQUAL(fsfixture_is_frozen(btrfs->mnt), 0);
    CU_ASSERT_EQUAL(fsfixture_write_file(path_in(btrfs->mnt, "write-probe"), "still writable\n"), 0);
    unlink(path_in(btrfs->mnt, "write-probe"));
}

/* test_writer_c, its component's files on dir, logging to log_path. */
static pid_t start_writer(const char *dir)
{
    const char *argv[] = { "--log", log_path, "--files", dir, NULL };

    mkdirs(dir);
    write_file(path_in(dir, "table"), "writer data\n");
    return wp_start("test_writer_c", argv);
}

static unsigned int log_count(const char *prefix)
{
    struct wp_log log;
    unsigned int n;

    if (wp_log_read(log_path, &log)) return 0;
    n = wp_log_count(&log, prefix);
    wp_log_free(&log);
    return n;
}

/* --- Microsoft's documentation example (VSS-FACTS.md §6.4) ------------------------------- */

/* §6.4, verbatim. */
static const char doc_example[] =
    "# persistent, writers excluded, metadata saved\n"
    "set context persistent nowriters\n"
    "set metadata c:\\diskshadowdata\\example.cab\n"
    "set verbose on\n"
    "begin backup\n"
    "add volume c: alias systemvolumeshadow\n"
    "add volume d: alias datavolumeshadow\n"
    "create\n"
    "expose %systemvolumeshadow% p:\n"
    "expose %datavolumeshadow% q:\n"
    "exec c:\\diskshadowdata\\backupscript.cmd\n"
    "end backup\n";

/* c: and d: are volumes c_root and d_root: the example runs unchanged, its
 * backupscript.cmd changes the originals and copies the point-in-time data
 * out of p: and q:. */
static void run_doc_example(const char *c_root, const char *d_root)
{
    char script[4096], copies[PATH_MAX];
    struct shadow_info info[4];
    unsigned int n, i, exposed_p = 0, exposed_q = 0;
    int status;

    snprintf(copies, sizeof(copies), "%s/copies", tmp_dir);
    mkdirs(copies);
    unlink(path_in(copies, "report.txt"));
    unlink(path_in(copies, "data.txt"));
    mkdirs(path_in(c_root, "diskshadowdata"));
    write_file(path_in(c_root, "report.txt"), "report at create\n");
    write_file(path_in(d_root, "data.txt"), "data at create\n");
    snprintf(script, sizeof(script),
             "#!/bin/sh\n"
             "# backupscript.cmd: copy the shadow copies' files out of p: and q:\n"
             "set -e\n"
             "echo changed > '%s'\n"
             "echo changed > '%s'\n"
             "cp \"$VSS_CONFIG_DIR/dosdevices/p:/report.txt\" '%s/report.txt'\n"
             "cp \"$VSS_CONFIG_DIR/dosdevices/q:/data.txt\" '%s/data.txt'\n"
             "grep -qx 'report at create' '%s/report.txt'\n"
             "case \"$systemvolumeshadow$datavolumeshadow\" in '{'*'}{'*'}') ;; *) exit 9 ;; esac\n",
             path_in(c_root, "report.txt"), path_in(d_root, "data.txt"), copies, copies, copies);
    write_file(path_in(c_root, "diskshadowdata/backupscript.cmd"), script);
    CU_ASSERT_EQUAL(chmod(path_in(c_root, "diskshadowdata/backupscript.cmd"), 0755), 0);
    map_drive('c', c_root);
    map_drive('d', d_root);

    status = run_text("doc-example.dsh", doc_example);
    expect_success(status);
    CU_ASSERT(output_has("Alias systemvolumeshadow for shadow ID {"));
    CU_ASSERT(output_has("Alias datavolumeshadow for shadow ID {"));
    CU_ASSERT(output_has("Inserted file Manifest.xml into .cab file example.cab"));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as p:\\."));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as q:\\."));
    CU_ASSERT(output_has("-> end backup"));
    /* the EXEC'd script saw the shadow copies, not the changed originals */
    CU_ASSERT_STRING_EQUAL(content(path_in(copies, "report.txt")), "report at create\n");
    CU_ASSERT_STRING_EQUAL(content(path_in(copies, "data.txt")), "data at create\n");
    CU_ASSERT_STRING_EQUAL(content(path_in(c_root, "report.txt")), "changed\n");
    CU_ASSERT_EQUAL(access(path_in(c_root, "diskshadowdata/example.cab"), R_OK), 0);

    /* two persistent no-writers shadow copies, exposed at P: and Q: */
    n = query_shadows(info, 4);
    CU_ASSERT_EQUAL(n, 2);
    for (i = 0; i < n && i < 4; i++)
    {
        CU_ASSERT(info[i].attributes & VSS_VOLSNAP_ATTR_PERSISTENT);
        CU_ASSERT(info[i].attributes & VSS_VOLSNAP_ATTR_NO_WRITERS);
        CU_ASSERT(info[i].attributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE);
        exposed_p += !strcasecmp(info[i].exposed, "p:");
        exposed_q += !strcasecmp(info[i].exposed, "q:");
    }
    CU_ASSERT_EQUAL(exposed_p, 1);
    CU_ASSERT_EQUAL(exposed_q, 1);
    CU_ASSERT_EQUAL(vssadmin_list(), 0);
    CU_ASSERT(listing_has("Exposed Name: P:"));
    CU_ASSERT(listing_has("Exposed Name: Q:"));
    CU_ASSERT(listing_has("(C:)"));
    CU_ASSERT(listing_has("(D:)"));
}

static void test_doc_example_directories(void)
{
    run_doc_example(dir_c, dir_d);
    CU_ASSERT(listing_has("Provider: 'Umbra directory copy provider'"));
}

static void test_doc_example_btrfs(void)
{
    run_doc_example(btrfs->mnt, dir_d);
    CU_ASSERT(listing_has("btrfs"));
    expect_not_frozen();
}

/* --- real scripts (tests/data/samples/diskshadow-scripts/INDEX.md) ----------------------- */

/* 30 + 31: persistent nowriters create and expose z:, then "delete shadows
 * volume df", run (as in output/03) from c:\programdata. */
static void test_sample_30_31(void)
{
    char programdata[PATH_MAX];
    struct shadow_info info[2];

    snprintf(programdata, sizeof(programdata), "%s/programdata", btrfs->mnt);
    mkdirs(programdata);
    map_drive('c', btrfs->mnt);

    expect_success(run_sample_in(programdata, "30_opabravo_blackfield_vss.dsh"));
    CU_ASSERT(output_has("Alias df for shadow ID {"));
    CU_ASSERT(output_has("Attributes:  No_Auto_Release Persistent No_Writers"));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as z:\\."));
    CU_ASSERT_EQUAL(access(path_in(programdata, "df.cab"), R_OK), 0);
    CU_ASSERT_EQUAL_FATAL(query_shadows(info, 2), 1);
    CU_ASSERT_EQUAL(strcasecmp(info[0].exposed, "z:"), 0);
    CU_ASSERT(drive_mapped('z'));
    expect_not_frozen();

    expect_success(run_sample_in(programdata, "31_opabravo_blackfield_vss_clean.dsh"));
    CU_ASSERT(output_has("The existing file will be overwritten."));
    CU_ASSERT(output_has("Number of shadow copies deleted: 1"));
    CU_ASSERT_EQUAL(count_shadows(), 0);
    CU_ASSERT(!drive_mapped('z'));
}

/* 17 + 18: a writer-involving persistent backup exposed at a folder of C:,
 * then deleted by that folder; test_writer_c's component lives on C:. */
static void test_sample_17_18(void)
{
    pid_t writer;

    mkdirs(path_in(dir_c, "Windows/TEMP"));
    /* a folder exposure needs an existing empty folder, as an NTFS mount point does */
    mkdirs(path_in(dir_c, "bestool-backup-shadow/tamanu-postgres"));
    map_drive('c', dir_c);
    CU_ASSERT_FATAL((writer = start_writer(path_in(dir_c, "wdata"))) > 0);

    expect_success(run_sample_in(NULL, "17_beyondessential_bestool_vss_create.dsh"));
    CU_ASSERT(output_has("Alias bestoolpg for shadow ID {"));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as"));
    CU_ASSERT_EQUAL(access(path_in(dir_c, "Windows/TEMP/bestool-vss-4242.cab"), R_OK), 0);
    /* the exposure shows the shadow copy's files */
    CU_ASSERT_STRING_EQUAL(content(path_in(dir_c, "bestool-backup-shadow/tamanu-postgres/wdata/table")),
                           "writer data\n");
    CU_ASSERT_EQUAL(count_shadows(), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Freeze"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Thaw"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer BackupComplete"), 1);

    expect_success(run_sample_in(NULL, "18_beyondessential_bestool_vss_delete.dsh"));
    CU_ASSERT(output_has("Number of shadow copies deleted: 1"));
    CU_ASSERT_EQUAL(count_shadows(), 0);
    /* the folder is an empty folder again, no longer the shadow copy */
    CU_ASSERT_NOT_EQUAL(access(path_in(dir_c, "bestool-backup-shadow/tamanu-postgres/wdata"), F_OK), 0);
    CU_ASSERT(!mounted_below(dir_c));
    CU_ASSERT_EQUAL(wp_stop(writer), 0);
}

/* 19 + 20: two volumes exposed at Z: and Y:, then deleted by their letters. */
static void test_sample_19_20(void)
{
    struct shadow_info info[4];
    unsigned int n;

    mkdirs(path_in(dir_c, "ProgramData/HdRecover/VSS-4242-1753100000000000000"));
    write_file(path_in(dir_d, "d-file"), "on d\n");
    map_drive('c', dir_c);
    map_drive('d', dir_d);

    expect_success(run_sample_in(NULL, "19_TPollTech_hdrecover_vss_create.dsh"));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as Z:\\."));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as Y:\\."));
    n = query_shadows(info, 4);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(content(path_in(dosdevices, "y:/d-file")), "on d\n");
    CU_ASSERT_EQUAL(vssadmin_list(), 0);
    CU_ASSERT(listing_has("Exposed Name: Z:"));
    CU_ASSERT(listing_has("Exposed Name: Y:"));

    expect_success(run_sample_in(NULL, "20_TPollTech_hdrecover_vss_cleanup.dsh"));
    CU_ASSERT(output_has("Number of shadow copies deleted: 1"));
    CU_ASSERT_EQUAL(count_shadows(), 0);
    CU_ASSERT(!drive_mapped('z'));
    CU_ASSERT(!drive_mapped('y'));
}

/* 21 + 22: a volatile (auto-release) backup with the writer, exposed at Z:
 * while diskshadow runs; the shadow copy goes when diskshadow exits
 * (VSS-FACTS.md §6.2 SET CONTEXT), so 22's UNEXPOSE Z: finds nothing. */
static void test_sample_21_22(void)
{
    pid_t writer;

    map_drive('c', btrfs->mnt);
    CU_ASSERT_FATAL((writer = start_writer(path_in(btrfs->mnt, "wdata"))) > 0);

    expect_success(run_sample_in(NULL, "21_jks0804_autobackupper_vss_create.dsh"));
    CU_ASSERT(output_has("Alias sysvol for shadow ID {"));
    CU_ASSERT(output_has("Attributes:  Auto_Release"));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as Z:\\."));
    CU_ASSERT(output_has("-> END BACKUP"));
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer PrepareBackup"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Freeze"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Thaw"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer BackupComplete"), 1);
    CU_ASSERT_EQUAL(count_shadows(), 0);
    CU_ASSERT(!drive_mapped('z'));
    expect_not_frozen();

    CU_ASSERT_NOT_EQUAL(run_sample_in(NULL, "22_jks0804_autobackupper_vss_cleanup.dsh"), 0);
    CU_ASSERT(output_has("- Error text: VSS_E_OBJECT_NOT_FOUND"));
    CU_ASSERT_EQUAL(wp_stop(writer), 0);
}

/* 01: the hMailServer backup: EXEC of a relative .cmd from the current
 * directory, unexpose and delete by alias inside the backup. */
static void test_sample_01(void)
{
    char script[1024];

    map_drive('c', dir_c);
    write_file(path_in(dir_c, "mail.db"), "mail at create\n");
    snprintf(script, sizeof(script),
             "#!/bin/sh\n"
             "# ___hMailServer_backup.cmd: the backup reads the exposed shadow copy at b:\n"
             "echo changed > '%s'\n"
             "cp \"$VSS_CONFIG_DIR/dosdevices/b:/mail.db\" '%s/mail-backup.db'\n",
             path_in(dir_c, "mail.db"), tmp_dir);
    write_file(path_in(dir_c, "___hMailServer_backup.cmd"), script);

    expect_success(run_sample_in(dir_c, "01_Tragen_hmailserver_backup.dsh"));
    CU_ASSERT(output_has("The shadow copy was successfully exposed as b:\\."));
    CU_ASSERT(output_has("Number of shadow copies deleted: 1"));
    CU_ASSERT_STRING_EQUAL(content(path_in(tmp_dir, "mail-backup.db")), "mail at create\n");
    CU_ASSERT_EQUAL(count_shadows(), 0);
    CU_ASSERT(!drive_mapped('b'));
}

/* 03: the 2009 Hyper-V host backup: three volumes (E: on btrfs) exposed at
 * folders of C:, EXEC of backup.cmd that copies out of them, the folders
 * unexposed by their Windows names; alias drive_E is used as %drive_e%. */
static void test_sample_03(void)
{
    static const char letters[] = "cde";
    const char *roots[3] = { dir_c, dir_d, btrfs->mnt };
    char script[4096], copies[PATH_MAX], folder[PATH_MAX];
    size_t used;
    unsigned int i;

    snprintf(copies, sizeof(copies), "%s/copies-03", tmp_dir);
    mkdirs(copies);
    used = (size_t)snprintf(script, sizeof(script),
                            "#!/bin/sh\n# backup.cmd: copy each volume's file out of its mount folder\nset -e\n");
    for (i = 0; i < 3; i++)
    {
        char name[32];

        snprintf(name, sizeof(name), "vm-%c.vhd", letters[i]);
        write_file(path_in(roots[i], name), name);
        /* a folder exposure needs an existing empty folder, as an NTFS mount point does */
        snprintf(folder, sizeof(folder), "%s/Backup/HVBS/mnt.%c", dir_c, letters[i]);
        mkdirs(folder);
        if (used < sizeof(script))
            used += (size_t)snprintf(script + used, sizeof(script) - used, "cp '%s/%s' '%s/'\n", folder, name, copies);
        map_drive(letters[i], roots[i]);
    }
    write_file(path_in(dir_c, "Backup/HVBS/backup.cmd"), script);

    expect_success(run_sample_in(NULL, "03_ridercz_hyperv_backup.dsh"));
    CU_ASSERT(output_has("-> %drive_e% = {"));
    CU_ASSERT_STRING_EQUAL(content(path_in(copies, "vm-c.vhd")), "vm-c.vhd");
    CU_ASSERT_STRING_EQUAL(content(path_in(copies, "vm-d.vhd")), "vm-d.vhd");
    CU_ASSERT_STRING_EQUAL(content(path_in(copies, "vm-e.vhd")), "vm-e.vhd");
    /* three persistent shadow copies stay, none exposed any more */
    CU_ASSERT_EQUAL(count_shadows(), 3);
    CU_ASSERT(!mounted_below(path_in(dir_c, "Backup")));
    CU_ASSERT_EQUAL(vssadmin_list(), 0);
    CU_ASSERT_PTR_NULL(strstr(listing, "Exposed Name"));
    CU_ASSERT(listing_has("(E:)"));
    expect_not_frozen();
}

/* --- bad scripts (VSS-FACTS.md §6.1 "Error in script") ------------------------------------ */

/* After a failed script: nothing frozen, no auto-release shadow copy, no exposure. */
static void expect_clean_after_failure(int status)
{
    if (!status) printf("\ndiskshadow succeeded on a bad script:\n%s\n", out);
    CU_ASSERT_NOT_EQUAL(status, 0);
    expect_not_frozen();
    CU_ASSERT_EQUAL(count_shadows(), 0);
    CU_ASSERT(!drive_mapped('p'));
}

static void test_unknown_command(void)
{
    map_drive('c', btrfs->mnt);
    expect_clean_after_failure(run_text("unknown.dsh",
                                        "set context volatile\n"
                                        "add volume c:\n"
                                        "create\n"
                                        "frobnicate the volume\n"
                                        "list shadows all\n"));
    /* the command list, and the script stopped there */
    CU_ASSERT(output_has("HELP <command> or <command> /? shows the syntax of a command."));
    CU_ASSERT(!strstr(out, "-> list shadows all"));
}

static void test_missing_argument(void)
{
    map_drive('c', btrfs->mnt);
    expect_clean_after_failure(run_text("missing.dsh",
                                        "set context volatile\n"
                                        "add volume c: alias mine\n"
                                        "create\n"
                                        "expose\n"));
    /* §6.2: a command without its required parameters prints its help */
    CU_ASSERT(output_has("EXPOSE <shadow id> { <drive>: | <share> | <mount point> }"));

    expect_clean_after_failure(run_text("missing2.dsh", "add volume\ncreate\n"));
    CU_ASSERT(output_has("ADD VOLUME <volume> [ PROVIDER <provider id> ] [ ALIAS <name> ]"));
    CU_ASSERT(!strstr(out, "-> create"));
}

static void test_undefined_alias(void)
{
    map_drive('c', btrfs->mnt);
    expect_clean_after_failure(run_text("alias.dsh",
                                        "set context volatile\n"
                                        "add volume c: alias mine\n"
                                        "create\n"
                                        "expose %notmine% p:\n"));
    CU_ASSERT(output_has("\"%notmine%\" is neither a shadow copy ID nor a defined alias."));
}

static void test_exec_failure(void)
{
    const char *cmd = path_in(btrfs->mnt, "fails.cmd");

    map_drive('c', btrfs->mnt);
    write_file(cmd, "#!/bin/sh\necho copying\nexit 3\n");
    CU_ASSERT_EQUAL(chmod(cmd, 0755), 0);
    expect_clean_after_failure(run_text("exec.dsh",
                                        "set context volatile\n"
                                        "add volume c: alias mine\n"
                                        "create\n"
                                        "expose %mine% p:\n"
                                        "exec c:\\fails.cmd\n"
                                        "list shadows all\n"));
    /* output/01: the exit code, then the script ends */
    CU_ASSERT(output_has("The command script returned failure exit code 3.\nThe command script failed."));
    CU_ASSERT(!strstr(out, "-> list shadows all"));

    /* a file that is not there at all */
    expect_clean_after_failure(run_text("exec2.dsh", "exec c:\\no-such.cmd\n"));
    CU_ASSERT(output_has("The command script failed."));
}

/* A script whose file ends in the middle of a line inside BEGIN BACKUP (a copy
 * cut short): the writer was frozen and thawed but is never told
 * BackupComplete, and diskshadow says so (§6.1 "Exit at end"). */
static void test_cut_off_in_backup(void)
{
    pid_t writer;

    map_drive('c', btrfs->mnt);
    CU_ASSERT_FATAL((writer = start_writer(path_in(btrfs->mnt, "wdata"))) > 0);
    expect_clean_after_failure(run_text("cut.dsh",
                                        "set context volatile\n"
                                        "begin backup\n"
                                        "add volume c: alias cut\n"
                                        "create\n"
                                        "expose %cut% p:\n"
                                        "end bac"));
    CU_ASSERT(output_has("Note: END BACKUP was not commanded, writers not notified BackupComplete."));
    CU_ASSERT(output_has("DiskShadow is exiting."));
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Freeze"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer Thaw"), 1);
    CU_ASSERT_EQUAL(log_count("Umbra Test Writer BackupComplete"), 0);
    CU_ASSERT_EQUAL(wp_stop(writer), 0);
}

/* --- suite ----------------------------------------------------------------------------- */

static int suite_init(void)
{
    const char *tmp = umbra_test_tmpdir();
    char path[PATH_MAX];

    if (umbra_require_root()) return -1;
    snprintf(tmp_dir, sizeof(tmp_dir), "%s", tmp);
    snprintf(path, sizeof(path), "%s/config", tmp); setenv("VSS_CONFIG_DIR", path, 1);
    snprintf(dosdevices, sizeof(dosdevices), "%s/dosdevices", path);
    mkdirs(dosdevices);
    snprintf(path, sizeof(path), "%s/run", tmp); setenv("VSS_RUNTIME_DIR", path, 1);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/state", tmp); setenv("VSS_STATE_DIR", path, 1);
    unsetenv("VSS_WAIT_FOR_SET");
    config_reload();
    snprintf(dir_c, sizeof(dir_c), "%s/volume-c", tmp);
    snprintf(dir_d, sizeof(dir_d), "%s/volume-d", tmp);
    mkdirs(dir_c);
    mkdirs(dir_d);
    if (!fsfixture_tools_available("btrfs"))
    {
        fprintf(stderr, "mkfs.btrfs or losetup missing (tools/install-deps)\n");
        return -1;
    }
    if (!(btrfs = fsfixture_create("btrfs", 256, NULL, NULL))) return -1;
    return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? -1 : 0;
}

static int suite_cleanup(void)
{
    snapshots_delete_all();
    unmap_all();
    fsfixture_destroy(btrfs);
    CoUninitialize();
    return 0;
}

/* Each test: a fresh writer log; afterwards its shadow copies and letters go. */
#define CLEAN(fn) static void fn##_clean(void) \
    { \
        static int n; \
        snprintf(log_path, sizeof(log_path), "%s/%s-%d.log", tmp_dir, #fn, ++n); \
        fn(); \
        snapshots_delete_all(); \
        unmap_all(); \
    }
CLEAN(test_doc_example_directories)
CLEAN(test_doc_example_btrfs)
CLEAN(test_sample_30_31)
CLEAN(test_sample_17_18)
CLEAN(test_sample_19_20)
CLEAN(test_sample_21_22)
CLEAN(test_sample_01)
CLEAN(test_sample_03)
CLEAN(test_unknown_command)
CLEAN(test_missing_argument)
CLEAN(test_undefined_alias)
CLEAN(test_exec_failure)
CLEAN(test_cut_off_in_backup)

static CU_TestInfo diskshadow_tests[] =
{
    { "§6.4 documentation example on two directory volumes", test_doc_example_directories_clean },
    { "§6.4 documentation example on btrfs and a directory volume", test_doc_example_btrfs_clean },
    { "samples 30+31: create, expose z:, delete shadows volume df", test_sample_30_31_clean },
    { "samples 17+18: writer backup exposed at a folder, deleted by it", test_sample_17_18_clean },
    { "samples 19+20: two volumes exposed at Z: Y:, deleted by letter", test_sample_19_20_clean },
    { "samples 21+22: volatile backup with a writer, gone at exit", test_sample_21_22_clean },
    { "sample 01: EXEC of a relative .cmd, unexpose, delete by alias", test_sample_01_clean },
    { "sample 03: three volumes exposed at folders, EXEC, unexpose", test_sample_03_clean },
    { "bad script: unknown command", test_unknown_command_clean },
    { "bad script: missing argument", test_missing_argument_clean },
    { "bad script: undefined alias", test_undefined_alias_clean },
    { "bad script: EXEC of a failing command", test_exec_failure_clean },
    { "bad script: cut off inside BEGIN BACKUP", test_cut_off_in_backup_clean },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(diskshadow, suite_init, suite_cleanup, diskshadow_tests);
