/*
 * test-env.c - building a command: the environment the child gets (catalogue
 * rows E1-E4), bytes that are not ASCII or not UTF-8 passing through unchanged
 * (A7), the argument checks of every exitstat_cmd_* setter, appending
 * arguments, and spawning one command more than once.
 *
 * The child is the test helper: "env" lists its environment NUL-terminated,
 * "getenv NAME" prints one value (exit 3 when unset), "argv" echoes its
 * arguments NUL-terminated, "cwd" prints its working directory.
 *
 * Variables this process sets for a test are named EXITSTAT_T_* and listed in
 * own_vars[]; the fixture unsets them after every test, so that the suite
 * leaves the environment as it found it also under CK_FORK=no.
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
#  include <sys/stat.h>
#  include <unistd.h>
#endif

#include "testutil.h"
#include "tests.h"

#define LATE "EXITSTAT_T_LATE"
#define OTHER "EXITSTAT_T_OTHER"
#define PARENT "EXITSTAT_T_PARENT"
#define DUP "EXITSTAT_T_DUP"
#define EQ "EXITSTAT_T_EQ"
#define MANY "EXITSTAT_T_MANY_"
#define NMANY 2000

/* ---- running the helper --------------------------------------------------- */

/* Spawn cmd, whose stdout must be piped, read all it writes and wait for it.
 * The command stays the caller's (several tests spawn it again). */
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

/* The same, piping stdout first. */
static char *output_of(exitstat_cmd *cmd, exitstat_status *st, size_t *len)
{
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    return spawn_read(cmd, st, len);
}

/* The value the helper's "getenv" prints; NULL if the variable is unset. */
static char *child_getenv(exitstat_cmd *cmd)
{
    exitstat_status st;
    size_t len;
    char *out = output_of(cmd, &st, &len);

    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    if (st.code == 3) {
        ck_assert_uint_eq(len, 0);
        free(out);
        return NULL;
    }
    ck_assert_msg(st.code == 0, "helper getenv exited with %lld", (long long)st.code);
    return out;
}

/* The helper's "env" output: NUL-terminated entries. */
struct env_list {
    char *buf;
    size_t len;
    size_t n;
    const char **entry;
};

static void env_of(exitstat_cmd *cmd, struct env_list *e)
{
    exitstat_status st;
    size_t i, k = 0;

    e->buf = output_of(cmd, &st, &e->len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_msg(e->len == 0 || e->buf[e->len - 1] == '\0', "env output not NUL-terminated");
    e->n = 0;
    for (i = 0; i < e->len; i++)
        e->n += e->buf[i] == '\0';
    e->entry = malloc((e->n + 1) * sizeof(*e->entry));
    ck_assert_ptr_nonnull(e->entry);
    for (i = 0; i < e->len; i += strlen(e->buf + i) + 1) {
        /* Known Wine deviation W6: Wine's loader adds variables of its own
         * to every process's environment, cleared or not; on Windows none
         * of them exist, so the Windows expectation stands for the rest.
         * (No test here sets SystemDrive or SystemRoot itself.) */
        if (wine_env_entry(e->buf + i))
            continue;
        e->entry[k++] = e->buf + i;
    }
    e->n = k;
    e->entry[k] = NULL;
}

static void env_free(struct env_list *e)
{
    free(e->entry);
    free(e->buf);
}

/* How many entries name has, and the value of the last one. */
static size_t env_count(const struct env_list *e, const char *name, const char **value)
{
    size_t i, n = 0, nlen = strlen(name);

    *value = NULL;
    for (i = 0; i < e->n; i++)
        if (strncmp(e->entry[i], name, nlen) == 0 && e->entry[i][nlen] == '=') {
            *value = e->entry[i] + nlen + 1;
            n++;
        }
    return n;
}

/* An environment with nothing in it. On Windows a cleared environment keeps
 * SYSTEMROOT unless the command unsets it too (system DLLs need it). */
static void clear_env(exitstat_cmd *cmd)
{
    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
#ifdef _WIN32
    ck_assert_int_eq(exitstat_cmd_env(cmd, "SYSTEMROOT", NULL), 0);
#endif
}

/* ---- the fixture ------------------------------------------------------------ */

static void unset_own_vars(void)
{
#ifndef _WIN32
    static const char *const own_vars[] = {LATE, OTHER, PARENT, DUP, EQ};
    size_t i;

    for (i = 0; i < sizeof(own_vars) / sizeof(own_vars[0]); i++)
        unsetenv(own_vars[i]);
#endif
}

/* ---- E1: an empty environment ---------------------------------------------- */

#ifndef _WIN32
START_TEST(env_clear_gives_nothing)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;

    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    env_of(cmd, &e);
    /* We build envp ourselves: nothing, not even PATH or what a sanitizer
     * runtime set in this process, may reach the child. */
    ck_assert_msg(e.n == 0, "%zu variable(s) in a cleared environment, the first: %s", e.n,
                  e.n ? e.entry[0] : "");
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(env_clear_keeps_changes_before_and_after)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;
    const char *v;

    ck_assert_int_eq(exitstat_cmd_env(cmd, "BEFORE", "1"), 0);
    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "AFTER", "2"), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "GONE", "3"), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "GONE", NULL), 0);
    env_of(cmd, &e);
    ck_assert_uint_eq(e.n, 2);
    ck_assert_uint_eq(env_count(&e, "BEFORE", &v), 1);
    ck_assert_str_eq(v, "1");
    ck_assert_uint_eq(env_count(&e, "AFTER", &v), 1);
    ck_assert_str_eq(v, "2");
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST

