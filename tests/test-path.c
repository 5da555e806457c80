/*
 * test-path.c - which file a command runs (catalogue rows R1-R4, and F2 through
 * PATH), and exitstat_cmd_resolve telling the same.
 *
 * The contract: a program without '/' is searched in the PATH of the child's
 * environment (the parent's unless the command sets, unsets or clears it;
 * confstr(_CS_PATH) when the child has none); empty and relative entries are
 * skipped, so the current directory is never searched; the first regular file
 * we may execute wins, and a match we may not execute (or a directory) makes
 * the result EXITSTAT_EACCES unless something better follows. A program with a
 * '/' is not searched, and a relative one is taken from the command's working
 * directory.
 *
 * Each test builds its files in a fresh directory (the fixtures make it and
 * remove it, and put back this process's working directory and PATH). The
 * programs are shell scripts that exit with a code of their own, so the code
 * says which file ran; exitstat_cmd_resolve must name that same file.
 *
 * SPDX-License-Identifier: MIT
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tests.h"

#ifndef _WIN32
#  include <errno.h>
#  include <fcntl.h>
#  include <ftw.h>
#  include <limits.h>
#  include <sys/stat.h>
#  include <unistd.h>

#  ifndef NAME_MAX
#    define NAME_MAX 255
#  endif

/* ---- the fixtures: a directory of our own, cwd and PATH put back ------------ */

/* The test case's directory, made and removed in the runner process (an
 * unchecked fixture), so that it goes away even when a failed test's process
 * ended without its teardown; each test works in a fresh directory in it. */
static char basedir[PATH_MAX];
static char tmpdir[PATH_MAX];
static char saved_cwd[PATH_MAX];
static char *saved_path; /* NULL: PATH was not set */

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(char *dir)
{
    if (dir[0])
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    dir[0] = '\0';
}

static void base_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    char templ[PATH_MAX];

    snprintf(templ, sizeof(templ), "%s/exitstat-path-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(templ));
    ck_assert_ptr_nonnull(realpath(templ, basedir));
}

static void base_teardown(void)
{
    remove_tree(basedir);
}

static void path_setup(void)
{
    const char *path = getenv("PATH");
    int n;

    ck_assert_ptr_nonnull(getcwd(saved_cwd, sizeof(saved_cwd)));
    saved_path = path ? strdup(path) : NULL;
    ck_assert(!path || saved_path);
    n = snprintf(tmpdir, sizeof(tmpdir), "%s/test-XXXXXX", basedir);
    ck_assert(n > 0 && (size_t)n < sizeof(tmpdir));
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void path_teardown(void)
{
    int cwd_ok = chdir(saved_cwd) == 0;

    if (saved_path)
        setenv("PATH", saved_path, 1);
    else
        unsetenv("PATH");
    free(saved_path);
    saved_path = NULL;
    remove_tree(tmpdir);
    ck_assert_msg(cwd_ok, "cannot go back to %s", saved_cwd);
}

/* ---- files ------------------------------------------------------------------- */

/* tmpdir joined with a printf-formatted relative path; a few results can be
 * alive at once (a ring of buffers) */
#  if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#  endif
static const char *at(const char *fmt, ...)
{
    static char ring[8][PATH_MAX * 2];
    static unsigned next;
    char *buf = ring[next++ % 8];
    size_t n = (size_t)snprintf(buf, PATH_MAX, "%s/", tmpdir);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof(ring[0]) - n, fmt, ap);
    va_end(ap);
    return buf;
}

static void make_dir(const char *rel)
{
    ck_assert_msg(mkdir(at("%s", rel), 0755) == 0, "mkdir %s: %s", rel, strerror(errno));
}

