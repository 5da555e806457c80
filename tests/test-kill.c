/*
 * test-kill.c - ending children: exitstat_kill, exitstat_terminate,
 * exitstat_signal, exitstat_stop, exitstat_run's timeout, process groups and
 * tree kills (T7), EXITSTAT_KILL_ON_FREE, and what happens to a child that has
 * already ended (T4): nothing is sent, 0 is returned, its status stays.
 *
 * EXITSTAT_F_KILLED must say exactly "died of the signal this library sent":
 * not for a child that raised the signal itself, died of another process's
 * signal, or had ended before ours was sent.
 *
 * The helper's "ignore-term" and "trap-term" write "ready" once their SIGTERM
 * disposition is in place; tests that depend on it read that line first.
 *
 * SPDX-License-Identifier: MIT
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tests.h"

#ifndef _WIN32

#  include <errno.h>
#  include <poll.h>
#  include <signal.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <time.h>
#  include <unistd.h>

/* ---- helpers -------------------------------------------------------------- */

static const char *name_of(int err)
{
    const char *n = exitstat_errname(err);
    return n ? n : "not an error";
}

static void sleep_ms(int ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static exitstat_child *spawn_cmd(exitstat_cmd *cmd)
{
    exitstat_child *child = NULL;
    int err = exitstat_spawn(cmd, &child);

    exitstat_cmd_free(cmd);
    ck_assert_msg(err == 0, "exitstat_spawn: %s", name_of(err));
    return child;
}

static exitstat_child *spawn_helper(const char *behaviour, const char *arg)
{
    return spawn_cmd(helper_cmd(behaviour, arg, (const char *)NULL));
}

/* a helper whose stdout is piped, with the given flags */
static exitstat_child *spawn_piped(uint32_t flags, const char *behaviour, const char *arg)
{
    exitstat_cmd *cmd = helper_cmd(behaviour, arg, (const char *)NULL);

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, flags), 0);
    return spawn_cmd(cmd);
}

static void finish(exitstat_child *child)
{
    exitstat_status st;

    exitstat_kill(child);
    exitstat_wait(child, -1, &st);
    exitstat_child_free(child);
}

/* one line from fd (without its '\n'), waiting at most 10 s for it */
static void read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
        struct pollfd pfd;
        ssize_t r;
        char c;

        pfd.fd = fd;
        pfd.events = POLLIN;
        r = poll(&pfd, 1, 10000);
        if (r < 0 && errno == EINTR)
            continue;
        ck_assert_msg(r == 1, "no line from the child within 10 s");
        r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        ck_assert_msg(r == 1, "the child's output ended before a line: %s",
                      r < 0 ? strerror(errno) : "EOF");
        if (c == '\n')
            break;
        ck_assert_uint_lt(n, size - 1);
        buf[n++] = c;
    }
    buf[n] = '\0';
}

static void expect_ready(exitstat_child *child)
{
    char line[16];

    read_line((int)exitstat_child_stdio(child, 1), line, sizeof(line));
    ck_assert_str_eq(line, "ready");
}

