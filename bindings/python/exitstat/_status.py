"""Statuses, code maps, and the names and decoders that need no child."""

import ctypes
import enum
import sys

from . import _errors, _lib
from ._util import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, UINT32_MAX
from ._util import Owned, encode, int_arg, sized_text


class Kind(enum.IntEnum):
    """How a child ended (exitstat_kind)."""

    UNKNOWN = 0     #: a wait(2) status word that fits none of the others
    EXITED = 1      #: ended normally; Status.code holds the exit code
    SIGNALED = 2    #: ended by a signal (on Windows: an exception, or our kill)
    STOPPED = 3     #: only from Status.from_wait
    CONTINUED = 4   #: only from Status.from_wait


class Severity(enum.IntEnum):
    """How bad an ending is, in increasing order (exitstat_severity)."""

    SUCCESS = 0
    INFO = 1
    WARNING = 2
    ERROR = 3
    FATAL = 4


class StatusFlag(enum.IntFlag):
    """The EXITSTAT_F_* bits of Status.flags."""

    COREDUMP = 0x1   #: a core image was written
    CODE8 = 0x2      #: the platform kept only the low 8 bits of the exit code
    EXCEPTION = 0x4  #: Windows: the signal was derived from an exception NTSTATUS
    KILLED = 0x8     #: ended by this library's kill, terminate, stop or signal


def _text(data):
    return data.decode("utf-8", "surrogateescape")


