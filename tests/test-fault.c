/*
 * test-fault.c - every failure a caller must survive, made to happen: the
 * library's allocations and system calls fail on purpose (lib/fault.h, a
 * -Dfault_injection=true build), and real limits are hit (RLIMIT_NOFILE,
 * RLIMIT_NPROC). Each failure must give its documented error, leave no
 * descriptor open and no child behind (the leak check runs around every test),
 * and leave the library working for the next call.
 *
 * Built only into fault-injection builds, linked with the static library,
 * where the hidden exitstat__fault_* hooks are reachable. POSIX only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"
#include "tests.h"
#include "testutil.h"

static void setup(void)
{
    exitstat__fault_reset();
    leak_check_begin();
}

static void teardown(void)
{
    exitstat__fault_reset();
    leak_check_end();
}

/* A command that needs every kind of resource: three pipes, an environment
 * change, a working directory. */
static int spawn_full(exitstat_child **child)
{
    exitstat_cmd *cmd;
    int err, i;

    *child = NULL;
    if ((err = exitstat_cmd_new(&cmd, helper_path())) < 0)
        return err;
    if ((err = exitstat_cmd_arg(cmd, "echo")) < 0 ||
        (err = exitstat_cmd_env(cmd, "EXITSTAT_FAULT_TEST", "1")) < 0 ||
        (err = exitstat_cmd_cwd(cmd, "/")) < 0) {
        exitstat_cmd_free(cmd);
        return err;
    }
    for (i = 0; i < 3; i++)
        exitstat_cmd_stdio(cmd, i, EXITSTAT_PIPE, 0);
    err = exitstat_spawn(cmd, child);
    exitstat_cmd_free(cmd);
    return err;
}

/* spawn, feed, collect and wait: 0, or the first error */
static int full_cycle(void)
{
    exitstat_child *child;
    exitstat_status st;
    char *out = NULL;
    size_t len = 0;
    int err = spawn_full(&child);

    if (err < 0)
        return err;
    err = exitstat_communicate(child, "hello", 5, 20000, &out, &len, NULL, NULL, &st);
    if (err == 0) {
        ck_assert(exitstat_status_success(&st));
        ck_assert_uint_eq(len, 5);
        ck_assert_str_eq(out, "hello");
    }
    exitstat_free(out);
    if (err < 0) {
        /* the child must still be collectable after a failed communicate */
        exitstat_kill(child);
        ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    }
    exitstat_child_free(child);
    return err;
}

/* Every allocation of a whole cycle fails in turn: ENOMEM, nothing leaked
 * (ASan's leak checker and the descriptor check see to it), and the cycle
 * works again right after. */
START_TEST(every_allocation)
{
    unsigned n, total, failures = 0;

    exitstat__fault_reset();
    ck_assert_int_eq(full_cycle(), 0);
    total = exitstat__fault_calls(EXITSTAT__FAULT_MALLOC);
    ck_assert_uint_gt(total, 3);
    for (n = 1; n <= total; n++) {
        int err;

        exitstat__fault_reset();
        exitstat__fault_arm(EXITSTAT__FAULT_MALLOC, n, ENOMEM);
        err = full_cycle();
        ck_assert_msg(err == EXITSTAT_ENOMEM, "allocation %u of %u: %s", n, total,
                      exitstat_errname(err));
        failures++;
        ck_assert_int_eq(full_cycle(), 0);
    }
    printf("fault: %u allocation sites failed in turn, each ENOMEM\n", failures);
}
END_TEST

static const struct {
    int site;
    int err;
    int want;
    const char *what;
} spawn_faults[] = {
    {EXITSTAT__FAULT_SPAWN, EAGAIN, EXITSTAT_EAGAIN, "posix_spawn/fork EAGAIN"},
    {EXITSTAT__FAULT_SPAWN, ENOMEM, EXITSTAT_ENOMEM, "posix_spawn/fork ENOMEM"},
    {EXITSTAT__FAULT_PIPE, EMFILE, EXITSTAT_EMFILE, "pipe2 EMFILE"},
    {EXITSTAT__FAULT_PIPE, ENFILE, EXITSTAT_EMFILE, "pipe2 ENFILE"},
    {EXITSTAT__FAULT_OPEN, EMFILE, EXITSTAT_EMFILE, "open /dev/null EMFILE"},
};

