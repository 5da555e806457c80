"""Loading: explicit path, EXITSTAT_LIBRARY, the system's search, and the
version check that refuses an incompatible library."""

import os
import subprocess
import sys
import unittest
from unittest import mock

import support

import exitstat
from exitstat import _lib

BUILT = os.environ.get("EXITSTAT_LIBRARY")


class FakeFunction:
    def __init__(self, result):
        self.result = result

    def __call__(self, *args):
        return self.result


class FakeDLL:
    """Has every function, or all but one; reports a chosen version."""

    def __init__(self, version, missing=None):
        for name in _lib.PROTOTYPES:
            if name != missing:
                setattr(self, name, FakeFunction(0))
        self.exitstat_version = FakeFunction(version)


def python(code, **env_changes):
    """Run code in a fresh interpreter with the package importable."""
    env = support.python_env(**env_changes)
    return subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=support.LONG)


class Versions(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(_lib.parse_version("0.1.0"), (0, 1, 0))
        self.assertEqual(_lib.parse_version("12.34.56"), (12, 34, 56))
        for bad in ("0.1", "0.1.0.0", "a.b.c", "0.1.-1", "", "0..1"):
            with self.assertRaises(ValueError, msg=bad):
                _lib.parse_version(bad)

    def test_compatibility(self):
        c = _lib.check_version
        self.assertTrue(c((0, 1, 0), (0, 1, 0)))
        self.assertTrue(c((0, 1, 9), (0, 1, 0)))   # patch releases never matter
        self.assertTrue(c((0, 1, 0), (0, 1, 3)))
        self.assertFalse(c((0, 2, 0), (0, 1, 0)))  # 0.x: the minor must match
        self.assertFalse(c((0, 0, 9), (0, 1, 0)))
        self.assertFalse(c((1, 1, 0), (0, 1, 0)))
        self.assertTrue(c((1, 4, 0), (1, 2, 0)))   # 1.x and later: the major
        self.assertFalse(c((2, 0, 0), (1, 2, 0)))

    def test_binding_follows_the_project(self):
        # the project's version is the library's; bumping its minor (or major)
        # must come with a look at the binding
        project = os.environ.get("EXITSTAT_PROJECT_VERSION")
        if not project:
            self.skipTest("EXITSTAT_PROJECT_VERSION is not set")
        self.assertEqual(_lib.parse_version(project)[:2], _lib.BINDING_VERSION[:2])
        self.assertEqual(exitstat.library_version(), project)
        self.assertEqual(exitstat.__version__, "%d.%d.%d" % _lib.BINDING_VERSION)

    def test_incompatible_library_is_refused(self):
        with mock.patch.object(_lib.ctypes, "CDLL", return_value=FakeDLL(b"0.2.0")):
            with self.assertRaises(ImportError) as cm:
                _lib.Library("/some/libexitstat.so")
        self.assertIn("0.2.0", str(cm.exception))
        self.assertIn("0.1.x", str(cm.exception))
        # the version is what is wrong, even when a function is missing too
        fake = FakeDLL(b"1.0.0", missing="exitstat_wait")
        with mock.patch.object(_lib.ctypes, "CDLL", return_value=fake):
            with self.assertRaises(ImportError) as cm:
                _lib.Library("/some/libexitstat.so")
        self.assertIn("is libexitstat 1.0.0", str(cm.exception))
        with mock.patch.object(_lib.ctypes, "CDLL", return_value=FakeDLL(b"zero")):
            with self.assertRaises(ImportError) as cm:
                _lib.Library("/some/libexitstat.so")
        self.assertIn("zero", str(cm.exception))

    def test_missing_function_is_refused(self):
        fake = FakeDLL(b"0.1.0", missing="exitstat_wait_any")
        with mock.patch.object(_lib.ctypes, "CDLL", return_value=fake):
            with self.assertRaises(ImportError) as cm:
                _lib.Library("/some/libexitstat.so")
        self.assertIn("exitstat_wait_any", str(cm.exception))
        with mock.patch.object(_lib.ctypes, "CDLL", return_value=FakeDLL(b"0.1.7")):
            lib = _lib.Library("/some/libexitstat.so")
        self.assertEqual(lib.version_info, (0, 1, 7))


@unittest.skipUnless(BUILT, "EXITSTAT_LIBRARY is not set")
class Loading(unittest.TestCase):
    def test_explicit_path(self):
        before = exitstat.library()
        m = exitstat.CodeMap.parse("1=info")
        lib = exitstat.load(BUILT)
        try:
            self.assertIsNot(lib, before)
            self.assertIs(exitstat.library(), lib)
            self.assertEqual(lib.path, BUILT)
            self.assertIn(BUILT, repr(lib))
            # what was made before keeps (and is freed by) its own library
            self.assertIs(m._lib, before)
            self.assertEqual(exitstat.Status.from_shell(1).classify(m)[1], "")
            m.close()
        finally:
            exitstat.load(before.path)

    def test_bad_path(self):
        before = exitstat.library()
        with self.assertRaises(ImportError):
            exitstat.load(os.path.join(os.path.dirname(BUILT), "no-such-library.so"))
        self.assertIs(exitstat.library(), before)

    def test_environment_variable_at_import(self):
        p = python("import exitstat; print(exitstat.library().path)", EXITSTAT_LIBRARY=BUILT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode().strip(), BUILT)
        p = python("import exitstat", EXITSTAT_LIBRARY="/nonexistent/libexitstat.so.0")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"ImportError: exitstat: cannot load /nonexistent/libexitstat.so.0",
                      p.stderr)

    @unittest.skipUnless(sys.platform.startswith("linux"), "the ELF soname")
    def test_system_search_finds_the_soname(self):
        # the build directory holds the libexitstat.so.0 link, as an install would
        d = os.path.dirname(BUILT)
        if not os.path.exists(os.path.join(d, "libexitstat.so.0")):
            self.skipTest("no libexitstat.so.0 next to the built library")
        p = python("import exitstat; print(exitstat.library().path, exitstat.library_version())",
                   EXITSTAT_LIBRARY=None, LD_LIBRARY_PATH=d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode().split(), ["libexitstat.so.0",
                                                     exitstat.library_version()])

    def test_not_found_defers_the_error(self):
        code = ("import exitstat\n"
                "try:\n"
                "    exitstat.explain(1)\n"
                "except ImportError as e:\n"
                "    print('deferred:', e)\n"
                "exitstat.load(%r)\n"
                "print(exitstat.explain(139))\n" % BUILT)
        p = python("import exitstat._lib as l; print(l.find_system_library())",
                   EXITSTAT_LIBRARY=None, LD_LIBRARY_PATH=None)
        if p.stdout.strip() != b"None":
            self.skipTest("this system has a libexitstat of its own")
        p = python(code, EXITSTAT_LIBRARY=None, LD_LIBRARY_PATH=None)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.decode().splitlines()
        self.assertTrue(lines[0].startswith("deferred: exitstat: libexitstat not found"), lines)
        self.assertEqual(lines[1], "killed by signal 11 (SIGSEGV)")

    def test_candidate_names(self):
        names = _lib.candidate_names()
        if sys.platform == "win32":
            self.assertIn("libexitstat-0", names)
        elif sys.platform.startswith("linux"):
            self.assertEqual(names[0], "libexitstat.so.0")


if __name__ == "__main__":
    unittest.main()
