/*
 * path.c: Windows paths and POSIX paths.  Every kernel32 function that takes
 * a file name turns it into a POSIX path here (umbra/kernel32.h lists the
 * forms: drive letters through $VSS_CONFIG_DIR/dosdevices, \\?\ and \\.\,
 * \\?\Volume{GUID}\, POSIX and relative paths, '\' or '/'), and the functions
 * that hand paths back (GetFullPathName, GetCurrentDirectory, GetTempPath,
 * GetTempFileName) write them the way the caller spoke: "C:\dir" stays a drive
 * path, "/srv/dir" a POSIX one.
 *
 * Not for: volume names and mount points (volume.c, volume_id.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/kernel32.h"
#include "umbra/mounts.h"
#include "kernel32_private.h"

static int is_sep(char c)
{
    return c == '\\' || c == '/';
}

static int is_drive(const char *s)
{
    return isascii((unsigned char)s[0]) && isalpha((unsigned char)s[0]) && s[1] == ':';
}

/* --- lexical normalisation ---------------------------------------------------- */

/* Append the components of path to out (which holds a root ending in '/'),
 * '\' and '/' alike, dropping empty ones and "." and resolving ".." by name;
 * ".." never climbs above the root, as on Windows.  keep_dots: a \\?\ path,
 * whose components Windows passes through untouched. */
static int append_components(char *out, size_t size, size_t root_len, const char *path, int keep_dots)
{
    size_t len = strlen(out);
    const char *p = path;

    while (*p)
    {
        const char *start;
        size_t n;

        while (is_sep(*p)) p++;
        start = p;
        while (*p && !is_sep(*p)) p++;
        n = p - start;
        if (!n) continue;
        if (!keep_dots && n == 1 && start[0] == '.') continue;
        if (!keep_dots && n == 2 && start[0] == '.' && start[1] == '.')
        {
            if (len > root_len)
            {
                len--;   /* the '/' after the last component */
                while (len > root_len && out[len - 1] != '/') len--;
                out[len] = 0;
            }
            continue;
        }
        if (len + n + 2 > size) return -ENAMETOOLONG;
        memcpy(out + len, start, n);
        len += n;
        out[len++] = '/';
        out[len] = 0;
    }
    /* no trailing '/' except for the root itself */
    if (len > root_len && len > 1 && out[len - 1] == '/') out[--len] = 0;
    else if (len > 1 && out[len - 1] == '/' && len == root_len) out[--len] = 0;
    if (!len)
    {
        out[0] = '/';
        out[1] = 0;
    }
    return 0;
}

/* root (a POSIX directory) joined with the components of rest. */
static int join_path(const char *root, const char *rest, int keep_dots, char **out)
{
    size_t size = strlen(root) + strlen(rest) + 3;
    char *buf;
    int ret;

    if (size > PATH_MAX * 4) return -ENAMETOOLONG;
    if (!(buf = malloc(size))) return -ENOMEM;
    strcpy(buf, root);
    if (buf[strlen(buf) - 1] != '/') strcat(buf, "/");
    if ((ret = append_components(buf, size, strlen(buf), rest, keep_dots)))
    {
        free(buf);
        return ret;
    }
    *out = buf;
    return 0;
}

/* --- case -------------------------------------------------------------------------- */

/* Windows names do not care about case: when a component is missing as
 * spelled, take the entry of its directory that differs only in (ASCII) case.
 * The first component that matches nothing ends the search; the rest stays
 * as written (a file about to be created).  fold_last 0: the last component
 * is left alone (the caller creates it). */
static void fix_case(char *path, int fold_last)
{
    struct stat st;
    char *p, *end;

    if (!lstat(path, &st)) return;
    for (p = path + 1; *p; p = *end ? end + 1 : end)
    {
        struct dirent *de;
        char saved, sep;
        int found = 0;
        DIR *dir;

        end = p + strcspn(p, "/");
        saved = *end;
        /* a name about to be created is created as spelled: no scan of a
         * directory that may hold thousands of entries for each new file */
        if (!saved && !fold_last) return;
        *end = 0;
        if (!lstat(path, &st))
        {
            *end = saved;
            continue;
        }
        /* the directory the component should be in: path up to p */
        sep = p[-1];
        p[-1] = 0;
        dir = opendir(p - 1 == path ? "/" : path);
        p[-1] = sep;
        while (dir && (de = readdir(dir)))
        {
            if (strlen(de->d_name) != (size_t)(end - p) || strcasecmp(de->d_name, p)) continue;
            memcpy(p, de->d_name, end - p);
            found = 1;
            break;
        }
        if (dir) closedir(dir);
        *end = saved;
        if (!found) return;
    }
}

