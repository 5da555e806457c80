/*
 * fuzz-status.c - libFuzzer target for the status decoders and views
 * (lib/status.c, lib/ntstatus.c, the backend's signal names).
 *
 * The input is read as a stream of little-endian fields (missing bytes read
 * as 0): a wait(2) status word, a Windows exit code, a shell value, a whole
 * exitstat_status with arbitrary fields, a buffer size for describe, and a
 * signal number. For each, what the contract promises is checked:
 *
 *  - from_wait: raw is the low 16 bits; decoding raw again gives the same
 *    struct (the invariant every status of a wait keeps); the kind, code,
 *    signal and core flag agree with the platform's <sys/wait.h> macros on
 *    Linux, whose layout the decoder implements by hand; reserved is 0.
 *  - from_win32: raw and code are the exit code; SIGNALED exactly for the
 *    exceptions of the contract's table, with EXITSTAT_F_EXCEPTION, a named
 *    signal and a named NTSTATUS; the errorlevel view gives the code back as
 *    a signed 32-bit value; decoding raw again gives the same struct.
 *  - from_shell: raw is the value; the shell view gives the value back for
 *    0..255, value - 128 for ksh93's 257..320, else value & 0xFF.
 *  - describe, on the decoded statuses and on arbitrary structs: its return
 *    equals the length of the whole text; into a buffer of a fuzzed size
 *    (allocated to exactly that size, so ASan sees an overrun) it returns the
 *    same and writes a NUL-terminated prefix; NULL with size 0 only measures;
 *    the text starts as the kind says; for decoded wait statuses it is
 *    exactly the text the contract gives.
 *  - the views on arbitrary structs: success, shell and errorlevel as the
 *    header defines them (all arithmetic here in 64 bits, so a view that
 *    overflows shows as a difference or as UBSan's report).
 *  - signal and NTSTATUS names: NULL or a "SIG" / "STATUS_" name, every
 *    Linux signal 1..31 and SIGRTMIN..SIGRTMAX named.
 *
 * SPDX-License-Identifier: MIT
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#  include <sys/wait.h>
#endif

#include "exitstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct reader {
    const uint8_t *p;
    size_t left;
};

static uint64_t take(struct reader *r, int bytes)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < bytes; i++) {
        uint64_t b = 0;
        if (r->left > 0) {
            b = *r->p++;
            r->left--;
        }
        v |= b << (8 * i);
    }
    return v;
}

/* two's complement readings, without implementation-defined conversions */
static int32_t as_i32(uint32_t u)
{
    int32_t v;
    memcpy(&v, &u, sizeof(v));
    return v;
}

static int64_t as_i64(uint64_t u)
{
    int64_t v;
    memcpy(&v, &u, sizeof(v));
    return v;
}

static int same(const exitstat_status *a, const exitstat_status *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* describe's contract on st; the whole text in *text (malloc'ed) */
static char *describe_checked(const exitstat_status *st, size_t size)
{
    int n = exitstat_status_describe(st, NULL, 0), m;
    char *full, *part;

    if (n < 0)
        abort();
    full = malloc((size_t)n + 1);
    if (!full)
        return NULL;
    m = exitstat_status_describe(st, full, (size_t)n + 1);
    if (m != n || strlen(full) != (size_t)n)
        abort();

    if (size > 0) {
        part = malloc(size);
        if (part) {
            size_t keep = (size_t)n < size ? (size_t)n : size - 1;
            if (exitstat_status_describe(st, part, size) != n || part[keep] != '\0' ||
                memcmp(part, full, keep) != 0)
                abort();
            free(part);
        }
    } else if (exitstat_status_describe(st, full, 0) != n || full[0] == '\0') {
        abort(); /* size 0 writes nothing */
    }

    switch (st->kind) {
    case EXITSTAT_EXITED:
        if (!starts(full, "exited with code "))
            abort();
        break;
    case EXITSTAT_SIGNALED:
        if (!starts(full, (st->flags & EXITSTAT_F_EXCEPTION) ? "terminated by exception 0x"
                                                             : "killed by signal "))
            abort();
        break;
    case EXITSTAT_STOPPED:
        if (!starts(full, "stopped by signal "))
            abort();
        break;
    case EXITSTAT_CONTINUED:
        if (strcmp(full, "continued") != 0)
            abort();
        break;
    default:
        if (!starts(full, "unknown status (raw 0x"))
            abort();
        break;
    }
    return full;
}

