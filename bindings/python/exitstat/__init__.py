"""exitstat: spawn child processes, await them, and know exactly how they ended.

A binding of libexitstat through ctypes: no compiler is needed, only the
library (libexitstat.so.0, libexitstat-0.dll). It is loaded at import from the
path in the EXITSTAT_LIBRARY environment variable, or by the system's library
search; load(path) loads another one.

    >>> import exitstat
    >>> r = exitstat.run(["sh", "-c", "kill -TERM $$"])
    >>> str(r.status), r.status.shell
    ('killed by signal 15 (SIGTERM)', 143)

The main types: Status (how a child ended), Command (what to run), Child (a
running child), CodeMap (what exit codes mean to a program), Result (what
run() returns); errors are ExitstatError subclasses that are also the
matching built-in exceptions (a missing program is a FileNotFoundError).
Timeouts are in seconds, None meaning forever.
"""

from . import _lib
from ._cmdline import win32_quote, win32_split
from ._errors import (
    AccessDeniedError,
    ExitstatError,
    InvalidArgumentError,
    NoChildError,
    NotADirError,
    NotFoundError,
    OSFailureError,
    OutOfMemoryError,
    TimeoutExpired,
    UnsafeArgumentError,
)
from ._lib import Library, load
from ._process import (
    Child,
    Command,
    CommandFlag,
    Result,
    Stdio,
    Usage,
    run,
    spawn,
    wait_any,
)
from ._status import (
    CodeMap,
    Kind,
    Severity,
    Status,
    StatusFlag,
    explain,
    ntstatus_name,
    signal_name,
)

__version__ = "%d.%d.%d" % _lib.BINDING_VERSION

INHERIT = Stdio.INHERIT
NULL = Stdio.NULL
PIPE = Stdio.PIPE
MERGE = Stdio.MERGE
NEW_GROUP = CommandFlag.NEW_GROUP
KILL_ON_FREE = CommandFlag.KILL_ON_FREE


def library():
    """The Library in use (its path and version_info); ImportError if none
    was found."""
    return _lib.default()


def library_version():
    """The version of the loaded library as a str ("0.1.0")."""
    return "%d.%d.%d" % _lib.default().version_info


__all__ = [
    "AccessDeniedError", "Child", "CodeMap", "Command", "CommandFlag", "ExitstatError",
    "INHERIT", "InvalidArgumentError", "KILL_ON_FREE", "Kind", "Library", "MERGE",
    "NEW_GROUP", "NULL", "NoChildError", "NotADirError", "NotFoundError", "OSFailureError",
    "OutOfMemoryError", "PIPE", "Result", "Severity", "Status", "StatusFlag", "Stdio",
    "TimeoutExpired", "UnsafeArgumentError", "Usage", "explain", "library",
    "library_version", "load", "ntstatus_name", "run", "signal_name", "spawn", "wait_any",
    "win32_quote", "win32_split",
]

_lib.load_at_import()
