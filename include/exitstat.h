/*
 * exitstat.h - spawn child processes, await them, and decode how they ended.
 *
 * This header is the specification of libexitstat. Every exported function is
 * declared here with what it does, who owns what, its thread-safety and its
 * errors; the man pages in man/ say the same at more length.
 *
 * Conventions kept by every function:
 *  - A fallible function returns int: 0 (or a non-negative count) on success,
 *    a negative EXITSTAT_E* constant on failure. Never -1, never errno.
 *  - An exit status is never a return value: it is written to a caller-owned
 *    exitstat_status.
 *  - Strings are NUL-terminated UTF-8 (on POSIX: bytes, passed through).
 *  - Timeouts are int64_t milliseconds: negative waits forever, 0 never blocks.
 *  - Memory handed to the caller is released with exitstat_free().
 *  - A function that fails sets its pointer out-parameters to NULL and writes
 *    nothing else.
 *  - No function installs a signal handler, changes a signal disposition of the
 *    caller, or reaps a process it did not spawn.
 *
 * Functions that only read their arguments (the decoders, the name look-ups,
 * strerror) are thread-safe; all but exitstat_status_describe (which formats
 * with snprintf) are also async-signal-safe.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_H
#define EXITSTAT_H

#include <stddef.h>
#include <stdint.h>

/* EXITSTAT_API marks the exported functions. Only functions are exported, never
 * data, so consumers need no dllimport on Windows: the import library's thunks
 * serve both the DLL and the static library. */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(EXITSTAT_BUILDING_DLL)
#    define EXITSTAT_API __declspec(dllexport)
#  else
#    define EXITSTAT_API
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define EXITSTAT_API __attribute__((visibility("default")))
#else
#  define EXITSTAT_API
#endif

#if defined(__GNUC__) && __GNUC__ >= 3
#  define EXITSTAT_NORETURN __attribute__((noreturn))
#elif defined(_MSC_VER)
#  define EXITSTAT_NORETURN __declspec(noreturn)
#else
#  define EXITSTAT_NORETURN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Versions and errors                                                       */
/* ------------------------------------------------------------------------- */

