/*
 * runner.c - runs one Check suite by name, or all of them.
 *
 *   test-runner SUITE     run that suite (meson registers one test per suite, so
 *                         on Windows, where Check cannot fork, a crash in one
 *                         suite cannot hide the results of the others)
 *   test-runner --list    print the suite names
 *
 * Exit status: 0 if every test passed, 1 if one failed, 77 (meson's SKIP) for a
 * suite that skips itself as a whole, 2 for a usage error.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "tests.h"

static const struct {
    const char *name;
    Suite *(*make)(void);
} suites[] = {
    {"status", suite_status},
    {"errors", suite_errors},
#ifdef EXITSTAT_TEST_FAULT
    {"fault", suite_fault},
#endif
    {"quote", suite_quote},
    {"communicate", suite_communicate},
    {"spawn", suite_spawn},
    {"wait", suite_wait},
    {"kill", suite_kill},
    {"threads", suite_threads},
    {"env", suite_env},
    {"path", suite_path},
    {"fds", suite_fds},
    {"signals", suite_signals},
    {"codemap", suite_codemap},
#ifdef _WIN32
    {"win32", suite_win32},
    {"win32-many", suite_win32_many},
#endif
};

int main(int argc, char **argv)
{
    SRunner *sr = NULL;
    size_t i;
    int failed;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
            puts(suites[i].name);
        return 0;
    }
    for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        if (argc >= 2 && strcmp(argv[1], suites[i].name) != 0)
            continue;
        if (!sr)
            sr = srunner_create(suites[i].make());
        else
            srunner_add_suite(sr, suites[i].make());
    }
    if (!sr) {
        fprintf(stderr, "usage: %s [SUITE | --list]\n", argv[0]);
        return 2;
    }
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
