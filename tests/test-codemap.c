/*
 * test-codemap.c - code maps: the built-ins, the spec parser, classification.
 *
 * Every built-in map is checked on every code it documents, on the codes just
 * outside each of its ranges, on the 32-bit edge values and on signal deaths.
 * The maps that a spec can say are also written as specs here, and the parsed
 * and the built-in map must agree on every code of a wide sweep: that checks
 * the parser and the tables against each other. Then the parser on valid specs
 * (each feature of the grammar) and on invalid ones (each must fail with
 * EXITSTAT_EINVAL and a NULL map), its limits, and the label buffer.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define S EXITSTAT_SEV_SUCCESS
#define I EXITSTAT_SEV_INFO
#define W EXITSTAT_SEV_WARNING
#define E EXITSTAT_SEV_ERROR
#define F EXITSTAT_SEV_FATAL

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Every label of a built-in map fits in this, as the header promises. */
#define LABEL_MAX 256

static exitstat_status exited(int64_t code)
{
    exitstat_status st;

    memset(&st, 0, sizeof(st));
    st.kind = EXITSTAT_EXITED;
    st.code = code;
    st.raw = (uint32_t)code;
    return st;
}

static exitstat_status signaled(int sig)
{
    exitstat_status st;

    memset(&st, 0, sizeof(st));
    st.kind = EXITSTAT_SIGNALED;
    st.signal = sig;
    return st;
}

static const exitstat_codemap *builtin(const char *name)
{
    const exitstat_codemap *map = NULL;

    ck_assert_int_eq(exitstat_codemap_builtin(name, &map), 0);
    ck_assert_ptr_nonnull(map);
    return map;
}

static exitstat_codemap *parse_ok(const char *spec)
{
    exitstat_codemap *map = NULL;
    int rc = exitstat_codemap_parse(spec, &map);

    ck_assert_msg(rc == 0, "parse(\"%s\") = %d", spec, rc);
    ck_assert_ptr_nonnull(map);
    return map;
}

/* classify st with map and compare severity and label */
static void expect(const exitstat_codemap *map, const char *what, const exitstat_status *st,
                   int severity, const char *label)
{
    char buf[LABEL_MAX];
    int got;

    memset(buf, 'x', sizeof(buf));
    got = exitstat_classify(st, map, buf, sizeof(buf));
    ck_assert_msg(got == severity && strcmp(buf, label) == 0,
                  "%s: kind %d code %lld signal %d: got %d \"%s\", want %d \"%s\"", what,
                  (int)st->kind, (long long)st->code, (int)st->signal, got, got >= 0 ? buf : "",
                  severity, label);
}

static void expect_code(const exitstat_codemap *map, const char *what, int64_t code, int severity,
                        const char *label)
{
    exitstat_status st = exited(code);
    expect(map, what, &st, severity, label);
}

/* ------------------------------------------------------------------------- */
/* Built-in maps: every documented code, its neighbours, the 32-bit edges     */
/* ------------------------------------------------------------------------- */

struct code_case {
    int64_t code;
    int severity;
    const char *label;
};

/* the edges every map is tried on, besides its own cases */
#define EDGE_CODES 0x7FFFFFFF, 0x80000000LL, 0xFFFFFFFFLL

/* clang-format off */
static const struct code_case posix_cases[] = {
    {0, S, "success"},
    {1, E, "general failure"},
    {2, E, "usage error"},
    {3, E, ""},
    {125, E, ""},
    {126, E, "not executable"},
    {127, E, "not found"},
    {128, E, ""},
    /* 129..192 (128+N) are checked by posix_128_plus_n */
    {193, E, ""},
    {255, E, ""},
    {256, E, ""},
    {0x7FFFFFFF, E, ""},
    {0x80000000LL, E, ""},
    {0xFFFFFFFFLL, E, ""},
    {-1, E, ""},
    {0x100000000LL, E, ""},
};

static const struct code_case sysexits_cases[] = {
    {0, S, "EX_OK: successful termination"},
    {1, E, ""},
    {63, E, ""},
    {64, E, "EX_USAGE: command line usage error"},
    {65, E, "EX_DATAERR: data format error"},
    {66, E, "EX_NOINPUT: cannot open input"},
    {67, E, "EX_NOUSER: addressee unknown"},
    {68, E, "EX_NOHOST: host name unknown"},
    {69, E, "EX_UNAVAILABLE: service unavailable"},
    {70, E, "EX_SOFTWARE: internal software error"},
    {71, E, "EX_OSERR: system error"},
    {72, E, "EX_OSFILE: critical OS file missing"},
    {73, E, "EX_CANTCREAT: cannot create output file"},
    {74, E, "EX_IOERR: input/output error"},
    {75, E, "EX_TEMPFAIL: temporary failure, retry later"},
    {76, E, "EX_PROTOCOL: remote error in protocol"},
    {77, E, "EX_NOPERM: permission denied"},
    {78, E, "EX_CONFIG: configuration error"},
    {79, E, ""},
    {255, E, ""},
    {0x7FFFFFFF, E, ""},
    {0x80000000LL, E, ""},
    {0xFFFFFFFFLL, E, ""},
    {-64, E, ""},
};

#define STILL_ACTIVE_LABEL "STATUS_PENDING (STILL_ACTIVE): easy to confuse with a running process"

