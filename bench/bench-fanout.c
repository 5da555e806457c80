/*
 * bench-fanout.c - start N children that each sleep, then collect them all:
 * exitstat_wait_any against raw epoll over pidfds, in the same run.
 *
 *   bench-fanout [-r ROUNDS] [-s MS] SLEEPER N...
 *
 * For each N, each round runs both ways (in turn, in an order that alternates
 * from round to round):
 *   exitstat      N x (exitstat_cmd_new, 2 args, stdout to the pipe below,
 *                 exitstat_spawn, exitstat_cmd_free); then exitstat_wait_any
 *                 over the children still running until none is, freeing each
 *                 one it returns and moving the last into its place
 *   epoll-pidfd   N x (posix_spawn with stdout to the pipe, pidfd_open,
 *                 epoll_ctl ADD); then epoll_wait (64 events at a time), and
 *                 waitid(P_PIDFD) and close for each ready pidfd
 *   exitstat+epoll  the library's spawns as in the first way, each child's
 *                 exitstat_child_handle (its pidfd) added to an epoll set,
 *                 then for each ready one exitstat_wait(child, 0) and
 *                 exitstat_child_free: what a caller with its own event loop
 *                 does (pidfd path only: the portable path has no handle)
 * Each child (bench/sleeper.c) sleeps MS ms (default 200) and, just before it
 * exits, writes its index and its CLOCK_MONOTONIC time to one pipe shared by
 * all (16-byte writes, atomic). The parent notes when it learnt of each
 * child's end; the notice delay of a child is that time minus its time of
 * exit. On a machine where spawning a thousand children takes longer than
 * 200 ms (this benchmark's machine is one), children would end while the
 * parent is still spawning, and their delay would measure the spawning, not
 * the noticing. So the children are paced: each waits at a gate (a futex in
 * a memfd, its stdin, which the parent opens once all have started, just
 * before it begins to collect), then sleeps 200 ms plus the time between the start
 * of spawning and its own start: they end in the order and at the intervals
 * they were started, as they would have with a fast spawner, but all while
 * the parent collects. (Letting them all go at once instead measures only
 * how a loaded machine schedules a thousand exits at the same instant.)
 * Reported: wall time of the whole, parent CPU per child for the spawning
 * and for the collecting phase (CLOCK_PROCESS_CPUTIME_ID), and the notice
 * delay p50, p99 and max over all children of all rounds.
 *
 * Which wait path the library takes is fixed when it is built: run this
 * program from a build configured with -Dpidfd=disabled for the portable path
 * (bench/run.sh does both).
 *
 * SPDX-License-Identifier: MIT
 */
#include "util.h"

#include <exitstat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *sleeper;
static const char *lib_path = "?"; /* the library's wait path, as seen at run time */
static char sleep_ms[32];

struct result {
    double wall;        /* seconds, spawning and collecting */
    double cpu_spawn;   /* seconds of parent CPU while spawning */
    double cpu_collect; /* ... while collecting */
};

struct fan {
    size_t n;
    int pipe[2];        /* the children's stdout: their exit records */
    int gate;           /* the children's stdin: a memfd holding the gate */
    int *open;          /* the gate, mapped: 1 lets them go */
    int64_t *noticed;   /* [index]: CLOCK_MONOTONIC ns the parent learnt of the end */
    int64_t collect_ns; /* when the gate opened */
};

static void fan_open(struct fan *f, size_t n)
{
    int want = (int)(n * 16 + 4096);

    f->n = n;
    if (!(f->noticed = calloc(n, sizeof(*f->noticed))))
        die("out of memory");
    if (pipe2(f->pipe, O_CLOEXEC) < 0)
        die("pipe2: %s", strerror(errno));
    if ((f->gate = memfd_create("bench-gate", MFD_CLOEXEC)) < 0 ||
        ftruncate(f->gate, (off_t)sysconf(_SC_PAGESIZE)) < 0)
        die("memfd: %s", strerror(errno));
    f->open = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED, f->gate, 0);
    if (f->open == MAP_FAILED)
        die("mmap: %s", strerror(errno));
    /* every record must fit without the parent reading while it spawns */
    if (fcntl(f->pipe[1], F_GETPIPE_SZ) < want && fcntl(f->pipe[1], F_SETPIPE_SZ, want) < want)
        die("cannot make a pipe of %d bytes: %s", want, strerror(errno));
}

