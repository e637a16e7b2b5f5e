"""The files the command-line programs write: checks before the run, writers after it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nn_numpy._io import atomic_write
from nn_numpy.cli._errors import UsageError


def check_output_path(flag: str, path: str) -> None:
    """Fail before training if ``path`` cannot be written: its directory must exist."""
    target = Path(path)
    parent = target.parent
    if target.is_dir():
        raise UsageError(f"{flag}: {path} is a directory")
    if not parent.is_dir():
        raise UsageError(f"{flag}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{flag}: directory {parent} is not writable")


def write_metrics(path: str, metrics: dict[str, Any]) -> None:
    """Write ``metrics`` to ``path`` as indented JSON, atomically."""
    with atomic_write(path) as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
