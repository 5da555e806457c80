/*
 * ntstatus.c - names of the NTSTATUS values that Windows processes end with:
 * the exceptions the status mapping turns into signals, and the failures users
 * meet most (a DLL not found, a bad image, a heap corruption...). Portable: the
 * values are plain numbers, so the names read the same on every platform.
 *
 * Values from Microsoft's ntstatus.h / [MS-ERREF] 2.3.1.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdlib.h>

struct ntstatus_entry {
    uint32_t code;
    const char *name;
};

/* sorted by code: looked up with bsearch */
static const struct ntstatus_entry ntstatus_table[] = {
    {0x40000015u, "STATUS_FATAL_APP_EXIT"},
    {0x80000001u, "STATUS_GUARD_PAGE_VIOLATION"},
    {0x80000002u, "STATUS_DATATYPE_MISALIGNMENT"},
    {0x80000003u, "STATUS_BREAKPOINT"},
    {0x80000004u, "STATUS_SINGLE_STEP"},
    {0x80000005u, "STATUS_BUFFER_OVERFLOW"},
    {0x80000026u, "STATUS_LONGJUMP"},
    {0x80000029u, "STATUS_UNWIND_CONSOLIDATE"},
    {0xC0000001u, "STATUS_UNSUCCESSFUL"},
    {0xC0000002u, "STATUS_NOT_IMPLEMENTED"},
    {0xC0000005u, "STATUS_ACCESS_VIOLATION"},
    {0xC0000006u, "STATUS_IN_PAGE_ERROR"},
    {0xC0000008u, "STATUS_INVALID_HANDLE"},
    {0xC000000Du, "STATUS_INVALID_PARAMETER"},
    {0xC000000Fu, "STATUS_NO_SUCH_FILE"},
    {0xC0000011u, "STATUS_END_OF_FILE"},
    {0xC0000017u, "STATUS_NO_MEMORY"},
    {0xC0000018u, "STATUS_CONFLICTING_ADDRESSES"},
    {0xC000001Du, "STATUS_ILLEGAL_INSTRUCTION"},
    {0xC0000022u, "STATUS_ACCESS_DENIED"},
    {0xC0000024u, "STATUS_OBJECT_TYPE_MISMATCH"},
    {0xC0000025u, "STATUS_NONCONTINUABLE_EXCEPTION"},
    {0xC0000026u, "STATUS_INVALID_DISPOSITION"},
    {0xC0000034u, "STATUS_OBJECT_NAME_NOT_FOUND"},
    {0xC000003Au, "STATUS_OBJECT_PATH_NOT_FOUND"},
    {0xC0000043u, "STATUS_SHARING_VIOLATION"},
    {0xC000007Bu, "STATUS_INVALID_IMAGE_FORMAT"},
    {0xC000008Cu, "STATUS_ARRAY_BOUNDS_EXCEEDED"},
    {0xC000008Du, "STATUS_FLOAT_DENORMAL_OPERAND"},
    {0xC000008Eu, "STATUS_FLOAT_DIVIDE_BY_ZERO"},
    {0xC000008Fu, "STATUS_FLOAT_INEXACT_RESULT"},
    {0xC0000090u, "STATUS_FLOAT_INVALID_OPERATION"},
    {0xC0000091u, "STATUS_FLOAT_OVERFLOW"},
    {0xC0000092u, "STATUS_FLOAT_STACK_CHECK"},
    {0xC0000093u, "STATUS_FLOAT_UNDERFLOW"},
    {0xC0000094u, "STATUS_INTEGER_DIVIDE_BY_ZERO"},
    {0xC0000095u, "STATUS_INTEGER_OVERFLOW"},
    {0xC0000096u, "STATUS_PRIVILEGED_INSTRUCTION"},
    {0xC000009Au, "STATUS_INSUFFICIENT_RESOURCES"},
    {0xC00000BBu, "STATUS_NOT_SUPPORTED"},
    {0xC00000E5u, "STATUS_INTERNAL_ERROR"},
    {0xC00000FDu, "STATUS_STACK_OVERFLOW"},
    {0xC0000102u, "STATUS_FILE_CORRUPT_ERROR"},
    {0xC000010Au, "STATUS_PROCESS_IS_TERMINATING"},
    {0xC0000120u, "STATUS_CANCELLED"},
    {0xC000012Du, "STATUS_COMMITMENT_LIMIT"},
    {0xC0000135u, "STATUS_DLL_NOT_FOUND"},
    {0xC0000138u, "STATUS_ORDINAL_NOT_FOUND"},
    {0xC0000139u, "STATUS_ENTRYPOINT_NOT_FOUND"},
    {0xC000013Au, "STATUS_CONTROL_C_EXIT"},
    {0xC0000142u, "STATUS_DLL_INIT_FAILED"},
    {0xC0000145u, "STATUS_APP_INIT_FAILURE"},
    {0xC000014Bu, "STATUS_PIPE_BROKEN"},
    {0xC0000194u, "STATUS_POSSIBLE_DEADLOCK"},
    {0xC00002B4u, "STATUS_FLOAT_MULTIPLE_FAULTS"},
    {0xC00002B5u, "STATUS_FLOAT_MULTIPLE_TRAPS"},
    {0xC00002C9u, "STATUS_REG_NAT_CONSUMPTION"},
    {0xC0000374u, "STATUS_HEAP_CORRUPTION"},
    {0xC0000409u, "STATUS_STACK_BUFFER_OVERRUN"},
    {0xC0000417u, "STATUS_INVALID_CRUNTIME_PARAMETER"},
    {0xC000041Du, "STATUS_FATAL_USER_CALLBACK_EXCEPTION"},
    {0xC0000420u, "STATUS_ASSERTION_FAILURE"},
    {0xC0000428u, "STATUS_INVALID_IMAGE_HASH"},
    {0xC0000602u, "STATUS_FAIL_FAST_EXCEPTION"},
};

static int ntstatus_cmp(const void *key, const void *elem)
{
    uint32_t k = *(const uint32_t *)key;
    uint32_t e = ((const struct ntstatus_entry *)elem)->code;
    return (k > e) - (k < e);
}

const char *exitstat_ntstatus_name(uint32_t code)
{
    const struct ntstatus_entry *e =
        bsearch(&code, ntstatus_table, EXITSTAT__ARRAY_SIZE(ntstatus_table),
                sizeof(ntstatus_table[0]), ntstatus_cmp);
    return e ? e->name : NULL;
}
