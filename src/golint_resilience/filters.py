"""Path-based configuration: `exclude` and .gitignore before the run, `per-path-ignores` after.

Globs are matched against paths relative to the configuration's root (the directory of
the configuration file), '/'-separated, with globs.py's syntax. Inside a git repository,
files that its .gitignore files (at every level) or .git/info/exclude ignore are left out
too, unless `respect-gitignore = false`.
"""

from __future__ import annotations

import dataclasses
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


class GitIgnore:
    """git's ignore rules for the files of one run (read once per directory)."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path | None] = {}
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _git_root(self, directory: Path) -> Path | None:
        if directory not in self._roots:
            if (directory / ".git").exists():
                self._roots[directory] = directory
            else:
                parent = directory.parent
                self._roots[directory] = None if parent == directory else self._git_root(parent)
        return self._roots[directory]

    def _spec(self, directory: Path, git_root: Path) -> pathspec.GitIgnoreSpec | None:
        """The patterns of directory/.gitignore (and, at the top, .git/info/exclude)."""
        if directory not in self._specs:
            sources = [directory / ".gitignore"]
            if directory == git_root:
                sources.insert(0, git_root / ".git" / "info" / "exclude")
            lines: list[str] = []
            for source in sources:
                try:
                    lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
            self._specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self._specs[directory]

    def ignores(self, path: Path) -> bool:
        """Does git ignore this file? Deeper .gitignore files override shallower ones, as in git."""
        absolute = Path(os.path.abspath(path))
        root = self._git_root(absolute.parent)
        if root is None:
            return False
        ignored = False
        below = absolute.parent.relative_to(root)
        for directory in [*reversed(below.parents), below]:
            spec = self._spec(root / directory, root)
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
        self.git = GitIgnore() if respect_gitignore else None

    def excluded(self, path: Path) -> bool:
        """Is the file excluded by a glob or (when respected) by git?"""
        if self.globs and any_glob_match(relative_to_root(path, self.root), self.globs):
            return True
        return self.git is not None and self.git.ignores(path)

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
