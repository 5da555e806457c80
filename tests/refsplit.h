/*
 * refsplit.h - reference splitters for Windows command lines, for the tests
 * of exitstat_win32_quote/exitstat_win32_split and of the Windows backend.
 *
 * They are written independently of lib/quote.c (a different algorithm: runs
 * of quotes are counted, as the rules are usually stated) so that the two can
 * check each other. Two rules:
 *
 *   REF_CL2A  CommandLineToArgvW, and the msvcrt.dll of Windows (the Visual
 *             C++ 6 rule, used by mingw-w64 programs): argv[0] runs to the
 *             next '"' when it starts with one, else to a space or tab; in
 *             the other arguments a run of c quotes (counting an open quoted
 *             part as one more) gives c/3 literal quotes and leaves a quoted
 *             part open when c % 3 == 1.
 *   REF_UCRT  the C runtimes since Visual C++ 2008 and the UCRT: in argv[0]
 *             quotes toggle and are dropped, a space or tab outside quotes
 *             ends it; in the others '""' inside a quoted part is a literal
 *             '"' and the part stays open.
 *
 * Both treat n backslashes before a '"' alike: n/2 backslashes, and the quote
 * is literal when n is odd.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_REFSPLIT_H
#define EXITSTAT_REFSPLIT_H

#include <stddef.h>

enum ref_rule { REF_CL2A, REF_UCRT };

/* Split line by rule into a NULL-terminated vector of malloc'ed strings (an
 * empty line gives none); returns the count, or -1 when out of memory. */
int ref_split(const char *line, enum ref_rule rule, char ***out);
void ref_free(char **argv);

/* 1 if the NULL-terminated vectors are equal; else 0, and a description of
 * the first difference in why (at most size bytes) */
int ref_same_argv(const char *const *a, const char *const *b, char *why, size_t size);

#endif
