/*
 * win32/spawn.c - starting a child with CreateProcessW.
 *
 * What the child gets (the contract, and what this file guarantees):
 *  - the program resolved by path.c as lpApplicationName (never a guess by
 *    CreateProcessW from the command line), and the command line of
 *    cmdline.c; a .bat/.cmd runs through cmd.exe with escaped arguments;
 *  - the environment block of env.c, or ours unchanged;
 *  - its three standard handles as the command says, and no other handle of
 *    ours. bInheritHandles is TRUE only together with
 *    PROC_THREAD_ATTRIBUTE_HANDLE_LIST, which limits inheritance to the
 *    handles listed: inheritable duplicates made just for this spawn (of our
 *    standard handles, of the caller's EXITSTAT_HANDLE), the NUL device and
 *    the child's pipe ends, all closed right after CreateProcessW. The list
 *    holds each handle once (the same handle may serve stdout and stderr)
 *    and never a console pseudo-handle (Windows 7: value & 3 == 3), which is
 *    not a kernel handle and reaches a console child anyway. Other threads
 *    spawning at the same time therefore never inherit one another's pipe
 *    ends, and the parent's pipe ends are never inheritable at all;
 *  - EXITSTAT_NEW_GROUP: CREATE_NEW_PROCESS_GROUP (so exitstat_terminate can
 *    send CTRL_BREAK to the group) and a job object; EXITSTAT_KILL_ON_FREE:
 *    a job that kills what is in it when its handle closes. The child is
 *    created suspended, put in the job, then resumed, so that nothing it
 *    starts can escape the job; descendants join it by themselves;
 *  - no window: CREATE_NO_WINDOW when we have no console, so that a console
 *    program started from a service or GUI does not open one. When we do
 *    have a console the child shares it, as a shell's children do: that is
 *    what lets CTRL_BREAK reach it (CREATE_NO_WINDOW would give it a hidden
 *    console of its own, out of GenerateConsoleCtrlEvent's reach);
 *  - SEM_NOGPFAULTERRORBOX in the error mode it inherits, so a crash ends it
 *    at once with its exception code instead of waiting on a dialog.
 *
 * Everything is prepared before CreateProcessW and the child object is
 * allocated first, so that once a process exists nothing can fail but what
 * we undo (a failed job assignment terminates the suspended child).
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

/* What the child's streams are made of. */
struct plan {
    HANDLE child[3];  /* the child's handle for stream i, or NULL */
    HANDLE src[3];    /* what it was duplicated from (INHERIT, HANDLE), or NULL */
    HANDLE parent[3]; /* our pipe ends, handed to the child object */
    HANDLE ours[3];   /* inheritable handles made for the spawn, closed after it */
    int nours;
    HANDLE nul;     /* the NUL device, shared by every EXITSTAT_NULL stream */
    HANDLE list[3]; /* PROC_THREAD_ATTRIBUTE_HANDLE_LIST */
    DWORD nlist;
};

/* A console pseudo-handle (Windows 7 and older): not a kernel object. */
static int console_pseudo(HANDLE h)
{
    return ((uintptr_t)h & 3) == 3 && GetFileType(h) == FILE_TYPE_CHAR;
}

static int valid(HANDLE h)
{
    return h != NULL && h != INVALID_HANDLE_VALUE;
}

static void plan_close_ours(struct plan *p)
{
    while (p->nours > 0)
        CloseHandle(p->ours[--p->nours]);
}

static void plan_cleanup(struct plan *p)
{
    int i;

    plan_close_ours(p);
    for (i = 0; i < 3; i++) {
        if (p->parent[i])
            CloseHandle(p->parent[i]);
        p->parent[i] = NULL;
    }
}

/* the child's handle for a handle of ours or the caller's: an inheritable
 * duplicate, shared with an earlier stream of the same source */
static int plan_dup(struct plan *p, int i, HANDLE src)
{
    HANDLE dup;
    int j;

    if (!valid(src))
        return 0; /* we have no such stream: neither has the child */
    if (console_pseudo(src)) {
        p->child[i] = src;
        return 0;
    }
    for (j = 0; j < i; j++) {
        if (p->src[j] == src) {
            p->child[i] = p->child[j];
            return 0;
        }
    }
    if (!DuplicateHandle(GetCurrentProcess(), src, GetCurrentProcess(), &dup, 0, TRUE,
                         DUPLICATE_SAME_ACCESS)) {
        int err = exitstat__last_error();
        /* a caller's handle that is not one */
        return err == EXITSTAT_EACCES ? err : EXITSTAT_EINVAL;
    }
    p->ours[p->nours++] = p->child[i] = dup;
    p->src[i] = src;
    return 0;
}

