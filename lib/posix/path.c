/*
 * posix/path.c - which file a command runs.
 *
 * Rules (the contract's, and the man page's):
 *  - A program with a '/' is not searched. A relative one is relative to the
 *    command's working directory when it has one (the child changes directory
 *    before it executes), else to the parent's; exitstat_cmd_resolve shows it
 *    joined to that directory.
 *  - Otherwise it is searched in PATH: the PATH of the child's environment,
 *    which is the parent's unless the command sets, unsets or clears it. When
 *    the child has no PATH, the system's default (confstr(_CS_PATH), else
 *    "/bin:/usr/bin") is searched.
 *  - Empty and relative PATH entries are skipped: the current directory is
 *    never searched implicitly (Go's ErrDot rule; execvp would search it).
 *  - The first regular file we may execute wins. A match we may not execute (or
 *    a directory) is remembered: EXITSTAT_EACCES if nothing better comes,
 *    else EXITSTAT_ENOENT (musl's and glibc's execvp do the same).
 *
 * The search runs in the parent, before anything is started: the child side
 * (vfork or posix_spawn) then only executes a known path, and needs no getenv
 * and no allocation.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NAME_MAX
#  define NAME_MAX 255
#endif

static int can_execute(const char *path)
{
#ifdef AT_EACCESS
    return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
#else
    return access(path, X_OK) == 0;
#endif
}

/* 0 if path is a file we may run, else a negative code */
static int check_file(const char *path)
{
    struct stat sb;

    if (stat(path, &sb) < 0)
        return exitstat__from_errno(errno == ENOTDIR ? ENOENT : errno);
    if (S_ISDIR(sb.st_mode) || !can_execute(path))
        return EXITSTAT_EACCES;
    return 0;
}

static char *join(const char *dir, size_t dlen, const char *name)
{
    size_t nlen = strlen(name);
    char *p = exitstat__malloc(dlen + 1 + nlen + 1);

    if (p) {
        memcpy(p, dir, dlen);
        p[dlen] = '/';
        memcpy(p + dlen + 1, name, nlen + 1);
    }
    return p;
}

static int search_path(const char *name, const char *path, char **out)
{
    int saw_eacces = 0;
    const char *dir, *end;

    if (strlen(name) > NAME_MAX)
        return EXITSTAT_ENOENT;
    for (dir = path; dir; dir = *end ? end + 1 : NULL) {
        char *candidate;
        int err;

        end = strchr(dir, ':');
        if (!end)
            end = dir + strlen(dir);
        if (dir[0] != '/') /* empty or relative: never the current directory */
            continue;
        if (!(candidate = join(dir, (size_t)(end - dir), name)))
            return EXITSTAT_ENOMEM;
        err = check_file(candidate);
        if (err == 0) {
            *out = candidate;
            return 0;
        }
        free(candidate);
        if (err == EXITSTAT_EACCES)
            saw_eacces = 1;
        else if (err != EXITSTAT_ENOENT && err != EXITSTAT_ENOTDIR)
            return err; /* ENOMEM, EIO: something is wrong, do not hide it */
    }
    return saw_eacces ? EXITSTAT_EACCES : EXITSTAT_ENOENT;
}

static const char *default_path(void)
{
#ifdef _CS_PATH
    static char buf[256];
    static int known; /* benign race: every thread computes the same text */

    if (!known) {
        size_t n = confstr(_CS_PATH, buf, sizeof(buf));
        if (n == 0 || n > sizeof(buf))
            strcpy(buf, "/bin:/usr/bin");
        known = 1;
    }
    return buf;
#else
    return "/bin:/usr/bin";
#endif
}

int exitstat__resolve(const exitstat_cmd *cmd, char *const *env, char **out)
{
    const char *path;

    *out = NULL;
    if (strchr(cmd->program, '/')) {
        /* as given: the child resolves it after changing directory */
        if (!(*out = exitstat__strdup(cmd->program)))
            return EXITSTAT_ENOMEM;
        return 0;
    }
    path = exitstat__env_get(env, "PATH", exitstat__name_eq_exact);
    return search_path(cmd->program, path ? path : default_path(), out);
}

int exitstat_cmd_resolve(const exitstat_cmd *cmd, char *buf, size_t size)
{
    extern char **environ;
    char **env = NULL;
    char *file = NULL;
    int err, n;

    if (!cmd || (!buf && size > 0))
        return EXITSTAT_EINVAL;
    /* a working directory spawn could not enter fails it first */
    if (cmd->cwd) {
        struct stat sb;
        if (stat(cmd->cwd, &sb) < 0)
            return exitstat__from_errno(errno);
        if (!S_ISDIR(sb.st_mode))
            return EXITSTAT_ENOTDIR;
    }
    if ((err = exitstat__env_build(cmd, environ, exitstat__name_eq_exact, &env)) < 0)
        return err;
    err = exitstat__resolve(cmd, env, &file);
    free(env);
    /* a path given with a '/' is checked here (spawn leaves that to exec), from
     * the directory the child will run in */
    if (err == 0 && strchr(cmd->program, '/')) {
        if (cmd->cwd && cmd->program[0] != '/') {
            char *joined = join(cmd->cwd, strlen(cmd->cwd), cmd->program);
            free(file);
            if (!(file = joined))
                return EXITSTAT_ENOMEM;
        }
        err = check_file(file);
    }
    if (err < 0) {
        free(file);
        return err;
    }
    n = (int)strlen(file);
    if (size > 0) {
        size_t c = (size_t)n < size - 1 ? (size_t)n : size - 1;
        memcpy(buf, file, c);
        buf[c] = '\0';
    }
    free(file);
    return n;
}
