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

Suite *suite_status(void);
Suite *suite_errors(void);

#endif
