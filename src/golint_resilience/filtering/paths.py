"""Path-based configuration: `exclude` before the run, `per-path-ignores` after.

Globs are matched against paths relative to the configuration's root (the directory of
the configuration file), '/'-separated, with globs.py's syntax (.gitignore patterns).
What git ignores is left out earlier, by discovery (discover.py).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

from golint_resilience.golang.discover import Notice, PackageDir
from golint_resilience.golang.globs import any_glob_match, compile_globs
from golint_resilience.model import Finding


def path_for_globs(path: Path | str, root: Path) -> str:
    """A path as configuration globs see it: relative to root, '/'-separated."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


class Excluder:
    """Leaves out the discovered files that `exclude` matches; `notice` hears about named ones."""

    def __init__(self, root: Path, globs: tuple[str, ...], notice: Notice) -> None:
        self.root = root
        self.globs = globs
        self.notice = notice

    def _pattern(self, path: Path) -> str | None:
        """The `exclude` pattern that leaves the file out (None: it stays)."""
        if not self.globs:
            return None
        verdict = compile_globs(self.globs).check_file(path_for_globs(path, self.root))
        return self.globs[verdict.index] if verdict.include and verdict.index is not None else None

    def apply(self, directories: Iterable[PackageDir]) -> list[PackageDir]:
        """The directories with excluded files removed; directories left empty are dropped."""
        kept = []
        for directory in directories:
            files = []
            for file in directory.files:
                pattern = self._pattern(file)
                if pattern is None:
                    files.append(file)
                elif directory.selected is not None and file in directory.selected:
                    self.notice(f"{file}: not analysed, excluded by the exclude pattern {pattern!r}")
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
            finding.rule_id in rules and any_glob_match(path_for_globs(finding.path, root), (glob,))
            for glob, rules in ignores
        )
    ]
