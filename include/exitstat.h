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
 * STOPPED: 128 + signal (-1 if a filled-in signal makes that overflow an
 * int); otherwise (CONTINUED, UNKNOWN, NULL) -1. */
EXITSTAT_API int exitstat_status_shell(const exitstat_status *st);

/* What cmd.exe's %ERRORLEVEL% shows for st: EXITED, or SIGNALED from a Windows
 * exception: the code as a signed 32-bit value (0xC0000005 -> -1073741819);
 * other SIGNALED: 128 + signal (-1 on overflow, as above); otherwise -1. Note that -1 is also the
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

/* ------------------------------------------------------------------------- */
/* Code maps                                                                 */
/* ------------------------------------------------------------------------- */

/* How bad an ending is, in increasing order: compare with < and >. */
typedef enum exitstat_severity {
    EXITSTAT_SEV_SUCCESS = 0, /* did what was asked */
    EXITSTAT_SEV_INFO = 1,    /* did it, with something to say (grep: no match) */
    EXITSTAT_SEV_WARNING = 2, /* did part of it, or needs attention */
    EXITSTAT_SEV_ERROR = 3,   /* failed */
    EXITSTAT_SEV_FATAL = 4    /* died, or failed so badly nothing was done */
} exitstat_severity;

/* What exit codes mean to one program or convention: ranges, thresholds and
 * bit flags, each with a severity and a label. Immutable once made, so one map
 * may be used by any number of threads at once. */
typedef struct exitstat_codemap exitstat_codemap;

/* A built-in map by name: "posix" (0, 1, 2, 126, 127, 128+N), "sysexits"
 * (EX_USAGE 64 .. EX_CONFIG 78), "windows" (Win32 errors, NTSTATUS and HRESULT
 * severity bits), "amiga" (5+ WARN, 10+ ERROR, 20+ FAIL), "vms" (the low three
 * bits), "fsck", "robocopy" (bit flags), "grep", "diff", "rsync", "curl".
 * Names are lower case; exitstat(7) gives every map's table. The map is
 * static const data, valid forever; exitstat_codemap_free() on it does
 * nothing. EXITSTAT_EINVAL (and *out = NULL) for an unknown or NULL name or a
 * NULL out. Thread-safe and async-signal-safe. */
EXITSTAT_API int exitstat_codemap_builtin(const char *name, const exitstat_codemap **out);

/*
 * Make a map from spec text: entries separated by ';' (one trailing ';'
 * allowed, no empty entry), each MATCH=SEVERITY[:LABEL].
 *   MATCH     N (one code), N-M (inclusive, N <= M), N+ (N or more: cmd's
 *             IF ERRORLEVEL N), &MASK (any of these bits set, MASK != 0),
 *             * (any other exit code), signal (any SIGNALED status).
 *             N, M, MASK: decimal (leading zeros are not octal) or 0x-hex,
 *             at most 0xFFFFFFFF. No space inside MATCH.
 *   SEVERITY  success, info, warning, error or fatal (lower case).
 *   LABEL     anything but ';', up to the end of the entry.
 * Spaces, tabs and line ends around MATCH, SEVERITY and LABEL are ignored.
 * Example: "0=success;1=info:no match;2+=error:trouble".
 * At most 65536 bytes of spec and 1024 entries. The spec is copied; free the
 * map with exitstat_codemap_free(). Errors (then *out = NULL): EXITSTAT_EINVAL
 * for a NULL argument or any text the grammar does not allow, or beyond the
 * limits; EXITSTAT_ENOMEM. Thread-safe.
 */
EXITSTAT_API int exitstat_codemap_parse(const char *spec, exitstat_codemap **out);

/* Free a map from exitstat_codemap_parse(). NULL and built-in maps: no-op. */
EXITSTAT_API void exitstat_codemap_free(exitstat_codemap *map);

/*
 * What st means according to map: returns its severity (>= 0) and writes its
 * label to label, snprintf-like (at most size bytes, NUL-terminated when
 * size > 0; label may be NULL when size is 0; "" when the map has no label
 * for it). 256 bytes hold every label of the built-in maps.
 * EXITED: codes are compared as 32-bit unsigned values (a code outside
 *   0..0xFFFFFFFF matches no numeric entry). Every matching &MASK entry
 *   applies (the highest severity, labels joined with ", "); otherwise the
 *   first matching N, N-M or N+ entry; otherwise the first *; otherwise
 *   0 is success and anything else error.
 * SIGNALED: the first signal entry; without one, fatal and no label. The
 *   exit code entries never match a signal, not even a Windows exception
 *   status whose code holds the NTSTATUS; only the "windows" map reads that
 *   (and labels it, STATUS_ACCESS_VIOLATION) and "posix" labels the signal.
 * EXITSTAT_EINVAL, writing nothing, for a NULL st or map, a NULL label with
 * size > 0, and a status that is not an ending (STOPPED, CONTINUED, UNKNOWN).
 * Thread-safe and async-signal-safe: it neither allocates nor uses stdio.
 */
