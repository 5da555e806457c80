/*
 * all.c - exitstat all: run commands concurrently, collect every status as it
 * ends, and report how each one ended.
 *
 * One thread, one loop: start commands while fewer than -j run, then sleep in
 * exitstat_wait_any until one of them ends or the next deadline comes. A
 * deadline is either a command's timeout (then it is asked to stop) or the end
 * of its grace (then it is killed); nothing ever blocks on one command, so a
 * command's end is collected when it happens and the durations the library
 * measures (spawn to end noticed) stay true.
 *
 * Rules kept here:
 *  - At most -j commands run at any time: one is started only after another
 *    has been collected.
 *  - Every command ends with a status, an error saying why it could not be
 *    started, or "not started" when exitstat was interrupted first.
 *  - Running out of processes or descriptors (EAGAIN, EMFILE) while other
 *    commands run is not a failure: the command waits for one of them to end
 *    and is tried again.
 *  - The children's stdin is the null device: several commands reading one
 *    terminal or pipe at once would each get pieces of it. Their stdout and
 *    stderr are exitstat's.
 *  - The live progress line is drawn only when stderr is a terminal.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char all_usage[] =
    "usage: exitstat all [-j N] [-t DUR] [-k DUR] [-m MAP] [--fail-on SEV] [-v]\n"
    "                    [--json] [-o FILE] [-f FILE] [--] CMD [ARG...] ::: CMD ...\n"
    "\n"
    "Run the commands concurrently, wait for every one of them, and report how\n"
    "each one ended. Exit 0 if all succeeded, 1 if any did not, 125 on errors.\n"
    "\n"
    "  -j, --jobs N          run at most N at a time (default, and 0: all at once)\n"
    "  -t, --timeout DUR     stop a command that runs longer than DUR\n"
    "  -k, --kill-after DUR  then kill it if it is still running DUR later\n"
    "                        (default 1s; 0: kill at once)\n"
    "  -m, --map MAP         classify the statuses with a code map\n"
    "      --fail-on SEV     a command fails at this severity or above (default\n"
    "                        warning: success and info succeed)\n"
    "  -f, --file FILE       also run each line of FILE (- for stdin) through the\n"
    "                        shell; blank lines and lines starting with # are skipped\n"
    "  -v, --verbose         say how each command ended as it ends\n"
    "      --json            report as one JSON object\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n";

enum {
    OPT_JOBS = 1,
    OPT_TIMEOUT,
    OPT_KILL_AFTER,
    OPT_MAP,
    OPT_FAIL_ON,
    OPT_FILE,
    OPT_VERBOSE,
    OPT_JSON,
    OPT_OUTPUT,
    OPT_HELP
};

static const struct tool_option all_options[] = {
    {OPT_JOBS, 'j', "jobs", 1},
    {OPT_TIMEOUT, 't', "timeout", 1},
    {OPT_KILL_AFTER, 'k', "kill-after", 1},
    {OPT_MAP, 'm', "map", 1},
    {OPT_FAIL_ON, 0, "fail-on", 1},
    {OPT_FILE, 'f', "file", 1},
    {OPT_VERBOSE, 'v', "verbose", 0},
    {OPT_JSON, 0, "json", 0},
    {OPT_OUTPUT, 'o', "output", 1},
    {OPT_HELP, 'h', "help", 0},
    {0, 0, NULL, 0},
};

enum job_state {
    JOB_PENDING,
    JOB_RUNNING,
    JOB_DONE,        /* it ended: st */
    JOB_NOT_STARTED, /* could not be started (err), or interrupted before (err 0) */
};

enum job_phase {
    PHASE_RUN,   /* deadline: its timeout */
    PHASE_GRACE, /* asked to stop; deadline: the kill */
    PHASE_KILLED /* no deadline left */
};

struct job {
    const char **argv; /* NULL-terminated; the strings belong to the caller */
    int argc;
    char *text; /* for people */
    enum job_state state;
    enum job_phase phase;
    int err; /* JOB_NOT_STARTED: why; JOB_DONE: a wait error, if any */
    int timed_out;
    int64_t deadline; /* sys_now_ms() time of the next step; INT64_MAX: none */
    exitstat_child *child;
    exitstat_status st;
    exitstat_usage usage;
    int have_usage;
    int severity;
    char *label;
};

