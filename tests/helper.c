/*
 * helper.c - the child program of the process tests (exitstat-test-helper).
 *
 * Its first argument picks a behaviour; tests/testutil.h lists them all with
 * what each writes and how it exits. It reports what it observed on stdout so
 * that a test can compare it with what the library promised: its argv, its
 * environment, its working directory, its open descriptors, its signal state.
 *
 * Rules it keeps, so that what a test sees is the library's doing:
 *  - Output goes straight to the descriptors (write(2), WriteFile): no stdio
 *    buffering, no text-mode translation on Windows, nothing held back when
 *    the helper is killed.
 *  - It opens nothing it does not need, so "fds" lists only what it inherited
 *    (the directory it reads /proc/self/fd through is left out).
 *  - Built with a sanitizer, the runtime is told not to catch the crashes the
 *    helper makes on purpose: "crash" must die of SIGSEGV, not exit 1 with a
 *    report.
 *  - On Windows the arguments come from GetCommandLineW split by
 *    CommandLineToArgvW and converted to UTF-8, never from the C runtime's
 *    splitter (which differs between msvcrt and UCRT), and mingw's wildcard
 *    expansion is switched off so that "*" arrives as "*".
 *
 * Behaviours that mean nothing on Windows (signal, sigstate, pgid, spawn-wait)
 * exit 125 there, like an unknown behaviour.
 *
 * SPDX-License-Identifier: MIT
 */
#ifdef _WIN32
#  include <windows.h>
#  include <shellapi.h>
#  include <io.h>
#else
#  include <dirent.h>
#  include <errno.h>
#  include <fcntl.h>
#  include <signal.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <time.h>
#  include <unistd.h>
#endif
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hide-clone3.h"

#define EXIT_USAGE 125

/* ---- sanitizer runtimes ------------------------------------------------- */

#if defined(__has_feature)
#  if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#    define __SANITIZE_ADDRESS__ 1
#  endif
#  if __has_feature(thread_sanitizer) && !defined(__SANITIZE_THREAD__)
#    define __SANITIZE_THREAD__ 1
#  endif
#endif

/* The runtimes read these before the environment's *_OPTIONS (which still
 * win). Without them ASan and TSan turn the "crash" behaviour's SIGSEGV into
 * a report and exit 1 (or 66), and the test could not see the signal. */
#if defined(__SANITIZE_ADDRESS__)
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0:detect_leaks=0";
}
#endif
#if defined(__SANITIZE_THREAD__)
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0";
}
#endif

/* ---- output ------------------------------------------------------------- */

#ifdef _WIN32
/* mingw-w64 expands wildcards in the C runtime's argv unless told not to; we
 * do not use that argv, but a glob matching nothing can still make the
 * runtime fail before main. */
int _dowildcard = 0;

