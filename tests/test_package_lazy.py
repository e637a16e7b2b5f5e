"""Importing the package as a library loads no NumPy and changes no signal handler; its public
names (imported on first use, PEP 562) are the objects their modules define.

Each import is made in a fresh interpreter: in the suite's process the modules are loaded already.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import nn_numpy
import nn_numpy.check

ROOT = Path(__file__).parents[1]
PACKAGES = [nn_numpy, nn_numpy.check]

HANDLERS = """
import signal
def handlers():
    unsettable = (signal.SIGKILL, signal.SIGSTOP)
    return {s: signal.getsignal(s) for s in signal.Signals if s not in unsettable}
"""


def run_python(code: str, tmp_path: Path, name: str = "script.py") -> None:
    """Run ``code`` as the script ``name`` (in ``tmp_path``) in a fresh interpreter; it asserts."""
    script = tmp_path / name
    script.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_importing_the_package_loads_no_numpy(tmp_path):
    run_python(
        "import sys\nimport nn_numpy, nn_numpy.check\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
        "assert nn_numpy.forward and 'numpy' in sys.modules  # loaded on first use\n",
        tmp_path,
    )


# A script named like a program: the package must not guess from sys.argv that it is one.
@pytest.mark.parametrize("name", ["script.py", "nn-numpy-train", "nn-numpy-check"])
def test_importing_the_package_changes_no_signal_handler(name, tmp_path):
    run_python(
        HANDLERS + "before = handlers()\n"
        "import nn_numpy, nn_numpy.check, nn_numpy.train, nn_numpy.predict\n"
        "from nn_numpy import forward, train, Trainer\n"
        "from nn_numpy.check import check_gradients\n"
        "import nn_numpy.cli.train, nn_numpy.cli.predict, nn_numpy.cli.check\n"
        "assert handlers() == before, 'a signal handler changed'\n",
        tmp_path,
        name,
    )


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_public_name_is_the_object_its_module_defines(package):
    for name in package.__all__:
        if name == "__version__":
            continue
        value = getattr(package, name)
        assert getattr(importlib.import_module(value.__module__), name) is value, name
        assert name in dir(package), name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        package.nope  # noqa: B018


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_the_names_the_type_checker_sees_are_exactly_all(package):
    """``if TYPE_CHECKING:`` imports the names for mypy; the same names as ``__all__``."""
    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    (block,) = [
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    ]
    imported = {
        a.asname or a.name for n in block.body if isinstance(n, ast.ImportFrom) for a in n.names
    }
    assert imported == set(package.__all__) - {"__version__"}
