"""``nn-numpy-check TARGET``: check a backprop implementation against the verified network.

Exit status: 0 every quantity agrees, 1 some formula disagrees (or, never expected, our own
oracles disagree), 2 the check could not run (TARGET not found, the function raised -- its own
traceback is shown -- or its result breaks the contract; one line on stderr for ours), 130 on
Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

from nn_numpy._io import atomic_write
from nn_numpy.check.api import check_gradients
from nn_numpy.check.contract import CONTRACT, UsageError, UserCodeError
from nn_numpy.check.oracles import OracleDisagreement
from nn_numpy.check.target import UserImportError, load_target
from nn_numpy.cli._errors import fail

PROG = "nn-numpy-check"
HERE = str(Path(__file__).resolve().parent)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check your backpropagation: which boxed formula is wrong, and how.",
        epilog=f"The function is called as f(W1, b1, W2, b2, X, Y) with X (n_x, m), one example "
        f"per column, and returns a dict or object ({CONTRACT}). Exit status: 0 all agree, "
        "1 some formula disagrees, 2 usage error.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="path/to/file.py:function or package.module:function")  # fmt: skip
    parser.add_argument("--json", metavar="PATH", help="also write the result as JSON here")
    parser.add_argument(
        "--no-torch",
        action="store_true",
        help="do not use torch autograd as an oracle even if it is installed",
    )
    return parser


def _print_user_traceback(exc: BaseException) -> None:
    """The user's exception with our own frames left out (their code is what they can fix)."""
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith((HERE, "<frozen")):
            frames.append(tb)
        tb = tb.tb_next
    if not frames:  # raised by the call itself, e.g. a TypeError for the wrong arguments
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        return
    sys.stderr.write("".join(traceback.format_exception(type(exc), exc, frames[0])))


@contextlib.contextmanager
def _argv(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check and print the report; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        # The user's code sees no arguments (a script's argparse at import would parse ours) and
        # prints to stderr (stdout is the report).
        with _argv([args.target.rpartition(":")[0]]), contextlib.redirect_stdout(sys.stderr):
            fn = load_target(args.target)
            report = check_gradients(fn, use_torch=not args.no_torch, name=args.target)
    except UsageError as exc:
        return fail(PROG, str(exc), 2)
    except (UserCodeError, UserImportError) as exc:
        assert exc.__cause__ is not None
        _print_user_traceback(exc.__cause__)
        return fail(PROG, f"{exc} (its traceback is above)", 2)
    except OracleDisagreement as exc:  # our bug, not the user's: say so, exit as a failed run
        print(f"{PROG}: internal error, please report it: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        print(report, flush=True)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if args.json:
        try:
            with atomic_write(args.json) as f:
                f.write(report.to_json())
        except OSError as exc:
            return fail(PROG, f"cannot write --json {args.json} ({exc.strerror})", 2)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
