/*
 * test-status.c - the status decoders and views.
 *
 * Every one of the 65536 wait status words is decoded and compared with the
 * platform's own macros (on Windows, which has none, with the traditional layout
 * written out here); the Windows exit codes that matter are checked one by one;
 * every shell value 0..511; the describe texts; the errorlevel and shell views;
 * and the invariant that decoding st.raw again gives the same status.
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tests.h"

#ifdef _WIN32
/* The traditional wait(2) layout that Linux, the BSDs and macOS share. */
#  define WEXITSTATUS(w) (((w) & 0xff00) >> 8)
#  define WTERMSIG(w) ((w) & 0x7f)
#  define WSTOPSIG(w) WEXITSTATUS(w)
#  define WIFEXITED(w) (WTERMSIG(w) == 0)
#  define WIFSIGNALED(w) (((signed char)(((w) & 0x7f) + 1) >> 1) > 0)
#  define WIFSTOPPED(w) (((w) & 0xff) == 0x7f)
#  define WIFCONTINUED(w) ((w) == 0xffff)
#  define WCOREDUMP(w) ((w) & 0x80)
/* Windows statuses speak the traditional signal numbers */
#  define T_SIGINT 2
#  define T_SIGILL 4
#  define T_SIGTRAP 5
#  define T_SIGABRT 6
#  define T_SIGBUS 7
#  define T_SIGFPE 8
#  define T_SIGKILL 9
#  define T_SIGSEGV 11
#else
#  include <sys/wait.h>
#  define T_SIGINT SIGINT
#  define T_SIGILL SIGILL
#  define T_SIGTRAP SIGTRAP
#  define T_SIGABRT SIGABRT
#  define T_SIGBUS SIGBUS
#  define T_SIGFPE SIGFPE
#  define T_SIGKILL SIGKILL
#  define T_SIGSEGV SIGSEGV
#endif

/* The exhaustive loops assert millions of times: a plain comparison that calls
 * Check only on failure keeps them fast under fork mode and valgrind. */
#define EXPECT_EQ(a, b)                                                                \
    do {                                                                               \
        long long a_ = (long long)(a), b_ = (long long)(b);                            \
        if (a_ != b_)                                                                  \
            ck_abort_msg("%s == %s failed: %lld != %lld (word 0x%04x)", #a, #b, a_, b_,  \
                         (unsigned)w);                                                 \
    } while (0)

static void assert_same_status(const exitstat_status *a, const exitstat_status *b)
{
    if (a->kind != b->kind || a->signal != b->signal || a->code != b->code ||
        a->flags != b->flags || a->raw != b->raw || a->reserved[0] || a->reserved[1] ||
        b->reserved[0] || b->reserved[1])
        ck_abort_msg("statuses differ: kind %d/%d signal %d/%d code %lld/%lld flags %u/%u "
                     "raw 0x%lx/0x%lx",
                     (int)a->kind, (int)b->kind, (int)a->signal, (int)b->signal,
                     (long long)a->code, (long long)b->code, (unsigned)a->flags,
                     (unsigned)b->flags, (unsigned long)a->raw, (unsigned long)b->raw);
}

