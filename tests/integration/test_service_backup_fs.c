/*
 * test_service_backup_fs.c: DoSnapshotSet on real btrfs and xfs volumes
 * (integration/test_backup_fs.c, unchanged: its writer lives in the test
 * process, so the service reaches a writer socket of another process) run
 * through vsssvc (VSS_MODE=service).  Needs root, like the original.
 */
#include "harness.h"
#include "lib/service_fixture.h"

static const char *const svc_skip[] = { NULL };

#undef UMBRA_SUITE
#define UMBRA_SUITE UMBRA_SERVICE_SUITE
#include "integration/test_backup_fs.c"