EXITSTAT_API int exitstat_classify(const exitstat_status *st, const exitstat_codemap *map,
                                   char *label, size_t size);

/* ------------------------------------------------------------------------- */
/* Commands and children                                                     */
/* ------------------------------------------------------------------------- */

/* What to run: a program, its arguments, environment changes, a working
 * directory, the standard streams and flags. Built once, spawned any number of
 * times. Not thread-safe while being changed; spawning the same command from
 * several threads at once is safe. */
typedef struct exitstat_cmd exitstat_cmd;

/* One spawned child. Waiting, signalling and reading its properties are
 * thread-safe; exitstat_child_free must not race with any other call on it. */
typedef struct exitstat_child exitstat_child;

/* Standard stream modes for exitstat_cmd_stdio() */
#define EXITSTAT_INHERIT 0 /* the parent's stream (default) */
#define EXITSTAT_NULL 1    /* /dev/null or NUL: reads see EOF, writes vanish */
#define EXITSTAT_PIPE 2    /* a pipe; the parent's end is exitstat_child_stdio() */
#define EXITSTAT_HANDLE 3  /* a descriptor (POSIX) or HANDLE (Windows) the caller keeps */
#define EXITSTAT_MERGE 4   /* stream 2 only: to wherever stream 1 goes */

/* Flags for exitstat_cmd_flags() */
#define EXITSTAT_NEW_GROUP 0x1u    /* the child leads a new process group (POSIX) or
                                      job (Windows); kill, terminate and stop then act
                                      on the whole tree */
#define EXITSTAT_KILL_ON_FREE 0x2u /* exitstat_child_free kills the child (tree) if it
                                      still runs, and reaps it; on Windows its job
                                      ends too, with every descendant, also when
                                      the caller exits without freeing it */

/* Create a command that runs program, with argv[0] = program. program is also
 * the file to run: without a path separator it is searched in PATH (see
 * exitstat_cmd_resolve). EXITSTAT_EINVAL for a NULL out or a NULL or empty
 * program; EXITSTAT_ENOMEM. */
EXITSTAT_API int exitstat_cmd_new(exitstat_cmd **out, const char *program);

/* Free a command (NULL is a no-op). Children spawned from it live on. */
EXITSTAT_API void exitstat_cmd_free(exitstat_cmd *cmd);

/* Append one argument (copied). EXITSTAT_EINVAL for NULL; EXITSTAT_ENOMEM. */
EXITSTAT_API int exitstat_cmd_arg(exitstat_cmd *cmd, const char *arg);

/* Append the arguments of a NULL-terminated array, all or none.
 * EXITSTAT_EINVAL for NULL; EXITSTAT_ENOMEM. */
EXITSTAT_API int exitstat_cmd_argv(exitstat_cmd *cmd, const char *const *argv);

/* Set name=value in the child's environment, or unset name with a NULL value.
 * Later calls for the same name win (on Windows names compare without case).
 * EXITSTAT_EINVAL for a NULL or empty name or one containing '='. (On
 * Windows the hidden per-drive directories, "=C:" and the like, can thus not
 * be set; the parent's pass on to the child unless the environment is
 * cleared.) */
EXITSTAT_API int exitstat_cmd_env(exitstat_cmd *cmd, const char *name, const char *value);

/* Start the child from an empty environment instead of the parent's; changes
 * made before and after this call still apply on top of it. On Windows the
 * child still gets the parent's SYSTEMROOT unless the command sets or unsets
 * SYSTEMROOT itself: without it Winsock and other system DLLs fail to start. */
EXITSTAT_API int exitstat_cmd_env_clear(exitstat_cmd *cmd);

/* Run the child in dir (NULL: the parent's current directory). A relative
 * program path is then looked up from dir. EXITSTAT_EINVAL for an empty dir. */
EXITSTAT_API int exitstat_cmd_cwd(exitstat_cmd *cmd, const char *dir);

