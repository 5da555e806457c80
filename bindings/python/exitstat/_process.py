"""Commands, children, and run(): spawning and awaiting processes."""

import contextlib
import ctypes
import enum
import os
import signal
import sys
import threading
import time

from . import _errors, _lib, _streams
from ._status import Status
from ._util import UINT32_MAX, INT32_MIN, INT32_MAX
from ._util import Owned, decode, encode, int_arg, sized_text, timeout_ms


class Stdio(enum.IntEnum):
    """What a child's standard stream is (the EXITSTAT_INHERIT... modes).

    A stream given as an int descriptor, or as an object with fileno(), is
    EXITSTAT_HANDLE: the child gets a copy of it and the caller keeps it.
    """

    INHERIT = 0  #: the parent's own stream (the default)
    NULL = 1     #: /dev/null or NUL: reads see end of file, writes vanish
    PIPE = 2     #: a pipe; the parent's end is Child.stdin/stdout/stderr
    HANDLE = 3   #: (given as the descriptor itself, never as this value)
    MERGE = 4    #: stderr only: to wherever stdout goes


class CommandFlag(enum.IntFlag):
    """Flags of a Command (the EXITSTAT_* command flags)."""

    NEW_GROUP = 0x1     #: the child leads a new process group (POSIX) or job (Windows)
    KILL_ON_FREE = 0x2  #: closing the Child kills (the group of) a child still running


# run(): how long a child that timed out gets between terminate and kill (as
# exitstat_run), and how long its pipes are then read for what is left in them
RUN_GRACE = 1.0
RUN_DRAIN = 0.25

# Longest single wait in the main thread: Python runs its signal handlers (and
# so raises KeyboardInterrupt) only between calls into the library.
_SLICE_MS = 200


def _stdio_arg(value, stream):
    """(mode, handle) for a Command's stream argument."""
    if value is None:
        return Stdio.INHERIT, 0
    if isinstance(value, Stdio):
        if value == Stdio.HANDLE:
            raise ValueError("pass the descriptor or file object itself, not Stdio.HANDLE")
        return value, 0
    if isinstance(value, bool):
        raise TypeError("stream %d: a bool is neither a mode nor a descriptor" % stream)
    if isinstance(value, int):
        fd = value
    elif hasattr(value, "fileno"):
        fd = value.fileno()
    else:
        raise TypeError("stream %d must be a Stdio mode, a descriptor or a file object" % stream)
    fd = int_arg(fd, INT32_MIN, INT32_MAX, "descriptor")
    if sys.platform == "win32" and fd >= 0:
        import msvcrt
        return Stdio.HANDLE, msvcrt.get_osfhandle(fd)
    return Stdio.HANDLE, fd


@contextlib.contextmanager
def _signals_held():
    """Hold back Python's signal handlers (Ctrl-C's KeyboardInterrupt) while
    a new child has no Python owner yet.

    A handler runs between two Python instructions; one that raised after
    exitstat_spawn returned and before the Child existed would leave a child
    nothing ever frees or kills. Blocking the signals makes them wait until
    the Child owns it (the library empties the child's own signal mask).
    Only the main thread runs handlers, and only POSIX has signal masks.
    """
    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _args_list(args):
    if isinstance(args, (str, bytes, os.PathLike)):
        return [args]
    args = list(args)
    if not args:
        raise ValueError("args is empty: it needs at least the program")
    return args


