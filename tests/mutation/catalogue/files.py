"""The mutated files and the groups of test files that ``TESTS`` lists, one name each."""

_NETWORK = "nn_numpy/network.py"
_TRAINER = "nn_numpy/training/trainer.py"
_LAYERED = "nn_numpy/training/layered.py"
_DATA = "nn_numpy/io/data.py"
_IO = "nn_numpy/io/atomic.py"
_MODEL_IO = "nn_numpy/io/model_io.py"
_TRAIN_CLI = "nn_numpy/cli/train.py"
_LOOP = "nn_numpy/training/loop.py"
_INPUTS = "nn_numpy/cli/_inputs.py"
_READER = "nn_numpy/io/reader.py"
_PREDICT_CLI = "nn_numpy/cli/predict.py"
_OUTPUTS = "nn_numpy/cli/_outputs.py"
_FD = "nn_numpy/check/finite_differences.py"
_MEASURES = "nn_numpy/check/measures.py"
_ORACLES = "nn_numpy/check/oracles.py"
_CHECK_AUTOGRAD = "nn_numpy/check/autograd.py"
_FAST = "nn_numpy/training/fast_trainer.py"
_KERNELS = "nn_numpy/training/_numba_kernels.py"
_COMPILE = "nn_numpy/training/_numba_compile.py"
_ALIGNED = "nn_numpy/training/_aligned.py"
_TORCH = "reference/torch_reference.py"
_ROWS = "reference/rows.py"
_REPORT = "reference/report.py"
_READABLE_TRAINER = "nn_numpy/cli/_readable_trainer.py"
_PLOT = "nn_numpy/plot.py"
_CHECK_HTML = "docs/check_html.py"
_PLAIN_DOCSTRINGS = "docs/_ext/plain_docstrings.py"
_VALIDATE = "nn_numpy/training/_validate.py"
_COLUMNS = "nn_numpy/io/columns.py"
_CHECK_CASES = "nn_numpy/check/cases.py"
_CHECK_API = "nn_numpy/check/api.py"
_CONTRACT = "nn_numpy/check/contract.py"
_TARGET = "nn_numpy/check/target.py"
_CHECK_CLI = "nn_numpy/cli/check.py"
_RESOURCES = "nn_numpy/io/resources.py"
_ERRORS = "nn_numpy/cli/_errors.py"
_GATES = "benchmarks/gates.py"
_DIAGNOSE = "nn_numpy/check/diagnose.py"
_CHECK_REPORT = "nn_numpy/check/report.py"
_EXCEPTIONS = "nn_numpy/errors.py"
_SIGNALS = "nn_numpy/_signals.py"
_DEEP = "nn_numpy/check/deep.py"
_DEEP_CASES = "nn_numpy/check/deep_cases.py"
_DEEP_CONTRACT = "nn_numpy/check/deep_contract.py"
_DEEP_DIAGNOSE = "nn_numpy/check/deep_diagnose.py"
_DEEP_VARIANTS = "nn_numpy/check/deep_variants.py"
_LIMITS = "nn_numpy/check/limits.py"
_AUTOGRADER = "nn_numpy/check/autograder.py"

_AUTOGRAD = [
    "tests/test_autograd_depth.py",
    "tests/test_seed_errata.py",
    "tests/test_autograd_formulas.py",
    "tests/test_autograd_edge_cases.py",
    "tests/test_autograd_report.py",
    "tests/test_autograd_training.py",
    "tests/test_autograd_properties.py",
    "tests/test_autograd_training_depth.py",
]
_CLIS = [
    "tests/test_train_cli_report.py",
    "tests/test_train_cli_options.py",
    "tests/test_train_cli_plot_and_model.py",
    "tests/test_reported_numbers.py",
    "tests/test_train_cli_reference.py",
    "tests/test_train_cli_errors.py",
    "tests/test_predict_cli.py",
    "tests/test_cli_errors_policy.py",
    "tests/test_output_paths_regular_files.py",
    "tests/test_output_paths_special_files.py",
    "tests/test_output_paths_refused.py",
    "tests/test_output_paths_metrics_json.py",
    "tests/test_installed_package.py",
]
_DEEP_TESTS = [
    "tests/test_check_deep_mistakes.py",
    "tests/test_check_deep.py",
    "tests/test_check_readme_deep.py",
    "tests/test_check_deep_robust.py",
    "tests/test_check_randomness.py",
]
_CHECK_MEASURES = [
    "tests/test_check_measures_reject_wrong.py",
    "tests/test_check_measures_values.py",
]
_CHECK_BUT_MEASURES = [
    "tests/test_check_gradients_correct.py",
    "tests/test_check_diagnosis.py",
    "tests/test_check_cases.py",
    "tests/test_check_cli.py",
    "tests/test_check_corpus_mistakes.py",
    "tests/test_check_corpus_correct_styles.py",
    "tests/test_check_corpus_correct_variants.py",
    "tests/test_check_corpus_unusable.py",
    "tests/test_check_randomness.py",
]
_CHECK = [*_CHECK_MEASURES, *_CHECK_BUT_MEASURES]
