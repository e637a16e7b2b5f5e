"""How the command-line programs fail: one line on standard error and an exit status."""

from __future__ import annotations

import sys


class UsageError(Exception):
    """Bad arguments or data: reported as ``PROG: error: <message>`` with exit status 2."""


def fail(prog: str, message: str, status: int) -> int:
    """Print ``prog: error: message`` on standard error and return ``status``."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return status
