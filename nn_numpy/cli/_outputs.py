"""The files the command-line programs write: checks before the run, writers after it.

Every output goes through ``nn_numpy.io.atomic.atomic_write`` (policy described there). Before
any work, ``check_outputs`` refuses, with one line and exit status 2: an output path that cannot
be written (empty, ending in '/', a directory, in a missing or read-only directory), two outputs
naming the same file, an output naming one of the program's inputs, and a ``--plot`` path that
does not end in ``.png`` (the only format written; a device or FIFO may have any name).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from typing import Any

from nn_numpy.cli._errors import RunError, UsageError
from nn_numpy.io.atomic import atomic_write, output_path_problem

PNG_FLAGS = ("--plot",)


def check_outputs(outputs: Mapping[str, str | None], inputs: Mapping[str, str | None]) -> None:
    """Raise ``UsageError`` unless every output (flag -> path, None if not asked for) can be
    written without clobbering another output or an input."""
    given = {flag: path for flag, path in outputs.items() if path is not None}
    for flag, path in given.items():
        problem = output_path_problem(path)
        if problem:
            raise UsageError(f"{flag}: {problem}")
    flags = list(given)
    for i, flag in enumerate(flags):
        for other in flags[:i]:
            if same_file(given[flag], given[other]):
                raise UsageError(
                    f"{other} and {flag} name the same file ({given[flag]}); "
                    "give each output its own path"
                )
        for in_flag, in_path in inputs.items():
            if in_path is not None and same_file(given[flag], in_path):
                raise UsageError(
                    f"{flag}: {given[flag]} is the {in_flag} input; writing it would overwrite "
                    "the input, give another path"
                )
    for flag, path in given.items():
        if flag in PNG_FLAGS and not path.lower().endswith(".png") and not _is_special(path):
            raise UsageError(f"{flag}: writes a PNG image, so the path must end in .png: {path}")


def same_file(a: str, b: str) -> bool:
    """Do paths ``a`` and ``b`` name one file (through links, ``..`` and hard links)?"""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return os.path.realpath(a) == os.path.realpath(b)


def _is_special(path: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def format_cost(cost: float) -> str:
    """J as printed on the epoch and final-cost lines: six decimals in the normal range (the
    README's output), six significant digits in exponent form from 1e6 up (``:.6f`` of a huge
    finite cost would be hundreds of digits)."""
    return f"{cost:.6f}" if abs(cost) < 1e6 else f"{cost:.6e}"


def write_metrics(path: str, metrics: dict[str, Any]) -> None:
    """Write ``metrics`` to ``path`` as strict JSON (no NaN or Infinity tokens), atomically.

    The text is made before the file is opened, so a value JSON cannot hold writes nothing.
    """
    try:
        text = json.dumps(metrics, indent=2, allow_nan=False) + "\n"
    except ValueError as e:
        raise RunError(f"--metrics-json: not writing {path}: {e}") from None
    with atomic_write(path) as f:
        f.write(text)
