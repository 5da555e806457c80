/*
 * bench-memory.c - what a live child costs the parent: heap bytes, descriptors
 * and threads, by the library and by the raw calls.
 *
 *   bench-memory [-k K] SLEEPER
 *
 * Each way starts K children that sleep (bench/sleeper.c, 60 s), counts what
 * this process holds while they live, against what it held before (heap in
 * use by malloc: mallinfo2's uordblks + hblkhd; entries of /proc/self/fd and
 * /proc/self/task), kills and collects them, and counts again:
 *   exitstat      exitstat_spawn (a command made and freed per child), then
 *                 exitstat_kill, exitstat_wait and exitstat_child_free
 *   posix_spawn+pidfd   posix_spawn and pidfd_open; kill, waitid, close
 * The library's own promises are checked, and the program fails when one is
 * broken: no thread, at most one descriptor per live child (its pidfd; none on
 * the portable path), and once the children are freed, no descriptor and no
 * heap byte left behind.
 *
 * glibc's per-thread cache of freed chunks (tcache) counts as in use in
 * mallinfo2, so the program runs itself again with the cache off
 * (GLIBC_TUNABLES=glibc.malloc.tcache_count=0) to make the counts exact.
 *
 * SPDX-License-Identifier: MIT
 */
#include "util.h"

#include <exitstat.h>

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define TCACHE_OFF "glibc.malloc.tcache_count=0"

struct counts {
    long long heap; /* -1: unknown */
    int fds, threads;
};

static void count(struct counts *c)
{
#ifdef BENCH_HAVE_MALLINFO2
    struct mallinfo2 mi = mallinfo2();
    c->heap = (long long)(mi.uordblks + mi.hblkhd);
#else
    c->heap = -1;
#endif
    c->fds = count_fds();
    c->threads = count_threads();
}

static const char *sleeper;
static char *child_argv[3];

static void ways_exitstat(size_t k, struct counts *live, struct counts *after)
{
    exitstat_child **kids = calloc(k, sizeof(*kids));
    struct counts c0;
    size_t i;
    int err;

    if (!kids)
        die("out of memory");
    count(&c0);
    for (i = 0; i < k; i++) {
        exitstat_cmd *cmd;
        if ((err = exitstat_cmd_new(&cmd, sleeper)) < 0 ||
            (err = exitstat_cmd_arg(cmd, child_argv[1])) < 0 ||
            (err = exitstat_spawn(cmd, &kids[i])) < 0)
            die("exitstat: cannot spawn child %zu: %s", i, exitstat_strerror(err));
        exitstat_cmd_free(cmd);
    }
    count(live);
    for (i = 0; i < k; i++) {
        exitstat_status st;
        if ((err = exitstat_kill(kids[i])) < 0 || (err = exitstat_wait(kids[i], -1, &st)) < 0)
            die("exitstat: kill and wait: %s", exitstat_strerror(err));
        if (st.kind != EXITSTAT_SIGNALED || st.signal != SIGKILL)
            die("exitstat: child %zu did not die of SIGKILL", i);
        exitstat_child_free(kids[i]);
    }
    count(after);
    live->heap = c0.heap < 0 ? -1 : live->heap - c0.heap;
    after->heap = c0.heap < 0 ? -1 : after->heap - c0.heap;
    live->fds -= c0.fds;
    after->fds -= c0.fds;
    live->threads -= c0.threads;
    after->threads -= c0.threads;
    free(kids);
}

static void ways_raw(size_t k, struct counts *live, struct counts *after)
{
    pid_t *pids = calloc(k, sizeof(*pids));
    int *fds = calloc(k, sizeof(*fds));
    struct counts c0;
    size_t i;
    int err;

    if (!pids || !fds)
        die("out of memory");
    count(&c0);
    for (i = 0; i < k; i++) {
        if ((err = posix_spawn(&pids[i], sleeper, NULL, NULL, child_argv, environ)) != 0)
            die("posix_spawn: %s", strerror(err));
        if ((fds[i] = (int)syscall(SYS_pidfd_open, pids[i], 0)) < 0)
            die("pidfd_open: %s", strerror(errno));
    }
    count(live);
    for (i = 0; i < k; i++) {
        siginfo_t si;
        if (syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0) < 0 ||
            waitid(P_PIDFD, (id_t)fds[i], &si, WEXITED) < 0)
            die("kill and waitid: %s", strerror(errno));
        close(fds[i]);
    }
    count(after);
    live->heap = c0.heap < 0 ? -1 : live->heap - c0.heap;
    after->heap = c0.heap < 0 ? -1 : after->heap - c0.heap;
    live->fds -= c0.fds;
    after->fds -= c0.fds;
    live->threads -= c0.threads;
    after->threads -= c0.threads;
    free(pids);
    free(fds);
}

