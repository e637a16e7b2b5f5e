"""``nn-numpy-check --json`` never overwrites a file the run read code or data from.

The inputs are TARGET's file as named, the file defining the function (or the class of a
callable instance), every module imported while the target is loaded or run, and every regular
file opened meanwhile (the user's own data or configuration, the shipped datasets).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from nn_numpy.cli import check as check_cli
from tests.helpers_check import GOOD  # a correct user implementation, shared

ADAPTER = "from impl import gradients\n"
INSTANCE = "from impl import gradients\n\nclass G:\n    def __call__(self, *a):\n" \
    "        return gradients(*a)\n\ng = G()\n"  # fmt: skip
LAZY = "def gradients(*a):\n    import impl\n    return impl.gradients(*a)\n"
# Reads a file of its own: when imported (settings.txt) and each time it runs (sub/scale.txt,
# by a relative path after changing directory, as through os.open).
READS = """import os
from impl import gradients as _g
with open("settings.txt", encoding="utf-8") as f:
    SETTINGS = f.read()
HERE = os.getcwd()

def gradients(*a):
    os.chdir(os.path.join(HERE, "sub"))
    try:
        os.close(os.open("scale.txt", os.O_RDONLY))
    finally:
        os.chdir(HERE)
    return _g(*a)
"""


def _digests(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in directory.iterdir()
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "impl.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "adapter.py").write_text(ADAPTER, encoding="utf-8")
    (tmp_path / "instance.py").write_text(INSTANCE, encoding="utf-8")
    (tmp_path / "lazy.py").write_text(LAZY, encoding="utf-8")
    (tmp_path / "reads.py").write_text(READS, encoding="utf-8")
    (tmp_path / "settings.txt").write_text("keep me\n", encoding="utf-8")
    os.symlink("adapter.py", tmp_path / "link.py")
    os.link(tmp_path / "impl.py", tmp_path / "hard.py")
    monkeypatch.chdir(tmp_path)
    # as in a fresh process: not imported from an earlier test
    for name in ("impl", "adapter", "reads"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return tmp_path


@pytest.mark.parametrize(
    ("target", "json_path"),
    [
        ("adapter.py:gradients", "adapter.py"),  # TARGET's file, not the defining one
        ("adapter.py:gradients", "./link.py"),
        ("adapter.py:gradients", "impl.py"),  # the defining file
        ("adapter.py:gradients", "hard.py"),
        ("instance.py:g", "instance.py"),  # a callable instance: its class's file
        ("instance.py:g", "impl.py"),  # imported by TARGET's module
        ("lazy.py:gradients", "impl.py"),  # imported only while the function runs
        ("adapter:gradients", "adapter.py"),  # the module form
        ("adapter:gradients", str(Path("sub/../impl.py"))),
        ("reads.py:gradients", "settings.txt"),  # opened by the user's module as it loads
        ("reads.py:gradients", str(Path("sub/scale.txt"))),  # opened as their function runs
    ],
)
def test_check_json_never_overwrites_any_file_the_run_imported_or_opened(
    target, json_path, user_dir, capsys
):
    (user_dir / "sub").mkdir()
    (user_dir / "sub" / "scale.txt").write_text("2\n", encoding="utf-8")
    before = _digests(user_dir)
    assert check_cli.main([target, "--no-torch", "--json", json_path]) == 2
    assert _digests(user_dir) == before
    assert not [p for p in user_dir.iterdir() if p.name.endswith(".tmp")]
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "is the TARGET" in err and "writing it would overwrite the input" in err


def test_check_json_to_a_new_file_beside_the_adapter_is_written(user_dir, capsys):
    assert check_cli.main(["adapter.py:gradients", "--no-torch", "--json", "r.json"]) == 0
    assert (user_dir / "r.json").read_text(encoding="utf-8").startswith("{")
    assert (user_dir / "adapter.py").read_text(encoding="utf-8") == ADAPTER


CHDIR = "import os\nos.chdir(os.path.dirname(__file__) + '/sub')\nfrom impl import gradients\n"


def test_check_json_is_written_where_it_was_named_even_if_the_users_code_changes_directory(
    user_dir, capsys
):
    (user_dir / "sub").mkdir()
    (user_dir / "sub" / "r.json").write_text("keep", encoding="utf-8")
    (user_dir / "chdir.py").write_text(CHDIR, encoding="utf-8")
    try:
        assert check_cli.main(["chdir.py:gradients", "--no-torch", "--json", "r.json"]) == 0
    finally:
        os.chdir(user_dir)
    assert (user_dir / "sub" / "r.json").read_text(encoding="utf-8") == "keep"
    assert (user_dir / "r.json").read_text(encoding="utf-8").startswith("{")


def test_check_json_naming_the_target_is_refused_even_if_the_users_code_changes_directory(
    user_dir, capsys
):
    (user_dir / "sub").mkdir()
    (user_dir / "chdir.py").write_text(CHDIR, encoding="utf-8")
    try:
        assert check_cli.main(["chdir.py:gradients", "--no-torch", "--json", "impl.py"]) == 2
    finally:
        os.chdir(user_dir)
    assert (user_dir / "impl.py").read_text(encoding="utf-8") == GOOD


def test_check_json_to_a_new_file_beside_the_files_the_users_code_opens_is_written(
    user_dir, capsys
):
    (user_dir / "sub").mkdir()
    (user_dir / "sub" / "scale.txt").write_text("2\n", encoding="utf-8")
    assert check_cli.main(["reads.py:gradients", "--no-torch", "--json", "r.json"]) == 0
    assert (user_dir / "r.json").read_text(encoding="utf-8").startswith("{")


def test_a_device_the_users_code_opens_is_not_an_input_so_json_may_name_it(user_dir, capsys):
    (user_dir / "dev.py").write_text(
        f"import os\nos.close(os.open({os.devnull!r}, os.O_RDONLY))\nfrom impl import gradients\n",
        encoding="utf-8",
    )
    assert check_cli.main(["dev.py:gradients", "--no-torch", "--json", os.devnull]) == 0
