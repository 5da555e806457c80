/*
 * win32/env.c - the child's environment block.
 *
 * Rules kept here:
 *  - Without changes in the command the child inherits our environment as it
 *    is at exitstat_spawn: CreateProcessW gets NULL and copies our block
 *    itself, exactly.
 *  - With changes: our block (none after exitstat_cmd_env_clear), read at
 *    spawn time, with the command's changes applied by cmd.c
 *    (exitstat__env_build), names compared without case the way Windows
 *    compares them: in UTF-16 with CompareStringOrdinal. (An ASCII-only fold
 *    would miss names such as "ÉTÉ" and "été".) Our own entries reach the
 *    child in their original UTF-16, even if they are not valid UTF-16 (an
 *    unpaired surrogate); the UTF-8 copy made for exitstat__env_build only
 *    serves the name comparison.
 *  - The hidden per-drive directories ("=C:=C:\dir") are kept when
 *    inheriting. A command cannot set a name holding '=' (cmd.c refuses it
 *    with EXITSTAT_EINVAL), so it can neither add nor remove them.
 *  - SYSTEMROOT: a cleared environment gets ours, unless the command sets or
 *    unsets SYSTEMROOT itself. Without it Winsock and other system DLLs fail
 *    to initialise in the child, in ways that are hard to trace back (Go
 *    adds it for the same reason); a command that really wants it gone says
 *    so with exitstat_cmd_env(cmd, "SYSTEMROOT", NULL).
 *  - The block is sorted by name without case (CompareStringOrdinal with
 *    bIgnoreCase, the order Windows keeps its own blocks in) and holds each
 *    name once: when two names are equal without case, the later entry wins,
 *    the command's change over ours (exitstat__env_build already makes it so
 *    for names of equal UTF-8 length; the final pass here also catches names
 *    that fold together across lengths).
 *  - It ends with two NULs, even when it is empty.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The length of the name in "name=value". A name may start with '=' (the
 * per-drive directories): it ends at the first '=' after its first unit. */
static size_t name_len(const wchar_t *e)
{
    const wchar_t *eq = e[0] ? wcschr(e + 1, L'=') : NULL;
    return eq ? (size_t)(eq - e) : wcslen(e);
}

/* -1, 0, 1: names compared as Windows does, without case */
static int name_cmp(const wchar_t *a, size_t alen, const wchar_t *b, size_t blen)
{
    int r;

    if (alen > INT_MAX || blen > INT_MAX)
        return alen < blen ? -1 : alen > blen;
    r = CompareStringOrdinal(a, (int)alen, b, (int)blen, TRUE);
    return r == CSTR_LESS_THAN ? -1 : r == CSTR_EQUAL ? 0 : 1;
}

/* exitstat__env_build's comparison of two UTF-8 names: 1 if the same name
 * without case, as Windows compares them in UTF-16. The byte lengths may
 * differ (U+2C65 and its upper case U+023A are 3 and 2 bytes). UTF-8 never
 * needs more UTF-16 units than bytes. */
static int name_eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
    wchar_t sa[128], sb[128], *wa = sa, *wb = sb;
    int la, lb, r;

    if (alen == 0 || blen == 0)
        return alen == blen;
    if (alen > INT_MAX || blen > INT_MAX)
        return alen == blen && memcmp(a, b, alen) == 0;
    if (alen > EXITSTAT__ARRAY_SIZE(sa) && !(wa = exitstat__malloc(alen * sizeof(*wa))))
        return EXITSTAT_ENOMEM;
    if (blen > EXITSTAT__ARRAY_SIZE(sb) && !(wb = exitstat__malloc(blen * sizeof(*wb)))) {
        if (wa != sa)
            free(wa);
        return EXITSTAT_ENOMEM;
    }
    la = MultiByteToWideChar(CP_UTF8, 0, a, (int)alen, wa, (int)alen);
    lb = MultiByteToWideChar(CP_UTF8, 0, b, (int)blen, wb, (int)blen);
    /* names were checked as UTF-8 when set; a failure here: compare bytes */
    if (la > 0 && lb > 0)
        r = name_cmp(wa, (size_t)la, wb, (size_t)lb) == 0;
    else
        r = alen == blen && memcmp(a, b, alen) == 0;
    if (wa != sa)
        free(wa);
    if (wb != sb)
        free(wb);
    return r;
}

