/*
 * win32/path.c - which file a command runs.
 *
 * Rules (the contract's, and exitstat_cmd_resolve's documentation):
 *  - ".exe" is appended when the last component of the name has no
 *    extension (no '.'): CreateProcessW is always given the file it runs as
 *    lpApplicationName, and that parameter gets no default extension.
 *    Nothing else is tried (not PATHEXT, not .com), so "x" never finds
 *    x.bat; "x.bat" names one.
 *  - A program with a path separator ('\\' or '/') or a drive ("C:") is not
 *    searched. A relative one is taken from the command's working directory
 *    when it has one, else from ours (a drive-relative "C:x" or a
 *    root-relative "\\x" from our current directory on that drive, as
 *    Windows resolves them). The result is made absolute.
 *  - Otherwise it is searched in PATH: the PATH of the child's environment
 *    (ours unless the command sets, unsets or clears it). Unlike
 *    CreateProcess's own search, the application's directory and the
 *    current directory are never searched: a program dropped next to the
 *    caller, or in whatever directory it runs in, cannot take the place of
 *    the one in PATH (CVE-2021-3013 and its many siblings). With no PATH at
 *    all, the system directory and then the Windows directory are searched,
 *    as POSIX falls back to confstr(_CS_PATH); an empty PATH finds nothing.
 *  - PATH entries are separated by ';'; a quoted part may hold ';'
 *    ("C:\a;b";D:\c). Entries that are not fully qualified ("C:\..." or
 *    "\\server\...") are skipped: empty, ".", "bin", "C:bin" and "\bin" all
 *    depend on a current directory.
 *  - The first existing file wins. A directory, or a file we may not look
 *    at, is remembered: EXITSTAT_EACCES if nothing better comes, else
 *    EXITSTAT_ENOENT.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int is_sep(wchar_t c)
{
    return c == L'\\' || c == L'/';
}

static int is_drive(const wchar_t *p)
{
    return ((p[0] >= L'A' && p[0] <= L'Z') || (p[0] >= L'a' && p[0] <= L'z')) && p[1] == L':';
}

/* "C:\x", "C:/x", "\\server\x", "//server/x", "\\?\..." */
static int fully_qualified(const wchar_t *p)
{
    return (is_drive(p) && is_sep(p[2])) || (is_sep(p[0]) && is_sep(p[1]));
}

/* where the last component starts */
static const wchar_t *last_component(const wchar_t *p)
{
    const wchar_t *last = p;

    if (is_drive(p))
        last = p + 2;
    for (; *p; p++)
        if (is_sep(*p))
            last = p + 1;
    return last;
}

/* a + (separator) + b + (".exe" when b has no extension), malloc'ed */
static wchar_t *join(const wchar_t *a, size_t alen, const wchar_t *b, int add_exe)
{
    size_t blen = wcslen(b), n = 0;
    int sep = alen > 0 && !is_sep(a[alen - 1]);
    wchar_t *p = malloc((alen + 1 + blen + 4 + 1) * sizeof(*p));

    if (!p)
        return NULL;
    memcpy(p, a, alen * sizeof(*p));
    n = alen;
    if (sep)
        p[n++] = L'\\';
    memcpy(p + n, b, blen * sizeof(*p));
    n += blen;
    if (add_exe) {
        memcpy(p + n, L".exe", 4 * sizeof(*p));
        n += 4;
    }
    p[n] = L'\0';
    return p;
}

/* path made absolute (malloc'ed), the way Windows resolves it */
static int absolute(const wchar_t *path, wchar_t **out)
{
    DWORD size = MAX_PATH, got;

    *out = NULL;
    for (;;) {
        wchar_t *buf = malloc(size * sizeof(*buf));
        if (!buf)
            return EXITSTAT_ENOMEM;
        got = GetFullPathNameW(path, size, buf, NULL);
        if (got == 0) {
            free(buf);
            return exitstat__last_error();
        }
        if (got < size) {
            *out = buf;
            return 0;
        }
        free(buf);
        size = got;
    }
}

/* 0 if path is a file, else why not */
static int check_file(const wchar_t *path)
{
    DWORD attr = GetFileAttributesW(path);

    if (attr == INVALID_FILE_ATTRIBUTES) {
        int err = exitstat__last_error();
        /* a name no file can have, a missing drive or share: not there */
        return err == EXITSTAT_EACCES ? err : EXITSTAT_ENOENT;
    }
    if (attr & FILE_ATTRIBUTE_DIRECTORY)
        return EXITSTAT_EACCES;
    return 0;
}

/* The next PATH entry from *pp, unquoted, into a malloc'ed string; NULL at
 * the end (or when out of memory: *oom). */
static wchar_t *next_entry(const wchar_t **pp, int *oom)
{
    const wchar_t *p = *pp;
    size_t n = 0;
    wchar_t *e;
    int inquote = 0;

    *oom = 0;
    if (!p)
        return NULL;
    e = malloc((wcslen(p) + 1) * sizeof(*e));
    if (!e) {
        *oom = 1;
        return NULL;
    }
    for (; *p && (inquote || *p != L';'); p++) {
        if (*p == L'"')
            inquote = !inquote;
        else
            e[n++] = *p;
    }
    e[n] = L'\0';
    *pp = *p ? p + 1 : NULL;
    return e;
}