/*
 * The views, by their definitions in the header, in 64-bit arithmetic. For a
 * signal so large that 128 + signal does not fit an int (no decoder makes
 * one, but a caller may fill a struct in), the header says -1.
 */
static int64_t or_minus_one(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX ? v : -1;
}

static void check_views(const exitstat_status *st)
{
    int64_t shell, level;

    if (exitstat_status_success(st) != (st->kind == EXITSTAT_EXITED && st->code == 0))
        abort();

    if (st->kind == EXITSTAT_EXITED)
        shell = (int64_t)((uint64_t)st->code & 0xff);
    else if (st->kind == EXITSTAT_SIGNALED || st->kind == EXITSTAT_STOPPED)
        shell = 128 + (int64_t)st->signal;
    else
        shell = -1;
    if (exitstat_status_shell(st) != or_minus_one(shell))
        abort();

    if (st->kind == EXITSTAT_EXITED ||
        (st->kind == EXITSTAT_SIGNALED && (st->flags & EXITSTAT_F_EXCEPTION)))
        level = as_i32((uint32_t)st->code);
    else if (st->kind == EXITSTAT_SIGNALED)
        level = 128 + (int64_t)st->signal;
    else
        level = -1;
    if (exitstat_status_errorlevel(st) != or_minus_one(level))
        abort();
}

static void check_wait(int wstatus, size_t size)
{
    exitstat_status st, again;
    uint32_t w = (uint32_t)wstatus & 0xffffu;
    char want[96], *text;

    if (exitstat_status_from_wait(wstatus, &st) != 0)
        abort();
    if (st.raw != w || st.reserved[0] || st.reserved[1])
        abort();
    if (exitstat_status_from_wait((int)st.raw, &again) != 0 || !same(&st, &again))
        abort();

#if defined(__linux__)
    {
        int ws = (int)w;
        int kinds = !!WIFEXITED(ws) + !!WIFSIGNALED(ws) + !!WIFSTOPPED(ws) + !!WIFCONTINUED(ws);

        if (kinds > 1)
            abort();
        if (WIFEXITED(ws) != (st.kind == EXITSTAT_EXITED) ||
            WIFSIGNALED(ws) != (st.kind == EXITSTAT_SIGNALED) ||
            WIFSTOPPED(ws) != (st.kind == EXITSTAT_STOPPED) ||
            WIFCONTINUED(ws) != (st.kind == EXITSTAT_CONTINUED) ||
            (kinds == 0) != (st.kind == EXITSTAT_UNKNOWN))
            abort();
        if (WIFEXITED(ws) &&
            (st.code != WEXITSTATUS(ws) || st.signal != 0 || st.flags != EXITSTAT_F_CODE8))
            abort();
        if (WIFSIGNALED(ws) && (st.signal != WTERMSIG(ws) || st.code != 0 ||
                                st.flags != (WCOREDUMP(ws) ? EXITSTAT_F_COREDUMP : 0u)))
            abort();
        if (WIFSTOPPED(ws) && (st.signal != WSTOPSIG(ws) || st.code != 0 || st.flags != 0))
            abort();
    }
#endif

    text = describe_checked(&st, size);
    if (!text)
        return;
    /* the contract's texts, made here independently */
    want[0] = '\0';
    if (st.kind == EXITSTAT_EXITED) {
        snprintf(want, sizeof(want), "exited with code %u", (unsigned)(w >> 8));
    } else if (st.kind == EXITSTAT_SIGNALED || st.kind == EXITSTAT_STOPPED) {
        const char *name = exitstat_signal_name(st.signal);
        char sig[48];
        if (name)
            snprintf(sig, sizeof(sig), "%d (%s)", (int)st.signal, name);
        else
            snprintf(sig, sizeof(sig), "%d", (int)st.signal);
        snprintf(want, sizeof(want), "%s by signal %s%s",
                 st.kind == EXITSTAT_STOPPED ? "stopped" : "killed", sig,
                 (st.flags & EXITSTAT_F_COREDUMP) ? ", core dumped" : "");
    } else if (st.kind == EXITSTAT_UNKNOWN) {
        snprintf(want, sizeof(want), "unknown status (raw 0x%04X)", (unsigned)w);
    } else {
        snprintf(want, sizeof(want), "continued");
    }
    if (strcmp(text, want) != 0)
        abort();
    free(text);
    check_views(&st);
}

