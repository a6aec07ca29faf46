/*
 * service_writer.c: the VSS side of the in-box writers (service_writer.h):
 * the callback table every writer instance runs on, the choice of VSS
 * failure codes, and the process around the instances (command line,
 * configuration, readiness, signals).
 *
 * Not for: talking to a service (postgresql/, mariadb/, sqlite/).
 */
#define COBJMACROS
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsserror.h>
#include "umbra/debug.h"
#include "service_writer.h"
#include "wtext.h"

#define MAX_INSTANCES 64
#define MAX_FREEZE_TIMEOUT 3600     /* seconds; Windows writers stay far below */

/* --- layouts --------------------------------------------------------------------- */

static int files_add(struct service_files **list, unsigned int *count, const char *path, const char *filespec,
                     bool recursive)
{
    struct service_files *grown, *f;

    for (unsigned int i = 0; i < *count; i++)
        if (!strcmp((*list)[i].path, path) && !strcmp((*list)[i].filespec, filespec)
            && (*list)[i].recursive == recursive)
            return 0;
    if (!(grown = realloc(*list, (*count + 1) * sizeof(*grown)))) return -ENOMEM;
    *list = grown;
    f = &grown[*count];
    f->path = strdup(path);
    f->filespec = strdup(filespec);
    f->recursive = recursive;
    if (!f->path || !f->filespec)
    {
        free(f->path);
        free(f->filespec);
        return -ENOMEM;
    }
    (*count)++;
    return 0;
}

int layout_include(struct service_layout *layout, const char *path, const char *filespec, bool recursive)
{
    layout->known = true;
    return files_add(&layout->include, &layout->n_include, path, filespec, recursive);
}

int layout_exclude(struct service_layout *layout, const char *path, const char *filespec, bool recursive)
{
    return files_add(&layout->exclude, &layout->n_exclude, path, filespec, recursive);
}

static void files_free(struct service_files *list, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
    {
        free(list[i].path);
        free(list[i].filespec);
    }
    free(list);
}

void layout_clear(struct service_layout *layout)
{
    files_free(layout->include, layout->n_include);
    files_free(layout->exclude, layout->n_exclude);
    free(layout->caption);
    memset(layout, 0, sizeof(*layout));
}

/* --- messages ---------------------------------------------------------------------- */

void service_log(const struct service_instance *inst, const char *fmt, ...)
{
    char line[2048];
    va_list args;
    int len;

    len = snprintf(line, sizeof(line), "%s[%s]: ", inst->cls->program, inst->name);
    if (len < 0 || (size_t)len >= sizeof(line)) return;
    va_start(args, fmt);
    vsnprintf(line + len, sizeof(line) - len, fmt, args);
    va_end(args);
    /* one write per line, so instances logging at once do not interleave */
    fprintf(stderr, "%s\n", line);
}

void service_error(struct service_instance *inst, const char *fmt, ...)
{
    char text[sizeof(inst->error)], *o = inst->error;
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    /* one line for the log and the requester: service messages come with
     * newlines and tabs of their own */
    for (const char *p = text; *p; p++)
    {
        bool space = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';

        if (space && (o == inst->error || o[-1] == ' ')) continue;
        *o++ = space ? ' ' : *p;
    }
    while (o > inst->error && o[-1] == ' ') o--;
    *o = 0;
}

static void guid_text(const GUID *g, char *buf, size_t size)
{
    snprintf(buf, size, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned int)g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6],
             g->Data4[7]);
}

void service_backup_label(const struct service_instance *inst, char *buf, size_t size)
{
    char set[64];

    guid_text(&inst->snapshot_set, set, sizeof(set));
    snprintf(buf, size, "vss %s", set);
}

/* --- failures ------------------------------------------------------------------------ */

/* The one table from an operation's errno to the writer failure a requester
 * sees (VSS-FACTS.md §3.1: RETRYABLE is a transient error, NONRETRYABLE one
 * that would recur) and to the application HRESULT beside it. */
