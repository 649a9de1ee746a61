from __future__ import annotations

from pathlib import Path

import pytest

from golint_resilience.golang.discover import discover
from golint_resilience.model import ResilintError
from harness import chdir


def _tree(root: Path) -> None:
    for relative in (
        "a/a.go",
        "a/b/b.go",
        "vendor/v/v.go",
        "testdata/t.go",
        "_hidden/h.go",
        ".git/g.go",
        "c/_ignored.go",
        "c/c.go",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("package x\n", encoding="utf-8")
    (root / "d.go").mkdir()  # a directory named like a Go file


def test_recursive_pattern_skips_like_the_go_tool(tmp_path: Path) -> None:
    _tree(tmp_path)
    with chdir(tmp_path):
        found = {d.path.as_posix(): [f.name for f in d.files] for d in discover(["./..."])}
    assert found == {"a": ["a.go"], "a/b": ["b.go"], "c": ["c.go"]}


def test_a_named_file_selects_only_itself_but_reads_its_package(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "a" / "other.go").write_text("package x\n", encoding="utf-8")
    with chdir(tmp_path):
        [directory] = discover(["a/a.go"])
    assert sorted(f.name for f in directory.files) == ["a.go", "other.go"]
    assert directory.selected == {Path("a/a.go")}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("missing/...", "is not a directory"),
        ("missing.go", "no such file or directory"),
        ("empty", "matched no Go files"),
        ("notes.txt", "not a Go file or directory"),
    ],
)
def test_bad_patterns_are_one_clear_error(tmp_path: Path, pattern: str, message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    with chdir(tmp_path), pytest.raises(ResilintError, match=message):
        discover([pattern])
