/*
 * test-fds.c - the descriptors a child gets (catalogue rows D1-D5, D7, M4):
 * its three standard streams as configured and nothing else, whatever this
 * process has open, closed, or limited.
 *
 *  - D1: descriptors without close-on-exec, of every kind, stay out of the
 *    child (helper "fds" lists what it has above 2).
 *  - D2: EXITSTAT_HANDLE puts a close-on-exec descriptor at the stream number,
 *    and leaves the caller's descriptor and its flags as they were.
 *  - D3: every permutation of this process's 0/1/2 onto the child's 0/1/2, one
 *    descriptor for both stdout and stderr, and EXITSTAT_MERGE.
 *  - D4/M4: this process with 0, 1 or 2 closed still spawns with pipes, and
 *    EXITSTAT_NULL gives the child valid streams at EOF / discarding.
 *  - D5: descriptors above a lowered RLIMIT_NOFILE are closed too, and spawn
 *    works, or fails cleanly with EXITSTAT_EMFILE, when few are left.
 *  - D7: once the child has ended, the parent's pipe ends see EOF: nobody else
 *    holds a copy of the child's ends.
 *
 * The tests that replace this process's 0/1/2 or its descriptor limit save
 * them in a fixture and put them back after every test, failed or not (so the
 * suite can run with CK_FORK=no).
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
#  include <arpa/inet.h>
#  include <errno.h>
#  include <fcntl.h>
#  include <netinet/in.h>
#  include <poll.h>
#  include <sys/resource.h>
#  include <sys/socket.h>
#  include <unistd.h>

/* ---- running the helper ------------------------------------------------------ */

/* Spawn cmd, whose stdout the caller piped, read it to EOF and wait. */
static char *spawn_read(const exitstat_cmd *cmd, exitstat_status *st, size_t *len)
{
    exitstat_child *child = NULL;
    char *out;
    int err;

    err = exitstat_spawn(cmd, &child);
    ck_assert_msg(err == 0, "exitstat_spawn: %s", exitstat_strerror(err));
    out = read_all(exitstat_child_stdio(child, 1), len);
    err = exitstat_wait(child, 20000, st);
    exitstat_child_free(child);
    ck_assert_msg(err == 0, "exitstat_wait: %s", exitstat_strerror(err));
    return out;
}

/* Spawn and wait, for a child whose output goes elsewhere. */
static void spawn_wait(const exitstat_cmd *cmd, exitstat_status *st)
{
    exitstat_child *child = NULL;
    int err;

    err = exitstat_spawn(cmd, &child);
    ck_assert_msg(err == 0, "exitstat_spawn: %s", exitstat_strerror(err));
    err = exitstat_wait(child, 20000, st);
    exitstat_child_free(child);
    ck_assert_msg(err == 0, "exitstat_wait: %s", exitstat_strerror(err));
}

/* The helper "fds" with stdout piped (the other streams as cmd says): it must
 * report no descriptor above 2. */
static void expect_no_extra_fds(exitstat_cmd *cmd)
{
    exitstat_status st;
    size_t len;
    char *out;

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    out = spawn_read(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_msg(len == 0, "the child has descriptors it should not have:\n%s", out);
    free(out);
}

/* len bytes of the helper's pattern (byte i = i % 251)? */
static void expect_pattern(const char *buf, size_t len, size_t want, const char *what)
{
    size_t i;

    ck_assert_msg(len == want, "%s: %zu bytes, wanted %zu", what, len, want);
    for (i = 0; i < len; i++)
        ck_assert_msg((unsigned char)buf[i] == i % 251, "%s: byte %zu differs", what, i);
}

static void pipe_cloexec(int p[2])
{
    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
}

static void close_all(int *fds, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
}

/* ---- fixtures ------------------------------------------------------------------- */

/* This process's 0/1/2, saved above 10 out of the way of the tests. */
static int saved_std[3] = {-1, -1, -1};

static void std_save(void)
{
    int i;

    for (i = 0; i < 3; i++)
        saved_std[i] = fcntl(i, F_DUPFD_CLOEXEC, 10); /* -1 if it was closed */
}

static void std_restore(void)
{
    int i;

    for (i = 0; i < 3; i++) {
        if (saved_std[i] >= 0)
            dup2(saved_std[i], i);
        else
            close(i);
    }
}

static void std_teardown(void)
{
    std_restore();
    close_all(saved_std, 3);
}

static struct rlimit saved_nofile;

static void nofile_save(void)
{
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved_nofile), 0);
}

