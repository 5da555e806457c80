/*
 * test-spawn.c - starting children and reading how they ended (catalogue rows
 * S1, S2, S4, F1-F7, F9 and F8's POSIX analogue E2BIG), exitstat_cmd_resolve,
 * exitstat_child_usage and exitstat_exit_like.
 *
 * The child is the test helper ("exit N", "signal S", "abort", "crash",
 * "sleep MS", "trap-term"). Spawn failures are provoked with files made for
 * the test in a temporary directory: a 0644 file, a directory, a script
 * without "#!", PATH entries holding them.
 *
 * Every test runs between leak_check_begin and leak_check_end: a descriptor
 * or a child (running or zombie) left behind fails it.
 *
 * SPDX-License-Identifier: MIT
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1
#endif

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#  include <errno.h>
#  include <fcntl.h>
#  include <ftw.h>
#  include <signal.h>
#  include <sys/resource.h>
#  include <sys/stat.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <unistd.h>
#endif

#include "testutil.h"
#include "tests.h"

#ifndef PATH_MAX
#  define PATH_MAX 4096
#endif

/* ---- helpers -------------------------------------------------------------- */

/* for messages: the constant's name, or "success" / "not an error" */
static const char *name_of(int err)
{
    const char *n = exitstat_errname(err);
    return n ? n : err > 0 ? "a length (success)" : "not an error";
}

static void run_helper(exitstat_status *st, const char *behaviour, const char *arg)
{
    helper_run(helper_cmd(behaviour, arg, (const char *)NULL), st);
}

/* The contract's invariant: decoding raw again gives the same status. */
static void assert_raw_consistent(const exitstat_status *st)
{
    exitstat_status again;

#ifdef _WIN32
    ck_assert_int_eq(exitstat_status_from_win32(st->raw, &again), 0);
#else
    ck_assert_int_eq(exitstat_status_from_wait((int)st->raw, &again), 0);
#endif
    ck_assert_int_eq(again.kind, st->kind);
    ck_assert_int_eq(again.signal, st->signal);
    ck_assert_int_eq(again.code, st->code);
    ck_assert_uint_eq(again.flags & EXITSTAT_F_COREDUMP, st->flags & EXITSTAT_F_COREDUMP);
    ck_assert_uint_eq(st->reserved[0], 0);
    ck_assert_uint_eq(st->reserved[1], 0);
}

static void assert_exited(const exitstat_status *st, int64_t code)
{
    ck_assert_msg(st->kind == EXITSTAT_EXITED && st->code == code,
                  "expected exit code %lld, got kind %d code %lld signal %d",
                  (long long)code, (int)st->kind, (long long)st->code, (int)st->signal);
    ck_assert_int_eq(st->signal, 0);
#ifndef _WIN32
    ck_assert_uint_eq(st->flags, EXITSTAT_F_CODE8);
    ck_assert_uint_eq(st->raw, (uint32_t)(code & 0xff) << 8);
#endif
    assert_raw_consistent(st);
}

#ifndef _WIN32
static void assert_signaled(const exitstat_status *st, int sig, int killed)
{
    ck_assert_msg(st->kind == EXITSTAT_SIGNALED && st->signal == sig,
                  "expected death by signal %d, got kind %d code %lld signal %d", sig,
                  (int)st->kind, (long long)st->code, (int)st->signal);
    ck_assert_int_eq(st->code, 0);
    ck_assert_uint_eq(st->flags & EXITSTAT_F_KILLED, killed ? EXITSTAT_F_KILLED : 0);
    ck_assert_uint_eq(st->flags & ~(uint32_t)(EXITSTAT_F_KILLED | EXITSTAT_F_COREDUMP), 0);
    assert_raw_consistent(st);
}
#endif

static void assert_same_status(const exitstat_status *a, const exitstat_status *b)
{
    ck_assert_msg(memcmp(a, b, sizeof(*a)) == 0,
                  "statuses differ: kind %d/%d code %lld/%lld signal %d/%d flags %u/%u "
                  "raw 0x%x/0x%x",
                  (int)a->kind, (int)b->kind, (long long)a->code, (long long)b->code,
                  (int)a->signal, (int)b->signal, (unsigned)a->flags, (unsigned)b->flags,
                  (unsigned)a->raw, (unsigned)b->raw);
}

