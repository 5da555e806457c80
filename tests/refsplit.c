/*
 * refsplit.c - reference splitters for Windows command lines (refsplit.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "refsplit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec {
    char **argv;
    size_t argc, cap;
    char *cur; /* the argument being built */
    size_t len, curcap;
    int oom;
};

static void add_char(struct vec *v, char c)
{
    if (v->oom)
        return;
    if (v->len + 1 >= v->curcap) {
        size_t cap = v->curcap ? v->curcap * 2 : 16;
        char *p = realloc(v->cur, cap);
        if (!p) {
            v->oom = 1;
            return;
        }
        v->cur = p;
        v->curcap = cap;
    }
    v->cur[v->len++] = c;
}

static void add_chars(struct vec *v, char c, size_t n)
{
    while (n-- > 0)
        add_char(v, c);
}

/* the argument being built is complete */
static void finish(struct vec *v)
{
    if (!v->oom && v->argc + 2 > v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        char **p = realloc(v->argv, cap * sizeof(*p));
        if (p) {
            v->argv = p;
            v->cap = cap;
        } else {
            v->oom = 1;
        }
    }
    add_char(v, '\0');
    if (v->oom) {
        free(v->cur);
    } else {
        v->argv[v->argc++] = v->cur;
        v->argv[v->argc] = NULL;
    }
    v->cur = NULL;
    v->len = v->curcap = 0;
}

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

int ref_split(const char *p, enum ref_rule rule, char ***out)
{
    struct vec v;
    int inq;

    memset(&v, 0, sizeof(v));
    *out = NULL;
    if (!*p)
        goto done;

    /* argv[0] */
    if (rule == REF_CL2A) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                add_char(&v, *p);
            if (*p)
                p++;
        } else {
            for (; *p && !blank(*p); p++)
                add_char(&v, *p);
        }
    } else {
        for (inq = 0; *p && (inq || !blank(*p)); p++) {
            if (*p == '"')
                inq = !inq;
            else
                add_char(&v, *p);
        }
    }
    finish(&v);

    for (;;) {
        while (blank(*p))
            p++;
        if (!*p)
            break;
        inq = 0;
        while (*p && (inq || !blank(*p))) {
            size_t bs = strspn(p, "\\"), run, c;

            if (bs > 0 && p[bs] != '"') {
                add_chars(&v, '\\', bs);
                p += bs;
                continue;
            }
            add_chars(&v, '\\', bs / 2);
            p += bs;
            if (bs % 2 == 1) {
                add_char(&v, '"');
                p++;
                continue;
            }
            if (*p != '"') {
                add_char(&v, *p++);
                continue;
            }
            /* a run of quotes that quote */
            run = strspn(p, "\"");
            p += run;
            c = run + (size_t)inq;
            if (rule == REF_CL2A) {
                add_chars(&v, '"', c / 3);
                inq = c % 3 == 1;
            } else if (c % 2 == 1) {
                add_chars(&v, '"', (c - 1) / 2);
                inq = 1;
            } else {
                add_chars(&v, '"', c / 2 - 1);
                inq = 0;
            }
        }
        finish(&v);
    }
done:
    if (!v.oom && !v.argv) {
        v.argv = calloc(1, sizeof(*v.argv));
        if (!v.argv)
            v.oom = 1;
    }
    if (v.oom) {
        ref_free(v.argv);
        return -1;
    }
    *out = v.argv;
    return (int)v.argc;
}

void ref_free(char **argv)
{
    size_t i;

    if (!argv)
        return;
    for (i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

int ref_same_argv(const char *const *a, const char *const *b, char *why, size_t size)
{
    size_t i;

    for (i = 0; a[i] && b[i]; i++) {
        if (strcmp(a[i], b[i]) != 0) {
            snprintf(why, size, "argument %zu differs: [%s] vs [%s]", i, a[i], b[i]);
            return 0;
        }
    }
    if (a[i] || b[i]) {
        snprintf(why, size, "argument %zu: [%s] vs [%s]", i, a[i] ? a[i] : "(end)",
                 b[i] ? b[i] : "(end)");
        return 0;
    }
    return 1;
}