class Command(Owned):
    """What to run: a program, its arguments, environment changes, a working
    directory, the standard streams and flags. Built once, spawned any number
    of times, from any number of threads.

    args is the program followed by its arguments (a lone str is the program
    alone; it is never split). The program is searched in PATH when it has no
    path separator. env maps names to values to set in the child's
    environment, or to None to unset them; env_clear starts from an empty
    environment instead of this process's. cwd is the child's working
    directory. stdin, stdout and stderr are a Stdio mode, a descriptor or a
    file object (None inherits). flags is a CommandFlag.

    Errors in what is given raise at once: InvalidArgumentError (a
    ValueError) for an empty program, an environment name that is empty or
    holds '=', and so on.
    """

    _free_name = "cmd_free"

    def __init__(self, args, *, env=None, env_clear=False, cwd=None,
                 stdin=None, stdout=None, stderr=None, flags=0):
        args = _args_list(args)
        words = [encode(a, "argument") for a in args]
        lib = _lib.default()
        ptr = _lib.CmdP()
        _errors.check(lib.cmd_new(ctypes.byref(ptr), words[0]), filename=args[0])
        self._own(lib, ptr)
        try:
            self._configure(lib, ptr, args, words, env, env_clear, cwd,
                            (stdin, stdout, stderr), flags)
        except BaseException:
            self.close()
            raise

    def _configure(self, lib, ptr, args, words, env, env_clear, cwd, streams, flags):
        if len(words) > 1:
            argv = (ctypes.c_char_p * len(words))(*words[1:], None)
            _errors.check(lib.cmd_argv(ptr, argv))
        env = dict(env) if env is not None else {}
        for name, value in env.items():
            v = None if value is None else encode(value, "environment value")
            _errors.check(lib.cmd_env(ptr, encode(name, "environment name"), v),
                          detail="environment name %r" % (name,))
        if env_clear:
            _errors.check(lib.cmd_env_clear(ptr))
        if cwd is not None:
            _errors.check(lib.cmd_cwd(ptr, encode(cwd, "cwd")), filename=cwd)
        for i, value in enumerate(streams):
            mode, handle = _stdio_arg(value, i)
            _errors.check(lib.cmd_stdio(ptr, i, int(mode), handle),
                          detail="stream %d: %r" % (i, value))
        flags = CommandFlag(int_arg(flags, 0, UINT32_MAX, "flags"))
        _errors.check(lib.cmd_flags(ptr, int(flags)), detail="flags %r" % (flags,))
        #: the program and its arguments, as given
        self.args = tuple(args)
        #: the environment changes (name: value or None)
        self.env = env
        #: whether the child starts from an empty environment
        self.env_clear = bool(env_clear)
        #: the working directory, or None
        self.cwd = cwd
        #: (stdin, stdout, stderr) as given; file objects are kept alive here
        #: so that their descriptors stay open until the command is closed
        self.stdio = streams
        #: the CommandFlag set
        self.flags = flags

    def __repr__(self):
        return "<exitstat.Command %r%s>" % (list(self.args), " closed" if self.closed else "")

    def _spawn_error_name(self, code):
        # ENOENT means the program or the working directory: say which
        if code in (_errors.ENOENT, _errors.ENOTDIR) and self.cwd is not None \
                and not os.path.isdir(self.cwd):
            return self.cwd
        return self.args[0]

    def spawn(self):
        """Start the child and return its Child.

        Every failure to start it raises here, never shows as an exit code
        later: NotFoundError (a FileNotFoundError) for a missing program or
        working directory, AccessDeniedError (a PermissionError) for a file
        that is not executable or a directory, NotADirError, and so on.
        """
        out = _lib.ChildP()
        with _signals_held(), self._use() as ptr:
            err = self._lib.spawn(ptr, ctypes.byref(out))
            child = Child(self._lib, out, self.args) if err == 0 else None
        _errors.check(err, filename=self._spawn_error_name(err))
        return child

    def run(self, timeout=None):
        """Spawn and wait (exitstat_run) with the streams as configured.

        timeout is in seconds (None: forever). A child still running then is
        stopped (terminate, a second of grace, kill) and the Result says so
        with timed_out. Spawn errors raise as spawn() does. Piped streams are
        not read (a child that fills one blocks): use the module's run() or
        Child.communicate() for those.
        """
        ms = timeout_ms(timeout)
        st = _lib.StatusStruct()
        with self._use() as ptr:
            err = self._lib.run(ptr, ms, ctypes.byref(st))
        timed_out = err == _errors.ETIMEDOUT
        if not timed_out:
            _errors.check(err, filename=self._spawn_error_name(err))
        return Result(self.args, Status._from_c(st, self._lib), None, None, timed_out)

    def resolve(self):
        """The file spawn() would run, by the same PATH search, as a str.

        NotFoundError or AccessDeniedError as spawn() would raise them.
        """
        with self._use() as ptr:
            text = sized_text(lambda buf, size: self._lib.cmd_resolve(ptr, buf, size))
        if isinstance(text, int):
            _errors.check(text, filename=self._spawn_error_name(text))
        return decode(text)


class Usage:
    """Resource use of a child that has ended.

    wall, user and system are times in seconds (float); maxrss_kib the peak
    resident memory in KiB; each None where the platform cannot tell.
    """

    __slots__ = ("wall", "user", "system", "maxrss_kib")

    def __init__(self, wall, user, system, maxrss_kib):
        self.wall, self.user, self.system, self.maxrss_kib = wall, user, system, maxrss_kib

    def __repr__(self):
        return "exitstat.Usage(wall=%r, user=%r, system=%r, maxrss_kib=%r)" % (
            self.wall, self.user, self.system, self.maxrss_kib)


