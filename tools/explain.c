/*
 * explain.c - exitstat explain: what a number means as an exit status.
 *
 * The same number means different things depending on where it came from, so
 * unless the user names the convention, every reading that could have
 * produced the value is given:
 *   - an exit code (0..255): what exit(N) gives on every platform;
 *   - a shell's $? (129..192, ksh93's 257..320): death by signal N-128 (N-256);
 *   - a Windows exit code (anything above 255, and negative values, which is
 *     how cmd.exe's %ERRORLEVEL% shows the top half): an exception NTSTATUS
 *     or a 32-bit code;
 * A wait(2) status word is never guessed: any 16-bit number is one, so that
 * reading is given only with --wait.
 *
 * Each reading is classified with the -m map, or without one with the map of
 * its own convention (posix for exit codes and shells, windows for Windows),
 * which is where labels such as "not found" and STATUS_DLL_NOT_FOUND come from.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

static const char explain_usage[] =
    "usage: exitstat explain [-m MAP] [--wait|--win32|--shell] VALUE...\n"
    "\n"
    "Say what each VALUE means as an exit status: in every convention that could\n"
    "have produced it, or in the one named. VALUE is decimal, 0x-hex, or negative\n"
    "as cmd.exe shows it (-1073741819 is 0xC0000005).\n"
    "\n"
    "  -m, --map MAP  classify with a code map: a built-in name or a spec\n"
    "      --wait     VALUE is a wait(2) status word (16 bits)\n"
    "      --win32    VALUE is a Windows exit code\n"
    "      --shell    VALUE is a POSIX shell's $?\n";

enum { OPT_MAP = 1, OPT_WAIT, OPT_WIN32, OPT_SHELL, OPT_HELP };

static const struct tool_option explain_options[] = {
    {OPT_MAP, 'm', "map", 1},   {OPT_WAIT, 0, "wait", 0},   {OPT_WIN32, 0, "win32", 0},
    {OPT_SHELL, 0, "shell", 0}, {OPT_HELP, 'h', "help", 0}, {0, 0, NULL, 0},
};

/*
 * decimal | "0x" hex | "-" decimal, within -2^31 .. 2^32-1: the values a
 * 32-bit exit code can be written as, signed (cmd.exe) or unsigned. 0 and
 * *out, or -1.
 */
static int parse_value(const char *text, int64_t *out)
{
    const char *p = text;
    int64_t v = 0, max = UINT32_MAX;
    int neg = 0, base = 10, digits = 0;

    if (*p == '-') {
        neg = 1;
        max = (int64_t)INT32_MAX + 1;
        p++;
    }
    if (!neg && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (;; p++, digits++) {
        int d;

        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        v = v * base + d;
        if (v > max)
            return -1; /* stops before v can overflow, however long the text */
    }
    if (digits == 0 || *p != '\0')
        return -1;
    *out = neg ? -v : v;
    return 0;
}

enum convention { ANY, WAIT, WIN32, SHELL };

static void reading(const char *text, const char *as, const exitstat_status *st,
                    const exitstat_codemap *map, const char *natural)
{
    const exitstat_codemap *m = map;
    char desc[256], label[512];
    int sev;

    if (!m && exitstat_codemap_builtin(natural, &m) < 0)
        m = NULL;
    if (exitstat_status_describe(st, desc, sizeof(desc)) < 0)
        desc[0] = '\0';
    printf("%s (%s): %s", text, as, desc);
    /* only an end has a severity: stopped, continued and unknown words
     * (from --wait) are said as they are */
    if (st->kind == EXITSTAT_EXITED || st->kind == EXITSTAT_SIGNALED) {
        sev = tool_classify(st, m, label, sizeof(label));
        printf("; %s%s%s", tool_severity_name(sev), tool_label_sep(sev, label),
               tool_label_sep(sev, label)[0] ? label : "");
    }
    putchar('\n');
}

static void explain(const char *text, int64_t v, enum convention conv, const exitstat_codemap *map)
{
    exitstat_status st;
    char as[64];

    switch (conv) {
    case WAIT:
        exitstat_status_from_wait((int)v, &st);
        reading(text, "wait status", &st, map, "posix");
        return;
    case SHELL:
        exitstat_status_from_shell((int)v, &st);
        reading(text, "shell status", &st, map, "posix");
        return;
    case WIN32: break;
    case ANY:
        if (v >= 0 && v <= 255) {
            /* what exit(v) gives: the same on every platform */
            exitstat_status_from_wait((int)(v << 8), &st);
            reading(text, "exit code", &st, map, "posix");
        }
        if (v >= 0 && v <= INT32_MAX) {
            exitstat_status_from_shell((int)v, &st);
            if (st.kind == EXITSTAT_SIGNALED)
                reading(text, v > 255 ? "ksh93 shell status" : "shell status", &st, map, "posix");
        }
        if (v >= 0 && v <= 255)
            return; /* as a Windows code it says the same as the exit code */
        break;
    }
    exitstat_status_from_win32((uint32_t)v, &st);
    snprintf(as, sizeof(as), "Windows exit code, errorlevel %ld",
             (long)exitstat_status_errorlevel(&st));
    reading(text, as, &st, map, "windows");
}

int tool_explain(int argc, char **argv)
{
    struct tool_getopt g = {argc, argv, "explain", 1, 1, NULL, NULL};
    const exitstat_codemap *map = NULL;
    exitstat_codemap *owned = NULL;
    enum convention conv = ANY;
    int64_t *values;
    int opt, i, n;

    while ((opt = tool_getopt_next(&g, explain_options)) != 0) {
        enum convention c = ANY;

        switch (opt) {
        case OPT_MAP:
            exitstat_codemap_free(owned);
            map = tool_map_load("explain", g.arg, &owned);
            continue;
        case OPT_HELP:
            exitstat_codemap_free(owned);
            fputs(explain_usage, stdout);
            return 0;
        case OPT_WAIT: c = WAIT; break;
        case OPT_WIN32: c = WIN32; break;
        case OPT_SHELL: c = SHELL; break;
        }
        if (conv != ANY && conv != c)
            tool_usage_error("explain", "--wait, --win32 and --shell exclude each other");
        conv = c;
    }
    n = argc - g.index;
    if (n == 0)
        tool_usage_error("explain", "no value to explain");

    /* every value is checked before anything is printed */
    values = tool_malloc((size_t)n * sizeof(*values));
    for (i = 0; i < n; i++) {
        const char *text = argv[g.index + i];

        if (parse_value(text, &values[i]) < 0)
            tool_usage_error("explain",
                             "bad value '%s' (decimal, 0x-hex, or negative decimal, "
                             "within -2147483648..4294967295)",
                             text);
        if (conv == WAIT && (values[i] < 0 || values[i] > 0xFFFF))
            tool_usage_error("explain",
                             "bad value '%s': a wait status word has 16 bits "
                             "(0..0xFFFF)",
                             text);
        if (conv == SHELL && (values[i] < 0 || values[i] > INT32_MAX))
            tool_usage_error("explain", "bad value '%s': a shell status is not negative", text);
    }
    for (i = 0; i < n; i++)
        explain(argv[g.index + i], values[i], conv, map);
    free(values);
    exitstat_codemap_free(owned);
    return 0;
}
