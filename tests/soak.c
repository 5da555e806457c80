/*
 * soak.c - the soak test: spawn, wait, kill and communicate from several
 * threads at once for a given time, and show that nothing grows.
 *
 *   exitstat-soak [SECONDS [THREADS]]     (default 60 s, 8 threads)
 *   meson compile -C BUILD soak           (60 s)
 *
 * Each worker thread runs operations picked at random (a seed is printed;
 * EXITSTAT_SOAK_SEED repeats a run's choices per thread) and checks each
 * result exactly:
 *   spawn-wait   /bin/true or sh -c 'exit N': the code
 *   kill         a sleeping child (a wait with timeout 0 times out) ended
 *                by kill, terminate, signal(USR1) or stop, at once or a
 *                moment after the spawn: that signal, with EXITSTAT_F_KILLED
 *   communicate  cat fed up to 1 MiB: the same bytes back (stderr merged
 *                into stdout now and then)
 *   timed-wait   a child that sleeps 20 ms, collected by short timed waits
 *                (1..5 ms, repeated while they time out): exit 0
 *   wait-any     three children with different codes, collected by
 *                exitstat_wait_any as they end
 *   spawn-error  a missing program, a missing working directory: ENOENT
 *   run-timeout  exitstat_run on a sleeper with a 10 ms timeout: ETIMEDOUT,
 *                SIGTERM, EXITSTAT_F_KILLED
 *
 * The main thread samples the process every second: open descriptors
 * (/proc/self/fd), children running or zombie (/proc/PID/stat), resident
 * memory (VmRSS and VmHWM in /proc/self/status) and, with glibc, the heap in
 * use (mallinfo2, all threads in one arena so that it sees every
 * allocation). Every 10 s it prints the figures, and at the end a summary.
 *
 * The run fails (exit 1) on any wrong result, or when something grows:
 * descriptors or children beyond what THREADS workers can hold at once,
 * descriptors or children left at the end, the heap in use at the end more
 * than 256 KiB above what it was before the workers started, or the resident
 * memory more than 32 MiB above what it was after the warm-up (a tenth of the
 * run, at most 10 s); not the memory under a sanitizer (see UNDER_SANITIZER).
 * Linux only (it reads /proc).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef _GNU_SOURCE /* (meson passes it) */
#  define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__)
#  include <malloc.h>
#  if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
#    define HAVE_MALLINFO2 1
#  endif
#endif

#include "exitstat.h"

/* A sanitizer's allocator keeps freed memory in quarantine and maps shadow
 * memory: resident memory and mallinfo2 then say nothing about leaks (ASan's
 * own leak check at exit does). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define UNDER_SANITIZER 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define UNDER_SANITIZER 1
#  endif
#endif
#ifndef UNDER_SANITIZER
#  define UNDER_SANITIZER 0
#endif

enum op {
    OP_SPAWN_WAIT,
    OP_KILL,
    OP_COMMUNICATE,
    OP_TIMED_WAIT,
    OP_WAIT_ANY,
    OP_SPAWN_ERROR,
    OP_RUN_TIMEOUT,
    OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "spawn-wait", "kill", "communicate", "timed-wait", "wait-any", "spawn-error", "run-timeout",
};

/* how often each is picked, out of the sum */
static const unsigned op_weights[OP_COUNT] = {6, 4, 4, 2, 2, 2, 1};

#define MAX_CHILDREN_PER_OP 3  /* wait-any */
#define MAX_FDS_PER_OP      10 /* communicate: 3 pipes both ends, the error pipe, a pidfd */
#define COMM_MAX            (1u << 20)

static atomic_int stop_flag;
static atomic_ulong ops[OP_COUNT];
static atomic_ulong comm_bytes;
static atomic_ulong errors;

static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

#if defined(__GNUC__)
#  define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#  define PRINTF_LIKE(f, a)
#endif

/* a wrong result: counted, the first few printed */
static void fail(const char *fmt, ...) PRINTF_LIKE(1, 2);

static void fail(const char *fmt, ...)
{
    va_list ap;
    unsigned long n = atomic_fetch_add(&errors, 1);

    if (n >= 20)
        return;
    pthread_mutex_lock(&err_lock);
    fputs("soak: ERROR: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&err_lock);
}

/* ---- measuring the process ------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* not the directory's own */
}

