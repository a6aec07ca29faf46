/*
 * cab.c: SET METADATA, LOAD METADATA and the cabinet CREATE writes
 * (VSS-FACTS.md §4.4), with libgcab.
 *
 * Members, in Windows' order: Manifest.xml (UTF-16LE, no BOM), BCDocument.xml
 * (only when writers took part: without them there is no BCD, output/03),
 * WM0.xml ... (every writer whose metadata was gathered), Dis<hex>.tmp (the
 * session's output so far).  Reading bounds every member's size and count
 * before anything is decompressed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "umbra/debug.h"
#include "cab.h"
#include "script.h"

/* glib spells TRUE and FALSE its own way; same values */
#undef TRUE
#undef FALSE
#include <libgcab.h>

/* --- helpers ----------------------------------------------------------------------------- */

/* "meta.cab" of "C:\Windows\Temp\meta.cab", as the Inserted lines name it. */
static const char *cab_display_name(const char *path)
{
    const char *base = path, *p;

    for (p = path; *p; p++) if (*p == '\\' || *p == '/') base = p + 1;
    return base;
}

/* UTF-8 to UTF-16LE bytes, no BOM. */
static GBytes *utf16le_bytes(const char *text)
{
    WCHAR *w = ds_wcs(text);
    unsigned char *out;
    size_t i, n = 0, len;

    if (!w) return NULL;
    for (len = 0; w[len]; len++) {}
    if (!(out = malloc(len * 4 + 1)))
    {
        free(w);
        return NULL;
    }
    for (i = 0; i < len; i++)
    {
        unsigned int cp = (unsigned int)w[i];
        if (cp >= 0x10000)
        {
            unsigned int hi = 0xd800 + ((cp - 0x10000) >> 10), lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
            out[n++] = hi & 0xff; out[n++] = hi >> 8;
            out[n++] = lo & 0xff; out[n++] = lo >> 8;
        }
        else
        {
            out[n++] = cp & 0xff;
            out[n++] = cp >> 8;
        }
    }
    free(w);
    return g_bytes_new_take(out, n);
}

static char *machine_name(void)
{
    char host[256], *dot, *p;

    if (gethostname(host, sizeof(host)) < 0) strcpy(host, "localhost");
    host[sizeof(host) - 1] = 0;
    if ((dot = strchr(host, '.'))) *dot = 0;
    /* a Windows computer name is upper case */
    for (p = host; *p; p++) *p = (char)toupper((unsigned char)*p);
    return strdup(host);
}

static enum ds_status cab_failed(struct ds_session *s, GError *error, HRESULT hr, const char *what)
{
    WARN("%s: %s\n", what, error ? error->message : "failed");
    if (error) g_error_free(error);
    return ds_vss_failed(s, hr, what);
}

/* --- SET METADATA --------------------------------------------------------------------------- */

enum ds_status ds_cmd_set_metadata(struct ds_session *s, const struct ds_command *cmd)
{
    char *posix = ds_posix_path(cmd->arg[0]), *copy;
    struct stat st;

    if (posix && !stat(posix, &st) && S_ISREG(st.st_mode)) ds_print_metadata_overwrite(s->out);
    free(posix);
    if (!(copy = strdup(cmd->arg[0]))) return ds_vss_failed(s, E_OUTOFMEMORY, "SET METADATA");
    free(s->metadata);
    s->metadata = copy;
    return DS_OK;
}

/* --- writing ------------------------------------------------------------------------------------ */

struct member
{
    char *name;
    GBytes *bytes;
};

static int add_member(struct member *list, size_t *n, const char *name, GBytes *bytes)
{
    if (!bytes || !(list[*n].name = strdup(name)))
    {
        if (bytes) g_bytes_unref(bytes);
        return -ENOMEM;
    }
    list[*n].bytes = bytes;
    (*n)++;
    return 0;
}

