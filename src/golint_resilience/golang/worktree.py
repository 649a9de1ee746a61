"""The files git sees in a work tree, as `git ls-files --cached --others --exclude-standard` lists them.

Inside a work tree git decides which files a run sees: ignore files at every level with their
negations, `.git/info/exclude` and `core.excludesFile`, and a tracked file is never ignored,
whatever a pattern says. One call per work tree answers for the whole run, and git does not
descend into ignored directories, so an ignored build tree costs nothing to skip. A run on a
few named files asks about their directories alone (git would otherwise walk the whole tree
for untracked files first).
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WorkTree:
    """The Go file names git lists, by directory relative to the top level ('' for the top)."""

    top: Path
    go_files: dict[str, list[str]]

    def below(self, relative: str) -> Iterator[tuple[str, list[str]]]:
        """(directory relative to `relative`, names) for `relative` and every directory below it."""
        prefix = f"{relative}/" if relative else ""
        for directory, names in self.go_files.items():
            if directory == relative:
                yield "", names
            elif directory.startswith(prefix):
                yield directory[len(prefix) :], names


def _glob_escaped(path: str) -> str:
    """`path` as a literal in a git glob pathspec (its `*`, `?`, `[` and backslashes escaped)."""
    return "".join(f"\\{c}" if c in "*?[\\" else c for c in path)


def _git(args: list[str], top: Path) -> bytes | None:
    try:
        completed = subprocess.run(["git", *args], cwd=top, capture_output=True, check=False)
    except OSError:
        return None
    return completed.stdout if completed.returncode == 0 else None


def list_work_tree(top: Path, only: str | None = None) -> WorkTree | None:
    """What git lists in the work tree at `top`; None when git is missing or refuses to answer.

    `only`: a directory relative to the top ('' for the top itself) whose own files alone
    are listed, without walking the rest of the tree for untracked files (what a run on a
    few named files needs). git must agree that `top` is the top level: an empty or broken
    `.git` would make it answer for some enclosing repository instead.
    """
    toplevel = _git(["rev-parse", "--show-toplevel"], top)
    if toplevel is None or Path(os.path.realpath(os.fsdecode(toplevel.strip()))) != top:
        return None  # not a work tree after all, or git refuses it (e.g. "dubious ownership")
    pathspec = [] if only is None else ["--", f":(glob){_glob_escaped(only)}/*" if only else ":(glob)*"]
    listing = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", *pathspec], top)
    if listing is None:
        return None
    go_files: dict[str, list[str]] = defaultdict(list)
    for raw in dict.fromkeys(listing.split(b"\0")):  # a conflicted file is listed once per stage
        name = os.fsdecode(raw)
        if name.endswith(".go"):
            directory, _, base = name.rpartition("/")
            go_files[directory].append(base)
    return WorkTree(top, {directory: sorted(names) for directory, names in go_files.items()})
