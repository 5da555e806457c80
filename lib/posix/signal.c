/*
 * posix/signal.c - this platform's signal names and numbers.
 *
 * Names come from the platform's own <signal.h> macros, so each POSIX system
 * gets exactly its set (SIGSTKFLT and SIGPWR on Linux, SIGEMT and SIGINFO on
 * the BSDs...). The real-time signals are named relative to SIGRTMIN, which is
 * a run-time value on glibc (it reserves the first two for its own use).
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <signal.h>

static const struct {
    int sig;
    const char *name;
} signal_names[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGCHLD, "SIGCHLD"},
    {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"},
    {SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
    {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGSYS, "SIGSYS"},
#ifdef SIGSTKFLT
    {SIGSTKFLT, "SIGSTKFLT"},
#endif
#ifdef SIGWINCH
    {SIGWINCH, "SIGWINCH"},
#endif
#ifdef SIGIO
    {SIGIO, "SIGIO"},
#endif
#ifdef SIGPWR
    {SIGPWR, "SIGPWR"},
#endif
#ifdef SIGEMT
    {SIGEMT, "SIGEMT"},
#endif
#ifdef SIGINFO
    {SIGINFO, "SIGINFO"},
#endif
#ifdef SIGTHR
    {SIGTHR, "SIGTHR"},
#endif
#ifdef SIGLIBRT
    {SIGLIBRT, "SIGLIBRT"},
#endif
};

#if defined(SIGRTMIN) && defined(SIGRTMAX)
/* Linux has 33 real-time signals (32..64); a few spare entries cost nothing. */
static const char *const rt_names[] = {
    "SIGRTMIN",    "SIGRTMIN+1",  "SIGRTMIN+2",  "SIGRTMIN+3",  "SIGRTMIN+4",
    "SIGRTMIN+5",  "SIGRTMIN+6",  "SIGRTMIN+7",  "SIGRTMIN+8",  "SIGRTMIN+9",
    "SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14",
    "SIGRTMIN+15", "SIGRTMIN+16", "SIGRTMIN+17", "SIGRTMIN+18", "SIGRTMIN+19",
    "SIGRTMIN+20", "SIGRTMIN+21", "SIGRTMIN+22", "SIGRTMIN+23", "SIGRTMIN+24",
    "SIGRTMIN+25", "SIGRTMIN+26", "SIGRTMIN+27", "SIGRTMIN+28", "SIGRTMIN+29",
    "SIGRTMIN+30", "SIGRTMIN+31", "SIGRTMIN+32", "SIGRTMIN+33", "SIGRTMIN+34",
};
#endif

const char *exitstat_signal_name(int sig)
{
    size_t i;

    if (sig <= 0)
        return NULL;
    for (i = 0; i < EXITSTAT__ARRAY_SIZE(signal_names); i++)
        if (signal_names[i].sig == sig)
            return signal_names[i].name;
#if defined(SIGRTMIN) && defined(SIGRTMAX)
    if (sig >= SIGRTMIN && sig <= SIGRTMAX &&
        (size_t)(sig - SIGRTMIN) < EXITSTAT__ARRAY_SIZE(rt_names))
        return rt_names[sig - SIGRTMIN];
#endif
    return NULL;
}

int exitstat__signum(int traditional)
{
    switch (traditional) {
    case EXITSTAT__SIGHUP: return SIGHUP;
    case EXITSTAT__SIGINT: return SIGINT;
    case EXITSTAT__SIGQUIT: return SIGQUIT;
    case EXITSTAT__SIGILL: return SIGILL;
    case EXITSTAT__SIGTRAP: return SIGTRAP;
    case EXITSTAT__SIGABRT: return SIGABRT;
    case EXITSTAT__SIGBUS: return SIGBUS;
    case EXITSTAT__SIGFPE: return SIGFPE;
    case EXITSTAT__SIGKILL: return SIGKILL;
    case EXITSTAT__SIGSEGV: return SIGSEGV;
    case EXITSTAT__SIGPIPE: return SIGPIPE;
    case EXITSTAT__SIGALRM: return SIGALRM;
    case EXITSTAT__SIGTERM: return SIGTERM;
    default: return traditional;
    }
}