/* the nth call at a site fails, for every n a spawn makes */
START_TEST(spawn_syscalls)
{
    int i = _i;
    unsigned n, total;
    exitstat_child *child;
    exitstat_cmd *cmd;
    exitstat_status st;

    if (spawn_faults[i].site == EXITSTAT__FAULT_OPEN) {
        /* the /dev/null streams */
        exitstat__fault_reset();
        cmd = helper_cmd("exit", "0", NULL);
        exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0);
        exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0);
        exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0);
        exitstat__fault_arm(spawn_faults[i].site, 2, spawn_faults[i].err);
        ck_assert_int_eq(exitstat_spawn(cmd, &child), spawn_faults[i].want);
        ck_assert_ptr_null(child);
        exitstat_cmd_free(cmd);
        return;
    }
    exitstat__fault_reset();
    ck_assert_int_eq(spawn_full(&child), 0);
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    exitstat_child_free(child);
    total = exitstat__fault_calls(spawn_faults[i].site);
    ck_assert_uint_ge(total, 1);
    for (n = 1; n <= total; n++) {
        exitstat__fault_reset();
        exitstat__fault_arm(spawn_faults[i].site, n, spawn_faults[i].err);
        ck_assert_msg(spawn_full(&child) == spawn_faults[i].want, "%s, call %u", spawn_faults[i].what,
                      n);
        ck_assert_ptr_null(child);
    }
}
END_TEST

/* Moving a descriptor above 2 fails (only happens when the caller closed a
 * standard stream, so that a new pipe lands on 0, 1 or 2). */
START_TEST(dup_fails_with_std_closed)
{
    exitstat_child *child;
    int saved = fcntl(0, F_DUPFD_CLOEXEC, 10);

    ck_assert_int_ge(saved, 0);
    close(0);
    exitstat__fault_reset();
    exitstat__fault_arm(EXITSTAT__FAULT_DUP, 1, EMFILE);
    ck_assert_int_eq(spawn_full(&child), EXITSTAT_EMFILE);
    ck_assert_ptr_null(child);
    ck_assert_int_eq(dup2(saved, 0), 0);
    close(saved);
}
END_TEST

/* Without a pidfd (EMFILE, or a kernel without pidfd_open) the child takes
 * the portable wait path: everything still works. */
START_TEST(pidfd_open_fails)
{
    int errs[] = {EMFILE, ENOSYS, ENFILE};
    size_t i;

    for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
        exitstat_child *child;
        exitstat_status st;
        exitstat_cmd *cmd = helper_cmd("sleep", "50", NULL);

        exitstat__fault_reset();
        exitstat__fault_arm(EXITSTAT__FAULT_PIDFD, 1, errs[i]);
        ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
        exitstat_cmd_free(cmd);
        ck_assert_int_eq(exitstat_child_handle(child), -1);
        ck_assert_int_eq(exitstat_wait(child, 5, &st), EXITSTAT_ETIMEDOUT);
        ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
        ck_assert(exitstat_status_success(&st));
        exitstat_child_free(child);
    }
}
END_TEST

/* poll and waitid failing: the error comes back, the child is still ours and
 * collectable afterwards. */
START_TEST(wait_syscalls)
{
    exitstat_child *child, *list[1];
    exitstat_status st;
    exitstat_cmd *cmd = helper_cmd("sleep", "5000", NULL);
    size_t idx;

    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    list[0] = child;

    if (exitstat_child_handle(child) >= 0) {
        /* only the pidfd path polls */
        exitstat__fault_arm(EXITSTAT__FAULT_POLL, 1, ENOMEM);
        ck_assert_int_eq(exitstat_wait(child, 1000, &st), EXITSTAT_ENOMEM);
        exitstat__fault_arm(EXITSTAT__FAULT_POLL, 1, ENOMEM);
        ck_assert_int_eq(exitstat_wait_any(list, 1, 1000, &idx, &st), EXITSTAT_ENOMEM);
    }
    /* a wait looks (waitid) first, so the first call at the site fails */
    exitstat__fault_arm(EXITSTAT__FAULT_WAITID, 1, EFAULT);
    ck_assert_int_eq(exitstat_wait(child, 1000, &st), EXITSTAT_EIO);
    /* the child is still ours: it can be killed and collected */
    ck_assert_int_eq(exitstat_kill(child), 0);
    /* EINTR is never an error and never ends a wait early */
    exitstat__fault_arm(EXITSTAT__FAULT_POLL, 1, EINTR);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
    ck_assert(st.flags & EXITSTAT_F_KILLED);
    exitstat_child_free(child);
}
END_TEST