static HRESULT failure_hr(int err, HRESULT *app)
{
    switch (-err)
    {
    case ECONNREFUSED:
    case ECONNRESET:
    case ESHUTDOWN:
        *app = HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
        return VSS_E_WRITERERROR_RETRYABLE;
    case EAGAIN:
        *app = HRESULT_FROM_WIN32(ERROR_NOT_READY);
        return VSS_E_WRITERERROR_RETRYABLE;
    case ETIMEDOUT:
        *app = HRESULT_FROM_WIN32(ERROR_TIMEOUT);
        return VSS_E_WRITERERROR_RETRYABLE;
    case EBUSY:
        *app = HRESULT_FROM_WIN32(ERROR_BUSY);
        return VSS_E_WRITERERROR_RETRYABLE;
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case EUSERS:
        *app = E_OUTOFMEMORY;
        return VSS_E_WRITERERROR_OUTOFRESOURCES;
    case ENOSPC:
        *app = HRESULT_FROM_WIN32(ERROR_DISK_FULL);
        return VSS_E_WRITERERROR_OUTOFRESOURCES;
    case EXDEV:
        *app = HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
        return VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT;
    case EACCES:
    case EPERM:
        *app = E_ACCESSDENIED;
        return VSS_E_WRITERERROR_NONRETRYABLE;
    case ENOENT:
        *app = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
        return VSS_E_WRITERERROR_NONRETRYABLE;
    case ENOTSUP:
        *app = HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
        return VSS_E_WRITERERROR_NONRETRYABLE;
    case EINVAL:
        *app = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
        return VSS_E_WRITERERROR_NONRETRYABLE;
    default:
        *app = E_FAIL;
        return VSS_E_WRITERERROR_NONRETRYABLE;
    }
}

static const char *failure_name(HRESULT hr)
{
    switch (hr)
    {
    case VSS_E_WRITERERROR_RETRYABLE: return "VSS_E_WRITERERROR_RETRYABLE";
    case VSS_E_WRITERERROR_NONRETRYABLE: return "VSS_E_WRITERERROR_NONRETRYABLE";
    case VSS_E_WRITERERROR_OUTOFRESOURCES: return "VSS_E_WRITERERROR_OUTOFRESOURCES";
    case VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT: return "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT";
    default: return "?";
    }
}

/* Report a failed operation to the requester: the handler then returns false. */
static bool fail(struct service_instance *inst, int err, const char *event)
{
    HRESULT app, hr = failure_hr(err, &app);
    WCHAR *message;

    if (!inst->error[0]) service_error(inst, "%s", strerror(-err));
    message = wtext_from_utf8(inst->error);
    IVssWriterImpl_SetWriterFailureEx(inst->impl, hr, app, message);
    free(message);
    service_log(inst, "%s failed: %s (%s)", event, inst->error, failure_name(hr));
    return false;
}

/* --- the backup in progress ------------------------------------------------------------ */

static void end_backup(struct service_instance *inst)
{
    /* also after Thaw: a session kept for PostSnapshot that never came */
    inst->cls->abort(inst);
    if (inst->held) service_log(inst, "released");
    inst->held = false;
    inst->involved = false;
    inst->thawed = false;
}

static bool path_affected(struct service_instance *inst, const char *path)
{
    WCHAR *w = wtext_from_utf8(path);
    bool ret = w && IVssWriterImpl_IsPathAffected(inst->impl, w);

    free(w);
    return ret;
}

/* How many of the component's directories are on volumes of the set; the
 * first one that is not, in *missing. */
static unsigned int affected_count(struct service_instance *inst, const char **missing)
{
    unsigned int n = 0;

    *missing = NULL;
    for (unsigned int i = 0; i < inst->layout.n_include; i++)
    {
        if (path_affected(inst, inst->layout.include[i].path)) n++;
        else if (!*missing) *missing = inst->layout.include[i].path;
    }
    return n;
}

/* This instance's component in a writer components document, or NULL. */
static IVssComponent *find_component(struct service_instance *inst, IVssWriterComponents *components)
{
    IVssComponent *found = NULL;
    UINT count = 0;

    if (!components || FAILED(IVssWriterComponents_GetComponentCount(components, &count))) return NULL;
    for (UINT i = 0; i < count && !found; i++)
    {
        IVssComponent *comp;
        BSTR name = NULL, path = NULL;
        char *uname;

        if (FAILED(IVssWriterComponents_GetComponent(components, i, &comp))) continue;
        IVssComponent_GetComponentName(comp, &name);
        IVssComponent_GetLogicalPath(comp, &path);
        uname = wtext_to_utf8(name);
        if (uname && !strcmp(uname, inst->name) && (!path || !path[0])) found = comp;
        else IVssComponent_Release(comp);
        free(uname);
        SysFreeString(name);
        SysFreeString(path);
    }
    return found;
}

