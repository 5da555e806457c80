/*
 * win32/pipes.c - exitstat_communicate: feed a child's stdin and drain its
 * stdout and stderr at once, without deadlock whatever the sizes.
 *
 * The parent's pipe ends are anonymous pipes, which are synchronous: ReadFile
 * blocks until there is data or EOF, WriteFile until the child has taken
 * what was written. So for the duration of the call each piped stream gets a
 * thread of its own (64 KiB of stack reserved):
 *  - stdin's writes the input in chunks and then closes the pipe at once (the
 *    child may read to EOF before it writes the rest of its output); a child
 *    that closes its end first does not want the rest, which is not an error;
 *  - stdout's and stderr's read to EOF into buffers that grow geometrically,
 *    binary-safe; a stream piped but not wanted (NULL out) is drained and
 *    discarded, so the child never blocks on it.
 * This thread waits for them within the deadline, then for the child within
 * what is left. The timeout covers the whole call. On expiry the threads are
 * stopped (a stop flag, then CancelSynchronousIo on each until it has gone:
 * a cancel that lands between two of its calls is missed, so it is repeated),
 * what was read so far is returned with EXITSTAT_ETIMEDOUT and the child runs
 * on; a grandchild that keeps a pipe open cannot make the call overrun. The
 * pipe ends that reached their end are closed; the others stay with the child
 * object.
 *
 * SPDX-License-Identifier: MIT
 */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

struct stream {
    HANDLE pipe;
    HANDLE thread;
    volatile LONG stop;
    /* stdin */
    const char *in;
    size_t in_len, written;
    /* stdout, stderr */
    struct exitstat__sink sink;
    /* how it ended */
    int finished; /* EOF read, or all written (or the child closed its end) */
    int closed;   /* the writer closed the pipe itself */
    int oom;
    DWORD error; /* a failure, 0 if none */
};

static int stopped(struct stream *s)
{
    return InterlockedCompareExchange(&s->stop, 0, 0) != 0;
}

static DWORD WINAPI reader(LPVOID arg)
{
    struct stream *s = arg;
    struct exitstat__sink *k = &s->sink;
    char scratch[4096];

    while (!stopped(s)) {
        char *dst = scratch;
        DWORD want = sizeof(scratch), got = 0;

        if (k->keep) {
            if (exitstat__sink_reserve(k) < 0) {
                s->oom = 1;
                break;
            }
            dst = k->buf + k->len;
            want = (DWORD)(k->cap - k->len - 1 > EXITSTAT__CHUNK ? EXITSTAT__CHUNK
                                                                 : k->cap - k->len - 1);
        }
        if (!ReadFile(s->pipe, dst, want, &got, NULL)) {
            DWORD e = GetLastError();
            if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF)
                s->finished = 1;
            else if (e != ERROR_OPERATION_ABORTED)
                s->error = e;
            break;
        }
        if (k->keep)
            k->len += got;
    }
    return 0;
}

static DWORD WINAPI writer(LPVOID arg)
{
    struct stream *s = arg;

    while (s->written < s->in_len && !stopped(s)) {
        size_t left = s->in_len - s->written;
        DWORD chunk = (DWORD)(left > EXITSTAT__CHUNK ? EXITSTAT__CHUNK : left), done = 0;

        if (!WriteFile(s->pipe, s->in + s->written, chunk, &done, NULL)) {
            DWORD e = GetLastError();
            /* the child closed its end: it does not want the rest */
            if (e == ERROR_BROKEN_PIPE || e == ERROR_NO_DATA)
                s->written = s->in_len;
            else if (e != ERROR_OPERATION_ABORTED)
                s->error = e;
            break;
        }
        s->written += done;
    }
    if (s->written == s->in_len) {
        /* the child reads to EOF before it ends: close at once, not later */
        CloseHandle(s->pipe);
        s->closed = s->finished = 1;
    }
    return 0;
}

/* Stop a stream's thread, however it is blocked, and reap it. */
static void stop_thread(struct stream *s)
{
    InterlockedExchange(&s->stop, 1);
    while (WaitForSingleObject(s->thread, 0) != WAIT_OBJECT_0) {
        CancelSynchronousIo(s->thread);
        WaitForSingleObject(s->thread, 10);
    }
}

int exitstat_communicate(exitstat_child *child, const void *input, size_t input_len,
                         int64_t timeout_ms, char **out, size_t *out_len, char **err,
                         size_t *err_len, exitstat_status *st)
{
    struct stream streams[3];
    HANDLE threads[3];
    uint64_t deadline;
    DWORD n = 0, r;
    int res = 0, i;

    exitstat__outputs_reset(out, out_len, err, err_len);
    if (!child || !st || (input_len > 0 && !input) || (input_len > 0 && !child->stdio[0]))
        return EXITSTAT_EINVAL;
    deadline = exitstat__deadline_us(timeout_ms);
    memset(streams, 0, sizeof(streams));
    streams[1].sink.keep = out != NULL && child->stdio[1] != NULL;
    streams[2].sink.keep = err != NULL && child->stdio[2] != NULL;
    streams[0].in = input;
    streams[0].in_len = input_len;
    if (child->stdio[0] && input_len == 0) {
        CloseHandle(child->stdio[0]);
        child->stdio[0] = NULL;
    }

    for (i = 0; i < 3; i++) {
        struct stream *s = &streams[i];
        if (!child->stdio[i])
            continue;
        s->pipe = child->stdio[i];
        s->thread = CreateThread(NULL, 64 * 1024, i == 0 ? writer : reader, s,
                                 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!s->thread) {
            res = exitstat__last_error();
            goto stop;
        }
        threads[n++] = s->thread;
    }

    /* the streams, within the deadline */
    for (;;) {
        if (n == 0)
            break;
        r = WaitForMultipleObjects(n, threads, TRUE, exitstat__wait_ms(deadline));
        if (r != WAIT_TIMEOUT && r != WAIT_FAILED)
            break;
        if (r == WAIT_FAILED) {
            res = exitstat__last_error();
            break;
        }
        if (exitstat__deadline_passed(deadline)) {
            res = EXITSTAT_ETIMEDOUT;
            break;
        }
    }
stop:
    for (i = 0; i < 3; i++)
        if (streams[i].thread)
            stop_thread(&streams[i]);
    for (i = 0; i < 3; i++) {
        struct stream *s = &streams[i];
        if (s->thread)
            CloseHandle(s->thread);
        if (res == 0 && s->oom)
            res = EXITSTAT_ENOMEM;
        if (res == 0 && s->error)
            res = exitstat__from_win32(s->error);
        /* a stream at its end is done with: close our end */
        if (s->pipe && s->finished) {
            if (!s->closed)
                CloseHandle(child->stdio[i]);
            child->stdio[i] = NULL;
        }
    }
    /* then the child, within what is left */
    if (res == 0) {
        int64_t left = -1;
        if (deadline != UINT64_MAX) {
            uint64_t now = (uint64_t)exitstat__now_us();
            left = deadline > now ? (int64_t)((deadline - now + 999) / 1000) : 0;
        }
        res = exitstat_wait(child, left, st);
    }
    if (res == 0 || res == EXITSTAT_ETIMEDOUT) {
        int e = exitstat__sinks_hand_over(&streams[1].sink, &streams[2].sink, out, out_len, err,
                                          err_len);
        if (e < 0)
            res = e;
    }
    free(streams[1].sink.buf);
    free(streams[2].sink.buf);
    return res;
}