struct batch {
    struct job *jobs;
    size_t n, cap;
    /* the running children, compact, for exitstat_wait_any */
    exitstat_child **running;
    size_t *running_job;
    size_t nrunning;
    size_t done, failed;
    /* options */
    size_t max_jobs;
    int64_t timeout_ms, grace_ms;
    const exitstat_codemap *map;
    int fail_on, verbose, json, progress;
    size_t progress_len;
    /* -f files, kept while their lines are in use */
    char **files;
    size_t nfiles;
};

/* ------------------------------------------------------------------------- */
/* Building the list of commands                                             */
/* ------------------------------------------------------------------------- */

static struct job *job_add(struct batch *b)
{
    struct job *j;

    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->jobs = tool_realloc(b->jobs, b->cap * sizeof(*b->jobs));
    }
    j = &b->jobs[b->n++];
    memset(j, 0, sizeof(*j));
    j->state = JOB_PENDING;
    j->deadline = INT64_MAX;
    return j;
}

static void add_argv(struct batch *b, char **argv, int argc)
{
    struct job *j = job_add(b);
    int i;

    j->argv = tool_malloc(((size_t)argc + 1) * sizeof(*j->argv));
    for (i = 0; i < argc; i++)
        j->argv[i] = argv[i];
    j->argv[argc] = NULL;
    j->argc = argc;
    j->text = tool_command_text(argv, argc);
}

/* The whole of a file, NUL-terminated; NULL and errno on failure */
static char *read_file(const char *name, size_t *len)
{
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
    size_t cap = 4096, n = 0, got;
    char *buf;
    int saved;

    if (!f)
        return NULL;
    buf = tool_malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            if (cap > SIZE_MAX / 2)
                tool_oom();
            cap *= 2;
            buf = tool_realloc(buf, cap);
        }
    }
    saved = errno;
    if (ferror(f)) {
        if (f != stdin)
            fclose(f);
        free(buf);
        errno = saved;
        return NULL;
    }
    if (f != stdin)
        fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

/* each line of the file a command run through the platform shell */
static void add_file(struct batch *b, const char *name)
{
    size_t len, lineno = 0;
    char *text, *p, *end;

    if (!(text = read_file(name, &len)))
        tool_fail("cannot read %s: %s", name, strerror(errno));
    b->files = tool_realloc(b->files, (b->nfiles + 1) * sizeof(*b->files));
    b->files[b->nfiles++] = text;

    for (p = text; p < text + len; p = end + 1) {
        const char *shell[SYS_SHELL_ARGS], *q;
        struct job *j;
        int n, i;

        lineno++;
        end = memchr(p, '\n', (size_t)(text + len - p));
        if (!end)
            end = text + len;
        if (memchr(p, '\0', (size_t)(end - p)))
            tool_fail("%s:%zu: the line holds a NUL byte", name, lineno);
        *end = '\0';
        if (end > p && end[-1] == '\r')
            end[-1] = '\0'; /* a file written on Windows */
        for (q = p; is_blank_char(*q); q++)
            ;
        if (*q == '\0' || *q == '#')
            continue;
        if ((n = sys_shell_argv(p, shell)) < 0)
            tool_fail("%s:%zu: the shell cannot be given this line verbatim "
                      "(on Windows, a line may not hold '\"' nor end in '\\')",
                      name, lineno);
        j = job_add(b);
        j->argv = tool_malloc(((size_t)n + 1) * sizeof(*j->argv));
        for (i = 0; i <= n; i++)
            j->argv[i] = shell[i];
        j->argc = n;
        j->text = tool_strdup(p);
    }
}

/* CMD ARG... ::: CMD ARG... */
static void add_operands(struct batch *b, char **argv, int argc)
{
    int start = 0, i;

    if (argc == 0)
        return;
    for (i = 0; i <= argc; i++) {
        if (i < argc && strcmp(argv[i], ":::") != 0)
            continue;
        if (i == start)
            tool_usage_error("all", "an empty command %s ':::'",
                             i == 0 ? "before the first" : "after a");
        if (argv[start][0] == '\0')
            tool_usage_error("all", "a command's program name is empty");
        add_argv(b, argv + start, i - start);
        start = i + 1;
    }
}

