"""The packaging checks can fail, and the metadata agrees with what the gate tests.

The full build-and-install run is ``tox -e package`` (tests/packaging_check.py): it needs build,
twine and a network, so here its comparisons are fed small archives made on the spot.
"""

from __future__ import annotations

import configparser
import io
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests import packaging_check as pc

ROOT = Path(__file__).parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
TOX = configparser.ConfigParser(interpolation=None)
TOX.read(ROOT / "tox.ini", encoding="utf-8")
TRACKED = {
    "nn_numpy/__init__.py",
    "nn_numpy/py.typed",
    "nn_numpy/_data/basic_dataset.csv",
    "tests/conftest.py",
    "tox.ini",
    ".ci/run",
    ".gitignore",
}


def _archives(tmp_path: Path, wheel: set[str], sdist: set[str]) -> tuple[Path, Path]:
    whl = tmp_path / "nn_numpy-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as z:
        for name in [*wheel, "nn_numpy-0.1.0.dist-info/METADATA"]:
            z.writestr(name, "")
    tgz = tmp_path / "nn_numpy-0.1.0.tar.gz"
    with tarfile.open(tgz, "w:gz") as t:
        for name in [*sdist, "PKG-INFO", "nn_numpy.egg-info/SOURCES.txt"]:
            info = tarfile.TarInfo(f"nn_numpy-0.1.0/{name}")
            t.addfile(info, io.BytesIO(b""))
    return whl, tgz


WHEEL_OK = {n for n in TRACKED if n.startswith("nn_numpy/")}
SDIST_OK = TRACKED - {".ci/run", ".gitignore"}


def test_content_check_accepts_archives_with_every_tracked_file(tmp_path: Path) -> None:
    pc.compare_contents(*_archives(tmp_path, WHEEL_OK, SDIST_OK), TRACKED)


@pytest.mark.parametrize(
    ("wheel", "sdist", "message"),
    [
        (WHEEL_OK - {"nn_numpy/py.typed"}, SDIST_OK, "wheel: missing {'nn_numpy/py.typed'}"),
        (WHEEL_OK | {"tests/conftest.py"}, SDIST_OK, "wheel: missing set(), extra"),
        (WHEEL_OK, SDIST_OK - {"tests/conftest.py"}, "sdist: missing {'tests/conftest.py'}"),
        (WHEEL_OK, SDIST_OK | {".ci/run"}, "sdist: missing set(), extra {'.ci/run'}"),
    ],
    ids=["wheel-without-py.typed", "wheel-with-tests", "sdist-without-conftest", "sdist-with-ci"],
)
def test_content_check_rejects_a_missing_or_stray_file(
    tmp_path: Path, wheel: set[str], sdist: set[str], message: str
) -> None:
    with pytest.raises(pc.CheckFailed, match=re.escape(message)):
        pc.compare_contents(*_archives(tmp_path, wheel, sdist), TRACKED)


def test_oldest_environment_pins_every_declared_floor() -> None:
    floors = pc.declared_floors(PYPROJECT)
    assert {"numpy", "pytest", "hypothesis", "pytest-benchmark", "matplotlib"} <= set(floors)
    pins = dict(
        line.strip().split("==") for line in TOX["testenv:oldest"]["deps"].split("\n") if line
    )
    assert set(pins) == set(floors)
    for name, floor in floors.items():
        assert pc.same_version(pins[name], floor), (name, pins[name], floor)
    assert set(TOX["testenv:oldest"]["extras"].split()) == {"test", "plot", "bench", "fast"}


def test_version_comparison_ignores_trailing_zeros_only() -> None:
    assert pc.same_version("1.23.0", "1.23") and pc.same_version("4", "4.0.0")
    assert not pc.same_version("1.23.1", "1.23") and not pc.same_version("7.1.3", "7.2")


def test_classifiers_name_exactly_the_pythons_the_gate_runs() -> None:
    classified = set(re.findall(r'"Programming Language :: Python :: (3\.\d+)"', PYPROJECT))
    env_list = TOX["tox"]["env_list"].replace(",", " ").split()
    tested = {f"3.{env[3:]}" for env in env_list if re.fullmatch(r"py3\d+", env)}
    assert classified == tested == {"3.10", "3.11", "3.12", "3.13"}
    assert 'requires-python = ">=3.10"' in PYPROJECT


def test_license_metadata_is_pep_639() -> None:
    assert 'license = "MIT"' in PYPROJECT and 'license-files = ["LICENSE"]' in PYPROJECT
    assert "License ::" not in PYPROJECT  # PEP 639: the expression replaces the classifier
    assert '"setuptools>=77"' in PYPROJECT  # the first setuptools that reads them
