/*
 * posix/sys.h - the system calls of the backend that tests make fail on
 * purpose (fault.h): each wrapper fails with the injected errno when its site
 * fires, and is the plain call otherwise (the check compiles away in normal
 * builds).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_POSIX_SYS_H
#define EXITSTAT_POSIX_SYS_H

#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#if defined(__linux__)
#  include <sys/syscall.h>
#endif

/* -1 with errno set when the site fires */
#define EXITSTAT__SYS_FAIL(site)                                                                   \
    do {                                                                                           \
        int fault_err_ = EXITSTAT__FAULT(site);                                                    \
        if (fault_err_) {                                                                          \
            errno = fault_err_;                                                                    \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

static inline int sys_pipe2(int fds[2], int flags)
{
    EXITSTAT__SYS_FAIL(EXITSTAT__FAULT_PIPE);
    return pipe2(fds, flags);
}

static inline int sys_open(const char *path, int flags)
{
    EXITSTAT__SYS_FAIL(EXITSTAT__FAULT_OPEN);
    return open(path, flags);
}

static inline int sys_dupfd_cloexec(int fd, int min)
{
    EXITSTAT__SYS_FAIL(EXITSTAT__FAULT_DUP);
    return fcntl(fd, F_DUPFD_CLOEXEC, min);
}

static inline int sys_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    EXITSTAT__SYS_FAIL(EXITSTAT__FAULT_POLL);
    return poll(fds, n, timeout);
}

#if EXITSTAT_USE_PIDFD
static inline int sys_pidfd_open(pid_t pid)
{
    EXITSTAT__SYS_FAIL(EXITSTAT__FAULT_PIDFD);
    return (int)syscall(SYS_pidfd_open, pid, 0);
}
#endif

#endif
