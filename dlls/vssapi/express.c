/*
 * express.c: express writers (issue 11): CreateVssExpressWriterInternal,
 * IVssExpressWriter (CreateMetadata, LoadMetadata, Register, Unregister) and
 * the express writer metadata store (express.h).  The metadata object
 * CreateMetadata hands out, IVssCreateExpressWriterMetadata, is built in
 * create_metadata.c beside the ordinary writer's.
 *
 * Microsoft's rules, and what breaking them returns:
 *   CreateMetadata  usage must be BOOTABLESYSTEMSTATE, SYSTEMSERVICE or
 *                   USERDATA; a writer id and a name are needed: E_INVALIDARG
 *   LoadMetadata    a document that is no WMD, or breaks what an express
 *                   writer may say (file groups only, no restore metadata,
 *                   no notification on BackupComplete, no application
 *                   rollback): VSS_E_INVALID_XML_DOCUMENT
 *   Register        needs CreateMetadata or LoadMetadata first
 *                   (VSS_E_BAD_STATE [U]); a writer class registered already:
 *                   VSS_E_OBJECT_ALREADY_EXISTS
 *   Unregister      a writer class that is not registered: VSS_E_OBJECT_NOT_FOUND
 * The last CreateMetadata or LoadMetadata is the one Register stores, as the
 * document stands when Register is called.  An express writer has no
 * process, so its instance id is its class id [U] (a restore finds it under
 * the same instance the backup saw), and its source type is VSS_ST_OTHER.
 */
#define COBJMACROS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include <vsserror.h>
#include "umbra/debug.h"
#include "config.h"
#include "create_metadata.h"
#include "express.h"
#include "wire.h"
#include "wmd.h"
#include "wstr.h"
#include "xml_value.h"

#define STORE_SUBDIR  "express-writers"
#define STORE_LOCK    ".lock"
#define STORE_MAX_WMD (16 << 20)

/* --- the store ------------------------------------------------------------------ */

static int store_dir(char *buf, size_t size)
{
    if (snprintf(buf, size, "%s/%s", config_get()->state_dir, STORE_SUBDIR) >= (int)size) return -ENAMETOOLONG;
    return 0;
}

static void entry_name(const GUID *id, char *buf, size_t size)
{
    char text[XML_GUID_LEN + 1];

    xml_format_guid(id, text);
    snprintf(buf, size, "%s.xml", text);
}

/* The writer id a store file is named after, or -EINVAL for any other name. */
static int parse_entry_name(const char *name, GUID *id)
{
    char text[XML_GUID_LEN + 1];

    if (strlen(name) != XML_GUID_LEN + 4 || strcmp(name + XML_GUID_LEN, ".xml")) return -EINVAL;
    memcpy(text, name, XML_GUID_LEN);
    text[XML_GUID_LEN] = 0;
    return xml_parse_guid(text, id);
}

/* Temporary files of registrations whose process died mid-way. */
static void remove_dead_temporaries(const char *dir)
{
    struct dirent *entry;
    char path[PATH_MAX];
    DIR *d;

    if (!(d = opendir(dir))) return;
    while ((entry = readdir(d)))
    {
        pid_t pid = state_tmp_owner(entry->d_name, NULL);

        if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name) >= (int)sizeof(path)) continue;
        TRACE("removing %s, left by process %d\n", path, (int)pid);
        unlink(path);
    }
    closedir(d);
}

/* The store, created if need be, locked against other registrations. */
static int store_lock(char *dir, size_t size, int *lock_fd)
{
    char path[PATH_MAX];
    int ret, fd;

    *lock_fd = -1;
    if ((ret = store_dir(dir, size))) return ret;
    if ((ret = config_make_private_dir(dir)))
    {
        WARN("cannot use %s: %s\n", dir, strerror(-ret));
        return ret;
    }
    if (snprintf(path, sizeof(path), "%s/%s", dir, STORE_LOCK) >= (int)sizeof(path)) return -ENAMETOOLONG;
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
    {
        ret = -errno;
        WARN("cannot open %s: %s\n", path, strerror(errno));
        return ret;
    }
    while (flock(fd, LOCK_EX) < 0)
    {
        if (errno == EINTR) continue;
        ret = -errno;
        close(fd);
        return ret;
    }
    remove_dead_temporaries(dir);
    *lock_fd = fd;
    return 0;
}

