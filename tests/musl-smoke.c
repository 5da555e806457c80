/*
 * musl-smoke.c - a self-checking test of the POSIX backend that needs
 * nothing but the library and a C library: for builds where Check cannot be
 * had (the musl leg of .ci/test builds the library with musl-gcc and runs
 * this). It prints one line per failed check, then "N passed, N failed", and
 * exits 1 if any check failed (2 if it could not set itself up).
 *
 *   musl-gcc -std=c11 tests/musl-smoke.c -Iinclude BUILD/libexitstat.a -lpthread
 *
 * What it covers, on whichever spawn and wait paths the build chose (the
 * meson summary says; with musl 1.2.3 spawning takes the fork path, since
 * musl lacks posix_spawn_file_actions_addclosefrom_np):
 *  - spawn errors: ENOENT (a path, a PATH search), EACCES (a file without the
 *    execute bit, a directory), ENOEXEC (an executable file without #!),
 *    ENOENT and ENOTDIR for the working directory, E2BIG; none leaves a
 *    child or a descriptor behind;
 *  - exit codes and signal deaths, with and without EXITSTAT_F_KILLED;
 *  - wait with a timeout, the cached status, wait_any, terminate, kill,
 *    signal, stop past an ignored SIGTERM, run's timeout, KILL_ON_FREE, a
 *    process group killed as a whole;
 *  - communicate: 4 MiB in while 4 MiB come back on stdout and stderr
 *    interleaved (a child that would deadlock a naive reader), a timeout;
 *  - stdio NULL, MERGE and HANDLE, the environment, the working directory;
 *  - descriptor hygiene: a descriptor opened without O_CLOEXEC does not
 *    reach the child, and the child has nothing open above 2;
 *  - threads spawning and waiting at once;
 *  - at the end: as many descriptors open as at the start, no child left.
 *
 * The program is its own helper child: run with "--child MODE" it acts as
 * one (see child_main).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef _GNU_SOURCE /* (meson passes it) */
#  define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exitstat.h"

static int passed, failed;
static char self[PATH_MAX];
static char tmpdir[] = "/tmp/exitstat-smoke-XXXXXX";

#define CHECK(cond, ...) check_((cond) != 0, __LINE__, #cond, __VA_ARGS__)

#if defined(__GNUC__)
#  define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#  define PRINTF_LIKE(f, a)
#endif

static void check_(int ok, int line, const char *what, const char *fmt, ...) PRINTF_LIKE(4, 5);

static void check_(int ok, int line, const char *what, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL line %d: %s: ", line, what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- the helper child ------------------------------------------------------ */

#define PUMP_CHUNK 65536

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i % 251);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * pump N: copy stdin to stdout, and after each chunk read write a chunk of
 * the pattern to stderr, N bytes in all; all blocking. A parent that writes
 * all input before reading, or reads stdout to its end before stderr,
 * deadlocks on it.
 */
static int child_pump(size_t n)
{
    static char in[PUMP_CHUNK], err[PUMP_CHUNK];
    size_t sent = 0, i;
    ssize_t r;

    for (;;) {
        r = read(0, in, sizeof(in));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return 3;
        if (r > 0 && write_all(1, in, (size_t)r) < 0)
            return 4;
        while (sent < n) {
            size_t k = n - sent < sizeof(err) ? n - sent : sizeof(err);
            for (i = 0; i < k; i++)
                err[i] = (char)pattern(sent + i);
            if (write_all(2, err, k) < 0)
                return 5;
            sent += k;
            if (r > 0)
                break; /* one chunk per chunk read, while input lasts */
        }
        if (r == 0)
            return 0;
    }
}

/* fds: print the descriptors open above 2 (but the one reading the list) */
static int child_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (!d)
        return 3;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d)) {
            printf("%d ", fd);
            n++;
        }
    }
    closedir(d);
    return 0;
}

