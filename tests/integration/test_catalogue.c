/*
 * test_catalogue.c: the snapshot catalogue on disk (DESIGN.md §6) with a
 * stand-in provider whose snapshots are directories: the record lifecycle,
 * queries (VSS-FACTS.md §2.1 R23), the index as a cache, and reconciliation:
 * a crash or an I/O error at every step of creating or deleting a snapshot
 * leaves the old state or the new one, never a snapshot without a record or a
 * record that points at nothing; auto-release snapshots die with their owner
 * (R32); bad records are quarantined; other tools' snapshots are left alone.
 */
/* internals of the POSIX layer: glibc printf, not the Microsoft one Windows code gets */
#define UMBRA_NATIVE_CRT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <windows.h>
#include "harness.h"
#include "config.h"
#include "volume.h"
#include "catalogue.h"

#define ATTR_PERSISTENT_NAS 0x19   /* VSS_CTX_NAS_ROLLBACK: PERSISTENT|NO_AUTO_RELEASE|NO_WRITERS */
#define CTX_BACKUP 0x00
#define CTX_NAS_ROLLBACK 0x19
#define MARKER ".fake-snapshot"

static const GUID fake_provider_id = { 0xfa4efa4e, 0x0001, 0x0002, { 1, 2, 3, 4, 5, 6, 7, 8 } };

/* ---- the stand-in provider: a snapshot is a directory holding MARKER ---- */

static struct
{
    int remove_error;        /* make remove fail with this (0: work) */
    unsigned int removed;
} fake;

static const char *fake_path(const char *data)
{
    return data && !strncmp(data, "fake:", 5) ? data + 5 : NULL;
}

static int fake_exists(void *ctx, const char *record_dir, const GUID *provider, const char *data)
{
    struct stat st;
    const char *path = fake_path(data);

    (void)ctx;
    (void)record_dir;
    if (!IsEqualGUID(provider, &fake_provider_id) || !path) return -EINVAL;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int fake_remove(void *ctx, const char *record_dir, const GUID *provider, const char *data)
{
    char marker[PATH_MAX];
    const char *path = fake_path(data);

    (void)ctx;
    (void)record_dir;
    if (!IsEqualGUID(provider, &fake_provider_id) || !path) return -EINVAL;
    if (fake.remove_error) return -fake.remove_error;
    if (snprintf(marker, sizeof(marker), "%s/" MARKER, path) >= (int)(sizeof(marker))) abort();
    unlink(marker);
    if (rmdir(path) < 0) return -errno;
    fake.removed++;
    return 0;
}

static int fake_scan(void *ctx, const char *dir, catalogue_scan_cb cb, void *cb_ctx)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int ret = 0;

    (void)ctx;
    if (!d) return -errno;
    while (!ret && (de = readdir(d)))
    {
        char path[PATH_MAX], data[PATH_MAX + 8];
        if (strncmp(de->d_name, "@GMT-", 5)) continue;
        if (snprintf(path, sizeof(path), "%s/%s/" MARKER, dir, de->d_name) >= (int)(sizeof(path))) abort();
        if (access(path, F_OK)) continue;   /* not one of ours */
        if (snprintf(data, sizeof(data), "fake:%s/%s", dir, de->d_name) >= (int)(sizeof(data))) abort();
        ret = cb(cb_ctx, &fake_provider_id, data);
    }
    closedir(d);
    return ret;
}

static const struct catalogue_ops fake_ops = { NULL, fake_exists, fake_remove, fake_scan, NULL, NULL };

/* ---- per-test environment ---- */

static char test_dir[PATH_MAX / 4], vol_dir[PATH_MAX], rec_dir[PATH_MAX], vol_name[128];
static unsigned int test_counter;

static const char *in_test(const char *rel)
{
    static char bufs[16][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 16];

    if (snprintf(buf, PATH_MAX, "%s/%s", test_dir, rel) >= PATH_MAX) abort();
    return buf;
}