static int plan_stdio(const exitstat_cmd *cmd, struct plan *p)
{
    static const DWORD std_id[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
    SECURITY_ATTRIBUTES inherit = {sizeof(inherit), NULL, TRUE};
    HANDLE r, w;
    int i, j, err;

    for (i = 0; i < 3; i++) {
        switch (cmd->stdio[i].mode) {
        case EXITSTAT_NULL:
            if (!p->nul) {
                p->nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
                                     FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0,
                                     NULL);
                if (p->nul == INVALID_HANDLE_VALUE) {
                    p->nul = NULL;
                    return exitstat__last_error();
                }
                p->ours[p->nours++] = p->nul;
            }
            p->child[i] = p->nul;
            break;
        case EXITSTAT_PIPE:
            /* both ends born non-inheritable; the child's end is made
             * inheritable, ours never is */
            if (!CreatePipe(&r, &w, NULL, 0))
                return exitstat__last_error();
            p->parent[i] = i == 0 ? w : r;
            p->child[i] = i == 0 ? r : w;
            p->ours[p->nours++] = p->child[i];
            if (!SetHandleInformation(p->child[i], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
                return exitstat__last_error();
            break;
        case EXITSTAT_HANDLE:
            if (!valid((HANDLE)cmd->stdio[i].handle))
                return EXITSTAT_EINVAL;
            if ((err = plan_dup(p, i, (HANDLE)cmd->stdio[i].handle)) < 0)
                return err;
            break;
        case EXITSTAT_MERGE: p->child[i] = p->child[1]; break;
        default: /* EXITSTAT_INHERIT */
            if ((err = plan_dup(p, i, GetStdHandle(std_id[i]))) < 0)
                return err;
            break;
        }
    }
    /* the handle list: each kernel handle once */
    for (i = 0; i < 3; i++) {
        int seen = !p->child[i] || console_pseudo(p->child[i]);
        for (j = 0; j < (int)p->nlist && !seen; j++)
            seen = p->list[j] == p->child[i];
        if (!seen)
            p->list[p->nlist++] = p->child[i];
    }
    return 0;
}

/*
 * The error mode our children inherit. It belongs to the whole process, so
 * spawns in flight share one change: the first one in adds
 * SEM_NOGPFAULTERRORBOX, the last one out puts back what was there.
 */
static SRWLOCK error_mode_lock = SRWLOCK_INIT;
static unsigned error_mode_users;
static UINT error_mode_saved;

static void error_mode_enter(void)
{
    AcquireSRWLockExclusive(&error_mode_lock);
    if (error_mode_users++ == 0) {
        error_mode_saved = GetErrorMode();
        SetErrorMode(error_mode_saved | SEM_NOGPFAULTERRORBOX);
    }
    ReleaseSRWLockExclusive(&error_mode_lock);
}

static void error_mode_leave(void)
{
    AcquireSRWLockExclusive(&error_mode_lock);
    if (--error_mode_users == 0)
        SetErrorMode(error_mode_saved);
    ReleaseSRWLockExclusive(&error_mode_lock);
}

/* a job for the child, killing what is in it on close for KILL_ON_FREE */
static int make_job(uint32_t flags, HANDLE *out)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info;
    HANDLE job = CreateJobObjectW(NULL, NULL);

    *out = NULL;
    if (!job)
        return exitstat__last_error();
    if (flags & EXITSTAT_KILL_ON_FREE) {
        memset(&info, 0, sizeof(info));
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof(info))) {
            int err = exitstat__last_error();
            CloseHandle(job);
            return err;
        }
    }
    *out = job;
    return 0;
}

/* the working directory: missing is ENOENT, not a directory ENOTDIR (which
 * CreateProcessW would both call ERROR_DIRECTORY) */
static int check_cwd(const wchar_t *cwd)
{
    DWORD attr = GetFileAttributesW(cwd);

    if (attr == INVALID_FILE_ATTRIBUTES) {
        int err = exitstat__last_error();
        return err == EXITSTAT_EACCES ? err : EXITSTAT_ENOENT;
    }
    return attr & FILE_ATTRIBUTE_DIRECTORY ? 0 : EXITSTAT_ENOTDIR;
}

static void child_destroy(exitstat_child *child)
{
    int i;

    for (i = 0; i < 3; i++)
        if (child->stdio[i])
            CloseHandle(child->stdio[i]);
    if (child->process)
        CloseHandle(child->process);
    /* with KILL_ON_FREE this ends whatever is left of the tree */
    if (child->job)
        CloseHandle(child->job);
    free(child);
}

int exitstat__check_handle(intptr_t handle)
{
    HANDLE h = (HANDLE)handle;
    DWORD flags;

    if (!valid(h))
        return EXITSTAT_EINVAL;
    if (GetHandleInformation(h, &flags) || console_pseudo(h))
        return 0;
    return EXITSTAT_EINVAL;
}

