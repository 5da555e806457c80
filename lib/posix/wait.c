/*
 * posix/wait.c - waiting for children, one or many, with timeouts.
 *
 * Rules kept here:
 *  - We reap only our own children, each by its pidfd or pid: never wait(-1),
 *    never P_ALL, no SIGCHLD handler. A caller's other children, and Check's
 *    test processes, are never touched.
 *  - A child is reaped only under its lock (posix.h says why), once; the
 *    status is then cached and every later wait returns it at once.
 *  - EINTR never escapes and never stretches a deadline: timeouts become an
 *    absolute CLOCK_MONOTONIC deadline once, and each retry waits only for
 *    what is left of it.
 *  - pidfd path: poll() sleeps until the child ends, in every waiting thread
 *    at once; no polling.
 *  - Portable path (no pidfd): an untimed wait blocks in waitid(P_PID,
 *    WNOWAIT) (one thread at a time, others sleep on the condition variable);
 *    a timed wait and wait_any poll waitid(WNOHANG) with a back-off that
 *    starts at 1 ms and doubles up to EXITSTAT__BACKOFF_MAX_NS, so a child's
 *    end is noticed within that bound and an idle wait costs at most ~60
 *    waitid calls a second per child.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"
#include "sys.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#  include <sys/syscall.h>
#endif

#define EXITSTAT__BACKOFF_MIN_NS 1000000   /* 1 ms */
#define EXITSTAT__BACKOFF_MAX_NS 16000000  /* 16 ms */

#if EXITSTAT_USE_PIDFD
static atomic_int no_p_pidfd;
#endif

static int64_t timeval_us(const struct timeval *tv)
{
    return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* One non-blocking waitid on the child, with the rusage the kernel hands back. */
static int waitid_nohang(exitstat_child *child, siginfo_t *si, struct rusage *ru, int *have_ru)
{
    int r;

    memset(si, 0, sizeof(*si));
    EXITSTAT__SYS_FAIL(EXITSTAT__FAULT_WAITID);
#if defined(__linux__) && defined(SYS_waitid)
    /* the system call has a fifth argument, the child's rusage; glibc's
     * waitid() does not pass it */
    *have_ru = 1;
#  if EXITSTAT_USE_PIDFD
    /* Linux 5.3 has pidfd_open but not waitid(P_PIDFD) (5.4): there the pid
     * serves, safely, since only we reap it and only under the lock */
    if (child->pidfd >= 0 && !atomic_load_explicit(&no_p_pidfd, memory_order_relaxed)) {
        r = (int)syscall(SYS_waitid, P_PIDFD, child->pidfd, si, WEXITED | WNOHANG, ru);
        if (r == 0 || errno != EINVAL)
            return r;
        atomic_store(&no_p_pidfd, 1);
    }
#  endif
    r = (int)syscall(SYS_waitid, P_PID, child->pid, si, WEXITED | WNOHANG, ru);
#else
    (void)ru;
    *have_ru = 0;
    r = waitid(P_PID, (id_t)child->pid, si, WEXITED | WNOHANG);
#endif
    return r;
}

int exitstat__reap_locked(exitstat_child *child)
{
    struct rusage ru;
    siginfo_t si;
    int have_ru, r;
    uint32_t raw;

    if (child->done)
        return 1;
    /* portable path: the reaper thread owns the reaping while it waits */
    if (child->reaper)
        return 0;
    do
        r = waitid_nohang(child, &si, &ru, &have_ru);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        if (errno != ECHILD)
            return exitstat__from_errno(errno);
        /* someone else took the status: the caller reaped the pid, or
         * ignores SIGCHLD (then the kernel reaps it). Final, like a status. */
        child->done_err = EXITSTAT_ECHILD;
        child->done = 1;
        pthread_cond_broadcast(&child->cond);
        return 1;
    }
    if (si.si_pid == 0)
        return 0; /* still running */

    switch (si.si_code) {
    case CLD_EXITED:
        raw = ((uint32_t)si.si_status & 0xffu) << 8;
        break;
    case CLD_DUMPED:
        raw = ((uint32_t)si.si_status & 0x7fu) | 0x80u;
        break;
    default: /* CLD_KILLED */
        raw = (uint32_t)si.si_status & 0x7fu;
        break;
    }
    /* through the decoder, so from_wait(st.raw) gives this status again */
    exitstat_status_from_wait((int)raw, &child->status);
    if (child->status.kind == EXITSTAT_SIGNALED && child->status.signal >= 1 &&
        child->status.signal <= 64 && (child->sent & (UINT64_C(1) << (child->status.signal - 1))))
        child->status.flags |= EXITSTAT_F_KILLED;

    child->usage.wall_us = (exitstat__now_ns() - child->start_ns) / 1000;
    if (have_ru) {
        child->usage.user_us = timeval_us(&ru.ru_utime);
        child->usage.sys_us = timeval_us(&ru.ru_stime);
        child->usage.maxrss_kib = ru.ru_maxrss; /* KiB on Linux */
    } else {
        child->usage.user_us = child->usage.sys_us = child->usage.maxrss_kib = -1;
    }
    child->done = 1;
    pthread_cond_broadcast(&child->cond);
    return 1;
}