static void row(const char *name, size_t k, const struct counts *live, const struct counts *after,
                const char *rerun)
{
    char heap[64], left[64];

    if (live->heap < 0) {
        snprintf(heap, sizeof(heap), "n/a");
        snprintf(left, sizeof(left), "n/a");
    } else {
        snprintf(heap, sizeof(heap), "%.1f", (double)live->heap / (double)k);
        snprintf(left, sizeof(left), "%lld", after->heap);
    }
    printf("| %s | %s | %.3f | %.3f | %s | %d | %d | `%s` |\n", name, heap,
           (double)live->fds / (double)k, (double)live->threads / (double)k, left, after->fds,
           after->threads, rerun);
}

int main(int argc, char **argv)
{
    struct counts live[2], after[2];
    size_t k = 1000;
    char rerun[4096];
    const char *path;
    int opt;

    bench_set_name(argv[0]);
#ifdef BENCH_HAVE_MALLINFO2
    {
        const char *t = getenv("GLIBC_TUNABLES");
        if (!t || !strstr(t, TCACHE_OFF)) {
            char *v = malloc((t ? strlen(t) + 1 : 0) + sizeof(TCACHE_OFF));
            if (!v)
                die("out of memory");
            sprintf(v, "%s%s%s", t ? t : "", t ? ":" : "", TCACHE_OFF);
            setenv("GLIBC_TUNABLES", v, 1);
            execv("/proc/self/exe", argv);
            die("cannot run myself again: %s", strerror(errno)); /* never with the cache on */
        }
    }
#endif
    while ((opt = getopt(argc, argv, "k:")) != -1) {
        if (opt != 'k') {
            fprintf(stderr, "usage: bench-memory [-k K] SLEEPER\n");
            return 2;
        }
        k = strtoul(optarg, NULL, 10);
    }
    if (optind != argc - 1 || k == 0)
        die("usage: bench-memory [-k K] SLEEPER");
    sleeper = argv[optind];
    child_argv[0] = (char *)(uintptr_t)sleeper;
    child_argv[1] = (char *)(uintptr_t)"60000";
    child_argv[2] = NULL;
    {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }

    /* one spawn first: whatever the library sets up once per process (its
     * posix_spawn probe) is not a cost per child */
    {
        exitstat_cmd *cmd;
        exitstat_child *child;
        exitstat_status st;
        if (exitstat_cmd_new(&cmd, sleeper) < 0 || exitstat_cmd_arg(cmd, "0") < 0 ||
            exitstat_spawn(cmd, &child) < 0 || exitstat_wait(child, -1, &st) < 0)
            die("cannot run %s", sleeper);
        path = exitstat_child_handle(child) >= 0 ? "pidfd" : "portable";
        exitstat_child_free(child);
        exitstat_cmd_free(cmd);
    }

    ways_exitstat(k, &live[0], &after[0]);
    ways_raw(k, &live[1], &after[1]);

    snprintf(rerun, sizeof(rerun), "%s -k %zu %s", argv[0], k, sleeper);
    printf("### memory: what each of %zu live children costs the parent (libexitstat on its %s "
           "wait path)\n\n",
           k, path);
    printf("| way | heap bytes/child | descriptors/child | threads/child | heap bytes left "
           "after free | descriptors left | threads left | rerun |\n");
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    row("exitstat", k, &live[0], &after[0], rerun);
    row("posix_spawn+pidfd", k, &live[1], &after[1], rerun);
    printf("\nheap: malloc's bytes in use (mallinfo2 uordblks + hblkhd) while the children "
           "live, less before; a sanitizer's allocator is not seen by it.\n\n");

    /* the library's promises */
    if (live[0].threads != 0 || after[0].threads != 0)
        die("exitstat: %d threads while the children lived, %d after", live[0].threads,
            after[0].threads);
    if (live[0].fds < 0 || (size_t)live[0].fds > k)
        die("exitstat: %d descriptors for %zu children", live[0].fds, k);
    if (after[0].fds != 0)
        die("exitstat: %d descriptors left after freeing every child", after[0].fds);
    if (after[0].heap > 0)
        die("exitstat: %lld heap bytes left after freeing every child", after[0].heap);
    return 0;
}
