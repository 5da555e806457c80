"""What the binding's tests share: the helper child, the source tree, and
pattern bytes.

meson runs the tests with EXITSTAT_LIBRARY set to the freshly built shared
library, EXITSTAT_TEST_HELPER to tests/exitstat-test-helper (whose behaviours
tests/testutil.h lists) and EXITSTAT_SOURCE_ROOT to the source tree.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("EXITSTAT_SOURCE_ROOT") or os.path.normpath(
    os.path.join(HERE, "..", "..", ".."))

HELPER = os.environ.get("EXITSTAT_TEST_HELPER")
PACKAGE_DIR = os.path.normpath(os.path.join(HERE, ".."))

# Under AddressSanitizer meson preloads the runtime into this interpreter; the
# children (the helper above all, built without sanitizers) must not get it.
PRELOAD = os.environ.get("EXITSTAT_TEST_PRELOAD")
if PRELOAD:
    os.environ.pop("LD_PRELOAD", None)

# what meson's test() treats as a skipped test
EXIT_SKIP = 77

# generous: these tests share the machine with the other suites
LONG = 20.0


sys.path.insert(0, PACKAGE_DIR)


def python_env(**changes):
    """The environment for a child Python that imports the package: this
    one's, with changes (None removes a variable)."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["PYTHONPATH"] = PACKAGE_DIR
    if PRELOAD:
        env["LD_PRELOAD"] = PRELOAD
    return env


def helper(*args):
    """The argument list that runs the helper with a behaviour."""
    if not HELPER:
        raise unittest.SkipTest("EXITSTAT_TEST_HELPER is not set")
    return [HELPER] + [str(a) for a in args]


def pattern(n):
    """The helper's write-out pattern: byte i is i % 251."""
    block = bytes(range(251))
    return (block * (n // 251 + 1))[:n]


def source_file(*parts):
    """A file of the source tree; skips the test when it is not there."""
    path = os.path.join(SOURCE_ROOT, *parts)
    if not os.path.exists(path):
        raise unittest.SkipTest("%s is not there" % path)
    return path


def pids_alive(pid):
    """True when a process with this id exists (a zombie counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
