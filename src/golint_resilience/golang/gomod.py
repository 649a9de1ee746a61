"""Which Go module a directory belongs to, read from the nearest go.mod.

Its module path, and its `replace` directives that point into the file system (the
module-local packages that facts are followed into).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from golint_resilience.golang.index import ModuleInfo


@functools.cache
def find_module(directory: Path) -> ModuleInfo | None:
    """The module of the nearest go.mod at or above `directory`."""
    go_mod = directory / "go.mod"
    try:
        text = go_mod.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None if directory.parent == directory else find_module(directory.parent)
    match = re.search(r'^module\s+"?([^"\s]+)"?', text, re.MULTILINE)
    return ModuleInfo(directory, match.group(1), _local_replacements(text, directory)) if match else None


_REPLACE_BLOCK = re.compile(r"^replace\s*\((.*?)^\)", re.MULTILINE | re.DOTALL)
_REPLACE_LINE = re.compile(r"^replace\s+(\S.*)$", re.MULTILINE)
_LOCAL_TARGET = re.compile(r"^\s*(\S+)(?:\s+\S+)?\s*=>\s*(\.{1,2}/\S*|\.{1,2}|/\S+)\s*$")


def _local_replacements(go_mod: str, root: Path) -> tuple[tuple[str, Path], ...]:
    """`replace example.com/lib => ../lib` directives that point into the file system."""
    lines = [m.group(1) for m in _REPLACE_LINE.finditer(go_mod)]
    for block in _REPLACE_BLOCK.finditer(go_mod):
        lines.extend(block.group(1).splitlines())
    found = []
    for line in lines:
        match = _LOCAL_TARGET.match(line.split("//")[0])
        if match:
            found.append((match.group(1), Path(os.path.normpath(root / match.group(2)))))
    return tuple(sorted(found, key=lambda item: -len(item[0])))
