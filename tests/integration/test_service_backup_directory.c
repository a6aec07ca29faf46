/*
 * test_service_backup_directory.c: the requester flows of
 * integration/test_backup_directory.c (a writer process, restore, expose,
 * revert, racing and killed requesters), unchanged, run through vsssvc
 * (VSS_MODE=service): the API must behave the same in both modes.
 */
#include "harness.h"
#include "lib/service_fixture.h"

static const char *const svc_skip[] = { NULL };

#undef UMBRA_SUITE
#define UMBRA_SUITE UMBRA_SERVICE_SUITE
#include "integration/test_backup_directory.c"
