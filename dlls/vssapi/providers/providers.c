/*
 * providers.c: the registry of built-in providers and the choice of one per
 * volume: hardware before software before system, as Windows chooses
 * (VSS-FACTS.md §1.1), and within one type the order of the list below.
 *
 * Not for: registering third-party providers (there are none on Linux).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/debug.h"
#include "provider.h"

static const struct provider *const builtin_providers[] =
{
    &btrfs_provider,
    &blockimage_provider,
    &lvm_provider,
    &zfs_provider,
    &directory_provider,
    NULL
};

const struct provider *const *provider_list(void)
{
    return builtin_providers;
}

const struct provider *provider_choose(const struct vss_volume *volume, int *err)
{
    static const enum provider_type order[] =
        { PROVIDER_TYPE_HARDWARE, PROVIDER_TYPE_SOFTWARE, PROVIDER_TYPE_SYSTEM };
    int last = -EOPNOTSUPP;
    unsigned int i;

    if (!volume)
    {
        if (err) *err = -EINVAL;
        return NULL;
    }
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    {
        const struct provider *const *p;

        for (p = builtin_providers; *p; p++)
        {
            int ret;

            if ((*p)->type != order[i]) continue;
            if (!(ret = (*p)->is_supported(volume)))
            {
                TRACE("%s: %s\n", volume->root, (*p)->name);
                if (err) *err = 0;
                return *p;
            }
            if (ret != -EOPNOTSUPP) last = ret;
        }
    }
    WARN("no provider for %s: %s\n", volume->root, strerror(-last));
    if (err) *err = last;
    return NULL;
}

const struct provider *provider_by_id(const GUID *id)
{
    const struct provider *const *p;

    if (!id) return NULL;
    for (p = builtin_providers; *p; p++)
        if (IsEqualGUID(&(*p)->id, id)) return *p;
    return NULL;
}

const struct provider *provider_default(void)
{
    return &directory_provider;
}

void provider_snapshot_clear(struct provider_snapshot *snap)
{
    free(snap->record_dir);
    free(snap->root);
    free(snap->private_data);
    snap->record_dir = snap->root = snap->private_data = NULL;
    snap->freeze = 0;
    snap->flags = 0;
    memset(&snap->created, 0, sizeof(snap->created));
}
