/*
 * fuzz-envblock.c - libFuzzer target for the builder of the child's
 * environment, lib/cmd.c's exitstat__env_build (internal: reached by linking
 * the library's objects statically, as the fuzz build does).
 *
 * The input describes a parent environment (entries with any bytes, some
 * without '=', duplicates allowed, as environ may hold them) and a list of
 * changes made through the public exitstat_cmd_env / exitstat_cmd_env_clear:
 * sets and unsets of fuzzed names, names reused from the base or from
 * earlier changes with their letters' case flipped, and clears. Then:
 *
 *  - exitstat_cmd_env fails with EXITSTAT_EINVAL exactly for an empty name or
 *    one holding '=', and succeeds otherwise (a value may hold anything);
 *  - the block is built twice, with exact bytes (the POSIX rule) and with a
 *    case-insensitive compare (the shape of the Windows rule: ASCII letters
 *    fold, and so does the two-byte U+0131 with 'i', so that names of
 *    different byte lengths can be the same name, as on Windows), and each
 *    result is checked against a model of the contract written here
 *    independently (a list rebuilt at every change): later changes win, an
 *    unset removes every entry of that name, a set replaces the first entry
 *    of the name in place and drops the others, a new name goes to the end;
 *    the base counts only when the environment is not cleared. So: the
 *    result is NULL-terminated, names the command touched appear once (set)
 *    or not at all (unset), holding the last value set, base entries no
 *    change touched pass through in order, and every pointer is a base entry
 *    or a change's own text;
 *  - exitstat__env_get finds the last value set for every touched name.
 *
 * Not fuzzed here: the Windows block builder (lib/win32/env.c), which sorts
 * and folds case with Windows' own CompareStringOrdinal and
 * GetEnvironmentStringsW, and so cannot run on other systems; the
 * case-insensitive build below exercises the shared part it relies on.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BASE 12
#define MAX_OPS  24
#define MAX_STR  24

struct reader {
    const uint8_t *p;
    size_t left;
};

static unsigned byte(struct reader *r)
{
    if (r->left == 0)
        return 0;
    r->left--;
    return *r->p++;
}

/* a string of up to MAX_STR bytes from the input (stops at a NUL) */
static void str(struct reader *r, char *out)
{
    size_t len = byte(r) % (MAX_STR + 1), i, n = 0;

    for (i = 0; i < len; i++) {
        unsigned c = byte(r);
        if (c == 0)
            break;
        out[n++] = (char)c;
    }
    out[n] = '\0';
}

/* names are short and from a few letters, so that they collide often */
static void name(struct reader *r, char *out)
{
    static const char alphabet[] = "aAbB=_\xc3\xa9";
    unsigned b = byte(r);

    if (b & 0x80) { /* any bytes */
        str(r, out);
        return;
    }
    {
        size_t len = b % 4, i;
        for (i = 0; i < len; i++)
            out[i] = alphabet[byte(r) % (sizeof(alphabet) - 1)];
        out[len] = '\0';
    }
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* the next unit of a name under the folding rule: an ASCII letter's lower
 * case, 'i' for U+0131 (two bytes), else the byte; advances *p */
static int fold_next(const char **p, const char *end)
{
    const unsigned char *u = (const unsigned char *)*p;

    if (end - *p >= 2 && u[0] == 0xC4 && u[1] == 0xB1) {
        *p += 2;
        return 'i';
    }
    *p += 1;
    return ascii_lower(u[0]);
}

static int name_eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
    const char *ae = a + alen, *be = b + blen;

    while (a < ae && b < be)
        if (fold_next(&a, ae) != fold_next(&b, be))
            return 0;
    return a == ae && b == be;
}

static size_t name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* same name under the rule */
static int same_name(const char *a, size_t alen, const char *b, size_t blen,
                     exitstat__name_eq_fn eq)
{
    return eq(a, alen, b, blen) == 1;
}

/* one change as the model sees it; entry is the command's own text */
struct change {
    const char *entry;
    size_t nlen;
    int unset;
};

/*
 * The model: the list after each change, rebuilt from scratch every time
 * (a different algorithm from cmd.c's in-place one).
 */
static size_t model(char *const *base, size_t nbase, const struct change *ch, size_t nch,
                    exitstat__name_eq_fn eq, const char **out)
{
    const char *tmp[MAX_BASE + MAX_OPS + 1];
    size_t n = 0, i, j, k;

    for (i = 0; i < nbase; i++)
        out[n++] = base[i];
    for (i = 0; i < nch; i++) {
        int placed = 0;

        k = 0;
        for (j = 0; j < n; j++) {
            if (!same_name(out[j], name_len(out[j]), ch[i].entry, ch[i].nlen, eq)) {
                tmp[k++] = out[j];
            } else if (!ch[i].unset && !placed) {
                tmp[k++] = ch[i].entry;
                placed = 1;
            }
        }
        if (!ch[i].unset && !placed)
            tmp[k++] = ch[i].entry;
        memcpy(out, tmp, k * sizeof(*out));
        n = k;
    }
    out[n] = NULL;
    return n;
}