static void nofile_restore(void)
{
    setrlimit(RLIMIT_NOFILE, &saved_nofile);
}

/* ---- D1: nothing inherited by accident ----------------------------------------------- */

/* Descriptors of every kind, none close-on-exec. */
enum { F_FILE, F_PIPE_R, F_PIPE_W, F_SOCK_A, F_SOCK_B, F_LISTEN, F_DUP, F_HIGH, NKINDS };

static void open_inheritable(int fd[NKINDS])
{
    struct sockaddr_in sin;
    int p[2], sv[2], i;

    fd[F_FILE] = open(helper_path(), O_RDONLY);
    ck_assert_int_ge(fd[F_FILE], 0);
    ck_assert_int_eq(pipe(p), 0);
    fd[F_PIPE_R] = p[0];
    fd[F_PIPE_W] = p[1];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fd[F_SOCK_A] = sv[0];
    fd[F_SOCK_B] = sv[1];
    fd[F_LISTEN] = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd[F_LISTEN], 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = 0;
    ck_assert_int_eq(bind(fd[F_LISTEN], (struct sockaddr *)&sin, sizeof(sin)), 0);
    ck_assert_int_eq(listen(fd[F_LISTEN], 4), 0);
    fd[F_DUP] = dup(fd[F_LISTEN]);
    ck_assert_int_ge(fd[F_DUP], 0);
    /* and one far above the others */
    fd[F_HIGH] = fcntl(fd[F_FILE], F_DUPFD, 200);
    ck_assert_int_ge(fd[F_HIGH], 200);
    for (i = 0; i < NKINDS; i++)
        ck_assert_int_eq(fcntl(fd[i], F_GETFD), 0);
}

START_TEST(fds_inheritable_closed_in_child)
{
    int fd[NKINDS], i;
    exitstat_cmd *cmd;

    open_inheritable(fd);
    cmd = helper_cmd("fds", NULL);
    expect_no_extra_fds(cmd);
    exitstat_cmd_free(cmd);
    /* ours are still open, still inheritable */
    for (i = 0; i < NKINDS; i++)
        ck_assert_int_eq(fcntl(fd[i], F_GETFD), 0);
    close_all(fd, NKINDS);
}
END_TEST

/* The same whatever the rest of the command asks for: each stream mode, a new
 * process group, a working directory (each can take another way through
 * posix_spawn or fork). */
START_TEST(fds_inheritable_closed_with_every_option)
{
    int fd[NKINDS];
    exitstat_cmd *cmd;

    open_inheritable(fd);
    cmd = helper_cmd("fds", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0), 0);
    expect_no_extra_fds(cmd);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    expect_no_extra_fds(cmd);
    /* a descriptor handed over as a stream appears there only */
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_HANDLE, fd[F_PIPE_R]), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_HANDLE, fd[F_SOCK_A]), 0);
    expect_no_extra_fds(cmd);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP), 0);
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, "/"), 0);
    expect_no_extra_fds(cmd);
    exitstat_cmd_free(cmd);
    close_all(fd, NKINDS);
}
END_TEST

/* ---- D2: a descriptor handed over ------------------------------------------------------- */

START_TEST(fds_handle_cloexec_reaches_stream)
{
    int out[2], err[2], in[2], hi, flags_fd, flags_fl;
    exitstat_cmd *cmd;
    exitstat_status st;
    size_t len;
    char *buf;

    pipe_cloexec(out);
    pipe_cloexec(err);
    pipe_cloexec(in);
    hi = fcntl(err[1], F_DUPFD_CLOEXEC, 100);
    ck_assert_int_ge(hi, 100);
    flags_fd = fcntl(out[1], F_GETFD);
    flags_fl = fcntl(out[1], F_GETFL);
    ck_assert_int_eq(flags_fd, FD_CLOEXEC);
    ck_assert_int_eq(write(in[1], "through stdin", 13), 13);
    close(in[1]);

    cmd = helper_cmd("echo", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_HANDLE, in[0]), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, out[1]), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));
    exitstat_cmd_free(cmd);

    cmd = helper_cmd("write-err", "3000", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_HANDLE, hi), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));
    exitstat_cmd_free(cmd);

    /* the caller's descriptors: open, flags as they were */
    ck_assert_int_eq(fcntl(out[1], F_GETFD), flags_fd);
    ck_assert_int_eq(fcntl(out[1], F_GETFL), flags_fl);
    ck_assert_int_eq(fcntl(in[0], F_GETFD), FD_CLOEXEC);
    ck_assert_int_eq(fcntl(hi, F_GETFD), FD_CLOEXEC);

    close(out[1]);
    close(err[1]);
    close(hi);
    buf = read_all(out[0], &len);
    ck_assert_uint_eq(len, 13);
    ck_assert_mem_eq(buf, "through stdin", 13);
    free(buf);
    buf = read_all(err[0], &len);
    expect_pattern(buf, len, 3000, "stderr through a descriptor at 100+");
    free(buf);
    close(out[0]);
    close(err[0]);
    close(in[0]);
}
END_TEST

