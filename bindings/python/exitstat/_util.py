"""Conversions between Python values and the C arguments of libexitstat, and
the ownership of the library's objects (Owned).

ctypes converts silently: an int too wide for the C type is truncated, and a
bytes object with a NUL in it is cut short at the NUL. Every value goes
through here first, so that such an argument raises instead of doing
something else than asked.
"""

import contextlib
import ctypes
import math
import numbers
import operator
import os
import threading

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
UINT32_MAX = (1 << 32) - 1
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def int_arg(value, lo, hi, what):
    """value as an int within lo..hi; TypeError or ValueError otherwise."""
    if isinstance(value, bool):
        raise TypeError("%s must be an integer, not bool" % what)
    value = operator.index(value)
    if not lo <= value <= hi:
        raise ValueError("%s %d is out of range (%d..%d)" % (what, value, lo, hi))
    return value


def encode(value, what):
    """A str, bytes or path-like value as the bytes the library takes.

    str goes through os.fsencode: the file system encoding with
    surrogateescape on POSIX (so names that are not valid UTF-8 pass through),
    UTF-8 on Windows, which is what the library expects there.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        try:
            data = os.fsencode(value)
        except TypeError:
            raise TypeError("%s must be str, bytes or a path, not %s"
                            % (what, type(value).__name__)) from None
    if b"\0" in data:
        raise ValueError("%s contains a NUL character" % what)
    return data


def decode(data):
    """Bytes from the library (paths, arguments) as str, losslessly."""
    return os.fsdecode(data)


def timeout_ms(seconds, what="timeout"):
    """Seconds (None: forever) as the library's int64_t milliseconds.

    Rounded up, so that a small positive timeout still waits rather than
    turning into 0, which only looks.
    """
    if seconds is None:
        return -1
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise TypeError("%s must be a number of seconds or None" % what)
    if not isinstance(seconds, int):
        seconds = float(seconds)
    if seconds != seconds:
        raise ValueError("%s is NaN" % what)
    if seconds < 0:
        raise ValueError("%s must not be negative (None waits forever)" % what)
    if seconds == math.inf:
        return -1
    if isinstance(seconds, int):
        ms = seconds * 1000
    else:
        ms = math.ceil(seconds * 1000)
    return min(ms, INT64_MAX)


def sized_text(call, size=256):
    """Run an snprintf-like call(buf, size) and return the whole text as bytes.

    The call returns the length it needs; a second call with room enough
    follows when the first buffer was too small. Negative returns are passed
    back for the caller to raise.
    """
    while True:
        buf = ctypes.create_string_buffer(size)
        n = call(buf, size)
        if n < 0:
            return n
        if n < size:
            return buf.raw[:n]
        size = n + 1


class Owned:
    """A pointer from the library that one Python object owns.

    Calls use it through _use(), which counts them, so that close() (which
    frees it) cannot pull it from under a call running in another thread; the
    library's free functions must not race with anything else on the object.
    """

    _ptr = None
    _free_name = None

    def _own(self, lib, ptr):
        self._lib = lib
        self._guard = threading.Lock()
        self._busy = 0
        self._ptr = ptr

    @contextlib.contextmanager
    def _use(self):
        with self._guard:
            if not self._ptr:
                raise ValueError("%s is closed" % type(self).__name__)
            self._busy += 1
        try:
            yield self._ptr
        finally:
            with self._guard:
                self._busy -= 1

    def _before_free(self):
        pass

    def close(self):
        """Release the library object (a no-op when already closed).

        RuntimeError while a call on it runs in another thread.
        """
        guard = getattr(self, "_guard", None)
        if guard is None:
            return  # __init__ failed before there was anything to free
        with guard:
            if self._busy:
                raise RuntimeError("%s is in use by another thread" % type(self).__name__)
            ptr, self._ptr = self._ptr, None
        if ptr:
            self._before_free()
            getattr(self._lib, self._free_name)(ptr)

    @property
    def closed(self):
        """True once close() has run."""
        return not self._ptr

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # may run at interpreter exit, with modules half torn down
        try:
            self.close()
        except Exception:
            pass