static const struct code_case windows_cases[] = {
    {0, S, "ERROR_SUCCESS"},
    {1, E, "ERROR_INVALID_FUNCTION"},
    {2, E, "ERROR_FILE_NOT_FOUND"},
    {3, E, "ERROR_PATH_NOT_FOUND"},
    {5, E, "ERROR_ACCESS_DENIED"},
    {7, E, ""},
    {87, E, "ERROR_INVALID_PARAMETER"},
    {137, E, ""},
    {193, E, "ERROR_BAD_EXE_FORMAT"},
    {258, E, ""},
    {259, E, STILL_ACTIVE_LABEL},
    {260, E, ""},
    {740, E, "ERROR_ELEVATION_REQUIRED"},
    {1223, E, "ERROR_CANCELLED"},
    {3010, E, "ERROR_SUCCESS_REBOOT_REQUIRED"},
    {0x3FFFFFFF, E, ""},
    /* NTSTATUS informational */
    {0x40000000, I, ""},
    {0x40000015, I, "STATUS_FATAL_APP_EXIT"},
    {0x7FFFFFFF, I, ""},
    /* NTSTATUS warnings (facility 0), and HRESULT failures */
    {0x80000000LL, W, ""},
    {0x80000001LL, W, "STATUS_GUARD_PAGE_VIOLATION"},
    {0x80000002LL, W, "STATUS_DATATYPE_MISALIGNMENT"},
    {0x80000003LL, F, "STATUS_BREAKPOINT"}, /* an exception of the status mapping */
    {0x80000005LL, W, "STATUS_BUFFER_OVERFLOW"},
    {0x8000FFFELL, W, ""},
    {0x8000FFFFLL, E, "E_UNEXPECTED"},
    {0x80004001LL, E, "E_NOTIMPL"},
    {0x80004005LL, E, "E_FAIL"},
    {0x80010001LL, E, ""},
    {0x80070002LL, E, "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)"},
    {0x80070005LL, E, "E_ACCESSDENIED"},
    {0x80070007LL, E, ""},
    {0x80070057LL, E, "E_INVALIDARG"},
    {0x8007FFFFLL, E, ""},
    {0xA0000000LL, W, ""},
    {0xBFFFFFFFLL, E, ""},
    /* NTSTATUS errors; the exceptions fatal, even as plain exit codes */
    {0xC0000000LL, E, ""},
    {0xC0000001LL, E, "STATUS_UNSUCCESSFUL"},
    {0xC0000005LL, F, "STATUS_ACCESS_VIOLATION"},
    {0xC0000135LL, E, "STATUS_DLL_NOT_FOUND"},
    {0xC000013ALL, F, "STATUS_CONTROL_C_EXIT"},
    {0xC0000374LL, E, "STATUS_HEAP_CORRUPTION"},
    {0xC0000409LL, F, "STATUS_STACK_BUFFER_OVERRUN"},
    {0xE06D7363LL, E, ""},
    {0xFFFFFFFFLL, E, ""},
    {-1, E, ""},
    {0x100000000LL, E, ""},
};

static const struct code_case amiga_cases[] = {
    {0, S, "RETURN_OK"},
    {1, S, "below RETURN_WARN"},
    {4, S, "below RETURN_WARN"},
    {5, W, "RETURN_WARN"},
    {9, W, "RETURN_WARN"},
    {10, E, "RETURN_ERROR"},
    {19, E, "RETURN_ERROR"},
    {20, F, "RETURN_FAIL"},
    {21, F, "RETURN_FAIL"},
    {255, F, "RETURN_FAIL"},
    {0x7FFFFFFF, F, "RETURN_FAIL"},
    {0x80000000LL, F, "RETURN_FAIL"},
    {0xFFFFFFFFLL, F, "RETURN_FAIL"},
    {-1, E, ""},
    {0x100000000LL, E, ""},
};

static const struct code_case vms_cases[] = {
    {0, W, "STS$K_WARNING"},
    {1, S, "STS$K_SUCCESS"},
    {2, E, "STS$K_ERROR"},
    {3, I, "STS$K_INFO"},
    {4, F, "STS$K_SEVERE"},
    {5, E, "reserved severity 5"},
    {6, E, "reserved severity 6"},
    {7, E, "reserved severity 7"},
    {8, W, "STS$K_WARNING"},
    {9, S, "STS$K_SUCCESS"},
    {44, F, "STS$K_SEVERE"},         /* SS$_ABORT */
    {0x10000001, S, "STS$K_SUCCESS"}, /* SS$_NORMAL, message inhibited */
    {0x7FFFFFFF, E, "reserved severity 7"},
    {0x80000000LL, W, "STS$K_WARNING"},
    {0xFFFFFFFCLL, F, "STS$K_SEVERE"},
    {0xFFFFFFFFLL, E, "reserved severity 7"},
    {-1, E, ""},
    {0x100000001LL, E, ""},
};

#define FSCK_ALL                                                                                \
    "errors corrected, reboot needed, errors left uncorrected, operational error, usage or "     \
    "syntax error, cancelled by user, shared-library error"

static const struct code_case fsck_cases[] = {
    {0, S, "no errors"},
    {1, I, "errors corrected"},
    {2, W, "reboot needed"},
    {3, W, "errors corrected, reboot needed"},
    {4, E, "errors left uncorrected"},
    {5, E, "errors corrected, errors left uncorrected"},
    {8, E, "operational error"},
    {16, E, "usage or syntax error"},
    {32, W, "cancelled by user"},
    {33, W, "errors corrected, cancelled by user"},
    {64, E, ""}, /* no such flag */
    {65, I, "errors corrected"},
    {128, E, "shared-library error"},
    {255, E, FSCK_ALL},
    {256, E, ""},
    {0x7FFFFFFF, E, FSCK_ALL},
    {0x80000000LL, E, ""},
    {0xFFFFFFFFLL, E, FSCK_ALL},
    {-1, E, ""},
};

#define ROBOCOPY_ALL                                                                            \
    "files copied, extra files found, mismatched files found, some files not copied, serious "   \
    "error, no files copied"

