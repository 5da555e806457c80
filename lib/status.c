/*
 * status.c - decoding how a process ended, and saying it.
 *
 * Three decoders feed one struct: wait(2) status words (the traditional layout
 * of Linux, the BSDs and macOS, decoded by hand so it works on Windows too),
 * Windows exit codes (32-bit, with unhandled exceptions mapped onto the POSIX
 * signal they correspond to), and a shell's $? (which folds a signal death into
 * 128+N). The views (success, shell, errorlevel, describe) read the struct only.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static void status_set(exitstat_status *out, int32_t kind, int32_t sig, int64_t code,
                       uint32_t flags, uint32_t raw)
{
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->signal = sig;
    out->code = code;
    out->flags = flags;
    out->raw = raw;
}

/*
 * The traditional layout, in the low 16 bits:
 *   exited      code << 8            (low 7 bits 0)
 *   signaled    signal | 0x80 if core (low 7 bits 1..126)
 *   stopped     signal << 8 | 0x7f
 *   continued   0xffff
 * A low byte of 0xff (other than 0xffff) fits none of them, and a word with
 * the core bit but no signal (0x80) is an exit, as WIFEXITED says.
 */
int exitstat_status_from_wait(int wstatus, exitstat_status *out)
{
    uint32_t w = (uint32_t)wstatus & 0xffffu;
    uint32_t low7 = w & 0x7fu;
    uint32_t high = w >> 8;

    if (!out)
        return EXITSTAT_EINVAL;
    if (w == 0xffffu)
        status_set(out, EXITSTAT_CONTINUED, 0, 0, 0, w);
    else if ((w & 0xffu) == 0x7fu)
        status_set(out, EXITSTAT_STOPPED, (int32_t)high, 0, 0, w);
    else if (low7 == 0)
        status_set(out, EXITSTAT_EXITED, 0, high, EXITSTAT_F_CODE8, w);
    else if (low7 != 0x7fu)
        status_set(out, EXITSTAT_SIGNALED, (int32_t)low7, 0,
                   (w & 0x80u) ? EXITSTAT_F_COREDUMP : 0, w);
    else
        status_set(out, EXITSTAT_UNKNOWN, 0, 0, 0, w);
    return 0;
}

/* The exception table of the contract: which NTSTATUS values are deaths. */
static int exception_signal(uint32_t code)
{
    switch (code) {
    case 0xC0000005u: /* STATUS_ACCESS_VIOLATION */
    case 0xC00000FDu: /* STATUS_STACK_OVERFLOW */
    case 0xC000008Cu: /* STATUS_ARRAY_BOUNDS_EXCEEDED */
        return EXITSTAT__SIGSEGV;
    case 0xC000001Du: /* STATUS_ILLEGAL_INSTRUCTION */
    case 0xC0000096u: /* STATUS_PRIVILEGED_INSTRUCTION */
        return EXITSTAT__SIGILL;
    case 0xC000008Du: /* STATUS_FLOAT_DENORMAL_OPERAND .. */
    case 0xC000008Eu:
    case 0xC000008Fu:
    case 0xC0000090u:
    case 0xC0000091u:
    case 0xC0000092u:
    case 0xC0000093u:
    case 0xC0000094u: /* STATUS_INTEGER_DIVIDE_BY_ZERO */
    case 0xC0000095u: /* .. STATUS_INTEGER_OVERFLOW */
    case 0xC00002B4u: /* STATUS_FLOAT_MULTIPLE_FAULTS */
    case 0xC00002B5u: /* STATUS_FLOAT_MULTIPLE_TRAPS */
        return EXITSTAT__SIGFPE;
    case 0xC0000409u: /* STATUS_STACK_BUFFER_OVERRUN (__fastfail) */
        return EXITSTAT__SIGABRT;
    case 0xC000013Au: /* STATUS_CONTROL_C_EXIT */
        return EXITSTAT__SIGINT;
    case 0x80000003u: /* STATUS_BREAKPOINT */
        return EXITSTAT__SIGTRAP;
    case 0xC0000006u: /* STATUS_IN_PAGE_ERROR */
        return EXITSTAT__SIGBUS;
    default:
        return 0;
    }
}

int exitstat_status_from_win32(uint32_t exit_code, exitstat_status *out)
{
    int sig = exception_signal(exit_code);

    if (!out)
        return EXITSTAT_EINVAL;
    if (sig)
        status_set(out, EXITSTAT_SIGNALED, exitstat__signum(sig), exit_code,
                   EXITSTAT_F_EXCEPTION, exit_code);
    else
        status_set(out, EXITSTAT_EXITED, 0, exit_code, 0, exit_code);
    return 0;
}