/* exitstat_spawn must fail with want, leave *out NULL and start nothing */
static void expect_spawn_error(const exitstat_cmd *cmd, int want)
{
    exitstat_child *child = (exitstat_child *)&child; /* not NULL: must be cleared */
    int before = count_children();
    int err = exitstat_spawn(cmd, &child);

    if (err == 0) {
        exitstat_status st;
        exitstat_kill(child);
        exitstat_wait(child, -1, &st);
        exitstat_child_free(child);
    }
    ck_assert_msg(err == want, "exitstat_spawn: expected %s, got %s", name_of(want),
                  name_of(err));
    ck_assert_ptr_null(child);
    ck_assert_int_eq(count_children(), before);
}

static exitstat_cmd *new_cmd(const char *program)
{
    exitstat_cmd *cmd = NULL;
    int err = exitstat_cmd_new(&cmd, program);

    ck_assert_msg(err == 0, "exitstat_cmd_new(%s): %s", program, exitstat_strerror(err));
    return cmd;
}

/* ---- S1, S2: exit codes ------------------------------------------------------- */

static const int exit_codes[] = {0, 1, 2, 126, 127, 128, 254, 255};

START_TEST(exit_code_reported)
{
    int code = exit_codes[_i];
    exitstat_child *child;
    exitstat_status st, again;
    exitstat_cmd *cmd;
    char arg[16];
    size_t index = 99;

    snprintf(arg, sizeof(arg), "%d", code);
    cmd = helper_cmd("exit", arg, (const char *)NULL);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    assert_exited(&st, code);
    ck_assert_int_eq(exitstat_status_success(&st), code == 0);

    /* the status is cached: every later wait gives it again, at once */
    memset(&again, 0xa5, sizeof(again));
    ck_assert_int_eq(exitstat_wait(child, 0, &again), 0);
    assert_same_status(&st, &again);
    memset(&again, 0xa5, sizeof(again));
    ck_assert_int_eq(exitstat_wait(child, -1, &again), 0);
    assert_same_status(&st, &again);
    memset(&again, 0xa5, sizeof(again));
    ck_assert_int_eq(exitstat_wait_any(&child, 1, 0, &index, &again), 0);
    ck_assert_uint_eq(index, 0);
    assert_same_status(&st, &again);
    exitstat_child_free(child);
}
END_TEST

START_TEST(exit_code_wide)
{
    exitstat_status st;

    /* S2: Linux keeps 8 bits of _exit's argument, and says so */
    run_helper(&st, "exit", "256");
#ifdef _WIN32
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    ck_assert_int_eq(st.code, 256);
#else
    assert_exited(&st, 0);
    ck_assert_uint_ne(st.flags & EXITSTAT_F_CODE8, 0);
#endif
    run_helper(&st, "exit", "300");
#ifdef _WIN32
    ck_assert_int_eq(st.code, 300);
#else
    assert_exited(&st, 44);
#endif
}
END_TEST

/* ---- S4: deaths by signal ----------------------------------------------------- */

#ifndef _WIN32
START_TEST(signal_death_reported)
{
    static const int sigs[] = {SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE};
    exitstat_status st;
    char arg[16];
    size_t i;

    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        snprintf(arg, sizeof(arg), "%d", sigs[i]);
        run_helper(&st, "signal", arg);
        /* it raised the signal itself: not one this library sent */
        assert_signaled(&st, sigs[i], 0);
        ck_assert_int_eq(exitstat_status_success(&st), 0);
        ck_assert_int_eq(exitstat_status_shell(&st), 128 + sigs[i]);
    }
}
END_TEST

START_TEST(abort_is_sigabrt)
{
    exitstat_status st;

    run_helper(&st, "abort", NULL);
    /* a core may or may not be written (RLIMIT_CORE, core_pattern): the flag
     * must then agree with raw, which assert_raw_consistent checks */
    assert_signaled(&st, SIGABRT, 0);
}
END_TEST

START_TEST(crash_is_sigsegv)
{
    exitstat_status st;

    run_helper(&st, "crash", NULL);
    assert_signaled(&st, SIGSEGV, 0);
}
END_TEST
#endif

/* ---- F1: a program that does not exist ----------------------------------------- */

