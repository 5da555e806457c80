/*
 * posix/spawn.c - starting a child.
 *
 * What the child gets (the contract, and what this file guarantees):
 *  - the three standard streams as the command says, and no other descriptor:
 *    everything from 3 up is closed (posix_spawn_file_actions_addclosefrom_np,
 *    or close_range on the fork path), whether or not it was close-on-exec;
 *  - every signal at its default action (SIGPIPE and SIGCHLD included, even
 *    when the caller ignores them) and an empty signal mask;
 *  - a new process group for EXITSTAT_NEW_GROUP, the working directory of the
 *    command, and the environment built by cmd.c.
 *
 * Two ways to start it, with the same results and the same errors:
 *  - posix_spawn, when it can do everything the command needs (glibc >= 2.34
 *    has addchdir_np and addclosefrom_np). glibc and musl run the child with
 *    CLONE_VFORK and report exec failures as posix_spawn's return value, so
 *    when it returns 0 the new program is already running, and when it fails
 *    the failed child has been reaped.
 *  - fork with a close-on-exec error pipe otherwise: when the build has no
 *    suitable posix_spawn (or -Dposix_spawn=disabled), or when posix_spawn
 *    turns out at run time not to report exec failures (see the probe): the child does only async-signal-safe things,
 *    writes errno to the pipe if a step or execve fails, and _exits; the
 *    parent reads the pipe to EOF (exec succeeded) or an errno (it reaps the
 *    child and reports the error). Signals are blocked in the parent across
 *    fork so no handler of the caller's runs in the child.
 *
 * Every descriptor we create is close-on-exec from birth and moved above 2, so
 * that a parent started with 0, 1 or 2 closed cannot have a pipe end land on a
 * standard stream number (where dup2 onto itself would keep close-on-exec) and
 * no dup2 can clobber a source another one still needs. Everything the child
 * needs is prepared in the parent first (path search, argv, envp), and the
 * child object is allocated before the spawn, so nothing can fail after a
 * child exists except what we can report and clean up.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#if EXITSTAT_USE_POSIX_SPAWN
#  include <spawn.h>
#endif
#if defined(__linux__)
#  include <sys/syscall.h>
#endif

/* musl (1.2.3) has SYS_close_range but not this flag, which glibc's
 * <unistd.h> defines: without it the fork path would close every possible
 * descriptor one by one, RLIMIT_NOFILE of them (a million in some
 * containers), in every spawn. The value is the kernel's ABI
 * (linux/close_range.h); a kernel older than 5.11 refuses it with EINVAL and
 * the loop below serves instead. */
#if defined(__linux__) && defined(SYS_close_range) && !defined(CLOSE_RANGE_CLOEXEC)
#  define CLOSE_RANGE_CLOEXEC (1u << 2)
#endif

extern char **environ;

/* What the child's streams are made of. */
struct plan {
    int src[3];      /* descriptor to dup2 onto stream i, or -1 */
    int merge;       /* stream 2 follows stream 1 */
    int ours[6];     /* descriptors created for the spawn, closed after it */
    int nours;
    int parent[3];   /* the parent's pipe ends, handed to the child object */
};

static void close_keep_errno(int fd)
{
    int saved = errno;
    if (fd >= 0)
        close(fd);
    errno = saved;
}

/* Move fd above the standard streams (close-on-exec). Closes fd if it had to
 * move it and owned says it is ours. */
static int lift(int fd, int owned)
{
    int nfd;

    if (fd > 2)
        return fd;
    nfd = sys_dupfd_cloexec(fd, 3);
    if (owned)
        close_keep_errno(fd);
    return nfd;
}

static void plan_init(struct plan *p)
{
    int i;

    for (i = 0; i < 3; i++)
        p->src[i] = p->parent[i] = -1;
    p->merge = 0;
    p->nours = 0;
}

static void plan_close_ours(struct plan *p)
{
    while (p->nours > 0)
        close_keep_errno(p->ours[--p->nours]);
}

