/*
 * test_service_backup_rules.c: the ordering rules of VSS-FACTS.md §2.1
 * (conformance/test_backup_rules.c, unchanged) run again through vsssvc
 * (VSS_MODE=service): the API must behave the same in both modes.
 */
#include "harness.h"
#include "lib/service_fixture.h"

static const char *const svc_skip[] =
{
    /* sets VSS_MAX_SHADOW_COPIES (Windows' machine-wide MaxShadowCopies) in the
     * requester's environment; with the service it is the service's setting */
    "R15 snapshots per volume",
    NULL
};

#undef UMBRA_SUITE
#define UMBRA_SUITE UMBRA_SERVICE_SUITE
#include "conformance/test_backup_rules.c"
