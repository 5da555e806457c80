/*
 * testutil.h - what the process tests share: the helper child program, leak
 * checks around every test, and small I/O helpers.
 *
 * The helper (tests/helper.c, built as exitstat-test-helper) is the child of
 * nearly every process test. Its first argument picks a behaviour:
 *
 *   exit N            exit with N (strtoul, so 0x... works; Windows: 32 bits)
 *   signal S          raise signal S (POSIX; the default action must apply)
 *   abort             abort()
 *   crash             write through a NULL pointer (SIGSEGV / 0xC0000005)
 *   sleep MS          sleep MS milliseconds, exit 0
 *   argv              write every argument after "argv" to stdout, each
 *                     followed by a NUL byte (Windows: from GetCommandLineW
 *                     split by CommandLineToArgvW, as UTF-8)
 *   env               write every environment entry NAME=VALUE, NUL-terminated
 *   getenv NAME       write the value of NAME (no newline); exit 3 if unset
 *   cwd               write the current directory (no newline)
 *   echo              copy stdin to stdout until EOF
 *   write-out N       write N bytes of a known pattern (byte i = i % 251) to stdout
 *   write-err N       likewise to stderr
 *   write-both N      N bytes to stdout and N to stderr, interleaved in 4 KiB chunks
 *   pump N            read all of stdin (exit 4 unless it is the pattern) while
 *                     writing N pattern bytes to stdout and N to stderr,
 *                     alternating blocking 64 KiB writes and reads
 *   close-out N       close stdout, then write N pattern bytes to stderr
 *   fds               write the numbers of its open descriptors above 2, one
 *                     per line (POSIX: /proc/self/fd, else probing 3..1023)
 *   check-std         exit 0 if descriptors 0, 1 and 2 are all open, else 1
 *   sigstate          write two lines, "ign HEX" and "blk HEX": the bit sets of
 *                     signals 1..64 at SIG_IGN and blocked (bit n-1 = signal n)
 *   pgid              write getpgrp() (POSIX)
 *   trap-term         on SIGTERM exit 42; write "ready\n" once the handler is
 *                     installed, then sleep up to 60 s
 *   ignore-term       ignore SIGTERM, write "ready\n", sleep up to 60 s
 *   grandchild MS     start a grandchild "sleep MS" that inherits stdout and
 *                     stderr, write its pid and "\n", exit 0 at once
 *   spawn-wait        (POSIX) fork a child that exits 0 and waitpid() it; exit
 *                     0 if that worked (a child can wait for its own children)
 *   tree MS           as grandchild MS, then sleep MS itself: a tree of two
 *                     running processes
 *   cmdline           (Windows) write GetCommandLineW() as UTF-8, exactly as
 *                     the parent built it (no NUL)
 *   fileid WHICH      (Windows) write which file a handle is, as
 *                     "VOLUME:INDEX" in hex, or "invalid": WHICH is in, out,
 *                     err (a standard handle) or a handle value (strtoul)
 *
 * Unknown behaviours exit 125 with a message on stderr.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_TESTUTIL_H
#define EXITSTAT_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "exitstat.h"

/* the helper's path: $EXITSTAT_TEST_HELPER (set by meson), else next to the
 * test runner */
const char *helper_path(void);

/* a command that runs the helper with the given behaviour and arguments,
 * NULL-terminated; fails the test on error */
exitstat_cmd *helper_cmd(const char *behaviour, ...);

/* spawn the helper command and wait for it (timeout 20 s); fails the test on
 * any error; frees the command */
void helper_run(exitstat_cmd *cmd, exitstat_status *st);

/* read a descriptor (POSIX) or HANDLE to EOF; malloc'ed, NUL-terminated,
 * length in *len; fails the test on error */
char *read_all(intptr_t fd, size_t *len);

/*
 * Leak checks: leak_check_begin() records the open descriptors (handles on
 * Windows) and this process's children; leak_check_end() fails the test if a
 * descriptor is open that was not before, or a child (running or zombie) of
 * ours exists that did not. Registered around every process test as a checked
 * fixture: tcase_add_checked_fixture(tc, leak_check_begin, leak_check_end).
 */
void leak_check_begin(void);
void leak_check_end(void);

/* the number of children (running or zombie) of this process right now */
int count_children(void);

/* milliseconds on a monotonic clock */
int64_t now_ms(void);

/* 1 when running under Wine (Windows builds), else 0 */
int running_under_wine(void);

/* 1 for an environment entry ("NAME=value") that Wine's loader adds to every
 * process (WINE*, SystemDrive, SystemRoot; tests/wine-deviations.md W6) when
 * running under Wine, else 0 */
int wine_env_entry(const char *entry);

/* the reference that ends every SKIP reason: WINE_DEV("W6") */
#define WINE_DEV(w) " (tests/wine-deviations.md " w ")"

#endif
