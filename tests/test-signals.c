/*
 * test-signals.c - the signal state a child starts with (catalogue rows
 * G1-G3, and G5's "no handler of ours"): every signal at its default action
 * and an empty signal mask, whatever this process ignores, catches or blocks;
 * and this process's own dispositions and mask left as they were.
 *
 * The helper's "sigstate" reports the child's ignored and blocked sets as bit
 * masks (bit n-1 = signal n). glibc's posix_spawn leaves its two internal
 * signals (32 and 33, which no program can use) ignored in the child; they are
 * left out of the comparisons.
 *
 * The fixture saves every disposition and the thread's mask before each test
 * and puts them back after it, failed or not (so the suite can run with
 * CK_FORK=no).
 *
 * SPDX-License-Identifier: MIT
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tests.h"

#ifndef _WIN32
#  include <errno.h>
#  include <pthread.h>
#  include <signal.h>
#  include <stdatomic.h>
#  include <time.h>
#  include <unistd.h>
#  include <sys/wait.h>
#  include "hide-clone3.h"

/* bit n-1 of a sigstate mask: signal n */
#  define BIT(sig) (UINT64_C(1) << ((sig) - 1))
/* glibc's SIGCANCEL and SIGSETXID, reserved, kept ignored by its posix_spawn */
#  define LIBC_INTERNAL (BIT(32) | BIT(33))

/* ---- the fixture ------------------------------------------------------------ */

static struct sigaction saved_act[NSIG];
static int saved_ok[NSIG];
static sigset_t saved_mask;

static void signals_save(void)
{
    int sig;

    for (sig = 1; sig < NSIG; sig++)
        saved_ok[sig] = sigaction(sig, NULL, &saved_act[sig]) == 0;
    ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, NULL, &saved_mask), 0);
}

static void signals_restore(void)
{
    int sig;

    /* dispositions first: a signal that arrived while blocked is then
     * handled as it would have been before the test */
    for (sig = 1; sig < NSIG; sig++)
        if (saved_ok[sig] && sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &saved_act[sig], NULL);
    pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
}

/* ---- helpers ------------------------------------------------------------------- */

static void on_signal(int sig)
{
    (void)sig;
}

static void set_handler(int sig, void (*handler)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    ck_assert_msg(sigaction(sig, &sa, NULL) == 0, "sigaction(%d)", sig);
}

/* The dispositions now are the ones in want[] (as sigaction reported them):
 * the library changed none of ours. */
static void expect_dispositions(const struct sigaction *want, const int *ok)
{
    struct sigaction now;
    int sig;

    for (sig = 1; sig < NSIG; sig++) {
        if (!ok[sig] || sigaction(sig, NULL, &now) < 0)
            continue;
        ck_assert_msg(now.sa_handler == want[sig].sa_handler &&
                          now.sa_flags == want[sig].sa_flags,
                      "the disposition of signal %d changed", sig);
    }
}

static void snapshot_dispositions(struct sigaction *act, int *ok)
{
    int sig;

    for (sig = 1; sig < NSIG; sig++)
        ok[sig] = sigaction(sig, NULL, &act[sig]) == 0;
}

struct sigstate {
    uint64_t ign, blk;
};

/* Run the helper's "sigstate" and parse what it reports. The status is the
 * caller's to check (a child whose parent ignores SIGCHLD cannot be waited
 * for), the wait's result is returned. */
static int child_sigstate(struct sigstate *ss, exitstat_status *st)
{
    exitstat_cmd *cmd = helper_cmd("sigstate", NULL);
    exitstat_child *child = NULL;
    char *out;
    size_t len;
    int err, n;

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    err = exitstat_spawn(cmd, &child);
    exitstat_cmd_free(cmd);
    ck_assert_msg(err == 0, "exitstat_spawn: %s", exitstat_strerror(err));
    out = read_all(exitstat_child_stdio(child, 1), &len);
    err = exitstat_wait(child, 20000, st);
    exitstat_child_free(child);
    n = sscanf(out, "ign %" SCNx64 " blk %" SCNx64, &ss->ign, &ss->blk);
    ck_assert_msg(n == 2, "cannot parse the helper's sigstate: \"%s\"", out);
    free(out);
    return err;
}

/* The child ignores no signal and blocks none. */
static void expect_clean_child(void)
{
    struct sigstate ss;
    exitstat_status st;

    ck_assert_int_eq(child_sigstate(&ss, &st), 0);
    ck_assert(exitstat_status_success(&st));
    ck_assert_msg((ss.ign & ~LIBC_INTERNAL) == 0, "ignored in the child: %#" PRIx64, ss.ign);
    ck_assert_msg(ss.blk == 0, "blocked in the child: %#" PRIx64, ss.blk);
}

