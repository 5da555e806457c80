/*
 * posix/clone3.h - the clone3 system call with a child on a stack of its own
 * (Linux, x86-64). glibc 2.36 has no public clone3 wrapper, and the system
 * call cannot be made through syscall(): the child would return into a C
 * frame whose return address lives on the parent's stack.
 *
 * Shared by the library (spawn.c) and the benchmark's raw clone3 row, so both
 * start the child the same way.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_POSIX_CLONE3_H
#define EXITSTAT_POSIX_CLONE3_H

#include <stdint.h>
#if defined(__linux__)
#  include <sys/syscall.h>
#endif

#if defined(__linux__) && defined(__x86_64__) && defined(SYS_clone3)
#  define EXITSTAT__HAVE_CLONE3 1

/* struct clone_args of <linux/sched.h>, version 0 (64 bytes); that header
 * redefines <sched.h>'s CLONE_* macros, so the layout is spelled here */
struct exitstat__clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* Linux 5.5: the child starts with every caught signal at SIG_DFL (ignored
 * ones stay ignored), set by the kernel as it copies the actions */
#  define EXITSTAT__CLONE_CLEAR_SIGHAND UINT64_C(0x100000000)

/*
 * Returns the child's pid, or -errno. The kernel starts the child at the
 * instruction after the syscall, on its own stack (stack + stack_size, which
 * must be 16-byte aligned), with the parent's registers: there it calls
 * fn(arg) at once and ends with exit_group(fn's result) should fn return.
 * r12 and r13 carry fn and arg across the syscall, which keeps them.
 */
static inline long exitstat__clone3(struct exitstat__clone_args *ca, int (*fn)(void *), void *arg)
{
    register long rax __asm__("rax") = SYS_clone3;
    register int (*r12)(void *) __asm__("r12") = fn;
    register void *r13 __asm__("r13") = arg;

    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebp, %%ebp\n\t" /* the outermost frame */
                     "mov %%r13, %%rdi\n\t"
                     "call *%%r12\n\t"
                     "mov %%eax, %%edi\n\t"
                     "mov $231, %%eax\n\t" /* SYS_exit_group */
                     "syscall\n"
                     "1:"
                     : "+r"(rax)
                     : "D"(ca), "S"(sizeof(*ca)), "r"(r12), "r"(r13)
                     : "rcx", "r11", "memory");
    return rax;
}
#else
#  define EXITSTAT__HAVE_CLONE3 0
#endif

#endif
