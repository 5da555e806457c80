/*
 * util.h - what the benchmarks share: clocks, order statistics, a big touched
 * buffer, and counts of this process's descriptors and threads.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#  define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define BENCH_NORETURN __attribute__((noreturn))
#else
#  define BENCH_PRINTF(f, a)
#  define BENCH_NORETURN
#endif

/* print "PROGRAM: message" to stderr and exit 1: a benchmark that cannot do
 * what it measures must fail (its quick mode is a test) */
BENCH_NORETURN BENCH_PRINTF(1, 2) void die(const char *fmt, ...);
void bench_set_name(const char *argv0);

/* CLOCK_MONOTONIC, in seconds and in nanoseconds (the children's timestamps
 * use the same clock, which is system-wide) */
double now_s(void);
int64_t now_ns(void);
/* CPU time of this process, user + system, all threads (not its children) */
double cpu_s(void);

/* order statistics of v[0..n), which they sort */
double stat_median(double *v, size_t n);
double stat_min(double *v, size_t n);
double stat_max(double *v, size_t n);
/* the q-quantile (0..1) by the nearest rank */
double stat_quantile(double *v, size_t n, double q);

/* mib MiB of anonymous memory, every page written, in small pages (as a big
 * heap is: the system here gives huge pages only on madvise) */
void *touch_memory(size_t mib);
void release_memory(void *p, size_t mib);

/* entries of /proc/self/fd (without the one reading it) and /proc/self/task */
int count_fds(void);
int count_threads(void);

#endif