/* A child running "sleep", sent sig: it must die of it. */
static void expect_dies_of(int sig)
{
    exitstat_cmd *cmd = helper_cmd("sleep", "60000", NULL);
    exitstat_child *child = NULL;
    exitstat_status st;

    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    ck_assert_int_eq(exitstat_signal(child, sig), 0);
    if (exitstat_wait(child, 10000, &st) != 0) {
        exitstat_kill(child);
        exitstat_wait(child, -1, &st);
        exitstat_child_free(child);
        ck_abort_msg("signal %d did not end the child", sig);
    }
    exitstat_child_free(child);
    ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
    ck_assert_int_eq(st.signal, sig);
    ck_assert_uint_eq(st.flags & EXITSTAT_F_KILLED, EXITSTAT_F_KILLED);
}

/* ---- G1: SIGPIPE ------------------------------------------------------------------ */

START_TEST(sig_pipe_ignored_by_parent_default_in_child)
{
    struct sigaction act[NSIG];
    int ok[NSIG];

    set_handler(SIGPIPE, SIG_IGN);
    snapshot_dispositions(act, ok);
    expect_clean_child();
    expect_dispositions(act, ok);
    expect_dies_of(SIGPIPE);
}
END_TEST

/* The classic symptom: with SIGPIPE ignored, "yes" never learns that "head"
 * is gone, and complains of EPIPE (or, written naively, runs forever). */
START_TEST(sig_pipe_yes_head)
{
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st;
    char *out = NULL, *err = NULL;
    size_t out_len, err_len;
    int64_t start;
    int rc;

    if (access("/usr/bin/yes", X_OK) != 0 || access("/usr/bin/head", X_OK) != 0) {
        fprintf(stderr, "sig_pipe_yes_head: no /usr/bin/yes or head, not run\n");
        return;
    }
    set_handler(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(exitstat_cmd_new(&cmd, "/bin/sh"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "-c"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "/usr/bin/yes | /usr/bin/head -n 1"), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE), 0);
    start = now_ms();
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    rc = exitstat_communicate(child, NULL, 0, 5000, &out, &out_len, &err, &err_len, &st);
    exitstat_child_free(child); /* kills the group if it still runs */
    ck_assert_msg(rc == 0, "yes | head: %s after %lld ms", exitstat_strerror(rc),
                  (long long)(now_ms() - start));
    ck_assert(exitstat_status_success(&st));
    ck_assert_str_eq(out, "y\n");
    ck_assert_msg(err_len == 0, "stderr: %s", err);
    exitstat_free(out);
    exitstat_free(err);
}
END_TEST

/* ---- G2: caught and ignored signals ------------------------------------------------------ */

START_TEST(sig_handlers_and_ignored_reset)
{
    struct sigaction act[NSIG];
    int ok[NSIG];

    set_handler(SIGUSR1, on_signal);
    set_handler(SIGUSR2, on_signal);
    set_handler(SIGHUP, SIG_IGN);
    set_handler(SIGINT, SIG_IGN);
    set_handler(SIGQUIT, SIG_IGN);
    snapshot_dispositions(act, ok);
    expect_clean_child();
    expect_dispositions(act, ok);
    /* at their default action the child dies of each */
    expect_dies_of(SIGUSR1);
    expect_dies_of(SIGUSR2);
    expect_dies_of(SIGHUP);
    expect_dies_of(SIGINT);
    expect_dies_of(SIGQUIT);
    expect_dispositions(act, ok);
}
END_TEST

/* Every signal this process may ignore, ignored (SIGCHLD aside: see below). */
static void ignore_all(int but_chld)
{
    struct sigaction sa;
    int sig;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    for (sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP || (but_chld && sig == SIGCHLD))
            continue;
        /* the C library refuses its reserved ones: they stay as they are */
        if (sigaction(sig, &sa, NULL) < 0)
            ck_assert_msg(sig >= 32 && sig < SIGRTMIN, "cannot ignore signal %d", sig);
    }
}

START_TEST(sig_all_ignored_none_in_child)
{
    struct sigaction act[NSIG];
    int ok[NSIG];

    ignore_all(1);
    snapshot_dispositions(act, ok);
    expect_clean_child();
    expect_dispositions(act, ok);
    expect_dies_of(SIGTERM);
    expect_dies_of(SIGRTMIN);
}
END_TEST

