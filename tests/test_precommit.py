"""The pre-commit hook: its manifest, file arguments as pre-commit passes them, and a real try-repo."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import FIXTURES, invoke

ROOT = Path(__file__).resolve().parents[1]
EXITS = FIXTURES / "RES1_exits"


def findings(*args: str, cwd: Path) -> set[tuple[str, int, str]]:
    code, out, err = invoke("--format", "json", *args, cwd=cwd)
    assert code in (0, 1), err
    return {(f["path"], f["line"], f["rule"]) for f in json.loads(out)["findings"]}


def test_manifest() -> None:
    yaml = pytest.importorskip("yaml")  # comes with pre-commit
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "resilint"
    assert hook["entry"] == "resilint"
    assert hook["language"] == "python"
    assert hook["types"] == ["go"]
    assert hook["require_serial"] is False
    assert hook.get("pass_filenames", True) is True
    assert tuple(map(int, hook["minimum_pre_commit_version"].split("."))) >= (2, 9, 0)


def test_a_file_is_judged_with_its_whole_package() -> None:
    # lib.go defers exitNow(), which exits in helpers.go: the fact comes from the other file,
    # and helpers.go's own findings are not reported because it was not passed.
    found = findings("lib/lib.go", cwd=EXITS)
    assert ("lib/lib.go", 51, "RES103") in found
    assert {path for path, _, _ in found} == {"lib/lib.go"}


def test_files_of_several_packages() -> None:
    found = findings("cmd/tool/main.go", "lib/helpers.go", cwd=EXITS)
    assert ("cmd/tool/main.go", 19, "RES103") in found  # lib.Cleanup() exits: a fact of package lib
    assert ("lib/helpers.go", 7, "RES101") in found
    assert {path for path, _, _ in found} == {"cmd/tool/main.go", "lib/helpers.go"}


def test_every_file_passed_one_by_one_equals_the_whole_tree() -> None:
    files = sorted(p.relative_to(EXITS).as_posix() for p in EXITS.rglob("*.go"))  # tests and generated too
    assert findings(*files, cwd=EXITS) == findings("./...", cwd=EXITS)


BAD = 'package bad\n\nimport "os"\n\n// Stop ends the process.\nfunc Stop() {\n\tos.Exit(3)\n}\n'
CLEAN = "package clean\n\n// Fine returns nothing.\nfunc Fine() error { return nil }\n"


def _git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed")
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout (try-repo clones the hook repo)")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """pre-commit installs this repository as a hook and runs it on a scratch Go repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    repo = tmp_path / "repo"
    for relative, text in {"go.mod": "module example.com/scratch\n\ngo 1.22\n", "bad/bad.go": BAD}.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text, encoding="utf-8")
    (repo / "clean").mkdir()
    (repo / "clean" / "clean.go").write_text(CLEAN, encoding="utf-8")
    _git("init", "-q", cwd=repo, env=env)
    _git("add", ".", cwd=repo, env=env)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "resilint", "--color", "never"]
    result = subprocess.run(
        [*command, "--files", "bad/bad.go", "clean/clean.go"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Failed" in output
    assert "bad/bad.go:7:2: RES101" in output
    assert "clean/clean.go" not in output
    assert (repo / "bad" / "bad.go").read_text(encoding="utf-8") == BAD  # the hook changes nothing
