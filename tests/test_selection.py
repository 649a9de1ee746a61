"""Which files a run reads: git's answer inside a work tree, symbolic links, `exclude` globs."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golint_resilience.golang.discover
from golint_resilience.golang.discover import FileSource, discover
from golint_resilience.golang.gitignore import IgnoreFile
from harness import EXIT_IN_LIB, chdir, invoke
from test_config import git, init_repo, write

GIT_IGNORES = {
    ".gitignore": "gen*.go\nout/*\n!out/keep.go\nbuild/\n!build/\nbuild/*\n!build/*.go\n",
    "build/.gitignore": "*\n!*.go\n!.gitignore\n",
    "build/b.go": EXIT_IN_LIB,  # re-included by the negations
    "out/keep.go": EXIT_IN_LIB,  # re-included
    "out/drop.go": EXIT_IN_LIB,
    "gen_new.go": EXIT_IN_LIB,
    "gen_tracked.go": EXIT_IN_LIB,  # matches gen*.go, but is tracked: git does not ignore it
    "local_only.go": EXIT_IN_LIB,  # ignored through core.excludesFile
    "lib/lib.go": EXIT_IN_LIB,
    "lib/sub/.gitignore": "*.go\n!keep.go\n",
    "lib/sub/keep.go": EXIT_IN_LIB,
    "lib/sub/skip.go": EXIT_IN_LIB,
    "vendor/v/v.go": EXIT_IN_LIB,  # the go tool's own rules still apply
    "_tools/t.go": EXIT_IN_LIB,
}


def analysed(root: Path, *args: str) -> tuple[set[str], str]:
    """The files with findings (every file here has one) and stderr."""
    code, out, err = invoke("--format", "json", "--no-cache", *args, cwd=root)
    assert code in {0, 1}, err
    return {f["path"] for f in json.loads(out)["findings"]}, err


def git_listing(root: Path) -> set[str]:
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    return {name for name in listed if name.endswith(".go") and not name.startswith(("vendor/", "_"))}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, GIT_IGNORES)
    init_repo(root)
    (tmp_path / "excludes").write_text("local*.go\n", encoding="utf-8")
    git(root, "config", "core.excludesFile", str(tmp_path / "excludes"))
    git(root, "add", "-f", "gen_tracked.go")
    return root


def test_the_files_are_the_ones_git_lists(repo: Path) -> None:
    expected = {"build/b.go", "out/keep.go", "gen_tracked.go", "lib/lib.go", "lib/sub/keep.go"}
    assert git_listing(repo) == expected
    assert analysed(repo)[0] == expected
    assert analysed(repo / "lib", "./...")[0] == {"lib.go", "sub/keep.go"}


def test_ignored_directories_are_never_walked(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(50):
        write(repo, {f"node_modules/m{index}/x/y.go": EXIT_IN_LIB})
    (repo / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    scanned: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: str | os.PathLike[str]) -> object:
        scanned.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(golint_resilience.golang.discover.os, "scandir", recording_scandir)
    assert "node_modules/m0/x/y.go" not in analysed(repo)[0]
    assert not [path for path in scanned if "node_modules" in path]


def test_without_git_the_gitignore_files_still_count(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-git-here"))  # `git` cannot be run: pathspec reads .gitignore
    found, _ = analysed(repo)
    assert {"build/b.go", "out/keep.go", "lib/lib.go", "lib/sub/keep.go"} <= found
    assert not found & {"out/drop.go", "gen_new.go", "lib/sub/skip.go"}


def test_a_named_file_git_ignores_says_so(repo: Path) -> None:
    found, err = analysed(repo, "out/drop.go")
    assert found == set()
    assert err.startswith("resilint: notice: out/drop.go: not analysed, git ignores it\n")
    found, err = analysed(repo, "gen_tracked.go", "out/drop.go")
    assert found == {"gen_tracked.go"}


def test_each_named_file_is_read_exactly_when_the_whole_listing_has_it(repo: Path) -> None:
    """A run on named files asks git about their directories alone (a large tree is not walked
    for untracked files), and gets the answer the listing of the whole tree gives; names with
    glob characters are literal."""
    write(repo, {"we[i]rd*/w.go": EXIT_IN_LIB, "we[i]rd*/sub/deeper.go": EXIT_IN_LIB})
    listed = git_listing(repo)
    assert "we[i]rd*/w.go" in listed
    named = [path for path in sorted(set(GIT_IGNORES) | {"we[i]rd*/w.go"}) if path.endswith(".go")]
    for path in named:
        if path.startswith(("vendor/", "_")):
            continue  # the go tool's rules: not a question for git
        found, _ = analysed(repo, path)
        assert found == ({path} if path in listed else set()), path


def _link_out(repo: Path, outside: Path) -> None:
    write(outside, {"o.go": EXIT_IN_LIB.replace("package lib", "package a")})
    write(repo, {"a/a.go": EXIT_IN_LIB.replace("package lib", "package a")})
    (repo / "a" / "linked.go").symlink_to(os.path.relpath(outside / "o.go", repo / "a"))
    (repo / "a" / "passwd.go").symlink_to("/etc/passwd")
    (repo / "a" / "inside.go").symlink_to("../lib/lib.go")


@pytest.mark.parametrize("git_repo", [True, False], ids=["git", "plain"])
def test_links_out_of_the_tree_are_never_read(tmp_path: Path, git_repo: bool) -> None:
    repo = tmp_path / "repo"
    write(repo, {"lib/lib.go": EXIT_IN_LIB})
    if git_repo:
        init_repo(repo)
    _link_out(repo, tmp_path / "outside")
    for args in [(), ("a",), ("a/linked.go", "a/a.go")]:
        found, err = analysed(repo, *args)
        assert "a/a.go" in found
        assert not {"a/linked.go", "a/passwd.go"} & found
        assert f"resilint: notice: a/linked.go: skipped, a symbolic link to {tmp_path}/outside/o.go" in err
    assert "a/inside.go" in analysed(repo, "a")[0]  # a link that stays inside is read
    code, out, err = invoke("--format", "sarif", "--no-cache", cwd=repo)
    assert code == 1, err
    assert "linked.go" not in out
    assert "passwd" not in out
    code, out, err = invoke("--format", "github", "--no-cache", cwd=repo)
    assert code == 1, err


@pytest.mark.parametrize("glob", ["pkg", "pkg/neg", "/pkg/", "[pq]kg/", "pkg/", "**/neg/*.go", "neg"])
def test_exclude_globs_are_gitignore_patterns(tmp_path: Path, glob: str) -> None:
    write(tmp_path, {"pkg/neg/n.go": EXIT_IN_LIB, "other/o.go": EXIT_IN_LIB})
    assert analysed(tmp_path, "--exclude", glob)[0] == {"other/o.go"}
    (tmp_path / ".resilint.toml").write_text(f"exclude = [{json.dumps(glob)}]\n", encoding="utf-8")
    assert analysed(tmp_path)[0] == {"other/o.go"}


def test_exclude_negation_and_anchoring(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.go": EXIT_IN_LIB, "pkg/keep.go": EXIT_IN_LIB, "x/pkg/b.go": EXIT_IN_LIB})
    assert analysed(tmp_path, "--exclude", "/pkg/*,!/pkg/keep.go")[0] == {"pkg/keep.go", "x/pkg/b.go"}


def test_a_named_file_that_is_excluded_says_so(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.go": EXIT_IN_LIB})
    code, out, err = invoke("--exclude", "pkg/", "pkg/a.go", cwd=tmp_path)
    assert code == 0
    assert err == "resilint: notice: pkg/a.go: not analysed, excluded by the exclude pattern 'pkg/'\n"
    assert "0 files" in out


def test_an_invalid_glob_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.go": EXIT_IN_LIB})
    code, _, err = invoke("--exclude", "!", cwd=tmp_path)
    assert (code, err) == (2, "resilint: error: invalid glob: Invalid git pattern: '!'\n")


def test_git_is_asked_once_per_work_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real_run = subprocess.run

    def recording_run(args: list[str], **kwargs: object) -> object:
        calls.append(args)
        return real_run(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", recording_run)
    analysed(repo, "lib/lib.go", "lib/sub/keep.go", "build", "./...")
    assert [args for args in calls if args[:2] == ["git", "ls-files"]] == [
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    ]


PATTERNS = ["a", "b/", "/a", "a/b", "!a/b", "*.go", "!keep.go", "a/**", "**/b", "#a", "", "c d", "\\!x.go"]
PATTERNS += ["b/c.go", "/b/c.go", "!/b", "x.go", "!b/", "a/b/", "[ab]/c.go", "!*.go", "c"]
PATHS = ["a", "a/", "a/b", "a/b/", "b/c.go", "a/b/c.go", "x.go", "c/a/x.go", "keep.go", "b/keep.go", "!x.go"]


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.sampled_from(PATTERNS), max_size=10), path=st.sampled_from(PATHS))
def test_the_indexed_ignore_file_agrees_with_pathspec(lines: list[str], path: str) -> None:
    assert IgnoreFile(lines).check(path) == pathspec.GitIgnoreSpec.from_lines(lines).check_file(path).include


def test_a_huge_gitignore_costs_little_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"generated/file{index}.o" for index in range(100_000)] + ["/p3/", "*_skip.go"]
    write(tmp_path, {".gitignore": "\n".join(lines) + "\n"})
    for package in range(10):
        write(tmp_path, {f"p{package}/f{index}.go": f"package p{package}\n" for index in range(5)})
    write(tmp_path, {"p1/x_skip.go": "package p1\n"})
    init_repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    started = time.perf_counter()
    with chdir(tmp_path):
        found = [f for d in discover(["./..."], FileSource(respect_gitignore=True)) for f in d.files]
    assert time.perf_counter() - started < 10  # every pattern tried on every file: 30 s and more
    assert len(found) == 45
    assert Path("p1/x_skip.go") not in found
