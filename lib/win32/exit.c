/*
 * win32/exit.c - exitstat_exit_like: end this process the way a child ended,
 * so a wrapper passes a status on without loss.
 *
 * Windows ends a process with a 32-bit code and nothing else, so every status
 * becomes one: EXITED its code (all 32 bits); SIGNALED from an exception the
 * NTSTATUS itself (so a parent of ours sees the same crash code); any other
 * SIGNALED 128 + the signal (137 for a kill, what a shell would show); a
 * status that is not an end 1. It goes through exit(), so that atexit
 * handlers run and stdio is flushed; the C runtime ends the process with
 * ExitProcess and the full code.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <stdlib.h>

void exitstat_exit_like(const exitstat_status *st)
{
    uint32_t code = 1;

    if (st && st->kind == EXITSTAT_EXITED) {
        code = (uint32_t)st->code;
        /* a code wider than 32 bits (from another platform's status) must
         * not read as success */
        if (code == 0 && st->code != 0)
            code = 1;
    } else if (st && st->kind == EXITSTAT_SIGNALED) {
        if ((st->flags & EXITSTAT_F_EXCEPTION) && st->code != 0)
            code = (uint32_t)st->code;
        else if (st->signal > 0 && st->signal < 128)
            code = 128u + (uint32_t)st->signal;
    }
    exit((int)code);
}