/* ------------------------------------------------------------------------- */
/* Progress                                                                  */
/* ------------------------------------------------------------------------- */

/* "\r" and the line, padded with spaces over what the previous one left (no
 * escape sequences: the Windows console does not always understand them) */
static void progress_draw(struct batch *b, int clear)
{
    char line[160];
    int len;

    if (!b->progress)
        return;
    if (clear)
        len = 0;
    else
        len = snprintf(line, sizeof(line), "exitstat: %zu/%zu done, %zu running, %zu failed",
                       b->done, b->n, b->nrunning, b->failed);
    if (len < 0)
        return;
    fprintf(stderr, "\r%s%*s", clear ? "" : line,
            (size_t)len < b->progress_len ? (int)(b->progress_len - (size_t)len) : 0, "");
    if (clear)
        fputc('\r', stderr);
    else if ((size_t)len < b->progress_len)
        fprintf(stderr, "\r%s", line); /* the cursor after the text */
    fflush(stderr);
    b->progress_len = clear ? 0 : (size_t)len;
}

/* ------------------------------------------------------------------------- */
/* Running                                                                   */
/* ------------------------------------------------------------------------- */

static void status_text(const struct batch *b, const struct job *j, char *buf, size_t size);

static void job_finished(struct batch *b, struct job *j)
{
    int failed;

    b->done++;
    if (j->state == JOB_DONE && j->err == 0) {
        char label[512];

        j->severity = tool_classify(&j->st, b->map, label, sizeof(label));
        if (label[0])
            j->label = tool_strdup(label);
        /* a command that had to be stopped failed, whatever it said */
        if (j->timed_out && j->severity < EXITSTAT_SEV_ERROR)
            j->severity = EXITSTAT_SEV_ERROR;
        failed = j->timed_out || j->severity >= b->fail_on;
    } else {
        j->severity = EXITSTAT_SEV_FATAL;
        failed = 1;
    }
    b->failed += (size_t)failed;
    if (b->verbose) {
        char text[512];

        status_text(b, j, text, sizeof(text));
        progress_draw(b, 1);
        fprintf(stderr, "exitstat: [%zu] %s: %s\n", (size_t)(j - b->jobs) + 1, j->text, text);
    }
}

static int start(struct batch *b, size_t index)
{
    struct job *j = &b->jobs[index];
    exitstat_cmd *cmd;
    int err;

    if ((err = exitstat_cmd_new(&cmd, j->argv[0])) < 0 ||
        (err = exitstat_cmd_argv(cmd, j->argv + 1)) < 0 ||
        (err = exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0)) < 0) {
        if (err == EXITSTAT_ENOMEM)
            tool_oom();
        tool_fail("%s: %s", j->text, exitstat_strerror(err));
    }
    err = exitstat_spawn(cmd, &j->child);
    exitstat_cmd_free(cmd);
    if (err < 0) {
        /* out of processes or descriptors: not this command's fault; it is
         * tried again when another one has ended */
        if ((err == EXITSTAT_EAGAIN || err == EXITSTAT_EMFILE) && b->nrunning > 0)
            return err;
        j->state = JOB_NOT_STARTED;
        j->err = err;
        job_finished(b, j);
        return 0;
    }
    sys_guard_set(index, j->child);
    j->state = JOB_RUNNING;
    j->phase = PHASE_RUN;
    if (b->timeout_ms > 0)
        j->deadline =
            sys_now_ms() + (b->timeout_ms < INT64_MAX / 2 ? b->timeout_ms : INT64_MAX / 2);
    b->running[b->nrunning] = j->child;
    b->running_job[b->nrunning] = index;
    b->nrunning++;
    return 0;
}

/* the i-th running child ended (or its status is lost: err) */
static void collect(struct batch *b, size_t i, const exitstat_status *st, int err)
{
    struct job *j = &b->jobs[b->running_job[i]];

    j->state = JOB_DONE;
    j->err = err;
    if (err == 0) {
        j->st = *st;
        j->have_usage = exitstat_child_usage(j->child, &j->usage) == 0;
    }
    sys_guard_set(b->running_job[i], NULL);
    exitstat_child_free(j->child);
    j->child = NULL;
    /* keep the array compact; the order does not matter to wait_any */
    b->nrunning--;
    b->running[i] = b->running[b->nrunning];
    b->running_job[i] = b->running_job[b->nrunning];
    job_finished(b, j);
}

