/*
 * exitstat.c - the exitstat command: run a program and end the way it ended,
 * explain an exit status, run a batch of commands and report how each ended.
 *
 *   exitstat run [-t DUR] [-k DUR] [-m MAP] [-v] [--json] [--] PROGRAM [ARG...]
 *   exitstat explain [-m MAP] [--wait|--win32|--shell] VALUE...
 *   exitstat all [-j N] [-t DUR] [-m MAP] [--json] [-f FILE] [--] CMD ARG... ::: CMD ...
 *
 * This file holds main, what the subcommands share (messages, options, code
 * maps, quoting commands for display) and `run`; explain.c and all.c hold the
 * others, man/exitstat.1 says what each does for its users.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------- */
/* Messages and memory                                                       */
/* ------------------------------------------------------------------------- */

static void vwarn(const char *fmt, va_list ap) TOOL_PRINTF(1, 0);

static void vwarn(const char *fmt, va_list ap)
{
    fputs("exitstat: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void tool_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
}

void tool_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    exit(TOOL_EXIT_FAILED);
}

void tool_usage_error(const char *sub, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "exitstat%s%s: ", sub ? " " : "", sub ? sub : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'exitstat %s%s--help' for more information.\n", sub ? sub : "",
            sub ? " " : "");
    exit(TOOL_EXIT_FAILED);
}

void tool_oom(void)
{
    tool_fail("out of memory");
}

void *tool_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p)
        tool_oom();
    return p;
}

void *tool_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);

    if (!q)
        tool_oom();
    return q;
}

char *tool_strdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(tool_malloc(n), s, n);
}

/* ------------------------------------------------------------------------- */
/* Options                                                                   */
/* ------------------------------------------------------------------------- */

static int looks_like_number(const char *s)
{
    return s[0] == '-' && s[1] >= '0' && s[1] <= '9';
}

int tool_getopt_next(struct tool_getopt *g, const struct tool_option *options)
{
    const struct tool_option *o;
    const char *a;

    g->arg = NULL;
    if (!g->group || !*g->group) {
        g->group = NULL;
        if (g->index >= g->argc)
            return 0;
        a = g->argv[g->index];
        if (a[0] != '-' || a[1] == '\0' || (g->numbers_are_operands && looks_like_number(a)))
            return 0; /* an operand ("-" included): the options end */
        g->index++;
        if (strcmp(a, "--") == 0)
            return 0;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);

            for (o = options; o->id; o++)
                if (o->long_name && strlen(o->long_name) == len &&
                    memcmp(o->long_name, name, len) == 0)
                    break;
            if (!o->id)
                tool_usage_error(g->sub, "unknown option '--%.*s'", (int)len, name);
            if (o->has_arg) {
                if (eq)
                    g->arg = eq + 1;
                else if (g->index < g->argc)
                    g->arg = g->argv[g->index++];
                else
                    tool_usage_error(g->sub, "option '--%s' needs a value", o->long_name);
            } else if (eq) {
                tool_usage_error(g->sub, "option '--%s' takes no value", o->long_name);
            }
            return o->id;
        }
        g->group = a + 1;
    }

    /* the next short option of a group such as -vj4 */
    for (o = options; o->id; o++)
        if (o->short_name && o->short_name == *g->group)
            break;
    if (!o->id)
        tool_usage_error(g->sub, "unknown option '-%c'", *g->group);
    g->group++;
    if (o->has_arg) {
        if (*g->group)
            g->arg = g->group;
        else if (g->index < g->argc)
            g->arg = g->argv[g->index++];
        else
            tool_usage_error(g->sub, "option '-%c' needs a value", o->short_name);
        g->group = NULL;
    }
    return o->id;
}

/* ------------------------------------------------------------------------- */
/* Code maps and severities                                                  */
/* ------------------------------------------------------------------------- */

/* The built-ins the library had when this was written; tool_map_load lists
 * those the library actually finds, and the CLI tests check that each of
 * them is one. */
const char *const tool_builtin_maps[] = {"amiga",    "curl",  "diff",     "fsck",
                                         "grep",     "posix", "robocopy", "rsync",
                                         "sysexits", "vms",   "windows",  NULL};

