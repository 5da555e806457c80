/*
 * test-win32.c - the Windows backend: what only Windows has, or has its own
 * way (built on Windows only; the shared suites cover the rest).
 *
 * Catalogue rows (../shared/research/reliability-catalogue.md, 2.2): S3, S7,
 * F1, F5, F8, D7-D10, T4, T5, T7, R5-R8, A1-A5, A7, A8, E1, E3, E4, M4, and
 * exitstat_wait_any beyond the 64 handles of WaitForMultipleObjects (in the
 * suite "win32-many", which has a meson test of its own with a long timeout).
 *
 * Where Wine 8.0 differs from Windows (tests/wine-deviations.md), a test
 * keeps the Windows expectation and, under Wine, prints "SKIP <test>: <why>"
 * and returns.
 *
 * Every test runs between leak_check_begin and leak_check_end: no handle and
 * no child process may outlive it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <windows.h>
#include <shellapi.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "refsplit.h"
#include "tests.h"
#include "testutil.h"

#define SKIP_UNDER_WINE(why)                                                                       \
    do {                                                                                           \
        if (running_under_wine()) {                                                                \
            printf("SKIP %s: %s\n", __func__, why);                                                \
            fflush(stdout);                                                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_OK(expr)                                                                             \
    do {                                                                                           \
        int err_ = (expr);                                                                         \
        ck_assert_msg(err_ == 0, "%s: %s", #expr, exitstat_strerror(err_));                        \
    } while (0)

/* ---- helpers ----------------------------------------------------------------- */

/* The children here get NUL for every stream a test does not set: none reads
 * the runner's stdin, and nothing they write lands in the test log. */
static void nul_stdio(exitstat_cmd *cmd)
{
    int i;

    for (i = 0; i < 3; i++)
        CHECK_OK(exitstat_cmd_stdio(cmd, i, EXITSTAT_NULL, 0));
}

/* helper_cmd, with NUL streams */
static exitstat_cmd *hcmd(const char *behaviour, ...)
{
    exitstat_cmd *cmd = NULL;
    const char *arg;
    va_list ap;

    CHECK_OK(exitstat_cmd_new(&cmd, helper_path()));
    CHECK_OK(exitstat_cmd_arg(cmd, behaviour));
    va_start(ap, behaviour);
    while ((arg = va_arg(ap, const char *)) != NULL)
        CHECK_OK(exitstat_cmd_arg(cmd, arg));
    va_end(ap);
    nul_stdio(cmd);
    return cmd;
}

static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = malloc((size_t)n * sizeof(*w));

    ck_assert_ptr_nonnull(w);
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static char *narrow(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = malloc((size_t)n);

    ck_assert_ptr_nonnull(s);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

static void assert_status(const exitstat_status *st, int kind, int sig, int64_t code,
                          uint32_t flags, uint32_t raw)
{
    ck_assert_msg(st->kind == kind && st->signal == sig && st->code == code && st->flags == flags &&
                      st->raw == raw,
                  "status: kind %d signal %d code %lld flags 0x%x raw 0x%lx; want kind %d "
                  "signal %d code %lld flags 0x%x raw 0x%lx",
                  (int)st->kind, (int)st->signal, (long long)st->code, (unsigned)st->flags,
                  (unsigned long)st->raw, kind, sig, (long long)code, (unsigned)flags,
                  (unsigned long)raw);
}

/* spawn cmd (freed) with stdout (and stderr when err is set) piped; read
 * them to EOF, wait; the output is NUL-terminated, malloc'ed */
static char *capture(exitstat_cmd *cmd, exitstat_status *st, size_t *len, char **err)
{
    exitstat_child *child = NULL;
    char *out;
    size_t elen;
    int r;

    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
    if (err)
        CHECK_OK(exitstat_cmd_stdio(cmd, 2, EXITSTAT_PIPE, 0));
    r = exitstat_spawn(cmd, &child);
    exitstat_cmd_free(cmd);
    ck_assert_msg(r == 0, "exitstat_spawn: %s", exitstat_strerror(r));
    out = read_all(exitstat_child_stdio(child, 1), len);
    if (err)
        *err = read_all(exitstat_child_stdio(child, 2), &elen);
    r = exitstat_wait(child, 30000, st);
    if (r == EXITSTAT_ETIMEDOUT) {
        exitstat_status ignored;
        exitstat_kill(child);
        exitstat_wait(child, -1, &ignored);
    }
    exitstat_child_free(child);
    ck_assert_msg(r == 0, "exitstat_wait: %s", exitstat_strerror(r));
    return out;
}

/* read one line (up to '\n') from a pipe, without reading past it */
static void read_line(intptr_t h, char *buf, size_t size)
{
    size_t n = 0;

    while (n + 1 < size) {
        DWORD got = 0;
        ck_assert_msg(ReadFile((HANDLE)h, buf + n, 1, &got, NULL) && got == 1,
                      "ReadFile: error %lu", (unsigned long)GetLastError());
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
}

/* A fresh directory under %TEMP% (malloc'ed path), and its removal. */
static wchar_t *make_tmpdir(void)
{
    static LONG counter;
    wchar_t base[MAX_PATH + 1], *dir = malloc(1024 * sizeof(wchar_t));
    DWORD n = GetTempPathW(MAX_PATH + 1, base);

    int tries = 0;
    BOOL made;

    ck_assert_ptr_nonnull(dir);
    ck_assert(n > 0 && n <= MAX_PATH);
    /* process ids come back soon (under Wine within minutes), and a run that
     * failed may have left its directory behind: take the next free name */
    do {
        _snwprintf(dir, 1024, L"%lsexitstat-win32-%lu-%ld", base,
                   (unsigned long)GetCurrentProcessId(), (long)InterlockedIncrement(&counter));
        dir[1023] = L'\0';
        made = CreateDirectoryW(dir, NULL);
    } while (!made && GetLastError() == ERROR_ALREADY_EXISTS && ++tries < 1000);
    ck_assert_msg(made, "CreateDirectoryW: %lu", (unsigned long)GetLastError());
    return dir;
}

static void remove_tree(const wchar_t *dir)
{
    wchar_t pattern[1100], path[1100];
    WIN32_FIND_DATAW fd;
    HANDLE find;

    _snwprintf(pattern, 1100, L"%ls\\*", dir);
    pattern[1099] = L'\0';
    find = FindFirstFileW(pattern, &fd);
    if (find != INVALID_HANDLE_VALUE) {
        do {
            if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
                continue;
            _snwprintf(path, 1100, L"%ls\\%ls", dir, fd.cFileName);
            path[1099] = L'\0';
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(path);
            else
                DeleteFileW(path);
        } while (FindNextFileW(find, &fd));
        FindClose(find);
    }
    RemoveDirectoryW(dir);
}

/* dir\name, malloc'ed, as UTF-8 and as UTF-16 */
static char *path_in(const wchar_t *dir, const wchar_t *name)
{
    wchar_t buf[1100];

    _snwprintf(buf, 1100, L"%ls\\%ls", dir, name);
    buf[1099] = L'\0';
    return narrow(buf);
}

/* the helper's full Windows path (meson may give a Unix one under Wine) */
static wchar_t *helper_full(void)
{
    wchar_t *rel = wide(helper_path()), *full = malloc(1024 * sizeof(wchar_t));
    DWORD n;

    ck_assert_ptr_nonnull(full);
    n = GetFullPathNameW(rel, 1024, full, NULL);
    ck_assert(n > 0 && n < 1024);
    free(rel);
    return full;
}

/* a copy of the helper at dir\name */
static void copy_helper(const wchar_t *dir, const wchar_t *name)
{
    wchar_t *src = helper_full(), dst[1100];

    _snwprintf(dst, 1100, L"%ls\\%ls", dir, name);
    dst[1099] = L'\0';
    ck_assert_msg(CopyFileW(src, dst, FALSE), "CopyFileW: %lu", (unsigned long)GetLastError());
    free(src);
}

static void write_file(const wchar_t *dir, const wchar_t *name, const char *text)
{
    wchar_t path[1100];
    HANDLE h;
    DWORD done;

    _snwprintf(path, 1100, L"%ls\\%ls", dir, name);
    path[1099] = L'\0';
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_msg(h != INVALID_HANDLE_VALUE, "CreateFileW: %lu", (unsigned long)GetLastError());
    ck_assert(WriteFile(h, text, (DWORD)strlen(text), &done, NULL));
    CloseHandle(h);
}

static int file_exists(const wchar_t *dir, const wchar_t *name)
{
    wchar_t path[1100];

    _snwprintf(path, 1100, L"%ls\\%ls", dir, name);
    path[1099] = L'\0';
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* NUL-separated output -> does it hold exactly want (NULL-terminated)? */
static void assert_nul_list(const char *out, size_t len, const char *const *want)
{
    size_t at = 0, i;

    for (i = 0; want[i]; i++) {
        size_t wl = strlen(want[i]);
        ck_assert_msg(at + wl < len && memcmp(out + at, want[i], wl) == 0 && out[at + wl] == '\0',
                      "argument %zu: want [%s], got [%.*s]", i, want[i],
                      (int)(at < len ? strnlen(out + at, len - at) : 0), out + at);
        at += wl + 1;
    }
    ck_assert_msg(at == len, "%zu bytes more than expected", len - at);
}

/* ---- S3: exit codes keep all 32 bits; a crash is SIGSEGV ------------------------- */

static const uint32_t exit_codes[] = {0, 1, 255, 256, 259, 0x7FFFFFFF, 0xFFFFFFFF};

START_TEST(exit_codes_keep_32_bits)
{
    uint32_t code = exit_codes[_i];
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st, again;
    char arg[16];

    snprintf(arg, sizeof(arg), "%lu", (unsigned long)code);
    cmd = hcmd("exit", arg, NULL);
    CHECK_OK(exitstat_spawn(cmd, &child));
    exitstat_cmd_free(cmd);
    CHECK_OK(exitstat_wait(child, 20000, &st));
    /* 259 too: the handle says it ended; 259 is then just a code */
    assert_status(&st, EXITSTAT_EXITED, 0, code, 0, code);
    CHECK_OK(exitstat_wait(child, 0, &again));
    ck_assert(memcmp(&st, &again, sizeof(st)) == 0);
    exitstat_child_free(child);
}
END_TEST

START_TEST(access_violation_is_sigsegv)
{
    exitstat_status st;

    helper_run(hcmd("crash", NULL), &st);
    assert_status(&st, EXITSTAT_SIGNALED, 11, 0xC0000005, EXITSTAT_F_EXCEPTION, 0xC0000005);
}
END_TEST

/* ---- S7, T4, T5: our kills, and kills after the end ------------------------------- */

static exitstat_child *spawn_flags(exitstat_cmd *cmd, uint32_t flags)
{
    exitstat_child *child = NULL;

    CHECK_OK(exitstat_cmd_flags(cmd, flags));
    CHECK_OK(exitstat_spawn(cmd, &child));
    exitstat_cmd_free(cmd);
    return child;
}

START_TEST(terminate_is_sigterm_143)
{
    exitstat_child *child = spawn_flags(hcmd("sleep", "60000", NULL), 0);
    exitstat_status st, again;

    CHECK_OK(exitstat_terminate(child));
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_SIGNALED, 15, 0, EXITSTAT_F_KILLED, 143);
    /* ended: nothing is sent, the answer is 0 (Windows refuses to terminate
     * an ended process with ERROR_ACCESS_DENIED; Wine accepts) */
    CHECK_OK(exitstat_terminate(child));
    CHECK_OK(exitstat_kill(child));
    CHECK_OK(exitstat_signal(child, 15));
    CHECK_OK(exitstat_wait(child, 0, &again));
    ck_assert(memcmp(&st, &again, sizeof(st)) == 0);
    exitstat_child_free(child);
}
END_TEST

START_TEST(kill_is_sigkill_137)
{
    exitstat_child *child = spawn_flags(hcmd("sleep", "60000", NULL), 0);
    exitstat_status st;
    exitstat_usage u;

    ck_assert_int_eq(exitstat_child_usage(child, &u), EXITSTAT_ETIMEDOUT);
    CHECK_OK(exitstat_kill(child));
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_SIGNALED, 9, 0, EXITSTAT_F_KILLED, 137);
    CHECK_OK(exitstat_child_usage(child, &u));
    ck_assert(u.wall_us > 0 && u.user_us >= 0 && u.sys_us >= 0);
    exitstat_child_free(child);
}
END_TEST

START_TEST(usage_of_a_child)
{
    exitstat_child *child = spawn_flags(hcmd("sleep", "300", NULL), 0);
    exitstat_status st;
    exitstat_usage u;

    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    CHECK_OK(exitstat_child_usage(child, &u));
    exitstat_child_free(child);
    ck_assert_msg(u.wall_us >= 290000, "wall %lld us", (long long)u.wall_us);
    ck_assert(u.user_us >= 0 && u.sys_us >= 0);
    /* the peak working set: Wine often reports 0 once the process has ended,
     * which the library turns into -1, "cannot tell" */
    if (running_under_wine()) {
        ck_assert_msg(u.maxrss_kib == -1 || u.maxrss_kib > 0, "maxrss %lld",
                      (long long)u.maxrss_kib);
        SKIP_UNDER_WINE("the peak working set of an ended process is often 0 under Wine "
                        "(K32GetProcessMemoryInfo)" WINE_DEV("W5"));
    }
    ck_assert_msg(u.maxrss_kib > 0, "maxrss %lld", (long long)u.maxrss_kib);
}
END_TEST

START_TEST(kill_after_exit_sends_nothing)
{
    exitstat_child *child = spawn_flags(hcmd("exit", "7", NULL), 0);
    exitstat_status st;

    /* ended, but its status not collected yet */
    ck_assert_uint_eq(WaitForSingleObject((HANDLE)exitstat_child_handle(child), 20000),
                      WAIT_OBJECT_0);
    CHECK_OK(exitstat_kill(child));
    CHECK_OK(exitstat_terminate(child));
    CHECK_OK(exitstat_wait(child, 0, &st));
    assert_status(&st, EXITSTAT_EXITED, 0, 7, 0, 7);
    exitstat_child_free(child);
}
END_TEST

START_TEST(our_codes_from_the_child_itself_are_exits)
{
    exitstat_status st;

    helper_run(hcmd("exit", "137", NULL), &st);
    assert_status(&st, EXITSTAT_EXITED, 0, 137, 0, 137);
    helper_run(hcmd("exit", "143", NULL), &st);
    assert_status(&st, EXITSTAT_EXITED, 0, 143, 0, 143);
}
END_TEST

START_TEST(signal_numbers)
{
    static const int nosys[] = {1, 2, 3, 4, 5, 6, 7, 8, 11, 13, 14};
    static const int invalid[] = {0, -1, 10, 12, 16, 31, 64};
    exitstat_child *child = spawn_flags(hcmd("sleep", "60000", NULL), 0);
    exitstat_status st;
    size_t i;

    for (i = 0; i < sizeof(nosys) / sizeof(nosys[0]); i++)
        ck_assert_int_eq(exitstat_signal(child, nosys[i]), EXITSTAT_ENOSYS);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        ck_assert_int_eq(exitstat_signal(child, invalid[i]), EXITSTAT_EINVAL);
    CHECK_OK(exitstat_wait(child, 0, &st) == EXITSTAT_ETIMEDOUT ? 0 : -1);
    CHECK_OK(exitstat_signal(child, 9));
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_SIGNALED, 9, 0, EXITSTAT_F_KILLED, 137);
    exitstat_child_free(child);
}
END_TEST

