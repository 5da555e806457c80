/*
 * tool.h - what the parts of the exitstat command share: exit statuses,
 * messages, option parsing, durations, code maps, JSON output, and the few
 * things the platform must provide beyond the library (sys-posix.c,
 * sys-win32.c).
 *
 * The command uses the library's public API only (it links the static
 * library), so everything it does, any program can do.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_TOOL_H
#define EXITSTAT_TOOL_H

#include <exitstat.h>

#include <stdint.h>
#include <stdio.h>

/* The exit statuses of exitstat itself, as timeout(1), env(1) and POSIX
 * shells use them. */
#define TOOL_EXIT_TIMEDOUT   124 /* run: the program ran out of time */
#define TOOL_EXIT_FAILED     125 /* exitstat itself failed: usage, memory, ... */
#define TOOL_EXIT_CANNOT_RUN 126 /* run: found, but cannot be run */
#define TOOL_EXIT_NOT_FOUND  127 /* run: not found */

#if defined(__MINGW_PRINTF_FORMAT)
/* mingw-w64 with __USE_MINGW_ANSI_STDIO: its own C99 printf, not msvcrt's */
#    define TOOL_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#    define TOOL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#    define TOOL_PRINTF(f, a)
#endif

/* ---- messages (exitstat.c) ---------------------------------------------- */

/* "exitstat: " + the message + "\n" on stderr */
void tool_warn(const char *fmt, ...) TOOL_PRINTF(1, 2);
/* tool_warn, then exit 125 */
EXITSTAT_NORETURN void tool_fail(const char *fmt, ...) TOOL_PRINTF(1, 2);
/* "exitstat SUB: message", a hint to --help, exit 125 */
EXITSTAT_NORETURN void tool_usage_error(const char *sub, const char *fmt, ...) TOOL_PRINTF(2, 3);
/* out of memory: say so and exit 125 */
EXITSTAT_NORETURN void tool_oom(void);
void *tool_malloc(size_t size);           /* never NULL: tool_oom */
void *tool_realloc(void *p, size_t size); /* never NULL: tool_oom */
char *tool_strdup(const char *s);         /* never NULL: tool_oom */

/* ---- options (exitstat.c) ----------------------------------------------- */

/*
 * A small getopt that behaves the same on every platform: short options may
 * be grouped (-vj4) and take their value attached or as the next argument;
 * long options take theirs after '=' or as the next argument; "--" ends the
 * options, and so does the first operand (so that options after PROGRAM are
 * PROGRAM's). With numbers_are_operands, "-5" and "-0x10" are operands.
 */
struct tool_option {
    int id;          /* returned by tool_getopt; > 0 */
    char short_name; /* 0: none */
    const char *long_name;
    int has_arg;
};

struct tool_getopt {
    int argc;
    char **argv;
    const char *sub; /* for messages: "run", "all", "explain" */
    int numbers_are_operands;
    int index;         /* the next argument to look at */
    const char *group; /* the rest of a group of short options */
    const char *arg;   /* the current option's value */
};

/* The next option's id, or 0 when the options end (index is then the first
 * operand). A usage error exits 125. */
int tool_getopt_next(struct tool_getopt *g, const struct tool_option *options);

/* ---- durations (duration.c) --------------------------------------------- */

/* "500ms", "2s", "1.5s", "1m", "2h", "0", a plain number of seconds: 0 and the
 * milliseconds (a fraction of a millisecond rounds up, so that a duration that
 * is not zero never becomes 0), or -1 for anything else (negative, empty,
 * trailing garbage, too large for int64_t milliseconds). */
int duration_parse(const char *text, int64_t *ms);
/* microseconds as "0.012s", "12.345s", "2m03.4s", "1h02m03s" */
void duration_format(int64_t us, char *buf, size_t size);
/* a duration from the command line as it would be written: "200ms", "2s" */
void duration_format_ms(int64_t ms, char *buf, size_t size);

/* ---- code maps and severities (exitstat.c) ------------------------------ */

/* A map from -m: a built-in name or a spec. On failure a usage error (125)
 * that lists the built-ins. *owned is what to pass to exitstat_codemap_free. */
const exitstat_codemap *tool_map_load(const char *sub, const char *text, exitstat_codemap **owned);
/* The built-in map names the command knows of, NULL-terminated */
extern const char *const tool_builtin_maps[];
/* The severity of st under map, with its label in label (or ""). Without a
 * map: 0 is success, any other exit error, a signal fatal (the library's own
 * rule for a map that says nothing about a status). */