static HANDLE std_handle(int stream)
{
    return GetStdHandle(stream == 0 ? STD_INPUT_HANDLE
                        : stream == 1 ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
}
#endif

/* Write all of buf to stream 1 or 2; exit 124 if that fails (a test that
 * closes the pipe early sees SIGPIPE on POSIX, which is what it asked for). */
static void put(int stream, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
#ifdef _WIN32
        DWORD chunk = len > 0x10000000 ? 0x10000000 : (DWORD)len, done = 0;
        if (!WriteFile(std_handle(stream), p, chunk, &done, NULL) || done == 0)
            exit(124);
#else
        ssize_t done = write(stream, p, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            _exit(124);
#endif
        p += done;
        len -= (size_t)done;
    }
}

static void put_str(const char *s)
{
    put(1, s, strlen(s));
}

static void put_z(const char *s) /* s and its NUL */
{
    put(1, s, strlen(s) + 1);
}

static void die(const char *what)
{
    fprintf(stderr, "exitstat-test-helper: %s\n", what);
    exit(EXIT_USAGE);
}

static unsigned long number(const char *s)
{
    char *end;
    unsigned long v;

    if (!s)
        die("missing number");
    v = strtoul(s, &end, 0);
    if (end == s || *end)
        die("not a number");
    return v;
}

static void sleep_ms(unsigned long ms)
{
#ifdef _WIN32
    Sleep((DWORD)ms);
#else
    struct timespec ts;

    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    /* a handled signal (trap-term's) ends the process from its handler, so
     * resuming after EINTR only matters for stray ones */
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
#endif
}

/* byte i of the pattern that write-out, write-err and write-both send */
static void pattern_write(int stream, unsigned long total, unsigned long *offset, size_t chunk)
{
    unsigned char buf[4096];
    size_t i, n;

    n = total - *offset < chunk ? (size_t)(total - *offset) : chunk;
    if (n > sizeof(buf))
        n = sizeof(buf);
    for (i = 0; i < n; i++)
        buf[i] = (unsigned char)((*offset + i) % 251);
    put(stream, buf, n);
    *offset += n;
}

static int write_pattern(int out, int err, unsigned long n)
{
    unsigned long o_out = 0, o_err = 0;

    while ((out && o_out < n) || (err && o_err < n)) {
        if (out && o_out < n)
            pattern_write(1, n, &o_out, 4096);
        if (err && o_err < n)
            pattern_write(2, n, &o_err, 4096);
    }
    return 0;
}

/* pump N: read all of stdin, checking it is the pattern, while writing N
 * pattern bytes to stdout and N to stderr, alternating blocking writes and
 * reads of 64 KiB. A parent that does not serve all three pipes at once
 * deadlocks with it. Exit 4 if stdin was not the pattern. */
static int do_pump(unsigned long n)
{
    static unsigned char buf[65536];
    unsigned long o_out = 0, o_err = 0, got = 0;
    int in_open = 1, bad = 0, i;

    while (in_open || o_out < n || o_err < n) {
        for (i = 0; i < 16 && o_out < n; i++)
            pattern_write(1, n, &o_out, 4096);
        for (i = 0; i < 16 && o_err < n; i++)
            pattern_write(2, n, &o_err, 4096);
        if (in_open) {
#ifdef _WIN32
            DWORD r = 0;
            if (!ReadFile(std_handle(0), buf, sizeof(buf), &r, NULL))
                r = 0;
#else
            ssize_t r = read(0, buf, sizeof(buf));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                r = 0;
#endif
            if (r == 0)
                in_open = 0;
            for (i = 0; i < (int)r; i++)
                bad |= buf[i] != (unsigned char)((got + (unsigned long)i) % 251);
            got += (unsigned long)r;
        }
    }
    return bad ? 4 : 0;
}

/* close-out N: close stdout, then write N pattern bytes to stderr */
static int do_close_out(unsigned long n)
{
#ifdef _WIN32
    CloseHandle(std_handle(1));
    SetStdHandle(STD_OUTPUT_HANDLE, INVALID_HANDLE_VALUE);
#else
    close(1);
#endif
    return write_pattern(0, 1, n);
}

/* ---- behaviours ---------------------------------------------------------- */

/* A real fault (SIGSEGV, or exception 0xC0000005 on Windows), not raise():
 * both the pointer and the store are volatile, or the optimiser deletes a
 * store it can prove goes to NULL; UBSan, which would report the null store
 * and (with halt_on_error) exit 1 instead, is kept out of this one function. */
#if defined(__clang__)
__attribute__((no_sanitize("undefined")))
#elif defined(__GNUC__) && __GNUC__ >= 8
__attribute__((no_sanitize_undefined))
#endif
static void crash(void)
{
    volatile int *volatile p = NULL;

    *p = 1;
}

static int do_echo(void)
{
    char buf[65536];

    for (;;) {
#ifdef _WIN32
        DWORD n = 0;
        if (!ReadFile(std_handle(0), buf, sizeof(buf), &n, NULL))
            return GetLastError() == ERROR_BROKEN_PIPE ? 0 : 1;
#else
        ssize_t n = read(0, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 1;
#endif
        if (n == 0)
            return 0;
        put(1, buf, (size_t)n);
    }
}

static int do_check_std(void)
{
    int i;

    for (i = 0; i < 3; i++) {
#ifdef _WIN32
        HANDLE h = std_handle(i);
        if (h == NULL || h == INVALID_HANDLE_VALUE || GetFileType(h) == FILE_TYPE_UNKNOWN)
            return 1;
#else
        if (fcntl(i, F_GETFD) < 0)
            return 1;
#endif
    }
    return 0;
}

static void put_number_line(long long v)
{
    char line[32];

    snprintf(line, sizeof(line), "%lld\n", v);
    put_str(line);
}

static int do_fds(void)
{
#if defined(__linux__)
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char *end;
            long fd = strtol(e->d_name, &end, 10);
            if (end == e->d_name || *end || fd <= 2 || fd == dirfd(d))
                continue;
            put_number_line(fd);
        }
        closedir(d);
        return 0;
    }
#endif
    {
        int fd;
        for (fd = 3; fd < 1024; fd++) {
#ifdef _WIN32
            if (_get_osfhandle(fd) != -1)
#else
            if (fcntl(fd, F_GETFD) >= 0)
#endif
                put_number_line(fd);
        }
    }
    return 0;
}

