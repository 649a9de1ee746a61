"""Path globs as users write them in configuration: .gitignore patterns (pathspec's gitwildmatch).

One dialect for `exclude`, `per-path-ignores` and rule path options, the one users already
know from .gitignore: `*` stays within a segment, `**` crosses segments, a pattern without
a `/` (other than a trailing one) matches a file or directory name at any depth, a leading
or inner `/` anchors it to the root, a trailing `/` matches only directories (and so
everything below them), `[...]` is a character class and `!` re-includes what an earlier
pattern matched. A pattern that matches a directory matches every file below it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from golint_resilience.model import ResilintError

if TYPE_CHECKING:
    import pathspec


@functools.cache
def compile_globs(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """The patterns as one matcher; an invalid one is a user error."""
    import pathspec  # noqa: PLC0415 (a run whose configuration has no globs never loads it)

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except ValueError as exc:  # pathspec's pattern errors are ValueErrors
        msg = f"invalid glob: {exc}"
        raise ResilintError(msg) from None


def any_glob_match(path: str, patterns: tuple[str, ...]) -> bool:
    """Does a '/'-separated path, relative to the globs' root, match the patterns?"""
    return bool(patterns) and compile_globs(patterns).match_file(path.removeprefix("./"))
