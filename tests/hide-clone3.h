/*
 * hide-clone3.h - make clone3 fail with ENOSYS in this process and in all it
 * starts from now on, as a kernel before 5.3 does, or a container runtime's
 * seccomp profile (which hides clone3 so that the C library falls back to
 * clone). Linux x86-64, where the library prefers clone3; shared by the
 * helper and test-signals.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef EXITSTAT_TEST_HIDE_CLONE3_H
#define EXITSTAT_TEST_HIDE_CLONE3_H

#if defined(__linux__) && defined(__x86_64__)
#  include <errno.h>
#  include <linux/filter.h>
#  include <linux/seccomp.h>
#  include <stddef.h>
#  include <sys/prctl.h>
#  include <sys/syscall.h>
#  ifdef SYS_clone3
#    define HAVE_HIDE_CLONE3 1

/* 0, or -1 with errno */
static inline int hide_clone3(void)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}
#  endif
#endif
#ifndef HAVE_HIDE_CLONE3
#  define HAVE_HIDE_CLONE3 0
#endif

#endif
