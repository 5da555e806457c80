"""Command and Child: statuses of real children (exits, signals, timeouts),
signalling and stopping, the environment, the working directory, the
standard streams, resource use, closing, threads."""

import gc
import os
import select
import signal
import tempfile
import threading
import time
import unittest

from support import LONG, helper, pattern, pids_alive

import exitstat
from exitstat import Command, CommandFlag, Kind, StatusFlag


def children_of_this_process():
    """The ids of this process's children (running or zombie), from /proc."""
    pids = set()
    tasks = "/proc/self/task"
    if not os.path.isdir(tasks):
        raise unittest.SkipTest("no /proc/self/task")
    for tid in os.listdir(tasks):
        try:
            with open(os.path.join(tasks, tid, "children")) as f:
                pids.update(int(p) for p in f.read().split())
        except FileNotFoundError:
            raise unittest.SkipTest("no /proc/PID/task/TID/children") from None
    return pids


class Interrupt(Exception):
    """Raised by the test's own SIGALRM handler."""


class Statuses(unittest.TestCase):
    def test_exit_codes(self):
        for code in (0, 1, 3, 255):
            st = exitstat.run(helper("exit", code)).status
            self.assertEqual((st.kind, st.code, st.signal), (Kind.EXITED, code, 0), code)
            self.assertEqual(st.success, code == 0)
            self.assertEqual(st.raw, code << 8)
            self.assertTrue(st.flags & StatusFlag.CODE8)
            self.assertFalse(st.flags & StatusFlag.KILLED)
            # the invariant: the raw word decodes to the same status
            self.assertEqual(exitstat.Status.from_wait(st.raw), st)

    def test_wide_exit_code_keeps_8_bits(self):
        st = exitstat.run(helper("exit", 256 + 7)).status
        self.assertEqual((st.kind, st.code), (Kind.EXITED, 7))
        self.assertTrue(st.flags & StatusFlag.CODE8)

    def test_signals(self):
        for sig in (signal.SIGTERM, signal.SIGUSR1, signal.SIGKILL):
            st = exitstat.run(helper("signal", int(sig))).status
            self.assertEqual((st.kind, st.signal, st.code), (Kind.SIGNALED, sig, 0))
            # it killed itself: not our doing
            self.assertFalse(st.flags & StatusFlag.KILLED)
            self.assertEqual(st.shell, 128 + sig)
            self.assertEqual(st.signal_name, signal.Signals(sig).name)

    def test_abort_and_crash(self):
        st = exitstat.run(helper("abort")).status
        self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGABRT))
        st = exitstat.run(helper("crash")).status
        self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGSEGV))
        self.assertTrue(str(st).startswith("killed by signal %d (SIGSEGV)" % signal.SIGSEGV))

    def test_unknown_behaviour(self):
        # a lone str is the program alone, never split
        r = exitstat.run(helper()[0], capture=True)
        self.assertEqual(r.args, (helper()[0],))
        self.assertEqual(r.status.code, 125)


