/*
 * bench-spawn.c - sequential spawn+wait of one program, by libexitstat and by
 * every other way a program can start a child here, in interleaved rounds.
 *
 *   bench-spawn [-n N] [-r ROUNDS] [-b MIB] [-B NBIG] [-o ROWS]
 *               [-y PYTHON -s SCRIPT] PROG
 *
 * Each round runs every row (in an order rotated from round to round) for N
 * spawn+wait of PROG, with no arguments, inheriting stdio and environment,
 * and times the N with CLOCK_MONOTONIC (wall), CLOCK_PROCESS_CPUTIME_ID (this
 * process's CPU, user + system: the parent's) and getrusage(RUSAGE_CHILDREN)
 * (the reaped children's CPU, which includes a vfork child's work before its
 * execve and the start of the program): parent + children is the whole CPU
 * cost of a spawn, which a loaded machine distorts far less than the wall
 * time, since time spent waiting for a CPU is in neither. With
 * -b, each round then holds MIB MiB of touched memory and runs every row again
 * for NBIG spawns (default N), and frees it: the big-parent table, whose last
 * column compares each row with itself in the same round's small pass.
 *
 * The rows:
 *   exitstat            exitstat_cmd_new + exitstat_spawn + exitstat_wait +
 *                       exitstat_child_free + exitstat_cmd_free, as a caller
 *                       writes it
 *   posix_spawn         posix_spawn + waitpid, no attributes: the baseline of
 *                       the ratios
 *   posix_spawn+pidfd   posix_spawn + pidfd_open + waitid(P_PIDFD)
 *   vfork               vfork + execve + waitpid
 *   clone               glibc's clone() with CLONE_VM | CLONE_VFORK |
 *                       CLONE_PIDFD on a stack mapped once, execve, then
 *                       waitid(P_PIDFD)
 *   clone3              the clone3 system call with the same flags and stack
 *                       (x86-64: glibc has no clone3 wrapper; the library's
 *                       own trampoline, lib/posix/clone3.h, starts the child)
 *   fork                fork + execve + waitpid
 *   uv_spawn            libuv: uv_spawn, uv_run until the exit callback, on a
 *                       loop made for the row (when built with libuv)
 *   g_spawn_sync        GLib: g_spawn_sync with G_SPAWN_DEFAULT (when built
 *                       with GLib)
 *   python3             subprocess.run(check=True) in python3 (-y, -s): the
 *                       script times its own N spawns, so the interpreter's
 *                       start is not counted
 * vfork, clone and clone3 are the limit: the least a process can do to run
 * another and wait for it. The ratios are taken per round, against the rows
 * measured in that same round (posix_spawn, and the fastest limit row), and
 * their median reported, so that the machine's load, which drifts, hits the
 * numerator and the denominator alike.
 *
 * SPDX-License-Identifier: MIT
 */
#include "util.h"
#include "../lib/posix/clone3.h"

#include <exitstat.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef BENCH_HAVE_LIBUV
#  include <uv.h>
#endif
#ifdef BENCH_HAVE_GLIB
#  include <glib.h>
#endif

extern char **environ;

static char *child_argv[2]; /* {PROG, NULL}; not const: GLib wants char ** */

static void check_wait_status(const char *row, int status)
{
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("%s: the child ended with wait status %#x", row, (unsigned)status);
}

static void reap_pid(const char *row, pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("%s: waitpid: %s", row, strerror(errno));
    check_wait_status(row, status);
}

static void reap_pidfd(const char *row, int pidfd)
{
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
        if (errno != EINTR)
            die("%s: waitid(P_PIDFD): %s", row, strerror(errno));
    close(pidfd);
    if (si.si_code != CLD_EXITED || si.si_status != 0)
        die("%s: the child ended with code %d status %d", row, si.si_code, si.si_status);
}

/* ---- the rows ------------------------------------------------------------ */

