/*
 * sample_provider.c: a third-party snapshot provider written the way someone
 * outside Umbra would write one (issue 11), built as its own shared object
 * (tests/bin/sample_provider.so) and declared in $VSS_CONFIG_DIR/providers.d.
 * It is a COM in-process server: DllGetClassObject hands out a class factory
 * whose objects implement IVssSoftwareSnapshotProvider,
 * IVssProviderCreateSnapshotSet and IVssProviderNotifications (vsprov.h).
 *
 * What it does: a snapshot of a directory volume is a copy of the tree, made
 * with reflinks (FICLONE) where the file system has them, into its own
 * storage: $SAMPLE_PROVIDER_STORE (default $VSS_STATE_DIR/sample-provider),
 * "<snapshot id>/" the tree and "<snapshot id>.info" what it knows about it,
 * so its snapshots outlive the process that made them.  The copy is made in
 * CommitSnapshots, leaving out the volume's ".snapshots" (Umbra's records)
 * and the storage itself.  Every call is appended to $SAMPLE_PROVIDER_LOG,
 * one line each ("sample <method> ..."), so tests can check the order VSS
 * called it in.
 *
 * It uses only the public headers and CoTaskMemAlloc, and its own copies of
 * the GUIDs it needs, as a provider shipped on its own would.
 * broken_provider.c builds the same provider with faults switched in
 * (PROVIDER_FAULT), so this file also says where a call may misbehave.
 */
#ifndef COBJMACROS
#define COBJMACROS
#endif
#ifndef CONST_VTABLE
#define CONST_VTABLE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <windows.h>
#include <objbase.h>
#include <vss.h>
#include <vsprov.h>

#ifndef PROVIDER_NAME
#define PROVIDER_NAME "sample"
/* {5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a01}: the id its declaration gives */
#define PROVIDER_ID_INIT { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1a, 0x01 } }
/* {5a3e1f0c-7b2d-4c61-9e8a-0d4b6c2f1a02}: its COM class */
#define PROVIDER_CLSID_INIT { 0x5a3e1f0c, 0x7b2d, 0x4c61, { 0x9e, 0x8a, 0x0d, 0x4b, 0x6c, 0x2f, 0x1a, 0x02 } }
#endif

#ifndef PROVIDER_STORE_ENV
#define PROVIDER_STORE_ENV "SAMPLE_PROVIDER_STORE"
#endif

/* A fault switched in by broken_provider.c: 1 and *hr to return it instead. */
#ifdef PROVIDER_FAULTS
static int provider_fault(const char *method, HRESULT *hr);
#define PROVIDER_FAULT(method, hr) provider_fault(method, hr)
#else
#define PROVIDER_FAULT(method, hr) 0
#endif

static const GUID provider_id = PROVIDER_ID_INIT;
static const CLSID provider_clsid = PROVIDER_CLSID_INIT;
static const IID iid_unknown = { 0x00000000, 0x0000, 0x0000, { 0xc0, 0, 0, 0, 0, 0, 0, 0x46 } };
static const IID iid_class_factory = { 0x00000001, 0x0000, 0x0000, { 0xc0, 0, 0, 0, 0, 0, 0, 0x46 } };
static const IID iid_software = { 0x609e123e, 0x2c5a, 0x44d3, { 0x8f, 0x01, 0x0b, 0x1d, 0x9a, 0x47, 0xd1, 0xff } };
static const IID iid_create_set = { 0x5f894e5b, 0x1e39, 0x4778, { 0x8e, 0x23, 0x9a, 0xba, 0xd9, 0xf0, 0xe0, 0x8c } };
static const IID iid_notifications = { 0xe561901f, 0x03a5, 0x4afe, { 0x86, 0xd0, 0x72, 0xba, 0xee, 0xce, 0x70, 0x04 } };
static const IID iid_enum_object = { 0xae1c7110, 0x2f60, 0x11d3, { 0x8a, 0x39, 0x00, 0xc0, 0x4f, 0x72, 0xd8, 0xe3 } };

#define VSS_EPOCH_DIFF 116444736000000000LL
#define SNAPSHOTS_DIR ".snapshots"
#define MAX_DEPTH 256

static int same_guid(const GUID *a, const GUID *b)
{
    return !memcmp(a, b, sizeof(*a));
}

/* --- text ------------------------------------------------------------------------------ */

static void log_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_call(const char *fmt, ...)
{
    const char *path = getenv("SAMPLE_PROVIDER_LOG");
    char line[1024];
    va_list args;
    int fd, len;

    if (!path || !*path) return;
    len = snprintf(line, sizeof(line), "%s ", PROVIDER_NAME);
    va_start(args, fmt);
    len += vsnprintf(line + len, sizeof(line) - len - 1, fmt, args);
    va_end(args);
    if (len > (int)sizeof(line) - 2) len = sizeof(line) - 2;
    line[len++] = '\n';
    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) return;
    if (write(fd, line, len) < 0) { /* a lost log line is only a lost log line */ }
    close(fd);
}

