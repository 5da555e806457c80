/*
 * util.c - see util.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include "util.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static const char *bench_name = "bench";

void bench_set_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    bench_name = slash ? slash + 1 : argv0;
}

void die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s: ", bench_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

double now_s(void)
{
    return (double)now_ns() / 1e9;
}

int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stat_quantile(double *v, size_t n, double q)
{
    size_t rank;

    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    rank = (size_t)(q * (double)n + 0.999999); /* nearest rank: ceil(q n) */
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

double stat_median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stat_min(double *v, size_t n)
{
    return n ? (qsort(v, n, sizeof(*v), cmp_double), v[0]) : 0;
}

double stat_max(double *v, size_t n)
{
    return n ? (qsort(v, n, sizeof(*v), cmp_double), v[n - 1]) : 0;
}

void *touch_memory(size_t mib)
{
    size_t len = mib << 20, page = (size_t)sysconf(_SC_PAGESIZE), i;
    char *p;

    if (mib == 0)
        return NULL;
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("cannot map %zu MiB", mib);
    for (i = 0; i < len; i += page)
        p[i] = 1;
    return p;
}

void release_memory(void *p, size_t mib)
{
    if (p)
        munmap(p, mib << 20);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        die("cannot list %s", dir);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int count_fds(void)
{
    return count_entries("/proc/self/fd") - 1; /* the DIR's own descriptor */
}

int count_threads(void)
{
    return count_entries("/proc/self/task");
}