static void store_unlock(int fd)
{
    if (fd >= 0) close(fd);   /* drops the flock */
}

int express_store_register(const GUID *writer_id, const char *wmd, size_t len)
{
    char dir[PATH_MAX], name[64], path[PATH_MAX];
    int ret, lock;

    if (!writer_id || !wmd || !len || len > STORE_MAX_WMD) return -EINVAL;
    if ((ret = store_lock(dir, sizeof(dir), &lock))) return ret;
    entry_name(writer_id, name, sizeof(name));
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) ret = -ENAMETOOLONG;
    else if (!access(path, F_OK)) ret = -EEXIST;
    else ret = state_write_atomic(path, wmd, len, 0600);
    store_unlock(lock);
    if (!ret) TRACE("express writer %s registered in %s\n", debugstr_guid(writer_id), path);
    return ret;
}

int express_store_unregister(const GUID *writer_id)
{
    char dir[PATH_MAX], name[64], path[PATH_MAX];
    int ret, lock;

    if (!writer_id) return -EINVAL;
    if ((ret = store_lock(dir, sizeof(dir), &lock))) return ret;
    entry_name(writer_id, name, sizeof(name));
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) ret = -ENAMETOOLONG;
    else ret = state_unlink_durable(path);
    store_unlock(lock);
    if (!ret) TRACE("express writer %s unregistered\n", debugstr_guid(writer_id));
    return ret;
}

/* A store file's text: 0, or -errno for anything that is no regular file
 * of a sane size. */
static int read_entry(const char *path, char **text, size_t *len)
{
    struct stat st;
    ssize_t got;
    char *buf;
    int fd, ret;

    *text = NULL;
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > STORE_MAX_WMD)
    {
        close(fd);
        return -EINVAL;
    }
    if (!(buf = malloc(st.st_size + 1)))
    {
        close(fd);
        return -ENOMEM;
    }
    got = read(fd, buf, st.st_size);
    ret = got < 0 ? -errno : got != st.st_size ? -EIO : 0;
    close(fd);
    if (ret)
    {
        free(buf);
        return ret;
    }
    buf[got] = 0;
    *text = buf;
    *len = got;
    return 0;
}

static void entry_clear(struct express_entry *e)
{
    free(e->name);
    free(e->instance_name);
    free(e->wmd);
    memset(e, 0, sizeof(*e));
}

/* One store file as an entry; -EINVAL (warned) for one that is not a good
 * registration. */
static int load_entry(const char *dir, const char *file, const GUID *id, struct express_entry *e)
{
    char path[PATH_MAX], *text = NULL;
    struct wmd *wmd = NULL;
    size_t len = 0;
    int ret;

    memset(e, 0, sizeof(*e));
    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) return -ENAMETOOLONG;
    if ((ret = read_entry(path, &text, &len)))
    {
        if (ret != -ENOENT) WARN("express writer %s: %s\n", path, strerror(-ret));
        return ret;
    }
    if ((ret = wmd_load_utf8(text, len, &wmd)))
    {
        WARN("express writer %s: not a writer metadata document (%d)\n", path, ret);
        free(text);
        return ret == -ENOMEM ? ret : -EINVAL;
    }
    if (!IsEqualGUID(&wmd->identity.writer_id, id))
    {
        WARN("express writer %s describes writer %s\n", path, debugstr_guid(&wmd->identity.writer_id));
        ret = -EINVAL;
        goto done;
    }
    e->writer_id = wmd->identity.writer_id;
    e->instance_id = wmd->identity.instance_id;
    e->usage = wmd->identity.usage;
    e->source = wmd->identity.source;
    if (!(e->name = strdup(wmd->identity.friendly_name ? wmd->identity.friendly_name : ""))
        || (wmd->identity.instance_name && !(e->instance_name = strdup(wmd->identity.instance_name))))
    {
        ret = -ENOMEM;
        goto done;
    }
    e->wmd = text;
    text = NULL;
done:
    if (ret) entry_clear(e);
    wmd_release(wmd);
    free(text);
    return ret;
}

