"""The same network in PyTorch, differentiated by autograd: what every formula is checked against.

The model and ``autograd_gradients`` live in ``nn_numpy/check/autograd.py`` (the checker uses
them when torch is installed; that docstring says how the model is built and why its layout
checks ours). Here: per-example gradients, torch SGD training, torch predictions, and the
derivatives of sigma and of L(a, y) by autograd. Nothing here imports gradient code from
``nn_numpy``.
"""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray

from nn_numpy.check.autograd import (
    AutogradResult,
    ParamsLike,
    as_tensor,
    autograd_gradients,
    one_thread,
    torch_model,
)
from nn_numpy.network import Array

__all__ = ["AutogradResult", "autograd_gradients"]  # re-exported: the tests import them from here


def _numpy_params(model: torch.nn.Sequential) -> dict[str, Array]:
    """W{l}, b{l} of every ``nn.Linear`` of ``model`` (layer l is ``model[2 (l - 1)]``)."""
    arrays = {}
    for l, linear in enumerate(model[::2], start=1):
        arrays[f"W{l}"] = linear.weight.detach().numpy().copy()
        arrays[f"b{l}"] = linear.bias.detach().numpy().reshape(-1, 1).copy()
    return arrays


def _cost(model: torch.nn.Sequential, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.binary_cross_entropy_with_logits(model(X), Y, reduction="mean")


def per_example_weight_gradients(
    params: ParamsLike, X: ArrayLike, Y: ArrayLike
) -> list[dict[str, Array]]:
    """For each example i alone: autograd dL(i)/dW[l] for every l (one backward pass each)."""
    X_arr, Y_arr = np.asarray(X), np.asarray(Y)  # sliced per example; as_tensor makes float64
    out = []
    for i in range(X_arr.shape[1]):
        model = torch_model(params)
        _cost(model, as_tensor(X_arr[:, i : i + 1]).T, as_tensor(Y_arr[:, i : i + 1]).T).backward()
        linears = model[::2]
        out.append({f"W{l}": lin.weight.grad.numpy().copy() for l, lin in enumerate(linears, 1)})
    return out


def train_sgd(
    params: ParamsLike,
    X: ArrayLike,
    Y: ArrayLike,
    learning_rate: float,
    epochs: int,
) -> dict[str, Array]:
    """``epochs`` full-batch steps of torch.optim.SGD (no momentum): the final parameters."""
    return train_sgd_trajectory(params, X, Y, learning_rate, epochs)[0]


def train_sgd_trajectory(
    params: ParamsLike,
    X: ArrayLike,
    Y: ArrayLike,
    learning_rate: float,
    epochs: int,
) -> tuple[dict[str, Array], list[float]]:
    """torch.optim.SGD from ``params`` (any depth and activation): final parameters, and J
    before each step (``epochs`` values, as ``nn_numpy.train`` records them)."""
    model = torch_model(params)
    Xt, Yt = as_tensor(X).T, as_tensor(Y).T
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.0)
    costs = []
    with one_thread():
        for _ in range(epochs):
            optimizer.zero_grad()
            J = _cost(model, Xt, Yt)
            J.backward()
            optimizer.step()
            costs.append(float(J.item()))
    return _numpy_params(model), costs


def predict(params: ParamsLike, X: ArrayLike) -> NDArray[np.int64]:
    """Labels from the torch model: 1 where sigmoid(Z[L]) >= 0.5, shape (1, m)."""
    with torch.no_grad():
        proba = torch.sigmoid(torch_model(params)(as_tensor(X).T)).numpy().T
    return (proba >= 0.5).astype(np.int64)


def sigmoid_derivative(z: ArrayLike) -> Array:
    """d sigma(z) / dz by autograd of ``torch.sigmoid``, elementwise."""
    zt = as_tensor(z).requires_grad_()
    torch.sigmoid(zt).sum().backward()
    assert zt.grad is not None
    return zt.grad.numpy().copy()


def loss_derivative_wrt_output(a: ArrayLike, y: ArrayLike) -> Array:
    """dL/da by autograd of the seed's L(a, y) = -(y log a + (1 - y) log(1 - a)), elementwise."""
    at = as_tensor(a).requires_grad_()
    yt = as_tensor(y)
    (-(yt * torch.log(at) + (1 - yt) * torch.log1p(-at))).sum().backward()
    assert at.grad is not None
    return at.grad.numpy().copy()
