/*
 * quote.c - Windows command lines: joining an argument vector into the one
 * string CreateProcessW takes, and splitting such a string back. Portable
 * code with no platform calls, so that programs on any system can build and
 * check Windows command lines (and the tests run natively).
 *
 * A Windows program receives its arguments as one string and splits it
 * itself. The splitter that matters is CommandLineToArgvW's, which the C
 * runtimes share except in one corner:
 *
 *  - argv[0], the program name, has rules of its own: if it starts with '"'
 *    it runs to the next '"' (whatever follows that quote), else to the
 *    first space or tab; backslashes are plain characters.
 *  - The other arguments are separated by spaces and tabs outside quotes.
 *    '"' opens or closes a quoted part (which may hold spaces). A run of n
 *    backslashes followed by '"' stands for n/2 backslashes, and the quote is
 *    a literal '"' when n is odd, a quoting quote when n is even; backslashes
 *    not followed by '"' are plain characters.
 *  - The corner: '""' inside a quoted part. CommandLineToArgvW and the
 *    msvcrt.dll of Windows (Visual C++ 6's rule, which mingw-w64 programs use
 *    by default) read a literal '"' that also ends the quoted part; the CRTs
 *    since Visual C++ 2008 (and the UCRT) read a literal '"' and stay inside.
 *    exitstat_win32_split implements the first; exitstat_win32_quote never
 *    writes '""' inside a quoted part, so its lines split the same by all of
 *    them.
 *
 * Quoting therefore: argv[0] as it is, in quotes when it is empty or holds a
 * space or tab, and refused when it holds a '"' (no program name can, and
 * its rules have no escape); every other argument as it is when it needs no
 * quotes, else in quotes; in both cases each '"' is escaped with a
 * backslash, the backslashes right before it doubled, and inside quotes the
 * backslashes before the closing quote doubled. Arguments are separated by
 * one space. The text is treated as bytes: UTF-8 passes through, since none
 * of its multi-byte sequences contains a space, tab, '"' or '\\'.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- quoting ------------------------------------------------------------- */

/* An snprintf-like sink: counts everything, stores what fits. */
struct sink {
    char *buf;
    size_t size;
    size_t len;
    int overflow; /* len wrapped: only a size_t-sized input could do that */
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    if (++s->len == 0)
        s->overflow = 1;
}