/* every child has started: let them go, and start collecting */
static void fan_release(struct fan *f)
{
    __atomic_store_n(f->open, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, f->open, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    f->collect_ns = now_ns();
    munmap(f->open, sizeof(int));
    close(f->gate);
}

/* read the n exit records; store each child's notice delay (ms) in delays */
static void fan_close(struct fan *f, double *delays)
{
    int64_t rec[2];
    size_t i;

    close(f->pipe[1]);
    for (i = 0; i < f->n; i++) {
        ssize_t got = read(f->pipe[0], rec, sizeof(rec));
        if (got != (ssize_t)sizeof(rec) || rec[0] < 0 || (size_t)rec[0] >= f->n)
            die("bad exit record from a child (%zd bytes)", got);
        if (rec[1] < f->collect_ns)
            die("child %lld ended %.3f ms before its gate opened", (long long)rec[0],
                (double)(f->collect_ns - rec[1]) / 1e6);
        delays[i] = (double)(f->noticed[rec[0]] - rec[1]) / 1e6;
    }
    close(f->pipe[0]);
    free(f->noticed);
}

static void fan_args(size_t i, char *index, size_t size)
{
    snprintf(index, size, "%zu", i);
}

/* start f->n children through the library into kids */
static void spawn_exitstat(struct fan *f, exitstat_child **kids)
{
    char index[32], t0[32];
    size_t i;
    int err;

    snprintf(t0, sizeof(t0), "%lld", (long long)now_ns());
    for (i = 0; i < f->n; i++) {
        exitstat_cmd *cmd;
        fan_args(i, index, sizeof(index));
        if ((err = exitstat_cmd_new(&cmd, sleeper)) < 0 ||
            (err = exitstat_cmd_arg(cmd, sleep_ms)) < 0 ||
            (err = exitstat_cmd_arg(cmd, index)) < 0 ||
            (err = exitstat_cmd_arg(cmd, t0)) < 0 ||
            (err = exitstat_cmd_stdio(cmd, 0, EXITSTAT_HANDLE, f->gate)) < 0 ||
            (err = exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, f->pipe[1])) < 0 ||
            (err = exitstat_spawn(cmd, &kids[i])) < 0)
            die("exitstat: cannot spawn child %zu: %s", i, exitstat_strerror(err));
        exitstat_cmd_free(cmd);
    }
}

static void run_exitstat(struct fan *f, struct result *res)
{
    exitstat_child **kids = calloc(f->n, sizeof(*kids));
    size_t *orig = calloc(f->n, sizeof(*orig));
    size_t i, live, idx;
    double w, c;
    int err;

    if (!kids || !orig)
        die("out of memory");
    w = now_s();
    c = cpu_s();
    spawn_exitstat(f, kids);
    for (i = 0; i < f->n; i++)
        orig[i] = i;
    res->cpu_spawn = cpu_s() - c;
    fan_release(f);
    c = cpu_s();
    for (live = f->n; live > 0;) {
        exitstat_status st;
        if ((err = exitstat_wait_any(kids, live, -1, &idx, &st)) < 0)
            die("exitstat_wait_any: %s", exitstat_strerror(err));
        f->noticed[orig[idx]] = now_ns();
        if (!exitstat_status_success(&st))
            die("exitstat: child %zu ended with wait status %#x", orig[idx], (unsigned)st.raw);
        exitstat_child_free(kids[idx]);
        live--;
        kids[idx] = kids[live];
        orig[idx] = orig[live];
    }
    res->cpu_collect = cpu_s() - c;
    res->wall = now_s() - w;
    free(kids);
    free(orig);
}