/* Choose what the child's stream 0, 1 or 2 is (EXITSTAT_INHERIT ...).
 * handle is only read for EXITSTAT_HANDLE. EXITSTAT_EINVAL for a bad stream or
 * mode, EXITSTAT_MERGE on a stream other than 2, a negative descriptor. */
EXITSTAT_API int exitstat_cmd_stdio(exitstat_cmd *cmd, int stream, int mode, intptr_t handle);

/* Set the EXITSTAT_NEW_GROUP / EXITSTAT_KILL_ON_FREE flags (replacing the
 * previous set). EXITSTAT_EINVAL for unknown bits. */
EXITSTAT_API int exitstat_cmd_flags(exitstat_cmd *cmd, uint32_t flags);

/* The file exitstat_spawn would run, written snprintf-like (returns the length
 * needed). EXITSTAT_ENOENT or EXITSTAT_EACCES as exitstat_spawn would report
 * them; EXITSTAT_EINVAL for a NULL cmd or a NULL buf with size > 0.
 * On Windows: ".exe" is appended when the program's last component has no
 * extension (nothing else is tried, so "x" never finds x.bat); a program with
 * '\\', '/' or a drive ("C:") is not searched and is made absolute (a relative
 * one from the command's directory); a bare name is searched in the PATH of
 * the child's environment (entries separated by ';', quoted ones may hold
 * ';'; entries that are not fully qualified are skipped; no PATH at all
 * searches the system and Windows directories), and never in the current or
 * the application's directory, unlike CreateProcess's own search. */
EXITSTAT_API int exitstat_cmd_resolve(const exitstat_cmd *cmd, char *buf, size_t size);

/* Start the child. Every failure to start it is reported here, never as an
 * exit code later: EXITSTAT_ENOENT, EXITSTAT_EACCES, EXITSTAT_ENOEXEC,
 * EXITSTAT_ENOTDIR, EXITSTAT_E2BIG, EXITSTAT_EMFILE, EXITSTAT_EAGAIN,
 * EXITSTAT_ENOMEM, EXITSTAT_EUNSAFE (Windows batch files), EXITSTAT_EINVAL (a
 * NULL argument, or an EXITSTAT_HANDLE descriptor that is not open), EXITSTAT_EIO; then no
 * process is left behind and no descriptor or handle leaks. The child gets the
 * three standard streams as configured and no other descriptor or handle of
 * the parent's; every signal at its default action and an empty signal mask.
 * On success *out is a child to wait for and free.
 * On Windows every string must be valid UTF-8 (else EXITSTAT_EINVAL), and
 * the command line, quoted as exitstat_win32_quote does, may have at most
 * 32767 UTF-16 units with its NUL (else EXITSTAT_E2BIG). A .bat or .cmd
 * target (in any case, even with trailing dots or spaces) runs through the
 * system directory's cmd.exe with its arguments escaped so that cmd.exe
 * passes them to the script as written: %* and %1 hold them quoted for the C
 * runtimes since Visual C++ 2008 ('""' for a quote inside quotes), and no
 * %VAR% or !VAR! is expanded. An argument holding a carriage return or line
 * feed cannot be passed so (EXITSTAT_EUNSAFE), nor can a line longer than
 * cmd.exe's 8191 characters (EXITSTAT_E2BIG). cmd.exe run by name gets no
 * such care: its arguments are quoted for the C runtime, and what cmd.exe
 * makes of them (it expands %VAR% and obeys & | < >) is the caller's affair. */
EXITSTAT_API int exitstat_spawn(const exitstat_cmd *cmd, exitstat_child **out);

/* Wait up to timeout_ms for the child to end (negative: forever; 0: just
 * look). 0 and the status once it has ended; every later call gives the same
 * status at once. Several threads may wait on the same child. Errors:
 * EXITSTAT_ETIMEDOUT while it runs, EXITSTAT_ECHILD if the status was taken
 * by someone else (the caller reaped it, or ignores SIGCHLD), EXITSTAT_EINVAL. */
EXITSTAT_API int exitstat_wait(exitstat_child *child, int64_t timeout_ms, exitstat_status *out);

/* Wait up to timeout_ms for any of n children to end: 0, the lowest index
 * among those that have ended (already-collected ones count) in *index and its
 * status in *out. EXITSTAT_ETIMEDOUT if none ended in time; EXITSTAT_EINVAL for
 * n == 0 or a NULL entry; EXITSTAT_ECHILD, with *index naming the child, when
 * that child's status was taken elsewhere (as exitstat_wait). Works for any n
 * (tested with 1024). */
