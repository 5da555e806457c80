/*
 * json.c - compact JSON output, always valid whatever bytes come in.
 *
 * Command lines, labels and file names are bytes on POSIX: nothing makes them
 * UTF-8. JSON text must be Unicode, so the escaper decodes UTF-8 strictly and
 * replaces what is not UTF-8 with U+FFFD, one replacement per maximal subpart
 * of an ill-formed sequence (the Unicode standard's recommended practice,
 * chapter 3, "U+FFFD Substitution of Maximal Subparts"; the WHATWG Encoding
 * standard decodes the same way). Overlong forms, surrogates (ED A0..BF) and
 * values above U+10FFFF are ill-formed. Escaping a bad byte as \u00XX instead
 * would silently turn it into a different, valid character.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <inttypes.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

/* The length of the well-formed UTF-8 sequence at s (1..4), or 0 if s starts
 * an ill-formed one; *bad is then the length of its maximal subpart (1..3),
 * which becomes one U+FFFD. Never reads past a NUL: a NUL is never a valid
 * continuation byte. */
static size_t utf8_sequence(const unsigned char *s, size_t *bad)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            lo = 0x90; /* overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *bad = 1; /* 80..C1, F5..FF never start a sequence */
        return 0;
    }
    for (i = 1; i <= need; i++) {
        if (s[i] < lo || s[i] > hi) {
            *bad = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

void json_write_string(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;

    putc('"', f);
    while (*s) {
        size_t n, bad = 0;

        switch (*s) {
        case '"':
            fputs("\\\"", f);
            s++;
            continue;
        case '\\':
            fputs("\\\\", f);
            s++;
            continue;
        case '\b':
            fputs("\\b", f);
            s++;
            continue;
        case '\f':
            fputs("\\f", f);
            s++;
            continue;
        case '\n':
            fputs("\\n", f);
            s++;
            continue;
        case '\r':
            fputs("\\r", f);
            s++;
            continue;
        case '\t':
            fputs("\\t", f);
            s++;
            continue;
        default: break;
        }
        if (*s < 0x20 || *s == 0x7F) {
            /* JSON requires escaping only below 0x20; DEL too keeps the
             * output free of control characters for terminals and logs */
            fprintf(f, "\\u%04x", (unsigned)*s);
            s++;
            continue;
        }
        n = utf8_sequence(s, &bad);
        if (n == 0) {
            fputs(REPLACEMENT, f);
            s += bad;
        } else {
            fwrite(s, 1, n, f);
            s += n;
        }
    }
    putc('"', f);
}

void json_init(struct json *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
}

/* the comma and the key before a value */
static void member(struct json *j, const char *key)
{
    if (j->more[j->depth])
        putc(',', j->f);
    j->more[j->depth] = 1;
    if (key) {
        json_write_string(j->f, key);
        putc(':', j->f);
    }
}

static void open_level(struct json *j, const char *key, int c)
{
    member(j, key);
    putc(c, j->f);
    /* the nesting of this command's output is fixed and shallow */
    if (j->depth + 1 < (int)sizeof(j->more))
        j->depth++;
    j->more[j->depth] = 0;
}

static void close_level(struct json *j, int c)
{
    putc(c, j->f);
    if (j->depth > 0)
        j->depth--;
    if (j->depth == 0)
        putc('\n', j->f); /* one document per line */
}

void json_object_begin(struct json *j, const char *key)
{
    open_level(j, key, '{');
}

void json_object_end(struct json *j)
{
    close_level(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
    open_level(j, key, '[');
}

void json_array_end(struct json *j)
{
    close_level(j, ']');
}

void json_string(struct json *j, const char *key, const char *value)
{
    member(j, key);
    if (value)
        json_write_string(j->f, value);
    else
        fputs("null", j->f);
}

void json_int(struct json *j, const char *key, int64_t value)
{
    member(j, key);
    fprintf(j->f, "%" PRId64, value);
}

void json_bool(struct json *j, const char *key, int value)
{
    member(j, key);
    fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
    member(j, key);
    fputs("null", j->f);
}

/* a usage figure, or null where the platform cannot tell */
static void json_usage(struct json *j, const char *key, int64_t value)
{
    if (value < 0)
        json_null(j, key);
    else
        json_int(j, key, value);
}

void json_status_members(struct json *j, const exitstat_status *st, const exitstat_usage *usage,
                         int severity, const char *label)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } flags[] = {{EXITSTAT_F_COREDUMP, "coredump"},
                 {EXITSTAT_F_CODE8, "code8"},
                 {EXITSTAT_F_EXCEPTION, "exception"},
                 {EXITSTAT_F_KILLED, "killed"}};
    char text[256];
    size_t i;

    json_string(j, "kind", tool_kind_name(st->kind));
    json_int(j, "code", st->code);
    json_int(j, "signal", st->signal);
    if (st->signal > 0 && exitstat_signal_name(st->signal))
        json_string(j, "signal_name", exitstat_signal_name(st->signal));
    else
        json_null(j, "signal_name");
    json_array_begin(j, "flags");
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (st->flags & flags[i].bit)
            json_string(j, NULL, flags[i].name);
    json_array_end(j);
    json_int(j, "raw", st->raw);
    if (exitstat_status_describe(st, text, sizeof(text)) < 0)
        text[0] = '\0';
    json_string(j, "description", text);
    json_int(j, "shell", exitstat_status_shell(st));
    json_int(j, "errorlevel", exitstat_status_errorlevel(st));
    json_string(j, "severity", tool_severity_name(severity));
    json_string(j, "label", label ? label : "");
    json_usage(j, "wall_us", usage ? usage->wall_us : -1);
    json_usage(j, "user_us", usage ? usage->user_us : -1);
    json_usage(j, "sys_us", usage ? usage->sys_us : -1);
    json_usage(j, "maxrss_kib", usage ? usage->maxrss_kib : -1);
}
