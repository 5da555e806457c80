"""Child.communicate and run(): input, large output, timeouts with partial
output, and what run() reports when time runs out."""

import os
import signal
import time
import unittest

from support import LONG, helper, pattern

import exitstat
from exitstat import Kind, StatusFlag

MiB = 1024 * 1024


class Communicate(unittest.TestCase):
    def test_echo(self):
        data = b"hello\0world\n" * 1000
        with exitstat.spawn(helper("echo"), stdin=exitstat.PIPE, stdout=exitstat.PIPE) as child:
            out, err, st = child.communicate(data, timeout=LONG)
        self.assertEqual(out, data)
        self.assertIsNone(err)
        self.assertTrue(st.success)

    def test_bytes_like_input(self):
        for data in (bytearray(b"abc"), memoryview(b"xyz"), memoryview(bytes(range(8))).cast("Q")):
            with exitstat.spawn(helper("echo"), stdin=exitstat.PIPE,
                                stdout=exitstat.PIPE) as child:
                out, _, st = child.communicate(data, timeout=LONG)
            self.assertEqual(out, bytes(memoryview(data).cast("B")))

    def test_32_mib_of_output(self):
        n = 32 * MiB
        with exitstat.spawn(helper("write-out", n), stdout=exitstat.PIPE,
                            stderr=exitstat.PIPE) as child:
            out, err, st = child.communicate(timeout=120)
        self.assertTrue(st.success)
        self.assertEqual(len(out), n)
        self.assertEqual(out, pattern(n))
        self.assertEqual(err, b"")

    def test_large_input_and_output_at_once(self):
        # pump reads its input while it writes: without polling all three
        # pipes at once this deadlocks
        n = 4 * MiB
        with exitstat.spawn(helper("pump", n), stdin=exitstat.PIPE, stdout=exitstat.PIPE,
                            stderr=exitstat.PIPE) as child:
            out, err, st = child.communicate(pattern(3 * MiB + 17), timeout=120)
        self.assertEqual((st.kind, st.code), (Kind.EXITED, 0))
        self.assertEqual(out, pattern(n))
        self.assertEqual(err, pattern(n))

    def test_child_that_reads_nothing(self):
        with exitstat.spawn(helper("exit", 0), stdin=exitstat.PIPE) as child:
            out, err, st = child.communicate(b"x" * (8 * MiB), timeout=LONG)
        self.assertEqual((out, err), (None, None))
        self.assertTrue(st.success)

    def test_nothing_piped(self):
        with exitstat.spawn(helper("exit", 3)) as child:
            self.assertEqual(child.communicate(timeout=LONG)[:2], (None, None))
            self.assertEqual(child.communicate(timeout=LONG)[2].code, 3)

    def test_timeout_returns_what_was_read(self):
        with exitstat.spawn(helper("trap-term"), stdout=exitstat.PIPE,
                            stderr=exitstat.PIPE) as child:
            # Each call that times out hands over what it read, and the next
            # goes on from there: together they give "ready\n", however late
            # the child gets to write it.
            seen, timeouts = b"", 0
            deadline = time.monotonic() + LONG
            while seen != b"ready\n" and time.monotonic() < deadline:
                t0 = time.monotonic()
                with self.assertRaises(TimeoutError) as cm:
                    child.communicate(timeout=0.2)
                self.assertGreaterEqual(time.monotonic() - t0, 0.19)
                e = cm.exception
                self.assertIsInstance(e, exitstat.TimeoutExpired)
                self.assertEqual((e.stderr, e.timeout), (b"", 0.2))
                seen += e.stdout
                timeouts += 1
            self.assertEqual(seen, b"ready\n")
            self.assertGreater(timeouts, 0)
            # the child runs on
            self.assertIsNone(child.poll())
            child.terminate()
            out, err, st = child.communicate(timeout=LONG)
            self.assertEqual((out, err), (b"", b""))
            self.assertEqual((st.kind, st.code), (Kind.EXITED, 42))

    # A pipe's end is seen on the pass after its last data: past the
    # deadline communicate still makes that one more pass without waiting,
    # so timeout 0 collects a child that has already ended.
    def test_zero_timeout_collects_an_ended_child(self):
        with exitstat.spawn(helper("write-out", 100), stdout=exitstat.PIPE) as child:
            child.wait(LONG)
            out, err, st = child.communicate(timeout=0)
        self.assertEqual((out, err, st.code), (pattern(100), None, 0))

    def test_timeout_without_pipes(self):
        with exitstat.spawn(helper("sleep", 60000)) as child:
            with self.assertRaises(exitstat.TimeoutExpired) as cm:
                child.communicate(timeout=0.05)
            self.assertEqual((cm.exception.stdout, cm.exception.stderr), (None, None))
            child.stop(0)