/* A fresh state dir and a fresh directory volume with its .snapshots dir. */
static void fresh_env(void)
{
    struct vss_volume vol;
    char *real;

    if (snprintf(test_dir, sizeof(test_dir), "%s/cat%u", umbra_test_tmpdir(), ++test_counter) >= (int)(sizeof(test_dir))) abort();
    CU_ASSERT_EQUAL_FATAL(mkdir(test_dir, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(in_test("vol"), 0755), 0);
    setenv("VSS_STATE_DIR", in_test("state"), 1);
    setenv("VSS_CONFIG_DIR", in_test("etc"), 1);
    config_reload();
    CU_ASSERT_PTR_NOT_NULL_FATAL(real = realpath(in_test("vol"), NULL));
    if (snprintf(vol_dir, sizeof(vol_dir), "%s", real) >= (int)(sizeof(vol_dir))) abort();
    free(real);
    if (snprintf(rec_dir, sizeof(rec_dir), "%s/.snapshots", vol_dir) >= (int)(sizeof(rec_dir))) abort();
    /* resolving registers the directory volume, which an index rebuild uses */
    CU_ASSERT_EQUAL_FATAL(volume_resolve(vol_dir, &vol), 0);
    volume_guid_name(&vol, vol_name, sizeof(vol_name));
    volume_free(&vol);
    memset(&fake, 0, sizeof(fake));
    state_fault_set(0, 0, 0);
}

static int suite_cleanup(void)
{
    state_fault_set(0, 0, 0);
    unsetenv("VSS_STATE_DIR");
    unsetenv("VSS_CONFIG_DIR");
    config_reload();
    return 0;
}

static GUID make_id(unsigned int n)
{
    GUID id = { 0x5a5a0000 + n, 0x1111, 0x4222, { 0x83, 0x33, 0, 0, 0, 0, (unsigned char)(n >> 8), (unsigned char)n } };
    return id;
}

static int make_snapshot_dir(const char *path)
{
    char marker[PATH_MAX];
    int fd;

    if (mkdir(path, 0755) < 0) return -errno;
    if (snprintf(marker, sizeof(marker), "%s/" MARKER, path) >= (int)(sizeof(marker))) abort();
    if ((fd = open(marker, O_CREAT | O_WRONLY, 0644)) < 0) return -errno;
    close(fd);
    return 0;
}

static struct catalogue_process dead_process(void)
{
    struct catalogue_process p;

    catalogue_process_self(&p);
    p.start_time += 1000;   /* our pid, another start time: a process that is gone */
    return p;
}

static struct snapshot_record *new_record(unsigned int n, LONG context, LONG attributes, const GUID *set)
{
    struct snapshot_record *rec = snapshot_record_new();

    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    rec->snapshot_id = make_id(n);
    rec->set_id = set ? *set : make_id(1000 + n);
    rec->provider_id = fake_provider_id;
    rec->context = context;
    rec->attributes = attributes;
    rec->creation_time = 133500000000000000LL + n * 10000000LL;   /* distinct, ordered by n */
    snapshot_record_set(&rec->record_dir, rec_dir);
    snapshot_record_set(&rec->original_volume_name, vol_name);
    snapshot_record_set(&rec->original_volume_root, vol_dir);
    snapshot_record_set(&rec->originating_machine, "host");
    snapshot_record_set(&rec->service_machine, "host");
    return rec;
}

static const char *snap_path(unsigned int n)
{
    static char bufs[4][PATH_MAX];
    static unsigned int next;
    char *buf = bufs[next++ % 4];

    if (snprintf(buf, PATH_MAX, "%s/@GMT-2024.05.01-10.%02u.%02u", rec_dir, n / 60 % 60, n % 60) >= (int)(PATH_MAX)) abort();
    return buf;
}

/* What the coordinator does: record (creating), snapshot, record (created). */
static int create_snapshot(struct catalogue *cat, struct snapshot_record *rec, unsigned int n)
{
    char data[PATH_MAX + 8];
    int ret;

    if ((ret = catalogue_add(cat, rec))) return ret;
    if ((ret = make_snapshot_dir(snap_path(n)))) return ret;
    if (snprintf(data, sizeof(data), "fake:%s", snap_path(n)) >= (int)(sizeof(data))) abort();
    rec->state = RECORD_CREATED;
    snapshot_record_set(&rec->snapshot_device, snap_path(n));
    snapshot_record_set(&rec->provider_data, data);
    return catalogue_commit(cat, rec);
}

static int snapshot_exists(unsigned int n)
{
    return !access(snap_path(n), F_OK);
}

/* The catalogue rebuilds its index from every mounted volume's .snapshots, so
 * on a machine with other snapshots (snapper, a concurrent test run) it sees
 * theirs too: the tests count only what lies under their own directory. */
static int is_own(const char *path)
{
    const char *top = umbra_test_tmpdir();
    size_t len = strlen(top);

    return path && !strncmp(path, top, len) && (path[len] == '/' || !path[len]);
}

static size_t count_records(struct catalogue *cat, int all_states)
{
    struct catalogue_filter all = { NULL, NULL, NULL, CATALOGUE_CTX_ALL, all_states };
    struct snapshot_record **recs;
    size_t count, i, own = 0;

    if (catalogue_query(cat, &all, &recs, &count)) return (size_t)-1;
    for (i = 0; i < count; i++)
        if (is_own(recs[i]->record_dir)) own++;
    catalogue_records_free(recs, count);
    return own;
}

/* The index's record dirs under this test's directory: their count, and the first. */
static size_t own_record_dirs(struct catalogue *cat, char *first, size_t size)
{
    char **dirs;
    size_t ndirs, i, own = 0;

    first[0] = 0;
    if (catalogue_record_dirs(cat, &dirs, &ndirs)) return (size_t)-1;
    for (i = 0; i < ndirs; i++)
    {
        if (!is_own(dirs[i])) continue;
        if (!own++) snprintf(first, size, "%s", dirs[i]);
    }
    volume_paths_free(dirs, ndirs);
    return own;
}

static int count_files(const char *dir, const char *prefix, const char *suffix)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int n = 0;

    if (!d) return 0;
    while ((de = readdir(d)))
    {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, prefix, strlen(prefix))) continue;
        if (suffix && (len < strlen(suffix) || strcmp(de->d_name + len - strlen(suffix), suffix))) continue;
        n++;
    }
    closedir(d);
    return n;
}

static struct catalogue *open_cat(void)
{
    struct catalogue *cat = NULL;

