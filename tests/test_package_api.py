"""The public contract: names importable from ``nn_numpy``, record fields, shapes and dtypes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import nn_numpy
from nn_numpy import (
    Params,
    Trainer,
    backward,
    compute_cost,
    forward,
    init_params,
    predict,
    predict_proba,
    train,
    update_params,
)

N_X, N_H, M = 3, 4, 5


@pytest.fixture
def setup() -> tuple[Params, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_X, M))
    Y = (rng.random((1, M)) < 0.5).astype(np.float64)
    return init_params(N_X, N_H, seed=0), X, Y


def test_public_names_are_exported() -> None:
    for name in (
        "Params", "init_params", "forward", "compute_cost", "backward",
        "update_params", "predict_proba", "predict", "train", "Trainer",
    ):  # fmt: skip
        assert name in nn_numpy.__all__, name
        assert callable(getattr(nn_numpy, name)), name
    assert isinstance(nn_numpy.__version__, str)


def test_importing_the_command_line_programs_keeps_train_and_predict_functions() -> None:
    import nn_numpy.cli.predict
    import nn_numpy.cli.train

    assert nn_numpy.train is nn_numpy.network.train
    assert nn_numpy.predict is nn_numpy.network.predict


# In a fresh interpreter: a module imported earlier in the suite would hide the shadowing.
IMPORT_THE_RUNNERS = """
import nn_numpy, nn_numpy.train, nn_numpy.predict
assert callable(nn_numpy.train) and nn_numpy.train is nn_numpy.network.train, nn_numpy.train
assert callable(nn_numpy.predict) and nn_numpy.predict is nn_numpy.network.predict
"""

WALK_THE_PACKAGE = """
import importlib, pkgutil, nn_numpy
for info in pkgutil.walk_packages(nn_numpy.__path__, "nn_numpy."):
    try:
        importlib.import_module(info.name)
    except ModuleNotFoundError as exc:  # an optional dependency (torch, numba) is not installed
        if exc.name not in ("torch", "numba", "llvmlite"):
            raise