/* a trap-term helper in a new group, ready for its CTRL_BREAK */
static exitstat_child *trap_term_group(void)
{
    exitstat_cmd *cmd = hcmd("trap-term", NULL);
    exitstat_child *child;
    char line[32];

    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
    child = spawn_flags(cmd, EXITSTAT_NEW_GROUP);
    read_line(exitstat_child_stdio(child, 1), line, sizeof(line));
    ck_assert_str_eq(line, "ready\n");
    return child;
}

START_TEST(terminate_new_group_sends_ctrl_break)
{
    exitstat_child *child;
    exitstat_status st;

    SKIP_UNDER_WINE("GenerateConsoleCtrlEvent cannot reach a child under headless Wine "
                    "(error 12 or 6)" WINE_DEV("W1"));
    if (!GetConsoleWindow()) {
        printf("SKIP %s: no console to share with the child\n", __func__);
        return;
    }
    child = trap_term_group();
    CHECK_OK(exitstat_terminate(child));
    CHECK_OK(exitstat_wait(child, 20000, &st));
    /* its handler ran and chose 42 */
    assert_status(&st, EXITSTAT_EXITED, 0, 42, 0, 42);
    exitstat_child_free(child);
}
END_TEST

START_TEST(terminate_new_group_without_console_ends_the_job)
{
    exitstat_child *child;
    exitstat_status st;

    if (GetConsoleWindow() && !running_under_wine()) {
        printf("SKIP %s: we have a console, CTRL_BREAK reaches the child\n", __func__);
        return;
    }
    child = trap_term_group();
    CHECK_OK(exitstat_terminate(child));
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_SIGNALED, 15, 0, EXITSTAT_F_KILLED, 143);
    exitstat_child_free(child);
}
END_TEST

struct waiter {
    exitstat_child *child;
    exitstat_status st;
    int err;
};

static DWORD WINAPI wait_thread(LPVOID arg)
{
    struct waiter *w = arg;
    w->err = exitstat_wait(w->child, 30000, &w->st);
    return 0;
}

START_TEST(threads_wait_one_child)
{
    exitstat_child *child = spawn_flags(hcmd("sleep", "60000", NULL), 0);
    struct waiter w[2];
    HANDLE t[2];
    int i;

    for (i = 0; i < 2; i++) {
        w[i].child = child;
        w[i].err = 1;
        t[i] = CreateThread(NULL, 0, wait_thread, &w[i], 0, NULL);
        ck_assert_ptr_nonnull(t[i]);
    }
    Sleep(200);
    CHECK_OK(exitstat_kill(child));
    ck_assert_uint_eq(WaitForMultipleObjects(2, t, TRUE, 30000), WAIT_OBJECT_0);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    for (i = 0; i < 2; i++) {
        CHECK_OK(w[i].err);
        assert_status(&w[i].st, EXITSTAT_SIGNALED, 9, 0, EXITSTAT_F_KILLED, 137);
    }
    exitstat_child_free(child);
}
END_TEST

/* ---- T7: trees -------------------------------------------------------------------- */

/* the grandchild the helper announced on its first line */
static HANDLE grandchild_of(exitstat_child *child)
{
    char line[32];
    HANDLE gc;

    read_line(exitstat_child_stdio(child, 1), line, sizeof(line));
    gc =
        OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, (DWORD)strtoul(line, NULL, 10));
    ck_assert_msg(gc != NULL, "OpenProcess(%s): %lu", line, (unsigned long)GetLastError());
    return gc;
}

static void assert_ended_with(HANDLE h, DWORD want)
{
    DWORD code = 0;

    ck_assert_uint_eq(WaitForSingleObject(h, 20000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(h, &code));
    ck_assert_uint_eq(code, want);
}

START_TEST(kill_new_group_ends_the_tree)
{
    exitstat_cmd *cmd = hcmd("tree", "60000", NULL);
    exitstat_child *child;
    exitstat_status st;
    HANDLE gc;
    char *rest;
    size_t len;

    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
    child = spawn_flags(cmd, EXITSTAT_NEW_GROUP);
    gc = grandchild_of(child);
    ck_assert_uint_eq(WaitForSingleObject(gc, 0), WAIT_TIMEOUT);
    CHECK_OK(exitstat_kill(child));
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_SIGNALED, 9, 0, EXITSTAT_F_KILLED, 137);
    assert_ended_with(gc, 137);
    /* both writers of the pipe are gone */
    rest = read_all(exitstat_child_stdio(child, 1), &len);
    ck_assert_uint_eq(len, 0);
    free(rest);
    CloseHandle(gc);
    exitstat_child_free(child);
}
END_TEST

