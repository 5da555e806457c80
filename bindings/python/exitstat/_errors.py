"""The exceptions: one per EXITSTAT_E* code, each also a Python built-in.

A caller can catch what it knows from the standard library (a missing program
is a FileNotFoundError, as subprocess raises) or everything from libexitstat
at once (ExitstatError). Each exception carries the library's code and its
constant's name; those that derive from OSError also carry the matching errno
value, so that str() reads like any other OSError.
"""

import errno

from . import _lib

# the EXITSTAT_E* codes, as include/exitstat.h numbers them (never renumbered)
OK = 0
EINVAL = -1
ENOMEM = -2
ENOENT = -3
EACCES = -4
ENOEXEC = -5
E2BIG = -6
EMFILE = -7
EAGAIN = -8
ETIMEDOUT = -9
ECHILD = -10
ENOSYS = -11
EUNSAFE = -12
ENOTDIR = -13
EIO = -14

# the errno an OSError subclass reports for each code
_ERRNO = {
    ENOENT: errno.ENOENT,
    EACCES: errno.EACCES,
    ENOEXEC: errno.ENOEXEC,
    E2BIG: errno.E2BIG,
    EMFILE: errno.EMFILE,
    EAGAIN: errno.EAGAIN,
    ETIMEDOUT: errno.ETIMEDOUT,
    ECHILD: errno.ECHILD,
    ENOSYS: errno.ENOSYS,
    ENOTDIR: errno.ENOTDIR,
    EIO: errno.EIO,
}


def _text(fn, code):
    """The library's name or text for code; the number when none is loaded."""
    try:
        value = getattr(_lib.default(), fn)(code)
    except ImportError:
        value = None
    return value.decode("ascii", "replace") if value is not None else None


class ExitstatError(Exception):
    """An error reported by libexitstat.

    code is the EXITSTAT_E* value (a negative int) and errname the
    constant's name ("EXITSTAT_ENOENT"); str() gives the library's text for
    it. Subclasses that are also OSErrors have errno and strerror set, and
    filename for errors about a program or directory.
    """

    def __init__(self, code, detail=None, filename=None):
        self.code = code
        self.errname = _text("errname", code) or "EXITSTAT_E%d" % code
        text = _text("strerror", code) or "error %d" % code
        if detail:
            text = "%s (%s)" % (text, detail)
        if isinstance(self, OSError):
            args = (_ERRNO.get(code, errno.EIO), text)
            if filename is not None:
                args += (filename,)
            super().__init__(*args)
        else:
            if filename is not None:
                text = "%s: %r" % (text, filename)
            super().__init__(text)

    def __reduce__(self):
        # Pickling (multiprocessing, concurrent.futures): the default would
        # call __init__ with the built-in's arguments, which are not ours.
        if isinstance(self, OSError):
            args = (self.errno, self.strerror)
            if self.filename is not None:
                args += (self.filename,)
        else:
            args = self.args
        return (_rebuild, (type(self), args, self.__dict__.copy()))


def _rebuild(cls, args, state):
    e = cls.__new__(cls, *args)
    # the built-in base's __init__, skipping ours
    super(ExitstatError, e).__init__(*args)
    e.__dict__.update(state)
    return e


class NotFoundError(ExitstatError, FileNotFoundError):
    """EXITSTAT_ENOENT: the program, or the working directory, does not exist."""


class AccessDeniedError(ExitstatError, PermissionError):
    """EXITSTAT_EACCES: the program is not executable (or is a directory), or
    the system refused (signalling a child that became privileged)."""


class NotADirError(ExitstatError, NotADirectoryError):
    """EXITSTAT_ENOTDIR: the working directory is not a directory."""


class TimeoutExpired(ExitstatError, TimeoutError):
    """EXITSTAT_ETIMEDOUT: the wait timed out and the child is still running.

    From Child.communicate, stdout and stderr hold what was read before the
    time ran out (bytes, or None for a stream that is not piped); calling
    communicate again goes on reading. timeout is the time waited, in seconds.
    """

    def __init__(self, code=ETIMEDOUT, detail=None, filename=None, *,
                 timeout=None, stdout=None, stderr=None):
        super().__init__(code, detail, filename)
        self.timeout = timeout
        self.stdout = stdout
        self.stderr = stderr


class NoChildError(ExitstatError, ChildProcessError):
    """EXITSTAT_ECHILD: the child's status was taken by someone else (the
    program reaped it itself, or ignores SIGCHLD). From wait_any, index names
    the child."""

    index = None


class InvalidArgumentError(ExitstatError, ValueError):
    """EXITSTAT_EINVAL: an argument the library rejects (an environment name
    with '=', an empty program, input for a stdin that is not piped...)."""


class UnsafeArgumentError(ExitstatError, ValueError):
    """EXITSTAT_EUNSAFE: an argument cannot be passed to the target safely
    (on Windows, one that cmd.exe would read differently for a .bat file)."""


class OutOfMemoryError(ExitstatError, MemoryError):
    """EXITSTAT_ENOMEM: the library ran out of memory."""


class OSFailureError(ExitstatError, OSError):
    """Any other failure of the operating system: EXITSTAT_ENOEXEC,
    EXITSTAT_E2BIG, EXITSTAT_EMFILE, EXITSTAT_EAGAIN, EXITSTAT_ENOSYS,
    EXITSTAT_EIO; errno says which."""


_CLASSES = {
    EINVAL: InvalidArgumentError,
    ENOMEM: OutOfMemoryError,
    ENOENT: NotFoundError,
    EACCES: AccessDeniedError,
    ETIMEDOUT: TimeoutExpired,
    ECHILD: NoChildError,
    EUNSAFE: UnsafeArgumentError,
    ENOTDIR: NotADirError,
}


def error(code, detail=None, filename=None):
    """The exception for a negative EXITSTAT_E* code."""
    return _CLASSES.get(code, OSFailureError)(code, detail, filename)


def check(code, detail=None, filename=None):
    """code itself when it is not negative, else raise its exception."""
    if code < 0:
        raise error(code, detail, filename)
    return code