const exitstat_codemap *tool_map_load(const char *sub, const char *text, exitstat_codemap **owned)
{
    const exitstat_codemap *builtin;
    char names[256];
    size_t i, len = 0;
    int err;

    *owned = NULL;
    /* a spec always has an '=', a name never does */
    if (strchr(text, '=')) {
        err = exitstat_codemap_parse(text, owned);
        if (err == EXITSTAT_ENOMEM)
            tool_oom();
        if (err < 0)
            tool_usage_error(sub,
                             "bad map spec '%s' (entries MATCH=SEVERITY[:LABEL] separated "
                             "by ';'; MATCH is N, N-M, N+, &MASK, * or signal)",
                             text);
        return *owned;
    }
    if (exitstat_codemap_builtin(text, &builtin) == 0)
        return builtin;
    names[0] = '\0';
    for (i = 0; tool_builtin_maps[i]; i++) {
        if (exitstat_codemap_builtin(tool_builtin_maps[i], &builtin) != 0)
            continue;
        len += (size_t)snprintf(names + len, len < sizeof(names) ? sizeof(names) - len : 0, "%s%s",
                                len ? ", " : "", tool_builtin_maps[i]);
    }
    tool_usage_error(sub,
                     "unknown map '%s' (built-in maps: %s; or a spec such as "
                     "'0=success;1=info:no match;2+=error')",
                     text, names);
}

int tool_classify(const exitstat_status *st, const exitstat_codemap *map, char *label, size_t size)
{
    int sev;

    if (size > 0)
        label[0] = '\0';
    if (map && (sev = exitstat_classify(st, map, label, size)) >= 0)
        return sev;
    if (exitstat_status_success(st))
        return EXITSTAT_SEV_SUCCESS;
    return st->kind == EXITSTAT_SIGNALED ? EXITSTAT_SEV_FATAL : EXITSTAT_SEV_ERROR;
}

static const char *const severity_names[] = {"success", "info", "warning", "error", "fatal"};

const char *tool_severity_name(int severity)
{
    if (severity < 0 || severity >= (int)(sizeof(severity_names) / sizeof(severity_names[0])))
        return "unknown";
    return severity_names[severity];
}

const char *tool_label_sep(int severity, const char *label)
{
    if (!label || !label[0] || strcmp(label, tool_severity_name(severity)) == 0)
        return "";
    return ": ";
}

int tool_severity_parse(const char *text)
{
    int i;

    for (i = 0; i < (int)(sizeof(severity_names) / sizeof(severity_names[0])); i++)
        if (strcmp(text, severity_names[i]) == 0)
            return i;
    return -1;
}

const char *tool_kind_name(int kind)
{
    static const char *const names[] = {"unknown", "exited", "signaled", "stopped", "continued"};

    return kind >= 0 && kind <= EXITSTAT_CONTINUED ? names[kind] : "unknown";
}

/* ------------------------------------------------------------------------- */
/* Commands for display                                                      */
/* ------------------------------------------------------------------------- */

/* An argument as a POSIX shell would need it written: bare when it holds only
 * characters no shell treats specially, else in single quotes with each ' as
 * '\''. For people reading a report; nothing is ever run from it. */
static size_t quote_arg(const char *a, char *out)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789%+,-./:=@_^";
    size_t n = 0;
    const char *p;

    if (*a && strspn(a, safe) == strlen(a)) {
        n = strlen(a);
        if (out)
            memcpy(out, a, n);
        return n;
    }
    if (out)
        out[n] = '\'';
    n++;
    for (p = a; *p; p++) {
        if (*p == '\'') {
            if (out)
                memcpy(out + n, "'\\''", 4);
            n += 4;
        } else {
            if (out)
                out[n] = *p;
            n++;
        }
    }
    if (out)
        out[n] = '\'';
    return n + 1;
}

char *tool_command_text(char *const *argv, int argc)
{
    size_t len = 0;
    char *text;
    int i;

    for (i = 0; i < argc; i++)
        len += quote_arg(argv[i], NULL) + 1;
    text = tool_malloc(len + 1);
    len = 0;
    for (i = 0; i < argc; i++) {
        if (i > 0)
            text[len++] = ' ';
        len += quote_arg(argv[i], text + len);
    }
    text[len] = '\0';
    return text;
}

/* ------------------------------------------------------------------------- */
/* exitstat run                                                              */
/* ------------------------------------------------------------------------- */