START_TEST(wait_all_words_match_platform_macros)
{
    int w;
    int counts[5] = {0};

    for (w = 0; w <= 0xffff; w++) {
        exitstat_status st, again;
        int classes = !!WIFEXITED(w) + !!WIFSIGNALED(w) + !!WIFSTOPPED(w);

        memset(&st, 0xa5, sizeof(st));
        EXPECT_EQ(exitstat_status_from_wait(w, &st), 0);
        EXPECT_EQ(st.raw, (unsigned)w);
        EXPECT_EQ(st.reserved[0], 0);
        EXPECT_EQ(st.reserved[1], 0);

        if (WIFCONTINUED(w)) {
            EXPECT_EQ(st.kind, EXITSTAT_CONTINUED);
            EXPECT_EQ(st.signal, 0);
            EXPECT_EQ(st.code, 0);
            EXPECT_EQ(st.flags, 0);
        } else if (WIFSTOPPED(w)) {
            EXPECT_EQ(classes, 1);
            EXPECT_EQ(st.kind, EXITSTAT_STOPPED);
            EXPECT_EQ(st.signal, WSTOPSIG(w));
            EXPECT_EQ(st.code, 0);
            EXPECT_EQ(st.flags, 0);
        } else if (WIFEXITED(w)) {
            EXPECT_EQ(classes, 1);
            EXPECT_EQ(st.kind, EXITSTAT_EXITED);
            EXPECT_EQ(st.code, WEXITSTATUS(w));
            EXPECT_EQ(st.signal, 0);
            EXPECT_EQ(st.flags, EXITSTAT_F_CODE8);
        } else if (WIFSIGNALED(w)) {
            EXPECT_EQ(classes, 1);
            EXPECT_EQ(st.kind, EXITSTAT_SIGNALED);
            EXPECT_EQ(st.signal, WTERMSIG(w));
            EXPECT_EQ(st.code, 0);
            EXPECT_EQ(st.flags, WCOREDUMP(w) ? EXITSTAT_F_COREDUMP : 0);
        } else {
            EXPECT_EQ(classes, 0);
            EXPECT_EQ(st.kind, EXITSTAT_UNKNOWN);
            EXPECT_EQ(st.signal, 0);
            EXPECT_EQ(st.code, 0);
        }
        if (st.kind < EXITSTAT_UNKNOWN || st.kind > EXITSTAT_CONTINUED)
            ck_abort_msg("word 0x%04x: kind %d", (unsigned)w, (int)st.kind);
        counts[st.kind]++;

        /* the invariant: decoding raw again gives the same status */
        EXPECT_EQ(exitstat_status_from_wait((int)st.raw, &again), 0);
        assert_same_status(&st, &again);

        /* only the low 16 bits count */
        EXPECT_EQ(exitstat_status_from_wait(w | 0x7fff0000, &again), 0);
        assert_same_status(&st, &again);
    }
    /* 256 exit codes x 2 (the meaningless core bit), 126 signals x 2 x 256,
     * 256 stop words, 1 continue, 255 unknown */
    EXPECT_EQ(counts[EXITSTAT_EXITED], 512);
    EXPECT_EQ(counts[EXITSTAT_SIGNALED], 126 * 2 * 256);
    EXPECT_EQ(counts[EXITSTAT_STOPPED], 256);
    EXPECT_EQ(counts[EXITSTAT_CONTINUED], 1);
    EXPECT_EQ(counts[EXITSTAT_UNKNOWN], 255);
}
END_TEST

