/*
 * test-quote.c - exitstat_win32_quote and exitstat_win32_split, on every
 * platform (they are plain string functions).
 *
 * What is checked:
 *  - the exact lines made for the corpus of the catalogue (A1), and that they
 *    split back to the same vector, by exitstat_win32_split and by two
 *    independent reference splitters (refsplit.c): CommandLineToArgvW's rule
 *    (also msvcrt.dll's) and the modern CRT rule, which differ on '""';
 *  - a 10,000-character argument and 200 arguments;
 *  - 10,000 random vectors over an alphabet of the characters that matter,
 *    from a fixed seed that is printed (EXITSTAT_TEST_SEED overrides it);
 *  - splitting lines the way Windows does, including the program-name rules
 *    and runs of quotes (the cases Wine's conformance tests record for
 *    CommandLineToArgvW on Windows), checked against the reference too;
 *  - the snprintf-like contract of the quoter and the errors of both.
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refsplit.h"
#include "tests.h"

/* ---- helpers ------------------------------------------------------------- */

static char *quote_alloc(const char *const *argv)
{
    int n = exitstat_win32_quote(argv, NULL, 0);
    char *buf;

    ck_assert_msg(n >= 0, "exitstat_win32_quote: %s", exitstat_strerror(n));
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, (size_t)n + 1), n);
    ck_assert_uint_eq(strlen(buf), (size_t)n);
    return buf;
}

/* argv -> line -> each splitter: all must give argv back, or the test fails
 * with the line and the difference. */
static void round_trip(const char *const *argv)
{
    char *line = quote_alloc(argv), **split = NULL, **ref = NULL, why[512];
    int n, rule;
    size_t argc = 0;

    while (argv[argc])
        argc++;
    n = exitstat_win32_split(line, &split);
    ck_assert_msg(n == (int)argc, "split of [%s] gave %d arguments, want %zu", line, n, argc);
    if (!ref_same_argv((const char *const *)split, argv, why, sizeof(why)))
        ck_abort_msg("exitstat_win32_split of [%s]: %s", line, why);
    exitstat_free(split);
    for (rule = REF_CL2A; rule <= REF_UCRT; rule++) {
        ck_assert_int_eq(ref_split(line, (enum ref_rule)rule, &ref), (int)argc);
        if (!ref_same_argv((const char *const *)ref, argv, why, sizeof(why)))
            ck_abort_msg("%s splitter on [%s]: %s", rule == REF_CL2A ? "CL2A" : "UCRT", line, why);
        ref_free(ref);
    }
    free(line);
}

/* ---- the corpus (A1) --------------------------------------------------------- */

static const struct {
    const char *arg;
    const char *quoted; /* the line for {"prog", arg}, after "prog " */
} corpus[] = {
    {"", "\"\""},
    {" ", "\" \""},
    {"\t", "\"\t\""},
    {"a b", "\"a b\""},
    {"\"", "\\\""},
    {"\\", "\\"},
    {"\\\\", "\\\\"},
    {"a\\", "a\\"},
    {"a\\\\", "a\\\\"},
    {"\\\"", "\\\\\\\""},
    {"\\\\\"", "\\\\\\\\\\\""},
    {"\" \\\"", "\"\\\" \\\\\\\"\""},
    {"C:\\", "C:\\"},
    {"C:\\Program Files (x32)\\Common\\", "\"C:\\Program Files (x32)\\Common\\\\\""},
    {"\\\\?\\C:\\x", "\\\\?\\C:\\x"},
    {"\\\\server\\share\\f", "\\\\server\\share\\f"},
    /* not in the catalogue's list, but the same family */
    {"a\\ b\\", "\"a\\ b\\\\\""},
    {"\"\"", "\\\"\\\""},
    {"x\"\" y", "\"x\\\"\\\" y\""},
    {"%PATH% & ^ | < > ( ) !", "\"%PATH% & ^ | < > ( ) !\""},
    {"*?", "*?"},
    {"\xcf\x80 \xd0\xaf \xe9\x9f\xb3 \xf0\x9f\x98\x80",
     "\"\xcf\x80 \xd0\xaf \xe9\x9f\xb3 \xf0\x9f\x98\x80\""},
    {"line\nbreak", "line\nbreak"},
};
#define N_CORPUS ((int)(sizeof(corpus) / sizeof(corpus[0])))

START_TEST(corpus_quotes_exactly)
{
    const char *argv[3];
    char want[256], *line;

    argv[0] = "prog";
    argv[1] = corpus[_i].arg;
    argv[2] = NULL;
    snprintf(want, sizeof(want), "prog %s", corpus[_i].quoted);
    line = quote_alloc(argv);
    ck_assert_str_eq(line, want);
    free(line);
    round_trip(argv);
}
END_TEST

