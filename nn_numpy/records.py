"""The network's records: parameters, forward cache and gradients, for any number of layers.

Layer l = 1..L (L - 1 hidden layers, layer L the sigmoid output). A record holds arrays by the
derivation's names, ``W{l}, b{l}`` (Params), ``Z{l}, A{l}`` (Cache), ``dZ{l}, dW{l}, db{l}``
and ``dA{l}`` for l < L (Grads), and reads them as ``rec["W3"]`` or ``rec.W3``. A record is a
read-only mapping: ``dict(rec)``, ``rec.as_dict()`` and ``**rec`` give its arrays in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]

# Hidden-layer activations g; the output layer is always the sigmoid.
ACTIVATIONS = ("relu", "tanh", "sigmoid")


def param_names(L: int) -> tuple[str, ...]:
    """W1, b1, W2, b2, ..., WL, bL: the order of every record, file and flat vector."""
    return tuple(f"{kind}{l}" for l in range(1, L + 1) for kind in ("W", "b"))


def grad_names(L: int) -> tuple[str, ...]:
    """dW1, db1, ..., dWL, dbL: the gradient dJ/d(param) of each parameter, in their order."""
    return tuple(f"d{name}" for name in param_names(L))


def architecture(layer_sizes: tuple[int, ...], activation: str, arrow: str = "->") -> str:
    """The network as text, input to output: ``2 -> 8 tanh -> 4 tanh -> 1 sigmoid``.

    Each hidden layer is its width and activation (ReLU in capitals, as written in the README),
    so one ReLU layer reads ``2 -> 5 ReLU -> 1 sigmoid``.
    """
    shown = "ReLU" if activation == "relu" else activation
    n_x, *hidden, n_out = layer_sizes
    layers = [str(n_x), *(f"{n} {shown}" for n in hidden), f"{n_out} sigmoid"]
    return f" {arrow} ".join(layers)


# One hidden layer (L = 2): the network of the seed's boxes.
PARAM_NAMES = param_names(2)
GRAD_NAMES = grad_names(2)


class _Record(Mapping[str, Array]):
    """Named arrays, read as ``rec[name]`` or ``rec.name``; immutable once built."""

    __slots__ = ("_arrays",)
    _arrays: dict[str, Array]

    def __init__(self, arrays: Mapping[str, Array] | None = None, /, **named: Array) -> None:
        object.__setattr__(self, "_arrays", {**(arrays or {}), **named})

    def __getitem__(self, name: str) -> Array:
        return self._arrays[name]

    def __getattr__(self, name: str) -> Array:
        if name.startswith("_"):  # never look up private names (copy, pickle) in the arrays
            raise AttributeError(name)
        try:
            return self._arrays[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}{tuple(np.shape(v))}" for k, v in self._arrays.items())
        return f"{type(self).__name__}({shapes})"

    def as_dict(self) -> dict[str, Array]:
        """A new dict of the arrays, in the record's order."""
        return dict(self._arrays)


_PARAM = re.compile(r"[Wb][1-9][0-9]*")


class Params(_Record):
    """W[l] (n_l, n_{l-1}) and b[l] (n_l, 1) for l = 1..L, and the hidden activation.

    ``Params(W1, b1, W2, b2)`` or ``Params(W1=..., b1=..., W2=..., b2=...)``: positional arrays
    are taken in the order of ``param_names``; keyword arrays must be exactly ``W1, b1, ..., WL,
    bL`` for some L >= 1.

    Parameters
    ----------
    *arrays : ndarray
        W1, b1, ..., WL, bL in that order (or give them by name).
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
        The activation g of layers 1..L-1.
    **named : ndarray
        The arrays by name.
    """

    __slots__ = ("activation",)
    activation: str

    # ``activation`` is taken from **named, not declared: declared, every ``Params(**arrays)``
    # would be a type error (such a dict could hold ``activation``, a str).
    def __init__(self, *arrays: Array, **named: Any) -> None:
        activation = named.pop("activation", "relu")
        if arrays and named:
            raise TypeError("Params takes its arrays either in order or by name, not both")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {', '.join(ACTIVATIONS)}, not {activation!r}"
            )
        given = (
            dict(named) if named else dict(zip(param_names(len(arrays) // 2), arrays, strict=False))
        )
        L = len(given) // 2
        bad = [k for k in given if not _PARAM.fullmatch(k)]
        if bad or L < 1 or len(arrays) % 2 or set(given) != set(param_names(L)):
            raise TypeError(
                f"Params needs W1, b1, ..., WL, bL for some L >= 1, got {sorted(given)}"
            )
        super().__init__({k: given[k] for k in param_names(L)})
        object.__setattr__(self, "activation", activation)

    @property
    def L(self) -> int:
        """The number of layers with weights: hidden layers + 1."""
        return len(self) // 2

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """(n_x, n_1, ..., n_L): the width of every layer, input first."""
        W = [np.shape(self[f"W{l}"]) for l in range(1, self.L + 1)]
        return (int(W[0][1]), *(int(shape[0]) for shape in W))

    @property
    def hidden_sizes(self) -> tuple[int, ...]:
        """(n_1, ..., n_{L-1}): the widths of the hidden layers."""
        return self.layer_sizes[1:-1]

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, activation={self.activation!r})"


class Cache(_Record):
    """The forward pass: Z[l] and A[l] = g(Z[l]), each (n_l, m), for l = 1..L."""

    @property
    def L(self) -> int:
        """The number of layers with weights."""
        return len(self) // 2


class Grads(_Record):
    """Per example dZ[l] (n_l, m), and dA[l] (n_l, m) for l < L; dW[l], db[l] = dJ/d(param).

    dZ[l] and dA[l] are the per-example derivatives of the loss L(a(i), y(i)), as in the
    derivation: m times dJ/dZ[l] and dJ/dA[l].
    """

    @property
    def L(self) -> int:
        """The number of layers with weights."""
        return sum(1 for k in self if k.startswith("dW"))
