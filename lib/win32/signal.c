/*
 * win32/signal.c - signal names and numbers on Windows.
 *
 * Windows has no signals in the POSIX sense; the library speaks of the
 * traditional POSIX numbers so that a status means the same everywhere: an
 * unhandled access violation is SIGSEGV (11), exitstat_kill is SIGKILL (9).
 * These are not the numbers of the C runtime's <signal.h> (where SIGABRT is 22).
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

static const char *const signal_names[] = {
    [EXITSTAT__SIGHUP] = "SIGHUP",   [EXITSTAT__SIGINT] = "SIGINT",
    [EXITSTAT__SIGQUIT] = "SIGQUIT", [EXITSTAT__SIGILL] = "SIGILL",
    [EXITSTAT__SIGTRAP] = "SIGTRAP", [EXITSTAT__SIGABRT] = "SIGABRT",
    [EXITSTAT__SIGBUS] = "SIGBUS",   [EXITSTAT__SIGFPE] = "SIGFPE",
    [EXITSTAT__SIGKILL] = "SIGKILL", [EXITSTAT__SIGSEGV] = "SIGSEGV",
    [EXITSTAT__SIGPIPE] = "SIGPIPE", [EXITSTAT__SIGALRM] = "SIGALRM",
    [EXITSTAT__SIGTERM] = "SIGTERM",
};

const char *exitstat_signal_name(int sig)
{
    if (sig <= 0 || (size_t)sig >= EXITSTAT__ARRAY_SIZE(signal_names))
        return NULL;
    return signal_names[sig];
}

int exitstat__signum(int traditional)
{
    return traditional;
}
