/*
 * mounts.c: the mount table as /proc/self/mountinfo gives it, and which file
 * system types can be volumes (umbra/mounts.h).  Shared by kernel32's volume
 * functions and libvssapi.
 *
 * Not for: identities and GUIDs of volumes (volume_id.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "umbra/debug.h"
#include "umbra/mounts.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
    char *out = s;

    while (*s)
    {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
            *out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
            s += 4;
        }
        else *out++ = *s++;
    }
    *out = 0;
}

static void mount_free(struct umbra_mount *e)
{
    free(e->root);
    free(e->mount_point);
    free(e->fstype);
    free(e->source);
}

void umbra_mounts_free(struct umbra_mount_table *t)
{
    size_t i;

    if (!t) return;
    for (i = 0; i < t->count; i++) mount_free(&t->entries[i]);
    free(t->entries);
    t->entries = NULL;
    t->count = 0;
}

static int has_option(const char *options, const char *opt)
{
    size_t len = strlen(opt);
    const char *p = options;

    while (p && *p)
    {
        if (!strncmp(p, opt, len) && (p[len] == ',' || !p[len])) return 1;
        if ((p = strchr(p, ','))) p++;
    }
    return 0;
}

static int parse_mount_line(char *line, struct umbra_mount *e)
{
    char *fields[32], *save = NULL, *tok;
    int n = 0, sep = -1, i;

    for (tok = strtok_r(line, " \n", &save); tok && n < 32; tok = strtok_r(NULL, " \n", &save))
        fields[n++] = tok;
    for (i = 6; i < n; i++)
        if (!strcmp(fields[i], "-")) { sep = i; break; }
    if (n < 6 || sep < 0 || sep + 2 >= n) return -EINVAL;

    memset(e, 0, sizeof(*e));
    e->id = atoi(fields[0]);
    e->parent = atoi(fields[1]);
    e->ro = has_option(fields[5], "ro");
    unescape_octal(fields[3]);
    unescape_octal(fields[4]);
    unescape_octal(fields[sep + 2]);
    e->root = strdup(fields[3]);
    e->mount_point = strdup(fields[4]);
    e->fstype = strdup(fields[sep + 1]);
    e->source = strdup(fields[sep + 2]);
    if (!e->root || !e->mount_point || !e->fstype || !e->source)
    {
        mount_free(e);
        return -ENOMEM;
    }
    return 0;
}

int umbra_mounts_read(struct umbra_mount_table *t)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t line_size = 0, cap = 0, i, j;
    int ret = 0;

    t->entries = NULL;
    t->count = 0;
    if (!f)
    {
        ret = -errno;
        WARN("cannot read /proc/self/mountinfo: %s\n", strerror(errno));
        return ret;
    }
    while (getline(&line, &line_size, f) > 0)
    {
        struct umbra_mount e;
        if (parse_mount_line(line, &e)) continue;
        if (t->count == cap)
        {
            struct umbra_mount *grown;
            cap = cap ? cap * 2 : 32;
            if (!(grown = realloc(t->entries, cap * sizeof(*grown))))
            {
                mount_free(&e);
                ret = -ENOMEM;
                break;
            }
            t->entries = grown;
        }
        t->entries[t->count++] = e;
    }
    free(line);
    fclose(f);
    if (ret)
    {
        umbra_mounts_free(t);
        return ret;
    }
    for (i = 0; i < t->count; i++)
        for (j = 0; j < t->count; j++)
            if (i != j && t->entries[j].parent == t->entries[i].id
                && !strcmp(t->entries[j].mount_point, t->entries[i].mount_point))
                t->entries[i].covered = 1;
    return 0;
}

int umbra_path_below(const char *path, const char *dir)
{
    size_t len = strlen(dir);

    if (!strcmp(dir, "/")) return path[0] == '/';
    return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

int umbra_mounts_find(const struct umbra_mount_table *t, const char *path)
{
    size_t i, best_len = 0;
    int best = -1;

    for (i = 0; i < t->count; i++)
    {
        const struct umbra_mount *e = &t->entries[i];
        size_t len = strlen(e->mount_point);
        if (e->covered || !umbra_path_below(path, e->mount_point)) continue;
        if (best < 0 || len >= best_len)
        {
            best = (int)i;
            best_len = len;
        }
    }
    return best;
}

int umbra_fstype_never_volume(const char *fstype)
{
    static const char *const types[] =
    {
        "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs", "securityfs",
        "bpf", "pstore", "configfs", "fusectl", "binfmt_misc", "autofs", "hugetlbfs", "efivarfs",
        "rpc_pipefs", "nsfs", "devtmpfs", "selinuxfs", "nfs", "nfs4", "cifs", "smb3", "smbfs",
        "ceph", "9p", "afs", "sshfs",
    };
    size_t i;

    /* FUSE daemons may not answer; fuseblk sits on a block device and is fine */
    if (!strcmp(fstype, "fuse") || !strncmp(fstype, "fuse.", 5)) return 1;
    for (i = 0; i < ARRAYSIZE(types); i++)
        if (!strcmp(fstype, types[i])) return 1;
    return 0;
}

int umbra_fstype_on_block_device(const char *fstype)
{
    FILE *f;
    char line[256];
    int found = 0;

    if (!strcmp(fstype, "zfs")) return 1;
    if (!(f = fopen("/proc/filesystems", "re"))) return 0;
    while (!found && fgets(line, sizeof(line), f))
    {
        char *name = line;
        if (!strncmp(line, "nodev", 5)) continue;
        while (*name == ' ' || *name == '\t') name++;
        name[strcspn(name, " \t\n")] = 0;
        found = !strcmp(name, fstype);
    }
    fclose(f);
    return found;
}

int umbra_mount_better(const struct umbra_mount *candidate, const struct umbra_mount *current)
{
    return !current || (current->ro && !candidate->ro);
}