/* A script at tmpdir/rel that exits with code, with the given mode. */
static void make_script(const char *rel, int code, mode_t mode)
{
    char text[64];
    const char *path = at("%s", rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int n = snprintf(text, sizeof(text), "#!/bin/sh\nexit %d\n", code);

    ck_assert_msg(fd >= 0, "creating %s: %s", path, strerror(errno));
    ck_assert_int_eq(write(fd, text, (size_t)n), n);
    ck_assert_int_eq(close(fd), 0);
    ck_assert_int_eq(chmod(path, mode), 0);
}

/* ---- running ------------------------------------------------------------------ */

static exitstat_cmd *new_cmd(const char *program)
{
    exitstat_cmd *cmd = NULL;

    ck_assert_int_eq(exitstat_cmd_new(&cmd, program), 0);
    return cmd;
}

/* Spawn and wait: the spawn's error, or 0 and the exit code in *code. */
static int run_code(const exitstat_cmd *cmd, int *code)
{
    exitstat_child *child = NULL;
    exitstat_status st;
    int err;

    *code = -1;
    err = exitstat_spawn(cmd, &child);
    if (err < 0) {
        ck_assert_ptr_null(child);
        return err;
    }
    err = exitstat_wait(child, 20000, &st);
    exitstat_child_free(child);
    ck_assert_msg(err == 0, "exitstat_wait: %s", exitstat_strerror(err));
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    *code = (int)st.code;
    return 0;
}

/* cmd runs the file path, which exits with code; resolve names it. */
static void expect_runs(const exitstat_cmd *cmd, int code, const char *path)
{
    char buf[PATH_MAX * 2];
    int err, got, n;

    err = run_code(cmd, &got);
    ck_assert_msg(err == 0, "%s: spawn failed: %s", path, exitstat_strerror(err));
    ck_assert_msg(got == code, "%s: exit code %d, wanted %d (another file ran)", path, got, code);
    n = exitstat_cmd_resolve(cmd, buf, sizeof(buf));
    ck_assert_msg(n >= 0, "%s: resolve failed: %s", path, exitstat_strerror(n));
    ck_assert_str_eq(buf, path);
    ck_assert_int_eq(n, (int)strlen(path));
}

/* cmd fails to spawn with err, and resolve says the same. */
static void expect_fails(const exitstat_cmd *cmd, int err, const char *what)
{
    char buf[PATH_MAX * 2];
    int got, code, n;

    got = run_code(cmd, &code);
    ck_assert_msg(got == err, "%s: spawn gave %s (exit code %d), wanted %s", what,
                  exitstat_errname(got), code, exitstat_errname(err));
    n = exitstat_cmd_resolve(cmd, buf, sizeof(buf));
    ck_assert_msg(n == err, "%s: resolve gave %d (%s), wanted %s", what, n,
                  n >= 0 ? buf : exitstat_errname(n), exitstat_errname(err));
}

/* ---- R1: the child's PATH ---------------------------------------------------------- */

START_TEST(path_of_the_command_is_searched)
{
    exitstat_cmd *cmd;

    make_dir("bin");
    make_dir("parent");
    make_script("bin/es-r1", 41, 0755);
    make_script("parent/es-r1", 42, 0755);
    make_script("parent/es-r1-only", 43, 0755);
    ck_assert_int_eq(setenv("PATH", at("parent"), 1), 0);

    cmd = new_cmd("es-r1");
    /* untouched: the parent's PATH */
    expect_runs(cmd, 42, at("parent/es-r1"));
    /* changed, but not PATH: still the parent's */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "EXITSTAT_T_R1", "x"), 0);
    expect_runs(cmd, 42, at("parent/es-r1"));
    /* set by the command: that one only */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("bin")), 0);
    expect_runs(cmd, 41, at("bin/es-r1"));
    /* and it stays so with the environment cleared after it */
    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    expect_runs(cmd, 41, at("bin/es-r1"));
    exitstat_cmd_free(cmd);

    cmd = new_cmd("es-r1-only");
    expect_runs(cmd, 43, at("parent/es-r1-only"));
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("bin")), 0);
    expect_fails(cmd, EXITSTAT_ENOENT, "only in the parent's PATH");
    exitstat_cmd_free(cmd);
}
END_TEST

