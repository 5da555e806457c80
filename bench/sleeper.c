/*
 * sleeper.c - the fan-out and memory benchmarks' child:
 *
 *   bench-sleeper MS [INDEX]
 *
 * sleeps MS milliseconds, then, when INDEX is given, writes one record
 * {INDEX, CLOCK_MONOTONIC ns} (16 bytes, under PIPE_BUF so that the writes
 * of many children to one pipe never interleave) to stdout, and exits 0 at
 * once. CLOCK_MONOTONIC is system-wide, so the parent subtracts this time of
 * exit from the time it noticed the exit. Linked statically where it can be,
 * so that a thousand of them start fast.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec ts;
    int64_t rec[2];
    long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 0;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = ms % 1000 * 1000000;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    if (argc > 2) {
        rec[0] = strtoll(argv[2], NULL, 10);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        rec[1] = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        if (write(1, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
            return 1;
    }
    _exit(0); /* skip exit()'s flushing and handlers: the record is the end */
}