assert callable(nn_numpy.train) and callable(nn_numpy.predict), (nn_numpy.train, nn_numpy.predict)
"""


@pytest.mark.parametrize("program", [IMPORT_THE_RUNNERS, WALK_THE_PACKAGE], ids=["import", "walk"])
def test_importing_the_runner_modules_leaves_train_and_predict_the_functions(program: str) -> None:
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("runner", ["nn_numpy.train", "nn_numpy.predict"])
def test_python_m_runs_the_program_without_a_runpy_warning(runner: str) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", runner, "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: nn-numpy-{runner.rpartition('.')[2]} ")
    assert done.stderr == ""


def test_params_is_built_by_keyword_and_read_by_name() -> None:
    W1, b1, W2, b2 = np.ones((N_H, N_X)), np.zeros((N_H, 1)), np.ones((1, N_H)), np.zeros((1, 1))
    p = Params(W1=W1, b1=b1, W2=W2, b2=b2)
    assert p.W1 is W1 and p["b1"] is b1 and p.W2 is W2 and p["b2"] is b2
    assert list(p.as_dict()) == ["W1", "b1", "W2", "b2"]


def test_init_params_shapes_and_float64_default(
    setup: tuple[Params, np.ndarray, np.ndarray],
) -> None:
    p, _, _ = setup
    shapes = {"W1": (N_H, N_X), "b1": (N_H, 1), "W2": (1, N_H), "b2": (1, 1)}
    for name, shape in shapes.items():
        assert p[name].shape == shape, name
        assert p[name].dtype == np.float64, name


def test_cache_has_Z1_A1_Z2_A2(setup: tuple[Params, np.ndarray, np.ndarray]) -> None:
    p, X, _ = setup
    cache = forward(p, X)
    for name, shape in {"Z1": (N_H, M), "A1": (N_H, M), "Z2": (1, M), "A2": (1, M)}.items():
        assert getattr(cache, name).shape == shape, name
        assert cache[name].dtype == np.float64, name


def test_grads_have_per_example_and_parameter_shapes(
    setup: tuple[Params, np.ndarray, np.ndarray],
) -> None:
    p, X, Y = setup
    g = backward(p, forward(p, X), X, Y)
    shapes = {
        "dZ2": (1, M),
        "dZ1": (N_H, M),
        "dW1": p.W1.shape,
        "db1": p.b1.shape,
        "dW2": p.W2.shape,
        "db2": p.b2.shape,
    }
    for name, shape in shapes.items():
        assert getattr(g, name).shape == shape, name
        assert g[name].dtype == np.float64, name


def test_cost_prediction_update_and_train_signatures(
    setup: tuple[Params, np.ndarray, np.ndarray],
) -> None:
    p, X, Y = setup
    assert isinstance(compute_cost(forward(p, X), Y), float)
    assert predict_proba(p, X).shape == (1, M)
    assert set(np.unique(predict(p, X))) <= {0, 1}
    new = update_params(p, backward(p, forward(p, X), X, Y), learning_rate=0.1)
    assert isinstance(new, Params)
    trained, costs = train(X, Y, p, learning_rate=0.1, epochs=3)
    assert isinstance(trained, Params) and len(costs) == 3
    assert all(isinstance(c, float) for c in costs)


def test_trainer_interface(setup: tuple[Params, np.ndarray, np.ndarray]) -> None:
    """Trainer(X, Y, params, learning_rate); cost(), step(), params (a Params copy)."""
    p, X, Y = setup
    trainer = Trainer(X, Y, p, learning_rate=0.1)
    assert trainer.cost() == pytest.approx(compute_cost(forward(p, X), Y), rel=1e-12)
    trainer.step()
    stepped = update_params(p, backward(p, forward(p, X), X, Y), learning_rate=0.1)
    current = trainer.params
    assert isinstance(current, Params)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(current[name], stepped[name], rtol=1e-12, atol=1e-15)
        assert current[name].dtype == np.float64


def test_every_exception_is_an_nn_numpy_error_and_keeps_its_builtin_base() -> None:
    from nn_numpy import errors

    builtin = {
        "DataError": ValueError, "ResourceError": ValueError, "ModelFileError": ValueError,
        "PredictionError": ValueError, "KinkError": ValueError, "WriteError": OSError,
        "NumbaUnavailableError": ImportError, "PlotUnavailableError": RuntimeError,
        "OracleDisagreement": AssertionError,
    }  # fmt: skip
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.NNNumpyError), name
        assert issubclass(cls, builtin.get(name, Exception)), name
    assert issubclass(errors.ResourceError, errors.DataError)


def test_the_old_import_paths_name_the_same_exception_classes() -> None:
    from nn_numpy import check, errors
    from nn_numpy.check import contract, finite_differences, oracles, target
    from nn_numpy.cli import _errors
    from nn_numpy.io import _npz, atomic, data, model_io, reader, resources
    from nn_numpy.training import fast_trainer

    assert check.UsageError is contract.UsageError is _errors.UsageError is errors.UsageError
    assert reader.DataError is data.DataError is errors.DataError is nn_numpy.DataError
    assert _npz.ModelFileError is model_io.ModelFileError is errors.ModelFileError
    assert resources.ResourceError is errors.ResourceError
    assert atomic.WriteError is errors.WriteError and _errors.RunError is errors.RunError
    assert model_io.PredictionError is errors.PredictionError
    assert finite_differences.KinkError is errors.KinkError
    assert oracles.OracleDisagreement is errors.OracleDisagreement
    assert target.UserImportError is errors.UserImportError
    assert check.UserCodeError is errors.UserCodeError
    assert fast_trainer.NumbaUnavailableError is errors.NumbaUnavailableError
    assert nn_numpy.NNNumpyError is errors.NNNumpyError


def test_only_the_command_line_programs_parse_arguments() -> None:
    from pathlib import Path

    package = Path(nn_numpy.__file__).parent
    parsing = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "import argparse" in path.read_text(encoding="utf-8")
    }
    assert parsing and all(name.startswith("cli/") for name in parsing), sorted(parsing)