/* A cleared environment really is cleared, however much the parent has. */
START_TEST(env_clear_hides_the_parent)
{
    exitstat_cmd *cmd = helper_cmd("getenv", PARENT, NULL);
    char *v;

    ck_assert_int_eq(setenv(PARENT, "visible", 1), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "visible");
    free(v);
    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    ck_assert_ptr_null(child_getenv(cmd));
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- E2: the environment is read at spawn time ------------------------------ */

START_TEST(env_read_at_spawn_not_at_build)
{
    exitstat_cmd *cmd = helper_cmd("getenv", LATE, NULL);
    char *v;

    /* a command without changes of its own passes the parent's environment */
    ck_assert_int_eq(setenv(LATE, "one", 1), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "one");
    free(v);
    ck_assert_int_eq(setenv(LATE, "two", 1), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "two");
    free(v);
    ck_assert_int_eq(unsetenv(LATE), 0);
    ck_assert_ptr_null(child_getenv(cmd));

    /* one with changes builds the environment, also at spawn time */
    ck_assert_int_eq(exitstat_cmd_env(cmd, OTHER, "x"), 0);
    ck_assert_int_eq(setenv(LATE, "three", 1), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "three");
    free(v);
    ck_assert_int_eq(setenv(LATE, "four", 1), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "four");
    free(v);
    ck_assert_int_eq(unsetenv(LATE), 0);
    ck_assert_ptr_null(child_getenv(cmd));
    exitstat_cmd_free(cmd);
}
END_TEST

static int env_has(const struct env_list *e, const char *entry)
{
    size_t i;

    for (i = 0; i < e->n; i++)
        if (strcmp(e->entry[i], entry) == 0)
            return 1;
    return 0;
}

/* Under valgrind LD_PRELOAD names the tool's own libraries, and valgrind
 * takes them out again at every execve: then that entry is the tool's
 * business on both sides, not ours to compare. */
static int tool_entry(const char *entry)
{
    const char *preload = getenv("LD_PRELOAD");

    return preload && strstr(preload, "/vgpreload_") && strncmp(entry, "LD_PRELOAD=", 11) == 0;
}

/* The child's environment is ours, entry for entry, plus extra. */
static void expect_ours_plus(const struct env_list *e, const char *extra)
{
    extern char **environ;
    size_t i, ours = 0, theirs = 0;

    for (i = 0; environ[i]; i++) {
        if (tool_entry(environ[i]))
            continue;
        ck_assert_msg(env_has(e, environ[i]), "%s did not reach the child", environ[i]);
        ours++;
    }
    for (i = 0; i < e->n; i++)
        theirs += !tool_entry(e->entry[i]);
    if (extra)
        ck_assert_msg(env_has(e, extra), "%s did not reach the child", extra);
    ck_assert_uint_eq(theirs, ours + (extra != NULL));
}

/* The whole parent environment reaches the child, unchanged and in full. */
START_TEST(env_inherited_whole)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;

    ck_assert_int_eq(setenv(PARENT, "p=q", 1), 0);
    env_of(cmd, &e);
    expect_ours_plus(&e, NULL);
    env_free(&e);

    /* and with a change of the command's, everything else as well */
    ck_assert_int_eq(exitstat_cmd_env(cmd, OTHER, "o"), 0);
    env_of(cmd, &e);
    expect_ours_plus(&e, OTHER "=o");
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST
#endif /* !_WIN32 */

/* ---- E3: names and values ---------------------------------------------------- */

START_TEST(env_bad_names_rejected)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;

    clear_env(cmd);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "A=B", "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "=", "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "=A", "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "A=", NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "", "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "", NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, NULL, "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, NULL, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(NULL, "A", "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env_clear(NULL), EXITSTAT_EINVAL);
    /* none of the failed calls left anything behind */
    env_of(cmd, &e);
    ck_assert_msg(e.n == 0, "a rejected variable reached the child: %s", e.entry[0]);
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(env_value_keeps_equals_and_empty)
{
    exitstat_cmd *cmd = helper_cmd("getenv", EQ, NULL);
    char *v;

    ck_assert_int_eq(exitstat_cmd_env(cmd, EQ, "B=C"), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "B=C");
    free(v);
    ck_assert_int_eq(exitstat_cmd_env(cmd, EQ, "=x=="), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "=x==");
    free(v);
    /* set and empty is not unset */
    ck_assert_int_eq(exitstat_cmd_env(cmd, EQ, ""), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "");
    free(v);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- E4: the same name more than once ---------------------------------------- */

START_TEST(env_later_call_wins)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;
    const char *v;

    ck_assert_int_eq(exitstat_cmd_env(cmd, DUP, "1"), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, DUP, "2"), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, DUP, "3"), 0);
    env_of(cmd, &e);
    ck_assert_uint_eq(env_count(&e, DUP, &v), 1);
    ck_assert_str_eq(v, "3");
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(env_set_then_unset_and_back)
{
    exitstat_cmd *cmd = helper_cmd("getenv", DUP, NULL);
    char *v;

    ck_assert_int_eq(exitstat_cmd_env(cmd, DUP, "1"), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, DUP, NULL), 0);
    ck_assert_ptr_null(child_getenv(cmd));
    ck_assert_int_eq(exitstat_cmd_env(cmd, DUP, "2"), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "2");
    free(v);
    /* unsetting what is set nowhere is no error */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "EXITSTAT_T_NEVER", NULL), 0);
    v = child_getenv(cmd);
    ck_assert_str_eq(v, "2");
    free(v);
    exitstat_cmd_free(cmd);
}
END_TEST