EXITSTAT_API int exitstat_wait_any(exitstat_child *const *children, size_t n,
                                   int64_t timeout_ms, size_t *index, exitstat_status *out);

/* Ask the child to stop: SIGTERM on POSIX; on Windows CTRL_BREAK for a
 * EXITSTAT_NEW_GROUP child, else as exitstat_kill. 0 if the child has already
 * ended (nothing is sent). With EXITSTAT_NEW_GROUP the whole group or job.
 * On Windows a child that this ends exits with 143 (128 + SIGTERM), reported
 * as SIGNALED/SIGTERM; CTRL_BREAK only reaches a child sharing our console,
 * and when it cannot be sent (we have none) the job is ended with 143. */
EXITSTAT_API int exitstat_terminate(exitstat_child *child);

/* End the child now: SIGKILL on POSIX, TerminateProcess/TerminateJobObject on
 * Windows, with exit code 137 (128 + SIGKILL), reported as SIGNALED/SIGKILL.
 * 0 if it has already ended. */
EXITSTAT_API int exitstat_kill(exitstat_child *child);

/* Send signal sig (POSIX); on Windows only SIGTERM and SIGKILL, else
 * EXITSTAT_ENOSYS. 0 if the child has already ended. EXITSTAT_EINVAL for a
 * signal number the platform does not have; EXITSTAT_EACCES if the system
 * refuses (a child that became privileged). */
EXITSTAT_API int exitstat_signal(exitstat_child *child, int sig);

/* terminate, wait up to grace_ms, then kill and wait: always ends with the
 * child's status in *out. grace_ms 0 kills at once; negative waits as long as
 * the child takes after terminate. With EXITSTAT_NEW_GROUP, what is left of
 * the group or job is killed even when the child itself ended in time. */
EXITSTAT_API int exitstat_stop(exitstat_child *child, int64_t grace_ms, exitstat_status *out);

/* The child's process id. */
EXITSTAT_API int64_t exitstat_child_pid(const exitstat_child *child);

/* A handle an event loop can watch for the child's end: a pidfd on Linux, the
 * process HANDLE on Windows; -1 where there is none. Owned by the child. */
EXITSTAT_API intptr_t exitstat_child_handle(const exitstat_child *child);

/* The parent's end of a PIPE stream (descriptor or HANDLE), -1 otherwise.
 * Owned by the child object (closed by exitstat_child_free). */
EXITSTAT_API intptr_t exitstat_child_stdio(const exitstat_child *child, int stream);

/* Free the child object (NULL is a no-op). A child still running is left
 * running and its zombie stays until the caller's process ends or reaps it by
 * pid; with EXITSTAT_KILL_ON_FREE it is killed and reaped instead. Otherwise
 * never blocks. */
EXITSTAT_API void exitstat_child_free(exitstat_child *child);

/* Resource use of a child that has ended */
typedef struct exitstat_usage {
    int64_t wall_us;    /* from spawn to the end being noticed */
    int64_t user_us;    /* CPU time in user mode */
    int64_t sys_us;     /* CPU time in the kernel */
    int64_t maxrss_kib; /* peak resident memory */
    int64_t reserved[4];
} exitstat_usage;

/* Fill *out once the child's status has been collected; a field is -1 where
 * the platform cannot tell. EXITSTAT_ETIMEDOUT while the status has not been
 * collected; EXITSTAT_ECHILD if it was taken elsewhere; EXITSTAT_EINVAL. */
EXITSTAT_API int exitstat_child_usage(exitstat_child *child, exitstat_usage *out);

/* Feed input to a PIPE stdin and close it, read PIPE stdout and stderr to
 * their end, and wait for the child, all within timeout_ms, without deadlock
 * whatever the sizes. *out / *err receive what was read (binary-safe,
 * NUL-terminated after *out_len / *err_len bytes, released with
 * exitstat_free); out or err may be NULL (a piped stream is then drained and
 * discarded), and for a stream that is not piped they are set to NULL. A child
 * that exits without reading all its input is not an error, and the caller
 * never gets a SIGPIPE from it (the calling thread blocks SIGPIPE while it
 * writes). Errors: EXITSTAT_ETIMEDOUT (what was read so far is returned, the
 * child runs on, *st is not written), EXITSTAT_EINVAL (input for a stdin that
 * is not piped), EXITSTAT_ENOMEM, EXITSTAT_EIO, and the errors of
 * exitstat_wait. Not for concurrent use with other reads of the same pipes. */