START_TEST(missing_program_enoent)
{
    exitstat_cmd *cmd;

    /* by path */
    cmd = new_cmd("/nonexistent-exitstat-dir/no-such-program");
    expect_spawn_error(cmd, EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);

    /* by name, through PATH */
    cmd = new_cmd("exitstat-no-such-program-4c1f");
    expect_spawn_error(cmd, EXITSTAT_ENOENT);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);

    /* never reported later as exit code 127: the synchronous error is all */
    cmd = new_cmd("exitstat-no-such-program-4c1f");
    {
        exitstat_status st;
        memset(&st, 0x5a, sizeof(st));
        ck_assert_int_eq(exitstat_run(cmd, 5000, &st), EXITSTAT_ENOENT);
    }
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- a temporary directory of odd files (POSIX) ------------------------------- */

#ifndef _WIN32
static char tmpdir[PATH_MAX];

static void tmp_path(char *buf, size_t size, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", tmpdir, name);
    ck_assert(n > 0 && (size_t)n < size);
}

static void make_file(const char *name, const char *text, mode_t mode)
{
    char path[PATH_MAX];
    int fd;

    tmp_path(path, sizeof(path), name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_msg(fd >= 0, "open(%s): %s", path, strerror(errno));
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    ck_assert_int_eq(close(fd), 0);
    ck_assert_int_eq(chmod(path, mode), 0);
}

static void make_dir(const char *name)
{
    char path[PATH_MAX];

    tmp_path(path, sizeof(path), name);
    ck_assert_msg(mkdir(path, 0755) == 0, "mkdir(%s): %s", path, strerror(errno));
}

/* a copy of the helper that may run: a symlink, so it is what it points to */
static void make_helper_link(const char *name)
{
    char path[PATH_MAX];

    tmp_path(path, sizeof(path), name);
    ck_assert_msg(symlink(helper_path(), path) == 0, "symlink(%s): %s", path, strerror(errno));
}

/* nftw callback: remove everything, children before their directory */
static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static void tmpdir_setup(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/exitstat-spawn-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
    make_file("plain", "#!/bin/sh\nexit 0\n", 0644);  /* not executable */
    make_dir("dir");
    make_file("script", "exit 7\n", 0755);            /* executable, no #! */
    make_dir("a");
    make_dir("b");
    make_dir("c");
    make_dir("d");
    make_file("a/prog", "#!/bin/sh\nexit 0\n", 0644); /* a match we may not run */
    make_helper_link("c/prog");                       /* a match we may run */
    make_dir("d/dir-prog");                           /* a directory match */
    make_helper_link("run-me");
    make_file("a/run-me", "#!/bin/sh\nexit 0\n", 0644);
    make_dir("rel");
    make_helper_link("rel/run-me");
}

static void tmpdir_teardown(void)
{
    if (!tmpdir[0])
        return;
    /* FTW_PHYS: the helper links are removed, never followed */
    nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = '\0';
}

static exitstat_cmd *tmp_cmd(const char *name)
{
    char path[PATH_MAX];

    tmp_path(path, sizeof(path), name);
    return new_cmd(path);
}

/* a command for a bare name searched in the given PATH (relative to tmpdir
 * when an entry does not start with '/'; "" for an empty entry) */
static exitstat_cmd *path_cmd(const char *name, const char *const *entries, size_t n)
{
    char path[4 * PATH_MAX];
    size_t i, len = 0;
    exitstat_cmd *cmd = new_cmd(name);

    path[0] = '\0';
    for (i = 0; i < n; i++) {
        int w;
        if (entries[i][0] == '/' || entries[i][0] == '\0' || entries[i][0] == '.')
            w = snprintf(path + len, sizeof(path) - len, "%s%s", i ? ":" : "", entries[i]);
        else
            w = snprintf(path + len, sizeof(path) - len, "%s%s/%s", i ? ":" : "", tmpdir,
                         entries[i]);
        ck_assert(w >= 0 && (size_t)w < sizeof(path) - len);
        len += (size_t)w;
    }
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", path), 0);
    return cmd;
}

/* ---- F2: permission denied -------------------------------------------------------- */

START_TEST(not_executable_eacces)
{
    static const char *const nonexec_then_nothing[] = {"a", "b"};
    static const char *const dir_then_nothing[] = {"d", "b"};
    exitstat_cmd *cmd;

    cmd = tmp_cmd("plain");
    expect_spawn_error(cmd, EXITSTAT_EACCES);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), EXITSTAT_EACCES);
    exitstat_cmd_free(cmd);

    cmd = tmp_cmd("dir");
    expect_spawn_error(cmd, EXITSTAT_EACCES);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), EXITSTAT_EACCES);
    exitstat_cmd_free(cmd);

    /* PATH: a match we may not run, then a directory without the name: the
     * search remembers the first and reports it, not ENOENT */
    cmd = path_cmd("prog", nonexec_then_nothing, 2);
    expect_spawn_error(cmd, EXITSTAT_EACCES);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), EXITSTAT_EACCES);
    exitstat_cmd_free(cmd);

    /* a directory of that name counts the same */
    cmd = path_cmd("dir-prog", dir_then_nothing, 2);
    expect_spawn_error(cmd, EXITSTAT_EACCES);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(path_skips_non_executable)
{
    static const char *const entries[] = {"a", "b", "c"};
    exitstat_cmd *cmd = path_cmd("prog", entries, 3);
    char want[PATH_MAX], got[PATH_MAX];
    exitstat_status st;

    /* a/prog may not run, b has none, c/prog may: c/prog wins */
    tmp_path(want, sizeof(want), "c/prog");
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, got, sizeof(got)), (int)strlen(want));
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "exit"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "9"), 0);
    helper_run(cmd, &st);
    assert_exited(&st, 9);
}
END_TEST

