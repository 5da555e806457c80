/*
 * win32/unicode.c - UTF-8 <-> UTF-16, strictly.
 *
 * Every string the caller gives is UTF-8 and reaches the system as UTF-16
 * through the W functions only: the A functions, and best-fit conversions to
 * a code page, can turn look-alike characters into '"' or '\\' and so inject
 * arguments ("WorstFit"). Invalid UTF-8 (stray continuation bytes, overlong
 * forms, encoded surrogates, truncated sequences) is refused with
 * EXITSTAT_EINVAL rather than replaced, so that what runs is exactly what the
 * caller asked for.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int exitstat__utf16_n(const char *s, size_t len, wchar_t **out)
{
    wchar_t *w;
    int n = 0;

    *out = NULL;
    if (len > INT_MAX)
        return EXITSTAT_E2BIG;
    if (len > 0) {
        n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, (int)len, NULL, 0);
        if (n <= 0)
            return GetLastError() == ERROR_NO_UNICODE_TRANSLATION ? EXITSTAT_EINVAL
                                                                  : exitstat__last_error();
    }
    w = malloc(((size_t)n + 1) * sizeof(*w));
    if (!w)
        return EXITSTAT_ENOMEM;
    if (len > 0 && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, (int)len, w, n) != n) {
        free(w);
        return EXITSTAT_EINVAL;
    }
    w[n] = L'\0';
    *out = w;
    return 0;
}

int exitstat__utf16(const char *s, wchar_t **out)
{
    return exitstat__utf16_n(s, strlen(s), out);
}

int exitstat__utf8(const wchar_t *s, char **out)
{
    size_t len = wcslen(s);
    char *p;
    int n = 0;

    *out = NULL;
    if (len > INT_MAX)
        return EXITSTAT_E2BIG;
    if (len > 0) {
        n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, (int)len, NULL, 0, NULL, NULL);
        if (n <= 0)
            return GetLastError() == ERROR_NO_UNICODE_TRANSLATION ? EXITSTAT_EINVAL
                                                                  : exitstat__last_error();
    }
    p = malloc((size_t)n + 1);
    if (!p)
        return EXITSTAT_ENOMEM;
    if (len > 0 &&
        WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, (int)len, p, n, NULL, NULL) != n) {
        free(p);
        return EXITSTAT_EINVAL;
    }
    p[n] = '\0';
    *out = p;
    return 0;
}

wchar_t *exitstat__wcsdup(const wchar_t *s)
{
    size_t n = (wcslen(s) + 1) * sizeof(*s);
    wchar_t *p = malloc(n);

    if (p)
        memcpy(p, s, n);
    return p;
}
