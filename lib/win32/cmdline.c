/*
 * win32/cmdline.c - the command line CreateProcessW gets.
 *
 * A program: the arguments quoted by exitstat_win32_quote (quote.c), the
 * rules of CommandLineToArgvW with backslash escapes only, converted strictly
 * to UTF-16. The program itself is named by lpApplicationName, so argv[0] in
 * the line is only what the child reads as its name.
 *
 * A batch file (.bat, .cmd): CreateProcessW would quietly run it through
 * cmd.exe, whose parser is not CommandLineToArgvW's: it expands %VAR% (even
 * inside quotes), treats & | < > ^ ( ) as commands and redirections outside
 * quotes, and splits batch parameters at , ; = too. An argument from
 * someone else could then run commands ("BatBadBut": CVE-2024-24576 and its
 * siblings). So we run cmd.exe ourselves, from the system directory (never
 * one found by name), as
 *
 *     "<system>\cmd.exe" /d /e:ON /v:OFF /c ""<script>" arg1 arg2 ..."
 *
 * /d skips the AutoRun commands of the registry, /e:ON turns on the command
 * extensions the %-trick below needs, /v:OFF turns off delayed expansion so
 * '!' is plain. With the whole remainder in one extra pair of quotes, cmd.exe
 * drops that outer pair and parses what is inside as written. Inside:
 *  - the script path in quotes; refused (EXITSTAT_EUNSAFE) if it holds '"'
 *    or ends in '\\' (the quote would be escaped for the script's own
 *    parser), or holds CR or LF;
 *  - each argument refused (EXITSTAT_EUNSAFE) if it holds CR or LF, which
 *    end a command in cmd.exe and have no escape (NUL cannot occur in a C
 *    string). It is quoted unless it is not empty and made only of letters,
 *    digits and # $ * + - . / : ? @ \ _ (and does not end in '\\'): inside
 *    quotes cmd.exe takes & | < > ^ ( ) , ; = and spaces literally. Each '"'
 *    in it is doubled, which keeps cmd.exe's idea of what is quoted in step
 *    with ours (a backslash escape would not: cmd.exe ignores backslashes),
 *    and the backslashes before it are doubled for the program that finally
 *    reads the arguments; trailing backslashes are doubled before the closing
 *    quote;
 *  - every '%' (in the path too) is followed by "%cd:~,%", an expansion of
 *    the built-in CD variable to its empty substring: cmd.exe scans the
 *    first '%', finds no variable called "" and keeps it, then expands the
 *    empty substring, so the text after the '%' can never complete a
 *    variable name. (The trick comes from yt-dlp, CVE-2024-22423.)
 * cmd.exe hands the arguments to the script as written: %* and %1 are the
 * quoted forms, "%~1" the same without our quotes. A program the script
 * passes them on to reads them exactly when it splits its command line by the
 * rules of the C runtimes since Visual C++ 2008 (the UCRT, MSVC programs):
 * '""' inside quotes is a literal '"'. CommandLineToArgvW and msvcrt.dll
 * read '""' differently (quote.c), so they see arguments holding '"' split
 * differently; nothing can help that, since '""' is the only escape cmd.exe
 * keeps in step with.
 *
 * Lengths are checked here, since Wine does not check them: a command line
 * is at most 32767 UTF-16 units with its NUL (CreateProcessW's limit), and
 * one for cmd.exe at most 8191 (cmd.exe's own; past it cmd.exe cuts lines).
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EXITSTAT__CMDLINE_MAX 32767 /* units, NUL included */
#define EXITSTAT__CMD_EXE_MAX 8191  /* units, NUL not included */

/* A growing UTF-16 string. */
struct wbuf {
    wchar_t *p;
    size_t len, cap;
    int oom;
};

static void wb_add(struct wbuf *b, const wchar_t *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        wchar_t *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(p = realloc(b->p, cap * sizeof(*p)))) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n * sizeof(*s));
    b->len += n;
    b->p[b->len] = L'\0';
}

static void wb_str(struct wbuf *b, const wchar_t *s)
{
    wb_add(b, s, wcslen(s));
}

static void wb_ch(struct wbuf *b, wchar_t c, size_t n)
{
    while (n-- > 0)
        wb_add(b, &c, 1);
}

/* c, or '%' made inert */
static void wb_bat_char(struct wbuf *b, wchar_t c)
{
    if (c == L'%')
        wb_str(b, L"%%cd:~,%");
    else
        wb_ch(b, c, 1);
}

