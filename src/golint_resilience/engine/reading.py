"""Reading a directory: the files a run looks at, their bytes, grouped into packages by package clause."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from golint_resilience.golang.discover import PackageDir
from golint_resilience.golang.gomod import find_module
from golint_resilience.golang.index import Package
from golint_resilience.golang.source import (
    SourceFile,
    display_path,
    is_build_ignored,
    is_generated,
    package_name,
)
from golint_resilience.model import FileError
from golint_resilience.settings import RunSettings

ReadFile = tuple[Path, str, "bytes | str"]  # path, display path, its bytes or why they cannot be read


def run_files(directory: PackageDir, settings: RunSettings) -> list[Path]:
    """The directory's files that the run looks at (test files only if asked)."""
    return [p for p in directory.files if settings.include_tests or not p.name.endswith("_test.go")]


def read_directory(directory: PackageDir, settings: RunSettings) -> list[ReadFile]:
    """The bytes of the directory's files that the run looks at, or why they cannot be read."""
    found: list[ReadFile] = []
    for path in run_files(directory, settings):
        try:
            found.append((path, display_path(path), _read_regular_file(path)))
        except OSError as exc:
            found.append((path, display_path(path), f"cannot read: {exc.strerror or exc}"))
    return found


def group_packages(
    directory: PackageDir, files: list[ReadFile], settings: RunSettings
) -> tuple[list[Package], list[FileError]]:
    """The files grouped by package clause (build-ignored and, unless asked, generated files left out)."""
    errors: list[FileError] = []
    groups: dict[str, list[SourceFile]] = {}
    for path, display, data in files:
        if isinstance(data, str):
            errors.append(FileError(display, data))
            continue
        if is_build_ignored(data) or (not settings.include_generated and is_generated(data)):
            continue
        file = SourceFile(path, display, data)
        name = package_name(data) or _parsed_package_name(file)
        if name is None:
            errors.append(FileError(display, "no package clause: not a Go source file"))
            continue
        groups.setdefault(name, []).append(file)
    resolved = Path(os.path.abspath(directory.path))
    module = find_module(resolved)
    packages = [Package(resolved, name, files, module) for name, files in sorted(groups.items())]
    return packages, errors


def _read_regular_file(path: Path) -> bytes:
    """A file's bytes; a FIFO or device (`x.go -> /dev/zero`) would block or never end."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, "not a regular file")
    return path.read_bytes()


def _parsed_package_name(file: SourceFile) -> str | None:
    clause = next((c for c in file.root.named_children if c.type == "package_clause"), None)
    name = clause.named_children[0] if clause is not None and clause.named_children else None
    return file.text(name) if name is not None else None
