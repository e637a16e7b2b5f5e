""".github/workflows/ci.yml runs the same gate as tox.ini (validated offline by `tox -e lint`)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_workflow_has_one_job_for_every_tox_environment() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    env_list = {e.strip() for e in tox["tox"]["env_list"].split(",")}
    text = WORKFLOW.read_text(encoding="utf-8")
    matrix = set(re.findall(r"^\s+- \{ env: ([\w-]+), python: ", text, flags=re.MULTILINE))
    assert "python -m tox run -e bench" in text  # its own job: table, JSON, alone on a runner
    assert matrix | {"bench"} == env_list


def test_every_action_is_pinned_by_a_full_commit_sha_with_its_tag_noted() -> None:
    uses = re.findall(r"uses: (\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)
