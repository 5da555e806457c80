/*
 * posix/kill.c - signalling a child, or its whole process group.
 *
 * A signal is sent under the child's lock, and the child is reaped only under
 * that lock, so the pid we signal is our live child or its zombie, never a
 * reused pid. On Linux the signal goes through the pidfd anyway, which cannot
 * reach another process at all. Once the child has ended nothing is sent to it
 * (0 is returned); with EXITSTAT_NEW_GROUP the group still gets the signal: the
 * kernel does not reuse a process group id while any member lives, so
 * killpg() can reach only the child's own descendants, or nobody (ESRCH).
 *
 * Before sending, the child is reaped if it has ended, so a signal is never
 * recorded as ours when it reached a zombie: a child that died of its own
 * SIGTERM is not marked as killed by us because terminate came after. Every
 * signal we do send to a live child is remembered, so that a death by it is
 * marked EXITSTAT_F_KILLED. Once the leader has been collected and a group
 * signal finds nobody (ESRCH), the group id is never used again: the kernel
 * may give it to an unrelated group from then on.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>
#if defined(__linux__)
#  include <sys/syscall.h>
#endif

static int send_locked(exitstat_child *child, int sig)
{
    int ended, r;

    /* an ended child gets nothing (and its group only what follows) */
    if ((ended = exitstat__ended_locked(child)) < 0)
        return ended;
    if (child->flags & EXITSTAT_NEW_GROUP) {
        if (child->group_gone)
            return 0;
        /* the child leads its group: pgid == pid */
        r = kill(-child->pid, sig);
        if (r < 0 && errno == ESRCH && child->done)
            child->group_gone = 1;
    } else if (ended) {
        return 0;
    } else {
#if EXITSTAT_USE_PIDFD
        if (child->pidfd >= 0)
            r = (int)syscall(SYS_pidfd_send_signal, child->pidfd, sig, NULL, 0);
        else
#endif
            r = kill(child->pid, sig);
    }
    if (r < 0) {
        /* ESRCH: it ended meanwhile (or the group is empty): nothing to do */
        if (errno == ESRCH)
            return 0;
        return exitstat__from_errno(errno);
    }
    if (!ended && sig <= 64)
        child->sent |= UINT64_C(1) << (sig - 1);
    return 0;
}

int exitstat_signal(exitstat_child *child, int sig)
{
    int r;

    if (!child || sig <= 0 || sig >= NSIG)
        return EXITSTAT_EINVAL;
    pthread_mutex_lock(&child->lock);
    r = send_locked(child, sig);
    pthread_mutex_unlock(&child->lock);
    return r;
}

int exitstat_terminate(exitstat_child *child)
{
    return exitstat_signal(child, SIGTERM);
}

int exitstat_kill(exitstat_child *child)
{
    return exitstat_signal(child, SIGKILL);
}

int64_t exitstat_child_pid(const exitstat_child *child)
{
    return child ? (int64_t)child->pid : -1;
}

intptr_t exitstat_child_handle(const exitstat_child *child)
{
    return child ? (intptr_t)child->pidfd : -1;
}

intptr_t exitstat_child_stdio(const exitstat_child *child, int stream)
{
    if (!child || stream < 0 || stream > 2)
        return -1;
    return child->stdio[stream];
}

void exitstat_child_free(exitstat_child *child)
{
    exitstat_status st;

    if (!child)
        return;
    if (child->flags & EXITSTAT_KILL_ON_FREE) {
        pthread_mutex_lock(&child->lock);
        if (!child->done)
            send_locked(child, SIGKILL);
        pthread_mutex_unlock(&child->lock);
        exitstat_wait(child, -1, &st);
    }
    exitstat__child_destroy(child);
}