/* ---- F3: a script without #! -------------------------------------------------------- */

START_TEST(script_without_shebang_enoexec)
{
    exitstat_cmd *cmd = tmp_cmd("script");

    /* execve says ENOEXEC; execvp would retry with /bin/sh, and glibc's
     * posix_spawn deliberately does not: both of our spawn paths agree */
    expect_spawn_error(cmd, EXITSTAT_ENOEXEC);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- F4: a working directory that is not one ---------------------------------------- */

START_TEST(bad_cwd)
{
    char path[PATH_MAX];
    exitstat_cmd *cmd;

    cmd = helper_cmd("exit", "0", (const char *)NULL);
    tmp_path(path, sizeof(path), "no-such-dir");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, path), 0);
    expect_spawn_error(cmd, EXITSTAT_ENOENT);

    tmp_path(path, sizeof(path), "plain");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, path), 0);
    expect_spawn_error(cmd, EXITSTAT_ENOTDIR);

    /* a path through a file is ENOTDIR from the kernel: still the cwd's fault */
    tmp_path(path, sizeof(path), "plain/sub");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, path), 0);
    expect_spawn_error(cmd, EXITSTAT_ENOTDIR);

    /* and a good one works, with the helper found by its absolute path */
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, tmpdir), 0);
    {
        exitstat_status st;
        helper_run(cmd, &st);
        assert_exited(&st, 0);
    }
}
END_TEST

