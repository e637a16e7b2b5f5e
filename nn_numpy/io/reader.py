"""Reading a data file: bounded, strict about lines, and precise about where a problem is.

A data file is UTF-8 text (a leading byte-order mark is allowed): a header line of column names,
then one example per line, cells separated by commas. Rows end at ``\\n`` or ``\\r\\n`` only;
any other control character (form feed, ``\\x1c``, U+2028, a lone ``\\r``, ...) is an error
naming its line, because ``str.splitlines`` and other readers would split the row there and
silently make two examples of one. Lines holding only spaces and tabs are skipped.

The file is read and parsed a block of whole lines at a time, so the text is never held whole:
the peak memory is about twice the parsed values plus a block. A regular file whose values cannot
fit in the memory available is refused before its rows are parsed; a stream (a device, a FIFO
that never ends) is refused once it passes ``MAX_DATA_BYTES``. Reading stops at the first NUL
byte or invalid UTF-8. Every problem is a ``DataError`` with a one-line message naming the file
and, where there is one, the 1-based line of the file; problems are found in file order.
"""

from __future__ import annotations

import bisect
import codecs
import io
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy.errors import DataError, clipped

# A stream (a FIFO, a device) has no size to check against memory beforehand: it is refused
# once it passes this many bytes. A regular file of any size is read if its parsed values fit
# in the memory available (``nn_numpy.io.resources``), and refused before its body is read if not.
MAX_DATA_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024  # bytes per read; the text is parsed a block of whole lines at a time
# Control characters other than tab and newline, C1 controls, and the Unicode line separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_BLANK = re.compile(r"(?m)^[ \t]*(\n|\Z)")


@dataclass(frozen=True)
class Table:
    """A parsed data file: column names, values (m, c) as float64, and the file lines of the
    blank lines among the rows (so that row i can be reported by its file line)."""

    path: str
    columns: tuple[str, ...]
    values: NDArray[np.float64]
    blank_lines: Sequence[int] = ()  # ascending 1-based file lines

    def line(self, row: int) -> int:
        """The 1-based file line of data row ``row`` (0-based; blank lines are not rows)."""
        if not 0 <= row < len(self.values):
            raise IndexError(row)
        return _file_line(self.blank_lines, row)

    def where(self, row: int) -> str:
        """``"PATH, line N"`` for data row ``row``."""
        return f"{self.path}, line {self.line(row)}"

    def without_values(self) -> Table:
        """The same rows, for ``line`` and ``where``, without holding their values (an (m, 0)
        array of its own): once the values are copied out, the file's copy can be freed."""
        return Table(self.path, self.columns, np.empty((len(self.values), 0)), self.blank_lines)


def _file_line(blank_lines: Sequence[int], row: int) -> int:
    """The file line of data row ``row``: after the header and the blank lines before it (the
    least k with k = the number of blank lines at or before line row + 2 + k)."""
    skipped = 0
    while (k := bisect.bisect_right(blank_lines, row + 2 + skipped)) != skipped:
        skipped = k
    return row + 2 + skipped


def read_table(
    path: str | os.PathLike[str], check_header: Callable[[Table], None] | None = None
) -> Table:
    """Read and check a headed comma-separated file of finite numbers (see the module doc).

    ``check_header``, if given, is called with the header alone (a table of no rows) before any
    row is parsed, so that a file whose columns cannot be used is refused without reading it.
    """
    name = os.fspath(path)
    if name == "":
        raise DataError("the data path is empty; give the path of a CSV file")
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
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
        return _parse(name, _blocks(fd, name, size is None), size, check_header)
    finally:
        os.close(fd)


def _parse(
    name: str, blocks: Iterator[str], size: int | None, check_header: Callable[[Table], None] | None
) -> Table:
    """The table from ``blocks`` of whole lines, each parsed as it comes (see ``read_table``)."""
    columns: tuple[str, ...] | None = None
    blank_header = False
    parts: list[NDArray[np.float64]] = []
    blank_lines: array[int] = array("q")
    rows = 0
    line0 = 1  # the file line that begins the block
    for block in blocks:
        text = block.replace("\r\n", "\n")
        bad = _CONTROL.search(text)
        if bad:
            n = line0 + text.count("\n", 0, bad.start())
            raise DataError(
                f"{name}, line {n}: control character U+{ord(bad.group()):04X} inside a line; "
                "rows must be separated by newlines only"
            )
        body, first = text, line0
        if columns is None and not blank_header:
            header, _, body = text.partition("\n")
            first = line0 + 1
            blank_header = not header.strip(" \t")
            if not blank_header:
                columns = _columns(name, header)
                if check_header is not None:
                    check_header(Table(name, columns, np.empty((0, len(columns)))))
                if size is not None and size > _CHUNK:  # one read: no more than it holds
                    _require_memory(name, size, len(columns), body)
        line0 += text.count("\n")
        if blank_header:
            if body.strip(" \t\n"):
                raise DataError(
                    f"{name}, line 1: expected a header line with column names, found a blank line"
                )
            continue
        assert columns is not None
        values = _parse_rows(name, body, first, len(columns), blank_lines)
        if values is not None:
            bad_cells = np.argwhere(~np.isfinite(values))
            if bad_cells.size:
                i, j = (int(k) for k in bad_cells[0])
                raise DataError(
                    f"{name}, line {_file_line(blank_lines, rows + i)}, column {j + 1}: value "
                    f"{values[i, j]} is not finite (NaN and infinity are not allowed)"
                )
            parts.append(values)
            rows += len(values)
    if columns is None:
        raise DataError(f"{name}: the file is empty")
    if not rows:
        raise DataError(f"{name}: the file has a header line but no data rows")
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    del parts
    return Table(name, columns, values, blank_lines)


