/*
 * cmd.c - building a command: program, arguments, environment changes, working
 * directory, standard streams and flags. Portable; the backends read the
 * struct (internal.h) when they spawn.
 *
 * Every setter validates first and changes nothing when it fails, so a command
 * is always in a state that can be spawned.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

char *exitstat__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = exitstat__malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void exitstat_free(void *p)
{
    free(p);
}

/* Make room for one more argv entry plus the NULL terminator. */
static int argv_reserve(exitstat_cmd *cmd, size_t more)
{
    size_t want = cmd->argc + more + 1, cap;
    char **p;

    if (want <= cmd->argv_cap)
        return 0;
    cap = cmd->argv_cap ? cmd->argv_cap : 8;
    while (cap < want)
        cap *= 2;
    p = exitstat__realloc(cmd->argv, cap * sizeof(*p));
    if (!p)
        return EXITSTAT_ENOMEM;
    cmd->argv = p;
    cmd->argv_cap = cap;
    return 0;
}

int exitstat_cmd_new(exitstat_cmd **out, const char *program)
{
    exitstat_cmd *cmd;
    int i;

    if (!out)
        return EXITSTAT_EINVAL;
    *out = NULL;
    if (!program || !*program)
        return EXITSTAT_EINVAL;
    cmd = exitstat__calloc(1, sizeof(*cmd));
    if (!cmd)
        return EXITSTAT_ENOMEM;
    for (i = 0; i < 3; i++)
        cmd->stdio[i].mode = EXITSTAT_INHERIT;
    if (argv_reserve(cmd, 1) < 0 || !(cmd->argv[0] = exitstat__strdup(program))) {
        exitstat_cmd_free(cmd);
        return EXITSTAT_ENOMEM;
    }
    cmd->argc = 1;
    cmd->argv[1] = NULL;
    cmd->program = cmd->argv[0];
    *out = cmd;
    return 0;
}

void exitstat_cmd_free(exitstat_cmd *cmd)
{
    size_t i;

    if (!cmd)
        return;
    for (i = 0; i < cmd->argc; i++)
        free(cmd->argv[i]);
    free(cmd->argv);
    for (i = 0; i < cmd->nenv; i++)
        free(cmd->env[i].entry);
    free(cmd->env);
    free(cmd->cwd);
    free(cmd);
}

int exitstat_cmd_arg(exitstat_cmd *cmd, const char *arg)
{
    const char *one[2];

    if (!arg)
        return EXITSTAT_EINVAL;
    one[0] = arg;
    one[1] = NULL;
    return exitstat_cmd_argv(cmd, one);
}

int exitstat_cmd_argv(exitstat_cmd *cmd, const char *const *argv)
{
    size_t n = 0, i;
    int err;

    if (!cmd || !argv)
        return EXITSTAT_EINVAL;
    while (argv[n])
        n++;
    if ((err = argv_reserve(cmd, n)) < 0)
        return err;
    for (i = 0; i < n; i++) {
        char *copy = exitstat__strdup(argv[i]);
        if (!copy) {
            while (i-- > 0)
                free(cmd->argv[cmd->argc + i]);
            cmd->argv[cmd->argc] = NULL;
            return EXITSTAT_ENOMEM;
        }
        cmd->argv[cmd->argc + i] = copy;
    }
    cmd->argc += n;
    cmd->argv[cmd->argc] = NULL;
    return 0;
}

int exitstat_cmd_env(exitstat_cmd *cmd, const char *name, const char *value)
{
    struct exitstat__env_change *p;
    size_t nlen, vlen;
    char *entry;

    if (!cmd || !name || !*name || strchr(name, '='))
        return EXITSTAT_EINVAL;
    nlen = strlen(name);
    vlen = value ? strlen(value) : 0;
    /* "name=value", or just "name" for an unset */
    entry = exitstat__malloc(nlen + 1 + vlen + 1);
    if (!entry)
        return EXITSTAT_ENOMEM;
    memcpy(entry, name, nlen);
    entry[nlen] = '\0';
    if (value) {
        entry[nlen] = '=';
        memcpy(entry + nlen + 1, value, vlen + 1);
    }
    p = exitstat__realloc(cmd->env, (cmd->nenv + 1) * sizeof(*p));
    if (!p) {
        free(entry);
        return EXITSTAT_ENOMEM;
    }
    cmd->env = p;
    cmd->env[cmd->nenv].entry = entry;
    cmd->env[cmd->nenv].name_len = nlen;
    cmd->env[cmd->nenv].unset = !value;
    cmd->nenv++;
    return 0;
}