/* With SIGCHLD ignored too the kernel reaps our children itself: the child
 * still starts with SIGCHLD at its default, and the wait reports that the
 * status is gone (EXITSTAT_ECHILD) instead of hanging. */
START_TEST(sig_all_ignored_with_sigchld)
{
    struct sigstate ss;
    exitstat_status st;

    ignore_all(0);
    ck_assert_int_eq(child_sigstate(&ss, &st), EXITSTAT_ECHILD);
    ck_assert_msg((ss.ign & ~LIBC_INTERNAL) == 0, "ignored in the child: %#" PRIx64, ss.ign);
    ck_assert_uint_eq(ss.ign & BIT(SIGCHLD), 0);
    ck_assert_uint_eq(ss.blk, 0);
}
END_TEST

/* ---- G3: the signal mask ------------------------------------------------------------------ */

START_TEST(sig_mask_emptied)
{
    sigset_t set, now;
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
    expect_clean_child();

    /* our mask is as we set it */
    ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, NULL, &now), 0);
    ck_assert(sigismember(&now, SIGINT) && sigismember(&now, SIGTERM));
    ck_assert(!sigismember(&now, SIGUSR1));

    /* and terminate still ends a child started under it */
    cmd = helper_cmd("sleep", "60000", NULL);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    ck_assert_int_eq(exitstat_terminate(child), 0);
    if (exitstat_wait(child, 10000, &st) != 0) {
        exitstat_kill(child);
        exitstat_wait(child, -1, &st);
        exitstat_child_free(child);
        ck_abort_msg("SIGTERM did not end the child: blocked?");
    }
    exitstat_child_free(child);
    ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
    ck_assert_int_eq(st.signal, SIGTERM);
    ck_assert_uint_eq(st.flags & EXITSTAT_F_KILLED, EXITSTAT_F_KILLED);
}
END_TEST

START_TEST(sig_everything_blocked)
{
    sigset_t all, before, now;
    int sig;

    sigfillset(&all);
    ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &all, NULL), 0);
    ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, NULL, &before), 0);
    expect_clean_child();
    expect_dies_of(SIGTERM);
    expect_dies_of(SIGUSR1);
    ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, NULL, &now), 0);
    for (sig = 1; sig < NSIG; sig++)
        ck_assert_msg(sigismember(&now, sig) == sigismember(&before, sig),
                      "signal %d: our mask changed", sig);
}
END_TEST

/* Ignored, caught and blocked all at once. */
START_TEST(sig_everything_at_once)
{
    sigset_t set;

    ignore_all(1);
    set_handler(SIGUSR1, on_signal);
    set_handler(SIGTERM, on_signal);
    sigfillset(&set);
    ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &set, NULL), 0);
    expect_clean_child();
    expect_dies_of(SIGTERM);
    expect_dies_of(SIGPIPE);
}
END_TEST
/* ---- G5: no handler of ours runs in the child ---------------------------------- */

/*
 * Until it execs, the child runs in our memory (the clone and posix_spawn
 * paths), and a signal sent to our process group reaches it there too. Were
 * one of our handlers to run in it, it would run in our memory as another
 * process: the handler below counts such runs. A thread keeps signalling the
 * group while this thread spawns; the children may die of SIGUSR1 (before or
 * after their execve), but the count must stay 0.
 */
static pid_t storm_pid;
static volatile sig_atomic_t storm_foreign, storm_ours;
static atomic_int storm_stop;

static void on_usr1_count(int sig)
{
    (void)sig;
    if (getpid() != storm_pid)
        storm_foreign = storm_foreign + 1;
    else
        storm_ours = storm_ours + 1;
}

static void *group_storm(void *arg)
{
    struct timespec gap = {0, 20000};
    sigset_t usr1;

    (void)arg;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* the spawning thread takes them */
    while (!atomic_load(&storm_stop)) {
        kill(0, SIGUSR1);
        nanosleep(&gap, NULL);
    }
    return NULL;
}

