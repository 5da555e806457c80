/*
 * posix.h - what the files of the POSIX backend share: the child object, and
 * the helpers each file offers the others.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_POSIX_H
#define EXITSTAT_POSIX_H

#include "config.h"
#include "internal.h"

#include <pthread.h>
#include <sys/types.h>

/*
 * One child. pid and pidfd never change after spawn. Everything below lock is
 * guarded by it: the child is reaped (waitid) only with the lock held, so a
 * signal sent under the lock can never reach a reused pid (the pid is live or a
 * zombie until then), and the status is published exactly once.
 *
 * Two ways to wait:
 *  - pidfd (Linux): poll() on the pidfd, without the lock, by any number of
 *    threads; whoever sees it readable takes the lock and reaps without blocking.
 *  - portable (no pidfd: built without, or pidfd_open failed, e.g. EMFILE, or
 *    valgrind's ENOSYS): an untimed wait lets one thread, the "reaper", block in
 *    waitid(P_PID, WNOWAIT), which does not reap, then reap under the lock;
 *    other waiters sleep on the condition variable until it is done. A timed
 *    wait polls waitid(WNOHANG) with a bounded back-off (see wait.c).
 */
struct exitstat_child {
    pid_t pid;
    int pidfd;     /* -1 on the portable path */
    int stdio[3];  /* the parent's pipe ends, -1 where not piped */
    uint32_t flags;  /* the command's EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE */
    int64_t start_ns; /* CLOCK_MONOTONIC at spawn */

    pthread_mutex_t lock;
    pthread_cond_t cond;  /* signalled when done is set (portable path) */
    int reaper;           /* a thread is blocked in waitid(WNOWAIT) for it */
    int done;             /* status (or err) is final */
    int done_err;         /* 0, or EXITSTAT_ECHILD when the status was taken elsewhere */
    uint64_t sent;        /* bit n-1: this library sent signal n to the live child */
    int group_gone;       /* NEW_GROUP: the group was found empty after the end */
    exitstat_status status;
    exitstat_usage usage;
};

/* error.c: errno -> EXITSTAT_E*, the one table of the backend */
int exitstat__from_errno(int err);

/* time.c */
int64_t exitstat__now_ns(void);
/* the deadline of a timeout (INT64_MAX for a negative one), and the
 * milliseconds left until it for poll() (-1 forever, rounded up) */
int64_t exitstat__deadline(int64_t timeout_ms);
int exitstat__poll_ms(int64_t deadline_ns);

/* path.c: the file a command runs (malloc'ed), by the contract's PATH search */
int exitstat__resolve(const exitstat_cmd *cmd, char *const *env, char **out);

/* spawn.c: close the child's descriptors and free it */
void exitstat__child_destroy(exitstat_child *child);

/* wait.c: reap without blocking, under child->lock; 1 if it is done now */
int exitstat__reap_locked(exitstat_child *child);
/* wait.c: 1 if the child has ended, collected or not (lock held); reaps it
 * unless a reaper thread is about to */
int exitstat__ended_locked(exitstat_child *child);

#endif