static void one_exitstat(void)
{
    exitstat_cmd *cmd;
    exitstat_child *child;
    exitstat_status st;
    int err;

    if ((err = exitstat_cmd_new(&cmd, child_argv[0])) < 0 ||
        (err = exitstat_spawn(cmd, &child)) < 0)
        die("exitstat: cannot spawn %s: %s", child_argv[0], exitstat_strerror(err));
    if ((err = exitstat_wait(child, -1, &st)) < 0)
        die("exitstat: wait: %s", exitstat_strerror(err));
    if (!exitstat_status_success(&st))
        die("exitstat: the child ended with wait status %#x", (unsigned)st.raw);
    exitstat_child_free(child);
    exitstat_cmd_free(cmd);
}

static void one_posix_spawn(void)
{
    pid_t pid;
    int err = posix_spawn(&pid, child_argv[0], NULL, NULL, child_argv, environ);

    if (err)
        die("posix_spawn: %s", strerror(err));
    reap_pid("posix_spawn", pid);
}

static void one_posix_spawn_pidfd(void)
{
    pid_t pid;
    int fd, err = posix_spawn(&pid, child_argv[0], NULL, NULL, child_argv, environ);

    if (err)
        die("posix_spawn+pidfd: %s", strerror(err));
    /* our child, not yet reaped by anyone: its pid cannot have been reused */
    if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
        die("pidfd_open: %s", strerror(errno));
    reap_pidfd("posix_spawn+pidfd", fd);
}

static void one_vfork(void)
{
    pid_t pid = vfork();

    if (pid == 0) {
        execve(child_argv[0], child_argv, environ);
        _exit(127);
    }
    if (pid < 0)
        die("vfork: %s", strerror(errno));
    reap_pid("vfork", pid);
}

static void one_fork(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        execve(child_argv[0], child_argv, environ);
        _exit(127);
    }
    if (pid < 0)
        die("fork: %s", strerror(errno));
    reap_pid("fork", pid);
}

/*
 * The clone rows' child runs on a stack of its own, mapped once: with CLONE_VM
 * it shares the parent's memory, and the parent is suspended (CLONE_VFORK)
 * until the child's execve or _exit, so one stack serves every spawn. The
 * child only calls execve, which needs a few hundred bytes; 64 KiB leaves room
 * for a sanitizer's instrumentation.
 */
#define CLONE_STACK_SIZE (64 * 1024)
static char *clone_stack;

static int clone_child(void *arg)
{
    (void)arg;
    execve(child_argv[0], child_argv, environ);
    _exit(127);
}

static void one_clone(void)
{
    int pidfd = -1;
    pid_t pid = clone(clone_child, clone_stack + CLONE_STACK_SIZE,
                      CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, NULL, &pidfd);

    if (pid < 0)
        die("clone: %s", strerror(errno));
    reap_pidfd("clone", pidfd);
}

#if EXITSTAT__HAVE_CLONE3
#  define BENCH_HAVE_CLONE3 1

static int clone3_works;

static void one_clone3(void)
{
    struct exitstat__clone_args ca;
    int pidfd = -1;
    long r;

    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
    ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
    ca.exit_signal = SIGCHLD;
    ca.stack = (uint64_t)(uintptr_t)clone_stack;
    ca.stack_size = CLONE_STACK_SIZE;
    if ((r = exitstat__clone3(&ca, clone_child, NULL)) < 0)
        die("clone3: %s", strerror((int)-r));
    reap_pidfd("clone3", pidfd);
}

static int has_clone3(void)
{
    struct exitstat__clone_args ca;

    /* an invalid call: EINVAL where clone3 exists, ENOSYS where it does not
     * (a kernel before 5.3, or a seccomp filter that hides it) */
    memset(&ca, 0, sizeof(ca));
    ca.exit_signal = ~(uint64_t)0;
    clone3_works = syscall(SYS_clone3, &ca, sizeof(ca)) < 0 && errno != ENOSYS;
    return clone3_works;
}
#else
#  define BENCH_HAVE_CLONE3 0
#endif

