/*
 * internal.h - the private contract between libexitstat's portable core (the .c
 * files at the top of lib/) and its backends (lib/posix/, lib/win32/). Nothing here is exported: internal
 * symbols with external linkage are named exitstat__*, and the version script
 * and hidden visibility keep them out of the shared library's symbol table.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_INTERNAL_H
#define EXITSTAT_INTERNAL_H

#include "exitstat.h"

#include <stddef.h>
#include <stdint.h>

#define EXITSTAT__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The traditional POSIX signal numbers that the Windows mapping of the contract
 * speaks in. exitstat__signum() turns one into this platform's own number: the
 * identity on Windows and on Linux, a real translation where a POSIX system
 * numbers differently (SIGBUS is 10 on the BSDs and macOS).
 */
enum {
    EXITSTAT__SIGHUP = 1,
    EXITSTAT__SIGINT = 2,
    EXITSTAT__SIGQUIT = 3,
    EXITSTAT__SIGILL = 4,
    EXITSTAT__SIGTRAP = 5,
    EXITSTAT__SIGABRT = 6,
    EXITSTAT__SIGBUS = 7,
    EXITSTAT__SIGFPE = 8,
    EXITSTAT__SIGKILL = 9,
    EXITSTAT__SIGSEGV = 11,
    EXITSTAT__SIGPIPE = 13,
    EXITSTAT__SIGALRM = 14,
    EXITSTAT__SIGTERM = 15
};

/* backend: lib/posix/signal.c, lib/win32/signal.c */
int exitstat__signum(int traditional);

#endif /* EXITSTAT_INTERNAL_H */