static int compare_entries(const void *a, const void *b)
{
    return memcmp(&((const struct express_entry *)a)->writer_id, &((const struct express_entry *)b)->writer_id,
                  sizeof(GUID));
}

int express_store_list(struct express_entry **entries, size_t *count)
{
    struct express_entry *list = NULL;
    size_t n = 0, cap = 0;
    struct dirent *entry;
    char dir[PATH_MAX];
    struct stat st;
    int ret = 0;
    DIR *d;

    *entries = NULL;
    *count = 0;
    if ((ret = store_dir(dir, sizeof(dir)))) return ret;
    if (lstat(dir, &st) < 0) return errno == ENOENT ? 0 : -errno;
    /* what is in it becomes writers' metadata: only a store nobody else may change */
    if (!S_ISDIR(st.st_mode) || (st.st_uid && st.st_uid != geteuid()) || (st.st_mode & 022))
    {
        WARN("%s is not a private directory of root or ours; no express writers from it\n", dir);
        return -EPERM;
    }
    if (!(d = opendir(dir))) return errno == ENOENT ? 0 : -errno;
    while ((entry = readdir(d)))
    {
        struct express_entry e;
        GUID id;

        if (parse_entry_name(entry->d_name, &id)) continue;
        if ((ret = load_entry(dir, entry->d_name, &id, &e)))
        {
            if (ret == -ENOMEM) break;
            ret = 0;   /* a bad or vanished registration is no reason to hide the others */
            continue;
        }
        if (n == cap)
        {
            size_t ncap = cap ? cap * 2 : 8;
            struct express_entry *grown = realloc(list, ncap * sizeof(*grown));

            if (!grown)
            {
                entry_clear(&e);
                ret = -ENOMEM;
                break;
            }
            list = grown;
            cap = ncap;
        }
        list[n++] = e;
    }
    closedir(d);
    if (ret)
    {
        express_store_free(list, n);
        return ret;
    }
    if (n) qsort(list, n, sizeof(*list), compare_entries);
    *entries = list;
    *count = n;
    return 0;
}

void express_store_free(struct express_entry *entries, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) entry_clear(&entries[i]);
    free(entries);
}

uint32_t express_state_after(uint32_t state, unsigned int event)
{
    switch (event)
    {
    case WIRE_PREPARE_SNAPSHOT: return VSS_WS_WAITING_FOR_FREEZE;
    case WIRE_FREEZE: return VSS_WS_WAITING_FOR_THAW;
    case WIRE_THAW: return VSS_WS_WAITING_FOR_POST_SNAPSHOT;
    case WIRE_POST_SNAPSHOT: return VSS_WS_WAITING_FOR_BACKUP_COMPLETE;
    case WIRE_PREPARE_BACKUP:
    case WIRE_BACKUP_COMPLETE:
    case WIRE_BACKUP_SHUTDOWN:
    case WIRE_ABORT:
    case WIRE_PRE_RESTORE:
    case WIRE_POST_RESTORE:
        return VSS_WS_STABLE;
    default:
        return state ? state : VSS_WS_STABLE;   /* Identify, GetStatus and the rest change nothing */
    }
}

/* --- what an express writer may declare ---------------------------------------- */

static int usage_allowed(int usage)
{
    return usage == VSS_UT_BOOTABLESYSTEMSTATE || usage == VSS_UT_SYSTEMSERVICE || usage == VSS_UT_USERDATA;
}

/* The rules of CreateMetadata and IVssCreateExpressWriterMetadata::AddComponent,
 * for a document that came from LoadMetadata. */
static int express_document_valid(const struct wmd *wmd)
{
    size_t i;

    if (IsEqualGUID(&wmd->identity.writer_id, &GUID_NULL) || !wmd->identity.friendly_name
        || !wmd->identity.friendly_name[0])
    {
        WARN("the document names no writer\n");
        return 0;
    }
    if (!usage_allowed(wmd->identity.usage))
    {
        WARN("usage type %d is not one an express writer may have\n", wmd->identity.usage);
        return 0;
    }
    for (i = 0; i < wmd->ncomponents; i++)
    {
        const struct wmd_component *c = wmd->components[i];

        if (c->type != VSS_CT_FILEGROUP || c->restore_metadata || c->notify_on_backup_complete
            || (c->flags & VSS_CF_APP_ROLLBACK_RECOVERY))
        {
            WARN("component %s: express writers have file groups only, without restore metadata, "
                 "notification on BackupComplete or application rollback\n", c->name);
            return 0;
        }
    }
    return 1;
}

