/*
 * win32/wait.c - waiting for children, one or many, with timeouts; how they
 * ended, and what they used.
 *
 * Rules kept here:
 *  - A child's end is its process handle becoming signalled. The exit code is
 *    read only after that: 259 (STILL_ACTIVE) is also a code a process may
 *    exit with, and then it is an exit code like any other.
 *  - The status is collected once, under the child's lock, and cached: every
 *    later wait returns it at once. Waits block without the lock, so any
 *    number of threads may wait on one child, each in its own
 *    WaitForSingleObject, and all get the same status.
 *  - An exit code that one of our kills chose (137 after exitstat_kill, 143
 *    after exitstat_terminate) is reported as SIGNALED/KILL or SIGNALED/TERM
 *    with EXITSTAT_F_KILLED, but only when we did send that kill: a child
 *    exiting with 137 on its own is EXITED with 137. A child that a
 *    CTRL_BREAK of ours ended (0xC000013A) gets EXITSTAT_F_KILLED on top of
 *    what the decoder says (SIGNALED/INT).
 *  - Timeouts never end early: the deadline is kept on QueryPerformanceCounter
 *    (GetTickCount64 lags by up to a timer tick), WaitFor* is given what is
 *    left rounded up to a whole ms and asked again if it wakes before it, and
 *    one longer than WaitForSingleObject can take (49 days) goes in pieces.
 *
 * exitstat_wait_any and the 64-handle limit of WaitForMultipleObjects. Up to
 * 64 running children are one WaitForMultipleObjects. Beyond that this thread
 * waits on 63 of them plus an event, and worker threads (one per further 63)
 * wait on theirs plus a stop event; the first worker to see an end sets the
 * event. Once this thread wakes (an end, or the timeout) it sets the stop
 * event, joins the workers and looks for the lowest index that has ended.
 * Why this and not the alternatives:
 *  - RegisterWaitForSingleObject does the same grouping inside the process's
 *    shared thread pool, but every call would register and then unregister
 *    each handle, and a safe unregistration (UnregisterWaitEx with
 *    INVALID_HANDLE_VALUE) is a round trip to a pool thread per handle: a
 *    loop that waits for 1024 children one end at a time would pay that
 *    about half a million times. Worker threads of our own cost a thread
 *    creation per 63 handles per call (a 64 KiB stack reservation each),
 *    touch no state shared with the caller's code, and no callback of ours
 *    can run after the call returns.
 *  - Waiting on chunks in turn with short timeouts is a polling loop: it
 *    notices an end late, or burns CPU, and gets worse with n.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <psapi.h>
#include <stdlib.h>
#include <string.h>

int64_t exitstat__now_us(void)
{
    static LARGE_INTEGER freq; /* benign race: every thread computes the same */
    LARGE_INTEGER now;

    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)(now.QuadPart / freq.QuadPart * 1000000 +
                     now.QuadPart % freq.QuadPart * 1000000 / freq.QuadPart);
}

/* 100 ns units -> microseconds */
static int64_t filetime_us(const FILETIME *ft)
{
    return (int64_t)((((uint64_t)ft->dwHighDateTime << 32) | ft->dwLowDateTime) / 10);
}

static void status_signaled(exitstat_status *st, int sig, uint32_t raw)
{
    memset(st, 0, sizeof(*st));
    st->kind = EXITSTAT_SIGNALED;
    st->signal = sig;
    st->flags = EXITSTAT_F_KILLED;
    st->raw = raw;
}

int exitstat__collect_locked(exitstat_child *child)
{
    PROCESS_MEMORY_COUNTERS pmc;
    FILETIME created, ended, kernel, user;
    DWORD code;

    if (child->done)
        return 0;
    if (!GetExitCodeProcess(child->process, &code))
        return exitstat__last_error();
    if (code == EXITSTAT__EXIT_KILL && (child->sent & EXITSTAT__SENT_KILL))
        status_signaled(&child->status, EXITSTAT__SIGKILL, code);
    else if (code == EXITSTAT__EXIT_TERM && (child->sent & EXITSTAT__SENT_TERM))
        status_signaled(&child->status, EXITSTAT__SIGTERM, code);
    else
        exitstat_status_from_win32(code, &child->status);
    if (code == 0xC000013Au && (child->sent & EXITSTAT__SENT_BREAK))
        child->status.flags |= EXITSTAT_F_KILLED;

    child->usage.wall_us = exitstat__now_us() - child->start_us;
    if (GetProcessTimes(child->process, &created, &ended, &kernel, &user)) {
        child->usage.user_us = filetime_us(&user);
        child->usage.sys_us = filetime_us(&kernel);
    } else {
        child->usage.user_us = child->usage.sys_us = -1;
    }
    /* the peak working set; 0 is no answer (Wine gives 0 for an ended
     * process), as no process runs in no memory */
    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (K32GetProcessMemoryInfo(child->process, &pmc, sizeof(pmc)) && pmc.PeakWorkingSetSize > 0)
        child->usage.maxrss_kib = (int64_t)(pmc.PeakWorkingSetSize / 1024);
    else
        child->usage.maxrss_kib = -1;
    child->done = 1;
    return 0;
}

