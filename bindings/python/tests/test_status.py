"""Status: the decoders, the views (shell, errorlevel, describe), and the
value semantics of the Python object; explain() and the name look-ups."""

import os
import pickle
import signal
import subprocess
import sys
import unittest

import support

import exitstat
from exitstat import Kind, Status, StatusFlag


class DecodeWait(unittest.TestCase):
    def test_exit_code(self):
        st = Status.from_wait(3 << 8)
        self.assertEqual(st.kind, Kind.EXITED)
        self.assertEqual((st.code, st.signal, st.raw), (3, 0, 0x300))
        self.assertEqual(st.flags, StatusFlag.CODE8)
        self.assertFalse(st.success)
        self.assertEqual(st.shell, 3)
        self.assertEqual(st.errorlevel, 3)
        self.assertEqual(str(st), "exited with code 3")

    def test_success(self):
        st = Status.from_wait(0)
        self.assertTrue(st.success)
        self.assertIs(st.success, True)
        self.assertEqual(st.shell, 0)

    def test_signal_with_core(self):
        st = Status.from_wait(0x80 | signal.SIGSEGV)
        self.assertEqual(st.kind, Kind.SIGNALED)
        self.assertEqual(st.signal, signal.SIGSEGV)
        self.assertEqual(st.flags, StatusFlag.COREDUMP)
        self.assertEqual(st.signal_name, "SIGSEGV")
        self.assertEqual(st.shell, 128 + signal.SIGSEGV)
        self.assertEqual(st.errorlevel, 128 + signal.SIGSEGV)
        self.assertEqual(st.describe(), "killed by signal %d (SIGSEGV), core dumped"
                         % signal.SIGSEGV)

    def test_stopped_and_continued(self):
        st = Status.from_wait((signal.SIGSTOP << 8) | 0x7F)
        self.assertEqual(st.kind, Kind.STOPPED)
        self.assertEqual(st.signal, signal.SIGSTOP)
        self.assertEqual(st.shell, 128 + signal.SIGSTOP)
        self.assertIsNone(st.errorlevel)
        self.assertEqual(st.describe(), "stopped by signal %d (SIGSTOP)" % signal.SIGSTOP)
        cont = Status.from_wait(0xFFFF)
        self.assertEqual(cont.kind, Kind.CONTINUED)
        self.assertIsNone(cont.shell)
        self.assertIsNone(cont.errorlevel)
        self.assertIsNone(cont.signal_name)
        self.assertEqual(str(cont), "continued")

    def test_unknown(self):
        st = Status.from_wait(0x01FF)
        self.assertEqual(st.kind, Kind.UNKNOWN)
        self.assertEqual(str(st), "unknown status (raw 0x01FF)")

    def test_only_low_16_bits_count(self):
        self.assertEqual(Status.from_wait(0x12340300), Status.from_wait(0x0300))
        self.assertEqual(Status.from_wait(0xFFFFFFFF), Status.from_wait(-1))
        self.assertEqual(Status.from_wait(-1).kind, Kind.CONTINUED)

    def test_matches_os_waitstatus(self):
        # a real wait status from the os module decodes as the os module says
        pid = os.fork() if hasattr(os, "fork") else None
        if pid is None:
            self.skipTest("no fork")
        if pid == 0:
            os._exit(42)
        _, w = os.waitpid(pid, 0)
        st = Status.from_wait(w)
        self.assertEqual(st.kind, Kind.EXITED)
        self.assertEqual(st.code, os.WEXITSTATUS(w))

    def test_range(self):
        with self.assertRaises(ValueError):
            Status.from_wait(1 << 32)
        with self.assertRaises(ValueError):
            Status.from_wait(-(1 << 31) - 1)
        with self.assertRaises(TypeError):
            Status.from_wait("0")
        with self.assertRaises(TypeError):
            Status.from_wait(True)


