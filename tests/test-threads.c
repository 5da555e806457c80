/*
 * test-threads.c - spawning and waiting from many threads at once (catalogue
 * row M2; issue 3's stress test): 8 threads, each 250 spawn+wait of the
 * helper with stdout piped and read to EOF. Every status must be right, every
 * output must be the thread's own (a pipe end inherited by another thread's
 * child would mix them up or hold a pipe open), and nothing may leak.
 *
 * The threads never call Check: an assertion from a thread other than the
 * test's own is not safe without fork mode. Each records its first failure,
 * and the test asserts on the records after joining.
 *
 * SPDX-License-Identifier: MIT
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#  include <windows.h>
#else
#  include <errno.h>
#  include <unistd.h>
#endif

#include "testutil.h"
#include "tests.h"

#define NTHREADS 8
#ifdef _WIN32
/* A spawn costs ~0.15 s under Wine (its wineserver round trips; 1 ms
 * natively): the same stress, scaled to fit a meson timeout there. */
#  define ROUNDS 25
#else
#  define ROUNDS 250
#endif

struct worker {
    int id;
    const char *helper;
    int done;          /* rounds completed */
    char failure[256]; /* the first thing that went wrong, or "" */
};

/* read fd to EOF into buf (up to size bytes; more is an error); -1 on error */
static long drain(intptr_t fd, char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
#ifdef _WIN32
        DWORD got = 0;
        if (!ReadFile((HANDLE)fd, buf + n, (DWORD)(size - n), &got, NULL))
            return GetLastError() == ERROR_BROKEN_PIPE ? (long)n : -1;
#else
        ssize_t got = read((int)fd, buf + n, size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
#endif
        if (got == 0)
            return (long)n;
        n += (size_t)got;
        if (n == size)
            return -1; /* more than any round writes */
    }
}

/* one spawn+wait; "" on success, else what went wrong in w->failure */
static void one_round(struct worker *w, int round)
{
    exitstat_cmd *cmd = NULL;
    exitstat_child *child = NULL;
    exitstat_status st;
    char arg[32], want[64], out[256];
    int code = -1, err, i;
    size_t want_len = 0;
    long got;

    /* even rounds: "argv" echoes a token naming thread and round, exit 0;
     * odd rounds: "exit N" with N varying, nothing written */
    if ((err = exitstat_cmd_new(&cmd, w->helper)) < 0)
        goto fail;
    if (round % 2 == 0) {
        snprintf(arg, sizeof(arg), "t%d-r%d", w->id, round);
        err = exitstat_cmd_arg(cmd, "argv");
        if (!err)
            err = exitstat_cmd_arg(cmd, arg);
        want_len = strlen(arg) + 1; /* NUL-terminated */
        memcpy(want, arg, want_len);
        code = 0;
    } else {
        code = (w->id * 37 + round) % 256;
        snprintf(arg, sizeof(arg), "%d", code);
        err = exitstat_cmd_arg(cmd, "exit");
        if (!err)
            err = exitstat_cmd_arg(cmd, arg);
    }
    for (i = 0; !err && i < 3; i++)
        err = exitstat_cmd_stdio(cmd, i, i == 1 ? EXITSTAT_PIPE : EXITSTAT_NULL, 0);
    if (err || (err = exitstat_spawn(cmd, &child)) < 0)
        goto fail;
    got = drain(exitstat_child_stdio(child, 1), out, sizeof(out));
    err = exitstat_wait(child, 20000, &st);
    if (err == EXITSTAT_ETIMEDOUT) {
        exitstat_kill(child);
        exitstat_wait(child, -1, &st);
    }
    exitstat_child_free(child);
    exitstat_cmd_free(cmd);
    cmd = NULL;
    if (err < 0)
        goto fail;
    if (got != (long)want_len || memcmp(out, want, want_len) != 0) {
        snprintf(w->failure, sizeof(w->failure), "round %d: read %ld bytes, expected %zu%s%s",
                 round, got, want_len, want_len ? " of " : "", want_len ? want : "");
        return;
    }
    if (st.kind != EXITSTAT_EXITED || st.code != code || (st.flags & EXITSTAT_F_KILLED)) {
        snprintf(w->failure, sizeof(w->failure),
                 "round %d: expected exit %d, got kind %d code %lld signal %d", round, code,
                 (int)st.kind, (long long)st.code, (int)st.signal);
        return;
    }
    return;

fail:
    exitstat_cmd_free(cmd);
    snprintf(w->failure, sizeof(w->failure), "round %d: %s", round,
             exitstat_errname(err) ? exitstat_errname(err) : "?");
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int round;

    for (round = 0; round < ROUNDS && !w->failure[0]; round++) {
        one_round(w, round);
        if (!w->failure[0])
            w->done++;
    }
    return NULL;
}

START_TEST(many_threads_spawn_and_wait)
{
    struct worker w[NTHREADS];
    pthread_t th[NTHREADS];
    int64_t t0 = now_ms();
    int i, total = 0;

    for (i = 0; i < NTHREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].id = i;
        w[i].helper = helper_path();
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < NTHREADS; i++) {
        ck_assert_msg(!w[i].failure[0], "thread %d: %s", i, w[i].failure);
        total += w[i].done;
    }
    ck_assert_int_eq(total, NTHREADS * ROUNDS);
    printf("%d threads x %d spawn+wait with piped stdout: %lld ms\n", NTHREADS, ROUNDS,
           (long long)(now_ms() - t0));
    fflush(stdout);
}
END_TEST

Suite *suite_threads(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("stress");

    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, many_threads_spawn_and_wait);
    suite_add_tcase(s, tc);
    return s;
}
