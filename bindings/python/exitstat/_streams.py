"""File objects over a child's pipe ends, which the child object owns.

The library closes a pipe end itself (in exitstat_communicate, and in
exitstat_child_free), so a Python file object over it must never close it:
closing the object only stops it from being used. On POSIX that is an
io.FileIO with closefd=False. On Windows the pipe end is a HANDLE; turning it
into a C runtime descriptor (msvcrt.open_osfhandle) would tie the handle to a
descriptor that can only be released by closing the handle, so the object
reads and writes the HANDLE directly instead.
"""

import io
import sys


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _ReadFile = _kernel32.ReadFile
    _ReadFile.argtypes = [wintypes.HANDLE, ctypes.c_void_p, wintypes.DWORD,
                          ctypes.POINTER(wintypes.DWORD), ctypes.c_void_p]
    _ReadFile.restype = wintypes.BOOL
    _WriteFile = _kernel32.WriteFile
    _WriteFile.argtypes = [wintypes.HANDLE, ctypes.c_void_p, wintypes.DWORD,
                           ctypes.POINTER(wintypes.DWORD), ctypes.c_void_p]
    _WriteFile.restype = wintypes.BOOL
    _ERROR_BROKEN_PIPE = 109
    _ERROR_NO_DATA = 232  # writing to a pipe whose reader closed it
    _MAX_IO = 1 << 30

    class _HandleIO(io.RawIOBase):
        """Unbuffered reads or writes on a pipe HANDLE that is not ours."""

        def __init__(self, handle, writable):
            super().__init__()
            self._handle = handle
            self._writable = writable

        def readable(self):
            return not self._writable

        def writable(self):
            return self._writable

        def fileno(self):
            raise io.UnsupportedOperation("a child's pipe HANDLE has no descriptor")

        def readinto(self, b):
            self._checkClosed()
            if self._writable:
                raise io.UnsupportedOperation("not readable")
            view = memoryview(b).cast("B")
            n = min(len(view), _MAX_IO)
            if n == 0:
                return 0
            buf = (ctypes.c_char * n).from_buffer(view)
            got = wintypes.DWORD(0)
            if not _ReadFile(self._handle, buf, n, ctypes.byref(got), None):
                err = ctypes.get_last_error()
                if err == _ERROR_BROKEN_PIPE:
                    return 0  # the writer closed its end: end of file
                raise ctypes.WinError(err)
            return got.value

        def write(self, b):
            self._checkClosed()
            if not self._writable:
                raise io.UnsupportedOperation("not writable")
            data = bytes(b)
            n = min(len(data), _MAX_IO)
            done = wintypes.DWORD(0)
            if n and not _WriteFile(self._handle, data, n, ctypes.byref(done), None):
                err = ctypes.get_last_error()
                if err in (_ERROR_BROKEN_PIPE, _ERROR_NO_DATA):
                    raise BrokenPipeError(32, "the child closed its end of the pipe")
                raise ctypes.WinError(err)
            return done.value

    def _raw(handle, writable):
        return _HandleIO(handle, writable)
else:
    def _raw(handle, writable):
        return io.FileIO(handle, "wb" if writable else "rb", closefd=False)


def open_stream(handle, stream):
    """An unbuffered binary file over the parent's end of the child's stream
    0, 1 or 2.

    Unbuffered, so that nothing is held back where communicate() would not see
    it: data read ahead from stdout, or data written to stdin but not yet
    flushed, which communicate() would have to flush first and so could block
    on a child that is busy writing.
    """
    return _raw(handle, stream == 0)