    CU_ASSERT_EQUAL(catalogue_open(&fake_ops, 0, &cat), 0);
    CU_ASSERT_PTR_NOT_NULL(cat);
    return cat;
}

/* ---- the lifecycle ---- */

static void test_lifecycle(void)
{
    struct snapshot_record *rec, *got = NULL;
    struct catalogue *cat;
    GUID id = make_id(1);
    char first_dir[4096];

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL_FATAL(catalogue_add(cat, rec), 0);
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), -EEXIST);

    /* R23: a snapshot still being created is not visible to Query */
    CU_ASSERT_EQUAL(count_records(cat, 0), 0);
    CU_ASSERT_EQUAL(count_records(cat, 1), 1);
    CU_ASSERT_EQUAL_FATAL(catalogue_get(cat, &id, &got), 0);
    CU_ASSERT_EQUAL(got->state, RECORD_CREATING);
    CU_ASSERT_STRING_EQUAL(got->record_dir, rec_dir);
    snapshot_record_free(got);

    /* the dir is in the index */
    CU_ASSERT_EQUAL(own_record_dirs(cat, first_dir, sizeof(first_dir)), 1);
    CU_ASSERT_STRING_EQUAL(first_dir, rec_dir);

    /* snapshot, then created */
    CU_ASSERT_EQUAL_FATAL(make_snapshot_dir(snap_path(1)), 0);
    rec->state = RECORD_CREATED;
    snapshot_record_set(&rec->snapshot_device, snap_path(1));
    snapshot_record_set(&rec->provider_data, "fake:");
    {
        char data[PATH_MAX + 8];
        if (snprintf(data, sizeof(data), "fake:%s", snap_path(1)) >= (int)(sizeof(data))) abort();
        snapshot_record_set(&rec->provider_data, data);
    }
    CU_ASSERT_EQUAL_FATAL(catalogue_commit(cat, rec), 0);
    CU_ASSERT_EQUAL(catalogue_commit(cat, rec), -EBUSY);   /* no longer creating */
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);
    CU_ASSERT_EQUAL_FATAL(catalogue_get(cat, &id, &got), 0);
    CU_ASSERT_EQUAL(got->state, RECORD_CREATED);
    CU_ASSERT_STRING_EQUAL(got->snapshot_device, snap_path(1));
    CU_ASSERT_STRING_EQUAL(got->original_volume_name, vol_name);
    CU_ASSERT_EQUAL(got->attributes, ATTR_PERSISTENT_NAS);
    snapshot_record_free(got);

    /* exposure */
    CU_ASSERT_EQUAL(catalogue_set_exposed(cat, &id, "X:", "/mnt/x"), 0);
    CU_ASSERT_EQUAL_FATAL(catalogue_get(cat, &id, &got), 0);
    CU_ASSERT_STRING_EQUAL(got->exposed_name, "X:");
    CU_ASSERT_STRING_EQUAL(got->exposed_path, "/mnt/x");
    snapshot_record_free(got);
    CU_ASSERT_EQUAL(catalogue_set_exposed(cat, &id, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(catalogue_get(cat, &id, &got), 0);
    CU_ASSERT_STRING_EQUAL(got->exposed_name, "");
    snapshot_record_free(got);

    /* a fresh open (reconciliation) keeps a healthy snapshot */
    catalogue_close(cat);
    cat = open_cat();
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->records, 1);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->records_removed, 0);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->errors, 0);
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);

    /* delete */
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
    CU_ASSERT_FALSE(snapshot_exists(1));
    CU_ASSERT_EQUAL(catalogue_get(cat, &id, &got), -ENOENT);
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), -ENOENT);
    CU_ASSERT_EQUAL(catalogue_set_exposed(cat, &id, "X:", NULL), -ENOENT);
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    CU_ASSERT_EQUAL(count_files(rec_dir, ".", ".tmp"), 0);
    snapshot_record_free(rec);
    catalogue_close(cat);
}

static void test_bad_calls(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat = NULL;
    GUID id = make_id(7);

    fresh_env();
    CU_ASSERT_EQUAL(catalogue_open(&fake_ops, 0, NULL), -EINVAL);
    {
        struct catalogue_ops half = { NULL, fake_exists, NULL, NULL, NULL, NULL };
        CU_ASSERT_EQUAL(catalogue_open(&half, 0, &cat), -EINVAL);
    }
    /* without ops: readable, but nothing can be deleted */
    CU_ASSERT_EQUAL_FATAL(catalogue_open(NULL, 0, &cat), 0);
    rec = new_record(7, CTX_BACKUP, 0, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 7), 0);
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);

    rec->state = RECORD_CREATED;
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), -EINVAL);   /* a new record starts as creating */
    rec->state = RECORD_CREATING;
    snapshot_record_set(&rec->record_dir, "relative");
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), -EINVAL);
    CU_ASSERT_EQUAL(catalogue_add(NULL, rec), -EINVAL);
    CU_ASSERT_EQUAL(catalogue_get(cat, NULL, &rec), -EINVAL);
    CU_ASSERT_EQUAL(catalogue_query(cat, NULL, NULL, NULL), -EINVAL);
    snapshot_record_free(rec);
    catalogue_close(cat);
    catalogue_close(NULL);
}

