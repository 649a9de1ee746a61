"""Path-based configuration: `exclude` and .gitignore before the run, `per-path-ignores` after.

Globs are matched against paths relative to the configuration's root (the directory of
the configuration file), '/'-separated, with globs.py's syntax. Inside a git repository,
files that its .gitignore files (at every level) or .git/info/exclude ignore are left out
too, unless `respect-gitignore = false`.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable
from pathlib import Path

import pathspec

from golint_resilience.discover import PackageDir
from golint_resilience.globs import any_glob_match
from golint_resilience.model import Finding


def relative_to_root(path: Path | str, root: Path) -> str:
    """A path as configuration globs see it: relative to root, '/'-separated."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


@functools.cache
def _git_root(directory: Path) -> Path | None:
    if (directory / ".git").exists():
        return directory
    return None if directory.parent == directory else _git_root(directory.parent)


@functools.cache
def _ignore_spec(directory: Path, git_root: Path) -> pathspec.GitIgnoreSpec | None:
    """The patterns of directory/.gitignore (and, at the top, .git/info/exclude)."""
    sources = [directory / ".gitignore"]
    if directory == git_root:
        sources.insert(0, git_root / ".git" / "info" / "exclude")
    lines: list[str] = []
    for source in sources:
        try:
            lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def git_ignored(path: Path) -> bool:
    """Does git ignore this file? Deeper .gitignore files override shallower ones, as in git."""
    absolute = Path(os.path.abspath(path))
    root = _git_root(absolute.parent)
    if root is None:
        return False
    ignored = False
    for directory in [
        *reversed(absolute.parent.relative_to(root).parents),
        absolute.parent.relative_to(root),
    ]:
        spec = _ignore_spec(root / directory, root)
        if spec is None:
            continue
        verdict = spec.check_file(absolute.relative_to(root / directory).as_posix()).include
        if verdict is not None:
            ignored = verdict
    return ignored


class Excluder:
    """Decides which discovered files the run leaves out."""

    def __init__(self, root: Path, globs: tuple[str, ...], *, respect_gitignore: bool) -> None:
        self.root = root
        self.globs = globs
        self.respect_gitignore = respect_gitignore

    def excluded(self, path: Path) -> bool:
        """Is the file excluded by a glob or (when respected) by git?"""
        if self.globs and any_glob_match(relative_to_root(path, self.root), self.globs):
            return True
        return self.respect_gitignore and git_ignored(path)

    def apply(self, directories: Iterable[PackageDir]) -> list[PackageDir]:
        """The directories with excluded files removed; directories left empty are dropped."""
        kept = []
        for directory in directories:
            files = [f for f in directory.files if not self.excluded(f)]
            if not files:
                continue
            selected = directory.selected
            if selected is not None:
                selected = {f for f in selected if f in files}
                if not selected:
                    continue
            kept.append(dataclasses.replace(directory, files=files, selected=selected))
        return kept


def drop_per_path_ignores(
    findings: list[Finding], root: Path, ignores: tuple[tuple[str, tuple[str, ...]], ...]
) -> list[Finding]:
    """Findings without those whose rule a `per-path-ignores` glob turns off for their file."""
    if not ignores:
        return findings
    return [
        finding
        for finding in findings
        if not any(
            finding.rule_id in rules and any_glob_match(relative_to_root(finding.path, root), (glob,))
            for glob, rules in ignores
        )
    ]
