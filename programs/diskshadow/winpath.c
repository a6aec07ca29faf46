/*
 * winpath.c: file names written the Windows way in a script ("set metadata
 * C:\backup\m.cab", "exec C:\Backup\backup.cmd") turned into POSIX paths for the
 * files diskshadow itself opens.
 *
 * A drive letter goes through $VSS_CONFIG_DIR/dosdevices/<letter>: (Wine's
 * convention, DESIGN.md §3) and backslashes become slashes.  Volume names are
 * not handled here: those go to the VSS API as written, which knows volumes.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

int ds_is_drive_letter(const char *name)
{
    return name && isalpha((unsigned char)name[0]) && name[1] == ':'
           && (!name[2] || ((name[2] == '\\' || name[2] == '/') && !name[3]));
}

/* $VSS_CONFIG_DIR, or the default libvssapi uses (README.md "Environment"). */
static int config_dir(char *buf, size_t size)
{
    const char *dir = getenv("VSS_CONFIG_DIR"), *home;
    int n;

    if (dir && *dir == '/') n = snprintf(buf, size, "%s", dir);
    else if (!geteuid()) n = snprintf(buf, size, "/etc/vss");
    else if ((dir = getenv("XDG_CONFIG_HOME")) && *dir == '/') n = snprintf(buf, size, "%s/vss", dir);
    else
    {
        struct passwd *pw;
        if (!(home = getenv("HOME")) || *home != '/')
            home = (pw = getpwuid(geteuid())) ? pw->pw_dir : "/";
        n = snprintf(buf, size, "%s/.config/vss", home);
    }
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

char *ds_posix_path(const char *name)
{
    char base[PATH_MAX], link[PATH_MAX + 32], *out, *p;
    const char *rest = name;
    size_t len;

    if (!name || !*name) { errno = EINVAL; return NULL; }
    base[0] = 0;
    if (isalpha((unsigned char)name[0]) && name[1] == ':')
    {
        int ret;
        if ((ret = config_dir(link, sizeof(link) - 16)) < 0) { errno = -ret; return NULL; }
        len = strlen(link);
        snprintf(link + len, sizeof(link) - len, "/dosdevices/%c:", tolower((unsigned char)name[0]));
        if (!realpath(link, base)) return NULL;     /* an unmapped letter: ENOENT */
        rest = name + 2;
        while (*rest == '\\' || *rest == '/') rest++;
    }
    len = strlen(base) + 1 + strlen(rest) + 1;
    if (!(out = malloc(len))) return NULL;
    if (base[0]) snprintf(out, len, "%s%s%s", base, *rest && strcmp(base, "/") ? "/" : "", rest);
    else snprintf(out, len, "%s", rest);
    for (p = out + strlen(base); *p; p++) if (*p == '\\') *p = '/';
    return out;
}