static void describe(struct service_instance *inst)
{
    struct service_layout fresh;
    int ret;

    memset(&fresh, 0, sizeof(fresh));
    inst->error[0] = 0;
    if ((ret = inst->cls->describe(inst, &fresh)) || !fresh.known)
    {
        /* the service may be down: keep what it said last time */
        if (ret) service_log(inst, "cannot describe the files: %s%s", inst->error[0] ? inst->error : strerror(-ret),
                             inst->layout.known ? " (describing them as last seen)" : "");
        layout_clear(&fresh);
        return;
    }
    layout_clear(&inst->layout);
    inst->layout = fresh;
}

/* --- the events ------------------------------------------------------------------------ */

static bool add_files(IVssCreateWriterMetadata *metadata, const WCHAR *component, const struct service_files *f,
                      bool include)
{
    WCHAR *path = wtext_from_utf8(f->path), *spec = wtext_from_utf8(f->filespec);
    HRESULT hr = E_OUTOFMEMORY;

    if (path && spec)
    {
        if (include)
            hr = IVssCreateWriterMetadata_AddFilesToFileGroup(metadata, NULL, component, path, spec, f->recursive, NULL,
                                                              VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED);
        else hr = IVssCreateWriterMetadata_AddExcludeFiles(metadata, path, spec, f->recursive);
    }
    free(path);
    free(spec);
    return SUCCEEDED(hr);
}

static bool on_identify(void *ctx, IVssCreateWriterMetadata *metadata)
{
    struct service_instance *inst = ctx;
    WCHAR *name = NULL, *caption = NULL, *service = NULL;
    bool ok = false;

    describe(inst);
    if (!inst->layout.known) return true;   /* nothing known yet: an instance without component */
    name = wtext_from_utf8(inst->name);
    caption = wtext_from_utf8(inst->layout.caption ? inst->layout.caption : inst->name);
    service = inst->service ? wtext_from_utf8(inst->service) : NULL;
    if (!name || !caption || (inst->service && !service)) goto done;
    for (unsigned int i = 0; i < inst->layout.n_exclude; i++)
        if (!add_files(metadata, name, &inst->layout.exclude[i], false)) goto done;
    /* the backup metadata is what a restore needs: restore metadata = true */
    if (FAILED(IVssCreateWriterMetadata_AddComponent(metadata, VSS_CT_FILEGROUP, NULL, name, caption, NULL, 0, true,
                                                     false, true, true, 0)))
        goto done;
    for (unsigned int i = 0; i < inst->layout.n_include; i++)
        if (!add_files(metadata, name, &inst->layout.include[i], true)) goto done;
    /* stopping and starting needs a service to name; without one, replacing files is what is left */
    if (FAILED(IVssCreateWriterMetadata_SetRestoreMethod(metadata,
                                                         service || inst->cls->restore_method != VSS_RME_STOP_RESTORE_START
                                                         ? inst->cls->restore_method : VSS_RME_RESTORE_IF_CAN_REPLACE,
                                                         service, NULL, VSS_WRE_NEVER, false)))
        goto done;
    ok = true;

done:
    if (!ok) service_log(inst, "Identify: cannot fill in the writer metadata");
    free(name);
    free(caption);
    free(service);
    return ok;
}

static bool on_prepare_backup(void *ctx, IVssWriterComponents *components)
{
    struct service_instance *inst = ctx;
    IVssComponent *comp;
    const char *missing;
    int ret;

    end_backup(inst);
    inst->prepared_backup = true;
    inst->error[0] = 0;
    if (!IVssWriterImpl_AreComponentsSelected(inst->impl)) inst->selection = SELECTION_ALL;
    else if ((comp = find_component(inst, components)))
    {
        inst->selection = SELECTION_YES;
        IVssComponent_Release(comp);
    }
    else inst->selection = SELECTION_NO;

    if (inst->selection == SELECTION_NO) return true;
    if (inst->selection == SELECTION_ALL && !affected_count(inst, &missing)) return true;
    /* the service must be there now, so the backup goes on without this component if it is not */
    if ((ret = inst->cls->check(inst))) return fail(inst, ret, "PrepareBackup");
    return true;
}