/* --- Windows -> POSIX ----------------------------------------------------------------- */

static int drive_root(char letter, char **root)
{
    char link[PATH_MAX];
    int ret;

    if ((ret = umbra_dosdevices_path(letter, link, sizeof(link)))) return ret;
    if (!(*root = realpath(link, NULL)))
    {
        TRACE("drive %c: is not mapped (%s): %s\n", letter, link, strerror(errno));
        return -ENOENT;
    }
    return 0;
}

static int map_drive(const char *name, int keep_dots, char **out)
{
    char *root;
    int ret;

    /* "C:rest" is relative to the drive's current directory on Windows; a
     * process here has one current directory, so it is the drive's root. */
    if ((ret = drive_root(name[0], &root))) return ret;
    ret = join_path(root, name + 2, keep_dots, out);
    free(root);
    return ret;
}

static int map_device_path(const char *rest, int keep_dots, char **out)
{
    GUID guid;
    char *root;
    int ret;

    if (!strncasecmp(rest, "Volume{", 7))
    {
        if (strnlen(rest + 7, 37) < 37 || rest[7 + 36] != '}' || umbra_guid_parse(rest + 7, &guid))
            return -EINVAL;
        rest += 7 + 37;
        if (*rest && !is_sep(*rest)) return -EINVAL;
        if ((ret = umbra_volume_root_for_guid(&guid, &root))) return ret;
        ret = join_path(root, rest, keep_dots, out);
        free(root);
        return ret;
    }
    if (is_drive(rest) && (!rest[2] || is_sep(rest[2]))) return map_drive(rest, keep_dots, out);
    if (!strncasecmp(rest, "UNC", 3) && is_sep(rest[3])) return -EOPNOTSUPP;
    /* \\?\GLOBALROOT\Device\..., \\.\PhysicalDrive0, pipes: no such devices here */
    return -ENOENT;
}

static int map_path(const char *name, int fold_last, char **out)
{
    char cwd[PATH_MAX];
    int ret;

    if (!out) return -EINVAL;
    *out = NULL;
    if (!name || !*name) return -EINVAL;

    if (is_sep(name[0]) && is_sep(name[1]) && (name[2] == '?' || name[2] == '.') && is_sep(name[3]))
        ret = map_device_path(name + 4, name[2] == '?', out);
    else if (is_sep(name[0]) && is_sep(name[1]) && !(name[0] == '/' && name[1] == '/'))
        ret = -EOPNOTSUPP;   /* \\server\share */
    else if (is_drive(name))
        ret = map_drive(name, 0, out);
    else if (is_sep(name[0]))
        ret = join_path("/", name, 0, out);
    else
    {
        /* relative: ".." may climb above the current directory */
        char *joined;

        if (!getcwd(cwd, sizeof(cwd))) return -errno;
        if (!(joined = malloc(strlen(cwd) + strlen(name) + 2))) return -ENOMEM;
        sprintf(joined, "%s/%s", cwd, name);
        ret = join_path("/", joined, 0, out);
        free(joined);
    }
    if (!ret) fix_case(*out, fold_last);
    TRACE("%s -> %s\n", name, ret ? strerror(-ret) : *out);
    return ret;
}

int umbra_unix_path_utf8(const char *name, char **out)
{
    return map_path(name, 1, out);
}

int umbra_unix_path(const WCHAR *name, char **out)
{
    char *utf8;
    int ret;

    if (!out) return -EINVAL;
    *out = NULL;
    if (!name) return -EINVAL;
    if ((ret = k32_to_utf8(name, &utf8))) return ret;
    ret = umbra_unix_path_utf8(utf8, out);
    free(utf8);
    return ret;
}

