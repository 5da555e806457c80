/*
 * fault.c - the switchboard of fault injection (see fault.h). Compiled only
 * into builds made with -Dfault_injection=true.
 *
 * The counters are atomic so that threaded tests can run in such a build; a
 * fault armed for "the Nth call" fires in whichever thread makes that call.
 *
 * SPDX-License-Identifier: MIT
 */
#include "fault.h"
#include "internal.h"

#if EXITSTAT_FAULT_INJECTION

#include <stdatomic.h>

static atomic_uint calls[EXITSTAT__FAULT_COUNT];
static atomic_uint fire_at[EXITSTAT__FAULT_COUNT]; /* call number that fails; 0: none */
static atomic_int fire_err[EXITSTAT__FAULT_COUNT];

int exitstat__fault(int site)
{
    unsigned n = atomic_fetch_add(&calls[site], 1) + 1;
    unsigned at = atomic_load(&fire_at[site]);

    if (at != 0 && n == at) {
        atomic_store(&fire_at[site], 0);
        return atomic_load(&fire_err[site]);
    }
    return 0;
}

void exitstat__fault_arm(int site, unsigned nth, int err)
{
    atomic_store(&fire_err[site], err);
    atomic_store(&fire_at[site], nth ? atomic_load(&calls[site]) + nth : 0);
}

unsigned exitstat__fault_calls(int site)
{
    return atomic_load(&calls[site]);
}

void exitstat__fault_reset(void)
{
    int i;

    for (i = 0; i < EXITSTAT__FAULT_COUNT; i++) {
        atomic_store(&calls[i], 0);
        atomic_store(&fire_at[i], 0);
    }
}

void *exitstat__malloc(size_t n)
{
    return exitstat__fault(EXITSTAT__FAULT_MALLOC) ? NULL : malloc(n);
}

void *exitstat__calloc(size_t n, size_t size)
{
    return exitstat__fault(EXITSTAT__FAULT_MALLOC) ? NULL : calloc(n, size);
}

void *exitstat__realloc(void *p, size_t n)
{
    return exitstat__fault(EXITSTAT__FAULT_MALLOC) ? NULL : realloc(p, n);
}
#endif /* EXITSTAT_FAULT_INJECTION */