static void plan_cleanup(struct plan *p)
{
    int i;

    plan_close_ours(p);
    for (i = 0; i < 3; i++) {
        close_keep_errno(p->parent[i]);
        p->parent[i] = -1;
    }
}

static int plan_stdio(const exitstat_cmd *cmd, struct plan *p)
{
    int i, fd, fds[2];

    for (i = 0; i < 3; i++) {
        switch (cmd->stdio[i].mode) {
        case EXITSTAT_NULL:
            fd = sys_open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
            if (fd < 0 || (fd = lift(fd, 1)) < 0)
                return exitstat__from_errno(errno);
            p->ours[p->nours++] = p->src[i] = fd;
            break;
        case EXITSTAT_PIPE:
            if (sys_pipe2(fds, O_CLOEXEC) < 0)
                return exitstat__from_errno(errno);
            if ((fds[0] = lift(fds[0], 1)) < 0) {
                close_keep_errno(fds[1]);
                return exitstat__from_errno(errno);
            }
            if ((fds[1] = lift(fds[1], 1)) < 0) {
                close_keep_errno(fds[0]);
                return exitstat__from_errno(errno);
            }
            /* the child reads stdin and writes the others */
            p->parent[i] = fds[i == 0 ? 1 : 0];
            p->ours[p->nours++] = p->src[i] = fds[i == 0 ? 0 : 1];
            break;
        case EXITSTAT_HANDLE:
            fd = (int)cmd->stdio[i].handle;
            if (fcntl(fd, F_GETFD) < 0)
                return errno == EBADF ? EXITSTAT_EINVAL : exitstat__from_errno(errno);
            if (fd <= 2) {
                /* a standard stream number: duplicate it, so that dup2 in the
                 * child never reads a stream an earlier dup2 replaced */
                if ((fd = lift(fd, 0)) < 0)
                    return exitstat__from_errno(errno);
                p->ours[p->nours++] = fd;
            }
            p->src[i] = fd;
            break;
        case EXITSTAT_MERGE:
            p->merge = 1;
            break;
        default: /* EXITSTAT_INHERIT */
            break;
        }
    }
    return 0;
}

/*
 * posix_spawn reports a failed chdir and a failed exec alike. ENOTDIR means
 * "the working directory is not a directory" only when that is true; from a
 * program path (a/b where a is a file) it means the program was not found.
 */
static int spawn_error(const exitstat_cmd *cmd, int err)
{
    if (err == ENOTDIR) {
        struct stat sb;
        if (cmd->cwd && (stat(cmd->cwd, &sb) < 0 ? errno == ENOTDIR : !S_ISDIR(sb.st_mode)))
            return EXITSTAT_ENOTDIR;
        return EXITSTAT_ENOENT;
    }
    return exitstat__from_errno(err);
}