/* our children, running or zombie */
static int count_children(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0, me = (int)getpid();

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[512], *p;
        FILE *f;
        int ppid;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        if (!(f = fopen(path, "r")))
            continue; /* gone meanwhile */
        p = fgets(buf, sizeof(buf), f);
        fclose(f);
        /* the name in parentheses may hold anything: read after the last ')' */
        if (p && (p = strrchr(buf, ')')) && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == me)
            n++;
    }
    closedir(d);
    return n;
}

/* VmRSS and VmHWM in KiB */
static void memory_kib(long *rss, long *hwm)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];

    *rss = *hwm = -1;
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            *rss = strtol(line + 6, NULL, 10);
        else if (strncmp(line, "VmHWM:", 6) == 0)
            *hwm = strtol(line + 6, NULL, 10);
    }
    fclose(f);
}

/* bytes of heap in use, or -1 where the C library cannot say */
static long long heap_in_use(void)
{
#if HAVE_MALLINFO2 && !UNDER_SANITIZER
    struct mallinfo2 mi = mallinfo2();
    return (long long)mi.uordblks + (long long)mi.hblkhd;
#else
    return -1;
#endif
}

/* ---- the operations ------------------------------------------------------------ */

static uint64_t next_rand(uint64_t *s)
{
    /* xorshift64*: plenty for picking operations */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static exitstat_cmd *command(const char *const *argv)
{
    exitstat_cmd *cmd;
    int err = exitstat_cmd_new(&cmd, argv[0]);

    if (err == 0 && (err = exitstat_cmd_argv(cmd, argv + 1)) != 0) {
        exitstat_cmd_free(cmd);
        cmd = NULL;
    }
    if (err)
        fail("building %s: %s", argv[0], exitstat_strerror(err));
    return err ? NULL : cmd;
}

static exitstat_cmd *sh(const char *script)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    return command(argv);
}

static const char *text(const exitstat_status *st, char *buf, size_t size)
{
    exitstat_status_describe(st, buf, size);
    return buf;
}

static void expect(const char *op, const exitstat_status *st, int kind, int64_t code, int sig,
                   int killed)
{
    char buf[96];

    if (st->kind != kind || (kind == EXITSTAT_EXITED && st->code != code) ||
        (kind == EXITSTAT_SIGNALED &&
         (st->signal != sig || !!(st->flags & EXITSTAT_F_KILLED) != killed)))
        fail("%s: %s", op, text(st, buf, sizeof(buf)));
}

/* spawn cmd (freed) into *child; 0 or the error, reported */
static int spawn(const char *op, exitstat_cmd *cmd, exitstat_child **child)
{
    int err;

    *child = NULL;
    if (!cmd)
        return EXITSTAT_EINVAL;
    err = exitstat_spawn(cmd, child);
    exitstat_cmd_free(cmd);
    if (err)
        fail("%s: spawn: %s", op, exitstat_strerror(err));
    return err;
}

static void wait_checked(const char *op, exitstat_child *child, exitstat_status *st)
{
    int err = exitstat_wait(child, 30000, st);

    if (err) {
        fail("%s: wait: %s", op, exitstat_strerror(err));
        exitstat_stop(child, 0, st);
        memset(st, 0, sizeof(*st));
    }
}

static void op_spawn_wait(uint64_t *rng)
{
    exitstat_child *child;
    exitstat_status st;
    int code = (int)(next_rand(rng) % 4 == 0 ? 0 : next_rand(rng) % 256);
    char script[32];

    snprintf(script, sizeof(script), "exit %d", code);
    if (spawn("spawn-wait",
              code == 0 ? command((const char *const[]){"/bin/true", NULL}) : sh(script),
              &child) != 0)
        return;
    wait_checked("spawn-wait", child, &st);
    expect("spawn-wait", &st, EXITSTAT_EXITED, code, 0, 0);
    exitstat_child_free(child);
}

static void op_kill(uint64_t *rng)
{
    exitstat_child *child;
    exitstat_status st;
    unsigned how = (unsigned)(next_rand(rng) % 4);
    int sig = how == 0 ? SIGKILL : how == 1 ? SIGTERM : how == 2 ? SIGUSR1 : SIGTERM;
    int err = 0;

    if (spawn("kill", command((const char *const[]){"/bin/sleep", "10", NULL}), &child) != 0)
        return;
    if ((err = exitstat_wait(child, 0, &st)) != EXITSTAT_ETIMEDOUT)
        fail("kill: a wait with timeout 0 on a sleeper gave %s", exitstat_strerror(err));
    /* at once (the child may not even have reached main yet), or a moment later */
    if (next_rand(rng) % 2)
        usleep((useconds_t)(next_rand(rng) % 3000));
    switch (how) {
    case 0: err = exitstat_kill(child); break;
    case 1: err = exitstat_terminate(child); break;
    case 2: err = exitstat_signal(child, SIGUSR1); break;
    default:
        /* sleep dies of the SIGTERM well within the grace */
        err = exitstat_stop(child, 5000, &st);
        break;
    }
    if (err)
        fail("kill: way %u: %s", how, exitstat_strerror(err));
    wait_checked("kill", child, &st);
    expect("kill", &st, EXITSTAT_SIGNALED, 0, sig, 1);
    exitstat_child_free(child);
}