START_TEST(kill_new_group_reaches_the_job_after_the_leader)
{
    exitstat_cmd *cmd = hcmd("grandchild", "60000", NULL);
    exitstat_child *child;
    exitstat_status st, again;
    HANDLE gc;

    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
    child = spawn_flags(cmd, EXITSTAT_NEW_GROUP);
    gc = grandchild_of(child);
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_uint_eq(WaitForSingleObject(gc, 0), WAIT_TIMEOUT);
    CHECK_OK(exitstat_kill(child));
    assert_ended_with(gc, 137);
    /* the leader's status is its own */
    CHECK_OK(exitstat_wait(child, 0, &again));
    ck_assert(memcmp(&st, &again, sizeof(st)) == 0);
    CloseHandle(gc);
    exitstat_child_free(child);
}
END_TEST

START_TEST(kill_on_free_ends_the_tree)
{
    exitstat_cmd *cmd = hcmd("tree", "60000", NULL);
    exitstat_child *child;
    HANDLE gc, leader;

    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
    child = spawn_flags(cmd, EXITSTAT_KILL_ON_FREE);
    gc = grandchild_of(child);
    leader = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE,
                         (DWORD)exitstat_child_pid(child));
    ck_assert_ptr_nonnull(leader);
    exitstat_child_free(child);
    /* the child by our kill, its descendant by the job's end */
    assert_ended_with(leader, 137);
    ck_assert_uint_eq(WaitForSingleObject(gc, 20000), WAIT_OBJECT_0);
    CloseHandle(gc);
    CloseHandle(leader);
}
END_TEST

/* ---- A1, A2, A8: quoting through a real child ------------------------------------- */

static const char *const arg_corpus[] = {
    "",
    " ",
    "\t",
    "a b",
    "\"",
    "\\",
    "\\\\",
    "a\\",
    "a\\\\",
    "\\\"",
    "\\\\\"",
    "\" \\\"",
    "C:\\",
    "C:\\Program Files (x32)\\Common\\",
    "\\\\?\\C:\\x",
    "\\\\server\\share\\f",
    "*",
    "?",
    "*.c",
    "%PATH%",
    "&|<>^()",
    "\xcf\x80 \xd0\xaf \xe9\x9f\xb3 \xc3\xa6 \xe2\x88\x9e",
    "\xf0\x9f\x98\x80",
    NULL,
};