static char *fail_mapping(int ret)
{
    switch (ret)
    {
    case -EINVAL: SetLastError(ERROR_INVALID_NAME); break;
    case -ENOENT: SetLastError(ERROR_PATH_NOT_FOUND); break;
    case -EOPNOTSUPP: SetLastError(ERROR_BAD_NETPATH); break;
    default: umbra_set_last_error_from_errno(ret); break;
    }
    return NULL;
}

char *k32_unix_path(const WCHAR *name)
{
    char *out;
    int ret;

    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if ((ret = umbra_unix_path(name, &out))) return fail_mapping(ret);
    return out;
}

char *k32_unix_path_new(const WCHAR *name)
{
    char *utf8, *out;
    int ret;

    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if ((ret = k32_to_utf8(name, &utf8))) return fail_mapping(ret);
    ret = map_path(utf8, 0, &out);
    free(utf8);
    return ret ? fail_mapping(ret) : out;
}

char *k32_unix_path_a(const char *name)
{
    char *out;
    int ret;

    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if ((ret = umbra_unix_path_utf8(name, &out))) return fail_mapping(ret);
    return out;
}

/* --- POSIX -> Windows ---------------------------------------------------------------- */

/* A POSIX path as a Windows program would like it: "X:\rest" below the drive
 * letter whose directory holds it (the deepest one), else the POSIX path. */
static int dos_path(const char *unix_path, char **out)
{
    size_t best_len = 0;
    char best = 0, letter;

    for (letter = 'a'; letter <= 'z'; letter++)
    {
        char *root;
        size_t len;

        if (drive_root(letter, &root)) continue;
        len = strlen(root);
        if (umbra_path_below(unix_path, root) && (!best || len > best_len))
        {
            best = letter;
            best_len = len;
        }
        free(root);
    }
    if (!best) return (*out = strdup(unix_path)) ? 0 : -ENOMEM;
    {
        const char *rest = unix_path + (best_len > 1 ? best_len : 0);
        char *p;

        if (!(*out = malloc(strlen(rest) + 4))) return -ENOMEM;
        sprintf(*out, "%c:%s", toupper((unsigned char)best), *rest ? rest : "\\");
        for (p = *out; *p; p++) if (*p == '/') *p = '\\';
    }
    return 0;
}

/* The Windows-form full path of name, lexically: drive and UNC paths with
 * '\', POSIX paths with '/', \\?\ paths untouched. */
static int full_path(const char *name, char **out)
{
    char *base = NULL, *buf, *p, cwd[PATH_MAX];
    size_t size, root_len;
    char sep;
    int ret;

    if (is_sep(name[0]) && is_sep(name[1]) && (name[2] == '?' || name[2] == '.') && is_sep(name[3]))
        return (*out = strdup(name)) ? 0 : -ENOMEM;

    size = strlen(name) + PATH_MAX + 8;
    if (!(buf = malloc(size))) return -ENOMEM;
    if (is_drive(name))
    {
        sprintf(buf, "%c:/", name[0]);
        root_len = 3;
        ret = append_components(buf, size, root_len, name + 2, 0);
        sep = '\\';
    }
    else if (is_sep(name[0]) && is_sep(name[1]) && !(name[0] == '/' && name[1] == '/'))
    {
        /* \\server\share\...: the share is the root */
        const char *server = name + 2, *share_end;
        size_t n;

        share_end = server + strcspn(server, "\\/");
        if (*share_end) share_end += 1 + strcspn(share_end + 1, "\\/");
        n = share_end - name;
        memcpy(buf, name, n);
        buf[n] = '/';
        buf[n + 1] = 0;
        root_len = n + 1;
        ret = append_components(buf, size, root_len, share_end, 0);
        sep = '\\';
    }
    else if (is_sep(name[0]))
    {
        strcpy(buf, "/");
        ret = append_components(buf, size, 1, name, 0);
        sep = '/';
    }
    else
    {
        /* relative: below the current directory, written as a drive path when
         * a drive letter holds it */
        free(buf);
        if (!getcwd(cwd, sizeof(cwd))) return -errno;
        if ((ret = dos_path(cwd, &base))) return ret;
        if (!(buf = malloc(strlen(base) + strlen(name) + 2)))
        {
            free(base);
            return -ENOMEM;
        }
        sprintf(buf, "%s%c%s", base, is_drive(base) ? '\\' : '/', name);
        free(base);
        ret = full_path(buf, out);
        free(buf);
        return ret;
    }
    if (ret)
    {
        free(buf);
        return ret;
    }
    /* a bare drive keeps its separator ("C:\"), and so does "C:\dir\" */
    if ((is_drive(buf) && !buf[2])
        || (*name && is_sep(name[strlen(name) - 1]) && buf[strlen(buf) - 1] != '/'))
        strcat(buf, "/");
    for (p = buf; *p; p++) if (*p == '/') *p = sep;
    *out = buf;
    return 0;
}