/* VSS-FACTS.md §2.1 R23: Query sees created snapshots of the context asked
 * for (VSS_CTX_ALL: all); filters by set, snapshot and volume. */
static void test_query(void)
{
    struct snapshot_record **recs, *rec;
    struct catalogue *cat;
    GUID set1 = make_id(500), set2 = make_id(501), id2 = make_id(2);
    struct catalogue_filter f;
    char other_rec_dir[PATH_MAX];
    size_t count;

    fresh_env();
    cat = open_cat();
    rec = new_record(3, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, &set1);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 3), 0);
    snapshot_record_free(rec);
    rec = new_record(2, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, &set1);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 2), 0);
    snapshot_record_free(rec);
    rec = new_record(4, CTX_BACKUP, 0, &set2);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 4), 0);
    snapshot_record_free(rec);
    /* a second volume with a record dir of its own */
    CU_ASSERT_EQUAL_FATAL(mkdir(in_test("vol2"), 0755), 0);
    if (snprintf(other_rec_dir, sizeof(other_rec_dir), "%s/.snapshots", in_test("vol2")) >= (int)(sizeof(other_rec_dir))) abort();
    rec = new_record(5, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, &set2);
    snapshot_record_set(&rec->record_dir, other_rec_dir);
    snapshot_record_set(&rec->original_volume_name, "\\\\?\\Volume{00000000-0000-0000-0000-000000000005}\\");
    snapshot_record_set(&rec->original_volume_root, in_test("vol2"));
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), 0);
    rec->state = RECORD_CREATED;
    CU_ASSERT_EQUAL(catalogue_commit(cat, rec), 0);
    snapshot_record_free(rec);
    /* one still creating */
    rec = new_record(6, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, &set2);
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), 0);
    snapshot_record_free(rec);

    /* NULL filter: every created snapshot, oldest first */
    CU_ASSERT_EQUAL_FATAL(catalogue_query(cat, NULL, &recs, &count), 0);
    CU_ASSERT_EQUAL_FATAL(count, 4);
    CU_ASSERT(IsEqualGUID(&recs[0]->snapshot_id, &id2));
    CU_ASSERT(recs[0]->creation_time < recs[1]->creation_time);
    CU_ASSERT(recs[2]->creation_time < recs[3]->creation_time);
    catalogue_records_free(recs, count);

    memset(&f, 0, sizeof(f));
    f.context = CATALOGUE_CTX_ALL;
    f.set_id = &set1;
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 2);
    catalogue_records_free(recs, count);

    f.set_id = &set2;
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 2);   /* 4 and 5; 6 is not created yet */
    catalogue_records_free(recs, count);
    f.all_states = 1;
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 3);
    catalogue_records_free(recs, count);

    memset(&f, 0, sizeof(f));
    f.context = CTX_BACKUP;
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL_FATAL(count, 1);
    CU_ASSERT_EQUAL(recs[0]->context, CTX_BACKUP);
    catalogue_records_free(recs, count);

    f.context = CATALOGUE_CTX_ALL;
    f.snapshot_id = &id2;
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 1);
    catalogue_records_free(recs, count);

    f.snapshot_id = NULL;
    f.volume = "\\\\?\\VOLUME{00000000-0000-0000-0000-000000000005}\\";   /* any case */
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 1);
    catalogue_records_free(recs, count);
    f.volume = vol_dir;
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 3);
    catalogue_records_free(recs, count);
    f.volume = "/nowhere";
    CU_ASSERT_EQUAL(catalogue_query(cat, &f, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 0);
    CU_ASSERT_PTR_NULL(recs);
    catalogue_close(cat);
}

/* The index is a cache: lost or damaged, it is rebuilt from the records. */
static void test_index_rebuild(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat;
    char first_dir[4096];
    int fd;

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 1), 0);
    snapshot_record_free(rec);
    catalogue_close(cat);

    CU_ASSERT_EQUAL(unlink(in_test("state/index")), 0);
    cat = open_cat();
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);
    CU_ASSERT_EQUAL(access(in_test("state/index"), F_OK), 0);   /* written again */
    catalogue_close(cat);

    fd = open(in_test("state/index"), O_WRONLY | O_TRUNC);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, "umbra-catalogue-index 1\ndir=/x\ncrc32=00000000\n", 46), 46);
    close(fd);
    cat = open_cat();
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);
    CU_ASSERT_EQUAL(own_record_dirs(cat, first_dir, sizeof(first_dir)), 1);
    CU_ASSERT_STRING_EQUAL(first_dir, rec_dir);

    /* an explicit rebuild drops dirs that hold no records any more */
    CU_ASSERT_EQUAL(catalogue_delete(cat, &(GUID){ 0 }), -ENOENT);
    {
        GUID id = make_id(1);
        CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
    }
    CU_ASSERT_EQUAL(catalogue_rebuild_index(cat), 0);
    CU_ASSERT_EQUAL(own_record_dirs(cat, first_dir, sizeof(first_dir)), 0);
    catalogue_close(cat);
}

/* ---- reconciliation, case by case (catalogue.h's table) ---- */

static void test_created_pointing_at_nothing(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat;

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 1), 0);
    catalogue_close(cat);
    CU_ASSERT_EQUAL(fake_remove(NULL, NULL, &fake_provider_id, rec->provider_data), 0);   /* behind our back */

    cat = open_cat();
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->records_removed, 1);
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    snapshot_record_free(rec);
    catalogue_close(cat);
}