/* The parent's PATH is read when spawning, not when building. */
START_TEST(path_of_the_parent_read_at_spawn)
{
    exitstat_cmd *cmd;

    make_dir("one");
    make_dir("two");
    make_script("one/es-late", 41, 0755);
    make_script("two/es-late", 42, 0755);
    ck_assert_int_eq(setenv("PATH", at("one"), 1), 0);
    cmd = new_cmd("es-late");
    expect_runs(cmd, 41, at("one/es-late"));
    ck_assert_int_eq(setenv("PATH", at("two"), 1), 0);
    expect_runs(cmd, 42, at("two/es-late"));
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- R2: no PATH at all -------------------------------------------------------------- */

/* The file "sh" the default search path gives: its first absolute entry with
 * an executable sh (what the contract says the child gets without PATH). */
static void default_sh(char *buf, size_t size)
{
    char path[1024], *dir, *save = NULL;
    size_t n = confstr(_CS_PATH, path, sizeof(path));

    if (n == 0 || n > sizeof(path))
        strcpy(path, "/bin:/usr/bin");
    for (dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        snprintf(buf, size, "%s/sh", dir);
        if (dir[0] == '/' && access(buf, X_OK) == 0)
            return;
    }
    ck_abort_msg("no sh in the default search path %s", path);
}

START_TEST(path_unset_searches_the_default)
{
    char sh[PATH_MAX];
    exitstat_cmd *cmd;
    int round;

    default_sh(sh, sizeof(sh));
    make_dir("decoy");
    make_dir("cwd");
    /* a decoy sh in the parent's PATH and one in the working directory */
    make_script("decoy/sh", 41, 0755);
    make_script("cwd/sh", 42, 0755);
    make_script("cwd/es-r2", 43, 0755);
    ck_assert_int_eq(setenv("PATH", at("decoy"), 1), 0);
    ck_assert_int_eq(chdir(at("cwd")), 0);

    /* unset by the command, then cleared altogether */
    for (round = 0; round < 2; round++) {
        cmd = new_cmd("sh");
        ck_assert_int_eq(exitstat_cmd_arg(cmd, "-c"), 0);
        ck_assert_int_eq(exitstat_cmd_arg(cmd, "exit 5"), 0);
        ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("cwd")), 0);
        if (round == 0)
            ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", NULL), 0);
        else
            ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
        expect_runs(cmd, 5, sh);
        exitstat_cmd_free(cmd);

        /* only in the working directory: not found */
        cmd = new_cmd("es-r2");
        ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("cwd")), 0);
        if (round == 0)
            ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", NULL), 0);
        else
            ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
        expect_fails(cmd, EXITSTAT_ENOENT, "es-r2 in the working directory");
        exitstat_cmd_free(cmd);
    }

    /* the parent without PATH: the default too */
    ck_assert_int_eq(unsetenv("PATH"), 0);
    cmd = new_cmd("sh");
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "-c"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "exit 6"), 0);
    expect_runs(cmd, 6, sh);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- R3: empty and relative entries --------------------------------------------------- */