static char *build_manifest(struct ds_session *s, const struct ds_writer_md *writers, size_t nwriters,
                            const char *bcd_file, const char *logfile)
{
    struct ds_manifest m;
    char **values = NULL, *text = NULL, wm[32];
    size_t i;

    memset(&m, 0, sizeof(m));
    m.set_id = s->set_id;
    m.bcd_file = (char *)bcd_file;
    m.logfile = (char *)logfile;
    m.shadows = calloc(s->nvolumes + 1, sizeof(*m.shadows));
    m.alias_names = s->aliases;
    m.alias_values = values = calloc(s->naliases + 1, sizeof(*values));
    m.writer_names = calloc(nwriters + 1, sizeof(char *));
    m.writer_files = calloc(nwriters + 1, sizeof(char *));
    m.machine = machine_name();
    if (!m.shadows || !values || !m.writer_names || !m.writer_files || !m.machine) goto done;

    for (i = 0; i < s->nvolumes; i++)
    {
        char id[DS_GUID_CHARS];
        const char *alias = ds_alias_for_value(s, ds_format_guid(id, &s->volumes[i].snapshot_id));
        m.shadows[i].id = s->volumes[i].snapshot_id;
        m.shadows[i].alias = (char *)(alias ? alias : "");
        if (ds_is_drive_letter(s->volumes[i].name))
        {
            /* "C:\" as the sample manifest has it */
            char drive[4] = { (char)toupper((unsigned char)s->volumes[i].name[0]), ':', '\\', 0 };
            m.shadows[i].original_volume = strdup(drive);
        }
        else m.shadows[i].original_volume = strdup(s->volumes[i].name);
        if (!m.shadows[i].original_volume) goto done;
        m.shadows[i].provider = s->volumes[i].provider;
        m.nshadows++;
    }
    for (i = 0; i < s->naliases; i++)
    {
        const char *v = ds_lookup_environ(NULL, s->aliases[i]);
        values[i] = (char *)(v ? v : "");
    }
    m.naliases = s->naliases;
    for (i = 0; i < nwriters; i++)
    {
        snprintf(wm, sizeof(wm), "WM%u.xml", (unsigned int)i);
        m.writer_names[i] = writers[i].name;
        if (!(m.writer_files[i] = strdup(wm))) goto done;
        m.nwriters++;
    }
    text = ds_manifest_build(&m);

done:
    for (i = 0; i < m.nshadows; i++) free(m.shadows[i].original_volume);
    for (i = 0; i < m.nwriters; i++) free(m.writer_files[i]);
    free(m.shadows);
    free(values);
    free(m.writer_names);
    free(m.writer_files);
    free(m.machine);
    return text;
}

enum ds_status ds_metadata_write(struct ds_session *s, const struct ds_writer_md *writers, size_t nwriters)
{
    struct member *members = calloc(nwriters + 4, sizeof(*members));
    char logname[16], wm[32], *manifest = NULL, *bcd = NULL, *posix = NULL;
    GCabCabinet *cab = NULL;
    GCabFolder *folder = NULL;
    GFile *file = NULL;
    GFileOutputStream *stream = NULL;
    GError *error = NULL;
    enum ds_status status = DS_OK;
    size_t n = 0, i;
    HRESULT hr;

    if (!members) return ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
    snprintf(logname, sizeof(logname), "Dis%04X.tmp", (unsigned int)(getpid() & 0xffff));

    if (s->writers_involved)
    {
        BSTR xml = NULL;
        if (FAILED(hr = IVssBackupComponents_SaveAsXML(s->backup, &xml)))
        {
            status = ds_vss_failed(s, hr, "SaveAsXML");
            goto done;
        }
        bcd = ds_utf8(xml);
        if (xml) s->api->sys_free_string(xml);
    }
    if (!(manifest = build_manifest(s, writers, s->writers_involved ? nwriters : 0, bcd ? "BCDocument.xml" : NULL,
                                    logname))
        || add_member(members, &n, "Manifest.xml", utf16le_bytes(manifest))
        || (bcd && add_member(members, &n, "BCDocument.xml", g_bytes_new(bcd, strlen(bcd)))))
    {
        status = ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
        goto done;
    }
    for (i = 0; s->writers_involved && i < nwriters; i++)
    {
        const char *xml = writers[i].xml ? writers[i].xml : "";
        snprintf(wm, sizeof(wm), "WM%u.xml", (unsigned int)i);
        if (add_member(members, &n, wm, g_bytes_new(xml, strlen(xml))))
        {
            status = ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
            goto done;
        }
    }
    ds_out_flush(s->out);
    if (add_member(members, &n, logname, g_bytes_new(s->record ? s->record : "", s->record ? s->record_len : 0)))
    {
        status = ds_vss_failed(s, E_OUTOFMEMORY, "metadata");
        goto done;
    }