START_TEST(relative_program_with_cwd)
{
    char want[PATH_MAX], got[PATH_MAX];
    exitstat_cmd *cmd = new_cmd("./run-me");
    exitstat_status st;

    /* a program with a '/' is relative to the command's cwd, not ours */
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, tmpdir), 0);
    tmp_path(want, sizeof(want), "./run-me");
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, got, sizeof(got)), (int)strlen(want));
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "exit"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "5"), 0);
    helper_run(cmd, &st);
    assert_exited(&st, 5);

    /* in another directory the same name is another file, or none */
    cmd = new_cmd("./run-me");
    tmp_path(want, sizeof(want), "a");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, want), 0);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), EXITSTAT_EACCES);
    expect_spawn_error(cmd, EXITSTAT_EACCES);
    tmp_path(want, sizeof(want), "b");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, want), 0);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), EXITSTAT_ENOENT);
    expect_spawn_error(cmd, EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- exitstat_cmd_resolve ------------------------------------------------------------ */

START_TEST(resolve_snprintf_contract)
{
    static const char *const entries[] = {"c"};
    exitstat_cmd *cmd = path_cmd("prog", entries, 1);
    char want[PATH_MAX], buf[PATH_MAX];
    int len;

    tmp_path(want, sizeof(want), "c/prog");
    len = (int)strlen(want);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), len);
    /* too small: truncated, NUL-terminated, the full length returned */
    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, 5), len);
    ck_assert(strncmp(buf, want, 4) == 0 && buf[4] == '\0' && buf[5] == 'x');
    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, 1), len);
    ck_assert_int_eq(buf[0], '\0');
    /* exactly the length: one byte short of the NUL */
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, (size_t)len), len);
    ck_assert_int_eq(strlen(buf), len - 1);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, (size_t)len + 1), len);
    ck_assert_str_eq(buf, want);

    ck_assert_int_eq(exitstat_cmd_resolve(NULL, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 10), EXITSTAT_EINVAL);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(resolve_never_searches_cwd)
{
    static const char *const empty_first[] = {"", "b"};
    static const char *const empty_last[] = {"b", ""};
    static const char *const dot[] = {".", "b"};
    exitstat_cmd *cmds[4];
    int resolved[4], spawned[4], i;
    char cwd[PATH_MAX];

    /* run-me sits in tmpdir and in tmpdir/rel; with the current directory
     * there, no empty or relative PATH entry may find it */
    cmds[0] = path_cmd("run-me", empty_first, 2);
    cmds[1] = path_cmd("run-me", empty_last, 2);
    cmds[2] = path_cmd("run-me", dot, 2);
    cmds[3] = new_cmd("run-me");
    ck_assert_int_eq(exitstat_cmd_env(cmds[3], "PATH", "rel:./rel:../x"), 0);

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_int_eq(chdir(tmpdir), 0);
    for (i = 0; i < 4; i++) {
        exitstat_child *child = NULL;
        resolved[i] = exitstat_cmd_resolve(cmds[i], NULL, 0);
        spawned[i] = exitstat_spawn(cmds[i], &child);
        if (child) { /* a bug: clean up before the assertions below */
            exitstat_status st;
            exitstat_kill(child);
            exitstat_wait(child, -1, &st);
            exitstat_child_free(child);
        }
    }
    /* back before asserting, so that a failure leaves the process as it was */
    ck_assert_int_eq(chdir(cwd), 0);
    for (i = 0; i < 4; i++) {
        ck_assert_msg(resolved[i] == EXITSTAT_ENOENT && spawned[i] == EXITSTAT_ENOENT,
                      "case %d: resolve %s, spawn %s", i, name_of(resolved[i]),
                      name_of(spawned[i]));
        exitstat_cmd_free(cmds[i]);
    }
}
END_TEST

START_TEST(resolve_default_path)
{
    char got[PATH_MAX];
    exitstat_cmd *cmd = new_cmd("sh");
    exitstat_status st;
    int n;

    /* without PATH in the child's environment: confstr(_CS_PATH), which has
     * sh on every POSIX system */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", NULL), 0);
    n = exitstat_cmd_resolve(cmd, got, sizeof(got));
    ck_assert_msg(n > 0, "resolve sh without PATH: %s", name_of(n));
    ck_assert_msg(strcmp(got + n - 3, "/sh") == 0 && got[0] == '/', "resolved to %s", got);
    ck_assert_int_eq(access(got, X_OK), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "-c"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "exit 4"), 0);
    helper_run(cmd, &st);
    assert_exited(&st, 4);

    /* env_clear likewise leaves no PATH */
    cmd = new_cmd("sh");
    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, got, sizeof(got)), n);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- F5: many failures leak nothing -------------------------------------------------- */

START_TEST(many_failures_leak_nothing)
{
    char path[PATH_MAX];
    exitstat_cmd *cmds[4];
    int want[4], before = count_children(), i;

    cmds[0] = new_cmd("/nonexistent-exitstat-dir/prog");
    want[0] = EXITSTAT_ENOENT;
    cmds[1] = tmp_cmd("script");
    want[1] = EXITSTAT_ENOEXEC;
    cmds[2] = tmp_cmd("plain");
    want[2] = EXITSTAT_EACCES;
    cmds[3] = helper_cmd("exit", "0", (const char *)NULL);
    tmp_path(path, sizeof(path), "no-such-dir");
    ck_assert_int_eq(exitstat_cmd_cwd(cmds[3], path), 0);
    want[3] = EXITSTAT_ENOENT;
    /* with every stream piped or redirected, so that the failure paths have
     * descriptors to close */
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(exitstat_cmd_stdio(cmds[i], 0, EXITSTAT_PIPE, 0), 0);
        ck_assert_int_eq(exitstat_cmd_stdio(cmds[i], 1, i % 2 ? EXITSTAT_NULL : EXITSTAT_PIPE, 0),
                         0);
        ck_assert_int_eq(exitstat_cmd_stdio(cmds[i], 2, EXITSTAT_MERGE, 0), 0);
    }

    for (i = 0; i < 1000; i++) {
        exitstat_child *child = (exitstat_child *)cmds;
        int err = exitstat_spawn(cmds[i % 4], &child);
        if (err != want[i % 4] || child != NULL)
            ck_abort_msg("spawn %d: expected %s, got %s", i, name_of(want[i % 4]),
                         name_of(err));
    }
    /* no zombie: failed children were reaped by spawn itself */
    ck_assert_int_eq(count_children(), before);
    for (i = 0; i < 4; i++)
        exitstat_cmd_free(cmds[i]);
    /* the fixture checks the descriptors */
}
END_TEST

