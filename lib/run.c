/*
 * run.c - the conveniences built from the backend's primitives: stop (terminate,
 * grace, kill) and run (spawn, wait, stop on timeout). Portable.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

int exitstat_stop(exitstat_child *child, int64_t grace_ms, exitstat_status *out)
{
    int err;

    if (!child || !out)
        return EXITSTAT_EINVAL;
    /* already ended: its status, nothing sent */
    err = exitstat_wait(child, 0, out);
    if (err != EXITSTAT_ETIMEDOUT)
        return err;
    /* grace 0: kill at once, without asking first */
    if (grace_ms != 0) {
        if ((err = exitstat_terminate(child)) < 0)
            return err;
        err = exitstat_wait(child, grace_ms, out); /* negative: as long as it takes */
        if (err != EXITSTAT_ETIMEDOUT) {
            /* Ended in time. With EXITSTAT_NEW_GROUP, kill still reaches what
             * is left of the group or job (members that ignored the request);
             * for a lone child it is a no-op now. stop ends the whole tree. */
            if (err == 0)
                exitstat_kill(child);
            return err;
        }
    }
    if ((err = exitstat_kill(child)) < 0)
        return err;
    return exitstat_wait(child, -1, out);
}

int exitstat_run(const exitstat_cmd *cmd, int64_t timeout_ms, exitstat_status *st)
{
    exitstat_child *child;
    int err;

    if (!cmd || !st)
        return EXITSTAT_EINVAL;
    if ((err = exitstat_spawn(cmd, &child)) < 0)
        return err;
    err = exitstat_wait(child, timeout_ms, st);
    if (err == EXITSTAT_ETIMEDOUT) {
        err = exitstat_stop(child, EXITSTAT__RUN_GRACE_MS, st);
        if (err == 0)
            err = EXITSTAT_ETIMEDOUT;
    }
    exitstat_child_free(child);
    return err;
}