static void op_communicate(uint64_t *rng, unsigned char *in)
{
    exitstat_child *child;
    exitstat_status st;
    exitstat_cmd *cmd = command((const char *const[]){"/bin/cat", NULL});
    size_t n = (size_t)(next_rand(rng) % (COMM_MAX + 1)), i, out_len = 0;
    unsigned char salt = (unsigned char)next_rand(rng);
    char *out = NULL;
    int err;

    if (!cmd)
        return;
    exitstat_cmd_stdio(cmd, 0, EXITSTAT_PIPE, 0);
    exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0);
    if (next_rand(rng) % 4 == 0)
        exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0);
    if (spawn("communicate", cmd, &child) != 0)
        return;
    for (i = 0; i < n; i++)
        in[i] = (unsigned char)(i * 131 + salt);
    err = exitstat_communicate(child, in, n, 30000, &out, &out_len, NULL, NULL, &st);
    if (err) {
        fail("communicate: %s", exitstat_strerror(err));
        exitstat_stop(child, 0, &st);
    } else {
        expect("communicate", &st, EXITSTAT_EXITED, 0, 0, 0);
        if (out_len != n || memcmp(out, in, n) != 0 || out[n] != '\0')
            fail("communicate: %zu bytes back of %zu, or different", out_len, n);
        atomic_fetch_add(&comm_bytes, n);
    }
    exitstat_free(out);
    exitstat_child_free(child);
}

static void op_timed_wait(uint64_t *rng)
{
    exitstat_child *child;
    exitstat_status st;
    int64_t t0 = now_ms();
    int err;

    if (spawn("timed-wait", command((const char *const[]){"/bin/sleep", "0.02", NULL}), &child) !=
        0)
        return;
    do
        err = exitstat_wait(child, 1 + (int64_t)(next_rand(rng) % 5), &st);
    while (err == EXITSTAT_ETIMEDOUT && now_ms() - t0 < 30000);
    if (err) {
        fail("timed-wait: %s", exitstat_strerror(err));
        exitstat_stop(child, 0, &st);
    } else {
        expect("timed-wait", &st, EXITSTAT_EXITED, 0, 0, 0);
    }
    exitstat_child_free(child);
}

static void op_wait_any(uint64_t *rng)
{
    exitstat_child *c[MAX_CHILDREN_PER_OP];
    int codes[MAX_CHILDREN_PER_OP], n = 0, i;
    exitstat_status st;
    char script[48];

    for (i = 0; i < MAX_CHILDREN_PER_OP; i++) {
        codes[n] = 10 + i;
        /* the later ones often end first */
        snprintf(script, sizeof(script), "%sexit %d", next_rand(rng) % 2 ? "sleep 0.01; " : "",
                 codes[n]);
        if (spawn("wait-any", sh(script), &c[n]) == 0)
            n++;
    }
    while (n > 0) {
        size_t idx = SIZE_MAX;
        int err = exitstat_wait_any(c, (size_t)n, 30000, &idx, &st);

        if (err || idx >= (size_t)n) {
            fail("wait-any: %s, index %zu", exitstat_strerror(err), idx);
            for (i = 0; i < n; i++) {
                exitstat_stop(c[i], 0, &st);
                exitstat_child_free(c[i]);
            }
            return;
        }
        expect("wait-any", &st, EXITSTAT_EXITED, codes[idx], 0, 0);
        exitstat_child_free(c[idx]);
        for (i = (int)idx; i + 1 < n; i++) {
            c[i] = c[i + 1];
            codes[i] = codes[i + 1];
        }
        n--;
    }
}

