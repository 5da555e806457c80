"""Errors: each EXITSTAT_E* code raises its class, which is also the matching
built-in exception, and real failures raise the right one."""

import errno
import os
import pickle
import stat
import sys
import tempfile
import unittest

import support
from support import helper

import exitstat
from exitstat import _errors

# code: (class, built-in it must also be, errno or None, name)
TABLE = {
    -1: (exitstat.InvalidArgumentError, ValueError, None, "EXITSTAT_EINVAL"),
    -2: (exitstat.OutOfMemoryError, MemoryError, None, "EXITSTAT_ENOMEM"),
    -3: (exitstat.NotFoundError, FileNotFoundError, errno.ENOENT, "EXITSTAT_ENOENT"),
    -4: (exitstat.AccessDeniedError, PermissionError, errno.EACCES, "EXITSTAT_EACCES"),
    -5: (exitstat.OSFailureError, OSError, errno.ENOEXEC, "EXITSTAT_ENOEXEC"),
    -6: (exitstat.OSFailureError, OSError, errno.E2BIG, "EXITSTAT_E2BIG"),
    -7: (exitstat.OSFailureError, OSError, errno.EMFILE, "EXITSTAT_EMFILE"),
    -8: (exitstat.OSFailureError, OSError, errno.EAGAIN, "EXITSTAT_EAGAIN"),
    -9: (exitstat.TimeoutExpired, TimeoutError, errno.ETIMEDOUT, "EXITSTAT_ETIMEDOUT"),
    -10: (exitstat.NoChildError, ChildProcessError, errno.ECHILD, "EXITSTAT_ECHILD"),
    -11: (exitstat.OSFailureError, OSError, errno.ENOSYS, "EXITSTAT_ENOSYS"),
    -12: (exitstat.UnsafeArgumentError, ValueError, None, "EXITSTAT_EUNSAFE"),
    -13: (exitstat.NotADirError, NotADirectoryError, errno.ENOTDIR, "EXITSTAT_ENOTDIR"),
    -14: (exitstat.OSFailureError, OSError, errno.EIO, "EXITSTAT_EIO"),
}


class Mapping(unittest.TestCase):
    def test_every_code(self):
        for code, (cls, builtin, err, name) in TABLE.items():
            e = _errors.error(code)
            self.assertIs(type(e), cls, code)
            self.assertIsInstance(e, exitstat.ExitstatError)
            self.assertIsInstance(e, builtin)
            self.assertEqual(e.code, code)
            self.assertEqual(e.errname, name)
            if err is not None:
                self.assertEqual(e.errno, err, code)
            # the text is the library's
            text = exitstat.library()._dll.exitstat_strerror(code).decode()
            self.assertIn(text, str(e))

    def test_check(self):
        self.assertEqual(_errors.check(0), 0)
        self.assertEqual(_errors.check(5), 5)
        with self.assertRaises(exitstat.NotFoundError) as cm:
            _errors.check(-3, filename="prog")
        self.assertEqual(cm.exception.filename, "prog")
        self.assertIn("'prog'", str(cm.exception))
        with self.assertRaises(exitstat.InvalidArgumentError) as cm:
            _errors.check(-1, detail="why", filename="x")
        self.assertEqual(str(cm.exception), "invalid argument (why): 'x'")

    def test_unknown_code(self):
        e = _errors.error(-99)
        self.assertIsInstance(e, exitstat.OSFailureError)
        self.assertEqual(e.errname, "EXITSTAT_E-99")
        self.assertIn("unknown error", str(e))

    def test_pickle(self):
        e = _errors.error(-3, filename="prog")
        f = pickle.loads(pickle.dumps(e))
        self.assertIs(type(f), exitstat.NotFoundError)
        self.assertEqual((f.code, f.errname, f.errno, f.filename, str(f)),
                         (e.code, e.errname, e.errno, e.filename, str(e)))
        t = exitstat.TimeoutExpired(timeout=1.5, stdout=b"so far", stderr=None)
        u = pickle.loads(pickle.dumps(t))
        self.assertEqual((u.timeout, u.stdout, u.stderr, u.code), (1.5, b"so far", None, -9))
        v = pickle.loads(pickle.dumps(_errors.error(-1, detail="d")))
        self.assertEqual(str(v), "invalid argument (d)")
        self.assertIsInstance(v, ValueError)


