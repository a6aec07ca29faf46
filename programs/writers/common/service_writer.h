/*
 * service_writer.h: what the in-box writers (PostgreSQL, MariaDB, SQLite)
 * share: one writer process per service, one writer instance per configured
 * service instance (a [cluster], [server] or [database] section), one
 * component per writer instance, and the VSS event logic around a small set
 * of service operations.
 *
 * The common code (service_writer.c) decides, per backup, whether an instance
 * takes part: its component was selected (PrepareForBackup), or components
 * are not selected and its files are on volumes of the snapshot set.  An
 * instance that takes part must have all its files in the set (otherwise
 * VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT); then:
 *
 *   PrepareBackup    check()     is the service there (fails early, so the rest
 *                                of the backup goes on without this component)
 *   PrepareSnapshot  prepare()   open the session held until Thaw; slow work
 *   Freeze           freeze()    quiesce (short: the freeze timer runs)
 *   Thaw             thaw()      release
 *   PostSnapshot     metadata()  finish what needs nothing frozen, and say
 *                                what a restore needs, into the component's
 *                                backup metadata
 *   Abort, timeout,  abort()     release whatever is held (also called when
 *   lost requester,              nothing is), never fails
 *   BackupShutdown
 *
 * Operations return 0 or a negative errno and say why with service_error();
 * the VSS failure (SetWriterFailureEx) is chosen here, in one table:
 * -ECONNREFUSED, -ECONNRESET, -EAGAIN, -ETIMEDOUT, -EBUSY (the service is
 * down, starting, restarting or busy: worth trying again) give
 * VSS_E_WRITERERROR_RETRYABLE; -ENOMEM, -ENOSPC, -EMFILE, -EUSERS give
 * _OUTOFRESOURCES; -EXDEV gives _INCONSISTENTSNAPSHOT; anything else
 * (-EACCES, -EINVAL, -ENOENT, -ENOTSUP, -EIO ...: it will fail again the same
 * way) gives _NONRETRYABLE.
 *
 * Every operation of an instance runs on that instance's event thread, one
 * at a time, so an instance's state needs no lock.
 */
#ifndef UMBRA_WRITERS_SERVICE_WRITER_H
#define UMBRA_WRITERS_SERVICE_WRITER_H

#include <stdbool.h>
#include <windows.h>
#include <vss.h>
#include <vswriter.h>
#include "conf.h"
#include "meta.h"
#include "run_as.h"

/* The files of one instance's component. */
struct service_files
{
    char *path;             /* a directory */
    char *filespec;         /* "*", "app.db", "ib_logfile*" */
    bool recursive;
};

struct service_layout
{
    bool known;                         /* something was described */
    char *caption;
    struct service_files *include;      /* the component's file group; each path must be in the set */
    unsigned int n_include;
    struct service_files *exclude;      /* the writer's exclusions */
    unsigned int n_exclude;
};

/* 0 or -ENOMEM; an include whose path is already included the same way is dropped. */
int layout_include(struct service_layout *layout, const char *path, const char *filespec, bool recursive);
int layout_exclude(struct service_layout *layout, const char *path, const char *filespec, bool recursive);
void layout_clear(struct service_layout *layout);

struct service_instance;

struct service_class
{
    const char *program;                /* "vss-writer-postgresql": log prefix, config file name */
    const char *config_name;            /* "postgresql": $VSS_CONFIG_DIR/writers/<config_name>.conf */
    const char *section;                /* the instances' section type: "cluster" */
    GUID writer_id;
    const WCHAR *writer_name;           /* L"PostgreSQL Writer" */
    VSS_SOURCE_TYPE source;
    VSS_APPLICATION_LEVEL level;
    unsigned int default_freeze_timeout;    /* seconds */
    VSS_RESTOREMETHOD_ENUM restore_method;
    const char *default_service;        /* systemd unit to stop and start around a restore, or NULL */
    const char *const *keys;            /* the keys an instance section takes besides the common ones */

    /* Read the section into inst->priv; 0 or -errno with a message in err. */
    int (*configure)(struct service_instance *inst, const struct conf *conf, const struct conf_section *section,
                     char *err, size_t errsize);
    void (*release)(struct service_instance *inst);
    /* Identify: the component's files, from the service when it runs, else
     * from the configuration.  Failure keeps the last layout. */
    int (*describe)(struct service_instance *inst, struct service_layout *layout);
    int (*check)(struct service_instance *inst);
    int (*prepare)(struct service_instance *inst);
    int (*freeze)(struct service_instance *inst);
    int (*thaw)(struct service_instance *inst);
    void (*abort)(struct service_instance *inst);
    int (*metadata)(struct service_instance *inst, struct meta *meta);
};

enum service_selection
{
    SELECTION_ALL,              /* components not selected: every instance whose files are in the set */
    SELECTION_YES,              /* its component is in the backup components document */
    SELECTION_NO,
};

struct service_instance
{
    const struct service_class *cls;
    char *name;                 /* section name: instance name and component name */
    char *service;              /* restore method's service */
    unsigned int freeze_timeout;    /* seconds */
    struct run_as run_as;       /* os_user */
    void *priv;                 /* the service's own state */
    IVssWriterImpl *impl;

    struct service_layout layout;   /* the last Identify's */
    char error[1024];           /* why the last operation failed */

    /* the backup in progress */
    bool prepared_backup;       /* PrepareBackup ran for this sequence */
    enum service_selection selection;
    bool involved;              /* takes part in this snapshot set */
    bool held;                  /* prepare() succeeded, abort()/thaw() not yet run */
    bool thawed;
    VSS_ID snapshot_set;
};

/* Say why an operation failed (kept in inst->error and logged). */
void service_error(struct service_instance *inst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line on stderr (the journal under systemd), prefixed with program and instance. */
void service_log(const struct service_instance *inst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The label a service gives its backup: "vss <snapshot set id>". */
void service_backup_label(const struct service_instance *inst, char *buf, size_t size);

/* The process: command line, configuration, one writer instance per
 * section, serve until SIGTERM.  Returns the exit status: 0 after SIGTERM or
 * SIGINT, 1 for a bad configuration (or none), 2 for a bad command line, 3
 * when an instance could not subscribe. */
int service_writer_main(const struct service_class *cls, int argc, char **argv);

#endif