static const struct code_case robocopy_cases[] = {
    {0, S, "no files copied, no errors"},
    {1, S, "files copied"},
    {2, I, "extra files found"},
    {3, I, "files copied, extra files found"},
    {4, W, "mismatched files found"},
    {5, W, "files copied, mismatched files found"},
    {6, W, "extra files found, mismatched files found"},
    {7, W, "files copied, extra files found, mismatched files found"},
    {8, E, "some files not copied"},
    {9, E, "files copied, some files not copied"},
    {15, E, "files copied, extra files found, mismatched files found, some files not copied"},
    {16, F, "serious error, no files copied"},
    {24, F, "some files not copied, serious error, no files copied"},
    {31, F, ROBOCOPY_ALL},
    {32, E, ""},
    {0x7FFFFFFF, F, ROBOCOPY_ALL},
    {0x80000000LL, E, ""},
    {0xFFFFFFFFLL, F, ROBOCOPY_ALL},
    {-1, E, ""},
};

static const struct code_case grep_cases[] = {
    {0, S, "match found"},  {1, I, "no match"},           {2, E, "error"},
    {3, E, "error"},        {255, E, "error"},            {0x7FFFFFFF, E, "error"},
    {0x80000000LL, E, "error"}, {0xFFFFFFFFLL, E, "error"}, {-1, E, ""},
    {0x100000000LL, E, ""},
};

static const struct code_case diff_cases[] = {
    {0, S, "no differences"},   {1, I, "differences found"},  {2, E, "trouble"},
    {3, E, "trouble"},          {255, E, "trouble"},          {0x7FFFFFFF, E, "trouble"},
    {0x80000000LL, E, "trouble"}, {0xFFFFFFFFLL, E, "trouble"}, {-2, E, ""},
};

static const struct code_case rsync_cases[] = {
    {0, S, "success"},
    {1, E, "syntax or usage error"},
    {2, E, "protocol incompatibility"},
    {3, E, "error selecting input/output files"},
    {4, E, "requested action not supported"},
    {5, E, "error starting client-server protocol"},
    {6, E, "daemon cannot append to its log file"},
    {7, E, ""},
    {9, E, ""},
    {10, E, "socket I/O error"},
    {11, E, "file I/O error"},
    {12, E, "error in the rsync protocol data stream"},
    {13, E, "error with program diagnostics"},
    {14, E, "IPC error"},
    {15, E, ""},
    {19, E, ""},
    {20, E, "interrupted by SIGUSR1 or SIGINT"},
    {21, E, "waitpid() failed"},
    {22, E, "cannot allocate memory buffers"},
    {23, E, "partial transfer due to error"},
    {24, W, "partial transfer, source files vanished"},
    {25, W, "--max-delete limit stopped deletions"},
    {26, E, ""},
    {29, E, ""},
    {30, E, "timeout in data send/receive"},
    {31, E, ""},
    {34, E, ""},
    {35, E, "timeout waiting for daemon connection"},
    {36, E, ""},
    {255, E, ""},
    {0x7FFFFFFF, E, ""},
    {0x80000000LL, E, ""},
    {0xFFFFFFFFLL, E, ""},
};

/* curl's 88 codes are checked by curl_codes; these are spot checks of labels */
static const struct code_case curl_cases[] = {
    {0, S, "CURLE_OK: success"},
    {6, E, "CURLE_COULDNT_RESOLVE_HOST: cannot resolve host"},
    {7, E, "CURLE_COULDNT_CONNECT: cannot connect"},
    {22, E, "CURLE_HTTP_RETURNED_ERROR: HTTP status 400 or more"},
    {28, E, "CURLE_OPERATION_TIMEDOUT: timed out"},
    {60, E, "CURLE_PEER_FAILED_VERIFICATION: certificate not verified"},
    {100, E, "CURLE_TOO_LARGE: value or data too large"},
    {101, E, ""},
    {0x7FFFFFFF, E, ""},
    {0x80000000LL, E, ""},
    {0xFFFFFFFFLL, E, ""},
};
/* clang-format on */

static const struct {
    const char *name;
    const struct code_case *cases;
    size_t n;
} builtin_cases[] = {
    {"posix", posix_cases, N_OF(posix_cases)},
    {"sysexits", sysexits_cases, N_OF(sysexits_cases)},
    {"windows", windows_cases, N_OF(windows_cases)},
    {"amiga", amiga_cases, N_OF(amiga_cases)},
    {"vms", vms_cases, N_OF(vms_cases)},
    {"fsck", fsck_cases, N_OF(fsck_cases)},
    {"robocopy", robocopy_cases, N_OF(robocopy_cases)},
    {"grep", grep_cases, N_OF(grep_cases)},
    {"diff", diff_cases, N_OF(diff_cases)},
    {"rsync", rsync_cases, N_OF(rsync_cases)},
    {"curl", curl_cases, N_OF(curl_cases)},
};

START_TEST(builtin_codes)
{
    const exitstat_codemap *map = builtin(builtin_cases[_i].name);
    size_t k;

    for (k = 0; k < builtin_cases[_i].n; k++) {
        const struct code_case *c = &builtin_cases[_i].cases[k];
        expect_code(map, builtin_cases[_i].name, c->code, c->severity, c->label);
    }
}
END_TEST

/* Every built-in: a death by signal is fatal, and a status that is not an
 * ending is refused. */
START_TEST(builtin_signals_and_non_endings)
{
    static const int32_t not_endings[] = {EXITSTAT_STOPPED, EXITSTAT_CONTINUED, EXITSTAT_UNKNOWN, 5,
                                          -1};
    const char *name = builtin_cases[_i].name;
    const exitstat_codemap *map = builtin(name);
    exitstat_status st = signaled(9), crash;
    char buf[LABEL_MAX];
    size_t k;

    /* a plain signal: only posix names it */
    expect(map, name, &st, F, strcmp(name, "posix") == 0 ? "killed by SIGKILL" : "");
    st.flags = EXITSTAT_F_COREDUMP | EXITSTAT_F_KILLED;
    expect(map, name, &st, F, strcmp(name, "posix") == 0 ? "killed by SIGKILL" : "");

    /* a Windows crash: the code holds the NTSTATUS, which no exit code entry
     * sees; the windows map names the exception */
    ck_assert_int_eq(exitstat_status_from_win32(0xC0000005u, &crash), 0);
    ck_assert_int_eq(crash.kind, EXITSTAT_SIGNALED);
    if (strcmp(name, "windows") == 0)
        expect(map, name, &crash, F, "STATUS_ACCESS_VIOLATION");
    else if (strcmp(name, "posix") == 0)
        expect(map, name, &crash, F, "killed by SIGSEGV");
    else
        expect(map, name, &crash, F, "");

    for (k = 0; k < N_OF(not_endings); k++) {
        st = exited(0);
        st.kind = not_endings[k];
        strcpy(buf, "untouched");
        ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), EXITSTAT_EINVAL);
        ck_assert_str_eq(buf, "untouched");
    }
}
END_TEST