static bool on_prepare_snapshot(void *ctx)
{
    struct service_instance *inst = ctx;
    const char *missing;
    unsigned int affected;
    int ret;

    end_backup(inst);
    inst->error[0] = 0;
    /* DoSnapshotSet without PrepareForBackup: every instance whose files are in the set */
    if (!inst->prepared_backup) inst->selection = SELECTION_ALL;
    inst->prepared_backup = false;
    inst->snapshot_set = IVssWriterImpl_GetCurrentSnapshotSetId(inst->impl);
    if (inst->selection == SELECTION_NO) return true;

    if (!inst->layout.known)
    {
        if (inst->selection == SELECTION_ALL) return true;
        service_error(inst, "the files of %s are not known: its service was never reached and the configuration "
                      "does not name them", inst->name);
        return fail(inst, -ENOENT, "PrepareSnapshot");
    }
    affected = affected_count(inst, &missing);
    if (!affected && inst->selection == SELECTION_ALL) return true;
    if (affected < inst->layout.n_include)
    {
        service_error(inst, "%s is not on a volume of the snapshot set", missing);
        return fail(inst, -EXDEV, "PrepareSnapshot");
    }

    inst->involved = true;
    if ((ret = inst->cls->prepare(inst)))
    {
        inst->cls->abort(inst);
        inst->involved = false;
        return fail(inst, ret, "PrepareSnapshot");
    }
    inst->held = true;
    return true;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool on_freeze(void *ctx)
{
    struct service_instance *inst = ctx;
    double start = now_ms();
    int ret;

    if (!inst->involved) return true;
    inst->error[0] = 0;
    /* on failure the set is aborted and OnAbort releases what is held */
    if ((ret = inst->cls->freeze(inst))) return fail(inst, ret, "Freeze");
    service_log(inst, "frozen (in %.1f ms)", now_ms() - start);
    return true;
}

static bool on_thaw(void *ctx)
{
    struct service_instance *inst = ctx;
    double start = now_ms();
    int ret;

    if (!inst->involved || !inst->held) return true;
    inst->error[0] = 0;
    ret = inst->cls->thaw(inst);
    if (ret)
    {
        inst->cls->abort(inst);
        inst->held = false;
        return fail(inst, ret, "Thaw");
    }
    inst->held = false;
    inst->thawed = true;
    service_log(inst, "thawed (in %.1f ms)", now_ms() - start);
    return true;
}

static bool on_post_snapshot(void *ctx, IVssWriterComponents *components)
{
    struct service_instance *inst = ctx;
    IVssComponent *comp;
    struct meta meta;
    const char *text;
    WCHAR *wtext = NULL;
    bool ok = true;
    int ret;

    if (!inst->involved || !inst->thawed) return true;
    inst->involved = inst->thawed = false;
    /* without components in the document there is nowhere to put it */
    if (!(comp = find_component(inst, components))) return true;
    inst->error[0] = 0;
    if (meta_init(&meta)) ret = -ENOMEM;
    else
    {
        meta_add(&meta, "writer", "%s 1", inst->cls->program);
        meta_add(&meta, "instance", "%s", inst->name);
        ret = inst->cls->metadata(inst, &meta);
    }
    if (!ret && (!(text = meta_text(&meta)) || !(wtext = wtext_from_utf8(text)))) ret = -ENOMEM;
    if (!ret && FAILED(IVssComponent_SetBackupMetadata(comp, wtext)))
    {
        service_error(inst, "the backup components document refused the backup metadata");
        ret = -EIO;
    }
    if (ret) ok = fail(inst, ret, "PostSnapshot");
    free(wtext);
    meta_free(&meta);
    IVssComponent_Release(comp);
    return ok;
}

static bool on_abort(void *ctx)
{
    end_backup(ctx);
    return true;
}

static bool on_backup_shutdown(void *ctx, VSS_ID set)
{
    struct service_instance *inst = ctx;

    (void)set;
    end_backup(inst);
    inst->prepared_backup = false;
    return true;
}

static const UMBRA_WRITER_CALLBACKS service_callbacks =
{
    sizeof(UMBRA_WRITER_CALLBACKS),
    on_identify,
    on_prepare_backup,
    on_prepare_snapshot,
    on_freeze,
    on_thaw,
    on_abort,
    NULL,                   /* OnBackupComplete: nothing is held after Thaw */
    on_backup_shutdown,
    NULL, NULL,             /* restores copy files; the man pages say what else to do */
    on_post_snapshot,
    NULL, NULL, NULL, NULL, NULL,
};

/* --- the process ------------------------------------------------------------------------------ */

struct options
{
    const char *config;
    int ready_fd;
    bool check;
};

static void usage(const struct service_class *cls, FILE *out)
{
    fprintf(out, "Usage: %s [--config FILE] [--check] [--ready-fd N]\n"
                 "  --config FILE  the configuration (default $VSS_CONFIG_DIR/writers/%s.conf)\n"
                 "  --check        read the configuration, describe each %s's files and exit\n"
                 "  --ready-fd N   write \"ready\\n\" to descriptor N once subscribed\n"
                 "See %s(8).\n", cls->program, cls->config_name, cls->section, cls->program);
}

static int parse_options(const struct service_class *cls, int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->ready_fd = -1;
    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i];
        char *end;

        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
        {
            usage(cls, stdout);
            exit(0);
        }
        if (!strcmp(a, "--version"))
        {
            printf("%s (Umbra)\n", cls->program);
            exit(0);
        }
        if (!strcmp(a, "--check")) { o->check = true; continue; }
        if (i + 1 >= argc) goto bad;
        if (!strcmp(a, "--config")) o->config = argv[++i];
        else if (!strcmp(a, "--ready-fd"))
        {
            long fd = strtol(argv[++i], &end, 10);
            if (*end || fd < 0 || fd > INT_MAX) goto bad;
            o->ready_fd = (int)fd;
        }
        else goto bad;
    }
    return 0;
