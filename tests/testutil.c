/*
 * testutil.c - what the process tests share (see testutil.h): the helper
 * child, I/O helpers, and the leak check registered around every process test.
 *
 * The leak check compares two snapshots, before and after the test:
 *  - descriptors (Linux: /proc/self/fd; other POSIX: probing with fcntl;
 *    Windows: the process's handle count). A descriptor counts as leaked when
 *    its number was not open before. (Not when a number now names another
 *    file: Check itself replaces its message file after a failed test under
 *    CK_FORK=no.) Descriptors a sanitizer or valgrind holds are in both
 *    snapshots and so never count.
 *  - children, running or zombie (Linux: every /proc/PID/stat whose parent is
 *    us; Windows: a Toolhelp snapshot; other POSIX: waitid(P_ALL, WNOWAIT),
 *    which can only tell "none" from "some").
 * On a leak the test fails with a message naming each descriptor (and what
 * it refers to) or child (pid, state, name); the leaked children are then
 * killed and reaped and the descriptors closed, so that with CK_FORK=no one
 * leaky test does not fail all that follow.
 *
 * SPDX-License-Identifier: MIT
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1 /* meson sets it; kept for a build by hand */
#endif

#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#  include <windows.h>
#  include <tlhelp32.h>
#else
#  include <dirent.h>
#  include <errno.h>
#  include <fcntl.h>
#  include <limits.h>
#  include <pthread.h>
#  include <signal.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <time.h>
#  include <unistd.h>
#endif

#define HELPER_NAME "exitstat-test-helper"

/* ---- the helper ----------------------------------------------------------- */

static char helper[4096];

#ifdef _WIN32
static INIT_ONCE helper_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK find_helper(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    const char *env = getenv("EXITSTAT_TEST_HELPER");
    wchar_t self[MAX_PATH];
    char *slash;
    DWORD n;

    (void)once;
    (void)param;
    (void)ctx;
    if (env && *env) {
        snprintf(helper, sizeof(helper), "%s", env);
        return TRUE;
    }
    n = GetModuleFileNameW(NULL, self, MAX_PATH);
    if (n == 0 || n >= MAX_PATH ||
        !WideCharToMultiByte(CP_UTF8, 0, self, -1, helper, (int)sizeof(helper), NULL, NULL))
        return TRUE;
    slash = strrchr(helper, '\\');
    if (slash && (size_t)(slash - helper) + sizeof(HELPER_NAME ".exe") + 1 < sizeof(helper))
        strcpy(slash + 1, HELPER_NAME ".exe");
    else
        helper[0] = '\0';
    return TRUE;
}

const char *helper_path(void)
{
    InitOnceExecuteOnce(&helper_once, find_helper, NULL, NULL);
    ck_assert_msg(helper[0], "cannot find the helper: set EXITSTAT_TEST_HELPER");
    return helper;
}
#else
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;

static void find_helper(void)
{
    const char *env = getenv("EXITSTAT_TEST_HELPER");
    ssize_t n;
    char *slash;

    if (env && *env) {
        snprintf(helper, sizeof(helper), "%s", env);
        return;
    }
    /* next to the test runner (Linux; elsewhere meson sets the variable) */
    n = readlink("/proc/self/exe", helper, sizeof(helper) - 1);
    if (n <= 0) {
        helper[0] = '\0';
        return;
    }
    helper[n] = '\0';
    slash = strrchr(helper, '/');
    if (slash && (size_t)(slash - helper) + sizeof(HELPER_NAME) + 1 < sizeof(helper))
        strcpy(slash + 1, HELPER_NAME);
    else
        helper[0] = '\0';
}

const char *helper_path(void)
{
    pthread_once(&helper_once, find_helper);
    ck_assert_msg(helper[0], "cannot find the helper: set EXITSTAT_TEST_HELPER");
    return helper;
}
#endif

