/*
 * tests.h - what every test file shares: the Check include, the suite list
 * (registered explicitly in runner.c, no linker-section tricks), and a few
 * helpers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_TESTS_H
#define EXITSTAT_TESTS_H

#include <check.h>

#include "exitstat.h"

Suite *suite_codemap(void);
Suite *suite_status(void);
Suite *suite_errors(void);
Suite *suite_fault(void);
Suite *suite_quote(void);
Suite *suite_communicate(void);
Suite *suite_spawn(void);
Suite *suite_wait(void);
Suite *suite_kill(void);
Suite *suite_threads(void);
Suite *suite_env(void);
Suite *suite_path(void);
Suite *suite_fds(void);
Suite *suite_signals(void);
Suite *suite_win32(void);      /* Windows only */
Suite *suite_win32_many(void); /* Windows only */

#endif