class Status:
    """How a child ended: an immutable copy of an exitstat_status.

    kind is a Kind; code the exit code (EXITED; the NTSTATUS for a Windows
    exception); signal the signal number (SIGNALED, STOPPED; else 0); flags a
    StatusFlag; raw the platform's own value (the wait(2) word on POSIX, the
    exit code on Windows). Statuses compare equal when every field does, and
    str() gives the library's one-line description.
    """

    __slots__ = ("kind", "signal", "code", "flags", "raw", "_lib")

    def __init__(self, kind, code=0, signal=0, flags=0, raw=0):
        """Make a status by hand, for instance to classify an exit code."""
        kind = int_arg(kind, INT32_MIN, INT32_MAX, "kind")
        try:
            kind = Kind(kind)
        except ValueError:
            pass  # kept as an int: a newer library may know more kinds
        set_ = object.__setattr__
        set_(self, "kind", kind)
        set_(self, "code", int_arg(code, INT64_MIN, INT64_MAX, "code"))
        set_(self, "signal", int_arg(signal, INT32_MIN, INT32_MAX, "signal"))
        set_(self, "flags", StatusFlag(int_arg(flags, 0, UINT32_MAX, "flags")))
        set_(self, "raw", int_arg(raw, 0, UINT32_MAX, "raw"))
        set_(self, "_lib", None)

    @classmethod
    def _from_c(cls, st, lib):
        self = cls(st.kind, st.code, st.signal, st.flags, st.raw)
        object.__setattr__(self, "_lib", lib)
        return self

    def _to_c(self):
        st = _lib.StatusStruct()
        st.kind, st.signal, st.code = self.kind, self.signal, self.code
        st.flags, st.raw = self.flags, self.raw
        return st

    def _library(self):
        return self._lib or _lib.default()

    def __setattr__(self, name, value):
        raise AttributeError("Status is immutable")

    def __delattr__(self, name):
        raise AttributeError("Status is immutable")

    def __reduce__(self):
        return (Status, (int(self.kind), self.code, self.signal, int(self.flags), self.raw))

    def _key(self):
        return (int(self.kind), self.signal, self.code, int(self.flags), self.raw)

    def __eq__(self, other):
        if not isinstance(other, Status):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        kind = self.kind
        fields = ["Kind.%s" % kind.name if isinstance(kind, Kind) else "%d" % kind]
        if self.code:
            fields.append("code=%d" % self.code)
        if self.signal:
            fields.append("signal=%d" % self.signal)
        if self.flags:
            names = [f.name for f in StatusFlag if self.flags & f]
            rest = int(self.flags) & ~sum(int(f) for f in StatusFlag)
            if rest:
                names.append("0x%X" % rest)
            fields.append("flags=%s" % "|".join(names))
        fields.append("raw=0x%X" % self.raw)
        return "exitstat.Status(%s)" % ", ".join(fields)

    def __str__(self):
        return self.describe()

    @classmethod
    def _decode(cls, fn, value):
        lib = _lib.default()
        st = _lib.StatusStruct()
        _errors.check(getattr(lib, fn)(value, ctypes.byref(st)))
        return cls._from_c(st, lib)

    @classmethod
    def from_wait(cls, wstatus):
        """Decode a wait(2) status word (as os.waitpid gives it).

        Only the low 16 bits count; every value decodes.
        """
        w = int_arg(wstatus, INT32_MIN, UINT32_MAX, "wait status")
        if w > INT32_MAX:
            w -= 1 << 32
        return cls._decode("status_from_wait", w)

    @classmethod
    def from_win32(cls, exit_code):
        """Decode a Windows exit code (GetExitCodeProcess).

        Negative values are read as cmd.exe's %ERRORLEVEL% shows them
        (-1073741819 is 0xC0000005). Known exception codes become SIGNALED.
        """
        v = int_arg(exit_code, INT32_MIN, UINT32_MAX, "Windows exit code")
        return cls._decode("status_from_win32", v & UINT32_MAX)

    @classmethod
    def from_shell(cls, value):
        """Decode a POSIX shell's $? (129..192 is death by signal value-128)."""
        return cls._decode("status_from_shell", int_arg(value, INT32_MIN, INT32_MAX, "$?"))

    @property
    def success(self):
        """True when the child exited with code 0."""
        st = self._to_c()
        return bool(self._library().status_success(ctypes.byref(st)))

    @property
    def shell(self):
        """What a POSIX shell's $? would show (128 + signal for a signal),
        or None for a status that is not an ending."""
        st = self._to_c()
        v = self._library().status_shell(ctypes.byref(st))
        return None if v < 0 else v

    @property
    def errorlevel(self):
        """What cmd.exe's %ERRORLEVEL% would show (a signed 32-bit value),
        or None for a status that is not an ending."""
        if self.kind not in (Kind.EXITED, Kind.SIGNALED):
            return None
        st = self._to_c()
        return self._library().status_errorlevel(ctypes.byref(st))

    @property
    def signal_name(self):
        """The signal's name ("SIGSEGV") for a SIGNALED or STOPPED status,
        else None."""
        if self.kind not in (Kind.SIGNALED, Kind.STOPPED):
            return None
        return signal_name(self.signal)

    def describe(self):
        """A one-line English description: "exited with code 3",
        "killed by signal 9 (SIGKILL)", ..."""
        lib = self._library()
        st = self._to_c()
        text = sized_text(lambda buf, size: lib.status_describe(ctypes.byref(st), buf, size))
        if isinstance(text, int):
            _errors.check(text)
        return text.decode("utf-8", "replace")

    def classify(self, codemap):
        """What this status means according to a code map.

        codemap is a CodeMap or the name of a built-in one ("posix", "grep",
        "robocopy", ...). Returns (Severity, label), label "" when the map has
        none. InvalidArgumentError for a status that is not an ending
        (STOPPED, CONTINUED, UNKNOWN).
        """
        if isinstance(codemap, str):
            codemap = CodeMap.builtin(codemap)
        if not isinstance(codemap, CodeMap):
            raise TypeError("classify needs a CodeMap or a built-in map's name")
        return codemap.classify(self)

    def exit_like(self):
        """End this process the way the status says the child ended.

        Exits with the code, or re-raises the signal with its default action,
        so that a wrapper passes its child's ending on. Never returns. Python's
        own clean-up does not run (as with os._exit); sys.stdout and
        sys.stderr are flushed first.
        """
        for f in (sys.stdout, sys.stderr):
            try:
                f.flush()
            except (AttributeError, OSError, ValueError):
                pass
        st = self._to_c()
        self._library().exit_like(ctypes.byref(st))


def signal_name(sig):
    """The name of a signal number of this platform ("SIGSEGV"), or None."""
    s = int_arg(sig, INT32_MIN, INT32_MAX, "signal")
    name = _lib.default().signal_name(s)
    return None if name is None else name.decode("ascii")


