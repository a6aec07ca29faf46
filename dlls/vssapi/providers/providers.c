/*
 * providers.c: the registry of providers and the choice of one per volume:
 * hardware before software before system, as Windows chooses (VSS-FACTS.md
 * §1.1), and within one type the order of the list: the built-in providers
 * below, then the third-party ones declared in providers.d (thirdparty.h).
 *
 * Not for: loading third-party providers (thirdparty.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "umbra/debug.h"
#include "provider.h"
#include "thirdparty.h"

static const struct provider *const builtin_providers[] =
{
    &btrfs_provider,
    &blockimage_provider,
    &lvm_provider,
    &zfs_provider,
    &directory_provider,
    NULL
};

#define BUILTIN_COUNT (sizeof(builtin_providers) / sizeof(builtin_providers[0]) - 1)

static const struct provider *all_providers[BUILTIN_COUNT + THIRDPARTY_MAX + 1];
static pthread_mutex_t all_providers_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct provider *builtin_by_id(const GUID *id)
{
    unsigned int i;

    for (i = 0; i < BUILTIN_COUNT; i++)
        if (IsEqualGUID(&builtin_providers[i]->id, id)) return builtin_providers[i];
    return NULL;
}

/* The built-in providers, then the third-party ones (read again when
 * providers.d changes); a third-party id that is a built-in's is skipped. */
const struct provider *const *provider_list(void)
{
    const struct provider *const *extra = thirdparty_providers();
    unsigned int n = 0, i;

    pthread_mutex_lock(&all_providers_lock);
    for (i = 0; i < BUILTIN_COUNT; i++) all_providers[n++] = builtin_providers[i];
    for (i = 0; extra[i]; i++)
    {
        if (builtin_by_id(&extra[i]->id)) continue;   /* thirdparty.c said so when it read it */
        all_providers[n++] = extra[i];
    }
    all_providers[n] = NULL;
    pthread_mutex_unlock(&all_providers_lock);
    return all_providers;
}

const struct provider *provider_choose(const struct vss_volume *volume, int *err)
{
    static const enum provider_type order[] =
        { PROVIDER_TYPE_HARDWARE, PROVIDER_TYPE_SOFTWARE, PROVIDER_TYPE_SYSTEM };
    const struct provider *const *list;
    int last = -EOPNOTSUPP;
    unsigned int i;

    if (!volume)
    {
        if (err) *err = -EINVAL;
        return NULL;
    }
    list = provider_list();
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    {
        const struct provider *const *p;

        for (p = list; *p; p++)
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
    for (p = provider_list(); *p; p++)
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