/* A descriptor that is not close-on-exec stays so; handed over as all three
 * streams, the child sees nothing else. */
START_TEST(fds_handle_inheritable_unchanged)
{
    int p[2], q[2];
    exitstat_cmd *cmd = helper_cmd("fds", NULL);
    exitstat_status st;
    size_t len;
    char *buf;

    ck_assert_int_eq(pipe(p), 0);
    pipe_cloexec(q);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_HANDLE, p[0]), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, q[1]), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_HANDLE, p[1]), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));
    ck_assert_int_eq(fcntl(p[0], F_GETFD), 0);
    ck_assert_int_eq(fcntl(p[1], F_GETFD), 0);
    ck_assert_int_eq(fcntl(q[1], F_GETFD), FD_CLOEXEC);
    close(q[1]);
    buf = read_all(q[0], &len);
    ck_assert_msg(len == 0, "the child has descriptors it should not have:\n%s", buf);
    free(buf);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    exitstat_cmd_free(cmd);
}
END_TEST

/* A number that is no open descriptor: the spawn fails, nothing starts. */
START_TEST(fds_handle_closed_rejected)
{
    exitstat_cmd *cmd = helper_cmd("exit", "0", NULL);
    exitstat_child *child = (exitstat_child *)&child;
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int fd = fcntl(null, F_DUPFD_CLOEXEC, 50);

    ck_assert_int_ge(fd, 50);
    close(fd);
    close(null);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, fd), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
    ck_assert_ptr_null(child);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- D3: this process's 0/1/2 rearranged ---------------------------------------------------- */

static const int perms[6][3] = {
    {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0},
};

/* Child stream i gets this process's descriptor perm[i]. Three pipes are put
 * on our 0/1/2 so that each child stream must land on a different one: the
 * child's stdin reads pipe "in", its stdout writes "out", its stderr "err".
 * A library that dup2()s in a naive order hands a stream the descriptor an
 * earlier dup2 has already replaced. */
START_TEST(fds_std_permutations)
{
    const int *perm = perms[_i];
    int in[2], out[2], err[2], i;
    exitstat_cmd *cmd;
    exitstat_status st1, st2;
    char *got_out, *got_err;
    size_t out_len, err_len;

    pipe_cloexec(in);
    pipe_cloexec(out);
    pipe_cloexec(err);
    ck_assert_int_eq(write(in[1], "ping", 4), 4);
    close(in[1]);
    ck_assert_int_eq(dup2(in[0], perm[0]), perm[0]);
    ck_assert_int_eq(dup2(out[1], perm[1]), perm[1]);
    ck_assert_int_eq(dup2(err[1], perm[2]), perm[2]);

    /* "echo" proves stdin and stdout, "write-err" stderr */
    cmd = helper_cmd("echo", NULL);
    for (i = 0; i < 3; i++)
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, i, EXITSTAT_HANDLE, perm[i]), 0);
    spawn_wait(cmd, &st1);
    exitstat_cmd_free(cmd);
    cmd = helper_cmd("write-err", "7", NULL);
    for (i = 0; i < 3; i++)
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, i, EXITSTAT_HANDLE, perm[i]), 0);
    spawn_wait(cmd, &st2);
    exitstat_cmd_free(cmd);

    std_restore();
    close(out[1]);
    close(err[1]);
    got_out = read_all(out[0], &out_len);
    got_err = read_all(err[0], &err_len);
    ck_assert(exitstat_status_success(&st1));
    ck_assert(exitstat_status_success(&st2));
    ck_assert_msg(out_len == 4 && memcmp(got_out, "ping", 4) == 0,
                  "child 0/1/2 <- our %d/%d/%d: stdout pipe got \"%s\"", perm[0], perm[1],
                  perm[2], got_out);
    expect_pattern(got_err, err_len, 7, "stderr pipe");
    free(got_out);
    free(got_err);
    close(in[0]);
    close(out[0]);
    close(err[0]);
}
END_TEST

