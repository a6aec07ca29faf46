/*
 * snapshots.h: the clean-up the snapshot suites share (test_backup_*,
 * test_restore, test_revert, test_diskshadow, conformance/test_backup_rules).
 *
 * Not for: checking anything.  It runs from suite clean-ups and between
 * tests, where CUnit allows no assertions, so it only does its best.
 */
#ifndef UMBRA_TESTS_SNAPSHOTS_H
#define UMBRA_TESTS_SNAPSHOTS_H

/* Deletes every snapshot the catalogue of this process's VSS_STATE_DIR lists
 * (VSS_CTX_ALL), so that no read-only mount outlives a failed test. */
void snapshots_delete_all(void);

#endif
