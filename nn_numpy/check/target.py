"""Load TARGET, ``path/to/file.py:function`` or ``package.module:function``, as a callable.

Errors in naming the target are ours to report (``UsageError``, one line). An exception raised
while the user's module runs is theirs: it is re-raised as ``UserImportError`` with the user's
exception as ``__cause__``, so the command can show their own traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from nn_numpy.check.contract import SIGNALS, UsageError
from nn_numpy.errors import UserImportError

FORM = "TARGET must be path/to/file.py:function or package.module:function"


def load_target(target: str) -> Callable[..., Any]:
    """The function TARGET names."""
    source, sep, attr = target.rpartition(":")
    if not sep or not source or not attr:
        raise UsageError(f"{FORM}, got {target!r}")
    is_file = source.endswith(".py") or "/" in source or "\\" in source
    module = _from_file(Path(source)) if is_file else _from_module(source)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise UsageError(f"{source} has no function {attr!r}")
        obj = getattr(obj, part)
    if isinstance(obj, type):  # callable, but calling it builds an instance, not gradients
        raise UsageError(f"{source}:{attr} is a class; TARGET names a function (the adapter)")
    if not callable(obj):
        kind = type(obj).__name__
        raise UsageError(f"{source}:{attr} is {'an' if kind[0] in 'aeiou' else 'a'} {kind}, "
                         "not a function")  # fmt: skip
    return obj  # type: ignore[no-any-return]


def _from_file(path: Path) -> ModuleType:
    if not path.is_file():  # a FIFO is never opened: reading it could wait for ever
        if path.exists():
            raise UsageError(f"{path} is not a regular file (a directory, FIFO or device)")
        raise UsageError(f"no such file: {path}")
    spec = importlib.util.spec_from_file_location(f"_nn_numpy_check_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise UsageError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import would: dataclasses and pickle look it up
    sys.path.insert(0, str(path.resolve().parent))  # so the file can import its neighbours
    try:
        spec.loader.exec_module(module)
    except SIGNALS:
        raise
    except BaseException as exc:
        raise UserImportError(f"importing {path} {raised(exc)}") from exc
    return module


def raised(exc: BaseException) -> str:
    """'raised', or for sys.exit() at import (a script's argparse, say) what to do about it."""
    if isinstance(exc, SystemExit):
        return (f"called sys.exit({exc.code!r}): put the script part of the file under "
                "if __name__ == '__main__':")  # fmt: skip
    return "raised"


def _from_module(name: str) -> ModuleType:
    sys.path.insert(0, str(Path.cwd()))  # as `python -m` would
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise UsageError(f"no module named {name!r} (from {Path.cwd()})") from exc
        raise UserImportError(f"importing {name} raised") from exc
    except SIGNALS:
        raise
    except BaseException as exc:
        raise UserImportError(f"importing {name} {raised(exc)}") from exc