/* args (after the behaviour) through the helper's argv and back */
static void child_round_trip(const char *const *args)
{
    exitstat_cmd *cmd = hcmd("argv", NULL);
    exitstat_status st;
    size_t len;
    char *out;

    CHECK_OK(exitstat_cmd_argv(cmd, args));
    out = capture(cmd, &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    assert_nul_list(out, len, args);
    free(out);
}

START_TEST(corpus_through_a_child)
{
    const char *one[2] = {NULL, NULL};
    size_t i;

    for (i = 0; arg_corpus[i]; i++) {
        one[0] = arg_corpus[i];
        child_round_trip(one);
    }
    child_round_trip(arg_corpus);
}
END_TEST

START_TEST(long_and_many_arguments_through_a_child)
{
    const char *args[201];
    char *big = malloc(10001), num[200][12];
    size_t i;

    ck_assert_ptr_nonnull(big);
    for (i = 0; i < 10000; i++)
        big[i] = "ab \\\"\\\\c\t"[i % 9];
    big[10000] = '\0';
    args[0] = big;
    args[1] = NULL;
    child_round_trip(args);
    for (i = 0; i < 200; i++) {
        snprintf(num[i], sizeof(num[i]), i % 3 ? "%zu" : "%zu \"\\", i);
        args[i] = num[i];
    }
    args[200] = NULL;
    child_round_trip(args);
    free(big);
}
END_TEST

/* the line the child gets is exitstat_win32_quote's, unchanged */
START_TEST(command_line_is_the_quoted_argv)
{
    const char *argv[] = {helper_path(), "cmdline", "a b", "\"", "c\\", "d\\ e\\", NULL};
    exitstat_cmd *cmd;
    exitstat_status st;
    char want[4096], *out;
    size_t len;

    ck_assert_int_lt(exitstat_win32_quote(argv, want, sizeof(want)), (int)sizeof(want));
    cmd = hcmd("cmdline", NULL);
    CHECK_OK(exitstat_cmd_argv(cmd, argv + 2));
    out = capture(cmd, &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_str_eq(out, want);
    free(out);
}
END_TEST

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t test_seed(void)
{
    const char *s = getenv("EXITSTAT_TEST_SEED");
    return s && *s ? strtoull(s, NULL, 0) : UINT64_C(0x5EED0F00D);
}

static void random_text(char *buf, size_t size, int quotes)
{
    static const char *const pieces[] = {
        " ",
        "\t",
        "\"",
        "\\",
        "\\\\",
        "a",
        "b",
        "\xc3\xa9",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "^",
        "%",
        "&",
        "*",
        "?",
        "\"\"",
        "\\\"",
        "x y",
    };
    size_t n = (size_t)(rng() % 10), len = 0, i;

    for (i = 0; i < n; i++) {
        const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t plen = strlen(p);
        if ((!quotes && strchr(p, '"')) || len + plen + 1 > size)
            continue;
        memcpy(buf + len, p, plen);
        len += plen;
    }
    buf[len] = '\0';
}

/* CommandLineToArgvW's split of line (UTF-8 in and out); the count, or -1 */
static int system_split(const char *line, char ***out)
{
    wchar_t *w = wide(line), **wargv;
    char **argv;
    int argc, i;

    wargv = CommandLineToArgvW(w, &argc);
    free(w);
    ck_assert_ptr_nonnull(wargv);
    argv = calloc((size_t)argc + 1, sizeof(*argv));
    ck_assert_ptr_nonnull(argv);
    for (i = 0; i < argc; i++)
        argv[i] = narrow(wargv[i]);
    LocalFree(wargv);
    *out = argv;
    return argc;
}

static void free_argv(char **argv)
{
    size_t i;
    for (i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

START_TEST(random_vectors_through_children_and_the_system)
{
    /* every vector through a real child on Windows; under Wine, whose spawns
     * take ~0.13 s (tests/wine-deviations.md W7), the first 200, and all of
     * them through the same CommandLineToArgvW the child calls */
    enum { THROUGH_SYSTEM = 10000, MAXARGS = 6 };
    const int THROUGH_CHILD = running_under_wine() ? 200 : THROUGH_SYSTEM;
    char args[MAXARGS][256], *line, **sys, **ours, why[512];
    const char *argv[MAXARGS + 2];
    uint64_t seed = test_seed();
    int v, n;

    rng_state = seed;
    printf("win32: random vectors, seed 0x%" PRIx64 " (EXITSTAT_TEST_SEED): %d through a "
           "child, %d through CommandLineToArgvW and exitstat_win32_split\n",
           seed, THROUGH_CHILD, THROUGH_SYSTEM);
    fflush(stdout);
    for (v = 0; v < THROUGH_SYSTEM; v++) {
        size_t argc = (size_t)(rng() % MAXARGS), i, len;
        argv[0] = "C:\\Program Files\\prog.exe";
        for (i = 0; i < argc; i++) {
            random_text(args[i], sizeof(args[i]), 1);
            argv[i + 1] = args[i];
        }
        argv[argc + 1] = NULL;
        if (v < THROUGH_CHILD)
            child_round_trip(argv + 1);
        len = (size_t)exitstat_win32_quote(argv, NULL, 0);
        line = malloc(len + 1);
        ck_assert_ptr_nonnull(line);
        exitstat_win32_quote(argv, line, len + 1);
        n = system_split(line, &sys);
        ck_assert_int_eq(n, (int)argc + 1);
        if (!ref_same_argv((const char *const *)sys, argv, why, sizeof(why)))
            ck_abort_msg("CommandLineToArgvW of [%s]: %s", line, why);
        ck_assert_int_eq(exitstat_win32_split(line, &ours), n);
        if (!ref_same_argv((const char *const *)ours, argv, why, sizeof(why)))
            ck_abort_msg("exitstat_win32_split of [%s]: %s", line, why);
        exitstat_free(ours);
        free_argv(sys);
        free(line);
    }
}
END_TEST

/* any line at all, not only ours: exitstat_win32_split is CommandLineToArgvW */
START_TEST(split_agrees_with_the_system)
{
    enum { LINES = 10000 };
    char line[300], **sys, **ours, why[512];
    int v, n;

    rng_state = test_seed() ^ UINT64_C(0xC0FFEE);
    for (v = 0; v < LINES; v++) {
        random_text(line + 2, 100, 1);
        if (v % 2) { /* a plain program name first */
            line[0] = 'p';
            line[1] = ' ';
        } else {
            memmove(line, line + 2, strlen(line + 2) + 1);
        }
        if (!*line)
            continue; /* CommandLineToArgvW makes up our own path for "" */
        n = system_split(line, &sys);
        ck_assert_int_eq(exitstat_win32_split(line, &ours), n);
        if (!ref_same_argv((const char *const *)ours, (const char *const *)sys, why, sizeof(why)))
            ck_abort_msg("split of [%s]: %s", line, why);
        exitstat_free(ours);
        free_argv(sys);
    }
}
END_TEST

/* ---- A3, A4, A5: batch files ------------------------------------------------------ */

/*
 * Scripts that pass their arguments on to the helper's "cmdline", which
 * writes the command line it got: fwd.bat forwards %*, one.cmd "%~1". What
 * arrives is split by the modern CRT rule (refsplit.h), which is what cmd.exe
 * keeps in step with ('""' inside quotes is a literal quote).
 */
struct scripts {
    wchar_t *dir;
};

static void scripts_make(struct scripts *s)
{
    wchar_t *helper = helper_full();
    char *h = narrow(helper), text[2048];

    s->dir = make_tmpdir();
    snprintf(text, sizeof(text), "@echo off\r\n\"%s\" cmdline %%*\r\n", h);
    write_file(s->dir, L"fwd.bat", text);
    snprintf(text, sizeof(text), "@echo off\r\n\"%s\" cmdline \"%%~1\"\r\n", h);
    write_file(s->dir, L"one.cmd", text);
    free(h);
    free(helper);
}

static void scripts_free(struct scripts *s)
{
    remove_tree(s->dir);
    free(s->dir);
}

/* run program (a script) with args from dir; its helper must have seen want */
static void batch_round_trip(const struct scripts *s, const char *program, const char *const *args,
                             const char *const *want)
{
    exitstat_cmd *cmd = NULL;
    exitstat_status st;
    char *out, *err, **got, *dir = narrow(s->dir);
    size_t len, i, nwant = 0;
    int n;

    CHECK_OK(exitstat_cmd_new(&cmd, program));
    nul_stdio(cmd);
    CHECK_OK(exitstat_cmd_argv(cmd, args));
    CHECK_OK(exitstat_cmd_cwd(cmd, dir));
    out = capture(cmd, &st, &len, &err);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_msg(*err == '\0', "%s wrote to stderr: %s", program, err);
    while (want[nwant])
        nwant++;
    n = ref_split(out, REF_UCRT, &got);
    ck_assert_msg(n == (int)nwant + 2 && strcmp(got[1], "cmdline") == 0, "%s: the helper got [%s]",
                  program, out);
    for (i = 0; i < nwant; i++)
        if (strcmp(got[i + 2], want[i]) != 0)
            ck_abort_msg("%s: argument %zu arrived as [%s], want [%s]; the helper got [%s]",
                         program, i, got[i + 2], want[i], out);
    /* nothing the arguments said ran */
    ck_assert_msg(!file_exists(s->dir, L"file.txt"), "file.txt was created");
    ref_free(got);
    free(out);
    free(err);
    free(dir);
}

/* BatBadBut: commands, redirections, quotes, carets, trailing backslashes
 * (the Rust and Zig corpora), and friends */
static const char *const bat_corpus[] = {
    "&whoami",
    ">file.txt",
    "\"&echo hello",
    "abc\"&echo hello",
    "!TMP!",
    "key=\"value\"=5",
    "hello^\"world",
    "\\",
    "\"\"",
    "",
    "a b",
    "x\" &echo INJECTED",
    "(x)",
    "a|b",
    "a<b>c",
    "a,b;c=d",
    "^",
    "tab\there",
    "a\\\"b",
    "trail\\",
    "C:\\dir with space\\",
    "\xc3\xa9t\xc3\xa9 \xe2\x82\xac",
    "*?",
    NULL,
};

/* and expansions, which the %%cd:~,% trick keeps from happening */
static const char *const bat_percent[] = {
    "%PATH%", "%%cd:~,%", "%", "100%", "%x", "%PATH", "a%TMP%b\"%", NULL,
};

/* Wine's cmd.exe is its own: it expands the %...% of a cmd /c line by rules of
 * its own, where the %%cd:~,% trick does not hold (nor is an undefined
 * variable kept as written, as on Windows) */
#define WINE_CMD_TILDE                                                                             \
    "Wine's cmd.exe %~1 drops every quote of the parameter, not only the outer pair "              \
    WINE_DEV("W2a")
#define WINE_CMD_PERCENT                                                                           \
    "Wine's cmd.exe expands %...% on a cmd /c line unlike Windows' (the %%cd:~,% "                 \
    "trick fails, undefined variables vanish)" WINE_DEV("W2b")

START_TEST(batch_forwards_every_argument)
{
    struct scripts s;
    char *fwd;
    const char *one[2] = {NULL, NULL};
    size_t i;

    scripts_make(&s);
    fwd = path_in(s.dir, L"fwd.bat");
    batch_round_trip(&s, fwd, bat_corpus, bat_corpus);
    /* "%~1": each argument alone */
    free(fwd);
    fwd = path_in(s.dir, L"one.cmd");
    for (i = 0; bat_corpus[i]; i++) {
        one[0] = bat_corpus[i];
        if (running_under_wine() && strchr(one[0], '"')) {
            printf("SKIP %s (\"%%~1\" of [%s]): %s\n", __func__, one[0], WINE_CMD_TILDE);
            continue;
        }
        batch_round_trip(&s, fwd, one, one);
    }
    free(fwd);
    scripts_free(&s);
}
END_TEST

START_TEST(batch_expands_nothing)
{
    struct scripts s;
    char *fwd;

    SKIP_UNDER_WINE(WINE_CMD_PERCENT);
    /* variables named with the carets a naive escape would add exist too */
    ck_assert(SetEnvironmentVariableW(L"PATH^", L"caret"));
    ck_assert(SetEnvironmentVariableW(L"^P^A^T^H^", L"carets"));
    scripts_make(&s);
    fwd = path_in(s.dir, L"fwd.bat");
    batch_round_trip(&s, fwd, bat_percent, bat_percent);
    free(fwd);
    fwd = path_in(s.dir, L"one.cmd");
    {
        const char *one[2] = {NULL, NULL};
        size_t i;
        for (i = 0; bat_percent[i]; i++) {
            one[0] = bat_percent[i];
            batch_round_trip(&s, fwd, one, one);
        }
    }
    free(fwd);
    scripts_free(&s);
    SetEnvironmentVariableW(L"PATH^", NULL);
    SetEnvironmentVariableW(L"^P^A^T^H^", NULL);
}
END_TEST

START_TEST(batch_refuses_line_breaks)
{
    static const char *const bad[] = {"a\rb", "a\nb", "\r\n", "end\n"};
    struct scripts s;
    exitstat_cmd *cmd = NULL;
    exitstat_child *child = (exitstat_child *)&cmd;
    char *fwd;
    size_t i;

    scripts_make(&s);
    fwd = path_in(s.dir, L"fwd.bat");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_OK(exitstat_cmd_new(&cmd, fwd));
        CHECK_OK(exitstat_cmd_arg(cmd, "fine"));
        CHECK_OK(exitstat_cmd_arg(cmd, bad[i]));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EUNSAFE);
        ck_assert_ptr_null(child);
        exitstat_cmd_free(cmd);
    }
    /* and cmd.exe's 8191 characters */
    {
        char *big = malloc(9000);
        ck_assert_ptr_nonnull(big);
        memset(big, 'a', 8999);
        big[8999] = '\0';
        CHECK_OK(exitstat_cmd_new(&cmd, fwd));
        CHECK_OK(exitstat_cmd_arg(cmd, big));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_E2BIG);
        exitstat_cmd_free(cmd);
        free(big);
    }
    free(fwd);
    scripts_free(&s);
}
END_TEST

/* what the helper got, raw, from program (a script) run with one argument */
static char *batch_raw(const struct scripts *s, const char *program, const char *arg)
{
    exitstat_cmd *cmd = NULL;
    exitstat_status st;
    char *out, *err, *dir = narrow(s->dir);
    size_t len;

    CHECK_OK(exitstat_cmd_new(&cmd, program));
    nul_stdio(cmd);
    CHECK_OK(exitstat_cmd_arg(cmd, arg));
    CHECK_OK(exitstat_cmd_cwd(cmd, dir));
    out = capture(cmd, &st, &len, &err);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_msg(*err == '\0', "%s wrote to stderr: %s", program, err);
    free(err);
    free(dir);
    return out;
}

/* Batch detection survives what Windows strips from names (CVE-2024-43402)
 * and any case. Were it missed, CreateProcessW would run the script through
 * cmd.exe with CRT quoting: x" &echo INJECTED would inject, and trail\ would
 * reach the script as trail\ rather than our "trail\\". */
START_TEST(batch_detected_in_any_spelling)
{
    static const wchar_t *const names[] = {
        L"FWD.BAT",    L"fwd.bat.", L"fwd.bat. .",     L"fwd.bAt  ",
        L"fwd.bat...", L"ONE.Cmd ", L"fwd.bat::$DATA",
    };
    const char *args[] = {"x\" &echo INJECTED", "%PATH%", NULL};
    const char *first[] = {"x\" &echo INJECTED", NULL};
    struct scripts s;
    size_t i;

    if (running_under_wine()) {
        printf("SKIP %s (the %%PATH%% part): %s\n", __func__, WINE_CMD_PERCENT);
        args[1] = NULL;
    }
    scripts_make(&s);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *p = path_in(s.dir, names[i]);
        if (wcschr(names[i], L':') && running_under_wine()) {
            /* the file's default data stream, named */
            printf("SKIP %s (%ls): Wine has no NTFS streams" WINE_DEV("W3") "\n", __func__,
                   names[i]);
            free(p);
            continue;
        }
        if (names[i][0] == L'O' && running_under_wine())
            printf("SKIP %s (\"%%~1\" of [%s]): %s\n", __func__, first[0], WINE_CMD_TILDE);
        else if (names[i][0] == L'O')
            batch_round_trip(&s, p, first, first);
        else
            batch_round_trip(&s, p, args, args);
        /* the form only our escaping makes */
        {
            static const char tail[] = " cmdline \"trail\\\\\"";
            char *raw = batch_raw(&s, p, "trail\\");
            size_t rl = strlen(raw);
            ck_assert_msg(rl >= strlen(tail) && strcmp(raw + rl - strlen(tail), tail) == 0,
                          "%ls: the script got [%s]", names[i], raw);
            free(raw);
        }
        free(p);
    }
    /* relative to the command's directory */
    batch_round_trip(&s, ".\\fwd.bat. ", args, args);
    scripts_free(&s);
}
END_TEST

/* R6: a bare name gets ".exe" only: "fwd" never finds fwd.bat */
START_TEST(batch_not_found_by_bare_name)
{
    struct scripts s;
    exitstat_cmd *cmd = NULL;
    exitstat_child *child = NULL;
    exitstat_status st;
    char *dir, buf[1024], *want, *out;
    size_t len;

    scripts_make(&s);
    dir = narrow(s.dir);
    CHECK_OK(exitstat_cmd_new(&cmd, "fwd"));
    CHECK_OK(exitstat_cmd_env(cmd, "PATH", dir));
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, sizeof(buf)), EXITSTAT_ENOENT);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
    /* named in full, it is found and runs */
    CHECK_OK(exitstat_cmd_new(&cmd, "fwd.bat"));
    nul_stdio(cmd);
    CHECK_OK(exitstat_cmd_env(cmd, "PATH", dir));
    want = path_in(s.dir, L"fwd.bat");
    ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, sizeof(buf)), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    CHECK_OK(exitstat_cmd_arg(cmd, "ok"));
    out = capture(cmd, &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_ptr_nonnull(strstr(out, "cmdline ok"));
    free(out);
    free(want);
    free(dir);
    scripts_free(&s);
}
END_TEST

