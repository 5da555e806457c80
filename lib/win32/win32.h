/*
 * win32.h - what the files of the Windows backend share: the child object,
 * and the helpers each file offers the others.
 *
 * The backend speaks UTF-16 to the system and only uses the W functions;
 * every string from the caller is UTF-8, converted strictly (unicode.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_WIN32_H
#define EXITSTAT_WIN32_H

#include "internal.h"

#include <windows.h>

/* What this library sent a child (exitstat_child.sent) */
#define EXITSTAT__SENT_TERM  0x1u /* ended with exit code 143 (terminate) */
#define EXITSTAT__SENT_KILL  0x2u /* ended with exit code 137 (kill) */
#define EXITSTAT__SENT_BREAK 0x4u /* CTRL_BREAK_EVENT to its process group */

/* The exit codes our kills leave: 128 + the signal, as a shell shows them */
#define EXITSTAT__EXIT_TERM (128u + EXITSTAT__SIGTERM)
#define EXITSTAT__EXIT_KILL (128u + EXITSTAT__SIGKILL)

/*
 * One child. process, job, pid, flags and stdio never change after spawn.
 * The process handle stays open until exitstat_child_free, so the process
 * object, and with it the pid and the process group id, cannot be reused
 * while we can still signal it.
 *
 * Everything below lock is guarded by it. Waits block on the process handle
 * without the lock (any number of threads at once); whoever sees it signalled
 * takes the lock and collects the status once (exitstat__collect_locked).
 * Kills record what they send under the lock before sending, so a status
 * collected afterwards knows whether the exit code is one we caused.
 */
struct exitstat_child {
    HANDLE process;
    HANDLE job; /* NEW_GROUP or KILL_ON_FREE: the job the child was created in */
    DWORD pid;
    uint32_t flags;   /* the command's EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE */
    HANDLE stdio[3];  /* the parent's pipe ends, NULL where not piped */
    int64_t start_us; /* exitstat__now_us() just before CreateProcessW */

    SRWLOCK lock;
    int done;      /* status and usage are final */
    unsigned sent; /* EXITSTAT__SENT_* */
    exitstat_status status;
    exitstat_usage usage;
};

/* error.c: a Win32 error code -> EXITSTAT_E*, the one table of the backend */
int exitstat__from_win32(DWORD err);
/* the same for GetLastError() */
int exitstat__last_error(void);

/* unicode.c: strict conversions, malloc'ed results. Invalid UTF-8 (or, the
 * other way, an unpaired surrogate) is EXITSTAT_EINVAL. */
int exitstat__utf16(const char *s, wchar_t **out);
int exitstat__utf16_n(const char *s, size_t len, wchar_t **out);
int exitstat__utf8(const wchar_t *s, char **out);
/* a malloc'ed copy of s (NULL when out of memory) */
wchar_t *exitstat__wcsdup(const wchar_t *s);

/* env.c: the environment block for CreateProcessW (UTF-16, sorted, double
 * NUL-terminated), or NULL in *out when the child inherits ours unchanged */
int exitstat__env_block(const exitstat_cmd *cmd, wchar_t **out);
/* the value of name in such a block, or in our own environment for a NULL
 * block; malloc'ed, *out NULL when the variable is not set */
int exitstat__env_value(const wchar_t *block, const wchar_t *name, wchar_t **out);

/* path.c: the file a command runs (malloc'ed, absolute), by the contract's
 * search; env is the child's block (NULL: ours) */
int exitstat__resolve(const exitstat_cmd *cmd, const wchar_t *env, wchar_t **out);
/* 1 if cmd.exe runs file: .bat or .cmd, in any case, after the trailing dots
 * and spaces Windows strips */
int exitstat__is_batch(const wchar_t *file);

/* cmdline.c: what CreateProcessW runs for the resolved file: the application
 * (file itself, or cmd.exe for a batch file; malloc'ed) and the command line
 * (malloc'ed) */
int exitstat__cmdline(const exitstat_cmd *cmd, const wchar_t *file, wchar_t **app, wchar_t **line);

/* wait.c */
int64_t exitstat__now_us(void);
/* The deadline of a timeout in exitstat__now_us microseconds (UINT64_MAX for
 * a negative one: none), whether it has passed, and what is left of it for
 * WaitFor*, in milliseconds rounded up (INFINITE for none; a wait longer than
 * WaitFor* can take is cut short, so callers loop). QueryPerformanceCounter,
 * not GetTickCount64: that one lags by up to a timer tick (15.6 ms by
 * default), and a deadline counted in it ends waits that much early. */
uint64_t exitstat__deadline_us(int64_t timeout_ms);
int exitstat__deadline_passed(uint64_t deadline);
DWORD exitstat__wait_ms(uint64_t deadline);
/* the child's status, once its process handle is signalled: collected once,
 * under child->lock */
int exitstat__collect_locked(exitstat_child *child);

#endif
