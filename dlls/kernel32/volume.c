/*
 * volume.c: the Win32 volume functions: volume paths and \\?\Volume{GUID}\
 * names (the same GUIDs vssapi gives, umbra/mounts.h), the volume list,
 * drive letters ($VSS_CONFIG_DIR/dosdevices/<letter>: symlinks, Wine's
 * convention; DefineDosDevice writes them), drive types, volume information
 * and free space.
 *
 * What Umbra calls a volume (DESIGN.md §3): a mounted file system, or any
 * directory the directory provider snapshots.  So GetVolumeNameForVolumeMountPoint
 * gives a GUID for any existing directory, not only for mount points, and a
 * drive letter's directory is the root of its volume (GetVolumePathName of
 * "C:\dir\file" is "C:\" unless a file system is mounted in between).
 * Paths come back the way they were asked for: drive paths with '\', POSIX
 * mount points with a trailing '/'.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"
#include "umbra/mounts.h"
#include "kernel32_private.h"

#ifndef FS_IOC_GETFSLABEL
#define FSLABEL_MAX 256
#define FS_IOC_GETFSLABEL _IOR(0x94, 49, char[FSLABEL_MAX])
#endif

static int is_sep(WCHAR c)
{
    return c == '\\' || c == '/';
}

/* The drive letter a Windows path starts with ("C:..." or "\\?\C:..."), or 0. */
static char drive_of(const WCHAR *name)
{
    if (is_sep(name[0]) && is_sep(name[1]) && (name[2] == '?' || name[2] == '.') && is_sep(name[3])) name += 4;
    if (name[0] < 0x80 && isalpha(name[0]) && name[1] == ':') return (char)name[0];
    return 0;
}

static int drive_target(char letter, char **root)
{
    char link[PATH_MAX];

    if (umbra_dosdevices_path(letter, link, sizeof(link))) return -EINVAL;
    return (*root = realpath(link, NULL)) ? 0 : -ENOENT;
}

/* The deepest existing directory at or above path, canonical. */
static char *existing_ancestor(const char *path)
{
    char *copy = strdup(path), *real = NULL, *slash;
    struct stat st;

    while (copy && !(real = realpath(copy, NULL)))
    {
        if (!(slash = strrchr(copy, '/')) || slash == copy)
        {
            free(copy);
            return strdup("/");
        }
        *slash = 0;
    }
    free(copy);
    if (real && (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)))
    {
        /* a file: its directory */
        slash = strrchr(real, '/');
        if (slash == real) slash[1] = 0;
        else if (slash) *slash = 0;
    }
    return real;
}

/* "X:\sub\" for unix_dir below drive letter X whose directory is root. */
static int drive_form(char letter, const char *root, const char *unix_dir, char **out)
{
    const char *rest = unix_dir + (strcmp(root, "/") ? strlen(root) : 0);
    char *p;

    if (!(*out = malloc(strlen(rest) + 5))) return -ENOMEM;
    sprintf(*out, "%c:%s\\", letter, rest);
    for (p = *out; *p; p++) if (*p == '/') *p = '\\';
    return 0;
}

static int posix_form(const char *dir, char **out)
{
    if (!(*out = malloc(strlen(dir) + 2))) return -ENOMEM;
    sprintf(*out, "%s%s", dir, strcmp(dir, "/") ? "/" : "");
    return 0;
}

BOOL WINAPI GetVolumePathNameW(LPCWSTR name, LPWSTR volume_path, DWORD size)
{
    struct umbra_mount_table t;
    char *path = NULL, *real = NULL, *root = NULL, *out = NULL, letter;
    const char *mount = "/";
    int ret, idx;
    BOOL ok = FALSE;

    TRACE("%s, %p, %u\n", debugstr_w(name), volume_path, size);
    if (!name || !volume_path || !size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(path = k32_unix_path(name))) return FALSE;
    if (!(real = existing_ancestor(path)))
    {
        k32_fail_errno(-ENOMEM);
        goto done;
    }
    if ((ret = umbra_mounts_read(&t)))
    {
        k32_fail_errno(ret);
        goto done;
    }
    if ((idx = umbra_mounts_find(&t, real)) >= 0) mount = t.entries[idx].mount_point;

    letter = drive_of(name);
    if (letter && !drive_target(letter, &root) && umbra_path_below(real, root))
        ret = drive_form(letter, root, umbra_path_below(mount, root) ? mount : root, &out);
    else
        ret = posix_form(mount, &out);
    umbra_mounts_free(&t);
    if (ret)
    {
        k32_fail_errno(ret);
        goto done;
    }
    if (k32_copy_out(out, volume_path, size) >= size) SetLastError(ERROR_FILENAME_EXCED_RANGE);
    else ok = TRUE;
done:
    free(path);
    free(real);
    free(root);
    free(out);
    return ok;
}

