/*
 * win32/kill.c - ending a child, or its whole job; the child's properties.
 *
 * Windows has no signals. The library's kill ends the child with exit code
 * 137 (TerminateProcess, or TerminateJobObject for EXITSTAT_NEW_GROUP) and
 * terminate with 143, 128 + the POSIX signal, so that anything reading only
 * the exit code sees the shell's meaning; the waiting side (wait.c) turns
 * them into SIGNALED/KILL and SIGNALED/TERM when they were ours. For a
 * EXITSTAT_NEW_GROUP child terminate first asks: CTRL_BREAK_EVENT to its
 * process group, which reaches it when it shares our console; when that
 * fails (we have no console, as under a service, or under Wine) the job is
 * ended with 143 instead.
 *
 * Rules kept here:
 *  - A child that has ended is sent nothing and the call returns 0. That is
 *    decided from its handle, not from TerminateProcess's result: Windows
 *    refuses to terminate an ended process (ERROR_ACCESS_DENIED) while Wine
 *    accepts it. With EXITSTAT_NEW_GROUP the job is still ended, so the rest
 *    of the tree is reached after the child is gone.
 *  - What we send is recorded under the child's lock before it is sent (and
 *    forgotten if sending fails), so a status collected at any moment knows
 *    whether an exit code of 137 or 143 is ours.
 *  - The process handle stays open until exitstat_child_free, so neither the
 *    pid nor the process group id can name another process meanwhile.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

/* has it ended? (lock held) */
static int ended_locked(exitstat_child *child)
{
    return child->done || WaitForSingleObject(child->process, 0) == WAIT_OBJECT_0;
}

/* End the child (its job for NEW_GROUP) with code, recording bit. */
static int end_locked(exitstat_child *child, UINT code, unsigned bit)
{
    unsigned had = child->sent & bit;
    int gone = ended_locked(child);
    BOOL ok;

    if (gone && !(child->flags & EXITSTAT_NEW_GROUP))
        return 0;
    if (!gone)
        child->sent |= bit;
    if (child->flags & EXITSTAT_NEW_GROUP)
        ok = TerminateJobObject(child->job, code);
    else
        ok = TerminateProcess(child->process, code);
    if (ok)
        return 0;
    {
        int err = exitstat__last_error();
        child->sent = (child->sent & ~bit) | had;
        /* it ended meanwhile: Windows calls that ERROR_ACCESS_DENIED */
        if (!(child->flags & EXITSTAT_NEW_GROUP) &&
            WaitForSingleObject(child->process, 0) == WAIT_OBJECT_0)
            return 0;
        return err;
    }
}

int exitstat_kill(exitstat_child *child)
{
    int err;

    if (!child)
        return EXITSTAT_EINVAL;
    AcquireSRWLockExclusive(&child->lock);
    err = end_locked(child, EXITSTAT__EXIT_KILL, EXITSTAT__SENT_KILL);
    ReleaseSRWLockExclusive(&child->lock);
    return err;
}

int exitstat_terminate(exitstat_child *child)
{
    int err = 0;

    if (!child)
        return EXITSTAT_EINVAL;
    AcquireSRWLockExclusive(&child->lock);
    if (child->flags & EXITSTAT_NEW_GROUP) {
        int gone = ended_locked(child);
        /* the group id is the child's pid, held by our handle even after
         * it ended */
        if (GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, child->pid)) {
            if (!gone)
                child->sent |= EXITSTAT__SENT_BREAK;
        } else {
            err = end_locked(child, EXITSTAT__EXIT_TERM, EXITSTAT__SENT_TERM);
        }
    } else {
        err = end_locked(child, EXITSTAT__EXIT_TERM, EXITSTAT__SENT_TERM);
    }
    ReleaseSRWLockExclusive(&child->lock);
    return err;
}

int exitstat_signal(exitstat_child *child, int sig)
{
    if (!child || !exitstat_signal_name(sig))
        return EXITSTAT_EINVAL;
    if (sig == EXITSTAT__SIGTERM)
        return exitstat_terminate(child);
    if (sig == EXITSTAT__SIGKILL)
        return exitstat_kill(child);
    return EXITSTAT_ENOSYS;
}

int64_t exitstat_child_pid(const exitstat_child *child)
{
    return child ? (int64_t)child->pid : -1;
}

intptr_t exitstat_child_handle(const exitstat_child *child)
{
    return child ? (intptr_t)child->process : -1;
}

intptr_t exitstat_child_stdio(const exitstat_child *child, int stream)
{
    if (!child || stream < 0 || stream > 2 || !child->stdio[stream])
        return -1;
    return (intptr_t)child->stdio[stream];
}
