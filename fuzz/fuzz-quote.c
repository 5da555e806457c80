/*
 * fuzz-quote.c - libFuzzer target for the Windows command-line quoter and
 * splitter (lib/quote.c), checked against the independent reference
 * splitters of tests/refsplit.c.
 *
 * The input is an argument vector: NUL-terminated strings one after the
 * other, a last unterminated one counting too ("" is the empty vector, "\0"
 * is {""}, "a\0\0" is {"a", ""}), so every vector of strings is reachable.
 * For each input:
 *
 *  1. Round trip. argv[0] may not hold a '"' (a program name cannot, and its
 *     rules have no escape): such a vector must be refused with
 *     EXITSTAT_EINVAL, writing nothing, and the rest of the round trip goes
 *     on with those quotes taken out. The line made by exitstat_win32_quote
 *     must split back to exactly argv by exitstat_win32_split, by the
 *     reference CommandLineToArgvW / msvcrt.dll rule (REF_CL2A) and by the
 *     reference rule of the C runtimes since Visual C++ 2008 (REF_UCRT). The
 *     quoter's snprintf-like contract is checked on the way: the measured
 *     length equals the written one, and a buffer of a fuzzed, smaller size
 *     (allocated to exactly that size, so ASan sees any overrun) gets a
 *     NUL-terminated prefix of the line.
 *  2. Differential splitting. The input, read as one command line (NULs
 *     become spaces, so a line may be as long as the input), must split the
 *     same by exitstat_win32_split and by REF_CL2A, which implements the same
 *     rule by a different algorithm; and that vector, quoted again, must
 *     split back to itself (when its argv[0] can be quoted at all).
 *
 * Invalid UTF-8: quote.c's contract is that the text is bytes, passed through
 * (no multi-byte UTF-8 sequence contains a space, tab, '"' or '\\', so
 * treating UTF-8 as bytes is exact, and anything else is kept as it is). The
 * fuzzer feeds any bytes, invalid sequences and lone continuation bytes
 * included, and demands them back byte for byte.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitstat.h"
#include "refsplit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the input as a NULL-terminated vector of strings, in one block */
static char **make_argv(const uint8_t *data, size_t size)
{
    size_t argc = 0, i, at = 0;
    char **argv, *text;

    for (i = 0; i < size; i++)
        if (data[i] == 0)
            argc++;
    if (size > 0 && data[size - 1] != 0)
        argc++;
    argv = malloc((argc + 1) * sizeof(*argv) + size + 1);
    if (!argv)
        return NULL;
    text = (char *)(argv + argc + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    for (i = 0; i < argc; i++) {
        argv[i] = text + at;
        at += strlen(text + at) + 1;
    }
    argv[argc] = NULL;
    return argv;
}

/* the line from the quoter, checked against its own contract */
static char *quote_checked(const char *const *argv, size_t cut)
{
    int n = exitstat_win32_quote(argv, NULL, 0), m;
    char *line, *part;
    size_t psize;

    if (n < 0)
        abort(); /* only a '"' in argv[0] is refused, and callers remove it */
    line = malloc((size_t)n + 1);
    if (!line)
        return NULL;
    m = exitstat_win32_quote(argv, line, (size_t)n + 1);
    if (m != n || strlen(line) != (size_t)n)
        abort();

    /* a short buffer: the same length back, a NUL-terminated prefix */
    psize = (size_t)n > 0 ? 1 + cut % (size_t)n : 1;
    part = malloc(psize);
    if (part) {
        if (exitstat_win32_quote(argv, part, psize) != n)
            abort();
        if (part[psize - 1] != '\0' || strlen(part) != psize - 1 ||
            memcmp(part, line, psize - 1) != 0)
            abort();
        free(part);
    }
    return line;
}

/* every splitter must give argv back from line */
static void check_splits(const char *line, const char *const *argv)
{
    char **split = NULL, why[64];
    size_t argc = 0;
    int rule, n;

    while (argv[argc])
        argc++;
    n = exitstat_win32_split(line, &split);
    if (n == EXITSTAT_ENOMEM)
        return;
    if (n != (int)argc || !split || split[argc] != NULL ||
        !ref_same_argv((const char *const *)split, argv, why, sizeof(why)))
        abort();
    exitstat_free(split);

    for (rule = REF_CL2A; rule <= REF_UCRT; rule++) {
        char **ref;
        n = ref_split(line, (enum ref_rule)rule, &ref);
        if (n < 0)
            return; /* out of memory in the reference */
        if (n != (int)argc || !ref_same_argv((const char *const *)ref, argv, why, sizeof(why)))
            abort();
        ref_free(ref);
    }
}

static void round_trip(char **argv, size_t cut)
{
    char *line, guard[4] = {'x', 'y', 'z', 'w'};
    char *p0 = argv[0], *r, *w;

    if (p0 && strchr(p0, '"')) {
        /* refused, and nothing written */
        if (exitstat_win32_quote((const char *const *)argv, guard, sizeof(guard)) !=
                EXITSTAT_EINVAL ||
            guard[0] != 'x' ||
            exitstat_win32_quote((const char *const *)argv, NULL, 0) != EXITSTAT_EINVAL)
            abort();
        for (r = w = p0; *r; r++)
            if (*r != '"')
                *w++ = *r;
        *w = '\0';
    }
    line = quote_checked((const char *const *)argv, cut);
    if (!line)
        return;
    check_splits(line, (const char *const *)argv);
    free(line);
}

/* the input as one command line: the library against the reference, and
 * the vector it gives quoted again */
static void split_differential(const uint8_t *data, size_t size, size_t cut)
{
    char *line = malloc(size + 1), **split = NULL, **ref = NULL, why[64];
    size_t i;
    int n, nref;

    if (!line)
        return;
    for (i = 0; i < size; i++)
        line[i] = data[i] ? (char)data[i] : ' ';
    line[size] = '\0';

    n = exitstat_win32_split(line, &split);
    nref = ref_split(line, REF_CL2A, &ref);
    if (n >= 0 && nref >= 0) {
        if (n != nref ||
            !ref_same_argv((const char *const *)split, (const char *const *)ref, why, sizeof(why)))
            abort();
        /* an unquoted argv[0] runs to a blank and may hold a '"': the quoter
         * refuses that one, which round_trip already covers */
        if (!split[0] || !strchr(split[0], '"')) {
            char *again = quote_checked((const char *const *)split, cut);
            if (again) {
                check_splits(again, (const char *const *)split);
                free(again);
            }
        }
    } else if (n != EXITSTAT_ENOMEM && nref >= 0) {
        abort();
    }
    exitstat_free(split);
    ref_free(ref);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cut = 0, i;
    char **argv;

    /* where to cut the short buffer: from the input, so it varies */
    for (i = 0; i < size && i < sizeof(cut); i++)
        cut = cut << 8 | data[size - 1 - i];

    argv = make_argv(data, size);
    if (!argv)
        return 0;
    round_trip(argv, cut);
    free(argv);

    split_differential(data, size, cut);
    return 0;
}