bad:
    usage(cls, stderr);
    return -EINVAL;
}

/* $VSS_CONFIG_DIR/writers/<name>.conf, with libvssapi's default directories */
static void default_config_path(const struct service_class *cls, char *buf, size_t size)
{
    const char *dir = getenv("VSS_CONFIG_DIR"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (dir && dir[0] == '/') snprintf(buf, size, "%s/writers/%s.conf", dir, cls->config_name);
    else if (geteuid() == 0) snprintf(buf, size, "/etc/vss/writers/%s.conf", cls->config_name);
    else if (xdg && xdg[0] == '/') snprintf(buf, size, "%s/vss/writers/%s.conf", xdg, cls->config_name);
    else snprintf(buf, size, "%s/.config/vss/writers/%s.conf", home && home[0] == '/' ? home : "",
                  cls->config_name);
}

static const char *const common_keys[] = { "freeze_timeout", "os_user", "service", NULL };

static bool key_allowed(const struct service_class *cls, const char *key)
{
    for (unsigned int i = 0; common_keys[i]; i++) if (!strcmp(common_keys[i], key)) return true;
    for (unsigned int i = 0; cls->keys && cls->keys[i]; i++) if (!strcmp(cls->keys[i], key)) return true;
    return false;
}

static void instance_free(struct service_instance *inst)
{
    if (!inst) return;
    if (inst->cls->release) inst->cls->release(inst);
    layout_clear(&inst->layout);
    free(inst->name);
    free(inst->service);
    free(inst);
}

static int instance_new(const struct service_class *cls, const struct conf *conf, const struct conf_section *section,
                        unsigned int default_freeze, struct service_instance **out, char *err, size_t errsize)
{
    struct service_instance *inst = calloc(1, sizeof(*inst));
    const char *user, *service;
    int ret;

    *out = NULL;
    if (!inst) return -ENOMEM;
    inst->cls = cls;
    for (unsigned int i = 0; i < section->count; i++)
        if (!key_allowed(cls, section->entries[i].key))
        {
            snprintf(err, errsize, "%s:%u: [%s] takes no key '%s'", conf->path, section->entries[i].line,
                     section->type, section->entries[i].key);
            ret = -EINVAL;
            goto fail;
        }
    if (!section->name[0])
    {
        snprintf(err, errsize, "%s:%u: a [%s] section needs a name: [%s NAME]", conf->path, section->line,
                 section->type, section->type);
        ret = -EINVAL;
        goto fail;
    }
    if ((ret = conf_get_uint(conf, section, "freeze_timeout", default_freeze, 1, MAX_FREEZE_TIMEOUT,
                             &inst->freeze_timeout, err, errsize)))
        goto fail;
    user = conf_get(section, "os_user");
    if ((ret = run_as_init(&inst->run_as, user)))
    {
        snprintf(err, errsize, "%s: [%s %s]: no user '%s'", conf->path, section->type, section->name, user);
        goto fail;
    }
    service = conf_get(section, "service");
    if (!service) service = cls->default_service;
    if (!(inst->name = strdup(section->name)) || (service && *service && !(inst->service = strdup(service))))
    {
        ret = -ENOMEM;
        goto fail;
    }
    if ((ret = cls->configure(inst, conf, section, err, errsize))) goto fail;
    *out = inst;
    return 0;

fail:
    instance_free(inst);
    return ret;
}

static int load_instances(const struct service_class *cls, const char *path, struct service_instance **instances,
                          unsigned int *count)
{
    const char *const writer_keys[] = { "freeze_timeout", NULL };
    const struct conf_section *writer_section = NULL;
    char err[CONF_ERROR_MAX] = "";
    unsigned int default_freeze;
    struct conf *conf;
    int ret;

    *count = 0;
    if ((ret = conf_load(path, &conf, err, sizeof(err))))
    {
        fprintf(stderr, "%s: %s\n", cls->program, err);
        return ret;
    }
    for (unsigned int i = 0; i < conf->count; i++)
    {
        const struct conf_section *s = &conf->sections[i];

        if (!strcmp(s->type, "writer") && !s->name[0]) writer_section = s;
        else if (strcmp(s->type, cls->section))
        {
            snprintf(err, sizeof(err), "%s:%u: unknown section [%s%s%s] (this writer takes [writer] and [%s NAME])",
                     conf->path, s->line, s->type, s->name[0] ? " " : "", s->name, cls->section);
            ret = -EINVAL;
            goto done;
        }
    }
    if (writer_section && (ret = conf_check_keys(conf, writer_section, writer_keys, err, sizeof(err)))) goto done;
    if ((ret = conf_get_uint(conf, writer_section, "freeze_timeout", cls->default_freeze_timeout, 1,
                             MAX_FREEZE_TIMEOUT, &default_freeze, err, sizeof(err))))
        goto done;
    for (unsigned int i = 0; i < conf->count; i++)
    {
        const struct conf_section *s = &conf->sections[i];

        if (strcmp(s->type, cls->section)) continue;
        if (*count == MAX_INSTANCES)
        {
            snprintf(err, sizeof(err), "%s: more than %d [%s] sections", conf->path, MAX_INSTANCES, cls->section);
            ret = -EINVAL;
            goto done;
        }
        if ((ret = instance_new(cls, conf, s, default_freeze, &instances[*count], err, sizeof(err)))) goto done;
        (*count)++;
    }
    if (!*count)
    {
        snprintf(err, sizeof(err), "%s: no [%s NAME] section: nothing to do", conf->path, cls->section);
        ret = -ENOENT;
    }

done:
    if (ret)
    {
        if (!err[0]) snprintf(err, sizeof(err), "%s: %s", conf->path, strerror(-ret));
        fprintf(stderr, "%s: %s\n", cls->program, err);
        while (*count) instance_free(instances[--*count]);
    }
    conf_free(conf);
    return ret;
}

static int check_configuration(struct service_instance **instances, unsigned int count)
{
    int status = 0;

    for (unsigned int i = 0; i < count; i++)
    {
        struct service_instance *inst = instances[i];
        const struct service_layout *l = &inst->layout;

        describe(inst);
        printf("[%s %s] %s\n", inst->cls->section, inst->name, l->known && l->caption ? l->caption : "");
        if (!l->known)
        {
            printf("  not described: %s\n", inst->error[0] ? inst->error : "unknown files");
            status = 1;
            continue;
        }
        printf("  freeze timeout %u s%s%s\n", inst->freeze_timeout, inst->service ? ", restore service " : "",
               inst->service ? inst->service : "");
        for (unsigned int j = 0; j < l->n_include; j++)
            printf("  include %s/%s%s\n", l->include[j].path, l->include[j].filespec,
                   l->include[j].recursive ? " (recursive)" : "");
        for (unsigned int j = 0; j < l->n_exclude; j++)
            printf("  exclude %s/%s%s\n", l->exclude[j].path, l->exclude[j].filespec,
                   l->exclude[j].recursive ? " (recursive)" : "");
    }
    return status;
}

/* systemd's readiness protocol (Type=notify), without libsystemd. */
static void notify_ready(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr;
    socklen_t len;
    int fd;

    if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(addr.sun_path)) return;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, strlen(path));
    if (path[0] == '@') addr.sun_path[0] = 0;     /* abstract namespace */
    len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) return;
    if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&addr, len) < 0)
        fprintf(stderr, "cannot notify systemd: %s\n", strerror(errno));
    close(fd);
}

