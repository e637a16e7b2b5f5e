"""PyTorch autograd as an oracle for the checker (used only when torch can be imported).

Nothing here imports gradient code from ``nn_numpy``. Parameters come in as plain arrays
(anything indexable as ``params["W1"]``: a dict, or an ``nn_numpy.Params``), are copied into
standard ``torch.nn.Linear`` layers in float64, and everything comes back as NumPy arrays.

The torch model uses torch's own batch-first layout: it sees ``X.T`` (m, n_x), one example
per *row*, and ``nn.Linear`` computes ``x W^T + b``. Its outputs are transposed back to the
derivation's layout (one example per column) only at the end, so agreement with ``nn_numpy``
also checks that ``nn_numpy`` reads the columns of ``X`` as examples (the seed's erratum 1).
``reference/torch_reference.py`` builds the rest of the torch reference on these functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import torch
from numpy.typing import ArrayLike

from nn_numpy.network import PARAM_NAMES, Array


class ParamsLike(Protocol):
    def __getitem__(self, name: str) -> Any: ...


@dataclass(frozen=True)
class AutogradResult:
    """Cost and autograd derivatives, in the derivation's layout (one example per column).

    ``dJ_dZ1`` and ``dJ_dZ2`` are derivatives of the *mean* cost J, so they are 1/m times the
    per-example ``dZ`` of the derivation: compare ``dZ[l]`` with ``m * dJ_dZ[l]``.
    """

    cost: float
    dW1: Array  # (n_h, n_x)
    db1: Array  # (n_h, 1)
    dW2: Array  # (1, n_h)
    db2: Array  # (1, 1)
    dJ_dZ1: Array  # (n_h, m)
    dJ_dZ2: Array  # (1, m)
    Z1: Array  # (n_h, m), forward values, for error scales and masks
    Z2: Array  # (1, m)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread: for these tiny matrices threads only add overhead and noise."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def as_tensor(a: ArrayLike) -> torch.Tensor:
    return torch.tensor(np.array(a, dtype=np.float64), dtype=torch.float64)


def torch_model(params: ParamsLike) -> torch.nn.Sequential:
    """Linear(n_x, n_h) -> ReLU -> Linear(n_h, 1), float64, weights copied from ``params``."""
    W1, b1, W2, b2 = (as_tensor(params[name]) for name in PARAM_NAMES)
    n_h, n_x = W1.shape
    linear1 = torch.nn.Linear(n_x, n_h, dtype=torch.float64)
    linear2 = torch.nn.Linear(n_h, 1, dtype=torch.float64)
    with torch.no_grad():
        linear1.weight.copy_(W1)  # nn.Linear stores weight as (out, in): same as W[1]
        linear1.bias.copy_(b1.reshape(-1))
        linear2.weight.copy_(W2)
        linear2.bias.copy_(b2.reshape(-1))
    return torch.nn.Sequential(linear1, torch.nn.ReLU(), linear2)


def autograd_gradients(params: ParamsLike, X: ArrayLike, Y: ArrayLike) -> AutogradResult:
    """J = mean BCE-with-logits(Z2, Y) and its autograd derivatives w.r.t. W1, b1, W2, b2, Z1, Z2.

    ``X`` is (n_x, m) and ``Y`` is (1, m), as in the derivation.
    """
    model = torch_model(params)
    Xt, Yt = as_tensor(X).T, as_tensor(Y).T  # torch layout: (m, n_x) and (m, 1)
    with one_thread():
        linear1, relu, linear2 = list(model)
        Z1 = linear1(Xt)
        Z1.retain_grad()
        Z2 = linear2(relu(Z1))
        Z2.retain_grad()
        J = torch.nn.functional.binary_cross_entropy_with_logits(Z2, Yt, reduction="mean")
        J.backward()
    assert Z1.grad is not None and Z2.grad is not None
    grads = {}
    for name, p in zip(PARAM_NAMES, model.parameters(), strict=True):
        assert p.grad is not None
        grads[name] = p.grad.numpy()
    return AutogradResult(
        cost=float(J.item()),
        dW1=grads["W1"].copy(),
        db1=grads["b1"].reshape(-1, 1).copy(),
        dW2=grads["W2"].copy(),
        db2=grads["b2"].reshape(1, 1).copy(),
        dJ_dZ1=Z1.grad.numpy().T.copy(),
        dJ_dZ2=Z2.grad.numpy().T.copy(),
        Z1=Z1.detach().numpy().T.copy(),
        Z2=Z2.detach().numpy().T.copy(),
    )