@unittest.skipIf(sys.platform == "win32", "POSIX file modes")
class SpawnErrors(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def file(self, name, text, mode):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def test_missing_program(self):
        missing = os.path.join(self.dir.name, "no-such-program")
        with self.assertRaises(FileNotFoundError) as cm:
            exitstat.run([missing, "arg"])
        e = cm.exception
        self.assertIsInstance(e, exitstat.NotFoundError)
        self.assertEqual((e.errno, e.code, e.filename), (errno.ENOENT, -3, missing))
        with self.assertRaises(FileNotFoundError):
            exitstat.spawn(["exitstat-no-such-program-in-path"])
        with self.assertRaises(FileNotFoundError):
            exitstat.Command([missing]).run()

    def test_directory_is_permission_error(self):
        with self.assertRaises(PermissionError) as cm:
            exitstat.run([self.dir.name])
        self.assertIsInstance(cm.exception, exitstat.AccessDeniedError)
        self.assertEqual(cm.exception.errno, errno.EACCES)

    def test_not_executable(self):
        path = self.file("plain", "#!/bin/sh\nexit 0\n", 0o644)
        with self.assertRaises(PermissionError):
            exitstat.run([path])

    def test_script_without_interpreter_line(self):
        path = self.file("noshebang", "exit 0\n", stat.S_IRWXU)
        with self.assertRaises(exitstat.OSFailureError) as cm:
            exitstat.run([path])
        self.assertEqual(cm.exception.errno, errno.ENOEXEC)
        self.assertEqual(cm.exception.errname, "EXITSTAT_ENOEXEC")

    def test_missing_cwd(self):
        cwd = os.path.join(self.dir.name, "gone")
        with self.assertRaises(FileNotFoundError) as cm:
            exitstat.run(helper("exit", 0), cwd=cwd)
        self.assertEqual(cm.exception.filename, cwd)

    def test_file_as_cwd(self):
        path = self.file("f", "", 0o644)
        with self.assertRaises(NotADirectoryError) as cm:
            exitstat.run(helper("exit", 0), cwd=path)
        self.assertIsInstance(cm.exception, exitstat.NotADirError)
        self.assertEqual(cm.exception.filename, path)

    def test_resolve_errors(self):
        with self.assertRaises(FileNotFoundError):
            exitstat.Command(["exitstat-no-such-program-in-path"]).resolve()
        with self.assertRaises(PermissionError):
            exitstat.Command([self.file("plain", "", 0o644)]).resolve()

    def test_closed_descriptor_as_stream(self):
        r, w = os.pipe()
        os.close(r)
        os.close(w)
        with self.assertRaises(ValueError):
            exitstat.run(helper("exit", 0), stdout=w)


class ArgumentErrors(unittest.TestCase):
    def test_bad_environment_names(self):
        for name in ("A=B", "", "=X"):
            with self.assertRaises(ValueError, msg=name) as cm:
                exitstat.Command(helper("exit", 0), env={name: "v"})
            self.assertIsInstance(cm.exception, exitstat.InvalidArgumentError)
        with self.assertRaises(ValueError):
            exitstat.run(helper("exit", 0), env={"A=B": None})

    def test_nul_characters(self):
        for kwargs in ({"env": {"A": "x\0y"}}, {"env": {"A\0": "x"}}, {"cwd": "/tmp\0"}):
            with self.assertRaises(ValueError, msg=kwargs):
                exitstat.Command(helper("exit", 0), **kwargs)
        with self.assertRaises(ValueError):
            exitstat.Command(helper("exit", "0\0"))

    def test_bad_args(self):
        with self.assertRaises(ValueError):
            exitstat.Command([])
        with self.assertRaises(exitstat.InvalidArgumentError):
            exitstat.Command([""])
        with self.assertRaises(TypeError):
            exitstat.Command([helper("exit")[0], 3])
        with self.assertRaises(exitstat.InvalidArgumentError):
            exitstat.Command(helper("exit", 0), cwd="")

    def test_bad_streams(self):
        with self.assertRaises(ValueError):
            exitstat.Command(helper("exit", 0), stdout=exitstat.MERGE)
        with self.assertRaises(ValueError):
            exitstat.Command(helper("exit", 0), stdin=exitstat.Stdio.HANDLE)
        with self.assertRaises(ValueError):
            exitstat.Command(helper("exit", 0), stdout=-1)
        with self.assertRaises(TypeError):
            exitstat.Command(helper("exit", 0), stdout=True)
        with self.assertRaises(TypeError):
            exitstat.Command(helper("exit", 0), stdout="file")

    def test_bad_flags(self):
        with self.assertRaises(exitstat.InvalidArgumentError):
            exitstat.Command(helper("exit", 0), flags=0x100)
        with self.assertRaises(ValueError):
            exitstat.Command(helper("exit", 0), flags=-1)

    def test_bad_timeouts(self):
        for t in (-1, -0.001, float("nan")):
            with self.assertRaises(ValueError, msg=t):
                exitstat.run(helper("exit", 0), timeout=t)
        with self.assertRaises(TypeError):
            exitstat.run(helper("exit", 0), timeout="1")

    def test_input_needs_a_piped_stdin(self):
        with exitstat.spawn(helper("exit", 0)) as child:
            with self.assertRaises(ValueError) as cm:
                child.communicate(b"data", timeout=support.LONG)
            self.assertIsInstance(cm.exception, exitstat.InvalidArgumentError)
            child.wait(support.LONG)
        with self.assertRaises(ValueError):
            exitstat.run(helper("echo"), input=b"x", stdin=exitstat.NULL)
        with exitstat.spawn(helper("echo"), stdin=exitstat.PIPE) as child:
            with self.assertRaises(TypeError):
                child.communicate("text")
            child.kill()
            child.wait(support.LONG)


if __name__ == "__main__":
    unittest.main()
