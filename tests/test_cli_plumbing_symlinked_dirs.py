"""Outputs recognised as one file through symlinked directories (nn_numpy.cli._outputs.same_file
and check_outputs), with '..' resolved physically."""

from __future__ import annotations

from pathlib import Path

import pytest

from nn_numpy.cli._errors import UsageError
from nn_numpy.cli._outputs import check_outputs, same_file


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """real/deep/ and link -> real/deep (a symlinked directory)."""
    deep = tmp_path / "real" / "deep"
    deep.mkdir(parents=True)
    (tmp_path / "link").symlink_to(deep, target_is_directory=True)
    return deep, tmp_path / "link"


def test_a_path_through_a_symlinked_directory_is_the_same_file(linked):
    deep, link = linked
    assert same_file(str(link / "new.json"), str(deep / "new.json"))  # neither exists yet
    (deep / "old.json").write_text("{}", encoding="utf-8")
    assert same_file(str(link / "old.json"), str(deep / "old.json"))
    assert not same_file(str(link / "a.json"), str(deep / "b.json"))


def test_dot_dot_after_a_symlinked_directory_is_resolved_physically(linked):
    deep, link = linked
    # link/.. is real/, not the directory holding link
    assert same_file(str(link / ".." / "x.json"), str(deep.parent / "x.json"))
    assert not same_file(str(link / ".." / "x.json"), str(link.parent / "x.json"))


def test_two_outputs_through_a_symlinked_directory_are_refused(linked):
    deep, link = linked
    with pytest.raises(UsageError, match="--a and --b name the same file"):
        check_outputs({"--a": str(deep / "o.json"), "--b": str(link / "o.json")}, {})
    (deep / "in.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"--a: .* is the DATA input"):
        check_outputs({"--a": str(link / "in.csv")}, {"DATA": str(deep / "in.csv")})
    check_outputs({"--a": str(link / "o.json"), "--b": str(link / "p.json")}, {"DATA": None})