class Waiting(unittest.TestCase):
    def test_timeout_then_kill(self):
        with exitstat.spawn(helper("sleep", 60000)) as child:
            t0 = time.monotonic()
            with self.assertRaises(TimeoutError) as cm:
                child.wait(0.1)
            self.assertGreaterEqual(time.monotonic() - t0, 0.095)
            self.assertIsInstance(cm.exception, exitstat.TimeoutExpired)
            self.assertEqual(cm.exception.timeout, 0.1)
            self.assertIsNone(child.poll())
            with self.assertRaises(exitstat.TimeoutExpired):
                child.wait(0)
            child.kill()
            st = child.wait(LONG)
            self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGKILL))
            self.assertTrue(st.flags & StatusFlag.KILLED)
            # the status is kept: every later wait gives it at once
            self.assertEqual(child.wait(), st)
            self.assertEqual(child.wait(0), st)
            self.assertEqual(child.poll(), st)
            # an ended child is not signalled again, and that is no error
            child.kill()
            child.terminate()
            child.signal(signal.SIGUSR1)

    def test_tiny_timeout_still_waits(self):
        # 0.0001 s is rounded up to 1 ms, not down to "just look"
        with exitstat.spawn(helper("sleep", 60000)) as child:
            t0 = time.monotonic()
            with self.assertRaises(exitstat.TimeoutExpired):
                child.wait(0.0001)
            self.assertGreaterEqual(time.monotonic() - t0, 0.0009)
            child.stop(0)

    def test_terminate(self):
        with exitstat.spawn(helper("sleep", 60000)) as child:
            child.terminate()
            st = child.wait(LONG)
            self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGTERM))
            self.assertTrue(st.flags & StatusFlag.KILLED)

    def test_signal(self):
        with exitstat.spawn(helper("sleep", 60000)) as child:
            child.signal(signal.SIGINT)
            st = child.wait(LONG)
            self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGINT))
            self.assertTrue(st.flags & StatusFlag.KILLED)
        with exitstat.spawn(helper("sleep", 60000)) as child:
            with self.assertRaises(exitstat.InvalidArgumentError):
                child.signal(100000)
            with self.assertRaises(ValueError):
                child.signal(1 << 40)
            child.signal(signal.SIGUSR2)
            self.assertEqual(child.wait(LONG).signal, signal.SIGUSR2)

    def test_stop(self):
        # a child that exits on SIGTERM in time keeps its own status
        with exitstat.spawn(helper("trap-term"), stdout=exitstat.PIPE) as child:
            self.assertEqual(child.stdout.read(6), b"ready\n")
            st = child.stop(LONG)
            self.assertEqual((st.kind, st.code), (Kind.EXITED, 42))
            self.assertFalse(st.flags & StatusFlag.KILLED)
        # one that ignores it is killed after the grace time
        with exitstat.spawn(helper("ignore-term"), stdout=exitstat.PIPE) as child:
            self.assertEqual(child.stdout.read(6), b"ready\n")
            t0 = time.monotonic()
            st = child.stop(0.3)
            self.assertGreaterEqual(time.monotonic() - t0, 0.29)
            self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGKILL))
            self.assertTrue(st.flags & StatusFlag.KILLED)
        # grace 0 kills at once, without asking
        with exitstat.spawn(helper("trap-term"), stdout=exitstat.PIPE) as child:
            self.assertEqual(child.stdout.read(6), b"ready\n")
            st = child.stop(0)
            self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, signal.SIGKILL))
        # an ended child: its status, nothing sent
        with exitstat.spawn(helper("exit", 4)) as child:
            child.wait(LONG)
            self.assertEqual(child.stop(0).code, 4)
        with exitstat.spawn(helper("exit", 0)) as child:
            with self.assertRaises(ValueError):
                child.stop(-1)
            child.wait(LONG)

    def test_wait_is_interruptible(self):
        # Python runs signal handlers between calls into the library: a wait
        # without timeout must come back to it, or Ctrl-C would do nothing
        if threading.current_thread() is not threading.main_thread():
            self.skipTest("signals reach the main thread only")

        def on_alarm(signum, frame):
            raise Interrupt()

        old = signal.signal(signal.SIGALRM, on_alarm)
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        with exitstat.spawn(helper("sleep", 60000)) as child:
            t0 = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            with self.assertRaises(Interrupt):
                child.wait()
            self.assertLess(time.monotonic() - t0, 5)
            self.assertIsNone(child.poll())
            child.stop(0)

    def test_run_interrupted_kills_the_child(self):
        if threading.current_thread() is not threading.main_thread():
            self.skipTest("signals reach the main thread only")

        def on_alarm(signum, frame):
            raise Interrupt()

        before = children_of_this_process()
        old = signal.signal(signal.SIGALRM, on_alarm)
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with self.assertRaises(Interrupt) as cm:
            exitstat.run(helper("sleep", 60000))
        # The alarm may come at any point of run(), also just after the
        # spawn, where the Child is only referenced from run()'s frame, which
        # the exception's traceback keeps: let the exception go as a caller
        # would, and the child must be gone.
        cm.exception.__traceback__ = None
        del cm
        gc.collect()
        self.assertEqual(children_of_this_process() - before, set())

    def test_wait_from_several_threads(self):
        with exitstat.spawn(helper("sleep", 200)) as child:
            got = []
            threads = [threading.Thread(target=lambda: got.append(child.wait(LONG)))
                       for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(len(got), 4)
            self.assertTrue(all(st == got[0] for st in got))
            self.assertTrue(got[0].success)

    def test_wait_any(self):
        with exitstat.spawn(helper("sleep", 60000)) as a, \
                exitstat.spawn(helper("exit", 7)) as b, \
                exitstat.spawn(helper("sleep", 60000)) as c:
            index, st = exitstat.wait_any([a, b, c], LONG)
            self.assertEqual(index, 1)
            self.assertEqual((st.kind, st.code), (Kind.EXITED, 7))
            # ended ones keep counting
            self.assertEqual(exitstat.wait_any((c, b), 0)[0], 1)
            with self.assertRaises(TimeoutError):
                exitstat.wait_any([a, c], 0.05)
            c.kill()
            index, st = exitstat.wait_any([a, c], LONG)
            self.assertEqual((index, st.signal), (1, signal.SIGKILL))
            a.stop(0)
        with self.assertRaises(ValueError):
            exitstat.wait_any([])
        with self.assertRaises(TypeError):
            exitstat.wait_any([1])
        with self.assertRaises(ValueError):
            exitstat.wait_any([a])  # closed

    def test_taken_elsewhere_is_no_child_error(self):
        child = exitstat.spawn(helper("exit", 0))
        self.addCleanup(child.close)
        os.waitpid(child.pid, 0)  # reaped behind the library's back
        with self.assertRaises(ChildProcessError) as cm:
            child.wait(LONG)
        self.assertIsInstance(cm.exception, exitstat.NoChildError)
        with self.assertRaises(exitstat.NoChildError) as cm:
            exitstat.wait_any([child], LONG)
        self.assertEqual(cm.exception.index, 0)


class Properties(unittest.TestCase):
    def test_pid_is_the_group_leader(self):
        with exitstat.spawn(helper("pgid"), stdout=exitstat.PIPE,
                            flags=CommandFlag.NEW_GROUP) as child:
            out, _, st = child.communicate(timeout=LONG)
            self.assertTrue(st.success)
            self.assertEqual(int(out), child.pid)
            self.assertNotEqual(child.pid, os.getpid())

    def test_handle(self):
        with exitstat.spawn(helper("sleep", 100)) as child:
            h = child.handle
            expect = os.environ.get("EXITSTAT_TEST_PIDFD")
            if expect == "1":
                self.assertIsInstance(h, int)
                # a pidfd: readable once the child has ended
                r, _, _ = select.select([h], [], [], LONG)
                self.assertEqual(r, [h])
            elif expect == "0":
                self.assertIsNone(h)
            child.wait(LONG)

    def test_usage(self):
        with exitstat.spawn(helper("sleep", 100)) as child:
            with self.assertRaises(exitstat.TimeoutExpired):
                child.usage()
            child.wait(LONG)
            u = child.usage()
            self.assertIsInstance(u, exitstat.Usage)
            self.assertGreaterEqual(u.wall, 0.095)
            self.assertLess(u.wall, LONG)
            for t in (u.user, u.system):
                self.assertTrue(t is None or 0 <= t < LONG, u)
            self.assertTrue(u.maxrss_kib is None or u.maxrss_kib > 0, u)
            self.assertIn("wall=", repr(u))


class Closing(unittest.TestCase):
    def test_context_manager_frees(self):
        with exitstat.spawn(helper("exit", 0)) as child:
            self.assertFalse(child.closed)
            child.wait(LONG)
        self.assertTrue(child.closed)
        self.assertIn("closed", repr(child))
        for call in (child.wait, child.kill, child.terminate, child.poll, child.usage,
                     lambda: child.stdio(1), lambda: child.handle, child.communicate):
            with self.assertRaises(ValueError):
                call()
        child.close()  # again: nothing

    def test_close_leaves_a_running_child_running(self):
        child = exitstat.spawn(helper("sleep", 60000))
        pid = child.pid
        child.close()
        try:
            self.assertTrue(pids_alive(pid))
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def test_kill_on_free(self):
        child = exitstat.spawn(helper("sleep", 60000), flags=exitstat.KILL_ON_FREE)
        pid = child.pid
        child.close()
        self.assertFalse(pids_alive(pid))  # killed and reaped

    def test_garbage_collection_frees(self):
        child = exitstat.spawn(helper("sleep", 60000), flags=exitstat.KILL_ON_FREE)
        pid = child.pid
        del child
        gc.collect()
        self.assertFalse(pids_alive(pid))

    def test_nothing_leaks(self):
        if not os.path.isdir("/proc/self/fd"):
            self.skipTest("no /proc/self/fd")
        fds = set(os.listdir("/proc/self/fd"))
        kids = children_of_this_process()
        for _ in range(10):
            with exitstat.spawn(helper("echo"), stdin=exitstat.PIPE, stdout=exitstat.PIPE,
                                stderr=exitstat.PIPE) as child:
                child.stdin.write(b"x")
                self.assertEqual(child.stdout.read(1), b"x")
                child.communicate(b"y", timeout=LONG)
            exitstat.run(helper("trap-term"), capture=True, timeout=0.01)
            with self.assertRaises(FileNotFoundError):
                exitstat.run(["/nonexistent/program"], capture=True)
            with self.assertRaises(ValueError):
                exitstat.Command(helper("exit", 0), env={"A=B": "1"}, stdout=exitstat.PIPE)
        gc.collect()
        self.assertEqual(set(os.listdir("/proc/self/fd")) - fds, set())
        self.assertEqual(children_of_this_process() - kids, set())

    def test_close_while_another_thread_waits(self):
        child = exitstat.spawn(helper("sleep", 60000))
        got = []
        t = threading.Thread(target=lambda: got.append(child.wait(LONG)))
        t.start()
        deadline = time.monotonic() + LONG
        while child._busy == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        with self.assertRaises(RuntimeError):
            child.close()
        child.kill()
        t.join()
        self.assertEqual(got[0].signal, signal.SIGKILL)
        child.close()
        self.assertTrue(child.closed)


class Commands(unittest.TestCase):
    def test_arguments_arrive_unchanged(self):
        args = ["plain", "with space", "", "caf\u00e9", "quote\"s", "back\\slash", "*"]
        r = exitstat.run(helper("argv") + args + [b"\xff\xfe"], capture=True, timeout=LONG)
        self.assertTrue(r.status.success)
        want = b"".join(os.fsencode(a) + b"\0" for a in args) + b"\xff\xfe\0"
        self.assertEqual(r.stdout, want)

    def test_attributes(self):
        with tempfile.TemporaryFile() as f:
            cmd = Command(helper("exit", 0), env={"A": "1", "B": None}, env_clear=True,
                          cwd="/", stdin=exitstat.NULL, stdout=f, flags=exitstat.NEW_GROUP)
            self.assertEqual(cmd.args, tuple(helper("exit", 0)))
            self.assertEqual(cmd.env, {"A": "1", "B": None})
            self.assertTrue(cmd.env_clear)
            self.assertEqual(cmd.cwd, "/")
            self.assertEqual(cmd.stdio, (exitstat.NULL, f, None))
            self.assertEqual(cmd.flags, CommandFlag.NEW_GROUP)
            self.assertIn("exit", repr(cmd))
            cmd.close()
            self.assertTrue(cmd.closed)
            with self.assertRaises(ValueError):
                cmd.spawn()

    def test_reuse(self):
        with Command(helper("exit", 9)) as cmd:
            for _ in range(3):
                with cmd.spawn() as child:
                    self.assertEqual(child.wait(LONG).code, 9)
            self.assertEqual(cmd.run(LONG).status.code, 9)

    def test_command_run(self):
        r = Command(helper("exit", 5)).run()
        self.assertEqual((r.status.code, r.timed_out, r.stdout, r.stderr), (5, False, None, None))
        self.assertFalse(r.success)
        t0 = time.monotonic()
        r = Command(helper("sleep", 60000)).run(timeout=0.1)
        self.assertLess(time.monotonic() - t0, LONG)
        self.assertTrue(r.timed_out)
        self.assertEqual((r.status.kind, r.status.signal), (Kind.SIGNALED, signal.SIGTERM))
        self.assertTrue(r.status.flags & StatusFlag.KILLED)
        self.assertIn("timed out", repr(r))

    def test_environment(self):
        r = exitstat.run(helper("getenv", "EXITSTAT_PY_TEST"), capture=True,
                         env={"EXITSTAT_PY_TEST": "a=b c"})
        self.assertEqual((r.stdout, r.status.code), (b"a=b c", 0))
        os.environ["EXITSTAT_PY_UNSET"] = "present"
        self.addCleanup(os.environ.pop, "EXITSTAT_PY_UNSET", None)
        r = exitstat.run(helper("getenv", "EXITSTAT_PY_UNSET"), capture=True,
                         env={"EXITSTAT_PY_UNSET": None})
        self.assertEqual(r.status.code, 3)
        r = exitstat.run(helper("env"), capture=True, env_clear=True,
                         env={"ONLY": "1", b"BYTES": b"\xff"})
        self.assertEqual(sorted(r.stdout.split(b"\0")[:-1]), [b"BYTES=\xff", b"ONLY=1"])

    def test_environment_is_read_at_spawn(self):
        cmd = Command(helper("getenv", "EXITSTAT_PY_LATE"), stdout=exitstat.PIPE)
        self.addCleanup(cmd.close)
        os.environ["EXITSTAT_PY_LATE"] = "late"
        self.addCleanup(os.environ.pop, "EXITSTAT_PY_LATE", None)
        with cmd.spawn() as child:
            out, _, st = child.communicate(timeout=LONG)
        self.assertEqual((out, st.code), (b"late", 0))

    def test_cwd(self):
        with tempfile.TemporaryDirectory() as d:
            for cwd in (d, os.fsencode(d)):
                r = exitstat.run(helper("cwd"), capture=True, cwd=cwd)
                self.assertEqual(os.path.realpath(r.stdout), os.fsencode(os.path.realpath(d)))

    def test_resolve(self):
        import shutil
        sh = shutil.which("sh")
        if not sh:
            self.skipTest("no sh in PATH")
        self.assertEqual(Command(["sh"]).resolve(), sh)
        self.assertEqual(Command(helper("exit")).resolve(), helper()[0])


class Streams(unittest.TestCase):
    def test_null(self):
        r = exitstat.run(helper("echo"), stdin=exitstat.NULL, capture=True, timeout=LONG)
        self.assertEqual((r.stdout, r.stderr, r.status.code), (b"", b"", 0))

    def test_descriptor_and_file_object(self):
        with tempfile.TemporaryFile() as f:
            r = exitstat.run(helper("write-out", 10000), stdout=f, timeout=LONG)
            self.assertTrue(r.status.success)
            f.seek(0)
            self.assertEqual(f.read(), pattern(10000))
        with tempfile.TemporaryFile() as f:
            r = exitstat.run(helper("write-err", 777), stderr=f.fileno(), timeout=LONG)
            self.assertTrue(r.status.success)
            f.seek(0)
            self.assertEqual(f.read(), pattern(777))

    def test_merge(self):
        r = exitstat.run(helper("write-both", 100000), stdout=exitstat.PIPE,
                         stderr=exitstat.MERGE, timeout=LONG)
        self.assertTrue(r.status.success)
        self.assertIsNone(r.stderr)
        self.assertEqual(len(r.stdout), 200000)

    def test_file_objects(self):
        with exitstat.spawn(helper("write-out", 300000), stdout=exitstat.PIPE) as child:
            self.assertIsNone(child.stdin)
            self.assertIsNone(child.stderr)
            self.assertIs(child.stdout, child.stdout)
            self.assertIsInstance(child.stdio(1), int)
            self.assertIsNone(child.stdio(0))
            with self.assertRaises(ValueError):
                child.stdio(3)
            self.assertEqual(child.stdout.read(), pattern(300000))
            self.assertTrue(child.wait(LONG).success)

    def test_stdin_then_communicate(self):
        with exitstat.spawn(helper("echo"), stdin=exitstat.PIPE, stdout=exitstat.PIPE) as child:
            child.stdin.write(b"written first, ")
            f = child.stdin
            out, err, st = child.communicate(b"then given", timeout=LONG)
            self.assertEqual(out, b"written first, then given")
            self.assertIsNone(err)
            self.assertTrue(st.success)
            self.assertTrue(f.closed)
            # the pipes are gone now
            self.assertIsNone(child.stdio(0))
            self.assertIsNone(child.stdio(1))

    def test_stdin_of_an_ended_child(self):
        with exitstat.spawn(helper("exit", 0), stdin=exitstat.PIPE) as child:
            child.wait(LONG)
            # Python ignores SIGPIPE: the write raises instead
            with self.assertRaises(BrokenPipeError):
                child.stdin.write(b"x" * 100)
            out, err, st = child.communicate(b"more", timeout=LONG)
            self.assertEqual((out, err, st.code), (None, None, 0))


if __name__ == "__main__":
    unittest.main()