int exitstat_spawn(const exitstat_cmd *cmd, exitstat_child **out)
{
    STARTUPINFOEXW si;
    PROCESS_INFORMATION pi;
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    exitstat_child *child = NULL;
    wchar_t *env = NULL, *file = NULL, *app = NULL, *line = NULL, *cwd = NULL;
    DWORD flags = CREATE_UNICODE_ENVIRONMENT;
    struct plan p;
    SIZE_T attrs_size = 0;
    BOOL ok;
    int err, i;

    if (!out)
        return EXITSTAT_EINVAL;
    *out = NULL;
    if (!cmd)
        return EXITSTAT_EINVAL;
    memset(&p, 0, sizeof(p));
    memset(&si, 0, sizeof(si));

    if (!(child = calloc(1, sizeof(*child))))
        return EXITSTAT_ENOMEM;
    InitializeSRWLock(&child->lock);
    child->flags = cmd->flags;

    /* the environment first: the PATH search reads the child's */
    if ((err = exitstat__env_block(cmd, &env)) < 0)
        goto fail;
    if ((err = exitstat__resolve(cmd, env, &file)) < 0)
        goto fail;
    if ((err = exitstat__cmdline(cmd, file, &app, &line)) < 0)
        goto fail;
    if (cmd->cwd) {
        if ((err = exitstat__utf16(cmd->cwd, &cwd)) < 0 || (err = check_cwd(cwd)) < 0)
            goto fail;
    }
    if (cmd->flags & (EXITSTAT_NEW_GROUP | EXITSTAT_KILL_ON_FREE)) {
        if ((err = make_job(cmd->flags, &child->job)) < 0)
            goto fail;
        flags |= CREATE_SUSPENDED;
    }
    if (cmd->flags & EXITSTAT_NEW_GROUP)
        flags |= CREATE_NEW_PROCESS_GROUP;
    if (!GetConsoleWindow())
        flags |= CREATE_NO_WINDOW;
    if ((err = plan_stdio(cmd, &p)) < 0)
        goto fail;

    si.StartupInfo.cb = sizeof(si.StartupInfo);
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = p.child[0];
    si.StartupInfo.hStdOutput = p.child[1];
    si.StartupInfo.hStdError = p.child[2];
    if (p.nlist > 0) {
        InitializeProcThreadAttributeList(NULL, 1, 0, &attrs_size);
        if (!(attrs = malloc(attrs_size))) {
            err = EXITSTAT_ENOMEM;
            goto fail;
        }
        if (!InitializeProcThreadAttributeList(attrs, 1, 0, &attrs_size)) {
            free(attrs);
            attrs = NULL;
            err = exitstat__last_error();
            goto fail;
        }
        if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, p.list,
                                       p.nlist * sizeof(HANDLE), NULL, NULL)) {
            err = exitstat__last_error();
            goto fail;
        }
        si.StartupInfo.cb = sizeof(si);
        si.lpAttributeList = attrs;
        flags |= EXTENDED_STARTUPINFO_PRESENT;
    }

    child->start_us = exitstat__now_us();
    error_mode_enter();
    /* bInheritHandles only with the list that limits it */
    ok = CreateProcessW(app, line, NULL, NULL, p.nlist > 0, flags, env, cwd, &si.StartupInfo, &pi);
    err = ok ? 0 : exitstat__last_error();
    error_mode_leave();
    if (!ok)
        goto fail;

    if (child->job) {
        if (!AssignProcessToJobObject(child->job, pi.hProcess) ||
            ResumeThread(pi.hThread) == (DWORD)-1) {
            err = exitstat__last_error();
            /* it never ran a single instruction of its own: undo it */
            TerminateProcess(pi.hProcess, 1);
            WaitForSingleObject(pi.hProcess, INFINITE);
            CloseHandle(pi.hThread);
            CloseHandle(pi.hProcess);
            goto fail;
        }
    }
    CloseHandle(pi.hThread);

    /* the child runs; from here on nothing may fail */
    child->process = pi.hProcess;
    child->pid = pi.dwProcessId;
    for (i = 0; i < 3; i++) {
        child->stdio[i] = p.parent[i];
        p.parent[i] = NULL;
    }
    plan_close_ours(&p);
    err = 0;
    *out = child;
    child = NULL;
fail:
    if (attrs) {
        DeleteProcThreadAttributeList(attrs);
        free(attrs);
    }
    plan_cleanup(&p);
    if (child)
        child_destroy(child);
    free(env);
    free(file);
    free(app);
    free(line);
    free(cwd);
    return err;
}

void exitstat_child_free(exitstat_child *child)
{
    if (!child)
        return;
    if (child->flags & EXITSTAT_KILL_ON_FREE) {
        /* kill it (its job with NEW_GROUP) and wait for it to be gone */
        exitstat_kill(child);
        WaitForSingleObject(child->process, INFINITE);
    }
    child_destroy(child);
}