static void op_spawn_error(uint64_t *rng)
{
    exitstat_child *child;
    exitstat_cmd *cmd;
    int err;

    if (next_rand(rng) % 2) {
        cmd = command((const char *const[]){"/nonexistent/exitstat-soak", NULL});
    } else {
        cmd = command((const char *const[]){"/bin/true", NULL});
        if (cmd)
            exitstat_cmd_cwd(cmd, "/nonexistent/exitstat-soak-dir");
    }
    if (!cmd)
        return;
    err = exitstat_spawn(cmd, &child);
    if (err != EXITSTAT_ENOENT || child != NULL) {
        fail("spawn-error: %s", exitstat_strerror(err));
        if (err == 0) {
            exitstat_status st;
            exitstat_stop(child, 0, &st);
            exitstat_child_free(child);
        }
    }
    exitstat_cmd_free(cmd);
}

static void op_run_timeout(void)
{
    exitstat_cmd *cmd = command((const char *const[]){"/bin/sleep", "10", NULL});
    exitstat_status st;
    int err;

    if (!cmd)
        return;
    err = exitstat_run(cmd, 10, &st);
    if (err != EXITSTAT_ETIMEDOUT)
        fail("run-timeout: %s", exitstat_strerror(err));
    else
        expect("run-timeout", &st, EXITSTAT_SIGNALED, 0, SIGTERM, 1);
    exitstat_cmd_free(cmd);
}

struct worker {
    pthread_t thread;
    uint64_t seed;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    uint64_t rng = w->seed;
    unsigned total = 0, i;
    unsigned char *in = malloc(COMM_MAX);

    if (!in) {
        fail("%s", "out of memory");
        return NULL;
    }
    for (i = 0; i < OP_COUNT; i++)
        total += op_weights[i];
    while (!atomic_load(&stop_flag)) {
        unsigned pick = (unsigned)(next_rand(&rng) % total);
        enum op op = OP_SPAWN_WAIT;

        for (i = 0; i < OP_COUNT; i++) {
            if (pick < op_weights[i]) {
                op = (enum op)i;
                break;
            }
            pick -= op_weights[i];
        }
        switch (op) {
        case OP_SPAWN_WAIT: op_spawn_wait(&rng); break;
        case OP_KILL: op_kill(&rng); break;
        case OP_COMMUNICATE: op_communicate(&rng, in); break;
        case OP_TIMED_WAIT: op_timed_wait(&rng); break;
        case OP_WAIT_ANY: op_wait_any(&rng); break;
        case OP_SPAWN_ERROR: op_spawn_error(&rng); break;
        default: op_run_timeout(); break;
        }
        atomic_fetch_add(&ops[op], 1);
    }
    free(in);
    return NULL;
}

/* ---- the run --------------------------------------------------------------------- */

static unsigned long total_ops(void)
{
    unsigned long n = 0;
    int i;

    for (i = 0; i < OP_COUNT; i++)
        n += atomic_load(&ops[i]);
    return n;
}

int main(int argc, char **argv)
{
    long seconds = argc > 1 ? strtol(argv[1], NULL, 10) : 60;
    long nthreads = argc > 2 ? strtol(argv[2], NULL, 10) : 8;
    struct worker *w;
    const char *seed_env = getenv("EXITSTAT_SOAK_SEED");
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);
    int fds0, fds_peak, fds_end, kids_peak = 0, kids_end, fd_bound, kid_bound, ok = 1, started = 0;
    long rss, hwm, rss_warm = -1, rss_end, hwm_end, warm_s;
    long long heap0, heap_peak, heap_end;
    int64_t t0, next_print;
    long i;

    if (seconds <= 0 || nthreads <= 0 || nthreads > 256) {
        fprintf(stderr, "usage: %s [SECONDS [THREADS]]\n", argv[0]);
        return 2;
    }
#if HAVE_MALLINFO2
    /* one arena, so that mallinfo2 counts what every thread allocates */
    mallopt(M_ARENA_MAX, 1);