/* The status of a child whose handle is signalled. */
static int result(exitstat_child *child, exitstat_status *out)
{
    int err;

    AcquireSRWLockExclusive(&child->lock);
    err = exitstat__collect_locked(child);
    if (err == 0)
        *out = child->status;
    ReleaseSRWLockExclusive(&child->lock);
    return err;
}

/* 1 if the child has ended (its status may not be collected yet) */
static int ended(exitstat_child *child)
{
    int done;

    AcquireSRWLockShared(&child->lock);
    done = child->done;
    ReleaseSRWLockShared(&child->lock);
    return done || WaitForSingleObject(child->process, 0) == WAIT_OBJECT_0;
}

uint64_t exitstat__deadline_us(int64_t timeout_ms)
{
    uint64_t now = (uint64_t)exitstat__now_us();

    if (timeout_ms < 0)
        return UINT64_MAX;
    /* a timeout past the clock's range is none */
    if ((uint64_t)timeout_ms > (UINT64_MAX - 1 - now) / 1000)
        return UINT64_MAX;
    return now + (uint64_t)timeout_ms * 1000;
}

int exitstat__deadline_passed(uint64_t deadline)
{
    return deadline != UINT64_MAX && (uint64_t)exitstat__now_us() >= deadline;
}

DWORD exitstat__wait_ms(uint64_t deadline)
{
    uint64_t now, left;

    if (deadline == UINT64_MAX)
        return INFINITE;
    now = (uint64_t)exitstat__now_us();
    left = deadline > now ? (deadline - now + 999) / 1000 : 0;
    /* INFINITE is 0xFFFFFFFF: longer waits go in pieces */
    return left >= INFINITE ? INFINITE - 1 : (DWORD)left;
}

int exitstat_wait(exitstat_child *child, int64_t timeout_ms, exitstat_status *out)
{
    uint64_t deadline;
    DWORD r;

    if (!child || !out)
        return EXITSTAT_EINVAL;
    deadline = exitstat__deadline_us(timeout_ms);
    for (;;) {
        r = WaitForSingleObject(child->process, exitstat__wait_ms(deadline));
        if (r == WAIT_OBJECT_0)
            return result(child, out);
        if (r != WAIT_TIMEOUT)
            return exitstat__last_error();
        if (exitstat__deadline_passed(deadline))
            return EXITSTAT_ETIMEDOUT;
    }
}

/* ---- wait_any -------------------------------------------------------------- */

#define GROUP (MAXIMUM_WAIT_OBJECTS - 1) /* children per wait: one slot is an event */

struct worker {
    HANDLE h[MAXIMUM_WAIT_OBJECTS]; /* h[0]: stop; then up to GROUP children */
    DWORD n;
    HANDLE any;   /* set when one of ours ended (or the wait failed) */
    DWORD failed; /* the wait's error, 0 if none */
    HANDLE thread;
};

static DWORD WINAPI worker_main(LPVOID arg)
{
    struct worker *w = arg;
    DWORD r = WaitForMultipleObjects(w->n, w->h, FALSE, INFINITE);

    if (r == WAIT_FAILED)
        w->failed = GetLastError() ? GetLastError() : ERROR_INVALID_FUNCTION;
    if (r != WAIT_OBJECT_0) /* not the stop event */
        SetEvent(w->any);
    return 0;
}

/*
 * Sleep until one of h[0..n) is signalled or the deadline passes; h holds
 * each handle once. 0 either way (the caller looks at the children), or an
 * error.
 */