#ifndef _WIN32
static int do_signal(int sig)
{
    struct sigaction sa;
    sigset_t set;

    /* whatever this process inherited, the default action must apply */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    fprintf(stderr, "exitstat-test-helper: still alive after signal %d\n", sig);
    return EXIT_USAGE;
}

/* the sets in /proc/self/status are the kernel's own view (it shows the
 * signals glibc hides from sigaction); elsewhere ask sigaction */
static int read_proc_sigsets(uint64_t *ign, uint64_t *blk)
{
#if defined(__linux__)
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int found = 0;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "SigIgn:", 7) == 0) {
            *ign = strtoull(line + 7, NULL, 16);
            found |= 1;
        } else if (strncmp(line, "SigBlk:", 7) == 0) {
            *blk = strtoull(line + 7, NULL, 16);
            found |= 2;
        }
    }
    fclose(f);
    return found == 3 ? 0 : -1;
#else
    (void)ign;
    (void)blk;
    return -1;
#endif
}

static int do_sigstate(void)
{
    uint64_t ign = 0, blk = 0;
    char line[64];

    if (read_proc_sigsets(&ign, &blk) < 0) {
        sigset_t mask;
        int sig;

        ign = blk = 0;
        sigprocmask(SIG_BLOCK, NULL, &mask);
        for (sig = 1; sig <= 64 && sig < NSIG; sig++) {
            struct sigaction sa;
            if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
                ign |= UINT64_C(1) << (sig - 1);
            if (sigismember(&mask, sig) == 1)
                blk |= UINT64_C(1) << (sig - 1);
        }
    }
    snprintf(line, sizeof(line), "ign %llx\n", (unsigned long long)ign);
    put_str(line);
    snprintf(line, sizeof(line), "blk %llx\n", (unsigned long long)blk);
    put_str(line);
    return 0;
}

static void on_term(int sig)
{
    (void)sig;
    _exit(42);
}

