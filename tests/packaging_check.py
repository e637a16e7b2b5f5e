"""Build the sdist and the wheel, check them, and use them as a new user and a distributor would.

    python tests/packaging_check.py           (what `tox -e package` runs, from the checkout)
    python tests/packaging_check.py --floors  (`tox -e oldest`: installed == declared floors)

1. ``python -m build`` (isolated: setuptools comes from the index) into a temporary directory.
2. ``check-wheel-contents`` and ``twine check --strict``. The wheel holds exactly the files git
   tracks under nn_numpy/ (modules, py.typed, both datasets) besides its .dist-info; the sdist
   holds every tracked file except the CI machinery (.ci/, .github/, .gitignore).
3. A clean venv (no system site packages) gets the wheel alone: NumPy is its only dependency,
   and torch must not be there. From an empty directory, ``nn-numpy-train`` with no arguments
   prints exactly what ``python -m nn_numpy.train`` prints in the checkout;
   ``--data-path large --save-model model.npz`` trains on the 2000 examples, and
   ``nn-numpy-predict`` reads that model; nothing else appears in the directory.
4. mypy, installed in that venv, on a two-line file importing nn_numpy reports no missing-stubs
   error, and does report a type error planted in a copy of it (so it did read nn_numpy's types).
5. The ``test`` extra goes into the venv and pytest runs inside the unpacked sdist (the torch
   tests skip there: no torch; tests/test_installed_package.py uses the wheel's scripts).

Prints each step with its time; exits 1 at the first failed check, showing the output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_IN_SDIST = (".ci/", ".github/", ".gitignore")  # CI machinery: runs from a git clone
SDIST_GENERATED = ("PKG-INFO", "setup.cfg", "nn_numpy.egg-info/")


class CheckFailed(Exception):
    pass


def run(cmd: list[str], cwd: Path, expect: int | None = 0) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` without PYTHONPATH (so nothing leaks in from the checkout)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if expect is not None and done.returncode != expect:
        raise CheckFailed(
            f"{' '.join(cmd)} (in {cwd}) exited {done.returncode}, expected {expect}\n"
            f"--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
        )
    return done


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def tracked_files() -> set[str]:
    out = run(["git", "ls-files", "-z"], ROOT).stdout
    return {name for name in out.split("\0") if name and (ROOT / name).is_file()}


def build(dist: Path) -> tuple[Path, Path]:
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], ROOT)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return wheel, sdist


def check_contents(wheel: Path, sdist: Path, tracked: set[str]) -> None:
    run([sys.executable, "-m", "check_wheel_contents", str(wheel)], ROOT)
    run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)], ROOT)
    compare_contents(wheel, sdist, tracked)


def compare_contents(wheel: Path, sdist: Path, tracked: set[str]) -> None:
    """The wheel holds the tracked nn_numpy/ files, the sdist every tracked file but CI's."""
    with zipfile.ZipFile(wheel) as z:
        in_wheel = {n for n in z.namelist() if ".dist-info/" not in n}
    expected = {n for n in tracked if n.startswith("nn_numpy/")}
    check(
        in_wheel == expected, f"wheel: missing {expected - in_wheel}, extra {in_wheel - expected}"
    )
    with tarfile.open(sdist) as t:
        names = {m.name.split("/", 1)[1] for m in t.getmembers() if m.isfile()}
    in_sdist = {n for n in names if not n.startswith(SDIST_GENERATED)}
    expected = {n for n in tracked if not n.startswith(NOT_IN_SDIST)}
    check(
        in_sdist == expected, f"sdist: missing {expected - in_sdist}, extra {in_sdist - expected}"
    )


def declared_floors(pyproject: str) -> dict[str, str]:
    """``name >= version`` of every requirement in [project] (dependencies and extras).

    A regular expression, not tomllib: this also runs on Python 3.10, whose stdlib has none.
    """
    project = pyproject.split("\n[project]\n", 1)[1].split("\n[tool.", 1)[0]
    return dict(re.findall(r'"([A-Za-z0-9_.-]+)>=([0-9.]+)"', project))


def same_version(a: str, b: str) -> bool:
    """1.23 == 1.23.0: compare release numbers with trailing zeros dropped."""

    def key(v: str) -> list[int]:
        parts = [int(x) for x in v.split(".")]
        while parts and parts[-1] == 0:
            parts.pop()
        return parts

    return key(a) == key(b)