#ifndef _WIN32
START_TEST(env_changes_over_the_parent)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;
    const char *v;

    ck_assert_int_eq(setenv(PARENT, "parent", 1), 0);
    ck_assert_int_eq(exitstat_cmd_env(cmd, PARENT, NULL), 0);
    env_of(cmd, &e);
    ck_assert_uint_eq(env_count(&e, PARENT, &v), 0);
    env_free(&e);

    /* replaced, not added: one entry */
    ck_assert_int_eq(exitstat_cmd_env(cmd, PARENT, "command"), 0);
    env_of(cmd, &e);
    ck_assert_uint_eq(env_count(&e, PARENT, &v), 1);
    ck_assert_str_eq(v, "command");
    env_free(&e);

    /* the parent's variable is untouched */
    ck_assert_str_eq(getenv(PARENT), "parent");
    exitstat_cmd_free(cmd);
}
END_TEST
#endif

START_TEST(env_many_variables)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;
    char name[64], value[64];
    unsigned char *seen = calloc(NMANY, 1);
    size_t i;

    ck_assert_ptr_nonnull(seen);
    clear_env(cmd);
    for (i = 0; i < NMANY; i++) {
        snprintf(name, sizeof(name), MANY "%zu", i);
        snprintf(value, sizeof(value), "first %zu", i);
        ck_assert_int_eq(exitstat_cmd_env(cmd, name, value), 0);
    }
    /* every third set again, every seventh unset */
    for (i = 0; i < NMANY; i += 3) {
        snprintf(name, sizeof(name), MANY "%zu", i);
        snprintf(value, sizeof(value), "second %zu", i);
        ck_assert_int_eq(exitstat_cmd_env(cmd, name, value), 0);
    }
    for (i = 0; i < NMANY; i += 7) {
        snprintf(name, sizeof(name), MANY "%zu", i);
        ck_assert_int_eq(exitstat_cmd_env(cmd, name, NULL), 0);
    }
    env_of(cmd, &e);
    ck_assert_uint_eq(e.n, NMANY - (NMANY + 6) / 7);
    for (i = 0; i < e.n; i++) {
        char *end;
        unsigned long k;

        ck_assert_msg(strncmp(e.entry[i], MANY, strlen(MANY)) == 0, "stray entry %s",
                      e.entry[i]);
        k = strtoul(e.entry[i] + strlen(MANY), &end, 10);
        ck_assert_msg(*end == '=' && k < NMANY && k % 7 != 0, "wrong entry %s", e.entry[i]);
        ck_assert_msg(!seen[k], "entry %lu twice", k);
        seen[k] = 1;
        snprintf(value, sizeof(value), "%s %lu", k % 3 == 0 ? "second" : "first", k);
        ck_assert_str_eq(end + 1, value);
    }
    free(seen);
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST

