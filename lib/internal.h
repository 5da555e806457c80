/*
 * internal.h - the private contract between libexitstat's portable core (the .c
 * files at the top of lib/) and its backends (lib/posix/, lib/win32/). Nothing here is exported: internal
 * symbols with external linkage are named exitstat__*, and the version script
 * and hidden visibility keep them out of the shared library's symbol table.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_INTERNAL_H
#define EXITSTAT_INTERNAL_H

#include "exitstat.h"
#include "fault.h"

#include <stddef.h>
#include <stdint.h>

#define EXITSTAT__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The traditional POSIX signal numbers that the Windows mapping of the contract
 * speaks in. exitstat__signum() turns one into this platform's own number: the
 * identity on Windows and on Linux, a real translation where a POSIX system
 * numbers differently (SIGBUS is 10 on the BSDs and macOS).
 */
enum {
    EXITSTAT__SIGHUP = 1,
    EXITSTAT__SIGINT = 2,
    EXITSTAT__SIGQUIT = 3,
    EXITSTAT__SIGILL = 4,
    EXITSTAT__SIGTRAP = 5,
    EXITSTAT__SIGABRT = 6,
    EXITSTAT__SIGBUS = 7,
    EXITSTAT__SIGFPE = 8,
    EXITSTAT__SIGKILL = 9,
    EXITSTAT__SIGSEGV = 11,
    EXITSTAT__SIGPIPE = 13,
    EXITSTAT__SIGALRM = 14,
    EXITSTAT__SIGTERM = 15
};

/*
 * A command (exitstat_cmd): what the portable setters in cmd.c build and the
 * backends read when they spawn. argv[0] is the program; argv is NULL-terminated.
 */
struct exitstat__env_change {
    char *entry;     /* "name=value", or "name" for an unset */
    size_t name_len; /* length of the name part */
    int unset;
};

struct exitstat__stdio {
    int mode;        /* EXITSTAT_INHERIT ... EXITSTAT_MERGE */
    intptr_t handle; /* EXITSTAT_HANDLE: the caller's fd or HANDLE; else -1 */
};

struct exitstat_cmd {
    const char *program; /* == argv[0] */
    char **argv;
    size_t argc, argv_cap;
    struct exitstat__env_change *env; /* in call order; later ones win */
    size_t nenv;
    int env_clear;
    char *cwd; /* NULL: the parent's */
    struct exitstat__stdio stdio[3];
    uint32_t flags; /* EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE */
};

/* exitstat_run's grace between terminate and kill (the contract's 1000 ms) */
#define EXITSTAT__RUN_GRACE_MS 1000

/* core: cmd.c */
/* 1 if two environment names (alen and blen bytes, not NUL-terminated) are
 * the same name by the backend's rule, 0 if not, a negative EXITSTAT_E* code
 * if it cannot tell (out of memory). The lengths may differ where a rule
 * folds case: a UTF-8 name and its other case need not have the same length. */
typedef int (*exitstat__name_eq_fn)(const char *a, size_t alen, const char *b, size_t blen);
/* the POSIX rule: the same bytes */
int exitstat__name_eq_exact(const char *a, size_t alen, const char *b, size_t blen);
char *exitstat__strdup(const char *s);
/* The child's environment: base (the parent's, unless the command clears it)
 * with the command's changes; *out is one malloc'ed NULL-terminated array of
 * "name=value" pointers into base and cmd. */
int exitstat__env_build(const exitstat_cmd *cmd, char *const *base, exitstat__name_eq_fn eq,
                        char ***out);
/* The value of name in such an array, or NULL. */
const char *exitstat__env_get(char *const *env, const char *name, exitstat__name_eq_fn eq);

/* core: sink.c - exitstat_communicate's output buffers, on both backends */
#define EXITSTAT__CHUNK (64 * 1024) /* the most one read asks for */
struct exitstat__sink {
    char *buf;
    size_t len, cap;
    int keep; /* 0: what is read is discarded */
};
/* every output the caller asked for: NULL and 0 */
void exitstat__outputs_reset(char **out, size_t *out_len, char **err, size_t *err_len);
/* room for one chunk more and the NUL at the end: 0 or EXITSTAT_ENOMEM */
int exitstat__sink_reserve(struct exitstat__sink *s);
/* the kept sinks to *out and *err, NUL-terminated, never NULL (their buf is
 * then NULL); on EXITSTAT_ENOMEM neither is handed over */
int exitstat__sinks_hand_over(struct exitstat__sink *o, struct exitstat__sink *e, char **out,
                              size_t *out_len, char **err, size_t *err_len);

/* backend: validate a caller's descriptor/HANDLE for EXITSTAT_HANDLE */
int exitstat__check_handle(intptr_t handle);

/* backend: lib/posix/signal.c, lib/win32/signal.c */
int exitstat__signum(int traditional);

#endif /* EXITSTAT_INTERNAL_H */
