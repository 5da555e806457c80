"""Loading libexitstat and declaring its C functions to ctypes.

Every function of include/exitstat.h is declared here with its exact argument
and result types: ctypes would otherwise pass and return every integer as a C
int, which silently truncates int64_t timeouts and intptr_t handles, and turns
pointers into ints that lose their top half on 64-bit systems.

The library is found, in this order, at an explicit path given to load(), at
the path in the EXITSTAT_LIBRARY environment variable, or by the system's own
search under the names a build of libexitstat installs (the versioned name
first, since it carries the ABI major number). A library is only accepted when
its version is compatible with this binding (check_version) and it has every
function the binding declares.
"""

import ctypes
import ctypes.util
import os
import sys
import threading

# The library version this binding was written against.
BINDING_VERSION = (0, 1, 0)

ENV_VARIABLE = "EXITSTAT_LIBRARY"

if ctypes.sizeof(ctypes.c_ssize_t) != ctypes.sizeof(ctypes.c_void_p):
    raise ImportError("exitstat: ctypes.c_ssize_t is not pointer-sized here")
# ctypes has no intptr_t; c_ssize_t is defined as the pointer-sized signed type.
c_intptr = ctypes.c_ssize_t


class StatusStruct(ctypes.Structure):
    """struct exitstat_status: 32 bytes, the layout the ABI fixes."""

    _fields_ = [
        ("kind", ctypes.c_int32),
        ("signal", ctypes.c_int32),
        ("code", ctypes.c_int64),
        ("flags", ctypes.c_uint32),
        ("raw", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32 * 2),
    ]


class UsageStruct(ctypes.Structure):
    """struct exitstat_usage: 64 bytes."""

    _fields_ = [
        ("wall_us", ctypes.c_int64),
        ("user_us", ctypes.c_int64),
        ("sys_us", ctypes.c_int64),
        ("maxrss_kib", ctypes.c_int64),
        ("reserved", ctypes.c_int64 * 4),
    ]


if ctypes.sizeof(StatusStruct) != 32 or ctypes.sizeof(UsageStruct) != 64:
    raise ImportError("exitstat: unexpected struct sizes from ctypes")


# Opaque types: distinct pointer types, so that ctypes refuses to pass a
# command where a child is expected.
class CmdStruct(ctypes.Structure):
    """exitstat_cmd (opaque)."""


class ChildStruct(ctypes.Structure):
    """exitstat_child (opaque)."""


class CodeMapStruct(ctypes.Structure):
    """exitstat_codemap (opaque)."""


CmdP = ctypes.POINTER(CmdStruct)
ChildP = ctypes.POINTER(ChildStruct)
CodeMapP = ctypes.POINTER(CodeMapStruct)
StatusP = ctypes.POINTER(StatusStruct)
CharP = ctypes.POINTER(ctypes.c_char)  # a writable or library-owned buffer

