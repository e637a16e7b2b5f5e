"""Reading an ``.npz`` archive member by member, each ``.npy`` header checked before its data.

``np.load`` would read whichever members a caller touches, with whatever shape their headers
claim; here a caller names the member, the kinds of dtype and the shape it expects, and only then
are exactly prod(shape) * itemsize bytes read (and the zip CRC checked). Nothing is unpickled:
object dtypes are refused from the header. Every problem is a ``ModelFileError`` of one line.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, Literal

import numpy as np
from numpy.lib import format as npy

from nn_numpy.errors import ModelFileError
from nn_numpy.io.columns import MAX_NAME

# What zipfile and numpy.lib.format raise on a damaged archive or member: a bad or truncated
# structure, an unsupported compression (NotImplementedError) or a member flagged as encrypted
# (RuntimeError).
_DAMAGE: tuple[type[Exception], ...] = (ValueError, OSError, EOFError, zipfile.BadZipFile)
_DAMAGE += (NotImplementedError, RuntimeError, struct.error)


@contextmanager
def open_archive(path: str | os.PathLike[str], where: str) -> Iterator[zipfile.ZipFile]:
    """The zip archive at ``path``: a regular file (a FIFO or a device is refused unread)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ModelFileError(f"{where} does not exist") from None
    except OSError as e:
        raise ModelFileError(f"{where} cannot be read: {e.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise ModelFileError(f"{where} is {kind}, not a model file")
    with os.fdopen(fd, "rb") as f:
        try:
            archive = zipfile.ZipFile(f)
        except _DAMAGE:
            raise ModelFileError(
                f"{where} is not a nn-numpy model file (not an .npz archive)"
            ) from None
        with archive:
            yield archive


class Members:
    """Reads single ``.npy`` members of an archive, checking each header before the data."""

    def __init__(self, archive: zipfile.ZipFile, where: str) -> None:
        self.archive, self.where = archive, where
        self.names = set(archive.namelist())

    def require(self, keys: tuple[str, ...]) -> None:
        missing = [k for k in keys if k + ".npy" not in self.names]
        if missing:
            raise ModelFileError(f"{self.where} is missing entries: {', '.join(missing)}")

    def positive(self, key: str) -> int:
        value = self.read(key, "iu", ())
        if int(value) < 1:
            raise ModelFileError(
                f"{self.where} is inconsistent: {key} is {show(value)}, expected a positive integer"
            )
        return int(value)

    def read(
        self,
        key: str,
        kinds: str,
        shape: tuple[int, ...],
        missing: str = "",
        context: str = "",
        max_length: int = 0,
    ) -> np.ndarray:
        """Member ``key``: its header must give ``shape`` and a dtype of ``kinds`` (a dtype name
        or kind letters); only then are its prod(shape) * itemsize data bytes read.

        With ``max_length`` > 0 the member is a vector of any length from 1 to ``max_length``
        (``shape`` is ignored), also checked from the header. ``context`` ends a shape error.
        """
        if key + ".npy" not in self.names:
            raise ModelFileError(f"{self.where} {missing or 'is missing entries: ' + key}")
        try:
            with self.archive.open(key + ".npy") as f:
                found, fortran, dtype = _header(f)
                if max_length and len(found) == 1 and 1 <= found[0] <= max_length:
                    shape = found
                elif max_length:
                    raise ModelFileError(
                        f"{self.where} is inconsistent: {key} has shape {found}, expected a "
                        f"vector of 1 to {max_length} entries"
                    )
                problem = _header_problem(key, found, dtype, kinds, shape, context)
                if problem:
                    raise ModelFileError(f"{self.where} is inconsistent: {problem}")
                count = int(np.prod(shape, dtype=np.int64))
                data = f.read(count * dtype.itemsize)
                if len(data) != count * dtype.itemsize or f.read(1):
                    raise ValueError("the data does not match its header")
        except ModelFileError:
            raise
        except _DAMAGE as e:
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ModelFileError(f"{self.where} is damaged: entry {key}: {reason}") from None
        order: Literal["C", "F"] = "F" if fortran else "C"
        return (
            np.frombuffer(data, dtype).reshape(shape, order=order).astype(dtype.newbyteorder("="))
        )


def _header(f: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype[Any]]:
    version = npy.read_magic(f)
    if version == (1, 0):
        return npy.read_array_header_1_0(f)
    if version == (2, 0):
        return npy.read_array_header_2_0(f)
    raise ValueError(f"unsupported .npy format version {version}")


def _header_problem(
    key: str,
    found: tuple[int, ...],
    dtype: np.dtype[Any],
    kinds: str,
    shape: tuple[int, ...],
    context: str,
) -> str:
    if dtype.hasobject or dtype.fields is not None:
        return f"{key} holds Python objects or records, not numbers"
    if found != shape:
        return f"{key} has shape {found}, expected {shape}{' for ' + context if context else ''}"
    if kinds in ("float32", "float64"):
        if dtype.newbyteorder("=") != np.dtype(kinds):
            return f"{key} has dtype {dtype}, expected {kinds}"
    elif dtype.kind not in kinds:
        names = {"iu": "an integer", "U": "a string", "f": "floating point"}
        expected = names.get(kinds, "a number or a string")
        return f"{key} has dtype {dtype}, expected {expected}"
    if kinds == "U" and dtype.itemsize > 4 * MAX_NAME:
        return f"{key} has strings of {dtype.itemsize // 4} characters, at most {MAX_NAME} allowed"
    return ""


def show(v: np.ndarray) -> str:
    """A short description of a stored value for an error message."""
    if v.shape == () and v.dtype.kind in "iufU":
        return repr(v.item())
    return f"an array of shape {v.shape} and dtype {v.dtype}"