/* ---- D7-D10, M4: handles ------------------------------------------------------------- */

static void file_id(HANDLE h, char *buf, size_t size)
{
    BY_HANDLE_FILE_INFORMATION info;

    ck_assert(GetFileInformationByHandle(h, &info));
    snprintf(buf, size, "%lx:%lx%08lx", (unsigned long)info.dwVolumeSerialNumber,
             (unsigned long)info.nFileIndexHigh, (unsigned long)info.nFileIndexLow);
}

START_TEST(sentinel_handle_not_inherited)
{
    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
    wchar_t *dir = make_tmpdir(), path[1100];
    exitstat_cmd *cmd;
    exitstat_status st;
    char ours[64], num[32], *out;
    size_t len;
    DWORD flags = 0;
    HANDLE h;

    _snwprintf(path, 1100, L"%ls\\sentinel", dir);
    path[1099] = L'\0';
    /* inheritable, so that only the handle list can keep it out */
    h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                    CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert(h != INVALID_HANDLE_VALUE);
    file_id(h, ours, sizeof(ours));
    snprintf(num, sizeof(num), "%llu", (unsigned long long)(uintptr_t)h);

    out = capture(hcmd("fileid", num, NULL), &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_msg(strcmp(out, ours) != 0, "the child can use our handle %s", num);
    free(out);

    /* given on purpose, the same file arrives */
    cmd = hcmd("fileid", "in", NULL);
    CHECK_OK(exitstat_cmd_stdio(cmd, 0, EXITSTAT_HANDLE, (intptr_t)h));
    out = capture(cmd, &st, &len, NULL);
    ck_assert_str_eq(out, ours);
    free(out);
    /* and the caller's handle is as it was */
    ck_assert(GetHandleInformation(h, &flags));
    ck_assert(flags & HANDLE_FLAG_INHERIT);
    CloseHandle(h);
    remove_tree(dir);
    free(dir);
}
END_TEST

struct spawner {
    exitstat_child *kids[8];
    int n;
};

static DWORD WINAPI spawn_sleepers(LPVOID arg)
{
    struct spawner *s = arg;
    int i;

    for (i = 0; i < 8; i++) {
        exitstat_cmd *cmd = NULL;
        if (exitstat_cmd_new(&cmd, helper_path()) < 0)
            break;
        if (exitstat_cmd_arg(cmd, "sleep") == 0 && exitstat_cmd_arg(cmd, "60000") == 0 &&
            exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0) == 0 &&
            exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0) == 0 &&
            exitstat_cmd_stdio(cmd, 2, EXITSTAT_NULL, 0) == 0 &&
            exitstat_spawn(cmd, &s->kids[s->n]) == 0)
            s->n++;
        exitstat_cmd_free(cmd);
    }
    return 0;
}

/* D7, D9: while another thread spawns long-lived children with pipes of
 * their own, each short child's pipe reaches EOF when it exits: no other
 * child holds a copy of its write end */
START_TEST(concurrent_spawns_do_not_share_pipes)
{
    struct spawner s;
    HANDLE t;
    exitstat_status st;
    int i;

    memset(&s, 0, sizeof(s));
    t = CreateThread(NULL, 0, spawn_sleepers, &s, 0, NULL);
    ck_assert_ptr_nonnull(t);
    for (i = 0; i < 12; i++) {
        int64_t t0 = now_ms(), took;
        size_t len;
        char *out = capture(hcmd("write-out", "100", NULL), &st, &len, NULL);
        took = now_ms() - t0;
        ck_assert_uint_eq(len, 100);
        ck_assert_msg(took < 20000, "EOF took %lld ms", (long long)took);
        free(out);
    }
    ck_assert_uint_eq(WaitForSingleObject(t, 60000), WAIT_OBJECT_0);
    CloseHandle(t);
    ck_assert_int_eq(s.n, 8);
    for (i = 0; i < s.n; i++) {
        CHECK_OK(exitstat_kill(s.kids[i]));
        CHECK_OK(exitstat_wait(s.kids[i], 20000, &st));
        exitstat_child_free(s.kids[i]);
    }
}
END_TEST

START_TEST(same_handle_for_stdout_and_stderr)
{
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st;
    HANDLE r, w;
    char *out;
    size_t len;

    /* the caller's own pipe, on both streams */
    ck_assert(CreatePipe(&r, &w, NULL, 0));
    cmd = hcmd("write-both", "10000", NULL);
    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, (intptr_t)w));
    CHECK_OK(exitstat_cmd_stdio(cmd, 2, EXITSTAT_HANDLE, (intptr_t)w));
    CHECK_OK(exitstat_spawn(cmd, &child));
    exitstat_cmd_free(cmd);
    CloseHandle(w);
    out = read_all((intptr_t)r, &len);
    ck_assert_uint_eq(len, 20000);
    CloseHandle(r);
    free(out);
    CHECK_OK(exitstat_wait(child, 20000, &st));
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    exitstat_child_free(child);

    /* a pipe of ours, merged */
    cmd = hcmd("write-both", "10000", NULL);
    CHECK_OK(exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0));
    out = capture(cmd, &st, &len, NULL);
    ck_assert_uint_eq(len, 20000);
    free(out);

    /* a console as stdin, where there is one */
    if (GetFileType(GetStdHandle(STD_INPUT_HANDLE)) == FILE_TYPE_CHAR) {
        helper_run(helper_cmd("check-std", NULL), &st);
        assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    }
}
END_TEST

START_TEST(spawn_with_invalid_std_handles)
{
    static const DWORD ids[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
    HANDLE saved[3];
    exitstat_cmd *cmd;
    exitstat_child *a = NULL, *b = NULL;
    exitstat_status sa, sb;
    int i, ea, eb;

    for (i = 0; i < 3; i++) {
        saved[i] = GetStdHandle(ids[i]);
        SetStdHandle(ids[i], INVALID_HANDLE_VALUE);
    }
    /* inheriting nothing works: the child just has no streams */
    cmd = helper_cmd("check-std", NULL);
    ea = exitstat_spawn(cmd, &a);
    exitstat_cmd_free(cmd);
    /* and EXITSTAT_NULL gives it three good ones */
    cmd = helper_cmd("check-std", NULL);
    for (i = 0; i < 3; i++)
        exitstat_cmd_stdio(cmd, i, EXITSTAT_NULL, 0);
    eb = exitstat_spawn(cmd, &b);
    exitstat_cmd_free(cmd);
    for (i = 0; i < 3; i++)
        SetStdHandle(ids[i], saved[i]);
    CHECK_OK(ea);
    CHECK_OK(eb);
    CHECK_OK(exitstat_wait(a, 20000, &sa));
    CHECK_OK(exitstat_wait(b, 20000, &sb));
    exitstat_child_free(a);
    exitstat_child_free(b);
    assert_status(&sb, EXITSTAT_EXITED, 0, 0, 0, 0);
    SKIP_UNDER_WINE("a child given no standard handles gets Wine's own Unix ones "
                    WINE_DEV("W4"));
    assert_status(&sa, EXITSTAT_EXITED, 0, 1, 0, 1);
}
END_TEST

/* ---- E1, E3, E4: the environment block ------------------------------------------------ */

/* Wine's loader gives every process variables of its own (WINE*,
 * SystemDrive, SystemRoot), appended whatever the block said */
#define WINE_ENV                                                                                   \
    "Wine appends WINE*, SystemDrive and SystemRoot to every process's "                           \
    "environment, after the block it was given" WINE_DEV("W6")

/* the helper's "env" output as a vector (malloc'ed strings), without what
 * Wine adds */
static char **child_env(exitstat_cmd *cmd, size_t *n)
{
    exitstat_status st;
    size_t len, at = 0, k = 0;
    char *out = capture(cmd, &st, &len, NULL), **v = calloc(len + 1, sizeof(char *));

    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_ptr_nonnull(v);
    while (at < len) {
        size_t l = strlen(out + at);
        if (!wine_env_entry(out + at)) {
            v[k] = malloc(l + 1);
            ck_assert_ptr_nonnull(v[k]);
            memcpy(v[k++], out + at, l + 1);
        }
        at += l + 1;
    }
    free(out);
    *n = k;
    return v;
}

static size_t name_len_of(const char *e)
{
    const char *eq = e[0] ? strchr(e + 1, '=') : NULL;
    return eq ? (size_t)(eq - e) : strlen(e);
}

/* names equal as Windows compares them */
static int same_name(const char *a, size_t alen, const char *b, size_t blen)
{
    wchar_t wa[256], wb[256];
    int la = MultiByteToWideChar(CP_UTF8, 0, a, (int)alen, wa, 256);
    int lb = MultiByteToWideChar(CP_UTF8, 0, b, (int)blen, wb, 256);
    return CompareStringOrdinal(wa, la, wb, lb, TRUE) == CSTR_EQUAL;
}

/* the entries named name (without case) */
static size_t count_named(char **env, size_t n, const char *name, const char **last)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++) {
        if (same_name(env[i], name_len_of(env[i]), name, strlen(name))) {
            c++;
            *last = env[i];
        }
    }
    return c;
}