static const char run_usage[] =
    "usage: exitstat run [-t DUR] [-k DUR] [-m MAP] [--fail-on SEV] [-v] [--json]\n"
    "                    [-o FILE] [--] PROGRAM [ARG...]\n"
    "\n"
    "Run PROGRAM and end the same way it ended (its exit code, or its signal).\n"
    "When it did not succeed, say how it ended on stderr.\n"
    "\n"
    "  -t, --timeout DUR     stop it after DUR (500ms, 2s, 1.5m, 1h; 0: never);\n"
    "                        exitstat then exits 124\n"
    "  -k, --kill-after DUR  after the timeout, wait DUR for it to end before\n"
    "                        killing it (default 1s; 0: kill at once)\n"
    "  -m, --map MAP         classify the status with a code map: a built-in name\n"
    "                        or a spec such as '0=success;1=info:no match;2+=error'\n"
    "      --fail-on SEV     exit 0 when the severity is below SEV (info, warning,\n"
    "                        error, fatal); otherwise end as the program did\n"
    "  -v, --verbose         always say how it ended, with its times and memory\n"
    "      --json            say it as one JSON object, always\n"
    "  -o, --output FILE     write that to FILE instead of stderr\n"
    "\n"
    "exitstat itself exits 125 when it fails, 126 when PROGRAM cannot be run, and\n"
    "127 when it is not found.\n";

enum {
    OPT_TIMEOUT = 1,
    OPT_KILL_AFTER,
    OPT_MAP,
    OPT_FAIL_ON,
    OPT_VERBOSE,
    OPT_JSON,
    OPT_OUTPUT,
    OPT_HELP
};

static const struct tool_option run_options[] = {
    {OPT_TIMEOUT, 't', "timeout", 1},
    {OPT_KILL_AFTER, 'k', "kill-after", 1},
    {OPT_MAP, 'm', "map", 1},
    {OPT_FAIL_ON, 0, "fail-on", 1},
    {OPT_VERBOSE, 'v', "verbose", 0},
    {OPT_JSON, 0, "json", 0},
    {OPT_OUTPUT, 'o', "output", 1},
    {OPT_HELP, 'h', "help", 0},
    {0, 0, NULL, 0},
};

/* The exit status of exitstat when PROGRAM could not be started */
static int spawn_exit_status(int err)
{
    switch (err) {
    case EXITSTAT_ENOENT: return TOOL_EXIT_NOT_FOUND;
    case EXITSTAT_EACCES:
    case EXITSTAT_ENOEXEC:
    case EXITSTAT_EUNSAFE: return TOOL_EXIT_CANNOT_RUN;
    default: return TOOL_EXIT_FAILED;
    }
}

struct run_result {
    char **argv;
    int argc;
    int spawn_err; /* < 0: could not start it */
    int timed_out;
    int64_t timeout_ms;
    exitstat_status st;
    exitstat_usage usage;
    int have_usage;
    int severity;
    char label[512];
};

static void run_report_line(FILE *f, const struct run_result *r, int verbose, int mapped)
{
    char text[256], t[32];

    if (r->spawn_err < 0) {
        fprintf(f, "exitstat: %s: cannot run: %s\n", r->argv[0], exitstat_strerror(r->spawn_err));
        return;
    }
    if (exitstat_status_describe(&r->st, text, sizeof(text)) < 0)
        text[0] = '\0';
    fprintf(f, "exitstat: %s: ", r->argv[0]);
    if (r->timed_out) {
        duration_format_ms(r->timeout_ms, t, sizeof(t));
        fprintf(f, "timed out after %s; ", t);
    }
    fputs(text, f);
    if (mapped)
        fprintf(f, "; %s%s%s", tool_severity_name(r->severity),
                tool_label_sep(r->severity, r->label),
                tool_label_sep(r->severity, r->label)[0] ? r->label : "");
    if (verbose && r->have_usage) {
        duration_format(r->usage.wall_us, t, sizeof(t));
        fprintf(f, " [wall %s", t);
        if (r->usage.user_us >= 0) {
            duration_format(r->usage.user_us, t, sizeof(t));
            fprintf(f, ", user %s", t);
        }
        if (r->usage.sys_us >= 0) {
            duration_format(r->usage.sys_us, t, sizeof(t));
            fprintf(f, ", sys %s", t);
        }
        if (r->usage.maxrss_kib >= 0)
            fprintf(f, ", max RSS %lld KiB", (long long)r->usage.maxrss_kib);
        fputc(']', f);
    }
    fputc('\n', f);
}