    cab = gcab_cabinet_new();
    folder = gcab_folder_new(GCAB_COMPRESSION_MSZIP);
    for (i = 0; i < n; i++)
    {
        GCabFile *f = gcab_file_new_with_bytes(members[i].name, members[i].bytes);
        gboolean ok = gcab_folder_add_file(folder, f, FALSE, NULL, &error);
        g_object_unref(f);
        if (!ok)
        {
            status = cab_failed(s, error, E_FAIL, "gcab_folder_add_file");
            goto done;
        }
    }
    if (!gcab_cabinet_add_folder(cab, folder, &error))
    {
        status = cab_failed(s, error, E_FAIL, "gcab_cabinet_add_folder");
        goto done;
    }
    if (!(posix = ds_posix_path(s->metadata)))
    {
        status = ds_vss_failed(s, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), "SET METADATA path");
        goto done;
    }
    file = g_file_new_for_path(posix);
    if (!(stream = g_file_replace(file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error)))
    {
        status = cab_failed(s, error, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), "g_file_replace");
        goto done;
    }
    if (!gcab_cabinet_write_simple(cab, G_OUTPUT_STREAM(stream), NULL, NULL, NULL, &error)
        || !g_output_stream_close(G_OUTPUT_STREAM(stream), NULL, &error))
    {
        status = cab_failed(s, error, HRESULT_FROM_WIN32(ERROR_WRITE_FAULT), "gcab_cabinet_write_simple");
        goto done;
    }
    if (s->verbose)
        for (i = 0; i < n; i++) ds_print_cab_inserted(s->out, members[i].name, cab_display_name(s->metadata));

done:
    for (i = 0; i < n; i++)
    {
        free(members[i].name);
        g_bytes_unref(members[i].bytes);
    }
    free(members);
    free(manifest);
    free(bcd);
    free(posix);
    if (stream) g_object_unref(stream);
    if (file) g_object_unref(file);
    if (folder) g_object_unref(folder);
    if (cab) g_object_unref(cab);
    return status;
}

/* --- reading ---------------------------------------------------------------------------------------- */

void ds_metadata_free(struct ds_metadata *md)
{
    size_t i;

    if (!md) return;
    free(md->path);
    ds_manifest_free(&md->manifest);
    free(md->bcd);
    for (i = 0; i < md->nwmd; i++) free(md->wmd[i]);
    free(md->wmd);
    free(md);
}

static gboolean extract_member(GCabFile *file, gpointer data)
{
    (void)file;
    (void)data;
    return TRUE;
}

/* Text of a member (UTF-16 recognised by its shape, UTF-8 otherwise), or NULL. */
static char *member_text(GCabFile *file)
{
    GBytes *bytes = gcab_file_get_bytes(file);
    struct ds_script decoded;
    const char *data;
    gsize size = 0;
    char *text, *o;
    size_t i, len = 0;

    if (!bytes) return NULL;
    data = g_bytes_get_data(bytes, &size);
    if (size >= 2 && data[1] == 0 && data[0] != 0)
    {
        /* Manifest.xml: UTF-16LE without BOM; reuse the script decoder */
        if (size > DS_SCRIPT_MAX_BYTES || ds_script_decode(data, size, &decoded, NULL)) return NULL;
        for (i = 0; i < decoded.count; i++) len += strlen(decoded.lines[i]) + 1;
        if ((text = o = malloc(len + 1)))
        {
            for (i = 0; i < decoded.count; i++)
                o += sprintf(o, "%s%s", decoded.lines[i], i + 1 < decoded.count ? "\n" : "");
            *o = 0;
        }
        ds_script_free(&decoded);
        return text;
    }
    if ((text = malloc(size + 1)))
    {
        memcpy(text, data, size);
        text[size] = 0;
    }
    return text;
}

static GCabFile *find_member(GPtrArray *folders, const char *name)
{
    const char *base = cab_display_name(name);
    guint i;

    for (i = 0; folders && i < folders->len; i++)
    {
        GSList *files = gcab_folder_get_files(g_ptr_array_index(folders, i)), *l;
        GCabFile *found = NULL;
        for (l = files; l && !found; l = l->next)
            if (!strcasecmp(gcab_file_get_name(l->data), base)) found = l->data;
        g_slist_free(files);
        if (found) return found;
    }
    return NULL;
}

