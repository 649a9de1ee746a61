"""Where the repository's top level is, and file paths relative to it.

Paths that identify a finding across runs (its fingerprint, which baselines and SARIF
match by) are relative to the repository's top level, not to the working directory:
a baseline written at the root still matches when resilint runs in a subdirectory.
Outside a git work tree, the working directory stands in for the top level.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


def top_level(start: Path) -> Path:
    """The nearest directory at or above `start` with a `.git` (dir or file), else `start`."""
    return git_top_level(start) or start


@functools.cache
def checkout_root(start: Path) -> Path | None:
    """The top of the checkout that holds `start`: where the directory names of code roles count.

    The git work tree's top level; outside one (an unpacked archive), the outermost
    directory at or above `start` with a go.mod or go.work, so that a nested module under
    `examples/` is still an example of the repository around it. None when neither exists.
    """
    return git_top_level(start) or _outermost_module(start)


# Both walk up one directory at a time, each step cached: a run asks for every package
# directory of a tree, and they share their parents.
@functools.cache
def _outermost_module(start: Path) -> Path | None:
    """The outermost directory at or above `start` with a go.mod or go.work."""
    above = _outermost_module(start.parent) if start.parent != start else None
    if above is not None:
        return above
    return start if (start / "go.mod").is_file() or (start / "go.work").is_file() else None


def git_top_level(start: Path) -> Path | None:
    """The nearest directory at or above `start` with a `.git` (dir or file), else None."""
    return nearest_git_top(start, _GIT_TOPS)


_GIT_TOPS: dict[Path, Path | None] = {}  # git_top_level's answers, for the whole process


def nearest_git_top(start: Path, known: dict[Path, Path | None]) -> Path | None:
    """`git_top_level`, remembering each directory's answer in `known` (what one run found).

    One directory at a time, so that a tree's directories share their parents' answers.
    """
    if start not in known:
        if (start / ".git").exists():
            known[start] = start
        else:
            known[start] = nearest_git_top(start.parent, known) if start.parent != start else None
    return known[start]


def default_root(start: Path) -> Path:
    """The top level of the git work tree containing `start`, symbolic links resolved."""
    return top_level(Path(os.path.realpath(start)))


def repository_path(path: str) -> str:
    """`path` (relative to the working directory) relative to the top level, '/'-separated.

    A path outside the top level is returned as it is.
    """
    return _repository_path(Path.cwd(), path)


@functools.cache
def _repository_path(cwd: Path, path: str) -> str:
    root = top_level(cwd)
    absolute = Path(os.path.abspath(cwd / path))
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else path
