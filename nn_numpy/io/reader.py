"""Reading a data file: bounded, strict about lines, and precise about where a problem is.

A data file is UTF-8 text (a leading byte-order mark is allowed): a header line of column names,
then one example per line, cells separated by commas. Rows end at ``\\n`` or ``\\r\\n`` only;
any other control character (form feed, ``\\x1c``, U+2028, a lone ``\\r``, ...) is an error
naming its line, because ``str.splitlines`` and other readers would split the row there and
silently make two examples of one. Lines holding only spaces and tabs are skipped.

The reader never reads more than ``MAX_DATA_BYTES`` (a stream such as a device or a FIFO that
never ends is refused once it passes the cap) and stops at the first NUL byte or invalid UTF-8.
Every problem is a ``DataError`` with a one-line message naming the file and, where there is
one, the 1-based line of the file.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy.errors import DataError

# Training is full-batch and in memory; 256 MiB of CSV is ~10-40 million numbers, far past what
# the network is meant for, and parsing it needs a few times that in RAM.
MAX_DATA_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
# Control characters other than tab and newline, C1 controls, and the Unicode line separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Table:
    """A parsed data file: column names, values (m, c) as float64, and the file's text."""

    path: str
    columns: tuple[str, ...]
    values: NDArray[np.float64]
    text: str  # kept so that a later problem in row i can be reported by its file line

    def line(self, row: int) -> int:
        """The 1-based file line of data row ``row`` (0-based; blank lines are not rows)."""
        for i, (n, _) in enumerate(_data_lines(self.text)):
            if i == row:
                return n
        raise IndexError(row)

    def where(self, row: int) -> str:
        """``"PATH, line N"`` for data row ``row``."""
        return f"{self.path}, line {self.line(row)}"


def read_table(path: str | os.PathLike[str]) -> Table:
    """Read and check a headed comma-separated file of finite numbers (see the module doc)."""
    name = os.fspath(path)
    if name == "":
        raise DataError("the data path is empty; give the path of a CSV file")
    text = _read_text(name).replace("\r\n", "\n")
    bad = _CONTROL.search(text)
    if bad:
        n = text.count("\n", 0, bad.start()) + 1
        raise DataError(
            f"{name}, line {n}: control character U+{ord(bad.group()):04X} inside a line; "
            "rows must be separated by newlines only"
        )
    header, _, body = text.partition("\n")
    if not header.strip(" \t") and not body.strip(" \t\n"):
        raise DataError(f"{name}: the file is empty")
    if not header.strip(" \t"):
        raise DataError(
            f"{name}, line 1: expected a header line with column names, found a blank line"
        )
    cells = header.split(",")
    if all(_is_number(cell) for cell in cells):
        raise DataError(
            f"{name}, line 1: expected a header line with column names, "
            f"found numbers {header.strip()!r}"
        )
    columns = tuple(cell.strip(" \t") for cell in cells)
    rows = re.sub(r"(?m)^[ \t]*(\n|\Z)", "", body)  # blank lines out, for np.loadtxt
    if not rows:
        raise DataError(f"{name}: the file has a header line but no data rows")
    try:
        values = np.loadtxt(
            io.StringIO(rows), dtype=np.float64, delimiter=",", ndmin=2, comments=None
        )
    except ValueError:
        values = None
    if values is None or values.shape[1] != len(columns):
        raise _diagnose(name, text, len(columns))
    bad_cells = np.argwhere(~np.isfinite(values))
    table = Table(name, columns, values, text)
    if bad_cells.size:
        i, j = (int(k) for k in bad_cells[0])
        raise DataError(
            f"{table.where(i)}, column {j + 1}: value {values[i, j]} is not finite "
            "(NaN and infinity are not allowed)"
        )
    return table


def _read_text(name: str) -> str:
    """The file's text, read in chunks up to MAX_DATA_BYTES and decoded as it is read."""
    try:
        fd = os.open(name, os.O_RDONLY)  # a FIFO waits for its writer here, as with `cat`
    except FileNotFoundError:
        raise DataError(f"{name}: no such file") from None
    except OSError as exc:
        raise DataError(f"{name}: cannot read the file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DataError(f"{name}: is a directory, not a data file")
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_DATA_BYTES:
            raise DataError(_too_large(name))
        return _decode_bounded(fd, name)
    finally:
        os.close(fd)


def _decode_bounded(fd: int, name: str) -> str:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    parts: list[str] = []
    size = newlines = 0
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError as exc:
            raise DataError(f"{name}: cannot read the file ({exc.strerror})") from None
        size += len(chunk)
        if size > MAX_DATA_BYTES:
            raise DataError(_too_large(name) + " (is it a device or an endless stream?)")
        nul = chunk.find(b"\0")
        if nul >= 0:
            line = newlines + chunk.count(b"\n", 0, nul) + 1
            raise DataError(f"{name}, line {line}: NUL byte; this is not a text file")
        try:
            parts.append(decoder.decode(chunk, final=not chunk))
        except UnicodeDecodeError:
            raise DataError(f"{name}: not a UTF-8 text file") from None
        if not chunk:
            return "".join(parts)
        newlines += chunk.count(b"\n")


def _too_large(name: str) -> str:
    return f"{name}: larger than the {MAX_DATA_BYTES // 2**20} MiB limit for data files"


def _data_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based file line, text) of every non-blank line after the header."""
    for n, line in enumerate(io.StringIO(text, newline="\n"), start=1):
        if n > 1 and line.strip(" \t\n"):
            yield n, line.rstrip("\n")


def _is_number(cell: Any) -> bool:
    """True if ``cell`` is a number as np.loadtxt reads it: ASCII, no '_' (not '1_0')."""
    text = str(cell).strip()
    if not text.isascii() or "_" in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _diagnose(name: str, text: str, n_cols: int) -> DataError:
    """Find the first malformed row and describe it by its line and column in the file."""
    for n, line in _data_lines(text):
        cells = line.split(",")
        if len(cells) != n_cols:
            return DataError(
                f"{name}, line {n}: expected {n_cols} comma-separated values (as in the header), "
                f"found {len(cells)}"
            )
        for j, cell in enumerate(cells, start=1):
            if not _is_number(cell):
                return DataError(f"{name}, line {n}, column {j}: {cell.strip()!r} is not a number")
    return DataError(f"{name}: cannot parse the file as comma-separated numbers")
