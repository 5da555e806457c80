/*
 * fuzz-codemap.c - libFuzzer target for the code-map parser and classifier.
 *
 * The input is a spec (up to its first NUL). Whatever it is, parsing must end
 * in 0 and a map, or EXITSTAT_EINVAL and NULL, without a crash, a leak or
 * undefined behaviour (the sanitizers watch). A parsed map then classifies a
 * set of statuses chosen to reach every rule: codes at the 32-bit edges and
 * outside them, signals, a Windows exception, non-endings; and the invariants
 * of exitstat_classify are checked: a severity in range, a NUL-terminated
 * label within the buffer, the same severity and a prefix of the same label
 * in a short buffer. The last 4 bytes of the input also serve as an exit code,
 * given to the parsed map and to one built-in map (picked by the first byte),
 * so the classifiers of the windows, vms and posix maps get fuzzed too.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const builtins[] = {"posix",    "sysexits", "windows", "amiga", "vms", "fsck",
                                       "robocopy", "grep",     "diff",    "rsync", "curl"};

static exitstat_status make(int32_t kind, int64_t code, int32_t sig, uint32_t flags)
{
    exitstat_status st;

    memset(&st, 0, sizeof(st));
    st.kind = kind;
    st.code = code;
    st.signal = sig;
    st.flags = flags;
    return st;
}

static void check(const exitstat_status *st, const exitstat_codemap *map)
{
    char full[512], part[5];
    int sev = exitstat_classify(st, map, full, sizeof(full));
    int sev2 = exitstat_classify(st, map, part, sizeof(part));
    int sev3 = exitstat_classify(st, map, NULL, 0);

    if (sev2 != sev || sev3 != sev)
        abort();
    if (sev < 0) {
        /* only a status that is not an ending is refused */
        if (sev != EXITSTAT_EINVAL || st->kind == EXITSTAT_EXITED || st->kind == EXITSTAT_SIGNALED)
            abort();
        return;
    }
    if (sev > EXITSTAT_SEV_FATAL)
        abort();
    if (!memchr(full, '\0', sizeof(full)) || !memchr(part, '\0', sizeof(part)))
        abort();
    if (strncmp(full, part, strlen(part)) != 0 ||
        (strlen(part) < sizeof(part) - 1 && strcmp(full, part) != 0))
        abort();
}

static void classify_all(const exitstat_codemap *map, uint32_t extra)
{
    /* clang-format off */
    static const int64_t codes[] = {
        0, 1, 2, 5, 8, 127, 128, 137, 255, 256, 259, 0x7FFFFFFF, 0x80000000LL, 0xC0000005LL,
        0xFFFFFFFFLL, -1, 0x100000000LL, INT64_MIN, INT64_MAX
    };
    /* clang-format on */
    exitstat_status st;
    size_t i;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        st = make(EXITSTAT_EXITED, codes[i], 0, 0);
        check(&st, map);
    }
    st = make(EXITSTAT_EXITED, extra, 0, 0);
    check(&st, map);
    st = make(EXITSTAT_SIGNALED, 0, 9, 0);
    check(&st, map);
    st = make(EXITSTAT_SIGNALED, extra, (int32_t)(extra & 0x7F), EXITSTAT_F_EXCEPTION);
    check(&st, map);
    exitstat_status_from_win32(extra, &st);
    check(&st, map);
    exitstat_status_from_wait((int)(extra & 0xFFFF), &st);
    check(&st, map);
    st = make(EXITSTAT_STOPPED, 0, 19, 0);
    check(&st, map);
    st = make((int32_t)extra, (int64_t)extra, 0, 0);
    check(&st, map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exitstat_codemap *map = (exitstat_codemap *)(uintptr_t)1;
    uint32_t extra = 0;
    char *spec;
    size_t i;
    int rc;

    for (i = size >= 4 ? size - 4 : 0; i < size; i++)
        extra = extra << 8 | data[i];

    spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';

    rc = exitstat_codemap_parse(spec, &map);
    if (rc == 0) {
        if (!map)
            abort();
        /* the map must not depend on the caller's copy of the spec */
        memset(spec, 0x5A, size);
        classify_all(map, extra);
        exitstat_codemap_free(map);
    } else if ((rc != EXITSTAT_EINVAL && rc != EXITSTAT_ENOMEM) || map != NULL) {
        abort();
    }
    free(spec);

    /* one built-in per input, picked by its first byte: all of them for every
     * input would slow the parser's fuzzing tenfold */
    if (size > 0) {
        const exitstat_codemap *b;
        if (exitstat_codemap_builtin(builtins[data[0] % (sizeof(builtins) / sizeof(builtins[0]))],
                                     &b) != 0)
            abort();
        classify_all(b, extra);
    }
    return 0;
}