START_TEST(sig_no_handler_of_ours_in_child)
{
    exitstat_cmd *cmd = helper_cmd("exit", "0", NULL);
    exitstat_child *child;
    exitstat_status st;
    pthread_t t;
    int i, started = 0;
    int64_t end;

    /* a group of our own, so the storm reaches only us and our children */
    if (setpgid(0, 0) < 0)
        ck_assert_msg(getpgrp() == getpid(), "setpgid: %s", strerror(errno));
    storm_pid = getpid();
    storm_foreign = storm_ours = 0;
    atomic_store(&storm_stop, 0);
    set_handler(SIGUSR1, on_usr1_count);
    ck_assert_int_eq(pthread_create(&t, NULL, group_storm, NULL), 0);
    end = now_ms() + 2000;
    for (i = 0; i < 2000 && now_ms() < end; i++) {
        if (exitstat_spawn(cmd, &child) != 0)
            continue;
        started++;
        ck_assert_int_eq(exitstat_wait(child, -1, &st), 0);
        ck_assert(st.kind == EXITSTAT_EXITED ? st.code == 0 : st.signal == SIGUSR1);
        exitstat_child_free(child);
    }
    atomic_store(&storm_stop, 1);
    pthread_join(t, NULL);
    exitstat_cmd_free(cmd);
    ck_assert_int_gt(started, 0);
    ck_assert_int_gt(storm_ours, 0);
    ck_assert_msg(storm_foreign == 0, "our SIGUSR1 handler ran %d times in a child (%d spawns)",
                  (int)storm_foreign, started);
}
END_TEST

/*
 * The same suite again in a process where clone3 fails with ENOSYS (a kernel
 * before 5.3, a container's seccomp profile): the library's probe must see it
 * and start children another way, with the same signal state. Linux x86-64,
 * where the library prefers clone3; the helper installs the filter.
 */
START_TEST(sig_suite_without_clone3)
{
#if HAVE_HIDE_CLONE3
    char self[4096];
    ssize_t n;
    exitstat_cmd *cmd;
    exitstat_status st;

    if (getenv("EXITSTAT_TEST_INNER")) /* this is the inner run */
        return;
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    ck_assert_msg(n > 0, "readlink /proc/self/exe: %s", strerror(errno));
    self[n] = '\0';
    cmd = helper_cmd("no-clone3", self, "signals", NULL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "EXITSTAT_TEST_INNER", "1"), 0);
    helper_run(cmd, &st); /* frees cmd */
    ck_assert_msg(st.kind == EXITSTAT_EXITED && st.code == 0,
                  "the signals suite without clone3 failed (%d, %d): see its output above",
                  (int)st.kind, (int)st.code);
#endif
}
END_TEST

/*
 * A process that hides clone3 only after it has spawned (a program that
 * sandboxes itself once started): the next spawn must still work, by the
 * plain clone. In a forked process of our own, which the filter cannot leave.
 */
START_TEST(sig_clone3_hidden_later)
{
#if HAVE_HIDE_CLONE3
    exitstat_cmd *first, *second;
    int status;
    pid_t pid;

    /* valgrind has no clone3 to hide, and counts what the forked process
     * leaves behind when it ends */
    if (getenv("EXITSTAT_UNDER_VALGRIND"))
        return;
    first = helper_cmd("exit", "3", NULL);
    second = helper_cmd("exit", "4", NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        exitstat_child *child;
        exitstat_status st;
        int step = 1;
        if (exitstat_spawn(first, &child) == 0 && exitstat_wait(child, -1, &st) == 0 &&
            st.code == 3 && (exitstat_child_free(child), ++step) && hide_clone3() == 0 &&
            ++step &&
            exitstat_spawn(second, &child) == 0 && exitstat_wait(child, -1, &st) == 0 &&
            st.code == 4) {
            exitstat_child_free(child);
            step = 0;
        }
        exitstat_cmd_free(first);
        exitstat_cmd_free(second);
        _exit(step ? 10 + step : 0);
    }
    exitstat_cmd_free(first);
    exitstat_cmd_free(second);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "failed at step %d (11: first spawn, 12: seccomp, 13: spawn after it)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
#endif
}
END_TEST
#endif /* !_WIN32 */

Suite *suite_signals(void)
{
    Suite *s = suite_create("signals");
#ifndef _WIN32
    TCase *tc = tcase_create("child");

    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_checked_fixture(tc, signals_save, signals_restore);
    tcase_add_test(tc, sig_pipe_ignored_by_parent_default_in_child);
    tcase_add_test(tc, sig_pipe_yes_head);
    tcase_add_test(tc, sig_handlers_and_ignored_reset);
    tcase_add_test(tc, sig_all_ignored_none_in_child);
    tcase_add_test(tc, sig_all_ignored_with_sigchld);
    tcase_add_test(tc, sig_mask_emptied);
    tcase_add_test(tc, sig_everything_blocked);
    tcase_add_test(tc, sig_everything_at_once);
    tcase_add_test(tc, sig_no_handler_of_ours_in_child);
    tcase_add_test(tc, sig_suite_without_clone3);
    tcase_add_test(tc, sig_clone3_hidden_later);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
#endif
    return s;
}