exitstat_cmd *helper_cmd(const char *behaviour, ...)
{
    exitstat_cmd *cmd = NULL;
    const char *arg;
    va_list ap;
    int err;

    err = exitstat_cmd_new(&cmd, helper_path());
    ck_assert_msg(err == 0, "exitstat_cmd_new: %s", exitstat_strerror(err));
    err = exitstat_cmd_arg(cmd, behaviour);
    ck_assert_msg(err == 0, "exitstat_cmd_arg: %s", exitstat_strerror(err));
    va_start(ap, behaviour);
    while ((arg = va_arg(ap, const char *)) != NULL) {
        err = exitstat_cmd_arg(cmd, arg);
        if (err != 0)
            break;
    }
    va_end(ap);
    ck_assert_msg(err == 0, "exitstat_cmd_arg: %s", exitstat_strerror(err));
    return cmd;
}

void helper_run(exitstat_cmd *cmd, exitstat_status *st)
{
    exitstat_child *child = NULL;
    int err;

    err = exitstat_spawn(cmd, &child);
    exitstat_cmd_free(cmd);
    ck_assert_msg(err == 0, "exitstat_spawn: %s", exitstat_strerror(err));
    err = exitstat_wait(child, 20000, st);
    if (err == EXITSTAT_ETIMEDOUT) {
        exitstat_status ignored;
        exitstat_kill(child);
        exitstat_wait(child, -1, &ignored);
    }
    exitstat_child_free(child);
    ck_assert_msg(err == 0, "exitstat_wait: %s", exitstat_strerror(err));
}

char *read_all(intptr_t fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);

    ck_assert_ptr_nonnull(buf);
    for (;;) {
#ifdef _WIN32
        DWORD got = 0;
        if (!ReadFile((HANDLE)fd, buf + n, (DWORD)(cap - n), &got, NULL)) {
            DWORD e = GetLastError();
            if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF)
                break;
            free(buf);
            ck_abort_msg("ReadFile: error %lu", (unsigned long)e);
        }
#else
        ssize_t got = read((int)fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            ck_abort_msg("read(%d): %s", (int)fd, strerror(e));
        }
#endif
        if (got == 0)
            break;
        n += (size_t)got;
        if (n == cap) {
            char *p = realloc(buf, cap * 2 + 1);
            if (!p)
                free(buf);
            ck_assert_ptr_nonnull(p);
            buf = p;
            cap *= 2;
        }
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* ---- time ----------------------------------------------------------------- */

int64_t now_ms(void)
{
#ifdef _WIN32
    return (int64_t)GetTickCount64();
#else
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

int running_under_wine(void)
{
#ifdef _WIN32
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
    return 0;
#endif
}

int wine_env_entry(const char *entry)
{
    return running_under_wine() &&
           (strncmp(entry, "WINE", 4) == 0 || strncmp(entry, "SystemDrive=", 12) == 0 ||
            strncmp(entry, "SystemRoot=", 11) == 0);
}

/* ---- leak check: snapshots ------------------------------------------------ */

struct fd_entry {
    int fd;
};

struct child_entry {
    long pid;
    char state;
    char name[32];
};

struct snapshot {
#ifdef _WIN32
    DWORD handles;
#else
    struct fd_entry *fds;
    size_t nfds;
#endif
    struct child_entry *children;
    size_t nchildren;
    int children_exact; /* 0: only "none" (0) or "some" (1) is known */
};

static struct snapshot before;
static int have_before;

static void *grow(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size);
    ck_assert_msg(q != NULL, "leak check: out of memory");
    return q;
}

#ifndef _WIN32
static void add_fd(struct snapshot *s, int fd)
{
    s->fds = grow(s->fds, s->nfds + 1, sizeof(*s->fds));
    s->fds[s->nfds++].fd = fd;
}

static void snap_fds(struct snapshot *s)
{
#  if defined(__linux__)
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char *end;
            long fd = strtol(e->d_name, &end, 10);
            if (end == e->d_name || *end || fd == dirfd(d))
                continue;
            add_fd(s, (int)fd);
        }
        closedir(d);
        return;
    }
