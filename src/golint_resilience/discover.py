"""Turn command-line patterns into package directories, skipping what the go tool skips.

Patterns follow the go tool: `./...` and `dir/...` walk a tree; a directory names the
package in it; a `.go` file names itself (its whole package is still read, so that
package-level rules see every file, but only the named files are reported on).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.model import ResilintError

RECURSIVE_SUFFIX = "..."


@dataclass
class PackageDir:
    """A directory of Go files; `selected` limits reporting to some files (None: all)."""

    path: Path
    files: list[Path] = field(default_factory=list)
    selected: set[Path] | None = None


def skipped_dir_name(name: str) -> bool:
    """Directories the go tool never descends into under `./...`."""
    return name in {"vendor", "testdata"} or name.startswith((".", "_"))


def _is_go_file_name(name: str) -> bool:
    return name.endswith(".go") and not name.startswith((".", "_"))


def _go_files(directory: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries if _is_go_file_name(e.name) and _is_file_entry(e)]


def _is_file_entry(entry: os.DirEntry[str]) -> bool:
    """A file, or a link to anything but a directory (a directory named `x.go` is not).

    A dangling or looping link still counts: it is reported when read.
    """
    try:
        return entry.is_file() or (entry.is_symlink() and not entry.is_dir())
    except OSError:  # ELOOP from following a link that points to itself
        return entry.is_symlink()


def _walk(root: Path) -> list[Path]:
    """Every directory under root (root included) in sorted order, without following links."""
    found: list[Path] = []
    stack = [root]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            children = [
                Path(e.path)
                for e in os.scandir(current)
                if e.is_dir(follow_symlinks=False) and not skipped_dir_name(e.name)
            ]
        except OSError:
            continue
        stack.extend(sorted(children, reverse=True))
    return found


def discover(patterns: list[str]) -> list[PackageDir]:
    """Resolve patterns to package directories, in a stable order; bad patterns raise."""
    by_dir: dict[Path, PackageDir] = {}
    for pattern in patterns:
        matched = False
        if pattern == RECURSIVE_SUFFIX or pattern.endswith("/" + RECURSIVE_SUFFIX):
            base = Path(pattern[: -len(RECURSIVE_SUFFIX)] or ".")
            if not base.is_dir():
                msg = f"pattern {pattern!r}: {base} is not a directory"
                raise ResilintError(msg)
            for directory in _walk(base):
                files = _go_files(directory)
                if files:
                    matched = True
                    _add_dir(by_dir, directory, files)
        else:
            path = Path(pattern)
            if path.is_dir():
                files = _go_files(path)
                matched = bool(files)
                if files:
                    _add_dir(by_dir, path, files)
            elif path.suffix == ".go" and (path.exists() or path.is_symlink()):
                matched = True
                _add_file(by_dir, path)
            elif path.exists():
                msg = f"{pattern}: not a Go file or directory"
                raise ResilintError(msg)
            else:
                msg = f"{pattern}: no such file or directory"
                raise ResilintError(msg)
        if not matched:
            msg = f"pattern {pattern!r} matched no Go files{_recursive_hint(pattern)}"
            raise ResilintError(msg)
    return [by_dir[key] for key in sorted(by_dir)]


def _recursive_hint(pattern: str) -> str:
    """For a directory with Go files only below it: the `dir/...` the user probably meant."""
    path = Path(pattern)
    if pattern.endswith(RECURSIVE_SUFFIX) or not path.is_dir():
        return ""
    if not any(_go_files(directory) for directory in _walk(path)):
        return ""
    recursive = pattern.rstrip("/") + "/" + RECURSIVE_SUFFIX
    return f": {path} has none directly in it, only below; did you mean {recursive!r}?"


def _add_dir(by_dir: dict[Path, PackageDir], directory: Path, files: list[Path]) -> None:
    key = directory.resolve()
    entry = by_dir.get(key)
    if entry is None:
        by_dir[key] = PackageDir(directory, files)
    else:
        entry.selected = None  # the whole directory was asked for


def _add_file(by_dir: dict[Path, PackageDir], file: Path) -> None:
    directory = file.parent
    key = directory.resolve()
    entry = by_dir.get(key)
    if entry is None:
        entry = PackageDir(directory, _go_files(directory), set())
        by_dir[key] = entry
    if file not in entry.files:
        entry.files.append(file)
    if entry.selected is not None:
        entry.selected.add(file)
