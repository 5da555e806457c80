/*
 * decode.c - what an exit status really means.
 *
 * The same number means different things depending on where it came from: 139
 * from a shell's $? is a segmentation fault, 0xC0000005 from a Windows process is
 * one too, and the wait(2) word 0x008b is the same death with a core dump. This
 * program decodes each kind of value with libexitstat and prints the status, the
 * shell's and cmd.exe's view of it, and its description.
 *
 *   cc decode.c -o decode $(pkg-config --cflags --libs libexitstat)
 *   ./decode                          # a tour of interesting values
 *   ./decode --shell 139 --win32 0xC0000409 --wait 0x0100
 *
 * SPDX-License-Identifier: MIT
 */
#include <exitstat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"unknown", "exited", "signaled", "stopped",
                                         "continued"};

static void show(const char *source, const char *value, const exitstat_status *st)
{
    char text[128];

    exitstat_status_describe(st, text, sizeof(text));
    printf("%-6s %-11s %-9s shell %4d  errorlevel %11ld  %s\n", source, value,
           kind_names[st->kind], exitstat_status_shell(st),
           (long)exitstat_status_errorlevel(st), text);
}

static int decode(const char *source, const char *value)
{
    exitstat_status st;
    char *end;
    long long v;

    errno = 0;
    v = strtoll(value, &end, 0);
    if (errno || end == value || *end) {
        fprintf(stderr, "decode: not a number: %s\n", value);
        return -1;
    }
    if (strcmp(source, "wait") == 0)
        exitstat_status_from_wait((int)v, &st);
    else if (strcmp(source, "win32") == 0)
        exitstat_status_from_win32((uint32_t)v, &st);
    else
        exitstat_status_from_shell((int)v, &st);
    show(source, value, &st);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const tour[][2] = {
        {"wait", "0x0000"},  {"wait", "0x0300"},     {"wait", "0x0009"},
        {"wait", "0x008b"},  {"wait", "0x137f"},     {"wait", "0xffff"},
        {"shell", "0"},      {"shell", "127"},       {"shell", "139"},
        {"shell", "143"},    {"win32", "1"},         {"win32", "259"},
        {"win32", "0xC0000005"}, {"win32", "0xC0000409"}, {"win32", "0xC000013A"},
        {"win32", "0xC0000135"}, {"win32", "0xFFFFFFFF"},
    };
    const char *source = "shell";
    int i, status = 0;

    printf("libexitstat %s\n", exitstat_version());
    if (argc == 1) {
        for (i = 0; i < (int)(sizeof(tour) / sizeof(tour[0])); i++)
            decode(tour[i][0], tour[i][1]);
        return 0;
    }
    for (i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            source = argv[i] + 2;
            if (strcmp(source, "wait") && strcmp(source, "win32") && strcmp(source, "shell")) {
                fprintf(stderr, "usage: decode [--wait|--win32|--shell] VALUE...\n");
                return 2;
            }
        } else if (decode(source, argv[i]) < 0) {
            status = 2;
        }
    }
    return status;
}