/* 129..192: the shell's 128+N, named by this platform's signal names */
START_TEST(posix_128_plus_n)
{
    const exitstat_codemap *map = builtin("posix");
    char want[LABEL_MAX];
    int n;

    for (n = 1; n <= 64; n++) {
        const char *name = exitstat_signal_name(n);
        if (name)
            snprintf(want, sizeof(want), "killed by %s (128+%d)", name, n);
        else
            snprintf(want, sizeof(want), "killed by signal %d (128+%d)", n, n);
        expect_code(map, "posix", 128 + n, F, want);
    }
    expect_code(map, "posix", 137, F, "killed by SIGKILL (128+9)");
    expect_code(map, "posix", 143, F, "killed by SIGTERM (128+15)");

    /* a signal this platform has no name for */
    {
        exitstat_status st = signaled(200);
        expect(map, "posix", &st, F, "killed by signal 200");
    }
}
END_TEST

/* Every exception of the status mapping, as Windows reports it: fatal, with
 * its NTSTATUS name; and the windows map's top-bit rule over wide sweeps. */
START_TEST(windows_exceptions_and_severity_bits)
{
    static const uint32_t exceptions[] = {
        0xC0000005u, 0xC00000FDu, 0xC000008Cu, 0xC000001Du, 0xC0000096u, 0xC000008Du, 0xC000008Eu,
        0xC000008Fu, 0xC0000090u, 0xC0000091u, 0xC0000092u, 0xC0000093u, 0xC0000094u, 0xC0000095u,
        0xC00002B4u, 0xC00002B5u, 0xC0000409u, 0xC000013Au, 0x80000003u, 0xC0000006u,
    };
    static const uint32_t starts[] = {0x00000000u, 0x3FFF0000u, 0x40000000u,
                                      0x7FFF0000u, 0x80000000u, 0x80070000u,
                                      0xBFFF0000u, 0xC0000000u, 0xFFFF0000u};
    const exitstat_codemap *map = builtin("windows");
    exitstat_status st;
    char buf[LABEL_MAX];
    size_t k;

    for (k = 0; k < N_OF(exceptions); k++) {
        const char *name = exitstat_ntstatus_name(exceptions[k]);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(exitstat_status_from_win32(exceptions[k], &st), 0);
        ck_assert_int_eq(st.kind, EXITSTAT_SIGNALED);
        expect(map, "windows", &st, F, name);
        expect_code(map, "windows", exceptions[k], F, name);
    }

    for (k = 0; k < N_OF(starts); k++) {
        uint32_t lo;
        for (lo = 0; lo <= 0xFFFFu; lo++) {
            uint32_t code = starts[k] + lo;
            int want, got, exception;

            ck_assert_int_eq(exitstat_status_from_win32(code, &st), 0);
            exception = st.kind == EXITSTAT_SIGNALED;
            st = exited(code);
            got = exitstat_classify(&st, map, buf, sizeof(buf));
            if (code == 0)
                want = S;
            else if (exception)
                want = F;
            else if (code < 0x40000000u)
                want = E;
            else if (code < 0x80000000u)
                want = I;
            else if (code < 0xC0000000u)
                want = (code & 0x0FFF0000u) == 0 ? W : E;
            else
                want = E;
            /* FACILITY_NULL's HRESULTs are errors, though facility 0 */
            if (code == 0x80004001u || code == 0x80004002u || code == 0x80004003u ||
                code == 0x80004004u || code == 0x80004005u || code == 0x8000FFFFu)
                want = E;
            if (got != want)
                ck_abort_msg("windows 0x%08lX: severity %d, want %d", (unsigned long)code, got,
                             want);
            /* a label, when there is one, starts with the constant's name */
            if (buf[0] && strncmp(buf, "ERROR_", 6) != 0 && strncmp(buf, "STATUS_", 7) != 0 &&
                strncmp(buf, "E_", 2) != 0 && strncmp(buf, "HRESULT_FROM_WIN32(", 19) != 0)
                ck_abort_msg("windows 0x%08lX: label \"%s\"", (unsigned long)code, buf);
        }
    }

    /* every facility of the warning range: only facility 0 is an NTSTATUS
     * warning, whatever the customer and reserved bits say */
    for (k = 0; k <= 0x3FFF; k++) {
        uint32_t code = 0x80000000u | (uint32_t)k << 16 | 0x1234u;
        int want = (code & 0x0FFF0000u) == 0 ? W : E;
        int got;

        st = exited(code);
        got = exitstat_classify(&st, map, NULL, 0);
        if (got != want)
            ck_abort_msg("windows 0x%08lX: severity %d, want %d", (unsigned long)code, got, want);
    }
}
END_TEST

/* curl: every documented code is an error named after its CURLE_ constant;
 * the numbers curl retired have no label. */
