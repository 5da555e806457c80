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
 * Three ways to start it, with the same results and the same errors, tried
 * in this order (each where the build has it and a probe at run time trusts
 * it):
 *  - clone (Linux, with the pidfd path): CLONE_VM | CLONE_VFORK |
 *    CLONE_PIDFD, our own child on a stack lent from our frame; the pidfd
 *    comes with the child, and the child resets only the signals that need
 *    it (see spawn_clone). On x86-64 clone3 with CLONE_CLEAR_SIGHAND, where
 *    the kernel takes it, so that no signal is blocked across the spawn. If
 *    the clone finds no descriptor for the pidfd, one of the next two starts
 *    the child, on the portable wait path.
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
#if defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define EXITSTAT__TSAN 1
#  endif
#  if __has_feature(address_sanitizer)
#    define EXITSTAT__ASAN 1
#  endif
#endif
#if defined(__SANITIZE_THREAD__)
#  define EXITSTAT__TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#  define EXITSTAT__ASAN 1
#endif
/* ThreadSanitizer cannot follow a child that runs instrumented code in our
 * memory: under it, the posix_spawn or fork path serves */
#if EXITSTAT_USE_CLONE && defined(EXITSTAT__TSAN)
#  undef EXITSTAT_USE_CLONE
#  define EXITSTAT_USE_CLONE 0
#endif
#if !EXITSTAT_USE_CLONE
#  undef EXITSTAT_USE_CLONE3
#  define EXITSTAT_USE_CLONE3 0
#endif
#if EXITSTAT_USE_CLONE
#  include <sched.h>
#  include <stdatomic.h>
#  if EXITSTAT_USE_CLONE3
#    include "clone3.h"
#  endif
#  ifdef EXITSTAT__ASAN
#    include <sanitizer/asan_interface.h>
#  endif
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

/* ---- the child's side: the fork and clone paths ----------------------------- */

/*
 * In the child, after fork or clone: async-signal-safe calls only, touching
 * no memory but its own stack (on the clone path it shares ours). Makes the
 * child what the contract says and execs; returns the errno of the step that
 * failed. keep is a descriptor from 3 up to leave open (the fork path's error
 * pipe, close-on-exec), or -1.
 */
#if defined(__linux__)
/* "SigIgn:\t0000000000001000\n": 1 and the hex mask after key in text, or 0 */
static int status_mask(const char *text, const char *key, uint64_t *mask)
{
    const char *at = strstr(text, key);
    uint64_t m = 0;
    int digits = 0;

    if (!at)
        return 0;
    for (at += strlen(key); *at == ' ' || *at == '\t'; at++)
        ;
    for (;; at++, digits++) {
        int v = *at >= '0' && *at <= '9'   ? *at - '0'
                : *at >= 'a' && *at <= 'f' ? *at - 'a' + 10
                                           : -1;
        if (v < 0)
            break;
        m = m << 4 | (uint64_t)v;
    }
    *mask = m;
    return digits > 0 && digits <= 16;
}

/* What the child has to undo, from the kernel's own account of this process
 * (/proc/self/status): the ignored and the caught signals, bit sig - 1 set
 * for each, and the blocked ones. */
struct sigstate {
    uint64_t ign, cgt, blk;
};

/*
 * One open and one read instead of a sigaction call per signal, which costs
 * ~1.4 us a call on this project's CI machines: 85 us a spawn. The kernel
 * writes the whole file at the first read; we stop as soon as the last line we
 * need is in. 0 on success; -1 if it cannot tell (no /proc).
 */
static int read_sigstate(struct sigstate *s)
{
    char buf[4096];
    const char *cgt;
    size_t len = 0;
    ssize_t n;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    buf[0] = '\0';
    while (len < sizeof(buf) - 1) {
        n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if ((cgt = strstr(buf, "\nSigCgt:")) && strchr(cgt + 1, '\n'))
            break;
    }
    close(fd);
    if (!status_mask(buf, "\nSigBlk:", &s->blk) || !status_mask(buf, "\nSigIgn:", &s->ign) ||
        !status_mask(buf, "\nSigCgt:", &s->cgt))
        return -1;
    return 0;
}
#endif