START_TEST(wait_negative_and_null)
{
    exitstat_status st, ref;

    ck_assert_int_eq(exitstat_status_from_wait(-1, &st), 0);
    ck_assert_int_eq(exitstat_status_from_wait(0xffff, &ref), 0);
    assert_same_status(&st, &ref);
    ck_assert_int_eq(st.kind, EXITSTAT_CONTINUED);

    ck_assert_int_eq(exitstat_status_from_wait(INT_MIN, &st), 0);
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    ck_assert_int_eq(st.code, 0);

    ck_assert_int_eq(exitstat_status_from_wait(0, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_status_from_win32(0, NULL), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_status_from_shell(0, NULL), EXITSTAT_EINVAL);
}
END_TEST

static const struct {
    uint32_t value;
    int kind;
    int sig;
    int32_t errorlevel;
    int shell;
} win32_cases[] = {
    {0u, EXITSTAT_EXITED, 0, 0, 0},
    {1u, EXITSTAT_EXITED, 0, 1, 1},
    {3u, EXITSTAT_EXITED, 0, 3, 3},
    {255u, EXITSTAT_EXITED, 0, 255, 255},
    {256u, EXITSTAT_EXITED, 0, 256, 0},
    {259u, EXITSTAT_EXITED, 0, 259, 3}, /* STILL_ACTIVE's value is an exit code here */
    {0x7FFFFFFFu, EXITSTAT_EXITED, 0, INT32_MAX, 255},
    {0x80000000u, EXITSTAT_EXITED, 0, INT32_MIN, 0},
    {0x80000003u, EXITSTAT_SIGNALED, T_SIGTRAP, (int32_t)-2147483645, 128 + T_SIGTRAP},
    {0xC0000005u, EXITSTAT_SIGNALED, T_SIGSEGV, -1073741819, 128 + T_SIGSEGV},
    {0xC0000006u, EXITSTAT_SIGNALED, T_SIGBUS, -1073741818, 128 + T_SIGBUS},
    {0xC000001Du, EXITSTAT_SIGNALED, T_SIGILL, -1073741795, 128 + T_SIGILL},
    {0xC000008Cu, EXITSTAT_SIGNALED, T_SIGSEGV, -1073741684, 128 + T_SIGSEGV},
    {0xC000008Du, EXITSTAT_SIGNALED, T_SIGFPE, -1073741683, 128 + T_SIGFPE},
    {0xC0000094u, EXITSTAT_SIGNALED, T_SIGFPE, -1073741676, 128 + T_SIGFPE},
    {0xC0000095u, EXITSTAT_SIGNALED, T_SIGFPE, -1073741675, 128 + T_SIGFPE},
    {0xC0000096u, EXITSTAT_SIGNALED, T_SIGILL, -1073741674, 128 + T_SIGILL},
    {0xC0000097u, EXITSTAT_EXITED, 0, -1073741673, 0x97},
    {0xC00000FDu, EXITSTAT_SIGNALED, T_SIGSEGV, -1073741571, 128 + T_SIGSEGV},
    {0xC00002B4u, EXITSTAT_SIGNALED, T_SIGFPE, -1073741132, 128 + T_SIGFPE},
    {0xC00002B5u, EXITSTAT_SIGNALED, T_SIGFPE, -1073741131, 128 + T_SIGFPE},
    {0xC0000135u, EXITSTAT_EXITED, 0, -1073741515, 0x35},
    {0xC0000409u, EXITSTAT_SIGNALED, T_SIGABRT, -1073740791, 128 + T_SIGABRT},
    {0xC000013Au, EXITSTAT_SIGNALED, T_SIGINT, -1073741510, 128 + T_SIGINT},
    {0xFFFFFFFFu, EXITSTAT_EXITED, 0, -1, 255},
};

START_TEST(win32_codes)
{
    size_t i = (size_t)_i;
    exitstat_status st, again;

    memset(&st, 0x5a, sizeof(st));
    ck_assert_int_eq(exitstat_status_from_win32(win32_cases[i].value, &st), 0);
    ck_assert_msg(st.kind == win32_cases[i].kind, "0x%08lX: kind %d",
                  (unsigned long)win32_cases[i].value, (int)st.kind);
    ck_assert_int_eq(st.signal, win32_cases[i].sig);
    ck_assert_int_eq(st.code, (int64_t)win32_cases[i].value); /* all 32 bits, never negative */
    ck_assert_uint_eq(st.raw, win32_cases[i].value);
    ck_assert_uint_eq(st.flags, st.kind == EXITSTAT_SIGNALED ? EXITSTAT_F_EXCEPTION : 0);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), win32_cases[i].errorlevel);
    ck_assert_int_eq(exitstat_status_shell(&st), win32_cases[i].shell);
    ck_assert_int_eq(exitstat_status_success(&st), win32_cases[i].value == 0);

    ck_assert_int_eq(exitstat_status_from_win32(st.raw, &again), 0);
    assert_same_status(&st, &again);
}
END_TEST

