/*
 * sleeper.c - the fan-out and memory benchmarks' child:
 *
 *   bench-sleeper MS [INDEX [T0_NS]]
 *
 * Without T0_NS: sleeps MS milliseconds. With it (the fan-out's paced mode):
 * waits at a gate first, an int at the start of the file its stdin is (a
 * memfd the parent shares with every child), which the parent sets to 1 and
 * wakes (futex) once every child has started; then sleeps until MS ms plus
 * its own start's distance from T0_NS (CLOCK_MONOTONIC ns, the parent's start
 * of spawning) after the gate opened: the children end in the order and at
 * the intervals they were started, all while the parent is collecting.
 * When INDEX is given, it then writes one record {INDEX, CLOCK_MONOTONIC ns}
 * (16 bytes, under PIPE_BUF, so that the writes of many children to one pipe
 * never interleave) to stdout, and exits 0 at once. CLOCK_MONOTONIC is
 * system-wide: the parent subtracts this time of exit from the time it
 * noticed the exit. Linked statically where it can be, so that a thousand of
 * them start fast.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int64_t start = now_ns(), until, rec[2];
    long long ms = argc > 1 ? strtoll(argv[1], NULL, 10) : 0;
    struct timespec ts;

    until = start + ms * 1000000;
    if (argc > 3) {
        int *gate = mmap(NULL, sizeof(int), PROT_READ, MAP_SHARED, 0, 0);
        if (gate == MAP_FAILED)
            return 3; /* no gate: a broken run, which the parent reports */
        /* FUTEX_WAIT returns at once if the gate is already open */
        while (__atomic_load_n(gate, __ATOMIC_ACQUIRE) == 0)
            syscall(SYS_futex, gate, FUTEX_WAIT, 0, NULL, NULL, 0);
        until = now_ns() + ms * 1000000 + (start - strtoll(argv[3], NULL, 10));
    }
    ts.tv_sec = (time_t)(until / 1000000000);
    ts.tv_nsec = (long)(until % 1000000000);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    if (argc > 2) {
        rec[0] = strtoll(argv[2], NULL, 10);
        rec[1] = now_ns();
        if (write(1, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
            return 1;
    }
    _exit(0); /* skip exit()'s flushing and handlers: the record is the end */
}