int exitstat__ended_locked(exitstat_child *child)
{
    siginfo_t si;
    int r = exitstat__reap_locked(child);

    if (r != 0 || !child->reaper)
        return r;
    /* the reaper thread will collect it: only look */
    memset(&si, 0, sizeof(si));
    if (waitid(P_PID, (id_t)child->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0)
        return 1;
    return 0;
}

/* the result of a finished child (lock held) */
static int result_locked(const exitstat_child *child, exitstat_status *out)
{
    if (child->done_err)
        return child->done_err;
    *out = child->status;
    return 0;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts;

    ts.tv_sec = (time_t)(ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    nanosleep(&ts, NULL); /* EINTR: the caller re-checks its deadline */
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* portable path, untimed: block until the child is a zombie, without reaping
 * it (so a signal sent under the lock meanwhile cannot hit a reused pid) */
static void reaper_block(exitstat_child *child)
{
    siginfo_t si;

    while (waitid(P_PID, (id_t)child->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
}

static void cond_wait_until(exitstat_child *child, int64_t deadline)
{
    struct timespec ts;

    if (deadline == INT64_MAX) {
        pthread_cond_wait(&child->cond, &child->lock);
        return;
    }
    ts.tv_sec = (time_t)(deadline / 1000000000);
    ts.tv_nsec = (long)(deadline % 1000000000);
    pthread_cond_timedwait(&child->cond, &child->lock, &ts);
}

int exitstat_wait(exitstat_child *child, int64_t timeout_ms, exitstat_status *out)
{
    int64_t deadline, backoff = EXITSTAT__BACKOFF_MIN_NS;
    int r, look;

    if (!child || !out)
        return EXITSTAT_EINVAL;
    deadline = exitstat__deadline(timeout_ms);

    pthread_mutex_lock(&child->lock);
    /* On the pidfd path the first look is the poll: it returns at once for a
     * child that has ended, so a wait costs poll + waitid, whatever the
     * timeout (a timeout of 0 polls for 0 ms, then looks). */
    look = child->done || child->pidfd < 0;
    for (;;) {
        if (look) {
            if ((r = exitstat__reap_locked(child)) != 0)
                break;
            if (exitstat__now_ns() >= deadline) {
                r = EXITSTAT_ETIMEDOUT;
                break;
            }
        }
        look = 1;
        if (child->pidfd >= 0) {
            struct pollfd pfd;
            pfd.fd = child->pidfd;
            pfd.events = POLLIN;
            pthread_mutex_unlock(&child->lock);
            r = sys_poll(&pfd, 1, exitstat__poll_ms(deadline)) < 0 && errno != EINTR
                    ? exitstat__from_errno(errno)
                    : 0;
            pthread_mutex_lock(&child->lock);
            if (r < 0)
                break;
        } else if (child->reaper) {
            cond_wait_until(child, deadline);
        } else if (deadline == INT64_MAX) {
            child->reaper = 1;
            pthread_mutex_unlock(&child->lock);
            reaper_block(child);
            pthread_mutex_lock(&child->lock);
            child->reaper = 0;
            /* wake the others even if reaping fails, so one takes over */
            pthread_cond_broadcast(&child->cond);
        } else {
            pthread_mutex_unlock(&child->lock);
            sleep_ns(min64(backoff, deadline - exitstat__now_ns()));
            backoff = min64(backoff * 2, EXITSTAT__BACKOFF_MAX_NS);
            pthread_mutex_lock(&child->lock);
        }
    }
    if (r == 1)
        r = result_locked(child, out);
    pthread_mutex_unlock(&child->lock);
    return r;
}

/* 1 and the result if the child has ended (reaping it) */
static int try_one(exitstat_child *child, int *res, exitstat_status *out)
{
    int r;

    pthread_mutex_lock(&child->lock);
    r = child->done ? 1 : exitstat__reap_locked(child);
    if (r == 1)
        *res = result_locked(child, out);
    else if (r < 0)
        *res = r;
    pthread_mutex_unlock(&child->lock);
    return r != 0;
}

int exitstat_wait_any(exitstat_child *const *children, size_t n, int64_t timeout_ms,
                      size_t *index, exitstat_status *out)
{
    struct pollfd small[16], *pfds = small;
    size_t i, npoll = 0, *slot = NULL, small_slot[16];
    int64_t deadline, backoff = EXITSTAT__BACKOFF_MIN_NS;
    int portable = 0, res = EXITSTAT_ETIMEDOUT, wait_ms = 0;

    if (!children || n == 0 || !index || !out)
        return EXITSTAT_EINVAL;
    for (i = 0; i < n; i++)
        if (!children[i])
            return EXITSTAT_EINVAL;
    deadline = exitstat__deadline(timeout_ms);

    /* slot[i]: the pollfd of children[i], or SIZE_MAX for a portable one */
    if (n > 16) {
        pfds = exitstat__malloc(n * sizeof(*pfds));
        slot = exitstat__malloc(n * sizeof(*slot));
        if (!pfds || !slot) {
            free(pfds);
            free(slot);
            return EXITSTAT_ENOMEM;
        }
    } else {
        slot = small_slot;
    }
    for (i = 0; i < n; i++) {
        if (children[i]->pidfd >= 0) {
            pfds[npoll].fd = children[i]->pidfd;
            pfds[npoll].events = POLLIN;
            pfds[npoll].revents = 0;
            slot[i] = npoll++;
        } else {
            slot[i] = SIZE_MAX;
            portable = 1;
        }
    }

    for (;;) {
        /* readiness now (or after sleeping up to wait_ms) */
        if (npoll > 0) {
            if (sys_poll(pfds, (nfds_t)npoll, wait_ms) < 0 && errno != EINTR) {
                res = exitstat__from_errno(errno);
                break;
            }
        } else if (wait_ms > 0) {
            sleep_ns((int64_t)wait_ms * 1000000);
        }
        /* the lowest index that has ended. A pidfd the poll did not find
         * ready was running then (an ended child's pidfd stays ready, reaped
         * or not): skipped without taking its lock, so that a call costs the
         * poll and the ready ones, not n lock round trips */
        for (i = 0; i < n; i++) {
            if (slot[i] != SIZE_MAX && pfds[slot[i]].revents == 0)
                continue;
            if (try_one(children[i], &res, out))
                break;
        }
        if (i < n) {
            /* an ECHILD names its child too: its status was taken elsewhere */
            if (res == 0 || res == EXITSTAT_ECHILD)
                *index = i;
            break;
        }
        if (exitstat__now_ns() >= deadline) {
            res = EXITSTAT_ETIMEDOUT;
            break;
        }
        wait_ms = exitstat__poll_ms(deadline);
        if (portable) {
            int b = (int)((backoff + 999999) / 1000000);
            if (wait_ms < 0 || wait_ms > b)
                wait_ms = b;
            backoff = min64(backoff * 2, EXITSTAT__BACKOFF_MAX_NS);
        }
    }
    if (pfds != small) {
        free(pfds);
        free(slot);
    }
    return res;
}

int exitstat_child_usage(exitstat_child *child, exitstat_usage *out)
{
    int r;

    if (!child || !out)
        return EXITSTAT_EINVAL;
    pthread_mutex_lock(&child->lock);
    if (!child->done)
        r = EXITSTAT_ETIMEDOUT;
    else if (child->done_err)
        r = child->done_err;
    else {
        *out = child->usage;
        r = 0;
    }
    pthread_mutex_unlock(&child->lock);
    return r;
}
