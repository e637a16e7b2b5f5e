"""Writing output files: one policy for every writer (model, metrics JSON, plot, predictions).

What ``atomic_write(path)`` does depends on what ``path`` is when the write starts:

* a regular file or a new name: the data goes to a temporary file ``.NAME.<16 hex>.tmp`` in
  the same directory, which is then renamed over ``path`` -- a reader never sees a half-written
  file, and a failed or interrupted write leaves the old file as it was and no temporary file.
  A new file gets the mode a plain ``open`` would give it (0666 minus the umask); a file that is
  replaced keeps its mode;
* a symbolic link: it is followed, and the file it points to is written as above (the link
  stays a link);
* anything else -- a character device, a FIFO, a socket: it is opened and written directly, as
  a shell's ``>`` would (renaming over it would replace the device node with a regular file);
* the file this process's standard output or error goes to (``/dev/stdout`` with ``> log``):
  it is appended to, after flushing them, so that the log keeps what was printed before.

Any ``OSError`` while writing becomes ``WriteError``, whose message is one line naming the path.
``output_path_problem`` is the matching check made before a program starts its work.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

from nn_numpy.errors import WriteError


def output_path_problem(path: str) -> str:
    """Why ``path`` cannot be written as an output, or "" if it can (checked before the work)."""
    if path == "":
        return "the path is empty; give a file name"
    if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        return f"{path} ends with {os.sep!r}, so it names a directory; give a file name"
    try:
        st = os.stat(path)  # follows symbolic links, as the write will
    except FileNotFoundError:
        st = None
    except OSError as e:  # a loop of links, a file used as a directory, no permission
        return f"{path} cannot be used: {e.strerror}"
    if st is not None and stat.S_ISDIR(st.st_mode):
        return f"{path} is a directory"
    if st is not None and stat.S_ISSOCK(st.st_mode):
        return f"{path} is a socket; open() cannot write to it, give a file name"
    if st is not None and not os.access(path, os.W_OK):
        return f"{path} is not writable"
    if st is not None and not stat.S_ISREG(st.st_mode):
        return ""  # a device or FIFO: written in place, its directory does not matter
    parent = os.path.dirname(os.path.realpath(path))
    if not os.path.isdir(parent):
        return f"directory {os.path.dirname(path) or '.'} does not exist"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"directory {os.path.dirname(path) or '.'} is not writable"
    return ""


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open ``path`` for writing under the policy above; ``mode`` is "w" (UTF-8 text) or "wb".

    If the body raises (or a signal turned into an exception arrives), a temporary file is
    removed and a replaced file is left untouched.
    """
    shown = os.fspath(path)
    encoding = None if "b" in mode else "utf-8"
    try:
        st: os.stat_result | None = os.stat(shown)  # as the kernel follows links (/proc too)
    except OSError:
        st = None
    try:
        if st is not None and (not stat.S_ISREG(st.st_mode) or _is_standard_stream(st)):
            # A device, FIFO or this process's own stdout/stderr (/dev/stdout): write in place,
            # appending to a regular file so that what was printed before stays.
            direct = mode if not stat.S_ISREG(st.st_mode) else mode.replace("w", "a")
            for stream in (sys.stdout, sys.stderr):  # what they hold comes first
                with suppress(OSError, ValueError, AttributeError):
                    stream.flush()
            with open(shown, direct, encoding=encoding) as f:
                yield f
            _after_appended(st)
            return
        target = os.path.realpath(shown)  # a symbolic link is followed, never replaced
        tmp: str | None = None
        fd = -1  # the temporary file's descriptor until a file object owns it
        try:
            # The name is recorded before the file is created: a signal arriving at any moment
            # finds it in ``tmp`` for the cleanup below (unlinking a name not yet created is
            # harmless; a name taken by someone else is never recorded as ours).
            while fd < 0:
                tmp = _temp_name(target)
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    tmp = None
            if st is not None:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))  # a replaced file keeps its mode
            with os.fdopen(fd, mode, encoding=encoding) as f:
                fd = -1
                yield f
                f.flush()
                os.fsync(f.fileno())  # the data is on disk before the name points at it
            os.replace(tmp, target)  # type: ignore[arg-type]  # set once fd >= 0
        except BaseException:
            if fd >= 0:
                os.close(fd)
            if tmp is not None:
                with suppress(FileNotFoundError):
                    os.unlink(tmp)
            raise
    except WriteError:
        raise
    except OSError as e:
        raise WriteError(e.errno, e.strerror or str(e), shown) from None


def _after_appended(st: os.stat_result) -> None:
    """Move standard output/error to the end of the file just appended to (``--output log >
    log``): a shell's ``>`` opens without O_APPEND, so what they print next would otherwise be
    written at their old offset, over the start of what was appended."""
    for fd in (1, 2):
        with suppress(OSError):
            if os.path.samestat(st, os.fstat(fd)):
                os.lseek(fd, 0, os.SEEK_END)


def _is_standard_stream(st: os.stat_result) -> bool:
    """Is ``st`` the file this process's standard output or error writes to?"""
    for fd in (1, 2):
        with suppress(OSError):
            if os.path.samestat(st, os.fstat(fd)):
                return True
    return False


def _temp_name(target: str) -> str:
    """``.NAME.XXXXXXXXXXXXXXXX.tmp`` beside ``target``.

    The file is created with ``os.open(..., 0o666)``, not ``tempfile.mkstemp``: the kernel then
    applies the umask as for any new file, where mkstemp makes every file 0600.
    """
    directory, name = os.path.split(target)
    short = os.fsdecode(os.fsencode(name)[:200])  # a name near the 255-byte limit still fits
    return os.path.join(directory, f".{short}.{secrets.token_hex(8)}.tmp")