int tool_classify(const exitstat_status *st, const exitstat_codemap *map, char *label, size_t size);
const char *tool_severity_name(int severity); /* "success" ... "fatal" */
/* ": LABEL" for showing after the severity's name, or "" when the label is
 * empty or only repeats the name */
const char *tool_label_sep(int severity, const char *label);
int tool_severity_parse(const char *text); /* or -1 */
const char *tool_kind_name(int kind);      /* "exited", "signaled", ... */

/* ---- JSON (json.c) ------------------------------------------------------ */

/*
 * A writer of compact JSON to a stream, one value at a time. Keys are given
 * with each member (NULL inside arrays and at the top). Strings are escaped
 * so that the output is always valid JSON in UTF-8, whatever bytes come in:
 * quotes, backslashes and control characters are escaped, valid UTF-8 passes
 * through, and every byte that is not part of valid UTF-8 becomes U+FFFD (the
 * replacement character), the way a UTF-8 decoder following the Unicode
 * standard's recommended practice replaces it.
 */
struct json {
    FILE *f;
    int depth;
    unsigned char more[32]; /* per level: a value was written, a comma is due */
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value); /* NULL: null */
void json_int(struct json *j, const char *key, int64_t value);
void json_bool(struct json *j, const char *key, int value);
void json_null(struct json *j, const char *key);
/* an escaped string, quotes included, to f */
void json_write_string(FILE *f, const char *s);

/* The members shared by run and all: kind, code, signal, flags, raw,
 * description, severity, label, times, peak memory. usage may be NULL. */
void json_status_members(struct json *j, const exitstat_status *st, const exitstat_usage *usage,
                         int severity, const char *label);

/* ---- the subcommands ---------------------------------------------------- */

int tool_run(int argc, char **argv);     /* exitstat.c */
int tool_explain(int argc, char **argv); /* explain.c */
int tool_all(int argc, char **argv);     /* all.c */

/* the text of a command line for people: arguments joined by spaces, quoted
 * for a POSIX shell where they need it; malloc'ed (exitstat.c) */
char *tool_command_text(char *const *argv, int argc);

/* ---- the platform (sys-posix.c, sys-win32.c) ---------------------------- */

/* Set the process up (POSIX: SIGPIPE ignored, so that a closed output is an
 * error to report, not a death that would hide the child's status; the
 * children get it back at its default) and return the arguments as UTF-8
 * (Windows: from GetCommandLineW; POSIX: argv itself), freed with
 * sys_args_free. */
char **sys_init(int argc, char **argv, int *argc_out);
void sys_args_free(char **args, char **argv);

int64_t sys_now_ms(void); /* a monotonic clock */

/* Before exitstat_exit_like re-raises a child's signal: exitstat's own death
 * must not write a core file (the child's core is the one that matters, and
 * with a core_pattern of "core" exitstat's would replace it). */
void sys_no_core_dump(void);
int sys_stderr_is_tty(void);

/* The arguments that run line through the platform shell: /bin/sh -c LINE,
 * or %ComSpec% /d /s /c LINE; NULL-terminated, pointing to static storage, the
 * environment or line. Returns their number, or EXITSTAT_EUNSAFE where the
 * library cannot pass the line to the shell verbatim. */
#define SYS_SHELL_ARGS 6
int sys_shell_argv(const char *line, const char *argv[SYS_SHELL_ARGS]);

/*
 * Requests to end exitstat while its children run (SIGINT, SIGQUIT, SIGTERM,
 * SIGHUP on POSIX; Ctrl+C and Ctrl+Break on Windows) are caught from
 * sys_guard_begin to sys_guard_end instead of killing exitstat:
 *  - SIGTERM and SIGHUP are sent on to every child registered with
 *    sys_guard_set (they are aimed at exitstat itself: a supervisor, a CI
 *    runner cancelling a job, a closed terminal);
 *  - SIGINT, SIGQUIT and the console events are not: the terminal sends them
 *    to its whole foreground process group, the children included, and
 *    each child decides what to do (as system(3) and time(1) behave).
 * sys_guard_caught says which request came first (a POSIX signal number,
 * 2 for Ctrl+C and Ctrl+Break), 0 if none. The children start with default
 * signal actions and an empty mask whatever exitstat blocks (the library
 * promises it).
 */
int sys_guard_begin(size_t slots);
void sys_guard_set(size_t slot, exitstat_child *child);
int sys_guard_caught(void);
void sys_guard_end(void);

#endif /* EXITSTAT_TOOL_H */