_c = ctypes
# name: (restype, argtypes), in the order of include/exitstat.h
PROTOTYPES = {
    "exitstat_version": (_c.c_char_p, []),
    "exitstat_strerror": (_c.c_char_p, [_c.c_int]),
    "exitstat_errname": (_c.c_char_p, [_c.c_int]),
    "exitstat_status_from_wait": (_c.c_int, [_c.c_int, StatusP]),
    "exitstat_status_from_win32": (_c.c_int, [_c.c_uint32, StatusP]),
    "exitstat_status_from_shell": (_c.c_int, [_c.c_int, StatusP]),
    "exitstat_status_success": (_c.c_int, [StatusP]),
    "exitstat_status_shell": (_c.c_int, [StatusP]),
    "exitstat_status_errorlevel": (_c.c_int32, [StatusP]),
    "exitstat_status_describe": (_c.c_int, [StatusP, CharP, _c.c_size_t]),
    "exitstat_signal_name": (_c.c_char_p, [_c.c_int]),
    "exitstat_ntstatus_name": (_c.c_char_p, [_c.c_uint32]),
    "exitstat_codemap_builtin": (_c.c_int, [_c.c_char_p, _c.POINTER(CodeMapP)]),
    "exitstat_codemap_parse": (_c.c_int, [_c.c_char_p, _c.POINTER(CodeMapP)]),
    "exitstat_codemap_free": (None, [CodeMapP]),
    "exitstat_classify": (_c.c_int, [StatusP, CodeMapP, CharP, _c.c_size_t]),
    "exitstat_cmd_new": (_c.c_int, [_c.POINTER(CmdP), _c.c_char_p]),
    "exitstat_cmd_free": (None, [CmdP]),
    "exitstat_cmd_arg": (_c.c_int, [CmdP, _c.c_char_p]),
    "exitstat_cmd_argv": (_c.c_int, [CmdP, _c.POINTER(_c.c_char_p)]),
    "exitstat_cmd_env": (_c.c_int, [CmdP, _c.c_char_p, _c.c_char_p]),
    "exitstat_cmd_env_clear": (_c.c_int, [CmdP]),
    "exitstat_cmd_cwd": (_c.c_int, [CmdP, _c.c_char_p]),
    "exitstat_cmd_stdio": (_c.c_int, [CmdP, _c.c_int, _c.c_int, c_intptr]),
    "exitstat_cmd_flags": (_c.c_int, [CmdP, _c.c_uint32]),
    "exitstat_cmd_resolve": (_c.c_int, [CmdP, CharP, _c.c_size_t]),
    "exitstat_spawn": (_c.c_int, [CmdP, _c.POINTER(ChildP)]),
    "exitstat_wait": (_c.c_int, [ChildP, _c.c_int64, StatusP]),
    "exitstat_wait_any": (_c.c_int, [_c.POINTER(ChildP), _c.c_size_t, _c.c_int64,
                                     _c.POINTER(_c.c_size_t), StatusP]),
    "exitstat_terminate": (_c.c_int, [ChildP]),
    "exitstat_kill": (_c.c_int, [ChildP]),
    "exitstat_signal": (_c.c_int, [ChildP, _c.c_int]),
    "exitstat_stop": (_c.c_int, [ChildP, _c.c_int64, StatusP]),
    "exitstat_child_pid": (_c.c_int64, [ChildP]),
    "exitstat_child_handle": (c_intptr, [ChildP]),
    "exitstat_child_stdio": (c_intptr, [ChildP, _c.c_int]),
    "exitstat_child_free": (None, [ChildP]),
    "exitstat_child_usage": (_c.c_int, [ChildP, _c.POINTER(UsageStruct)]),
    "exitstat_communicate": (_c.c_int, [ChildP, _c.c_void_p, _c.c_size_t, _c.c_int64,
                                        _c.POINTER(CharP), _c.POINTER(_c.c_size_t),
                                        _c.POINTER(CharP), _c.POINTER(_c.c_size_t),
                                        StatusP]),
    "exitstat_run": (_c.c_int, [CmdP, _c.c_int64, StatusP]),
    "exitstat_exit_like": (None, [StatusP]),
    "exitstat_free": (None, [_c.c_void_p]),
    "exitstat_win32_quote": (_c.c_int, [_c.POINTER(_c.c_char_p), CharP, _c.c_size_t]),
    "exitstat_win32_split": (_c.c_int, [_c.c_char_p, _c.POINTER(_c.POINTER(_c.c_char_p))]),
}
del _c


def parse_version(text):
    """(major, minor, patch) from "M.m.p"; ValueError for anything else."""
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError("not a version: %r" % text)
    return tuple(int(p) for p in parts)


def check_version(found, wanted=BINDING_VERSION):
    """True when a library of version found can serve a binding of wanted.

    The same major version; while the major version is 0, the same minor
    version too, since a 0.x release may change what a 0.(x-1) binding relies
    on. Patch releases never matter.
    """
    if found[0] != wanted[0]:
        return False
    return wanted[0] != 0 or found[1] == wanted[1]