START_TEST(empty_environment)
{
    exitstat_cmd *cmd = hcmd("env", NULL);
    wchar_t value[1024];
    char want[1100], *v;
    const char *e = NULL;
    char **env;
    size_t n, i;

    CHECK_OK(exitstat_cmd_env_clear(cmd));
    env = child_env(cmd, &n);
    /* SystemRoot, and nothing else */
    ck_assert(GetEnvironmentVariableW(L"SystemRoot", value, 1024) > 0);
    v = narrow(value);
    snprintf(want, sizeof(want), "SystemRoot=%s", v);
    free(v);
    if (running_under_wine())
        printf("SKIP %s (whose SystemRoot): %s\n", __func__, WINE_ENV);
    else
        ck_assert_msg(n == 1 && strcmp(env[0], want) == 0, "%zu entries, first [%s]", n,
                      n ? env[0] : "");
    ck_assert_uint_eq(n, running_under_wine() ? 0 : 1);
    for (i = 0; i < n; i++)
        free(env[i]);
    free(env);

    /* asked for: truly empty; a child with an empty block starts */
    cmd = hcmd("env", NULL);
    CHECK_OK(exitstat_cmd_env_clear(cmd));
    CHECK_OK(exitstat_cmd_env(cmd, "SYSTEMROOT", NULL));
    env = child_env(cmd, &n);
    ck_assert_uint_eq(n, 0);
    free(env);

    /* set by the command: its value */
    SKIP_UNDER_WINE(WINE_ENV);
    cmd = hcmd("env", NULL);
    CHECK_OK(exitstat_cmd_env_clear(cmd));
    CHECK_OK(exitstat_cmd_env(cmd, "systemroot", "X:\\elsewhere"));
    env = child_env(cmd, &n);
    ck_assert_uint_eq(count_named(env, n, "SYSTEMROOT", &e), 1);
    ck_assert_str_eq(e, "systemroot=X:\\elsewhere");
    ck_assert_uint_eq(n, 1);
    free(env[0]);
    free(env);
}
END_TEST

START_TEST(names_with_equals)
{
    exitstat_cmd *cmd = hcmd("getenv", "EXITSTAT_EQ", NULL);
    exitstat_status st;
    char **env, *out;
    const char *e = NULL;
    size_t n, len, i;

    ck_assert_int_eq(exitstat_cmd_env(cmd, "=C:", "C:\\"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "A=B", "x"), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_cmd_env(cmd, "", "x"), EXITSTAT_EINVAL);
    CHECK_OK(exitstat_cmd_env(cmd, "EXITSTAT_EQ", "a=b==c="));
    out = capture(cmd, &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_str_eq(out, "a=b==c=");
    free(out);

    /* the hidden per-drive directories are kept, block rebuilt or not */
    ck_assert(SetEnvironmentVariableW(L"=Q:", L"Q:\\hidden"));
    for (i = 0; i < 2; i++) {
        cmd = hcmd("env", NULL);
        if (i == 1)
            CHECK_OK(exitstat_cmd_env(cmd, "EXITSTAT_CHANGED", "1"));
        env = child_env(cmd, &n);
        ck_assert_uint_eq(count_named(env, n, "=Q:", &e), 1);
        ck_assert_str_eq(e, "=Q:=Q:\\hidden");
        while (n > 0)
            free(env[--n]);
        free(env);
    }
    SetEnvironmentVariableW(L"=Q:", NULL);
}
END_TEST

START_TEST(duplicate_names_last_spelling_wins)
{
    exitstat_cmd *cmd = hcmd("env", NULL);
    const char *e = NULL;
    char **env;
    size_t n, i;

    ck_assert(SetEnvironmentVariableW(L"FRUIT", L"parent"));
    ck_assert(SetEnvironmentVariableW(L"\u00c9T\u00c9", L"parent"));
    CHECK_OK(exitstat_cmd_env(cmd, "fRUit", "apple"));
    CHECK_OK(exitstat_cmd_env(cmd, "fruit", "pear"));
    CHECK_OK(exitstat_cmd_env(cmd, "FRUIT", "plum"));
    CHECK_OK(exitstat_cmd_env(cmd, "frUit", "banana"));
    CHECK_OK(exitstat_cmd_env(cmd, "\xc3\xa9t\xc3\xa9", "summer")); /* été over ÉTÉ */
    env = child_env(cmd, &n);
    SetEnvironmentVariableW(L"FRUIT", NULL);
    SetEnvironmentVariableW(L"\u00c9T\u00c9", NULL);

    ck_assert_uint_eq(count_named(env, n, "fruit", &e), 1);
    ck_assert_str_eq(e, "frUit=banana");
    ck_assert_uint_eq(count_named(env, n, "\xc3\x89T\xc3\x89", &e), 1);
    ck_assert_str_eq(e, "\xc3\xa9t\xc3\xa9=summer");
    /* sorted by name, without case, as Windows sorts */
    for (i = 1; i < n; i++) {
        wchar_t *a = wide(env[i - 1]), *b = wide(env[i]);
        size_t la = wcschr(a + 1, L'=') ? (size_t)(wcschr(a + 1, L'=') - a) : wcslen(a);
        size_t lb = wcschr(b + 1, L'=') ? (size_t)(wcschr(b + 1, L'=') - b) : wcslen(b);
        ck_assert_msg(CompareStringOrdinal(a, (int)la, b, (int)lb, TRUE) == CSTR_LESS_THAN,
                      "[%s] before [%s]", env[i - 1], env[i]);
        free(a);
        free(b);
    }
    for (i = 0; i < n; i++)
        free(env[i]);
    free(env);
}
END_TEST

/* A name and its other case need not have the same UTF-8 length: U+2C65
 * (3 bytes) upper-cases to U+023A (2 bytes). Unsetting one spelling must
 * remove the other wherever Windows' own comparison says they are the same
 * name, and keep it where it does not (older case tables). */
START_TEST(unset_across_utf8_lengths)
{
    static const wchar_t lower[] = L"ES_\x2c65", upper[] = L"ES_\x023a";
    const char *lower8 = "ES_\xe2\xb1\xa5", *upper8 = "ES_\xc8\xba", *e = NULL;
    int same = CompareStringOrdinal(lower, -1, upper, -1, TRUE) == CSTR_EQUAL;
    exitstat_cmd *cmd = hcmd("env", NULL);
    char **env;
    size_t n, i;

    printf("%s: this system's case table %s U+2C65 with U+023A\n", __func__,
           same ? "folds" : "does not fold");
    ck_assert(SetEnvironmentVariableW(lower, L"parent"));
    CHECK_OK(exitstat_cmd_env(cmd, upper8, NULL));
    env = child_env(cmd, &n);
    ck_assert_uint_eq(count_named(env, n, lower8, &e), same ? 0 : 1);
    for (i = 0; i < n; i++)
        free(env[i]);
    free(env);

    /* set in one spelling over the parent's other: one entry, the command's */
    cmd = hcmd("env", NULL);
    CHECK_OK(exitstat_cmd_env(cmd, upper8, "command"));
    env = child_env(cmd, &n);
    SetEnvironmentVariableW(lower, NULL);
    if (same) {
        ck_assert_uint_eq(count_named(env, n, lower8, &e), 1);
        ck_assert_str_eq(e, "ES_\xc8\xba=command");
    } else {
        ck_assert_uint_eq(count_named(env, n, lower8, &e), 1);
        ck_assert_uint_eq(count_named(env, n, upper8, &e), 1);
    }
    for (i = 0; i < n; i++)
        free(env[i]);
    free(env);
}
END_TEST

/* ---- R4, R5, R7, R8: which program runs ------------------------------------------------- */

static int resolve(exitstat_cmd *cmd, char *buf, size_t size)
{
    return exitstat_cmd_resolve(cmd, buf, size);
}

static exitstat_cmd *named(const char *program, const char *path)
{
    exitstat_cmd *cmd = NULL;

    CHECK_OK(exitstat_cmd_new(&cmd, program));
    nul_stdio(cmd);
    if (path)
        CHECK_OK(exitstat_cmd_env(cmd, "PATH", path));
    return cmd;
}

START_TEST(bare_name_not_from_cwd_or_app_dir)
{
    wchar_t *dir = make_tmpdir(), old[1024], self[1024], *slash;
    char buf[1100], *udir = narrow(dir), *want, *sys;
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st;

    copy_helper(dir, L"r5prog.exe");
    ck_assert(GetCurrentDirectoryW(1024, old) > 0);
    ck_assert(SetCurrentDirectoryW(dir));
    cmd = named("r5prog", NULL);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), EXITSTAT_ENOENT);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
    SetCurrentDirectoryW(old);

    /* the application's directory (the helper sits next to us) neither */
    ck_assert(GetModuleFileNameW(NULL, self, 1024) > 0);
    slash = wcsrchr(self, L'\\');
    ck_assert_ptr_nonnull(slash);
    slash[1] = L'\0';
    ck_assert(GetSystemDirectoryW(old, 1024) > 0);
    sys = narrow(old);
    if (!file_exists(self, L"exitstat-test-helper.exe"))
        printf("note %s: the helper is not next to the runner here\n", __func__);
    cmd = named("exitstat-test-helper", sys);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
    free(sys);

    /* in the child's PATH it is found, ".exe" appended */
    cmd = named("r5prog", udir);
    want = path_in(dir, L"r5prog.exe");
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    CHECK_OK(exitstat_cmd_arg(cmd, "exit"));
    CHECK_OK(exitstat_cmd_arg(cmd, "7"));
    helper_run(cmd, &st);
    assert_status(&st, EXITSTAT_EXITED, 0, 7, 0, 7);

    /* unchanged, the command searches our PATH */
    {
        wchar_t *saved = malloc(32768 * sizeof(wchar_t));
        DWORD had = GetEnvironmentVariableW(L"PATH", saved, 32768);
        ck_assert(SetEnvironmentVariableW(L"PATH", dir));
        cmd = named("r5prog", NULL);
        ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(want));
        exitstat_cmd_free(cmd);
        SetEnvironmentVariableW(L"PATH", had ? saved : NULL);
        free(saved);
    }
    free(want);
    free(udir);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(odd_path_values)
{
    wchar_t *dir = make_tmpdir(), semi[1100], sys[MAX_PATH + 1], old[1024];
    char *udir = narrow(dir), *usemi, path[2400], buf[1200], *want, *wsemi, *cmdexe;
    exitstat_cmd *cmd;
    exitstat_status st;

    copy_helper(dir, L"r7prog.exe");
    _snwprintf(semi, 1100, L"%ls\\semi;colon", dir);
    semi[1099] = L'\0';
    ck_assert(CreateDirectoryW(semi, NULL));
    copy_helper(semi, L"r7semi.exe");
    usemi = narrow(semi);
    want = path_in(dir, L"r7prog.exe");
    wsemi = path_in(semi, L"r7semi.exe");

    /* empty, relative and quoted entries */
    snprintf(path, sizeof(path), ";.;\"%s\";", udir);
    cmd = named("r7prog", path);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    exitstat_cmd_free(cmd);
    /* a quoted entry may hold ';' */
    snprintf(path, sizeof(path), "\"%s\"", usemi);
    cmd = named("r7semi", path);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(wsemi));
    ck_assert_str_eq(buf, wsemi);
    CHECK_OK(exitstat_cmd_arg(cmd, "exit"));
    CHECK_OK(exitstat_cmd_arg(cmd, "3"));
    helper_run(cmd, &st);
    assert_status(&st, EXITSTAT_EXITED, 0, 3, 0, 3);
    /* unquoted it splits there */
    cmd = named("r7semi", usemi);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
    /* a trailing separator */
    snprintf(path, sizeof(path), "%s\\", udir);
    cmd = named("r7prog.exe", path);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    exitstat_cmd_free(cmd);
    /* entries that depend on a current directory find nothing, even there */
    ck_assert(GetCurrentDirectoryW(1024, old) > 0);
    ck_assert(SetCurrentDirectoryW(dir));
    cmd = named("r7prog", ".;..;r7;\\;C:;semi;colon;\"\"");
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
    SetCurrentDirectoryW(old);
    /* an empty PATH finds nothing */
    cmd = named("r7prog", "");
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), EXITSTAT_ENOENT);
    exitstat_cmd_free(cmd);
    /* no PATH at all: the system directory */
    cmd = named("cmd", NULL);
    CHECK_OK(exitstat_cmd_env(cmd, "PATH", NULL));
    ck_assert(GetSystemDirectoryW(sys, MAX_PATH + 1) > 0);
    cmdexe = path_in(sys, L"cmd.exe");
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(cmdexe));
    {
        wchar_t *a = wide(buf), *b = wide(cmdexe);
        ck_assert_int_eq(CompareStringOrdinal(a, -1, b, -1, TRUE), CSTR_EQUAL);
        free(a);
        free(b);
    }
    exitstat_cmd_free(cmd);
    free(cmdexe);
    free(want);
    free(wsemi);
    free(usemi);
    free(udir);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(program_path_with_spaces)
{
    wchar_t *dir = make_tmpdir(), sub[1100];
    char *prog, buf[1200], *bare;
    exitstat_cmd *cmd = NULL;
    exitstat_status st;

    _snwprintf(sub, 1100, L"%ls\\dir with space", dir);
    sub[1099] = L'\0';
    ck_assert(CreateDirectoryW(sub, NULL));
    copy_helper(sub, L"prog.exe");
    /* what CreateProcess might guess from an unquoted line */
    write_file(dir, L"dir.exe", "not a program");
    prog = path_in(sub, L"prog.exe");
    CHECK_OK(exitstat_cmd_new(&cmd, prog));
    nul_stdio(cmd);
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(prog));
    ck_assert_str_eq(buf, prog);
    CHECK_OK(exitstat_cmd_arg(cmd, "exit"));
    CHECK_OK(exitstat_cmd_arg(cmd, "5"));
    helper_run(cmd, &st);
    assert_status(&st, EXITSTAT_EXITED, 0, 5, 0, 5);
    /* without its extension, .exe is added */
    bare = path_in(sub, L"prog");
    CHECK_OK(exitstat_cmd_new(&cmd, bare));
    ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(prog));
    ck_assert_str_eq(buf, prog);
    exitstat_cmd_free(cmd);
    /* R4: relative to the command's directory */
    {
        char *udir = narrow(dir);
        CHECK_OK(exitstat_cmd_new(&cmd, "dir with space\\prog"));
        nul_stdio(cmd);
        CHECK_OK(exitstat_cmd_cwd(cmd, udir));
        ck_assert_int_eq(resolve(cmd, buf, sizeof(buf)), (int)strlen(prog));
        ck_assert_str_eq(buf, prog);
        CHECK_OK(exitstat_cmd_arg(cmd, "exit"));
        CHECK_OK(exitstat_cmd_arg(cmd, "6"));
        helper_run(cmd, &st);
        assert_status(&st, EXITSTAT_EXITED, 0, 6, 0, 6);
        free(udir);
    }
    free(bare);
    free(prog);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- F1, F5, F8, A7: failures ------------------------------------------------------------ */