#if EXITSTAT_USE_POSIX_SPAWN
static int spawn_posix(const exitstat_cmd *cmd, const struct plan *p, const char *path,
                       char *const *envp, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t all, none;
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    int i, err;

    if ((err = posix_spawnattr_init(&attr)) != 0)
        return exitstat__from_errno(err);
    if ((err = posix_spawn_file_actions_init(&fa)) != 0) {
        posix_spawnattr_destroy(&attr);
        return exitstat__from_errno(err);
    }
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    sigemptyset(&none);
    if (cmd->flags & EXITSTAT_NEW_GROUP)
        flags |= POSIX_SPAWN_SETPGROUP;
    err = posix_spawnattr_setsigdefault(&attr, &all);
    if (!err)
        err = posix_spawnattr_setsigmask(&attr, &none);
    if (!err)
        err = posix_spawnattr_setpgroup(&attr, 0);
    if (!err)
        err = posix_spawnattr_setflags(&attr, flags);
    for (i = 0; i < 3 && !err; i++)
        if (p->src[i] >= 0)
            err = posix_spawn_file_actions_adddup2(&fa, p->src[i], i);
    if (!err && p->merge)
        err = posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (!err && cmd->cwd)
        err = posix_spawn_file_actions_addchdir_np(&fa, cmd->cwd);
    if (!err)
        err = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (!err)
        err = EXITSTAT__FAULT(EXITSTAT__FAULT_SPAWN);
    if (!err)
        err = posix_spawn(pid, path, &fa, &attr, cmd->argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return err ? spawn_error(cmd, err) : 0;
}


/*
 * posix_spawn reports a failed exec only where the child really shares the
 * parent's memory until it execs (glibc and musl run it with CLONE_VFORK and
 * pass the error back through that memory or a pipe). Under valgrind, QEMU's
 * user mode or WSL1, CLONE_VM is emulated by a copy and the error is lost:
 * posix_spawn returns 0 and the child exits 127. So before trusting it, each
 * process asks it once to run a file that cannot exist; if that "succeeds",
 * the fork path serves the process from then on. (skalibs and libuv check
 * the same thing.)
 */
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int posix_spawn_trusted;

static void probe_posix_spawn(void)
{
    static char name[] = "exitstat-probe";
    char *argv[] = {name, NULL}, *envp[] = {NULL};
    pid_t pid;
    int status, r;

    r = posix_spawn(&pid, "/nonexistent/exitstat-posix-spawn-probe", NULL, NULL, argv, envp);
    if (r == 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        return;
    }
    posix_spawn_trusted = r == ENOENT;
}
#endif /* EXITSTAT_USE_POSIX_SPAWN */

/* ---- the fork path -------------------------------------------------------- */

/* In the child, after fork: async-signal-safe calls only. Never returns. */
static void child_exec(const exitstat_cmd *cmd, const struct plan *p, const char *path,
                       char *const *envp, int errfd)
{
    struct sigaction sa;
    sigset_t none;
    int sig, i, err;

    /* default actions first, while every signal is still blocked */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &sa, NULL); /* fails harmlessly for reserved ones */

    if ((cmd->flags & EXITSTAT_NEW_GROUP) && setpgid(0, 0) < 0)
        goto fail;
    for (i = 0; i < 3; i++)
        if (p->src[i] >= 0 && dup2(p->src[i], i) < 0)
            goto fail;
    if (p->merge && dup2(1, 2) < 0)
        goto fail;
    if (cmd->cwd && chdir(cmd->cwd) < 0)
        goto fail;
    /* everything from 3 up: close-on-exec (errfd already is, and must stay
     * open until execve) */
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
    if (syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
#endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        int fd;
        if (max < 0 || max > 1 << 20)
            max = 1 << 20;
        for (fd = 3; fd < max; fd++)
            if (fd != errfd)
                close(fd);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(path, cmd->argv, envp);
fail:
    err = errno;
    while (write(errfd, &err, sizeof(err)) < 0 && errno == EINTR)
        ;
    _exit(127);
}

static int spawn_fork(const exitstat_cmd *cmd, const struct plan *p, const char *path,
                      char *const *envp, pid_t *out)
{
    sigset_t all, old;
    int pipefd[2], err = 0, status;
    ssize_t n;
    pid_t pid;

    if (sys_pipe2(pipefd, O_CLOEXEC) < 0)
        return exitstat__from_errno(errno);
    if ((pipefd[0] = lift(pipefd[0], 1)) < 0 || (pipefd[1] = lift(pipefd[1], 1)) < 0) {
        err = exitstat__from_errno(errno);
        close_keep_errno(pipefd[0] < 0 ? -1 : pipefd[0]);
        close_keep_errno(pipefd[1]);
        return err;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = EXITSTAT__FAULT(EXITSTAT__FAULT_SPAWN);
    pid = err ? (errno = err, -1) : fork();
    if (pid == 0)
        child_exec(cmd, p, path, envp, pipefd[1]);
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        return exitstat__from_errno(err);
    }
    do
        n = read(pipefd[0], &err, sizeof(err));
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == 0) { /* EOF: execve succeeded */
        *out = pid;
        return 0;
    }
    /* the child failed before or in execve and is exiting: reap it */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof(err) ? spawn_error(cmd, err) : EXITSTAT_EIO;
}