static BOOL copy_guid_name(const GUID *guid, LPWSTR name, DWORD size)
{
    char text[64];

    umbra_volume_guid_name(guid, text, sizeof(text));
    if (k32_copy_out(text, name, size) >= size)
    {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    return TRUE;
}

/* Parse "\\?\Volume{GUID}\" from a WCHAR string. */
static int parse_guid_name(const WCHAR *name, GUID *guid)
{
    char *utf8;
    int ret;

    if ((ret = k32_to_utf8(name, &utf8))) return ret;
    ret = umbra_volume_parse_guid_name(utf8, guid);
    free(utf8);
    return ret;
}

BOOL WINAPI GetVolumeNameForVolumeMountPointW(LPCWSTR mount_point, LPWSTR name, DWORD size)
{
    struct umbra_volume vol;
    GUID guid;
    char *path;
    int ret;

    TRACE("%s, %p, %u\n", debugstr_w(mount_point), name, size);
    if (!mount_point || !name || !size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* a volume name stands for itself */
    if (!parse_guid_name(mount_point, &guid)) return copy_guid_name(&guid, name, size);
    if (!(path = k32_unix_path(mount_point))) return FALSE;
    ret = umbra_volume_from_path(path, &vol);
    if (ret == -ENOTDIR) SetLastError(ERROR_NOT_A_REPARSE_POINT);
    else if (ret == -ENOENT) SetLastError(ERROR_FILE_NOT_FOUND);
    else if (ret) k32_fail_errno(ret);
    free(path);
    if (ret) return FALSE;
    guid = vol.guid;
    umbra_volume_free(&vol);
    return copy_guid_name(&guid, name, size);
}

/* --- names of a volume ---------------------------------------------------------------- */

struct name_list
{
    char *buf;
    size_t len, cap;
};

static int list_add(struct name_list *list, const char *name)
{
    size_t n = strlen(name) + 1, i;

    for (i = 0; i < list->len; i += strlen(list->buf + i) + 1)
        if (!strcmp(list->buf + i, name)) return 0;
    if (list->len + n + 1 > list->cap)
    {
        size_t cap = (list->len + n + 1) * 2;
        char *grown = realloc(list->buf, cap);
        if (!grown) return -ENOMEM;
        list->buf = grown;
        list->cap = cap;
    }
    memcpy(list->buf + list->len, name, n);
    list->len += n;
    return 0;
}

/* Every path that reaches the volume: drive letters, then mount points. */
static int volume_paths(const GUID *guid, struct name_list *list)
{
    struct umbra_mount_table t;
    char letter, *root, *form;
    size_t i;
    int ret;

    for (letter = 'a'; letter <= 'z'; letter++)
    {
        struct umbra_volume vol;
        int match;

        if (drive_target(letter, &root)) continue;
        match = !umbra_volume_from_path(root, &vol) && IsEqualGUID(&vol.guid, guid);
        umbra_volume_free(&vol);
        free(root);
        if (match)
        {
            char text[4] = { (char)toupper((unsigned char)letter), ':', '\\', 0 };
            if ((ret = list_add(list, text))) return ret;
        }
    }
    if ((ret = umbra_mounts_read(&t))) return ret;
    for (i = 0; i < t.count && !ret; i++)
    {
        const struct umbra_mount *e = &t.entries[i];
        struct umbra_volume vol;

        if (e->covered || umbra_fstype_never_volume(e->fstype)) continue;
        if (umbra_volume_fill(e, e->mount_point, &vol)) continue;
        if (IsEqualGUID(&vol.guid, guid) && !(ret = posix_form(e->mount_point, &form)))
        {
            ret = list_add(list, form);
            free(form);
        }
        umbra_volume_free(&vol);
    }
    umbra_mounts_free(&t);
    if (ret || list->len) return ret;
    /* a directory volume: where vssapi's registry (or a drive letter) says it is */
    if ((ret = umbra_volume_root_for_guid(guid, &root))) return ret;
    if (!(ret = posix_form(root, &form)))
    {
        ret = list_add(list, form);
        free(form);
    }
    free(root);
    return ret;
}

BOOL WINAPI GetVolumePathNamesForVolumeNameW(LPCWSTR volume, LPWCH names, DWORD size, PDWORD needed)
{
    struct name_list list = { NULL, 0, 0 };
    WCHAR *wide = NULL;
    GUID guid;
    int ret, len;
    BOOL ok = FALSE;

    TRACE("%s, %p, %u, %p\n", debugstr_w(volume), names, size, needed);
    if (!volume || (!names && size))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (parse_guid_name(volume, &guid))
    {
        SetLastError(ERROR_INVALID_NAME);
        return FALSE;
    }
    if ((ret = volume_paths(&guid, &list)))
    {
        if (ret == -ENOENT) SetLastError(ERROR_FILE_NOT_FOUND);
        else k32_fail_errno(ret);
        goto done;
    }
    /* each name ends in a NUL and one more NUL ends the list (list_add left room) */
    if (!list.buf && !(list.buf = calloc(1, 1)))
    {
        k32_fail_errno(-ENOMEM);
        goto done;
    }
    list.buf[list.len] = 0;
    if ((len = MultiByteToWideChar(CP_UTF8, 0, list.buf, (int)list.len + 1, NULL, 0)) <= 0
        || !(wide = malloc(len * sizeof(WCHAR))))
    {
        k32_fail_errno(-ENOMEM);
        goto done;
    }
    MultiByteToWideChar(CP_UTF8, 0, list.buf, (int)list.len + 1, wide, len);
    if (needed) *needed = (DWORD)len;
    if ((DWORD)len > size)
    {
        SetLastError(ERROR_MORE_DATA);
        goto done;
    }
    memcpy(names, wide, len * sizeof(WCHAR));
    ok = TRUE;
done:
    free(list.buf);
    free(wide);
    return ok;
}

/* --- the volume list -------------------------------------------------------------------- */

struct volume_find
{
    struct kobject obj;
    GUID *guids;
    size_t count, next;
};

static void volume_find_destroy(struct kobject *obj)
{
    struct volume_find *find = CONTAINING_RECORD(obj, struct volume_find, obj);

    free(find->guids);
    free(find);
}

static const struct kobject_ops volume_find_ops = { KOBJ_FIND_VOLUME, volume_find_destroy, NULL, NULL };

static int add_guid(struct volume_find *find, const GUID *guid, size_t *cap)
{
    size_t i;

    for (i = 0; i < find->count; i++)
        if (IsEqualGUID(&find->guids[i], guid)) return 0;
    if (find->count == *cap)
    {
        GUID *grown = realloc(find->guids, (*cap = *cap ? *cap * 2 : 16) * sizeof(*grown));
        if (!grown) return -ENOMEM;
        find->guids = grown;
    }
    find->guids[find->count++] = *guid;
    return 0;
}

/* Mounted volumes, then the directories of drive letters that are no mount root. */
static int collect_volumes(struct volume_find *find)
{
    struct umbra_volume *vols;
    size_t count, cap = 0, i;
    char letter, *root;
    int ret;

    if ((ret = umbra_volume_list(&vols, &count))) return ret;
    for (i = 0; i < count && !ret; i++) ret = add_guid(find, &vols[i].guid, &cap);
    umbra_volume_list_free(vols, count);
    for (letter = 'a'; letter <= 'z' && !ret; letter++)
    {
        struct umbra_volume vol;

        if (drive_target(letter, &root)) continue;
        if (!umbra_volume_from_path(root, &vol))
        {
            ret = add_guid(find, &vol.guid, &cap);
            umbra_volume_free(&vol);
        }
        free(root);
    }
    return ret;
}

static BOOL next_volume(struct volume_find *find, LPWSTR name, DWORD size)
{
    if (find->next >= find->count)
    {
        SetLastError(ERROR_NO_MORE_FILES);
        return FALSE;
    }
    if (!copy_guid_name(&find->guids[find->next], name, size)) return FALSE;
    find->next++;
    return TRUE;
}

HANDLE WINAPI FindFirstVolumeW(LPWSTR name, DWORD size)
{
    struct volume_find *find;
    HANDLE handle = INVALID_HANDLE_VALUE;
    int ret;

    TRACE("%p, %u\n", name, size);
    if (!name || !size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (!(find = calloc(1, sizeof(*find))))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    kobject_init(&find->obj, &volume_find_ops);
    if ((ret = collect_volumes(find))) k32_fail_errno(ret);
    else if (next_volume(find, name, size) && !(handle = handle_alloc(&find->obj))) handle = INVALID_HANDLE_VALUE;
    kobject_release(&find->obj);
    return handle;
}

BOOL WINAPI FindNextVolumeW(HANDLE handle, LPWSTR name, DWORD size)
{
    struct kobject *obj;
    BOOL ret;

    if (!name || !size)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(obj = handle_get(handle, KOBJ_FIND_VOLUME))) return FALSE;
    ret = next_volume(CONTAINING_RECORD(obj, struct volume_find, obj), name, size);
    kobject_release(obj);
    return ret;
}

BOOL WINAPI FindVolumeClose(HANDLE handle)
{
    struct kobject *obj;

    if (!(obj = handle_get(handle, KOBJ_FIND_VOLUME))) return FALSE;
    kobject_release(obj);
    return CloseHandle(handle);
}

/* --- drive letters -------------------------------------------------------------------- */

DWORD WINAPI GetLogicalDrives(void)
{
    DWORD mask = 0;
    char letter, *root;

    for (letter = 'a'; letter <= 'z'; letter++)
    {
        if (drive_target(letter, &root)) continue;
        mask |= 1u << (letter - 'a');
        free(root);
    }
    if (!mask) SetLastError(ERROR_SUCCESS);
    return mask;
}

DWORD WINAPI GetLogicalDriveStringsW(DWORD size, LPWSTR buffer)
{
    DWORD mask = GetLogicalDrives(), needed = 1, i, pos = 0;

    for (i = 0; i < 26; i++) if (mask & (1u << i)) needed += 4;
    if (size < needed || !buffer) return needed;
    for (i = 0; i < 26; i++)
    {
        if (!(mask & (1u << i))) continue;
        buffer[pos++] = 'A' + i;
        buffer[pos++] = ':';
        buffer[pos++] = '\\';
        buffer[pos++] = 0;
    }
    buffer[pos] = 0;
    return needed - 1;
}

/* "C:" (nothing after the colon) -> 'c'; else 0. */
static char device_letter(const WCHAR *device)
{
    if (device && device[0] < 0x80 && isalpha(device[0]) && device[1] == ':' && !device[2])
        return (char)tolower(device[0]);
    return 0;
}

DWORD WINAPI QueryDosDeviceW(LPCWSTR device, LPWSTR target, DWORD size)
{
    char link[PATH_MAX], value[PATH_MAX], letter;
    WCHAR *wide;
    DWORD len, i, pos = 0;
    ssize_t n;

    TRACE("%s, %p, %u\n", debugstr_w(device), target, size);
    if (!target)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!device)
    {
        /* every device name, as a list */
        DWORD mask = GetLogicalDrives();

        for (i = 0; i < 26; i++)
        {
            if (!(mask & (1u << i))) continue;
            if (pos + 4 > size)
            {
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return 0;
            }
            target[pos++] = 'A' + i;
            target[pos++] = ':';
            target[pos++] = 0;
        }
        if (pos + 1 > size)
        {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return 0;
        }
        target[pos++] = 0;
        return pos;
    }
    if (!(letter = device_letter(device)) || umbra_dosdevices_path(letter, link, sizeof(link)))
    {
        SetLastError(ERROR_FILE_NOT_FOUND);
        return 0;
    }
    if ((n = readlink(link, value, sizeof(value) - 1)) < 0)
    {
        SetLastError(ERROR_FILE_NOT_FOUND);
        return 0;
    }
    value[n] = 0;
    if (k32_from_utf8(value, &wide))
    {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return 0;
    }
    len = (DWORD)wcslen(wide);
    if (len + 2 > size)
    {
        free(wide);
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    memcpy(target, wide, (len + 1) * sizeof(WCHAR));
    target[len + 1] = 0;
    free(wide);
    return len + 2;
}

static int make_dirs(const char *path)
{
    char buf[PATH_MAX], *p;

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) return -ENAMETOOLONG;
    for (p = buf + 1; *p; p++)
    {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -errno;
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -errno;
    return 0;
}

BOOL WINAPI DefineDosDeviceW(DWORD flags, LPCWSTR device, LPCWSTR target)
{
    char link[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX + 32], current[PATH_MAX], letter;
    char *path = NULL;
    ssize_t n;
    int ret = 0;

    TRACE("%#x, %s, %s\n", flags, debugstr_w(device), debugstr_w(target));
    if (!(letter = device_letter(device)) || umbra_dosdevices_path(letter, link, sizeof(link)))
    {
        /* only drive letters exist in the dosdevices namespace here */
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (flags & DDD_REMOVE_DEFINITION)
    {
        if (target && (flags & DDD_EXACT_MATCH_ON_REMOVE))
        {
            if (!(path = (flags & DDD_RAW_TARGET_PATH) ? NULL : k32_unix_path(target))) return FALSE;
            n = readlink(link, current, sizeof(current) - 1);
            if (n < 0 || (current[n] = 0, strcmp(current, path)))
            {
                free(path);
                SetLastError(ERROR_FILE_NOT_FOUND);
                return FALSE;
            }
            free(path);
        }
        if (unlink(link) < 0)
        {
            SetLastError(ERROR_FILE_NOT_FOUND);
            return FALSE;
        }
        return TRUE;
    }
    if (!target)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* a raw target is a device path; ours are directories, named like any path */
    if (!(path = k32_unix_path(target))) return FALSE;
    if ((ret = umbra_dosdevices_dir(dir, sizeof(dir))) || (ret = make_dirs(dir))) goto done;
    /* replace atomically: a new link beside the old one, renamed over it */
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", link, (int)getpid());
    unlink(tmp);
    if (symlink(path, tmp) < 0 || rename(tmp, link) < 0)
    {
        ret = -errno;
        unlink(tmp);
    }
done:
    free(path);
    return ret ? k32_fail_errno(ret) : TRUE;
}

/* --- information -------------------------------------------------------------------- */

/* The directory a root argument names (NULL: the current directory). */
static char *root_path(LPCWSTR root)
{
    return k32_unix_path(root ? root : L".");
}

static int mount_of(const char *path, char *fstype, size_t fstype_size, char *source, size_t source_size)
{
    struct umbra_mount_table t;
    char *real = realpath(path, NULL);
    int ret, idx;

    if (!real) return -errno;
    if (!(ret = umbra_mounts_read(&t)))
    {
        if ((idx = umbra_mounts_find(&t, real)) < 0) ret = -ENOENT;
        else
        {
            snprintf(fstype, fstype_size, "%s", t.entries[idx].fstype);
            snprintf(source, source_size, "%s", t.entries[idx].source);
        }
        umbra_mounts_free(&t);
    }
    free(real);
    return ret;
}

static int removable_device(dev_t dev)
{
    char path[128];
    FILE *f;
    int c = '0';

    snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/removable", major(dev), minor(dev));
    if (!(f = fopen(path, "re")))
    {
        /* a partition: the disk knows */
        snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../removable", major(dev), minor(dev));
        if (!(f = fopen(path, "re"))) return 0;
    }
    c = fgetc(f);
    fclose(f);
    return c == '1';
}

static UINT drive_type(const char *path)
{
    static const char *const remote[] = { "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "afs", "sshfs",
                                          "fuse.sshfs", "glusterfs", "lustre" };
    char fstype[64], source[PATH_MAX];
    struct stat st;
    unsigned int i;

    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) return DRIVE_NO_ROOT_DIR;
    if (mount_of(path, fstype, sizeof(fstype), source, sizeof(source))) return DRIVE_UNKNOWN;
    for (i = 0; i < ARRAYSIZE(remote); i++)
        if (!strcmp(fstype, remote[i])) return DRIVE_REMOTE;
    if (!strcmp(fstype, "tmpfs") || !strcmp(fstype, "ramfs")) return DRIVE_RAMDISK;
    if (!strcmp(fstype, "iso9660") || !strcmp(fstype, "udf")) return DRIVE_CDROM;
    if (umbra_fstype_never_volume(fstype) || !umbra_fstype_on_block_device(fstype)) return DRIVE_UNKNOWN;
    if (!stat(source, &st) && S_ISBLK(st.st_mode) && removable_device(st.st_rdev)) return DRIVE_REMOVABLE;
    return DRIVE_FIXED;
}

UINT WINAPI GetDriveTypeW(LPCWSTR root)
{
    char *path;
    UINT type;

    TRACE("%s\n", debugstr_w(root));
    if (!(path = root_path(root))) return DRIVE_NO_ROOT_DIR;
    type = drive_type(path);
    free(path);
    return type;
}

static DWORD fs_flags(const char *fstype, int read_only)
{
    DWORD flags = FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK
                  | FILE_PERSISTENT_ACLS | FILE_SUPPORTS_SPARSE_FILES | FILE_SUPPORTS_HARD_LINKS
                  | FILE_SUPPORTS_REPARSE_POINTS | FILE_SUPPORTS_EXTENDED_ATTRIBUTES;

    if (!strcmp(fstype, "btrfs")) flags |= FILE_FILE_COMPRESSION | FILE_SUPPORTS_BLOCK_REFCOUNTING;
    if (!strcmp(fstype, "xfs")) flags |= FILE_SUPPORTS_BLOCK_REFCOUNTING;
    if (!strcmp(fstype, "vfat") || !strcmp(fstype, "exfat"))
        flags &= ~(DWORD)(FILE_CASE_SENSITIVE_SEARCH | FILE_PERSISTENT_ACLS | FILE_SUPPORTS_SPARSE_FILES
                          | FILE_SUPPORTS_HARD_LINKS | FILE_SUPPORTS_REPARSE_POINTS
                          | FILE_SUPPORTS_EXTENDED_ATTRIBUTES);
    if (read_only) flags |= FILE_READ_ONLY_VOLUME;
    return flags;
}

BOOL WINAPI GetVolumeInformationW(LPCWSTR root, LPWSTR label, DWORD label_size, LPDWORD serial,
                                  LPDWORD max_component, LPDWORD flags, LPWSTR fs_name, DWORD fs_name_size)
{
    char fstype[64] = "", source[PATH_MAX], text[FSLABEL_MAX + 1] = "";
    struct statvfs svfs;
    struct statfs sfs;
    char *path;
    int fd, ret;

    TRACE("%s, %p, %u, %p, %p, %p, %p, %u\n", debugstr_w(root), label, label_size, serial, max_component,
          flags, fs_name, fs_name_size);
    if (!(path = root_path(root))) return FALSE;
    if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
        ret = -errno;
        k32_fail_path_errno(ret == -ENOTDIR ? -ENOTDIR : ret, path);
        free(path);
        return FALSE;
    }
    mount_of(path, fstype, sizeof(fstype), source, sizeof(source));
    free(path);
    if (ioctl(fd, FS_IOC_GETFSLABEL, text) < 0) text[0] = 0;
    text[FSLABEL_MAX] = 0;
    ret = fstatfs(fd, &sfs) < 0 || fstatvfs(fd, &svfs) < 0 ? -errno : 0;
    if (!ret && serial) *serial = k32_volume_serial(fd);
    close(fd);
    if (ret) return k32_fail_errno(ret);
    if (max_component) *max_component = (DWORD)sfs.f_namelen;
    if (flags) *flags = fs_flags(fstype, !!(svfs.f_flag & ST_RDONLY));
    if (label && k32_copy_out(text, label, label_size) >= label_size)
    {
        SetLastError(ERROR_BAD_LENGTH);
        return FALSE;
    }
    if (fs_name && k32_copy_out(fstype, fs_name, fs_name_size) >= fs_name_size)
    {
        SetLastError(ERROR_BAD_LENGTH);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR dir, PULARGE_INTEGER avail, PULARGE_INTEGER total,
                                PULARGE_INTEGER free_bytes)
{
    struct statvfs svfs;
    char *path;
    int ret;

    TRACE("%s, %p, %p, %p\n", debugstr_w(dir), avail, total, free_bytes);
    if (!(path = root_path(dir))) return FALSE;
    ret = statvfs(path, &svfs) < 0 ? -errno : 0;
    if (ret) k32_fail_path_errno(ret, path);
    free(path);
    if (ret) return FALSE;
    if (avail) avail->QuadPart = (ULONGLONG)svfs.f_bavail * svfs.f_frsize;
    if (total) total->QuadPart = (ULONGLONG)svfs.f_blocks * svfs.f_frsize;
    if (free_bytes) free_bytes->QuadPart = (ULONGLONG)svfs.f_bfree * svfs.f_frsize;
    return TRUE;
}

/* --- narrow forms ----------------------------------------------------------------------- */

static WCHAR *widen(const char *str, BOOL *ok)
{
    WCHAR *wide = NULL;

    *ok = !k32_from_utf8(str, &wide);
    if (!*ok) SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    return wide;
}

BOOL WINAPI GetVolumePathNameA(LPCSTR name, LPSTR volume_path, DWORD size)
{
    WCHAR *wide, buf[PATH_MAX];
    BOOL ok;

    if (!(wide = widen(name, &ok)) && name) return FALSE;
    ok = GetVolumePathNameW(wide, buf, ARRAYSIZE(buf));
    free(wide);
    if (ok && k32_copy_out_a(buf, volume_path, size) >= size)
    {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        ok = FALSE;
    }
    return ok;
}

BOOL WINAPI GetVolumeNameForVolumeMountPointA(LPCSTR mount_point, LPSTR name, DWORD size)
{
    WCHAR *wide, buf[64];
    BOOL ok;

    if (!(wide = widen(mount_point, &ok)) && mount_point) return FALSE;
    ok = GetVolumeNameForVolumeMountPointW(wide, buf, ARRAYSIZE(buf));
    free(wide);
    if (ok && k32_copy_out_a(buf, name, size) >= size)
    {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        ok = FALSE;
    }
    return ok;
}

BOOL WINAPI GetVolumePathNamesForVolumeNameA(LPCSTR volume, LPCH names, DWORD size, PDWORD needed)
{
    WCHAR *wide, *buf = NULL;
    DWORD wneeded = 0, pos = 0, total = 1;
    const WCHAR *p;
    BOOL ok;

    if (!(wide = widen(volume, &ok)) && volume) return FALSE;
    ok = GetVolumePathNamesForVolumeNameW(wide, NULL, 0, &wneeded);
    if (!ok && GetLastError() == ERROR_MORE_DATA && (buf = malloc(wneeded * sizeof(WCHAR))))
        ok = GetVolumePathNamesForVolumeNameW(wide, buf, wneeded, &wneeded);
    free(wide);
    if (!ok)
    {
        free(buf);
        return FALSE;
    }
    for (p = buf; *p; p += wcslen(p) + 1) total += k32_copy_out_a(p, NULL, 0);
    if (needed) *needed = total;
    if (total > size || !names)
    {
        free(buf);
        SetLastError(ERROR_MORE_DATA);
        return FALSE;
    }
    for (p = buf; *p; p += wcslen(p) + 1) pos += k32_copy_out_a(p, names + pos, size - pos) + 1;
    names[pos] = 0;
    free(buf);
    return TRUE;
}

HANDLE WINAPI FindFirstVolumeA(LPSTR name, DWORD size)
{
    WCHAR buf[64];
    HANDLE handle = FindFirstVolumeW(buf, ARRAYSIZE(buf));

    if (handle != INVALID_HANDLE_VALUE && k32_copy_out_a(buf, name, size) >= size)
    {
        FindVolumeClose(handle);
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return INVALID_HANDLE_VALUE;
    }
    return handle;
}

BOOL WINAPI FindNextVolumeA(HANDLE handle, LPSTR name, DWORD size)
{
    WCHAR buf[64];

    if (!FindNextVolumeW(handle, buf, ARRAYSIZE(buf))) return FALSE;
    if (k32_copy_out_a(buf, name, size) >= size)
    {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    return TRUE;
}

UINT WINAPI GetDriveTypeA(LPCSTR root)
{
    WCHAR *wide;
    UINT type;
    BOOL ok;

    if (!(wide = widen(root, &ok)) && root) return DRIVE_NO_ROOT_DIR;
    type = GetDriveTypeW(wide);
    free(wide);
    return type;
}

DWORD WINAPI GetLogicalDriveStringsA(DWORD size, LPSTR buffer)
{
    WCHAR wide[26 * 4 + 1];
    DWORD len = GetLogicalDriveStringsW(ARRAYSIZE(wide), wide), i;

    if (len + 1 > size || !buffer) return len + 1;
    for (i = 0; i <= len; i++) buffer[i] = (char)wide[i];
    return len;
}

DWORD WINAPI QueryDosDeviceA(LPCSTR device, LPSTR target, DWORD size)
{
    WCHAR *wide, buf[PATH_MAX];
    DWORD len, pos = 0, i;
    BOOL ok;

    if (!(wide = widen(device, &ok)) && device) return 0;
    len = QueryDosDeviceW(wide, buf, ARRAYSIZE(buf));
    free(wide);
    if (!len) return 0;
    for (i = 0; i < len && buf[i]; i += wcslen(buf + i) + 1)
    {
        DWORD n = k32_copy_out_a(buf + i, target ? target + pos : NULL, pos < size ? size - pos : 0);
        if (pos + n + 1 >= size || !target)
        {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return 0;
        }
        pos += n + 1;
    }
    target[pos++] = 0;
    return pos;
}

BOOL WINAPI DefineDosDeviceA(DWORD flags, LPCSTR device, LPCSTR target)
{
    WCHAR *wdevice, *wtarget = NULL;
    BOOL ok;

    if (!(wdevice = widen(device, &ok)) && device) return FALSE;
    if (!(wtarget = widen(target, &ok)) && target)
    {
        free(wdevice);
        return FALSE;
    }
    ok = DefineDosDeviceW(flags, wdevice, wtarget);
    free(wdevice);
    free(wtarget);
    return ok;
}

BOOL WINAPI GetVolumeInformationA(LPCSTR root, LPSTR label, DWORD label_size, LPDWORD serial,
                                  LPDWORD max_component, LPDWORD flags, LPSTR fs_name, DWORD fs_name_size)
{
    WCHAR *wide, wlabel[FSLABEL_MAX + 1], wfs[64];
    BOOL ok;

    if (!(wide = widen(root, &ok)) && root) return FALSE;
    ok = GetVolumeInformationW(wide, wlabel, ARRAYSIZE(wlabel), serial, max_component, flags, wfs, ARRAYSIZE(wfs));
    free(wide);
    if (!ok) return FALSE;
    if ((label && k32_copy_out_a(wlabel, label, label_size) >= label_size)
        || (fs_name && k32_copy_out_a(wfs, fs_name, fs_name_size) >= fs_name_size))
    {
        SetLastError(ERROR_BAD_LENGTH);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI GetDiskFreeSpaceExA(LPCSTR dir, PULARGE_INTEGER avail, PULARGE_INTEGER total,
                                PULARGE_INTEGER free_bytes)
{
    WCHAR *wide;
    BOOL ok;

    if (!(wide = widen(dir, &ok)) && dir) return FALSE;
    ok = GetDiskFreeSpaceExW(wide, avail, total, free_bytes);
    free(wide);
    return ok;
}