START_TEST(corpus_all_in_one_line)
{
    const char *argv[N_CORPUS + 2];
    int i;

    argv[0] = "C:\\Program Files\\prog.exe";
    for (i = 0; i < N_CORPUS; i++)
        argv[i + 1] = corpus[i].arg;
    argv[i + 1] = NULL;
    round_trip(argv);
}
END_TEST

START_TEST(long_argument_and_many_arguments)
{
    const char *argv[203];
    char *big = malloc(10001), num[200][8];
    size_t i;

    ck_assert_ptr_nonnull(big);
    /* 10,000 characters with spaces, quotes and backslash runs */
    for (i = 0; i < 10000; i++)
        big[i] = "ab \\\"\\\\c\t"[i % 9];
    big[10000] = '\0';
    argv[0] = "prog";
    argv[1] = big;
    argv[2] = NULL;
    round_trip(argv);

    for (i = 0; i < 200; i++) {
        snprintf(num[i], sizeof(num[i]), i % 3 ? "%zu" : "%zu \"", i);
        argv[i + 1] = num[i];
    }
    argv[201] = NULL;
    round_trip(argv);
    free(big);
}
END_TEST

/* ---- program names -------------------------------------------------------- */

START_TEST(program_names)
{
    static const struct {
        const char *name, *line;
    } cases[] = {
        {"prog", "prog"},
        {"", "\"\""},
        {"C:\\Program Files\\x.exe", "\"C:\\Program Files\\x.exe\""},
        {"C:\\dir\\", "C:\\dir\\"},
        {"C:\\my dir\\", "\"C:\\my dir\\\""}, /* no escapes in a program name */
        {"tab\tname", "\"tab\tname\""},
        {"back\\slash", "back\\slash"},
    };
    const char *argv[3];
    char buf[64];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        argv[0] = cases[i].name;
        argv[1] = NULL;
        ck_assert_int_eq(exitstat_win32_quote(argv, buf, sizeof(buf)), (int)strlen(cases[i].line));
        ck_assert_str_eq(buf, cases[i].line);
        round_trip(argv);
        argv[1] = "next arg";
        argv[2] = NULL;
        round_trip(argv);
    }

    /* a program name cannot hold a '"': refused, nothing written */
    argv[0] = "a\"b";
    argv[1] = NULL;
    strcpy(buf, "untouched");
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_str_eq(buf, "untouched");
}
END_TEST

/* ---- the snprintf-like contract -------------------------------------------- */

