/*
 * writer_session.h: the requester side of the writer suites: a private
 * rendezvous directory per test, a coordinator on it, a backup components
 * document with one component per writer, a stand-in for the provider steps
 * of DoSnapshotSet, and checks on the event log the test writers write.
 */
#ifndef UMBRA_TESTS_WRITER_SESSION_H
#define UMBRA_TESTS_WRITER_SESSION_H

#include <windows.h>
#include <vss.h>
#include "coordinator.h"
#include "lib/writer_procs.h"

struct bcd;

/* The snapshot set id every test backup uses, and its text. */
extern const GUID ws_set_id;
#define WS_SET_ID_TEXT "{11112222-3333-4444-5555-666677778888}"

/* Make <tmpdir>/<name>, point VSS_RUNTIME_DIR (and the configuration) at it;
 * writers started afterwards subscribe there.  Returns the directory. */
const char *ws_use_dir(const char *name);

/* A coordinator on the current directory (event timeout 0: the default). */
struct coordinator *ws_coordinator(DWORD event_timeout_ms);
const struct coordinator_writer *ws_writer_named(struct coordinator *c, const char *name);
/* SetBackupState-like state (full, components selected) and volume /srv/data/. */
void ws_set_state(struct coordinator *c);
/* A BCD with component "Data" for every writer that answered Identify. */
struct bcd *ws_bcd(struct coordinator *c);

/* The provider steps of DoSnapshotSet, counting what ran.  commit notes how
 * many writers the log shows frozen and thawed at that moment, sets the
 * snapshot device of /srv/data/ and returns commit_result. */
struct ws_provider
{
    struct coordinator *c;
    const char *log;
    int prepared, committed, thawed_after, aborted;
    unsigned int frozen_at_commit, thawed_at_commit;
    HRESULT commit_result;
};
struct coordinator_snapshot_ops ws_provider_ops(struct ws_provider *p);
#define WS_SNAPSHOT_DEVICE "/snapshots/@GMT-2024.01.01-00.00.00"

/* Each event appears once for label, in this order, and no other line of label. */
void ws_check_sequence(const struct wp_log *log, const char *label, const char *const *events);
unsigned int ws_count_containing(const struct wp_log *log, const char *text);
/* Wait (up to 10 s) until the log has at least n lines beginning with prefix. */
int ws_wait_for_line(const char *log, const char *prefix, unsigned int n);

#endif
