"""A throwaway copy of the repository that every test process, subprocess and console script sees.

The tests reach the code three ways: by import (pytest's ``pythonpath = ["."]``), by
``python -m nn_numpy.train`` in a subprocess (``sys.executable``, run from the repository root),
and through the console scripts installed beside ``sys.executable``
(``tests/test_installed_package.py``, which also drops ``PYTHONPATH``). A mutant must be visible
to all three, so the tests run under the Python of a small venv made here: its ``sys.path``
starts with the copy (a ``.pth`` file), then every site directory of the Python running this
module (so pytest, torch, ... are the ones already installed), and its ``bin/`` holds the
``[project.scripts]`` of ``pyproject.toml`` as ``pip`` would write them. Nothing is installed.
"""

from __future__ import annotations

import re
import shutil
import site
import sys
import sysconfig
import venv
from pathlib import Path

IGNORE = shutil.ignore_patterns(
    ".git", ".tox", ".venv", "mutants", "__pycache__", "*.egg-info", ".hypothesis",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".benchmarks", "build", "dist", "*.tmp",
)  # fmt: skip


def copy_repo(src: Path, dest: Path) -> Path:
    """Copy the working tree at ``src`` (sources, tests, data; no caches, no VCS) to ``dest``."""
    shutil.copytree(src, dest, ignore=IGNORE)
    return dest


def console_scripts(pyproject: Path) -> dict[str, str]:
    """``name -> "module:function"`` from the ``[project.scripts]`` table (a flat table)."""
    text = pyproject.read_text(encoding="utf-8")
    section = re.search(r"^\[project\.scripts\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if section is None:
        return {}
    return dict(re.findall(r'^([\w.-]+)\s*=\s*"([\w.]+:[\w.]+)"', section.group(1), re.M))


def site_dirs() -> list[str]:
    """The running Python's site directories, in its order (venv first, then system, user)."""
    dirs = [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]
    dirs += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return list(dict.fromkeys(d for d in dirs if Path(d).is_dir()))


def make_python(env_dir: Path, import_root: Path, scripts: dict[str, str]) -> Path:
    """A venv at ``env_dir`` that imports first from ``import_root``; returns its python."""
    venv.EnvBuilder(with_pip=False, symlinks=sys.platform != "win32").create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(
        sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)})
    )
    purelib.mkdir(parents=True, exist_ok=True)
    # .pth lines: a path is appended to sys.path; an "import" line runs (addsitedir also
    # processes the .pth files there, e.g. editable installs, which come after the copy).
    lines = [str(import_root)] + [f"import site; site.addsitedir({d!r})" for d in site_dirs()]
    (purelib / "_nn_numpy_mutation.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, target in scripts.items():
        module, func = target.split(":")
        script = env_dir / "bin" / name
        script.write_text(
            f"#!{python}\nimport sys\nfrom {module} import {func}\nsys.exit({func}())\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
    return python