/* act on the deadlines that have come: ask to stop, or kill */
static void deadlines(struct batch *b, int64_t now)
{
    size_t i;

    for (i = 0; i < b->nrunning; i++) {
        struct job *j = &b->jobs[b->running_job[i]];
        int err = 0;

        if (j->deadline > now)
            continue;
        if (j->phase == PHASE_RUN) {
            exitstat_status st;

            /* it ended on its own just now: not a timeout (the next
             * exitstat_wait_any collects it) */
            if (exitstat_wait(j->child, 0, &st) != EXITSTAT_ETIMEDOUT) {
                j->deadline = INT64_MAX;
                continue;
            }
            j->timed_out = 1;
            if (b->grace_ms > 0) {
                err = exitstat_terminate(j->child);
                j->phase = PHASE_GRACE;
                j->deadline = now + (b->grace_ms < INT64_MAX / 2 ? b->grace_ms : INT64_MAX / 2);
                if (err == 0)
                    continue;
            }
        }
        err = exitstat_kill(j->child);
        j->phase = PHASE_KILLED;
        j->deadline = INT64_MAX;
        if (err < 0)
            tool_warn("%s: cannot kill it: %s", j->text, exitstat_strerror(err));
    }
}

static int64_t next_wait_ms(const struct batch *b)
{
    int64_t first = INT64_MAX, now;
    size_t i;

    for (i = 0; i < b->nrunning; i++)
        if (b->jobs[b->running_job[i]].deadline < first)
            first = b->jobs[b->running_job[i]].deadline;
    if (first == INT64_MAX)
        return -1;
    now = sys_now_ms();
    return first > now ? first - now : 0;
}

/* exitstat cannot go on: kill and reap what runs, then fail */
static EXITSTAT_NORETURN void abandon(struct batch *b, int err)
{
    exitstat_status st;
    size_t i;

    progress_draw(b, 1);
    for (i = 0; i < b->nrunning; i++) {
        exitstat_kill(b->running[i]);
        exitstat_wait(b->running[i], -1, &st);
    }
    tool_fail("waiting for the commands: %s", exitstat_strerror(err));
}

static void run_all(struct batch *b)
{
    size_t next = 0;
    int throttled = 0;

    b->running = tool_malloc(b->max_jobs * sizeof(*b->running));
    b->running_job = tool_malloc(b->max_jobs * sizeof(*b->running_job));
    for (;;) {
        exitstat_status st;
        size_t i;
        int err;

        if (sys_guard_caught())
            throttled = 1; /* interrupted: start nothing more */
        while (!throttled && next < b->n && b->nrunning < b->max_jobs) {
            if (start(b, next) < 0)
                throttled = 1;
            else
                next++;
        }
        progress_draw(b, 0);
        if (b->nrunning == 0)
            break;
        err = exitstat_wait_any(b->running, b->nrunning, next_wait_ms(b), &i, &st);
        if (err == 0 || err == EXITSTAT_ECHILD) {
            collect(b, i, &st, err);
            throttled = 0;
        } else if (err == EXITSTAT_ETIMEDOUT) {
            deadlines(b, sys_now_ms());
        } else {
            abandon(b, err);
        }
    }
    progress_draw(b, 1);
    /* what an interruption left unstarted */
    for (; next < b->n; next++) {
        b->jobs[next].state = JOB_NOT_STARTED;
        job_finished(b, &b->jobs[next]);
    }
    free(b->running);
    free(b->running_job);
    b->running = NULL;
    b->running_job = NULL;
}

/* ------------------------------------------------------------------------- */
/* The report                                                                */
/* ------------------------------------------------------------------------- */