static int child_main(int argc, char **argv)
{
    const char *mode = argv[2];

    if (strcmp(mode, "pump") == 0 && argc > 3)
        return child_pump(strtoul(argv[3], NULL, 10));
    if (strcmp(mode, "fds") == 0)
        return child_fds();
    if (strcmp(mode, "sigmask") == 0) {
        sigset_t set;
        int sig, blocked = 0;
        sigprocmask(SIG_SETMASK, NULL, &set);
        for (sig = 1; sig < 32; sig++)
            blocked += sigismember(&set, sig) == 1;
        return blocked == 0 ? 0 : 1;
    }
    fprintf(stderr, "unknown child mode %s\n", mode);
    return 125;
}

/* ---- helpers for the checks ------------------------------------------------ */

/* a command for argv (NULL-terminated), or NULL (a failed check) */
static exitstat_cmd *cmd_of(const char *const *argv)
{
    exitstat_cmd *cmd;
    int err = exitstat_cmd_new(&cmd, argv[0]);

    /* plumbing: a failure counts, a success is no check of its own */
    if (err == 0 && (err = exitstat_cmd_argv(cmd, argv + 1)) != 0) {
        exitstat_cmd_free(cmd);
        cmd = NULL;
    }
    if (err) {
        CHECK(0, "building a command for %s: %s", argv[0], exitstat_strerror(err));
        return NULL;
    }
    return cmd;
}

static exitstat_cmd *sh(const char *script)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    return cmd_of(argv);
}

/* spawn and wait (20 s at most); 0 or the error */
static int run_cmd(exitstat_cmd *cmd, exitstat_status *st)
{
    exitstat_child *child;
    int err;

    memset(st, 0, sizeof(*st));
    if (!cmd)
        return EXITSTAT_EINVAL;
    err = exitstat_spawn(cmd, &child);
    if (err == 0) {
        err = exitstat_wait(child, 20000, st);
        if (err == EXITSTAT_ETIMEDOUT)
            exitstat_stop(child, 0, st);
        exitstat_child_free(child);
    }
    exitstat_cmd_free(cmd);
    return err;
}

static int is_exit(const exitstat_status *st, int64_t code)
{
    return st->kind == EXITSTAT_EXITED && st->code == code;
}

static int is_signal(const exitstat_status *st, int sig, int killed)
{
    return st->kind == EXITSTAT_SIGNALED && st->signal == sig &&
           !!(st->flags & EXITSTAT_F_KILLED) == killed;
}

static const char *text(const exitstat_status *st)
{
    static char buf[128];
    exitstat_status_describe(st, buf, sizeof(buf));
    return buf;
}

/* descriptors open in this process now */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the directory's own */
}

/* our children, running or zombie: /proc/PID/stat's fourth field */
static int count_children(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[512], *p;
        FILE *f;
        int ppid;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        p = fgets(buf, sizeof(buf), f);
        fclose(f);
        /* the command name may hold spaces and parentheses: parse after the last ')' */
        if (p && (p = strrchr(buf, ')')) && sscanf(p + 1, " %*c %d", &ppid) == 1 &&
            ppid == (int)getpid())
            n++;
    }
    closedir(d);
    return n;
}

/* one line from fd, without its newline (a byte at a time: nothing more is
 * consumed) */