/* ---- E2BIG: an argument list over ARG_MAX --------------------------------------------- */

START_TEST(argv_too_big)
{
    long arg_max = sysconf(_SC_ARG_MAX);
    size_t total, each = 100 * 1024, n, i; /* each under Linux's 128 KiB per string */
    exitstat_cmd *cmd = helper_cmd("exit", "0", (const char *)NULL);
    char *big = malloc(each + 1);

    /* Linux caps the total at 6 MiB whatever the stack limit (fs/exec.c),
     * others at ARG_MAX: go well over both */
    total = 16u << 20;
    if (arg_max > 0 && (unsigned long)arg_max < (256ul << 20) && (size_t)arg_max * 2 > total)
        total = (size_t)arg_max * 2;
    n = total / each + 1;
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', each);
    big[each] = '\0';
    for (i = 0; i < n; i++)
        ck_assert_int_eq(exitstat_cmd_arg(cmd, big), 0);
    free(big);
    expect_spawn_error(cmd, EXITSTAT_E2BIG);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- F9: when spawn returns, the new program is running ----------------------------- */

START_TEST(terminate_right_after_spawn)
{
    char helper_real[PATH_MAX];
    int i, exited42 = 0, termed = 0;

    ck_assert_ptr_nonnull(realpath(helper_path(), helper_real));
    for (i = 0; i < 20; i++) {
        exitstat_cmd *cmd = helper_cmd("trap-term", (const char *)NULL);
        exitstat_child *child;
        exitstat_status st;
        char link[64], exe[PATH_MAX];
        ssize_t n;

        ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0), 0);
        ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
        exitstat_cmd_free(cmd);
#  if defined(__linux__)
        /* the process already is the helper: exec happened before spawn
         * returned, so a signal now cannot reach a copy of this process */
        snprintf(link, sizeof(link), "/proc/%lld/exe", (long long)exitstat_child_pid(child));
        n = readlink(link, exe, sizeof(exe) - 1);
        if (n >= 0)
            exe[n] = '\0';
#  else
        n = -1;
        (void)link;
        (void)exe;
#  endif
        ck_assert_int_eq(exitstat_terminate(child), 0);
        ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
        exitstat_child_free(child);
#  if defined(__linux__)
        ck_assert_msg(n > 0 && strcmp(exe, helper_real) == 0,
                      "spawn returned while the child was still %s", n > 0 ? exe : "?");
#  endif
        /* either the signal came before the helper's handler was installed
         * (death by our SIGTERM) or after (its handler exits 42); a failed
         * exec (127), a copy of the parent (anything else) are bugs */
        if (st.kind == EXITSTAT_EXITED && st.code == 42) {
            exited42++;
        } else {
            assert_signaled(&st, SIGTERM, 1);
            termed++;
        }
    }
    ck_assert_int_eq(exited42 + termed, 20);
}
END_TEST
#endif /* !_WIN32 */

/* ---- F6, F7: invalid arguments -------------------------------------------------------- */