static int wait_handles(HANDLE *h, size_t n, uint64_t deadline)
{
    HANDLE mine[MAXIMUM_WAIT_OBJECTS], stop = NULL, any = NULL;
    struct worker *workers = NULL;
    size_t nworkers = 0, started = 0, i;
    DWORD r, failed = 0;
    int err = 0;

    if (n <= MAXIMUM_WAIT_OBJECTS) {
        r = WaitForMultipleObjects((DWORD)n, h, FALSE, exitstat__wait_ms(deadline));
        return r == WAIT_FAILED ? exitstat__last_error() : 0;
    }

    nworkers = (n - GROUP + GROUP - 1) / GROUP;
    workers = calloc(nworkers, sizeof(*workers));
    stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    any = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!workers || !stop || !any) {
        err = workers ? exitstat__last_error() : EXITSTAT_ENOMEM;
        goto out;
    }
    for (started = 0; started < nworkers; started++) {
        struct worker *w = &workers[started];
        size_t first = GROUP + started * GROUP, k;

        w->h[0] = stop;
        for (k = 0; k < GROUP && first + k < n; k++)
            w->h[1 + k] = h[first + k];
        w->n = (DWORD)(1 + k);
        w->any = any;
        w->thread =
            CreateThread(NULL, 64 * 1024, worker_main, w, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!w->thread) {
            err = exitstat__last_error();
            goto out;
        }
    }
    /* our own share: the first GROUP children, and the workers' event */
    mine[0] = any;
    memcpy(mine + 1, h, GROUP * sizeof(*h));
    r = WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, mine, FALSE, exitstat__wait_ms(deadline));
    if (r == WAIT_FAILED)
        err = exitstat__last_error();
out:
    if (stop)
        SetEvent(stop);
    for (i = 0; i < started; i++) {
        WaitForSingleObject(workers[i].thread, INFINITE);
        CloseHandle(workers[i].thread);
        if (workers[i].failed && !failed)
            failed = workers[i].failed;
    }
    if (!err && failed)
        err = exitstat__from_win32(failed);
    if (stop)
        CloseHandle(stop);
    if (any)
        CloseHandle(any);
    free(workers);
    return err;
}

int exitstat_wait_any(exitstat_child *const *children, size_t n, int64_t timeout_ms, size_t *index,
                      exitstat_status *out)
{
    HANDLE small[MAXIMUM_WAIT_OBJECTS], *h = small;
    uint64_t deadline;
    size_t i, m;
    int err;

    if (!children || n == 0 || !index || !out)
        return EXITSTAT_EINVAL;
    for (i = 0; i < n; i++)
        if (!children[i])
            return EXITSTAT_EINVAL;
    deadline = exitstat__deadline_us(timeout_ms);
    if (n > MAXIMUM_WAIT_OBJECTS && !(h = malloc(n * sizeof(*h))))
        return EXITSTAT_ENOMEM;

    for (;;) {
        /* the lowest index that has ended; else sleep on those running, in
         * index order (so the lowest ones are this thread's to watch) */
        for (i = 0, m = 0; i < n; i++) {
            HANDLE p = children[i]->process;
            size_t from, j;
            if (ended(children[i]))
                break;
            /* WaitForMultipleObjects refuses a handle twice in one call: a
             * child listed twice is watched once per group (wait_handles
             * takes h[0..64) in one call, or groups h[0..63), h[63..126)...) */
            from = m < MAXIMUM_WAIT_OBJECTS ? 0 : m - m % GROUP;
            for (j = from; j < m && h[j] != p; j++)
                ;
            if (j == m)
                h[m++] = p;
        }
        if (i < n) {
            if ((err = result(children[i], out)) == 0)
                *index = i;
            break;
        }
        if (exitstat__deadline_passed(deadline)) {
            err = EXITSTAT_ETIMEDOUT;
            break;
        }
        if ((err = wait_handles(h, m, deadline)) < 0)
            break;
    }
    if (h != small)
        free(h);
    return err;
}

int exitstat_child_usage(exitstat_child *child, exitstat_usage *out)
{
    int err = 0;

    if (!child || !out)
        return EXITSTAT_EINVAL;
    AcquireSRWLockShared(&child->lock);
    if (child->done)
        *out = child->usage;
    else
        err = EXITSTAT_ETIMEDOUT;
    ReleaseSRWLockShared(&child->lock);
    return err;
}
