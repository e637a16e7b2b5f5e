"""Mutants that survive because no observable result can change, each with the reason.

The runner counts a surviving mutant listed here as *equivalent* (not as survived); a listed
mutant that gets killed is reported, so the list cannot hide a real survivor for long.
CONTRIBUTING.md ("Mutation testing") has the same table for readers.

``CATALOGUE_EQUIVALENTS``: catalogue id -> reason.
``TOOL_EQUIVALENTS``: mutmut mutant name -> (the mutated line as ``mutmut show`` prints it after
``+``, stripped; the reason). The line is checked, so a renumbered mutant is not mislabelled.
"""

from __future__ import annotations

CATALOGUE_EQUIVALENTS: dict[str, str] = {}

_DB2 = "dZ2 has one row: a sum over all axes with keepdims is the same (1, 1) array as over axis 1"

_SCALE = (
    "the threshold only picks how G = u * Xa is called (one ufunc call per row, or one broadcasting"
    " call): both multiply the same elements, exactly, so every result is bit-identical"
)

_Y64 = (
    "Y's only use is compute_cost(cache, Y64), which converts Y to Z2's dtype itself"
    " (np.asarray(Y, dtype=cache.Z2.dtype); Z2 is float64 from the float64 parameters and X):"
    " every Y gives the same float64 labels, converted once here or per evaluation there"
)

_MEMINFO = (
    "/proc/meminfo is ASCII: the locale's default codec (UTF-8 here, or any ASCII superset) and"
    " the codec name in capitals read the same text"
)
_WHOLE_BYTES = (
    "sizes are whole numbers of bytes: below 1000 one has at most three digits, which :.0f and"
    " :.3g print alike"
)

_LAST_PART = (
    "a test's node id always holds '::', so rsplit with one split or more has the name last and"
    " exactly two parts with one split, [1] being [-1]"
)

TOOL_EQUIVALENTS: dict[str, tuple[str, str]] = {
    "benchmarks.gates.x_evaluate__mutmut_37": (
        'ratio = slow / fast if fast > 0 else float("INF")',
        "float() reads infinity's name in any case: float('INF') is float('inf')",
    ),
    "benchmarks.gates.xǁGatePluginǁpytest_runtest_logreport__mutmut_14": (
        'self.skipped[report.nodeid.rsplit("::", )[-1]] = reason',
        _LAST_PART,
    ),
    "benchmarks.gates.xǁGatePluginǁpytest_runtest_logreport__mutmut_17": (
        'self.skipped[report.nodeid.rsplit("::", 2)[-1]] = reason',
        _LAST_PART,
    ),
    "benchmarks.gates.xǁGatePluginǁpytest_runtest_logreport__mutmut_18": (
        'self.skipped[report.nodeid.rsplit("::", 1)[+1]] = reason',
        _LAST_PART,
    ),
    "benchmarks.gates.xǁGatePluginǁcheck_unique__mutmut_6": (
        "dup = [n for n in (gate.slower, gate.faster) if self.counts.get(n, 1) > 1]",
        "an absent name counts 0 or 1 times either way: neither is more than 1",
    ),
    "nn_numpy.io.resources.x_available_memory__mutmut_2": (
        'with open("/proc/meminfo", encoding=None) as f:',
        _MEMINFO,
    ),
    "nn_numpy.io.resources.x_available_memory__mutmut_4": (
        'with open("/proc/meminfo", ) as f:',
        _MEMINFO,
    ),
    "nn_numpy.io.resources.x_available_memory__mutmut_8": (
        'with open("/proc/meminfo", encoding="ASCII") as f:',
        _MEMINFO,
    ),
    "nn_numpy.io.resources.x__size__mutmut_25": (
        'return f"{value:.0f} {unit}" if (unit == "bytes") and False else f"{value:.3g} {unit}"',
        _WHOLE_BYTES,
    ),
    "nn_numpy.io.resources.x__size__mutmut_28": (
        'return f"{value:.0f} {unit}" if unit == "XXbytesXX" else f"{value:.3g} {unit}"',
        _WHOLE_BYTES,
    ),
    "nn_numpy.io.resources.x__size__mutmut_29": (
        'return f"{value:.0f} {unit}" if unit == "BYTES" else f"{value:.3g} {unit}"',
        _WHOLE_BYTES,
    ),
    "nn_numpy.network.x_sigmoid__mutmut_12": (
        "return np.where(z > 0, 1.0, e) / (1.0 + e)",
        "at z = 0 both branches give 1 / (1 + e) with e = exp(0) = 1, so sigma(0) = 0.5 either way",
    ),
    "nn_numpy.network.x_backward__mutmut_10": (
        "db2 = np.sum(dZ2, axis=None, keepdims=True) / m  # Box 3: dJ/db[2] = (1/m) sum_i dZ[2](i)",
        _DB2,
    ),
    "nn_numpy.network.x_backward__mutmut_13": (
        "db2 = np.sum(dZ2, keepdims=True) / m  # Box 3: dJ/db[2] = (1/m) sum_i dZ[2](i)",
        _DB2,
    ),
    "nn_numpy.check.measures.x__through_bias_and_weight_formulas__mutmut_14": (
        '"db2": dZ2.sum(axis=None, keepdims=True) / m,',
        _DB2.replace("dZ2", "the dZ2 bound"),
    ),
    "nn_numpy.check.measures.x__through_bias_and_weight_formulas__mutmut_16": (
        '"db2": dZ2.sum(keepdims=True) / m,',
        _DB2.replace("dZ2", "the dZ2 bound"),
    ),
    "reference.rows.x_errors__mutmut_42": (
        "scales, floors = error_scales(params, X, Y), underflow_floors(params, X, None)",
        "underflow_floors never reads Y (the floors follow from tiny, the weights and X); Y is in"
        " its signature to match error_scales",
    ),
    "reference.torch_reference.x__numpy_params__mutmut_12": (
        '"b1": model[0].bias.detach().numpy().reshape(-2, 1).copy(),',
        "NumPy reads any negative dimension of reshape as the inferred one, like -1",
    ),
    "reference.torch_reference.x__cost__mutmut_6": (
        "return torch.nn.functional.binary_cross_entropy_with_logits(model(X), Y, )",
        'reduction="mean" is the default of binary_cross_entropy_with_logits (stated for J = mean)',
    ),
    "reference.torch_reference.x_train_sgd__mutmut_12": (
        "optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, )",
        "momentum=0 is the default of torch.optim.SGD (stated: plain gradient descent)",
    ),
    "nn_numpy.training.trainer.xǁTrainerǁ__init____mutmut_193": ("if n_x < 4:", _SCALE),
    "nn_numpy.training.trainer.xǁTrainerǁ__init____mutmut_194": ("if n_x <= 5:", _SCALE),
    "nn_numpy.check.finite_differences.x_numerical_gradients__mutmut_18": (
        "Y64 = np.asarray(Y, dtype=None)",
        _Y64,
    ),
    "nn_numpy.check.finite_differences.x_numerical_gradients__mutmut_20": (
        "Y64 = np.asarray(Y, )",
        _Y64,
    ),
}