static void guid_text(const GUID *g, char buf[37])
{
    snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned int)g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static int parse_guid(const char *s, GUID *g)
{
    unsigned int d[11];
    char tail;

    if (strlen(s) != 36
        || sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%c", &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6],
                  &d[7], &d[8], &d[9], &d[10], &tail) != 11)
        return -1;
    g->Data1 = d[0];
    g->Data2 = d[1];
    g->Data3 = d[2];
    for (int i = 0; i < 8; i++) g->Data4[i] = d[3 + i];
    return 0;
}

/* UTF-32 <-> UTF-8, malloc'd; NULL for bad input or no memory. */
static char *to_utf8(const WCHAR *w)
{
    size_t n = 0, i;
    char *s, *p;

    if (!w) return NULL;
    for (i = 0; w[i]; i++) n += w[i] < 0x80 ? 1 : w[i] < 0x800 ? 2 : w[i] < 0x10000 ? 3 : 4;
    if (!(s = p = malloc(n + 1))) return NULL;
    for (i = 0; w[i]; i++)
    {
        unsigned int c = (unsigned int)w[i];

        if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) { free(s); return NULL; }
        if (c < 0x80) *p++ = c;
        else if (c < 0x800) { *p++ = 0xc0 | (c >> 6); *p++ = 0x80 | (c & 0x3f); }
        else if (c < 0x10000) { *p++ = 0xe0 | (c >> 12); *p++ = 0x80 | ((c >> 6) & 0x3f); *p++ = 0x80 | (c & 0x3f); }
        else
        {
            *p++ = 0xf0 | (c >> 18); *p++ = 0x80 | ((c >> 12) & 0x3f);
            *p++ = 0x80 | ((c >> 6) & 0x3f); *p++ = 0x80 | (c & 0x3f);
        }
    }
    *p = 0;
    return s;
}

/* A CoTaskMemAlloc'd wide copy, as VSS_SNAPSHOT_PROP's strings must be. */
static WCHAR *to_wide_cotaskmem(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    WCHAR *w = CoTaskMemAlloc((n + 1) * sizeof(WCHAR));

    if (!w) return NULL;
    while (*p)
    {
        unsigned int c = *p++;
        int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

        if (extra) c &= 0x3f >> extra;
        while (extra-- > 0 && (*p & 0xc0) == 0x80) c = (c << 6) | (*p++ & 0x3f);
        w[i++] = c;
    }
    w[i] = 0;
    return w;
}

/* --- storage ------------------------------------------------------------------------------ */

static const char *store_dir(void)
{
    static char dir[PATH_MAX];
    const char *env = getenv(PROVIDER_STORE_ENV), *state = getenv("VSS_STATE_DIR");

    if (env && *env) snprintf(dir, sizeof(dir), "%s", env);
    else if (state && *state) snprintf(dir, sizeof(dir), "%s/%s-provider", state, PROVIDER_NAME);
    else snprintf(dir, sizeof(dir), "/var/tmp/umbra-%s-provider", PROVIDER_NAME);
    return dir;
}

/* What "<id>.info" keeps. */
struct info
{
    GUID id, set_id;
    char volume[PATH_MAX];      /* the name VSS gave, UTF-8 */
    LONG context;
    LONG count;
    LONGLONG created;
    int done;                   /* PostCommitSnapshots has run */
};

static int info_path(const GUID *id, const char *suffix, char *buf, size_t size)
{
    char text[37];

    guid_text(id, text);
    return snprintf(buf, size, "%s/%s%s", store_dir(), text, suffix) >= (int)size ? -1 : 0;
}

static int info_write(const struct info *info)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8], set[37];
    FILE *f;

    if (info_path(&info->id, ".info", path, sizeof(path))) return -1;
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    guid_text(&info->set_id, set);
    if (!(f = fopen(tmp, "w"))) return -1;
    fprintf(f, "set=%s\ncontext=%ld\ncount=%ld\ncreated=%lld\ndone=%d\nvolume=%s\n", set, (long)info->context,
            (long)info->count, (long long)info->created, info->done, info->volume);
    if (fflush(f) || fsync(fileno(f)))
    {
        fclose(f);
        unlink(tmp);
        return -1;
    }
    if (fclose(f) || rename(tmp, path)) { unlink(tmp); return -1; }
    return 0;
}

static int info_read(const GUID *id, struct info *info)
{
    char path[PATH_MAX], line[PATH_MAX + 16];
    FILE *f;

    memset(info, 0, sizeof(*info));
    info->id = *id;
    if (info_path(id, ".info", path, sizeof(path)) || !(f = fopen(path, "r"))) return -1;
    while (fgets(line, sizeof(line), f))
    {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "set=", 4)) parse_guid(line + 4, &info->set_id);
        else if (!strncmp(line, "context=", 8)) info->context = strtol(line + 8, NULL, 10);
        else if (!strncmp(line, "count=", 6)) info->count = strtol(line + 6, NULL, 10);
        else if (!strncmp(line, "created=", 8)) info->created = strtoll(line + 8, NULL, 10);
        else if (!strncmp(line, "done=", 5)) info->done = atoi(line + 5);
        else if (!strncmp(line, "volume=", 7)) snprintf(info->volume, sizeof(info->volume), "%s", line + 7);
    }
    fclose(f);
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    if (remove(path) && errno == EACCES)
    {
        /* a copy of a read-only directory: make it writable to empty it */
        char parent[PATH_MAX], *slash;
        snprintf(parent, sizeof(parent), "%s", path);
        if ((slash = strrchr(parent, '/'))) *slash = 0;
        chmod(parent, 0700);
        remove(path);
    }
    return 0;
}

