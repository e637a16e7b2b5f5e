"""Known mistakes in a backward pass at any depth, each a wrong version of one formula.

A ``Variant`` replaces one formula, in one layer or in every layer (a mistake in the loop), and
``backward_from`` pushes its value through the correct later formulas, so a quantity that is
wrong *because* an earlier one is wrong is recognised too. Layers are named by the quantity
the wrong formula computes: ``dZ{k}`` (a hidden derivative, or dZ[L] from dAL), ``dA{k}``
(dA[k] = W[k+1]^T dZ[k+1]) or ``dW{k}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nn_numpy.check.cases import Case
from nn_numpy.network import Array, activation_derivative, forward, sigmoid


@dataclass(frozen=True)
class Net:
    """A case's forward values (A[0] = X) and its correct quantities."""

    W: dict[int, Array]
    Z: dict[int, Array]
    A: dict[int, Array]
    Y: Array
    m: int
    L: int
    activation: str
    correct: dict[str, Any]

    @classmethod
    def of(cls, case: Case, correct: dict[str, Any]) -> Net:
        p, cache = case.params, forward(case.params, case.X)
        L = p.L
        W = {l: np.asarray(p[f"W{l}"]) for l in range(1, L + 1)}
        Z = {l: cache[f"Z{l}"] for l in range(1, L + 1)}
        A = {0: case.X, **{l: cache[f"A{l}"] for l in range(1, L + 1)}}
        return cls(W, Z, A, case.Y, case.X.shape[1], L, p.activation, correct)


EVERY = -1


@dataclass(frozen=True)
class Variant:
    """``kind`` of mistake at ``layer`` (``EVERY``: in every layer the formula is used)."""

    kind: str
    layer: int
    text: str

    def at(self, l: int) -> bool:
        return self.layer in (EVERY, l)


# hidden derivatives a person writes for g'(Z[k]), by kind: (text, g'(Z, A))
DERIVATIVES = {
    "relu": ("ReLU's mask 1{Z > 0}", lambda Z, A: (Z > 0).astype(np.float64)),
    "tanh": ("tanh's 1 - A^2", lambda Z, A: 1.0 - A**2),
    "sigmoid": ("the sigmoid's A (1 - A)", lambda Z, A: A * (1.0 - A)),
    "sigma(Z)": (
        "the output layer's sigma'(Z) = sigma(Z) (1 - sigma(Z))",
        lambda Z, A: sigmoid(Z) * (1.0 - sigmoid(Z)),
    ),
    "1 - A": ("1 - A (tanh's derivative is 1 - A^2)", lambda Z, A: 1.0 - A),
    "A": ("A = g(Z) itself, not its derivative", lambda Z, A: A),
    "none": ("no derivative at all (dZ = dA)", lambda Z, A: np.ones_like(Z)),
}
NAMES = {"relu": "ReLU's 1{Z > 0}", "tanh": "tanh's 1 - A^2", "sigmoid": "the sigmoid's A (1 - A)"}


def variants(activation: str, L: int) -> list[Variant]:
    """Every catalogued mistake for a network of ``L`` layers (each layer, and every layer)."""
    right = NAMES[activation]
    out = [
        Variant(
            "dAL sign",
            EVERY,
            "dAL with the sign flipped: dAL = -(Y/AL - (1 - Y)/(1 - AL)), "
            "with the minus (then dZL = AL - Y)",
        ),
        Variant(
            "dAL no denominators",
            EVERY,
            "dAL without its denominators: -(Y - (1 - Y)) instead of -(Y/AL - (1 - Y)/(1 - AL))",
        ),
        Variant(
            "dAL no AL",
            EVERY,
            "dAL without the denominator AL: -(Y - (1 - Y)/(1 - AL)) "
            "instead of -(Y/AL - (1 - Y)/(1 - AL))",
        ),
        Variant(
            "dAL no 1 - AL",
            EVERY,
            "dAL without the denominator 1 - AL: -(Y/AL - (1 - Y)) "
            "instead of -(Y/AL - (1 - Y)/(1 - AL))",
        ),
        Variant(
            "extra sigma'",
            EVERY,
            "extra sigma' factor: dZL = (AL - Y) * AL (1 - AL), but AL - Y already includes sigma'",
        ),
    ]
    if activation != "sigmoid":
        out.append(
            Variant(
                "hidden on output",
                EVERY,
                "the hidden layers' derivative on the output "
                "layer: dZL = dAL * sigma'(ZL) = AL - Y, not dAL * g'(ZL)",
            )
        )
    kinds = [
        k
        for k in DERIVATIVES
        if k != activation
        and not (activation == "sigmoid" and k == "sigma(Z)")
        and not (k == "1 - A" and activation != "tanh")
    ]
    for layer in (EVERY, *range(L - 1, 0, -1)):
        where = "in every hidden layer" if layer == EVERY else f"in dZ{layer}"
        for kind in kinds:
            out.append(Variant(kind, layer, f"{DERIVATIVES[kind][0]} instead of {right} {where}"))
        out.append(
            Variant(
                "off by one",
                layer,
                f"g' of the next layer's Z, A used {where}: "
                f"dZ[l] = dA[l] * g'(Z[l]), the layer's own Z",
            )
        )
    for layer in (EVERY, *range(L - 1, -1, -1)):
        where = "in every layer" if layer == EVERY else f"in dA{layer}"
        out.append(
            Variant("no W", layer, f"dA_prev = dZ, without W, {where}: dA[l-1] = W[l]^T dZ[l]")
        )
        out.append(
            Variant(
                "no transpose",
                layer,
                f"dA_prev = W dZ, without the transpose, {where}: dA[l-1] = W[l]^T dZ[l]",
            )
        )
    for kind in ("no W", "no transpose"):  # the loop's mistake; the output layer done apart
        mistake = (
            "dA_prev = dZ, without W,"
            if kind == "no W"
            else "dA_prev = W dZ, without the transpose,"
        )
        out.append(
            Variant(
                f"{kind} hidden", EVERY, f"{mistake} below the output layer: dA[l-1] = W[l]^T dZ[l]"
            )
        )
    for layer in (EVERY, *range(L, 0, -1)):
        where = "in every layer" if layer == EVERY else f"in dW{layer}"
        out.append(
            Variant(
                "dW off by one",
                layer,
                f"A[l] where A[l-1] belongs {where}: dW[l] = (1/m) dZ[l] A[l-1]^T",
            )
        )
    return out