static void read_line(int fd, char *line, size_t size)
{
    size_t n = 0;

    while (n + 1 < size && read(fd, line + n, 1) == 1 && line[n] != '\n')
        n++;
    line[n] = '\0';
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the checks --------------------------------------------------------------- */

static void test_exit_and_signals(void)
{
    exitstat_status st;
    int err;

    err = run_cmd(sh("exit 0"), &st);
    CHECK(err == 0 && exitstat_status_success(&st), "exit 0: %s", text(&st));
    err = run_cmd(sh("exit 3"), &st);
    CHECK(err == 0 && is_exit(&st, 3), "exit 3: %s", text(&st));
    err = run_cmd(sh("exit 255"), &st);
    CHECK(err == 0 && is_exit(&st, 255) && exitstat_status_shell(&st) == 255, "exit 255: %s",
          text(&st));
    err = run_cmd(sh("kill -TERM $$"), &st);
    CHECK(err == 0 && is_signal(&st, SIGTERM, 0), "own SIGTERM: %s", text(&st));
    err = run_cmd(sh("ulimit -c 0; kill -SEGV $$"), &st);
    CHECK(err == 0 && is_signal(&st, SIGSEGV, 0) && !(st.flags & EXITSTAT_F_COREDUMP) &&
              exitstat_status_shell(&st) == 139,
          "own SIGSEGV: %s", text(&st));
    {
        exitstat_status again;
        CHECK(exitstat_status_from_wait((int)st.raw, &again) == 0 && again.kind == st.kind &&
                  again.signal == st.signal,
              "from_wait(raw) differs: %s", text(&again));
    }
    /* the child starts with an empty signal mask, whatever ours is */
    {
        const char *argv[] = {self, "--child", "sigmask", NULL};
        sigset_t set, old;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, &old);
        err = run_cmd(cmd_of(argv), &st);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        CHECK(err == 0 && is_exit(&st, 0), "child's signal mask not empty: %s", text(&st));
    }
}

static void test_spawn_errors(void)
{
    exitstat_child *child = (exitstat_child *)&child;
    exitstat_cmd *cmd;
    char path[PATH_MAX], *big;
    int fd, err;

    /* a missing program, by path and by PATH search */
    err = exitstat_cmd_new(&cmd, "/nonexistent/exitstat-smoke");
    if (err == 0) {
        err = exitstat_spawn(cmd, &child);
        CHECK(err == EXITSTAT_ENOENT && child == NULL, "missing path: %s", exitstat_strerror(err));
        exitstat_cmd_free(cmd);
    }
    err = exitstat_cmd_new(&cmd, "exitstat-smoke-no-such-program");
    if (err == 0) {
        err = exitstat_spawn(cmd, &child);
        CHECK(err == EXITSTAT_ENOENT, "missing in PATH: %s", exitstat_strerror(err));
        exitstat_cmd_free(cmd);
    }

    /* a file without the execute bit; a directory */
    snprintf(path, sizeof(path), "%s/noexec", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        CHECK(write_all(fd, "#!/bin/sh\nexit 0\n", 17) == 0, "%s", "writing noexec");
        close(fd);
    }
    err = run_cmd(cmd_of((const char *const[]){path, NULL}), &(exitstat_status){0});
    CHECK(err == EXITSTAT_EACCES, "not executable: %s", exitstat_strerror(err));
    err = run_cmd(cmd_of((const char *const[]){tmpdir, NULL}), &(exitstat_status){0});
    CHECK(err == EXITSTAT_EACCES, "a directory: %s", exitstat_strerror(err));

    /* an executable file the kernel cannot run: no #!, not ELF */
    snprintf(path, sizeof(path), "%s/noformat", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd >= 0) {
        CHECK(write_all(fd, "echo no interpreter line\n", 25) == 0, "%s", "writing noformat");
        close(fd);
    }
    err = run_cmd(cmd_of((const char *const[]){path, NULL}), &(exitstat_status){0});
    CHECK(err == EXITSTAT_ENOEXEC, "no #!: %s", exitstat_strerror(err));

    /* the working directory: missing, or a file */
    cmd = sh("exit 0");
    if (cmd) {
        exitstat_cmd_cwd(cmd, "/nonexistent/exitstat-smoke-dir");
        err = exitstat_spawn(cmd, &child);
        CHECK(err == EXITSTAT_ENOENT, "missing cwd: %s", exitstat_strerror(err));
        exitstat_cmd_cwd(cmd, path);
        err = exitstat_spawn(cmd, &child);
        CHECK(err == EXITSTAT_ENOTDIR, "file as cwd: %s", exitstat_strerror(err));
        exitstat_cmd_free(cmd);
    }

    /* one argument beyond Linux's 128 KiB limit for a single string */
    big = malloc(256 * 1024 + 1);
    if (big) {
        memset(big, 'x', 256 * 1024);
        big[256 * 1024] = '\0';
        cmd = sh("exit 0");
        if (cmd) {
            exitstat_cmd_arg(cmd, big);
            err = exitstat_spawn(cmd, &child);
            CHECK(err == EXITSTAT_E2BIG, "huge argument: %s", exitstat_strerror(err));
            exitstat_cmd_free(cmd);
        }
        free(big);
    }
}