def _columns(name: str, header: str) -> tuple[str, ...]:
    cells = header.split(",")
    if all(_is_number(cell) for cell in cells):
        raise DataError(
            f"{name}, line 1: expected a header line with column names, "
            f"found numbers {clipped(header.strip())}"
        )
    return tuple(cell.strip(" \t") for cell in cells)


def _parse_rows(
    name: str, body: str, first: int, n_cols: int, blank_lines: array[int]
) -> NDArray[np.float64] | None:
    """The rows of ``body`` (whole lines from file line ``first``) as an (k, n_cols) array, or
    None if there are none; the file lines of its blank lines are added to ``blank_lines``."""
    if not _may_have_blank_lines(body):
        return _loadtxt(name, body, body, first, n_cols)
    at, n = 0, first
    for m in _BLANK.finditer(body):
        if m.start() == len(body) and m.group(1) == "":
            break  # the end of the text, not a line
        n += body.count("\n", at, m.start())
        at = m.start()
        blank_lines.append(n)
    return _loadtxt(name, _BLANK.sub("", body), body, first, n_cols)  # blank lines out


def _may_have_blank_lines(body: str) -> bool:
    """False only if no line of ``body`` is empty or only spaces and tabs (a quick test)."""
    return body[:1] in ("", "\n", " ", "\t") or any(s in body for s in ("\n\n", "\n ", "\n\t"))


def _loadtxt(
    name: str, rows: str, body: str, first: int, n_cols: int
) -> NDArray[np.float64] | None:
    """``rows`` (``body`` without its blank lines) parsed, or the first bad line diagnosed."""
    if not rows:
        return None
    try:
        values = np.loadtxt(
            io.StringIO(rows), dtype=np.float64, delimiter=",", ndmin=2, comments=None
        )
    except ValueError:
        values = None
    if values is None or values.shape[1] != n_cols:
        raise _diagnose(name, body, n_cols, first - 1)
    return values


def _require_memory(name: str, size: int, n_cols: int, sample: str) -> None:
    """Refuse a file whose values would not fit in memory, estimated from its size and the
    bytes per row of the first block (twice the values: the blocks, then the whole)."""
    from nn_numpy.io.resources import require_memory  # it imports this module

    lines = max(sample.count("\n"), 1)
    per_row = max(len(sample.encode()) / lines if len(sample) > 1000 else 0, 2 * n_cols)
    need = 2 * 8 * n_cols * int(size / per_row)
    require_memory(need, f"{name}: reading {size} bytes of data")


def _blocks(fd: int, name: str, capped: bool) -> Iterator[str]:
    """The file's text in blocks of whole lines (the last may end without a newline), decoded
    as it is read; a stream is refused once it passes MAX_DATA_BYTES if ``capped``."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    size = newlines = 0
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError as exc:
            raise DataError(f"{name}: cannot read the file ({exc.strerror})") from None
        size += len(chunk)
        if capped and size > MAX_DATA_BYTES:
            raise DataError(_too_large(name) + " (is it a device or an endless stream?)")
        nul = chunk.find(b"\0")
        if nul >= 0:
            line = newlines + chunk.count(b"\n", 0, nul) + 1
            raise DataError(f"{name}, line {line}: NUL byte; this is not a text file")
        try:
            text = pending + decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise DataError(f"{name}: not a UTF-8 text file") from None
        if not chunk:
            if text or size == 0:
                yield text
            return
        newlines += chunk.count(b"\n")
        cut = text.rfind("\n") + 1
        if cut:
            yield text[:cut]
        pending = text[cut:]
        if len(pending) > MAX_DATA_BYTES:  # no newline for that long: one line, held whole
            limit = MAX_DATA_BYTES // 2**20
            raise DataError(f"{name}, line {newlines + 1}: a line of more than {limit} MiB")


def _too_large(name: str) -> str:
    return f"{name}: larger than the {MAX_DATA_BYTES // 2**20} MiB limit for data files"


def _data_lines(text: str, offset: int = 0) -> Iterator[tuple[int, str]]:
    """(1-based file line, text) of every non-blank line after the header, in ``text`` whose
    first line is file line ``offset + 1``."""
    for n, line in enumerate(io.StringIO(text, newline="\n"), start=1):
        if n + offset > 1 and line.strip(" \t\n"):
            yield n + offset, line.rstrip("\n")


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


def _diagnose(name: str, text: str, n_cols: int, offset: int = 0) -> DataError:
    """Find the first malformed row of ``text`` (whose first line is file line ``offset + 1``)
    and describe it by its line and column in the file."""
    for n, line in _data_lines(text, offset):
        cells = line.split(",")
        if len(cells) != n_cols:
            return DataError(
                f"{name}, line {n}: expected {n_cols} comma-separated values (as in the header), "
                f"found {len(cells)}"
            )
        for j, cell in enumerate(cells, start=1):
            if not _is_number(cell):
                return DataError(
                    f"{name}, line {n}, column {j}: {clipped(cell.strip())} is not a number"
                )
    return DataError(f"{name}: cannot parse the file as comma-separated numbers")