DWORD WINAPI GetFullPathNameW(LPCWSTR name, DWORD size, LPWSTR buffer, LPWSTR *file_part)
{
    char *utf8 = NULL, *full = NULL;
    DWORD ret = 0;
    int err;

    TRACE("%s, %u, %p, %p\n", debugstr_w(name), size, buffer, file_part);
    if (!name || !*name)
    {
        SetLastError(ERROR_INVALID_NAME);
        return 0;
    }
    if ((err = k32_to_utf8(name, &utf8)) || (err = full_path(utf8, &full)))
    {
        k32_fail_errno(err);
        goto done;
    }
    ret = k32_copy_out(full, buffer, size);
    if (ret && ret < size && file_part)
    {
        WCHAR *last = wcsrchr(buffer, '\\'), *slash = wcsrchr(buffer, '/');
        if (slash > last) last = slash;
        *file_part = last && last[1] ? last + 1 : NULL;
    }
done:
    free(utf8);
    free(full);
    return ret;
}

DWORD WINAPI GetFullPathNameA(LPCSTR name, DWORD size, LPSTR buffer, LPSTR *file_part)
{
    char *full = NULL;
    size_t len;
    int err;

    if (!name || !*name)
    {
        SetLastError(ERROR_INVALID_NAME);
        return 0;
    }
    if ((err = full_path(name, &full))) return k32_fail_errno(err);
    len = strlen(full);
    if (len >= size || !buffer)
    {
        free(full);
        return (DWORD)(len + 1);
    }
    memcpy(buffer, full, len + 1);
    free(full);
    if (file_part)
    {
        char *last = strrchr(buffer, '\\'), *slash = strrchr(buffer, '/');
        if (slash > last) last = slash;
        *file_part = last && last[1] ? last + 1 : NULL;
    }
    return (DWORD)len;
}

/* --- the current directory ------------------------------------------------------------ */

DWORD WINAPI GetCurrentDirectoryW(DWORD size, LPWSTR buffer)
{
    char cwd[PATH_MAX], *dos;
    DWORD ret;
    int err;

    if (!getcwd(cwd, sizeof(cwd))) return k32_fail_errno(-errno);
    if ((err = dos_path(cwd, &dos))) return k32_fail_errno(err);
    ret = k32_copy_out(dos, buffer, size);
    free(dos);
    return ret;
}

DWORD WINAPI GetCurrentDirectoryA(DWORD size, LPSTR buffer)
{
    WCHAR wide[PATH_MAX];
    DWORD len = GetCurrentDirectoryW(ARRAYSIZE(wide), wide);

    if (!len || len >= ARRAYSIZE(wide)) return len;
    return k32_copy_out_a(wide, buffer, size);
}

BOOL WINAPI SetCurrentDirectoryW(LPCWSTR dir)
{
    char *path;
    int ret;

    TRACE("%s\n", debugstr_w(dir));
    if (!(path = k32_unix_path(dir))) return FALSE;
    ret = chdir(path) < 0 ? -errno : 0;
    if (ret) k32_fail_path_errno(ret == -ENOTDIR ? -ENOTDIR : ret, path);
    free(path);
    return !ret;
}

BOOL WINAPI SetCurrentDirectoryA(LPCSTR dir)
{
    char *path;
    int ret;

    if (!(path = k32_unix_path_a(dir))) return FALSE;
    ret = chdir(path) < 0 ? -errno : 0;
    if (ret) k32_fail_path_errno(ret, path);
    free(path);
    return !ret;
}