def output_dZ(n: Net, v: Variant | None) -> Array:
    """dZ[L] = dAL * sigma'(Z[L]) = A[L] - Y, or the variant's wrong version."""
    A, Y = n.A[n.L], n.Y
    slope = A * (1.0 - A)
    kind = v.kind if v is not None else ""
    if kind == "dAL sign":
        return Y - A
    if kind == "dAL no denominators":
        return (1.0 - 2.0 * Y) * slope
    if kind == "dAL no AL":
        return -(Y - (1.0 - Y) / (1.0 - A)) * slope
    if kind == "dAL no 1 - AL":
        return -(Y / A - (1.0 - Y)) * slope
    if kind == "extra sigma'":
        return (A - Y) * slope
    if kind == "hidden on output":
        return (A - Y) / slope * activation_derivative(n.activation, n.Z[n.L], A)
    return A - Y


def backward_from(n: Net, k: int, dZ: Array, v: Variant | None = None) -> dict[str, Array]:
    """dZ[k] = ``dZ`` and every quantity of layers k, ..., 1 from it (``v``'s mistake applied).

    Raises ValueError when the mistake gives shapes that do not combine (as the user's code
    would, on a case whose widths differ).
    """
    kind = v.kind if v is not None else ""
    out: dict[str, Array] = {}
    for l in range(k, 0, -1):
        out[f"dZ{l}"] = dZ
        A_in = n.A[l] if kind == "dW off by one" and v is not None and v.at(l) else n.A[l - 1]
        out[f"dW{l}"] = dZ @ A_in.T / n.m
        out[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / n.m
        dA = n.W[l].T @ dZ
        hidden_only = kind.endswith(" hidden")
        if (
            v is not None
            and v.at(l - 1)
            and kind.startswith("no ")
            and (l < n.L or not hidden_only)
        ):
            dA = dZ if kind.startswith("no W") else n.W[l] @ dZ
        out[f"dA{l - 1}"] = dA
        if l > 1:
            dZ = dA * _slope(n, l - 1, v)
    return out


def _slope(n: Net, k: int, v: Variant | None) -> Array:
    """g'(Z[k]) as the variant writes it."""
    if v is None or not v.at(k) or (v.kind not in DERIVATIVES and v.kind != "off by one"):
        return activation_derivative(n.activation, n.Z[k], n.A[k])
    if v.kind == "off by one":
        return activation_derivative(n.activation, n.Z[k + 1], n.A[k + 1])
    return DERIVATIVES[v.kind][1](n.Z[k], n.A[k])  # type: ignore[no-any-return]


def variant_values(n: Net, v: Variant) -> dict[str, Array] | None:
    """Every quantity with ``v``'s mistake, or None if its shapes do not combine on this case."""
    try:
        with np.errstate(all="ignore"):
            return backward_from(n, n.L, output_dZ(n, v), v)
    except ValueError:
        return None


def site(v: Variant, n: Net) -> str:
    """The quantity the variant's wrong formula computes on this network ("" for every layer)."""
    if v.kind.startswith("dAL") or v.kind in ("extra sigma'", "hidden on output"):
        return f"dZ{n.L}"
    if v.layer == EVERY:
        return ""
    prefix = {"no W": "dA", "no transpose": "dA", "dW off by one": "dW"}.get(v.kind, "dZ")
    return f"{prefix}{v.layer}"