static void put_n(struct sink *s, char c, size_t n)
{
    while (n-- > 0)
        put(s, c);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int needs_quotes(const char *arg)
{
    return *arg == '\0' || strpbrk(arg, " \t") != NULL;
}

static void quote_program(struct sink *s, const char *name)
{
    int q = needs_quotes(name);

    if (q)
        put(s, '"');
    for (; *name; name++)
        put(s, *name);
    if (q)
        put(s, '"');
}

static void quote_arg(struct sink *s, const char *arg)
{
    int q = needs_quotes(arg);
    size_t backslashes = 0;

    if (q)
        put(s, '"');
    for (; *arg; arg++) {
        if (*arg == '\\') {
            backslashes++;
            continue;
        }
        if (*arg == '"') {
            /* 2n + 1 backslashes and the quote: n backslashes and a literal '"' */
            put_n(s, '\\', 2 * backslashes + 1);
        } else {
            put_n(s, '\\', backslashes);
        }
        backslashes = 0;
        put(s, *arg);
    }
    if (q) {
        /* before the closing quote, 2n backslashes read as n */
        put_n(s, '\\', 2 * backslashes);
        put(s, '"');
    } else {
        put_n(s, '\\', backslashes);
    }
}

/* the whole line into s */
static void quote_all(struct sink *s, const char *const *argv)
{
    size_t i;

    for (i = 0; argv[i]; i++) {
        if (i == 0) {
            quote_program(s, argv[0]);
        } else {
            put(s, ' ');
            quote_arg(s, argv[i]);
        }
    }
}

int exitstat_win32_quote(const char *const *argv, char *buf, size_t size)
{
    struct sink s;

    if (!argv || (!buf && size > 0))
        return EXITSTAT_EINVAL;
    if (argv[0] && strchr(argv[0], '"'))
        return EXITSTAT_EINVAL;
    /* measure first, so that a failure writes nothing */
    memset(&s, 0, sizeof(s));
    quote_all(&s, argv);
    if (s.overflow || s.len > INT_MAX)
        return EXITSTAT_E2BIG;
    if (size > 0) {
        s.buf = buf;
        s.size = size;
        s.len = 0;
        quote_all(&s, argv);
        buf[s.len < size ? s.len : size - 1] = '\0';
    }
    return (int)s.len;
}

/* ---- splitting ----------------------------------------------------------- */

/*
 * One pass over the line. With argv NULL it only counts: the number of
 * arguments (returned) and the bytes their text needs, NULs included
 * (*bytes). With argv set it also stores each argument in text and its start
 * in argv; the text never grows, so the first pass bounds the second.
 */
static size_t split_pass(const char *p, char **argv, char *text, size_t *bytes)
{
    size_t argc = 0, n = 0;

#define EMIT(c)                                                                                    \
    do {                                                                                           \
        if (text)                                                                                  \
            text[n] = (c);                                                                         \
        n++;                                                                                       \
    } while (0)
#define BEGIN()                                                                                    \
    do {                                                                                           \
        if (argv)                                                                                  \
            argv[argc] = text + n;                                                                 \
    } while (0)
#define END()                                                                                      \
    do {                                                                                           \
        EMIT('\0');                                                                                \
        argc++;                                                                                    \
    } while (0)

    if (*p == '\0') {
        *bytes = 0;
        return 0;
    }

    /* the program name: no escapes; a leading quote runs to the next one */
    BEGIN();
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            EMIT(*p);
        if (*p == '"')
            p++;
    } else {
        for (; *p && !is_blank(*p); p++)
            EMIT(*p);
    }
    END();

    for (;;) {
        int inquote = 0;

        while (is_blank(*p))
            p++;
        if (*p == '\0')
            break;
        BEGIN();
        while (*p && (inquote || !is_blank(*p))) {
            if (*p == '\\') {
                size_t k = 0, j;

                while (p[k] == '\\')
                    k++;
                if (p[k] != '"') {
                    for (j = 0; j < k; j++)
                        EMIT('\\');
                    p += k;
                    continue;
                }
                for (j = 0; j < k / 2; j++)
                    EMIT('\\');
                p += k;
                if (k % 2) {
                    EMIT('"'); /* escaped */
                    p++;
                }
                /* else p is at a quote that quotes: the next round reads it */
            } else if (*p == '"') {
                if (inquote && p[1] == '"') {
                    /* CommandLineToArgvW (and msvcrt.dll): a literal '"' that
                     * also closes the quoted part */
                    EMIT('"');
                    p += 2;
                    inquote = 0;
                } else {
                    inquote = !inquote;
                    p++;
                }
            } else {
                EMIT(*p);
                p++;
            }
        }
        END();
    }
#undef EMIT
#undef BEGIN
#undef END
    *bytes = n;
    return argc;
}

int exitstat_win32_split(const char *cmdline, char ***argv_out)
{
    size_t argc, bytes, again, ptrs;
    char **argv;

    if (!argv_out)
        return EXITSTAT_EINVAL;
    *argv_out = NULL;
    if (!cmdline)
        return EXITSTAT_EINVAL;
    argc = split_pass(cmdline, NULL, NULL, &bytes);
    if (argc > INT_MAX)
        return EXITSTAT_E2BIG;
    /* one block: argc + 1 pointers, then the strings */
    ptrs = (argc + 1) * sizeof(char *);
    if (bytes > SIZE_MAX - ptrs)
        return EXITSTAT_ENOMEM;
    argv = malloc(ptrs + bytes);
    if (!argv)
        return EXITSTAT_ENOMEM;
    split_pass(cmdline, argv, (char *)argv + ptrs, &again);
    argv[argc] = NULL;
    *argv_out = argv;
    return (int)argc;
}