START_TEST(curl_codes)
{
    static const int retired[] = {20, 24, 29, 32, 40, 44, 46, 50, 51, 57, 62, 75, 76, 81};
    const exitstat_codemap *map = builtin("curl");
    char buf[LABEL_MAX];
    int code, documented = 0;

    for (code = 1; code <= 120; code++) {
        exitstat_status st = exited(code);
        int is_retired = 0;
        size_t k;

        for (k = 0; k < N_OF(retired); k++)
            is_retired |= retired[k] == code;
        ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), E);
        if (is_retired || code > 100) {
            ck_assert_msg(buf[0] == '\0', "curl %d: \"%s\"", code, buf);
        } else {
            ck_assert_msg(strncmp(buf, "CURLE_", 6) == 0 && strstr(buf, ": ") != NULL,
                          "curl %d: \"%s\"", code, buf);
            documented++;
        }
    }
    ck_assert_int_eq(documented, 100 - (int)N_OF(retired));
}
END_TEST

/* The table maps written as specs: parsed and built-in must agree everywhere. */
static const struct {
    const char *name;
    const char *spec;
} equivalents[] = {
    {"amiga", "0=success:RETURN_OK; 1-4=success:below RETURN_WARN; 5-9=warning:RETURN_WARN;"
              "10-19=error:RETURN_ERROR; 20+=fatal:RETURN_FAIL"},
    {"fsck", "0=success:no errors; &1=info:errors corrected; &2=warning:reboot needed;"
             "&4=error:errors left uncorrected; &8=error:operational error;"
             "&16=error:usage or syntax error; &32=warning:cancelled by user;"
             "&128=error:shared-library error"},
    {"robocopy", "0=success:no files copied, no errors; &1=success:files copied;"
                 "&2=info:extra files found; &4=warning:mismatched files found;"
                 "&8=error:some files not copied; &16=fatal:serious error, no files copied;"},
    {"grep", "0=success:match found;\n1=info:no match;\n2+=error:error\n"},
    {"diff", "0 = success : no differences ; 1 = info : differences found ; 2+ = error : trouble"},
};

START_TEST(builtin_equals_spec)
{
    const exitstat_codemap *map = builtin(equivalents[_i].name);
    exitstat_codemap *parsed = parse_ok(equivalents[_i].spec);
    static const int64_t edges[] = {EDGE_CODES, -1, 0x100000000LL, INT64_MIN, INT64_MAX};
    char a[LABEL_MAX], b[LABEL_MAX];
    int64_t code;
    size_t k;

    for (code = -2; code <= 70000 + (int64_t)N_OF(edges); code++) {
        exitstat_status st = exited(code <= 70000 ? code : edges[code - 70001]);
        int sa = exitstat_classify(&st, map, a, sizeof(a));
        int sb = exitstat_classify(&st, parsed, b, sizeof(b));
        if (sa != sb || strcmp(a, b) != 0)
            ck_abort_msg("%s %lld: built-in %d \"%s\", spec %d \"%s\"", equivalents[_i].name,
                         (long long)st.code, sa, a, sb, b);
    }
    for (k = 1; k <= 64; k++) {
        exitstat_status st = signaled((int)k);
        ck_assert_int_eq(exitstat_classify(&st, map, a, sizeof(a)),
                         exitstat_classify(&st, parsed, b, sizeof(b)));
        ck_assert_str_eq(a, b);
    }
    exitstat_codemap_free(parsed);
}
END_TEST

/* The header's promise: LABEL_MAX bytes hold every built-in label; and a
 * short buffer gets a prefix of the same label. */
static void check_label_fits(const char *name, const exitstat_codemap *map, int64_t code)
{
    exitstat_status st = exited(code);
    char full[LABEL_MAX + 64], part[8];
    int sev = exitstat_classify(&st, map, full, sizeof(full));
    int sev2 = exitstat_classify(&st, map, part, sizeof(part));
    size_t want_part = strlen(full) < sizeof(part) ? strlen(full) : sizeof(part) - 1;

    if (sev < S || sev > F || sev2 != sev || strlen(full) >= LABEL_MAX ||
        strncmp(full, part, sizeof(part) - 1) != 0 || strlen(part) != want_part)
        ck_abort_msg("%s %lld: %d \"%s\" / %d \"%s\"", name, (long long)code, sev, full, sev2,
                     part);
    /* and the severity needs no buffer */
    if (exitstat_classify(&st, map, NULL, 0) != sev)
        ck_abort_msg("%s %lld: severity without a buffer", name, (long long)code);
}

START_TEST(builtin_labels_fit)
{
    /* where the windows map's rules and names change */
    static const uint32_t windows_starts[] = {0x00010000u, 0x40000000u, 0x80000000u,
                                              0x80070000u, 0xC0000000u, 0xFFFF0000u};
    static const int64_t edges[] = {EDGE_CODES, -1, 0x100000000LL, INT64_MIN, INT64_MAX};
    const char *name = builtin_cases[_i].name;
    const exitstat_codemap *map = builtin(name);
    int64_t code;
    size_t k;

    /* every code any table names (the largest is 3010) */
    for (code = 0; code < 4096; code++)
        check_label_fits(name, map, code);
    for (k = 0; k < N_OF(edges); k++)
        check_label_fits(name, map, edges[k]);
    for (k = 0; strcmp(name, "windows") == 0 && k < N_OF(windows_starts); k++)
        for (code = 0; code <= 0xFFFF; code++)
            check_label_fits(name, map, (int64_t)windows_starts[k] + code);
}
END_TEST