static void run_report_json(FILE *f, const struct run_result *r)
{
    struct json j;
    int i;

    json_init(&j, f);
    json_object_begin(&j, NULL);
    json_array_begin(&j, "command");
    for (i = 0; i < r->argc; i++)
        json_string(&j, NULL, r->argv[i]);
    json_array_end(&j);
    if (r->spawn_err < 0) {
        json_string(&j, "error", exitstat_errname(r->spawn_err));
        json_string(&j, "message", exitstat_strerror(r->spawn_err));
    } else {
        json_null(&j, "error");
        json_bool(&j, "timed_out", r->timed_out);
        json_status_members(&j, &r->st, r->have_usage ? &r->usage : NULL, r->severity, r->label);
    }
    json_object_end(&j);
}

/* Wait for the child, stopping it at the deadline: 1 if it had to be stopped */
static int run_wait(exitstat_child *child, int64_t timeout_ms, int64_t grace_ms,
                    exitstat_status *st)
{
    int err;

    err = exitstat_wait(child, timeout_ms > 0 ? timeout_ms : -1, st);
    /* one more look: a program that ended at the deadline ended on its own */
    if (err == EXITSTAT_ETIMEDOUT)
        err = exitstat_wait(child, 0, st);
    if (err == EXITSTAT_ETIMEDOUT) {
        err = exitstat_stop(child, grace_ms, st);
        if (err == 0)
            return 1;
    }
    if (err < 0)
        tool_fail("waiting for the program: %s", exitstat_strerror(err));
    return 0;
}

