/*
 * duration.c - the durations of -t and -k ("500ms", "2s", "1.5s", "1m"), and
 * how long a command took, for people.
 *
 * Parsing is exact integer arithmetic: no strtod, so no locale (a decimal
 * comma), no "1e3", no "inf", no "0x10", no rounding surprises. Anything the
 * grammar does not say is rejected rather than guessed at.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <string.h>

/* fraction digits kept exactly; 10^12 * 3600000 (an hour in ms) < 2^63 */
#define FRACTION_DIGITS 12

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 *   duration = digits [ "." digits ] [ unit ]
 *   unit     = "ms" | "s" | "m" | "h"        (none: seconds, as timeout(1))
 */
int duration_parse(const char *text, int64_t *ms)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"", 1000}};
    int64_t whole = 0, frac = 0, scale = 1, unit = -1, part, q;
    int sticky = 0, digits = 0;
    const char *p = text;
    size_t i;

    if (!text || !is_digit(*p))
        return -1;
    for (; is_digit(*p); p++) {
        if (whole > (INT64_MAX - (*p - '0')) / 10)
            return -1;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return -1;
        for (; is_digit(*p); p++) {
            if (digits < FRACTION_DIGITS) {
                frac = frac * 10 + (*p - '0');
                scale *= 10;
                digits++;
            } else if (*p != '0') {
                sticky = 1; /* only matters for rounding up */
            }
        }
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].name) == 0) {
            unit = units[i].ms;
            break;
        }
    }
    if (unit < 0)
        return -1;

    if (whole > INT64_MAX / unit)
        return -1;
    whole *= unit;
    /* the fraction in ms, rounded up: 0.0001s is 1 ms, never 0 (which would
     * mean "no timeout" to -t) */
    part = frac * unit;
    q = part / scale;
    if (part % scale != 0 || sticky)
        q++;
    if (whole > INT64_MAX - q)
        return -1;
    *ms = whole + q;
    return 0;
}

void duration_format(int64_t us, char *buf, size_t size)
{
    int64_t s, h, m;

    if (us < 0) {
        snprintf(buf, size, "?");
        return;
    }
    s = us / 1000000;
    if (s < 60) {
        snprintf(buf, size, "%d.%03ds", (int)s, (int)(us % 1000000 / 1000));
        return;
    }
    h = s / 3600;
    m = s / 60 % 60;
    if (h == 0)
        snprintf(buf, size, "%dm%02d.%ds", (int)m, (int)(s % 60), (int)(us % 1000000 / 100000));
    else
        snprintf(buf, size, "%lldh%02dm%02ds", (long long)h, (int)m, (int)(s % 60));
}

void duration_format_ms(int64_t ms, char *buf, size_t size)
{
    /* as a person would have written it: 200ms, 2s, 1.5s, 3m, 1h */
    if (ms > 0 && ms % 3600000 == 0)
        snprintf(buf, size, "%lldh", (long long)(ms / 3600000));
    else if (ms > 0 && ms % 60000 == 0)
        snprintf(buf, size, "%lldm", (long long)(ms / 60000));
    else if (ms >= 1000 && ms % 1000 == 0)
        snprintf(buf, size, "%llds", (long long)(ms / 1000));
    else if (ms >= 1000 && ms % 100 == 0)
        snprintf(buf, size, "%lld.%llds", (long long)(ms / 1000), (long long)(ms % 1000 / 100));
    else
        snprintf(buf, size, "%lldms", (long long)ms);
}