START_TEST(builtin_lookup)
{
    static const char *const names[] = {"posix",    "sysexits", "windows", "amiga", "vms", "fsck",
                                        "robocopy", "grep",     "diff",    "rsync", "curl"};
    static const char *const unknown[] = {"",      "POSIX", "Windows", "posix ",
                                          " grep", "nope",  "grep\n",  "g"};
    const exitstat_codemap *map, *again;
    char before[LABEL_MAX], after[LABEL_MAX];
    exitstat_status st = exited(1);
    size_t k;

    for (k = 0; k < N_OF(names); k++) {
        int sev;

        map = builtin(names[k]);
        ck_assert_int_eq(exitstat_codemap_builtin(names[k], &again), 0);
        ck_assert_ptr_eq(map, again); /* static data, not a copy */
        /* freeing a built-in does nothing: it still works afterwards */
        sev = exitstat_classify(&st, map, before, sizeof(before));
        ck_assert_int_ge(sev, S);
        exitstat_codemap_free((exitstat_codemap *)(uintptr_t)map);
        ck_assert_int_eq(exitstat_classify(&st, map, after, sizeof(after)), sev);
        ck_assert_str_eq(before, after);
    }
    for (k = 0; k < N_OF(unknown); k++) {
        map = builtin("posix");
        ck_assert_int_eq(exitstat_codemap_builtin(unknown[k], &map), EXITSTAT_EINVAL);
        ck_assert_ptr_null(map);
    }
    map = builtin("posix");
    ck_assert_int_eq(exitstat_codemap_builtin(NULL, &map), EXITSTAT_EINVAL);
    ck_assert_ptr_null(map);
    ck_assert_int_eq(exitstat_codemap_builtin("posix", NULL), EXITSTAT_EINVAL);
    exitstat_codemap_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------------- */
/* The parser: valid specs                                                    */
/* ------------------------------------------------------------------------- */

struct spec_case {
    const char *spec;
    struct code_case cases[8];
};

/* clang-format off */
#define END_CASES {0, -1, NULL}

static const struct spec_case valid_specs[] = {
    /* the contract's example */
    {"0=success;1=info:no match;2+=error:trouble",
     {{0, S, ""}, {1, I, "no match"}, {2, E, "trouble"}, {0xFFFFFFFFLL, E, "trouble"},
      {-1, E, ""}, END_CASES}},
    /* ranges, hex bounds, *; 0 is not in a range here, so * takes it */
    {"1-5=warning:low;6-0x10=error:mid;*=fatal:other",
     {{0, F, "other"}, {1, W, "low"}, {5, W, "low"}, {6, E, "mid"}, {16, E, "mid"},
      {17, F, "other"}, {-1, F, "other"}, END_CASES}},
    /* every matching mask applies, before any code entry */
    {"&1=info:a;&2=warning:b;&0x4=error:c;0=success:zero;7=fatal:never",
     {{0, S, "zero"}, {1, I, "a"}, {3, W, "a, b"}, {7, E, "a, b, c"}, {8, E, ""},
      {0xFFFFFFFFLL, E, "a, b, c"}, END_CASES}},
    /* masks without labels add no separators */
    {"&1=info;&2=warning:b;&4=error:",
     {{1, I, ""}, {3, W, "b"}, {7, E, "b"}, {6, E, "b"}, {5, E, ""}, END_CASES}},
    /* the first matching code entry wins */
    {"1-10=warning:a;5=error:b;5=fatal:c;*=info:x;*=fatal:y",
     {{5, W, "a"}, {11, I, "x"}, {0, I, "x"}, END_CASES}},
    /* the errorlevel rule: N+ is N or more; the order of entries decides */
    {"8+=error:failure;1+=info:changes;0=success:nothing",
     {{0, S, "nothing"}, {1, I, "changes"}, {7, I, "changes"}, {8, E, "failure"},
      {0xFFFFFFFFLL, E, "failure"}, END_CASES}},
    /* 32-bit limits, decimal and hex, either case */
    {"4294967295=fatal:max;0X7fffffff=info:half;0x80000000=warning:top;0xFfFfFfFe=error:x",
     {{0xFFFFFFFFLL, F, "max"}, {0x7FFFFFFF, I, "half"}, {0x80000000LL, W, "top"},
      {0xFFFFFFFELL, E, "x"}, {0x100000000LL, E, ""}, {0, S, ""}, END_CASES}},
    {"0-0xFFFFFFFF=info:all", {{0, I, "all"}, {0xFFFFFFFFLL, I, "all"}, {-1, E, ""}, END_CASES}},
    {"0+=warning:any", {{0, W, "any"}, {0xFFFFFFFFLL, W, "any"}, END_CASES}},
    {"&0xFFFFFFFF=info:some bit", {{0, S, ""}, {1, I, "some bit"}, {0x80000000LL, I, "some bit"},
                                   END_CASES}},
    {"5-5=info:five", {{4, E, ""}, {5, I, "five"}, {6, E, ""}, END_CASES}},
    /* decimal with leading zeros is still decimal */
    {"010=error:ten;0x010=info:sixteen", {{8, E, ""}, {10, E, "ten"}, {16, I, "sixteen"},
                                          END_CASES}},
    /* spaces, tabs and line ends around the parts; inside a label they stay */
    {"  0 = success : all  good  ;\n1\t=\terror\t:\tbad thing\n;\r\n",
     {{0, S, "all  good"}, {1, E, "bad thing"}, END_CASES}},
    /* a label may hold anything but ';' */
    {"1=error:a:b=c, d & e * f+ 2-3 signal",
     {{1, E, "a:b=c, d & e * f+ 2-3 signal"}, END_CASES}},
    {"1=error:\xc3\xa9" "chec \xe2\x9c\x97", {{1, E, "\xc3\xa9" "chec \xe2\x9c\x97"}, END_CASES}},
    /* labels that are empty after trimming */
    {"0=success:;1=error:   ", {{0, S, ""}, {1, E, ""}, END_CASES}},
    /* one trailing ';', even followed by blanks */
    {"0=success;", {{0, S, ""}, {1, E, ""}, END_CASES}},
    {"0=fatal:zero; \t\n", {{0, F, "zero"}, END_CASES}},
    {"*=warning", {{0, W, ""}, {99, W, ""}, {-5, W, ""}, END_CASES}},
};
/* clang-format on */

START_TEST(parse_valid)
{
    const struct spec_case *sc = &valid_specs[_i];
    exitstat_codemap *map = parse_ok(sc->spec);
    size_t k;

    for (k = 0; sc->cases[k].label; k++)
        expect_code(map, sc->spec, sc->cases[k].code, sc->cases[k].severity, sc->cases[k].label);
    exitstat_codemap_free(map);
}
END_TEST

START_TEST(parse_signal_entries)
{
    exitstat_codemap *map;
    exitstat_status st = signaled(9), crash;

    ck_assert_int_eq(exitstat_status_from_win32(0xC00000FDu, &crash), 0);

    map = parse_ok("signal=warning:killed;0=success;signal=fatal:second");
    expect(map, "signal", &st, W, "killed");
    expect(map, "signal", &crash, W, "killed");
    expect_code(map, "signal", 0, S, "");
    exitstat_codemap_free(map);

    map = parse_ok(" signal = info ");
    expect(map, "signal", &st, I, "");
    exitstat_codemap_free(map);

    /* without a signal entry a death is fatal, whatever the code entries say:
     * not even the NTSTATUS in a Windows exception status matches them */
    map = parse_ok("*=success:anything;0xC00000FD=info:stack;0+=info");
    expect(map, "no signal", &st, F, "");
    expect(map, "no signal", &crash, F, "");
    exitstat_codemap_free(map);
}
END_TEST

/* ------------------------------------------------------------------------- */
/* The parser: invalid specs                                                  */
/* ------------------------------------------------------------------------- */

/* clang-format off */
static const char *const invalid_specs[] = {
    /* empty, or empty entries */
    "", " ", "\n", ";", ";;", ";0=success", "0=success;;", "0=success;;1=error",
    "0=success; ;1=error", "0=success;\t;",
    /* no '=', no MATCH, no SEVERITY */
    "0", "0success", "=success", "0=", "0= ", "0=:label", "0==success", "success",
    /* unknown severities */
    "0=bogus", "0=Success", "0=ERROR", "0=errors", "0=err", "0=warn", "0=ok", "0=fatal1",
    "0=error x", "0=error label", "0=success=error", "0=success,1=error",
    /* ranges */
    "5-1=error", "0x10-0xF=error", "1-=error", "-1=error", "1--2=error", "1-2-3=error",
    "1 -2=error", "1- 2=error", "1 - 2=error", "1+2=error", "1++=error", "+1=error",
    "1-+=error",
    /* masks */
    "&0=error", "&0x0=error", "&=error", "&x=error", "& 1=error", "&&1=error", "&1-2=error",
    "&1+=error",
    /* numbers */
    "4294967296=error", "0x100000000=error", "99999999999999999999999=error",
    "0x1ffffffff=error", "4294967295-4294967296=error", "&0x100000000=error",
    "0x=error", "0X=error", "0xg=error", "1e3=error", "1.0=error", "x1=error",
    "0o7=error", "1_000=error", "\xd9\xa1=error",
    /* * and signal */
    "**=error", "* *=error", "*1=error", "signals=error", "signal5=error", "SIGNAL=error",
    "sig=error", "signal-1=error",
    /* trailing garbage */
    "0=success:label;1", "0=success:ok;garbage", "0=success x:label", "0=success;1=error;x",
};
/* clang-format on */

/* one test for them all: a forked test each would cost more than they do */
START_TEST(parse_invalid)
{
    size_t k;

    for (k = 0; k < N_OF(invalid_specs); k++) {
        exitstat_codemap *map = (exitstat_codemap *)(uintptr_t)1;
        int rc = exitstat_codemap_parse(invalid_specs[k], &map);

        ck_assert_msg(rc == EXITSTAT_EINVAL, "parse(\"%s\") = %d", invalid_specs[k], rc);
        ck_assert_msg(map == NULL, "parse(\"%s\") left *out set", invalid_specs[k]);
    }
}
END_TEST

START_TEST(parse_null_arguments)
{
    exitstat_codemap *map = (exitstat_codemap *)(uintptr_t)1;

    ck_assert_int_eq(exitstat_codemap_parse(NULL, &map), EXITSTAT_EINVAL);
    ck_assert_ptr_null(map);
    ck_assert_int_eq(exitstat_codemap_parse("0=success", NULL), EXITSTAT_EINVAL);
}
END_TEST

/* a spec of n entries "K=info:eK;" */
static char *many_entries(size_t n, int trailing)
{
    char *spec = malloc(n * 24 + 1), *p = spec;
    size_t k;

    ck_assert_ptr_nonnull(spec);
    for (k = 0; k < n; k++) {
        const char *sep = k + 1 < n || trailing ? ";" : "";
        p += sprintf(p, "%u=info:e%u%s", (unsigned)k, (unsigned)k, sep);
    }
    return spec;
}

START_TEST(parse_limits)
{
    const size_t max_bytes = 65536;
    exitstat_codemap *map;
    char *spec, label[16];
    exitstat_status st;

    /* 1024 entries, with or without a trailing ';' */
    spec = many_entries(1024, 0);
    map = parse_ok(spec);
    expect_code(map, "1024", 1023, I, "e1023");
    expect_code(map, "1024", 1024, E, "");
    exitstat_codemap_free(map);
    free(spec);
    spec = many_entries(1024, 1);
    map = parse_ok(spec);
    exitstat_codemap_free(map);
    free(spec);

    /* 1025 are too many, with or without */
    spec = many_entries(1025, 0);
    map = (exitstat_codemap *)(uintptr_t)1;
    ck_assert_int_eq(exitstat_codemap_parse(spec, &map), EXITSTAT_EINVAL);
    ck_assert_ptr_null(map);
    free(spec);
    spec = many_entries(1025, 1);
    ck_assert_int_eq(exitstat_codemap_parse(spec, &map), EXITSTAT_EINVAL);
    free(spec);

    /* exactly 65536 bytes: one entry with a long label */
    spec = malloc(max_bytes + 2);
    ck_assert_ptr_nonnull(spec);
    memcpy(spec, "7=error:", 8);
    memset(spec + 8, 'L', max_bytes - 8);
    spec[max_bytes] = '\0';
    map = parse_ok(spec);
    st = exited(7);
    ck_assert_int_eq(exitstat_classify(&st, map, label, sizeof(label)), E);
    ck_assert_str_eq(label, "LLLLLLLLLLLLLLL");
    {
        char *big = malloc(max_bytes);
        ck_assert_ptr_nonnull(big);
        ck_assert_int_eq(exitstat_classify(&st, map, big, max_bytes), E);
        ck_assert_uint_eq(strlen(big), max_bytes - 8);
        free(big);
    }
    exitstat_codemap_free(map);

    /* one byte more is too long, however valid */
    spec[max_bytes] = 'L';
    spec[max_bytes + 1] = '\0';
    map = (exitstat_codemap *)(uintptr_t)1;
    ck_assert_int_eq(exitstat_codemap_parse(spec, &map), EXITSTAT_EINVAL);
    ck_assert_ptr_null(map);
    free(spec);

    /* a megabyte of separators, and of digits: refused, quickly */
    spec = malloc(1 << 20);
    ck_assert_ptr_nonnull(spec);
    memset(spec, ';', (1 << 20) - 1);
    spec[(1 << 20) - 1] = '\0';
    ck_assert_int_eq(exitstat_codemap_parse(spec, &map), EXITSTAT_EINVAL);
    memset(spec, '9', (1 << 20) - 1);
    ck_assert_int_eq(exitstat_codemap_parse(spec, &map), EXITSTAT_EINVAL);
    /* and 60000 digits of a number, under the byte limit */
    spec[60000] = '=';
    strcpy(spec + 60001, "error");
    ck_assert_int_eq(exitstat_codemap_parse(spec, &map), EXITSTAT_EINVAL);
    /* leading zeros do not make a number long */
    memset(spec, '0', 60000);
    spec[59999] = '7';
    map = parse_ok(spec);
    expect_code(map, "zeros", 7, E, "");
    expect_code(map, "zeros", 0, S, "");
    exitstat_codemap_free(map);
    free(spec);
}
END_TEST

/* The parsed map owns a copy: the spec may go away. */
START_TEST(parse_copies_the_spec)
{
    char spec[] = "3=warning:three;4=error:four";
    exitstat_codemap *map = parse_ok(spec);

    memset(spec, 0, sizeof(spec));
    expect_code(map, "copy", 3, W, "three");
    expect_code(map, "copy", 4, E, "four");
    exitstat_codemap_free(map);
}
END_TEST

/* ------------------------------------------------------------------------- */
/* exitstat_classify's arguments and its label buffer                         */
/* ------------------------------------------------------------------------- */

START_TEST(classify_arguments)
{
    exitstat_codemap *map = parse_ok("&1=info:one;&2=warning:two");
    exitstat_status st = exited(3);
    char buf[16];

    ck_assert_int_eq(exitstat_classify(NULL, map, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_classify(&st, NULL, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_classify(&st, map, NULL, 1), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_classify(&st, map, NULL, 0), W);

    /* truncated like snprintf: "one, two" in smaller and smaller buffers */
    strcpy(buf, "untouched");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, 0), W);
    ck_assert_str_eq(buf, "untouched");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, 1), W);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, 4), W);
    ck_assert_str_eq(buf, "one");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, 5), W);
    ck_assert_str_eq(buf, "one,");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, 8), W);
    ck_assert_str_eq(buf, "one, tw");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, 9), W);
    ck_assert_str_eq(buf, "one, two");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), W);
    ck_assert_str_eq(buf, "one, two");

    /* no label: the buffer is emptied */
    st = exited(4);
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), E);
    ck_assert_str_eq(buf, "");

    /* not an ending: refused, and the buffer left alone */
    st.kind = EXITSTAT_STOPPED;
    st.signal = 19;
    strcpy(buf, "untouched");
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_str_eq(buf, "untouched");

    /* statuses made by the decoders */
    ck_assert_int_eq(exitstat_status_from_wait(0x0100, &st), 0); /* exit(1) */
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), I);
    ck_assert_str_eq(buf, "one");
    ck_assert_int_eq(exitstat_status_from_wait(0x0009, &st), 0); /* SIGKILL */
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), F);
    ck_assert_int_eq(exitstat_status_from_wait(0xffff, &st), 0); /* continued */
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), EXITSTAT_EINVAL);
    ck_assert_int_eq(exitstat_status_from_shell(130, &st), 0); /* SIGINT */
    ck_assert_int_eq(exitstat_classify(&st, map, buf, sizeof(buf)), F);
    exitstat_codemap_free(map);
}
END_TEST