static int child_exec(const exitstat_cmd *cmd, const struct plan *p, const char *path,
                      char *const *envp, int keep)
{
    struct sigaction sa;
    uint64_t reset = ~(uint64_t)0;
    int sig, i, setmask = 1;

    /* Default actions first: every signal that is ignored or caught here. A
     * caught one would be reset by execve, but must not run the caller's
     * handler in the child before that: the fork path and the plain clone
     * path block every signal across the spawn, so these still are, and
     * clone3 started the child with every caught signal at SIG_DFL already
     * (CLONE_CLEAR_SIGHAND: then SigCgt reads 0). Ignored ones stay ignored
     * across execve, so only we can reset those. */
#if defined(__linux__)
    struct sigstate st;
    if (read_sigstate(&st) == 0) {
        reset = st.ign | st.cgt;
        setmask = st.blk != 0;
    }
#endif
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && (sig > 64 || (reset >> (sig - 1) & 1)))
            sigaction(sig, &sa, NULL); /* fails harmlessly for reserved ones */

    if ((cmd->flags & EXITSTAT_NEW_GROUP) && setpgid(0, 0) < 0)
        return errno;
    for (i = 0; i < 3; i++)
        if (p->src[i] >= 0 && dup2(p->src[i], i) < 0)
            return errno;
    if (p->merge && dup2(1, 2) < 0)
        return errno;
    if (cmd->cwd && chdir(cmd->cwd) < 0)
        return errno;
    /* everything from 3 up: close-on-exec (keep already is, and must stay
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
            if (fd != keep)
                close(fd);
    }
    /* the empty mask last (st.blk is this child's own mask, inherited from
     * the calling thread, so there is nothing to do when it is empty) */
    if (setmask) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
    }
    execve(path, cmd->argv, envp);
    return errno;
}

#if EXITSTAT_USE_CLONE
/*
 * The clone path (Linux): what vfork does, with the child's pidfd from the
 * clone itself. CLONE_VM | CLONE_VFORK: the child runs in our memory, on a
 * stack lent from our own frame, while this thread waits until it has exec'd
 * or exited; so it can report a failed step by writing to that memory, and no
 * page table is copied however big the caller is. It costs one clone and the
 * child's own resets, where posix_spawn also maps a stack and opens no pidfd
 * (pidfd_open after it is one more call).
 *
 * The child's signal actions are a copy of ours, handlers included, and none
 * of those may run in it. clone3 with CLONE_CLEAR_SIGHAND (Linux 5.5,
 * x86-64 here: lib/posix/clone3.h) has the kernel reset every caught signal
 * as it copies them; the older clone cannot, so there signals are blocked
 * across it (two more calls) until the child has reset them.
 *
 * Where CLONE_VM is not really shared (valgrind turns it into a copy) a failed
 * exec would go unreported, and a kernel before 5.2 refuses CLONE_PIDFD: each
 * process probes the path once, as posix_spawn's is probed. Where clone3 is
 * refused, then or later, the plain clone serves from then on.
 */
struct clone_job {
    const exitstat_cmd *cmd;
    const struct plan *p;
    const char *path;
    char *const *envp;
    volatile int err; /* the child's errno, 0 while it has not failed */
};

/* enough for child_exec and the libc calls it makes (musl's posix_spawn lends
 * its child about 5 KiB); more under AddressSanitizer, whose redzones and
 * interceptors the child runs too */
#  ifdef EXITSTAT__ASAN
#    define CLONE_STACK (64 * 1024)
#  else
#    define CLONE_STACK (16 * 1024)
#  endif

static int clone_child(void *arg)
{
    struct clone_job *job = arg;
    int err = child_exec(job->cmd, job->p, job->path, job->envp, -1);

    job->err = err ? err : EIO;
    _exit(127);
}

#  if EXITSTAT_USE_CLONE3
/* set once clone3 has been refused: by the kernel (ENOSYS before 5.3, EINVAL
 * for CLONE_CLEAR_SIGHAND before 5.5) or by a seccomp filter (ENOSYS or
 * EPERM), which a process may install after its first spawns */
static atomic_int clone3_refused;

/* the child's pid, or -1 with errno */
static pid_t start_clone3(struct clone_job *job, char *stack, size_t size, int *pidfd)
{
    struct exitstat__clone_args ca;
    long r;

    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | EXITSTAT__CLONE_CLEAR_SIGHAND;
    ca.pidfd = (uint64_t)(uintptr_t)pidfd;
    ca.exit_signal = SIGCHLD;
    ca.stack = (uint64_t)(uintptr_t)stack;
    ca.stack_size = size;
    r = exitstat__clone3(&ca, clone_child, job);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return (pid_t)r;
}
#  endif

/* the child's pid, or -1 with errno */
static pid_t start_clone(struct clone_job *job, char *stack, size_t size, int *pidfd)
{
    sigset_t all, old;
    pid_t pid;
    int err;

#  if EXITSTAT_USE_CLONE3
    if (!atomic_load_explicit(&clone3_refused, memory_order_relaxed)) {
        pid = start_clone3(job, stack, size, pidfd);
        if (pid >= 0 || (errno != ENOSYS && errno != EINVAL && errno != EPERM))
            return pid;
        atomic_store_explicit(&clone3_refused, 1, memory_order_relaxed);
    }
#  endif
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = clone(clone_child, stack + size, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, job,
                pidfd);
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = err;
    return pid;
}

/* 0 and the child, a negative error, or 1 when the clone has no descriptor
 * for the pidfd: then another path starts the child, which can do without */
