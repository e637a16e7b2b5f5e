"""A fork server for pytest runs: imports the heavy libraries once, forks one child per run.

Started by ``runner.py`` as ``<sandbox python> -m tests.mutation.worker`` in a repository copy.
It reads one JSON request per line on stdin, ``{"args": [...], "log": path, "timeout": s}``,
forks, and the child runs ``pytest.main(args)`` with its output in ``log``; the answer is one
JSON line on stdout, ``{"code": exit status or null, "timeout": bool, "seconds": float}``.

Only third-party modules are imported before forking (never ``nn_numpy``, ``reference`` or the
tests), so each child imports the files as they are on disk now, mutated or not. Nothing is
run in them before the fork either: a thread pool started by a computation (torch's OpenMP)
does not survive ``fork``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time

PRELOAD = "numpy,pytest,hypothesis,torch,matplotlib.pyplot"


def _preload() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in os.environ.get("NN_NUMPY_MUTATION_PRELOAD", PRELOAD).split(","):
        try:
            importlib.import_module(name)
        except Exception:  # an optional library that is absent or broken: the child will say
            pass


def _run(args: list[str], log: str, timeout: float) -> dict[str, object]:
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child: own process group, so a timeout can end its subprocesses too
        code = 3
        try:
            os.setpgid(0, 0)
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            import pytest

            code = int(pytest.main(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return {"code": code, "timeout": False, "seconds": time.monotonic() - start}
        if time.monotonic() - start > timeout:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return {"code": None, "timeout": True, "seconds": time.monotonic() - start}
        time.sleep(0.02)


def main() -> None:
    sys.dont_write_bytecode = True  # a mutant written in the same second must not reuse a .pyc
    _preload()
    for line in sys.stdin:
        request = json.loads(line)
        answer = _run(request["args"], request["log"], float(request["timeout"]))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