/* characters a batch argument may hold without quotes */
static int bat_plain(wchar_t c)
{
    return (c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z') || (c >= L'0' && c <= L'9') ||
           (c != 0 && wcschr(L"#$*+-./:?@\\_", c) != NULL);
}

static int bat_arg(struct wbuf *b, const wchar_t *a)
{
    size_t len = wcslen(a), i, backslashes = 0;
    int quote = len == 0 || a[len - 1] == L'\\';

    for (i = 0; i < len; i++) {
        if (a[i] == L'\r' || a[i] == L'\n')
            return EXITSTAT_EUNSAFE;
        if (!bat_plain(a[i]))
            quote = 1;
    }
    wb_ch(b, L' ', 1);
    if (quote)
        wb_ch(b, L'"', 1);
    for (i = 0; i < len; i++) {
        if (a[i] == L'\\') {
            backslashes++;
        } else {
            if (a[i] == L'"') {
                /* n backslashes become 2n, and the quote is doubled */
                wb_ch(b, L'\\', backslashes);
                wb_ch(b, L'"', 1);
            }
            backslashes = 0;
        }
        wb_bat_char(b, a[i]);
    }
    if (quote) {
        wb_ch(b, L'\\', backslashes);
        wb_ch(b, L'"', 1);
    }
    return 0;
}

static int batch_line(const exitstat_cmd *cmd, const wchar_t *script, wchar_t **app, wchar_t **line)
{
    wchar_t sys[MAX_PATH + 1];
    UINT n = GetSystemDirectoryW(sys, MAX_PATH + 1);
    size_t slen = wcslen(script), i;
    struct wbuf b = {NULL, 0, 0, 0};
    int err = 0;

    if (n == 0 || n > MAX_PATH)
        return EXITSTAT_EIO;
    if (slen == 0 || script[slen - 1] == L'\\' || wcspbrk(script, L"\"\r\n"))
        return EXITSTAT_EUNSAFE;

    /* the application: cmd.exe of the system directory */
    wb_add(&b, sys, n);
    wb_str(&b, L"\\cmd.exe");
    if (b.oom)
        return EXITSTAT_ENOMEM;
    *app = b.p;

    memset(&b, 0, sizeof(b));
    wb_ch(&b, L'"', 1);
    wb_str(&b, *app);
    wb_str(&b, L"\" /d /e:ON /v:OFF /c \"\"");
    for (i = 0; i < slen; i++)
        wb_bat_char(&b, script[i]);
    wb_ch(&b, L'"', 1);
    for (i = 1; i < cmd->argc && err == 0; i++) {
        wchar_t *w;
        if ((err = exitstat__utf16(cmd->argv[i], &w)) < 0)
            break;
        err = bat_arg(&b, w);
        free(w);
    }
    wb_ch(&b, L'"', 1);
    if (!err && b.oom)
        err = EXITSTAT_ENOMEM;
    if (!err && b.len > EXITSTAT__CMD_EXE_MAX)
        err = EXITSTAT_E2BIG;
    if (err) {
        free(b.p);
        free(*app);
        *app = NULL;
        return err;
    }
    *line = b.p;
    return 0;
}

int exitstat__cmdline(const exitstat_cmd *cmd, const wchar_t *file, wchar_t **app, wchar_t **line)
{
    char *u8;
    int n, err;

    *app = *line = NULL;
    if (exitstat__is_batch(file))
        return batch_line(cmd, file, app, line);

    n = exitstat_win32_quote((const char *const *)cmd->argv, NULL, 0);
    if (n < 0)
        return n;
    if (!(u8 = malloc((size_t)n + 1)))
        return EXITSTAT_ENOMEM;
    exitstat_win32_quote((const char *const *)cmd->argv, u8, (size_t)n + 1);
    err = exitstat__utf16(u8, line);
    free(u8);
    if (err < 0)
        return err;
    /* n UTF-8 bytes never make more than n units: check only long lines */
    if ((size_t)n + 1 > EXITSTAT__CMDLINE_MAX && wcslen(*line) + 1 > EXITSTAT__CMDLINE_MAX) {
        free(*line);
        *line = NULL;
        return EXITSTAT_E2BIG;
    }
    if (!(*app = exitstat__wcsdup(file))) {
        free(*line);
        *line = NULL;
        return EXITSTAT_ENOMEM;
    }
    return 0;
}