struct entry {
    const wchar_t *text; /* "name=value" */
    size_t name_len;
    size_t order; /* position before sorting: the later one wins */
};

static int entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int r = name_cmp(a->text, a->name_len, b->text, b->name_len);

    if (r != 0)
        return r;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Our environment as two parallel arrays: the entries in UTF-16 (pointers
 * into the block GetEnvironmentStringsW gave) and their UTF-8 copies (lossy
 * where the UTF-16 is invalid: names compare, nothing else). */
struct ours {
    wchar_t *block;
    const wchar_t **w;
    char **u; /* NULL-terminated, for exitstat__env_build */
    char *store;
    size_t n;
};

static void ours_free(struct ours *o)
{
    if (o->block)
        FreeEnvironmentStringsW(o->block);
    free(o->w);
    free(o->u);
    free(o->store);
}

static int ours_read(struct ours *o)
{
    const wchar_t *p;
    size_t bytes = 0, i, at = 0;

    memset(o, 0, sizeof(*o));
    if (!(o->block = GetEnvironmentStringsW()))
        return EXITSTAT_ENOMEM;
    for (p = o->block; *p; p += wcslen(p) + 1) {
        size_t len = wcslen(p);
        int n =
            len > INT_MAX ? 0 : WideCharToMultiByte(CP_UTF8, 0, p, (int)len, NULL, 0, NULL, NULL);
        if (n <= 0)
            return EXITSTAT_E2BIG;
        bytes += (size_t)n + 1;
        o->n++;
    }
    o->w = malloc((o->n + 1) * sizeof(*o->w));
    o->u = malloc((o->n + 1) * sizeof(*o->u));
    o->store = malloc(bytes + 1);
    if (!o->w || !o->u || !o->store)
        return EXITSTAT_ENOMEM;
    for (p = o->block, i = 0; *p; p += wcslen(p) + 1, i++) {
        int len = (int)wcslen(p);
        int n =
            WideCharToMultiByte(CP_UTF8, 0, p, len, o->store + at, (int)(bytes - at), NULL, NULL);
        if (n <= 0)
            return EXITSTAT_EIO;
        o->w[i] = p;
        o->u[i] = o->store + at;
        at += (size_t)n;
        o->store[at++] = '\0';
    }
    o->w[i] = NULL;
    o->u[i] = NULL;
    return 0;
}

/* Does the command set or unset this name itself? (names of ASCII letters
 * only: no allocation, so no error) */
static int cmd_names(const exitstat_cmd *cmd, const char *name)
{
    size_t i, len = strlen(name);

    for (i = 0; i < cmd->nenv; i++)
        if (name_eq_nocase(cmd->env[i].entry, cmd->env[i].name_len, name, len) == 1)
            return 1;
    return 0;
}

/* "SystemRoot=<ours>", malloc'ed, or NULL in *out if we have none */
static int systemroot_entry(wchar_t **out)
{
    static const wchar_t prefix[] = L"SystemRoot=";
    wchar_t *value, *e;
    size_t plen = wcslen(prefix), vlen;
    int err;

    *out = NULL;
    if ((err = exitstat__env_value(NULL, L"SystemRoot", &value)) < 0 || !value)
        return err;
    vlen = wcslen(value);
    e = malloc((plen + vlen + 1) * sizeof(*e));
    if (!e) {
        free(value);
        return EXITSTAT_ENOMEM;
    }
    memcpy(e, prefix, plen * sizeof(*e));
    memcpy(e + plen, value, (vlen + 1) * sizeof(*e));
    free(value);
    *out = e;
    return 0;
}

