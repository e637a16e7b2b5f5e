"""The domain mutants two blind red-team passes found (bugs written without reading the
catalogue), across the Trainer, its validation, the reader, model files, the CLIs and the
reference.
"""

from __future__ import annotations

from tests.mutation.catalogue.files import (
    _CHECK_AUTOGRAD,
    _CHECK_CASES,
    _COLUMNS,
    _INPUTS,
    _MEASURES,
    _MODEL_IO,
    _NETWORK,
    _PREDICT_CLI,
    _READER,
    _ROWS,
    _TRAINER,
    _VALIDATE,
)
from tests.mutation.catalogue.mutant import Mutant, _m

# fmt: off
MUTANTS: list[Mutant] = [
    # ------------------------------------------------------------ found by a blind red-team pass
    _m("trainer-params-b1-aliased", _TRAINER,
       "b1=self._W1aa[:n_h, n_x:].copy(),", "b1=self._W1aa[:n_h, n_x:],",
       "Trainer.params hands out a view of b1: the next step changes the caller's snapshot"),
    _m("validate-dtype-any-float", _VALIDATE,
       "if dt not in (np.dtype(np.float32), np.dtype(np.float64)):", "if dt.kind != \"f\":",
       "the Trainer's dtype check accepts float16 and long double"),
    _m("validate-b2-shape-unchecked", _VALIDATE,
       "expected = {f\"W{l}\": (n_l, n_prev), f\"b{l}\": (n_l, 1)}",
       "expected = {f\"W{l}\": (n_l, n_prev)}",
       "b[l]'s shape not checked: a (1,) or () bias broadcasts in silently"),
    _m("reader-nul-line-within-chunk", _READER,
       "line = newlines + chunk.count(b\"\\n\", 0, nul) + 1",
       "line = chunk.count(b\"\\n\", 0, nul) + 1",
       "NUL byte's line counted from the start of the 1 MiB read chunk, not of the file"),
    _m("model-save-params-not-cast", _MODEL_IO,
       "{k: np.asarray(v, dtype=dtype) for k, v in params.as_dict().items()}",
       "{k: np.asarray(v) for k, v in params.as_dict().items()}",
       "save_model writes float64 parameters into a model whose dtype entry says float32"),
    _m("cli-predict-error-names-last-row", _PREDICT_CLI,
       "table.where(int(e.columns[0]))", "table.where(int(e.columns[-1]))",
       "of several rows whose output overflows, the error names the last, not the first"),
    _m("ref-cost-scale-max-not-mean", _MEASURES,
       'M["J"] = float(np.mean(softplus', 'M["J"] = float(np.max(softplus',
       "J's term scale the largest example's instead of the mean: up to m times too lenient"),
    _m("cli-initial-cost-names-wrong-column", _INPUTS,
       "j = int(np.argmax(np.max(np.abs(data.inputs), axis=1)))",
       "j = int(np.argmax(np.max(np.abs(data.inputs), axis=0))) % data.n_x",
       "the initial-cost error names a column found along the examples' axis"),
    _m("cols-duplicate-prediction-column-accepted", _COLUMNS,
       "if missing or unexpected or len(index) != len(table.columns):",
       "if missing or unexpected:",
       "prediction data naming a feature twice is matched to the last of the two"),
    # ------------------------------------------------------- found by a second blind red-team pass
    _m("net-init-legacy-randomstate", _NETWORK,
       "rng = np.random.default_rng(seed)", "rng = np.random.RandomState(seed)",
       "init_params draws from the legacy RandomState, not the documented default_rng(seed)"),
    _m("autograd-thread-count-not-restored", _CHECK_AUTOGRAD,
       "        torch.set_num_threads(before)", "        pass",
       "one_thread leaves torch on one thread after the oracle returns"),
    _m("ref-dLda-error-normwise", _ROWS,
       "- ref) / np.abs(ref)))", "- ref) / np.max(np.abs(ref))))",
       "dL/da's error measured against its largest entry: a wrong entry near 1 hides under 1e13"),
    _m("check-cases-random-biases-zero", _CHECK_CASES,
       "b1=scale * rng.standard_normal((n_h, 1)),", "b1=np.zeros((n_h, 1)),",
       "random cases start with b1 = 0 (every Z1 = W1 X) though the docstring draws every entry"),
]
# fmt: on