/* 1 once fd has reached EOF within timeout_ms (discarding what it reads) */
static int reaches_eof(int fd, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;

    for (;;) {
        struct pollfd pfd;
        int64_t left = deadline - now_ms();
        char buf[256];
        ssize_t r;

        if (left < 0)
            return 0;
        pfd.fd = fd;
        pfd.events = POLLIN;
        r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        r = read(fd, buf, sizeof(buf));
        if (r == 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
}

/* 1 once pid is gone or a zombie (its parent, init or a subreaper, may take
 * a moment to reap it, or never: a zombie is dead all the same) */
static int process_dies(long pid, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;

    do {
        char path[64], buf[512], *paren;
        size_t n;
        FILE *f;

        if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            return 1;
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        if ((f = fopen(path, "r")) != NULL) {
            n = fread(buf, 1, sizeof(buf) - 1, f);
            fclose(f);
            buf[n] = '\0';
            paren = strrchr(buf, ')');
            if (paren && paren[1] == ' ' && paren[2] == 'Z')
                return 1;
        }
        sleep_ms(5);
    } while (now_ms() < deadline);
    return 0;
}

static void wait_ended_uncollected(exitstat_child *child)
{
    siginfo_t si;
    int r;

    do
        r = waitid(P_PID, (id_t)exitstat_child_pid(child), &si, WEXITED | WNOWAIT);
    while (r < 0 && errno == EINTR);
    ck_assert_msg(r == 0, "waitid(WNOWAIT): %s", strerror(errno));
}

static void assert_exited(const exitstat_status *st, int64_t code)
{
    ck_assert_msg(st->kind == EXITSTAT_EXITED && st->code == code && st->flags == EXITSTAT_F_CODE8,
                  "expected exit code %lld, got kind %d code %lld signal %d flags 0x%x",
                  (long long)code, (int)st->kind, (long long)st->code, (int)st->signal,
                  (unsigned)st->flags);
}

static void assert_signaled(const exitstat_status *st, int sig, int killed)
{
    exitstat_status again;

    ck_assert_msg(st->kind == EXITSTAT_SIGNALED && st->signal == sig &&
                      (st->flags & EXITSTAT_F_KILLED) == (killed ? EXITSTAT_F_KILLED : 0),
                  "expected signal %d%s, got kind %d code %lld signal %d flags 0x%x", sig,
                  killed ? " sent by the library" : " not sent by the library", (int)st->kind,
                  (long long)st->code, (int)st->signal, (unsigned)st->flags);
    /* F_KILLED is the waiting side's knowledge; raw holds the rest */
    ck_assert_int_eq(exitstat_status_from_wait((int)st->raw, &again), 0);
    ck_assert_int_eq(again.kind, st->kind);
    ck_assert_int_eq(again.signal, st->signal);
}

/* ---- kill, terminate, signal ------------------------------------------------ */

START_TEST(kill_is_sigkill)
{
    exitstat_child *child = spawn_helper("sleep", "20000");
    exitstat_status st, again;

    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_signaled(&st, SIGKILL, 1);
    ck_assert_int_eq(exitstat_status_shell(&st), 137);
    /* ended: another kill sends nothing and changes nothing */
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 0, &again), 0);
    ck_assert_mem_eq(&st, &again, sizeof(st));
    exitstat_child_free(child);
}
END_TEST