/* every float fault from 0xC000008D to 0xC0000095 is FPE; the neighbours are not */
START_TEST(win32_float_range)
{
    uint32_t c;
    exitstat_status st;

    for (c = 0xC000008Du; c <= 0xC0000095u; c++) {
        exitstat_status_from_win32(c, &st);
        ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
        ck_assert_int_eq(st.signal, T_SIGFPE);
        ck_assert_ptr_nonnull(exitstat_ntstatus_name(c));
    }
    exitstat_status_from_win32(0xC000008Bu, &st);
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    exitstat_status_from_win32(0xC0000004u, &st);
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    exitstat_status_from_win32(0xC0000007u, &st);
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
    exitstat_status_from_win32(0x80000004u, &st);
    ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
}
END_TEST

START_TEST(shell_values)
{
    int v;

    for (v = 0; v <= 511; v++) {
        exitstat_status st;

        memset(&st, 0x11, sizeof(st));
        ck_assert_int_eq(exitstat_status_from_shell(v, &st), 0);
        ck_assert_uint_eq(st.raw, (unsigned)v);
        ck_assert_uint_eq(st.reserved[0], 0);
        if (v >= 129 && v <= 192) {
            ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
            ck_assert_int_eq(st.signal, v - 128);
            ck_assert_int_eq(st.code, 0);
            ck_assert_uint_eq(st.flags, 0);
            ck_assert_int_eq(exitstat_status_shell(&st), v);
        } else if (v >= 257 && v <= 320) {
            ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
            ck_assert_int_eq(st.signal, v - 256);
            ck_assert_int_eq(exitstat_status_shell(&st), v - 128);
        } else {
            ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
            ck_assert_int_eq(st.code, v);
            ck_assert_int_eq(st.signal, 0);
            ck_assert_uint_eq(st.flags, v <= 255 ? EXITSTAT_F_CODE8 : 0);
            ck_assert_int_eq(exitstat_status_shell(&st), v & 0xff);
            ck_assert_int_eq(exitstat_status_errorlevel(&st), v);
        }
        ck_assert_int_eq(exitstat_status_success(&st), v == 0);
    }
    {
        exitstat_status st;
        exitstat_status_from_shell(-5, &st);
        ck_assert_int_eq(st.kind, EXITSTAT_EXITED);
        ck_assert_int_eq(st.code, -5);
        ck_assert_uint_eq(st.flags, 0);
    }
}
END_TEST

/* the shell's $? of a real wait status is the value a shell would print */
START_TEST(shell_view_of_wait_statuses)
{
    exitstat_status st;

    exitstat_status_from_wait(3 << 8, &st);
    ck_assert_int_eq(exitstat_status_shell(&st), 3);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), 3);
    exitstat_status_from_wait(T_SIGKILL, &st);
    ck_assert_int_eq(exitstat_status_shell(&st), 128 + T_SIGKILL);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), 128 + T_SIGKILL);
    exitstat_status_from_wait(T_SIGSEGV | 0x80, &st);
    ck_assert_int_eq(exitstat_status_shell(&st), 128 + T_SIGSEGV);
    exitstat_status_from_wait(0x137f, &st); /* stopped by 0x13 */
    ck_assert_int_eq(exitstat_status_shell(&st), 128 + 0x13);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), -1);
    exitstat_status_from_wait(0xffff, &st);
    ck_assert_int_eq(exitstat_status_shell(&st), -1);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), -1);
    ck_assert_int_eq(exitstat_status_success(&st), 0);
    exitstat_status_from_wait(0x00ff, &st);
    ck_assert_int_eq(st.kind, EXITSTAT_UNKNOWN);
    ck_assert_int_eq(exitstat_status_shell(&st), -1);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), -1);

    ck_assert_int_eq(exitstat_status_shell(NULL), -1);
    ck_assert_int_eq(exitstat_status_errorlevel(NULL), -1);
    ck_assert_int_eq(exitstat_status_success(NULL), 0);
}
END_TEST

