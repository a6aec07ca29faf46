/*
 * vssdirs.c: where Umbra keeps its files, computed from the environment
 * (umbra/mounts.h: umbra_vss_dir), and the dosdevices directory of drive
 * letters inside $VSS_CONFIG_DIR (Wine's convention).  libvssapi's
 * configuration (dlls/vssapi/config.c) uses the same rule, so kernel32's
 * drive letters and vssapi's are the same ones.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/mounts.h"

/* An environment value usable as a directory: set, absolute, not too long. */
static const char *env_dir(const char *name)
{
    const char *value = secure_getenv(name);

    if (!value || !*value) return NULL;
    if (value[0] != '/')
    {
        WARN("ignoring %s=%s: not an absolute path\n", name, value);
        return NULL;
    }
    if (strlen(value) >= PATH_MAX - 64)
    {
        WARN("ignoring %s: too long\n", name);
        return NULL;
    }
    return value;
}

static void home_dir(char *buf, size_t size)
{
    const char *home = env_dir("HOME");
    struct passwd pw, *found = NULL;
    char scratch[4096];

    if (home)
    {
        snprintf(buf, size, "%s", home);
        return;
    }
    if (!getpwuid_r(geteuid(), &pw, scratch, sizeof(scratch), &found) && found && pw.pw_dir
        && pw.pw_dir[0] == '/')
        snprintf(buf, size, "%s", pw.pw_dir);
    else
        snprintf(buf, size, "/");
}

void umbra_vss_dir(char *dst, size_t size, const char *env, const char *root_default, const char *xdg,
                   const char *home_rel)
{
    const char *value = env_dir(env), *base;
    char home[PATH_MAX];

    if (value)
        snprintf(dst, size, "%s", value);
    else if (geteuid() == 0)
        snprintf(dst, size, "%s", root_default);
    else if ((base = env_dir(xdg)))
        snprintf(dst, size, "%s/vss", base);
    else if (home_rel)
    {
        home_dir(home, sizeof(home));
        snprintf(dst, size, "%s/%s/vss", strcmp(home, "/") ? home : "", home_rel);
    }
    else
    {
        /* no XDG_RUNTIME_DIR: a per-user directory that the caller checks is private */
        snprintf(dst, size, "/tmp/vss-%u", (unsigned int)geteuid());
        WARN("%s and %s unset, using %s\n", env, xdg, dst);
    }
}

int umbra_dosdevices_dir(char *buf, size_t size)
{
    char config[PATH_MAX];

    umbra_vss_dir(config, sizeof(config), "VSS_CONFIG_DIR", "/etc/vss", "XDG_CONFIG_HOME", ".config");
    return snprintf(buf, size, "%s/dosdevices", config) >= (int)size ? -ENAMETOOLONG : 0;
}

int umbra_dosdevices_path(char letter, char *buf, size_t size)
{
    char dir[PATH_MAX];
    int ret;

    if (!buf || !isascii((unsigned char)letter) || !isalpha((unsigned char)letter)) return -EINVAL;
    if ((ret = umbra_dosdevices_dir(dir, sizeof(dir)))) return ret;
    return snprintf(buf, size, "%s/%c:", dir, tolower((unsigned char)letter)) >= (int)size ? -ENAMETOOLONG : 0;
}