START_TEST(failing_spawns_leave_nothing)
{
    wchar_t *dir = make_tmpdir();
    char *udir = narrow(dir), *file, *junk;
    exitstat_cmd *cmd = NULL;
    exitstat_child *child;
    int i;

    write_file(dir, L"plain.txt", "text");
    write_file(dir, L"junk.exe", "not a program");
    file = path_in(dir, L"plain.txt");
    junk = path_in(dir, L"junk.exe");
    for (i = 0; i < 100; i++) {
        CHECK_OK(exitstat_cmd_new(&cmd, "exitstat-no-such-program"));
        CHECK_OK(exitstat_cmd_stdio(cmd, 0, EXITSTAT_PIPE, 0));
        CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
        CHECK_OK(exitstat_cmd_stdio(cmd, 2, EXITSTAT_NULL, 0));
        CHECK_OK(exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE));
        child = (exitstat_child *)cmd;
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_ENOENT);
        ck_assert_ptr_null(child);
        exitstat_cmd_free(cmd);
    }
    /* A3: no file name holds a '"', and argv[0] could not carry one */
    CHECK_OK(exitstat_cmd_new(&cmd, "a\"b.exe"));
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
    exitstat_cmd_free(cmd);
    /* a working directory that is missing, or a file */
    cmd = hcmd("exit", "0", NULL);
    CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0));
    CHECK_OK(exitstat_cmd_cwd(cmd, "Q:\\exitstat\\no\\such\\dir"));
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_ENOENT);
    CHECK_OK(exitstat_cmd_cwd(cmd, file));
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_ENOTDIR);
    exitstat_cmd_free(cmd);
    /* a directory ("sub": ".exe" is appended, and there is no sub.exe; "sub.exe"
     * is the directory), and a file that is no program */
    {
        wchar_t sub[1100];
        char *usub;
        _snwprintf(sub, 1100, L"%ls\\sub.exe", dir);
        sub[1099] = L'\0';
        ck_assert(CreateDirectoryW(sub, NULL));
        usub = narrow(sub);
        CHECK_OK(exitstat_cmd_new(&cmd, usub));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EACCES);
        exitstat_cmd_free(cmd);
        usub[strlen(usub) - 4] = '\0';
        CHECK_OK(exitstat_cmd_new(&cmd, usub));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EACCES);
        exitstat_cmd_free(cmd);
        free(usub);
    }
    CHECK_OK(exitstat_cmd_new(&cmd, junk));
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_ENOEXEC);
    exitstat_cmd_free(cmd);
    free(file);
    free(junk);
    free(udir);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(command_line_limit)
{
    /* 32767 UTF-16 units with the NUL: argv {helper, "argv", X} */
    const char *argv[] = {helper_path(), "argv", "a", NULL};
    int base = exitstat_win32_quote(argv, NULL, 0) - 1, room = 32766 - base, k;
    exitstat_cmd *cmd;
    exitstat_child *child = NULL;
    exitstat_status st;
    char *x = malloc(4 * 32768), *out;
    size_t len;

    ck_assert_ptr_nonnull(x);
    /* exactly at the limit: runs, and the argument arrives whole */
    memset(x, 'a', (size_t)room);
    x[room] = '\0';
    cmd = hcmd("argv", x, NULL);
    out = capture(cmd, &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_uint_eq(len, (size_t)room + 1);
    free(out);
    /* one more: refused by us (Wine would accept it) */
    x[room] = 'a';
    x[room + 1] = '\0';
    cmd = hcmd("argv", x, NULL);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_E2BIG);
    ck_assert_ptr_null(child);
    exitstat_cmd_free(cmd);
    /* counted in UTF-16 units, not bytes: é is 2 bytes, 1 unit; the
     * emoji 4 bytes, 2 units */
    for (k = 0; k < room; k++)
        memcpy(x + 2 * k, "\xc3\xa9", 2);
    x[2 * room] = '\0';
    cmd = hcmd("argv", x, NULL);
    out = capture(cmd, &st, &len, NULL);
    ck_assert_uint_eq(len, 2 * (size_t)room + 1);
    free(out);
    for (k = 0; k < room / 2 + 1; k++)
        memcpy(x + 4 * k, "\xf0\x9f\x98\x80", 4);
    x[4 * (room / 2 + 1)] = '\0';
    cmd = hcmd("argv", x, NULL);
    ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_E2BIG);
    exitstat_cmd_free(cmd);
    free(x);
}
END_TEST

START_TEST(invalid_utf8_refused)
{
    static const char *const bad[] = {"\x80", "a\xc3",     "\xc0\x80",        "\xed\xa0\x80",
                                      "\xff", "a\xe2\x82", "\xf4\x90\x80\x80"};
    exitstat_cmd *cmd = NULL;
    exitstat_child *child;
    size_t i;
    char buf[64];

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cmd = hcmd("exit", "0", NULL);
        CHECK_OK(exitstat_cmd_arg(cmd, bad[i]));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
        exitstat_cmd_free(cmd);

        cmd = hcmd("exit", "0", NULL);
        CHECK_OK(exitstat_cmd_env(cmd, "EXITSTAT_BAD", bad[i]));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
        exitstat_cmd_free(cmd);

        cmd = hcmd("exit", "0", NULL);
        CHECK_OK(exitstat_cmd_env(cmd, bad[i], "x"));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
        exitstat_cmd_free(cmd);

        cmd = hcmd("exit", "0", NULL);
        CHECK_OK(exitstat_cmd_cwd(cmd, bad[i]));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
        exitstat_cmd_free(cmd);

        CHECK_OK(exitstat_cmd_new(&cmd, bad[i]));
        ck_assert_int_eq(exitstat_spawn(cmd, &child), EXITSTAT_EINVAL);
        ck_assert_int_eq(exitstat_cmd_resolve(cmd, buf, sizeof(buf)), EXITSTAT_EINVAL);
        exitstat_cmd_free(cmd);
    }
}
END_TEST

