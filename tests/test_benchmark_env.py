"""The bench environment is reproducible: benchmarks/constraints.txt pins all it installs."""

from __future__ import annotations

import configparser
import re
from importlib import metadata
from pathlib import Path

import pytest

import benchmarks.conftest as bench_conftest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][^\s;+]*)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, requirement
    return canonical(match[0])


def test_constraints_pin_every_bench_requirement_to_one_exact_version() -> None:
    lines = (ROOT / "benchmarks" / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert all(PIN.match(line) for line in pins), [p for p in pins if not PIN.match(p)]
    pinned = {canonical(PIN.match(line)[1]) for line in pins}  # type: ignore[index]
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    bench = tox["testenv:bench"]
    extras = bench["extras"].split()
    wanted = bench["deps"].split() + [  # the installed package's metadata: pyproject.toml's lists
        r.split(";")[0]
        for r in metadata.requires("nn-numpy") or []
        if ";" not in r or any(f'extra == "{e}"' in r for e in extras)
    ]
    assert {requirement_name(r) for r in wanted} <= pinned
    assert "benchmarks/constraints.txt" in bench["set_env"]


def test_pins_name_each_installed_version_that_differs_from_its_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    constraints = tmp_path / "constraints.txt"
    numpy = bench_conftest.versions(("numpy",))["numpy"]
    constraints.write_text(
        f"# comment\nnumpy=={numpy}\npytest==0.0.1\nno-such-distribution==1.0\n", encoding="utf-8"
    )
    monkeypatch.setattr(bench_conftest, "CONSTRAINTS", constraints)
    found = bench_conftest.pins()
    assert found["numpy"] == numpy
    assert found["pytest"] == f"{pytest.__version__} (pin 0.0.1)"
    assert found["no-such-distribution"] == "absent (pin 1.0)"
