"""The pre-commit hook: its manifest, file arguments as pre-commit passes them, and a real try-repo."""

from __future__ import annotations

import importlib.util
import json
import os
import re
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
    fast, module = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (fast["id"], fast["entry"]) == ("resilint", "resilint --whole-packages")
    assert fast.get("pass_filenames", True) is True
    assert (module["id"], module["entry"], module["pass_filenames"]) == (
        "resilint-module",
        "resilint ./...",
        False,
    )
    for hook in (fast, module):
        assert hook["language"] == "python"
        assert hook["types"] == ["go"]
        assert hook["require_serial"] is True
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
    assert ("lib/helpers.go", 8, "RES101") in found
    assert {path for path, _, _ in found} == {"cmd/tool/main.go", "lib/helpers.go"}


def test_whole_packages_reports_every_file_of_the_packages_given() -> None:
    found = findings("--whole-packages", "lib/lib.go", cwd=EXITS)
    assert ("lib/helpers.go", 8, "RES101") in found
    assert found == findings("lib", cwd=EXITS)


def test_every_file_passed_one_by_one_equals_the_whole_tree() -> None:
    files = sorted(p.relative_to(EXITS).as_posix() for p in EXITS.rglob("*.go"))  # tests and generated too
    assert findings(*files, cwd=EXITS) == findings("./...", cwd=EXITS)


BAD = 'package bad\n\nimport "os"\n\n// Stop ends the process.\nfunc Stop() {\n\tos.Exit(3)\n}\n'
CLEAN = "package clean\n\n// Fine returns nothing.\nfunc Fine() error { return nil }\n"


START = """package w

// Start runs work in the background.
func Start(work func()) {
\tgo func() {
\t\tdefer safely()
\t\twork()
\t}()
}
"""
RECOVERING = """package w

import "log"

func safely() {
\tif r := recover(); r != nil {
\t\tlog.Printf("recovered: %v", r)
\t}
}
"""


def _git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _scratch_repo(root: Path, files: dict[str, str], env: dict[str, str]) -> Path:
    for relative, text in {"go.mod": "module example.com/scratch\n\ngo 1.22\n", **files}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    _git("init", "-q", cwd=root, env=env)
    _git("add", ".", cwd=root, env=env)
    return root


def _try_repo(repo: Path, env: dict[str, str], *args: str) -> str:
    """`pre-commit try-repo` of this checkout: pre-commit clones it and pip-installs it into a
    hook environment (from the package index pip is configured with, as for any hook)."""
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), *args, "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == (1 if "Failed" in output else 0), output
    return output


needs_pre_commit = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None
    or shutil.which("git") is None
    or not (ROOT / ".git").exists(),
    reason="needs pre-commit, git and a git checkout of resilint (try-repo clones it)",
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return env | {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}


@needs_pre_commit
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """pre-commit installs this repository as a hook and runs it on a scratch Go repository."""
    env = _env(tmp_path)
    repo = _scratch_repo(tmp_path / "repo", {"bad/bad.go": BAD, "clean/clean.go": CLEAN}, env)
    output = _try_repo(repo, env, "resilint", "--files", "bad/bad.go", "clean/clean.go")
    assert "Failed" in output
    assert "bad/bad.go:7:2: RES101" in output
    assert "clean/clean.go" not in output
    assert (repo / "bad" / "bad.go").read_text(encoding="utf-8") == BAD  # the hook changes nothing


@needs_pre_commit
def test_both_hooks_catch_a_change_that_breaks_another_file(tmp_path: Path) -> None:
    """Staging only b.go, whose helper stops recovering, must fail on a.go's goroutine."""
    env = _env(tmp_path)
    repo = _scratch_repo(tmp_path / "repo", {"w/a.go": START, "w/b.go": RECOVERING}, env)
    _git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base", cwd=repo, env=env)
    output = _try_repo(repo, env, "--files", "w/b.go")  # every hook of the manifest
    assert "Failed" not in output, output
    assert output.count("w/a.go:5:2: RES201") == 0, output  # a safe helper: nothing to report
    (repo / "w" / "b.go").write_text(RECOVERING.replace("if r := recover(); r != nil", "if true"), "utf-8")
    _git("add", "w/b.go", cwd=repo, env=env)
    output = _try_repo(repo, env, "--files", "w/b.go")
    assert re.search(r"resilint \(packages of the staged Go files\)\.+Failed", output), output
    assert re.search(r"resilint \(whole module\)\.+Failed", output), output
    assert output.count("w/a.go:5:2: RES201") == 2, output  # reported by each hook