static void test_creating_dead_worker(void)
{
    struct snapshot_record *with, *without;
    struct catalogue *cat;
    char data[PATH_MAX + 8];

    fresh_env();
    cat = open_cat();
    /* the creator died after the snapshot was taken and said where it is ... */
    with = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    with->worker = dead_process();
    if (snprintf(data, sizeof(data), "fake:%s", snap_path(1)) >= (int)(sizeof(data))) abort();
    snapshot_record_set(&with->provider_data, data);
    CU_ASSERT_EQUAL(catalogue_add(cat, with), 0);
    CU_ASSERT_EQUAL(make_snapshot_dir(snap_path(1)), 0);
    /* ... and one died before taking its snapshot */
    without = new_record(2, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    without->worker = dead_process();
    CU_ASSERT_EQUAL(catalogue_add(cat, without), 0);
    catalogue_close(cat);

    cat = open_cat();
    /* the snapshot was never returned to anyone: it goes, with both records */
    CU_ASSERT_FALSE(snapshot_exists(1));
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->snapshots_deleted, 1);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->records_removed, 2);
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    snapshot_record_free(with);
    snapshot_record_free(without);
    catalogue_close(cat);
}

/* A crash between commit and the 'created' record: the record has no private
 * data yet; the provider's scan finds the snapshot nobody names. */
static void test_creating_before_private_data(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat;

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    rec->worker = dead_process();
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), 0);
    CU_ASSERT_EQUAL(make_snapshot_dir(snap_path(1)), 0);
    catalogue_close(cat);

    cat = open_cat();
    CU_ASSERT_FALSE(snapshot_exists(1));
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->snapshots_deleted, 1);
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    snapshot_record_free(rec);
    catalogue_close(cat);
}

/* Work in progress in a live process is not touched, and while it runs an
 * unnamed snapshot could be its own: no orphan is deleted either. */
static void test_in_progress_left_alone(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat;

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);   /* worker: us, alive */
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), 0);
    CU_ASSERT_EQUAL(make_snapshot_dir(snap_path(1)), 0);
    catalogue_close(cat);

    cat = open_cat();
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->in_progress, 1);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->snapshots_deleted, 0);
    CU_ASSERT(snapshot_exists(1));
    CU_ASSERT_EQUAL(count_records(cat, 1), 1);
    catalogue_close(cat);
    snapshot_record_free(rec);
}

static void test_deleting_dead_worker(void)
{
    struct snapshot_record *rec, *half;
    struct catalogue *cat;

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 1), 0);
    catalogue_close(cat);
    /* a deleter died after marking it */
    half = snapshot_record_dup(rec);
    half->state = RECORD_DELETING;
    half->worker = dead_process();
    {
        char *text, path[PATH_MAX];
        size_t len;
        GUID id = make_id(1);
        CU_ASSERT_EQUAL_FATAL(snapshot_record_format(half, &text, &len), 0);
        if (snprintf(path, sizeof(path), "%s/vss-%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x.record", rec_dir,
                     id.Data1, id.Data2, id.Data3, id.Data4[0], id.Data4[1], id.Data4[2], id.Data4[3], id.Data4[4],
                     id.Data4[5], id.Data4[6], id.Data4[7]) >= (int)sizeof(path))
            abort();
        CU_ASSERT_EQUAL(state_write_atomic(path, text, len, 0644), 0);
        free(text);
    }
    cat = open_cat();
    CU_ASSERT_FALSE(snapshot_exists(1));
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->records_removed, 1);
    catalogue_close(cat);
    snapshot_record_free(rec);
    snapshot_record_free(half);
}

/* R32: auto-release snapshots die with their requester, persistent ones stay. */
static void test_auto_release(void)
{
    struct snapshot_record *orphaned, *mine, *persistent;
    struct catalogue *cat;

    fresh_env();
    cat = open_cat();
    orphaned = new_record(1, CTX_BACKUP, 0, NULL);
    orphaned->owner = dead_process();
    CU_ASSERT_EQUAL(create_snapshot(cat, orphaned, 1), 0);
    mine = new_record(2, CTX_BACKUP, 0, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, mine, 2), 0);
    persistent = new_record(3, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    persistent->owner = dead_process();
    CU_ASSERT_EQUAL(create_snapshot(cat, persistent, 3), 0);
    catalogue_close(cat);

    cat = open_cat();
    CU_ASSERT_FALSE(snapshot_exists(1));
    CU_ASSERT(snapshot_exists(2));
    CU_ASSERT(snapshot_exists(3));
    CU_ASSERT_EQUAL(count_records(cat, 1), 2);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->snapshots_deleted, 1);
    catalogue_close(cat);
    snapshot_record_free(orphaned);
    snapshot_record_free(mine);
    snapshot_record_free(persistent);
}