EXITSTAT_API int exitstat_communicate(exitstat_child *child, const void *input, size_t input_len,
                                      int64_t timeout_ms, char **out, size_t *out_len,
                                      char **err, size_t *err_len, exitstat_status *st);

/* Spawn cmd and wait up to timeout_ms. On timeout the child is stopped
 * (terminate, 1000 ms grace, kill), *st says how it ended (with
 * EXITSTAT_F_KILLED when it died of our signal; a child that catches SIGTERM
 * and exits in time has its own status) and EXITSTAT_ETIMEDOUT is returned. Spawn errors as
 * exitstat_spawn. */
EXITSTAT_API int exitstat_run(const exitstat_cmd *cmd, int64_t timeout_ms, exitstat_status *st);

/* Never returns: ends the calling process the way st says the child ended:
 * exit with the code (on POSIX a nonzero code whose low 8 bits are 0 exits 1,
 * so a failure never reads as success), or re-raise the signal with its
 * default action. A status that is not an end (STOPPED, CONTINUED, UNKNOWN, or
 * NULL) exits 1. */
EXITSTAT_API EXITSTAT_NORETURN void exitstat_exit_like(const exitstat_status *st);

/* Release memory the library handed out (NULL is a no-op). */
EXITSTAT_API void exitstat_free(void *p);

/* ------------------------------------------------------------------------- */
/* Windows command lines                                                     */
/* ------------------------------------------------------------------------- */

/*
 * A Windows program gets its arguments as one string and splits it itself,
 * nearly always by the rules of CommandLineToArgvW. These two functions join
 * and split such strings. They are plain string functions, available and
 * identical on every platform, thread-safe, and they treat the text as bytes
 * (UTF-8 passes through unchanged). exitstat_spawn uses the same quoting on
 * Windows, except for .bat and .cmd targets, which cmd.exe parses by rules
 * of its own.
 *
 * The rules. argv[0], the program name, ends at the first space or tab, or,
 * when it starts with '"', at the next '"'; it has no escapes. Every other
 * argument ends at a space or tab outside quotes; '"' opens and closes quoted
 * parts; n backslashes followed by '"' stand for n/2 backslashes, followed by
 * a literal '"' when n is odd (otherwise the quote opens or closes); other
 * backslashes are plain characters. Inside a quoted part, '""' is a literal
 * '"' that also closes the part: that is what CommandLineToArgvW and
 * msvcrt.dll (the C runtime of mingw-w64 programs) do, while the C runtimes
 * since Visual C++ 2008 and the UCRT keep the part open. Lines made by
 * exitstat_win32_quote never contain '""' inside quotes, so every one of
 * these splitters reads them the same way.
 */

/* Join a NULL-terminated argv into one command line, snprintf-like: writes at
 * most size bytes, always NUL-terminated when size > 0, and returns the length
 * of the whole line (not counting the NUL). argv[0] is written as it is, in
 * quotes when it is empty or holds a space or tab; every other argument is
 * quoted when it is empty or holds a space or tab, and each '"' in it is
 * escaped with a backslash (never as '""'), so that exitstat_win32_split, and
 * CommandLineToArgvW, give argv back exactly. Arguments are separated by one
 * space; an empty argv gives an empty line. Errors (nothing is written):
 * EXITSTAT_EINVAL for a NULL argv, a NULL buf with size > 0, or an argv[0]
 * holding a '"' (a program name cannot carry one); EXITSTAT_E2BIG for a line
 * longer than INT_MAX. Windows limits a command line to 32767 UTF-16 units,
 * NUL included; exitstat_spawn checks that, this function does not. */
EXITSTAT_API int exitstat_win32_quote(const char *const *argv, char *buf, size_t size);

/* Split a command line by the rules above into a NULL-terminated argument
 * vector: returns the number of arguments and sets *argv_out to one block,
 * the pointer array followed by the strings, released with one exitstat_free.
 * An empty line has no arguments (CommandLineToArgvW would make up the path
 * of the calling program instead); a line starting with a space or tab has an
 * empty argv[0]; an unterminated quoted part runs to the end of the line.
 * Errors, with *argv_out set to NULL: EXITSTAT_EINVAL for a NULL cmdline or
 * argv_out; EXITSTAT_ENOMEM; EXITSTAT_E2BIG for more than INT_MAX arguments. */
EXITSTAT_API int exitstat_win32_split(const char *cmdline, char ***argv_out);

#ifdef __cplusplus
}
#endif

#endif /* EXITSTAT_H */