static void test_wait_and_kill(void)
{
    exitstat_child *c[3] = {NULL, NULL, NULL};
    exitstat_status st, again;
    exitstat_cmd *cmd;
    int64_t t0;
    size_t idx = 99;
    int err, i;

    /* a timed wait on a running child, then kill: F_KILLED, cached */
    cmd = sh("exec sleep 10");
    if (cmd && exitstat_spawn(cmd, &c[0]) == 0) {
        t0 = now_ms();
        err = exitstat_wait(c[0], 50, &st);
        CHECK(err == EXITSTAT_ETIMEDOUT && now_ms() - t0 >= 50, "timed wait: %s after %lld ms",
              exitstat_strerror(err), (long long)(now_ms() - t0));
        CHECK(exitstat_wait(c[0], 0, &st) == EXITSTAT_ETIMEDOUT, "%s", "wait 0 on a live child");
        CHECK(exitstat_kill(c[0]) == 0, "%s", "kill");
        err = exitstat_wait(c[0], -1, &st);
        CHECK(err == 0 && is_signal(&st, SIGKILL, 1), "after kill: %s", text(&st));
        CHECK(exitstat_wait(c[0], 0, &again) == 0 && memcmp(&st, &again, sizeof(st)) == 0, "%s",
              "cached status differs");
        CHECK(exitstat_kill(c[0]) == 0 && exitstat_terminate(c[0]) == 0, "%s",
              "kill after the end");
        exitstat_child_free(c[0]);
        c[0] = NULL;
    }
    exitstat_cmd_free(cmd);

    /* terminate and signal */
    cmd = sh("exec sleep 10");
    if (cmd && exitstat_spawn(cmd, &c[0]) == 0) {
        CHECK(exitstat_terminate(c[0]) == 0, "%s", "terminate");
        err = exitstat_wait(c[0], 5000, &st);
        CHECK(err == 0 && is_signal(&st, SIGTERM, 1), "after terminate: %s", text(&st));
        exitstat_child_free(c[0]);
    }
    if (cmd && exitstat_spawn(cmd, &c[0]) == 0) {
        CHECK(exitstat_signal(c[0], SIGUSR1) == 0, "%s", "signal USR1");
        err = exitstat_wait(c[0], 5000, &st);
        CHECK(err == 0 && is_signal(&st, SIGUSR1, 1), "after USR1: %s", text(&st));
        exitstat_child_free(c[0]);
    }
    exitstat_cmd_free(cmd);

    /* stop past an ignored SIGTERM: killed after the grace */
    cmd = sh("trap '' TERM; echo ready; exec sleep 10");
    if (cmd && exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0) == 0 &&
        exitstat_spawn(cmd, &c[0]) == 0) {
        char line[16];
        read_line((int)exitstat_child_stdio(c[0], 1), line, sizeof(line));
        CHECK(strcmp(line, "ready") == 0, "trap not ready: [%s]", line);
        t0 = now_ms();
        err = exitstat_stop(c[0], 200, &st);
        CHECK(err == 0 && is_signal(&st, SIGKILL, 1) && now_ms() - t0 >= 200,
              "stop: %s after %lld ms", text(&st), (long long)(now_ms() - t0));
        exitstat_child_free(c[0]);
    }
    exitstat_cmd_free(cmd);

    /* wait_any: the lowest index among the ended */
    {
        const char *scripts[3] = {"exec sleep 10", "exit 7", "exec sleep 10"};
        int ok = 1;
        for (i = 0; i < 3; i++) {
            cmd = sh(scripts[i]);
            ok &= cmd && exitstat_spawn(cmd, &c[i]) == 0;
            exitstat_cmd_free(cmd);
        }
        if (ok) {
            err = exitstat_wait_any(c, 3, 5000, &idx, &st);
            CHECK(err == 0 && idx == 1 && is_exit(&st, 7), "wait_any: %s, index %zu, %s",
                  exitstat_strerror(err), idx, text(&st));
            exitstat_kill(c[2]);
            err = exitstat_wait_any(c, 3, 5000, &idx, &st);
            CHECK(err == 0 && idx == 1, "wait_any again: index %zu", idx);
            err = exitstat_wait_any(c + 2, 1, 5000, &idx, &st);
            CHECK(err == 0 && idx == 0 && is_signal(&st, SIGKILL, 1), "wait_any killed: %s",
                  text(&st));
            err = exitstat_wait_any(c, 1, 30, &idx, &st);
            CHECK(err == EXITSTAT_ETIMEDOUT, "wait_any timeout: %s", exitstat_strerror(err));
        }
        for (i = 0; i < 3; i++) {
            if (c[i]) {
                exitstat_stop(c[i], 0, &st);
                exitstat_child_free(c[i]);
            }
            c[i] = NULL;
        }
    }

    /* run's timeout: stopped, and the status says so */
    cmd = sh("exec sleep 10");
    if (cmd) {
        t0 = now_ms();
        err = exitstat_run(cmd, 100, &st);
        CHECK(err == EXITSTAT_ETIMEDOUT && is_signal(&st, SIGTERM, 1) && now_ms() - t0 < 5000,
              "run timeout: %s, %s", exitstat_strerror(err), text(&st));
        exitstat_cmd_free(cmd);
    }

    /* KILL_ON_FREE reaps; NEW_GROUP kills the grandchild too */
    cmd = sh("exec sleep 10");
    if (cmd && exitstat_cmd_flags(cmd, EXITSTAT_KILL_ON_FREE) == 0 &&
        exitstat_spawn(cmd, &c[0]) == 0) {
        int before = count_children();
        exitstat_child_free(c[0]);
        CHECK(count_children() == before - 1, "%s", "KILL_ON_FREE left the child");
    }
    exitstat_cmd_free(cmd);
    c[0] = NULL;

    cmd = sh("sleep 10 & echo $!; wait");
    if (cmd && exitstat_cmd_flags(cmd, EXITSTAT_NEW_GROUP) == 0 &&
        exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0) == 0 && exitstat_spawn(cmd, &c[0]) == 0) {
        char line[32], path[64], state = '?', buf[256];
        long gpid;

        read_line((int)exitstat_child_stdio(c[0], 1), line, sizeof(line));
        gpid = strtol(line, NULL, 10);
        CHECK(gpid > 0, "grandchild pid [%s]", line);
        CHECK(exitstat_kill(c[0]) == 0, "%s", "kill the group");
        err = exitstat_wait(c[0], 5000, &st);
        CHECK(err == 0 && is_signal(&st, SIGKILL, 1), "group leader: %s", text(&st));
        /* the grandchild is gone, or a zombie nobody reaped yet */
        snprintf(path, sizeof(path), "/proc/%ld/stat", gpid);
        for (t0 = now_ms(); gpid > 0 && now_ms() - t0 < 3000; usleep(10000)) {
            FILE *f = fopen(path, "r");
            char *p;
            if (!f) {
                state = 'X';
                break;
            }
            p = fgets(buf, sizeof(buf), f);
            fclose(f);
            if (p && (p = strrchr(buf, ')')) && sscanf(p + 1, " %c", &state) == 1 && state == 'Z')
                break;
        }
        CHECK(state == 'X' || state == 'Z', "grandchild still there, state %c", state);
        exitstat_child_free(c[0]);
    }
    exitstat_cmd_free(cmd);
}