/* One descriptor for stdout and stderr: everything arrives there. */
START_TEST(fds_same_handle_for_out_and_err)
{
    int p[2];
    exitstat_cmd *cmd = helper_cmd("write-both", "10000", NULL);
    exitstat_status st;
    size_t len;
    char *buf;

    pipe_cloexec(p);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, p[1]), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_HANDLE, p[1]), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));
    close(p[1]);
    buf = read_all(p[0], &len);
    ck_assert_uint_eq(len, 20000);
    free(buf);
    close(p[0]);
    exitstat_cmd_free(cmd);
}
END_TEST

/* EXITSTAT_MERGE follows stdout wherever it goes: a pipe, a descriptor, our
 * own stdout, /dev/null; our stderr (a pipe here) then gets nothing. */
START_TEST(fds_merge_follows_stdout)
{
    int our_out[2], our_err[2], p[2];
    exitstat_cmd *cmd = helper_cmd("write-both", "10000", NULL);
    exitstat_child *child = NULL;
    exitstat_status st;
    size_t len;
    char *buf;

    pipe_cloexec(our_out);
    pipe_cloexec(our_err);
    pipe_cloexec(p);
    ck_assert_int_eq(dup2(our_out[1], 1), 1);
    ck_assert_int_eq(dup2(our_err[1], 2), 2);
    close(our_out[1]);
    close(our_err[1]);

    /* control: without MERGE, each to our own */
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));

    /* INHERIT + MERGE: both to our stdout */
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));

    /* NULL + MERGE: nowhere */
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));

    /* HANDLE + MERGE: both into p */
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, p[1]), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));

    /* PIPE + MERGE: both into the child's pipe */
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    ck_assert_int_lt(exitstat_child_stdio(child, 2), 0);
    buf = read_all(exitstat_child_stdio(child, 1), &len);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    exitstat_child_free(child);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, 20000);
    free(buf);

    std_restore();
    close(p[1]);
    buf = read_all(our_out[0], &len);
    ck_assert_msg(len == 10000 + 20000, "our stdout got %zu bytes", len);
    free(buf);
    buf = read_all(our_err[0], &len);
    ck_assert_msg(len == 10000, "our stderr got %zu bytes", len);
    free(buf);
    buf = read_all(p[0], &len);
    ck_assert_uint_eq(len, 20000);
    free(buf);
    close(our_out[0]);
    close(our_err[0]);
    close(p[0]);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- D4, M4: this process without 0, 1 or 2 -------------------------------------------------- */