#ifdef BENCH_HAVE_LIBUV
static uv_loop_t uv_loop_row;

static void uv_begin(void)
{
    if (uv_loop_init(&uv_loop_row) != 0)
        die("uv_loop_init failed");
}

static void uv_end(void)
{
    struct sigaction sa;

    if (uv_loop_close(&uv_loop_row) != 0)
        die("uv_loop_close: handles left open");
    /* libuv catches SIGCHLD while a loop watches children: once the loop is
     * closed its handler must be gone, or every other row would pay for it */
    if (sigaction(SIGCHLD, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
        die("libuv left a SIGCHLD handler behind");
}

static void uv_on_exit(uv_process_t *proc, int64_t status, int sig)
{
    if (status != 0 || sig != 0)
        die("uv_spawn: the child ended with %lld, signal %d", (long long)status, sig);
    uv_close((uv_handle_t *)proc, NULL);
}

static void one_uv_spawn(void)
{
    uv_process_options_t opt;
    uv_stdio_container_t io[3];
    uv_process_t proc;
    int i, err;

    memset(&opt, 0, sizeof(opt));
    for (i = 0; i < 3; i++) { /* as the other rows: inherit 0, 1, 2 */
        io[i].flags = UV_INHERIT_FD;
        io[i].data.fd = i;
    }
    opt.file = child_argv[0];
    opt.args = child_argv;
    opt.exit_cb = uv_on_exit;
    opt.stdio = io;
    opt.stdio_count = 3;
    if ((err = uv_spawn(&uv_loop_row, &proc, &opt)) != 0)
        die("uv_spawn: %s", uv_strerror(err));
    uv_run(&uv_loop_row, UV_RUN_DEFAULT); /* until the exit callback closed it */
}
#endif

#ifdef BENCH_HAVE_GLIB
static void one_g_spawn_sync(void)
{
    GError *error = NULL;
    gint status;

    if (!g_spawn_sync(NULL, child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                      &error))
        die("g_spawn_sync: %s", error->message);
    check_wait_status("g_spawn_sync", status);
}
#endif

/* ---- the table of rows ---------------------------------------------------- */

struct row {
    const char *name;
    void (*one)(void); /* one spawn+wait; NULL for python3 */
    void (*begin)(void), (*end)(void); /* around a round's N, untimed */
    int limit;                          /* part of the limit */
    int on;                             /* selected and available */
};

static struct row rows[] = {
    {"exitstat", one_exitstat, NULL, NULL, 0, 1},
    {"posix_spawn", one_posix_spawn, NULL, NULL, 0, 1},
    {"posix_spawn+pidfd", one_posix_spawn_pidfd, NULL, NULL, 0, 1},
    {"vfork", one_vfork, NULL, NULL, 1, 1},
    {"clone", one_clone, NULL, NULL, 1, 1},
#if BENCH_HAVE_CLONE3
    {"clone3", one_clone3, NULL, NULL, 1, 1},
#endif
    {"fork", one_fork, NULL, NULL, 0, 1},
#ifdef BENCH_HAVE_LIBUV
    {"uv_spawn", one_uv_spawn, uv_begin, uv_end, 0, 1},
#endif
#ifdef BENCH_HAVE_GLIB
    {"g_spawn_sync", one_g_spawn_sync, NULL, NULL, 0, 1},
#endif
    {"python3", NULL, NULL, NULL, 0, 1},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))
#define BASE 1 /* posix_spawn: the ratios' denominator */

static const char *python, *script;

/* run argv (argv[0] a path), return its stdout (static storage) */
static const char *capture(char *const *argv)
{
    static char out[4096];
    posix_spawn_file_actions_t fa;
    int p[2], err;
    size_t len = 0;
    ssize_t got;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (err)
        die("cannot run %s: %s", argv[0], strerror(err));
    for (;;) { /* to the end, keeping what fits: the child must never block */
        char spill[512];
        int full = len == sizeof(out) - 1;
        got = full ? read(p[0], spill, sizeof(spill)) : read(p[0], out + len, sizeof(out) - 1 - len);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            die("read: %s", strerror(errno));
        if (!full)
            len += (size_t)got;
    }
    out[len] = '\0';
    close(p[0]);
    reap_pid(argv[0], pid);
    return out;
}

/* The interpreter itself: python3 may be a wrapper script (pyenv's shims
 * take a second or more to start), which would be timed in no row but
 * would slow every round down. */
static const char *resolve_python(const char *py)
{
    char *argv[] = {(char *)(uintptr_t)py, (char *)(uintptr_t)"-c",
                    (char *)(uintptr_t)"import sys; print(sys.executable)", NULL};
    char *exe = strdup(capture(argv));

    if (!exe)
        die("out of memory");
    exe[strcspn(exe, "\n")] = '\0';
    if (exe[0] != '/')
        die("%s does not say where its interpreter is", py);
    return exe;
}

/* python3 SCRIPT PROG n mib: its own timing of n spawns, from its stdout */
static void run_python(size_t n, size_t mib, double *wall, double *cpu, double *kcpu)
{
    char ns[32], ms[32];
    char *argv[6];
    const char *out;

    snprintf(ns, sizeof(ns), "%zu", n);
    snprintf(ms, sizeof(ms), "%zu", mib);
    argv[0] = (char *)(uintptr_t)python; /* posix_spawn's argv is char *const[] */
    argv[1] = (char *)(uintptr_t)script;
    argv[2] = child_argv[0];
    argv[3] = ns;
    argv[4] = ms;
    argv[5] = NULL;
    out = capture(argv);
    if (sscanf(out, "%lf %lf %lf", wall, cpu, kcpu) != 3)
        die("python3: unexpected output \"%s\"", out);
}

static double children_cpu_s(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
        die("getrusage: %s", strerror(errno));
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* one row, n spawns: wall, parent CPU and children's CPU seconds */
static void run_row(const struct row *r, size_t n, size_t mib, double *wall, double *cpu,
                    double *kcpu)
{
    double w, c, k;
    size_t i;

    if (!r->one) {
        run_python(n, mib, wall, cpu, kcpu);
        return;
    }
    if (r->begin)
        r->begin();
    w = now_s();
    c = cpu_s();
    k = children_cpu_s();
    for (i = 0; i < n; i++)
        r->one();
    *kcpu = children_cpu_s() - k;
    *cpu = cpu_s() - c;
    *wall = now_s() - w;
    if (r->end)
        r->end();
}

/* ---- statistics and the tables -------------------------------------------- */

struct pass {
    size_t n;        /* spawns per row per round */
    double **wall;   /* [row][round], seconds for n */
    double **cpu;    /* the parent's CPU */
    double **total;  /* the parent's and the children's CPU */
};

static void pass_alloc(struct pass *p, size_t n, size_t rounds)
{
    size_t k;

    p->n = n;
    p->wall = calloc(NROWS, sizeof(*p->wall));
    p->cpu = calloc(NROWS, sizeof(*p->cpu));
    p->total = calloc(NROWS, sizeof(*p->total));
    if (!p->wall || !p->cpu || !p->total)
        die("out of memory");
    for (k = 0; k < NROWS; k++) {
        p->wall[k] = calloc(rounds, sizeof(double));
        p->cpu[k] = calloc(rounds, sizeof(double));
        p->total[k] = calloc(rounds, sizeof(double));
        if (!p->wall[k] || !p->cpu[k] || !p->total[k])
            die("out of memory");
    }
}

static void pass_free(struct pass *p)
{
    size_t k;

    for (k = 0; k < NROWS; k++) {
        free(p->wall[k]);
        free(p->cpu[k]);
        free(p->total[k]);
    }
    free(p->wall);
    free(p->cpu);
    free(p->total);
}

static void run_pass(struct pass *p, size_t round, size_t mib)
{
    size_t j, k;

    for (j = 0; j < NROWS; j++) { /* rotated: no row always runs first */
        k = (j + round) % NROWS;
        if (rows[k].on) {
            double kcpu;
            run_row(&rows[k], p->n, mib, &p->wall[k][round], &p->cpu[k][round], &kcpu);
            p->total[k][round] = p->cpu[k][round] + kcpu;
        }
    }
}

/* the least of a round's limit rows (seconds for n, of wall or total CPU
 * time), or 0 without one */
static double limit_of(double **t, size_t round)
{
    double best = 0;
    size_t k;

    for (k = 0; k < NROWS; k++)
        if (rows[k].on && rows[k].limit && (best == 0 || t[k][round] < best))
            best = t[k][round];
    return best;
}

static char rerun_common[4096];

static void print_table(const char *title, const struct pass *p, const struct pass *small,
                        size_t rounds)
{
    double *v = calloc(rounds, sizeof(double));
    double n = (double)p->n;
    size_t k, r, j;

    if (!v)
        die("out of memory");
    printf("%s\n\n", title);
    printf("| row | spawns/s | spread | rate ÷ posix_spawn | rate ÷ limit | parent CPU µs | "
           "spread | parent CPU ÷ posix_spawn | parent+child CPU µs | CPU: limit ÷ row |%s "
           "rerun |\n",
           small ? " time ÷ small parent |" : "");
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%s --- |\n",
           small ? " ---: |" : "");
    for (k = 0; k < NROWS; k++) {
        double rate, rlo, rhi, c, clo, chi;

        if (!rows[k].on)
            continue;
        for (r = 0; r < rounds; r++)
            v[r] = n / p->wall[k][r];
        rate = stat_median(v, rounds);
        rlo = stat_min(v, rounds);
        rhi = stat_max(v, rounds);
        for (r = 0; r < rounds; r++)
            v[r] = p->cpu[k][r] / n * 1e6;
        c = stat_median(v, rounds);
        clo = stat_min(v, rounds);
        chi = stat_max(v, rounds);
        printf("| %s | %.0f | %.0f..%.0f | ", rows[k].name, rate, rlo, rhi);
        for (r = 0; r < rounds; r++)
            v[r] = p->wall[BASE][r] / p->wall[k][r];
        printf("%.3f | ", stat_median(v, rounds));
        for (r = 0; r < rounds; r++)
            v[r] = limit_of(p->wall, r) / p->wall[k][r];
        printf("%.3f | %.1f | %.1f..%.1f | ", stat_median(v, rounds), c, clo, chi);
        for (r = 0; r < rounds; r++)
            v[r] = p->cpu[k][r] / p->cpu[BASE][r];
        printf("%.3f | ", stat_median(v, rounds));
        for (r = 0; r < rounds; r++)
            v[r] = p->total[k][r] / n * 1e6;
        printf("%.1f | ", stat_median(v, rounds));
        for (r = 0; r < rounds; r++)
            v[r] = limit_of(p->total, r) / p->total[k][r];
        printf("%.3f |", stat_median(v, rounds));
        if (small) {
            for (r = 0; r < rounds; r++)
                v[r] = (p->wall[k][r] / n) / (small->wall[k][r] / (double)small->n);
            printf(" %.3f |", stat_median(v, rounds));
        }
        /* the row with its denominators */
        printf(" `%s -o %s", rerun_common, rows[k].name);
        for (j = 0; j < NROWS; j++)
            if (rows[j].on && (rows[j].limit || j == BASE) && j != k)
                printf(",%s", rows[j].name);
        printf(" %s` |\n", child_argv[0]);
    }
    printf("\n");
    free(v);
}

static void select_rows(char *list)
{
    char *tok, *save = NULL;
    size_t k;

    for (k = 0; k < NROWS; k++)
        rows[k].on = 0;
    rows[BASE].on = 1;
    for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        for (k = 0; k < NROWS && strcmp(rows[k].name, tok) != 0; k++)
            ;
        if (k == NROWS)
            die("unknown row %s", tok);
        rows[k].on = 1;
    }
}