/* The same with a real requester process killed with SIGKILL. */
static void test_auto_release_owner_killed(void)
{
    struct catalogue *cat;
    int ready[2], status;
    pid_t child;
    char c;

    fresh_env();
    CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
    child = fork();
    CU_ASSERT_FATAL(child >= 0);
    if (!child)
    {
        struct snapshot_record *rec;
        struct catalogue *mine;

        close(ready[0]);
        if (catalogue_open(&fake_ops, 0, &mine)) _exit(1);
        rec = new_record(1, CTX_BACKUP, 0, NULL);   /* auto-release, owner: this child */
        if (create_snapshot(mine, rec, 1)) _exit(2);
        if (write(ready[1], "k", 1) != 1) _exit(3);
        pause();
        _exit(0);
    }
    close(ready[1]);
    CU_ASSERT_EQUAL_FATAL(read(ready[0], &c, 1), 1);
    close(ready[0]);
    CU_ASSERT(snapshot_exists(1));

    /* while the requester lives, its snapshot stays */
    cat = open_cat();
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);
    CU_ASSERT(snapshot_exists(1));
    catalogue_close(cat);

    CU_ASSERT_EQUAL(kill(child, SIGKILL), 0);
    CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
    cat = open_cat();
    CU_ASSERT_FALSE(snapshot_exists(1));
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    catalogue_close(cat);
}

/* A provider's snapshot that no record names (and nothing in progress) is a
 * leftover of a crash: deleted.  Someone else's @GMT directory is reported
 * and left alone. */
static void test_orphans_and_foreign(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat;
    char foreign[PATH_MAX];

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 1), 0);
    catalogue_close(cat);
    CU_ASSERT_EQUAL(make_snapshot_dir(snap_path(2)), 0);              /* ours, unnamed */
    if (snprintf(foreign, sizeof(foreign), "%s/@GMT-2020.01.01-00.00.00", rec_dir) >= (int)(sizeof(foreign))) abort();
    CU_ASSERT_EQUAL(mkdir(foreign, 0755), 0);                         /* snapper's, say */

    cat = open_cat();
    CU_ASSERT(snapshot_exists(1));
    CU_ASSERT_FALSE(snapshot_exists(2));
    CU_ASSERT_EQUAL(access(foreign, F_OK), 0);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->snapshots_deleted, 1);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->foreign, 1);
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);
    catalogue_close(cat);
    snapshot_record_free(rec);
}

static unsigned int crc32_ieee(const char *p, size_t len)
{
    unsigned int crc = 0xffffffff;
    int k;

    while (len--)
    {
        crc ^= (unsigned char)*p++;
        for (k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return ~crc;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* Bad records are reported and moved aside; a later format is left alone;
 * temporary files of dead writers go. */
static void test_bad_records(void)
{
    struct snapshot_record *rec, **recs;
    struct catalogue *cat;
    char path[PATH_MAX], later[PATH_MAX], tmp[PATH_MAX];
    int status;
    pid_t dead;
    size_t count;

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 1), 0);
    snapshot_record_free(rec);
    catalogue_close(cat);

    if (snprintf(path, sizeof(path), "%s/vss-00000000-0000-0000-0000-00000000dead.record", rec_dir) >= (int)(sizeof(path))) abort();
    write_file(path, "umbra-snapshot-record 1\nsnapshot_id={00000000-0000-0000-0000-00000000dead}\nstate=cre");
    if (snprintf(later, sizeof(later), "%s/vss-00000000-0000-0000-0000-00000000beef.record", rec_dir) >= (int)(sizeof(later))) abort();
    {
        static const char body[] = "umbra-snapshot-record 7\nwhatever=1\n";
        char text[128];
        if (snprintf(text, sizeof(text), "%scrc32=%08x\n", body, crc32_ieee(body, strlen(body))) >= (int)(sizeof(text))) abort();
        write_file(later, text);
    }
    dead = fork();
    CU_ASSERT_FATAL(dead >= 0);
    if (!dead) _exit(0);
    waitpid(dead, &status, 0);
    if (snprintf(tmp, sizeof(tmp), "%s/.vss-00000000-0000-0000-0000-00000000cafe.record.tmp.%d.0", rec_dir, (int)dead) >= (int)(sizeof(tmp))) abort();
    write_file(tmp, "torn");

    /* without reconciliation a query just skips what it cannot read */
    CU_ASSERT_EQUAL_FATAL(catalogue_open(&fake_ops, CATALOGUE_NO_RECONCILE, &cat), 0);
    CU_ASSERT_EQUAL(catalogue_query(cat, NULL, &recs, &count), 0);
    CU_ASSERT_EQUAL(count, 1);
    catalogue_records_free(recs, count);
    catalogue_close(cat);
    CU_ASSERT_EQUAL(access(path, F_OK), 0);

    cat = open_cat();
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->quarantined, 1);
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->tmp_removed, 1);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
    {
        char bad[PATH_MAX + 8];
        if (snprintf(bad, sizeof(bad), "%s.bad", path) >= (int)(sizeof(bad))) abort();
        CU_ASSERT_EQUAL(access(bad, F_OK), 0);
    }
    CU_ASSERT_EQUAL(access(later, F_OK), 0);    /* a newer Umbra's: untouched */
    CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
    CU_ASSERT(snapshot_exists(1));
    CU_ASSERT_EQUAL(count_records(cat, 0), 1);
    catalogue_close(cat);
}