Suite *suite_codemap(void)
{
    Suite *s = suite_create("codemap");
    TCase *tc = tcase_create("builtin");

    tcase_add_loop_test(tc, builtin_codes, 0, (int)N_OF(builtin_cases));
    tcase_add_loop_test(tc, builtin_signals_and_non_endings, 0, (int)N_OF(builtin_cases));
    tcase_add_test(tc, posix_128_plus_n);
    tcase_add_test(tc, windows_exceptions_and_severity_bits);
    tcase_add_test(tc, curl_codes);
    tcase_add_loop_test(tc, builtin_equals_spec, 0, (int)N_OF(equivalents));
    tcase_add_loop_test(tc, builtin_labels_fit, 0, (int)N_OF(builtin_cases));
    tcase_add_test(tc, builtin_lookup);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, parse_valid, 0, (int)N_OF(valid_specs));
    tcase_add_test(tc, parse_signal_entries);
    tcase_add_test(tc, parse_invalid);
    tcase_add_test(tc, parse_null_arguments);
    tcase_add_test(tc, parse_limits);
    tcase_add_test(tc, parse_copies_the_spec);
    suite_add_tcase(s, tc);

    tc = tcase_create("classify");
    tcase_add_test(tc, classify_arguments);
    suite_add_tcase(s, tc);
    return s;
}
