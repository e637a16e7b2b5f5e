"""PyTorch autograd as an oracle for the checker (used only when torch can be imported).

Nothing here imports gradient code from ``nn_numpy``. Parameters come in as plain arrays
(anything indexable as ``params["W1"]``: a dict, or an ``nn_numpy.Params``), are copied into
standard ``torch.nn.Linear`` layers in float64, and everything comes back as NumPy arrays.
The network has any number L of layers with weights (``W1, b1, ..., WL, bL``) and the hidden
activation ``params.activation`` (ReLU for a plain dict), ``torch.nn.ReLU``/``Tanh``/``Sigmoid``.

The torch model uses torch's own batch-first layout: it sees ``X.T`` (m, n_x), one example
per *row*, and ``nn.Linear`` computes ``x W^T + b``. Its outputs are transposed back to the
derivation's layout (one example per column) only at the end, so agreement with ``nn_numpy``
also checks that ``nn_numpy`` reads the columns of ``X`` as examples (the seed's erratum 1).
``reference/torch_reference.py`` builds the rest of the torch reference on these functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import torch
from numpy.typing import ArrayLike

from nn_numpy.network import Array

TORCH_ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


class ParamsLike(Protocol):
    def __getitem__(self, name: str) -> Any: ...


@dataclass(frozen=True)
class AutogradResult:
    """Cost and autograd derivatives, in the derivation's layout (one example per column).

    ``arrays`` holds, for l = 1..L: ``dW{l}``, ``db{l}``, ``dJ_dZ{l}`` and the forward ``Z{l}``;
    for hidden layers l < L also ``dJ_dA{l}``, ``A{l}`` and ``g'{l}`` = g'(Z[l]) by autograd of
    the activation module. Each is read as ``result.dW1`` too. ``dJ_dZ{l}`` and ``dJ_dA{l}`` are
    derivatives of the *mean* cost J, so 1/m times the per-example ``dZ``/``dA`` of the
    derivation: compare ``dZ[l]`` with ``m * dJ_dZ[l]``.
    """

    cost: float
    L: int
    arrays: dict[str, Array] = field(repr=False)

    def __getattr__(self, name: str) -> Array:
        if name.startswith("_") or name == "arrays":  # copy/pickle probe before __init__ ran
            raise AttributeError(name)
        try:
            return self.arrays[name]
        except KeyError:
            raise AttributeError(f"AutogradResult has no {name!r}") from None


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


def layer_count(params: ParamsLike) -> int:
    """L: the number of ``W{l}`` in ``params``, counted from W1 up (no gradient code involved)."""
    L = 0
    while True:
        try:
            params[f"W{L + 1}"]
        except (KeyError, AttributeError):
            return L
        L += 1


def torch_model(params: ParamsLike, activation: str | None = None) -> torch.nn.Sequential:
    """Linear(n_0, n_1) -> g -> ... -> g -> Linear(n_{L-1}, 1), float64, weights from ``params``.

    ``model[2 (l - 1)]`` is layer l's ``nn.Linear``; g is ``activation``, by default
    ``params.activation`` (``"relu"`` if ``params`` has none).
    """
    g = activation if activation else str(getattr(params, "activation", "relu"))
    modules: list[torch.nn.Module] = []
    for l in range(1, layer_count(params) + 1):
        W, b = as_tensor(params[f"W{l}"]), as_tensor(params[f"b{l}"])
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(W)  # nn.Linear stores weight as (out, in): same as W[l]
            linear.bias.copy_(b.reshape(-1))
        modules += [linear, TORCH_ACTIVATIONS[g]()]
    return torch.nn.Sequential(*modules[:-1])  # no hidden activation after the output logit


def _numpy(t: torch.Tensor) -> Array:
    """A tensor (m, n) back in the derivation's layout (n, m), as a fresh array."""
    return t.detach().numpy().T.copy()


def autograd_gradients(
    params: ParamsLike, X: ArrayLike, Y: ArrayLike, activation: str | None = None
) -> AutogradResult:
    """J = mean BCE-with-logits(Z[L], Y) and its autograd derivatives, every layer (retain_grad).

    ``X`` is (n_x, m) and ``Y`` is (1, m), as in the derivation.
    """
    model = torch_model(params, activation)
    L = (len(model) + 1) // 2
    Xt, Yt = as_tensor(X).T, as_tensor(Y).T  # torch layout: (m, n_x) and (m, 1)
    Zs, As, g_primes = [], [], []
    with one_thread():
        A = Xt
        for l in range(1, L + 1):
            Z = model[2 * (l - 1)](A)
            Z.retain_grad()
            Zs.append(Z)
            if l < L:
                A = model[2 * l - 1](Z)
                A.retain_grad()
                As.append(A)
                # g acts elementwise, so the vector-Jacobian product with ones is g'(Z); taken on
                # a detached copy, as retain_grad would add it into Z.grad
                Zc = Z.detach().requires_grad_()
                Ac = model[2 * l - 1](Zc)
                (slope,) = torch.autograd.grad(Ac, Zc, torch.ones_like(Ac))
                g_primes.append(slope)
        J = torch.nn.functional.binary_cross_entropy_with_logits(Zs[-1], Yt, reduction="mean")
        J.backward()
    arrays: dict[str, Array] = {}
    for l in range(1, L + 1):
        linear = model[2 * (l - 1)]
        assert isinstance(linear, torch.nn.Linear)
        assert linear.weight.grad is not None and linear.bias.grad is not None
        Z = Zs[l - 1]
        assert Z.grad is not None
        arrays[f"dW{l}"] = linear.weight.grad.numpy().copy()
        arrays[f"db{l}"] = linear.bias.grad.numpy().reshape(-1, 1).copy()
        arrays[f"dJ_dZ{l}"] = _numpy(Z.grad)
        arrays[f"Z{l}"] = _numpy(Z)
        if l < L:
            A = As[l - 1]
            assert A.grad is not None
            arrays[f"dJ_dA{l}"] = _numpy(A.grad)
            arrays[f"A{l}"] = _numpy(A)
            arrays[f"g'{l}"] = _numpy(g_primes[l - 1])
    return AutogradResult(cost=float(J.item()), L=L, arrays=arrays)
