/*
 * sys-posix.c - what the exitstat command needs from a POSIX system beyond the
 * library: the clock, the terminal, the shell, and the guard against signals
 * that would otherwise end exitstat before the children it reports on.
 *
 * The guard. While children run, SIGINT, SIGQUIT, SIGTERM and SIGHUP are
 * blocked in every thread of exitstat and taken by one thread in sigwait(),
 * so that no handler runs in the middle of the library and nothing needs to
 * be async-signal-safe: the thread locks, records the first signal, and sends
 * SIGTERM and SIGHUP on through exitstat_signal (which is thread-safe and
 * never reaches a process that is not the child). The children start with an
 * empty signal mask whatever exitstat blocks, as the library promises.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

char **sys_init(int argc, char **argv, int *argc_out)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    *argc_out = argc;
    return argv;
}

void sys_args_free(char **args, char **argv)
{
    (void)args;
    (void)argv;
}

int64_t sys_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sys_no_core_dump(void)
{
    struct rlimit rl;

    rl.rlim_cur = 0;
    rl.rlim_max = 0;
    setrlimit(RLIMIT_CORE, &rl);
}

int sys_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}

int sys_shell_argv(const char *line, const char *argv[SYS_SHELL_ARGS])
{
    argv[0] = "/bin/sh";
    argv[1] = "-c";
    argv[2] = line;
    argv[3] = NULL;
    return 3;
}

/* ------------------------------------------------------------------------- */
/* The guard                                                                 */
/* ------------------------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_t thread;
    sigset_t set, old_mask;
    exitstat_child **slots; /* under lock */
    size_t nslots;
    int caught;   /* under lock */
    int stopping; /* under lock */
    int active;
} guard = {PTHREAD_MUTEX_INITIALIZER};

static void *guard_main(void *unused)
{
    (void)unused;
    for (;;) {
        int sig, stop;
        size_t i;

        if (sigwait(&guard.set, &sig) != 0)
            continue;
        pthread_mutex_lock(&guard.lock);
        stop = guard.stopping;
        if (!stop && !guard.caught)
            guard.caught = sig;
        if (!stop && (sig == SIGTERM || sig == SIGHUP))
            for (i = 0; i < guard.nslots; i++)
                if (guard.slots[i])
                    exitstat_signal(guard.slots[i], sig);
        pthread_mutex_unlock(&guard.lock);
        if (stop)
            return NULL;
    }
}

int sys_guard_begin(size_t slots)
{
    if (guard.active)
        return -1;
    guard.slots = calloc(slots ? slots : 1, sizeof(*guard.slots));
    if (!guard.slots)
        return -1;
    guard.nslots = slots;
    guard.caught = 0;
    guard.stopping = 0;
    sigemptyset(&guard.set);
    sigaddset(&guard.set, SIGINT);
    sigaddset(&guard.set, SIGQUIT);
    sigaddset(&guard.set, SIGTERM);
    sigaddset(&guard.set, SIGHUP);
    /* blocked before the thread exists, so that it inherits the mask and no
     * other thread can ever take one of these signals */
    pthread_sigmask(SIG_BLOCK, &guard.set, &guard.old_mask);
    if (pthread_create(&guard.thread, NULL, guard_main, NULL) != 0) {
        pthread_sigmask(SIG_SETMASK, &guard.old_mask, NULL);
        free(guard.slots);
        guard.slots = NULL;
        return -1;
    }
    guard.active = 1;
    return 0;
}

void sys_guard_set(size_t slot, exitstat_child *child)
{
    if (!guard.active || slot >= guard.nslots)
        return;
    pthread_mutex_lock(&guard.lock);
    guard.slots[slot] = child;
    pthread_mutex_unlock(&guard.lock);
}

int sys_guard_caught(void)
{
    int sig;

    pthread_mutex_lock(&guard.lock);
    sig = guard.caught;
    pthread_mutex_unlock(&guard.lock);
    return sig;
}

void sys_guard_end(void)
{
    if (!guard.active)
        return;
    /* Wake the thread with a signal of its set, aimed at it alone. Not
     * pthread_cancel: ASan reports the unwinding of a thread cancelled in
     * sigwait as a stack-buffer-underflow, and a signal is all it waits for.
     * A signal sent to exitstat in this instant is taken as the wake-up and
     * not recorded: exitstat is ending anyway. */
    pthread_mutex_lock(&guard.lock);
    guard.stopping = 1;
    pthread_mutex_unlock(&guard.lock);
    pthread_kill(guard.thread, SIGINT);
    pthread_join(guard.thread, NULL);
    guard.active = 0;
    free(guard.slots);
    guard.slots = NULL;
    guard.nslots = 0;
    /* a signal that came after the thread's end is delivered here, with its
     * usual action: exitstat was asked to end and does */
    pthread_sigmask(SIG_SETMASK, &guard.old_mask, NULL);
}
