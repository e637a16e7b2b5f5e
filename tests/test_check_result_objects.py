"""A result object whose own code raises while it is read (``__getitem__``, ``__getattr__``,
``__contains__``, a property, iteration, a value's ``__array__``) is the user's exception: exit
status 2 with their traceback, never our "internal error"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nn_numpy.cli import check as check_cli
from tests.helpers_check import GOOD  # a correct user implementation, shared

RESULTS = {
    "dict whose __getitem__ raises KeyError": """
class R(dict):
    def __getitem__(self, k):
        raise KeyError(k)
""",
    "object whose __getattr__ raises RuntimeError": """
class R:
    def __init__(self, d):
        self.d = d
    def __getattr__(self, k):
        raise RuntimeError("no " + k)
""",
    "mapping whose __contains__ raises": """
from collections.abc import Mapping
class R(Mapping):
    def __init__(self, d):
        self.d = d
    def __getitem__(self, k):
        return self.d[k]
    def __iter__(self):
        return iter(self.d)
    def __len__(self):
        return len(self.d)
    def __contains__(self, k):
        raise TypeError("contains " + k)
""",
    "mapping without the keys whose iteration raises": """
from collections.abc import Mapping
class R(Mapping):
    def __init__(self, d):
        pass
    def __getitem__(self, k):
        raise KeyError(k)
    def __iter__(self):
        raise ValueError("cannot iterate")
    def __len__(self):
        return 0
""",
    "object whose property raises": """
class R:
    def __init__(self, d):
        self.__dict__.update(d)
    @property
    def J(self):
        raise ZeroDivisionError("J")
""",
    "value whose __array__ raises": """
class Value:
    def __array__(self, dtype=None, copy=None):
        raise OSError("no array")
def R(d):
    return {**d, "dW1": Value()}
""",
}


@pytest.mark.parametrize("result", list(RESULTS.values()), ids=list(RESULTS))
def test_a_result_that_raises_when_read_is_the_users_exception_exit_2(
    result, tmp_path, monkeypatch, capsys
):
    wrapper = f"{GOOD}\n{result}\n_inner = gradients\n\ndef g(*a):\n    return R(_inner(*a))\n"
    (tmp_path / "res.py").write_text(wrapper, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert check_cli.main(["res.py:g", "--no-torch"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "internal error" not in err
    assert err.startswith("Traceback (most recent call last):\n")
    assert 'res.py", line' in err  # their frame is shown, ours are not
    assert "nn_numpy" not in err
    last = err.splitlines()[-1]
    assert last.startswith("nn-numpy-check: error: reading your function's result raised on case")
    assert last.endswith("(its traceback is above)")


def test_a_result_read_without_error_still_passes(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "ok.py").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert check_cli.main(["ok.py:gradients", "--no-torch"]) == 0