/* Remove a snapshot's tree and info; 0 if there was one. */
static int snapshot_remove(const GUID *id)
{
    char tree[PATH_MAX], info[PATH_MAX];
    int found;

    if (info_path(id, "", tree, sizeof(tree)) || info_path(id, ".info", info, sizeof(info))) return -1;
    found = !access(info, F_OK) || !access(tree, F_OK);
    chmod(tree, 0700);
    nftw(tree, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    unlink(info);
    return found ? 0 : -1;
}

/* The ids of every snapshot in the store (malloc'd). */
static GUID *snapshot_ids(size_t *count)
{
    struct dirent *entry;
    GUID *ids = NULL;
    size_t n = 0;
    DIR *d;

    *count = 0;
    if (!(d = opendir(store_dir()))) return NULL;
    while ((entry = readdir(d)))
    {
        char text[37];
        GUID *grown;
        GUID id;

        if (strlen(entry->d_name) != 41 || strcmp(entry->d_name + 36, ".info")) continue;
        memcpy(text, entry->d_name, 36);
        text[36] = 0;
        if (parse_guid(text, &id)) continue;
        if (!(grown = realloc(ids, (n + 1) * sizeof(*ids)))) break;
        ids = grown;
        ids[n++] = id;
    }
    closedir(d);
    *count = n;
    return ids;
}

/* --- copying a tree ------------------------------------------------------------------------- */

static int copy_file(int src_dir, const char *name, int dst_dir, mode_t mode)
{
    char buf[65536];
    int in, out, ret = 0;
    ssize_t n;

    if ((in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -errno;
    if ((out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
    {
        ret = -errno;
        close(in);
        return ret;
    }
    if (ioctl(out, FICLONE, in) < 0)
    {
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if (write(out, buf, n) != n) { ret = -EIO; break; }
        if (n < 0) ret = -errno;
    }
    if (!ret && fchmod(out, mode & 07777) < 0) ret = -errno;
    close(in);
    if (close(out) < 0 && !ret) ret = -errno;
    return ret;
}

/* Copy the directory src_dir into dst_dir (both open).  skip_store: the
 * store's device and inode, never copied into itself. */
static int copy_tree(int src_dir, int dst_dir, int depth, const struct stat *skip)
{
    struct dirent *entry;
    int ret = 0, fd;
    DIR *d;

    if (depth > MAX_DEPTH) return -ELOOP;
    if ((fd = dup(src_dir)) < 0) return -errno;
    if (!(d = fdopendir(fd)))
    {
        close(fd);
        return -errno;
    }
    while (!ret && (entry = readdir(d)))
    {
        const char *name = entry->d_name;
        struct stat st;

        if (!strcmp(name, ".") || !strcmp(name, "..")) continue;
        if (!depth && !strcmp(name, SNAPSHOTS_DIR)) continue;
        if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) { ret = -errno; break; }
        if (st.st_dev == skip->st_dev && st.st_ino == skip->st_ino) continue;
        if (S_ISDIR(st.st_mode))
        {
            int sub_src, sub_dst;

            if (mkdirat(dst_dir, name, 0700) < 0) { ret = -errno; break; }
            if ((sub_src = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            {
                ret = -errno;
                break;
            }
            if ((sub_dst = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            {
                ret = -errno;
                close(sub_src);
                break;
            }
            ret = copy_tree(sub_src, sub_dst, depth + 1, skip);
            if (!ret && fchmod(sub_dst, st.st_mode & 07777) < 0) ret = -errno;
            close(sub_src);
            close(sub_dst);
        }
        else if (S_ISREG(st.st_mode)) ret = copy_file(src_dir, name, dst_dir, st.st_mode);
        else if (S_ISLNK(st.st_mode))
        {
            char target[PATH_MAX];
            ssize_t len = readlinkat(src_dir, name, target, sizeof(target) - 1);

            if (len < 0) { ret = -errno; break; }
            target[len] = 0;
            if (symlinkat(target, dst_dir, name) < 0) ret = -errno;
        }
        /* devices, fifos and sockets are no data to back up */
    }
    closedir(d);
    return ret;
}

/* --- the provider object ----------------------------------------------------------------------- */

struct pending
{
    GUID id, set_id;
    char *volume;               /* as given, UTF-8 */
    LONG context;
    struct pending *next;
};

struct provider
{
    IVssSoftwareSnapshotProvider IVssSoftwareSnapshotProvider_iface;
    IVssProviderCreateSnapshotSet IVssProviderCreateSnapshotSet_iface;
    IVssProviderNotifications IVssProviderNotifications_iface;
    LONG refcount;
    pthread_mutex_t lock;
    LONG context;
    struct pending *pending;    /* snapshots between BeginPrepare and PostCommit */
};

static struct provider *impl_from_software(IVssSoftwareSnapshotProvider *iface)
{
    return CONTAINING_RECORD(iface, struct provider, IVssSoftwareSnapshotProvider_iface);
}

static struct provider *impl_from_create(IVssProviderCreateSnapshotSet *iface)
{
    return CONTAINING_RECORD(iface, struct provider, IVssProviderCreateSnapshotSet_iface);
}

static struct provider *impl_from_notifications(IVssProviderNotifications *iface)
{
    return CONTAINING_RECORD(iface, struct provider, IVssProviderNotifications_iface);
}

/* A volume this provider can copy: an existing, writable directory given as
 * an absolute path, that is not (inside) its store or Umbra's records. */
static char *supported_volume(const WCHAR *name)
{
    char *path = to_utf8(name);
    const char *store = store_dir();
    size_t len, slen = strlen(store);
    struct stat st;

    if (!path) return NULL;
    len = strlen(path);
    while (len > 1 && path[len - 1] == '/') path[--len] = 0;
    if (path[0] != '/' || stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || access(path, W_OK | X_OK) < 0
        || strstr(path, "/" SNAPSHOTS_DIR)
        || (!strncmp(path, store, slen) && (path[slen] == 0 || path[slen] == '/')))
    {
        free(path);
        return NULL;
    }
    return path;
}

static void pending_free(struct pending *p)
{
    free(p->volume);
    free(p);
}

static HRESULT STDMETHODCALLTYPE provider_QueryInterface(IVssSoftwareSnapshotProvider *iface, REFIID riid, void **out)
{
    struct provider *provider = impl_from_software(iface);

    if (!out) return E_POINTER;
    if (same_guid(riid, &iid_unknown) || same_guid(riid, &iid_software))
        *out = &provider->IVssSoftwareSnapshotProvider_iface;
    else if (same_guid(riid, &iid_create_set))
        *out = &provider->IVssProviderCreateSnapshotSet_iface;
    else if (same_guid(riid, &iid_notifications))
        *out = &provider->IVssProviderNotifications_iface;
    else
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    __atomic_add_fetch(&provider->refcount, 1, __ATOMIC_RELAXED);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE provider_AddRef(IVssSoftwareSnapshotProvider *iface)
{
    return __atomic_add_fetch(&impl_from_software(iface)->refcount, 1, __ATOMIC_RELAXED);
}

static ULONG STDMETHODCALLTYPE provider_Release(IVssSoftwareSnapshotProvider *iface)
{
    struct provider *provider = impl_from_software(iface);
    ULONG refcount = __atomic_sub_fetch(&provider->refcount, 1, __ATOMIC_ACQ_REL);

    if (!refcount)
    {
        while (provider->pending)
        {
            struct pending *next = provider->pending->next;
            pending_free(provider->pending);
            provider->pending = next;
        }
        pthread_mutex_destroy(&provider->lock);
        free(provider);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE provider_SetContext(IVssSoftwareSnapshotProvider *iface, LONG context)
{
    struct provider *provider = impl_from_software(iface);
    HRESULT hr;

    log_call("SetContext %#lx", (long)context);
    if (PROVIDER_FAULT("SetContext", &hr)) return hr;
    provider->context = context;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE provider_GetSnapshotProperties(IVssSoftwareSnapshotProvider *iface, VSS_ID id,
                                                                VSS_SNAPSHOT_PROP *prop)
{
    char tree[PATH_MAX];
    struct info info;
    HRESULT hr;

    (void)iface;
    log_call("GetSnapshotProperties");
    if (!prop) return E_INVALIDARG;
    memset(prop, 0, sizeof(*prop));
    if (PROVIDER_FAULT("GetSnapshotProperties", &hr))
    {
        /* the broken provider's "garbage": success, and no device */
        if (SUCCEEDED(hr)) prop->m_SnapshotId = id;
        return hr;
    }
    if (info_read(&id, &info) || !info.done || info_path(&id, "", tree, sizeof(tree))) return VSS_E_OBJECT_NOT_FOUND;
    prop->m_SnapshotId = id;
    prop->m_SnapshotSetId = info.set_id;
    prop->m_lSnapshotsCount = info.count;
    prop->m_ProviderId = provider_id;
    prop->m_lSnapshotAttributes = info.context | VSS_VOLSNAP_ATTR_PLEX;   /* a full copy */
    prop->m_tsCreationTimestamp = info.created;
    prop->m_eStatus = VSS_SS_CREATED;
    if (!(prop->m_pwszSnapshotDeviceObject = to_wide_cotaskmem(tree))
        || !(prop->m_pwszOriginalVolumeName = to_wide_cotaskmem(info.volume)))
    {
        CoTaskMemFree(prop->m_pwszSnapshotDeviceObject);
        memset(prop, 0, sizeof(*prop));
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

/* --- IVssEnumObject over the store ------------------------------------------------------------- */

struct enum_objects
{
    IVssEnumObject IVssEnumObject_iface;
    LONG refcount;
    GUID *ids;
    size_t count, next;
};

static struct enum_objects *impl_from_enum(IVssEnumObject *iface)
{
    return CONTAINING_RECORD(iface, struct enum_objects, IVssEnumObject_iface);
}

static HRESULT enum_create(GUID *ids, size_t count, size_t next, IVssEnumObject **out);

static HRESULT STDMETHODCALLTYPE enum_QueryInterface(IVssEnumObject *iface, REFIID riid, void **out)
{
    if (!out) return E_POINTER;
    if (!same_guid(riid, &iid_unknown) && !same_guid(riid, &iid_enum_object))
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    *out = iface;
    IVssEnumObject_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE enum_AddRef(IVssEnumObject *iface)
{
    return __atomic_add_fetch(&impl_from_enum(iface)->refcount, 1, __ATOMIC_RELAXED);
}

static ULONG STDMETHODCALLTYPE enum_Release(IVssEnumObject *iface)
{
    struct enum_objects *e = impl_from_enum(iface);
    ULONG refcount = __atomic_sub_fetch(&e->refcount, 1, __ATOMIC_ACQ_REL);

    if (!refcount)
    {
        free(e->ids);
        free(e);
    }
    return refcount;
}

static HRESULT STDMETHODCALLTYPE enum_Next(IVssEnumObject *iface, ULONG wanted, VSS_OBJECT_PROP *props,
                                           ULONG *fetched)
{
    struct enum_objects *e = impl_from_enum(iface);
    ULONG n = 0;

    if (!props || !fetched) return E_INVALIDARG;
    while (n < wanted && e->next < e->count)
    {
        memset(&props[n], 0, sizeof(props[n]));
        props[n].Type = VSS_OBJECT_SNAPSHOT;
        if (provider_GetSnapshotProperties(NULL, e->ids[e->next++], &props[n].Obj.Snap) == S_OK) n++;
    }
    *fetched = n;
    return n == wanted ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE enum_Skip(IVssEnumObject *iface, ULONG count)
{
    struct enum_objects *e = impl_from_enum(iface);

    e->next = count > e->count - e->next ? e->count : e->next + count;
    return e->next < e->count ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE enum_Reset(IVssEnumObject *iface)
{
    impl_from_enum(iface)->next = 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE enum_Clone(IVssEnumObject *iface, IVssEnumObject **out)
{
    struct enum_objects *e = impl_from_enum(iface);
    GUID *ids;

    if (!out) return E_INVALIDARG;
    if (!(ids = malloc((e->count ? e->count : 1) * sizeof(*ids)))) return E_OUTOFMEMORY;
    if (e->count) memcpy(ids, e->ids, e->count * sizeof(*ids));
    return enum_create(ids, e->count, e->next, out);
}

static const IVssEnumObjectVtbl enum_vtbl =
{
    enum_QueryInterface, enum_AddRef, enum_Release, enum_Next, enum_Skip, enum_Reset, enum_Clone,
};

static HRESULT enum_create(GUID *ids, size_t count, size_t next, IVssEnumObject **out)
{
    struct enum_objects *e = calloc(1, sizeof(*e));

    *out = NULL;
    if (!e)
    {
        free(ids);
        return E_OUTOFMEMORY;
    }
    e->IVssEnumObject_iface.lpVtbl = &enum_vtbl;
    e->refcount = 1;
    e->ids = ids;
    e->count = count;
    e->next = next;
    *out = &e->IVssEnumObject_iface;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE provider_Query(IVssSoftwareSnapshotProvider *iface, VSS_ID queried,
                                                VSS_OBJECT_TYPE queried_type, VSS_OBJECT_TYPE returned_type,
                                                IVssEnumObject **out)
{
    size_t count;
    GUID *ids;
    HRESULT hr;

    (void)iface;
    log_call("Query");
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (PROVIDER_FAULT("Query", &hr)) return hr;
    if (!same_guid(&queried, &GUID_NULL) || queried_type != VSS_OBJECT_NONE || returned_type != VSS_OBJECT_SNAPSHOT)
        return E_INVALIDARG;
    ids = snapshot_ids(&count);
    return enum_create(ids, count, 0, out);
}

static HRESULT STDMETHODCALLTYPE provider_DeleteSnapshots(IVssSoftwareSnapshotProvider *iface, VSS_ID source,
                                                          VSS_OBJECT_TYPE type, BOOL force, LONG *deleted,
                                                          VSS_ID *not_deleted)
{
    size_t count, i;
    GUID *ids;
    HRESULT hr;

    (void)iface;
    (void)force;
    log_call("DeleteSnapshots");
    if (!deleted || !not_deleted) return E_INVALIDARG;
    *deleted = 0;
    *not_deleted = GUID_NULL;
    if (PROVIDER_FAULT("DeleteSnapshots", &hr)) return hr;
    if (type == VSS_OBJECT_SNAPSHOT)
    {
        if (snapshot_remove(&source)) return VSS_E_OBJECT_NOT_FOUND;
        *deleted = 1;
        return S_OK;
    }
    if (type != VSS_OBJECT_SNAPSHOT_SET) return E_INVALIDARG;
    ids = snapshot_ids(&count);
    for (i = 0; i < count; i++)
    {
        struct info info;

        if (!info_read(&ids[i], &info) && same_guid(&info.set_id, &source) && !snapshot_remove(&ids[i]))
            (*deleted)++;
    }
    free(ids);
    return *deleted ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}

static HRESULT STDMETHODCALLTYPE provider_BeginPrepareSnapshot(IVssSoftwareSnapshotProvider *iface, VSS_ID set_id,
                                                               VSS_ID id, VSS_PWSZ volume, LONG context)
{
    struct provider *provider = impl_from_software(iface);
    struct pending *p;
    char *path;
    HRESULT hr;

    log_call("BeginPrepareSnapshot");
    if (PROVIDER_FAULT("BeginPrepareSnapshot", &hr)) return hr;
    if (!volume) return E_INVALIDARG;
    if (!(path = supported_volume(volume))) return VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER;
    free(path);
    if (!(p = calloc(1, sizeof(*p))) || !(p->volume = to_utf8(volume)))
    {
        free(p);
        return E_OUTOFMEMORY;
    }
    p->id = id;
    p->set_id = set_id;
    p->context = context;
    pthread_mutex_lock(&provider->lock);
    p->next = provider->pending;
    provider->pending = p;
    pthread_mutex_unlock(&provider->lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE provider_IsVolumeSupported(IVssSoftwareSnapshotProvider *iface, VSS_PWSZ volume,
                                                            BOOL *supported)
{
    char *path;
    HRESULT hr;

    (void)iface;
    log_call("IsVolumeSupported");
    if (!volume || !supported) return E_INVALIDARG;
    *supported = FALSE;
    if (PROVIDER_FAULT("IsVolumeSupported", &hr))
    {
        if (SUCCEEDED(hr)) *supported = 42;   /* garbage: neither TRUE nor FALSE */
        return hr;
    }
    if ((path = supported_volume(volume))) *supported = TRUE;
    free(path);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE provider_IsVolumeSnapshotted(IVssSoftwareSnapshotProvider *iface, VSS_PWSZ volume,
                                                              BOOL *present, LONG *compatibility)
{
    char *name;
    size_t count, i;
    GUID *ids;

    (void)iface;
    log_call("IsVolumeSnapshotted");
    if (!volume || !present || !compatibility) return E_INVALIDARG;
    *present = FALSE;
    *compatibility = 0;
    if (!(name = to_utf8(volume))) return E_INVALIDARG;
    ids = snapshot_ids(&count);
    for (i = 0; i < count && !*present; i++)
    {
        struct info info;

        if (!info_read(&ids[i], &info) && info.done && !strcmp(info.volume, name)) *present = TRUE;
    }
    free(ids);
    free(name);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE provider_SetSnapshotProperty(IVssSoftwareSnapshotProvider *iface, VSS_ID id,
                                                              VSS_SNAPSHOT_PROPERTY_ID property, VARIANT value)
{
    struct info info;

    (void)iface;
    (void)property;
    (void)value;
    log_call("SetSnapshotProperty");
    if (info_read(&id, &info)) return VSS_E_OBJECT_NOT_FOUND;
    return E_INVALIDARG;   /* it keeps no property a caller may set */
}

static HRESULT STDMETHODCALLTYPE provider_RevertToSnapshot(IVssSoftwareSnapshotProvider *iface, VSS_ID id)
{
    (void)iface;
    (void)id;
    log_call("RevertToSnapshot");
    return E_NOTIMPL;   /* this provider cannot revert, as Microsoft allows a provider to say */
}

static HRESULT STDMETHODCALLTYPE provider_QueryRevertStatus(IVssSoftwareSnapshotProvider *iface, VSS_PWSZ volume,
                                                            IVssAsync **async)
{
    (void)iface;
    (void)volume;
    log_call("QueryRevertStatus");
    if (async) *async = NULL;
    return E_NOTIMPL;
}

static const IVssSoftwareSnapshotProviderVtbl software_vtbl =
{
    provider_QueryInterface,
    provider_AddRef,
    provider_Release,
    provider_SetContext,
    provider_GetSnapshotProperties,
    provider_Query,
    provider_DeleteSnapshots,
    provider_BeginPrepareSnapshot,
    provider_IsVolumeSupported,
    provider_IsVolumeSnapshotted,
    provider_SetSnapshotProperty,
    provider_RevertToSnapshot,
    provider_QueryRevertStatus,
};

/* --- IVssProviderCreateSnapshotSet ---------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE create_QueryInterface(IVssProviderCreateSnapshotSet *iface, REFIID riid, void **out)
{
    return provider_QueryInterface(&impl_from_create(iface)->IVssSoftwareSnapshotProvider_iface, riid, out);
}

static ULONG STDMETHODCALLTYPE create_AddRef(IVssProviderCreateSnapshotSet *iface)
{
    return provider_AddRef(&impl_from_create(iface)->IVssSoftwareSnapshotProvider_iface);
}

static ULONG STDMETHODCALLTYPE create_Release(IVssProviderCreateSnapshotSet *iface)
{
    return provider_Release(&impl_from_create(iface)->IVssSoftwareSnapshotProvider_iface);
}

static unsigned int set_size(struct provider *provider, const GUID *set_id)
{
    unsigned int n = 0;

    for (struct pending *p = provider->pending; p; p = p->next) if (same_guid(&p->set_id, set_id)) n++;
    return n;
}

static HRESULT STDMETHODCALLTYPE create_EndPrepareSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id)
{
    struct provider *provider = impl_from_create(iface);
    unsigned int n;
    HRESULT hr;

    log_call("EndPrepareSnapshots");
    if (PROVIDER_FAULT("EndPrepareSnapshots", &hr)) return hr;
    pthread_mutex_lock(&provider->lock);
    n = set_size(provider, &set_id);
    pthread_mutex_unlock(&provider->lock);
    return n ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}

static HRESULT STDMETHODCALLTYPE create_PreCommitSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id)
{
    HRESULT hr;

    (void)iface;
    (void)set_id;
    log_call("PreCommitSnapshots");
    if (PROVIDER_FAULT("PreCommitSnapshots", &hr)) return hr;
    if (mkdir(store_dir(), 0700) < 0 && errno != EEXIST) return VSS_E_PROVIDER_VETO;
    return S_OK;
}

/* The point in time: each volume of the set is copied. */
static HRESULT STDMETHODCALLTYPE create_CommitSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id)
{
    struct provider *provider = impl_from_create(iface);
    struct stat store_st;
    HRESULT hr = S_OK;
    struct pending *p;

    log_call("CommitSnapshots");
    if (PROVIDER_FAULT("CommitSnapshots", &hr)) return hr;
    if (stat(store_dir(), &store_st) < 0) return VSS_E_PROVIDER_VETO;
    pthread_mutex_lock(&provider->lock);
    for (p = provider->pending; p && SUCCEEDED(hr); p = p->next)
    {
        char tree[PATH_MAX], *root;
        struct info info;
        struct timespec now;
        int src = -1, dst = -1, ret;

        if (!same_guid(&p->set_id, &set_id)) continue;
        if (info_path(&p->id, "", tree, sizeof(tree)) || !(root = strdup(p->volume)))
        {
            hr = E_OUTOFMEMORY;
            break;
        }
        if (strlen(root) > 1 && root[strlen(root) - 1] == '/') root[strlen(root) - 1] = 0;
        if (mkdir(tree, 0700) < 0
            || (src = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
            || (dst = open(tree, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            ret = -errno;
        else ret = copy_tree(src, dst, 0, &store_st);
        if (src >= 0) close(src);
        if (dst >= 0) close(dst);
        free(root);
        memset(&info, 0, sizeof(info));
        info.id = p->id;
        info.set_id = p->set_id;
        info.context = p->context;
        info.count = set_size(provider, &set_id);
        clock_gettime(CLOCK_REALTIME, &now);
        info.created = VSS_EPOCH_DIFF + (LONGLONG)now.tv_sec * 10000000 + now.tv_nsec / 100;
        snprintf(info.volume, sizeof(info.volume), "%s", p->volume);
        if (!ret && info_write(&info)) ret = -EIO;
        if (ret)
        {
            snapshot_remove(&p->id);
            hr = ret == -ENOSPC || ret == -EDQUOT ? VSS_E_INSUFFICIENT_STORAGE : VSS_E_PROVIDER_VETO;
        }
    }
    pthread_mutex_unlock(&provider->lock);
    return hr;
}

/* The set's snapshots become readable and known: they leave the pending list. */
static HRESULT STDMETHODCALLTYPE create_PostCommitSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id,
                                                            LONG count)
{
    struct provider *provider = impl_from_create(iface);
    struct pending **link;
    HRESULT hr = S_OK;

    log_call("PostCommitSnapshots %ld", (long)count);
    if (PROVIDER_FAULT("PostCommitSnapshots", &hr)) return hr;
    pthread_mutex_lock(&provider->lock);
    for (link = &provider->pending; *link;)
    {
        struct pending *p = *link;
        struct info info;

        if (!same_guid(&p->set_id, &set_id))
        {
            link = &p->next;
            continue;
        }
        if (info_read(&p->id, &info)) hr = VSS_E_PROVIDER_VETO;
        else
        {
            info.done = 1;
            if (info_write(&info)) hr = VSS_E_PROVIDER_VETO;
        }
        *link = p->next;
        pending_free(p);
    }
    pthread_mutex_unlock(&provider->lock);
    return hr;
}

static HRESULT STDMETHODCALLTYPE create_PreFinalCommitSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id)
{
    HRESULT hr;

    (void)iface;
    (void)set_id;
    log_call("PreFinalCommitSnapshots");
    if (PROVIDER_FAULT("PreFinalCommitSnapshots", &hr)) return hr;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE create_PostFinalCommitSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id)
{
    HRESULT hr;

    (void)iface;
    (void)set_id;
    log_call("PostFinalCommitSnapshots");
    if (PROVIDER_FAULT("PostFinalCommitSnapshots", &hr)) return hr;
    return S_OK;
}

/* Whatever of the set exists goes, whether this process prepared it or an
 * earlier host of ours did. */
static HRESULT STDMETHODCALLTYPE create_AbortSnapshots(IVssProviderCreateSnapshotSet *iface, VSS_ID set_id)
{
    struct provider *provider = impl_from_create(iface);
    struct pending **link;
    size_t count, i;
    GUID *ids;
    HRESULT hr;

    log_call("AbortSnapshots");
    if (PROVIDER_FAULT("AbortSnapshots", &hr)) return hr;
    pthread_mutex_lock(&provider->lock);
    for (link = &provider->pending; *link;)
    {
        struct pending *p = *link;

        if (!same_guid(&p->set_id, &set_id))
        {
            link = &p->next;
            continue;
        }
        snapshot_remove(&p->id);
        *link = p->next;
        pending_free(p);
    }
    pthread_mutex_unlock(&provider->lock);
    ids = snapshot_ids(&count);
    for (i = 0; i < count; i++)
    {
        struct info info;

        if (!info_read(&ids[i], &info) && same_guid(&info.set_id, &set_id)) snapshot_remove(&ids[i]);
    }
    free(ids);
    return S_OK;
}

static const IVssProviderCreateSnapshotSetVtbl create_vtbl =
{
    create_QueryInterface,
    create_AddRef,
    create_Release,
    create_EndPrepareSnapshots,
    create_PreCommitSnapshots,
    create_CommitSnapshots,
    create_PostCommitSnapshots,
    create_PreFinalCommitSnapshots,
    create_PostFinalCommitSnapshots,
    create_AbortSnapshots,
};

/* --- IVssProviderNotifications ---------------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE notifications_QueryInterface(IVssProviderNotifications *iface, REFIID riid,
                                                              void **out)
{
    return provider_QueryInterface(&impl_from_notifications(iface)->IVssSoftwareSnapshotProvider_iface, riid, out);
}

static ULONG STDMETHODCALLTYPE notifications_AddRef(IVssProviderNotifications *iface)
{
    return provider_AddRef(&impl_from_notifications(iface)->IVssSoftwareSnapshotProvider_iface);
}

static ULONG STDMETHODCALLTYPE notifications_Release(IVssProviderNotifications *iface)
{
    return provider_Release(&impl_from_notifications(iface)->IVssSoftwareSnapshotProvider_iface);
}

static HRESULT STDMETHODCALLTYPE notifications_OnLoad(IVssProviderNotifications *iface, IUnknown *callback)
{
    HRESULT hr;

    (void)iface;
    log_call("OnLoad %s", callback ? "callback" : "NULL");
    if (PROVIDER_FAULT("OnLoad", &hr)) return hr;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE notifications_OnUnload(IVssProviderNotifications *iface, BOOL force)
{
    (void)iface;
    log_call("OnUnload %d", force);
    return S_OK;
}

static const IVssProviderNotificationsVtbl notifications_vtbl =
{
    notifications_QueryInterface,
    notifications_AddRef,
    notifications_Release,
    notifications_OnLoad,
    notifications_OnUnload,
};

/* --- the class factory and the entry point ------------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **out)
{
    if (!out) return E_POINTER;
    if (!same_guid(riid, &iid_unknown) && !same_guid(riid, &iid_class_factory))
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    *out = iface;
    return S_OK;
}

/* The factory is a static object: its reference count means nothing. */
static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
    (void)iface;
    return 2;
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
    (void)iface;
    return 1;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
                                                        void **out)
{
    struct provider *provider;
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    if (!(provider = calloc(1, sizeof(*provider)))) return E_OUTOFMEMORY;
    provider->IVssSoftwareSnapshotProvider_iface.lpVtbl = &software_vtbl;
    provider->IVssProviderCreateSnapshotSet_iface.lpVtbl = &create_vtbl;
    provider->IVssProviderNotifications_iface.lpVtbl = &notifications_vtbl;
    provider->refcount = 1;
    pthread_mutex_init(&provider->lock, NULL);
    hr = provider_QueryInterface(&provider->IVssSoftwareSnapshotProvider_iface, riid, out);
    provider_Release(&provider->IVssSoftwareSnapshotProvider_iface);
    return hr;
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    (void)lock;
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

static IClassFactory factory = { &factory_vtbl };

STDAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out);

HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID clsid, REFIID riid, void **out)
{
    HRESULT hr;

    log_call("DllGetClassObject");
    if (!out) return E_POINTER;
    *out = NULL;
    if (PROVIDER_FAULT("DllGetClassObject", &hr)) return hr;
    if (!same_guid(clsid, &provider_clsid)) return CLASS_E_CLASSNOTAVAILABLE;
    return factory_QueryInterface(&factory, riid, out);
}