int exitstat__env_block(const exitstat_cmd *cmd, wchar_t **out)
{
    struct ours o;
    wchar_t **changes = NULL, *sysroot = NULL, *block = NULL, *w;
    struct entry *entries = NULL;
    char **env = NULL;
    size_t i, j, k, n = 0, kept, units = 2, bi = 0;
    int err;

    *out = NULL;
    if (cmd->nenv == 0 && !cmd->env_clear)
        return 0;
    memset(&o, 0, sizeof(o));
    if (!cmd->env_clear && (err = ours_read(&o)) < 0)
        goto done;

    /* the command's entries, strictly: invalid UTF-8 is refused */
    if (cmd->nenv > 0 && !(changes = calloc(cmd->nenv, sizeof(*changes)))) {
        err = EXITSTAT_ENOMEM;
        goto done;
    }
    for (i = 0; i < cmd->nenv; i++)
        if ((err = exitstat__utf16(cmd->env[i].entry, &changes[i])) < 0)
            goto done;
    if (cmd->env_clear && !cmd_names(cmd, "SYSTEMROOT") && (err = systemroot_entry(&sysroot)) < 0)
        goto done;

    if ((err = exitstat__env_build(cmd, o.u, name_eq_nocase, &env)) < 0)
        goto done;
    while (env[n])
        n++;
    if (!(entries = malloc((n + 1) * sizeof(*entries)))) {
        err = EXITSTAT_ENOMEM;
        goto done;
    }
    /* back to UTF-16: env keeps our entries in their order (some replaced by
     * or removed for the command's), then the command's new names */
    for (k = 0; k < n; k++) {
        const wchar_t *text = NULL;
        for (j = 0; j < cmd->nenv && !text; j++)
            if (env[k] == cmd->env[j].entry)
                text = changes[j];
        while (!text && bi < o.n) {
            if (env[k] == o.u[bi])
                text = o.w[bi];
            bi++;
        }
        if (!text) { /* cannot happen: every entry comes from one of the two */
            err = EXITSTAT_EIO;
            goto done;
        }
        entries[k].text = text;
    }
    if (sysroot)
        entries[n++].text = sysroot;
    for (k = 0; k < n; k++) {
        entries[k].name_len = name_len(entries[k].text);
        entries[k].order = k;
    }

    qsort(entries, n, sizeof(*entries), entry_cmp);
    /* one entry per name: the last of each run of equal names */
    for (k = 0, kept = 0; k < n; k++) {
        if (k + 1 < n && name_cmp(entries[k].text, entries[k].name_len, entries[k + 1].text,
                                  entries[k + 1].name_len) == 0)
            continue;
        entries[kept++] = entries[k];
        units += wcslen(entries[k].text) + 1;
    }

    if (!(block = malloc(units * sizeof(*block)))) {
        err = EXITSTAT_ENOMEM;
        goto done;
    }
    for (k = 0, w = block; k < kept; k++) {
        size_t len = wcslen(entries[k].text) + 1;
        memcpy(w, entries[k].text, len * sizeof(*w));
        w += len;
    }
    /* the terminating empty entry, and one more NUL so that even an empty
     * block is two NULs */
    *w++ = L'\0';
    if (kept == 0)
        *w = L'\0';
    *out = block;
    err = 0;
done:
    free(entries);
    free(env);
    free(sysroot);
    for (i = 0; changes && i < cmd->nenv; i++)
        free(changes[i]);
    free(changes);
    ours_free(&o);
    return err;
}

int exitstat__env_value(const wchar_t *block, const wchar_t *name, wchar_t **out)
{
    size_t nlen = wcslen(name);

    *out = NULL;
    if (block) {
        const wchar_t *e;
        for (e = block; *e; e += wcslen(e) + 1) {
            if (name_len(e) == nlen && name_cmp(e, nlen, name, nlen) == 0 && e[nlen] == L'=') {
                if (!(*out = exitstat__wcsdup(e + nlen + 1)))
                    return EXITSTAT_ENOMEM;
                return 0;
            }
        }
        return 0;
    }
    /* ours; it may change between the calls, so ask until it fits */
    for (;;) {
        DWORD size, got;
        wchar_t *buf;

        SetLastError(ERROR_SUCCESS);
        size = GetEnvironmentVariableW(name, NULL, 0);
        if (size == 0)
            return GetLastError() == ERROR_ENVVAR_NOT_FOUND ? 0 : exitstat__last_error();
        if (!(buf = malloc(size * sizeof(*buf))))
            return EXITSTAT_ENOMEM;
        SetLastError(ERROR_SUCCESS);
        got = GetEnvironmentVariableW(name, buf, size);
        if (got < size && (got > 0 || GetLastError() == ERROR_SUCCESS)) {
            buf[got] = L'\0';
            *out = buf;
            return 0;
        }
        free(buf);
        if (got == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
            return 0;
    }
}