/* ---- A7: bytes pass through unchanged ------------------------------------------ */

#ifndef _WIN32
/* On POSIX arguments, values and paths are bytes: none of these may be
 * changed, checked or "repaired" on the way. */
static const char *const odd_strings[] = {
    "\xcf\x80 \xd0\xaf \xe9\x9f\xb3 \xc3\xa6 \xe2\x88\x9e", /* "π Я 音 æ ∞" */
    "\xf0\x9f\x98\x80",                                     /* U+1F600, beyond the BMP */
    "\xf4\x8f\xbf\xbf",                                     /* U+10FFFF, the last one */
    "\xff\xfe\xfd",                                         /* never UTF-8 */
    "\x80",                                                 /* a lone continuation byte */
    "x\xc3",                                                /* a cut-off sequence */
    "\xed\xa0\x80",                                         /* an encoded surrogate */
    "\xc0\xaf",                                             /* an overlong '/' */
    "\x01\x1b[0m\x7f",                                      /* control bytes */
};
#  define NODD (sizeof(odd_strings) / sizeof(odd_strings[0]))

/* A directory for the tests, made and removed around the test case in the
 * runner process (an unchecked fixture), so that it goes away even when a
 * failed test's process ended without its teardown. */
static char tmpdir[PATH_MAX];
#  define ODD_DIR "\xcf\x80-\xff-\xf0\x9f\x98\x80"
#  define ODD_LINK "prog-\xd0\xaf\xfe"

static void tmpdir_setup(void)
{
    const char *base = getenv("TMPDIR");
    char templ[PATH_MAX];

    snprintf(templ, sizeof(templ), "%s/exitstat-env-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(templ));
    /* the canonical name: the child's getcwd() reports that one */
    ck_assert_ptr_nonnull(realpath(templ, tmpdir));
}

static void tmpdir_teardown(void)
{
    char path[PATH_MAX * 2];

    if (!tmpdir[0])
        return;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, ODD_LINK);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", tmpdir, ODD_DIR);
    rmdir(path);
    rmdir(tmpdir);
    tmpdir[0] = '\0';
}