START_TEST(invalid_arguments)
{
    exitstat_cmd *cmd = (exitstat_cmd *)&cmd;
    exitstat_child *child = (exitstat_child *)&child;
    exitstat_status st;
    exitstat_usage usage;

    /* NULL or empty program. (A NUL inside a program, argument, directory or
     * variable cannot reach the library at all: through this C API every
     * string ends at its first NUL, so "a\0b" simply is "a".) */
    ck_assert_int_eq(exitstat_cmd_new(&cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_ptr_null(cmd);
    cmd = (exitstat_cmd *)&cmd;
    ck_assert_int_eq(exitstat_cmd_new(&cmd, ""), EXITSTAT_EINVAL);
    ck_assert_ptr_null(cmd);
    ck_assert_int_eq(exitstat_cmd_new(NULL, "x"), EXITSTAT_EINVAL);

    ck_assert_int_eq(exitstat_spawn(NULL, &child), EXITSTAT_EINVAL);
    ck_assert_ptr_null(child);
    cmd = helper_cmd("exit", "0", (const char *)NULL);
    ck_assert_int_eq(exitstat_spawn(cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_run(NULL, 0, &st), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_run(cmd, 0, NULL), EXITSTAT_EINVAL);
    exitstat_cmd_free(cmd);

    ck_assert_int_eq(exitstat_wait(NULL, 0, &st), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_child_usage(NULL, &usage), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_child_pid(NULL), -1);
    ck_assert_int_eq(exitstat_child_handle(NULL), -1);
    ck_assert_int_eq(exitstat_child_stdio(NULL, 1), -1);
    exitstat_child_free(NULL);
    exitstat_cmd_free(NULL);
}
END_TEST

/* ---- exitstat_child_usage ----------------------------------------------------------- */

START_TEST(usage_after_end)
{
    exitstat_cmd *cmd = helper_cmd("sleep", "200", (const char *)NULL);
    exitstat_child *child;
    exitstat_status st;
    exitstat_usage u;
    int64_t t0 = now_ms(), elapsed;

    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    /* not before its status has been collected */
    memset(&u, 0x5a, sizeof(u));
    ck_assert_int_eq(exitstat_child_usage(child, &u), EXITSTAT_ETIMEDOUT);
    ck_assert_int_eq(exitstat_child_usage(child, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    elapsed = now_ms() - t0;
    assert_exited(&st, 0);
    ck_assert_int_eq(exitstat_child_usage(child, &u), 0);
    exitstat_child_free(child);

    /* wall: from spawn to the end being noticed, within what we measured */
    ck_assert_msg(u.wall_us >= 200000 && u.wall_us <= (elapsed + 1) * 1000,
                  "wall %lld us, measured %lld ms", (long long)u.wall_us, (long long)elapsed);
#ifdef __linux__
    /* a sleeping helper uses little CPU and a few MiB (more with sanitizers) */
    ck_assert_msg(u.user_us >= 0 && u.sys_us >= 0 && u.user_us + u.sys_us <= u.wall_us,
                  "user %lld us, sys %lld us, wall %lld us", (long long)u.user_us,
                  (long long)u.sys_us, (long long)u.wall_us);
    ck_assert_msg(u.maxrss_kib > 100 && u.maxrss_kib < 4 * 1024 * 1024, "maxrss %lld KiB",
                  (long long)u.maxrss_kib);
#else
    ck_assert(u.user_us >= -1 && u.sys_us >= -1 && u.maxrss_kib >= -1);
#endif
}
END_TEST

/* ---- exitstat_exit_like (POSIX: needs fork) ------------------------------------------- */

#ifndef _WIN32
/* fork a process that calls exitstat_exit_like(in) and return its wait word */
static int exit_like_in_child(const exitstat_status *in)
{
    int status;
    pid_t pid = fork(), r;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* no core files from the signal cases */
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        exitstat_exit_like(in);
    }
    do
        r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    ck_assert_int_eq(r, pid);
    return status;
}

START_TEST(exit_like_reproduces_status)
{
    static const struct {
        int kind, signal;
        int64_t code;
        int want_exit, want_signal;
    } cases[] = {
        {EXITSTAT_EXITED, 0, 0, 0, 0},
        {EXITSTAT_EXITED, 0, 1, 1, 0},
        {EXITSTAT_EXITED, 0, 3, 3, 0},
        {EXITSTAT_EXITED, 0, 255, 255, 0},
        {EXITSTAT_EXITED, 0, 256, 1, 0},          /* low 8 bits 0: not success */
        {EXITSTAT_EXITED, 0, 0xC0000100, 1, 0},   /* likewise, a Windows code */
        {EXITSTAT_EXITED, 0, 0x101, 1, 0},        /* 8 bits kept when nonzero */
        {EXITSTAT_SIGNALED, SIGSEGV, 0, -1, SIGSEGV},
        {EXITSTAT_SIGNALED, SIGTERM, 0, -1, SIGTERM},
        {EXITSTAT_SIGNALED, SIGKILL, 0, -1, SIGKILL},
        {EXITSTAT_SIGNALED, SIGABRT, 0, -1, SIGABRT},
        {EXITSTAT_STOPPED, SIGSTOP, 0, 1, 0},     /* not an end */
        {EXITSTAT_CONTINUED, 0, 0, 1, 0},
        {EXITSTAT_UNKNOWN, 0, 0, 1, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        exitstat_status in;
        int w;

        memset(&in, 0, sizeof(in));
        in.kind = cases[i].kind;
        in.signal = cases[i].signal;
        in.code = cases[i].code;
        w = exit_like_in_child(&in);
        if (cases[i].want_signal) {
            ck_assert_msg(WIFSIGNALED(w) && WTERMSIG(w) == cases[i].want_signal,
                          "case %zu: wait word 0x%04x, expected signal %d", i, (unsigned)w,
                          cases[i].want_signal);
            ck_assert_msg(!WCOREDUMP(w), "case %zu: core dumped despite RLIMIT_CORE 0", i);
        } else {
            ck_assert_msg(WIFEXITED(w) && WEXITSTATUS(w) == cases[i].want_exit,
                          "case %zu: wait word 0x%04x, expected exit %d", i, (unsigned)w,
                          cases[i].want_exit);
        }
    }
    /* NULL: exit 1 */
    {
        int status;
        pid_t pid = fork(), r;
        ck_assert_int_ge(pid, 0);
        if (pid == 0)
            exitstat_exit_like(NULL);
        do
            r = waitpid(pid, &status, 0);
        while (r < 0 && errno == EINTR);
        ck_assert_int_eq(r, pid);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    }
}
END_TEST

/* a wrapper passing a real child's status on: the same wait word results */
START_TEST(exit_like_round_trip)
{
    static const char *const behaviours[][2] = {
        {"exit", "0"}, {"exit", "77"}, {"signal", "15"}, {"signal", "9"}, {"crash", NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(behaviours) / sizeof(behaviours[0]); i++) {
        exitstat_status st;
        int w;

        run_helper(&st, behaviours[i][0], behaviours[i][1]);
        w = exit_like_in_child(&st);
        /* the core bit depends on RLIMIT_CORE, which the forked child lowered */
        ck_assert_msg((w & 0xff7f) == (int)(st.raw & 0xff7f),
                      "%s %s: child 0x%04x, wrapper 0x%04x", behaviours[i][0],
                      behaviours[i][1] ? behaviours[i][1] : "", (unsigned)st.raw, (unsigned)w);
    }
}
END_TEST
#endif

/* ---- the suite ---------------------------------------------------------------------- */

static TCase *process_tcase(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_set_timeout(tc, 120);
    return tc;
}

Suite *suite_spawn(void)
{
    Suite *s = suite_create("spawn");
    TCase *tc;

    tc = process_tcase("status");
    tcase_add_loop_test(tc, exit_code_reported, 0,
                        (int)(sizeof(exit_codes) / sizeof(exit_codes[0])));
    tcase_add_test(tc, exit_code_wide);
#ifndef _WIN32
    tcase_add_test(tc, signal_death_reported);
    tcase_add_test(tc, abort_is_sigabrt);
    tcase_add_test(tc, crash_is_sigsegv);
#endif
    tcase_add_test(tc, usage_after_end);
    suite_add_tcase(s, tc);

    tc = process_tcase("errors");
    tcase_add_test(tc, missing_program_enoent);
    tcase_add_test(tc, invalid_arguments);
#ifndef _WIN32
    /* the temporary directory is made and removed around each test, inside
     * the leak check (unchecked fixtures would run only once in CK_FORK=no) */
    tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
    tcase_add_test(tc, not_executable_eacces);
    tcase_add_test(tc, path_skips_non_executable);
    tcase_add_test(tc, script_without_shebang_enoexec);
    tcase_add_test(tc, bad_cwd);
    tcase_add_test(tc, relative_program_with_cwd);
    tcase_add_test(tc, resolve_snprintf_contract);
    tcase_add_test(tc, resolve_never_searches_cwd);
    tcase_add_test(tc, resolve_default_path);
    tcase_add_test(tc, many_failures_leak_nothing);
    tcase_add_test(tc, argv_too_big);
#endif
    suite_add_tcase(s, tc);

#ifndef _WIN32
    tc = process_tcase("exec");
    tcase_add_test(tc, terminate_right_after_spawn);
    tcase_add_test(tc, exit_like_reproduces_status);
    tcase_add_test(tc, exit_like_round_trip);
    suite_add_tcase(s, tc);
#endif
    return s;
}
