/*
 * fault.h - fault injection for tests, in sqlite's manner: every allocation
 * and every system call that can fail in a way a caller must survive goes
 * through a site here, and a test build (-Dfault_injection=true) can make the
 * Nth call at a site fail with a chosen errno. In other builds the macros are
 * the plain calls: no cost, no code.
 *
 * The test API (exitstat__fault_arm, exitstat__fault_calls) has hidden
 * visibility: tests reach it by linking the static library.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_FAULT_H
#define EXITSTAT_FAULT_H

#include "config.h"

#include <stdlib.h>

enum exitstat__fault_site {
    EXITSTAT__FAULT_MALLOC, /* malloc, calloc, realloc in the library */
    EXITSTAT__FAULT_SPAWN,  /* posix_spawn, or fork on the fork path */
    EXITSTAT__FAULT_PIPE,   /* pipe2 */
    EXITSTAT__FAULT_OPEN,   /* open (/dev/null) */
    EXITSTAT__FAULT_DUP,    /* fcntl(F_DUPFD_CLOEXEC) */
    EXITSTAT__FAULT_PIDFD,  /* pidfd_open */
    EXITSTAT__FAULT_POLL,   /* poll */
    EXITSTAT__FAULT_WAITID, /* waitid */
    EXITSTAT__FAULT_COUNT
};

#if EXITSTAT_FAULT_INJECTION
/* the errno the current call at site must fail with, or 0 to go on */
int exitstat__fault(int site);
/* make the nth call from now (1 = the next) at site fail with err; nth 0
 * disarms; every armed site is disarmed after it fires */
void exitstat__fault_arm(int site, unsigned nth, int err);
/* calls seen at site since the last exitstat__fault_reset */
unsigned exitstat__fault_calls(int site);
void exitstat__fault_reset(void);
#  define EXITSTAT__FAULT(site) exitstat__fault(site)
void *exitstat__malloc(size_t n);
void *exitstat__calloc(size_t n, size_t size);
void *exitstat__realloc(void *p, size_t n);
#else
#  define EXITSTAT__FAULT(site) 0
#  define exitstat__malloc malloc
#  define exitstat__calloc calloc
#  define exitstat__realloc realloc
#endif

#endif