static void run_epoll(struct fan *f, struct result *res)
{
    struct epoll_event ev, evs[64];
    posix_spawn_file_actions_t fa;
    int *pidfds = calloc(f->n, sizeof(*pidfds));
    char index[32], t0[32], *argv[5];
    size_t i, live;
    int ep, err;
    double w, c;
    pid_t pid;

    if (!pidfds)
        die("out of memory");
    if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
        die("epoll_create1: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, f->gate, 0);
    posix_spawn_file_actions_adddup2(&fa, f->pipe[1], 1);
    argv[0] = (char *)(uintptr_t)sleeper;
    argv[1] = sleep_ms;
    argv[2] = index;
    argv[3] = t0;
    argv[4] = NULL;
    w = now_s();
    c = cpu_s();
    snprintf(t0, sizeof(t0), "%lld", (long long)now_ns());
    for (i = 0; i < f->n; i++) {
        fan_args(i, index, sizeof(index));
        if ((err = posix_spawn(&pid, sleeper, &fa, NULL, argv, environ)) != 0)
            die("posix_spawn: %s", strerror(err));
        /* close-on-exec by itself; our unreaped child, so never a reused pid */
        if ((pidfds[i] = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
            die("pidfd_open: %s", strerror(errno));
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, pidfds[i], &ev) < 0)
            die("epoll_ctl: %s", strerror(errno));
    }
    res->cpu_spawn = cpu_s() - c;
    fan_release(f);
    c = cpu_s();
    for (live = f->n; live > 0;) {
        int k, got = epoll_wait(ep, evs, 64, -1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            die("epoll_wait: %s", strerror(errno));
        for (k = 0; k < got; k++) {
            siginfo_t si;
            i = (size_t)evs[k].data.u64;
            memset(&si, 0, sizeof(si));
            if (waitid(P_PIDFD, (id_t)pidfds[i], &si, WEXITED) < 0)
                die("waitid(P_PIDFD): %s", strerror(errno));
            f->noticed[i] = now_ns();
            if (si.si_code != CLD_EXITED || si.si_status != 0)
                die("epoll: child %zu ended with code %d status %d", i, si.si_code,
                    si.si_status);
            close(pidfds[i]); /* also leaves the epoll set */
            live--;
        }
    }
    res->cpu_collect = cpu_s() - c;
    res->wall = now_s() - w;
    posix_spawn_file_actions_destroy(&fa);
    close(ep);
    free(pidfds);
}

static void run_exitstat_epoll(struct fan *f, struct result *res)
{
    exitstat_child **kids = calloc(f->n, sizeof(*kids));
    struct epoll_event ev, evs[64];
    size_t i, live;
    double w, c;
    int ep, err;

    if (!kids)
        die("out of memory");
    if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
        die("epoll_create1: %s", strerror(errno));
    w = now_s();
    c = cpu_s();
    spawn_exitstat(f, kids);
    for (i = 0; i < f->n; i++) {
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, (int)exitstat_child_handle(kids[i]), &ev) < 0)
            die("epoll_ctl: %s", strerror(errno));
    }
    res->cpu_spawn = cpu_s() - c;
    fan_release(f);
    c = cpu_s();
    for (live = f->n; live > 0;) {
        int k, got = epoll_wait(ep, evs, 64, -1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            die("epoll_wait: %s", strerror(errno));
        for (k = 0; k < got; k++) {
            exitstat_status st;
            i = (size_t)evs[k].data.u64;
            if ((err = exitstat_wait(kids[i], 0, &st)) < 0)
                die("exitstat_wait on a ready child: %s", exitstat_strerror(err));
            f->noticed[i] = now_ns();
            if (!exitstat_status_success(&st))
                die("exitstat: child %zu ended with wait status %#x", i, (unsigned)st.raw);
            exitstat_child_free(kids[i]); /* closes its pidfd: it leaves the set */
            live--;
        }
    }
    res->cpu_collect = cpu_s() - c;
    res->wall = now_s() - w;
    close(ep);
    free(kids);
}

#define NWAYS 3
#define EPOLL_WAY 1 /* the denominator */
static const char *const way_name[NWAYS] = {"exitstat_wait_any", "epoll over pidfds",
                                            "exitstat + epoll on its handles"};
static int have_handle; /* the library gives pidfds: the third way works */

static void report(size_t n, size_t rounds, struct result (*res)[NWAYS], double **delays,
                   const char *rerun)
{
    double *v = calloc(rounds, sizeof(double)), cs[NWAYS], cc[NWAYS];
    int w;
    size_t r;

    if (!v)
        die("out of memory");
    printf("#### N = %zu, libexitstat on its %s wait path\n\n", n, lib_path);
    printf("| wait | wall ms | spawn CPU µs/child | collect CPU µs/child | total CPU ÷ epoll | "
           "notice p50 ms | notice p99 ms | max ms | rerun |\n");
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (w = 0; w < NWAYS; w++) {
        double wall, ratio;
        if (w == 2 && !have_handle) {
            printf("| %s | n/a: no handle on the portable path | | | | | | | |\n", way_name[w]);
            continue;
        }
        for (r = 0; r < rounds; r++)
            v[r] = res[r][w].wall * 1e3;
        wall = stat_median(v, rounds);
        for (r = 0; r < rounds; r++)
            v[r] = res[r][w].cpu_spawn / (double)n * 1e6;
        cs[w] = stat_median(v, rounds);
        for (r = 0; r < rounds; r++)
            v[r] = res[r][w].cpu_collect / (double)n * 1e6;
        cc[w] = stat_median(v, rounds);
        for (r = 0; r < rounds; r++)
            v[r] = (res[r][w].cpu_spawn + res[r][w].cpu_collect) /
                   (res[r][EPOLL_WAY].cpu_spawn + res[r][EPOLL_WAY].cpu_collect);
        ratio = stat_median(v, rounds);
        printf("| %s | %.0f | %.1f | %.1f | %.2f | %.3f | %.3f | %.3f | `%s` |\n", way_name[w],
               wall, cs[w], cc[w], ratio, stat_quantile(delays[w], n * rounds, 0.50),
               stat_quantile(delays[w], n * rounds, 0.99), stat_max(delays[w], n * rounds),
               rerun);
    }
    printf("\n");
    free(v);
}

int main(int argc, char **argv)
{
    size_t rounds = 5, r, a;
    long ms = 200;
    int opt;

    bench_set_name(argv[0]);
    while ((opt = getopt(argc, argv, "r:s:")) != -1) {
        switch (opt) {
        case 'r': rounds = strtoul(optarg, NULL, 10); break;
        case 's': ms = strtol(optarg, NULL, 10); break;
        default:
            fprintf(stderr, "usage: bench-fanout [-r ROUNDS] [-s MS] SLEEPER N...\n");
            return 2;
        }
    }
    if (optind > argc - 2 || rounds == 0)
        die("usage: bench-fanout [-r ROUNDS] [-s MS] SLEEPER N...");
    sleeper = argv[optind];
    snprintf(sleep_ms, sizeof(sleep_ms), "%ld", ms);

    {
        /* a thousand children: a pidfd each, plus the library's and ours */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }

    {
        /* which wait path the library took when it was built */
        exitstat_cmd *cmd;
        exitstat_child *child;
        exitstat_status st;
        if (exitstat_cmd_new(&cmd, sleeper) < 0 || exitstat_cmd_arg(cmd, "0") < 0 ||
            exitstat_spawn(cmd, &child) < 0 || exitstat_wait(child, -1, &st) < 0)
            die("cannot run %s", sleeper);
        have_handle = exitstat_child_handle(child) >= 0;
        lib_path = have_handle ? "pidfd" : "portable";
        exitstat_child_free(child);
        exitstat_cmd_free(cmd);
    }
    printf("### fan-out: N children, each sleeping %ld ms, paced to end while the parent "
           "collects them; %zu interleaved rounds\n\n",
           ms, rounds);
    for (a = (size_t)optind + 1; a < (size_t)argc; a++) {
        size_t n = strtoul(argv[a], NULL, 10);
        struct result(*res)[NWAYS] = calloc(rounds, sizeof(*res));
        double *delays[NWAYS];
        char rerun[4096];
        int w;

        if (n == 0)
            die("N must be positive");
        for (w = 0; w < NWAYS; w++)
            if (!(delays[w] = calloc(n * rounds, sizeof(double))))
                die("out of memory");
        if (!res)
            die("out of memory");
        for (r = 0; r < rounds; r++) {
            for (w = 0; w < NWAYS; w++) {
                int way = (int)((size_t)w + r) % NWAYS; /* rotate which goes first */
                struct fan f;
                if (way == 2 && !have_handle)
                    continue;
                fan_open(&f, n);
                if (way == 0)
                    run_exitstat(&f, &res[r][0]);
                else if (way == 1)
                    run_epoll(&f, &res[r][1]);
                else
                    run_exitstat_epoll(&f, &res[r][2]);
                fan_close(&f, delays[way] + r * n);
            }
        }
        snprintf(rerun, sizeof(rerun), "%s -r %zu -s %ld %s %zu", argv[0], rounds, ms, sleeper, n);
        report(n, rounds, res, delays, rerun);
        for (w = 0; w < NWAYS; w++)
            free(delays[w]);
        free(res);
    }
    printf("CPU and wall: median over the rounds; notice delays: over every child of every "
           "round; total CPU ÷ epoll: per round, then the median.\n\n");
    return 0;
}