START_TEST(path_relative_entries_never_search_the_cwd)
{
    static const char *const values[] = {
        "", ":", "::", ".", "./", "..", "../", "../x", "x", "sub/..", ".:..:x", "./.",
        "/nonexistent-exitstat::/nonexistent-exitstat2", ":/usr/bin", "/usr/bin:",
    };
    const char *shdir = access("/usr/bin/sh", X_OK) == 0 ? "/usr/bin" : "/bin";
    char value[PATH_MAX * 2];
    exitstat_cmd *cmd;
    size_t i;

    /* a copy wherever a relative entry could point from tmpdir/sub */
    make_dir("sub");
    make_dir("sub/sub");
    make_dir("sub/x");
    make_dir("x");
    make_script("sub/es-r3", 41, 0755);
    make_script("sub/x/es-r3", 42, 0755);
    make_script("x/es-r3", 43, 0755);
    make_script("es-r3", 44, 0755);
    make_script("sub/sh", 45, 0755);
    ck_assert_int_eq(chdir(at("sub")), 0);

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        cmd = new_cmd("es-r3");
        ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("sub")), 0);
        ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", values[i]), 0);
        expect_fails(cmd, EXITSTAT_ENOENT, values[i]);
        exitstat_cmd_free(cmd);
    }

    /* the absolute entries around empty ones still count (and the sh in
     * the working directory is not the one run) */
    for (i = 0; i < 3; i++) {
        static const char *const before[] = {":", "", ".::"}, *const after[] = {"", ":", ""};
        char sh[PATH_MAX];

        snprintf(value, sizeof(value), "%s%s%s", before[i], shdir, after[i]);
        snprintf(sh, sizeof(sh), "%s/sh", shdir);
        cmd = new_cmd("sh");
        ck_assert_int_eq(exitstat_cmd_arg(cmd, "-c"), 0);
        ck_assert_int_eq(exitstat_cmd_arg(cmd, "exit 7"), 0);
        ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("sub")), 0);
        ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", value), 0);
        expect_runs(cmd, 7, sh);
        exitstat_cmd_free(cmd);
    }
    /* relative entries first do not hide an absolute one after them */
    snprintf(value, sizeof(value), ".:..:x::%s", at("x"));
    cmd = new_cmd("es-r3");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("sub")), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", value), 0);
    expect_runs(cmd, 43, at("x/es-r3"));
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- R4: a program with a '/' ------------------------------------------------------------ */

START_TEST(path_slash_is_not_searched)
{
    exitstat_cmd *cmd;
    struct stat a, b;
    char buf[PATH_MAX];
    int code;

    make_dir("p");
    make_dir("p/d");
    make_dir("a");
    make_dir("b");
    make_script("p/d/es-r4", 41, 0755);
    make_script("a/es-r4", 42, 0755);
    make_script("b/es-r4", 43, 0755);
    ck_assert_int_eq(chdir(tmpdir), 0);

    /* d/es-r4 exists under a PATH entry, but a path is not searched */
    cmd = new_cmd("d/es-r4");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("p")), 0);
    expect_fails(cmd, EXITSTAT_ENOENT, "d/es-r4");
    exitstat_cmd_free(cmd);

    /* relative to the command's working directory, not to ours */
    ck_assert_int_eq(chdir(at("b")), 0);
    cmd = new_cmd("./es-r4");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("a")), 0);
    expect_runs(cmd, 42, at("a/./es-r4"));
    exitstat_cmd_free(cmd);
    cmd = new_cmd("../a/es-r4");
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, at("p")), 0);
    expect_runs(cmd, 42, at("p/../a/es-r4"));
    exitstat_cmd_free(cmd);

    /* without one, relative to ours; resolve names that file */
    cmd = new_cmd("./es-r4");
    ck_assert_int_eq(run_code(cmd, &code), 0);
    ck_assert_int_eq(code, 43);
    ck_assert_int_gt(exitstat_cmd_resolve(cmd, buf, sizeof(buf)), 0);
    ck_assert_int_eq(stat(buf, &a), 0);
    ck_assert_int_eq(stat(at("b/es-r4"), &b), 0);
    ck_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    exitstat_cmd_free(cmd);

    /* an absolute one needs no PATH at all */
    cmd = new_cmd(at("a/es-r4"));
    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    expect_runs(cmd, 42, at("a/es-r4"));
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- F2 through PATH ---------------------------------------------------------------------- */

