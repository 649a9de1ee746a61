"""Reading a directory: the files a run looks at and their bytes (nothing is parsed here)."""

from __future__ import annotations

import stat
from pathlib import Path

from golint_resilience.golang.discover import PackageDir, display_path
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
            found.append((path, display_path(path), read_regular_file(path)))
        except OSError as exc:
            found.append((path, display_path(path), f"cannot read: {exc.strerror or exc}"))
    return found


def read_regular_file(path: Path) -> bytes:
    """A file's bytes; a FIFO or device (`x.go -> /dev/zero`) would block or never end."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, "not a regular file")
    return path.read_bytes()
