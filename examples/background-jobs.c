/*
 * background-jobs.c - start several jobs at once, keep working while they
 * run, and know exactly how each one ended, the moment it ends.
 *
 * The old batch-file way is to START each job through a wrapper that writes
 * %ERRORLEVEL% to a temp file when it is done, and to poll for those files:
 * a job that crashes or is killed never writes its file, a crash code turns
 * into a negative number or a bare 139, and the poll interval is all the
 * latency you get. This program does it right with libexitstat: it launches
 * three jobs at once (one succeeds, one fails with exit code 3, one dies of
 * a segmentation fault), does its own work in slices while they run, collects
 * each status as it arrives with exitstat_wait_any, and prints a report that
 * decodes every status: the description, what a shell's $? and cmd.exe's
 * %ERRORLEVEL% would have shown.
 *
 *   cc background-jobs.c -o background-jobs $(pkg-config --cflags --libs libexitstat)
 *   ./background-jobs
 *
 * It exits 0 when every job ended as expected (it runs as one of the
 * project's tests), 1 when one did not, 2 when a job could not be started.
 *
 * SPDX-License-Identifier: MIT
 */
#include <exitstat.h>

#include <signal.h>
#include <stdio.h>

#define NJOBS 3

struct job {
    const char *name;
    const char *argv[5];
    int kind;        /* what we expect: EXITSTAT_EXITED or EXITSTAT_SIGNALED */
    int64_t code;    /* ... with this exit code */
    int signal;      /* ... or this signal */
};

/* On POSIX each job sleeps a little, so that they end one by one while the
 * main loop is busy, and the crash is a real SIGSEGV (with core dumps off, so
 * that the report does not depend on the machine's core settings). On Windows
 * the crash is the exit code of an access violation, which libexitstat
 * decodes as the same SIGSEGV. */
static const struct job jobs[NJOBS] = {
#ifdef _WIN32
    {"build", {"cmd.exe", "/d", "/c", "exit 0", NULL}, EXITSTAT_EXITED, 0, 0},
    {"tests", {"cmd.exe", "/d", "/c", "exit 3", NULL}, EXITSTAT_EXITED, 3, 0},
    {"render", {"cmd.exe", "/d", "/c", "exit -1073741819", NULL}, EXITSTAT_SIGNALED, 0, SIGSEGV},
#else
    {"build", {"sh", "-c", "sleep 0.3; exit 0", NULL}, EXITSTAT_EXITED, 0, 0},
    {"tests", {"sh", "-c", "sleep 0.1; exit 3", NULL}, EXITSTAT_EXITED, 3, 0},
    {"render", {"sh", "-c", "sleep 0.2; ulimit -c 0; kill -SEGV $$", NULL}, EXITSTAT_SIGNALED, 0,
     SIGSEGV},
#endif
};

/* Our own work, done in slices between looks at the jobs: count primes. */
static unsigned long next = 2, primes;

static void work_a_little(void)
{
    unsigned long end = next + 2000, n, d;

    for (n = next; n < end; n++) {
        for (d = 2; d * d <= n && n % d; d++)
            ;
        if (d * d > n)
            primes++;
    }
    next = end;
}

static int start(const struct job *job, exitstat_child **child)
{
    exitstat_cmd *cmd;
    int err;

    if ((err = exitstat_cmd_new(&cmd, job->argv[0])) < 0)
        return err;
    err = exitstat_cmd_argv(cmd, job->argv + 1);
    /* no job reads our terminal */
    if (!err)
        err = exitstat_cmd_stdio(cmd, 0, EXITSTAT_NULL, 0);
    if (!err)
        err = exitstat_spawn(cmd, child);
    exitstat_cmd_free(cmd); /* the child does not need it */
    return err;
}

static int as_expected(const struct job *job, const exitstat_status *st)
{
    if (st->kind != job->kind)
        return 0;
    if (st->kind == EXITSTAT_EXITED)
        return st->code == job->code;
    return st->signal == job->signal && !(st->flags & EXITSTAT_F_COREDUMP);
}

int main(void)
{
    exitstat_child *running[NJOBS]; /* the jobs still running ... */
    int which[NJOBS];               /* ... and which job each one is */
    size_t nrunning = 0, i;
    int finished = 0, slices = 0, failures = 0, err;

    for (i = 0; i < NJOBS; i++) {
        if ((err = start(&jobs[i], &running[nrunning])) < 0) {
            fprintf(stderr, "background-jobs: cannot start %s: %s\n", jobs[i].name,
                    exitstat_strerror(err));
            return 2; /* (the jobs already started end on their own) */
        }
        which[nrunning++] = (int)i;
        printf("started %-7s %s\n", jobs[i].name, jobs[i].argv[2]);
    }
    printf("\n%-7s %7s  %-42s %4s %13s\n", "job", "after", "how it ended", "$?",
           "%ERRORLEVEL%");

    while (nrunning > 0) {
        exitstat_status st;
        exitstat_usage usage;
        char text[128];
        size_t idx;
        int j, ok;

        /* look for an ended job; if none ends within 20 ms, work a little */
        err = exitstat_wait_any(running, nrunning, 20, &idx, &st);
        if (err == EXITSTAT_ETIMEDOUT) {
            work_a_little();
            slices++;
            continue;
        }
        if (err < 0) {
            fprintf(stderr, "background-jobs: waiting: %s\n", exitstat_strerror(err));
            return 2;
        }
        j = which[idx];
        ok = as_expected(&jobs[j], &st);
        exitstat_status_describe(&st, text, sizeof(text));
        /* wall time: from the spawn to the end being noticed */
        if (exitstat_child_usage(running[idx], &usage) < 0)
            usage.wall_us = -1;
        printf("%-7s %5.2f s  %-42s %4d %13ld%s\n", jobs[j].name, usage.wall_us / 1e6, text,
               exitstat_status_shell(&st), (long)exitstat_status_errorlevel(&st),
               ok ? "" : "   <- not what we expected");
        failures += !ok;
        finished++;

        /* done with it: free it and close the gap in the arrays */
        exitstat_child_free(running[idx]);
        for (; idx + 1 < nrunning; idx++) {
            running[idx] = running[idx + 1];
            which[idx] = which[idx + 1];
        }
        nrunning--;
    }

    printf("\n%d jobs ended, %d as expected; meanwhile we worked in %d slices "
           "and counted %lu primes below %lu.\n",
           finished, finished - failures, slices, primes, next);
    return failures ? 1 : 0;
}