static int do_spawn_wait(void)
{
    int status;
    pid_t pid = fork(), r;

    if (pid < 0)
        return 2;
    if (pid == 0)
        _exit(0);
    do
        r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    return r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int do_grandchild(unsigned long ms)
{
    pid_t pid = fork();

    if (pid < 0)
        return 2;
    if (pid == 0) {
        /* the grandchild: holds stdout and stderr open while it sleeps */
        sleep_ms(ms);
        _exit(0);
    }
    put_number_line((long long)pid);
    return 0;
}
#else  /* _WIN32 */

static BOOL WINAPI on_break_exit(DWORD event)
{
    if (event == CTRL_BREAK_EVENT || event == CTRL_C_EVENT)
        ExitProcess(42);
    return FALSE;
}

static BOOL WINAPI on_break_ignore(DWORD event)
{
    return event == CTRL_BREAK_EVENT || event == CTRL_C_EVENT;
}

/* a UTF-8 copy of a UTF-16 string (malloc'ed), or exit */
static char *to_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s;

    if (n <= 0 || !(s = malloc((size_t)n)))
        die("cannot convert to UTF-8");
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

static wchar_t *to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w;

    if (n <= 0 || !(w = malloc((size_t)n * sizeof(*w))))
        die("cannot convert from UTF-8");
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static int do_env_win(void)
{
    wchar_t *block = GetEnvironmentStringsW(), *p;

    if (!block)
        return 1;
    for (p = block; *p; p += wcslen(p) + 1) {
        char *s = to_utf8(p);
        put_z(s);
        free(s);
    }
    FreeEnvironmentStringsW(block);
    return 0;
}

static int do_getenv_win(const char *name)
{
    wchar_t *wname = to_wide(name), *value;
    DWORD n = GetEnvironmentVariableW(wname, NULL, 0);
    char *s;

    if (n == 0) {
        free(wname);
        return 3;
    }
    if (!(value = malloc(n * sizeof(*value))))
        die("out of memory");
    if (GetEnvironmentVariableW(wname, value, n) >= n)
        die("environment changed");
    s = to_utf8(value);
    put_str(s);
    free(s);
    free(value);
    free(wname);
    return 0;
}

static int do_cwd_win(void)
{
    DWORD n = GetCurrentDirectoryW(0, NULL);
    wchar_t *w;
    char *s;

    if (n == 0 || !(w = malloc(n * sizeof(*w))) || GetCurrentDirectoryW(n, w) >= n)
        return 1;
    s = to_utf8(w);
    put_str(s);
    free(s);
    free(w);
    return 0;
}

static int do_grandchild_win(const char *ms)
{
    wchar_t self[32768], line[32800];
    wchar_t *wms = to_wide(ms);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD n = GetModuleFileNameW(NULL, self, 32768);
    int i;

    if (n == 0 || n >= 32768)
        return 2;
    _snwprintf(line, sizeof(line) / sizeof(line[0]), L"\"%ls\" sleep %ls", self, wms);
    line[sizeof(line) / sizeof(line[0]) - 1] = L'\0';
    free(wms);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = INVALID_HANDLE_VALUE;
    si.hStdOutput = std_handle(1);
    si.hStdError = std_handle(2);
    /* the grandchild holds our stdout and stderr: they must be inheritable */
    for (i = 1; i <= 2; i++)
        SetHandleInformation(std_handle(i), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    if (!CreateProcessW(self, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 2;
    put_number_line((long long)pi.dwProcessId);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}

/* cmdline: the command line exactly as the parent built it */
static int do_cmdline_win(void)
{
    char *s = to_utf8(GetCommandLineW());

    put_str(s);
    free(s);
    return 0;
}

/* fileid WHICH: what file a handle of ours is, "VOLUME:INDEX" in hex, or
 * "invalid"; WHICH is in, out, err or a handle value (strtoul) */
static int do_fileid_win(const char *which)
{
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h;
    char line[64];

    if (strcmp(which, "in") == 0 || strcmp(which, "out") == 0 || strcmp(which, "err") == 0)
        h = std_handle(which[0] == 'i' ? 0 : which[0] == 'o' ? 1 : 2);
    else
        h = (HANDLE)(uintptr_t)number(which);
    if (!GetFileInformationByHandle(h, &info)) {
        put_str("invalid");
        return 0;
    }
    snprintf(line, sizeof(line), "%lx:%lx%08lx", (unsigned long)info.dwVolumeSerialNumber,
             (unsigned long)info.nFileIndexHigh, (unsigned long)info.nFileIndexLow);
    put_str(line);
    return 0;
}
#endif /* _WIN32 */

#if HAVE_HIDE_CLONE3
/* no-clone3 PROGRAM [ARG...]: run PROGRAM where clone3 fails with ENOSYS */
static int no_clone3(char **argv)
{
    if (!argv[0])
        die("usage: no-clone3 PROGRAM [ARG...]");
    if (hide_clone3() < 0)
        die(strerror(errno));
    execv(argv[0], argv);
    die(strerror(errno));
    return 127;
}
#endif

static int run(int argc, char **argv)
{
    const char *b;

    if (argc < 2)
        die("usage: exitstat-test-helper BEHAVIOUR [ARGS...]");
    b = argv[1];

#if HAVE_HIDE_CLONE3
    if (strcmp(b, "no-clone3") == 0)
        return no_clone3(argv + 2);
#endif
    if (strcmp(b, "exit") == 0) {
        unsigned long code = number(argv[2]);
#ifdef _WIN32
        ExitProcess((UINT)code);
#else
        /* _exit: exactly the number given, 256 included (S2) */
        _exit((int)code);
#endif
    }
    if (strcmp(b, "abort") == 0)
        abort();
    if (strcmp(b, "crash") == 0) {
        crash();
        return EXIT_USAGE;
    }
    if (strcmp(b, "sleep") == 0) {
        sleep_ms(number(argv[2]));
        return 0;
    }
    if (strcmp(b, "argv") == 0) {
        int i;
        for (i = 2; i < argc; i++)
            put_z(argv[i]);
        return 0;
    }
    if (strcmp(b, "pump") == 0)
        return do_pump(number(argv[2]));
    if (strcmp(b, "close-out") == 0)
        return do_close_out(number(argv[2]));
    if (strcmp(b, "echo") == 0)
        return do_echo();
    if (strcmp(b, "write-out") == 0)
        return write_pattern(1, 0, number(argv[2]));
    if (strcmp(b, "write-err") == 0)
        return write_pattern(0, 1, number(argv[2]));
    if (strcmp(b, "write-both") == 0)
        return write_pattern(1, 1, number(argv[2]));
    if (strcmp(b, "fds") == 0)
        return do_fds();
    if (strcmp(b, "check-std") == 0)
        return do_check_std();

#ifdef _WIN32
    if (strcmp(b, "env") == 0)
        return do_env_win();
    if (strcmp(b, "getenv") == 0) {
        if (!argv[2])
            die("getenv needs a name");
        return do_getenv_win(argv[2]);
    }
    if (strcmp(b, "cwd") == 0)
        return do_cwd_win();
    if (strcmp(b, "trap-term") == 0 || strcmp(b, "ignore-term") == 0) {
        /* terminate reaches a NEW_GROUP child as CTRL_BREAK */
        SetConsoleCtrlHandler(strcmp(b, "trap-term") == 0 ? on_break_exit : on_break_ignore,
                              TRUE);
        put_str("ready\n");
        Sleep(60000);
        return 0;
    }
    if (strcmp(b, "grandchild") == 0) {
        number(argv[2]);
        return do_grandchild_win(argv[2]);
    }
    if (strcmp(b, "tree") == 0) {
        int r;
        number(argv[2]);
        if ((r = do_grandchild_win(argv[2])) != 0)
            return r;
        sleep_ms(number(argv[2]));
        return 0;
    }
    if (strcmp(b, "cmdline") == 0)
        return do_cmdline_win();
    if (strcmp(b, "fileid") == 0) {
        if (!argv[2])
            die("fileid needs a handle");
        return do_fileid_win(argv[2]);
    }
    if (strcmp(b, "signal") == 0 || strcmp(b, "sigstate") == 0 || strcmp(b, "pgid") == 0 ||
        strcmp(b, "spawn-wait") == 0) {
        fprintf(stderr, "exitstat-test-helper: %s: not on Windows\n", b);
        return EXIT_USAGE;
    }
#else
    if (strcmp(b, "env") == 0) {
        extern char **environ;
        char **e;
        for (e = environ; e && *e; e++)
            put_z(*e);
        return 0;
    }
    if (strcmp(b, "getenv") == 0) {
        const char *v;
        if (!argv[2])
            die("getenv needs a name");
        if (!(v = getenv(argv[2])))
            return 3;
        put_str(v);
        return 0;
    }
    if (strcmp(b, "cwd") == 0) {
        char buf[PATH_MAX];
        if (!getcwd(buf, sizeof(buf)))
            return 1;
        put_str(buf);
        return 0;
    }
    if (strcmp(b, "signal") == 0)
        return do_signal((int)number(argv[2]));
    if (strcmp(b, "sigstate") == 0)
        return do_sigstate();
    if (strcmp(b, "pgid") == 0) {
        put_number_line((long long)getpgrp());
        return 0;
    }
    if (strcmp(b, "trap-term") == 0 || strcmp(b, "ignore-term") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = strcmp(b, "trap-term") == 0 ? on_term : SIG_IGN;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGTERM, &sa, NULL) < 0)
            return 2;
        put_str("ready\n");
        sleep_ms(60000);
        return 0;
    }
    if (strcmp(b, "grandchild") == 0)
        return do_grandchild(number(argv[2]));
    if (strcmp(b, "tree") == 0) {
        int r = do_grandchild(number(argv[2]));
        if (r == 0)
            sleep_ms(number(argv[2]));
        return r;
    }
    if (strcmp(b, "spawn-wait") == 0)
        return do_spawn_wait();
#endif
    fprintf(stderr, "exitstat-test-helper: unknown behaviour '%s'\n", b);
    return EXIT_USAGE;
}

#ifdef _WIN32
/* argv from the command line the parent built, as UTF-8: what the library's
 * quoting produced, split by the rules it quotes for */
int main(void)
{
    int argc, i;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
    char **argv;

    if (!wargv || !(argv = calloc((size_t)argc + 1, sizeof(*argv))))
        die("cannot read the command line");
    for (i = 0; i < argc; i++)
        argv[i] = to_utf8(wargv[i]);
    LocalFree(wargv);
    /* the error dialog of a crash would hang a test under Windows */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    return run(argc, argv);
}
#else
int main(int argc, char **argv)
{
    return run(argc, argv);
}
#endif
