"""`--new-from-rev` whatever git's configuration, revisions that look like options, `--new-from-patch`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import invoke
from test_baseline import BEFORE, committed_repo, reported, write
from test_config import git

CHANGED = BEFORE + "\nfunc New() {\n\tos.Exit(3)\n}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A commit of BEFORE and, uncommitted, CHANGED: one new finding on line 14."""
    write(committed_repo(tmp_path), CHANGED)
    return tmp_path


@pytest.mark.parametrize(
    "config",
    [
        {"diff.noprefix": "true"},
        {"diff.mnemonicPrefix": "true"},
        {"diff.srcPrefix": "x/", "diff.dstPrefix": "y/"},
        {"color.ui": "always", "color.diff": "always"},
        {"diff.relative": "true"},
        {"diff.context": "7", "diff.interHunkContext": "50"},
        {"diff.external": "false"},
    ],
    ids=",".join,
)
def test_git_configuration_cannot_hide_changes(
    repo: Path, monkeypatch: pytest.MonkeyPatch, config: dict[str, str]
) -> None:
    monkeypatch.setenv("GIT_CONFIG_COUNT", str(len(config)))
    for index, (key, value) in enumerate(config.items()):
        monkeypatch.setenv(f"GIT_CONFIG_KEY_{index}", key)
        monkeypatch.setenv(f"GIT_CONFIG_VALUE_{index}", value)
    assert reported(repo / "lib", "--new-from-rev", "HEAD") == [("lib.go", 14)]


def test_a_revision_is_never_an_option(repo: Path) -> None:
    target = repo / "overwritten.txt"
    target.write_text("keep me\n", encoding="utf-8")
    for rev in (f"--output={target}", "-p", "--"):
        code, out, err = invoke(f"--new-from-rev={rev}", cwd=repo)
        assert code == 2, out
        assert err == f"resilint: error: --new-from-rev {rev}: {rev!r} is not a commit in this repository\n"
    assert target.read_text(encoding="utf-8") == "keep me\n"


def _patch(repo: Path, *options: str) -> Path:
    diff = subprocess.run(
        ["git", "diff", *options, "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout
    patch = repo.parent / f"{repo.name}.patch"
    patch.write_text(diff, encoding="utf-8")
    return patch


@pytest.mark.parametrize("options", [(), ("--no-prefix",), ("-U0",), ("--src-prefix=c/", "--dst-prefix=w/")])
def test_new_from_patch(repo: Path, options: tuple[str, ...]) -> None:
    patch = _patch(repo, *options)
    assert reported(repo, "--new-from-patch", str(patch)) == [("lib/lib.go", 14)]
    assert reported(repo / "lib", "--new-from-patch", str(patch)) == [("lib.go", 14)]  # paths from the top


def test_new_from_patch_outside_git_is_relative_to_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path, CHANGED)
    patch = tmp_path / "change.patch"
    patch.write_text(
        "--- a/lib/lib.go\n+++ b/lib/lib.go\n@@ -11,0 +12,4 @@\n+\n+func New() {\n+\tos.Exit(3)\n+}\n",
        encoding="utf-8",
    )
    assert reported(tmp_path, "--new-from-patch", "change.patch") == [("lib/lib.go", 14)]


def test_new_from_patch_errors(repo: Path) -> None:
    for text in ("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n+short\n", "a commit message, no diff\n"):
        (repo / "bad.patch").write_text(text, encoding="utf-8")
        code, _, err = invoke("--new-from-patch", "bad.patch", cwd=repo)
        assert code == 2
        assert err.startswith("resilint: error: --new-from-patch bad.patch: not a unified diff (")
    (repo / "empty.patch").write_text("", encoding="utf-8")
    assert reported(repo, "--new-from-patch", "empty.patch") == []  # nothing changed
    code, _, err = invoke("--new-from-patch", "bad.patch", "--new-from-rev", "HEAD", cwd=repo)
    assert (code, err) == (2, "resilint: error: --new-from-rev and --new-from-patch cannot be combined\n")


def test_file_names_git_quotes(repo: Path) -> None:
    odd = repo / "lib" / 'odd "name"\t.go'
    odd.write_text(BEFORE, encoding="utf-8")
    git(repo / "lib", "add", odd.name)
    git(repo, "commit", "-q", "-m", "odd")
    odd.write_text(CHANGED, encoding="utf-8")
    assert reported(repo / "lib", odd.name, "--new-from-rev", "HEAD") == [(odd.name, 14)]
