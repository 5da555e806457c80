"""Windows command lines: joining and splitting by the CommandLineToArgvW
rules, available on every platform (exitstat_win32_quote, _split)."""

import ctypes

from . import _errors, _lib
from ._util import decode, encode, sized_text


def win32_quote(argv):
    """Join arguments into one Windows command line that CommandLineToArgvW
    (and win32_split) splits back into exactly argv. argv[0] may not hold
    '"' (InvalidArgumentError)."""
    words = [encode(a, "argument") for a in argv]
    lib = _lib.default()
    array = (ctypes.c_char_p * (len(words) + 1))(*words, None)
    text = sized_text(lambda buf, size: lib.win32_quote(array, buf, size))
    if isinstance(text, int):
        _errors.check(text)
    return decode(text)


def win32_split(cmdline):
    """Split a Windows command line into its arguments (a list of str), as
    CommandLineToArgvW would, except that an empty line has none."""
    lib = _lib.default()
    out = ctypes.POINTER(ctypes.c_char_p)()
    n = _errors.check(lib.win32_split(encode(cmdline, "command line"), ctypes.byref(out)))
    try:
        return [decode(out[i]) for i in range(n)]
    finally:
        lib.free(out)