static int spawn_clone(const exitstat_cmd *cmd, const struct plan *p, const char *path,
                       char *const *envp, pid_t *out, int *pidfd_out, int probing)
{
    struct clone_job job = {cmd, p, path, envp, 0};
    _Alignas(16) char stack[CLONE_STACK];
    int pidfd = -1, err, status;
    pid_t pid;

    /* the pidfd is made by the clone: a test's pidfd fault is a clone that
     * has no descriptor to give */
    if (!probing && EXITSTAT__FAULT(EXITSTAT__FAULT_PIDFD) != 0)
        return 1;
    err = probing ? 0 : EXITSTAT__FAULT(EXITSTAT__FAULT_SPAWN);
#  ifdef EXITSTAT__ASAN
    /* the child's frames poison their redzones in the lent stack, and never
     * return to unpoison them */
    ASAN_UNPOISON_MEMORY_REGION(stack, sizeof(stack));
#  endif
    pid = err ? (errno = err, -1) : start_clone(&job, stack, sizeof(stack), &pidfd);
    err = errno;
#  ifdef EXITSTAT__ASAN
    ASAN_UNPOISON_MEMORY_REGION(stack, sizeof(stack));
#  endif
    if (pid < 0 && (err == EMFILE || err == ENFILE))
        return 1; /* no descriptor for the pidfd, where a child needs none */
    if (pid < 0)
        return exitstat__from_errno(err);
    if (job.err == 0) {
        *out = pid;
        *pidfd_out = pidfd;
        return 0;
    }
    /* the child failed before or in execve and has exited: reap it */
    close(pidfd);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return spawn_error(cmd, job.err);
}

/* 0 until a probe has decided, then CLONE_TRUSTED or CLONE_UNTRUSTED */
enum { CLONE_TRUSTED = 1, CLONE_UNTRUSTED = 2 };
static atomic_int clone_verdict;
static pthread_mutex_t clone_probe_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Trusted when clone runs a child in our memory: a file that cannot exist
 * must come back as ENOENT, with a pidfd. A probe that could not run its
 * clone for want of a resource (no descriptor for the pidfd, EAGAIN at the
 * process limit, ENOMEM) decides nothing: the next spawn probes again, so a
 * process whose first spawn finds its descriptors exhausted still gets the
 * clone path once it has some.
 */
static int probe_clone(void)
{
    static char name[] = "exitstat-probe";
    static char *argv[] = {name, NULL}, *envp[] = {NULL};
    exitstat_cmd cmd;
    struct plan p;
    pid_t pid;
    int pidfd = -1, status, r;

    memset(&cmd, 0, sizeof(cmd));
    cmd.argv = argv;
    plan_init(&p);
    r = spawn_clone(&cmd, &p, "/nonexistent/exitstat-clone-probe", envp, &pid, &pidfd, 1);
    if (r == 0) { /* "started": the error was lost; reap what ran */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        close(pidfd);
        return CLONE_UNTRUSTED;
    }
    if (r == 1 || r == EXITSTAT_EAGAIN || r == EXITSTAT_ENOMEM)
        return 0;
    return r == EXITSTAT_ENOENT ? CLONE_TRUSTED : CLONE_UNTRUSTED;
}

static int clone_trusted(void)
{
    int v = atomic_load_explicit(&clone_verdict, memory_order_acquire);

    if (v == 0) {
        pthread_mutex_lock(&clone_probe_lock);
        if ((v = atomic_load_explicit(&clone_verdict, memory_order_acquire)) == 0 &&
            (v = probe_clone()) != 0)
            atomic_store_explicit(&clone_verdict, v, memory_order_release);
        pthread_mutex_unlock(&clone_probe_lock);
    }
    return v == CLONE_TRUSTED;
}
#endif /* EXITSTAT_USE_CLONE */

/* ---- the fork path -------------------------------------------------------- */

/* the forked child: never returns */
static void fork_child(const exitstat_cmd *cmd, const struct plan *p, const char *path,
                       char *const *envp, int errfd)
{
    int err = child_exec(cmd, p, path, envp, errfd);

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
        fork_child(cmd, p, path, envp, pipefd[1]);
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
    int err, i, no_pidfd = 0;

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
    err = 1; /* not started yet */
#if EXITSTAT_USE_CLONE
    if (clone_trusted() && (err = spawn_clone(cmd, &p, path, env ? env : environ, &pid,
                                            &child->pidfd, 0)) == 1)
        no_pidfd = 1; /* the clone found no descriptor for it: nor would pidfd_open */
#endif
#if EXITSTAT_USE_POSIX_SPAWN
    if (err == 1 && (pthread_once(&probe_once, probe_posix_spawn), posix_spawn_trusted))
        err = spawn_posix(cmd, &p, path, env ? env : environ, &pid);
#endif
    if (err == 1)
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
    /* The clone path gave it already. Otherwise race-free: pid is our child
     * and nobody but us reaps it (we never wait for -1), so it cannot have
     * been reused. Without a pidfd (EMFILE, ENOSYS under valgrind) this child
     * takes the portable path. */
    if (child->pidfd < 0 && !no_pidfd && (child->pidfd = sys_pidfd_open(pid)) < 0)
        child->pidfd = -1;
#else
    (void)no_pidfd;
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