def _seconds(us):
    return None if us < 0 else us / 1e6


def _sliced_wait(call, ms):
    """call(step_ms) until it no longer times out, within ms (negative:
    forever). In the main thread the wait is cut into short steps, so that
    Ctrl-C raises KeyboardInterrupt instead of waiting for the child."""
    if threading.current_thread() is not threading.main_thread() or 0 <= ms <= _SLICE_MS:
        return call(ms)
    deadline = None if ms < 0 else time.monotonic() + ms / 1000
    while True:
        step = _SLICE_MS
        if deadline is not None:
            left = deadline - time.monotonic()
            step = max(0, min(_SLICE_MS, int(left * 1000 + 0.999)))
        err = call(step)
        if err != _errors.ETIMEDOUT or (deadline is not None and time.monotonic() >= deadline):
            return err


class Child(Owned):
    """One spawned child process.

    Made by Command.spawn() or spawn(). wait(), poll(), terminate(), kill()
    and signal() may be called from several threads at once. close() (or the
    end of a with block, or garbage collection) frees the object: a child
    still running is left running then, unless the command had
    CommandFlag.KILL_ON_FREE, which kills and reaps it.
    """

    _free_name = "child_free"

    def __init__(self, lib, ptr, args):
        self._own(lib, ptr)
        #: the command's program and arguments
        self.args = args
        #: the process id
        self.pid = lib.child_pid(ptr)
        self._files = [None, None, None]

    def __repr__(self):
        return "<exitstat.Child pid %d %r%s>" % (self.pid, list(self.args),
                                                  " closed" if self.closed else "")

    @property
    def handle(self):
        """What an event loop can watch for the child's end (a pidfd on Linux,
        the process HANDLE on Windows), or None. Owned by the child: do not
        close it."""
        with self._use() as ptr:
            h = self._lib.child_handle(ptr)
        return None if h == -1 else h

    def stdio(self, stream):
        """The parent's end of a piped stream 0, 1 or 2 (a descriptor, or a
        HANDLE on Windows), or None when it is not piped or already closed.
        Owned by the child: do not close it."""
        stream = int_arg(stream, 0, 2, "stream")
        with self._use() as ptr:
            h = self._lib.child_stdio(ptr, stream)
        return None if h == -1 else h

    def _file(self, stream):
        with self._guard:
            f = self._files[stream]
            if f is not None and not f.closed:
                return f
        h = self.stdio(stream)
        if h is None:
            return f  # closed by communicate(): the closed object, or None
        with self._guard:
            if self._files[stream] is None or self._files[stream].closed:
                self._files[stream] = _streams.open_stream(h, stream)
            return self._files[stream]

    @property
    def stdin(self):
        """An unbuffered binary file over the child's piped stdin, or None.

        Write to it (write() returns how much it wrote, as raw files do), then
        call communicate() to close it: closing the file object does not close
        the pipe, which the child object owns."""
        return self._file(0)

    @property
    def stdout(self):
        """An unbuffered binary file over the child's piped stdout, or None."""
        return self._file(1)

    @property
    def stderr(self):
        """An unbuffered binary file over the child's piped stderr, or None."""
        return self._file(2)

    def _close_files(self):
        # before the library closes the pipes: stop the file objects from
        # using descriptors that go away (unbuffered: nothing to flush)
        for f in self._files:
            if f is not None:
                f.close()

    def _before_free(self):
        self._close_files()

    def wait(self, timeout=None):
        """Wait for the child to end and return its Status.

        timeout in seconds (None: forever, 0: just look). TimeoutExpired (a
        TimeoutError) while it runs. Once it ended, every call returns the
        same status at once.
        """
        ms = timeout_ms(timeout)
        st = _lib.StatusStruct()
        with self._use() as ptr:
            err = _sliced_wait(lambda step: self._lib.wait(ptr, step, ctypes.byref(st)), ms)
        if err == _errors.ETIMEDOUT:
            raise _errors.TimeoutExpired(timeout=timeout)
        _errors.check(err)
        return Status._from_c(st, self._lib)

    def poll(self):
        """The Status if the child has ended, else None; never blocks."""
        try:
            return self.wait(0)
        except _errors.TimeoutExpired:
            return None

    def terminate(self):
        """Ask the child to stop: SIGTERM on POSIX; on Windows CTRL_BREAK for
        a NEW_GROUP child, else as kill(). Nothing is sent to a child that has
        ended."""
        with self._use() as ptr:
            _errors.check(self._lib.terminate(ptr))

    def kill(self):
        """End the child now: SIGKILL, or TerminateProcess on Windows.
        Nothing is sent to a child that has ended."""
        with self._use() as ptr:
            _errors.check(self._lib.kill(ptr))

    def signal(self, sig):
        """Send signal sig (an int or a signal.Signals). On Windows only
        SIGTERM and SIGKILL exist (else OSFailureError with errno ENOSYS).
        Nothing is sent to a child that has ended."""
        sig = int_arg(sig, INT32_MIN, INT32_MAX, "signal")
        with self._use() as ptr:
            _errors.check(self._lib.signal(ptr, sig), detail="signal %d" % sig)

    def stop(self, grace=1.0):
        """Terminate, wait up to grace seconds, then kill: always returns the
        child's Status. grace 0 kills at once; None waits as long as the child
        takes after terminate."""
        ms = timeout_ms(grace, "grace")
        st = _lib.StatusStruct()
        with self._use() as ptr:
            _errors.check(self._lib.stop(ptr, ms, ctypes.byref(st)))
        return Status._from_c(st, self._lib)

    def communicate(self, input=None, timeout=None):
        """Feed input to the piped stdin and close it, read the piped stdout
        and stderr to their end, and wait for the child: (stdout, stderr,
        Status), bytes or None for a stream that is not piped.

        Sizes do not matter (nothing deadlocks), and a child that does not
        read all its input is not an error. input is bytes-like; it needs
        stdin=PIPE (else InvalidArgumentError). The timeout, in seconds, covers
        the whole call: on expiry TimeoutExpired carries what was read so far
        in its stdout and stderr, and the child runs on. A later call goes on
        reading from there (it returns only what comes after); the input not
        yet written then is lost, so call it without input.
        """
        if isinstance(input, str):
            raise TypeError("input must be bytes-like, not str")
        data = b"" if input is None else input
        if not isinstance(data, bytes):
            data = bytes(memoryview(data).cast("B"))
        ms = timeout_ms(timeout)
        outp, errp = _lib.CharP(), _lib.CharP()
        outn, errn = ctypes.c_size_t(0), ctypes.c_size_t(0)
        st = _lib.StatusStruct()
        lib = self._lib
        with self._use() as ptr:
            self._close_files()
            err = lib.communicate(ptr, data if data else None, len(data), ms,
                                  ctypes.byref(outp), ctypes.byref(outn),
                                  ctypes.byref(errp), ctypes.byref(errn), ctypes.byref(st))
        # copy what the library handed over, then give its memory back
        try:
            out = ctypes.string_at(outp, outn.value) if outp else None
            errb = ctypes.string_at(errp, errn.value) if errp else None
        finally:
            lib.free(outp)
            lib.free(errp)
        if err == _errors.ETIMEDOUT:
            raise _errors.TimeoutExpired(timeout=timeout, stdout=out, stderr=errb)
        _errors.check(err)
        return out, errb, Status._from_c(st, lib)

    def usage(self):
        """The child's resource use (a Usage), once its status has been
        collected; TimeoutExpired before that."""
        u = _lib.UsageStruct()
        with self._use() as ptr:
            _errors.check(self._lib.child_usage(ptr, ctypes.byref(u)))
        return Usage(_seconds(u.wall_us), _seconds(u.user_us), _seconds(u.sys_us),
                     None if u.maxrss_kib < 0 else u.maxrss_kib)