#  endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        int fd;
        if (max < 0 || max > 65536)
            max = 65536;
        for (fd = 0; fd < max; fd++)
            if (fcntl(fd, F_GETFD) >= 0)
                add_fd(s, fd);
    }
}

static void add_child(struct snapshot *s, long pid, char state, const char *name, size_t nlen)
{
    struct child_entry *c;

    s->children = grow(s->children, s->nchildren + 1, sizeof(*s->children));
    c = &s->children[s->nchildren++];
    c->pid = pid;
    c->state = state;
    if (nlen >= sizeof(c->name))
        nlen = sizeof(c->name) - 1;
    memcpy(c->name, name, nlen);
    c->name[nlen] = '\0';
}

static void snap_children(struct snapshot *s)
{
#  if defined(__linux__)
    DIR *d = opendir("/proc");
    long self = (long)getpid();

    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char path[64], buf[512], *open_paren, *close_paren, *end;
            long pid = strtol(e->d_name, &end, 10), ppid;
            size_t n;
            FILE *f;

            if (end == e->d_name || *end)
                continue;
            snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
            if (!(f = fopen(path, "r")))
                continue; /* gone meanwhile */
            n = fread(buf, 1, sizeof(buf) - 1, f);
            fclose(f);
            buf[n] = '\0';
            /* "pid (comm) state ppid ...": comm may hold spaces and ')' */
            open_paren = strchr(buf, '(');
            close_paren = strrchr(buf, ')');
            if (!open_paren || !close_paren || close_paren < open_paren || !close_paren[1] ||
                !close_paren[2])
                continue;
            ppid = strtol(close_paren + 4, NULL, 10);
            if (ppid == self)
                add_child(s, pid, close_paren[2], open_paren + 1,
                          (size_t)(close_paren - open_paren - 1));
        }
        closedir(d);
        s->children_exact = 1;
        return;
    }
#  endif
    {
        /* without /proc: WNOWAIT leaves any status in place; ECHILD means no
         * child at all, si_pid 0 children that all still run */
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0)
            add_child(s, si.si_pid ? (long)si.si_pid : -1L, si.si_pid ? 'Z' : 'R', "?", 1);
        s->children_exact = 0;
    }
}
#else  /* _WIN32 */
static void snap_children(struct snapshot *s)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    DWORD self = GetCurrentProcessId();
    PROCESSENTRY32W pe;

    s->children_exact = 1;
    if (snap == INVALID_HANDLE_VALUE)
        return;
    pe.dwSize = sizeof(pe);
    if (Process32FirstW(snap, &pe)) {
        do {
            if (pe.th32ParentProcessID == self && pe.th32ProcessID != self) {
                char name[32];
                int n = WideCharToMultiByte(CP_UTF8, 0, pe.szExeFile, -1, name,
                                            (int)sizeof(name), NULL, NULL);
                s->children = grow(s->children, s->nchildren + 1, sizeof(*s->children));
                s->children[s->nchildren].pid = (long)pe.th32ProcessID;
                s->children[s->nchildren].state = 'R';
                if (n <= 0)
                    strcpy(name, "?");
                name[sizeof(name) - 1] = '\0';
                strcpy(s->children[s->nchildren].name, name);
                s->nchildren++;
            }
        } while (Process32NextW(snap, &pe));
    }
    CloseHandle(snap);
}
#endif

static void snap_free(struct snapshot *s)
{
#ifndef _WIN32
    free(s->fds);
    s->fds = NULL;
    s->nfds = 0;
#endif
    free(s->children);
    s->children = NULL;
    s->nchildren = 0;
}

static void snap_take(struct snapshot *s)
{
    memset(s, 0, sizeof(*s));
#ifdef _WIN32
    if (!GetProcessHandleCount(GetCurrentProcess(), &s->handles))
        s->handles = 0;
#else
    snap_fds(s);
#endif
    snap_children(s);
}

int count_children(void)
{
    struct snapshot s;
    int n;

    memset(&s, 0, sizeof(s));
    snap_children(&s);
    n = (int)s.nchildren;
    snap_free(&s);
    return n;
}

