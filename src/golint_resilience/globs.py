"""Path globs as users write them in config: `*` within a segment, `**` across segments."""

from __future__ import annotations

import functools
import re


@functools.cache
def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts) + r"\Z")


def glob_match(path: str, pattern: str) -> bool:
    """Does a '/'-separated relative path match a glob? A pattern without '/' matches any name."""
    path = path.removeprefix("./")
    pattern = pattern.removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    return _compile(pattern).match(path) is not None


def any_glob_match(path: str, patterns: tuple[str, ...]) -> bool:
    """True when any of the globs matches."""
    return any(glob_match(path, pattern) for pattern in patterns)