static void check_build(const exitstat_cmd *cmd, char *const *base, size_t nbase,
                        const struct change *ch, size_t nch, int cleared, exitstat__name_eq_fn eq)
{
    const char *want[MAX_BASE + MAX_OPS + 1];
    char **env = (char **)(uintptr_t)1;
    size_t n, i, j;
    int r;

    r = exitstat__env_build(cmd, base, eq, &env);
    if (r == EXITSTAT_ENOMEM) {
        if (env)
            abort();
        return;
    }
    if (r != 0 || !env)
        abort();
    n = model(base, cleared ? 0 : nbase, ch, nch, eq, want);
    for (i = 0; i < n; i++)
        if (env[i] != want[i])
            abort();
    if (env[n] != NULL)
        abort();

    /* the properties the model implies, stated directly */
    for (i = 0; i < nch; i++) {
        const struct change *last = &ch[i];
        size_t seen = 0;

        /* the last change of this name */
        for (j = i + 1; j < nch; j++)
            if (same_name(ch[j].entry, ch[j].nlen, ch[i].entry, ch[i].nlen, eq))
                last = &ch[j];
        for (j = 0; env[j]; j++)
            if (same_name(env[j], name_len(env[j]), ch[i].entry, ch[i].nlen, eq)) {
                if (env[j] != last->entry)
                    abort();
                seen++;
            }
        if (seen != (last->unset ? 0u : 1u))
            abort();
        {
            char nm[MAX_STR + 1];
            const char *v;
            memcpy(nm, ch[i].entry, ch[i].nlen);
            nm[ch[i].nlen] = '\0';
            v = exitstat__env_get(env, nm, eq);
            if (last->unset ? v != NULL : v != last->entry + last->nlen + 1)
                abort();
        }
    }
    exitstat_free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = {data, size};
    char base_text[MAX_BASE][2 * MAX_STR + 2], *base[MAX_BASE + 1];
    char names[MAX_OPS][MAX_STR + 1];
    struct change ch[MAX_OPS];
    size_t nbase, nch = 0, i;
    int cleared = 0;
    exitstat_cmd *cmd;
    unsigned head;

    if (exitstat_cmd_new(&cmd, "prog") != 0)
        return 0;

    /* the parent's environment */
    head = byte(&r);
    nbase = head % (MAX_BASE + 1);
    for (i = 0; i < nbase; i++) {
        char value[MAX_STR + 1];
        size_t len;

        name(&r, base_text[i]);
        len = strlen(base_text[i]);
        if (byte(&r) % 8 != 0) { /* mostly name=value; sometimes a bare name */
            str(&r, value);
            base_text[i][len] = '=';
            strcpy(base_text[i] + len + 1, value);
        }
        base[i] = base_text[i];
    }
    base[nbase] = NULL;

    /* the changes */
    while (r.left > 0 && nch < MAX_OPS) {
        unsigned op = byte(&r);
        char value[MAX_STR + 1], *nm = names[nch];
        int want, got;

        if (op % 8 == 7) {
            if (exitstat_cmd_env_clear(cmd) != 0)
                abort();
            cleared = 1;
            continue;
        }
        if (op % 8 >= 4) {
            /* a name seen before (a base one or an earlier change's), its
             * letters' case flipped by the bits of a byte */
            unsigned pick = byte(&r), flip = byte(&r);
            size_t k, total = nbase + nch;
            const char *from;

            if (total == 0)
                continue;
            pick %= total;
            from = pick < nbase ? base[pick] : ch[pick - nbase].entry;
            {
                /* copied, flipped, and U+0131 turned into 'I' by the same
                 * bits (the name gets shorter: a same name of another
                 * length under the folding rule) */
                size_t len = name_len(from), o = 0;

                for (k = 0; k < len; k++) {
                    int bit = (flip >> (k % 8)) & 1;
                    char c = from[k];
                    if (bit && k + 1 < len && (unsigned char)c == 0xC4 &&
                        (unsigned char)from[k + 1] == 0xB1) {
                        nm[o++] = 'I';
                        k++;
                        continue;
                    }
                    if (bit && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                        c ^= 0x20;
                    nm[o++] = c;
                }
                nm[o] = '\0';
            }
        } else {
            name(&r, nm);
        }
        str(&r, value);

        want = !*nm || strchr(nm, '=') ? EXITSTAT_EINVAL : 0;
        got = exitstat_cmd_env(cmd, nm, (op & 1) ? NULL : value);
        if (got == EXITSTAT_ENOMEM)
            continue;
        if (got != want)
            abort();
        if (got != 0)
            continue;
        /* the command's own copy, as the builder will hand it out */
        ch[nch].entry = cmd->env[cmd->nenv - 1].entry;
        ch[nch].nlen = strlen(nm);
        ch[nch].unset = op & 1;
        if (cmd->env[cmd->nenv - 1].name_len != ch[nch].nlen ||
            memcmp(ch[nch].entry, nm, ch[nch].nlen) != 0)
            abort();
        nch++;
    }

    check_build(cmd, base, nbase, ch, nch, cleared, exitstat__name_eq_exact);
    check_build(cmd, base, nbase, ch, nch, cleared, name_eq_nocase);
    /* no base at all: as if cleared */
    check_build(cmd, NULL, 0, ch, nch, 1, exitstat__name_eq_exact);

    exitstat_cmd_free(cmd);
    return 0;
}
