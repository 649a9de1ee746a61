"""Which Go module a directory belongs to, read from the nearest go.mod.

Its module path, and its `replace` directives that point into the file system (the
module-local packages that facts are followed into).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModuleInfo:
    """The Go module a package belongs to, from the nearest go.mod.

    `replacements` are its `replace path => ../dir` directives to directories of the same
    checkout: modules of a multi-module repository (etcd's server uses ../pkg) are read
    like the module's own packages.
    """

    root: Path
    path: str
    replacements: tuple[tuple[str, Path], ...] = ()

    def import_path_of(self, directory: Path) -> str:
        """The import path of a directory inside the module."""
        relative = directory.resolve().relative_to(self.root).as_posix()
        return self.path if relative == "." else f"{self.path}/{relative}"

    @property
    def local_module_paths(self) -> tuple[str, ...]:
        """Module paths whose packages are in this checkout: the module's and its replacements'."""
        return (self.path, *(module_path for module_path, _ in self.replacements))

    def directory_of(self, import_path: str) -> Path | None:
        """The directory of a module-local import path, None for other modules."""
        for module_path, root in ((self.path, self.root), *self.replacements):
            if import_path == module_path:
                return root
            if import_path.startswith(module_path + "/"):
                return root / import_path[len(module_path) + 1 :]
        return None

    def facts_directory(self, import_path: str) -> str | None:
        """The absolute directory of a module-local import path, the key of its package's facts."""
        local = self.directory_of(import_path)
        return os.path.abspath(local) if local is not None else None


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