class DecodeWin32(unittest.TestCase):
    def test_exception(self):
        st = Status.from_win32(0xC0000005)
        self.assertEqual(st.kind, Kind.SIGNALED)
        self.assertEqual(st.signal, signal.SIGSEGV)
        self.assertEqual(st.code, 0xC0000005)
        self.assertEqual(st.flags, StatusFlag.EXCEPTION)
        self.assertEqual(st.raw, 0xC0000005)
        self.assertEqual(st.errorlevel, -1073741819)
        self.assertEqual(st.shell, 128 + signal.SIGSEGV)
        self.assertEqual(str(st), "terminated by exception 0xC0000005 (STATUS_ACCESS_VIOLATION)")

    def test_negative_is_the_errorlevel_reading(self):
        self.assertEqual(Status.from_win32(-1073741819), Status.from_win32(0xC0000005))
        self.assertEqual(Status.from_win32(-1), Status.from_win32(0xFFFFFFFF))

    def test_wide_codes(self):
        st = Status.from_win32(0xC0000135)
        self.assertEqual(st.kind, Kind.EXITED)
        self.assertEqual(st.code, 0xC0000135)
        self.assertEqual(str(st),
                         "exited with code 3221225781 (0xC0000135, STATUS_DLL_NOT_FOUND)")
        still = Status.from_win32(259)
        self.assertEqual((still.kind, still.code), (Kind.EXITED, 259))
        self.assertEqual(still.shell, 3)
        top = Status.from_win32(0xFFFFFFFF)
        self.assertEqual((top.kind, top.code, top.errorlevel), (Kind.EXITED, 0xFFFFFFFF, -1))

    def test_range(self):
        with self.assertRaises(ValueError):
            Status.from_win32(1 << 32)
        with self.assertRaises(ValueError):
            Status.from_win32(-(1 << 31) - 1)


class DecodeShell(unittest.TestCase):
    def test_values(self):
        st = Status.from_shell(139)
        self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, 11))
        st = Status.from_shell(3)
        self.assertEqual((st.kind, st.code, st.flags), (Kind.EXITED, 3, StatusFlag.CODE8))
        st = Status.from_shell(300)  # ksh93: 256 + signal
        self.assertEqual((st.kind, st.signal), (Kind.SIGNALED, 44))
        st = Status.from_shell(400)
        self.assertEqual((st.kind, st.code), (Kind.EXITED, 400))
        self.assertEqual(Status.from_shell(-5).code, -5)

    def test_range(self):
        with self.assertRaises(ValueError):
            Status.from_shell(1 << 31)


class StatusObject(unittest.TestCase):
    def test_by_hand(self):
        st = Status(Kind.EXITED, code=0)
        self.assertTrue(st.success)
        self.assertFalse(Status(Kind.EXITED, code=1).success)
        self.assertFalse(Status(Kind.SIGNALED, signal=9).success)
        self.assertEqual(Status(1, code=5).kind, Kind.EXITED)
        # a kind this binding does not know stays an int
        self.assertEqual(Status(77).kind, 77)
        self.assertEqual(Status(Kind.SIGNALED, signal=9).describe(),
                         "killed by signal 9 (SIGKILL)")

    def test_field_ranges(self):
        for kwargs in ({"code": 1 << 63}, {"signal": 1 << 31}, {"flags": -1},
                       {"flags": 1 << 32}, {"raw": -1}):
            with self.assertRaises(ValueError, msg=kwargs):
                Status(Kind.EXITED, **kwargs)
        with self.assertRaises(TypeError):
            Status(True)
        st = Status(Kind.EXITED, code=-(1 << 63))
        self.assertEqual(st.code, -(1 << 63))

    def test_immutable(self):
        st = Status.from_shell(3)
        with self.assertRaises(AttributeError):
            st.code = 4
        with self.assertRaises(AttributeError):
            del st.kind
        with self.assertRaises(AttributeError):
            st.extra = 1

    def test_equality_hash_pickle(self):
        a, b = Status.from_wait(0x8B), Status.from_wait(0x8B)
        self.assertEqual(a, b)
        self.assertEqual(hash(a), hash(b))
        self.assertNotEqual(a, Status.from_wait(0x0B))
        self.assertNotEqual(a, "killed")
        self.assertEqual(len({a, b, Status.from_wait(0)}), 2)
        c = pickle.loads(pickle.dumps(a))
        self.assertEqual(c, a)
        self.assertEqual(str(c), str(a))

    def test_repr(self):
        r = repr(Status.from_wait(0x8B))
        self.assertEqual(r, "exitstat.Status(Kind.SIGNALED, signal=11, flags=COREDUMP, raw=0x8B)")
        self.assertEqual(repr(Status(Kind.EXITED, flags=0x12)),
                         "exitstat.Status(Kind.EXITED, flags=CODE8|0x10, raw=0x0)")

    def test_describe_long_text(self):
        # the text is never cut, whatever its length
        st = Status.from_win32(0xC0000135)
        self.assertTrue(st.describe().endswith("STATUS_DLL_NOT_FOUND)"))