START_TEST(terminate_is_sigterm)
{
    exitstat_child *child = spawn_helper("sleep", "20000");
    exitstat_status st;

    ck_assert_int_eq(exitstat_terminate(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_signaled(&st, SIGTERM, 1);
    ck_assert_int_eq(exitstat_terminate(child), 0);
    exitstat_child_free(child);
}
END_TEST

START_TEST(signal_sends_that_signal)
{
    static const int sigs[] = {SIGUSR1, SIGINT, SIGHUP, SIGQUIT};
    size_t i;

    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        exitstat_child *child = spawn_helper("sleep", "20000");
        exitstat_status st;

        ck_assert_int_eq(exitstat_signal(child, sigs[i]), 0);
        ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
        /* SIGQUIT may dump core: the flag, if any, must match raw */
        ck_assert_uint_eq(st.flags & EXITSTAT_F_COREDUMP,
                          (st.raw & 0x80) ? EXITSTAT_F_COREDUMP : 0);
        assert_signaled(&st, sigs[i], 1);
        exitstat_child_free(child);
    }
}
END_TEST

START_TEST(signal_invalid)
{
    exitstat_child *child = spawn_helper("sleep", "20000");
    exitstat_status st;

    ck_assert_int_eq(exitstat_signal(child, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_signal(child, -1), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_signal(child, NSIG), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_signal(child, 100000), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_signal(NULL, SIGTERM), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_kill(NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_terminate(NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_stop(NULL, 0, &st), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_stop(child, 0, NULL), EXITSTAT_EINVAL);
    /* none of that touched the child */
    ck_assert_int_eq(exitstat_wait(child, 0, &st), EXITSTAT_ETIMEDOUT);
    finish(child);
}
END_TEST

START_TEST(stopped_child_is_not_ended)
{
    exitstat_child *child = spawn_helper("sleep", "20000");
    exitstat_status st;

    /* a wait reports ends only: SIGSTOP and SIGCONT pass unseen */
    ck_assert_int_eq(exitstat_signal(child, SIGSTOP), 0);
    ck_assert_int_eq(exitstat_wait(child, 100, &st), EXITSTAT_ETIMEDOUT);
    ck_assert_int_eq(exitstat_signal(child, SIGCONT), 0);
    ck_assert_int_eq(exitstat_wait(child, 100, &st), EXITSTAT_ETIMEDOUT);
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_signaled(&st, SIGKILL, 1);
    exitstat_child_free(child);
}
END_TEST

/* ---- F_KILLED only for our own signal ----------------------------------------- */

START_TEST(foreign_kill_not_marked)
{
    exitstat_child *child = spawn_piped(0, "ignore-term", NULL);
    exitstat_status st;

    /* we send SIGTERM (ignored); someone else sends SIGKILL */
    expect_ready(child);
    ck_assert_int_eq(exitstat_terminate(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 100, &st), EXITSTAT_ETIMEDOUT);
    ck_assert_int_eq(kill((pid_t)exitstat_child_pid(child), SIGKILL), 0);
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_signaled(&st, SIGKILL, 0);
    exitstat_child_free(child);

    /* the child raises the very signal we could have sent */
    child = spawn_helper("signal", "15");
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_signaled(&st, SIGTERM, 0);
    exitstat_child_free(child);
}
END_TEST

/* ---- T4: a child that has already ended ---------------------------------------- */

START_TEST(ended_child_gets_nothing)
{
    exitstat_child *child = spawn_helper("exit", "3");
    exitstat_status st, again;

    /* collected */
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_exited(&st, 3);
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_terminate(child), 0);
    ck_assert_int_eq(exitstat_signal(child, SIGUSR1), 0);
    ck_assert_int_eq(exitstat_wait(child, 0, &again), 0);
    ck_assert_mem_eq(&st, &again, sizeof(st));
    exitstat_child_free(child);

    /* ended but not collected yet (a zombie) */
    child = spawn_helper("exit", "3");
    wait_ended_uncollected(child);
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_terminate(child), 0);
    ck_assert_int_eq(exitstat_signal(child, SIGUSR1), 0);
    ck_assert_int_eq(exitstat_wait(child, 0, &st), 0);
    assert_exited(&st, 3);
    exitstat_child_free(child);
}
END_TEST

START_TEST(dead_of_same_signal_before_ours)
{
    exitstat_child *child = spawn_helper("signal", "15");
    exitstat_status st;

    /* it died of SIGTERM by itself; our terminate comes after its end (it is
     * a zombie), so the death is not ours and must not be marked so */
    wait_ended_uncollected(child);
    ck_assert_int_eq(exitstat_terminate(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 0, &st), 0);
    assert_signaled(&st, SIGTERM, 0);
    exitstat_child_free(child);

    child = spawn_helper("signal", "9");
    wait_ended_uncollected(child);
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_stop(child, 1000, &st), 0);
    assert_signaled(&st, SIGKILL, 0);
    exitstat_child_free(child);
}
END_TEST

/* ---- exitstat_stop ---------------------------------------------------------- */

START_TEST(stop_escalates_after_grace)
{
    exitstat_child *child = spawn_piped(0, "ignore-term", NULL);
    exitstat_status st;
    int64_t t0, took;

    expect_ready(child);
    t0 = now_ms();
    ck_assert_int_eq(exitstat_stop(child, 200, &st), 0);
    took = now_ms() - t0;
    assert_signaled(&st, SIGKILL, 1);
    ck_assert_msg(took >= 199 && took <= 400, "stop with 200 ms grace took %lld ms",
                  (long long)took);
    exitstat_child_free(child);
}
END_TEST

START_TEST(stop_honoured_terminate)
{
    exitstat_child *child = spawn_piped(0, "trap-term", NULL);
    exitstat_status st;
    int64_t t0, took;

    expect_ready(child);
    t0 = now_ms();
    ck_assert_int_eq(exitstat_stop(child, 10000, &st), 0);
    took = now_ms() - t0;
    assert_exited(&st, 42); /* its handler ran: it ended on its own terms */
    ck_assert_msg(took < 2000, "stop took %lld ms for a child that obeys", (long long)took);
    exitstat_child_free(child);

    /* no handler: SIGTERM's default, ours */
    child = spawn_helper("sleep", "20000");
    ck_assert_int_eq(exitstat_stop(child, 10000, &st), 0);
    assert_signaled(&st, SIGTERM, 1);
    exitstat_child_free(child);
}
END_TEST

START_TEST(stop_grace_zero_kills)
{
    exitstat_child *child = spawn_piped(0, "trap-term", NULL);
    exitstat_status st;

    /* grace 0: SIGKILL at once, no chance to clean up */
    expect_ready(child);
    ck_assert_int_eq(exitstat_stop(child, 0, &st), 0);
    assert_signaled(&st, SIGKILL, 1);
    exitstat_child_free(child);
}
END_TEST

START_TEST(stop_after_exit)
{
    exitstat_child *child = spawn_helper("exit", "3");
    exitstat_status st;

    wait_ended_uncollected(child);
    ck_assert_int_eq(exitstat_stop(child, 1000, &st), 0);
    assert_exited(&st, 3);
    ck_assert_int_eq(exitstat_stop(child, 1000, &st), 0);
    assert_exited(&st, 3);
    exitstat_child_free(child);
}
END_TEST

/* ---- process groups: NEW_GROUP ------------------------------------------------- */

START_TEST(new_group_leads_its_group)
{
    exitstat_child *child = spawn_piped(EXITSTAT_NEW_GROUP, "pgid", NULL);
    exitstat_status st;
    char line[32];

    read_line((int)exitstat_child_stdio(child, 1), line, sizeof(line));
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_exited(&st, 0);
    ck_assert_int_eq(strtoll(line, NULL, 10), exitstat_child_pid(child));
    exitstat_child_free(child);

    /* without the flag, the child is in our group */
    child = spawn_piped(0, "pgid", NULL);
    read_line((int)exitstat_child_stdio(child, 1), line, sizeof(line));
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    ck_assert_int_eq(strtoll(line, NULL, 10), (long long)getpgrp());
    exitstat_child_free(child);
}
END_TEST

/* The helper starts a grandchild that holds its stdout, writes the
 * grandchild's pid and exits. Only the group reaches the grandchild; the
 * pipe reaches EOF only once the grandchild is gone. */
static void tree_end(int use_terminate)
{
    exitstat_child *child = spawn_piped(EXITSTAT_NEW_GROUP, "grandchild", "20000");
    int fd = (int)exitstat_child_stdio(child, 1);
    exitstat_status st;
    char line[32];
    long gpid;

    read_line(fd, line, sizeof(line));
    gpid = strtol(line, NULL, 10);
    ck_assert_int_gt(gpid, 1);
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    assert_exited(&st, 0);
    ck_assert_int_eq(kill((pid_t)gpid, 0), 0);

    /* the leader has ended: the group id still reaches the rest of the tree */
    ck_assert_int_eq(use_terminate ? exitstat_terminate(child) : exitstat_kill(child), 0);
    ck_assert_msg(reaches_eof(fd, 10000), "the grandchild still holds the pipe");
    ck_assert_msg(process_dies(gpid, 5000), "grandchild %ld survived the group kill", gpid);
    /* and the leader's status is what it was */
    ck_assert_int_eq(exitstat_wait(child, 0, &st), 0);
    assert_exited(&st, 0);
    exitstat_child_free(child);
}

START_TEST(group_kill_reaches_grandchild)
{
    tree_end(0);
}
END_TEST

START_TEST(group_terminate_reaches_grandchild)
{
    tree_end(1);
}
END_TEST

START_TEST(no_group_no_tree_kill)
{
    exitstat_child *child = spawn_piped(0, "grandchild", "20000");
    int fd = (int)exitstat_child_stdio(child, 1);
    exitstat_status st;
    char line[32];
    long gpid;

    read_line(fd, line, sizeof(line));
    gpid = strtol(line, NULL, 10);
    ck_assert_int_gt(gpid, 1);
    ck_assert_int_eq(exitstat_wait(child, 10000, &st), 0);
    /* the child has ended and is not a group leader: nothing is sent */
    ck_assert_int_eq(exitstat_kill(child), 0);
    sleep_ms(50);
    ck_assert_int_eq(kill((pid_t)gpid, 0), 0);
    ck_assert_int_eq(kill((pid_t)gpid, SIGKILL), 0);
    ck_assert(reaches_eof(fd, 10000));
    exitstat_child_free(child);
}
END_TEST

/* ---- KILL_ON_FREE, and free without it ---------------------------------------------- */

START_TEST(kill_on_free_kills_and_reaps)
{
    int before = count_children();
    exitstat_cmd *cmd = helper_cmd("sleep", "20000", (const char *)NULL);
    exitstat_child *child;
    pid_t pid;

    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_KILL_ON_FREE), 0);
    child = spawn_cmd(cmd);
    pid = (pid_t)exitstat_child_pid(child);
    ck_assert_int_eq(count_children(), before + 1);
    exitstat_child_free(child);
    /* killed and reaped: not even a zombie is left */
    ck_assert_int_eq(count_children(), before);
    ck_assert_int_eq(kill(pid, 0), -1);
    ck_assert_int_eq(errno, ESRCH);
}
END_TEST