static int search(const wchar_t *name, int add_exe, const wchar_t *path, wchar_t **out)
{
    const wchar_t *p = path;
    wchar_t *entry;
    int saw_eacces = 0, oom;

    while ((entry = next_entry(&p, &oom)) != NULL) {
        wchar_t *candidate;
        int err;

        if (!fully_qualified(entry)) {
            free(entry);
            continue;
        }
        candidate = join(entry, wcslen(entry), name, add_exe);
        free(entry);
        if (!candidate)
            return EXITSTAT_ENOMEM;
        err = check_file(candidate);
        if (err == 0) {
            err = absolute(candidate, out);
            free(candidate);
            return err;
        }
        free(candidate);
        if (err == EXITSTAT_EACCES)
            saw_eacces = 1;
    }
    if (oom)
        return EXITSTAT_ENOMEM;
    return saw_eacces ? EXITSTAT_EACCES : EXITSTAT_ENOENT;
}

/* "<system directory>;<Windows directory>", malloc'ed */
static int default_path(wchar_t **out)
{
    wchar_t sys[MAX_PATH + 1], win[MAX_PATH + 1];
    UINT ns = GetSystemDirectoryW(sys, MAX_PATH + 1);
    UINT nw = GetWindowsDirectoryW(win, MAX_PATH + 1);
    wchar_t *p;

    *out = NULL;
    if (ns == 0 || ns > MAX_PATH || nw == 0 || nw > MAX_PATH)
        return EXITSTAT_EIO;
    /* each may hold ';' (unlikely): quoted */
    p = malloc((ns + nw + 6) * sizeof(*p));
    if (!p)
        return EXITSTAT_ENOMEM;
    p[0] = L'"';
    memcpy(p + 1, sys, ns * sizeof(*p));
    memcpy(p + 1 + ns, L"\";\"", 3 * sizeof(*p));
    memcpy(p + 4 + ns, win, nw * sizeof(*p));
    p[4 + ns + nw] = L'"';
    p[5 + ns + nw] = L'\0';
    *out = p;
    return 0;
}

int exitstat__resolve(const exitstat_cmd *cmd, const wchar_t *env, wchar_t **out)
{
    wchar_t *prog = NULL, *path = NULL, *file = NULL;
    int err, add_exe, has_sep;

    *out = NULL;
    if ((err = exitstat__utf16(cmd->program, &prog)) < 0)
        return err;
    /* no file name holds '"' (and argv[0] could not carry it) */
    if (!*prog || wcschr(prog, L'"')) {
        free(prog);
        return EXITSTAT_EINVAL;
    }
    add_exe = wcschr(last_component(prog), L'.') == NULL;
    has_sep = is_drive(prog) || wcspbrk(prog, L"\\/") != NULL;

    if (!has_sep) {
        if ((err = exitstat__env_value(env, L"PATH", &path)) < 0)
            goto done;
        if (!path && (err = default_path(&path)) < 0)
            goto done;
        err = search(prog, add_exe, path, out);
        goto done;
    }

    /* relative to the command's directory: "x\y.exe", ".\y", "..\y" (not
     * "C:y" or "\y", whose base Windows ties to a drive) */
    if (cmd->cwd && !is_drive(prog) && !is_sep(prog[0])) {
        wchar_t *cwd;
        if ((err = exitstat__utf16(cmd->cwd, &cwd)) < 0)
            goto done;
        file = join(cwd, wcslen(cwd), prog, add_exe);
        free(cwd);
    } else {
        file = join(L"", 0, prog, add_exe);
    }
    if (!file) {
        err = EXITSTAT_ENOMEM;
        goto done;
    }
    if ((err = absolute(file, out)) < 0)
        goto done;
    if ((err = check_file(*out)) < 0) {
        free(*out);
        *out = NULL;
    }
done:
    free(prog);
    free(path);
    free(file);
    return err;
}

/* Does name (n units of it) end in .bat or .cmd, in any case, once the
 * trailing dots and spaces Windows strips are gone ("x.bat. ." runs x.bat:
 * CVE-2024-43402)? */
static int batch_name(const wchar_t *name, size_t n)
{
    const wchar_t *ext;
    wchar_t lower[4];
    int i;

    while (n > 0 && (name[n - 1] == L'.' || name[n - 1] == L' '))
        n--;
    if (n < 4)
        return 0;
    ext = name + n - 4;
    for (i = 0; i < 4; i++)
        lower[i] = ext[i] >= L'A' && ext[i] <= L'Z' ? (wchar_t)(ext[i] + 32) : ext[i];
    return wmemcmp(lower, L".bat", 4) == 0 || wmemcmp(lower, L".cmd", 4) == 0;
}

int exitstat__is_batch(const wchar_t *file)
{
    const wchar_t *last = last_component(file), *colon = wcschr(last, L':');

    /* with a stream name ("x.bat::$DATA", "x.bat:s"), the file's own name
     * counts too: a false alarm only costs an escaped command line */
    return batch_name(file, wcslen(file)) || (colon && batch_name(last, (size_t)(colon - last)));
}

int exitstat_cmd_resolve(const exitstat_cmd *cmd, char *buf, size_t size)
{
    wchar_t *env = NULL, *file = NULL;
    char *u8 = NULL;
    size_t n;
    int err;

    if (!cmd || (!buf && size > 0))
        return EXITSTAT_EINVAL;
    if ((err = exitstat__env_block(cmd, &env)) < 0)
        return err;
    err = exitstat__resolve(cmd, env, &file);
    free(env);
    if (err < 0)
        return err;
    err = exitstat__utf8(file, &u8);
    free(file);
    if (err < 0)
        return err;
    n = strlen(u8);
    if (n > INT32_MAX) {
        free(u8);
        return EXITSTAT_E2BIG;
    }
    if (size > 0) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(buf, u8, c);
        buf[c] = '\0';
    }
    free(u8);
    return (int)n;
}