START_TEST(bytes_in_arguments)
{
    exitstat_cmd *cmd = helper_cmd("argv", NULL);
    exitstat_status st;
    char want[256];
    size_t i, n = 0, len;
    char *out;

    for (i = 0; i < NODD; i++) {
        size_t l = strlen(odd_strings[i]) + 1;
        ck_assert_int_eq(exitstat_cmd_arg(cmd, odd_strings[i]), 0);
        memcpy(want + n, odd_strings[i], l);
        n += l;
    }
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, n);
    ck_assert_mem_eq(out, want, n);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(bytes_in_environment)
{
    exitstat_cmd *cmd = helper_cmd("env", NULL);
    struct env_list e;
    char name[32];
    const char *v;
    size_t i;

    ck_assert_int_eq(exitstat_cmd_env_clear(cmd), 0);
    for (i = 0; i < NODD; i++) {
        snprintf(name, sizeof(name), "V%zu", i);
        ck_assert_int_eq(exitstat_cmd_env(cmd, name, odd_strings[i]), 0);
    }
    /* names are bytes too, '=' and NUL aside */
    ck_assert_int_eq(exitstat_cmd_env(cmd, "N\xcf\x80\xff", "name"), 0);
    env_of(cmd, &e);
    ck_assert_uint_eq(e.n, NODD + 1);
    for (i = 0; i < NODD; i++) {
        snprintf(name, sizeof(name), "V%zu", i);
        ck_assert_uint_eq(env_count(&e, name, &v), 1);
        ck_assert_str_eq(v, odd_strings[i]);
    }
    ck_assert_uint_eq(env_count(&e, "N\xcf\x80\xff", &v), 1);
    ck_assert_str_eq(v, "name");
    env_free(&e);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(bytes_in_cwd_and_program)
{
    char dir[PATH_MAX * 2], link[PATH_MAX * 2], helper[PATH_MAX];
    exitstat_cmd *cmd = helper_cmd("cwd", NULL);
    exitstat_status st;
    size_t len;
    char *out;

    snprintf(dir, sizeof(dir), "%s/%s", tmpdir, ODD_DIR);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, dir), 0);
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_str_eq(out, dir);
    free(out);
    exitstat_cmd_free(cmd);

    /* a program whose path is such bytes, found by the path as given */
    ck_assert_ptr_nonnull(realpath(helper_path(), helper));
    snprintf(link, sizeof(link), "%s/%s", tmpdir, ODD_LINK);
    ck_assert_int_eq(symlink(helper, link), 0);
    ck_assert_int_eq(exitstat_cmd_new(&cmd, link), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "argv"), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, odd_strings[3]), 0);
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, strlen(odd_strings[3]) + 1);
    ck_assert_mem_eq(out, odd_strings[3], len);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST
#endif /* !_WIN32 */

/* ---- the setters' argument checks ------------------------------------------------ */

START_TEST(cmd_new_rejects)
{
    exitstat_cmd *cmd = (exitstat_cmd *)&cmd; /* any non-NULL value */

    ck_assert_int_eq(exitstat_cmd_new(NULL, "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_new(&cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_ptr_null(cmd);
    cmd = (exitstat_cmd *)&cmd;
    ck_assert_int_eq(exitstat_cmd_new(&cmd, ""), EXITSTAT_EINVAL);
    ck_assert_ptr_null(cmd);
    /* the no-ops */
    exitstat_cmd_free(NULL);
    exitstat_child_free(NULL);
}
END_TEST

START_TEST(cmd_setters_reject_null)
{
    const char *const none[] = {NULL};
    exitstat_child *child = (exitstat_child *)&child;
    exitstat_cmd *cmd = helper_cmd("exit", "0", NULL);

    ck_assert_int_eq(exitstat_cmd_arg(NULL, "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_argv(NULL, none), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_argv(cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_cwd(NULL, "/"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, ""), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(NULL, 1, EXITSTAT_NULL, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_flags(NULL, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_spawn(cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_spawn(NULL, &child), EXITSTAT_EINVAL);
    ck_assert_ptr_null(child);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(cmd_stdio_rejects)
{
    exitstat_cmd *cmd = helper_cmd("exit", "0", NULL);
    int s;

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, -1, EXITSTAT_NULL, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 3, EXITSTAT_NULL, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, INT_MIN, EXITSTAT_NULL, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, INT_MAX, EXITSTAT_NULL, 0), EXITSTAT_EINVAL);
    for (s = 0; s < 3; s++) {
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, s, -1, 0), EXITSTAT_EINVAL);
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, s, EXITSTAT_MERGE + 1, 0), EXITSTAT_EINVAL);
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, s, INT_MAX, 0), EXITSTAT_EINVAL);
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, s, EXITSTAT_HANDLE, -1), EXITSTAT_EINVAL);
        ck_assert_int_eq(exitstat_cmd_stdio(cmd, s, EXITSTAT_HANDLE, INTPTR_MIN),
                         EXITSTAT_EINVAL);