class Explain(unittest.TestCase):
    def test_sources(self):
        self.assertEqual(exitstat.explain(139), Status.from_shell(139))
        self.assertEqual(exitstat.explain(139, source="shell").signal, 11)
        self.assertEqual(exitstat.explain(0x8B, "wait"), Status.from_wait(0x8B))
        self.assertEqual(exitstat.explain(-1073741819, "win32"), Status.from_win32(0xC0000005))
        self.assertEqual(str(exitstat.explain(0xC0000005, "win32")),
                         "terminated by exception 0xC0000005 (STATUS_ACCESS_VIOLATION)")

    def test_bad_source(self):
        for source in ("dos", None, "Shell"):
            with self.assertRaises(ValueError):
                exitstat.explain(1, source)


class Names(unittest.TestCase):
    def test_signal_name(self):
        self.assertEqual(exitstat.signal_name(signal.SIGKILL), "SIGKILL")
        self.assertEqual(exitstat.signal_name(signal.SIGTERM), "SIGTERM")
        self.assertIsNone(exitstat.signal_name(0))
        self.assertIsNone(exitstat.signal_name(-1))
        self.assertIsNone(exitstat.signal_name(100000))
        if hasattr(signal, "SIGRTMIN"):
            self.assertEqual(exitstat.signal_name(signal.SIGRTMIN), "SIGRTMIN")
            self.assertEqual(exitstat.signal_name(signal.SIGRTMIN + 1), "SIGRTMIN+1")
        with self.assertRaises(ValueError):
            exitstat.signal_name(1 << 31)

    def test_ntstatus_name(self):
        self.assertEqual(exitstat.ntstatus_name(0xC0000005), "STATUS_ACCESS_VIOLATION")
        self.assertEqual(exitstat.ntstatus_name(-1073741819), "STATUS_ACCESS_VIOLATION")
        self.assertEqual(exitstat.ntstatus_name(0xC0000135), "STATUS_DLL_NOT_FOUND")
        self.assertIsNone(exitstat.ntstatus_name(0x12345))


class ExitLike(unittest.TestCase):
    """Status.exit_like ends the process: run it in a child interpreter."""

    def end_like(self, expr):
        code = ("import exitstat; print('flushed', end=''); %s.exit_like(); "
                "print('returned')" % expr)
        return subprocess.run([sys.executable, "-c", code], env=support.python_env(),
                              stdout=subprocess.PIPE, timeout=support.LONG)

    def test_exit_code(self):
        p = self.end_like("exitstat.Status.from_shell(7)")
        self.assertEqual(p.returncode, 7)
        self.assertEqual(p.stdout, b"flushed")

    def test_signal(self):
        p = self.end_like("exitstat.Status(exitstat.Kind.SIGNALED, signal=%d)" % signal.SIGTERM)
        self.assertEqual(p.returncode, -signal.SIGTERM)
        self.assertEqual(p.stdout, b"flushed")

    def test_not_an_ending_exits_1(self):
        p = self.end_like("exitstat.Status.from_wait(0xFFFF)")
        self.assertEqual(p.returncode, 1)


if __name__ == "__main__":
    unittest.main()