/* Size and count checks before anything is decompressed. */
static int cabinet_within_limits(GPtrArray *folders)
{
    size_t members = 0;
    guint i;

    for (i = 0; folders && i < folders->len; i++)
    {
        GSList *files = gcab_folder_get_files(g_ptr_array_index(folders, i)), *l;
        int ok = 1;
        for (l = files; l; l = l->next)
            if (++members > DS_CAB_MAX_MEMBERS || gcab_file_get_size(l->data) > DS_CAB_MAX_MEMBER) ok = 0;
        g_slist_free(files);
        if (!ok) return 0;
    }
    return 1;
}

enum ds_status ds_cmd_load_metadata(struct ds_session *s, const struct ds_command *cmd)
{
    struct ds_metadata *md = calloc(1, sizeof(*md));
    GCabCabinet *cab = NULL;
    GFile *file = NULL;
    GFileInputStream *stream = NULL;
    GError *error = NULL;
    GPtrArray *folders;
    GCabFile *member;
    enum ds_status status = DS_OK;
    char *text = NULL;
    size_t i;

    if (!md) return ds_vss_failed(s, E_OUTOFMEMORY, "LOAD METADATA");
    if (!(md->path = ds_posix_path(cmd->arg[0])))
    {
        status = ds_vss_failed(s, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), "LOAD METADATA");
        goto done;
    }
    file = g_file_new_for_path(md->path);
    if (!(stream = g_file_read(file, NULL, &error)))
    {
        status = cab_failed(s, error, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), "LOAD METADATA");
        goto done;
    }
    cab = gcab_cabinet_new();
    if (!gcab_cabinet_load(cab, G_INPUT_STREAM(stream), NULL, &error))
    {
        status = cab_failed(s, error, VSS_E_CORRUPT_XML_DOCUMENT, "gcab_cabinet_load");
        goto done;
    }
    folders = gcab_cabinet_get_folders(cab);
    if (!cabinet_within_limits(folders))
    {
        status = ds_vss_failed(s, VSS_E_INVALID_XML_DOCUMENT, "LOAD METADATA (cabinet too large)");
        goto done;
    }
    /* no path: the members are decompressed into memory */
    if (!gcab_cabinet_extract_simple(cab, NULL, extract_member, NULL, NULL, &error))
    {
        status = cab_failed(s, error, VSS_E_CORRUPT_XML_DOCUMENT, "gcab_cabinet_extract_simple");
        goto done;
    }
    if (!(member = find_member(folders, "Manifest.xml")) || !(text = member_text(member))
        || ds_manifest_parse(text, &md->manifest))
    {
        status = ds_vss_failed(s, VSS_E_INVALID_XML_DOCUMENT, "Manifest.xml");
        goto done;
    }
    if (md->manifest.bcd_file && (member = find_member(folders, md->manifest.bcd_file)))
        md->bcd = member_text(member);
    if (md->manifest.nwriters && !(md->wmd = calloc(md->manifest.nwriters, sizeof(*md->wmd))))
    {
        status = ds_vss_failed(s, E_OUTOFMEMORY, "LOAD METADATA");
        goto done;
    }
    for (i = 0; i < md->manifest.nwriters; i++)
    {
        /* Windows names the file by its temporary path; the member has its base name */
        if ((member = find_member(folders, md->manifest.writer_files[i]))) md->wmd[md->nwmd] = member_text(member);
        md->nwmd++;
    }
    /* the aliases come back (VSS-FACTS.md §6.1 "Alias timing") */
    for (i = 0; i < md->manifest.naliases; i++)
    {
        GUID id;
        if (ds_alias_define(s, md->manifest.alias_names[i], md->manifest.alias_values[i])) continue;
        if (ds_parse_guid(md->manifest.alias_values[i], &id)) continue;
        if (!strcasecmp(md->manifest.alias_names[i], "VSS_SHADOW_SET")) ds_print_set_alias_set(s->out, &id);
        else ds_print_alias_set(s->out, md->manifest.alias_names[i], &id);
    }
    ds_metadata_free(s->loaded);
    s->loaded = md;
    md = NULL;

done:
    free(text);
    ds_metadata_free(md);
    if (stream) g_object_unref(stream);
    if (file) g_object_unref(file);
    if (cab) g_object_unref(cab);
    return status;
}