#define EXITSTAT_VERSION_MAJOR 0
#define EXITSTAT_VERSION_MINOR 1
#define EXITSTAT_VERSION_PATCH 0
/* 0xMMmmpp: compare with >= in #if */
#define EXITSTAT_VERSION_NUMBER                                                \
    ((EXITSTAT_VERSION_MAJOR << 16) | (EXITSTAT_VERSION_MINOR << 8) |          \
     EXITSTAT_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" of the library actually loaded, which may be newer than
 * the header a program was compiled with. Never NULL; static storage. */
EXITSTAT_API const char *exitstat_version(void);

/* Error codes: the same numbers on every platform, never renumbered. */
#define EXITSTAT_OK 0
#define EXITSTAT_EINVAL (-1)    /* invalid argument */
#define EXITSTAT_ENOMEM (-2)    /* out of memory */
#define EXITSTAT_ENOENT (-3)    /* program, or working directory, not found */
#define EXITSTAT_EACCES (-4)    /* permission denied */
#define EXITSTAT_ENOEXEC (-5)   /* file is not an executable format */
#define EXITSTAT_E2BIG (-6)     /* argument list, command line or environment too long */
#define EXITSTAT_EMFILE (-7)    /* out of file descriptors or handles */
#define EXITSTAT_EAGAIN (-8)    /* process limit reached; try again */
#define EXITSTAT_ETIMEDOUT (-9) /* the wait timed out; the child is still running */
#define EXITSTAT_ECHILD (-10)   /* no such child (not ours, or its status is gone) */
#define EXITSTAT_ENOSYS (-11)   /* not supported on this platform */
#define EXITSTAT_EUNSAFE (-12)  /* an argument cannot be passed to the target safely */
#define EXITSTAT_ENOTDIR (-13)  /* the working directory is not a directory */
#define EXITSTAT_EIO (-14)      /* any other operating-system failure */

/* A short English text for any int: the EXITSTAT_E* codes have their own,
 * 0 is "success", anything else "unknown error". Never NULL; static storage. */
EXITSTAT_API const char *exitstat_strerror(int err);

/* The constant's name ("EXITSTAT_ENOENT", "EXITSTAT_OK" for 0), or NULL for a
 * value that is not an EXITSTAT_E* code. Static storage. */
EXITSTAT_API const char *exitstat_errname(int err);

/* ------------------------------------------------------------------------- */
/* The status                                                                */
/* ------------------------------------------------------------------------- */

typedef enum exitstat_kind {
    EXITSTAT_UNKNOWN = 0,   /* a status word that fits none of the below */
    EXITSTAT_EXITED = 1,    /* ended normally: code holds the exit code */
    EXITSTAT_SIGNALED = 2,  /* ended by a signal; on Windows by an unhandled
                               exception or by exitstat_kill/exitstat_terminate */
    EXITSTAT_STOPPED = 3,   /* only from decoders of wait(2) status words */
    EXITSTAT_CONTINUED = 4  /* likewise */
} exitstat_kind;

/* How a child ended. Plain data, 32 bytes, copied freely; reserved must be 0. */
typedef struct exitstat_status {
    int32_t kind;   /* exitstat_kind */
    int32_t signal; /* SIGNALED/STOPPED: the signal number; 0 otherwise */
    int64_t code;   /* EXITED: the exit code, as wide as the platform reports it
                       (0..255 on Linux, 0..4294967295 on Windows); SIGNALED from
                       a Windows exception: the NTSTATUS; else 0 */
    uint32_t flags; /* EXITSTAT_F_* */
    uint32_t raw;   /* the platform's own value: the wait(2) status word on POSIX
                       (as waitpid would give it), the DWORD exit code on Windows */
    uint32_t reserved[2];
} exitstat_status;

#define EXITSTAT_F_COREDUMP 0x1u  /* a core image was written */
#define EXITSTAT_F_CODE8 0x2u     /* the platform kept only the low 8 bits of the code */
#define EXITSTAT_F_EXCEPTION 0x4u /* Windows: signal derived from an exception NTSTATUS */
#define EXITSTAT_F_KILLED 0x8u    /* ended by this library's kill/terminate/stop/signal */

/*
 * Signal numbers are the platform's own on POSIX. On Windows they are the
 * traditional POSIX numbers (HUP 1, INT 2, QUIT 3, ILL 4, TRAP 5, ABRT 6, BUS 7,
 * FPE 8, KILL 9, SEGV 11, PIPE 13, ALRM 14, TERM 15).
 *
 * The decoders below need no child and work on every platform. Each decodes
 * every input value, returns 0, and fails with EXITSTAT_EINVAL only for a NULL
 * out (which it then leaves alone).
 */

/* A wait(2) status word in the traditional layout shared by Linux, the BSDs
 * and macOS. Only the low 16 bits count. Exited statuses carry
 * EXITSTAT_F_CODE8; a core dump sets EXITSTAT_F_COREDUMP; 0xffff is
 * CONTINUED; a word no platform macro accepts (low byte 0xff) is UNKNOWN.
 * raw = the low 16 bits of wstatus. */
EXITSTAT_API int exitstat_status_from_wait(int wstatus, exitstat_status *out);

/* A Windows process exit code (GetExitCodeProcess). A known exception NTSTATUS
 * becomes SIGNALED with EXITSTAT_F_EXCEPTION and code = the NTSTATUS:
 * 0xC0000005, 0xC00000FD, 0xC000008C -> SEGV; 0xC000001D, 0xC0000096 -> ILL;
 * 0xC000008D..0xC0000095, 0xC00002B4, 0xC00002B5 -> FPE; 0xC0000409 -> ABRT;
 * 0xC000013A -> INT; 0x80000003 -> TRAP; 0xC0000006 -> BUS. Every other value,
 * 259 (STILL_ACTIVE) included, is EXITED with that code. raw = exit_code.
 * The signal numbers are this platform's own (on the BSDs and macOS, SIGBUS
 * is 10), the traditional ones on Windows. */
EXITSTAT_API int exitstat_status_from_win32(uint32_t exit_code, exitstat_status *out);

/* A shell's $?: 0..128 and 193..255 EXITED (with EXITSTAT_F_CODE8, since a
 * shell keeps 8 bits); 129..192 SIGNALED with signal value-128, and ksh93's
 * 257..320 SIGNALED with signal value-256; any other value EXITED with that
 * code. raw = (uint32_t)value. */
EXITSTAT_API int exitstat_status_from_shell(int value, exitstat_status *out);

/* 1 if st is EXITED with code 0, else 0 (also for NULL). */
EXITSTAT_API int exitstat_status_success(const exitstat_status *st);

/* What a POSIX shell's $? shows for st: EXITED: code & 0xFF; SIGNALED or
 * STOPPED: 128 + signal; otherwise (CONTINUED, UNKNOWN, NULL) -1. */
EXITSTAT_API int exitstat_status_shell(const exitstat_status *st);

/* What cmd.exe's %ERRORLEVEL% shows for st: EXITED, or SIGNALED from a Windows
 * exception: the code as a signed 32-bit value (0xC0000005 -> -1073741819);
 * other SIGNALED: 128 + signal; otherwise -1. Note that -1 is also the
 * errorlevel of exit code 0xFFFFFFFF: look at st->kind to tell them apart. */
EXITSTAT_API int32_t exitstat_status_errorlevel(const exitstat_status *st);

/* A one-line English description, snprintf-like: writes at most size bytes,
 * always NUL-terminated when size > 0, and returns the length the whole text
 * needs (not counting the NUL), or EXITSTAT_EINVAL for a NULL st, or for a
 * NULL buf with size > 0 (EXITSTAT_EIO if formatting fails). Texts:
 *   "exited with code 3"
 *   "exited with code 3221225781 (0xC0000135, STATUS_DLL_NOT_FOUND)"
 *   "killed by signal 9 (SIGKILL)"
 *   "killed by signal 11 (SIGSEGV), core dumped"
 *   "terminated by exception 0xC0000005 (STATUS_ACCESS_VIOLATION)"
 *   "stopped by signal 19 (SIGSTOP)", "continued",
 *   "unknown status (raw 0x00FF)" */
EXITSTAT_API int exitstat_status_describe(const exitstat_status *st, char *buf, size_t size);

/* "SIGSEGV" for a signal number of this platform (on Linux 1..31 and the
 * real-time range as "SIGRTMIN", "SIGRTMIN+1", ...; on Windows the
 * traditional set above), or NULL. Static storage. */
EXITSTAT_API const char *exitstat_signal_name(int sig);

/* "STATUS_ACCESS_VIOLATION" for a known NTSTATUS value (the exceptions above
 * and the common failure codes such as STATUS_DLL_NOT_FOUND), or NULL.
 * Works on every platform. Static storage. */
EXITSTAT_API const char *exitstat_ntstatus_name(uint32_t code);

#ifdef __cplusplus
}
#endif

#endif /* EXITSTAT_H */