/* DeleteSnapshots that the provider refuses: the snapshot stays a created one. */
static void test_delete_refused(void)
{
    struct snapshot_record *rec, *got;
    struct catalogue *cat;
    GUID id = make_id(1);

    fresh_env();
    cat = open_cat();
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(create_snapshot(cat, rec, 1), 0);
    fake.remove_error = EBUSY;
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), -EBUSY);
    CU_ASSERT(snapshot_exists(1));
    CU_ASSERT_EQUAL_FATAL(catalogue_get(cat, &id, &got), 0);
    CU_ASSERT_EQUAL(got->state, RECORD_CREATED);
    snapshot_record_free(got);
    fake.remove_error = 0;
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
    CU_ASSERT_FALSE(snapshot_exists(1));
    snapshot_record_free(rec);
    catalogue_close(cat);
}

/* Another live process is creating it: DeleteSnapshots must not pull it away. */
static void test_delete_busy(void)
{
    struct snapshot_record *rec;
    struct catalogue *cat;
    GUID id = make_id(1);
    pid_t child;
    int status;

    fresh_env();
    cat = open_cat();
    child = fork();
    CU_ASSERT_FATAL(child >= 0);
    if (!child)
    {
        pause();
        _exit(0);
    }
    rec = new_record(1, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
    CU_ASSERT_EQUAL(catalogue_process_of(child, &rec->worker), 0);
    CU_ASSERT_EQUAL(catalogue_add(cat, rec), 0);
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), -EBUSY);
    CU_ASSERT_EQUAL(count_records(cat, 1), 1);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    /* its creator is gone: now it can go */
    CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
    CU_ASSERT_EQUAL(count_records(cat, 1), 0);
    snapshot_record_free(rec);
    catalogue_close(cat);
}

/* ---- crashes and I/O errors at every step ---- */

/* After any interruption of a creation and one reconciliation: either the
 * snapshot and its created record, or neither. */
static void assert_old_or_new(struct catalogue *cat, unsigned int n, int *was_new)
{
    struct snapshot_record *got = NULL;
    GUID id = make_id(n);
    int ret = catalogue_get(cat, &id, &got);

    if (!ret)
    {
        CU_ASSERT_EQUAL(got->state, RECORD_CREATED);
        CU_ASSERT(snapshot_exists(n));
        *was_new = 1;
        snapshot_record_free(got);
    }
    else
    {
        CU_ASSERT_EQUAL(ret, -ENOENT);
        CU_ASSERT_FALSE(snapshot_exists(n));
        *was_new = 0;
    }
    CU_ASSERT_EQUAL(count_files(rec_dir, ".vss-", NULL), 0);   /* no temporary files */
    CU_ASSERT_EQUAL(count_files(rec_dir, "vss-", ".bad"), 0);  /* nothing torn was trusted */
    CU_ASSERT_EQUAL(catalogue_last_stats(cat)->errors, 0);
}