class Run(unittest.TestCase):
    def test_capture(self):
        r = exitstat.run(helper("write-both", 5000), capture=True, timeout=LONG)
        self.assertEqual((r.stdout, r.stderr), (pattern(5000), pattern(5000)))
        self.assertTrue(r.success)
        self.assertFalse(r.timed_out)
        self.assertIn("stdout=5000 bytes", repr(r))

    def test_no_capture(self):
        r = exitstat.run(helper("exit", 0), timeout=LONG)
        self.assertEqual((r.stdout, r.stderr), (None, None))

    def test_input(self):
        r = exitstat.run(helper("echo"), input=b"round trip", capture=True)
        self.assertEqual((r.stdout, r.stderr, r.status.code), (b"round trip", b"", 0))
        # input without capture: the output goes where stdout goes
        with open(os.devnull, "wb") as null:
            r = exitstat.run(helper("echo"), input=b"gone", stdout=null)
        self.assertIsNone(r.stdout)
        self.assertTrue(r.success)

    def test_capture_with_merge(self):
        r = exitstat.run(helper("write-both", 4096), capture=True, stderr=exitstat.MERGE)
        self.assertEqual(len(r.stdout), 8192)
        self.assertIsNone(r.stderr)

    def test_timeout_stops_the_child(self):
        t0 = time.monotonic()
        r = exitstat.run(helper("sleep", 60000), timeout=0.2)
        self.assertLess(time.monotonic() - t0, LONG)
        self.assertTrue(r.timed_out)
        self.assertFalse(r.success)
        self.assertEqual((r.status.kind, r.status.signal), (Kind.SIGNALED, signal.SIGTERM))
        self.assertTrue(r.status.flags & StatusFlag.KILLED)

    def test_timeout_keeps_the_output(self):
        # (the timeouts leave the helper time to start and install its
        # handler: before that, SIGTERM would simply kill it)
        # terminate, and the child's own ending when it exits in time
        r = exitstat.run(helper("trap-term"), capture=True, timeout=2)
        self.assertTrue(r.timed_out)
        self.assertEqual((r.stdout, r.stderr), (b"ready\n", b""))
        self.assertEqual((r.status.kind, r.status.code), (Kind.EXITED, 42))
        # a child that ignores terminate is killed after a second
        t0 = time.monotonic()
        r = exitstat.run(helper("ignore-term"), capture=True, timeout=2)
        self.assertGreaterEqual(time.monotonic() - t0, 2 + exitstat._process.RUN_GRACE - 0.01)
        self.assertTrue(r.timed_out)
        self.assertEqual(r.stdout, b"ready\n")
        self.assertEqual((r.status.kind, r.status.signal), (Kind.SIGNALED, signal.SIGKILL))
        self.assertTrue(r.status.flags & StatusFlag.KILLED)

    def test_grandchild_holding_the_pipe(self):
        # the child exits at once, its grandchild keeps stdout open: the
        # timeout still bounds run(), and the child's own status is kept
        t0 = time.monotonic()
        r = exitstat.run(helper("grandchild", 30000), capture=True, timeout=0.5)
        elapsed = time.monotonic() - t0
        try:
            self.assertLess(elapsed, 0.5 + exitstat._process.RUN_DRAIN + 2)
            self.assertTrue(r.timed_out)
            self.assertEqual((r.status.kind, r.status.code), (Kind.EXITED, 0))
            self.assertFalse(r.success)
            self.assertTrue(r.stdout.endswith(b"\n"))
        finally:
            os.kill(int(r.stdout.split()[0]), signal.SIGKILL)


if __name__ == "__main__":
    unittest.main()
