/*
 * conf.h: vsssvc's settings, from $VSS_CONFIG_DIR/vsssvc.conf (default
 * /etc/vss/vsssvc.conf):
 *
 *     # who may use the service besides root (a group name or number)
 *     Group = backup
 *     # seconds without a requester before the service exits; 0 or absent:
 *     # 180, as Windows' VSS IdleTimeout
 *     IdleTimeout = 180
 *     # requester connections served at once
 *     MaxSessions = 256
 *
 * One "Key = Value" per line, keys in any case, '#' or ';' starts a comment
 * line, blank lines are ignored.  An unknown key, a bad value or a line that
 * is not "Key = Value" is an error (the service does not start on a
 * configuration it cannot read as written).
 *
 * Not for: the library's directories and VSS_* variables (dlls/vssapi/config.h).
 */
#ifndef UMBRA_VSSSVC_CONF_H
#define UMBRA_VSSSVC_CONF_H

#include <stddef.h>

#define CONF_FILE_NAME            "vsssvc.conf"
#define CONF_DEFAULT_GROUP        "backup"
#define CONF_DEFAULT_IDLE_TIMEOUT 180       /* seconds (VSS-FACTS.md §1.5) */
#define CONF_DEFAULT_MAX_SESSIONS 256
#define CONF_MAX_IDLE_TIMEOUT     (7 * 86400)
#define CONF_MAX_SESSIONS         4096

struct svc_conf
{
    char group[256];
    unsigned int idle_timeout;      /* seconds, > 0 */
    unsigned int max_sessions;
};

void conf_defaults(struct svc_conf *conf);

/* Read settings from text (len bytes) over what conf holds.  0, or -EINVAL
 * with the reason ("line 3: ...") in err. */
int conf_parse(const char *text, size_t len, struct svc_conf *conf, char *err, size_t err_size);

/* conf_parse of the file at path; a missing file is not an error (0, conf
 * unchanged).  -EINVAL (err says why) or the -errno of reading it. */
int conf_load(const char *path, struct svc_conf *conf, char *err, size_t err_size);

#endif