int main(int argc, char **argv)
{
    size_t n = 1000, nbig = 0, rounds = 7, mib = 0, r, k, len;
    struct pass small, big;
    char *only = NULL;
    void *held;
    int opt;

    bench_set_name(argv[0]);
    while ((opt = getopt(argc, argv, "n:r:b:B:o:y:s:")) != -1) {
        switch (opt) {
        case 'n': n = strtoul(optarg, NULL, 10); break;
        case 'r': rounds = strtoul(optarg, NULL, 10); break;
        case 'b': mib = strtoul(optarg, NULL, 10); break;
        case 'B': nbig = strtoul(optarg, NULL, 10); break;
        case 'o': only = optarg; break;
        case 'y': python = optarg; break;
        case 's': script = optarg; break;
        default:
            fprintf(stderr, "usage: bench-spawn [-n N] [-r ROUNDS] [-b MIB] [-B NBIG] "
                            "[-o ROWS] [-y PYTHON -s SCRIPT] PROG\n");
            return 2;
        }
    }
    if (optind != argc - 1)
        die("usage: bench-spawn [options] PROG");
    if (n == 0 || rounds == 0)
        die("N and ROUNDS must be positive");
    if (nbig == 0)
        nbig = n;
    if (!(child_argv[0] = strdup(argv[optind])))
        die("out of memory");

    len = (size_t)snprintf(rerun_common, sizeof(rerun_common), "%s -n %zu -r %zu", argv[0], n,
                           rounds);
    if (mib)
        len += (size_t)snprintf(rerun_common + len, sizeof(rerun_common) - len, " -b %zu -B %zu",
                                mib, nbig);
    if (python && script)
        snprintf(rerun_common + len, sizeof(rerun_common) - len, " -y %s -s %s", python, script);

    if (only)
        select_rows(only);
    if (python && script)
        python = resolve_python(python);
    for (k = 0; k < NROWS; k++) {
        if (!rows[k].one && (!python || !script))
            rows[k].on = 0; /* python3 needs -y and -s */
#if BENCH_HAVE_CLONE3
        if (rows[k].one == one_clone3 && rows[k].on && !has_clone3())
            rows[k].on = 0;
#endif
    }
    clone_stack = mmap(NULL, CLONE_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (clone_stack == MAP_FAILED)
        die("mmap: %s", strerror(errno));

    /* warm up every row (and fail now if one cannot work) */
    for (k = 0; k < NROWS; k++) {
        double w, c, kc;
        if (rows[k].on)
            run_row(&rows[k], 2, 0, &w, &c, &kc);
    }

    pass_alloc(&small, n, rounds);
    pass_alloc(&big, nbig, rounds);
    for (r = 0; r < rounds; r++) {
        run_pass(&small, r, 0);
        if (mib) {
            held = touch_memory(mib);
            run_pass(&big, r, mib);
            release_memory(held, mib);
        }
    }

    {
        char title[1024];
        snprintf(title, sizeof(title),
                 "### spawn+wait: `%s`, %zu spawns per row per round, %zu interleaved rounds, "
                 "small parent",
                 child_argv[0], n, rounds);
        print_table(title, &small, NULL, rounds);
        if (mib) {
            snprintf(title, sizeof(title),
                     "### spawn+wait: `%s`, %zu spawns per row per round, %zu interleaved "
                     "rounds, parent holding %zu MiB of touched memory",
                     child_argv[0], nbig, rounds, mib);
            print_table(title, &big, &small, rounds);
        }
    }
    printf("spawns/s and CPU (per spawn): median over the rounds, spread: min..max. Ratios: "
           "per round, then the median; the limit is, in each round, the fastest (rate) or the "
           "cheapest (CPU) of vfork, clone and clone3; CPU: limit ÷ row is 1 for a row as "
           "cheap as the limit.\n\n");
    pass_free(&small);
    pass_free(&big);
    return 0;
}