/* a status this library's kill produced on Windows: SIGNALED/KILL, not an exception */
START_TEST(views_of_a_killed_status)
{
    exitstat_status st;

    memset(&st, 0, sizeof(st));
    st.kind = EXITSTAT_SIGNALED;
    st.signal = T_SIGKILL;
    st.flags = EXITSTAT_F_KILLED;
    st.raw = 137;
    ck_assert_int_eq(exitstat_status_errorlevel(&st), 137);
    ck_assert_int_eq(exitstat_status_shell(&st), 137);
    ck_assert_int_eq(exitstat_status_success(&st), 0);
}
END_TEST

/* filled-in structs: 128 + signal wherever it is an int, -1 where it is not */
START_TEST(views_of_filled_in_signals)
{
    exitstat_status st;

    memset(&st, 0, sizeof(st));
    st.kind = EXITSTAT_SIGNALED;
    st.signal = -5;
    ck_assert_int_eq(exitstat_status_shell(&st), 123);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), 123);
    st.signal = INT32_MIN;
    ck_assert_int_eq(exitstat_status_shell(&st), INT32_MIN + 128);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), INT32_MIN + 128);
    st.signal = INT32_MAX - 128;
    ck_assert_int_eq(exitstat_status_shell(&st), INT32_MAX);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), INT32_MAX);
    st.signal = INT32_MAX - 127;
    ck_assert_int_eq(exitstat_status_shell(&st), -1);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), -1);
    st.kind = EXITSTAT_STOPPED;
    ck_assert_int_eq(exitstat_status_shell(&st), -1);
    st.signal = 19;
    ck_assert_int_eq(exitstat_status_shell(&st), 147);
    ck_assert_int_eq(exitstat_status_errorlevel(&st), -1);
}
END_TEST