int exitstat_status_from_shell(int value, exitstat_status *out)
{
    if (!out)
        return EXITSTAT_EINVAL;
    if (value >= 129 && value <= 192)
        status_set(out, EXITSTAT_SIGNALED, value - 128, 0, 0, (uint32_t)value);
    else if (value >= 257 && value <= 320) /* ksh93 reports signal deaths as 256+N */
        status_set(out, EXITSTAT_SIGNALED, value - 256, 0, 0, (uint32_t)value);
    else
        status_set(out, EXITSTAT_EXITED, 0, value,
                   (value >= 0 && value <= 255) ? EXITSTAT_F_CODE8 : 0, (uint32_t)value);
    return 0;
}

int exitstat_status_success(const exitstat_status *st)
{
    return st && st->kind == EXITSTAT_EXITED && st->code == 0;
}

/* 128 + sig as a shell shows it; -1 for a number no signal has (a struct
 * the caller filled in), rather than an overflow */
/* 128 + sig, or -1 where that sum is not an int (a filled-in struct only) */
static int signal_plus_128(int32_t sig)
{
    return sig <= INT32_MAX - 128 ? 128 + sig : -1;
}

int exitstat_status_shell(const exitstat_status *st)
{
    if (!st)
        return -1;
    switch (st->kind) {
    case EXITSTAT_EXITED:
        return (int)(st->code & 0xff);
    case EXITSTAT_SIGNALED:
    case EXITSTAT_STOPPED:
        return signal_plus_128(st->signal);
    default:
        return -1;
    }
}

int32_t exitstat_status_errorlevel(const exitstat_status *st)
{
    if (!st)
        return -1;
    if (st->kind == EXITSTAT_EXITED ||
        (st->kind == EXITSTAT_SIGNALED && (st->flags & EXITSTAT_F_EXCEPTION))) {
        /* two's complement reading of the DWORD, without implementation-defined
         * conversion of an out-of-range value */
        uint32_t u = (uint32_t)st->code;
        return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
    }
    if (st->kind == EXITSTAT_SIGNALED)
        return signal_plus_128(st->signal);
    return -1;
}

/* "9 (SIGKILL)" or "77" */
static int signal_text(char *buf, size_t size, int sig)
{
    const char *name = exitstat_signal_name(sig);
    if (name)
        return snprintf(buf, size, "%d (%s)", sig, name);
    return snprintf(buf, size, "%d", sig);
}

int exitstat_status_describe(const exitstat_status *st, char *buf, size_t size)
{
    char sig[48];
    const char *name;
    int n;

    if (!st || (!buf && size > 0))
        return EXITSTAT_EINVAL;

    switch (st->kind) {
    case EXITSTAT_EXITED:
        /* a code only Windows can produce: also say it in hex, with its name */
        if (st->code > 255 && st->code <= (int64_t)UINT32_MAX &&
            (st->code >= 0x10000 || exitstat_ntstatus_name((uint32_t)st->code))) {
            name = exitstat_ntstatus_name((uint32_t)st->code);
            n = snprintf(buf, size, "exited with code %lld (0x%08lX%s%s)",
                         (long long)st->code, (unsigned long)st->code, name ? ", " : "",
                         name ? name : "");
        } else {
            n = snprintf(buf, size, "exited with code %lld", (long long)st->code);
        }
        break;
    case EXITSTAT_SIGNALED:
        if (st->flags & EXITSTAT_F_EXCEPTION) {
            name = exitstat_ntstatus_name((uint32_t)st->code);
            n = snprintf(buf, size, "terminated by exception 0x%08lX%s%s%s",
                         (unsigned long)(uint32_t)st->code, name ? " (" : "",
                         name ? name : "", name ? ")" : "");
        } else {
            signal_text(sig, sizeof(sig), st->signal);
            n = snprintf(buf, size, "killed by signal %s%s", sig,
                         (st->flags & EXITSTAT_F_COREDUMP) ? ", core dumped" : "");
        }
        break;
    case EXITSTAT_STOPPED:
        signal_text(sig, sizeof(sig), st->signal);
        n = snprintf(buf, size, "stopped by signal %s", sig);
        break;
    case EXITSTAT_CONTINUED:
        n = snprintf(buf, size, "continued");
        break;
    default:
        n = snprintf(buf, size, "unknown status (raw 0x%04lX)", (unsigned long)st->raw);
        break;
    }
    return n < 0 ? EXITSTAT_EIO : n;
}
