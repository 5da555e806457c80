/*
 * bench-communicate.c - exitstat_communicate's throughput against a plain read
 * loop on the same kind of pipe, in the same process, interleaved rounds.
 *
 *   bench-communicate WRITER [MIB] [ROUNDS]
 *
 * Each round spawns WRITER (bench/writer.c) three times with stdout piped and
 * collects MIB MiB (default 256):
 *   communicate   exitstat_communicate into its own growing buffer
 *   read-grow     read() into a buffer grown geometrically with realloc, as a
 *                 caller would write it by hand: the baseline of the goal
 *   read-discard  read() into one 1 MiB buffer, keeping nothing: the pipe's
 *                 own limit, for reference
 * and prints one Markdown table with the median MiB/s and the ratio of each to
 * read-grow measured in the same rounds.
 *
 * SPDX-License-Identifier: MIT
 */
#include <exitstat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static exitstat_child *start(const char *writer, const char *bytes)
{
    exitstat_cmd *cmd;
    exitstat_child *child;

    if (exitstat_cmd_new(&cmd, writer) < 0 || exitstat_cmd_arg(cmd, bytes) < 0 ||
        exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0) < 0 || exitstat_spawn(cmd, &child) < 0) {
        fprintf(stderr, "bench-communicate: cannot start %s\n", writer);
        exit(1);
    }
    exitstat_cmd_free(cmd);
    return child;
}

static void finish(exitstat_child *child, size_t got, size_t want)
{
    exitstat_status st;

    if (exitstat_wait(child, -1, &st) < 0 || !exitstat_status_success(&st) || got != want) {
        fprintf(stderr, "bench-communicate: short read %zu of %zu\n", got, want);
        exit(1);
    }
    exitstat_child_free(child);
}

static double run_communicate(const char *writer, const char *bytes, size_t want)
{
    exitstat_child *child = start(writer, bytes);
    exitstat_status st;
    char *out;
    size_t len;
    double t = now_s();

    if (exitstat_communicate(child, NULL, 0, -1, &out, &len, NULL, NULL, &st) < 0)
        exit(1);
    t = now_s() - t;
    exitstat_free(out);
    finish(child, len, want);
    return t;
}

static double run_read(const char *writer, const char *bytes, size_t want, int grow)
{
    exitstat_child *child = start(writer, bytes);
    int fd = (int)exitstat_child_stdio(child, 1);
    static char scratch[1 << 20];
    char *buf = NULL;
    size_t len = 0, cap = 0;
    double t = now_s();
    ssize_t n;

    for (;;) {
        if (grow && cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            if (!(buf = realloc(buf, cap)))
                exit(1);
        }
        n = read(fd, grow ? buf + len : scratch, grow ? cap - len : sizeof(scratch));
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    t = now_s() - t;
    free(buf);
    finish(child, len, want);
    return t;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *writer;
    size_t mib, want, r, rounds;
    char bytes[32];
    double *t[3], med[3], lo[3], hi[3];
    static const char *const names[3] = {"communicate", "read-grow", "read-discard"};
    int k;

    if (argc < 2) {
        fprintf(stderr, "usage: bench-communicate WRITER [MIB] [ROUNDS]\n");
        return 2;
    }
    writer = argv[1];
    mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 256;
    rounds = argc > 3 ? strtoul(argv[3], NULL, 0) : 7;
    if (rounds == 0)
        rounds = 1;
    want = mib << 20;
    snprintf(bytes, sizeof(bytes), "%zu", want);
    for (k = 0; k < 3; k++)
        t[k] = calloc(rounds, sizeof(double));

    for (r = 0; r < rounds; r++) { /* interleaved: drift hits every row alike */
        t[0][r] = run_communicate(writer, bytes, want);
        t[1][r] = run_read(writer, bytes, want, 1);
        t[2][r] = run_read(writer, bytes, want, 0);
    }
    for (k = 0; k < 3; k++) {
        qsort(t[k], rounds, sizeof(double), cmp);
        med[k] = t[k][rounds / 2];
        lo[k] = t[k][0];
        hi[k] = t[k][rounds - 1];
    }
    printf("### communicate: %zu MiB from a child, %zu rounds\n\n", mib, rounds);
    printf("| reader | median MiB/s | spread (MiB/s) | ratio to read-grow |\n");
    printf("| --- | --- | --- | --- |\n");
    for (k = 0; k < 3; k++)
        printf("| %s | %.0f | %.0f..%.0f | %.2f |\n", names[k], (double)mib / med[k],
               (double)mib / hi[k], (double)mib / lo[k], med[1] / med[k]);
    printf("\nrerun: %s %s %zu %zu\n", argv[0], writer, mib, rounds);
    for (k = 0; k < 3; k++)
        free(t[k]);
    return 0;
}