int tool_run(int argc, char **argv)
{
    struct tool_getopt g = {argc, argv, "run", 0, 1, NULL, NULL};
    const exitstat_codemap *map = NULL;
    exitstat_codemap *owned_map = NULL;
    int64_t timeout_ms = 0, grace_ms = 1000;
    int verbose = 0, json = 0, fail_on = -1, opt, err, failed, severity, timed_out;
    const char *output = NULL;
    exitstat_child *child = NULL;
    struct run_result *r;
    exitstat_status st;
    exitstat_cmd *cmd;
    FILE *out = stderr;

    while ((opt = tool_getopt_next(&g, run_options)) != 0) {
        switch (opt) {
        case OPT_TIMEOUT:
            if (duration_parse(g.arg, &timeout_ms) < 0)
                tool_usage_error("run", "bad duration for -t: '%s' (examples: 500ms, 2s, 1.5m)",
                                 g.arg);
            break;
        case OPT_KILL_AFTER:
            if (duration_parse(g.arg, &grace_ms) < 0)
                tool_usage_error("run", "bad duration for -k: '%s' (examples: 500ms, 2s, 1.5m)",
                                 g.arg);
            break;
        case OPT_MAP:
            exitstat_codemap_free(owned_map);
            map = tool_map_load("run", g.arg, &owned_map);
            break;
        case OPT_FAIL_ON:
            if ((fail_on = tool_severity_parse(g.arg)) < 0)
                tool_usage_error("run",
                                 "bad severity for --fail-on: '%s' (success, info, "
                                 "warning, error or fatal)",
                                 g.arg);
            break;
        case OPT_VERBOSE: verbose = 1; break;
        case OPT_JSON: json = 1; break;
        case OPT_OUTPUT: output = g.arg; break;
        case OPT_HELP:
            exitstat_codemap_free(owned_map);
            fputs(run_usage, stdout);
            return 0;
        }
    }
    if (g.index >= argc)
        tool_usage_error("run", "no program to run");
    if (argv[g.index][0] == '\0')
        tool_usage_error("run", "the program name is empty");

    /* open the report's file before running anything: a failure to write
     * the report should not be found out after a long run */
    if (output && !(out = fopen(output, "w")))
        tool_fail("cannot open %s: %s", output, strerror(errno));

    r = tool_malloc(sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->argv = argv + g.index;
    r->argc = argc - g.index;
    r->timeout_ms = timeout_ms;

    if ((err = exitstat_cmd_new(&cmd, argv[g.index])) < 0 ||
        (err = exitstat_cmd_argv(cmd, (const char *const *)argv + g.index + 1)) < 0)
        tool_fail("%s", exitstat_strerror(err));

    /* from here a SIGTERM or SIGHUP sent to exitstat reaches the program,
     * and exitstat stays to report how it ended */
    if (sys_guard_begin(1) < 0)
        tool_fail("cannot set up signal handling");
    err = r->spawn_err = exitstat_spawn(cmd, &child);
    exitstat_cmd_free(cmd);
    if (err == 0) {
        sys_guard_set(0, child);
        r->timed_out = run_wait(child, timeout_ms, grace_ms, &r->st);
        r->have_usage = exitstat_child_usage(child, &r->usage) == 0;
        sys_guard_set(0, NULL);
        exitstat_child_free(child);
    }
    sys_guard_end();

    if (err < 0) {
        failed = 1;
        r->severity = EXITSTAT_SEV_FATAL;
    } else {
        r->severity = tool_classify(&r->st, map, r->label, sizeof(r->label));
        /* "did not succeed": severity warning or worse with a map (grep's
         * 1, "no match", is info), not exited with 0 without one */
        failed = r->timed_out || r->severity >= (fail_on >= 0 ? fail_on : EXITSTAT_SEV_WARNING);
    }
    if (json)
        run_report_json(out, r);
    else if (failed || verbose)
        run_report_line(out, r, verbose, map != NULL);
    exitstat_codemap_free(owned_map);
    if (out != stderr && fclose(out) != 0)
        tool_fail("cannot write %s: %s", output, strerror(errno));
    fflush(stderr);

    st = r->st;
    severity = r->severity;
    timed_out = r->timed_out;
    free(r);
    if (err < 0)
        return spawn_exit_status(err);
    if (timed_out)
        return TOOL_EXIT_TIMEDOUT;
    if (fail_on >= 0 && severity < fail_on)
        return 0;
    /* the map calls it a failure: never let that read as success */
    if (fail_on >= 0 && exitstat_status_success(&st))
        return 1;
    sys_no_core_dump();
    exitstat_exit_like(&st);
}

/* ------------------------------------------------------------------------- */
/* main                                                                      */
/* ------------------------------------------------------------------------- */

static const char main_usage[] =
    "usage: exitstat run [-t DUR] [-k DUR] [-m MAP] [-v] [--json] [--] PROGRAM [ARG...]\n"
    "       exitstat explain [-m MAP] [--wait|--win32|--shell] VALUE...\n"
    "       exitstat all [-j N] [-t DUR] [-m MAP] [--json] [-f FILE] [--] CMD [ARG...] ::: ...\n"
    "       exitstat --version\n"
    "\n"
    "  run      run a program, say how it ended, and end the same way\n"
    "  explain  what an exit status means, in every convention that could make it\n"
    "  all      run commands concurrently and report how each one ended\n"
    "\n"
    "'exitstat COMMAND --help' tells more; so does the exitstat(1) manual.\n";

int main(int argc, char **argv)
{
    char **args;
    int n, r;

    args = sys_init(argc, argv, &n);
    if (n < 2) {
        fputs(main_usage, stderr);
        r = TOOL_EXIT_FAILED;
    } else if (strcmp(args[1], "run") == 0) {
        r = tool_run(n - 1, args + 1);
    } else if (strcmp(args[1], "explain") == 0) {
        r = tool_explain(n - 1, args + 1);
    } else if (strcmp(args[1], "all") == 0) {
        r = tool_all(n - 1, args + 1);
    } else if (strcmp(args[1], "--help") == 0 || strcmp(args[1], "-h") == 0 ||
               strcmp(args[1], "help") == 0) {
        fputs(main_usage, stdout);
        r = 0;
    } else if (strcmp(args[1], "--version") == 0) {
        printf("exitstat %s (libexitstat %s)\n", EXITSTAT_TOOL_VERSION, exitstat_version());
        r = 0;
    } else {
        tool_usage_error(NULL, "unknown command '%s' (run, explain or all)", args[1]);
    }
    sys_args_free(args, argv);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* a report that did not reach its reader is a failure */
        tool_warn("cannot write the output: %s", strerror(errno));
        return TOOL_EXIT_FAILED;
    }
    return r;
}
