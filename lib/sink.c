/*
 * sink.c - what both backends' exitstat_communicate read stdout and stderr
 * into: a buffer that grows geometrically, one read-sized chunk ahead, and
 * its hand-over to the caller.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>

void exitstat__outputs_reset(char **out, size_t *out_len, char **err, size_t *err_len)
{
    if (out)
        *out = NULL;
    if (err)
        *err = NULL;
    if (out_len)
        *out_len = 0;
    if (err_len)
        *err_len = 0;
}

int exitstat__sink_reserve(struct exitstat__sink *s)
{
    size_t cap;
    char *p;

    if (s->cap - s->len > EXITSTAT__CHUNK)
        return 0;
    cap = s->cap ? s->cap : EXITSTAT__CHUNK;
    while (cap - s->len <= EXITSTAT__CHUNK) {
        if (cap > SIZE_MAX / 2)
            return EXITSTAT_ENOMEM;
        cap *= 2;
    }
    if (!(p = exitstat__realloc(s->buf, cap)))
        return EXITSTAT_ENOMEM;
    s->buf = p;
    s->cap = cap;
    return 0;
}

/* One kept sink to the caller: NUL-terminated, never NULL. */
static int hand_over(struct exitstat__sink *s, char **out, size_t *out_len)
{
    if (!s->keep)
        return 0;
    if (!s->buf && !(s->buf = exitstat__malloc(1)))
        return EXITSTAT_ENOMEM;
    s->buf[s->len] = '\0';
    *out = s->buf;
    if (out_len)
        *out_len = s->len;
    s->buf = NULL;
    return 0;
}

int exitstat__sinks_hand_over(struct exitstat__sink *o, struct exitstat__sink *e, char **out,
                              size_t *out_len, char **err, size_t *err_len)
{
    int r = hand_over(o, out, out_len);

    if (r == 0)
        r = hand_over(e, err, err_len);
    if (r < 0 && out && *out) { /* both or neither */
        free(*out);
        *out = NULL;
        if (out_len)
            *out_len = 0;
    }
    return r;
}