START_TEST(path_skips_what_it_cannot_run)
{
    exitstat_cmd *cmd;

    make_dir("a");
    make_dir("b");
    make_dir("c");
    make_script("file", 40, 0755);
    make_script("a/es-f2", 41, 0644);
    make_script("b/es-f2", 42, 0755);
    make_script("a/es-f2-only", 41, 0644);
    make_dir("a/es-f2-dir");
    make_script("b/es-f2-dir", 42, 0755);
    make_dir("a/es-f2-onlydir");
    make_script("c/es-f2", 43, 0755);
    ck_assert_int_eq(symlink(at("nowhere"), at("a/es-f2-dangling")), 0);
    make_script("b/es-f2-dangling", 42, 0755);
    ck_assert_int_eq(symlink(at("b/es-f2"), at("c/es-f2-link")), 0);

    /* not executable first, executable later: the later one */
    cmd = new_cmd("es-f2");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("a:%s/b", tmpdir)), 0);
    expect_runs(cmd, 42, at("b/es-f2"));
    /* the first executable one wins */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("c:%s/b", tmpdir)), 0);
    expect_runs(cmd, 43, at("c/es-f2"));
    /* an entry that is a file, not a directory, is passed over */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("file:%s/b", tmpdir)), 0);
    expect_runs(cmd, 42, at("b/es-f2"));
    exitstat_cmd_free(cmd);

    /* only a file we may not run: permission denied, not "not found" */
    cmd = new_cmd("es-f2-only");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("a:%s/b", tmpdir)), 0);
    expect_fails(cmd, EXITSTAT_EACCES, "es-f2-only, mode 0644");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("b:%s/a", tmpdir)), 0);
    expect_fails(cmd, EXITSTAT_EACCES, "es-f2-only, mode 0644, last entry");
    exitstat_cmd_free(cmd);

    /* a directory of that name is passed over, and is EACCES alone */
    cmd = new_cmd("es-f2-dir");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("a:%s/b", tmpdir)), 0);
    expect_runs(cmd, 42, at("b/es-f2-dir"));
    exitstat_cmd_free(cmd);
    cmd = new_cmd("es-f2-onlydir");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("a:%s/b", tmpdir)), 0);
    expect_fails(cmd, EXITSTAT_EACCES, "es-f2-onlydir, a directory");
    exitstat_cmd_free(cmd);

    /* a dangling symbolic link is nothing; a good one is run by its name */
    cmd = new_cmd("es-f2-dangling");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("a:%s/b", tmpdir)), 0);
    expect_runs(cmd, 42, at("b/es-f2-dangling"));
    exitstat_cmd_free(cmd);
    cmd = new_cmd("es-f2-link");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("c")), 0);
    expect_runs(cmd, 42, at("c/es-f2-link"));
    exitstat_cmd_free(cmd);

    /* the same errors for a path given with a '/' */
    cmd = new_cmd(at("a/es-f2"));
    expect_fails(cmd, EXITSTAT_EACCES, "a/es-f2 by path");
    exitstat_cmd_free(cmd);
    cmd = new_cmd(at("a/es-f2-dir"));
    expect_fails(cmd, EXITSTAT_EACCES, "a/es-f2-dir by path");
    exitstat_cmd_free(cmd);
    cmd = new_cmd(at("a/missing"));
    expect_fails(cmd, EXITSTAT_ENOENT, "a/missing by path");
    exitstat_cmd_free(cmd);
    cmd = new_cmd(at("file/es-f2"));
    expect_fails(cmd, EXITSTAT_ENOENT, "file/es-f2: below a file");
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- resolve: snprintf-like ----------------------------------------------------------------- */