#ifndef _WIN32
        /* a descriptor is an int: a wider value must not be cut down to
         * some other descriptor */
        if (INTPTR_MAX > INT_MAX)
            ck_assert_int_eq(exitstat_cmd_stdio(cmd, s, EXITSTAT_HANDLE, (intptr_t)INT_MAX + 1),
                             EXITSTAT_EINVAL);
#endif
    }
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 0, EXITSTAT_MERGE, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_MERGE, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0), 0);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(cmd_flags_rejects_unknown_bits)
{
    exitstat_cmd *cmd = helper_cmd("exit", "0", NULL);
    uint32_t bit;

    for (bit = 4; bit != 0; bit <<= 1)
        ck_assert_int_eq(exitstat_cmd_flags(cmd, bit), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, ~UINT32_C(0)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP | 0x4u), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, 0), 0);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP), 0);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_KILL_ON_FREE), 0);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE), 0);
    exitstat_cmd_free(cmd);
}
END_TEST

/* A setter that fails changes nothing: the command runs as before it. */
START_TEST(cmd_failed_calls_change_nothing)
{
    const char *const two[] = {"b", "c", NULL};
    exitstat_cmd *cmd = helper_cmd("argv", "a", NULL);
    exitstat_status st;
    size_t len;
    char *out;

    ck_assert_int_eq(exitstat_cmd_argv(cmd, two), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 2, EXITSTAT_NULL, 0), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_argv(cmd, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, ""), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "X=Y", "z"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, 99, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_MERGE, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, -1), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 3, EXITSTAT_NULL, 0), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, 0x80u), EXITSTAT_EINVAL);
    /* (not output_of: that would pipe stdout again) */
    out = spawn_read(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(out, "a\0b\0c\0", 6);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST

#ifndef _WIN32
START_TEST(cmd_failed_cwd_and_flags_keep_previous)
{
    exitstat_cmd *cmd = helper_cmd("cwd", NULL);
    exitstat_child *child = NULL;
    exitstat_status st;
    char *out, want[32];
    size_t len;

    ck_assert_int_eq(exitstat_cmd_cwd(cmd, "/"), 0);
    ck_assert_int_eq(exitstat_cmd_cwd(cmd, ""), EXITSTAT_EINVAL);
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_str_eq(out, "/");
    free(out);
    exitstat_cmd_free(cmd);

    /* the flags: still a new process group after a rejected change */
    cmd = helper_cmd("pgid", NULL);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP), 0);
    ck_assert_int_eq(exitstat_cmd_flags(cmd, 0x10u), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    out = read_all(exitstat_child_stdio(child, 1), &len);
    snprintf(want, sizeof(want), "%lld\n", (long long)exitstat_child_pid(child));
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    exitstat_child_free(child);
    ck_assert(exitstat_status_success(&st));
    ck_assert_str_eq(out, want);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST
#endif

/* ---- arguments appended; a command spawned again -------------------------------- */

START_TEST(cmd_argv_appends)
{
    const char *const first[] = {"1", "", "two words", NULL};
    const char *const empty[] = {NULL};
    const char *const last[] = {"4", NULL};
    exitstat_cmd *cmd = helper_cmd("argv", "0", NULL);
    exitstat_status st;
    size_t len;
    char *out;

    ck_assert_int_eq(exitstat_cmd_argv(cmd, first), 0);
    ck_assert_int_eq(exitstat_cmd_argv(cmd, empty), 0);
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "3"), 0);
    ck_assert_int_eq(exitstat_cmd_argv(cmd, last), 0);
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, 19);
    ck_assert_mem_eq(out, "0\0" "1\0" "\0" "two words\0" "3\0" "4\0", 19);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST

/* Many arguments appended in one call (the array is grown more than once). */
START_TEST(cmd_argv_many)
{
    const char *many[301];
    char text[300][8];
    exitstat_cmd *cmd = helper_cmd("argv", NULL);
    exitstat_status st;
    size_t len, i, off = 0;
    char *out;

    for (i = 0; i < 300; i++) {
        snprintf(text[i], sizeof(text[i]), "%zu", i);
        many[i] = text[i];
    }
    many[300] = NULL;
    ck_assert_int_eq(exitstat_cmd_argv(cmd, many), 0);
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    for (i = 0; i < 300; i++) {
        ck_assert_msg(off < len, "only %zu arguments arrived", i);
        ck_assert_str_eq(out + off, text[i]);
        off += strlen(text[i]) + 1;
    }
    ck_assert_uint_eq(off, len);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST

START_TEST(cmd_spawned_again)
{
    exitstat_cmd *cmd = helper_cmd("argv", "x", NULL);
    exitstat_child *a = NULL, *b = NULL;
    exitstat_status st;
    char *out;
    size_t len;

    /* twice at once from the same command, each with its own pipe */
    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &a), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &b), 0);
    ck_assert_int_ne(exitstat_child_pid(a), exitstat_child_pid(b));
    ck_assert(exitstat_child_stdio(a, 1) != exitstat_child_stdio(b, 1));
    out = read_all(exitstat_child_stdio(a, 1), &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(out, "x\0", 2);
    free(out);
    out = read_all(exitstat_child_stdio(b, 1), &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(out, "x\0", 2);
    free(out);
    ck_assert_int_eq(exitstat_wait(a, 20000, &st), 0);
    ck_assert(exitstat_status_success(&st));
    ck_assert_int_eq(exitstat_wait(b, 20000, &st), 0);
    ck_assert(exitstat_status_success(&st));
    exitstat_child_free(a);
    exitstat_child_free(b);

    /* changed after spawning: the next child sees the change */
    ck_assert_int_eq(exitstat_cmd_arg(cmd, "y"), 0);
    out = output_of(cmd, &st, &len);
    ck_assert(exitstat_status_success(&st));
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(out, "x\0y\0", 4);
    free(out);
    exitstat_cmd_free(cmd);
}
END_TEST

/* A child outlives the command it was spawned from. */
START_TEST(cmd_freed_before_child)
{
    exitstat_cmd *cmd = helper_cmd("argv", "x", NULL);
    exitstat_child *child = NULL;
    exitstat_status st;
    char *out;
    size_t len;

    ck_assert_int_eq(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0), 0);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), 0);
    exitstat_cmd_free(cmd);
    out = read_all(exitstat_child_stdio(child, 1), &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(out, "x\0", 2);
    free(out);
    ck_assert_int_eq(exitstat_wait(child, 20000, &st), 0);
    ck_assert(exitstat_status_success(&st));
    exitstat_child_free(child);
}
END_TEST

Suite *suite_env(void)
{
    Suite *s = suite_create("env");
    TCase *tc;

    tc = tcase_create("environment");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_checked_fixture(tc, NULL, unset_own_vars);
#ifndef _WIN32
    tcase_add_test(tc, env_clear_gives_nothing);
    tcase_add_test(tc, env_clear_keeps_changes_before_and_after);
    tcase_add_test(tc, env_clear_hides_the_parent);
    tcase_add_test(tc, env_read_at_spawn_not_at_build);
    tcase_add_test(tc, env_inherited_whole);
    tcase_add_test(tc, env_changes_over_the_parent);
#endif
    tcase_add_test(tc, env_bad_names_rejected);
    tcase_add_test(tc, env_value_keeps_equals_and_empty);
    tcase_add_test(tc, env_later_call_wins);
    tcase_add_test(tc, env_set_then_unset_and_back);
    tcase_add_test(tc, env_many_variables);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

#ifndef _WIN32
    tc = tcase_create("bytes");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
    tcase_add_test(tc, bytes_in_arguments);
    tcase_add_test(tc, bytes_in_environment);
    tcase_add_test(tc, bytes_in_cwd_and_program);
    suite_add_tcase(s, tc);
#endif

    tc = tcase_create("command");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, cmd_new_rejects);
    tcase_add_test(tc, cmd_setters_reject_null);
    tcase_add_test(tc, cmd_stdio_rejects);
    tcase_add_test(tc, cmd_flags_rejects_unknown_bits);
    tcase_add_test(tc, cmd_failed_calls_change_nothing);
#ifndef _WIN32
    tcase_add_test(tc, cmd_failed_cwd_and_flags_keep_previous);
#endif
    tcase_add_test(tc, cmd_argv_appends);
    tcase_add_test(tc, cmd_argv_many);
    tcase_add_test(tc, cmd_spawned_again);
    tcase_add_test(tc, cmd_freed_before_child);
    suite_add_tcase(s, tc);
    return s;
}