static void status_text(const struct batch *b, const struct job *j, char *buf, size_t size)
{
    char desc[256], t[32];
    const char *sep;
    size_t n = 0;

    if (j->state == JOB_NOT_STARTED) {
        if (j->err)
            snprintf(buf, size, "cannot run: %s", exitstat_strerror(j->err));
        else
            snprintf(buf, size, "not started");
        return;
    }
    if (j->err) {
        snprintf(buf, size, "status lost: %s", exitstat_strerror(j->err));
        return;
    }
    if (j->timed_out) {
        duration_format_ms(b->timeout_ms, t, sizeof(t));
        n = (size_t)snprintf(buf, size, "timed out after %s; ", t);
        if (n >= size)
            return;
    }
    if (exitstat_status_describe(&j->st, desc, sizeof(desc)) < 0)
        desc[0] = '\0';
    sep = tool_label_sep(j->severity, j->label);
    snprintf(buf + n, size - n, "%s%s%s", desc, sep, sep[0] ? j->label : "");
}

static const char *severity_text(const struct job *j)
{
    return j->state == JOB_NOT_STARTED && j->err == 0 ? "-" : tool_severity_name(j->severity);
}

static void report_table(const struct batch *b, FILE *f, int interrupted)
{
    size_t i, wnum = 1, wtime = 4, wstatus = 6;
    char text[512], t[32];

    for (i = b->n; i >= 10; i /= 10)
        wnum++;
    for (i = 0; i < b->n; i++) {
        const struct job *j = &b->jobs[i];
        size_t len;

        if (j->have_usage) {
            duration_format(j->usage.wall_us, t, sizeof(t));
            if (strlen(t) > wtime)
                wtime = strlen(t);
        }
        status_text(b, j, text, sizeof(text));
        if ((len = strlen(text)) > wstatus)
            wstatus = len;
    }
    fprintf(f, "%*s  %-*s  %-8s  %-*s  %s\n", (int)wnum, "#", (int)wtime, "TIME", "SEVERITY",
            (int)wstatus, "STATUS", "COMMAND");
    for (i = 0; i < b->n; i++) {
        const struct job *j = &b->jobs[i];

        if (j->have_usage)
            duration_format(j->usage.wall_us, t, sizeof(t));
        else
            snprintf(t, sizeof(t), "-");
        status_text(b, j, text, sizeof(text));
        fprintf(f, "%*zu  %*s  %-8s  %-*s  %s\n", (int)wnum, i + 1, (int)wtime, t, severity_text(j),
                (int)wstatus, text, j->text);
    }
    fprintf(f, "%zu command%s: %zu succeeded, %zu failed", b->n, b->n == 1 ? "" : "s",
            b->n - b->failed, b->failed);
    if (interrupted)
        fprintf(f, " (interrupted by %s)",
                exitstat_signal_name(interrupted) ? exitstat_signal_name(interrupted) : "a signal");
    fputc('\n', f);
}

static void report_json(const struct batch *b, FILE *f, int interrupted)
{
    struct json js;
    size_t i;
    int k;

    json_init(&js, f);
    json_object_begin(&js, NULL);
    json_int(&js, "commands", (int64_t)b->n);
    json_int(&js, "succeeded", (int64_t)(b->n - b->failed));
    json_int(&js, "failed", (int64_t)b->failed);
    if (interrupted)
        json_string(&js, "interrupted", exitstat_signal_name(interrupted));
    else
        json_null(&js, "interrupted");
    json_array_begin(&js, "results");
    for (i = 0; i < b->n; i++) {
        const struct job *j = &b->jobs[i];

        json_object_begin(&js, NULL);
        json_int(&js, "index", (int64_t)i + 1);
        json_array_begin(&js, "command");
        for (k = 0; k < j->argc; k++)
            json_string(&js, NULL, j->argv[k]);
        json_array_end(&js);
        json_string(&js, "text", j->text);
        json_bool(&js, "started", j->state == JOB_DONE);
        json_string(&js, "error", j->err ? exitstat_errname(j->err) : NULL);
        if (j->state == JOB_DONE && j->err == 0) {
            json_bool(&js, "timed_out", j->timed_out);
            json_status_members(&js, &j->st, j->have_usage ? &j->usage : NULL, j->severity,
                                j->label);
        }
        json_object_end(&js);
    }
    json_array_end(&js);
    json_object_end(&js);
}

/* ------------------------------------------------------------------------- */
/* exitstat all                                                              */
/* ------------------------------------------------------------------------- */

