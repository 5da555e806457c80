/*
 * noop.c - the spawn benchmark's child: a static program that exits 0 at
 * once, so that what is timed is the spawning and the waiting, not the
 * child. Built with -static -nostartfiles where the toolchain can: _start is
 * then the whole program (one exit_group system call), with no dynamic
 * loader and no C runtime start-up. meson.build falls back to a plain static
 * main, then to a dynamic one, elsewhere.
 *
 * SPDX-License-Identifier: MIT
 */
#include <unistd.h>

#ifdef BENCH_NOSTARTFILES
/* The kernel enters here with the stack 16-byte aligned rather than as after
 * a call; _exit is one system call and does not mind. */
void _start(void);

void _start(void)
{
    _exit(0);
}
#else
int main(void)
{
    return 0;
}
#endif