START_TEST(kill_on_free_kills_tree)
{
    exitstat_child *child = spawn_piped(EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE, "grandchild",
                                        "20000");
    int before = count_children();
    char line[32];
    long gpid;

    read_line((int)exitstat_child_stdio(child, 1), line, sizeof(line));
    gpid = strtol(line, NULL, 10);
    ck_assert_int_gt(gpid, 1);
    /* the leader has exited but was never waited for: its tree still runs */
    exitstat_child_free(child);
    ck_assert_int_eq(count_children(), before - 1);
    ck_assert_msg(process_dies(gpid, 5000), "grandchild %ld survived KILL_ON_FREE", gpid);
}
END_TEST

START_TEST(free_leaves_child_running)
{
    exitstat_child *child = spawn_helper("sleep", "200");
    pid_t pid = (pid_t)exitstat_child_pid(child), r;
    int w;

    /* freed, not killed: the caller may still reap it by pid */
    exitstat_child_free(child);
    ck_assert_int_eq(kill(pid, 0), 0);
    do
        r = waitpid(pid, &w, 0);
    while (r < 0 && errno == EINTR);
    ck_assert_int_eq(r, pid);
    ck_assert(WIFEXITED(w) && WEXITSTATUS(w) == 0);
}
END_TEST

/* ---- exitstat_run ----------------------------------------------------------------- */