/* --- temporary files ------------------------------------------------------------------ */

/* TMP, TEMP, TMPDIR, else /tmp; as a full path ending in its separator. */
static int temp_path(char **out)
{
    static const char *const vars[] = { "TMP", "TEMP", "TMPDIR" };
    const char *value = NULL;
    char *full;
    size_t len;
    unsigned int i;
    int ret;

    for (i = 0; i < ARRAYSIZE(vars) && !value; i++)
    {
        value = getenv(vars[i]);
        if (value && !*value) value = NULL;
    }
    if ((ret = full_path(value ? value : "/tmp", &full))) return ret;
    len = strlen(full);
    if (full[len - 1] != '\\' && full[len - 1] != '/')
    {
        char *grown = realloc(full, len + 2);
        if (!grown)
        {
            free(full);
            return -ENOMEM;
        }
        full = grown;
        full[len] = is_drive(full) ? '\\' : '/';
        full[len + 1] = 0;
    }
    *out = full;
    return 0;
}

DWORD WINAPI GetTempPathW(DWORD size, LPWSTR buffer)
{
    char *path;
    DWORD ret;
    int err;

    if ((err = temp_path(&path))) return k32_fail_errno(err);
    ret = k32_copy_out(path, buffer, size);
    free(path);
    return ret;
}

DWORD WINAPI GetTempPathA(DWORD size, LPSTR buffer)
{
    char *path;
    size_t len;
    int err;

    if ((err = temp_path(&path))) return k32_fail_errno(err);
    len = strlen(path);
    if (len >= size || !buffer)
    {
        free(path);
        return (DWORD)(len + 1);
    }
    memcpy(buffer, path, len + 1);
    free(path);
    return (DWORD)len;
}

UINT WINAPI GetTempFileNameW(LPCWSTR dir, LPCWSTR prefix, UINT unique, LPWSTR buffer)
{
    WCHAR name[MAX_PATH];
    size_t dir_len;
    UINT number = unique ? unique & 0xffff : (UINT)(GetTickCount() & 0xffff);
    unsigned int tries;
    WCHAR sep;

    TRACE("%s, %s, %u, %p\n", debugstr_w(dir), debugstr_w(prefix), unique, buffer);
    if (!dir || !buffer)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    dir_len = wcslen(dir);
    if (dir_len + 14 >= MAX_PATH)
    {
        SetLastError(ERROR_BUFFER_OVERFLOW);
        return 0;
    }
    sep = (dir_len && (dir[dir_len - 1] == '\\' || dir[dir_len - 1] == '/')) ? 0
          : (wcschr(dir, '\\') || (dir_len >= 2 && dir[1] == ':')) ? '\\' : '/';
    for (tries = 0; tries < 0x10000; tries++)
    {
        HANDLE file;

        if (!number) number = 1;
        swprintf(name, MAX_PATH, L"%ls%ls%.3ls%X.tmp", dir, sep == '\\' ? L"\\" : sep == '/' ? L"/" : L"",
                 prefix ? prefix : L"", number);
        if (unique) break;
        /* Windows creates the file, so that the name stays ours */
        file = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (file != INVALID_HANDLE_VALUE)
        {
            CloseHandle(file);
            break;
        }
        if (GetLastError() != ERROR_FILE_EXISTS && GetLastError() != ERROR_ALREADY_EXISTS) return 0;
        number = (number + 1) & 0xffff;
    }
    wcscpy(buffer, name);
    return number;
}

UINT WINAPI GetTempFileNameA(LPCSTR dir, LPCSTR prefix, UINT unique, LPSTR buffer)
{
    WCHAR *wdir = NULL, *wprefix = NULL, wbuf[MAX_PATH];
    UINT ret = 0;

    if (!dir || !buffer)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (k32_from_utf8(dir, &wdir) || k32_from_utf8(prefix, &wprefix))
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    else if ((ret = GetTempFileNameW(wdir, wprefix, unique, wbuf)) && k32_copy_out_a(wbuf, buffer, MAX_PATH) >= MAX_PATH)
    {
        SetLastError(ERROR_BUFFER_OVERFLOW);
        ret = 0;
    }
    free(wdir);
    free(wprefix);
    return ret;
}
