"""git's ignore rules read with pathspec: the fallback for when git itself cannot be asked.

Used for a directory below a `.git` when the `git` command is missing or refuses the
repository. It knows the `.gitignore` files at every level and `.git/info/exclude` (not
`core.excludesFile`, and not which files are tracked: git itself never ignores those).
Like git, it does not look inside an ignored directory, so the walk prunes it.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from itertools import chain
from pathlib import Path
from typing import Any

import pathspec

_NOT_LITERAL = re.compile(r"[*?\[\\\s]")  # wildcards, escapes, and spaces git may strip


def _literal(line: str) -> str | None:
    """The text a pattern without wildcards must find in a path, or None: try it always."""
    text = line.removeprefix("!").removeprefix("/").removesuffix("/")
    if not text or line.startswith("#") or _NOT_LITERAL.search(text):
        return None
    return text


@functools.cache
def _compiled(line: str) -> Any:  # pathspec types its pattern class differently across versions
    """One line compiled once, however many checks try it (None: a blank line or a comment)."""
    patterns = pathspec.GitIgnoreSpec.from_lines([line]).patterns
    return patterns[0] if patterns else None


class IgnoreFile:
    """The patterns of one ignore file, indexed so that a check tries only those that can match.

    A path is checked against every pattern with a wildcard but, of the literal ones, only
    those equal to one of its components or leading parts (`a`, `a/b` of `a/b/c.go`): no
    other literal pattern can match it. A file of 100,000 generated paths then costs a few
    dictionary lookups per check instead of 100,000 regular expressions. The matching is
    pathspec's, on the candidates in file order, so the last matching pattern still wins.
    """

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._always: list[int] = []
        self._by_literal: dict[str, list[int]] = defaultdict(list)
        for index, line in enumerate(lines):
            literal = _literal(line)
            if literal is None:
                self._always.append(index)
            else:
                self._by_literal[literal].append(index)

    def check(self, relative: str) -> bool | None:
        """True: ignored, False: re-included, None: no pattern matches `relative`."""
        parts = relative.rstrip("/").split("/")
        keys = set(parts) | {"/".join(parts[:end]) for end in range(2, len(parts) + 1)}
        candidates = sorted(chain(self._always, *(self._by_literal.get(key, ()) for key in keys)))
        if not candidates:
            return None
        patterns = [_compiled(self._lines[index]) for index in candidates]
        spec = pathspec.GitIgnoreSpec([pattern for pattern in patterns if pattern is not None])
        return spec.check_file(relative).include


class GitIgnore:
    """The ignore rules of one work tree (each .gitignore read once)."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self._specs: dict[Path, IgnoreFile | None] = {}

    def _spec(self, directory: Path) -> IgnoreFile | None:
        """The patterns of directory/.gitignore (and, at the top, .git/info/exclude)."""
        if directory not in self._specs:
            sources = [directory / ".gitignore"]
            if directory == self.top:
                sources.insert(0, self.top / ".git" / "info" / "exclude")
            lines: list[str] = []
            for source in sources:
                try:
                    lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
            self._specs[directory] = IgnoreFile(lines) if lines else None
        return self._specs[directory]

    def ignores(self, path: Path, *, is_dir: bool = False) -> bool:
        """Is `path` (below the top, its parents not ignored) ignored? Deeper files win, as in git."""
        ignored = False
        relative = path.relative_to(self.top)
        for directory in reversed(relative.parents):
            spec = self._spec(self.top / directory)
            if spec is None:
                continue
            name = relative.relative_to(directory).as_posix() + ("/" if is_dir else "")
            verdict = spec.check(name)
            if verdict is not None:
                ignored = verdict
        return ignored

    def excludes(self, path: Path) -> bool:
        """Is the file ignored, itself or through an ignored directory above it?"""
        below_top = [self.top / parent for parent in reversed(path.relative_to(self.top).parents)][1:]
        return any(self.ignores(d, is_dir=True) for d in below_top) or self.ignores(path)
