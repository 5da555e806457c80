/*
 * posix/error.c - the backend's one mapping from errno to EXITSTAT_E* codes.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"

#include <errno.h>

int exitstat__from_errno(int err)
{
    switch (err) {
    case 0: return 0;
    case EINVAL: return EXITSTAT_EINVAL;
    case ENOMEM: return EXITSTAT_ENOMEM;
    case ENOENT:
    case ENAMETOOLONG: /* a name no file can have */
    case ELOOP:        /* a symlink loop resolves to nothing */
        return EXITSTAT_ENOENT;
    case EACCES:
    case EPERM:
    case ETXTBSY: /* the file is open for writing: it cannot be run */
        return EXITSTAT_EACCES;
    case ENOEXEC: return EXITSTAT_ENOEXEC;
    case E2BIG: return EXITSTAT_E2BIG;
    case EMFILE:
    case ENFILE:
        return EXITSTAT_EMFILE;
    case EAGAIN: return EXITSTAT_EAGAIN;
    case ECHILD: return EXITSTAT_ECHILD;
    case ENOSYS: return EXITSTAT_ENOSYS;
    case ENOTDIR: return EXITSTAT_ENOTDIR;
    default: return EXITSTAT_EIO;
    }
}