/* ---- leak check: the fixture ---------------------------------------------- */

void leak_check_begin(void)
{
    if (have_before)
        snap_free(&before);
    snap_take(&before);
    have_before = 1;
}

/* a message that grows; truncated (never overflowed) past its size */
struct msg {
    char text[2048];
    size_t len;
};

#if defined(__GNUC__) && defined(_WIN32)
__attribute__((format(gnu_printf, 2, 3)))
#elif defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void msg_add(struct msg *m, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (m->len >= sizeof(m->text) - 1)
        return;
    va_start(ap, fmt);
    n = vsnprintf(m->text + m->len, sizeof(m->text) - m->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        m->len += (size_t)n;
    if (m->len > sizeof(m->text) - 1)
        m->len = sizeof(m->text) - 1;
}

static int had_child(long pid)
{
    size_t i;

    for (i = 0; i < before.nchildren; i++)
        if (before.children[i].pid == pid)
            return 1;
    return 0;
}

#ifndef _WIN32
static const struct fd_entry *find_fd(const struct snapshot *s, int fd)
{
    size_t i;

    for (i = 0; i < s->nfds; i++)
        if (s->fds[i].fd == fd)
            return &s->fds[i];
    return NULL;
}

static void describe_fd(int fd, char *buf, size_t size)
{
#  if defined(__linux__)
    char link[64];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, buf, size - 1);
    if (n >= 0) {
        buf[n] = '\0';
        return;
    }
#  endif
    snprintf(buf, size, "?");
}

/* reap a leaked child so the next test starts clean (it is ours: a test's
 * child the library left behind) */
static void dispose_child(long pid)
{
    if (pid <= 0)
        return;
    kill((pid_t)pid, SIGKILL);
    while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
        ;
}
#endif

void leak_check_end(void)
{
    struct snapshot after;
    struct msg m;
    size_t i;
    int leaked_fds = 0, leaked_children = 0;

    ck_assert_msg(have_before, "leak_check_end without leak_check_begin");
    memset(&m, 0, sizeof(m));
    snap_take(&after);

#ifdef _WIN32
    if (after.handles > before.handles) {
        msg_add(&m, " %lu more handle(s) open (%lu before, %lu after);",
                (unsigned long)(after.handles - before.handles), (unsigned long)before.handles,
                (unsigned long)after.handles);
        leaked_fds = 1;
    }
#else
    for (i = 0; i < after.nfds; i++) {
        const struct fd_entry *a = &after.fds[i], *b = find_fd(&before, a->fd);
        char what[PATH_MAX];

        if (b)
            continue;
        describe_fd(a->fd, what, sizeof(what));
        msg_add(&m, " fd %d -> %s;", a->fd, what);
        leaked_fds++;
    }
#endif

    if (after.children_exact) {
        for (i = 0; i < after.nchildren; i++) {
            const struct child_entry *c = &after.children[i];
            if (had_child(c->pid))
                continue;
            msg_add(&m, " child %ld (%s, state %c);", c->pid, c->name, c->state);
            leaked_children++;
        }
    } else if (after.nchildren > before.nchildren) {
        msg_add(&m, " a child process is left (running or zombie);");
        leaked_children++;
    }

#ifndef _WIN32
    /* clean up after the leak before failing, for the tests that follow */
    for (i = 0; i < after.nfds; i++) {
        const struct fd_entry *a = &after.fds[i], *b = find_fd(&before, a->fd);
        if (!b)
            close(a->fd);
    }
    for (i = 0; after.children_exact && i < after.nchildren; i++)
        if (!had_child(after.children[i].pid))
            dispose_child(after.children[i].pid);
#endif
    snap_free(&after);
    snap_free(&before);
    have_before = 0;

    if (leaked_fds || leaked_children)
        ck_abort_msg("leak check: %d descriptor(s), %d child process(es) leaked:%s",
                     leaked_fds, leaked_children, m.text);
}