int exitstat_cmd_env_clear(exitstat_cmd *cmd)
{
    if (!cmd)
        return EXITSTAT_EINVAL;
    cmd->env_clear = 1;
    return 0;
}

int exitstat_cmd_cwd(exitstat_cmd *cmd, const char *dir)
{
    char *copy = NULL;

    if (!cmd || (dir && !*dir))
        return EXITSTAT_EINVAL;
    if (dir && !(copy = exitstat__strdup(dir)))
        return EXITSTAT_ENOMEM;
    free(cmd->cwd);
    cmd->cwd = copy;
    return 0;
}

int exitstat_cmd_stdio(exitstat_cmd *cmd, int stream, int mode, intptr_t handle)
{
    int err;

    if (!cmd || stream < 0 || stream > 2 || mode < EXITSTAT_INHERIT || mode > EXITSTAT_MERGE)
        return EXITSTAT_EINVAL;
    if (mode == EXITSTAT_MERGE && stream != 2)
        return EXITSTAT_EINVAL;
    if (mode == EXITSTAT_HANDLE && (err = exitstat__check_handle(handle)) < 0)
        return err;
    cmd->stdio[stream].mode = mode;
    cmd->stdio[stream].handle = mode == EXITSTAT_HANDLE ? handle : -1;
    return 0;
}

int exitstat_cmd_flags(exitstat_cmd *cmd, uint32_t flags)
{
    if (!cmd || (flags & ~(uint32_t)(EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE)))
        return EXITSTAT_EINVAL;
    cmd->flags = flags;
    return 0;
}

/*
 * The environment the child gets: the parent's (unless cleared) with the
 * command's changes applied in order, later ones winning. Names compare with
 * the backend's rule, eq (the same bytes on POSIX; without case on Windows). The result is one
 * malloc'ed array of "name=value" pointers into base and into the command,
 * valid while both are; the order is base order, then new names in the order
 * they were set.
 */
static size_t env_name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

int exitstat__name_eq_exact(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

int exitstat__env_build(const exitstat_cmd *cmd, char *const *base, exitstat__name_eq_fn eq,
                        char ***out)
{
    size_t nbase = 0, n = 0, i, j;
    char **env;

    *out = NULL;
    if (base && !cmd->env_clear)
        while (base[nbase])
            nbase++;
    env = exitstat__malloc((nbase + cmd->nenv + 1) * sizeof(*env));
    if (!env)
        return EXITSTAT_ENOMEM;
    for (i = 0; i < nbase; i++)
        env[n++] = base[i];
    for (i = 0; i < cmd->nenv; i++) {
        const struct exitstat__env_change *c = &cmd->env[i];
        int replaced = 0;

        for (j = 0; j < n;) {
            int same = eq(env[j], env_name_len(env[j]), c->entry, c->name_len);

            if (same < 0) {
                free(env);
                return same;
            }
            if (same) {
                if (!c->unset && !replaced) {
                    env[j++] = c->entry; /* keep the position of the first one */
                    replaced = 1;
                } else {
                    memmove(&env[j], &env[j + 1], (n - j - 1) * sizeof(*env));
                    n--;
                }
            } else {
                j++;
            }
        }
        if (!c->unset && !replaced)
            env[n++] = c->entry;
    }
    env[n] = NULL;
    *out = env;
    return 0;
}

/* The value of name in a built environment, or NULL. */
const char *exitstat__env_get(char *const *env, const char *name, exitstat__name_eq_fn eq)
{
    size_t len = strlen(name), elen;

    for (; env && *env; env++) {
        elen = env_name_len(*env);
        if ((*env)[elen] == '=' && eq(*env, elen, name, len) > 0)
            return *env + elen + 1;
    }
    return NULL;
}