/* _i is the set of our standard descriptors closed: bit n for descriptor n. */
START_TEST(fds_parent_std_closed)
{
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st;
    size_t len;
    char *buf;
    int i;

    for (i = 0; i < 3; i++)
        if (_i & (1 << i))
            close(i);

    /* pipes for stdout and stderr: each pipe end the library makes must stay
     * off the free numbers 0-2, or the child's dup2 would go wrong */
    cmd = helper_cmd("write-both", "1000", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    ck_assert_int_gt(exitstat_child_stdio(child, 1), 2);
    ck_assert_int_gt(exitstat_child_stdio(child, 2), 2);
    buf = read_all(exitstat_child_stdio(child, 1), &len);
    expect_pattern(buf, len, 1000, "stdout");
    free(buf);
    buf = read_all(exitstat_child_stdio(child, 2), &len);
    expect_pattern(buf, len, 1000, "stderr");
    free(buf);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    exitstat_child_free(child);
    ck_assert(exitstat_status_success(&st));
    exitstat_cmd_free(cmd);

    /* the child's 0/1/2 all valid, NULL or PIPE */
    cmd = helper_cmd("check-std", NULL);
    for (i = 0; i < 3; i++)
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, i, EXITSTAT_NULL, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert_msg(exitstat_status_success(&st), "all NULL: a stream is not open");
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert_msg(exitstat_status_success(&st), "NULL/PIPE/PIPE: a stream is not open");
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert_msg(exitstat_status_success(&st), "PIPE/NULL/MERGE: a stream is not open");
    exitstat_cmd_free(cmd);

    /* nor does it get a copy of anything the library opened meanwhile */
    cmd = helper_cmd("fds", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    expect_no_extra_fds(cmd);
    exitstat_cmd_free(cmd);

    /* and nothing was left on our free standard numbers */
    for (i = 0; i < 3; i++)
        if (_i & (1 << i))
            ck_assert_msg(fcntl(i, F_GETFD) < 0, "descriptor %d was left open", i);
}
END_TEST

/* M4: NULL streams are open, read as EOF and swallow what is written. */
START_TEST(fds_null_streams)
{
    exitstat_cmd *cmd;
    exitstat_status st;
    size_t len;
    char *buf;
    int i;

    cmd = helper_cmd("check-std", NULL);
    for (i = 0; i < 3; i++)
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, i, EXITSTAT_NULL, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));
    exitstat_cmd_free(cmd);

    cmd = helper_cmd("echo", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    buf = spawn_read(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, 0);
    free(buf);
    exitstat_cmd_free(cmd);

    /* far more than a pipe holds: a write that blocked would hang here */
    cmd = helper_cmd("write-both", "1000000", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_NULL, 0), 0);
    spawn_wait(cmd, &st);
    ck_assert(exitstat_status_success(&st));
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- D5: a low descriptor limit ------------------------------------------------------------- */

/* A descriptor above the soft limit is still closed in the child: a closer
 * that counts up to getrlimit() or sysconf(_SC_OPEN_MAX) would miss it. */
START_TEST(fds_above_lowered_limit_closed)
{
    struct rlimit rl = saved_nofile;
    int null, fd, top;
    exitstat_cmd *cmd;

    /* room for a descriptor high up (at most 64 Ki, to keep the table small) */
    top = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : (int)rl.rlim_max;
    ck_assert_int_gt(top, 256);
    rl.rlim_cur = (rlim_t)top;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(null, 0);
    fd = fcntl(null, F_DUPFD, top - 1); /* not close-on-exec */
    close(null);
    ck_assert_int_eq(fd, top - 1);
    rl.rlim_cur = 64;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);

    cmd = helper_cmd("fds", NULL);
    expect_no_extra_fds(cmd);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    expect_no_extra_fds(cmd);
    exitstat_cmd_free(cmd);
    close(fd);
    nofile_restore();
}
END_TEST

/* The soft limit at which exactly n descriptor numbers are free below it. */
static rlim_t limit_leaving(int n)
{
    int fd;

    for (fd = 0;; fd++)
        if (fcntl(fd, F_GETFD) < 0 && n-- == 1)
            return (rlim_t)fd + 1;
}

START_TEST(fds_tiny_limit)
{
    struct rlimit rl = saved_nofile;
    exitstat_cmd *cmd;
    exitstat_child *child = (exitstat_child *)&child;
    exitstat_status st;
    size_t len;
    char *buf;

    /* eight free: enough for /dev/null, two pipes, an error pipe, a pidfd */
    rl.rlim_cur = limit_leaving(8);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    cmd = helper_cmd("write-out", "100", NULL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0), 0);
    buf = spawn_read(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    expect_pattern(buf, len, 100, "stdout");
    free(buf);

    /* none free: the spawn fails as it should, with nothing started or left */
    rl.rlim_cur = limit_leaving(1) - 1;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EMFILE);
    ck_assert_ptr_null(child);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_INHERIT, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_INHERIT, 0), 0);
    child = (exitstat_child *)&child;
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EMFILE); /* the NULL stdin */
    ck_assert_ptr_null(child);
    nofile_restore();
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- D7: EOF when the child ends ----------------------------------------------------------- */

/* Wait up to ms for every entry to show one of the events it wants. */
static int poll_all(struct pollfd *p, const short *want, int n, int ms)
{
    int64_t deadline = now_ms() + ms;
    int i, done;

    for (;;) {
        int64_t left = deadline - now_ms();
        if (left < 0)
            left = 0;
        ck_assert_int_ge(poll(p, (nfds_t)n, (int)left), 0);
        for (done = 0, i = 0; i < n; i++)
            done += (p[i].revents & want[i]) != 0;
        if (done == n || left == 0)
            return done == n;
    }
}