START_TEST(run_times_out)
{
    int before = count_children();
    exitstat_cmd *cmd = helper_cmd("sleep", "20000", (const char *)NULL);
    exitstat_status st;
    int64_t t0 = now_ms(), took;

    ck_assert_int_eq(exitstat_run(cmd, 100, &st), EXITSTAT_ETIMEDOUT);
    took = now_ms() - t0;
    assert_signaled(&st, SIGTERM, 1);
    ck_assert_msg(took >= 99 && took < 900, "run(100) took %lld ms", (long long)took);
    ck_assert_int_eq(count_children(), before);

    /* timeout 0: stopped at once */
    ck_assert_int_eq(exitstat_run(cmd, 0, &st), EXITSTAT_ETIMEDOUT);
    assert_signaled(&st, SIGTERM, 1);
    exitstat_cmd_free(cmd);
    ck_assert_int_eq(count_children(), before);
}
END_TEST

START_TEST(run_escalates_to_kill)
{
    exitstat_cmd *cmd = helper_cmd("ignore-term", (const char *)NULL);
    exitstat_status st;
    int64_t t0, took;

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0), 0);
    t0 = now_ms();
    ck_assert_int_eq(exitstat_run(cmd, 100, &st), EXITSTAT_ETIMEDOUT);
    took = now_ms() - t0;
    exitstat_cmd_free(cmd);
    /* SIGTERM ignored: SIGKILL after the 1000 ms grace */
    assert_signaled(&st, SIGKILL, 1);
    ck_assert_msg(took >= 1099 && took < 1600, "run(100) took %lld ms", (long long)took);
}
END_TEST

START_TEST(run_returns_status)
{
    exitstat_cmd *cmd = helper_cmd("exit", "3", (const char *)NULL);
    exitstat_status st;

    ck_assert_int_eq(exitstat_run(cmd, 10000, &st), 0);
    assert_exited(&st, 3);
    ck_assert_int_eq(exitstat_run(cmd, -1, &st), 0);
    assert_exited(&st, 3);
    exitstat_cmd_free(cmd);

    cmd = helper_cmd("signal", "6", (const char *)NULL);
    ck_assert_int_eq(exitstat_run(cmd, 10000, &st), 0);
    assert_signaled(&st, SIGABRT, 0);
    exitstat_cmd_free(cmd);
}
END_TEST

#endif /* !_WIN32 */

/* ---- the suite ------------------------------------------------------------------- */

Suite *suite_kill(void)
{
    Suite *s = suite_create("kill");
    TCase *tc = tcase_create("kill");

    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_set_timeout(tc, 60);
#ifndef _WIN32
    tcase_add_test(tc, kill_is_sigkill);
    tcase_add_test(tc, terminate_is_sigterm);
    tcase_add_test(tc, signal_sends_that_signal);
    tcase_add_test(tc, signal_invalid);
    tcase_add_test(tc, stopped_child_is_not_ended);
    tcase_add_test(tc, foreign_kill_not_marked);
    tcase_add_test(tc, ended_child_gets_nothing);
    tcase_add_test(tc, dead_of_same_signal_before_ours);
    tcase_add_test(tc, stop_escalates_after_grace);
    tcase_add_test(tc, stop_honoured_terminate);
    tcase_add_test(tc, stop_grace_zero_kills);
    tcase_add_test(tc, stop_after_exit);
    tcase_add_test(tc, new_group_leads_its_group);
    tcase_add_test(tc, group_kill_reaches_grandchild);
    tcase_add_test(tc, group_terminate_reaches_grandchild);
    tcase_add_test(tc, no_group_no_tree_kill);
    tcase_add_test(tc, kill_on_free_kills_and_reaps);
    tcase_add_test(tc, kill_on_free_kills_tree);
    tcase_add_test(tc, free_leaves_child_running);
    tcase_add_test(tc, run_times_out);
    tcase_add_test(tc, run_escalates_to_kill);
    tcase_add_test(tc, run_returns_status);
#endif
    suite_add_tcase(s, tc);
    return s;
}