static size_t parse_jobs(const char *text)
{
    size_t v = 0;
    const char *p;

    for (p = text; *p >= '0' && *p <= '9'; p++) {
        if (v > (SIZE_MAX - 9) / 10)
            break;
        v = v * 10 + (size_t)(*p - '0');
    }
    if (p == text || *p != '\0')
        tool_usage_error("all", "bad number for -j: '%s'", text);
    return v;
}

static void batch_free(struct batch *b)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        free((void *)b->jobs[i].argv);
        free(b->jobs[i].text);
        free(b->jobs[i].label);
    }
    free(b->jobs);
    for (i = 0; i < b->nfiles; i++)
        free(b->files[i]);
    free(b->files);
}

int tool_all(int argc, char **argv)
{
    struct tool_getopt g = {argc, argv, "all", 0, 1, NULL, NULL};
    exitstat_codemap *owned_map = NULL;
    const char *output = NULL, **files = NULL;
    size_t nfiles = 0, i, max_jobs = 0;
    struct batch b;
    FILE *out = stdout;
    int opt, interrupted, failed;

    memset(&b, 0, sizeof(b));
    b.grace_ms = 1000;
    b.fail_on = EXITSTAT_SEV_WARNING;
    files = tool_malloc((size_t)argc * sizeof(*files));
    while ((opt = tool_getopt_next(&g, all_options)) != 0) {
        switch (opt) {
        case OPT_JOBS: max_jobs = parse_jobs(g.arg); break;
        case OPT_TIMEOUT:
            if (duration_parse(g.arg, &b.timeout_ms) < 0)
                tool_usage_error("all", "bad duration for -t: '%s' (examples: 500ms, 2s, 1.5m)",
                                 g.arg);
            break;
        case OPT_KILL_AFTER:
            if (duration_parse(g.arg, &b.grace_ms) < 0)
                tool_usage_error("all", "bad duration for -k: '%s' (examples: 500ms, 2s, 1.5m)",
                                 g.arg);
            break;
        case OPT_MAP:
            exitstat_codemap_free(owned_map);
            b.map = tool_map_load("all", g.arg, &owned_map);
            break;
        case OPT_FAIL_ON:
            if ((b.fail_on = tool_severity_parse(g.arg)) < 0)
                tool_usage_error("all",
                                 "bad severity for --fail-on: '%s' (success, info, "
                                 "warning, error or fatal)",
                                 g.arg);
            break;
        case OPT_FILE: files[nfiles++] = g.arg; break;
        case OPT_VERBOSE: b.verbose = 1; break;
        case OPT_JSON: b.json = 1; break;
        case OPT_OUTPUT: output = g.arg; break;
        case OPT_HELP:
            free(files);
            exitstat_codemap_free(owned_map);
            fputs(all_usage, stdout);
            return 0;
        }
    }
    for (i = 0; i < nfiles; i++)
        add_file(&b, files[i]);
    free(files);
    add_operands(&b, argv + g.index, argc - g.index);
    if (b.n == 0)
        tool_usage_error("all", "no command to run");
    b.max_jobs = max_jobs == 0 || max_jobs > b.n ? b.n : max_jobs;
    if (output && !(out = fopen(output, "w")))
        tool_fail("cannot open %s: %s", output, strerror(errno));
    b.progress = sys_stderr_is_tty();

    if (sys_guard_begin(b.n) < 0)
        tool_fail("cannot set up signal handling");
    run_all(&b);
    interrupted = sys_guard_caught();
    sys_guard_end();

    if (b.json)
        report_json(&b, out, interrupted);
    else
        report_table(&b, out, interrupted);
    failed = b.failed > 0;
    batch_free(&b);
    exitstat_codemap_free(owned_map);
    if (out != stdout && fclose(out) != 0)
        tool_fail("cannot write %s: %s", output, strerror(errno));
    if (interrupted) {
        /* the batch did not finish: say so to a calling shell or make the
         * way a program killed by that signal does, after the report */
        exitstat_status st;

        memset(&st, 0, sizeof(st));
        st.kind = EXITSTAT_SIGNALED;
        st.signal = interrupted;
        fflush(NULL);
        sys_no_core_dump();
        exitstat_exit_like(&st);
    }
    return failed ? 1 : 0;
}
