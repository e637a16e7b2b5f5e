"""The torch gate, the hypothesis profile, and the fixtures several test files share.

Torch-reference tests either take the ``torch_ref`` fixture (the ``reference.torch_reference``
module) or carry the ``torch`` marker; the fixture marks its users automatically.

* torch importable: they run.
* torch missing or broken: they are skipped, with the import error as the reason.
* ``NN_NUMPY_REQUIRE_TORCH=1``: a missing or broken torch stops the run before any test
  (usage error, exit 4), and a torch test that skips for any reason is reported as a failure,
  so the reference checks can never pass by not running. (xfail is not a skip.)

Hypothesis runs derandomized (``nn-numpy`` profile: the same examples on every run and in CI);
``HYPOTHESIS_PROFILE=explore`` draws fresh examples for local bug hunting.

Shared fixtures: ``user_dir`` (nn-numpy-check's target in the current directory),
``model_file`` (a saved model), ``model_file_v2`` (the same in format 2), and ``data`` and
``model`` (the output-path tests' data file and model); shared plain helpers are in
``tests/helpers.py`` and its topic modules ``tests/helpers_*.py``.
"""

from __future__ import annotations

import functools
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import settings

from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import save_model
from nn_numpy.network import init_params
from tests.helpers import BASIC, XY_LABEL
from tests.helpers_check import GOOD
from tests.helpers_models import COLUMNS, as_format_2, trained_model

REQUIRE_TORCH = os.environ.get("NN_NUMPY_REQUIRE_TORCH", "") not in ("", "0")

settings.register_profile(
    "nn-numpy", derandomize=True, deadline=None, database=None, print_blob=True
)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "nn-numpy"))


@functools.cache
def torch_import_error() -> str | None:
    """Why ``import torch`` fails (one line), or None if it works."""
    try:
        importlib.import_module("torch")
    except Exception as exc:  # a broken install raises more than ImportError
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "torch: compares against the PyTorch autograd reference; skipped without torch, "
        "an error when NN_NUMPY_REQUIRE_TORCH=1",
    )
    if REQUIRE_TORCH and (error := torch_import_error()):
        raise pytest.UsageError(f"NN_NUMPY_REQUIRE_TORCH=1 but torch cannot be imported ({error})")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "torch_ref" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch)
    torch_items = [item for item in items if item.get_closest_marker("torch")]
    if torch_items and not REQUIRE_TORCH and (error := torch_import_error()):
        skip = pytest.mark.skip(reason=f"torch not available ({error})")
        for item in torch_items:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if (
        REQUIRE_TORCH
        and report.skipped
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("torch")
    ):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"NN_NUMPY_REQUIRE_TORCH=1: torch tests may not skip ({reason})"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if REQUIRE_TORCH and report.skipped and "torch" in str(report.longrepr).lower():
        report.outcome = "failed"
        report.longrepr = f"NN_NUMPY_REQUIRE_TORCH=1: torch tests may not skip ({report.longrepr})"


@pytest.fixture(scope="session")
def torch_ref() -> ModuleType:
    """``reference.torch_reference``: the network in PyTorch, differentiated by autograd."""
    if error := torch_import_error():
        pytest.skip(f"torch not available ({error})")
    return importlib.import_module("reference.torch_reference")


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory, holding ``my_nn.py`` (``GOOD``: a correct implementation)."""
    (tmp_path / "my_nn.py").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    """A saved float64 model of ``trained_model``, with the columns ``COLUMNS``."""
    params, standardizer, _ = trained_model(np.float64)
    path = tmp_path / "model.npz"
    save_model(path, params, standardizer, np.float64, COLUMNS)
    return path


@pytest.fixture
def model_file_v2(model_file: Path) -> Path:
    """``model_file`` in format 2's layout (one ReLU layer of ``hidden_size`` units)."""
    as_format_2(model_file)
    return model_file


@pytest.fixture
def split_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let small problems use several numba threads, so the parallel kernel is tested on them."""
    from nn_numpy.training import fast_trainer

    monkeypatch.setattr(fast_trainer, "MIN_EXAMPLES_PER_THREAD", 1)


# The output-path tests' (tests/test_output_paths_*.py) data file and model to predict with.


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the basic dataset, so a test can prove it was not overwritten."""
    return Path(shutil.copy(BASIC, tmp_path / "data.csv"))


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    save_model(path, init_params(2, 3, 0), Standardizer.identity(2), np.float64, XY_LABEL)
    return path