static void test_communicate(void)
{
    const size_t n = 4u << 20;
    exitstat_child *child;
    exitstat_status st;
    exitstat_cmd *cmd;
    char *in = malloc(n), *out = NULL, *err_buf = NULL, nbuf[32];
    size_t out_len = 0, err_len = 0, i, bad = 0;
    int err;

    if (!in) {
        CHECK(0, "%s", "out of memory");
        return;
    }
    for (i = 0; i < n; i++)
        in[i] = (char)(i * 7 % 253);
    snprintf(nbuf, sizeof(nbuf), "%zu", n);
    cmd = cmd_of((const char *const[]){self, "--child", "pump", nbuf, NULL});
    if (cmd) {
        for (i = 0; i < 3; i++)
            exitstat_cmd_stdio(cmd, (int)i, EXITSTAT_PIPE, 0);
        err = exitstat_spawn(cmd, &child);
        CHECK(err == 0, "spawn pump: %s", exitstat_strerror(err));
        if (err == 0) {
            err =
                exitstat_communicate(child, in, n, 30000, &out, &out_len, &err_buf, &err_len, &st);
            CHECK(err == 0 && is_exit(&st, 0), "communicate: %s, %s", exitstat_strerror(err),
                  text(&st));
            CHECK(out_len == n && out && memcmp(out, in, n) == 0 && out[n] == '\0',
                  "stdout: %zu bytes back of %zu", out_len, n);
            for (i = 0; err_buf && i < err_len; i++)
                bad += (unsigned char)err_buf[i] != pattern(i);
            CHECK(err_len == n && bad == 0, "stderr: %zu bytes, %zu wrong", err_len, bad);
            exitstat_free(out);
            exitstat_free(err_buf);
            exitstat_child_free(child);
        }
        exitstat_cmd_free(cmd);
    }
    free(in);

    /* a child that never ends: the timeout, then what was read so far */
    cmd = sh("echo partial; exec sleep 10");
    if (cmd && exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0) == 0 &&
        exitstat_spawn(cmd, &child) == 0) {
        err = exitstat_communicate(child, NULL, 0, 1000, &out, &out_len, NULL, NULL, &st);
        CHECK(err == EXITSTAT_ETIMEDOUT && out && strcmp(out, "partial\n") == 0,
              "communicate timeout: %s, [%s]", exitstat_strerror(err), out ? out : "(null)");
        exitstat_free(out);
        exitstat_stop(child, 0, &st);
        exitstat_child_free(child);
    }
    exitstat_cmd_free(cmd);

    /* a child that exits without reading its input: not an error, no SIGPIPE */
    cmd = sh("exit 0");
    if (cmd && exitstat_cmd_stdio(cmd, 0, EXITSTAT_PIPE, 0) == 0 &&
        exitstat_spawn(cmd, &child) == 0) {
        static char lots[1 << 20];
        err = exitstat_communicate(child, lots, sizeof(lots), 10000, NULL, NULL, NULL, NULL, &st);
        CHECK(err == 0 && is_exit(&st, 0), "unread input: %s", exitstat_strerror(err));
        exitstat_child_free(child);
    }
    exitstat_cmd_free(cmd);
}