/* ---- spawn ------------------------------------------------------------------ */

static exitstat_child *child_alloc(void)
{
    exitstat_child *child = exitstat__calloc(1, sizeof(*child));
    pthread_condattr_t ca;
    int i;

    if (!child)
        return NULL;
    child->pidfd = -1;
    for (i = 0; i < 3; i++)
        child->stdio[i] = -1;
    if (pthread_mutex_init(&child->lock, NULL) != 0) {
        free(child);
        return NULL;
    }
    /* the portable path's timed waits sleep on a monotonic clock */
    if (pthread_condattr_init(&ca) != 0) {
        pthread_mutex_destroy(&child->lock);
        free(child);
        return NULL;
    }
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (pthread_cond_init(&child->cond, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        pthread_mutex_destroy(&child->lock);
        free(child);
        return NULL;
    }
    pthread_condattr_destroy(&ca);
    return child;
}

void exitstat__child_destroy(exitstat_child *child)
{
    int i;

    if (child->pidfd >= 0)
        close(child->pidfd);
    for (i = 0; i < 3; i++)
        if (child->stdio[i] >= 0)
            close(child->stdio[i]);
    pthread_cond_destroy(&child->cond);
    pthread_mutex_destroy(&child->lock);
    free(child);
}

int exitstat__check_handle(intptr_t handle)
{
    return handle < 0 || handle > INT32_MAX ? EXITSTAT_EINVAL : 0;
}

int exitstat_spawn(const exitstat_cmd *cmd, exitstat_child **out)
{
    exitstat_child *child = NULL;
    char **env = NULL;
    char *path = NULL;
    struct plan p;
    pid_t pid = -1;
    int err, i;

    if (!out)
        return EXITSTAT_EINVAL;
    *out = NULL;
    if (!cmd)
        return EXITSTAT_EINVAL;
    plan_init(&p);

    if (!(child = child_alloc()))
        return EXITSTAT_ENOMEM;
    /* the parent's environment, read now: a command spawned twice sees changes */
    if (cmd->nenv > 0 || cmd->env_clear)
        err = exitstat__env_build(cmd, environ, exitstat__name_eq_exact, &env);
    else
        err = 0;
    if (err < 0)
        goto fail;
    err = exitstat__resolve(cmd, env ? env : environ, &path);
    if (err < 0)
        goto fail;
    if ((err = plan_stdio(cmd, &p)) < 0)
        goto fail;

    child->start_ns = exitstat__now_ns();
#if EXITSTAT_USE_POSIX_SPAWN
    pthread_once(&probe_once, probe_posix_spawn);
    if (posix_spawn_trusted)
        err = spawn_posix(cmd, &p, path, env ? env : environ, &pid);
    else
#endif
        err = spawn_fork(cmd, &p, path, env ? env : environ, &pid);
    if (err < 0)
        goto fail;

    /* the child runs; from here on nothing may fail */
    plan_close_ours(&p);
    free(env);
    free(path);
    child->pid = pid;
    child->flags = cmd->flags;
    for (i = 0; i < 3; i++)
        child->stdio[i] = p.parent[i];
#if EXITSTAT_USE_PIDFD
    /* Race-free: pid is our child and nobody but us reaps it (we never wait
     * for -1), so it cannot have been reused. Without a pidfd (EMFILE, ENOSYS
     * under valgrind) this child takes the portable path. */
    child->pidfd = sys_pidfd_open(pid);
    if (child->pidfd < 0)
        child->pidfd = -1;
#endif
    *out = child;
    return 0;

fail:
    plan_cleanup(&p);
    free(env);
    free(path);
    exitstat__child_destroy(child);
    return err;
}
