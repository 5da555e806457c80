/*
 * version.c - the library's version and the texts of its error codes.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#define EXITSTAT__STR_(x) #x
#define EXITSTAT__STR(x) EXITSTAT__STR_(x)

const char *exitstat_version(void)
{
    return EXITSTAT__STR(EXITSTAT_VERSION_MAJOR) "." EXITSTAT__STR(
        EXITSTAT_VERSION_MINOR) "." EXITSTAT__STR(EXITSTAT_VERSION_PATCH);
}

/* Indexed by -err: the codes are dense from 0 down to EXITSTAT_EIO. */
static const struct {
    const char *name;
    const char *text;
} errors[] = {
    {"EXITSTAT_OK", "success"},
    {"EXITSTAT_EINVAL", "invalid argument"},
    {"EXITSTAT_ENOMEM", "out of memory"},
    {"EXITSTAT_ENOENT", "no such file or directory"},
    {"EXITSTAT_EACCES", "permission denied"},
    {"EXITSTAT_ENOEXEC", "not an executable format"},
    {"EXITSTAT_E2BIG", "argument list, command line or environment too long"},
    {"EXITSTAT_EMFILE", "out of file descriptors or handles"},
    {"EXITSTAT_EAGAIN", "process limit reached, try again"},
    {"EXITSTAT_ETIMEDOUT", "timed out, the child is still running"},
    {"EXITSTAT_ECHILD", "no such child"},
    {"EXITSTAT_ENOSYS", "not supported on this platform"},
    {"EXITSTAT_EUNSAFE", "argument cannot be passed to the program safely"},
    {"EXITSTAT_ENOTDIR", "working directory is not a directory"},
    {"EXITSTAT_EIO", "operating-system failure"},
};

const char *exitstat_strerror(int err)
{
    if (err > 0 || err < -(int)(EXITSTAT__ARRAY_SIZE(errors) - 1))
        return "unknown error";
    return errors[-err].text;
}

const char *exitstat_errname(int err)
{
    if (err > 0 || err < -(int)(EXITSTAT__ARRAY_SIZE(errors) - 1))
        return NULL;
    return errors[-err].name;
}