static int start_instance(struct service_instance *inst)
{
    WCHAR *name = wtext_from_utf8(inst->name);
    HRESULT hr = E_OUTOFMEMORY;

    if (name && SUCCEEDED(hr = UmbraCreateWriter(&service_callbacks, inst, &inst->impl)))
    {
        hr = IVssWriterImpl_Initialize(inst->impl, inst->cls->writer_id, inst->cls->writer_name, name, 1, 0,
                                       VSS_UT_USERDATA, inst->cls->source, inst->cls->level,
                                       inst->freeze_timeout * 1000, VSS_AWS_NO_ALTERNATE_WRITER, false);
        if (SUCCEEDED(hr))
            hr = IVssWriterImpl_Subscribe(inst->impl, 0, VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG);
        if (FAILED(hr))
        {
            IVssWriterImpl_Release(inst->impl);
            inst->impl = NULL;
        }
    }
    free(name);
    if (FAILED(hr)) service_log(inst, "cannot subscribe: %#x", (unsigned int)hr);
    return FAILED(hr) ? -EIO : 0;
}

static void stop_instance(struct service_instance *inst)
{
    if (!inst->impl) return;
    IVssWriterImpl_Unsubscribe(inst->impl);
    IVssWriterImpl_Uninitialize(inst->impl);
    IVssWriterImpl_Release(inst->impl);
    inst->impl = NULL;
    /* no more events: whatever a backup cut short still holds goes now */
    end_backup(inst);
}