START_TEST(quote_is_snprintf_like)
{
    const char *argv[] = {"prog", "a b", "c", NULL};
    const char *empty[] = {NULL};
    char buf[32];

    /* the whole line is `prog "a b" c`: 12 characters */
    ck_assert_int_eq(exitstat_win32_quote(argv, NULL, 0), 12);
    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, 0), 12);
    ck_assert_int_eq(buf[0], 'x');
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, 1), 12);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, 8), 12);
    ck_assert_str_eq(buf, "prog \"a");
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, 12), 12);
    ck_assert_str_eq(buf, "prog \"a b\" ");
    ck_assert_int_eq(exitstat_win32_quote(argv, buf, 13), 12);
    ck_assert_str_eq(buf, "prog \"a b\" c");

    ck_assert_int_eq(exitstat_win32_quote(empty, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");

    ck_assert_int_eq(exitstat_win32_quote(NULL, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_win32_quote(argv, NULL, 4), EXITSTAT_EINVAL);
}
END_TEST

/* ---- splitting the Windows way ------------------------------------------------ */

/*
 * Lines and what CommandLineToArgvW makes of them on Windows (recorded by
 * Wine's conformance tests, which run on Windows too).
 */
static const struct {
    const char *line;
    const char *want[10]; /* NULL-terminated */
} windows_lines[] = {
    {"exe", {"exe", NULL}},
    {"exe arg1 arg2 \"arg three\" 'four five` six\\ $even)",
     {"exe", "arg1", "arg2", "arg three", "'four", "five`", "six\\", "$even)", NULL}},
    {"exe arg=1 arg-2 three\tfour\rfour\nfour ",
     {"exe", "arg=1", "arg-2", "three", "four\rfour\nfour", NULL}},
    {"exe arg\"one\" \"second\"arg thirdarg ", {"exe", "argone", "secondarg", "thirdarg", NULL}},
    {"exe arg1 \"unclosed", {"exe", "arg1", "unclosed", NULL}},
    {"exe arg1 \"", {"exe", "arg1", "", NULL}},
    {"exe \"one^\" \"arg\"&two three|four", {"exe", "one^", "arg&two", "three|four", NULL}},
    {"exe %TMPDIR% %2", {"exe", "%TMPDIR%", "%2", NULL}},
    {"exe o\\ne t\\\\wo t\\\\\\ree f\\\\\\\\our ",
     {"exe", "o\\ne", "t\\\\wo", "t\\\\\\ree", "f\\\\\\\\our", NULL}},
    {"exe \\\"one \\\\\"two\" \\\\\\\"three \\\\\\\\\"four\" end",
     {"exe", "\"one", "\\two", "\\\"three", "\\\\four", "end", NULL}},
    {"exe \"one\\\" still\" \"two\\\\\" \"three\\\\\\\" still\" \"four\\\\\\\\\" end",
     {"exe", "one\" still", "two\\", "three\\\" still", "four\\\\", "end", NULL}},
    /* runs of quotes outside a quoted part: 3n, 3n+1, 3n+2 */
    {"exe two\"\"quotes next", {"exe", "twoquotes", "next", NULL}},
    {"exe three\"\"\"quotes next", {"exe", "three\"quotes", "next", NULL}},
    {"exe four\"\"\"\" quotes\" next", {"exe", "four\" quotes", "next", NULL}},
    {"exe five\"\"\"\"\"quotes next", {"exe", "five\"quotes", "next", NULL}},
    {"exe six\"\"\"\"\"\"quotes next", {"exe", "six\"\"quotes", "next", NULL}},
    {"exe seven\"\"\"\"\"\"\" quotes\" next", {"exe", "seven\"\" quotes", "next", NULL}},
    /* inside one, the opening quote counts */
    {"exe \"two\"\"quotes next", {"exe", "two\"quotes", "next", NULL}},
    {"exe \"two\"\" next", {"exe", "two\"", "next", NULL}},
    {"exe \"three\"\"\" quotes\" next", {"exe", "three\" quotes", "next", NULL}},
    {"exe \"four\"\"\"\"quotes next", {"exe", "four\"quotes", "next", NULL}},
    {"exe \"five\"\"\"\"\"quotes next", {"exe", "five\"\"quotes", "next", NULL}},
    {"exe \"the crazy \\\\\"\"\"\\\\\" quotes", {"exe", "the crazy \\\"\\", "quotes", NULL}},
    /* the program name */
    {"exe\"file\"path arg1", {"exe\"file\"path", "arg1", NULL}},
    {"exe\"file\"path\targ1", {"exe\"file\"path", "arg1", NULL}},
    {"exe\"path\\ arg1", {"exe\"path\\", "arg1", NULL}},
    {"\\\"exe \"arg one\"", {"\\\"exe", "arg one", NULL}},
    {"\"spaced exe\" \"next arg\"", {"spaced exe", "next arg", NULL}},
    {"\"spaced exe\"\t\"next arg\"", {"spaced exe", "next arg", NULL}},
    {"\"exe\"arg\" one\" argtwo", {"exe", "arg one", "argtwo", NULL}},
    {"\"spaced exe\\\"arg1 arg2", {"spaced exe\\", "arg1", "arg2", NULL}},
    {"\"two\"\" arg1 ", {"two", " arg1 ", NULL}},
    {"\"three\"\"\" arg2", {"three", "", "arg2", NULL}},
    {"\"four\"\"\"\"arg1", {"four", "\"arg1", NULL}},
    {" \"arg\"one argtwo", {"", "argone", "argtwo", NULL}},
};

START_TEST(splits_like_windows)
{
    const char *const *want = windows_lines[_i].want, *line = windows_lines[_i].line;
    char **got = NULL, **ref = NULL, why[512];
    size_t n = 0;

    while (want[n])
        n++;
    ck_assert_int_eq(exitstat_win32_split(line, &got), (int)n);
    if (!ref_same_argv((const char *const *)got, want, why, sizeof(why)))
        ck_abort_msg("split of [%s]: %s", line, why);
    exitstat_free(got);
    /* the reference agrees with Windows too */
    ck_assert_int_eq(ref_split(line, REF_CL2A, &ref), (int)n);
    if (!ref_same_argv((const char *const *)ref, want, why, sizeof(why)))
        ck_abort_msg("reference split of [%s]: %s", line, why);
    ref_free(ref);
}
END_TEST

START_TEST(split_edges)
{
    char **argv = (char **)&argv; /* not NULL: must be cleared on failure */

    ck_assert_int_eq(exitstat_win32_split(NULL, &argv), EXITSTAT_EINVAL);
    ck_assert_ptr_null(argv);
    ck_assert_int_eq(exitstat_win32_split("x", NULL), EXITSTAT_EINVAL);

    /* an empty line has no arguments, not the caller's path */
    ck_assert_int_eq(exitstat_win32_split("", &argv), 0);
    ck_assert_ptr_nonnull(argv);
    ck_assert_ptr_null(argv[0]);
    exitstat_free(argv);

    /* blanks only: an empty program name and nothing else */
    ck_assert_int_eq(exitstat_win32_split(" \t ", &argv), 1);
    ck_assert_str_eq(argv[0], "");
    ck_assert_ptr_null(argv[1]);
    exitstat_free(argv);

    /* where the two CRT rules part: '""' inside quotes. Ours is
     * CommandLineToArgvW's: a literal quote that closes the part. */
    ck_assert_int_eq(exitstat_win32_split("x a\"b\"\" c d", &argv), 4);
    ck_assert_str_eq(argv[1], "ab\"");
    ck_assert_str_eq(argv[2], "c");
    ck_assert_str_eq(argv[3], "d");
    exitstat_free(argv);
}
END_TEST

/* the references really differ where they should, so agreeing means something */
START_TEST(references_differ_on_doubled_quotes)
{
    char **a = NULL, **b = NULL, why[256];

    ck_assert_int_eq(ref_split("x a\"b\"\" c d", REF_CL2A, &a), 4);
    ck_assert_int_eq(ref_split("x a\"b\"\" c d", REF_UCRT, &b), 2);
    ck_assert_str_eq(b[1], "ab\" c d");
    ck_assert(!ref_same_argv((const char *const *)a, (const char *const *)b, why, sizeof(why)));
    ref_free(a);
    ref_free(b);
    /* program names: "a b"c is "a b" then c for CommandLineToArgvW, one name
     * for the CRT */
    ck_assert_int_eq(ref_split("\"a b\"c d", REF_CL2A, &a), 3);
    ck_assert_int_eq(ref_split("\"a b\"c d", REF_UCRT, &b), 2);
    ck_assert_str_eq(b[0], "a bc");
    ref_free(a);
    ref_free(b);
}
END_TEST

/* ---- random vectors -------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t test_seed(void)
{
    const char *s = getenv("EXITSTAT_TEST_SEED");
    return s && *s ? strtoull(s, NULL, 0) : UINT64_C(0x5EED0F00D);
}

/* A random argument over the characters that matter, as UTF-8. */
static void random_arg(char *buf, size_t size, int program)
{
    static const char *const pieces[] = {
        " ", "\t", "\"", "\\", "\\\\", "a",    "b",   "\n", "\xc3\xa9", "\xe2\x82\xac",
        "^", "%",  "&",  "*",  "\"\"", "\\\"", "x y",
    };
    size_t n = (size_t)(rng() % 10), len = 0, i;

    if (rng() % 50 == 0)
        n += 100; /* now and then a long one */
    for (i = 0; i < n; i++) {
        const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t plen = strlen(p);
        if (program && strchr(p, '"'))
            continue;
        if (len + plen + 1 > size)
            break;
        memcpy(buf + len, p, plen);
        len += plen;
    }
    buf[len] = '\0';
}

START_TEST(random_vectors_round_trip)
{
    enum { VECTORS = 10000, MAXARGS = 8 };
    char args[MAXARGS][512];
    const char *argv[MAXARGS + 1];
    uint64_t seed = test_seed();
    int v;

    rng_state = seed;
    printf("quote: %d random vectors, seed 0x%" PRIx64 " (EXITSTAT_TEST_SEED)\n", VECTORS, seed);
    fflush(stdout);
    for (v = 0; v < VECTORS; v++) {
        size_t argc = 1 + (size_t)(rng() % MAXARGS), i;
        for (i = 0; i < argc; i++) {
            random_arg(args[i], sizeof(args[i]), i == 0);
            argv[i] = args[i];
        }
        argv[argc] = NULL;
        round_trip(argv);
    }
}
END_TEST

Suite *suite_quote(void)
{
    Suite *s = suite_create("quote");
    TCase *tc = tcase_create("quote");

    tcase_add_loop_test(tc, corpus_quotes_exactly, 0, N_CORPUS);
    tcase_add_test(tc, corpus_all_in_one_line);
    tcase_add_test(tc, long_argument_and_many_arguments);
    tcase_add_test(tc, program_names);
    tcase_add_test(tc, quote_is_snprintf_like);
    tcase_add_loop_test(tc, splits_like_windows, 0,
                        (int)(sizeof(windows_lines) / sizeof(windows_lines[0])));
    tcase_add_test(tc, split_edges);
    tcase_add_test(tc, references_differ_on_doubled_quotes);
    tcase_add_test(tc, random_vectors_round_trip);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
