"""``python -m nn_numpy.cli.datasets [--out-dir data]``: regenerate the shipped datasets.

The generator is ``nn_numpy.io.datasets``; this is only its command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from nn_numpy.io.datasets import write_datasets


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the shipped datasets."""
    parser = argparse.ArgumentParser(
        prog="python -m nn_numpy.cli.datasets", description="Regenerate the shipped CSV datasets."
    )
    parser.add_argument(
        "--out-dir", default="data", help="directory to write to, made if missing (default: data)"
    )
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        parser.error(f"--out-dir: {out} is not a directory")
    try:
        paths = write_datasets(out)
    except OSError as exc:
        parser.error(f"--out-dir: cannot write to {out} ({exc.strerror})")
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