#endif
    w = calloc((size_t)nthreads, sizeof(*w));
    if (!w)
        return 2;
    warm_s = seconds / 10 < 10 ? (seconds / 10 > 0 ? seconds / 10 : 1) : 10;
    fds0 = fds_peak = count_fds();
    heap0 = heap_peak = heap_in_use();
    fd_bound = fds0 + MAX_FDS_PER_OP * (int)nthreads;
    kid_bound = MAX_CHILDREN_PER_OP * (int)nthreads;
    printf("soak: libexitstat %s, %ld s, %ld threads, seed %" PRIu64 " (EXITSTAT_SOAK_SEED)\n",
           exitstat_version(), seconds, nthreads, seed);
    if (UNDER_SANITIZER)
        printf("soak: bounds: descriptors <= %d, children <= %d; memory not bounded under a "
               "sanitizer\n",
               fd_bound, kid_bound);
    else
        printf("soak: bounds: descriptors <= %d, children <= %d, heap growth <= 256 KiB, RSS "
               "growth after %ld s warm-up <= 32 MiB\n",
               fd_bound, kid_bound, warm_s);
    fflush(stdout);

    t0 = now_ms();
    for (i = 0; i < nthreads; i++) {
        w[i].seed = seed * 1000003u + (uint64_t)i * 7919u + 1;
        if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
            fprintf(stderr, "soak: pthread_create failed\n");
            atomic_store(&stop_flag, 1);
            ok = 0;
            break;
        }
        started++;
    }

    next_print = t0 + 10000;
    while (!atomic_load(&stop_flag) && now_ms() - t0 < seconds * 1000) {
        int fds, kids;
        long long heap;

        sleep(1);
        fds = count_fds();
        kids = count_children();
        heap = heap_in_use();
        memory_kib(&rss, &hwm);
        if (fds > fds_peak)
            fds_peak = fds;
        if (kids > kids_peak)
            kids_peak = kids;
        if (heap > heap_peak)
            heap_peak = heap;
        if (rss_warm < 0 && now_ms() - t0 >= warm_s * 1000)
            rss_warm = rss;
        if (fds > fd_bound || kids > kid_bound) {
            fprintf(stderr, "soak: ERROR: %d descriptors, %d children: beyond the bounds\n", fds,
                    kids);
            ok = 0;
        }
        if (now_ms() >= next_print) {
            int64_t el = now_ms() - t0;
            printf("soak: %4" PRId64 " s  %8lu ops (%5.0f/s)  fds %3d (peak %3d)  children %2d "
                   "(peak %2d)  RSS %6ld KiB (peak %6ld)  heap %lld  errors %lu\n",
                   el / 1000, total_ops(), total_ops() * 1000.0 / (double)el, fds, fds_peak, kids,
                   kids_peak, rss, hwm, heap, atomic_load(&errors));
            fflush(stdout);
            next_print += 10000;
        }
    }
    atomic_store(&stop_flag, 1);
    for (i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    free(w);

    fds_end = count_fds();
    kids_end = count_children();
    heap_end = heap_in_use();
    memory_kib(&rss_end, &hwm_end);
    if (rss_warm < 0)
        rss_warm = rss_end;

    {
        double el = (double)(now_ms() - t0) / 1000.0;
        printf("\nsoak: summary after %.1f s, %ld threads\n", el, nthreads);
        for (i = 0; i < OP_COUNT; i++)
            printf("  %-12s %10lu\n", op_names[i], atomic_load(&ops[i]));
        printf("  %-12s %10lu  (%.0f/s; communicate moved %.1f MiB each way)\n", "total",
               total_ops(), total_ops() / el, atomic_load(&comm_bytes) / 1048576.0);
    }
    printf("  wrong results:    %lu\n", atomic_load(&errors));
    printf("  descriptors:      %d at the start, peak %d, %d at the end\n", fds0, fds_peak,
           fds_end);
    printf("  children:         peak %d, left at the end: %d\n", kids_peak, kids_end);
    printf("  resident memory:  %ld KiB after warm-up, %ld KiB at the end, peak (VmHWM) %ld KiB\n",
           rss_warm, rss_end, hwm_end);
    if (heap0 >= 0)
        printf("  heap in use:      %lld bytes before, peak %lld, %lld at the end (%+lld)\n", heap0,
               heap_peak, heap_end, heap_end - heap0);
    else
        printf("  heap in use:      not known %s\n",
               UNDER_SANITIZER ? "under a sanitizer" : "with this C library");

    if (atomic_load(&errors) > 0)
        ok = 0;
    if (fds_end != fds0) {
        fprintf(stderr, "soak: ERROR: %d descriptors leaked\n", fds_end - fds0);
        ok = 0;
    }
    if (kids_end != 0) {
        fprintf(stderr, "soak: ERROR: %d children left\n", kids_end);
        ok = 0;
    }
    if (heap0 >= 0 && heap_end - heap0 > 256 * 1024) {
        fprintf(stderr, "soak: ERROR: the heap grew by %lld bytes\n", heap_end - heap0);
        ok = 0;
    }
    if (!UNDER_SANITIZER && rss_end - rss_warm > 32 * 1024) {
        fprintf(stderr, "soak: ERROR: resident memory grew by %ld KiB after the warm-up\n",
                rss_end - rss_warm);
        ok = 0;
    }
    printf("soak: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