class Library:
    """A loaded libexitstat with every function declared.

    The C functions are attributes named without the "exitstat_" prefix
    (lib.wait is exitstat_wait). Objects made by the binding keep the Library
    they were made with, so that what one library allocated is released by
    the same one even after load() has switched the default.
    """

    def __init__(self, path):
        self.path = path
        try:
            self._dll = ctypes.CDLL(path)
        except OSError as e:
            raise ImportError("exitstat: cannot load %s: %s" % (path, e)) from e
        # the version first: a library of another version may well lack
        # functions, and saying which version it is explains that best
        self._bind("exitstat_version")
        text = self.version().decode("ascii", "replace")
        try:
            self.version_info = parse_version(text)
        except ValueError:
            raise ImportError("exitstat: %s reports version %r" % (path, text)) from None
        if not check_version(self.version_info):
            raise ImportError(
                "exitstat: %s is libexitstat %s, but this binding needs %d.%d.x "
                "(the same major version, and while it is 0 the same minor one)"
                % (path, text, BINDING_VERSION[0], BINDING_VERSION[1]))
        for name in PROTOTYPES:
            self._bind(name)

    def _bind(self, name):
        restype, argtypes = PROTOTYPES[name]
        try:
            fn = getattr(self._dll, name)
        except AttributeError:
            raise ImportError("exitstat: %s has no function %s; it is not a "
                              "libexitstat this binding can use" % (self.path, name)) from None
        fn.restype = restype
        fn.argtypes = argtypes
        setattr(self, name[len("exitstat_"):], fn)

    def __repr__(self):
        return "<exitstat.Library %s, version %d.%d.%d>" % ((self.path,) + self.version_info)


def candidate_names():
    """The names the system's search is asked for, best first."""
    major = BINDING_VERSION[0]
    if sys.platform == "win32":
        # meson names the DLL lib<name>-<soversion>.dll with MinGW and
        # <name>-<soversion>.dll with MSVC; find_library adds the ".dll".
        names = ["libexitstat-%d" % major, "exitstat-%d" % major, "libexitstat", "exitstat"]
    elif sys.platform == "cygwin":
        names = ["cygexitstat-%d.dll" % major]
    elif sys.platform == "darwin":
        names = ["libexitstat.%d.dylib" % major]
    else:
        names = ["libexitstat.so.%d" % major]
    return names


def find_system_library():
    """A path or name under which the system's search finds libexitstat.

    Returns None when it finds none. On Windows only full paths are returned:
    Python 3.8 and later no longer look for DLLs in PATH when given a bare
    name, while ctypes.util.find_library does.
    """
    for name in candidate_names():
        if sys.platform == "win32":
            path = ctypes.util.find_library(name)
            if path:
                return path
            continue
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return name
    # Other layouts (an unversioned name only, or the linker's own search
    # paths): what ctypes.util.find_library makes of "exitstat".
    return ctypes.util.find_library("exitstat")


class LibraryNotFound(ImportError):
    """No libexitstat was found (as opposed to one found but unusable)."""


_lock = threading.Lock()
_default = None
_default_error = None


def load(path=None):
    """Load libexitstat and make it the library the module uses from now on.

    path is the library file to load. Without it, the EXITSTAT_LIBRARY
    environment variable names the file, and without that the system's library
    search looks for it (libexitstat.so.0; libexitstat-0.dll or exitstat.dll
    along PATH on Windows). Raises ImportError when the library cannot be
    found or loaded, is not a compatible version, or lacks a function.
    Objects made before keep the library that made them.
    """
    global _default, _default_error
    if path is None:
        path = os.environ.get(ENV_VARIABLE) or None
        if path is None:
            path = find_system_library()
        if path is None:
            raise LibraryNotFound(
                "exitstat: libexitstat not found; install it, set %s to its "
                "path, or call exitstat.load(path)" % ENV_VARIABLE)
    lib = Library(os.fspath(path))
    with _lock:
        _default = lib
        _default_error = None
    return lib


def default():
    """The library in use; ImportError if none could be loaded."""
    lib = _default
    if lib is None:
        raise ImportError(str(_default_error)) from _default_error
    return lib


def load_at_import():
    """What importing the package does: load the library that load() finds.

    A library that is found but unusable (a bad EXITSTAT_LIBRARY path, an
    incompatible version) makes the import fail. A library that is not found
    at all is remembered as an error raised by the first call that needs it,
    so that a program can still import the module and call load(path).
    """
    global _default_error
    try:
        load()
    except LibraryNotFound as e:
        _default_error = e
