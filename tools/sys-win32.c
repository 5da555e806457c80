/*
 * sys-win32.c - what the exitstat command needs from Windows beyond the
 * library: UTF-8 arguments, the clock, the console, cmd.exe, and the guard
 * against Ctrl+C.
 *
 * Arguments come from GetCommandLineW split by CommandLineToArgvW and
 * converted to UTF-8, the library's encoding; the C runtime's argv is in the
 * ANSI code page and loses every character outside it.
 *
 * The guard. Ctrl+C and Ctrl+Break reach every process attached to the
 * console, the children included; each child decides what to do, and exitstat
 * stays to report how they ended (a handler that returns TRUE; never
 * SetConsoleCtrlHandler(NULL, TRUE), whose "ignore Ctrl+C" the children would
 * inherit). Nothing is forwarded: Windows has no signal to forward.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tool.h"

#include <windows.h>
#include <shellapi.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>

/* mingw-w64 expands wildcards in the C runtime's argv unless told not to; we
 * do not use that argv, but a pattern matching nothing must not change it. */
int _dowildcard = 0;

static char *utf8_from_wide(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s;

    if (n <= 0)
        tool_fail("cannot convert the command line to UTF-8");
    s = tool_malloc((size_t)n);
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n)
        tool_fail("cannot convert the command line to UTF-8");
    return s;
}

char **sys_init(int argc, char **argv, int *argc_out)
{
    wchar_t **wargv;
    char **args;
    int n, i;

    (void)argc;
    (void)argv;
    wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (!wargv)
        tool_fail("cannot read the command line");
    args = tool_malloc(((size_t)n + 1) * sizeof(*args));
    for (i = 0; i < n; i++)
        args[i] = utf8_from_wide(wargv[i]);
    args[n] = NULL;
    LocalFree(wargv);
    *argc_out = n;
    return args;
}

void sys_args_free(char **args, char **argv)
{
    size_t i;

    if (args == argv)
        return;
    for (i = 0; args[i]; i++)
        free(args[i]);
    free(args);
}

int64_t sys_now_ms(void)
{
    return (int64_t)GetTickCount64();
}

void sys_no_core_dump(void)
{
    /* nothing to do: exitstat_exit_like ends the process with an exit code */
}

int sys_stderr_is_tty(void)
{
    return _isatty(_fileno(stderr));
}

/*
 * cmd.exe /d /s /c LINE. The library builds the command line by the
 * CommandLineToArgvW rules: LINE is put in quotes when it holds a space or a
 * tab, and /s makes cmd.exe take off exactly the first and the last quote, so
 * it runs LINE as written. That holds unless LINE has a '"' (the library would
 * write it as \", which cmd.exe does not read back) or ends in '\' (the
 * library doubles it before the closing quote). The library has no way to
 * pass a command line raw, so such lines are refused rather than changed.
 */
int sys_shell_argv(const char *line, const char *argv[SYS_SHELL_ARGS])
{
    const char *comspec = getenv("ComSpec");
    size_t len = strlen(line);

    if (strchr(line, '"') || (len > 0 && line[len - 1] == '\\'))
        return EXITSTAT_EUNSAFE;
    argv[0] = comspec && *comspec ? comspec : "cmd.exe";
    argv[1] = "/d";
    argv[2] = "/s";
    argv[3] = "/c";
    argv[4] = line;
    argv[5] = NULL;
    return 5;
}

/* ------------------------------------------------------------------------- */
/* The guard                                                                 */
/* ------------------------------------------------------------------------- */

static volatile LONG caught;

static BOOL WINAPI on_console_event(DWORD event)
{
    if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT) {
        InterlockedCompareExchange(&caught, 2 /* SIGINT */, 0);
        return TRUE;
    }
    return FALSE; /* closing the console, logging off: the default */
}

int sys_guard_begin(size_t slots)
{
    (void)slots;
    caught = 0;
    /* without a console there is no Ctrl+C to catch: not an error */
    SetConsoleCtrlHandler(on_console_event, TRUE);
    return 0;
}

void sys_guard_set(size_t slot, exitstat_child *child)
{
    (void)slot;
    (void)child;
}

int sys_guard_caught(void)
{
    return (int)InterlockedCompareExchange(&caught, 0, 0);
}

void sys_guard_end(void)
{
    SetConsoleCtrlHandler(on_console_event, FALSE);
}