def check_floors_installed() -> int:
    """Exit status 0 when every declared floor is the installed version (tox -e oldest)."""
    from importlib.metadata import PackageNotFoundError, version

    floors = declared_floors((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    status = 0
    for name, floor in sorted(floors.items()):
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        ok = same_version(installed, floor) if installed[0].isdigit() else False
        status |= not ok
        print(f"{name:<18} floor {floor:<8} installed {installed:<14} {'ok' if ok else 'WRONG'}")
    return status


def check_installed_clis(py: Path, work: Path) -> None:
    bin_dir = py.parent
    empty = work / "empty"
    empty.mkdir()
    train = run([str(bin_dir / "nn-numpy-train")], empty)
    in_checkout = run([str(py), "-m", "nn_numpy.train"], ROOT)  # cwd first on sys.path
    check(train.stdout == in_checkout.stdout, "installed nn-numpy-train printed\n" + train.stdout)
    check(train.stdout.startswith("data: data/basic_dataset.csv (12 examples"), train.stdout)
    large = run(
        [str(bin_dir / "nn-numpy-train"), "--data-path", "large", "--save-model", "m.npz"], empty
    )
    check("data: large (2000 examples, 2 features)" in large.stdout, large.stdout)
    predict = run(
        [str(bin_dir / "nn-numpy-predict"), "--model", "m.npz", "--data-path", "large"], empty
    )
    check(len(predict.stdout.splitlines()) == 2001, "predict: expected 2000 rows and a header")
    check(predict.stderr.startswith("accuracy: "), predict.stderr)
    check(sorted(p.name for p in empty.iterdir()) == ["m.npz"], "stray files in the empty dir")
    where = run([str(py), "-c", "import nn_numpy; print(nn_numpy.__file__)"], empty).stdout
    check(Path(where.strip()).is_relative_to(py.parents[1]), f"nn_numpy imported from {where}")
    no_torch = "import importlib.util as u; raise SystemExit(u.find_spec('torch') is not None)"
    run([str(py), "-c", no_torch], empty)


def check_typed(py: Path, work: Path) -> None:
    run([str(py), "-m", "pip", "install", "-q", "mypy"], work)
    typed = work / "typed"
    typed.mkdir()
    good = "import nn_numpy\n\nparams: nn_numpy.Params = nn_numpy.init_params(2, 3, seed=0)\n"
    (typed / "uses_nn_numpy.py").write_text(good)
    (typed / "wrong.py").write_text(good.replace("nn_numpy.Params =", "int ="))
    ok = run([str(py), "-m", "mypy", "--strict", "uses_nn_numpy.py"], typed, expect=None)
    check(ok.returncode == 0 and "missing library stubs" not in ok.stdout, "mypy:\n" + ok.stdout)
    wrong = run([str(py), "-m", "mypy", "wrong.py"], typed, expect=1)
    check("Incompatible types in assignment" in wrong.stdout, "mypy missed:\n" + wrong.stdout)


def pytest_in_sdist(py: Path, wheel: Path, sdist: Path, work: Path) -> str:
    run([str(py), "-m", "pip", "install", "-q", f"{wheel}[test]"], work)
    with tarfile.open(sdist) as t:
        t.extractall(work, filter="data")
    source = work / sdist.name.removesuffix(".tar.gz")
    result = run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider"], source)
    return result.stdout.strip().splitlines()[-1]


def main() -> int:
    start = time.perf_counter()

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {name}", flush=True)

    try:
        with tempfile.TemporaryDirectory(prefix="nn-numpy-package-") as tmp:
            work = Path(tmp)
            tracked = tracked_files()
            step("python -m build")
            wheel, sdist = build(work / "dist")
            step(f"check-wheel-contents, twine check, contents of {wheel.name}, {sdist.name}")
            check_contents(wheel, sdist, tracked)
            step("clean venv (no system site packages) with the wheel alone")
            run([sys.executable, "-m", "venv", str(work / "venv")], work)
            py = work / "venv" / "bin" / "python"
            run([str(py), "-m", "pip", "install", "-q", str(wheel)], work)
            step("nn-numpy-train / nn-numpy-predict from an empty directory")
            check_installed_clis(py, work)
            step("mypy on a file importing nn_numpy")
            check_typed(py, work)
            step("pytest in the unpacked sdist (the test extra installed)")
            summary = pytest_in_sdist(py, wheel, sdist, work)
            step(f"pytest: {summary}")
    except CheckFailed as exc:
        print(f"packaging check FAILED: {exc}", file=sys.stderr)
        return 1
    step("packaging check passed")
    return 0


if __name__ == "__main__":
    sys.exit(check_floors_installed() if sys.argv[1:] == ["--floors"] else main())