def ntstatus_name(code):
    """The name of a known NTSTATUS value ("STATUS_ACCESS_VIOLATION"), or None.

    Works on every platform; negative values are read as signed 32-bit.
    """
    v = int_arg(code, INT32_MIN, UINT32_MAX, "NTSTATUS") & UINT32_MAX
    name = _lib.default().ntstatus_name(v)
    return None if name is None else name.decode("ascii")


_SOURCES = {
    "shell": Status.from_shell,
    "wait": Status.from_wait,
    "win32": Status.from_win32,
}


def explain(value, source="shell"):
    """Decode a number from somewhere else into a Status.

    source says where value came from: "shell" (a shell's $?), "wait" (a
    wait(2) status word) or "win32" (a Windows exit code or %ERRORLEVEL%).
    str() of the result says what it means; classify() it with a map to know
    how bad it is.
    """
    try:
        decode = _SOURCES[source]
    except (KeyError, TypeError):
        raise ValueError("source must be 'shell', 'wait' or 'win32', not %r" % (source,)) from None
    return decode(value)


class CodeMap(Owned):
    """What exit codes mean to one program or convention.

    Made with CodeMap.builtin(name) or CodeMap.parse(spec); immutable, so one
    map may classify from any number of threads. A parsed map holds library
    memory: close() it, use it in a with statement, or leave it to the
    garbage collector.
    """

    # a no-op for the built-in maps, which are static data
    _free_name = "codemap_free"

    def __init__(self):
        raise TypeError("use CodeMap.builtin(name) or CodeMap.parse(spec)")

    @classmethod
    def _make(cls, lib, ptr, name, label_room):
        self = object.__new__(cls)
        self._own(lib, ptr)
        #: the built-in map's name, or None for a parsed map
        self.name = name
        # Room for any label: built-in labels fit in 256 bytes (the header
        # says so); a parsed map's labels come from its spec, and the longest
        # one classify can write is all of them joined with ", ".
        self._label_room = label_room
        return self

    @classmethod
    def builtin(cls, name):
        """A built-in map: "posix", "sysexits", "windows", "amiga", "vms",
        "fsck", "robocopy", "grep", "diff", "rsync", "curl"...

        InvalidArgumentError (a ValueError) for a name the library does not
        know.
        """
        lib = _lib.default()
        out = _lib.CodeMapP()
        _errors.check(lib.codemap_builtin(encode(name, "map name"), ctypes.byref(out)),
                      detail="no built-in map %r" % (name,))
        return cls._make(lib, out, name, 256)

    @classmethod
    def parse(cls, spec):
        """A map from spec text: entries MATCH=SEVERITY[:LABEL] separated by
        ';', for example "0=success;1=info:no match;2+=error:trouble".

        MATCH is N, N-M, N+, &MASK, * or signal; SEVERITY success, info,
        warning, error or fatal. InvalidArgumentError (a ValueError) for text
        the grammar does not allow.
        """
        lib = _lib.default()
        if isinstance(spec, str):
            data = spec.encode("utf-8", "surrogateescape")
            if b"\0" in data:
                raise ValueError("code map spec contains a NUL character")
        else:
            data = encode(spec, "code map spec")
        out = _lib.CodeMapP()
        _errors.check(lib.codemap_parse(data, ctypes.byref(out)), detail="bad code map spec")
        return cls._make(lib, out, None, len(data) + 2 * 1024 + 256)

    def classify(self, status):
        """(Severity, label) for a Status; see Status.classify."""
        if not isinstance(status, Status):
            raise TypeError("classify needs a Status")
        st = status._to_c()
        label = ctypes.create_string_buffer(self._label_room)
        with self._use() as ptr:
            sev = self._lib.classify(ctypes.byref(st), ptr, label, self._label_room)
        if sev < 0:
            kind = status.kind.name if isinstance(status.kind, Kind) else status.kind
            raise _errors.error(sev, detail="cannot classify a status of kind %s" % kind)
        try:
            sev = Severity(sev)
        except ValueError:
            pass
        return sev, _text(label.value)

    def __repr__(self):
        what = "built-in %r" % self.name if self.name else "parsed"
        return "<exitstat.CodeMap %s%s>" % (what, ", closed" if self.closed else "")
