/*
 * posix/time.c - monotonic deadlines. A timeout becomes an absolute deadline
 * once, so a wait interrupted by EINTR (or woken early) never stretches it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"

#include <stdint.h>
#include <time.h>

int64_t exitstat__now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t exitstat__deadline(int64_t timeout_ms)
{
    int64_t now;

    if (timeout_ms < 0)
        return INT64_MAX;
    now = exitstat__now_ns();
    if (timeout_ms > (INT64_MAX - now) / 1000000)
        return INT64_MAX;
    return now + timeout_ms * 1000000;
}

int exitstat__poll_ms(int64_t deadline_ns)
{
    int64_t left;

    if (deadline_ns == INT64_MAX)
        return -1;
    left = deadline_ns - exitstat__now_ns();
    if (left <= 0)
        return 0;
    left = (left + 999999) / 1000000; /* round up: never wake before the deadline */
    return left > INT32_MAX ? INT32_MAX : (int)left;
}
