/*
 * test-errors.c - versions, error codes and their texts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests.h"

START_TEST(version_matches_macros_and_build)
{
    char want[32];

    snprintf(want, sizeof(want), "%d.%d.%d", EXITSTAT_VERSION_MAJOR, EXITSTAT_VERSION_MINOR,
             EXITSTAT_VERSION_PATCH);
    ck_assert_str_eq(exitstat_version(), want);
    /* the build system's version (meson.build) and the header agree */
    ck_assert_str_eq(exitstat_version(), EXITSTAT_TEST_PROJECT_VERSION);
    ck_assert_int_eq(EXITSTAT_VERSION_NUMBER, (EXITSTAT_VERSION_MAJOR << 16) |
                                                  (EXITSTAT_VERSION_MINOR << 8) |
                                                  EXITSTAT_VERSION_PATCH);
}
END_TEST

static const struct {
    int value;
    const char *name;
} codes[] = {
    {EXITSTAT_OK, "EXITSTAT_OK"},
    {EXITSTAT_EINVAL, "EXITSTAT_EINVAL"},
    {EXITSTAT_ENOMEM, "EXITSTAT_ENOMEM"},
    {EXITSTAT_ENOENT, "EXITSTAT_ENOENT"},
    {EXITSTAT_EACCES, "EXITSTAT_EACCES"},
    {EXITSTAT_ENOEXEC, "EXITSTAT_ENOEXEC"},
    {EXITSTAT_E2BIG, "EXITSTAT_E2BIG"},
    {EXITSTAT_EMFILE, "EXITSTAT_EMFILE"},
    {EXITSTAT_EAGAIN, "EXITSTAT_EAGAIN"},
    {EXITSTAT_ETIMEDOUT, "EXITSTAT_ETIMEDOUT"},
    {EXITSTAT_ECHILD, "EXITSTAT_ECHILD"},
    {EXITSTAT_ENOSYS, "EXITSTAT_ENOSYS"},
    {EXITSTAT_EUNSAFE, "EXITSTAT_EUNSAFE"},
    {EXITSTAT_ENOTDIR, "EXITSTAT_ENOTDIR"},
    {EXITSTAT_EIO, "EXITSTAT_EIO"},
};

START_TEST(codes_are_fixed)
{
    /* the numbers are ABI: they never change */
    ck_assert_int_eq(EXITSTAT_OK, 0);
    ck_assert_int_eq(EXITSTAT_EINVAL, -1);
    ck_assert_int_eq(EXITSTAT_ENOMEM, -2);
    ck_assert_int_eq(EXITSTAT_ENOENT, -3);
    ck_assert_int_eq(EXITSTAT_EACCES, -4);
    ck_assert_int_eq(EXITSTAT_ENOEXEC, -5);
    ck_assert_int_eq(EXITSTAT_E2BIG, -6);
    ck_assert_int_eq(EXITSTAT_EMFILE, -7);
    ck_assert_int_eq(EXITSTAT_EAGAIN, -8);
    ck_assert_int_eq(EXITSTAT_ETIMEDOUT, -9);
    ck_assert_int_eq(EXITSTAT_ECHILD, -10);
    ck_assert_int_eq(EXITSTAT_ENOSYS, -11);
    ck_assert_int_eq(EXITSTAT_EUNSAFE, -12);
    ck_assert_int_eq(EXITSTAT_ENOTDIR, -13);
    ck_assert_int_eq(EXITSTAT_EIO, -14);
    ck_assert_uint_eq(sizeof(exitstat_status), 32);
}
END_TEST

START_TEST(names_and_texts)
{
    size_t i, j;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *text = exitstat_strerror(codes[i].value);
        ck_assert_str_eq(exitstat_errname(codes[i].value), codes[i].name);
        ck_assert_ptr_nonnull(text);
        ck_assert_uint_gt(strlen(text), 3);
        ck_assert_str_ne(text, "unknown error");
        for (j = 0; j < i; j++)
            ck_assert_str_ne(text, exitstat_strerror(codes[j].value));
    }
    ck_assert_str_eq(exitstat_strerror(0), "success");
}
END_TEST

START_TEST(unknown_values)
{
    static const int odd[] = {1, 2, 100, -15, -16, -1000, INT_MIN, INT_MAX};
    size_t i;

    for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        ck_assert_ptr_null(exitstat_errname(odd[i]));
        ck_assert_str_eq(exitstat_strerror(odd[i]), "unknown error");
    }
}
END_TEST

Suite *suite_errors(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("errors");

    tcase_add_test(tc, version_matches_macros_and_build);
    tcase_add_test(tc, codes_are_fixed);
    tcase_add_test(tc, names_and_texts);
    tcase_add_test(tc, unknown_values);
    suite_add_tcase(s, tc);
    return s;
}