static void assert_describe(const exitstat_status *st, const char *want)
{
    char buf[160];
    int n = exitstat_status_describe(st, buf, sizeof(buf));

    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(describe_texts)
{
    exitstat_status st;
    char want[96];

    exitstat_status_from_wait(3 << 8, &st);
    assert_describe(&st, "exited with code 3");
    exitstat_status_from_wait(0, &st);
    assert_describe(&st, "exited with code 0");
    exitstat_status_from_wait(255 << 8, &st);
    assert_describe(&st, "exited with code 255");

    exitstat_status_from_wait(T_SIGKILL, &st);
    snprintf(want, sizeof(want), "killed by signal %d (SIGKILL)", T_SIGKILL);
    assert_describe(&st, want);
    exitstat_status_from_wait(T_SIGSEGV | 0x80, &st);
    snprintf(want, sizeof(want), "killed by signal %d (SIGSEGV), core dumped", T_SIGSEGV);
    assert_describe(&st, want);
    exitstat_status_from_wait(126, &st);
    assert_describe(&st, "killed by signal 126");

#ifndef _WIN32
    exitstat_status_from_wait((SIGSTOP << 8) | 0x7f, &st);
    snprintf(want, sizeof(want), "stopped by signal %d (SIGSTOP)", SIGSTOP);
    assert_describe(&st, want);
#endif
    exitstat_status_from_wait(0xffff, &st);
    assert_describe(&st, "continued");
    exitstat_status_from_wait(0x12ff, &st);
    assert_describe(&st, "unknown status (raw 0x12FF)");

    exitstat_status_from_win32(0xC0000005u, &st);
    assert_describe(&st, "terminated by exception 0xC0000005 (STATUS_ACCESS_VIOLATION)");
    exitstat_status_from_win32(0xC0000409u, &st);
    assert_describe(&st, "terminated by exception 0xC0000409 (STATUS_STACK_BUFFER_OVERRUN)");
    exitstat_status_from_win32(0x80000003u, &st);
    assert_describe(&st, "terminated by exception 0x80000003 (STATUS_BREAKPOINT)");
    exitstat_status_from_win32(0xC0000135u, &st);
    assert_describe(&st, "exited with code 3221225781 (0xC0000135, STATUS_DLL_NOT_FOUND)");
    exitstat_status_from_win32(0xFFFFFFFFu, &st);
    assert_describe(&st, "exited with code 4294967295 (0xFFFFFFFF)");
    exitstat_status_from_win32(259, &st);
    assert_describe(&st, "exited with code 259");
    exitstat_status_from_win32(256, &st);
    assert_describe(&st, "exited with code 256");
}
END_TEST

START_TEST(describe_is_snprintf_like)
{
    exitstat_status st;
    char buf[8];
    int full;

    exitstat_status_from_win32(0xC0000005u, &st);
    full = exitstat_status_describe(&st, NULL, 0);
    ck_assert_int_eq(full, (int)strlen("terminated by exception 0xC0000005 (STATUS_ACCESS_VIOLATION)"));

    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(exitstat_status_describe(&st, buf, sizeof(buf)), full);
    ck_assert_str_eq(buf, "termina");

    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(exitstat_status_describe(&st, buf, 1), full);
    ck_assert_int_eq(buf[0], '\0');
    ck_assert_int_eq(buf[1], 'x');

    ck_assert_int_eq(exitstat_status_describe(NULL, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_status_describe(&st, NULL, 4), EXITSTAT_EINVAL);
}
END_TEST

START_TEST(signal_names)
{
    ck_assert_ptr_null(exitstat_signal_name(0));
    ck_assert_ptr_null(exitstat_signal_name(-1));
    ck_assert_ptr_null(exitstat_signal_name(INT_MIN));
    ck_assert_ptr_null(exitstat_signal_name(INT_MAX));
    ck_assert_str_eq(exitstat_signal_name(T_SIGKILL), "SIGKILL");
    ck_assert_str_eq(exitstat_signal_name(T_SIGSEGV), "SIGSEGV");
    ck_assert_str_eq(exitstat_signal_name(T_SIGABRT), "SIGABRT");
    ck_assert_str_eq(exitstat_signal_name(T_SIGINT), "SIGINT");
#ifdef _WIN32
    {
        static const char *const want[] = {NULL,      "SIGHUP",  "SIGINT",  "SIGQUIT",
                                           "SIGILL",  "SIGTRAP", "SIGABRT", "SIGBUS",
                                           "SIGFPE",  "SIGKILL", NULL,      "SIGSEGV",
                                           NULL,      "SIGPIPE", "SIGALRM", "SIGTERM"};
        int s;
        for (s = 0; s < 16; s++) {
            if (want[s])
                ck_assert_str_eq(exitstat_signal_name(s), want[s]);
            else
                ck_assert_ptr_null(exitstat_signal_name(s));
        }
        ck_assert_ptr_null(exitstat_signal_name(16));
    }
#else
    {
        int s;
        char want[32];

        ck_assert_str_eq(exitstat_signal_name(SIGTERM), "SIGTERM");
        ck_assert_str_eq(exitstat_signal_name(SIGCHLD), "SIGCHLD");
        ck_assert_str_eq(exitstat_signal_name(SIGSYS), "SIGSYS");
        ck_assert_str_eq(exitstat_signal_name(SIGSTOP), "SIGSTOP");
        /* every standard signal of this platform has a name starting SIG */
        for (s = 1; s < 32; s++) {
            const char *n = exitstat_signal_name(s);
            ck_assert_msg(n != NULL, "signal %d has no name", s);
            ck_assert_int_eq(strncmp(n, "SIG", 3), 0);
        }
#  ifdef SIGRTMIN
        ck_assert_str_eq(exitstat_signal_name(SIGRTMIN), "SIGRTMIN");
        for (s = SIGRTMIN + 1; s <= SIGRTMAX; s++) {
            snprintf(want, sizeof(want), "SIGRTMIN+%d", s - SIGRTMIN);
            ck_assert_str_eq(exitstat_signal_name(s), want);
        }
        ck_assert_ptr_null(exitstat_signal_name(SIGRTMAX + 1));
#  endif
        (void)want;
    }
#endif
}
END_TEST

START_TEST(ntstatus_names)
{
    static const uint32_t required[] = {
        /* the contract's exception table */
        0xC0000005u, 0xC00000FDu, 0xC000008Cu, 0xC000001Du, 0xC0000096u, 0xC000008Du,
        0xC000008Eu, 0xC000008Fu, 0xC0000090u, 0xC0000091u, 0xC0000092u, 0xC0000093u,
        0xC0000094u, 0xC0000095u, 0xC00002B4u, 0xC00002B5u, 0xC0000409u, 0xC000013Au,
        0x80000003u, 0xC0000006u,
        /* common failures */
        0xC0000135u, 0xC0000139u, 0xC0000374u, 0xC0000008u, 0xC0000142u, 0xC000007Bu,
        0xC0000017u, 0xC0000022u, 0xC0000417u, 0xC0000602u,
    };
    size_t i;
    unsigned named = 0;
    uint32_t c;

    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        const char *n = exitstat_ntstatus_name(required[i]);
        ck_assert_msg(n != NULL, "0x%08lX has no name", (unsigned long)required[i]);
        ck_assert_int_eq(strncmp(n, "STATUS_", 7), 0);
    }
    ck_assert_str_eq(exitstat_ntstatus_name(0xC0000005u), "STATUS_ACCESS_VIOLATION");
    ck_assert_str_eq(exitstat_ntstatus_name(0xC0000135u), "STATUS_DLL_NOT_FOUND");
    ck_assert_str_eq(exitstat_ntstatus_name(0xC0000139u), "STATUS_ENTRYPOINT_NOT_FOUND");
    ck_assert_str_eq(exitstat_ntstatus_name(0xC0000374u), "STATUS_HEAP_CORRUPTION");
    ck_assert_str_eq(exitstat_ntstatus_name(0xC0000008u), "STATUS_INVALID_HANDLE");
    ck_assert_str_eq(exitstat_ntstatus_name(0xC000013Au), "STATUS_CONTROL_C_EXIT");
    ck_assert_str_eq(exitstat_ntstatus_name(0x80000003u), "STATUS_BREAKPOINT");
    ck_assert_ptr_null(exitstat_ntstatus_name(0));
    ck_assert_ptr_null(exitstat_ntstatus_name(1));
    ck_assert_ptr_null(exitstat_ntstatus_name(259));
    ck_assert_ptr_null(exitstat_ntstatus_name(0xFFFFFFFFu));

    for (c = 0xC0000000u; c < 0xC0000700u; c++)
        named += exitstat_ntstatus_name(c) != NULL;
    for (c = 0x80000000u; c < 0x80000100u; c++)
        named += exitstat_ntstatus_name(c) != NULL;
    for (c = 0x40000000u; c < 0x40000100u; c++)
        named += exitstat_ntstatus_name(c) != NULL;
    ck_assert_uint_ge(named, 40);
}
END_TEST

Suite *suite_status(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, wait_all_words_match_platform_macros);
    tcase_add_test(tc, wait_negative_and_null);
    tcase_add_loop_test(tc, win32_codes, 0, (int)(sizeof(win32_cases) / sizeof(win32_cases[0])));
    tcase_add_test(tc, win32_float_range);
    tcase_add_test(tc, shell_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("views");
    tcase_add_test(tc, shell_view_of_wait_statuses);
    tcase_add_test(tc, views_of_a_killed_status);
    tcase_add_test(tc, views_of_filled_in_signals);
    tcase_add_test(tc, describe_texts);
    tcase_add_test(tc, describe_is_snprintf_like);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_test(tc, signal_names);
    tcase_add_test(tc, ntstatus_names);
    suite_add_tcase(s, tc);
    return s;
}