/* --- IVssExpressWriter ------------------------------------------------------------ */

struct express_writer
{
    IVssExpressWriter IVssExpressWriter_iface;
    LONG refcount;
    pthread_mutex_t lock;
    GUID created_id;                              /* the writer CreateMetadata made */
    IVssCreateExpressWriterMetadata *created;     /* the last CreateMetadata, or NULL */
    struct wmd *loaded;                           /* the last LoadMetadata, or NULL */
};

static struct express_writer *impl_from_IVssExpressWriter(IVssExpressWriter *iface)
{
    return CONTAINING_RECORD(iface, struct express_writer, IVssExpressWriter_iface);
}

static void forget_metadata(struct express_writer *writer)
{
    if (writer->created) IVssCreateExpressWriterMetadata_Release(writer->created);
    if (writer->loaded) wmd_release(writer->loaded);
    writer->created = NULL;
    writer->loaded = NULL;
}

static HRESULT STDMETHODCALLTYPE express_writer_QueryInterface(IVssExpressWriter *iface, REFIID riid, void **out)
{
    TRACE("%p, %s, %p\n", iface, debugstr_guid(riid), out);

    if (!out) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IVssExpressWriter))
    {
        *out = iface;
        IVssExpressWriter_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE express_writer_AddRef(IVssExpressWriter *iface)
{
    struct express_writer *writer = impl_from_IVssExpressWriter(iface);
    ULONG refcount = __atomic_add_fetch(&writer->refcount, 1, __ATOMIC_RELAXED);

    TRACE("%p, refcount %u\n", iface, refcount);
    return refcount;
}

static ULONG STDMETHODCALLTYPE express_writer_Release(IVssExpressWriter *iface)
{
    struct express_writer *writer = impl_from_IVssExpressWriter(iface);
    ULONG refcount = __atomic_sub_fetch(&writer->refcount, 1, __ATOMIC_ACQ_REL);

    TRACE("%p, refcount %u\n", iface, refcount);
    if (!refcount)
    {
        forget_metadata(writer);
        pthread_mutex_destroy(&writer->lock);
        free(writer);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE express_writer_CreateMetadata(IVssExpressWriter *iface, VSS_ID writer_id,
                                                               LPCWSTR writer_name, VSS_USAGE_TYPE usage,
                                                               DWORD major, DWORD minor, DWORD reserved,
                                                               IVssCreateExpressWriterMetadata **out)
{
    struct express_writer *writer = impl_from_IVssExpressWriter(iface);
    IVssCreateExpressWriterMetadata *metadata;
    struct wmd_identity identity;
    char *name = NULL;
    HRESULT hr;
    int ret;

    TRACE("%p, %s, %s, %d, %u, %u, %#x, %p\n", iface, debugstr_guid(&writer_id), debugstr_w(writer_name), usage,
          major, minor, reserved, out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (IsEqualGUID(&writer_id, &GUID_NULL) || !writer_name || !*writer_name)
    {
        WARN("an express writer needs a class id and a name\n");
        return E_INVALIDARG;
    }
    if (!usage_allowed(usage))
    {
        WARN("usage type %d: only BOOTABLESYSTEMSTATE, SYSTEMSERVICE and USERDATA\n", usage);
        return E_INVALIDARG;
    }
    if ((ret = wstr_to_utf8(writer_name, &name))) return ret == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;

    memset(&identity, 0, sizeof(identity));
    identity.writer_id = writer_id;
    identity.instance_id = writer_id;
    identity.friendly_name = name;
    identity.usage = usage;
    identity.source = VSS_ST_OTHER;
    identity.major_version = major;
    identity.minor_version = minor;
    hr = create_express_metadata_new(&identity, &metadata);
    free(name);
    if (FAILED(hr)) return hr;

    pthread_mutex_lock(&writer->lock);
    forget_metadata(writer);
    writer->created = metadata;
    writer->created_id = writer_id;
    IVssCreateExpressWriterMetadata_AddRef(metadata);
    pthread_mutex_unlock(&writer->lock);
    *out = metadata;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE express_writer_LoadMetadata(IVssExpressWriter *iface, LPCWSTR metadata,
                                                             DWORD reserved)
{
    struct express_writer *writer = impl_from_IVssExpressWriter(iface);
    struct wmd *wmd;
    int ret;

    TRACE("%p, %p, %#x\n", iface, metadata, reserved);

    if (!metadata) return E_INVALIDARG;
    if ((ret = wmd_load_wstr(metadata, &wmd)))
    {
        WARN("not a writer metadata document (%d)\n", ret);
        return ret == -ENOMEM ? E_OUTOFMEMORY : VSS_E_INVALID_XML_DOCUMENT;
    }
    if (!express_document_valid(wmd))
    {
        wmd_release(wmd);
        return VSS_E_INVALID_XML_DOCUMENT;
    }
    pthread_mutex_lock(&writer->lock);
    forget_metadata(writer);
    writer->loaded = wmd;
    pthread_mutex_unlock(&writer->lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE express_writer_Register(IVssExpressWriter *iface)
{
    struct express_writer *writer = impl_from_IVssExpressWriter(iface);
    char *text = NULL;
    GUID id = GUID_NULL;
    size_t len = 0;
    int ret;

    TRACE("%p\n", iface);

    pthread_mutex_lock(&writer->lock);
    if (writer->created)
    {
        id = writer->created_id;
        ret = create_express_metadata_save_utf8(writer->created, &text, &len);
    }
    else if (writer->loaded)
    {
        id = writer->loaded->identity.writer_id;
        ret = wmd_save_utf8(writer->loaded, &text, &len);
    }
    else ret = -ENODATA;
    pthread_mutex_unlock(&writer->lock);

    if (ret == -ENODATA)
    {
        WARN("Register needs CreateMetadata or LoadMetadata first\n");
        return VSS_E_BAD_STATE;
    }
    if (!ret) ret = express_store_register(&id, text, len);
    free(text);
    switch (ret)
    {
    case 0: return S_OK;
    case -EEXIST:
        WARN("express writer %s is registered already\n", debugstr_guid(&id));
        return VSS_E_OBJECT_ALREADY_EXISTS;
    case -ENOMEM: return E_OUTOFMEMORY;
    case -EACCES:
    case -EPERM:
        return E_ACCESSDENIED;
    default:
        WARN("cannot register express writer %s: %s\n", debugstr_guid(&id), strerror(-ret));
        return VSS_E_UNEXPECTED;
    }
}

static HRESULT STDMETHODCALLTYPE express_writer_Unregister(IVssExpressWriter *iface, VSS_ID writer_id)
{
    int ret;

    TRACE("%p, %s\n", iface, debugstr_guid(&writer_id));

    switch ((ret = express_store_unregister(&writer_id)))
    {
    case 0: return S_OK;
    case -ENOENT:
        WARN("express writer %s is not registered\n", debugstr_guid(&writer_id));
        return VSS_E_OBJECT_NOT_FOUND;
    case -ENOMEM: return E_OUTOFMEMORY;
    case -EACCES:
    case -EPERM:
        return E_ACCESSDENIED;
    default:
        WARN("cannot unregister express writer %s: %s\n", debugstr_guid(&writer_id), strerror(-ret));
        return VSS_E_UNEXPECTED;
    }
}

static const IVssExpressWriterVtbl express_writer_vtbl =
{
    express_writer_QueryInterface,
    express_writer_AddRef,
    express_writer_Release,
    express_writer_CreateMetadata,
    express_writer_LoadMetadata,
    express_writer_Register,
    express_writer_Unregister,
};

HRESULT WINAPI CreateVssExpressWriterInternal(IVssExpressWriter **out)
{
    struct express_writer *writer;

    TRACE("%p\n", out);

    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!(writer = calloc(1, sizeof(*writer)))) return E_OUTOFMEMORY;
    writer->IVssExpressWriter_iface.lpVtbl = &express_writer_vtbl;
    writer->refcount = 1;
    pthread_mutex_init(&writer->lock, NULL);
    *out = &writer->IVssExpressWriter_iface;
    return S_OK;
}