def wait_any(children, timeout=None):
    """Wait for the first of several children to end: (index, Status).

    The lowest index among those that have ended is reported (ones already
    waited for count). TimeoutExpired if none ended in time. NoChildError,
    with index set, when a child's status was taken by someone else.
    """
    children = list(children)
    if not children:
        raise ValueError("wait_any needs at least one child")
    if not all(isinstance(c, Child) for c in children):
        raise TypeError("wait_any takes Child objects")
    lib = children[0]._lib
    if any(c._lib is not lib for c in children):
        raise ValueError("the children come from different loaded libraries")
    ms = timeout_ms(timeout)
    st = _lib.StatusStruct()
    index = ctypes.c_size_t(0)
    with contextlib.ExitStack() as stack:
        ptrs = [stack.enter_context(c._use()) for c in children]
        array = (_lib.ChildP * len(ptrs))(*ptrs)
        err = _sliced_wait(lambda step: lib.wait_any(array, len(ptrs), step, ctypes.byref(index),
                                                     ctypes.byref(st)), ms)
    if err == _errors.ECHILD:
        e = _errors.error(err)
        e.index = index.value
        raise e
    if err == _errors.ETIMEDOUT:
        raise _errors.TimeoutExpired(timeout=timeout)
    _errors.check(err)
    return index.value, Status._from_c(st, lib)