START_TEST(fds_parent_ends_see_eof)
{
    exitstat_cmd *cmd = helper_cmd("exit", "0", NULL);
    exitstat_child *child = NULL;
    exitstat_status st;
    struct pollfd p[3];
    const short want[3] = {POLLERR, POLLHUP, POLLHUP};
    char c;
    int i;

    for (i = 0; i < 3; i++)
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, i, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    for (i = 0; i < 3; i++) {
        p[i].fd = (int)exitstat_child_stdio(child, i);
        p[i].events = i == 0 ? POLLOUT : POLLIN;
    }
    /* stdin's write end sees its reader gone, stdout's and stderr's read
     * ends see EOF: no copy of the child's ends is left anywhere but in the
     * child. (Bounded: a leaked copy fails the test instead of hanging it.) */
    ck_assert_msg(poll_all(p, want, 3, 10000),
                  "no EOF 10 s after the child ended: revents %#x %#x %#x", p[0].revents,
                  p[1].revents, p[2].revents);
    ck_assert_int_eq(read(p[1].fd, &c, 1), 0);
    ck_assert_int_eq(read(p[2].fd, &c, 1), 0);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    ck_assert(exitstat_status_success(&st));
    exitstat_child_free(child);
    exitstat_cmd_free(cmd);
}
END_TEST

/* While the child runs there is no EOF; once it is killed there is. */
START_TEST(fds_no_eof_while_running)
{
    exitstat_cmd *cmd = helper_cmd("sleep", "60000", NULL);
    exitstat_child *child = NULL;
    exitstat_status st;
    struct pollfd p;
    const short want = POLLHUP;

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    p.fd = (int)exitstat_child_stdio(child, 1);
    p.events = POLLIN;
    ck_assert_int_eq(poll(&p, 1, 100), 0);
    ck_assert_int_eq(exitstat_kill(child), 0);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
    ck_assert(poll_all(&p, &want, 1, 10000));
    exitstat_child_free(child);
    exitstat_cmd_free(cmd);
}
END_TEST

/* A child spawned later holds none of an earlier child's pipe ends: the
 * earlier one still sees EOF on its stdin when we close our end. */
START_TEST(fds_later_child_holds_no_copy)
{
    exitstat_cmd *echo = helper_cmd("echo", NULL), *sleeper = helper_cmd("sleep", "60000", NULL);
    exitstat_child *a = NULL, *b = NULL;
    exitstat_status st;
    char *out = NULL;
    size_t len = 0;
    int err;

    ck_assert_int_eq(exitstat_cmd_stdio(echo, 0, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(echo, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(sleeper, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(echo, &a), 0);
    ck_assert_int_eq(exitstat_spawn(sleeper, &b), 0);
    err = exitstat_communicate(a, "x", 1, 10000, &out, &len, NULL, NULL, &st);
    exitstat_kill(b);
    ck_assert_int_eq(exitstat_wait(b, 20000, &st), 0);
    exitstat_child_free(b);
    if (err == EXITSTAT_ETIMEDOUT) {
        exitstat_kill(a);
        exitstat_wait(a, 20000, &st);
    }
    exitstat_child_free(a);
    ck_assert_msg(err == 0, "the first child never saw EOF: %s", exitstat_strerror(err));
    ck_assert_uint_eq(len, 1);
    ck_assert_str_eq(out, "x");
    exitstat_free(out);
    exitstat_cmd_free(echo);
    exitstat_cmd_free(sleeper);
}
END_TEST
#endif /* !_WIN32 */

Suite *suite_fds(void)
{
    Suite *s = suite_create("fds");
#ifndef _WIN32
    TCase *tc;

    tc = tcase_create("inherit");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, fds_inheritable_closed_in_child);
    tcase_add_test(tc, fds_inheritable_closed_with_every_option);
    tcase_add_test(tc, fds_handle_cloexec_reaches_stream);
    tcase_add_test(tc, fds_handle_inheritable_unchanged);
    tcase_add_test(tc, fds_handle_closed_rejected);
    tcase_add_test(tc, fds_null_streams);
    tcase_add_test(tc, fds_parent_ends_see_eof);
    tcase_add_test(tc, fds_no_eof_while_running);
    tcase_add_test(tc, fds_later_child_holds_no_copy);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("std");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_checked_fixture(tc, std_save, std_teardown);
    tcase_add_loop_test(tc, fds_std_permutations, 0, 6);
    tcase_add_test(tc, fds_same_handle_for_out_and_err);
    tcase_add_test(tc, fds_merge_follows_stdout);
    tcase_add_loop_test(tc, fds_parent_std_closed, 1, 8);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("limit");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_checked_fixture(tc, nofile_save, nofile_restore);
    tcase_add_test(tc, fds_above_lowered_limit_closed);
    tcase_add_test(tc, fds_tiny_limit);
    suite_add_tcase(s, tc);
#endif
    return s;
}