START_TEST(resolve_is_snprintf_like)
{
    exitstat_cmd *cmd;
    char buf[PATH_MAX + 16];
    const char *want;
    size_t len, size;

    make_dir("bin");
    make_script("bin/es-res", 41, 0755);
    want = at("bin/es-res");
    len = strlen(want);
    cmd = new_cmd("es-res");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("bin")), 0);

    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 0), (int)len);
    memset(buf, 'X', sizeof(buf));
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, 0), (int)len);
    ck_assert_int_eq(buf[0], 'X');
    for (size = 1; size <= len + 2; size++) {
        size_t kept = size - 1 < len ? size - 1 : len;
        memset(buf, 'X', sizeof(buf));
        ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, size), (int)len);
        ck_assert_msg(memcmp(buf, want, kept) == 0 && buf[kept] == '\0',
                      "size %zu: got \"%s\"", size, buf);
        /* nothing written past the terminator */
        ck_assert_int_eq(buf[kept + 1], 'X');
    }
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 1), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, NULL, 100), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_resolve(NULL, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_resolve(NULL, NULL, 0), EXITSTAT_EINVAL);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- names too long for any file ------------------------------------------------------------ */

START_TEST(path_long_names)
{
    char name[NAME_MAX + 2], rel[NAME_MAX + 8], *deep;
    exitstat_cmd *cmd;
    size_t i;

    make_dir("bin");
    /* NAME_MAX itself is a name a file can have */
    memset(name, 'n', NAME_MAX);
    name[NAME_MAX] = '\0';
    snprintf(rel, sizeof(rel), "bin/%s", name);
    make_script(rel, 41, 0755);
    cmd = new_cmd(name);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("bin")), 0);
    expect_runs(cmd, 41, at("bin/%s", name));
    exitstat_cmd_free(cmd);

    /* one more is not found, by search or by path */
    memset(name, 'n', NAME_MAX + 1);
    name[NAME_MAX + 1] = '\0';
    cmd = new_cmd(name);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("bin")), 0);
    expect_fails(cmd, EXITSTAT_ENOENT, "a name of NAME_MAX + 1 bytes");
    exitstat_cmd_free(cmd);
    cmd = new_cmd(at("bin/%s", name));
    expect_fails(cmd, EXITSTAT_ENOENT, "a path with a NAME_MAX + 1 component");
    exitstat_cmd_free(cmd);

    /* a path beyond PATH_MAX, and a PATH entry beyond it before a good one */
    deep = malloc(2 * PATH_MAX + 2);
    ck_assert_ptr_nonnull(deep);
    for (i = 0; i < PATH_MAX; i++)
        memcpy(deep + 2 * i, "/a", 2);
    deep[2 * PATH_MAX] = '\0';
    cmd = new_cmd(deep);
    expect_fails(cmd, EXITSTAT_ENOENT, "a path beyond PATH_MAX");
    exitstat_cmd_free(cmd);
    make_script("bin/es-long", 42, 0755);
    cmd = new_cmd("es-long");
    ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", at("bin")), 0);
    {
        size_t dlen = strlen(deep), blen = strlen(at("bin"));
        char *path = malloc(dlen + 1 + blen + 1);
        ck_assert_ptr_nonnull(path);
        memcpy(path, deep, dlen);
        path[dlen] = ':';
        memcpy(path + dlen + 1, at("bin"), blen + 1);
        ck_assert_int_eq(exitstat_cmd_env(cmd, "PATH", path), 0);
        free(path);
    }
    expect_runs(cmd, 42, at("bin/es-long"));
    exitstat_cmd_free(cmd);
    free(deep);
}
END_TEST
#endif /* !_WIN32 */

Suite *suite_path(void)
{
    Suite *s = suite_create("path");
#ifndef _WIN32
    TCase *tc = tcase_create("search");

    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, path_setup, path_teardown);
    tcase_add_test(tc, path_of_the_command_is_searched);
    tcase_add_test(tc, path_of_the_parent_read_at_spawn);
    tcase_add_test(tc, path_unset_searches_the_default);
    tcase_add_test(tc, path_relative_entries_never_search_the_cwd);
    tcase_add_test(tc, path_slash_is_not_searched);
    tcase_add_test(tc, path_skips_what_it_cannot_run);
    tcase_add_test(tc, resolve_is_snprintf_like);
    tcase_add_test(tc, path_long_names);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
#endif
    return s;
}