/* the stdout of a command as a string (malloc'ed), or NULL */
static char *output_of(exitstat_cmd *cmd, exitstat_status *st)
{
    exitstat_child *child;
    char *out = NULL;
    size_t len;
    int err;

    memset(st, 0, sizeof(*st));
    if (!cmd)
        return NULL;
    if (exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0) == 0 && exitstat_spawn(cmd, &child) == 0) {
        err = exitstat_communicate(child, NULL, 0, 10000, &out, &len, NULL, NULL, st);
        CHECK(err == 0, "communicate: %s", exitstat_strerror(err));
        if (err)
            exitstat_stop(child, 0, st);
        exitstat_child_free(child);
    }
    exitstat_cmd_free(cmd);
    return out;
}

static void test_stdio_env_cwd(void)
{
    exitstat_status st;
    exitstat_cmd *cmd;
    char *out;
    int fd;

    cmd = sh("echo out; echo err >&2");
    if (cmd)
        exitstat_cmd_stdio(cmd, 2, EXITSTAT_MERGE, 0);
    out = output_of(cmd, &st);
    CHECK(out && strcmp(out, "out\nerr\n") == 0, "MERGE: [%s]", out ? out : "(null)");
    exitstat_free(out);

    cmd = cmd_of((const char *const[]){"/bin/cat", NULL});
    if (cmd)
        exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0);
    out = output_of(cmd, &st);
    CHECK(out && out[0] == '\0' && is_exit(&st, 0), "NULL stdin: [%s]", out ? out : "(null)");
    exitstat_free(out);

    /* HANDLE: the child writes to our file; we keep the descriptor */
    {
        char path[PATH_MAX], buf[16] = {0};
        snprintf(path, sizeof(path), "%s/handle", tmpdir);
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        cmd = sh("printf handle");
        if (cmd && fd >= 0 && exitstat_cmd_stdio(cmd, 1, EXITSTAT_HANDLE, fd) == 0) {
            CHECK(run_cmd(cmd, &st) == 0 && is_exit(&st, 0), "HANDLE: %s", text(&st));
            CHECK(pread(fd, buf, sizeof(buf) - 1, 0) == 6 && strcmp(buf, "handle") == 0 &&
                      fcntl(fd, F_GETFD) == FD_CLOEXEC,
                  "HANDLE file holds [%s]", buf);
        } else {
            exitstat_cmd_free(cmd);
        }
        if (fd >= 0)
            close(fd);
    }

    cmd = sh("printf '%s|%s' \"$SMOKE_SET\" \"${SMOKE_UNSET-unset}\"");
    setenv("SMOKE_UNSET", "parent's", 1);
    if (cmd) {
        exitstat_cmd_env(cmd, "SMOKE_SET", "a=b c");
        exitstat_cmd_env(cmd, "SMOKE_UNSET", NULL);
        CHECK(exitstat_cmd_env(cmd, "A=B", "x") == EXITSTAT_EINVAL &&
                  exitstat_cmd_env(cmd, "", "x") == EXITSTAT_EINVAL,
              "%s", "bad names accepted");
    }
    out = output_of(cmd, &st);
    CHECK(out && strcmp(out, "a=b c|unset") == 0, "env: [%s]", out ? out : "(null)");
    exitstat_free(out);
    unsetenv("SMOKE_UNSET");

    cmd = cmd_of((const char *const[]){"/usr/bin/env", NULL});
    if (cmd) {
        exitstat_cmd_env_clear(cmd);
        exitstat_cmd_env(cmd, "ONLY", "this");
    }
    out = output_of(cmd, &st);
    CHECK(out && strcmp(out, "ONLY=this\n") == 0, "env_clear: [%s]", out ? out : "(null)");
    exitstat_free(out);

    cmd = sh("pwd");
    if (cmd)
        exitstat_cmd_cwd(cmd, "/");
    out = output_of(cmd, &st);
    CHECK(out && strcmp(out, "/\n") == 0, "cwd: [%s]", out ? out : "(null)");
    exitstat_free(out);
}