/* RLIMIT_NOFILE at the edge: a spawn needing more descriptors than are left
 * fails with EMFILE and closes what it had opened. */
START_TEST(real_emfile)
{
    struct rlimit old, lim;
    exitstat_child *child;
    int fds[64], n = 0, fd, err;

    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    /* lower the limit to just above the lowest free descriptor */
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    close(fd);
    lim = old;
    lim.rlim_cur = (rlim_t)fd + 4;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
    /* fill every slot, then free them one by one: 0, 1, 2 ... free each try */
    while (n < 64 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
        fds[n++] = fd;
    ck_assert_int_eq(errno, EMFILE);
    for (;;) {
        err = spawn_full(&child);
        if (err == 0) {
            exitstat_status st;
            exitstat_kill(child);
            ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
            exitstat_child_free(child);
        } else {
            ck_assert_msg(err == EXITSTAT_EMFILE, "%s", exitstat_errname(err));
        }
        if (n == 0)
            break;
        close(fds[--n]);
    }
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

/*
 * The first spawn of a process finds no descriptor free: the clone path's
 * probe cannot run (its clone makes a pidfd), the spawn is made another way,
 * and once descriptors are free again the next spawn probes again and takes
 * the clone path. Which path a spawn takes shows in the order of its fault
 * sites: the clone path asks the pidfd site before the spawn site (its pidfd
 * comes from the clone), the others only after a successful spawn. Needs a
 * process that has not spawned yet: Check's fork mode gives each test one.
 */
START_TEST(clone_probe_after_emfile)
{
#if EXITSTAT_TEST_CLONE
    struct rlimit old, lim;
    exitstat_child *child;
    exitstat_status st;
    exitstat_cmd *cmd;
    int fd;

    if (getenv("CK_FORK") && strcmp(getenv("CK_FORK"), "no") == 0)
        return; /* earlier tests of this process have probed */
    cmd = helper_cmd("exit", "0", NULL);
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    close(fd);
    lim = old;
    lim.rlim_cur = (rlim_t)fd; /* nothing can be opened */
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
    fd = exitstat_spawn(cmd, &child);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
    ck_assert_msg(fd == 0, "spawn with no descriptor free: %s", exitstat_errname(fd));
    ck_assert_int_eq(exitstat_child_handle(child), -1); /* no pidfd: portable wait */
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    ck_assert(exitstat_status_success(&st));
    exitstat_child_free(child);

    exitstat__fault_reset();
    exitstat__fault_arm(EXITSTAT__FAULT_SPAWN, 1, EAGAIN);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EAGAIN);
    ck_assert_msg(exitstat__fault_calls(EXITSTAT__FAULT_PIDFD) == 1,
                  "the spawn after it did not take the clone path");
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    ck_assert_int_ge(exitstat_child_handle(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    exitstat_child_free(child);
    exitstat_cmd_free(cmd);
#endif
}
END_TEST

/* RLIMIT_NPROC reached: EAGAIN. Root ignores the limit, so the test runs in a
 * forked process that becomes an unprivileged user first. */
START_TEST(real_eagain)
{
    pid_t pid = fork();
    int status;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit lim = {0, 0};
        exitstat_cmd *cmd;
        exitstat_child *child;
        int err;

        if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            _exit(3);
        if (setrlimit(RLIMIT_NPROC, &lim) < 0)
            _exit(4);
        if (exitstat_cmd_new(&cmd, "/bin/true") < 0)
            _exit(5);
        err = exitstat_spawn(cmd, &child);
        exitstat_cmd_free(cmd);
        _exit(err == EXITSTAT_EAGAIN ? 0 : 10 - err);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the unprivileged spawn did not give EXITSTAT_EAGAIN (exit %d)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
END_TEST

Suite *suite_fault(void)
{
    Suite *s = suite_create("fault");
    TCase *tc = tcase_create("injected");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_allocation);
    tcase_add_loop_test(tc, spawn_syscalls, 0,
                        (int)(sizeof(spawn_faults) / sizeof(spawn_faults[0])));
    tcase_add_test(tc, dup_fails_with_std_closed);
    tcase_add_test(tc, pidfd_open_fails);
    tcase_add_test(tc, wait_syscalls);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, real_emfile);
    tcase_add_test(tc, clone_probe_after_emfile);
    tcase_add_test(tc, real_eagain);
    suite_add_tcase(s, tc);
    return s;
}
