/*
 * posix/pipes.c - exitstat_communicate: feed a child's stdin and drain its
 * stdout and stderr at once, without deadlock whatever the sizes.
 *
 * One poll() loop over the parent's pipe ends, all non-blocking for the
 * duration of the call:
 *  - stdin is written in chunks as the pipe takes them and closed when all is
 *    written, or as soon as the child closes its end (EPIPE: not an error; a
 *    child need not read its input);
 *  - stdout and stderr are read as they fill, into buffers that grow
 *    geometrically, binary-safe, until EOF; a stream piped but not wanted
 *    (NULL out) is drained and discarded, so the child never blocks on it;
 *  - then the child is waited for, within what is left of the timeout.
 * The timeout covers the whole call. On expiry what was read so far is
 * returned with EXITSTAT_ETIMEDOUT and the child runs on: a grandchild that
 * keeps a pipe open cannot make the call overrun.
 *
 * SIGPIPE: writing to a pipe whose reader is gone raises SIGPIPE, which kills
 * the caller unless it ignores it, and we may not change its dispositions.
 * So the calling thread blocks SIGPIPE while it writes (a write's SIGPIPE is
 * sent to the writing thread), and if a write failed with EPIPE and no SIGPIPE
 * was pending before, the one it raised is consumed with sigtimedwait before
 * the mask is restored. The caller is left with no pending SIGPIPE it did not
 * have.
 *
 * SPDX-License-Identifier: MIT
 */
#include "posix.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Read what fd has now. 1 at EOF, 0 when it would block, or an error. */
static int drain(int fd, struct exitstat__sink *s)
{
    char scratch[4096];
    ssize_t n;
    int err;

    for (;;) {
        size_t want;

        if (s->keep) {
            if ((err = exitstat__sink_reserve(s)) < 0)
                return err;
            want = s->cap - s->len - 1;
            n = read(fd, s->buf + s->len, want);
        } else {
            want = sizeof(scratch);
            n = read(fd, scratch, want);
        }
        if (n > 0) {
            if (s->keep)
                s->len += (size_t)n;
            /* a pipe returns less than asked only when it is empty: back to
             * poll() rather than spend a read on EAGAIN */
            if ((size_t)n < want)
                return 0;
            continue;
        }
        if (n == 0)
            return 1;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return exitstat__from_errno(errno);
    }
}

static int set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static void close_stream(exitstat_child *child, int stream)
{
    /* the descriptor belongs to the child object: closed once, forgotten */
    close(child->stdio[stream]);
    child->stdio[stream] = -1;
}

int exitstat_communicate(exitstat_child *child, const void *input, size_t input_len,
                         int64_t timeout_ms, char **out, size_t *out_len, char **err,
                         size_t *err_len, exitstat_status *st)
{
    struct exitstat__sink sinks[3];
    const char *in = input;
    size_t written = 0;
    int64_t deadline;
    sigset_t pipe_set, old_mask;
    int blocked = 0, pipe_was_pending = 0, got_epipe = 0, last_pass = 0, res = 0, i, active;

    exitstat__outputs_reset(out, out_len, err, err_len);
    if (!child || !st || (input_len > 0 && !input) || (input_len > 0 && child->stdio[0] < 0))
        return EXITSTAT_EINVAL;
    deadline = exitstat__deadline(timeout_ms);
    memset(sinks, 0, sizeof(sinks));
    sinks[1].keep = out != NULL && child->stdio[1] >= 0;
    sinks[2].keep = err != NULL && child->stdio[2] >= 0;

    for (i = 0; i < 3; i++)
        if (child->stdio[i] >= 0 && set_nonblock(child->stdio[i], 1) < 0)
            return exitstat__from_errno(errno);
    if (child->stdio[0] >= 0 && input_len == 0)
        close_stream(child, 0);

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (child->stdio[0] >= 0) {
        sigset_t pending;
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
        blocked = 1;
        sigpending(&pending);
        pipe_was_pending = sigismember(&pending, SIGPIPE);
    }

    for (;;) {
        struct pollfd pfd[3];
        int nfds = 0, which[3], r;

        for (i = 0; i < 3; i++) {
            if (child->stdio[i] < 0)
                continue;
            pfd[nfds].fd = child->stdio[i];
            pfd[nfds].events = i == 0 ? POLLOUT : POLLIN;
            pfd[nfds].revents = 0;
            which[nfds++] = i;
        }
        if (nfds == 0)
            break;
        r = sys_poll(pfd, (nfds_t)nfds, exitstat__poll_ms(deadline));
        if (r < 0 && errno != EINTR) {
            res = exitstat__from_errno(errno);
            goto out;
        }
        for (active = 0; active < nfds && r > 0; active++) {
            int s = which[active];
            if (!pfd[active].revents)
                continue;
            if (s == 0) {
                /* as much as the pipe takes now */
                while (written < input_len) {
                    size_t chunk = input_len - written;
                    ssize_t n = write(child->stdio[0], in + written,
                                      chunk > EXITSTAT__CHUNK ? EXITSTAT__CHUNK : chunk);
                    if (n > 0) {
                        written += (size_t)n;
                    } else if (n < 0 && errno == EINTR) {
                        continue;
                    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                        break;
                    } else {
                        /* EPIPE: the child does not want the rest */
                        if (errno == EPIPE)
                            got_epipe = 1;
                        else if (n < 0) {
                            res = exitstat__from_errno(errno);
                            goto out;
                        }
                        written = input_len;
                    }
                }
                if (written == input_len)
                    close_stream(child, 0);
            } else {
                int d = drain(child->stdio[s], &sinks[s]);
                if (d < 0) {
                    res = d;
                    goto out;
                }
                if (d == 1)
                    close_stream(child, s);
            }
        }
        for (i = 0; i < 3 && child->stdio[i] < 0; i++)
            ;
        if (i == 3)
            break; /* every stream ended: on to the wait */
        /* Past the deadline, one more pass without waiting: a short read
         * leaves a stream's end to be seen on the next pass, and a child that
         * ended in time must not be reported as timed out for that. */
        if (exitstat__now_ns() >= deadline) {
            if (last_pass) {
                res = EXITSTAT_ETIMEDOUT;
                goto out;
            }
            last_pass = 1;
        }
    }
    res = exitstat_wait(child, exitstat__poll_ms(deadline), st);

out:
    if (blocked) {
        /* consume the SIGPIPE our own write raised (none if the caller ignores
         * SIGPIPE), then restore the caller's mask */
        if (got_epipe && !pipe_was_pending) {
            struct timespec zero = {0, 0};
            while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
                ;
        }
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    }
    for (i = 0; i < 3; i++)
        if (child->stdio[i] >= 0)
            set_nonblock(child->stdio[i], 0);
    if (res == 0 || res == EXITSTAT_ETIMEDOUT) {
        int e = exitstat__sinks_hand_over(&sinks[1], &sinks[2], out, out_len, err, err_len);
        if (e < 0)
            res = e;
    }
    free(sinks[1].buf);
    free(sinks[2].buf);
    return res;
}