/* the contract's table of exceptions (API.md), written out again */
static int exception(uint32_t c)
{
    return c == 0xC0000005u || c == 0xC00000FDu || c == 0xC000008Cu || c == 0xC000001Du ||
           c == 0xC0000096u || (c >= 0xC000008Du && c <= 0xC0000095u) || c == 0xC00002B4u ||
           c == 0xC00002B5u || c == 0xC0000409u || c == 0xC000013Au || c == 0x80000003u ||
           c == 0xC0000006u;
}

static void check_win32(uint32_t code, size_t size)
{
    exitstat_status st, again;
    char *text;

    if (exitstat_status_from_win32(code, &st) != 0)
        abort();
    if (st.raw != code || st.code != (int64_t)code || st.reserved[0] || st.reserved[1])
        abort();
    if (exception(code)) {
        if (st.kind != EXITSTAT_SIGNALED || st.flags != EXITSTAT_F_EXCEPTION ||
            !exitstat_signal_name(st.signal) || !exitstat_ntstatus_name(code))
            abort();
    } else if (st.kind != EXITSTAT_EXITED || st.flags != 0 || st.signal != 0) {
        abort();
    }
    if (exitstat_status_errorlevel(&st) != as_i32(code))
        abort();
    if (exitstat_status_from_win32(st.raw, &again) != 0 || !same(&st, &again))
        abort();
    text = describe_checked(&st, size);
    free(text);
    check_views(&st);
}

static void check_shell(int32_t value, size_t size)
{
    exitstat_status st;
    int want;

    if (exitstat_status_from_shell(value, &st) != 0)
        abort();
    if (st.raw != (uint32_t)value || st.reserved[0] || st.reserved[1])
        abort();
    if (value >= 0 && value <= 255)
        want = value;
    else if (value >= 257 && value <= 320)
        want = value - 128;
    else
        want = (int)((uint32_t)value & 0xffu);
    if (exitstat_status_shell(&st) != want)
        abort();
    if ((st.kind == EXITSTAT_SIGNALED) !=
        ((value >= 129 && value <= 192) || (value >= 257 && value <= 320)))
        abort();
    free(describe_checked(&st, size));
    check_views(&st);
}

static void check_names(int sig, uint32_t code)
{
    const char *s = exitstat_signal_name(sig), *n = exitstat_ntstatus_name(code);

    if (s && !starts(s, "SIG"))
        abort();
    if (n && !starts(n, "STATUS_"))
        abort();
#if defined(__linux__)
    if (sig >= 1 && sig <= 31 && !s)
        abort();
    if (sig >= SIGRTMIN && sig <= SIGRTMAX && !s)
        abort();
    if ((sig <= 0 || sig > SIGRTMAX) && s)
        abort();
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = {data, size};
    exitstat_status st;
    int32_t wstatus = as_i32((uint32_t)take(&r, 4));
    uint32_t code = (uint32_t)take(&r, 4);
    int32_t shell = as_i32((uint32_t)take(&r, 4));
    size_t bufsize = (size_t)take(&r, 1);
    int32_t sig = as_i32((uint32_t)take(&r, 4));

    check_wait(wstatus, bufsize);
    check_win32(code, bufsize);
    check_shell(shell, bufsize);
    check_names(sig, code);

    /* an arbitrary struct, as a caller may fill one in */
    memset(&st, 0, sizeof(st));
    st.kind = as_i32((uint32_t)take(&r, 4));
    st.signal = as_i32((uint32_t)take(&r, 4));
    st.code = as_i64(take(&r, 8));
    st.flags = (uint32_t)take(&r, 4);
    st.raw = (uint32_t)take(&r, 4);
    free(describe_checked(&st, bufsize));
    check_views(&st);
    return 0;
}
