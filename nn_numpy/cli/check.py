"""``nn-numpy-check TARGET``: check a backprop implementation against the verified network.

Exit status: 0 every quantity agrees, 1 some formula disagrees (or, never expected, our own
oracles disagree), or the report could not be written (one line naming the path or standard
output); 2 the check could not run (TARGET not found, the function raised -- its own traceback
is shown -- its result breaks the contract, or ``--json`` names a path that cannot be written or
a file the run read code or data from; one line on stderr for ours), 130 on Ctrl-C, 143 on SIGTERM,
128 + n on another signal n (``nn_numpy.cli._errors.run_cli``, which also writes ``--json``
under ``nn_numpy.io.atomic``'s policy).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

from nn_numpy.check.api import check_gradients
from nn_numpy.check.contract import CONTRACT, UserCodeError
from nn_numpy.check.deep import check_network
from nn_numpy.check.deep_cases import DEPTHS
from nn_numpy.check.oracles import OracleDisagreement
from nn_numpy.check.report import CheckReport
from nn_numpy.check.target import UserImportError, load_target
from nn_numpy.cli._errors import ArgumentParser, fail, printable, run_cli
from nn_numpy.cli._outputs import check_outputs
from nn_numpy.io.atomic import atomic_write
from nn_numpy.records import ACTIVATIONS

PROG = "nn-numpy-check"
DEFAULT_TIMEOUT = 30.0  # per call: correct code takes milliseconds, a slow loop a second
MAX_DEPTH = 8  # hidden layers: the cases' widths cycle, a check stays about a second
HERE = str(Path(__file__).resolve().parents[1])  # the nn_numpy package: our frames


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Check your backpropagation: which boxed formula is wrong, and how.",
        epilog=f"The function is called as f(W1, b1, W2, b2, X, Y) with X (n_x, m), one example "
        f"per column, and returns a dict or object ({CONTRACT}); with --contract params it is "
        "called as f(params, X, Y) at any depth and returns dW1, db1, ..., dWL, dbL (optional "
        "dZ1..dZL, dA0..dA(L-1), J). Exit status: 0 all agree, "
        "1 some formula disagrees, 2 usage error.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="path/to/file.py:function or package.module:function")  # fmt: skip
    parser.add_argument(
        "--contract",
        choices=("six", "params"),
        default="six",
        help="six: f(W1, b1, W2, b2, X, Y), one hidden layer (the default); params: "
        "f(params, X, Y) with params {W1, b1, ..., WL, bL}, checked at 1, 2 and 4 hidden layers",
    )
    parser.add_argument(
        "--depth",
        metavar="N",
        type=_positive,
        help="the number of hidden layers the code is written for (implies --contract params)",
    )
    parser.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="the hidden layers' activation (default relu); the output is always sigmoid",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds each call of the function may take (default {DEFAULT_TIMEOUT:g}; 0: no "
        "limit); longer is exit status 2, naming the case",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the result as JSON here")
    parser.add_argument(
        "--gradescope",
        metavar="PATH",
        help="also write Gradescope's results.json here: one test per quantity and layer",
    )
    parser.add_argument(
        "--no-torch",
        action="store_true",
        help="do not use torch autograd as an oracle even if it is installed",
    )
    return parser


@contextlib.contextmanager
def _labelled_warnings() -> Iterator[None]:
    """Warnings raised while the check runs are the user's code's (ours raise none for the
    cases' finite inputs): each is shown once, labelled with its place in their code."""
    shown: list[tuple[str, type[Warning]]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            seen = set()
            for w in caught:
                key = (str(w.message), w.category, w.filename, w.lineno)
                if key not in seen:
                    seen.add(key)
                    text = f"from your code ({Path(w.filename).name}:{w.lineno}): "
                    shown.append((f"{text}{w.category.__name__}: {w.message}", w.category))
    with warnings.catch_warnings():  # shown, as the run shows warnings: never raised
        warnings.simplefilter("always")
        for text, category in shown:
            warnings.warn(text, category, stacklevel=1)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_DEPTH:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_DEPTH}, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 1e6:  # nan fails too
        raise argparse.ArgumentTypeError(f"must be 0 to 1e6 seconds, got {text}")
    return value


def _check(fn: object, args: argparse.Namespace) -> CheckReport:
    """The check the flags ask for."""
    name, use_torch = printable(args.target), not args.no_torch
    timeout = args.timeout or None
    assert callable(fn)
    if args.depth is not None or args.contract == "params":
        depths = DEPTHS if args.depth is None else (args.depth,)
        return check_network(
            fn,
            depths=depths,
            activation=args.activation,
            use_torch=use_torch,
            name=name,
            timeout=timeout,
        )
    return check_gradients(fn, activation=args.activation, use_torch=use_torch, name=name,
                           timeout=timeout)  # fmt: skip


def _user_traceback(exc: BaseException) -> str:
    """The user's exception with our own frames left out (their code is what they can fix)."""
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith((HERE, "<frozen")):
            frames.append(tb)
        tb = tb.tb_next
    if not frames:  # raised by the call itself, e.g. a TypeError for the wrong arguments
        return "".join(traceback.format_exception_only(type(exc), exc))
    return "".join(traceback.format_exception(type(exc), exc, frames[0]))


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
    return run_cli(PROG, lambda: _run(args), ())


def _run(args: argparse.Namespace) -> int:
    gradescope_path = None
    try:
        # The user's code sees no arguments (a script's argparse at import would parse ours) and
        # prints to stderr (stdout is the report).
        # Paths are made absolute first: the user's code may change the working directory.
        source = args.target.rpartition(":")[0]
        source = os.path.abspath(source) if os.path.isfile(source) else None
        check_outputs({"--json": args.json, "--gradescope": args.gradescope}, {"TARGET": source})
        outputs = {
            flag: None if path is None else os.path.abspath(path)
            for flag, path in (("--json", args.json), ("--gradescope", args.gradescope))
        }
        json_path, gradescope_path = outputs["--json"], outputs["--gradescope"]
        with _argv([args.target.rpartition(":")[0]]), contextlib.redirect_stdout(sys.stderr):
            before = set(sys.modules)
            with _files_opened() as opened:
                fn = load_target(args.target)
                check_outputs(outputs, _inputs(source, fn, before, opened))
                with _labelled_warnings():
                    report = _check(fn, args)
            # the user's code may import or open more while it runs: those files are inputs too
            check_outputs(outputs, _inputs(source, fn, before, opened))
    except (UserCodeError, UserImportError) as exc:
        assert exc.__cause__ is not None
        shown = _user_traceback(exc.__cause__)
        sys.stderr.write(shown)
        if gradescope_path is not None:  # an autograder still gets its file: score 0, the error
            with atomic_write(gradescope_path) as f:
                result = {"score": 0, "output": f"{exc}\n\n{shown}", "tests": []}
                f.write(json.dumps(result, indent=2) + "\n")
        return fail(PROG, f"{exc} (its traceback is above)", 2)
    except OracleDisagreement as exc:  # our bug, not the user's: say so, exit as a failed run
        print(f"{PROG}: internal error, please report it: {exc}", file=sys.stderr)
        return 1
    print(report, flush=True)  # best effort: a reader that goes away (`| head`) is fine
    if json_path is not None:
        with atomic_write(json_path) as f:
            f.write(report.to_json())
    if gradescope_path is not None:
        with atomic_write(gradescope_path) as f:
            f.write(json.dumps(report.as_gradescope(), indent=2) + "\n")
    return 0 if report.ok else 1


def _inputs(
    source: str | None, fn: object, before: set[str], opened: dict[str, None]
) -> dict[str, str | None]:
    """Every file the run read code or data from, which ``--json`` must not overwrite: TARGET's
    file as named (``source``), the file defining ``fn`` (or its class, for a callable
    instance), the file of every module imported since ``before`` (a snapshot of
    ``sys.modules``), and every regular file ``opened`` while the check ran (the user's own
    data files, say)."""
    inputs = {"TARGET": source}
    inputs["TARGET (defining file)"] = _source_file(fn) or _source_file(type(fn))
    for name in sorted(set(sys.modules) - before):
        file = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(file, str):
            inputs[f"TARGET (imported module {name})"] = file
    for path in list(opened):
        if os.path.isfile(path):  # not a device (/dev/null) nor a directory
            inputs[f"TARGET (a file opened by the run: {path})"] = path
    return inputs


_RECORDERS: list[dict[str, None]] = []  # the paths opened while each check runs, in order


def _record_open(event: str, args: tuple[object, ...]) -> None:
    """An audit hook: add the path of every file opened (``open``, ``os.open``, imports) to the
    recording checks. It must never raise: that would make the user's ``open`` fail."""
    if event != "open" or not _RECORDERS or not isinstance(args[0], str | bytes | os.PathLike):
        return
    try:
        path = os.path.abspath(os.fsdecode(args[0]))  # relative to the directory at the time
    except Exception:  # a path that cannot be named (a NUL byte): open refuses it anyway
        return
    for opened in _RECORDERS:
        opened[path] = None


@contextlib.contextmanager
def _files_opened() -> Iterator[dict[str, None]]:
    """The absolute paths of the files opened in this process inside the ``with``, in order.

    An audit hook cannot be removed, so one is added once per process and records only while a
    check runs."""
    if not _HOOKED:
        sys.addaudithook(_record_open)
        _HOOKED.append(True)
    opened: dict[str, None] = {}
    _RECORDERS.append(opened)
    try:
        yield opened
    finally:
        _RECORDERS[:] = [r for r in _RECORDERS if r is not opened]  # by identity, not ==


_HOOKED: list[bool] = []


def _source_file(fn: object) -> str | None:
    """The file defining ``fn``, if there is one."""
    try:
        return inspect.getsourcefile(fn)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return None


if __name__ == "__main__":
    sys.exit(main())