START_TEST(unicode_cwd_and_env)
{
    wchar_t *dir = make_tmpdir(), sub[1100];
    char *usub, *out;
    exitstat_cmd *cmd;
    exitstat_status st;
    size_t len;

    _snwprintf(sub, 1100, L"%ls\\\u03c0 \u042f \u97f3 \u00e6 \u221e \U0001F600", dir);
    sub[1099] = L'\0';
    ck_assert(CreateDirectoryW(sub, NULL));
    usub = narrow(sub);
    cmd = hcmd("cwd", NULL);
    CHECK_OK(exitstat_cmd_cwd(cmd, usub));
    out = capture(cmd, &st, &len, NULL);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_str_eq(out, usub);
    free(out);
    cmd = hcmd("getenv", "EXITSTAT_\xcf\x80", NULL);
    CHECK_OK(exitstat_cmd_env(cmd, "EXITSTAT_\xcf\x80", usub));
    out = capture(cmd, &st, &len, NULL);
    ck_assert_str_eq(out, usub);
    free(out);
    free(usub);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- exitstat_wait_any beyond 64 handles ---------------------------------------------- */

struct release {
    exitstat_child *child;
    DWORD delay_ms;
};

/* after a while, let an "echo" child end by closing its stdin */
static DWORD WINAPI release_later(LPVOID arg)
{
    struct release *r = arg;

    Sleep(r->delay_ms);
    CloseHandle((HANDLE)exitstat_child_stdio(r->child, 0));
    return 0;
}

static void release_now(exitstat_child *child)
{
    ck_assert(CloseHandle((HANDLE)exitstat_child_stdio(child, 0)));
}

/* wait_any must name exactly want (an index into kids), then drop it */
static void expect_any(exitstat_child **kids, size_t *n, size_t want, int64_t timeout_ms,
                       unsigned char *seen, size_t *ids)
{
    exitstat_status st;
    size_t index = (size_t)-1;

    CHECK_OK(exitstat_wait_any(kids, *n, timeout_ms, &index, &st));
    ck_assert_uint_eq(index, want);
    assert_status(&st, EXITSTAT_EXITED, 0, 0, 0, 0);
    ck_assert_msg(!seen[ids[index]], "child %zu collected twice", ids[index]);
    seen[ids[index]] = 1;
    exitstat_child_free(kids[index]);
    memmove(&kids[index], &kids[index + 1], (*n - index - 1) * sizeof(*kids));
    memmove(&ids[index], &ids[index + 1], (*n - index - 1) * sizeof(*ids));
    (*n)--;
}

START_TEST(wait_any_many_children)
{
    size_t total = running_under_wine() ? 200 : 1024, n = 0, i, index;
    exitstat_child **kids = calloc(total, sizeof(*kids));
    size_t *ids = calloc(total, sizeof(*ids));
    unsigned char *seen = calloc(total, 1);
    exitstat_status st, again;
    struct release rel;
    int64_t t0, spawn_ms;
    HANDLE t;
    int err;

    ck_assert(kids && ids && seen);
    /* "echo" children run until their stdin closes */
    t0 = now_ms();
    for (i = 0; i < total; i++) {
        exitstat_cmd *cmd = hcmd("echo", NULL);
        CHECK_OK(exitstat_cmd_stdio(cmd, 0, EXITSTAT_PIPE, 0));
        CHECK_OK(exitstat_cmd_stdio(cmd, 1, EXITSTAT_NULL, 0));
        err = exitstat_spawn(cmd, &kids[n]);
        ck_assert_msg(err == 0, "spawn %zu of %zu: %s (GetLastError %lu)", i, total,
                      exitstat_strerror(err), (unsigned long)GetLastError());
        exitstat_cmd_free(cmd);
        ids[n] = i;
        n++;
    }
    spawn_ms = now_ms() - t0;
    printf("win32-many: %zu children spawned in %lld ms (%.1f ms each)\n", total,
           (long long)spawn_ms, (double)spawn_ms / (double)total);
    fflush(stdout);

    /* none has ended: a timed wait times out, and not early */
    t0 = now_ms();
    ck_assert_int_eq(exitstat_wait_any(kids, n, 200, &index, &st), EXITSTAT_ETIMEDOUT);
    ck_assert_int_ge(now_ms() - t0, 190);
    ck_assert_int_eq(exitstat_wait_any(kids, n, 0, &index, &st), EXITSTAT_ETIMEDOUT);

    /* while we sleep, an end among a worker thread's children (wait_any
     * watches the lowest 63 itself, the others in groups of 63) */
    rel.child = kids[150];
    rel.delay_ms = 300;
    t = CreateThread(NULL, 0, release_later, &rel, 0, NULL);
    ck_assert_ptr_nonnull(t);
    expect_any(kids, &n, 150, 60000, seen, ids);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    /* one among our own thread's */
    rel.child = kids[10];
    t = CreateThread(NULL, 0, release_later, &rel, 0, NULL);
    ck_assert_ptr_nonnull(t);
    expect_any(kids, &n, 10, -1, seen, ids);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    /* the lowest index wins, and a collected status counts again */
    release_now(kids[170]);
    release_now(kids[90]);
    ck_assert_uint_eq(WaitForSingleObject((HANDLE)exitstat_child_handle(kids[170]), 20000),
                      WAIT_OBJECT_0);
    ck_assert_uint_eq(WaitForSingleObject((HANDLE)exitstat_child_handle(kids[90]), 20000),
                      WAIT_OBJECT_0);
    CHECK_OK(exitstat_wait_any(kids, n, -1, &index, &st));
    ck_assert_uint_eq(index, 90);
    CHECK_OK(exitstat_wait_any(kids, n, 0, &index, &again));
    ck_assert_uint_eq(index, 90);
    ck_assert(memcmp(&st, &again, sizeof(st)) == 0);
    expect_any(kids, &n, 90, 0, seen, ids);
    expect_any(kids, &n, 169, 0, seen, ids); /* 170 before 90 went */

    /* the rest one at a time, in a scrambled order */
    rng_state = test_seed();
    while (n > 0) {
        size_t k = (size_t)(rng() % n);
        release_now(kids[k]);
        expect_any(kids, &n, k, 60000, seen, ids);
    }
    for (i = 0; i < total; i++)
        ck_assert_msg(seen[i], "child %zu never collected", i);
    free(kids);
    free(ids);
    free(seen);
}
END_TEST

/* ---- suites -------------------------------------------------------------------------- */

Suite *suite_win32(void)
{
    Suite *s = suite_create("win32");
    TCase *tc;

    tc = tcase_create("status");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_loop_test(tc, exit_codes_keep_32_bits, 0,
                        (int)(sizeof(exit_codes) / sizeof(exit_codes[0])));
    tcase_add_test(tc, access_violation_is_sigsegv);
    tcase_add_test(tc, terminate_is_sigterm_143);
    tcase_add_test(tc, kill_is_sigkill_137);
    tcase_add_test(tc, usage_of_a_child);
    tcase_add_test(tc, kill_after_exit_sends_nothing);
    tcase_add_test(tc, our_codes_from_the_child_itself_are_exits);
    tcase_add_test(tc, signal_numbers);
    tcase_add_test(tc, terminate_new_group_sends_ctrl_break);
    tcase_add_test(tc, terminate_new_group_without_console_ends_the_job);
    tcase_add_test(tc, threads_wait_one_child);
    suite_add_tcase(s, tc);

    tc = tcase_create("tree");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, kill_new_group_ends_the_tree);
    tcase_add_test(tc, kill_new_group_reaches_the_job_after_the_leader);
    tcase_add_test(tc, kill_on_free_ends_the_tree);
    suite_add_tcase(s, tc);

    tc = tcase_create("arguments");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, corpus_through_a_child);
    tcase_add_test(tc, long_and_many_arguments_through_a_child);
    tcase_add_test(tc, command_line_is_the_quoted_argv);
    tcase_add_test(tc, random_vectors_through_children_and_the_system);
    tcase_add_test(tc, split_agrees_with_the_system);
    tcase_add_test(tc, command_line_limit);
    tcase_add_test(tc, invalid_utf8_refused);
    tcase_add_test(tc, unicode_cwd_and_env);
    suite_add_tcase(s, tc);

    tc = tcase_create("batch");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, batch_forwards_every_argument);
    tcase_add_test(tc, batch_expands_nothing);
    tcase_add_test(tc, batch_refuses_line_breaks);
    tcase_add_test(tc, batch_detected_in_any_spelling);
    tcase_add_test(tc, batch_not_found_by_bare_name);
    suite_add_tcase(s, tc);

    tc = tcase_create("handles");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, sentinel_handle_not_inherited);
    tcase_add_test(tc, concurrent_spawns_do_not_share_pipes);
    tcase_add_test(tc, same_handle_for_stdout_and_stderr);
    tcase_add_test(tc, spawn_with_invalid_std_handles);
    suite_add_tcase(s, tc);

    tc = tcase_create("environment");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, empty_environment);
    tcase_add_test(tc, names_with_equals);
    tcase_add_test(tc, duplicate_names_last_spelling_wins);
    tcase_add_test(tc, unset_across_utf8_lengths);
    suite_add_tcase(s, tc);

    tc = tcase_create("paths");
    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, bare_name_not_from_cwd_or_app_dir);
    tcase_add_test(tc, odd_path_values);
    tcase_add_test(tc, program_path_with_spaces);
    tcase_add_test(tc, failing_spawns_leave_nothing);
    suite_add_tcase(s, tc);
    return s;
}

Suite *suite_win32_many(void)
{
    Suite *s = suite_create("win32-many");
    TCase *tc = tcase_create("wait_any");

    tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end);
    tcase_add_test(tc, wait_any_many_children);
    suite_add_tcase(s, tc);
    return s;
}
