/*
 * posix/exit.c - exitstat_exit_like: end this process the way a child ended,
 * so a wrapper passes a status on without loss (a SIGSEGV stays a SIGSEGV, and
 * a shell above sees 139 as it would have).
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void exitstat_exit_like(const exitstat_status *st)
{
    if (st && st->kind == EXITSTAT_EXITED) {
        /* exit() keeps 8 bits: never let a failure such as 256 or a Windows
         * 0xC0000100 read as success */
        int code = (int)(st->code & 0xff);
        exit(code == 0 && st->code != 0 ? 1 : code);
    }
    if (st && st->kind == EXITSTAT_SIGNALED && st->signal > 0 && st->signal < NSIG) {
        struct sigaction sa;
        sigset_t set;

        fflush(NULL);
        /* a stop signal would only stop us: end as a shell would report it */
        if (st->signal == SIGSTOP || st->signal == SIGTSTP || st->signal == SIGTTIN ||
            st->signal == SIGTTOU)
            _exit(128 + st->signal);
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        sigaction(st->signal, &sa, NULL);
        sigemptyset(&set);
        sigaddset(&set, st->signal);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(st->signal);
        /* a signal whose default action is not to end the process (SIGCHLD,
         * SIGURG, SIGWINCH, SIGCONT): end as a shell would report it */
        _exit(128 + st->signal);
    }
    exit(1);
}