static void test_fd_hygiene(void)
{
    exitstat_status st;
    char script[64], *out;
    int fd = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */
    int high = fd >= 0 ? fcntl(fd, F_DUPFD, 40) : -1;

    CHECK(fd >= 0 && high >= 40, "%s", "opening /dev/null");
    if (high < 0) {
        if (fd >= 0)
            close(fd);
        return;
    }
    snprintf(script, sizeof(script), "test -e /proc/self/fd/%d", high);
    CHECK(run_cmd(sh(script), &st) == 0 && is_exit(&st, 1), "fd %d reached the child: %s", high,
          text(&st));

    out = output_of(cmd_of((const char *const[]){self, "--child", "fds", NULL}), &st);
    CHECK(out && out[0] == '\0' && is_exit(&st, 0), "child has fds open above 2: [%s]",
          out ? out : "(null)");
    exitstat_free(out);
    close(high);
    close(fd);
}

/* ---- threads ------------------------------------------------------------------- */

struct worker {
    int id, rounds, bad;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char script[32];
    int i;

    for (i = 0; i < w->rounds; i++) {
        exitstat_status st;
        int code = (w->id * 31 + i) % 200;
        exitstat_cmd *cmd;
        exitstat_child *child;

        snprintf(script, sizeof(script), "exit %d", code);
        if (exitstat_cmd_new(&cmd, "/bin/sh") != 0)
            continue;
        exitstat_cmd_arg(cmd, "-c");
        exitstat_cmd_arg(cmd, script);
        exitstat_cmd_stdio(cmd, 1, EXITSTAT_PIPE, 0);
        if (exitstat_spawn(cmd, &child) == 0) {
            if (exitstat_communicate(child, NULL, 0, 20000, NULL, NULL, NULL, NULL, &st) != 0 ||
                !is_exit(&st, code))
                w->bad++;
            exitstat_child_free(child);
        } else {
            w->bad++;
        }
        exitstat_cmd_free(cmd);
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t t[6];
    struct worker w[6];
    int i, started[6];

    for (i = 0; i < 6; i++) {
        w[i].id = i;
        w[i].rounds = 40;
        w[i].bad = 0;
        started[i] = pthread_create(&t[i], NULL, worker_main, &w[i]) == 0;
        CHECK(started[i], "pthread_create %d", i);
    }
    for (i = 0; i < 6; i++) {
        if (!started[i])
            continue;
        pthread_join(t[i], NULL);
        CHECK(w[i].bad == 0, "thread %d: %d of %d rounds wrong", i, w[i].bad, w[i].rounds);
    }
}

/* run one group of checks, and say how it went and how long it took */
static void section(const char *name, void (*fn)(void))
{
    int64_t t0 = now_ms();
    int f0 = failed, p0 = passed;

    fn();
    printf("%-34s %3d passed, %d failed, %5lld ms\n", name, passed - p0, failed - f0,
           (long long)(now_ms() - t0));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int fds_before, fds_after, children;
    ssize_t n;

    if (argc > 2 && strcmp(argv[1], "--child") == 0)
        return child_main(argc, argv);

    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0 || !mkdtemp(tmpdir)) {
        perror("musl-smoke: setting up");
        return 2;
    }
    self[n] = '\0';
    printf("libexitstat %s\n", exitstat_version());
    fds_before = count_fds();

    section("exit codes and signals", test_exit_and_signals);
    section("spawn errors", test_spawn_errors);
    section("wait, wait_any, kill, stop, run", test_wait_and_kill);
    section("communicate", test_communicate);
    section("stdio, environment, cwd", test_stdio_env_cwd);
    section("descriptor hygiene", test_fd_hygiene);
    section("threads", test_threads);

    fds_after = count_fds();
    children = count_children();
    CHECK(fds_after == fds_before, "descriptors: %d at the start, %d at the end", fds_before,
          fds_after);
    CHECK(children == 0, "%d children left", children);

    {
        char path[PATH_MAX];
        const char *names[] = {"noexec", "noformat", "handle"};
        size_t i;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
            unlink(path);
        }
        rmdir(tmpdir);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