static void test_crash_while_creating(void)
{
    unsigned int n, completed = 0, new_states = 0;

    fresh_env();
    for (n = 1; n < 100 && !completed; n++)
    {
        struct catalogue *cat;
        int status, was_new;
        pid_t child = fork();

        CU_ASSERT_FATAL(child >= 0);
        if (!child)
        {
            struct snapshot_record *rec;
            struct catalogue *mine;
            if (catalogue_open(&fake_ops, 0, &mine)) _exit(1);
            rec = new_record(n, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
            state_fault_set(STATE_IO_ALL, n, STATE_FAULT_CRASH);
            _exit(create_snapshot(mine, rec, n) ? 2 : 0);
        }
        CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
        CU_ASSERT_FATAL(WIFEXITED(status));
        if (WEXITSTATUS(status) == 0) completed = n;
        else CU_ASSERT_EQUAL(WEXITSTATUS(status), STATE_FAULT_EXIT_CODE);

        cat = open_cat();
        assert_old_or_new(cat, n, &was_new);
        if (completed) CU_ASSERT(was_new);
        new_states += was_new;
        catalogue_close(cat);
    }
    /* the index write, the 'creating' record and the 'created' record: 15 steps */
    CU_ASSERT(completed > 10);
    /* a crash after the last rename (at the directory fsync) keeps the new state */
    CU_ASSERT(new_states >= 2);
}

static void test_crash_while_deleting(void)
{
    unsigned int n, completed = 0;

    fresh_env();
    for (n = 1; n < 100 && !completed; n++)
    {
        struct snapshot_record *rec;
        struct catalogue *cat = open_cat();
        GUID id = make_id(n);
        int status, was_new;
        pid_t child;

        rec = new_record(n, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
        CU_ASSERT_EQUAL_FATAL(create_snapshot(cat, rec, n), 0);
        snapshot_record_free(rec);
        catalogue_close(cat);

        child = fork();
        CU_ASSERT_FATAL(child >= 0);
        if (!child)
        {
            struct catalogue *mine;
            if (catalogue_open(&fake_ops, 0, &mine)) _exit(1);
            state_fault_set(STATE_IO_ALL, n, STATE_FAULT_CRASH);
            _exit(catalogue_delete(mine, &id) ? 2 : 0);
        }
        CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
        CU_ASSERT_FATAL(WIFEXITED(status));
        if (WEXITSTATUS(status) == 0) completed = n;
        else CU_ASSERT_EQUAL(WEXITSTATUS(status), STATE_FAULT_EXIT_CODE);

        /* a delete that was under way is finished; one not yet begun leaves the snapshot */
        cat = open_cat();
        assert_old_or_new(cat, n, &was_new);
        if (completed) CU_ASSERT_FALSE(was_new);
        if (was_new) CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
        catalogue_close(cat);
    }
    /* 'deleting' record (5 steps), unlink + directory fsync */
    CU_ASSERT_EQUAL(completed, 8);
}

/* An I/O error at each step: the call fails, and what is on disk is the old
 * state or the new one, never a half-written record. */
static void test_io_errors(void)
{
    unsigned int n, completed = 0;

    fresh_env();
    for (n = 1; n < 100 && !completed; n++)
    {
        struct snapshot_record *rec, *got;
        struct catalogue *cat = open_cat();
        GUID id = make_id(n);
        int ret, got_ret;

        rec = new_record(n, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
        state_fault_set(STATE_IO_ALL, n, EIO);
        ret = create_snapshot(cat, rec, n);
        if (state_fault_steps() < n)
        {
            CU_ASSERT_EQUAL(ret, 0);
            completed = n;
        }
        else CU_ASSERT_EQUAL(ret, -EIO);
        state_fault_set(0, 0, 0);

        got_ret = catalogue_get(cat, &id, &got);
        if (!got_ret)
        {
            /* whatever is there parses and is one of the two states */
            CU_ASSERT(got->state == RECORD_CREATING || got->state == RECORD_CREATED);
            if (got->state == RECORD_CREATED) CU_ASSERT(snapshot_exists(n));
            snapshot_record_free(got);
        }
        else CU_ASSERT_EQUAL(got_ret, -ENOENT);
        CU_ASSERT_EQUAL(count_files(rec_dir, ".vss-", NULL), 0);

        /* the coordinator's abort: the snapshot and record go */
        if (ret)
        {
            if (snapshot_exists(n))
            {
                char data[PATH_MAX + 8];
                if (snprintf(data, sizeof(data), "fake:%s", snap_path(n)) >= (int)(sizeof(data))) abort();
                CU_ASSERT_EQUAL(fake_remove(NULL, NULL, &fake_provider_id, data), 0);
            }
            if (!got_ret) CU_ASSERT_EQUAL(catalogue_remove(cat, &id), 0);
        }
        snapshot_record_free(rec);
        catalogue_close(cat);
    }
    CU_ASSERT(completed > 10);
    {
        struct catalogue *cat = open_cat();
        GUID id = make_id(completed);
        CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
        catalogue_close(cat);
    }

    /* and while deleting: the snapshot stays listed as created or goes entirely */
    for (n = 1; n < 100; n++)
    {
        struct snapshot_record *rec, *got;
        struct catalogue *cat = open_cat();
        GUID id = make_id(200 + n);
        int ret;

        rec = new_record(200 + n, CTX_NAS_ROLLBACK, ATTR_PERSISTENT_NAS, NULL);
        CU_ASSERT_EQUAL_FATAL(create_snapshot(cat, rec, 200 + n), 0);
        state_fault_set(STATE_IO_ALL, n, EIO);
        ret = catalogue_delete(cat, &id);
        state_fault_set(0, 0, 0);
        if (!ret)
        {
            CU_ASSERT_EQUAL(catalogue_get(cat, &id, &got), -ENOENT);
            CU_ASSERT_FALSE(snapshot_exists(200 + n));
            snapshot_record_free(rec);
            catalogue_close(cat);
            break;
        }
        CU_ASSERT_EQUAL(ret, -EIO);
        if (!catalogue_get(cat, &id, &got))
        {
            /* still created (the delete never began) or deleting (finished by the next open) */
            CU_ASSERT(got->state == RECORD_CREATED || got->state == RECORD_DELETING);
            snapshot_record_free(got);
            CU_ASSERT_EQUAL(catalogue_delete(cat, &id), 0);
        }
        /* else gone already: only the directory fsync after the unlink failed */
        CU_ASSERT_EQUAL(count_records(cat, 1), 0);
        snapshot_record_free(rec);
        catalogue_close(cat);
    }
}

static CU_TestInfo catalogue_tests[] =
{
    { "lifecycle", test_lifecycle },
    { "bad calls", test_bad_calls },
    { "query (R23)", test_query },
    { "index rebuilt", test_index_rebuild },
    { "created record, snapshot gone", test_created_pointing_at_nothing },
    { "creating, worker gone", test_creating_dead_worker },
    { "creating, before private data", test_creating_before_private_data },
    { "in progress left alone", test_in_progress_left_alone },
    { "deleting, worker gone", test_deleting_dead_worker },
    { "auto-release (R32)", test_auto_release },
    { "auto-release, owner killed", test_auto_release_owner_killed },
    { "orphans and foreign snapshots", test_orphans_and_foreign },
    { "bad records", test_bad_records },
    { "delete refused", test_delete_refused },
    { "delete while another creates", test_delete_busy },
    { "crash at every step of a creation", test_crash_while_creating },
    { "crash at every step of a deletion", test_crash_while_deleting },
    { "I/O error at every step", test_io_errors },
    CU_TEST_INFO_NULL
};
UMBRA_SUITE(catalogue, NULL, suite_cleanup, catalogue_tests);