int service_writer_main(const struct service_class *cls, int argc, char **argv)
{
    struct service_instance *instances[MAX_INSTANCES];
    unsigned int count = 0, started = 0;
    char path[PATH_MAX];
    struct options opts;
    sigset_t stop;
    int status = 0, sig;

    if (parse_options(cls, argc, argv, &opts)) return 2;
    if (opts.config) snprintf(path, sizeof(path), "%s", opts.config);
    else default_config_path(cls, path, sizeof(path));
    if (load_instances(cls, path, instances, &count)) return 1;
    if (opts.check)
    {
        status = check_configuration(instances, count);
        while (count) instance_free(instances[--count]);
        return status;
    }

    /* every thread the writer cores start inherits this mask: the signals
     * arrive here, in sigwait, never in the middle of a handler */
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (; started < count; started++)
    {
        describe(instances[started]);
        if (start_instance(instances[started]))
        {
            status = 3;     /* not the configuration's fault: systemd may try again */
            break;
        }
    }
    if (!status)
    {
        fprintf(stderr, "%s: serving %u %s%s\n", cls->program, count, cls->section, count == 1 ? "" : "s");
        if (opts.ready_fd >= 0)
        {
            if (write(opts.ready_fd, "ready\n", 6) != 6) fprintf(stderr, "%s: --ready-fd: %s\n", cls->program,
                                                                 strerror(errno));
            close(opts.ready_fd);
        }
        notify_ready();
        for (;;)
        {
            if (sigwait(&stop, &sig)) continue;
            if (sig != SIGHUP) break;
            fprintf(stderr, "%s: SIGHUP: the configuration is read at start only; restart to change it\n",
                    cls->program);
        }
    }
    while (started) stop_instance(instances[--started]);
    while (count) instance_free(instances[--count]);
    return status;
}