class Result:
    """What run() gives back.

    args: the command; status: how it ended (a Status); stdout, stderr:
    bytes when captured, else None; timed_out: True when the timeout expired
    and the child was stopped (status then says how: usually killed by
    SIGTERM or SIGKILL, with StatusFlag.KILLED).
    """

    __slots__ = ("args", "status", "stdout", "stderr", "timed_out")

    def __init__(self, args, status, stdout, stderr, timed_out):
        self.args = args
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    @property
    def success(self):
        """True when the child exited with code 0 in time."""
        return self.status.success and not self.timed_out

    def __repr__(self):
        extra = ""
        if self.stdout is not None:
            extra += ", stdout=%d bytes" % len(self.stdout)
        if self.stderr is not None:
            extra += ", stderr=%d bytes" % len(self.stderr)
        if self.timed_out:
            extra += ", timed out"
        return "<exitstat.Result %r: %s%s>" % (list(self.args), self.status, extra)


def spawn(args, **kwargs):
    """Start a child: Command(args, **kwargs).spawn()."""
    with Command(args, **kwargs) as cmd:
        return cmd.spawn()


def _join(first, rest):
    if first is None:
        return rest
    if rest is None:
        return first
    return first + rest


def run(args, *, timeout=None, capture=False, input=None, stdin=None, stdout=None,
        stderr=None, flags=0, **kwargs):
    """Run a command to its end and return a Result.

    timeout in seconds (None: forever): a child still running then is
    stopped (terminate, a second of grace, kill), and the result has
    timed_out set and the status it ended with; no exception is raised.
    capture=True pipes stdout and stderr (unless given) into result.stdout
    and result.stderr as bytes. input (bytes) is written to the child's stdin.
    Other keyword arguments (env, env_clear, cwd, flags) are Command's.
    Spawn errors raise as Command.spawn() does. If run() is interrupted
    (KeyboardInterrupt), the child is killed before the exception goes on.
    """
    ms = timeout_ms(timeout)
    if capture:
        stdout = Stdio.PIPE if stdout is None else stdout
        stderr = Stdio.PIPE if stderr is None else stderr
    if input is not None:
        if stdin is not None and stdin is not Stdio.PIPE:
            raise ValueError("input and stdin both given")
        stdin = Stdio.PIPE
    piped = Stdio.PIPE in [s for s in (stdin, stdout, stderr) if isinstance(s, Stdio)]
    # KILL_ON_FREE: run() always waits for the end, so the flag only acts
    # when an exception (Ctrl-C) leaves with the child running: closing it
    # below then kills (its group) and reaps it. Should the exception come
    # between spawn() returning and the assignment, the Child is the garbage
    # collector's, and freeing it kills it all the same.
    flags = CommandFlag(int_arg(flags, 0, UINT32_MAX, "flags")) | CommandFlag.KILL_ON_FREE
    child = None
    try:
        with Command(args, stdin=stdin, stdout=stdout, stderr=stderr, flags=flags,
                     **kwargs) as cmd:
            child = cmd.spawn()
        out = err = None
        timed_out = False
        try:
            if piped:
                out, err, status = child.communicate(input, None if ms < 0 else timeout)
            else:
                status = child.wait(None if ms < 0 else timeout)
        except _errors.TimeoutExpired as e:
            timed_out = True
            out, err = e.stdout, e.stderr
            status = child.stop(RUN_GRACE)
            if piped:
                # the rest of what it wrote before it died
                try:
                    more_out, more_err, _ = child.communicate(None, RUN_DRAIN)
                except _errors.TimeoutExpired as e2:
                    more_out, more_err = e2.stdout, e2.stderr
                out, err = _join(out, more_out), _join(err, more_err)
    finally:
        if child is not None:
            child.close()
    return Result(tuple(cmd.args), status, out, err, timed_out)
